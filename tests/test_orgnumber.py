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


# -- other EEA countries: python-stdnum where it has the company number (issue 16) -------------

from gdpr_policy._orgnumber import STDNUM_MODULES, UNCHECKED, org_number_problem  # noqa: E402
from gdpr_policy._places import EEA_COUNTRY_CODES  # noqa: E402


@pytest.mark.parametrize(
    ("country", "number"),
    [
        ("DK", "13585628"),
        ("FI", "2077474-0"),
        ("FR", "552 008 443"),
        ("FR", "73282932000074"),
        ("DE", "München HRB 123456"),
        ("AT", "FN 122119m"),
        ("BE", "0403.170.701"),
        ("ES", "A58818501"),
        ("IT", "00743110157"),
        ("EE", "12345678"),
        ("RO", "J40/2494/1991"),
    ],
)
def test_a_valid_number_of_another_country_passes(country: str, number: str) -> None:
    assert org_number_problem(country, number) is None


@pytest.mark.parametrize(
    ("country", "number", "expected"),
    [
        ("DK", "13585627", "a CVR number of 8 digits; checked with python-stdnum's dk.cvr"),
        ("FI", "2077474-1", "a Y-tunnus such as 2077474-0"),
        ("FR", "552 008 444", "a SIREN (9 digits) or SIRET (14 digits)"),
        # the register court is part of a German number: HRB numbers repeat between courts
        ("DE", "HRB 123456", "the register court, register and number"),
    ],
)
def test_a_wrong_check_digit_or_shape_says_what_was_expected(
    country: str, number: str, expected: str
) -> None:
    problem = org_number_problem(country, number)
    assert problem is not None and expected in problem and repr(number) in problem
    assert problem.startswith(f"expected a valid {country} organisation number (")


def test_countries_without_a_module_take_the_number_as_written() -> None:
    assert set(STDNUM_MODULES) | UNCHECKED | {"NO", "SE"} == set(EEA_COUNTRY_CODES)
    assert not set(STDNUM_MODULES) & UNCHECKED
    for country in UNCHECKED:
        assert org_number_problem(country, "anything at all 123") is None


def test_norwegian_and_swedish_messages_are_unchanged() -> None:
    assert org_number_problem("NO", "977302391") == (
        "expected a valid NO organisation number (nine digits with a MOD11 check digit), "
        "got '977302391'")
    assert org_number_problem("SE", "5560360794") == (
        "expected a valid SE organisation number (ten digits with a Luhn check digit), "
        "got '5560360794'")


def test_another_countrys_prefix_or_suffix_is_no_part_of_a_number() -> None:
    from gdpr_policy._orgnumber import org_number_problem

    assert org_number_problem("NO", "NO 977 302 390 MVA") is None
    assert org_number_problem("SE", "SE 556036-0793") is None
    # the digits are valid, but not written as that country writes its numbers
    assert org_number_problem("NO", "SE 977302390") is not None
    assert org_number_problem("SE", "NO 556036-0793") is not None
    assert org_number_problem("SE", "556036-0793 MVA") is not None
