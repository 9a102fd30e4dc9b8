"""The HTML report as a person sees it: opened in headless Chromium, offline.

Marked ``browser``: skipped unless ``GDPR_POLICY_BROWSER_TESTS=1`` (``.ci/run``
sets it and installs Debian's ``chromium`` when missing), so the default run
stays quick. Chromium is driven over its DevTools pipe (``report/chromium.py``).
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from gdpr_policy.cli import main
from report.chromium import Browser, Page, executable

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
AUDIT = ["audit", "tests/data/audit_fuzz", "--as-of",
         (ROOT / "tests" / "data" / "audit_fuzz" / "AS_OF").read_text("utf-8").strip()]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    exe = executable()
    if exe is None:
        pytest.fail("no chromium: install Debian's package (apt-get install chromium)")
    with Browser(exe) as b:
        yield b


def _report(tmp_path: Path, *argv: str) -> tuple[Path, dict]:
    out = tmp_path / "report.html"
    old = Path.cwd()
    try:
        import os

        os.chdir(ROOT)
        err = io.StringIO()
        main([*argv, "--format", "html", "--output", str(out)], stdout=io.StringIO(), stderr=err)
        data = io.StringIO()
        main([*argv, "--format", "json"], stdout=data, stderr=io.StringIO())
    finally:
        os.chdir(old)
    return out, json.loads(data.getvalue())


def _visible_rows(page: Page) -> int:
    return int(page.eval("Array.from(document.querySelectorAll('#findings .f'))"
                         ".filter(r => !r.hidden && r.offsetParent !== null).length"))


def test_audit_report_loads_offline_and_shows_summary_charts_and_findings(
        browser: Browser, tmp_path: Path) -> None:
    path, data = _report(tmp_path, *AUDIT, "--lang", "nb")
    page = Page(browser, width=1280, height=1600)
    page.open(path)
    shot = page.screenshot(tmp_path / "report.png")
    assert shot.startswith(b"\x89PNG") and len(shot) > 50_000
    assert page.problems() == []
    height = page.eval("document.documentElement.scrollHeight")
    # each part a person looks for is laid out, with a size, inside the screenshot
    for selector in ("#verdict", "#summary table", "#chart-per-rule", "#chart-requests",
                     "#findings .f"):
        box = page.eval(f"(() => {{ const r = document.querySelector('{selector}')"
                        ".getBoundingClientRect(); return [r.top + scrollY, r.width, r.height]; })()")
        assert box[1] > 100 and box[2] > 10, (selector, box)
        assert box[0] < min(height, 16000), (selector, box)
    # a chart is drawn, not covered: the point at its middle belongs to it
    assert page.eval("(() => { const s = document.querySelector('#chart-per-rule');"
                     "const r = s.getBoundingClientRect(); scrollTo(0, r.top + scrollY - 10);"
                     "const q = s.getBoundingClientRect();"
                     "return s.contains(document.elementFromPoint(q.left + q.width / 2,"
                     " q.top + q.height / 2)); })()")
    verdict = page.eval("document.getElementById('verdict').textContent")
    assert verdict.startswith(f"{len(data['findings'])} funn")
    assert _visible_rows(page) == len(data["findings"])


def test_filters_and_the_view_of_one_contact(browser: Browser, tmp_path: Path) -> None:
    path, data = _report(tmp_path, *AUDIT)
    page = Page(browser)
    page.open(path)
    findings = data["findings"]
    total = len(findings)
    assert _visible_rows(page) == total

    def choose(select: str, value: str) -> None:
        page.eval(f"(() => {{ const s = document.getElementById('{select}'); s.value = "
                  f"{json.dumps(value)}; s.dispatchEvent(new Event('change')); }})()")

    choose("f-rule", "request.late")
    assert _visible_rows(page) == sum(f["rule"] == "request.late" for f in findings)
    assert page.eval("document.getElementById('f-shown').textContent") == (
        f"Showing {sum(f['rule'] == 'request.late' for f in findings)} of {total}")
    choose("f-rule", "")
    choose("f-sev", "error")
    assert _visible_rows(page) == sum(f["severity"] == "error" for f in findings)
    choose("f-sev", "")

    page.eval("(() => { const q = document.getElementById('f-text'); q.value = 'DSR-2025-0018';"
              "q.dispatchEvent(new Event('input')); })()")
    time.sleep(0.5)  # the search waits for typing to pause
    assert _visible_rows(page) == sum("DSR-2025-0018" in json.dumps(f) for f in findings)
    page.eval("(() => { const q = document.getElementById('f-text'); q.value = '';"
              "q.dispatchEvent(new Event('input')); })()")
    time.sleep(0.5)
    assert _visible_rows(page) == total

    # the per-contact view: a click on a contact in the list shows all its findings
    email = next(f["evidence"]["email"] for f in findings if f["evidence"].get("email"))
    mine = sum(f["evidence"].get("email", "").lower() == email.lower() for f in findings)
    page.eval(f"document.querySelector('#contacts a[href=\"#contact={email}\"]').click()")
    time.sleep(0.3)
    assert _visible_rows(page) == mine
    assert page.eval("document.getElementById('contact-view').hidden") is False
    assert page.eval("document.getElementById('contact-who').textContent") == email
    page.eval("document.getElementById('contact-all').click()")
    assert _visible_rows(page) == total
    assert page.problems() == []


def test_print_hides_the_controls(browser: Browser, tmp_path: Path) -> None:
    path, _ = _report(tmp_path, *AUDIT)
    page = Page(browser)
    page.open(path)
    assert page.eval("getComputedStyle(document.getElementById('controls')).display") != "none"
    page.send("Emulation.setEmulatedMedia", media="print")
    assert page.eval("getComputedStyle(document.getElementById('controls')).display") == "none"
    page.send("Emulation.setEmulatedMedia", media="")


def test_a_banner_report_of_a_missing_file_says_nothing_was_read(
        browser: Browser, tmp_path: Path) -> None:
    path, _ = _report(tmp_path, "banner", str(tmp_path / "nope.js"), "--as-of", "2026-11-30",
                      "--lang", "sv")
    page = Page(browser)
    page.open(path)
    assert page.eval("document.getElementById('verdict').textContent").startswith(
        "Ingenting lästes: ")
    assert _visible_rows(page) == 0
    assert page.problems() == []
