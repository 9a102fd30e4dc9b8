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

The findings are written into the page as compact data (JSON blocks of 500
findings each, strings that repeat — rule ids, legal references, clauses,
field labels — written once and referred to by number), and the page's script
lays out only the rows a reader looks at: the first 200 that the filters
match, 200 more as the reader scrolls on, every matching row before printing.
So a page of 100,000 contacts opens in seconds and its filters answer at once,
and the writer keeps nothing of the whole document: it writes each block as
it is made, in the memory the report already takes (no per-contact table: the
script counts the contacts list from the data).

A print stylesheet hides the controls and keeps rows whole, so the browser's
print to PDF gives a document to attach to an audit. Everything from inputs
is escaped (and control and bidi characters made visible): in the markup as
HTML, in the data as JSON that cannot end its block (``<``, ``>`` and ``&``
are written as ``\\u`` escapes), and the script puts it into the page as text,
never as markup. The same report gives byte-identical HTML. Rendering is pure;
drawing the charts is not (pygal reads its stylesheet and the date on each
call), so it is a separate step, which the CLI takes.
"""

from __future__ import annotations

import html
import json
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
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
.more{margin:.8rem 0}.more button{font:inherit;padding:.3rem .8rem}
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
 .controls,#contact-view button,noscript,.more{display:none}
 .controls{position:static}
 tr,.f,figure{break-inside:avoid}
 .f{content-visibility:visible}
 details:not([open])>*:not(summary){display:none}
 h2{break-after:avoid}
 a{color:inherit;text-decoration:none}
 .verdict{border:1px solid #999}
}
"""

# The findings are data (script.fd blocks: {"s": strings new in the block, "f": rows}); a row
# is [severity, rule, contact, name, e-mail, record id, subject, message, evidence, clauses,
# legal references, location], rule / clauses / references and the evidence labels being
# numbers into the strings. The filters select rows from the data; only the first PAGE that
# match are laid out, PAGE more when the reader comes to the end of the list (or clicks),
# and all of them before printing. Text is put in with textContent: never parsed as markup.
_SCRIPT = """
(function(){
"use strict";
var PAGE=200;
var meta=JSON.parse(document.getElementById("f-meta").textContent);
var S=[],rows=[];
Array.prototype.slice.call(document.querySelectorAll("script.fd")).forEach(function(b){
var d=JSON.parse(b.textContent);Array.prototype.push.apply(S,d.s);
Array.prototype.push.apply(rows,d.f);b.parentNode.removeChild(b);});
var list=document.getElementById("f-rows"),moreBox=document.getElementById("f-more"),
rule=document.getElementById("f-rule"),sev=document.getElementById("f-sev"),
q=document.getElementById("f-text"),shown=document.getElementById("f-shown"),
view=document.getElementById("contact-view"),who=document.getElementById("contact-who"),
all=document.getElementById("contact-all");
var template=shown.getAttribute("data-template");
function el(tag,cls,text){var e=document.createElement(tag);if(cls){e.className=cls;}
if(text!==undefined){e.textContent=text;}return e;}
function add(parent){for(var i=1;i<arguments.length;i++){var c=arguments[i];
parent.appendChild(typeof c==="string"?document.createTextNode(c):c);}return parent;}
function link(c){return "#contact="+encodeURIComponent(c).replace(/%40/g,"@");}
function contact(){var h=location.hash;if(h.indexOf("#contact=")!==0){return "";}
try{return decodeURIComponent(h.slice(9));}catch(e){return h.slice(9);}}
function lines(parent,text){text.split("\\n").forEach(function(t,i){
if(i){parent.appendChild(el("br"));}add(parent,t);});return parent;}
function row(r){
var s=meta.sev[r[0]],d=el("div","f");
d.setAttribute("data-rule",S[r[1]]);d.setAttribute("data-sev",s[0]);
d.setAttribute("data-contact",r[2]);
add(d,add(el("div"),el("span","sev sev-"+s[0],s[1])),add(el("div"),el("code","",S[r[1]])));
var w=el("div");if(r[3]){add(w,el("b","",r[3]),el("br"));}
var a=el("a","",r[4]||r[2]);a.href=link(r[2]);w.appendChild(a);
if(r[5]){add(w,el("br"),el("small","",r[5]));}
if(r[6]){add(w,el("br"),el("small","",r[6]));}
d.appendChild(w);
var m=add(el("div"),r[7]),ev=r[8];
if(ev.length){var p=el("p","ev");for(var i=0;i<ev.length;i+=2){if(i){add(p," \\u00b7 ");}
p.appendChild(add(el("span"),el("b","",S[ev[i]]),": "+ev[i+1]));}m.appendChild(p);}
d.appendChild(m);
add(d,add(el("div"),S[r[9]],el("br"),lines(el("small"),S[r[10]])),
add(el("div","muted"),el("small","",r[11])));
return d;}
var texts=new Array(rows.length),known=0;
function text(i){var t=texts[i];if(t===undefined){var r=rows[i],ev=r[8],parts=[meta.sev[r[0]][1],
S[r[1]],r[3],r[4]||r[2],r[5],r[6],r[7]];for(var k=0;k<ev.length;k+=2){parts.push(S[ev[k]],ev[k+1]);}
parts.push(S[r[9]],S[r[10]],r[11]);t=texts[i]=parts.join(" ").toLowerCase();}return t;}
var matches=[],drawn=0;
function more(n){var end=Math.min(drawn+n,matches.length),f=document.createDocumentFragment();
for(;drawn<end;drawn++){f.appendChild(row(rows[matches[drawn]]));}
list.appendChild(f);moreBox.hidden=drawn>=matches.length;}
function apply(){
var r=rule.value,s=sev.value,t=q.value.trim().toLowerCase(),c=contact();
var si=-1;
for(var k=0;k<meta.sev.length;k++){if(meta.sev[k][0]===s){si=k;}}
matches=[];
for(var i=0;i<rows.length;i++){var x=rows[i];
if((!r||S[x[1]]===r)&&(!s||x[0]===si)&&(!c||x[2]===c)&&(!t||text(i).indexOf(t)>=0)){matches.push(i);}}
list.textContent="";
drawn=0;more(PAGE);
shown.textContent=template.replace("{shown}",matches.length).replace("{total}",rows.length);
if(c){view.hidden=false;who.textContent=c;}else{view.hidden=true;}
}
var timer=null;
q.addEventListener("input",function(){clearTimeout(timer);timer=setTimeout(apply,150);});
rule.addEventListener("change",apply);sev.addEventListener("change",apply);
window.addEventListener("hashchange",function(){apply();
if(contact()){document.getElementById("findings").scrollIntoView();}});
all.addEventListener("click",function(){history.pushState("",document.title,
location.pathname+location.search);apply();});
document.getElementById("f-more-button").addEventListener("click",function(){more(PAGE);});
if(window.IntersectionObserver){new IntersectionObserver(function(es){
if(es[0].isIntersecting&&!moreBox.hidden){more(PAGE);}},{rootMargin:"600px"}).observe(moreBox);}
document.getElementById("controls").hidden=false;
// the contacts: counted from the data, most findings first, laid out as the rows are
var box=document.getElementById("contacts-list"),people=null,listed=0;
function contacts(){if(people===null){var m=new Map();rows.forEach(function(r){
var e=m.get(r[2]);if(!e){e={c:r[2],n:0,name:"",rules:new Set()};m.set(r[2],e);}
e.n++;if(!e.name&&r[3]){e.name=r[3];}e.rules.add(S[r[1]]);});
people=Array.from(m.values()).sort(function(a,b){return b.n-a.n||(a.c<b.c?-1:a.c>b.c?1:0);});}
return people;}
function moreContacts(n){var body=document.getElementById("contacts-body"),
p=contacts(),end=Math.min(listed+n,p.length),f=document.createDocumentFragment();
for(;listed<end;listed++){var e=p[listed],a=el("a","",e.c);a.href=link(e.c);
f.appendChild(add(el("tr"),add(el("td"),a),el("td","",e.name),el("td","n",String(e.n)),
add(el("td"),el("small","",Array.from(e.rules).sort().join(", ")))));}
body.appendChild(f);document.getElementById("contacts-more").hidden=listed>=p.length;}
if(box){var n=contacts().length;
document.getElementById("contacts-summary").textContent=
meta.contacts[n===1?0:1].replace("{count}",n);
box.open=n<=PAGE;if(box.open){moreContacts(PAGE);}
box.addEventListener("toggle",function(){if(box.open&&!listed){moreContacts(PAGE);}});
document.getElementById("contacts-more-button").addEventListener("click",function(){
moreContacts(PAGE);});}
// print every matching finding (and every contact when that list is open), not only those laid out
window.addEventListener("beforeprint",function(){more(matches.length);
if(box&&box.open){moreContacts(contacts().length);}});
apply();
// the search reads each row's text once; make it in slices so that the page stays usable
function gather(){var end=Math.min(known+2000,rows.length);for(;known<end;known++){text(known);}
if(known<rows.length){setTimeout(gather,0);}}
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


def _data(value: object) -> str:
    """JSON for a data block: ``<``, ``>`` and ``&`` escaped, so no value ends the block."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _v(text: str) -> str:
    # control and bidi characters made visible, as _e does in the markup
    return text if _SPECIAL.search(text) is None else visible(text)


# evidence the contact column shows already (name, e-mail, record id)
_SHOWN = frozenset({"name", "firstname", "lastname", "email", "record_id"})

#: findings per data block (and per piece :func:`iter_html` yields)
_BLOCK = 500


class _Rows:
    """Turns findings into rows of the page's data, one block at a time.

    Strings that repeat (rule ids, clauses, legal references, evidence labels)
    are numbered on first sight and written once, in the block that first uses
    them; what it keeps is bounded by the rules and fields there are, not by
    the findings.
    """

    #: what the caches may hold at most: a report whose every finding had its own
    #: evidence fields or references would otherwise grow them with the findings
    LIMIT = 4096

    def __init__(self, lang: str, tz: str | None) -> None:
        self.lang, self.tz = lang, tz
        self.numbers: dict[str, int] = {}
        self.count = 0  # strings written so far: the next one's number
        self.fresh: list[str] = []
        self.refs: dict[tuple[int, ...], int] = {}
        self.orders: dict[tuple[str, ...], list[tuple[str, int]]] = {}
        self.sev = {s: i for i, s in enumerate(Severity)}

    def number(self, text: str) -> int:
        n = self.numbers.get(text)
        if n is None:
            if len(self.numbers) >= self.LIMIT:  # forgotten: written again when met again
                self.numbers.clear()
                self.refs.clear()
                self.orders.clear()
            n = self.numbers[text] = self.count
            self.count += 1
            self.fresh.append(text)
        return n

    def _evidence(self, finding: Finding) -> list[int | str]:
        from ._csv import field_label

        evidence = finding.evidence
        keys = tuple(evidence)
        order = self.orders.get(keys)
        if order is None:  # the findings of a rule share their keys: order them once
            order = [(k, self.number(_v(field_label(k, self.lang))))
                     for k in evidence_columns((finding,)) if k not in _SHOWN]
            self.orders[keys] = order
        out: list[int | str] = []
        for key, label in order:
            text = evidence_text(evidence[key], self.lang, self.tz)
            if text:
                out += (label, _v(text))
        return out

    def row(self, finding: Finding) -> list[Any]:
        ev = finding.evidence
        contact = contact_of(finding)
        email = ev.get("email")
        email = email if isinstance(email, str) and email else ""
        record = ev.get("record_id")
        # the record id is shown under the e-mail; without an e-mail it is the contact
        record = record if email and isinstance(record, str) and record else ""
        subject = finding.subject
        if not subject or subject in (contact, email, ev.get("record_id")):
            subject = ""  # said already; else which request, category ...
        # a rule's findings share its reference objects (each finding has its own tuple)
        key = tuple(map(id, finding.legal))
        ref = self.refs.get(key)
        if ref is None:
            ref = self.number("\n".join(_v(legal_text(r, self.lang)) for r in finding.legal))
            self.refs[key] = ref
        location = finding.location
        return [
            self.sev[finding.severity], self.number(_v(finding.rule)), _v(contact),
            _v(_name_of(finding)), _v(email), _v(record), _v(subject),
            _v(message_text(finding, self.lang, self.tz)), self._evidence(finding),
            self.number(_v(", ".join(str(s) for s in finding.statement))), ref,
            "" if location is None else _v(str(location)),
        ]

    def block(self, rows: list[list[Any]]) -> str:
        fresh, self.fresh = self.fresh, []
        return f'<script type="application/json" class="fd">{_data({"s": fresh, "f": rows})}</script>\n'


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


#: lists longer than this (rejected records) start folded; the script does the same with
#: the contacts, and lays out this many findings at a time
_OPEN_UP_TO = 200


def _contacts(lang: str) -> str:
    # the frame of the contacts list: the script counts the contacts from the data and
    # fills it (counting them here would keep a table of every contact while writing)
    return (f'<section id="contacts"><h2>{_t("report.html.contacts", lang)}</h2>'
            f'<details id="contacts-list">'
            f'<summary id="contacts-summary"></summary>'
            f"<table><thead><tr><th>{_t('report.column.contact', lang)}</th>"
            f"<th>{_t('report.field.name', lang)}</th>"
            f'<th class="n">{_t("report.column.count", lang)}</th>'
            f"<th>{_t('report.column.rule', lang)}</th></tr></thead>"
            f'<tbody id="contacts-body"></tbody></table>'
            f'<p class="more" id="contacts-more" hidden><button type="button" '
            f'id="contacts-more-button">{_t("report.html.more", lang)}</button></p>'
            f"</details></section>\n")


def _rejected(report: Report, lang: str) -> Iterator[str]:
    problems = report.problems
    if not problems:
        return
    head = "".join(f"<th>{_t('report.column.' + c, lang)}</th>"
                   for c in ("file", "line", "column", "pointer", "reason"))
    n = len(problems)
    fold = " open" if n <= _OPEN_UP_TO else ""
    yield (f'<section id="rejected"><h2>{_t("report.rejected", lang)}</h2>'
           f"<details{fold}><summary>{_t('report.html.show-rejected', lang, count=n)}</summary>"
           f"<table><thead><tr>{head}</tr></thead><tbody>")
    for start in range(0, n, _BLOCK):
        yield "".join(
            f"<tr><td>{_e(p.file)}</td><td class=\"n\">{p.line or ''}</td>"
            f"<td class=\"n\">{p.column or ''}</td><td>{_e(p.pointer or '')}</td>"
            f"<td>{_e(p.reason)}</td></tr>"
            for p in problems[start:start + _BLOCK])
    yield "</tbody></table></details></section>\n"


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
        f"<noscript><p>{_t('report.html.needs-script', lang)}</p></noscript>"
    )


def _meta(lang: str) -> str:
    # what the script needs besides the rows: severities with their names, and the
    # plural forms of the contacts list's title (one, other: n != 1 in en, nb and sv)
    from .. import i18n

    meta = {
        "sev": [[s.value, report_text(f"report.severity.{s.value}", lang)] for s in Severity],
        "contacts": [i18n.translate("report.html.show-contacts", lang, n) for n in (1, 2)],
    }
    return f'<script type="application/json" id="f-meta">{_data(meta)}</script>\n'


def iter_html(report: Report, lang: str = "en",
              charts: Sequence[tuple[str, str]] = ()) -> Iterator[str]:
    """:func:`render_html` in pieces (one per 500 findings), for writing a large report.

    Each piece is made when it is asked for and kept no longer: writing the
    pieces as they come takes no memory beyond the report's own.
    """
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
    head.append(f'<div class="findings"><div class="fh">{cols}</div><div id="f-rows"></div></div>'
                f'<p class="more" id="f-more" hidden><button type="button" id="f-more-button">'
                f'{_t("report.html.more", lang)}</button></p>\n')
    head.append(_meta(lang))
    yield "".join(head)

    rows = _Rows(lang, tz)
    findings = report.findings
    for start in range(0, len(findings), _BLOCK):
        yield rows.block([rows.row(f) for f in findings[start:start + _BLOCK]])
    yield "</section>\n"
    if findings:
        yield _contacts(lang)
    yield from _rejected(report, lang)
    yield f"<script>{_SCRIPT}</script>\n</body>\n</html>\n"


def render_html(report: Report, lang: str = "en",
                charts: Sequence[tuple[str, str]] = ()) -> str:
    """The report as one self-contained HTML page in ``lang`` (see the module docstring).

    ``charts`` are ``(title, svg)`` pairs, made by :func:`draw_charts`; without
    them the page has no chart section (the rest is the same).
    """
    return "".join(iter_html(report, lang, charts))
