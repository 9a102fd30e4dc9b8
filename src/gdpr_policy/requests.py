"""Data-subject requests: the typed request, identity verification and the deadline rules.

A :class:`Request` is what the controller logged: the right exercised, the
channel, when it arrived (time-zone aware), who asked and what the controller
found on record, the identity question (asked, answered, means), the
extension notice and the response. :func:`request_deadline` gives its
deadline with the steps behind it (see ``gdpr_policy._time``);
:func:`decide_identity` says whether identity may be checked, why, and by the
least intrusive means; :func:`evaluate_request` runs the ``request.*`` rules.

**Whose calendar.** Days are counted in the calendar of the place where the
controller answers (Reg. 1182/71 Art. 2; for Norway domstolloven §§ 148-149
count the same way): the establishment that answers the request's ``site``,
else the controller's own country (see :class:`Request`).

**On receipt.** An objection to direct marketing (``marketing-opt-out``) and
a withdrawal of consent take effect when they arrive (Art. 21(3), 7(3)): the
deadline's ``stop_processing_on`` is the day of receipt, and the month is only
for informing the person.

**Time.** Every date-time is aware. A naive one is refused unless the zone to
read it in is given (``parse_request(..., timezone="Europe/Oslo")``). A
number is refused, never read as Unix time (``_args.iso_instant``). Days
are taken in the zone of the jurisdiction whose calendar applies. ``as_of`` is an aware date-time or a date, meaning the end
of that day there; anything logged after ``as_of`` has not happened yet, so an
audit "as of" a past day sees the request as it stood then.

**Identity and the clock.** The question moves the clock (policy model
``restart`` or ``pause``) only when a trigger the policy enables applies and
it was asked within ``prompt_within`` of receipt; otherwise the deadline stays
and ``request.identity-unwarranted`` fires. Triggers are computed from the
request; where the request lacks the record data a trigger needs (no
``record``), a trigger the controller cited is taken at its word.

**Extension.** Valid only when notified, with a reason, by the end of the
first period, on grounds the policy accepts among those Art. 12(3) allows
(complexity, number of requests; unrecorded grounds are a note); then the deadline in force is three months from the start day
(period plus extension), rolled to a working day.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Annotated, Any, Literal, NamedTuple, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    model_validator,
)

from ._args import field_issue, instance_of, iso_instant, policy_version, when, when_or_none
from ._errors import InputError, Issue, UsageError
from ._messages import Location, Message, MessageValue

# One list of identity triggers: what a policy can switch on is what a request can cite.
from ._places import CalendarCode
from ._policy import IdentityTrigger, Right
from ._rules import Context, Finding, Rule, Severity, rule
from ._text import name_key
from ._time import (
    STOPS_ON_RECEIPT,
    Deadline,
    add_period,
    attach_zone,
    end_of_day,
    local_day,
    response_deadline,
)

if TYPE_CHECKING:
    from ._policy import Jurisdiction, PolicyVersion

__all__ = [
    "IDENTITY_MEANS",
    "IDENTITY_TRIGGERS",
    "MACHINE_READABLE_FORMATS",
    "REQUEST_RULES",
    "Channel",
    "Extension",
    "IdentityCheck",
    "IdentityDecision",
    "IdentityMeans",
    "IdentityTrigger",
    "OnRecord",
    "Outcome",
    "Representative",
    "Request",
    "RequestType",
    "Response",
    "Subject",
    "Timing",
    "answer_timing",
    "compute_deadline",
    "deadline_in_force",
    "decide_identity",
    "evaluate_request",
    "identity_triggers",
    "parse_request",
    "request_deadline",
]

#: The rights a policy can set deadlines for, and an opt-out of direct marketing (S34).
RequestType = Literal[Right, "marketing-opt-out"]
#: ``account`` is a session the subject is logged in to: already authenticated.
Channel = Literal["email", "web-form", "account", "postal", "phone", "in-person", "other"]
Outcome = Literal["fulfilled", "partly", "refused"]
#: How a request stands against its deadline in force (see :func:`answer_timing`).
Timing = Literal["early", "on-time", "late", "overdue", "open"]
#: Answered on the deadline day or in the days just before it (this many days in all,
#: calendar days counted back from the deadline in force) is "on time"; earlier is "early".
ON_TIME_DAYS = 7
#: Means of checking identity, least intrusive first (EDPB Guidelines 01/2022).
IdentityMeans = Literal[
    "confirm-via-address-on-record",
    "security-questions",
    "proof-of-authority",
    "id-document",
]
IDENTITY_TRIGGERS: tuple[IdentityTrigger, ...] = get_args(IdentityTrigger)
IDENTITY_MEANS: tuple[IdentityMeans, ...] = get_args(IdentityMeans)

#: Structured, commonly used, machine-readable formats (Art. 20(1)); media types.
MACHINE_READABLE_FORMATS: frozenset[str] = frozenset(
    {
        "application/json",
        "application/ld+json",
        "application/x-ndjson",
        "text/csv",
        "text/tab-separated-values",
        "application/xml",
        "text/xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.oasis.opendocument.spreadsheet",
        "text/vcard",
        "text/calendar",
    }
)

_FROZEN = ConfigDict(frozen=True, extra="forbid")
_WHOLE_RECORD_TYPES = frozenset({"erasure", "portability"})
_MEDIA_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$")


def _aware(value: dt.datetime, info: ValidationInfo) -> dt.datetime:
    if value.tzinfo is not None and value.utcoffset() is not None:
        return value
    zone = (info.context or {}).get("timezone") if isinstance(info.context, Mapping) else None
    if not zone:
        raise ValueError(
            "expected a date-time with a UTC offset (e.g. 2026-03-02T09:15+01:00); "
            "a time without one is read only when the zone is given"
        )
    try:
        return attach_zone(value, str(zone))
    except UsageError as exc:
        raise ValueError(str(exc)) from exc


def _flag(value: Any) -> Any:
    """``true`` or ``false`` as a CSV cell writes them (any case) read as the boolean."""
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return value


#: An aware date-time; a naive one is read in the validation context's ``timezone``. A
#: number is refused: pydantic would read it as Unix time (see ``_args.iso_instant``).
When = Annotated[dt.datetime, BeforeValidator(iso_instant), AfterValidator(_aware)]
Text = Annotated[str, Field(min_length=1, max_length=2000)]
#: How a requester identifies themselves: white space alone identifies no one (and an
#: e-mail address of one space would match no address on record: an identity check).
Identifier = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)
]
#: A yes or no that decides a verdict: true or false, never "yes", "off", 1 or 1.0.
Flag = Annotated[StrictBool, BeforeValidator(_flag)]


class Subject(BaseModel):
    """How the requester identified themselves: any of name, e-mail, phone, customer id.

    ``email`` is also the address the request came from, when it came by e-mail.
    Each is read without the white space around it; white space alone is refused.
    """

    model_config = _FROZEN

    name: Identifier | None = None
    email: Identifier | None = None
    phone: Identifier | None = None
    customer_id: Identifier | None = None


class OnRecord(BaseModel):
    """What the controller found when it looked the requester up.

    ``matches`` is the number of records that match the identifiers given;
    ``name`` and ``emails`` are those on the matching record (when one matched).
    """

    model_config = _FROZEN

    matches: int = Field(default=1, ge=0)
    name: Text | None = None
    emails: tuple[Text, ...] = ()


class Representative(BaseModel):
    """Someone asking on the data subject's behalf."""

    model_config = _FROZEN

    name: Text
    authority: Literal["power-of-attorney", "guardian", "lawyer", "other"] | None = None


class IdentityCheck(BaseModel):
    """The identity question: when asked, by which means, when answered, triggers cited."""

    model_config = _FROZEN

    asked_at: When
    means: tuple[IdentityMeans, ...] = Field(min_length=1)
    answered_at: When | None = None
    triggers: tuple[IdentityTrigger, ...] = ()

    @model_validator(mode="after")
    def _order(self) -> IdentityCheck:
        if self.answered_at is not None and self.answered_at < self.asked_at:
            raise ValueError("answered_at: expected a time on or after asked_at")
        return self


class Extension(BaseModel):
    """The notice that the period is extended (Art. 12(3)): when, the reasons, their grounds.

    ``grounds`` are the reasons as ids (``complexity``, ``number-of-requests``
    or anything else the controller gave, e.g. ``holidays``); they are checked
    against the policy's ``rights.extension_reasons``. Empty means not recorded.
    """

    model_config = _FROZEN

    notified_at: When
    reason: Text
    grounds: tuple[Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")], ...] = ()


class Response(BaseModel):
    """The answer: when, the outcome, the reason for a refusal and the format delivered.

    ``format`` is a media type (``application/json``, ``text/csv``); it matters
    for portability (Art. 20(1)).
    """

    model_config = _FROZEN

    responded_at: When
    outcome: Outcome
    refusal_reason: Text | None = None
    format: str | None = None

    @model_validator(mode="after")
    def _check(self) -> Response:
        if self.outcome == "refused" and self.refusal_reason is None:
            raise ValueError("refusal_reason: expected the reason for refusing (Art. 12(4))")
        if self.format is not None and not _MEDIA_TYPE.match(_media_type(self.format)):
            raise ValueError(
                f"format: expected a media type such as application/json, got {self.format!r}"
            )
        return self


class Request(BaseModel):
    """A data-subject request as logged (see the module docstring on time and identity).

    Deadlines follow the calendar of the place where the controller answers:
    ``site`` (the domain the request came through) picks the establishment
    that answers that site's requests (``answers_requests`` in the policy),
    else the controller's own country; an establishment's ``subdivision``
    (``DE-BY``) picks that region's public holidays. ``jurisdiction`` (``NO``,
    ``SE``, ``SE-1930-173``, another EEA country or region) says explicitly
    where it was answered; a country from
    which the policy answers no requests is not used: the deadline follows
    the answering country and a first step says why. ``whole_record`` says
    whether an erasure or portability request covers the whole record.
    ``location`` (file and JSON pointer) lets findings point at the request.
    """

    model_config = _FROZEN

    id: Text
    type: RequestType
    channel: Channel
    received_at: When
    jurisdiction: CalendarCode | None = None
    site: Text | None = None
    subject: Subject = Subject()
    record: OnRecord | None = None
    representative: Representative | None = None
    whole_record: Flag = True
    identity: IdentityCheck | None = None
    extension: Extension | None = None
    response: Response | None = None
    location: Location | None = None

    @model_validator(mode="after")
    def _chronology(self) -> Request:
        received = self.received_at
        if self.identity is not None and self.identity.asked_at < received:
            raise ValueError("identity.asked_at: expected a time on or after received_at")
        if self.extension is not None and self.extension.notified_at < received:
            raise ValueError("extension.notified_at: expected a time on or after received_at")
        if self.response is not None and self.response.responded_at < received:
            raise ValueError("response.responded_at: expected a time on or after received_at")
        return self


def parse_request(
    data: Mapping[str, Any],
    *,
    source: str = "<request>",
    pointer: str = "",
    timezone: str | None = None,
) -> Request:
    """Validate a mapping (decoded JSON, YAML or a CSV row) into a request.

    ``timezone`` is the zone naive date-times are read in; without it they are
    an error. Every problem is an :class:`InputError` issue with a JSON pointer
    (``pointer`` is where the request sits in its document, e.g. ``/requests/3``).
    """
    if not isinstance(data, Mapping):
        raise InputError.at(
            source,
            None,
            None,
            "",
            "expected a request object",
            type(data).__name__,
            pointer=pointer,
        )
    values = dict(data)
    values.setdefault("location", {"file": source, "pointer": pointer or None})
    context = {"timezone": timezone} if timezone else {}
    try:
        return Request.model_validate(values, context=context)
    except ValidationError as exc:
        issues = [_issue(err, source, pointer) for err in exc.errors(include_url=False)]
        raise InputError(issues) from exc


def _issue(err: Mapping[str, Any], source: str, pointer: str) -> Issue:
    return field_issue(err, source=source, pointer=pointer, model=Request)


#: what people write for a format instead of its media type: a name or a file extension
_FORMAT_NAMES: dict[str, str] = {
    "json": "application/json",
    "json-ld": "application/ld+json",
    "jsonld": "application/ld+json",
    "jsonl": "application/x-ndjson",
    "ndjson": "application/x-ndjson",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "xml": "application/xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "vcf": "text/vcard",
    "vcard": "text/vcard",
    "ics": "text/calendar",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "txt": "text/plain",
    "html": "text/html",
}


def _media_type(text: str) -> str:
    """A format as its media type, lower-case and without parameters.

    A statement (or a response log) that says "JSON", "CSV" or ".xlsx" means
    the media type of that name: it is read as such, so that the lint and the
    request check do not call JSON unreadable by machines.
    """
    media = text.split(";", 1)[0].strip().lower()
    return _FORMAT_NAMES.get(media.removeprefix("."), media)


# -- identity verification (Art. 12(6), S20) ---------------------------------------------------


def _norm_email(address: str) -> str:
    return address.strip().casefold()


def _from_address_on_record(request: Request) -> bool:
    """Whether the request was e-mailed from an address on the matching record."""
    record = request.record
    if request.channel != "email" or request.subject.email is None or record is None:
        return False
    return _norm_email(request.subject.email) in {_norm_email(e) for e in record.emails}


def _trigger_applies(request: Request, trigger: IdentityTrigger) -> bool | None:
    """Whether a trigger applies to the request; None when the request lacks the data.

    An e-mail from the address on record counts as authenticated, like a
    logged-in account: control of that address is what a check would confirm
    (EDPB Guidelines 01/2022).
    """
    authenticated = request.channel == "account" or _from_address_on_record(request)
    record = request.record
    if trigger == "representative":
        return request.representative is not None
    if trigger == "unverified-channel-whole-record":
        return request.type in _WHOLE_RECORD_TYPES and request.whole_record and not authenticated
    if authenticated and trigger != "several-matches":
        # Logged in to the record itself: address and name checks add nothing (EDPB 01/2022).
        return False
    if record is None:
        return None
    if trigger == "several-matches":
        return record.matches > 1
    if trigger == "address-not-on-record":
        # The address a reply would go to: the sender of an e-mail, or the one typed in a form.
        if request.channel not in ("email", "web-form") or request.subject.email is None:
            return False
        return _norm_email(request.subject.email) not in {_norm_email(e) for e in record.emails}
    # name-differs
    if request.subject.name is None or record.name is None:
        return False
    return name_key(request.subject.name) != name_key(record.name)


def identity_triggers(request: Request, policy: PolicyVersion) -> tuple[IdentityTrigger, ...]:
    """The triggers the policy enables that apply to the request (in the policy's order).

    A trigger the request lacks the data to decide counts only if the
    controller cited it in ``identity.triggers``.
    """
    cited = set(request.identity.triggers) if request.identity is not None else set()
    found: list[IdentityTrigger] = []
    for trigger in policy.rights.identity.triggers:
        applies = _trigger_applies(request, trigger)
        if applies or (applies is None and trigger in cited):
            found.append(trigger)
    return tuple(found)


class IdentityDecision(BaseModel):
    """Whether to ask for identity information, why, and by the least intrusive means.

    ``means`` lists what to ask for, least intrusive first (one means per need:
    a representative's authority is a separate question from identity).
    ``reasons`` are messages in the ``request`` domain, one per trigger (or one
    saying why no question is warranted).
    """

    model_config = _FROZEN

    ask: bool
    triggers: tuple[IdentityTrigger, ...]
    means: tuple[IdentityMeans, ...]
    reasons: tuple[Message, ...]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready form: reasons as message codes and values."""
        return self.model_dump(mode="json")


def decide_identity(request: Request, policy: PolicyVersion) -> IdentityDecision:
    """Decide whether identity may be checked (Art. 12(6)) and the least intrusive means.

    Confirming through the address on record comes before security questions,
    and both before a copy of an identity document, which is chosen only when
    the policy offers nothing lighter (EDPB Guidelines 01/2022: the check must
    be proportionate; an authenticated requester is not asked for ID).
    """
    request, policy = _checked(request, policy)
    triggers = identity_triggers(request, policy)
    if not triggers:
        why = (
            "request.identity-reason.authenticated"
            if request.channel == "account"
            else "request.identity-reason.address-on-record"
            if _from_address_on_record(request)
            else "request.identity-reason.none"
        )
        return IdentityDecision(ask=False, triggers=(), means=(), reasons=(Message(code=why),))
    offered: set[str] = set(policy.rights.identity.means)
    has_address = request.record is not None and bool(request.record.emails)
    wanted: list[IdentityMeans] = []
    for trigger in triggers:
        wanted.append(_least_intrusive(trigger, offered, has_address))
        if trigger == "representative":
            wanted.append("proof-of-authority")
    means = tuple(m for m in IDENTITY_MEANS if m in wanted)
    reasons = tuple(Message(code=f"request.identity-reason.{t}") for t in triggers)
    return IdentityDecision(ask=True, triggers=triggers, means=means, reasons=reasons)


def _least_intrusive(
    trigger: IdentityTrigger, offered: set[str], has_address: bool
) -> IdentityMeans:
    candidates: list[IdentityMeans] = []
    if has_address and trigger != "several-matches":
        # A link to the address on record proves control of it; with several
        # matching records it would not say which one is the requester's.
        candidates.append("confirm-via-address-on-record")
    candidates.append("security-questions")
    for means in candidates:
        if means in offered:
            return means
    return "id-document"


# -- deadlines -------------------------------------------------------------------------------


def _jurisdiction(policy: PolicyVersion, code: str | None) -> Jurisdiction:
    return policy.jurisdiction(code)


def _answering_countries(policy: PolicyVersion) -> set[str]:
    countries: set[str] = {policy.controller.country}
    countries |= {a.country for _, a in policy.controller.all_addresses() if a.answers_requests}
    return countries


def _calendar_of(request: Request, policy: PolicyVersion) -> tuple[str, str | None]:
    """The jurisdiction code whose calendar the request's deadline follows, and the code
    the request asked for when it could not be used (else None).

    Reg. 1182/71 Art. 2 counts the public holidays of the place where the act
    is done: where the controller answers, not where the requester or the
    site is.
    """
    answering = policy.answering_place(request.site)
    wanted = request.jurisdiction
    if wanted is None:
        return answering, None
    base = wanted.split("-", 1)[0]
    if base in _answering_countries(policy):
        return wanted, None
    return answering, wanted


def compute_deadline(
    received: dt.date | dt.datetime,
    policy: PolicyVersion,
    *,
    jurisdiction: str | None = None,
    clock: str | None = None,
    identity_asked: dt.date | dt.datetime | None = None,
    identity_answered: dt.date | dt.datetime | None = None,
    identity_justified: bool = True,
    request_type: str | None = None,
) -> Deadline:
    """The deadline of a request received at ``received``, with the policy's parameters.

    ``jurisdiction`` is a country of the policy's jurisdictions or one of
    its calendars (``SE-1930-173``, ``DE-BY``; None: the controller's own): the
    calendar is computed as if the request were answered there. ``clock`` overrides the policy's identity clock model.
    The response period, extension and promptness limit come from
    ``policy.rights``. ``request_type`` ``marketing-opt-out`` or
    ``consent-withdrawal`` takes effect on receipt (``stop_processing_on``).
    Dates may be ISO 8601 strings. See :func:`gdpr_policy.response_deadline`.
    """
    policy = policy_version(policy)
    received = when(received, what="received")
    identity_asked = when_or_none(identity_asked, what="identity_asked")
    identity_answered = when_or_none(identity_answered, what="identity_answered")
    if request_type is not None and request_type not in get_args(RequestType):
        raise UsageError(
            f"request_type: expected one of {', '.join(get_args(RequestType))}, got {request_type!r}"
        )
    jur = _jurisdiction(policy, jurisdiction)
    rights = policy.rights
    return response_deadline(
        received,
        timezone=jur.timezone,
        calendar=jur.calendar,
        period=rights.in_force("response_period"),
        extension=rights.in_force("extension"),
        clock=clock or rights.identity.clock,
        identity_asked=identity_asked,
        identity_answered=identity_answered,
        identity_justified=identity_justified,
        prompt_within=rights.identity.prompt_within,
        stops_on_receipt=request_type if request_type in STOPS_ON_RECEIPT else None,
        extension_notice_within=rights.in_force("extension_notice_within"),
    )


def _checked(request: Any, policy: Any) -> tuple[Request, PolicyVersion]:
    return (
        instance_of(request, Request, what="request", hint="parse_request(data, source=...)"),
        policy_version(policy),
    )


def deadline_in_force(
    request: Request, policy: PolicyVersion, as_of: dt.date | dt.datetime | str
) -> dt.date | None:
    """The last day to answer as it stood at ``as_of``: the extended deadline when a
    valid extension (notified by the first deadline, on grounds the policy accepts)
    had been notified by then."""
    request, policy = _checked(request, policy)
    return _assess(request, _context(policy, when(as_of, what="as_of"))).in_force


def request_deadline(
    request: Request, policy: PolicyVersion, as_of: dt.date | dt.datetime | str | None = None
) -> Deadline:
    """The deadline of a logged request; with ``as_of``, as it stood at the end of that day.

    An identity question is justified when :func:`identity_triggers` finds a
    trigger. An answer logged after ``as_of`` has not arrived yet. The
    calendar is that of the place where the controller answers (see
    :class:`Request`). An objection to direct marketing (``marketing-opt-out``)
    or a withdrawal of consent takes effect on receipt: ``stop_processing_on``
    is the day of receipt, and ``due`` is only for informing the person.
    """
    request, policy = _checked(request, policy)
    view = (
        request if as_of is None else _as_of_view(request, policy, when(as_of, what="as_of"))
    )
    identity = view.identity
    code, refused = _calendar_of(view, policy)
    deadline = compute_deadline(
        view.received_at,
        policy,
        jurisdiction=code,
        identity_asked=None if identity is None else identity.asked_at,
        identity_answered=None if identity is None else identity.answered_at,
        identity_justified=bool(identity_triggers(view, policy)),
        request_type=view.type,
    )
    notes: list[Message] = []
    if view.site is not None and not policy.knows_site(view.site):
        # a site the policy does not declare (a typo, a new site): no establishment can be
        # found for it, and the controller's calendar is used; said, not silently assumed
        notes.append(Message(code="time.site-not-declared",
                             values={"site": view.site, "used": code}))
    if refused is not None:
        notes.append(Message(
            code="time.calendar-of-answering-place",
            values={"asked": refused, "used": code, "controller": policy.controller.country},
        ))
    if not notes:
        return deadline
    return deadline._replace(
        steps=(*notes, *deadline.steps), extended_steps=(*notes, *deadline.extended_steps)
    )


def _instant(as_of: dt.date | dt.datetime, timezone: str) -> dt.datetime:
    """The last instant ``as_of`` covers: itself, or the end of a date in ``timezone``.

    A date-time is aware here: the public functions take ``as_of`` through
    ``_args.when``, which refuses one without an offset.
    """
    if isinstance(as_of, dt.datetime):
        return as_of
    # in UTC: a last instant in a repeated hour would never compare equal across zones
    return end_of_day(as_of, timezone).astimezone(dt.UTC)


def _as_of_view(request: Request, policy: PolicyVersion, as_of: dt.date | dt.datetime) -> Request:
    """The request as it stood at ``as_of``: later answers, notices and responses removed."""
    at = _instant(as_of, _jurisdiction(policy, _calendar_of(request, policy)[0]).timezone)
    update: dict[str, Any] = {}
    identity = request.identity
    if identity is not None:
        if identity.asked_at > at:
            update["identity"] = None
        elif identity.answered_at is not None and identity.answered_at > at:
            update["identity"] = identity.model_copy(update={"answered_at": None})
    if request.extension is not None and request.extension.notified_at > at:
        update["extension"] = None
    if request.response is not None and request.response.responded_at > at:
        update["response"] = None
    return request.model_copy(update=update) if update else request


# -- rules -------------------------------------------------------------------------------------


class _Assessment(NamedTuple):
    view: Request
    jurisdiction: Jurisdiction
    deadline: Deadline
    as_of: dt.date
    notified: dt.date | None
    extension_valid: bool
    responded: dt.date | None

    def day(self, at: dt.datetime) -> dt.date:
        return local_day(at, self.jurisdiction.timezone)

    @property
    def in_force(self) -> dt.date | None:
        return self.deadline.in_force(self.extension_valid)

    def evidence(self, **extra: MessageValue) -> dict[str, MessageValue]:
        d = self.deadline
        out: dict[str, MessageValue] = {
            "received": d.received_on,
            "due": d.due,
            "responded": self.responded,
            "extension_notice_by": d.extension_notice_by,
            "extension_notified": self.notified,
            "extended_due": d.extended_due,
            "deadline_in_force": self.in_force,
            "as_of": self.as_of,
            "calendar": d.calendar,
            "timezone": d.timezone,
            "clock": d.clock,
            "clock_moved": d.clock_moved,
        }
        out.update(extra)
        return out


def _grounds_accepted(extension: Extension | None, policy: PolicyVersion) -> bool:
    """Whether the extension's recorded grounds are all ones the policy accepts (Art. 12(3))."""
    if extension is None or not extension.grounds:
        return True  # nothing recorded to refuse; request.extension-reason says so in a note
    return set(extension.grounds) <= set(policy.rights.extension_reasons)


def _assess(request: Request, ctx: Context) -> _Assessment:
    policy = ctx.policy
    jur = _jurisdiction(policy, _calendar_of(request, policy)[0])
    view = _as_of_view(request, policy, ctx.as_of)
    deadline = request_deadline(view, policy)
    at = _instant(ctx.as_of, jur.timezone)
    as_of_day = local_day(at, jur.timezone)
    notified = (
        None if view.extension is None else local_day(view.extension.notified_at, jur.timezone)
    )
    responded = (
        None if view.response is None else local_day(view.response.responded_at, jur.timezone)
    )
    notice_by = deadline.extension_notice_by
    valid = (
        notified is not None
        and notice_by is not None
        and notified <= notice_by
        and _grounds_accepted(view.extension, policy)
    )
    return _Assessment(view, jur, deadline, as_of_day, notified, valid, responded)


def _where(request: Request, suffix: str) -> Location | None:
    loc = request.location
    if loc is None:
        return None
    return loc.model_copy(update={"pointer": (loc.pointer or "") + suffix})


_RESPONSE_PROMISES = ("access", "rectification", "erasure", "restriction", "portability", "response-period")
#: Months and last days: Reg. 1182/71 (EEA law), and for Norway domstolloven §§ 148-149,
#: which count the same way (the Swedish calendars' acts are in Deadline.legal).
_DEADLINE_LAW = (
    "GDPR Art. 12(3)",
    "Regulation 1182/71 Art. 3(2)(c)",
    "Regulation 1182/71 Art. 3(4)",
    "NO Domstolloven § 148",
    "NO Domstolloven § 149",
)


@rule(
    "request.late",
    legal=_DEADLINE_LAW,
    promises=_RESPONSE_PROMISES,
)
def request_late(request: Request, ctx: Context) -> Iterable[Finding]:
    """Answered after the first period's deadline without a valid extension."""
    a = _assess(request, ctx)
    due = a.deadline.due
    if a.responded is None or due is None or a.extension_valid or a.responded <= due:
        return
    yield request_late.finding(
        ctx,
        request.id,
        location=_where(request, "/response/responded_at"),
        evidence=a.evidence(),
        responded=a.responded,
        due=due,
        days=(a.responded - due).days,
    )


@rule(
    "request.overdue",
    legal=_DEADLINE_LAW,
    promises=_RESPONSE_PROMISES,
)
def request_overdue(request: Request, ctx: Context) -> Iterable[Finding]:
    """Still open at ``as_of`` after the deadline in force (extended, when validly extended)."""
    a = _assess(request, ctx)
    deadline = a.in_force
    if a.responded is not None or deadline is None or a.as_of <= deadline:
        return
    yield request_overdue.finding(
        ctx,
        request.id,
        location=_where(request, "/received_at"),
        evidence=a.evidence(),
        due=deadline,
        as_of=a.as_of,
        days=(a.as_of - deadline).days,
    )


@rule("request.extension-late", legal=["GDPR Art. 12(3)"], promises=["response-period"])
def request_extension_late(request: Request, ctx: Context) -> Iterable[Finding]:
    """The extension was notified after the first period had ended, or after the earlier
    day the statement promises (``rights.extension_notice_within``), so it does not count."""
    a = _assess(request, ctx)
    notice_by = a.deadline.extension_notice_by
    if a.notified is None or notice_by is None or a.notified <= notice_by:
        return
    yield request_extension_late.finding(
        ctx,
        request.id,
        location=_where(request, "/extension/notified_at"),
        evidence=a.evidence(),
        notified=a.notified,
        notice_by=notice_by,
    )


@rule("request.extension-too-long", legal=["GDPR Art. 12(3)"], promises=["response-period"])
def request_extension_too_long(request: Request, ctx: Context) -> Iterable[Finding]:
    """Answered after the extended deadline, although the extension itself was valid."""
    a = _assess(request, ctx)
    extended = a.deadline.extended_due
    if not a.extension_valid or a.responded is None or extended is None:
        return
    if a.responded <= extended:
        return
    yield request_extension_too_long.finding(
        ctx,
        request.id,
        location=_where(request, "/response/responded_at"),
        evidence=a.evidence(),
        responded=a.responded,
        extended_due=extended,
        days=(a.responded - extended).days,
    )


@rule("request.portability-format", legal=["GDPR Art. 20(1)"], promises=["portability"])
def request_portability_format(request: Request, ctx: Context) -> Iterable[Finding]:
    """Portability data delivered in a format that is not structured and machine-readable.

    Accepted: the policy's ``portability_formats`` that are machine-readable,
    or, when the policy lists none, :data:`MACHINE_READABLE_FORMATS`.
    """
    a = _assess(request, ctx)
    response = a.view.response
    if request.type != "portability" or response is None or response.outcome == "refused":
        return
    declared = {_media_type(f) for f in ctx.policy.rights.portability_formats}
    accepted = (declared & MACHINE_READABLE_FORMATS) if declared else set(MACHINE_READABLE_FORMATS)
    delivered = None if response.format is None else _media_type(response.format)
    if delivered is not None and delivered in accepted:
        return
    yield request_portability_format.finding(
        ctx,
        request.id,
        location=_where(request, "/response/format"),
        evidence=a.evidence(format=delivered, accepted=sorted(accepted)),
        format=delivered,
        accepted=sorted(accepted),
    )


@rule(
    "request.identity-unwarranted",
    legal=["GDPR Art. 12(6)", "GDPR Art. 12(3)", "EDPB Guidelines 01/2022"],
    promises=["identity-verification", "response-period"],
)
def request_identity_unwarranted(request: Request, ctx: Context) -> Iterable[Finding]:
    """Identity was asked for without a trigger, or too late: the clock did not move.

    The finding's message is ``request.identity-unwarranted`` (no trigger) or
    ``request.identity-unwarranted.late`` (asked after ``prompt_within``).
    """
    a = _assess(request, ctx)
    identity = a.view.identity
    if identity is None:
        return
    asked = a.day(identity.asked_at)
    prompt_by = add_period(a.deadline.received_on, ctx.policy.rights.identity.prompt_within)
    triggers = identity_triggers(a.view, ctx.policy)
    evidence = a.evidence(
        identity_asked=asked,
        prompt_by=prompt_by,
        triggers=list(triggers),
        means=list(identity.means),
    )
    where = _where(request, "/identity/asked_at")
    if not triggers:
        yield request_identity_unwarranted.finding(
            ctx,
            request.id, location=where, evidence=evidence, asked=asked, due=a.deadline.due
        )
    elif asked > prompt_by:
        # Under the clock 'none' the question never moves the deadline: asking late
        # harms nothing the clock protects, so it is a note, not an error.
        clock_none = a.deadline.clock == "none"
        yield request_identity_unwarranted.finding(
            ctx,
            request.id,
            location=where,
            evidence=evidence,
            severity=Severity.NOTE if clock_none else None,
            message_code="request.identity-unwarranted.late-clock-none"
            if clock_none
            else "request.identity-unwarranted.late",
            asked=asked,
            prompt_by=prompt_by,
            due=a.deadline.due,
        )


@rule(
    "request.identity-disproportionate",
    severity=Severity.WARNING,
    legal=["GDPR Art. 12(6)", "GDPR Art. 5(1)(c)", "EDPB Guidelines 01/2022"],
    promises=["identity-verification"],
)
def request_identity_disproportionate(request: Request, ctx: Context) -> Iterable[Finding]:
    """An identity document was demanded where a lighter means would do."""
    identity = request.identity
    if identity is None or "id-document" not in identity.means:
        return
    a = _assess(request, ctx)
    if a.view.identity is None:
        return
    decision = decide_identity(a.view, ctx.policy)
    if "id-document" in decision.means:
        return
    # every trigger adds a means of its own beside a representative's proof of authority,
    # and none of them is the ID document here: the list is never empty
    lighter = [str(m) for m in decision.means if m != "proof-of-authority"]
    yield request_identity_disproportionate.finding(
        ctx,
        request.id,
        location=_where(request, "/identity/means"),
        evidence=a.evidence(
            identity_asked=a.day(identity.asked_at),
            means=list(identity.means),
            lighter_means=lighter,
            triggers=list(decision.triggers),
            authenticated=request.channel == "account",
        ),
        asked=a.day(identity.asked_at),
    )


@rule("request.extension-reason", legal=["GDPR Art. 12(3)"], promises=["response-period"])
def request_extension_reason(request: Request, ctx: Context) -> Iterable[Finding]:
    """An extension on grounds Art. 12(3) does not allow, or the policy does not accept.

    Art. 12(3) allows an extension "where necessary, taking into account the
    complexity and number of the requests"; the policy lists the grounds it
    accepts (``rights.extension_reasons``). An extension on other grounds
    does not extend the deadline. Grounds not recorded are a note.
    """
    a = _assess(request, ctx)
    extension = a.view.extension
    if extension is None:
        return
    accepted = list(ctx.policy.rights.extension_reasons)
    evidence = a.evidence(grounds=list(extension.grounds), accepted=accepted)
    where = _where(request, "/extension/grounds")
    if not extension.grounds:
        found = request_extension_reason.finding(
            ctx,
            request.id, location=where, evidence=evidence, severity=Severity.NOTE
        )
        yield found.model_copy(
            update={
                "message": Message(
                    code="request.extension-reason.unrecorded",
                    values={"reason": extension.reason, "accepted": accepted},
                )
            }
        )
        return
    refused = [g for g in extension.grounds if g not in accepted]
    if refused:
        yield request_extension_reason.finding(
            ctx,
            request.id, location=where, evidence=evidence, grounds=refused, accepted=accepted
        )


REQUEST_RULES: tuple[Rule[Request], ...] = (
    request_extension_late,
    request_extension_reason,
    request_extension_too_long,
    request_identity_disproportionate,
    request_identity_unwarranted,
    request_late,
    request_overdue,
    request_portability_format,
)


def _context(policy: PolicyVersion, as_of: dt.date | dt.datetime) -> Context:
    """A rule context for one evaluation."""
    return Context(policy=policy, as_of=as_of)


def answer_timing(
    request: Request, policy: PolicyVersion, as_of: dt.date | dt.datetime | str
) -> Timing | None:
    """How the request stands at ``as_of`` against its deadline in force.

    ``early``: answered :data:`ON_TIME_DAYS` (7) days or more before the
    deadline; ``on-time``: answered on the deadline day or in the six days
    before it (the last week of the period: lawful, but with no margin left);
    ``late``: answered after it (the same requests as ``request.late`` and
    ``request.extension-too-long``); ``overdue``: still unanswered after it
    (``request.overdue``); ``open``: unanswered, not yet due. Days are the
    jurisdiction's local days; the deadline in force is the extended one only
    when the extension is valid. ``None`` when no deadline can be computed.
    """
    request, policy = _checked(request, policy)
    as_of = when(as_of, what="as_of")
    a = _assess(request, _context(policy, as_of))
    deadline = a.in_force
    if deadline is None:
        return None
    if a.responded is None:
        return "overdue" if a.as_of > deadline else "open"
    if a.responded > deadline:
        return "late"
    return "on-time" if (deadline - a.responded).days < ON_TIME_DAYS else "early"


def evaluate_request(
    request: Request, policy: PolicyVersion, as_of: dt.date | dt.datetime | str
) -> list[Finding]:
    """Every finding of the request rules on one request at ``as_of``, in the stable order.

    ``as_of`` may be an ISO 8601 string (a date, or a date-time with offset).
    """
    request, policy = _checked(request, policy)
    as_of = when(as_of, what="as_of")
    _instant(as_of, _jurisdiction(policy, _calendar_of(request, policy)[0]).timezone)
    ctx = _context(policy, as_of)
    findings = [f for r in REQUEST_RULES for f in r.evaluate(request, ctx)]
    return sorted(findings, key=Finding.sort_key)
