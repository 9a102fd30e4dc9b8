"""Warehouse tables audited in place (issue 14): the report of the same records as files.

The committed generated snapshots and the hand-made exports are loaded into a
DuckDB database file; the report of ``audit_tables`` on it must be the Python
engine's report of the files, with the tables' names and the rows' keys where
the files' report has file names and line numbers. Bad rows are rejected with
their table and key and counted; a missing table or column is a usage error.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("ibis")
pytest.importorskip("duckdb")
pytest.importorskip("pyarrow")

import ibis
import pyarrow as pa

from gdpr_policy import InputError, UsageError
from gdpr_policy._policy import bundled_policy
from gdpr_policy.audit import (
    SnapshotInput,
    WarehouseTables,
    audit_snapshot,
    audit_tables,
    deadline_hook,
)
from gdpr_policy.cli import main
from gdpr_policy.report import iter_json
from gdpr_policy.report._model import Report
from strategies.audit import snapshot_specs

from ._helpers import CAMPAIGNS, NL, at, fixture_lines, subscription
from ._warehouse import TABLES, csv_table, json_table, load, run_tables
from .test_engine import _lines
from .test_ground_truth import FIXTURES

# Ibis 12 calls a method DuckDB 2 deprecated (the library hides it; the tests' own set-up not)
pytestmark = pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning")

ROOT = Path(__file__).resolve().parents[2]
EXPORTS = ROOT / "tests" / "data" / "audit_exports"
AS_OF = dt.date(2025, 6, 30)
FILES = {"contacts": "contacts_export.csv", "subscriptions": "subscriptions.jsonl",
         "campaigns": "email_campaigns.json", "sends": "email_sends.jsonl",
         "requests": "dsr_requests.jsonl"}
JSON_KEYS = {"subscriptions": "recordId", "requests": "request_id", "campaigns": "campaign_id"}


def _json_keys(kind: str, lines: list[str]) -> dict[int | str, str]:
    """Where each record of a JSON input is (line, or pointer of an array) -> its key."""
    key = JSON_KEYS[kind]
    text = "".join(lines)
    if text.lstrip().startswith("["):
        return {f"/{i}": f"{key}={o[key]}" for i, o in enumerate(json.loads(text))}
    return {no: f"{key}={json.loads(x)[key]}" for no, x in enumerate(lines, 1) if x.strip()}


def as_tables(report: Report, files: dict[str, str], keys: dict[str, dict[Any, str]]) -> Any:
    """A file report's JSON as the same records in tables give it, findings in a fixed order.

    ``files``: file name -> table name; ``keys``: table -> (line or pointer -> ``key=value``).
    """
    text = "".join(iter_json(report, "en"))
    for name in sorted(files, key=len, reverse=True):
        text = text.replace(json.dumps(name)[1:-1], files[name])
    doc = json.loads(text)
    doc["tool"]["engine"] = "python"

    def moved(loc: dict[str, Any]) -> dict[str, Any]:
        where = keys.get(loc["file"], {})
        at_ = loc["line"] if loc["line"] is not None else loc["pointer"]
        if at_ in where:
            return {**loc, "line": None, "column": None, "pointer": where[at_]}
        return loc

    for f in doc["findings"]:
        if f["location"] is not None:
            f["location"] = moved(f["location"])
    for i in doc["inputs"]:
        for p in i.get("problems", ()):
            p.update(moved(p))
    doc["findings"].sort(key=lambda f: json.dumps(f, sort_keys=True))
    doc["inputs"].sort(key=lambda i: i["file"])  # a report lists its inputs by name
    return doc


def table_doc(report: Report) -> Any:
    doc = json.loads("".join(iter_json(report, "en")))
    assert doc["tool"]["engine"] == "duckdb"
    doc["tool"]["engine"] = "python"
    doc["findings"].sort(key=lambda f: json.dumps(f, sort_keys=True))
    return doc


def _reconciled(report: Report) -> None:
    for s in report.inputs:
        assert s.read == s.evaluated + s.rejected


@pytest.mark.parametrize("d", FIXTURES, ids=lambda p: p.name)
def test_committed_snapshots_as_tables_give_the_files_report(d: Path, tmp_path: Path) -> None:
    gt = json.loads((d / "ground_truth.json").read_text(encoding="utf-8"))
    as_of = dt.date.fromisoformat(gt["as_of"])
    inputs = {k: list(fixture_lines(d, n)) for k, n in FILES.items()}
    db = tmp_path / "crm.ddb"
    starts = load(db, inputs)
    kw: dict[str, Any] = {
        "as_of": as_of, "policy": bundled_policy().at(as_of), "timezone": gt["generator"]["csv_tz"],
        "datetime_format": gt["generator"]["csv_datetime_format"], "request_hook": deadline_hook}
    files = audit_snapshot(**{k: SnapshotInput(n, inputs[k]) for k, n in FILES.items()}, **kw)
    tables = run_tables(db, FILES, **kw)
    keys: dict[str, dict[Any, str]] = {
        TABLES[k]: _json_keys(k, inputs[k]) for k in JSON_KEYS}
    keys["contact"] = {line: f"Record ID={rid}" for line, rid in starts.items()}
    assert table_doc(tables) == as_tables(files, {n: TABLES[k] for k, n in FILES.items()}, keys)
    _reconciled(tables)
    # the snapshot breaks the send rules: the fold in the backend is exercised
    assert tables.summary.by_rule["marketing.after-opt-out"] > 0
    assert tables.summary.by_rule["marketing.no-basis"] > 0


def _export(name: str) -> list[str]:
    with (EXPORTS / name).open(encoding="utf-8", newline="") as fh:
        return list(fh)


#: a table cannot repeat a column name, as the export with a company's columns does
TABLE_SHAPED = sorted(p.name for p in EXPORTS.glob("*.csv") if p.name != "ui_with_company.csv")


@pytest.mark.parametrize("name", TABLE_SHAPED)
def test_hand_made_exports_as_tables_give_the_files_report(name: str, tmp_path: Path) -> None:
    rows = _export(name)
    # a table has no order: its send log is in time order (then send id)
    sends = sorted(_export("email_sends.jsonl"),
                   key=lambda x: (json.loads(x)["sent_at"], json.loads(x)["send_id"]))
    db = tmp_path / "crm.ddb"
    starts = load(db, {"contacts": rows, "sends": sends})
    mapping = None
    if name == "airbyte_contacts.csv":
        from gdpr_policy._yaml import load_yaml
        from gdpr_policy.audit import PortalMapping

        mapping = PortalMapping.model_validate(
            load_yaml((EXPORTS / "airbyte_mapping.yaml").read_bytes(), source="m").data)
    kw: dict[str, Any] = {
        "as_of": AS_OF, "policy": bundled_policy().at(AS_OF), "mapping": mapping,
        "datetime_format": "%d/%m/%Y %H:%M" if name == "excel_ambiguous.csv" else None}
    if name in ("companies_export.csv", "feedback_export.csv"):
        # another object: refused from its columns, as the file is
        with pytest.raises(InputError) as as_file:
            audit_snapshot(contacts=SnapshotInput(name, rows), **kw)
        with pytest.raises(InputError) as as_table:
            run_tables(db, ("contacts", "sends"), **kw)
        assert str(as_table.value) == str(as_file.value).replace(name, "contact")
        return
    files = audit_snapshot(contacts=SnapshotInput(name, rows),
                           sends=SnapshotInput("email_sends.jsonl", sends), **kw)
    tables = run_tables(db, ("contacts", "sends"), **kw)
    key = csv_table(rows)[0].column_names[0].removeprefix("\ufeff")
    keys = {"contact": {line: f"{key}={rid}" for line, rid in starts.items()}}
    assert table_doc(tables) == as_tables(
        files, {name: "contact", "email_sends.jsonl": "email_send"}, keys)
    _reconciled(tables)


def _db(tmp_path: Path, **tables: pa.Table) -> Any:
    con = ibis.duckdb.connect(str(tmp_path / "crm.ddb"))
    for name, t in tables.items():
        con.create_table(name, t, overwrite=True)
    return con


def _audited(con: Any, tables: dict[str, str]) -> Any:
    """``audit_tables`` on the bundled policy at AS_OF; the connection is closed after."""
    try:
        return audit_tables(con, tables, as_of=AS_OF, policy=bundled_policy().at(AS_OF))
    finally:
        con.disconnect()


def _sends(rows: list[dict[str, Any]]) -> pa.Table:
    cols = ("send_id", "campaign_id", "subscription_id", "purpose", "record_id", "email",
            "sent_at", "status")
    return pa.table({c: pa.array([r.get(c) for r in rows], pa.string()) for c in cols})


def _contacts(rows: list[dict[str, Any]]) -> pa.Table:
    cols = ("id", "property_email", "property_createdate", "property_hs_email_last_open_date")
    return pa.table({c: pa.array([r.get(c) for r in rows], pa.string()) for c in cols})


def _send_row(sid: str | None, rid: str | None, when: str, **kw: Any) -> dict[str, Any]:
    return {"send_id": sid, "record_id": rid, "sent_at": when, "purpose": "marketing",
            "subscription_id": "201843118", "status": "delivered", **kw}


def test_bad_rows_are_rejected_with_their_table_and_key_and_counted(tmp_path: Path) -> None:
    con = _db(
        tmp_path,
        contact=_contacts([
            {"id": "1", "property_email": "a@x.no", "property_createdate": "2019-03-12 08:14:00",
             "property_hs_email_last_open_date": "2025-01-01 10:00:00"},
            {"id": "2", "property_email": "b@x.no", "property_createdate": "2019-13-12 08:14:00"},
            {"id": "3", "property_email": "c@x.no", "property_createdate": "2019-03-12 08:14:00"},
            {"id": "3", "property_email": "d@x.no", "property_createdate": "2019-03-12 08:14:00"},
        ]),
        email_send=_sends([
            _send_row("S1", "1", "2025-03-01T10:00:00.000Z"),
            _send_row("S2", "1", "2025-02-30T10:00:00.000Z"),  # no such day
            _send_row(None, "1", "2025-03-02T10:00:00.000Z"),  # no send id
            _send_row("S4", "1", "2025-03-03T10:00:00.000Z"),
            _send_row("S4", "1", "2025-03-04T10:00:00.000Z"),  # the same key twice
            _send_row("S6", None, "2025-03-05T10:00:00.000Z"),  # nobody
            _send_row("S7", "1", "2025-03-06T11:00:00+01:00"),  # unusual, and fine
            _send_row(" S8 ", "1", "2025-03-07T10:00:00.000Z", email="A@X.NO"),  # padded
            _send_row("S9", "1", "2025-03-08T10:00:00.000Z", purpose="sales"),
            _send_row("S10", "1", "2025-03-09T10:00:00.000Z", purpose=None, campaign_id="9"),
            _send_row("S11", "1", "", purpose=None),
        ]),
        subscription_status=json_table([subscription(
            "1", "a@x.no", unsub_all=at("2025-01-01T00:00"))]))
    report = _audited(con, {"contacts": "contact", "sends": "email_send",
                            "subscriptions": "subscription_status"})
    _reconciled(report)
    stats = {s.file: s for s in report.inputs}
    assert (stats["contact"].read, stats["contact"].rejected) == (4, 3)
    assert [(p.pointer, p.reason) for p in stats["contact"].problems] == [
        ("id=2", "createdate: a real date and time in the format %Y-%m-%d %H:%M:%S, "
                 "got 2019-13-12 08:14:00"),
        ("id=3", "id: a key no other row has, got 2 rows with it"),
        ("id=3", "id: a key no other row has, got 2 rows with it"),
    ]
    s = stats["email_send"]
    assert (s.read, s.evaluated, s.rejected) == (11, 3, 8)  # both rows of S4 are rejected
    assert [(p.pointer, p.reason) for p in s.problems] == [
        ("send_id=S10", "purpose: a purpose, or a campaign_id of a known campaign, got '9'"),
        ("send_id=S11", "sent_at: the time of the send"),
        ("send_id=S2", "sent_at: an ISO 8601 date-time with a zone or epoch milliseconds, "
                       "got 2025-02-30T10:00:00.000Z"),
        ("send_id=S4", "send_id: a key no other row has, got 2 rows with it"),
        ("send_id=S4", "send_id: a key no other row has, got 2 rows with it"),
        ("send_id=S6", "record_id: a record id or an e-mail address"),
        ("send_id=S9", "purpose: marketing, administrative, transactional or null, got 'sales'"),
        ("send_id=null", "send_id: a send id"),
    ]
    assert all(p.file == "email_send" and p.line is None for p in s.problems)
    [hit] = [f for f in report.findings if f.rule == "marketing.after-opt-out"]
    # S7 (an offset) and S8 (padded, matched on its id) are read as the send reader reads them
    assert hit.evidence["send_ids"] == ["S1", "S7", "S8"]


def _seed(tmp_path: Path) -> tuple[Path, dict[str, Any], list[str]]:
    """The first committed snapshot in a DuckDB file, its audit arguments and CLI options."""
    d = FIXTURES[0]
    gt = json.loads((d / "ground_truth.json").read_text(encoding="utf-8"))
    db = tmp_path / "crm.ddb"
    load(db, {k: list(fixture_lines(d, n)) for k, n in FILES.items()})
    as_of = dt.date.fromisoformat(gt["as_of"])
    kw = {"as_of": as_of, "policy": bundled_policy().at(as_of),
          "timezone": gt["generator"]["csv_tz"], "request_hook": deadline_hook,
          "datetime_format": gt["generator"]["csv_datetime_format"]}
    opts = ["--as-of", gt["as_of"], "--timezone", gt["generator"]["csv_tz"]]
    if gt["generator"]["csv_datetime_format"]:
        opts += ["--datetime-format", gt["generator"]["csv_datetime_format"]]
    return db, kw, opts


def _cli(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["audit", *args], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_the_command_line_audits_the_tables_its_mapping_names(tmp_path: Path) -> None:
    db, kw, opts = _seed(tmp_path)
    mapping = tmp_path / "m.yaml"
    mapping.write_text("tables:\n" + "".join(f"  {k}: {t}\n" for k, t in TABLES.items()),
                       encoding="utf-8")
    code, out, err = _cli(["--engine", f"duckdb:///{db}", "--mapping", str(mapping),
                           "--format", "json", "--workers", "1", *opts])
    assert code == 1, err  # the snapshot breaks rules
    api = run_tables(db, TABLES, **kw).model_copy(update={"timezone": "Europe/Oslo"})
    assert json.loads(out) == json.loads("".join(iter_json(api, "en")))
    # a table and a file for one input: which one is meant?
    d = FIXTURES[0]
    sends = tmp_path / "email_sends.jsonl"
    sends.write_text("".join(fixture_lines(d, "email_sends.jsonl")), encoding="utf-8")
    code, _, err = _cli(["--engine", f"duckdb:///{db}", "--mapping", str(mapping),
                         "--sends", str(sends), *opts])
    assert code == 2
    assert "sends: given both as a table and as a file" in err


def test_a_send_log_file_beside_the_other_tables(tmp_path: Path) -> None:
    db, _kw, opts = _seed(tmp_path)
    d = FIXTURES[0]
    sends = tmp_path / "email_sends.jsonl"
    sends.write_text("".join(fixture_lines(d, "email_sends.jsonl")), encoding="utf-8")
    mapping = tmp_path / "m.yaml"
    mapping.write_text("tables:\n  contacts: contact\n  subscriptions: subscription_status\n"
                       "  campaigns: {table: email_campaign, key: campaign_id}\n",
                       encoding="utf-8")
    code, out, err = _cli(["--engine", f"duckdb:///{db}", "--mapping", str(mapping),
                           "--sends", str(sends), "--format", "json", *opts])
    assert code == 1, err
    doc = json.loads(out)
    assert [i["file"] for i in doc["inputs"]] == [
        str(sends), "contact", "email_campaign", "subscription_status"]
    # no request log: its rules are not evaluated, as when its file is not given
    assert any(f["rule"] == "audit.rule-not-evaluated"
               and f["evidence"]["rule"] == "erasure.not-carried-out" for f in doc["findings"])


@pytest.mark.parametrize(("tables", "says"), [
    ("  sends: nosuch\n", "tables.sends: cannot read the table 'nosuch' on duckdb"),
    ("  sends: {table: contact}\n",
     "tables.sends: the table 'contact' has no key column 'send_id'"),
    ("  sends: {table: email_send, columns: {sent: sent_at}}\n",
     "tables.sends.columns: the table 'email_send' has no column 'sent'"),
    ("  sends: {table: email_send, key: campaign_name, columns: {sent_at: when}}\n",
     "tables.sends: the table 'email_send' has no column 'sent_at', which the audit needs"),
    ("  campaigns: {table: email_campaign, columns: {purpose: kind}}\n",
     "tables.campaigns: the table 'email_campaign' has no column 'purpose'"),
    ("  contacts: {table: contact, key: Email}\n  requests: email_send\n",
     "tables.requests: the table 'email_send' has no key column 'request_id'"),
])
def test_a_missing_table_or_column_is_a_usage_error_that_names_it(
        tables: str, says: str, tmp_path: Path) -> None:
    db, _, opts = _seed(tmp_path)
    mapping = tmp_path / "m.yaml"
    mapping.write_text("tables:\n" + tables, encoding="utf-8")
    code, _, err = _cli(["--engine", f"duckdb:///{db}", "--mapping", str(mapping), *opts])
    assert code == 2
    assert says in err
    assert "Traceback" not in err


def test_tables_need_a_warehouse_connection_and_a_valid_section(tmp_path: Path) -> None:
    db, _, opts = _seed(tmp_path)
    mapping = tmp_path / "m.yaml"
    mapping.write_text("tables:\n  sends: email_send\n", encoding="utf-8")
    code, _, err = _cli(["--mapping", str(mapping), *opts])
    assert code == 2
    assert "--mapping names warehouse tables (sends): give the warehouse's Ibis connection" in err
    mapping.write_text("deactivated_property: status\ntables:\n  send: email_send\n",
                       encoding="utf-8")
    code, _, err = _cli(["--engine", f"duckdb:///{db}", "--mapping", str(mapping), *opts])
    assert code == 2
    assert (f"{mapping}:3:9: tables.send: expected a known key (unknown key 'send'; did you "
            "mean 'sends'?)") in err
    with pytest.raises(UsageError, match="expected an Ibis backend"):
        audit_tables(object(), WarehouseTables(sends="email_send"), **_seed(tmp_path)[1])
    con = ibis.duckdb.connect()
    with pytest.raises(UsageError, match=r"^tables: expected .*, got send: expected a known key "
                       r"\(unknown key 'send'; did you mean 'sends'\?\)$"):
        audit_tables(con, {"send": "email_send"}, **_seed(tmp_path)[1])
    with pytest.raises(UsageError, match=r"^sends: given both as a table and as a file"):
        audit_tables(con, {"sends": "email_send"}, sends=SnapshotInput("s", []),
                     **_seed(tmp_path)[1])


@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
@pytest.mark.parametrize("typ", ["TIMESTAMPTZ", "TIMESTAMP", "TIMESTAMP_MS", "TIMESTAMP_NS"])
def test_typed_columns_read_as_their_text(typ: str, zone: str, tmp_path: Path) -> None:
    """Timestamps (with a zone, or naive UTC as sync tools write them) and integer ids.

    Whatever the session's zone: DuckDB shows a zoned timestamp in it (``TimeZone``).
    """
    db, kw, _ = _seed(tmp_path)
    con = ibis.duckdb.connect(str(db))
    at_ = ("CAST(sent_at AS TIMESTAMPTZ)" if typ == "TIMESTAMPTZ"
           else f"CAST(CAST(sent_at AS TIMESTAMPTZ) AT TIME ZONE 'UTC' AS {typ})")
    con.raw_sql(f"CREATE TABLE typed AS SELECT * REPLACE ({at_} AS sent_at, "
                "CAST(record_id AS BIGINT) AS record_id) FROM email_send")
    con.raw_sql("CREATE TABLE req AS SELECT * REPLACE "
                "(CAST(received_at AS TIMESTAMPTZ) AS received_at) FROM dsr_request")
    assert con.table("typed").schema()["sent_at"].is_timestamp()
    con.disconnect()
    text = run_tables(db, TABLES, **kw)
    con = ibis.duckdb.connect(str(db))
    con.raw_sql(f"SET TimeZone = '{zone}'")
    try:
        typed = audit_tables(con, {**TABLES, "sends": "typed", "requests": "req"}, **kw)
    finally:
        con.disconnect()
    expected = json.loads(
        json.dumps(table_doc(text)).replace('"email_send', '"typed').replace('"dsr_request', '"req'))
    expected["inputs"].sort(key=lambda i: i["file"])
    assert table_doc(typed) == expected


def _section() -> str:
    text = (ROOT / "docs" / "audit.md").read_text(encoding="utf-8")
    return text.split("## Warehouse tables, in place\n", 1)[1].split("\n## ", 1)[0]


def test_the_documented_example_runs_as_written(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import contextlib
    import re
    import shlex
    import shutil

    section = _section()
    # the example's database is made from the committed snapshot, in a directory of its own
    shutil.copytree(ROOT / "tests" / "data" / "audit_fuzz", tmp_path / "tests/data/audit_fuzz")
    monkeypatch.chdir(tmp_path)
    [block] = re.findall(r"```python\n(.*?)```", section, re.S)
    assert not re.search(r"gdpr_policy\._", block)  # public imports only
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, "docs/audit.md", "exec"), {})
    assert out.getvalue().splitlines() == [
        line[2:] for line in block.splitlines() if line.startswith("# ")]
    [yaml] = re.findall(r"```yaml\n(.*?)```", section, re.S)
    (tmp_path / "crm-tables.yaml").write_text(yaml, encoding="utf-8")
    [command] = re.findall(r"```sh\n(.*?)```", section, re.S)
    code, printed, err = _cli(shlex.split(command)[2:])
    assert code == 1, err
    doc = json.loads(printed)
    assert doc["tool"]["engine"] == "duckdb"
    assert [(i["file"], i["read"]) for i in doc["inputs"]] == [
        ("contact", 24), ("dsr_request", 23), ("email_campaign", 58), ("email_send", 25),
        ("subscription_status", 25)]


@settings(max_examples=20, deadline=None)
@given(snapshot_specs(), st.dates(min_value=dt.date(2024, 3, 6), max_value=dt.date(2027, 12, 31)))
def test_generated_snapshots_as_tables_give_the_files_report(spec: dict[str, Any],
                                                             as_of: dt.date) -> None:
    lines = _lines(spec)
    # a table has no order: the files' send log is in the order a table's is read in
    lines["sends"] = sorted(lines["sends"], key=lambda x: (json.loads(x)["sent_at"],
                                                           json.loads(x)["send_id"]))
    lines["campaigns"] = [json.dumps(CAMPAIGNS)]
    names = {"subscriptions": "subscriptions.jsonl", "sends": "email_sends.jsonl",
             "requests": "dsr_requests.jsonl", "campaigns": "email_campaigns.json"}
    kw: dict[str, Any] = {"as_of": as_of, "policy": bundled_policy().at(as_of),
                          "request_hook": deadline_hook}
    contacts = SnapshotInput("contacts_api.jsonl", lines["contacts"])
    files = audit_snapshot(contacts=contacts,
                           **{k: SnapshotInput(n, lines[k]) for k, n in names.items()}, **kw)
    con = ibis.duckdb.connect()
    try:
        for k in names:
            con.create_table(TABLES[k], json_table(lines[k], k))
        tables = audit_tables(con, {k: TABLES[k] for k in names}, contacts=contacts, **kw)
    finally:
        con.disconnect()
    keys: dict[str, dict[Any, str]] = {
        TABLES[k]: _json_keys(k, lines[k]) for k in ("subscriptions", "requests", "campaigns")}
    assert table_doc(tables) == as_tables(files, {n: TABLES[k] for k, n in names.items()}, keys)
    assert tables.summary.rejected == 0


def test_rows_of_the_small_tables_are_located_by_their_key(tmp_path: Path) -> None:
    con = _db(
        tmp_path,
        contact=pa.table({
            "Record ID": ["7", "8", "9"],
            "First Name": ["Two\nlines", "Kari\r", "Ola\u2028N"],  # over two lines of CSV
            "Email": ["a@x.no", "b@x.no", "c@x.no"],
            "Create Date": ["2019-03-12 08:14", "not a date", "2019-03-12 08:14"],
            "Last marketing email open date": ["2021-01-01 10:00"] * 3}),
        email_campaign=pa.table({"campaign_id": ["100", "200", "300"],
                                 "purpose": ["marketing", "sales", None]}),
        dsr_request=pa.table({
            "request_id": ["R1", "R2"], "type": ["erasure", "erasure"],
            "received_at": ["2025-01-01T10:00:00Z", "yesterday"],
            "status": ["open", "open"], "subject_email": ["a@x.no", "b@x.no"]}))
    report = _audited(con, {"contacts": "contact", "campaigns": "email_campaign",
                            "requests": "dsr_request"})
    _reconciled(report)
    got = {(p.file, p.pointer, p.line): p.reason.split(":")[0] for p in report.problems}
    assert got == {
        ("contact", "Record ID=8", None): "createdate",
        ("dsr_request", "request_id=R2", None): "received_at",
        ("email_campaign", "campaign_id=200", None): "purpose",
        ("email_campaign", "campaign_id=300", None): "purpose",
    }
    # the contacts' findings are located by key too, never by a line of the text they became
    located = [f.location for f in report.findings if f.subject in ("7", "9")]
    assert located
    assert all(loc is not None and loc.line is None and loc.pointer in ("Record ID=7",
                                                                         "Record ID=9")
               for loc in located)


@pytest.mark.parametrize(("column", "sql", "says"), [
    ("sent_at", "CAST(1.5 AS DOUBLE)", "the column 'sent_at' of 'odd' is float64; expected ISO"),
    ("record_id", "TRUE", "the column 'record_id' of 'odd' is boolean; expected text or integers"),
])
def test_a_send_column_of_the_wrong_type_is_a_usage_error(column: str, sql: str, says: str,
                                                         tmp_path: Path) -> None:
    db, kw, _ = _seed(tmp_path)
    con = ibis.duckdb.connect(str(db))
    try:
        con.raw_sql(f"CREATE TABLE odd AS SELECT * REPLACE ({sql} AS {column}) FROM email_send")
        with pytest.raises(UsageError, match=f"^tables.sends: {says}"):
            audit_tables(con, {**TABLES, "sends": "odd"}, **kw)
    finally:
        con.disconnect()


def test_usual_rows_stay_in_the_backend_and_odd_ones_come_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gdpr_policy.audit._columnar import _tables

    came_back: list[str] = []
    odd = _tables.TableFold._odd

    def spy(self: Any, rows: Any, *args: Any) -> Any:
        rows = list(rows)
        came_back.extend(str(r["send_id"]) for r in rows)
        return odd(self, rows, *args)

    monkeypatch.setattr(_tables.TableFold, "_odd", spy)
    times = ["2025-03-01T10:00:00.000Z", "2025-03-01T10:00:00Z", "2025-03-01T10:00:00.5+00:00",
             "2025-03-01T10:00:00.123456Z", "2024-02-29T10:00:00.000Z",  # usual: 5
             "2025-03-01T11:00:00+01:00", "2025-03-01 10:00:00Z", "1740823200000",  # read in
             "2023-02-29T10:00:00.000Z",  # rejected
             "2025-03-01T10:00:00.1234567Z"]  # read in, as the reader reads it (truncated)
    rows = [_send_row(f"S{i}", "1", t) for i, t in enumerate(times)]
    con = _db(tmp_path, email_send=_sends(rows),
              contact=_contacts([{"id": "1", "property_email": "a@x.no",
                                  "property_createdate": "2019-03-12 08:14:00"}]),
              subscription_status=json_table([subscription(
                  "1", "a@x.no", unsub_all=at("2024-01-01T00:00"))]))
    report = _audited(con, {"sends": "email_send", "contacts": "contact",
                            "subscriptions": "subscription_status"})
    assert sorted(came_back) == ["S5", "S6", "S7", "S8", "S9"]
    [s] = [x for x in report.inputs if x.file == "email_send"]
    assert (s.read, s.rejected) == (10, 1)
    assert [p.pointer for p in s.problems] == ["send_id=S8"]
    # the same sends as a file: the same evidence, send for send (time, then send id)
    lines = [json.dumps(r) + "\n" for r in sorted(rows, key=lambda r: (
        at_text(r["sent_at"]), r["send_id"]))]
    file_report = audit_snapshot(
        as_of=AS_OF, policy=bundled_policy().at(AS_OF),
        sends=SnapshotInput("email_sends.jsonl", lines),
        contacts=SnapshotInput("c.csv", ["id,property_email,property_createdate\n",
                                         "1,a@x.no,2019-03-12 08:14:00\n"]),
        subscriptions=SnapshotInput("subscriptions.jsonl", [subscription(
            "1", "a@x.no", unsub_all=at("2024-01-01T00:00"))]))
    [hit] = [f for f in report.findings if f.rule == "marketing.after-opt-out"]
    [ref] = [f for f in file_report.findings if f.rule == "marketing.after-opt-out"]
    assert hit.evidence == ref.evidence
    assert hit.evidence["send_count"] == 9
    # in time order, then send id: the offset and the epoch time are the same instant as S0
    assert hit.evidence["send_ids"] == ["S4", "S0", "S1", "S5", "S6", "S7", "S3", "S9", "S2"]


def at_text(text: str) -> str:
    """A send time as the canonical UTC text (a bad one sorts last)."""
    from gdpr_policy.audit._logs import canonical_instant
    from gdpr_policy.audit._values import parse_instant

    try:
        return canonical_instant(parse_instant(text))
    except ValueError:
        return "~"


def _zoned(tmp_path: Path, zone: str, sql: dict[str, str]) -> Any:
    """A DuckDB file with the tables of ``sql`` (name -> SELECT), on a session in ``zone``."""
    con = ibis.duckdb.connect(str(tmp_path / "crm.ddb"))
    for name, select in sql.items():
        con.raw_sql(f"CREATE TABLE {name} AS {select}")
    con.raw_sql(f"SET TimeZone = '{zone}'")
    return con


@pytest.mark.parametrize("zone", ["Europe/Oslo", "America/New_York"])
def test_a_zoned_timestamp_is_its_instant_in_any_session_zone(zone: str,
                                                              tmp_path: Path) -> None:
    """A send at 09:00Z is before an opt-out at 10:00Z, one at 11:00Z after it, as in a file."""
    subs = [subscription("1", "a@x.no", off={NL: at("2025-03-01T10:00")}, consent=True)]
    status = tmp_path / "subscriptions.jsonl"
    status.write_text("".join(subs), encoding="utf-8")
    sends = [{"send_id": f"S{h}", "record_id": "1", "sent_at": f"2025-03-01T{h}:00:00.000Z",
              "campaign_id": "100", "purpose": "marketing"} for h in ("09", "11")]
    con = _zoned(tmp_path, zone, {
        # DuckDB's read_json makes the statuses' times TIMESTAMP WITH TIME ZONE, as in the docs
        "subscription_status": f"SELECT * FROM read_json('{status}')",
        "email_send": "SELECT * REPLACE (CAST(sent_at AS TIMESTAMPTZ) AS sent_at) FROM "
                      "(VALUES ('S09', '1', '2025-03-01 09:00:00+00', '100', 'marketing'), "
                      "('S11', '1', '2025-03-01 11:00:00+00', '100', 'marketing')) "
                      "t(send_id, record_id, sent_at, campaign_id, purpose)"})
    con.create_table("contact", _contacts([{"id": "1", "property_email": "a@x.no",
                                            "property_createdate": "2020-01-01 00:00:00"}]))
    con.create_table("email_campaign", pa.Table.from_pylist(CAMPAIGNS))
    assert con.table("email_send").schema()["sent_at"].timezone is not None
    report = _audited(con, {"contacts": "contact", "sends": "email_send",
                            "subscriptions": "subscription_status",
                            "campaigns": "email_campaign"})
    files = audit_snapshot(
        as_of=AS_OF, policy=bundled_policy().at(AS_OF),
        contacts=SnapshotInput("c.csv", ["id,property_email,property_createdate\n",
                                         "1,a@x.no,2020-01-01 00:00:00\n"]),
        subscriptions=SnapshotInput("s.jsonl", subs),
        campaigns=SnapshotInput("c.json", [json.dumps(CAMPAIGNS)]),
        sends=SnapshotInput("e.jsonl", [json.dumps(s) + "\n" for s in sends]))
    [ref] = [f for f in files.findings if f.rule == "marketing.after-opt-out"]
    [hit] = [f for f in report.findings if f.rule == "marketing.after-opt-out"]
    assert hit.evidence["send_ids"] == ["S11"]
    assert hit.evidence == ref.evidence


def test_a_naive_timestamp_column_of_any_table_is_utc(tmp_path: Path) -> None:
    """A contact's TIMESTAMP is UTC as a send's is; ``timezone`` is for naive text only."""
    con = _zoned(tmp_path, "Europe/Oslo", {
        "contact": "SELECT '1' AS id, 'a@x.no' AS property_email, "
                   "'2020-01-01 00:00:00' AS property_createdate, "
                   "'true' AS property_processing_restricted, "
                   "TIMESTAMP '2025-03-01 10:00:00' AS property_processing_restricted_date",
        "email_send": "SELECT * FROM (VALUES ('S1', '1', TIMESTAMP '2025-03-01 09:30:00'), "
                      "('S2', '1', TIMESTAMP '2025-03-01 10:30:00')) t(send_id, record_id, "
                      "sent_at), (SELECT 'administrative' AS purpose)"})
    try:
        report = audit_tables(con, {"contacts": "contact", "sends": "email_send"}, as_of=AS_OF,
                              policy=bundled_policy().at(AS_OF), timezone="Europe/Oslo")
    finally:
        con.disconnect()
    [hit] = [f for f in report.findings if f.rule == "restriction.processed"]
    assert hit.evidence["restricted_at"] == at("2025-03-01T10:00")
    assert hit.evidence["send_ids"] == ["S2"]


def test_nanoseconds_are_truncated_as_in_a_text(tmp_path: Path) -> None:
    """Times in nanoseconds are cut to microseconds, as the text reader cuts a text's digits."""
    ns = "CAST('2025-03-01 {}' AS TIMESTAMP_NS)".format
    con = _zoned(tmp_path, "UTC", {
        # restricted at 10:00:00.000000 (not rounded up to .000001)
        "contact": "SELECT '1' AS id, 'a@x.no' AS property_email, "
                   "'2020-01-01 00:00:00' AS property_createdate, "
                   "'true' AS property_processing_restricted, "
                   f"{ns('10:00:00.0000009')} AS property_processing_restricted_date",
        # S1 0.1 microsecond before 10:00 (not rounded up to it), S2 0.1 after it
        "email_send": f"SELECT * FROM (VALUES ('S1', {ns('09:59:59.9999999')}), "
                      f"('S2', {ns('10:00:00.0000001')})) t(send_id, sent_at), "
                      "(SELECT '1' AS record_id, 'administrative' AS purpose)"})
    report = _audited(con, {"contacts": "contact", "sends": "email_send"})
    _reconciled(report)
    [hit] = [f for f in report.findings if f.rule == "restriction.processed"]
    assert hit.evidence["send_ids"] == ["S2"]
    assert hit.evidence["restricted_at"] == at("2025-03-01T10:00")


_BEYOND = [("'infinity'", "infinity"), ("'-infinity'", "-infinity"),
           ("'10000-01-01 00:00:00'", "10000-01-01T00:00:00.000000Z"),
           ("'0001-12-31 (BC) 23:00:00'", "0000-12-31T23:00:00.000000Z")]


@pytest.mark.parametrize("typ", ["TIMESTAMP", "TIMESTAMPTZ"])
@pytest.mark.parametrize(("sql", "text"), _BEYOND)
def test_a_time_beyond_the_calendar_rejects_its_row(sql: str, text: str, typ: str,
                                                    tmp_path: Path) -> None:
    """Infinity and years outside 1-9999 reject the row, with the reason the text gets."""
    def typed(naive: str) -> str:  # the UTC wall clock ``naive`` as a ``typ``
        return naive if typ == "TIMESTAMP" else f"timezone('UTC', {naive})"

    naive = f"CAST({sql} AS TIMESTAMP)"
    value, before = typed(naive), typed("TIMESTAMP '2025-03-01 09:30:00'")
    con = _zoned(tmp_path, "Europe/Oslo", {
        "contact": "SELECT * FROM (VALUES ('1', 'a@x.no', TIMESTAMP '2020-01-01 00:00:00'), "
                   f"('2', 'b@x.no', {naive})) t(id, property_email, property_createdate)",
        "email_send": f"SELECT * FROM (VALUES ('S1', '1', {before}), "
                      f"('S2', '1', {value})) t(send_id, record_id, sent_at), "
                      "(SELECT 'administrative' AS purpose)",
        "dsr_request": "SELECT 'R1' AS request_id, 'erasure' AS type, 'open' AS status, "
                       f"'a@x.no' AS subject_email, {value} AS received_at"})
    assert str(con.table("email_send").schema()["sent_at"].timezone) == (
        "None" if typ == "TIMESTAMP" else "UTC")
    report = _audited(con, {"contacts": "contact", "sends": "email_send",
                            "requests": "dsr_request"})
    _reconciled(report)
    # the same values as text in files: the readers' own reasons
    files = audit_snapshot(
        as_of=AS_OF, policy=bundled_policy().at(AS_OF),
        contacts=SnapshotInput("contact", ["id,property_email,property_createdate\n",
                                           "1,a@x.no,2020-01-01T00:00:00.000000Z\n",
                                           f"2,b@x.no,{text}\n"]), contacts_format="csv",
        sends=SnapshotInput("email_send", [json.dumps(s) + "\n" for s in [
            {"send_id": "S1", "record_id": "1", "sent_at": "2025-03-01T09:30:00Z",
             "purpose": "administrative"},
            {"send_id": "S2", "record_id": "1", "sent_at": text,
             "purpose": "administrative"}]]),
        requests=SnapshotInput("dsr_request", [json.dumps(
            {"request_id": "R1", "type": "erasure", "status": "open",
             "subject_email": "a@x.no", "received_at": text}) + "\n"]))
    where = {("contact", 3): "id=2", ("email_send", 2): "send_id=S2",
             ("dsr_request", 1): "request_id=R1"}
    assert sorted((p.file, p.pointer, p.reason) for p in report.problems) == sorted(
        (p.file, where[p.file, p.line], p.reason) for p in files.problems)
    assert {(s.file, s.read, s.evaluated, s.rejected) for s in report.inputs} == {
        ("contact", 2, 1, 1), ("email_send", 2, 1, 1), ("dsr_request", 1, 0, 1)}


def test_the_send_key_only_locates_a_rejected_row(tmp_path: Path) -> None:
    """``key`` names the row in a rejection; the send id is still ``send_id``."""
    con = _zoned(tmp_path, "UTC", {
        "contact": "SELECT '1' AS id, 'a@x.no' AS property_email, "
                   "'2020-01-01 00:00:00' AS property_createdate, "
                   "'true' AS property_processing_restricted, "
                   "'2025-03-01 10:00:00' AS property_processing_restricted_date",
        "email_send": "SELECT * FROM (VALUES (1, 'S1', '2025-03-02T10:00:00Z', 'administrative'), "
                      "(2, 'S2', '2025-03-02T11:00:00Z', 'administrative'), "
                      "(3, 'S2', '2025-03-02T12:00:00Z', 'administrative'), "
                      "(4, 'S4', '2025-03-02T13:00:00Z', 'bogus'), "
                      "(5, 'S5', '2025-03-02T14:00:00Z', 'administrative'), "
                      "(5, 'S6', '2025-03-02T15:00:00Z', 'administrative')) "
                      "t(_row_id, send_id, sent_at, purpose), (SELECT '1' AS record_id)"})
    report = _audited(con, {"contacts": "contact",
                            "sends": {"table": "email_send", "key": "_row_id"}})
    _reconciled(report)
    [hit] = [f for f in report.findings if f.rule == "restriction.processed"]
    assert hit.evidence["send_ids"] == ["S1"]
    [s] = [x for x in report.inputs if x.file == "email_send"]
    assert (s.read, s.evaluated, s.rejected) == (6, 1, 5)
    assert [(p.pointer, p.reason) for p in s.problems] == [
        ("_row_id=2", "send_id: a key no other row has, got 2 rows with it"),
        ("_row_id=3", "send_id: a key no other row has, got 2 rows with it"),
        ("_row_id=4", "purpose: marketing, administrative, transactional or null, got 'bogus'"),
        ("_row_id=5", "_row_id: a key no other row has, got 2 rows with it"),
        ("_row_id=5", "_row_id: a key no other row has, got 2 rows with it"),
    ]


def test_a_send_column_spelled_like_one_the_audit_reads_is_a_warning(tmp_path: Path) -> None:
    # a file's first line was checked; a table's columns were not, so a send table with
    # subscriptionId lost every send's list without a word
    db, kw, _ = _seed(tmp_path)
    con = ibis.duckdb.connect(str(db))
    con.raw_sql("ALTER TABLE email_send RENAME COLUMN subscription_id TO subscriptionId")
    try:
        report = audit_tables(con, {k: TABLES[k] for k in ("contacts", "sends", "campaigns")},
                              **kw)
    finally:
        con.disconnect()
    hints = [f for f in report.findings if f.rule == "audit.key-not-read"]
    assert [(f.location.file if f.location else None, f.evidence) for f in hints] == [
        ("email_send", {"file": "email_send", "line": None, "key": "subscriptionId",
                        "meant": "subscription_id"})]
