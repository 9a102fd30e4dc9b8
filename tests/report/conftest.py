"""Golden-file support for the renderer tests.

Set ``GDPR_POLICY_UPDATE_GOLDEN=1`` to rewrite the golden files that differ
from the current output: those tests still fail in that run (the expected bytes
are read before anything is written), so review the diff and run again.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from test_golden import check_golden

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture
def golden() -> Callable[[str, str], None]:
    """Compare text with ``golden/<name>`` byte for byte (UTF-8, line ends kept)."""

    def check(name: str, text: str) -> None:
        check_golden(GOLDEN / name, text.encode("utf-8"),
                     update=os.environ.get("GDPR_POLICY_UPDATE_GOLDEN") == "1")

    return check


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the ``browser`` tests unless GDPR_POLICY_BROWSER_TESTS=1 (set by ``.ci/run``)."""
    if os.environ.get("GDPR_POLICY_BROWSER_TESTS") == "1":
        return
    skip = pytest.mark.skip(reason="opens Chromium: set GDPR_POLICY_BROWSER_TESTS=1 to run")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)
