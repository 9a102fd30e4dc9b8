"""CSV output: one finding a row, one column per evidence field, localized headers,
RFC 4180 quoting, formulas neutralised, rejected records as their own table.

Every check decodes the text with the standard library's csv module and compares
the cells with the report's own fields, not with the renderer's helpers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from hypothesis import given

from gdpr_policy._messages import Location
from gdpr_policy.report import (
    CSV_COLUMNS,
    InputStats,
    PolicyRef,
    Rejection,
    Report,
    iter_csv,
    iter_inputs_csv,
    iter_rejected_csv,
    render_csv,
)
from gdpr_policy.report._csv import neutralise
from strategies.report import (
    HOSTILE,
    POLICY,
    SAMPLE_REGISTRY,
    hostile_report,
    reports,
    sample_report,
)

EN_HEADER = ["Rule", "Severity", "Contact", "Subject", "File", "Line", "Column", "JSON pointer",
             "Message", "Legal references", "Statement clauses"]


def _rows(text: str, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))


def _findings_table(text: str, delimiter: str = ",") -> list[list[str]]:
    rows = _rows(text, delimiter)
    return rows[: rows.index([])] if [] in rows else rows


def test_golden(golden) -> None:
    golden("report.csv", render_csv(sample_report()))


def _audit_like() -> Report:
    rule = SAMPLE_REGISTRY["sample.late-answer"]
    when = dt.datetime(2024, 11, 29, 23, 0, tzinfo=dt.UTC)
    return Report(
        policy=PolicyRef(id="p", version="1"), command="audit", timezone="Europe/Oslo",
        findings=(
            rule.finding(POLICY, "1", location=Location(file="c.jsonl", line=1), evidence={
                "email": "kari@example.no", "name": "Kari Nordmann", "last_send_at": when,
                "send_ids": ["S1", "S2"], "due": dt.date(2024, 2, 29)}),
            rule.finding(POLICY, "2", location=Location(file="c.jsonl", line=2), evidence={
                "email": "ola@example.no", "send_count": 3}),
        ),
        inputs=(InputStats(file="c.jsonl", read=3, evaluated=2, rejected=1, problems=(
            Rejection(file="c.jsonl", line=3, column=7, reason="c.jsonl:3:7: email: expected text"),
        )),),
    )


def test_one_column_per_evidence_field_with_times_in_the_report_zone() -> None:
    report = _audit_like()
    rows = _findings_table(render_csv(report))
    header = rows[0]
    assert header[: len(CSV_COLUMNS)] == EN_HEADER
    # who first (name, e-mail), then the other fields sorted
    assert header[len(CSV_COLUMNS):] == ["Name", "E-mail", "Deadline", "Last e-mail",
                                         "E-mails sent", "Send IDs"]
    first = dict(zip(header, rows[1], strict=True))
    assert first["Name"] == "Kari Nordmann"
    assert first["E-mail"] == first["Contact"] == "kari@example.no"
    assert first["Last e-mail"] == "2024-11-30 00:00"  # 23:00 UTC is midnight in Oslo
    assert first["Deadline"] == "2024-02-29"
    assert first["Send IDs"] == "S1; S2"
    assert first["E-mails sent"] == ""
    second = dict(zip(header, rows[2], strict=True))
    assert second["E-mails sent"] == "3" and second["Name"] == ""
    assert len(rows) == 3
    assert "{" not in render_csv(report)  # no JSON cell


@pytest.mark.parametrize(("lang", "rule", "email", "legal"), [
    ("nb", "Regel", "E-post", "personvernforordningen art. 12 nr. 3"),
    ("sv", "Regel", "E-post", "dataskyddsförordningen artikel 12.3"),
])
def test_headers_and_references_are_localized(lang: str, rule: str, email: str,
                                              legal: str) -> None:
    rows = _findings_table(render_csv(_audit_like(), lang))
    assert rows[0][0] == rule and email in rows[0]
    cell = dict(zip(rows[0], rows[1], strict=True))
    assert cell[rows[0][CSV_COLUMNS.index("legal")]] == legal
    assert cell[rows[0][1]] == "warning"  # severities stay codes, so filters work in any language


def test_rejected_records_are_their_own_table() -> None:
    report = _audit_like()
    rows = _rows(render_csv(report))
    gap = rows.index([])
    assert rows[gap + 1] == ["File", "Line", "Column", "JSON pointer", "Reason"]
    assert rows[gap + 2] == ["c.jsonl", "3", "7", "", "c.jsonl:3:7: email: expected text"]
    assert rows[gap + 3] == []  # then the records per input
    alone = _rows("".join(iter_rejected_csv(report, "nb")))
    assert alone[0][0] == "Fil" and alone[1][0] == "c.jsonl"
    without = "".join(iter_csv(report, rejected=False, inputs=False))
    assert [] not in _rows(without)
    assert len(_rows(without)) == 3


def test_the_records_per_input_close_the_csv_with_nothing_read_shown_as_zeros() -> None:
    report = _audit_like()
    rows = _rows(render_csv(report))
    assert rows[-3:] == [[], ["File", "Read", "Evaluated", "Rejected"], ["c.jsonl", "3", "2", "1"]]
    assert _rows("".join(iter_inputs_csv(report, "sv", delimiter=";")), ";") == [
        ["Fil", "Lästa", "Bedömda", "Avvisade"], ["c.jsonl", "3", "2", "1"]]
    empty = Report(policy=report.policy, command="audit", inputs=(
        InputStats(file="=sends.jsonl", read=0, evaluated=0, rejected=0),))
    assert _rows(render_csv(empty)) == [
        EN_HEADER, [], ["File", "Read", "Evaluated", "Rejected"], ["'=sends.jsonl", "0", "0", "0"]]
    only_findings = "".join(iter_csv(report, inputs=False))
    assert "Evaluated" not in only_findings and "Reason" in only_findings


def test_semicolon_variant_for_norwegian_and_swedish_excel() -> None:
    report = _audit_like()
    text = render_csv(report, "nb", delimiter=";")
    rows = _findings_table(text, ";")
    assert rows[0][:2] == ["Regel", "Alvorlighet"]
    assert dict(zip(rows[0], rows[1], strict=True))["E-post"] == "kari@example.no"
    assert _findings_table(text, ";") == _findings_table(render_csv(report, "nb"), ",")


def test_one_row_per_finding_with_crlf_line_ends() -> None:
    report = sample_report()
    text = render_csv(report)
    rows = _findings_table(text)
    assert rows[0][: len(CSV_COLUMNS)] == EN_HEADER
    assert len(rows) == len(report.findings) + 1
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    for row, finding in zip(rows[1:], report.findings, strict=True):
        cell = dict(zip(CSV_COLUMNS, row, strict=False))
        assert cell["rule"] == finding.rule
        assert cell["severity"] == finding.severity.value
        loc = finding.location
        assert cell["line"] == (str(loc.line) if loc and loc.line else "")
        assert cell["statement"] == "; ".join(s.clause for s in finding.statement)


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\r=1"])
def test_formulas_are_neutralised(cell: str) -> None:
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["", "a=1", "1-2", "'=x", "plain", '{"a": 1}'])
def test_other_cells_are_left_alone(cell: str) -> None:
    assert neutralise(cell) == cell


def test_hostile_cells_round_trip_and_never_start_a_formula() -> None:
    report = hostile_report()
    rows = _rows(render_csv(report))
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    table = _findings_table(render_csv(report))
    assert len(table) == len(report.findings) + 1
    subjects = {dict(zip(CSV_COLUMNS, r, strict=False))["subject"] for r in table[1:]}
    assert subjects == {"'" + HOSTILE, "'-1+1"}
    evidence = table[0].index(HOSTILE) if HOSTILE in table[0] else table[0].index("'" + HOSTILE)
    assert "'" + HOSTILE in {r[evidence] for r in table[1:]}


@given(reports())
def test_any_report_parses_back_to_its_findings(report: Report) -> None:
    rows = _findings_table(render_csv(report))
    assert len(rows) == len(report.findings) + 1
    keys = sorted({k for f in report.findings for k in f.evidence})
    assert len(rows[0]) == len(CSV_COLUMNS) + len(keys)
    for row, finding in zip(rows[1:], report.findings, strict=True):
        cell = dict(zip(CSV_COLUMNS, row, strict=False))
        assert cell["subject"] == neutralise(finding.subject)
        file = finding.location.file if finding.location else None
        assert cell["file"] == neutralise(file or "")


@given(reports())
def test_csv_in_pieces_is_the_csv(report: Report) -> None:
    assert "".join(iter_csv(report)) == render_csv(report)
    assert "".join(iter_csv(report, size=1)) == render_csv(report)
