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


# --- issue 12: templates ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('{% if cookies %}{"categories": {}}{% endif %}', "Liquid, Jinja or Twig"),
        ("CookieConsent.run({revision: {{ rev }}, categories: {}});", "{{ ... }}"),
        ("<script>klaroConfig = {services: @json($services)};</script>", "Blade"),
        ("CookieConsent.run({revision: <%= rev %>, categories: {}});", "ERB or EJS"),
    ],
)
def test_a_template_is_named_with_what_to_render_first(text: str, needle: str) -> None:
    with pytest.raises(InputError) as caught:
        read_banner(text, source="t.tpl")
    message = str(caught.value)
    assert needle in message and "render it first" in message
    assert message.startswith("t.tpl:1:")


def test_a_broken_config_with_cookieconsents_own_placeholder_is_not_called_a_template() -> None:
    text = "CookieConsent.run({categories: {}, language: {translations: {en: {consentModal: {description: '{{revisionMessage}}'}}}}"
    with pytest.raises(InputError) as caught:
        read_banner(text, source="c.js")
    assert "template" not in str(caught.value)


def test_blade_page_scripts_are_read_as_html() -> None:
    page = (
        "<!doctype html><html><head>@vite('app.js')<script>var klaroConfig = "
        "{services: [{name: 'ga', purposes: ['analytics']}]};</script></head>"
        "<body>{{ $content }}<a onclick=\"klaro.show()\">x</a></body></html>"
    )
    banner = read_banner(page, source="layout.blade.php")
    assert banner.source.format == "klaro" and banner.withdrawal is not None
