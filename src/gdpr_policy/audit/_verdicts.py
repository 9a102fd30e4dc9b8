"""The marketing decision in bulk: per contact and list, the instants from which a send breaks a rule.

:func:`gdpr_policy.marketing.may_send_marketing` answers for one send. The
audit judges millions, so it asks the same question once per contact and list
instead, and gets back *thresholds*: a marketing send under list X at instant
``t`` is

- ``marketing.after-opt-out`` when ``t >= opt_out`` (the effective opt-out),
- else ``marketing.no-basis`` when ``lo <= t < hi`` (the one window in which no
  consent covers it: the complement of a union of intervals ``[s, inf)`` and
  ``(-inf, e)`` is one interval), with ``hi`` capped at the opt-out,

and, per contact, ``retention.deactivated-marketed`` from the deactivation,
``restriction.processed`` (any send that is not transactional) from the
restriction, and ``marketing.after-untimed-opt-out`` from an opt-out the
export shows without a time (a threshold before every send; only when no
subscription statuses were given). The send log is then folded with C-level comparisons of ISO 8601
text (``_engine``). ``tests/test_marketing.py`` proves with hypothesis
that :func:`slot_plan` says what :func:`may_send_marketing` says, send by send.
As there, each list counts by its latest status
(:func:`~gdpr_policy.marketing.latest_statuses`), and instants are compared
in UTC (the audit reads them so; the planner converts any other).

Thresholds are kept as UTC text of 27 characters (``...SS.ffffffZ``), rounded
up to the millisecond, so that a send logged with milliseconds compares
correctly against them; the few thresholds with sub-millisecond digits are
kept exactly too, for a batch of sends logged with microseconds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence

from ..marketing import (
    ListStatus,
    Recipient,
    _effective_opt_out,
    _marked,
    _utc,
    latest_statuses,
)

__all__ = ["ALWAYS", "DEACTIVATED", "NEVER", "NO_BASIS", "OPTED_OUT", "RESTRICTED", "UNTIMED",
           "Tables",
           "Window", "forget", "quiet_plan", "quiet_template", "slot_plan", "threshold_text"]

UTC = dt.UTC
NEVER = "\uffff"  # a threshold no send reaches
ALWAYS = ""  # a threshold every send reaches

#: the bits of :attr:`Tables.flags`, and (with :data:`NO_BASIS`) of a verdict code
RESTRICTED, DEACTIVATED, UNTIMED, OPTED_OUT, NO_BASIS = 1, 2, 4, 8, 16
#: the operations of a threshold event on a verdict code (``op``: list index * 4 + kind,
#: or a negative kind for a contact's own thresholds, which apply on every list)
_SET_OPT, _SET_NB, _CLR_NB = 0, 1, 2
_EV_DEACTIVATED, _EV_RESTRICTED = -1, -2

#: a no-basis window ``[lo, hi)``; ``None`` ends are unbounded
Window = tuple[dt.datetime | None, dt.datetime | None]


def _window_of_own(own: ListStatus | None, bases: Collection[str]) -> Window | None:
    if own is None or own.legal_basis not in bases or own.status == "NOT_SPECIFIED":
        return (None, None)
    if own.status == "SUBSCRIBED":
        return None if own.at is None else (None, own.at)
    return None if own.at is None else (own.at, None)


def _window_of_marketing(lists: Sequence[ListStatus], bases: Collection[str],
                         several: bool = True) -> Window | None:
    # ``several``: whether a list may have several statuses (each then counts by its
    # latest); the quiet planner's template knows when none has, and skips the look
    ends: list[dt.datetime] = []
    starts: list[dt.datetime] = []
    for s in latest_statuses(lists) if several else lists:
        if not s.marketing or s.legal_basis not in bases:
            continue
        at = s.at
        if s.status == "SUBSCRIBED":
            if at is None:
                return None  # consent without a date covers every send
            starts.append(at if at.tzinfo is UTC else at.astimezone(UTC))  # _utc, inline
        elif s.status == "NOT_SUBSCRIBED" and at is not None:
            ends.append(at if at.tzinfo is UTC else at.astimezone(UTC))
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
    lists = rec.lists
    if rec.unsubscribed_all_at is None and rec.objection is None and not any(
            s.status == "NOT_SUBSCRIBED" for s in lists):
        return quiet_plan(_marked(lists, marketing_lists), subs, marketing_lists, marketing_subs,
                          consent_bases, exception)
    current = _marked(latest_statuses(lists), marketing_lists)  # once a person, not a list
    by_name = _by_name(current)
    mk_window: Window | bool | None = False  # computed when first needed
    out: list[tuple[dt.datetime | None, Window | None]] = []
    for sub in subs:
        own = by_name.get(sub)
        is_marketing = (own is not None and own.marketing) or sub in marketing_lists or (
            sub in marketing_subs)
        opt = _effective_opt_out(rec, current, sub, marketing_lists, is_marketing)
        o = opt.since if opt is not None else None
        if exception:
            out.append((o, None))
            continue
        win: Window | None
        if is_marketing:
            win = _window_of_own(own, consent_bases)
        else:
            if mk_window is False:
                mk_window = _window_of_marketing(current, consent_bases, several=False)
            win = mk_window  # type: ignore[assignment]
        if win is not None and o is not None:
            lo, hi = win
            hi = o if hi is None or _utc(o) < _utc(hi) else hi
            win = None if lo is not None and _utc(lo) >= _utc(hi) else (lo, hi)
        out.append((o, win))
    return out


def _by_name(lists: Sequence[ListStatus]) -> dict[str, ListStatus]:
    # marketing._own for every name at once, of ``lists`` that are latest_statuses
    by_name: dict[str, ListStatus] = {}
    for s in lists:
        by_name.setdefault(s.subscription, s)
        if s.name is not None:
            by_name.setdefault(s.name, s)
    return by_name


#: quiet_plan's templates by the shape of a person's statuses (a few dozen in a portal)
_TEMPLATES: dict[tuple[object, ...], tuple[int, ...]] = {}
_EMPTY, _ALL, _MK = -1, -2, -3
#: the marketing lists' window, where some list has several statuses
_MK_LATEST = -5
#: cached in place of a template: the shape has a list with several statuses, so the
#: statuses' times (not the shape) say which is in force
_BY_TIMES: tuple[int, ...] = (-4,)


def quiet_plan(
    lists: Sequence[ListStatus],
    subs: Sequence[str],
    marketing_lists: Collection[str],
    marketing_subs: Collection[str],
    consent_bases: Collection[str],
    exception: bool,
) -> list[tuple[dt.datetime | None, Window | None]]:
    """:func:`slot_plan` of a person who never said no (no opt-out anywhere): windows only.

    Which window each list gets depends only on the *shape* of the statuses
    (lists, status, whether the basis is consent, whether a time is known),
    never on the times themselves, unless a list has several statuses (then
    their times say which is in force): the shape's template is worked out
    once and filled with each person's times.
    """
    if exception:
        return [(None, None)] * len(subs)
    template = quiet_template(lists, subs, marketing_lists, marketing_subs, consent_bases)
    mk: Window | bool | None = False
    out: list[tuple[dt.datetime | None, Window | None]] = []
    append = out.append
    for code in template:
        if code >= 0:
            append((None, (None, lists[code].at)))
        elif code == _ALL:
            append((None, (None, None)))
        elif code == _EMPTY:
            append((None, None))
        else:
            if mk is False:
                mk = _window_of_marketing(lists, consent_bases, code == _MK_LATEST)
            append((None, mk))  # type: ignore[arg-type]
    return out


def quiet_template(lists: Sequence[ListStatus], subs: Sequence[str],
                   marketing_lists: Collection[str], marketing_subs: Collection[str],
                   consent_bases: Collection[str],
                   shape: tuple[tuple[object, ...], ...] | None = None) -> tuple[int, ...]:
    """The template of :func:`quiet_plan` for these statuses' shape, per list: the index of
    the status whose time ends the window, or ``-1`` (no window), ``-2`` (no consent at all),
    ``-3`` (the marketing lists' window), ``-5`` (the same, where a list has several statuses).

    ``shape`` is the statuses' shape when the reader has worked it out (see
    :class:`~gdpr_policy.audit._subs.SubscriptionFacts`); it must equal the one
    worked out here from ``lists``. A shape with several statuses on one list
    is not enough to know the template (which status is in force depends on
    their times): it is cached as such, and such a person's template worked
    out each time.
    """
    if shape is None:
        shape = tuple((x.subscription, x.name, x.status, x.legal_basis, x.at is None,
                       x.marketing) for x in lists)
    key = (tuple(subs), _frozen(marketing_lists), _frozen(marketing_subs), _frozen(consent_bases),
           shape)
    template = _TEMPLATES.get(key)
    if template is _BY_TIMES:
        return _template(lists, subs, marketing_lists, marketing_subs, consent_bases)[0]
    if template is None:
        template, by_times = _template(lists, subs, marketing_lists, marketing_subs,
                                       consent_bases)
        if len(_TEMPLATES) > 4096:
            _TEMPLATES.clear()
        _TEMPLATES[key] = _BY_TIMES if by_times else template
    return template


def forget() -> None:
    """Drop the caches of threshold texts and templates (the planning is over)."""
    _TEXTS.clear()
    _TEMPLATES.clear()


def _frozen(values: Collection[str]) -> frozenset[str]:
    return values if isinstance(values, frozenset) else frozenset(values)


def _template(lists: Sequence[ListStatus], subs: Sequence[str], marketing_lists: Collection[str],
              marketing_subs: Collection[str], consent_bases: Collection[str],
              ) -> tuple[tuple[int, ...], bool]:
    # the template, and whether it depends on the times (a list with several statuses);
    # the indices are into ``lists``, of each list's latest status
    current = latest_statuses(lists)
    several = current is not lists
    by_name = _by_name(current)
    index = {id(x): i for i, x in enumerate(lists)}
    codes: list[int] = []
    for sub in subs:
        own = by_name.get(sub)
        if (own is not None and own.marketing) or sub in marketing_lists or sub in marketing_subs:
            win = _window_of_own(own, consent_bases)
            if win is None:
                codes.append(_EMPTY)
            elif win == (None, None):
                codes.append(_ALL)
            else:  # (None, own.at): consent from the status's time (a quiet person's is SUBSCRIBED)
                assert own is not None
                codes.append(index[id(own)])
        else:
            codes.append(_MK_LATEST if several else _MK)
    return tuple(codes), several


_TEXTS: dict[dt.datetime, tuple[str, str | None]] = {}


def _iso27(t: dt.datetime) -> str:
    # ``isoformat`` of a UTC instant is several times faster than ``strftime``
    return t.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def threshold_text(t: dt.datetime) -> tuple[str, str | None]:
    """An instant as threshold text rounded up to the millisecond, and the exact text if that differs."""
    # keyed in UTC: two date-times of one zone that differ only in fold are equal keys
    if t.tzinfo is not UTC:
        t = t.astimezone(UTC)
    got = _TEXTS.get(t)
    if got is not None:
        return got
    u = t
    exact = _iso27(u)
    if not u.microsecond % 1000:
        got = (exact, None)
    else:
        try:
            got = (_iso27(u + dt.timedelta(microseconds=1000 - u.microsecond % 1000)), exact)
        except OverflowError:
            got = (NEVER, exact)
    if len(_TEXTS) > 1 << 16:
        _TEXTS.clear()
    _TEXTS[t] = got
    return got


class Tables:
    """The thresholds of every contact (key ``k``) on every list (index ``j``), as text.

    ``o[j][k]``: the effective opt-out; ``lo[j][k]``, ``hi[j][k]``: the no-basis
    window; ``d[k]``, ``r[k]``: deactivation and restriction; ``u[k]``: an
    opt-out with no time (:data:`ALWAYS` or :data:`NEVER`).
    ``exc`` holds the thresholds of lists no campaign names, for a contact
    with a status on one: ``(key, list id) -> (o, lo, hi)``.

    ``code[j][k]`` is the verdict on a marketing send under list ``j`` at the
    instant :attr:`now` (bits :data:`NO_BASIS`, :data:`OPTED_OUT`,
    :data:`DEACTIVATED`, :data:`RESTRICTED`, :data:`UNTIMED`): each finite
    threshold is an event that sets or clears one bit when time passes it, so
    a log read in time order is judged with one look-up per send
    (:meth:`advance`); the thresholds above decide for the sends a log does
    not show in time order.
    """

    __slots__ = ("any_d", "any_r", "any_u", "code", "d", "events", "exact", "exc", "exc_fine",
                 "fine_cache", "flags", "hi", "lo", "m", "now", "o", "order", "pos", "r", "u")

    def __init__(self, n: int, m: int) -> None:
        self.m = m
        self.o = [[NEVER] * (n + 1) for _ in range(m)]
        self.lo = [[NEVER] * (n + 1) for _ in range(m)]
        self.hi = [[NEVER] * (n + 1) for _ in range(m)]
        self.d = [NEVER] * (n + 1)
        self.r = [NEVER] * (n + 1)
        self.u = [NEVER] * (n + 1)
        self.any_d = self.any_r = self.any_u = False
        #: by key, which thresholds the contact has beyond the windows (:data:`RESTRICTED`,
        #: :data:`DEACTIVATED`, :data:`UNTIMED`, :data:`OPTED_OUT` or'ed): one list look-up
        #: per send tells which tables a batch needs (a set per kind took one hash each)
        self.flags: list[int] = [0] * (n + 1)
        #: exact texts of thresholds with sub-millisecond digits: (table, j, key) -> text
        self.exact: dict[tuple[str, int, int], str] = {}
        self.exc: dict[tuple[int, str], tuple[str, str, str]] = {}
        #: the exact texts of :attr:`exc`'s thresholds where one has sub-millisecond digits
        #: (for sends logged with microseconds), as :attr:`exact` is for the tables
        self.exc_fine: dict[tuple[int, str], tuple[str, str, str]] = {}
        self.fine_cache: dict[tuple[str, int], list[str]] = {}
        self.code = [[0] * (n + 1) for _ in range(m)]
        #: op -> threshold text -> the keys whose code changes when time reaches the text
        self.events: dict[int, dict[str, list[int]]] = {
            op: {} for op in (*range(4 * m), _EV_DEACTIVATED, _EV_RESTRICTED)}
        #: the events in time order (sorted when the log is first judged), and how many
        #: of them the codes have passed: the codes hold for sends at ``now`` up to the next
        self.order: list[tuple[str, int]] | None = None
        self.pos = 0
        self.now = ALWAYS

    def _event(self, text: str, op: int, k: int) -> None:
        if text == NEVER:
            return
        by_text = self.events[op]
        got = by_text.get(text)
        if got is None:
            by_text[text] = [k]
        else:
            got.append(k)

    def release(self) -> None:
        """Drop the per-contact tables (the send log is judged); :attr:`exc` stays."""
        self.o = self.lo = self.hi = []
        self.d = self.r = self.u = []
        self.flags = []
        self.fine_cache = {}
        self.code = []
        self.events = {}
        self.order = None

    def _text(self, table: str, j: int, k: int, t: dt.datetime) -> str:
        text, exact = threshold_text(t)
        if exact is not None:
            self.exact[(table, j, k)] = exact
        return text

    def set_contact(self, k: int, deactivated: dt.datetime | None,
                    restricted: dt.datetime | None) -> None:
        """Set a contact's deactivation and restriction (``None``: never)."""
        if deactivated is not None:
            self.d[k] = self._text("d", 0, k, deactivated)
            self.any_d = True
            self.flags[k] |= DEACTIVATED
            self._event(self.d[k], _EV_DEACTIVATED, k)
        if restricted is not None:
            self.r[k] = self._text("r", 0, k, restricted)
            self.any_r = True
            self.flags[k] |= RESTRICTED
            self._event(self.r[k], _EV_RESTRICTED, k)

    def set_untimed(self, k: int) -> None:
        """Mark a contact opted out at an unknown time: every marketing send reaches it.

        After :meth:`set_contact`.
        """
        self.u[k] = ALWAYS
        self.any_u = True
        self.flags[k] |= UNTIMED
        for code in self.code:
            code[k] |= UNTIMED

    def set_plan(self, k: int, plan: list[tuple[dt.datetime | None, Window | None]]) -> bool:
        """Set one contact's thresholds on every list, in list order (after :meth:`set_contact`).

        Returns whether any send can break a rule. A send logged before the
        record was created is judged like any other (issue 14): the log says
        it went out before the consent the record shows, and leaving such
        sends out made the verdict depend on the other sends read in the
        same batch.
        """
        dr = min(self.d[k], self.r[k])
        text = self._text
        reachable = dr != NEVER
        for j, (o, win) in enumerate(plan):
            if o is None and win is None:
                continue  # as initialised
            ot = NEVER if o is None else text("o", j, k, o)
            if o is not None:
                self.o[j][k] = ot
                self.flags[k] |= OPTED_OUT
                self._event(ot, j * 4 + _SET_OPT, k)
            first = ot if ot < dr else dr
            if win is not None:
                lo = ALWAYS if win[0] is None else text("lo", j, k, win[0])
                hi = NEVER if win[1] is None else text("hi", j, k, win[1])
                self.lo[j][k], self.hi[j][k] = lo, hi
                self._window(j, k, lo, hi)
                if lo == ALWAYS:
                    reachable = True
                elif lo < first:
                    first = lo
            reachable = reachable or first != NEVER
        return reachable

    def set_quiet(self, k: int, template: tuple[int, ...], lists: Sequence[ListStatus],
                  consent_bases: Collection[str]) -> bool:
        """:meth:`set_plan` of :func:`quiet_plan`, written straight from its template.

        A quiet person's windows are all open to the past (no list was ever
        switched off), so only ``lo``, ``hi`` and ``b`` change.
        """
        reachable = self.d[k] != NEVER or self.r[k] != NEVER
        mk: Window | bool | None = False
        # a person's lists mostly share one time: its text is looked up once
        last: dt.datetime | None = None
        hi, exact = NEVER, None
        clear = self.events
        for j, code in enumerate(template):
            if code == _EMPTY:
                continue
            end: dt.datetime | None
            if code == _ALL:
                end = None
            elif code >= 0:
                end = lists[code].at
            else:
                if mk is False:
                    mk = _window_of_marketing(lists, consent_bases, code == _MK_LATEST)
                if mk is None:
                    continue
                end = mk[1]  # type: ignore[index]
            if end is None:
                hi, exact = NEVER, None
            elif end is not last:
                hi, exact = threshold_text(end)
            last = end
            self.lo[j][k] = ALWAYS
            self.hi[j][k] = hi
            self.code[j][k] |= NO_BASIS
            if exact is not None:
                self.exact[("hi", j, k)] = exact
            if hi != NEVER:
                by_text = clear[j * 4 + _CLR_NB]
                got = by_text.get(hi)
                if got is None:
                    by_text[hi] = [k]
                else:
                    got.append(k)
            reachable = True
        return reachable

    def _window(self, j: int, k: int, lo: str, hi: str) -> None:
        # the no-basis window [lo, hi) as events: open from the start when lo is ALWAYS
        if lo == ALWAYS:
            self.code[j][k] |= NO_BASIS
        else:
            self._event(lo, j * 4 + _SET_NB, k)
        if hi != NEVER:
            self._event(hi, j * 4 + _CLR_NB, k)

    def set_slot(self, k: int, j: int, o: dt.datetime | None, win: Window | None) -> None:
        """Set one contact's thresholds on list ``j`` (after :meth:`set_contact`)."""
        ot = NEVER if o is None else self._text("o", j, k, o)
        self.o[j][k] = ot
        if o is not None:
            self.flags[k] |= OPTED_OUT
            self._event(ot, j * 4 + _SET_OPT, k)
        if win is not None:
            lo = ALWAYS if win[0] is None else self._text("lo", j, k, win[0])
            hi = NEVER if win[1] is None else self._text("hi", j, k, win[1])
            self.lo[j][k], self.hi[j][k] = lo, hi
            self._window(j, k, lo, hi)

    def advance(self, t0: str, t1: str, keys: list[int]) -> bool:
        """Move the codes to instant ``t0`` for sends at ``t0`` .. ``t1`` (log text, in order)
        to ``keys``; whether the codes then hold for all of them.

        They do not when the log went back in time (the codes only move forward), or
        when one of these contacts has a threshold within ``(t0, t1]``; the caller
        then judges the sends against the thresholds themselves.
        """
        if t0 < self.now:
            return False
        order = self.order
        if order is None:
            order = self.order = sorted(
                (x, op) for op, by_text in self.events.items() for x in by_text)
        pos, end = self.pos, len(order)
        if pos < end and order[pos][0] <= t0:
            code, events = self.code, self.events
            while pos < end:
                x, op = order[pos]
                if x > t0:
                    break
                ks = events[op].pop(x)  # the codes never move back: done with
                if op >= 0:
                    c = code[op >> 2]
                    kind = op & 3
                    if kind == _CLR_NB:
                        for k in ks:
                            c[k] &= ~NO_BASIS
                    else:
                        bit = OPTED_OUT if kind == _SET_OPT else NO_BASIS
                        for k in ks:
                            c[k] |= bit
                else:
                    bit = DEACTIVATED if op == _EV_DEACTIVATED else RESTRICTED
                    for c in code:
                        for k in ks:
                            c[k] |= bit
                pos += 1
            self.pos = pos
        self.now = t0
        if t1 == t0 or pos == end or order[pos][0] > t1:
            return True
        within: set[int] = set()
        while pos < end and order[pos][0] <= t1:
            x, op = order[pos]
            within.update(self.events[op][x])
            pos += 1
        return within.isdisjoint(keys)

    def set_exc(self, k: int, names: Sequence[str], o: dt.datetime | None,
                win: Window | None) -> None:
        """One contact's thresholds on a list no campaign names, under each of its names."""
        texts = [(NEVER, None) if o is None else threshold_text(o),
                 (NEVER, None) if win is None else
                 (ALWAYS, None) if win[0] is None else threshold_text(win[0]),
                 (NEVER, None) if win is None or win[1] is None else threshold_text(win[1])]
        rounded = (texts[0][0], texts[1][0], texts[2][0])
        exact = None
        if any(e is not None for _, e in texts):
            exact = tuple(r if e is None else e for r, e in texts)
        for name in names:
            self.exc[(k, name)] = rounded
            if exact is not None:
                self.exc_fine[(k, name)] = exact  # type: ignore[assignment]

    def table(self, name: str, j: int, fine: bool) -> list[str]:
        """Table ``name`` of list ``j`` for sends logged with milliseconds, or (``fine``)
        with microseconds (then the exact texts replace the rounded ones)."""
        base: list[str] = getattr(self, name) if name in ("d", "r", "u") else getattr(self, name)[j]
        if not fine or not self.exact:
            return base
        key = (name, j)
        got = self.fine_cache.get(key)
        if got is None:
            got = list(base)
            for (tname, tj, k), text in self.exact.items():
                if tname == name and (tj == j or name in ("d", "r", "u")):
                    got[k] = text
            self.fine_cache[key] = got
        return got
