"""Tests of the shared text helpers (gdpr_policy._text)."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from gdpr_policy._text import name_key


def test_names_compare_without_case_or_spacing() -> None:
    assert name_key("  Integritetsskyddsmyndigheten ") == "integritetsskyddsmyndigheten"
    assert name_key("Kari \t Nordmann") == name_key("KARI NORDMANN") == "kari nordmann"
    assert name_key("Straße") == name_key("STRASSE")  # case folding, not lower-casing
    assert name_key("Kari Nordmann") != name_key("KariNordmann")


def test_one_name_in_any_unicode_form_is_one_name() -> None:
    composed = "Kåre Ødegård Bjørnstad"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert name_key(decomposed) == name_key(composed) == name_key("KÅRE ØDEGÅRD BJØRNSTAD")
    assert name_key("Ｋａｒｉ") == name_key("kari")  # full-width letters
    assert name_key("Åse") != name_key("Ase")  # a letter with a ring is another letter


@given(st.text())
def test_the_key_does_not_depend_on_the_normal_form(name: str) -> None:
    for form in ("NFC", "NFD", "NFKC", "NFKD"):
        assert name_key(unicodedata.normalize(form, name)) == name_key(name)


@given(st.text())
def test_the_key_of_a_key_is_itself(name: str) -> None:
    key = name_key(name)
    assert name_key(key) == key
    assert key == key.strip()
    assert "  " not in key
