"""Measure how many response deadlines per second gdpr_policy computes on one core.

Prints one JSON line. The inputs are aware receipt instants spread over ten
years and the three calendars, as an audit of a CRM would see them. Reported:

* ``deadlines_per_second``: steady state (holiday tables and per-day results
  cached, as they are after the first pass of an audit) - the target is
  200,000 a second;
* ``cold_deadlines_per_second``: the first pass after every cache was cleared;
* ``naive_per_second``: the same loop doing what common tools do (receipt + 30
  days, no zone, no calendar), and ``ratio_to_naive`` = ours / naive.

Run: ``python benchmarks/deadlines.py [--n 100000] [--repeat 5]``. Measured,
never asserted in tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import sys
import time
from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

from gdpr_policy import _time
from gdpr_policy._time import response_deadline

TARGET = 200_000
Item = tuple[dt.datetime, str, str]  # receipt instant, time zone, calendar
ZONES = {"NO": "Europe/Oslo", "SE": "Europe/Stockholm", "SE-1930-173": "Europe/Stockholm"}


def _inputs(n: int, seed: int) -> list[Item]:
    rng = random.Random(seed)
    start = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    span = int((dt.datetime(2030, 1, 1, tzinfo=dt.UTC) - start).total_seconds())
    out = []
    for _ in range(n):
        calendar = rng.choice(("NO", "SE", "SE-1930-173"))
        zone = ZONES[calendar]
        at = (start + dt.timedelta(seconds=rng.randrange(span))).astimezone(ZoneInfo(zone))
        out.append((at, zone, calendar))
    return out


def _ours(items: Sequence[Item]) -> None:
    for at, zone, calendar in items:
        response_deadline(at, timezone=zone, calendar=calendar)


def _naive(items: Sequence[Item]) -> None:
    thirty = dt.timedelta(days=30)
    for at, _zone, _calendar in items:
        (at.date() + thirty).isoformat()


def _clear_caches() -> None:
    for fn in (_time._year_table, _time._core, _time._received_step, _time._zone):
        fn.cache_clear()


def _rate(fn: Callable[[Sequence[Item]], None], items: Sequence[Item], repeat: int) -> float:
    """Items per second of the best of ``repeat`` runs (the least disturbed one)."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(items)
        best = min(best, time.perf_counter() - t0)
    return len(items) / best


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20260302)
    args = parser.parse_args(argv)

    pinned = False
    if hasattr(os, "sched_setaffinity"):
        try:
            os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
            pinned = True
        except OSError:
            pinned = False

    items = _inputs(args.n, args.seed)
    _clear_caches()
    t0 = time.perf_counter()
    _ours(items)
    cold = len(items) / (time.perf_counter() - t0)
    steady = _rate(_ours, items, args.repeat)
    naive = _rate(_naive, items, args.repeat)
    print(
        json.dumps(
            {
                "benchmark": "deadlines",
                "n": len(items),
                "deadlines_per_second": round(steady),
                "cold_deadlines_per_second": round(cold),
                "naive_per_second": round(naive),
                "ratio_to_naive": round(steady / naive, 3),
                "target_per_second": TARGET,
                "meets_target": steady >= TARGET,
                "one_core_pinned": pinned,
                "python": platform.python_version(),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
