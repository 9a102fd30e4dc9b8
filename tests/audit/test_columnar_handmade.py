"""The hand-made boundary snapshots and generated ones, on both engines: the same JSON bytes.

The example tests of ``test_engine``, ``test_exports`` and ``test_rules`` run
here a second time, with ``_helpers.run`` auditing every snapshot on the
Python engine and on DuckDB and failing unless the JSON reports are the same,
byte for byte (``_differential.both_engines``); what each test asserts is
then checked against the reference engine's report, as before. Their
property tests are left out (each example costs a DuckDB query); the
generated snapshots are compared by the property test at the end, with as-of
dates drawn too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("ibis")
pytest.importorskip("duckdb")
pytest.importorskip("pyarrow")

from gdpr_policy.audit import deadline_hook
from strategies.audit import snapshot_specs

from . import _helpers
from ._differential import both_engines
from .test_engine import *  # noqa: F403  (the tests, collected again)
from .test_engine import _lines
from .test_exports import *  # noqa: F403
from .test_rules import *  # noqa: F403

# the property tests stay in their own modules (see the module docstring)
for _name, _test in list(globals().items()):
    if _name.startswith("test_") and hasattr(_test, "hypothesis"):
        del globals()[_name]

_original = _helpers.audit_snapshot


def _audit_both(**kw: Any) -> Any:
    if kw.get("sends") is None or "engine" in kw:
        return _original(**kw)
    return both_engines(**kw)


@pytest.fixture(autouse=True)
def _differential(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_helpers, "audit_snapshot", _audit_both)


@settings(max_examples=40, deadline=None)
@given(snapshot_specs(), st.dates(min_value=dt.date(2024, 3, 6), max_value=dt.date(2027, 12, 31)))
def test_generated_snapshots_give_the_same_bytes(spec: dict[str, Any], as_of: dt.date) -> None:
    report = _helpers.run(as_of=as_of, **_lines(spec), request_hook=deadline_hook)
    assert report.summary.rejected == 0
