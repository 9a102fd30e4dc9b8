"""Tests of data-subject requests, identity decisions and the request rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given

from gdpr_policy._errors import InputError, UsageError
from gdpr_policy._messages import Message
from gdpr_policy._policy import bundled_policy
from gdpr_policy._refs import LegalRef
from gdpr_policy._rules import REGISTRY, Finding, Severity
from gdpr_policy.i18n import LANGUAGES, has_message, render
from gdpr_policy.requests import (
    ON_TIME_DAYS,
    REQUEST_RULES,
    Request,
    answer_timing,
    compute_deadline,
    deadline_in_force,
    decide_identity,
    evaluate_request,
    identity_triggers,
    parse_request,
    request_deadline,
)
from strategies.time import policy_version, request_data, with_swedish_establishment

D = dt.date
POLICY = policy_version()
#: The bundled policy with a Swedish establishment that answers inmeta.se's requests.
SWEDISH = with_swedish_establishment(POLICY)


def req(**fields: Any) -> Request:
    data: dict[str, Any] = {
        "id": "r1",
        "type": "access",
        "channel": "email",
        "received_at": "2026-03-02T10:00+01:00",
        "subject": {"name": "Kari Nordmann", "email": "kari@example.no"},
        "record": {"matches": 1, "name": "Kari Nordmann", "emails": ["kari@example.no"]},
    }
    data.update(fields)
    return parse_request(data, source="requests.json", pointer="/requests/0")


def in_zone(policy: Any, code: str, zone: str) -> Any:
    """``policy`` with jurisdiction ``code`` in another time zone."""
    return policy.model_copy(
        update={
            "jurisdictions": tuple(
                j.model_copy(update={"timezone": zone}) if j.code == code else j
                for j in policy.jurisdictions
            )
        }
    )


def rules_fired(request: Request, as_of: dt.date | dt.datetime, policy: Any = POLICY) -> list[str]:
    """The rules that fired as errors or warnings (notes say what could not be judged)."""
    return [
        f.rule for f in evaluate_request(request, policy, as_of) if f.severity is not Severity.NOTE
    ]


def one(request: Request, rule_id: str, as_of: dt.date, policy: Any = POLICY) -> Finding:
    found = [f for f in evaluate_request(request, policy, as_of) if f.rule == rule_id]
    assert len(found) == 1, found
    return found[0]


# -- the model ---------------------------------------------------------------------------------


def test_parse_a_full_request() -> None:
    r = req(
        type="portability",
        representative={"name": "Advokat Hansen", "authority": "power-of-attorney"},
        identity={
            "asked_at": "2026-03-03T09:00+01:00",
            "means": ["confirm-via-address-on-record"],
            "answered_at": "2026-03-04T12:00+01:00",
        },
        extension={"notified_at": "2026-03-20T09:00+01:00", "reason": "many systems to search"},
        response={
            "responded_at": "2026-05-01T09:00+02:00",
            "outcome": "fulfilled",
            "format": "application/json; charset=utf-8",
        },
    )
    assert r.received_at.utcoffset() == dt.timedelta(hours=1)
    assert r.identity is not None and r.identity.means == ("confirm-via-address-on-record",)
    assert r.location is not None and r.location.pointer == "/requests/0"


def test_naive_received_at_is_a_located_error() -> None:
    with pytest.raises(InputError) as info:
        req(received_at="2026-03-02T10:00")
    (issue,) = info.value.issues
    assert issue.pointer == "/requests/0/received_at"
    assert issue.path == "received_at"
    assert "expected a date-time with a UTC offset" in issue.expected
    assert issue.found == "'2026-03-02T10:00'"
    assert str(info.value).startswith(
        "requests.json#/requests/0/received_at: received_at: expected"
    )


def test_naive_times_are_read_in_the_zone_given() -> None:
    r = parse_request(
        {
            "id": "r",
            "type": "access",
            "channel": "email",
            "received_at": "2026-03-15T00:30",
            "response": {"responded_at": "2026-03-20 10:00", "outcome": "fulfilled"},
        },
        timezone="Europe/Oslo",
    )
    assert r.received_at == dt.datetime(2026, 3, 14, 23, 30, tzinfo=dt.UTC)
    assert request_deadline(r, POLICY).received_on == D(2026, 3, 15)
    with pytest.raises(InputError, match="does not exist in Europe/Oslo"):
        parse_request(
            {"id": "r", "type": "access", "channel": "email", "received_at": "2026-03-29T02:30"},
            timezone="Europe/Oslo",
        )


@pytest.mark.parametrize(
    ("fields", "pointer", "expected"),
    [
        ({"type": "complaint"}, "/requests/0/type", "expected "),
        (
            {"response": {"responded_at": "2026-03-05T10:00Z", "outcome": "refused"}},
            "/requests/0/response/refusal_reason",
            "expected the reason for refusing",
        ),
        (
            {
                "response": {
                    "responded_at": "2026-03-05T10:00Z",
                    "outcome": "fulfilled",
                    "format": "a pdf",
                }
            },
            "/requests/0/response/format",
            "expected a media type",
        ),
        (
            {"response": {"responded_at": "2026-03-01T10:00Z", "outcome": "fulfilled"}},
            "/requests/0/response/responded_at",
            "expected a time on or after received_at",
        ),
        (
            {"extension": {"notified_at": "2026-03-05T10:00Z", "reason": ""}},
            "/requests/0/extension/reason",
            "expected ",
        ),
        (
            {"identity": {"asked_at": "2026-03-05T10:00Z", "means": []}},
            "/requests/0/identity/means",
            "expected ",
        ),
        (
            {
                "identity": {
                    "asked_at": "2026-03-05T10:00Z",
                    "means": ["id-document"],
                    "answered_at": "2026-03-04T10:00Z",
                }
            },
            "/requests/0/identity/answered_at",
            "expected a time on or after asked_at",
        ),
        ({"id": None}, "/requests/0/id", "expected "),
        ({"colour": "red"}, "/requests/0/colour", "expected "),
    ],
)
def test_bad_fields_are_located(fields: dict[str, Any], pointer: str, expected: str) -> None:
    with pytest.raises(InputError) as info:
        req(**fields)
    pointers = [i.pointer for i in info.value.issues]
    assert pointer in pointers, str(info.value)
    issue = info.value.issues[pointers.index(pointer)]
    assert issue.expected.startswith(expected)
    assert issue.source == "requests.json"


def test_missing_field_and_not_a_mapping() -> None:
    with pytest.raises(InputError) as info:
        parse_request({"id": "r", "type": "access", "channel": "email"}, source="x.json")
    assert [i.pointer for i in info.value.issues] == ["/received_at"]
    assert info.value.issues[0].expected == "expected a value for this required field"
    with pytest.raises(InputError, match="expected a request object"):
        parse_request(["not", "a", "mapping"], source="x.json")  # type: ignore[arg-type]


# -- deadlines through the policy ----------------------------------------------------------------


def test_request_deadline_uses_the_policy_calendar_and_zone() -> None:
    r = req(received_at="2026-03-01T23:30Z")  # 00:30 on 2 March in Oslo
    d = request_deadline(r, POLICY)
    assert (d.received_on, d.due, d.calendar, d.timezone) == (
        D(2026, 3, 2),
        D(2026, 4, 7),
        "NO",
        "Europe/Oslo",
    )
    se = request_deadline(req(received_at="2026-03-01T23:30Z", jurisdiction="SE"), SWEDISH)
    assert (se.received_on, se.due, se.calendar) == (D(2026, 3, 2), D(2026, 4, 2), "SE")
    strict = compute_deadline(D(2026, 5, 19), POLICY, jurisdiction="SE-1930-173")
    assert (strict.calendar, strict.due) == ("SE-1930-173", D(2026, 6, 22))


def test_compute_deadline_clock_override_and_policy_promptness() -> None:
    pause = compute_deadline(
        D(2026, 5, 20),
        POLICY,
        clock="pause",
        identity_asked=D(2026, 5, 23),
        identity_answered=D(2026, 5, 30),
    )
    assert pause.due == D(2026, 6, 29)  # 20 June + 7 days = Saturday 27 June -> Monday 29
    late = compute_deadline(
        D(2026, 5, 20),
        POLICY,
        clock="pause",
        identity_asked=D(2026, 5, 24),
        identity_answered=D(2026, 5, 30),
    )
    assert late.due == D(2026, 6, 22)


def test_policy_pause_clock_moves_a_justified_prompt_question() -> None:
    policy = policy_version(clock="pause")
    r = req(
        channel="web-form",
        subject={"name": "Kari Nordmann", "email": "kari.n@elsewhere.example"},
        identity={
            "asked_at": "2026-03-03T09:00+01:00",
            "means": ["confirm-via-address-on-record"],
            "answered_at": "2026-03-13T09:00+01:00",
        },
    )
    d = request_deadline(r, policy)
    assert d.clock_moved
    assert d.due == D(2026, 4, 13)  # 2 April + 10 days = 12 April, a Sunday


# -- identity decisions ------------------------------------------------------------------------


def test_no_trigger_no_question() -> None:
    decision = decide_identity(req(channel="web-form"), POLICY)
    assert not decision.ask
    assert decision.means == ()
    assert [m.code for m in decision.reasons] == ["request.identity-reason.none"]


def test_an_email_from_the_address_on_record_needs_no_identity_check() -> None:
    # EDPB Guidelines 01/2022: control of the address on record is what a check would confirm.
    for kind in ("erasure", "portability", "access"):
        r = req(type=kind, subject={"name": "K. Olsen", "email": "Kari@Example.no"})
        decision = decide_identity(r, POLICY)
        assert not decision.ask, kind
        assert [m.code for m in decision.reasons] == ["request.identity-reason.address-on-record"]
    # Still asked: a representative, several matching records.
    assert decide_identity(req(representative={"name": "Advokat Hansen"}), POLICY).ask
    assert decide_identity(req(record={"matches": 2, "emails": ["kari@example.no"]}), POLICY).ask
    # The same words through a web form prove nothing about the address.
    assert identity_triggers(req(type="erasure", channel="web-form"), POLICY) == (
        "unverified-channel-whole-record",
    )


def test_other_address_asks_for_confirmation_through_the_address_on_record() -> None:
    r = req(subject={"name": "Kari Nordmann", "email": "KARI@example.no "})
    assert identity_triggers(r, POLICY) == ()  # case and spaces do not make another address
    r = req(subject={"name": "Kari Nordmann", "email": "kari@gmail.example"})
    decision = decide_identity(r, POLICY)
    assert decision.ask
    assert decision.triggers == ("address-not-on-record",)
    assert decision.means == ("confirm-via-address-on-record",)
    assert render(decision.reasons[0], "nb") == (
        "Henvendelsen kommer fra en annen adresse enn den vi har registrert."
    )


def test_several_matches_ask_security_questions() -> None:
    decision = decide_identity(req(record={"matches": 3, "emails": ["kari@example.no"]}), POLICY)
    assert decision.triggers == ("several-matches",)
    assert decision.means == ("security-questions",)


def test_representative_needs_proof_of_authority_too() -> None:
    decision = decide_identity(req(representative={"name": "Advokat Hansen"}), POLICY)
    assert decision.triggers == ("representative",)
    assert decision.means == ("confirm-via-address-on-record", "proof-of-authority")


def test_name_differs() -> None:
    r = req(channel="web-form", subject={"name": "kari   NORDMANN", "email": "kari@example.no"})
    assert identity_triggers(r, POLICY) == ()
    r = req(channel="web-form", subject={"name": "Kari Olsen", "email": "kari@example.no"})
    assert identity_triggers(r, POLICY) == ("name-differs",)
    # the same name with å typed as a plus a ring (as macOS stores it) is the same name
    r = req(channel="web-form", subject={"name": "Kåre Ødegård", "email": "kari@example.no"},
            record={"matches": 1, "name": "Ka\u030are \u00d8dega\u030ard",
                    "emails": ["kari@example.no"]})
    assert identity_triggers(r, POLICY) == ()
    # a name on one side only differs from nothing: no trigger (either side missing)
    r = req(channel="web-form", subject={"email": "kari@example.no"})
    assert identity_triggers(r, POLICY) == ()
    r = req(channel="web-form", subject={"name": "Kari Olsen", "email": "kari@example.no"},
            record={"matches": 1, "emails": ["kari@example.no"]})
    assert identity_triggers(r, POLICY) == ()


def test_whole_record_over_an_unverified_channel() -> None:
    for channel in ("phone", "postal", "web-form"):
        assert identity_triggers(req(type="erasure", channel=channel), POLICY) == (
            "unverified-channel-whole-record",
        ), channel
    # By e-mail from an address not on record (the address on record is verified).
    stranger = {"name": "Kari Nordmann", "email": "kari@gmail.example"}
    assert identity_triggers(req(type="portability", subject=stranger), POLICY) == (
        "address-not-on-record",
        "unverified-channel-whole-record",
    )
    assert (
        identity_triggers(req(type="erasure", channel="postal", whole_record=False), POLICY) == ()
    )
    assert identity_triggers(req(type="access", channel="postal"), POLICY) == ()
    assert identity_triggers(req(type="erasure", channel="account"), POLICY) == ()


def test_authenticated_requester_is_not_asked() -> None:
    r = req(
        channel="account",
        type="portability",
        subject={"name": "Kari Olsen", "email": "kari@gmail.example"},
    )
    decision = decide_identity(r, POLICY)
    assert not decision.ask
    assert [m.code for m in decision.reasons] == ["request.identity-reason.authenticated"]


def test_triggers_the_policy_does_not_enable_do_not_count() -> None:
    policy = policy_version(triggers=("representative",))
    r = req(subject={"name": "Kari Nordmann", "email": "kari@gmail.example"})
    assert identity_triggers(r, policy) == ()


def test_cited_trigger_counts_only_when_the_record_data_is_missing() -> None:
    cited = {
        "asked_at": "2026-03-03T09:00+01:00",
        "means": ["security-questions"],
        "triggers": ["several-matches"],
    }
    assert identity_triggers(req(record=None, identity=cited), POLICY) == ("several-matches",)
    assert identity_triggers(req(identity=cited), POLICY) == ()  # the record shows one match


def test_id_document_only_when_nothing_lighter_is_offered() -> None:
    policy = policy_version(means=("id-document",))
    r = req(subject={"name": "Kari Nordmann", "email": "kari@gmail.example"})
    assert decide_identity(r, policy).means == ("id-document",)
    no_address = req(
        subject={"name": "Kari", "email": "kari@gmail.example"},
        record={"matches": 1, "name": "Kari"},
    )
    assert decide_identity(
        no_address, policy_version(means=("confirm-via-address-on-record", "id-document"))
    ).means == ("id-document",)


# -- rules ----------------------------------------------------------------------------------


def _responded(day: str, **extra: Any) -> dict[str, Any]:
    return {"responded_at": f"{day}T12:00+02:00", "outcome": "fulfilled", **extra}


def test_answered_on_the_due_day_is_on_time() -> None:
    r = req(response=_responded("2026-04-07"))
    assert rules_fired(r, D(2026, 12, 31)) == []


def test_answered_a_day_late() -> None:
    r = req(response=_responded("2026-04-08"))
    f = one(r, "request.late", D(2026, 12, 31))
    assert f.severity is Severity.ERROR
    assert f.message.values == {"responded": D(2026, 4, 8), "due": D(2026, 4, 7), "days": 1}
    assert (f.evidence["received"], f.evidence["due"], f.evidence["responded"]) == (
        D(2026, 3, 2),
        D(2026, 4, 7),
        D(2026, 4, 8),
    )
    assert f.location is not None and f.location.pointer == "/requests/0/response/responded_at"
    assert render(f.message, "en") == (
        "Answered on 2026-04-08, 1 day after the deadline of 2026-04-07, "
        "without a valid extension."
    )
    assert LegalRef.parse("GDPR Art. 12(3)") in f.legal
    assert {s.clause for s in f.statement} >= {"S15", "S21"}


def test_a_30_days_deadline_would_be_wrong() -> None:
    # Peers add 30 days: 1 April. Answering on 6 April (Easter Monday eve) is on time here.
    r = req(response=_responded("2026-04-06"))
    assert "request.late" not in rules_fired(r, D(2026, 12, 31))


def test_overdue_at_as_of() -> None:
    r = req()
    assert rules_fired(r, D(2026, 4, 7)) == []
    f = one(r, "request.overdue", D(2026, 4, 8))
    assert f.message.values == {"due": D(2026, 4, 7), "as_of": D(2026, 4, 8), "days": 1}
    assert f.evidence["responded"] is None
    # An as_of instant just before midnight in Oslo is still the due day.
    assert rules_fired(r, dt.datetime(2026, 4, 7, 21, 59, tzinfo=dt.UTC)) == []
    assert rules_fired(r, dt.datetime(2026, 4, 7, 22, 0, tzinfo=dt.UTC)) == ["request.overdue"]


def test_a_later_response_is_unknown_at_an_earlier_as_of() -> None:
    r = req(response=_responded("2026-04-20"))
    assert rules_fired(r, D(2026, 4, 10)) == ["request.overdue"]
    assert rules_fired(r, D(2026, 4, 30)) == ["request.late"]


def test_valid_extension_moves_the_deadline_to_three_months() -> None:
    ext = {"notified_at": "2026-04-07T15:00+02:00", "reason": "complex"}
    assert rules_fired(req(extension=ext), D(2026, 6, 2)) == []
    assert rules_fired(req(extension=ext), D(2026, 6, 3)) == ["request.overdue"]
    assert rules_fired(req(extension=ext, response=_responded("2026-06-02")), D(2026, 12, 1)) == []
    f = one(
        req(extension=ext, response=_responded("2026-06-03")),
        "request.extension-too-long",
        D(2026, 12, 1),
    )
    assert f.message.values == {
        "responded": D(2026, 6, 3),
        "extended_due": D(2026, 6, 2),
        "days": 1,
    }
    assert f.evidence["extension_notified"] == D(2026, 4, 7)


def test_late_extension_does_not_count() -> None:
    ext = {"notified_at": "2026-04-08T09:00+02:00", "reason": "complex"}
    r = req(extension=ext, response=_responded("2026-05-01"))
    fired = rules_fired(r, D(2026, 12, 1))
    assert fired == ["request.extension-late", "request.late"]
    f = one(r, "request.extension-late", D(2026, 12, 1))
    assert f.message.values == {"notified": D(2026, 4, 8), "notice_by": D(2026, 4, 7)}
    assert rules_fired(req(extension=ext), D(2026, 4, 9)) == [
        "request.extension-late",
        "request.overdue",
    ]


def _notice_within(text: str) -> Any:
    rights = POLICY.rights.model_copy(update={"extension_notice_within": Duration.parse(text)})
    return POLICY.model_copy(update={"rights": rights})


def test_an_extension_notified_after_the_statements_own_promise_does_not_count() -> None:
    # The statement promises to tell of an extension within 14 days: by Monday 16 March
    # for a request of 2 March, although Art. 12(3) would allow until 7 April.
    policy = _notice_within("P14D")
    d = request_deadline(req(), policy)
    assert (d.due, d.extension_notice_by, d.extended_due) == (
        D(2026, 4, 7), D(2026, 3, 16), D(2026, 6, 2))
    assert [s.code for s in d.extended_steps][-3:] == [
        "time.extension-notice-promised", "time.plus-months", "time.extended-due"]
    assert [s.code for s in d.steps][-1] == "time.due"  # the first period is unchanged
    late = {"notified_at": "2026-03-30T10:00+02:00", "reason": "complex", "grounds": ["complexity"]}
    r = req(extension=late, response=_responded("2026-05-20"))
    assert rules_fired(r, D(2026, 12, 1), policy) == ["request.extension-late", "request.late"]
    f = one(r, "request.extension-late", D(2026, 12, 1), policy)
    assert f.message.values == {"notified": D(2026, 3, 30), "notice_by": D(2026, 3, 16)}
    assert f.evidence["deadline_in_force"] == D(2026, 4, 7)
    assert answer_timing(r, policy, D(2026, 12, 1)) == "late"
    assert deadline_in_force(r, policy, D(2026, 12, 1)) == D(2026, 4, 7)
    # notified on the promised day itself: the extension counts
    in_time = {"notified_at": "2026-03-16T16:00+01:00", "reason": "complex",
               "grounds": ["complexity"]}
    r = req(extension=in_time, response=_responded("2026-05-20"))
    assert rules_fired(r, D(2026, 12, 1), policy) == []
    assert deadline_in_force(r, policy, D(2026, 12, 1)) == D(2026, 6, 2)
    # under the bundled policy (notice within the law's month) the same notice is in time
    r = req(extension=late, response=_responded("2026-05-20"))
    assert rules_fired(r, D(2026, 12, 1)) == []


def test_a_notice_promise_ending_on_a_day_off_rolls_forward_and_a_long_one_changes_nothing(
) -> None:
    # 2 March + 12 days is Saturday 14 March: the promise ends on Monday 16 March
    assert request_deadline(req(), _notice_within("P12D")).extension_notice_by == D(2026, 3, 16)
    # a promise of the whole month or more is the first period (the law's notice)
    for text in ("P1M", "P6W"):
        d = request_deadline(req(), _notice_within(text))
        assert d.extension_notice_by == d.due == D(2026, 4, 7)
        assert d.notice_by is None


def test_extension_notified_later_than_as_of_is_not_yet_known() -> None:
    ext = {"notified_at": "2026-04-07T09:00+02:00", "reason": "complex"}
    assert rules_fired(req(extension=ext), D(2026, 4, 6)) == []


@pytest.mark.parametrize(
    ("fmt", "fires"),
    [
        ("application/json", False),
        ("text/csv; charset=utf-8", False),
        ("TEXT/CSV", False),
        ("application/pdf", True),
        ("image/png", True),
        (None, True),
    ],
)
def test_portability_format(fmt: str | None, fires: bool) -> None:
    response = _responded("2026-03-20", **({"format": fmt} if fmt else {}))
    r = req(type="portability", channel="account", response=response)
    fired = "request.portability-format" in rules_fired(r, D(2026, 12, 1))
    assert fired is fires
    if fires:
        f = one(r, "request.portability-format", D(2026, 12, 1))
        assert f.message.values["accepted"] == ["application/json", "application/xml", "text/csv"]


def test_portability_format_follows_the_policy_list() -> None:
    policy = policy_version(portability_formats=["text/csv"])
    r = req(
        type="portability",
        channel="account",
        response=_responded("2026-03-20", format="application/json"),
    )
    assert rules_fired(r, D(2026, 12, 1), policy) == ["request.portability-format"]
    # A policy that lists PDF cannot make PDF machine-readable.
    policy = policy_version(portability_formats=["application/pdf", "text/csv"])
    r = req(
        type="portability",
        channel="account",
        response=_responded("2026-03-20", format="application/pdf"),
    )
    assert rules_fired(r, D(2026, 12, 1), policy) == ["request.portability-format"]


def test_refused_portability_is_not_judged_on_format() -> None:
    r = req(
        type="portability",
        channel="account",
        response={
            "responded_at": "2026-03-20T12:00+01:00",
            "outcome": "refused",
            "refusal_reason": "data not provided by the subject",
        },
    )
    assert rules_fired(r, D(2026, 12, 1)) == []


def test_unwarranted_identity_question_does_not_move_the_clock() -> None:
    policy = policy_version(clock="restart")
    ident = {
        "asked_at": "2026-03-03T09:00+01:00",
        "means": ["security-questions"],
        "answered_at": "2026-03-20T09:00+01:00",
    }
    r = req(identity=ident, response=_responded("2026-04-10"))
    fired = rules_fired(r, D(2026, 12, 1), policy)
    assert fired == ["request.identity-unwarranted", "request.late"]
    f = one(r, "request.identity-unwarranted", D(2026, 12, 1), policy)
    assert f.message.code == "request.identity-unwarranted"
    assert f.evidence["triggers"] == []
    # Justified by a trigger and asked promptly, the same question restarts the clock.
    r2 = req(
        identity=ident,
        response=_responded("2026-04-10"),
        subject={"name": "Kari Nordmann", "email": "kari@gmail.example"},
    )
    assert rules_fired(r2, D(2026, 12, 1), policy) == []
    assert request_deadline(r2, policy).due == D(2026, 4, 20)


def test_late_identity_question_is_unwarranted() -> None:
    policy = policy_version(clock="pause")
    ident = {
        "asked_at": "2026-03-06T09:00+01:00",
        "means": ["confirm-via-address-on-record"],
        "answered_at": "2026-03-20T09:00+01:00",
    }
    r = req(
        identity=ident,
        subject={"name": "Kari Nordmann", "email": "kari@gmail.example"},
        response=_responded("2026-04-10"),
    )
    f = one(r, "request.identity-unwarranted", D(2026, 12, 1), policy)
    assert f.message.code == "request.identity-unwarranted.late"
    assert f.message.values["prompt_by"] == D(2026, 3, 5)
    assert "request.late" in rules_fired(r, D(2026, 12, 1), policy)
    for lang in LANGUAGES:
        assert "{" not in render(f.message, lang)


def test_unanswered_justified_question_stops_the_clock_under_pause() -> None:
    policy = policy_version(clock="pause")
    ident = {"asked_at": "2026-03-03T09:00+01:00", "means": ["confirm-via-address-on-record"]}
    r = req(identity=ident, subject={"name": "Kari Nordmann", "email": "kari@gmail.example"})
    assert rules_fired(r, D(2026, 9, 1), policy) == []
    # The same request under the policy's own clock (none) is overdue.
    assert rules_fired(r, D(2026, 9, 1)) == ["request.overdue"]


def test_id_document_where_a_lighter_means_would_do() -> None:
    ident = {"asked_at": "2026-03-03T09:00+01:00", "means": ["id-document"]}
    r = req(
        identity=ident,
        subject={"name": "Kari Nordmann", "email": "kari@gmail.example"},
        response=_responded("2026-03-20"),
    )
    f = one(r, "request.identity-disproportionate", D(2026, 12, 1))
    assert f.severity is Severity.WARNING
    assert f.evidence["lighter_means"] == ["confirm-via-address-on-record"]
    # Logged-in requester asked for an ID copy: disproportionate (and unwarranted).
    r = req(channel="account", identity=ident, response=_responded("2026-03-20"))
    assert sorted(rules_fired(r, D(2026, 12, 1))) == [
        "request.identity-disproportionate",
        "request.identity-unwarranted",
    ]
    # When the policy offers nothing lighter, asking for an ID document is the least intrusive.
    policy = policy_version(means=("id-document",))
    r = req(
        identity=ident,
        subject={"name": "Kari Nordmann", "email": "kari@gmail.example"},
        response=_responded("2026-03-20"),
    )
    assert rules_fired(r, D(2026, 12, 1), policy) == []


def test_evaluate_request_refuses_a_naive_as_of() -> None:
    with pytest.raises(UsageError, match=r"^as_of: expected a date .* without a UTC offset$"):
        evaluate_request(req(), POLICY, dt.datetime(2026, 4, 8, 12, 0))


@given(request_data(answered_by_due=True))
def test_a_request_answered_within_28_days_is_never_late(data: dict[str, Any]) -> None:
    r = parse_request(data)
    fired = rules_fired(r, D(2028, 12, 31))
    assert not {"request.late", "request.overdue", "request.extension-too-long"} & set(fired)


@given(request_data())
def test_an_open_request_is_overdue_exactly_after_its_deadline(data: dict[str, Any]) -> None:
    r = parse_request(data)
    due = request_deadline(r, POLICY).due
    assert due is not None
    assert "request.overdue" not in rules_fired(r, due)
    assert "request.overdue" in rules_fired(r, due + dt.timedelta(days=1))


# -- registry and catalogs ------------------------------------------------------------------------


def test_rules_are_registered_with_references_and_translations() -> None:
    ids = sorted(r.id for r in REQUEST_RULES)
    assert ids == [
        "request.extension-late",
        "request.extension-reason",
        "request.extension-too-long",
        "request.identity-disproportionate",
        "request.identity-unwarranted",
        "request.late",
        "request.overdue",
        "request.portability-format",
    ]
    for r in REQUEST_RULES:
        assert REGISTRY[r.id] is r
        assert r.legal
        assert r.clauses(bundled_policy().latest)
        for lang in LANGUAGES:
            for code in (r.message_code, r.title_code, r.help_code):
                assert has_message(code, lang), (code, lang)
    assert REGISTRY["request.identity-disproportionate"].severity is Severity.WARNING
    assert str(REGISTRY["request.late"].legal[1]) == "Regulation 1182/71 Art. 3(2)(c)"
    assert {s.clause for s in REGISTRY["request.portability-format"].clauses(bundled_policy().latest)} == {"S19"}
    assert {s.clause for s in REGISTRY["request.identity-unwarranted"].clauses(bundled_policy().latest)} >= {"S20"}
    for lang in LANGUAGES:
        assert has_message("request.identity-unwarranted.late", lang)


def test_finding_messages_render_without_values() -> None:
    # Reports may render a rule's message with no values (catalog and SARIF descriptors).
    for r in REQUEST_RULES:
        for lang in LANGUAGES:
            assert render(Message(code=r.message_code), lang)
            assert render(Message(code="request.identity-unwarranted.late"), lang)


# -- properties over as_of and evaluation (issue 6: rules are tested for real) ------------------

from zoneinfo import ZoneInfo  # noqa: E402

from hypothesis import strategies as st  # noqa: E402

_POLICIES = {
    clock: with_swedish_establishment(policy_version(clock=clock))
    for clock in ("none", "restart", "pause")
}
_STILL_LATE = {"request.overdue", "request.late", "request.extension-too-long"}


@st.composite
def _logged_request(draw: st.DrawFn) -> dict[str, Any]:
    """A request with, each maybe, an identity question and answer, an extension and a response.

    Every event is at most ~5 months after receipt, in chronological order.
    """
    data = draw(request_data())
    received = dt.datetime.fromisoformat(data["received_at"]).astimezone(dt.UTC)

    def after(start: dt.datetime, max_days: int) -> dt.datetime:
        return start + dt.timedelta(
            days=draw(st.integers(0, max_days)), minutes=draw(st.integers(0, 24 * 60 - 1))
        )

    data["jurisdiction"] = draw(st.sampled_from([None, "NO", "SE", "SE-1930-173"]))
    if draw(st.booleans()):
        data["subject"] = {"name": "Kari Nordmann", "email": "kari@example.no"}
        data["record"] = {
            "matches": draw(st.integers(0, 2)),
            "name": draw(st.sampled_from(["Kari Nordmann", "Ola Nordmann"])),
            "emails": draw(st.sampled_from([[], ["kari@example.no"], ["other@example.no"]])),
        }
    if draw(st.booleans()):
        asked = after(received, 6)
        identity: dict[str, Any] = {
            "asked_at": asked.isoformat(),
            "means": draw(
                st.lists(
                    st.sampled_from(["confirm-via-address-on-record", "id-document"]),
                    min_size=1,
                    unique=True,
                )
            ),
        }
        if draw(st.booleans()):
            identity["answered_at"] = after(asked, 20).isoformat()
        data["identity"] = identity
    if draw(st.booleans()):
        data["extension"] = {"notified_at": after(received, 40).isoformat(), "reason": "volume"}
    if draw(st.booleans()):
        data["response"] = {
            "responded_at": after(received, 150).isoformat(),
            "outcome": "fulfilled",
        }
    return data


@given(
    _logged_request(),
    st.sampled_from(sorted(_POLICIES)),
    st.integers(0, 160),
    st.integers(0, 160),
)
def test_request_findings_are_monotone_in_as_of(
    data: dict[str, Any], clock: str, first: int, gap: int
) -> None:
    """What fired at t still fires later: events only accumulate.

    An open request overdue at t stays overdue while unanswered; once answered
    (after its deadline) it is late instead (or later than the extension).
    """
    r = parse_request(data)
    policy = _POLICIES[clock]
    day = request_deadline(r, policy).received_on
    t1 = day + dt.timedelta(days=first)
    t2 = t1 + dt.timedelta(days=gap)
    earlier = set(rules_fired(r, t1, policy))
    later = set(rules_fired(r, t2, policy))
    assert earlier - {"request.overdue"} <= later
    if "request.overdue" in earlier:
        assert later & _STILL_LATE
        zone = ZoneInfo(policy.jurisdiction(r.jurisdiction).timezone)
        if r.response is None or r.response.responded_at.astimezone(zone).date() > t2:
            assert "request.overdue" in later


@given(_logged_request(), st.sampled_from(sorted(_POLICIES)), st.integers(0, 160))
def test_request_evaluation_is_idempotent(data: dict[str, Any], clock: str, offset: int) -> None:
    """Evaluating twice, or a re-parsed copy, gives byte-identical findings."""
    r = parse_request(data)
    policy = _POLICIES[clock]
    as_of = request_deadline(r, policy).received_on + dt.timedelta(days=offset)
    first = [f.model_dump_json() for f in evaluate_request(r, policy, as_of)]
    assert first == [f.model_dump_json() for f in evaluate_request(r, policy, as_of)]
    copy = parse_request(r.model_dump(mode="json"))
    assert first == [f.model_dump_json() for f in evaluate_request(copy, policy, as_of)]


# -- timing against the deadline (issue 13: the request chart) -------------------------------


@pytest.mark.parametrize(
    ("responded_at", "timing"),
    [
        ("2026-04-07T23:59+02:00", "on-time"),  # the due day, in Oslo (Easter Tuesday)
        ("2026-04-07T22:30+00:00", "late"),  # 00:30 on 8 April in Oslo: a day late
        ("2026-04-01T09:00+02:00", "on-time"),  # 6 days before: in the last week
        ("2026-03-31T09:00+02:00", "early"),  # 7 days before
        ("2026-03-02T10:00+01:00", "early"),  # the day it came in
        ("2026-04-08T12:00+02:00", "late"),
    ],
)
def test_an_answer_is_early_on_time_or_late_by_the_local_day(
        responded_at: str, timing: str) -> None:
    r = req(response={"responded_at": responded_at, "outcome": "fulfilled"})
    assert answer_timing(r, POLICY, D(2026, 12, 31)) == timing
    assert ON_TIME_DAYS == 7


def test_an_unanswered_request_is_open_until_its_deadline_then_overdue() -> None:
    r = req()
    assert answer_timing(r, POLICY, D(2026, 4, 7)) == "open"
    assert answer_timing(r, POLICY, dt.datetime(2026, 4, 7, 21, 59, tzinfo=dt.UTC)) == "open"
    assert answer_timing(r, POLICY, dt.datetime(2026, 4, 7, 22, 0, tzinfo=dt.UTC)) == "overdue"
    # an answer given after as_of is not known at as_of
    later = req(response=_responded("2026-04-20"))
    assert answer_timing(later, POLICY, D(2026, 4, 10)) == "overdue"
    assert answer_timing(later, POLICY, D(2026, 4, 30)) == "late"


def test_a_valid_extension_moves_what_on_time_means() -> None:
    ext = {"notified_at": "2026-04-07T15:00+02:00", "reason": "complex"}
    assert answer_timing(req(extension=ext, response=_responded("2026-05-20")), POLICY,
                         D(2026, 12, 31)) == "early"  # due 2 June
    assert answer_timing(req(extension=ext, response=_responded("2026-06-02")), POLICY,
                         D(2026, 12, 31)) == "on-time"
    assert answer_timing(req(extension=ext, response=_responded("2026-06-03")), POLICY,
                         D(2026, 12, 31)) == "late"


@given(_logged_request(), st.sampled_from(sorted(_POLICIES)), st.integers(0, 160))
def test_timing_agrees_with_the_deadline_findings(
        data: dict[str, Any], clock: str, offset: int) -> None:
    """Late exactly when request.late or request.extension-too-long fire; overdue with overdue."""
    r = parse_request(data)
    policy = _POLICIES[clock]
    as_of = request_deadline(r, policy).received_on + dt.timedelta(days=offset)
    fired = set(rules_fired(r, as_of, policy))
    timing = answer_timing(r, policy, as_of)
    assert (timing == "late") == bool({"request.late", "request.extension-too-long"} & fired)
    assert (timing == "overdue") == ("request.overdue" in fired)


# -- mutation testing (issue 6): what the surviving mutants showed was unchecked ---------------

from gdpr_policy._duration import Duration  # noqa: E402


def _evidence(as_of: dt.date, **extra: Any) -> dict[str, Any]:
    """The evidence every request finding carries, for req()'s request (received 2 March 2026).

    Due 7 April 2026: 2 April is Maundy Thursday, then Good Friday, the weekend
    and Easter Monday. Extended (three months from receipt): Tuesday 2 June.
    """
    out: dict[str, Any] = {
        "received": D(2026, 3, 2),
        "due": D(2026, 4, 7),
        "responded": None,
        "extension_notice_by": D(2026, 4, 7),
        "extension_notified": None,
        "extended_due": D(2026, 6, 2),
        "deadline_in_force": D(2026, 4, 7),
        "as_of": as_of,
        "calendar": "NO",
        "timezone": "Europe/Oslo",
        "clock": "none",
        "clock_moved": False,
    }
    out.update(extra)
    return out


def _pointer(f: Finding) -> str | None:
    assert f.location is not None and f.location.file == "requests.json"
    return f.location.pointer


def test_every_request_finding_carries_its_location_values_and_evidence() -> None:
    late_notice = {"notified_at": "2026-04-08T09:00+02:00", "reason": "complex"}
    f = one(req(extension=late_notice), "request.extension-late", D(2026, 4, 9))
    assert _pointer(f) == "/requests/0/extension/notified_at"
    assert f.message.values == {"notified": D(2026, 4, 8), "notice_by": D(2026, 4, 7)}
    assert f.evidence == _evidence(D(2026, 4, 9), extension_notified=D(2026, 4, 8))

    notice = {"notified_at": "2026-03-20T09:00+01:00", "reason": "complex"}
    f = one(
        req(extension=notice, response=_responded("2026-06-03")),
        "request.extension-too-long",
        D(2026, 12, 1),
    )
    assert _pointer(f) == "/requests/0/response/responded_at"
    assert f.message.values == {
        "responded": D(2026, 6, 3),
        "extended_due": D(2026, 6, 2),
        "days": 1,
    }
    assert f.evidence == _evidence(
        D(2026, 12, 1),
        responded=D(2026, 6, 3),
        extension_notified=D(2026, 3, 20),
        deadline_in_force=D(2026, 6, 2),
    )

    pdf = req(type="portability", response=_responded("2026-03-20", format="application/pdf"))
    f = one(pdf, "request.portability-format", D(2026, 12, 1))
    accepted = ["application/json", "application/xml", "text/csv"]  # the policy's, sorted
    assert _pointer(f) == "/requests/0/response/format"
    assert f.message.values == {"format": "application/pdf", "accepted": accepted}
    assert f.evidence == _evidence(
        D(2026, 12, 1), responded=D(2026, 3, 20), format="application/pdf", accepted=accepted
    )

    f = one(req(), "request.overdue", D(2026, 4, 9))
    assert _pointer(f) == "/requests/0/received_at"
    assert f.evidence == _evidence(D(2026, 4, 9))


def test_identity_findings_carry_their_location_values_and_evidence() -> None:
    other_address = {"name": "Kari Nordmann", "email": "kari@gmail.example"}
    answered = _responded("2026-03-20")
    # No trigger (logged in): unwarranted.
    asked = {"asked_at": "2026-03-03T09:00+01:00", "means": ["security-questions"]}
    f = one(
        req(channel="account", identity=asked, response=answered),
        "request.identity-unwarranted",
        D(2026, 12, 1),
    )
    assert _pointer(f) == "/requests/0/identity/asked_at"
    assert f.message.code == "request.identity-unwarranted"
    assert f.message.values == {"asked": D(2026, 3, 3), "due": D(2026, 4, 7)}
    assert f.evidence == _evidence(
        D(2026, 12, 1),
        responded=D(2026, 3, 20),
        identity_asked=D(2026, 3, 3),
        prompt_by=D(2026, 3, 5),
        triggers=[],
        means=["security-questions"],
    )
    # A trigger, but asked a day after prompt_by (P3D: 5 March): unwarranted, late.
    means = ["confirm-via-address-on-record"]
    late = {"asked_at": "2026-03-06T09:00+01:00", "means": means}
    f = one(
        req(identity=late, subject=other_address, response=answered),
        "request.identity-unwarranted",
        D(2026, 12, 1),
    )
    assert _pointer(f) == "/requests/0/identity/asked_at"
    # Under the bundled policy's clock 'none' the question never moves the deadline: a note.
    assert f.message.code == "request.identity-unwarranted.late-clock-none"
    assert f.severity is Severity.NOTE
    restart = one(
        req(identity=late, subject=other_address, response=answered),
        "request.identity-unwarranted",
        D(2026, 12, 1),
        policy_version(clock="restart"),
    )
    assert restart.message.code == "request.identity-unwarranted.late"
    assert restart.severity is Severity.ERROR
    assert f.message.values == {
        "asked": D(2026, 3, 6),
        "prompt_by": D(2026, 3, 5),
        "due": D(2026, 4, 7),
    }
    assert f.evidence == _evidence(
        D(2026, 12, 1),
        responded=D(2026, 3, 20),
        identity_asked=D(2026, 3, 6),
        prompt_by=D(2026, 3, 5),
        triggers=["address-not-on-record"],
        means=means,
    )
    # Asked on prompt_by itself: in time.
    on_time = {"asked_at": "2026-03-05T09:00+01:00", "means": means}
    r = req(identity=on_time, subject=other_address, response=answered)
    assert rules_fired(r, D(2026, 12, 1)) == []
    # An ID document where a link to the address on record would do.
    id_doc = {"asked_at": "2026-03-03T09:00+01:00", "means": ["id-document"]}
    f = one(
        req(identity=id_doc, subject=other_address, response=answered),
        "request.identity-disproportionate",
        D(2026, 12, 1),
    )
    assert _pointer(f) == "/requests/0/identity/means"
    assert f.message.values == {"asked": D(2026, 3, 3)}
    assert f.evidence == _evidence(
        D(2026, 12, 1),
        responded=D(2026, 3, 20),
        identity_asked=D(2026, 3, 3),
        means=["id-document"],
        lighter_means=["confirm-via-address-on-record"],
        triggers=["address-not-on-record"],
        authenticated=False,
    )
    # A representative: proof of authority is asked too, but it is not the lighter means.
    f = one(
        req(
            identity=id_doc,
            representative={"name": "Advokat Hansen"},
            response=answered,
        ),
        "request.identity-disproportionate",
        D(2026, 12, 1),
    )
    assert f.evidence["lighter_means"] == ["confirm-via-address-on-record"]
    assert f.evidence["triggers"] == ["representative"]
    # Logged in: authenticated.
    f = one(
        req(channel="account", identity=id_doc, response=answered),
        "request.identity-disproportionate",
        D(2026, 12, 1),
    )
    assert f.evidence["authenticated"] is True


def test_a_finding_on_a_request_without_a_pointer_points_from_the_root() -> None:
    r = parse_request(
        {
            "id": "r1",
            "type": "access",
            "channel": "email",
            "received_at": "2026-03-02T10:00+01:00",
        },
        source="r.json",
    )
    (f,) = evaluate_request(r, POLICY, D(2026, 4, 8))
    assert f.location is not None
    assert (f.location.file, f.location.pointer) == ("r.json", "/received_at")


def test_what_happened_at_the_as_of_instant_is_known() -> None:
    at = "2026-04-08T10:00+02:00"
    exactly = dt.datetime(2026, 4, 8, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert rules_fired(req(response=_responded("2026-04-08") | {"responded_at": at}), exactly) == [
        "request.late"
    ]
    before = exactly - dt.timedelta(microseconds=1)
    assert rules_fired(req(response={"responded_at": at, "outcome": "fulfilled"}), before) == [
        "request.overdue"
    ]
    # A date as_of covers its last microsecond in Oslo.
    last = {"responded_at": "2026-04-08T23:59:59.999999+02:00", "outcome": "fulfilled"}
    assert rules_fired(req(response=last), D(2026, 4, 8)) == ["request.late"]
    # An extension notified at the instant (after the first period) is known, and late.
    notice = {"notified_at": at, "reason": "complex"}
    assert rules_fired(req(extension=notice), exactly) == [
        "request.extension-late",
        "request.overdue",
    ]
    assert rules_fired(req(extension=notice), before) == ["request.overdue"]


def test_identity_events_after_as_of_have_not_happened() -> None:
    policy = policy_version(clock="pause")
    other_address = {"name": "Kari Nordmann", "email": "kari@gmail.example"}
    ident = {
        "asked_at": "2026-03-03T09:00+01:00",
        "means": ["confirm-via-address-on-record"],
        "answered_at": "2026-03-10T09:00+01:00",
    }
    r = req(identity=ident, subject=other_address)
    # Before the answer (08:00 UTC) the clock is stopped; from it, the 7 days' pause counts.
    assert request_deadline(r, policy, D(2026, 3, 9)).suspended
    waiting = request_deadline(r, policy, dt.datetime(2026, 3, 10, 7, 59, tzinfo=dt.UTC))
    assert waiting.suspended
    answered = request_deadline(r, policy, dt.datetime(2026, 3, 10, 8, 0, tzinfo=dt.UTC))
    assert answered.clock_moved and answered.due == D(2026, 4, 9)
    assert request_deadline(r, policy).due == answered.due
    # A question not yet asked is not judged: no trigger (logged in), asked on 5 March.
    unwarranted = req(channel="account", identity=dict(ident, asked_at="2026-03-05T09:00+01:00"))
    assert "request.identity-unwarranted" not in rules_fired(unwarranted, D(2026, 3, 4))
    assert "request.identity-unwarranted" in rules_fired(unwarranted, D(2026, 3, 5))
    assert (
        request_deadline(unwarranted, policy, D(2026, 3, 4)).steps[1:2]
        != request_deadline(unwarranted, policy, D(2026, 3, 5)).steps[1:2]
    )


def test_days_are_taken_in_the_requests_own_jurisdiction() -> None:
    # A policy whose Swedish zone differs from Oslo's shows which zone each day is taken in.
    policy = in_zone(SWEDISH, "SE", "America/New_York")
    # Received 2 March in New York; due 2 April (a Thursday, an ordinary day in Sweden).
    r = req(
        jurisdiction="SE",
        received_at="2026-03-02T10:00-05:00",
        response={"responded_at": "2026-04-04T02:00Z", "outcome": "fulfilled"},
    )
    # 02:00 UTC on 4 April is still 3 April in New York (a day late), but 4 April in Oslo.
    f = one(r, "request.late", D(2026, 4, 3), policy)
    assert f.message.values == {"responded": D(2026, 4, 3), "due": D(2026, 4, 2), "days": 1}
    assert f.evidence["timezone"] == "America/New_York"
    assert f.evidence["as_of"] == D(2026, 4, 3)


def test_naive_and_offsetless_times_are_refused_exactly() -> None:
    class NoOffset(dt.tzinfo):
        def utcoffset(self, d: dt.datetime | None) -> dt.timedelta | None:
            return None

        def dst(self, d: dt.datetime | None) -> dt.timedelta | None:
            return None

    unknown = dt.datetime(2026, 3, 2, 10, 0, tzinfo=NoOffset())
    with pytest.raises(InputError) as info:
        req(received_at=unknown)
    (issue,) = info.value.issues
    assert issue.expected == (
        "expected a date-time with a UTC offset (e.g. 2026-03-02T09:15+01:00); "
        "a time without one is read only when the zone is given"
    )
    with pytest.raises(UsageError, match=r"^as_of: expected a date .* without a UTC offset$"):
        evaluate_request(req(), POLICY, unknown)


def test_parse_errors_name_the_field_exactly() -> None:
    with pytest.raises(InputError) as info:
        parse_request(["x"], source="r.json", pointer="/requests/2")  # type: ignore[arg-type]
    (issue,) = info.value.issues
    assert (issue.source, issue.line, issue.column, issue.path) == ("r.json", None, None, "")
    assert (issue.expected, issue.found, issue.pointer) == (
        "expected a request object",
        "list",
        "/requests/2",
    )
    with pytest.raises(InputError) as info:
        parse_request(None)  # type: ignore[arg-type]
    assert info.value.issues[0].source == "<request>"
    assert info.value.issues[0].pointer == ""
    # Keys with / and ~ are escaped in the pointer (RFC 6901); a nested path uses dots.
    with pytest.raises(InputError) as info:
        req(**{"a/b": 1, "c~d": 2, "type": {"x": 1}, "id": ""})
    issues = {i.pointer: i for i in info.value.issues}
    assert {"/requests/0/a~1b", "/requests/0/c~0d", "/requests/0/type", "/requests/0/id"} <= set(
        issues
    )
    assert issues["/requests/0/type"].found is None  # a mapping is not repeated
    assert issues["/requests/0/id"].expected == "expected a non-empty text"
    assert issues["/requests/0/id"].found == "''"
    # A validator that names a nested field; the value quoted may itself hold ": ".
    with pytest.raises(InputError) as info:
        req(response=_responded("2026-03-20", format="bad: type"))
    (issue,) = info.value.issues
    assert (issue.path, issue.pointer) == ("response.format", "/requests/0/response/format")
    assert issue.expected == "expected a media type such as application/json, got 'bad: type'"
    assert issue.found is None
    with pytest.raises(InputError) as info:
        req(identity={"asked_at": "2026-03-01T09:00+01:00", "means": ["id-document"]})
    (issue,) = info.value.issues
    assert (issue.path, issue.found) == ("identity.asked_at", None)


#: What a date-time field takes, in the words of every error about one.
ISO_INSTANT = (
    "expected an ISO 8601 date-time with a UTC offset such as 2026-01-01T00:00:00+01:00"
)
#: Where each date-time field of a request sits, as the fields to pass to ``req``.
_TIMES: dict[str, Any] = {
    "received_at": lambda v: {"received_at": v},
    "response/responded_at": lambda v: {"response": {"responded_at": v, "outcome": "fulfilled"}},
    "extension/notified_at": lambda v: {"extension": {"notified_at": v, "reason": "many"}},
    "identity/asked_at": lambda v: {"identity": {"asked_at": v, "means": ["id-document"]}},
    "identity/answered_at": lambda v: {
        "identity": {"asked_at": "2026-03-03T10:00+01:00", "means": ["id-document"],
                     "answered_at": v}
    },
}


@pytest.mark.parametrize("field", sorted(_TIMES))
@pytest.mark.parametrize(
    "value",
    ["20260320100000", 20260320100000, "20260302", 20260302, 1772442000, " 1772442000 ",
     1772442000.5, True],
)
@pytest.mark.parametrize("timezone", [None, "Europe/Oslo"])
def test_numbers_are_not_read_as_unix_time(field: str, value: Any, timezone: str | None) -> None:
    # pydantic's lax mode read 20260320100000 as the year 2612 (an answer never given:
    # overdue) and 20260302 as 1970; a number is no date-time, with or without a zone.
    data = {"id": "r", "type": "access", "channel": "email",
            "received_at": "2026-03-02T10:00+01:00", **_TIMES[field](value)}
    with pytest.raises(InputError) as info:
        parse_request(data, source="requests.json", pointer="/requests/0", timezone=timezone)
    (issue,) = info.value.issues
    assert (issue.pointer, issue.expected, issue.found) == (
        f"/requests/0/{field}", ISO_INSTANT, repr(value)
    )
    assert str(info.value) == (
        f"requests.json#/requests/0/{field}: {field.replace('/', '.')}: "
        f"expected an ISO 8601 date-time with a UTC offset such as 2026-01-01T00:00:00+01:00, "
        f"got {value!r}"
    )


def test_iso_times_are_read_as_before_and_stripped() -> None:
    r = req(received_at=" 2026-03-02T10:00+01:00\n",
            response={"responded_at": "2026-03-20 10:00:00.000+0100", "outcome": "fulfilled"})
    assert r.received_at == dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    assert r.response is not None
    assert r.response.responded_at == dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.UTC)
    aware = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    assert req(received_at=aware).received_at == aware
    # A date (a string, or a date from YAML) is midnight in the zone given.
    for day in ("2026-03-02", dt.date(2026, 3, 2)):
        r = parse_request({"id": "r", "type": "access", "channel": "email", "received_at": day},
                          timezone="Europe/Oslo")
        assert r.received_at == dt.datetime(2026, 3, 1, 23, 0, tzinfo=dt.UTC)
    # A text that is no date-time says so in the same words, at the field.
    with pytest.raises(InputError) as info:
        req(received_at="2026-03-02T10:00:00.000+0100x")
    (issue,) = info.value.issues
    assert (issue.pointer, issue.expected, issue.found) == (
        "/requests/0/received_at", ISO_INSTANT, "'2026-03-02T10:00:00.000+0100x'"
    )


def test_request_errors_are_in_plain_words_at_the_field() -> None:
    with pytest.raises(InputError) as info:
        req(type="erasure", whole_recrod=False)
    (issue,) = info.value.issues
    assert str(issue) == (
        "requests.json#/requests/0/whole_recrod: whole_recrod: expected a known key "
        "(unknown key 'whole_recrod'; did you mean 'whole_record'?)"
    )
    # the keys of the nested model are the ones suggested; no near key, no suggestion
    with pytest.raises(InputError) as info:
        req(response={**_responded("2026-03-20"), "resonded": "x"}, colour="red")
    assert {i.pointer: i.expected for i in info.value.issues} == {
        "/requests/0/colour": "expected a known key (unknown key 'colour')",
        "/requests/0/response/resonded":
            "expected a known key (unknown key 'resonded'; did you mean 'responded_at'?)",
    }
    with pytest.raises(InputError) as info:
        req(record={"matches": 1, "emails": "kari@example.no"})
    (issue,) = info.value.issues
    assert (issue.pointer, issue.expected, issue.found) == (
        "/requests/0/record/emails", "expected a list", "'kari@example.no'"
    )
    with pytest.raises(InputError) as info:
        req(channel="Email")
    (issue,) = info.value.issues
    assert issue.expected == (
        "expected 'email', 'web-form', 'account', 'postal', 'phone', 'in-person' or 'other'"
    )
    # the other type errors, in the same plain words
    with pytest.raises(InputError) as info:
        req(record={"matches": "several", "emails": []}, subject=["Kari"],
            identity={"asked_at": "2026-03-03T10:00+01:00", "means": []},
            extension={"notified_at": "2026-03-20T10:00+01:00", "reason": "r",
                       "grounds": ["Holidays"]})
    assert {i.pointer: i.expected for i in info.value.issues} == {
        "/requests/0/record/matches": "expected a whole number",
        "/requests/0/subject": "expected an object of keys and values",
        "/requests/0/identity/means": "expected at least one entry",
        "/requests/0/extension/grounds/0":
            "expected a text that matches ^[a-z0-9]+(?:-[a-z0-9]+)*$",
    }
    assert not any("Value error" in i.expected or "should" in i.expected
                   for i in info.value.issues)


@pytest.mark.parametrize("value", ["yes", "off", "no", 1, 0, 1.0, "1"])
def test_whole_record_is_true_or_false(value: Any) -> None:
    # "yes" or 1.0 were read as booleans: a flag that decides an identity check is
    # written as true or false (a CSV cell may write that as text)
    with pytest.raises(InputError) as info:
        req(whole_record=value)
    (issue,) = info.value.issues
    assert (issue.pointer, issue.expected, issue.found) == (
        "/requests/0/whole_record", "expected true or false", repr(value)
    )


def test_whole_record_as_a_csv_cell_writes_it() -> None:
    assert req(whole_record=" FALSE").whole_record is False
    assert req(whole_record="true").whole_record is True
    assert req(whole_record=False).whole_record is False


@pytest.mark.parametrize("blank", ["", " ", "\t \n"])
def test_a_blank_subject_email_is_refused(blank: str) -> None:
    # " " passed min_length and, matching no address on record, asked for identity
    with pytest.raises(InputError) as info:
        req(channel="web-form", subject={"name": "Kari Nordmann", "email": blank})
    (issue,) = info.value.issues
    assert (issue.pointer, issue.expected) == ("/requests/0/subject/email",
                                               "expected a non-empty text")
    r = req(channel="web-form", subject={"name": " Kari Nordmann ", "email": " kari@example.no "})
    assert (r.subject.name, r.subject.email) == ("Kari Nordmann", "kari@example.no")
    assert not decide_identity(r, POLICY).ask


def test_media_type_parameters_are_ignored_however_many() -> None:
    r = req(
        type="portability",
        response=_responded("2026-03-20", format="text/csv; charset=utf-8; header=present"),
    )
    assert rules_fired(r, D(2026, 12, 1)) == []


def test_a_policy_without_portability_formats_accepts_every_machine_readable_one() -> None:
    rights = POLICY.rights.model_copy(update={"portability_formats": ()})
    policy = POLICY.model_copy(update={"rights": rights})
    ok = req(type="portability", response=_responded("2026-03-20", format="text/vcard"))
    assert rules_fired(ok, D(2026, 12, 1), policy) == []
    assert rules_fired(ok, D(2026, 12, 1)) == ["request.portability-format"]


def test_triggers_at_their_edges() -> None:
    two = {"matches": 2, "name": "Kari Nordmann", "emails": ["kari@example.no"]}
    assert identity_triggers(req(record=two), POLICY) == ("several-matches",)
    # Logged in, an address or name check adds nothing, but several records still match.
    assert identity_triggers(req(channel="account", record=two), POLICY) == ("several-matches",)
    # Posted: there is no reply address to compare with the record.
    letter = req(channel="postal", subject={"name": "Kari Nordmann", "email": "x@example.no"})
    assert identity_triggers(letter, POLICY) == ()


def test_the_policys_periods_are_the_ones_used() -> None:
    rights = POLICY.rights.model_copy(
        update={
            "response_period": Duration.parse("P14D"),
            "extension": Duration.parse("P1M"),
            "identity": POLICY.rights.identity.model_copy(
                update={"prompt_within": Duration.parse("P1D"), "clock": "pause"}
            ),
        }
    )
    policy = POLICY.model_copy(update={"rights": rights})
    d = compute_deadline(D(2026, 3, 2), policy)
    assert (d.due, d.extended_due) == (D(2026, 3, 16), D(2026, 4, 16))
    # Asked two days after receipt: later than P1D, so the clock does not stop.
    asked = compute_deadline(D(2026, 3, 2), policy, identity_asked=D(2026, 3, 4))
    assert not asked.suspended and asked.due == D(2026, 3, 16)
    assert compute_deadline(D(2026, 3, 2), policy, identity_asked=D(2026, 3, 3)).suspended


def test_a_question_asked_at_the_as_of_instant_has_been_asked() -> None:
    asked = {"asked_at": "2026-03-05T09:00+01:00", "means": ["security-questions"]}
    r = req(channel="account", identity=asked)
    exactly = dt.datetime(2026, 3, 5, 8, 0, tzinfo=dt.UTC)
    assert "request.identity-unwarranted" in rules_fired(r, exactly)
    before = exactly - dt.timedelta(microseconds=1)
    assert "request.identity-unwarranted" not in rules_fired(r, before)


def test_as_of_is_checked_in_the_requests_own_zone() -> None:
    # The controller's zone here skips midnight on 8 March 2026 (Cuba); a Swedish request's
    # as_of of 7 March ends in Stockholm, where that midnight exists.
    policy = in_zone(SWEDISH, "NO", "America/Havana")
    r = req(jurisdiction="SE")
    assert evaluate_request(r, policy, D(2026, 3, 7)) == []


def test_a_date_as_of_on_the_eve_of_a_skipped_midnight() -> None:
    # Havana's clocks jump from midnight to 01:00 on 8 March 2026: 7 March ends at the jump,
    # and a plain as_of date that day is no error about a time nobody wrote
    policy = in_zone(POLICY, "NO", "America/Havana")
    received = "2026-02-05T10:00-05:00"
    assert request_deadline(req(received_at=received), policy).due == D(2026, 3, 5)
    in_time = {"responded_at": "2026-03-07T23:59-05:00", "outcome": "fulfilled"}
    after = {"responded_at": "2026-03-08T01:00-04:00", "outcome": "fulfilled"}
    assert rules_fired(req(received_at=received, response=in_time), D(2026, 3, 7), policy) == [
        "request.late"
    ]
    # the first instant after the jump is 8 March: not yet answered at the end of 7 March
    assert rules_fired(req(received_at=received, response=after), D(2026, 3, 7), policy) == [
        "request.overdue"
    ]
    assert request_deadline(req(received_at=received), policy, D(2026, 3, 7)).due == D(2026, 3, 5)


# -- answers services can act on (issue 11) ----------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        ("marketing-opt-out", "time.stop-on-receipt.marketing-opt-out"),
        ("consent-withdrawal", "time.stop-on-receipt.consent-withdrawal"),
    ],
)
def test_opt_outs_and_withdrawals_take_effect_on_receipt(kind: str, code: str) -> None:
    d = request_deadline(req(type=kind, received_at="2026-03-01T23:30Z"), POLICY)
    assert d.stop_processing_on == D(2026, 3, 2)  # the day of receipt in Oslo
    assert d.steps[1].code == code
    assert d.due == D(2026, 4, 7)  # only for telling the person what was done
    assert render(d.steps[1], "en").startswith(
        "objection to direct marketing received 2026-03-02: it takes effect on receipt"
        if kind == "marketing-opt-out"
        else "withdrawal of consent received 2026-03-02: it takes effect on receipt"
    )
    assert d.to_json()["stop_processing_on"] == "2026-03-02"


def test_other_requests_including_general_objection_have_a_month() -> None:
    for kind in ("access", "objection", "erasure"):
        d = request_deadline(req(type=kind), POLICY)
        assert d.stop_processing_on is None, kind
        assert not any(s.code.startswith("time.stop-on-receipt") for s in d.steps)


def test_requests_from_inmeta_se_follow_the_norwegian_calendar() -> None:
    # 2026-05-19 + 1 month = Friday 19 June: Midsummer Eve, a working day in Norway.
    from_se = req(site="inmeta.se", received_at="2026-05-19T10:00+02:00")
    assert (request_deadline(from_se, POLICY).calendar, request_deadline(from_se, POLICY).due) == (
        "NO",
        D(2026, 6, 19),
    )
    # With a Swedish establishment that answers inmeta.se, its calendar applies.
    swedish = request_deadline(from_se, SWEDISH)
    assert swedish.calendar == "SE"
    # A request that names Sweden although nobody answers from there: NO, and a step says why.
    named = request_deadline(req(jurisdiction="SE-1930-173", received_at="2026-05-19T10:00+02:00"), POLICY)
    assert named.calendar == "NO" and named.due == D(2026, 6, 19)
    assert named.steps[0].code == "time.calendar-of-answering-place"
    assert named.steps[0].values == {"asked": "SE-1930-173", "used": "NO", "controller": "NO"}
    # the extended deadline is explained with the same first step
    assert named.extended_steps[0] == named.steps[0]
    assert named.steps_for(True)[0].code == "time.calendar-of-answering-place"
    strict = request_deadline(req(jurisdiction="SE-1930-173", received_at="2026-05-19T10:00+02:00"), SWEDISH)
    assert (strict.calendar, strict.due) == ("SE-1930-173", D(2026, 6, 22))


def test_norwegian_deadlines_cite_domstolloven_beside_1182_71() -> None:
    d = request_deadline(req(), POLICY)
    assert "NO Domstolloven § 148" in d.legal and "NO Domstolloven § 149" in d.legal
    assert "Regulation 1182/71 Art. 3" in d.legal
    for ref in d.legal:
        LegalRef.parse(ref)
    se = compute_deadline(D(2026, 5, 19), POLICY, jurisdiction="SE-1930-173")
    assert "SE Lag 1930:173" in se.legal and "NO Domstolloven § 148" not in se.legal
    late = REGISTRY["request.late"]
    assert {"NO Domstolloven § 148", "NO Domstolloven § 149"} <= {str(x) for x in late.legal}


def test_extension_grounds_are_checked_against_art_12_3_and_the_policy() -> None:
    notice = {"notified_at": "2026-03-20T10:00+01:00", "reason": "many requests this month"}
    answered = {"responded_at": "2026-05-04T10:00+02:00", "outcome": "fulfilled"}
    ok = req(extension={**notice, "grounds": ["number-of-requests"]}, response=answered)
    assert rules_fired(ok, D(2026, 12, 1)) == []
    holidays = req(extension={**notice, "grounds": ["holidays"]}, response=answered)
    f = one(holidays, "request.extension-reason", D(2026, 12, 1))
    assert f.severity is Severity.ERROR
    assert f.message.values == {
        "grounds": ["holidays"],
        "accepted": ["complexity", "number-of-requests"],
    }
    assert _pointer(f) == "/requests/0/extension/grounds"
    # An extension on grounds Art. 12(3) does not allow extends nothing: the answer is late.
    assert "request.late" in rules_fired(holidays, D(2026, 12, 1))
    # The policy decides which of the lawful grounds it accepts.
    rights = POLICY.rights.model_copy(update={"extension_reasons": ("complexity",)})
    strict = POLICY.model_copy(update={"rights": rights})
    assert "request.extension-reason" in rules_fired(ok, D(2026, 12, 1), strict)
    # Grounds not recorded: a note, and the extension stands.
    bare = req(extension=notice, response=answered)
    notes = [f for f in evaluate_request(bare, POLICY, D(2026, 12, 1)) if f.severity is Severity.NOTE]
    assert [n.message.code for n in notes] == ["request.extension-reason.unrecorded"]
    assert notes[0].message.values == {"reason": "many requests this month",
                                       "accepted": ["complexity", "number-of-requests"]}
    assert rules_fired(bare, D(2026, 12, 1)) == []


def test_a_deadline_has_a_json_form() -> None:
    import json

    d = request_deadline(req(), POLICY)
    data = d.to_json()
    assert data["due"] == "2026-04-07" and data["calendar"] == "NO"
    assert data["steps"][0] == {
        "code": "time.received-at",
        "values": {
            "received": "2026-03-02",
            "at": "2026-03-02T10:00:00+01:00",
            "place": "Oslo",
            "timezone": "Europe/Oslo",
        },
    }
    assert d.to_json(extended=True)["due"] == "2026-06-02"
    json.dumps(data)


def test_iso_strings_and_wrong_types_at_the_request_api() -> None:
    assert compute_deadline("2026-03-02", POLICY).due == D(2026, 4, 7)
    assert compute_deadline("2026-03-01T23:30Z", POLICY).received_on == D(2026, 3, 2)
    assert evaluate_request(req(), POLICY, "2026-12-01") == evaluate_request(
        req(), POLICY, D(2026, 12, 1)
    )
    with pytest.raises(UsageError, match=r"^received: expected a date .*, got '2\.3\.2026'$"):
        compute_deadline("2.3.2026", POLICY)
    with pytest.raises(UsageError, match=r"^policy: expected a PolicyVersion, got the Policy"):
        request_deadline(req(), bundled_policy())
    with pytest.raises(UsageError, match=r"^request: expected a Request \(parse_request"):
        evaluate_request({"id": "r1"}, POLICY, D(2026, 12, 1))  # type: ignore[arg-type]
    with pytest.raises(UsageError, match=r"^request_type: expected one of access, "):
        compute_deadline(D(2026, 3, 2), POLICY, request_type="opt-out")


def test_a_response_period_not_stated_gives_the_law_s_month() -> None:
    import yaml

    from gdpr_policy import load_policy
    from gdpr_policy._policy import bundled_policy_text

    doc = yaml.safe_load(bundled_policy_text())
    doc["versions"][0]["rights"]["response_period"] = "not-stated"
    doc["versions"][0]["rights"]["extension"] = "not-stated"
    silent = load_policy(yaml.safe_dump(doc, allow_unicode=True), source="p.yaml").latest
    stated = bundled_policy().latest
    for received in (dt.date(2025, 1, 31), dt.date(2026, 3, 2), dt.date(2024, 2, 29)):
        a = compute_deadline(received, silent)
        b = compute_deadline(received, stated)
        assert (a.due, a.extended_due) == (b.due, b.extended_due)


def test_a_request_answered_from_a_bavarian_office_skips_corpus_christi() -> None:
    import yaml

    from gdpr_policy._policy import bundled_policy_text, load_policy
    from test_policy import with_bavarian_entity

    doc = with_bavarian_entity(yaml.safe_load(bundled_policy_text()))
    bavarian = load_policy(doc, source="p.yaml").latest
    # 4 May 2026 + 1 month = Thursday 4 June, Corpus Christi: a public holiday in Bavaria.
    via_de = request_deadline(req(site="inmeta.de", received_at="2026-05-04T10:00+02:00"), bavarian)
    assert (via_de.calendar, via_de.timezone, via_de.due) == ("DE-BY", "Europe/Berlin", D(2026, 6, 5))
    assert [s.code for s in via_de.steps][-2] == "time.non-working.corpus-christi"
    # Named explicitly: Berlin answers (a German establishment exists), Berlin has no such holiday.
    berlin = request_deadline(req(jurisdiction="DE-BE", received_at="2026-05-04T10:00+02:00"), bavarian)
    assert (berlin.calendar, berlin.due) == ("DE-BE", D(2026, 6, 4))
    # A German calendar named where no German establishment answers: the Norwegian one, with why.
    refused = request_deadline(req(jurisdiction="DE-BY", received_at="2026-05-04T10:00+02:00"), POLICY)
    assert refused.calendar == "NO" and refused.steps[0].code == "time.calendar-of-answering-place"


def test_an_extension_on_every_ground_the_policy_accepts_extends() -> None:
    # the grounds may be all the accepted ones, not only some of them
    notice = {"notified_at": "2026-03-20T10:00+01:00", "reason": "many and complex",
              "grounds": ["complexity", "number-of-requests"]}
    answered = {"responded_at": "2026-05-04T10:00+02:00", "outcome": "fulfilled"}
    both = req(extension=notice, response=answered)
    assert rules_fired(both, D(2026, 12, 1)) == []
    from gdpr_policy.requests import deadline_in_force

    assert deadline_in_force(both, POLICY, D(2026, 12, 1)) == request_deadline(
        both, POLICY).extended_due


@pytest.mark.parametrize("name", ["deadline_in_force", "answer_timing", "request_deadline"])
def test_a_naive_as_of_is_a_usage_error_naming_as_of(name: str) -> None:
    import gdpr_policy.requests as requests_module

    with pytest.raises(UsageError, match=r"^as_of: expected a date"):
        getattr(requests_module, name)(req(), POLICY, dt.datetime(2026, 4, 8, 12, 0))


def test_an_identity_decision_as_json_has_only_json_types() -> None:
    import json

    decision = decide_identity(req(subject={"name": "Kari Nordmann",
                                            "email": "kari@gmail.example"}), POLICY)
    data = decision.to_json()
    assert json.loads(json.dumps(data)) == data  # lists, strings, bools: no tuples
    assert data["ask"] is True and isinstance(data["means"], list)


def test_the_controllers_own_country_answers_when_no_address_says_it_does() -> None:
    addresses = tuple(a.model_copy(update={"answers_requests": False})
                      for a in POLICY.controller.addresses)
    controller = POLICY.controller.model_copy(update={"addresses": addresses})
    silent = POLICY.model_copy(update={"controller": controller})
    deadline = request_deadline(req(jurisdiction="NO"), silent)
    assert deadline.calendar == "NO"
    assert all(s.code != "time.calendar-of-answering-place" for s in deadline.steps)


@pytest.mark.parametrize("field", ["identity_asked", "identity_answered"])
def test_a_naive_identity_time_is_a_usage_error_naming_the_argument(field: str) -> None:
    with pytest.raises(UsageError, match=rf"^{field}: expected a date"):
        compute_deadline(D(2026, 3, 2), POLICY, **{field: dt.datetime(2026, 3, 3, 9, 0)})


@pytest.mark.parametrize(("grounds", "code", "severity"), [
    (["holidays"], "request.extension-reason", Severity.ERROR),
    ([], "request.extension-reason.unrecorded", Severity.NOTE),
])
def test_an_extension_reason_finding_names_its_grounds_and_points_at_them(
        grounds: list[str], code: str, severity: Severity) -> None:
    notice = {"notified_at": "2026-03-20T10:00+01:00", "reason": "busy", "grounds": grounds}
    r = req(extension=notice, response={"responded_at": "2026-05-04T10:00+02:00",
                                        "outcome": "fulfilled"})
    [f] = [f for f in evaluate_request(r, POLICY, D(2026, 12, 1))
           if f.rule == "request.extension-reason"]
    assert (f.message.code, f.severity) == (code, severity)
    assert f.evidence["grounds"] == grounds
    assert f.evidence["accepted"] == ["complexity", "number-of-requests"]
    assert _pointer(f) == "/requests/0/extension/grounds"


def test_identity_asked_on_the_last_prompt_day_is_in_time() -> None:
    # received Monday 2 March; prompt_within three days: asking on 5 March is in time, on the
    # 6th late (the policy's promptness, S20)
    triggered = {"subject": {"name": "Kari Nordmann", "email": "kari@gmail.example"}}
    on_time = req(identity={"asked_at": "2026-03-05T09:00+01:00",
                            "means": ["confirm-via-address-on-record"]}, **triggered)
    late = req(identity={"asked_at": "2026-03-06T09:00+01:00",
                         "means": ["confirm-via-address-on-record"]}, **triggered)

    def codes(r: Request) -> list[str]:
        return [f.message.code for f in evaluate_request(r, POLICY, D(2026, 12, 1))
                if f.rule == "request.identity-unwarranted"]

    assert codes(on_time) == []
    # under the bundled clock 'none' a late question is a note: it moves no deadline
    assert codes(late) == ["request.identity-unwarranted.late-clock-none"]


# -- a site written as www.<domain> (review r07) -------------------------------------------------


def _with_swedish_entity(site: str, answered: str) -> Any:
    """The bundled policy whose Swedish site is ``site`` and whose Stockholm entity answers
    ``answered``, loaded from YAML as a user writes it."""
    import yaml

    from gdpr_policy import load_policy
    from gdpr_policy._policy import bundled_policy_text

    doc = yaml.safe_load(bundled_policy_text())
    version = doc["versions"][0]
    version["sites"][1]["domain"] = site
    version["controller"]["addresses"][0]["answers_requests"] = ["inmeta.no"]
    version["controller"]["entities"] = [{
        "legal_name": "Inmeta Sverige AB", "organisation_number": "556036-0793", "country": "SE",
        "addresses": [{"kind": "visiting", "street": "Gatan 1", "postcode": "11122",
                       "city": "Stockholm", "country": "SE", "answers_requests": [answered]}]}]
    return load_policy(yaml.safe_dump(doc, allow_unicode=True), source="p.yaml").latest


@pytest.mark.parametrize(("site", "answered"), [
    ("www.inmeta.se", "www.inmeta.se"),
    ("www.inmeta.se", "inmeta.se"),
    ("inmeta.se", "www.inmeta.se"),
    ("WWW.Inmeta.SE.", "inmeta.se"),
])
@pytest.mark.parametrize("request_site", ["www.inmeta.se", "inmeta.se", "WWW.inmeta.se", "inmeta.se."])
def test_a_site_written_with_www_is_answered_by_its_establishments_calendar(
        site: str, answered: str, request_site: str) -> None:
    # Received 6 May 2025: one month is Friday 6 June, Sweden's National Day (a working day
    # in Norway), so the Swedish establishment's deadline is Monday 9 June. The site was
    # compared as written: www.inmeta.se never matched, and the Norwegian calendar applied.
    version = _with_swedish_entity(site, answered)
    request = parse_request({"id": "r1", "type": "access", "channel": "email",
                             "received_at": "2025-05-06T10:00+02:00", "site": request_site})
    deadline = request_deadline(request, version)
    assert (deadline.calendar, deadline.due) == ("SE", D(2025, 6, 9))


def test_a_site_given_as_a_page_address_is_its_host() -> None:
    # a request log records the page: https://www.inmeta.se/kontakt is inmeta.se
    for site in ("https://www.inmeta.se/kontakt", "inmeta.se/personvern", "WWW.INMETA.SE."):
        deadline = request_deadline(req(site=site, received_at="2026-05-19T10:00+02:00"), SWEDISH)
        assert deadline.calendar == "SE", site
        assert not any(s.code == "time.site-not-declared" for s in deadline.steps), site


def test_a_site_the_policy_does_not_declare_is_said_not_assumed() -> None:
    # a typo or a new site: no establishment answers it, the controller's calendar applies,
    # and the first step says so instead of passing it silently
    deadline = request_deadline(req(site="inmeta.dk", received_at="2026-05-19T10:00+02:00"),
                                SWEDISH)
    assert deadline.calendar == "NO"
    assert deadline.steps[0].code == "time.site-not-declared"
    assert deadline.steps[0].values == {"site": "inmeta.dk", "used": "NO"}
    assert deadline.extended_steps[0] == deadline.steps[0]
    assert render(deadline.steps[0], "en").startswith(
        "the request came through inmeta.dk, which is none of the policy's sites")
