"""The typed fact tables of the columnar fold, as Apache Arrow tables.

The sends are the rows the send reader (``_sends.scan_sends``) accepted: the
reader keeps checking every line and rejecting a bad one with its file and
line, so the reconciliation and the rejection reasons are the reference
engine's by construction. The thresholds are the ones the planning
(``_verdicts.Tables``) worked out per contact and list: the marketing
decision stays in one place.

Instants are UTC text of 27 characters (``YYYY-MM-DDTHH:MM:SS.ffffffZ``),
whose byte order is time order on every backend; :data:`~.._verdicts.NEVER`
(``"\\uffff"``, after every instant) and :data:`~.._verdicts.ALWAYS` (``""``,
before every instant) are the thresholds no send / every send reaches. The
exact texts of thresholds with sub-millisecond digits are used; a send logged
with milliseconds compares with them as with the rounded ones of the reference.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import compress, repeat
from operator import attrgetter, itemgetter, ne, not_
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from .._sends import SendBatch, _texts
from .._values import norm_email
from .._verdicts import NEVER

if TYPE_CHECKING:
    from .._channels import Channels
    from .._inputs import Tally

__all__ = ["FactTables", "send_facts", "threshold_facts"]

_CID = attrgetter("campaign_id")
_SUB = attrgetter("subscription_id")
_STATUS = attrgetter("status")
_EMAIL = attrgetter("email")
_MS = itemgetter(slice(0, 23))


def _column(col: list[Any]) -> list[str | None]:
    """``_sends._texts``, at C level for a column of texts and numbers (list ids often are)."""
    if None in col:
        return _texts(col)
    out: list[str | None] = list(map(str.strip, map(str, col)))
    return [v or None for v in out] if "" in out else out


def _widened(ats: list[str], fine: bool) -> list[str]:
    # a batch's times are 24 characters (milliseconds) or, when ``fine``, 27
    return ats if fine else list(map(str.__add__, map(_MS, ats), repeat("000Z")))


def send_facts(batches: Iterable[SendBatch], tally: Tally, route: dict[str, int],
               progress: Callable[[str, int], None] | None) -> pa.Table:
    """The accepted sends in log order (``seq``), counted and their rejects recorded in ``tally``.

    ``email`` is filled (normalised) only where the record id is no live
    contact's, as the reference engine matches on the address only then.
    """
    cols: dict[str, list[Any]] = {k: [] for k in
                                  ("sid", "rid", "at", "cid", "purpose", "sub", "status", "email")}
    for b in batches:
        tally.read += b.read
        for err in b.errors:
            tally.reject(err)
        if progress is not None:
            progress(tally.file, tally.read)
        if not len(b):
            continue
        rows = b._rows
        cols["sid"].extend(b.sids)
        cols["rid"].extend(b.rids)
        cols["at"].extend(_widened(b.ats, b.fine))
        cols["cid"].extend(_column(list(map(_CID, rows))))
        cols["purpose"].extend(b._purposes)
        cols["sub"].extend(_column(list(map(_SUB, rows))))
        cols["status"].extend(_column(list(map(_STATUS, rows))))
        routed = list(map(route.__contains__, b.rids))
        emails: list[str | None] = [None] * len(b)
        if not all(routed):
            for i in compress(range(len(b)), map(not_, routed)):
                emails[i] = norm_email(_texts([rows[i].email])[0])
        cols["email"].extend(emails)
    n = len(cols["sid"])
    return pa.table({"seq": pa.array(range(n), pa.int64()),
                     **{k: pa.array(v, pa.string()) for k, v in cols.items()}})


class FactTables:
    """The small tables the sends are joined with: routes, campaigns, lists, thresholds."""

    def __init__(self, **tables: pa.Table) -> None:
        self.tables = tables


def _keys(n: int, column: list[str], default: str) -> list[int]:
    return list(compress(range(n), map(ne, column, repeat(default))))


def threshold_facts(route: dict[str, int], watch_email: dict[str, int],
                    channels: Channels) -> FactTables:
    """The routing, campaign, list and threshold tables of a planned audit."""
    tb = channels.tables
    exact = tb.exact
    n = len(tb.d)
    routes = pa.table({"r_rid": pa.array(list(route), pa.string()),
                       "r_key": pa.array(list(route.values()), pa.int64())})
    emails = pa.table({"e_email": pa.array(list(watch_email), pa.string()),
                       "e_key": pa.array([i + 1 for i in watch_email.values()], pa.int64())})
    pairs = channels.pair_of
    campaigns = pa.table({
        "c_cid": pa.array(list(pairs), pa.string()),
        "c_kind": pa.array([p[0] for p in pairs.values()], pa.string()),
        "c_j": pa.array([p[1] for p in pairs.values()], pa.int64()),
        "c_sub": pa.array([p[2] for p in pairs.values()], pa.string())})
    lists = dict(channels.other)
    lists.update(channels.subs_index)
    named = {k: v for k, v in lists.items() if k is not None}
    list_table = pa.table({"l_sub": pa.array(list(named), pa.string()),
                           "l_j": pa.array(list(named.values()), pa.int64())})
    ck = sorted(set(_keys(n, tb.d, NEVER)) | set(_keys(n, tb.r, NEVER))
                | set(_keys(n, tb.u, NEVER)) | set(compress(range(n), channels.bounced)))
    contacts = pa.table({
        "k_key": pa.array(ck, pa.int64()),
        "k_d": pa.array([exact.get(("d", 0, k), tb.d[k]) for k in ck], pa.string()),
        "k_r": pa.array([exact.get(("r", 0, k), tb.r[k]) for k in ck], pa.string()),
        "k_u": pa.array([tb.u[k] for k in ck], pa.string()),
        "k_bounced": pa.array([bool(channels.bounced[k]) for k in ck], pa.bool_())})
    slot: dict[str, list[Any]] = {x: [] for x in ("s_key", "s_j", "s_o", "s_lo", "s_hi")}
    for j in range(tb.m):
        o, lo, hi = tb.o[j], tb.lo[j], tb.hi[j]
        keys = sorted(set(_keys(n, o, NEVER)) | set(_keys(n, lo, NEVER))
                      | set(_keys(n, hi, NEVER)))
        slot["s_key"].extend(keys)
        slot["s_j"].extend(repeat(j, len(keys)))
        slot["s_o"].extend(exact.get(("o", j, k), o[k]) for k in keys)
        slot["s_lo"].extend(exact.get(("lo", j, k), lo[k]) for k in keys)
        slot["s_hi"].extend(exact.get(("hi", j, k), hi[k]) for k in keys)
    slots = pa.table({k: pa.array(v, pa.int64() if k in ("s_key", "s_j") else pa.string())
                      for k, v in slot.items()})
    # the exact texts where a threshold has sub-millisecond digits: the fold compares
    # every send at microseconds (``_widened``)
    exc = {**tb.exc, **tb.exc_fine}
    listed = pa.table({
        "x_key": pa.array([k for k, _ in exc], pa.int64()),
        "x_sub": pa.array([s for _, s in exc], pa.string()),
        "x_o": pa.array([v[0] for v in exc.values()], pa.string()),
        "x_lo": pa.array([v[1] for v in exc.values()], pa.string()),
        "x_hi": pa.array([v[2] for v in exc.values()], pa.string())})
    return FactTables(routes=routes, emails=emails, campaigns=campaigns, lists=list_table,
                      contacts=contacts, slots=slots, listed=listed)
