"""The example of docs/services.md runs as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[1] / "docs" / "services.md"


def section(title: str) -> str:
    text = DOC.read_text("utf-8")
    start = text.index(f"## {title}\n")
    nxt = text.find("\n## ", start + 1)
    return text[start:] if nxt < 0 else text[start:nxt]


def test_the_may_we_still_email_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    [code] = re.findall(r"```python\n(.*?)```", section("May we still e-mail this contact?"),
                        re.S)
    exec(compile(code, str(DOC), "exec"), {"__name__": "docs_services"})
    # the reason rendered in Norwegian, with the opt-out date
    assert "2025-03-01" in capsys.readouterr().out
