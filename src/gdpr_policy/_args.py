"""Argument checks at the public API: what a service passes in, refused with what was expected.

A service developer who passes a :class:`~gdpr_policy.Policy` where a
:class:`~gdpr_policy.PolicyVersion` is needed, or a string where a date is,
gets a :class:`~gdpr_policy.UsageError` that says what was expected and how
to get it, never an ``AttributeError`` from inside a rule. ISO 8601 strings
are accepted where a date or an aware date-time is expected.

The records a service parses (``parse_request``, ``parse_consent_record``)
follow the same rules field by field: :func:`iso_instant` guards their
date-time fields, and :func:`field_issue` words pydantic's errors about them
as "expected ..., got ...", located at the field's JSON pointer.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, get_args

from ._errors import Issue, UsageError

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ._duration import Duration
    from ._policy import PolicyVersion

__all__ = [
    "ISO_INSTANT", "duration", "field_issue", "in_every_zone", "instance_of", "iso_instant",
    "past_the_calendar", "plain_words", "policy_version", "when", "when_or_none", "zone_name",
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


#: What a date-time field of a record takes, in the words of every error about one.
ISO_INSTANT = "an ISO 8601 date-time with a UTC offset such as 2026-01-01T00:00:00+01:00"
#: The calendar date every ISO 8601 text a date-time field takes begins with.
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def iso_instant(value: Any) -> Any:
    """A record's date-time field as given, refused when it is a number (a before-validator).

    pydantic's lax mode reads an int, a float or a digit-only string as Unix
    time: a compact stamp such as 20260101000000 would become the year 2612
    and 20250301 a day in 1970, each a wrong verdict. A date-time or a date
    goes on to the field's own validation; a text only when it begins with a
    calendar date (YYYY-MM-DD), without the white space around it (as
    :func:`when` reads ``as_of``).
    """
    if isinstance(value, dt.date):  # a date-time is a date too
        return value
    if isinstance(value, str) and _ISO_DAY.match(text := value.strip()):
        return text
    raise ValueError(f"expected {ISO_INSTANT}")


#: pydantic's error types, in the words of a person who writes the record.
_PLAIN: dict[str, str] = {
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "datetime_type": ISO_INSTANT,
    "datetime_parsing": ISO_INSTANT,
    "datetime_from_date_parsing": ISO_INSTANT,
    "datetime_object_invalid": ISO_INSTANT,
    "timezone_aware": "a date-time with a UTC offset such as 2026-01-01T00:00:00+01:00",
    "tuple_type": "a list",
    "list_type": "a list",
    "string_type": "a text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "model_type": "an object of keys and values",
    "dict_type": "an object of keys and values",
    "missing": "a value for this required field",
}


def field_issue(
    err: Mapping[str, Any], *, source: str, pointer: str, model: type[BaseModel]
) -> Issue:
    """One pydantic error on a ``model`` read from ``source`` at ``pointer``, as a located issue.

    A model validator that names the field it refuses (``"withdrawn_at:
    expected ..."``) is located at that field, not at the record; an unknown
    key names the nearest key the model knows.
    """
    parts = [str(p) for p in err["loc"]]
    kind: str = err["type"]
    found = err.get("input")
    if kind == "value_error":
        expected = str(err["msg"]).removeprefix("Value error, ")
        head, sep, rest = expected.partition(": ")
        if sep and re.fullmatch(r"[a-z_.]+", head):  # the validator named a nested field
            parts.extend(head.split("."))
            expected, found = rest, None  # and said what it found
    elif kind == "extra_forbidden":
        expected, found = _unknown_key(model, err["loc"]), None
    else:
        expected = plain_words(kind, err["msg"], err.get("ctx") or {})
        if kind == "missing":
            found = None  # the input is the record around the key
    if not expected.startswith("expected"):
        expected = "expected " + expected[:1].lower() + expected[1:]
    return Issue(
        source=source,
        line=None,
        column=None,
        path=".".join(parts),
        expected=expected,
        found=None if found is None or isinstance(found, Mapping) else repr(found),
        pointer=pointer + "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts),
    )


def plain_words(kind: str, msg: str, ctx: Mapping[str, Any]) -> str:
    """What a pydantic error of type ``kind`` expected, without pydantic's own wording."""
    if kind in _PLAIN:
        return _PLAIN[kind]
    if kind == "string_too_short":
        least = ctx.get("min_length", 1)
        return "a non-empty text" if least == 1 else f"a text of at least {least} characters"
    if kind == "string_too_long":
        return f"a text of at most {ctx.get('max_length')} characters"
    if kind == "too_short":
        least = ctx.get("min_length", 1)
        return "at least one entry" if least == 1 else f"at least {least} entries"
    if kind == "string_pattern_mismatch":
        return f"a text that matches {ctx.get('pattern')}"
    if kind == "greater_than_equal":
        return f"{ctx.get('ge')} or more"
    return msg.removeprefix("Input should be ")  # 'email', 'web-form' ... or 'other'


def _unknown_key(model: type[BaseModel], loc: Sequence[Any]) -> str:
    """The words for an unknown key, with the nearest key of the model at ``loc`` if any."""
    import difflib  # only on this error: it is not loaded on the CLI's banner path

    key = str(loc[-1])
    owner = _model_at(model, loc[:-1])
    # 0.7, not difflib's 0.6: so many keys end in "_at" that a request's 'recieved_at'
    # in a consent record would otherwise suggest 'given_at'
    fields = list(owner.model_fields) if owner else []
    near = difflib.get_close_matches(key, fields, n=1, cutoff=0.7)
    hint = f"; did you mean {near[0]!r}?" if near else ""
    return f"a known key (unknown key {key!r}{hint})"


def _model_at(model: type[BaseModel], loc: Sequence[Any]) -> type[BaseModel] | None:
    """The model whose keys are read at ``loc`` under ``model`` (None: not a model)."""
    current: type[BaseModel] | None = model
    for part in loc:
        if isinstance(part, int):  # an item of a tuple of models
            continue
        field = current.model_fields.get(str(part)) if current else None
        current = None if field is None else _model_in(field.annotation)
    return current


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model in an annotation such as ``Notice | None`` or ``tuple[Event, ...]``."""
    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next((m for a in get_args(annotation) if (m := _model_in(a)) is not None), None)
