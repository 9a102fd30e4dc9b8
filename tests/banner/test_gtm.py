"""GTM container export reader: consent status, built-in checks, vendor guesses, errors."""

from __future__ import annotations

import json

import pytest

from banner._helpers import fixture_text, line_col_of
from gdpr_policy._errors import InputError
from gdpr_policy.banner import Banner
from gdpr_policy.banner._gtm import read_gtm

COMPLIANT = fixture_text("google-consent-mode/compliant.gtm-container.json")


def read(text: str, source: str = "gtm.json") -> Banner:
    return read_gtm(text, source=source)


def test_compliant_container() -> None:
    banner = read(COMPLIANT)
    assert banner.source.format == "gtm" and not banner.manages_trackers
    assert [(t.name, t.type, t.tracker, t.consent_status, t.built_in_consent_check)
            for t in banner.gtm_tags] == [
        ("Google tag - GA4", "googtag", "google-analytics", "NEEDED", True),
        ("HubSpot - tracking code", "html", "hubspot", "NEEDED", False),
        ("LinkedIn - Insight Tag", "html", "linkedin-insight", "NEEDED", False),
        ("Meta Pixel - Base", "html", "meta-pixel", "NEEDED", False),
    ]
    hubspot = banner.gtm_tags[1]
    assert hubspot.consent_types == ("ad_storage", "analytics_storage")
    assert hubspot.vendor == "HubSpot Inc."
    assert hubspot.location is not None
    assert hubspot.location.pointer == "/containerVersion/tag/1/consentSettings/consentStatus"
    assert (hubspot.location.line, hubspot.location.column) == line_col_of(
        COMPLIANT, '"NEEDED"', 2
    )


def test_mixed_statuses() -> None:
    banner = read(fixture_text("variants/gtm-mixed.json"))
    tags = {t.id: t for t in banner.gtm_tags}
    assert tags["1"].consent_status == "NOT_SET" and tags["1"].tracker == "hubspot"
    assert tags["2"].consent_status == "NOT_SET" and tags["2"].built_in_consent_check
    # no consentSettings at all: NOT_SET, located at the tag
    assert tags["3"].consent_status == "NOT_SET" and tags["3"].tracker == "meta-pixel"
    assert tags["3"].location is not None
    assert tags["3"].location.pointer == "/containerVersion/tag/2"
    # lower-case spelling
    assert tags["4"].consent_status == "NEEDED" and tags["4"].paused
    assert tags["5"].consent_status == "NOT_NEEDED" and tags["5"].tracker is None


def test_one_change_variant_not_set() -> None:
    data = json.loads(COMPLIANT)
    data["containerVersion"]["tag"][3]["consentSettings"]["consentStatus"] = "NOT_SET"
    banner = read(json.dumps(data, indent=2))
    meta = banner.gtm_tags[3]
    assert meta.consent_status == "NOT_SET" and not meta.built_in_consent_check


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"containerVersion": {}}, "exportFormatVersion 2"),
        ({"exportFormatVersion": 1, "containerVersion": {}}, "exportFormatVersion 2"),
        ({"exportFormatVersion": 2}, "containerVersion"),
        ({"exportFormatVersion": 2, "containerVersion": {"tag": [1]}}, "object for the tag"),
        ({"exportFormatVersion": 2, "containerVersion": {"tag": [
            {"name": "x", "type": "html", "consentSettings": {"consentStatus": "MAYBE"}}]}},
         "NEEDED"),
    ],
)
def test_errors(data: object, expected: str) -> None:
    with pytest.raises(InputError) as info:
        read(json.dumps(data))
    assert expected in str(info.value)


def test_not_json_is_located() -> None:
    with pytest.raises(InputError) as info:
        read('{\n  "exportFormatVersion": 2,\n  oops\n}')
    assert info.value.issues[0].line == 3


def test_consent_template_defaults_are_read() -> None:
    text = fixture_text("variants/gtm-consent-template.json")
    banner = read(text)
    assert banner.consent_mode is not None
    regional, everywhere = banner.consent_mode.defaults  # the "update" tag is not a default
    assert regional.region == ("NO", "SE", "DE")
    assert regional.types == {
        "ad_storage": "denied",
        "analytics_storage": "denied",
        "ad_user_data": "denied",
        "ad_personalization": "denied",
    }
    assert regional.wait_for_update == 500
    assert everywhere.region is None
    assert everywhere.types == {"ad_storage": "granted", "analytics_storage": "granted"}
    granted = everywhere.type_locations["ad_storage"]
    assert (granted.line, granted.column) == line_col_of(text, '"granted"')
    assert granted.pointer == (
        "/containerVersion/tag/0/parameter/2/list/1/map/1/value"
    )


def test_container_without_consent_template_has_no_consent_mode() -> None:
    assert read(COMPLIANT).consent_mode is None


# --- issue 12 -----------------------------------------------------------------------------


def _container(tags: list[dict[str, object]], context: str = "WEB") -> str:
    return json.dumps({"exportFormatVersion": 2, "containerVersion": {
        "container": {"publicId": "GTM-T", "usageContext": [context]}, "tag": tags}}, indent=1)


def _html(name: str, html: str) -> dict[str, object]:
    return {"name": name, "type": "html",
            "parameter": [{"type": "TEMPLATE", "key": "html", "value": html}]}


def test_gtag_defaults_in_custom_html_are_read_like_template_defaults() -> None:
    html = ("<script>function gtag(){dataLayer.push(arguments);}"
            "gtag('consent','default',{'analytics_storage':'granted','ad_storage':'denied',"
            "'region':['NO','SE']});</script>")
    text = _container([_html("Consent Mode - Default", html)])
    banner = read(text)
    assert banner.consent_mode is not None
    (default,) = banner.consent_mode.defaults
    assert default.region == ("NO", "SE")
    assert default.types == {"analytics_storage": "granted", "ad_storage": "denied"}
    # positions inside the HTML are not file positions: the default points at the parameter
    assert default.location is not None
    assert default.location.line == line_col_of(text, '"<script>')[0]
    assert default.location.pointer == "/containerVersion/tag/0/parameter/0/value"


def _template(rows: list[dict[str, str]]) -> dict[str, object]:
    return {"name": "Consent defaults", "type": "cvt_consent", "parameter": [
        {"type": "TEMPLATE", "key": "command", "value": "default"},
        {"type": "LIST", "key": "defaultSettings", "list": [
            {"type": "MAP", "map": [{"type": "TEMPLATE", "key": k, "value": v}
                                    for k, v in row.items()]}
            for row in rows]},
    ]}


def test_template_variables_are_run_time_values() -> None:
    rows = [
        {"region": "", "adStorage": "denied", "analyticsStorage": "{{CM analytics}}"},
        {"region": "{{CM regions}}", "adStorage": "granted"},
        {"region": "NO", "adUserData": "not set", "adPersonalization": "denied"},
    ]
    mode = read(_container([_template(rows)])).consent_mode
    assert mode is not None
    everywhere, norway = mode.defaults
    assert everywhere.types == {"ad_storage": "denied"}
    assert everywhere.unknown_types == ("analytics_storage",)
    assert norway.types == {"ad_personalization": "denied"}  # "not set" is unset
    assert norway.unknown_types == ()
    assert mode.unread_defaults == 1  # the row whose region is a variable


def test_unreadable_custom_html_is_a_note_not_an_error() -> None:
    banner = read(_container([_html("Defaults", "<script>gtag('consent','default',{</script>")]))
    assert [(n.kind, n.subject) for n in banner.notes] == [("custom-html-unreadable", "Defaults")]
    assert banner.consent_mode is None


def test_server_containers_are_marked_and_noted() -> None:
    banner = read(_container([{"name": "x", "type": "cvt_1"}], "SERVER"))
    assert banner.server_side
    assert [(n.kind, n.subject) for n in banner.notes] == [("server-container", "GTM-T")]
    assert not read(_container([{"name": "x", "type": "cvt_1"}])).server_side


def test_google_tags_firing_without_consent_next_to_defaults_are_advanced_mode() -> None:
    html = "<script>gtag('consent','default',{'analytics_storage':'denied'});</script>"
    ga4 = {"name": "GA4", "type": "googtag", "consentSettings": {"consentStatus": "NOT_SET"}}
    basic = {"name": "GA4", "type": "googtag", "consentSettings": {"consentStatus": "NEEDED"}}
    mode = read(_container([_html("Defaults", html), ga4])).consent_mode
    assert mode is not None
    assert [t.setting for t in mode.tag_loads] == ["GA4 (googtag): consentStatus NOT_SET"]
    mode = read(_container([_html("Defaults", html), basic])).consent_mode
    assert mode is not None and mode.tag_loads == ()
