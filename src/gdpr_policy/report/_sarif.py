"""SARIF 2.1.0 output for code scanning (GitHub, GitLab, Azure DevOps).

One run. ``tool.driver.rules`` holds one reporting descriptor per evaluated
rule (sorted by id): its title, help text, default level, and its legal and
statement references in ``properties``. Each result points at its rule by
``ruleId`` and ``ruleIndex`` and, when the file is known, carries a physical
location (relative URI, ``startLine``/``startColumn`` when known; columns count
Unicode code points, as the readers do). A JSON pointer goes into
``logicalLocations`` and ``properties.pointer``. No location is invented: a
finding without a line has no region.

Rejected records become ``toolExecutionNotifications`` of the invocation,
which is marked unsuccessful when there are any. ``partialFingerprints``
hash rule, file, subject and pointer, so a finding keeps its identity when
lines move; findings alike in all four (two ``gtag`` consent defaults in one
page) are numbered in the report's order and the second and later ones hash
their number too, so every fingerprint of a run is distinct and the first
keeps the one it always had. The output has no timestamps and is
byte-identical for the same report.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from .._rules import REGISTRY, Finding, Registry
from ._common import RuleMeta, check_lang, message_text, rule_meta
from ._json import Path, dumps
from ._model import Rejection, Report, jsonable

__all__ = ["SARIF_SCHEMA_URI", "render_sarif", "sarif_log"]

SARIF_SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
_SRCROOT = "%SRCROOT%"
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


def artifact_uri(path: str) -> tuple[str, bool]:
    """A file path as a URI reference, and whether it is relative to the source root.

    Backslashes become slashes and reserved characters are percent-encoded, so
    ``a b/c#d.js`` becomes ``a%20b/c%23d.js``. Absolute paths become
    ``file://`` URIs. A name that is not valid UTF-8 (its undecodable bytes
    surrogate-escaped, as :func:`os.fsdecode` gives them) is encoded as the
    file system's own bytes, so ``b\\xffd.js`` becomes ``b%FFd.js``.
    """
    norm = path.replace("\\", "/")
    if _WINDOWS_DRIVE.match(path):
        return "file:///" + quote(_path_bytes(norm), safe="/:"), False
    if norm.startswith("/"):
        return "file://" + quote(_path_bytes(norm), safe="/"), False
    while norm.startswith("./"):
        norm = norm[2:]
    return quote(_path_bytes(norm), safe="/"), True


def _path_bytes(path: str) -> bytes:
    # surrogateescape gives back the bytes of the name on disk; a lone surrogate
    # outside its range (from a report read back from JSON) can only pass as
    # itself, still percent-encoded to ASCII
    try:
        return path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogatepass")


def _pascal(rule_id: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[.\-]", rule_id))


def _descriptor(meta: RuleMeta) -> dict[str, Any]:
    refs = []
    if meta.legal:
        refs.append("Legal: " + "; ".join(meta.legal))
    if meta.statement:
        refs.append("Statement: " + ", ".join(meta.statement))
    help_text = meta.help or meta.title
    help_md = help_text + "".join(f"\n\n{r}" for r in refs)
    tags = ["gdpr", "privacy", meta.id.split(".", 1)[0], *meta.statement]
    return {
        "id": meta.id,
        "name": _pascal(meta.id),
        "shortDescription": {"text": meta.title},
        "fullDescription": {"text": help_text},
        "help": {"text": "\n\n".join([help_text, *refs]), "markdown": help_md},
        "defaultConfiguration": {"level": meta.severity.value},
        "properties": {
            "tags": list(dict.fromkeys(tags)),
            "legal": list(meta.legal),
            "statement": list(meta.statement),
        },
    }


def _physical(file: str, line: int | None, column: int | None) -> dict[str, Any]:
    uri, relative = artifact_uri(file)
    artifact: dict[str, Any] = {"uri": uri}
    if relative:
        artifact["uriBaseId"] = _SRCROOT
    physical: dict[str, Any] = {"artifactLocation": artifact}
    if line is not None:
        region: dict[str, Any] = {"startLine": line}
        if column is not None:
            region["startColumn"] = column
        physical["region"] = region
    return physical


def _fingerprint(finding: Finding, occurrence: int = 1) -> str:
    """The hash of rule, file, subject and pointer, and of ``occurrence`` from the second
    finding alike in those four on (the first's is the one it had before numbering)."""
    loc = finding.location
    file = (loc.file if loc else None) or ""
    pointer = (loc.pointer if loc else None) or ""
    parts = [finding.rule, file, finding.subject, pointer]
    if occurrence > 1:
        parts.append(str(occurrence))
    return hashlib.sha256("\x00".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _fingerprints(findings: Iterable[Finding]) -> list[str]:
    """One distinct fingerprint per finding, stable across runs: alike ones are numbered in
    the report's sorted order (by line)."""
    seen: Counter[str] = Counter()
    prints: list[str] = []
    used: set[str] = set()
    for finding in findings:
        first = _fingerprint(finding)
        seen[first] += 1
        fingerprint = first if seen[first] == 1 else _fingerprint(finding, seen[first])
        # a subject or pointer that holds the separator could forge another's numbered
        # parts: the next number then, so that no two results of a run share one
        while fingerprint in used:
            seen[first] += 1
            fingerprint = _fingerprint(finding, seen[first])
        used.add(fingerprint)
        prints.append(fingerprint)
    return prints


def _result(finding: Finding, index: int, lang: str, fingerprint: str) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index,
        "level": finding.severity.value,
        "message": {"text": message_text(finding, lang)},
    }
    loc = finding.location
    location: dict[str, Any] = {}
    if loc is not None and loc.file:
        location["physicalLocation"] = _physical(loc.file, loc.line, loc.column)
    if loc is not None and loc.pointer:
        location["logicalLocations"] = [{"fullyQualifiedName": loc.pointer, "kind": "element"}]
    if location:
        result["locations"] = [location]
    result["partialFingerprints"] = {"gdprPolicyFinding/v1": fingerprint}
    props: dict[str, Any] = {"subject": finding.subject, "code": finding.message.code}
    if loc is not None and loc.pointer:
        props["pointer"] = loc.pointer
    props["evidence"] = jsonable(finding.evidence)
    props["legal"] = [str(r) for r in finding.legal]
    props["statement"] = [str(s) for s in finding.statement]
    result["properties"] = props
    return result


def _notification(problem: Rejection) -> dict[str, Any]:
    location: dict[str, Any] = {
        "physicalLocation": _physical(problem.file, problem.line, problem.column)
    }
    if problem.pointer:
        location["logicalLocations"] = [{"fullyQualifiedName": problem.pointer, "kind": "element"}]
    return {
        "level": "error",
        "message": {"text": problem.reason},
        "locations": [location],
        "descriptor": {"id": "record-rejected"},
    }


def sarif_log(report: Report, lang: str = "en", *, registry: Registry = REGISTRY) -> dict[str, Any]:
    """The report as a SARIF 2.1.0 log (a JSON-ready dict)."""
    metas = [rule_meta(r, report, lang, registry) for r in report.rules]
    index = {m.id: i for i, m in enumerate(metas)}
    problems = report.problems
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": report.tool.name,
                "version": report.tool.version,
                "semanticVersion": report.tool.version,
                "language": lang,
                "rules": [_descriptor(m) for m in metas],
            }
        },
        "invocations": [
            {
                "executionSuccessful": not problems,
                "toolExecutionNotifications": [_notification(p) for p in problems],
            }
        ],
        "language": lang,
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, index[f.rule], lang, fingerprint) for f, fingerprint
                    in zip(report.findings, _fingerprints(report.findings), strict=True)],
        "properties": {
            "command": report.command,
            "policy": {"id": report.policy.id, "version": report.policy.version},
            "summary": report.summary.model_dump(mode="json"),
        },
    }
    return {"$schema": SARIF_SCHEMA_URI, "version": "2.1.0", "runs": [run]}


_SARIF_EXPANDED = {
    ("runs", "*", "tool", "driver"),
    ("runs", "*", "tool", "driver", "rules"),
    ("runs", "*", "invocations", "*"),
    ("runs", "*", "invocations", "*", "toolExecutionNotifications"),
}


def _expand_sarif(path: Path) -> bool:
    # one rule descriptor, one result and one notification a line
    return len(path) <= 3 or path in _SARIF_EXPANDED


def render_sarif(report: Report, lang: str = "en", *, registry: Registry = REGISTRY) -> str:
    """The report as SARIF 2.1.0 JSON text, byte-identical for the same report."""
    check_lang(lang)
    return dumps(sarif_log(report, lang, registry=registry), _expand_sarif)
