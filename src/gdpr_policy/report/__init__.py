"""Reports of findings and their renderers: text, JSON, SARIF, JUnit, GitHub, CSV, HTML, XLSX.

Every command that reports findings (``lint``, ``banner``, ``audit``) builds
one :class:`Report` and hands it to :func:`render` with a format and a
language. Renderers are pure functions ``render_<format>(report, lang) -> str``:
no I/O, no clock, and the same report gives byte-identical output;
:func:`iter_json` and :func:`iter_csv` give the JSON and the CSV in pieces,
for writing a large report as it is made. See ``docs/output-formats.md`` for every format.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Literal, get_args

from .._errors import UsageError
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

if TYPE_CHECKING:
    from ._charts import draw_charts
    from ._csv import CSV_COLUMNS, iter_csv, iter_inputs_csv, iter_rejected_csv, render_csv
    from ._github import render_github
    from ._html import iter_html, render_html
    from ._json import iter_json, render_json, report_json
    from ._junit import render_junit
    from ._sarif import render_sarif, sarif_log
    from ._text import render_text
    from ._xlsx import write_xlsx

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
    "draw_charts",
    "exit_code",
    "iter_csv",
    "iter_html",
    "iter_inputs_csv",
    "iter_json",
    "iter_rejected_csv",
    "render",
    "render_csv",
    "render_github",
    "render_html",
    "render_json",
    "render_junit",
    "render_sarif",
    "render_text",
    "report_json",
    "sarif_log",
    "sort_findings",
    "write_xlsx",
]

Format = Literal["text", "json", "sarif", "junit", "github", "csv", "html"]
FORMATS: tuple[Format, ...] = get_args(Format)


# A command renders one format: each renderer module is imported when it is first asked for.
_RENDERERS: dict[str, str] = {
    "draw_charts": "._charts",
    "CSV_COLUMNS": "._csv",
    "iter_csv": "._csv",
    "iter_inputs_csv": "._csv",
    "iter_rejected_csv": "._csv",
    "render_csv": "._csv",
    "render_github": "._github",
    "iter_html": "._html",
    "render_html": "._html",
    "iter_json": "._json",
    "render_json": "._json",
    "report_json": "._json",
    "render_junit": "._junit",
    "render_sarif": "._sarif",
    "sarif_log": "._sarif",
    "render_text": "._text",
    "write_xlsx": "._xlsx",
}


def __getattr__(name: str) -> Any:
    try:
        module = _RENDERERS[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


def render(report: Report, fmt: Format | str, lang: str = "en") -> str:
    """Render a report in one of :data:`FORMATS`, messages in ``lang`` (en, nb, sv)."""
    if fmt not in FORMATS:
        raise UsageError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    name = f"render_{fmt}"
    renderer = globals().get(name) or __getattr__(name)
    text: str = renderer(report, lang)
    return text
