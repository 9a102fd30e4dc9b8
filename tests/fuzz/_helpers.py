"""Shared oracles of the fuzz suite: what a documented error and a clean CLI rejection look like."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from gdpr_policy import GdprPolicyError, InputError
from gdpr_policy.cli import main

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLES = ROOT / "examples" / "banners"
BANNER_DATA = ROOT / "tests" / "data" / "banner"
AS_OF = "2026-11-30"


def check_documented(
    exc: BaseException, kind: type[GdprPolicyError] = GdprPolicyError
) -> None:
    """A library error as documented: a ``kind`` whose text is one line per issue."""
    assert isinstance(exc, kind), repr(exc)
    text = str(exc)
    lines = text.splitlines()
    assert text and all(line.strip() for line in lines), repr(text)
    assert "Traceback" not in text
    if isinstance(exc, InputError):
        assert exc.issues
        assert len(lines) == len(exc.issues), text
    else:
        assert len(lines) == 1, text


def run_cli(argv: Sequence[str]) -> tuple[int, str, str]:
    """Run the command line in-process; unexpected exceptions propagate (and fail the test)."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def check_cli_rejected(code: int, err: str, expected: GdprPolicyError) -> None:
    """Exit 2, no traceback, and stderr is exactly the library error: one line per problem."""
    assert code == 2, (code, err)
    assert "Traceback" not in err
    assert err.endswith("\n")
    lines = err.splitlines()
    assert all(line.strip() for line in lines), err
    expected_lines = len(expected.issues) if isinstance(expected, InputError) else 1
    assert len(lines) == expected_lines, err
    assert err == f"{expected}\n"


def check_cli_accepted(code: int, err: str) -> None:
    """A readable input: exit 0 or 1 and nothing on stderr."""
    assert code in (0, 1), (code, err)
    assert err == ""
