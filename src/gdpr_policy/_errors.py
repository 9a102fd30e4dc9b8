"""The exception tree of gdpr-policy.

Every error the library raises derives from :class:`GdprPolicyError`; errors of
PyYAML, pydantic, dateutil and tree-sitter are caught at the boundary and
re-raised as one of these, with the original kept as ``__cause__``::

    GdprPolicyError
    ├── InputError            bad input text: says where, what was expected, what was found
    │   ├── PolicyError       a policy document that does not load or validate
    │   ├── HostileInputError input refused before parsing: alias bombs, deep nesting, size
    │   └── RecordError       one record of a snapshot or log (the rest is still evaluated)
    ├── UsageError            an API call or CLI invocation that cannot be honoured
    └── EvaluationError       a rule that could not be evaluated on a valid input

The CLI maps ``InputError`` and ``UsageError`` to exit code 2 and prints
``str(error)``: one line per issue, never a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Self

__all__ = [
    "EvaluationError",
    "GdprPolicyError",
    "HostileInputError",
    "InputError",
    "Issue",
    "PolicyError",
    "RecordError",
    "UsageError",
]


class GdprPolicyError(Exception):
    """Base of every error raised by gdpr-policy."""


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem in an input: where it is, which field, what was expected and found.

    ``line`` and ``column`` are 1-based. ``pointer`` is a JSON pointer (RFC 6901)
    where the input is JSON-like and no text position is known.
    """

    source: str
    line: int | None
    column: int | None
    path: str
    expected: str
    found: str | None = None
    pointer: str | None = None

    def __str__(self) -> str:
        """``source:line:column: path: expected ..., got ...`` on exactly one line."""
        return _one_line(self._text())

    def _text(self) -> str:
        where = self.source
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        elif self.pointer is not None:
            where += f"#{self.pointer}"
        field = f" {self.path}:" if self.path else ""
        text = f"{where}:{field} {self.expected}"
        if self.found is not None:
            text += f", got {self.found}"
        return text


# Everything str.splitlines() breaks on: an issue must stay one line of stderr even when a
# key, a value or a file name carries a line break.
_LINE_BREAKS = str.maketrans(
    {ch: repr(ch)[1:-1] for ch in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"}
)


def _one_line(text: str) -> str:
    return text.translate(_LINE_BREAKS)


class InputError(GdprPolicyError, ValueError):
    """Input text that cannot be read: carries one or more located issues."""

    def __init__(self, issues: Sequence[Issue]) -> None:
        if not issues:
            raise ValueError("InputError needs at least one issue")
        self.issues: tuple[Issue, ...] = tuple(issues)
        super().__init__("\n".join(str(i) for i in self.issues))

    def __reduce__(self) -> tuple[type[Self], tuple[tuple[Issue, ...]]]:
        # Rebuilt from the issues, not from the message text: an error raised in a
        # worker process of the audit crosses to the parent by pickle.
        return type(self), (self.issues,)

    @classmethod
    def at(
        cls,
        source: str,
        line: int | None,
        column: int | None,
        path: str,
        expected: str,
        found: str | None = None,
        *,
        pointer: str | None = None,
    ) -> Self:
        """Build an error with a single issue."""
        return cls([Issue(source, line, column, path, expected, found, pointer)])


class PolicyError(InputError):
    """A policy document that does not load or validate."""


class HostileInputError(InputError):
    """Input refused before or while parsing because it exceeds a safety limit."""


class RecordError(InputError):
    """One record of a snapshot or log that cannot be evaluated."""


class UsageError(GdprPolicyError, ValueError):
    """An API call or command line that cannot be honoured (bad option, missing zone)."""


class EvaluationError(GdprPolicyError):
    """A rule failed on input that had passed validation (a bug: please report it)."""
