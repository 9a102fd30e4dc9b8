from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gdpr_policy._orgnumber import normalize_org_number, valid_no_org_number, valid_se_org_number
from strategies.policy import no_org_numbers, se_org_numbers


def test_inmeta_number_is_valid() -> None:
    assert valid_no_org_number(normalize_org_number("977 302 390"))
    assert valid_no_org_number(normalize_org_number("NO 977 302 390 MVA"))


@pytest.mark.parametrize(
    "number", ["977302391", "97730239", "9773023900", "97730239a", "", "٩٧٧٣٠٢٣٩٠"]
)
def test_invalid_norwegian(number: str) -> None:
    assert not valid_no_org_number(number)


def test_swedish_luhn() -> None:
    assert valid_se_org_number(normalize_org_number("556036-0793"))
    assert not valid_se_org_number("5560360794")


@given(no_org_numbers(), st.integers(0, 8), st.integers(1, 9))
def test_mod11_catches_every_single_digit_change(number: str, pos: int, delta: int) -> None:
    assert valid_no_org_number(number)
    changed = number[:pos] + str((int(number[pos]) + delta) % 10) + number[pos + 1 :]
    assert not valid_no_org_number(changed)


@given(se_org_numbers(), st.integers(0, 9), st.integers(1, 9))
def test_luhn_catches_every_single_digit_change(number: str, pos: int, delta: int) -> None:
    assert valid_se_org_number(number)
    changed = number[:pos] + str((int(number[pos]) + delta) % 10) + number[pos + 1 :]
    assert not valid_se_org_number(changed)
