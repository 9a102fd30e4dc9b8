"""Golden files: each command's output, in each format, is byte-identical run after run.

``tests/golden/<command>-<case>.<format>`` holds the expected output of::

    gdpr-policy lint --format F                                   (bundled policy)
    gdpr-policy banner FILE --as-of 2026-11-30 --format F         (compliant, noncompliant)
    gdpr-policy deadline --received 2026-03-02 --format F --lang L
    gdpr-policy audit tests/data/audit_fuzz --as-of AS_OF --format F   (a small snapshot)

The command runs in-process from the repository root with relative paths, so
that the files name ``examples/...`` wherever the tree is checked out. The tool
version is written as ``@VERSION@`` in the golden files, so that a release does
not rewrite them; everything else must match byte for byte.

To regenerate after an intended change, run
``GDPR_POLICY_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py``: each
differing file is rewritten and its test fails; review the diff and run again.
The expected bytes are always read before the run writes anything.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from gdpr_policy import __version__
from gdpr_policy.cli import main

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("GDPR_POLICY_UPDATE_GOLDEN") == "1"
AS_OF = "2026-11-30"
AUDIT_AS_OF = (ROOT / "tests" / "data" / "audit_fuzz" / "AS_OF").read_text("utf-8").strip()

BANNERS = {
    "compliant": "examples/banners/cookieconsent/compliant.js",
    "noncompliant": "examples/banners/klaro/preselected.js",
}

CASES: list[tuple[str, list[str], int]] = [
    *(
        (f"lint-bundled.{fmt}", ["lint", "--format", fmt], 0)
        for fmt in ("text", "json", "sarif", "junit", "github", "csv")
    ),
    *(
        (
            f"banner-{case}.{fmt}",
            ["banner", path, "--as-of", AS_OF, "--format", fmt],
            0 if case == "compliant" else 1,
        )
        for case, path in BANNERS.items()
        for fmt in ("text", "json", "sarif", "junit", "github")
    ),
    *(
        (
            f"deadline-2026-03-02-{lang}.{fmt}",
            ["deadline", "--received", "2026-03-02", "--lang", lang, "--format", fmt],
            0,
        )
        for lang in ("en", "nb", "sv")
        for fmt in ("text", "json")
    ),
    *(
        (
            f"audit-snapshot.{fmt}",
            ["audit", "tests/data/audit_fuzz", "--as-of", AUDIT_AS_OF, "--format", fmt],
            1,
        )
        for fmt in ("text", "json", "csv")
    ),
]


def _run(argv: list[str]) -> tuple[int, bytes]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, stdout=out, stderr=err)
    assert err.getvalue() == ""
    return code, out.getvalue().encode("utf-8")


def _normalized(output: bytes) -> bytes:
    return output.replace(__version__.encode(), b"@VERSION@")


@pytest.mark.parametrize(("name", "argv", "exit_code"), CASES, ids=[c[0] for c in CASES])
def test_output_matches_the_golden_file(
    name: str, argv: list[str], exit_code: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    code, first = _run(argv)
    assert code == exit_code
    _, second = _run(argv)
    assert first == second, "the same input gave different output"
    check_golden(GOLDEN / name, _normalized(first))


def check_golden(path: Path, actual: bytes, update: bool = UPDATE) -> None:
    """Compare ``actual`` with the golden file as it was before this run.

    The expected bytes are read before anything is written, so an update run
    can never compare a file with what it just wrote: it rewrites a differing
    file and still fails, and the next run (after a review of the diff) passes.
    """
    expected = path.read_bytes() if path.exists() else None
    if expected == actual:
        return
    if update:
        path.write_bytes(actual)
        pytest.fail(f"{path} rewritten: review the diff and run again")
    assert expected is not None, f"missing {path}: run with GDPR_POLICY_UPDATE_GOLDEN=1"
    assert actual == expected, f"output differs from {path}"


def test_every_golden_file_has_a_case() -> None:
    assert sorted(p.name for p in GOLDEN.iterdir()) == sorted(c[0] for c in CASES)


def test_an_update_run_cannot_pass_against_what_it_wrote(tmp_path: Path) -> None:
    path = tmp_path / "x.text"
    path.write_bytes(b"old\n")
    with pytest.raises(pytest.fail.Exception, match="rewritten"):
        check_golden(path, b"new\n", update=True)
    assert path.read_bytes() == b"new\n"  # rewritten for review ...
    check_golden(path, b"new\n", update=True)  # ... and only a later run passes
    with pytest.raises(AssertionError, match="differs"):
        check_golden(path, b"newer\n", update=False)
    with pytest.raises(AssertionError, match="missing"):
        check_golden(tmp_path / "none", b"x", update=False)
