"""HTML output: one self-contained page a data-protection officer reads and acts on.

The page opens offline: no network, no CDN, no external file. Styles, the
charts (inline SVG) and a small script are inside it, and a Content Security
Policy forbids every other source. It is written in the report's language:

1. the verdict (findings by severity, or "Nothing was read: …");
2. the summary: findings per rule (most severe and most frequent first, with
   the rule's title, clauses, legal references and what to do), per
   statement clause, records read / evaluated / rejected per input, and what
   was not evaluated and why;
3. the charts given (``(title, svg)`` pairs from :func:`draw_charts`, which
   has pygal draw them as SVG): findings per rule, and for an audit e-mails
   sent after opt-out by month and the requests against their deadlines;
4. every finding (none left out): severity, rule, contact (name and e-mail
   when the evidence carries them), message with times in the controller's
   zone, clause and legal references in the report's language, the evidence,
   and where it was found; filters by rule, severity and text, and a view per
   contact (``#contact=<e-mail>``) listing all that contact's findings;
5. the contacts, most findings first; 6. the rejected records with their
   located reasons.

A print stylesheet hides the controls and keeps rows whole, so the browser's
print to PDF gives a document to attach to an audit. Everything from inputs
is escaped (and control and bidi characters made visible); the same report
gives byte-identical HTML. Rendering is pure; drawing the charts is not (pygal
reads its stylesheet and the date on each call), so it is a separate step, which
the CLI takes.
"""

from __future__ import annotations

import html
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

from .._rules import Finding, Severity
from ._common import (
    by_clause,
    check_lang,
    contact_of,
    evidence_columns,
    evidence_text,
    has_times,
    legal_text,
    message_text,
    report_text,
    rule_meta,
    verdict,
    visible,
)
from ._model import Report, Summary

__all__ = ["iter_html", "render_html"]



# what _e must change: HTML specials, and the control and bidi characters visible() shows
_SPECIAL = re.compile(
    "[&<>\"'\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]"
)


def _e(text: object) -> str:
    value = str(text)
    if _SPECIAL.search(value) is None:  # most values of a large report: nothing to do
        return value
    return html.escape(visible(value), quote=True)


def _t(code: str, lang: str, **values: Any) -> str:
    return html.escape(report_text(code, lang, **values), quote=True)


def _policy_origin(report: Report, lang: str) -> str:
    # which policy was used and why, as the text report's first line says it (issue 12)
    if report.policy.given is True:
        return " " + _t("report.policy-given", lang, path=visible(report.policy.source or ""))
    if report.policy.given is False:
        return " " + _t("report.policy-bundled", lang)
    return ""


_STYLE = """
:root{--err:#b3261e;--warn:#8a5300;--note:#3d5a80;--ink:#1b1b1f;--muted:#5f6368;--line:#d8d8dc}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:var(--ink);
margin:0 auto;max-width:1200px;padding:1.5rem}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.25rem;margin:2rem 0 .6rem;border-bottom:2px solid var(--line)}
h3{font-size:1.05rem;margin:1.2rem 0 .4rem}
.meta{color:var(--muted);margin:.2rem 0}
.verdict{font-size:1.2rem;font-weight:600;padding:.8rem 1rem;border-left:6px solid var(--note);background:#f3f5f9}
.verdict.bad{border-color:var(--err);background:#fbefee}.verdict.unread{border-color:var(--warn);background:#fdf4e3}
table{border-collapse:collapse;width:100%;margin:.4rem 0}
th,td{text-align:left;vertical-align:top;padding:.35rem .5rem;border-bottom:1px solid var(--line);
overflow-wrap:break-word}
.f,.fh{display:grid;grid-template-columns:8% 14% 17% 39% 13% 9%;border-bottom:1px solid var(--line)}
.f>div,.fh>div{padding:.35rem .5rem;min-width:0;overflow-wrap:break-word}
.f>div:nth-child(2),.f>div:nth-child(3),.f>div:nth-child(6){overflow-wrap:anywhere}
.fh{background:#f6f6f8;font-weight:600}
.f{content-visibility:auto;contain-intrinsic-size:auto 120px}
.f[hidden]{display:none}
details>summary{cursor:pointer;font-weight:600;margin:.4rem 0}
th{background:#f6f6f8;font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
code{font-size:.9em}
.sev{display:inline-block;padding:0 .4rem;border-radius:.3rem;color:#fff;font-size:.85em}
.sev-error{background:var(--err)}.sev-warning{background:var(--warn)}.sev-note{background:var(--note)}
.ev{margin:0;font-size:.88em;color:#333}.ev b{font-weight:600}
.muted{color:var(--muted)}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:1rem}
figure{margin:0;border:1px solid var(--line);border-radius:.4rem;padding:.5rem}
figcaption{font-weight:600;margin-bottom:.3rem}
figure svg{width:100%;height:auto}
.controls{display:flex;flex-wrap:wrap;gap:.6rem;align-items:end;margin:.6rem 0;padding:.6rem;
background:#f6f6f8;border-radius:.4rem;position:sticky;top:0}
.controls label{display:flex;flex-direction:column;font-size:.85em}
.controls input,.controls select{font:inherit;padding:.2rem}
#contact-view{padding:.5rem .8rem;background:#eef3fb;border-radius:.4rem;margin:.4rem 0}
@media print{
 body{max-width:none;padding:0;font-size:10.5pt}
 .controls,#contact-view button,noscript{display:none}
 .controls{position:static}
 tr,.f,figure{break-inside:avoid}
 .f{content-visibility:visible}
 details:not([open])>*:not(summary){display:none}
 h2{break-after:avoid}
 a{color:inherit;text-decoration:none}
 .verdict{border:1px solid #999}
}
"""

# Filters, and the view of one contact (#contact=<e-mail>): rows are shown or hidden,
# never rebuilt, so every finding stays in the page and in its order.
_SCRIPT = """
(function(){
"use strict";
var rows=Array.prototype.slice.call(document.querySelectorAll("#findings .f"));
var texts=null;
var rule=document.getElementById("f-rule"),sev=document.getElementById("f-sev"),
q=document.getElementById("f-text"),shown=document.getElementById("f-shown"),
view=document.getElementById("contact-view"),who=document.getElementById("contact-who"),
all=document.getElementById("contact-all");
var template=shown.getAttribute("data-template");
function contact(){var h=location.hash;return h.indexOf("#contact=")===0?
decodeURIComponent(h.slice(9)):"";}
function apply(){
var r=rule.value,s=sev.value,t=q.value.trim().toLowerCase(),c=contact(),n=0;
if(t&&texts===null){texts=rows.map(function(x){return x.textContent.toLowerCase();});}
for(var i=0;i<rows.length;i++){var x=rows[i];
var ok=(!r||x.getAttribute("data-rule")===r)&&(!s||x.getAttribute("data-sev")===s)&&
(!c||x.getAttribute("data-contact")===c)&&(!t||texts[i].indexOf(t)>=0);
x.hidden=!ok;if(ok){n++;}}
shown.textContent=template.replace("{shown}",n).replace("{total}",rows.length);
if(c){view.hidden=false;who.textContent=c;}else{view.hidden=true;}
}
var timer=null;
q.addEventListener("input",function(){clearTimeout(timer);timer=setTimeout(apply,150);});
rule.addEventListener("change",apply);sev.addEventListener("change",apply);
window.addEventListener("hashchange",function(){apply();
if(contact()){document.getElementById("findings").scrollIntoView();}});
all.addEventListener("click",function(){history.pushState("",document.title,
location.pathname+location.search);apply();});
document.getElementById("controls").hidden=false;
apply();
// the search reads each row's text once; gather it in slices so that the page stays usable
var gathered=[],next=0;
function gather(){var end=Math.min(next+2000,rows.length);
for(;next<end;next++){gathered.push(rows[next].textContent.toLowerCase());}
if(next<rows.length){setTimeout(gather,0);}else if(texts===null){texts=gathered;}}
setTimeout(gather,0);
})();
"""

_CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
        "img-src data:; font-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'")


def _name_of(finding: Finding) -> str:
    ev = finding.evidence
    name = ev.get("name")
    if isinstance(name, str) and name:
        return name
    parts = [ev.get("firstname"), ev.get("lastname")]
    return " ".join(p for p in parts if isinstance(p, str) and p)


def _location(finding: Finding) -> str:
    loc = finding.location
    if loc is None:
        return ""
    return _e(str(loc))


# evidence the contact column shows already (name, e-mail, record id)
_SHOWN = frozenset({"name", "firstname", "lastname", "email", "record_id"})


def _evidence_html(finding: Finding, lang: str, tz: str | None, labels: dict[str, str],
                   orders: dict[tuple[str, ...], list[tuple[str, str]]]) -> str:
    evidence = finding.evidence
    keys = tuple(evidence)
    order = orders.get(keys)
    if order is None:  # the findings of a rule share their keys: order them once
        order = orders[keys] = [(k, f"<span><b>{labels[k]}</b>: ")
                                for k in evidence_columns((finding,)) if k not in _SHOWN]
    parts = []
    for key, head in order:
        text = evidence_text(evidence[key], lang, tz)
        if text:
            parts.append(f"{head}{_e(text)}</span>")
    return '<p class="ev">' + " · ".join(parts) + "</p>" if parts else ""


def _field_labels(report: Report, lang: str) -> dict[str, str]:
    from ._csv import field_label

    return {k: _e(field_label(k, lang)) for k in evidence_columns(report.findings)}


def _finding_row(finding: Finding, lang: str, tz: str | None, labels: dict[str, str],
                 refs: dict[int, str], sev_names: dict[Severity, str],
                 orders: dict[tuple[str, ...], list[tuple[str, str]]]) -> str:
    contact = contact_of(finding)
    name = _name_of(finding)
    email = finding.evidence.get("email")
    who = f"<b>{_e(name)}</b><br>" if name else ""
    record = finding.evidence.get("record_id")
    if isinstance(email, str) and email:
        who += f'<a href="#contact={_hash(contact)}">{_e(email)}</a>'
        if isinstance(record, str) and record:
            who += f"<br><small>{_e(record)}</small>"
    else:
        who += f'<a href="#contact={_hash(contact)}">{_e(contact)}</a>'
    if finding.subject and finding.subject not in (contact, email, record):
        who += f'<br><small>{_e(finding.subject)}</small>'  # which request, category ...
    ref = refs.get(id(finding.legal))
    if ref is None:  # a rule's findings share their references: escape them once
        ref = refs[id(finding.legal)] = "<br>".join(
            html.escape(legal_text(r, lang), quote=True) for r in finding.legal)
    clauses = ", ".join(str(s) for s in finding.statement)
    sev = finding.severity.value
    # a row of divs, not of a table: the browser lays out only the rows on screen
    # (content-visibility), so a page of 63,000 findings opens and filters quickly
    return (
        f'<div class="f" data-rule="{_e(finding.rule)}" data-sev="{sev}" '
        f'data-contact="{_e(contact)}">'
        f'<div><span class="sev sev-{sev}">{sev_names[finding.severity]}</span></div>'
        f"<div><code>{_e(finding.rule)}</code></div>"
        f"<div>{who}</div>"
        f"<div>{_e(message_text(finding, lang, tz))}"
        f"{_evidence_html(finding, lang, tz, labels, orders)}</div>"
        f"<div>{_e(clauses)}<br><small>{ref}</small></div>"
        f'<div class="muted"><small>{_location(finding)}</small></div></div>\n'
    )


@lru_cache(maxsize=65536)
def _hash(contact: str) -> str:
    # the value of #contact= as the script decodes it (decodeURIComponent), escaped for
    # the attribute; a contact with several findings asks again
    from urllib.parse import quote

    return html.escape(quote(contact, safe="@.-_~+"), quote=True)


def _summary_rules(report: Report, summary: Summary, lang: str) -> str:
    rows = []
    clauses_of: dict[str, set[str]] = defaultdict(set)
    for f in report.findings:
        clauses_of[f.rule].update(str(s) for s in f.statement)
    metas = [rule_meta(r, report, lang) for r in summary.by_rule]
    by_rule = summary.by_rule
    metas.sort(key=lambda m: (by_rule[m.id] == 0, -m.severity.rank, -by_rule[m.id], m.id))
    for m in metas:
        n = by_rule[m.id]
        clauses = sorted(clauses_of[m.id] or set(m.statement))
        legal = "<br>".join(html.escape(legal_text(r, lang), quote=True) for r in m.legal)
        muted = ' class="muted"' if n == 0 else ""
        rows.append(
            f"<tr{muted}><td><code>{_e(m.id)}</code><br>"
            f"{_e(m.title)}</td>"
            f'<td><span class="sev sev-{m.severity.value}">'
            f"{_t('report.severity.' + m.severity.value, lang)}</span></td>"
            f'<td class="n">{n}</td><td>{_e(", ".join(clauses))}<br><small>{legal}</small></td>'
            f"<td><small>{_e(m.help) if n else ''}</small></td></tr>"
        )
    numeric = ' class="n"'
    head = "".join(
        f"<th{numeric if c == 'count' else ''}>{_t('report.column.' + c, lang)}</th>"
        for c in ("rule", "severity", "count", "statement", "help"))
    return (f"<h3>{_t('report.per-rule', lang)}</h3>"
            f'<p class="muted">{_t("report.html.rules-note", lang)}</p>'
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _summary_clauses(report: Report, lang: str) -> str:
    clauses = by_clause(report)
    if not clauses:
        return ""
    rows = "".join(f'<tr><td>{_e(c)}</td><td class="n">{n}</td></tr>' for c, n in clauses.items())
    return (f"<h3>{_t('report.per-clause', lang)}</h3><table><thead><tr>"
            f"<th>{_t('report.column.clause', lang)}</th>"
            f'<th class="n">{_t("report.column.count", lang)}</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>")


def _summary_inputs(report: Report, s: Summary, lang: str) -> str:
    if not report.inputs:
        return ""
    rows = [(i.file, i.read, i.evaluated, i.rejected) for i in report.inputs]
    body = "".join(
        f'<tr><td>{_e(f)}</td><td class="n">{r}</td><td class="n">{e}</td>'
        f'<td class="n">{j}</td></tr>' for f, r, e, j in rows)
    if len(rows) > 1:
        body += (f"<tr><th>{_t('report.total', lang)}</th><th class=\"n\">{s.read}</th>"
                 f'<th class="n">{s.evaluated}</th><th class="n">{s.rejected}</th></tr>')
    head = f"<th>{_t('report.column.file', lang)}</th>" + "".join(
        f'<th class="n">{_t("report.column." + c, lang)}</th>'
        for c in ("read", "evaluated", "rejected"))
    return (f"<h3>{_t('report.inputs', lang)}</h3><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>")


def _not_evaluated(report: Report, lang: str, tz: str | None) -> str:
    items = [
        f'<li><a href="#rejected">{_t("report.html.rejected-file", lang, file=visible(i.file))}'
        f"</a>: {_t('report.reconciliation', lang, read=i.read, evaluated=i.evaluated, rejected=i.rejected)}</li>"
        for i in report.inputs if i.rejected
    ]
    # the audit's own notes on what it could not judge (rules of the audit area)
    items += [f"<li>{_e(message_text(f, lang, tz))}</li>"
              for f in report.findings if f.rule.startswith("audit.")]
    if not items:
        return (f"<h3>{_t('report.html.not-evaluated', lang)}</h3>"
                f"<p>{_t('report.html.all-evaluated', lang)}</p>")
    return f"<h3>{_t('report.html.not-evaluated', lang)}</h3><ul>{''.join(items)}</ul>"


#: lists longer than this (contacts, rejected records) start folded
_OPEN_UP_TO = 200


def _contacts(report: Report, lang: str) -> str:
    counts: Counter[str] = Counter()
    names: dict[str, str] = {}
    rules: dict[str, set[str]] = defaultdict(set)
    for f in report.findings:
        c = contact_of(f)
        counts[c] += 1
        rules[c].add(f.rule)
        if c not in names and (n := _name_of(f)):
            names[c] = n
    if not counts:
        return ""
    rows = "".join(
        f'<tr><td><a href="#contact={_hash(c)}">{_e(c)}</a></td>'
        f"<td>{_e(names.get(c, ''))}</td><td class=\"n\">{n}</td>"
        f"<td><small>{_e(', '.join(sorted(rules[c])))}</small></td></tr>"
        for c, n in sorted(counts.items(), key=lambda cn: (-cn[1], cn[0]))
    )
    # a long list is folded: a closed <details> costs the browser no layout
    fold = " open" if len(counts) <= _OPEN_UP_TO else ""
    return (f'<section id="contacts"><h2>{_t("report.html.contacts", lang)}</h2>'
            f"<details{fold}><summary>{_t('report.html.show-contacts', lang, count=len(counts))}"
            f"</summary><table><thead><tr><th>{_t('report.column.contact', lang)}</th>"
            f"<th>{_t('report.field.name', lang)}</th>"
            f'<th class="n">{_t("report.column.count", lang)}</th>'
            f"<th>{_t('report.column.rule', lang)}</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></details></section>\n")


def _rejected(report: Report, lang: str) -> str:
    if not report.problems:
        return ""
    rows = "".join(
        f"<tr><td>{_e(p.file)}</td><td class=\"n\">{p.line or ''}</td>"
        f"<td class=\"n\">{p.column or ''}</td><td>{_e(p.pointer or '')}</td>"
        f"<td>{_e(p.reason)}</td></tr>"
        for p in report.problems
    )
    head = "".join(f"<th>{_t('report.column.' + c, lang)}</th>"
                   for c in ("file", "line", "column", "pointer", "reason"))
    n = len(report.problems)
    fold = " open" if n <= _OPEN_UP_TO else ""
    return (f'<section id="rejected"><h2>{_t("report.rejected", lang)}</h2>'
            f"<details{fold}><summary>{_t('report.html.show-rejected', lang, count=n)}</summary>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></details>"
            "</section>\n")


def _controls(report: Report, summary: Summary, lang: str) -> str:
    rules = "".join(f'<option value="{_e(r)}">{_e(r)}</option>'
                    for r, n in summary.by_rule.items() if n)
    sevs = "".join(
        f'<option value="{s.value}">{_t("report.severity." + s.value, lang)}</option>'
        for s in Severity if summary.by_severity.get(s.value))
    every = _t("report.html.all", lang)
    shown = _t("report.html.shown", lang, shown=len(report.findings), total=len(report.findings))
    template = html.escape(report_text("report.html.shown", lang), quote=True)
    return (
        f'<div class="controls" id="controls" hidden>'
        f'<label>{_t("report.column.rule", lang)}<select id="f-rule"><option value="">{every}'
        f"</option>{rules}</select></label>"
        f'<label>{_t("report.column.severity", lang)}<select id="f-sev"><option value="">'
        f"{every}</option>{sevs}</select></label>"
        f'<label>{_t("report.html.search", lang)}<input id="f-text" type="search" size="28">'
        f"</label>"
        f'<span id="f-shown" data-template="{template}">{shown}</span></div>'
        f'<div id="contact-view" hidden>{_t("report.column.contact", lang)}: '
        f'<b id="contact-who"></b> <button type="button" id="contact-all">'
        f"{_t('report.html.all', lang)}</button></div>"
        f"<noscript><p>{_t('report.html.no-script', lang)}</p></noscript>"
    )


def iter_html(report: Report, lang: str = "en",
              charts: Sequence[tuple[str, str]] = ()) -> Iterator[str]:
    """:func:`render_html` in pieces (one per ~500 findings), for writing a large report."""
    check_lang(lang)
    tz = report.timezone
    command = report.command
    command_name = (report_text(f"report.command.{command}", lang)
                    if command in ("audit", "banner", "lint") else command)
    title = report_text("report.html.title", lang, command=command_name)
    summary = report.summary
    klass = "unread" if report.nothing_read else ("bad" if summary.findings else "")
    head = [
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        f'<meta name="generator" content="{_e(report.tool.name)} {_e(report.tool.version)}">\n'
        f"<title>{_e(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n",
        f'<header><h1>{_e(title)}</h1><p class="meta">',
        _t("report.html.policy", lang, policy=visible(report.policy.id),
           policy_version=visible(str(report.policy.version)), tool=report.tool.name,
           version=report.tool.version),
        _policy_origin(report, lang),
        "</p>",
        (f'<p class="meta">{_t("report.timezone", lang, zone=tz)}</p>'
         if tz is not None and has_times(report) else ""),
        f'<p class="verdict {klass}" id="verdict">{_e(verdict(report, lang, summary))}</p></header>\n',
        f'<section id="summary"><h2>{_t("report.html.summary", lang)}</h2>',
        _summary_rules(report, summary, lang) if summary.by_rule else "",
        _summary_clauses(report, lang),
        _summary_inputs(report, summary, lang),
        _not_evaluated(report, lang, tz),
        "</section>\n",
    ]
    if charts:
        head.append(f'<section id="charts"><h2>{_t("report.html.charts", lang)}</h2>'
                    '<div class="charts">')
        head.extend(f"<figure><figcaption>{html.escape(t)}</figcaption>{svg}</figure>"
                    for t, svg in charts)
        head.append("</div></section>\n")
    head.append(f'<section id="findings"><h2>{_t("report.html.findings", lang)}</h2>')
    head.append(_controls(report, summary, lang))
    cols = "".join(f"<div>{_t('report.column.' + c, lang)}</div>" for c in
                   ("severity", "rule", "contact", "message", "statement", "file"))
    head.append(f'<div class="findings"><div class="fh">{cols}</div>\n')
    yield "".join(head)

    labels = _field_labels(report, lang)
    refs: dict[int, str] = {}
    orders: dict[tuple[str, ...], list[tuple[str, str]]] = {}
    sev_names = {s: _t(f"report.severity.{s.value}", lang) for s in Severity}
    batch: list[str] = []
    for finding in report.findings:
        batch.append(_finding_row(finding, lang, tz, labels, refs, sev_names, orders))
        if len(batch) >= 500:
            yield "".join(batch)
            batch = []
    batch.append("</div></section>\n")
    batch.append(_contacts(report, lang))
    batch.append(_rejected(report, lang))
    batch.append(f"<script>{_SCRIPT}</script>\n</body>\n</html>\n")
    yield "".join(batch)


def render_html(report: Report, lang: str = "en",
                charts: Sequence[tuple[str, str]] = ()) -> str:
    """The report as one self-contained HTML page in ``lang`` (see the module docstring).

    ``charts`` are ``(title, svg)`` pairs, made by :func:`draw_charts`; without
    them the page has no chart section (the rest is the same).
    """
    return "".join(iter_html(report, lang, charts))
