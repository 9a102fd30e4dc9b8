"""Google Consent Mode v2 defaults (``gtag('consent', 'default', {...})``) into the banner model.

Read from JavaScript or HTML (every inline executable ``<script>``), as
``gtag(...)`` calls or ``dataLayer.push([...])`` with an array literal, or
from JSON: ``{"dataLayer": [[...], ...], "categoryToConsentTypes": {...}}``
or a bare array of such argument lists.

Each default call becomes a :class:`ConsentModeDefault`. ``region`` is kept
as written (upper-cased); a call without ``region`` applies everywhere
(``region`` ``None``), an empty list applies nowhere. Only literal
``'granted'``/``'denied'`` values are recorded; a run-time value is listed
in :attr:`Banner.dynamic`. ``gtag('set', 'ads_data_redaction'|'url_passthrough', bool)``
(or the object form of ``set``) fills the matching fields. ``update`` calls
inside a function (a click handler, a consent callback) or under a condition
(``if (stored) ...``) are ignored: they run after a choice, or restore one. An
``update`` written outside both runs on every page load, before any choice,
and is kept in ``ConsentMode.updates_on_load``; in JSON (a dataLayer dump,
whose updates may follow a choice) updates are ignored.

A key of the consent object that is not a consent type (nor ``region`` or
``wait_for_update``) is ignored, as gtag ignores it, and kept as a
:class:`ReaderNote` naming it: a misspelt ``regions`` leaves the default
applying everywhere, which is what is then judged. Google tags loaded before
any choice (a top-level ``gtag('config', ...)``, an executable
``<script src=".../gtag/js">``) are listed in ``ConsentMode.tag_loads``:
with the defaults, that is Consent Mode's "advanced" variant.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .._errors import InputError
from .._messages import Location
from ._common import Fields
from ._js import (
    JsArray,
    JsBool,
    JsDocument,
    JsObject,
    JsOpaque,
    JsString,
    JsValue,
    decode_text,
    find_calls,
    html_script_sources,
    looks_like_html,
    looks_like_json,
    parse_html_scripts,
    parse_json,
    parse_script_or_html,
)
from ._model import (
    Banner,
    BannerSource,
    ConsentMode,
    ConsentModeDefault,
    GrantState,
    ReaderNote,
    TagLoad,
)

__all__ = [
    "CONSENT_TYPES",
    "consent_mode_from_docs",
    "consent_mode_from_html",
    "read_gtag",
    "tag_loads",
]

#: The consent types of Consent Mode v2 (support.google.com/analytics/answer/13802165).
CONSENT_TYPES = (
    "ad_storage",
    "ad_user_data",
    "ad_personalization",
    "analytics_storage",
    "functionality_storage",
    "personalization_storage",
    "security_storage",
)
_SETTINGS = ("ads_data_redaction", "url_passthrough")
#: Keys of a consent object that are not consent types.
_OTHER_KEYS = ("region", "wait_for_update")
#: Script URLs that load Google's tags (gtag.js, or a Tag Manager container).
_GOOGLE_TAG_SCRIPT = re.compile(r"googletagmanager\.com/(?:gtag/js|gtm\.js)", re.IGNORECASE)


class _Collector:
    def __init__(self, fields: Fields) -> None:
        self.fields = fields
        self.defaults: list[ConsentModeDefault] = []
        self.settings: dict[str, bool] = {}
        self.first: JsValue | None = None
        self.notes: list[ReaderNote] = []
        self.config_calls: list[TagLoad] = []
        self.updates: list[ConsentModeDefault] = []
        #: Default commands whose settings or region are only known at run time.
        self.unread = 0

    def command(self, args: Sequence[JsValue], *, on_load: bool = False) -> None:
        """One gtag command given as its argument values.

        ``on_load`` says the command runs on every page load (written outside
        any function and condition): only then does an ``update`` count.
        """
        if len(args) < 2 or not isinstance(args[0], JsString):
            return
        command = args[0].value
        if command == "consent" and isinstance(args[1], JsString):
            if args[1].value not in ("default", "update"):
                return
            is_update = args[1].value == "update"
            if is_update and not on_load:
                return
            if len(args) < 3:
                if is_update:
                    return
                raise self.fields.error(args[1], "a settings object after 'default'")
            settings = args[2]
            if isinstance(settings, JsOpaque):
                self.fields.note_dynamic(settings, f"/consent/{args[1].value}")
                self.unread += 0 if is_update else 1
                return
            if not isinstance(settings, JsObject):
                if is_update:
                    return
                raise self.fields.error(settings, "an object of consent types")
            if is_update:
                self.update(settings)
            else:
                self.default(settings)
        elif command == "config" and len(args) >= 2:
            target = args[1].value if isinstance(args[1], JsString) else args[1].describe()
            self.config_calls.append(TagLoad(
                setting=f"gtag('config', {target!r})", location=args[0].location))
        elif command == "set":
            second = args[1]
            if isinstance(second, JsString) and second.value in _SETTINGS and len(args) >= 3:
                self.setting(second.value, args[2])
            elif isinstance(second, JsObject):
                for key, value in second.items():
                    if key in _SETTINGS:
                        self.setting(key, value)

    def setting(self, key: str, value: JsValue) -> None:
        if isinstance(value, JsBool):
            self.settings[key] = value.value
        elif isinstance(value, JsOpaque):
            self.fields.note_dynamic(value, f"/set/{key}")

    def default(self, settings: JsObject) -> None:
        fields = self.fields
        fields.note_object(settings)
        if self.first is None:
            self.first = settings
        region: tuple[str, ...] | None = None
        raw_region = fields.raw(settings, "region")
        if isinstance(raw_region, JsArray):
            region = tuple(s.value.strip().upper() for s in fields.strings(
                raw_region, "a region code (ISO 3166) string"))
        elif isinstance(raw_region, JsString):
            region = (raw_region.value.strip().upper(),)
        elif raw_region is not None:
            raise fields.error(raw_region, "an array of region codes for 'region'")
        elif isinstance(settings.get("region"), JsOpaque):
            # A run-time region list: the call's reach is unknown; keep it out of the
            # model rather than read it as "everywhere".
            self.unread += 1
            return
        wait, _ = fields.number(settings, "wait_for_update")
        types, locations, unknown = self.states(settings, _OTHER_KEYS)
        self.defaults.append(
            ConsentModeDefault(
                region=region,
                types=types,
                type_locations=locations,
                unknown_types=unknown,
                wait_for_update=wait,
                location=settings.location,
            )
        )

    def update(self, settings: JsObject) -> None:
        """An update run on page load: it applies everywhere, whatever its keys say."""
        self.fields.note_object(settings)
        types, locations, unknown = self.states(settings, _OTHER_KEYS)
        self.updates.append(ConsentModeDefault(
            types=types, type_locations=locations, unknown_types=unknown,
            location=settings.location,
        ))

    def states(
        self, settings: JsObject, skip: tuple[str, ...]
    ) -> tuple[dict[str, GrantState], dict[str, Location], tuple[str, ...]]:
        """The literal states, their locations and the run-time-valued types of a consent object."""
        fields = self.fields
        types: dict[str, GrantState] = {}
        locations: dict[str, Location] = {}
        unknown: list[str] = []
        for key, value in settings.items():
            if key in skip:
                continue
            if key not in CONSENT_TYPES:
                # gtag ignores keys it does not know (a misspelt 'regions' leaves the
                # default applying everywhere, which is what is judged): say so.
                self.notes.append(ReaderNote(
                    kind="unknown-key", subject=key, location=value.location))
                continue
            if isinstance(value, JsOpaque):
                fields.note_dynamic(value)
                unknown.append(key)
                continue
            if not isinstance(value, JsString) or value.value not in ("granted", "denied"):
                raise fields.error(value, f"'granted' or 'denied' for {key!r}")
            types[key] = "granted" if value.value == "granted" else "denied"
            locations[key] = value.location
        return types, locations, tuple(unknown)

    def result(self, category_to_types: dict[str, tuple[str, ...]] | None = None) -> ConsentMode:
        return ConsentMode(
            defaults=tuple(self.defaults),
            updates_on_load=tuple(self.updates),
            unread_defaults=self.unread,
            ads_data_redaction=self.settings.get("ads_data_redaction"),
            url_passthrough=self.settings.get("url_passthrough"),
            category_to_types=category_to_types or {},
            location=self.first.location if self.first is not None else None,
        )


def _collect_docs(docs: Sequence[JsDocument], collector: _Collector) -> None:
    for call in find_calls(docs, ("gtag", "dataLayer.push")):
        before = len(collector.config_calls)
        on_load = not call.in_function and not call.conditional
        if call.callee == "gtag":
            collector.command(call.arguments, on_load=on_load)
        elif len(call.arguments) == 1 and isinstance(call.arguments[0], JsArray):
            collector.command(call.arguments[0].items, on_load=on_load)
        if call.in_function:
            # A 'config' inside a function runs when the function is called (a
            # consent callback, typically): it is not a load before the choice.
            del collector.config_calls[before:]


def tag_loads(decoded: str, source: str, collector: _Collector) -> tuple[TagLoad, ...]:
    """Google tags loaded before any choice: executable gtag.js/gtm.js scripts, top-level configs."""
    loads = list(collector.config_calls)
    if looks_like_html(decoded):
        for src, line, column in html_script_sources(decoded):
            if _GOOGLE_TAG_SCRIPT.search(src):
                loads.append(TagLoad(
                    setting=f'<script src="{src}">',
                    location=Location(file=source, line=line, column=column),
                ))
    return tuple(loads)


def consent_mode_from_docs(
    docs: Sequence[JsDocument], fields: Fields, decoded: str = "", source: str = ""
) -> tuple[ConsentMode | None, list[ReaderNote]]:
    """The Consent Mode defaults of already parsed scripts (``None`` if none), and reader notes."""
    collector = _Collector(fields)
    _collect_docs(docs, collector)
    if not collector.defaults and not collector.settings and not collector.updates:
        return None, collector.notes
    mode = collector.result()
    return mode.model_copy(update={"tag_loads": tag_loads(decoded, source, collector)}), \
        collector.notes


def consent_mode_from_html(
    html: str, source: str, fields: Fields
) -> tuple[list[ConsentModeDefault], list[ReaderNote], int]:
    """Consent Mode defaults of a GTM Custom HTML tag's markup (parsed as an HTML page).

    Also the reader notes and how many defaults are known only at run time.
    Updates are left out: the tag runs when its trigger fires, not on page load.
    """
    collector = _Collector(fields)
    # GTM wraps a Custom HTML tag's code in markup: read its executable scripts.
    docs = parse_html_scripts(html, source)
    _collect_docs(docs, collector)
    return collector.defaults, collector.notes, collector.unread


def read_gtag(text: str | bytes, *, source: str) -> Banner:
    """Read Consent Mode defaults from a JS, HTML or JSON file.

    A file without any ``consent default`` command is an error: there is
    nothing to judge, and passing it silently would hide a missing default.
    """
    decoded = decode_text(text, source)
    fields = Fields(source)
    collector = _Collector(fields)
    category_to_types: dict[str, tuple[str, ...]] = {}
    if looks_like_json(decoded):
        root = parse_json(decoded, source)
        layer: JsValue | None = root
        if isinstance(root, JsObject):
            layer = root.get("dataLayer")
            mapping = fields.obj(root, "categoryToConsentTypes")
            for category, types in (mapping.items() if mapping else []):
                if not isinstance(types, JsArray):
                    raise fields.error(types, "an array of consent types")
                category_to_types[category] = tuple(
                    s.value for s in fields.strings(types, "a consent type string"))
        if not isinstance(layer, JsArray):
            where = layer if layer is not None else root
            raise fields.error(where, "a 'dataLayer' array of gtag argument lists")
        for entry in layer.items:
            if isinstance(entry, JsArray):
                collector.command(entry.items)
            elif isinstance(entry, JsObject):
                continue  # dataLayer events ({"event": ...}) are not gtag commands
            else:
                raise fields.error(entry, "a gtag argument list (array)")
        version = "json"
    else:
        docs = parse_script_or_html(decoded, source)
        _collect_docs(docs, collector)
        version = "js"
    if not collector.defaults and not collector.updates:
        raise InputError.at(
            source, None, None, "",
            "expected a Consent Mode default: gtag('consent', 'default', {...})", "none",
        )
    mode = collector.result(category_to_types)
    if version == "js":
        mode = mode.model_copy(update={"tag_loads": tag_loads(decoded, source, collector)})
    return Banner(
        source=BannerSource(format="gtag", file=source, format_version=version),
        location=mode.location,
        consent_mode=mode,
        notes=tuple(collector.notes),
        dynamic=tuple(fields.dynamic),
    )
