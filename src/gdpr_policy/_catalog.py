"""The rule catalog and the clause coverage table, generated from the registry.

``docs/rules.md``, ``docs/coverage.md`` and ``docs/policy.schema.json`` are
produced from here (``python tools/gen_docs.py``) and a test fails when the
committed files are stale, so the docs cannot drift from the code.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from ._policy import Policy, PolicyVersion
from ._refs import STATEMENT_CLAUSES
from ._rules import REGISTRY, Rule
from .i18n import translate

__all__ = [
    "CLAUSES",
    "RULE_MODULES",
    "coverage_markdown",
    "load_all_rules",
    "policy_schema",
    "rules_json",
    "rules_markdown",
    "statement_paths",
    "uncovered",
]

#: Modules that register rules; importing them fills the registry.
RULE_MODULES: tuple[str, ...] = (
    "gdpr_policy._lint",
    "gdpr_policy.consent",
    "gdpr_policy.banner.rules",
    "gdpr_policy.requests",
    "gdpr_policy.audit.rules",
)

#: The statement's clauses: kind and a short English label (statement/clauses.md).
CLAUSES: dict[str, tuple[str, str]] = {
    "S01": ("policy", "Controller identity, organisation number, addresses, contact"),
    "S02": ("policy", "Version: last updated 2024-03-06"),
    "S03": ("policy", "Site traffic is tracked and behaviour monitored"),
    "S04": ("rule", "Cookie consent can be changed or withdrawn via the cookie declaration"),
    "S05": (
        "rule",
        "Withdrawal via browser settings; site usable without cookies (no cookie wall)",
    ),
    "S06": (
        "policy",
        "Cookie inventory: Sanity, GA4, GTM, HubSpot, Facebook/LinkedIn, LinkedIn ads, campaigns",
    ),
    "S07": ("policy", "Contact data for marketing and customer relations held in HubSpot"),
    "S08": ("policy", "Data categories: name/contact, company, behaviour, on-site activity"),
    "S09": ("policy", "Business-to-business only; GDPR applies in full"),
    "S10": ("policy", "Purposes: promotion, information, market research, polls; direct marketing"),
    "S11": ("rule", "Data deleted when e-mail is undeliverable (hard bounce)"),
    "S12": ("rule", "Deactivated after 2 years without activity; opening an e-mail counts"),
    "S13": ("rule", "Otherwise deleted only on request"),
    "S14": ("rule", "No disclosure to third parties except legal authorities"),
    "S15": ("rule", "Right of access"),
    "S16": ("rule", "Right to rectification"),
    "S17": ("rule", "Right to erasure"),
    "S18": ("rule", "Right to restriction"),
    "S19": ("rule", "Right to portability in a structured, machine-readable form"),
    "S20": ("rule", "Identity may be verified on reasonable doubt"),
    "S21": ("rule", "Requests answered within one month"),
    "S22": ("rule", "Consent voluntary, personal, clear, unambiguous"),
    "S23": ("rule", "Consent by an explicit act; freely given, specific, informed, unambiguous"),
    "S24": ("rule", "Consent covers every purpose"),
    "S25": ("rule", "No consent by silence, pre-ticked box or as a precondition"),
    "S26": ("rule", "Electronic consent requests clear and not needlessly disruptive"),
    "S27": ("out of scope", "Site content provided as is"),
    "S28": ("out of scope", "Licence for reuse of site documents"),
    "S29": ("out of scope", "No responsibility for third-party sites"),
    "S30": ("rule", "Profiling with cookies: IP, pages, location, device"),
    "S31": ("policy", "Purpose of profiling: tailored marketing, better experience"),
    "S32": (
        "rule",
        "Forms on legitimate interest; e-mail marketing needs consent (Marketing Control Act)",
    ),
    "S33": ("rule", "Consent can be withdrawn, opting out of marketing"),
    "S34": ("rule", "Opt-out by unsubscribe link or e-mail (hei@ shown, post@ linked)"),
    "S35": ("rule", "Cookie consent given and withdrawn through the banner"),
    "S36": ("rule", "Administrative e-mail continues after opt-out"),
}
assert tuple(CLAUSES) == STATEMENT_CLAUSES


def load_all_rules() -> None:
    """Import every rule module so that the registry is complete."""
    for name in RULE_MODULES:
        importlib.import_module(name)


def _rule_dict(r: Rule[Any], lang: str) -> dict[str, Any]:
    return {
        "id": r.id,
        "area": r.area,
        "severity": r.severity.value,
        "title": translate(r.title_code, lang),
        "help": translate(r.help_code, lang),
        "message_code": r.message_code,
        "legal": [str(x) for x in r.legal],
        "statement": [str(x) for x in r.statement],
        "effective_from": r.effective_from.isoformat() if r.effective_from else None,
        "effective_until": r.effective_until.isoformat() if r.effective_until else None,
    }


def rules_json(lang: str = "en") -> str:
    """Every registered rule as a JSON document (sorted by id)."""
    load_all_rules()
    return (
        json.dumps({"rules": [_rule_dict(r, lang) for r in REGISTRY]}, ensure_ascii=False, indent=2)
        + "\n"
    )


def rules_markdown(lang: str = "en") -> str:
    """The rule catalog as Markdown: one section per area, one entry per rule."""
    load_all_rules()
    lines = [
        "# Rule catalog",
        "",
        "Generated from the rule registry by `gdpr-policy rules --format markdown`; do not edit.",
        "",
        f"{len(REGISTRY)} rules. Severity `error` fails `--fail-on error` (the default).",
        "",
    ]
    areas = sorted({r.area for r in REGISTRY})
    for area in areas:
        lines += [
            f"## {area}",
            "",
            "| id | severity | title | statement | legal |",
            "|---|---|---|---|---|",
        ]
        for r in REGISTRY.area(area):
            d = _rule_dict(r, lang)
            lines.append(
                f"| `{d['id']}` | {d['severity']} | {d['title']} | {', '.join(d['statement']) or '-'} "
                f"| {'; '.join(d['legal'])} |"
            )
        lines.append("")
        for r in REGISTRY.area(area):
            d = _rule_dict(r, lang)
            lines += [f"### `{d['id']}`", "", d["help"], ""]
            if d["effective_from"] or d["effective_until"]:
                lines += [
                    f"In force {d['effective_from'] or '...'} to {d['effective_until'] or '...'}.",
                    "",
                ]
    return "\n".join(lines).rstrip() + "\n"


def statement_paths(model: BaseModel, prefix: str = "") -> Iterator[tuple[str, str]]:
    """Yield ``(clause, dotted path)`` for every ``statement`` list in a model tree."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        path = f"{prefix}.{name}" if prefix else name
        if name == "statement":
            for ref in value:
                yield str(ref), prefix or "(version)"
        elif isinstance(value, BaseModel):
            yield from statement_paths(value, path)
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    label = (
                        getattr(item, "id", None)
                        or getattr(item, "code", None)
                        or getattr(item, "domain", None)
                    )
                    yield from statement_paths(item, f"{path}[{label if label else i}]")


def _verified_fields(path: str) -> list[str]:
    """The fields of the element at ``path`` that a test proves drive a verdict (READ_BY)."""
    from ._fields import READ_BY

    schema = "" if path == "(version)" else re.sub(r"\[[^\]]*\]", "[]", path)
    own: list[str] = []
    for field in READ_BY:
        parent, _, leaf = field.rpartition(".")
        if parent == schema:
            own.append(leaf)
    return own


def coverage_markdown(policy: Policy) -> str:
    """The coverage table: each clause S01..S36, its kind, and what encodes it.

    The policy fields named are only those ``tests/test_fields.py`` proves
    drive a verdict (``gdpr_policy._fields.READ_BY``), grouped by the element
    of the policy that cites the clause; elements with no such field are left out.
    """
    load_all_rules()
    version: PolicyVersion = policy.latest
    # clause -> element schema path -> the instances citing it (purposes[analytics] ...).
    cited: dict[str, dict[str, list[str]]] = {c: {} for c in CLAUSES}
    for clause, path in statement_paths(version):
        if path == "(version)" and clause != "S02":
            continue  # the version's own fields (its date, what it discloses) encode S02 only
        schema = "(version)" if path == "(version)" else re.sub(r"\[[^\]]*\]", "[]", path)
        instance = re.search(r"\[([^\]]*)\]$", path)
        names = cited[clause].setdefault(schema, [])
        if instance and instance.group(1) not in names:
            names.append(instance.group(1))
    fields: dict[str, list[str]] = {c: [] for c in CLAUSES}
    for clause, by_schema in cited.items():
        for schema, names in by_schema.items():
            own = _verified_fields(schema)
            if not own:
                continue
            label = ", ".join(f"`{f}`" for f in own)
            if schema == "(version)":
                fields[clause].append(label)
            elif names and schema.endswith("[]"):
                fields[clause].append(f"`{schema[:-2]}[{', '.join(names)}]`: {label}")
            else:
                fields[clause].append(f"`{schema}`: {label}")
    rules: dict[str, list[str]] = {c: [] for c in CLAUSES}
    for r in REGISTRY:
        for ref in r.statement:
            rules[str(ref)].append(r.id)
    lines = [
        "# Coverage of the statement",
        "",
        f"Each clause of the statement (policy `{policy.id}`, version {version.version}) and the rules",
        "and the policy fields that decide their verdicts: only fields that `tests/test_fields.py`",
        "proves change a verdict when changed. Generated by `tools/gen_docs.py`; do not edit.",
        "",
        "| clause | kind | paraphrase | rules | policy fields |",
        "|---|---|---|---|---|",
    ]
    for clause, (kind, label) in CLAUSES.items():
        r_text = _rules_by_area(rules[clause])
        f_text = "; ".join(fields[clause]) or "-"
        if kind == "out of scope":
            r_text, f_text = "out of scope", "out of scope"
        lines.append(f"| {clause} | {kind} | {label} | {r_text} | {f_text} |")
    return "\n".join(lines) + "\n"


#: How the coverage table names each area's rules: a policy-lint rule reads the policy
#: file, never the site, so it must not read as if it checked the banner.
_AREA_LABELS = {"policy": "policy lint (the policy file only)", "banner": "banner check"}


def _rules_by_area(rule_ids: list[str]) -> str:
    """Rule ids grouped by area and labelled (``banner check: ...; policy lint ...: ...``)."""
    if not rule_ids:
        return "-"
    areas: dict[str, list[str]] = {}
    for rule_id in rule_ids:
        areas.setdefault(rule_id.split(".", 1)[0], []).append(rule_id)
    return "; ".join(
        f"{_AREA_LABELS.get(area, area)}: " + ", ".join(f"`{x}`" for x in ids)
        for area, ids in areas.items()
    )


def uncovered(policy: Policy) -> list[str]:
    """Clauses marked rule or policy that neither a rule nor a policy field encodes."""
    load_all_rules()
    covered = {c for c, _ in statement_paths(policy.latest)}
    covered |= {str(ref) for r in REGISTRY for ref in r.statement}
    return [c for c, (kind, _) in CLAUSES.items() if kind != "out of scope" and c not in covered]


def policy_schema() -> str:
    """The JSON Schema of the policy format."""
    schema = Policy.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://gdpr-policy.invalid/policy.schema.json"
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
