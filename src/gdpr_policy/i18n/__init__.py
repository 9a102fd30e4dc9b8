"""Rendering of message codes in English, Norwegian Bokmål and Swedish.

Catalogs are gettext files, one domain per area (the part of a code before the
first dot: ``policy``, ``consent``, ``banner``, ``request``, ``time`` ...), in
``locales/<lang>/LC_MESSAGES/<domain>.po`` with the compiled ``.mo`` beside it.
A msgid is the code; a msgstr is a ``str.format`` template over the message
values. Date and date-time values take a format spec: ``{due}`` or ``{due:iso}``
gives ``2026-04-07``; ``{due:weekday}``, ``{due:short}``, ``{due:medium}``,
``{due:long}`` and ``{due:full}`` are formatted by Babel in the chosen locale;
``{lang:language}`` writes a language code as the language's name,
``{country:territory}`` a country code as the country's name (``USA`` in
Bokmål for ``US``) with the code beside it, and
``{article:legal}`` a legal reference as the reader's language cites it
(``GDPR Art. 26(2)`` is ``personvernforordningen art. 26 nr. 2`` in Bokmål).
``{lifetime:duration}`` writes an ISO 8601 duration (``P2Y``, ``P1Y6M``) in
words (``2 år``, ``1 år og 6 måneder``), from the plural entries
``time.duration.<unit>``. ``{item:term.notice}`` writes an id the core keeps
(an enum value, machine-readable in the JSON evidence) as the catalog's term
``term.notice.<id>`` (``recipients`` is ``mottakere``); an id without a term is
shown as it is. Lists are joined the locale's way (``a, b and c``), each item
with the field's spec.

A message whose wording depends on a number has plural forms in the catalog
(``msgid_plural`` with one ``msgstr[i]`` per form of the language's
``Plural-Forms``); the number is the message value named ``count``, ``days``,
``months`` or ``n`` (the first of those present, see :data:`PLURAL_COUNTS`).
A fraction (``400.5``) takes the form CLDR calls ``other`` (``400.5 days``),
as it does in English, Bokmål and Swedish; a non-integer number is written
with the locale's decimal sign by Babel (``400,5`` in Bokmål), an integer as
it is.

Reports for people render in the controller's time zone: with ``tz`` (an IANA
zone name), a date-time without a spec is converted to that zone and written the
locale's way by Babel (``30. juni 2023 00:00`` in Bokmål) and a date likewise
(``30. juni 2023``); without ``tz`` both stay ISO 8601, as machine formats need.

The ``.mo`` files are read with the standard library, so rendering costs no
Babel import until a date needs a localized format. ``tests/test_i18n.py``
fails when a code lacks a translation, when placeholders differ between
languages, or when a ``.mo`` is stale.
"""

from __future__ import annotations

import datetime as dt
import gettext
import math
import string
from collections.abc import Mapping
from functools import cache, lru_cache
from importlib import resources
from typing import Any, Literal

from .._errors import UsageError
from .._messages import Message

__all__ = [
    "LANGUAGES",
    "PLURAL_COUNTS",
    "Lang",
    "duration_text",
    "format_value",
    "has_message",
    "language_name",
    "plural_count",
    "render",
    "render_message",
    "term",
    "translate",
]

Lang = Literal["en", "nb", "sv"]
LANGUAGES: tuple[Lang, ...] = ("en", "nb", "sv")
_BABEL_LOCALE = {"en": "en_GB", "nb": "nb_NO", "sv": "sv_SE"}
_DATE_SPECS = frozenset({"short", "medium", "long", "full"})
#: The message values that choose a plural form, in order of preference.
PLURAL_COUNTS: tuple[str, ...] = ("count", "days", "months", "n")


def _check_lang(lang: str) -> Lang:
    if lang not in LANGUAGES:
        raise UsageError(f"language must be one of en, nb, sv, got {lang!r}")
    return lang


@cache
def _catalog(lang: str, domain: str) -> gettext.NullTranslations | None:
    # Package data, not user input: read once per (lang, domain) and cached.
    node = resources.files(__package__).joinpath("locales", lang, "LC_MESSAGES", f"{domain}.mo")
    if not node.is_file():
        return None
    with node.open("rb") as fh:
        return gettext.GNUTranslations(fh)


#: The integer whose form a fraction takes: gettext's formulas count whole numbers, and
#: CLDR puts every fraction in ``other`` in en, nb and sv, the form of 2 (``n != 1``).
_FRACTION_N = 2


def _lookup(code: str, lang: str, n: float | None = None) -> str | None:
    domain = code.split(".", 1)[0]
    cat = _catalog(lang, domain)
    if cat is None:
        return None
    if n is not None:  # a plural entry's form for n; a plain entry is not found this way
        text = cat.ngettext(code, code, n if isinstance(n, int) else _FRACTION_N)
        if text != code:
            return text
    # a plain entry, or a plural entry's first form (gettext falls back to it)
    text = cat.gettext(code)
    return None if text == code else text


def has_message(code: str, lang: str = "en") -> bool:
    """Whether a catalog holds a template for ``code`` in ``lang``."""
    return _lookup(code, _check_lang(lang)) is not None


def translate(code: str, lang: str = "en", n: float | None = None) -> str:
    """The raw template of a code (its plural form for ``n``); English, then the code."""
    lang = _check_lang(lang)
    return _lookup(code, lang, n) or _lookup(code, "en", n) or code


def plural_count(values: Mapping[str, Any]) -> int | float | None:
    """The number that chooses a message's plural form (see :data:`PLURAL_COUNTS`).

    A whole float (``400.0``, written ``400``) counts as its integer; any
    other float (a fraction, infinity, NaN) is returned as it is, and takes the
    plural form ``other``.
    """
    for name in PLURAL_COUNTS:
        value = values.get(name)
        if isinstance(value, bool):
            continue
        if isinstance(value, int):
            return value
        if isinstance(value, float):
            return int(value) if value.is_integer() else value
    return None


@cache
def territory_name(code: str, lang: str = "en") -> str:
    """A country (ISO 3166-1 alpha-2) as its name in ``lang`` with the code, by Babel.

    ``US`` is ``United States (US)`` in English, ``USA (US)`` in Bokmål; the
    code stays beside the name because the policy and the evidence name it. A
    code Babel does not know is returned as given.
    """
    from babel import Locale

    lang = _check_lang(lang)
    name = Locale.parse(_BABEL_LOCALE[lang]).territories.get(code.upper())
    return f"{name} ({code})" if name else code


def language_name(code: str, lang: str = "en") -> str:
    """The name of a language (``en``, ``nb``, ``sv-SE`` ...) in ``lang``, by Babel.

    ``Første lag på engelsk``, never ``på språket en``; a code Babel does not
    know is returned as given.
    """
    from babel import Locale, UnknownLocaleError

    lang = _check_lang(lang)
    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(_BABEL_LOCALE[lang])
    except (UnknownLocaleError, ValueError, TypeError):
        return code
    return str(name) if name else code


def term(group: str, value: str, lang: str = "en") -> str:
    """The catalog's word for an id of a group (``term.<group>.<id>``); the id when it has none."""
    lang = _check_lang(lang)
    code = f"term.{group}.{value}"
    return _lookup(code, lang) or _lookup(code, "en") or value


_DURATION_UNITS = ("years", "months", "weeks", "days", "hours", "minutes", "seconds")


@lru_cache(maxsize=256)
def duration_text(value: str, lang: str = "en") -> str:
    """An ISO 8601 duration in words (``P13M`` is ``13 måneder`` in Bokmål).

    Each part keeps its unit (``P1Y6M`` is one year and six months, never
    18 months: a calendar month is no fixed number of days); a text that is
    no duration is returned as given.
    """
    from .._duration import Duration

    lang = _check_lang(lang)
    try:
        parsed = Duration.parse(value)
    except ValueError:
        return value
    parts = []
    for unit in _DURATION_UNITS:
        n = getattr(parsed, unit)
        if n:
            parts.append(translate(f"time.duration.{unit}", lang, n).format(n=n))
    from babel.lists import format_list

    return str(format_list(parts, locale=_BABEL_LOCALE[lang]))


@lru_cache(maxsize=4096)
def _local_date(value: dt.date, lang: str) -> str:
    # a report repeats the same few days (a cutoff, a deadline) thousands of times
    from babel.dates import format_date

    return str(format_date(value, "medium", locale=_BABEL_LOCALE[lang]))


@cache
def _zone(tz: str) -> dt.tzinfo:
    from zoneinfo import ZoneInfo

    return ZoneInfo(tz)


def _local(value: dt.date, lang: str, tz: str) -> str:
    if not isinstance(value, dt.datetime):
        return _local_date(value, lang)
    if value.tzinfo is None:  # never guessed: a naive time is shown as it is
        return value.isoformat(timespec="minutes")
    local = value.astimezone(_zone(tz))
    # en_GB, nb_NO and sv_SE all write the time of day as 24-hour HH:mm
    return f"{_local_date(local.date(), lang)} {local.hour:02d}:{local.minute:02d}"


def _number(value: float, lang: str) -> str:
    """A float as ``lang`` writes it: Babel's decimal sign (``400,5``), no grouping.

    Every digit of ``repr`` is kept (Babel would round to three decimals). A
    value ``repr`` writes with an exponent (``1e+300``), beyond Babel's
    decimal arithmetic, only gets the decimal sign; infinity and NaN are
    written as the JSON evidence writes them (``inf``).
    """
    text = repr(value)
    if not math.isfinite(value):
        return text
    from babel.numbers import format_decimal, get_decimal_symbol

    locale = _BABEL_LOCALE[lang]
    if "e" in text:
        return text.replace(".", get_decimal_symbol(locale))
    return str(format_decimal(value, locale=locale, group_separator=False,
                              decimal_quantization=False))


def format_value(value: Any, lang: str = "en", spec: str = "", tz: str | None = None) -> str:
    """Format one message value for ``lang``, times in zone ``tz`` (see the module docstring)."""
    lang = _check_lang(lang)
    if tz is not None and spec == "" and isinstance(value, dt.date):
        return _local(value, lang, tz)
    if isinstance(value, dt.datetime):
        if tz is not None and value.tzinfo is not None:
            from zoneinfo import ZoneInfo

            value = value.astimezone(ZoneInfo(tz))
        if spec in ("", "iso"):
            iso: str = (
                value.isoformat(timespec="minutes")
                if value.second == 0 and value.microsecond == 0
                else value.isoformat()
            )
            return iso
        from babel.dates import format_datetime

        if spec == "weekday":
            return str(format_datetime(value, "EEEE", locale=_BABEL_LOCALE[lang]))
        return str(format_datetime(value, spec, locale=_BABEL_LOCALE[lang]))
    if isinstance(value, dt.date):
        if spec in ("", "iso"):
            return value.isoformat()
        from babel.dates import format_date

        if spec == "weekday":
            return str(format_date(value, "EEEE", locale=_BABEL_LOCALE[lang]))
        if spec in _DATE_SPECS:
            return str(format_date(value, spec, locale=_BABEL_LOCALE[lang]))
        raise UsageError(f"unknown date format spec {spec!r}")
    if isinstance(value, (list, tuple)):
        items = [format_value(v, lang, spec, tz) for v in value]
        if not items:
            return "-"
        from babel.lists import format_list

        return str(format_list(items, locale=_BABEL_LOCALE[lang]))
    if isinstance(value, bool):
        return translate("core.yes" if value else "core.no", lang)
    if value is None:
        return "-"
    if spec == "language" and isinstance(value, str):
        return language_name(value, lang)
    if spec == "territory" and isinstance(value, str):
        return territory_name(value, lang)
    if spec.startswith("term."):
        return term(spec[5:], str(value), lang)
    if spec == "duration":  # a Duration too: its str() is the ISO text
        return duration_text(str(value), lang)
    if spec == "legal" and isinstance(value, str):
        # the report's citation forms (report.ref.*), imported here only when used
        from ..report._common import legal_text

        return legal_text(value, lang)
    if isinstance(value, float) and not spec:
        return _number(value, lang)
    if spec:
        return format(value, spec)
    return str(value)


class _Formatter(string.Formatter):
    def __init__(self, lang: str, tz: str | None = None) -> None:
        self.lang = lang
        self.tz = tz

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, _Missing):
            return str(value)  # shown as {name}; a format spec cannot apply to it
        return format_value(value, self.lang, format_spec, self.tz)


_Piece = tuple[str, str | None, str]


@lru_cache(maxsize=1024)  # bounded: a message code without a catalog entry is its own template
def _pieces(template: str) -> tuple[_Piece, ...] | None:
    """A template as (literal text, field name, format spec) pieces, parsed once.

    ``None`` when a field is more than a plain name with a plain spec (an
    attribute, an index, a conversion, a nested field): such a template is
    rendered by :class:`string.Formatter` itself. An audit renders tens of
    thousands of messages from a few templates; parsing each one again was
    most of the cost of its JSON report.
    """
    out: list[_Piece] = []
    for literal, name, spec, conversion in string.Formatter().parse(template):
        if name is not None and (conversion or not name.isidentifier() or "{" in (spec or "")):
            return None
        out.append((literal, name, spec or ""))
    return tuple(out)


def render(message: Message, lang: str = "en", tz: str | None = None) -> str:
    """Render a message in ``lang``, times in zone ``tz``; a missing value renders as ``{name}``."""
    lang = _check_lang(lang)
    values = message.values
    template = translate(message.code, lang, plural_count(values))
    pieces = _pieces(template)
    if pieces is None:
        return _Formatter(lang, tz).vformat(template, (), _Defaulting(values))
    out: list[str] = []
    for literal, name, spec in pieces:
        out.append(literal)
        if name is not None:
            out.append(format_value(values[name], lang, spec, tz) if name in values
                       else "{" + name + "}")
    return "".join(out)


#: The public name of :func:`render` at the package top level.
render_message = render


class _Missing(str):
    """A placeholder whose value the message lacks; renders as ``{name}``."""


class _Defaulting(dict[str, Any]):
    def __missing__(self, key: str) -> _Missing:
        return _Missing("{" + key + "}")
