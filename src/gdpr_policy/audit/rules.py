"""The audit's rules on snapshot data (retention, marketing, restriction, erasure).

Each rule is a pure check over facts the engine has already gathered, so the
rules never see a file or a stream. Contact rules take a batch of
:class:`ContactFacts` (the engine evaluates them per few thousand contacts:
one call per rule and batch instead of one per contact); erasure rules take
one :class:`ErasureCase` per erasure request. Archived (recycle-bin) contacts
are ignored by every contact rule: only ``erasure.soft-deleted`` looks at
them.

Send evidence keeps the first :data:`MAX_EVIDENCE_SENDS` send ids in log order
and always the full count, the first and the last send time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .._messages import Location, Message
from .._refs import LegalRef, StatementRef
from .._rules import Context, Finding, Rule, Severity, rule
from .._trusted import construct
from ..marketing import AFTER_OPT_OUT, DEACTIVATED, NO_BASIS, NO_BASIS_PROMISE, RESTRICTED
from ._logs import KeyHint
from ._model import Activity, Contact, DsrRequest

if TYPE_CHECKING:
    from .._policy import PolicyVersion

__all__ = [
    "MAX_EVIDENCE_SENDS",
    "ContactFacts",
    "ErasureCase",
    "ExportRead",
    "NotEvaluated",
    "OptOut",
    "SendHits",
    "UnreadFile",
    "bounced_not_deleted",
    "deactivated_marketed",
    "deadlines_not_evaluated",
    "erasure_not_carried_out",
    "erasure_soft_deleted",
    "export_read",
    "file_not_read",
    "inactive_deactivation_unknown",
    "inactive_not_deactivated",
    "key_not_read",
    "marketing_after_opt_out",
    "marketing_after_untimed_opt_out",
    "marketing_no_basis",
    "record_id_mangled",
    "restriction_activity_logged",
    "restriction_processed",
    "rule_not_evaluated",
]

MAX_EVIDENCE_SENDS = 10


@dataclass(slots=True)
class SendHits:
    """Sends that matter to one rule for one contact, as the engine tallied them.

    Times are kept as ISO 8601 UTC text of one width, whose order is time
    order, and become ``datetime`` only in the evidence.
    """

    count: int = 0
    send_ids: list[str] = field(default_factory=list)
    first_at: str | None = None
    last_at: str | None = None

    def evidence(self) -> dict[str, Any]:
        """The evidence fields: ids, count, first and last time.

        The list of send ids is handed over, not copied (tens of thousands of
        findings each hold one): the engine never changes it after.
        """
        return {"send_ids": self.send_ids, "send_count": self.count,
                "first_send_at": _when(self.first_at), "last_send_at": _when(self.last_at)}


def _when(text: str | None) -> dt.datetime | None:
    # a campaign's sends share their time: tens of thousands of findings share a few
    # datetimes (one each was 48 bytes a finding, twice)
    if text is None:
        return None
    got = _WHEN.get(text)
    if got is None:
        if len(_WHEN) > 1 << 14:
            _WHEN.clear()
        got = _WHEN[text] = dt.datetime.fromisoformat(text)
    return got


_WHEN: dict[str, dt.datetime] = {}


def forget_times() -> None:
    """Drop the cache of evidence times (the findings are made)."""
    _WHEN.clear()


def _who(c: Contact) -> dict[str, Any]:
    """The evidence fields that say who a finding is about: record id, e-mail, and the name
    when the export has one (the report shows a person, not only an id)."""
    if c.name is None:
        return {"record_id": c.record_id, "email": c.email}
    return {"record_id": c.record_id, "email": c.email, "name": c.name}


@dataclass(frozen=True, slots=True)
class OptOut:
    """The effective marketing opt-out for one list: the earliest of the ways a person said no.

    ``how`` is ``unsubscribe-all``, ``objection-request`` (then ``request_id``
    names it), ``list-unsubscribe`` or ``all-marketing-subscriptions``;
    ``subscription`` is the list the sends went out under.
    """

    at: dt.datetime
    how: str
    request_id: str | None = None
    subscription: str | None = None


@dataclass(slots=True)
class ContactFacts:
    """One contact and what the engine found about it in the other inputs."""

    contact: Contact
    cutoff: dt.datetime
    last_activity: Activity | None
    #: the opt-outs of the lists whose sends came after them, earliest first
    opt_outs: tuple[OptOut, ...] = ()
    after_opt_out: SendHits | None = None
    no_basis: SendHits | None = None
    #: the law a send without basis breaks (the national act, or only the statement's promise)
    no_basis_legal: tuple[str, ...] = ()
    after_deactivation: SendHits | None = None
    after_restriction: SendHits | None = None
    processing_after_restriction: Activity | None = None
    #: the hard bounce shows the address is no longer in use (S11)
    dead_address: bool = False
    bounce_send: tuple[str, dt.datetime] | None = None
    # what the export can show (issue 15): the activity columns inactivity was judged
    # on, whether deactivation is unknown, an opt-out with no time and the sends after it
    activity_columns: tuple[str, ...] = ()
    deactivation_unknown: bool = False
    untimed_opt_out: str | None = None
    after_untimed_opt_out: SendHits | None = None

    @property
    def location(self) -> Location:
        """Where the contact is in its export."""
        c = self.contact
        return construct(Location, {"file": c.source, "line": c.line, "column": None,
                                    "pointer": c.pointer if c.line is None else None})


@dataclass(frozen=True, slots=True)
class ErasureCase:
    """An erasure request and the contacts still holding its subject's data.

    ``past_due`` is ``None`` when the deadline engine was not run: then only a
    request marked fulfilled can be judged.
    """

    request: DsrRequest
    live: tuple[Contact, ...]
    archived: tuple[Contact, ...]
    past_due: bool | None
    due: dt.date | dt.datetime | None = None


ContactBatch = Sequence[ContactFacts]


def emit(
    the_rule: Rule[Any], ctx: Context, subject: str, location: Location | None,
    evidence: dict[str, Any], **values: Any,
) -> Finding:
    """``the_rule.finding(ctx, ...)`` without re-validating what the types already guarantee.

    An audit can yield tens of thousands of findings; validating each evidence
    dict against the ``MessageValue`` union costs more than the whole send
    scan. The values built here are plain scalars, dates and lists of them, so
    the result equals ``the_rule.finding`` (``tests/audit/test_rules.py`` checks
    that).
    """
    policy = ctx.policy
    cites = _CITES.get((the_rule.id, id(policy)))
    if cites is None:
        cites = _cites(the_rule, policy)
    return construct(Finding, {
        "rule": the_rule.id, "severity": the_rule.severity, "subject": subject,
        "message": construct(Message, {"code": the_rule.message_code, "values": values}),
        "location": location, "evidence": evidence, "legal": cites[1], "statement": cites[2],
    })


#: (rule id, id of the policy version) -> (that version, the rule's citations under it, its
#: clauses): ``legal_for`` and ``clauses`` keep their own answers, but reaching them goes
#: through pydantic's private-attribute look-up, which costs more than the rest of ``emit``.
#: The entry holds the version itself, so no other object can take its id while it lives.
_CITES: dict[tuple[str, int], tuple[object, tuple[LegalRef, ...], tuple[StatementRef, ...]]] = {}


def _cites(the_rule: Rule[Any], policy: PolicyVersion,
           ) -> tuple[object, tuple[LegalRef, ...], tuple[StatementRef, ...]]:
    if len(_CITES) > 256:  # a service that loads many policy versions: start again
        _CITES.clear()
    got = _CITES[(the_rule.id, id(policy))] = (
        policy, the_rule.legal_for(policy), the_rule.clauses(policy))
    return got


def _live(batch: ContactBatch) -> Iterable[ContactFacts]:
    return (f for f in batch if not f.contact.archived)


# ------------------------------------------------------------------ retention
@rule("retention.inactive-not-deactivated", legal=["GDPR Art. 5(1)(e)", "GDPR Art. 5(1)(c)"],
      promises=["inactivity-deactivation"])
def inactive_not_deactivated(batch: ContactBatch, ctx: Context) -> Iterable[Finding]:
    """No activity signal at or after the cutoff and the contact is not deactivated.

    Sends and record modifications are not activity; the create date is the
    floor (a record younger than the window is not inactive).
    """
    for f in _live(batch):
        c = f.contact
        if c.deactivated or f.deactivation_unknown or f.last_activity is None or (
                f.last_activity.at >= f.cutoff):
            continue
        ev = {**_who(c), "last_activity": f.last_activity.at,
              "last_activity_property": f.last_activity.prop, "cutoff": f.cutoff}
        yield emit(inactive_not_deactivated, ctx, c.key, f.location, ev,
                   last_activity=f.last_activity.at, cutoff=f.cutoff)


@rule("retention.bounced-not-deleted", legal=["GDPR Art. 5(1)(d)", "GDPR Art. 5(1)(e)"],
      promises=["bounce-deletion"])
def bounced_not_deleted(batch: ContactBatch, ctx: Context) -> Iterable[Finding]:
    """The address hard-bounced as unknown (no longer in use) and the contact is still in the CRM.

    Only a bounce that shows a dead address counts (HubSpot's ``UNKNOWN_USER``;
    the mapping's ``dead_address_reasons``): a policy, spam, content,
    full-mailbox or other bounce comes from a live address.
    """
    for f in _live(batch):
        c = f.contact
        if not f.dead_address or not c.hard_bounce_reason:
            continue
        ev: dict[str, Any] = {**_who(c),
                                 "reason": c.hard_bounce_reason}
        if f.bounce_send is not None:
            ev["bounce_send_id"], ev["bounced_at"] = f.bounce_send
        yield emit(bounced_not_deleted, ctx, c.key, f.location, ev, reason=c.hard_bounce_reason)


# ------------------------------------------------------------------ marketing
@rule(AFTER_OPT_OUT[0], legal=AFTER_OPT_OUT[1], promises=AFTER_OPT_OUT[2])
def marketing_after_opt_out(batch: ContactBatch, ctx: Context) -> Iterable[Finding]:
    """Marketing sends at or after the effective opt-out of the list each went out under.

    The opt-out is per list (S33, S34): an unsubscribe from one list forbids
    that list only; unsubscribe-all and an objection forbid every list.
    Administrative and transactional e-mail stays allowed (S36); the purpose
    is the campaign's, not the list's. Such a send is not also judged for a
    basis (one send, one rule).
    """
    for f in _live(batch):
        if not f.opt_outs or f.after_opt_out is None or not f.after_opt_out.count:
            continue
        c = f.contact
        first = f.opt_outs[0]
        ev = {**_who(c), "effective_opt_out": first.at,
              "opt_out_by": first.how, "request_id": first.request_id,
              "subscriptions": [o.subscription for o in f.opt_outs],
              **f.after_opt_out.evidence()}
        yield emit(marketing_after_opt_out, ctx, c.key, f.location, ev,
                   opt_out=first.at, count=f.after_opt_out.count)


_NO_BASIS_LEGAL = tuple(NO_BASIS[1])


@rule(NO_BASIS[0], legal=NO_BASIS[1], promises=NO_BASIS[2])
def marketing_no_basis(batch: ContactBatch, ctx: Context) -> Iterable[Finding]:
    """Marketing sends without consent on the list in force at the send.

    Consent is recorded per list (``CONSENT_WITH_NOTICE``); the lifecycle
    stage and the contact's legal-basis property are not consent to a list.
    The existing-customer exception counts only where the policy enables it
    and the mapping names where its conditions are recorded. For a role
    address or a recipient the national act does not reach, the finding cites
    the statement's own promise instead of the act (``marketing.no-basis.promise``).
    The act is the one the policy names for its marketing purpose (``national_law``).
    """
    for f in _live(batch):
        if f.no_basis is None or not f.no_basis.count:
            continue
        c = f.contact
        ev = {**_who(c), "legal_bases": list(c.legal_bases),
              "lifecycle_stage": c.lifecycle_stage, "country": c.country,
              **f.no_basis.evidence()}
        found = emit(marketing_no_basis, ctx, c.key, f.location, ev, count=f.no_basis.count)
        if f.no_basis_legal and f.no_basis_legal != _NO_BASIS_LEGAL:
            # The law the policy names (its marketing purpose's national_law), never the
            # catalog's Norwegian default; when that act does not reach this recipient, the
            # statement's own promise.
            update: dict[str, Any] = {
                "legal": tuple(LegalRef.parse(x) for x in f.no_basis_legal)}
            if f.no_basis_legal == NO_BASIS_PROMISE:
                update["message"] = construct(Message, {"code": f"{NO_BASIS[0]}.promise",
                                                        "values": {"count": f.no_basis.count}})
            found = found.model_copy(update=update)
        yield found


@rule(DEACTIVATED[0], legal=DEACTIVATED[1], promises=DEACTIVATED[2])
def deactivated_marketed(batch: ContactBatch, ctx: Context) -> Iterable[Finding]:
    """Marketing sends at or after the contact was deactivated: deactivated means not used (S12)."""
    for f in _live(batch):
        c = f.contact
        if c.deactivated_at is None or f.after_deactivation is None or not f.after_deactivation.count:
            continue
        ev = {**_who(c), "deactivated_at": c.deactivated_at,
              **f.after_deactivation.evidence()}
        yield emit(deactivated_marketed, ctx, c.key, f.location, ev,
                   deactivated_at=c.deactivated_at, count=f.after_deactivation.count)


# ------------------------------------------------------------------ restriction
@rule(RESTRICTED[0], legal=[*RESTRICTED[1], "GDPR Art. 18(2)"], promises=RESTRICTED[2])
def restriction_processed(batch: ContactBatch, ctx: Context) -> Iterable[Finding]:
    """E-mail that is not transactional, sent at or after the restriction of processing.

    The confirmation of the request (Art. 12(3), 19) is transactional and
    allowed; logged activity after the restriction is reported as a note
    (``restriction.activity-logged``), never as this error. Whether one of the
    Art. 18(2) grounds (consent, legal claims ...) allowed a send is not in
    the snapshot.
    """
    for f in _live(batch):
        c = f.contact
        sends = f.after_restriction
        if c.restricted_at is None or sends is None or not sends.count:
            continue
        ev: dict[str, Any] = {**_who(c),
                              "restricted_at": c.restricted_at, **sends.evidence()}
        yield emit(restriction_processed, ctx, c.key, f.location, ev,
                   restricted_at=c.restricted_at, count=sends.count)


@rule("restriction.activity-logged", severity=Severity.NOTE, legal=["GDPR Art. 18(1)"],
      promises=["restriction"])
def restriction_activity_logged(batch: ContactBatch, ctx: Context) -> Iterable[Finding]:
    """Activity logged on the contact after its restriction: look at what it was.

    A note documenting the request is not processing in breach of Art. 18; a
    call or meeting logged for marketing would be. The snapshot shows only
    when something was logged, not what, so this is a note, never an error.
    """
    for f in _live(batch):
        c = f.contact
        act = f.processing_after_restriction
        if c.restricted_at is None or act is None:
            continue
        ev: dict[str, Any] = {**_who(c),
                              "restricted_at": c.restricted_at,
                              "activity_property": act.prop, "activity_at": act.at}
        yield emit(restriction_activity_logged, ctx, c.key, f.location, ev,
                   restricted_at=c.restricted_at, activity_at=act.at)


# ------------------------------------------------------------------ erasure
def _request_location(r: DsrRequest) -> Location:
    return Location(file=r.source, line=r.line)


def _erasure_evidence(case: ErasureCase, contact: Contact) -> dict[str, Any]:
    r = case.request
    return {"request_id": r.request_id, **_who(contact),
            "received_at": r.received_at, "responded_at": r.responded_at, "status": r.status,
            "due": case.due, "contact_file": contact.source, "contact_line": contact.line}


@rule("erasure.not-carried-out", legal=["GDPR Art. 17(1)", "GDPR Art. 12(3)"],
      promises=["erasure", "deletion-on-request"])
def erasure_not_carried_out(case: ErasureCase, ctx: Context) -> Iterable[Finding]:
    """An erasure request fulfilled, or past its due date, while the subject is still a live contact."""
    r = case.request
    if r.status in ("denied", "revoked") or not case.live:
        return
    if r.status != "fulfilled" and not case.past_due:
        return
    for c in case.live:
        yield erasure_not_carried_out.finding(
            ctx,
            f"request:{r.request_id}", location=_request_location(r),
            evidence=_erasure_evidence(case, c),
            request_id=r.request_id, record=c.key, received=r.received_at)


@rule("erasure.soft-deleted", legal=["GDPR Art. 17(1)"], promises=["erasure"])
def erasure_soft_deleted(case: ErasureCase, ctx: Context) -> Iterable[Finding]:
    """An erasure fulfilled, or past its due date, while the record is only in the recycle bin.

    A restorable delete is not an erasure, whether or not the request is
    marked fulfilled.
    """
    r = case.request
    if r.status in ("denied", "revoked") or not case.archived:
        return
    if r.status != "fulfilled" and not case.past_due:
        return
    for c in case.archived:
        ev = _erasure_evidence(case, c)
        ev["archived_at"] = c.archived_at
        yield emit(
            erasure_soft_deleted, ctx, f"request:{r.request_id}", _request_location(r), ev,
            request_id=r.request_id, record=c.key, archived_at=c.archived_at)


# ------------------------------------------------------------------ audit notes
@dataclass(frozen=True, slots=True)
class MangledIds:
    """The contacts of one export whose record id Excel had mangled."""

    source: str
    lines: tuple[int, ...]
    examples: tuple[str, ...]


# Matching on e-mail keeps each record tied to the right person (accuracy, Art. 5(1)(d)).
@rule("audit.record-id-mangled", severity=Severity.NOTE, legal=["GDPR Art. 5(1)(d)"], promises=[])
def record_id_mangled(subject: MangledIds, ctx: Context) -> Iterable[Finding]:
    """Record ids like ``3.01E+10``: those contacts were matched on their e-mail address."""
    if subject.lines:
        yield record_id_mangled.finding(
            ctx,
            f"file:{subject.source}", location=Location(file=subject.source, line=subject.lines[0]),
            evidence={"count": len(subject.lines), "lines": list(subject.lines[:MAX_EVIDENCE_SENDS]),
                      "examples": list(subject.examples)},
            count=len(subject.lines), example=subject.examples[0] if subject.examples else None)


@dataclass(frozen=True, slots=True)
class UnjudgedRequests:
    """Requests whose deadlines could not be evaluated (no deadline engine was given)."""

    source: str
    request_ids: tuple[str, ...]


@rule("audit.deadlines-not-evaluated", severity=Severity.WARNING, legal=["GDPR Art. 12(3)"],
      promises=["response-period"])
def deadlines_not_evaluated(subject: UnjudgedRequests, ctx: Context) -> Iterable[Finding]:
    """The request log was read but no deadline engine judged it: request rules are missing."""
    if subject.request_ids:
        yield deadlines_not_evaluated.finding(
            ctx,
            f"file:{subject.source}", location=Location(file=subject.source),
            evidence={"request_ids": list(subject.request_ids[:MAX_EVIDENCE_SENDS]),
                      "count": len(subject.request_ids)},
            count=len(subject.request_ids))


# ------------------------------------------------------------------ what an export cannot show
# (issue 15) A rule whose input columns a file lacks is not evaluated, and the report says so;
# an inactive contact whose export has no deactivation column is a warning, not an error; an
# opt-out the export shows without a time is used, and the report says the time is unknown.
@dataclass(frozen=True, slots=True)
class ExportRead:
    """How the audit read one contacts export: its shape, activity columns, date formats."""

    source: str
    #: ``api-dump``, ``hubspot-export`` or ``warehouse-table`` (worded by ``term.shape.*``)
    shape: str
    activity: tuple[str, ...]
    formats: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()


@rule("audit.export-read", severity=Severity.NOTE, legal=["GDPR Art. 5(2)"], promises=[])
def export_read(subject: ExportRead, ctx: Context) -> Iterable[Finding]:
    """Which columns of a contacts export the audit judged inactivity on, and how it read dates."""
    none = "-"
    yield export_read.finding(
        ctx,
        f"file:{subject.source}", location=Location(file=subject.source),
        evidence={"shape": subject.shape, "activity_columns": list(subject.activity),
                  "date_formats": list(subject.formats), "columns_not_read": list(subject.ignored)},
        source=subject.source, shape=subject.shape,
        activity=", ".join(subject.activity) or none, formats="; ".join(subject.formats) or none,
        ignored=len(subject.ignored))


@rule("retention.inactive-deactivation-unknown", severity=Severity.WARNING,
      legal=["GDPR Art. 5(1)(e)", "GDPR Art. 5(1)(c)"], promises=["inactivity-deactivation"])
def inactive_deactivation_unknown(batch: ContactBatch, ctx: Context) -> Iterable[Finding]:
    """Inactive past the window, and the export has no column to show whether it was deactivated."""
    for f in _live(batch):
        c = f.contact
        if not f.deactivation_unknown or f.last_activity is None or f.last_activity.at >= f.cutoff:
            continue
        ev = {**_who(c), "last_activity": f.last_activity.at,
              "last_activity_property": f.last_activity.prop, "cutoff": f.cutoff,
              "activity_columns": list(f.activity_columns)}
        yield emit(inactive_deactivation_unknown, ctx, c.key, f.location, ev,
                   last_activity=f.last_activity.at, cutoff=f.cutoff,
                   columns=", ".join(f.activity_columns))


@rule("marketing.after-untimed-opt-out", severity=Severity.WARNING,
      legal=["GDPR Art. 21(3)", "GDPR Art. 7(3)"], promises=["consent-withdrawal", "opt-out-channels", "administrative-email"])
def marketing_after_untimed_opt_out(batch: ContactBatch, ctx: Context) -> Iterable[Finding]:
    """Marketing sends to a contact the export shows as opted out, when it cannot say since when.

    The sends may predate the opt-out: a warning to check the subscription
    history, not a verdict.
    """
    for f in _live(batch):
        hits = f.after_untimed_opt_out
        if f.untimed_opt_out is None or hits is None or not hits.count:
            continue
        c = f.contact
        ev = {**_who(c), "opted_out_of": f.untimed_opt_out,
              **hits.evidence()}
        yield emit(marketing_after_untimed_opt_out, ctx, c.key, f.location, ev,
                   count=hits.count, last=_when(hits.last_at), how=f.untimed_opt_out)
@dataclass(frozen=True, slots=True)
class NotEvaluated:
    """A rule the audit could not judge: which, what it needs, and the file it concerns.

    ``needs`` is the ids of the missing inputs (``request-log``,
    ``recycle-bin`` ..., worded by the catalog's ``term.input.*``) when the
    rule was not run at all, or the columns a contacts file lacks (``a | b``
    any one, ``a + b`` all). ``source`` is ``None`` when a whole input is
    missing (no subscription statuses), else the file; ``count`` is the
    number of records of ``source`` the rule could not judge because the file
    lacks columns, and 0 when the rule was not run at all.
    """

    rule: str
    needs: str | tuple[str, ...]
    source: str | None = None
    count: int = 0


@rule("audit.rule-not-evaluated", severity=Severity.WARNING, legal=["GDPR Art. 5(2)"],
      promises=[])
def rule_not_evaluated(subject: NotEvaluated, ctx: Context) -> Iterable[Finding]:
    """A rule was not evaluated because an input or a column it needs is missing: no verdict.

    Its silence is no assurance: the report has no findings of the rule for
    those records because it was not run on them. Records a file lacks columns
    for are counted (``audit.rule-not-evaluated.columns``).
    """
    needs = subject.needs
    values: dict[str, Any] = {"rule": subject.rule,
                              "needs": needs if isinstance(needs, str) else list(needs)}
    if subject.source is not None:
        values["source"] = subject.source
    if subject.count:
        values["count"] = subject.count
    yield rule_not_evaluated.finding(
        ctx,
        f"rule:{subject.rule}",
        location=Location(file=subject.source) if subject.source is not None else None,
        evidence=dict(values),
        message_code="audit.rule-not-evaluated.columns" if subject.count else None,
        **values)


@dataclass(frozen=True, slots=True)
class UnreadFile:
    """A file beside the audit's inputs that the audit did not read, and why."""

    name: str
    reason: str


@rule("audit.file-not-read", severity=Severity.WARNING, legal=["GDPR Art. 5(2)"], promises=[])
def file_not_read(subject: UnreadFile, ctx: Context) -> Iterable[Finding]:
    """A file in the audit directory was not read: if it is an input, name it explicitly."""
    yield file_not_read.finding(
        ctx,
        f"file:{subject.name}", location=Location(file=subject.name),
        evidence={"file": subject.name, "reason": subject.reason},
        file=subject.name, reason=subject.reason)


# A key a log reader does not read is an export's own; one spelled like a key it reads is most
# likely that key, whose values the audit then went without (a send's list, an answer's day).
@rule("audit.key-not-read", severity=Severity.WARNING, legal=["GDPR Art. 5(2)"], promises=[])
def key_not_read(subject: KeyHint, ctx: Context) -> Iterable[Finding]:
    """A log's key the audit does not read, spelled like one it does: its values went unused."""
    yield key_not_read.finding(
        ctx,
        f"file:{subject.source}", location=Location(file=subject.source, line=subject.line),
        evidence={"file": subject.source, "line": subject.line, "key": subject.key,
                  "meant": subject.meant},
        file=subject.source, key=subject.key, meant=subject.meant)
