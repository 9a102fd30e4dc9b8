"""Fuzz the audit's readers through the command line: no record is lost, nothing crashes.

Seeds are a small snapshot cut from a generated fixture (``tests/data/audit_fuzz``):
the first lines of each file, read by the API-dump path and by the CSV-export
path. One file at a time is mutated (bytes, or the JSON tree for the campaigns
and properties documents). Oracle: ``gdpr-policy audit`` either reports (exit
0, 1 or 3) with every input reconciled, ``read = evaluated + rejected``, and
exit 3 exactly when a record was rejected; or refuses the input (exit 2) with
one non-empty line per problem and no traceback. Any other exception fails.
"""

from __future__ import annotations

import io
import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gdpr_policy.cli import main
from strategies.fuzz import mutated_bytes, mutated_json

SEED_DIR = Path(__file__).resolve().parent.parent / "data" / "audit_fuzz"
AS_OF = (SEED_DIR / "AS_OF").read_text("utf-8").strip()
LINE_FILES = [
    "contacts_api.jsonl",
    "subscriptions.jsonl",
    "email_sends.jsonl",
    "dsr_requests.jsonl",
]
DOC_FILES = ["email_campaigns.json", "properties.json"]
FUZZ = settings(
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)


def _audit(directory: Path, *extra: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["audit", str(directory), "--as-of", AS_OF, "--format", "json", *extra],
        stdout=out,
        stderr=err,
    )
    return code, out.getvalue(), err.getvalue()


def _check(code: int, out: str, err: str) -> None:
    assert "Traceback" not in err
    if code == 2:
        assert out == ""
        lines = err.splitlines()
        assert lines, "exit 2 without a message"
        assert all(line.strip() for line in lines), err
        return
    assert code in (0, 1, 3), (code, err)
    assert err == ""
    report = json.loads(out)
    rejected = 0
    for item in report["inputs"]:
        assert item["read"] == item["evaluated"] + item["rejected"], item
        assert len(item["problems"]) >= (1 if item["rejected"] else 0)
        for problem in item["problems"]:
            assert problem["file"] == item["file"]
            assert problem["reason"].strip()
        rejected += item["rejected"]
    assert (code == 3) == (rejected > 0), (code, rejected)
    summary = report["summary"]
    assert summary["read"] == summary["evaluated"] + summary["rejected"]


@pytest.fixture
def snapshot(tmp_path: Path) -> Path:
    target = tmp_path / "snap"
    shutil.copytree(SEED_DIR, target)
    return target


@contextmanager
def fresh_snapshot() -> Iterator[Path]:
    """A new copy of the seed snapshot for one hypothesis example."""
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "snap"
        shutil.copytree(SEED_DIR, target)
        yield target


def test_the_seed_snapshot_is_clean(snapshot: Path) -> None:
    code, out, err = _audit(snapshot)
    _check(code, out, err)
    assert json.loads(out)["summary"]["rejected"] == 0


@FUZZ
@given(data=st.data(), name=st.sampled_from(LINE_FILES))
def test_mutated_line_files(data: st.DataObject, name: str) -> None:
    mutated = data.draw(mutated_bytes((SEED_DIR / name).read_bytes()))
    with fresh_snapshot() as snapshot:
        (snapshot / name).write_bytes(mutated)
        _check(*_audit(snapshot))


@FUZZ
@given(data=st.data(), name=st.sampled_from(DOC_FILES), as_tree=st.booleans())
def test_mutated_documents(data: st.DataObject, name: str, as_tree: bool) -> None:
    raw = (SEED_DIR / name).read_bytes()
    mutated = data.draw(mutated_json(json.loads(raw)) if as_tree else mutated_bytes(raw))
    with fresh_snapshot() as snapshot:
        (snapshot / name).write_bytes(mutated)
        _check(*_audit(snapshot))


@FUZZ
@given(data=st.data())
def test_mutated_csv_export(data: st.DataObject) -> None:
    mutated = data.draw(mutated_bytes((SEED_DIR / "contacts_export.csv").read_bytes()))
    with fresh_snapshot() as snapshot:
        _audit_csv(snapshot, mutated)


def _audit_csv(snapshot: Path, mutated: bytes) -> None:
    path = snapshot / "contacts_export.csv"
    path.write_bytes(mutated)
    out, err = io.StringIO(), io.StringIO()
    code = main(
        [
            "audit",
            "--contacts",
            str(path),
            "--properties",
            str(snapshot / "properties.json"),
            "--as-of",
            AS_OF,
            "--format",
            "json",
        ],
        stdout=out,
        stderr=err,
    )
    _check(code, out.getvalue(), err.getvalue())


@FUZZ
@given(lines=st.lists(st.text(max_size=200), max_size=20), name=st.sampled_from(LINE_FILES))
def test_generated_lines(lines: list[str], name: str) -> None:
    with fresh_snapshot() as snapshot:
        (snapshot / name).write_text("\n".join(lines), "utf-8")
        _check(*_audit(snapshot))


def test_json_lines_of_other_shapes_are_rejected_one_by_one(snapshot: Path) -> None:
    sends = snapshot / "email_sends.jsonl"
    good = sends.read_text("utf-8").splitlines(keepends=True)
    odd = ["[]\n", "null\n", "42\n", '"text"\n', "{}\n", '{"send_id": 1e400}\n', "\n"]
    sends.write_text("".join(good[:3] + odd + good[3:]), "utf-8")
    code, out, err = _audit(snapshot)
    _check(code, out, err)
    report = json.loads(out)
    item = next(i for i in report["inputs"] if i["file"].endswith("email_sends.jsonl"))
    assert item["evaluated"] == len(good)
