"""Typed access to located configuration values, shared by the banner readers.

A :class:`Fields` reader asks for a key of an object as a given type and
gets the value and its location back. Three outcomes besides success:

* absent (or ``undefined``): the caller's default, location ``None``;
* dynamic (:class:`~gdpr_policy.banner._js.JsOpaque`): recorded in
  :attr:`Fields.dynamic` and treated as absent, so that a run-time value is
  never guessed;
* a literal of the wrong type: a located :class:`InputError`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypeVar

from .._errors import InputError
from .._messages import Location
from ._js import (
    JsArray,
    JsBool,
    JsDocument,
    JsNull,
    JsNumber,
    JsObject,
    JsOpaque,
    JsRegex,
    JsString,
    JsUndefined,
    JsValue,
    find_calls,
    find_member_assignments,
)
from ._model import CategoryKind, DynamicValue, NoteKind, ReaderNote, Reopen, Withdrawal
from ._trackers import words_of

__all__ = [
    "Fields",
    "category_kind",
    "find_withdrawal",
    "is_legitimate_interest",
    "words_of",
]

T = TypeVar("T", bound=JsValue)


class Fields:
    """Typed reads of object keys, collecting dynamic values on the way."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.dynamic: list[DynamicValue] = []
        self.notes: list[ReaderNote] = []
        #: Further input files by base name (translation files a config loads at run time).
        self.external: dict[str, tuple[str, str | bytes]] = {}
        self._seen_dynamic: set[tuple[str, str, int | None, int | None]] = set()

    def note_mutations(
        self, docs: Sequence[JsDocument], names: Sequence[str]
    ) -> None:
        """Note each property of the named config object assigned after its literal.

        Readers follow a name to its one object literal; ``cfg.mode = 'opt-out'``
        later in the file changes what the library receives, so the judged
        literal may not be the configuration: said, never passed silently.
        """
        for target, location in find_member_assignments(docs, names):
            self.note("modified-after-literal", target, location)

    def note(self, kind: NoteKind, subject: str, location: Location | None) -> None:
        """Record something not judged (once per kind and subject)."""
        if any(n.kind == kind and n.subject == subject for n in self.notes):
            return
        self.notes.append(ReaderNote(kind=kind, subject=subject, location=location))

    # ---- bookkeeping

    def note_dynamic(self, value: JsOpaque, path: str | None = None) -> None:
        """Record a run-time value once."""
        where = path if path is not None else value.pointer
        key = (where, value.kind, value.location.line, value.location.column)
        if key in self._seen_dynamic:
            return
        self._seen_dynamic.add(key)
        self.dynamic.append(DynamicValue(path=where, kind=value.kind, location=value.location))

    def note_object(self, obj: JsObject) -> None:
        """Record the spreads and computed keys of an object (they may set any key)."""
        for dyn in obj.dynamic:
            self.note_dynamic(dyn, obj.pointer or "/")

    def error(self, value: JsValue, expected: str) -> InputError:
        """A located error saying what was expected and what was found."""
        loc = value.location
        return InputError.at(
            self.source,
            loc.line,
            loc.column,
            loc.pointer or "",
            f"expected {expected}",
            _found(value),
            pointer=loc.pointer,
        )

    # ---- raw access

    def raw(self, obj: JsObject, key: str) -> JsValue | None:
        """The value of ``key``; ``None`` if absent, ``undefined`` or dynamic (recorded)."""
        self.note_object(obj)
        value = obj.get(key)
        if value is None or isinstance(value, JsUndefined):
            return None
        if isinstance(value, JsOpaque):
            self.note_dynamic(value)
            return None
        return value

    def typed(self, obj: JsObject, key: str, kind: type[T], expected: str) -> T | None:
        """The value of ``key`` if it is a ``kind``; absent/dynamic -> ``None``; else an error."""
        value = self.raw(obj, key)
        if value is None:
            return None
        if not isinstance(value, kind):
            raise self.error(value, expected)
        return value

    # ---- typed access

    def obj(self, obj: JsObject, key: str) -> JsObject | None:
        """An object value (``null`` counts as absent)."""
        value = self.raw(obj, key)
        if value is None or isinstance(value, JsNull):
            return None
        if not isinstance(value, JsObject):
            raise self.error(value, f"an object for {key!r}")
        self.note_object(value)
        return value

    def array(self, obj: JsObject, key: str) -> JsArray | None:
        """An array value (``null`` counts as absent)."""
        value = self.raw(obj, key)
        if value is None or isinstance(value, JsNull):
            return None
        if not isinstance(value, JsArray):
            raise self.error(value, f"an array for {key!r}")
        return value

    def boolean(self, obj: JsObject, key: str, default: bool) -> tuple[bool, Location | None]:
        """A boolean and its location; ``default`` and ``None`` when absent or dynamic."""
        value = self.typed(obj, key, JsBool, f"true or false for {key!r}")
        if value is None:
            return default, None
        return value.value, value.location

    def optional_boolean(self, obj: JsObject, key: str) -> tuple[bool | None, Location | None]:
        """A boolean, or ``None`` when absent or dynamic."""
        value = self.typed(obj, key, JsBool, f"true or false for {key!r}")
        if value is None:
            return None, None
        return value.value, value.location

    def string(self, obj: JsObject, key: str) -> tuple[str | None, Location | None]:
        """A string and its location, or ``(None, None)``."""
        value = self.raw(obj, key)
        if value is None or isinstance(value, JsNull):
            return None, None
        if not isinstance(value, JsString):
            raise self.error(value, f"a string for {key!r}")
        return value.value, value.location

    def number(self, obj: JsObject, key: str) -> tuple[int | float | None, Location | None]:
        """A number and its location, or ``(None, None)``."""
        value = self.raw(obj, key)
        if value is None or isinstance(value, JsNull):
            return None, None
        if not isinstance(value, JsNumber):
            raise self.error(value, f"a number for {key!r}")
        return value.value, value.location

    def strings(self, arr: JsArray, what: str) -> list[JsString]:
        """The string items of an array; dynamic items are recorded and skipped."""
        out: list[JsString] = []
        for item in arr.items:
            if isinstance(item, JsOpaque):
                self.note_dynamic(item)
            elif isinstance(item, JsString):
                out.append(item)
            else:
                raise self.error(item, what)
        return out


def _found(value: JsValue) -> str:
    if isinstance(value, JsString):
        text = value.value if len(value.value) <= 40 else value.value[:37] + "..."
        return repr(text)
    if isinstance(value, JsBool):
        return "true" if value.value else "false"
    if isinstance(value, JsNumber):
        return str(value.value)
    if isinstance(value, JsRegex):
        return f"/{value.source}/{value.flags}"
    return value.describe()


_KIND_WORDS: tuple[tuple[CategoryKind, frozenset[str]], ...] = (
    # English, then Norwegian, Swedish, German and French words sites use as ids.
    ("necessary", frozenset({
        "necessary", "essential", "essentials", "required", "strictly", "technical", "mandatory",
        "nødvendig", "nødvendige", "nødvändig", "nödvändig", "nödvändiga", "notwendig",
        "notwendige", "erforderlich", "nécessaires", "necessaires", "essentiels"})),
    ("security", frozenset({"security", "fraud", "sikkerhet", "säkerhet"})),
    ("analytics", frozenset({
        "analytics", "analytic", "analytical", "statistics", "statistic", "stats",
        "performance", "measurement", "statistikk", "statistik", "statistiken", "analyse",
        "analys", "statistiques", "mesure"})),
    ("marketing", frozenset({
        "marketing", "ads", "ad", "advertising", "advertisement", "targeting", "tracking",
        "retargeting", "remarketing", "social", "markedsføring", "marknadsföring", "reklame",
        "reklam", "annonsering", "werbung", "publicité", "publicite"})),
    ("personalization", frozenset({
        "personalization", "personalisation", "personalized", "personalised",
        "personalisering", "personalisierung"})),
    ("functional", frozenset({
        "functional", "functionality", "preferences", "preference", "comfort", "funksjonell",
        "funksjonelle", "funktionell", "funktionella", "funktional", "preferanser",
        "inställningar", "fonctionnels"})),
)


def category_kind(identifier: str) -> CategoryKind:
    """What a category is for, from the words of its id (``strictly_necessary`` -> necessary)."""
    words = set(words_of(identifier))
    for kind, vocabulary in _KIND_WORDS:
        if words & vocabulary:
            return kind
    return "other"


def is_legitimate_interest(identifier: str) -> bool:
    """Whether an id or label names legitimate interest (``legitimate_interest``, ``legInt``)."""
    joined = "".join(words_of(identifier))
    return "legitimateinterest" in joined or "legint" in joined or (
        "berettiget" in joined and "interesse" in joined
    )


#: Ways a visitor reopens the choices, as cookieconsent v3 and Klaro document them:
#: cc3 binds ``data-cc="show-preferencesModal"`` (or ``show-consentModal``) and has
#: ``CookieConsent.showPreferences()``/``show()``; Klaro has ``klaro.show()``.
_REOPEN = re.compile(
    r"""data-cc\s*=\s*["']?(?P<cc>show-(?:preferencesModal|consentModal))\b"""
    r"|\b(?P<call>CookieConsent\s*\.\s*show(?:Preferences)?|[Kk]laro\s*\.\s*show)\s*\("
)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
#: A page (not a fragment or a bare script): where a footer link would be.
_PAGE = re.compile(r"<(?:body|footer)\b", re.IGNORECASE)


#: The JavaScript calls that reopen the choices.
REOPEN_CALLS = ("CookieConsent.showPreferences", "CookieConsent.show", "klaro.show", "Klaro.show")


def find_withdrawal(
    decoded: str, source: str, docs: Sequence[JsDocument], *, is_html: bool
) -> Withdrawal | None:
    """What the input shows of a way to reopen the choices; ``None`` when it cannot show it.

    A reopen call in the code counts, and in an HTML file also a
    ``data-cc="show-..."`` attribute or an ``onclick="klaro.show()"`` in the
    markup. When none is found, only a page (HTML with a ``<body>`` or
    ``<footer>``) shows that there is none; a bare configuration or a head
    snippet cannot, since the link usually lives in the site's templates.
    Comments in scripts are not read as links.
    """
    found: list[Reopen] = [
        Reopen(means=f"{call.callee}()", location=call.location)
        for call in find_calls(docs, REOPEN_CALLS)
    ]
    if is_html:
        # HTML comments are not links: blank them out, keeping every position.
        markup = _HTML_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), decoded)
        for match in _REOPEN.finditer(markup):
            line = decoded.count("\n", 0, match.start()) + 1
            column = match.start() - (decoded.rfind("\n", 0, match.start()) + 1) + 1
            if match.group("cc"):
                means = f'data-cc="{match.group("cc")}"'
            else:
                means = "".join(match.group("call").split()) + "()"
            loc = Location(file=source, line=line, column=column)
            if all(r.location != loc for r in found):
                found.append(Reopen(means=means, location=loc))
    if found:
        found.sort(key=lambda r: (r.location.line or 0, r.location.column or 0)
                   if r.location else (0, 0))
        return Withdrawal(reopen=tuple(found[:5]), location=found[0].location)
    page = _PAGE.search(_HTML_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), decoded))
    if is_html and page is not None:
        line = decoded.count("\n", 0, page.start()) + 1
        column = page.start() - (decoded.rfind("\n", 0, page.start()) + 1) + 1
        return Withdrawal(reopen=(), location=Location(file=source, line=line, column=column))
    return None
