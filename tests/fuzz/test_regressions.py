"""Regression tests for the bugs the fuzz suite found outside the readers.

Each was found by hypothesis and fixed: a key with a line break printed one
problem on two lines (Issue.__str__ now escapes line breaks); an absurd
consent lifetime (1e20 days, Infinity) overflowed the date arithmetic of
banner.consent-lifetime (it is now a finding); a paused identity clock with
an answer near year 9999 overflowed (it is now a UsageError).
"""

from __future__ import annotations

import datetime as dt

import pytest

from fuzz._helpers import run_cli
from gdpr_policy import InputError, bundled_policy, evaluate_banner, load_policy, read_banner


def _read(reader: str, text: str) -> object:
    if reader == "policy":
        return load_policy(text, source="k.yaml")
    return read_banner(text, source="k", format=reader)


@pytest.mark.parametrize(
    ("reader", "text"),
    [
        ("policy", 'id: x\n"a\\nb": 1\n'),
        ("cookieconsent", '{"categories": {"a\\nb": {"enabled": "x"}}}'),
        ("native", 'gdpr_policy_banner: 1\n"a\\nb": 1\n'),
    ],
)
def test_a_key_with_a_line_break_is_one_line_of_error(reader: str, text: str) -> None:
    with pytest.raises(InputError) as info:
        _read(reader, text)
    for issue in info.value.issues:
        assert len(str(issue).splitlines()) == 1, str(issue)


@pytest.mark.parametrize("days", ["1e20", "9" * 400, "3000000"])
def test_an_absurd_consent_lifetime_is_a_finding(days: str) -> None:
    text = (
        '{"mode": "opt-in", "cookie": {"expiresAfterDays": ' + days + "}, "
        '"categories": {"necessary": {"enabled": true, "readOnly": true}}}'
    )
    banner = read_banner(text, source="life.json", format="cookieconsent")
    as_of = dt.date(2026, 11, 30)
    findings = evaluate_banner(banner, bundled_policy().at(as_of), as_of)
    assert "banner.consent-lifetime" in {f.rule for f in findings}


def test_pause_past_the_end_of_time_is_a_usage_error() -> None:
    code, _out, err = run_cli(
        ["deadline", "--received", "2026-03-02", "--identity-asked", "2026-03-03",
         "--identity-answered", "9999-12-31", "--identity-clock", "pause"]
    )
    assert code == 2 and len(err.splitlines()) == 1

