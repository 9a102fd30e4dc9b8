"""Measure the wall time of one ``gdpr-policy banner`` CI step against ``import pydantic``.

The targets: checking one banner file takes at most 1.5 times
``python -c "import pydantic"`` and at most 0.3 s of whole-process wall time
(``one_file_target_s``); checking 100 files in one call takes at most 2 s
(``--files 100``, the ``startup-many`` line; issue 12). Both are run as fresh processes, alternating,
``--runs`` times each in this one invocation (same machine, same moment), and
compared by their medians. Prints one JSON line per output format::

    {"format", "baseline_s", "banner_s", "ratio", "runs", "python", "machine", ...}

``one_model_s`` times a process that defines and validates one one-field
pydantic model: what any program pays that uses pydantic models at all, and
so the lower bound of the banner step (``one_model_ratio`` is its ratio).

``--bytecode cached`` (the default) gives the children a private bytecode cache
(``PYTHONPYCACHEPREFIX`` in a temporary directory, warmed by one untimed run),
as an installed wheel has; ``--bytecode none`` makes them compile every source
file on every run (what ``PYTHONDONTWRITEBYTECODE=1`` with an editable install
does). Nothing is written into the source tree either way.

``--importtime`` instead runs the first format's command (and the one-model
program) under ``python -X importtime`` and prints where the import time goes,
as the smallest self time of each module over the runs, summed by package
group (``gdpr_policy`` includes the creation of its pydantic model classes,
which runs at import). ``-X importtime`` slows imports down, so read these as
shares, not as wall time.

``--files N`` also times one process that checks N distinct files (copies,
under distinct names, of the readable configurations of
``tests/data/banner/corpus``, cycled) and prints one more JSON line,
``{"benchmark": "startup-many", "files", "many_s", "target_s", "meets_target", ...}``.

``--compare-src DIR`` also times the same banner commands with another copy of
the package first on ``PYTHONPATH`` (``DIR`` holds its ``gdpr_policy``, e.g. the
``src`` of ``git archive HEAD src`` unpacked), interleaved with the others, and
prints ``{"benchmark": "startup-compare", "format", "banner_s", "compare_s", ...}``
per format (and ``compare_many_s`` on the ``startup-many`` line): a before/after
measured at the same moment. With ``--importtime``
it has no effect (set ``PYTHONPATH`` instead).

Run: ``python benchmarks/startup.py [--runs 15] [--example FILE] [--format json ...]
[--files 100] [--importtime] [--compare-src DIR]``. Measured, never asserted in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EXAMPLE = "examples/banners/klaro/compliant.js"
TARGET_RATIO = 1.5
ONE_FILE_TARGET_S = 0.3
MANY_FILES_TARGET_S = 2.0
CORPUS = ROOT / "tests" / "data" / "banner" / "corpus"
FLOOR_CODE = "from pydantic import BaseModel\nclass M(BaseModel):\n    x: int\nM(x=1)"


def _with_path(env: dict[str, str], src: str) -> dict[str, str]:
    """``env`` with ``src`` first on ``PYTHONPATH`` (before the installed package)."""
    paths = [src, *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    return {**env, "PYTHONPATH": os.pathsep.join(paths)}


def _time_once(cmd: Sequence[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(
        cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
    )
    elapsed = time.perf_counter() - t0
    if done.returncode not in (0, 1):  # 1 = findings: still a complete run
        sys.stderr.write(done.stderr.decode("utf-8", "replace"))
        raise SystemExit(f"{' '.join(cmd)} exited with {done.returncode}")
    return elapsed


_PYDANTIC = ("pydantic", "pydantic_core", "annotated_types", "typing_extensions", "typing_inspection")
_THIRD_PARTY = ("yaml", "dateutil", "six", "babel", "holidays", "tree_sitter", "tree_sitter_javascript")
_IMPORTTIME = re.compile(r"import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)")


def _group(module: str) -> str:
    top = module.split(".", 1)[0]
    top = {"tree_sitter_javascript": "tree_sitter", "six": "dateutil"}.get(top, top)
    if top == "gdpr_policy":
        return "gdpr_policy"
    if top in _PYDANTIC:
        return "pydantic"
    return top if top in _THIRD_PARTY else "stdlib"


def _import_self_times(cmd: Sequence[str], env: dict[str, str], runs: int) -> dict[str, int]:
    """The smallest ``-X importtime`` self time of each module over ``runs`` runs, in µs."""
    best: dict[str, int] = {}
    for _ in range(runs):
        done = subprocess.run(
            [cmd[0], "-X", "importtime", *cmd[1:]],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False,
        )
        for m in _IMPORTTIME.finditer(done.stderr.decode("utf-8", "replace")):
            us, module = int(m.group(1)), m.group(2)
            best[module] = min(best.get(module, us), us)
    return best


def _by_group(times: dict[str, int]) -> dict[str, float]:
    groups: dict[str, float] = {}
    for module, us in times.items():
        groups[_group(module)] = groups.get(_group(module), 0) + us / 1000
    return {g: round(ms, 1) for g, ms in sorted(groups.items(), key=lambda kv: -kv[1])}


def _report_imports(
    banner_cmd: Sequence[str], floor_cmd: Sequence[str], env: dict[str, str], runs: int
) -> dict[str, object]:
    banner = _import_self_times(banner_cmd, env, runs)
    floor = _import_self_times(floor_cmd, env, runs)
    ours = sorted(((m, us) for m, us in banner.items() if m.startswith("gdpr_policy")),
                  key=lambda kv: -kv[1])
    beyond_floor = {m: us for m, us in banner.items() if m not in floor}
    return {
        "benchmark": "startup-imports",
        "banner_ms_by_group": _by_group(banner),
        "one_model_ms_by_group": _by_group(floor),
        "beyond_one_model_ms_by_group": _by_group(beyond_floor),
        "gdpr_policy_modules_ms": {m: round(us / 1000, 1) for m, us in ours},
        "other_modules_beyond_one_model": sorted(
            m for m in beyond_floor if not m.startswith("gdpr_policy")
        ),
        "runs": runs,
        "python": platform.python_version(),
    }


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            names = [ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    return f"{platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} CPUs"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=15, help="timed runs of each command")
    parser.add_argument("--example", default=DEFAULT_EXAMPLE, help="banner file to check")
    parser.add_argument("--as-of", default="2026-11-30")
    parser.add_argument(
        "--format",
        dest="formats",
        action="append",
        choices=("text", "json", "sarif", "junit", "github"),
        help="output format to time (repeatable; default: text, json and sarif)",
    )
    parser.add_argument("--bytecode", choices=("cached", "none"), default="cached")
    parser.add_argument(
        "--files", type=int, default=0, metavar="N",
        help="also time one process checking N distinct files (default: 0, not timed)",
    )
    parser.add_argument("--python", default=sys.executable, help="interpreter to run")
    parser.add_argument(
        "--importtime", action="store_true", help="print where the import time goes instead"
    )
    parser.add_argument(
        "--compare-src", metavar="DIR",
        help="also time the banner commands with the package in DIR first on PYTHONPATH",
    )
    args = parser.parse_args(argv)
    formats: list[str] = args.formats or ["text", "json", "sarif"]

    with tempfile.TemporaryDirectory(prefix="gdpr-policy-startup-") as cache:
        env = dict(os.environ)
        if args.bytecode == "cached":
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = cache
        else:
            env["PYTHONDONTWRITEBYTECODE"] = "1"
            env.pop("PYTHONPYCACHEPREFIX", None)
        baseline_cmd = [args.python, "-c", "import pydantic"]
        # What any program pays that validates one pydantic model: the lower bound for us.
        floor_cmd = [args.python, "-c", FLOOR_CODE]
        base = [args.python, "-m", "gdpr_policy", "banner", args.example, "--as-of", args.as_of]
        banner_cmds = {fmt: [*base, "--format", fmt] for fmt in formats}
        many_cmd = _many_files_cmd(args, Path(cache)) if args.files else None
        # Untimed warm-up: fills the bytecode cache and the OS file cache.
        _time_once(baseline_cmd, env)
        _time_once(floor_cmd, env)
        for cmd in banner_cmds.values():
            _time_once(cmd, env)
        compare_env = _with_path(env, args.compare_src) if args.compare_src else None
        if compare_env is not None:
            for cmd in banner_cmds.values():
                _time_once(cmd, compare_env)
        if many_cmd is not None:
            _time_once(many_cmd, env)
            if compare_env is not None:
                _time_once(many_cmd, compare_env)
        if args.importtime:
            report = _report_imports(banner_cmds[formats[0]], floor_cmd, env, args.runs)
            print(json.dumps({"format": formats[0], **report}))
            return 0
        times: dict[str, list[float]] = {
            "baseline": [], "floor": [], "many": [], **{f: [] for f in formats},
            **{f"compare-{f}": [] for f in formats}, "compare-many": [],
        }
        for _ in range(args.runs):
            # Alternate, so that a slow spell on the machine hits both sides alike.
            times["baseline"].append(_time_once(baseline_cmd, env))
            times["floor"].append(_time_once(floor_cmd, env))
            for fmt, cmd in banner_cmds.items():
                times[fmt].append(_time_once(cmd, env))
                if compare_env is not None:
                    times[f"compare-{fmt}"].append(_time_once(cmd, compare_env))
            if many_cmd is not None:
                times["many"].append(_time_once(many_cmd, env))
                if compare_env is not None:
                    times["compare-many"].append(_time_once(many_cmd, compare_env))

    baseline = statistics.median(times["baseline"])
    floor = statistics.median(times["floor"])
    for fmt in formats:
        banner = statistics.median(times[fmt])
        print(
            json.dumps(
                {
                    "benchmark": "startup",
                    "format": fmt,
                    "example": args.example,
                    "baseline_s": round(baseline, 4),
                    "banner_s": round(banner, 4),
                    "ratio": round(banner / baseline, 2),
                    "target_ratio": TARGET_RATIO,
                    "meets_target": banner <= TARGET_RATIO * baseline,
                    "one_file_target_s": ONE_FILE_TARGET_S,
                    "meets_one_file_target": banner <= ONE_FILE_TARGET_S,
                    "one_model_s": round(floor, 4),
                    "one_model_ratio": round(floor / baseline, 2),
                    "baseline_min_s": round(min(times["baseline"]), 4),
                    "banner_min_s": round(min(times[fmt]), 4),
                    "runs": args.runs,
                    "bytecode": args.bytecode,
                    "python": platform.python_version(),
                    "machine": _machine(),
                }
            )
        )
    for fmt in formats if args.compare_src else ():
        banner, other = statistics.median(times[fmt]), statistics.median(times[f"compare-{fmt}"])
        print(
            json.dumps(
                {
                    "benchmark": "startup-compare",
                    "format": fmt,
                    "example": args.example,
                    "compare_src": args.compare_src,
                    "banner_s": round(banner, 4),
                    "compare_s": round(other, 4),
                    "banner_min_s": round(min(times[fmt]), 4),
                    "compare_min_s": round(min(times[f"compare-{fmt}"]), 4),
                    "banner_over_compare": round(banner / other, 3),
                    "runs": args.runs,
                    "bytecode": args.bytecode,
                    "python": platform.python_version(),
                    "machine": _machine(),
                }
            )
        )
    if times["many"]:
        many = statistics.median(times["many"])
        print(
            json.dumps(
                {
                    "benchmark": "startup-many",
                    "files": args.files,
                    "many_s": round(many, 4),
                    "many_min_s": round(min(times["many"]), 4),
                    "per_file_ms": round(1000 * many / args.files, 2),
                    **(
                        {
                            "compare_many_s": round(statistics.median(times["compare-many"]), 4),
                            "compare_many_min_s": round(min(times["compare-many"]), 4),
                        }
                        if times["compare-many"] else {}
                    ),
                    "target_s": MANY_FILES_TARGET_S,
                    "meets_target": many <= MANY_FILES_TARGET_S,
                    "one_model_s": round(floor, 4),
                    "runs": args.runs,
                    "bytecode": args.bytecode,
                    "python": platform.python_version(),
                    "machine": _machine(),
                }
            )
        )
    return 0


def _many_files_cmd(args: argparse.Namespace, workdir: Path) -> list[str]:
    """The command checking ``args.files`` distinct copies of the readable corpus files."""
    import yaml

    manifest = yaml.safe_load((CORPUS / "manifest.yaml").read_text("utf-8"))
    readable = sorted(n for n, e in manifest.items() if "unreadable" not in e)
    target = workdir / "many"
    target.mkdir(exist_ok=True)
    paths: list[str] = []
    for i in range(args.files):
        name = readable[i % len(readable)]
        copy = target / f"{i:04d}-{name}"
        copy.write_bytes((CORPUS / name).read_bytes())
        paths.append(str(copy))
    return [
        args.python, "-m", "gdpr_policy", "banner", *paths, "--as-of", args.as_of,
        "--policy", str(CORPUS / "policy.yaml"), "--format", "json",
    ]


if __name__ == "__main__":
    sys.exit(main())
