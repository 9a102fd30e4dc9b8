"""Warehouse tables for the tests: a snapshot's files loaded into a DuckDB database file."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa

from gdpr_policy.audit._tables import audit_tables

#: the table each input is loaded into
TABLES = {"contacts": "contact", "subscriptions": "subscription_status",
          "campaigns": "email_campaign", "sends": "email_send", "requests": "dsr_request"}


def csv_table(lines: Iterable[str]) -> tuple[pa.Table, dict[int, str]]:
    """A CSV export as a table of text (every cell as written), and each record's first line."""
    text = "".join(lines).removeprefix("\ufeff")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","  # an Excel re-save
    reader = csv.reader(text.splitlines(keepends=True), delimiter=delimiter)
    header = next(reader)
    rows, starts = [], {}
    line = reader.line_num + 1
    for row in reader:
        if not any(row):
            line = reader.line_num + 1
            continue
        starts[line] = row[0]
        rows.append(row)
        line = reader.line_num + 1
    return pa.table({h: pa.array([r[i] if i < len(r) else None for r in rows], pa.string())
                     for i, h in enumerate(header)}), starts


#: the columns of an empty table of each input (a table has its columns even without rows)
EMPTY = {"sends": ("send_id", "record_id", "email", "sent_at", "purpose", "campaign_id"),
         "subscriptions": ("recordId", "subscriberIdString", "results", "wideStatuses"),
         "requests": ("request_id", "type", "received_at", "status", "subject_email"),
         "campaigns": ("campaign_id", "purpose")}


def json_table(lines: Iterable[str], kind: str = "") -> pa.Table:
    """JSON Lines, or one JSON array, as a table with one column per key."""
    text = "".join(lines)
    rows: list[dict[str, Any]] = (json.loads(text) if text.lstrip().startswith("[")
                                  else [json.loads(x) for x in text.splitlines() if x.strip()])
    if not rows:
        return pa.table({c: pa.array([], pa.string()) for c in EMPTY[kind]})
    table = pa.Table.from_pylist(rows)
    # a key that is null in every row has no type: text, as a warehouse would declare it
    schema = pa.schema([f.with_type(_typed(f.type)) for f in table.schema])
    return pa.Table.from_pylist(rows, schema=schema)


def _typed(t: pa.DataType) -> pa.DataType:
    if pa.types.is_null(t):
        return pa.string()
    if pa.types.is_list(t):
        return pa.list_(_typed(t.value_type))
    if pa.types.is_struct(t):
        return pa.struct([t.field(i).with_type(_typed(t.field(i).type))
                          for i in range(t.num_fields)])
    return t


def load(path: Path, inputs: dict[str, list[str]]) -> dict[int, str]:
    """Write ``inputs`` (file lines by input kind) as tables into the DuckDB file ``path``.

    Returns the first line of each contact record, by its first column's value.
    """
    con = ibis.duckdb.connect(str(path))
    starts: dict[int, str] = {}
    for kind, lines in inputs.items():
        if kind == "contacts":
            table, starts = csv_table(lines)
        else:
            table = json_table(lines, kind)
        con.create_table(TABLES[kind], table, overwrite=True)
    con.disconnect()
    return starts


def run_tables(path: Path, kinds: Iterable[str], **kw: Any) -> Any:
    """``audit_tables`` on the DuckDB file ``path``, for the tables of ``kinds``."""
    con = ibis.duckdb.connect(str(path))
    try:
        return audit_tables(con, {k: TABLES[k] for k in kinds}, **kw)
    finally:
        con.disconnect()
