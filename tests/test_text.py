"""Tests of the shared text helpers (gdpr_policy._text)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gdpr_policy._text import name_key


def test_names_compare_without_case_or_spacing() -> None:
    assert name_key("  Integritetsskyddsmyndigheten ") == "integritetsskyddsmyndigheten"
    assert name_key("Kari \t Nordmann") == name_key("KARI NORDMANN") == "kari nordmann"
    assert name_key("Straße") == name_key("STRASSE")  # case folding, not lower-casing
    assert name_key("Kari Nordmann") != name_key("KariNordmann")


@given(st.text())
def test_the_key_of_a_key_is_itself(name: str) -> None:
    key = name_key(name)
    assert name_key(key) == key
    assert key == key.strip()
    assert "  " not in key
