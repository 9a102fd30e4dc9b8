"""An input of the audit and its reconciliation: records read = evaluated + rejected.

:class:`SnapshotInput` is what the caller hands in (the core opens no file);
:class:`Tally` counts one input's records as they are read and keeps every
rejected record's located reasons, for the report's ``inputs``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .._errors import Issue, RecordError
from ..report._model import InputStats, Rejection

__all__ = ["SnapshotInput", "Tally"]


@dataclass(frozen=True, slots=True)
class SnapshotInput:
    """One opened input: its name (for messages) and its text, line by line.

    ``lines`` is any iterable of ``str`` lines (an open text file works); it is
    consumed once. The core never opens files: the CLI does and passes them in.
    """

    name: str
    lines: Iterable[str]



@dataclass(slots=True)
class Tally:
    """One input's reconciliation as it is read: records read, and the rejected ones' reasons."""

    file: str
    read: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    rejected_records: int = 0

    def reject(self, err: RecordError) -> None:
        self.rejected_records += 1
        self.rejected.extend(_rejections(err, self.file))

    def stats(self) -> InputStats:
        return InputStats(file=self.file, read=self.read,
                          evaluated=self.read - self.rejected_records,
                          rejected=self.rejected_records, problems=tuple(self.rejected))


def _reason(issue: Issue) -> str:
    text = f"{issue.path}: {issue.expected}" if issue.path else issue.expected
    if issue.found is not None:
        text += f", got {issue.found}"
    return text


def _rejections(err: RecordError, file: str) -> list[Rejection]:
    return [Rejection(file=file, line=i.line, column=i.column,
                      pointer=i.pointer if i.line is None else None, reason=_reason(i))
            for i in err.issues]
