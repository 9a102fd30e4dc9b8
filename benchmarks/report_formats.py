"""Benchmark: the HTML and XLSX reports of a large audit against its JSON report.

    python benchmarks/gen_large.py --contacts 100000 --out /tmp/big
    python benchmarks/report_formats.py /tmp/big [--as-of 2025-06-30] [--lang nb] [--runs 3]

Audits the snapshot once (as ``gdpr-policy audit DIR`` does, the controller's
zone included), then writes each report to a temporary file, alternating the
formats ``--runs`` times, and prints one JSON line per format with the median
wall time: ``{"format", "findings", "median_s", "runs_s", "bytes", "ratio_to_json",
"peak_rss_mb"}``. The target (issue 13): the HTML report in under 2x the JSON
report's time. ``peak_rss_mb`` is the process's peak so far (the audit's peak
comes first, so a format that stays within it adds nothing). A last line gives
the audit's own time, so the report times can be set against the whole command.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from gdpr_policy._policy import bundled_policy
from gdpr_policy.audit import SnapshotInput, audit_snapshot, classify_files, deadline_hook
from gdpr_policy.cli import _auto_workers
from gdpr_policy.report import draw_charts, iter_html, iter_json, write_xlsx


def _audit(directory: Path, as_of: str) -> tuple[object, float]:
    import datetime as dt
    from contextlib import ExitStack

    policy = bundled_policy()
    version = policy.at(dt.date.fromisoformat(as_of))
    zone = version.jurisdiction().timezone
    selection = classify_files(sorted(os.listdir(directory)))
    start = time.perf_counter()
    with ExitStack() as stack:
        inputs = {}
        for kind in ("contacts", "subscriptions", "campaigns", "sends", "requests"):
            name = getattr(selection, kind)
            if name:
                fh = stack.enter_context(open(directory / name, encoding="utf-8"))
                inputs[kind] = SnapshotInput(str(directory / name), fh)
        report = audit_snapshot(as_of=dt.date.fromisoformat(as_of), policy=version,
                                contacts_format=selection.contacts_format, timezone=zone,
                                request_hook=deadline_hook, workers=_auto_workers(), **inputs)
    report = report.model_copy(update={"timezone": zone})
    return report, time.perf_counter() - start


def _write(report: object, fmt: str, lang: str, path: Path) -> float:
    start = time.perf_counter()
    if fmt == "xlsx":
        write_xlsx(report, str(path), lang)  # type: ignore[arg-type]
    else:
        with open(path, "w", encoding="utf-8", newline="") as fh:
            if fmt == "json":
                fh.writelines(iter_json(report, lang))  # type: ignore[arg-type]
            else:
                fh.writelines(iter_html(report, lang, draw_charts(report, lang)))  # type: ignore[arg-type]
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dir", type=Path)
    parser.add_argument("--as-of", default="2025-06-30")
    parser.add_argument("--lang", default="nb", choices=("en", "nb", "sv"))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    report, audit_s = _audit(args.dir, args.as_of)
    times: dict[str, list[float]] = {"json": [], "html": [], "xlsx": []}
    sizes: dict[str, int] = {}
    peaks: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.runs):
            for fmt in times:
                path = Path(tmp) / f"report.{fmt}"
                times[fmt].append(_write(report, fmt, args.lang, path))
                sizes[fmt] = path.stat().st_size
                peaks[fmt] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                path.unlink()
    json_s = statistics.median(times["json"])
    findings = len(report.findings)  # type: ignore[attr-defined]
    for fmt, runs in times.items():
        median = statistics.median(runs)
        print(json.dumps({"format": fmt, "findings": findings, "median_s": round(median, 3),
                          "runs_s": [round(t, 3) for t in runs], "bytes": sizes[fmt],
                          "ratio_to_json": round(median / json_s, 2),
                          "peak_rss_mb": round(peaks[fmt], 1)}))
    print(json.dumps({"audit_s": round(audit_s, 3), "lang": args.lang}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
