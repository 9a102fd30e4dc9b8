"""Helpers for the banner reader tests: fixture files live in ``tests/data/banner``."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "banner"


def fixture_text(relative: str) -> str:
    """The text of a fixture file under ``tests/data/banner``."""
    return (DATA / relative).read_text(encoding="utf-8")


def line_col_of(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """1-based line and character column of the n-th occurrence of ``needle`` in ``text``."""
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column
