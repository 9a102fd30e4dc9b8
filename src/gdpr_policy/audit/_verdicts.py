"""The marketing decision in bulk: per contact and list, the instants from which a send breaks a rule.

:func:`gdpr_policy.marketing.may_send_marketing` answers for one send. The
audit judges millions, so it asks the same question once per contact and list
instead, and gets back *thresholds*: a marketing send under list X at instant
``t`` is

- ``marketing.after-opt-out`` when ``t >= opt_out`` (the effective opt-out),
- else ``marketing.no-basis`` when ``lo <= t < hi`` (the one window in which no
  consent covers it: the complement of a union of intervals ``[s, inf)`` and
  ``(-inf, e)`` is one interval), with ``hi`` capped at the opt-out,

and, per contact, ``retention.deactivated-marketed`` from the deactivation and
``restriction.processed`` (any send that is not transactional) from the
restriction. The send log is then folded with C-level comparisons of ISO 8601
text (``_engine``). ``tests/audit/test_verdicts.py`` proves with hypothesis
that :func:`slot_plan` says what :func:`may_send_marketing` says, send by send.

Thresholds are kept as UTC text of 27 characters (``...SS.ffffffZ``), rounded
up to the millisecond, so that a send logged with milliseconds compares
correctly against them; the few thresholds with sub-millisecond digits are
kept exactly too, for a batch of sends logged with microseconds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from ..marketing import ListStatus, Recipient, effective_opt_out

__all__ = ["ALWAYS", "NEVER", "Tables", "Window", "slot_plan", "threshold_text"]

UTC = dt.UTC
NEVER = "\uffff"  # a threshold no send reaches
ALWAYS = ""  # a threshold every send reaches

#: a no-basis window ``[lo, hi)``; ``None`` ends are unbounded
Window = tuple[dt.datetime | None, dt.datetime | None]


def _window_of_own(own: ListStatus | None, bases: Collection[str]) -> Window | None:
    if own is None or own.legal_basis not in bases or own.status == "NOT_SPECIFIED":
        return (None, None)
    if own.status == "SUBSCRIBED":
        return None if own.at is None else (None, own.at)
    return None if own.at is None else (own.at, None)


def _window_of_marketing(lists: Sequence[ListStatus], bases: Collection[str]) -> Window | None:
    ends: list[dt.datetime] = []
    starts: list[dt.datetime] = []
    for s in lists:
        if not s.marketing or s.legal_basis not in bases:
            continue
        if s.status == "SUBSCRIBED":
            if s.at is None:
                return None  # consent without a date covers every send
            starts.append(s.at)
        elif s.status == "NOT_SUBSCRIBED" and s.at is not None:
            ends.append(s.at)
    lo = max(ends) if ends else None
    hi = min(starts) if starts else None
    if lo is not None and hi is not None and lo >= hi:
        return None
    return (lo, hi)


def slot_plan(
    rec: Recipient,
    subs: Sequence[str],
    *,
    marketing_lists: Collection[str],
    consent_bases: Collection[str],
    exception: bool,
    marketing_subs: Collection[str] = (),
) -> list[tuple[dt.datetime | None, Window | None]]:
    """For each list in ``subs``: the effective opt-out (``None``: never) and the no-basis window.

    ``exception`` is whether the existing-customer exception applies to this
    person (the policy enables it and the snapshot records its conditions):
    then no send lacks a basis. ``marketing_subs`` are further lists that are
    marketing lists although no person need have a status on them (the
    audit's stand-in for "a marketing list no campaign names").
    """
    said_no = rec.unsubscribed_all_at is not None or rec.objection is not None or any(
        s.status == "NOT_SUBSCRIBED" for s in rec.lists)
    by_name: dict[str, ListStatus] = {}
    for s in rec.lists:
        for n in s.names():
            by_name.setdefault(n, s)
    mk_window: Window | bool | None = False  # computed when first needed
    out: list[tuple[dt.datetime | None, Window | None]] = []
    for sub in subs:
        own = by_name.get(sub)
        is_marketing = (own is not None and own.marketing) or sub in marketing_lists or (
            sub in marketing_subs)
        opt = effective_opt_out(rec, sub, marketing_lists=marketing_lists,
                                marketing=is_marketing) if said_no else None
        o = opt.since if opt is not None else None
        if exception:
            out.append((o, None))
            continue
        win: Window | None
        if is_marketing:
            win = _window_of_own(own, consent_bases)
        else:
            if mk_window is False:
                mk_window = _window_of_marketing(rec.lists, consent_bases)
            win = mk_window  # type: ignore[assignment]
        if win is not None and o is not None:
            lo, hi = win
            hi = o if hi is None or o < hi else hi
            win = None if lo is not None and lo >= hi else (lo, hi)
        out.append((o, win))
    return out


def threshold_text(t: dt.datetime) -> tuple[str, str | None]:
    """An instant as threshold text rounded up to the millisecond, and the exact text if that differs."""
    t = t.astimezone(UTC)
    exact = t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if not t.microsecond % 1000:
        return exact, None
    try:
        up = t + dt.timedelta(microseconds=1000 - t.microsecond % 1000)
    except OverflowError:
        return NEVER, exact
    return up.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), exact


@dataclass(slots=True)
class Tables:
    """The thresholds of every watched contact (key ``k``) and list (index ``j``): slot ``k*m + j``.

    ``o``, ``lo``, ``hi``: opt-out and no-basis window per slot; ``d``, ``r``:
    deactivation and restriction per key. ``exc`` holds the thresholds of
    lists that have no index (a send whose campaign is not listed, under a list
    the contact has a status on): ``(key, list id) -> (o, lo, hi)``.
    """

    m: int
    o: list[str]
    lo: list[str]
    hi: list[str]
    d: list[str]
    r: list[str]
    exact: dict[tuple[str, int], str]
    exc: dict[tuple[int, str], tuple[str, str, str]]
    fine_cache: dict[str, list[str]] | None = None

    @classmethod
    def empty(cls, n: int, m: int) -> Tables:
        """Tables for keys ``1..n`` and ``m`` lists where nothing is ever a breach."""
        size = (n + 1) * m
        return cls(m, [NEVER] * size, [NEVER] * size, [NEVER] * size, [NEVER] * (n + 1),
                   [NEVER] * (n + 1), {}, {})

    def put(self, table: str, i: int, t: dt.datetime | None, unbounded: str = NEVER) -> None:
        """Set one threshold (``None``: ``unbounded``)."""
        if t is None:
            getattr(self, table)[i] = unbounded
            return
        text, exact = threshold_text(t)
        getattr(self, table)[i] = text
        if exact is not None:
            self.exact[(table, i)] = exact

    def texts(self, o: dt.datetime | None, win: Window | None) -> tuple[str, str, str]:
        """One slot's thresholds as text (for :attr:`exc`; rounded like the tables)."""
        ot = NEVER if o is None else threshold_text(o)[0]
        if win is None:
            return ot, NEVER, NEVER
        lo = ALWAYS if win[0] is None else threshold_text(win[0])[0]
        hi = NEVER if win[1] is None else threshold_text(win[1])[0]
        return ot, lo, hi

    def table(self, name: str, fine: bool) -> list[str]:
        """A table for sends logged with milliseconds, or (``fine``) with microseconds."""
        base: list[str] = getattr(self, name)
        if not fine or not self.exact:
            return base
        if self.fine_cache is None:
            self.fine_cache = {}
        got = self.fine_cache.get(name)
        if got is None:
            got = list(base)
            for (tname, i), text in self.exact.items():
                if tname == name:
                    got[i] = text
            self.fine_cache[name] = got
        return got
