"""GitHub workflow annotations: levels, properties, escaping."""

from __future__ import annotations

import re

import pytest
from hypothesis import given

from gdpr_policy.report import Report, render_github
from gdpr_policy.report._common import visible
from gdpr_policy.report._github import escape_data, escape_property
from strategies.report import HOSTILE, hostile_report, reports, sample_report

_COMMAND = re.compile(r"^::(error|warning|notice) ((?:[a-z]+=[^,:]*,?)+)::(.*)$")


def _unescape(text: str) -> str:
    for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(code, char)
    return text


def _parse(line: str) -> tuple[str, dict[str, str], str]:
    match = _COMMAND.match(line)
    assert match, line
    props = dict(p.split("=", 1) for p in match[2].split(","))
    return match[1], {k: _unescape(v) for k, v in props.items()}, _unescape(match[3])


def test_golden(golden) -> None:
    golden("report.github.txt", render_github(sample_report()))


def test_one_annotation_per_finding_and_rejected_record() -> None:
    report = sample_report()
    lines = render_github(report).splitlines()
    assert len(lines) == len(report.findings) + len(report.problems) + 1  # and the records
    level_of = {"error": "error", "warning": "warning", "note": "notice"}
    for line, finding in zip(lines[: len(report.findings)], report.findings, strict=True):
        level, props, message = _parse(line)
        assert level == level_of[finding.severity.value]
        assert props["title"] == finding.rule
        loc = finding.location
        assert props.get("file") == (loc.file if loc else None)
        assert props.get("line") == (str(loc.line) if loc and loc.line else None)
        assert props.get("col") == (str(loc.column) if loc and loc.column else None)
        for ref in finding.legal:
            assert str(ref) in message


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        ("100%", "100%25", "100%25"),
        ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
        ("a:b,c", "a:b,c", "a%3Ab%2Cc"),
        ("%0A", "%250A", "%250A"),
        ("\x1b[31m", "\\x1b[31m", "\\x1b[31m"),
    ],
)
def test_escaping_follows_githubs_rules(raw: str, data: str, prop: str) -> None:
    assert escape_data(raw) == data
    assert escape_property(raw) == prop


def _shown(text: str) -> str:
    """What GitHub shows after unescaping: line breaks kept, other controls as escapes."""
    return "".join(c if c in "\r\n" else visible(c) for c in text)


def test_hostile_strings_cannot_end_or_start_a_command() -> None:
    report = hostile_report()
    lines = render_github(report).splitlines()
    assert len(lines) == len(report.findings) + len(report.problems) + 1
    parsed = [_parse(line) for line in lines[:-1]]
    with_file = [p for p in parsed if p[1].get("file") == _shown("dir/" + HOSTILE)]
    assert len(with_file) == 1
    _, props, message = with_file[0]
    assert (props["line"], props["col"]) == ("2", "3")
    assert _shown(HOSTILE) in message
    assert parsed[-1][2] == _shown(HOSTILE)  # the rejected record's reason
    assert parsed[-1][1]["file"] == _shown("in/" + HOSTILE)


@given(reports())
def test_any_report_gives_one_parseable_line_per_finding(report: Report) -> None:
    lines = render_github(report).splitlines()
    assert len(lines) == len(report.findings)
    for line, finding in zip(lines, report.findings, strict=True):
        _, props, _message = _parse(line)
        assert props["title"] == finding.rule
        loc = finding.location
        if loc is not None and loc.file:
            assert props["file"] == _shown(loc.file)
        else:
            assert "file" not in props


def test_one_notice_reconciles_the_records_of_every_input() -> None:
    report = sample_report()
    level, props, message = _parse(render_github(report).splitlines()[-1])
    assert (level, props) == ("notice", {"title": "Records per input"})
    assert message == ("crm/contacts.csv: read 3 = evaluated 2 + rejected 1; "
                       "logs/requests.jsonl: read 5 = evaluated 5 + rejected 0; "
                       "total: read 8 = evaluated 7 + rejected 1")
    _, props, message = _parse(render_github(report, "nb").splitlines()[-1])
    assert props["title"] == "Poster per inndatafil" and "lest 3" in message


def test_nothing_read_is_an_error_annotation() -> None:
    from gdpr_policy.report import InputStats, Rejection

    report = Report(policy=sample_report().policy, command="banner", inputs=(
        InputStats(file="nope.js", read=1, evaluated=0, rejected=1, problems=(
            Rejection(file="nope.js", reason="nope.js: expected a readable file"),)),))
    lines = render_github(report).splitlines()
    assert len(lines) == 2  # the rejected file, then the verdict
    level, props, message = _parse(lines[-1])
    assert (level, props["title"]) == ("error", "Records per input")
    assert message.startswith("Nothing was read: ")
    assert message.endswith("(nope.js: read 1 = evaluated 0 + rejected 1)")
    assert "::notice" not in render_github(Report(policy=report.policy, command="banner"))
