"""Reader of HubSpot CRM v3 contact dumps (JSON).

Two shapes are accepted (hubspot.md §4.1): list pages ``{"results": [...],
"paging": ...}`` (one page a line, or one pretty-printed document) and JSON
Lines with one ``SimplePublicObject`` a line. Property values are strings or
``null``; date-times are ISO 8601 UTC or epoch milliseconds; ``archived: true``
marks a record in the recycle bin (a restorable delete). A line-oriented file
rejects only its bad lines; a single document that is not valid JSON cannot
be split into records and makes the whole file unreadable.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

import msgspec

from .._errors import InputError, RecordError
from ._mapping import PortalMapping
from ._model import Contact
from ._values import build_contact, parse_instant

__all__ = ["read_contacts_json"]

_ID = re.compile(r"^\d+$")
_COLUMNS: dict[tuple[str, ...], frozenset[str]] = {}


def _columns(props: dict[str, Any]) -> frozenset[str]:
    """The property keys of one object, as one shared set per distinct key list."""
    key = tuple(props)
    got = _COLUMNS.get(key)
    if got is None:
        if len(_COLUMNS) > 256:
            _COLUMNS.clear()
        got = _COLUMNS[key] = frozenset(key)
    return got


class _Object(msgspec.Struct, gc=False):
    """One contact object of a JSON Lines dump, as msgspec reads it (in C).

    Only the usual shape: string-or-null properties, a boolean ``archived``,
    text or null times. Anything else (a page of results, a number among the
    properties, ...) fails here and goes through ``json.loads`` and
    :func:`_top`, so both ways give the same contact or the same error.
    """

    properties: dict[str, str | None]
    id: str | int | msgspec.UnsetType | None = msgspec.UNSET
    archived: bool = False
    # HubSpot's key names; unset and null differ in one error message of ``_one``
    archivedAt: str | msgspec.UnsetType | None = msgspec.UNSET
    createdAt: str | msgspec.UnsetType | None = msgspec.UNSET


_DECODER = msgspec.json.Decoder(_Object)
#: the mapping's date-time properties, and the zone of a date property's day
_Props = tuple[tuple[str, ...], "dt.tzinfo | None"]


def read_contacts_json(
    lines: Iterable[str], *, source: str, mapping: PortalMapping | None = None,
    day_zone: dt.tzinfo | None = None,
) -> Iterator[Contact | RecordError]:
    """Yield one :class:`Contact` or :class:`RecordError` per contact object.

    ``day_zone``: the zone in which a property holding a date without a time
    (a HubSpot date property, ``2024-02-11``) starts its day; without it such a
    value rejects its record.
    """
    mapping = mapping or PortalMapping()
    dprops = (mapping.datetime_properties(), day_zone)
    it = iter(lines)
    first: str | None = None
    first_no = 0
    for no, line in enumerate(it, 1):
        if line.strip():
            first, first_no = line, no
            break
    if first is None:
        return
    first_error: ValueError | RecursionError | None = None
    try:
        doc = json.loads(first)
    except (ValueError, RecursionError) as exc:  # not a complete JSON value, or too deep
        doc, first_error = None, exc
    if isinstance(doc, dict):  # JSON Lines (of objects or of pages)
        yield from _top(doc, mapping, source, first_no, None, dprops)
        yield from _json_lines(enumerate(it, first_no + 1), mapping, source, dprops)
        return
    text = first + "".join(it)
    try:
        whole = json.loads(text)
    except json.JSONDecodeError as exc:
        # split at line feeds only, as the file's lines were (str.splitlines would also
        # split at U+2028 and others, which a JSON string may hold)
        parts = text.split("\n")
        rest = [p + "\n" for p in parts[:-1]] + ([parts[-1]] if parts[-1] else [])
        if first_error is not None and _second_is_an_object(rest):
            # JSON Lines whose first line is bad: it rejects only itself, as any other
            # line would, instead of making the whole file unreadable
            yield _line_error(first_error, source, first_no)
            yield from _json_lines(enumerate(rest[1:], first_no + 1), mapping, source, dprops)
            return
        raise InputError.at(source, first_no + exc.lineno - 1, exc.colno, "",
                            "a JSON document or one JSON object a line", exc.msg) from exc
    except (ValueError, RecursionError) as exc:
        raise InputError.at(source, first_no, None, "", "a JSON document or one JSON object a line",
                            str(exc)[:80]) from exc
    if isinstance(whole, list):
        for i, obj in enumerate(whole):
            yield from _top(obj, mapping, source, None, f"/{i}", dprops)
    else:
        yield from _top(whole, mapping, source, None, "", dprops)


def _json_lines(numbered: Iterable[tuple[int, str]], mapping: PortalMapping, source: str,
                dprops: _Props) -> Iterator[Contact | RecordError]:
    """The records of JSON Lines, each line by itself (a bad line rejects only itself)."""
    decode = _DECODER.decode
    for no, line in numbered:
        if not line.strip():
            continue
        try:
            o = decode(line)
        except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
            pass
        else:
            yield _fast(o, mapping, source, no, dprops)
            continue
        try:
            obj = json.loads(line)
        except (ValueError, RecursionError) as exc:
            yield _line_error(exc, source, no)
            continue
        yield from _top(obj, mapping, source, no, None, dprops)


def _line_error(exc: ValueError | RecursionError, source: str, no: int) -> RecordError:
    """Why one line of JSON Lines is not a JSON value, from ``json.loads``'s error."""
    if isinstance(exc, json.JSONDecodeError):
        return RecordError.at(source, no, exc.colno, "", "one JSON object a line", exc.msg)
    # a too long integer, too deep nesting
    return RecordError.at(source, no, None, "", "one JSON object a line", str(exc)[:80])


def _second_is_an_object(lines: list[str]) -> bool:
    """Whether the second non-blank line is a JSON object by itself (the file is JSON Lines)."""
    seen = 0
    for line in lines:
        if not line.strip():
            continue
        seen += 1
        if seen == 2:
            try:
                return isinstance(json.loads(line), dict)
            except (ValueError, RecursionError):
                return False
    return False


def _top(obj: Any, mapping: PortalMapping, source: str, line: int | None,
         base: str | None, dprops: _Props) -> Iterator[Contact | RecordError]:
    if isinstance(obj, dict) and "results" in obj and "properties" not in obj:
        results = obj["results"]
        if not isinstance(results, list):
            yield RecordError.at(source, line, None, "results", "a list of contacts",
                                 type(results).__name__, pointer=f"{base or ''}/results")
            return
        for i, item in enumerate(results):
            yield _one(item, mapping, source, line, f"{base or ''}/results/{i}", dprops)
        return
    yield _one(obj, mapping, source, line, base, dprops)


def _str(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    raise ValueError


def _one(obj: Any, mapping: PortalMapping, source: str, line: int | None,
         pointer: str | None, dprops: _Props) -> Contact | RecordError:
    def err(field: str, expected: str, found: Any) -> RecordError:
        ptr = f"{pointer}/{field}" if pointer is not None else None
        return RecordError.at(source, line, None, field, expected, repr(found)[:80], pointer=ptr)

    if not isinstance(obj, dict):
        return err("", "a contact object", obj)
    props = obj.get("properties")
    if not isinstance(props, dict):
        return err("properties", "an object of property values", props)
    clean: dict[str, str | dt.datetime | None] = props
    for _k, v in props.items():
        if v is not None and not isinstance(v, str):  # rare: normalise a copy
            clean = {}
            for k2, v2 in props.items():
                try:
                    clean[str(k2)] = _str(v2)
                except ValueError:
                    return err(f"properties/{k2}", "a string or null", v2)
            break
    rid_raw = obj.get("id", props.get(mapping.id_property))
    if isinstance(rid_raw, int) and not isinstance(rid_raw, bool):
        rid_raw = str(rid_raw)
    if rid_raw is not None and not (isinstance(rid_raw, str) and _ID.match(rid_raw)):
        return err("id", "a numeric record id", rid_raw)
    archived = obj.get("archived", False)
    if not isinstance(archived, bool):
        return err("archived", "true or false", archived)
    archived_at = None
    try:
        if isinstance(obj.get("archivedAt"), str):
            archived_at = parse_instant(obj["archivedAt"])
        created = parse_instant(obj["createdAt"]) if isinstance(obj.get("createdAt"), str) else None
    except ValueError as exc:
        return err("archivedAt" if "archivedAt" in obj else "createdAt", str(exc), obj.get("createdAt"))
    try:
        return build_contact(clean, mapping, source=source, line=line,
                             pointer=pointer, record_id=rid_raw, archived=archived,
                             archived_at=archived_at, fallback_created=created,
                             datetime_props=dprops[0], columns=_columns(clean),
                             day_zone=dprops[1])
    except RecordError as exc:
        return exc


def _fast(o: _Object, mapping: PortalMapping, source: str, line: int,
          dprops: _Props) -> Contact | RecordError:
    """:func:`_one` of an object msgspec has typed: the same checks, in the same order."""
    props = o.properties
    rid_raw = o.id if o.id is not msgspec.UNSET else props.get(mapping.id_property)
    if isinstance(rid_raw, int):
        rid_raw = str(rid_raw)
    if rid_raw is not None and not _ID.match(rid_raw):
        return RecordError.at(source, line, None, "id", "a numeric record id", repr(rid_raw)[:80])
    archived_at = created = None
    try:
        if isinstance(o.archivedAt, str):
            archived_at = parse_instant(o.archivedAt)
        if isinstance(o.createdAt, str):
            created = parse_instant(o.createdAt)
    except ValueError as exc:
        field = "archivedAt" if o.archivedAt is not msgspec.UNSET else "createdAt"
        found = o.createdAt if isinstance(o.createdAt, str) else None
        return RecordError.at(source, line, None, field, str(exc), repr(found)[:80])
    try:
        return build_contact(props, mapping, source=source, line=line, pointer=None,
                             record_id=rid_raw, archived=o.archived, archived_at=archived_at,
                             fallback_created=created, datetime_props=dprops[0],
                             columns=_columns(props), day_zone=dprops[1])
    except RecordError as exc:
        return exc
