"""CSV output: one finding a row, for a spreadsheet.

Columns: ``rule, severity, subject, file, line, column, pointer, message,
evidence, legal, statement``; ``evidence`` is the finding's evidence as
compact JSON with sorted keys, ``legal`` and ``statement`` are joined with
``"; "``. Quoting follows RFC 4180 (fields with a comma, quote or line break
are quoted, quotes doubled, CRLF line ends).

Auditors open the file in Excel, which runs a cell starting with ``=``,
``+``, ``-`` or ``@`` (and, in some versions, a tab or CR) as a formula: such
a cell gets a leading ``'`` so it is shown as text, never evaluated. The
header row is English (machine-readable column names); messages are in the
chosen language. The text has no byte order mark: write it as ``utf-8-sig``
for Excel to detect UTF-8.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from ._common import check_lang, message_text
from ._model import Report, canonical_json

__all__ = ["CSV_COLUMNS", "iter_csv", "neutralise", "render_csv"]

CSV_COLUMNS = (
    "rule",
    "severity",
    "subject",
    "file",
    "line",
    "column",
    "pointer",
    "message",
    "evidence",
    "legal",
    "statement",
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """A cell that a spreadsheet would evaluate as a formula, made plain text."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def iter_csv(report: Report, lang: str = "en", size: int = 1 << 16) -> Iterator[str]:
    """:func:`render_csv` in pieces of about ``size`` characters, for writing a large report."""
    check_lang(lang)
    buf = io.StringIO()
    writer = csv.writer(buf, dialect="excel", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_COLUMNS)
    for f in report.findings:
        loc = f.location
        row = [
            f.rule,
            f.severity.value,
            f.subject,
            (loc.file if loc else None) or "",
            str(loc.line) if loc and loc.line is not None else "",
            str(loc.column) if loc and loc.column is not None else "",
            (loc.pointer if loc else None) or "",
            message_text(f, lang),
            canonical_json(f.evidence),
            "; ".join(str(r) for r in f.legal),
            "; ".join(str(s) for s in f.statement),
        ]
        writer.writerow([neutralise(cell) for cell in row])
        if buf.tell() >= size:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    yield buf.getvalue()


def render_csv(report: Report, lang: str = "en") -> str:
    """The findings as RFC 4180 CSV with formulas neutralised."""
    return "".join(iter_csv(report, lang))
