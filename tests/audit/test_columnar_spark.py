"""The columnar engine on Spark (local mode, two threads): the same report as the Python engine.

Skipped without PySpark (``pip install 'gdpr-policy[spark]'``) or Java; CI
installs both (``.ci/run``).
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("ibis")
pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java", allow_module_level=True)

from gdpr_policy._policy import bundled_policy
from gdpr_policy.audit import SnapshotInput, deadline_hook

from ._differential import both_engines
from ._helpers import fixture_lines
from .test_ground_truth import FIXTURES

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning:pyspark")


@pytest.fixture(scope="module")
def spark_backend() -> Iterator[Any]:
    import ibis
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[2]").appName("gdpr-policy-test")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "2").getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield ibis.pyspark.connect(session)
    finally:
        session.stop()


def test_a_generated_snapshot_gives_the_same_bytes_on_spark(spark_backend: Any) -> None:
    d: Path = next(p for p in FIXTURES if p.name.startswith("seed42"))
    gt = json.loads((d / "ground_truth.json").read_text(encoding="utf-8"))
    as_of = dt.date.fromisoformat(gt["as_of"])

    def inp(name: str) -> SnapshotInput:
        return SnapshotInput(name, list(fixture_lines(d, name)))

    report = both_engines(
        spark_backend, as_of=as_of, policy=bundled_policy().at(as_of),
        contacts=inp("contacts_export.csv"), properties=inp("properties.json"),
        subscriptions=inp("subscriptions.jsonl"), campaigns=inp("email_campaigns.json"),
        sends=inp("email_sends.jsonl"), requests=inp("dsr_requests.jsonl"),
        timezone=gt["generator"]["csv_tz"], datetime_format=gt["generator"]["csv_datetime_format"],
        request_hook=deadline_hook)
    assert report.summary.by_rule["marketing.no-basis"] > 0
    assert report.summary.by_rule["retention.deactivated-marketed"] > 0


def test_the_documented_spark_example_runs_as_written(spark_backend: Any,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from .test_columnar import ROOT, python_blocks, run_example

    monkeypatch.chdir(ROOT)
    [block] = [b for b in python_blocks() if "pyspark" in b]
    run_example(block)  # getOrCreate: the module's session


def test_the_command_line_runs_the_audit_on_spark(spark_backend: Any,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # --engine spark takes the session Spark's configuration gives: here the module's
    import io

    from gdpr_policy.cli import main

    from .test_columnar import ROOT

    monkeypatch.chdir(ROOT)
    outs = {}
    for engine in ("python", "spark"):
        out, err = io.StringIO(), io.StringIO()
        code = main(["audit", "tests/data/audit_fuzz", "--as-of", "2025-06-30", "--format",
                     "json", "--engine", engine], stdout=out, stderr=err)
        assert code == 1, err.getvalue()
        outs[engine] = json.loads(out.getvalue())
    assert outs["spark"]["tool"]["engine"] == "pyspark"
    outs["spark"]["tool"]["engine"] = "python"
    assert outs["spark"] == outs["python"]
