"""Argument checks at the public API: what a service passes in, refused with what was expected.

A service developer who passes a :class:`~gdpr_policy.Policy` where a
:class:`~gdpr_policy.PolicyVersion` is needed, or a string where a date is,
gets a :class:`~gdpr_policy.UsageError` that says what was expected and how
to get it, never an ``AttributeError`` from inside a rule. ISO 8601 strings
are accepted where a date or an aware date-time is expected.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, TypeVar

from ._errors import UsageError

if TYPE_CHECKING:
    from ._duration import Duration
    from ._policy import PolicyVersion

__all__ = [
    "duration", "in_every_zone", "instance_of", "past_the_calendar", "policy_version", "when",
    "when_or_none", "zone_name",
]

T = TypeVar("T")


def _kind(value: Any) -> str:
    return type(value).__name__


def policy_version(value: Any, *, what: str = "policy") -> PolicyVersion:
    """``value`` if it is a PolicyVersion; a Policy or anything else is a UsageError."""
    # Imported here: _policy imports this module (Policy.at), and deadlines are computed
    # in bulk, so the check is one isinstance after the first call.
    from ._policy import Policy, PolicyVersion

    if isinstance(value, PolicyVersion):
        return value
    if isinstance(value, Policy):
        raise UsageError(
            f"{what}: expected a PolicyVersion, got the Policy {value.id!r}; "
            "pass policy.at(day), the version in force that day"
        )
    raise UsageError(
        f"{what}: expected a PolicyVersion (e.g. gdpr_policy.bundled_policy().at(day)), "
        f"got {_kind(value)}"
    )


def instance_of(value: Any, cls: type[T], *, what: str, hint: str = "") -> T:
    """``value`` if it is a ``cls``; otherwise a UsageError naming what was expected."""
    if isinstance(value, cls):
        return value
    extra = f" ({hint})" if hint else ""
    raise UsageError(f"{what}: expected a {cls.__name__}{extra}, got {_kind(value)}")


def when(value: Any, *, what: str, dates: bool = True) -> dt.date | dt.datetime:
    """A date or an aware date-time; an ISO 8601 string is parsed into one.

    A date-time without a UTC offset is refused: which day it fell on depends
    on the zone. With ``dates`` False only a date-time is accepted.
    """
    expected = (
        "a date (2026-03-02) or an aware date-time (2026-03-02T09:15+01:00)"
        if dates
        else "an aware date-time (2026-03-02T09:15+01:00)"
    )
    parsed = value
    if isinstance(value, str):
        text = value.strip()
        try:
            parsed = (
                dt.date.fromisoformat(text)
                if len(text) == 10
                else dt.datetime.fromisoformat(text)
            )
        except ValueError:
            raise UsageError(f"{what}: expected {expected}, got {value!r}") from None
    if isinstance(parsed, dt.datetime):
        if parsed.tzinfo is None or parsed.utcoffset() is None:
            raise UsageError(
                f"{what}: expected {expected}, got {parsed.isoformat()} without a UTC offset"
            )
        return parsed
    if isinstance(parsed, dt.date) and dates:
        return parsed
    raise UsageError(f"{what}: expected {expected}, got {_kind(value)}")


def when_or_none(value: Any, *, what: str) -> dt.date | dt.datetime | None:
    """:func:`when`, with None passed through."""
    return None if value is None else when(value, what=what)


def duration(value: Any, *, what: str) -> Duration:
    """A :class:`~gdpr_policy.Duration`; an ISO 8601 string (``P1M``) is parsed into one."""
    from ._duration import Duration  # _duration's models import nothing from here

    if isinstance(value, Duration):
        return value
    if isinstance(value, str):
        try:
            return Duration.parse(value.strip())
        except ValueError:  # pydantic's ValidationError is a ValueError
            raise UsageError(
                f"{what}: expected an ISO 8601 duration such as P1M or P14D, got {value!r}"
            ) from None
    raise UsageError(
        f"{what}: expected a Duration or an ISO 8601 duration such as P1M, got {_kind(value)}"
    )


def zone_name(value: Any, *, what: str = "timezone") -> str:
    """The IANA name of a zone given by name or as a ``ZoneInfo`` (its key)."""
    from zoneinfo import ZoneInfo

    if isinstance(value, ZoneInfo) and value.key is not None:
        return value.key
    if isinstance(value, str):
        return value
    raise UsageError(
        f"{what}: expected an IANA time zone name such as Europe/Oslo, got {_kind(value)}"
    )


def in_every_zone(value: dt.datetime, *, what: str, text: str) -> None:
    """Refuse an aware date-time some zone cannot show (the ends of years 1 and 9999).

    Every zone is within a day of UTC: an instant that converts to both extremes
    converts to any zone later on, instead of overflowing there.
    """
    try:
        value.astimezone(dt.timezone.min)
        value.astimezone(dt.timezone.max)
    except OverflowError:
        raise past_the_calendar(what, text) from None


def past_the_calendar(what: str, text: str) -> UsageError:
    """The error for a date-time whose instant some zone, or UTC, cannot show."""
    return UsageError(
        f"{what}: expected a date-time that exists in every time zone (years 1 to 9999), "
        f"got {text!r}"
    )
