"""What several renderers share: rule metadata, message text, and escaping of hostile strings.

Everything a finding carries beyond our own templates (file names, subjects,
message values, evidence) comes from someone else's input. Renderers escape it
for their format; :func:`visible` makes control and bidirectional-override
characters visible so that a value cannot move the cursor, colour a terminal,
forge a line of the report or reorder what a reader sees.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .. import i18n
from .._errors import UsageError
from .._messages import Message, MessageValue
from .._refs import Instrument, LegalRef
from .._rules import REGISTRY, Finding, Registry, Severity
from ._model import Report, Summary

__all__ = [
    "RuleMeta",
    "by_clause",
    "check_lang",
    "contact_of",
    "evidence_columns",
    "evidence_text",
    "has_times",
    "legal_text",
    "message_text",
    "report_text",
    "rule_meta",
    "utf8_safe",
    "verdict",
    "visible",
    "xml_safe",
]

# C0 controls, DEL, C1 controls, and the Unicode bidi embedding/override/isolate
# and mark characters ("Trojan Source"), plus line/paragraph separators.
_INVISIBLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


@lru_cache(maxsize=1)
def _not_xml() -> re.Pattern[str]:
    # Characters XML 1.0 cannot carry at all, even as character references. Compiled
    # on first use: its surrogate range takes about 1 ms to compile, which only the
    # JUnit report needs to pay.
    return re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every control or bidi-control character written as an escape (``\\x1b``)."""
    return _INVISIBLE.sub(_escape_char, text)


@lru_cache(maxsize=1)
def _surrogate() -> re.Pattern[str]:
    return re.compile("[\ud800-\udfff]")  # compiled on first use, as _not_xml


def utf8_safe(text: str) -> str:
    """``text`` with each lone surrogate written as an escape (``\\udcff``), as JSON writes it.

    A file name that is not valid UTF-8 reaches a report surrogate-escaped
    (:func:`os.fsdecode`); UTF-8 cannot encode it.
    """
    return text if text.isascii() else _surrogate().sub(_escape_char, text)


def xml_safe(text: str) -> str:
    """``text`` with the characters XML 1.0 cannot represent written as escapes."""
    return _not_xml().sub(_escape_char, text)


@dataclass(frozen=True, slots=True)
class RuleMeta:
    """A rule's metadata as the renderers show it, in one language."""

    id: str
    severity: Severity
    legal: tuple[str, ...]
    statement: tuple[str, ...]
    title: str
    help: str


def check_lang(lang: str) -> str:
    """``lang`` if it is one of en, nb, sv; a usage error otherwise."""
    if lang not in i18n.LANGUAGES:
        raise UsageError(f"language must be one of {', '.join(i18n.LANGUAGES)}, got {lang!r}")
    return lang


def _catalog_text(code: str, lang: str) -> str | None:
    if i18n.has_message(code, lang) or i18n.has_message(code, "en"):
        return i18n.translate(code, lang)
    return None


def rule_meta(rule_id: str, report: Report, lang: str, registry: Registry = REGISTRY) -> RuleMeta:
    """Metadata of a rule: from the registry, else from the report's findings of it.

    The fallback serves rules registered elsewhere (a plugin or a test-local
    registry): their references come from the findings, their severity is the
    highest among them.
    """
    title = _catalog_text(f"{rule_id}.title", lang) or rule_id
    help_text = _catalog_text(f"{rule_id}.help", lang) or ""
    if rule_id in registry:
        known = registry[rule_id]
        # The clauses of the report's policy; a report built without them (from JSON) takes
        # them from the findings, which were judged under that policy.
        if report.policy.promised:
            statement = report.policy.clauses(tuple(p.value for p in known.promises))
        else:
            one = next((f for f in report.findings if f.rule == rule_id), None)
            statement = tuple(str(s) for s in one.statement) if one else ()
        return RuleMeta(
            id=rule_id,
            severity=known.severity,
            # the national law of the report's policy only, as its findings cite; a report
            # read back from JSON does not know its countries and lists every act
            legal=tuple(str(r) for r in (
                known.legal_in(report.policy.countries) if report.policy.countries
                else known.legal)),
            statement=statement,
            title=title,
            help=help_text,
        )
    fired = [f for f in report.findings if f.rule == rule_id]
    severity = max((f.severity for f in fired), key=lambda s: s.rank, default=Severity.ERROR)
    first = fired[0] if fired else None
    return RuleMeta(
        id=rule_id,
        severity=severity,
        legal=tuple(str(r) for r in first.legal) if first else (),
        statement=tuple(str(s) for s in first.statement) if first else (),
        title=title,
        help=help_text,
    )


def message_text(finding: Finding, lang: str, tz: str | None = None) -> str:
    """The finding's message in ``lang`` (times in zone ``tz``); else the code and its values.

    The fallback keeps the values visible when a catalog lacks the code, so a
    missing translation never hides why a rule fired.
    """
    code = finding.message.code
    if i18n.has_message(code, lang) or i18n.has_message(code, "en"):
        return i18n.render(finding.message, lang, tz)
    if not finding.message.values:
        return code
    values = ", ".join(
        f"{k}={i18n.format_value(v, lang, tz=tz)}"
        for k, v in sorted(finding.message.values.items())
    )
    return f"{code} ({values})"


def report_text(code: str, lang: str, **values: MessageValue) -> str:
    """A message of the report itself (``report`` domain) in ``lang``."""
    return i18n.render(Message(code=code, values=dict(values)), lang)


_ART = re.compile(r"^Art\. (\d+)(?:\((\d+)\))?(?:\(([a-z])\))?$")


@lru_cache(maxsize=1024)
def _legal_text(ref: str, lang: str) -> str:
    # a national act is cited by its own name, without the country, in its own language
    # ("markedsføringsloven § 15" in Bokmål, "lag 1930:173" in Swedish)
    own = {"nb": "NO ", "sv": "SE "}.get(lang)
    if own and ref.startswith(own):
        rest = ref[len(own):]
        return rest if rest[:3].isupper() else rest[:1].lower() + rest[1:]
    try:
        parsed = LegalRef.model_validate(ref)
    except ValueError:
        return ref
    names = {Instrument.GDPR: "gdpr", Instrument.REG_1182_71: "reg-1182-71",
             Instrument.EPRIVACY: "eprivacy"}
    key = names.get(parsed.instrument)
    if key is None:
        return ref  # EDPB papers and cases as written
    instrument = report_text(f"report.instrument.{key}", lang)
    article, paragraph, point = parsed.article, parsed.paragraph, parsed.point
    if parsed.recital is not None:
        return report_text("report.ref.recital", lang, instrument=instrument,
                           recital=parsed.recital)
    if article is None and parsed.part and (m := _ART.match(parsed.part)):
        article = int(m[1])
        paragraph = int(m[2]) if m[2] else None
        point = m[3]
    if article is None:
        return f"{instrument} {parsed.part}" if parsed.part else instrument
    if paragraph is None:
        return report_text("report.ref.article", lang, instrument=instrument, article=article)
    if point is None:
        return report_text("report.ref.paragraph", lang, instrument=instrument,
                           article=article, paragraph=paragraph)
    return report_text("report.ref.point", lang, instrument=instrument, article=article,
                       paragraph=paragraph, point=point)


def legal_text(ref: object, lang: str) -> str:
    """A legal reference as a reader of ``lang`` cites it.

    ``GDPR Art. 12(3)`` is ``personvernforordningen art. 12 nr. 3`` in Bokmål
    and ``dataskyddsförordningen artikel 12.3`` in Swedish; references the
    catalog has no form for are shown as written.
    """
    return _legal_text(str(ref), lang)


def contact_of(finding: Finding) -> str:
    """The contact a finding is about, for grouping: its e-mail, else its record id or subject."""
    evidence = finding.evidence
    for key in ("email", "record_id"):
        value = evidence.get(key)
        if isinstance(value, str) and value:
            return value.lower() if key == "email" else value
    return finding.subject


# evidence fields a reader looks for first; the rest follow sorted
_FIRST = ("name", "firstname", "lastname", "email", "record_id", "request_id")


def evidence_columns(findings: Iterable[Finding]) -> list[str]:
    """The evidence keys of some findings: who first (name, e-mail, ids), then sorted."""
    keys: set[str] = set()
    for finding in findings:
        keys.update(finding.evidence)
    return [k for k in _FIRST if k in keys] + sorted(keys.difference(_FIRST))


def evidence_text(value: Any, lang: str, tz: str | None) -> str:
    """One evidence value as a person reads it: times in zone ``tz``, lists joined."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, dt.date)):
        return i18n.format_value(value, lang, tz=tz)
    if isinstance(value, list | tuple):
        if all(isinstance(v, str) for v in value):  # most lists: ids, names, addresses
            return "; ".join(value)
        return "; ".join(evidence_text(v, lang, tz) for v in value)
    if isinstance(value, Mapping):
        return "; ".join(f"{k}={evidence_text(v, lang, tz)}" for k, v in sorted(value.items()))
    return str(value)


def has_times(report: Report) -> bool:
    """Whether a finding's message or evidence holds a date-time (then its zone is said)."""
    for finding in report.findings:
        for values in (finding.message.values, finding.evidence):
            for value in values.values():
                if isinstance(value, dt.datetime) or (
                    isinstance(value, list) and any(isinstance(v, dt.datetime) for v in value)
                ):
                    return True
    return False


def by_clause(report: Report) -> dict[str, int]:
    """Findings per statement clause (a finding citing two clauses counts under each)."""
    counts: Counter[str] = Counter()
    for finding in report.findings:
        counts.update({str(s) for s in finding.statement})
    return dict(sorted(counts.items()))


def verdict(report: Report, lang: str, summary: Summary | None = None) -> str:
    """The first thing a reader needs: findings by severity, or that nothing was read.

    A report that evaluated no record never says "No findings.": it says
    nothing was read, and which inputs. ``summary`` saves deriving it again.
    """
    summary = summary or report.summary
    if report.nothing_read:
        return report_text("report.nothing-read", lang,
                           files=[visible(i.file) for i in report.inputs])
    if not report.findings:
        if summary.rejected:
            return report_text("report.no-findings-incomplete", lang,
                               count=summary.evaluated, rejected=summary.rejected)
        return report_text("report.no-findings", lang)
    return report_text("report.verdict", lang, count=summary.findings,
                       errors=summary.by_severity["error"],
                       warnings=summary.by_severity["warning"],
                       notes=summary.by_severity["note"])
