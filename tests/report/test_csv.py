"""CSV output: one finding a row, RFC 4180 quoting, formulas neutralised."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import given

from gdpr_policy.report import CSV_COLUMNS, Report, render_csv
from gdpr_policy.report._csv import neutralise
from gdpr_policy.report._model import jsonable
from strategies.report import HOSTILE, hostile_report, reports, sample_report


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), strict=True))


def test_golden(golden) -> None:
    golden("report.csv", render_csv(sample_report()))


def test_one_row_per_finding_with_crlf_line_ends() -> None:
    report = sample_report()
    text = render_csv(report)
    rows = _rows(text)
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == len(report.findings) + 1
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    for row, finding in zip(rows[1:], report.findings, strict=True):
        cell = dict(zip(CSV_COLUMNS, row, strict=True))
        assert cell["rule"] == finding.rule
        assert cell["severity"] == finding.severity.value
        assert json.loads(cell["evidence"]) == jsonable(finding.evidence)
        assert cell["legal"].split("; ") == [str(r) for r in finding.legal]
        loc = finding.location
        assert cell["line"] == (str(loc.line) if loc and loc.line else "")


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\r=1"])
def test_formulas_are_neutralised(cell: str) -> None:
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["", "a=1", "1-2", "'=x", "plain", '{"a": 1}'])
def test_other_cells_are_left_alone(cell: str) -> None:
    assert neutralise(cell) == cell


def test_hostile_cells_round_trip_and_never_start_a_formula() -> None:
    report = hostile_report()
    rows = _rows(render_csv(report))
    assert len(rows) == len(report.findings) + 1
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    subjects = {dict(zip(CSV_COLUMNS, r, strict=True))["subject"] for r in rows[1:]}
    assert subjects == {"'" + HOSTILE, "'-1+1"}


@given(reports())
def test_any_report_parses_back_to_its_findings(report: Report) -> None:
    rows = _rows(render_csv(report))
    assert len(rows) == len(report.findings) + 1
    for row, finding in zip(rows[1:], report.findings, strict=True):
        cell = dict(zip(CSV_COLUMNS, row, strict=True))
        assert cell["subject"] == neutralise(finding.subject)
        file = finding.location.file if finding.location else None
        assert cell["file"] == neutralise(file or "")


@given(reports())
def test_csv_in_pieces_is_the_csv(report: Report) -> None:
    from gdpr_policy.report import iter_csv

    assert "".join(iter_csv(report)) == render_csv(report)
    assert "".join(iter_csv(report, size=1)) == render_csv(report)
