"""Reader of the HubSpot UI contacts export (CSV).

What the export looks like (hubspot.md §3): headers are property *labels* in
the export language, mapped to internal names through a
:class:`~gdpr_policy.audit.PropertyCatalog`; enumerations show option labels;
booleans are ``Yes``/``No`` or ``true``/``false``; date-times are naive local
time in the portal's zone, minute precision, in a format that follows the
user's locale (``--datetime-format``, strftime codes); the file may start with
a UTF-8 byte-order mark. Record ids opened in Excel become ``3.01E+10``: such
a row keeps no id, is matched on its e-mail address, and carries an
``id_note`` so the audit can say so.

Local times are read in ``zone``. A time that does not exist there (the hour
skipped when daylight saving time starts) cannot come from a real export and
rejects the row; a time that exists twice (the hour repeated when it ends) is
read as its first occurrence, the earlier instant, and this is the one
documented guess the reader makes.

Archived (recycle-bin) contacts are never in a UI export: the erasure
soft-delete rule needs the API dump for them.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .._errors import InputError, RecordError, UsageError
from ._mapping import PortalMapping, PropertyCatalog
from ._model import Contact
from ._values import build_contact, parse_bool

__all__ = ["DEFAULT_DATETIME_FORMAT", "read_contacts_csv", "zone_of"]

DEFAULT_DATETIME_FORMAT = "%Y-%m-%d %H:%M"
UTC = dt.UTC
_EXCEL_ID = re.compile(r"^\d+(?:[.,]\d+)?[eE]\+?\d+$")
_DIGITS = re.compile(r"^\d+$")
_ISO_MINUTE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d$")


def zone_of(name: str | ZoneInfo) -> ZoneInfo:
    """The zone of an IANA name; an unknown name is a usage error."""
    if isinstance(name, ZoneInfo):
        return name
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UsageError(f"unknown time zone {name!r} (expected an IANA name such as Europe/Oslo)") from exc


def _local_parser(zone: ZoneInfo, fmt: str) -> Callable[[str], dt.datetime]:
    fast = fmt == DEFAULT_DATETIME_FORMAT

    def parse(text: str) -> dt.datetime:
        try:
            if fast and _ISO_MINUTE.match(text):
                naive = dt.datetime.fromisoformat(text)
            else:
                naive = dt.datetime.strptime(text, fmt)
        except ValueError:
            raise ValueError(f"a local date-time in the format {fmt}") from None
        aware = naive.replace(tzinfo=zone)
        utc = aware.astimezone(UTC)
        if utc.astimezone(zone).replace(tzinfo=None) != naive:
            raise ValueError(f"a local time that exists in {zone.key} (this one falls in the "
                             f"daylight-saving gap)")
        return utc

    return parse


def _without_bom(lines: Iterable[str]) -> Iterator[str]:
    # the mark must go before the csv module sees the line, or the quoted first
    # label ("Record ID") would be read as an unquoted field with quotes in it
    it = iter(lines)
    for first in it:
        yield first.removeprefix("\ufeff")
        break
    yield from it


def read_contacts_csv(
    lines: Iterable[str],
    *,
    source: str,
    zone: str | ZoneInfo,
    datetime_format: str = DEFAULT_DATETIME_FORMAT,
    catalog: PropertyCatalog | None = None,
    mapping: PortalMapping | None = None,
) -> Iterator[Contact | RecordError]:
    """Yield one :class:`Contact` or one :class:`RecordError` per data row.

    A header that names neither a record id nor an e-mail column makes the
    whole file unreadable (:class:`InputError`); a bad row only rejects itself.
    """
    catalog = catalog or PropertyCatalog.default()
    mapping = mapping or PortalMapping()
    parse_local = _local_parser(zone_of(zone), datetime_format)
    reader = csv.reader(_without_bom(lines), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError.at(source, 1, None, "", "a header row of property labels", "an empty file") from None
    except csv.Error as exc:
        raise InputError.at(source, 1, None, "", "a CSV header row", str(exc)) from exc
    names: list[str | None] = []
    for label in header:
        label = label.strip()
        name = catalog.label_to_name.get(label)
        if name is None and label in catalog.types:  # exported with internal names
            name = label
        names.append(name)
    if mapping.id_property not in names and mapping.email_property not in names:
        raise InputError.at(source, 1, None, "", "a HubSpot contacts export with a 'Record ID' "
                            "or 'Email' column", ", ".join(header[:6]) or "no columns")
    width = len(header)
    dprops = mapping.datetime_properties()
    dt_types = {"datetime", "date"}
    prev_line = reader.line_num
    while True:
        start = prev_line + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            prev_line = reader.line_num
            yield RecordError.at(source, start, None, "", "a well-formed CSV row", str(exc))
            continue
        prev_line = reader.line_num
        if not row or (len(row) == 1 and not row[0].strip()):
            continue  # blank line: not a record
        if len(row) != width:
            yield RecordError.at(source, start, None, "", f"{width} columns", f"{len(row)}")
            continue
        try:
            yield _row_contact(row, names, catalog, mapping, parse_local, dt_types, source, start, dprops)
        except RecordError as err:
            yield err


def _row_contact(
    row: list[str],
    names: list[str | None],
    catalog: PropertyCatalog,
    mapping: PortalMapping,
    parse_local: Callable[[str], dt.datetime],
    dt_types: set[str],
    source: str,
    line: int,
    dprops: tuple[str, ...],
) -> Contact:
    props: dict[str, str | dt.datetime | None] = {}
    for col, (name, raw) in enumerate(zip(names, row, strict=True), 1):
        if name is None:
            continue
        value = raw.strip()
        if not value:
            props.setdefault(name, None)
            continue
        if props.get(name) is not None:
            continue  # a second column with the same label: the first non-empty wins
        typ = catalog.types.get(name, "string")
        if typ in dt_types:
            try:
                props[name] = parse_local(value)
            except ValueError as exc:
                raise RecordError.at(source, line, col, name, str(exc), value) from None
            continue
        opts = catalog.options.get(name)
        if opts:
            value = ";".join(opts.get(v.strip(), v.strip()) for v in value.split(";"))
        if typ == "bool" or (opts and set(opts.values()) <= {"true", "false"}):
            try:
                value = "true" if parse_bool(value) else "false"
            except ValueError as exc:
                raise RecordError.at(source, line, col, name, str(exc), value) from None
        props[name] = value
    raw_id = props.get(mapping.id_property)
    record_id: str | None = None
    note: str | None = None
    if isinstance(raw_id, str):
        if _DIGITS.match(raw_id):
            record_id = raw_id
        elif _EXCEL_ID.match(raw_id):
            note = raw_id
        else:
            col = names.index(mapping.id_property) + 1
            raise RecordError.at(source, line, col, mapping.id_property, "a numeric record id", raw_id)
    return build_contact(props, mapping, source=source, line=line, record_id=record_id, id_note=note,
                         datetime_props=dprops)
