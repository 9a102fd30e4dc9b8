"""Cookie patterns come from someone else's configuration: matching them must stay cheap.

Python's ``re`` backtracks without a timeout; the banner model matches
untrusted patterns with RE2 instead, whose time is linear in the name, bounds
the pattern length and never matches names longer than
``MAX_COOKIE_NAME_LENGTH``. Catastrophic shapes are therefore run, correctly
and fast, instead of being refused.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest

from gdpr_policy import bundled_policy, evaluate_banner, read_banner
from gdpr_policy.banner import (
    MAX_COOKIE_NAME_LENGTH,
    MAX_PATTERN_LENGTH,
    CookiePattern,
)

FAST = 1.0  # seconds; a catastrophic match on these inputs takes minutes to centuries
EVIL_NAME = "a" * 50 + "!"
AS_OF = dt.date(2026, 11, 30)

CATASTROPHIC = [
    "^(a+)+$",
    "(a|a)*$",
    "(a|aa)+$",
    "(a*)*b",
    "(?:a+)+$",
    "(a+){2,}$",
    "(.*a){20}$",
    r"(\w+\s?)+$",
    r"^(([a-z])+.)+[A-Z]([a-z])+$",
    r"(\d+|\w+)*!",
    "(?P<x>a+)+$",
    "((a+))+$",
    "a*a*a*a*a*b",  # polynomial: n**5
]


@pytest.mark.parametrize("source", CATASTROPHIC)
def test_catastrophic_patterns_run_in_linear_time(source: str) -> None:
    pattern = CookiePattern(source=source)
    start = time.process_time()
    assert pattern.compiles
    pattern.matches(EVIL_NAME)
    pattern.matches("a" * MAX_COOKIE_NAME_LENGTH)
    pattern.matches("a" * (MAX_COOKIE_NAME_LENGTH - 1) + "!")
    assert time.process_time() - start < FAST


def test_catastrophic_patterns_still_answer_correctly() -> None:
    assert CookiePattern(source="^(a+)+$").matches("a" * MAX_COOKIE_NAME_LENGTH)
    assert not CookiePattern(source="^(a+)+$").matches(EVIL_NAME)
    assert CookiePattern(source="(a|aa)+$").matches(EVIL_NAME[:-1])


@pytest.mark.parametrize("source", ["^_ga_[A-Z0-9]+$", "^_gat(_.*)?$", "^__hs(tc|sc|src)$", r"^_pk_id\.\d+\.[0-9a-f]+$"])
def test_ordinary_patterns_still_match(source: str) -> None:
    assert CookiePattern(source=source).compiles


def test_names_past_the_length_bound_never_match() -> None:
    pattern = CookiePattern(source="^a+$")
    assert pattern.matches("a" * MAX_COOKIE_NAME_LENGTH)
    assert not pattern.matches("a" * (MAX_COOKIE_NAME_LENGTH + 1))


def test_overlong_patterns_are_refused() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        CookiePattern(source="a" * (MAX_PATTERN_LENGTH + 1))


JS_CONFIG = """
CookieConsent.run({
  categories: {
    necessary: {enabled: true, readOnly: true},
    analytics: {autoClear: {cookies: [{name: /^(a+)+$/}, {name: /(a|aa)+$/i}]}},
  },
});
"""
NATIVE_CONFIG = """
gdpr_policy_banner: 1
mode: opt-in
categories:
  - {id: necessary, kind: necessary, read_only: true, default_enabled: true}
  - {id: analytics, kind: analytics, service_ids: [evil]}
services:
  - id: evil
    category_ids: [analytics]
    cookies: [{pattern: "^(a+)+$"}, {pattern: {source: "(x*)*y", flags: "i"}}]
"""


@pytest.mark.parametrize(("text", "fmt"), [(JS_CONFIG, "cookieconsent"), (NATIVE_CONFIG, "native")])
def test_catastrophic_pattern_from_a_config_is_read_and_run_fast(text: str, fmt: str) -> None:
    start = time.process_time()
    banner = read_banner(text, source="evil", format=fmt)
    patterns = [
        ref.pattern
        for ref in (
            *(c for cat in banner.categories for c in cat.cookies),
            *(c for svc in banner.services for c in svc.cookies),
        )
        if ref.pattern is not None
    ]
    assert patterns
    assert all(p.compiles for p in patterns)
    assert not any(p.matches(EVIL_NAME) for p in patterns)
    # Evaluation matches the config's patterns against every known tracker cookie name.
    evaluate_banner(banner, bundled_policy().at(AS_OF), AS_OF)
    assert time.process_time() - start < FAST


@pytest.mark.parametrize("source", ["a{0,16}" * 8 + "b", "(a|aa)" * 20 + "b", "(a|aa|aaa)" * 20 + "b"])
def test_sequences_of_bounded_choices_run_fast(source: str) -> None:
    # Python's re took over 60 s on the first of these; RE2 is linear in the name.
    pattern = CookiePattern(source=source)
    start = time.process_time()
    assert not pattern.matches("a" * MAX_COOKIE_NAME_LENGTH)
    assert time.process_time() - start < FAST


@pytest.mark.parametrize(("source", "name"), [("(a)\\1", "aa"), ("(?=a)a", "a"), ("(?<!b)a", "a")])
def test_backreferences_and_lookaround_are_not_compiled_and_never_match(source: str, name: str) -> None:
    pattern = CookiePattern(source=source)
    assert not pattern.compiles
    assert not pattern.matches(name)
