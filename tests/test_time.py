"""Tests of calendars, calendar-month periods and response deadlines (gdpr_policy._time)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from babel.messages.pofile import read_po
from hypothesis import assume, example, given
from hypothesis import strategies as st

from gdpr_policy import _time
from gdpr_policy._duration import Duration
from gdpr_policy._errors import EvaluationError, UsageError
from gdpr_policy._messages import Message
from gdpr_policy._time import (
    CLOCK_MODELS,
    HOLIDAY_KEYS,
    VETTED_CALENDARS,
    Deadline,
    add_months,
    add_period,
    attach_zone,
    earliest_at,
    end_of_day,
    get_calendar,
    local_day,
    period_start,
    response_deadline,
    roll_forward,
)
from gdpr_policy.i18n import LANGUAGES, has_message, render
from strategies.time import (
    aware_instants,
    awkward_zones,
    calendars,
    clock_models,
    durations,
    legal_holidays,
    oracle_due,
    receipt_days,
    zones,
)

D = dt.date
UTC = dt.UTC
OSLO = ZoneInfo("Europe/Oslo")
STOCKHOLM = ZoneInfo("Europe/Stockholm")
LOCALES = Path(_time.__file__).parent / "i18n" / "locales"


def due(received: dt.date | dt.datetime, calendar: str = "NO", **kw: Any) -> Deadline:
    zone = "Europe/Stockholm" if calendar.startswith("SE") else "Europe/Oslo"
    return response_deadline(received, timezone=kw.pop("timezone", zone), calendar=calendar, **kw)


def codes(steps: tuple[Message, ...]) -> list[str]:
    return [s.code for s in steps]


def skipped(steps: tuple[Message, ...]) -> list[tuple[dt.date, str]]:
    return [
        (s.values["date"], s.values["reason"])  # type: ignore[misc]
        for s in steps
        if s.code.startswith("time.non-working.")
    ]


# -- the issue's example -------------------------------------------------------------------------


def test_issue_example_oslo_easter_2026() -> None:
    d = due(D(2026, 3, 2))
    assert d.received_on == D(2026, 3, 2)
    assert d.due == D(2026, 4, 7)
    assert d.due.weekday() == 1  # Tuesday
    assert codes(d.steps) == [
        "time.received",
        "time.plus-one-month",
        "time.non-working.maundy-thursday",
        "time.non-working.good-friday",
        "time.non-working.saturday",
        "time.non-working.easter-sunday",
        "time.non-working.easter-monday",
        "time.due",
    ]
    assert d.steps[1].values["date"] == D(2026, 4, 2)
    assert [day for day, _ in skipped(d.steps)] == [D(2026, 4, n) for n in (2, 3, 4, 5, 6)]
    assert d.steps[-1].values == {"date": D(2026, 4, 7)}


def test_issue_example_rendered_one_step_per_line() -> None:
    lines = [render(s, "en") for s in due(D(2026, 3, 2)).steps]
    assert lines == [
        "received 2026-03-02 (Oslo)",
        "+1 month = 2026-04-02 (Thursday)",
        "2026-04-02 (Thursday) Maundy Thursday, public holiday",
        "2026-04-03 (Friday) Good Friday, public holiday",
        "2026-04-04 Saturday",
        "2026-04-05 (Sunday) Easter Sunday, public holiday",
        "2026-04-06 (Monday) Easter Monday, public holiday",
        "due Tuesday 2026-04-07",
    ]
    nb = [render(s, "nb") for s in due(D(2026, 3, 2)).steps]
    assert nb[2] == "2026-04-02 (torsdag) skjærtorsdag, helligdag"
    assert nb[-1] == "frist tirsdag 2026-04-07"
    sv = [render(s, "sv") for s in due(D(2026, 3, 2)).steps]
    assert sv[0] == "mottagen 2026-03-02 (Oslo)"
    assert sv[-1] == "sista dag tisdag 2026-04-07"


# -- ICO worked examples (legal.md 3.4) and Reg. 1182/71 (section 4) ------------------------------


@pytest.mark.parametrize("year", [2025, 2026, 2027, 2030])
def test_ico_3_september_gives_3_october_as_the_corresponding_date(year: int) -> None:
    assert add_months(D(year, 9, 3), 1) == (D(year, 10, 3), False)


def test_ico_3_september_2025_is_due_3_october() -> None:
    # 3 October 2025 is a Friday and no holiday: the corresponding date stands.
    assert due(D(2025, 9, 3)).due == D(2025, 10, 3)
    # 1182/71 equivalence: the day of receipt is not counted and the month ends on the
    # day with the same number; the ICO's pre-2019 "day after" reading gave 4 October.
    assert due(D(2025, 9, 3)).due != D(2025, 10, 4)


@pytest.mark.parametrize("calendar", VETTED_CALENDARS)
def test_ico_25_november_rolls_over_christmas_to_27_december(calendar: str) -> None:
    # 2024: 25 Dec Wednesday, 26 Thursday, 27 Friday: "27 December if that was a week day".
    d = due(D(2024, 11, 25), calendar)
    assert d.due == D(2024, 12, 27)
    assert skipped(d.steps) == [(D(2024, 12, 25), "christmas-day"), (D(2024, 12, 26), "boxing-day")]


def test_ico_31_march_gives_30_april_with_an_explicit_clamp_step() -> None:
    d = due(D(2025, 3, 31))
    assert d.due == D(2025, 4, 30)
    clamp = d.steps[1]
    assert clamp.code == "time.clamped-to-month-end"
    assert clamp.values["day"] == 31
    assert clamp.values["date"] == D(2025, 4, 30)
    assert render(clamp, "en") == (
        "+1 month: that month has no day 31, so the period ends on its last day, "
        "2025-04-30 (Wednesday)"
    )


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (D(2025, 1, 31), D(2025, 2, 28)),  # Friday
        (D(2025, 1, 30), D(2025, 2, 28)),  # lexology: 30 January -> 28 February
        (D(2025, 1, 29), D(2025, 2, 28)),
        (D(2028, 1, 31), D(2028, 2, 29)),  # leap year, a Tuesday
        (D(2024, 1, 31), D(2024, 2, 29)),  # leap year, a Thursday
    ],
)
def test_end_of_january_clamps_to_end_of_february(received: dt.date, expected: dt.date) -> None:
    d = due(received)
    assert d.due == expected
    assert d.steps[1].code == "time.clamped-to-month-end"
    assert not skipped(d.steps)


def test_28_january_is_not_clamped() -> None:
    d = due(D(2025, 1, 28))
    assert d.due == D(2025, 2, 28)
    assert d.steps[1].code == "time.plus-one-month"


def test_31_january_2026_clamps_then_rolls_over_the_weekend() -> None:
    d = due(D(2026, 1, 31))
    assert d.steps[1].code == "time.clamped-to-month-end"
    assert d.steps[1].values["date"] == D(2026, 2, 28)
    assert skipped(d.steps) == [(D(2026, 2, 28), "saturday"), (D(2026, 3, 1), "sunday")]
    assert d.due == D(2026, 3, 2)


def test_ico_1_april_rolls_off_1_may() -> None:
    d = due(D(2025, 4, 1))
    assert skipped(d.steps) == [(D(2025, 5, 1), "may-day")]
    assert d.due == D(2025, 5, 2)


def test_extension_is_three_months_from_receipt_not_two_after_the_first_deadline() -> None:
    # legal.md section 10 point 3: 31 Jan 2026 -> 30 April, not 28 April.
    d = due(D(2026, 1, 31))
    assert d.extension_notice_by == d.due == D(2026, 3, 2)
    assert d.extended_due == D(2026, 4, 30)
    assert "time.clamped-to-month-end-months" in codes(d.extended_steps)
    assert codes(d.extended_steps)[-2:] == ["time.clamped-to-month-end-months", "time.extended-due"]
    assert "time.extension-notice-by" in codes(d.extended_steps)
    assert "time.due" not in codes(d.extended_steps)


def test_extended_deadline_rolls_too() -> None:
    d = due(D(2026, 2, 6))  # +3 months = 6 May 2026, a Wednesday
    assert d.extended_due == D(2026, 5, 6)
    d = due(D(2026, 2, 14))  # +3 months = 14 May 2026, Ascension Day
    assert d.extended_due == D(2026, 5, 15)
    assert skipped(d.extended_steps)[-1] == (D(2026, 5, 14), "ascension-day")


# -- receipt day in the jurisdiction's zone ------------------------------------------------------


def test_0030_in_oslo_on_the_15th_is_the_15th_though_utc_says_14th() -> None:
    at = dt.datetime(2026, 3, 14, 23, 30, tzinfo=UTC)
    assert at.astimezone(OSLO).day == 15
    d = due(at)
    assert d.received_on == D(2026, 3, 15)
    assert d.due == D(2026, 4, 15)
    assert d.steps[0].code == "time.received-at"
    assert d.steps[0].values["at"] == at.astimezone(OSLO)
    assert render(d.steps[0], "en") == "received 2026-03-15 (Oslo, 2026-03-15T00:30+01:00)"
    # The same instant read in UTC would be the 14th: the zone matters.
    assert due(at, timezone="UTC").received_on == D(2026, 3, 14)


def test_receipt_day_in_stockholm() -> None:
    at = dt.datetime(2026, 1, 14, 23, 5, tzinfo=UTC)
    assert due(at, "SE").received_on == D(2026, 1, 15)


@pytest.mark.parametrize(
    ("instant", "day"),
    [
        # Spring forward in Europe on 29 March 2026 at 01:00 UTC (02:00 -> 03:00 local).
        (dt.datetime(2026, 3, 28, 23, 30, tzinfo=UTC), D(2026, 3, 29)),  # 00:30 CET
        (dt.datetime(2026, 3, 29, 0, 59, tzinfo=UTC), D(2026, 3, 29)),  # 01:59 CET
        (dt.datetime(2026, 3, 29, 1, 0, tzinfo=UTC), D(2026, 3, 29)),  # 03:00 CEST
        (dt.datetime(2026, 3, 29, 21, 59, tzinfo=UTC), D(2026, 3, 29)),  # 23:59 CEST
        (dt.datetime(2026, 3, 29, 22, 30, tzinfo=UTC), D(2026, 3, 30)),  # 00:30 CEST: +2 now
        # Fall back on 25 October 2026 at 01:00 UTC (03:00 -> 02:00 local).
        (dt.datetime(2026, 10, 24, 22, 30, tzinfo=UTC), D(2026, 10, 25)),  # 00:30 CEST
        (dt.datetime(2026, 10, 25, 22, 30, tzinfo=UTC), D(2026, 10, 25)),  # 23:30 CET: +1 now
        (dt.datetime(2026, 10, 25, 23, 30, tzinfo=UTC), D(2026, 10, 26)),  # 00:30 CET
    ],
)
@pytest.mark.parametrize("zone", ["Europe/Oslo", "Europe/Stockholm"])
def test_receipt_day_across_dst_changes(instant: dt.datetime, day: dt.date, zone: str) -> None:
    assert local_day(instant, zone) == day
    assert due(instant, timezone=zone).received_on == day


def test_deadline_from_a_dst_change_day() -> None:
    # Received on the spring-forward Sunday (a 23-hour day) and the fall-back Sunday.
    assert due(dt.datetime(2026, 3, 29, 12, 0, tzinfo=OSLO)).due == D(2026, 4, 29)
    assert due(dt.datetime(2026, 10, 25, 2, 30, tzinfo=OSLO)).due == D(2026, 11, 25)


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(UsageError, match=r"received 2026-03-02T09:00:00 has no time zone"):
        due(dt.datetime(2026, 3, 2, 9, 0))
    with pytest.raises(UsageError, match=r"identity asked .* has no time zone"):
        due(D(2026, 3, 2), identity_asked=dt.datetime(2026, 3, 3, 9, 0))


def test_attach_zone_reads_wall_clock_time_and_refuses_skipped_times() -> None:
    at = attach_zone(dt.datetime(2026, 3, 15, 0, 30), "Europe/Oslo")
    assert at.utcoffset() == dt.timedelta(hours=1)
    assert at.astimezone(UTC) == dt.datetime(2026, 3, 14, 23, 30, tzinfo=UTC)
    with pytest.raises(UsageError, match="does not exist in Europe/Oslo"):
        attach_zone(dt.datetime(2026, 3, 29, 2, 30), "Europe/Oslo")
    # An ambiguous autumn time is its first occurrence (summer time); its day is the day written.
    ambiguous = attach_zone(dt.datetime(2026, 10, 25, 2, 30), "Europe/Stockholm")
    assert ambiguous.utcoffset() == dt.timedelta(hours=2)
    assert local_day(ambiguous, "Europe/Stockholm") == D(2026, 10, 25)
    aware = dt.datetime(2026, 1, 1, tzinfo=UTC)
    assert attach_zone(aware, "Europe/Oslo") is aware


@pytest.mark.parametrize(
    ("day", "zone", "last"),
    [
        # the next midnight is skipped: the day ends just before the clocks jump to 01:00
        (D(2026, 3, 7), "America/Havana", dt.datetime(2026, 3, 8, 4, 59, 59, 999999, UTC)),
        (D(2026, 3, 28), "Atlantic/Azores", dt.datetime(2026, 3, 29, 0, 59, 59, 999999, UTC)),
        # the next midnight comes twice (the Azores in October): the first one ends the day
        (D(2026, 10, 24), "Atlantic/Azores", dt.datetime(2026, 10, 24, 23, 59, 59, 999999, UTC)),
        # Oslo's change is at 02:00: the day before ends at an ordinary midnight
        (D(2026, 3, 28), "Europe/Oslo", dt.datetime(2026, 3, 28, 22, 59, 59, 999999, UTC)),
        (D(2026, 3, 29), "Europe/Oslo", dt.datetime(2026, 3, 29, 21, 59, 59, 999999, UTC)),
        # Samoa skipped 30 December 2011: the 29th ran until the 31st began
        (D(2011, 12, 29), "Pacific/Apia", dt.datetime(2011, 12, 30, 9, 59, 59, 999999, UTC)),
    ],
)
def test_end_of_day_where_the_clocks_change_at_midnight(
    day: dt.date, zone: str, last: dt.datetime
) -> None:
    # attach_zone refuses a skipped wall time someone wrote; the end of a day is no such
    # time, and a plain as_of date on the eve of the change must not be an error
    got = end_of_day(day, zone)
    assert got == last
    assert got.tzinfo == ZoneInfo(zone)
    assert got.date() == day


@given(receipt_days, awkward_zones)
def test_end_of_day_is_the_last_instant_of_the_day(day: dt.date, zone: str) -> None:
    end = end_of_day(day, zone)
    assert local_day(end, zone) == day
    assert local_day(end + dt.timedelta(microseconds=1), zone) > day


@pytest.mark.parametrize(
    ("wall", "zone", "instant"),
    [
        ("2026-06-01T12:00", "Europe/Oslo", "2026-06-01T10:00"),
        # skipped: the instant the clocks jump
        ("2024-03-31T02:30", "Europe/Oslo", "2024-03-31T01:00"),
        ("2024-03-31T02:00", "Europe/Oslo", "2024-03-31T01:00"),
        ("2026-03-08T00:00", "America/Havana", "2026-03-08T05:00"),
        ("2011-12-30T12:00", "Pacific/Apia", "2011-12-30T10:00"),
        # repeated: the first occurrence (summer time)
        ("2026-10-25T02:30", "Europe/Stockholm", "2026-10-25T00:30"),
        ("2026-10-25T03:00", "Europe/Stockholm", "2026-10-25T02:00"),
    ],
)
def test_earliest_at(wall: str, zone: str, instant: str) -> None:
    got = earliest_at(dt.datetime.fromisoformat(wall), zone)
    # (in UTC: an ambiguous local time never equals a time of another zone, PEP 495)
    assert got.astimezone(UTC) == dt.datetime.fromisoformat(instant).replace(tzinfo=UTC)
    assert got.tzinfo == ZoneInfo(zone)


@given(
    st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2090, 12, 31)),
    awkward_zones,
)
def test_earliest_at_is_the_first_instant_at_or_after_a_wall_time(
    wall: dt.datetime, zone: str
) -> None:
    got = earliest_at(wall, zone)
    local = ZoneInfo(zone)

    def clock(t: dt.datetime) -> dt.datetime:
        return t.astimezone(local).replace(tzinfo=None)

    assert clock(got) >= wall
    assert clock(got - dt.timedelta(microseconds=1)) < wall


def _forward(start: dt.datetime, period: Duration) -> dt.datetime:
    """``period`` counted forward from ``start``: months (the day clamped), then the rest."""
    day = add_months(start.date(), period.total_months).date
    return dt.datetime.combine(day, start.time()) + dt.timedelta(
        days=period.total_days, hours=period.hours, minutes=period.minutes, seconds=period.seconds
    )


@pytest.mark.parametrize(
    ("end", "period", "start"),
    [
        ("2025-06-30T00:00", "P2Y", "2023-06-30T00:00"),
        # the day is missing in the start month: the period starts on the first of the next
        ("2024-02-29T00:00", "P2Y", "2022-03-01T00:00"),
        ("2025-08-31T10:30", "P6M", "2025-03-01T00:00"),
        ("2024-08-31T10:30", "P6M", "2024-03-01T00:00"),
        ("2024-08-29T10:30", "P6M", "2024-02-29T10:30"),
        ("2025-03-31T00:00", "P1M", "2025-03-01T00:00"),
        # days and clock time first, then the months
        ("2025-03-03T00:00", "P1M3D", "2025-01-28T00:00"),
        ("2025-03-31T01:00", "P1MT2H", "2025-03-01T00:00"),
        ("2025-03-31T03:00", "P1MT2H", "2025-03-01T00:00"),
        ("2025-04-01T01:00", "P1MT2H", "2025-03-01T00:00"),
        ("2025-04-01T03:00", "P1MT2H", "2025-03-01T01:00"),
    ],
)
def test_period_start_is_the_forward_count_inverted(end: str, period: str, start: str) -> None:
    p = Duration.parse(period)
    got = period_start(dt.datetime.fromisoformat(end), p)
    assert got == dt.datetime.fromisoformat(start)
    assert _forward(got, p) >= dt.datetime.fromisoformat(end)


@given(
    st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2090, 12, 31)),
    durations(),
)
def test_period_start_is_the_earliest_start_that_reaches_the_end(
    end: dt.datetime, period: Duration
) -> None:
    start = period_start(end, period)
    assert _forward(start, period) >= end
    # one microsecond earlier the period falls short: the start is the earliest one
    assert _forward(start - dt.timedelta(microseconds=1), period) < end


def test_period_start_before_the_year_one_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="before the year 1"):
        period_start(dt.datetime(1, 6, 30), Duration.parse("P2Y"))
    with pytest.raises(UsageError, match="before the year 1"):
        period_start(dt.datetime(1, 1, 2), Duration.parse("P3D"))


def test_a_zone_object_and_iso_durations_are_taken_as_services_pass_them() -> None:
    # a service holding a ZoneInfo or ISO 8601 strings gets the answer, not an AttributeError
    plain = due(D(2026, 3, 2))
    assert due(D(2026, 3, 2), timezone=ZoneInfo("Europe/Oslo")) == plain
    assert due(D(2026, 3, 2), period="P1M", extension="P2M", prompt_within="P3D") == plain
    assert due(D(2026, 3, 2), period=" P14D ").due == D(2026, 3, 16)
    assert due(D(2026, 3, 2), timezone=ZoneInfo("Europe/Oslo")).timezone == "Europe/Oslo"


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"timezone": None}, "timezone: expected an IANA time zone name such as Europe/Oslo, got NoneType"),
        ({"timezone": 1}, "timezone: expected an IANA time zone name such as Europe/Oslo, got int"),
        ({"period": "one month"}, "period: expected an ISO 8601 duration such as P1M or P14D, got 'one month'"),
        ({"extension": 60}, "extension: expected a Duration or an ISO 8601 duration such as P1M, got int"),
        ({"prompt_within": "3 days"}, "prompt_within: expected an ISO 8601 duration"),
    ],
)
def test_arguments_of_the_wrong_kind_are_usage_errors(kw: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=re.escape(message)):
        due(D(2026, 3, 2), **kw)


def test_a_promised_extension_notice_is_counted_like_the_period() -> None:
    d = due(D(2026, 3, 2), extension_notice_within="P14D")
    assert (d.due, d.notice_by, d.extension_notice_by) == (D(2026, 4, 7), D(2026, 3, 16),
                                                           D(2026, 3, 16))
    assert d.steps == due(D(2026, 3, 2)).steps  # the first period is explained as before
    # a paused clock moves the promise by the same days as the period (asked 3, answered 6)
    paused = due(D(2026, 3, 2), extension_notice_within="P14D", clock="pause",
                 identity_asked=D(2026, 3, 3), identity_answered=D(2026, 3, 6))
    # (the period: 2 April + 3 days is Easter Sunday, rolled to Tuesday 7 April)
    assert (paused.notice_by, paused.due) == (D(2026, 3, 19), D(2026, 4, 7))
    assert due(D(2026, 3, 2), extension_notice_within="P1M").notice_by is None
    with pytest.raises(UsageError, match="counted in days, weeks, months or years"):
        due(D(2026, 3, 2), extension_notice_within="PT12H")


def test_bad_zone_calendar_clock_and_years() -> None:
    with pytest.raises(UsageError, match="IANA time zone"):
        due(D(2026, 3, 2), timezone="Europe/Atlantis")
    with pytest.raises(
        UsageError, match=r"calendar must be one of NO, SE, SE-1930-173, AT, .*, SK, got 'CH'"
    ):
        due(D(2026, 3, 2), "CH")  # Switzerland is not in the EEA
    with pytest.raises(UsageError, match="got 'DE-XX'"):
        due(D(2026, 3, 2), "DE-XX")
    with pytest.raises(UsageError, match="identity clock must be one of none, restart, pause"):
        due(D(2026, 3, 2), clock="stop")
    with pytest.raises(UsageError, match="covers the years 1990 to 2100"):
        due(D(1989, 3, 2))
    with pytest.raises(UsageError, match="covers the years 1990 to 2100"):
        due(D(2100, 11, 2))  # the extended deadline falls in 2101
    with pytest.raises(UsageError, match="counted in days, weeks, months or years"):
        due(D(2026, 3, 2), period=Duration.parse("PT12H"))


# -- calendars against the law ------------------------------------------------------------------

NO_2025_2027 = {  # legal.md 6.3, "computed dates"
    2025: [
        (1, 1),
        (4, 17),
        (4, 18),
        (4, 20),
        (4, 21),
        (5, 1),
        (5, 17),
        (5, 29),
        (6, 8),
        (6, 9),
        (12, 25),
        (12, 26),
    ],
    2026: [
        (1, 1),
        (4, 2),
        (4, 3),
        (4, 5),
        (4, 6),
        (5, 1),
        (5, 14),
        (5, 17),
        (5, 24),
        (5, 25),
        (12, 25),
        (12, 26),
    ],
    2027: [
        (1, 1),
        (3, 25),
        (3, 26),
        (3, 28),
        (3, 29),
        (5, 1),
        (5, 6),
        (5, 16),
        (5, 17),
        (12, 25),
        (12, 26),
    ],
}
SE_2025_2027 = {  # legal.md 7.3, "computed dates" (Easter and Whit Sunday included)
    2025: [
        (1, 1),
        (1, 6),
        (4, 18),
        (4, 20),
        (4, 21),
        (5, 1),
        (5, 29),
        (6, 6),
        (6, 8),
        (6, 21),
        (11, 1),
        (12, 25),
        (12, 26),
    ],
    2026: [
        (1, 1),
        (1, 6),
        (4, 3),
        (4, 5),
        (4, 6),
        (5, 1),
        (5, 14),
        (5, 24),
        (6, 6),
        (6, 20),
        (10, 31),
        (12, 25),
        (12, 26),
    ],
    2027: [
        (1, 1),
        (1, 6),
        (3, 26),
        (3, 28),
        (3, 29),
        (5, 1),
        (5, 6),
        (5, 16),
        (6, 6),
        (6, 26),
        (11, 6),
        (12, 25),
        (12, 26),
    ],
}
SE_EVES_2025_2027 = {
    2025: [(6, 20), (12, 24), (12, 31)],
    2026: [(6, 19), (12, 24), (12, 31)],
    2027: [(6, 25), (12, 24), (12, 31)],
}


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_norwegian_holidays_match_legal_md(year: int) -> None:
    table = get_calendar("NO").holidays(year)
    assert sorted(table) == [D(year, m, d) for m, d in NO_2025_2027[year]]
    assert not any(k.endswith("-eve") for keys in table.values() for k in keys)


def test_17_may_2027_is_both_constitution_day_and_whit_monday() -> None:
    cal = get_calendar("NO")
    assert cal.holiday_keys(D(2027, 5, 17)) == ("constitution-day", "whit-monday")
    assert cal.reason(D(2027, 5, 17)) == "constitution-day"


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_swedish_holidays_match_legal_md(year: int) -> None:
    table = get_calendar("SE").holidays(year)
    assert sorted(table) == [D(year, m, d) for m, d in SE_2025_2027[year]]
    keys = {k for ks in table.values() for k in ks}
    assert not keys & {
        "maundy-thursday",
        "whit-monday",
        "midsummer-eve",
        "christmas-eve",
        "new-years-eve",
    }


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_se_1930_173_adds_exactly_the_three_eves(year: int) -> None:
    se = get_calendar("SE").holidays(year)
    strict = get_calendar("SE-1930-173").holidays(year)
    extra = {d: k for d, k in strict.items() if d not in se}
    assert sorted(extra) == [D(year, m, d) for m, d in SE_EVES_2025_2027[year]]
    assert sorted(k for ks in extra.values() for k in ks) == [
        "christmas-eve",
        "midsummer-eve",
        "new-years-eve",
    ]
    assert all(strict[d] == keys for d, keys in se.items())


def test_norwegian_eves_are_working_days() -> None:
    cal = get_calendar("NO")
    for day in (D(2025, 12, 24), D(2026, 12, 24), D(2026, 12, 31), D(2026, 4, 4)):
        assert cal.reason(day) in (None, "saturday")
    assert cal.is_working_day(D(2026, 12, 24))  # Thursday, julaften
    assert cal.is_working_day(D(2025, 12, 31))  # Wednesday, nyttårsaften


def test_swedish_whit_monday_only_until_2004_and_national_day_from_2005() -> None:
    se = get_calendar("SE")
    assert se.holiday_keys(D(2004, 5, 31)) == ("whit-monday",)
    assert se.holiday_keys(D(2004, 6, 7)) == ()  # 6 June 2004 was a Sunday; no National Day
    assert se.holiday_keys(D(2005, 5, 16)) == ()  # Whit Monday 2005: no longer a holiday
    assert se.holiday_keys(D(2005, 6, 6)) == ("national-day",)


@given(calendars, st.integers(2000, 2090))
def test_calendars_match_the_statutes_in_every_year(calendar: str, year: int) -> None:
    assert set(get_calendar(calendar).holidays(year)) == legal_holidays(calendar, year)


def _fake_package(extra: dict[dt.date, str]) -> Any:
    real = _time._holidays.country_holidays

    def fake(country: str, **kw: Any) -> Any:
        table = real(country, **kw)
        for day, name in extra.items():
            table[day] = name
        return table

    return fake


def test_calendar_layer_drops_days_the_package_lists_but_the_law_does_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A package version that listed eves, Whit Monday or Sundays for Sweden would be wrong
    # for lag (1989:253); the calendar layer keeps only what the law names.
    extra = {
        D(2031, 6, 2): "Pentecost Monday",
        D(2031, 12, 24): "Christmas Eve",
        D(2031, 6, 20): "Midsummer Eve",
        D(2031, 3, 2): "Sunday",
        D(2031, 4, 10): "Maundy Thursday",
    }
    monkeypatch.setattr(_time._holidays, "country_holidays", _fake_package(extra))
    _time._year_table.cache_clear()
    try:
        se = get_calendar("SE").holidays(2031)
        assert set(se) == legal_holidays("SE", 2031)
        strict = get_calendar("SE-1930-173").holidays(2031)
        assert strict[D(2031, 12, 24)] == ("christmas-eve",)
        assert D(2031, 6, 2) not in strict
        assert D(2031, 4, 10) not in strict
    finally:
        _time._year_table.cache_clear()


def test_unknown_package_name_is_an_error_not_a_silent_calendar(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        _time._holidays, "country_holidays", _fake_package({D(2032, 3, 3): "Flag Day"})
    )
    _time._year_table.cache_clear()
    try:
        with pytest.raises(EvaluationError, match="'Flag Day'"):
            get_calendar("NO").holidays(2032)
    finally:
        _time._year_table.cache_clear()


def test_year_tables_are_cached_per_year() -> None:
    before = _time._year_table.cache_info()
    get_calendar("NO").reason(D(2026, 5, 17))
    get_calendar("NO").reason(D(2026, 5, 18))
    after = _time._year_table.cache_info()
    assert after.hits >= before.hits + 1
    assert after.currsize <= after.maxsize  # type: ignore[operator]


# -- SE versus SE-1930-173 -----------------------------------------------------------------------


def test_midsummer_eve_se_versus_1930_173() -> None:
    # +1 month = Friday 19 June 2026, Midsummer Eve.
    assert due(D(2026, 5, 19), "SE").due == D(2026, 6, 19)
    strict = due(D(2026, 5, 19), "SE-1930-173")
    assert strict.due == D(2026, 6, 22)
    assert skipped(strict.steps) == [
        (D(2026, 6, 19), "midsummer-eve"),
        (D(2026, 6, 20), "midsummer-day"),
        (D(2026, 6, 21), "sunday"),
    ]


def test_christmas_eve_se_versus_1930_173() -> None:
    assert due(D(2026, 11, 24), "SE").due == D(2026, 12, 24)
    strict = due(D(2026, 11, 24), "SE-1930-173")
    assert strict.due == D(2026, 12, 28)
    assert [r for _, r in skipped(strict.steps)] == [
        "christmas-eve",
        "christmas-day",
        "boxing-day",
        "sunday",
    ]
    # Norway: julaften is a working day too.
    assert due(D(2026, 11, 24), "NO").due == D(2026, 12, 24)


def test_new_years_eve_se_versus_1930_173() -> None:
    # +1 month = Sunday 30 December 2029; 31 December is a Monday.
    assert due(D(2029, 11, 30), "SE").due == D(2029, 12, 31)
    strict = due(D(2029, 11, 30), "SE-1930-173")
    assert strict.due == D(2030, 1, 2)
    assert [r for _, r in skipped(strict.steps)] == ["sunday", "new-years-eve", "new-years-day"]


def test_swedish_calendar_has_no_maundy_thursday_or_whit_monday() -> None:
    # Norway 2026: 2 April is Maundy Thursday; Sweden works.
    assert due(D(2026, 3, 2), "SE").due == D(2026, 4, 2)
    # Whit Monday 25 May 2026: Norway rolls, Sweden does not.
    assert due(D(2026, 4, 25), "NO").due == D(2026, 5, 26)
    assert due(D(2026, 4, 25), "SE").due == D(2026, 5, 25)


def test_national_days() -> None:
    # 17 May 2028 is a Wednesday in Norway; 6 June 2028 a Tuesday in Sweden.
    assert due(D(2028, 4, 17), "NO").due == D(2028, 5, 18)
    assert due(D(2028, 4, 17), "SE").due == D(2028, 5, 17)
    assert due(D(2028, 5, 6), "SE").due == D(2028, 6, 7)
    assert due(D(2028, 5, 6), "NO").due == D(2028, 6, 6)


def test_all_saints_day_is_a_saturday_in_sweden() -> None:
    cal = get_calendar("SE")
    assert cal.reason(D(2026, 10, 31)) == "all-saints-day"
    assert cal.reason(D(2026, 11, 1)) == "sunday"
    assert get_calendar("NO").reason(D(2026, 10, 31)) == "saturday"


# -- roll_forward and add_period ------------------------------------------------------------------


def test_roll_forward_reports_each_day() -> None:
    day, steps = roll_forward(D(2026, 12, 24), "SE-1930-173")
    assert day == D(2026, 12, 28)
    assert [s.values["reason"] for s in steps] == [
        "christmas-eve",
        "christmas-day",
        "boxing-day",
        "sunday",
    ]
    assert roll_forward(D(2026, 12, 23), "SE") == (D(2026, 12, 23), ())


def test_add_period_days_and_months() -> None:
    assert add_period(D(2026, 3, 2), Duration.parse("P3D")) == D(2026, 3, 5)
    assert add_period(D(2026, 1, 31), Duration.parse("P1M3D")) == D(2026, 3, 3)
    assert add_period(D(2024, 2, 29), Duration.parse("P1Y")) == D(2025, 2, 28)
    with pytest.raises(UsageError):
        add_period(D(2026, 1, 1), Duration.parse("PT1H"))
    with pytest.raises(UsageError):
        add_months(D(2026, 1, 1), -1)


def test_period_in_days_is_reported_as_a_step() -> None:
    d = due(D(2026, 3, 2), period=Duration.parse("P30D"), extension=Duration.parse("P60D"))
    assert d.steps[1].code == "time.plus-days"
    assert d.due == D(2026, 4, 1)
    assert d.extended_due == D(2026, 6, 1)  # 90 days = Sunday 31 May
    assert d.extended_due == oracle_plus_days(D(2026, 3, 2), 90, "NO")


def oracle_plus_days(start: dt.date, days: int, calendar: str) -> dt.date:
    end = start + dt.timedelta(days=days)
    while end.weekday() >= 5 or end in legal_holidays(calendar, end.year):
        end += dt.timedelta(days=1)
    return end


@given(receipt_days, st.integers(0, 40))
def test_add_months_keeps_the_day_number_or_clamps(start: dt.date, months: int) -> None:
    result, clamped = add_months(start, months)
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == months
    if clamped:
        assert result.day < start.day
        assert (result + dt.timedelta(days=1)).day == 1  # the month's last day
    else:
        assert result.day == start.day


# -- identity clock models ----------------------------------------------------------------------


def test_clock_none_keeps_the_deadline() -> None:
    d = due(
        D(2026, 5, 20),
        clock="none",
        identity_asked=D(2026, 5, 21),
        identity_answered=D(2026, 6, 10),
    )
    assert d.due == due(D(2026, 5, 20)).due
    assert not d.clock_moved
    assert "time.identity-clock-none" in codes(d.steps)


def test_clock_restart_runs_one_month_from_the_answer() -> None:
    d = due(
        D(2026, 5, 20),
        clock="restart",
        identity_asked=D(2026, 5, 21),
        identity_answered=D(2026, 5, 26),
    )
    assert d.start == D(2026, 5, 26)
    assert d.due == D(2026, 6, 26)
    assert d.extended_due == D(2026, 8, 26)
    assert d.clock_moved
    assert codes(d.steps)[:3] == ["time.received", "time.identity-restart", "time.plus-one-month"]


def test_clock_pause_adds_the_days_from_question_to_answer() -> None:
    d = due(
        D(2026, 5, 20),
        "SE-1930-173",
        clock="pause",
        identity_asked=D(2026, 5, 21),
        identity_answered=D(2026, 5, 26),
    )
    # 20 June (Midsummer Day) + 5 paused days = Thursday 25 June; rolled only at the end.
    assert d.due == D(2026, 6, 25)
    assert codes(d.steps) == [
        "time.received",
        "time.identity-paused",
        "time.plus-one-month",
        "time.plus-paused-days",
        "time.due",
    ]
    assert d.steps[1].values["days"] == 5
    assert d.extended_due == D(2026, 8, 25)


def test_clock_pause_and_restart_differ_around_month_ends() -> None:
    kw: dict[str, Any] = {"identity_asked": D(2026, 1, 31), "identity_answered": D(2026, 2, 2)}
    restart = due(D(2026, 1, 31), clock="restart", **kw)
    pause = due(D(2026, 1, 31), clock="pause", **kw)
    assert restart.due == D(2026, 3, 2)  # 2 Feb + 1 month, a Monday
    assert pause.due == D(2026, 3, 2)  # 28 Feb + 2 days = 2 March, a Monday
    kw = {"identity_asked": D(2026, 1, 30), "identity_answered": D(2026, 2, 27)}
    assert due(D(2026, 1, 30), clock="restart", **kw).due == D(2026, 3, 27)
    assert due(D(2026, 1, 30), clock="pause", **kw).due == D(2026, 3, 30)


def test_late_or_unjustified_question_does_not_move_the_clock() -> None:
    plain = due(D(2026, 5, 20))
    late = due(
        D(2026, 5, 20),
        clock="restart",
        identity_asked=D(2026, 5, 24),
        identity_answered=D(2026, 6, 1),
    )
    assert late.due == plain.due
    assert late.steps[1].code == "time.identity-late"
    assert late.steps[1].values["prompt_by"] == D(2026, 5, 23)
    on_time = due(
        D(2026, 5, 20),
        clock="restart",
        identity_asked=D(2026, 5, 23),
        identity_answered=D(2026, 6, 1),
    )
    assert on_time.due == D(2026, 7, 1)
    unjustified = due(
        D(2026, 5, 20),
        clock="pause",
        identity_asked=D(2026, 5, 20),
        identity_answered=D(2026, 6, 1),
        identity_justified=False,
    )
    assert unjustified.due == plain.due
    assert unjustified.steps[1].code == "time.identity-unjustified"


def test_unanswered_question_suspends_the_clock() -> None:
    d = due(D(2026, 5, 20), clock="pause", identity_asked=D(2026, 5, 21))
    assert d.suspended
    assert (d.due, d.extended_due, d.extension_notice_by) == (None, None, None)
    assert codes(d.steps) == ["time.received", "time.identity-awaited"]
    assert not due(D(2026, 5, 20), clock="none", identity_asked=D(2026, 5, 21)).suspended


def test_identity_order_errors() -> None:
    with pytest.raises(UsageError, match="cannot precede receipt"):
        due(D(2026, 5, 20), identity_asked=D(2026, 5, 19))
    with pytest.raises(UsageError, match="cannot precede the question"):
        due(D(2026, 5, 20), identity_asked=D(2026, 5, 22), identity_answered=D(2026, 5, 21))
    with pytest.raises(UsageError, match="needs the day the question was asked"):
        due(D(2026, 5, 20), identity_answered=D(2026, 5, 21))


# -- properties -------------------------------------------------------------------------------


@given(receipt_days, calendars)
def test_deadline_is_a_working_day_28_to_36_days_after_receipt(
    received: dt.date, calendar: str
) -> None:
    d = due(received, calendar)
    assert d.due is not None
    assert get_calendar(calendar).is_working_day(d.due)
    assert 28 <= (d.due - received).days <= 36


def test_36_days_is_reached() -> None:
    # The bound is tight: 31 days to Maundy Thursday, then five days off (issue example).
    assert (due(D(2026, 3, 2)).due - D(2026, 3, 2)).days == 36  # type: ignore[operator]
    assert (due(D(2025, 1, 31)).due - D(2025, 1, 31)).days == 28  # type: ignore[operator]


@given(receipt_days, calendars)
def test_deadline_matches_an_independent_oracle(received: dt.date, calendar: str) -> None:
    d = due(received, calendar)
    assert d.due == oracle_due(received, calendar, 1)
    assert d.extended_due == oracle_due(received, calendar, 3)


@given(receipt_days, st.integers(0, 400), calendars)
def test_deadline_never_moves_earlier_when_receipt_moves_later(
    received: dt.date, later: int, calendar: str
) -> None:
    second = received + dt.timedelta(days=later)
    assume(second.year <= 2090)
    first_due, second_due = due(received, calendar).due, due(second, calendar).due
    assert first_due is not None and second_due is not None
    assert first_due <= second_due


@given(receipt_days, calendars)
def test_extended_deadline_is_never_earlier(received: dt.date, calendar: str) -> None:
    d = due(received, calendar)
    assert d.due is not None and d.extended_due is not None
    assert d.extended_due >= d.due
    assert get_calendar(calendar).is_working_day(d.extended_due)
    assert d.extension_notice_by == d.due


@given(receipt_days, calendars)
def test_clock_models_agree_without_an_identity_question(received: dt.date, calendar: str) -> None:
    results = [due(received, calendar, clock=m) for m in CLOCK_MODELS]
    for r in results[1:]:
        assert (r.due, r.extended_due, r.steps) == (
            results[0].due,
            results[0].extended_due,
            results[0].steps,
        )
        assert not r.clock_moved


@given(receipt_days, calendars, clock_models, st.integers(4, 20), st.integers(0, 30))
def test_clock_models_agree_when_the_question_was_late(
    received: dt.date, calendar: str, clock: str, late: int, answer: int
) -> None:
    asked = received + dt.timedelta(days=late)
    d = due(
        received,
        calendar,
        clock=clock,
        identity_asked=asked,
        identity_answered=asked + dt.timedelta(days=answer),
    )
    assert (d.due, d.extended_due) == (
        due(received, calendar).due,
        due(received, calendar).extended_due,
    )
    assert not d.clock_moved


@given(receipt_days, calendars, st.integers(0, 3), st.integers(0, 60))
def test_a_prompt_question_never_brings_the_deadline_forward(
    received: dt.date, calendar: str, ask: int, answer: int
) -> None:
    asked = received + dt.timedelta(days=ask)
    answered = asked + dt.timedelta(days=answer)
    plain = due(received, calendar)
    for clock in CLOCK_MODELS:
        d = due(received, calendar, clock=clock, identity_asked=asked, identity_answered=answered)
        assert d.due is not None and plain.due is not None
        assert d.due >= plain.due
        assert get_calendar(calendar).is_working_day(d.due)
    restart = due(
        received, calendar, clock="restart", identity_asked=asked, identity_answered=answered
    )
    assert restart.due == due(answered, calendar).due


@given(aware_instants(), zones, calendars)
def test_receipt_day_is_the_local_day(at: dt.datetime, zone: str, calendar: str) -> None:
    d = response_deadline(at, timezone=zone, calendar=calendar)
    assert d.received_on == at.astimezone(ZoneInfo(zone)).date()
    assert d.due == due(d.received_on, calendar).due


@given(receipt_days, calendars)
def test_steps_explain_the_date(received: dt.date, calendar: str) -> None:
    d = due(received, calendar)
    assert d.steps[0].values["received"] == received
    assert d.steps[-1].code == "time.due"
    assert d.steps[-1].values["date"] == d.due
    end = d.steps[1].values["date"]
    assert isinstance(end, dt.date)
    days_off = skipped(d.steps)
    # Every skipped day is consecutive from the period's end up to the day before the due date.
    assert [day for day, _ in days_off] == [
        end + dt.timedelta(days=i) for i in range(len(days_off))
    ]
    assert end + dt.timedelta(days=len(days_off)) == d.due
    for day, reason in days_off:
        assert get_calendar(calendar).reason(day) == reason
    for step in d.extended_steps:
        for lang in LANGUAGES:
            assert "{" not in render(step, lang)


# -- catalogs --------------------------------------------------------------------------------

_STEP_CODES = [
    "time.received",
    "time.received-at",
    "time.plus-one-month",
    "time.plus-months",
    "time.clamped-to-month-end",
    "time.clamped-to-month-end-months",
    "time.plus-days",
    "time.plus-paused-days",
    "time.due",
    "time.extension-notice-by",
    "time.extended-due",
    "time.identity-unjustified",
    "time.identity-late",
    "time.identity-clock-none",
    "time.identity-awaited",
    "time.identity-restart",
    "time.identity-paused",
    "time.non-working.saturday",
    "time.non-working.sunday",
    *(f"time.non-working.{k}" for k in HOLIDAY_KEYS),
    *(f"time.holiday.{k}" for k in HOLIDAY_KEYS),
]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_step_code_is_translated(lang: str) -> None:
    missing = [c for c in _STEP_CODES if not has_message(c, lang)]
    assert missing == []


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{([a-z_]+)[:}]", text))


@pytest.mark.parametrize("domain", ["time", "request"])
def test_my_catalogs_agree_on_codes_and_placeholders(domain: str) -> None:
    catalogs = {}
    for lang in LANGUAGES:
        with (LOCALES / lang / "LC_MESSAGES" / f"{domain}.po").open("rb") as fh:
            # a plural entry (msgid_plural) as its forms joined: each form is checked
            catalogs[lang] = {
                (m.id[0] if isinstance(m.id, tuple) else m.id):
                ("\n".join(m.string) if isinstance(m.string, tuple) else m.string)
                for m in read_po(fh) if m.id
            }
    assert catalogs["en"].keys() == catalogs["nb"].keys() == catalogs["sv"].keys()
    for code, en in catalogs["en"].items():
        assert _placeholders(catalogs["nb"][code]) == _placeholders(en), code
        assert _placeholders(catalogs["sv"][code]) == _placeholders(en), code
        if not code.startswith("time.non-working.") and "{" not in en and len(en) > 20:
            # Prose must be translated, not copied (short names like "1 May" may coincide).
            assert catalogs["nb"][code] != en, code
            assert catalogs["sv"][code] != en, code


def test_fast_step_messages_are_real_messages() -> None:
    assert _time._check_fast_messages()
    assert _time._msg is _time._msg_fast
    d = due(
        dt.datetime(2026, 3, 1, 23, 30, tzinfo=UTC),
        clock="pause",
        identity_asked=D(2026, 3, 3),
        identity_answered=D(2026, 3, 5),
    )
    for step in d.extended_steps:
        assert Message.model_validate(step.model_dump()) == step
        assert step.model_copy(update={"code": "time.due"}).code == "time.due"
        assert step.model_fields_set == {"code", "values"}


# -- mutation testing (issue 6): what the surviving mutants showed was unchecked ---------------

_PERIODS = {
    "P1M": Duration.parse("P1M"),
    "P2M": Duration.parse("P2M"),
    "P1M10D": Duration.parse("P1M10D"),
    "P14D": Duration.parse("P14D"),
    "P1Y": Duration.parse("P1Y"),
}
_ARITHMETIC = {
    "time.plus-one-month",
    "time.plus-months",
    "time.clamped-to-month-end",
    "time.clamped-to-month-end-months",
    "time.plus-days",
    "time.plus-paused-days",
}


def _check_arithmetic(step: Message, start: dt.date, paused: int) -> dt.date:
    """One period step: its values say exactly what was added to what."""
    v = step.values
    assert v["start"] == start, step
    end = v["date"]
    assert isinstance(end, dt.date)
    if step.code == "time.plus-days":
        assert end == start + dt.timedelta(days=v["days"])  # type: ignore[arg-type]
    elif step.code == "time.plus-paused-days":
        assert v["days"] == paused and paused > 0
        assert end == start + dt.timedelta(days=paused)
    else:
        months = v["months"]
        assert isinstance(months, int)
        shift = add_months(start, months)
        assert end == shift.date
        clamped = step.code.startswith("time.clamped-to-month-end")
        assert clamped is shift.clamped
        assert step.code.endswith("-months") is (months != 1)
        if clamped:
            assert v["day"] == start.day
    return end


def _check_period(steps: list[Message], start: dt.date, paused: int, cal: str) -> dt.date:
    """Arithmetic steps chained from ``start``, then one step per skipped day; the end."""
    day = start
    i = 0
    while i < len(steps) and steps[i].code in _ARITHMETIC:
        day = _check_arithmetic(steps[i], day, paused)
        i += 1
    assert i > 0
    for step in steps[i:]:
        assert step.code == f"time.non-working.{step.values['reason']}"
        assert step.values["date"] == day
        assert get_calendar(cal).reason(day) == step.values["reason"]
        day += dt.timedelta(days=1)
    assert get_calendar(cal).is_working_day(day)
    return day


@given(
    st.one_of(receipt_days, aware_instants()),
    calendars,
    clock_models,
    st.sampled_from(sorted(_PERIODS)),
    st.none() | st.integers(0, 6),
    st.none() | st.integers(0, 10),
    st.booleans(),
)
# Month ends that clamp, for one month and for several, with and without a pause.
@example(D(2026, 1, 31), "NO", "none", "P1M", None, None, True)
@example(D(2025, 10, 31), "SE", "pause", "P2M", 1, 3, True)
@example(D(2026, 3, 31), "SE-1930-173", "restart", "P1M10D", 2, 2, True)
def test_every_step_carries_the_values_it_explains(
    received: dt.date | dt.datetime,
    calendar: str,
    clock: str,
    period: str,
    asked_after: int | None,
    answered_after: int | None,
    justified: bool,
) -> None:
    zone = "Europe/Stockholm" if calendar.startswith("SE") else "Europe/Oslo"
    received_on = local_day(received, zone)
    asked = None if asked_after is None else received_on + dt.timedelta(days=asked_after)
    answered = (
        None if asked is None or answered_after is None else asked + dt.timedelta(answered_after)
    )
    d = due(
        received,
        calendar,
        period=_PERIODS[period],
        clock=clock,
        identity_asked=asked,
        identity_answered=answered,
        identity_justified=justified,
    )
    assert (d.received_on, d.calendar, d.timezone, d.clock) == (received_on, calendar, zone, clock)
    # Every step renders in every language with every placeholder filled.
    for step in d.extended_steps + d.steps:
        assert None not in step.values.values(), step
        for lang in LANGUAGES:
            assert has_message(step.code, lang), step.code
            assert "{" not in render(step, lang), (step, lang)
    head = d.steps[0]
    assert head.values["received"] == received_on
    assert head.values["timezone"] == zone
    assert head.values["place"] == zone.split("/")[1]
    if isinstance(received, dt.datetime):
        assert head.code == "time.received-at"
        assert head.values["at"] == received.astimezone(ZoneInfo(zone))
    else:
        assert head.code == "time.received"
    # The identity step, if any, names the days it was given.
    counts = asked is not None and justified and asked <= received_on + dt.timedelta(days=3)
    paused = 0
    rest = list(d.steps[1:])
    if asked is not None:
        ident = rest.pop(0)
        assert ident.code.startswith("time.identity-")
        assert ident.values["asked"] == asked
        if ident.code == "time.identity-late":
            assert ident.values["prompt_by"] == received_on + dt.timedelta(days=3)
            assert ident.values["within"] == "P3D"
        if ident.code == "time.identity-awaited":
            assert ident.values["clock"] == clock
        if ident.code in ("time.identity-restart", "time.identity-paused"):
            assert ident.values["answered"] == answered
        if ident.code == "time.identity-paused":
            assert answered is not None
            paused = (answered - asked).days
            assert ident.values["days"] == paused
        expected = (
            "time.identity-unjustified"
            if not justified
            else "time.identity-clock-none"  # under 'none' lateness moves nothing either
            if clock == "none"
            else "time.identity-late"
            if not counts
            else "time.identity-awaited"
            if answered is None
            else f"time.identity-{'restart' if clock == 'restart' else 'paused'}"
        )
        assert ident.code == expected
    if d.suspended:
        assert rest == [] and d.steps == d.extended_steps
        assert d.clock_moved is True
        assert (d.start, d.due, d.extended_due) == (None, None, None)
        return
    moved_start = counts and clock == "restart" and answered is not None
    assert d.start == (answered if moved_start else received_on)
    assert d.clock_moved is ((moved_start and answered != received_on) or paused > 0)
    if not (counts and clock != "none"):
        # A question that does not count leaves the deadline exactly as without one.
        plain = due(received, calendar, period=_PERIODS[period], clock=clock)
        assert (d.due, d.extended_due) == (plain.due, plain.extended_due)
    assert rest[-1].code == "time.due" and rest[-1].values["date"] == d.due
    assert d.start is not None
    assert _check_period(rest[:-1], d.start, paused, calendar) == d.due
    ext = list(d.extended_steps[len(d.steps) - len(rest) :])
    notice = ext.index(Message(code="time.extension-notice-by", values={"date": d.due}))
    assert _check_period(ext[:notice], d.start, paused, calendar) == d.due
    assert ext[-1] == Message(code="time.extended-due", values={"date": d.extended_due})
    assert _check_period(ext[notice + 1 : -1], d.start, paused, calendar) == d.extended_due
    assert d.steps_for(False) == d.steps and d.steps_for(True) == d.extended_steps
    assert d.in_force(False) == d.due and d.in_force(True) == d.extended_due


def test_checked_and_fast_step_messages_are_equal() -> None:
    # _msg_checked is the fallback for a pydantic whose internals differ.
    for code, values in [
        ("time.due", {"date": D(2026, 4, 7)}),
        ("time.plus-days", {"start": D(2026, 4, 7), "days": 3, "date": D(2026, 4, 10)}),
    ]:
        checked = _time._msg_checked(code, **values)  # type: ignore[arg-type]
        assert checked == _time._msg_fast(code, **values)  # type: ignore[arg-type]
        assert checked == Message(code=code, values=values)


@pytest.mark.parametrize(
    ("calendar", "day", "keys"),
    [
        ("NO", D(2008, 5, 1), ("may-day", "ascension-day")),
        ("NO", D(2007, 5, 17), ("constitution-day", "ascension-day")),
        ("SE", D(2008, 5, 1), ("may-day", "ascension-day")),
        ("SE", D(2049, 6, 6), ("whit-sunday", "national-day")),
    ],
)
def test_two_holidays_on_one_day_are_reported_in_priority_order(
    calendar: str, day: dt.date, keys: tuple[str, ...]
) -> None:
    cal = get_calendar(calendar)
    assert cal.holiday_keys(day) == keys
    assert cal.reason(day) == keys[0]


def test_calendar_years_and_their_errors_are_exact() -> None:
    for code in VETTED_CALENDARS:
        assert get_calendar(code).holidays(1990) and get_calendar(code).holidays(2100)
    with pytest.raises(
        UsageError, match=r"^calendar SE covers the years 1990 to 2100, got a date in 1989$"
    ):
        get_calendar("SE").holidays(1989)
    with pytest.raises(
        UsageError, match=r"^calendar NO covers the years 1990 to 2100, got a date in 2101$"
    ):
        get_calendar("NO").holidays(2101)
    # Received before 1990, even while an identity question stops the clock.
    with pytest.raises(
        UsageError, match=r"^calendar NO covers the years 1990 to 2100, got a date in 1989$"
    ):
        due(D(1989, 12, 30), clock="pause", identity_asked=D(1989, 12, 31))
    # The period ends after 2100.
    with pytest.raises(
        UsageError, match=r"^calendar SE covers the years 1990 to 2100, got a date in 2101$"
    ):
        due(D(2100, 12, 15), "SE")
    # The clock restarts on an answer given in 2101.
    with pytest.raises(
        UsageError, match=r"^calendar NO covers the years 1990 to 2100, got a date in 2101$"
    ):
        due(
            D(2100, 12, 30),
            clock="restart",
            identity_asked=D(2100, 12, 31),
            identity_answered=D(2101, 1, 1),
        )
    assert due(D(1990, 1, 2)).due == D(1990, 2, 2)


def test_calendar_objects() -> None:
    assert _time.Calendar("SE").code == "SE"
    assert repr(get_calendar("SE-1930-173")) == "Calendar('SE-1930-173')"
    no = get_calendar("NO")
    assert no.next_working_day(D(2026, 4, 2)) == D(2026, 4, 7)  # Maundy Thursday to Tuesday
    assert no.next_working_day(D(2026, 4, 8)) == D(2026, 4, 8)
    end, steps = roll_forward(D(2026, 4, 4), no)  # a Calendar as well as its code
    assert end == D(2026, 4, 7)
    assert [s.values["reason"] for s in steps] == ["saturday", "easter-sunday", "easter-monday"]


class _NoOffset(dt.tzinfo):
    """A tzinfo that does not know its offset: the date-time counts as naive."""

    def utcoffset(self, d: dt.datetime | None) -> dt.timedelta | None:
        return None

    def dst(self, d: dt.datetime | None) -> dt.timedelta | None:
        return None


def test_zone_edge_cases_and_exact_errors() -> None:
    unknown = dt.datetime(2026, 3, 2, 12, 0, tzinfo=_NoOffset())
    attached = attach_zone(unknown, "Europe/Oslo")
    assert attached.utcoffset() == dt.timedelta(hours=1)
    with pytest.raises(UsageError, match=r"^date-time 2026-03-02T12:00:00 has no time zone"):
        local_day(unknown, "Europe/Oslo")
    with pytest.raises(UsageError, match=r"^received 2026-03-02T12:00:00 has no time zone"):
        due(unknown)
    # Repeated in autumn: the first occurrence (summer time), whatever the fold says.
    repeated = dt.datetime(2026, 10, 25, 2, 30, fold=1)
    assert attach_zone(repeated, "Europe/Oslo").utcoffset() == dt.timedelta(hours=2)
    with pytest.raises(
        UsageError,
        match=r"^date-time 2026-03-29T02:30:00 does not exist in Europe/Oslo "
        r"\(the clocks skip it when summer time starts\); give an offset$",
    ):
        attach_zone(dt.datetime(2026, 3, 29, 2, 30), "Europe/Oslo")
    with pytest.raises(
        UsageError, match=r"^identity answered 2026-03-04T12:00:00 has no time zone"
    ):
        due(
            D(2026, 3, 2),
            identity_asked=D(2026, 3, 3),
            identity_answered=dt.datetime(2026, 3, 4, 12),
        )
    with pytest.raises(
        UsageError, match=r"^an identity answer needs the day the question was asked$"
    ):
        due(D(2026, 3, 2), identity_answered=D(2026, 3, 4))
    d = response_deadline(D(2026, 3, 2), timezone="America/Argentina/Buenos_Aires", calendar="NO")
    assert d.steps[0].values["place"] == "Buenos Aires"


def test_month_arithmetic_limits_and_errors_are_exact() -> None:
    assert add_months(D(9999, 1, 31), 1) == (D(9999, 2, 28), True)
    with pytest.raises(UsageError, match=r"^9999-12-01 \+ 1 months is past the year 9999$"):
        add_months(D(9999, 12, 1), 1)
    with pytest.raises(UsageError, match=r"^months must not be negative, got -1$"):
        add_months(D(2026, 1, 1), -1)
    with pytest.raises(
        UsageError, match=r"^periods are counted in days, weeks, months or years, got PT12H$"
    ):
        add_period(D(2026, 1, 1), Duration.parse("PT12H"))
    with pytest.raises(
        UsageError,
        match=r"^response periods are counted in days, weeks, months or years, got PT12H and P2M$",
    ):
        due(D(2026, 3, 2), period=Duration.parse("PT12H"))


def test_pause_moves_the_clock_only_by_a_whole_day() -> None:
    same_day = due(
        D(2026, 3, 2), clock="pause", identity_asked=D(2026, 3, 3), identity_answered=D(2026, 3, 3)
    )
    assert same_day.clock_moved is False and same_day.due == due(D(2026, 3, 2)).due
    one_day = due(
        D(2026, 3, 2), clock="pause", identity_asked=D(2026, 3, 3), identity_answered=D(2026, 3, 4)
    )
    assert one_day.clock_moved is True
    plain = due(D(2026, 3, 2))
    assert plain.clock_moved is False and plain.clock == "none"


def test_a_pause_past_2100_is_refused_not_overflowed() -> None:
    # Received Tuesday 1 June 2100; the extended period (3 months) ends on 1 September 2100.
    asked = D(2100, 6, 2)
    to_new_year = (D(2100, 12, 31) - D(2100, 9, 1)).days
    # A pause that ends the extended period on Friday 31 December 2100 is still in range...
    d = due(
        D(2100, 6, 1),
        clock="pause",
        identity_asked=asked,
        identity_answered=asked + dt.timedelta(days=to_new_year),
    )
    assert d.extended_due == D(2100, 12, 31)
    # ...one day more is not, and neither is a pause that would pass date.max.
    for days in (to_new_year + 1, (dt.date.max - asked).days):
        with pytest.raises(
            UsageError, match=r"^calendar NO covers the years 1990 to 2100, got a date in 2101$"
        ):
            due(
                D(2100, 6, 1),
                clock="pause",
                identity_asked=asked,
                identity_answered=asked + dt.timedelta(days=days),
            )


@pytest.mark.parametrize("zone", ["Europe", "Europe/" + "A" * 300])
def test_a_zone_name_that_is_a_folder_or_too_long_is_a_usage_error(zone: str) -> None:
    from gdpr_policy._errors import UsageError
    from gdpr_policy._time import local_day

    with pytest.raises(UsageError, match="expected an IANA time zone"):
        local_day(dt.datetime(2025, 1, 1, 12, 0, tzinfo=dt.UTC), zone)


def test_deadline_json_names_every_fact_under_its_key() -> None:
    # what `gdpr-policy deadline --format json` and services read: every key pinned
    d = response_deadline(D(2026, 1, 30), timezone="Europe/Oslo", calendar="NO", clock="pause",
                          identity_asked=D(2026, 2, 2), identity_answered=D(2026, 2, 5))
    data = d.to_json()
    assert [s["code"] for s in data.pop("steps")] == [m.code for m in d.steps_for(False)]
    assert data == {
        "received_on": "2026-01-30",
        "calendar": "NO",
        "timezone": "Europe/Oslo",
        "clock": "pause",
        "clock_moved": True,
        "suspended": False,
        "start": "2026-01-30",
        "stop_processing_on": None,
        "due": "2026-03-03",
        "extension_notice_by": "2026-03-03",
        "extended_due": "2026-05-04",
        "legal": ["GDPR Art. 12(3)", "Regulation 1182/71 Art. 3", "NO Domstolloven § 148",
                  "NO Domstolloven § 149"],
    }
    assert d.to_json(extended=True)["due"] == "2026-05-04"


def test_a_received_value_that_is_no_date_is_a_usage_error_naming_received() -> None:
    with pytest.raises(UsageError, match=r"^received: expected a date \(2026-03-02\) or an aware"):
        response_deadline("yesterday", timezone="Europe/Oslo", calendar="NO")


def test_an_opt_out_stops_processing_on_receipt_even_while_the_identity_clock_waits() -> None:
    # clock restart, identity asked and not answered: no deadline runs yet, but an objection
    # to marketing still takes effect the day it arrived (Art. 21(3))
    d = response_deadline(D(2026, 3, 2), timezone="Europe/Oslo", calendar="NO", clock="restart",
                          identity_asked=D(2026, 3, 3), stops_on_receipt="marketing-opt-out")
    assert (d.start, d.due, d.stop_processing_on) == (None, None, D(2026, 3, 2))
    assert d.to_json()["stop_processing_on"] == "2026-03-02"


# -- every EEA country (issue 16): the public holidays the holidays package lists ---------------

_EEA_CALENDARS = [c for c in _time.CALENDARS if c not in VETTED_CALENDARS]


@pytest.mark.parametrize(
    ("calendar", "received", "expected", "skips"),
    [
        # Corpus Christi (Easter + 60) is a public holiday in Bavaria, not in Germany at large.
        ("DE-BY", D(2026, 5, 4), D(2026, 6, 5), [(D(2026, 6, 4), "corpus-christi")]),
        ("DE", D(2026, 5, 4), D(2026, 6, 4), []),
        # Assumption: a public holiday in Saarland; in Bavaria only in Catholic municipalities
        # (the package's "catholic" category), so the Bavarian calendar does not skip it:
        # a day missed makes the deadline earlier, never late.
        ("DE-SL", D(2024, 7, 15), D(2024, 8, 16), [(D(2024, 8, 15), "assumption-day")]),
        ("DE-BY", D(2024, 7, 15), D(2024, 8, 15), []),
        ("FR", D(2026, 6, 14), D(2026, 7, 15), [(D(2026, 7, 14), "fr-national-day")]),
        # Store bededag: a holiday in 2023, abolished from 2024.
        (
            "DK",
            D(2023, 4, 5),
            D(2023, 5, 8),
            [(D(2023, 5, 5), "great-prayer-day"), (D(2023, 5, 6), "saturday"),
             (D(2023, 5, 7), "sunday")],
        ),
        ("DK", D(2024, 3, 26), D(2024, 4, 26), []),
        # Midsummer Eve is a public holiday in the package's Finnish calendar.
        (
            "FI",
            D(2026, 5, 19),
            D(2026, 6, 22),
            [(D(2026, 6, 19), "midsummer-eve-holiday"), (D(2026, 6, 20), "midsummer-day"),
             (D(2026, 6, 21), "sunday")],
        ),
        ("PL", D(2027, 4, 3), D(2027, 5, 4), [(D(2027, 5, 3), "pl-constitution-day")]),
        # Madrid's own holiday on 2 May; Spain at large works that Friday.
        (
            "ES-MD",
            D(2025, 4, 2),
            D(2025, 5, 5),
            [(D(2025, 5, 2), "es-madrid-day"), (D(2025, 5, 3), "saturday"),
             (D(2025, 5, 4), "sunday")],
        ),
        ("ES", D(2025, 4, 2), D(2025, 5, 2), []),
        ("IT", D(2026, 5, 2), D(2026, 6, 3), [(D(2026, 6, 2), "it-republic-day")]),
        ("NL", D(2026, 3, 27), D(2026, 4, 28), [(D(2026, 4, 27), "nl-kings-day")]),
        ("IS", D(2026, 5, 17), D(2026, 6, 18), [(D(2026, 6, 17), "is-national-day")]),
        ("IS", D(2026, 3, 23), D(2026, 4, 24), [(D(2026, 4, 23), "is-first-day-of-summer")]),
    ],
)
def test_eea_worked_examples_roll_off_the_countrys_public_holidays(
    calendar: str, received: dt.date, expected: dt.date, skips: list[tuple[dt.date, str]]
) -> None:
    d = due(received, calendar, timezone="Europe/Berlin")
    assert d.due == expected
    assert skipped(d.steps) == skips
    assert d.legal == ("GDPR Art. 12(3)", "Regulation 1182/71 Art. 3")
    for step in d.steps:
        for lang in LANGUAGES:
            assert "{" not in render(step, lang), (step, lang)


def test_eea_holiday_steps_render_in_every_language() -> None:
    d = due(D(2026, 6, 14), "FR", timezone="Europe/Paris")
    step = next(s for s in d.steps if s.code == "time.non-working.fr-national-day")
    assert render(step, "en") == "2026-07-14 (Tuesday) Bastille Day (14 July), public holiday"
    assert render(step, "nb") == "2026-07-14 (tirsdag) Frankrikes nasjonaldag (14. juli), helligdag"
    assert render(step, "sv") == "2026-07-14 (tisdag) Frankrikes nationaldag (14 juli), helgdag"


@given(st.sampled_from(_EEA_CALENDARS), st.dates(min_value=D(2008, 1, 1), max_value=D(2099, 11, 30)))
def test_an_eea_deadline_is_the_first_working_day_on_or_after_the_plain_month_end(
    calendar: str, received: dt.date
) -> None:
    cal = get_calendar(calendar)
    d = due(received, calendar, timezone="Europe/Brussels")
    plain = add_months(received, 1).date
    assert d.due is not None and d.due >= plain
    assert d.due.weekday() < 5 and not cal.holiday_keys(d.due)
    day = plain
    while day < d.due:  # every day skipped is a weekend or one of the calendar's holidays
        assert day.weekday() >= 5 or cal.holiday_keys(day), (calendar, day)
        day += dt.timedelta(days=1)
    # the holidays a region adds only ever move its deadline later than its country's
    country = calendar.split("-", 1)[0]
    if country != calendar:
        assert d.due >= due(received, country, timezone="Europe/Brussels").due  # type: ignore[operator]


@pytest.mark.parametrize(("code", "first"), [
    ("NO", 1990), ("SE-1930-173", 1990), ("FR", 1990), ("ES", 2008), ("ES-MD", 2008),
    ("DE", 1991), ("DE-BY", 1991), ("SK", 1993),
])
def test_a_calendar_starts_where_the_package_has_its_data_regions_with_their_country(
        code: str, first: int) -> None:
    assert _time.first_year(code) == first
    with pytest.raises(UsageError, match=rf"calendar {code} covers the years {first} to 2100"):
        get_calendar(code).holidays(first - 1)
    assert get_calendar(code).holidays(first) is not None


def test_an_unknown_name_in_another_countrys_calendar_is_an_error(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        _time._holidays, "country_holidays", _fake_package({D(2032, 3, 3): "Flag Day"}))
    _time._year_table.cache_clear()
    try:
        with pytest.raises(EvaluationError, match=r"^the holidays package lists 'Flag Day' on "
                           r"2032-03-03 for DE-BY, which this library does not know; update "
                           r"gdpr_policy._holiday_names$"):
            get_calendar("DE-BY").holidays(2032)
    finally:
        _time._year_table.cache_clear()


# -- mutation testing (issue 11, second round) ---------------------------------------------------


class _Listing:
    """The package's real listing, with names put *before* its own on some days.

    The calendar layer reads a day's names one by one; a day whose first name
    is one it drops must still keep the names after it.
    """

    def __init__(self, real: Any, first: dict[dt.date, list[str]]) -> None:
        self.real, self.first = real, first

    def __iter__(self) -> Any:
        return iter(sorted(set(self.real) | set(self.first)))

    def get_list(self, day: dt.date) -> list[str]:
        own = self.real.get_list(day) if day in self.real else []
        return [*self.first.get(day, []), *own]


def _names_first(first: dict[dt.date, list[str]]) -> Any:
    real = _time._holidays.country_holidays

    def fake(country: str, **kw: Any) -> Any:
        return _Listing(real(country, **kw), first)

    return fake


@pytest.mark.parametrize(("code", "day", "first", "keys"), [
    # a weekday name is skipped, and the holiday after it on the same day is kept
    ("NO", D(2031, 12, 25), ["Sunday"], ("christmas-day",)),
    ("DE", D(2031, 12, 25), ["Sunday"], ("christmas-day",)),
    # an eve Sweden's act does not make a holiday is dropped, not the holiday after it
    ("SE", D(2031, 12, 25), ["Christmas Eve"], ("christmas-day",)),
    # Whit Monday after 2004 and National Day before 2005 are dropped for Sweden ...
    ("SE", D(2031, 6, 6), ["Whit Monday"], ("national-day",)),
    ("SE", D(2004, 12, 25), ["National Day"], ("christmas-day",)),
    # ... and only for Sweden: Norway keeps a Whit Monday whatever the year
    ("NO", D(2031, 12, 25), ["Whit Monday"], ("whit-monday", "christmas-day")),
])
def test_a_dropped_name_drops_only_itself_not_the_rest_of_its_day(
        monkeypatch: pytest.MonkeyPatch, code: str, day: dt.date, first: list[str],
        keys: tuple[str, ...]) -> None:
    monkeypatch.setattr(_time._holidays, "country_holidays", _names_first({day: first}))
    _time._year_table.cache_clear()
    try:
        assert get_calendar(code).holiday_keys(day) == keys
    finally:
        _time._year_table.cache_clear()


def test_the_strict_swedish_reading_needs_exactly_one_midsummer_day(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_time._holidays, "country_holidays",
                        _names_first({D(2031, 12, 25): ["Midsummer Day"]}))
    _time._year_table.cache_clear()
    try:
        with pytest.raises(EvaluationError,
                           match=r"^expected one Midsummer Day in 2031, found 2$"):
            get_calendar("SE-1930-173").holidays(2031)
    finally:
        _time._year_table.cache_clear()


@pytest.mark.parametrize("language", ["nb", "sv", "de", "fr"])
def test_calendars_do_not_depend_on_the_users_language(
        monkeypatch: pytest.MonkeyPatch, language: str) -> None:
    # The holidays package translates names by gettext, which reads LANGUAGE when no
    # language is passed: the name tables are English, so the calendar must ask for it.
    codes = ("NO", "SE", "SE-1930-173", "DE", "FR", "DE-BY")
    _time._year_table.cache_clear()
    expected = {code: get_calendar(code).holidays(2031) for code in codes}
    monkeypatch.setenv("LANGUAGE", language)
    _time._year_table.cache_clear()
    try:
        assert {code: get_calendar(code).holidays(2031) for code in codes} == expected
    finally:
        _time._year_table.cache_clear()


def test_two_holidays_on_one_day_come_in_the_documented_order() -> None:
    # Ascension Day fell on 1 May in 2008: the step names the day's first key, and
    # keys come in HOLIDAY_KEYS order, not alphabetically.
    assert get_calendar("AT").holiday_keys(D(2008, 5, 1)) == ("may-day", "ascension-day")
    assert get_calendar("AT").reason(D(2008, 5, 1)) == "may-day"
    assert get_calendar("NO").holiday_keys(D(2008, 5, 1)) == ("may-day", "ascension-day")


def test_the_fast_message_path_is_used_only_when_it_builds_the_same_message(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert _time._check_fast_messages() is True
    real = _time._msg_fast

    def unset_fields(code: str, **values: Any) -> Message:
        message = real(code, **values)
        # equal by ==, model_dump and repr; only the fields set differ
        object.__setattr__(message, "__pydantic_fields_set__", set())
        return message

    monkeypatch.setattr(_time, "_msg_fast", unset_fields)
    assert _time._check_fast_messages() is False

    def broken(code: str, **values: Any) -> Message:
        raise TypeError("pydantic internals changed")

    monkeypatch.setattr(_time, "_msg_fast", broken)
    assert _time._check_fast_messages() is False


def test_an_extended_deadlines_json_carries_the_extended_steps() -> None:
    d = due(D(2026, 1, 31))
    plain, extended = d.to_json(), d.to_json(extended=True)
    assert plain["steps"] != extended["steps"]
    assert len(extended["steps"]) == len(d.extended_steps)
    assert extended["steps"][-1]["values"]["date"] == "2026-04-30"


@pytest.mark.parametrize(("field", "value", "message"), [
    ("received", 20260302, r"^received: expected a date \(2026-03-02\) or an aware date-time "
                           r"\(2026-03-02T09:15\+01:00\), got int$"),
    ("identity_asked", "2026-13-01", r"^identity_asked: expected .*, got '2026-13-01'$"),
    ("identity_answered", "tomorrow", r"^identity_answered: expected .*, got 'tomorrow'$"),
])
def test_a_bad_time_argument_is_named_with_what_was_given(
        field: str, value: object, message: str) -> None:
    kw: dict[str, Any] = {"received": D(2026, 3, 2), "identity_asked": D(2026, 3, 3),
                          "clock": "restart", field: value}
    received = kw.pop("received")
    with pytest.raises(UsageError, match=message):
        response_deadline(received, timezone="Europe/Oslo", calendar="NO", **kw)


def test_an_unknown_stop_on_receipt_lists_the_accepted_ones() -> None:
    with pytest.raises(UsageError, match=r"^stops_on_receipt must be one of marketing-opt-out, "
                                         r"consent-withdrawal, got 'objection'$"):
        due(D(2026, 3, 2), stops_on_receipt="objection")


def test_a_naive_receipt_time_is_refused_with_the_day_it_names() -> None:
    with pytest.raises(UsageError, match=r"^received 2026-03-02T23:30:00 has no time zone"):
        due(dt.datetime(2026, 3, 2, 23, 30))
