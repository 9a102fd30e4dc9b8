"""Consent records and the rules that judge whether a consent holds.

A :class:`ConsentRecord` is what a controller keeps to show that someone
consented: who, when, to which purposes (policy purpose ids), how the consent
was obtained, which notice was shown and what it said, whether the consent was
a condition of a service or contract, when it was withdrawn, and the
processing events being judged against it. :func:`evaluate_consent` returns
the findings of the ``consent.*`` rules; :func:`decide_consent` answers the
question a service asks before it processes ("may I, now, for this purpose,
on this consent?") with a :class:`ConsentDecision` that carries its reasons,
and :func:`is_consent_valid` is the same answer as a bare boolean.

**Unknown is not false.** Every fact a record may lack is ``X | None``;
``None`` means *not recorded*, never *no*:

* Art. 7(1) puts the burden of proof on the controller (CJEU C-61/19): when
  the record cannot show *when* (``given_at``), *how* (``method``; and, for a
  ticked box, that the box was not pre-ticked) or *under which notice*
  (``notice`` with its id and version), ``consent.not-demonstrable`` fires as
  an error.
* Other facts a rule needs but the record lacks (whether a separate choice
  per purpose was offered, what the notice contained, whether a service the
  consent was a condition of needs the processing) never pass silently: the
  rule fires as a **warning** with an ``.unrecorded`` message naming the
  missing fields. A violation the record *shows* is an error.
* ``precondition_of`` is ``None`` when the record names no service the
  consent was a condition of; the check can only see recorded conditions.

**Time.** All instants are timezone-aware; a record gives them as ISO 8601
text with a UTC offset, and a number is refused, never read as Unix time
(``_args.iso_instant``). ``as_of`` is a date-time (aware)
or a date; a date means *the end of that day* in the controller's time zone
(``policy.jurisdiction().timezone``). Processing events and a withdrawal
after ``as_of`` have not happened yet and are not judged. Processing at or
after the instant of withdrawal is processing after withdrawal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    model_validator,
)

from ._args import field_issue, instance_of, iso_instant, policy_version, when
from ._duration import Duration
from ._errors import InputError, UsageError
from ._messages import Location, Message, MessageValue
from ._rules import Context, Finding, Rule, Severity, rule
from ._time import add_months, end_of_day
from ._zones import zone_of

if TYPE_CHECKING:
    from ._policy import PolicyVersion

__all__ = [
    "CONSENT_RULES",
    "ConsentDecision",
    "ConsentMethod",
    "ConsentRecord",
    "NoticeShown",
    "Precondition",
    "ProcessingEvent",
    "decide_consent",
    "evaluate_consent",
    "is_consent_valid",
    "parse_consent_record",
]

_FROZEN = ConfigDict(frozen=True, extra="forbid")

#: An aware date-time. A number is refused: pydantic would read it as Unix time, and a
#: compact stamp (20260101000000) as the year 2612 (see ``_args.iso_instant``).
Instant = Annotated[AwareDatetime, BeforeValidator(iso_instant)]
#: A fact recorded as true or false: "yes", "off", 1 or 1.0 are no record of either.
Flag = StrictBool


class ConsentMethod(StrEnum):
    """How a consent was obtained.

    The first six are clear affirmative acts (Art. 4(11), Recital 32: "ticking
    a box ... choosing technical settings ... other clear conduct"); the last
    five are the forms Recital 32 and EDPB Guidelines 05/2020 Example 16 say
    are never consent. ``browser-settings`` (cookies allowed in the browser or
    device) is neither: it is not consent to trackers under the Norwegian
    cookie rule in force since 2025 (ekomloven § 3-15) and EDPB 05/2020, and
    the statement uses it only to withdraw (S05); see ``consent.browser-settings``.
    """

    TICKED_BOX = "ticked-box"
    BUTTON = "button"
    SIGNATURE = "signature"
    ORAL = "oral"
    EMAIL_REPLY = "email-reply"
    TECHNICAL_SETTINGS = "technical-settings"
    BROWSER_SETTINGS = "browser-settings"
    SILENCE = "silence"
    INACTIVITY = "inactivity"
    SCROLL = "scroll"
    CONTINUED_BROWSING = "continued-browsing"
    PRE_TICKED = "pre-ticked"

    @property
    def is_affirmative(self) -> bool:
        """Whether the method is a clear affirmative act of the data subject."""
        return self in _AFFIRMATIVE

    @property
    def is_passive(self) -> bool:
        """Silence, inactivity, scrolling or continued browsing (not a pre-ticked box)."""
        return self in _PASSIVE


_AFFIRMATIVE = frozenset(
    {
        ConsentMethod.TICKED_BOX,
        ConsentMethod.BUTTON,
        ConsentMethod.SIGNATURE,
        ConsentMethod.ORAL,
        ConsentMethod.EMAIL_REPLY,
        ConsentMethod.TECHNICAL_SETTINGS,
    }
)
_PASSIVE = frozenset(
    {
        ConsentMethod.SILENCE,
        ConsentMethod.INACTIVITY,
        ConsentMethod.SCROLL,
        ConsentMethod.CONTINUED_BROWSING,
    }
)
_BOX_METHODS = frozenset({ConsentMethod.TICKED_BOX, ConsentMethod.PRE_TICKED})


class NoticeShown(BaseModel):
    """The notice shown before consent, and what it contained.

    ``purposes`` and ``data_types`` are what the notice named (an empty tuple
    means it named none); ``controller_identity`` and ``right_to_withdraw``
    say whether it stated them. ``None`` anywhere means not recorded.
    """

    model_config = _FROZEN

    id: str | None = Field(default=None, min_length=1)
    version: str | None = Field(default=None, min_length=1)
    controller_identity: Flag | None = None
    purposes: tuple[str, ...] | None = None
    data_types: tuple[str, ...] | None = None
    right_to_withdraw: Flag | None = None

    @property
    def label(self) -> str:
        """``id@version`` with ``?`` for an unrecorded part."""
        return f"{self.id or '?'}@{self.version or '?'}"


class Precondition(BaseModel):
    """A service or contract the consent was a condition for.

    ``needs_processing`` says whether that service needs the consented
    processing (Art. 7(4)); ``None`` means not recorded.
    """

    model_config = _FROZEN

    service: str = Field(min_length=1)
    needs_processing: Flag | None = None


class ProcessingEvent(BaseModel):
    """One processing operation judged against the consent: for what, and when."""

    model_config = _FROZEN

    purpose: str = Field(min_length=1)
    at: Instant
    location: Location | None = None


class ConsentRecord(BaseModel):
    """A consent as the controller recorded it (see the module docstring for ``None``).

    ``subject`` is the data subject's id; ``id`` the record's own id, used as
    the subject of findings when present. ``purposes`` are policy purpose ids;
    an empty tuple is a consent to nothing. ``separate_choices`` says whether
    a separate choice was offered for each purpose. ``location`` (file and
    JSON pointer of the record) lets findings point at the offending field.
    """

    model_config = _FROZEN

    subject: str = Field(min_length=1)
    id: str | None = Field(default=None, min_length=1)
    given_at: Instant | None = None
    purposes: tuple[Annotated[str, Field(min_length=1)], ...] = ()
    method: ConsentMethod | None = None
    pre_ticked: Flag | None = None
    separate_choices: Flag | None = None
    notice: NoticeShown | None = None
    precondition_of: Precondition | None = None
    withdrawn_at: Instant | None = None
    processing: tuple[ProcessingEvent, ...] = ()
    location: Location | None = None

    # Each message names the field it refuses first ("field: expected ..."): the parser
    # points the error at that field rather than at the whole record.
    @model_validator(mode="after")
    def _coherent(self) -> ConsentRecord:
        if self.method is ConsentMethod.PRE_TICKED and self.pre_ticked is False:
            raise ValueError(
                "pre_ticked: expected true or no value with method 'pre-ticked', got false"
            )
        if self.pre_ticked and self.method is not None and self.method not in _BOX_METHODS:
            raise ValueError(
                f"pre_ticked: expected false or no value with method {self.method.value!r} "
                "(only a box is pre-ticked), got true"
            )
        if (
            self.withdrawn_at is not None
            and self.given_at is not None
            and self.withdrawn_at < self.given_at
        ):
            raise ValueError(
                f"withdrawn_at: expected a time on or after given_at "
                f"({self.given_at.isoformat()}), got {self.withdrawn_at.isoformat()}"
            )
        return self

    @property
    def ref(self) -> str:
        """The finding subject: the record id, else the data subject's id."""
        return self.id or self.subject


def parse_consent_record(
    data: Mapping[str, Any], *, source: str, pointer: str = ""
) -> ConsentRecord:
    """Validate a mapping (decoded JSON or YAML) into a record; errors carry JSON pointers.

    ``pointer`` is where the record sits in its document (``/records/3``); the
    record's ``location`` is set from it unless the mapping has one.
    """
    if not isinstance(data, Mapping):
        raise InputError.at(
            source,
            None,
            None,
            "",
            "expected a consent record object",
            type(data).__name__,
            pointer=pointer or "",
        )
    values = dict(data)
    values.setdefault("location", {"file": source, "pointer": pointer})
    try:
        return ConsentRecord.model_validate(values)
    except ValidationError as exc:
        issues = [
            field_issue(err, source=source, pointer=pointer, model=ConsentRecord)
            for err in exc.errors(include_url=False)
        ]
        raise InputError(issues) from exc


# --- evaluation helpers ---------------------------------------------------------------


def _context(policy: PolicyVersion, as_of: dt.date | dt.datetime) -> Context:
    """A rule context for one evaluation."""
    return Context(policy=policy, as_of=as_of)


def _at(record: ConsentRecord, suffix: str) -> Location | None:
    """The location of a field of the record (``suffix`` is a JSON pointer tail)."""
    loc = record.location
    if loc is None:
        return None
    return loc.model_copy(update={"pointer": (loc.pointer or "") + suffix})


def _event_at(record: ConsentRecord, index: int, event: ProcessingEvent) -> Location | None:
    return event.location or _at(record, f"/processing/{index}")


def _zone(policy: PolicyVersion) -> ZoneInfo:
    try:
        return zone_of(policy.jurisdiction().timezone)
    except UsageError as exc:
        raise UsageError(f"the policy's time zone: {exc}") from None


def _instant(as_of: dt.date | dt.datetime, policy: PolicyVersion) -> dt.datetime:
    """The last instant ``as_of`` covers: itself, or the end of a date in the controller's zone.

    A date-time is aware here: the public functions take ``as_of`` through
    ``_args.when``, which refuses one without an offset.
    """
    if isinstance(as_of, dt.datetime):
        return as_of
    return end_of_day(as_of, _zone(policy).key)


def _purpose_basis(policy: PolicyVersion, purpose: str) -> str | None:
    return next((p.basis for p in policy.purposes if p.id == purpose), None)


def _relies_on_consent(record: ConsentRecord, policy: PolicyVersion, purpose: str) -> bool:
    """Whether processing for ``purpose`` stands on this consent.

    It does when the record names the purpose, when the policy gives the
    purpose consent as its basis, or when the policy does not declare it (no
    other basis is shown). A purpose the policy bases on something else
    (contract, legal obligation ...) and the consent does not name does not.
    """
    if purpose in record.purposes:
        return True
    basis = _purpose_basis(policy, purpose)
    return basis is None or basis == "consent"


def _due_events(record: ConsentRecord, ctx: Context) -> Iterator[tuple[int, ProcessingEvent]]:
    """Events that have happened by ``as_of`` and rely on the consent, with their index."""
    until = _instant(ctx.as_of, ctx.policy)
    for index, event in enumerate(record.processing):
        if event.at <= until and _relies_on_consent(record, ctx.policy, event.purpose):
            yield index, event


def _unrecorded(
    the_rule: Rule[ConsentRecord],
    ctx: Context,
    record: ConsentRecord,
    fields: list[str],
    location: Location | None,
    evidence: Mapping[str, MessageValue],
    **values: MessageValue,
) -> Finding:
    """A warning of ``the_rule``: the record lacks the facts the rule needs."""
    found = the_rule.finding(
        ctx,
        record.ref,
        location=location,
        evidence={**evidence, "unrecorded": fields},
        severity=Severity.WARNING,
    )
    return found.model_copy(
        update={
            "message": Message(
                code=f"{the_rule.id}.unrecorded",
                values={"record": record.ref, "fields": fields, **values},
            )
        }
    )


# --- the rules ------------------------------------------------------------------------


@rule(
    "consent.silence",
    legal=["GDPR Recital 32", "EDPB Guidelines 05/2020 Example 16"],
    promises=["consent-forbidden-forms"],
)
def consent_silence(record: ConsentRecord, ctx: Context) -> Iterable[Finding]:
    """Consent inferred from silence, inactivity, scrolling or continued browsing."""
    if record.method is not None and record.method.is_passive:
        yield consent_silence.finding(
            ctx,
            record.ref,
            location=_at(record, "/method"),
            evidence={"method": record.method.value, "given_at": record.given_at},
            record=record.ref,
            method=record.method.value,
        )


@rule(
    "consent.pre-ticked",
    legal=["GDPR Recital 32", "CJEU C-673/17 Planet49"],
    promises=["consent-forbidden-forms"],
)
def consent_pre_ticked(record: ConsentRecord, ctx: Context) -> Iterable[Finding]:
    """Consent given through a box that was ticked before the data subject acted."""
    if record.method is ConsentMethod.PRE_TICKED or record.pre_ticked is True:
        field = "/pre_ticked" if record.pre_ticked is True else "/method"
        yield consent_pre_ticked.finding(
            ctx,
            record.ref,
            location=_at(record, field),
            evidence={
                "method": record.method.value if record.method else None,
                "pre_ticked": record.pre_ticked,
                "given_at": record.given_at,
            },
            record=record.ref,
        )


@rule(
    "consent.conditional",
    legal=["GDPR Art. 7(4)", "GDPR Recital 43"],
    promises=["consent-forbidden-forms"],
)
def consent_conditional(record: ConsentRecord, ctx: Context) -> Iterable[Finding]:
    """Consent made a condition of a service or contract that does not need the processing."""
    cond = record.precondition_of
    if cond is None:
        return
    evidence: dict[str, MessageValue] = {
        "precondition_of": cond.service,
        "needs_processing": cond.needs_processing,
        "purposes": sorted(set(record.purposes)),
    }
    if cond.needs_processing is False:
        yield consent_conditional.finding(
            ctx,
            record.ref,
            location=_at(record, "/precondition_of"),
            evidence=evidence,
            record=record.ref,
            service=cond.service,
        )
    elif cond.needs_processing is None:
        yield _unrecorded(
            consent_conditional,
            ctx,
            record,
            ["precondition_of.needs_processing"],
            _at(record, "/precondition_of"),
            evidence,
            service=cond.service,
        )


@rule(
    "consent.not-granular",
    legal=["GDPR Recital 43", "EDPB Guidelines 05/2020 Example 7"],
    promises=["consent-per-purpose"],
)
def consent_not_granular(record: ConsentRecord, ctx: Context) -> Iterable[Finding]:
    """One consent for several purposes with no separate choice for each."""
    purposes = sorted(set(record.purposes))
    if len(purposes) < 2:
        return
    evidence: dict[str, MessageValue] = {
        "purposes": purposes,
        "separate_choices": record.separate_choices,
    }
    if record.separate_choices is False:
        yield consent_not_granular.finding(
            ctx,
            record.ref,
            location=_at(record, "/separate_choices"),
            evidence=evidence,
            record=record.ref,
            count=len(purposes),
            purposes=purposes,
        )
    elif record.separate_choices is None:
        yield _unrecorded(
            consent_not_granular,
            ctx,
            record,
            ["separate_choices"],
            _at(record, "/purposes"),
            evidence,
            count=len(purposes),
            purposes=purposes,
        )


@rule(
    "consent.purpose-not-covered",
    legal=["GDPR Art. 6(1)(a)"],
    promises=["consent-per-purpose"],
)
def consent_purpose_not_covered(record: ConsentRecord, ctx: Context) -> Iterable[Finding]:
    """Processing standing on consent for a purpose, or at a time, the consent does not cover.

    A purpose the consent does not name is the main case. Processing before
    the consent was given is not covered either (consent does not work
    backwards); it is reported under the same rule with its own message.
    """
    consented = sorted(set(record.purposes))
    for index, event in _due_events(record, ctx):
        evidence: dict[str, MessageValue] = {
            "purpose": event.purpose,
            "at": event.at,
            "consented_purposes": consented,
            "policy_basis": _purpose_basis(ctx.policy, event.purpose),
        }
        if event.purpose not in record.purposes:
            yield consent_purpose_not_covered.finding(
                ctx,
                record.ref,
                location=_event_at(record, index, event),
                evidence=evidence,
                record=record.ref,
                purpose=event.purpose,
                at=event.at,
                consented=consented,
            )
        elif record.given_at is not None and event.at < record.given_at:
            found = consent_purpose_not_covered.finding(
                ctx,
                record.ref,
                location=_event_at(record, index, event),
                evidence={**evidence, "given_at": record.given_at},
            )
            yield found.model_copy(
                update={
                    "message": Message(
                        code="consent.purpose-not-covered.before-consent",
                        values={
                            "record": record.ref,
                            "purpose": event.purpose,
                            "at": event.at,
                            "given_at": record.given_at,
                        },
                    )
                }
            )


_NOTICE_MESSAGES = {
    "controller_identity": "consent.not-informed.controller-identity",
    "purposes": "consent.not-informed.purposes",
    "data_types": "consent.not-informed.data-types",
    "right_to_withdraw": "consent.not-informed.right-to-withdraw",
}


@rule(
    "consent.not-informed",
    legal=["GDPR Art. 7(3)", "GDPR Recital 42"],
    promises=["consent-explicit"],
)
def consent_not_informed(record: ConsentRecord, ctx: Context) -> Iterable[Finding]:
    """The notice lacked the controller's identity, a purpose, the data types or withdrawal.

    One finding per missing element, each with its own message; the notice's
    ``purposes`` must name every purpose the consent covers. A notice that is
    not recorded at all is ``consent.not-demonstrable``'s business.
    """
    notice = record.notice
    if notice is None:
        return
    base: dict[str, MessageValue] = {"notice": notice.label}
    lacking: list[tuple[str, dict[str, MessageValue]]] = []
    unrecorded: list[str] = []
    if notice.controller_identity is False:
        lacking.append(("controller_identity", {"controller_identity": False}))
    elif notice.controller_identity is None:
        unrecorded.append("notice.controller_identity")
    if notice.purposes is None:
        unrecorded.append("notice.purposes")
    else:
        unnamed = sorted(set(record.purposes) - set(notice.purposes))
        if unnamed or not notice.purposes:
            lacking.append(
                (
                    "purposes",
                    {"notice_purposes": sorted(set(notice.purposes)), "unnamed_purposes": unnamed},
                )
            )
    if notice.data_types is None:
        unrecorded.append("notice.data_types")
    elif not notice.data_types:
        lacking.append(("data_types", {"data_types": []}))
    if notice.right_to_withdraw is False:
        lacking.append(("right_to_withdraw", {"right_to_withdraw": False}))
    elif notice.right_to_withdraw is None:
        unrecorded.append("notice.right_to_withdraw")

    for field, extra in lacking:
        found = consent_not_informed.finding(
            ctx,
            record.ref,
            location=_at(record, f"/notice/{field}"),
            evidence={**base, **extra, "given_at": record.given_at},
        )
        values: dict[str, MessageValue] = {"record": record.ref, "notice": notice.label}
        if field == "purposes":
            values["purposes"] = extra["unnamed_purposes"] or sorted(set(record.purposes))
        yield found.model_copy(
            update={"message": Message(code=_NOTICE_MESSAGES[field], values=values)}
        )
    if unrecorded:
        yield _unrecorded(
            consent_not_informed,
            ctx,
            record,
            unrecorded,
            _at(record, "/notice"),
            base,
            notice=notice.label,
        )


@rule(
    "consent.not-demonstrable",
    legal=["GDPR Art. 7(1)", "CJEU C-61/19 Orange Romania"],
    promises=["consent-explicit"],
)
def consent_not_demonstrable(record: ConsentRecord, ctx: Context) -> Iterable[Finding]:
    """The record cannot show when, how or under which notice consent was given.

    A ticked box whose pre-ticked state is unrecorded does not show *how*:
    a box ticked by the controller proves nothing (C-61/19).
    """
    missing: list[str] = []
    if record.given_at is None:
        missing.append("given_at")
    if record.method is None:
        missing.append("method")
    elif record.method is ConsentMethod.TICKED_BOX and record.pre_ticked is None:
        missing.append("pre_ticked")
    if record.notice is None:
        missing.append("notice")
    else:
        if record.notice.id is None:
            missing.append("notice.id")
        if record.notice.version is None:
            missing.append("notice.version")
    if missing:
        first = missing[0].replace(".", "/")
        yield consent_not_demonstrable.finding(
            ctx,
            record.ref,
            location=_at(record, f"/{first}"),
            evidence={
                "missing": missing,
                "given_at": record.given_at,
                "method": record.method.value if record.method else None,
                "notice": record.notice.label if record.notice else None,
            },
            record=record.ref,
            missing=missing,
        )


@rule(
    "consent.withdrawn",
    legal=["GDPR Art. 7(3)"],
    promises=["consent-withdrawal"],
)
def consent_withdrawn(record: ConsentRecord, ctx: Context) -> Iterable[Finding]:
    """Processing for a consented purpose at or after the consent's withdrawal."""
    withdrawn = record.withdrawn_at
    if withdrawn is None or withdrawn > _instant(ctx.as_of, ctx.policy):
        return
    for index, event in _due_events(record, ctx):
        # A purpose the consent never named is consent.purpose-not-covered's finding.
        if event.purpose in record.purposes and event.at >= withdrawn:
            yield consent_withdrawn.finding(
                ctx,
                record.ref,
                location=_event_at(record, index, event),
                evidence={
                    "purpose": event.purpose,
                    "at": event.at,
                    "withdrawn_at": withdrawn,
                },
                record=record.ref,
                purpose=event.purpose,
                at=event.at,
                withdrawn_at=withdrawn,
            )


def _tracker_purposes(policy: PolicyVersion) -> frozenset[str]:
    """Purposes served by trackers that need consent (cookies, pixels: ePD Art. 5(3))."""
    return frozenset(p for t in policy.trackers if t.consent_required for p in t.purposes)


def _judged_purposes(record: ConsentRecord, ctx: Context) -> list[str]:
    """The consented purposes, and those of processing due by ``as_of``, once each."""
    events = [e.purpose for _, e in _due_events(record, ctx)]
    return list(dict.fromkeys((*record.purposes, *events)))


@rule(
    "consent.browser-settings",
    legal=[
        "NO Ekomloven § 3-15",
        "EDPB Guidelines 05/2020",
        "GDPR Art. 4(11)",
        "CJEU C-673/17 Planet49",
    ],
    promises=["browser-withdrawal", "consent-explicit"],
)
def consent_browser_settings(record: ConsentRecord, ctx: Context) -> Iterable[Finding]:
    """Consent to a purpose served by trackers obtained through browser or device settings.

    Also fires for any other purpose when the policy lists ``browser-settings``
    among its ``consent.forbidden_forms``.
    """
    if record.method is not ConsentMethod.BROWSER_SETTINGS:
        return
    trackers = _tracker_purposes(ctx.policy)
    forbidden = "browser-settings" in ctx.policy.consent.forbidden_forms
    hit = sorted(p for p in set(record.purposes) if p in trackers or forbidden)
    if hit:
        yield consent_browser_settings.finding(
            ctx,
            record.ref,
            location=_at(record, "/method"),
            evidence={
                "method": record.method.value,
                "purposes": hit,
                "tracker_purposes": sorted(set(record.purposes) & trackers),
                "policy_forbids": forbidden,
            },
            record=record.ref,
            purposes=hit,
        )


def _lifetimes(policy: PolicyVersion, purpose: str) -> list[tuple[str, Duration]]:
    """The lifetimes that bind a consent to ``purpose``, each with the policy field it comes from."""
    out: list[tuple[str, Duration]] = []
    declared = next((p for p in policy.purposes if p.id == purpose), None)
    if declared is None:
        return out
    limits = policy.consent
    by_kind = limits.lifetime_by_kind.get(declared.kind)
    if by_kind is not None:
        out.append((f"consent.lifetime_by_kind.{declared.kind}", by_kind))
    if limits.max_lifetime is not None and purpose in _tracker_purposes(policy):
        out.append(("consent.max_lifetime", limits.max_lifetime))
    return out


def _expiry(given_day: dt.date, lifetime: Duration) -> tuple[dt.date, bool] | None:
    """The last day a consent given on ``given_day`` holds and whether a month end clamped it;
    None when that day is past the calendar (the consent does not run out in it).

    Calendar months first, then weeks and days; hours and minutes are whole days, rounded
    up (``PT48H`` is two days, ``PT1H`` one).
    """
    try:
        shifted = add_months(given_day, lifetime.total_months)
        extra = lifetime.total_days + lifetime.time_days
        return shifted.date + dt.timedelta(days=extra), shifted.clamped
    except (UsageError, OverflowError):
        return None


@rule(
    "consent.expired",
    legal=["GDPR Art. 7(1)", "GDPR Art. 5(1)(e)", "EDPB Guidelines 05/2020 section 5.2"],
    promises=["consent-voluntary", "cookie-banner"],
)
def consent_expired(record: ConsentRecord, ctx: Context) -> Iterable[Finding]:
    """Processing on a consent older than the policy's lifetime for that kind of purpose.

    The lifetimes are the policy's own assumptions (``consent.max_lifetime``
    for purposes served by trackers, ``consent.lifetime_by_kind``), not a
    rule of law. A consent given on day D lasts through D plus the lifetime
    (in the controller's zone; a month end that the lifetime's day number
    does not reach is the month's last day, and the evidence says so).
    """
    if record.given_at is None:
        return
    zone = _zone(ctx.policy)
    given_day = record.given_at.astimezone(zone).date()
    for index, event in _due_events(record, ctx):
        if event.purpose not in record.purposes:
            continue
        limits = _lifetimes(ctx.policy, event.purpose)
        ends = sorted(
            (end, source, d)
            for source, d in limits
            if (end := _expiry(given_day, d)) is not None
        )
        if not ends:
            continue
        (last_day, clamped), source, duration = ends[0]
        if event.at.astimezone(zone).date() <= last_day:
            continue
        lifetime = str(duration)
        yield consent_expired.finding(
            ctx,
            record.ref,
            location=_event_at(record, index, event),
            evidence={
                "purpose": event.purpose,
                "at": event.at,
                "given_at": record.given_at,
                "lifetime": lifetime,
                "lifetime_source": source,
                "last_day": last_day,
                "clamped_to_month_end": clamped,
            },
            record=record.ref,
            purpose=event.purpose,
            given_at=record.given_at,
            lifetime=lifetime,
            last_day=last_day,
        )


def _notice_day(version: str | None) -> dt.date | None:
    if version is None:
        return None
    try:
        return dt.date.fromisoformat(version.strip())
    except ValueError:
        return None


@rule(
    "consent.stale-notice",
    legal=["GDPR Art. 7(1)", "GDPR Art. 4(11)", "EDPB Guidelines 05/2020 section 3.3"],
    promises=["statement-version", "consent-explicit"],
)
def consent_stale_notice(record: ConsentRecord, ctx: Context) -> Iterable[Finding]:
    """Consent given under a notice older than the policy version in force.

    A notice's version is the date of the statement it showed. Consent given
    under an older statement is not informed about the current one, unless
    the version in force declares ``consent.new_version_needs_renewal: false``.
    A version that is not a date cannot be compared: a note says so.
    """
    notice = record.notice
    if notice is None or notice.version is None:
        return  # consent.not-demonstrable reports the missing notice or version
    policy = ctx.policy
    evidence: dict[str, MessageValue] = {
        "notice": notice.label,
        "policy_version": policy.version,
        "policy_effective_from": policy.effective_from,
        "renewal_needed": policy.consent.new_version_needs_renewal,
    }
    day = _notice_day(notice.version)
    if day is None:
        found = consent_stale_notice.finding(
            ctx,
            record.ref,
            location=_at(record, "/notice/version"),
            evidence=evidence,
            severity=Severity.NOTE,
        )
        yield found.model_copy(
            update={
                "message": Message(
                    code="consent.stale-notice.not-a-date",
                    values={"record": record.ref, "notice": notice.label},
                )
            }
        )
        return
    if day < policy.effective_from and policy.consent.new_version_needs_renewal:
        yield consent_stale_notice.finding(
            ctx,
            record.ref,
            location=_at(record, "/notice/version"),
            evidence={**evidence, "notice_date": day},
            record=record.ref,
            notice=notice.label,
            version=policy.version,
        )


@rule(
    "consent.undeclared-purpose",
    legal=["GDPR Art. 5(1)(b)", "GDPR Art. 6(1)(a)"],
    promises=["consent-per-purpose"],
)
def consent_undeclared_purpose(record: ConsentRecord, ctx: Context) -> Iterable[Finding]:
    """A consent to, or processing for, a purpose the policy does not declare.

    The policy's purposes are the outer bound of what the controller may
    process for (purpose limitation): a consent cannot widen them.
    """
    declared = {p.id for p in ctx.policy.purposes}
    for purpose in _judged_purposes(record, ctx):
        if purpose in declared:
            continue
        pointer = (
            f"/purposes/{record.purposes.index(purpose)}"
            if purpose in record.purposes
            else "/processing"
        )
        yield consent_undeclared_purpose.finding(
            ctx,
            record.ref,
            location=_at(record, pointer),
            evidence={"purpose": purpose, "declared_purposes": sorted(declared)},
            record=record.ref,
            purpose=purpose,
        )


#: The consent rules, in id order.
CONSENT_RULES: tuple[Rule[ConsentRecord], ...] = tuple(
    sorted(
        (
            consent_browser_settings,
            consent_conditional,
            consent_expired,
            consent_not_demonstrable,
            consent_not_granular,
            consent_not_informed,
            consent_pre_ticked,
            consent_purpose_not_covered,
            consent_silence,
            consent_stale_notice,
            consent_undeclared_purpose,
            consent_withdrawn,
        ),
        key=lambda r: r.id,
    )
)


def _checked(
    record: Any, policy: Any, as_of: Any
) -> tuple[ConsentRecord, PolicyVersion, dt.date | dt.datetime]:
    record = instance_of(
        record, ConsentRecord, what="record", hint="parse_consent_record(data, source=...)"
    )
    version = policy_version(policy)
    moment = when(as_of, what="as_of")
    _instant(moment, version)  # the controller's zone, before any rule runs
    return record, version, moment


def evaluate_consent(
    record: ConsentRecord, policy: PolicyVersion, as_of: dt.date | dt.datetime | str
) -> list[Finding]:
    """Every finding of the consent rules on one record, in the stable finding order.

    ``as_of`` may be an ISO 8601 string (a date, or a date-time with offset).
    """
    record, policy, moment = _checked(record, policy, as_of)
    ctx = _context(policy, moment)
    findings = [f for r in CONSENT_RULES for f in r.evaluate(record, ctx)]
    return sorted(findings, key=Finding.sort_key)


class ConsentDecision(BaseModel):
    """The answer to "may I process for this purpose now, on this consent?", with its reasons.

    Truthy when allowed. ``findings`` are the findings that decide it (errors
    and warnings: under Art. 7(1) a consent whose validity the record cannot
    show counts as absent); ``notes`` are what could not be judged and does
    not change the answer. ``purposes`` are the purposes asked about.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    allowed: bool
    record: str
    purposes: tuple[str, ...]
    as_of: Instant
    findings: tuple[Finding, ...] = ()
    notes: tuple[Finding, ...] = ()

    def __bool__(self) -> bool:
        return self.allowed

    @property
    def reasons(self) -> tuple[str, ...]:
        """The rule ids of the deciding findings, once each, in order."""
        return tuple(dict.fromkeys(f.rule for f in self.findings))

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready form: dates as ISO 8601 strings, messages as code and values."""
        return self.model_dump(mode="json")


def _not_named(
    record: ConsentRecord, policy: PolicyVersion, purpose: str | None, at: dt.datetime
) -> Finding:
    """The finding for a purpose the consent does not name (None: a consent to nothing)."""
    consented = sorted(set(record.purposes))
    if purpose is None:
        found = consent_purpose_not_covered.finding(
            policy,
            record.ref,
            location=_at(record, "/purposes"),
            evidence={"purpose": purpose, "at": at, "consented_purposes": []},
        )
        return found.model_copy(
            update={
                "message": Message(
                    code="consent.purpose-not-covered.nothing", values={"record": record.ref}
                )
            }
        )
    return consent_purpose_not_covered.finding(
        policy,
        record.ref,
        location=_at(record, "/purposes"),
        evidence={
            "purpose": purpose,
            "at": at,
            "consented_purposes": consented,
            "policy_basis": _purpose_basis(policy, purpose),
        },
        record=record.ref,
        purpose=purpose,
        at=at,
        consented=consented,
    )


def decide_consent(
    record: ConsentRecord,
    policy: PolicyVersion,
    as_of: dt.date | dt.datetime | str,
    purpose: str | None = None,
) -> ConsentDecision:
    """May processing for ``purpose`` stand on this consent at ``as_of``? The answer, with reasons.

    The record's own processing events are replaced by one event at ``as_of``
    (for ``purpose``, or for each consented purpose when ``purpose`` is
    None). Allowed means no error and no warning. A consent to no purpose, or
    asked about a purpose it does not name, is never allowed (whatever other
    basis the policy gives that purpose): the decision carries a
    ``consent.purpose-not-covered`` finding. A ``purpose`` the policy does not
    declare is a usage error naming the nearest declared id.
    """
    record, version, moment = _checked(record, policy, as_of)
    at = _instant(moment, version)
    if purpose is not None:
        version.purpose(instance_of(purpose, str, what="purpose"))  # unknown id: UsageError
    purposes = (purpose,) if purpose is not None else tuple(dict.fromkeys(record.purposes))
    named = tuple(p for p in purposes if p in record.purposes)
    probe = record.model_copy(
        update={"processing": tuple(ProcessingEvent(purpose=p, at=at) for p in named)}
    )
    findings = evaluate_consent(probe, version, at)
    unnamed = [p for p in purposes if p not in record.purposes] if purposes else [None]
    findings += [_not_named(record, version, p, at) for p in unnamed]
    findings.sort(key=Finding.sort_key)
    return ConsentDecision(
        allowed=not any(f.severity.rank >= Severity.WARNING.rank for f in findings),
        record=record.ref,
        purposes=purposes,
        as_of=at,
        findings=tuple(f for f in findings if f.severity.rank >= Severity.WARNING.rank),
        notes=tuple(f for f in findings if f.severity is Severity.NOTE),
    )


def is_consent_valid(
    record: ConsentRecord,
    policy: PolicyVersion,
    as_of: dt.date | dt.datetime | str,
    purpose: str | None = None,
) -> bool:
    """Whether processing for ``purpose`` may stand on this consent at ``as_of``.

    The boolean shortcut over :func:`decide_consent` (which says why).
    """
    return decide_consent(record, policy, as_of, purpose).allowed
