"""Reports of findings and their renderers: text, JSON, SARIF, JUnit, GitHub and CSV.

Every command that reports findings (``lint``, ``banner``, ``audit``) builds
one :class:`Report` and hands it to :func:`render` with a format and a
language. Renderers are pure functions ``render_<format>(report, lang) -> str``:
no I/O, no clock, and the same report gives byte-identical output. See
``docs/output-formats.md`` for every format.
"""

from __future__ import annotations

from typing import Literal, get_args

from .._errors import UsageError
from ._csv import CSV_COLUMNS, render_csv
from ._github import render_github
from ._json import render_json, report_json
from ._junit import render_junit
from ._model import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    EXIT_REJECTED,
    FailOn,
    InputStats,
    PolicyRef,
    Rejection,
    Report,
    Summary,
    ToolInfo,
    audit_exit_code,
    exit_code,
    sort_findings,
)
from ._sarif import render_sarif, sarif_log
from ._text import render_text

__all__ = [
    "CSV_COLUMNS",
    "EXIT_CLEAN",
    "EXIT_FINDINGS",
    "EXIT_REJECTED",
    "FORMATS",
    "FailOn",
    "Format",
    "InputStats",
    "PolicyRef",
    "Rejection",
    "Report",
    "Summary",
    "ToolInfo",
    "audit_exit_code",
    "exit_code",
    "render",
    "render_csv",
    "render_github",
    "render_json",
    "render_junit",
    "render_sarif",
    "render_text",
    "report_json",
    "sarif_log",
    "sort_findings",
]

Format = Literal["text", "json", "sarif", "junit", "github", "csv"]
FORMATS: tuple[Format, ...] = get_args(Format)


def render(report: Report, fmt: Format | str, lang: str = "en") -> str:
    """Render a report in one of :data:`FORMATS`, messages in ``lang`` (en, nb, sv)."""
    if fmt == "text":
        return render_text(report, lang)
    if fmt == "json":
        return render_json(report, lang)
    if fmt == "sarif":
        return render_sarif(report, lang)
    if fmt == "junit":
        return render_junit(report, lang)
    if fmt == "github":
        return render_github(report, lang)
    if fmt == "csv":
        return render_csv(report, lang)
    raise UsageError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
