"""The warehouse path on PostgreSQL: the report DuckDB gives from the same tables.

The docs name PostgreSQL among the backends ``audit_tables`` and ``--engine URL``
run on; its SQL differs where it matters here (a time formatted with
``TO_CHAR``, a zoned column converted in the session's zone). These tests run
when ``GDPR_POLICY_POSTGRES_URL`` names a server (``.ci/run`` starts a throwaway
one: ``postgres://postgres@localhost:PORT/postgres``), with the ``postgres``
extra installed; without them they are skipped.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

URL = os.environ.get("GDPR_POLICY_POSTGRES_URL")
pytestmark = [
    pytest.mark.skipif(not URL, reason="set GDPR_POLICY_POSTGRES_URL to a PostgreSQL server"),
    # Ibis 12 on DuckDB 2 (as in test_tables.py)
    pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning"),
]

ibis = pytest.importorskip("ibis")
pytest.importorskip("psycopg")

from gdpr_policy._policy import bundled_policy  # noqa: E402
from gdpr_policy.audit import audit_tables  # noqa: E402
from gdpr_policy.report import iter_json  # noqa: E402

from ._warehouse import TABLES, csv_table, json_table, load, run_tables  # noqa: E402

SNAPSHOT = Path(__file__).resolve().parents[1] / "data" / "audit_fuzz"
AS_OF = dt.date(2025, 6, 30)
POLICY = bundled_policy().at(AS_OF)
# PostgreSQL has no struct columns: the subscription statuses (nested) stay out of it
KINDS = ("contacts", "campaigns", "sends", "requests")


def _inputs() -> dict[str, list[str]]:
    names = {"contacts": "contacts_export.csv", "campaigns": "email_campaigns.json",
             "sends": "email_sends.jsonl", "requests": "dsr_requests.jsonl"}
    return {kind: (SNAPSHOT / names[kind]).read_text("utf-8").splitlines(keepends=True)
            for kind in KINDS}


def _json(report: object) -> dict[str, object]:
    data = json.loads("".join(iter_json(report, "en")))  # type: ignore[arg-type]
    data["tool"].pop("engine", None)  # the one field that names the backend
    return data  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, object]]:
    duck = tmp_path_factory.mktemp("pg") / "tables.duckdb"
    inputs = _inputs()
    load(duck, inputs)
    pg = ibis.connect(URL)
    for kind, lines in inputs.items():
        table = csv_table(lines)[0] if kind == "contacts" else json_table(lines, kind)
        pg.create_table(TABLES[kind], table, overwrite=True)
    # a zoned send time, as a sync tool writes timestamptz
    pg.raw_sql("ALTER TABLE email_send ALTER COLUMN sent_at TYPE timestamptz "
               "USING sent_at::timestamptz")
    yield duck, pg
    pg.disconnect()  # psycopg warns of a connection left open


@pytest.mark.parametrize("zone", ["UTC", "Europe/Oslo", "America/New_York"])
def test_postgres_gives_duckdbs_report_in_any_session_zone(loaded: tuple[Path, object],
                                                            zone: str) -> None:
    duck, pg = loaded
    pg.raw_sql(f"SET TIME ZONE '{zone}'")  # type: ignore[attr-defined]
    expected = _json(run_tables(duck, KINDS, as_of=AS_OF, policy=POLICY))
    got = _json(audit_tables(pg, {k: TABLES[k] for k in KINDS}, as_of=AS_OF, policy=POLICY))
    # TO_CHAR read 'DDT' as a day with an ordinal suffix: every send time came back as
    # '2023-07-05THH24:39:00', and the audit stopped on the first bounce
    assert got == expected
    assert sum(expected["summary"]["by_rule"].values()) > 0  # type: ignore[index]
