"""Hypothesis strategies and oracles for calendars, deadlines and requests.

``legal_holidays`` is an independent oracle: it computes the public holidays
from the statutes' own rules (Easter via ``dateutil.easter``, Midsummer Day as
the Saturday of 20-26 June, All Saints' Day as the Saturday of 31 October-6
November), so tests can check the ``holidays`` package, and our filter on it,
over many years without a hand-written answer per year.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.easter import easter
from hypothesis import strategies as st

from gdpr_policy._duration import Duration
from gdpr_policy._policy import PolicyVersion, bundled_policy
from gdpr_policy._time import CLOCK_MODELS, VETTED_CALENDARS

ZONES = ("Europe/Oslo", "Europe/Stockholm")
FIRST, LAST = dt.date(2000, 1, 1), dt.date(2090, 12, 31)

#: The calendars vetted against NO and SE statutes, which ``legal_holidays`` models.
calendars = st.sampled_from(VETTED_CALENDARS)
clock_models = st.sampled_from(CLOCK_MODELS)
zones = st.sampled_from(ZONES)
#: zones whose clocks change at midnight (Havana, the Azores: the day after such a change
#: begins at 01:00, or twice), a whole day skipped (Apia, 2011) and Oslo and Stockholm
awkward_zones = st.sampled_from(
    (*ZONES, "America/Havana", "Atlantic/Azores", "America/Santiago", "Pacific/Apia", "UTC")
)
receipt_days = st.dates(min_value=FIRST, max_value=LAST)


@st.composite
def aware_instants(draw: st.DrawFn) -> dt.datetime:
    """An aware date-time in UTC, Oslo, Stockholm or a fixed offset; often near midnight."""
    day = draw(receipt_days)
    hour = draw(st.one_of(st.sampled_from([0, 1, 2, 3, 22, 23]), st.integers(0, 23)))
    minute = draw(st.integers(0, 59))
    zone = draw(
        st.sampled_from(
            [
                dt.UTC,
                ZoneInfo("Europe/Oslo"),
                ZoneInfo("Europe/Stockholm"),
                dt.timezone(dt.timedelta(hours=-5)),
                dt.timezone(dt.timedelta(hours=9)),
            ]
        )
    )
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)


def _saturday_between(year: int, month: int, first: int, span: int) -> dt.date:
    start = dt.date(year, month, first)
    return next(d for d in (start + dt.timedelta(days=i) for i in range(span)) if d.weekday() == 5)


def legal_holidays(calendar: str, year: int) -> set[dt.date]:
    """Public holidays under the statutes (legal.md 6.3 and 7.3), without plain Sundays."""
    e = easter(year)
    day = dt.timedelta(days=1)
    if calendar == "NO":
        return {
            dt.date(year, 1, 1),
            e - 3 * day,
            e - 2 * day,
            e,
            e + day,
            dt.date(year, 5, 1),
            dt.date(year, 5, 17),
            e + 39 * day,
            e + 49 * day,
            e + 50 * day,
            dt.date(year, 12, 25),
            dt.date(year, 12, 26),
        }
    midsummer = _saturday_between(year, 6, 20, 7)
    days = {
        dt.date(year, 1, 1),
        dt.date(year, 1, 6),
        e - 2 * day,
        e,
        e + day,
        dt.date(year, 5, 1),
        e + 39 * day,
        e + 49 * day,
        dt.date(year, 6, 6),
        midsummer,
        _saturday_between(year, 10, 31, 7),
        dt.date(year, 12, 25),
        dt.date(year, 12, 26),
    }
    if year <= 2004:  # lag (2004:1320): 6 June replaced Whit Monday from 2005
        days = (days - {dt.date(year, 6, 6)}) | {e + 50 * day}
    if calendar == "SE-1930-173":
        days |= {midsummer - day, dt.date(year, 12, 24), dt.date(year, 12, 31)}
    return days


def oracle_due(received: dt.date, calendar: str, months: int = 1) -> dt.date:
    """A second, deliberately plain implementation of the deadline (relativedelta + oracle)."""
    from dateutil.relativedelta import relativedelta

    end: dt.date = received + relativedelta(months=months)
    while end.weekday() >= 5 or end in legal_holidays(calendar, end.year):
        end += dt.timedelta(days=1)
    return end


def policy_version(**rights_identity: Any) -> PolicyVersion:
    """The bundled policy version of 2026, with identity settings replaced (clock, triggers ...)."""
    version = bundled_policy().at(dt.date(2026, 6, 1))
    if not rights_identity:
        return version
    rights = version.rights
    portability = rights_identity.pop("portability_formats", None)
    identity = rights.identity.model_copy(update=rights_identity)
    update: dict[str, Any] = {"identity": identity}
    if portability is not None:
        update["portability_formats"] = tuple(portability)
    return version.model_copy(update={"rights": rights.model_copy(update=update)})


def with_swedish_establishment(version: PolicyVersion) -> PolicyVersion:
    """``version`` with a Stockholm office that answers the requests from inmeta.se."""
    from gdpr_policy._policy import Address

    office = Address(
        kind="visiting",
        street="Kungsgatan 1",
        postcode="111 43",
        city="Stockholm",
        country="SE",
        answers_requests=("inmeta.se",),
    )
    oslo = tuple(
        a.model_copy(update={"answers_requests": tuple(d for d in a.answers_requests if d != "inmeta.se")})
        for a in version.controller.addresses
    )
    controller = version.controller.model_copy(update={"addresses": (*oslo, office)})
    return version.model_copy(update={"controller": controller})


@st.composite
def request_data(draw: st.DrawFn, *, answered_by_due: bool = False) -> dict[str, Any]:
    """A request mapping (as parse_request takes it) received between 2025 and 2027."""
    received = draw(
        st.datetimes(
            min_value=dt.datetime(2025, 1, 1),
            max_value=dt.datetime(2027, 12, 31),
            timezones=st.just(ZoneInfo("Europe/Oslo")),
        )
    )
    data: dict[str, Any] = {
        "id": f"r-{draw(st.integers(1, 10_000))}",
        "type": draw(st.sampled_from(["access", "rectification", "erasure", "objection"])),
        "channel": draw(st.sampled_from(["email", "account", "web-form", "postal"])),
        "received_at": received.isoformat(),
    }
    if answered_by_due:
        after = draw(st.integers(0, 27))  # local day + 28 at most, across a DST change
        data["response"] = {
            "responded_at": (received.astimezone(dt.UTC) + dt.timedelta(days=after)).isoformat(),
            "outcome": "fulfilled",
        }
    return data


@st.composite
def durations(draw: st.DrawFn, *, huge: bool = False) -> Duration:
    """ISO 8601 durations as policies write them: calendar parts, sometimes a time part;
    with ``huge`` also ones that end past the year 9999."""
    top = 10_000 if huge else 40
    parts = {
        "years": draw(st.integers(0, top if huge else 3)),
        "months": draw(st.integers(0, top)),
        "weeks": draw(st.integers(0, 10)),
        "days": draw(st.integers(0, 4_000_000 if huge else 400)),
        "hours": draw(st.sampled_from([0, 0, 0, 12])),
    }
    if not any(parts.values()):
        parts["days"] = 1  # a policy's durations are never zero
    return Duration(**parts)
