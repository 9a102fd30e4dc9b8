"""Fuzz the policy loader: mutated and generated YAML only ever raises the documented errors.

Oracle: ``load_policy`` either returns a policy that ``lint_policy`` can check,
or raises a :class:`~gdpr_policy.GdprPolicyError` whose text is one line per
issue; ``gdpr-policy lint FILE`` then exits 2 and prints exactly that text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from fuzz._helpers import check_cli_accepted, check_cli_rejected, check_documented, run_cli
from gdpr_policy import GdprPolicyError, PolicyError, lint_policy, load_policy
from gdpr_policy._policy import bundled_policy_text
from strategies.fuzz import fuzz_text, mutated_bytes, mutated_tree, mutated_yaml

SEED = bundled_policy_text().encode("utf-8")
TREE: Any = yaml.safe_load(SEED)

# Examples hypothesis always runs, whatever the profile: the edits that broke readers elsewhere.
EDGE_CASES = [
    b"",
    b"\xef\xbb\xbf",
    b"\x00",
    b"---\n...\n",
    b"- a\n- b\n",
    b"id: inmeta\n",
    b"id: [",
    SEED[: len(SEED) // 2],
    SEED.replace(b"\n", b"\r\n"),
    b"\xef\xbb\xbf" + SEED,
    b"\xff\xfe" + SEED,
    SEED.replace(b"P1M", b"P" + b"9" * 400 + b"M", 1),
    SEED.replace(b"2024-03-06", b"2024-02-30", 1),
    SEED.replace(b"effective_from: 2024-03-06", b"effective_from: 99999-01-01", 1),
    b"a: &a [" + b"*a, " * 20 + b"]\n",
]


def _load(data: bytes | str | dict[str, Any]) -> None:
    try:
        policy = load_policy(data, source="fuzz.yaml")
    except GdprPolicyError as exc:
        check_documented(exc, PolicyError)
        return
    # A document that loads is a policy the rest of the library can work with.
    lint_policy(policy)
    policy.at(policy.latest.effective_from)


@given(mutated_bytes(SEED))
def test_mutated_policy_bytes(data: bytes) -> None:
    _load(data)


@pytest.mark.parametrize("data", EDGE_CASES, ids=range(len(EDGE_CASES)))
def test_policy_edge_cases(data: bytes) -> None:
    _load(data)


@given(mutated_bytes(SEED))
def test_mutated_policy_text(data: bytes) -> None:
    # str input takes a different path (no UTF-8 decoding, BOM as U+FEFF).
    _load(data.decode("utf-8", errors="replace"))


@given(mutated_yaml(TREE))
def test_tree_mutated_policy_yaml(data: bytes) -> None:
    _load(data)


@given(mutated_tree(TREE))
def test_tree_mutated_policy_mapping(tree: Any) -> None:
    assume(isinstance(tree, dict))  # the API takes text, bytes or a mapping
    _load(tree)


@given(fuzz_text())
def test_generated_policy_text(data: bytes) -> None:
    _load(data)


@pytest.fixture(scope="module")
def policy_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-policy") / "policy.yaml"


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(mutated_bytes(SEED), mutated_yaml(TREE)))
@example(SEED.replace(b"versions:", b"versions: [", 1))
@example(b"\x00")
def test_cli_lint_on_mutated_policy(policy_file: Path, data: bytes) -> None:
    policy_file.write_bytes(data)
    path = str(policy_file)
    try:
        load_policy(data, source=path)
    except PolicyError as exc:
        code, _out, err = run_cli(["lint", path])
        check_cli_rejected(code, err, exc)
        return
    code, _out, err = run_cli(["lint", path, "--format", "json"])
    check_cli_accepted(code, err)


def test_a_control_character_is_a_located_error() -> None:
    """PyYAML refuses NUL, ESC ... before parsing; the error says where (was a ReaderError)."""
    with pytest.raises(PolicyError) as info:
        load_policy("id: inmeta\ntitle: a\x1bb\n", source="ctl.yaml")
    issue = info.value.issues[0]
    assert (issue.source, issue.line, issue.column) == ("ctl.yaml", 2, 9)
    assert issue.found == "U+001B"
