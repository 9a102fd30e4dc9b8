"""Value parsing shared by the snapshot readers: instants, booleans, contacts.

Every parser raises ``ValueError`` with the expectation as its text; the
readers turn it into a located :class:`~gdpr_policy.RecordError`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from .._errors import RecordError
from ._mapping import PortalMapping
from ._model import Activity, Contact

__all__ = ["build_contact", "norm_email", "parse_bool", "parse_instant"]

UTC = dt.UTC
_EPOCH_MS = re.compile(r"^-?\d{9,15}$")
_TRUE = frozenset({"true", "yes", "1", "ja", "sant"})
_FALSE = frozenset({"false", "no", "0", "nei", "falskt", "--", "nej"})
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)


def parse_instant(text: str) -> dt.datetime:
    """An ISO 8601 instant with a zone (``...Z``, ``+02:00``) or epoch milliseconds, in UTC.

    A time without a zone is refused: in an API dump it cannot be placed.
    """
    if text[-1:] == "Z":  # the common case: ISO 8601 UTC, as HubSpot's v3 API writes it
        try:
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            raise ValueError("an ISO 8601 date-time with a zone or epoch milliseconds") from None
        if value.tzinfo is dt.UTC:
            return value
        return value.astimezone(UTC)
    if _EPOCH_MS.match(text):
        return _EPOCH + dt.timedelta(milliseconds=int(text))
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError("an ISO 8601 date-time with a zone or epoch milliseconds") from None
    if value.tzinfo is None:
        raise ValueError("a date-time with a zone (Z or +hh:mm)")
    return value.astimezone(UTC)


def parse_bool(text: str) -> bool:
    """``true``/``false``, ``yes``/``no`` (any case) as a bool."""
    low = text.strip().casefold()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ValueError("true/false or yes/no")


def norm_email(text: str | None) -> str | None:
    """An e-mail address for matching: stripped and lower-cased; empty is ``None``."""
    if text is None:
        return None
    text = text.strip().casefold()
    return text or None


Value = str | dt.datetime | None


def build_contact(
    props: Mapping[str, Value],
    mapping: PortalMapping,
    *,
    source: str,
    line: int | None,
    pointer: str | None = None,
    record_id: str | None,
    archived: bool = False,
    archived_at: dt.datetime | None = None,
    fallback_created: dt.datetime | None = None,
    id_note: str | None = None,
    datetime_props: tuple[str, ...] | None = None,
) -> Contact:
    """Build a :class:`Contact` from internal-name properties (strings or instants).

    Raises :class:`RecordError` for the first field that cannot be read.
    """

    def fail(field: str, expected: str, found: object) -> RecordError:
        ptr = f"{pointer}/properties/{field}" if pointer is not None else None
        return RecordError.at(source, line, None, field, expected, repr(found)[:80], pointer=ptr)

    def instant(name: str) -> dt.datetime | None:
        raw = props.get(name)
        if raw is None or isinstance(raw, dt.datetime):
            return raw
        if not raw.strip():
            return None
        try:
            return parse_instant(raw.strip())
        except ValueError as exc:
            raise fail(name, str(exc), raw) from None

    def text(name: str) -> str | None:
        raw = props.get(name)
        if raw is None:
            return None
        if isinstance(raw, dt.datetime):
            raise fail(name, "a text value", raw)
        raw = raw.strip()
        return raw or None

    def flag(name: str) -> bool:
        raw = text(name)
        if raw is None:
            return False
        try:
            return parse_bool(raw)
        except ValueError as exc:
            raise fail(name, str(exc), raw) from None

    email = norm_email(text(mapping.email_property))
    if record_id is None and email is None:
        raise fail(mapping.email_property, "a record id or an e-mail address to match on", None)
    created = instant(mapping.created_property) or fallback_created
    acts: list[Activity] = []
    for name in datetime_props if datetime_props is not None else mapping.datetime_properties():
        if props.get(name) is None:
            continue
        at = instant(name)
        if at is not None:
            acts.append(Activity(name, at))
    deact = text(mapping.deactivated_property)
    deactivated = deact is not None and deact.casefold() in {
        v.casefold() for v in mapping.deactivated_values
    }
    restr = text(mapping.restricted_property)
    restricted = restr is not None and restr.casefold() in {
        v.casefold() for v in mapping.restricted_values
    }
    restricted_at = instant(mapping.restricted_date_property)
    if restricted and restricted_at is None:
        raise fail(mapping.restricted_date_property,
                   "the restriction date of a contact whose processing is restricted", None)
    bounce = None
    for name in mapping.hard_bounce_properties:
        bounce = text(name)
        if bounce:
            break
    bases_raw = text(mapping.legal_basis_property)
    bases = tuple(b.strip() for b in bases_raw.split(";") if b.strip()) if bases_raw else ()
    stage = text(mapping.lifecycle_property)
    return Contact(
        record_id=record_id,
        email=email,
        archived=archived,
        archived_at=archived_at,
        created_at=created,
        deactivated=deactivated,
        restricted=restricted,
        restricted_at=restricted_at if restricted else None,
        hard_bounce_reason=bounce,
        unsubscribed_all=flag(mapping.unsubscribe_all_property),
        legal_bases=bases,
        lifecycle_stage=stage,
        activities=tuple(acts),
        source=source,
        line=line,
        pointer=pointer,
        id_note=id_note,
    )
