"""orestbida/cookieconsent v3 (``CookieConsent.run({...})``) into the banner model.

Input is either JavaScript (or HTML) containing one ``CookieConsent.run``
call with an object literal, or the same object as JSON, where a RegExp is
written as the string ``"/source/flags"``. Defaults are those of
vanilla-cookieconsent 3.1 (configuration reference; banner-formats.md §1.1):
``mode`` opt-in, ``revision`` 0, ``autoShow`` true, ``cookie.expiresAfterDays``
182, ``disablePageInteraction`` false, ``equalWeightButtons`` true.

Mapping decisions:

* a category's ``default_enabled`` is ``enabled || readOnly`` (the toggle is
  drawn checked, ``preferencesModal.js``); it ``runs_before_consent`` only in
  opt-out mode;
* a service inherits its category's state; ``required`` means the category
  is read-only;
* first-layer buttons per language follow ``consentModal.js``: a button is
  drawn only if its text is a non-empty string; ``closeIconLabel`` draws an X
  that accepts necessary only, in the ``box`` layouts only and only when the
  modal has a ``title``; a text computed at run time counts as present (and is
  listed as dynamic);
* cookies come from ``autoClear.cookies``, ``services.*.cookies`` and the
  ``name`` column of each ``cookieTable`` linked to the category;
* a language whose texts are loaded at run time (a URL string, a function, an
  expression) has no first layer to check: a :class:`ReaderNote` says so,
  unless the translation file was given (``translations=``);
* ``revision`` not written is the library default 0, with
  ``Reconsent.revision_set`` false.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping

from pydantic import ValidationError

from .._errors import HostileInputError, InputError
from .._messages import Location
from ._common import Fields, category_kind, find_withdrawal, is_legitimate_interest
from ._gtag import consent_mode_from_docs
from ._js import (
    JsArray,
    JsDocument,
    JsObject,
    JsOpaque,
    JsRegex,
    JsString,
    JsValue,
    decode_text,
    find_assignments,
    find_calls,
    looks_like_html,
    looks_like_json,
    parse_json,
    parse_script_or_html,
)
from ._model import (
    Banner,
    BannerMode,
    BannerSource,
    Button,
    ButtonRole,
    Category,
    ConsentRecord,
    CookiePattern,
    CookieRef,
    LanguageLayer,
    LegitimateInterestClaim,
    Reconsent,
    Service,
)
from ._trackers import guess_tracker

__all__ = ["DEFAULT_LIFETIME_DAYS", "read_cookieconsent", "regex_from_json_string"]

DEFAULT_LIFETIME_DAYS = 182
# v2 is called as ``cc.run`` on ``initCookieConsent()`` with another schema: not read here.
_CALLEES = ("CookieConsent.run",)
_JSON_REGEX = re.compile(r"/(.*)/([dgimsuvy]*)", re.DOTALL)

_FIRST_LAYER_BUTTONS: tuple[tuple[str, ButtonRole], ...] = (
    ("acceptAllBtn", "accept_all"),
    ("acceptNecessaryBtn", "reject_all"),
    ("showPreferencesBtn", "settings"),
)


def regex_from_json_string(text: str) -> tuple[str, str] | None:
    """``"/^_ga/i"`` -> ``("^_ga", "i")``; ``None`` if the string is not in that form."""
    if len(text) < 2 or not text.startswith("/"):
        return None
    match = _JSON_REGEX.fullmatch(text)
    if match is None:
        return None
    return match.group(1), match.group(2)


def json_config(decoded: str, source: str, what: str) -> JsObject | None:
    """The configuration object of a JSON file (text starting with ``{``), else ``None``."""
    if not decoded.lstrip().startswith("{") or not looks_like_json(decoded):
        return None
    value = parse_json(decoded, source)
    if not isinstance(value, JsObject):  # pragma: no cover - "{" starts an object
        raise InputError.at(source, 1, 1, "", f"expected a {what} object")
    return value


def load_config_object(
    text: str | bytes, source: str, callees: tuple[str, ...], what: str
) -> tuple[JsObject, list[JsDocument] | None, bool]:
    """The configuration object of a JS/HTML file (one call) or a JSON file.

    Returns the object, the parsed scripts (``None`` for JSON) and whether the
    input was JSON.
    """
    decoded = decode_text(text, source)
    config = json_config(decoded, source, what)
    if config is not None:
        return config, None, True
    docs = parse_script_or_html(decoded, source)
    calls = find_calls(docs, callees)
    if not calls:
        raise InputError.at(
            source, None, None, "", f"expected a {what} call ({' or '.join(callees)}({{...}}))",
            "none",
        )
    if len(calls) > 1:
        second = calls[1].location
        raise InputError.at(
            source, second.line, second.column, "", f"expected one {what} call",
            f"{len(calls)} calls",
        )
    call = calls[0]
    argument = call.arguments[0] if call.arguments else None
    if isinstance(argument, JsOpaque) and argument.name is not None:
        # CookieConsent.run(config) with one `const config = {...}` in the same file:
        # following a name to its only literal binding reads text, it runs nothing.
        bound = find_assignments(docs, (argument.name,))
        if len(bound) == 1 and isinstance(bound[0].arguments[0], JsObject):
            return bound[0].arguments[0], docs, False
    if not call.arguments or not isinstance(call.arguments[0], JsObject):
        found = call.arguments[0].describe() if call.arguments else "no argument"
        loc = call.arguments[0].location if call.arguments else call.location
        raise InputError.at(
            source, loc.line, loc.column, "", "expected an object literal as the configuration",
            found,
        )
    return call.arguments[0], docs, False


def cookie_pattern(
    fields: Fields, value: JsValue, source: str, flags: str
) -> CookiePattern:
    """A :class:`CookiePattern`, refusing oversized patterns as hostile input."""
    loc = value.location
    try:
        return CookiePattern(source=source, flags=flags)
    except ValidationError as exc:
        raise HostileInputError.at(
            fields.source, loc.line, loc.column, loc.pointer or "",
            "expected a cookie pattern of at most 256 characters", f"{len(source)} characters",
            pointer=loc.pointer,
        ) from exc


def _cookie(fields: Fields, item: JsValue, json_mode: bool) -> CookieRef | None:
    """One ``{name, path?, domain?}`` cookie item (a bare string or RegExp is accepted too)."""
    if isinstance(item, JsOpaque):
        fields.note_dynamic(item)
        return None
    domain: str | None = None
    path: str | None = None
    name_value: JsValue | None = item
    if isinstance(item, JsObject):
        domain, _ = fields.string(item, "domain")
        path, _ = fields.string(item, "path")
        name_value = fields.raw(item, "name")
        if name_value is None:
            return None
    assert name_value is not None
    ref = cookie_ref(fields, name_value, path=path, domain=domain, json_mode=json_mode)
    if ref is None:
        raise fields.error(name_value, "a cookie name (string or RegExp)")
    return ref


def cookie_ref(
    fields: Fields, value: JsValue, *, path: str | None, domain: str | None, json_mode: bool,
    caret_is_pattern: bool = False,
) -> CookieRef | None:
    """The cookie ``value`` names or matches; ``None`` when it is neither a string nor a RegExp.

    A RegExp literal is a pattern; so is, in JSON, a ``"/source/flags"`` string,
    and with ``caret_is_pattern`` any string starting with ``^`` (Klaro's way).
    Any other string is a cookie name.
    """
    if isinstance(value, JsRegex):
        pattern = cookie_pattern(fields, value, value.source, value.flags)
        return CookieRef(pattern=pattern, path=path, domain=domain, location=value.location)
    if not isinstance(value, JsString):
        return None
    text = value.value
    regex = regex_from_json_string(text) if json_mode else None
    if regex is None and caret_is_pattern and text.startswith("^"):
        regex = (text, "")
    if regex is not None:
        pattern = cookie_pattern(fields, value, regex[0], regex[1])
        return CookieRef(pattern=pattern, path=path, domain=domain, location=value.location)
    return CookieRef(name=text, path=path, domain=domain, location=value.location)


def _cookies(fields: Fields, arr: JsArray | None, json_mode: bool) -> list[CookieRef]:
    if arr is None:
        return []
    out: list[CookieRef] = []
    for item in arr.items:
        ref = _cookie(fields, item, json_mode)
        if ref is not None:
            out.append(ref)
    return out


def _button_role_present(
    fields: Fields, modal: JsObject, key: str
) -> tuple[bool, str | None, Location | None]:
    """Whether a button text makes cc3 draw the button (non-empty string, or dynamic)."""
    value = modal.get(key)
    if value is None:
        return False, None, None
    if isinstance(value, JsOpaque):
        fields.note_dynamic(value)
        return True, None, value.location
    if isinstance(value, JsString):
        return value.value != "", value.value, value.location
    fields.note_object(modal)
    raw = fields.raw(modal, key)
    if raw is None:  # undefined
        return False, None, None
    if raw.describe() == "null":
        return False, None, None
    raise fields.error(raw, f"a string for {key!r}")


def read_cookieconsent(
    text: str | bytes,
    *,
    source: str,
    translations: Mapping[str, str | bytes] | None = None,
) -> Banner:
    """Read an orestbida/cookieconsent v3 configuration (JS, HTML or JSON).

    ``translations`` maps file names to the texts of translation files the
    configuration loads at run time (``translations: {en: './en.json'}``); a
    file is matched by its base name. Without it, such a language's first
    layer is not checked, and a note says so.
    """
    decoded = decode_text(text, source)
    config, docs, json_mode = load_config_object(
        decoded, source, _CALLEES, "CookieConsent.run"
    )
    fields = Fields(source)
    fields.external = {
        posixpath.basename(name.replace("\\", "/")): (name, content)
        for name, content in (translations or {}).items()
    }
    fields.note_object(config)
    if docs is not None:
        argument = find_calls(docs, _CALLEES)[0].arguments
        if argument and isinstance(argument[0], JsOpaque) and argument[0].name is not None:
            fields.note_mutations(docs, (argument[0].name,))

    # ---- mode, revision, page blocking
    mode_text, mode_loc = fields.string(config, "mode")
    if mode_text is None:
        # Absent or undefined: the default; dynamic: unknown (listed in ``dynamic``).
        mode: BannerMode | None = None if isinstance(config.get("mode"), JsOpaque) else "opt-in"
    else:
        # as the library reads it (setConfig: ``if (mode === 'opt-out')``): any other
        # text, 'OPT-OUT' or a typo, leaves the default opt-in, and the build must not fail
        # a banner that runs opt-in
        mode = "opt-out" if mode_text == "opt-out" else "opt-in"
    revision_set = config.get("revision") is not None
    revision_number, revision_loc = fields.number(config, "revision")
    if revision_number is not None and not isinstance(revision_number, int):
        raw_revision = config.get("revision")
        assert raw_revision is not None
        raise fields.error(raw_revision, "a whole number for 'revision'")
    auto_show, _ = fields.boolean(config, "autoShow", True)
    blocks_page, blocks_loc = fields.boolean(config, "disablePageInteraction", False)

    # ---- consent record
    cookie = fields.obj(config, "cookie")
    record_name = "cc_cookie"
    storage = "cookie"
    lifetime: int | float | None = DEFAULT_LIFETIME_DAYS
    lifetime_loc: Location | None = None
    lifetime_default = True
    if cookie is not None:
        name, _ = fields.string(cookie, "name")
        record_name = name or record_name
        local, _ = fields.boolean(cookie, "useLocalStorage", False)
        storage = "localStorage" if local else "cookie"
        raw_days = cookie.get("expiresAfterDays")
        if isinstance(raw_days, JsOpaque):
            fields.note_dynamic(raw_days)
            lifetime, lifetime_loc, lifetime_default = None, raw_days.location, False
        else:
            days, days_loc = fields.number(cookie, "expiresAfterDays")
            if days is not None:
                lifetime, lifetime_loc, lifetime_default = days, days_loc, False
    consent_record = ConsentRecord(
        name=record_name,
        storage="localStorage" if storage == "localStorage" else "cookie",
        lifetime_days=lifetime,
        lifetime_is_default=lifetime_default,
        location=lifetime_loc,
    )

    # ---- GUI options
    equal_weight = True
    equal_loc: Location | None = None
    layout = "box"
    gui = fields.obj(config, "guiOptions")
    consent_gui = fields.obj(gui, "consentModal") if gui is not None else None
    if consent_gui is not None:
        equal_weight, equal_loc = fields.boolean(consent_gui, "equalWeightButtons", True)
        layout_text, _ = fields.string(consent_gui, "layout")
        layout = layout_text or layout
    box_layout = layout.split()[0] == "box" if layout.split() else True

    # ---- categories and services
    categories_obj = fields.obj(config, "categories")
    if categories_obj is None and config.get("categories") is None:
        raise InputError.at(
            source, config.location.line, config.location.column, "",
            "expected 'categories' (required by cookieconsent v3)", "none",
            pointer=config.location.pointer,
        )
    categories: list[Category] = []
    services: list[Service] = []
    claims: list[LegitimateInterestClaim] = []
    table_cookies = _cookie_tables(fields, config, json_mode)
    labels = _category_labels(fields, config)
    for cat_id, cat_value in (categories_obj.items() if categories_obj else []):
        if isinstance(cat_value, JsOpaque):
            fields.note_dynamic(cat_value)
            continue
        if not isinstance(cat_value, JsObject):
            raise fields.error(cat_value, "an object for the category")
        fields.note_object(cat_value)
        enabled, enabled_loc = fields.boolean(cat_value, "enabled", False)
        read_only, read_only_loc = fields.boolean(cat_value, "readOnly", False)
        default_enabled = enabled or read_only
        runs_before = mode == "opt-out" and default_enabled
        auto_clear = fields.obj(cat_value, "autoClear")
        cat_cookies = _cookies(
            fields, fields.array(auto_clear, "cookies") if auto_clear else None, json_mode
        )
        seen = {c.display for c in cat_cookies}
        for ref in table_cookies.get(cat_id, []):
            if ref.display not in seen:
                seen.add(ref.display)
                cat_cookies.append(ref)
        service_ids: list[str] = []
        services_obj = fields.obj(cat_value, "services")
        for svc_id, svc_value in (services_obj.items() if services_obj else []):
            if isinstance(svc_value, JsOpaque):
                fields.note_dynamic(svc_value)
                continue
            if not isinstance(svc_value, JsObject):
                raise fields.error(svc_value, "an object for the service")
            fields.note_object(svc_value)
            label, _ = fields.string(svc_value, "label")
            svc_cookies = _cookies(fields, fields.array(svc_value, "cookies"), json_mode)
            tracker = guess_tracker(svc_id, label, svc_cookies)
            service_ids.append(svc_id)
            services.append(
                Service(
                    id=svc_id,
                    label=label,
                    vendor=tracker.vendor if tracker else None,
                    tracker=tracker.id if tracker else None,
                    category_ids=(cat_id,),
                    required=read_only,
                    default_enabled=default_enabled,
                    runs_before_consent=runs_before,
                    cookies=tuple(svc_cookies),
                    location=svc_value.location,
                    default_enabled_location=enabled_loc or read_only_loc,
                )
            )
            if is_legitimate_interest(svc_id) or is_legitimate_interest(label or ""):
                claims.append(LegitimateInterestClaim(
                    kind="service", subject=svc_id, location=svc_value.location))
        label = labels.get(cat_id)
        categories.append(
            Category(
                id=cat_id,
                label=label,
                kind=category_kind(cat_id) if category_kind(cat_id) != "other" else (
                    category_kind(label or "")),
                read_only=read_only,
                default_enabled=default_enabled,
                runs_before_consent=runs_before,
                auto_clear=bool(cat_cookies) and auto_clear is not None,
                service_ids=tuple(service_ids),
                cookies=tuple(cat_cookies),
                location=cat_value.location,
                default_enabled_location=enabled_loc or read_only_loc,
            )
        )
        if is_legitimate_interest(cat_id) or is_legitimate_interest(label or ""):
            claims.append(LegitimateInterestClaim(
                kind="category", subject=cat_id, location=cat_value.location))

    # ---- languages
    default_language, languages, revision_message = _languages(
        fields, config, equal_weight, equal_loc, box_layout
    )
    notes = list(fields.notes)

    consent_mode, mode_notes = (
        consent_mode_from_docs(docs, fields, decoded, source) if docs is not None else (None, [])
    )
    notes.extend(mode_notes)
    return Banner(
        source=BannerSource(format="cookieconsent", file=source,
                            format_version="json" if json_mode else "js"),
        location=config.location,
        mode=mode,
        mode_location=mode_loc,
        auto_show=auto_show,
        blocks_page=blocks_page,
        blocks_page_location=blocks_loc,
        consent_record=consent_record,
        reconsent=Reconsent(
            revision=revision_number if revision_number is not None else 0,
            revision_set=revision_set,
            triggers=("revision",),
            revision_message_present=revision_message,
            location=revision_loc,
        ),
        default_language=default_language,
        languages=tuple(languages),
        categories=tuple(categories),
        services=tuple(services),
        consent_mode=consent_mode,
        legitimate_interest=tuple(claims),
        withdrawal=None if docs is None else find_withdrawal(
            decoded, source, docs, is_html=looks_like_html(decoded)),
        notes=tuple(notes),
        dynamic=tuple(fields.dynamic),
    )


def _external(fields: Fields, lang: str, value: JsString) -> JsObject | None:
    """The translation file a URL string names, if it was given as a further input."""
    name = posixpath.basename(value.value.split("?", 1)[0].split("#", 1)[0])
    given = fields.external.get(name)
    if given is None:
        return None
    path, content = given
    parsed = parse_json(content, path)
    if not isinstance(parsed, JsObject):
        raise InputError.at(path, 1, 1, "", "expected a translation object", parsed.describe())
    return parsed


def _translations(fields: Fields, config: JsObject) -> list[tuple[str, JsObject]]:
    language = fields.obj(config, "language")
    if language is None:
        return []
    translations = fields.obj(language, "translations")
    out: list[tuple[str, JsObject]] = []
    for lang, value in (translations.items() if translations else []):
        if isinstance(value, JsObject):
            fields.note_object(value)
            out.append((lang, value))
        elif isinstance(value, JsOpaque):
            fields.note_dynamic(value)
            fields.note("texts-at-run-time", lang, value.location)
        elif isinstance(value, JsString):
            loaded = _external(fields, lang, value)
            if loaded is not None:
                out.append((lang, loaded))
                continue
            # A path to a JSON file loaded at run time: its buttons are unknown here.
            fields.note_dynamic(JsOpaque(value.location, "external"))
            fields.note("texts-at-run-time", lang, value.location)
        else:
            raise fields.error(value, "an object, a URL string or a function for the translation")
    if translations is None and isinstance(language.get("translations"), JsOpaque):
        raw = language.get("translations")
        assert raw is not None
        fields.note("texts-at-run-time", "*", raw.location)
    return out


def _languages(
    fields: Fields,
    config: JsObject,
    equal_weight: bool,
    equal_loc: Location | None,
    box_layout: bool,
) -> tuple[str | None, list[LanguageLayer], bool]:
    language = fields.obj(config, "language")
    default_language: str | None = None
    if language is not None:
        default_language, _ = fields.string(language, "default")
    layers: list[LanguageLayer] = []
    revision_message = False
    for lang, translation in _translations(fields, config):
        modal = fields.obj(translation, "consentModal")
        if modal is None:
            layers.append(LanguageLayer(lang=lang, shown=False, location=translation.location))
            continue
        buttons: list[Button] = []
        for key, role in _FIRST_LAYER_BUTTONS:
            present, label, loc = _button_role_present(fields, modal, key)
            if present:
                buttons.append(Button(role=role, label=label, location=loc))
        # consentModal.js draws the X only `if (consentModalTitleValue &&
        # closeIconLabelData && isBoxLayout)`: without a title there is no X to reject with.
        titled, _, _ = _button_role_present(fields, modal, "title")
        if box_layout and titled:
            present, label, loc = _button_role_present(fields, modal, "closeIconLabel")
            if present:
                buttons.append(Button(role="close_rejects", label=label, location=loc))
        message, _ = fields.string(modal, "revisionMessage")
        description, _ = fields.string(modal, "description")
        if message and description and "{{revisionMessage}}" in description:
            revision_message = True
        layers.append(
            LanguageLayer(
                lang=lang,
                shown=True,
                buttons=tuple(buttons),
                equal_weight=equal_weight,
                equal_weight_location=equal_loc,
                second_layer_reachable=True if any(b.role == "settings" for b in buttons) else None,
                location=modal.location,
            )
        )
    return default_language, layers, revision_message


def _sections(fields: Fields, config: JsObject) -> list[tuple[str, JsObject]]:
    """(language, section) pairs of every preferences modal."""
    out: list[tuple[str, JsObject]] = []
    for lang, translation in _translations(fields, config):
        prefs = fields.obj(translation, "preferencesModal")
        sections = fields.array(prefs, "sections") if prefs is not None else None
        for item in sections.items if sections else ():
            if isinstance(item, JsObject):
                fields.note_object(item)
                out.append((lang, item))
            elif isinstance(item, JsOpaque):
                fields.note_dynamic(item)
    return out


def _category_labels(fields: Fields, config: JsObject) -> dict[str, str]:
    """Category titles from the sections linked to them (default language first)."""
    language = fields.obj(config, "language")
    default = fields.string(language, "default")[0] if language is not None else None
    labels: dict[str, str] = {}
    pairs = _sections(fields, config)
    pairs.sort(key=lambda p: p[0] != default)
    for _lang, section in pairs:
        linked, _ = fields.string(section, "linkedCategory")
        title, _ = fields.string(section, "title")
        if linked and title and linked not in labels:
            labels[linked] = title
    return labels


def _cookie_tables(
    fields: Fields, config: JsObject, json_mode: bool
) -> dict[str, list[CookieRef]]:
    """Cookie names from the ``name`` column of each linked ``cookieTable``."""
    out: dict[str, list[CookieRef]] = {}
    for _lang, section in _sections(fields, config):
        linked, _ = fields.string(section, "linkedCategory")
        table = fields.obj(section, "cookieTable")
        if not linked or table is None:
            continue
        body = fields.array(table, "body")
        for row in body.items if body else ():
            if not isinstance(row, JsObject):
                if isinstance(row, JsOpaque):
                    fields.note_dynamic(row)
                    continue
                raise fields.error(row, "an object for the cookie-table row")
            name, loc = fields.string(row, "name")
            if name:
                out.setdefault(linked, []).append(CookieRef(name=name, location=loc))
    return out
