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
from typing import Any

from .._messages import Location, Message
from .._rules import Context, Finding, Rule, Severity, rule
from .._trusted import construct
from ._model import Activity, Contact, DsrRequest

__all__ = [
    "MAX_EVIDENCE_SENDS",
    "ContactFacts",
    "ErasureCase",
    "OptOut",
    "SendHits",
    "bounced_not_deleted",
    "deadlines_not_evaluated",
    "erasure_not_carried_out",
    "erasure_soft_deleted",
    "export_read",
    "inactive_deactivation_unknown",
    "inactive_not_deactivated",
    "marketing_after_opt_out",
    "marketing_after_untimed_opt_out",
    "marketing_no_basis",
    "record_id_mangled",
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
        """The evidence fields: ids, count, first and last time."""
        return {"send_ids": list(self.send_ids), "send_count": self.count,
                "first_send_at": _when(self.first_at), "last_send_at": _when(self.last_at)}


def _when(text: str | None) -> dt.datetime | None:
    return None if text is None else dt.datetime.fromisoformat(text)


@dataclass(frozen=True, slots=True)
class OptOut:
    """The effective marketing opt-out: the earliest of the ways a person said no.

    ``how`` is ``unsubscribe-all``, ``all-marketing-subscriptions`` or
    ``objection-request`` (then ``request_id`` names it).
    """

    at: dt.datetime
    how: str
    request_id: str | None = None


@dataclass(slots=True)
class ContactFacts:
    """One contact and what the engine found about it in the other inputs."""

    contact: Contact
    cutoff: dt.datetime
    last_activity: Activity | None
    opt_out: OptOut | None = None
    after_opt_out: SendHits | None = None
    no_basis: SendHits | None = None
    after_restriction: SendHits | None = None
    processing_after_restriction: Activity | None = None
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
    the_rule: Rule[Any], subject: str, location: Location | None, evidence: dict[str, Any],
    **values: Any,
) -> Finding:
    """``the_rule.finding(...)`` without re-validating what the types already guarantee.

    An audit can yield tens of thousands of findings; validating each evidence
    dict against the ``MessageValue`` union costs more than the whole send
    scan. The values built here are plain scalars, dates and lists of them, so
    the result equals ``the_rule.finding`` (``tests/audit/test_rules.py`` checks
    that).
    """
    return construct(Finding, {
        "rule": the_rule.id, "severity": the_rule.severity, "subject": subject,
        "message": construct(Message, {"code": the_rule.message_code, "values": values}),
        "location": location, "evidence": evidence, "legal": the_rule.legal,
        "statement": the_rule.statement,
    })


def _live(batch: ContactBatch) -> Iterable[ContactFacts]:
    return (f for f in batch if not f.contact.archived)


# ------------------------------------------------------------------ retention
@rule("retention.inactive-not-deactivated", legal=["GDPR Art. 5(1)(e)", "GDPR Art. 5(1)(c)"],
      statement=["S12"])
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
        ev = {"record_id": c.record_id, "email": c.email, "last_activity": f.last_activity.at,
              "last_activity_property": f.last_activity.prop, "cutoff": f.cutoff}
        yield emit(inactive_not_deactivated, c.key, f.location, ev,
                   last_activity=f.last_activity.at, cutoff=f.cutoff)


@rule("retention.bounced-not-deleted", legal=["GDPR Art. 5(1)(d)", "GDPR Art. 5(1)(e)"],
      statement=["S11"])
def bounced_not_deleted(batch: ContactBatch, ctx: Context) -> Iterable[Finding]:
    """The address hard-bounced and the contact is still in the CRM."""
    for f in _live(batch):
        c = f.contact
        if not c.hard_bounce_reason:
            continue
        ev: dict[str, Any] = {"record_id": c.record_id, "email": c.email,
                                 "reason": c.hard_bounce_reason}
        if f.bounce_send is not None:
            ev["bounce_send_id"], ev["bounced_at"] = f.bounce_send
        yield emit(bounced_not_deleted, c.key, f.location, ev, reason=c.hard_bounce_reason)


# ------------------------------------------------------------------ marketing
@rule("marketing.after-opt-out", legal=["GDPR Art. 21(3)", "GDPR Art. 21(2)", "GDPR Art. 7(3)"],
      statement=["S33", "S34", "S36"])
def marketing_after_opt_out(batch: ContactBatch, ctx: Context) -> Iterable[Finding]:
    """A marketing-purpose send at or after the effective opt-out.

    Administrative and transactional e-mail stays allowed (S36); the purpose is
    the campaign's, not the subscription type's.
    """
    for f in _live(batch):
        if f.opt_out is None or f.after_opt_out is None or not f.after_opt_out.count:
            continue
        c = f.contact
        ev = {"record_id": c.record_id, "email": c.email, "effective_opt_out": f.opt_out.at,
              "opt_out_by": f.opt_out.how, "request_id": f.opt_out.request_id,
              **f.after_opt_out.evidence()}
        yield emit(marketing_after_opt_out, c.key, f.location, ev,
                   opt_out=f.opt_out.at, count=f.after_opt_out.count)


@rule("marketing.no-basis", legal=["NO Markedsføringsloven § 15", "GDPR Art. 6(1)"],
      statement=["S32"])
def marketing_no_basis(batch: ContactBatch, ctx: Context) -> Iterable[Finding]:
    """Marketing e-mail to a person with neither consent nor a customer relationship on record."""
    for f in _live(batch):
        if f.no_basis is None or not f.no_basis.count:
            continue
        c = f.contact
        ev = {"record_id": c.record_id, "email": c.email, "legal_bases": list(c.legal_bases),
              "lifecycle_stage": c.lifecycle_stage, **f.no_basis.evidence()}
        yield emit(marketing_no_basis, c.key, f.location, ev, count=f.no_basis.count)


# ------------------------------------------------------------------ restriction
@rule("restriction.processed", legal=["GDPR Art. 18(1)", "GDPR Art. 18(2)"], statement=["S18"])
def restriction_processed(batch: ContactBatch, ctx: Context) -> Iterable[Finding]:
    """A send (any purpose) or logged activity at or after the restriction of processing."""
    for f in _live(batch):
        c = f.contact
        if c.restricted_at is None:
            continue
        sends = f.after_restriction
        act = f.processing_after_restriction
        if (sends is None or not sends.count) and act is None:
            continue
        ev: dict[str, Any] = {"record_id": c.record_id, "email": c.email,
                                 "restricted_at": c.restricted_at}
        ev.update(sends.evidence() if sends is not None else SendHits().evidence())
        ev["activity_property"] = act.prop if act else None
        ev["activity_at"] = act.at if act else None
        yield emit(
            restriction_processed, c.key, f.location, ev,
            restricted_at=c.restricted_at, count=sends.count if sends else 0,
            activity_at=act.at if act else None)


# ------------------------------------------------------------------ erasure
def _request_location(r: DsrRequest) -> Location:
    return Location(file=r.source, line=r.line)


def _erasure_evidence(case: ErasureCase, contact: Contact) -> dict[str, Any]:
    r = case.request
    return {"request_id": r.request_id, "record_id": contact.record_id, "email": contact.email,
            "received_at": r.received_at, "responded_at": r.responded_at, "status": r.status,
            "due": case.due, "contact_file": contact.source, "contact_line": contact.line}


@rule("erasure.not-carried-out", legal=["GDPR Art. 17(1)", "GDPR Art. 12(3)"],
      statement=["S17", "S13"])
def erasure_not_carried_out(case: ErasureCase, ctx: Context) -> Iterable[Finding]:
    """An erasure request fulfilled, or past its due date, while the subject is still a live contact."""
    r = case.request
    if r.status in ("denied", "revoked") or not case.live:
        return
    if r.status != "fulfilled" and not case.past_due:
        return
    for c in case.live:
        yield erasure_not_carried_out.finding(
            f"request:{r.request_id}", location=_request_location(r),
            evidence=_erasure_evidence(case, c),
            request_id=r.request_id, record=c.key, received=r.received_at)


@rule("erasure.soft-deleted", legal=["GDPR Art. 17(1)"], statement=["S17"])
def erasure_soft_deleted(case: ErasureCase, ctx: Context) -> Iterable[Finding]:
    """An erasure reported as fulfilled with a restorable delete (the record is in the recycle bin)."""
    r = case.request
    if r.status != "fulfilled":
        return
    for c in case.archived:
        ev = _erasure_evidence(case, c)
        ev["archived_at"] = c.archived_at
        yield emit(
            erasure_soft_deleted, f"request:{r.request_id}", _request_location(r), ev,
            request_id=r.request_id, record=c.key, archived_at=c.archived_at)


# ------------------------------------------------------------------ audit notes
@dataclass(frozen=True, slots=True)
class MangledIds:
    """The contacts of one export whose record id Excel had mangled."""

    source: str
    lines: tuple[int, ...]
    examples: tuple[str, ...]


# Matching on e-mail keeps each record tied to the right person (accuracy, Art. 5(1)(d)).
@rule("audit.record-id-mangled", severity=Severity.NOTE, legal=["GDPR Art. 5(1)(d)"], statement=[])
def record_id_mangled(subject: MangledIds, ctx: Context) -> Iterable[Finding]:
    """Record ids like ``3.01E+10``: those contacts were matched on their e-mail address."""
    if subject.lines:
        yield record_id_mangled.finding(
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
      statement=["S21"])
def deadlines_not_evaluated(subject: UnjudgedRequests, ctx: Context) -> Iterable[Finding]:
    """The request log was read but no deadline engine judged it: request rules are missing."""
    if subject.request_ids:
        yield deadlines_not_evaluated.finding(
            f"file:{subject.source}", location=Location(file=subject.source),
            evidence={"request_ids": list(subject.request_ids[:MAX_EVIDENCE_SENDS]),
                      "count": len(subject.request_ids)},
            count=len(subject.request_ids))


# ------------------------------------------------------------------ what an export cannot show
# (issue 15) A rule whose input columns a file lacks is not evaluated, and the report says so;
# an inactive contact whose export has no deactivation column is a warning, not an error; an
# opt-out the export shows without a time is used, and the report says the time is unknown.
@dataclass(frozen=True, slots=True)
class NotEvaluated:
    """A rule that could not be evaluated on (part of) one input, and what it needs."""

    rule: str
    needs: str
    source: str
    count: int = 0


@rule("audit.rule-not-evaluated", severity=Severity.WARNING, legal=["GDPR Art. 5(2)"], statement=[])
def rule_not_evaluated(subject: NotEvaluated, ctx: Context) -> Iterable[Finding]:
    """A rule was not evaluated because its inputs are missing: no verdict, either way.

    ``count`` is the number of records the rule could not judge (0: the whole input).
    """
    yield rule_not_evaluated.finding(
        f"rule:{subject.rule}", location=Location(file=subject.source),
        evidence={"rule": subject.rule, "needs": subject.needs, "source": subject.source,
                  "count": subject.count},
        rule=subject.rule, needs=subject.needs, source=subject.source, count=subject.count)


@dataclass(frozen=True, slots=True)
class ExportRead:
    """How the audit read one contacts export: its shape, activity columns, date formats."""

    source: str
    shape: str
    activity: tuple[str, ...]
    formats: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()


@rule("audit.export-read", severity=Severity.NOTE, legal=["GDPR Art. 5(2)"], statement=[])
def export_read(subject: ExportRead, ctx: Context) -> Iterable[Finding]:
    """Which columns of a contacts export the audit judged inactivity on, and how it read dates."""
    none = "-"
    yield export_read.finding(
        f"file:{subject.source}", location=Location(file=subject.source),
        evidence={"shape": subject.shape, "activity_columns": list(subject.activity),
                  "date_formats": list(subject.formats), "columns_not_read": list(subject.ignored)},
        source=subject.source, shape=subject.shape,
        activity=", ".join(subject.activity) or none, formats="; ".join(subject.formats) or none,
        ignored=len(subject.ignored))


@rule("retention.inactive-deactivation-unknown", severity=Severity.WARNING,
      legal=["GDPR Art. 5(1)(e)", "GDPR Art. 5(1)(c)"], statement=["S12"])
def inactive_deactivation_unknown(batch: ContactBatch, ctx: Context) -> Iterable[Finding]:
    """Inactive past the window, and the export has no column to show whether it was deactivated."""
    for f in _live(batch):
        c = f.contact
        if not f.deactivation_unknown or f.last_activity is None or f.last_activity.at >= f.cutoff:
            continue
        ev = {"record_id": c.record_id, "email": c.email, "last_activity": f.last_activity.at,
              "last_activity_property": f.last_activity.prop, "cutoff": f.cutoff,
              "activity_columns": list(f.activity_columns)}
        yield emit(inactive_deactivation_unknown, c.key, f.location, ev,
                   last_activity=f.last_activity.at, cutoff=f.cutoff,
                   columns=", ".join(f.activity_columns))


@rule("marketing.after-untimed-opt-out", severity=Severity.WARNING,
      legal=["GDPR Art. 21(3)", "GDPR Art. 7(3)"], statement=["S33", "S34", "S36"])
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
        ev = {"record_id": c.record_id, "email": c.email, "opted_out_of": f.untimed_opt_out,
              **hits.evidence()}
        yield emit(marketing_after_untimed_opt_out, c.key, f.location, ev,
                   count=hits.count, last=_when(hits.last_at), how=f.untimed_opt_out)
