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

from gdpr_policy._messages import Location
from gdpr_policy.cli import main
from gdpr_policy.report import Report, render_html
from report.chromium import Browser, Page, executable
from strategies.report import POLICY, POLICY_REF, SAMPLE_REGISTRY, hostile_report

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


def _large(n: int = 1000) -> Report:
    # n findings of 2 rules on n // 2 contacts; kari@example.no has one near the top and one
    # near the end, so her view needs rows the page did not lay out first
    import datetime as dt

    late, ticked = SAMPLE_REGISTRY["sample.late-answer"], SAMPLE_REGISTRY["sample.pre-ticked"]
    due = dt.datetime(2024, 11, 29, 23, 0, tzinfo=dt.UTC)
    findings = []
    for i in range(n):
        email = "Kari@example.no" if i in (3, n - 2) else f"p{i // 2:04d}@example.no"
        where = Location(file="contacts.jsonl", line=i + 1)
        if i % 4 == 3:
            findings.append(ticked.finding(POLICY, f"c{i}", location=where, category="marketing",
                                           evidence={"email": email, "name": f"Person {i}"}))
        else:
            findings.append(late.finding(POLICY, f"c{i}", location=where, due=due, days_late=i,
                                         evidence={"email": email, "name": f"Person {i}"}))
    return Report(policy=POLICY_REF, command="audit",
                  timezone="Europe/Oslo", findings=tuple(findings))


def _laid_out(page: Page) -> int:
    return int(page.eval("document.querySelectorAll('#findings .f').length"))


def _until(page: Page, expression: str, timeout: float = 10.0) -> object:
    deadline = time.monotonic() + timeout
    while True:
        value = page.eval(expression)
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def test_a_large_report_lays_out_rows_as_the_reader_goes_and_all_of_them_for_print(
        browser: Browser, tmp_path: Path) -> None:
    report = _large()
    path = tmp_path / "large.html"
    path.write_text(render_html(report, "en"), "utf-8")
    page = Page(browser, width=1280, height=900)
    page.open(path)
    total = len(report.findings)
    # the page lays out the first 200 rows, and says it holds them all
    assert _laid_out(page) == 200
    assert page.eval("document.getElementById('f-shown').textContent") == (
        f"Showing {total} of {total}")
    first = page.eval("document.querySelector('#findings .f').textContent")
    assert "Person 0" in first and "p0000@example.no" in first and "30 Nov 2024" in first
    # coming to the end of the list lays out 200 more; so does the button
    page.eval("document.getElementById('f-more').scrollIntoView()")
    assert _until(page, "document.querySelectorAll('#findings .f').length >= 400")
    page.eval("scrollTo(0, 0)")
    laid = _laid_out(page)
    page.eval("document.getElementById('f-more-button').click()")
    assert _laid_out(page) == laid + 200
    # the filters select from all the findings, not from the rows laid out
    page.eval("(() => { const s = document.getElementById('f-rule'); s.value = "
              "'sample.pre-ticked'; s.dispatchEvent(new Event('change')); })()")
    ticked = sum(f.rule == "sample.pre-ticked" for f in report.findings)
    assert page.eval("document.getElementById('f-shown').textContent") == (
        f"Showing {ticked} of {total}")
    assert _laid_out(page) == 200
    assert page.eval("Array.from(document.querySelectorAll('#findings .f'))"
                     ".every(r => r.dataset.rule === 'sample.pre-ticked')")
    page.eval("(() => { const s = document.getElementById('f-rule'); s.value = '';"
              "s.dispatchEvent(new Event('change')); })()")
    # a search finds the last finding, which no row laid out holds
    last = report.findings[-1].subject
    page.eval(f"(() => {{ const q = document.getElementById('f-text'); q.value = '{last}';"
              "q.dispatchEvent(new Event('input')); })()")
    assert _until(page, f"document.getElementById('f-shown').textContent === "
                        f"'Showing 1 of {total}'")
    assert last in page.eval("document.querySelector('#findings .f').textContent")
    page.eval("(() => { const q = document.getElementById('f-text'); q.value = '';"
              "q.dispatchEvent(new Event('input')); })()")
    assert _until(page, f"document.getElementById('f-shown').textContent === "
                        f"'Showing {total} of {total}'")
    # the view of one contact: both of Kari's findings, the one near the end too
    page.eval("location.hash = '#contact=kari@example.no'")
    assert _until(page, "document.querySelectorAll('#findings .f').length === 2")
    lines = page.eval("Array.from(document.querySelectorAll('#findings .f'))"
                      ".map(r => r.lastChild.textContent)")
    assert lines == ["contacts.jsonl:4", f"contacts.jsonl:{total - 1}"]
    page.eval("document.getElementById('contact-all').click()")
    assert _laid_out(page) == 200
    # the contacts list: over 200 contacts start folded and are laid out when opened
    contacts = len({f.evidence["email"].lower() for f in report.findings})
    assert page.eval("document.getElementById('contacts-summary').textContent") == (
        f"{contacts} contacts, most findings first")
    assert page.eval("document.getElementById('contacts-list').open") is False
    page.eval("document.getElementById('contacts-summary').click()")
    assert _until(page, "document.querySelectorAll('#contacts-body tr').length === 200")
    top = page.eval("document.querySelector('#contacts-body tr').textContent")
    assert top.startswith("kari@example.no")  # two findings: the most of any contact here
    # printing (the browser's print to PDF) lays out every finding first
    pdf = page.send("Page.printToPDF")["data"]
    assert pdf
    assert _laid_out(page) == total
    assert page.eval("document.querySelectorAll('#contacts-body tr').length") == contacts
    page.send("Emulation.setEmulatedMedia", media="print")
    assert page.eval("getComputedStyle(document.getElementById('f-more')).display") == "none"
    page.send("Emulation.setEmulatedMedia", media="")
    assert page.problems() == []


def test_hostile_values_are_shown_as_text_in_the_browser(browser: Browser,
                                                         tmp_path: Path) -> None:
    report = hostile_report()
    path = tmp_path / "hostile.html"
    path.write_text(render_html(report), "utf-8")
    page = Page(browser)
    page.open(path)
    assert page.problems() == []
    # no element came from a value: the page's own script and its meta data, no other
    assert page.eval("Array.from(document.scripts).map(s => s.type || s.id)") == [
        "application/json", ""]
    row = page.eval("document.getElementById('f-rows').textContent")
    assert "<script>&amp;</script>" in row and "\\u202eevil" in row
    assert page.eval("document.querySelectorAll('#findings .f script').length") == 0
