"""Benchmark: the full streaming audit against DuckDB running equivalent SQL on the same files.

    python benchmarks/gen_large.py --contacts 100000 --out /tmp/big
    python benchmarks/audit.py /tmp/big [--as-of 2025-06-30] [--threads N] [--workers N]

Prints one JSON line: {"contacts", "sends", "audit_s", "duckdb_s", "ratio", "peak_rss_mb"},
then, unless ``--no-columnar``, the same audit on the columnar engine
(``engine=ibis.duckdb.connect(threads=...)``, issue 14) in the same run:
"columnar_s", "columnar_cpu_s", "columnar_vs_python" (columnar_s / audit_s),
"columnar_vs_sql" (columnar_s / duckdb_s) and "columnar_same" (whether its JSON
report is byte-identical to the Python engine's, the engine's name aside),
then what was measured: "workers" (the audit's ``workers``; by default what the
CLI's ``--workers auto`` picks, one per CPU up to 4), "duckdb_threads"
(DuckDB's thread count; its default is one per core) and "audit_cpu_s" (CPU
time of the audit, its worker processes included: on N cores the audit cannot
take less than audit_cpu_s / N). ``peak_rss_mb`` is the process's peak resident set
size measured right after the audit, before DuckDB runs, so it is the audit's
peak; with several workers "worker_peak_rss_mb" is the largest worker's (its
pages are mostly shared with the parent after the fork). The SQL computes the
same contact rules (inactivity, bounce, marketing after opt-out, no basis,
restriction, deactivated but marketed) from the same JSON files; the two results' per-rule counts are
compared and a mismatch is reported on stderr. The machine is shared in CI and
development: run it several times and take medians; the ratio is measured
within one run, so load hits both sides.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

from gdpr_policy._policy import bundled_policy
from gdpr_policy._zones import zone_of
from gdpr_policy.audit import SnapshotInput, audit_snapshot, classify_files, inactivity_cutoff
from gdpr_policy.cli import _auto_workers

SQL = """
CREATE TEMP TABLE c AS
SELECT id, lower(properties.email) AS email,
       greatest(
         coalesce(TRY_CAST(properties.createdate AS TIMESTAMPTZ), TIMESTAMPTZ '1900-01-01 00:00:00+00'),
         coalesce(TRY_CAST(properties.hs_analytics_last_visit_timestamp AS TIMESTAMPTZ), TIMESTAMPTZ '1900-01-01 00:00:00+00'),
         coalesce(TRY_CAST(properties.hs_email_last_open_date AS TIMESTAMPTZ), TIMESTAMPTZ '1900-01-01 00:00:00+00')
       ) AS last_act,
       properties.contact_status = 'deactivated' AS deactivated,
       TRY_CAST(properties.deactivated_date AS TIMESTAMPTZ) AS deactivated_at,
       properties.hs_email_hard_bounce_reason_enum AS bounce,
       properties.processing_restricted = 'true' AS restricted,
       TRY_CAST(properties.processing_restricted_date AS TIMESTAMPTZ) AS restricted_at,
       -- gen_large records the contact's basis on every list from the creation, so consent on
       -- the list equals a consent basis here (the audit reads the lists)
       coalesce(properties.hs_legal_basis, '') LIKE '%consent%' AS has_basis
FROM read_json('{d}/contacts_api.jsonl', format='newline_delimited',
               columns={{id: 'VARCHAR', archived: 'BOOLEAN', properties: 'STRUCT(email VARCHAR, createdate VARCHAR,
               hs_analytics_last_visit_timestamp VARCHAR, notes_last_updated VARCHAR, hs_email_last_open_date VARCHAR,
               contact_status VARCHAR, deactivated_date VARCHAR, hs_email_hard_bounce_reason_enum VARCHAR, processing_restricted VARCHAR,
               processing_restricted_date VARCHAR, hs_legal_basis VARCHAR, lifecyclestage VARCHAR)'}})
WHERE NOT archived;

CREATE TEMP TABLE o AS
WITH s AS (
  SELECT recordId AS id, wideStatuses, results
  FROM read_json('{d}/subscriptions.jsonl', format='newline_delimited',
     columns={{recordId: 'VARCHAR', wideStatuses: 'STRUCT(status VARCHAR, "timestamp" VARCHAR)[]',
               results: 'STRUCT(subscriptionName VARCHAR, status VARCHAR, "timestamp" VARCHAR)[]'}})
), wide AS (
  SELECT id, min(CAST(w.timestamp AS TIMESTAMPTZ)) AS t
  FROM (SELECT id, unnest(wideStatuses) AS w FROM s) WHERE w.status = 'NOT_SUBSCRIBED' GROUP BY id
), subs AS (
  SELECT id, max(CAST(r.timestamp AS TIMESTAMPTZ)) FILTER (WHERE r.status = 'NOT_SUBSCRIBED') AS t,
         bool_or(r.status = 'SUBSCRIBED') AS any_on
  FROM (SELECT id, unnest(results) AS r FROM s)
  WHERE r.subscriptionName IN ('Marketing Information', 'Newsletter') GROUP BY id
), obj AS (
  SELECT hubspot_record_id AS id, min(CAST(received_at AS TIMESTAMPTZ)) AS t
  FROM read_json('{d}/dsr_requests.jsonl', format='newline_delimited')
  WHERE type = 'objection' AND status <> 'revoked' GROUP BY 1
)
SELECT c.id, least(wide.t, CASE WHEN NOT subs.any_on THEN subs.t END, obj.t) AS opt_at
FROM c LEFT JOIN wide USING (id) LEFT JOIN subs USING (id) LEFT JOIN obj USING (id);

CREATE TEMP TABLE camp AS
SELECT campaign_id, purpose FROM read_json('{d}/email_campaigns.json', format='array',
  columns={{campaign_id: 'VARCHAR', purpose: 'VARCHAR'}});

CREATE TEMP TABLE hits AS
SELECT s.record_id AS id,
       count(*) FILTER (WHERE coalesce(camp.purpose, s.purpose) = 'marketing' AND s.sent_at >= o.opt_at) AS after_opt,
       count(*) FILTER (WHERE coalesce(camp.purpose, s.purpose) = 'marketing' AND NOT c.has_basis
                        AND (o.opt_at IS NULL OR s.sent_at < o.opt_at)) AS no_basis,
       count(*) FILTER (WHERE coalesce(camp.purpose, s.purpose) <> 'transactional' AND c.restricted
                        AND s.sent_at >= c.restricted_at) AS restricted,
       count(*) FILTER (WHERE coalesce(camp.purpose, s.purpose) = 'marketing' AND c.deactivated
                        AND s.sent_at >= c.deactivated_at) AS deactivated
FROM read_json('{d}/email_sends.jsonl', format='newline_delimited',
   columns={{send_id: 'VARCHAR', campaign_id: 'VARCHAR', purpose: 'VARCHAR', record_id: 'VARCHAR',
             email: 'VARCHAR', sent_at: 'TIMESTAMPTZ', status: 'VARCHAR'}}) s
JOIN c ON c.id = s.record_id JOIN o ON o.id = s.record_id
LEFT JOIN camp ON camp.campaign_id = s.campaign_id
GROUP BY 1;
"""

COUNTS = """
SELECT
 (SELECT count(*) FROM c WHERE last_act < TIMESTAMPTZ '{cutoff}' AND NOT coalesce(deactivated, false)),
 (SELECT count(*) FROM c WHERE bounce = 'UNKNOWN_USER'),
 (SELECT count(*) FROM hits WHERE after_opt > 0),
 (SELECT count(*) FROM hits WHERE no_basis > 0),
 (SELECT count(*) FROM hits WHERE restricted > 0),
 (SELECT count(*) FROM hits WHERE deactivated > 0),
 (SELECT count(*) FROM read_json('{d}/email_sends.jsonl', format='newline_delimited',
     columns={{send_id: 'VARCHAR'}}))
"""

RULES = ("retention.inactive-not-deactivated", "retention.bounced-not-deleted",
         "marketing.after-opt-out", "marketing.no-basis", "restriction.processed",
         "retention.deactivated-marketed")


def _cpu() -> float:
    """CPU seconds (user and system) of this process and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir")
    ap.add_argument("--as-of", default="2025-06-30")
    ap.add_argument("--threads", type=int, default=0, help="DuckDB threads (0: its default)")
    ap.add_argument("--no-columnar", action="store_true",
                    help="do not run the audit on the columnar engine (issue 14) as well")
    ap.add_argument("--workers", type=int, default=_auto_workers(),
                    help="audit_snapshot's workers (default: as the CLI's --workers auto, "
                         "one per CPU, at most 4)")
    a = ap.parse_args()
    d = Path(a.dir)
    as_of = dt.date.fromisoformat(a.as_of)
    policy = bundled_policy().at(as_of)
    sel = classify_files(p.name for p in d.iterdir())

    def inp(name: str | None) -> SnapshotInput | None:
        return SnapshotInput(name, (d / name).open(encoding="utf-8")) if name else None

    cpu0 = _cpu()
    t0 = time.perf_counter()
    report = audit_snapshot(as_of=as_of, policy=policy, contacts=inp(sel.contacts),
                            subscriptions=inp(sel.subscriptions), campaigns=inp(sel.campaigns),
                            sends=inp(sel.sends), requests=inp(sel.requests), workers=a.workers)
    audit_s = time.perf_counter() - t0
    audit_cpu_s = _cpu() - cpu0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    import duckdb

    con = duckdb.connect()
    if a.threads:
        con.execute(f"SET threads = {a.threads}")
    cutoff = inactivity_cutoff(as_of, policy.retention_rule("inactivity").after,  # type: ignore[union-attr]
                               zone_of(policy.jurisdiction().timezone))
    t0 = time.perf_counter()
    con.execute(SQL.format(d=d))
    row = con.execute(COUNTS.format(d=d, cutoff=cutoff.isoformat())).fetchone()
    duckdb_s = time.perf_counter() - t0
    assert row is not None
    ours = report.summary.by_rule
    theirs = dict(zip(RULES, row[:len(RULES)], strict=True))
    for rule_id, n in theirs.items():
        if ours.get(rule_id, 0) != n:
            print(f"count mismatch {rule_id}: audit {ours.get(rule_id, 0)} duckdb {n}", file=sys.stderr)
    sends = next(i for i in report.inputs if i.file == sel.sends).read if sel.sends else 0
    contacts = next(i for i in report.inputs if i.file == sel.contacts).read if sel.contacts else 0
    threads = con.execute("SELECT current_setting('threads')").fetchone()
    out = {"contacts": contacts, "sends": sends, "audit_s": round(audit_s, 3),
           "duckdb_s": round(duckdb_s, 3), "ratio": round(audit_s / duckdb_s, 2),
           "peak_rss_mb": round(peak, 1), "workers": a.workers,
           "duckdb_threads": threads[0] if threads else None}
    out["audit_cpu_s"] = round(audit_cpu_s, 3)
    if a.workers > 1:
        out["worker_peak_rss_mb"] = round(worker_peak, 1)
    if not a.no_columnar:
        out.update(_columnar(a, d, sel, as_of, policy, report, audit_s, duckdb_s))
    print(json.dumps(out))


def _columnar(a: argparse.Namespace, d: Path, sel: Any, as_of: dt.date, policy: Any,
              report: Any, audit_s: float, duckdb_s: float) -> dict[str, Any]:
    """The same audit on the columnar engine (DuckDB through Ibis), with DuckDB's threads."""
    import ibis

    from gdpr_policy.report import iter_json
    from gdpr_policy.report._model import ToolInfo

    con = ibis.duckdb.connect(threads=a.threads) if a.threads else ibis.duckdb.connect()

    def inp(name: str | None) -> SnapshotInput | None:
        return SnapshotInput(name, (d / name).open(encoding="utf-8")) if name else None

    cpu0 = _cpu()
    t0 = time.perf_counter()
    other = audit_snapshot(as_of=as_of, policy=policy, contacts=inp(sel.contacts),
                           subscriptions=inp(sel.subscriptions), campaigns=inp(sel.campaigns),
                           sends=inp(sel.sends), requests=inp(sel.requests), engine=con)
    columnar_s = time.perf_counter() - t0
    cpu = _cpu() - cpu0
    same = "".join(iter_json(other.model_copy(update={"tool": report.tool}), "en")) == "".join(
        iter_json(report.model_copy(update={"tool": ToolInfo(engine=report.tool.engine)}), "en"))
    return {"columnar_s": round(columnar_s, 3), "columnar_cpu_s": round(cpu, 3),
            "columnar_vs_python": round(columnar_s / audit_s, 2),
            "columnar_vs_sql": round(columnar_s / duckdb_s, 2), "columnar_same": same}


if __name__ == "__main__":
    main()
