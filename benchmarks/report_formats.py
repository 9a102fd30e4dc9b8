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

``--browser`` also opens the HTML report in headless Chromium (Debian's
``chromium``, driven by ``tests/report/chromium.py``) and prints how long the
page takes to load and how long the rule filter and a text search take over all
the findings: ``{"browser_load_s", "filter_rule_s", "search_s", "rows"}``.
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
    parser.add_argument("--browser", action="store_true",
                        help="also open the HTML report in headless Chromium")
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
    if args.browser:
        print(json.dumps(_browser(report, args.lang)))
    return 0


def _browser(report: object, lang: str) -> dict[str, object]:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from report.chromium import Browser, Page, executable

    exe = executable()
    if exe is None:
        return {"browser": "no chromium"}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.html"
        _write(report, "html", lang, path)
        with Browser(exe, timeout=600) as browser:
            page = Page(browser)
            start = time.perf_counter()
            page.open(path)
            load = time.perf_counter() - start
            rows = page.eval("document.querySelectorAll('#findings .f').length")
            rule = next(r for r, n in report.summary.by_rule.items() if n)  # type: ignore[attr-defined]
            filter_s = page.eval(
                "(() => { const t = performance.now(); const s = document.getElementById('f-rule');"
                f"s.value = {json.dumps(rule)}; s.dispatchEvent(new Event('change'));"
                "document.body.offsetHeight; return (performance.now() - t) / 1000; })()")
            search_s = page.eval(
                "(() => { const s = document.getElementById('f-rule'); s.value = '';"
                "s.dispatchEvent(new Event('change')); const t = performance.now();"
                "const q = document.getElementById('f-text'); q.value = 'gmail';"
                "q.dispatchEvent(new Event('input'));"
                "return new Promise(r => setTimeout(() => { document.body.offsetHeight;"
                " r((performance.now() - t) / 1000 - 0.15); }, 160)); })()")
            return {"browser_load_s": round(load, 2), "filter_rule_s": round(filter_s, 3),
                    "search_s": round(search_s, 3), "rows": rows,
                    "problems": page.problems()}


if __name__ == "__main__":
    sys.exit(main())
