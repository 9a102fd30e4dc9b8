"""The native form of the banner model: YAML or JSON written by hand or by another tool.

A native file is the :class:`~gdpr_policy.banner.Banner` model as a mapping,
marked by ``gdpr_policy_banner: 1`` (the native format version), without
``source``, ``dynamic`` or any ``location`` field: the reader fills those
in from the file itself. A cookie ``pattern`` may be written as a plain
regex string or as ``{source, flags}``. Example::

    gdpr_policy_banner: 1
    mode: opt-in
    consent_record: {name: consent, lifetime_days: 180}
    reconsent: {revision: 3, triggers: [revision]}
    withdrawal: {reopen: [{means: 'footer link "Cookie settings"'}]}
    languages:
      - lang: en
        buttons: [{role: accept_all, label: Accept}, {role: reject_all, label: Reject}]
    categories:
      - {id: necessary, kind: necessary, read_only: true, default_enabled: true}
      - {id: analytics, kind: analytics, service_ids: [ga4]}
    services:
      - id: ga4
        category_ids: [analytics]
        cookies: [{name: _ga}, {pattern: "^_ga_[A-Z0-9]+$"}]

``withdrawal`` says how a visitor reopens the choices; without it the
withdrawal check is a note (the file does not say), with ``reopen: []`` an
error. YAML is loaded with the project's safe, located loader
(:func:`gdpr_policy._yaml.load_yaml`); JSON with the located JSON reader.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import ValidationError

from .._errors import InputError, Issue
from .._messages import Location
from .._yaml import load_yaml
from ._js import JsArray, JsBool, JsNull, JsNumber, JsObject, JsString, JsValue, decode_text
from ._js import parse_json as _parse_json
from ._model import Banner

__all__ = ["NATIVE_MARKER", "NATIVE_VERSION", "native_dict", "read_native"]

NATIVE_MARKER = "gdpr_policy_banner"
NATIVE_VERSION = 1

Path = tuple[str | int, ...]

#: Keys whose values are data, not model nodes (a pattern's ``source``, consent types).
_OPAQUE_KEYS = frozenset({"pattern", "types", "category_to_types"})
_Locate = Callable[[Path], Location | None]

#: Fields the reader fills in; a native file may not set them.
READER_FIELDS = frozenset(
    {"source", "dynamic", "location", "type_locations", "mode_location",
     "blocks_page_location", "equal_weight_location", "default_enabled_location"}
)


def _plain(value: JsValue, path: Path, marks: dict[Path, tuple[int, int]]) -> Any:
    """A located JSON value as plain Python, recording each path's position."""
    loc = value.location
    if loc.line is not None and loc.column is not None:
        marks[path] = (loc.line, loc.column)
    if isinstance(value, JsObject):
        return {k: _plain(v, (*path, k), marks) for k, v in value.items()}
    if isinstance(value, JsArray):
        return [_plain(v, (*path, i), marks) for i, v in enumerate(value.items)]
    if isinstance(value, JsString | JsNumber | JsBool):
        return value.value
    if isinstance(value, JsNull):
        return None
    raise AssertionError(f"not JSON: {value!r}")  # pragma: no cover - JSON only


def _pointer(path: Path) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in path)


def _dotted(path: Path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def read_native(text: str | bytes, *, source: str) -> Banner:
    """Read a native banner file (YAML or JSON)."""
    decoded = decode_text(text, source)
    marks: dict[Path, tuple[int, int]] = {}
    is_json = decoded.lstrip().startswith("{")
    if is_json:
        data = _plain(_parse_json(decoded, source), (), marks)
    else:
        doc = load_yaml(decoded, source=source)
        data = doc.data
        marks = dict(doc.marks)

    def locate(path: Path) -> Location | None:
        p = tuple(path)
        while p not in marks and p:
            p = p[:-1]
        if p not in marks:
            return None
        line, column = marks[p]
        return Location(file=source, line=line, column=column,
                        pointer=_pointer(path) if is_json else None)

    def fail(path: Path, expected: str, found: str | None) -> InputError:
        loc = locate(path) or Location()
        return InputError.at(source, loc.line, loc.column, _dotted(path), expected, found,
                             pointer=_pointer(path) if is_json else None)

    if not isinstance(data, dict) or data.get(NATIVE_MARKER) != NATIVE_VERSION:
        found = repr(data.get(NATIVE_MARKER)) if isinstance(data, dict) else type(data).__name__
        raise fail((NATIVE_MARKER,), f"expected a native banner file ({NATIVE_MARKER}: 1)", found)
    _refuse_reader_fields(data, (), fail)
    body = {k: v for k, v in data.items() if k != NATIVE_MARKER}
    body = _with_locations(body, locate)
    body["source"] = {"format": "native", "file": source,
                      "format_version": "json" if is_json else "yaml"}
    try:
        return Banner.model_validate(body)
    except ValidationError as exc:
        issues: list[Issue] = []
        for err in exc.errors():
            raw = tuple(p for p in err["loc"] if isinstance(p, str | int))
            path = _model_path_to_data_path(raw, body)
            if err["type"] == "extra_forbidden":
                # An unknown key: say so, and name the nearest key the element knows,
                # as the policy loader does (pydantic's own text reads "extra inputs
                # are not permitted, got <the value>").
                key = str(raw[-1]) if raw else "?"
                import difflib  # only for this error's hint (start-up of every banner check)

                known = _known_keys(raw[:-1])
                near = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
                hint = f" (did you mean {near[0]!r}?)" if near else ""
                expected = "expected only known keys (see docs/banner-native.md)"
                found_text: str | None = f"unknown key {key!r}{hint}"
                path = (*_model_path_to_data_path(raw[:-1], body), key)
            else:
                found = err.get("input")
                found_text = repr(found)[:60] if not isinstance(found, dict | list) else None
                expected = f"expected {_expected(err['msg'])}"
            issues.extend(fail(path, expected, found_text).issues)
        # in the order of the file, as the policy loader reports them
        issues.sort(key=lambda i: (i.line or 0, i.column or 0))
        raise InputError(issues) from None


def _known_keys(model_path: Path) -> list[str]:
    """The field names of the model at a pydantic error path inside ``Banner``."""
    model: Any = Banner
    for part in model_path:
        if isinstance(part, int) or model is None:
            continue
        field = getattr(model, "model_fields", {}).get(part)
        if field is None:
            continue
        model = _model_of(field.annotation)
    fields = getattr(model, "model_fields", None) or {}
    return sorted(fields)


def _model_of(annotation: Any) -> Any:
    """The pydantic model inside an annotation such as ``tuple[Button, ...] | None``."""
    if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def _expected(message: str) -> str:
    """pydantic's "Input should be X" as "X"; other messages with a lower-case start."""
    for prefix in ("Input should be ", "String should have "):
        if message.startswith(prefix):
            rest = message[len(prefix):]
            return rest if prefix.startswith("Input") else f"a string with {rest}"
    return message[:1].lower() + message[1:]


def _model_path_to_data_path(path: Path, body: Mapping[str, Any]) -> Path:
    """Drop the union-member names pydantic puts into error paths (``int``, ``function-after``)."""
    out: list[str | int] = []
    node: Any = body
    for part in path:
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and part < len(node)
        if in_dict or in_list:
            out.append(part)
            node = node[part]
    return tuple(out)


def _refuse_reader_fields(
    data: Any, path: Path, fail: Callable[[Path, str, str | None], InputError]
) -> None:
    if isinstance(data, dict):
        for key, value in data.items():
            if key in READER_FIELDS:
                raise fail((*path, key), "no field filled in by the reader", repr(key))
            if key in _OPAQUE_KEYS:
                continue
            _refuse_reader_fields(value, (*path, key), fail)
    elif isinstance(data, list):
        for index, item in enumerate(data):
            _refuse_reader_fields(item, (*path, index), fail)


def _with_locations(body: dict[str, Any], locate: _Locate) -> dict[str, Any]:
    """Fill every ``location`` field from the positions of the file."""

    def node(value: Any, path: Path, key_for_location: str | None = None) -> Any:
        if not isinstance(value, dict):
            return value
        out = dict(value)
        where = (*path, key_for_location) if key_for_location and key_for_location in value \
            else path
        out["location"] = locate(where)
        return out

    def items(key: str, path: Path, fn: Callable[[Any, Path], Any]) -> None:
        value = body_ref.get(key)
        if isinstance(value, list):
            body_ref[key] = [fn(item, (*path, key, i)) for i, item in enumerate(value)]

    body_ref = dict(body)
    root: Path = ()
    body_ref["location"] = locate(root)
    if "mode" in body:
        body_ref["mode_location"] = locate(("mode",))
    if "blocks_page" in body:
        body_ref["blocks_page_location"] = locate(("blocks_page",))
    if "consent_record" in body:
        body_ref["consent_record"] = node(body["consent_record"], ("consent_record",),
                                          "lifetime_days")
    if "reconsent" in body:
        body_ref["reconsent"] = node(body["reconsent"], ("reconsent",), "revision")

    def cookie_list(value: Any, path: Path) -> Any:
        if not isinstance(value, list):
            return value
        out = []
        for i, item in enumerate(value):
            entry = node(item, (*path, i))
            if isinstance(entry, dict) and isinstance(entry.get("pattern"), str):
                entry["pattern"] = {"source": entry["pattern"], "flags": ""}
            out.append(entry)
        return out

    def member(item: Any, path: Path) -> Any:
        entry = node(item, path)
        if isinstance(entry, dict):
            if "default_enabled" in entry:
                entry["default_enabled_location"] = locate((*path, "default_enabled"))
            if "cookies" in entry:
                entry["cookies"] = cookie_list(entry["cookies"], (*path, "cookies"))
        return entry

    def language(item: Any, path: Path) -> Any:
        entry = node(item, path)
        if isinstance(entry, dict):
            if "equal_weight" in entry:
                entry["equal_weight_location"] = locate((*path, "equal_weight"))
            buttons = entry.get("buttons")
            if isinstance(buttons, list):
                entry["buttons"] = [node(b, (*path, "buttons", i)) for i, b in enumerate(buttons)]
        return entry

    def default(item: Any, path: Path) -> Any:
        entry = node(item, path)
        if isinstance(entry, dict) and isinstance(entry.get("types"), dict):
            entry["type_locations"] = {
                k: locate((*path, "types", k)) for k in entry["types"]
            }
        return entry

    def tag(item: Any, path: Path) -> Any:
        return node(item, path, "consent_status")

    items("languages", root, language)
    items("categories", root, member)
    items("services", root, member)
    items("gtm_tags", root, tag)
    items("legitimate_interest", root, lambda v, p: node(v, p))
    items("implied_consent", root, lambda v, p: node(v, p))
    mode = body.get("consent_mode")
    if isinstance(mode, dict):
        cm = node(mode, ("consent_mode",))
        defaults = mode.get("defaults")
        if isinstance(defaults, list):
            cm["defaults"] = [default(d, ("consent_mode", "defaults", i))
                              for i, d in enumerate(defaults)]
        body_ref["consent_mode"] = cm
    return body_ref


def native_dict(banner: Banner) -> dict[str, Any]:
    """The native form of a banner (JSON-able): no source, dynamic values or locations."""
    data = banner.model_dump(mode="json", exclude={"source", "dynamic"})
    _strip_locations(data)
    for group in ("categories", "services"):
        for member in data.get(group, []):
            for cookie in member.get("cookies", []):
                if cookie.get("pattern") is None:
                    cookie.pop("pattern", None)
    return {NATIVE_MARKER: NATIVE_VERSION, **data}


def _strip_locations(data: Any) -> None:
    if isinstance(data, dict):
        for key in [k for k in data if k in READER_FIELDS]:
            del data[key]
        for key, value in data.items():
            if key not in _OPAQUE_KEYS:
                _strip_locations(value)
    elif isinstance(data, list):
        for item in data:
            _strip_locations(item)
