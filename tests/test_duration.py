from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from gdpr_policy import Duration
from strategies.policy import durations


@pytest.mark.parametrize(
    ("text", "months", "days"),
    [
        ("P2Y", 24, 0),
        ("P1M", 1, 0),
        ("P2M", 2, 0),
        ("P13M", 13, 0),
        ("P180D", 0, 180),
        ("P1Y6M", 18, 0),
        ("P2W", 0, 14),
        ("P3D", 0, 3),
    ],
)
def test_parse(text: str, months: int, days: int) -> None:
    d = Duration.parse(text)
    assert (d.total_months, d.total_days) == (months, days)
    assert str(d) == text


def test_time_parts() -> None:
    d = Duration.parse("PT30M")
    assert d.minutes == 30
    assert d.has_time
    assert str(d) == "PT30M"


@pytest.mark.parametrize(
    ("text", "days"),
    [("P1D", 0), ("PT1S", 1), ("PT1H", 1), ("PT24H", 1), ("PT24H1S", 2), ("PT48H", 2),
     ("PT49H", 3), ("PT1440M", 1), ("PT1441M", 2), ("P1DT72H", 3)],
)
def test_time_days_round_the_time_part_up_to_whole_days(text: str, days: int) -> None:
    # PT48H is two days, not "one more day" for any time part (a consent lifetime of 48
    # hours ran out after one day)
    assert Duration.parse(text).time_days == days


@given(st.integers(0, 200), st.integers(0, 3000), st.integers(0, 200_000))
def test_time_days_is_the_least_whole_number_of_days_that_holds_the_time_part(
    hours: int, minutes: int, secs: int
) -> None:
    d = Duration(days=1, hours=hours, minutes=minutes, seconds=secs)
    seconds = d.hours * 3600 + d.minutes * 60 + d.seconds
    assert d.time_days * 86400 >= seconds > (d.time_days - 1) * 86400


@pytest.mark.parametrize("text", ["two years", "P", "PT", "2Y", "P-1Y", "P1.5Y", "P0D", "", "P1YT"])
def test_rejects_non_durations(text: str) -> None:
    with pytest.raises(ValidationError, match="expected"):
        Duration.parse(text)


@given(durations())
def test_round_trip(text: str) -> None:
    d = Duration.parse(text)
    assert Duration.parse(str(d)) == d
    import re

    parts = {u: int(n) for n, u in re.findall(r"(\d+)([YMWD])", text)}
    assert d.total_months == parts.get("Y", 0) * 12 + parts.get("M", 0)
    assert d.total_days == parts.get("W", 0) * 7 + parts.get("D", 0)
    assert not re.search(r"(?<!\d)0[YMWD]", str(d))  # zero parts are not written


@pytest.mark.parametrize("text", ["P\u0661M", "P\uff12Y", "PT\u0663H"])
def test_digits_are_ascii_digits(text: str) -> None:
    # "P١M" (an Arabic-Indic one) was read as P1M: a policy's period is written in 0-9
    with pytest.raises(ValidationError, match="ISO 8601 duration"):
        Duration.parse(text)


@pytest.mark.parametrize("value", [13, 1.5, True, ["P1M"]])
def test_only_text_is_parsed(value: object) -> None:
    # 13 was "expected a valid dictionary or instance of Duration": the duration is text
    with pytest.raises(ValidationError) as info:
        Duration.model_validate(value)
    (error,) = info.value.errors()
    assert error["msg"] == f"Value error, expected an ISO 8601 duration such as P2Y, got {value!r}"


def test_a_part_too_long_for_an_integer_is_one_error_saying_what_to_write() -> None:
    # int() refused the 5000 digits with "Exceeds the limit (4300 digits) ...; use
    # sys.set_int_max_str_digits()", which the loader split in two at the '; '
    with pytest.raises(ValidationError) as info:
        Duration.parse("P" + "9" * 5000 + "D")
    (error,) = info.value.errors()
    assert error["msg"].startswith("Value error, expected an ISO 8601 duration such as P2Y with "
                                   "parts of at most 4300 digits, got 'P999")
    assert len(error["msg"]) < 200 and ";" not in error["msg"]
    assert Duration.parse("P" + "9" * 4300 + "D").days == int("9" * 4300)


@pytest.mark.parametrize("parts", [{"months": "13"}, {"days": True}, {"years": 2.0}, {"months": -1}])
def test_parts_are_non_negative_integers(parts: dict[str, object]) -> None:
    # not read as 13 months, one day or two years: a part is an int, never coerced
    with pytest.raises(ValidationError, match=r"valid integer|non-negative"):
        Duration(**parts)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"valid integer|non-negative"):
        Duration.model_validate(parts)


def test_a_negative_part_says_what_was_found() -> None:
    with pytest.raises(ValidationError, match=r"expected non-negative duration parts, got months=-1"):
        Duration(months=-1)
