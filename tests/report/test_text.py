"""The human text report: grouping, counts, reconciliation, languages, escaping."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from hypothesis import given

from gdpr_policy import i18n
from gdpr_policy._messages import Location
from gdpr_policy.report import InputStats, PolicyRef, Rejection, Report, render_text
from gdpr_policy.report._model import finding_file
from strategies.report import POLICY, SAMPLE_REGISTRY, hostile_report, reports, sample_report

_LOCALES = Path(i18n.__file__).parent / "locales"


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_golden(golden, lang: str) -> None:
    golden(f"report.{lang}.txt", render_text(sample_report(), lang))


def _catalog(lang: str) -> dict[str, str]:
    # plural entries as their forms joined, so that every form is checked
    with (_LOCALES / lang / "LC_MESSAGES" / "report.po").open("rb") as fh:
        return {
            (m.id[0] if isinstance(m.id, tuple) else m.id):
            ("\n".join(m.string) if isinstance(m.string, tuple) else m.string)
            for m in read_po(fh) if m.id
        }


def test_report_codes_exist_in_every_language_with_the_same_placeholders() -> None:
    catalogs = {lang: _catalog(lang) for lang in i18n.LANGUAGES}
    assert catalogs["en"]
    assert catalogs["en"].keys() == catalogs["nb"].keys() == catalogs["sv"].keys()
    package = Path(__file__).parents[2] / "src" / "gdpr_policy" / "report"
    used = {
        code
        for module in package.glob("*.py")
        for code in re.findall(r'"(report\.[a-z.-]+)"', module.read_text("utf-8"))
        if not code.endswith(".")  # a prefix, completed in the code (report.field.X ...)
    }
    severities = {f"report.severity.{s}" for s in ("error", "warning", "note")}
    assert len(used) > 10
    assert used | severities <= catalogs["en"].keys()
    for code, english in catalogs["en"].items():
        fields = set(re.findall(r"{(\w+)", english))
        for lang in ("nb", "sv"):
            assert set(re.findall(r"{(\w+)", catalogs[lang][code])) == fields, (code, lang)
            if code not in _SAME_WORD:
                assert catalogs[lang][code] != english, (code, lang)


# words that are the same in all three languages
_SAME_WORD = {"report.header", "report.total", "report.field.status", "report.column.file",
              "report.column.rule", "report.column.contact", "report.html.policy"}


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
        assert re.search(rf"^  {re.escape(rule_id)} +{count}\b", text, re.M)
    # the verdict comes first, right after the header, then the summary, then the findings
    lines = text.splitlines()
    assert lines[2] == i18n.translate("report.verdict", lang, s.findings).format(
        count=s.findings,
        errors=s.by_severity["error"],
        warnings=s.by_severity["warning"],
        notes=s.by_severity["note"],
    )
    first_finding = min(i for i, line in enumerate(lines) if line in report.files)
    assert lines.index(i18n.translate("report.per-rule", lang)) < first_finding
    assert lines.index(i18n.translate("report.inputs", lang)) < first_finding
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


def _unreadable(file: str = "nope.js") -> InputStats:
    return InputStats(file=file, read=1, evaluated=0, rejected=1, problems=(
        Rejection(file=file, reason=f"{file}: expected a readable file, found No such file"),))


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_a_report_that_read_nothing_says_so_and_never_no_findings(lang: str) -> None:
    report = Report(policy=PolicyRef(id="p", version="1"), command="banner",
                    inputs=(_unreadable(),))
    text = render_text(report, lang)
    assert i18n.translate("report.no-findings", lang) not in text
    assert text.splitlines()[2].startswith(
        {"en": "Nothing was read: ", "nb": "Ingenting ble lest: ", "sv": "Ingenting lästes: "}[lang])
    assert "nope.js" in text.splitlines()[2]
    # an empty file (read 0) read nothing either
    empty = Report(policy=PolicyRef(id="p", version="1"), command="audit",
                   inputs=(InputStats(file="e.csv", read=0, evaluated=0, rejected=0),))
    assert render_text(empty, lang).splitlines()[2].startswith(
        i18n.translate("report.nothing-read", lang).split(":")[0])


def test_no_findings_with_rejected_records_says_the_answer_is_incomplete() -> None:
    report = Report(policy=PolicyRef(id="p", version="1"), command="audit", inputs=(
        _unreadable("a.csv"), InputStats(file="b.csv", read=2, evaluated=2, rejected=0)))
    line = render_text(report).splitlines()[2]
    assert line == ("No findings in 2 evaluated records; 1 could not be evaluated "
                    "(see Rejected records).")
    one = Report(policy=PolicyRef(id="p", version="1"), command="audit", inputs=(
        _unreadable("a.csv"), InputStats(file="b.csv", read=1, evaluated=1, rejected=0)))
    assert render_text(one, "nb").splitlines()[2].startswith(
        "Ingen funn i 1 vurdert post;")


def test_times_are_shown_in_the_report_zone_and_the_zone_is_said() -> None:
    rule = SAMPLE_REGISTRY["sample.late-answer"]
    when = dt.datetime(2024, 11, 29, 23, 0, tzinfo=dt.UTC)
    finding = rule.finding(POLICY, "r1", location=Location(file="a.jsonl", line=1), days_late=1, due=when)
    report = Report(policy=PolicyRef(id="p", version="1"), command="audit",
                    findings=(finding,), timezone="Europe/Oslo")
    text = render_text(report, "nb")
    assert "Europe/Oslo" in text.splitlines()[1]
    assert "30. nov. 2024 00:00" in text
    assert "2024-11-29T23:00" not in text
    # legal references as a Norwegian reader cites them
    assert "personvernforordningen art. 12 nr. 3" in text
    assert "Europe/Oslo" not in render_text(sample_report(), "nb")  # no times, no zone line


def test_limit_per_rule_shows_the_first_findings_and_says_how_many_more() -> None:
    rule = SAMPLE_REGISTRY["sample.pre-ticked"]
    fs = [
        rule.finding(POLICY, f"c{i}", location=Location(file="a.js", line=i), category="x")
        for i in range(1, 8)
    ]
    report = Report(policy=PolicyRef(id="p", version="1"), command="audit", findings=tuple(fs))
    text = render_text(report, limit_per_rule=3)
    shown = re.findall(r"^  (\d+)  error  sample\.pre-ticked", text, re.M)
    assert shown == ["1", "2", "3"]
    assert "… 4 more findings of sample.pre-ticked not shown" in text
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
    header = 4  # header, blank, verdict, blank
    by_rule = [n for n in report.summary.by_rule.values() if n or not report.nothing_read]
    per_rule = (1 + len(by_rule)) if by_rule else 0
    clauses = {str(c) for f in report.findings for c in f.statement}
    per_clause = (1 + len(clauses)) if clauses else 0
    inputs = (1 + len(report.inputs) + (len(report.inputs) > 1)) if report.inputs else 0
    rejected = (1 + len(report.problems)) if report.problems else 0
    unreadable = int(report.command == "banner" and any(
        i.read and not i.evaluated for i in report.inputs
    ))
    summary = per_rule + per_clause + inputs + rejected + unreadable
    return header + summary + (1 if summary and findings else 0) + max(findings, 0)


@given(reports())
def test_any_report_has_one_line_per_finding_part(report: Report) -> None:
    text = render_text(report)
    assert "\x1b" not in text
    if report.findings:
        assert len(text.splitlines()) == _expected_lines(report)


def test_a_report_that_read_nothing_lists_no_rule_with_zero_findings() -> None:
    # a 0 beside a rule that ran on no record would read as a pass (issues 10 and 13)
    report = Report(policy=PolicyRef(id="p", version="1"), command="banner",
                    inputs=(_unreadable(),), rules=("sample.pre-ticked",))
    assert report.summary.by_rule == {"sample.pre-ticked": 0}
    text = render_text(report)
    assert "sample.pre-ticked" not in text
    read = InputStats(file="ok.js", read=1, evaluated=1, rejected=0)
    both = Report(policy=PolicyRef(id="p", version="1"), command="banner",
                  inputs=(_unreadable(), read), rules=("sample.pre-ticked",))
    assert re.search(r"^  sample\.pre-ticked +0\b", render_text(both), re.M)


_TIMING = {"early": 1, "late": 2, "on-time": 0, "open": 3, "overdue": 1, "withdrawn": 1}


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", ["Requests against their deadlines",
            "  1 request was answered early (7 days or more before the deadline)",
            "  0 requests were answered on time (in the last 7 days up to the deadline)",
            "  2 requests were answered late (after the deadline)",
            "  1 request is unanswered past its deadline",
            "  3 requests are open, not yet due",
            "  1 request was withdrawn"]),
    ("nb", ["Anmodninger målt mot fristene",
            "  1 anmodning ble besvart tidlig (7 dager eller mer før fristen)",
            "  0 anmodninger ble besvart i tide (de siste 7 dagene før fristen)",
            "  2 anmodninger ble besvart for sent (etter fristen)",
            "  1 anmodning er ikke besvart, og fristen er ute",
            "  3 anmodninger er åpne, fristen er ikke ute",
            "  1 anmodning ble trukket tilbake"]),
    ("sv", ["Begäranden i förhållande till tidsfristen",
            "  1 begäran besvarades tidigt (7 dagar eller mer före tidsfristen)",
            "  0 begäranden besvarades i tid (de sista 7 dagarna före tidsfristen)",
            "  2 begäranden besvarades för sent (efter tidsfristen)",
            "  1 begäran är obesvarad och tidsfristen har gått ut",
            "  3 begäranden är öppna, tidsfristen har inte gått ut",
            "  1 begäran återkallades"]),
])
def test_the_summary_says_how_requests_stand_against_their_deadlines(
        lang: str, expected: list[str]) -> None:
    # the numbers the HTML report charts, in the summary, before the findings, with the
    # language's plural forms (1 request, 0 and 2 requests)
    report = sample_report().model_copy(update={"request_timing": _TIMING})
    lines = render_text(report, lang).splitlines()
    start = lines.index(expected[0])
    assert lines[start:start + len(expected)] == expected
    first_finding = min(i for i, line in enumerate(lines) if line in report.files)
    assert lines.index(i18n.translate("report.inputs", lang)) < start < first_finding
    # none withdrawn: no line for them; the five others are said, zeros too
    quiet = report.model_copy(update={"request_timing": {"early": 2}})
    text = render_text(quiet, lang)
    assert expected[-1][4:] not in text
    assert len([line for line in text.splitlines() if line.startswith("  0 ")]) == 4


def test_a_report_that_judged_no_request_log_says_nothing_of_requests() -> None:
    text = render_text(sample_report())  # request_timing is None: not a line of zeros
    assert "Requests against their deadlines" not in text and "request was" not in text
