"""JUnit XML output: one test case per rule and file, escaping, determinism."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given

from gdpr_policy._rules import Severity
from gdpr_policy.report import Report, render_junit
from gdpr_policy.report._common import visible
from gdpr_policy.report._model import finding_file
from strategies.report import HOSTILE, hostile_report, reports, sample_report


def test_golden(golden) -> None:
    golden("report.junit.xml", render_junit(sample_report()))


def _cases(root: ET.Element) -> dict[tuple[str, str], ET.Element]:
    return {(c.get("classname", ""), c.get("name", "")): c for c in root.iter("testcase")}


@pytest.mark.parametrize("fail_on", ["error", "warning"])
def test_one_case_per_rule_and_file_failing_exactly_where_the_rule_fired(fail_on: str) -> None:
    report = sample_report()
    root = ET.fromstring(render_junit(report, fail_on=fail_on))  # type: ignore[arg-type]
    cases = _cases(root)
    threshold = Severity(fail_on).rank
    failing = [f for f in report.findings if f.severity.rank >= threshold]
    assert 0 < len(failing) < len(report.findings)  # the sample has findings on both sides
    fired = {(finding_file(f), f.rule) for f in failing}
    expected = {(file, rule) for file in report.files for rule in report.rules}
    rejected = {(i.file, "records") for i in report.inputs if i.rejected}
    assert set(cases) == expected | rejected
    for key, case in cases.items():
        if key in rejected:
            assert case.find("error") is not None
            continue
        failure = case.find("failure")
        assert (failure is not None) == (key in fired), key
        mine = [f for f in report.findings if (finding_file(f), f.rule) == key]
        passed = [f for f in mine if f.severity.rank < threshold]
        assert len((case.findtext("system-out") or "").splitlines()) == len(passed)
        if failure is not None:
            assert len((failure.text or "").splitlines()) == len(mine) - len(passed)
            assert failure.get("type") == max(mine, key=lambda f: f.severity.rank).severity.value


def test_counts_add_up() -> None:
    root = ET.fromstring(render_junit(sample_report()))
    suites = root.findall("testsuite")
    for attr, tag in (("tests", "testcase"), ("failures", "failure"), ("errors", "error")):
        assert int(root.get(attr, "-1")) == sum(int(s.get(attr, "-1")) for s in suites)
        for suite in suites:
            assert int(suite.get(attr, "-1")) == len(list(suite.iter(tag)))


def test_rule_ids_given_by_the_caller_add_passing_cases() -> None:
    report = sample_report()
    root = ET.fromstring(render_junit(report, rule_ids=["sample.extra-rule"]))
    names = {c.get("name") for c in root.iter("testcase")}
    # the findings' rules stay, the caller's list replaces the rest
    assert names == {"sample.extra-rule", "records", *(f.rule for f in report.findings)}


def test_hostile_strings_are_escaped_and_shown() -> None:
    report = hostile_report()
    text = render_junit(report)
    root = ET.fromstring(text)  # well-formed despite NUL, ESC, quotes and markup
    for raw in ("\x1b", "\x00", "\u202e"):
        assert raw not in text
    names = {s.get("name") for s in root.iter("testsuite")}
    assert "dir/" + visible(HOSTILE) in names
    failures = [f.text or "" for f in root.iter("failure")]
    # one line per finding: a newline in a value cannot add a line
    assert sum(len(t.splitlines()) for t in failures) == len(report.findings)
    assert any(f"[{visible(HOSTILE)}]" in t and visible(HOSTILE) in t for t in failures)
    (error,) = root.iter("error")
    assert (error.text or "").endswith(": " + visible(HOSTILE))


@given(reports())
def test_any_report_is_well_formed_and_deterministic(report: Report) -> None:
    text = render_junit(report)
    ET.fromstring(text)
    assert text == render_junit(Report.model_validate(report.model_dump()))


def test_an_unreadable_file_has_no_passing_case() -> None:
    from gdpr_policy.report import InputStats, PolicyRef, Rejection

    stats = InputStats(file="nope.js", read=1, evaluated=0, rejected=1, problems=(
        Rejection(file="nope.js", reason="nope.js: expected a readable file"),))
    report = Report(policy=PolicyRef(id="p", version="1"), command="banner",
                    rules=("sample.pre-ticked", "sample.late-answer"), inputs=(stats,))
    root = ET.fromstring(render_junit(report))
    cases = list(root.iter("testcase"))
    assert len(cases) == 3
    passing = [c for c in cases if not list(c)]
    assert passing == []
    assert [c.get("name") for c in cases if c.find("skipped") is not None] == [
        "sample.late-answer", "sample.pre-ticked"]
    assert root.get("skipped") == "2" and root.get("errors") == "1"
    suite = root.find("testsuite")
    assert suite is not None and suite.get("skipped") == "2"


def _by_severity() -> Report:
    from gdpr_policy._messages import Location
    from gdpr_policy._rules import Severity
    from gdpr_policy.report import PolicyRef
    from strategies.report import POLICY, SAMPLE_REGISTRY

    rule = SAMPLE_REGISTRY["sample.pre-ticked"]
    found = [rule.finding(POLICY, s.value, location=Location(file="a.js", line=n), category="x")
             for n, s in enumerate(Severity, 1)]
    return Report(policy=PolicyRef(id="p", version="1"), command="banner", rules=(), findings=tuple(
        f.model_copy(update={"severity": s}) for f, s in zip(found, Severity, strict=True)))


def test_findings_below_fail_on_pass_with_their_text_in_system_out() -> None:
    report = _by_severity()
    for fail_on, failing in (("error", {"error"}), ("warning", {"error", "warning"}),
                             ("never", set())):
        root = ET.fromstring(render_junit(report, fail_on=fail_on))  # type: ignore[arg-type]
        (case,) = root.iter("testcase")
        failure, out = case.find("failure"), case.find("system-out")
        failed = {line.split()[1] for line in (failure.text or "").splitlines()} \
            if failure is not None else set()
        passed = {line.split()[1] for line in (out.text or "").splitlines()} \
            if out is not None else set()
        assert failed == failing, fail_on
        assert failed | passed == {"error", "warning", "note"}  # every finding, once
        assert root.get("failures") == ("1" if failing else "0")
    assert render_junit(report) == render_junit(report, fail_on="error")  # the CLI's default


def test_a_report_of_notes_passes_as_its_exit_code_does() -> None:
    from gdpr_policy.report import exit_code

    report = _by_severity()
    notes = Report(policy=report.policy, command="banner",
                   findings=tuple(f for f in report.findings if f.severity.value == "note"))
    root = ET.fromstring(render_junit(notes))
    assert exit_code(notes) == 0 and root.get("failures") == "0"
    assert "note" in (next(root.iter("system-out")).text or "")
