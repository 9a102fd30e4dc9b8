"""JSON output: the shared findings shape, determinism, escaping."""

from __future__ import annotations

import datetime as dt
import json
import math

from hypothesis import given

from gdpr_policy import i18n
from gdpr_policy._messages import Location, Message
from gdpr_policy._rules import Finding, Severity
from gdpr_policy.report import PolicyRef, Report, render_json, report_json
from gdpr_policy.report._common import message_text
from gdpr_policy.report._json import finding_json
from gdpr_policy.report._model import jsonable
from strategies.report import (
    HOSTILE,
    POLICY,
    SAMPLE_REGISTRY,
    hostile_report,
    reports,
    sample_findings,
    sample_report,
)

FINDING_KEYS = {
    "rule",
    "code",
    "severity",
    "subject",
    "location",
    "message",
    "evidence",
    "references",
}


def test_golden(golden) -> None:
    golden("report.json", render_json(sample_report()))


def test_shape_is_the_shared_findings_shape() -> None:
    data = json.loads(render_json(sample_report()))
    assert list(data) == ["tool", "policy", "findings", "summary", "inputs"]
    assert set(data["tool"]) == {"name", "version"}
    assert set(data["policy"]) == {"id", "version"}
    for item in data["findings"]:
        assert set(item) == FINDING_KEYS
        assert set(item["location"]) == {"file", "line", "column", "pointer"}
        assert set(item["references"]) == {"legal", "statement"}


def test_findings_carry_what_the_report_holds() -> None:
    report = sample_report()
    data = json.loads(render_json(report))
    assert len(data["findings"]) == len(report.findings)
    for item, finding in zip(data["findings"], report.findings, strict=True):
        assert item["rule"] == finding.rule
        assert item["severity"] == finding.severity.value
        assert item["subject"] == finding.subject
        assert item["evidence"] == jsonable(finding.evidence)
        assert item["references"]["legal"] == [str(r) for r in finding.legal]
        assert item["references"]["statement"] == [s.clause for s in finding.statement]
        loc = finding.location or Location()
        assert item["location"] == loc.model_dump()
    assert data["summary"] == report.summary.model_dump(mode="json")


def _plain(value: object) -> object:
    # the JSON value of evidence, written here without the renderer's own helpers
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    return value


def _expected(report: Report) -> dict[str, object]:
    """The report's JSON as the documented shape says, built from the model's fields."""
    s = report.summary
    return {
        "tool": {"name": report.tool.name, "version": report.tool.version},
        "policy": {"id": report.policy.id, "version": report.policy.version},
        "findings": [
            {
                "rule": f.rule,
                "code": f.message.code,
                "severity": f.severity.value,
                "subject": f.subject,
                "location": {
                    "file": f.location.file if f.location else None,
                    "line": f.location.line if f.location else None,
                    "column": f.location.column if f.location else None,
                    "pointer": f.location.pointer if f.location else None,
                },
                "message": message_text(f, "en"),
                "evidence": _plain(f.evidence),
                "references": {"legal": [str(r) for r in f.legal],
                               "statement": [s.clause for s in f.statement]},
            }
            for f in report.findings
        ],
        "summary": {
            "command": report.command, "findings": len(report.findings),
            "by_severity": dict(s.by_severity), "by_rule": dict(s.by_rule),
            "files": s.files, "files_with_findings": s.files_with_findings,
            "read": sum(i.read for i in report.inputs),
            "evaluated": sum(i.evaluated for i in report.inputs),
            "rejected": sum(i.rejected for i in report.inputs),
        },
        "inputs": [
            {"file": i.file, "read": i.read, "evaluated": i.evaluated, "rejected": i.rejected,
             "problems": [{"file": p.file, "line": p.line, "column": p.column,
                           "pointer": p.pointer, "reason": p.reason} for p in i.problems]}
            for i in report.inputs
        ],
    }


@given(reports())
def test_same_report_gives_identical_bytes_and_valid_json(report: Report) -> None:
    text = render_json(report)
    assert text == render_json(Report.model_validate(report.model_dump()))
    # decoded by the standard library, compared with the model read field by field
    assert json.loads(text) == _expected(report)
    assert json.loads(text) == report_json(report)
    text.encode("utf-8")  # no lone surrogate can reach the output


def test_the_sample_report_decodes_to_its_fields_in_key_order() -> None:
    report = sample_report()
    decoded = json.loads(render_json(report))
    assert decoded == _expected(report)
    assert list(decoded) == list(_expected(report))
    for item in decoded["findings"]:
        assert list(item) == ["rule", "code", "severity", "subject", "location", "message",
                              "evidence", "references"]


def test_messages_are_rendered_in_the_requested_language() -> None:
    finding = Finding(
        rule="sample.pre-ticked",
        severity=Severity.ERROR,
        subject="s",
        # a code the report catalog holds in every language
        message=Message(code="report.subject", values={"subject": "x"}),
    )
    report = Report(policy=PolicyRef(id="p", version="1"), command="lint", findings=(finding,))
    texts = {
        lang: json.loads(render_json(report, lang))["findings"][0]["message"]
        for lang in i18n.LANGUAGES
    }
    for lang, text in texts.items():
        assert text == i18n.render(finding.message, lang)
    assert len(set(texts.values())) == 3


def test_a_missing_template_still_shows_the_values() -> None:
    rule = SAMPLE_REGISTRY["sample.late-answer"]
    report = Report(
        policy=PolicyRef(id="p", version="1"),
        command="lint",
        findings=(rule.finding(POLICY, "r", days=3, who="x"),),
    )
    assert json.loads(render_json(report))["findings"][0]["message"] == (
        "sample.late-answer (days=3, who=x)"
    )


def test_hostile_strings_round_trip() -> None:
    data = json.loads(render_json(hostile_report()))
    first = next(f for f in data["findings"] if f["subject"] == HOSTILE)
    assert first["location"]["file"] == "dir/" + HOSTILE
    assert first["evidence"][HOSTILE] == HOSTILE
    assert data["inputs"][0]["problems"][0]["reason"] == HOSTILE
    raw = render_json(hostile_report())
    assert "\x1b" not in raw
    assert "\x00" not in raw
    assert "\r" not in raw


def test_non_finite_numbers_and_lone_surrogates_still_give_valid_utf8_json() -> None:
    rule = SAMPLE_REGISTRY["sample.late-answer"]
    report = Report(
        policy=PolicyRef(id="p", version="1"),
        command="lint",
        findings=(rule.finding(POLICY, "bad\udcff", evidence={"x": math.nan, "y": -math.inf}),),
    )
    text = render_json(report)
    data = json.loads(text.encode("utf-8"))
    assert data["findings"][0]["subject"] == "bad\udcff"
    assert data["findings"][0]["evidence"] == {"x": "nan", "y": "-inf"}


def test_references_are_written_once_per_rule_but_never_shared() -> None:
    a, b = sample_findings()[:2]
    one, two = finding_json(a), finding_json(a)
    assert one["references"] == two["references"] == {
        "legal": [str(r) for r in a.legal], "statement": [str(s) for s in a.statement]}
    assert one["references"]["legal"] is not two["references"]["legal"]
    one["references"]["legal"].append("changed")
    assert finding_json(a)["references"]["legal"] == [str(r) for r in a.legal]
    assert finding_json(b)["references"] == {
        "legal": [str(r) for r in b.legal], "statement": [str(s) for s in b.statement]}


@given(reports())
def test_json_in_pieces_is_the_json(report: Report) -> None:
    from gdpr_policy.report import iter_json

    pieces = list(iter_json(report))
    assert "".join(pieces) == render_json(report)
    assert all(pieces)


def test_json_in_pieces_escapes_surrogates_and_bounds_each_piece() -> None:
    from gdpr_policy.report._json import dumps, iter_dumps

    value = {"findings": [{"n": i, "text": "\ud800" if i == 7 else "x" * 50} for i in range(40)]}
    pieces = list(iter_dumps(value, size=256))
    assert "".join(pieces) == dumps(value)
    assert "\\ud800" in "".join(pieces) and "\ud800" not in "".join(pieces)
    assert len(pieces) > 5
    # a piece ends once it passes the size; no piece holds more than one finding line beyond it
    assert max(map(len, pieces)) < 256 + 200
