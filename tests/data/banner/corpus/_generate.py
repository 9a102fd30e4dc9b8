"""Write the banner corpus: configurations of the kinds people write, and what each must give.

Run from the project root: ``python tests/data/banner/corpus/_generate.py``. It
writes every corpus file next to this script and ``manifest.yaml``, which maps
each file to the errors and warnings it must give (``rules``, exactly), the
notes (``notes``, exactly, by message code), or the text of the refusal when
the file cannot be read (``unreadable``). The files are committed; the test
(``tests/banner/test_corpus.py``) reads only them and the manifest.

The expectations were judged by hand against ``policy.yaml`` (written by
``gdpr-policy init --from-banner cc3-base.js``, then committed): the base
configurations are clean, and each variant makes one change and names the
rule it must break. Sizes stay small: the corpus is about the shapes of the
configurations, minified and not, in JS, JSON, HTML and template wrappers.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent

# --- cookieconsent v3 ----------------------------------------------------------------------

CC3_OBJECT = """{
    mode: 'opt-in',
    revision: 3,
    cookie: { name: 'cc_cookie', expiresAfterDays: 182 },
    guiOptions: {
        consentModal: { layout: 'box', equalWeightButtons: true },
        preferencesModal: { layout: 'box', equalWeightButtons: true }
    },
    categories: {
        necessary: {
            enabled: true,
            readOnly: true,
            services: { cms_session: { label: 'CMS session', cookies: [{ name: 'PHPSESSID' }] } }
        },
        analytics: {
            enabled: false,
            autoClear: { cookies: [{ name: /^_ga($|_)/ }] },
            services: {
                gtm: { label: 'Google Tag Manager' },
                ga4: { label: 'Google Analytics 4', cookies: [{ name: /^_ga($|_)/ }, { name: '_gid' }] }
            }
        },
        marketing: {
            enabled: false,
            services: {
                hubspot: { label: 'HubSpot', cookies: [{ name: 'hubspotutk' }, { name: /^__hs(tc|sc|src)$/ }] },
                meta_pixel: { label: 'Meta Pixel', cookies: [{ name: '_fbp' }] }
            }
        }
    },
    language: {
        default: 'en',
        translations: {
            en: {
                consentModal: {
                    title: 'Cookies',
                    description: 'We use cookies. {{revisionMessage}}',
                    revisionMessage: 'Our policy changed.',
                    acceptAllBtn: 'Accept all',
                    acceptNecessaryBtn: 'Reject all',
                    showPreferencesBtn: 'Choose'
                },
                preferencesModal: { title: 'Cookie settings', sections: [] }
            },
            nb: {
                consentModal: {
                    title: 'Informasjonskapsler',
                    acceptAllBtn: 'Godta alle',
                    acceptNecessaryBtn: 'Avvis alle',
                    showPreferencesBtn: 'Velg selv'
                },
                preferencesModal: { title: 'Innstillinger', sections: [] }
            }
        }
    }
}"""

REOPEN_JS = (
    "\ndocument.getElementById('cookie-settings').addEventListener('click', function () {\n"
    "    CookieConsent.showPreferences();\n});\n"
)


def minify(js: str) -> str:
    """A crude minifier for the corpus: drop line breaks and the spaces around punctuation."""
    out = re.sub(r"\s*\n\s*", "", js)
    return re.sub(r"\s*([{}\[\](),:;])\s*", r"\1", out)


def cc3_js(obj: str = CC3_OBJECT) -> str:
    return f"CookieConsent.run({obj});\n"


def js_object_to_json(obj: str) -> str:
    """The cc3 object as JSON (RegExp literals as "/source/flags" strings)."""
    text = re.sub(r"/(\^[^/]*)/([a-z]*)", lambda m: json.dumps(f"/{m.group(1)}/{m.group(2)}"), obj)
    text = re.sub(r"'([^']*)'", lambda m: json.dumps(m.group(1)), text)
    text = re.sub(r"([{,]\s*)([A-Za-z_][A-Za-z0-9_]*)\s*:", r'\1"\2":', text)
    return json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"


def page(head: str, body: str = "<main>Hello</main>") -> str:
    return f"<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n{head}\n</head>\n<body>\n{body}\n</body>\n</html>\n"


def one(base: str, old: str, new: str, count: int = 1) -> str:
    assert base.count(old) >= count, (old, base[:80])
    return base.replace(old, new, count)


# --- Klaro -----------------------------------------------------------------------------------

KLARO_OBJECT = """{
    version: 1,
    storageMethod: 'cookie',
    cookieExpiresAfterDays: 180,
    default: false,
    mustConsent: false,
    acceptAll: true,
    hideDeclineAll: false,
    hideLearnMore: false,
    translations: {
        en: {
            consentNotice: { description: 'We use {purposes}.' },
            ok: 'Accept all',
            decline: 'Reject all',
            purposes: { functional: 'Necessary', analytics: 'Analytics', marketing: 'Marketing' }
        }
    },
    services: [
        { name: 'cms_session', title: 'CMS session', purposes: ['functional'], required: true, cookies: ['PHPSESSID'] },
        { name: 'gtm', title: 'Google Tag Manager', purposes: ['analytics'] },
        { name: 'ga4', title: 'Google Analytics 4', purposes: ['analytics'], cookies: ['^_ga($|_)', '_gid'] },
        { name: 'hubspot', title: 'HubSpot', purposes: ['marketing'], cookies: ['hubspotutk', '^__hs(tc|sc|src)$'] },
        { name: 'meta_pixel', title: 'Meta Pixel', purposes: ['marketing'], cookies: ['_fbp'] }
    ]
}"""
KLARO_REOPEN = "\ndocument.querySelector('#cookie-settings').onclick = function () { klaro.show(); };\n"

# --- Consent Mode -----------------------------------------------------------------------------

GTAG = """window.dataLayer = window.dataLayer || [];
function gtag() { dataLayer.push(arguments); }
gtag('consent', 'default', {
    ad_storage: 'denied',
    ad_user_data: 'denied',
    ad_personalization: 'denied',
    analytics_storage: 'denied',
    security_storage: 'granted',
    wait_for_update: 500
});
gtag('set', 'ads_data_redaction', true);
"""


def gtm(tags: list[dict[str, object]], context: str = "WEB") -> str:
    return json.dumps(
        {
            "exportFormatVersion": 2,
            "containerVersion": {
                "container": {"publicId": "GTM-CORPUS", "usageContext": [context]},
                "tag": tags,
            },
        },
        indent=2,
    ) + "\n"


def html_tag(name: str, html: str, status: str = "NOT_SET", types: list[str] | None = None) -> dict[str, object]:
    tag: dict[str, object] = {
        "name": name, "type": "html",
        "parameter": [{"type": "TEMPLATE", "key": "html", "value": html}],
        "firingTriggerId": ["2147479553"],
        "consentSettings": {"consentStatus": status},
    }
    if types:
        tag["consentSettings"] = {"consentStatus": status, "consentType": {
            "type": "LIST", "list": [{"type": "TEMPLATE", "value": t} for t in types]}}
    return tag


def google_tag(status: str = "NEEDED") -> dict[str, object]:
    return {
        "name": "Google tag - GA4", "type": "googtag",
        "parameter": [{"type": "TEMPLATE", "key": "tagId", "value": "G-CORPUS1"}],
        "firingTriggerId": ["2147479553"],
        "consentSettings": {"consentStatus": status, "consentType": {
            "type": "LIST", "list": [{"type": "TEMPLATE", "value": "analytics_storage"}]}},
    }


DEFAULT_HTML_DENIED = (
    "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}"
    "gtag('consent','default',{'ad_storage':'denied','ad_user_data':'denied',"
    "'ad_personalization':'denied','analytics_storage':'denied'});</script>"
)
HUBSPOT_HTML = '<script id="hs-script-loader" async defer src="//js.hs-scripts.com/1.js"></script>'

# --- native --------------------------------------------------------------------------------

NATIVE = """gdpr_policy_banner: 1
mode: opt-in
consent_record: {name: consent, storage: cookie, lifetime_days: 180}
reconsent: {revision: 3, triggers: [revision]}
withdrawal: {reopen: [{means: 'footer link "Cookie settings"'}]}
languages:
  - lang: en
    buttons: [{role: accept_all}, {role: reject_all}, {role: settings}]
    equal_weight: true
categories:
  - {id: necessary, kind: necessary, read_only: true, default_enabled: true, service_ids: [cms_session]}
  - {id: analytics, kind: analytics, service_ids: [gtm, ga4]}
  - {id: marketing, kind: marketing, service_ids: [hubspot, meta_pixel]}
services:
  - {id: cms_session, category_ids: [necessary], required: true, cookies: [{name: PHPSESSID}]}
  - {id: gtm, category_ids: [analytics]}
  - {id: ga4, category_ids: [analytics], cookies: [{name: _ga}, {name: _gid}]}
  - {id: hubspot, category_ids: [marketing], cookies: [{name: hubspotutk}]}
  - {id: meta_pixel, category_ids: [marketing], cookies: [{name: _fbp}]}
"""

WITHDRAWAL_NOTE = "banner.no-withdrawal.not-shown"


def corpus() -> dict[str, tuple[str, dict[str, object]]]:
    """file name -> (text, expectation)."""
    c: dict[str, tuple[str, dict[str, object]]] = {}

    def add(name: str, text: str, rules: list[str] | None = None,
            notes: list[str] | None = None, unreadable: str | None = None) -> None:
        assert name not in c, name
        expected: dict[str, object] = {}
        if unreadable is not None:
            expected["unreadable"] = unreadable
        else:
            expected["rules"] = sorted(rules or [])
            expected["notes"] = sorted(notes or [])
        c[name] = (text, expected)

    base = cc3_js()
    w = [WITHDRAWAL_NOTE]
    # -- cookieconsent: clean shapes
    add("cc3-base.js", base, [], w)
    add("cc3-base.min.js", minify(base), [], w)
    add("cc3-base.json", js_object_to_json(CC3_OBJECT), [], w)
    add("cc3-esm.js", "import * as CookieConsent from 'vanilla-cookieconsent';\n" + base, [], w)
    add("cc3-variable.js", f"const config = {CC3_OBJECT};\nCookieConsent.run(config);\n", [], w)
    add("cc3-variable.min.js", minify(f"var e={CC3_OBJECT};window.CookieConsent.run(e);"), [], w)
    add("cc3-with-reopen.js", base + REOPEN_JS, [])
    add("cc3-page-with-link.html", page(f"<script>\n{base}</script>",
        '<footer><button type="button" data-cc="show-preferencesModal">Cookie settings</button></footer>'), [])
    add("cc3-head-snippet.html", f"<script>\n{base}</script>\n", [], w)
    add("cc3-blade.blade.php", page(f"<script>\n{base}</script>",
        "@include('partials.footer')\n<a href=\"#\" onclick=\"CookieConsent.showPreferences()\">{{ __('Cookie settings') }}</a>"), [])
    # -- cookieconsent: one-change variants
    add("cc3-opt-out.js", one(base, "mode: 'opt-in'", "mode: 'opt-out'"), ["banner.opt-out-mode"], w)
    add("cc3-preselected.js", one(base, "enabled: false", "enabled: true"), ["banner.preselected"], w)
    add("cc3-preselected.min.js", minify(one(base, "enabled: false", "enabled: true")), ["banner.preselected"], w)
    add("cc3-no-reject.js", one(base, "acceptNecessaryBtn: 'Reject all',", ""), ["banner.no-reject-first-layer"], w)
    add("cc3-no-reject-nb.json", js_object_to_json(one(CC3_OBJECT, "acceptNecessaryBtn: 'Avvis alle',", "")),
        ["banner.no-reject-first-layer"], w)
    add("cc3-unequal.js", one(base, "consentModal: { layout: 'box', equalWeightButtons: true }",
                              "consentModal: { layout: 'box', equalWeightButtons: false }"),
        ["banner.reject-less-prominent"], w)
    add("cc3-unequal.min.js", minify(one(base, "consentModal: { layout: 'box', equalWeightButtons: true }",
                                         "consentModal: { layout: 'box', equalWeightButtons: false }")),
        ["banner.reject-less-prominent"], w)
    add("cc3-wall.js", one(one(one(base, "revision: 3,", "revision: 3, disablePageInteraction: true,"),
                               "acceptNecessaryBtn: 'Reject all',", ""), "showPreferencesBtn: 'Choose'", "showPreferencesBtn: ''"),
        ["banner.cookie-wall", "banner.no-reject-first-layer"], w)
    add("cc3-ga-in-necessary.js", one(base, "services: { cms_session: { label: 'CMS session', cookies: [{ name: 'PHPSESSID' }] } }",
                                      "services: { cms_session: { label: 'CMS session', cookies: [{ name: 'PHPSESSID' }] }, ga_basic: { label: 'GA', cookies: [{ name: '_ga' }] } }"),
        ["banner.tracker-in-necessary"], w)
    # readOnly without enabled is drawn checked and cannot be switched off
    add("cc3-readonly-analytics.js", one(base, "analytics: {\n            enabled: false,",
                                         "analytics: {\n            readOnly: true,"),
        ["banner.tracker-in-necessary"], w)
    add("cc3-hotjar.js", one(base, "meta_pixel: { label: 'Meta Pixel', cookies: [{ name: '_fbp' }] }",
                             "meta_pixel: { label: 'Meta Pixel', cookies: [{ name: '_fbp' }] },\n                hotjar: { label: 'Hotjar', cookies: [{ name: '_hjid' }] }"),
        ["banner.unknown-tracker"], w)
    add("cc3-loose-cookie.js", one(base, "autoClear: { cookies: [{ name: /^_ga($|_)/ }] }",
                                   "autoClear: { cookies: [{ name: /^_ga($|_)/ }, { name: '_hjSessionUser' }] }"),
        ["banner.unknown-tracker"], w)
    add("cc3-undeclared.js", one(base, ",\n                meta_pixel: { label: 'Meta Pixel', cookies: [{ name: '_fbp' }] }", ""),
        ["banner.undeclared-tracker"], w)
    add("cc3-stale.js", one(base, "revision: 3,", "revision: 2,"), ["banner.stale-revision"], w)
    add("cc3-no-revision.js", one(base, "revision: 3,\n", ""), ["banner.stale-revision"], w)
    add("cc3-lifetime.js", one(base, "expiresAfterDays: 182", "expiresAfterDays: 730"), ["banner.consent-lifetime"], w)
    add("cc3-page-without-link.html", page(f"<script>\n{base}</script>", "<footer><a href=\"/privacy\">Privacy</a></footer>"),
        ["banner.no-withdrawal"])
    # -- cookieconsent: texts at run time
    add("cc3-texts-url.js", one(base, "en: {\n                consentModal", "en: './lang/en.json',\n            en_unused: {\n                consentModal"),
        [], [*w, "banner.not-judged", "banner.not-judged.texts-at-run-time"])
    add("cc3-texts-fetch.js", one(base, "nb: {\n                consentModal", "nb: async () => (await fetch('/lang/nb.json')).json(),\n            nb_unused: {\n                consentModal"),
        [], [*w, "banner.not-judged", "banner.not-judged.texts-at-run-time"])
    add("cc3-dynamic-lifetime.js", one(base, "expiresAfterDays: 182", "expiresAfterDays: window.cookieDays"),
        [], [*w, "banner.not-judged"])
    # -- cookieconsent with Consent Mode in the same page
    add("cc3-gtag-page.html", page(f"<script>\n{GTAG}</script>\n<script>\n{base}{REOPEN_JS}</script>"), [])
    add("cc3-gtag-advanced-page.html", page(
        f"<script>\n{GTAG}gtag('config', 'G-CORPUS1');\n</script>\n<script>\n{base}{REOPEN_JS}</script>"),
        ["banner.consent-mode-advanced"])
    add("cc3-gtag-basic-page.html", page(
        f"<script>\n{GTAG}</script>\n<script type=\"text/plain\" data-category=\"analytics\">gtag('config', 'G-CORPUS1');</script>\n"
        f"<script type=\"text/plain\" data-category=\"analytics\" src=\"https://www.googletagmanager.com/gtag/js?id=G-CORPUS1\"></script>\n"
        f"<script>\n{base}{REOPEN_JS}</script>"), [])

    # -- templates
    add("cc3-liquid.json.liquid", "{% if site.cookies %}\n" + js_object_to_json(CC3_OBJECT) + "{% endif %}\n",
        unreadable="Liquid")
    add("cc3-liquid-include.html", "{% if site.cookie_banner %}\n<script>\n" + base + REOPEN_JS
        + "</script>\n{% endif %}\n", [])
    add("cc3-jinja-page.html.j2", "{% extends 'base.html' %}\n{% block head %}\n<script>\n" + base
        + "</script>\n{% endblock %}\n", [], w)
    add("cc3-jinja.js", one(base, "revision: 3,", "revision: {{ policy.revision }},"), unreadable="render it first")
    add("cc3-blade-in-script.blade.php", page("<script>\n" + one(base, "revision: 3,", "revision: @json($revision),") + "</script>"),
        unreadable="Blade")
    add("cc3-erb.js.erb", one(base, "revision: 3,", "revision: <%= @revision %>,"), unreadable="ERB")

    # -- Klaro
    kbase = f"var klaroConfig = {KLARO_OBJECT};\n"
    add("klaro-base.js", kbase, [], w)
    add("klaro-base.min.js", minify(kbase), [], w)
    add("klaro-base.json", js_object_to_json(KLARO_OBJECT), [], w)
    add("klaro-window.js", f"window.klaroConfig = {KLARO_OBJECT};\n", [], w)
    add("klaro-variable.js", f"const config = {KLARO_OBJECT};\nwindow.klaroConfig = config;\nKlaro.setup(config);\n", [], w)
    add("klaro-variable.min.js", minify(f"const c={KLARO_OBJECT};klaro.setup(c);"), [], w)
    add("klaro-with-reopen.js", kbase + KLARO_REOPEN, [])
    add("klaro-page-with-link.html", page(f"<script>\n{kbase}</script>",
        '<footer><a href="#" onclick="return klaro.show();">Cookie settings</a></footer>'), [])
    add("klaro-page-without-link.html", page(f"<script>\n{kbase}</script>"), ["banner.no-withdrawal"])
    add("klaro-no-decline.js", one(kbase, "hideDeclineAll: false", "hideDeclineAll: true"), ["banner.no-reject-first-layer"], w)
    add("klaro-default-on.js", one(kbase, "default: false,", "default: true,"), ["banner.preselected"], w)
    add("klaro-opt-out.js", one(kbase, "default: false,", "default: true, optOut: true,"),
        ["banner.opt-out-mode", "banner.preselected"], w)
    add("klaro-wall.js", one(one(one(kbase, "mustConsent: false", "mustConsent: true"), "hideDeclineAll: false", "hideDeclineAll: true"),
                             "default: false,", "default: true,"),
        # the mustConsent modal lists every service with its toggle and "accept selected":
        # a way through without consenting, so no wall; the pre-ticked toggles are the fault
        ["banner.no-reject-first-layer", "banner.preselected"], w)
    add("klaro-required-ga.js", one(kbase, "purposes: ['analytics'], cookies: ['^_ga($|_)', '_gid'] }",
                                    "purposes: ['analytics'], required: true, cookies: ['^_ga($|_)', '_gid'] }"),
        ["banner.tracker-in-necessary"], w)
    add("klaro-lifetime.js", one(kbase, "cookieExpiresAfterDays: 180", "cookieExpiresAfterDays: 500"), ["banner.consent-lifetime"], w)
    add("klaro-texts-variable.js", one(kbase, "translations: {\n        en: {", "translations: {\n        nb: window.texts,\n        en: {"),
        [], [*w, "banner.not-judged", "banner.not-judged.texts-at-run-time"])

    # -- Consent Mode (gtag)
    add("gtag-base.js", GTAG, [])
    add("gtag-base.min.js", minify(GTAG), [])
    add("gtag-page.html", page(f"<script>\n{GTAG}</script>"), [])
    add("gtag-base.json", json.dumps({"dataLayer": [["consent", "default", {
        "ad_storage": "denied", "ad_user_data": "denied", "ad_personalization": "denied",
        "analytics_storage": "denied"}]]}, indent=2) + "\n", [])
    add("gtag-granted.js", one(GTAG, "analytics_storage: 'denied'", "analytics_storage: 'granted'"),
        ["banner.consent-mode-default-granted"])
    add("gtag-regions-misspelt.js", one(one(GTAG, "analytics_storage: 'denied',", "analytics_storage: 'granted',"),
                                        "wait_for_update: 500", "regions: ['US'], wait_for_update: 500"),
        ["banner.consent-mode-default-granted"], ["banner.not-judged.unknown-key"])
    add("gtag-unknown-key.js", one(GTAG, "wait_for_update: 500", "wait_for_update: 500, developer_id: 'x'"),
        [], ["banner.not-judged.unknown-key"])
    add("gtag-quoted-keys.min.js", minify(GTAG.replace("ad_storage:", "'ad_storage':").replace("region", "region")), [])
    add("gtag-dynamic.js", one(GTAG, "analytics_storage: 'denied'", "analytics_storage: window.consentState"),
        [], ["banner.not-judged"])
    add("gtag-dynamic-region.js", GTAG + "gtag('consent', 'default', {ad_storage: 'granted', region: window.regions});\n",
        [], ["banner.not-judged"])
    add("gtag-advanced.html", page(f"<script>\n{GTAG}gtag('js', new Date());\ngtag('config', 'G-CORPUS1');\n</script>\n"
                                   '<script async src="https://www.googletagmanager.com/gtag/js?id=G-CORPUS1"></script>'),
        ["banner.consent-mode-advanced"])
    add("gtag-config-in-callback.js", GTAG + "function onConsent() { gtag('config', 'G-CORPUS1'); }\n", [])

    # -- GTM containers
    add("gtm-base.json", gtm([google_tag(), html_tag("HubSpot", HUBSPOT_HTML, "NEEDED", ["ad_storage"])]), [])
    add("gtm-hubspot-ungated.json", gtm([google_tag(), html_tag("HubSpot", HUBSPOT_HTML)]), ["banner.tag-not-consent-gated"])
    add("gtm-custom-html-default.json", gtm([html_tag("Consent Mode - Default", DEFAULT_HTML_DENIED), google_tag()]), [])
    add("gtm-custom-html-granted.json", gtm([html_tag("Consent Mode - Default", DEFAULT_HTML_DENIED.replace(
        "'analytics_storage':'denied'", "'analytics_storage':'granted'")), google_tag()]),
        ["banner.consent-mode-default-granted"])
    add("gtm-custom-html-advanced.json", gtm([html_tag("Consent Mode - Default", DEFAULT_HTML_DENIED), google_tag("NOT_SET")]),
        ["banner.consent-mode-advanced"])
    add("gtm-custom-html-broken.json", gtm([html_tag("Consent Mode - Default", "<script>gtag('consent','default',{</script>"), google_tag()]),
        [], ["banner.not-judged.custom-html-unreadable"])
    add("gtm-server.json", gtm([{"name": "Meta Pixel - Conversions API", "type": "cvt_meta_capi",
                                 "consentSettings": {"consentStatus": "NEEDED"}}], "SERVER"),
        [], ["banner.not-judged.server-container"])
    add("gtm-server-meta.json", gtm([{"name": "Meta Pixel - Conversions API", "type": "cvt_meta_capi",
                                      "parameter": [{"type": "TEMPLATE", "key": "html", "value": "fbq('init', '1')"}],
                                      "consentSettings": {"consentStatus": "NOT_SET"}}], "SERVER"),
        ["banner.tag-not-consent-gated"], ["banner.not-judged.server-container"])

    # -- native
    add("native-base.yaml", NATIVE, [])
    add("native-unequal.yaml", one(NATIVE, "equal_weight: true", "equal_weight: false"), ["banner.reject-less-prominent"])
    add("native-implied.yaml", one(NATIVE, "mode: opt-in", "mode: opt-in\nimplied_consent: [{trigger: scroll}]"),
        ["banner.implied-consent"])
    add("native-no-withdrawal-shown.yaml", one(NATIVE, "withdrawal: {reopen: [{means: 'footer link \"Cookie settings\"'}]}\n", ""),
        [], w)
    add("native-no-withdrawal.yaml", one(NATIVE, "withdrawal: {reopen: [{means: 'footer link \"Cookie settings\"'}]}", "withdrawal: {reopen: []}"),
        ["banner.no-withdrawal"])
    return c


def main() -> None:
    import yaml

    files = corpus()
    for old in HERE.iterdir():
        if old.name not in ("_generate.py", "policy.yaml") and old.is_file():
            old.unlink()
    for name, (text, _) in files.items():
        (HERE / name).write_text(text, "utf-8")
    manifest = {name: expected for name, (_, expected) in sorted(files.items())}
    header = (
        "# What each corpus file must give against policy.yaml (written by _generate.py).\n"
        "# rules: the exact set of error and warning rules; notes: the exact set of note\n"
        "# message codes; unreadable: text the refusal must contain (exit code 2).\n"
    )
    (HERE / "manifest.yaml").write_text(header + yaml.safe_dump(manifest, sort_keys=True), "utf-8")


if __name__ == "__main__":
    main()
