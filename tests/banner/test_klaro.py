"""Klaro reader: the compliant example (JS and JSON), risky variants, cookies, errors."""

from __future__ import annotations

import math

import pytest

from banner._helpers import fixture_text, line_col_of
from gdpr_policy._errors import HostileInputError, InputError
from gdpr_policy.banner import Banner
from gdpr_policy.banner._klaro import read_klaro
from gdpr_policy.banner._native import native_dict

JS = fixture_text("klaro/compliant.js")
JSON = fixture_text("klaro/compliant.json")


def read(text: str | bytes, source: str = "klaro.js") -> Banner:
    return read_klaro(text, source=source)


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_compliant_js() -> None:
    banner = read(JS)
    assert banner.source.format == "klaro"
    assert banner.mode == "opt-in"
    assert banner.blocks_page is False
    assert banner.consent_record is not None
    assert (banner.consent_record.name, banner.consent_record.lifetime_days) == ("klaro", 180)
    assert banner.reconsent is not None and banner.reconsent.triggers == ("new-service",)
    assert banner.reconsent.revision is None
    assert [lang.lang for lang in banner.languages] == ["en", "de"]  # "zz" is the fallback
    for lang in banner.languages:
        assert [b.role for b in lang.buttons] == ["accept_all", "reject_all", "settings"]
        assert lang.reject_equally_available
    assert [(c.id, c.kind, c.read_only, c.default_enabled, c.service_ids)
            for c in banner.categories] == [
        ("functional", "functional", True, True, ("cmsSession",)),
        ("analytics", "analytics", False, False,
         ("googleTagManager", "googleAnalytics", "hubspot")),
        ("marketing", "marketing", False, False, ("hubspot", "linkedinInsight", "metaPixel")),
    ]
    assert [(s.id, s.tracker, s.required, s.default_enabled, s.runs_before_consent)
            for s in banner.services] == [
        ("cmsSession", "session", True, True, True),
        ("googleTagManager", "google-tag-manager", False, False, False),
        ("googleAnalytics", "google-analytics", False, False, False),
        ("hubspot", "hubspot", False, False, False),
        ("linkedinInsight", "linkedin-insight", False, False, False),
        ("metaPixel", "meta-pixel", False, False, False),
    ]
    assert banner.dynamic == ()


def test_compliant_js_and_json_give_the_same_model() -> None:
    assert native_dict(read(JS)) == native_dict(read(JSON, "klaro.json"))


def test_cookie_forms() -> None:
    banner = read(JS)
    ga = banner.service("googleAnalytics")
    hubspot = banner.service("hubspot")
    linkedin = banner.service("linkedinInsight")
    assert ga is not None and hubspot is not None and linkedin is not None
    [ga_ref] = ga.cookies
    assert ga_ref.pattern is not None and ga_ref.pattern.source == "^_ga($|_)"
    assert (ga_ref.path, ga_ref.domain) == ("/", ".acme-b2b.example")
    assert [c.display for c in hubspot.cookies] == ["hubspotutk", "/^__hs(tc|sc|src)$/"]
    assert hubspot.cookies[0].name == "hubspotutk"  # no "^": an exact name
    assert all(c.name is not None and c.domain == ".linkedin.com" for c in linkedin.cookies)
    assert ga_ref.location is not None
    assert (ga_ref.location.line, ga_ref.location.column) == line_col_of(JS, "'^_ga($|_)'")


def test_locations() -> None:
    banner = read(JS)
    decline = banner.languages[1].button("reject_all")
    assert decline is not None and decline.location is not None
    assert (decline.location.line, decline.location.column) == line_col_of(JS, "'Alle ablehnen'")
    assert decline.label == "Alle ablehnen"
    record = banner.consent_record
    assert record is not None and record.location is not None
    assert record.location.pointer == "/cookieExpiresAfterDays"


def test_hide_decline_all_removes_reject_everywhere() -> None:
    banner = read(replace_once(JS, "hideDeclineAll: false,", "hideDeclineAll: true,"))
    for lang in banner.languages:
        assert lang.has_accept and not lang.has_reject
        assert lang.equal_weight_location is not None
        assert lang.equal_weight_location.pointer == "/hideDeclineAll"


def test_global_default_true_preselects_services_without_their_own_default() -> None:
    # getDefaultConsent: `service.default || service.required`, and `config.default` only
    # when that is undefined. Every optional service here writes `required: false`.
    on = replace_once(JS, "default: false,          //", "default: true,          //")
    assert not any(s.default_enabled for s in read(on).services if not s.required)
    no_own = on.replace("            default: false,\n", "")
    # `undefined || false` is false: a written `required: false` still blocks the global default
    assert not any(s.default_enabled for s in read(no_own).services if not s.required)
    banner = read(no_own.replace("            required: false,\n", ""))
    assert all(s.default_enabled for s in banner.services)
    analytics = banner.category("analytics")
    assert analytics is not None and analytics.default_enabled


def test_service_default_false_alone_does_not_override_a_global_default_true() -> None:
    # `false || undefined` is undefined, so Klaro falls back to the global `default: true`.
    on = replace_once(JS, "default: false,          //", "default: true,          //")
    banner = read(on.replace("            required: false,\n", ""))
    optional = [s for s in banner.services if s.id != "cmsSession"]
    assert optional and all(s.default_enabled for s in optional)
    ga = banner.service("googleAnalytics")
    assert ga is not None and ga.default_enabled_location is not None
    assert ga.default_enabled_location.pointer == "/default"  # the global default decides


def test_global_required_applies_to_services_without_their_own() -> None:
    # applyConsents: `service.required !== undefined ? service.required : config.required`
    text = (
        "var klaroConfig = {required: true, services: [\n"
        "  {name: 'googleAnalytics', purposes: ['analytics'], cookies: ['^_ga']},\n"
        "  {name: 'hubspot', purposes: ['marketing'], required: false},\n"
        "]};"
    )
    banner = read(text)
    ga, hubspot = banner.service("googleAnalytics"), banner.service("hubspot")
    assert ga is not None and hubspot is not None
    assert (ga.required, ga.default_enabled, ga.runs_before_consent) == (True, True, True)
    assert ga.default_enabled_location is not None
    assert ga.default_enabled_location.pointer == "/required"
    assert (hubspot.required, hubspot.default_enabled, hubspot.runs_before_consent) == (
        False, False, False)
    analytics = banner.category("analytics")
    assert analytics is not None and analytics.read_only


def test_opt_out_runs_default_services_before_consent() -> None:
    text = replace_once(JS, "default: false,          //", "optOut: true, default: false,  //")
    banner = read(text)
    assert banner.mode == "opt-out"
    assert banner.mode_location is not None and banner.mode_location.pointer == "/optOut"
    # optOut alone only matters for services that are on by default
    assert [s.id for s in banner.services if s.runs_before_consent] == ["cmsSession"]


def test_default_lifetime_is_120_days() -> None:
    banner = read(replace_once(JS, "cookieExpiresAfterDays: 180,", ""))
    record = banner.consent_record
    assert record is not None and record.lifetime_days == 120 and record.lifetime_is_default


def test_risky_variant() -> None:
    banner = read(fixture_text("variants/klaro-risky.js"), "risky.js")
    assert banner.mode == "opt-out"
    assert banner.blocks_page  # mustConsent
    record = banner.consent_record
    assert record is not None and record.storage == "localStorage"
    # Klaro's localStorage store sets no expiry: cookieExpiresAfterDays: 400 does not apply
    assert record.lifetime_days == math.inf and not record.lifetime_is_default
    assert record.location is not None and record.location.pointer == "/storageMethod"
    assert [lang.lang for lang in banner.languages] == ["nb", "sv"]
    nb = banner.languages[0]
    assert [b.role for b in nb.buttons] == ["accept_all", "accept_selected"]
    assert not nb.has_reject
    ga = banner.service("ga")
    assert ga is not None and ga.default_enabled and ga.runs_before_consent
    assert ga.tracker == "google-analytics"
    hubspot = banner.service("hubspot")
    # `default: false` alone is `false || undefined`: Klaro falls back to the global true
    assert hubspot is not None and hubspot.default_enabled and hubspot.runs_before_consent
    statistikk = banner.category("statistikk")
    assert statistikk is not None and statistikk.kind == "analytics"
    assert statistikk.label == "Statistikk"
    assert [(c.kind, c.subject) for c in banner.legitimate_interest] == [
        ("category", "legitimateInterest")
    ]


def test_apps_is_read_as_services() -> None:
    banner = read("var klaroConfig = {apps: [{name: 'matomo', purposes: ['analytics']}]};")
    service = banner.service("matomo")
    assert service is not None and service.tracker == "matomo"


def test_without_translations_klaro_defaults_still_draw_buttons() -> None:
    banner = read("var klaroConfig = {services: []};")
    [lang] = banner.languages
    assert lang.lang == "en"
    assert [b.role for b in lang.buttons] == ["accept_all", "reject_all", "settings"]
    assert all(b.label is None for b in lang.buttons)


def test_must_consent_modal_buttons() -> None:
    banner = read("var klaroConfig = {mustConsent: true, acceptAll: false, services: []};")
    [lang] = banner.languages
    assert [b.role for b in lang.buttons] == ["reject_all", "accept_selected"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("var other = {};", "klaroConfig"),
        ("var klaroConfig = makeConfig();", "object literal"),
        ("var klaroConfig = {};\nwindow.klaroConfig = {};", "one klaroConfig"),
        ("var klaroConfig = {services: [{title: 'x'}]};", "'name'"),
        ("var klaroConfig = {services: [{name: 'x', cookies: [5]}]};", "cookie name"),
        ("var klaroConfig = {services: {}};", "array"),
        ("var klaroConfig = {storageMethod: 'indexedDB'};", "localStorage"),
        ("var klaroConfig = {services: [{name: 'x', required: 'yes'}]};", "true or false"),
    ],
)
def test_errors(text: str, expected: str) -> None:
    with pytest.raises(InputError) as info:
        read(text, "bad.js")
    assert expected in str(info.value)


def test_error_is_located_at_the_value() -> None:
    text = "var klaroConfig = {\n  services: [\n    {name: 'x', default: 'no'}\n  ]\n};"
    with pytest.raises(InputError) as info:
        read(text)
    issue = info.value.issues[0]
    assert (issue.line, issue.column) == line_col_of(text, "'no'")
    assert issue.pointer == "/services/0/default"


def test_oversized_pattern_is_hostile() -> None:
    text = "var klaroConfig = {services: [{name: 'x', cookies: ['^" + "a" * 300 + "']}]};"
    with pytest.raises(HostileInputError):
        read(text)


def test_window_assignment_and_dynamic_service() -> None:
    text = "window.klaroConfig = {services: [makeService(), {name: 'hubspot'}], ...extra};"
    banner = read(text)
    assert [s.id for s in banner.services] == ["hubspot"]
    assert {d.kind for d in banner.dynamic} == {"call", "spread"}


# --- issue 12 -----------------------------------------------------------------------------


def test_local_storage_keeps_the_choice_for_ever() -> None:
    # stores.js: only the cookie store passes cookieExpiresAfterDays; localStorage has no expiry
    for method, lifetime in (("localStorage", math.inf), ("cookie", 180), ("sessionStorage", 180)):
        text = replace_once(JS, "cookieExpiresAfterDays: 180,",
                            f"cookieExpiresAfterDays: 180, storageMethod: '{method}',")
        record = read(text).consent_record
        assert record is not None and record.storage == method
        assert record.lifetime_days == lifetime, method


@pytest.mark.parametrize("days", ["0", "null"])
def test_lifetime_zero_or_null_is_the_default(days: str) -> None:
    # Klaro reads `cookieExpiresAfterDays || 120`: 0 means the default, not "expire now".
    record = read(replace_once(JS, "cookieExpiresAfterDays: 180", f"cookieExpiresAfterDays: {days}")).consent_record
    assert record is not None
    assert (record.lifetime_days, record.lifetime_is_default, record.location) == (120, True, None)


def test_config_in_a_variable_is_followed_to_its_object() -> None:
    body = JS[JS.index("{", JS.index("klaroConfig")) :].rstrip().rstrip(";")
    for text in (
        f"const config = {body};\nwindow.klaroConfig = config;\nKlaro.setup(config);\n",
        f"const config = {body};\nklaro.setup(config);\n",
        f"let c = {body}; window.klaroConfig = c;",
    ):
        banner = read(text)
        assert {s.id for s in banner.services} == {s.id for s in read(JS).services}
    with pytest.raises(InputError, match="variable bound to one"):
        read("window.klaroConfig = loadConfig();")
    with pytest.raises(InputError, match="expected one klaroConfig"):
        read(f"var a = {body};\nvar b = {body};\nklaro.setup(a);\nklaro.setup(b);\n")


def test_translations_at_run_time_are_noted() -> None:
    text = replace_once(JS, "translations: {", "translations: {\n        fr: window.klaroTexts,")
    banner = read(text)
    assert [(n.kind, n.subject) for n in banner.notes] == [("texts-at-run-time", "fr")]
    body = JS[JS.index("translations: {") :]
    end = body.index("\n    },\n") + len("\n    },")
    whole = replace_once(JS, body[:end], "translations: loadTexts(),")
    assert [(n.kind, n.subject) for n in read(whole).notes] == [("texts-at-run-time", "*")]


def test_klaro_show_in_the_script_is_a_way_back() -> None:
    banner = read(JS + "\ndocument.querySelector('#c').onclick = () => klaro.show();\n")
    assert banner.withdrawal is not None
    assert [r.means for r in banner.withdrawal.reopen] == ["klaro.show()"]


def test_config_changed_after_its_literal_is_noted() -> None:
    text = JS + "\nklaroConfig.default = true;\nwindow.klaroConfig['services'][1].required = true;\n"
    banner = read(text)
    assert [(n.kind, n.subject) for n in banner.notes] == [
        ("modified-after-literal", "klaroConfig.default"),
        ("modified-after-literal", "klaroConfig['services'][1].required"),
    ]
    first = banner.notes[0].location
    assert first is not None and (first.line, first.column) == line_col_of(
        text, "klaroConfig.default = true")
    body = JS[JS.index("{", JS.index("klaroConfig")) :].rstrip().rstrip(";")
    followed = read(f"const c = {body};\nc.optOut = true;\nklaro.setup(c);\n")
    assert [(n.kind, n.subject) for n in followed.notes] == [
        ("modified-after-literal", "c.optOut")]
    # reading a property, or assigning another object's, changes nothing
    assert read(JS + "\nvar d = klaroConfig.default; other.default = true;\n").notes == ()


@pytest.mark.parametrize("newline", ["\r", "\r\n"])
def test_a_file_with_cr_line_endings_is_located_on_its_lines(newline: str) -> None:
    # a lone CR ends a line in JavaScript; the parser counts LF only, and a file saved
    # with CR endings was located on line 1 at column 2,000-odd
    text = JS + "\nklaroConfig.default = true;\n"
    banner = read(text.replace("\n", newline).encode())
    note = banner.notes[0].location
    assert note is not None and (note.line, note.column) == line_col_of(
        text, "klaroConfig.default = true")


def test_config_changed_by_a_call_after_its_literal_is_noted() -> None:
    # a service pushed after the literal is a tracker nobody judged; Object.assign and
    # its kin set any key: each is said, never passed silently
    text = JS + ("\nklaroConfig.services.push({name: 'hotjar', purposes: ['analytics']});\n"
                 "Object.assign(klaroConfig, {mustConsent: false});\n"
                 "window.Object.assign(klaroConfig.services[0], {default: true});\n"
                 "Reflect.set(klaroConfig, 'acceptAll', true);\n")
    banner = read(text)
    assert [(n.kind, n.subject) for n in banner.notes] == [
        ("modified-after-literal", "klaroConfig.services"),
        ("modified-after-literal", "klaroConfig"),
        ("modified-after-literal", "klaroConfig.services[0]"),
    ]
    pushed = banner.notes[0].location
    assert pushed is not None and (pushed.line, pushed.column) == line_col_of(
        text, "klaroConfig.services.push")
    # calls that only read, or change another object, change nothing
    assert read(JS + "\nvar n = klaroConfig.services.map(s => s.name);\n"
                "Object.assign({}, klaroConfig); other.services.push(1);\n"
                "Object.keys(klaroConfig);\n").notes == ()
