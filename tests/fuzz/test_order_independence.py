"""Record order in an input changes the order of findings at most, never the findings.

Properties over permutations of: the categories, services, languages and
cookies of native banner files, and the trackers, purposes and cookies of the
policy they are checked against (and which ``lint`` checks). Findings are
compared as multisets without their locations (moving a record moves its line).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

from fuzz._helpers import EXAMPLES
from gdpr_policy import Finding, evaluate_banner, lint_policy, load_policy, read_banner
from gdpr_policy._policy import bundled_policy_text

AS_OF = dt.date(2026, 11, 30)
POLICY_TREE: Any = yaml.safe_load(bundled_policy_text())
NATIVE = {
    name: yaml.safe_load((EXAMPLES / "native" / name).read_text(encoding="utf-8"))
    for name in ("compliant.yaml", "implied-consent.yaml")
}
# A native banner that breaks several rules at once, so that there is an order to lose.
NATIVE["several.yaml"] = {
    **NATIVE["implied-consent.yaml"],
    "mode": "opt-out",
    "consent_record": {"name": "consent", "storage": "cookie", "lifetime_days": 800},
}


def _dump(tree: Any) -> str:
    return yaml.safe_dump(tree, sort_keys=False, allow_unicode=True)


def _multiset(findings: list[Finding]) -> list[str]:
    return sorted(
        json.dumps(f.model_dump(mode="json", exclude={"location"}), sort_keys=True)
        for f in findings
    )


@st.composite
def shuffled(draw: st.DrawFn, items: list[Any]) -> list[Any]:
    return list(draw(st.permutations(items)))


@st.composite
def shuffled_banner(draw: st.DrawFn, tree: dict[str, Any]) -> dict[str, Any]:
    out = dict(tree)
    for key in ("categories", "services", "languages"):
        if isinstance(out.get(key), list):
            out[key] = draw(shuffled(out[key]))
    services = []
    for service in out.get("services", []):
        service = dict(service)
        if isinstance(service.get("cookies"), list):
            service["cookies"] = draw(shuffled(service["cookies"]))
        services.append(service)
    if services:
        out["services"] = services
    return out


@st.composite
def shuffled_policy(draw: st.DrawFn) -> dict[str, Any]:
    tree = dict(POLICY_TREE)
    versions = []
    for version in tree["versions"]:
        version = dict(version)
        for key in ("trackers", "purposes", "systems", "retention"):
            version[key] = draw(shuffled(version[key]))
        version["trackers"] = [
            {**t, "cookies": draw(shuffled(t["cookies"]))} if t.get("cookies") else t
            for t in version["trackers"]
        ]
        versions.append(version)
    tree["versions"] = versions
    return tree


BASE_POLICY = load_policy(_dump(POLICY_TREE), source="policy.yaml")
BASE_VERSION = BASE_POLICY.at(AS_OF)
BASE = {
    name: _multiset(evaluate_banner(read_banner(_dump(t), source=name), BASE_VERSION, AS_OF))
    for name, t in NATIVE.items()
}


def test_the_baselines_have_findings_to_lose() -> None:
    assert len(BASE["several.yaml"]) >= 3
    assert BASE["compliant.yaml"] == [] or all('"error"' not in f for f in BASE["compliant.yaml"])


@given(st.sampled_from(sorted(NATIVE)), st.data())
def test_banner_record_order_does_not_change_findings(name: str, data: st.DataObject) -> None:
    tree = data.draw(shuffled_banner(NATIVE[name]))
    banner = read_banner(_dump(tree), source=name)
    assert _multiset(evaluate_banner(banner, BASE_VERSION, AS_OF)) == BASE[name]


@given(shuffled_policy(), st.sampled_from(sorted(NATIVE)))
def test_policy_record_order_does_not_change_findings(tree: dict[str, Any], name: str) -> None:
    policy = load_policy(_dump(tree), source="policy.yaml")
    assert _multiset(lint_policy(policy)) == _multiset(lint_policy(BASE_POLICY))
    banner = read_banner(_dump(NATIVE[name]), source=name)
    assert _multiset(evaluate_banner(banner, policy.at(AS_OF), AS_OF)) == BASE[name]


@given(st.sampled_from(sorted(NATIVE)), st.data())
def test_evaluation_is_idempotent_and_its_order_stable(name: str, data: st.DataObject) -> None:
    tree = data.draw(shuffled_banner(NATIVE[name]))
    banner = read_banner(_dump(tree), source=name)
    first = evaluate_banner(banner, BASE_VERSION, AS_OF)
    assert evaluate_banner(banner, BASE_VERSION, AS_OF) == first
    assert first == sorted(first, key=Finding.sort_key)
