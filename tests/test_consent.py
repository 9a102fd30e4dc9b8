"""Tests of consent records and the consent rules (gdpr_policy.consent)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gdpr_policy import Duration, InputError, UsageError
from gdpr_policy._policy import PolicyVersion, bundled_policy
from gdpr_policy._rules import REGISTRY, Finding, Severity
from gdpr_policy.consent import (
    CONSENT_RULES,
    ConsentMethod,
    ConsentRecord,
    NoticeShown,
    Precondition,
    ProcessingEvent,
    decide_consent,
    evaluate_consent,
    is_consent_valid,
    parse_consent_record,
)
from gdpr_policy.i18n import LANGUAGES, has_message, render
from strategies.consent import (
    AFFIRMATIVE,
    OTHER_BASIS_PURPOSE,
    PASSIVE,
    UNDECLARED_PURPOSE,
    consent_records,
    instants,
    processing_events,
    valid_records,
)

OSLO = ZoneInfo("Europe/Oslo")
STOCKHOLM = ZoneInfo("Europe/Stockholm")
AS_OF = dt.date(2026, 1, 15)
GIVEN = dt.datetime(2025, 3, 1, 10, 0, tzinfo=OSLO)


@pytest.fixture(scope="module")
def policy() -> PolicyVersion:
    return bundled_policy().at(AS_OF)


def good(**changes: Any) -> ConsentRecord:
    """A record every rule accepts; ``changes`` break one thing at a time."""
    base: dict[str, Any] = {
        "subject": "contact-1",
        "id": "rec-1",
        "given_at": GIVEN,
        "purposes": ("analytics", "email-marketing"),
        "method": "ticked-box",
        "pre_ticked": False,
        "separate_choices": True,
        "notice": {
            "id": "signup-form",
            "version": "2024-03-06",
            "controller_identity": True,
            "purposes": ("analytics", "email-marketing"),
            "data_types": ("name", "email"),
            "right_to_withdraw": True,
        },
    }
    base.update(changes)
    return ConsentRecord.model_validate(base)


def notice(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = dict(good().notice.model_dump())  # type: ignore[union-attr]
    data.update(changes)
    return data


def event(purpose: str, at: dt.datetime) -> dict[str, Any]:
    return {"purpose": purpose, "at": at}


def rules_of(findings: list[Finding], severity: Severity | None = None) -> list[str]:
    return sorted(f.rule for f in findings if severity is None or f.severity is severity)


def only(findings: list[Finding], rule_id: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule_id]


# --- the baseline and the rule metadata ---------------------------------------------------


def test_good_record_has_no_findings(policy: PolicyVersion) -> None:
    record = good(processing=[event("analytics", GIVEN + dt.timedelta(days=3))])
    assert evaluate_consent(record, policy, AS_OF) == []
    assert is_consent_valid(record, policy, AS_OF)


@pytest.mark.parametrize(
    ("rule_id", "legal", "statement"),
    [
        ("consent.silence", {"GDPR Recital 32", "EDPB Guidelines 05/2020 Example 16"}, {"S25"}),
        ("consent.pre-ticked", {"GDPR Recital 32", "CJEU C-673/17 Planet49"}, {"S25"}),
        ("consent.conditional", {"GDPR Art. 7(4)", "GDPR Recital 43"}, {"S25"}),
        ("consent.not-granular", {"GDPR Recital 43", "EDPB Guidelines 05/2020 Example 7"}, {"S24"}),
        ("consent.purpose-not-covered", {"GDPR Art. 6(1)(a)"}, {"S24"}),
        ("consent.not-informed", {"GDPR Art. 7(3)", "GDPR Recital 42"}, {"S23"}),
        ("consent.not-demonstrable", {"GDPR Art. 7(1)", "CJEU C-61/19 Orange Romania"}, {"S23"}),
        ("consent.withdrawn", {"GDPR Art. 7(3)"}, {"S33"}),
    ],
)
def test_rule_metadata(rule_id: str, legal: set[str], statement: set[str]) -> None:
    the_rule = REGISTRY[rule_id]
    assert the_rule in CONSENT_RULES
    assert the_rule.severity is Severity.ERROR
    assert {str(ref) for ref in the_rule.legal} == legal
    assert {str(ref) for ref in the_rule.clauses(bundled_policy().latest)} == statement
    for lang in LANGUAGES:
        for code in (the_rule.message_code, the_rule.title_code, the_rule.help_code):
            assert has_message(code, lang), (code, lang)


def test_consent_rules_are_exactly_the_issue_ids() -> None:
    assert [r.id for r in CONSENT_RULES] == sorted(
        [
            "consent.silence",
            "consent.pre-ticked",
            "consent.conditional",
            "consent.not-granular",
            "consent.purpose-not-covered",
            "consent.not-informed",
            "consent.not-demonstrable",
            "consent.withdrawn",
            "consent.browser-settings",
            "consent.expired",
            "consent.stale-notice",
            "consent.undeclared-purpose",
        ]
    )


# --- consent.silence --------------------------------------------------------------------


@pytest.mark.parametrize("method", PASSIVE)
def test_silence_fires_on_passive_methods(policy: PolicyVersion, method: ConsentMethod) -> None:
    findings = evaluate_consent(good(method=method, pre_ticked=None), policy, AS_OF)
    assert rules_of(findings) == ["consent.silence"]
    (found,) = findings
    assert found.evidence == {"method": method.value, "given_at": GIVEN}
    assert found.message.values["method"] == method.value


@pytest.mark.parametrize("method", [m for m in AFFIRMATIVE if m is not ConsentMethod.TICKED_BOX])
def test_silence_does_not_fire_on_affirmative_acts(
    policy: PolicyVersion, method: ConsentMethod
) -> None:
    assert evaluate_consent(good(method=method, pre_ticked=None), policy, AS_OF) == []


# --- consent.pre-ticked -----------------------------------------------------------------


def test_pre_ticked_method_fires(policy: PolicyVersion) -> None:
    findings = evaluate_consent(good(method="pre-ticked", pre_ticked=None), policy, AS_OF)
    assert rules_of(findings) == ["consent.pre-ticked"]
    assert findings[0].evidence["method"] == "pre-ticked"


def test_ticked_box_that_was_pre_ticked_fires(policy: PolicyVersion) -> None:
    findings = evaluate_consent(good(pre_ticked=True), policy, AS_OF)
    assert rules_of(findings) == ["consent.pre-ticked"]
    assert findings[0].evidence["pre_ticked"] is True


def test_unticked_box_does_not_fire(policy: PolicyVersion) -> None:
    assert only(evaluate_consent(good(pre_ticked=False), policy, AS_OF), "consent.pre-ticked") == []


def test_pre_ticked_contradictions_are_rejected() -> None:
    with pytest.raises(ValueError, match="pre_ticked: expected true or no value with method"):
        good(method="pre-ticked", pre_ticked=False)
    with pytest.raises(ValueError, match="pre_ticked: expected false or no value with method"):
        good(method="button", pre_ticked=True)


# --- consent.conditional ----------------------------------------------------------------


def test_conditional_fires_when_service_does_not_need_processing(policy: PolicyVersion) -> None:
    record = good(precondition_of={"service": "whitepaper-download", "needs_processing": False})
    findings = evaluate_consent(record, policy, AS_OF)
    assert rules_of(findings) == ["consent.conditional"]
    assert findings[0].severity is Severity.ERROR
    assert findings[0].evidence["precondition_of"] == "whitepaper-download"
    assert findings[0].evidence["needs_processing"] is False


def test_conditional_is_fine_when_service_needs_processing(policy: PolicyVersion) -> None:
    record = good(precondition_of={"service": "newsletter", "needs_processing": True})
    assert evaluate_consent(record, policy, AS_OF) == []


def test_conditional_unknown_need_is_a_warning_not_a_pass(policy: PolicyVersion) -> None:
    record = good(precondition_of={"service": "webinar"})
    findings = evaluate_consent(record, policy, AS_OF)
    assert rules_of(findings, Severity.WARNING) == ["consent.conditional"]
    assert findings[0].message.code == "consent.conditional.unrecorded"
    assert findings[0].evidence["unrecorded"] == ["precondition_of.needs_processing"]
    assert not is_consent_valid(record, policy, AS_OF)


# --- consent.not-granular ---------------------------------------------------------------


def test_not_granular_fires_on_bundled_purposes(policy: PolicyVersion) -> None:
    # EDPB 05/2020 Example 7: one consent for e-mail marketing and another purpose.
    findings = evaluate_consent(good(separate_choices=False), policy, AS_OF)
    assert rules_of(findings) == ["consent.not-granular"]
    assert findings[0].message.values["count"] == 2
    assert findings[0].evidence["purposes"] == ["analytics", "email-marketing"]


def test_not_granular_needs_several_purposes(policy: PolicyVersion) -> None:
    one = good(
        separate_choices=False,
        purposes=("analytics", "analytics"),
        notice=notice(purposes=("analytics",)),
    )
    assert evaluate_consent(one, policy, AS_OF) == []


def test_not_granular_unknown_choice_is_a_warning(policy: PolicyVersion) -> None:
    findings = evaluate_consent(good(separate_choices=None), policy, AS_OF)
    assert [(f.rule, f.severity, f.message.code) for f in findings] == [
        ("consent.not-granular", Severity.WARNING, "consent.not-granular.unrecorded")
    ]


# --- consent.purpose-not-covered --------------------------------------------------------


def test_purpose_not_covered_fires_for_an_unconsented_consent_purpose(
    policy: PolicyVersion,
) -> None:
    at = dt.datetime(2025, 6, 1, 12, tzinfo=OSLO)
    findings = evaluate_consent(good(processing=[event("profiling", at)]), policy, AS_OF)
    assert rules_of(findings) == ["consent.purpose-not-covered"]
    assert findings[0].evidence == {
        "purpose": "profiling",
        "at": at,
        "consented_purposes": ["analytics", "email-marketing"],
        "policy_basis": "consent",
    }


def test_purpose_not_covered_fires_for_an_undeclared_purpose(policy: PolicyVersion) -> None:
    at = dt.datetime(2025, 6, 1, 12, tzinfo=OSLO)
    findings = evaluate_consent(good(processing=[event(UNDECLARED_PURPOSE, at)]), policy, AS_OF)
    assert rules_of(findings) == ["consent.purpose-not-covered", "consent.undeclared-purpose"]
    assert only(findings, "consent.purpose-not-covered")[0].evidence["policy_basis"] is None


def test_purpose_with_another_basis_does_not_stand_on_consent(policy: PolicyVersion) -> None:
    at = dt.datetime(2025, 6, 1, 12, tzinfo=OSLO)
    record = good(processing=[event(OTHER_BASIS_PURPOSE, at)])
    assert evaluate_consent(record, policy, AS_OF) == []
    # ... but a service cannot stand that purpose on this consent either.
    assert not is_consent_valid(record, policy, AS_OF, OTHER_BASIS_PURPOSE)


def test_processing_before_consent_is_not_covered(policy: PolicyVersion) -> None:
    at = GIVEN - dt.timedelta(minutes=1)
    findings = evaluate_consent(good(processing=[event("analytics", at)]), policy, AS_OF)
    assert rules_of(findings) == ["consent.purpose-not-covered"]
    assert findings[0].message.code == "consent.purpose-not-covered.before-consent"
    assert findings[0].evidence["given_at"] == GIVEN


def test_processing_at_the_instant_of_consent_is_covered(policy: PolicyVersion) -> None:
    assert evaluate_consent(good(processing=[event("analytics", GIVEN)]), policy, AS_OF) == []


def test_processing_after_as_of_is_not_judged(policy: PolicyVersion) -> None:
    later = dt.datetime(2026, 2, 1, tzinfo=OSLO)
    assert evaluate_consent(good(processing=[event("profiling", later)]), policy, AS_OF) == []


def test_empty_consent_covers_nothing(policy: PolicyVersion) -> None:
    record = good(purposes=(), processing=[event("analytics", GIVEN + dt.timedelta(days=1))])
    assert rules_of(evaluate_consent(record, policy, AS_OF)) == ["consent.purpose-not-covered"]
    assert not is_consent_valid(record, policy, AS_OF)


# --- consent.not-informed ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "code", "pointer"),
    [
        (
            {"controller_identity": False},
            "consent.not-informed.controller-identity",
            "/controller_identity",
        ),
        ({"purposes": ()}, "consent.not-informed.purposes", "/purposes"),
        ({"data_types": ()}, "consent.not-informed.data-types", "/data_types"),
        (
            {"right_to_withdraw": False},
            "consent.not-informed.right-to-withdraw",
            "/right_to_withdraw",
        ),
    ],
)
def test_not_informed_fires_per_missing_element(
    policy: PolicyVersion, change: dict[str, Any], code: str, pointer: str
) -> None:
    record = parse_consent_record(
        good(notice=notice(**change)).model_dump(exclude={"location"}), source="r.json"
    )
    findings = evaluate_consent(record, policy, AS_OF)
    assert [(f.rule, f.message.code) for f in findings] == [("consent.not-informed", code)]
    assert findings[0].location is not None
    assert findings[0].location.pointer == "/notice" + pointer
    assert findings[0].evidence["notice"] == "signup-form@2024-03-06"


def test_not_informed_names_the_purposes_the_notice_left_out(policy: PolicyVersion) -> None:
    record = good(notice=notice(purposes=("analytics",)))
    (found,) = evaluate_consent(record, policy, AS_OF)
    assert found.message.values["purposes"] == ["email-marketing"]
    assert found.evidence["unnamed_purposes"] == ["email-marketing"]


def test_not_informed_with_everything_missing_gives_four_findings(policy: PolicyVersion) -> None:
    record = good(
        notice=notice(
            controller_identity=False, purposes=(), data_types=(), right_to_withdraw=False
        )
    )
    findings = evaluate_consent(record, policy, AS_OF)
    assert rules_of(findings) == ["consent.not-informed"] * 4


def test_not_informed_unrecorded_contents_are_a_warning(policy: PolicyVersion) -> None:
    record = good(notice={"id": "signup-form", "version": "2024-03-06"})
    findings = evaluate_consent(record, policy, AS_OF)
    assert [(f.rule, f.severity) for f in findings] == [("consent.not-informed", Severity.WARNING)]
    assert findings[0].evidence["unrecorded"] == [
        "notice.controller_identity",
        "notice.purposes",
        "notice.data_types",
        "notice.right_to_withdraw",
    ]


def test_a_notice_naming_more_purposes_is_fine(policy: PolicyVersion) -> None:
    record = good(notice=notice(purposes=("analytics", "email-marketing", "profiling")))
    assert evaluate_consent(record, policy, AS_OF) == []


# --- consent.not-demonstrable -----------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "missing"),
    [
        ({"given_at": None}, ["given_at"]),
        ({"method": None}, ["method"]),
        ({"pre_ticked": None}, ["pre_ticked"]),  # a ticked box: ticked by whom? (C-61/19)
        ({"notice": None}, ["notice"]),
        ({"notice": notice(version=None)}, ["notice.version"]),
        ({"notice": notice(id=None)}, ["notice.id"]),
        ({"given_at": None, "method": None, "notice": None}, ["given_at", "method", "notice"]),
    ],
)
def test_not_demonstrable(
    policy: PolicyVersion, change: dict[str, Any], missing: list[str]
) -> None:
    findings = evaluate_consent(good(**change), policy, AS_OF)
    assert rules_of(findings) == ["consent.not-demonstrable"]
    assert findings[0].evidence["missing"] == missing
    assert findings[0].message.values["missing"] == missing


def test_button_needs_no_pre_ticked_state(policy: PolicyVersion) -> None:
    assert evaluate_consent(good(method="button", pre_ticked=None), policy, AS_OF) == []


def test_oral_consent_is_demonstrable_when_recorded(policy: PolicyVersion) -> None:
    assert evaluate_consent(good(method="oral", pre_ticked=None), policy, AS_OF) == []


# --- consent.withdrawn ------------------------------------------------------------------


def test_processing_after_withdrawal_fires(policy: PolicyVersion) -> None:
    withdrawn = dt.datetime(2025, 9, 1, 8, tzinfo=OSLO)
    after = withdrawn + dt.timedelta(days=2)
    findings = evaluate_consent(
        good(withdrawn_at=withdrawn, processing=[event("analytics", after)]), policy, AS_OF
    )
    assert rules_of(findings) == ["consent.withdrawn"]
    assert findings[0].evidence == {"purpose": "analytics", "at": after, "withdrawn_at": withdrawn}


def test_processing_before_withdrawal_stays_lawful(policy: PolicyVersion) -> None:
    withdrawn = dt.datetime(2025, 9, 1, 8, tzinfo=OSLO)
    record = good(
        withdrawn_at=withdrawn, processing=[event("analytics", withdrawn - dt.timedelta(seconds=1))]
    )
    assert evaluate_consent(record, policy, AS_OF) == []


def test_processing_at_the_instant_of_withdrawal_fires(policy: PolicyVersion) -> None:
    withdrawn = dt.datetime(2025, 9, 1, 8, tzinfo=OSLO)
    record = good(
        withdrawn_at=withdrawn, processing=[event("analytics", withdrawn.astimezone(dt.UTC))]
    )
    assert rules_of(evaluate_consent(record, policy, AS_OF)) == ["consent.withdrawn"]


def test_withdrawal_after_as_of_has_not_happened(policy: PolicyVersion) -> None:
    withdrawn = dt.datetime(2026, 3, 1, tzinfo=OSLO)
    record = good(withdrawn_at=withdrawn, processing=[event("analytics", withdrawn)])
    assert evaluate_consent(record, policy, AS_OF) == []
    assert is_consent_valid(record, policy, AS_OF)
    assert not is_consent_valid(record, policy, withdrawn)


def test_withdrawn_before_given_is_rejected() -> None:
    with pytest.raises(ValueError, match="withdrawn_at: expected a time on or after given_at"):
        good(withdrawn_at=GIVEN - dt.timedelta(days=1))


def test_withdrawal_of_another_purpose_is_reported_once(policy: PolicyVersion) -> None:
    withdrawn = dt.datetime(2025, 9, 1, tzinfo=OSLO)
    record = good(
        withdrawn_at=withdrawn, processing=[event("profiling", withdrawn + dt.timedelta(days=1))]
    )
    assert rules_of(evaluate_consent(record, policy, AS_OF)) == ["consent.purpose-not-covered"]


# --- time: as_of as a date is the end of that day in the controller's zone -------------


@pytest.mark.parametrize(
    ("day", "inside_utc", "outside_utc"),
    [
        # winter, CET = UTC+1: the day ends 22:59:59.999999 UTC
        (dt.date(2026, 1, 15), dt.datetime(2026, 1, 15, 22, 59), dt.datetime(2026, 1, 15, 23, 0)),
        # spring-forward day (23 hours), ends at CEST = UTC+2
        (dt.date(2025, 3, 30), dt.datetime(2025, 3, 30, 21, 59), dt.datetime(2025, 3, 30, 22, 0)),
        # fall-back day (25 hours), ends at CET = UTC+1
        (
            dt.date(2025, 10, 26),
            dt.datetime(2025, 10, 26, 22, 59),
            dt.datetime(2025, 10, 26, 23, 0),
        ),
        # leap day
        (dt.date(2028, 2, 29), dt.datetime(2028, 2, 29, 22, 59), dt.datetime(2028, 2, 29, 23, 0)),
    ],
)
def test_date_as_of_ends_at_midnight_oslo(
    policy: PolicyVersion, day: dt.date, inside_utc: dt.datetime, outside_utc: dt.datetime
) -> None:
    for at, judged in ((inside_utc, True), (outside_utc, False)):
        record = good(
            withdrawn_at=dt.datetime(2025, 3, 2, tzinfo=OSLO),
            processing=[event("analytics", at.replace(tzinfo=dt.UTC))],
        )
        assert bool(evaluate_consent(record, policy, day)) is judged, (day, at)


def test_date_as_of_follows_a_swedish_controller(policy: PolicyVersion) -> None:
    # Stockholm and Oslo share their offsets; the zone must still come from the policy.
    swedish = policy.model_copy(
        update={"controller": policy.controller.model_copy(update={"country": "SE"})}
    )
    assert swedish.jurisdiction().timezone == "Europe/Stockholm"
    at = dt.datetime(2026, 1, 15, 23, 30, tzinfo=STOCKHOLM)
    record = good(
        withdrawn_at=dt.datetime(2025, 3, 2, tzinfo=STOCKHOLM), processing=[event("analytics", at)]
    )
    assert rules_of(evaluate_consent(record, swedish, dt.date(2026, 1, 15))) == [
        "consent.withdrawn"
    ]
    assert evaluate_consent(record, swedish, dt.date(2026, 1, 14)) == []


def test_naive_as_of_is_a_usage_error(policy: PolicyVersion) -> None:
    with pytest.raises(UsageError, match=r"^as_of: expected a date .* or an aware date-time .*, got 2026-01-01T12:00:00 without a UTC offset$"):
        evaluate_consent(good(), policy, dt.datetime(2026, 1, 1, 12))


def test_naive_instants_are_rejected() -> None:
    with pytest.raises(ValueError, match="timezone"):
        good(given_at=dt.datetime(2025, 1, 1, 12))


# --- is_consent_valid -------------------------------------------------------------------


def test_is_consent_valid_for_a_named_purpose(policy: PolicyVersion) -> None:
    record = good()
    assert is_consent_valid(record, policy, AS_OF, "analytics")
    assert not is_consent_valid(record, policy, AS_OF, "profiling")
    assert not is_consent_valid(record, policy, GIVEN - dt.timedelta(seconds=1), "analytics")
    assert is_consent_valid(record, policy, GIVEN, "analytics")


def test_is_consent_valid_ignores_the_records_own_events(policy: PolicyVersion) -> None:
    record = good(processing=[event("profiling", GIVEN + dt.timedelta(days=1))])
    assert evaluate_consent(record, policy, AS_OF) != []
    assert is_consent_valid(record, policy, AS_OF)


def test_invalid_forms_are_never_valid(policy: PolicyVersion) -> None:
    assert not is_consent_valid(good(method="scroll", pre_ticked=None), policy, AS_OF)
    assert not is_consent_valid(good(pre_ticked=True), policy, AS_OF)
    assert not is_consent_valid(good(notice=None), policy, AS_OF)


# --- parsing and locations --------------------------------------------------------------


def test_parse_consent_record_locates_findings() -> None:
    data = {
        "subject": "contact-7",
        "given_at": "2025-05-01T09:00:00+02:00",
        "purposes": ["analytics"],
        "method": "scroll",
        "notice": {
            "id": "banner",
            "version": "2",
            "controller_identity": True,
            "purposes": ["analytics"],
            "data_types": ["cookies"],
            "right_to_withdraw": True,
        },
        "processing": [
            {"purpose": "analytics", "at": "2025-05-02T09:00:00+02:00"},
            {"purpose": "profiling", "at": "2025-05-03T09:00:00+02:00"},
        ],
    }
    record = parse_consent_record(data, source="consents.json", pointer="/records/4")
    findings = evaluate_consent(record, bundled_policy().at(AS_OF), AS_OF)
    where = {f.rule: f.location for f in findings}
    assert where["consent.silence"] is not None
    assert where["consent.silence"].file == "consents.json"
    assert where["consent.silence"].pointer == "/records/4/method"
    assert where["consent.purpose-not-covered"] is not None
    assert where["consent.purpose-not-covered"].pointer == "/records/4/processing/1"
    assert {f.subject for f in findings} == {"contact-7"}


@pytest.mark.parametrize(
    ("data", "pointer", "text"),
    [
        ({"subject": "x", "given_at": "2025-05-01T09:00:00"}, "/r/given_at", "UTC offset"),
        ({"subject": "x", "method": "nodding"}, "/r/method", "nodding"),
        ({"subject": "x", "colour": "blue"}, "/r/colour", "unknown key 'colour'"),
        ({"purposes": []}, "/r/subject", "expected a value for this required field"),
        ({"subject": "x", "notice": {"id": ""}}, "/r/notice/id", "non-empty"),
    ],
)
def test_parse_errors_are_located(data: dict[str, Any], pointer: str, text: str) -> None:
    with pytest.raises(InputError) as info:
        parse_consent_record(data, source="c.json", pointer="/r")
    issues = info.value.issues
    assert any(i.pointer == pointer for i in issues), [i.pointer for i in issues]
    assert text in str(info.value)
    assert str(info.value).startswith("c.json#/r")


#: What a date-time field takes, in the words of every error about one.
ISO_INSTANT = (
    "expected an ISO 8601 date-time with a UTC offset such as 2026-01-01T00:00:00+01:00"
)
#: The date-time fields of a record, as the changes that set them.
_TIMES: dict[str, Any] = {
    "given_at": lambda v: {"given_at": v},
    "withdrawn_at": lambda v: {"withdrawn_at": v},
    "processing/0/at": lambda v: {"processing": [{"purpose": "analytics", "at": v}]},
}


def _parse(**changes: Any) -> ConsentRecord:
    data = good().model_dump(mode="json", exclude={"location"})
    data.update(changes)
    return parse_consent_record(data, source="c.json", pointer="/r")


@pytest.mark.parametrize("field", sorted(_TIMES))
@pytest.mark.parametrize(
    "value",
    ["20260101000000", 20260101000000, "20250301", 20250301, 1772442000, " 1772442000 ",
     1772442000.5, True],
)
def test_numbers_are_not_read_as_unix_time(field: str, value: Any) -> None:
    # pydantic's lax mode read 20260101000000 as the year 2612 (a withdrawal that has
    # not happened: the consent allowed) and 20250301 as 1970 (expired)
    with pytest.raises(InputError) as info:
        _parse(**_TIMES[field](value))
    (issue,) = info.value.issues
    assert (issue.pointer, issue.expected, issue.found) == (f"/r/{field}", ISO_INSTANT, repr(value))
    assert str(info.value) == (
        f"c.json#/r/{field}: {field.replace('/', '.')}: {ISO_INSTANT}, got {value!r}"
    )


def test_a_compact_withdrawal_stamp_does_not_allow_processing(policy: PolicyVersion) -> None:
    record = _parse(withdrawn_at=" 2026-01-01T00:00Z ")  # stripped, as as_of is
    assert record.withdrawn_at == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert decide_consent(record, policy, AS_OF, "analytics").reasons == ("consent.withdrawn",)
    with pytest.raises(InputError, match="withdrawn_at: expected an ISO 8601 date-time"):
        _parse(withdrawn_at="20260101000000")


def test_iso_times_are_read_as_before() -> None:
    record = _parse(given_at="2025-03-01 10:00:00.000+0100",
                    processing=[{"purpose": "analytics", "at": GIVEN + dt.timedelta(days=1)}])
    assert record.given_at == GIVEN
    assert record.processing[0].at == GIVEN + dt.timedelta(days=1)
    # without an offset, or a date: which instant depends on the zone
    for text in ("2025-03-01T10:00", "2025-03-01"):
        with pytest.raises(InputError) as info:
            _parse(given_at=text)
        (issue,) = info.value.issues
        assert (issue.pointer, issue.expected, issue.found) == (
            "/r/given_at",
            "expected a date-time with a UTC offset such as 2026-01-01T00:00:00+01:00",
            repr(text),
        )
    with pytest.raises(InputError) as info:
        _parse(given_at="2025-03-01T10:00:00.000+0100x")
    assert info.value.issues[0].expected == ISO_INSTANT


@pytest.mark.parametrize(
    ("changes", "pointer", "expected"),
    [
        (
            {"withdrawn_at": "2025-01-01T00:00Z"},
            "/r/withdrawn_at",
            "expected a time on or after given_at (2025-03-01T10:00:00+01:00), "
            "got 2025-01-01T00:00:00+00:00",
        ),
        (
            {"method": "button", "pre_ticked": True},
            "/r/pre_ticked",
            "expected false or no value with method 'button' (only a box is pre-ticked), "
            "got true",
        ),
        (
            {"method": "pre-ticked", "pre_ticked": False},
            "/r/pre_ticked",
            "expected true or no value with method 'pre-ticked', got false",
        ),
        (
            {"withdrawn": "2026-01-01T00:00Z"},
            "/r/withdrawn",
            "expected a known key (unknown key 'withdrawn'; did you mean 'withdrawn_at'?)",
        ),
        (
            {"processing": [{"purpose": "analytics", "at": "2026-01-01T00:00Z", "purpse": "x"}]},
            "/r/processing/0/purpse",
            "expected a known key (unknown key 'purpse'; did you mean 'purpose'?)",
        ),
        (  # a key of another record: no key of this one is near enough to suggest
            {"recieved_at": "2026-01-01T00:00Z"},
            "/r/recieved_at",
            "expected a known key (unknown key 'recieved_at')",
        ),
        ({"purposes": "analytics"}, "/r/purposes", "expected a list"),
        ({"purposes": ["analytics", ""]}, "/r/purposes/1", "expected a non-empty text"),
        ({"separate_choices": "yes"}, "/r/separate_choices", "expected true or false"),
    ],
)
def test_parse_errors_are_plain_words_at_the_field(
    changes: dict[str, Any], pointer: str, expected: str
) -> None:
    with pytest.raises(InputError) as info:
        _parse(**changes)
    (issue,) = info.value.issues
    assert (issue.pointer, issue.expected) == (pointer, expected)
    assert "Value error" not in str(info.value)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("pre_ticked", "off"),
        ("separate_choices", 1),
        ("separate_choices", 1.0),
        ("notice/right_to_withdraw", "yes"),
        ("notice/controller_identity", 0),
        ("precondition_of/needs_processing", "false"),
    ],
)
def test_booleans_are_true_or_false(field: str, value: Any) -> None:
    # "yes", "off", 1 and 1.0 were read as booleans; the record is JSON or YAML, where a
    # yes or no is written true or false
    data = good(precondition_of={"service": "webinar", "needs_processing": True}).model_dump(
        mode="json", exclude={"location"}
    )
    *parents, key = field.split("/")
    target = data
    for parent in parents:
        target = target[parent]
    target[key] = value
    with pytest.raises(InputError) as info:
        parse_consent_record(data, source="c.json", pointer="/r")
    (issue,) = info.value.issues
    assert (issue.pointer, issue.expected, issue.found) == (
        f"/r/{field}", "expected true or false", repr(value)
    )


def test_parse_rejects_a_non_object() -> None:
    with pytest.raises(InputError, match="consent record object"):
        parse_consent_record(["x"], source="c.json")  # type: ignore[arg-type]


# --- rendering --------------------------------------------------------------------------


@given(record=consent_records())
def test_every_finding_renders_in_every_language(record: ConsentRecord) -> None:
    policy = bundled_policy().at(AS_OF)
    for found in evaluate_consent(record, policy, dt.date(2030, 12, 31)):
        for lang in LANGUAGES:
            assert has_message(found.message.code, lang)
            text = render(found.message, lang)
            assert "{" not in text, (found.message.code, lang, text)


# --- properties -------------------------------------------------------------------------


def _key(findings: list[Finding]) -> Counter[str]:
    return Counter(f.model_dump_json() for f in findings)


@given(record=valid_records(), within=st.timedeltas(dt.timedelta(0), dt.timedelta(days=365)))
def test_valid_records_have_no_findings(record: ConsentRecord, within: dt.timedelta) -> None:
    # Within a year of consent: the bundled policy's 13-month lifetime has not run out.
    policy = bundled_policy().at(AS_OF)
    assert record.given_at is not None
    as_of = record.given_at + within
    assert evaluate_consent(record, policy, as_of) == []
    assert is_consent_valid(record, policy, as_of)


@given(record=consent_records(), data=st.data())
def test_evaluation_is_independent_of_purpose_order(
    record: ConsentRecord, data: st.DataObject
) -> None:
    policy = bundled_policy().at(AS_OF)
    shuffled = data.draw(st.permutations(record.purposes))
    changes: dict[str, Any] = {"purposes": tuple(shuffled)}
    if record.notice is not None and record.notice.purposes is not None:
        notice_purposes = data.draw(st.permutations(record.notice.purposes))
        changes["notice"] = record.notice.model_copy(update={"purposes": tuple(notice_purposes)})
    other = record.model_copy(update=changes)
    as_of = dt.date(2028, 6, 30)
    assert _key(evaluate_consent(record, policy, as_of)) == _key(
        evaluate_consent(other, policy, as_of)
    )


@given(record=consent_records(), extra=processing_events())
def test_adding_a_processing_event_never_removes_findings(
    record: ConsentRecord, extra: ProcessingEvent
) -> None:
    policy = bundled_policy().at(AS_OF)
    more = record.model_copy(update={"processing": (*record.processing, extra)})
    as_of = dt.date(2029, 1, 1)
    before, after = (
        _key(evaluate_consent(record, policy, as_of)),
        _key(evaluate_consent(more, policy, as_of)),
    )
    assert not before - after


@given(record=valid_records(), data=st.data())
def test_a_withdrawn_consent_never_becomes_valid_again(
    record: ConsentRecord, data: st.DataObject
) -> None:
    policy = bundled_policy().at(AS_OF)
    assert record.given_at is not None
    # Withdrawn within a year, before the consent's 13-month lifetime runs out.
    withdrawn = record.given_at + data.draw(
        st.timedeltas(dt.timedelta(days=1), dt.timedelta(days=365))
    )
    gone = record.model_copy(update={"withdrawn_at": withdrawn})
    later = data.draw(
        st.lists(
            st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(days=4000)), min_size=1
        )
    )
    for delta in sorted(later):
        as_of = withdrawn + delta
        assert not is_consent_valid(gone, policy, as_of)
        assert not is_consent_valid(gone, policy, as_of.date() + dt.timedelta(days=1))
    assert is_consent_valid(gone, policy, withdrawn - dt.timedelta(microseconds=1))


@given(record=consent_records())
def test_not_demonstrable_fires_exactly_when_when_how_or_notice_is_missing(
    record: ConsentRecord,
) -> None:
    policy = bundled_policy().at(AS_OF)
    fired = bool(only(evaluate_consent(record, policy, AS_OF), "consent.not-demonstrable"))
    missing = (
        record.given_at is None
        or record.method is None
        or (record.method is ConsentMethod.TICKED_BOX and record.pre_ticked is None)
        or record.notice is None
        or record.notice.id is None
        or record.notice.version is None
    )
    assert fired is missing


@given(record=consent_records())
def test_unknown_is_never_a_pass(record: ConsentRecord) -> None:
    """Filling an unknown fact in with the bad answer never turns an error into nothing."""
    policy = bundled_policy().at(AS_OF)
    base = {f.rule for f in evaluate_consent(record, policy, AS_OF)}
    if record.separate_choices is None and len(set(record.purposes)) > 1:
        assert "consent.not-granular" in base
    if record.precondition_of is not None and record.precondition_of.needs_processing is None:
        assert "consent.conditional" in base


def test_notice_label_marks_unknown_parts() -> None:
    assert NoticeShown(id="n").label == "n@?"
    assert Precondition(service="s").needs_processing is None


# --- more properties (issue 6: rules are tested for real) -------------------------------


@given(record=consent_records(), as_of=instants(min_value=dt.datetime(2025, 1, 1)))
def test_evaluation_is_idempotent(record: ConsentRecord, as_of: dt.datetime) -> None:
    """Evaluating twice, or a copy read back from its JSON, gives identical findings."""
    policy = bundled_policy().at(AS_OF)
    first = [f.model_dump_json() for f in evaluate_consent(record, policy, as_of)]
    assert first == [f.model_dump_json() for f in evaluate_consent(record, policy, as_of)]
    copy = ConsentRecord.model_validate_json(record.model_dump_json())
    assert first == [f.model_dump_json() for f in evaluate_consent(copy, policy, as_of)]
    assert is_consent_valid(record, policy, as_of) == is_consent_valid(copy, policy, as_of)


# --- mutation testing (issue 6): findings point into the record they judge ---------------


def _resolve(document: Any, pointer: str) -> bool:
    """Whether a JSON pointer names a field of ``document``, or lies under an empty one."""
    node = document
    for raw in pointer.split("/")[1:]:
        token = raw.replace("~1", "/").replace("~0", "~")
        if node is None:
            return True  # a missing part is located at the field that lacks it
        if isinstance(node, list):
            if not token.isdigit() or int(token) >= len(node):
                return False
            node = node[int(token)]
        elif isinstance(node, dict):
            if token not in node:
                return False
            node = node[token]
        else:
            return False
    return True


@given(record=consent_records(), as_of=instants(min_value=dt.datetime(2025, 1, 1)))
def test_every_finding_points_at_a_field_of_its_record(
    record: ConsentRecord, as_of: dt.datetime
) -> None:
    policy = bundled_policy().at(AS_OF)
    document = record.model_dump(mode="json", exclude={"location"})
    located = parse_consent_record(document, source="c.json", pointer="/records/4")
    for f in evaluate_consent(located, policy, as_of):
        assert f.location is not None and f.location.file == "c.json", f
        pointer = f.location.pointer
        assert pointer is not None and pointer.startswith("/records/4/"), pointer
        assert _resolve(document, pointer.removeprefix("/records/4")), (f.rule, pointer)
        assert f.subject == located.ref
        assert None not in f.message.values.values(), f.message


def _located(**changes: Any) -> ConsentRecord:
    data = good(**changes).model_dump(mode="json", exclude={"location"})
    return parse_consent_record(data, source="c.json", pointer="/records/4")


def test_pre_ticked_points_at_the_fact_that_shows_it(policy: PolicyVersion) -> None:
    (f,) = evaluate_consent(_located(pre_ticked=True), policy, AS_OF)
    assert f.location is not None and f.location.pointer == "/records/4/pre_ticked"
    (f,) = evaluate_consent(_located(method="pre-ticked", pre_ticked=None), policy, AS_OF)
    assert f.location is not None and f.location.pointer == "/records/4/method"


def test_consent_parse_errors_are_exact() -> None:
    with pytest.raises(InputError) as info:
        parse_consent_record(["x"], source="c.json", pointer="/records/2")  # type: ignore[arg-type]
    (issue,) = info.value.issues
    assert (issue.source, issue.line, issue.column, issue.path) == ("c.json", None, None, "")
    assert (issue.expected, issue.found, issue.pointer) == (
        "expected a consent record object",
        "list",
        "/records/2",
    )
    with pytest.raises(InputError) as info:
        parse_consent_record(None, source="c.json")  # type: ignore[arg-type]
    assert info.value.issues[0].pointer == ""
    # Keys with / and ~ are escaped in the pointer (RFC 6901); a nested path uses dots.
    data = good().model_dump(mode="json", exclude={"location"})
    data.update({"a/b": 1, "c~d": 2})
    data["notice"]["id"] = ""
    with pytest.raises(InputError) as info:
        parse_consent_record(data, source="c.json", pointer="/r")
    issues = {i.pointer: i for i in info.value.issues}
    assert {"/r/a~1b", "/r/c~0d", "/r/notice/id"} <= set(issues)
    assert issues["/r/notice/id"].path == "notice.id"
    assert issues["/r/notice/id"].found == "''"
    assert issues["/r/a~1b"].expected == "expected a known key (unknown key 'a/b')"
    assert issues["/r/a~1b"].found is None  # the key is the finding, not its value
    data = good().model_dump(mode="json", exclude={"location"})
    data["notice"] = ["not", "a", "notice"]
    data["subject"] = {"name": "Kari"}
    with pytest.raises(InputError) as info:
        parse_consent_record(data, source="c.json", pointer="/r")
    found = {i.pointer: i.found for i in info.value.issues}
    assert found["/r/notice"] == "['not', 'a', 'notice']"
    assert found["/r/subject"] is None  # a mapping is not repeated


def test_a_policy_with_an_unknown_zone_is_a_usage_error(policy: PolicyVersion) -> None:
    broken = policy.model_copy(
        update={
            "jurisdictions": tuple(
                j.model_copy(update={"timezone": "Mars/Olympus_Mons"}) for j in policy.jurisdictions
            )
        }
    )
    with pytest.raises(UsageError, match=r"^the policy's time zone: expected an IANA time zone "
                       r"such as Europe/Oslo, got 'Mars/Olympus_Mons'$"):
        evaluate_consent(good(), broken, AS_OF)


def test_findings_record_the_facts_they_stand_on(policy: PolicyVersion) -> None:
    purposes = ["analytics", "email-marketing"]
    (f,) = evaluate_consent(good(pre_ticked=True), policy, AS_OF)
    assert f.evidence == {"method": "ticked-box", "pre_ticked": True, "given_at": GIVEN}
    cond = {"service": "newsletter", "needs_processing": False}
    (f,) = evaluate_consent(good(precondition_of=cond), policy, AS_OF)
    assert f.evidence == {
        "precondition_of": "newsletter",
        "needs_processing": False,
        "purposes": purposes,
    }
    assert f.message.values == {"record": "rec-1", "service": "newsletter"}
    (f,) = evaluate_consent(good(separate_choices=False), policy, AS_OF)
    assert f.evidence == {"purposes": purposes, "separate_choices": False}
    assert f.message.values == {"record": "rec-1", "count": 2, "purposes": purposes}


def test_not_informed_and_unrecorded_findings_record_their_facts(policy: PolicyVersion) -> None:
    (f,) = evaluate_consent(good(separate_choices=None), policy, AS_OF)
    assert f.message.code == "consent.not-granular.unrecorded"
    assert f.evidence == {
        "purposes": ["analytics", "email-marketing"],
        "separate_choices": None,
        "unrecorded": ["separate_choices"],
    }
    assert f.message.values["fields"] == ["separate_choices"]
    bare = notice(
        controller_identity=False, data_types=(), right_to_withdraw=False, purposes=("analytics",)
    )
    found = {f.message.code: f.evidence for f in evaluate_consent(good(notice=bare), policy, AS_OF)}
    common = {"notice": "signup-form@2024-03-06", "given_at": GIVEN}
    assert found == {
        "consent.not-informed.controller-identity": {**common, "controller_identity": False},
        "consent.not-informed.purposes": {
            **common,
            "notice_purposes": ["analytics"],
            "unnamed_purposes": ["email-marketing"],
        },
        "consent.not-informed.data-types": {**common, "data_types": []},
        "consent.not-informed.right-to-withdraw": {**common, "right_to_withdraw": False},
    }


def test_not_demonstrable_records_what_is_known(policy: PolicyVersion) -> None:
    (f,) = evaluate_consent(good(notice=notice(version=None)), policy, AS_OF)
    assert f.evidence == {
        "missing": ["notice.version"],
        "given_at": GIVEN,
        "method": "ticked-box",
        "notice": "signup-form@?",
    }
    assert f.message.values == {"record": "rec-1", "missing": ["notice.version"]}


def test_a_date_as_of_covers_its_last_microsecond_and_offsetless_times_are_refused(
    policy: PolicyVersion,
) -> None:
    last = dt.datetime(2026, 1, 15, 23, 59, 59, 999999, tzinfo=OSLO)
    record = good(
        withdrawn_at=dt.datetime(2026, 1, 10, 12, 0, tzinfo=OSLO),
        processing=[event("analytics", last)],
    )
    assert "consent.withdrawn" in rules_of(evaluate_consent(record, policy, dt.date(2026, 1, 15)))
    assert "consent.withdrawn" not in rules_of(
        evaluate_consent(record, policy, dt.date(2026, 1, 14))
    )

    class NoOffset(dt.tzinfo):
        def utcoffset(self, d: dt.datetime | None) -> dt.timedelta | None:
            return None

        def dst(self, d: dt.datetime | None) -> dt.timedelta | None:
            return None

    with pytest.raises(UsageError, match=r"^as_of: expected a date .*without a UTC offset$"):
        evaluate_consent(good(), policy, dt.datetime(2026, 1, 15, 12, tzinfo=NoOffset()))


# --- decisions with reasons (issue 11) ---------------------------------------------------


def test_a_decision_is_truthy_when_allowed_and_carries_no_reasons(policy: PolicyVersion) -> None:
    decision = decide_consent(good(), policy, AS_OF, "analytics")
    assert decision and decision.allowed
    assert decision.findings == () and decision.reasons == ()
    assert decision.purposes == ("analytics",)
    assert decision.as_of == dt.datetime(2026, 1, 15, 23, 59, 59, 999999, tzinfo=OSLO)


def test_a_refusal_is_falsy_and_names_the_rules_that_decide_it(policy: PolicyVersion) -> None:
    decision = decide_consent(good(method="scroll", pre_ticked=None), policy, AS_OF)
    assert not decision
    assert decision.reasons == ("consent.silence",)
    assert all(f.severity is Severity.ERROR for f in decision.findings)
    assert is_consent_valid(good(method="scroll", pre_ticked=None), policy, AS_OF) is False


def test_a_purpose_the_consent_does_not_name_is_refused_with_a_finding(
    policy: PolicyVersion,
) -> None:
    decision = decide_consent(good(), policy, AS_OF, OTHER_BASIS_PURPOSE)
    assert not decision
    assert decision.reasons == ("consent.purpose-not-covered",)
    assert decision.findings[0].evidence["policy_basis"] == "legal-obligation"
    nothing = decide_consent(good(purposes=()), policy, AS_OF)
    assert not nothing
    assert nothing.findings[0].message.code == "consent.purpose-not-covered.nothing"


def test_an_unknown_purpose_id_is_a_usage_error_naming_the_nearest(policy: PolicyVersion) -> None:
    with pytest.raises(UsageError, match="no purpose 'emial-marketing'; did you mean 'email-marketing'"):
        decide_consent(good(), policy, AS_OF, "emial-marketing")
    with pytest.raises(UsageError, match="no purpose 'zzz' \\(declared: site-operation"):
        is_consent_valid(good(), policy, AS_OF, "zzz")


def test_a_decision_has_a_json_form(policy: PolicyVersion) -> None:
    import json

    decision = decide_consent(good(method="scroll", pre_ticked=None), policy, "2026-01-15")
    data = decision.to_json()
    assert data["allowed"] is False
    assert data["as_of"] == "2026-01-15T23:59:59.999999+01:00"
    assert data["findings"][0]["rule"] == "consent.silence"
    json.dumps(data)  # plain JSON all the way down


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("policy",), r"^policy: expected a PolicyVersion, got the Policy 'inmeta'; pass policy.at\(day\)"),
        (("record",), r"^record: expected a ConsentRecord \(parse_consent_record"),
        (("as_of",), r"^as_of: expected a date \(2026-03-02\) or an aware date-time"),
    ],
)
def test_wrong_types_are_usage_errors_saying_what_was_expected(
    policy: PolicyVersion, args: tuple[str], message: str
) -> None:
    values: dict[str, Any] = {"record": good(), "policy": policy, "as_of": AS_OF}
    values[args[0]] = {
        "policy": bundled_policy(),
        "record": {"subject": "x"},
        "as_of": 20260115,
    }[args[0]]
    for call in (decide_consent, evaluate_consent, is_consent_valid):
        with pytest.raises(UsageError, match=message):
            call(values["record"], values["policy"], values["as_of"])


def test_iso_strings_are_accepted_for_as_of(policy: PolicyVersion) -> None:
    assert decide_consent(good(), policy, "2026-01-15") == decide_consent(good(), policy, AS_OF)
    at = dt.datetime(2026, 1, 15, 9, 30, tzinfo=dt.UTC)
    assert decide_consent(good(), policy, "2026-01-15T09:30Z") == decide_consent(good(), policy, at)
    with pytest.raises(UsageError, match="without a UTC offset"):
        decide_consent(good(), policy, "2026-01-15T09:30")
    with pytest.raises(UsageError, match=r"got '15\.01\.2026'"):
        decide_consent(good(), policy, "15.01.2026")


# --- consent.browser-settings --------------------------------------------------------------


def test_browser_settings_are_no_consent_to_trackers(policy: PolicyVersion) -> None:
    record = good(method="browser-settings", pre_ticked=None)
    found = only(evaluate_consent(record, policy, AS_OF), "consent.browser-settings")
    assert len(found) == 1
    assert found[0].evidence["tracker_purposes"] == ["analytics"]
    assert found[0].location is None or found[0].location.pointer.endswith("/method")
    assert not decide_consent(record, policy, AS_OF, "analytics")


def test_browser_settings_for_a_purpose_without_trackers_follow_the_policy(
    policy: PolicyVersion,
) -> None:
    record = good(method="browser-settings", pre_ticked=None, purposes=("email-marketing",),
                  notice=notice(purposes=("email-marketing",)))
    assert rules_of(evaluate_consent(record, policy, AS_OF)) == ["consent.browser-settings"]
    forms = tuple(f for f in policy.consent.forbidden_forms if f != "browser-settings")
    lenient = policy.model_copy(
        update={"consent": policy.consent.model_copy(update={"forbidden_forms": forms})}
    )
    assert evaluate_consent(record, lenient, AS_OF) == []
    tracked = good(method="browser-settings", pre_ticked=None)  # analytics: trackers, the law
    assert "consent.browser-settings" in rules_of(evaluate_consent(tracked, lenient, AS_OF))


# --- consent.expired ----------------------------------------------------------------------


def test_a_tracker_consent_lasts_thirteen_months_through_the_last_day(
    policy: PolicyVersion,
) -> None:
    record = good(given_at=dt.datetime(2025, 1, 31, 23, 30, tzinfo=OSLO))
    # 31 January + 13 months: February 2026 has no day 31, so 28 February is the last day.
    assert decide_consent(record, policy, dt.date(2026, 2, 28), "analytics")
    late = decide_consent(record, policy, dt.date(2026, 3, 1), "analytics")
    assert late.reasons == ("consent.expired",)
    ev = late.findings[0].evidence
    assert ev["last_day"] == dt.date(2026, 2, 28)
    assert ev["clamped_to_month_end"] is True
    assert ev["lifetime"] == "P13M"
    assert ev["lifetime_source"] == "consent.max_lifetime"


def test_the_given_day_is_taken_in_the_controllers_zone(policy: PolicyVersion) -> None:
    # 23:30 UTC on 31 March is 1 April in Oslo (summer time): the consent was given on 1 April.
    record = good(given_at=dt.datetime(2025, 3, 31, 23, 30, tzinfo=dt.UTC))
    assert decide_consent(record, policy, dt.date(2026, 5, 1), "analytics")
    assert not decide_consent(record, policy, dt.date(2026, 5, 2), "analytics")


def test_purposes_without_trackers_or_kind_lifetime_do_not_expire(policy: PolicyVersion) -> None:
    record = good(purposes=("email-marketing",), notice=notice(purposes=("email-marketing",)))
    assert decide_consent(record, policy, dt.date(2030, 1, 1), "email-marketing")
    by_kind = policy.consent.model_copy(update={"lifetime_by_kind": {"marketing": Duration.parse("P2Y")}})
    stricter = policy.model_copy(update={"consent": by_kind})
    decision = decide_consent(record, stricter, dt.date(2027, 3, 2), "email-marketing")
    assert decision.reasons == ("consent.expired",)
    assert decision.findings[0].evidence["lifetime_source"] == "consent.lifetime_by_kind.marketing"
    assert decide_consent(record, stricter, dt.date(2027, 3, 1), "email-marketing")


def test_the_shorter_lifetime_wins(policy: PolicyVersion) -> None:
    by_kind = policy.consent.model_copy(update={"lifetime_by_kind": {"analytics": Duration.parse("P6M")}})
    stricter = policy.model_copy(update={"consent": by_kind})
    decision = decide_consent(good(), stricter, dt.date(2025, 9, 2), "analytics")
    assert decision.findings[0].evidence["lifetime"] == "P6M"
    assert decide_consent(good(), stricter, dt.date(2025, 9, 1), "analytics")


# --- consent.stale-notice -----------------------------------------------------------------


def _with_version(policy: PolicyVersion, renew: bool) -> PolicyVersion:
    consent = policy.consent.model_copy(update={"new_version_needs_renewal": renew})
    return policy.model_copy(
        update={"effective_from": dt.date(2025, 6, 1), "version": "2025-06-01", "consent": consent}
    )


def test_a_notice_older_than_the_version_in_force_needs_renewal(policy: PolicyVersion) -> None:
    newer = _with_version(policy, renew=True)
    decision = decide_consent(good(), newer, AS_OF, "analytics")
    assert decision.reasons == ("consent.stale-notice",)
    assert decision.findings[0].evidence["notice_date"] == dt.date(2024, 3, 6)
    assert decide_consent(good(), _with_version(policy, renew=False), AS_OF, "analytics")
    same_day = good(notice=notice(version="2025-06-01"))
    assert decide_consent(same_day, newer, AS_OF, "analytics")


def test_a_notice_version_that_is_no_date_is_a_note(policy: PolicyVersion) -> None:
    decision = decide_consent(good(notice=notice(version="v3")), policy, AS_OF, "analytics")
    assert decision  # cannot be judged: said, not held against the consent
    assert [n.message.code for n in decision.notes] == ["consent.stale-notice.not-a-date"]


# --- consent.undeclared-purpose -----------------------------------------------------------


def test_a_consent_to_an_undeclared_purpose_is_an_error(policy: PolicyVersion) -> None:
    record = good(purposes=("analytics", UNDECLARED_PURPOSE),
                  notice=notice(purposes=("analytics", UNDECLARED_PURPOSE)))
    found = only(evaluate_consent(record, policy, AS_OF), "consent.undeclared-purpose")
    assert [f.evidence["purpose"] for f in found] == [UNDECLARED_PURPOSE]
    assert found[0].location is None or found[0].location.pointer.endswith("/purposes/1")
    assert found[0].severity is Severity.ERROR
    assert not decide_consent(record, policy, AS_OF, "analytics")


def test_a_lifetime_past_the_calendar_never_runs_out(policy: PolicyVersion) -> None:
    consent = policy.consent.model_copy(update={"max_lifetime": Duration.parse("P9000Y")})
    endless = policy.model_copy(update={"consent": consent})
    assert decide_consent(good(), endless, dt.date(2030, 1, 1), "analytics")


def test_the_findings_for_unnamed_purposes_are_whole(policy: PolicyVersion) -> None:
    record = parse_consent_record(
        {**good().model_dump(exclude={"location"}, exclude_none=True)},
        source="consents.json",
        pointer="/records/4",
    )
    at = dt.datetime(2026, 1, 15, 23, 59, 59, 999999, tzinfo=OSLO)
    (found,) = decide_consent(record, policy, AS_OF, OTHER_BASIS_PURPOSE).findings
    assert found.rule == "consent.purpose-not-covered" and found.severity is Severity.ERROR
    assert found.subject == "rec-1"
    assert found.location is not None
    assert (found.location.file, found.location.pointer) == ("consents.json", "/records/4/purposes")
    assert found.message.code == "consent.purpose-not-covered"
    assert found.message.values == {
        "record": "rec-1",
        "purpose": OTHER_BASIS_PURPOSE,
        "at": at,
        "consented": ["analytics", "email-marketing"],
    }
    assert found.evidence == {
        "purpose": OTHER_BASIS_PURPOSE,
        "at": at,
        "consented_purposes": ["analytics", "email-marketing"],
        "policy_basis": "legal-obligation",
    }
    empty = parse_consent_record(
        {**good(purposes=()).model_dump(exclude={"location"}, exclude_none=True)},
        source="consents.json",
        pointer="/records/5",
    )
    (nothing,) = decide_consent(empty, policy, AS_OF).findings
    assert nothing.rule == "consent.purpose-not-covered" and nothing.severity is Severity.ERROR
    assert nothing.subject == "rec-1"
    assert nothing.location is not None and nothing.location.pointer == "/records/5/purposes"
    assert nothing.message.code == "consent.purpose-not-covered.nothing"
    assert nothing.message.values == {"record": "rec-1"}
    assert nothing.evidence == {"purpose": None, "at": at, "consented_purposes": []}
    assert render(nothing.message, "en") == "Consent rec-1 names no purpose: nothing can stand on it."
    decision = decide_consent(empty, policy, AS_OF)
    assert decision.purposes == () and decision.record == "rec-1" and not decision.notes


def _in_consents_json(**changes: Any) -> ConsentRecord:
    return parse_consent_record(
        good(**changes).model_dump(exclude={"location"}, exclude_none=True),
        source="consents.json",
        pointer="/records/0",
    )


def test_the_new_rules_findings_are_whole(policy: PolicyVersion) -> None:
    # consent.browser-settings
    (b,) = only(evaluate_consent(_in_consents_json(method="browser-settings", pre_ticked=None), policy,
                                 AS_OF), "consent.browser-settings")
    assert (b.severity, b.subject, b.location.pointer if b.location else None) == (
        Severity.ERROR, "rec-1", "/records/0/method")
    assert b.message.values == {"record": "rec-1", "purposes": ["analytics", "email-marketing"]}
    assert b.evidence == {
        "method": "browser-settings",
        "purposes": ["analytics", "email-marketing"],
        "tracker_purposes": ["analytics"],
        "policy_forbids": True,
    }
    # consent.expired: the event that came too late, at its own pointer.
    late = dt.datetime(2026, 4, 2, 9, 0, tzinfo=OSLO)
    (e,) = only(evaluate_consent(_in_consents_json(processing=[event("analytics", late)]), policy,
                                 dt.date(2026, 5, 1)), "consent.expired")
    assert (e.severity, e.subject, e.location.pointer if e.location else None) == (
        Severity.ERROR, "rec-1", "/records/0/processing/0")
    assert e.message.values == {
        "record": "rec-1", "purpose": "analytics", "given_at": GIVEN, "lifetime": "P13M",
        "last_day": dt.date(2026, 4, 1),
    }
    assert e.evidence == {
        "purpose": "analytics", "at": late, "given_at": GIVEN, "lifetime": "P13M",
        "lifetime_source": "consent.max_lifetime", "last_day": dt.date(2026, 4, 1),
        "clamped_to_month_end": False,
    }
    # The last day itself is covered, up to its last instant in Oslo.
    edge = dt.datetime(2026, 4, 1, 23, 59, 59, tzinfo=OSLO)
    assert only(evaluate_consent(_in_consents_json(processing=[event("analytics", edge)]), policy,
                                 dt.date(2026, 5, 1)), "consent.expired") == []
    # A purpose the consent does not name is another rule's business, not expiry's.
    assert only(evaluate_consent(_in_consents_json(processing=[event("profiling", late)]), policy,
                                 dt.date(2026, 5, 1)), "consent.expired") == []
    # Every event is judged on its own: one the rule passes over (a purpose the consent does
    # not name, one without a lifetime, one in time) does not end the search.
    for before in (event("profiling", late), event("email-marketing", late),
                   event("analytics", edge)):
        (e2,) = only(evaluate_consent(_in_consents_json(
            processing=[before, event("analytics", late)]), policy, dt.date(2026, 5, 1)),
            "consent.expired")
        assert e2.location is not None and e2.location.pointer == "/records/0/processing/1"
    # The event's day is Oslo's: 23:30 UTC on the last day is already the next day there.
    after_midnight = dt.datetime(2026, 4, 1, 23, 30, tzinfo=dt.UTC)
    assert only(evaluate_consent(_in_consents_json(processing=[event("analytics", after_midnight)]),
                                 policy, dt.date(2026, 5, 1)), "consent.expired") != []
    # consent.stale-notice
    newer = _with_version(policy, renew=True)
    (s,) = only(evaluate_consent(_in_consents_json(), newer, AS_OF), "consent.stale-notice")
    assert (s.severity, s.subject, s.location.pointer if s.location else None) == (
        Severity.ERROR, "rec-1", "/records/0/notice/version")
    assert s.message.values == {
        "record": "rec-1", "notice": "signup-form@2024-03-06", "version": "2025-06-01"}
    assert s.evidence == {
        "notice": "signup-form@2024-03-06", "policy_version": "2025-06-01",
        "policy_effective_from": dt.date(2025, 6, 1), "renewal_needed": True,
        "notice_date": dt.date(2024, 3, 6),
    }
    (n,) = only(evaluate_consent(_in_consents_json(notice=notice(version="v3")), policy, AS_OF),
                "consent.stale-notice")
    assert (n.severity, n.location.pointer if n.location else None) == (
        Severity.NOTE, "/records/0/notice/version")
    assert n.message.code == "consent.stale-notice.not-a-date"
    assert n.message.values == {"record": "rec-1", "notice": "signup-form@v3"}
    assert n.evidence["renewal_needed"] is True
    assert only(evaluate_consent(_in_consents_json(notice=notice(version=" 2024-03-06 ")), newer, AS_OF),
                "consent.stale-notice")[0].evidence["notice_date"] == dt.date(2024, 3, 6)
    # consent.undeclared-purpose, for a consented purpose and for an event.
    record = _in_consents_json(purposes=("analytics", UNDECLARED_PURPOSE),
                      notice=notice(purposes=("analytics", UNDECLARED_PURPOSE)),
                      processing=[event("other-thing", GIVEN + dt.timedelta(days=1))])
    found = only(evaluate_consent(record, policy, AS_OF), "consent.undeclared-purpose")
    # In the stable finding order: by pointer.
    assert [(f.message.values, f.location.pointer if f.location else None) for f in found] == [
        ({"record": "rec-1", "purpose": "other-thing"}, "/records/0/processing"),
        ({"record": "rec-1", "purpose": UNDECLARED_PURPOSE}, "/records/0/purposes/1"),
    ]
    assert found[0].evidence["declared_purposes"] == sorted(p.id for p in policy.purposes)


def _lifetime(policy: PolicyVersion, kind: str, text: str) -> PolicyVersion:
    by_kind = policy.consent.model_copy(update={"lifetime_by_kind": {kind: Duration.parse(text)}})
    return policy.model_copy(update={"consent": by_kind})


def test_lifetimes_in_days_and_hours(policy: PolicyVersion) -> None:
    # Given 1 March 2025 (Oslo). P10D: through 11 March.
    ten = _lifetime(policy, "analytics", "P10D")
    assert decide_consent(good(), ten, dt.date(2025, 3, 11), "analytics")
    assert decide_consent(good(), ten, dt.date(2025, 3, 12), "analytics").reasons == (
        "consent.expired",
    )
    # P1DT1H: hours count as one more day, through 3 March.
    hours = _lifetime(policy, "analytics", "P1DT1H")
    assert decide_consent(good(), hours, dt.date(2025, 3, 3), "analytics")
    late = decide_consent(good(), hours, dt.date(2025, 3, 4), "analytics")
    assert late.findings[0].evidence["last_day"] == dt.date(2025, 3, 3)
    # PT48H is two days, through 3 March; PT49H three, through 4 March (hours in whole
    # days, rounded up: a time part was once one more day, whatever its length)
    two = _lifetime(policy, "analytics", "PT48H")
    assert decide_consent(good(), two, dt.date(2025, 3, 3), "analytics")
    late = decide_consent(good(), two, dt.date(2025, 3, 4), "analytics")
    assert late.findings[0].evidence["last_day"] == dt.date(2025, 3, 3)
    three = _lifetime(policy, "analytics", "PT49H")
    assert decide_consent(good(), three, dt.date(2025, 3, 4), "analytics")


def test_expiry_ignores_purposes_the_policy_does_not_declare(policy: PolicyVersion) -> None:
    record = good(
        purposes=("analytics", UNDECLARED_PURPOSE),
        notice=notice(purposes=("analytics", UNDECLARED_PURPOSE)),
        processing=[event(UNDECLARED_PURPOSE, dt.datetime(2029, 1, 1, tzinfo=OSLO))],
    )
    found = evaluate_consent(record, policy, dt.date(2029, 1, 2))
    assert "consent.expired" not in rules_of(found)
    assert "consent.undeclared-purpose" in rules_of(found)


def test_warnings_decide_too_and_a_purpose_must_be_a_string(policy: PolicyVersion) -> None:
    decision = decide_consent(good(separate_choices=None), policy, AS_OF)
    assert not decision
    assert [(f.rule, f.severity) for f in decision.findings] == [
        ("consent.not-granular", Severity.WARNING)
    ]
    with pytest.raises(UsageError, match=r"^purpose: expected a str, got int$"):
        decide_consent(good(), policy, AS_OF, 5)  # type: ignore[arg-type]
