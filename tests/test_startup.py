"""The banner CI step imports only what it uses (see benchmarks/startup.py for the timing)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "banners" / "klaro" / "compliant.js"

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
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
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
