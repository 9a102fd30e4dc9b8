"""XLSX output: summary sheet, one sheet per rule with evidence columns, rejected rows,
localized headers, Excel dates in the controller's zone; decoded with the standard library."""

from __future__ import annotations

import datetime as dt
import io
import math
import sys
import zipfile
from pathlib import Path

import pytest

from gdpr_policy import UsageError
from gdpr_policy._messages import Location
from gdpr_policy.report import InputStats, Rejection, Report, write_xlsx
from gdpr_policy.report._xlsx import sheet_names
from report.xlsx_reader import read_workbook
from strategies.report import (
    HOSTILE,
    POLICY,
    POLICY_REF,
    SAMPLE_REGISTRY,
    hostile_report,
    sample_report,
)


def _audit_like() -> Report:
    late = SAMPLE_REGISTRY["sample.late-answer"]
    ticked = SAMPLE_REGISTRY["sample.pre-ticked"]
    when = dt.datetime(2024, 11, 29, 23, 0, tzinfo=dt.UTC)  # midnight on 30 November in Oslo
    return Report(
        policy=POLICY_REF, command="audit", timezone="Europe/Oslo",
        rules=("sample.never-fires",),
        findings=(
            late.finding(POLICY, "c1", location=Location(file="c.jsonl", line=1), days_late=1, evidence={
                "email": "kari@example.no", "last_send_at": when, "due": dt.date(2024, 2, 29),
                "send_count": 3}),
            late.finding(POLICY, "c2", location=Location(file="c.jsonl", line=2), days_late=2, evidence={
                "email": "ola@example.no"}),
            ticked.finding(POLICY, "x", location=Location(file="b.js", line=3), category="x",
                           evidence={"category": "=cmd|' /C calc'!A0"}),
        ),
        inputs=(InputStats(file="c.jsonl", read=3, evaluated=2, rejected=1, problems=(
            Rejection(file="c.jsonl", line=3, column=4, reason="c.jsonl:3:4: bad date"),)),),
    )


def _book(report: Report, lang: str = "en", tmp: Path | None = None) -> dict[str, list[list]]:
    buf = io.BytesIO()
    write_xlsx(report, buf, lang)
    path = (tmp or Path("/nonexistent")).with_suffix(".xlsx") if tmp else None
    if path is None:
        import tempfile

        with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as fh:
            fh.write(buf.getvalue())
            path = Path(fh.name)
    else:
        path.write_bytes(buf.getvalue())
    try:
        return read_workbook(path)
    finally:
        path.unlink()


def test_summary_rule_sheets_and_rejected_rows() -> None:
    book = _book(_audit_like())
    assert list(book) == ["Summary", "sample.late-answer", "sample.pre-ticked", "Rejected"]
    summary = book["Summary"]
    assert summary[3][0] == "3 findings — errors: 1, warnings: 2, notes: 0"
    per_rule = {r[0]: r for r in summary if r and r[0] in ("sample.late-answer",
                                                            "sample.pre-ticked",
                                                            "sample.never-fires")}
    assert per_rule["sample.late-answer"][3] == 2
    assert per_rule["sample.pre-ticked"][3] == 1
    assert per_rule["sample.never-fires"][3] == 0
    assert "sample.never-fires" not in book  # a sheet per rule that fired
    inputs = next(r for r in summary if r and r[0] == "c.jsonl")
    assert inputs[1:4] == [3, 2, 1]
    assert book["Rejected"][1] == ["c.jsonl", 3, 4, None, "c.jsonl:3:4: bad date"]


def test_the_summary_has_the_requests_against_their_deadlines_as_the_chart_and_json() -> None:
    timing = {"early": 4, "on-time": 3, "late": 2, "overdue": 1, "withdrawn": 1}
    report = _audit_like().model_copy(update={"request_timing": timing})
    rows = {r[0]: r[1] for r in _book(report, "sv")["Sammanfattning"] if r and len(r) > 1}
    assert rows["besvarad tidigt (7 dagar eller mer före tidsfristen)"] == 4
    assert rows["besvarad i tid (de sista 7 dagarna före tidsfristen)"] == 3
    assert rows["besvarad för sent (efter tidsfristen)"] == 2
    assert rows["obesvarad efter tidsfristen"] == 1
    assert rows["öppen, tidsfristen har inte gått ut"] == 0
    assert not any(r and r[0] == "Begäranden i förhållande till tidsfristen"
                   for r in _book(_audit_like(), "sv")["Sammanfattning"])


def test_one_column_per_evidence_field_and_excel_dates_in_the_zone() -> None:
    sheet = _book(_audit_like())["sample.late-answer"]
    header = sheet[0]
    assert header[:4] == ["Contact", "Subject", "Severity", "Message"]
    assert header[9:] == ["E-mail", "Deadline", "Last e-mail", "E-mails sent"]
    row = dict(zip(header, sheet[1], strict=False))
    assert row["E-mail"] == "kari@example.no"
    assert row["Last e-mail"] == dt.datetime(2024, 11, 30, 0, 0)  # an Excel date, Oslo time
    assert row["Deadline"] == dt.datetime(2024, 2, 29)
    assert row["E-mails sent"] == 3
    assert len(sheet) == 3


def test_headers_are_localized() -> None:
    book = _book(_audit_like(), "nb")
    assert next(iter(book)) == "Sammendrag" and list(book)[-1] == "Avvist"
    header = book["sample.late-answer"][0]
    assert header[:2] == ["Kontakt", "Gjelder"] and "E-post" in header
    book = _book(_audit_like(), "sv")
    assert book["sample.late-answer"][0][:2] == ["Kontakt", "Avser"]


def test_text_stays_text_never_a_formula() -> None:
    sheet = _book(_audit_like())["sample.pre-ticked"]
    assert "=cmd|' /C calc'!A0" in sheet[1]
    buf = io.BytesIO()
    write_xlsx(hostile_report(), buf)
    with zipfile.ZipFile(buf) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert not any("<f>" in x for x in sheets)  # no cell is a formula
    assert any('<t>=HYPERLINK("http://x")' in x for x in sheets)
    assert HOSTILE


def test_non_finite_and_huge_numbers_are_text_as_json_writes_them() -> None:
    late = SAMPLE_REGISTRY["sample.late-answer"]
    report = Report(
        policy=POLICY_REF, command="audit", rules=(),
        findings=(late.finding(POLICY, "c1", days_late=1, evidence={
            "a": math.inf, "b": -math.inf, "c": math.nan, "d": 10**400, "e": 2.5}),),
    )
    sheet = _book(report)["sample.late-answer"]
    row = dict(zip(sheet[0], sheet[1], strict=False))
    assert [row[k] for k in "abce"] == ["inf", "-inf", "nan", 2.5]
    assert row["d"] == "1" + "0" * 400


def test_a_file_name_that_is_not_utf8_is_written_escaped() -> None:
    name = "bad\udcffname.js"  # os.fsdecode(b"bad\xffname.js")
    late = SAMPLE_REGISTRY["sample.late-answer"]
    report = Report(
        policy=POLICY_REF, command="audit", rules=(),
        findings=(late.finding(POLICY, name, location=Location(file=name, line=1), days_late=1),),
        inputs=(InputStats(file=name, read=2, evaluated=1, rejected=1, problems=(
            Rejection(file=name, line=2, column=1, reason="bad"),)),),
    )
    book = _book(report)
    shown = "bad\\udcffname.js"
    assert shown in book["sample.late-answer"][1]  # subject and file
    assert book["Rejected"][1][0] == shown
    assert any(r and r[0] == shown for r in book["Summary"])


def test_sheet_names_fit_excel() -> None:
    long = ["retention.inactive-not-deactivated", "retention.inactive-not-deactivated-x",
            "a/b:c*d?e[f]"]
    names = sheet_names(long, {"Summary"})
    assert all(len(n) <= 31 for n in names.values())
    assert len(set(names.values())) == 3
    assert names["a/b:c*d?e[f]"] == "a_b_c_d_e_f_"
    assert sheet_names(["summary"], {"Summary"})["summary"] == "summary~2"


def test_the_sample_report_writes(tmp_path: Path) -> None:
    book = _book(sample_report(), "sv", tmp_path / "s")
    assert "Sammanfattning" in book


def test_missing_xlsxwriter_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "xlsxwriter", None)
    with pytest.raises(UsageError, match=r"gdpr-policy\[report\]"):
        write_xlsx(sample_report(), io.BytesIO())


def test_a_full_sheet_goes_on_in_a_further_sheet(monkeypatch: pytest.MonkeyPatch) -> None:
    from gdpr_policy.report import _xlsx

    monkeypatch.setattr(_xlsx, "MAX_ROWS", 3)  # Excel's is 1,048,576: a header and 2 rows here
    late = SAMPLE_REGISTRY["sample.late-answer"]
    report = Report(
        policy=POLICY_REF, command="audit", rules=(),
        findings=tuple(late.finding(POLICY, f"c{n}", location=Location(file="c.jsonl", line=n),
                                    days_late=n, evidence={"email": f"{n}@example.no"})
                       for n in range(1, 6)),
        inputs=(InputStats(file="c.jsonl", read=8, evaluated=5, rejected=3, problems=tuple(
            Rejection(file="c.jsonl", line=n, reason=f"bad {n}") for n in range(6, 9))),),
    )
    book = _book(report)
    assert list(book) == ["Summary", "sample.late-answer", "sample.late-answer~2",
                          "sample.late-answer~3", "Rejected", "Rejected~2"]
    parts = [book[n] for n in ("sample.late-answer", "sample.late-answer~2",
                               "sample.late-answer~3")]
    assert all(p[0][:2] == ["Contact", "Subject"] for p in parts)  # each with its header
    assert [r[0] for p in parts for r in p[1:]] == [f"{n}@example.no" for n in range(1, 6)]
    assert [r[4] for p in (book["Rejected"], book["Rejected~2"]) for r in p[1:]] == [
        "bad 6", "bad 7", "bad 8"]
