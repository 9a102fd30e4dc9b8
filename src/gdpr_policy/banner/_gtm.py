"""Google Tag Manager container exports (``exportFormatVersion`` 2) into the banner model.

Each ``containerVersion.tag[]`` becomes a :class:`GtmTag`. ``consentStatus``
is compared case-insensitively (``NEEDED`` and ``needed`` both occur in
public exports) and a tag without ``consentSettings`` is ``NOT_SET``. The
tag's ``location`` points at its ``consentStatus`` value when there is one,
else at the tag object.

Tag types with a built-in consent check are Google's own tags, which read
Consent Mode themselves (support.google.com/tagmanager/answer/10718549):
the Google tag (``googtag``), GA4 (``gaawc``, ``gaawe``), Universal
Analytics (``ua``), Google Ads conversion, remarketing, calls and
user-provided data (``awct``, ``sp``, ``awcc``, ``awud``), the conversion
linker (``gclidw``) and Floodlight (``flc``, ``fls``). Custom HTML and other
vendors' templates have none.

Consent Mode defaults set by a template tag are read for Google's
vendor-agnostic template (googleanalytics/gtm-consent-mode-examples): a tag
whose ``command`` parameter is ``default`` (or absent) and that has a
``defaultSettings`` list of rows ``{region, adStorage, analyticsStorage,
functionalityStorage, personalizationStorage, securityStorage, adUserData,
adPersonalization}``. A blank ``region`` applies everywhere; any value other
than ``granted``/``denied`` (such as "not set") is left out, except a GTM
variable (``{{Name}}``), whose state is only known at run time: the type is
then in ``unknown_types`` (a variable as the region leaves the row unread).
Other templates' parameters (Simo Ahava's ``regions: all|eea|...``) are not read.

``gtag('consent', 'default', {...})`` written in a Custom HTML tag is read
with the gtag reader and judged like a template's defaults (pointing at the
tag's ``html`` parameter). When the container sets defaults, Google tags
whose consent status is not ``NEEDED`` load before the choice (Consent
Mode's "advanced" variant) and are listed in ``ConsentMode.tag_loads``.

A server-side container (``container.usageContext`` ``SERVER``) is read the
same way, its tags judged on their consent settings, and a note says what
that does not cover: whether the visitor's consent reaches the server.
"""

from __future__ import annotations

import re

from .._errors import GdprPolicyError, InputError
from .._messages import Location
from ._common import Fields
from ._js import JsArray, JsNumber, JsObject, JsOpaque, JsString, decode_text, parse_json
from ._model import (
    Banner,
    BannerSource,
    ConsentMode,
    ConsentModeDefault,
    ConsentStatus,
    GrantState,
    GtmTag,
    TagLoad,
)
from ._trackers import TRACKERS, KnownTracker, guess_tracker_from_text

__all__ = ["BUILT_IN_CONSENT_TYPES", "read_gtm"]

#: GTM tag types whose tags check Consent Mode themselves.
BUILT_IN_CONSENT_TYPES = frozenset(
    {"googtag", "gaawc", "gaawe", "ua", "awct", "sp", "awcc", "awud", "gclidw", "flc", "fls"}
)
_STATUSES: dict[str, ConsentStatus] = {
    "NEEDED": "NEEDED",
    "NOT_SET": "NOT_SET",
    "NOT_NEEDED": "NOT_NEEDED",
}


def read_gtm(text: str | bytes, *, source: str) -> Banner:
    """Read the tags of a GTM container export (JSON)."""
    decoded = decode_text(text, source)
    root = parse_json(decoded, source)
    fields = Fields(source)
    if not isinstance(root, JsObject):
        raise fields.error(root, "a GTM container export object")
    version_value = root.get("exportFormatVersion")
    if not isinstance(version_value, JsNumber) or version_value.value != 2:
        if version_value is None:
            raise InputError.at(
                source, root.location.line, root.location.column, "exportFormatVersion",
                "expected a GTM container export with exportFormatVersion 2", "none",
            )
        raise fields.error(version_value, "exportFormatVersion 2")
    container = fields.obj(root, "containerVersion")
    if container is None:
        raise InputError.at(
            source, root.location.line, root.location.column, "containerVersion",
            "expected a 'containerVersion' object", "none",
        )
    server = _is_server(fields, container)
    if server:
        fields.note("server-container", _container_name(fields, container), container.location)
    tags_arr = fields.array(container, "tag")
    tags: list[GtmTag] = []
    defaults: list[ConsentModeDefault] = []
    unread = 0
    for item in tags_arr.items if tags_arr else ():
        if not isinstance(item, JsObject):
            raise fields.error(item, "an object for the tag")
        tag = _tag(fields, item)
        tags.append(tag)
        for found, not_read in (
            _template_defaults(fields, item), _custom_html_defaults(fields, item, tag)
        ):
            defaults.extend(found)
            unread += not_read
    consent_mode = None
    if defaults:
        # Google's own tags that fire without waiting for consent (status not NEEDED)
        # load before the choice and rely on Consent Mode: advanced mode.
        loads = tuple(
            TagLoad(setting=f"{t.name} ({t.type}): consentStatus {t.consent_status}",
                    location=t.location)
            for t in tags
            if t.built_in_consent_check and not t.paused and t.consent_status != "NEEDED"
        )
        consent_mode = ConsentMode(
            defaults=tuple(defaults), unread_defaults=unread, location=defaults[0].location,
            tag_loads=loads)
    return Banner(
        source=BannerSource(format="gtm", file=source, format_version="2"),
        location=container.location,
        gtm_tags=tuple(tags),
        consent_mode=consent_mode,
        server_side=server,
        notes=tuple(fields.notes),
        dynamic=tuple(fields.dynamic),
    )


def _is_server(fields: Fields, container: JsObject) -> bool:
    """Whether ``container.usageContext`` says SERVER (a server-side container)."""
    info = container.get("container")
    if not isinstance(info, JsObject):
        return False
    context = info.get("usageContext")
    items = context.items if isinstance(context, JsArray) else ()
    return any(isinstance(i, JsString) and i.value.upper() == "SERVER" for i in items)


def _container_name(fields: Fields, container: JsObject) -> str:
    info = container.get("container")
    if isinstance(info, JsObject):
        for key in ("publicId", "name"):
            value = info.get(key)
            if isinstance(value, JsString) and value.value:
                return value.value
    return "container"


def _custom_html_defaults(
    fields: Fields, item: JsObject, tag: GtmTag
) -> tuple[list[ConsentModeDefault], int]:
    """``gtag('consent', 'default', ...)`` in a Custom HTML tag, judged like a template's.

    The script is parsed from the tag's ``html`` parameter; positions inside it
    are not file positions, so every default points at the parameter's value.
    A script that cannot be parsed is a note naming the tag, not an error for
    the whole container. Also returned: how many defaults are known only at
    run time.
    """
    if tag.type != "html":
        return [], 0
    params = _parameters(fields, item, "parameter")
    html_param = params.get("html")
    value = html_param.get("value") if html_param is not None else None
    if not isinstance(value, JsString) or "consent" not in value.value:
        return [], 0
    from ._gtag import consent_mode_from_html

    inner = Fields(fields.source)
    try:
        found, notes, unread = consent_mode_from_html(value.value, fields.source, inner)
    except GdprPolicyError:
        fields.note("custom-html-unreadable", tag.name, value.location)
        # what the script sets is unknown: its defaults are not read
        return [], 1
    for note in notes:
        fields.note(note.kind, note.subject, value.location)
    if inner.dynamic:
        for dyn in inner.dynamic:
            fields.dynamic.append(dyn.model_copy(update={"location": value.location}))
    return [
        d.model_copy(update={
            "location": value.location,
            "type_locations": dict.fromkeys(d.type_locations, value.location),
        })
        for d in found
    ], unread


#: A GTM variable reference (``{{Consent Default}}``): replaced at run time.
_GTM_VARIABLE = re.compile(r"\{\{[^{}]+\}\}")

_TEMPLATE_TYPES = {
    "adStorage": "ad_storage",
    "analyticsStorage": "analytics_storage",
    "functionalityStorage": "functionality_storage",
    "personalizationStorage": "personalization_storage",
    "securityStorage": "security_storage",
    "adUserData": "ad_user_data",
    "adPersonalization": "ad_personalization",
}


def _parameters(fields: Fields, holder: JsObject, key: str) -> dict[str, JsObject]:
    """GTM ``[{type, key, value|list|map}]`` parameters by key."""
    params = fields.array(holder, key)
    out: dict[str, JsObject] = {}
    for param in params.items if params else ():
        if isinstance(param, JsObject):
            name = param.get("key")
            if isinstance(name, JsString):
                out[name.value] = param
    return out


def _template_defaults(
    fields: Fields, tag: JsObject
) -> tuple[list[ConsentModeDefault], int]:
    """A consent template tag's default rows, and how many rows have a run-time region."""
    params = _parameters(fields, tag, "parameter")
    settings = params.get("defaultSettings")
    if settings is None:
        return [], 0
    command = params.get("command")
    command_value = command.get("value") if command is not None else None
    if isinstance(command_value, JsString) and command_value.value != "default":
        return [], 0
    wait: int | float | None = None
    wait_param = params.get("waitForUpdate")
    wait_value = wait_param.get("value") if wait_param is not None else None
    if isinstance(wait_value, JsString) and wait_value.value.strip().isdigit():
        wait = int(wait_value.value.strip())
    elif isinstance(wait_value, JsNumber):
        wait = wait_value.value
    rows = settings.get("list")
    out: list[ConsentModeDefault] = []
    unread = 0
    for row in rows.items if isinstance(rows, JsArray) else ():
        if not isinstance(row, JsObject):
            continue
        cells = _parameters(fields, row, "map")
        types: dict[str, GrantState] = {}
        locations: dict[str, Location] = {}
        unknown: list[str] = []
        for key, type_name in _TEMPLATE_TYPES.items():
            cell = cells.get(key)
            value = cell.get("value") if cell is not None else None
            if isinstance(value, JsString) and value.value in ("granted", "denied"):
                types[type_name] = "granted" if value.value == "granted" else "denied"
                locations[type_name] = value.location
            elif isinstance(value, JsString) and _GTM_VARIABLE.search(value.value):
                unknown.append(type_name)
        if not types and not unknown:
            continue
        region_cell = cells.get("region")
        region_value = region_cell.get("value") if region_cell is not None else None
        if isinstance(region_value, JsString) and _GTM_VARIABLE.search(region_value.value):
            unread += 1  # the row's reach is only known at run time
            continue
        region: tuple[str, ...] | None = None
        if isinstance(region_value, JsString) and region_value.value.strip():
            region = tuple(
                part.strip().upper() for part in region_value.value.split(",") if part.strip()
            )
        out.append(ConsentModeDefault(
            region=region, types=types, type_locations=locations, unknown_types=tuple(unknown),
            wait_for_update=wait, location=row.location,
        ))
    return out, unread


def _tag(fields: Fields, item: JsObject) -> GtmTag:
    name, _ = fields.string(item, "name")
    tag_type, _ = fields.string(item, "type")
    tag_id, _ = fields.string(item, "tagId")
    paused, _ = fields.boolean(item, "paused", False)
    html: str | None = None
    params = fields.array(item, "parameter")
    for param in params.items if params else ():
        if isinstance(param, JsObject):
            key = param.get("key")
            value = param.get("value")
            if isinstance(key, JsString) and key.value == "html" and isinstance(value, JsString):
                html = value.value
    status: ConsentStatus = "NOT_SET"
    location = item.location
    consent_types: list[str] = []
    settings = fields.obj(item, "consentSettings")
    if settings is not None:
        raw_status = fields.raw(settings, "consentStatus")
        if raw_status is not None:
            if not isinstance(raw_status, JsString) or raw_status.value.upper() not in _STATUSES:
                raise fields.error(raw_status, "'NEEDED', 'NOT_SET' or 'NOT_NEEDED'")
            status = _STATUSES[raw_status.value.upper()]
            location = raw_status.location
        consent_type = fields.obj(settings, "consentType")
        listed = fields.array(consent_type, "list") if consent_type is not None else None
        for entry in listed.items if listed else ():
            if isinstance(entry, JsObject):
                value = entry.get("value")
                if isinstance(value, JsString):
                    consent_types.append(value.value)
                elif isinstance(value, JsOpaque):  # pragma: no cover - JSON has no opaque
                    fields.note_dynamic(value)
    kind = tag_type or ""
    tracker = None
    for candidate in (_tracker_by_type(kind), guess_tracker_from_text(name or "", html)):
        if candidate is not None:
            tracker = candidate
            break
    return GtmTag(
        id=tag_id,
        name=name or "",
        type=kind,
        vendor=tracker.vendor if tracker else None,
        tracker=tracker.id if tracker else None,
        consent_status=status,
        consent_types=tuple(consent_types),
        built_in_consent_check=kind in BUILT_IN_CONSENT_TYPES,
        paused=paused,
        location=location,
    )


def _tracker_by_type(kind: str) -> KnownTracker | None:
    return next((t for t in TRACKERS if kind in t.gtm_types), None)
