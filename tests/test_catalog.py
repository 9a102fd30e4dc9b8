from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import jsonschema
import yaml

from gdpr_policy import REGISTRY, bundled_policy, load_all_rules
from gdpr_policy._catalog import (
    clause_table,
    coverage_markdown,
    policy_schema,
    rules_json,
    uncovered,
)
from gdpr_policy._policy import bundled_policy_text

ROOT = Path(__file__).resolve().parent.parent


def _gen_docs() -> object:
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "tools" / "gen_docs.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_docs_are_fresh() -> None:
    gen = _gen_docs()
    for name, make in gen.GENERATED.items():  # type: ignore[attr-defined]
        committed = (ROOT / "docs" / name).read_text("utf-8")
        assert committed == make(), f"docs/{name} is stale: run python tools/gen_docs.py"


def test_coverage_lists_every_clause_once() -> None:
    table = coverage_markdown(bundled_policy())
    rows = [line for line in table.splitlines() if line.startswith("| S")]
    # Inmeta's statement, clause by clause, as its documents table lists it
    assert [row.split("|")[1].strip() for row in rows] == [f"S{n:02d}" for n in range(1, 37)]
    table_of_clauses = clause_table(bundled_policy().latest)
    for clause in ("S27", "S28", "S29"):
        assert table_of_clauses[clause][0] == "out of scope"
        assert "out of scope" in next(r for r in rows if r.startswith(f"| {clause} "))


def test_every_rule_and_policy_clause_is_encoded() -> None:
    assert uncovered(bundled_policy()) == []


def test_rules_json_lists_every_rule_with_references() -> None:
    load_all_rules()
    data = json.loads(rules_json())
    assert [r["id"] for r in data["rules"]] == [r.id for r in REGISTRY]
    for r in data["rules"]:
        assert r["legal"], f"{r['id']} cites no law"
        assert r["severity"] in ("error", "warning", "note")
        assert r["title"] != f"{r['id']}.title"


def test_bundled_policy_validates_against_the_schema() -> None:
    schema = json.loads(policy_schema())
    data = yaml.safe_load(bundled_policy_text())
    jsonschema.validate(json.loads(json.dumps(data, default=str)), schema)


def test_every_module_that_registers_rules_is_listed() -> None:
    import pkgutil

    import gdpr_policy
    from gdpr_policy._catalog import RULE_MODULES

    for info in pkgutil.walk_packages(gdpr_policy.__path__, "gdpr_policy."):
        if not info.name.endswith(("__main__", ".compile")):
            importlib.import_module(info.name)
    registering = {r.check.__module__ for r in REGISTRY}
    assert registering <= set(RULE_MODULES), f"add {sorted(registering - set(RULE_MODULES))} to RULE_MODULES"
