"""A bundled table of well-known tracker cookies, and matching names against it.

The table says which vendor sets a cookie and what it is for, so that a
banner service or a GTM tag can be recognised as (for example) Google
Analytics even when the configuration names it ``stats1``. Sources: the
vendors' own cookie documentation (Google Analytics "Google Analytics cookie
usage on websites"; HubSpot "Cookies set in a HubSpot user's browser";
LinkedIn "LinkedIn Cookie Table"; Meta "Cookies policy"; Microsoft
Advertising UET and Clarity documentation; Hotjar "Cookies and storage"),
cross-checked with the tarteaucitron.js service catalogue and the research
report ``banner-formats.md`` section 5.2. Durations are left out: they change
and the rules do not need them.

Matching: an exact name wins over a pattern; among patterns the first entry
of the table wins. Table patterns are written here (trusted) and anchored.
Names longer than :data:`~gdpr_policy.banner._model.MAX_COOKIE_NAME_LENGTH`
never match. A configuration's own cookie *pattern* is compared with the
table through each entry's example names (:attr:`KnownTracker.examples`),
so an untrusted pattern only ever runs against those short, fixed strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from ._model import MAX_COOKIE_NAME_LENGTH, CookieRef

__all__ = [
    "TRACKERS",
    "KnownTracker",
    "TrackerCategory",
    "guess_tracker",
    "guess_tracker_from_text",
    "match_cookie",
    "tracker_by_id",
    "trackers_for_cookie",
    "words_of",
]

TrackerCategory = Literal["necessary", "functional", "analytics", "marketing"]


@dataclass(frozen=True, slots=True)
class KnownTracker:
    """One tracker of the table.

    ``names`` are exact cookie names, ``patterns`` anchored regexes for
    families (``_ga_<container>``); ``examples`` are concrete names used to
    compare a configuration's pattern with this entry; ``keywords`` are words
    of service ids and labels (``hubspot``, ``ga4``); ``signatures`` are
    lower-case substrings of custom HTML or tag names (``js.hs-scripts.com``);
    ``gtm_types`` are GTM tag type ids.
    """

    id: str
    vendor: str
    category: TrackerCategory
    names: frozenset[str] = frozenset()
    patterns: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    keywords: frozenset[str] = frozenset()
    phrases: tuple[tuple[str, ...], ...] = ()
    signatures: tuple[str, ...] = ()
    gtm_types: frozenset[str] = frozenset()
    third_party_domain: str | None = None
    note: str = ""
    _compiled: tuple[re.Pattern[str], ...] = field(default=(), compare=False, repr=False)

    @property
    def consent_required(self) -> bool:
        """Whether the tracker needs consent (everything but strictly necessary)."""
        return self.category != "necessary"

    def matches(self, name: str) -> bool:
        """Whether a concrete cookie name belongs to this tracker."""
        if len(name) > MAX_COOKIE_NAME_LENGTH:
            return False
        return name in self.names or any(p.fullmatch(name) for p in self._compiled)

    def all_examples(self) -> tuple[str, ...]:
        """Concrete names standing for this tracker: its names, then its examples."""
        return (*sorted(self.names), *self.examples)


def _t(
    id: str,
    vendor: str,
    category: TrackerCategory,
    *,
    names: Iterable[str] = (),
    patterns: Iterable[str] = (),
    examples: Iterable[str] = (),
    keywords: Iterable[str] = (),
    phrases: Iterable[tuple[str, ...]] = (),
    signatures: Iterable[str] = (),
    gtm_types: Iterable[str] = (),
    third_party_domain: str | None = None,
    note: str = "",
) -> KnownTracker:
    pats = tuple(patterns)
    return KnownTracker(
        id=id,
        vendor=vendor,
        category=category,
        names=frozenset(names),
        patterns=pats,
        examples=tuple(examples),
        keywords=frozenset(keywords),
        phrases=tuple(phrases),
        signatures=tuple(signatures),
        gtm_types=frozenset(gtm_types),
        third_party_domain=third_party_domain,
        note=note,
        _compiled=tuple(re.compile(p) for p in pats),
    )


def words_of(identifier: str) -> list[str]:
    """Lower-case words of an identifier: ``googleAnalytics_4`` -> google, analytics, 4."""
    spaced = re.sub(r"(?<=[^\W_])(?=[A-Z][a-z])|(?<=[a-z])(?=[A-Z])", " ", identifier)
    return [w.lower() for w in re.split(r"[\W_]+", spaced) if w]


#: The bundled table. Order matters only among patterns (first match wins).
TRACKERS: tuple[KnownTracker, ...] = (
    # ---- strictly necessary (first party, consent tools, security)
    _t("consent-record", "consent tool", "necessary",
       names={"cc_cookie", "klaro", "CookieConsent", "OptanonConsent", "OptanonAlertBoxClosed",
              "cookieconsent_status", "tarteaucitron", "euconsent-v2", "__hs_opt_out",
              "__hs_do_not_track", "__hs_initial_opt_in", "__hs_cookie_cat_pref"},
       keywords={"consent"}, phrases=(("consent", "record"),),
       note="Stores the visitor's choice: cookieconsent, Klaro, Cookiebot, OneTrust, Osano, "
            "tarteaucitron, IAB TCF, HubSpot's own consent banner."),
    _t("session", "first party", "necessary",
       names={"PHPSESSID", "JSESSIONID", "ASP.NET_SessionId", "ASPSESSIONID", "sessionid",
              "connect.sid", "laravel_session", "XSRF-TOKEN", "csrftoken", "_csrf",
              "wordpress_test_cookie", "sanitySession"},
       patterns=(r"wordpress_logged_in_[0-9a-f]+", r"wordpress_sec_[0-9a-f]+",
                 r"ASPSESSIONID[A-Z]{8}"),
       keywords={"session", "csrf"},
       note="Server session and CSRF cookies of common stacks (PHP, Java, ASP.NET, Express, "
            "Laravel, Django, WordPress login); sanitySession is the Sanity Studio login."),
    _t("cloudflare", "Cloudflare Inc.", "necessary",
       names={"__cf_bm", "cf_clearance", "_cfuvid", "__cfruid", "__cflb"},
       keywords={"cloudflare"},
       note="Bot management and load balancing."),
    # ---- Google
    _t("google-analytics", "Google Ireland Ltd.", "analytics",
       names={"_ga", "_gid", "_gat", "__utma", "__utmb", "__utmc", "__utmt", "__utmz", "__utmv",
              "AMP_TOKEN", "_gac_gb"},
       patterns=(r"_ga_[A-Za-z0-9]+", r"_gat_[A-Za-z0-9_.-]+", r"_gac_[A-Za-z0-9_.-]+",
                 r"_dc_gtm_[A-Za-z0-9_-]+"),
       examples=("_ga_ABC123DEF4", "_gat_gtag_UA_12345_1", "_gat_UA-12345-1"),
       keywords={"ga", "ga4", "gtag", "googleanalytics", "universalanalytics"},
       phrases=(("google", "analytics"),),
       signatures=("google-analytics.com", "googletagmanager.com/gtag/js", "gtag('config'",
                   "google analytics"),
       gtm_types={"googtag", "gaawc", "gaawe", "ua"}),
    _t("google-ads", "Google Ireland Ltd.", "marketing",
       names={"_gcl_au", "_gcl_aw", "_gcl_dc", "_gcl_gb", "_gcl_gs", "_gcl_ag", "IDE", "DSID",
              "test_cookie", "__gads", "__gpi", "__gsas", "FLC", "RUL", "AID", "TAID"},
       patterns=(r"_gcl_[a-z]{2}",),
       keywords={"adwords", "doubleclick", "adsense", "floodlight"},
       phrases=(("google", "ads"),),
       signatures=("googleadservices.com", "doubleclick.net", "googlesyndication.com"),
       gtm_types={"awct", "sp", "gclidw", "flc", "fls", "awcc", "awud"},
       note="IDE, DSID, test_cookie, FLC, RUL, AID, TAID live on doubleclick.net/google.com."),
    _t("google-tag-manager", "Google Ireland Ltd.", "analytics",
       keywords={"gtm", "googletagmanager", "tagmanager"},
       phrases=(("google", "tag", "manager"), ("tag", "manager")),
       signatures=("googletagmanager.com/gtm.js",),
       note="Sets no cookie itself; it loads the tags that do."),
    _t("youtube", "Google Ireland Ltd.", "marketing",
       names={"VISITOR_INFO1_LIVE", "YSC", "VISITOR_PRIVACY_METADATA", "LOGIN_INFO", "PREF"},
       keywords={"youtube"}, signatures=("youtube.com/embed", "youtube.com/iframe_api"),
       third_party_domain=".youtube.com"),
    # ---- HubSpot
    _t("hubspot", "HubSpot Inc.", "marketing",
       names={"hubspotutk", "__hstc", "__hssc", "__hssrc", "messagesUtk"},
       patterns=(r"__hs[A-Za-z0-9_]*",),
       examples=("__hstc", "__hssc", "__hssrc"),
       keywords={"hubspot"},
       signatures=("js.hs-scripts.com", "js.hs-analytics.net", "js.hsforms.net", "hubspot"),
       note="HubSpot's consent cookies (__hs_opt_out ...) are necessary; see consent-record."),
    # ---- Meta
    _t("meta-pixel", "Meta Platforms Ireland Ltd.", "marketing",
       names={"_fbp", "_fbc", "fr", "tr"},
       keywords={"facebook", "fbq", "metapixel", "fbpixel"},
       phrases=(("meta", "pixel"), ("facebook", "pixel")),
       signatures=("connect.facebook.net", "fbq(", "facebook pixel", "meta pixel"),
       note="fr and tr are set on .facebook.com."),
    # ---- LinkedIn
    _t("linkedin-insight", "LinkedIn Ireland Unlimited Company", "marketing",
       names={"li_sugr", "bcookie", "bscookie", "lidc", "UserMatchHistory", "li_gc",
              "AnalyticsSyncHistory", "li_fat_id", "ln_or", "lms_ads", "lms_analytics",
              "li_mc"},
       keywords={"linkedin"},
       phrases=(("insight", "tag"),),
       signatures=("snap.licdn.com", "_linkedin_partner_id", "linkedin"),
       third_party_domain=".linkedin.com",
       note="Third-party cookies on .linkedin.com: a site cannot delete them (Klaro "
            "dist/config.js). li_gc stores LinkedIn's own consent but is only set with the tag."),
    # ---- Microsoft
    _t("microsoft-uet", "Microsoft Ireland Operations Ltd.", "marketing",
       names={"_uetsid", "_uetvid", "_uetmsclkid", "MUID", "_uetmsdns"},
       keywords={"bing", "uet", "microsoftads"},
       phrases=(("microsoft", "advertising"),),
       signatures=("bat.bing.com", "uetq"),
       gtm_types={"baut"}),
    _t("microsoft-clarity", "Microsoft Ireland Operations Ltd.", "analytics",
       names={"_clck", "_clsk", "CLID", "ANONCHK", "MR", "SM"},
       keywords={"clarity"}, signatures=("clarity.ms",),
       note="CLID, ANONCHK, MR and SM are set on clarity.ms / c.bing.com."),
    # ---- others
    _t("hotjar", "Hotjar Ltd.", "analytics",
       names={"_hjid", "_hjTLDTest", "_hjAbsoluteSessionInProgress", "_hjFirstSeen"},
       patterns=(r"_hj[A-Za-z0-9_]+",),
       examples=("_hjSessionUser_123456", "_hjSession_123456"),
       keywords={"hotjar"}, signatures=("static.hotjar.com", "hotjar"),
       gtm_types={"hjtc"}),
    _t("matomo", "Matomo (self-hosted)", "analytics",
       names={"MATOMO_SESSID", "_pk_testcookie"},
       patterns=(r"_pk_(id|ses|ref|cvar|hsr)[.A-Za-z0-9_]*",),
       examples=("_pk_id.1.abcd", "_pk_ses.1.abcd"),
       keywords={"matomo", "piwik"}, signatures=("matomo.js", "piwik.js", "_paq")),
    _t("tiktok-pixel", "TikTok Technology Ltd.", "marketing",
       names={"_ttp", "_tt_enable_cookie", "ttwid"},
       keywords={"tiktok"}, signatures=("analytics.tiktok.com", "ttq.")),
    _t("pinterest-tag", "Pinterest Europe Ltd.", "marketing",
       names={"_pinterest_ct_ua", "_pin_unauth", "_epik", "_derived_epik", "_pinterest_sess"},
       keywords={"pinterest"}, signatures=("s.pinimg.com/ct", "pintrk(")),
    _t("x-pixel", "X Corp.", "marketing",
       names={"personalization_id", "muc_ads", "guest_id", "guest_id_ads",
              "guest_id_marketing"},
       keywords={"twitter"},
       phrases=(("x", "pixel"), ("twitter", "pixel")),
       signatures=("static.ads-twitter.com", "twq("),
       third_party_domain=".twitter.com"),
)

_BY_ID = {t.id: t for t in TRACKERS}
_BY_NAME = {name: t for t in TRACKERS for name in t.names}


def tracker_by_id(tracker_id: str | None) -> KnownTracker | None:
    """The table entry with this id, or ``None`` (also for no id)."""
    return _BY_ID.get(tracker_id) if tracker_id is not None else None


def match_cookie(name: str) -> KnownTracker | None:
    """The tracker a concrete cookie name belongs to (exact names first), or ``None``."""
    if len(name) > MAX_COOKIE_NAME_LENGTH:
        return None
    exact = _BY_NAME.get(name)
    if exact is not None:
        return exact
    return next((t for t in TRACKERS if any(p.fullmatch(name) for p in t._compiled)), None)


def trackers_for_cookie(ref: CookieRef) -> tuple[KnownTracker, ...]:
    """Trackers a configuration's cookie reference covers.

    An exact name gives at most one tracker. A pattern gives every tracker
    one of whose example names it matches (a broad pattern such as ``.*``
    therefore covers many trackers; a pattern that cannot be run safely
    covers none).
    """
    if ref.name is not None:
        hit = match_cookie(ref.name)
        return (hit,) if hit is not None else ()
    if ref.pattern is None or not ref.pattern.compiles:
        return ()
    return tuple(t for t in TRACKERS if any(ref.pattern.matches(n) for n in t.all_examples()))


def guess_tracker(
    identifier: str, label: str | None = None, cookies: Iterable[CookieRef] = ()
) -> KnownTracker | None:
    """The most likely tracker for a banner service: by its cookies, then its id and label.

    Cookies decide when all the non-necessary ones point at one tracker;
    otherwise id and label words are looked up in the keywords and phrases.
    """
    hits: dict[str, KnownTracker] = {}
    for ref in cookies:
        for tracker in trackers_for_cookie(ref):
            hits.setdefault(tracker.id, tracker)
    non_necessary = [t for t in hits.values() if t.category != "necessary"]
    if len(non_necessary) == 1:
        return non_necessary[0]
    if not non_necessary and len(hits) == 1:
        return next(iter(hits.values()))
    return _by_words(identifier, label)


def _by_words(*texts: str | None) -> KnownTracker | None:
    words: list[str] = []
    for text in texts:
        if text:
            words.extend(words_of(text))
    if not words:
        return None
    joined = " ".join(words)
    word_set = set(words) | {"".join(words)}
    # Phrases first ("google tag manager" is not Google Analytics), vendors before the
    # generic words of necessary cookies ("hotjar session" is Hotjar).
    ordered = sorted(TRACKERS, key=lambda t: t.category == "necessary")
    for tracker in ordered:
        for phrase in tracker.phrases:
            if f" {' '.join(phrase)} " in f" {joined} ":
                return tracker
    for tracker in ordered:
        if word_set & tracker.keywords:
            return tracker
    return None


def guess_tracker_from_text(name: str, html: str | None = None) -> KnownTracker | None:
    """The tracker a GTM tag name or custom HTML refers to, by signature substrings, else words.

    Only the first 100 000 characters of the HTML are looked at.
    """
    text = f"{name}\n{(html or '')[:100_000]}".lower()
    for tracker in TRACKERS:
        if any(sig in text for sig in tracker.signatures):
            return tracker
    return _by_words(name)
