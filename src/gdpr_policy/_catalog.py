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

from ._policy import Policy, PolicyVersion, statement_refs
from ._refs import Promise
from ._rules import REGISTRY, Rule
from .i18n import translate

__all__ = [
    "RULE_MODULES",
    "clause_table",
    "coverage_markdown",
    "load_all_rules",
    "national_law_markdown",
    "policy_schema",
    "rules_json",
    "rules_markdown",
    "schema_keys_markdown",
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

def clause_table(version: PolicyVersion) -> dict[str, tuple[str, str]]:
    """A statement's clauses from the policy's documents: id -> (kind, summary)."""
    return {
        c.id: (c.kind.replace("-", " "), c.summary)
        for doc in version.documents
        for c in doc.clauses
    }


def _bundled_latest() -> PolicyVersion:
    from ._policy import bundled_policy

    return bundled_policy().latest


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
        "promises": [p.value for p in r.promises],
        "statement": [str(x) for x in r.clauses(_bundled_latest())],
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
    for element, _, ref in statement_refs(model, prefix, by_label=True):
        yield str(ref), element or "(version)"


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
    """The coverage table: each clause of the policy's documents, its kind, and what encodes it.

    The policy fields named are only those ``tests/test_fields.py`` proves
    drive a verdict (``gdpr_policy._fields.READ_BY``), grouped by the element
    of the policy that cites the clause; elements with no such field are left out.
    """
    load_all_rules()
    version: PolicyVersion = policy.latest
    clauses = clause_table(version)
    # the clauses the version's own fields (its date, what it discloses) encode
    dating = {str(c) for c in version.clauses_for((Promise.STATEMENT_VERSION,))}
    # clause -> element schema path -> the instances citing it (purposes[analytics] ...).
    cited: dict[str, dict[str, list[str]]] = {c: {} for c in clauses}
    for clause, path in statement_paths(version):
        if path == "(version)" and clause not in dating:
            continue  # the version's own fields encode only the clause that dates the statement
        schema = "(version)" if path == "(version)" else re.sub(r"\[[^\]]*\]", "[]", path)
        instance = re.search(r"\[([^\]]*)\]$", path)
        names = cited[clause].setdefault(schema, [])
        if instance and instance.group(1) not in names:
            names.append(instance.group(1))
    fields: dict[str, list[str]] = {c: [] for c in clauses}
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
    rules: dict[str, list[str]] = {c: [] for c in clauses}
    for r in REGISTRY:
        for ref in r.clauses(version):
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
    for clause, (kind, label) in clauses.items():
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
    covered |= {str(ref) for r in REGISTRY for ref in r.clauses(policy.latest)}
    table = clause_table(policy.latest)
    return [c for c, (kind, _) in table.items() if kind != "out of scope" and c not in covered]


def policy_schema() -> str:
    """The JSON Schema of the policy format."""
    schema = Policy.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://gdpr-policy.invalid/policy.schema.json"
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _schema_type(node: dict[str, Any], defs: dict[str, Any]) -> tuple[str, list[str], str | None]:
    """A schema node as (type text, allowed values, $def name of an object to descend into)."""
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        target = defs.get(name, {})
        if "enum" in target:
            return "string", [str(v) for v in target["enum"]], None
        if target.get("type") == "object" and "properties" in target:
            return "mapping", [], name
        return _schema_type(target, defs)
    if "anyOf" in node:
        parts = [_schema_type(n, defs) for n in node["anyOf"] if n.get("type") != "null"]
        texts = [t for t, _, _ in parts]
        allowed = [v for _, vals, _ in parts for v in vals]
        inner = next((d for _, _, d in parts if d), None)
        nullable = any(n.get("type") == "null" for n in node["anyOf"])
        text = " or ".join(dict.fromkeys(texts)) + (" or null" if nullable else "")
        return text, allowed, inner
    if "enum" in node:
        return "string", [str(v) for v in node["enum"]], None
    if "const" in node:
        return "string", [str(node["const"])], None
    kind = node.get("type")
    if kind == "array":
        items = node.get("items") or (node.get("prefixItems") or [{}])[0]
        text, allowed, inner = _schema_type(items, defs)
        return f"list of {text}", allowed, inner
    if kind == "object":
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):
            text, allowed, inner = _schema_type(extra, defs)
            keys = node.get("propertyNames", {}).get("enum")
            return f"mapping of {' | '.join(keys) if keys else 'key'} to {text}", allowed, inner
        return "mapping", [], None
    fmt = node.get("format")
    pattern = node.get("pattern")
    text = str(kind or "value") + (f" ({fmt})" if fmt else "")
    if pattern and kind == "string":
        text += f" matching `{pattern}`"
    return text, [], None


def schema_keys_markdown(
    model: type[BaseModel], title: str, intro: str, exclude: frozenset[str] = frozenset()
) -> str:
    """Every key a model accepts, as one Markdown table per nested element, from its JSON Schema.

    Generated so that the reference cannot omit a key or list one the loader refuses;
    ``exclude`` names keys the file may not hold (filled in by a reader).
    """
    schema = model.model_json_schema()
    defs: dict[str, Any] = schema.get("$defs", {})
    lines = [f"# {title}", "", intro, "",
             "Generated from the model by `tools/gen_docs.py`; do not edit.", ""]
    seen: set[str] = set()
    queue: list[tuple[str, dict[str, Any]]] = [("(top level)", schema)]
    while queue:
        where, node = queue.pop(0)
        props: dict[str, Any] = node.get("properties", {})
        required = set(node.get("required", []))
        lines += [f"## `{where}`", ""]
        if node.get("description"):
            lines += [" ".join(str(node["description"]).split()), ""]
        lines += ["| key | type | required | default | allowed values |", "|---|---|---|---|---|"]
        for key, sub in props.items():
            if key in exclude:
                continue
            text, allowed, inner = _schema_type(sub, defs)
            default = json.dumps(sub["default"], ensure_ascii=False) if "default" in sub else ""
            values = ", ".join(f"`{v}`" for v in allowed)
            req = "yes" if key in required else ""
            lines.append(f"| `{key}` | {text.replace('|', '&#124;')} | {req} | "
                         f"{default.replace('|', '&#124;')} | {values} |")
            if inner and inner not in seen:
                seen.add(inner)
                child = where + "." + key if where != "(top level)" else key
                queue.append((child, defs[inner]))
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def national_law_markdown() -> str:
    """docs/national-law.md: the national-law table and the calendars of every EEA country."""
    from ._national import NATIONAL_LAW
    from ._places import CALENDARS

    def cite(value: str, confirmed: bool) -> str:
        return f"`{value}`" if confirmed else f"`{value}` (national act not confirmed)"

    lines = [
        "# National law of the EEA countries",
        "",
        "Generated from `gdpr_policy._national` and `gdpr_policy._places` by",
        "`python tools/gen_docs.py`. Each country's supervisory authority (GDPR Art. 77;",
        "the lint's Art. 13(2)(d) check), the act carrying the ePrivacy Directive's cookie",
        "rule (Art. 5(3); the banner rules cite it for a policy of that country) and the act",
        "carrying its e-mail marketing rule (Art. 13; `marketing.no-basis` cites it when a",
        "marketing purpose names no `national_law` of its own). Where this library could",
        "not confirm the national act and section against a source, it cites the directive",
        "article as transposed rather than guess; where only the act was confirmed, not its",
        "section, the act alone is cited (Denmark's cookie order, Portugal, Romania). The",
        "sources of the confirmed ones are in the table's comments. Only Norway's cookie",
        "rule refuses browser settings as",
        "consent by statute; elsewhere the floor is the GDPR's (EDPB Guidelines 05/2020).",
        "",
        "| Country | Supervisory authority | Cookie rule | E-mail marketing | Calendars |",
        "|---|---|---|---|---|",
    ]
    for code in sorted(NATIONAL_LAW):
        law = NATIONAL_LAW[code]
        calendars = ", ".join(
            f"`{c}`" for c in CALENDARS if c == code or c.startswith(f"{code}-"))
        lines.append(
            f"| {code} | {law.authority} | "
            f"{cite(law.cookie_rule, 'cookie_rule' in law.confirmed)} | "
            f"{cite(law.email_marketing, 'email_marketing' in law.confirmed)} | {calendars} |"
        )
    for code in sorted(NATIONAL_LAW):
        law = NATIONAL_LAW[code]
        if not law.regional_authorities:
            continue
        lines += ["", f"## Regional authorities: {code}", "",
                  f"{law.fallback_note}." if law.fallback_note else "", "",
                  "| Region | Authority |", "|---|---|"]
        lines += [f"| `{r}` | {a} |" for r, a in sorted(law.regional_authorities.items())]
    return "\n".join(lines) + "\n"
