"""Calendars, calendar-month periods and response deadlines that carry their explanation.

This is the only module that does date arithmetic. It follows Council
Regulation (EEC, Euratom) No 1182/71 as applied to GDPR Art. 12(3):

* the period runs from the **day of receipt**, taken in the jurisdiction's time
  zone (an e-mail at 00:30 in Oslo on the 15th was received on the 15th, though
  it is still the 14th in UTC); that day is not counted (Art. 3(1));
* a period of months ends on the day of the last month that bears the same
  number as the day of receipt, or on that month's last day when the month is
  shorter (Art. 3(2)(c)): 31 January + 1 month = 28 or 29 February. The clamp
  is always reported as its own step;
* when that day is a Saturday, Sunday or public holiday, the period ends on the
  next working day (Art. 3(4)); every skipped day is a step with its reason.

Three calendars, built on the ``holidays`` package and checked against the law:

* ``NO``: helligdager and høytidsdager (1 Jan, Maundy Thursday, Good Friday,
  Easter Sunday and Monday, 1 May, 17 May, Ascension Day, Whit Sunday and
  Monday, 25 and 26 Dec) and every Sunday. Eves are working days.
* ``SE``: allmänna helgdagar under lag (1989:253) (1 and 6 Jan, Good Friday,
  Easter Sunday and Monday, 1 May, Ascension Day, Whit Sunday, 6 June,
  Midsummer Day, All Saints' Day, 25 and 26 Dec) and every Sunday.
* ``SE-1930-173``: ``SE`` plus Midsummer Eve, Christmas Eve and New Year's Eve,
  which lag (1930:173) 2 § treats like holidays for statutory deadlines.

Every other EEA country has a calendar of its
statutory public holidays **as the ``holidays`` package lists them** (category
``public`` only, never bank, optional or half-day holidays), with ISO 3166-2
subdivisions where they differ by region: the German Länder (``DE-BY``), the
Spanish communities (``ES-MD``), the Austrian states, Alsace-Moselle and the
French overseas departments, Åland (``FI-01``), the Azores and Madeira. These
are not checked against national acts on computing time (Finland's lag
150/1930 ...). No day the package does not list is added; decreed bridge
days and estimated dates are dropped (``_holiday_names``). A missing day can
only make a deadline earlier, never later than the law's.

Holidays carry stable keys of this library (``maundy-thursday``,
``midsummer-eve`` ...), translated in the ``time`` catalog; the package's
display names are only read to map them to those keys, and a name the map does
not know is an error rather than a silently wrong calendar.

Steps are :class:`~gdpr_policy.Message` values with codes in the ``time``
domain; nothing here builds a sentence.
"""

from __future__ import annotations

import calendar as _stdcal
import datetime as dt
import zoneinfo
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, Literal, NamedTuple, get_args

import holidays as _holidays

from ._args import duration, when, zone_name
from ._duration import Duration
from ._errors import EvaluationError, UsageError
from ._holiday_names import EEA_KEYS, holiday_key
from ._messages import Message, MessageValue
from ._places import (
    CALENDARS,
    EEA_COUNTRY_CODES,
    VETTED_CALENDARS,
    CalendarCode,
    EeaCountry,
)
from ._trusted import construct
from ._zones import zone_of

__all__ = [
    "CALENDARS",
    "CLOCK_MODELS",
    "EEA_COUNTRY_CODES",
    "FIRST_YEARS",
    "HOLIDAY_KEYS",
    "STOPS_ON_RECEIPT",
    "VETTED_CALENDARS",
    "Calendar",
    "CalendarCode",
    "ClockModel",
    "Deadline",
    "EeaCountry",
    "MonthShift",
    "add_months",
    "add_period",
    "attach_zone",
    "earliest_at",
    "end_of_day",
    "first_year",
    "get_calendar",
    "local_day",
    "period_start",
    "response_deadline",
    "roll_forward",
]

ClockModel = Literal["none", "restart", "pause"]
CLOCK_MODELS: tuple[ClockModel, ...] = get_args(ClockModel)

#: The years the calendars cover: the ``holidays`` package's range for Norway and
#: Sweden, starting after lag (1989:253) came into force. Another country's
#: calendar starts later where the package's data for it does (:data:`FIRST_YEARS`).
FIRST_YEAR = 1990
LAST_YEAR = 2100
#: The first year of a country's calendar when it is after :data:`FIRST_YEAR`: the
#: package has no data before it (Germany from reunification, Spain from 2008 ...).
FIRST_YEARS: Mapping[str, int] = {
    "BG": 1991, "DE": 1991, "EE": 1991, "LV": 1991, "HR": 1992, "SI": 1992, "SK": 1993,
    "RO": 1997, "ES": 2008,
}  # fmt: skip

_ONE_MONTH = Duration(months=1)
_TWO_MONTHS = Duration(months=2)
_THREE_DAYS = Duration(days=3)
_DAY = dt.timedelta(days=1)

# The ``holidays`` package's English names (language="en_US") mapped to our keys.
_PACKAGE_NAMES: Mapping[str, str] = {
    "New Year's Day": "new-years-day",
    "Epiphany": "epiphany",
    "Maundy Thursday": "maundy-thursday",
    "Good Friday": "good-friday",
    "Easter Sunday": "easter-sunday",
    "Easter Monday": "easter-monday",
    "Labor Day": "may-day",
    "May Day": "may-day",
    "Constitution Day": "constitution-day",
    "Ascension Day": "ascension-day",
    "Pentecost": "whit-sunday",
    "Whit Sunday": "whit-sunday",
    "Pentecost Monday": "whit-monday",
    "Whit Monday": "whit-monday",
    "National Day": "national-day",
    "Midsummer Day": "midsummer-day",
    "All Saints' Day": "all-saints-day",
    "Christmas Day": "christmas-day",
    "Second Day of Christmas": "boxing-day",
    # Not public holidays under either statute; known so that they are dropped, not refused.
    "Midsummer Eve": "midsummer-eve",
    "Christmas Eve": "christmas-eve",
    "New Year's Eve": "new-years-eve",
}

_WEEKDAY_NAMES = frozenset({"Sunday", "Saturday"})

# What the law makes a non-working day, per calendar. Anything else the package
# lists is dropped (and the tests say so), so a package change cannot add days.
_NO_KEYS = frozenset(
    {
        "new-years-day",
        "maundy-thursday",
        "good-friday",
        "easter-sunday",
        "easter-monday",
        "may-day",
        "constitution-day",
        "ascension-day",
        "whit-sunday",
        "whit-monday",
        "christmas-day",
        "boxing-day",
    }
)
_SE_KEYS = frozenset(
    {
        "new-years-day",
        "epiphany",
        "good-friday",
        "easter-sunday",
        "easter-monday",
        "may-day",
        "ascension-day",
        "whit-sunday",
        "whit-monday",
        "national-day",
        "midsummer-day",
        "all-saints-day",
        "christmas-day",
        "boxing-day",
    }
)
_SE_EVES = ("midsummer-eve", "christmas-eve", "new-years-eve")
#: Lag (2004:1320) replaced Whit Monday by 6 June as an allmän helgdag from 2005.
_SE_WHIT_MONDAY_UNTIL = 2004
_SE_NATIONAL_DAY_FROM = 2005

#: Every holiday key a calendar can report, in display priority: when two
#: holidays share a day (17 May 2027 is also Whit Monday) the first one named
#: here is the step's reason.
HOLIDAY_KEYS: tuple[str, ...] = (
    "new-years-day",
    "epiphany",
    "maundy-thursday",
    "good-friday",
    "easter-sunday",
    "easter-monday",
    "may-day",
    "constitution-day",
    "ascension-day",
    "whit-sunday",
    "whit-monday",
    "national-day",
    "midsummer-eve",
    "midsummer-day",
    "all-saints-day",
    "christmas-eve",
    "christmas-day",
    "boxing-day",
    "new-years-eve",
    *EEA_KEYS,
)
_PRIORITY = {k: i for i, k in enumerate(HOLIDAY_KEYS)}


def _msg_fast(code: str, **values: MessageValue) -> Message:
    # Steps are built from values this module computed itself, so validation is
    # skipped, and so is model_construct's per-field loop: building messages was
    # most of the cost of a deadline (see benchmarks/deadlines.py). _trusted checks
    # at import that this is what model_construct builds; _check_fast_messages()
    # checks it again for messages, and _msg falls back to model_construct otherwise.
    return construct(Message, {"code": code, "values": values})


def _msg_checked(code: str, **values: MessageValue) -> Message:
    return Message.model_construct(code=code, values=values)


def _check_fast_messages() -> bool:
    probe: dict[str, MessageValue] = {"date": dt.date(2026, 4, 7), "n": 1}
    try:
        fast, slow = _msg_fast("time.probe", **probe), Message(code="time.probe", values=probe)
        return (
            fast == slow
            and fast.model_dump() == slow.model_dump()
            and fast.model_fields_set == slow.model_fields_set
            and repr(fast) == repr(slow)
            and fast.model_copy(update={"code": "x"}).code == "x"
        )
    except Exception:  # any difference in pydantic internals: use the public API
        return False


_msg = _msg_fast if _check_fast_messages() else _msg_checked


# -- calendars -----------------------------------------------------------------------------------


def first_year(code: str) -> int:
    """The first year calendar ``code`` covers (its last is :data:`LAST_YEAR`)."""
    return FIRST_YEARS.get(code[:2], FIRST_YEAR)


def _check_year(code: str, year: int) -> None:
    first = first_year(code)
    if not first <= year <= LAST_YEAR:
        raise UsageError(
            f"calendar {code} covers the years {first} to {LAST_YEAR}, got a date in {year}"
        )


def _eea_table(code: str, year: int) -> dict[dt.date, set[str]]:
    """The public holidays of a calendar that follows the package: every ``public`` entry."""
    country, _, subdivision = code.partition("-")
    package = _holidays.country_holidays(
        country,
        subdiv=subdivision or None,
        years=year,
        language="en_US",
        categories=(_holidays.PUBLIC,),
    )
    table: dict[dt.date, set[str]] = {}
    for day in package:
        for name in package.get_list(day):
            if name in _WEEKDAY_NAMES:
                continue
            try:
                key = holiday_key(country, name)
            except KeyError:
                raise EvaluationError(
                    f"the holidays package lists {name!r} on {day} for {code}, "
                    "which this library does not know; update gdpr_policy._holiday_names"
                ) from None
            if key is not None:
                table.setdefault(day, set()).add(key)
    return table


@lru_cache(maxsize=512)
def _year_table(code: CalendarCode, year: int) -> Mapping[dt.date, tuple[str, ...]]:
    """The public holidays of one year in one calendar: day -> keys in priority order."""
    _check_year(code, year)
    if code not in VETTED_CALENDARS:
        eea = _eea_table(code, year)
        return {d: tuple(sorted(k, key=_PRIORITY.__getitem__)) for d, k in sorted(eea.items())}
    country = "NO" if code == "NO" else "SE"
    package = _holidays.country_holidays(country, years=year, language="en_US")
    allowed = _NO_KEYS if code == "NO" else _SE_KEYS
    table: dict[dt.date, set[str]] = {}
    for day in package:
        for name in package.get_list(day):
            if name in _WEEKDAY_NAMES:
                continue  # some versions list every Sunday; weekdays are handled below
            key = _PACKAGE_NAMES.get(name)
            if key is None:
                raise EvaluationError(
                    f"the holidays package lists {name!r} on {day} for {country}, "
                    f"which calendar {code} does not know; update gdpr_policy._time"
                )
            if key not in allowed:
                continue
            if country == "SE" and key == "whit-monday" and year > _SE_WHIT_MONDAY_UNTIL:
                continue
            if country == "SE" and key == "national-day" and year < _SE_NATIONAL_DAY_FROM:
                continue
            table.setdefault(day, set()).add(key)
    if code == "SE-1930-173":
        midsummer = [d for d, keys in table.items() if "midsummer-day" in keys]
        if len(midsummer) != 1:
            raise EvaluationError(f"expected one Midsummer Day in {year}, found {len(midsummer)}")
        for day, key in (
            (midsummer[0] - _DAY, "midsummer-eve"),
            (dt.date(year, 12, 24), "christmas-eve"),
            (dt.date(year, 12, 31), "new-years-eve"),
        ):
            table.setdefault(day, set()).add(key)
    return {d: tuple(sorted(keys, key=_PRIORITY.__getitem__)) for d, keys in sorted(table.items())}


class Calendar:
    """A calendar of working days: Saturdays, Sundays and public holidays are not.

    Get one with :func:`get_calendar`; instances are shared and immutable.
    Holiday tables are built once per year and cached.
    """

    __slots__ = ("code",)

    def __init__(self, code: CalendarCode) -> None:
        self.code: CalendarCode = code

    def __repr__(self) -> str:
        return f"Calendar({self.code!r})"

    def holidays(self, year: int) -> Mapping[dt.date, tuple[str, ...]]:
        """The public holidays of ``year``: day -> holiday keys (Sundays only if named)."""
        return _year_table(self.code, year)

    def holiday_keys(self, day: dt.date) -> tuple[str, ...]:
        """The holiday keys of ``day`` (empty on an ordinary day)."""
        return _year_table(self.code, day.year).get(day, ())

    def reason(self, day: dt.date) -> str | None:
        """Why ``day`` is not a working day: a holiday key, ``saturday`` or ``sunday``; else None.

        A named holiday wins over the weekday (Easter Sunday, Midsummer Day).
        """
        keys = _year_table(self.code, day.year).get(day)
        if keys:
            return keys[0]
        weekday = day.weekday()
        if weekday == 5:
            return "saturday"
        if weekday == 6:
            return "sunday"
        return None

    def is_working_day(self, day: dt.date) -> bool:
        """Whether ``day`` is a working day (Reg. 1182/71 Art. 2(2))."""
        return self.reason(day) is None

    def next_working_day(self, day: dt.date) -> dt.date:
        """``day`` itself if it is a working day, else the first working day after it."""
        while self.reason(day) is not None:
            day += _DAY
        return day


_CALENDAR_OBJECTS: dict[str, Calendar] = {c: Calendar(c) for c in CALENDARS}


def get_calendar(code: str) -> Calendar:
    """The calendar ``NO``, ``SE``, ``SE-1930-173``, an EEA country or a listed subdivision
    (``DE-BY``); anything else is a UsageError."""
    try:
        return _CALENDAR_OBJECTS[code]
    except KeyError:
        raise UsageError(
            f"calendar must be one of {', '.join(CALENDARS)}, got {code!r}"
        ) from None


# -- zones and receipt days ----------------------------------------------------------------------


@lru_cache(maxsize=64)
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zone_of(name)


@lru_cache(maxsize=64)
def _place(timezone: str) -> str:
    return timezone.rpartition("/")[2].replace("_", " ")


def attach_zone(naive: dt.datetime, timezone: str, *, what: str = "date-time") -> dt.datetime:
    """Read a date-time without offset as wall-clock time in ``timezone``.

    A time that does not exist there (skipped by a change to summer time) is a
    UsageError; an ambiguous one (repeated in autumn) is taken at its first
    occurrence. Either way its calendar day is the day written.
    """
    if naive.tzinfo is not None and naive.utcoffset() is not None:
        return naive
    zone = _zone(timezone)
    aware = naive.replace(tzinfo=zone, fold=0)
    round_trip = aware.astimezone(dt.UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) != naive:  # naive comparisons ignore fold
        raise UsageError(
            f"{what} {naive.isoformat()} does not exist in {timezone} "
            "(the clocks skip it when summer time starts); give an offset"
        )
    return aware


def end_of_day(day: dt.date, timezone: str) -> dt.datetime:
    """The last instant of ``day`` in ``timezone``: a microsecond before the next day begins.

    Unlike :func:`attach_zone`, a midnight the clocks skip is no error here: the
    next day then begins when the clocks jump (Havana or the Azores, where summer
    time starts at midnight), and ``day`` ends just before. A repeated midnight
    begins the next day at its first occurrence. The result is in ``timezone``.
    """
    zone = _zone(timezone)
    # fold=0 reads a skipped midnight with the offset in force before the jump, which
    # is the instant of the jump: the round trip through UTC lands on the real clock
    next_start = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    return (next_start.astimezone(dt.UTC) - dt.timedelta(microseconds=1)).astimezone(zone)


def earliest_at(naive: dt.datetime, timezone: str) -> dt.datetime:
    """The first instant whose wall-clock time in ``timezone`` is ``naive`` or later.

    For a time that exists this is :func:`attach_zone`'s reading (a repeated
    time's first occurrence); a time the clocks skip gives the instant they
    jump, where :func:`attach_zone` would refuse it. The result is in ``timezone``.
    """
    zone = _zone(timezone)
    first = naive.replace(tzinfo=zone, fold=0)
    after = first.astimezone(dt.UTC)
    if after.astimezone(zone).replace(tzinfo=None) == naive:
        return first
    # skipped: read with the offset after the jump it is a wall time before it, with the
    # offset before the jump one after it; the jump is the one change between the two
    before = naive.replace(tzinfo=zone, fold=1).astimezone(dt.UTC)
    one = dt.timedelta(microseconds=1)
    while after - before > one:
        mid = before + (after - before) // 2
        if mid.astimezone(zone).replace(tzinfo=None) >= naive:
            after = mid
        else:
            before = mid
    return after.astimezone(zone)


def local_day(at: dt.date | dt.datetime, timezone: str, *, what: str = "date-time") -> dt.date:
    """The calendar day of ``at`` in ``timezone``; a plain date is already a day.

    A date-time without a time zone is refused: which day it fell on depends on
    the zone, and guessing would move deadlines.
    """
    if isinstance(at, dt.datetime):
        if at.tzinfo is None or at.utcoffset() is None:
            raise UsageError(
                f"{what} {at.isoformat()} has no time zone; give an offset "
                f"(e.g. {at.isoformat()}+01:00) or the zone to read it in"
            )
        return at.astimezone(_zone(timezone)).date()
    return at


# -- periods -------------------------------------------------------------------------------------


class MonthShift(NamedTuple):
    """The result of adding calendar months: the day, and whether it was clamped."""

    date: dt.date
    clamped: bool


def add_months(start: dt.date, months: int) -> MonthShift:
    """``start`` plus ``months`` calendar months (Reg. 1182/71 Art. 3(2)(c)).

    The result has the same day number; when the target month is shorter it is
    that month's last day and ``clamped`` is true. No roll-forward here.
    """
    if months < 0:
        raise UsageError(f"months must not be negative, got {months}")
    carry, month0 = divmod(start.month - 1 + months, 12)
    year, month = start.year + carry, month0 + 1
    if year > dt.MAXYEAR:
        raise UsageError(f"{start.isoformat()} + {months} months is past the year {dt.MAXYEAR}")
    last = _stdcal.monthrange(year, month)[1]
    if start.day > last:
        return MonthShift(dt.date(year, month, last), True)
    return MonthShift(dt.date(year, month, start.day), False)


def period_start(end: dt.datetime, period: Duration) -> dt.datetime:
    """The earliest wall-clock time from which ``period``, counted forward, reaches ``end``.

    Counting forward is Reg. 1182/71 Art. 3(2)(c) as :func:`add_months` does it:
    calendar months, then days and clock time; a day the last month lacks is
    that month's last day. Counting back is its inverse, not a clamp: from 31
    August, six months back is 1 March (28 February plus six months is only 28
    August), and two years back from 29 February 2028 is 1 March 2026. So when
    the day does not exist in the start month, the period starts at midnight on
    the first of the next month; otherwise at the same day and time. Naive in,
    naive out: the caller says in which zone the wall clock runs.
    """
    before = UsageError(f"{end.isoformat()} minus {period} is before the year {dt.MINYEAR}")
    try:
        back = end - dt.timedelta(
            days=period.total_days,
            hours=period.hours,
            minutes=period.minutes,
            seconds=period.seconds,
        )
    except OverflowError:
        raise before from None
    carry, month0 = divmod(back.month - 1 - period.total_months, 12)
    year, month = back.year + carry, month0 + 1
    if year < dt.MINYEAR:
        raise before
    if back.day > _stdcal.monthrange(year, month)[1]:
        return dt.datetime(year, month + 1, 1)  # short months are never December
    return back.replace(year=year, month=month)


def _advance(start: dt.date, months: int, days: int, steps: list[Message]) -> dt.date:
    """Add months, then days, to ``start``, appending one step per move."""
    day = start
    if months:
        day, clamped = add_months(start, months)
        if clamped:
            code = (
                "time.clamped-to-month-end" if months == 1 else "time.clamped-to-month-end-months"
            )
            steps.append(_msg(code, start=start, months=months, day=start.day, date=day))
        else:
            code = "time.plus-one-month" if months == 1 else "time.plus-months"
            steps.append(_msg(code, start=start, months=months, date=day))
    if days:
        before = day
        day = before + dt.timedelta(days=days)
        steps.append(_msg("time.plus-days", start=before, days=days, date=day))
    return day


def add_period(start: dt.date, period: Duration) -> dt.date:
    """``start`` plus ``period`` under Reg. 1182/71, without moving off non-working days.

    Calendar parts are added first, then weeks and days; hours are refused.
    """
    if period.has_time:
        raise UsageError(f"periods are counted in days, weeks, months or years, got {period}")
    return _advance(start, period.total_months, period.total_days, [])


def roll_forward(day: dt.date, calendar: Calendar | str) -> tuple[dt.date, tuple[Message, ...]]:
    """The first working day on or after ``day``, with one ``time.non-working.*`` step per skip."""
    cal = calendar if isinstance(calendar, Calendar) else get_calendar(calendar)
    steps: list[Message] = []
    end = _roll(day, cal, steps)
    return end, tuple(steps)


def _roll(day: dt.date, cal: Calendar, steps: list[Message]) -> dt.date:
    while (reason := cal.reason(day)) is not None:
        steps.append(_msg(f"time.non-working.{reason}", date=day, reason=reason))
        day += _DAY
    return day


# -- deadlines -----------------------------------------------------------------------------------


class Deadline(NamedTuple):
    """The response deadline of a request, plain and extended, with the steps behind each date.

    ``due`` is the end of the first period (Art. 12(3)); it is also the last
    day to tell the data subject, with reasons, that the period is extended
    (:attr:`extension_notice_by`), unless the statement promises that notice
    sooner (``notice_by``). ``extended_due`` is the end of the period
    plus the extension, counted from the same start day. ``steps`` explain
    ``due``; ``extended_steps`` explain ``extended_due`` from receipt through
    the extension notice deadline.

    ``start`` is the day the period runs from: the day of receipt, or under the
    ``restart`` clock the day the identity information arrived. While an
    identity question that stops the clock is unanswered, ``start``, ``due``
    and ``extended_due`` are None (:attr:`suspended`). ``clock_moved`` says
    whether an identity question moved the deadline.

    ``stop_processing_on`` is set for an objection to direct marketing and a
    withdrawal of consent: they take effect on receipt (GDPR Art. 21(3),
    Art. 7(3)), so processing must stop that day; ``due`` is then only the
    last day to tell the person what was done.

    A named tuple rather than a pydantic model: it is immutable all the same,
    and building it costs a fraction (deadlines are computed in bulk by audits).
    """

    received_on: dt.date
    calendar: CalendarCode
    timezone: str
    clock: ClockModel
    clock_moved: bool
    start: dt.date | None
    due: dt.date | None
    extended_due: dt.date | None
    steps: tuple[Message, ...]
    extended_steps: tuple[Message, ...]
    stop_processing_on: dt.date | None = None
    #: the last day to notify an extension when the statement promises it sooner than the
    #: first period ends (``extension_notice_within``); None: the first period's end
    notice_by: dt.date | None = None

    @property
    def suspended(self) -> bool:
        """Whether the clock is stopped, waiting for identity information."""
        return self.start is None

    @property
    def extension_notice_by(self) -> dt.date | None:
        """The last day to notify an extension, with reasons: the first period's deadline, or
        the earlier day the statement promises (:attr:`notice_by`)."""
        return self.notice_by if self.notice_by is not None else self.due

    def in_force(self, extended: bool) -> dt.date | None:
        """The deadline in force: ``extended_due`` with a valid extension, else ``due``."""
        return self.extended_due if extended else self.due

    def steps_for(self, extended: bool) -> tuple[Message, ...]:
        """The steps that explain :meth:`in_force`."""
        return self.extended_steps if extended else self.steps

    @property
    def legal(self) -> tuple[str, ...]:
        """The law the dates follow: GDPR Art. 12(3), Reg. 1182/71 and the calendar's own acts.

        For Norway domstolloven §§ 148-149 count months and move a last day off
        Saturdays and holidays the same way; for Sweden the holidays are those
        of lag (1989:253), and the ``SE-1930-173`` reading adds lag (1930:173).
        Other countries: the GDPR and the regulation (their public holidays as the
        ``holidays`` package lists them, see the module docstring).
        """
        return _LEGAL.get(self.calendar, _EEA_LEGAL)

    def to_json(self, extended: bool = False) -> dict[str, Any]:
        """A JSON-ready form: dates as ISO 8601 strings, steps as message codes and values.

        ``due`` is the deadline in force (the extended one with ``extended``);
        ``steps`` explain it.
        """
        return {
            "received_on": self.received_on.isoformat(),
            "calendar": self.calendar,
            "timezone": self.timezone,
            "clock": self.clock,
            "clock_moved": self.clock_moved,
            "suspended": self.suspended,
            "start": _iso(self.start),
            "stop_processing_on": _iso(self.stop_processing_on),
            "due": _iso(self.in_force(extended)),
            "extension_notice_by": _iso(self.extension_notice_by),
            "extended_due": _iso(self.extended_due),
            "legal": list(self.legal),
            "steps": [_step_json(m) for m in self.steps_for(extended)],
        }


_LEGAL: Mapping[str, tuple[str, ...]] = {
    "NO": (
        "GDPR Art. 12(3)",
        "Regulation 1182/71 Art. 3",
        "NO Domstolloven § 148",
        "NO Domstolloven § 149",
    ),
    "SE": ("GDPR Art. 12(3)", "Regulation 1182/71 Art. 3", "SE Lag 1989:253"),
    "SE-1930-173": (
        "GDPR Art. 12(3)",
        "Regulation 1182/71 Art. 3",
        "SE Lag 1989:253",
        "SE Lag 1930:173",
    ),
}

_EEA_LEGAL = ("GDPR Art. 12(3)", "Regulation 1182/71 Art. 3")

#: Requests that take effect on receipt: processing must stop that day.
STOPS_ON_RECEIPT: tuple[str, ...] = ("marketing-opt-out", "consent-withdrawal")


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _step_json(step: Message) -> dict[str, Any]:
    values = {
        k: v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v
        for k, v in step.values.items()
    }
    return {"code": step.code, "values": values}


def response_deadline(
    received: dt.date | dt.datetime | str,
    *,
    timezone: str | zoneinfo.ZoneInfo,
    calendar: str,
    period: Duration | str = _ONE_MONTH,
    extension: Duration | str = _TWO_MONTHS,
    clock: str = "none",
    identity_asked: dt.date | dt.datetime | str | None = None,
    identity_answered: dt.date | dt.datetime | str | None = None,
    identity_justified: bool = True,
    prompt_within: Duration | str = _THREE_DAYS,
    stops_on_receipt: str | None = None,
    extension_notice_within: Duration | str | None = None,
) -> Deadline:
    """Compute the response deadline of a request received at ``received``.

    ``stops_on_receipt`` is ``marketing-opt-out`` or ``consent-withdrawal`` for
    a request that takes effect on receipt: a first step says processing must
    stop that day, and the period is only for informing the person.

    ``received`` and the identity times are aware date-times (taken in
    ``timezone``) or local dates. ``period`` is the response period (P1M) and
    ``extension`` the further period (P2M). The extended period is their sum
    counted from the start day, not the extension added to the first deadline:
    31 January gives 30 April, not 28 April (Reg. 1182/71 Art. 3(2)(c): a period of
    months counts from the day it starts).

    ``extension_notice_within`` is the time the statement promises to notify
    an extension in, when it promises one: counted like the period, from the
    same start day, and rolled forward past days off; a promise that ends
    after the first period changes nothing (the law's notice is within it).

    An identity question (``identity_asked``) moves the clock only when it was
    justified (``identity_justified``: a trigger applied) and asked within
    ``prompt_within`` of receipt (calendar days, the day of receipt not
    counted); otherwise a step says why the deadline stays. With clock
    ``restart`` the period runs from the day the answer arrived; with
    ``pause`` the end of the period moves by the days from asking to answering
    (asked on the 5th, answered on the 8th: 3 days).
    """
    cal = get_calendar(calendar)
    # A service may pass ISO strings (or anything else): checked here, not deep inside.
    timezone = zone_name(timezone)
    period = duration(period, what="period")
    extension = duration(extension, what="extension")
    prompt_within = duration(prompt_within, what="prompt_within")
    notice = None
    if extension_notice_within is not None:
        within = duration(extension_notice_within, what="extension_notice_within")
        if within.has_time:
            raise UsageError(
                "response periods are counted in days, weeks, months or years, "
                f"got extension_notice_within {within}"
            )
        notice = (within.total_months, within.total_days)
    received = _coerce(received, "received")
    identity_asked = None if identity_asked is None else _coerce(identity_asked, "identity_asked")
    identity_answered = (
        None if identity_answered is None else _coerce(identity_answered, "identity_answered")
    )
    if stops_on_receipt is not None and stops_on_receipt not in STOPS_ON_RECEIPT:
        raise UsageError(
            f"stops_on_receipt must be one of {', '.join(STOPS_ON_RECEIPT)}, got {stops_on_receipt!r}"
        )
    if clock not in CLOCK_MODELS:
        raise UsageError(f"identity clock must be one of {', '.join(CLOCK_MODELS)}, got {clock!r}")
    months, days, ext_months, ext_days = _lengths(period, extension)
    zone = _zone(timezone)  # a bad zone is an error even when only dates are given
    if isinstance(received, dt.datetime):
        if received.utcoffset() is None:  # also None without a tzinfo
            local_day(received, timezone, what="received")  # raises the explanatory error
        local = received.astimezone(zone)
        received_on = local.date()
        head: list[Message] = [
            _msg(
                "time.received-at",
                received=received_on,
                at=local,
                place=_place(timezone),
                timezone=timezone,
            )
        ]
    else:
        received_on = received
        head = [_received_step(received_on, timezone)]
    _check_year(cal.code, received_on.year)
    stop_on = None
    if stops_on_receipt is not None:
        stop_on = received_on
        head.append(_msg(f"time.stop-on-receipt.{stops_on_receipt}", received=received_on))

    start: dt.date | None = received_on
    paused = 0
    moved = False
    if identity_asked is not None or identity_answered is not None:
        start, paused, moved = _identity(
            head,
            received_on,
            timezone,
            clock,
            identity_asked,
            identity_answered,
            identity_justified,
            prompt_within,
        )

    if start is None:
        steps = tuple(head)
        return Deadline(
            received_on, cal.code, timezone, clock, True, None, None, None, steps, steps, stop_on
        )

    due, extended_due, plain_tail, extended_tail, notice_by = _core(
        start, months, days, ext_months, ext_days, paused, cal.code, notice
    )
    prefix = tuple(head)
    return Deadline(
        received_on,
        cal.code,
        timezone,
        clock,
        moved,
        start,
        due,
        extended_due,
        prefix + plain_tail,
        prefix + extended_tail,
        stop_on,
        notice_by,
    )


def _coerce(value: object, what: str) -> dt.date | dt.datetime:
    """A date or date-time as given (a naive one is refused later, with the day it names);
    an ISO 8601 string parsed; anything else a UsageError saying what was expected."""
    if isinstance(value, dt.date):
        return value
    return when(value, what=what)


# Period lengths by the identity of the Duration objects: policies pass the same two
# objects for every request, and hashing a pydantic model costs more than the deadline.
_LENGTHS: dict[tuple[int, int], tuple[Duration, Duration, tuple[int, int, int, int]]] = {}


def _lengths(period: Duration, extension: Duration) -> tuple[int, int, int, int]:
    """(months, days, extended months, extended days) of a period and its extension."""
    key = (id(period), id(extension))
    hit = _LENGTHS.get(key)
    if hit is not None and hit[0] is period and hit[1] is extension:
        return hit[2]
    if period.has_time or extension.has_time:
        raise UsageError(
            "response periods are counted in days, weeks, months or years, "
            f"got {period} and {extension}"
        )
    lengths = (
        period.total_months,
        period.total_days,
        period.total_months + extension.total_months,
        period.total_days + extension.total_days,
    )
    if len(_LENGTHS) > 256:
        _LENGTHS.clear()
    # The entry holds the objects themselves, so their ids cannot be reused while cached.
    _LENGTHS[key] = (period, extension, lengths)
    return lengths


def _identity(
    head: list[Message],
    received_on: dt.date,
    timezone: str,
    clock: str,
    identity_asked: dt.date | dt.datetime | None,
    identity_answered: dt.date | dt.datetime | None,
    justified: bool,
    prompt_within: Duration,
) -> tuple[dt.date | None, int, bool]:
    """Apply an identity question: (start day or None while suspended, paused days, moved)."""
    if identity_asked is None:
        raise UsageError("an identity answer needs the day the question was asked")
    asked_on = local_day(identity_asked, timezone, what="identity asked")
    answered_on = (
        None
        if identity_answered is None
        else local_day(identity_answered, timezone, what="identity answered")
    )
    if asked_on < received_on:
        raise UsageError(
            f"the identity question ({asked_on}) cannot precede "
            f"receipt of the request ({received_on})"
        )
    if answered_on is not None and answered_on < asked_on:
        raise UsageError(
            f"the identity answer ({answered_on}) cannot precede the question ({asked_on})"
        )
    prompt_by = add_period(received_on, prompt_within)
    if not justified:
        head.append(_msg("time.identity-unjustified", asked=asked_on))
        return received_on, 0, False
    if clock == "none":
        # The question never moves this clock, so asking late changes nothing either.
        head.append(_msg("time.identity-clock-none", asked=asked_on))
        return received_on, 0, False
    if asked_on > prompt_by:
        head.append(
            _msg(
                "time.identity-late", asked=asked_on, prompt_by=prompt_by, within=str(prompt_within)
            )
        )
        return received_on, 0, False
    if answered_on is None:
        head.append(_msg("time.identity-awaited", asked=asked_on, clock=clock))
        return None, 0, True
    if clock == "restart":
        head.append(_msg("time.identity-restart", asked=asked_on, answered=answered_on))
        return answered_on, 0, answered_on != received_on
    paused = (answered_on - asked_on).days
    head.append(_msg("time.identity-paused", asked=asked_on, answered=answered_on, days=paused))
    return received_on, paused, paused > 0


@lru_cache(maxsize=8192)
def _received_step(received_on: dt.date, timezone: str) -> Message:
    return _msg("time.received", received=received_on, place=_place(timezone), timezone=timezone)


@lru_cache(maxsize=1 << 16)
def _core(
    start: dt.date,
    months: int,
    days: int,
    ext_months: int,
    ext_days: int,
    paused: int,
    code: CalendarCode,
    notice: tuple[int, int] | None = None,
) -> tuple[dt.date, dt.date, tuple[Message, ...], tuple[Message, ...], dt.date | None]:
    """Both period ends from a start day, with their steps after the head (cached per day),
    and the promised extension notice day when it comes before the first period's end.

    Everything here depends only on the start day, the period lengths and the
    calendar, so a year of requests costs a few hundred computations; the
    steps are immutable and shared between results.
    """
    cal = _CALENDAR_OBJECTS[code]
    _check_year(code, start.year)
    plain: list[Message] = []
    due = _period_end(start, months, days, paused, cal, plain)
    extended = plain[:]
    plain.append(_msg("time.due", date=due))
    notice_by = None
    if notice is not None:
        promised: list[Message] = []
        end = _period_end(start, notice[0], notice[1], paused, cal, promised)
        if end < due:
            # the extended path explains the promised notice day instead of the first period
            notice_by, extended = end, promised
    if notice_by is None:
        extended.append(_msg("time.extension-notice-by", date=due))
    else:
        extended.append(_msg("time.extension-notice-promised", date=notice_by, due=due))
    extended_due = _period_end(start, ext_months, ext_days, paused, cal, extended)
    extended.append(_msg("time.extended-due", date=extended_due))
    return due, extended_due, tuple(plain), tuple(extended), notice_by


def _period_end(
    start: dt.date, months: int, days: int, paused: int, cal: Calendar, steps: list[Message]
) -> dt.date:
    end = _advance(start, months, days, steps)
    if paused:
        before = end
        if paused > (dt.date(LAST_YEAR, 12, 31) - before).days:
            # Past the calendars' range (and near date.max): say so instead of overflowing.
            _check_year(cal.code, LAST_YEAR + 1)
        end = before + dt.timedelta(days=paused)
        steps.append(_msg("time.plus-paused-days", start=before, days=paused, date=end))
    _check_year(cal.code, end.year)
    return _roll(end, cal, steps)
