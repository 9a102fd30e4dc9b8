"""Hypothesis strategies for the fuzz suite: byte-level and tree-level mutations of valid inputs.

Byte mutations (:func:`mutated_bytes`) model what files go through on the way to
a CI job: truncation, flipped bytes, NUL bytes, invalid UTF-8, BOMs, CRLF and
lone CR line ends, very long lines, deep nesting, huge numbers, cut-and-pasted
chunks and stray syntax. Tree mutations (:func:`mutated_tree`) model a person
editing a valid document: a key removed or added, a value of the wrong type, a
huge number, a deeply nested value, a list emptied or reordered. The document
is then re-rendered as JSON or YAML (:func:`mutated_json`, :func:`mutated_yaml`).

Sizes are kept moderate so that the default profile stays fast; the hostile
inputs at full size (megabytes, 100k levels) are in ``tests/fuzz/test_hostile.py``.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import yaml
from hypothesis import strategies as st

__all__ = [
    "BOMS",
    "INVALID_UTF8",
    "SYNTAX_TOKENS",
    "call_catching",
    "fuzz_text",
    "mutated_bytes",
    "mutated_json",
    "mutated_tree",
    "mutated_yaml",
    "paths_of",
    "wrong_type_values",
]

#: Byte sequences that are not UTF-8: a lone continuation byte, a truncated
#: sequence, an overlong encoding, an encoded surrogate, a code point past U+10FFFF.
INVALID_UTF8 = (b"\xff", b"\x80", b"\xc3", b"\xe2\x82", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80")

#: Byte-order marks: UTF-8 (accepted once), doubled, UTF-16 LE and BE (refused).
BOMS = (b"\xef\xbb\xbf", b"\xef\xbb\xbf\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")

#: Fragments of YAML, JSON, JavaScript and HTML syntax that readers must not choke on.
SYNTAX_TOKENS = (
    b"{", b"}", b"[", b"]", b"(", b")", b":", b",", b"'", b'"', b"`", b"${", b"\\", b"\\u",
    b"\\u{110000}", b"\\x", b"//", b"/*", b"*/", b"/", b"=", b"=>", b"...", b"&a ", b"*a",
    b"!!python/object:os.system ", b"!!binary ", b"<<: ", b"? ", b"- ", b"|", b">", b"%YAML 1.1\n",
    b"---\n", b"...\n", b"#", b"\t", b"<script>", b"</script>", b"<!--", b"-->", b"null",
    b"undefined", b"NaN", b"Infinity", b"-0", b"1e999", b"0x", b"1n", b"\xe2\x80\xa8",
    b"\xe2\x80\xa9", b"\xc2\x85", b"\x0b", b"\x0c", b"\x1b", b"\x7f", b"gdpr_policy_banner: 1\n",
    b"CookieConsent.run(", b"klaroConfig = ", b"gtag('consent', 'default', ",
)


def _digits_spans(data: bytes) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(rb"\d+", data)]


@st.composite
def _one_mutation(draw: st.DrawFn, data: bytes) -> bytes:
    n = len(data)
    pos = draw(st.integers(0, n))
    kind = draw(
        st.sampled_from(
            (
                "truncate", "flip", "replace", "nul", "invalid-utf8", "bom", "crlf", "cr",
                "long-line", "nesting", "huge-number", "delete", "duplicate", "token",
            )
        )
    )
    if kind == "truncate":
        return data[:pos]
    if kind == "flip" and n:
        at = min(pos, n - 1)
        bit = draw(st.integers(0, 7))
        return data[:at] + bytes([data[at] ^ (1 << bit)]) + data[at + 1 :]
    if kind == "replace" and n:
        at = min(pos, n - 1)
        return data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
    if kind == "nul":
        return data[:pos] + b"\x00" + data[pos:]
    if kind == "invalid-utf8":
        return data[:pos] + draw(st.sampled_from(INVALID_UTF8)) + data[pos:]
    if kind == "bom":
        bom = draw(st.sampled_from(BOMS))
        return bom + data if draw(st.booleans()) else data[:pos] + bom + data[pos:]
    if kind == "crlf":
        return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if kind == "cr":
        return data.replace(b"\n", b"\r")
    if kind == "long-line":
        size = draw(st.sampled_from((1_000, 20_000, 100_000)))
        filler = draw(st.sampled_from((b"a", b" ", b"\xc3\xa6", b"0", b"'")))
        return data[:pos] + filler * size + data[pos:]
    if kind == "nesting":
        depth = draw(st.sampled_from((50, 300, 3_000)))
        opener = draw(st.sampled_from((b"[", b"{", b"(", b"- ", b"{a: ", b'{"a":')))
        closer = {b"[": b"]", b"{": b"}", b"(": b")", b"{a: ": b"}", b'{"a":': b"}"}.get(opener, b"")
        closed = draw(st.booleans())
        return data[:pos] + opener * depth + (b"1" + closer * depth if closed else b"") + data[pos:]
    if kind == "huge-number":
        spans = _digits_spans(data)
        number = draw(
            st.sampled_from(
                (b"9" * 400, b"-" + b"9" * 400, b"1e400", b"1e-400", b"0x" + b"f" * 300,
                 b"99999999999999999999", b"00000000012", b"1_000", b"-0", b"0.0000001e-9")
            )
        )
        if spans:
            start, end = draw(st.sampled_from(spans))
            return data[:start] + number + data[end:]
        return data[:pos] + number + data[pos:]
    if kind == "delete" and n:
        end = draw(st.integers(pos, min(n, pos + 200)))
        return data[:pos] + data[end:]
    if kind == "duplicate" and n:
        start = draw(st.integers(0, n))
        end = draw(st.integers(start, min(n, start + 200)))
        return data[:pos] + data[start:end] + data[pos:]
    return data[:pos] + draw(st.sampled_from(SYNTAX_TOKENS)) + data[pos:]


@st.composite
def mutated_bytes(draw: st.DrawFn, seed: bytes, max_mutations: int = 3) -> bytes:
    """``seed`` with one to ``max_mutations`` byte-level mutations applied in turn."""
    data = seed
    for _ in range(draw(st.integers(1, max_mutations))):
        data = draw(_one_mutation(data))
    return data


# --------------------------------------------------------------------------- trees


def paths_of(tree: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path into a JSON-like tree (the root included), in document order."""
    yield prefix
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from paths_of(value, (*prefix, key))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            yield from paths_of(value, (*prefix, index))


def _get(tree: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        tree = tree[part]
    return tree


def wrong_type_values() -> st.SearchStrategy[Any]:
    """Values of every JSON/YAML type, with edge cases: for swapping a value's type."""
    return st.one_of(
        st.sampled_from(
            [None, True, False, 0, -1, 1, 2**63, -(2**63) - 1, 10**30, 1.5, -0.0, 1e308, "",
             " ", "null", "true", "0", "P1M", "2026-02-30", "x" * 300, [], {}, [None], {"": None},
             dt.date(2026, 3, 2), "\u202e\u0000", "é" * 10]
        ),
        st.integers(),
        st.text(max_size=20),
        st.lists(st.integers(), max_size=3),
        st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    )


def _other_type_than(current: Any) -> Callable[[Any], bool]:
    kind = type(current)
    return lambda value: type(value) is not kind


def _nested(depth: int) -> Any:
    value: Any = 1
    for i in range(depth):
        value = [value] if i % 2 else {"a": value}
    return value


@st.composite
def mutated_tree(draw: st.DrawFn, tree: Any, max_mutations: int = 3) -> Any:
    """A deep copy of a JSON-like ``tree`` with one to ``max_mutations`` edits.

    Edits: delete a key or item, add an unknown key, swap a value's type, a huge
    number, a deeply nested value, empty or reverse a list, duplicate an item.
    """
    tree = copy.deepcopy(tree)
    for _ in range(draw(st.integers(1, max_mutations))):
        paths = list(paths_of(tree))
        path = draw(st.sampled_from(paths))
        kind = draw(
            st.sampled_from(
                ("delete", "extra-key", "swap-type", "huge-number", "deep", "empty", "reverse",
                 "duplicate")
            )
        )
        if not path:
            if kind == "swap-type":
                tree = draw(wrong_type_values())
            elif kind == "extra-key" and isinstance(tree, dict):
                tree[draw(st.text(min_size=1, max_size=12))] = draw(wrong_type_values())
            continue
        parent = _get(tree, path[:-1])
        last = path[-1]
        current = parent[last]
        new: Any
        if kind == "delete":
            del parent[last]
            continue
        if kind == "extra-key":
            if isinstance(current, dict):
                current[draw(st.text(min_size=1, max_size=12))] = draw(wrong_type_values())
            continue
        if kind == "swap-type":
            new = draw(wrong_type_values().filter(_other_type_than(current)))
        elif kind == "huge-number":
            new = draw(st.sampled_from((10**400, -(10**400), 2**64, 1e308, -1e308, 5e-324)))
        elif kind == "deep":
            new = _nested(draw(st.sampled_from((40, 70, 300))))
        elif kind == "empty":
            new = type(current)() if isinstance(current, list | dict | str) else None
        elif kind == "reverse":
            new = list(reversed(current)) if isinstance(current, list) else current
        else:
            if isinstance(current, list) and current:
                current.append(copy.deepcopy(current[0]))
            continue
        parent[last] = new
    return tree


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


@st.composite
def mutated_json(draw: st.DrawFn, tree: Any) -> bytes:
    """A tree-mutated JSON document (sometimes ``NaN``/``Infinity``, which strict JSON refuses)."""
    mutated = draw(mutated_tree(tree))
    try:
        text = json.dumps(mutated, default=_json_default, ensure_ascii=draw(st.booleans()))
    except (ValueError, RecursionError):  # a cycle cannot happen; huge floats render as-is
        text = "{}"
    return text.encode("utf-8")


class _Dumper(yaml.SafeDumper):
    """A SafeDumper that never writes anchors, so that a mutated tree is written out whole."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


@st.composite
def mutated_yaml(draw: st.DrawFn, tree: Any) -> bytes:
    """A tree-mutated YAML document, block or flow style."""
    mutated = draw(mutated_tree(tree))
    flow = draw(st.sampled_from((False, None, True)))
    try:
        text = yaml.dump(
            mutated, Dumper=_Dumper, default_flow_style=flow, allow_unicode=True, sort_keys=False,
            width=draw(st.sampled_from((80, 10**6))),
        )
    except (yaml.YAMLError, RecursionError):
        text = "{}\n"
    return text.encode("utf-8")


def fuzz_text(alphabet: bytes = b"".join(SYNTAX_TOKENS) + b"abc019 \n") -> st.SearchStrategy[bytes]:
    """Generated inputs: random bytes, random text, and strings of syntax fragments."""
    return st.one_of(
        st.binary(max_size=300),
        st.text(max_size=200).map(lambda s: s.encode("utf-8", "surrogatepass")),
        st.lists(st.sampled_from((*SYNTAX_TOKENS, b"a", b"1", b" ", b"\n")), max_size=60).map(
            b"".join
        ),
        st.binary(max_size=200).map(lambda b: bytes(c for c in b if c in alphabet)),
    )


def call_catching(fn: Callable[[], Any], documented: type[BaseException]) -> BaseException | None:
    """Call ``fn``; return a documented error it raised, ``None`` on success; re-raise others."""
    try:
        fn()
    except documented as exc:
        return exc
    return None
