"""Safe YAML loading that keeps the line and column of every value.

PyYAML composes the document into nodes that carry marks; this module builds
plain Python values from those nodes itself, so that it can

- reject duplicate keys (PyYAML silently keeps the last one),
- bound alias expansion, nesting depth and document size (billion laughs,
  deeply nested flow collections and oversized files fail fast),
- record where each value came from, as ``path -> (line, column)`` with
  1-based numbers, for error messages and finding locations.

Only the YAML 1.1 core types of ``SafeLoader`` are built; any other tag is an
error. Every PyYAML error is wrapped in :class:`~gdpr_policy.InputError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ._errors import HostileInputError, InputError, Issue
from ._text import not_utf8

__all__ = ["Limits", "LocatedDocument", "Path", "format_path", "load_yaml"]

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Limits:
    """Safety limits for untrusted YAML; the defaults fit any real policy file."""

    max_bytes: int = 2_000_000
    max_depth: int = 64
    max_nodes: int = 200_000
    max_aliases: int = 1_000


@dataclass(frozen=True, slots=True)
class LocatedDocument:
    """A loaded document and the 1-based ``(line, column)`` of every path in it."""

    data: Any
    source: str
    marks: Mapping[Path, tuple[int, int]] = field(default_factory=dict)

    def mark(self, path: Path) -> tuple[int | None, int | None]:
        """The position of ``path``, or of its nearest ancestor that has one."""
        p = tuple(path)
        while True:
            if p in self.marks:
                return self.marks[p]
            if not p:
                return (None, None)
            p = p[:-1]


def format_path(path: Path) -> str:
    """``("retention", 0, "after")`` -> ``retention[0].after``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


class _Builder:
    def __init__(self, source: str, limits: Limits) -> None:
        self.source = source
        self.limits = limits
        self.nodes = 0
        self.aliases = 0
        self.marks: dict[Path, tuple[int, int]] = {}
        self.scalars = SafeConstructor()

    def fail(self, node: Node, path: Path, expected: str, found: str | None = None) -> InputError:
        return InputError.at(
            self.source,
            node.start_mark.line + 1,
            node.start_mark.column + 1,
            format_path(path),
            expected,
            found,
        )

    def build(self, node: Node, path: Path, depth: int, seen: set[int]) -> Any:
        self.nodes += 1
        if self.nodes > self.limits.max_nodes:
            raise HostileInputError.at(
                self.source,
                node.start_mark.line + 1,
                node.start_mark.column + 1,
                format_path(path),
                f"expected at most {self.limits.max_nodes} values (alias expansion or an oversized document)",
            )
        if depth > self.limits.max_depth:
            raise HostileInputError.at(
                self.source,
                node.start_mark.line + 1,
                node.start_mark.column + 1,
                "",
                f"expected nesting at most {self.limits.max_depth} levels deep",
            )
        if id(node) in seen:
            # The same node again below itself: a recursive alias.
            raise HostileInputError.at(
                self.source,
                node.start_mark.line + 1,
                node.start_mark.column + 1,
                format_path(path),
                "expected no recursive aliases",
            )
        self.marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, ScalarNode):
            return self.scalar(node, path)
        seen = seen | {id(node)}
        if isinstance(node, SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                raise self.fail(node, path, "expected a plain YAML list", f"tag {node.tag}")
            return [
                self.build(item, (*path, i), depth + 1, seen) for i, item in enumerate(node.value)
            ]
        if isinstance(node, MappingNode):
            if node.tag != "tag:yaml.org,2002:map":
                raise self.fail(node, path, "expected a plain YAML mapping", f"tag {node.tag}")
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise self.fail(
                        key_node, path, "expected no merge keys ('<<'); write the keys out"
                    )
                key = self.build(key_node, path, depth + 1, seen)
                if not isinstance(key, (str, int)) or isinstance(key, bool):
                    raise self.fail(key_node, path, "expected a string key", repr(key))
                key = str(key)
                if key in out:
                    first = self.marks.get((*path, key), (0, 0))
                    raise self.fail(
                        key_node,
                        (*path, key),
                        f"expected each key once (first given at line {first[0]})",
                        f"duplicate key {key!r}",
                    )
                out[key] = self.build(value_node, (*path, key), depth + 1, seen)
            return out
        raise self.fail(
            node, path, "expected a YAML value"
        )  # pragma: no cover - no other node kinds

    def scalar(self, node: ScalarNode, path: Path) -> Any:
        allowed = {
            "tag:yaml.org,2002:str",
            "tag:yaml.org,2002:int",
            "tag:yaml.org,2002:float",
            "tag:yaml.org,2002:bool",
            "tag:yaml.org,2002:null",
            "tag:yaml.org,2002:timestamp",
        }
        if node.tag not in allowed:
            raise self.fail(
                node,
                path,
                "expected a plain scalar (string, number, boolean, null or date)",
                f"tag {node.tag}",
            )
        try:
            return self.scalars.construct_object(node)
        except (ConstructorError, ValueError, OverflowError) as exc:
            expected = (
                "expected a valid date (YYYY-MM-DD)"
                if node.tag.endswith("timestamp")
                else f"expected a valid {node.tag.rsplit(':', 1)[-1]}"
            )
            raise self.fail(node, path, expected, repr(node.value)) from exc


class _CountingLoader(yaml.SafeLoader):
    """A SafeLoader that counts aliases while composing, before any expansion."""

    alias_limit = 1_000
    depth_limit = 64

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.alias_count = 0
        self.depth = 0

    def fetch_flow_collection_start(self, TokenClass: Any) -> None:
        # Refuse deep flow nesting while scanning: each open '[' or '{' makes PyYAML look
        # far ahead for a possible key, so 100k of them take seconds before the builder's
        # depth check could run. Deeper than depth_limit is refused by the builder anyway.
        if self.flow_level > self.depth_limit:
            mark = self.get_mark()
            raise _TooDeep(mark.line + 1, mark.column + 1)
        super().fetch_flow_collection_start(TokenClass)

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            self.alias_count += 1
            if self.alias_count > self.alias_limit:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise _TooManyAliases(mark.line + 1, mark.column + 1)
        # Refuse deep block nesting while composing, where the node's position is known:
        # far deeper, PyYAML's own recursion ends in a RecursionError with no position.
        self.depth += 1
        try:
            if self.depth > self.depth_limit + 1:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise _TooDeep(mark.line + 1, mark.column + 1)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _TooManyAliases(Exception):
    def __init__(self, line: int, column: int) -> None:
        self.line = line
        self.column = column


class _TooDeep(_TooManyAliases):
    """Flow collections nested deeper than the limit (raised while scanning)."""


def load_yaml(text: str | bytes, *, source: str, limits: Limits | None = None) -> LocatedDocument:
    """Load one YAML document safely, with positions; raise ``InputError`` on any problem."""
    limits = limits or Limits()
    if len(text) > limits.max_bytes:
        raise HostileInputError.at(
            source,
            None,
            None,
            "",
            f"expected a document of at most {limits.max_bytes} bytes",
            f"{len(text)} bytes",
        )
    if isinstance(text, bytes):
        raw = text
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise not_utf8(source, raw) from exc
    elif text.startswith("\ufeff"):
        text = text[1:]
    try:
        # PyYAML checks the whole text for non-printable characters (NUL, ESC ...) here.
        loader = _CountingLoader(text)
    except yaml.reader.ReaderError as exc:
        at_line = text.count("\n", 0, exc.position) + 1
        at_column = exc.position - text.rfind("\n", 0, exc.position)
        raise InputError.at(
            source, at_line, at_column, "", "expected printable characters", f"U+{exc.character:04X}"
        ) from exc
    loader.alias_limit = limits.max_aliases
    loader.depth_limit = limits.max_depth
    try:
        node = loader.get_single_node()
    except _TooDeep as exc:
        raise HostileInputError.at(
            source, exc.line, exc.column, "", f"expected nesting at most {limits.max_depth} levels deep"
        ) from exc
    except _TooManyAliases as exc:
        raise HostileInputError.at(
            source, exc.line, exc.column, "", f"expected at most {limits.max_aliases} aliases"
        ) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise InputError([Issue(source, line, col, "", "expected valid YAML", problem)]) from exc
    except yaml.YAMLError as exc:
        raise InputError.at(source, None, None, "", "expected valid YAML", str(exc)) from exc
    except RecursionError as exc:
        raise HostileInputError.at(
            source, None, None, "", f"expected nesting at most {limits.max_depth} levels deep"
        ) from exc
    finally:
        loader.dispose()
    if node is None:
        return LocatedDocument(data=None, source=source, marks={})
    builder = _Builder(source, limits)
    data = builder.build(node, (), 0, set())
    return LocatedDocument(data=data, source=source, marks=builder.marks)
