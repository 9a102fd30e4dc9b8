"""Klaro (kiprotect/klaro 0.7) configurations into the banner model.

Input is JavaScript (or HTML) assigning one object literal to ``klaroConfig``
(``var``/``let``/``const klaroConfig = {...}`` or ``window.klaroConfig =
{...}``), or the same object as JSON. Defaults are Klaro 0.7.22's
(banner-formats.md §2.1): ``default`` false, ``acceptAll`` true,
``hideDeclineAll`` false, ``hideLearnMore`` false, ``mustConsent`` false,
``optOut`` false, ``storageName`` ``klaro``, ``cookieExpiresAfterDays`` 120
(``|| 120`` at run time, so 0 also means 120). With ``storageMethod``
``'localStorage'`` the choice never expires (``stores.js`` passes no expiry):
its lifetime is ``math.inf``, located at ``storageMethod``. Older configs'
``apps`` are read as ``services``.

Mapping decisions:

* categories are Klaro's purposes (``purposeOrder`` first, then in order of
  appearance); a purpose is ``read_only`` when all its services are
  ``required``, ``default_enabled`` when all are on by default, and
  ``runs_before_consent`` when any service runs before consent. Cookies stay
  on the services;
* a service is on by default as Klaro's ``getDefaultConsent`` computes it:
  ``service.default || service.required``, and only when that is
  ``undefined`` the global ``default`` (so ``default: false`` alone does not
  override a global ``default: true``, while a written ``required: false``
  does), or when it is required. It is required when its own ``required``
  (else the global ``required``) is true; it runs before consent when it is
  required, or opt-out (its own ``optOut``, else the global one) and on by
  default (``consent-manager.js`` ``applyConsents``);
* the first layer is the notice (``ok``, ``decline``, ``learnMore``) or, with
  ``mustConsent``, the modal (``acceptAll``, ``decline``, ``acceptSelected``).
  Klaro ships default texts, so a button's presence depends only on the
  switches, in every language; labels are those the configuration sets;
* a cookie string starting with ``^`` is a regex (as Klaro compiles it); any
  other string is an exact name. In JSON, ``"/source/flags"`` is also a regex.
"""

from __future__ import annotations

import math

from .._errors import InputError
from .._messages import Location
from ._common import Fields, category_kind, find_withdrawal, is_legitimate_interest
from ._cookieconsent import cookie_ref, json_config
from ._gtag import consent_mode_from_docs
from ._js import (
    JsArray,
    JsDocument,
    JsObject,
    JsOpaque,
    JsString,
    JsValue,
    decode_text,
    find_assignments,
    find_calls,
    looks_like_html,
    parse_script_or_html,
)
from ._model import (
    Banner,
    BannerSource,
    Button,
    Category,
    ConsentRecord,
    CookieRef,
    LanguageLayer,
    LegitimateInterestClaim,
    Reconsent,
    Service,
)
from ._trackers import guess_tracker

__all__ = ["DEFAULT_LIFETIME_DAYS", "read_klaro"]

DEFAULT_LIFETIME_DAYS = 120


#: Calls that hand Klaro its configuration (``klaro.setup(config)``, ``Klaro.setup(config)``).
SETUP_CALLS = ("klaro.setup", "Klaro.setup")


def _follow(docs: list[JsDocument], value: JsValue) -> JsValue:
    """A variable's only object literal in the same file (``const config = {...}``), else the value.

    Following a name to its literal binding reads text, it runs nothing; a name
    bound more than once (or to something else) stays a run-time value.
    """
    if isinstance(value, JsOpaque) and value.kind == "identifier" and value.name is not None:
        bound = find_assignments(docs, (value.name,))
        if len(bound) == 1 and isinstance(bound[0].arguments[0], JsObject):
            return bound[0].arguments[0]
    return value


def _load(
    text: str | bytes, source: str
) -> tuple[JsObject, list[JsDocument] | None, bool, str, tuple[str, ...]]:
    """The config object, the parsed scripts, whether JSON, the text and the names bound to it."""
    decoded = decode_text(text, source)
    json_object = json_config(decoded, source, "Klaro configuration")
    if json_object is not None:
        return json_object, None, True, decoded, ()
    docs = parse_script_or_html(decoded, source)
    found = find_assignments(docs, ("klaroConfig",))
    found += [c for c in find_calls(docs, SETUP_CALLS) if c.arguments]
    names = ["klaroConfig"] if any(f.callee == "klaroConfig" for f in found) else []
    names += [
        f.arguments[0].name for f in found
        if isinstance(f.arguments[0], JsOpaque) and f.arguments[0].name is not None
    ]
    values = [_follow(docs, f.arguments[0]) for f in found]
    objects: list[JsObject] = []
    for value in values:
        # `window.klaroConfig = config; Klaro.setup(config)` names one object twice
        if isinstance(value, JsObject) and all(value.location != o.location for o in objects):
            objects.append(value)
    if not objects:
        if found:
            value = values[0]
            raise InputError.at(
                source, value.location.line, value.location.column, "klaroConfig",
                "expected an object literal (or a variable bound to one in the same file)",
                value.describe(),
            )
        raise InputError.at(
            source, None, None, "", "expected a Klaro configuration (var klaroConfig = {...})",
            "none",
        )
    if len(objects) > 1:
        second = objects[1].location
        raise InputError.at(
            source, second.line, second.column, "klaroConfig",
            "expected one klaroConfig object", f"{len(objects)} assignments",
        )
    return objects[0], docs, False, decoded, tuple(dict.fromkeys(names))


def _cookie(fields: Fields, item: JsValue, json_mode: bool) -> CookieRef | None:
    if isinstance(item, JsOpaque):
        fields.note_dynamic(item)
        return None
    path: str | None = None
    domain: str | None = None
    pattern_value: JsValue | None = item
    if isinstance(item, JsArray):
        parts = list(item.items)
        if not parts:
            return None
        pattern_value = parts[0]
        for index, part in enumerate(parts[1:3], start=1):
            if isinstance(part, JsString):
                if index == 1:
                    path = part.value
                else:
                    domain = part.value
            elif isinstance(part, JsOpaque):
                fields.note_dynamic(part)
    elif isinstance(item, JsObject):
        path, _ = fields.string(item, "path")
        domain, _ = fields.string(item, "domain")
        pattern_value = fields.raw(item, "pattern")
        if pattern_value is None:
            return None
    if isinstance(pattern_value, JsOpaque):
        fields.note_dynamic(pattern_value)
        return None
    assert pattern_value is not None
    ref = cookie_ref(fields, pattern_value, path=path, domain=domain, json_mode=json_mode,
                     caret_is_pattern=True)
    if ref is None:
        raise fields.error(pattern_value,
                           "a cookie name, pattern, [pattern, path, domain] or object")
    return ref


def read_klaro(text: str | bytes, *, source: str) -> Banner:
    """Read a Klaro configuration (JS, HTML or JSON)."""
    config, docs, json_mode, decoded, names = _load(text, source)
    fields = Fields(source)
    fields.note_object(config)
    if docs is not None:
        fields.note_mutations(docs, names)

    global_default, global_default_loc = fields.boolean(config, "default", False)
    global_required, global_required_loc = fields.boolean(config, "required", False)
    global_opt_out, opt_out_loc = fields.boolean(config, "optOut", False)
    must_consent, must_loc = fields.boolean(config, "mustConsent", False)
    accept_all, _ = fields.boolean(config, "acceptAll", True)
    hide_decline, hide_decline_loc = fields.boolean(config, "hideDeclineAll", False)
    hide_learn_more, _ = fields.boolean(config, "hideLearnMore", False)
    no_auto_load, _ = fields.boolean(config, "noAutoLoad", False)
    lang, _ = fields.string(config, "lang")

    # ---- consent record
    storage_name, _ = fields.string(config, "storageName")
    if storage_name is None:
        storage_name, _ = fields.string(config, "cookieName")
    method, method_loc = fields.string(config, "storageMethod")
    storage: str | None = "cookie"
    if method is not None:
        if method not in ("cookie", "localStorage", "sessionStorage", "test"):
            raw_method = config.get("storageMethod")
            assert raw_method is not None
            raise fields.error(raw_method, "'cookie', 'localStorage' or 'sessionStorage'")
        storage = None if method == "test" else method
    days, days_loc = fields.number(config, "cookieExpiresAfterDays")
    lifetime_dynamic = isinstance(config.get("cookieExpiresAfterDays"), JsOpaque)
    lifetime: int | float | None = None if lifetime_dynamic else (days or DEFAULT_LIFETIME_DAYS)
    lifetime_loc = days_loc if days else None
    if storage == "localStorage":
        # stores.js: LocalStorageStore.set is setItem(key, value), with no expiry; only the
        # cookie store passes cookieExpiresAfterDays. The choice is relied on for ever.
        lifetime, lifetime_loc = math.inf, method_loc
    record = ConsentRecord(
        name=storage_name or "klaro",
        storage="cookie" if storage == "cookie" else (
            "localStorage" if storage == "localStorage" else (
                "sessionStorage" if storage == "sessionStorage" else None)),
        lifetime_days=lifetime,
        lifetime_is_default=lifetime_loc is None and lifetime is not None,
        location=lifetime_loc,
    )

    # ---- services
    services_arr = fields.array(config, "services")
    if services_arr is None:
        services_arr = fields.array(config, "apps")
    services: list[Service] = []
    claims: list[LegitimateInterestClaim] = []
    purpose_order: list[str] = []
    order = fields.array(config, "purposeOrder")
    if order is not None:
        purpose_order.extend(s.value for s in fields.strings(order, "a purpose name"))
    for item in services_arr.items if services_arr else ():
        if isinstance(item, JsOpaque):
            fields.note_dynamic(item)
            continue
        if not isinstance(item, JsObject):
            raise fields.error(item, "an object for the service")
        fields.note_object(item)
        name, _ = fields.string(item, "name")
        if name is None:
            raise InputError.at(
                source, item.location.line, item.location.column, item.pointer,
                "expected a 'name' for the service", "none", pointer=item.pointer,
            )
        title, _ = fields.string(item, "title")
        purposes_arr = fields.array(item, "purposes")
        purposes = [s.value for s in fields.strings(purposes_arr, "a purpose name")] \
            if purposes_arr is not None else []
        for purpose in purposes:
            if purpose not in purpose_order:
                purpose_order.append(purpose)
        own_default, own_default_loc = fields.optional_boolean(item, "default")
        own_required, own_required_loc = fields.optional_boolean(item, "required")
        own_opt_out, _ = fields.optional_boolean(item, "optOut")
        # applyConsents: `service.required !== undefined ? service.required : config.required`
        required = own_required if own_required is not None else global_required
        required_loc = own_required_loc if own_required is not None else global_required_loc
        # getDefaultConsent: `service.default || service.required`, then `config.default`
        # only if that is undefined: `default: false` without `required` falls through.
        default_loc: Location | None
        if own_default:
            default_value, default_loc = True, own_default_loc
        elif own_required is not None:
            default_value, default_loc = own_required, own_required_loc
        else:
            default_value, default_loc = global_default, global_default_loc
        default_on = default_value or required
        opt_out = own_opt_out if own_opt_out is not None else global_opt_out
        cookies_arr = fields.array(item, "cookies")
        cookies = [
            ref for ref in (
                _cookie(fields, c, json_mode) for c in (cookies_arr.items if cookies_arr else ())
            ) if ref is not None
        ]
        tracker = guess_tracker(name, title, cookies)
        services.append(
            Service(
                id=name,
                label=title,
                vendor=tracker.vendor if tracker else None,
                tracker=tracker.id if tracker else None,
                category_ids=tuple(purposes),
                purposes=tuple(purposes),
                required=required,
                default_enabled=default_on,
                runs_before_consent=required or (opt_out and default_on),
                cookies=tuple(cookies),
                location=item.location,
                default_enabled_location=(
                    default_loc if default_value else own_default_loc) or required_loc,
            )
        )
        if is_legitimate_interest(name) or is_legitimate_interest(title or ""):
            claims.append(LegitimateInterestClaim(
                kind="service", subject=name, location=item.location))

    # ---- translations, categories, languages
    translations = fields.obj(config, "translations")
    lang_objects: list[tuple[str, JsObject]] = []
    for key, value in (translations.items() if translations else []):
        if isinstance(value, JsObject):
            fields.note_object(value)
            lang_objects.append((key, value))
        elif isinstance(value, JsOpaque):
            fields.note_dynamic(value)
            fields.note("texts-at-run-time", key, value.location)
        else:
            raise fields.error(value, "an object of texts for the language")
    raw_translations = config.get("translations")
    if isinstance(raw_translations, JsOpaque):
        fields.note("texts-at-run-time", "*", raw_translations.location)
    default_language = lang or next((k for k, _ in lang_objects if k != "zz"), None)
    purpose_labels = _purpose_labels(fields, lang_objects, default_language)

    categories: list[Category] = []
    for purpose in purpose_order:
        members = [s for s in services if purpose in s.category_ids]
        label = purpose_labels.get(purpose)
        categories.append(
            Category(
                id=purpose,
                label=label,
                kind=category_kind(purpose) if category_kind(purpose) != "other" else (
                    category_kind(label or "")),
                read_only=bool(members) and all(s.required for s in members),
                default_enabled=bool(members) and all(s.default_enabled for s in members),
                runs_before_consent=any(s.runs_before_consent for s in members),
                service_ids=tuple(s.id for s in members),
                location=_purpose_location(purpose, order, services_arr),
            )
        )
        if is_legitimate_interest(purpose) or is_legitimate_interest(label or ""):
            claims.append(LegitimateInterestClaim(
                kind="category", subject=purpose,
                location=_purpose_location(purpose, order, services_arr)))

    layers: list[LanguageLayer] = []
    language_list = [(k, v) for k, v in lang_objects if k != "zz"]
    if not language_list:
        language_list = [(default_language or "en", config)]
    for lang_code, texts in language_list:
        layers.append(
            _layer(fields, lang_code, texts, config, must_consent, accept_all, hide_decline,
                   hide_decline_loc, hide_learn_more)
        )

    notes = list(fields.notes)
    consent_mode, mode_notes = (
        consent_mode_from_docs(docs, fields, decoded, source) if docs is not None else (None, [])
    )
    notes.extend(mode_notes)
    return Banner(
        source=BannerSource(format="klaro", file=source,
                            format_version="json" if json_mode else "js"),
        location=config.location,
        mode="opt-out" if global_opt_out else "opt-in",
        mode_location=opt_out_loc,
        auto_show=not no_auto_load,
        blocks_page=must_consent,
        blocks_page_location=must_loc,
        consent_record=record,
        reconsent=Reconsent(revision=None, triggers=("new-service",)),
        default_language=default_language,
        languages=tuple(layers),
        categories=tuple(categories),
        services=tuple(services),
        consent_mode=consent_mode,
        legitimate_interest=tuple(claims),
        withdrawal=None if docs is None else find_withdrawal(
            decoded, source, docs, is_html=looks_like_html(decoded)),
        notes=tuple(notes),
        dynamic=tuple(fields.dynamic),
    )


def _label(fields: Fields, texts: JsObject, key: str) -> tuple[str | None, Location | None]:
    value = texts.get(key)
    if isinstance(value, JsOpaque):
        fields.note_dynamic(value)
        return None, value.location
    if isinstance(value, JsString):
        return value.value, value.location
    return None, None


def _layer(
    fields: Fields,
    lang: str,
    texts: JsObject,
    config: JsObject,
    must_consent: bool,
    accept_all: bool,
    hide_decline: bool,
    hide_decline_loc: Location | None,
    hide_learn_more: bool,
) -> LanguageLayer:
    own = texts is not config
    buttons: list[Button] = []

    def label(key: str, holder: JsObject | None = None) -> tuple[str | None, Location | None]:
        if not own:
            return None, None
        return _label(fields, holder if holder is not None else texts, key)

    if must_consent:
        if accept_all:
            text, loc = label("acceptAll")
            buttons.append(Button(role="accept_all", label=text, location=loc))
        if not hide_decline:
            text, loc = label("decline")
            buttons.append(Button(role="reject_all", label=text, location=loc))
        text, loc = label("acceptSelected")
        buttons.append(Button(role="accept_selected", label=text, location=loc))
        reachable: bool | None = True
    else:
        text, loc = label("ok")
        buttons.append(Button(role="accept_all" if accept_all else "accept_selected",
                              label=text, location=loc))
        if not hide_decline:
            text, loc = label("decline")
            buttons.append(Button(role="reject_all", label=text, location=loc))
        if not hide_learn_more:
            notice = texts.get("consentNotice") if own else None
            text, loc = label("learnMore", notice if isinstance(notice, JsObject) else None) \
                if isinstance(notice, JsObject) else (None, None)
            buttons.append(Button(role="settings", label=text, location=loc))
        reachable = not hide_learn_more
    return LanguageLayer(
        lang=lang,
        shown=True,
        buttons=tuple(buttons),
        equal_weight=None,
        equal_weight_location=hide_decline_loc,
        second_layer_reachable=reachable,
        location=texts.location,
    )


def _purpose_labels(
    fields: Fields, lang_objects: list[tuple[str, JsObject]], default_language: str | None
) -> dict[str, str]:
    labels: dict[str, str] = {}
    ordered = sorted(lang_objects, key=lambda p: p[0] != default_language)
    for _lang, texts in ordered:
        purposes = texts.get("purposes")
        if not isinstance(purposes, JsObject):
            continue
        for purpose, value in purposes.items():
            if purpose in labels:
                continue
            if isinstance(value, JsString):
                labels[purpose] = value.value
            elif isinstance(value, JsObject) and isinstance(value.get("title"), JsString):
                title = value.get("title")
                assert isinstance(title, JsString)
                labels[purpose] = title.value
    return labels


def _purpose_location(
    purpose: str, order: JsArray | None, services: JsArray | None
) -> Location | None:
    """Where a purpose is first named: ``purposeOrder``, else a service's ``purposes``."""
    for arr in (order,):
        for item in arr.items if arr else ():
            if isinstance(item, JsString) and item.value == purpose:
                return item.location
    for service in services.items if services else ():
        if not isinstance(service, JsObject):
            continue
        purposes = service.get("purposes")
        if isinstance(purposes, JsArray):
            for item in purposes.items:
                if isinstance(item, JsString) and item.value == purpose:
                    return item.location
    return None
