"""Run an audit on both engines and check that the reports are the same, byte for byte."""

from __future__ import annotations

import difflib
from typing import Any

from gdpr_policy.audit import SnapshotInput, audit_snapshot
from gdpr_policy.report import iter_json
from gdpr_policy.report._model import Report, ToolInfo


def json_text(report: Report, engine: str | None = None) -> str:
    """The JSON report, with the engine's name replaced by ``engine`` (to compare the rest)."""
    if engine is not None:
        report = report.model_copy(update={"tool": ToolInfo(engine=engine)})
    return "".join(iter_json(report, "en"))


def both_engines(engine: Any = "duckdb", **kw: Any) -> Report:
    """``audit_snapshot(**kw)`` on the Python engine and on ``engine``: the same JSON, or fail.

    Inputs are read into lists first, so that both engines read the same lines.
    Returns the Python engine's report.
    """
    for k, v in list(kw.items()):
        if isinstance(v, SnapshotInput):
            kw[k] = SnapshotInput(v.name, list(v.lines))
    kw.pop("engine", None)
    reference = audit_snapshot(**kw)
    assert reference.tool.engine == "python"
    other = audit_snapshot(engine=engine, **kw)
    assert other.tool.engine != "python"
    ours, theirs = json_text(reference), json_text(other, "python")
    if ours != theirs:
        diff = difflib.unified_diff(ours.splitlines(), theirs.splitlines(), "python", "other",
                                    lineterm="", n=1)
        raise AssertionError("the engines disagree:\n" + "\n".join(list(diff)[:40]))
    for stats in other.inputs:  # reconciliation holds on every engine
        assert stats.read == stats.evaluated + stats.rejected
    return reference
