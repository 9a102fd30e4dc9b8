"""The fold of the send log as Ibis expressions: one definition for DuckDB and any Ibis backend.

What the reference engine (``_channels.Channels``) computes send by send with
C-level ``map``, written as relations:

1. route: a send goes to the live contact whose record id it names, else to
   the one with its e-mail address (``routes``, ``emails``); sends to nobody
   the audit watches drop out;
2. pair: its purpose and list, from its campaign when the campaign is listed,
   else its own (``campaigns``, ``lists``);
3. judge: against the thresholds of the contact (deactivation, restriction,
   untimed opt-out) and of the contact on that list (opt-out, the no-basis
   window), or the contact's own thresholds on a list no campaign names
   (``listed``); the reference's pre-filter is a shortcut that decides
   nothing, and is not needed here;
4. tally: per rule and contact, the count, the earliest and latest time and
   the first :data:`~gdpr_policy.audit.rules.MAX_EVIDENCE_SENDS` send ids in
   log order; the lists whose sends came after their opt-out; and, per contact
   with a dead address, the first hard-bounced send.

The tallies go back into the reference engine's ``Channels``, whose
``settle`` hands them to the rules: what a finding means is decided there.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import ibis
import pyarrow as pa
from ibis import _

from ..._errors import UsageError
from .. import rules as R
from .._sends import scan_sends
from .._verdicts import NEVER
from ._facts import FactTables, send_facts, threshold_facts

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from ibis.expr.types import Table

    from .._channels import Channels
    from .._inputs import SnapshotInput, Tally

__all__ = ["RULES", "ColumnarFold", "fold_tables", "quiet", "tallied"]

#: the rule columns of the fold, named as the ``Channels`` tallies they fill
RULES = ("opt_out", "no_basis", "deactivated", "restricted", "untimed")


def tallied(hits: Table) -> Table:
    """Per rule and contact: the count, the earliest and latest send, the first send ids.

    One row per hit that is among the first :data:`~..rules.MAX_EVIDENCE_SENDS`
    of its rule and contact in log order (``rn``), or the first opt-out hit
    under its list (``new_list``), in log order per rule and contact; every
    row carries its group's count and times.
    """
    group = ibis.window(group_by=[_.rule, _.key])
    ordered = ibis.window(group_by=[_.rule, _.key], order_by=_.seq)
    per_list = ibis.window(group_by=[_.rule, _.key, _.list], order_by=_.seq)
    rows = hits.mutate(
        n=_.seq.count().over(group), first=_.at.min().over(group), last=_.at.max().over(group),
        rn=ibis.row_number().over(ordered),
        new_list=(_.rule == "opt_out") & (ibis.row_number().over(per_list) == 0))
    return rows.filter((_.rn < R.MAX_EVIDENCE_SENDS) | _.new_list).order_by(
        ["rule", "key", "seq"])


def fold_tables(sends: Table, facts: dict[str, Table], *, listed: bool) -> tuple[Table, Table]:
    """The hits (one row per send and rule it breaks) and the first hard bounces.

    ``listed``: some contact has thresholds on a list no campaign names (as
    in the reference, a marketing send under such a list is then judged
    against the contact's own thresholds on it when it has them).
    """
    routes, emails = facts["routes"], facts["emails"]
    s = sends.left_join(routes, sends.rid == routes.r_rid).left_join(
        emails, sends.email == emails.e_email)
    s = s.select(
        "seq", "sid", "at", "cid", "purpose", "sub", "status",
        key=ibis.ifelse(_.r_rid.notnull(), _.r_key, _.e_key.fill_null(0)))
    s = s.filter(_.key != 0)
    contacts = facts["contacts"]
    s = s.left_join(contacts, s.key == contacts.k_key).select(s, contacts)
    bounced = s.filter(_.k_bounced.fill_null(False) & (_.status == "hard_bounce"))
    bounced = bounced.mutate(rn=ibis.row_number().over(group_by=_.key, order_by=_.seq))
    bounces = bounced.filter(_.rn == 0).select("key", "sid", "at")

    campaigns, lists = facts["campaigns"], facts["lists"]
    s = s.left_join(campaigns, s.cid == campaigns.c_cid).select(s, campaigns)
    s = s.left_join(lists, s.sub == lists.l_sub).select(s, lists)
    is_listed = _.c_cid.notnull()
    # a listed campaign names the purpose; its list, when it names one, else the send's own
    own_list = _.c_sub.isnull()
    s = s.select(
        "seq", "sid", "at", "key", "k_d", "k_r", "k_u",
        kind=ibis.ifelse(is_listed, _.c_kind, _.purpose),
        list=ibis.ifelse(is_listed & ~own_list, _.c_sub, _.sub),
        j=ibis.ifelse(is_listed & ~own_list, _.c_j, _.l_j.fill_null(0)))
    s = s.filter(_.kind.isnull() | (_.kind != "transactional"))
    slots, own = facts["slots"], facts["listed"]
    s = s.left_join(slots, (s.key == slots.s_key) & (s.j == slots.s_j)).select(s, slots)
    s = s.left_join(own, (s.key == own.x_key) & (s.list == own.x_sub)).select(s, own)
    mk = (_.kind == "marketing").fill_null(False)
    on_own = mk & (_.j < 2) & _.list.notnull() & ibis.literal(listed)
    has_own = on_own & _.x_key.notnull()
    s = s.select(
        "seq", "sid", "at", "key", "list",
        mk=mk,
        d=_.k_d.fill_null(NEVER), r=_.k_r.fill_null(NEVER), u=_.k_u.fill_null(NEVER),
        o=ibis.ifelse(has_own, _.x_o, _.s_o.fill_null(NEVER)),
        lo=ibis.ifelse(has_own, _.x_lo, _.s_lo.fill_null(NEVER)),
        hi=ibis.ifelse(has_own, _.x_hi, _.s_hi.fill_null(NEVER)),
    )
    flags = s.select(
        "seq", "sid", "at", "key", "list",
        opt_out=_.mk & (_.at >= _.o),
        no_basis=_.mk & (_.at >= _.lo) & (_.at < _.hi),
        deactivated=_.mk & (_.at >= _.d),
        restricted=_.at >= _.r,
        untimed=_.mk & (_.at >= _.u))
    parts = [flags.filter(flags[col]).select("seq", "sid", "at", "key", "list",
                                             rule=ibis.literal(col))
             for col in RULES]
    hits = parts[0].union(*parts[1:], distinct=False)
    return hits, bounces


@contextmanager
def quiet() -> Iterator[None]:
    """Ibis 12 calls a DuckDB 2 method DuckDB has deprecated: not the user's to act on."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", r"fetch_arrow_table\(\) is deprecated",
                                DeprecationWarning)
        yield


def _spark() -> Any:
    """An Ibis backend on the Spark session this process may use (``getOrCreate``).

    Spark's own configuration decides where it runs: a session already made,
    ``spark-defaults.conf`` or ``spark-submit --master``; with none, local mode.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise UsageError("--engine spark needs PySpark: pip install 'gdpr-policy[spark]' "
                         "(and Java 17), or run with --engine duckdb") from None
    try:
        session = SparkSession.builder.appName("gdpr-policy audit").getOrCreate()
    except Exception as exc:  # no Java, a cluster that does not answer: say so, no traceback
        raise UsageError(f"--engine spark: Spark did not start: {exc}") from None
    return ibis.pyspark.connect(session)


class ColumnarFold:
    """The send-log fold of ``_engine._audit``, run on an Ibis backend."""

    def __init__(self, con: Any, name: str) -> None:
        self.con = con
        #: the engine's name in the report (``tool.engine``)
        self.name = name

    @classmethod
    def of(cls, engine: Any) -> ColumnarFold:
        """The fold on ``"duckdb"`` (embedded, in memory), ``"spark"`` (the session Spark's
        configuration gives), an Ibis URL, or an Ibis backend."""
        if isinstance(engine, ColumnarFold):  # a fold built for its inputs (warehouse tables)
            return engine
        if engine == "duckdb":
            return cls(ibis.duckdb.connect(), "duckdb")
        if engine == "spark":
            return cls(_spark(), "pyspark")
        if isinstance(engine, str):
            try:
                con = ibis.connect(engine)
            except Exception as exc:  # any backend's own error: say which URL and why
                raise UsageError(f"--engine: cannot open the Ibis connection {engine!r}: "
                                 f"{exc}") from None
            return cls(con, str(con.name))
        if not hasattr(engine, "to_pyarrow"):
            raise UsageError(f"engine: expected 'python', 'duckdb', an Ibis connection string "
                             f"or an Ibis backend, got {engine!r}")
        return cls(engine, str(engine.name))

    def __call__(self, sends: SnapshotInput, t: Tally, purpose_of: dict[str, str],
                 route: dict[str, int], watch_email: dict[str, int], channels: Channels,
                 progress: Callable[[str, int], None] | None) -> None:
        """Read and fold the send log into ``channels`` (the reference engine's tallies)."""
        table = send_facts(scan_sends(sends.lines, source=sends.name, campaigns=purpose_of),
                           t, route, progress)
        facts = threshold_facts(route, watch_email, channels)
        self.fold(table, facts, channels)

    def fold(self, table: pa.Table, facts: FactTables, channels: Channels) -> None:
        """Run the fold of ``table`` on the backend and put the tallies into ``channels``."""
        if not table.num_rows:
            return
        with quiet():
            self._fold(table, facts, channels)

    def _fold(self, table: pa.Table | Table, facts: FactTables, channels: Channels) -> None:
        sends = ibis.memtable(table) if isinstance(table, pa.Table) else table
        small = {name: ibis.memtable(t) for name, t in facts.tables.items()}
        hits, bounces = fold_tables(sends, small, listed=bool(channels.tables.exc))
        self._tallies(tallied(hits), channels)
        for key, sid, at in zip(*self._columns(bounces, ("key", "sid", "at")), strict=True):
            channels.bounce[key] = (sid, at)

    def _columns(self, expr: Table, names: tuple[str, ...]) -> list[list[Any]]:
        got = self.con.to_pyarrow(expr)
        return [got.column(n).to_pylist() for n in names]

    def _tallies(self, rows: Table, channels: Channels) -> None:
        tallies = {col: getattr(channels, col) for col in RULES}
        names = ("rule", "key", "n", "first", "last", "rn", "sid", "list", "new_list")
        for rule, key, n, lo, hi, rn, sid, sub, new_list in zip(*self._columns(rows, names),
                                                                 strict=True):
            h = tallies[rule]
            if rn == 0:
                h.count[key] = n
                h.first[key] = lo
                h.last[key] = hi
            if rn < R.MAX_EVIDENCE_SENDS:
                h.sids[key].append(sid)
            if new_list:
                channels.opt_keys.setdefault(sub, set()).add(key)
