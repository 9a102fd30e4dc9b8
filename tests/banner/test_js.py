"""The located JavaScript/JSON value reader: literals, locations, dynamic values, limits."""

from __future__ import annotations

import math

import pytest
from hypothesis import given

from banner._helpers import line_col_of
from gdpr_policy._errors import HostileInputError, InputError
from gdpr_policy.banner import _js
from gdpr_policy.banner._js import (
    JsArray,
    JsBool,
    JsNull,
    JsNumber,
    JsObject,
    JsOpaque,
    JsRegex,
    JsString,
    JsUndefined,
    JsValue,
    find_assignments,
    find_calls,
    parse_json,
    parse_script_or_html,
)
from strategies.banner import js_documents, js_literals, render_json


def config_of(source: str, name: str = "cfg") -> JsObject:
    docs = parse_script_or_html(source, "t.js")
    [found] = find_assignments(docs, (name,))
    value = found.arguments[0]
    assert isinstance(value, JsObject)
    return value


def plain(value: JsValue) -> object:
    """Located values as plain Python, for comparisons."""
    if isinstance(value, JsObject):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, JsArray):
        return [plain(v) for v in value.items]
    if isinstance(value, JsString | JsNumber | JsBool):
        return value.value
    if isinstance(value, JsNull):
        return None
    if isinstance(value, JsUndefined):
        return "<undefined>"
    if isinstance(value, JsRegex):
        return f"/{value.source}/{value.flags}"
    assert isinstance(value, JsOpaque)
    return f"<{value.kind}>"


# --------------------------------------------------------------------------- literals


def test_literal_kinds() -> None:
    cfg = config_of(
        "var cfg = {s: 'a', d: \"b\", t: `c`, n: 42, f: 1.5, neg: -3, pos: +2, hex: 0x1F, "
        "oct: 0o17, bin: 0b101, sep: 1_000, exp: 1e3, big: 10n, yes: true, no: false, "
        "bang0: !0, bang1: !1, nul: null, undef: undefined, void0: void 0, re: /^_ga($|_)/gi, "
        "paren: (7), sum: 30 * 6, cat: 'ab' + 'cd'};"
    )
    assert plain(cfg) == {
        "s": "a",
        "d": "b",
        "t": "c",
        "n": 42,
        "f": 1.5,
        "neg": -3,
        "pos": 2,
        "hex": 31,
        "oct": 15,
        "bin": 5,
        "sep": 1000,
        "exp": 1000,
        "big": 10,
        "yes": True,
        "no": False,
        "bang0": True,
        "bang1": False,
        "nul": None,
        "undef": "<undefined>",
        "void0": "<undefined>",
        "re": "/^_ga($|_)/gi",
        "paren": 7,
        "sum": 180,
        "cat": "abcd",
    }


def test_integral_numbers_are_ints() -> None:
    cfg = config_of("var cfg = {a: 182, b: 182.0, c: 0.5};")
    a, b, c = (cfg.get(k) for k in "abc")
    assert isinstance(a, JsNumber) and type(a.value) is int
    assert isinstance(b, JsNumber) and type(b.value) is int
    assert isinstance(c, JsNumber) and c.value == 0.5


def test_string_escapes_and_unicode() -> None:
    cfg = config_of(
        r"var cfg = {a: 'line\nbreak\ttab', b: '\u00e9\u{1F600}\x41', "
        r"c: '\uD83D\uDE00', d: 'it\'s', e: 'back\\slash', f: 'cont\
inued', g: '\0', h: '\q'};"
    )
    assert plain(cfg) == {
        "a": "line\nbreak\ttab",
        "b": "é😀A",
        "c": "😀",
        "d": "it's",
        "e": "back\\slash",
        "f": "continued",
        "g": "\0",
        "h": "q",
    }


def test_template_literal_without_substitution_is_a_string() -> None:
    cfg = config_of("var cfg = {a: `multi\nline`, b: `x${y}z`};")
    a = cfg.get("a")
    assert isinstance(a, JsString) and a.value == "multi\nline"
    b = cfg.get("b")
    assert isinstance(b, JsOpaque) and b.kind == "template"


def test_comments_trailing_commas_single_quotes() -> None:
    cfg = config_of(
        """
        // leading comment
        var cfg = {
            /* block */ 'quoted': 'single', // trailing
            list: [1, 2, /* inner */ 3,],
            nested: {deep: {deeper: 'yes',},},
        };
        """
    )
    assert plain(cfg) == {
        "quoted": "single",
        "list": [1, 2, 3],
        "nested": {"deep": {"deeper": "yes"}},
    }


def test_computed_keys_and_spread_are_dynamic() -> None:
    cfg = config_of("var cfg = {['lit']: 1, [2]: 'two', [name]: 3, ...base, after: 4};")
    assert plain(cfg) == {"lit": 1, "2": "two", "after": 4}
    kinds = sorted(d.kind for d in cfg.dynamic)
    assert kinds == ["computed-key", "spread"]


def test_duplicate_js_keys_keep_the_last_like_javascript() -> None:
    cfg = config_of("var cfg = {mode: 'opt-in', mode: 'opt-out'};")
    mode = cfg.get("mode")
    assert isinstance(mode, JsString) and mode.value == "opt-out"
    assert cfg.keys() == ["mode"]


def test_array_holes_and_spread() -> None:
    cfg = config_of("var cfg = {a: [1, , 3], b: [...rest, 2]};")
    assert plain(cfg) == {"a": [1, "<undefined>", 3], "b": ["<spread>", 2]}


def test_numeric_and_string_keys() -> None:
    cfg = config_of("var cfg = {1: 'one', 'two words': 2, \"x/y~z\": 3};")
    assert plain(cfg) == {"1": "one", "two words": 2, "x/y~z": 3}
    value = cfg.get("x/y~z")
    assert value is not None and value.pointer == "/x~1y~0z"


# --------------------------------------------------------------------------- dynamic, never run


def test_iife_is_parsed_not_executed() -> None:
    source = """
    var cfg = {
        mode: (function () { throw new Error('executed!'); return 'opt-out'; })(),
        arrow: (() => 'opt-out')(),
        plain: 'kept',
    };
    """
    cfg = config_of(source)
    mode = cfg.get("mode")
    arrow = cfg.get("arrow")
    assert isinstance(mode, JsOpaque) and mode.kind == "call"
    assert isinstance(arrow, JsOpaque) and arrow.kind == "call"
    assert plain(cfg)["plain"] == "kept"  # type: ignore[index]


def test_getter_setter_method_are_opaque_not_called() -> None:
    cfg = config_of(
        "var cfg = {get mode() { return 'opt-out'; }, set x(v) {}, run() {}, "
        "fn: function () {}, arrow: () => 1, id: someVar, member: a.b, idx: a['b'], "
        "made: new Date(), klass: class {}};"
    )
    kinds = {k: v.kind for k, v in cfg.items() if isinstance(v, JsOpaque)}
    assert kinds == {
        "mode": "getter",
        "x": "setter",
        "run": "method",
        "fn": "function",
        "arrow": "function",
        "id": "identifier",
        "member": "member",
        "idx": "member",
        "made": "new",
        "klass": "class",
    }


def test_shorthand_property_is_an_identifier() -> None:
    cfg = config_of("var cfg = {mode};")
    mode = cfg.get("mode")
    assert isinstance(mode, JsOpaque) and mode.kind == "identifier"


# --------------------------------------------------------------------------- locations


def test_locations_are_one_based_line_and_character_column() -> None:
    source = "var cfg = {\n  // é ø å\n  title: 'Ærlig talt',  mode: 'opt-in'\n};\n"
    cfg = config_of(source)
    mode = cfg.get("mode")
    title = cfg.get("title")
    assert mode is not None and title is not None
    assert (mode.location.line, mode.location.column) == line_col_of(source, "'opt-in'")
    assert (title.location.line, title.location.column) == line_col_of(source, "'Ærlig")
    assert mode.location.file == "t.js"
    assert mode.pointer == "/mode"


def test_nested_pointer_and_location() -> None:
    source = "var cfg = {a: {b: [10, {c: 'deep'}]}};"
    cfg = config_of(source)
    a = cfg.get("a")
    assert isinstance(a, JsObject)
    b = a.get("b")
    assert isinstance(b, JsArray)
    inner = b.items[1]
    assert isinstance(inner, JsObject)
    c = inner.get("c")
    assert c is not None
    assert c.pointer == "/a/b/1/c"
    assert (c.location.line, c.location.column) == line_col_of(source, "'deep'")


def test_json_locations_and_pointer() -> None:
    text = '{\n  "a": [1, {"b": "ü"}],\n  "c/d": true\n}'
    value = parse_json(text, "t.json")
    assert isinstance(value, JsObject)
    arr = value.get("a")
    assert isinstance(arr, JsArray)
    obj = arr.items[1]
    assert isinstance(obj, JsObject)
    b = obj.get("b")
    assert b is not None and b.pointer == "/a/1/b"
    assert (b.location.line, b.location.column) == line_col_of(text, '"ü"')
    cd = value.get("c/d")
    assert cd is not None and cd.pointer == "/c~1d"
    assert (cd.location.line, cd.location.column) == (3, 10)


def test_json_first_line_columns_are_not_shifted() -> None:
    value = parse_json('{"a": 1}', "t.json")
    assert isinstance(value, JsObject)
    a = value.get("a")
    assert a is not None and (a.location.line, a.location.column) == (1, 7)


# --------------------------------------------------------------------------- finding configs


def test_find_calls_with_and_without_window_prefix() -> None:
    source = (
        "CookieConsent.run({a: 1});\nwindow.CookieConsent.run({a: 2});\n"
        "other.run({a: 3});\nwindow['CookieConsent'].run({a: 4});\n"
    )
    calls = find_calls(parse_script_or_html(source, "t.js"), ("CookieConsent.run",))
    assert [plain(c.arguments[0]) for c in calls] == [{"a": 1}, {"a": 2}, {"a": 4}]
    assert [c.location.line for c in calls] == [1, 2, 4]


def test_find_calls_knows_functions_and_conditions() -> None:
    source = (
        "f(1);\n"
        "if (x) { f(2); } else { f(3); }\n"
        "x ? f(4) : 0; x && f(5); x || f(6); x ?? f(7);\n"
        "switch (x) { case 1: f(8); }\n"
        "try { f(9); } catch (e) { f(10); }\n"
        "function g() { f(11); }\n"
        "for (;;) { f(12); }\n"
    )
    calls = find_calls(parse_script_or_html(source, "t.js"), ("f",))
    flags = {plain(c.arguments[0]): (c.in_function, c.conditional) for c in calls}
    assert [plain(c.arguments[0]) for c in calls if not c.conditional] == [1, 9, 11, 12]
    assert flags[11] == (True, False)  # inside a function: in_function's business


def test_find_assignments_var_let_const_window() -> None:
    source = (
        "var klaroConfig = {n: 1};\nlet klaroConfig2 = {n: 0};\n"
        "window.klaroConfig = {n: 2};\nconst x = 1, klaroConfig = {n: 3};\n"
    )
    found = find_assignments(parse_script_or_html(source, "t.js"), ("klaroConfig",))
    assert [plain(f.arguments[0]) for f in found] == [{"n": 1}, {"n": 2}, {"n": 3}]


def test_html_with_several_scripts_keeps_document_positions() -> None:
    html = (
        "<!doctype html>\n<html><head>\n"
        '<script type="application/ld+json">{"gtag": 1}</script>\n'
        '<script type="text/plain" data-category="analytics">'
        "gtag('consent', 'default', {ad_storage: 'granted'});</script>\n"
        '<script src="gtm.js"></script>\n'
        "<script>\n  gtag('consent', 'default', {ad_storage: 'denied'});\n</script>\n"
        "<p>é</p><script type=\"module\">gtag('consent', 'default', {analytics_storage: 'denied'})"
        "</script>\n</head></html>\n"
    )
    calls = find_calls(parse_script_or_html(html, "p.html"), ("gtag",))
    assert [plain(c.arguments[2]) for c in calls] == [
        {"ad_storage": "denied"},
        {"analytics_storage": "denied"},
    ]
    first = calls[0].arguments[2]
    assert isinstance(first, JsObject)
    denied = first.get("ad_storage")
    assert denied is not None
    assert (denied.location.line, denied.location.column) == line_col_of(html, "'denied'")
    second = calls[1].arguments[2]
    assert isinstance(second, JsObject)
    value = second.get("analytics_storage")
    assert value is not None
    assert (value.location.line, value.location.column) == line_col_of(html, "'denied'", 2)


def test_syntax_error_in_one_html_script_is_located() -> None:
    html = "<html>\n<script>var ok = 1;</script>\n<script>\nvar broken = {a: ;\n</script>\n"
    with pytest.raises(InputError) as info:
        parse_script_or_html(html, "p.html")
    issue = info.value.issues[0]
    assert issue.source == "p.html" and issue.line == 4


# --------------------------------------------------------------------------- errors and limits


@pytest.mark.parametrize(
    ("source", "line"),
    [
        ("var cfg = {a: 1", 1),
        ("var cfg = {\n  a: 1,,\n  b: 2\n};", 2),
        ("var cfg = {\n  a: 'x' 'y'\n};", 2),
        ("\n\nfunction (", 3),
    ],
)
def test_syntax_errors_are_located(source: str, line: int) -> None:
    with pytest.raises(InputError) as info:
        parse_script_or_html(source, "bad.js")
    issue = info.value.issues[0]
    assert issue.source == "bad.js"
    assert issue.line == line
    assert issue.column is not None
    assert str(info.value).startswith(f"bad.js:{line}:")


def test_oversized_input_is_hostile(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_js, "MAX_INPUT_BYTES", 1000)
    with pytest.raises(HostileInputError):
        parse_script_or_html("var cfg = '" + "a" * 2000 + "';", "big.js")
    with pytest.raises(HostileInputError):
        parse_json(b'"' + b"a" * 2000 + b'"', "big.json")


def test_deep_literal_nesting_is_hostile() -> None:
    depth = _js.MAX_VALUE_DEPTH + 5
    source = "var cfg = " + "[" * depth + "]" * depth + ";"
    docs = parse_script_or_html(source, "deep.js")
    with pytest.raises(HostileInputError) as info:
        find_assignments(docs, ("cfg",))
    assert info.value.issues[0].line == 1


def test_deep_syntax_nesting_is_hostile() -> None:
    depth = _js.MAX_SYNTAX_DEPTH + 10
    with pytest.raises(HostileInputError):
        parse_script_or_html("x = " + "(" * depth + "1" + ")" * depth + ";", "deep.js")


def test_deep_json_is_hostile() -> None:
    with pytest.raises(HostileInputError):
        parse_json("[" * 5000 + "]" * 5000, "deep.json")


def test_non_utf8_bytes_are_an_input_error() -> None:
    with pytest.raises(InputError) as info:
        parse_script_or_html(b"var a = 1;\nvar b = '\xff';", "latin.js")
    issue = info.value.issues[0]
    assert (issue.line, issue.column) == (2, 10)
    # after a BOM, the byte named is the bad one and its offset the file's (a BOM
    # shifted both: byte 0x3d, offset 5)
    with pytest.raises(InputError) as info:
        parse_script_or_html(b"\xef\xbb\xbfvar b = '\xe9t\xe9';", "latin.js")
    assert str(info.value) == ("latin.js:1:10: expected UTF-8 text (save the file as UTF-8), "
                               "got byte 0xe9 at offset 12 of the file (invalid continuation byte)")


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1, "a": 2}',
        '{"a": 1,}',
        "{'a': 1}",
        '{"a": NaN}',
        '{"a": 1} // comment',
        '{"a": undefined}',
    ],
)
def test_json_is_strict(text: str) -> None:
    with pytest.raises(InputError) as info:
        parse_json(text, "strict.json")
    assert info.value.issues[0].source == "strict.json"


def test_json_duplicate_key_is_located_at_the_second_key() -> None:
    text = '{\n  "mode": "opt-in",\n  "mode": "opt-out"\n}'
    with pytest.raises(InputError) as info:
        parse_json(text, "dup.json")
    issue = info.value.issues[0]
    assert (issue.line, issue.column) == (3, 3)
    assert "duplicate" in str(info.value)


def test_bom_is_ignored() -> None:
    value = parse_json('\ufeff{"a": 1}'.encode(), "bom.json")
    assert plain(value) == {"a": 1}


# --------------------------------------------------------------------------- properties


@given(js_documents())
def test_rendered_js_reads_back_to_the_same_value(document: tuple[object, str]) -> None:
    value, source = document
    docs = parse_script_or_html(source, "p.js")
    [found] = find_assignments(docs, ("cfg",))
    assert _same(plain(found.arguments[0]), value)


@given(js_literals())
def test_rendered_json_reads_back_to_the_same_value(value: object) -> None:
    assert _same(plain(parse_json(render_json(value), "p.json")), value)


def _same(left: object, right: object) -> bool:
    if isinstance(left, float) or isinstance(right, float):
        assert isinstance(left, int | float) and isinstance(right, int | float)
        return math.isclose(left, right, rel_tol=1e-12, abs_tol=0.0)
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(_same(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(
            _same(a, b) for a, b in zip(left, right, strict=True)
        )
    return left == right and type(left) is type(right)


def test_escaped_keys_are_the_keys_javascript_sees() -> None:
    cfg = config_of("var cfg = {'\\u006dode': 'opt-out', m\\u006fde2: 1, \"a\\x62\": 2};")
    assert plain(cfg) == {"mode": "opt-out", "mode2": 1, "ab": 2}


def test_optional_chaining_and_await_calls_are_found() -> None:
    source = "async function f() {\n  await window.CookieConsent?.run({a: 1});\n}\n"
    [call] = find_calls(parse_script_or_html(source, "t.js"), ("CookieConsent.run",))
    assert plain(call.arguments[0]) == {"a": 1}
    assert call.location.line == 2


def test_comments_inside_values_and_between_tokens() -> None:
    cfg = config_of(
        "var cfg = {a /* k */ : /* v */ 'x' /* after */, b: [/* empty */], c: {// line\n}};"
    )
    assert plain(cfg) == {"a": "x", "b": [], "c": {}}


def test_identifier_names_are_kept_for_opaque_values() -> None:
    cfg = config_of("var cfg = {a: config, b};")
    a, b = cfg.get("a"), cfg.get("b")
    assert isinstance(a, JsOpaque) and a.name == "config"
    assert isinstance(b, JsOpaque) and b.name == "b"


# ---- value classes: the frozen-dataclass behaviour, without generated methods


def _klaro_object() -> JsObject:
    doc = parse_script_or_html(
        "var klaroConfig = {a: [1, 'x', null, true, /k+/i, undefined, f()], a: 2, ...rest};",
        "v.js",
    )
    (call,) = find_assignments(doc, ("klaroConfig",))
    value = call.arguments[0]
    assert isinstance(value, JsObject)
    return value


def test_values_compare_hash_and_show_their_fields() -> None:
    first, second = _klaro_object(), _klaro_object()
    assert first is not second
    assert first == second and hash(first) == hash(second)
    assert first.get("a") == JsNumber(first.get("a").location, 2)  # type: ignore[union-attr]
    assert first.get("a") != JsString(first.get("a").location, "2")  # type: ignore[union-attr]
    assert first.keys() == ["a"]
    assert repr(first.get("a")).startswith("JsNumber(location=Location(")
    assert "_index" not in repr(first)


def test_values_are_frozen_and_survive_pickling() -> None:
    import copy
    import dataclasses
    import pickle

    value = _klaro_object()
    with pytest.raises(dataclasses.FrozenInstanceError):
        value.entries = ()
    with pytest.raises(dataclasses.FrozenInstanceError):
        del value.location
    for clone in (pickle.loads(pickle.dumps(value)), copy.deepcopy(value)):
        assert clone == value
        assert clone.get("a") == value.get("a")
        assert clone.dynamic == value.dynamic


def test_values_match_by_position() -> None:
    match _klaro_object().get("a"):
        case JsNumber(_, 2):
            pass
        case other:  # pragma: no cover - the assertion below names it
            pytest.fail(f"no positional match: {other!r}")


# ---- one parse and one walk per file


def test_detection_and_reader_parse_a_file_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from gdpr_policy.banner import read_banner

    parsers = 0
    real = _js._new_parser

    def counting() -> object:
        nonlocal parsers
        parsers += 1
        return real()

    monkeypatch.setattr(_js, "_new_parser", counting)
    walks = 0
    real_walk = _js._walk

    def counting_walk(root: object) -> object:
        nonlocal walks
        walks += 1
        return real_walk(root)

    monkeypatch.setattr(_js, "_walk", counting_walk)
    text = "var klaroConfig = {services: [{name: 'ga', purposes: ['analytics']}]};"
    read_banner(text, source="once.js")  # auto: detect_format, then the Klaro reader
    assert parsers == 1
    assert walks == 0  # the syntax check's walk noted the calls and assignments
    read_banner(text, source="other.js")  # another file name: its own locations
    assert parsers == 2


def test_a_cached_parse_gives_fresh_lists() -> None:
    first = parse_script_or_html("f(1);", "c.js")
    first.clear()
    again = parse_script_or_html("f(1);", "c.js")
    assert len(again) == 1
    assert find_calls(again, ("f",))[0].location.file == "c.js"


def test_every_script_type_a_browser_runs_is_read() -> None:
    # a config in a legacy type (application/x-javascript, text/javascript1.5, a
    # type-less language=) runs in every browser; only the seven common types were read
    call = "gtag('consent', 'default', {ad_storage: 'granted'});"
    for tag in ('<script type="application/x-javascript">', '<script type="TEXT/X-JavaScript">',
                '<script type="text/javascript1.5">', '<script type="text/livescript">',
                '<script type="application/x-ecmascript">', '<script language="JavaScript1.2">'):
        html = f"<html><head>{tag}{call}</script></head></html>"
        assert len(find_calls(parse_script_or_html(html, "p.html"), ("gtag",))) == 1, tag
    for tag in ('<script type="text/plain">', '<script language="vbscript">',
                '<script type="text/javascript2.0">'):
        html = f"<html><head>{tag}{call}</script></head></html>"
        assert find_calls(parse_script_or_html(html, "p.html"), ("gtag",)) == [], tag
