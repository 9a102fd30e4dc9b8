"""HTML output: one self-contained page, summary first, every finding, escaped, offline."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from html import escape as html_escape
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings

from gdpr_policy import UsageError
from gdpr_policy._messages import Location
from gdpr_policy.report import (
    InputStats,
    PolicyRef,
    Rejection,
    Report,
    draw_charts,
    render_html,
)
from gdpr_policy.report._charts import request_outcomes
from gdpr_policy.report._common import contact_of, message_text, visible
from strategies.report import (
    HOSTILE,
    POLICY,
    POLICY_REF,
    SAMPLE_REGISTRY,
    hostile_report,
    reports,
    sample_report,
)


class _Page(HTMLParser):
    """The page's elements: tags with attributes, ids in order, script, data and style text.

    ``script`` holds the code the browser runs; ``data`` the text of the
    ``application/json`` blocks (the findings), which it does not run.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.ids: list[str] = []
        self.text: list[str] = []
        self._raw: str | None = None
        self.raw: dict[str, list[str]] = {"script": [], "style": [], "data": []}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if a.get("id"):
            self.ids.append(str(a["id"]))
        if tag == "script" and a.get("type") == "application/json":
            self._raw = "data"
        elif tag in self.raw:
            self._raw = tag

    def handle_endtag(self, tag: str) -> None:
        if self._raw and tag in ("script", "style"):
            self._raw = None

    def handle_data(self, data: str) -> None:
        if self._raw:
            self.raw[self._raw].append(data)
        else:
            self.text.append(data)

    @property
    def rows(self) -> list[dict[str, object]]:
        """The findings as the page's data holds them, decoded here on their own terms."""
        blocks = [json.loads(d) for d in self.raw["data"]]
        meta, blocks = blocks[0], blocks[1:]
        strings: list[str] = []
        out = []
        for block in blocks:
            strings += block["s"]
            for r in block["f"]:
                evidence = r[8]
                out.append({
                    "severity": meta["sev"][r[0]][0], "rule": strings[r[1]], "contact": r[2],
                    "name": r[3], "email": r[4], "record": r[5], "subject": r[6],
                    "message": r[7],
                    "evidence": {strings[evidence[i]]: evidence[i + 1]
                                 for i in range(0, len(evidence), 2)},
                    "statement": strings[r[9]], "legal": strings[r[10]].split("\n"),
                    "location": r[11]})
        return out


def _parse(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    page.close()
    return page


def _audit_like() -> Report:
    late = SAMPLE_REGISTRY["sample.late-answer"]
    when = dt.datetime(2024, 11, 29, 23, 0, tzinfo=dt.UTC)
    return Report(
        policy=POLICY_REF, command="audit", timezone="Europe/Oslo",
        findings=tuple(
            late.finding(POLICY, f"c{i}", location=Location(file="contacts.jsonl", line=i), due=when,
                         days_late=i, evidence={"email": f"p{i % 3}@example.no",
                                                "name": f"Person {i % 3}", "last_send_at": when})
            for i in range(1, 8)
        ),
        inputs=(InputStats(file="contacts.jsonl", read=9, evaluated=8, rejected=1, problems=(
            Rejection(file="contacts.jsonl", line=9, column=3, reason="contacts.jsonl:9:3: bad"),)),),
    )


def test_summary_first_then_charts_findings_contacts_and_rejected_rows() -> None:
    report = _audit_like()
    page = _parse(render_html(report, "nb", draw_charts(report, "nb")))
    order = [i for i in page.ids if i in
             ("verdict", "summary", "charts", "findings", "contacts", "rejected")]
    assert order == ["verdict", "summary", "charts", "findings", "contacts", "rejected"]
    assert page.tags[0] == ("html", {"lang": "nb"})
    text = " ".join(page.text)
    assert "7 funn — feil: 0, advarsler: 7, merknader: 0" in text
    assert "Tidspunkter vises i den behandlingsansvarliges tidssone, Europe/Oslo." in text
    assert "personvernforordningen art. 12 nr. 3" in text  # the summary's references
    assert "contacts.jsonl:9:3: bad" in text  # the rejected row with its located reason
    # the findings: times in the controller's zone and format, references in Bokmål
    row = page.rows[0]
    assert row["evidence"]["Siste e-post"] == "30. nov. 2024 00:00"
    assert row["message"].endswith("due=30. nov. 2024 00:00)")
    assert "2024-11-29T23:00" not in " ".join(page.raw["data"])
    assert row["legal"] == ["personvernforordningen art. 12 nr. 3"]


def test_every_finding_is_a_row_with_its_contact_and_no_truncation() -> None:
    report = _audit_like()
    page = _parse(render_html(report))
    rows = page.rows
    assert len(rows) == len(report.findings)
    assert [r["rule"] for r in rows] == [f.rule for f in report.findings]
    assert [r["contact"] for r in rows] == [f.evidence["email"] for f in report.findings]
    assert [r["name"] for r in rows] == [f.evidence["name"] for f in report.findings]
    assert [r["location"] for r in rows] == [f"contacts.jsonl:{i}" for i in range(1, 8)]
    assert {r["severity"] for r in rows} == {"warning"}
    assert rows[0]["statement"] == "S13" and rows[0]["subject"] == "c1"
    # evidence the contact column shows (name, e-mail) is not repeated as evidence
    assert list(rows[0]["evidence"]) == ["Last e-mail"]
    # the contacts list is a frame the script fills from the data: no table kept here
    assert 'id="contacts-body"></tbody>' in render_html(report)


def test_the_page_needs_nothing_from_outside() -> None:
    report = _audit_like()
    text = render_html(report, "en", draw_charts(report))
    page = _parse(text)
    for tag, attrs in page.tags:
        assert tag not in ("link", "img", "iframe", "object", "embed"), tag
        assert "src" not in attrs, (tag, attrs)
        href = attrs.get("href") or attrs.get("xlink:href") or ""
        assert href == "" or href.startswith("#"), (tag, href)
    css = " ".join(page.raw["style"])
    assert "@import" not in css and "url(" not in css
    assert not re.search(r"\b(fetch|XMLHttpRequest|import\(|WebSocket)\b", " ".join(page.raw["script"]))
    csp = next(a["content"] for t, a in page.tags
               if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert csp is not None and "default-src 'none'" in csp
    # pygal's own tooltip script (from a CDN by default) is not there
    assert "kozea.github.io" not in text and "<script src" not in text


def test_charts_are_inline_svg_made_by_pygal_and_deterministic() -> None:
    report = _audit_like()
    one = render_html(report, "en", draw_charts(report, "en"))
    assert one == render_html(report, "en", draw_charts(report, "en"))
    svgs = re.findall(r"<svg\b[^>]*class=\"pygal-chart\"", one)
    assert len(svgs) == 1  # findings per rule; no after-opt-out or request findings here
    assert 'id="chart-per-rule"' in one
    assert "<!--" not in one.split('<section id="charts">')[1].split("</section>")[0]


def test_request_chart_shows_early_on_time_late_overdue_and_open() -> None:
    timing = {"early": 4, "late": 2, "on-time": 3, "open": 5, "overdue": 1, "withdrawn": 2}
    report = Report(policy=PolicyRef(id="p", version="1"), command="audit",
                    request_timing=timing)
    assert request_outcomes(report) == {"early": 4, "on-time": 3, "late": 2, "overdue": 1,
                                        "open": 5}
    # a report that judged no request log has no request chart (not a chart of zeros)
    assert request_outcomes(sample_report()) is None
    page = render_html(report, "nb", draw_charts(report, "nb"))
    assert 'id="chart-requests"' in page
    for legend in ("besvart tidlig (7 dager eller mer før fristen)",
                   "besvart i tide (de siste 7 dagene før fristen)",
                   "besvart for sent (etter fristen)", "ubesvart etter fristen",
                   "åpen, fristen er ikke ute"):
        assert legend in page, legend
    assert "<svg" not in render_html(report)  # no charts given, no chart section


def test_hostile_strings_are_text_not_markup() -> None:
    text = render_html(hostile_report())
    page = _parse(text)
    assert all("evil" not in s for s in page.raw["script"])  # the code the browser runs
    # the data blocks cannot be ended by a value: no "<" (nor ">", "&") in them at all
    assert page.raw["data"] and all(c not in d for d in page.raw["data"] for c in "<>&")
    assert text.count("<script") == len(page.raw["data"]) + 1
    assert "<script>&amp;</script>" not in text
    assert "\x1b" not in text and "\u202e" not in text
    assert HOSTILE not in text
    # the hostile values are there, as text with their control characters made visible
    values = " ".join(str(v) for r in page.rows for v in r.values())
    assert "<script>&amp;</script>" in values and "\\x1b[31m" in values
    assert "\\u202eevil" in values


def test_a_report_that_read_nothing_says_so() -> None:
    report = Report(policy=PolicyRef(id="p", version="1"), command="banner", inputs=(
        InputStats(file="nope.js", read=1, evaluated=0, rejected=1,
                   problems=(Rejection(file="nope.js", reason="nope.js: unreadable"),)),))
    page = _parse(render_html(report, "sv"))
    text = " ".join(page.text)
    assert "Ingenting lästes: " in text
    assert "Inga fynd" not in text


def test_missing_pygal_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pygal", None)
    with pytest.raises(UsageError, match=re.escape("pip install 'gdpr-policy[report]'")):
        draw_charts(sample_report())


@settings(max_examples=25, deadline=None)
@given(reports())
def test_any_report_has_one_row_per_finding_and_parses(report: Report) -> None:
    page = _parse(render_html(report))
    rows = page.rows
    assert len(rows) == len(report.findings)
    # each row decodes to its finding: rule, severity, contact and message, made visible
    assert [(r["rule"], r["severity"], r["contact"], r["message"]) for r in rows] == [
        (visible(f.rule), f.severity.value, visible(contact_of(f)),
         visible(message_text(f, "en", report.timezone))) for f in report.findings]
    assert all(c not in d for d in page.raw["data"] for c in "<>&")


def test_sends_after_opt_out_are_charted_by_month_in_the_controllers_zone() -> None:
    base = SAMPLE_REGISTRY["sample.late-answer"]

    def sent(subject: str, first: dt.datetime, count: int) -> object:
        finding = base.finding(POLICY, subject, location=Location(file="c.jsonl", line=1),
                               evidence={"first_send_at": first, "send_count": count})
        return finding.model_copy(update={"rule": "marketing.after-opt-out"})

    report = Report(
        policy=PolicyRef(id="p", version="1"), command="audit", timezone="Europe/Oslo",
        findings=(
            # 23:30 UTC on 31 January is 00:30 on 1 February in Oslo
            sent("a", dt.datetime(2024, 1, 31, 23, 30, tzinfo=dt.UTC), 3),
            sent("b", dt.datetime(2024, 2, 10, 12, 0, tzinfo=dt.UTC), 2),
            sent("c", dt.datetime(2024, 3, 1, 12, 0, tzinfo=dt.UTC), 1),
        ),
    )
    charts = dict(draw_charts(report, "sv"))
    svg = charts["Mejl skickade efter avregistrering, fördelade på månaden för det första sådana mejlet"]
    labels = re.findall(r">(20\d\d-\d\d)<", svg)
    assert sorted(set(labels)) == ["2024-02", "2024-03"]  # no January: that send was in February
    values = re.findall(r'class="value[^"]*"[^>]*>(\d+)<', svg)
    assert sorted(set(map(int, values))) == [1, 5]  # 3 + 2 in February, 1 in March


def test_golden(golden) -> None:
    # the page without charts (their SVG is pygal's, which may change between its versions)
    golden("report.html", render_html(sample_report(), "nb"))


@pytest.mark.parametrize("lang", ["en", "nb", "sv"])
def test_the_header_says_which_policy_was_used_and_why(lang: str) -> None:
    # as the text report's first line does (issue 12); an input path is escaped
    from gdpr_policy import i18n

    bundled = sample_report().model_copy(
        update={"policy": PolicyRef(id="inmeta", version="1", given=False)})
    assert html_escape(i18n.translate("report.policy-bundled", lang)) in render_html(bundled, lang)
    given = sample_report().model_copy(update={"policy": PolicyRef(
        id="site", version="1", source="privacy/<policy>.yaml", given=True)})
    page = render_html(given, lang)
    assert "privacy/&lt;policy&gt;.yaml" in page and "<policy>" not in page
    assert i18n.translate("report.policy-bundled", lang) not in page
    unknown = render_html(sample_report(), lang)  # a library caller: origin not known
    assert html_escape(i18n.translate("report.policy-bundled", lang)) not in unknown


def test_the_writer_forgets_repeated_strings_past_its_limit_and_the_rows_stay_right(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # what the writer keeps is bounded: past the limit it forgets the strings it numbered
    # and writes them again when met again; the page decodes to the same findings
    from gdpr_policy.report import _html

    late = SAMPLE_REGISTRY["sample.late-answer"]
    report = Report(
        policy=PolicyRef(id="p", version="1"), command="audit",
        findings=tuple(late.finding(POLICY, f"c{i}", location=Location(file="c.jsonl", line=i),
                                    due=dt.date(2024, 2, 29), days_late=i,
                                    evidence={"email": f"p{i}@example.no", f"field_{i % 7}": i})
                       for i in range(1, 40)))
    expected = _parse(render_html(report)).rows
    monkeypatch.setattr(_html._Rows, "LIMIT", 3)
    page = _parse(render_html(report))
    assert page.rows == expected
    assert [r["evidence"] for r in page.rows][:2] == [{"field_1": "1"}, {"field_2": "2"}]
    strings = [s for d in page.raw["data"][1:] for s in json.loads(d)["s"]]
    assert strings.count("sample.late-answer") > 1  # written again after being forgotten
