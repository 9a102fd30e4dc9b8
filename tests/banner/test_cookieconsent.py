"""orestbida/cookieconsent v3 reader: the compliant example (JS and JSON), one-change variants,
run-time values and located errors."""

from __future__ import annotations

import pytest

from banner._helpers import fixture_text, line_col_of
from gdpr_policy._errors import HostileInputError, InputError
from gdpr_policy.banner import Banner, LanguageLayer
from gdpr_policy.banner._cookieconsent import read_cookieconsent, regex_from_json_string
from gdpr_policy.banner._native import native_dict

JS = fixture_text("orestbida-v3/compliant.js")
JSON = fixture_text("orestbida-v3/compliant.json")


def read(text: str, source: str = "cc.js") -> Banner:
    return read_cookieconsent(text, source=source)


def layer(banner: Banner, lang: str) -> LanguageLayer:
    return next(layer for layer in banner.languages if layer.lang == lang)


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


# --------------------------------------------------------------------------- compliant example


def test_compliant_js_reads_the_whole_configuration() -> None:
    banner = read(JS)
    assert banner.source.format == "cookieconsent"
    assert banner.mode == "opt-in"
    assert banner.blocks_page is False
    assert banner.auto_show is True
    assert banner.reconsent is not None and banner.reconsent.revision == 3
    assert banner.reconsent.revision_message_present is True
    assert banner.consent_record is not None
    assert banner.consent_record.lifetime_days == 182
    assert banner.consent_record.lifetime_is_default is False
    assert banner.consent_record.name == "cc_cookie"
    assert banner.default_language == "en"
    assert [lang.lang for lang in banner.languages] == ["en", "de"]
    for lang in banner.languages:
        assert [b.role for b in lang.buttons] == ["accept_all", "reject_all", "settings"]
        assert lang.reject_equally_available
        assert lang.equal_weight is True
    assert layer(banner, "de").button("reject_all") is not None
    assert [(c.id, c.kind, c.read_only, c.default_enabled) for c in banner.categories] == [
        ("necessary", "necessary", True, True),
        ("analytics", "analytics", False, False),
        ("marketing", "marketing", False, False),
    ]
    assert not any(c.runs_before_consent for c in banner.categories)
    assert [(s.id, s.tracker, s.category_ids, s.required) for s in banner.services] == [
        ("cms_session", "session", ("necessary",), True),
        ("consent_record", "consent-record", ("necessary",), True),
        ("gtm", "google-tag-manager", ("analytics",), False),
        ("ga4", "google-analytics", ("analytics",), False),
        ("hubspot", "hubspot", ("marketing",), False),
        ("linkedin_insight", "linkedin-insight", ("marketing",), False),
        ("meta_pixel", "meta-pixel", ("marketing",), False),
    ]
    assert banner.dynamic == ()
    assert banner.legitimate_interest == ()
    assert banner.consent_mode is None


def test_compliant_cookies_keep_names_patterns_and_domains() -> None:
    banner = read(JS)
    ga4 = banner.service("ga4")
    assert ga4 is not None
    [ref] = ga4.cookies
    assert ref.pattern is not None and ref.pattern.source == "^_ga($|_)"
    assert ref.matches("_ga") and ref.matches("_ga_ABC123") and not ref.matches("_gid")
    linkedin = banner.service("linkedin_insight")
    assert linkedin is not None
    assert {(c.name, c.domain) for c in linkedin.cookies} == {
        ("li_sugr", ".linkedin.com"),
        ("bcookie", ".linkedin.com"),
        ("lidc", ".linkedin.com"),
        ("UserMatchHistory", ".linkedin.com"),
    }
    marketing = banner.category("marketing")
    assert marketing is not None and marketing.auto_clear
    displays = [c.display for c in marketing.cookies]
    # autoClear first, then the cookie table of the linked section (no duplicates).
    assert displays[:3] == ["hubspotutk", "/^__hs(tc|sc|src)$/", "_fbp"]
    assert "UserMatchHistory" in displays and displays.count("_fbp") == 1


def test_compliant_js_and_json_give_the_same_model() -> None:
    assert native_dict(read(JS)) == native_dict(read(JSON, "cc.json"))


def test_locations_point_at_the_values() -> None:
    banner = read(JS)
    assert banner.mode_location is not None
    assert (banner.mode_location.line, banner.mode_location.column) == line_col_of(JS, "'opt-in'")
    assert banner.mode_location.pointer == "/mode"
    assert banner.reconsent is not None and banner.reconsent.location is not None
    assert banner.reconsent.location.line == line_col_of(JS, "revision: 3")[0]
    reject = layer(banner, "de").button("reject_all")
    assert reject is not None and reject.location is not None
    assert (reject.location.line, reject.location.column) == line_col_of(JS, "'Alle ablehnen'")
    assert reject.location.pointer == "/language/translations/de/consentModal/acceptNecessaryBtn"


def test_json_locations_have_line_column_and_pointer() -> None:
    banner = read(JSON, "cc.json")
    category = banner.category("analytics")
    assert category is not None and category.location is not None
    assert category.location.pointer == "/categories/analytics"
    assert (category.location.line, category.location.column) == (
        line_col_of(JSON, '"analytics": {')[0],
        line_col_of(JSON, '"analytics": {')[1] + len('"analytics": '),
    )


# --------------------------------------------------------------------------- one-change variants


def test_opt_out_mode_makes_enabled_categories_run_before_consent() -> None:
    banner = read(replace_once(JS, "mode: 'opt-in',", "mode: 'opt-out',"))
    assert banner.mode == "opt-out"
    necessary = banner.category("necessary")
    analytics = banner.category("analytics")
    assert necessary is not None and necessary.runs_before_consent
    assert analytics is not None and not analytics.runs_before_consent


def test_enabled_category_is_preselected_with_its_location() -> None:
    text = replace_once(
        JS, "analytics: {\n            enabled: false,", "analytics: {\n            enabled: true,"
    )
    banner = read(text)
    analytics = banner.category("analytics")
    assert analytics is not None and analytics.default_enabled
    assert analytics.default_enabled_location is not None
    assert analytics.default_enabled_location.pointer == "/categories/analytics/enabled"
    ga4 = banner.service("ga4")
    assert ga4 is not None and ga4.default_enabled and not ga4.runs_before_consent


def test_missing_reject_text_in_one_language_removes_the_button_there_only() -> None:
    banner = read(
        replace_once(
            JS,
            "acceptNecessaryBtn: 'Alle ablehnen',\n                    showPreferencesBtn",
            "showPreferencesBtn",
        )
    )
    assert layer(banner, "en").has_reject
    de = layer(banner, "de")
    assert de.has_accept and not de.has_reject
    assert not de.reject_equally_available


def test_empty_reject_text_draws_no_button() -> None:
    text = replace_once(
        JS,
        "acceptNecessaryBtn: 'Reject all',\n                    showPreferencesBtn",
        "acceptNecessaryBtn: '',\n                    showPreferencesBtn",
    )
    assert not layer(read(text), "en").has_reject


def test_unequal_button_weight_is_not_equally_available() -> None:
    text = replace_once(
        JS,
        "equalWeightButtons: true    // accept and reject look the same",
        "equalWeightButtons: false",
    )
    en = layer(read(text), "en")
    assert en.has_reject and en.equal_weight is False
    assert not en.reject_equally_available
    assert en.equal_weight_location is not None


def test_close_icon_rejects_only_in_box_layouts() -> None:
    with_icon = JS.replace(
        "acceptAllBtn: 'Accept all',\n                    acceptNecessaryBtn: 'Reject all',",
        "acceptAllBtn: 'Accept all',\n                    closeIconLabel: 'Close',",
    )
    en = layer(read(with_icon), "en")
    assert en.button("close_rejects") is not None and en.has_reject
    bar = replace_once(with_icon, "layout: 'box wide'", "layout: 'bar'")
    assert not layer(read(bar), "en").has_reject


@pytest.mark.parametrize("title", ["", "title: '',", "title: null,"])
def test_close_icon_needs_a_modal_title(title: str) -> None:
    # consentModal.js: `if (consentModalTitleValue && closeIconLabelData && isBoxLayout)`
    with_icon = JS.replace(
        "acceptAllBtn: 'Accept all',\n                    acceptNecessaryBtn: 'Reject all',",
        "acceptAllBtn: 'Accept all',\n                    closeIconLabel: 'Close',",
    )
    untitled = replace_once(with_icon, "title: 'Cookies on acme-b2b.example',", title)
    en = layer(read(untitled), "en")
    assert en.button("close_rejects") is None and not en.has_reject
    # a title computed at run time may be there: the X counts (the title is listed as dynamic)
    dynamic = replace_once(with_icon, "title: 'Cookies on acme-b2b.example',", "title: t('x'),")
    assert layer(read(dynamic), "en").has_reject


def test_cookie_wall() -> None:
    banner = read(
        replace_once(JS, "disablePageInteraction: false,", "disablePageInteraction: true,")
    )
    assert banner.blocks_page
    assert banner.blocks_page_location is not None
    assert banner.blocks_page_location.pointer == "/disablePageInteraction"


def test_lifetime_written_and_default() -> None:
    banner = read(replace_once(JS, "expiresAfterDays: 182,", "expiresAfterDays: 30 * 14,"))
    assert banner.consent_record is not None and banner.consent_record.lifetime_days == 420
    without = replace_once(
        JS, "expiresAfterDays: 182,      // consent is asked again after ~6 months\n", ""
    )
    record = read(without).consent_record
    assert record is not None and record.lifetime_days == 182 and record.lifetime_is_default
    assert record.location is None


def test_missing_revision_is_zero() -> None:
    banner = read(replace_once(JS, "revision: 3,", ""))
    assert banner.reconsent is not None and banner.reconsent.revision == 0
    assert banner.reconsent.location is None


def test_legitimate_interest_category_is_a_claim() -> None:
    text = replace_once(
        JS,
        "        marketing: {\n            enabled: false,",
        "        legitimate_interest: {},\n        marketing: {\n            enabled: false,",
    )
    banner = read(text)
    [claim] = banner.legitimate_interest
    assert claim.kind == "category" and claim.subject == "legitimate_interest"


def test_json_regex_string_and_js_string() -> None:
    assert regex_from_json_string("/^_ga($|_)/gi") == ("^_ga($|_)", "gi")
    assert regex_from_json_string("_ga") is None
    assert regex_from_json_string("/") is None
    # In JS a string is always an exact name, even if it looks like a regex.
    text = replace_once(JS, "cookies: [{ name: /^_ga($|_)/ }]", "cookies: [{ name: '/^_ga/' }]")
    ga4 = read(text).service("ga4")
    assert ga4 is not None and ga4.cookies[0].name == "/^_ga/"
    json_banner = read(JSON, "cc.json").service("ga4")
    assert json_banner is not None and json_banner.cookies[0].pattern is not None


# --------------------------------------------------------------------------- run-time values


def test_dynamic_values_are_listed_not_guessed() -> None:
    banner = read(fixture_text("variants/cc3-dynamic.js"), "dyn.js")
    assert banner.mode is None
    paths = {d.path: d.kind for d in banner.dynamic}
    assert paths["/mode"] == "call"
    assert paths["/cookie/expiresAfterDays"] == "function"
    assert paths["/categories/analytics/enabled"] == "getter"
    assert paths["/categories/analytics"] == "spread"
    assert paths["/language/translations/de"] == "external"
    assert paths["/language/translations/sv"] == "function"
    assert banner.is_dynamic("/categories/analytics/readOnly")
    assert banner.consent_record is not None and banner.consent_record.lifetime_days is None
    assert [lang.lang for lang in banner.languages] == ["en"]
    en = banner.languages[0]
    accept = en.button("accept_all")
    assert accept is not None and accept.label is None  # t('accept'): present, text unknown
    reject = en.button("reject_all")
    assert reject is not None and reject.label == "Reject all"


def test_html_page_with_consent_mode() -> None:
    banner = read(fixture_text("variants/cc3-page.html"), "page.html")
    assert banner.mode == "opt-in"
    assert banner.consent_mode is not None
    [default] = banner.consent_mode.defaults
    assert default.region is None and default.types["ad_storage"] == "denied"
    necessary = banner.category("necessary")
    assert necessary is not None and necessary.location is not None
    assert necessary.location.line == 21


# --------------------------------------------------------------------------- errors


def test_a_mode_other_than_opt_out_is_opt_in_as_the_library_reads_it() -> None:
    # vanilla-cookieconsent's setConfig sets opt-out only for the exact text 'opt-out':
    # 'OPT-OUT' or a typo runs opt-in, so refusing it failed the build of a compliant banner
    for written in ("'OPT-OUT'", "'sometimes'", "'opt_out'", "`opt-in`"):
        text = replace_once(JS, "mode: 'opt-in',", f"mode: {written},")
        assert read(text).mode == "opt-in", written
    assert read(replace_once(JS, "mode: 'opt-in',", "mode: 'opt-out',")).mode == "opt-out"
    # a value of another type is still an error, located
    text = replace_once(JS, "mode: 'opt-in',", "mode: 42,")
    with pytest.raises(InputError) as info:
        read(text)
    assert (info.value.issues[0].line, info.value.issues[0].column) == line_col_of(text, "42")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("var x = 1;", "CookieConsent.run"),
        ("CookieConsent.run({categories: {}});\nCookieConsent.run({categories: {}});", "one"),
        ("CookieConsent.run(config);", "object literal"),
        ("CookieConsent.run({mode: 'opt-in'});", "categories"),
        ("CookieConsent.run({categories: {a: 1}});", "object for the category"),
        ("CookieConsent.run({categories: {a: {enabled: 'yes'}}});", "true or false"),
        (
            "CookieConsent.run({categories: {a: {autoClear: {cookies: [{name: 5}]}}}});",
            "cookie name",
        ),
        ("CookieConsent.run({revision: 1.5, categories: {}});", "whole number"),
        ("var cc = initCookieConsent(); cc.run({page_scripts: true});", "CookieConsent.run"),
    ],
)
def test_errors(text: str, expected: str) -> None:
    with pytest.raises(InputError) as info:
        read(text, "bad.js")
    assert expected in str(info.value)
    assert str(info.value).startswith("bad.js")


def test_oversized_cookie_pattern_is_hostile() -> None:
    text = (
        "CookieConsent.run({categories: {a: {autoClear: {cookies: [{name: /"
        + "a" * 300
        + "/}]}}}});"
    )
    with pytest.raises(HostileInputError) as info:
        read(text)
    assert info.value.issues[0].line == 1


def test_catastrophic_pattern_is_kept_and_matched_in_linear_time() -> None:
    text = "CookieConsent.run({categories: {a: {autoClear: {cookies: [{name: /(a+)+$/}]}}}});"
    category = read(text).category("a")
    assert category is not None
    [ref] = category.cookies
    assert ref.pattern is not None
    assert ref.pattern.compiles  # RE2: no backtracking to fear
    assert not ref.matches("a" * 40 + "!")
    assert ref.matches("a" * 40)


def test_run_with_a_named_config_object_follows_the_only_binding() -> None:
    text = (
        "const config = {\n  mode: 'opt-out',\n  categories: {analytics: {enabled: true}},\n};\n"
        "CookieConsent.run(config);\n"
    )
    banner = read(text)
    assert banner.mode == "opt-out"
    assert banner.mode_location is not None and banner.mode_location.line == 2


def test_run_with_a_reassigned_config_is_refused() -> None:
    text = "let config = {categories: {}};\nconfig = build();\nCookieConsent.run(config);\n"
    with pytest.raises(InputError) as info:
        read(text)
    assert info.value.issues[0].line == 3


def test_root_spread_makes_every_value_possibly_dynamic() -> None:
    banner = read("CookieConsent.run({...defaults, categories: {}});")
    assert banner.mode == "opt-in"  # the default as written, but flagged:
    assert banner.is_dynamic("/mode")
    plain = read("CookieConsent.run({categories: {}});")
    assert not plain.is_dynamic("/mode")


# --- issue 12 -----------------------------------------------------------------------------


def test_read_only_without_enabled_is_on_and_cannot_be_refused() -> None:
    # cc3 draws a readOnly toggle checked whether or not `enabled` is written
    # (preferencesModal.js): the category is on by default; in opt-out mode it runs early.
    text = replace_once(
        JS,
        "analytics: {\n            enabled: false,\n            readOnly: false,",
        "analytics: {\n            readOnly: true,",
    )
    analytics = read(text).category("analytics")
    assert analytics is not None
    assert (analytics.read_only, analytics.default_enabled, analytics.runs_before_consent) == (
        True, True, False
    )
    opt_out = read(replace_once(text, "mode: 'opt-in'", "mode: 'opt-out'")).category("analytics")
    assert opt_out is not None and opt_out.runs_before_consent
    services = [s for s in read(text).services if "analytics" in s.category_ids]
    assert services and all(s.default_enabled and s.required for s in services)


def test_no_revision_is_the_library_default_and_says_so() -> None:
    reconsent = read(replace_once(JS, "revision: 3,", "")).reconsent
    assert reconsent is not None
    assert (reconsent.revision, reconsent.revision_set) == (0, False)
    written = read(replace_once(JS, "revision: 3,", "revision: 0,")).reconsent
    assert written is not None and (written.revision, written.revision_set) == (0, True)


def test_texts_loaded_at_run_time_are_noted_and_a_given_file_is_read() -> None:
    text = replace_once(JS, "en: {\n                consentModal", "en: '/lang/en.json',\n            xx: {\n                consentModal")
    banner = read(text)
    assert [(n.kind, n.subject) for n in banner.notes] == [("texts-at-run-time", "en")]
    assert "en" not in {layer.lang for layer in banner.languages}
    texts = '{"consentModal": {"acceptAllBtn": "Accept", "acceptNecessaryBtn": "Reject"}}'
    given = read_cookieconsent(text, source="cc.js", translations={"site/lang/en.json": texts})
    assert given.notes == ()
    en = layer(given, "en")
    assert (en.has_accept, en.has_reject) == (True, True)
    assert en.location is not None and en.location.file == "site/lang/en.json"


def test_withdrawal_is_a_reopen_call_not_a_comment() -> None:
    # The fixture's header comment names data-cc="show-preferencesModal": a comment is no link.
    assert "show-preferencesModal" in JS
    assert read(JS).withdrawal is None
    banner = read(JS + "\nfooterLink.onclick = () => CookieConsent.showPreferences();\n")
    assert banner.withdrawal is not None
    assert [r.means for r in banner.withdrawal.reopen] == ["CookieConsent.showPreferences()"]
    assert read(JSON, "cc.json").withdrawal is None  # a JSON config never shows its page


def test_a_page_shows_whether_it_has_a_way_back_to_the_choices() -> None:
    script = JS[JS.index("CookieConsent.run(") :]
    page = "<!doctype html><html><head><script>\n{}</script></head><body>{}</body></html>"
    without = read(page.format(script, "<!-- <button data-cc=\"show-preferencesModal\"> -->"), "p.html")
    assert without.withdrawal is not None and without.withdrawal.reopen == ()
    link = '<footer><button type="button" data-cc="show-preferencesModal">Cookies</button></footer>'
    with_link = read(page.format(script, link), "p.html")
    assert with_link.withdrawal is not None
    assert [r.means for r in with_link.withdrawal.reopen] == ['data-cc="show-preferencesModal"']
    snippet = read(f"<script>\n{script}</script>", "head.html")  # no body: cannot tell
    assert snippet.withdrawal is None


def test_config_changed_after_its_literal_is_noted() -> None:
    body = JS[JS.index("CookieConsent.run(") + len("CookieConsent.run("):JS.rindex(")")]
    text = f"const cfg = {body};\ncfg.mode = 'opt-out';\ncfg.categories.analytics.enabled = true;\n" \
        "CookieConsent.run(cfg);\n"
    banner = read(text)
    assert [(n.kind, n.subject) for n in banner.notes] == [
        ("modified-after-literal", "cfg.mode"),
        ("modified-after-literal", "cfg.categories.analytics.enabled"),
    ]
    # an inline literal has no name to change it through
    assert not any(n.kind == "modified-after-literal" for n in read(JS).notes)
