"""Which field of the policy model decides which verdict: no field that decides nothing.

Every field of a :class:`~gdpr_policy.PolicyVersion` is either in
:data:`READ_BY`, with the rules whose verdicts it drives, or in
:data:`DESCRIPTIVE`, with why it decides nothing by design (an identifier, a
clause reference, text for people, the inventory of data and systems).
``tests/test_fields.py`` changes each field in :data:`READ_BY` in the bundled
policy and asserts that a verdict of one of its rules changes, and that every
field of the model is in exactly one of the two tables; ``docs/coverage.md``
names only fields of :data:`READ_BY`.

Paths are relative to a version: ``consent.max_lifetime``, ``purposes[].basis``.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import NoneType, UnionType
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel

__all__ = ["DESCRIPTIVE", "READ_BY", "field_paths"]

_LATE = ("request.late",)

#: Field -> the rules whose verdicts it drives (proved by tests/test_fields.py).
READ_BY: dict[str, tuple[str, ...]] = {
    "effective_from": ("consent.stale-notice",),
    "controller.country": _LATE,
    "controller.addresses[].country": _LATE,
    "controller.addresses[].answers_requests": _LATE,
    "controller.entities[].addresses[].country": _LATE,
    "controller.entities[].addresses[].answers_requests": _LATE,
    "controller.subdivision": _LATE,
    "controller.addresses[].subdivision": _LATE,
    "controller.entities[].subdivision": _LATE,
    "controller.entities[].addresses[].subdivision": _LATE,
    "controller.channels[].kind": ("policy.channel-mismatch",),
    "controller.channels[].value": ("policy.channel-mismatch",),
    "controller.channels[].href": ("policy.channel-mismatch",),
    "controller.channels[].uses": ("policy.channel-use-mismatch",),
    "sites[].jurisdiction": ("policy.consent-below-law",),
    "sites[].domain": ("policy.cookie-spec-mismatch",),
    "jurisdictions[].timezone": _LATE,
    "jurisdictions[].calendar": _LATE,
    "systems[].vendor": ("policy.tracker-provider-mismatch",),
    "systems[].outside_eea": ("policy.notice-omission",),
    "automated_decisions.used": ("policy.notice-omission",),
    "recipients[].role": ("policy.notice-omission",),
    "recipients[].name": ("policy.transfer-without-safeguard",),
    "recipients[].country": ("policy.transfer-without-safeguard", "policy.notice-omission"),
    "recipients[].transfer.safeguard": ("policy.transfer-without-safeguard",),
    "purposes[].kind": ("policy.tracker-category-mismatch", "consent.expired"),
    "purposes[].basis": ("policy.tracker-basis-mismatch", "consent.purpose-not-covered"),
    "purposes[].national_basis": ("policy.consent-without-withdrawal", "marketing.no-basis"),
    "purposes[].withdrawal_channels": ("policy.consent-without-withdrawal",),
    "purposes[].systems": ("policy.unused-consent-purpose",),
    "purposes[].national_law": ("marketing.no-basis",),
    "controller.entities[].country": ("policy.complaint-authority",),
    "trackers[].provider": ("policy.tracker-provider-mismatch",),
    "trackers[].provider_role": ("policy.disclosure-contradiction",),
    "trackers[].system": ("policy.tracker-provider-mismatch",),
    "trackers[].category": ("policy.tracker-category-mismatch",),
    "trackers[].purposes": ("policy.tracker-basis-mismatch", "consent.browser-settings"),
    "trackers[].consent_required": ("policy.tracker-category-mismatch",),
    "trackers[].cookies[].name": ("banner.undeclared-tracker", "policy.cookie-outlives-consent"),
    "trackers[].cookies[].pattern": ("policy.cookie-outlives-consent",),
    "trackers[].cookies[].domain": ("policy.cookie-spec-mismatch",),
    "trackers[].cookies[].party": ("policy.cookie-spec-mismatch",),
    "trackers[].cookies[].lifetime": ("policy.cookie-outlives-consent",),
    "trackers[].cookies[].session": ("policy.cookie-spec-mismatch",),
    "retention[].trigger": ("policy.retention-without-end",),
    "retention[].after": ("retention.inactive-not-deactivated",),
    "retention[].action": ("policy.retention-without-end",),
    "retention[].activity_signals": ("retention.inactive-not-deactivated",),
    "retention[].not_activity": ("retention.inactive-not-deactivated",),
    "disclosure.third_parties": ("policy.disclosure-contradiction",),
    "disclosure.exceptions": ("policy.disclosure-contradiction",),
    "rights.rights": ("policy.consent-below-law",),
    "rights.response_period": ("request.late", "policy.period-too-long"),
    "rights.extension": ("request.extension-too-long", "policy.period-too-long"),
    "rights.extension_notice_within": ("request.extension-late", "policy.period-too-long"),
    "rights.extension_reasons": ("request.extension-reason",),
    "rights.identity.clock": ("request.identity-unwarranted",),
    "rights.identity.prompt_within": ("request.identity-unwarranted",),
    "rights.identity.triggers": ("request.identity-unwarranted",),
    "rights.identity.means": ("request.identity-disproportionate",),
    "rights.portability_formats": ("policy.portability-format", "request.portability-format"),
    "rights.complaint.authority": ("policy.complaint-authority",),
    "rights.channels": ("policy.channel-use-mismatch",),
    "consent.criteria": ("policy.consent-below-law",),
    "consent.forbidden_forms": ("policy.consent-below-law", "consent.browser-settings"),
    "consent.per_purpose": ("policy.consent-below-law",),
    "consent.notice_must_include": ("policy.consent-below-law",),
    "consent.withdrawal_as_easy_as_giving": ("policy.consent-below-law",),
    "consent.withdrawal_channels": ("policy.channel-use-mismatch",),
    "consent.max_lifetime": (
        "consent.expired",
        "policy.cookie-outlives-consent",
        "banner.consent-lifetime",
    ),
    "consent.lifetime_by_kind": ("consent.expired", "policy.cookie-outlives-consent"),
    "consent.new_version_needs_renewal": ("consent.stale-notice",),
    "consent.banner_revision": ("banner.stale-revision",),
    "marketing.opt_out_channels": ("policy.channel-use-mismatch",),
    "marketing.opt_out_covers": ("policy.consent-below-law",),
    "discloses": ("policy.notice-omission",),
}

_ID = "an identifier other fields refer to; renaming it changes names, not verdicts"
_CLAUSES = "the statement clauses an element encodes: read by docs/coverage.md, not by rules"
_TEXT = "text for people (reports, the privacy team), not a claim a rule could check"
_INVENTORY = (
    "inventory of data and systems as the statement lists them (S06-S08): documentation "
    "for people, checked on load for its references, deciding no verdict"
)

#: Field -> why it decides nothing by design.
DESCRIPTIVE: dict[str, str] = {
    "version": "the version's name, used in finding subjects",
    "effective_until": "versioning: Policy.at() picks the version in force (checked on load)",
    "language": "the language the statement is written in",
    "statement": _CLAUSES,
    "controller.legal_name": _TEXT,
    "controller.organisation_number": "checked on load (MOD11 / Luhn), deciding no verdict",
    "controller.addresses[].kind": _TEXT,
    "controller.addresses[].street": _TEXT,
    "controller.addresses[].po_box": _TEXT,
    "controller.addresses[].postcode": _TEXT,
    "controller.addresses[].city": _TEXT,
    "controller.addresses[].statement": _CLAUSES,
    "rights.complaint.href": _TEXT,
    "rights.complaint.statement": _CLAUSES,
    "controller.channels[].id": _ID,
    "controller.entities[].legal_name": _TEXT,
    "controller.entities[].organisation_number": "checked on load (MOD11 / Luhn), deciding no verdict",
    "controller.entities[].statement": _CLAUSES,
    "controller.entities[].addresses[].kind": _TEXT,
    "controller.entities[].addresses[].street": _TEXT,
    "controller.entities[].addresses[].po_box": _TEXT,
    "controller.entities[].addresses[].postcode": _TEXT,
    "controller.entities[].addresses[].city": _TEXT,
    "controller.entities[].addresses[].statement": _CLAUSES,
    "controller.channels[].statement": _CLAUSES,
    "controller.statement": _CLAUSES,
    "sites[].statement": _CLAUSES,
    "jurisdictions[].code": _ID,
    "jurisdictions[].statement": _CLAUSES,
    "subject_categories[].id": _ID,
    "subject_categories[].description": _TEXT,
    "subject_categories[].statement": _CLAUSES,
    "data_categories[].id": _ID,
    "data_categories[].description": _TEXT,
    "data_categories[].statement": _CLAUSES,
    "systems[].id": _ID,
    "systems[].name": _TEXT,
    "systems[].kind": _INVENTORY,
    "systems[].data_categories": _INVENTORY,
    "systems[].statement": _CLAUSES,
    "recipients[].id": _ID,
    "recipients[].note": _TEXT,
    "recipients[].statement": _CLAUSES,
    "recipients[].transfer.note": _TEXT,
    "purposes[].id": _ID,
    "purposes[].description": _TEXT,
    "purposes[].note": _TEXT,
    "purposes[].data_categories": _INVENTORY,
    "purposes[].statement": _CLAUSES,
    "trackers[].id": _ID,
    "trackers[].statement": _CLAUSES,
    "retention[].id": _ID,
    "retention[].event": _TEXT,
    "retention[].statement": _CLAUSES,
    "disclosure.statement": _CLAUSES,
    "rights.identity.statement": _CLAUSES,
    "rights.statement": _CLAUSES,
    "consent.statement": _CLAUSES,
    "marketing.statement": _CLAUSES,
    "automated_decisions.description": _TEXT,
    "automated_decisions.statement": _CLAUSES,
    "assumed[].field": "reported as a note by policy.assumed-value (tests/test_lint.py)",
    "assumed[].reason": _TEXT,
    "documents[].id": _ID,
    "documents[].title": _TEXT,
    "documents[].language": "the language the document is written in",
    "documents[].url": "where the document is published, for people",
    "documents[].clauses[].id": (
        "a clause id: every statement reference is checked against it on load"
    ),
    "documents[].clauses[].summary": _TEXT,
    "documents[].clauses[].kind": "read by docs/coverage.md (rule, policy or out of scope)",
    "documents[].clauses[].promises": (
        "which clauses a finding cites (tests/test_policies_norrsken.py), not whether it fires"
    ),
}


def _inner(annotation: Any) -> tuple[str, type[BaseModel]] | None:
    """The nested model a field holds (with ``[]`` for a tuple of them), if any."""
    origin = get_origin(annotation)
    if origin in (Union, UnionType):
        for arg in get_args(annotation):
            if arg is not NoneType and (found := _inner(arg)) is not None:
                return found
        return None
    if origin is tuple:
        found = _inner(get_args(annotation)[0])
        return None if found is None else ("[]", found[1])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        # Values written as one string (P2Y, 'GDPR Art. 7(3)', S04) are leaves.
        if annotation.__module__.endswith(("_duration", "_refs")):
            return None
        return "", annotation
    return None


def field_paths(model: type[BaseModel] | None = None, prefix: str = "") -> Iterator[str]:
    """Every leaf field of the version model (or of ``model``), as a path."""
    if model is None:
        from ._policy import PolicyVersion

        model = PolicyVersion
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        nested = _inner(info.annotation)
        if nested is None:
            yield path
        else:
            yield from field_paths(nested[1], f"{path}{nested[0]}.")
