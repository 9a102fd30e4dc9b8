"""Fuzz every banner reader: mutated fixtures and generated text only raise documented errors.

Seeds are every configuration in ``examples/banners`` and ``tests/data/banner``.
Each is read with ``format="auto"`` and with every explicit format (a JSON file
read as Klaro, a JS file as native ...). Oracle: ``read_banner`` returns a
:class:`~gdpr_policy.Banner` that ``evaluate_banner`` can evaluate, or raises a
:class:`~gdpr_policy.GdprPolicyError` (one line per issue); ``gdpr-policy
banner FILE`` then exits 2 and prints exactly that error on stderr.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from fuzz._helpers import (
    AS_OF,
    BANNER_DATA,
    EXAMPLES,
    ROOT,
    check_cli_accepted,
    check_cli_rejected,
    check_documented,
    run_cli,
)
from gdpr_policy import (
    EvaluationError,
    GdprPolicyError,
    InputError,
    bundled_policy,
    evaluate_banner,
    read_banner,
)
from gdpr_policy.banner import FORMATS
from strategies.fuzz import fuzz_text, mutated_bytes, mutated_json, mutated_yaml

SEED_PATHS = sorted(
    p
    for root in (EXAMPLES, BANNER_DATA)
    for p in root.rglob("*")
    if p.is_file() and p.suffix in (".js", ".json", ".html", ".yaml", ".yml")
)
SEEDS = {p.relative_to(ROOT).as_posix(): p.read_bytes() for p in SEED_PATHS}
JSON_TREES = {name: json.loads(data) for name, data in SEEDS.items() if name.endswith(".json")}
YAML_TREES: dict[str, Any] = {
    name: yaml.safe_load(data) for name, data in SEEDS.items() if name.endswith((".yaml", ".yml"))
}
ALL_FORMATS = ("auto", *FORMATS)
VERSION = bundled_policy().at(dt.date.fromisoformat(AS_OF))
DAY = dt.date.fromisoformat(AS_OF)


def _read(data: bytes | str, fmt: str) -> None:
    try:
        banner = read_banner(data, source="fuzz", format=fmt)
    except GdprPolicyError as exc:
        check_documented(exc, InputError)  # the format is valid: only input errors
        return
    try:
        evaluate_banner(banner, VERSION, DAY)
    except EvaluationError:
        raise


def test_the_seeds_are_there() -> None:
    assert len(SEEDS) >= 25
    assert JSON_TREES and YAML_TREES


@st.composite
def mutated_seeds(draw: st.DrawFn) -> bytes:
    name = draw(st.sampled_from(sorted(SEEDS)))
    return draw(mutated_bytes(SEEDS[name]))


@st.composite
def tree_mutated_seeds(draw: st.DrawFn) -> bytes:
    if draw(st.booleans()):
        name = draw(st.sampled_from(sorted(JSON_TREES)))
        return draw(mutated_json(JSON_TREES[name]))
    name = draw(st.sampled_from(sorted(YAML_TREES)))
    return draw(mutated_yaml(YAML_TREES[name]))


@given(mutated_seeds(), st.sampled_from(ALL_FORMATS))
def test_mutated_banner_bytes(data: bytes, fmt: str) -> None:
    _read(data, fmt)


@given(mutated_seeds(), st.sampled_from(ALL_FORMATS))
def test_mutated_banner_text(data: bytes, fmt: str) -> None:
    _read(data.decode("utf-8", errors="replace"), fmt)


@given(tree_mutated_seeds(), st.sampled_from(ALL_FORMATS))
def test_tree_mutated_banner(data: bytes, fmt: str) -> None:
    _read(data, fmt)


@given(fuzz_text(), st.sampled_from(ALL_FORMATS))
def test_generated_banner_text(data: bytes, fmt: str) -> None:
    _read(data, fmt)


@pytest.mark.parametrize("name", sorted(SEEDS))
@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_every_seed_in_every_format(name: str, fmt: str) -> None:
    """Reading a file as the wrong format is a located error, never a crash."""
    _read(SEEDS[name], fmt)


@pytest.fixture(scope="module")
def banner_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-banner") / "banner.cfg"


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(mutated_seeds(), tree_mutated_seeds()), st.sampled_from(ALL_FORMATS))
@example(b"\x00", "auto")
@example(b"var klaroConfig = {", "klaro")
def test_cli_banner_on_mutated_file(banner_file: Path, data: bytes, fmt: str) -> None:
    banner_file.write_bytes(data)
    path = str(banner_file)
    try:
        read_banner(data, source=path, format=fmt)
    except InputError as exc:
        code, _out, err = run_cli(["banner", path, "--as-of", AS_OF, "--config-format", fmt])
        check_cli_rejected(code, err, exc)
        return
    code, _out, err = run_cli(
        ["banner", path, "--as-of", AS_OF, "--config-format", fmt, "--format", "sarif"]
    )
    check_cli_accepted(code, err)
