"""The human report: summary first, then findings grouped by file then line.

Layout::

    gdpr-policy 0.1.0 — banner — policy inmeta version 3 (policy file privacy/policy.yaml)
    Times are shown in the controller's time zone, Europe/Oslo.

    1 finding — errors: 1, warnings: 0, notes: 0

    Findings per rule
      banner.preselected  1  A category is enabled before consent
    Findings per statement clause
      S25  1
    Records per input
      config.js  read 1 = evaluated 1 + rejected 0

    config.js
      12:5  error  banner.preselected  The category "analytics" is on by default.
          subject: analytics · legal: GDPR Recital 32 · statement: S25

An audit that judged a request log adds, after the records per input, how its
requests stand against their deadlines (answered early, on time or late,
unanswered past the deadline, open; withdrawn ones when there are any): the
numbers of the HTML report's chart and of the JSON's ``request_timing``.

A run with no finding and no rejected record is the header line alone, ending
in ``— no findings; files: 1, read 1 = evaluated 1`` (a pre-commit hook prints
every line). Otherwise the first line after the header is the verdict: the findings by severity, or
"Nothing was read: …" when no record of any input could be evaluated (never
"No findings." then). Messages and legal references are in the report's
language, times in the report's zone (:attr:`Report.timezone`).

Every string that came from an input (file names, subjects, messages,
pointers, reasons) is passed through :func:`visible`, so ANSI escapes, other
control characters and bidi overrides are shown, not obeyed, and a newline in
a value cannot forge a line of the report. The report's own words are message
codes of the ``report`` domain, in English, Bokmål or Swedish.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from .._rules import Finding
from ._common import (
    by_clause,
    check_lang,
    has_times,
    legal_text,
    message_text,
    report_text,
    rule_meta,
    verdict,
    visible,
)
from ._model import Report, finding_file

__all__ = ["render_text"]

_SEP = " · "


def _where(finding: Finding) -> str:
    loc = finding.location
    if loc is None or (loc.line is None and not loc.pointer):
        return "-"
    text = ""
    if loc.line is not None:
        text = str(loc.line) + (f":{loc.column}" if loc.column is not None else "")
    if loc.pointer:
        text += ("  " if text else "") + "#" + visible(loc.pointer)
    return text


def _finding_lines(finding: Finding, lang: str, tz: str | None) -> list[str]:
    severity = report_text(f"report.severity.{finding.severity.value}", lang)
    message = visible(message_text(finding, lang, tz))
    head = f"  {_where(finding)}  {severity}  {finding.rule}  {message}"
    details = [report_text("report.subject", lang, subject=visible(finding.subject))]
    if finding.legal:
        refs = "; ".join(legal_text(r, lang) for r in finding.legal)
        details.append(report_text("report.legal", lang, refs=refs))
    if finding.statement:
        details.append(
            report_text("report.statement", lang, refs=", ".join(map(str, finding.statement)))
        )
    return [head, "      " + _SEP.join(details)]


def _table(rows: Sequence[tuple[str, ...]]) -> list[str]:
    # columns padded to their widest cell, the last one left as it is
    if not rows:
        return []
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    return ["  " + "  ".join([c.ljust(w) for c, w in zip(r, widths, strict=False)] + [r[-1]]).rstrip()
            for r in rows]


def _title(rule_id: str, report: Report, lang: str) -> str:
    title = rule_meta(rule_id, report, lang).title
    return "" if title == rule_id else title


#: how requests stand against their deadlines, in the order of the HTML report's chart
_TIMINGS = ("early", "on-time", "late", "overdue", "open")


def _request_timing(report: Report, lang: str) -> list[str]:
    # the numbers the HTML report charts (answered early / on time / late, overdue, open);
    # every one is said, a 0 too, so the lines add up to the requests judged
    timing = report.request_timing
    if timing is None:  # no request log was judged: no line of zeros
        return []
    out = [report_text("report.requests", lang)]
    out.extend("  " + report_text(f"report.requests.{key}", lang, count=timing.get(key, 0))
               for key in _TIMINGS)
    if timing.get("withdrawn"):  # counted by the audit, not charted: said when there are any
        out.append("  " + report_text("report.requests.withdrawn", lang,
                                      count=timing["withdrawn"]))
    return out


def _summary(report: Report, lang: str) -> list[str]:
    summary = report.summary
    out: list[str] = []
    # When nothing was read no rule was evaluated on anything: a 0 would read as a pass.
    by_rule = {r: n for r, n in summary.by_rule.items() if n or not report.nothing_read}
    if by_rule:
        out.append(report_text("report.per-rule", lang))
        out.extend(_table([
            (r, str(n), _title(r, report, lang)) for r, n in by_rule.items()
        ]))
    clauses = by_clause(report)
    if clauses:
        out.append(report_text("report.per-clause", lang))
        out.extend(_table([(c, str(n)) for c, n in clauses.items()]))
    if report.inputs:
        out.append(report_text("report.inputs", lang))
        rows = [
            (visible(i.file),
             report_text("report.reconciliation", lang, read=i.read, evaluated=i.evaluated,
                         rejected=i.rejected))
            for i in report.inputs
        ]
        if len(report.inputs) > 1:
            rows.append((
                report_text("report.total", lang),
                report_text("report.reconciliation", lang, read=summary.read,
                            evaluated=summary.evaluated, rejected=summary.rejected),
            ))
        out.extend(_table(rows))
    out.extend(_request_timing(report, lang))
    if report.problems:
        out.append(report_text("report.rejected", lang))
        for p in report.problems:
            where = p.file + (f":{p.line}" if p.line is not None else "")
            where += f":{p.column}" if p.line is not None and p.column is not None else ""
            where += f"#{p.pointer}" if p.pointer else ""
            out.append(f"  {visible(where)}: {visible(p.reason)}")
    unreadable = sum(1 for i in report.inputs if i.read and not i.evaluated)
    if report.command == "banner" and unreadable:
        # Each banner file is one record: a rejected one is a file that could not be read.
        # When no file was read there are no "other files" that were checked.
        code = "banner.none-read" if unreadable == len(report.inputs) else "report.unreadable"
        out.append(report_text(code, lang, count=unreadable, files=len(report.inputs)))
    return out


def render_text(report: Report, lang: str = "en", *, limit_per_rule: int | None = None) -> str:
    """The human-readable report in ``lang``: verdict and summary first, then the findings.

    ``limit_per_rule`` shows only the first findings of each rule (in the
    stable order) and says how many more there are; the counts always cover
    every finding.
    """
    check_lang(lang)
    tz = report.timezone
    header = report_text(
        "report.header",
        lang,
        tool=report.tool.name,
        version=report.tool.version,
        command=visible(report.command),
        policy=visible(report.policy.id),
        policy_version=visible(str(report.policy.version)),
    )
    # The first line says which policy was used and why (issue 12): a site checked
    # against the bundled policy by mistake sees it at once.
    if report.policy.given is True:
        header += " " + report_text(
            "report.policy-given", lang, path=visible(report.policy.source or "")
        )
    elif report.policy.given is False:
        header += " " + report_text("report.policy-bundled", lang)
    if report.tool.engine is not None:  # the audit says which engine folded the send log
        header += " " + report_text("report.engine", lang, engine=visible(report.tool.engine))
    if not report.findings and not report.problems and not report.nothing_read:
        # A clean run is one line (pre-commit prints every line of a hook's output).
        # Never when nothing was read: that is no pass, and the verdict below says so.
        if not report.inputs:
            return header + " — " + report_text("report.no-findings", lang) + "\n"
        summary = report.summary
        return header + " — " + report_text(
            "report.clean", lang, files=len(report.inputs), read=summary.read,
            evaluated=summary.evaluated,
        ) + "\n"
    out = [header]
    if tz is not None and has_times(report):
        out.append(report_text("report.timezone", lang, zone=tz))
    out += ["", verdict(report, lang), ""]
    summary_lines = _summary(report, lang)
    if summary_lines:
        out += [*summary_lines, ""]

    shown: Counter[str] = Counter()
    hidden: Counter[str] = Counter()
    current: str | None = None
    for finding in report.findings:
        if limit_per_rule is not None and shown[finding.rule] >= limit_per_rule:
            hidden[finding.rule] += 1
            continue
        shown[finding.rule] += 1
        file = finding_file(finding)
        if file != current:
            if current is not None:
                out.append("")
            out.append(visible(file))
            current = file
        out.extend(_finding_lines(finding, lang, tz))
    for rule_id in sorted(hidden):
        out.append(report_text("report.more", lang, count=hidden[rule_id], rule=rule_id))
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"
