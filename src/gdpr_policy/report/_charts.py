"""Charts of a report, drawn by pygal as inline SVG for the HTML page.

pygal is a well-kept pure-Python charting library that writes SVG with no
browser and no network. Drawing is the one step of the HTML report that is
not pure: pygal reads its base stylesheet from its package and today's date
(for a comment) on every call. So :func:`draw_charts` is called by the edge
(the CLI), and :func:`~gdpr_policy.report.render_html` takes its result. The
SVG is made deterministic here: fixed ids, pygal's comments and scripts
dropped (its tooltips script would come from a CDN), so the page needs
nothing from outside.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections import Counter
from typing import Any

from .._errors import UsageError
from ._common import check_lang, report_text
from ._model import Report

__all__ = ["EXTRA", "draw_charts", "request_outcomes", "require_pygal"]

#: The optional extra that brings the report writers' dependencies.
EXTRA = "gdpr-policy[report]"



def require_pygal() -> Any:
    """The pygal module, or a usage error that names the extra to install."""
    try:
        import pygal
    except ImportError:
        raise UsageError(
            f"--format html draws its charts with pygal, which is not installed: "
            f"pip install '{EXTRA}'"
        ) from None
    # pygal puts an import hook for its map plugins (pygal.maps.*, unused here) on
    # sys.meta_path; it lacks find_spec, so every later failed import in the process
    # raises an ImportWarning. Take it off again.
    sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "PluginImportFixer"]
    return pygal


def _svg(chart: Any, chart_id: str) -> str:
    """A pygal chart as inline SVG, deterministic: fixed id, no dated comment, no scripts."""
    svg = str(chart.render(is_unicode=True))
    svg = svg.replace("chart-" + str(chart.uuid), chart_id)
    svg = svg.replace('id="activate-serie-', f'id="{chart_id}-serie-')  # unique in the page
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    return re.sub(r"<script\b.*?</script>", "", svg, flags=re.S)


def _chart_config(pygal: Any, title: str, height: int) -> dict[str, Any]:
    from pygal.style import Style

    style = Style(
        font_family='system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif',
        background="white", plot_background="white", foreground="#1b1b1f",
        foreground_strong="#1b1b1f", foreground_subtle="#5f6368",
        colors=("#3d5a80", "#b3261e", "#8a5300", "#2e7d32", "#6a1b9a"),
        label_font_size=13, major_label_font_size=13, value_font_size=12, title_font_size=15,
        legend_font_size=13, tooltip_font_size=13,
    )
    return {
        "style": style, "js": [], "disable_xml_declaration": True, "width": 640,
        "height": height, "title": None, "show_legend": False, "print_values": True,
        "print_values_position": "top", "margin": 12, "truncate_label": -1,
        "explicit_size": False, "tooltip_border_radius": 4, "truncate_legend": -1,
        "legend_at_bottom_columns": 1,
    }


def _chart_per_rule(pygal: Any, report: Report, lang: str) -> str | None:
    counts = [(r, n) for r, n in report.summary.by_rule.items() if n]
    if not counts:
        return None
    counts.sort(key=lambda rn: (-rn[1], rn[0]))
    chart = pygal.HorizontalBar(**_chart_config(pygal, "", 80 + 34 * len(counts)))
    chart.x_labels = [r for r, _ in reversed(counts)]
    chart.add(report_text("report.column.count", lang), [n for _, n in reversed(counts)])
    return _svg(chart, "chart-per-rule")


def _month(value: Any, tz: str | None) -> str | None:
    if not isinstance(value, dt.datetime):
        return None
    if tz is not None and value.tzinfo is not None:
        from zoneinfo import ZoneInfo

        value = value.astimezone(ZoneInfo(tz))
    return f"{value.year:04d}-{value.month:02d}"


def _chart_after_opt_out(pygal: Any, report: Report, lang: str) -> str | None:
    months: Counter[str] = Counter()
    for f in report.findings:
        if f.rule != "marketing.after-opt-out":
            continue
        month = _month(f.evidence.get("first_send_at"), report.timezone)
        count = f.evidence.get("send_count")
        if month is not None:
            months[month] += count if isinstance(count, int) else 1
    if not months:
        return None
    labels = sorted(months)
    chart = pygal.Bar(**_chart_config(pygal, "", 320))
    chart.x_labels = labels
    chart.x_label_rotation = 45 if len(labels) > 8 else 0
    chart.add(report_text("report.field.send_count", lang), [months[m] for m in labels])
    return _svg(chart, "chart-after-opt-out")


#: the request chart's bars, in order, with their colours
_TIMINGS = (("early", "#2e7d32"), ("on-time", "#3d5a80"), ("late", "#8a5300"),
            ("overdue", "#b3261e"), ("open", "#5f6368"))


def request_outcomes(report: Report) -> dict[str, int] | None:
    """An audit's requests by how they stand against their deadlines in force.

    ``early`` (answered 7 days or more before the deadline), ``on-time``
    (answered on the deadline day or in the 6 days before it), ``late``,
    ``overdue`` (unanswered after it) and ``open`` (not yet due), as
    :func:`gdpr_policy.requests.answer_timing` defines them; withdrawn
    requests are not shown. ``None`` when the report judged no request log.
    """
    timing = report.request_timing
    if timing is None:
        return None
    return {key: timing.get(key, 0) for key, _ in _TIMINGS}


def _chart_requests(pygal: Any, report: Report, lang: str) -> str | None:
    outcomes = request_outcomes(report)
    if outcomes is None or not any(outcomes.values()):
        return None
    config = _chart_config(pygal, "", 380)  # five legend lines below the bars
    config.update(show_minor_y_labels=False, y_labels_major_count=6)  # counts, not a ruler
    config["style"].colors = tuple(colour for _, colour in _TIMINGS)
    config["show_legend"] = True
    config["legend_at_bottom"] = True
    chart = pygal.Bar(**config)
    chart.x_labels = [""]
    for key, _ in _TIMINGS:
        chart.add(report_text(f"report.html.outcome-{key}", lang), [outcomes[key]])
    return _svg(chart, "chart-requests")


def draw_charts(report: Report, lang: str = "en") -> list[tuple[str, str]]:
    """The report's charts as ``(title, svg)`` pairs: findings per rule, and for an audit
    the e-mails sent after opt-out by month and the requests against their deadlines.

    A chart with nothing to show is left out. Raises a usage error naming the
    ``report`` extra when pygal is not installed.
    """
    check_lang(lang)
    pygal = require_pygal()
    out: list[tuple[str, str]] = []
    for title, svg in (
        (report_text("report.per-rule", lang), _chart_per_rule(pygal, report, lang)),
        (report_text("report.html.chart-after-opt-out", lang),
         _chart_after_opt_out(pygal, report, lang)),
        (report_text("report.html.chart-requests", lang), _chart_requests(pygal, report, lang)),
    ):
        if svg is not None:
            out.append((title, svg))
    return out


