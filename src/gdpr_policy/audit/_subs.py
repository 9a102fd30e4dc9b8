"""What the audit needs from the subscription statuses, read fast: opt-out and consent per subscriber.

:func:`~gdpr_policy.audit.read_subscriptions` builds a full record per line
(``json.loads``, then a dataclass per status). The audit needs far less: the
effective marketing opt-out and whether a status records consent. Here each
line is parsed by msgspec into typed structs, in C, and checked and reduced in
one pass. Any line msgspec will not take, or whose values look unusual, goes
through the plain reader (``_logs._subscription``) instead, so the result and
every error message are exactly the plain reader's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

import msgspec

from .._errors import RecordError
from . import rules as R
from ._logs import _lines, _loads, _subscription
from ._mapping import PortalMapping
from ._model import SubscriptionRecord
from ._values import norm_email, parse_instant

__all__ = ["SubscriptionFacts", "opt_out_of", "scan_subscriptions"]

_CACHE_MAX = 1 << 16
_BAD = dt.datetime.min.replace(tzinfo=dt.UTC)  # a cached "not an instant" (never a real value)


@dataclass(frozen=True, slots=True)
class SubscriptionFacts:
    """One subscriber: who (record id, address) and what the statuses say."""

    record_id: str | None
    subscriber: str | None
    opt_out: R.OptOut | None
    consent: bool


class _Status(msgspec.Struct, gc=False):
    status: Literal["SUBSCRIBED", "NOT_SUBSCRIBED", "NOT_SPECIFIED"]
    subscriptionId: str | int | None = None  # HubSpot's key names
    subscriptionName: str | int | None = None
    timestamp: str | None = None
    legalBasis: str | int | None = None


class _Wide(msgspec.Struct, gc=False):
    status: str | int | None = None
    timestamp: str | None = None
    wideStatusType: str | int | None = None


class _Line(msgspec.Struct, gc=False):
    recordId: str | int | None = None
    subscriberIdString: str | int | None = None
    results: list[_Status] | None = None
    wideStatuses: list[_Wide] | None = None


_DECODER = msgspec.json.Decoder(_Line)


def _text(v: str | int | None) -> str | None:
    # ``_logs._sub_text`` on a value msgspec has already typed
    if v is None:
        return None
    if isinstance(v, str):
        return v.strip() or None
    return str(v)


def opt_out_of(s: SubscriptionRecord, mapping: PortalMapping) -> R.OptOut | None:
    """The effective opt-out of one subscriber: the earliest of unsubscribe-all and
    every marketing type off (none subscribed, at least one actively opted out; it took
    effect when the last of them was switched off)."""
    cands: list[R.OptOut] = [R.OptOut(w.timestamp, "unsubscribe-all") for w in s.wide
                             if w.status == "NOT_SUBSCRIBED" and w.timestamp is not None]
    marketing = [x for x in s.statuses if mapping.is_marketing_subscription(x.subscription_id, x.name)]
    if marketing and not any(x.status == "SUBSCRIBED" for x in marketing):
        times = [x.timestamp for x in marketing if x.status == "NOT_SUBSCRIBED" and x.timestamp]
        if times:
            cands.append(R.OptOut(max(times), "all-marketing-subscriptions"))
    return min(cands, key=lambda o: o.at) if cands else None


def _plain(line: str, source: str, no: int, mapping: PortalMapping) -> SubscriptionFacts:
    s = _subscription(_loads(line, source, no), source, no)
    consent = any(x.legal_basis in mapping.consent_subscription_bases
                  and x.status != "NOT_SPECIFIED" for x in s.statuses)
    return SubscriptionFacts(s.record_id, s.subscriber, opt_out_of(s, mapping), consent)


class _Reader:
    def __init__(self, mapping: PortalMapping) -> None:
        self.mapping = mapping
        self.marketing = frozenset(mapping.marketing_subscriptions)
        self.consent = frozenset(mapping.consent_subscription_bases)
        self.times: dict[str, dt.datetime] = {}

    def instant(self, text: str | None) -> dt.datetime | Literal[False] | None:
        """``_logs._sub_time`` of a typed value: the instant, ``None``, or ``False`` if invalid."""
        if not text:
            return None
        times = self.times
        at = times.get(text)
        if at is None:
            if len(times) > _CACHE_MAX:
                times.clear()
            try:
                at = parse_instant(text)
            except ValueError:
                at = _BAD
            times[text] = at
        return False if at is _BAD else at

    def facts(self, rec: _Line) -> SubscriptionFacts | None:
        """The facts of one typed line; ``None`` when the plain reader must judge it."""
        rid = _text(rec.recordId)
        sub = norm_email(_text(rec.subscriberIdString))
        if rid is None and sub is None:
            return None
        is_marketing, consent_bases = self.marketing, self.consent
        any_marketing = marketing_on = consent = False
        off_times: list[dt.datetime] = []
        for r in rec.results or ():
            sid = _text(r.subscriptionId)
            if sid is None:
                return None
            at = self.instant(r.timestamp)
            if at is False or (at is None and r.status == "NOT_SUBSCRIBED"):
                return None
            name = _text(r.subscriptionName)
            if sid in is_marketing or (name is not None and name in is_marketing):
                any_marketing = True
                if r.status == "SUBSCRIBED":
                    marketing_on = True
                elif r.status == "NOT_SUBSCRIBED":
                    off_times.append(at)  # type: ignore[arg-type]
            if r.status != "NOT_SPECIFIED" and _text(r.legalBasis) in consent_bases:
                consent = True
        cands: list[R.OptOut] = []
        for w in rec.wideStatuses or ():
            st = _text(w.status)
            at = self.instant(w.timestamp)
            if at is False or st is None or (st == "NOT_SUBSCRIBED" and at is None):
                return None
            if st == "NOT_SUBSCRIBED":
                cands.append(R.OptOut(at, "unsubscribe-all"))  # type: ignore[arg-type]
        if any_marketing and not marketing_on and off_times:
            cands.append(R.OptOut(max(off_times), "all-marketing-subscriptions"))
        opt = min(cands, key=lambda o: o.at) if cands else None
        return SubscriptionFacts(rid, sub, opt, consent)


def scan_subscriptions(lines: Iterable[str], *, source: str,
                       mapping: PortalMapping) -> Iterator[SubscriptionFacts | RecordError]:
    """Yield the facts of each subscriber line, or the :class:`RecordError` that rejects it."""
    reader = _Reader(mapping)
    decode = _DECODER.decode
    for no, line in _lines(lines):
        try:
            facts = reader.facts(decode(line))
        except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
            facts = None
        if facts is not None:
            yield facts
            continue
        try:
            yield _plain(line, source, no, mapping)
        except RecordError as err:
            yield err
