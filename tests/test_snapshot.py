"""The JSON snapshot of the bundled policy: current, equivalent to the YAML, never trusted when stale."""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources
from typing import Any

import pytest

from gdpr_policy import Policy, PolicyError, load_policy
from gdpr_policy import _policy as policy_module
from gdpr_policy._policy import bundled_policy, bundled_policy_text, bundled_snapshot_json
from gdpr_policy._yaml import load_yaml

COMMITTED = resources.files("gdpr_policy").joinpath("policies", "inmeta.json")


@pytest.fixture
def fresh_caches() -> Iterator[None]:
    """Forget the cached bundled policy before and after a test that changes its inputs."""
    caches = (policy_module.bundled_policy, policy_module._bundled_bytes, policy_module._bundled_marks)
    for fn in caches:
        fn.cache_clear()
    yield
    for fn in caches:
        fn.cache_clear()


def _from_yaml() -> Policy:
    return load_policy(bundled_policy_text(), source="inmeta.yaml")


def test_committed_snapshot_is_current() -> None:
    assert COMMITTED.read_text("utf-8") == bundled_snapshot_json(), (
        "src/gdpr_policy/policies/inmeta.json is stale: run python tools/gen_snapshot_json.py"
    )


def test_snapshot_is_used_and_equals_the_yaml_policy(fresh_caches: None) -> None:
    from_snapshot = policy_module._from_snapshot()
    assert from_snapshot is not None, "the committed snapshot was not usable"
    from_yaml = _from_yaml()
    assert from_snapshot.model_dump() == from_yaml.model_dump()
    assert from_snapshot == from_yaml  # fields and private attributes, marks included
    assert from_snapshot.source == from_yaml.source == "inmeta.yaml"
    for a, b in zip(from_snapshot.versions, from_yaml.versions, strict=True):
        assert (a.id, dict(a.title)) == (b.id, dict(b.title))
    assert bundled_policy() == from_yaml


def test_snapshot_locations_are_the_yaml_ones(fresh_caches: None) -> None:
    policy = bundled_policy()
    marks = load_yaml(bundled_policy_text(), source="inmeta.yaml").marks
    assert len(marks) > 100
    for path, (line, column) in marks.items():
        loc = policy.location(path)
        assert (loc.file, loc.line, loc.column) == ("inmeta.yaml", line, column)
    unknown = policy.location(("versions", 0, "no-such-key", 3))
    assert (unknown.line, unknown.column) == marks[("versions", 0)]


def test_stale_snapshot_is_ignored(monkeypatch: pytest.MonkeyPatch, fresh_caches: None) -> None:
    # The YAML changed after the snapshot was made: the YAML wins.
    text = bundled_policy_text()
    assert 'legal_name: Inmeta Consulting AS' in text
    edited = text.replace("legal_name: Inmeta Consulting AS", "legal_name: Inmeta Edited AS", 1)
    monkeypatch.setattr(policy_module, "_bundled_bytes", lambda: edited.encode("utf-8"))
    monkeypatch.setattr(policy_module, "_bundled_text", lambda: edited)
    assert policy_module._from_snapshot() is None
    assert bundled_policy().latest.controller.legal_name == "Inmeta Edited AS"


def _serve_snapshot(monkeypatch: pytest.MonkeyPatch, content: bytes) -> None:
    """Make the package's ``policies/inmeta.json`` read as ``content``."""
    real_files = resources.files

    class _Snapshot:
        def read_bytes(self) -> bytes:
            return content

    class _Package:
        def __init__(self, package: str) -> None:
            self.real = real_files(package)

        def joinpath(self, *parts: str) -> Any:
            return _Snapshot() if parts[-1] == "inmeta.json" else self.real.joinpath(*parts)

    monkeypatch.setattr(resources, "files", _Package)


@pytest.mark.parametrize("content", [b"", b"{not json", b"[]", b'{"sha256": "00"}'])
def test_unusable_snapshot_falls_back_to_the_yaml(
    monkeypatch: pytest.MonkeyPatch, fresh_caches: None, content: bytes
) -> None:
    _serve_snapshot(monkeypatch, content)
    assert policy_module._from_snapshot() is None
    assert bundled_policy() == _from_yaml()


def test_snapshot_that_no_longer_validates_falls_back(
    monkeypatch: pytest.MonkeyPatch, fresh_caches: None
) -> None:
    # The right digest but data the model rejects (as after a model change): the YAML decides.
    snapshot = json.loads(bundled_snapshot_json())
    snapshot["policy"]["versions"][0]["controller"]["country"] = "DK"
    _serve_snapshot(monkeypatch, json.dumps(snapshot).encode("utf-8"))
    assert policy_module._from_snapshot() is None
    assert bundled_policy() == _from_yaml()


def test_the_served_snapshot_is_what_is_read(
    monkeypatch: pytest.MonkeyPatch, fresh_caches: None
) -> None:
    # The fallback tests above are only meaningful if serving a snapshot works.
    snapshot = json.loads(bundled_snapshot_json())
    snapshot["policy"]["versions"][0]["controller"]["legal_name"] = "Served AS"
    _serve_snapshot(monkeypatch, json.dumps(snapshot).encode("utf-8"))
    served = policy_module._from_snapshot()
    assert served is not None
    assert served.latest.controller.legal_name == "Served AS"


def test_snapshot_of_an_invalid_policy_is_refused() -> None:
    bad = bundled_policy_text().replace("after: P2Y ", "after: two years")
    with pytest.raises(PolicyError, match="expected an ISO 8601 duration"):
        bundled_snapshot_json(bad)


def test_snapshot_names_the_yaml_digest_and_holds_its_data() -> None:
    import hashlib

    text = bundled_policy_text()
    snapshot = json.loads(bundled_snapshot_json(text))
    assert snapshot["sha256"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert snapshot["source"] == "inmeta.yaml"
    data = load_yaml(text, source="inmeta.yaml").data
    assert json.loads(json.dumps(data, default=str)) == snapshot["policy"]
