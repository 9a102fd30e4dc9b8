"""What several renderers share: rule metadata, message text, and escaping of hostile strings.

Everything a finding carries beyond our own templates (file names, subjects,
message values, evidence) comes from someone else's input. Renderers escape it
for their format; :func:`visible` makes control and bidirectional-override
characters visible so that a value cannot move the cursor, colour a terminal,
forge a line of the report or reorder what a reader sees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import i18n
from .._errors import UsageError
from .._messages import Message, MessageValue
from .._rules import REGISTRY, Finding, Registry, Severity
from ._model import Report

__all__ = [
    "RuleMeta",
    "check_lang",
    "message_text",
    "report_text",
    "rule_meta",
    "visible",
    "xml_safe",
]

# C0 controls, DEL, C1 controls, and the Unicode bidi embedding/override/isolate
# and mark characters ("Trojan Source"), plus line/paragraph separators.
_INVISIBLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

# Characters XML 1.0 cannot carry at all, even as character references.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every control or bidi-control character written as an escape (``\\x1b``)."""
    return _INVISIBLE.sub(_escape_char, text)


def xml_safe(text: str) -> str:
    """``text`` with the characters XML 1.0 cannot represent written as escapes."""
    return _NOT_XML.sub(_escape_char, text)


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
        return RuleMeta(
            id=rule_id,
            severity=known.severity,
            legal=tuple(str(r) for r in known.legal),
            statement=tuple(str(s) for s in known.statement),
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


def message_text(finding: Finding, lang: str) -> str:
    """The finding's message in ``lang``; without a template, the code and its values.

    The fallback keeps the values visible when a catalog lacks the code, so a
    missing translation never hides why a rule fired.
    """
    code = finding.message.code
    if i18n.has_message(code, lang) or i18n.has_message(code, "en"):
        return i18n.render(finding.message, lang)
    if not finding.message.values:
        return code
    values = ", ".join(
        f"{k}={i18n.format_value(v, lang)}" for k, v in sorted(finding.message.values.items())
    )
    return f"{code} ({values})"


def report_text(code: str, lang: str, **values: MessageValue) -> str:
    """A message of the report itself (``report`` domain) in ``lang``."""
    return i18n.render(Message(code=code, values=dict(values)), lang)
