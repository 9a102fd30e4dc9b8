"""Read JavaScript (and JSON) configuration literals into located plain values, never running them.

The text is parsed with tree-sitter-javascript. Literal expressions become
:class:`JsValue` trees: objects, arrays, strings (template literals without
substitutions included), numbers (negative ones and ``!0``/``!1`` too),
booleans, ``null``, ``undefined`` and regex literals (:class:`JsRegex`).
Constant folding is limited to ``+ - * /`` on literal numbers and ``+`` on
literal strings, which is what hand-written configs use (``30 * 6``,
``'a' + 'b'``). Everything else (identifiers, calls, functions, getters,
``new``, member access) becomes :class:`JsOpaque`: present, located, but
only known at run time.

Every value carries a :class:`~gdpr_policy._messages.Location` with file,
1-based line and column (columns count characters, not bytes) and the JSON
pointer of the value inside the configuration object.

Limits (refused with :class:`~gdpr_policy._errors.HostileInputError`):
:data:`MAX_INPUT_BYTES` of text, :data:`MAX_SYNTAX_DEPTH` levels of syntax
nesting and :data:`MAX_VALUE_DEPTH` levels of literal nesting.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import FrozenInstanceError
from functools import lru_cache
from typing import Any, ClassVar, NoReturn, TypeAlias

import tree_sitter
import tree_sitter_javascript

from .._errors import HostileInputError, InputError
from .._messages import Location
from .._text import not_utf8

__all__ = [
    "MAX_INPUT_BYTES",
    "MAX_SYNTAX_DEPTH",
    "MAX_VALUE_DEPTH",
    "JsArray",
    "JsBool",
    "JsCall",
    "JsDocument",
    "JsNull",
    "JsNumber",
    "JsObject",
    "JsOpaque",
    "JsRegex",
    "JsString",
    "JsUndefined",
    "JsValue",
    "decode_text",
    "find_assignments",
    "find_calls",
    "find_member_assignments",
    "html_script_sources",
    "looks_like_html",
    "looks_like_json",
    "parse_html_scripts",
    "parse_js",
    "parse_json",
    "parse_script_or_html",
]

#: Largest input accepted (bytes of UTF-8).
MAX_INPUT_BYTES = 4 * 1024 * 1024
#: Deepest syntax tree accepted (tree-sitter nodes from the root).
MAX_SYNTAX_DEPTH = 1000
#: Deepest literal nesting accepted (objects, arrays and folded expressions).
MAX_VALUE_DEPTH = 200

Node: TypeAlias = Any  # tree_sitter.Node (the package ships no type information here)


@lru_cache(maxsize=1)
def _parser_language() -> Any:
    return tree_sitter.Language(tree_sitter_javascript.language())


def _new_parser() -> Any:
    return tree_sitter.Parser(_parser_language())


# --------------------------------------------------------------------------- values


_set = object.__setattr__


class _Frozen:
    """What ``@dataclass(frozen=True, slots=True)`` gives, written once.

    Equality (same class, equal ``_FIELDS``), hashing, ``repr``, immutability
    (:class:`dataclasses.FrozenInstanceError`), pickling and ``match``
    positions, without generating and compiling six methods per class at
    import: for the eleven classes here that was about 7 ms of every
    ``gdpr-policy banner`` run (``benchmarks/startup.py``).
    """

    __slots__ = ()
    __match_args__: ClassVar[tuple[str, ...]] = ()
    #: The fields compared, hashed and shown, in order.
    _FIELDS: ClassVar[tuple[str, ...]] = ()

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._FIELDS)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._values() == other._values()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._FIELDS)
        return f"{type(self).__qualname__}({shown})"

    def __setattr__(self, name: str, value: object) -> NoReturn:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> NoReturn:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __getstate__(self) -> list[Any]:
        return [getattr(self, name) for name in self._slot_names()]

    def __setstate__(self, state: list[Any]) -> None:
        for name, value in zip(self._slot_names(), state, strict=True):
            _set(self, name, value)

    @classmethod
    def _slot_names(cls) -> list[str]:
        return [name for klass in reversed(cls.__mro__) for name in klass.__dict__.get("__slots__", ())]


class JsValue(_Frozen):
    """A literal value read from the text, with where it was written."""

    __slots__ = ("location",)
    __match_args__: ClassVar[tuple[str, ...]] = ("location",)
    _FIELDS: ClassVar[tuple[str, ...]] = ("location",)
    location: Location

    def __init__(self, location: Location) -> None:
        _set(self, "location", location)

    @property
    def pointer(self) -> str:
        """The JSON pointer of the value inside the configuration object."""
        return self.location.pointer or ""

    def describe(self) -> str:
        """A short name of the kind of value, for error messages."""
        return _DESCRIBE.get(type(self), "value")


class JsString(JsValue):
    """A string literal (or template literal without substitutions)."""

    __slots__ = ("value",)
    __match_args__ = _FIELDS = ("location", "value")
    value: str

    def __init__(self, location: Location, value: str) -> None:
        _set(self, "location", location)
        _set(self, "value", value)


class JsNumber(JsValue):
    """A number literal; integral values are ``int``."""

    __slots__ = ("value",)
    __match_args__ = _FIELDS = ("location", "value")
    value: int | float

    def __init__(self, location: Location, value: int | float) -> None:
        _set(self, "location", location)
        _set(self, "value", value)


class JsBool(JsValue):
    """``true`` or ``false`` (also ``!0`` and ``!1``)."""

    __slots__ = ("value",)
    __match_args__ = _FIELDS = ("location", "value")
    value: bool

    def __init__(self, location: Location, value: bool) -> None:
        _set(self, "location", location)
        _set(self, "value", value)


class JsNull(JsValue):
    """``null``."""

    __slots__ = ()


class JsUndefined(JsValue):
    """``undefined`` or ``void 0``."""

    __slots__ = ()


class JsRegex(JsValue):
    """A regular-expression literal ``/source/flags`` (never compiled here)."""

    __slots__ = ("flags", "source")
    __match_args__ = _FIELDS = ("location", "source", "flags")
    source: str
    flags: str

    def __init__(self, location: Location, source: str, flags: str) -> None:
        _set(self, "location", location)
        _set(self, "source", source)
        _set(self, "flags", flags)


class JsOpaque(JsValue):
    """A value only known at run time; ``kind`` names the construct.

    Kinds: ``identifier``, ``call``, ``function``, ``getter``, ``setter``,
    ``method``, ``member``, ``template``, ``spread``, ``computed-key``,
    ``new``, ``class``, ``expression``.
    """

    __slots__ = ("kind", "name")
    __match_args__ = _FIELDS = ("location", "kind", "name")
    kind: str
    name: str | None  # the identifier, for kind "identifier"

    def __init__(self, location: Location, kind: str, name: str | None = None) -> None:
        _set(self, "location", location)
        _set(self, "kind", kind)
        _set(self, "name", name)


class JsArray(JsValue):
    """An array literal; holes are :class:`JsUndefined`, spreads :class:`JsOpaque`."""

    __slots__ = ("items",)
    __match_args__ = _FIELDS = ("location", "items")
    items: tuple[JsValue, ...]

    def __init__(self, location: Location, items: tuple[JsValue, ...]) -> None:
        _set(self, "location", location)
        _set(self, "items", items)


class JsObject(JsValue):
    """An object literal.

    ``entries`` keeps every literal key in source order (duplicates included:
    JavaScript keeps the last, and so does :meth:`get`). ``dynamic`` holds
    spreads and computed keys, which may add or override any key.
    """

    __slots__ = ("_index", "dynamic", "entries")
    __match_args__ = _FIELDS = ("location", "entries", "dynamic")
    entries: tuple[tuple[str, JsValue], ...]
    dynamic: tuple[JsOpaque, ...]
    _index: dict[str, JsValue]  # not compared or shown: derived from ``entries``

    def __init__(
        self,
        location: Location,
        entries: tuple[tuple[str, JsValue], ...],
        dynamic: tuple[JsOpaque, ...] = (),
    ) -> None:
        _set(self, "location", location)
        _set(self, "entries", entries)
        _set(self, "dynamic", dynamic)
        _set(self, "_index", dict(entries))

    def get(self, key: str) -> JsValue | None:
        """The value of ``key`` (the last one written), or ``None`` if absent."""
        return self._index.get(key)

    def keys(self) -> list[str]:
        """The distinct keys in first-seen order."""
        return list(self._index)

    def items(self) -> list[tuple[str, JsValue]]:
        """Distinct keys with their effective (last) values, in first-seen order."""
        return list(self._index.items())


_DESCRIBE: dict[type, str] = {
    JsString: "string",
    JsNumber: "number",
    JsBool: "boolean",
    JsNull: "null",
    JsUndefined: "undefined",
    JsRegex: "regular expression",
    JsOpaque: "dynamic value",
    JsArray: "array",
    JsObject: "object",
}


class JsCall(_Frozen):
    """A call found in the text: the callee as written (``CookieConsent.run``) and its arguments."""

    __slots__ = ("arguments", "callee", "conditional", "in_function", "location")
    __match_args__ = _FIELDS = ("callee", "arguments", "location", "in_function", "conditional")
    callee: str
    arguments: tuple[JsValue, ...]
    location: Location
    in_function: bool  # written inside a function body: runs only when called
    conditional: bool  # under an if, ?:, &&, ||, ??, switch or catch: runs on some loads only

    def __init__(
        self,
        callee: str,
        arguments: tuple[JsValue, ...],
        location: Location,
        in_function: bool = False,
        conditional: bool = False,
    ) -> None:
        _set(self, "callee", callee)
        _set(self, "arguments", arguments)
        _set(self, "location", location)
        _set(self, "in_function", in_function)
        _set(self, "conditional", conditional)


# --------------------------------------------------------------------------- documents


_LONE_CR = re.compile(r"\r(?!\n)")


def decode_text(text: str | bytes, source: str) -> str:
    """Text as ``str``: bytes are UTF-8 (a BOM is dropped); refuses oversized input."""
    if isinstance(text, bytes):
        raw = text
        if len(raw) > MAX_INPUT_BYTES:
            raise _too_big(source, len(raw))
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise not_utf8(source, raw) from exc
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        # A lone CR ends a line in JavaScript, HTML and JSON as LF does, but the
        # parser counts lines by LF only: a file saved with CR line endings would be
        # located on its first line. CR and LF mean the same wherever either may stand
        # (JavaScript turns a template's CR into LF; HTML does so everywhere).
        text = _LONE_CR.sub("\n", text)
    if len(text) > MAX_INPUT_BYTES // 4 and len(text.encode("utf-8")) > MAX_INPUT_BYTES:
        raise _too_big(source, len(text.encode("utf-8")))
    return text


def _too_big(source: str, size: int) -> InputError:
    return HostileInputError.at(
        source, None, None, "", f"expected at most {MAX_INPUT_BYTES} bytes of input",
        f"{size} bytes",
    )


class JsDocument:
    """A parsed JavaScript text (or one ``<script>`` of an HTML file)."""

    def __init__(
        self,
        data: bytes,
        root: Node,
        source: str,
        *,
        line_shift: int = 0,
        json_mode: bool = False,
    ) -> None:
        self.data = data
        self.root = root
        self.source = source
        self._line_shift = line_shift
        self.json_mode = json_mode
        self._binding_nodes: list[Node] | None = None

    def binding_nodes(self) -> list[Node]:
        """The calls and assignments of the text, in source (pre-)order.

        One walk of the tree, kept: format detection and the reader each look
        for several callees and names in the same document.
        """
        if self._binding_nodes is None:
            self._binding_nodes = [n for n in _walk(self.root) if n.type in _BINDING_KINDS]
        return self._binding_nodes

    # ---- positions

    def position(self, node: Node) -> tuple[int, int]:
        """1-based line and character column of a node's start."""
        row, byte_col = node.start_point
        start = node.start_byte
        line_text = self.data[start - byte_col : start]
        column = len(line_text.decode("utf-8", errors="replace")) + 1
        return row + 1 + self._line_shift, column

    def end_position(self, node: Node) -> tuple[int, int]:
        """1-based line and character column just after a node's end."""
        row, byte_col = node.end_point
        end = node.end_byte
        line_text = self.data[end - byte_col : end]
        column = len(line_text.decode("utf-8", errors="replace")) + 1
        return row + 1 + self._line_shift, column

    def location(self, node: Node, pointer: str | None) -> Location:
        """The :class:`Location` of a node, with an optional JSON pointer."""
        line, column = self.position(node)
        return Location(file=self.source, line=line, column=column, pointer=pointer)

    def text_of(self, node: Node) -> str:
        """The source text of a node."""
        return bytes(self.data[node.start_byte : node.end_byte]).decode("utf-8", errors="replace")

    def error(
        self, node: Node, path: str, expected: str, found: str | None = None
    ) -> InputError:
        """An :class:`InputError` located at ``node``."""
        line, column = self.position(node)
        return InputError.at(self.source, line, column, path, expected, found)

    # ---- conversion

    def value(self, node: Node, pointer: str = "") -> JsValue:
        """Convert an expression node to a :class:`JsValue` (see the module docstring)."""
        return _Converter(self).convert(node, pointer, 0)


def _syntax_check(doc: JsDocument) -> None:
    """Refuse syntax errors (first one, located) and over-deep syntax trees.

    The same walk notes the document's calls and assignments (``binding_nodes``).
    """
    cursor = doc.root.walk()
    depth = 0
    first_error: Node | None = None
    bindings: list[Node] = []
    # Iterative pre-order walk: bounded Python stack whatever the input.
    while True:
        node = cursor.node
        if node.type in _BINDING_KINDS:
            bindings.append(node)
        if depth > MAX_SYNTAX_DEPTH:
            line, column = doc.position(node)
            raise HostileInputError.at(
                doc.source, line, column, "",
                f"expected syntax nested at most {MAX_SYNTAX_DEPTH} levels deep",
            )
        if first_error is None and (node.is_error or node.is_missing):
            first_error = node
        if first_error is None and node.type == "object":
            first_error = _empty_object_member(node)
        if cursor.goto_first_child():
            depth += 1
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                if first_error is not None:
                    _raise_syntax(doc, first_error)
                doc._binding_nodes = bindings
                return
            depth -= 1


def _empty_object_member(node: Node) -> Node | None:
    """The comma of ``{a: 1,, b}`` or ``{, a}``, which tree-sitter accepts and JavaScript not."""
    previous = "{"
    for child in node.children:
        kind = child.type
        if kind == "comment":
            continue
        if kind == "," and previous in ("{", ","):
            return child
        previous = kind
    return None


def _raise_syntax(doc: JsDocument, node: Node) -> None:
    if node.is_missing:
        following = bytes(doc.data[node.end_byte : doc.root.end_byte]).decode(
            "utf-8", errors="replace").strip().splitlines()
        found = repr(following[0][:40]) if following else "end of input"
        raise doc.error(node, "", f"expected '{node.type}'", found)
    rest = bytes(doc.data[node.end_byte : doc.root.end_byte])
    if not rest.strip():
        # The parser gave up at the end of the text: something was left open.
        line, column = doc.end_position(node)
        raise InputError.at(
            doc.source, line, column, "",
            "expected the text to continue (an unclosed bracket, string or comment?)",
            "end of input",
        )
    snippet = doc.text_of(node).strip().splitlines()
    found = repr(snippet[0][:40]) if snippet else "end of input"
    raise doc.error(node, "", "expected valid JavaScript", found)


def parse_js(text: str | bytes, source: str) -> JsDocument:
    """Parse JavaScript text; syntax errors raise a located :class:`InputError`."""
    decoded = decode_text(text, source)
    data = decoded.encode("utf-8")
    try:
        tree = _new_parser().parse(data)
    except (ValueError, RuntimeError) as exc:  # pragma: no cover - tree-sitter internal
        raise InputError.at(source, None, None, "", "expected parsable JavaScript") from exc
    doc = JsDocument(data, tree.root_node, source)
    _syntax_check(doc)
    return doc


def _offsets(text: str) -> list[int]:
    starts = [0]
    starts.extend(i + 1 for i, ch in enumerate(text) if ch == "\n")
    return starts


def parse_html_scripts(text: str | bytes, source: str) -> list[JsDocument]:
    """Parse every inline executable ``<script>`` of an HTML text, positions kept.

    Scripts with a ``src`` or a non-JavaScript ``type`` (``text/plain`` blocked
    scripts, JSON-LD ...) are skipped: they do not run on page load.
    """
    from ._scripts import ScriptFinder  # html.parser only for HTML input

    decoded = decode_text(text, source)
    finder = ScriptFinder()
    try:
        finder.feed(decoded)
        finder.close()
    except (AssertionError, ValueError) as exc:  # pragma: no cover - html.parser is lenient
        raise InputError.at(source, None, None, "", "expected HTML text") from exc
    line_starts = _offsets(decoded)
    data = decoded.encode("utf-8")
    docs: list[JsDocument] = []
    for (l1, c1), (l2, c2) in finder.scripts:
        # html.parser columns count characters; tree-sitter wants bytes.
        start_char = line_starts[l1 - 1] + c1
        end_char = line_starts[l2 - 1] + c2
        start_byte = len(decoded[:start_char].encode("utf-8"))
        end_byte = start_byte + len(decoded[start_char:end_char].encode("utf-8"))
        start_line_byte = len(decoded[: line_starts[l1 - 1]].encode("utf-8"))
        end_line_byte = len(decoded[: line_starts[l2 - 1]].encode("utf-8"))
        parser = _new_parser()
        parser.included_ranges = [
            tree_sitter.Range(
                tree_sitter.Point(l1 - 1, start_byte - start_line_byte),
                tree_sitter.Point(l2 - 1, end_byte - end_line_byte),
                start_byte,
                end_byte,
            )
        ]
        tree = parser.parse(data)
        doc = JsDocument(data, tree.root_node, source)
        _syntax_check(doc)
        docs.append(doc)
    return docs


def html_script_sources(text: str) -> list[tuple[str, int, int]]:
    """The ``src`` of every executable ``<script src>`` of an HTML text, with line and column."""
    from ._scripts import ScriptFinder  # html.parser only for HTML input

    finder = ScriptFinder()
    try:
        finder.feed(text)
        finder.close()
    except (AssertionError, ValueError):  # pragma: no cover - html.parser is lenient
        return []
    return finder.sources


#: A template tag before the markup of a template file (Liquid/Jinja ``{% if %}``,
#: ``{# #}``, ``{{ }}``, Blade ``@extends(...)``): skipped to see whether markup follows.
_LEADING_TEMPLATE_TAG = re.compile(
    r"(?:\{%.*?%\}|\{#.*?#\}|\{\{.*?\}\}|@[A-Za-z]+(?:\([^()\n]*\))?)\s*", re.S
)


def looks_like_html(text: str) -> bool:
    """Whether a text is an HTML page or fragment rather than JavaScript.

    Template tags before the first markup (``{% if site.cookies %}<script>``)
    are skipped: such a file is HTML with template syntax around it, and its
    scripts are read as in any HTML file.
    """
    head = text.lstrip()[:4096]
    for _ in range(20):
        match = _LEADING_TEMPLATE_TAG.match(head)
        if match is None or not match.group(0).strip():
            break
        head = head[match.end():]
    head = head[:512].lower()
    return head.startswith(("<!doctype", "<html", "<head", "<script", "<body", "<!--", "<meta"))


def looks_like_json(text: str) -> bool:
    """Whether a text is JSON (starts with ``{`` or ``[``) rather than a template around markup."""
    return text.lstrip().startswith(("{", "[")) and not looks_like_html(text)


def parse_script_or_html(text: str | bytes, source: str) -> list[JsDocument]:
    """Parse a JavaScript file, or each inline script of an HTML file.

    The documents of the last text parsed are kept and given again for the same
    text and source: format detection and then the reader parse each file twice.
    """
    return list(_parse_script_or_html(decode_text(text, source), source))


@lru_cache(maxsize=1)
def _parse_script_or_html(decoded: str, source: str) -> tuple[JsDocument, ...]:
    if looks_like_html(decoded):
        return tuple(parse_html_scripts(decoded, source))
    return (parse_js(decoded, source),)


def parse_json(text: str | bytes, source: str) -> JsValue:
    """Parse strict JSON into located values; duplicate keys are refused.

    The text is validated by :mod:`json` first (strict grammar, exact error
    position); positions come from parsing the same text as a JavaScript
    expression, which JSON is.
    """
    decoded = decode_text(text, source)

    def no_constants(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    try:
        json.loads(decoded, parse_constant=no_constants)
    except json.JSONDecodeError as exc:
        raise InputError.at(
            source, exc.lineno, exc.colno, "", "expected valid JSON", exc.msg
        ) from exc
    except ValueError as exc:
        raise InputError.at(source, None, None, "", "expected valid JSON", str(exc)) from exc
    except RecursionError as exc:
        raise HostileInputError.at(
            source, None, None, "", f"expected JSON nested at most {MAX_VALUE_DEPTH} levels deep"
        ) from exc
    # "(\n" makes the text an expression and keeps every column as it was.
    data = ("(\n" + decoded + "\n)").encode("utf-8")
    tree = _new_parser().parse(data)
    doc = JsDocument(data, tree.root_node, source, line_shift=-1, json_mode=True)
    _syntax_check(doc)
    statement = doc.root.named_children[0]
    expr = statement.named_children[0]  # parenthesized_expression
    inner = expr.named_children[0]
    return doc.value(inner, "")


# --------------------------------------------------------------------------- conversion

_SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f", "v": "\v"}
_LINE_TERMINATORS = ("\r\n", "\n", "\r", "\u2028", "\u2029")


def _unescape(raw: str) -> str:
    """Cook a JavaScript string body (escapes, line continuations, surrogate pairs)."""
    if "\\" not in raw:
        return raw
    out: list[str] = []
    i, n = 0, len(raw)
    while i < n:
        ch = raw[i]
        if ch != "\\" or i + 1 >= n:
            out.append(ch)
            i += 1
            continue
        nxt = raw[i + 1]
        if nxt in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[nxt])
            i += 2
        elif nxt == "x" and i + 3 < n + 0 and _is_hex(raw[i + 2 : i + 4]):
            out.append(chr(int(raw[i + 2 : i + 4], 16)))
            i += 4
        elif nxt == "u" and raw.startswith("{", i + 2):
            close = raw.find("}", i + 3)
            body = raw[i + 3 : close] if close != -1 else ""
            if close != -1 and _is_hex(body) and int(body, 16) <= 0x10FFFF:
                out.append(chr(int(body, 16)))
                i = close + 1
            else:
                out.append(nxt)
                i += 2
        elif nxt == "u" and _is_hex(raw[i + 2 : i + 6]) and len(raw[i + 2 : i + 6]) == 4:
            out.append(chr(int(raw[i + 2 : i + 6], 16)))
            i += 6
        elif nxt in "01234567":
            j = i + 1
            while j < n and j < i + 4 and raw[j] in "01234567":
                j += 1
            digits = raw[i + 1 : j]
            if digits == "0" and not (j < n and raw[j] in "89"):
                out.append("\0")
            else:
                out.append(chr(int(digits, 8) & 0xFF))
            i = j
        else:
            for term in _LINE_TERMINATORS:
                if raw.startswith(term, i + 1):
                    i += 1 + len(term)
                    break
            else:
                out.append(nxt)
                i += 2
    text = "".join(out)
    # Join surrogate pairs written as two \u escapes; lone ones become U+FFFD.
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _is_hex(text: str) -> bool:
    return bool(text) and all(c in "0123456789abcdefABCDEF" for c in text)


def _number(token: str) -> int | float | None:
    tok = token.replace("_", "")
    low = tok.lower()
    try:
        if low.endswith("n"):  # BigInt
            return int(low[:-1], 0) if low[:2] in ("0x", "0o", "0b") else int(low[:-1])
        if low[:2] in ("0x", "0o", "0b"):
            return int(low, 0)
        if len(low) > 1 and low[0] == "0" and low.isdigit():
            # Legacy octal (017) unless a digit 8 or 9 makes it decimal.
            return int(low, 8) if all(c in "01234567" for c in low) else int(low)
        value = float(low)
    except ValueError:
        return None
    return _normalize_number(value)


def _normalize_number(value: int | float) -> int | float:
    if isinstance(value, int):
        return value
    if math.isfinite(value) and value.is_integer() and abs(value) <= 2**53:
        return int(value)
    return value


def _escape_pointer(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


class _Converter:
    def __init__(self, doc: JsDocument) -> None:
        self.doc = doc

    def convert(self, node: Node, pointer: str, depth: int) -> JsValue:
        if depth > MAX_VALUE_DEPTH:
            line, column = self.doc.position(node)
            raise HostileInputError.at(
                self.doc.source, line, column, pointer,
                f"expected values nested at most {MAX_VALUE_DEPTH} levels deep",
            )
        loc = self.doc.location(node, pointer)
        kind = node.type
        handler = _HANDLERS.get(kind)
        if handler is not None:
            return handler(self, node, pointer, depth, loc)
        if kind == "identifier":
            return JsOpaque(loc, "identifier", self.doc.text_of(node))
        return JsOpaque(loc, _OPAQUE_KINDS.get(kind, "expression"))

    # ---- literals

    def _string(self, node: Node, pointer: str, depth: int, loc: Location) -> JsValue:
        raw = self.doc.text_of(node)
        if self.doc.json_mode:
            return JsString(loc, json.loads(raw))
        return JsString(loc, _unescape(raw[1:-1]))

    def _template(self, node: Node, pointer: str, depth: int, loc: Location) -> JsValue:
        if any(c.type == "template_substitution" for c in node.named_children):
            return JsOpaque(loc, "template")
        raw = self.doc.text_of(node)[1:-1]
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
        return JsString(loc, _unescape(raw))

    def _number_node(self, node: Node, pointer: str, depth: int, loc: Location) -> JsValue:
        value = _number(self.doc.text_of(node))
        if value is None:  # pragma: no cover - tree-sitter only yields valid tokens
            raise self.doc.error(node, pointer, "expected a number", self.doc.text_of(node))
        return JsNumber(loc, value)

    def _true(self, node: Node, pointer: str, depth: int, loc: Location) -> JsValue:
        return JsBool(loc, True)

    def _false(self, node: Node, pointer: str, depth: int, loc: Location) -> JsValue:
        return JsBool(loc, False)

    def _null(self, node: Node, pointer: str, depth: int, loc: Location) -> JsValue:
        return JsNull(loc)

    def _undefined(self, node: Node, pointer: str, depth: int, loc: Location) -> JsValue:
        return JsUndefined(loc)

    def _regex(self, node: Node, pointer: str, depth: int, loc: Location) -> JsValue:
        pattern = node.child_by_field_name("pattern")
        flags = node.child_by_field_name("flags")
        return JsRegex(
            loc,
            self.doc.text_of(pattern) if pattern is not None else "",
            self.doc.text_of(flags) if flags is not None else "",
        )

    def _paren(self, node: Node, pointer: str, depth: int, loc: Location) -> JsValue:
        inner = [c for c in node.named_children if c.type != "comment"]
        if len(inner) != 1:
            return JsOpaque(loc, "expression")
        return self.convert(inner[0], pointer, depth + 1)

    # ---- operators on literals

    def _unary(self, node: Node, pointer: str, depth: int, loc: Location) -> JsValue:
        op = node.child_by_field_name("operator")
        arg = node.child_by_field_name("argument")
        if op is None or arg is None:  # pragma: no cover - grammar guarantees both
            return JsOpaque(loc, "expression")
        value = self.convert(arg, pointer, depth + 1)
        operator = op.type
        if operator == "-" and isinstance(value, JsNumber):
            return JsNumber(loc, _normalize_number(-value.value))
        if operator == "+" and isinstance(value, JsNumber):
            return JsNumber(loc, value.value)
        if operator == "void" and not isinstance(value, JsOpaque):
            return JsUndefined(loc)
        if operator == "!":
            truth = _truthiness(value)
            if truth is not None:
                return JsBool(loc, not truth)
        return JsOpaque(loc, "expression")

    def _binary(self, node: Node, pointer: str, depth: int, loc: Location) -> JsValue:
        op = node.child_by_field_name("operator")
        left_node = node.child_by_field_name("left")
        right_node = node.child_by_field_name("right")
        if op is None or left_node is None or right_node is None:  # pragma: no cover
            return JsOpaque(loc, "expression")
        left = self.convert(left_node, pointer, depth + 1)
        right = self.convert(right_node, pointer, depth + 1)
        operator = op.type
        if operator == "+" and isinstance(left, JsString) and isinstance(right, JsString):
            if len(left.value) + len(right.value) > MAX_INPUT_BYTES:  # pragma: no cover
                return JsOpaque(loc, "expression")
            return JsString(loc, left.value + right.value)
        if isinstance(left, JsNumber) and isinstance(right, JsNumber):
            a, b = float(left.value), float(right.value)
            if operator == "+":
                return JsNumber(loc, _normalize_number(a + b))
            if operator == "-":
                return JsNumber(loc, _normalize_number(a - b))
            if operator == "*":
                return JsNumber(loc, _normalize_number(a * b))
            if operator == "/" and b != 0:
                return JsNumber(loc, _normalize_number(a / b))
        return JsOpaque(loc, "expression")

    # ---- containers

    def _array(self, node: Node, pointer: str, depth: int, loc: Location) -> JsValue:
        items: list[JsValue] = []
        expect_item = True
        for child in node.children:
            if child.type in ("[", "]", "comment"):
                continue
            if child.type == ",":
                if expect_item:  # a hole: [1, , 2]
                    items.append(JsUndefined(self.doc.location(child, f"{pointer}/{len(items)}")))
                expect_item = True
                continue
            index_pointer = f"{pointer}/{len(items)}"
            if child.type == "spread_element":
                items.append(JsOpaque(self.doc.location(child, index_pointer), "spread"))
            else:
                items.append(self.convert(child, index_pointer, depth + 1))
            expect_item = False
        if self.doc.json_mode and items and _has_trailing_comma(node):  # pragma: no cover
            raise self.doc.error(node, pointer, "expected no trailing comma (JSON)")
        return JsArray(loc, tuple(items))

    def _object(self, node: Node, pointer: str, depth: int, loc: Location) -> JsValue:
        entries: list[tuple[str, JsValue]] = []
        dynamic: list[JsOpaque] = []
        seen: set[str] = set()
        for child in node.named_children:
            kind = child.type
            if kind == "comment":
                continue
            if kind == "pair":
                key_node = child.child_by_field_name("key")
                value_node = child.child_by_field_name("value")
                key = self._key(key_node, depth)
                if key is None:
                    dynamic.append(
                        JsOpaque(self.doc.location(child, pointer or "/"), "computed-key")
                    )
                    continue
                if self.doc.json_mode and key in seen:
                    raise self.doc.error(
                        key_node, f"{pointer}/{_escape_pointer(key)}",
                        "expected each key once", f"duplicate key {key!r}",
                    )
                seen.add(key)
                child_pointer = f"{pointer}/{_escape_pointer(key)}"
                entries.append((key, self.convert(value_node, child_pointer, depth + 1)))
            elif kind == "shorthand_property_identifier":
                key = self.doc.text_of(child)
                entries.append(
                    (key, JsOpaque(self.doc.location(child, f"{pointer}/{key}"), "identifier", key))
                )
            elif kind == "method_definition":
                name_node = child.child_by_field_name("name")
                key = self._key(name_node, depth)
                first = child.children[0].type if child.children else ""
                method_kind = {"get": "getter", "set": "setter"}.get(first, "method")
                if key is None:
                    dynamic.append(JsOpaque(self.doc.location(child, pointer or "/"), method_kind))
                    continue
                child_pointer = f"{pointer}/{_escape_pointer(key)}"
                method = JsOpaque(self.doc.location(child, child_pointer), method_kind)
                entries.append((key, method))
            elif kind == "spread_element":
                dynamic.append(JsOpaque(self.doc.location(child, pointer or "/"), "spread"))
            else:  # pragma: no cover - grammar has no other object members
                dynamic.append(JsOpaque(self.doc.location(child, pointer or "/"), "expression"))
        return JsObject(loc, tuple(entries), tuple(dynamic))

    def _key(self, key_node: Node | None, depth: int) -> str | None:
        if key_node is None:  # pragma: no cover
            return None
        kind = key_node.type
        if kind in ("property_identifier", "private_property_identifier"):
            # m\u006fde is the key "mode": identifiers may contain unicode escapes.
            return _unescape(self.doc.text_of(key_node))
        if kind == "string":
            value = self._string(key_node, "", depth, self.doc.location(key_node, None))
            return value.value if isinstance(value, JsString) else None
        if kind == "number":
            num = _number(self.doc.text_of(key_node))
            return None if num is None else _js_number_string(num)
        if kind == "computed_property_name":
            inner = key_node.named_children
            if len(inner) == 1:
                value = self.convert(inner[0], "", depth + 1)
                if isinstance(value, JsString):
                    return value.value
                if isinstance(value, JsNumber):
                    return _js_number_string(value.value)
            return None
        return None


def _js_number_string(value: int | float) -> str:
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return repr(value)


def _has_trailing_comma(node: Node) -> bool:  # pragma: no cover - JSON is pre-validated
    kinds = [c.type for c in node.children if c.type != "comment"]
    return len(kinds) >= 2 and kinds[-2] == ","


def _truthiness(value: JsValue) -> bool | None:
    if isinstance(value, JsBool):
        return value.value
    if isinstance(value, JsNumber):
        number = value.value
        return not (number == 0 or (isinstance(number, float) and math.isnan(number)))
    if isinstance(value, JsString):
        return value.value != ""
    if isinstance(value, JsNull | JsUndefined):
        return False
    if isinstance(value, JsObject | JsArray | JsRegex):
        return True
    return None


_Handler = Callable[[_Converter, Node, str, int, Location], JsValue]
_HANDLERS: dict[str, _Handler] = {
    "string": _Converter._string,
    "template_string": _Converter._template,
    "number": _Converter._number_node,
    "true": _Converter._true,
    "false": _Converter._false,
    "null": _Converter._null,
    "undefined": _Converter._undefined,
    "regex": _Converter._regex,
    "parenthesized_expression": _Converter._paren,
    "unary_expression": _Converter._unary,
    "binary_expression": _Converter._binary,
    "array": _Converter._array,
    "object": _Converter._object,
}
_OPAQUE_KINDS = {
    "identifier": "identifier",
    "call_expression": "call",
    "function_expression": "function",
    "function": "function",
    "arrow_function": "function",
    "generator_function": "function",
    "member_expression": "member",
    "subscript_expression": "member",
    "new_expression": "new",
    "class": "class",
    "this": "identifier",
}


# --------------------------------------------------------------------------- finding configs


#: The node types :func:`find_calls` and :func:`find_assignments` look at.
_BINDING_KINDS = frozenset({
    "call_expression", "variable_declarator", "assignment_expression",
    "augmented_assignment_expression",
})


def _walk(root: Node) -> Iterator[Node]:
    """Every node under ``root`` in pre-order, without recursion."""
    cursor = root.walk()
    while True:
        yield cursor.node
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return


def _global(name: str) -> str:
    """A name as the page's globals know it: ``window.gtag`` and ``globalThis.gtag`` are ``gtag``."""
    return name.removeprefix("window.").removeprefix("globalThis.")


def _written_name(doc: JsDocument, node: Node) -> str:
    """A node's text as a name, spaces dropped and the global object's prefix too
    (``window. klaroConfig ['a']`` is ``klaroConfig['a']``)."""
    return _global("".join(doc.text_of(node).split()))


def _dotted(doc: JsDocument, node: Node) -> str | None:
    """``a.b.c`` for identifier/member chains (``a['b']`` too), else ``None``."""
    parts: list[str] = []
    current = node
    while True:
        kind = current.type
        if kind in ("identifier", "this"):
            parts.append(doc.text_of(current))
            break
        if kind == "member_expression":
            prop = current.child_by_field_name("property")
            obj = current.child_by_field_name("object")
            if prop is None or obj is None:
                return None
            parts.append(doc.text_of(prop))
            current = obj
        elif kind == "subscript_expression":
            index = current.child_by_field_name("index")
            obj = current.child_by_field_name("object")
            if index is None or obj is None or index.type != "string":
                return None
            parts.append(_unescape(doc.text_of(index)[1:-1]))
            current = obj
        elif kind == "parenthesized_expression" and len(current.named_children) == 1:
            current = current.named_children[0]
        else:
            return None
    return ".".join(reversed(parts))


def find_calls(docs: Sequence[JsDocument], callees: Sequence[str]) -> list[JsCall]:
    """Calls whose callee is written as one of ``callees`` (``window.`` prefix optional).

    Arguments are converted to values; the pointer of argument ``i`` is ``/i``
    unless it is the only argument of interest, in which case readers re-root.
    """
    wanted = set(callees)
    found: list[JsCall] = []
    for doc in docs:
        for node in doc.binding_nodes():
            if node.type != "call_expression":
                continue
            fn = node.child_by_field_name("function")
            args = node.child_by_field_name("arguments")
            if fn is None or args is None or args.type != "arguments":
                continue
            name = _dotted(doc, fn)
            if name is None:
                continue
            short = _global(name)
            if short not in wanted:
                continue
            values: list[JsValue] = []
            for arg in (c for c in args.named_children if c.type != "comment"):
                if arg.type == "spread_element":
                    values.append(JsOpaque(doc.location(arg, ""), "spread"))
                else:
                    values.append(doc.value(arg, ""))
            found.append(JsCall(
                short, tuple(values), doc.location(node, None), _in_function(doc, node),
                _conditional(doc, node),
            ))
    return found


_FUNCTION_NODES = frozenset({
    "function_declaration", "function_expression", "function", "arrow_function",
    "method_definition", "generator_function", "generator_function_declaration",
})


def _in_function(doc: JsDocument, node: Node) -> bool:
    """Whether a node sits inside a function body that runs only when something calls it.

    A function that runs on every page load anyway is no such body: one called
    where it is written (``(function(){...})()``, ``!function(){...}()``, as
    bundlers wrap code), and a callback of the page's load, a timer or jQuery's
    ready (:func:`_runs_on_load`). A click handler or a consent callback is.
    """
    current = node.parent
    while current is not None:
        if current.type in _FUNCTION_NODES and not _runs_on_load(doc, current):
            return True
        current = current.parent
    return False


#: Calls whose function argument runs on page load, with no one's choice in between.
_ON_LOAD_CALLEES = frozenset({
    "setTimeout", "setInterval", "requestAnimationFrame", "queueMicrotask",
    "requestIdleCallback", "$", "jQuery",
})
#: Events of the page's own loading (``addEventListener('load', ...)``).
_LOAD_EVENTS = frozenset({"load", "DOMContentLoaded", "pageshow", "readystatechange"})


def _runs_on_load(doc: JsDocument, fn: Node) -> bool:
    """Whether the function ``fn`` runs on page load: called where it is written, or handed
    to a timer, to the load events or to jQuery's ready."""
    outer = fn.parent
    while outer is not None and outer.type == "parenthesized_expression":
        fn, outer = outer, outer.parent
    if outer is None:
        return False
    if outer.type == "call_expression" and outer.child_by_field_name("function") == fn:
        return True  # (function(){ ... })()
    if outer.type == "member_expression" and outer.child_by_field_name("object") == fn:
        prop = outer.child_by_field_name("property")
        call = outer.parent
        # (function(){ ... }).call(this)
        return (prop is not None and doc.text_of(prop) in ("call", "apply") and call is not None
                and call.type == "call_expression")
    if outer.type == "assignment_expression" and outer.child_by_field_name("right") == fn:
        left = outer.child_by_field_name("left")
        return left is not None and doc.text_of(left).rsplit(".", 1)[-1] == "onload"
    if outer.type != "arguments" or outer.parent is None:
        return False
    call = outer.parent
    callee = call.child_by_field_name("function")
    if callee is None:
        return False
    name = _written_name(doc, callee)
    if name in _ON_LOAD_CALLEES or name.endswith(").ready"):
        return True
    if name.endswith("addEventListener"):
        first = next((c for c in outer.named_children if c.type != "comment"), None)
        return first is not None and first.type == "string" and doc.text_of(first)[1:-1] in _LOAD_EVENTS
    return False


#: Statements whose body runs only when a condition holds.
_CONDITION_NODES = frozenset({
    "if_statement", "ternary_expression", "switch_statement", "catch_clause",
})
_SHORT_CIRCUIT = frozenset({"&&", "||", "??"})


def _conditional(doc: JsDocument, node: Node) -> bool:
    """Whether a node runs only when a condition holds (an ``if``, ``?:``, ``&&`` ...).

    Looked for up to the nearest function that does not run on page load: what a
    function does when called is :func:`_in_function`'s business.
    """
    current, below = node.parent, node
    while current is not None and (current.type not in _FUNCTION_NODES
                                   or _runs_on_load(doc, current)):
        if current.type in _CONDITION_NODES:
            return True
        if current.type == "binary_expression":
            operator = current.child_by_field_name("operator")
            left = current.child_by_field_name("left")
            if operator is not None and doc.text_of(operator) in _SHORT_CIRCUIT and not (
                    # "function" == typeof gtag && gtag(...): a guard that the function
                    # exists, which holds on every page that loads gtag, not a condition
                    doc.text_of(operator) == "&&" and left is not None and left != below
                    and "typeof" in doc.text_of(left)):
                return True
        current, below = current.parent, current
    return False


def find_assignments(docs: Sequence[JsDocument], names: Sequence[str]) -> list[JsCall]:
    """``var/let/const NAME = value`` and ``[window.]NAME = value``, as one-argument "calls".

    ``callee`` is the bare name; the value's pointer is the empty string (root).
    """
    wanted = set(names)
    found: list[JsCall] = []
    for doc in docs:
        for node in doc.binding_nodes():
            kind = node.type
            if kind == "variable_declarator":
                target = node.child_by_field_name("name")
                value = node.child_by_field_name("value")
            elif kind == "assignment_expression":
                target = node.child_by_field_name("left")
                value = node.child_by_field_name("right")
            else:
                continue
            if target is None or value is None:
                continue
            name = _dotted(doc, target)
            if name is None:
                continue
            short = _global(name)
            if short in wanted:
                found.append(JsCall(short, (doc.value(value, ""),), doc.location(node, None)))
    return found


def find_member_assignments(
    docs: Sequence[JsDocument], names: Sequence[str]
) -> list[tuple[str, Location]]:
    """Changes to a named object after its literal: assignments to a property
    (``cfg.mode = ...``, ``cfg['a'].b += 1``), ``Object.assign(cfg.x, ...)`` and its
    kin (:data:`_MUTATING_FUNCTIONS`), and array methods that change an array in
    place (``cfg.services.push(...)``, :data:`_MUTATING_METHODS`).

    Returns the changed target as written (``window.`` dropped, spaces
    removed) and its location, in source order. Only the text is read: a
    target reached through another name (an alias) is not found.
    """
    wanted = set(names)
    found: list[tuple[str, Location]] = []
    for doc in docs:
        for node in doc.binding_nodes():
            if node.type == "call_expression":
                target = _mutated_by_call(doc, node)
                whole = True  # the object itself may be the one changed
            elif node.type in ("assignment_expression", "augmented_assignment_expression"):
                target = node.child_by_field_name("left")
                if target is not None and target.type not in (
                        "member_expression", "subscript_expression"):
                    target = None
                whole = False
            else:
                continue
            if target is None:
                continue
            text = _written_name(doc, target)
            root = re.match(r"[A-Za-z_$][\w$]*", text)
            if root is not None and root.group(0) in wanted and (whole or len(text) > root.end()):
                found.append((text, doc.location(target, None)))
    return found


#: Functions that change the object of their first argument (``Object.assign(cfg, {...})``).
_MUTATING_FUNCTIONS = frozenset({
    "Object.assign", "Object.defineProperty", "Object.defineProperties",
    "Reflect.set", "Reflect.defineProperty", "Reflect.deleteProperty",
})
#: Array methods that change the array they are called on (``cfg.services.push(...)``).
_MUTATING_METHODS = frozenset({
    "push", "unshift", "splice", "pop", "shift", "fill", "sort", "reverse", "copyWithin",
})


def _mutated_by_call(doc: JsDocument, node: Node) -> Node | None:
    """The object a call changes in place, if it is one of the known mutators."""
    fn = node.child_by_field_name("function")
    if fn is None or fn.type != "member_expression":
        return None
    obj = fn.child_by_field_name("object")
    prop = fn.child_by_field_name("property")
    if obj is None or prop is None:
        return None
    if doc.text_of(prop) in _MUTATING_METHODS:
        return obj
    if _written_name(doc, fn) not in _MUTATING_FUNCTIONS:
        return None
    args = node.child_by_field_name("arguments")
    if args is None:
        return None
    return next((c for c in args.named_children if c.type != "comment"), None)
