"""The report formats as the CLI writes them: what a person sees for odd runs."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from gdpr_policy.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_banner_of_a_missing_file_says_nothing_was_read(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.js")
    code, out, err = _run("banner", missing, "--as-of", "2026-11-30")
    assert code == 2
    assert "No findings." not in out
    assert "Nothing was read: " in out and "nope.js" in out
    assert "nope.js" in err


@pytest.mark.parametrize("lang", ["nb", "sv"])
def test_nothing_read_is_said_in_the_report_language(tmp_path: Path, lang: str) -> None:
    _, out, _ = _run("banner", str(tmp_path / "nope.js"), "--as-of", "2026-11-30", "--lang", lang)
    assert {"nb": "Ingenting ble lest: ", "sv": "Ingenting lästes: "}[lang] in out


def test_junit_of_a_missing_file_has_no_passing_case(tmp_path: Path) -> None:
    code, out, _ = _run("banner", str(tmp_path / "nope.js"), "--as-of", "2026-11-30",
                        "--format", "junit")
    assert code == 2
    root = ET.fromstring(out)
    cases = list(root.iter("testcase"))
    assert len(cases) > 1
    assert [c for c in cases if not list(c)] == []  # every case skipped or in error
    assert int(root.get("errors", "0")) == 1
    assert int(root.get("skipped", "0")) == len(cases) - 1
