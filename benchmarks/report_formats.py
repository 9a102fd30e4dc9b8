"""Benchmark: the HTML and XLSX reports of a large audit against its JSON report.

    python benchmarks/gen_large.py --contacts 100000 --out /tmp/big
    python benchmarks/report_formats.py /tmp/big [--as-of 2025-06-30] [--lang nb] [--runs 3]

Audits the snapshot once (as ``gdpr-policy audit DIR`` does, the controller's
zone included), then writes each report to a temporary file, alternating the
formats ``--runs`` times, and prints one JSON line per format with the median
wall time: ``{"format", "findings", "median_s", "runs_s", "bytes", "ratio_to_json",
"peak_rss_mb", "rss_before_mb"}``. The target (issue 13): the HTML report in under 2x the
JSON report's time, within the memory the audit already uses. ``peak_rss_mb`` is the
highest resident set size of the process while that format was written (Linux: the
peak is reset through ``/proc/self/clear_refs`` before each write and read from
``VmHWM`` after it, so each format is measured on its own, not as the process's
peak so far); ``rss_before_mb`` is the resident size when its write began. A last
line gives the audit's own time and peak (``audit_peak_rss_mb``), so the report
times and peaks can be set against the whole command.

``--browser`` also opens the HTML report in headless Chromium (Debian's
``chromium``, driven by ``tests/report/chromium.py``) and prints how long the
page takes to load, how long the rule filter, a text search over all the findings
(for the domain of the first e-mail found, with how many rows it matched) and the
view of one contact take, and how long getting every finding ready for
printing takes: ``{"browser_load_s", "filter_rule_s", "search_s", "contact_s",
"print_s", "findings", "rows_in_page"}`` (``rows_in_page``: finding rows laid out
in the document after loading).
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
from gdpr_policy.report._common import contact_of


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


def _status() -> dict[str, float]:
    """VmRSS and VmHWM of this process in MB (Linux), else the peak from getrusage."""
    try:
        lines = Path("/proc/self/status").read_text().splitlines()
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return {"VmRSS": peak, "VmHWM": peak}
    out = {}
    for line in lines:
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0]) / 1024
    return out


def _reset_peak() -> None:
    """Start a new peak at the current resident size (Linux ``clear_refs``: 5)."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        pass  # the peak stays the process's peak so far


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
    audit_peak = _status()["VmHWM"]
    times: dict[str, list[float]] = {"json": [], "html": [], "xlsx": []}
    sizes: dict[str, int] = {}
    peaks: dict[str, float] = {}
    before: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.runs):
            for fmt in times:
                path = Path(tmp) / f"report.{fmt}"
                _reset_peak()
                before[fmt] = max(before.get(fmt, 0.0), _status()["VmRSS"])
                times[fmt].append(_write(report, fmt, args.lang, path))
                peaks[fmt] = max(peaks.get(fmt, 0.0), _status()["VmHWM"])
                sizes[fmt] = path.stat().st_size
                path.unlink()
    json_s = statistics.median(times["json"])
    findings = len(report.findings)  # type: ignore[attr-defined]
    for fmt, runs in times.items():
        median = statistics.median(runs)
        print(json.dumps({"format": fmt, "findings": findings, "median_s": round(median, 3),
                          "runs_s": [round(t, 3) for t in runs], "bytes": sizes[fmt],
                          "ratio_to_json": round(median / json_s, 2),
                          "peak_rss_mb": round(peaks[fmt], 1),
                          "rss_before_mb": round(before[fmt], 1)}))
    print(json.dumps({"audit_s": round(audit_s, 3), "audit_peak_rss_mb": round(audit_peak, 1),
                      "lang": args.lang}))
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
            shown = page.eval("document.getElementById('f-shown').textContent")
            rule = next(r for r, n in report.summary.by_rule.items() if n)  # type: ignore[attr-defined]
            filter_s = page.eval(
                "(() => { const t = performance.now(); const s = document.getElementById('f-rule');"
                f"s.value = {json.dumps(rule)}; s.dispatchEvent(new Event('change'));"
                "document.body.offsetHeight; return (performance.now() - t) / 1000; })()")
            contact = next(contact_of(f) for f in report.findings  # type: ignore[attr-defined]
                           if f.evidence.get("email"))
            term = contact.rpartition("@")[2]  # a domain: the search matches many rows
            search_s = page.eval(
                "(() => { const s = document.getElementById('f-rule'); s.value = '';"
                "s.dispatchEvent(new Event('change')); const t = performance.now();"
                f"const q = document.getElementById('f-text'); q.value = {json.dumps(term)};"
                "q.dispatchEvent(new Event('input'));"
                "return new Promise(r => setTimeout(() => { document.body.offsetHeight;"
                " r((performance.now() - t) / 1000 - 0.15); }, 160)); })()")
            search_shown = page.eval("document.getElementById('f-shown').textContent")
            contact_s = page.eval(
                "(() => { const q = document.getElementById('f-text'); q.value = '';"
                "q.dispatchEvent(new Event('input'));"
                "return new Promise(r => setTimeout(() => { const t = performance.now();"
                "window.addEventListener('hashchange', () => { document.body.offsetHeight;"
                " r((performance.now() - t) / 1000); }, {once: true});"
                f"location.hash = '#contact=' + encodeURIComponent({json.dumps(contact)});"
                "}, 200)); })()")
            contact_rows = page.eval("document.getElementById('f-shown').textContent")
            print_s = page.eval(
                "(() => { history.pushState('', document.title, location.pathname);"
                "window.dispatchEvent(new HashChangeEvent('hashchange'));"
                "const t = performance.now(); window.dispatchEvent(new Event('beforeprint'));"
                "document.body.offsetHeight; const s = (performance.now() - t) / 1000;"
                "window.dispatchEvent(new Event('afterprint')); return s; })()")
            printed = page.eval("document.querySelectorAll('#findings .f').length")
            return {"browser_load_s": round(load, 2), "filter_rule_s": round(filter_s, 3),
                    "search_s": round(search_s, 3), "search": term,
                    "search_shown": search_shown, "contact_s": round(contact_s, 3),
                    "contact_shown": contact_rows, "print_s": round(print_s, 3),
                    "rows_printed": printed, "findings": shown, "rows_in_page": rows,
                    "problems": page.problems()}


if __name__ == "__main__":
    sys.exit(main())
