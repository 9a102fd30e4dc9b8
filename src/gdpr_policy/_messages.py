"""Message codes with values, kept unrendered until the edge.

The core never builds a sentence: it keeps ``Message(code, values)`` and the
renderers turn it into English, Bokmål or Swedish (see ``gdpr_policy.i18n``).
Values are plain JSON-able scalars, dates and date-times, or lists of them, so
that JSON output can carry them unchanged and text output can localize dates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, TypeAlias

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Location", "Message", "MessageValue"]

MessageValue: TypeAlias = str | int | float | bool | dt.date | dt.datetime | list[Any] | None


class Message(BaseModel):
    """A message code and the values its template refers to."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    values: dict[str, MessageValue] = Field(default_factory=dict)

    @classmethod
    def of(
        cls, code: str, values: Mapping[str, MessageValue] | None = None, /, **kw: MessageValue
    ) -> Message:
        """Build a message from a code and keyword values."""
        merged: dict[str, MessageValue] = dict(values or {})
        merged.update(kw)
        return cls(code=code, values=merged)


class Location(BaseModel):
    """Where a value came from: file, 1-based line and column, or a JSON pointer."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    file: str | None = None
    line: int | None = None
    column: int | None = None
    pointer: str | None = None

    def __str__(self) -> str:
        text = self.file or "<input>"
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        if self.pointer:
            text += f"#{self.pointer}"
        return text
