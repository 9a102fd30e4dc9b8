"""JSON output: the findings shape every command shares.

``{"tool", "policy", "findings", "summary", "inputs"}`` (and
``request_timing`` for an audit that judged a request log); each finding is
``{"rule", "code", "severity", "subject", "location", "message", "evidence",
"references"}``. Keys come in a fixed order (evidence keys sorted), dates and
date-times are ISO 8601, nothing depends on the clock: the same report gives
byte-identical text. Each finding is written on one line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from .._messages import Location
from .._rules import Finding
from ._common import check_lang, message_text
from ._model import InputStats, Report, jsonable

__all__ = ["Path", "dumps", "finding_json", "iter_dumps", "iter_json", "render_json", "report_json"]

_SURROGATE = re.compile("[\ud800-\udfff]")


Path = tuple[str, ...]


def _expand_report(path: Path) -> bool:
    return len(path) < 2 or path in {
        ("summary", "by_rule"),
        ("inputs", "*"),
        ("inputs", "*", "problems"),
    }


# indent=None keeps the C encoder: an indented dump of 100,000 findings is 5x slower. One
# encoder for every call: json.dumps with options builds a new one each time.
_compact = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(", ", ": ")).encode


class _Each:
    """A list whose items are converted to JSON values one at a time, as they are written.

    A report's findings are written this way, so that a large report is never
    held twice in memory (as dicts, then as text).
    """

    __slots__ = ("convert", "items")

    def __init__(self, items: Sequence[Any], convert: Callable[[Any], Any]) -> None:
        self.items, self.convert = items, convert


def _pieces(value: Any, path: Path, expand: Callable[[Path], bool]) -> Iterator[str]:
    if isinstance(value, _Each):
        if value.items and expand(path):
            yield from _items(map(value.convert, value.items), path, expand)
        else:
            yield _compact([value.convert(v) for v in value.items])
    elif isinstance(value, list) and value and expand(path):
        yield from _items(value, path, expand)
    elif isinstance(value, dict) and value and expand(path):
        pad = "  " * len(path)
        yield "{"
        for i, (key, item) in enumerate(value.items()):
            yield ("," if i else "") + "\n" + pad + "  " + _compact(str(key)) + ": "
            yield from _pieces(item, (*path, str(key)), expand)
        yield "\n" + pad + "}"
    else:
        yield _compact(value)


def _items(items: Iterable[Any], path: Path, expand: Callable[[Path], bool]) -> Iterator[str]:
    # a non-empty list laid out one item a line
    pad = "  " * len(path)
    yield "["
    for i, item in enumerate(items):
        yield ("," if i else "") + "\n" + pad + "  "
        yield from _pieces(item, (*path, "*"), expand)
    yield "\n" + pad + "]"


def _escaped(text: str) -> str:
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def iter_dumps(value: Any, expand: Callable[[Path], bool] = _expand_report,
               size: int = 1 << 16) -> Iterator[str]:
    """:func:`dumps` in pieces of about ``size`` characters (their concatenation is the same)."""
    buf: list[str] = []
    n = 0
    for piece in _pieces(value, (), expand):
        buf.append(piece)
        n += len(piece)
        if n >= size:
            yield _escaped("".join(buf))
            buf, n = [], 0
    buf.append("\n")
    yield _escaped("".join(buf))


def dumps(value: Any, expand: Callable[[Path], bool] = _expand_report) -> str:
    """Deterministic UTF-8 JSON text ending in a newline.

    Containers for which ``expand(path)`` holds are laid out one member a line
    (``path`` holds the keys from the root, ``"*"`` for list items); the rest
    is written compactly on one line, so each finding is one line: easy to
    diff and grep, and fast to write. Non-ASCII characters are written as they
    are; lone surrogates (which UTF-8 cannot encode) as ``\\udxxx`` escapes, as
    ``ensure_ascii`` would.
    """
    return "".join(iter_dumps(value, expand))


def location_json(location: Location | None) -> dict[str, Any]:
    """A location with all four keys, ``null`` where unknown."""
    loc = location or Location()
    return {"file": loc.file, "line": loc.line, "column": loc.column, "pointer": loc.pointer}


def finding_json(finding: Finding, lang: str = "en") -> dict[str, Any]:
    """One finding in the shared JSON shape, its message rendered in ``lang``."""
    return {
        "rule": finding.rule,
        "code": finding.message.code,
        "severity": finding.severity.value,
        "subject": finding.subject,
        "location": location_json(finding.location),
        "message": message_text(finding, lang),
        "evidence": jsonable(finding.evidence),
        "references": _references(finding.legal, finding.statement),
    }


_REFS: dict[tuple[int, int], tuple[Any, Any, dict[str, list[str]]]] = {}


def _references(legal: tuple[Any, ...], statement: tuple[Any, ...]) -> dict[str, list[str]]:
    # the findings of one rule share its tuples of references: write each pair once
    # (the tuples are kept in the entry, so that their ids stay theirs)
    hit = _REFS.get((id(legal), id(statement)))
    if hit is None or hit[0] is not legal or hit[1] is not statement:
        if len(_REFS) > 4096:
            _REFS.clear()
        hit = _REFS[(id(legal), id(statement))] = (
            legal, statement, {"legal": [str(r) for r in legal],
                               "statement": [str(s) for s in statement]})
    return {"legal": list(hit[2]["legal"]), "statement": list(hit[2]["statement"])}


def _input_json(stats: InputStats) -> dict[str, Any]:
    return {
        "file": stats.file,
        "read": stats.read,
        "evaluated": stats.evaluated,
        "rejected": stats.rejected,
        "problems": [
            {
                "file": p.file,
                "line": p.line,
                "column": p.column,
                "pointer": p.pointer,
                "reason": p.reason,
            }
            for p in stats.problems
        ],
    }


def _report_json(report: Report, lang: str, findings: Any) -> dict[str, Any]:
    return {
        "tool": {"name": report.tool.name, "version": report.tool.version,
                 **({"engine": report.tool.engine} if report.tool.engine else {})},
        "policy": {"id": report.policy.id, "version": report.policy.version},
        "findings": findings,
        "summary": report.summary.model_dump(mode="json"),
        "inputs": [_input_json(i) for i in report.inputs],
        **({"request_timing": report.request_timing}
           if report.request_timing is not None else {}),
    }


def report_json(report: Report, lang: str = "en") -> dict[str, Any]:
    """The report as a JSON-ready dict (see the module docstring for its shape)."""
    return _report_json(report, lang, [finding_json(f, lang) for f in report.findings])


def iter_json(report: Report, lang: str = "en") -> Iterator[str]:
    """:func:`render_json` in pieces of about 64 KiB, for writing a large report as it is made.

    Each finding becomes JSON only when its turn comes, so memory does not
    grow with the report's text.
    """
    check_lang(lang)
    each = _Each(report.findings, lambda f: finding_json(f, lang))
    return iter_dumps(_report_json(report, lang, each))


def render_json(report: Report, lang: str = "en") -> str:
    """The report as JSON text (messages in ``lang``), byte-identical for the same report."""
    return "".join(iter_json(report, lang))
