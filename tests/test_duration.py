from __future__ import annotations

import pytest
from hypothesis import given
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
