"""The columnar engine (issue 14): the same report as the Python engine, byte for byte in JSON.

On the committed generated snapshots (every CSV option they were written
with: zones, date formats, BOM, yes/no and true/false), on the hand-made
exports, through the command line, and with an Ibis connection. The hand-made
boundary snapshots and the hypothesis-generated ones of ``test_engine``,
``test_exports`` and ``test_rules`` are run on both engines by
``test_columnar_handmade``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("ibis")
pytest.importorskip("duckdb")
pytest.importorskip("pyarrow")

from gdpr_policy import InputError, UsageError
from gdpr_policy._policy import bundled_policy
from gdpr_policy.audit import SnapshotInput, audit_snapshot, deadline_hook
from gdpr_policy.cli import main

from ._differential import both_engines
from ._helpers import at, contact, fixture_lines, run, send, subscription
from .test_ground_truth import FIXTURES

ROOT = Path(__file__).resolve().parents[2]
EXPORTS = ROOT / "tests" / "data" / "audit_exports"


@pytest.mark.parametrize("mode", ["api", "csv", "csv+bin"])
@pytest.mark.parametrize("d", FIXTURES, ids=lambda p: p.name)
def test_committed_snapshots_give_the_same_bytes(d: Path, mode: str) -> None:
    gt = json.loads((d / "ground_truth.json").read_text(encoding="utf-8"))
    as_of = dt.date.fromisoformat(gt["as_of"])

    def inp(name: str) -> SnapshotInput:
        return SnapshotInput(name, list(fixture_lines(d, name)))

    report = both_engines(
        as_of=as_of, policy=bundled_policy().at(as_of),
        contacts=inp("contacts_api.jsonl") if mode == "api" else inp("contacts_export.csv"),
        subscriptions=inp("subscriptions.jsonl"), campaigns=inp("email_campaigns.json"),
        sends=inp("email_sends.jsonl"), requests=inp("dsr_requests.jsonl"),
        properties=inp("properties.json") if mode != "api" else None,
        recycle_bin=inp("contacts_api.jsonl") if mode == "csv+bin" else None,
        timezone=gt["generator"]["csv_tz"], datetime_format=gt["generator"]["csv_datetime_format"],
        request_hook=deadline_hook)
    # the snapshot breaks the send rules: the fold is exercised, not only its empty case
    assert report.summary.by_rule["marketing.after-opt-out"] > 0
    assert report.summary.by_rule["marketing.no-basis"] > 0


@pytest.mark.parametrize("zone", [None, "Europe/Stockholm", "UTC"])
@pytest.mark.parametrize("name", sorted(p.name for p in EXPORTS.glob("*.csv")))
def test_hand_made_exports_give_the_same_bytes(name: str, zone: str | None) -> None:
    with (EXPORTS / name).open(encoding="utf-8", newline="") as fh:
        rows = list(fh)
    with (EXPORTS / "email_sends.jsonl").open(encoding="utf-8") as fh:
        sends = list(fh)
    as_of = dt.date(2025, 6, 30)
    fmt = "%d/%m/%Y %H:%M" if name == "excel_ambiguous.csv" else None
    kw: dict[str, Any] = {
        "as_of": as_of, "policy": bundled_policy().at(as_of), "timezone": zone,
        "datetime_format": fmt, "contacts": SnapshotInput(name, rows),
        "sends": SnapshotInput("email_sends.jsonl", sends)}
    try:
        audit_snapshot(**kw)
        refused = None
    except InputError as exc:  # a file the audit refuses (another object, or unmapped columns)
        refused = str(exc)
    if refused is not None:
        kw["contacts"] = SnapshotInput(name, rows)
        with pytest.raises(InputError) as other:
            audit_snapshot(engine="duckdb", **kw)
        assert str(other.value) == refused
        return
    kw["contacts"] = SnapshotInput(name, rows)
    kw["sends"] = SnapshotInput("email_sends.jsonl", sends)
    both_engines(**kw)


def test_bad_send_lines_are_rejected_with_their_lines_on_both_engines() -> None:
    lines = [send("S1", "1", "a@x.no", at("2025-03-01T10:00")), "{not json\n", "\n",
             send("S2", None, "A@X.NO ", at("2025-03-02T10:00")),
             send("S3", "1", None, at("2025-03-03T10:00")).replace('"sent_at": "', '"sent_at": "x'),
             send("S4", "1", None, at("2025-03-04T10:00.000123"))]
    report = run(contacts=[contact("1", "a@x.no")], sends=lines,
                 subscriptions=[subscription("1", "a@x.no", unsub_all=at("2025-01-01T00:00"))],
                 engine="duckdb")
    assert report.tool.engine == "duckdb"
    [stats] = [s for s in report.inputs if s.file == "email_sends.jsonl"]
    assert (stats.read, stats.evaluated, stats.rejected) == (5, 3, 2)
    assert [p.line for p in stats.problems] == [2, 5]
    [hit] = [f for f in report.findings if f.rule == "marketing.after-opt-out"]
    # S2 is matched on the address (no record id); S4 was sent at a microsecond
    assert hit.evidence["send_ids"] == ["S1", "S2", "S4"]
    both_engines(as_of=dt.date(2025, 6, 30), policy=bundled_policy().at(dt.date(2025, 6, 30)),
                 contacts=SnapshotInput("contacts_api.jsonl", [contact("1", "a@x.no")]),
                 subscriptions=SnapshotInput("subscriptions.jsonl", [subscription(
                     "1", "a@x.no", unsub_all=at("2025-01-01T00:00"))]),
                 sends=SnapshotInput("email_sends.jsonl", lines))


def test_an_ibis_connection_runs_the_fold() -> None:
    import ibis

    con = ibis.duckdb.connect()
    report = both_engines(con, as_of=dt.date(2025, 6, 30),
                          policy=bundled_policy().at(dt.date(2025, 6, 30)),
                          contacts=SnapshotInput("contacts_api.jsonl", [contact("1", "a@x.no")]),
                          sends=SnapshotInput("email_sends.jsonl", [
                              send("S1", "1", None, at("2025-03-01T10:00"))]))
    assert report.summary.read == 2
    # the fold leaves no table behind in the user's database
    left = con.con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    assert [name for (name,) in left if "gdpr" in name] == []


def test_the_command_line_says_which_engine_ran_and_prints_the_same_report(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    outs = {}
    for engine in ("python", "duckdb", "duckdb://"):
        out, err = io.StringIO(), io.StringIO()
        code = main(["audit", "tests/data/audit_fuzz", "--as-of", "2025-06-30", "--format",
                     "json", "--engine", engine], stdout=out, stderr=err)
        assert code == 1, err.getvalue()  # the fuzz snapshot breaks rules
        outs[engine] = json.loads(out.getvalue())
    assert outs["python"]["tool"]["engine"] == "python"
    assert outs["duckdb"]["tool"]["engine"] == outs["duckdb://"]["tool"]["engine"] == "duckdb"
    for engine in ("duckdb", "duckdb://"):
        outs[engine]["tool"]["engine"] = "python"
        assert outs[engine] == outs["python"]
    out = io.StringIO()
    main(["audit", "tests/data/audit_fuzz", "--as-of", "2025-06-30", "--engine", "duckdb"],
         stdout=out, stderr=io.StringIO())
    assert out.getvalue().splitlines()[0].endswith("— engine: duckdb")


@pytest.mark.parametrize(("engine", "says"), [
    ("sparks", "expected python, duckdb, spark or an Ibis connection string"),
    ("nosuchbackend://x", "cannot open the Ibis connection 'nosuchbackend://x'"),
])
def test_an_unknown_engine_is_a_usage_error(engine: str, says: str,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    err = io.StringIO()
    code = main(["audit", "tests/data/audit_fuzz", "--as-of", "2025-06-30", "--engine", engine],
                stdout=io.StringIO(),
                stderr=err)
    assert code == 2
    assert says in err.getvalue()


def test_without_the_extra_the_engine_says_how_to_install_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from gdpr_policy.audit import _columnar

    monkeypatch.setitem(sys.modules, "ibis", None)  # import ibis raises ImportError
    monkeypatch.delitem(sys.modules, "gdpr_policy.audit._columnar._fold", raising=False)
    with pytest.raises(UsageError, match=r"pip install 'gdpr-policy\[engine\]'"):
        _columnar.send_fold("duckdb")


def test_spark_without_pyspark_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from gdpr_policy.audit import _columnar

    monkeypatch.setitem(sys.modules, "pyspark.sql", None)  # import pyspark.sql raises
    with pytest.raises(UsageError, match=r"--engine spark needs PySpark: pip install "
                                         r"'gdpr-policy\[spark\]'"):
        _columnar.send_fold("spark")


def test_an_engine_that_is_no_ibis_backend_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="an Ibis backend"):
        run(contacts=[contact("1", "a@x.no")], engine=object())


def _engines_section() -> str:
    text = (ROOT / "docs" / "audit.md").read_text(encoding="utf-8")
    return text.split("## Engines\n", 1)[1].split("\n## ", 1)[0]


def test_the_documented_commands_run_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    [block] = re.findall(r"```sh\n(.*?)```", _engines_section(), re.S)
    commands = [line for line in block.splitlines() if line.startswith("gdpr-policy audit")]
    assert len(commands) == 2
    for line in commands:
        out, err = io.StringIO(), io.StringIO()
        code = main(shlex.split(line)[1:], stdout=out, stderr=err)
        assert code == 1, err.getvalue()
        assert "duckdb" in out.getvalue()[:300]  # the header names the engine


def test_the_documented_python_example_runs_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    [block] = [b for b in python_blocks() if "pyspark" not in b]
    run_example(block)


def python_blocks() -> list[str]:
    """The Python examples of docs/audit.md's section on engines."""
    return re.findall(r"```python\n(.*?)```", _engines_section(), re.S)


def run_example(block: str) -> None:
    """Run one documented example; it prints what its comment lines show."""
    assert not re.search(r"gdpr_policy\._", block)  # public imports only
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, "docs/audit.md", "exec"), {})
    shown = [line[2:] for line in block.splitlines() if line.startswith("# ")]
    assert out.getvalue().splitlines() == shown


def test_the_benchmark_runs_both_engines_in_one_run_and_they_agree(tmp_path: Path) -> None:
    # docs/audit.md's benchmark commands, on a small snapshot
    subprocess.run([sys.executable, "benchmarks/gen_large.py", "--contacts", "400", "--out",
                    str(tmp_path)], check=True, cwd=ROOT, capture_output=True)
    done = subprocess.run([sys.executable, "benchmarks/audit.py", str(tmp_path), "--threads", "1",
                           "--workers", "1"], check=True, cwd=ROOT, capture_output=True, text=True)
    got = json.loads(done.stdout.splitlines()[-1])
    assert got["sends"] > 1000
    assert got["columnar_same"] is True
    assert got["columnar_s"] > 0
