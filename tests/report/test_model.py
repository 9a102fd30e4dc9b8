"""The report model: reconciliation, summary, order and exit codes."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from gdpr_policy._errors import UsageError
from gdpr_policy._messages import Location
from gdpr_policy._rules import REGISTRY, Severity
from gdpr_policy._version import __version__
from gdpr_policy.report import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    EXIT_REJECTED,
    InputStats,
    PolicyRef,
    Rejection,
    Report,
    audit_exit_code,
    exit_code,
    render_json,
)
from gdpr_policy.report._model import canonical_json, jsonable
from strategies.report import POLICY, SAMPLE_REGISTRY, findings, sample_findings, sample_report


def _report(fs: list, inputs: tuple[InputStats, ...] = ()) -> Report:
    return Report(
        policy=PolicyRef(id="p", version="1"), command="lint", findings=tuple(fs), inputs=inputs
    )


def test_sample_rules_do_not_leak_into_the_global_registry() -> None:
    assert len(SAMPLE_REGISTRY) == 4
    assert not any(r.id in REGISTRY for r in SAMPLE_REGISTRY)


def test_tool_is_named_and_versioned() -> None:
    report = sample_report()
    assert (report.tool.name, report.tool.version) == ("gdpr-policy", __version__)


@pytest.mark.parametrize(
    ("read", "evaluated", "rejected"), [(3, 2, 0), (3, 3, 1), (0, 1, 0), (2, 3, -1)]
)
def test_counts_that_do_not_reconcile_are_refused(read: int, evaluated: int, rejected: int) -> None:
    problems = tuple(Rejection(file="f.csv", line=2, reason="bad") for _ in range(max(rejected, 0)))
    with pytest.raises(ValidationError):
        InputStats(
            file="f.csv", read=read, evaluated=evaluated, rejected=rejected, problems=problems
        )


def test_rejected_records_need_a_reason() -> None:
    with pytest.raises(ValidationError, match="no reason"):
        InputStats(file="f.csv", read=2, evaluated=1, rejected=1)


def test_reasons_without_rejected_records_are_refused() -> None:
    with pytest.raises(ValidationError, match="no record rejected"):
        InputStats(
            file="f.csv",
            read=1,
            evaluated=1,
            rejected=0,
            problems=(Rejection(file="f.csv", line=1, reason="x"),),
        )


def test_a_problem_belongs_to_its_file() -> None:
    with pytest.raises(ValidationError, match="listed under it"):
        InputStats(
            file="a.csv",
            read=1,
            evaluated=0,
            rejected=1,
            problems=(Rejection(file="b.csv", line=1, reason="x"),),
        )


def test_one_record_may_have_several_problems() -> None:
    stats = InputStats(
        file="a.csv",
        read=4,
        evaluated=3,
        rejected=1,
        problems=(
            Rejection(file="a.csv", line=3, column=9, reason="y"),
            Rejection(file="a.csv", line=3, column=2, reason="x"),
        ),
    )
    assert [p.column for p in stats.problems] == [2, 9]


def test_an_input_file_is_listed_once() -> None:
    stats = InputStats(file="a.csv", read=1, evaluated=1, rejected=0)
    with pytest.raises(ValidationError, match="once"):
        _report([], (stats, stats))


def test_summary_is_derived_and_a_different_one_is_refused() -> None:
    dumped = sample_report().model_dump()
    assert Report.model_validate(dumped) == sample_report()
    dumped["summary"] = {**dumped["summary"], "findings": 0}
    with pytest.raises(ValidationError, match="derived"):
        Report.model_validate(dumped)


def test_summary_of_the_sample() -> None:
    report = sample_report()
    fs = sample_findings()
    summary = report.summary
    assert summary.findings == len(fs)
    for sev in Severity:
        assert summary.by_severity[sev.value] == sum(f.severity is sev for f in fs)
    assert summary.by_rule == {r.id: sum(f.rule == r.id for f in fs) for r in SAMPLE_REGISTRY}
    files_in_findings = {f.location.file for f in fs if f.location and f.location.file}
    assert summary.files_with_findings == len(files_in_findings)
    assert summary.files == len(files_in_findings | {i.file for i in report.inputs})
    assert (summary.read, summary.evaluated, summary.rejected) == (
        sum(i.read for i in report.inputs),
        sum(i.evaluated for i in report.inputs),
        sum(i.rejected for i in report.inputs),
    )
    assert summary.read == summary.evaluated + summary.rejected


def test_equal_reports_compare_equal_whether_or_not_summary_was_read() -> None:
    a, b = sample_report(), sample_report()
    assert a.summary.findings == 5
    assert a == b


@given(st.lists(findings(), max_size=10))
def test_summary_counts_every_finding(fs: list) -> None:
    report = _report(fs)
    assert sum(report.summary.by_severity.values()) == len(fs)
    assert sum(report.summary.by_rule.values()) == len(fs)
    assert {f.rule for f in fs} <= set(report.rules)


@given(st.lists(findings(), max_size=8), st.randoms(use_true_random=False))
def test_order_of_findings_does_not_depend_on_input_order(fs: list, rnd) -> None:
    shuffled = list(fs)
    rnd.shuffle(shuffled)
    a, b = _report(fs), _report(shuffled)
    assert a.findings == b.findings
    assert render_json(a) == render_json(b)
    keys = [f.sort_key() for f in a.findings]
    assert keys == sorted(keys)


def test_findings_equal_on_the_sort_key_are_ordered_by_content() -> None:
    rule = SAMPLE_REGISTRY["sample.pre-ticked"]
    loc = Location(file="a.js", line=1, column=1)
    one = rule.finding(POLICY, "s", location=loc, evidence={"n": 1}, category="x")
    two = rule.finding(POLICY, "s", location=loc, evidence={"n": 2}, category="x")
    assert _report([one, two]).findings == _report([two, one]).findings


def test_rules_are_sorted_and_include_every_fired_rule() -> None:
    fs = sample_findings()
    report = Report(
        policy=PolicyRef(id="p", version="1"),
        command="banner",
        findings=tuple(fs),
        rules=("sample.never-fires",),
    )
    assert report.rules == tuple(sorted({"sample.never-fires", *(f.rule for f in fs)}))


def _with(*severities: Severity) -> Report:
    rule = SAMPLE_REGISTRY["sample.pre-ticked"]
    return _report([rule.finding(POLICY, f"s{i}", severity=s) for i, s in enumerate(severities)])


@pytest.mark.parametrize(
    "severities",
    [
        (),
        (Severity.NOTE,),
        (Severity.WARNING,),
        (Severity.ERROR,),
        (Severity.NOTE, Severity.WARNING),
        (Severity.NOTE, Severity.ERROR),
    ],
)
@pytest.mark.parametrize("fail_on", ["error", "warning", "never"])
def test_exit_code_follows_fail_on(severities: tuple[Severity, ...], fail_on: str) -> None:
    code = exit_code(_with(*severities), fail_on)  # type: ignore[arg-type]
    ranks = {
        "error": {Severity.ERROR},
        "warning": {Severity.ERROR, Severity.WARNING},
        "never": set(),
    }
    expected = EXIT_FINDINGS if set(severities) & ranks[fail_on] else EXIT_CLEAN
    assert code == expected


def test_exit_code_refuses_an_unknown_threshold() -> None:
    with pytest.raises(UsageError, match="fail-on"):
        exit_code(_with(), "note")  # type: ignore[arg-type]


def test_audit_exit_code_reports_rejections_whatever_fail_on() -> None:
    report = sample_report()
    for fail_on in ("error", "warning", "never"):
        assert audit_exit_code(report, fail_on) == EXIT_REJECTED  # type: ignore[arg-type]
    clean_inputs = (InputStats(file="a.csv", read=2, evaluated=2, rejected=0),)
    no_rejections = sample_report().model_copy(update={"inputs": clean_inputs})
    assert audit_exit_code(no_rejections) == EXIT_FINDINGS
    assert audit_exit_code(_report([], clean_inputs)) == EXIT_CLEAN


def test_an_audit_that_evaluated_no_record_is_no_pass() -> None:
    # an empty send log, a header-only export: no findings, but nothing was judged either
    empty = (InputStats(file="email_sends.jsonl", read=0, evaluated=0, rejected=0),)
    for fail_on in ("error", "warning", "never"):
        assert audit_exit_code(_report([], empty), fail_on) == EXIT_REJECTED  # type: ignore[arg-type]
    # one empty input beside one that was read is an ordinary audit (nothing was sent)
    some = (*empty, InputStats(file="contacts.csv", read=2, evaluated=2, rejected=0))
    assert audit_exit_code(_report([], some)) == EXIT_CLEAN
    # and a report with no inputs at all (nothing given) is judged by its findings
    assert audit_exit_code(_report([], ())) == EXIT_CLEAN


def test_evidence_dates_serialize_as_iso() -> None:
    rule = SAMPLE_REGISTRY["sample.late-answer"]
    tz = dt.timezone(dt.timedelta(hours=2))
    when = dt.datetime(2024, 3, 31, 3, 0, tzinfo=tz)
    text = render_json(
        _report([rule.finding(POLICY, "r", evidence={"at": when, "on": dt.date(2024, 2, 29)})])
    )
    assert '"at": "2024-03-31T03:00:00+02:00"' in text
    assert '"on": "2024-02-29"' in text


def test_all_severity_combinations_are_distinct_reports() -> None:
    seen = {render_json(_with(*c)) for c in itertools.combinations(list(Severity), 2)}
    assert len(seen) == 3


def _reference_jsonable(value: object) -> object:
    # jsonable without its fast paths: the plain recursive definition
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): _reference_jsonable(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, list | tuple):
        return [_reference_jsonable(v) for v in value]
    raise AssertionError(type(value))


_EVIDENCE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5)
    | st.dates() | st.datetimes(timezones=st.just(dt.UTC)),
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
    | st.dictionaries(st.text(max_size=4) | st.integers(0, 20), inner, max_size=4),
    max_leaves=12,
)


@given(_EVIDENCE)
def test_jsonable_fast_paths_agree_with_the_plain_definition(value: object) -> None:
    assert jsonable(value) == _reference_jsonable(value)
    assert canonical_json(value) == canonical_json(_reference_jsonable(value))

