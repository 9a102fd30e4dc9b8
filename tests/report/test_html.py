"""HTML output: one self-contained page, summary first, every finding, escaped, offline."""

from __future__ import annotations

import datetime as dt
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
    """The page's elements: tags with attributes, ids in order, rows, script and style text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.ids: list[str] = []
        self.rows: list[dict[str, str | None]] = []
        self.text: list[str] = []
        self._raw: str | None = None
        self.raw: dict[str, list[str]] = {"script": [], "style": []}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        if a.get("id"):
            self.ids.append(str(a["id"]))
        if "data-rule" in a:
            self.rows.append(a)
        if tag in self.raw:
            self._raw = tag

    def handle_endtag(self, tag: str) -> None:
        if tag == self._raw:
            self._raw = None

    def handle_data(self, data: str) -> None:
        if self._raw:
            self.raw[self._raw].append(data)
        else:
            self.text.append(data)


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
    assert "30. nov. 2024 00:00" in text and "2024-11-29T23:00" not in text
    assert "personvernforordningen art. 12 nr. 3" in text
    assert "contacts.jsonl:9:3: bad" in text  # the rejected row with its located reason


def test_every_finding_is_a_row_with_its_contact_and_no_truncation() -> None:
    report = _audit_like()
    page = _parse(render_html(report))
    assert len(page.rows) == len(report.findings)
    assert [r["data-rule"] for r in page.rows] == [f.rule for f in report.findings]
    assert [r["data-contact"] for r in page.rows] == [f.evidence["email"] for f in report.findings]
    text = " ".join(page.text)
    assert "Person 1" in text and "p1@example.no" in text
    links = [a.get("href") for t, a in page.tags if t == "a"]
    assert "#contact=p1@example.no" in links


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
    assert all("evil" not in s for s in page.raw["script"])
    assert "<script>&amp;</script>" not in text
    assert "&lt;script&gt;" in text
    assert "\x1b" not in text and "\u202e" not in text
    assert HOSTILE not in text


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
    assert len(page.rows) == len(report.findings)


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
