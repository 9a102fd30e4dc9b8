"""Tests of the banner rules (gdpr_policy.banner.rules) on real-format inputs and models."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from gdpr_policy._duration import Duration
from gdpr_policy._messages import Location
from gdpr_policy._policy import (
    CookieSpec,
    PolicyVersion,
    Tracker,
    bundled_policy,
    bundled_policy_text,
    load_policy,
)
from gdpr_policy._rules import REGISTRY, Finding, Severity
from gdpr_policy.banner import (
    Banner,
    BannerSource,
    Button,
    Category,
    ConsentMode,
    ConsentModeDefault,
    ConsentRecord,
    CookiePattern,
    CookieRef,
    DynamicValue,
    GtmTag,
    ImpliedConsent,
    LanguageLayer,
    LegitimateInterestClaim,
    ReaderNote,
    Reconsent,
    Reopen,
    Service,
    TagLoad,
    Withdrawal,
)
from gdpr_policy.banner._detect import read_banner
from gdpr_policy.banner._trackers import KnownTracker
from gdpr_policy.banner.rules import (
    BANNER_RULES,
    EEA_COUNTRIES,
    _add,
    _can_refuse,
    _claimed_necessary,
    _cookie_identity,
    _match_trackers,
    _policy_identity,
    _ref_covers_spec,
    _same_ref,
    _service_identity,
    _service_known,
    _sits_in_necessary,
    _spec_matches_name,
    _spec_samples,
    _tag_identity,
    _words,
    evaluate_banner,
)
from gdpr_policy.i18n import LANGUAGES, has_message, render

from ._helpers import DATA, line_col_of

RULES_DATA = DATA / "rules"
AS_OF = dt.date(2026, 1, 15)
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "banners"

COMPLIANT = (
    "orestbida-v3/compliant.js",
    "orestbida-v3/compliant.json",
    "klaro/compliant.js",
    "klaro/compliant.json",
    "google-consent-mode/compliant.gtag.js",
    "google-consent-mode/compliant.gtag.json",
    "google-consent-mode/compliant.gtm-container.json",
)


def acme_policy() -> PolicyVersion:
    """The bundled policy with the trackers and consent settings of the ACME examples."""
    document = yaml.safe_load(bundled_policy_text())
    declared = yaml.safe_load((RULES_DATA / "acme-declarations.yaml").read_text("utf-8"))
    version = document["versions"][-1]
    version["trackers"] = declared["trackers"]
    version["consent"].update(declared["consent"])
    return load_policy(document, source="acme-declarations.yaml").latest


@pytest.fixture(scope="module")
def acme() -> PolicyVersion:
    return acme_policy()


_ACME: list[PolicyVersion] = []


def _acme_once() -> PolicyVersion:
    # acme_policy() parses YAML (~0.1 s); run() and the properties evaluate
    # hundreds of banners (the policy is frozen, so sharing it is safe).
    if not _ACME:
        _ACME.append(acme_policy())
    return _ACME[0]


def read(relative: str, text: str | None = None) -> Banner:
    path = DATA / relative
    return read_banner(text if text is not None else path.read_text("utf-8"), source=path.name)


def variant(relative: str, old: str, new: str, occurrence: int = 1) -> str:
    """The fixture with the ``occurrence``-th ``old`` replaced by ``new`` (one change)."""
    text = (DATA / relative).read_text("utf-8")
    index = -1
    for _ in range(occurrence):
        index = text.index(old, index + 1)
    return text[:index] + new + text[index + len(old) :]


def ids(findings: list[Finding], severity: Severity) -> set[str]:
    return {f.rule for f in findings if f.severity is severity}


def judged(findings: list[Finding]) -> list[Finding]:
    """The findings without notes (a bare configuration always notes the unseen withdrawal)."""
    return [f for f in findings if f.severity is not Severity.NOTE]


# --- metadata -------------------------------------------------------------------------


def test_banner_rules_are_exactly_the_issue_ids() -> None:
    assert [r.id for r in BANNER_RULES] == sorted(
        [
            "banner.opt-out-mode",
            "banner.preselected",
            "banner.no-reject-first-layer",
            "banner.tracker-in-necessary",
            "banner.undeclared-tracker",
            "banner.unknown-tracker",
            "banner.consent-mode-default-granted",
            "banner.tag-not-consent-gated",
            "banner.legitimate-interest",
            "banner.implied-consent",
            "banner.cookie-wall",
            "banner.consent-lifetime",
            "banner.stale-revision",
            # issue 12
            "banner.reject-less-prominent",
            "banner.no-withdrawal",
            "banner.consent-mode-advanced",
            "banner.not-judged",
        ]
    )
    warnings = {r.id for r in BANNER_RULES if r.severity is Severity.WARNING}
    assert warnings == {
        "banner.unknown-tracker",
        "banner.consent-lifetime",
        "banner.reject-less-prominent",
        "banner.consent-mode-advanced",
    }
    notes = {r.id for r in BANNER_RULES if r.severity is Severity.NOTE}
    assert notes == {"banner.not-judged"}


@pytest.mark.parametrize(
    ("rule_id", "legal", "statement"),
    [
        ("banner.preselected", "CJEU C-673/17 Planet49", "S25"),
        ("banner.no-reject-first-layer", "EDPB Cookie Banner Taskforce report practice A", None),
        ("banner.tracker-in-necessary", "EDPB Cookie Banner Taskforce report practice I", None),
        ("banner.undeclared-tracker", None, "S06"),
        ("banner.legitimate-interest", "EDPB Cookie Banner Taskforce report practice H", None),
        ("banner.cookie-wall", None, "S05"),
    ],
)
def test_rules_cite_what_the_issue_names(
    rule_id: str, legal: str | None, statement: str | None
) -> None:
    the_rule = REGISTRY[rule_id]
    if legal is not None:
        assert legal in {str(r) for r in the_rule.legal}
    if statement is not None:
        assert statement in {str(s) for s in the_rule.clauses(bundled_policy().latest)}


def test_every_banner_rule_has_catalog_texts() -> None:
    for the_rule in BANNER_RULES:
        for lang in LANGUAGES:
            for code in (the_rule.message_code, the_rule.title_code, the_rule.help_code):
                assert has_message(code, lang), (code, lang)


def test_fixture_policy_declares_every_tracker_cookie_of_the_shared_declarations(
    acme: PolicyVersion,
) -> None:
    declared = json.loads((DATA / "privacy-policy-declarations.json").read_text("utf-8"))
    ours = {c.name or c.pattern for t in acme.trackers for c in t.cookies}
    theirs = {c.get("name") or c.get("pattern") for t in declared["trackers"] for c in t["cookies"]}
    assert ours == theirs
    assert {t.id for t in acme.trackers} == {t["service"] for t in declared["trackers"]}
    assert acme.consent.banner_revision == declared["banner_revision_expected"]


# --- the shared compliant examples and one-change variants ---------------------------


@pytest.mark.parametrize("relative", COMPLIANT)
def test_compliant_examples_pass(acme: PolicyVersion, relative: str) -> None:
    findings = evaluate_banner(read(relative), acme, AS_OF)
    assert judged(findings) == [], [(f.rule, f.subject, str(f.location)) for f in findings]
    # The only note: a configuration without its page cannot show the way to withdraw.
    assert {(f.rule, f.message.code) for f in findings if f.severity is Severity.NOTE} <= {
        ("banner.no-withdrawal", "banner.no-withdrawal.not-shown")
    }


CC3_JS = "orestbida-v3/compliant.js"
CC3_JSON = "orestbida-v3/compliant.json"
KLARO_JS = "klaro/compliant.js"
KLARO_JSON = "klaro/compliant.json"
GTAG_JS = "google-consent-mode/compliant.gtag.js"
GTAG_JSON = "google-consent-mode/compliant.gtag.json"
GTM = "google-consent-mode/compliant.gtm-container.json"

#: (fixture, old, new, occurrence, errors expected, warnings expected)
VARIANTS: list[tuple[str, str, str, int, set[str], set[str]]] = [
    # cookieconsent v3, JS
    (CC3_JS, "mode: 'opt-in'", "mode: 'opt-out'", 1, {"banner.opt-out-mode"}, set()),
    (CC3_JS, "enabled: false", "enabled: true", 1, {"banner.preselected"}, set()),
    (
        CC3_JS,
        "acceptNecessaryBtn: 'Alle ablehnen',",
        "",
        1,
        {"banner.no-reject-first-layer"},
        set(),
    ),
    (
        CC3_JS,
        "equalWeightButtons: true",
        "equalWeightButtons: false",
        1,
        set(),
        {"banner.reject-less-prominent"},
    ),
    (
        CC3_JS,
        "cookies: [{ name: 'PHPSESSID' }]",
        "cookies: [{ name: '_fbp' }]",
        1,
        {"banner.tracker-in-necessary"},
        set(),
    ),
    (
        CC3_JS,
        "{ name: /^_ga($|_)/ }\n",
        "{ name: /^_ga($|_)/ }, { name: '_hjid' }\n",
        1,
        set(),
        {"banner.unknown-tracker"},
    ),
    (
        CC3_JS,
        "expiresAfterDays: 182",
        "expiresAfterDays: 400",
        1,
        set(),
        {"banner.consent-lifetime"},
    ),
    (CC3_JS, "revision: 3", "revision: 2", 1, {"banner.stale-revision"}, set()),
    # cookieconsent v3, JSON
    (CC3_JSON, '"mode": "opt-in"', '"mode": "opt-out"', 1, {"banner.opt-out-mode"}, set()),
    (CC3_JSON, '"enabled": false', '"enabled": true', 2, {"banner.preselected"}, set()),
    (
        CC3_JSON,
        '"acceptNecessaryBtn": "Reject all",',
        "",
        1,
        {"banner.no-reject-first-layer"},
        set(),
    ),
    (CC3_JSON, '"revision": 3', '"revision": 0', 1, {"banner.stale-revision"}, set()),
    # Klaro, JS
    # (the global default does not reach services that set their own)
    (KLARO_JS, "default: false,          //", "default: true,          //", 1, set(), set()),
    (KLARO_JS, "default: false,\n", "default: true,\n", 1, {"banner.preselected"}, set()),
    (
        KLARO_JS,
        "hideDeclineAll: false,",
        "hideDeclineAll: true,",
        1,
        {"banner.no-reject-first-layer"},
        set(),
    ),
    (
        KLARO_JS,
        "purposes: ['marketing', 'analytics'],\n            default: false,\n"
        "            required: false,",
        "purposes: ['marketing', 'analytics'],\n            default: false,\n"
        "            required: true,",
        1,
        {"banner.tracker-in-necessary"},
        set(),
    ),
    (KLARO_JS, "name: 'metaPixel',", "name: 'fbPixel',", 1, set(), set()),
    (
        KLARO_JS,
        "cookieExpiresAfterDays: 180",
        "cookieExpiresAfterDays: 500",
        1,
        set(),
        {"banner.consent-lifetime"},
    ),
    # Klaro, JSON
    (
        KLARO_JSON,
        '"hideDeclineAll": false',
        '"hideDeclineAll": true',
        1,
        {"banner.no-reject-first-layer"},
        set(),
    ),
    (KLARO_JSON, '"default": false', '"default": true', 2, {"banner.preselected"}, set()),
    # Google Consent Mode, gtag JS and JSON
    (
        GTAG_JS,
        "ad_storage: 'denied'",
        "ad_storage: 'granted'",
        1,
        {"banner.consent-mode-default-granted"},
        set(),
    ),
    (GTAG_JS, "security_storage: 'granted'", "security_storage: 'denied'", 1, set(), set()),
    (
        GTAG_JSON,
        '"analytics_storage": "denied"',
        '"analytics_storage": "granted"',
        1,
        {"banner.consent-mode-default-granted"},
        set(),
    ),
    # GTM: the HubSpot tag loses its additional consent check
    (
        GTM,
        '"consentStatus": "NEEDED"',
        '"consentStatus": "NOT_SET"',
        2,
        {"banner.tag-not-consent-gated"},
        set(),
    ),
    # ... while the GA4 tag has Google's built-in check
    (GTM, '"consentStatus": "NEEDED"', '"consentStatus": "NOT_SET"', 1, set(), set()),
]


@pytest.mark.parametrize(
    ("relative", "old", "new", "occurrence", "errors", "warnings"),
    VARIANTS,
    ids=[f"{v[0]}:{v[2][:30]}" for v in VARIANTS],
)
def test_one_change_variants(
    acme: PolicyVersion,
    relative: str,
    old: str,
    new: str,
    occurrence: int,
    errors: set[str],
    warnings: set[str],
) -> None:
    findings = evaluate_banner(read(relative, variant(relative, old, new, occurrence)), acme, AS_OF)
    assert ids(findings, Severity.ERROR) == errors, [(f.rule, f.subject) for f in findings]
    assert ids(findings, Severity.WARNING) == warnings, [(f.rule, f.subject) for f in findings]
    for found in findings:
        assert found.location is not None
        assert found.location.file == Path(relative).name


def test_klaro_service_renamed_is_still_the_policy_tracker_by_its_cookies(
    acme: PolicyVersion,
) -> None:
    # The VARIANTS row renaming metaPixel expects nothing: _fbp still identifies it.
    banner = read(KLARO_JS, variant(KLARO_JS, "name: 'metaPixel',", "name: 'fbPixel',"))
    assert banner.service("fbPixel") is not None
    assert judged(evaluate_banner(banner, acme, AS_OF)) == []


def test_klaro_without_a_service_leaves_the_tracker_undeclared(acme: PolicyVersion) -> None:
    text = (DATA / KLARO_JS).read_text("utf-8")
    start = text.index("        {\n            name: 'metaPixel',")
    end = text.index("        }", start) + len("        }")
    cut = text[:start].rstrip().rstrip(",") + "\n" + text[end:]
    findings = judged(evaluate_banner(read(KLARO_JS, cut), acme, AS_OF))
    assert [(f.rule, f.subject) for f in findings] == [
        ("banner.undeclared-tracker", "tracker:meta-pixel")
    ]
    assert findings[0].evidence["provider"] == "Meta Platforms Ireland Ltd."


def test_cc3_service_that_becomes_hotjar_is_unknown_and_leaves_gtm_undeclared(
    acme: PolicyVersion,
) -> None:
    text = variant(
        CC3_JS,
        "gtm: {\n                    label: 'Google Tag Manager'",
        "hotjar: {\n                    label: 'Hotjar'",
    )
    findings = judged(evaluate_banner(read(CC3_JS, text), acme, AS_OF))
    assert {(f.rule, f.subject) for f in findings} == {
        ("banner.undeclared-tracker", "tracker:google-tag-manager"),
        ("banner.unknown-tracker", "service:hotjar"),
    }


def test_locations_point_at_the_offending_value(acme: PolicyVersion) -> None:
    cases = [
        (CC3_JS, "mode: 'opt-in'", "mode: 'opt-out'", "banner.opt-out-mode", "'opt-out'"),
        (CC3_JS, "revision: 3", "revision: 2", "banner.stale-revision", "2,"),
        (
            CC3_JS,
            "expiresAfterDays: 182",
            "expiresAfterDays: 400",
            "banner.consent-lifetime",
            "400",
        ),
        (
            GTAG_JS,
            "ad_storage: 'denied'",
            "ad_storage: 'granted'",
            "banner.consent-mode-default-granted",
            "ad_storage: 'granted'",
        ),
    ]
    for relative, old, new, rule_id, needle in cases:
        text = variant(relative, old, new)
        (found,) = [
            f for f in evaluate_banner(read(relative, text), acme, AS_OF) if f.rule == rule_id
        ]
        assert found.location is not None
        line, column = line_col_of(text, needle)
        assert found.location.line == line, (rule_id, found.location)
        assert found.location.column is not None
        assert abs(found.location.column - column) <= len(needle), (rule_id, found.location)


def test_no_reject_is_reported_for_the_language_that_lacks_it(acme: PolicyVersion) -> None:
    text = variant(CC3_JS, "acceptNecessaryBtn: 'Alle ablehnen',", "")
    findings = judged(evaluate_banner(read(CC3_JS, text), acme, AS_OF))
    assert [(f.subject, f.message.values) for f in findings] == [("lang:de", {"lang": "de"})]


def test_cookie_wall_needs_a_blocked_page_and_no_refusal(acme: PolicyVersion) -> None:
    blocking = variant(CC3_JS, "disablePageInteraction: false", "disablePageInteraction: true")
    assert judged(evaluate_banner(read(CC3_JS, blocking), acme, AS_OF)) == []  # reject is there
    wall = blocking.replace("acceptNecessaryBtn: 'Reject all',", "", 1).replace(
        "acceptNecessaryBtn: 'Alle ablehnen',", "", 1
    )
    banner = read(CC3_JS, wall)
    reachable = {layer.second_layer_reachable for layer in banner.languages}
    findings = evaluate_banner(banner, acme, AS_OF)
    assert "banner.no-reject-first-layer" in ids(findings, Severity.ERROR)
    # A reachable second layer is a way to refuse; cc3 draws showPreferencesBtn here.
    assert ("banner.cookie-wall" in ids(findings, Severity.ERROR)) is (reachable != {True})


def test_klaro_must_consent_without_decline_is_a_cookie_wall(acme: PolicyVersion) -> None:
    text = variant(KLARO_JS, "mustConsent: false,", "mustConsent: true,")
    assert "banner.cookie-wall" not in ids(
        evaluate_banner(read(KLARO_JS, text), acme, AS_OF), Severity.ERROR
    )
    text = text.replace("hideDeclineAll: false,", "hideDeclineAll: true,", 1).replace(
        "hideLearnMore: false,", "hideLearnMore: true,", 1
    )
    banner = read(KLARO_JS, text)
    findings = evaluate_banner(banner, acme, AS_OF)
    assert banner.blocks_page
    walled = all(
        not layer.has_reject
        and layer.second_layer_reachable is not True
        and layer.button("accept_selected") is None
        for layer in banner.languages
    )
    assert ("banner.cookie-wall" in ids(findings, Severity.ERROR)) is walled


def test_compliant_examples_against_the_bundled_policy_report_the_missing_campaign_tracker() -> (
    None
):
    # The bundled (Inmeta) policy declares campaign tracking (_gcl_au), which the ACME
    # banners do not manage; Consent Mode and GTM files are never judged on the inventory.
    inmeta = bundled_policy().at(AS_OF)
    for relative in COMPLIANT:
        findings = evaluate_banner(read(relative), inmeta, AS_OF)
        undeclared = {f.subject for f in findings if f.rule == "banner.undeclared-tracker"}
        if relative.startswith("google-consent-mode"):
            assert undeclared == set()
        else:
            assert undeclared == {"tracker:campaign-tracking"}


# --- model-level tests of each rule -----------------------------------------------------


def banner(**fields: Any) -> Banner:
    fields.setdefault("source", BannerSource(format="native", file="b.yaml"))
    # a way to reopen the choices, unless a test is about withdrawal
    fields.setdefault("withdrawal", Withdrawal(reopen=(Reopen(means="klaro.show()"),)))
    return Banner(**fields)


def run(b: Banner, policy: PolicyVersion | None = None, as_of: dt.date = AS_OF) -> list[Finding]:
    return evaluate_banner(b, policy or _acme_once(), as_of)


NECESSARY = Category(id="necessary", kind="necessary", read_only=True, default_enabled=True)
EN_OK = LanguageLayer(
    lang="en",
    buttons=(Button(role="accept_all"), Button(role="reject_all"), Button(role="settings")),
    equal_weight=True,
)


def test_opt_out_mode_folds_elements_into_one_finding() -> None:
    cats = (
        NECESSARY.model_copy(update={"runs_before_consent": True}),
        Category(id="analytics", kind="analytics", default_enabled=True, runs_before_consent=True),
    )
    found, pre = (
        f
        for f in run(banner(mode="opt-out", categories=cats, mode_location=Location(line=3)))
        if f.rule != "banner.undeclared-tracker"
    )
    assert (found.rule, found.location) == ("banner.opt-out-mode", Location(line=3))
    assert found.evidence["runs_before_consent"] == ["category:analytics"]
    assert pre.rule == "banner.preselected"


def test_service_running_before_consent_without_opt_out_mode() -> None:
    svc = Service(id="hotjar", runs_before_consent=True, category_ids=("stats",))
    found = run(banner(mode="opt-in", services=(svc,), categories=(Category(id="stats"),)))
    rules = {(f.rule, f.message.code) for f in found}
    assert ("banner.opt-out-mode", "banner.opt-out-mode.service") in rules
    required = svc.model_copy(update={"required": True, "tracker": "session"})
    assert not [f for f in run(banner(services=(required,))) if f.rule == "banner.opt-out-mode"]


def test_preselected_category_reports_its_services_once() -> None:
    cat = Category(id="marketing", kind="marketing", default_enabled=True, service_ids=("hs",))
    svc = Service(id="hs", category_ids=("marketing",), default_enabled=True, tracker="hubspot")
    found = [
        f for f in run(banner(categories=(cat,), services=(svc,))) if f.rule == "banner.preselected"
    ]
    assert [f.subject for f in found] == ["category:marketing"]


def test_necessary_on_by_default_is_not_preselection() -> None:
    assert [f for f in run(banner(categories=(NECESSARY,))) if f.rule == "banner.preselected"] == []


def test_read_only_analytics_or_marketing_category_cannot_be_refused() -> None:
    for kind in ("analytics", "marketing", "functional", "necessary", "other"):
        cat = Category(id="stats", kind=kind, read_only=True, default_enabled=True,  # type: ignore[arg-type]
                       location=_at(4))
        found = [f for f in run(banner(categories=(cat,))) if f.rule == "banner.preselected"]
        if kind not in ("analytics", "marketing"):
            assert found == [], kind
            continue
        [f] = found
        assert (f.subject, f.severity, f.location, f.message.code) == (
            "category:stats", Severity.ERROR, _at(4), "banner.preselected.read-only")
        assert f.message.values == {"category": "stats", "kind": kind}
    # A tracker in it is banner.tracker-in-necessary's finding, not reported twice.
    cat = Category(id="analytics", kind="analytics", read_only=True, default_enabled=True,
                   service_ids=("ga",))
    svc = Service(id="ga", category_ids=("analytics",), required=True, default_enabled=True,
                  cookies=(CookieRef(name="_ga"),))
    rules = {f.rule for f in run(banner(categories=(cat,), services=(svc,)))}
    assert "banner.tracker-in-necessary" in rules and "banner.preselected" not in rules
    loose = cat.model_copy(update={"service_ids": (), "cookies": (CookieRef(name="_ga"),)})
    rules = {f.rule for f in run(banner(categories=(loose,)))}
    assert "banner.tracker-in-necessary" in rules and "banner.preselected" not in rules
    # ... while the same category without it is reported.
    empty = cat.model_copy(update={"service_ids": ()})
    assert [f.message.code for f in run(banner(categories=(empty,)))
            if f.rule == "banner.preselected"] == ["banner.preselected.read-only"]


def test_read_only_analytics_category_from_cookieconsent() -> None:
    text = (
        "CookieConsent.run({categories: {necessary: {readOnly: true},"
        " analytics: {enabled: true, readOnly: true}},"
        " language: {default: 'en', translations: {en: {consentModal: {title: 'C',"
        " acceptAllBtn: 'OK', acceptNecessaryBtn: 'No'}}}}});"
    )
    found = [f for f in run(read_banner(text, source="cc.js")) if f.rule == "banner.preselected"]
    assert [(f.subject, f.message.code) for f in found] == [
        ("category:analytics", "banner.preselected.read-only")]


@pytest.mark.parametrize(
    ("buttons", "equal_weight", "fires"),
    [
        (("accept_all", "reject_all"), True, False),
        (("accept_all", "reject_all"), None, False),
        (("accept_all", "reject_all"), False, False),  # less prominent: its own rule
        (("accept_all", "settings"), True, True),
        (("accept_all", "close_rejects"), None, False),
        (("settings",), None, False),  # no accept on the first layer: nothing to balance
    ],
)
def test_no_reject_first_layer(
    buttons: tuple[str, ...], equal_weight: bool | None, fires: bool
) -> None:
    layer = LanguageLayer(
        lang="sv",
        buttons=tuple(Button(role=r) for r in buttons),
        equal_weight=equal_weight,  # type: ignore[arg-type]
    )
    found = [
        f for f in run(banner(languages=(EN_OK, layer))) if f.rule == "banner.no-reject-first-layer"
    ]
    assert [f.subject for f in found] == (["lang:sv"] if fires else [])


def test_tracker_in_necessary_by_table_and_by_policy() -> None:
    ga = Service(id="stats", category_ids=("necessary",), cookies=(CookieRef(name="_ga"),))
    session = Service(
        id="sess", category_ids=("necessary",), cookies=(CookieRef(name="PHPSESSID"),)
    )
    loose = NECESSARY.model_copy(update={"cookies": (CookieRef(name="hubspotutk"),)})
    found = [
        f
        for f in run(banner(categories=(loose,), services=(ga, session)))
        if f.rule == "banner.tracker-in-necessary"
    ]
    assert {(f.subject, f.message.code) for f in found} == {
        ("service:stats", "banner.tracker-in-necessary"),
        ("category:necessary", "banner.tracker-in-necessary.cookie"),
    }


def test_required_tracker_outside_any_category() -> None:
    svc = Service(id="metaPixel", required=True, cookies=(CookieRef(name="_fbp"),))
    (found,) = [f for f in run(banner(services=(svc,))) if f.rule == "banner.tracker-in-necessary"]
    assert found.message.code == "banner.tracker-in-necessary.required"
    assert found.evidence["policy_trackers"] == ["meta-pixel"]


def test_undeclared_tracker_only_for_banner_configurations() -> None:
    gtm_file = banner(source=BannerSource(format="gtm", file="c.json"))
    assert [f for f in run(gtm_file) if f.rule == "banner.undeclared-tracker"] == []
    native = [f.subject for f in run(banner()) if f.rule == "banner.undeclared-tracker"]
    # every tracker of the fixture policy that needs consent, and none that does not
    assert sorted(native) == [
        "tracker:google-analytics-4",
        "tracker:google-tag-manager",
        "tracker:hubspot",
        "tracker:linkedin-insight-tag",
        "tracker:meta-pixel",
    ]


def test_category_cookies_manage_a_tracker() -> None:
    cat = Category(id="marketing", kind="marketing", cookies=(CookieRef(name="li_sugr"),))
    subjects = {
        f.subject for f in run(banner(categories=(cat,))) if f.rule == "banner.undeclared-tracker"
    }
    assert "tracker:linkedin-insight-tag" not in subjects


def _cm(*defaults: ConsentModeDefault) -> Banner:
    return banner(
        source=BannerSource(format="gtag", file="g.js"), consent_mode=ConsentMode(defaults=defaults)
    )


def _granted(b: Banner) -> list[tuple[str, str, list[str] | None]]:
    return sorted(
        (f.evidence["type"], f.message.code, f.evidence["affected"])  # type: ignore[misc]
        for f in run(b)
        if f.rule == "banner.consent-mode-default-granted"
    )


DENY_ALL = dict.fromkeys(
    ("ad_storage", "ad_user_data", "ad_personalization", "analytics_storage"), "denied"
)
GRANT_ALL = dict.fromkeys(DENY_ALL, "granted")


def test_consent_mode_global_grant_fires_everywhere() -> None:
    found = _granted(_cm(ConsentModeDefault(types={**DENY_ALL, "ad_storage": "granted"})))
    assert [(t, c) for t, c, _ in found] == [
        ("ad_storage", "banner.consent-mode-default-granted.everywhere")
    ]
    assert set(found[0][2] or []) == EEA_COUNTRIES


def test_consent_mode_specific_eea_denial_overrides_a_global_grant() -> None:
    eea = tuple(sorted(EEA_COUNTRIES))
    assert (
        _granted(
            _cm(ConsentModeDefault(types=GRANT_ALL), ConsentModeDefault(region=eea, types=DENY_ALL))
        )
        == []
    )
    # Leaving Norway out of the denied list leaves Norway granted.
    without_no = tuple(c for c in eea if c != "NO")
    found = _granted(
        _cm(
            ConsentModeDefault(types=GRANT_ALL),
            ConsentModeDefault(region=without_no, types=DENY_ALL),
        )
    )
    assert {affected[0] for _, _, affected in found if affected} == {"NO"}
    assert len(found) == 4


def test_consent_mode_grants_outside_the_area_are_fine() -> None:
    assert (
        _granted(
            _cm(
                ConsentModeDefault(types=DENY_ALL),
                ConsentModeDefault(region=("US", "US-CA"), types=GRANT_ALL),
            )
        )
        == []
    )


def test_consent_mode_eu_is_not_a_region_code() -> None:
    # Google ignores "EU"; the global grant still applies in Norway and Sweden.
    found = _granted(
        _cm(
            ConsentModeDefault(types={**DENY_ALL, "analytics_storage": "granted"}),
            ConsentModeDefault(region=("EU",), types={"analytics_storage": "denied"}),
        )
    )
    assert [t for t, _, _ in found] == ["analytics_storage"]


def test_consent_mode_subdivision_grant_is_judged_for_its_subdivision() -> None:
    found = _granted(
        _cm(
            ConsentModeDefault(types=DENY_ALL),
            ConsentModeDefault(region=("SE-AB",), types={"ad_storage": "granted"}),
        )
    )
    assert found == [("ad_storage", "banner.consent-mode-default-granted", ["SE-AB"])]


@pytest.mark.parametrize(
    "region", [("US",), ("EU",), ("US", "CA", "GB")], ids=["us-only", "eu-code", "outside"]
)
def test_consent_mode_default_only_outside_the_area_leaves_every_type_unset(
    region: tuple[str, ...],
) -> None:
    # A type with no default state is granted (Google): Norway and the EEA get none here.
    found = _granted(_cm(ConsentModeDefault(region=region, types=DENY_ALL)))
    assert [(t, c) for t, c, _ in found] == [
        (t, "banner.consent-mode-default-granted.unset-area") for t in sorted(DENY_ALL)
    ]
    assert all(set(affected or []) == EEA_COUNTRIES for _, _, affected in found)


def test_consent_mode_default_omitting_types_leaves_them_unset() -> None:
    v1 = {"ad_storage": "denied", "analytics_storage": "denied"}
    found = _granted(_cm(ConsentModeDefault(types=v1)))  # type: ignore[arg-type]
    assert [t for t, _, _ in found] == ["ad_personalization", "ad_user_data"]
    # Defaults for part of the area only: the rest of it is unset, named country by country.
    found = _granted(_cm(ConsentModeDefault(region=("SE", "DE"), types=DENY_ALL)))
    assert {c for _, c, _ in found} == {"banner.consent-mode-default-granted.unset"}
    assert all(set(a or []) == EEA_COUNTRIES - {"SE", "DE"} for _, _, a in found)


def test_consent_mode_global_denial_with_regional_defaults_sets_every_type() -> None:
    fine = _cm(
        ConsentModeDefault(types=DENY_ALL),
        ConsentModeDefault(region=("US",), types=GRANT_ALL),
        ConsentModeDefault(region=("NO", "SE-AB"), types={"ad_storage": "denied"}),
    )
    assert _granted(fine) == []
    # A subdivision default leaves the rest of its country without one.
    sub = _cm(ConsentModeDefault(region=("NO-03",), types=DENY_ALL),
              ConsentModeDefault(region=tuple(sorted(EEA_COUNTRIES - {"NO"})), types=DENY_ALL))
    assert {(t, tuple(a or [])) for t, _, a in _granted(sub)} == {
        (t, ("NO",)) for t in DENY_ALL
    }


def test_consent_mode_unset_is_not_judged_while_a_default_is_unread() -> None:
    run_time = ConsentModeDefault(types={**DENY_ALL}, region=("US",))
    unread = banner(
        source=BannerSource(format="gtag", file="g.js"),
        consent_mode=ConsentMode(defaults=(run_time,), unread_defaults=1),
    )
    assert _granted(unread) == []
    # A type written with a run-time value counts as set.
    dyn = ConsentModeDefault(
        types={"ad_storage": "denied", "analytics_storage": "denied"},
        unknown_types=("ad_user_data", "ad_personalization"),
    )
    assert _granted(_cm(dyn)) == []


def test_consent_mode_update_on_load_grants_before_any_choice() -> None:
    b = banner(
        source=BannerSource(format="gtag", file="g.js"),
        consent_mode=ConsentMode(
            defaults=(ConsentModeDefault(types=DENY_ALL),),
            updates_on_load=(ConsentModeDefault(types={**DENY_ALL, "ad_storage": "granted",
                                                       "security_storage": "granted"}),),
        ),
    )
    found = [f for f in run(b) if f.rule == "banner.consent-mode-default-granted"]
    assert [(f.subject, f.message.code, f.severity) for f in found] == [
        ("consent-mode-update:ad_storage", "banner.consent-mode-default-granted.update",
         Severity.ERROR)
    ]


def test_consent_mode_top_level_update_is_read_from_the_page() -> None:
    head = (
        "function gtag(){dataLayer.push(arguments);}\n"
        "gtag('consent', 'default', {ad_storage: 'denied', analytics_storage: 'denied',\n"
        "  ad_user_data: 'denied', ad_personalization: 'denied'});\n"
    )
    update = "gtag('consent', 'update', {ad_storage: 'granted', analytics_storage: 'granted'});"
    codes = {
        f.subject
        for f in run(read_banner(head + update, source="consent.js"))
        if f.rule == "banner.consent-mode-default-granted"
    }
    assert codes == {"consent-mode-update:ad_storage", "consent-mode-update:analytics_storage"}
    # In a click handler or a callback, or restoring a stored choice: after a choice.
    for wrapped in (
        f"document.querySelector('#ok').addEventListener('click', () => {{ {update} }});",
        f"function accept() {{ {update} }}",
        f"if (localStorage.getItem('consent') === 'yes') {{ {update} }}",
        f"stored && {update}",
    ):
        found = run(read_banner(head + wrapped, source="consent.js"))
        assert [f for f in found if f.rule == "banner.consent-mode-default-granted"] == [], wrapped


def test_consent_mode_privacy_parameters_may_be_granted() -> None:
    assert (
        _granted(
            _cm(
                ConsentModeDefault(
                    types={
                        **DENY_ALL,
                        "security_storage": "granted",
                        "functionality_storage": "granted",
                    }
                )
            )
        )
        == []
    )


def _tag(**fields: Any) -> Banner:
    fields.setdefault("name", "tag")
    fields.setdefault("type", "html")
    return banner(source=BannerSource(format="gtm", file="c.json"), gtm_tags=(GtmTag(**fields),))


@pytest.mark.parametrize(
    ("fields", "fires"),
    [
        ({"tracker": "hubspot", "consent_status": "NOT_SET"}, True),
        ({"tracker": "hubspot", "consent_status": "NOT_NEEDED"}, True),
        ({"tracker": "hubspot", "consent_status": "NEEDED"}, False),
        ({"tracker": "hubspot", "consent_status": "NOT_SET", "paused": True}, False),
        ({"tracker": "google-analytics", "type": "googtag", "built_in_consent_check": True}, False),
        ({"tracker": None, "consent_status": "NOT_SET"}, False),
        ({"tracker": "cloudflare", "consent_status": "NOT_SET"}, False),
    ],
)
def test_tag_not_consent_gated(fields: dict[str, Any], fires: bool) -> None:
    found = [f for f in run(_tag(**fields)) if f.rule == "banner.tag-not-consent-gated"]
    assert bool(found) is fires


def test_gtm_tag_of_an_undeclared_tracker_is_unknown() -> None:
    found = run(_tag(name="TikTok", tracker="tiktok-pixel", consent_status="NEEDED"))
    assert [(f.rule, f.severity, f.message.code) for f in found] == [
        ("banner.unknown-tracker", Severity.WARNING, "banner.unknown-tracker.tag")
    ]


@pytest.mark.parametrize(
    ("claim", "fires"),
    [
        (LegitimateInterestClaim(kind="tcf-purpose", purpose=3), True),
        (LegitimateInterestClaim(kind="tcf-purpose", purpose=6), True),
        (LegitimateInterestClaim(kind="tcf-purpose", purpose=1), True),
        (LegitimateInterestClaim(kind="tcf-purpose", purpose=2), False),
        (LegitimateInterestClaim(kind="tcf-purpose", purpose=7), False),
        (LegitimateInterestClaim(kind="category", subject="analytics"), True),
    ],
)
def test_legitimate_interest(claim: LegitimateInterestClaim, fires: bool) -> None:
    found = [
        f
        for f in run(banner(legitimate_interest=(claim,)))
        if f.rule == "banner.legitimate-interest"
    ]
    assert bool(found) is fires


def test_implied_consent_each_trigger() -> None:
    triggers = ("scroll", "timeout", "click-anywhere", "navigation")
    b = banner(implied_consent=tuple(ImpliedConsent(trigger=t) for t in triggers))  # type: ignore[arg-type]
    found = [f.evidence["trigger"] for f in run(b) if f.rule == "banner.implied-consent"]
    assert sorted(found) == sorted(triggers)  # type: ignore[type-var]


@pytest.mark.parametrize(
    ("layers", "categories", "fires"),
    [
        ((EN_OK,), (), False),
        ((LanguageLayer(lang="en", buttons=(Button(role="accept_all"),)),), (), True),
        (
            (
                LanguageLayer(
                    lang="en", buttons=(Button(role="accept_all"),), second_layer_reachable=True
                ),
            ),
            (),
            False,
        ),
        (
            (
                LanguageLayer(
                    lang="en", buttons=(Button(role="accept_all"), Button(role="accept_selected"))
                ),
            ),
            (),
            False,
        ),
        (
            (
                LanguageLayer(
                    lang="en", buttons=(Button(role="accept_all"), Button(role="accept_selected"))
                ),
            ),
            (Category(id="ads", kind="marketing", default_enabled=True),),
            True,
        ),
        ((), (), True),
    ],
)
def test_cookie_wall(
    layers: tuple[LanguageLayer, ...], categories: tuple[Category, ...], fires: bool
) -> None:
    b = banner(blocks_page=True, languages=layers, categories=categories)
    assert any(f.rule == "banner.cookie-wall" for f in run(b)) is fires
    open_page = b.model_copy(update={"blocks_page": False})
    assert not any(f.rule == "banner.cookie-wall" for f in run(open_page))


@pytest.mark.parametrize(
    ("days", "as_of", "fires"),
    [
        (396, dt.date(2026, 1, 15), False),  # 2026-01-15 + P13M = 2027-02-15, 396 days
        (397, dt.date(2026, 1, 15), True),
        (394, dt.date(2027, 1, 31), False),  # 2027-01-31 + P13M = 2028-02-29 (leap), 394 days
        (395, dt.date(2027, 1, 31), True),
        (393.5, dt.date(2027, 1, 31), False),  # part of a day counts as a day
        (394.5, dt.date(2027, 1, 31), True),
        (365, dt.date(2026, 1, 15), False),
    ],
)
def test_consent_lifetime_against_p13m(days: float, as_of: dt.date, fires: bool) -> None:
    b = banner(consent_record=ConsentRecord(lifetime_days=days))
    found = [f for f in run(b, as_of=as_of) if f.rule == "banner.consent-lifetime"]
    assert bool(found) is fires
    if found:
        assert found[0].severity is Severity.WARNING
        assert found[0].evidence["given"] == as_of


def test_consent_lifetime_unknown_or_no_maximum() -> None:
    assert not [
        f
        for f in run(banner(consent_record=ConsentRecord(lifetime_days=None)))
        if f.rule == "banner.consent-lifetime"
    ]
    policy = acme_policy()
    no_max = policy.model_copy(
        update={"consent": policy.consent.model_copy(update={"max_lifetime": None})}
    )
    b = banner(consent_record=ConsentRecord(lifetime_days=9999))
    assert not [f for f in run(b, no_max) if f.rule == "banner.consent-lifetime"]


@pytest.mark.parametrize(
    ("reconsent", "fires"),
    [
        (Reconsent(revision=2, triggers=("revision",)), True),
        (Reconsent(revision=3, triggers=("revision",)), False),
        (Reconsent(revision=4, triggers=("revision",)), False),
        (Reconsent(revision=None, triggers=("revision",)), True),  # library default 0
        (Reconsent(revision=None, triggers=("new-service",)), False),  # Klaro: no revision
        (None, False),
    ],
)
def test_stale_revision(reconsent: Reconsent | None, fires: bool) -> None:
    found = [f for f in run(banner(reconsent=reconsent)) if f.rule == "banner.stale-revision"]
    assert bool(found) is fires


# --- rendering and properties -----------------------------------------------------------


def _every_kind_of_finding() -> list[Finding]:
    b = banner(
        mode="opt-out",
        implied_consent=(ImpliedConsent(trigger="scroll"),),
        blocks_page=True,
        languages=(
            LanguageLayer(lang="nb", buttons=(Button(role="accept_all"),)),
            LanguageLayer(
                lang="sv",
                buttons=(Button(role="accept_all"), Button(role="reject_all")),
                equal_weight=False,
            ),
        ),
        withdrawal=Withdrawal(),
        dynamic=(DynamicValue(path="/cookie/expiresAfterDays", kind="call"),),
        categories=(
            NECESSARY.model_copy(update={"cookies": (CookieRef(name="_gcl_au"),)}),
            Category(id="ads", kind="marketing", default_enabled=True),
        ),
        services=(
            Service(id="px", required=True, cookies=(CookieRef(name="_fbp"),)),
            Service(id="tt", tracker="tiktok-pixel", default_enabled=True),
        ),
        consent_mode=ConsentMode(
            defaults=(
                ConsentModeDefault(types=GRANT_ALL),
                ConsentModeDefault(region=("NO",), types={"ad_storage": "granted"}),
            ),
            tag_loads=(TagLoad(setting="gtag('config', 'G-1')"),),
        ),
        gtm_tags=(
            GtmTag(name="hs", type="html", tracker="hubspot"),
            GtmTag(name="tt", type="html", tracker="tiktok-pixel"),
        ),
        legitimate_interest=(
            LegitimateInterestClaim(kind="tcf-purpose", purpose=4),
            LegitimateInterestClaim(kind="service", subject="px"),
        ),
        consent_record=ConsentRecord(lifetime_days=800),
        reconsent=Reconsent(revision=1, triggers=("revision",)),
    )
    return run(b)


def test_every_rule_fires_on_the_worst_banner_and_renders() -> None:
    findings = _every_kind_of_finding()
    assert {f.rule for f in findings} == {r.id for r in BANNER_RULES}
    for found in findings:
        for lang in LANGUAGES:
            assert has_message(found.message.code, lang), found.message.code
            text = render(found.message, lang)
            assert "{" not in text, (found.message.code, lang, text)
        assert found.location is not None  # at least the file


@given(st.permutations(range(4)))
def test_findings_do_not_depend_on_service_order(order: list[int]) -> None:
    services = (
        Service(id="a", tracker="hubspot", category_ids=("necessary",)),
        Service(id="b", tracker="tiktok-pixel"),
        Service(id="c", default_enabled=True, tracker="hotjar"),
        Service(id="d", cookies=(CookieRef(name="_ga"),)),
    )
    base = banner(categories=(NECESSARY,), services=services)
    shuffled = base.model_copy(update={"services": tuple(services[i] for i in order)})
    key = lambda fs: sorted(f.model_dump_json() for f in fs)  # noqa: E731
    assert key(run(base)) == key(run(shuffled))


@given(st.lists(st.sampled_from(["US", "US-CA", "GB", "CH", "JP", "BR"]), min_size=1, unique=True))
def test_grants_outside_the_eea_never_add_findings(regions: list[str]) -> None:
    before = _cm(ConsentModeDefault(types=DENY_ALL))
    after = _cm(
        ConsentModeDefault(types=DENY_ALL),
        ConsentModeDefault(region=tuple(regions), types=GRANT_ALL),
    )
    assert _granted(before) == _granted(after) == []


# --- examples/banners -------------------------------------------------------------------

_EXAMPLE_FILES = sorted(p for p in EXAMPLES.rglob("*") if p.is_file() and p.suffix != ".md")
_RULE_OF_STEM = {"default-granted": "banner.consent-mode-default-granted"}


def test_there_is_an_example_of_each_format() -> None:
    formats = {read_banner(p.read_bytes(), source=p.name).source.format for p in _EXAMPLE_FILES}
    assert formats == {"cookieconsent", "klaro", "gtag", "gtm", "native"}
    suffixes = {p.suffix for p in _EXAMPLE_FILES}
    assert {".js", ".json", ".yaml"} <= suffixes


@pytest.mark.parametrize("path", _EXAMPLE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_examples_against_the_bundled_policy(path: Path) -> None:
    findings = judged(evaluate_banner(
        read_banner(path.read_bytes(), source=path.name), bundled_policy().at(AS_OF), AS_OF
    ))
    stem = path.name.split(".", 1)[0]
    if stem == "compliant":
        assert findings == [], [(f.rule, f.subject) for f in findings]
        return
    expected = _RULE_OF_STEM.get(stem, f"banner.{stem}")
    assert expected in ids(findings, Severity.ERROR) | ids(findings, Severity.WARNING)
    text = path.read_text("utf-8")
    assert "NON-COMPLIANT" in text and expected.removeprefix("banner.") in text


# --- more properties (issue 6: rules are tested for real) -------------------------------

_CATEGORY_POOL = (
    NECESSARY,
    Category(id="ads", kind="marketing", default_enabled=True),
    Category(id="stats", kind="analytics", cookies=(CookieRef(name="_gcl_au"),)),
    Category(id="prefs", kind="functional"),
)
_SERVICE_POOL = (
    Service(id="px", required=True, cookies=(CookieRef(name="_fbp"),)),
    Service(id="tt", tracker="tiktok-pixel", default_enabled=True),
    Service(id="hs", tracker="hubspot", category_ids=("necessary",)),
    Service(id="hj", default_enabled=True, tracker="hotjar"),
    Service(id="ga", cookies=(CookieRef(name="_ga"),), category_ids=("stats",)),
)
_TAG_POOL = (
    GtmTag(name="hs", type="html", tracker="hubspot"),
    GtmTag(name="tt", type="html", tracker="tiktok-pixel"),
    GtmTag(name="ga", type="html", tracker="google-analytics"),
)


def _subset(pool: tuple[Any, ...]) -> st.SearchStrategy[list[Any]]:
    return st.lists(st.sampled_from(pool), unique_by=id, max_size=len(pool))


@given(
    _subset(_CATEGORY_POOL),
    _subset(_SERVICE_POOL),
    _subset(_TAG_POOL),
    st.sampled_from(["opt-in", "opt-out"]),
    st.data(),
)
def test_findings_do_not_depend_on_category_service_or_tag_order(
    categories: list[Category],
    services: list[Service],
    tags: list[GtmTag],
    mode: str,
    data: st.DataObject,
) -> None:
    base = banner(
        mode=mode,
        categories=tuple(categories),
        services=tuple(services),
        gtm_tags=tuple(tags),
        languages=(EN_OK,),
    )
    shuffled = base.model_copy(
        update={
            "categories": tuple(data.draw(st.permutations(categories))),
            "services": tuple(data.draw(st.permutations(services))),
            "gtm_tags": tuple(data.draw(st.permutations(tags))),
        }
    )
    policy = _acme_once()
    key = lambda fs: sorted(f.model_dump_json() for f in fs)  # noqa: E731
    first = run(base, policy)
    assert key(first) == key(run(shuffled, policy))
    # Idempotent, and in the documented order whatever the input order.
    again = run(base, policy)
    assert [f.model_dump_json() for f in first] == [f.model_dump_json() for f in again]
    assert [f.sort_key() for f in first] == sorted(f.sort_key() for f in first)


# --- mutation testing of banner/rules.py (issue 6): the helpers ---------------------------
# Each test pins one helper's contract with hand-worked values; see docs/mutation-testing.md.


def _tracker(tracker_id: str, *cookies: CookieSpec, **fields: Any) -> Tracker:
    fields.setdefault("provider", "Acme AS")
    fields.setdefault("category", "analytics")
    fields.setdefault("purposes", ("analytics",))
    fields.setdefault("consent_required", True)
    return Tracker(id=tracker_id, cookies=cookies, **fields)


def _pattern(source: str) -> CookieRef:
    return CookieRef(pattern=CookiePattern(source=source))


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("metaPixel", "meta-pixel"),
        ("meta_pixel", "meta-pixel"),
        ("Meta Pixel", "meta-pixel"),
        ("  GA4Tag--v2 ", "ga4-tag-v2"),
        ("HubSpot", "hub-spot"),
        ("ABC", "abc"),  # no lower-case letter or digit before the capitals: one word
        ("--", ""),
    ],
)
def test_words_is_the_lower_case_word_sequence(text: str, words: str) -> None:
    assert _words(text) == words


def test_ids_match_as_word_sequences_only() -> None:
    widget = _tracker("acme-widget")
    assert _match_trackers((widget,), ids=("acmeWidget",)) == (widget,)
    assert _match_trackers((widget,), ids=("ACME_WIDGET",)) == (widget,)
    assert _match_trackers((widget,), ids=("acmewidget",)) == ()
    assert _match_trackers((widget,), ids=("",)) == ()


def test_a_read_only_or_a_necessary_category_is_a_necessary_home() -> None:
    locked = Category(id="locked", kind="functional", read_only=True, service_ids=("s",))
    essential = Category(id="essential", kind="necessary", service_ids=("s",))
    plain = Category(id="plain", kind="functional", service_ids=("s",))
    svc = Service(id="s", category_ids=("locked", "essential", "plain"))
    for home in (locked, essential):
        b = banner(categories=(plain, home), services=(svc,))
        assert _sits_in_necessary(b, svc) == home
        assert _claimed_necessary(b, svc)
    b = banner(categories=(plain,), services=(svc,))
    assert _sits_in_necessary(b, svc) is None
    assert not _claimed_necessary(b, svc)


def test_spec_samples_are_the_table_examples_a_pattern_finds() -> None:
    assert _spec_samples(CookieSpec(name="wid")) == ("wid",)
    samples = _spec_samples(CookieSpec(pattern="^_ga_[A-Z0-9]+$"))
    assert samples == ("_ga_ABC123DEF4",)
    hubspot = set(_spec_samples(CookieSpec(pattern="^__hs[st]")))
    assert hubspot == {"__hssc", "__hssrc", "__hstc"}


def test_spec_matches_a_name_by_name_or_pattern() -> None:
    assert _spec_matches_name(CookieSpec(name="_ga"), "_ga")
    assert not _spec_matches_name(CookieSpec(name="_ga"), "_gid")
    assert _spec_matches_name(CookieSpec(pattern="^_ga_"), "_ga_X1")
    assert not _spec_matches_name(CookieSpec(pattern="^_ga_"), "_gid")


def test_a_banner_pattern_covers_a_policy_pattern_through_the_table_examples() -> None:
    ga4 = _tracker("site-stats", CookieSpec(pattern="^_ga_[A-Z0-9]+$"))
    assert _ref_covers_spec(_pattern("^_ga_"), ga4.cookies[0])
    assert not _ref_covers_spec(_pattern("^_gid"), ga4.cookies[0])
    assert _match_trackers((ga4,), cookies=(_pattern("_ga_"),)) == (ga4,)
    assert _match_trackers((ga4,), cookies=(CookieRef(name="_ga_X1"),)) == (ga4,)
    assert _match_trackers((ga4,), cookies=(CookieRef(name="_gid"),)) == ()


def test_policy_identity_by_id_first_then_cookies_id_and_provider() -> None:
    # The id decides before the cookies (these are Google Analytics cookies).
    hotjar = _policy_identity(_tracker("hotjar", CookieSpec(name="_ga")))
    assert hotjar is not None and hotjar.id == "hotjar"
    by_cookie = _policy_identity(_tracker("site-stats", CookieSpec(name="_ga")))
    assert by_cookie is not None and by_cookie.id == "google-analytics"
    by_id_words = _policy_identity(_tracker("hotjar-heatmaps"))
    assert by_id_words is not None and by_id_words.id == "hotjar"
    by_provider = _policy_identity(_tracker("heatmaps", provider="Hotjar Ltd."))
    assert by_provider is not None and by_provider.id == "hotjar"
    assert _policy_identity(_tracker("heatmaps")) is None
    # A pattern cookie is no evidence here (only exact names are looked up).
    assert _policy_identity(_tracker("heatmaps", CookieSpec(pattern="^_ga"))) is None


def test_service_table_entry_explicit_then_cookies_id_and_label() -> None:
    explicit = Service(id="stats", tracker="hotjar", cookies=(CookieRef(name="_ga"),))
    assert _known_id(_service_known(explicit)) == "hotjar"
    assert _known_id(_service_known(Service(id="s", cookies=(CookieRef(name="_ga"),)))) == (
        "google-analytics"
    )
    assert _known_id(_service_known(Service(id="hotjar"))) == "hotjar"
    assert _known_id(_service_known(Service(id="s", label="Hotjar heatmaps"))) == "hotjar"
    assert _service_known(Service(id="s", tracker="not-in-the-table")) is None


def _known_id(known: KnownTracker | None) -> str | None:
    return known.id if known is not None else None


def test_service_identity_by_table_entry_id_or_cookie() -> None:
    widget = _tracker("acme-widget", CookieSpec(name="wid"))
    ident = _service_identity(Service(id="s", tracker="hotjar"), (widget,))
    assert _known_id(ident.known) == "hotjar" and ident.policy == ()
    assert _service_identity(Service(id="acmeWidget"), (widget,)).policy == (widget,)
    by_cookie = Service(id="s", cookies=(CookieRef(name="wid"),))
    assert _service_identity(by_cookie, (widget,)).policy == (widget,)
    hotjar = _tracker("heatmaps", provider="Hotjar Ltd.")
    assert _service_identity(Service(id="s", tracker="hotjar"), (hotjar,)).policy == (hotjar,)


def test_cookie_identity_prefers_a_tracker_that_needs_consent() -> None:
    # The pattern covers a session cookie and _ga; the session entry comes first in the table.
    broad = _cookie_identity(_pattern("^(PHPSESSID|_ga)$"), ())
    assert _known_id(broad.known) == "google-analytics"
    session = _cookie_identity(CookieRef(name="PHPSESSID"), ())
    assert _known_id(session.known) == "session"
    assert _cookie_identity(CookieRef(name="no-such-cookie"), ()).known is None
    widget = _tracker("acme-widget", CookieSpec(name="wid"))
    assert _cookie_identity(CookieRef(name="wid"), (widget,)).policy == (widget,)


def test_tag_identity_without_a_table_entry_is_empty() -> None:
    widget = _tracker("acme-widget")
    for tracker in (None, "", "not-in-the-table"):
        ident = _tag_identity(GtmTag(name="t", type="html", tracker=tracker), (widget,))
        assert (ident.known, ident.policy) == (None, ())
    hotjar = _tracker("heatmaps", provider="Hotjar Ltd.")
    ident = _tag_identity(GtmTag(name="t", type="html", tracker="hotjar"), (widget, hotjar))
    assert (_known_id(ident.known), ident.policy) == ("hotjar", (hotjar,))


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (CookieRef(name="_ga"), CookieRef(name="_ga"), True),
        (CookieRef(name="_ga"), CookieRef(name="_gid"), False),
        (_pattern("^_ga"), _pattern("^_ga"), True),
        (_pattern("^_ga"), _pattern("^_gid"), False),
        (_pattern("^_ga"), CookieRef(name="_ga_X1"), True),
        (_pattern("^_ga"), CookieRef(name="_gid"), False),
        (CookieRef(name="_ga_X1"), _pattern("^_ga"), True),
        (CookieRef(name="_gid"), _pattern("^_ga"), False),
        (CookieRef(), CookieRef(name="_ga"), False),
        (CookieRef(name="_ga"), CookieRef(), False),
        (CookieRef(), CookieRef(), False),
        (CookieRef(), _pattern("^_ga"), False),
    ],
)
def test_same_ref(a: CookieRef, b: CookieRef, same: bool) -> None:
    assert _same_ref(a, b) is same


ACCEPT_OR_SAVE = LanguageLayer(
    lang="en", buttons=(Button(role="accept_all"), Button(role="accept_selected"))
)


@pytest.mark.parametrize(
    ("categories", "services", "walled"),
    [
        # Saving the toggles refuses when nothing refusable is on by default.
        ((Category(id="stats", kind="analytics"),), (), False),
        ((NECESSARY,), (), False),
        ((Category(id="ads", kind="marketing", default_enabled=True, read_only=True),), (), False),
        ((Category(id="ads", kind="marketing", default_enabled=True),), (), True),
        ((), (Service(id="hj", tracker="hotjar"),), False),
        ((), (Service(id="sess", required=True, default_enabled=True),), False),
        (
            (NECESSARY.model_copy(update={"service_ids": ("cf",)}),),
            (Service(id="cf", default_enabled=True, category_ids=("necessary",)),),
            False,
        ),
        ((), (Service(id="hj", tracker="hotjar", default_enabled=True),), True),
    ],
)
def test_saving_the_toggles_is_a_way_out_when_nothing_is_preselected(
    categories: tuple[Category, ...], services: tuple[Service, ...], walled: bool
) -> None:
    b = banner(
        blocks_page=True, languages=(ACCEPT_OR_SAVE,), categories=categories, services=services
    )
    assert _can_refuse(b, ACCEPT_OR_SAVE) is not walled
    assert any(f.rule == "banner.cookie-wall" for f in run(b)) is walled


@pytest.mark.parametrize(
    ("day", "years", "months", "days", "expected"),
    [
        (dt.date(2024, 2, 29), 1, 0, 0, dt.date(2025, 2, 28)),
        (dt.date(2026, 1, 31), 0, 1, 0, dt.date(2026, 2, 28)),
        (dt.date(2026, 1, 15), 0, 1, 10, dt.date(2026, 2, 25)),
        (dt.date(2026, 1, 15), 2, 0, 1, dt.date(2028, 1, 16)),
    ],
)
def test_add_calendar_years_months_then_days(
    day: dt.date, years: int, months: int, days: int, expected: dt.date
) -> None:
    assert _add(day, years, months, days) == expected


# --- mutation testing of banner/rules.py (issue 6): what each finding says -----------------


def _at(line: int) -> Location:
    return Location(file="b.yaml", line=line, column=1)


def _early_banner(mode: str) -> Banner:
    return banner(
        mode=mode,
        mode_location=_at(2),
        location=_at(1),
        categories=(
            # runs early because px does: px is reported, not the category
            Category(
                id="ads",
                kind="marketing",
                runs_before_consent=True,
                service_ids=("px",),
                location=_at(3),
            ),
            # ga does not run early, so the category itself does
            Category(
                id="stats",
                kind="analytics",
                runs_before_consent=True,
                service_ids=("ga",),
                location=_at(5),
                default_enabled_location=_at(6),
            ),
            # a member the banner does not define runs nothing
            Category(
                id="prefs",
                kind="functional",
                runs_before_consent=True,
                service_ids=("ghost",),
                location=_at(7),
            ),
        ),
        services=(
            Service(
                id="px",
                category_ids=("ads",),
                runs_before_consent=True,
                location=_at(10),
                default_enabled_location=_at(11),
            ),
            Service(id="ga", category_ids=("stats",), location=_at(13)),
            Service(id="hj", runs_before_consent=True, location=_at(12)),
        ),
        languages=(EN_OK,),
    )


def test_opt_out_mode_names_each_element_that_runs_before_consent() -> None:
    found = [f for f in run(_early_banner("opt-in")) if f.rule == "banner.opt-out-mode"]
    assert sorted(
        (f.subject, f.location, f.message.code, f.message.values, f.evidence) for f in found
    ) == [
        (
            "category:prefs",
            _at(7),
            "banner.opt-out-mode.category",
            {"category": "prefs"},
            {"mode": "opt-in", "category": "prefs", "runs_before_consent": True},
        ),
        (
            "category:stats",
            _at(6),
            "banner.opt-out-mode.category",
            {"category": "stats"},
            {"mode": "opt-in", "category": "stats", "runs_before_consent": True},
        ),
        (
            "service:hj",
            _at(12),
            "banner.opt-out-mode.service",
            {"service": "hj"},
            {"mode": "opt-in", "service": "hj", "runs_before_consent": True},
        ),
        (
            "service:px",
            _at(11),
            "banner.opt-out-mode.service",
            {"service": "px"},
            {"mode": "opt-in", "service": "px", "runs_before_consent": True},
        ),
    ]


def test_opt_out_mode_is_one_finding_on_the_mode() -> None:
    (found,) = [f for f in run(_early_banner("opt-out")) if f.rule == "banner.opt-out-mode"]
    assert (found.subject, found.location, found.message.code) == (
        "banner",
        _at(2),
        "banner.opt-out-mode",
    )
    assert found.evidence == {
        "mode": "opt-out",
        "runs_before_consent": ["category:stats", "category:prefs", "service:px", "service:hj"],
    }


def _worst_located_banner() -> Banner:
    """The worst banner of ``_every_kind_of_finding`` with a distinct line on every element."""
    return banner(
        location=_at(1),
        mode="opt-out",
        mode_location=_at(2),
        blocks_page=True,
        blocks_page_location=_at(3),
        implied_consent=(ImpliedConsent(trigger="scroll", location=_at(4)),),
        languages=(
            LanguageLayer(
                lang="nb", buttons=(Button(role="accept_all", location=_at(6)),), location=_at(5)
            ),
            LanguageLayer(
                lang="sv",
                buttons=(Button(role="accept_all"), Button(role="reject_all")),
                equal_weight=False,
                equal_weight_location=_at(8),
                location=_at(7),
            ),
            LanguageLayer(lang="da", buttons=(Button(role="accept_all", location=_at(9)),)),
        ),
        categories=(
            NECESSARY.model_copy(
                update={
                    "cookies": (CookieRef(name="_gcl_au", location=_at(11)),),
                    "location": _at(10),
                }
            ),
            Category(
                id="ads",
                kind="marketing",
                default_enabled=True,
                location=_at(12),
                default_enabled_location=_at(13),
            ),
        ),
        services=(
            Service(id="px", required=True, cookies=(CookieRef(name="_fbp"),), location=_at(14)),
            Service(
                id="tt",
                tracker="tiktok-pixel",
                default_enabled=True,
                category_ids=("other",),
                location=_at(15),
                default_enabled_location=_at(16),
            ),
        ),
        consent_mode=ConsentMode(
            defaults=(
                ConsentModeDefault(
                    types=GRANT_ALL, type_locations={"ad_storage": _at(18)}, location=_at(17)
                ),
                ConsentModeDefault(
                    region=("NO",), types={"ad_storage": "granted"}, location=_at(19)
                ),
            )
        ),
        gtm_tags=(
            GtmTag(name="hs", type="html", tracker="hubspot", location=_at(20)),
            GtmTag(name="tt", type="html", tracker="tiktok-pixel", location=_at(21)),
        ),
        legitimate_interest=(
            LegitimateInterestClaim(kind="tcf-purpose", purpose=4, location=_at(22)),
            LegitimateInterestClaim(kind="service", subject="px", location=_at(23)),
        ),
        consent_record=ConsentRecord(lifetime_days=800, location=_at(24)),
        reconsent=Reconsent(revision=1, triggers=("revision",), location=_at(25)),
    )


def test_every_finding_of_the_worst_banner_says_and_locates_what_it_judged() -> None:
    # Hand-checked against the banner above: each finding at its element's own line (a
    # default-enabled line before the element's, the equal-weight line of a layer that has a
    # reject, the accept button of a layer without a line, the banner for the inventory).
    eea = sorted(EEA_COUNTRIES)
    eea_but_no = sorted(EEA_COUNTRIES - {"NO"})  # NO has its own ad_storage grant
    version = _acme_once().version
    expected = [
        (
            "banner.undeclared-tracker",
            "tracker:google-analytics-4",
            1,
            "banner.undeclared-tracker",
            {"tracker": "google-analytics-4", "provider": "Google Ireland Ltd."},
            {
                "tracker": "google-analytics-4",
                "provider": "Google Ireland Ltd.",
                "category": "analytics",
                "cookies": ["_ga", "^_ga_[A-Z0-9]+$"],
                "banner_services": ["px", "tt"],
            },
        ),
        (
            "banner.undeclared-tracker",
            "tracker:google-tag-manager",
            1,
            "banner.undeclared-tracker",
            {"tracker": "google-tag-manager", "provider": "Google Ireland Ltd."},
            {
                "tracker": "google-tag-manager",
                "provider": "Google Ireland Ltd.",
                "category": "analytics",
                "cookies": [],
                "banner_services": ["px", "tt"],
            },
        ),
        (
            "banner.undeclared-tracker",
            "tracker:hubspot",
            1,
            "banner.undeclared-tracker",
            {"tracker": "hubspot", "provider": "HubSpot Inc."},
            {
                "tracker": "hubspot",
                "provider": "HubSpot Inc.",
                "category": "marketing",
                "cookies": ["hubspotutk", "__hstc", "__hssc", "__hssrc"],
                "banner_services": ["px", "tt"],
            },
        ),
        (
            "banner.undeclared-tracker",
            "tracker:linkedin-insight-tag",
            1,
            "banner.undeclared-tracker",
            {"tracker": "linkedin-insight-tag", "provider": "LinkedIn Ireland Unlimited Company"},
            {
                "tracker": "linkedin-insight-tag",
                "provider": "LinkedIn Ireland Unlimited Company",
                "category": "marketing",
                "cookies": ["li_sugr", "bcookie", "lidc", "UserMatchHistory"],
                "banner_services": ["px", "tt"],
            },
        ),
        (
            "banner.opt-out-mode",
            "banner",
            2,
            "banner.opt-out-mode",
            {},
            {"mode": "opt-out", "runs_before_consent": []},
        ),
        (
            "banner.cookie-wall",
            "banner",
            3,
            "banner.cookie-wall",
            {"languages": ["nb", "da"]},
            {"blocks_page": True, "languages": ["nb", "da"]},
        ),
        (
            "banner.implied-consent",
            "implied:scroll",
            4,
            "banner.implied-consent",
            {"trigger": "scroll"},
            {"trigger": "scroll"},
        ),
        (
            "banner.no-reject-first-layer",
            "lang:nb",
            5,
            "banner.no-reject-first-layer",
            {"lang": "nb"},
            {"lang": "nb", "buttons": ["accept_all"], "has_reject": False, "equal_weight": None},
        ),
        (
            "banner.reject-less-prominent",
            "lang:sv",
            8,
            "banner.reject-less-prominent",
            {"lang": "sv"},
            {"lang": "sv", "buttons": ["accept_all", "reject_all"], "equal_weight": False},
        ),
        (
            "banner.no-reject-first-layer",
            "lang:da",
            9,
            "banner.no-reject-first-layer",
            {"lang": "da"},
            {"lang": "da", "buttons": ["accept_all"], "has_reject": False, "equal_weight": None},
        ),
        (
            "banner.tracker-in-necessary",
            "category:necessary",
            11,
            "banner.tracker-in-necessary.cookie",
            {"cookie": "_gcl_au", "tracker": "google-ads", "category": "necessary"},
            {
                "category": "necessary",
                "cookie": "_gcl_au",
                "tracker": "google-ads",
                "vendor": "Google Ireland Ltd.",
                "policy_trackers": [],
            },
        ),
        (
            "banner.unknown-tracker",
            "cookie:_gcl_au",
            11,
            "banner.unknown-tracker.cookie",
            {"cookie": "_gcl_au", "category": "necessary", "policy_version": version},
            {"category": "necessary", "cookie": "_gcl_au", "tracker": "google-ads"},
        ),
        (
            "banner.preselected",
            "category:ads",
            13,
            "banner.preselected",
            {"category": "ads"},
            {"category": "ads", "kind": "marketing", "default_enabled": True},
        ),
        (
            "banner.tracker-in-necessary",
            "service:px",
            14,
            "banner.tracker-in-necessary.required",
            {"service": "px", "tracker": "meta-pixel"},
            {
                "service": "px",
                "tracker": "meta-pixel",
                "vendor": "Meta Platforms Ireland Ltd.",
                "table_category": "marketing",
                "policy_trackers": ["meta-pixel"],
                "category": None,
                "required": True,
            },
        ),
        (
            "banner.unknown-tracker",
            "service:tt",
            15,
            "banner.unknown-tracker",
            {"service": "tt", "policy_version": version},
            {
                "service": "tt",
                "tracker": "tiktok-pixel",
                "vendor": "TikTok Technology Ltd.",
                "cookies": [],
            },
        ),
        (
            "banner.preselected",
            "service:tt",
            16,
            "banner.preselected.service",
            {"service": "tt"},
            {"service": "tt", "categories": ["other"], "default_enabled": True},
        ),
        (
            "banner.consent-mode-default-granted",
            "consent-mode:ad_personalization",
            17,
            "banner.consent-mode-default-granted.everywhere",
            {"type": "ad_personalization"},
            {
                "type": "ad_personalization",
                "state": "granted",
                "default_index": 0,
                "region": None,
                "affected": eea,
            },
        ),
        (
            "banner.consent-mode-default-granted",
            "consent-mode:ad_user_data",
            17,
            "banner.consent-mode-default-granted.everywhere",
            {"type": "ad_user_data"},
            {
                "type": "ad_user_data",
                "state": "granted",
                "default_index": 0,
                "region": None,
                "affected": eea,
            },
        ),
        (
            "banner.consent-mode-default-granted",
            "consent-mode:analytics_storage",
            17,
            "banner.consent-mode-default-granted.everywhere",
            {"type": "analytics_storage"},
            {
                "type": "analytics_storage",
                "state": "granted",
                "default_index": 0,
                "region": None,
                "affected": eea,
            },
        ),
        (
            "banner.consent-mode-default-granted",
            "consent-mode:ad_storage",
            18,
            "banner.consent-mode-default-granted.everywhere",
            {"type": "ad_storage"},
            {
                "type": "ad_storage",
                "state": "granted",
                "default_index": 0,
                "region": None,
                "affected": eea_but_no,
            },
        ),
        (
            "banner.consent-mode-default-granted",
            "consent-mode:ad_storage",
            19,
            "banner.consent-mode-default-granted",
            {"type": "ad_storage", "regions": ["NO"]},
            {
                "type": "ad_storage",
                "state": "granted",
                "default_index": 1,
                "region": ["NO"],
                "affected": ["NO"],
            },
        ),
        (
            "banner.tag-not-consent-gated",
            "tag:hs",
            20,
            "banner.tag-not-consent-gated",
            {"tag": "hs", "tracker": "hubspot", "status": "NOT_SET"},
            {
                "tag": "hs",
                "type": "html",
                "consent_status": "NOT_SET",
                "built_in_consent_check": False,
                "tracker": "hubspot",
                "policy_trackers": ["hubspot"],
            },
        ),
        (
            "banner.tag-not-consent-gated",
            "tag:tt",
            21,
            "banner.tag-not-consent-gated",
            {"tag": "tt", "tracker": "tiktok-pixel", "status": "NOT_SET"},
            {
                "tag": "tt",
                "type": "html",
                "consent_status": "NOT_SET",
                "built_in_consent_check": False,
                "tracker": "tiktok-pixel",
                "policy_trackers": [],
            },
        ),
        (
            "banner.unknown-tracker",
            "tag:tt",
            21,
            "banner.unknown-tracker.tag",
            {"tag": "tt", "tracker": "tiktok-pixel", "policy_version": version},
            {"tag": "tt", "type": "html", "tracker": "tiktok-pixel"},
        ),
        (
            "banner.legitimate-interest",
            "tcf-purpose:4",
            22,
            "banner.legitimate-interest",
            {"purpose": 4},
            {"kind": "tcf-purpose", "purpose": 4},
        ),
        (
            "banner.legitimate-interest",
            "service:px",
            23,
            "banner.legitimate-interest.cookies",
            {"subject": "px"},
            {"kind": "service", "subject": "px"},
        ),
        (
            "banner.consent-lifetime",
            "consent-record",
            24,
            "banner.consent-lifetime",
            {
                "days": 800,
                "max": "P13M",
                "given": dt.date(2026, 1, 15),
                "expires": dt.date(2028, 3, 25),
                "allowed_until": dt.date(2027, 2, 15),
            },
            {
                "lifetime_days": 800,
                "library_default": False,
                "max_lifetime": "P13M",
                "given": dt.date(2026, 1, 15),
                "expires": dt.date(2028, 3, 25),
                "allowed_until": dt.date(2027, 2, 15),
            },
        ),
        (
            "banner.stale-revision",
            "revision",
            25,
            "banner.stale-revision",
            {"revision": 1, "required": 3, "policy_version": version},
            {"revision": 1, "revision_set": True, "required": 3, "policy_version": version},
        ),
    ]
    found = [
        (f.rule, f.subject, f.location, f.message.code, f.message.values, f.evidence)
        for f in run(_worst_located_banner())
    ]
    assert found == [(r, s, _at(line), c, v, e) for r, s, line, c, v, e in expected]


def _necessary_home_banner() -> Banner:
    return banner(
        location=_at(1),
        categories=(
            # not a necessary place: its loose tracker cookie is not this rule's business
            Category(id="prefs", kind="functional", cookies=(CookieRef(name="_gcl_au"),)),
            Category(
                id="locked",
                kind="functional",
                read_only=True,
                service_ids=("sess", "ga"),
                cookies=(
                    CookieRef(name="JSESSIONID", location=_at(30)),  # needs no consent
                    CookieRef(name="_gcl_au"),  # no line of its own: the category's
                ),
                location=_at(29),
            ),
        ),
        services=(
            Service(id="plain", cookies=(CookieRef(name="_fbp"),), location=_at(33)),
            Service(
                id="sess",
                category_ids=("locked",),
                cookies=(CookieRef(name="PHPSESSID"),),
                location=_at(34),
            ),
            Service(
                id="ga",
                category_ids=("locked",),
                cookies=(CookieRef(name="_ga"),),
                location=_at(32),
            ),
        ),
    )


def test_tracker_in_a_read_only_category_says_which_tracker_and_where() -> None:
    found = [f for f in run(_necessary_home_banner()) if f.rule == "banner.tracker-in-necessary"]
    assert [
        (f.subject, f.location, f.message.code, f.message.values, f.evidence) for f in found
    ] == [
        (
            "category:locked",
            _at(29),
            "banner.tracker-in-necessary.cookie",
            {"cookie": "_gcl_au", "tracker": "google-ads", "category": "locked"},
            {
                "category": "locked",
                "cookie": "_gcl_au",
                "tracker": "google-ads",
                "vendor": "Google Ireland Ltd.",
                "policy_trackers": [],
            },
        ),
        (
            "service:ga",
            _at(32),
            "banner.tracker-in-necessary",
            {"service": "ga", "tracker": "google-analytics-4", "category": "locked"},
            {
                "service": "ga",
                "tracker": "google-analytics-4",
                "vendor": "Google Ireland Ltd.",
                "table_category": "analytics",
                "policy_trackers": ["google-analytics-4"],
                "category": "locked",
                "required": False,
            },
        ),
    ]


def test_a_service_is_preselected_on_its_own_after_one_that_is_not() -> None:
    ads = Category(
        id="ads", kind="marketing", default_enabled=True, service_ids=("px",), location=_at(41)
    )
    services = (
        Service(id="px", category_ids=("ads",), default_enabled=True),  # its category is reported
        Service(id="sess", required=True, default_enabled=True),  # claimed necessary
        Service(id="off"),
        Service(id="hj", tracker="hotjar", default_enabled=True, location=_at(40)),
    )
    found = [
        (f.subject, f.location)
        for f in run(banner(location=_at(1), categories=(ads,), services=services))
        if f.rule == "banner.preselected"
    ]
    assert found == [("service:hj", _at(40)), ("category:ads", _at(41))]


def test_unknown_trackers_after_declared_ones_are_each_reported() -> None:
    b = banner(
        location=_at(1),
        categories=(
            Category(
                id="stats",
                kind="analytics",
                cookies=(
                    CookieRef(name="_ga"),  # google-analytics-4 of the policy
                    CookieRef(name="_gcl_au"),  # no line of its own: the category's
                    CookieRef(name="zz_visit", location=_at(51)),
                ),
                location=_at(50),
            ),
        ),
        services=(
            Service(id="ga", cookies=(CookieRef(name="_ga"),), location=_at(53)),
            Service(id="mystery", cookies=(CookieRef(name="zz_id"),), location=_at(52)),
        ),
    )
    found = [f for f in run(b) if f.rule == "banner.unknown-tracker"]
    version = _acme_once().version
    assert [
        (f.subject, f.location, f.message.code, f.message.values, f.evidence) for f in found
    ] == [
        (
            "cookie:_gcl_au",
            _at(50),
            "banner.unknown-tracker.cookie",
            {"cookie": "_gcl_au", "category": "stats", "policy_version": version},
            {"category": "stats", "cookie": "_gcl_au", "tracker": "google-ads"},
        ),
        (
            "cookie:zz_visit",
            _at(51),
            "banner.unknown-tracker.cookie",
            {"cookie": "zz_visit", "category": "stats", "policy_version": version},
            {"category": "stats", "cookie": "zz_visit", "tracker": None},
        ),
        (
            "service:mystery",
            _at(52),
            "banner.unknown-tracker",
            {"service": "mystery", "policy_version": version},
            {"service": "mystery", "tracker": None, "vendor": None, "cookies": ["zz_id"]},
        ),
    ]


def test_legitimate_interest_claims_after_allowed_ones_are_reported() -> None:
    claims = (
        LegitimateInterestClaim(kind="tcf-purpose", purpose=2),  # may stand on it
        LegitimateInterestClaim(kind="tcf-purpose", purpose=5, location=_at(60)),
        LegitimateInterestClaim(kind="category", location=_at(61)),  # no subject given
    )
    found = [
        (f.subject, f.location, f.message.code, f.message.values, f.evidence)
        for f in run(banner(location=_at(1), legitimate_interest=claims))
        if f.rule == "banner.legitimate-interest"
    ]
    assert found == [
        (
            "tcf-purpose:5",
            _at(60),
            "banner.legitimate-interest",
            {"purpose": 5},
            {"kind": "tcf-purpose", "purpose": 5},
        ),
        (
            "category:-",
            _at(61),
            "banner.legitimate-interest.cookies",
            {"subject": "-"},
            {"kind": "category", "subject": "-"},
        ),
    ]


def test_an_ungated_tag_after_exempt_tags_is_reported() -> None:
    b = _tag(name="paused", tracker="hubspot", paused=True).model_copy(
        update={
            "gtm_tags": (
                GtmTag(name="paused", type="html", tracker="hubspot", paused=True),
                GtmTag(name="cf", type="html", tracker="cloudflare"),  # needs no consent
                GtmTag(name="hs", type="html", tracker="hubspot", location=_at(62)),
            )
        }
    )
    found = [
        (f.subject, f.location, f.message.values)
        for f in run(b)
        if f.rule == "banner.tag-not-consent-gated"
    ]
    assert found == [("tag:hs", _at(62), {"tag": "hs", "tracker": "hubspot", "status": "NOT_SET"})]
    # Cloudflare is not in the policy, but a necessary tracker is not worth a warning.
    assert [f.subject for f in run(b) if f.rule == "banner.unknown-tracker"] == []


def _with_max_lifetime(text: str) -> PolicyVersion:
    policy = _acme_once()
    consent = policy.consent.model_copy(update={"max_lifetime": Duration.parse(text)})
    return policy.model_copy(update={"consent": consent})


def _lifetime_findings(days: float, policy: PolicyVersion | None = None) -> list[Finding]:
    record = ConsentRecord(lifetime_days=days, lifetime_is_default=True, location=_at(70))
    b = banner(location=_at(1), consent_record=record)
    return [f for f in run(b, policy) if f.rule == "banner.consent-lifetime"]


@pytest.mark.parametrize(
    ("maximum", "allowed_days", "allowed_until"),
    [
        ("P1Y", 365, dt.date(2027, 1, 15)),
        ("P1W3D", 10, dt.date(2026, 1, 25)),
        ("PT23H59M59S", 0, AS_OF),  # less than a whole day adds no day
        ("P1DT24H", 2, dt.date(2026, 1, 17)),  # 24 hours are a day
        ("PT1439M60S", 1, dt.date(2026, 1, 16)),  # and so are 86 400 seconds
    ],
)
def test_consent_lifetime_maximum_in_any_unit(
    maximum: str, allowed_days: int, allowed_until: dt.date
) -> None:
    policy = _with_max_lifetime(maximum)
    assert _lifetime_findings(allowed_days, policy) == []
    (found,) = _lifetime_findings(allowed_days + 1, policy)
    expires = AS_OF + dt.timedelta(days=allowed_days + 1)
    assert (found.subject, found.location) == ("consent-record", _at(70))
    assert found.evidence == {
        "lifetime_days": allowed_days + 1,
        "library_default": True,
        "max_lifetime": maximum,
        "given": AS_OF,
        "expires": expires,
        "allowed_until": allowed_until,
    }
    assert found.message.values == {
        "days": allowed_days + 1,
        "max": maximum,
        "given": AS_OF,
        "expires": expires,
        "allowed_until": allowed_until,
    }


def test_consent_lifetime_beyond_the_calendar_expires_never() -> None:
    last = (dt.date.max - AS_OF).days  # expires on the last day a date can hold
    assert [f.evidence["expires"] for f in _lifetime_findings(last)] == [dt.date.max]
    # 10**400 is an int no float can hold: compared as an int, never converted (was an OverflowError)
    for days in (last + 1, 1e20, float("inf"), 10**400):
        assert [f.evidence["expires"] for f in _lifetime_findings(days)] == [None]
    assert [f.evidence["expires"] for f in _lifetime_findings(float("nan"))] == [None]
    # a choice kept for no time: never too long, and -10**400 days is no OverflowError
    # (a fuzzed native config found it)
    for days in (0, -1, -1e20, -(10**400)):
        assert _lifetime_findings(days) == []


def test_config_changed_after_its_literal_is_a_not_judged_note() -> None:
    text = "var klaroConfig = {services: []};\nklaroConfig.default = true;\n"
    found = [f for f in run(read_banner(text, source="klaro-config.js"))
             if f.rule == "banner.not-judged"]
    assert [(f.subject, f.severity, f.message.code) for f in found] == [
        ("modified-after-literal:klaroConfig.default", Severity.NOTE,
         "banner.not-judged.modified-after-literal")]


def test_consent_lifetime_of_a_record_that_never_expires() -> None:
    record = ConsentRecord(name="klaro", storage="localStorage", lifetime_days=float("inf"),
                           location=_at(9))
    [found] = [f for f in run(banner(consent_record=record)) if f.rule == "banner.consent-lifetime"]
    assert (found.severity, found.location, found.message.code) == (
        Severity.WARNING, _at(9), "banner.consent-lifetime.unbounded")
    assert found.message.values["storage"] == "localStorage"
    assert found.evidence["expires"] is None
    # read from Klaro: storageMethod 'localStorage' ignores cookieExpiresAfterDays
    klaro = read_banner(
        "var klaroConfig = {storageMethod: 'localStorage', cookieExpiresAfterDays: 30,"
        " services: []};", source="klaro-config.js")
    assert [f.message.code for f in run(klaro) if f.rule == "banner.consent-lifetime"] == [
        "banner.consent-lifetime.unbounded"]


def test_cookie_wall_without_any_shown_layer() -> None:
    hidden = LanguageLayer(lang="en", shown=False, buttons=(Button(role="accept_all"),))
    b = banner(location=_at(1), blocks_page=True, blocks_page_location=_at(80), languages=(hidden,))
    found = [
        (f.subject, f.location, f.message.code, f.message.values, f.evidence)
        for f in run(b)
        if f.rule == "banner.cookie-wall"
    ]
    assert found == [
        (
            "banner",
            _at(80),
            "banner.cookie-wall.no-layer",
            {},
            {"blocks_page": True, "languages": []},
        )
    ]


def test_a_set_revision_is_judged_whatever_the_triggers() -> None:
    stale = Reconsent(revision=2, triggers=(), location=_at(90))
    found = [
        (f.subject, f.location, f.message.values)
        for f in run(banner(location=_at(1), reconsent=stale))
        if f.rule == "banner.stale-revision"
    ]
    version = _acme_once().version
    assert found == [
        ("revision", _at(90), {"revision": 2, "required": 3, "policy_version": version})
    ]


def test_reject_missing_is_located_on_the_layer_whatever_its_equal_weight_line() -> None:
    # An equal-weight setting is only the culprit when there is a reject to weigh.
    layer = LanguageLayer(
        lang="nb",
        buttons=(Button(role="accept_all", location=_at(6)),),
        equal_weight=True,
        equal_weight_location=_at(7),
        location=_at(5),
    )
    found = [
        (f.subject, f.location)
        for f in run(banner(location=_at(1), languages=(layer,)))
        if f.rule == "banner.no-reject-first-layer"
    ]
    assert found == [("lang:nb", _at(5))]


def test_tracker_in_necessary_known_only_to_the_policy() -> None:
    policy = _acme_once()
    widget = _tracker("acme-widget", CookieSpec(name="wid"), category="marketing")
    policy = policy.model_copy(update={"trackers": (*policy.trackers, widget)})
    svc = Service(id="w", category_ids=("necessary",), cookies=(CookieRef(name="wid"),))
    (found,) = [
        f
        for f in run(banner(categories=(NECESSARY,), services=(svc,)), policy)
        if f.rule == "banner.tracker-in-necessary"
    ]
    assert found.evidence == {
        "service": "w",
        "tracker": "acme-widget",
        "vendor": "Acme AS",
        "table_category": None,
        "policy_trackers": ["acme-widget"],
        "category": "necessary",
        "required": False,
    }


def test_an_unset_revision_is_the_library_default_zero() -> None:
    policy = _acme_once()
    first = policy.model_copy(
        update={"consent": policy.consent.model_copy(update={"banner_revision": 1})}
    )
    unset = banner(reconsent=Reconsent(revision=None, triggers=("revision",)))
    (found,) = [f for f in run(unset, first) if f.rule == "banner.stale-revision"]
    assert (found.evidence["revision"], found.evidence["required"]) == (0, 1)
    assert found.message.values["revision"] == 0


# --- issue 12 ---------------------------------------------------------------------------


_ROLES = ("accept_all", "reject_all", "close_rejects", "settings", "accept_selected")


@given(
    st.sets(st.sampled_from(_ROLES)),
    st.sampled_from([True, False, None]),
)
def test_a_missing_reject_and_a_less_prominent_one_are_different_findings(
    roles: set[str], equal_weight: bool | None
) -> None:
    layer = LanguageLayer(
        lang="sv",
        buttons=tuple(Button(role=r) for r in sorted(roles)),  # type: ignore[arg-type]
        equal_weight=equal_weight,
    )
    found = {f.rule for f in run(banner(languages=(layer,)))}
    has_accept = "accept_all" in roles
    has_reject = bool(roles & {"reject_all", "close_rejects"})
    assert ("banner.no-reject-first-layer" in found) is (has_accept and not has_reject)
    assert ("banner.reject-less-prominent" in found) is (
        has_accept and has_reject and equal_weight is False
    )


def test_withdrawal_finding_note_or_nothing() -> None:
    def withdrawal(b: Banner) -> list[tuple[str, Severity]]:
        return [(f.message.code, f.severity) for f in run(b) if f.rule == "banner.no-withdrawal"]

    assert withdrawal(banner(withdrawal=None)) == [
        ("banner.no-withdrawal.not-shown", Severity.NOTE)
    ]
    (note,) = [f for f in run(banner(withdrawal=None)) if f.rule == "banner.no-withdrawal"]
    assert (note.subject, note.evidence, note.message.values) == ("withdrawal", {"shown": False}, {})
    (err,) = [f for f in run(banner(withdrawal=Withdrawal(location=_at(9))))
              if f.rule == "banner.no-withdrawal"]
    assert (err.subject, err.location, err.evidence) == (
        "withdrawal", _at(9), {"shown": True, "reopen": []})
    assert withdrawal(banner(withdrawal=Withdrawal(location=_at(9)))) == [
        ("banner.no-withdrawal", Severity.ERROR)
    ]
    assert withdrawal(banner()) == []  # the helper's banner has a reopen link
    gtag = BannerSource(format="gtag", file="g.js")
    assert withdrawal(banner(source=gtag, withdrawal=None)) == []  # no banner to reopen


def test_consent_mode_advanced_needs_defaults_and_a_tag_loaded_early() -> None:
    load = TagLoad(setting="gtag('config', 'G-1')", location=_at(4))
    denied = ConsentModeDefault(types=DENY_ALL)

    def advanced(mode: ConsentMode) -> list[Finding]:
        return [f for f in run(banner(consent_mode=mode)) if f.rule == "banner.consent-mode-advanced"]

    (found,) = advanced(ConsentMode(defaults=(denied,), tag_loads=(load,)))
    assert (found.severity, found.location, found.message.values, found.evidence) == (
        Severity.WARNING, _at(4), {"setting": "gtag('config', 'G-1')"},
        {"setting": "gtag('config', 'G-1')"},
    )
    assert advanced(ConsentMode(defaults=(denied,))) == []
    assert advanced(ConsentMode(tag_loads=(load,))) == []


def test_what_was_not_judged_is_a_note_naming_it() -> None:
    b = banner(
        dynamic=(DynamicValue(path="/cookie/expiresAfterDays", kind="call", location=_at(3)),
                 # the whole configuration is a run-time value: its path is the root
                 DynamicValue(path="", kind="identifier", location=_at(1))),
        notes=(ReaderNote(kind="unknown-key", subject="regions", location=_at(5)),),
    )
    found = [
        (f.subject, f.severity, f.message.code, f.message.values, f.evidence, f.location)
        for f in run(b) if f.rule == "banner.not-judged"
    ]
    assert found == [
        ("dynamic:/", Severity.NOTE, "banner.not-judged",
         {"path": "/", "kind": "identifier"}, {"path": "/", "kind": "identifier"}, _at(1)),
        ("dynamic:/cookie/expiresAfterDays", Severity.NOTE, "banner.not-judged",
         {"path": "/cookie/expiresAfterDays", "kind": "call"},
         {"path": "/cookie/expiresAfterDays", "kind": "call"}, _at(3)),
        ("unknown-key:regions", Severity.NOTE, "banner.not-judged.unknown-key",
         {"subject": "regions"}, {"kind": "unknown-key", "subject": "regions"}, _at(5)),
    ]


def test_no_revision_set_is_its_own_message() -> None:
    unset = Reconsent(revision=0, revision_set=False, triggers=("revision",))
    (found,) = [f for f in run(banner(reconsent=unset)) if f.rule == "banner.stale-revision"]
    assert found.message.code == "banner.stale-revision.unset"
    assert "revision" not in found.message.values
    assert found.message.values == {"required": found.evidence["required"],
                                    "policy_version": found.evidence["policy_version"]}
    assert found.evidence["revision_set"] is False
    old = Reconsent(revision=0, triggers=("revision",))
    (found,) = [f for f in run(banner(reconsent=old)) if f.rule == "banner.stale-revision"]
    assert found.message.code == "banner.stale-revision"


def test_each_language_layer_is_judged_and_located_on_its_own() -> None:
    # a layer the rule passes over does not end the search, and a layer without the
    # switch's own location is located at the layer
    even = LanguageLayer(lang="nb", buttons=EN_OK.buttons, equal_weight=None, location=_at(3))
    lighter = LanguageLayer(lang="sv", buttons=EN_OK.buttons, equal_weight=False,
                            location=_at(7))
    switched = lighter.model_copy(update={"lang": "da", "equal_weight_location": _at(9)})
    hidden = lighter.model_copy(update={"lang": "en", "shown": False})
    found = [(f.subject, f.location)
             for f in run(banner(languages=(hidden, even, lighter, switched)))
             if f.rule == "banner.reject-less-prominent"]
    assert found == [("lang:sv", _at(7)), ("lang:da", _at(9))]


def test_unknown_tracker_names_the_cookie_or_the_service() -> None:
    b = banner(
        categories=(Category(id="analytics", kind="analytics", cookies=(CookieRef(name="_hjid"),)),),
        services=(Service(id="mystery", cookies=(CookieRef(name="zz"),)),),
    )
    subjects = {f.subject for f in run(b) if f.rule == "banner.unknown-tracker"}
    assert subjects == {"cookie:_hjid", "service:mystery"}


def test_cookie_rules_cite_the_national_rules_beside_the_directive() -> None:
    for the_rule in BANNER_RULES:
        cited = {str(r) for r in the_rule.legal}
        if "ePrivacy Directive Art. 5(3)" in cited:
            assert {"NO Ekomloven § 3-15", "SE LEK 9 kap. 28 §"} <= cited, the_rule.id


def test_klaro_lifetime_zero_is_judged_as_the_default_of_120_days() -> None:
    text = (DATA / KLARO_JS).read_text("utf-8").replace(
        "cookieExpiresAfterDays: 180", "cookieExpiresAfterDays: 0", 1
    )
    found = [
        f for f in evaluate_banner(read(KLARO_JS, text), _with_max_lifetime("P3M"), AS_OF)
        if f.rule == "banner.consent-lifetime"
    ]
    assert [f.evidence["lifetime_days"] for f in found] == [120]
    assert found[0].evidence["library_default"] is True


def test_coverage_does_not_cite_a_policy_lint_rule_as_a_banner_check() -> None:
    from gdpr_policy._catalog import coverage_markdown

    rows = {
        line.split("|")[1].strip(): line
        for line in coverage_markdown(bundled_policy()).splitlines()
        if line.startswith("| S")
    }
    for clause in ("S04", "S35"):
        rules = rows[clause].split("|")[4]
        assert "banner check: " in rules and "`banner.no-withdrawal`" in rules
        banner_part, _, lint_part = rules.partition("; policy lint (the policy file only): ")
        assert "policy." not in banner_part
        assert "`policy.consent-without-withdrawal`" in lint_part


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["/mode", "/cookie/expiresAfterDays", "/categories/x", "/"]),
            st.sampled_from(["call", "identifier", "function", "spread"]),
        ),
        max_size=6,
        unique=True,
    )
)
def test_every_run_time_value_is_one_note_never_silence(values: list[tuple[str, str]]) -> None:
    dynamic = tuple(DynamicValue(path=p, kind=k) for p, k in values)
    notes = [f for f in run(banner(dynamic=dynamic)) if f.rule == "banner.not-judged"]
    assert sorted((f.evidence["path"], f.evidence["kind"]) for f in notes) == sorted(
        (p or "/", k) for p, k in values
    )
    assert all(f.severity is Severity.NOTE for f in notes)
