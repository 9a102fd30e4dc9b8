"""The audit's send-log fold on a columnar engine: Ibis expressions over typed fact tables.

The pure-Python engine (``_engine``) stays the reference and the
dependency-free path. This package replaces one stage of it, the fold of the
send log, and nothing else: the readers still read and reject (with file and
line), the planning of every contact's thresholds is still the marketing
decision in bulk (``_verdicts``), and the rules still judge the facts. The
stages, each a module with one job:

- ``_facts``: the typed tables (Apache Arrow): the sends as the send reader
  accepted them, and the thresholds the planning put in the tables;
- ``_fold``: the relational fold in Ibis (joins of the sends with contacts,
  campaigns, lists and thresholds; per-contact tallies and first offending
  sends), run on DuckDB or any Ibis backend;
- back in ``_channels``, ``Channels.settle`` hands the tallies to the rules.

Ibis, DuckDB and PyArrow come with the ``engine`` extra
(``pip install 'gdpr-policy[engine]'``); they are imported only when a
columnar engine is asked for.
"""

from __future__ import annotations

from typing import Any

from ..._errors import UsageError

__all__ = ["ENGINES", "send_fold"]

#: the engine names the command line knows besides an Ibis connection string
ENGINES = ("python", "duckdb", "spark")


def send_fold(engine: Any) -> Any:
    """The fold for ``engine``: ``"duckdb"``, an Ibis connection string, or an Ibis backend.

    Raises :class:`~gdpr_policy.UsageError` when the ``engine`` extra is not
    installed or the connection string cannot be opened.
    """
    try:
        from ._fold import ColumnarFold
    except ImportError as exc:  # the extra is not installed
        raise UsageError(
            f"the {engine if isinstance(engine, str) else 'columnar'} engine needs Ibis, "
            f"DuckDB and PyArrow ({exc.name} is missing): "
            "pip install 'gdpr-policy[engine]', or run with --engine python") from None
    return ColumnarFold.of(engine)
