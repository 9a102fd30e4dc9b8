"""Time zones by IANA name: the one place a name becomes a zone, or a usage error.

Light on purpose (``zoneinfo`` only): the banner check, the reports and the
audit readers need a zone without the calendars' ``holidays`` package.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ._errors import UsageError

__all__ = ["zone_of"]


def zone_of(name: str | ZoneInfo) -> ZoneInfo:
    """The zone an IANA name names; a zone is returned as it is.

    A name the time-zone database does not have is a
    :class:`~gdpr_policy.UsageError` that says what was expected: a typo
    (``Europe/Olso``), a directory of the database (``Europe``), or a name too
    long for the file system, which ``zoneinfo`` answers with ``OSError``.
    """
    if isinstance(name, ZoneInfo):
        return name
    if not isinstance(name, str):
        raise UsageError(f"expected an IANA time zone such as Europe/Oslo, got {type(name).__name__}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise UsageError(f"expected an IANA time zone such as Europe/Oslo, got {name!r}") from exc
