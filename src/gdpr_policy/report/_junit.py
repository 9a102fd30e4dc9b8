"""JUnit XML output: one test case per rule and file.

``<testsuites>`` holds one ``<testsuite>`` per file (inputs and the files
findings point at, sorted); each holds one ``<testcase classname=FILE
name=RULE>`` per evaluated rule (sorted). A test case fails where the exit
code does: when its rule fired on its file with a finding at or above
``fail_on`` (``error`` by default, as the CLI's ``--fail-on``); the ``type``
attribute of the ``<failure>`` is the highest severity among them, and the
failure text lists them with their locations and references. Findings below
``fail_on`` are listed in the test case's ``<system-out>``: the rule ran and
passed, so the case is neither failed nor ``<skipped>``, which says a rule was
not evaluated (as for a file of which nothing was read) and which CI test
reports count apart, as checks left undone. A file with rejected records gets
one more test case, ``records``, with an ``<error>`` listing them.

Strings are escaped for XML. Strings from inputs are passed through
:func:`visible` first, as in the text report: control characters (which XML
1.0 cannot carry anyway: NUL, ESC ...), line breaks and bidi overrides are
written as visible escapes (``\\x1b``, ``\\n``), so each finding stays on one
line of the failure text and a CI page shows what the input really holds. No timestamps or durations: the
same report gives byte-identical XML.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from .._rules import Finding
from ._common import check_lang, message_text, report_text, visible, xml_safe
from ._model import FailOn, InputStats, Report, failing, finding_file

__all__ = ["render_junit"]

_ATTR = {
    "&": "&amp;",
    "<": "&lt;",
    ">": "&gt;",
    '"': "&quot;",
    "\n": "&#10;",
    "\r": "&#13;",
    "\t": "&#9;",
}
_TEXT = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"}


def _attr(value: object) -> str:
    return "".join(_ATTR.get(c, c) for c in xml_safe(visible(str(value))))


def _text(value: str) -> str:
    return "".join(_TEXT.get(c, c) for c in xml_safe(value))


def _finding_line(finding: Finding, lang: str) -> str:
    loc = str(finding.location) if finding.location else finding_file(finding)
    line = f"{visible(loc)}: {finding.severity.value} {finding.rule} [{visible(finding.subject)}]: "
    line += visible(message_text(finding, lang))
    refs = [str(r) for r in finding.legal] + [str(s) for s in finding.statement]
    if refs:
        line += f" ({'; '.join(refs)})"
    return line


def _records_case(stats: InputStats, lang: str) -> list[str]:
    summary = report_text(
        "report.reconciliation",
        lang,
        read=stats.read,
        evaluated=stats.evaluated,
        rejected=stats.rejected,
    )
    body = "\n".join(
        visible(f"{p.file}:{p.line}" if p.line is not None else p.file) + ": " + visible(p.reason)
        for p in stats.problems
    )
    return [
        f'    <testcase classname="{_attr(stats.file)}" name="records">',
        f'      <error type="rejected" message="{_attr(summary)}">{_text(body)}</error>',
        "    </testcase>",
    ]


def render_junit(report: Report, lang: str = "en", rule_ids: Sequence[str] | None = None, *,
                 fail_on: FailOn = "error") -> str:
    """The report as JUnit XML; ``rule_ids`` overrides the rules of the report.

    The findings' own rules are always included, so no finding is left out. A
    test case fails when one of its findings reaches ``fail_on`` (``never``: none
    does), as :func:`~gdpr_policy.report.exit_code` gives 1.
    """
    check_lang(lang)
    fails = failing(fail_on)
    rules = sorted(
        set(report.rules if rule_ids is None else rule_ids) | {f.rule for f in report.findings}
    )
    by_case: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in report.findings:
        by_case[(finding_file(finding), finding.rule)].append(finding)
    inputs = {i.file: i for i in report.inputs}

    suites: list[str] = []
    total_tests = total_failures = total_errors = total_skipped = 0
    not_read = report_text("report.junit-not-read", lang)
    for file in report.files:
        cases: list[str] = []
        failures = skipped = 0
        stats = inputs.get(file)
        # a file of which no record was evaluated passed no rule: its cases are skipped
        unread = stats is not None and stats.evaluated == 0
        for rule_id in rules:
            fired = by_case.get((file, rule_id))
            head = f'    <testcase classname="{_attr(file)}" name="{_attr(rule_id)}"'
            if not fired and unread:
                skipped += 1
                cases.append(head + ">")
                cases.append(f'      <skipped message="{_attr(not_read)}"/>')
                cases.append("    </testcase>")
                continue
            if not fired:
                cases.append(head + "/>")
                continue
            failed: list[Finding] = []
            passed: list[Finding] = []
            for f in fired:
                (failed if fails(f) else passed).append(f)
            cases.append(head + ">")
            if failed:
                failures += 1
                worst = max((f.severity for f in failed), key=lambda s: s.rank)
                message = report_text("report.junit-failure", lang, count=len(failed),
                                      rule=rule_id)
                body = "\n".join(_finding_line(f, lang) for f in failed)
                cases.append(
                    f'      <failure type="{worst.value}" message="{_attr(message)}">'
                    f"{_text(body)}</failure>"
                )
            if passed:
                body = "\n".join(_finding_line(f, lang) for f in passed)
                cases.append(f"      <system-out>{_text(body)}</system-out>")
            cases.append("    </testcase>")
        errors = 0
        if stats is not None and stats.rejected:
            errors = 1
            cases.extend(_records_case(stats, lang))
        tests = len(rules) + errors
        total_tests += tests
        total_failures += failures
        total_errors += errors
        total_skipped += skipped
        suites.append(
            f'  <testsuite name="{_attr(file)}" tests="{tests}" failures="{failures}" '
            f'errors="{errors}" skipped="{skipped}">'
        )
        suites.append("    <properties>")
        for name, value in (
            ("policy.id", report.policy.id),
            ("policy.version", report.policy.version),
            ("tool.version", report.tool.version),
        ):
            suites.append(f'      <property name="{name}" value="{_attr(value)}"/>')
        suites.append("    </properties>")
        suites.extend(cases)
        suites.append("  </testsuite>")

    name = f"{report.tool.name} {report.command}"
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<testsuites name="{_attr(name)}" tests="{total_tests}" failures="{total_failures}" '
        f'errors="{total_errors}" skipped="{total_skipped}">'
    )
    return "\n".join([head, *suites, "</testsuites>"]) + "\n"
