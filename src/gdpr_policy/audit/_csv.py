"""Reader of HubSpot contact exports as CSV: UI exports and warehouse tables.

What a UI export looks like (hubspot.md §3): headers are property *labels* in
the export language (English, older English such as "Contact ID", Norwegian,
Swedish: matched case-insensitively), mapped to internal names through a
:class:`~gdpr_policy.audit.PropertyCatalog`; enumerations show option labels;
booleans are ``Yes``/``No`` or ``true``/``false``; date-times are naive local
time in the portal's zone; the file may start with a UTF-8 byte-order mark.
Record ids opened in Excel become ``3.01E+10``: such a row keeps no id, is
matched on its e-mail address, and carries an ``id_note`` so the audit can
say so. A file a spreadsheet saved again may use its locale's separator
(``;`` in Norway and Sweden, a tab): the header line decides.

Which columns are the contact's. An export with associated records labels
the ids "Record ID - Contact" and "Record ID - Company" and repeats labels
("Create Date", "Last Activity Date") for the company: every column after a
"Record ID - <object>" column belongs to that object until the next such
column, and only the contact's columns are read, by position. Where a label
repeats without such a marker the first column is the contact's and the
repeat is ignored: a contact's empty value is never filled from another
column. A file whose columns are another object's (a companies or feedback
export, a deal or ticket export) is refused at the header with what it looks
like and what to export instead.

Warehouse tables written by sync tools (a ``contact`` table with ``id``,
``property_<name>`` columns and ``_fivetran_deleted``) are read too: ``id``
is the record id, ``property_`` is dropped from the names, and
``_fivetran_deleted`` = true marks a record deleted in HubSpot whose data is
still in the table (read as archived). Their naive times are UTC (what the
sync tools write) unless a zone is given. Any other column names are renamed
by the mapping's ``columns``.

Dates. Without an explicit ``datetime_format`` the format of each date
column is inferred from its values: ISO (``2024-03-12 09:14``, with seconds,
a ``T``, an offset or ``Z``), epoch milliseconds, day-first with dots
(``12.03.2024 09:14``), or slash/dash dates whose day/month order the values
decide (``2/5/24 1:51`` from an Excel re-save is ambiguous alone; a ``13/..``
or ``../13/..`` anywhere in the file decides it, for every column, since one
file is written in one locale). Two-digit years are 1969-2068, as strptime
reads them. A file whose slash dates never decide the order is refused with
a request for ``--datetime-format``. Date-only values are read as the start
of that day. With an explicit format, a date-only value is read with the
format's date part. :class:`CsvInfo` tells the caller which format each
column was read with.

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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from zoneinfo import ZoneInfo

from .._errors import InputError, RecordError
from .._zones import zone_of
from ._mapping import OPT_OUT_LABEL_PREFIXES, PortalMapping, PropertyCatalog
from ._model import Contact
from ._values import OPT_OUT_PREFIX, build_contact, parse_bool, parse_instant

__all__ = ["DEFAULT_DATETIME_FORMAT", "CsvInfo", "read_contacts_csv"]

#: The format of the snapshot generator's CSV (and of many UI exports).
DEFAULT_DATETIME_FORMAT = "%Y-%m-%d %H:%M"
UTC = dt.UTC
_EXCEL_ID = re.compile(r"^\d+(?:[.,]\d+)?[eE]\+?\d+$")
_DIGITS = re.compile(r"^\d+$")
_MARKER = re.compile(r"^(?:record id|post-id|object id)\s*-\s*(.+)$", re.IGNORECASE)
_CONTACT_WORDS = frozenset({"contact", "contacts", "kontakt", "kontakter", "kontaktperson"})
_ARCHIVED_COLUMN = "_fivetran_deleted"
#: the columns that mark a record deleted in HubSpot: a sync tool's flag, or the API's own
#: ``archived`` that tables loaded from it keep
_ARCHIVED_MARKERS = frozenset({_ARCHIVED_COLUMN, "archived"})
_SYNC_COLUMN = re.compile(r"^_(?:fivetran|airbyte|stitch|sdc)_", re.IGNORECASE)

#: Column labels (case-folded) or warehouse names that show which HubSpot object a file is.
_SIGNS: dict[str, frozenset[str]] = {
    "contacts": frozenset({
        "email", "first name", "last name", "contact owner", "lifecycle stage", "lead status",
        "marketing contact status", "job title", "unsubscribed from all email", "e-post",
        "fornavn", "etternavn", "förnamn", "efternamn", "kontakteier", "kontaktägare",
        "firstname", "lastname", "lifecyclestage", "hs_email_optout", "hs_lead_status",
    }),
    "companies": frozenset({
        "company name", "company domain name", "domain", "number of employees", "industry",
        "annual revenue", "company owner", "website url", "selskapsnavn", "firmanavn",
        "domenenavn", "selskapets domenenavn", "bransje", "antall ansatte", "företagsnamn",
        "domännamn", "bransch", "antal anställda", "name", "numberofemployees", "annualrevenue",
        "hubspot_owner_id_company",
    }),
    "feedback submissions": frozenset({
        "survey name", "survey type", "survey channel", "rating", "response", "sentiment",
        "submission date", "submitted at", "feedback source", "survey id", "response group",
        "hs_survey_name", "hs_survey_type", "hs_survey_channel", "hs_response_group",
        "hs_sentiment", "hs_submission_timestamp", "hs_value", "hs_content",
    }),
    "deals": frozenset({
        "deal name", "deal stage", "pipeline", "amount", "close date", "deal owner",
        "dealname", "dealstage", "closedate",
    }),
    "tickets": frozenset({
        "ticket name", "ticket status", "ticket owner", "priority", "ticket description",
        "subject", "hs_pipeline_stage", "hs_ticket_priority",
    }),
}
#: A contact id column is a strong sign on its own.
_CONTACT_ID_LABELS = frozenset({"record id - contact", "contact id", "vid", "post-id - kontakt",
                                "kontakt-id"})


@dataclass(slots=True)
class CsvInfo:
    """What the reader learned about a file, for the report.

    Filled while the rows are read: ``columns`` once the header is read,
    ``formats`` as values are parsed (complete when the reader is exhausted).
    """

    #: ``"hubspot-export"`` (labels) or ``"warehouse-table"`` (``property_<name>`` columns);
    #: an id the report words through the catalog (``term.shape.*``)
    shape: str = "hubspot-export"
    #: the internal names of the contact's columns
    columns: frozenset[str] = frozenset()
    #: column label -> the formats its date values were read with (strftime codes)
    formats: dict[str, list[str]] = field(default_factory=dict)
    #: whether ``formats`` were inferred from the values (not given)
    inferred: bool = False
    #: the day/month order of slash dates and the column that decided it, if any
    order_from: str | None = None
    #: labels of columns not read: another object's, or a repeat of a contact label
    ignored: list[str] = field(default_factory=list)
    #: the field separator (``,``; ``;`` or a tab from a spreadsheet's re-save)
    delimiter: str = ","


@dataclass(frozen=True, slots=True)
class _Col:
    index: int
    label: str
    name: str
    kind: str  # "date" | "bool" | "enum" | "text" | "archived"


# --------------------------------------------------------------- dates
_NAIVE = re.compile(
    r"^(\d{1,4})([./-])(\d{1,2})\2(\d{1,4})"
    r"(?:(T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6})\d*)?)?(?:\s*([AaPp])\.?[Mm]\.?)?)?$")
_AWARE = re.compile(r"^\d{4}-\d\d-\d\d[T ]\d\d:\d\d.*(?:Z|[+-]\d\d(?::?\d\d)?|\sUTC)$")
_EPOCH = re.compile(r"^-?\d{9,15}$")
_ORDERS = {"ymd": ("%Y", "%m", "%d"), "dmy": ("%d", "%m", "%Y"), "mdy": ("%m", "%d", "%Y")}


class _Shape:
    """One naive date value taken apart: its possible orders and its fields."""

    __slots__ = ("a", "b", "c", "frac", "h", "hh", "mi", "orders", "pm", "s", "sep", "tsep")

    def __init__(self, m: re.Match[str]) -> None:
        a, self.sep, b, c, tsep, h, mi, s, frac, pm = m.groups()
        self.a, self.b, self.c = a, b, c
        self.tsep, self.hh, self.mi, self.s, self.frac, self.pm = tsep, h, mi, s, frac, pm
        self.h = h is not None
        if len(a) == 4:
            self.orders = frozenset({"ymd"}) if len(c) <= 2 else frozenset()
        elif self.sep == "." or len(c) not in (2, 4):
            # dotted dates are day-first in every locale that writes them
            self.orders = frozenset({"dmy"}) if len(c) in (2, 4) else frozenset()
        else:
            orders = {"dmy", "mdy"}
            if int(a) > 12:
                orders.discard("mdy")
            if int(b) > 12:
                orders.discard("dmy")
            self.orders = frozenset(orders)

    def fmt(self, order: str) -> str:
        first, second, third = _ORDERS[order]
        if order != "ymd" and len(self.c) == 2:
            third = "%y"
        text = f"{first}{self.sep}{second}{self.sep}{third}"
        if self.h:
            text += ("T" if self.tsep == "T" else " ") + ("%I" if self.pm else "%H") + ":%M"
            if self.s is not None:
                text += ":%S" + (".%f" if self.frac else "")
            if self.pm:
                text += " %p"
        return text

    def naive(self, order: str) -> dt.datetime:
        if order == "ymd":
            year, month, day = int(self.a), int(self.b), int(self.c)
        else:
            year = int(self.c)
            if len(self.c) == 2:
                year += 2000 if year < 69 else 1900
            month, day = (int(self.b), int(self.a)) if order == "dmy" else (int(self.a), int(self.b))
        hour = minute = second = micro = 0
        if self.h:
            hour, minute = int(self.hh), int(self.mi)
            second = int(self.s) if self.s else 0
            micro = int((self.frac or "0").ljust(6, "0")[:6])
            if self.pm:
                if not 1 <= hour <= 12:
                    raise ValueError("an hour from 1 to 12 before AM/PM")
                hour = hour % 12 + (12 if self.pm in "Pp" else 0)
        return dt.datetime(year, month, day, hour, minute, second, micro)


class _Dates:
    """Parses the date columns of one file: an explicit format, or inferred per column."""

    def __init__(self, zone: ZoneInfo, fmt: str | None, info: CsvInfo) -> None:
        self.zone = zone
        self.fmt = fmt
        self.date_fmt = _date_part(fmt) if fmt else None
        self.info = info
        info.inferred = fmt is None
        #: the file's day/month order of slash dates, once a value decides it
        self.order: str | None = None
        self.first_ambiguous: tuple[int, int, str, str] | None = None

    def decided(self) -> bool:
        """Whether a value has decided the file's day/month order."""
        return self.order is not None

    def learn(self, label: str, text: str, line: int, col: int) -> bool:
        """Look at one value before the order is known; whether it is still ambiguous."""
        m = _NAIVE.match(text)
        if m is None:
            return False
        shape = _Shape(m)
        if shape.orders == frozenset({"dmy", "mdy"}):
            if shape.a.lstrip("0") == shape.b.lstrip("0"):
                return False  # 5/5/24 reads the same either way
            if self.first_ambiguous is None:
                self.first_ambiguous = (line, col, label, text)
            return True
        if shape.sep != "." and len(shape.a) != 4 and len(shape.orders) == 1:
            (self.order,) = shape.orders
            self.info.order_from = f"{label} ({text})"
        return False

    def parse(self, label: str, text: str) -> dt.datetime:
        """One value as a UTC instant; ``ValueError`` says what was expected."""
        if self.fmt is not None:
            return self._explicit(label, text)
        if _AWARE.match(text):
            value = text[:-4] + "+00:00" if text.endswith(" UTC") else text
            self._used(label, "ISO 8601 with an offset")
            return parse_instant(value)
        if _EPOCH.match(text):
            self._used(label, "epoch milliseconds")
            return parse_instant(text)
        m = _NAIVE.match(text)
        if m is None:
            raise ValueError("a date or date-time such as 2024-03-12 09:14, 12.03.2024 09:14 or "
                             "3/12/24 9:14")
        shape = _Shape(m)
        if not shape.orders:
            raise ValueError("a date with a valid day, month and year")
        if len(shape.orders) == 1:
            (order,) = shape.orders
            if shape.sep != "." and order != "ymd" and self.order not in (None, order):
                raise ValueError(f"a date in the file's {_order_words(self.order)} order "
                                 f"(decided by {self.info.order_from})")
        elif self.order is not None:
            order = self.order
        elif shape.a.lstrip("0") == shape.b.lstrip("0"):
            order = "dmy"  # day and month are the same number: either order reads it
        else:  # the reader refuses the file before it gets here
            raise ValueError("an unambiguous day/month order (give --datetime-format)")
        try:
            naive = shape.naive(order)
        except ValueError:
            raise ValueError(f"a real date and time in the format {shape.fmt(order)}") from None
        self._used(label, shape.fmt(order))
        return self._local(naive, shape.h)

    def _explicit(self, label: str, text: str) -> dt.datetime:
        assert self.fmt is not None
        try:
            naive = dt.datetime.strptime(text, self.fmt)
            self._used(label, self.fmt)
            timed = True
        except ValueError:
            # a date-only column has its own format: the date part of the given one
            if self.date_fmt is None:
                raise ValueError(f"a local date-time in the format {self.fmt}") from None
            try:
                naive = dt.datetime.strptime(text, self.date_fmt)
            except ValueError:
                raise ValueError(f"a local date-time in the format {self.fmt} (or a date in "
                                 f"{self.date_fmt})") from None
            self._used(label, self.date_fmt)
            timed = False
        return self._local(naive, timed)

    def _local(self, naive: dt.datetime, timed: bool) -> dt.datetime:
        aware = naive.replace(tzinfo=self.zone)
        utc = aware.astimezone(UTC)
        if timed and utc.astimezone(self.zone).replace(tzinfo=None) != naive:
            raise ValueError(f"a local time that exists in {self.zone.key} (this one falls in the "
                             f"daylight-saving gap)")
        return utc

    def _used(self, label: str, fmt: str) -> None:
        seen = self.info.formats.setdefault(label, [])
        if fmt not in seen:
            seen.append(fmt)


def _date_part(fmt: str) -> str | None:
    for code in ("%H", "%I"):
        i = fmt.find(code)
        if i > 0:
            return fmt[:i].rstrip(" T,")
    return None


def _order_words(order: str) -> str:
    return "day/month" if order == "dmy" else "month/day"


# --------------------------------------------------------------- header
def _without_bom(lines: Iterable[str]) -> Iterator[str]:
    # the mark must go before the csv module sees the line, or the quoted first
    # label ("Record ID") would be read as an unquoted field with quotes in it
    it = iter(lines)
    for first in it:
        yield first.removeprefix("\ufeff")
        break
    yield from it


def _delimiter(header: str) -> str:
    """The header line's separator: a comma, or what a spreadsheet wrote instead.

    Excel saves CSV with the list separator of its locale: ``;`` in Norway and
    Sweden (where the comma is the decimal mark), a tab for "Unicode text".
    The separator outside quotes that occurs most in the header wins; a tie
    is a comma.
    """
    counts = dict.fromkeys((",", ";", "\t"), 0)
    quoted = False
    for ch in header:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _name_of(label: str, catalog: PropertyCatalog, mapping: PortalMapping,
             warehouse: bool) -> str | None:
    folded = label.casefold()
    renamed = mapping.columns.get(label) or mapping.columns.get(folded)
    if renamed:
        return renamed
    if folded in _ARCHIVED_MARKERS:
        # whatever the table's other columns are called: a record HubSpot deleted is never
        # audited as a live contact
        return _ARCHIVED_COLUMN
    if warehouse:
        if folded == "id":
            return mapping.id_property
        if folded.startswith("property_"):
            return label[len("property_"):]
        if _SYNC_COLUMN.match(label):
            return None
    name = catalog.label_to_name.get(label) or catalog.folded.get(folded)
    if name is None and label in catalog.types:  # exported with internal names
        name = label
    if name is None and label.startswith(OPT_OUT_PREFIX) and label[len(OPT_OUT_PREFIX):].isdigit():
        name = label
    if name is None:
        for prefix in OPT_OUT_LABEL_PREFIXES:
            if folded.startswith(prefix):
                return OPT_OUT_PREFIX + label[len(prefix):].strip()
    return name


def _object_of(labels: list[str], names: list[str | None], mapping: PortalMapping,
               warehouse: bool) -> tuple[str, list[str]]:
    """Which object the columns look like, and the labels that say so."""
    keys = [(lab[len("property_"):] if warehouse and lab.casefold().startswith("property_")
             else lab).casefold() for lab in labels]
    score: dict[str, list[str]] = {}
    for obj, signs in _SIGNS.items():
        score[obj] = [lab for lab, k in zip(labels, keys, strict=True) if k in signs]
    contact = score["contacts"]
    strong = any(k in _CONTACT_ID_LABELS for k in keys) or mapping.email_property in names
    best = max((o for o in score if o != "contacts"), key=lambda o: len(score[o]))
    if strong and len(contact) + 2 >= len(score[best]):
        return "contacts", contact
    if len(score[best]) > len(contact):
        return best, score[best]
    return "contacts", contact  # no other object's columns: a (small) contacts view


def _analyse(header: list[str], catalog: PropertyCatalog, mapping: PortalMapping,
             source: str, info: CsvInfo) -> list[_Col]:
    labels = [h.strip() for h in header]
    folded = [lab.casefold() for lab in labels]
    warehouse = "id" in folded and any(f.startswith("property_") for f in folded)
    if warehouse:
        info.shape = "warehouse-table"
    # the columns of the contact: before any "Record ID - <object>" marker, or after a
    # "Record ID - Contact" marker up to the next marker of another object
    owner: list[str] = []
    current = "contact"
    for lab in labels:
        m = _MARKER.match(lab)
        if m is not None:
            current = "contact" if m.group(1).strip().casefold() in _CONTACT_WORDS else (
                m.group(1).strip())
        owner.append(current)
    primary = [i for i, o in enumerate(owner) if o == "contact"]
    if owner and not primary:  # the file starts with another object's id: that object's export
        other = owner[0].casefold()
        plural = {"company": "companies", "deal": "deals", "ticket": "tickets",
                  "feedback submission": "feedback submissions"}.get(other, other)
        raise _refusal(source, f"a HubSpot {plural} export", labels[:4])
    names_all = [_name_of(labels[i], catalog, mapping, warehouse) for i in range(len(labels))]
    obj, why = _object_of([labels[i] for i in primary], [names_all[i] for i in primary], mapping,
                          warehouse)
    if obj != "contacts":
        raise _refusal(source, f"a HubSpot {obj} export (columns "
                       f"{', '.join(repr(w) for w in why[:4])})", [])
    cols: list[_Col] = []
    taken: set[str] = set()
    for i, lab in enumerate(labels):
        name = names_all[i]
        if owner[i] != "contact":
            info.ignored.append(lab)
            continue
        if name is None:
            continue
        if name in taken:  # a repeated label: the first column is the contact's
            info.ignored.append(lab)
            continue
        taken.add(name)
        typ = catalog.types.get(name, "string")
        opts = catalog.options.get(name)
        if name == _ARCHIVED_COLUMN:
            kind = "archived"
        elif typ in ("datetime", "date"):
            kind = "date"
        elif typ == "bool" or name.startswith(OPT_OUT_PREFIX) or (
                opts and set(opts.values()) <= {"true", "false"}):
            kind = "bool"
        elif opts:
            kind = "enum"
        else:
            kind = "text"
        cols.append(_Col(i, lab, name, kind))
    names = {c.name for c in cols}
    if mapping.id_property not in names and mapping.email_property not in names:
        raise InputError.at(source, 1, None, "", "a HubSpot contacts export with a 'Record ID' "
                            "or 'Email' column (a table with its own column names needs them "
                            "renamed with the --mapping file's 'columns')",
                            ", ".join(header[:6]) or "no columns")
    info.columns = frozenset(n for n in names if n != _ARCHIVED_COLUMN)
    return cols


def _refusal(source: str, looks: str, labels: list[str]) -> InputError:
    shown = f" (columns {', '.join(repr(x) for x in labels)})" if labels else ""
    return InputError.at(
        source, 1, None, "",
        "a contacts export: in HubSpot open CRM > Contacts, pick the view, Export, choose "
        "'All properties' (or the columns listed in docs/audit.md), and give that file",
        f"{looks}{shown}")


# --------------------------------------------------------------- rows
def read_contacts_csv(
    lines: Iterable[str],
    *,
    source: str,
    zone: str | ZoneInfo,
    datetime_format: str | None = None,
    catalog: PropertyCatalog | None = None,
    mapping: PortalMapping | None = None,
    info: CsvInfo | None = None,
    table_zone: str | ZoneInfo = "UTC",
) -> Iterator[Contact | RecordError]:
    """Yield one :class:`Contact` or one :class:`RecordError` per data row.

    A header that is not a contacts export's (another object's, or neither a
    record id nor an e-mail column), or slash dates whose day/month order no
    value decides, make the whole file unreadable (:class:`InputError`); a bad
    row only rejects itself. ``zone`` is the zone of a UI export's naive
    times, ``table_zone`` that of a warehouse table's. ``info``, when given,
    is filled with the file's shape, columns and date formats.
    """
    catalog = catalog or PropertyCatalog.default()
    mapping = mapping or PortalMapping()
    info = info if info is not None else CsvInfo()
    it = _without_bom(lines)
    first = next(it, None)
    info.delimiter = _delimiter(first or "")
    reader = csv.reader(it if first is None else chain((first,), it), strict=True,
                        delimiter=info.delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise InputError.at(source, 1, None, "", "a header row of property labels", "an empty file") from None
    except csv.Error as exc:
        raise InputError.at(source, 1, None, "", "a CSV header row", str(exc)) from exc
    cols = _analyse(header, catalog, mapping, source, info)
    zone_used = zone_of(table_zone if info.shape == "warehouse-table" else zone)
    dates = _Dates(zone_used, datetime_format, info)
    date_cols = [c for c in cols if c.kind == "date"]
    width = len(header)
    dprops = mapping.datetime_properties()
    columns = info.columns

    def make(start: int, row: list[str]) -> Contact | RecordError:
        try:
            return _row_contact(row, cols, catalog, mapping, dates, source, start, dprops, columns)
        except RecordError as err:
            return err

    pending: list[tuple[int, list[str] | None, RecordError | None]] = []
    need_order = datetime_format is None
    prev_line = reader.line_num
    while True:
        start = prev_line + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            prev_line = reader.line_num
            err = RecordError.at(source, start, None, "", "a well-formed CSV row", str(exc))
            if pending:
                pending.append((start, None, err))
            else:
                yield err
            continue
        prev_line = reader.line_num
        if not row or (len(row) == 1 and not row[0].strip()):
            continue  # blank line: not a record
        if len(row) != width:
            err = RecordError.at(source, start, None, "", f"{width} columns", f"{len(row)}")
            if pending:
                pending.append((start, None, err))
            else:
                yield err
            continue
        if need_order and not dates.decided():
            ambiguous = False
            for c in date_cols:
                text = row[c.index].strip()
                if text and dates.learn(c.label, text, start, c.index + 1):
                    ambiguous = True
                if dates.decided():
                    break
            if not dates.decided() and (ambiguous or pending):
                pending.append((start, row, None))  # wait until a value decides the order
                continue
            for s, r, e in pending:
                yield e if r is None else make(s, r)  # type: ignore[misc]
            pending.clear()
        yield make(start, row)
    if pending:
        assert dates.first_ambiguous is not None
        line, col, label, text = dates.first_ambiguous
        # the example is the value's own shape read both ways, so that following it reads
        # the file (a fixed example with a two-digit year rejected every row of one with four)
        m = _NAIVE.match(text)
        shape = _Shape(m) if m is not None else None
        day_first, month_first = (shape.fmt("dmy"), shape.fmt("mdy")) if shape is not None \
            else ("%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M")
        raise InputError.at(
            source, line, col, label,
            "dates whose day/month order the file shows; give --datetime-format, for "
            f"example {day_first} (day first) or {month_first} (month first)",
            f"only values such as {text!r}, which read either way")


def _row_contact(
    row: list[str],
    cols: list[_Col],
    catalog: PropertyCatalog,
    mapping: PortalMapping,
    dates: _Dates,
    source: str,
    line: int,
    dprops: tuple[str, ...],
    columns: frozenset[str],
) -> Contact:
    props: dict[str, str | dt.datetime | None] = {}
    archived = False
    for c in cols:
        value = row[c.index].strip()
        if not value:
            props[c.name] = None
            continue
        kind = c.kind
        if kind == "date":
            try:
                props[c.name] = dates.parse(c.label, value)
            except ValueError as exc:
                raise RecordError.at(source, line, c.index + 1, c.name, str(exc), value) from None
            continue
        if kind == "archived":
            try:
                archived = parse_bool(value)
            except ValueError as exc:
                raise RecordError.at(source, line, c.index + 1, c.name, str(exc), value) from None
            continue
        if kind != "text":
            opts = catalog.options.get(c.name)
            if opts:
                value = ";".join(opts.get(v.strip(), v.strip()) for v in value.split(";"))
            if kind == "bool":
                try:
                    value = "true" if parse_bool(value) else "false"
                except ValueError as exc:
                    raise RecordError.at(source, line, c.index + 1, c.name, str(exc), value) from None
        props[c.name] = value
    raw_id = props.get(mapping.id_property)
    record_id: str | None = None
    note: str | None = None
    if isinstance(raw_id, str):
        if _DIGITS.match(raw_id):
            record_id = raw_id
        elif _EXCEL_ID.match(raw_id):
            note = raw_id
        else:
            col = next(c.index for c in cols if c.name == mapping.id_property) + 1
            raise RecordError.at(source, line, col, mapping.id_property, "a numeric record id", raw_id)
    return build_contact(props, mapping, source=source, line=line, record_id=record_id, id_note=note,
                         datetime_props=dprops, columns=columns, archived=archived)

