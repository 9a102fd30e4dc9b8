"""The audit rules on hand-made records: each rule, each boundary, each exception."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gdpr_policy._duration import Duration
from gdpr_policy._rules import REGISTRY
from gdpr_policy.audit import audit_snapshot, inactivity_cutoff
from gdpr_policy.audit.rules import emit, marketing_no_basis
from gdpr_policy.i18n import LANGUAGES, has_message, render
from strategies.audit import instants

from ._helpers import (
    CS,
    MI,
    NL,
    at,
    by_rule,
    contact,
    request,
    run,
    send,
    stand_in_hook,
    subscription,
)

OSLO = ZoneInfo("Europe/Oslo")
RULES = ["retention.inactive-not-deactivated", "retention.bounced-not-deleted",
         "marketing.after-opt-out", "marketing.no-basis", "restriction.processed",
         "erasure.not-carried-out", "erasure.soft-deleted", "audit.record-id-mangled",
         "audit.deadlines-not-evaluated"]


@pytest.mark.parametrize("rule_id", RULES)
def test_rules_are_registered_with_references_and_messages(rule_id: str) -> None:
    r = REGISTRY[rule_id]
    if not rule_id.startswith("audit."):
        assert r.legal and r.statement
    for lang in LANGUAGES:
        for code in (rule_id, f"{rule_id}.title", f"{rule_id}.help"):
            assert has_message(code, lang), (code, lang)


# ------------------------------------------------------------------ inactivity
def cutoff_oslo() -> dt.datetime:
    # as of 2025-06-30 (a date): the cutoff day is 2023-06-30, from its start in Oslo (CEST)
    return at("2023-06-29T22:00")


def test_activity_exactly_on_the_cutoff_counts() -> None:
    rep = run(contacts=[contact("1", "a@x.no", createdate=at("2019-01-01T00:00"),
                                hs_email_last_open_date=cutoff_oslo())])
    assert by_rule(rep, "retention.inactive-not-deactivated") == []


def test_activity_a_millisecond_before_the_cutoff_does_not() -> None:
    before = cutoff_oslo() - dt.timedelta(milliseconds=1)
    rep = run(contacts=[contact("1", "a@x.no", createdate=at("2019-01-01T00:00"),
                                hs_email_last_open_date=before)])
    [f] = by_rule(rep, "retention.inactive-not-deactivated")
    assert f.evidence["cutoff"] == cutoff_oslo()
    assert f.evidence["last_activity"] == before
    assert f.evidence["last_activity_property"] == "hs_email_last_open_date"
    assert f.location is not None and f.location.line == 1


def test_sends_and_modifications_are_not_activity_but_the_create_date_is() -> None:
    old = at("2021-01-01T00:00")
    rep = run(contacts=[
        contact("1", "a@x.no", createdate=old, hs_email_last_send_date=at("2025-06-01T00:00"),
                lastmodifieddate=at("2025-06-01T00:00")),
        contact("2", "b@x.no", createdate=at("2024-01-01T00:00")),
        contact("3", "c@x.no", createdate=old, contact_status="deactivated"),
    ])
    assert [f.subject for f in by_rule(rep, "retention.inactive-not-deactivated")] == ["1"]


@pytest.mark.parametrize(("as_of", "zone", "cutoff"), [
    # the cutoff day starts in winter time (CET, UTC+1) although as_of is in summer
    (dt.date(2025, 3, 30), "Europe/Oslo", "2023-03-29T22:00"),
    (dt.date(2025, 3, 26), "Europe/Oslo", "2023-03-25T23:00"),
    (dt.date(2024, 10, 27), "Europe/Stockholm", "2022-10-26T22:00"),
    (dt.date(2024, 2, 29), "Europe/Oslo", "2022-02-27T23:00"),  # leap day clamps to 28 Feb
])
def test_inactivity_cutoff_is_the_start_of_the_day_in_the_zone(
        as_of: dt.date, zone: str, cutoff: str) -> None:
    assert inactivity_cutoff(as_of, Duration.parse("P2Y"), ZoneInfo(zone)) == at(cutoff)


def test_cutoff_of_a_datetime_keeps_the_wall_time_across_dst() -> None:
    # 12:00 CEST on 2025-06-30 -> 12:00 CEST on 2023-06-30
    as_of = dt.datetime(2025, 6, 30, 12, 0, tzinfo=OSLO)
    assert inactivity_cutoff(as_of, Duration.parse("P2Y"), OSLO) == at("2023-06-30T10:00")
    # 12:00 CET in winter -> 12:00 CEST in summer two years and four months earlier
    as_of = dt.datetime(2025, 1, 15, 12, 0, tzinfo=OSLO)
    assert inactivity_cutoff(as_of, Duration.parse("P2Y4M"), OSLO) == at("2022-09-15T10:00")


def test_activity_on_the_dst_cutoff_day_in_stockholm() -> None:
    # as of 2025-03-30 in Stockholm: cutoff 2023-03-30 00:00 CEST = 2023-03-29T22:00Z
    edge = at("2023-03-29T22:00")
    lines = [contact("1", "a@x.se", createdate=at("2019-01-01T00:00"), notes_last_updated=edge),
             contact("2", "b@x.se", createdate=at("2019-01-01T00:00"),
                     notes_last_updated=edge - dt.timedelta(seconds=1))]
    rep = run(as_of=dt.date(2025, 3, 30), contacts=lines, timezone="Europe/Stockholm")
    assert [f.subject for f in by_rule(rep, "retention.inactive-not-deactivated")] == ["2"]


# ------------------------------------------------------------------ bounce
def test_hard_bounce_fires_on_live_contacts_only_with_the_bounce_send_as_evidence() -> None:
    rep = run(contacts=[contact("1", "a@x.no", hs_email_hard_bounce_reason_enum="UNKNOWN_USER"),
                        contact("2", "b@x.no", archived=True,
                                hs_email_hard_bounce_reason_enum="UNKNOWN_USER"),
                        contact("3", "c@x.no")],
              sends=[send("S1", "1", "a@x.no", at("2024-01-05T07:00"), status="hard_bounce")])
    [f] = by_rule(rep, "retention.bounced-not-deleted")
    assert f.subject == "1"
    assert f.evidence["reason"] == "UNKNOWN_USER"
    assert f.evidence["bounce_send_id"] == "S1"
    assert f.evidence["bounced_at"] == at("2024-01-05T07:00")


# ------------------------------------------------------------------ opt-out
def opt_out_run(opt: dt.datetime, sent: dt.datetime, **kw: object) -> list[object]:
    rep = run(contacts=[contact("1", "a@x.no")],
              subscriptions=[subscription("1", "a@x.no", unsub_all=opt)],
              sends=[send("S1", "1", "a@x.no", sent, **kw)])  # type: ignore[arg-type]
    return by_rule(rep, "marketing.after-opt-out")


def test_opt_out_and_send_in_the_same_minute() -> None:
    t = at("2024-05-01T12:00:00")
    assert len(opt_out_run(t, t)) == 1  # at the opt-out: a violation
    assert len(opt_out_run(t, t + dt.timedelta(seconds=59))) == 1
    assert opt_out_run(t + dt.timedelta(seconds=30), t) == []  # before it: allowed
    assert opt_out_run(t, t - dt.timedelta(milliseconds=1)) == []


def test_administrative_and_transactional_mail_after_opt_out_is_allowed() -> None:
    t = at("2024-05-01T12:00")
    later = t + dt.timedelta(days=3)
    assert opt_out_run(t, later, campaign="200", purpose="administrative") == []
    assert opt_out_run(t, later, campaign=None, purpose="transactional") == []


def test_campaign_purpose_wins_over_the_subscription_and_the_log() -> None:
    # a promotion sent under the service subscription, logged as administrative
    [f] = opt_out_run(at("2024-05-01T12:00"), at("2024-11-24T10:00"), campaign="300",
                      purpose="administrative")
    assert f.evidence["send_ids"] == ["S1"]  # type: ignore[attr-defined]


def test_every_marketing_subscription_off_is_an_opt_out_from_the_last_one() -> None:
    first, last = at("2024-02-01T00:00"), at("2024-03-01T00:00")
    rep = run(contacts=[contact("1", "a@x.no"), contact("2", "b@x.no")],
              subscriptions=[subscription("1", "a@x.no", off={MI: first, NL: last}),
                             subscription("2", "b@x.no", off={NL: first})],  # partial
              sends=[send("S1", "1", "a@x.no", at("2024-02-15T00:00")),
                     send("S2", "1", "a@x.no", at("2024-03-05T00:00")),
                     send("S3", "2", "b@x.no", at("2024-03-05T00:00"))])
    [f] = by_rule(rep, "marketing.after-opt-out")
    assert f.subject == "1"
    assert f.evidence["effective_opt_out"] == last
    assert f.evidence["opt_out_by"] == "all-marketing-subscriptions"
    assert f.evidence["send_ids"] == ["S2"]


def test_service_subscription_off_is_not_a_marketing_opt_out() -> None:
    rep = run(contacts=[contact("1", "a@x.no")],
              subscriptions=[subscription("1", "a@x.no", off={CS: at("2024-01-01T00:00")})],
              sends=[send("S1", "1", "a@x.no", at("2024-03-05T00:00"))])
    assert by_rule(rep, "marketing.after-opt-out") == []


def test_an_emailed_objection_counts_from_its_receipt() -> None:
    objection = at("2024-01-10T08:00")
    rep = run(contacts=[contact("1", "a@x.no")],
              subscriptions=[subscription("1", "a@x.no", unsub_all=at("2024-03-01T00:00"))],
              sends=[send("S1", "1", "a@x.no", at("2024-02-05T07:00")),
                     send("S2", "1", "a@x.no", at("2024-01-05T07:00"))],
              requests=[request("DSR-1", "objection", "A@X.no", objection)])
    [f] = by_rule(rep, "marketing.after-opt-out")
    assert f.evidence["effective_opt_out"] == objection
    assert f.evidence["opt_out_by"] == "objection-request"
    assert f.evidence["request_id"] == "DSR-1"
    assert f.evidence["send_ids"] == ["S1"]


# ------------------------------------------------------------------ no basis
def test_marketing_without_consent_or_customer_relationship() -> None:
    lead = "Legitimate interest – prospect/lead"
    rep = run(contacts=[contact("1", "a@x.no", hs_legal_basis=lead, lifecyclestage="lead"),
                        contact("2", "b@x.no", hs_legal_basis="Freely given consent from contact"),
                        contact("3", "c@x.no", hs_legal_basis=lead, lifecyclestage="customer"),
                        contact("4", "d@x.no", hs_legal_basis="Legitimate interest - existing "
                                "customer"),  # plain hyphen: dashes are normalised
                        contact("5", "e@x.no", hs_legal_basis=lead)],
              subscriptions=[subscription("5", "e@x.no", consent=True)],
              sends=[send(f"S{i}", str(i), None, at("2024-01-05T07:00")) for i in range(1, 6)]
              + [send("S9", "1", None, at("2024-01-11T09:00"), campaign="200",
                      purpose="administrative")])
    [f] = by_rule(rep, "marketing.no-basis")
    assert f.subject == "1"
    assert f.evidence["send_ids"] == ["S1"] and f.evidence["send_count"] == 1


# ------------------------------------------------------------------ restriction
def test_restriction_any_send_or_logged_activity_at_or_after() -> None:
    r = at("2024-04-01T10:00")
    rep = run(contacts=[contact("1", "a@x.no", processing_restricted=True,
                                processing_restricted_date=r),
                        contact("2", "b@x.no", processing_restricted=True,
                                processing_restricted_date=r,
                                notes_last_updated=r + dt.timedelta(days=2)),
                        contact("3", "c@x.no", processing_restricted=True,
                                processing_restricted_date=r)],
              sends=[send("S1", "1", None, r, campaign=None, purpose="transactional"),
                     send("S2", "3", None, r - dt.timedelta(seconds=1))])
    found = {f.subject: f for f in by_rule(rep, "restriction.processed")}
    assert set(found) == {"1", "2"}
    assert found["1"].evidence["send_ids"] == ["S1"]
    assert found["2"].evidence["activity_at"] == r + dt.timedelta(days=2)
    assert found["2"].evidence["send_count"] == 0


def test_restricted_without_a_date_is_rejected_not_guessed() -> None:
    rep = run(contacts=[contact("1", "a@x.no", processing_restricted=True)])
    [stats] = [i for i in rep.inputs if i.file == "contacts_api.jsonl"]
    assert stats.rejected == 1
    assert "processing_restricted_date" in stats.problems[0].reason


# ------------------------------------------------------------------ erasure
def erasure_run(status: str, *, hook: bool = True, archived: bool = False,
                received: str = "2025-04-01T10:00") -> object:
    return run(contacts=[contact("1", "a@x.no", archived=archived)],
               requests=[request("DSR-9", "erasure", "a@x.no", at(received), status=status,
                                 responded=at("2025-04-20T10:00") if status == "fulfilled"
                                 else None)],
               request_hook=stand_in_hook if hook else None)


@pytest.mark.parametrize(("status", "received", "fires"), [
    ("fulfilled", "2025-06-20T10:00", True),  # answered, not carried out
    ("in_progress", "2025-05-31T10:00", False),  # due 2025-06-30, the as-of day: not yet
    ("in_progress", "2025-05-29T10:00", True),  # due 2025-06-29: past due
    ("denied", "2025-01-01T10:00", False),  # refused (legal retention)
])
def test_erasure_not_carried_out(status: str, received: str, fires: bool) -> None:
    rep = erasure_run(status, received=received)
    found = by_rule(rep, "erasure.not-carried-out")  # type: ignore[arg-type]
    assert len(found) == int(fires)
    if fires:
        assert found[0].subject == "request:DSR-9"
        assert found[0].evidence["record_id"] == "1"
        assert found[0].evidence["received_at"] == at(received)


def test_erasure_without_deadline_engine_judges_only_fulfilled_and_says_so() -> None:
    rep = erasure_run("in_progress", hook=False, received="2025-01-01T10:00")
    assert by_rule(rep, "erasure.not-carried-out") == []  # type: ignore[arg-type]
    [note] = by_rule(rep, "audit.deadlines-not-evaluated")  # type: ignore[arg-type]
    assert note.evidence["request_ids"] == ["DSR-9"]


def test_erasure_soft_deleted() -> None:
    rep = erasure_run("fulfilled", archived=True)
    [f] = by_rule(rep, "erasure.soft-deleted")  # type: ignore[arg-type]
    assert f.evidence["archived_at"] == at("2025-01-10T10:00")
    assert by_rule(rep, "erasure.not-carried-out") == []  # type: ignore[arg-type]
    assert by_rule(rep, "retention.inactive-not-deactivated") == []  # type: ignore[arg-type]


# ------------------------------------------------------------------ rendering
def test_findings_render_in_every_language() -> None:
    rep = opt_out_run(at("2024-05-01T12:00"), at("2024-06-01T12:00"))
    for lang in LANGUAGES:
        text = render(rep[0].message, lang)  # type: ignore[attr-defined]
        assert "2024-05-01" in text and "{" not in text


def test_emit_equals_rule_finding() -> None:
    ev = {"send_ids": ["S1"], "send_count": 1, "first_send_at": at("2024-01-01T00:00")}
    assert emit(marketing_no_basis, "1", None, dict(ev), count=1) == marketing_no_basis.finding(
        "1", evidence=ev, count=1)
    assert audit_snapshot  # the public entry point is importable from the package


# ------------------------------------------------------------------ properties
@given(instants, instants, st.sampled_from(["marketing", "administrative", "transactional"]))
def test_after_opt_out_fires_exactly_for_marketing_at_or_after_the_opt_out(
        opt: dt.datetime, sent: dt.datetime, purpose: str) -> None:
    campaign = {"marketing": "100", "administrative": "200", "transactional": None}[purpose]
    found = opt_out_run(opt, sent, campaign=campaign, purpose=purpose)
    assert len(found) == int(purpose == "marketing" and sent >= opt)


@given(instants, st.sampled_from(["Europe/Oslo", "Europe/Stockholm"]),
       st.dates(min_value=dt.date(2024, 3, 6), max_value=dt.date(2027, 12, 31)))
def test_inactive_exactly_when_last_activity_is_before_the_cutoff(
        last: dt.datetime, zone: str, as_of: dt.date) -> None:
    rep = run(as_of=as_of, timezone=zone,
              contacts=[contact("1", "a@x.no", createdate=at("2019-01-01T00:00"),
                                recent_conversion_date=last)])
    cutoff = inactivity_cutoff(as_of, Duration.parse("P2Y"), ZoneInfo(zone))
    assert cutoff.astimezone(ZoneInfo(zone)).time() == dt.time(0, 0)
    found = by_rule(rep, "retention.inactive-not-deactivated")
    assert len(found) == int(max(last, at("2019-01-01T00:00")) < cutoff)
