"""Format detection from content, and the public ``read_banner`` entry."""

from __future__ import annotations

import json

import pytest

from banner._helpers import DATA, fixture_text
from gdpr_policy._errors import InputError, UsageError
from gdpr_policy.banner import FORMATS, detect_format, read_banner


@pytest.mark.parametrize(
    ("fixture", "expected"),
    [
        ("orestbida-v3/compliant.js", "cookieconsent"),
        ("orestbida-v3/compliant.json", "cookieconsent"),
        ("klaro/compliant.js", "klaro"),
        ("klaro/compliant.json", "klaro"),
        ("google-consent-mode/compliant.gtag.js", "gtag"),
        ("google-consent-mode/compliant.gtag.json", "gtag"),
        ("google-consent-mode/compliant.gtm-container.json", "gtm"),
        ("variants/cc3-dynamic.js", "cookieconsent"),
        ("variants/cc3-page.html", "cookieconsent"),
        ("variants/klaro-risky.js", "klaro"),
        ("variants/gtag-regions.html", "gtag"),
        ("variants/gtm-mixed.json", "gtm"),
        ("variants/gtm-consent-template.json", "gtm"),
        ("variants/native.yaml", "native"),
    ],
)
def test_detects_every_fixture_by_content(fixture: str, expected: str) -> None:
    text = fixture_text(fixture)
    # the file name is not used: a neutral name gives the same answer
    assert detect_format(text, source="config.txt") == expected
    banner = read_banner(text.encode(), source=fixture)
    assert banner.source.format == expected
    assert banner.source.file == fixture


def test_explicit_format_is_honoured() -> None:
    text = fixture_text("orestbida-v3/compliant.js")
    assert read_banner(text, source="x", format="cookieconsent").mode == "opt-in"
    with pytest.raises(InputError):
        read_banner(text, source="x", format="klaro")


def test_unknown_format_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        read_banner("{}", source="x", format="osano")
    assert set(FORMATS) == {"cookieconsent", "klaro", "gtag", "gtm", "native"}


def test_native_json_detected() -> None:
    assert detect_format(json.dumps({"gdpr_policy_banner": 1}), source="x") == "native"


def test_bare_datalayer_array_is_gtag() -> None:
    text = json.dumps([["consent", "default", {"ad_storage": "denied"}]])
    assert detect_format(text, source="x") == "gtag"
    banner = read_banner(text, source="x")
    assert banner.consent_mode is not None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"hello": "world"}', "no known shape"),
        ("console.log('hi');", "banner configuration"),
        ("CookieConsent.run({categories: {}});\nvar klaroConfig = {};", "both"),
        ('{"a": ', "valid JSON"),
        ("var x = {", "unclosed bracket"),
        ("<html><body>no scripts</body></html>", "banner configuration"),
    ],
)
def test_undetectable_input_is_a_located_error(text: str, expected: str) -> None:
    with pytest.raises(InputError) as info:
        detect_format(text, source="what.txt")
    assert expected in str(info.value)
    assert str(info.value).startswith("what.txt")


def test_fixtures_are_the_shared_compliant_examples() -> None:
    for rel in ("orestbida-v3/compliant.js", "klaro/compliant.js",
                "google-consent-mode/compliant.gtm-container.json"):
        assert (DATA / rel).is_file()
