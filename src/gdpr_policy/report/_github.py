"""GitHub Actions workflow commands: one annotation per finding.

``::error file=F,line=L,col=C,title=RULE::message`` (``warning`` for
warnings, ``notice`` for notes). Following GitHub's escaping rules, ``%``,
CR and LF are percent-encoded in the message, and additionally ``:`` and
``,`` in property values, so a hostile string can neither end the command
nor start a new one. Other control characters (ESC ...) are shown as
``\\x1b`` escapes. Properties that are unknown are left out rather than
guessed. Rejected records are annotated as errors too, so nothing is
silently dropped.

A report with inputs ends with one more line, the records per input
(``a.js: read 1 = evaluated 1 + rejected 0; ...``, and the total when there are
several): a ``::notice``, or an ``::error`` that starts with the verdict when
no record of any input was evaluated, so a run that read nothing never passes
unremarked in the log.
"""

from __future__ import annotations

from ._common import check_lang, message_text, report_text, verdict, visible
from ._model import InputStats, Report, Summary

__all__ = ["escape_data", "escape_property", "render_github"]

_LEVEL = {"error": "error", "warning": "warning", "note": "notice"}


def escape_data(text: str) -> str:
    """Escape a workflow-command message (the part after ``::``)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return visible(text)


def escape_property(text: str) -> str:
    """Escape a workflow-command property value (``file=``, ``title=`` ...)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _command(
    level: str,
    message: str,
    *,
    file: str | None,
    line: int | None,
    col: int | None,
    title: str,
) -> str:
    props: list[str] = []
    if file:
        props.append(f"file={escape_property(file)}")
        if line is not None:
            props.append(f"line={line}")
            if col is not None:
                props.append(f"col={col}")
    props.append(f"title={escape_property(title)}")
    return f"::{level} {','.join(props)}::{escape_data(message)}"


def render_github(report: Report, lang: str = "en") -> str:
    """The report as GitHub workflow commands, one line per finding or rejected record."""
    check_lang(lang)
    lines: list[str] = []
    for finding in report.findings:
        loc = finding.location
        message = message_text(finding, lang)
        refs = [str(r) for r in finding.legal] + [str(s) for s in finding.statement]
        if refs:
            message += f" ({'; '.join(refs)})"
        if loc is not None and loc.pointer and loc.line is None:
            message += f" [{loc.pointer}]"
        lines.append(
            _command(
                _LEVEL[finding.severity.value],
                message,
                file=loc.file if loc else None,
                line=loc.line if loc else None,
                col=loc.column if loc else None,
                title=finding.rule,
            )
        )
    rejected_title = report_text("report.rejected-title", lang)
    for problem in report.problems:
        lines.append(
            _command(
                "error",
                problem.reason,
                file=problem.file,
                line=problem.line,
                col=problem.column,
                title=rejected_title,
            )
        )
    if report.inputs:
        lines.append(_records(report, lang))
    return "".join(line + "\n" for line in lines)


def _records(report: Report, lang: str) -> str:
    """The one line of the records per input: a notice, or an error when nothing was read."""

    def counts(stats: InputStats | Summary) -> str:
        return report_text("report.reconciliation", lang, read=stats.read,
                           evaluated=stats.evaluated, rejected=stats.rejected)

    parts = [f"{i.file}: {counts(i)}" for i in report.inputs]
    if len(report.inputs) > 1:
        parts.append(f"{report_text('report.total', lang)}: {counts(report.summary)}")
    message = "; ".join(parts)
    title = report_text("report.inputs", lang)
    if report.nothing_read:
        return _command("error", f"{verdict(report, lang)} ({message})", file=None, line=None,
                        col=None, title=title)
    return _command("notice", message, file=None, line=None, col=None, title=title)
