"""XLSX output: a workbook with a summary sheet, one sheet per rule and the rejected rows.

Written with XlsxWriter in constant-memory mode (each row is flushed when the
next one starts), so 63,000 findings cost little more memory than the audit:

- the summary sheet: title, policy, verdict, the time zone; findings per rule
  (rule, name, severity, findings, clauses, legal references), per statement
  clause, and records read / evaluated / rejected per input;
- one sheet per rule that fired, named by its id (shortened to Excel's 31
  characters when needed): contact, subject, severity, message, file, line,
  pointer, legal references, clauses, then one column per evidence field of
  that rule's findings;
- a sheet of the rejected records: file, line, column, pointer, reason.

A sheet holds at most Excel's 1,048,576 rows (:data:`MAX_ROWS`, the header
included; XlsxWriter drops a row past it without a word): the rows that do not
fit go on in a further sheet, ``<name>~2``, ``<name>~3`` ..., each with the
header, so no finding and no rejected record is left out of the workbook.

Headers are in the report's language. Dates and date-times are Excel dates
(so they sort and filter as dates), date-times converted to the controller's
time zone (:attr:`Report.timezone`) first: Excel keeps no zone. Text is
written as text, never as a formula. The workbook's creation date is fixed
(1980-01-01, the ZIP epoch): the renderer reads no clock. A file that cannot be
created (a missing directory) is an :class:`OSError`, as with :func:`open`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import IO, Any, TypeVar
from zoneinfo import ZoneInfo

from .._errors import UsageError
from .._rules import Finding
from ._charts import EXTRA, request_outcomes
from ._common import (
    by_clause,
    check_lang,
    contact_of,
    evidence_columns,
    legal_text,
    message_text,
    report_text,
    rule_meta,
    utf8_safe,
    verdict,
)
from ._csv import column_label, field_label
from ._model import Report

__all__ = ["MAX_ROWS", "require_xlsxwriter", "sheet_names", "write_xlsx"]

#: Excel's rows per sheet (XLSX allows no more); a full sheet goes on in another
MAX_ROWS = 1_048_576
_EPOCH = dt.datetime(1980, 1, 1)
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_Row = TypeVar("_Row")
_FIXED = ("contact", "subject", "severity", "message", "file", "line", "pointer", "legal",
          "statement")


def require_xlsxwriter() -> Any:
    """The ``xlsxwriter`` module, or a :class:`UsageError` that names the extra to install."""
    try:
        import xlsxwriter
    except ImportError:
        raise UsageError(
            f"--format xlsx writes the workbook with XlsxWriter, which is not installed: "
            f"pip install '{EXTRA}'"
        ) from None
    return xlsxwriter


def sheet_names(rules: list[str], reserved: set[str]) -> dict[str, str]:
    """A distinct Excel sheet name (at most 31 characters, no ``[]:*?/\\``) per rule."""
    taken = {r.lower() for r in reserved}
    return {rule: _distinct(_BAD_SHEET_CHARS.sub("_", rule), taken) for rule in rules}


def _distinct(base: str, taken: set[str], n: int = 1) -> str:
    """A sheet name from ``base``, cut to 31 characters, not yet ``taken``; now taken.

    ``base`` itself for ``n`` 1, else ``base~n``; the next number when that one is
    taken (Excel compares names ignoring case).
    """
    while True:
        suffix = f"~{n}" if n > 1 else ""
        name = base[: 31 - len(suffix)] + suffix
        if name.lower() not in taken:
            taken.add(name.lower())
            return name
        n += 1


def _parts(rows: Sequence[_Row]) -> Iterator[tuple[int, Sequence[_Row]]]:
    """The rows in sheets' worth (below a header row each), numbered from 1; one empty
    part for no rows, as a sheet with its header only."""
    per_sheet = MAX_ROWS - 1
    for start in range(0, max(len(rows), 1), per_sheet):
        yield start // per_sheet + 1, rows[start:start + per_sheet]


class _Cells:
    """Writes typed cells: text as text, numbers as numbers, dates as Excel dates."""

    def __init__(self, book: Any, lang: str, tz: str | None) -> None:
        self.lang = lang
        self.tz = ZoneInfo(tz) if tz else None
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.bold = book.add_format({"bold": True})
        self.head = book.add_format({"bold": True, "bg_color": "#EEEEEE", "bottom": 1})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})

    def put(self, sheet: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
        if value is None or value == "":
            return
        if isinstance(value, bool):
            from .. import i18n

            self.string(sheet, row, col, i18n.format_value(value, self.lang), fmt)
        elif isinstance(value, dt.datetime):
            if value.tzinfo is not None:
                if self.tz is not None:
                    value = value.astimezone(self.tz)
                value = value.replace(tzinfo=None)  # Excel has no zone: the local wall time
            sheet.write_datetime(row, col, value, self.datetime)
        elif isinstance(value, dt.date):
            sheet.write_datetime(row, col, dt.datetime(value.year, value.month, value.day),
                                 self.date)
        elif isinstance(value, int | float):
            if _is_number(value):
                sheet.write_number(row, col, value, fmt)
            else:  # Excel has no infinity, NaN or number past a float: JSON's text ("inf")
                self.string(sheet, row, col, repr(value), fmt)
        elif isinstance(value, list | tuple | set | frozenset):
            if value and all(isinstance(v, dt.date) for v in value) and len(value) == 1:
                self.put(sheet, row, col, next(iter(value)), fmt)
            else:
                from ._common import evidence_text

                self.string(sheet, row, col, evidence_text(list(value), self.lang, None), fmt)
        else:
            self.string(sheet, row, col, str(value), fmt)

    def string(self, sheet: Any, row: int, col: int, text: str, fmt: Any = None) -> None:
        """Write a text cell; a lone surrogate (a file name that is not UTF-8) as ``\\udcff``.

        The workbook is UTF-8 XML, which cannot carry a lone surrogate at all.
        """
        sheet.write_string(row, col, utf8_safe(text), fmt)

    def header(self, sheet: Any, row: int, labels: list[str]) -> None:
        for col, label in enumerate(labels):
            self.string(sheet, row, col, label, self.head)


def _is_number(value: int | float) -> bool:
    """Whether Excel can hold ``value`` as a number: finite, within a float's range."""
    try:
        return math.isfinite(value)
    except OverflowError:  # an int past 1.8e308
        return False


def _summary(book: Any, cells: _Cells, report: Report, lang: str, name: str) -> None:
    sheet = book.add_worksheet(name)
    sheet.set_column(0, 0, 42)
    sheet.set_column(1, 1, 44)
    sheet.set_column(2, 5, 14)
    title = report_text("report.html.title", lang, command=report_text(
        f"report.command.{report.command}", lang)
        if report.command in ("audit", "banner", "lint") else report.command)
    row = 0
    cells.string(sheet, row, 0, title, cells.bold)
    row += 1
    cells.string(sheet, row, 0, report_text(
        "report.html.policy", lang, policy=report.policy.id,
        policy_version=str(report.policy.version), tool=report.tool.name,
        version=report.tool.version))
    row += 1
    if report.timezone:
        cells.string(sheet, row, 0, report_text("report.timezone", lang, zone=report.timezone))
        row += 1
    cells.string(sheet, row, 0, verdict(report, lang), cells.bold)
    row += 2
    summary = report.summary
    if summary.by_rule:
        cells.string(sheet, row, 0, report_text("report.per-rule", lang), cells.bold)
        row += 1
        cells.header(sheet, row, [column_label(c, lang) for c in
                                  ("rule", "title", "severity", "count", "statement", "legal")])
        row += 1
        for rule_id, n in summary.by_rule.items():
            meta = rule_meta(rule_id, report, lang)
            values: list[Any] = [
                rule_id, meta.title, report_text(f"report.severity.{meta.severity.value}", lang),
                n, ", ".join(meta.statement), "; ".join(legal_text(r, lang) for r in meta.legal)]
            for col, value in enumerate(values):
                cells.put(sheet, row, col, value)
            row += 1
        row += 1
    clauses = by_clause(report)
    if clauses:
        cells.string(sheet, row, 0, report_text("report.per-clause", lang), cells.bold)
        row += 1
        cells.header(sheet, row, [column_label("clause", lang), column_label("count", lang)])
        row += 1
        for clause, n in clauses.items():
            cells.put(sheet, row, 0, clause)
            cells.put(sheet, row, 1, n)
            row += 1
        row += 1
    outcomes = request_outcomes(report)
    if outcomes is not None:  # the numbers of the HTML page's request chart
        cells.string(sheet, row, 0, report_text("report.html.chart-requests", lang), cells.bold)
        row += 1
        for key, n in outcomes.items():
            cells.string(sheet, row, 0, report_text(f"report.html.outcome-{key}", lang))
            sheet.write_number(row, 1, n)
            row += 1
        row += 1
    if report.inputs:
        cells.string(sheet, row, 0, report_text("report.inputs", lang), cells.bold)
        row += 1
        cells.header(sheet, row, [column_label(c, lang) for c in
                                  ("file", "read", "evaluated", "rejected")])
        row += 1
        for i in report.inputs:
            for col, value in enumerate((i.file, i.read, i.evaluated, i.rejected)):
                if isinstance(value, int):
                    sheet.write_number(row, col, value)
                else:
                    cells.string(sheet, row, col, str(value))
            row += 1
        if len(report.inputs) > 1:
            cells.string(sheet, row, 0, report_text("report.total", lang), cells.bold)
            for col, value in enumerate((summary.read, summary.evaluated, summary.rejected), 1):
                sheet.write_number(row, col, value, cells.bold)


def _rule_sheet(book: Any, cells: _Cells, name: str, fields: list[str], lang: str) -> Any:
    sheet = book.add_worksheet(name)
    sheet.set_column(0, 1, 30)
    sheet.set_column(3, 3, 60)
    sheet.set_column(len(_FIXED), len(_FIXED) + max(len(fields), 1), 20)
    sheet.freeze_panes(1, 1)
    labels = [column_label(c, lang) for c in _FIXED] + [field_label(f, lang) for f in fields]
    cells.header(sheet, 0, labels)
    return sheet


def write_xlsx(report: Report, target: str | IO[bytes], lang: str = "en") -> None:
    """Write the report as an XLSX workbook to ``target`` (a file name or a binary file).

    The CLI gives the ``--output`` path; a library caller may pass a
    ``BytesIO``. XlsxWriter keeps each sheet's rows in a temporary file as
    they are written (constant-memory mode). A file name that cannot be written
    raises :class:`OSError`, as :func:`open` does (XlsxWriter finds it only when
    the workbook is closed: the CLI opens the file itself, before any sheet is made).
    """
    check_lang(lang)
    xlsxwriter = require_xlsxwriter()
    book = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False})
    book.set_properties({"title": f"{report.tool.name} {report.command}",
                         "created": _EPOCH})
    cells = _Cells(book, lang, report.timezone)
    summary_name = report_text("report.xlsx.summary", lang)[:31]
    rejected_name = report_text("report.xlsx.rejected", lang)[:31]
    _summary(book, cells, report, lang, summary_name)

    fired = [r for r, n in report.summary.by_rule.items() if n]
    names = sheet_names(fired, {summary_name, rejected_name})
    taken = {n.lower() for n in (summary_name, rejected_name, *names.values())}
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for f in report.findings:
        by_rule[f.rule].append(f)
    for rule_id in fired:
        findings = by_rule[rule_id]
        fields = evidence_columns(findings)
        legal = "; ".join(legal_text(r, lang) for r in findings[0].legal)
        for part, rows in _parts(findings):
            name = names[rule_id] if part == 1 else _distinct(names[rule_id], taken, part)
            sheet = _rule_sheet(book, cells, name, fields, lang)
            for row, f in enumerate(rows, 1):
                loc = f.location
                fixed: list[Any] = [
                    contact_of(f), f.subject,
                    report_text(f"report.severity.{f.severity.value}", lang),
                    message_text(f, lang, report.timezone), loc.file if loc else None,
                    loc.line if loc else None, loc.pointer if loc else None,
                    legal if f.legal is findings[0].legal else
                    "; ".join(legal_text(r, lang) for r in f.legal),
                    ", ".join(str(s) for s in f.statement),
                ]
                for col, value in enumerate(fixed):
                    cells.put(sheet, row, col, value)
                for col, key in enumerate(fields, len(_FIXED)):
                    cells.put(sheet, row, col, f.evidence.get(key))
            sheet.autofilter(0, 0, len(rows), len(_FIXED) + len(fields) - 1)

    for part, problems in _parts(report.problems):
        name = rejected_name if part == 1 else _distinct(rejected_name, taken, part)
        sheet = book.add_worksheet(name)
        sheet.set_column(0, 0, 30)
        sheet.set_column(4, 4, 80)
        cells.header(sheet, 0, [column_label(c, lang) for c in
                                ("file", "line", "column", "pointer", "reason")])
        for row, p in enumerate(problems, 1):
            for col, value in enumerate((p.file, p.line, p.column, p.pointer, p.reason)):
                cells.put(sheet, row, col, value)
    try:
        book.close()
    except xlsxwriter.exceptions.FileCreateError as exc:
        # XlsxWriter wraps the OSError of the file: raised as it is, a caller words it as
        # for any file it cannot write (the CLI: "--output: cannot write ...")
        cause = exc.args[0] if exc.args else None
        raise cause if isinstance(cause, OSError) else OSError(str(exc)) from exc
