"""Tests of the shared text helpers (gdpr_policy._text)."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from gdpr_policy._text import BadByte, first_bad_utf8, name_key


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


def test_the_first_bad_byte_is_located_as_the_readers_count() -> None:
    assert first_bad_utf8([b"ok\n", b"fine"]) is None
    assert first_bad_utf8([]) is None
    # columns in code points (é is one), lines by \n, offsets in bytes of the file
    assert first_bad_utf8(["a\né".encode() + b"x\xff"]) == BadByte(2, 3, 5, 0xFF,
                                                                     "invalid start byte")
    # a BOM is not a column, but is part of the offset
    assert first_bad_utf8([b"\xef\xbb\xbfab\xff"]) == BadByte(1, 3, 5, 0xFF, "invalid start byte")
    # a sequence split between blocks is joined; one cut short at the end is the error
    assert first_bad_utf8([b"a\xc3", b"\xa9\xff"]) == BadByte(1, 3, 3, 0xFF, "invalid start byte")
    assert first_bad_utf8([b"a\n\xc3"]) == BadByte(2, 1, 2, 0xC3, "unexpected end of data")


@given(st.text(), st.text(), st.sampled_from([b"\xff", b"\xc3(", b"\xe2\x82"]),
       st.integers(1, 7))
def test_blocks_do_not_change_where_the_bad_byte_is(before: str, after: str, bad: bytes,
                                                    size: int) -> None:
    data = before.encode() + bad + after.encode()
    whole = first_bad_utf8([data])
    assert whole is not None
    assert whole.offset == len(before.encode())
    assert whole.line == before.count("\n") + 1
    assert whole.column == len(before) - (before.rfind("\n") + 1) + 1 - (
        1 if before.startswith("\ufeff") and "\n" not in before else 0)
    blocks = [data[i:i + size] for i in range(0, len(data), size)]
    assert first_bad_utf8(blocks) == whole
