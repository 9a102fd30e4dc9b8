"""May we send this marketing e-mail to this person, on this list, now?

One pure decision, asked by services before they send and by the snapshot
audit after the fact (``gdpr_policy.audit`` judges every logged send with the
same rules, in bulk; its property tests prove the two agree). The facts are
typed and complete: :func:`may_send_marketing` reads no file, clock or CRM.

The rules, with the statement's clauses and the law:

* **Consent per list** (S24, S32; GDPR Art. 4(11) "specific", Art. 6(1)(a);
  markedsføringsloven § 15). A marketing e-mail sent under list X has a basis
  only when the person's status on X records consent
  (:data:`CONSENT_BASES`, HubSpot's ``CONSENT_WITH_NOTICE``) in force at the
  send: ``SUBSCRIBED`` at or before it, or ``NOT_SUBSCRIBED`` after it (the
  consent held until it was withdrawn). Marketing content under a
  non-marketing list (a service list) is covered by consent on a marketing
  list in force at the send. A lifecycle stage, a contact-level legal-basis
  property and "Performance of a contract" are not consent to a list.
* **The existing-customer exception** (markedsføringsloven § 15(3),
  marknadsföringslagen 19 §) counts only when the policy's marketing purpose
  lists ``existing-customer-relationship`` in ``national_basis`` *and* the
  caller states that every condition is recorded as met
  (:attr:`Recipient.customer_exception`).
* **Opt-out per list** (S33, S34; Art. 7(3), Art. 21(3)). The effective
  opt-out for list X is the earliest of unsubscribe-all, an objection's
  receipt, X's own ``NOT_SUBSCRIBED`` time and, when X is not a marketing
  list, the time by which every marketing list was ``NOT_SUBSCRIBED``. A send
  at or after it breaks ``marketing.after-opt-out`` and is then not also
  judged for a basis (one send, one rule).
* **Deactivated means not used** (S12): no marketing at or after the
  deactivation (``retention.deactivated-marketed``).
* **Restriction** (Art. 18(1)): no e-mail that is not transactional at or
  after the restriction (``restriction.processed``); a marketing e-mail
  never is.
* **A list's latest status decides.** When the facts hold several statuses
  for one list (its history), the one in force is the latest
  (:func:`latest_statuses`): a re-subscribe after an unsubscribe is consent
  again, an unsubscribe after a subscribe is an opt-out, whatever order they
  are listed in.

Instants are compared as instants (in UTC), not as the wall-clock times of a
shared zone: in the hour repeated when clocks go back, 02:30 the second time
comes after 02:45 the first time. Reasons report each instant as given.

What the facts cannot show is not assumed: a ``SUBSCRIBED`` status without a
time counts as consent (the status exists; only its date is unknown), and the
grounds of a restriction (Art. 18(2)) are not modelled: a restricted person
gets no marketing whatever the grounds.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal, get_args

from ._args import instance_of, policy_version, when
from ._errors import UsageError
from ._messages import Message, MessageValue
from ._national import NATIONAL_LAW
from ._refs import LegalRef, Promise
from ._rules import Finding, Severity

if TYPE_CHECKING:
    from ._policy import PolicyVersion, Purpose

__all__ = [
    "CONSENT_BASES",
    "ROLE_LOCAL_PARTS",
    "ListStatus",
    "MarketingDecision",
    "Objection",
    "Reason",
    "Recipient",
    "basis_clause",
    "customer_exception_enabled",
    "effective_opt_out",
    "has_consent_at",
    "is_role_address",
    "latest_statuses",
    "may_send_marketing",
]

#: HubSpot's subscription legal basis that records consent.
CONSENT_BASES: frozenset[str] = frozenset({"CONSENT_WITH_NOTICE"})

#: Local parts of role (function) addresses: not a natural person's address.
ROLE_LOCAL_PARTS: frozenset[str] = frozenset({
    "post", "firmapost", "postmottak", "info", "kontakt", "contact", "hei", "hello", "office",
    "kontor", "mail", "admin", "sales", "salg", "forsaljning", "support", "kundeservice",
    "kundservice", "service", "faktura", "invoice", "regnskap", "ekonomi", "order", "ordre",
    "booking", "noreply", "no-reply", "marketing", "marknad", "hr", "jobb", "jobs",
})

ListState = Literal["SUBSCRIBED", "NOT_SUBSCRIBED", "NOT_SPECIFIED"]
_STATES: tuple[str, ...] = get_args(ListState)


def _list_id(value: Any, what: str) -> str:
    """A list's id or name as text: a number is its digits, padding is dropped."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise UsageError(f"{what}: expected a list's id or name, got {type(value).__name__}")
    text = str(value).strip()
    if not text:
        raise UsageError(f"{what}: expected a list's id or name, got an empty text")
    return text


def _text_or_none(value: Any, what: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise UsageError(f"{what}: expected a text, got {type(value).__name__}")
    return value.strip() or None


def _strict_bool(value: Any, what: str) -> None:
    if not isinstance(value, bool):
        raise UsageError(f"{what}: expected true or false, got {value!r}")


def _aware(value: Any, what: str) -> dt.datetime:
    """An aware date-time; ISO 8601 text is parsed (``when``), a date or a naive time refused."""
    parsed = when(value, what=what, dates=False)
    assert isinstance(parsed, dt.datetime)
    return parsed


def _aware_or_none(value: Any, what: str) -> dt.datetime | None:
    return None if value is None else _aware(value, what)

# The clauses and articles of each rule; the audit's rule declarations use the same.
AFTER_OPT_OUT = ("marketing.after-opt-out", ("GDPR Art. 21(3)", "GDPR Art. 21(2)", "GDPR Art. 7(3)"),
                 ("consent-withdrawal", "opt-out-channels", "administrative-email"))
NO_BASIS = ("marketing.no-basis", ("NO Markedsføringsloven § 15", "GDPR Art. 6(1)(a)",
                                   "GDPR Art. 4(11)"), ("email-marketing-consent", "consent-per-purpose"))
#: no-basis for a recipient the national law does not reach: the statement's own promise
NO_BASIS_PROMISE = ("GDPR Art. 6(1)(a)", "GDPR Art. 4(11)")
DEACTIVATED = ("retention.deactivated-marketed", ("GDPR Art. 5(1)(e)", "GDPR Art. 5(1)(b)"),
               ("inactivity-deactivation",))
RESTRICTED = ("restriction.processed", ("GDPR Art. 18(1)",), ("restriction",))


@dataclass(frozen=True, slots=True)
class ListStatus:
    """A person's status on one subscription type (list), when it was set and on what basis.

    ``subscription`` is the list's id; ``name`` its name (either may be how a
    send names the list). ``legal_basis`` is HubSpot's value
    (``CONSENT_WITH_NOTICE``, ``LEGITIMATE_INTEREST_PQL`` ...). ``marketing``
    says whether the list carries marketing.
    """

    subscription: str
    status: ListState
    at: dt.datetime | None = None
    legal_basis: str | None = None
    name: str | None = None
    marketing: bool = False

    def __post_init__(self) -> None:
        # Facts a service builds from JSON: an id given as a number (HubSpot's v4 API),
        # padding, a lower-case status or a time as text would otherwise be read as
        # another list, no opt-out or a crash; each is normalised or refused here.
        _set = object.__setattr__
        _set(self, "subscription", _list_id(self.subscription, "ListStatus.subscription"))
        status = self.status
        if isinstance(status, str) and status.strip().upper() in _STATES:
            _set(self, "status", status.strip().upper())
        else:
            raise UsageError(f"ListStatus.status: expected one of {', '.join(_STATES)}, "
                             f"got {status!r}")
        _set(self, "at", _aware_or_none(self.at, "ListStatus.at"))
        _set(self, "legal_basis", _text_or_none(self.legal_basis, "ListStatus.legal_basis"))
        _set(self, "name", _text_or_none(self.name, "ListStatus.name"))
        _strict_bool(self.marketing, "ListStatus.marketing")

    def names(self) -> tuple[str, ...]:
        """The id and, when known, the name."""
        return (self.subscription,) if self.name is None else (self.subscription, self.name)


@dataclass(frozen=True, slots=True)
class Objection:
    """An objection to direct marketing (Art. 21(2)), effective from its receipt."""

    at: dt.datetime
    request_id: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "at", _aware(self.at, "Objection.at"))
        object.__setattr__(self, "request_id",
                           _text_or_none(self.request_id, "Objection.request_id"))


@dataclass(frozen=True, slots=True)
class Recipient:
    """What is known about one person when a marketing e-mail is considered.

    ``country`` is an ISO 3166 code (``NO``, ``SE``) or ``None`` when unknown.
    ``customer_exception`` is ``True`` only when every condition of the
    existing-customer exception is recorded as met (address obtained in a
    sale, similar products, opt-out offered at collection and in every
    message); whether the policy allows the exception is the policy's call.
    """

    email: str | None = None
    lists: tuple[ListStatus, ...] = ()
    unsubscribed_all_at: dt.datetime | None = None
    objection: Objection | None = None
    deactivated_at: dt.datetime | None = None
    restricted_at: dt.datetime | None = None
    customer_exception: bool = False
    country: str | None = None

    def __post_init__(self) -> None:
        # the string "false" is truthy: it would apply the existing-customer exception
        _set = object.__setattr__
        _set(self, "email", _text_or_none(self.email, "Recipient.email"))
        lists: Any = self.lists
        if isinstance(lists, list):
            lists = tuple(lists)
        if not isinstance(lists, tuple):
            raise UsageError(f"Recipient.lists: expected a tuple of ListStatus, got "
                             f"{type(lists).__name__}")
        if bad := next((x for x in lists if not isinstance(x, ListStatus)), None):
            raise UsageError(f"Recipient.lists: expected a tuple of ListStatus, got one "
                             f"holding {type(bad).__name__}")
        _set(self, "lists", lists)
        for name in ("unsubscribed_all_at", "deactivated_at", "restricted_at"):
            _set(self, name, _aware_or_none(getattr(self, name), f"Recipient.{name}"))
        if self.objection is not None and not isinstance(self.objection, Objection):
            raise UsageError(f"Recipient.objection: expected an Objection, got "
                             f"{type(self.objection).__name__}")
        _strict_bool(self.customer_exception, "Recipient.customer_exception")
        country = _text_or_none(self.country, "Recipient.country")
        if country is not None:
            # compared with the national act's country: "no" must be NO, "Norway" refused
            if not (len(country) == 2 and country.isascii() and country.isalpha()):
                raise UsageError(f"Recipient.country: expected an ISO 3166-1 alpha-2 code "
                                 f"such as NO or SE, got {self.country!r}")
            country = country.upper()
        _set(self, "country", country)


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a send is not allowed: the rule, since when, how, the law and the promises broken."""

    rule: str
    since: dt.datetime | None
    how: str
    legal: tuple[str, ...]
    promises: tuple[str, ...]
    request_id: str | None = None

    def finding(self, subject: str, policy: PolicyVersion) -> Finding:
        """The reason as a finding about ``subject`` (one send), renderable in en, nb, sv.

        It cites the clauses of ``policy``'s statement that make the promises broken.
        """
        values: dict[str, MessageValue]
        if self.rule == AFTER_OPT_OUT[0]:
            values = {"opt_out": self.since, "count": 1}
        elif self.rule == DEACTIVATED[0]:
            values = {"deactivated_at": self.since, "count": 1}
        elif self.rule == RESTRICTED[0]:
            values = {"restricted_at": self.since, "count": 1, "activity_at": None}
        else:
            values = {"count": 1}
        code = self.rule if self.how != "statement-promise" else f"{self.rule}.promise"
        return Finding(
            rule=self.rule, severity=Severity.ERROR, subject=subject,
            message=Message(code=code, values=values),
            evidence={"how": self.how, "since": self.since, "request_id": self.request_id},
            legal=tuple(LegalRef.parse(x) for x in self.legal),
            statement=policy.clauses_for(tuple(Promise(p) for p in self.promises)))


@dataclass(frozen=True, slots=True)
class MarketingDecision:
    """Yes or no, and why: truthy exactly when the send is allowed.

    ``reasons`` is empty when it is; ``basis`` says what allowed it
    (``consent`` or ``existing-customer``).
    """

    allowed: bool
    reasons: tuple[Reason, ...] = ()
    basis: str | None = None
    findings: tuple[Finding, ...] = field(default=())

    def __bool__(self) -> bool:
        return self.allowed


def is_role_address(email: str | None, local_parts: Collection[str] = ROLE_LOCAL_PARTS) -> bool:
    """Whether an address is a role address (``post@``, ``info@`` ...), not a person's."""
    if not email or "@" not in email:
        return False
    return email.rsplit("@", 1)[0].strip().casefold() in local_parts


def _marketing_purpose(policy: PolicyVersion, purpose: str | None) -> Purpose:
    if purpose is not None:
        return policy.purpose(purpose)
    for p in policy.purposes:
        if p.kind == "marketing" and p.national_basis:
            return p
    for p in policy.purposes:
        if p.kind == "marketing":
            return p
    raise UsageError("the policy has no marketing purpose; name one with purpose=")


def customer_exception_enabled(policy: PolicyVersion, purpose: str | None = None) -> bool:
    """Whether the policy's marketing purpose accepts the existing-customer exception."""
    return "existing-customer-relationship" in _marketing_purpose(policy, purpose).national_basis


def basis_clause(policy: PolicyVersion, recipient: Recipient, purpose: str | None = None,
                 role_local_parts: Collection[str] = ROLE_LOCAL_PARTS) -> tuple[str, ...]:
    """The law a missing basis breaks: the national act, or only the statement's promise.

    The national act (for Inmeta markedsføringsloven § 15) reaches natural
    persons in its own country; a role address or a recipient in another
    country is owed consent only because the statement (S32) promises it. A
    purpose that names no ``national_law`` is judged under the e-mail marketing
    act the national-law table gives for the controller's country (``DE UWG
    § 7 Abs. 2 Nr. 2``), where that act is confirmed; else under the promise alone.
    """
    law = _marketing_purpose(policy, purpose).national_law
    if law is None:
        # The purpose names no act: the national-law table's e-mail marketing act of the
        # controller's country, when it is a national act (the directive binds states).
        table = NATIONAL_LAW.get(policy.controller.country)
        if table is not None and "email_marketing" in table.confirmed:
            law = LegalRef.parse(table.email_marketing)
    law_text = str(law) if law is not None else None
    country = law.country if law is not None else None
    outside = (recipient.country is not None and country in NATIONAL_LAW
               and recipient.country != country)
    if law_text is None or outside or is_role_address(recipient.email, role_local_parts):
        return NO_BASIS_PROMISE
    return (law_text, *NO_BASIS_PROMISE)


def _utc(t: dt.datetime) -> dt.datetime:
    # Two date-times of one zone compare by their wall clocks, fold ignored: in the hour
    # clocks go back, 02:30 the second time would come before 02:45 the first time. In UTC
    # they compare as the instants they are. A naive one stays naive: comparing it with an
    # aware one raises, as it did before.
    return t if t.tzinfo is None or t.tzinfo is dt.UTC else t.astimezone(dt.UTC)


#: among statuses of one list set at the same instant, the one in force: an opt-out is never lost
_TIE_RANK = {"NOT_SUBSCRIBED": 2, "SUBSCRIBED": 1}
_UNTIMED = dt.datetime.min.replace(tzinfo=dt.UTC)


def _recency(s: ListStatus) -> tuple[bool, dt.datetime, int]:
    return (s.at is not None, _UNTIMED if s.at is None else _utc(s.at),
            _TIE_RANK.get(s.status, 0))


def latest_statuses(lists: Sequence[ListStatus]) -> Sequence[ListStatus]:
    """Each list's status in force: of several statuses on one list, the latest.

    A list is its ``subscription`` id; the statuses kept stay in the order of
    each list's first status, and ``lists`` itself is returned when no list
    has two. The latest is the one with the latest time; one without a time
    is older than any with one. On a tie ``NOT_SUBSCRIBED`` wins (an opt-out
    must not be lost), then ``SUBSCRIBED`` over ``NOT_SPECIFIED``, then the
    one listed first.
    """
    if len(lists) < 2 or len({s.subscription for s in lists}) == len(lists):
        return lists
    best: dict[str, ListStatus] = {}
    for s in lists:
        kept = best.get(s.subscription)
        if kept is None or _recency(s) > _recency(kept):
            best[s.subscription] = s
    return tuple(best.values())


def _marked(lists: Sequence[ListStatus], marketing_lists: Collection[str],
            ) -> Sequence[ListStatus]:
    """``lists`` with each status whose id or name is in ``marketing_lists`` marked marketing.

    A list is a marketing list by its status's flag or by the caller's
    ``marketing_lists``, whichever names it (by id or by name): the same list
    gets the same answer however the caller or the status names it.
    """
    if not marketing_lists:
        return lists
    marked = [s if s.marketing or not any(n in marketing_lists for n in s.names())
              else replace(s, marketing=True) for s in lists]
    return lists if all(map(operator.is_, marked, lists)) else tuple(marked)


def _own(lists: Sequence[ListStatus], subscription: str) -> ListStatus | None:
    # ``lists`` are latest_statuses: one status per list
    for s in lists:
        if subscription in s.names():
            return s
    return None


def effective_opt_out(recipient: Recipient, subscription: str, *,
                      marketing_lists: Collection[str] = (),
                      marketing: bool | None = None) -> Reason | None:
    """The effective opt-out for a marketing send under ``subscription``, or ``None``.

    The earliest of unsubscribe-all, the objection, the list's own
    ``NOT_SUBSCRIBED`` time and, for a list that is not a marketing list, the
    time by which every marketing list was ``NOT_SUBSCRIBED`` (on a tie, the
    first of these), each list by its latest status. ``marketing`` says whether
    ``subscription`` is a marketing list when the caller knows (default: its
    status says, or ``marketing_lists``). ``since`` is the instant as given.
    """
    recipient = instance_of(recipient, Recipient, what="recipient")
    subscription, marketing_lists = _as_named(recipient, subscription, marketing_lists)
    return _effective_opt_out(recipient,
                              _marked(latest_statuses(recipient.lists), marketing_lists),
                              subscription, marketing_lists, marketing)


def _canonical(lists: Sequence[ListStatus], name: str, what: str) -> str:
    # A name matches as the statuses write it, as the audit matches it (one answer for one
    # list). One that matches a status's name only in another case would be judged a
    # service list, which any marketing consent covers: refused, not guessed.
    if any(name in s.names() for s in lists):
        return name
    key = name.casefold()
    for s in lists:
        if s.name is not None and s.name.casefold() == key:
            raise UsageError(f"{what}: {name!r} names none of the person's lists; did you "
                             f"mean {s.name!r}? (names are matched as the statuses write "
                             "them, as the audit matches them)")
    return name


def _as_named(recipient: Recipient, subscription: Any, marketing_lists: Collection[Any],
              ) -> tuple[str, frozenset[str]]:
    """``subscription`` and ``marketing_lists`` as the person's statuses name the lists.

    Ids given as numbers are their digits and padding is dropped; a name that
    matches a status's only in another case is refused (the audit would not
    match it either), not judged as a service list, which any marketing consent
    covers.
    """
    lists = recipient.lists
    sub = _canonical(lists, _list_id(subscription, "subscription"), "subscription")
    if isinstance(marketing_lists, (str, int)):
        marketing_lists = (marketing_lists,)  # one list, not its letters
    marked = frozenset(_list_id(m, "marketing_lists") for m in marketing_lists)
    for m in marked:
        _canonical(lists, m, "marketing_lists")
    return sub, marked


def _effective_opt_out(recipient: Recipient, lists: Sequence[ListStatus], subscription: str,
                       marketing_lists: Collection[str], marketing: bool | None) -> Reason | None:
    # effective_opt_out given the recipient's latest_statuses: the audit's planner works
    # them out once a person, not once for each of the person's lists
    own = _own(lists, subscription)
    is_marketing = (marketing if marketing is not None else
                    (own is not None and own.marketing) or subscription in marketing_lists)
    cands: list[tuple[dt.datetime, str, str | None]] = []
    if recipient.unsubscribed_all_at is not None:
        cands.append((recipient.unsubscribed_all_at, "unsubscribe-all", None))
    if recipient.objection is not None:
        cands.append((recipient.objection.at, "objection-request", recipient.objection.request_id))
    if own is not None and own.status == "NOT_SUBSCRIBED" and own.at is not None:
        cands.append((own.at, "list-unsubscribe", None))
    if not is_marketing:
        mk = [s for s in lists if s.marketing]
        named = {n for s in mk for n in s.names()}
        if mk and all(n in named for n in marketing_lists) and all(
                s.status == "NOT_SUBSCRIBED" and s.at is not None for s in mk):
            cands.append((max((s.at for s in mk if s.at is not None), key=_utc),
                          "all-marketing-subscriptions", None))
    if not cands:
        return None
    at, how, rid = min(cands, key=lambda c: _utc(c[0]))
    return Reason(AFTER_OPT_OUT[0], at, how, AFTER_OPT_OUT[1], AFTER_OPT_OUT[2], rid)


def _covers(s: ListStatus, at: dt.datetime, bases: Collection[str]) -> bool:
    # ``at`` is in UTC (_utc)
    if s.legal_basis not in bases:
        return False
    if s.status == "SUBSCRIBED":
        return s.at is None or _utc(s.at) <= at
    return s.status == "NOT_SUBSCRIBED" and s.at is not None and at < _utc(s.at)


def has_consent_at(recipient: Recipient, subscription: str, at: dt.datetime, *,
                   marketing_lists: Collection[str] = (),
                   consent_bases: Collection[str] = CONSENT_BASES) -> bool:
    """Whether consent covering a marketing send under ``subscription`` was in force at ``at``.

    Each list counts by its latest status.
    """
    recipient = instance_of(recipient, Recipient, what="recipient")
    at = _utc(_aware(at, "at"))
    subscription, marketing_lists = _as_named(recipient, subscription, marketing_lists)
    return _has_consent_at(_marked(latest_statuses(recipient.lists), marketing_lists),
                           subscription, at, marketing_lists, consent_bases)


def _has_consent_at(lists: Sequence[ListStatus], subscription: str, at: dt.datetime,
                    marketing_lists: Collection[str], consent_bases: Collection[str]) -> bool:
    # has_consent_at given checked facts: the person's marked latest statuses, ``at`` in UTC
    own = _own(lists, subscription)
    if (own is not None and own.marketing) or subscription in marketing_lists:
        return own is not None and _covers(own, at, consent_bases)
    return any(s.marketing and _covers(s, at, consent_bases) for s in lists)


def may_send_marketing(
    recipient: Recipient,
    *,
    subscription: str,
    at: dt.datetime,
    policy: PolicyVersion,
    purpose: str | None = None,
    marketing_lists: Collection[str] = (),
    consent_bases: Collection[str] = CONSENT_BASES,
    role_local_parts: Collection[str] = ROLE_LOCAL_PARTS,
) -> MarketingDecision:
    """Decide whether a marketing e-mail to ``recipient`` under ``subscription`` at ``at`` is allowed.

    ``subscription`` is the list the e-mail goes out under (id, as text or a
    number, or name as the statuses write it; in another case it is refused); a
    list without a status in
    ``recipient.lists`` is a marketing list when it is in ``marketing_lists``,
    and otherwise a service list, under which consent on any marketing list
    covers marketing content: name your marketing lists there. ``purpose`` names the policy's marketing
    purpose (default: its marketing purpose with a national basis). ``at``
    must be aware. The decision is falsy with its reasons when the send is
    not allowed; each reason's :meth:`Reason.finding` renders in en, nb, sv.
    """
    recipient = instance_of(recipient, Recipient, what="recipient",
                            hint="gdpr_policy.Recipient(email=..., lists=(ListStatus(...),))")
    policy = policy_version(policy)
    # compared in UTC (see _utc); the reasons keep the instants as given
    at = _utc(_aware(at, "at"))
    subscription, marketing_lists = _as_named(recipient, subscription, marketing_lists)
    # the facts checked and the lists worked out once, for both questions below
    lists = _marked(latest_statuses(recipient.lists), marketing_lists)
    reasons: list[Reason] = []
    basis: str | None = None
    opt = _effective_opt_out(recipient, lists, subscription, marketing_lists, None)
    if opt is not None and opt.since is not None and at >= _utc(opt.since):
        reasons.append(opt)
    elif _has_consent_at(lists, subscription, at, marketing_lists, consent_bases):
        basis = "consent"
    elif recipient.customer_exception and customer_exception_enabled(policy, purpose):
        basis = "existing-customer"
    else:
        legal = basis_clause(policy, recipient, purpose, role_local_parts)
        how = "national-law" if legal != NO_BASIS_PROMISE else "statement-promise"
        reasons.append(Reason(NO_BASIS[0], None, how, legal, NO_BASIS[2]))
    if recipient.deactivated_at is not None and at >= _utc(recipient.deactivated_at):
        reasons.append(Reason(DEACTIVATED[0], recipient.deactivated_at, "deactivated",
                              DEACTIVATED[1], DEACTIVATED[2]))
    if recipient.restricted_at is not None and at >= _utc(recipient.restricted_at):
        reasons.append(Reason(RESTRICTED[0], recipient.restricted_at, "restricted",
                              RESTRICTED[1], RESTRICTED[2]))
    subject = recipient.email or "recipient"
    return MarketingDecision(allowed=not reasons, reasons=tuple(reasons), basis=basis,
                             findings=tuple(r.finding(subject, policy) for r in reasons))
