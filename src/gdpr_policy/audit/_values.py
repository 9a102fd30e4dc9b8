"""Value parsing shared by the snapshot readers: instants, booleans, contacts.

Every parser raises ``ValueError`` with the expectation as its text; the
readers turn it into a located :class:`~gdpr_policy.RecordError`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from functools import lru_cache

from .._errors import RecordError
from ._mapping import PortalMapping
from ._model import Activity, Contact

__all__ = ["OPT_OUT_PREFIX", "build_contact", "norm_email", "parse_bool", "parse_instant"]

#: The per-subscription opt-out properties: ``hs_email_optout_<subscription id>``.
OPT_OUT_PREFIX = "hs_email_optout_"
_NOT_LISTS = frozenset({"hs_email_optout_survey_reason"})


@lru_cache(maxsize=256)
def list_props(columns: frozenset[str]) -> tuple[str, ...]:
    """The per-subscription opt-out properties among ``columns`` (sorted)."""
    return tuple(sorted(c for c in columns if c.startswith(OPT_OUT_PREFIX) and c not in _NOT_LISTS))

UTC = dt.UTC
_EPOCH_MS = re.compile(r"^-?\d{9,15}$")
_TRUE = frozenset({"true", "yes", "1", "ja", "sant"})
_FALSE = frozenset({"false", "no", "0", "nei", "falskt", "--", "nej", "usant"})
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
        try:
            return _EPOCH + dt.timedelta(milliseconds=int(text))
        except OverflowError:
            raise ValueError("an instant between the years 1 and 9999") from None
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


class _Plan:
    """A mapping's property names and value sets, looked up once instead of per contact."""

    __slots__ = ("bases", "bounce", "countries", "country", "created", "deact", "deact_date",
                 "deact_truths", "deact_values", "dprops", "email", "exception", "optout", "restr",
                 "restr_date", "restr_truths", "restr_values", "stage")

    def __init__(self, m: PortalMapping) -> None:
        self.email = m.email_property
        self.created = m.created_property
        self.dprops = m.datetime_properties()
        self.deact = m.deactivated_property
        self.deact_values = frozenset(v.casefold() for v in m.deactivated_values)
        self.deact_truths = _truths(m.deactivated_values)
        self.deact_date = m.deactivated_date_property
        self.country = m.country_property
        self.countries = m.country_code
        self.exception = m.customer_exception_properties
        self.restr = m.restricted_property
        self.restr_values = frozenset(v.casefold() for v in m.restricted_values)
        self.restr_truths = _truths(m.restricted_values)
        self.restr_date = m.restricted_date_property
        self.bounce = m.hard_bounce_properties
        self.bases = m.legal_basis_property
        self.stage = m.lifecycle_property
        self.optout = m.unsubscribe_all_property


def _truths(values: tuple[str, ...]) -> frozenset[bool] | None:
    """What the yes/no values of a flag mean, when every value is a yes/no word, else ``None``.

    ``("true",)`` is a yes/no property (its ``Yes``, ``Ja``, ``1`` mean the same);
    ``("false",)`` one whose no is the state (``processing_allowed``); values that
    are no yes/no words (``deactivated``) are options of an enumeration.
    """
    try:
        truths = frozenset(parse_bool(v) for v in values)
    except ValueError:
        return None
    return truths or None


def _flag(text: str, name: str, values: frozenset[str], truths: frozenset[bool] | None) -> bool:
    """Whether a flag property's value is the mapping's state (deactivated, restricted).

    A yes/no property is read as the unsubscribe flags are: a property renamed
    through the mapping is text in a CSV export (``Yes``, ``Ja``), and a word that
    is neither yes nor no rejects the record rather than pass as "no". Another
    option of an enumeration is another state.
    """
    if text.casefold() in values:
        return True
    if truths is None:
        return False
    try:
        return parse_bool(text) in truths
    except ValueError as exc:
        raise _Fail(name, str(exc), text) from None


_PLANS: dict[int, tuple[PortalMapping, _Plan]] = {}


def _plan(mapping: PortalMapping) -> _Plan:
    hit = _PLANS.get(id(mapping))
    if hit is None or hit[0] is not mapping:
        if len(_PLANS) > 64:
            _PLANS.clear()
        hit = _PLANS[id(mapping)] = (mapping, _Plan(mapping))
    return hit[1]


class _Fail(Exception):
    def __init__(self, field: str, expected: str, found: object) -> None:
        self.args = (field, expected, found)


def _text(props: Mapping[str, Value], name: str) -> str | None:
    raw = props.get(name)
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise _Fail(name, "a text value", raw)
    return raw.strip() or None


_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _instant(props: Mapping[str, Value], name: str,
             day_zone: dt.tzinfo | None = None) -> dt.datetime | None:
    raw = props.get(name)
    if raw is None or isinstance(raw, dt.datetime):
        return raw
    text = raw.strip()
    if not text:
        return None
    try:
        return parse_instant(text)
    except ValueError as exc:
        if day_zone is not None and _DATE_ONLY.match(text):
            # a HubSpot date property (a day, no time): the start of that day in the
            # portal's zone, as the CSV export's date-only values are read
            try:
                day = dt.date.fromisoformat(text)
            except ValueError:
                raise _Fail(name, "a real calendar date", raw) from None
            return dt.datetime.combine(day, dt.time(), day_zone).astimezone(UTC)
        raise _Fail(name, str(exc), raw) from None


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
    columns: frozenset[str] | None = None,
    day_zone: dt.tzinfo | None = None,
) -> Contact:
    """Build a :class:`Contact` from internal-name properties (strings or instants).

    Raises :class:`RecordError` for the first field that cannot be read (the
    fields are read in a fixed order, so the same record gives the same error).
    With ``day_zone``, a date without a time (``2024-02-11``, a HubSpot date
    property) is the start of that day there; without it, it is refused.
    """
    try:
        return _build(props, _plan(mapping), source, line, pointer, record_id, archived,
                      archived_at, fallback_created, id_note, datetime_props, columns, day_zone)
    except _Fail as fail:
        field, expected, found = fail.args
        ptr = f"{pointer}/properties/{field}" if pointer is not None else None
        raise RecordError.at(source, line, None, field, expected, repr(found)[:80],
                             pointer=ptr) from None


def _build(props: Mapping[str, Value], p: _Plan, source: str, line: int | None,
           pointer: str | None, record_id: str | None, archived: bool,
           archived_at: dt.datetime | None, fallback_created: dt.datetime | None,
           id_note: str | None, datetime_props: tuple[str, ...] | None,
           columns: frozenset[str] | None, day_zone: dt.tzinfo | None = None) -> Contact:
    email = norm_email(_text(props, p.email))
    if record_id is None and email is None:
        raise _Fail(p.email, "a record id or an e-mail address to match on", None)
    created = _instant(props, p.created, day_zone) or fallback_created
    acts: list[Activity] = []
    get = props.get
    for name in datetime_props if datetime_props is not None else p.dprops:
        if get(name) is None:
            continue
        at = _instant(props, name, day_zone)
        if at is not None:
            acts.append(Activity(name, at))
    deact = _text(props, p.deact)
    deactivated = deact is not None and _flag(deact, p.deact, p.deact_values, p.deact_truths)
    deactivated_at = _instant(props, p.deact_date, day_zone) if deactivated else None
    restr = _text(props, p.restr)
    restricted = restr is not None and _flag(restr, p.restr, p.restr_values, p.restr_truths)
    restricted_at = _instant(props, p.restr_date, day_zone)
    if restricted and restricted_at is None:
        raise _Fail(p.restr_date, "the restriction date of a contact whose processing is restricted",
                    None)
    bounce = None
    for name in p.bounce:
        bounce = _text(props, name)
        if bounce:
            break
    bases_raw = _text(props, p.bases)
    bases = tuple(b.strip() for b in bases_raw.split(";") if b.strip()) if bases_raw else ()
    stage = _text(props, p.stage)
    optout = _text(props, p.optout)
    if optout is None:
        unsubscribed = False
    else:
        try:
            unsubscribed = parse_bool(optout)
        except ValueError as exc:
            raise _Fail(p.optout, str(exc), optout) from None
    lists: list[str] = []
    for name in list_props(columns) if columns is not None else list_props(frozenset(props)):
        # hs_email_optout_<subscription id> (API) or _<subscription name> (a CSV label)
        raw = props.get(name)
        if raw is None or raw == "false" or raw == "":
            continue
        if raw == "true":
            lists.append(name[len(OPT_OUT_PREFIX):])
            continue
        if not isinstance(raw, str):
            raise _Fail(name, "true/false or yes/no", raw)
        try:
            if raw.strip() and parse_bool(raw):
                lists.append(name[len(OPT_OUT_PREFIX):])
        except ValueError as exc:
            raise _Fail(name, str(exc), raw) from None
    exception = bool(p.exception)
    for name in p.exception:
        flag = _text(props, name)
        try:
            met = flag is not None and parse_bool(flag)
        except ValueError as exc:
            raise _Fail(name, str(exc), flag) from None
        exception = exception and met
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
        unsubscribed_all=unsubscribed,
        legal_bases=bases,
        lifecycle_stage=stage,
        activities=tuple(acts),
        source=source,
        line=line,
        pointer=pointer,
        id_note=id_note,
        columns=columns,
        opted_out_lists=tuple(lists) if lists else (),
        deactivated_at=deactivated_at,
        country=p.countries(_text(props, p.country)),
        customer_exception=exception,
        name=_name(props),
    )


#: HubSpot's default name properties: the same internal names in every portal and export
_NAME_PROPERTIES = ("firstname", "lastname")


def _name(props: Mapping[str, Value]) -> str | None:
    """The contact's name for the report; a name is never a reason to reject a record.

    Only text counts: a value of another type (a number some tool wrote) is
    left out, since no rule judges the name.
    """
    parts = [v.strip() for v in map(props.get, _NAME_PROPERTIES) if isinstance(v, str)]
    return " ".join(p for p in parts if p) or None
