"""Tests of the holiday-name map of the EEA calendars (gdpr_policy._holiday_names).

The map must know every name the ``holidays`` package gives a public holiday in
every calendar for every year the calendars cover (:func:`_time.first_year` to
``LAST_YEAR``, 1990 or the package's first year for the country, to 2100), so
a package upgrade that renames or adds a holiday fails here rather than in a
deadline; and every key must be translated.
"""

from __future__ import annotations

import datetime as dt

import holidays
import pytest

from gdpr_policy import _time
from gdpr_policy._errors import EvaluationError, UsageError
from gdpr_policy._holiday_names import EEA_KEYS, holiday_key
from gdpr_policy._places import CALENDARS, VETTED_CALENDARS
from gdpr_policy._time import LAST_YEAR, first_year, get_calendar
from gdpr_policy.i18n import LANGUAGES, has_message

EEA_CALENDARS = [c for c in CALENDARS if c not in VETTED_CALENDARS]


@pytest.mark.parametrize("code", EEA_CALENDARS)
def test_every_public_holiday_of_every_year_maps_to_a_translated_key(code: str) -> None:
    cal = get_calendar(code)
    seen: set[str] = set()
    for year in range(first_year(code), LAST_YEAR + 1):
        table = cal.holidays(year)  # raises EvaluationError on a name the map does not know
        for keys in table.values():
            seen.update(keys)
    assert seen, code
    for key in seen:
        for lang in LANGUAGES:
            assert has_message(f"time.holiday.{key}", lang), (key, lang)
            assert has_message(f"time.non-working.{key}", lang), (key, lang)


@pytest.mark.parametrize("code", EEA_CALENDARS)
def test_no_day_is_added_that_the_package_does_not_list_as_public(code: str) -> None:
    country, _, sub = code.partition("-")
    for year in (first_year(code), 2026, 2027, LAST_YEAR):
        public = holidays.country_holidays(
            country, subdiv=sub or None, years=year, categories=(holidays.PUBLIC,)
        )
        assert set(get_calendar(code).holidays(year)) <= set(public), (code, year)


def test_every_key_is_translated_in_every_language() -> None:
    for key in EEA_KEYS:
        for lang in LANGUAGES:
            assert has_message(f"time.holiday.{key}", lang), (key, lang)
            assert has_message(f"time.non-working.{key}", lang), (key, lang)


def test_generic_names_mean_different_days_by_country() -> None:
    assert holiday_key("AT", "National Day") == "at-national-day"
    assert holiday_key("FR", "National Day") == "fr-national-day"
    assert holiday_key("PL", "National Day") == "may-day"  # Święto Państwowe, 1 May
    assert holiday_key("DE", "Christmas Day") == "christmas-day"
    assert holiday_key("BG", "Liberation Day (observed)") == "bg-liberation-day-observed"
    assert holiday_key("ES", "Monday following Madrid Day") == "monday-after-es-madrid-day"


def test_decreed_bridge_days_and_estimates_are_dropped_never_added() -> None:
    assert holiday_key("HU", "Day off (substituted from 12/14/2024)") is None
    assert holiday_key("ES", "Eid al-Fitr (estimated)") is None
    assert holiday_key("BG", "Non-working day") is None
    with pytest.raises(KeyError):
        holiday_key("DK", "Grundlovsdag party")


def test_an_unknown_name_is_an_error_not_a_silently_wrong_calendar(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = holidays.country_holidays

    def renamed(*args: object, **kwargs: object) -> holidays.HolidayBase:
        table = real(*args, **kwargs)  # type: ignore[arg-type]
        table[dt.date(2031, 7, 14)] = "Fête nouvelle"
        return table

    monkeypatch.setattr(_time._holidays, "country_holidays", renamed)
    _time._year_table.cache_clear()
    try:
        with pytest.raises(EvaluationError, match="'Fête nouvelle' on 2031-07-14 for FR"):
            get_calendar("FR").holidays(2031)
    finally:
        _time._year_table.cache_clear()


def test_years_before_the_package_data_are_refused_not_empty() -> None:
    assert first_year("ES-MD") == 2008 and first_year("DE-BY") == 1991
    assert first_year("NO") == 1990 and first_year("FR") == 1990
    with pytest.raises(UsageError, match="calendar ES-MD covers the years 2008 to 2100"):
        get_calendar("ES-MD").holidays(2007)
