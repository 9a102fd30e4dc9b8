"""Hostile inputs fail fast and small: alias bombs, deep nesting, huge lines.

Each case is run twice: once for its CPU time (``TIME_LIMIT``; process time, so a busy
machine does not fail it), once under
:mod:`tracemalloc` for the peak of memory the library allocates
(``MEMORY_LIMIT``; the input itself is allocated before tracing starts).
tracemalloc slows pure-Python parsing several times over, which is why the
two are measured in separate runs. The outcome must be a documented error (a
:class:`~gdpr_policy.HostileInputError` where a limit applies), never a crash.
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fuzz._helpers import AS_OF, check_documented, run_cli
from gdpr_policy import GdprPolicyError, HostileInputError, PolicyError, load_policy, read_banner
from gdpr_policy.banner import FORMATS

TIME_LIMIT = 5.0  # seconds
MEMORY_LIMIT = 200 * 1024 * 1024  # bytes
N = 100_000  # nesting levels
MB = 1024 * 1024

# Billion laughs: 10**9 values once expanded, from about 300 bytes.
ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)
# Recursive alias: a node inside itself.
ALIAS_LOOP = "a: &a [*a]\n"


def _measure(call: Callable[[], Any]) -> tuple[BaseException | None, float, int]:
    """Run ``call`` timed, then again under tracemalloc: (error, seconds, peak bytes)."""
    outcome: BaseException | None = None
    start = time.process_time()
    try:
        call()
    except GdprPolicyError as exc:
        outcome = exc
    elapsed = time.process_time() - start
    tracemalloc.start()
    try:
        call()
    except GdprPolicyError:
        pass
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return outcome, elapsed, peak


def _check(call: Callable[[], Any], refused: type[GdprPolicyError] | None) -> None:
    outcome, elapsed, peak = _measure(call)
    assert elapsed < TIME_LIMIT, f"took {elapsed:.1f} s"
    assert peak < MEMORY_LIMIT, f"peak {peak / MB:.0f} MiB"
    if refused is None:
        return
    assert isinstance(outcome, refused), repr(outcome)
    check_documented(outcome)


# --------------------------------------------------------------------------- YAML


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("alias-bomb", ALIAS_BOMB),
        ("alias-loop", ALIAS_LOOP),
        ("flow-nesting", "[" * N),
        ("flow-mapping-nesting", "{a: " * N),
        ("block-nesting", "- " * N + "x"),
        ("closed-flow-nesting", "[" * N + "]" * N),
        ("64-MiB-line", "id: " + "a" * (64 * MB)),
    ],
)
def test_hostile_policy_yaml(name: str, text: str) -> None:
    # load_policy reports every input problem as a PolicyError (limits included).
    _check(lambda: load_policy(text, source="hostile.yaml"), PolicyError)
    if "MiB" in name:  # bytes are size-checked before decoding
        data = text.encode("utf-8")
        _check(lambda: load_policy(data, source="hostile.yaml"), PolicyError)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("alias-bomb", ALIAS_BOMB),
        ("alias-loop", ALIAS_LOOP),
        ("flow-nesting", "x: " + "[" * N),
        ("block-nesting", "x:\n" + "  - " * 1 + "- " * N + "x"),
        ("64-MiB-line", "mode: " + "a" * (64 * MB)),
    ],
)
def test_hostile_native_yaml(name: str, text: str) -> None:
    document = ("gdpr_policy_banner: 1\n" + text).encode("utf-8")
    _check(lambda: read_banner(document, source="hostile.yaml", format="native"), HostileInputError)


def test_large_policy_under_the_size_limit_is_read_in_bounded_time() -> None:
    """A document just under the 2 MB limit: one long line, and many short ones."""
    for text in ("id: " + "a" * 1_900_000, ("x" * 60 + ": 1\n") * 15_000):
        start = time.process_time()
        with pytest.raises(PolicyError):
            load_policy(text, source="large.yaml")
        assert time.process_time() - start < TIME_LIMIT


# --------------------------------------------------------------------------- JSON and JS

JSON_CASES = [
    ("array-nesting", "[" * N),
    ("closed-array-nesting", "[" * N + "]" * N),
    ("object-nesting", '{"a":' * N),
    ("closed-object-nesting", '{"a":' * N + "1" + "}" * N),
    ("64-MiB-line", '{"categories": {"a": "' + "a" * (64 * MB) + '"}}'),
]
JS_CASES = [
    ("array-nesting", "var klaroConfig = " + "[" * N),
    ("closed-array-nesting", "var klaroConfig = " + "[" * N + "]" * N + ";"),
    ("paren-nesting", "x = " + "(" * N + "1" + ")" * N + ";"),
    ("object-nesting", "CookieConsent.run(" + "{a:" * N),
    ("closed-object-nesting", "CookieConsent.run(" + "{a:" * N + "1" + "}" * N + ");"),
    ("call-nesting", "gtag('consent', 'default', " + "f(" * N + ")" * N + ");"),
    ("html-script-nesting", "<script>" + "[" * N + "</script>"),
    ("64-MiB-line", "var klaroConfig = {x: '" + "a" * (64 * MB) + "'};"),
]


# Each case with auto-detection and with the readers its syntax reaches (the JSON readers
# share parse_json, the JS readers parse_script_or_html; native JSON goes through YAML).
BANNER_CASES = [
    *((name, text, fmt) for name, text in JSON_CASES for fmt in ("auto", "klaro", "gtm", "native")),
    *((name, text, fmt) for name, text in JS_CASES for fmt in ("auto", "cookieconsent")),
]


@pytest.mark.parametrize(
    ("name", "text", "fmt"), BANNER_CASES, ids=[f"{n}-{f}-{i}" for i, (n, _, f) in enumerate(BANNER_CASES)]
)
def test_hostile_banner(name: str, text: str, fmt: str) -> None:
    data = text.encode("utf-8")
    # Not all of these are over a limit (an unclosed bracket is a plain syntax error first):
    # what matters is a documented error, fast and small.
    if "MiB" not in name:
        _check(lambda: read_banner(data, source="hostile", format=fmt), GdprPolicyError)
        return
    _check(lambda: read_banner(data, source="hostile", format=fmt), HostileInputError)
    _check(lambda: read_banner(text, source="hostile", format=fmt), HostileInputError)


@pytest.mark.parametrize("fmt", FORMATS)
def test_huge_line_is_refused_by_every_reader(fmt: str) -> None:
    data = b"a" * (64 * MB)
    _check(lambda: read_banner(data, source="hostile", format=fmt), HostileInputError)


@pytest.mark.parametrize("fmt", ["auto", "klaro"])
def test_four_megabyte_line_under_the_limit_is_read(fmt: str) -> None:
    """Just under the 4 MiB limit, a single-line config is read, in bounded time and memory."""
    filler = 4 * MB - 200
    data = b"var klaroConfig = {services: [], x: '" + b"a" * filler + b"'};"
    _check(lambda: read_banner(data, source="long.js", format=fmt), None)
    assert read_banner(data, source="long.js", format=fmt).source.format == "klaro"


# --------------------------------------------------------------------------- command line


def test_cli_refuses_a_huge_file_without_reading_it(tmp_path: Path) -> None:
    huge = tmp_path / "huge.js"
    with huge.open("wb") as fh:  # sparse: costs no disk
        fh.truncate(256 * MB)
    tracemalloc.start()
    try:
        code, _out, err = run_cli(["banner", str(huge), "--as-of", AS_OF])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert code == 2 and "at most" in err
    assert peak < MEMORY_LIMIT, f"peak {peak / MB:.0f} MiB"
