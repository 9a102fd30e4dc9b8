"""Golden-file support for the renderer tests.

Set ``GDPR_POLICY_UPDATE_GOLDEN=1`` to rewrite the golden files from the
current output (then review the diff before committing).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def golden() -> Callable[[str, str], None]:
    """Compare text with ``golden/<name>`` byte for byte (UTF-8, line ends kept)."""

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        data = text.encode("utf-8")
        if os.environ.get("GDPR_POLICY_UPDATE_GOLDEN") == "1":
            path.write_bytes(data)
        assert path.exists(), f"missing golden file {path}; run with GDPR_POLICY_UPDATE_GOLDEN=1"
        assert data == path.read_bytes(), f"output differs from {path}"

    return check
