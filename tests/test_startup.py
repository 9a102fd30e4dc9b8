"""The banner CI step imports only what it uses (see benchmarks/startup.py for the timing)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "banners" / "klaro" / "compliant.js"
HTML_EXAMPLE = ROOT / "examples" / "banners" / "klaro" / "no-withdrawal.html"

# A fresh interpreter: this test process has imported everything already.
PROBE = """
import io, json, sys
from gdpr_policy.cli import main
out = io.StringIO()
code = main(sys.argv[1:], stdout=out)
print(json.dumps({"code": code, "modules": sorted(sys.modules), "output": out.getvalue()}))
"""

NEVER_ON_THE_BANNER_PATH = {
    "yaml",  # the bundled policy comes from its JSON snapshot
    "gdpr_policy._yaml",
    "babel",  # no finding, so no localized date
    "holidays",
    "gdpr_policy._time",
    "gdpr_policy.requests",
    "gdpr_policy.consent",
    "gdpr_policy.audit",
    "gdpr_policy._lint",
    "gdpr_policy._catalog",
    "html.parser",  # only for HTML files (and its 2,000-entry entity table with it)
    "gdpr_policy.banner._scripts",
    "gdpr_policy._cli_init",  # other commands' arguments are added only when they run
    "gdpr_policy._cli_deadline",
    "difflib",  # the policy's "did you mean" hint, only on that error
}
RENDERERS = {
    "text": "gdpr_policy.report._text",
    "json": "gdpr_policy.report._json",
    "sarif": "gdpr_policy.report._sarif",
    "junit": "gdpr_policy.report._junit",
    "github": "gdpr_policy.report._github",
    "csv": "gdpr_policy.report._csv",
}


def _probe(*args: str) -> tuple[int, set[str], str]:
    """Exit code, imported modules and output of one CLI run in a fresh interpreter."""
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=env,
    )
    result = json.loads(done.stdout)
    return int(result["code"]), set(result["modules"]), str(result["output"])


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_banner_step_imports_only_its_own_renderer(fmt: str) -> None:
    code, modules, output = _probe("banner", str(EXAMPLE), "--as-of", "2026-11-30", "--format", fmt)
    assert code == 0
    assert output
    assert RENDERERS[fmt] in modules
    unexpected = NEVER_ON_THE_BANNER_PATH & modules
    assert not unexpected, f"imported on the banner path: {sorted(unexpected)}"
    # SARIF reuses the JSON encoder; no other renderer is loaded.
    allowed = {RENDERERS[fmt], RENDERERS["json"]} if fmt == "sarif" else {RENDERERS[fmt]}
    assert modules & set(RENDERERS.values()) == allowed


def test_lint_still_locates_findings_in_the_yaml() -> None:
    # Positions come from the YAML, read only when lint asks for one.
    _code, modules, output = _probe("lint", "--format", "json")
    report = json.loads(output)
    located = [f for f in report["findings"] if f["location"]["line"] is not None]
    assert located
    assert all(f["location"]["file"] == "inmeta.yaml" for f in located)
    assert "yaml" in modules


def test_an_html_banner_still_loads_the_script_finder() -> None:
    code, modules, output = _probe(
        "banner", str(HTML_EXAMPLE), "--as-of", "2026-11-30", "--format", "json"
    )
    assert json.loads(output)["summary"]["evaluated"] == 1
    assert code in (0, 1)
    assert {"html.parser", "gdpr_policy.banner._scripts"} <= modules


# The console-script entry point, in a fresh interpreter: what it sets for the process,
# and whether pydantic looked for plugins in the installed distributions' entry points.
RUN_PROBE = """
import gc, io, json, os, sys
import importlib.metadata as metadata
scans = []
real = metadata.entry_points
def counting(**params):
    scans.append(params.get("group"))
    return real(**params)
metadata.entry_points = counting  # pydantic's plugin loader imports it by name later
sys.stdout = io.StringIO()
from gdpr_policy import cli
sys.argv = ["gdpr-policy", *sys.argv[1:]]
entry = cli.run if os.environ["PROBE_ENTRY"] == "run" else lambda: sys.exit(cli.main())
try:
    entry()
except SystemExit as exc:
    code = exc.code
sys.__stdout__.write(json.dumps({
    "code": code,
    "plugins_env": os.environ.get("PYDANTIC_DISABLE_PLUGINS"),
    "pydantic_scans": scans.count("pydantic"),
    "gc_enabled": gc.isenabled(),
    "frozen": gc.get_freeze_count(),
}))
"""


def _run_probe(entry: str, plugins_env: str | None, *args: str) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    env["PROBE_ENTRY"] = entry
    if plugins_env is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = plugins_env
    done = subprocess.run(
        [sys.executable, "-c", RUN_PROBE, *args],
        capture_output=True, text=True, check=True, cwd=ROOT, env=env,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


BANNER_ARGS = ("banner", str(EXAMPLE), "--as-of", "2026-11-30")


def test_the_entry_point_skips_pydantic_plugin_discovery() -> None:
    result = _run_probe("run", None, *BANNER_ARGS)
    assert result["code"] == 0
    assert result["plugins_env"] == "__all__"
    assert result["pydantic_scans"] == 0


@pytest.mark.parametrize("value", ["", "some_plugin"])
def test_the_entry_point_keeps_a_plugin_setting_the_user_made(value: str) -> None:
    # An empty value turns plugins back on: pydantic then looks for them as usual.
    result = _run_probe("run", value, *BANNER_ARGS)
    assert result["code"] == 0
    assert result["plugins_env"] == value
    assert result["pydantic_scans"] == 1


def test_main_leaves_the_process_settings_alone() -> None:
    # main() is what embedding programs and the tests call: no environment, no collector.
    result = _run_probe("main", None, *BANNER_ARGS)
    assert result["code"] == 0
    assert result["plugins_env"] is None
    assert result["pydantic_scans"] == 1
    assert result["gc_enabled"] is True
    assert result["frozen"] == 0


@pytest.mark.parametrize(
    "args",
    [BANNER_ARGS, ("rules", "--format", "json"), ("deadline", "--received", "2026-03-02", "--format", "json")],
    ids=["banner", "rules", "deadline"],
)
def test_the_entry_point_turns_the_collector_back_on(args: tuple[str, ...]) -> None:
    # Paused for the imports only: what a command allocates afterwards is collected as usual.
    result = _run_probe("run", None, *args)
    assert result["code"] == 0
    assert result["gc_enabled"] is True
    assert isinstance(result["frozen"], int) and result["frozen"] > 1000
