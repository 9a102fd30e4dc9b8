"""Hypothesis strategies and a hand-built sample for the report renderers.

The sample rules live in a test-local :class:`Registry`, never in the global
``REGISTRY``; their area ``sample`` has no catalog, so their messages render
through the documented fallback (code and values), which keeps the golden
files independent of other areas' wording.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from hypothesis import strategies as st

from gdpr_policy._messages import Location, Message
from gdpr_policy._policy import bundled_policy
from gdpr_policy._refs import LegalRef, Promise
from gdpr_policy._rules import Context, Finding, Registry, Rule, Severity
from gdpr_policy.report import InputStats, PolicyRef, Rejection, Report

#: The policy version sample findings are judged under (its clauses are cited).
POLICY = bundled_policy().latest
#: The reference reports of sample findings carry: the bundled policy's clauses, version "1".
POLICY_REF = PolicyRef(id="inmeta", version="1", promised=PolicyRef.of(POLICY).promised)


def _no_check(subject: object, ctx: Context) -> Iterable[Finding]:
    return ()


def sample_registry() -> Registry:
    """Three rules of the ``sample`` area, one per severity."""
    registry = Registry()
    registry.add(
        Rule(
            id="sample.pre-ticked",
            severity=Severity.ERROR,
            legal=(LegalRef.parse("GDPR Recital 32"), LegalRef.parse("CJEU C-673/17 Planet49")),
            promises=(Promise.CONSENT_FORBIDDEN_FORMS,),
            check=_no_check,
        )
    )
    registry.add(
        Rule(
            id="sample.late-answer",
            severity=Severity.WARNING,
            legal=(LegalRef.parse("GDPR Art. 12(3)"),),
            promises=(Promise.DELETION_ON_REQUEST,),
            check=_no_check,
        )
    )
    registry.add(
        Rule(
            id="sample.unused-purpose",
            severity=Severity.NOTE,
            legal=(LegalRef.parse("GDPR Art. 5(1)(c)"),),
            check=_no_check,
        )
    )
    registry.add(
        Rule(
            id="sample.never-fires",
            severity=Severity.ERROR,
            legal=(LegalRef.parse("GDPR Art. 7(3)"),),
            promises=(Promise.CONSENT_WITHDRAWAL,),
            check=_no_check,
        )
    )
    return registry


SAMPLE_REGISTRY = sample_registry()


def sample_findings() -> list[Finding]:
    """Findings covering every location shape, severity and evidence type."""
    pre = SAMPLE_REGISTRY["sample.pre-ticked"]
    late = SAMPLE_REGISTRY["sample.late-answer"]
    unused = SAMPLE_REGISTRY["sample.unused-purpose"]
    return [
        late.finding(
            POLICY,
            "request-17",
            location=Location(file="logs/requests.jsonl", line=4),
            evidence={
                "received": dt.date(2024, 1, 31),
                "due": dt.date(2024, 2, 29),
                "responded": dt.datetime(2024, 3, 1, 9, 30),
            },
            due=dt.date(2024, 2, 29),
            days_late=1,
        ),
        pre.finding(
            POLICY,
            "analytics",
            location=Location(file="site/cookieconsent.js", line=12, column=9),
            evidence={"category": "analytics", "enabled": True, "services": ["_ga", "_gid"]},
            category="analytics",
        ),
        pre.finding(
            POLICY,
            "marketing",
            location=Location(file="site/cookieconsent.js", line=3, column=5),
            evidence={"category": "marketing", "enabled": True},
            category="marketing",
        ),
        unused.finding(
            POLICY,
            "newsletter",
            location=Location(file="policy.yaml", pointer="/purposes/2"),
            evidence={"purpose": "newsletter"},
            purpose="newsletter",
        ),
        unused.finding(POLICY, "profiling", evidence={}, purpose="profiling"),
    ]


def sample_report(findings: Iterable[Finding] | None = None) -> Report:
    """A small audit-like report with two inputs, one of them with a rejected record."""
    return Report(
        policy=PolicyRef(id="inmeta", version="2024-05", promised=POLICY_REF.promised),
        command="audit",
        findings=tuple(sample_findings() if findings is None else findings),
        rules=tuple(r.id for r in SAMPLE_REGISTRY),
        inputs=(
            InputStats(file="logs/requests.jsonl", read=5, evaluated=5, rejected=0),
            InputStats(
                file="crm/contacts.csv",
                read=3,
                evaluated=2,
                rejected=1,
                problems=(
                    Rejection(
                        file="crm/contacts.csv",
                        line=3,
                        reason="crm/contacts.csv:3:2: Create Date: expected a date, found 'soon'",
                    ),
                ),
            ),
        ),
    )


# Text meant to break formats: separators, quotes, markup, terminal escapes,
# bidi overrides, workflow-command syntax, spreadsheet formulas.
HOSTILE = (
    '=HYPERLINK("http://x")\n::error file=evil::pwned\r\n'
    "<script>&amp;</script> \x1b[31mred\x1b[0m \x00\x07 \u202eevil\u202c, a:b % 100%25 ' \""
)

_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
_files = st.one_of(st.none(), st.sampled_from(["a.js", "b/c.json", "x y.yaml"]), _text)
_severities = st.sampled_from(list(Severity))


@st.composite
def findings(draw: st.DrawFn) -> Finding:
    """An arbitrary finding of one of the sample rules, with hostile-capable strings."""
    rule = draw(st.sampled_from(list(SAMPLE_REGISTRY)))
    file = draw(_files)
    location = draw(
        st.one_of(
            st.none(),
            st.builds(
                Location,
                file=st.just(file),
                line=st.one_of(st.none(), st.integers(1, 10_000)),
                column=st.one_of(st.none(), st.integers(1, 500)),
                pointer=st.one_of(st.none(), _text.map(lambda t: "/" + t)),
            ),
        )
    )
    values = draw(
        st.dictionaries(
            st.sampled_from(["a", "b", "when", "names"]),
            st.one_of(
                _text,
                st.integers(-(10**6), 10**6),
                st.booleans(),
                st.dates(),
                st.lists(_text, max_size=3),
            ),
            max_size=3,
        )
    )
    return Finding(
        rule=rule.id,
        severity=draw(_severities),
        subject=draw(_text),
        message=Message(code=rule.message_code, values=values),
        location=location,
        evidence=values,
        legal=rule.legal,
        statement=rule.clauses(POLICY),
    )


def reports(max_findings: int = 8) -> st.SearchStrategy[Report]:
    """Reports of arbitrary sample findings (no inputs)."""
    return st.lists(findings(), max_size=max_findings).map(
        lambda fs: Report(
            policy=POLICY_REF,
            command="banner",
            findings=tuple(fs),
            rules=tuple(r.id for r in SAMPLE_REGISTRY),
        )
    )


def hostile_report() -> Report:
    """A report whose every input-derived string is :data:`HOSTILE`."""
    rule = SAMPLE_REGISTRY["sample.pre-ticked"]
    finding = rule.finding(
        POLICY,
        HOSTILE,
        location=Location(file="dir/" + HOSTILE, line=2, column=3, pointer="/" + HOSTILE),
        evidence={HOSTILE: HOSTILE, "list": [HOSTILE]},
        category=HOSTILE,
    )
    bare = rule.finding(POLICY, "-1+1", evidence={}, category="@SUM(A1)")
    return Report(
        policy=POLICY_REF,
        command="banner",
        findings=(finding, bare),
        rules=("sample.pre-ticked",),
        inputs=(
            InputStats(
                file="in/" + HOSTILE,
                read=1,
                evaluated=0,
                rejected=1,
                problems=(Rejection(file="in/" + HOSTILE, line=1, reason=HOSTILE),),
            ),
        ),
    )
