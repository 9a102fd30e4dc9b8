"""The Python fold of the send log: every contact's thresholds planned, then each send judged.

``plan_all`` reads the subscription statuses and puts, per live contact and
list, the instants from which a send breaks a rule into the verdict tables
(``_verdicts``); ``stream_sends`` streams the send log through the
:class:`Channels` (in forked worker processes for a large log), which route
each send to its contact and fold the hits into per-contact tallies
(:class:`Hits`); ``Channels.settle`` hands them to the contacts' facts, which
the rules judge. The columnar engine (``_columnar``) replaces
``stream_sends`` and fills the same tallies.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import sys
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from itertools import compress, groupby, islice, repeat
from operator import and_, ge, le, lt, not_
from typing import TYPE_CHECKING, Any

from .._errors import RecordError, UsageError
from ..marketing import (
    CONSENT_BASES,
    ListStatus,
    Objection,
    Recipient,
    basis_clause,
    effective_opt_out,
    is_role_address,
)
from ..report._model import Rejection
from . import rules as R
from ._coverage import FileCoverage
from ._inputs import SnapshotInput, Tally
from ._mapping import PortalMapping
from ._sends import SendBatch, scan_range, scan_sends, split_sends
from ._subs import SubscriptionFacts, scan_subscriptions
from ._values import parse_instant
from ._verdicts import (
    DEACTIVATED,
    NO_BASIS,
    OPTED_OUT,
    RESTRICTED,
    UNTIMED,
    Tables,
    forget,
    quiet_template,
    slot_plan,
)

if TYPE_CHECKING:
    from .._policy import PolicyVersion

__all__ = ["Channels", "Hits", "plan_all", "stream_sends"]

#: the lists of slots 0 and 1: a list no campaign names, and such a marketing list
_OTHER_LISTS = ("\x00other", "\x00other-marketing")
# Below these sizes a forked process costs more than it saves (tests lower them).
_MIN_PART = 4 << 20  # bytes of send log per process


def plan_all(
    facts: list[R.ContactFacts],
    subscriptions: SnapshotInput | None,
    mapping: PortalMapping,
    objections: dict[str, Objection],
    plan_subs: list[str],
    subs_index: dict[str | None, int],
    marketing_lists: frozenset[str],
    exception_enabled: bool,
    policy: PolicyVersion,
    find: Callable[[str | None, str | None], int | None],
    cov: FileCoverage | None = None,
) -> tuple[Tally | None, Channels, dict[int, Recipient]]:
    """Read the subscription statuses and put every live contact's thresholds in the tables.

    Returns the statuses' tally (``None`` when not given), the channels that
    judge the send log, and the facts of the contacts who said no somewhere
    (for the evidence of the opt-out rule). A contact's key is its index + 1.
    Without statuses, a contact whose export (``cov``) shows an opt-out with no
    time gets a threshold before every send (``marketing.after-untimed-opt-out``).
    """
    sub_tally: Tally | None = None
    # a contact's key is its index + 1 (0 stands for "nobody watched")
    tables = Tables(len(facts), len(plan_subs))
    channels = Channels(tables, subs_index, marketing_lists)
    keys = channels.key
    judged = subscriptions is not None
    untimed_of = cov.untimed_opt_out if cov is not None and not judged else None
    seen: list[bool] = [False] * len(facts)
    role_parts = frozenset(mapping.role_address_local_parts)
    keep_recipient: dict[int, Recipient] = {}
    #: by key: whether a send logged with the record's id can break a rule
    routed: list[bool] = [False] * (len(facts) + 1)
    # the law a send without basis breaks: the same two answers for every contact
    law_cited: tuple[str, ...] = ()
    promise: tuple[str, ...] = ()
    law_country: str | None = None
    try:
        law_cited = basis_clause(policy, Recipient(country=None))
        promise = basis_clause(policy, Recipient(email="post@x"))
        if law_cited != promise:
            law_country = next(x.split(" ", 1)[0] for x in law_cited if x not in promise)
    except UsageError:  # no marketing purpose in the policy: the rule's own citations
        pass

    def plan(idx: int, lists: tuple[ListStatus, ...], unsub: dt.datetime | None,
             list_no: bool, shape: tuple[tuple[object, ...], ...] | None = None) -> None:
        f = facts[idx]
        c = f.contact
        objection = None
        if objections:
            for x in (objections.get(c.email or ""),
                      objections.get(f"id:{c.record_id}") if c.record_id else None):
                if x is not None and (objection is None or x.at < objection.at):
                    objection = x
        key = keys[idx + 1]  # the one int object of the key, which the events hold
        exception = c.customer_exception and exception_enabled
        if c.deactivated_at is not None or c.restricted_at is not None:
            tables.set_contact(key, c.deactivated_at, c.restricted_at)
            routed[key] = True
        if f.dead_address:
            routed[key] = True
            channels.watch(key, True)
        if not judged:
            if untimed_of is not None:
                how = untimed_of(c)
                if how is not None:
                    # the export shows the opt-out but not since when: every marketing
                    # send is reported (a warning), as it cannot say which came after it
                    f.untimed_opt_out = how
                    tables.set_untimed(key)
                    routed[key] = True
            return
        said_no = list_no or unsub is not None or objection is not None
        rec: Recipient | None = None
        if said_no:
            rec = Recipient(email=c.email, lists=lists, unsubscribed_all_at=unsub,
                            objection=objection, deactivated_at=c.deactivated_at,
                            restricted_at=c.restricted_at,
                            customer_exception=c.customer_exception, country=c.country)
            slots = slot_plan(rec, plan_subs, marketing_lists=marketing_lists,
                              consent_bases=consent_bases, exception=exception,
                              marketing_subs=other_marketing)
            keep_recipient[key] = rec
            if tables.set_plan(key, slots):
                routed[key] = True
        elif not exception:
            template = quiet_template(lists, plan_subs, marketing_lists, other_marketing,
                                      consent_bases, shape)
            if tables.set_quiet(key, template, lists, consent_bases):
                routed[key] = True
        for s in lists:
            # a list no campaign names: sends under it (their campaign unlisted) look it
            # up, by its id or by its name (a log may write either, as the decision takes
            # either); only a status that says no, or one on a marketing list, changes them
            if not (s.marketing or s.status == "NOT_SUBSCRIBED"):
                continue
            names = [x for x in (s.subscription, s.name)
                     if x is not None and x not in subs_index]
            if not names:
                continue
            rec = rec or Recipient(email=c.email, lists=lists, unsubscribed_all_at=unsub,
                                   objection=objection)
            [(o, win)] = slot_plan(rec, [s.subscription], marketing_lists=marketing_lists,
                                   consent_bases=consent_bases, exception=exception)
            tables.set_exc(key, names, o, win)
        if law_country is not None and (
                (c.country is not None and c.country != law_country)
                or is_role_address(c.email, role_parts)):
            f.no_basis_legal = promise
        else:
            f.no_basis_legal = law_cited

    consent_bases = frozenset(mapping.consent_subscription_bases) or CONSENT_BASES
    other_marketing = frozenset(_OTHER_LISTS[1:])
    if subscriptions is not None:
        # read and planned one subscriber at a time: no list of them is kept (a process
        # reading them ahead would have to send every subscriber's statuses back)
        t = Tally(subscriptions.name)
        subs_facts = _counted(scan_subscriptions(subscriptions.lines, source=subscriptions.name,
                                                 mapping=mapping), t)
        sub_tally = t
        for s in subs_facts:
            found_idx = find(s.record_id, s.subscriber)
            if found_idx is None:
                continue  # not a live contact: nobody the audit judges
            if seen[found_idx]:
                # a second line for a contact would be planned without the first one's
                # statuses (lines are planned as read, none kept): refused, with where
                t.reject(RecordError.at(
                    subscriptions.name, s.line, None, "recordId" if s.record_id else
                    "subscriberIdString",
                    "one line per subscriber (this contact's statuses are on an earlier "
                    "line: put its list statuses and unsubscribe-all on one line)",
                    repr(s.record_id or s.subscriber)))
                continue
            seen[found_idx] = True
            plan(found_idx, s.lists, s.unsubscribed_all_at, s.said_no, s.shape)
        del subs_facts
    for idx, f in enumerate(facts):
        if not seen[idx] and not f.contact.archived:
            plan(idx, (), None, False)  # no statuses: no list records consent
    del seen

    channels.routed = routed
    forget()
    return sub_tally, channels, keep_recipient


def stream_sends(
    sends: SnapshotInput,
    t: Tally,
    purpose_of: dict[str, str],
    route: dict[str, int],
    watch_email: dict[str, int],
    channels: Channels,
    progress: Callable[[str, int], None] | None,
    workers: int = 1,
) -> None:
    # ``route`` maps the record id of every live contact to its key, so that
    # batches are routed by C-level ``map``; a send whose record id is not a
    # live contact's falls back to its e-mail address.
    split = split_sends(sends.lines, workers, _MIN_PART) if workers > 1 else None
    if split is None or len(split[1]) < 2 or not _can_fork():
        batches = scan_sends(sends.lines, source=sends.name, campaigns=purpose_of)
        _fold(batches, t, route, watch_email, channels, sends.name, progress)
        return
    # Several processes, each reading one part of the file. They are forked, so
    # they share the routing tables without copying them; each sends back its
    # tallies, which are merged in file order: the result is the same as one
    # process reading the whole log.
    global _JOB
    fd, ranges = split
    _JOB = (fd, ranges, sends.name, purpose_of, route, watch_email, channels)
    try:
        with ProcessPoolExecutor(max_workers=len(ranges) - 1,
                                 mp_context=mp.get_context("fork")) as pool:
            futures = [pool.submit(_part, i) for i in range(1, len(ranges))]
            lines_read: list[int] = []
            start, end = ranges[0]
            _fold(scan_range(fd, start, end, source=sends.name, campaigns=purpose_of,
                             lines_read=lines_read),
                  t, route, watch_email, channels, sends.name, progress)
            offset = lines_read[0]
            for fut in futures:
                read, rejected, problems, n_lines, tallies = fut.result()
                t.read += read
                t.rejected_records += rejected
                t.rejected.extend(p if p.line is None else p.model_copy(update={"line": p.line + offset})
                                  for p in problems)
                channels.merge(tallies)
                offset += n_lines
                if progress is not None:
                    progress(sends.name, t.read)
    finally:
        _JOB = None


#: what a forked worker of :func:`stream_sends` reads (set just before the fork)
_JOB: tuple[Any, ...] | None = None


def _part(i: int) -> tuple[int, int, list[Rejection], int, _Tallies]:
    """Fold part ``i`` of the send log in a forked worker; its tally and its hits."""
    assert _JOB is not None
    fd, ranges, name, purpose_of, route, watch_email, shared = _JOB
    # a worker may run several parts: each starts from empty tallies
    channels = shared.emptied()
    t = Tally(name)
    lines_read: list[int] = []
    start, end = ranges[i]
    _fold(scan_range(fd, start, end, source=name, campaigns=purpose_of, lines_read=lines_read),
          t, route, watch_email, channels, name, None)
    return t.read, t.rejected_records, t.rejected, lines_read[0], channels.tallies()


def _can_fork() -> bool:
    # macOS offers fork, but system libraries may crash in a forked child (why
    # Python made spawn its default there); spawning would re-import and re-read
    # everything a worker needs, which costs more than it saves.
    return "fork" in mp.get_all_start_methods() and sys.platform != "darwin"


def _counted(items: Iterable[SubscriptionFacts | RecordError], t: Tally,
             ) -> Iterator[SubscriptionFacts]:
    """The facts of a subscription reader, counted in ``t`` (and the bad lines rejected)."""
    for s in items:
        t.read += 1
        if isinstance(s, RecordError):
            t.reject(s)
        else:
            yield s


def _fold(batches: Iterable[SendBatch], t: Tally, route: dict[str, int],
          watch_email: dict[str, int], channels: Channels, name: str,
          progress: Callable[[str, int], None] | None) -> None:
    route_get = route.get
    for b in batches:
        t.read += b.read
        for err in b.errors:
            t.reject(err)
        if progress is not None:
            progress(name, t.read)
        if not len(b):
            continue
        keys: list[int | None] = list(map(route_get, b.rids))  # type: ignore[arg-type]
        if None in keys:
            _by_email(keys, b, watch_email, channels.key)
        if not any(keys):
            continue
        # from here on only the sends to live contacts (often all of them: no copies)
        if 0 in keys:
            wk: list[int] = list(filter(None, keys))
            ws = list(compress(b.sids, keys))
            wa = list(compress(b.ats, keys))
        else:
            wk, ws, wa = keys, b.sids, b.ats  # type: ignore[assignment]
        channels.feed(wk, ws, wa, b, keys)
        if channels.any_bounced:
            channels.bounces(keys, b)


def _by_email(keys: list[int | None], b: SendBatch, watch_email: dict[str, int],
              key: list[int]) -> None:
    # a record id that is no live contact's: match a watched contact on the address
    i = -1
    while True:
        try:
            i = keys.index(None, i + 1)
        except ValueError:
            return
        email = b.email(i)
        idx = watch_email.get(email) if email else None
        keys[i] = 0 if idx is None else key[idx + 1]


def _wide(at: str) -> str:
    return at if len(at) == 27 else at[:-1] + "000Z"


class Hits:
    """The sends that hit one rule, per contact, while the log streams.

    Only counts, the first :data:`~.rules.MAX_EVIDENCE_SENDS` send ids and the
    earliest and latest times are kept, so memory is flat in the number of
    sends. A log in time order (the normal case, checked per batch) is folded
    in with C-level dict operations; any other order takes a comparison per hit.
    """

    __slots__ = ("count", "first", "hi", "last", "sids")

    def __init__(self) -> None:
        self.count: Counter[int] = Counter()
        self.sids: defaultdict[int, list[str]] = defaultdict(list)
        self.first: dict[int, str] = {}
        self.last: dict[int, str] = {}
        self.hi = ""  # the latest time recorded, at the wide width

    def take(self, hit: list[bool], wk: list[int], ws: list[str], wa: list[str]) -> None:
        """Record the sends whose ``hit`` is true (keys, send ids, times in log order)."""
        if not any(hit):
            return
        if all(hit):
            self._record(wk, ws, wa)
            return
        self._record(list(compress(wk, hit)), list(compress(ws, hit)), list(compress(wa, hit)))

    def _record(self, hk: list[int], hs: list[str], ha: list[str]) -> None:
        count = self.count
        # the counts before this batch: 0 for a contact not hit yet, below the evidence
        # limit for one that still takes send ids; most are past both
        seen = list(map(count.get, hk, repeat(0)))
        count.update(hk)
        if min(seen) < R.MAX_EVIDENCE_SENDS:
            need = list(map(lt, seen, repeat(R.MAX_EVIDENCE_SENDS)))
            # a key may get more ids than it needs within one batch; evidence
            # takes the first few, and memory stays bounded by the batch size
            deque(map(list.append, map(self.sids.__getitem__, compress(hk, need)),
                      compress(hs, need)), maxlen=0)
        first, last = self.first, self.last
        if _wide(ha[0]) >= self.hi and all(map(le, ha, islice(ha, 1, None))):
            if 0 in seen:  # only a contact hit for the first time has no earliest time yet
                new = list(map(not_, seen))
                deque(map(first.setdefault, compress(hk, new), compress(ha, new)), maxlen=0)
            last.update(zip(hk, ha, strict=True))
            self.hi = _wide(ha[-1])
            return
        hi = self.hi
        for k, a in zip(hk, ha, strict=True):
            w = _wide(a)
            f = first.get(k)
            if f is None or w < _wide(f):
                first[k] = a
            la = last.get(k)
            if la is None or w > _wide(la):
                last[k] = a
            if w > hi:
                hi = w
        self.hi = hi

    def tally(self) -> _Tally4:
        """What this process found: counts, first send ids, earliest and latest times."""
        return (dict(self.count), {k: v[:R.MAX_EVIDENCE_SENDS] for k, v in self.sids.items()},
                self.first, self.last)

    def merge(self, tally: _Tally4, key: list[int]) -> None:
        """Add the tally of a later part of the log (keys are the same in every process)."""
        count, sids, first, last = tally
        for k, n in count.items():
            k = key[k]  # the shared key object
            self.count[k] += n
            own = self.sids[k]
            if len(own) < R.MAX_EVIDENCE_SENDS:
                own.extend(sids.get(k, ())[:R.MAX_EVIDENCE_SENDS - len(own)])
            f, la = first[k], last[k]
            if k not in self.first or _wide(f) < _wide(self.first[k]):
                self.first[k] = f
            if k not in self.last or _wide(la) > _wide(self.last[k]):
                self.last[k] = la

    def evidence(self, key: int) -> R.SendHits | None:
        n = self.count.get(key, 0)
        if not n:
            return None
        ids = self.sids[key]  # handed over (this tally is cleared next), cut if a batch overfilled it
        if len(ids) > R.MAX_EVIDENCE_SENDS:
            ids = ids[:R.MAX_EVIDENCE_SENDS]
        return R.SendHits(n, ids, self.first[key], self.last[key])

    def clear(self) -> None:
        """Forget the tallies (their evidence has been taken)."""
        self.count = Counter()
        self.sids = defaultdict(list)
        self.first = {}
        self.last = {}


_Tally4 = tuple[dict[int, int], dict[int, list[str]], dict[int, str], dict[int, str]]
#: five :data:`_Tally4` (opt-out, no basis, deactivated, restricted, untimed), the first
#: bounces (``dict[int, tuple[str, str]]``) and the opted-out keys per list
_Tallies = list[Any]
_MARKETING = "marketing".__eq__


class Channels:
    """The send rules' hits (opt-out, no basis, deactivation, restriction, untimed opt-out), bounces.

    Each send to a live contact is judged against the thresholds of its slot
    (contact key and list, :class:`~._verdicts.Tables`) with C-level ``map``
    over the batch: the vectorised twin of
    :func:`~gdpr_policy.marketing.may_send_marketing`.
    """

    def __init__(self, tables: Tables, subs_index: dict[str | None, int],
                 marketing_lists: frozenset[str], n: int | None = None) -> None:
        n = len(tables.d) - 1 if n is None else n
        self.tables = tables
        #: list id -> slot index (2 on) for the lists campaigns name; others are 0 or 1
        self.subs_index = subs_index
        self.marketing_lists = marketing_lists
        self.other: dict[str | None, int] = dict.fromkeys(marketing_lists, 1)
        #: by key: whether a send logged with the record's id can break a rule
        self.routed: list[bool] = []
        #: campaign id -> (purpose, list index, list id), filled by :meth:`campaigns`
        self.pair_of: dict[str, tuple[str | None, int, str | None]] = {}
        self.opt_out = Hits()
        self.no_basis = Hits()
        self.deactivated = Hits()
        self.restricted = Hits()
        self.untimed = Hits()
        #: per list, the keys whose sends under it came after their opt-out (few lists)
        self.opt_keys: dict[str | None, set[int]] = {}
        #: by key: the key when the contact's address is dead, else 0
        self.bounced: list[int] = [0] * (n + 1)
        self.any_bounced = False
        self.bounce: dict[int, tuple[str, str]] = {}
        #: the one int object of each key, so that dict look-ups hit on identity
        self.key: list[int] = list(range(n + 1))

    def campaigns(self, purpose_of: dict[str, str], list_of: dict[str, str | None]) -> None:
        """Learn each listed campaign's purpose and list."""
        for cid, purpose in purpose_of.items():
            sub = list_of.get(cid)
            j = self.subs_index.get(sub, self.other.get(sub, 0))
            self.pair_of[cid] = (purpose, j, sub)

    def watch(self, key: int, bounced: bool) -> None:
        if bounced:
            self.bounced[key] = key
            self.any_bounced = True

    def feed(self, wk: list[int], ws: list[str], wa: list[str], b: SendBatch,
             keys: list[int | None]) -> None:
        """Judge the sends to live contacts (keys, send ids, times) of batch ``b``.

        The sends are cut into runs of one purpose and one list (a log written
        campaign by campaign has one run per batch), each judged with C-level
        ``map`` against that list's tables; runs are taken in log order.
        """
        pair = b.one_pair(self.pair_of)
        if pair is not None:
            self._run(pair, wk, ws, wa, b.fine)
            return
        pairs = b.purpose_lists(keys, self.pair_of, self.subs_index, self.other)
        start = 0
        for pair, group in groupby(pairs):
            end = start + sum(1 for _ in group)
            self._run(pair, wk[start:end], ws[start:end], wa[start:end], b.fine)
            start = end

    def _bits(self, wk: list[int]) -> int:
        # which of restriction, deactivation, untimed and list opt-outs any of these has
        bits = 0
        for x in set(map(self.tables.flags.__getitem__, wk)):
            bits |= x
        return bits

    def _run(self, pair: tuple[str | None, int, str | None], wk: list[int], ws: list[str],
             wa: list[str], fine: bool) -> None:
        kind, j, sub = pair
        if kind == "transactional":
            return
        tb = self.tables
        if kind != "marketing":
            if tb.any_r and self._bits(wk) & RESTRICTED:
                r = tb.table("r", 0, fine)
                self.restricted.take(list(map(ge, wa, map(r.__getitem__, wk))), wk, ws, wa)
            return
        if j < 2 and sub is not None and tb.exc:
            self._run_listed(sub, j, wk, ws, wa, fine)
            return
        if not fine and (wa.count(wa[0]) == len(wa) or all(
                map(le, wa, islice(wa, 1, None)))) and tb.advance(wa[0], wa[-1], wk):
            # in time order: the verdict codes at this instant decide, one look-up a send
            codes = list(map(tb.code[j].__getitem__, wk))
            bits = 0
            for x in set(codes):
                bits |= x
            if not bits:
                return
            for bit, hits in ((RESTRICTED, self.restricted), (DEACTIVATED, self.deactivated),
                              (UNTIMED, self.untimed), (NO_BASIS, self.no_basis)):
                if bits & bit:
                    hits.take(list(map(and_, codes, repeat(bit))), wk, ws, wa)
            if bits & OPTED_OUT:
                self._opted_out(list(map(and_, codes, repeat(OPTED_OUT))), wk, ws, wa, sub)
            return
        # not in time order (or with microseconds): the thresholds decide, rule by rule
        bits = self._bits(wk)
        if bits & RESTRICTED:
            r = tb.table("r", 0, fine)
            self.restricted.take(list(map(ge, wa, map(r.__getitem__, wk))), wk, ws, wa)
        if bits & DEACTIVATED:
            d = tb.table("d", 0, fine)
            self.deactivated.take(list(map(ge, wa, map(d.__getitem__, wk))), wk, ws, wa)
        if bits & UNTIMED:
            self._untimed(wk, ws, wa)
        if bits & OPTED_OUT:
            after = list(map(ge, wa, map(tb.table("o", j, fine).__getitem__, wk)))
            if any(after):
                self._opted_out(after, wk, ws, wa, sub)
        lo, hi = tb.table("lo", j, fine), tb.table("hi", j, fine)
        self.no_basis.take(list(map(and_, map(ge, wa, map(lo.__getitem__, wk)),
                                    map(lt, wa, map(hi.__getitem__, wk)))), wk, ws, wa)

    def _run_listed(self, sub: str, j: int, wk: list[int], ws: list[str], wa: list[str],
                    fine: bool) -> None:
        # sends under a list no campaign names: a contact with a status on it has its own
        # thresholds (rare: only sends whose campaign is not listed)
        tb = self.tables
        if tb.any_r:
            r = tb.table("r", 0, fine)
            self.restricted.take(list(map(ge, wa, map(r.__getitem__, wk))), wk, ws, wa)
        if tb.any_d:
            d = tb.table("d", 0, fine)
            self.deactivated.take(list(map(ge, wa, map(d.__getitem__, wk))), wk, ws, wa)
        if tb.any_u:
            self._untimed(wk, ws, wa)
        to, tlo, thi = tb.table("o", j, fine), tb.table("lo", j, fine), tb.table("hi", j, fine)
        exc = tb.exc_fine if fine and tb.exc_fine else None
        o, lo, hi = [], [], []
        for k in wk:
            got = (exc.get((k, sub)) if exc is not None else None) or tb.exc.get((k, sub))
            if got is None:
                got = (to[k], tlo[k], thi[k])
            o.append(got[0])
            lo.append(got[1])
            hi.append(got[2])
        after = list(map(ge, wa, o))
        if any(after):
            self._opted_out(after, wk, ws, wa, sub)
        self.no_basis.take(list(map(and_, map(ge, wa, lo), map(lt, wa, hi))), wk, ws, wa)

    def _opted_out(self, after: list[bool], wk: list[int], ws: list[str], wa: list[str],
                   sub: str | None) -> None:
        self.opt_out.take(after, wk, ws, wa)
        self.opt_keys.setdefault(sub, set()).update(compress(wk, after))

    def _untimed(self, wk: list[int], ws: list[str], wa: list[str]) -> None:
        # an opt-out with no time is before every send (ALWAYS), or never
        u = self.tables.u
        self.untimed.take(list(map(ge, wa, map(u.__getitem__, wk))), wk, ws, wa)

    def bounces(self, keys: list[int | None], b: SendBatch) -> None:
        """Note each bounced contact's first hard-bounced send, in log order."""
        sel = list(map(self.bounced.__getitem__, keys))  # type: ignore[arg-type]
        if not any(sel):
            return
        hard = b.hard_bounce(sel)
        if not any(hard):
            return
        first = self.bounce
        for k, s, a in zip(compress(filter(None, sel), hard), compress(compress(b.sids, sel), hard),
                           compress(compress(b.ats, sel), hard), strict=True):
            if k not in first:
                first[k] = (s, a)

    def emptied(self) -> Channels:
        """The same tables and watch lists with nothing counted yet."""
        other = Channels(self.tables, self.subs_index, self.marketing_lists, 0)
        other.pair_of = self.pair_of
        other.bounced, other.any_bounced = self.bounced, self.any_bounced
        other.key = self.key
        return other

    def tallies(self) -> _Tallies:
        """What this process found, to send to the one that merges (a list, which
        :meth:`merge` empties as it goes)."""
        return [self.opt_out.tally(), self.no_basis.tally(), self.deactivated.tally(),
                self.restricted.tally(), self.untimed.tally(), self.bounce, self.opt_keys]

    def merge(self, tallies: _Tallies) -> None:
        """Add the tallies of a later part of the log; each part is dropped once merged, so
        that the next reuses its memory (a part's tallies hold its send ids)."""
        for i, hits in enumerate((self.opt_out, self.no_basis, self.deactivated,
                                  self.restricted, self.untimed)):
            hits.merge(tallies[i], self.key)
            tallies[i] = None
        bounce, opt_keys = tallies[5], tallies[6]
        for k, v in bounce.items():
            self.bounce.setdefault(self.key[k], v)
        for sub, keys in opt_keys.items():
            self.opt_keys.setdefault(sub, set()).update(map(self.key.__getitem__, keys))
        tallies.clear()

    def settle(self, facts: Sequence[R.ContactFacts], recipients: dict[int, Recipient],
               plan_subs: Sequence[str], marketing_lists: frozenset[str]) -> None:
        """Put the hits into the contacts' facts, as the rules read them."""
        for hits, name in ((self.opt_out, "after_opt_out"), (self.no_basis, "no_basis"),
                           (self.deactivated, "after_deactivation"),
                           (self.restricted, "after_restriction"),
                           (self.untimed, "after_untimed_opt_out")):
            for key in hits.count:
                setattr(facts[key - 1], name, hits.evidence(key))
            hits.clear()  # the next rule's evidence reuses this one's tallies' memory
        opt_lists: dict[int, set[str | None]] = {}
        for sub, keys in self.opt_keys.items():
            for key in keys:
                opt_lists.setdefault(key, set()).add(sub)
        for key, subs in opt_lists.items():
            rec = recipients[key]
            outs = []
            for sub in subs:
                # the list the sends went out under, as the thresholds named it
                if sub is not None and (sub in self.subs_index or (key, sub) in self.tables.exc):
                    name, marketing = sub, None
                else:
                    j = self.other.get(sub, 0)
                    name, marketing = plan_subs[j], j == 1
                reason = effective_opt_out(rec, name, marketing_lists=marketing_lists,
                                           marketing=marketing)
                assert reason is not None and reason.since is not None
                outs.append(R.OptOut(reason.since, reason.how, reason.request_id, sub))
            facts[key - 1].opt_outs = tuple(sorted(outs, key=lambda o: (o.at, o.subscription or "")))
        for key, (sid, at) in self.bounce.items():
            facts[key - 1].bounce_send = (sid, parse_instant(at))
