"""Every command in docs/output-formats.md runs as written and makes what it promises."""

from __future__ import annotations

import io
import re
import shlex
from pathlib import Path

import pytest

from gdpr_policy.cli import main

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "output-formats.md"
COMMANDS = re.findall(r"^\$ gdpr-policy (.+)$", DOC.read_text("utf-8"), re.M)


def test_the_doc_has_commands() -> None:
    assert len(COMMANDS) >= 3


@pytest.mark.parametrize("command", COMMANDS)
def test_command_runs_as_written(command: str, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "tests").symlink_to(ROOT / "tests")  # the doc's relative paths
    monkeypatch.chdir(tmp_path)
    argv = shlex.split(command)
    err = io.StringIO()
    code = main(argv, stdout=io.StringIO(), stderr=err)
    assert code in (0, 1), err.getvalue()  # the sample snapshot has findings
    output = Path(argv[argv.index("--output") + 1])
    assert output.stat().st_size > 1000
    if output.suffix == ".csv":
        assert Path("report.rejected.csv").exists()
        assert Path("report.inputs.csv").read_bytes().startswith(b"\xef\xbb\xbf")
