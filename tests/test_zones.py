"""The one place an IANA name becomes a zone."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from gdpr_policy import UsageError
from gdpr_policy._zones import zone_of


@pytest.mark.parametrize("name", ["Europe/Oslo", "Europe/Stockholm", "UTC"])
def test_a_known_name_is_its_zone(name: str) -> None:
    assert zone_of(name) == ZoneInfo(name)


def test_a_zone_is_returned_as_it_is() -> None:
    oslo = ZoneInfo("Europe/Oslo")
    assert zone_of(oslo) is oslo


@pytest.mark.parametrize("name", ["Europe/Olso", "Europe", "Europe/" + "x" * 300, "", "../etc"])
def test_any_other_name_is_a_usage_error_saying_what_was_expected(name: str) -> None:
    with pytest.raises(UsageError) as info:
        zone_of(name)
    assert str(info.value) == f"expected an IANA time zone such as Europe/Oslo, got {name!r}"


@pytest.mark.parametrize("value", [None, 1, b"Europe/Oslo"])
def test_a_value_that_is_no_name_is_a_usage_error(value: object) -> None:
    # ZoneInfo(None) raises TypeError: a service passing None gets the expected form instead
    with pytest.raises(UsageError, match="expected an IANA time zone such as Europe/Oslo"):
        zone_of(value)  # type: ignore[arg-type]
