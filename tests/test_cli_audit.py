from __future__ import annotations

import csv
import gzip
import io
import json
import shutil
from pathlib import Path

import pytest

from gdpr_policy.cli import main

DATA = Path(__file__).resolve().parent / "data" / "audit" / "seed4-oslo-iso-yesno"
GT = json.loads((DATA / "ground_truth.json").read_text("utf-8"))
AS_OF = GT["as_of"]
RULES = {
    "dsr_response_late": "request.late",
    "dsr_overdue_open": "request.overdue",
    "inactive_not_deactivated": "retention.inactive-not-deactivated",
    "hard_bounced_not_deleted": "retention.bounced-not-deleted",
    "marketing_email_after_opt_out": "marketing.after-opt-out",
    "restricted_but_processed": "restriction.processed",
    "deactivated_but_marketed": "retention.deactivated-marketed",
    "erasure_not_carried_out": "erasure.not-carried-out",
    "erasure_only_soft_deleted": "erasure.soft-deleted",
}


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def snapshot(tmp_path: Path) -> Path:
    """The committed fixture, unpacked as an auditor's export directory."""
    for gz in DATA.glob("*.gz"):
        with gzip.open(gz, "rb") as src, (tmp_path / gz.stem).open("wb") as dst:
            shutil.copyfileobj(src, dst)
    shutil.copy(DATA / "ground_truth.csv", tmp_path / "ground_truth.csv")
    return tmp_path


def _expected_counts() -> dict[str, int]:
    counts: dict[str, int] = {}
    with (DATA / "ground_truth.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh):
            if row[0] == "kind" or (row[0] == "contact" and row[2].startswith("erasure")):
                continue  # erasure rules are flagged on both the request and the contact
            counts[RULES[row[2]]] = counts.get(RULES[row[2]], 0) + 1
    return counts


def test_directory_audit_agrees_with_the_ground_truth(snapshot: Path) -> None:
    code, out, err = run("audit", str(snapshot), "--as-of", AS_OF, "--format", "json")
    assert code == 1, err
    data = json.loads(out)
    by_rule = data["summary"]["by_rule"]
    for rule, n in _expected_counts().items():
        assert by_rule[rule] == n, rule
    summary = data["summary"]
    assert summary["read"] == summary["evaluated"] + summary["rejected"]
    assert summary["rejected"] == 0
    # the file no input kind matches is named, not skipped silently
    unread = [f for f in data["findings"] if f["rule"] == "audit.file-not-read"]
    assert sorted(Path(f["evidence"]["file"]).name for f in unread) == [
        "contacts_export.csv", "ground_truth.csv"]
    files = {Path(i["file"]).name for i in data["inputs"]}
    assert files == {
        "contacts_api.jsonl",
        "subscriptions.jsonl",
        "email_campaigns.json",
        "email_sends.jsonl",
        "dsr_requests.jsonl",
        "properties.json",
    }


def test_single_files_and_the_csv_export(snapshot: Path) -> None:
    code, out, _ = run(
        "audit",
        "--contacts",
        str(snapshot / "contacts_export.csv"),
        "--properties",
        str(snapshot / "properties.json"),
        "--sends",
        str(snapshot / "email_sends.jsonl"),
        "--campaigns",
        str(snapshot / "email_campaigns.json"),
        "--subscriptions",
        str(snapshot / "subscriptions.jsonl"),
        "--requests",
        str(snapshot / "dsr_requests.jsonl"),
        "--timezone",
        GT["generator"]["csv_tz"],
        "--datetime-format",
        GT["generator"]["csv_datetime_format"],
        "--as-of",
        AS_OF,
        "--format",
        "json",
    )
    assert code == 1
    by_rule = json.loads(out)["summary"]["by_rule"]
    expected = _expected_counts()
    expected.pop("erasure.soft-deleted", None)  # a UI export has no recycle bin
    for rule, n in expected.items():
        assert by_rule[rule] == n, rule


def test_malformed_line_is_reported_and_the_rest_audited(snapshot: Path) -> None:
    sends = snapshot / "email_sends.jsonl"
    lines = sends.read_text("utf-8").splitlines(keepends=True)
    lines[4] = '{"send_id": "broken\n'
    sends.write_text("".join(lines), "utf-8")
    code, out, _ = run("audit", str(snapshot), "--as-of", AS_OF, "--format", "json")
    assert code == 3
    data = json.loads(out)
    (problem,) = [p for i in data["inputs"] for p in i["problems"]]
    assert problem["line"] == 5
    assert Path(problem["file"]).name == "email_sends.jsonl"
    send_input = next(i for i in data["inputs"] if i["file"].endswith("email_sends.jsonl"))
    assert send_input["read"] == len(lines)
    assert send_input["evaluated"] == len(lines) - 1
    assert data["summary"]["findings"] > 0


def test_text_report_counts_and_reconciles(snapshot: Path) -> None:
    code, out, _ = run("audit", str(snapshot), "--as-of", AS_OF, "--limit", "2", "--lang", "nb")
    assert code == 1
    assert "= " in out
    assert "request.late" in out


def test_csv_output_file_has_a_bom_and_one_row_per_finding(snapshot: Path, tmp_path: Path) -> None:
    # outside the snapshot directory: a file written there would be reported as not read
    target = tmp_path.parent / f"{tmp_path.name}-findings.csv"
    code, out, _ = run(
        "audit", str(snapshot), "--as-of", AS_OF, "--format", "csv", "--output", str(target)
    )
    assert code == 1
    assert out == ""
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    json_out = run("audit", str(snapshot), "--as-of", AS_OF, "--format", "json")[1]
    assert len(rows) - 1 == json.loads(json_out)["summary"]["findings"]


def test_json_is_byte_identical(snapshot: Path) -> None:
    first = run("audit", str(snapshot), "--as-of", AS_OF, "--format", "json")[1]
    assert first == run("audit", str(snapshot), "--as-of", AS_OF, "--format", "json")[1]


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (("--as-of", "2026-13-01"), "--as-of: expected an ISO 8601 date"),
        (("--as-of", AS_OF, "--timezone", "Mars/Base"), "--timezone: expected an IANA time zone"),
        (("--as-of", AS_OF, "--sends", "/nonexistent/sends.jsonl"), "expected a readable file"),
    ],
)
def test_usage_errors_exit_two(snapshot: Path, argv: tuple[str, ...], fragment: str) -> None:
    code, _, err = run("audit", str(snapshot), *argv)
    assert code == 2
    assert fragment in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("9999-12-31", "a date from 0001-01-02 to 9999-12-30"),
        ("0001-01-01", "a date from 0001-01-02 to 9999-12-30"),
        ("9999-12-31T23:00-05:00", "a date-time that exists in every time zone"),
        ("0001-01-01T00:30+01:00", "a date-time that exists in every time zone"),
    ],
)
def test_as_of_at_the_ends_of_the_calendar_is_a_usage_error(
    snapshot: Path, when: str, expected: str
) -> None:
    code, out, err = run("audit", str(snapshot), "--as-of", when)
    assert code == 2 and out == ""
    assert err == f"--as-of: expected {expected}" + err.split(expected, 1)[1]
    assert err.count("\n") == 1 and repr(when) in err


def test_an_input_that_is_not_utf8_is_named_at_its_first_bad_byte(tmp_path: Path) -> None:
    line = json.dumps({"send_id": "s", "campaign_id": "200", "purpose": "administrative",
                       "record_id": "1", "email": "a@eksempel.test",
                       "sent_at": "2025-02-11T09:00:00Z", "status": "delivered"})
    # far into the file, past the decoder's first buffer, whose offset the error used to give
    # columns count code points: é and € are one each, as the readers count them
    data = ("\n".join([line] * 2000) + '\n{"send_id": "s-é€').encode() + b'\xe6"}\n'
    sends = tmp_path / "sends.jsonl"
    sends.write_bytes(data)
    code, _, err = run("audit", "--sends", str(sends), "--as-of", "2025-06-30")
    offset = data.index(b"\xe6")
    assert code == 2
    assert err == (
        f"{sends}:2001:18: expected UTF-8 text (export the file as UTF-8), got byte 0xe6 at "
        f"offset {offset} of the file (invalid continuation byte)\n"
    )


def test_as_of_is_required_and_inputs_needed(tmp_path: Path) -> None:
    assert run("audit", str(tmp_path))[0] == 2
    code, _, err = run("audit", str(tmp_path), "--as-of", AS_OF)
    assert code == 2
    assert "give a snapshot directory" in err
    assert run("audit", str(tmp_path / "missing"), "--as-of", AS_OF)[0] == 2


def test_two_candidate_files_are_a_usage_error(snapshot: Path) -> None:
    shutil.copy(snapshot / "email_sends.jsonl", snapshot / "email_sends_old.jsonl")
    code, _, err = run("audit", str(snapshot), "--as-of", AS_OF)
    assert code == 2
    assert "email_sends_old.jsonl" in err


def test_a_request_row_the_deadline_engine_refuses_is_rejected_not_lost(snapshot: Path) -> None:
    log = snapshot / "dsr_requests.jsonl"
    lines = log.read_text("utf-8").splitlines(keepends=True)
    row = json.loads(lines[0])
    row["request_id"] = "x" * 3000  # longer than any request id the engine accepts
    lines[0] = json.dumps(row) + "\n"
    log.write_text("".join(lines), "utf-8")
    code, out, _ = run("audit", str(snapshot), "--as-of", AS_OF, "--format", "json")
    assert code == 3
    item = next(i for i in json.loads(out)["inputs"] if i["file"].endswith("dsr_requests.jsonl"))
    assert (item["read"], item["rejected"]) == (len(lines), 1)
    assert item["problems"][0]["line"] == 1


def test_workers_give_the_same_report(snapshot: Path) -> None:
    one = run("audit", str(snapshot), "--as-of", AS_OF, "--format", "json")[1]
    assert (
        run("audit", str(snapshot), "--as-of", AS_OF, "--format", "json", "--workers", "2")[1]
        == one
    )
    assert run("audit", str(snapshot), "--as-of", AS_OF, "--workers", "0")[0] == 2
    assert (
        run("audit", str(snapshot), "--as-of", AS_OF, "--format", "json", "--workers", "auto")[1]
        == one
    )
    code, _, err = run("audit", str(snapshot), "--as-of", AS_OF, "--workers", "many")
    assert code == 2
    assert "expected a number or auto, got 'many'" in err
    assert "Traceback" not in err


def test_auto_workers_is_one_per_cpu_at_most_four(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from gdpr_policy import cli

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3, 4, 5, 6, 7}, raising=False)
    assert cli._auto_workers() == 4
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {3}, raising=False)
    assert cli._auto_workers() == 1
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert cli._auto_workers() == 1


FUZZ = Path(__file__).resolve().parent / "data" / "audit_fuzz"
FUZZ_AS_OF = (FUZZ / "AS_OF").read_text("utf-8").strip()


def test_timezone_is_the_exports_zone_not_the_reports(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FUZZ.parent.parent.parent)
    argv = ("audit", "tests/data/audit_fuzz", "--as-of", FUZZ_AS_OF)
    _, oslo, _ = run(*argv)
    code, new_york, err = run(*argv, "--timezone", "America/New_York")
    assert code == 1, err
    # the report is shown in the controller's zone, the policy's, whatever the export's is
    assert "Times are shown in the controller's time zone, Europe/Oslo." in new_york
    assert "America/New_York" not in new_york
    cutoff = "before the inactivity cutoff 30 Jun 2023 00:00"  # midnight in Oslo
    assert cutoff in oslo and cutoff in new_york
    # the API dump's times carry their offset: the same instants, shown the same way
    assert "no activity since 26 Feb 2019 13:54" in oslo
    assert "no activity since 26 Feb 2019 13:54" in new_york


def test_an_audit_that_read_nothing_says_so_in_its_csv(tmp_path: Path) -> None:
    snapshot = tmp_path / "snap"
    snapshot.mkdir()
    (snapshot / "contacts_api.jsonl").write_bytes(b"")
    code, out, _ = run("audit", str(snapshot), "--as-of", AS_OF, "--format", "csv")
    assert code == 3
    rows = list(csv.reader(io.StringIO(out, newline="")))
    gap = len(rows) - 1 - rows[::-1].index([])  # the last table: records per input
    assert rows[gap + 1:] == [["File", "Read", "Evaluated", "Rejected"],
                              [str(snapshot / "contacts_api.jsonl"), "0", "0", "0"]]
    target = tmp_path / "r.csv"
    code, out, _ = run("audit", str(snapshot), "--as-of", AS_OF, "--format", "csv",
                       "--lang", "nb", "--output", str(target))
    assert (code, out) == (3, "")
    inputs = (tmp_path / "r.inputs.csv").read_bytes()
    assert inputs.startswith(b"\xef\xbb\xbf")  # for Excel, as the findings
    rows = list(csv.reader(io.StringIO(inputs.decode("utf-8-sig"), newline="")))
    assert rows[1] == [str(snapshot / "contacts_api.jsonl"), "0", "0", "0"]
    assert [] not in list(csv.reader(io.StringIO(target.read_text("utf-8-sig"), newline="")))


@pytest.mark.parametrize(("text", "error"), [
    # YAML reads an unquoted NO as false: Norway's code is the classic victim
    ("country_codes:\n  Norge: NO\n",
     "m.yaml:2:10: country_codes.Norge: expected a text, got False (YAML reads an unquoted NO, "
     "no, off, yes or on as true or false: put the value in quotes, 'NO')"),
    ("marketing_subscriptions: Newsletter\n",
     "m.yaml:1:26: marketing_subscriptions: expected a list, got 'Newsletter'"),
    ("consent_legal_basis: x\n",
     "m.yaml:1:22: consent_legal_basis: expected a known key (unknown key "
     "'consent_legal_basis'; did you mean 'consent_bases'?)"),
])
def test_a_mapping_error_is_in_plain_words_at_its_place(tmp_path: Path, snapshot: Path,
                                                        text: str, error: str) -> None:
    # pydantic's own words ("expected a valid tuple", "expected Extra inputs are not
    # permitted", "expected a valid string, got False") left the fix to be guessed
    mapping = tmp_path / "m.yaml"
    mapping.write_text(text, "utf-8")
    code, _, err = run("audit", str(snapshot), "--as-of", AS_OF, "--mapping", str(mapping))
    assert code == 2
    assert err == error.replace("m.yaml", str(mapping), 1) + "\n"
