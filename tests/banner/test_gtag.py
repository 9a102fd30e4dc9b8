"""Consent Mode reader: gtag calls in JS and HTML, the JSON dataLayer form, regions, errors."""

from __future__ import annotations

import pytest

from banner._helpers import fixture_text, line_col_of
from gdpr_policy._errors import InputError
from gdpr_policy.banner import Banner
from gdpr_policy.banner._gtag import read_gtag

JS = fixture_text("google-consent-mode/compliant.gtag.js")
JSON = fixture_text("google-consent-mode/compliant.gtag.json")
ALL_DENIED = {
    "ad_storage": "denied",
    "ad_user_data": "denied",
    "ad_personalization": "denied",
    "analytics_storage": "denied",
    "functionality_storage": "denied",
    "personalization_storage": "denied",
    "security_storage": "granted",
}


def read(text: str, source: str = "gtag.js") -> Banner:
    return read_gtag(text, source=source)


def test_compliant_js() -> None:
    banner = read(JS)
    assert banner.source.format == "gtag"
    assert banner.mode is None and not banner.manages_trackers
    mode = banner.consent_mode
    assert mode is not None
    [default] = mode.defaults
    assert default.region is None
    assert default.types == ALL_DENIED
    assert default.wait_for_update == 500
    assert mode.ads_data_redaction is True and mode.url_passthrough is False
    loc = default.type_locations["analytics_storage"]
    assert (loc.line, loc.column) == line_col_of(JS, "'denied'", 4)


def test_update_calls_are_not_defaults() -> None:
    mode = read(JS).consent_mode
    assert mode is not None and len(mode.defaults) == 1  # the update inside the function
    assert mode.updates_on_load == ()


def test_update_outside_functions_and_conditions_runs_on_load() -> None:
    default = "gtag('consent', 'default', {ad_storage: 'denied'});\n"
    update = "gtag('consent', 'update', {ad_storage: 'granted', region: ['US']});"
    mode = read(default + update).consent_mode
    assert mode is not None and len(mode.defaults) == 1
    [on_load] = mode.updates_on_load
    # an update overrides every default: its (ignored) region does not limit it
    assert (on_load.region, on_load.types) == (None, {"ad_storage": "granted"})
    loc = on_load.type_locations["ad_storage"]
    assert (loc.line, loc.column) == line_col_of(default + update, "'granted'")
    for wrapped in (
        f"function onAccept() {{ {update} }}",
        f"button.onclick = () => {update}",
        f"if (hasStoredConsent()) {{ {update} }}",
        f"stored ? {update.rstrip(';')} : null;",
        f"switch (choice) {{ case 'all': {update} }}",
    ):
        mode = read(default + wrapped).consent_mode
        assert mode is not None and mode.updates_on_load == (), wrapped


def test_an_update_in_code_that_runs_on_page_load_anyway_runs_on_load() -> None:
    # bundlers wrap everything in a function called where it is written, and sites grant
    # in load listeners and timers: each was taken for a handler someone must call
    default = "gtag('consent', 'default', {ad_storage: 'denied'});\n"
    update = "gtag('consent', 'update', {ad_storage: 'granted'});"
    for wrapped in (
        f"!function(){{ {update} }}();",
        f"(function(){{ {update} }})();",
        f"(() => {{ {update} }})();",
        f"(function(){{ {update} }}).call(this);",
        f"window.addEventListener('load', function(){{ {update} }});",
        f"document.addEventListener(\"DOMContentLoaded\", () => {update.rstrip(';')});",
        f"setTimeout(() => {update.rstrip(';')}, 0);",
        f"window.onload = function(){{ {update} }};",
        f"$(document).ready(function(){{ {update} }});",
        "\"function\" == typeof window.gtag && window.gtag('consent', 'update', "
        "{ad_storage: 'granted'});",
        f"!function(){{ window.addEventListener('load', () => {update.rstrip(';')}); }}();",
    ):
        mode = read(default + wrapped).consent_mode
        assert mode is not None and len(mode.updates_on_load) == 1, wrapped
    # a click or another event, inside a bundle, is still someone's act
    for wrapped in (
        f"!function(){{ button.addEventListener('click', () => {update.rstrip(';')}); }}();",
        f"(function(){{ function onAccept() {{ {update} }} }})();",
        f"window.addEventListener('cookie-consent', function(){{ {update} }});",
    ):
        mode = read(default + wrapped).consent_mode
        assert mode is not None and mode.updates_on_load == (), wrapped


def test_update_alone_is_read_and_json_updates_are_not() -> None:
    mode = read("dataLayer.push(['consent', 'update', {analytics_storage: 'granted'}]);")\
        .consent_mode
    assert mode is not None and mode.defaults == () and len(mode.updates_on_load) == 1
    dump = '{"dataLayer": [["consent", "default", {"ad_storage": "denied"}],'\
        ' ["consent", "update", {"ad_storage": "granted"}]]}'
    mode = read(dump, "g.json").consent_mode
    assert mode is not None and mode.updates_on_load == ()  # a dump: may follow a choice


def test_compliant_json() -> None:
    banner = read(JSON, "gtag.json")
    mode = banner.consent_mode
    assert mode is not None
    [default] = mode.defaults
    assert default.types == ALL_DENIED
    assert default.location is not None and default.location.pointer == "/dataLayer/0/2"
    assert mode.category_to_types["marketing"] == (
        "ad_storage",
        "ad_user_data",
        "ad_personalization",
    )
    assert mode.ads_data_redaction is True


def test_regions_in_html() -> None:
    text = fixture_text("variants/gtag-regions.html")
    mode = read(text, "page.html").consent_mode
    assert mode is not None
    regional, everywhere, pushed = mode.defaults
    assert regional.region == ("NO", "SE", "DE", "FR")  # upper-cased as Google compares
    assert regional.types["ad_storage"] == "denied"
    assert everywhere.region is None
    assert everywhere.types == {"ad_storage": "granted", "analytics_storage": "granted"}
    granted = everywhere.type_locations["ad_storage"]
    assert (granted.line, granted.column) == line_col_of(text, "'granted'")
    assert pushed.region == ("US-CA",) and pushed.types == {"security_storage": "granted"}
    assert mode.url_passthrough is True and mode.ads_data_redaction is False


def test_region_as_a_single_string_and_empty_list() -> None:
    mode = read(
        "gtag('consent', 'default', {ad_storage: 'granted', region: 'us'});\n"
        "gtag('consent', 'default', {ad_storage: 'granted', region: []});"
    ).consent_mode
    assert mode is not None
    assert [d.region for d in mode.defaults] == [("US",), ()]


def test_dynamic_values_are_listed() -> None:
    banner = read(
        "gtag('consent', 'default', {ad_storage: state.ads, analytics_storage: 'denied'});\n"
        "gtag('consent', 'default', {ad_storage: 'granted', region: regions});\n"
        "gtag('consent', 'default', computeDefaults());"
    )
    mode = banner.consent_mode
    assert mode is not None
    # the second call's reach is unknown: it is not read as "everywhere"
    [default] = mode.defaults
    assert default.types == {"analytics_storage": "denied"}
    assert default.unknown_types == ("ad_storage",)
    assert mode.unread_defaults == 2  # the run-time region and the run-time object
    assert {d.kind for d in banner.dynamic} == {"member", "identifier", "call"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("gtag('config', 'G-1');", "Consent Mode default"),
        ("gtag('consent', 'default', {ad_storage: 'yes'});", "'granted' or 'denied'"),
        ("gtag('consent', 'default', {ad_storage: 'denied', region: 5});", "region codes"),
        ("gtag('consent', 'default', 'denied');", "object of consent types"),
        ("gtag('consent', 'default');", "settings object"),
        ('{"other": []}', "dataLayer"),
        ('{"dataLayer": [5]}', "argument list"),
    ],
)
def test_errors(text: str, expected: str) -> None:
    with pytest.raises(InputError) as info:
        read(text, "bad")
    assert expected in str(info.value)


def test_bad_value_is_located() -> None:
    text = (
        "gtag('consent', 'default', {\n  ad_storage: 'granted',\n  analytics_storage: 'maybe'\n});"
    )
    with pytest.raises(InputError) as info:
        read(text)
    issue = info.value.issues[0]
    assert (issue.line, issue.column) == line_col_of(text, "'maybe'")


# --- issue 12 -----------------------------------------------------------------------------


def test_unknown_keys_are_ignored_with_a_note_naming_them() -> None:
    text = (
        "gtag('consent','default',{'ad_storage':'granted','analytics_storage':'denied',"
        "'regions':['PT'],'ad_user_data':'denied'});"
    )
    banner = read(text)
    assert banner.consent_mode is not None
    (default,) = banner.consent_mode.defaults
    # a misspelt 'regions' leaves the default applying everywhere: that is what is judged
    assert default.region is None
    assert default.types == {"ad_storage": "granted", "analytics_storage": "denied",
                             "ad_user_data": "denied"}
    assert [(n.kind, n.subject) for n in banner.notes] == [("unknown-key", "regions")]
    assert banner.notes[0].location is not None
    assert banner.notes[0].location.column == line_col_of(text, "['PT']")[1]


def test_run_time_values_are_recorded_never_skipped() -> None:
    banner = read(
        "gtag('consent','default',{ad_storage:'denied',analytics_storage:state()});\n"
        "gtag('consent','default',{ad_storage:'granted',region:regions});\n"
    )
    assert banner.consent_mode is not None
    assert [d.types for d in banner.consent_mode.defaults] == [{"ad_storage": "denied"}]
    assert [(d.path, d.kind) for d in banner.dynamic] == [
        ("/analytics_storage", "call"), ("/region", "identifier")
    ]


def test_tags_loaded_before_the_choice_are_listed() -> None:
    text = (
        JS + "\ngtag('config', 'G-1');\n"
        "function onConsent() { gtag('config', 'G-2'); }\n"
        "window.addEventListener('cc:onConsent', () => gtag('config', 'G-3'));\n"
    )
    mode = read(text).consent_mode
    assert mode is not None
    assert [t.setting for t in mode.tag_loads] == ["gtag('config', 'G-1')"]
    page = (
        "<!doctype html><html><head><script>" + JS + "</script>\n"
        '<script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>\n'
        '<script type="text/plain" data-category="analytics" '
        'src="https://www.googletagmanager.com/gtag/js?id=G-2"></script></head></html>'
    )
    mode = read(page, "p.html").consent_mode
    assert mode is not None
    assert [t.setting for t in mode.tag_loads] == [
        '<script src="https://www.googletagmanager.com/gtag/js?id=G-1">'
    ]
    loc = mode.tag_loads[0].location
    assert loc is not None and (loc.line, loc.column) == line_col_of(page, "<script async")
