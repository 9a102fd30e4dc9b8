from __future__ import annotations

import datetime as dt
import time

import pytest

from gdpr_policy import HostileInputError, InputError
from gdpr_policy._yaml import Limits, format_path, load_yaml


def test_values_and_positions() -> None:
    doc = load_yaml("a: 1\nb:\n  - x: two\n    y: 2024-03-06\n", source="t.yaml")
    assert doc.data == {"a": 1, "b": [{"x": "two", "y": dt.date(2024, 3, 6)}]}
    assert doc.mark(("b", 0, "y")) == (4, 8)
    assert doc.mark(("b", 0, "missing")) == (3, 5)  # nearest ancestor


def test_format_path() -> None:
    assert format_path(("retention", 0, "after")) == "retention[0].after"
    assert format_path(()) == ""


def test_duplicate_keys_are_errors_with_both_lines() -> None:
    with pytest.raises(InputError) as info:
        load_yaml("a: 1\nb: 2\na: 3\n", source="dup.yaml")
    assert (
        str(info.value)
        == "dup.yaml:3:1: a: expected each key once (first given at line 1), got duplicate key 'a'"
    )


def test_syntax_error_is_located() -> None:
    with pytest.raises(InputError, match=r"^bad.yaml:2:1: expected valid YAML"):
        load_yaml("a: [1\n", source="bad.yaml")


def test_bad_date_is_located() -> None:
    with pytest.raises(
        InputError, match=r"^d.yaml:1:4: a: expected a valid date \(YYYY-MM-DD\), got '2024-02-30'"
    ):
        load_yaml("a: 2024-02-30\n", source="d.yaml")


def test_python_tags_are_refused() -> None:
    with pytest.raises(
        InputError, match=r"expected a plain YAML list, got tag tag:yaml\.org,2002:python"
    ):
        load_yaml("a: !!python/object/apply:os.system ['true']\n", source="t.yaml")
    with pytest.raises(InputError, match="expected a plain scalar"):
        load_yaml("a: !!python/name:os.system x\n", source="t.yaml")
    with pytest.raises(InputError, match="expected a plain YAML mapping"):
        load_yaml("a: !!python/object:os.Foo {x: 1}\n", source="t.yaml")


def test_merge_keys_are_refused() -> None:
    with pytest.raises(InputError, match="merge keys"):
        load_yaml("base: &b {x: 1}\nother:\n  <<: *b\n", source="t.yaml")


def test_billion_laughs_fails_fast_and_small() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for name in "bcdefghij":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
        prev = name
    started = time.process_time()
    with pytest.raises(HostileInputError, match="expected at most"):
        load_yaml("\n".join(lines), source="bomb.yaml")
    assert time.process_time() - started < 5  # a bound on work, not a benchmark


def test_alias_count_limit() -> None:
    text = "a: &a 1\nb: [" + ", ".join(["*a"] * 50) + "]\n"
    with pytest.raises(HostileInputError, match="at most 10 aliases"):
        load_yaml(text, source="t.yaml", limits=Limits(max_aliases=10))
    assert load_yaml(text, source="t.yaml").data["b"] == [1] * 50


def test_deep_nesting_is_refused() -> None:
    with pytest.raises(HostileInputError, match="nesting at most 64"):
        load_yaml("[" * 100 + "]" * 100, source="deep.yaml")
    with pytest.raises(HostileInputError):
        load_yaml("[" * 50_000 + "]" * 50_000, source="deeper.yaml")


@pytest.mark.parametrize("depth", [100, 400, 1000])
def test_deep_block_nesting_is_refused_where_it_gets_too_deep(depth: int) -> None:
    # block sequences deeper than PyYAML's recursion used to lose their position
    text = "v:\n" + "".join(" " * i + "-\n" for i in range(depth)) + " " * depth + "1\n"
    with pytest.raises(HostileInputError, match="nesting at most 64") as exc:
        load_yaml(text, source="deep.yaml")
    issue = exc.value.issues[0]
    assert (issue.line, issue.column) == (66, 65)


def test_oversized_document_is_refused_before_parsing() -> None:
    with pytest.raises(HostileInputError, match="at most 100 bytes"):
        load_yaml("a: " + "x" * 200, source="big.yaml", limits=Limits(max_bytes=100))


def test_bytes_bom_and_invalid_utf8() -> None:
    assert load_yaml("\ufeffa: 1\n".encode(), source="bom.yaml").data == {"a": 1}
    assert load_yaml("\ufeffa: 1\n", source="bom.yaml").data == {"a": 1}
    with pytest.raises(InputError) as info:
        load_yaml("# Personvernerklæring\nname: ".encode() + b"Inmeta \xd8st\n", source="bin.yaml")
    assert str(info.value) == ("bin.yaml:2:14: expected UTF-8 text (save the file as UTF-8), got "
                               "byte 0xd8 at offset 36 of the file (invalid continuation byte)")


def test_empty_document() -> None:
    assert load_yaml("", source="e.yaml").data is None


def test_non_string_keys_are_refused() -> None:
    with pytest.raises(InputError, match="expected a string key"):
        load_yaml("[1, 2]: x\n", source="k.yaml")
