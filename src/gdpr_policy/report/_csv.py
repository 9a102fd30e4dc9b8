"""CSV output: one finding a row, one column per evidence field, for a spreadsheet.

Columns: ``rule, severity, contact, subject, file, line, column, pointer,
message, legal, statement``, then one column per evidence field that any
finding carries (who first: name, e-mail, record and request ids; then the
rest sorted), so an auditor filters on the e-mail instead of reading JSON.
The header row is in the report's language (``Regel``, ``E-post`` ...), as
are messages and legal references; rule ids and severities stay the codes
(``error``) so that a filter works the same in every language.

Evidence dates are ISO 8601 (``2024-11-30``), date-times are written in the
report's time zone as ``2024-11-30 00:00`` (which Excel reads as a date-time),
lists are joined with ``"; "``. A finding without a field has an empty cell.

Rejected records are not findings: :func:`iter_rejected_csv` gives them as
their own table (``file, line, column, pointer, reason``). The records per
input are a third table, :func:`iter_inputs_csv` (``file, read, evaluated,
rejected``, one row per input, zeros included), so that a report that read
nothing says so. :func:`render_csv` appends each after one empty row (the
rejected records when there are any, then the records per input when the report
has inputs); the CLI's ``--output FILE.csv`` writes them to
``FILE.rejected.csv`` and ``FILE.inputs.csv`` instead.

Quoting follows RFC 4180 (fields with the delimiter, a quote or a line break
are quoted, quotes doubled, CRLF line ends). ``delimiter=";"`` is the variant
for Norwegian and Swedish Excel, whose list separator is the semicolon.
Auditors open the file in Excel, which runs a cell starting with ``=``,
``+``, ``-`` or ``@`` (and, in some versions, a tab or CR) as a formula: such
a cell gets a leading ``'`` so it is shown as text, never evaluated. The text
has no byte order mark: write it as ``utf-8-sig`` for Excel to detect UTF-8.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

from .._errors import UsageError
from ._common import check_lang, contact_of, evidence_columns, legal_text, message_text, report_text
from ._model import Report

__all__ = [
    "CSV_COLUMNS",
    "DELIMITERS",
    "INPUT_COLUMNS",
    "REJECTED_COLUMNS",
    "column_label",
    "field_label",
    "iter_csv",
    "iter_inputs_csv",
    "iter_rejected_csv",
    "neutralise",
    "render_csv",
]

#: The fixed columns, before the evidence fields (their codes; the header row is localized).
CSV_COLUMNS = (
    "rule",
    "severity",
    "contact",
    "subject",
    "file",
    "line",
    "column",
    "pointer",
    "message",
    "legal",
    "statement",
)
REJECTED_COLUMNS = ("file", "line", "column", "pointer", "reason")
INPUT_COLUMNS = ("file", "read", "evaluated", "rejected")
DELIMITERS = (",", ";")

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """A cell that a spreadsheet would evaluate as a formula, made plain text."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def column_label(column: str, lang: str) -> str:
    """The header of a fixed column in ``lang``."""
    return report_text(f"report.column.{column}", lang)


def field_label(field: str, lang: str) -> str:
    """The header of an evidence field in ``lang``; a field without a label is its key."""
    from .. import i18n

    code = f"report.field.{field}"
    return i18n.translate(code, lang) if i18n.has_message(code, "en") else field


def cell_value(value: Any, lang: str, tz: ZoneInfo | None) -> str:
    """One evidence value in a cell: local ``YYYY-MM-DD HH:MM`` date-times, ISO dates."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        when: dt.datetime = value
        if tz is None and when.tzinfo is not None:
            return when.isoformat()  # no zone to show it in: keep its offset
        if tz is not None and when.tzinfo is not None:
            when = when.astimezone(tz)
        return when.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        from .. import i18n

        return i18n.format_value(value, lang)
    if isinstance(value, list | tuple | set | frozenset):
        items = [cell_value(v, lang, tz) for v in value]
        return "; ".join(sorted(items) if isinstance(value, set | frozenset) else items)
    if isinstance(value, dict):
        return "; ".join(f"{k}={cell_value(v, lang, tz)}" for k, v in sorted(value.items()))
    return str(value)


def _writer(buf: io.StringIO, delimiter: str) -> Any:
    if delimiter not in DELIMITERS:
        raise UsageError(f"CSV delimiter must be one of {' '.join(DELIMITERS)}, got {delimiter!r}")
    return csv.writer(buf, dialect="excel", delimiter=delimiter, lineterminator="\r\n",
                      quoting=csv.QUOTE_MINIMAL)


def iter_csv(report: Report, lang: str = "en", size: int = 1 << 16, *, delimiter: str = ",",
             rejected: bool = True, inputs: bool = True) -> Iterator[str]:
    """:func:`render_csv` in pieces of about ``size`` characters, for writing a large report.

    ``rejected=False`` leaves out the table of rejected records, ``inputs=False``
    the records per input (the CLI writes each to a file of its own).
    """
    check_lang(lang)
    tz = ZoneInfo(report.timezone) if report.timezone else None
    fields = evidence_columns(report.findings)
    buf = io.StringIO()
    writer = _writer(buf, delimiter)
    # evidence keys come from inputs too: the header is neutralised like any cell
    writer.writerow([neutralise(c) for c in [column_label(c, lang) for c in CSV_COLUMNS]
                     + [field_label(f, lang) for f in fields]])
    legal_cache: dict[int, str] = {}
    for f in report.findings:
        loc = f.location
        legal = legal_cache.get(id(f.legal))
        if legal is None:  # the findings of one rule share their references
            legal = legal_cache[id(f.legal)] = "; ".join(legal_text(r, lang) for r in f.legal)
        row = [
            f.rule,
            f.severity.value,
            contact_of(f),
            f.subject,
            (loc.file if loc else None) or "",
            str(loc.line) if loc and loc.line is not None else "",
            str(loc.column) if loc and loc.column is not None else "",
            (loc.pointer if loc else None) or "",
            message_text(f, lang, report.timezone),
            legal,
            "; ".join(str(s) for s in f.statement),
        ]
        evidence = f.evidence
        row.extend(cell_value(evidence.get(k), lang, tz) for k in fields)
        writer.writerow([neutralise(cell) for cell in row])
        if buf.tell() >= size:
            yield buf.getvalue()
            buf.seek(0)
            buf.truncate()
    if rejected and report.problems:
        buf.write("\r\n")
        buf.write("".join(iter_rejected_csv(report, lang, delimiter=delimiter)))
    if inputs and report.inputs:
        buf.write("\r\n")
        buf.write("".join(iter_inputs_csv(report, lang, delimiter=delimiter)))
    yield buf.getvalue()


def iter_rejected_csv(report: Report, lang: str = "en", *, delimiter: str = ",") -> Iterator[str]:
    """The rejected records as a table: ``file, line, column, pointer, reason``."""
    check_lang(lang)
    buf = io.StringIO()
    writer = _writer(buf, delimiter)
    writer.writerow([column_label(c, lang) for c in REJECTED_COLUMNS])
    for p in report.problems:
        writer.writerow([neutralise(c) for c in (
            p.file, "" if p.line is None else str(p.line),
            "" if p.column is None else str(p.column), p.pointer or "", p.reason)])
    yield buf.getvalue()


def iter_inputs_csv(report: Report, lang: str = "en", *, delimiter: str = ",") -> Iterator[str]:
    """The records per input as a table: ``file, read, evaluated, rejected``.

    Each input has its row, a file that held no record too (``0, 0, 0``): a CSV
    of no findings then still says what was read.
    """
    check_lang(lang)
    buf = io.StringIO()
    writer = _writer(buf, delimiter)
    writer.writerow([column_label(c, lang) for c in INPUT_COLUMNS])
    for i in report.inputs:
        writer.writerow([neutralise(i.file), str(i.read), str(i.evaluated), str(i.rejected)])
    yield buf.getvalue()


def render_csv(report: Report, lang: str = "en", *, delimiter: str = ",") -> str:
    """The findings as RFC 4180 CSV with formulas neutralised, then the rejected records
    and the records per input."""
    return "".join(iter_csv(report, lang, delimiter=delimiter))
