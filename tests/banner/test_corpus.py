"""The banner corpus: configurations of the kinds people write, each with the rules it must give.

``tests/data/banner/corpus/manifest.yaml`` names, for each file, the exact set
of error and warning rules, the exact set of note message codes, or the text
of the refusal of a file that cannot be read. The files and the manifest are
written by ``_generate.py`` next to them (judged by hand; see its docstring)
and checked against ``policy.yaml`` there, a policy ``gdpr-policy init``
wrote for the corpus site.
"""

from __future__ import annotations

import datetime as dt
import difflib
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from gdpr_policy._errors import InputError
from gdpr_policy._policy import PolicyVersion, load_policy
from gdpr_policy._rules import Severity
from gdpr_policy.banner import read_banner
from gdpr_policy.banner.rules import evaluate_banner

from ._helpers import DATA

CORPUS = DATA / "corpus"
MANIFEST: dict[str, dict[str, object]] = yaml.safe_load(
    (CORPUS / "manifest.yaml").read_text("utf-8")
)
AS_OF = dt.date(2026, 6, 1)


@pytest.fixture(scope="module")
def policy() -> PolicyVersion:
    path = CORPUS / "policy.yaml"
    return load_policy(path.read_bytes(), source=str(path)).at(AS_OF)


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("corpus_generate", CORPUS / "_generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_corpus_file_gives_exactly_its_rules(policy: PolicyVersion, name: str) -> None:
    expected = MANIFEST[name]
    path = CORPUS / name
    if "unreadable" in expected:
        with pytest.raises(InputError) as caught:
            read_banner(path.read_bytes(), source=name)
        assert str(expected["unreadable"]) in str(caught.value)
        assert str(caught.value).startswith(f"{name}:")
        return
    findings = evaluate_banner(read_banner(path.read_bytes(), source=name), policy, AS_OF)
    rules = sorted({f.rule for f in findings if f.severity is not Severity.NOTE})
    notes = sorted({f.message.code for f in findings if f.severity is Severity.NOTE})
    assert rules == expected["rules"], [(f.rule, f.subject) for f in findings]
    assert notes == expected["notes"], [(f.message.code, f.subject) for f in findings]
    for found in findings:
        assert found.location is not None and found.location.file == name


def test_corpus_is_large_and_covers_every_kind() -> None:
    assert len(MANIFEST) >= 60
    names = set(MANIFEST)
    # minified and not; JS, JSON, HTML, YAML and template wrappers
    for suffix in (".min.js", ".js", ".json", ".html", ".yaml", ".blade.php", ".erb"):
        assert any(n.endswith(suffix) for n in names), suffix
    for prefix in ("cc3-", "klaro-", "gtag-", "gtm-", "native-"):
        assert sum(n.startswith(prefix) for n in names) >= 5, prefix
    fired = {r for e in MANIFEST.values() for r in e.get("rules", [])}  # type: ignore[attr-defined]
    noted = {r for e in MANIFEST.values() for r in e.get("notes", [])}  # type: ignore[attr-defined]
    assert {
        "banner.reject-less-prominent",
        "banner.no-withdrawal",
        "banner.consent-mode-advanced",
        "banner.no-reject-first-layer",
        "banner.unknown-tracker",
        "banner.stale-revision",
        "banner.tag-not-consent-gated",
        "banner.consent-mode-default-granted",
    } <= fired
    assert {
        "banner.not-judged",
        "banner.not-judged.unknown-key",
        "banner.not-judged.texts-at-run-time",
        "banner.not-judged.server-container",
        "banner.not-judged.custom-html-unreadable",
        "banner.no-withdrawal.not-shown",
    } <= noted
    assert sum("unreadable" in e for e in MANIFEST.values()) >= 4
    # each base shape has a clean configuration: a failure is the variant's, not the base's
    for base in ("cc3-base.js", "klaro-base.js", "gtag-base.js", "gtm-base.json", "native-base.yaml"):
        assert MANIFEST[base]["rules"] == []


def test_corpus_files_are_what_the_generator_writes() -> None:
    generated = _generator().corpus()
    assert set(generated) == set(MANIFEST)
    for name, (text, expected) in generated.items():
        assert (CORPUS / name).read_text("utf-8") == text, name
        assert MANIFEST[name] == expected, name


def test_one_change_variants_differ_from_their_base_in_one_place() -> None:
    # A variant of a clean base fails with its rule (above); here: it is one change away.
    bases = {"cc3": "cc3-base.js", "klaro": "klaro-base.js", "gtag": "gtag-base.js"}
    for name, expected in MANIFEST.items():
        family = name.split("-", 1)[0]
        if family not in bases or name.endswith((".min.js", ".json", ".html", ".php", ".erb")):
            continue
        if not expected.get("rules"):
            continue
        base = (CORPUS / bases[family]).read_text("utf-8").splitlines()
        lines = (CORPUS / name).read_text("utf-8").splitlines()
        hunks = [op for op in difflib.SequenceMatcher(a=base, b=lines).get_opcodes()
                 if op[0] != "equal"]
        # one change; a cookie wall needs three (block the page, drop both ways out), a
        # misspelt region two (the grant, and the key that should have limited it)
        several = len(expected["rules"]) > 1 or bool(expected["notes"])  # type: ignore[arg-type]
        assert 1 <= len(hunks) <= (3 if several else 1), (name, hunks)


def test_corpus_policy_was_written_by_init_for_the_base() -> None:
    text = (CORPUS / "policy.yaml").read_text("utf-8")
    assert text.startswith("# A starting policy written by `gdpr-policy init --from-banner`")
    assert isinstance(Path(CORPUS / "cc3-base.js").read_text("utf-8"), str)
