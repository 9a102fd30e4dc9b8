"""What the audit needs from the subscription statuses, read fast: each list's status and unsubscribe-all.

:func:`~gdpr_policy.audit.read_subscriptions` builds a full record per line
(``json.loads``, then a dataclass per status). The audit needs less: per
subscriber the status of each list as a :class:`~gdpr_policy.marketing.ListStatus`
(with whether the mapping calls it a marketing list) and the earliest
unsubscribe-all time, which is what the marketing decision reads. Here each
line is parsed by msgspec into typed structs, in C, and checked and reduced in
one pass. Any line msgspec will not take, or whose values look unusual, goes
through the plain reader (``_logs._subscription``) instead, so the result and
every error message are exactly the plain reader's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

import msgspec

from .._errors import RecordError
from ..marketing import ListStatus
from ._logs import _lines, _loads, _subscription
from ._mapping import PortalMapping
from ._model import SubscriptionRecord
from ._values import norm_email, parse_instant

__all__ = ["SubscriptionFacts", "facts_of", "scan_subscriptions"]

_CACHE_MAX = 1 << 16
_BAD = dt.datetime.min.replace(tzinfo=dt.UTC)  # a cached "not an instant" (never a real value)


@dataclass(frozen=True, slots=True)
class SubscriptionFacts:
    """One subscriber: who (record id, address), each list's status, and unsubscribe-all.

    ``said_no``: some list's status is ``NOT_SUBSCRIBED`` (the planner's quick test).
    ``shape``: per status, what the planner's templates depend on (list, name,
    status, basis, whether the time is unknown, marketing), or ``None`` when not
    worked out (the planner then works it out from ``lists``).
    """

    record_id: str | None
    subscriber: str | None
    lists: tuple[ListStatus, ...]
    unsubscribed_all_at: dt.datetime | None
    said_no: bool = False
    shape: tuple[tuple[object, ...], ...] | None = None
    #: the line it was read from (to locate a second line for the same subscriber)
    line: int | None = None


class _Status(msgspec.Struct, gc=False):
    status: Literal["SUBSCRIBED", "NOT_SUBSCRIBED", "NOT_SPECIFIED"]
    channel: str | int | None = None
    subscriptionId: str | int | None = None  # HubSpot's key names
    subscriptionName: str | int | None = None
    timestamp: str | None = None
    legalBasis: str | int | None = None


class _Wide(msgspec.Struct, gc=False):
    channel: str | int | None = None
    status: str | int | None = None
    timestamp: str | None = None
    wideStatusType: str | int | None = None


class _Line(msgspec.Struct, gc=False):
    recordId: str | int | None = None
    subscriberIdString: str | int | None = None
    results: list[_Status] | None = None
    wideStatuses: list[_Wide] | None = None


_DECODER = msgspec.json.Decoder(_Line)

# the slots of ListStatus, set directly (``tests/audit/test_subs.py`` proves the statuses
# equal the plain reader's, which builds them with ``ListStatus(...)``)
_new = object.__new__
_set_sub, _set_status, _set_at, _set_basis, _set_name, _set_marketing = (
    getattr(ListStatus, f.name).__set__ for f in dataclasses.fields(ListStatus))
assert [f.name for f in dataclasses.fields(ListStatus)] == [
    "subscription", "status", "at", "legal_basis", "name", "marketing"]


def _text(v: str | int | None) -> str | None:
    # ``_logs._sub_text`` on a value msgspec has already typed
    if v is None:
        return None
    if isinstance(v, str):
        return v.strip() or None
    return str(v)


def _other_channel(channel: str | int) -> bool:
    """``_logs._email_channel``, negated, of a value msgspec has typed: a channel that is
    given and is not ``EMAIL`` (any case). Called only past the usual ``"EMAIL"``."""
    text = _text(channel)
    return text is not None and text.upper() != "EMAIL"


def facts_of(s: SubscriptionRecord, mapping: PortalMapping) -> SubscriptionFacts:
    """The facts of one plain record: every list's status, and the earliest unsubscribe-all."""
    lists = tuple(ListStatus(x.subscription_id, x.status, x.timestamp,  # type: ignore[arg-type]
                             x.legal_basis, x.name,
                             mapping.is_marketing_subscription(x.subscription_id, x.name))
                  for x in s.statuses)
    wide = [w.timestamp for w in s.wide if w.status == "NOT_SUBSCRIBED" and w.timestamp is not None]
    return SubscriptionFacts(s.record_id, s.subscriber, lists, min(wide) if wide else None,
                             any(x.status == "NOT_SUBSCRIBED" for x in lists),
                             tuple((x.subscription, x.name, x.status, x.legal_basis, x.at is None,
                                    x.marketing) for x in lists), s.line)


def _plain(line: str, source: str, no: int, mapping: PortalMapping) -> SubscriptionFacts:
    return facts_of(_subscription(_loads(line, source, no), source, no), mapping)


class _Reader:
    def __init__(self, mapping: PortalMapping) -> None:
        self.mapping = mapping
        self.marketing = frozenset(mapping.marketing_subscriptions)
        self.timeless: dict[tuple[str, str, str | None, str | None],
                            tuple[ListStatus, tuple[object, ...]]] = {}
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

    def facts(self, rec: _Line, line: int | None = None) -> SubscriptionFacts | None:
        """The facts of one typed line; ``None`` when the plain reader must judge it."""
        # ``_text`` and ``instant`` are written out inline below: this runs for every
        # status of every subscriber, and the calls cost more than the work
        rid = _text(rec.recordId)
        sub = norm_email(_text(rec.subscriberIdString))
        if rid is None and sub is None:
            return None
        is_marketing = self.marketing
        times = self.times
        timeless = self.timeless
        lists: list[ListStatus] = []
        shape: list[tuple[object, ...]] = []
        said_no = False
        for r in rec.results or ():
            ch = r.channel
            if ch is not None and ch != "EMAIL" and _other_channel(ch):
                continue  # a WhatsApp status says nothing about e-mail
            sid = r.subscriptionId
            if type(sid) is str:
                sid = sid.strip()
                if not sid:
                    return None
            elif sid is None:
                return None
            else:
                sid = str(sid)
            status = r.status
            text = r.timestamp
            at: dt.datetime | Literal[False] | None = None
            if text:
                at = times.get(text)
                if at is None:
                    at = self.instant(text)
                elif at is _BAD:
                    return None
                if at is False:
                    return None
            elif status == "NOT_SUBSCRIBED":
                return None
            if status == "NOT_SUBSCRIBED":
                said_no = True
            name = r.subscriptionName
            if name is not None:
                name = (name.strip() or None) if type(name) is str else str(name)
            basis = r.legalBasis
            if basis is not None:
                basis = (basis.strip() or None) if type(basis) is str else str(basis)
            if at is None:
                # statuses without a time (NOT_SPECIFIED, mostly) repeat across subscribers
                shared = (sid, status, basis, name)
                got = timeless.get(shared)
                if got is None:
                    if len(timeless) > _CACHE_MAX:
                        timeless.clear()
                    mk = sid in is_marketing or (name is not None and name in is_marketing)
                    got = timeless[shared] = (ListStatus(sid, status, None, basis, name, mk),
                                              (sid, name, status, basis, True, mk))
                lists.append(got[0])
                shape.append(got[1])
                continue
            # ListStatus(sid, status, at, basis, name, marketing), less the frozen
            # __init__'s per-field object.__setattr__ calls (a third of this loop)
            ls = _new(ListStatus)
            _set_sub(ls, sid)
            _set_status(ls, status)
            _set_at(ls, at)
            _set_basis(ls, basis)
            _set_name(ls, name)
            mk = sid in is_marketing or (name is not None and name in is_marketing)
            _set_marketing(ls, mk)
            lists.append(ls)
            shape.append((sid, name, status, basis, False, mk))
        unsub: dt.datetime | None = None
        for w in rec.wideStatuses or ():
            ch = w.channel
            if ch is not None and ch != "EMAIL" and _other_channel(ch):
                continue
            st = _text(w.status)
            wat = self.instant(w.timestamp)
            if wat is False or st is None or (st == "NOT_SUBSCRIBED" and wat is None):
                return None
            if st == "NOT_SUBSCRIBED" and wat is not None and (unsub is None or wat < unsub):
                unsub = wat
        return SubscriptionFacts(rid, sub, tuple(lists), unsub, said_no, tuple(shape), line)


def scan_subscriptions(lines: Iterable[str], *, source: str,
                       mapping: PortalMapping) -> Iterator[SubscriptionFacts | RecordError]:
    """Yield the facts of each subscriber line, or the :class:`RecordError` that rejects it."""
    reader = _Reader(mapping)
    decode = _DECODER.decode
    for no, line in _lines(lines):
        try:
            facts = reader.facts(decode(line), no)
        except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
            facts = None
        if facts is not None:
            yield facts
            continue
        try:
            yield _plain(line, source, no, mapping)
        except RecordError as err:
            yield err
