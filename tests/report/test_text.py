"""The human text report: grouping, counts, reconciliation, languages, escaping."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from hypothesis import given

from gdpr_policy import i18n
from gdpr_policy._messages import Location
from gdpr_policy.report import InputStats, PolicyRef, Report, render_text
from gdpr_policy.report._model import finding_file
from strategies.report import SAMPLE_REGISTRY, hostile_report, reports, sample_report

_LOCALES = Path(i18n.__file__).parent / "locales"


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_golden(golden, lang: str) -> None:
    golden(f"report.{lang}.txt", render_text(sample_report(), lang))


def _catalog(lang: str) -> dict[str, str]:
    with (_LOCALES / lang / "LC_MESSAGES" / "report.po").open("rb") as fh:
        return {m.id: m.string for m in read_po(fh) if m.id}


def test_report_codes_exist_in_every_language_with_the_same_placeholders() -> None:
    catalogs = {lang: _catalog(lang) for lang in i18n.LANGUAGES}
    assert catalogs["en"]
    assert catalogs["en"].keys() == catalogs["nb"].keys() == catalogs["sv"].keys()
    package = Path(__file__).parents[2] / "src" / "gdpr_policy" / "report"
    used = {
        code
        for module in package.glob("*.py")
        for code in re.findall(r'"(report\.[a-z.-]+)"', module.read_text("utf-8"))
    }
    severities = {f"report.severity.{s}" for s in ("error", "warning", "note")}
    assert len(used) > 10
    assert used | severities <= catalogs["en"].keys()
    for code, english in catalogs["en"].items():
        fields = set(re.findall(r"{(\w+)", english))
        for lang in ("nb", "sv"):
            assert set(re.findall(r"{(\w+)", catalogs[lang][code])) == fields, (code, lang)
            if code not in ("report.header", "report.total"):
                assert catalogs[lang][code] != english, (code, lang)


def test_findings_are_grouped_by_file_then_line() -> None:
    report = sample_report()
    lines = render_text(report).splitlines()
    headers = [line for line in lines if line and not line.startswith(" ") and line in report.files]
    assert headers == sorted(
        dict.fromkeys(finding_file(f) for f in report.findings),
        key=lambda f: "" if f == "<input>" else f,
    )
    cookie = lines.index("site/cookieconsent.js")
    assert lines[cookie + 1].startswith("  3:5  error  sample.pre-ticked")
    assert lines[cookie + 3].startswith("  12:9  error  sample.pre-ticked")


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_counts_and_reconciliation_are_printed(lang: str) -> None:
    report = sample_report()
    text = render_text(report, lang)
    for stats in report.inputs:
        line = i18n.translate("report.reconciliation", lang).format(
            read=stats.read, evaluated=stats.evaluated, rejected=stats.rejected
        )
        assert re.search(rf"^  {re.escape(stats.file)} +{re.escape(line)}$", text, re.M)
    s = report.summary
    total = i18n.translate("report.reconciliation", lang).format(
        read=s.read, evaluated=s.evaluated, rejected=s.rejected
    )
    assert total in text
    for rule_id, count in s.by_rule.items():
        assert re.search(rf"^  {re.escape(rule_id)} +{count}$", text, re.M)
    assert text.rstrip("\n").endswith(
        i18n.translate("report.counts", lang).format(
            errors=s.by_severity["error"],
            warnings=s.by_severity["warning"],
            notes=s.by_severity["note"],
        )
    )
    for problem in report.problems:
        assert problem.reason in text


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_no_findings_is_said_on_one_line(lang: str) -> None:
    # A clean run is one line (issue 12: pre-commit prints every line of a hook).
    text = render_text(Report(policy=PolicyRef(id="p", version="1"), command="lint"), lang)
    assert text.splitlines() == [text.rstrip("\n")]
    assert text.rstrip("\n").endswith(" — " + i18n.translate("report.no-findings", lang))
    stats = InputStats(file="a.js", read=1, evaluated=1, rejected=0)
    report = Report(policy=PolicyRef(id="p", version="1"), command="banner", inputs=(stats,))
    text = render_text(report, lang)
    clean = i18n.translate("report.clean", lang).format(files=1, read=1, evaluated=1)
    assert text.splitlines() == [text.rstrip("\n")]
    assert text.rstrip("\n").endswith(" — " + clean)


def test_limit_per_rule_shows_the_first_findings_and_says_how_many_more() -> None:
    rule = SAMPLE_REGISTRY["sample.pre-ticked"]
    fs = [
        rule.finding(f"c{i}", location=Location(file="a.js", line=i), category="x")
        for i in range(1, 8)
    ]
    report = Report(policy=PolicyRef(id="p", version="1"), command="audit", findings=tuple(fs))
    text = render_text(report, limit_per_rule=3)
    shown = re.findall(r"^  (\d+)  error  sample\.pre-ticked", text, re.M)
    assert shown == ["1", "2", "3"]
    assert i18n.translate("report.more").format(count=4, rule="sample.pre-ticked") in text
    assert re.search(r"^  sample\.pre-ticked  7$", text, re.M)


def test_hostile_strings_cannot_reach_the_terminal() -> None:
    report = hostile_report()
    text = render_text(report)
    for raw in ("\x1b", "\x00", "\x07", "\r", "\u202e", "\u202c"):
        assert raw not in text
    assert "\\x1b[31mred" in text
    # the hostile newlines did not add lines: the layout is that of any report of this shape
    assert len(text.splitlines()) == _expected_lines(report)


def _expected_lines(report: Report) -> int:
    files = {finding_file(f) for f in report.findings}
    findings = 2 * len(report.findings) + len(files) + (len(files) - 1)  # headers and gaps
    header = 2
    per_rule = 1 + len(report.summary.by_rule) + 1  # blank line before, heading, rows
    inputs = (1 + len(report.inputs) + (len(report.inputs) > 1)) if report.inputs else 0
    rejected = (1 + len(report.problems)) if report.problems else 0
    unreadable = report.command == "banner" and any(
        i.read and not i.evaluated for i in report.inputs
    )
    return header + findings + per_rule + inputs + rejected + int(unreadable) + 1


@given(reports())
def test_any_report_has_one_line_per_finding_part(report: Report) -> None:
    text = render_text(report)
    assert "\x1b" not in text
    if report.findings:
        assert len(text.splitlines()) == _expected_lines(report)
