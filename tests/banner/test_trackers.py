"""The bundled tracker table and matching names, patterns and services against it."""

from __future__ import annotations

import re
import time
import warnings

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from gdpr_policy.banner import (
    MAX_COOKIE_NAME_LENGTH,
    TRACKERS,
    CookiePattern,
    CookieRef,
    guess_tracker,
    guess_tracker_from_text,
    match_cookie,
    tracker_by_id,
    trackers_for_cookie,
)
from strategies.banner import cookie_names


@pytest.mark.parametrize(
    ("name", "tracker"),
    [
        ("_ga", "google-analytics"),
        ("_ga_ABC123DEF4", "google-analytics"),
        ("_gid", "google-analytics"),
        ("_gat", "google-analytics"),
        ("_gat_UA-12345-1", "google-analytics"),
        ("_gcl_au", "google-ads"),
        ("hubspotutk", "hubspot"),
        ("__hstc", "hubspot"),
        ("__hssc", "hubspot"),
        ("__hssrc", "hubspot"),
        ("__hs_something_new", "hubspot"),
        ("messagesUtk", "hubspot"),
        ("__hs_opt_out", "consent-record"),
        ("_fbp", "meta-pixel"),
        ("_fbc", "meta-pixel"),
        ("fr", "meta-pixel"),
        ("li_sugr", "linkedin-insight"),
        ("bcookie", "linkedin-insight"),
        ("bscookie", "linkedin-insight"),
        ("lidc", "linkedin-insight"),
        ("UserMatchHistory", "linkedin-insight"),
        ("li_gc", "linkedin-insight"),
        ("AnalyticsSyncHistory", "linkedin-insight"),
        ("_uetsid", "microsoft-uet"),
        ("_uetvid", "microsoft-uet"),
        ("_hjSessionUser_123", "hotjar"),
        ("_pk_id.1.abcd", "matomo"),
        ("PHPSESSID", "session"),
        ("sanitySession", "session"),
        ("cc_cookie", "consent-record"),
        ("klaro", "consent-record"),
    ],
)
def test_well_known_names(name: str, tracker: str) -> None:
    hit = match_cookie(name)
    assert hit is not None and hit.id == tracker


@pytest.mark.parametrize("name", ["", "my_cookie", "ga", "_gax", "x" * 500, "_ga" + "a" * 500])
def test_unknown_or_oversized_names_do_not_match(name: str) -> None:
    assert match_cookie(name) is None or len(name) <= MAX_COOKIE_NAME_LENGTH


def test_oversized_names_never_match() -> None:
    assert match_cookie("_ga_" + "A" * MAX_COOKIE_NAME_LENGTH) is None


def test_table_is_consistent() -> None:
    ids = [t.id for t in TRACKERS]
    assert len(ids) == len(set(ids))
    for tracker in TRACKERS:
        assert tracker_by_id(tracker.id) is tracker
        assert tracker.consent_required == (tracker.category != "necessary")
        for example in tracker.examples:
            assert tracker.matches(example), (tracker.id, example)
        for pattern in tracker.patterns:
            assert CookiePattern(source=pattern).compiles  # the table's patterns work under RE2 too
    # every exact name belongs to exactly one tracker
    names = [n for t in TRACKERS for n in t.names]
    assert len(names) == len(set(names))


def test_config_patterns_cover_trackers_through_examples() -> None:
    ga = CookieRef(pattern=CookiePattern(source="^_ga($|_)"))
    assert [t.id for t in trackers_for_cookie(ga)] == ["google-analytics"]
    hs = CookieRef(pattern=CookiePattern(source="^__hs(tc|sc|src)$"))
    assert [t.id for t in trackers_for_cookie(hs)] == ["hubspot"]
    nothing = CookieRef(pattern=CookiePattern(source="^zzz"))
    assert trackers_for_cookie(nothing) == ()
    unsafe = CookieRef(pattern=CookiePattern(source="(?=_)_ga"))  # lookaround: RE2 refuses it
    assert trackers_for_cookie(unsafe) == ()
    assert [t.id for t in trackers_for_cookie(CookieRef(name="_fbp"))] == ["meta-pixel"]


@pytest.mark.parametrize(
    ("identifier", "label", "expected"),
    [
        ("gtm", None, "google-tag-manager"),
        ("googleTagManager", None, "google-tag-manager"),
        ("ga4", None, "google-analytics"),
        ("stats", "Google Analytics 4", "google-analytics"),
        ("hubspot", None, "hubspot"),
        ("linkedin_insight", None, "linkedin-insight"),
        ("metaPixel", None, "meta-pixel"),
        ("hotjarSession", None, "hotjar"),
        ("cms_session", None, "session"),
        ("analytics", None, None),
    ],
)
def test_guess_by_words(identifier: str, label: str | None, expected: str | None) -> None:
    hit = guess_tracker(identifier, label)
    assert (hit.id if hit else None) == expected


def test_cookies_decide_over_words() -> None:
    hit = guess_tracker("mystery", None, [CookieRef(name="_fbp")])
    assert hit is not None and hit.id == "meta-pixel"
    mixed = guess_tracker("hubspot", None, [CookieRef(name="_fbp"), CookieRef(name="_ga")])
    assert mixed is not None and mixed.id == "hubspot"  # cookies disagree: words decide


def test_guess_from_gtm_html() -> None:
    hit = guess_tracker_from_text("Custom tag", "<script src='https://snap.licdn.com/x.js'>")
    assert hit is not None and hit.id == "linkedin-insight"
    assert guess_tracker_from_text("Internal banner", "<div></div>") is None


@pytest.mark.parametrize(
    "pattern",
    ["(a+)+$", "(a|a)*b", "(a*)*", "((ab)+c)+", "(a+){2,}", "(?:x+)+y", "a*b*c*d*e", "a" * 300],
)
def test_dangerous_patterns_run_in_linear_time(pattern: str) -> None:
    ref = CookiePattern(source=pattern) if len(pattern) <= 256 else None
    if ref is None:
        return  # over the length bound: the model refuses it (test_regex_safety)
    started = time.process_time()
    ref.matches("a" * 127 + "!")
    assert time.process_time() - started < 1.0


@pytest.mark.parametrize(
    "pattern",
    ["^_ga($|_)", "^__hs(tc|sc|src)$", "^_ga_[A-Z0-9]+$", "^_pk_id\\.", "(ab)+", "[(]+",
     "x{2,5}", "(a)?b+"],
)
def test_ordinary_patterns_are_accepted(pattern: str) -> None:
    assert CookiePattern(source=pattern).compiles


# Regex text over ASCII: RE2 and Python's re agree there, except where RE2 follows
# JavaScript (ASCII \d, literal "{,n}"), which the alphabet leaves out.
_REGEX_TEXT = st.text(st.sampled_from("abA_.-09^$()[]|*+?"), max_size=40)


@given(st.text(max_size=60), cookie_names())
def test_matching_is_total_and_bounded(pattern: str, name: str) -> None:
    """Any pattern text compiles or not, and runs fast; it never raises."""
    ref = CookiePattern(source=pattern)
    started = time.process_time()
    ref.matches(name)
    assert time.process_time() - started < 1.0
    if not ref.compiles:
        assert ref.matches(name) is False


@given(_REGEX_TEXT, cookie_names())
def test_matching_agrees_with_python_re(pattern: str, name: str) -> None:
    """Where both engines accept a pattern, RE2 answers as Python's re does."""
    ref = CookiePattern(source=pattern)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # re's notes on "[[" and the like
            reference = re.compile(pattern)
    except re.error:
        assume(False)
        return
    if ref.compiles:
        assert ref.matches(name) == (reference.search(name) is not None)
    else:
        assert ref.matches(name) is False


def test_javascript_only_syntax_is_not_compiled() -> None:
    pattern = CookiePattern(source="(?<name>x)\\k<name>")
    assert not pattern.compiles and not pattern.matches("xx")
