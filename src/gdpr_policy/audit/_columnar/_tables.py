"""Warehouse tables read in place: the small ones pulled row by row, the send log in the backend.

A table has no lines, so its rows are located by their key (``id=123``), and
it has no order, so the send log's order is time then send id (the order the
evidence's first send ids are listed in).

The small tables (contacts, subscription statuses, campaigns, requests) are
pulled, ordered by their key, and written as the text the file readers read
(contacts as CSV with the table's column names, the others as JSON Lines), so
that every value check and every rejection reason is the readers' own; the
line each row became is mapped back to its key in the report
(:meth:`TableReader.relocate`). A key that more than one row has cannot
locate a row: those rows are rejected, all of them, with the count.

A timestamp is an instant, UTC when it has no zone, in every table: the
send log's is converted to UTC in the backend (never through the session's
zone), the small tables' come as Arrow instants. Nanoseconds are truncated
and a year outside 1 to 9999 (``infinity``) rejects its row, as in a text.

The send log is never pulled. :class:`TableFold` checks, with Ibis
predicates in the backend, that a row is *usual* (a send id and a key of one
row each, printable ASCII ids and address without surrounding blanks, a known
purpose or a listed campaign, a record id or an address, ``sent_at`` a
``YYYY-MM-DDTHH:MM:SS[.ffffff]`` UTC text (``Z`` or ``+00:00``) of a real
calendar day, or a timestamp of a four-digit year); a usual row is accepted
exactly as the send reader accepts it. Its key only locates a rejected row:
the send id is ``send_id`` whatever the key. Only the other rows come back,
few in any real log, and go through the send reader's own checks
(``_logs._send_obj``): rejected with its reason, or accepted and folded with
the rest. The fold itself is ``_fold.fold_tables``, the same relations as for
a send-log file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import ibis
import ibis.expr.datatypes as dtypes
import pyarrow as pa
import pyarrow.compute as pc
from ibis import _

from ..._errors import RecordError, UsageError
from ..._messages import Location
from ...report._model import InputStats, Rejection, Report
from .._inputs import SnapshotInput
from .._logs import SEND_KEYS, KeyHint, _send_obj, canonical_instant, key_hints
from .._mapping import LABEL_ALIASES
from .._model import PURPOSES
from .._values import norm_email
from ._facts import threshold_facts
from ._fold import ColumnarFold, quiet

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from ibis.expr.types import BooleanValue, StringValue, Table, TimestampValue

    from .._channels import Channels
    from .._inputs import Tally
    from .._mapping import PortalMapping
    from .._tables import WarehouseTable

__all__ = ["TableFold", "TableReader", "quiet"]

UTC = dt.UTC
#: the key column of each input, by default
_KEYS = {"sends": "send_id", "campaigns": "campaign_id", "requests": "request_id",
         "subscriptions": "recordId"}
#: the contacts' key columns, by preference: the sync tools', the API's, the UI export's
_CONTACT_KEYS = ("id", "hs_object_id", "Record ID", "Record ID - Contact", "Contact ID",
                 "contact_id")
#: the columns a table of each input needs (besides its key), any one of each group
_NEEDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "campaigns": (("purpose",),),
    "requests": (("type",), ("received_at",), ("status",), ("subject_email", "hubspot_record_id")),
    "subscriptions": (("results",), ("recordId", "subscriberIdString")),
    "sends": (("sent_at",), ("record_id", "email"), ("purpose", "campaign_id"), ("send_id",)),
}
#: the send log's columns the audit reads (a missing one reads as null, as in a file)
_SEND_COLUMNS = ("send_id", "campaign_id", "subscription_id", "purpose", "record_id", "email",
                 "sent_at", "status")
#: a text no strip changes and no reader reads otherwise: printable ASCII, no blank at the ends
_PLAIN = r"^[!-~]([ -~]*[!-~])?$"
#: a UTC time the send reader reads as it is: seconds, up to six decimals, ``Z`` or ``+00:00``
_USUAL_AT = (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
             r"(\.[0-9]{1,6})?(Z|\+00:00)$")


#: the instants of a four-digit year (1 to 9999, as a text's), in microseconds since 1970
_FIRST_US, _END_US = -62_135_596_800_000_000, 253_402_300_800_000_000
#: the days of a four-digit year since 1970
_FIRST_DAY, _END_DAY = -719_162, 2_932_897
_PER_SECOND = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_DAY = dt.date(1970, 1, 1)
#: ``infinity`` and ``-infinity`` as DuckDB gives a timestamp (64 bits) or a date (32) to Arrow
_INFINITE = {64: {2**63 - 1: "infinity", -(2**63 - 1): "-infinity"},
             32: {2**31 - 1: "infinity", -(2**31 - 1): "-infinity"}}


def _text(v: Any) -> str:
    """A cell as the CSV export would write it; a timestamp as UTC text, whether zoned or naive."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dt.datetime):
        return canonical_instant(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, str) and "\r" in v:
        # a line break in a value is a line feed, as in a file read with universal newlines
        return v.replace("\r\n", "\n").replace("\r", "\n")
    return str(v)


def _plain(v: Any) -> Any:
    """A value as JSON: times as ISO 8601 UTC text (a timestamp without a zone is UTC)."""
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_plain(x) for x in v]
    if isinstance(v, dt.datetime):
        return canonical_instant(v)
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    return v


def _as_ints(t: pa.DataType) -> pa.DataType:
    """``t`` with its timestamps and dates, at any depth, as their integers.

    Any value converts to its integer; not every one to a Python date
    (``infinity``, a year beyond 9999): :func:`_instants` judges each.
    """
    if pa.types.is_timestamp(t) or pa.types.is_date64(t):
        return pa.int64()
    if pa.types.is_date32(t):
        return pa.int32()
    if pa.types.is_struct(t):
        return pa.struct([t.field(i).with_type(_as_ints(t.field(i).type))
                          for i in range(t.num_fields)])
    if pa.types.is_list(t):
        return pa.list_(t.value_field.with_type(_as_ints(t.value_type)))
    if pa.types.is_large_list(t):
        return pa.large_list(t.value_field.with_type(_as_ints(t.value_type)))
    return t


def _beyond(v: int, t: pa.DataType) -> str:
    """A time or date no four-digit year holds, as text for the reader to reject."""
    infinite = _INFINITE[t.bit_width]
    if v in infinite:
        return infinite[v]
    if pa.types.is_timestamp(t):
        return str(pc.strftime(pa.scalar(v, pa.timestamp(t.unit, "UTC")),
                               format="%Y-%m-%dT%H:%M:%SZ"))
    return str(pa.scalar(v, t).cast(pa.string()))


def _instants(v: Any, t: pa.DataType) -> Any:
    """A value pulled as ``_as_ints(t)`` with its times as UTC instants and its dates as dates.

    A timestamp without a zone is UTC; nanoseconds are truncated to
    microseconds, as the readers truncate a text's digits. A value outside
    the years 1 to 9999 stays text (``infinity``), which the reader rejects
    with its row, as it would the same text in a file.
    """
    if v is None:
        return None
    if pa.types.is_timestamp(t):
        us = v * 10**6 // _PER_SECOND[t.unit]  # floor: truncated, also before 1970
        if v in _INFINITE[64] or not _FIRST_US <= us < _END_US:
            return _beyond(v, t)
        return _EPOCH + dt.timedelta(microseconds=us)
    if pa.types.is_date32(t) or pa.types.is_date64(t):
        days = v if pa.types.is_date32(t) else v // 86_400_000
        if v in _INFINITE[t.bit_width] or not _FIRST_DAY <= days < _END_DAY:
            return _beyond(v, t)
        return _EPOCH_DAY + dt.timedelta(days=days)
    if pa.types.is_struct(t):
        return {t.field(i).name: _instants(v.get(t.field(i).name), t.field(i).type)
                for i in range(t.num_fields)}
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return [_instants(x, t.value_type) for x in v]
    return v


def _pylist(table: pa.Table) -> Iterator[dict[str, Any]]:
    """The rows of ``table`` as Python values, a batch at a time; times as :func:`_instants`."""
    timed = {f.name: f.type for f in table.schema if _as_ints(f.type) != f.type}
    if timed:
        table = table.cast(pa.schema([f.with_type(_as_ints(f.type)) for f in table.schema]))
    for batch in table.to_batches(max_chunksize=8192):
        for r in batch.to_pylist():
            for col, t in timed.items():
                r[col] = _instants(r[col], t)
            yield r


def _json_default(v: Any) -> Any:
    """What ``json.dumps`` cannot write itself: times, dates, decimals, bytes (see ``_plain``)."""
    return _plain(v)


def _csv_lines(columns: list[str], key: str, rows: Iterable[dict[str, Any]],
               keys: dict[int, str]) -> Iterator[str]:
    """Contacts as CSV text with the table's column names; ``keys``: each record's line."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")

    def physical(row: list[str]) -> list[str]:
        # the lines of one record, cut at line feeds only (a CR in a value is made one, _text)
        buf.seek(0)
        buf.truncate()
        w.writerow(row)
        return [x + "\n" for x in buf.getvalue().split("\n")[:-1]]

    line = 1
    for text in physical(columns):
        line += 1
        yield text
    for r in rows:
        keys[line] = _located(key, r[key])
        for text in physical([_text(v) for v in r.values()]):
            line += 1
            yield text


def _json_lines(key: str, rows: Iterable[dict[str, Any]], keys: dict[int, str]) -> Iterator[str]:
    """Rows as JSON Lines; ``keys``: each row's line."""
    for no, r in enumerate(rows, 1):
        keys[no] = _located(key, r[key])
        yield json.dumps(r, ensure_ascii=False, default=_json_default) + "\n"


def _has_json(t: dtypes.DataType) -> bool:
    if t.is_json():
        return True
    if t.is_array():
        return _has_json(t.value_type)
    if t.is_struct():
        return any(_has_json(x) for x in t.types)
    return False


def _parsed(v: Any, t: dtypes.DataType) -> Any:
    """A value with its JSON parts parsed (a text that is no JSON stays as it is)."""
    if v is None:
        return None
    if t.is_json():
        try:
            return json.loads(v) if isinstance(v, str) else v
        except ValueError:
            return v
    if t.is_array() and isinstance(v, list):
        return [_parsed(x, t.value_type) for x in v]
    if t.is_struct() and isinstance(v, dict):
        return {k: _parsed(v.get(k), x) for k, x in t.items()}
    return v


def _located(key: str, value: Any) -> str:
    return f"{key}={'null' if value is None else _text(value)}"


class TableReader:
    """Opens the tables of one audit on ``con`` and maps their rows' lines back to keys."""

    def __init__(self, con: Any, mapping: PortalMapping) -> None:
        if not hasattr(con, "table") or not hasattr(con, "to_pyarrow"):
            raise UsageError(f"tables: expected an Ibis backend (ibis.connect(...)), got {con!r}")
        self.con = con
        self.mapping = mapping
        #: per table: the key of the row that became each line
        self.keys: dict[str, dict[int, str]] = {}
        #: per table: rows rejected before the reader saw them (a key of more than one row)
        self.extra: dict[str, list[Rejection]] = {}

    # ------------------------------------------------------------------ opening
    def open(self, kind: str, spec: WarehouseTable) -> tuple[Table, str]:
        """The table of ``kind``, its columns renamed; and its key column."""
        try:
            t = self.con.table(spec.table, database=spec.database)
        except Exception as exc:  # every backend has its own error for a missing table
            first = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
            raise UsageError(f"tables.{kind}: cannot read the table {spec.name!r} on "
                             f"{getattr(self.con, 'name', 'the backend')}: {first}") from None
        have = list(t.columns)
        unknown = [c for c in spec.columns if c not in have]
        if unknown:
            raise UsageError(f"tables.{kind}.columns: the table {spec.name!r} has no column "
                             f"{', '.join(map(repr, unknown))} (its columns: {', '.join(have)})")
        if spec.columns:
            t = t.rename({new: old for old, new in spec.columns.items()})
        cols = list(t.columns)
        if kind == "contacts":
            key = spec.key or next((c for c in cols if self._is_id(c)), None)
            if key is None:
                raise UsageError(f"tables.contacts: the table {spec.name!r} has no record id "
                                 f"column ({', '.join(_CONTACT_KEYS)}, or a label of it); name "
                                 "it with key:")
        elif kind == "subscriptions" and spec.key is None and "recordId" not in cols:
            key = "subscriberIdString"  # a log of addresses only
        else:
            key = spec.key or _KEYS[kind]
        if key not in cols:
            raise UsageError(f"tables.{kind}: the table {spec.name!r} has no key column {key!r} "
                             f"(its columns: {', '.join(cols)}); name another with key:")
        for group in _NEEDS.get(kind, ()):
            if not any(c in cols for c in group):
                raise UsageError(
                    f"tables.{kind}: the table {spec.name!r} has no column "
                    f"{' or '.join(map(repr, group))}, which the audit needs; rename yours "
                    f"with columns: (its columns: {', '.join(cols)})")
        return t, key

    def _is_id(self, column: str) -> bool:
        """Whether ``column`` holds the record id, as the contacts reader would map it."""
        ident = self.mapping.id_property
        if column in _CONTACT_KEYS or column == ident or column == f"property_{ident}":
            return True
        if self.mapping.columns.get(column) == ident:
            return True
        folded = {k.casefold(): v for k, v in LABEL_ALIASES.items()}
        return folded.get(column.casefold()) == ident

    # ------------------------------------------------------------------ the small tables
    def small(self, kind: str, spec: WarehouseTable) -> SnapshotInput:
        """The rows of a small table as the text its file reader reads, ordered by key.

        The rows become Python values a batch at a time, as the reader consumes
        the lines; the keys of more than one row are found first, in the backend.
        """
        t, key = self.open(kind, spec)
        name = spec.name
        dup = t.group_by(key).aggregate(x_n=_.count()).filter(_.x_n > 1)
        dups = {r[key]: r["x_n"] for r in _pylist(self.con.to_pyarrow(dup))}
        dups.pop(None, None)  # rows without a key are the reader's to judge
        extra = self.extra.setdefault(name, [])
        keys = self.keys.setdefault(name, {})
        schema = t.schema()
        parsed = [c for c in t.columns if _has_json(schema[c])]

        # one Arrow table (columnar, compact), made Python rows a batch at a time (Ibis 12's
        # streaming call does not work with DuckDB 2)
        table = self.con.to_pyarrow(t.order_by(key))

        def rows() -> Iterator[dict[str, Any]]:
            for r in _pylist(table):
                for col in parsed:  # a JSON column (a VARIANT, DuckDB's JSON) comes as text
                    r[col] = _parsed(r[col], schema[col])
                n = dups.get(r[key]) if r[key] is not None else None
                if n:
                    extra.append(Rejection(
                        file=name, pointer=_located(key, r[key]),
                        reason=f"{key}: a key no other row has, got {n} rows with it"))
                    continue
                yield r

        if kind == "contacts":
            return SnapshotInput(name, _csv_lines(list(t.columns), key, rows(), keys))
        return SnapshotInput(name, _json_lines(key, rows(), keys))

    def sends(self, spec: WarehouseTable) -> TableFold:
        """The fold that reads the send-log table ``spec`` in the backend."""
        t, key = self.open("sends", spec)
        schema = t.schema()
        for col in (key, *_SEND_COLUMNS):
            if col not in schema:
                continue
            typ = schema[col]
            if col == "sent_at":
                ok = typ.is_string() or typ.is_timestamp() or typ.is_null()
                expected = "ISO 8601 text or a timestamp"
            else:
                ok = typ.is_string() or typ.is_integer() or typ.is_null()
                expected = "text or integers"
            if not ok:
                raise UsageError(f"tables.sends: the column {col!r} of {spec.name!r} is {typ}; "
                                 f"expected {expected}")
        return TableFold(self.con, t, key, spec.name)

    # ------------------------------------------------------------------ the report
    def relocate(self, report: Report) -> Report:
        """``report`` with the tables' lines replaced by their rows' keys, and the key rejects."""
        def where(file: str | None, line: int | None) -> str | None:
            if file is None or line is None:
                return None
            return self.keys.get(file, {}).get(line)

        inputs = []
        for s in report.inputs:
            if s.file not in self.keys:
                inputs.append(s)
                continue
            problems = [Rejection(file=p.file, pointer=where(p.file, p.line) or p.pointer,
                                  reason=p.reason) if where(p.file, p.line) else p
                        for p in s.problems]
            extra = self.extra.get(s.file, [])
            inputs.append(InputStats(file=s.file, read=s.read + len(extra),
                                     evaluated=s.evaluated, rejected=s.rejected + len(extra),
                                     problems=(*problems, *extra)))
        findings = []
        for f in report.findings:
            loc = f.location
            key = where(loc.file, loc.line) if loc is not None else None
            if key is not None and loc is not None:
                f = f.model_copy(update={"location": Location(file=loc.file, pointer=key)})
            findings.append(f)
        return Report(tool=report.tool, policy=report.policy, command=report.command,
                      findings=tuple(findings), rules=report.rules, inputs=tuple(inputs),
                      timezone=report.timezone, request_timing=report.request_timing)


# ------------------------------------------------------------------ the send log
def _ids(t: Table, name: str) -> tuple[StringValue, BooleanValue]:
    """Column ``name`` as text, and whether it is usual (null, or plain text a strip keeps)."""
    if name not in t.columns:
        return ibis.null(dtypes.string), ibis.literal(True)
    col = t[name]
    typ = col.type()
    if typ.is_string():
        return col, col.isnull() | col.re_search(_PLAIN)
    if typ.is_integer():
        return col.cast("string"), ibis.literal(True)
    return ibis.null(dtypes.string), ibis.literal(True)  # a column of nulls (types: sends())


#: the backends whose ``timezone(zone, instant)`` is the wall clock of ``zone`` at ``instant``
_TIMEZONE_FUNCTION = frozenset({"duckdb", "postgres"})


def _timezone_of(zone: Any, at: Any) -> Any:
    """DuckDB's and PostgreSQL's ``timezone(zone, instant)``: the wall clock of ``zone``."""


#: the backend function as an Ibis expression (Ibis has no conversion between zones)
_timezone: Callable[..., TimestampValue] = ibis.udf.scalar.builtin(
    name="timezone", signature=(("string", "timestamp('UTC')"), "timestamp"))(_timezone_of)


def _utc(at: TimestampValue, backend: str) -> TimestampValue:
    """A timestamp column as its instant's wall clock in UTC (a timestamp without a zone).

    A column without a zone is UTC already. A zoned one is converted
    explicitly: its plain cast is the wall clock of the session's zone
    (DuckDB's ``TimeZone``, the machine's by default). Ibis has no conversion
    between zones, so it is the backend's own function where it is known; on
    other backends the cast, which is UTC when the session is (BigQuery's is).
    """
    if at.type().timezone is None:
        return at
    if backend in _TIMEZONE_FUNCTION:
        return _timezone("UTC", at)
    return at.cast("timestamp")


def _day_ok(at: StringValue) -> BooleanValue:
    """A ``YYYY-MM-DD...`` text's day is in the calendar (year 1 or later)."""
    y = at.substr(0, 4).try_cast("int64")
    m = at.substr(5, 2).try_cast("int64")
    d = at.substr(8, 2).try_cast("int64")
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    last = ibis.cases((m == 2, ibis.ifelse(leap, 29, 28)),
                      (m.isin([4, 6, 9, 11]), 30), else_=31)
    return (y >= 1) & (m >= 1) & (m <= 12) & (d >= 1) & (d <= last)


class TableFold(ColumnarFold):
    """The send-log fold of a warehouse table: checked and folded in the backend."""

    def __init__(self, con: Any, table: Table, key: str, name: str) -> None:
        super().__init__(con, str(getattr(con, "name", "ibis")))
        self.table = table
        self.key = key
        self.source = name

    def key_hints(self) -> list[KeyHint]:
        """The table's columns that misspell one the send reader reads (``subscriptionId``).

        The columns are the table's, after the mapping's renames: a file's first
        line gets the same check (``_sends.send_key_hints``).
        """
        return key_hints(dict.fromkeys(self.table.columns), SEND_KEYS, self.source, None)

    def _sends(self, purpose_of: dict[str, str], t: Tally) -> Table:
        """The accepted sends (``sid rid at cid purpose sub status email``), rejects into ``t``.

        The key column only locates a rejected row (``x_key``); the send id is
        ``send_id``, whatever the key.
        """
        tb = self.table
        sid, sid_ok = _ids(tb, "send_id")
        rid, rid_ok = _ids(tb, "record_id")
        cid, cid_ok = _ids(tb, "campaign_id")
        sub, sub_ok = _ids(tb, "subscription_id")
        status, status_ok = _ids(tb, "status")
        email, email_ok = _ids(tb, "email")
        purpose, purpose_ok = _ids(tb, "purpose")
        at_col = tb["sent_at"]
        typ = at_col.type()
        if typ.is_timestamp():
            # formatted as it is, never cast to microseconds: a cast rounds nanoseconds, the
            # format truncates them, as the send reader does a text's digits
            utc = _utc(at_col, self.name)
            # the date and the time apart, the T and the Z as literals: PostgreSQL's TO_CHAR,
            # which Ibis writes a format as, reads "DDT" as the day with an ordinal suffix
            at = utc.strftime("%Y-%m-%d") + "T" + utc.strftime("%H:%M:%S.%f") + "Z"
            # a four-digit year, as a text's (_day_ok); infinity has none (null)
            at_ok = utc.year().between(1, 9999)
        elif typ.is_string():
            # the canonical 27 characters: the fraction padded to microseconds, Z
            frac = at_col.re_extract(r"\.([0-9]+)", 1).fill_null("")
            at = at_col.substr(0, 19) + "." + frac.rpad(6, "0") + "Z"
            at_ok = at_col.notnull() & at_col.re_search(_USUAL_AT) & _day_ok(at_col)
        else:  # a column of nulls (the types were checked by ``TableReader.sends``)
            at, at_ok = ibis.null(dtypes.string), ibis.literal(False)
        listed = list(purpose_of)
        known = cid.isin(listed) if listed else ibis.literal(False)
        usual = (sid.notnull() & sid_ok & rid_ok & cid_ok & sub_ok & status_ok & email_ok
                 & purpose_ok & at_ok & (rid.notnull() | email.notnull())
                 & (purpose.isin(list(PURPOSES)) | (purpose.isnull() & known)))
        # prefixed: the table's own columns stay as they are for the rows that come back
        rows = tb.mutate(
            x_sid=sid, x_rid=rid, x_at=at, x_cid=cid, x_purpose=purpose, x_sub=sub,
            x_status=status, x_email=email.lower(), x_usual=usual.fill_null(False),
            x_key=tb[self.key])
        # a send id of more than one row, and a key of more than one row (which locates none)
        dup = rows.group_by(x_k=_.x_sid).aggregate(x_n=_.count()).filter(_.x_n > 1)
        rows = rows.left_join(dup, rows.x_sid == dup.x_k).mutate(x_dup=_.x_n.fill_null(0))
        if self.key != "send_id":
            kdup = rows.group_by(x_kk=_.x_key).aggregate(x_kn=_.count()).filter(_.x_kn > 1)
            rows = rows.left_join(kdup, rows.x_key == kdup.x_kk).mutate(
                x_kdup=_.x_kn.fill_null(0))
        else:
            rows = rows.mutate(x_kdup=ibis.literal(0))
        names = ("sid", "rid", "at", "cid", "purpose", "sub", "status", "email")
        good = rows.filter(_.x_usual & (_.x_dup < 2) & (_.x_kdup < 2)).select(
            **{n: _[f"x_{n}"] for n in names})
        # the unusual and the duplicated rows come back, with the columns as the table has them
        raw = [c for c in _SEND_COLUMNS if c in tb.columns]
        odd = self.con.to_pyarrow(
            rows.filter(~_.x_usual | (_.x_dup > 1) | (_.x_kdup > 1))
            .select(*raw, x_key=_.x_key, x_dup=_.x_dup, x_kdup=_.x_kdup)
            .order_by(["x_key", *raw[:1]]))
        t.read += int(self.con.to_pyarrow(tb.count()).as_py())
        extra = self._odd(_pylist(odd), purpose_of, t)
        if extra.num_rows:
            good = good.union(ibis.memtable(extra), distinct=False)
        return good.mutate(seq=ibis.row_number().over(order_by=[_.at, _.sid]))

    def _odd(self, rows: Iterable[dict[str, Any]], purpose_of: dict[str, str],
             t: Tally) -> pa.Table:
        """The send reader's own verdict on each row the predicates could not prove usual."""
        cols: dict[str, list[Any]] = {k: [] for k in
                                      ("sid", "rid", "at", "cid", "purpose", "sub", "status",
                                       "email")}
        for r in rows:
            where = _located(self.key, r.pop("x_key"))
            n, kn = r.pop("x_dup"), r.pop("x_kdup")
            if n > 1:
                self._reject(t, where, f"send_id: a key no other row has, got {n} rows with it")
                continue
            if kn > 1:
                self._reject(t, where, f"{self.key}: a key no other row has, got {kn} rows with it")
                continue
            obj = {k: _plain(v) for k, v in r.items()}
            try:
                s = _send_obj(obj, self.source, 1, purpose_of)
            except RecordError as err:
                for issue in err.issues[:1]:
                    reason = f"{issue.path}: {issue.expected}" if issue.path else issue.expected
                    if issue.found is not None:
                        reason += f", got {issue.found}"
                    self._reject(t, where, reason)
                continue
            for k, v in (("sid", s.send_id), ("rid", s.record_id),
                         ("at", canonical_instant(s.sent_at)), ("cid", s.campaign_id),
                         ("purpose", s.purpose), ("sub", s.subscription_id),
                         ("status", s.status), ("email", norm_email(s.email))):
                cols[k].append(v)
        return pa.table({k: pa.array(v, pa.string()) for k, v in cols.items()})

    def _reject(self, t: Tally, where: str, reason: str) -> None:
        t.rejected_records += 1
        t.rejected.append(Rejection(file=self.source, pointer=where, reason=reason))

    def __call__(self, sends: SnapshotInput, t: Tally, purpose_of: dict[str, str],
                 route: dict[str, int], watch_email: dict[str, int], channels: Channels,
                 progress: Callable[[str, int], None] | None) -> None:
        """Check and fold the send-log table into ``channels``; ``sends`` only names it."""
        with quiet():
            table = self._sends(purpose_of, t)
            if progress is not None:
                progress(t.file, t.read)
            if t.read == t.rejected_records:
                return
            facts = threshold_facts(route, watch_email, channels)
            self._fold(table, facts, channels)
