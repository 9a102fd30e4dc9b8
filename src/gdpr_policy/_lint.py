"""Checks of a policy's meaning, beyond what loading validates (``gdpr-policy lint``).

Loading already rejects what is malformed or refers to nothing; these rules
find a policy that is well-formed but contradicts itself or the law: a
consent-based purpose nobody can withdraw from, a consent-requiring tracker
filed under a purpose without consent, a tracker category at odds with its
purposes, contact details that disagree with their own links; "no disclosure
to third parties" beside pixels of joint controllers; retention with no end;
periods longer than Art. 12(3) allows; cookies that outlive their consent;
a tracker credited to the wrong provider; promises below the law's floor; and
what Art. 13 requires a statement to say that it does not say.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ._duration import Duration
from ._errors import UsageError
from ._messages import Location, Message, MessageValue
from ._national import NATIONAL_LAW, addressed_countries, complaint_authorities
from ._policy import _HOST, LAW_PERIODS, NOT_STATED, Policy, PolicyVersion, Purpose, _site_key
from ._refs import LegalRef
from ._rules import REGISTRY, Context, Finding, Severity, rule
from ._time import add_months

__all__ = ["PolicyUnderLint", "lint_policy"]


@dataclass(frozen=True, slots=True)
class PolicyUnderLint:
    """One version of a loaded policy, with the way back to its source positions."""

    policy: Policy
    index: int

    @property
    def version(self) -> PolicyVersion:
        """The version being linted."""
        return self.policy.versions[self.index]

    def loc(self, *path: str | int) -> Location:
        """The source position of a path inside this version."""
        return self.policy.location(("versions", self.index, *path))

    def subject(self, what: str) -> str:
        """A subject id: ``<policy>@<version>:<what>``."""
        return f"{self.policy.id}@{self.version.version}:{what}"

    @property
    def ends(self) -> dt.date | None:
        """The last day the version is in force: its ``effective_until``, else the day
        before the next version starts; ``None`` while it is the one in force."""
        v = self.version
        if v.effective_until is not None:
            return v.effective_until
        later = self.policy.versions[self.index + 1:]
        return later[0].effective_from - dt.timedelta(days=1) if later else None

    def ended_before(self, day: str) -> bool:
        """Whether the version was out of force before ``day`` (ISO): a law or a name of
        that day does not judge it."""
        ends = self.ends
        return ends is not None and ends < dt.date.fromisoformat(day)


# Which purpose kinds fit which tracker category. A tracker contradicts its
# category when one of its purposes is of a kind the category cannot serve.
_CATEGORY_FITS: dict[str, frozenset[str]] = {
    "necessary": frozenset({"service", "security", "legal"}),
    "functional": frozenset({"service", "functional", "security"}),
    "analytics": frozenset({"analytics", "profiling"}),
    "marketing": frozenset({"marketing", "profiling", "analytics"}),
}


@rule(
    "policy.consent-without-withdrawal",
    severity=Severity.ERROR,
    legal=["GDPR Art. 7(3)", "EDPB Guidelines 05/2020 section 5.2"],
    promises=["cookie-withdrawal-declaration", "consent-withdrawal", "cookie-banner"],
)
def _consent_without_withdrawal(subject: PolicyUnderLint, ctx: Context) -> Iterator[Finding]:
    """A consent purpose with no channel to withdraw it, or, where the consent is given in
    the cookie banner, none in the banner or the cookie declaration.

    Withdrawal must be as easy as giving (Art. 7(3)): through the same interface
    the consent was given in (EDPB Guidelines 05/2020 para. 114). Browser
    settings, a letter or an e-mail are harder than the banner's one click.
    """
    v = subject.version
    general = v.consent.withdrawal_channels
    kinds = {ch.id: ch.kind for ch in v.controller.channels}
    in_banner = {pid for t in v.trackers if t.consent_required for pid in t.purposes}
    for i, p in enumerate(v.purposes):
        if not _rests_on_consent(p):
            continue
        if not p.withdrawal_channels:
            yield _consent_without_withdrawal.finding(
                ctx,
                subject.subject(f"purposes/{p.id}"),
                location=subject.loc("purposes", i),
                evidence={
                    "purpose": p.id,
                    "basis": p.basis.value,
                    "consent_withdrawal_channels": list(general),
                },
                purpose=p.id,
            )
        elif p.id in in_banner and not any(
                kinds.get(c) in _BANNER_KINDS for c in p.withdrawal_channels):
            yield _consent_without_withdrawal.finding(
                ctx,
                subject.subject(f"purposes/{p.id}"),
                location=subject.loc("purposes", i, "withdrawal_channels"),
                evidence={"purpose": p.id, "withdrawal_channels": list(p.withdrawal_channels),
                          "kinds": [kinds.get(c) for c in p.withdrawal_channels]},
                severity=Severity.WARNING,
                message_code="policy.consent-without-withdrawal.not-as-easy",
                purpose=p.id,
                channels=list(p.withdrawal_channels),
            )


def _rests_on_consent(p: Purpose) -> bool:
    """Whether a purpose rests on consent, under the GDPR or a national act."""
    return "consent" in (p.basis.value, *p.national_basis)


#: the interfaces a cookie consent is given in, and so may be withdrawn in as easily
_BANNER_KINDS = frozenset({"cookie-banner", "cookie-declaration"})


@rule(
    "policy.tracker-basis-mismatch",
    severity=Severity.ERROR,
    legal=[
        "ePrivacy Directive Art. 5(3)",
        "EDPB Cookie Banner Taskforce report practice H",
        "GDPR Art. 6(1)(a)",
    ],
    promises=["cookie-withdrawal-declaration", "tracker-inventory"],
)
def _tracker_basis_mismatch(subject: PolicyUnderLint, ctx: Context) -> Iterator[Finding]:
    v = subject.version
    purposes = {p.id: p for p in v.purposes}
    for i, t in enumerate(v.trackers):
        if not t.consent_required:
            continue
        for j, pid in enumerate(t.purposes):
            p = purposes[pid]
            if p.basis.value != "consent":
                yield _tracker_basis_mismatch.finding(
                    ctx,
                    subject.subject(f"trackers/{t.id}"),
                    location=subject.loc("trackers", i, "purposes", j),
                    evidence={"tracker": t.id, "purpose": p.id, "basis": p.basis.value},
                    tracker=t.id,
                    purpose=p.id,
                    basis=p.basis.value,
                )


def _misfits(category: str, purposes: list[Purpose]) -> list[str]:
    fits = _CATEGORY_FITS[category]
    return [p.id for p in purposes if p.kind not in fits and p.kind != "other"]


@rule(
    "policy.tracker-category-mismatch",
    severity=Severity.ERROR,
    legal=["ePrivacy Directive Art. 5(3)", "EDPB Cookie Banner Taskforce report practice I"],
    promises=["tracker-inventory"],
)
def _tracker_category_mismatch(subject: PolicyUnderLint, ctx: Context) -> Iterator[Finding]:
    from .banner._trackers import match_cookie as _known_cookie

    v = subject.version
    purposes = {p.id: p for p in v.purposes}
    for i, t in enumerate(v.trackers):
        misfits = _misfits(t.category, [purposes[pid] for pid in t.purposes])
        if misfits:
            yield _tracker_category_mismatch.finding(
                ctx,
                subject.subject(f"trackers/{t.id}"),
                location=subject.loc("trackers", i, "category"),
                evidence={"tracker": t.id, "category": t.category, "purposes": misfits},
                tracker=t.id,
                category=t.category,
                purposes=misfits,
            )
        elif others := [pid for pid in t.purposes if purposes[pid].kind == "other"]:
            # a purpose of kind other fits no category the lint knows: say it was not judged
            yield _tracker_category_mismatch.finding(
                ctx,
                subject.subject(f"trackers/{t.id}"),
                location=subject.loc("trackers", i, "category"),
                evidence={"tracker": t.id, "category": t.category, "purposes": others},
                severity=Severity.NOTE,
                message_code="policy.tracker-category-mismatch.unjudged",
                tracker=t.id,
                category=t.category,
                purposes=others,
            )
        if t.category == "necessary":
            # a cookie the library knows for analytics or marketing is no strictly
            # necessary storage, whatever the policy files it under (the banner check's
            # banner.tracker-in-necessary, for the policy's own inventory)
            for j, c in enumerate(t.cookies):
                known = _known_cookie(c.name) if c.name else None
                if known is not None and known.category != "necessary":
                    yield _tracker_category_mismatch.finding(
                        ctx,
                        subject.subject(f"trackers/{t.id}/cookies/{c.name}"),
                        location=subject.loc("trackers", i, "cookies", j),
                        evidence={"tracker": t.id, "category": t.category, "cookie": c.name,
                                  "known_as": known.category, "vendor": known.vendor},
                        message_code="policy.tracker-category-mismatch.known-cookie",
                        tracker=t.id,
                        category=t.category,
                        purposes=list(t.purposes),
                        cookie=c.name,
                        known_as=known.category,
                        vendor=known.vendor,
                    )
        if not misfits and t.category != "necessary" and not t.consent_required:
            # Only strictly necessary storage is exempt from consent (ePD Art. 5(3)).
            yield _tracker_category_mismatch.finding(
                ctx,
                subject.subject(f"trackers/{t.id}"),
                location=subject.loc("trackers", i, "consent_required"),
                evidence={"tracker": t.id, "category": t.category, "consent_required": False},
                tracker=t.id,
                category=t.category,
                purposes=list(t.purposes),
            )


@rule(
    "policy.channel-mismatch",
    severity=Severity.WARNING,
    legal=["GDPR Art. 12(1)", "GDPR Art. 12(2)"],
    promises=["controller-contact", "opt-out-channels"],
)
def _channel_mismatch(subject: PolicyUnderLint, ctx: Context) -> Iterator[Finding]:
    """Contact details that disagree with their link: an e-mail address, a phone number
    or a web address shown one way and linked another (:func:`_link_target`)."""
    v = subject.version
    for i, ch in enumerate(v.controller.channels):
        if ch.href is None:
            continue
        target = _link_target(ch.kind, ch.href)
        if target is None or _same_contact(ch.kind, ch.value, target):
            continue
        yield _channel_mismatch.finding(
            ctx,
            subject.subject(f"controller/channels/{ch.id}"),
            location=subject.loc("controller", "channels", i, "href"),
            evidence={"channel": ch.id, "shown": ch.value, "linked": target},
            channel=ch.id,
            shown=ch.value,
            linked=target,
        )


#: the link scheme of a channel kind whose shown value the lint compares with its link
_SCHEMES = {"email": "mailto:", "phone": "tel:"}


def _link_target(kind: str, href: str) -> str | None:
    """What a link reaches, comparable with a channel's shown value; ``None``: not judged.

    URI schemes are case-insensitive (RFC 3986 section 3.1): ``MAILTO:`` is ``mailto:``.
    A link's query (``?subject=...``) is not where it goes.
    """
    href = href.strip()
    scheme = _SCHEMES.get(kind)
    if scheme is not None:
        if not href.lower().startswith(scheme):
            return href  # a phone shown, a web page linked: another place
        return href[len(scheme):].split("?", 1)[0]
    if kind == "web":
        return href
    return None


def _same_contact(kind: str, shown: str, linked: str) -> bool:
    if kind == "email":
        return linked.lower() == shown.strip().lower()
    if kind == "phone":
        a, b = _phone_digits(shown), _phone_digits(linked)
        # the shown number may leave out the country code the link carries (23 00 67 00
        # and tel:+4723006700 are one number)
        return a == b or (not a.startswith("+") and b.endswith(a) and len(a) >= 6)
    shown_host, linked_host = _web_host(shown), _web_host(linked)
    return shown_host is None or linked_host is None or shown_host == linked_host


def _phone_digits(text: str) -> str:
    text = re.sub(r"[\s().\-/]", "", text)
    return "+" + text[2:] if text.startswith("00") else text


def _web_host(text: str) -> str | None:
    # "https://www.inmeta.no/kontakt", "inmeta.no/kontakt" and "www.inmeta.no" are one host,
    # keyed as sites are (_site_key); a text that is no host name ("the form") is None
    key = _site_key(text)
    return key if "." in key and _HOST.fullmatch(key) else None


_THIRD_PARTY_ROLES = frozenset({"joint-controller", "independent-controller"})


@rule(
    "policy.disclosure-contradiction",
    severity=Severity.WARNING,
    legal=["GDPR Art. 4(10)", "GDPR Art. 26", "CJEU C-40/17 Fashion ID", "GDPR Art. 13(1)(e)"],
    promises=["no-disclosure", "tracker-inventory"],
)
def _disclosure_contradiction(subject: PolicyUnderLint, ctx: Context) -> Iterator[Finding]:
    """The policy says "no disclosure to third parties" yet embeds trackers of other controllers,
    or names recipients that are controllers themselves.

    A pixel's provider that decides with the site on collecting and sending
    the data is a joint controller (C-40/17 Fashion ID), not a processor, so
    it is a third party (Art. 4(10)) to which data is disclosed. A tracker
    whose provider's role the policy does not give cannot be judged: a note.
    A public authority among the recipients, or a purpose of kind ``legal``,
    without the ``legal-authority`` exception is reported under the same rule.
    A policy that allows disclosure to third parties promises nothing to
    contradict.
    """
    v = subject.version
    d = v.disclosure
    if d.third_parties:
        return  # no promise of no disclosure: nothing for a disclosure to contradict
    for i, t in enumerate(v.trackers):
        role = t.provider_role
        if role in _THIRD_PARTY_ROLES:
            yield _disclosure_contradiction.finding(
                ctx,
                subject.subject(f"trackers/{t.id}"),
                location=subject.loc("trackers", i, "provider_role"),
                evidence={"tracker": t.id, "provider": t.provider, "role": role,
                          "third_parties": False},
                tracker=t.id,
                provider=t.provider,
                role=role,
            )
        elif role is None and t.category != "necessary":
            yield _disclosure_contradiction.finding(
                ctx,
                subject.subject(f"trackers/{t.id}"),
                location=subject.loc("trackers", i),
                evidence={"tracker": t.id, "provider": t.provider, "role": None},
                severity=Severity.NOTE,
                message_code="policy.disclosure-contradiction.role-unknown",
                tracker=t.id,
                provider=t.provider,
            )
    for i, r in enumerate(v.recipients):
        # a recipient that decides on the data itself (Art. 4(7), 26) is a third party
        # (Art. 4(10)) as a tracker's provider is; so is an authority, unless the
        # promise's own exception for disclosures the law requires covers it
        if r.role in _THIRD_PARTY_ROLES or (
                r.role == "public-authority" and "legal-authority" not in d.exceptions):
            yield _disclosure_contradiction.finding(
                ctx,
                subject.subject(f"recipients/{r.id}"),
                location=subject.loc("recipients", i, "role"),
                evidence={"recipient": r.id, "name": r.name, "role": r.role,
                          "third_parties": False},
                message_code="policy.disclosure-contradiction.recipient",
                recipient=r.id,
                name=r.name,
                role=r.role,
            )
    for p in v.purposes:
        if p.kind == "legal" and "legal-authority" not in d.exceptions:
            yield _disclosure_contradiction.finding(
                ctx,
                subject.subject(f"purposes/{p.id}"),
                location=subject.loc("disclosure", "exceptions"),
                evidence={"purpose": p.id, "exceptions": list(d.exceptions)},
                message_code="policy.disclosure-contradiction.exception",
                purpose=p.id,
            )


@rule(
    "policy.retention-without-end",
    severity=Severity.WARNING,
    legal=["GDPR Art. 5(1)(e)", "GDPR Art. 13(2)(a)"],
    promises=["inactivity-deactivation", "deletion-on-request"],
)
def _retention_without_end(subject: PolicyUnderLint, ctx: Context) -> Iterator[Finding]:
    """Data kept with no end (Art. 5(1)(e)): deactivated after inactivity but never deleted,
    or with no rule at all that deletes every person's data."""
    v = subject.version
    # Data of every person ends when it is deleted after inactivity or a period from its
    # collection; a deletion after a relationship or an event ends only some of it.
    deletes = any(r.action == "delete" and r.trigger in ("inactivity", "collection")
                  for r in v.retention)
    if deletes:
        return
    if not v.retention and (v.discloses is None or "retention-periods" not in v.discloses):
        # no rule at all, and the statement is not said to give periods: the Art. 13(2)(a)
        # omission is policy.notice-omission's to report (or, without discloses, to say
        # it cannot be judged); a statement said to give periods that none encodes is ours
        return
    if not any(r.action == "deactivate" for r in v.retention):
        # no rule even deactivates: deletion on request, on a bounce or after a
        # relationship, or no rule at all, leaves everyone's data kept for ever
        yield _retention_without_end.finding(
            ctx,
            subject.subject("retention"),
            location=subject.loc("retention"),
            evidence={"retention": [r.id for r in v.retention],
                      "deletes_on": sorted({r.trigger for r in v.retention
                                            if r.action == "delete"})},
            message_code="policy.retention-without-end.none",
        )
        return
    for i, r in enumerate(v.retention):
        if r.action == "deactivate":
            yield _retention_without_end.finding(
                ctx,
                subject.subject(f"retention/{r.id}"),
                location=subject.loc("retention", i, "action"),
                evidence={"retention": r.id, "trigger": r.trigger, "after": str(r.after)
                          if r.after else None, "action": r.action},
                retention=r.id,
            )


# A period is longer than N months when, for some start day, it ends later: months are
# counted as Reg. 1182/71 does (same day number, else the month's last day).
_CYCLE_START = dt.date(2024, 1, 1)


def _parts(d: Duration) -> tuple[int, int]:
    """Months and days as :func:`_ends` adds them (a time part in whole days, rounded up)."""
    return d.total_months, d.total_days + d.time_days


def _ends(start: dt.date, d: Duration) -> dt.date:
    months, days = _parts(d)
    return add_months(start, months).date + dt.timedelta(days=days)


_LAST_START = _CYCLE_START + dt.timedelta(days=366 * 4 - 1)


def _in_calendar(d: Duration) -> bool:
    try:
        _ends(_LAST_START, d)
    except (UsageError, OverflowError):
        return False
    return True


def longer_than(d: Duration, limit: Duration) -> bool:
    """Whether ``d`` ends after ``limit`` for some start day (four years cover every case).

    A duration too long for the calendar (past the year 9999) is longer than any limit
    the calendar can hold.
    """
    if not (_in_calendar(d) and _in_calendar(limit)):
        return _longer_on_some_day(d, limit)
    (d_months, d_days), (l_months, l_days) = _parts(d), _parts(limit)
    if d_months == l_months:
        return d_days > l_days
    # k more months span between 30k - 2 and 31k days from any start day (28 to 31 for
    # one, and on average 30.44 a month), so the days decide unless they fall in between.
    if d_months < l_months:
        k, extra = l_months - d_months, d_days - l_days  # d ends later iff extra > span
        if extra <= 30 * k - 2:
            return False
        if extra > 31 * k:
            return True
    else:
        k, short = d_months - l_months, l_days - d_days  # d ends later iff span > short
        if short < 30 * k - 2:
            return True
        if short >= 31 * k:
            return False
    return _longer_on_some_day(d, limit)


def _longer_on_some_day(d: Duration, limit: Duration) -> bool:
    """:func:`longer_than` by trying every start day of four years."""
    for offset in range(366 * 4):
        start = _CYCLE_START + dt.timedelta(days=offset)
        try:
            end = _ends(start, d)
        except (UsageError, OverflowError):
            return True
        try:
            if end > _ends(start, limit):
                return True
        except (UsageError, OverflowError):
            return False
    return False




@rule(
    "policy.period-too-long",
    severity=Severity.ERROR,
    legal=["GDPR Art. 12(3)"],
    promises=["response-period"],
)
def _period_too_long(subject: PolicyUnderLint, ctx: Context) -> Iterator[Finding]:
    """A response period over one month, an extension over two, or a late extension notice."""
    rights = subject.version.rights
    for field, limit in LAW_PERIODS.items():
        value = getattr(rights, field)
        if not isinstance(value, Duration):
            continue  # not stated: the law's own period applies (policy.not-stated says so)
        if longer_than(value, limit):
            yield _period_too_long.finding(
                ctx,
                subject.subject(f"rights/{field}"),
                location=subject.loc("rights", field),
                evidence={"field": f"rights.{field}", "value": str(value), "limit": str(limit)},
                field=f"rights.{field}",
                value=str(value),
                limit=str(limit),
            )


@rule(
    "policy.portability-format",
    severity=Severity.ERROR,
    legal=["GDPR Art. 20(1)", "GDPR Recital 68"],
    promises=["portability"],
)
def _portability_format(subject: PolicyUnderLint, ctx: Context) -> Iterator[Finding]:
    """A portability format that is not structured, commonly used and machine-readable.

    Art. 20(1) gives the person their data "in a structured, commonly used and
    machine-readable format"; a PDF, an image or a word-processor file is none
    of these (Recital 68: interoperable). The accepted media types are the ones
    ``request.portability-format`` accepts, so the lint and the request check
    agree on what a delivery in a listed format means.
    """
    from .requests import MACHINE_READABLE_FORMATS, _media_type

    formats = subject.version.rights.portability_formats
    for i, given in enumerate(formats):
        if _media_type(given) in MACHINE_READABLE_FORMATS:
            continue
        yield _portability_format.finding(
            ctx,
            subject.subject(f"rights/portability_formats/{i}"),
            location=subject.loc("rights", "portability_formats", i),
            evidence={"format": given, "accepted": sorted(MACHINE_READABLE_FORMATS)},
            format=given,
        )


@rule(
    "policy.unused-consent-purpose",
    severity=Severity.WARNING,
    legal=["GDPR Art. 5(1)(b)", "GDPR Art. 7(2)", "EDPB Guidelines 05/2020 section 3.2"],
    promises=["consent-per-purpose"],
)
def _unused_consent_purpose(subject: PolicyUnderLint, ctx: Context) -> Iterator[Finding]:
    """A purpose that rests on consent but that no tracker and no system serves.

    Consent is asked per purpose (Art. 7(2)); a purpose nothing carries
    out is either stale (the consent request asks for something that does not
    happen) or incomplete (the systems or trackers that do it are missing, so
    no check can find them). Either way the policy cannot be checked against
    what the sites and systems do.
    """
    v = subject.version
    served = {p for t in v.trackers for p in t.purposes}
    for i, purpose in enumerate(v.purposes):
        if purpose.basis.value != "consent" or purpose.systems or purpose.id in served:
            continue
        yield _unused_consent_purpose.finding(
            ctx,
            subject.subject(f"purposes/{purpose.id}"),
            location=subject.loc("purposes", i),
            evidence={"purpose": purpose.id, "trackers": [], "systems": []},
            purpose=purpose.id,
        )


@rule(
    "policy.assumed-value",
    severity=Severity.NOTE,
    legal=["GDPR Art. 5(2)"],
)
def _assumed_value(subject: PolicyUnderLint, ctx: Context) -> Iterator[Finding]:
    """A value the statement does not say and the policy's author assumed (``assumed``).

    Each is a note with its reason, so that every report keeps what the statement
    says apart from what was assumed; it cites no clause, since none says it.
    """
    v = subject.version
    for i, a in enumerate(v.assumed):
        value = v.value_at(a.field)
        shown: str | list[str] = (
            [str(x) for x in value] if isinstance(value, tuple) else str(value)
        )
        yield _assumed_value.finding(
            ctx,
            subject.subject(f"assumed/{a.field}"),
            location=subject.loc("assumed", i),
            evidence={"field": a.field, "value": shown, "reason": a.reason},
            field=a.field,
            value=", ".join(shown) if isinstance(shown, list) else shown,
            reason=a.reason,
        )


@rule(
    "policy.transfer-without-safeguard",
    severity=Severity.ERROR,
    legal=["GDPR Art. 44", "GDPR Art. 45", "GDPR Art. 46"],
    promises=["no-disclosure"],
)
def _transfer_without_safeguard(subject: PolicyUnderLint, ctx: Context) -> Iterator[Finding]:
    """A recipient outside the EEA with no ground for the transfer, or a ground that does not hold;
    a system outside the EEA whose vendor is not among the recipients, where its ground
    would be judged (a warning: the ground may exist in the processing agreement).

    Chapter V allows a transfer on an adequacy decision (Art. 45: only for the
    countries the Commission has found adequate, and for the United States only
    under the EU-US Data Privacy Framework), on appropriate safeguards (Art. 46-47)
    or on a derogation (Art. 49). ``recipients[].transfer`` says which.
    """
    from ._policy import ADEQUATE_COUNTRIES

    v = subject.version
    listed = {_vendor_key(r.name) for r in v.recipients}
    for i, s in enumerate(v.systems):
        # a vendor's system outside the EEA is a transfer as a recipient is: the vendor
        # goes among the recipients, with its country and ground, where this rule judges
        # it (the statement's silence on the transfer is notice-omission's to report)
        if s.outside_eea and _vendor_key(s.vendor) not in listed:
            yield _transfer_without_safeguard.finding(
                ctx,
                subject.subject(f"systems/{s.id}"),
                location=subject.loc("systems", i, "outside_eea"),
                evidence={"system": s.id, "vendor": s.vendor,
                          "recipients": [r.name for r in v.recipients]},
                severity=Severity.WARNING,
                message_code="policy.transfer-without-safeguard.system",
                system=s.id,
                vendor=s.vendor,
            )
    for i, r in enumerate(subject.version.recipients):
        if not r.outside_eea:
            continue
        t = r.transfer
        code: str | None = None
        if t is None:
            code = "policy.transfer-without-safeguard"
        elif t.safeguard == "adequacy" and r.country not in ADEQUATE_COUNTRIES:
            code = "policy.transfer-without-safeguard.no-adequacy"
        elif t.safeguard == "eu-us-dpf" and r.country != "US":
            code = "policy.transfer-without-safeguard.dpf-outside-us"
        if code is None:
            continue
        yield _transfer_without_safeguard.finding(
            ctx,
            subject.subject(f"recipients/{r.id}"),
            location=subject.loc("recipients", i, *(("transfer",) if t is not None else ())),
            evidence={"recipient": r.id, "country": r.country,
                      "safeguard": t.safeguard if t is not None else None},
            message_code=code,
            recipient=r.id,
            country=r.country,
        )


@rule(
    "policy.not-stated",
    severity=Severity.NOTE,
    legal=["GDPR Art. 12(3)"],
    promises=["response-period"],
)
def _not_stated(subject: PolicyUnderLint, ctx: Context) -> Iterator[Finding]:
    """A period the law sets that the statement does not give: the law's applies, and the
    report says so rather than show a value the statement never promised."""
    rights = subject.version.rights
    for field in LAW_PERIODS:
        if getattr(rights, field) != NOT_STATED:
            continue
        law = rights.in_force(field)
        yield _not_stated.finding(
            ctx,
            subject.subject(f"rights/{field}"),
            location=subject.loc("rights", field),
            evidence={"field": f"rights.{field}", "law": str(law)},
            field=f"rights.{field}",
            law=str(law),
        )


@rule(
    "policy.complaint-authority",
    severity=Severity.WARNING,
    legal=["GDPR Art. 13(2)(d)", "GDPR Art. 77(1)"],
)
def _complaint_authority(subject: PolicyUnderLint, ctx: Context) -> Iterator[Finding]:
    """The statement sends complaints to a body that is not the supervisory authority
    of any of the policy's countries, or by a name the authority no longer bears.

    A data subject may complain where they live or work (Art. 77(1)); a
    statement that names an authority names one of the countries whose
    people it addresses: the policy's jurisdictions and the controller's
    entities' countries.
    """
    v = subject.version
    complaint = v.rights.complaint
    if complaint is None or complaint.authority is None:
        return
    laws = [NATIONAL_LAW[c] for c in addressed_countries(v)]
    if any(law.names_authority(complaint.authority) for law in laws):
        return
    expected = complaint_authorities(v)
    where = subject.subject("rights/complaint/authority")
    location = subject.loc("rights", "complaint", "authority")
    for law in laws:
        since = law.former_name(complaint.authority)
        if since is not None and subject.ended_before(since):
            return  # the name the authority bore while this version was in force
        if since is not None:
            yield _complaint_authority.finding(
                ctx, where, location=location,
                evidence={"authority": complaint.authority, "expected": expected,
                          "current": law.authority, "since": since},
                message_code="policy.complaint-authority.renamed",
                authority=complaint.authority, current=law.authority,
                since=dt.date.fromisoformat(since),
            )
            return
    yield _complaint_authority.finding(
        ctx, where, location=location,
        evidence={"authority": complaint.authority, "expected": expected},
        authority=complaint.authority, expected=expected,
    )


@rule(
    "policy.cookie-outlives-consent",
    severity=Severity.WARNING,
    legal=["ePrivacy Directive Art. 5(3)", "GDPR Art. 5(1)(e)", "GDPR Art. 7(1)"],
    promises=["tracker-inventory", "cookie-banner"],
)
def _cookie_outlives_consent(subject: PolicyUnderLint, ctx: Context) -> Iterator[Finding]:
    """A consent-requiring cookie that lives longer than the consent it depends on.

    The consent's lifetime is the policy's ``max_lifetime`` and the lifetime of
    each kind of purpose the tracker serves (``lifetime_by_kind``), as the
    consent rules apply them: the shorter wins, so a cookie that outlives any of
    them outlives the consent for that purpose.
    """
    v = subject.version
    kinds = {p.id: p.kind for p in v.purposes}
    by_kind = v.consent.lifetime_by_kind
    for i, t in enumerate(v.trackers):
        if not t.consent_required:
            continue
        limits = [by_kind[k] for k in dict.fromkeys(kinds.get(p) for p in t.purposes)
                  if k is not None and k in by_kind]
        if v.consent.max_lifetime is not None:
            limits.append(v.consent.max_lifetime)
        if not limits:
            continue
        for j, c in enumerate(t.cookies):
            exceeded = None if c.lifetime is None else next(
                (x for x in limits if longer_than(c.lifetime, x)), None)
            if exceeded is not None:
                limit = exceeded
                name = c.name or c.pattern or "?"
                yield _cookie_outlives_consent.finding(
                    ctx,
                    subject.subject(f"trackers/{t.id}/cookies/{name}"),
                    location=subject.loc("trackers", i, "cookies", j, "lifetime"),
                    evidence={"tracker": t.id, "cookie": name, "lifetime": str(c.lifetime),
                              "consent_lifetime": str(limit)},
                    cookie=name,
                    lifetime=str(c.lifetime),
                    consent_lifetime=str(limit),
                )


def _on_sites(domain: str, sites: Sequence[str]) -> bool:
    # ".inmeta.no" (a cookie's domain for every subdomain) and "inmeta.no." (the fully
    # qualified name) are both the site's own host; a site's page may set a cookie on
    # its parent domain too (www.inmeta.no sets _ga on .inmeta.no), which is its own
    # registrable domain, not another party's (a suffix of two labels or more)
    host = domain.strip(".").lower()
    return any(host == d or host.endswith("." + d)
               or (d.endswith("." + host) and "." in host) for d in sites)


@rule(
    "policy.cookie-spec-mismatch",
    severity=Severity.WARNING,
    legal=["CJEU C-673/17 Planet49", "ePrivacy Directive Art. 5(3)", "GDPR Art. 13(1)(e)"],
    promises=["tracker-inventory"],
)
def _cookie_spec_mismatch(subject: PolicyUnderLint, ctx: Context) -> Iterator[Finding]:
    """A cookie whose party, domain or lifetime contradict each other or the sites.

    Planet49 requires telling users how long cookies last and whether third
    parties can read them, so these facts must agree: a first-party cookie
    lives on one of the sites' domains, a third-party cookie on another; a
    session cookie has no lifetime.
    """
    v = subject.version
    sites = [s.domain.lower() for s in v.sites]
    for i, t in enumerate(v.trackers):
        for j, c in enumerate(t.cookies):
            name = c.name or c.pattern or "?"
            problem: str | None = None
            if c.domain is not None and c.party == "first" and not _on_sites(c.domain, sites):
                problem = "first-party-foreign-domain"
            elif c.domain is not None and c.party == "third" and _on_sites(c.domain, sites):
                problem = "third-party-own-domain"
            elif c.session and c.lifetime is not None:
                problem = "session-with-lifetime"
            if problem is None:
                continue
            yield _cookie_spec_mismatch.finding(
                ctx,
                subject.subject(f"trackers/{t.id}/cookies/{name}"),
                location=subject.loc("trackers", i, "cookies", j),
                evidence={"tracker": t.id, "cookie": name, "party": c.party, "domain": c.domain,
                          "session": c.session,
                          "lifetime": str(c.lifetime) if c.lifetime else None, "sites": sites},
                cookie=name,
                party=c.party,
                domain=c.domain or "",
                lifetime=str(c.lifetime) if c.lifetime else "",
                message_code=f"policy.cookie-spec-mismatch.{problem}",
            )


def _vendor_key(name: str) -> str:
    words = name.replace(",", " ").split()
    return words[0].casefold() if words else ""


@rule(
    "policy.tracker-provider-mismatch",
    severity=Severity.WARNING,
    legal=["GDPR Art. 13(1)(e)", "CJEU C-673/17 Planet49"],
    promises=["tracker-inventory"],
)
def _tracker_provider_mismatch(subject: PolicyUnderLint, ctx: Context) -> Iterator[Finding]:
    """A tracker credited to a provider other than the vendor that sets its cookies.

    The vendor is known from the library's table of well-known cookies (by
    exact name) and from the tracker's system (``systems[].vendor``).
    """
    from .banner._trackers import match_cookie

    v = subject.version
    vendors = {s.id: s.vendor for s in v.systems}
    for i, t in enumerate(v.trackers):
        claimed = _vendor_key(t.provider)
        found_by: dict[str, str] = {}
        if t.system is not None and _vendor_key(vendors[t.system]) != claimed:
            found_by[f"system {t.system}"] = vendors[t.system]
        for c in t.cookies:
            known = match_cookie(c.name) if c.name else None
            if known is not None and _vendor_key(known.vendor) != claimed:
                found_by[f"cookie {c.name}"] = known.vendor
        for source, vendor in found_by.items():
            yield _tracker_provider_mismatch.finding(
                ctx,
                subject.subject(f"trackers/{t.id}"),
                location=subject.loc("trackers", i, "provider"),
                evidence={"tracker": t.id, "provider": t.provider, "source": source,
                          "vendor": vendor},
                tracker=t.id,
                provider=t.provider,
                source=source,
                vendor=vendor,
            )


# The law's floor under what the statement promises about consent, opt-out and rights:
# (policy field, values the law requires, article).
_FLOOR: tuple[tuple[tuple[str, ...], tuple[str, ...], str], ...] = (
    (("consent", "criteria"), ("freely-given", "specific", "informed", "unambiguous",
                               "clear-affirmative-act"), "GDPR Art. 4(11)"),
    (("consent", "forbidden_forms"), ("silence", "inactivity", "pre-ticked"), "GDPR Recital 32"),
    (("consent", "forbidden_forms"), ("scrolling",), "EDPB Guidelines 05/2020 Example 16"),
    (("consent", "forbidden_forms"), ("precondition",), "GDPR Art. 7(4)"),
    (("consent", "notice_must_include"), ("controller-identity", "purposes"), "GDPR Recital 42"),
    (("consent", "notice_must_include"), ("right-to-withdraw",), "GDPR Art. 7(3)"),
    (("consent", "notice_must_include"), ("data-types",), "EDPB Guidelines 05/2020 section 3.3.1"),
    (("rights", "rights"), ("access", "rectification", "erasure", "restriction", "portability",
                            "objection"), "GDPR Art. 12(2)"),
)
# Art. 7(3) gives the right to withdraw consent; Art. 13(2)(c) requires stating it only
# "where the processing is based on" consent: a floor only for a policy that relies on it.
_WITHDRAWAL_FLOOR = (("rights", "rights"), ("consent-withdrawal",), "GDPR Art. 7(3)")
# Art. 21(2): an objection to direct marketing stops it, and the profiling related to it;
# each is required only where the policy does it (a policy that profiles no one need not
# promise that an objection stops profiling).
_OPT_OUT_FLOOR = {"marketing": "email-marketing", "profiling": "profiling"}
# Browser settings are no consent to trackers on a site under the Norwegian cookie rule.
_BROWSER_FLOOR = {
    code: (("consent", "forbidden_forms"), ("browser-settings",), law.cookie_rule)
    for code, law in NATIONAL_LAW.items() if law.refuses_browser_consent
}
_FLAGS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("consent", "per_purpose"), "GDPR Recital 43"),
    (("consent", "withdrawal_as_easy_as_giving"), "GDPR Art. 7(3)"),
)


def _get(v: PolicyVersion, path: tuple[str, ...]) -> object:
    value: object = v
    for part in path:
        value = getattr(value, part)
    return value


@rule(
    "policy.consent-below-law",
    severity=Severity.ERROR,
    legal=["GDPR Art. 4(11)", "GDPR Art. 7", "GDPR Art. 21(2)"],
    promises=["consent-voluntary", "consent-explicit", "consent-per-purpose", "consent-forbidden-forms", "consent-withdrawal", "opt-out-channels"],
)
def _consent_below_law(subject: PolicyUnderLint, ctx: Context) -> Iterator[Finding]:
    """A promise of the policy below the law's floor (a criterion, form, notice element, right).

    One finding per field, naming what is missing and the article that requires it.
    """
    v = subject.version
    floor = list(_FLOOR)
    consent_trackers = any(t.consent_required for t in v.trackers)
    if consent_trackers or any(_rests_on_consent(p) for p in v.purposes):
        floor.append(_WITHDRAWAL_FLOOR)
    kinds = {p.kind for p in v.purposes}
    covers = tuple(item for kind, item in _OPT_OUT_FLOOR.items() if kind in kinds)
    if covers:
        floor.append((("marketing", "opt_out_covers"), covers, "GDPR Art. 21(2)"))
    if consent_trackers:
        # a site under a cookie rule that refuses browser settings as consent
        for code in sorted({s.jurisdiction for s in v.sites} & set(_BROWSER_FLOOR)):
            since = NATIONAL_LAW[code].browser_consent_refused_since
            if since is None or not subject.ended_before(since):
                floor.append(_BROWSER_FLOOR[code])
    for path, required, article in floor:
        have = set(_get(v, path))  # type: ignore[call-overload]
        missing = [x for x in required if x not in have]
        if missing:
            found = _consent_below_law.finding(
                ctx,
                subject.subject(".".join(path)),
                location=subject.loc(*path),
                evidence={"field": ".".join(path), "missing": missing, "article": article},
                field=".".join(path),
                missing=missing,
                article=article,
            )
            yield found.model_copy(update={"legal": (LegalRef.parse(article),)})
    for path, article in _FLAGS:
        if _get(v, path) is not True:
            found = _consent_below_law.finding(
                ctx,
                subject.subject(".".join(path)),
                location=subject.loc(*path),
                evidence={"field": ".".join(path), "missing": ["true"], "article": article},
                field=".".join(path),
                missing=["true"],
                article=article,
            )
            yield found.model_copy(update={"legal": (LegalRef.parse(article),)})


_USES: tuple[tuple[str, str], ...] = (
    ("consent.withdrawal_channels", "consent-withdrawal"),
    ("marketing.opt_out_channels", "opt-out"),
    ("rights.channels", "rights-requests"),
)


@rule(
    "policy.channel-use-mismatch",
    severity=Severity.WARNING,
    legal=["GDPR Art. 12(2)", "GDPR Art. 7(3)", "GDPR Art. 21(4)"],
    promises=["consent-withdrawal", "opt-out-channels", "cookie-banner"],
)
def _channel_use_mismatch(subject: PolicyUnderLint, ctx: Context) -> Iterator[Finding]:
    """A channel named for withdrawal, opt-out or requests that does not declare that use."""
    v = subject.version
    channels = {c.id: c for c in v.controller.channels}
    wanted: list[tuple[str, str, str]] = []
    for field, use in _USES:
        section, name = field.split(".")
        wanted += [(field, cid, use) for cid in getattr(getattr(v, section), name)]
    for p in v.purposes:
        wanted += [(f"purposes[{p.id}].withdrawal_channels", cid, "consent-withdrawal")
                   for cid in p.withdrawal_channels]
    seen: set[tuple[str, str]] = set()
    for field, cid, use in wanted:
        ch = channels[cid]
        if use in ch.uses or (cid, use) in seen:
            continue
        seen.add((cid, use))
        index = list(channels).index(cid)
        yield _channel_use_mismatch.finding(
            ctx,
            subject.subject(f"controller/channels/{cid}"),
            location=subject.loc("controller", "channels", index, "uses"),
            evidence={"channel": cid, "named_in": field, "use": use, "uses": list(ch.uses)},
            channel=cid,
            field=field,
            use=use,
        )


# (item, article, when it is required)
_NOTICE: tuple[tuple[str, str], ...] = (
    ("controller-identity", "GDPR Art. 13(1)(a)"),
    ("purposes", "GDPR Art. 13(1)(c)"),
    ("legal-basis", "GDPR Art. 13(1)(c)"),
    ("recipients", "GDPR Art. 13(1)(e)"),
    ("transfers", "GDPR Art. 13(1)(f)"),
    ("retention-periods", "GDPR Art. 13(2)(a)"),
    ("rights", "GDPR Art. 13(2)(b)"),
    ("right-to-withdraw", "GDPR Art. 13(2)(c)"),
    ("right-to-complain", "GDPR Art. 13(2)(d)"),
    ("joint-controller-arrangement", "GDPR Art. 26(2)"),
    ("automated-decision-making", "GDPR Art. 13(2)(f)"),
)


def _notice_required(v: PolicyVersion) -> dict[str, MessageValue]:
    """The Art. 13 items this policy's own content makes necessary, each with what makes it so."""
    own = _vendor_key(v.controller.legal_name)
    outside = [s.id for s in v.systems if _vendor_key(s.vendor) != own]
    outside += [t.id for t in v.trackers if _vendor_key(t.provider) != own and t.system is None]
    outside += [r.id for r in v.recipients]
    joint = [t.id for t in v.trackers if t.provider_role == "joint-controller"]
    joint += [r.id for r in v.recipients if r.role == "joint-controller"]
    consent = [p.id for p in v.purposes if p.basis.value == "consent"]
    transfers = [s.id for s in v.systems if s.outside_eea]
    transfers += [r.id for r in v.recipients if r.outside_eea]
    why: dict[str, MessageValue] = {
        "controller-identity": [],
        "purposes": sorted(p.id for p in v.purposes),
        "legal-basis": sorted(p.id for p in v.purposes),
        "retention-periods": sorted(r.id for r in v.retention),
        "rights": sorted(v.rights.rights),
        "right-to-complain": complaint_authorities(v),
    }
    if outside:
        why["recipients"] = sorted(set(outside))
    if transfers:
        why["transfers"] = sorted(set(transfers))
    if consent:
        why["right-to-withdraw"] = sorted(consent)
    if joint:
        why["joint-controller-arrangement"] = sorted(set(joint))
    if v.automated_decisions is not None and v.automated_decisions.used:
        why["automated-decision-making"] = ["automated_decisions"]
    return why


@rule(
    "policy.notice-omission",
    severity=Severity.WARNING,
    legal=["GDPR Art. 13", "GDPR Art. 26(2)"],
    promises=["statement-version"],
)
def _notice_omission(subject: PolicyUnderLint, ctx: Context) -> Iterator[Finding]:
    """Something GDPR Art. 13 requires the statement to say, and the policy says it does not.

    The policy declares what the statement discloses (``discloses``); each
    required item missing from it is a warning citing its own article. Which
    items are required follows from the policy: recipients when systems or
    trackers of other vendors exist, transfers when a system is outside the
    EEA, the joint-controller arrangement when a tracker's provider is a
    joint controller. Without ``discloses`` nothing can be judged: a note.
    """
    v = subject.version
    required = _notice_required(v)
    # A period the policy records as not stated is an omission whatever discloses says:
    # the statement promises the deletion or deactivation and withholds when.
    for i, kept in enumerate(v.retention):
        if kept.after == NOT_STATED:
            yield _notice_omission.finding(
                ctx,
                subject.subject(f"retention/{kept.id}/after"),
                location=subject.loc("retention", i, "after"),
                evidence={"item": "retention-periods", "article": "GDPR Art. 13(2)(a)",
                          "retention": kept.id},
                message_code="policy.notice-omission.not-stated",
                item="retention-periods",
                article="GDPR Art. 13(2)(a)",
                retention=kept.id,
            ).model_copy(update={"legal": (LegalRef.parse("GDPR Art. 13(2)(a)"),)})
    if v.discloses is None:
        yield _notice_omission.finding(
            ctx,
            subject.subject("discloses"),
            location=subject.loc(),
            evidence={"required": sorted(required)},
            severity=Severity.NOTE,
            message_code="policy.notice-omission.undeclared",
        )
        return
    for item, article in _NOTICE:
        if item in required and item not in v.discloses:
            found = _notice_omission.finding(
                ctx,
                subject.subject(f"discloses/{item}"),
                location=subject.loc("discloses"),
                evidence={"item": item, "article": article, "because": required[item]},
                item=item,
                article=article,
            )
            if item == "right-to-complain":
                found = found.model_copy(update={"message": Message(
                    code="policy.notice-omission.right-to-complain",
                    values={**found.message.values, "authorities": required[item]})})
            yield found.model_copy(update={"legal": (LegalRef.parse(article),)})


def lint_policy(policy: Policy) -> list[Finding]:
    """Run every ``policy.*`` rule on every version of ``policy``; findings in stable order."""
    from ._args import instance_of

    policy = instance_of(
        policy, Policy, what="policy", hint="the whole policy, e.g. gdpr_policy.bundled_policy()"
    )
    findings: list[Finding] = []
    for index, version in enumerate(policy.versions):
        ctx = Context(policy=version, as_of=version.effective_from)
        under = PolicyUnderLint(policy, index)
        for r in REGISTRY.area("policy"):
            findings.extend(r.evaluate(under, ctx))
    return sorted(findings, key=Finding.sort_key)
