"""The audit rules on hand-made records: each rule, each boundary, each exception."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gdpr_policy._duration import Duration
from gdpr_policy._errors import UsageError
from gdpr_policy._messages import Location
from gdpr_policy._policy import bundled_policy
from gdpr_policy._rules import REGISTRY, Context, Severity
from gdpr_policy.audit import audit_snapshot, deadline_hook, inactivity_cutoff
from gdpr_policy.audit import rules as rules_module
from gdpr_policy.audit.rules import (
    MAX_EVIDENCE_SENDS,
    MangledIds,
    NotEvaluated,
    emit,
    marketing_no_basis,
    record_id_mangled,
)
from gdpr_policy.i18n import LANGUAGES, has_message, render
from strategies.audit import instants
from strategies.report import POLICY

from ._helpers import (
    CAMPAIGNS,
    CS,
    MI,
    NL,
    at,
    by_rule,
    contact,
    request,
    run,
    send,
    subscription,
)

OSLO = ZoneInfo("Europe/Oslo")
RULES = ["retention.inactive-not-deactivated", "retention.bounced-not-deleted",
         "retention.deactivated-marketed", "marketing.after-opt-out", "marketing.no-basis",
         "restriction.processed", "restriction.activity-logged", "erasure.not-carried-out",
         "erasure.soft-deleted", "audit.record-id-mangled", "audit.deadlines-not-evaluated",
         "audit.rule-not-evaluated", "audit.file-not-read"]


@pytest.mark.parametrize("rule_id", RULES)
def test_rules_are_registered_with_references_and_messages(rule_id: str) -> None:
    r = REGISTRY[rule_id]
    if not rule_id.startswith("audit."):
        assert r.legal and r.clauses(bundled_policy().latest)
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
    # two years before 29 February is 1 March: activity on 28 February 2022 is two full
    # years old on 29 February 2024 (counted forward, Reg. 1182/71 Art. 3(2)(c))
    (dt.date(2024, 2, 29), "Europe/Oslo", "2022-02-28T23:00"),
    (dt.date(2024, 2, 28), "Europe/Oslo", "2022-02-27T23:00"),
    (dt.date(2024, 3, 1), "Europe/Oslo", "2022-02-28T23:00"),
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
    # 02:30 did not exist in Oslo on 31 March 2024: the cutoff is when the clocks jumped
    # (03:00 CEST), so activity at 03:10 CEST that day, two years before, still counts
    as_of = dt.datetime(2026, 3, 31, 2, 30, tzinfo=OSLO)
    assert inactivity_cutoff(as_of, Duration.parse("P2Y"), OSLO) == at("2024-03-31T01:00")


def test_activity_on_the_dst_cutoff_day_in_stockholm() -> None:
    # as of 2025-03-30 in Stockholm: cutoff 2023-03-30 00:00 CEST = 2023-03-29T22:00Z
    edge = at("2023-03-29T22:00")
    lines = [contact("1", "a@x.se", createdate=at("2019-01-01T00:00"),
                     hs_last_sales_activity_timestamp=edge),
             contact("2", "b@x.se", createdate=at("2019-01-01T00:00"),
                     hs_last_sales_activity_timestamp=edge - dt.timedelta(seconds=1))]
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


def test_a_list_unsubscribe_forbids_that_list_only() -> None:
    # S33, S34, Art. 7(3): an unsubscribe from the Newsletter stops Newsletter sends, not
    # Marketing Information sends; every marketing list off stops marketing sent under the
    # service list, from the last one switched off
    first, last = at("2024-02-01T00:00"), at("2024-03-01T00:00")
    rep = run(contacts=[contact("1", "a@x.no"), contact("2", "b@x.no")],
              subscriptions=[subscription("1", "a@x.no", off={MI: first, NL: last}, consent=True),
                             subscription("2", "b@x.no", off={NL: first}, consent=True)],
              sends=[send("S1", "1", None, at("2024-02-15T00:00")),  # NL still on
                     send("S2", "1", None, at("2024-03-05T00:00")),  # NL off
                     send("S3", "2", None, at("2024-03-05T00:00")),  # NL off
                     send("S4", "2", None, at("2024-03-05T00:00"), campaign="400"),  # MI on
                     send("S5", "1", None, at("2024-02-15T00:00"), campaign="300"),
                     send("S6", "1", None, at("2024-03-02T00:00"), campaign="300"),
                     send("S7", "2", None, at("2024-03-05T00:00"), campaign="300")])
    found = {f.subject: f for f in by_rule(rep, "marketing.after-opt-out")}
    assert sorted(found) == ["1", "2"]
    assert found["1"].evidence["send_ids"] == ["S2", "S6"]
    assert found["1"].evidence["subscriptions"] == [str(NL), str(CS)]
    assert found["1"].evidence["effective_opt_out"] == last
    assert found["2"].evidence["send_ids"] == ["S3"]
    assert found["2"].evidence["opt_out_by"] == "list-unsubscribe"
    assert by_rule(rep, "marketing.no-basis") == []  # the rest had consent on their list


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
def test_consent_is_per_list_and_nothing_else_is_consent() -> None:
    # S24, S32, Art. 4(11) "specific": a stage, the contact's legal-basis property and
    # "Performance of a contract" are not consent to a list
    lead = "Legitimate interest – prospect/lead"
    rep = run(contacts=[contact("1", "a@x.no", hs_legal_basis="Performance of a contract",
                                lifecyclestage="customer"),
                        contact("2", "b@x.no", hs_legal_basis="Freely given consent from contact",
                                lifecyclestage="evangelist"),
                        contact("3", "c@x.no", hs_legal_basis=lead),
                        contact("4", "d@x.no", hs_legal_basis=lead),
                        contact("5", "e@x.no", hs_legal_basis=lead)],
              subscriptions=[subscription("1", "a@x.no"), subscription("2", "b@x.no"),
                             subscription("3", "c@x.no", consent=[NL]),
                             subscription("4", "d@x.no", consent=[MI]),
                             subscription("5", "e@x.no", consent=[NL],
                                          since=at("2024-01-20T00:00"))],
              sends=[send(f"S{i}", str(i), None, at("2024-01-05T07:00")) for i in range(1, 6)]
              + [send("S9", "1", None, at("2024-01-11T09:00"), campaign="200",
                      purpose="administrative"),
                 send("S10", "5", None, at("2024-02-05T07:00"))])
    found = {f.subject: f.evidence["send_ids"] for f in by_rule(rep, "marketing.no-basis")}
    # 3 consented to the Newsletter; 4 only to Marketing Information; 5 after the first send
    assert found == {"1": ["S1"], "2": ["S2"], "4": ["S4"], "5": ["S5"]}


def test_marketing_under_the_service_list_needs_consent_on_a_marketing_list_in_force() -> None:
    rep = run(contacts=[contact("1", "a@x.no"), contact("2", "b@x.no"), contact("3", "c@x.no")],
              subscriptions=[subscription("1", "a@x.no", consent=[MI]),
                             subscription("2", "b@x.no", consent=[CS]),
                             subscription("3", "c@x.no", consent=[MI],
                                          off={MI: at("2024-06-01T00:00")}, unspecified=[NL])],
              sends=[send("S1", "1", None, at("2024-11-24T10:00"), campaign="300"),
                     send("S2", "2", None, at("2024-11-24T10:00"), campaign="300"),
                     send("S3", "3", None, at("2024-05-01T10:00"), campaign="300"),
                     send("S4", "3", None, at("2024-11-24T10:00"), campaign="300")])
    found = {f.subject: f.evidence["send_ids"] for f in by_rule(rep, "marketing.no-basis")}
    # consent on the service list is not consent to marketing; 3's consent held until June
    assert found == {"2": ["S2"], "3": ["S4"]}
    assert by_rule(rep, "marketing.after-opt-out") == []  # the Newsletter was never off


def test_one_send_one_rule_after_the_opt_out() -> None:
    off = at("2024-03-01T00:00")
    rep = run(contacts=[contact("1", "a@x.no")],
              subscriptions=[subscription("1", "a@x.no", off={NL: off})],
              sends=[send("S1", "1", None, off - dt.timedelta(days=5)),
                     send("S2", "1", None, off), send("S3", "1", None, off + dt.timedelta(days=5))])
    [nb] = by_rule(rep, "marketing.no-basis")
    [oo] = by_rule(rep, "marketing.after-opt-out")
    assert nb.evidence["send_ids"] == ["S1"]
    assert oo.evidence["send_ids"] == ["S2", "S3"]


@pytest.mark.parametrize(("email", "country", "promise"), [
    ("kari.nordmann@firma.no", "Norway", False),
    ("post@firma.no", "Norway", True),  # a role address: § 15 does not reach it
    ("info@firma.no", None, True),
    ("anna.svensson@foretag.se", "Sweden", True),  # Swedish law governs, not § 15
    ("kari@firma.no", None, False),  # country unknown: the controller's own law
])
def test_no_basis_cites_the_law_that_reaches_the_recipient(
        email: str, country: str | None, promise: bool) -> None:
    rep = run(contacts=[contact("1", email, country=country)],
              subscriptions=[subscription("1", email)],
              sends=[send("S1", "1", None, at("2024-01-05T07:00"))])
    [f] = by_rule(rep, "marketing.no-basis")
    laws = [str(x) for x in f.legal]
    assert f.message.code == ("marketing.no-basis.promise" if promise else "marketing.no-basis")
    assert ("NO Markedsføringsloven § 15" in laws) is not promise
    assert "GDPR Art. 6(1)(a)" in laws
    assert [s.clause for s in f.statement] == ["S32", "S24"]
    for lang in LANGUAGES:
        assert "{" not in render(f.message, lang)


def _with_exception(enabled: bool) -> Any:
    v = bundled_policy().at(dt.date(2025, 6, 30))
    bases = ("consent", "existing-customer-relationship") if enabled else ("consent",)
    purposes = tuple(p.model_copy(update={"national_basis": bases})
                     if p.id == "email-marketing" else p for p in v.purposes)
    return v.model_copy(update={"purposes": purposes})


@pytest.mark.parametrize(("enabled", "mapped", "met", "fires"), [
    (False, True, True, True),  # the Inmeta policy promises consent (S32)
    (True, False, True, True),  # the snapshot does not record the conditions
    (True, True, False, True),  # recorded, not met
    (True, True, True, False),
])
def test_the_existing_customer_exception_needs_the_policy_and_the_recorded_conditions(
        enabled: bool, mapped: bool, met: bool, fires: bool) -> None:
    from gdpr_policy.audit import PortalMapping, SnapshotInput

    props = ("address_from_sale", "similar_products", "opt_out_offered")
    mapping = PortalMapping(customer_exception_properties=props if mapped else ())
    flags = dict.fromkeys(props, "true") | ({} if met else {"opt_out_offered": "false"})
    lines = [contact("1", "a@x.no", lifecyclestage="customer", **flags)]
    rep = audit_snapshot(
        as_of=dt.date(2025, 6, 30), policy=_with_exception(enabled), mapping=mapping,
        contacts=SnapshotInput("contacts_api.jsonl", lines),
        subscriptions=SnapshotInput("subscriptions.jsonl", [subscription("1", "a@x.no")]),
        campaigns=SnapshotInput("email_campaigns.json", [json.dumps(CAMPAIGNS)]),
        sends=SnapshotInput("email_sends.jsonl", [send("S1", "1", None, at("2024-01-05T07:00"))]))
    assert len(by_rule(rep, "marketing.no-basis")) == int(fires)


# ------------------------------------------------------------------ restriction
def test_restriction_non_transactional_sends_at_or_after_and_activity_as_a_note() -> None:
    # Art. 18: the confirmation (transactional) and a note documenting the request are not
    # breaches; administrative and marketing e-mail at or after the restriction is
    r = at("2024-04-01T10:00")
    restricted: dict[str, Any] = {"processing_restricted": True, "processing_restricted_date": r}
    rep = run(contacts=[contact("1", "a@x.no", **restricted),
                        contact("2", "b@x.no", notes_last_updated=r + dt.timedelta(days=2),
                                **restricted),
                        contact("3", "c@x.no", **restricted),
                        contact("4", "d@x.no", **restricted)],
              sends=[send("S1", "1", None, r, campaign=None, purpose="transactional"),
                     send("S2", "3", None, r - dt.timedelta(seconds=1)),
                     send("S3", "4", None, r, campaign="200", purpose="administrative")])
    assert [f.subject for f in by_rule(rep, "restriction.processed")] == ["4"]
    [note] = by_rule(rep, "restriction.activity-logged")
    assert (note.subject, note.severity) == ("2", Severity.NOTE)
    assert note.evidence["activity_at"] == r + dt.timedelta(days=2)


def test_restricted_without_a_date_is_rejected_not_guessed() -> None:
    rep = run(contacts=[contact("1", "a@x.no", processing_restricted=True)])
    [stats] = [i for i in rep.inputs if i.file == "contacts_api.jsonl"]
    assert stats.rejected == 1
    assert "processing_restricted_date" in stats.problems[0].reason


# ------------------------------------------------------------------ erasure
def erasure_run(status: str, *, hook: bool = True, archived: bool = False,
                received: str = "2025-04-01T10:00",
                as_of: dt.date = dt.date(2025, 6, 30)) -> object:
    return run(as_of=as_of, contacts=[contact("1", "a@x.no", archived=archived)],
               requests=[request("DSR-9", "erasure", "a@x.no", at(received), status=status,
                                 responded=at(received) + dt.timedelta(days=5)
                                 if status == "fulfilled" else None)],
               request_hook=deadline_hook if hook else None)


@pytest.mark.parametrize(("status", "received", "fires"), [
    ("fulfilled", "2025-06-20T10:00", True),  # answered, not carried out
    ("in_progress", "2025-05-30T10:00", False),  # due Mon 2025-06-30, the as-of day: not yet
    ("in_progress", "2025-05-29T10:00", False),  # due Sun 29 June rolls to Mon 30 June
    ("in_progress", "2025-05-27T10:00", True),  # due Fri 2025-06-27: past due
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


@pytest.mark.parametrize("archived", [False, True])
def test_erasure_on_its_due_day_is_not_late_and_the_day_after_is(archived: bool) -> None:
    # through the real deadline engine: due 2025-06-30 (one month after 30 May)
    rule_id = "erasure.soft-deleted" if archived else "erasure.not-carried-out"
    on_due = erasure_run("open", archived=archived, received="2025-05-30T10:00")
    after = erasure_run("open", archived=archived, received="2025-05-30T10:00",
                        as_of=dt.date(2025, 7, 1))
    assert by_rule(on_due, rule_id) == []  # type: ignore[arg-type]
    [f] = by_rule(after, rule_id)  # type: ignore[arg-type]
    assert f.evidence["due"] == dt.date(2025, 6, 30)


def test_erasure_without_deadline_engine_judges_only_fulfilled_and_says_so() -> None:
    rep = erasure_run("in_progress", hook=False, received="2025-01-01T10:00")
    assert by_rule(rep, "erasure.not-carried-out") == []  # type: ignore[arg-type]
    [note] = by_rule(rep, "audit.deadlines-not-evaluated")  # type: ignore[arg-type]
    assert note.evidence["request_ids"] == ["DSR-9"]


def test_an_open_erasure_past_due_answered_by_a_restorable_delete_is_soft_deleted() -> None:
    # Art. 17: the recycle bin is not an erasure, marked fulfilled or not
    rep = erasure_run("in_progress", archived=True, received="2025-05-02T10:00")
    [f] = by_rule(rep, "erasure.soft-deleted")  # type: ignore[arg-type]
    assert f.evidence["due"] == dt.date(2025, 6, 2)
    assert by_rule(erasure_run("in_progress", archived=True,  # type: ignore[arg-type]
                               received="2025-06-10T10:00"), "erasure.soft-deleted") == []


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
    assert emit(marketing_no_basis, Context(policy=POLICY, as_of=dt.date(2024, 1, 1)), "1", None, dict(ev), count=1) == marketing_no_basis.finding(
        POLICY,
        "1", evidence=ev, count=1)
    assert audit_snapshot  # the public entry point is importable from the package


def test_emit_cites_what_each_policy_version_cites() -> None:
    # emit keeps each version's citations; a copy of the version with other jurisdictions
    # (another object) is worked out anew, and each answer equals the rule's own
    swedish_only = POLICY.model_copy(update={"jurisdictions": tuple(
        j for j in POLICY.jurisdictions if j.code == "SE")})
    for policy in (POLICY, swedish_only, POLICY, swedish_only):
        f = emit(marketing_no_basis, Context(policy=policy, as_of=dt.date(2024, 6, 1)), "1",
                 None, {}, count=1)
        assert f.legal == marketing_no_basis.legal_for(policy)
        assert f.statement == marketing_no_basis.clauses(policy)
    assert (marketing_no_basis.legal_for(POLICY)
            != marketing_no_basis.legal_for(swedish_only))
    # a service that loads version after version keeps a bounded memo, not every version
    for _ in range(300):
        emit(marketing_no_basis, Context(policy=POLICY.model_copy(), as_of=dt.date(2024, 6, 1)),
             "1", None, {}, count=1)
    assert len(rules_module._CITES) <= 257


# ------------------------------------------------------------------ properties
@given(instants, instants, st.sampled_from(["marketing", "administrative", "transactional"]))
def test_after_opt_out_fires_exactly_for_marketing_at_or_after_the_opt_out(
        opt: dt.datetime, sent: dt.datetime, purpose: str) -> None:
    campaign = {"marketing": "100", "administrative": "200", "transactional": None}[purpose]
    found = opt_out_run(opt, sent, campaign=campaign, purpose=purpose)
    assert len(found) == int(purpose == "marketing" and sent >= opt)


def test_last_activity_two_full_years_before_a_leap_day_is_inactive() -> None:
    # 28 February 2026 plus two years is 28 February 2028: by 29 February the contact has
    # been inactive for two years. The old backward clamp (to 28 February) let it pass.
    last = dt.datetime(2026, 2, 28, 12, 0, tzinfo=OSLO)
    lines = [contact("1", "a@x.no", createdate=at("2019-01-01T00:00"),
                     recent_conversion_date=last)]
    [f] = by_rule(run(as_of=dt.date(2028, 2, 29), contacts=lines),
                  "retention.inactive-not-deactivated")
    assert f.evidence["cutoff"] == dt.datetime(2026, 2, 28, 23, 0, tzinfo=dt.UTC)
    assert by_rule(run(as_of=dt.date(2028, 2, 28), contacts=lines),
                   "retention.inactive-not-deactivated") == []


def test_a_window_before_the_year_one_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="before the year 1"):
        inactivity_cutoff(dt.date(1, 6, 30), Duration.parse("P2Y"), OSLO)


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


# --- mutation testing of audit/rules.py (issue 6) ----------------------------------------
# Each finding is checked whole (subject, location, message values, evidence) against values
# worked out from the input lines; the contact that does not fire comes first in its batch,
# so a rule that stopped at it instead of going on would be caught.
def contact_at(line: int) -> Location:
    return Location(file="contacts_api.jsonl", line=line)


def request_at(line: int) -> Location:
    return Location(file="dsr_requests.jsonl", line=line)


def test_inactivity_finding_in_full() -> None:
    old = at("2021-03-04T05:06")
    rep = run(contacts=[contact("1", "a@x.no", createdate=at("2025-01-01T00:00")),
                        contact("2", "b@x.no", createdate=at("2019-01-01T00:00"),
                                hs_analytics_last_visit_timestamp=old)])
    [f] = by_rule(rep, "retention.inactive-not-deactivated")
    assert (f.subject, f.location) == ("2", contact_at(2))
    assert f.message.values == {"last_activity": old, "cutoff": cutoff_oslo()}
    assert f.evidence == {"record_id": "2", "email": "b@x.no", "last_activity": old,
                          "last_activity_property": "hs_analytics_last_visit_timestamp",
                          "cutoff": cutoff_oslo()}


def test_bounce_finding_in_full_without_a_bounce_send() -> None:
    recent: dict[str, Any] = {"createdate": at("2025-01-01T00:00")}
    rep = run(contacts=[contact("1", "a@x.no", hs_email_hard_bounce_reason_enum="MAILBOX_FULL",
                                **recent),
                        contact("2", "b@x.no", hs_email_hard_bounce_reason_enum="UNKNOWN_USER",
                                **recent)])
    [f] = by_rule(rep, "retention.bounced-not-deleted")
    assert (f.subject, f.location) == ("2", contact_at(2))
    assert f.message.values == {"reason": "UNKNOWN_USER"}
    # no send in the log bounced: the evidence says so by leaving the send out
    assert f.evidence == {"record_id": "2", "email": "b@x.no", "reason": "UNKNOWN_USER"}


def test_opt_out_finding_in_full() -> None:
    opt, s1, s2 = at("2024-05-01T12:00"), at("2024-06-01T08:00"), at("2024-05-02T09:30")
    rep = run(contacts=[contact("1", "a@x.no"), contact("2", "b@x.no")],
              subscriptions=[subscription("1", "a@x.no", consent=True),
                             subscription("2", "b@x.no", unsub_all=opt, consent=True)],
              sends=[send("S1", "1", "a@x.no", s1), send("S2", "2", "b@x.no", s1),
                     send("S3", "2", "b@x.no", s2)])
    [f] = by_rule(rep, "marketing.after-opt-out")
    assert (f.subject, f.location) == ("2", contact_at(2))
    assert f.message.values == {"opt_out": opt, "count": 2}
    assert f.evidence == {"record_id": "2", "email": "b@x.no", "effective_opt_out": opt,
                          "opt_out_by": "unsubscribe-all", "request_id": None,
                          "subscriptions": [str(NL)], "send_ids": ["S2", "S3"], "send_count": 2,
                          "first_send_at": s2, "last_send_at": s1}


def test_no_basis_finding_in_full() -> None:
    lead = "Legitimate interest – prospect/lead"
    s1, s2 = at("2024-01-05T07:00"), at("2024-02-05T07:00")
    rep = run(contacts=[contact("1", "a@x.no"),
                        contact("2", "b@x.no", hs_legal_basis=lead, lifecyclestage="lead",
                                country="Norway")],
              subscriptions=[subscription("1", "a@x.no", consent=True),
                             subscription("2", "b@x.no")],
              sends=[send("S1", "1", None, s1), send("S2", "2", None, s1),
                     send("S3", "2", None, s2)])
    [f] = by_rule(rep, "marketing.no-basis")
    assert (f.subject, f.location) == ("2", contact_at(2))
    assert f.message.values == {"count": 2}
    assert f.evidence == {"record_id": "2", "email": "b@x.no", "legal_bases": [lead],
                          "lifecycle_stage": "lead", "country": "NO", "send_ids": ["S2", "S3"],
                          "send_count": 2, "first_send_at": s1, "last_send_at": s2}


def test_restriction_findings_in_full() -> None:
    r = at("2024-04-01T10:00")
    noted, sent = r + dt.timedelta(days=2), r + dt.timedelta(days=5)
    restricted: dict[str, Any] = {"processing_restricted": True, "processing_restricted_date": r}
    rep = run(contacts=[contact("1", "a@x.no"),
                        contact("2", "b@x.no", **restricted),  # processed only before
                        contact("3", "c@x.no", notes_last_updated=noted, **restricted),
                        contact("4", "d@x.no", notes_last_updated=noted, **restricted),
                        contact("5", "e@x.no", **restricted)],
              sends=[send("S1", "1", None, sent), send("S2", "2", None, r - dt.timedelta(days=1)),
                     send("S3", "3", None, sent), send("S5", "5", None, sent)])
    found = {f.subject: f for f in by_rule(rep, "restriction.processed")}
    assert sorted(found) == ["3", "5"]
    assert [found[k].location for k in "35"] == [contact_at(3), contact_at(5)]
    for key, sid in (("3", "S3"), ("5", "S5")):
        f = found[key]
        assert f.message.values == {"restricted_at": r, "count": 1}, key
        email = f"{'abcde'[int(key) - 1]}@x.no"
        assert f.evidence == {"record_id": key, "email": email, "restricted_at": r,
                              "send_ids": [sid], "send_count": 1, "first_send_at": sent,
                              "last_send_at": sent}, key
    notes = {f.subject: f for f in by_rule(rep, "restriction.activity-logged")}
    assert sorted(notes) == ["3", "4"]
    for key in "34":
        f = notes[key]
        assert f.location == contact_at(int(key))
        assert f.message.values == {"restricted_at": r, "activity_at": noted}
        assert f.evidence == {"record_id": key, "email": f"{'abcde'[int(key) - 1]}@x.no",
                              "restricted_at": r, "activity_property": "notes_last_updated",
                              "activity_at": noted}


def test_deactivated_marketed_finding_in_full() -> None:
    # S12: deactivated means not used; administrative mail and earlier sends are not marketing
    # to a deactivated contact
    d = at("2024-04-01T10:00")
    after = d + dt.timedelta(days=3)
    rep = run(contacts=[contact("1", "a@x.no", contact_status="deactivated",
                                deactivated_date=d),
                        contact("2", "b@x.no", contact_status="deactivated", deactivated_date=d)],
              subscriptions=[subscription("1", "a@x.no", consent=True),
                             subscription("2", "b@x.no", consent=True)],
              sends=[send("S1", "1", None, d - dt.timedelta(milliseconds=1)),
                     send("S2", "1", None, after, campaign="200", purpose="administrative"),
                     send("S3", "2", None, d), send("S4", "2", None, after, campaign="400")])
    [f] = by_rule(rep, "retention.deactivated-marketed")
    assert (f.subject, f.location) == ("2", contact_at(2))
    assert f.message.values == {"deactivated_at": d, "count": 2}
    assert f.evidence == {"record_id": "2", "email": "b@x.no", "deactivated_at": d,
                          "send_ids": ["S3", "S4"], "send_count": 2, "first_send_at": d,
                          "last_send_at": after}


def test_erasure_findings_in_full() -> None:
    received, responded = at("2025-05-02T08:15"), at("2025-05-20T10:00")
    due = dt.date(2025, 6, 2)  # the deadline engine's one month, a Monday
    reqs = [request("DSR-0", "access", "b@x.no", received),
            request("DSR-1", "erasure", "b@x.no", received, responded=responded)]
    for archived, rule_id in ((False, "erasure.not-carried-out"),
                              (True, "erasure.soft-deleted")):
        rep = run(contacts=[contact("1", "a@x.no"), contact("2", "b@x.no", archived=archived)],
                  requests=reqs, request_hook=deadline_hook)
        [f] = [f for f in rep.findings if f.rule.startswith("erasure.")]
        assert (f.rule, f.subject, f.location) == (rule_id, "request:DSR-1", request_at(2))
        evidence = {"request_id": "DSR-1", "record_id": "2", "email": "b@x.no",
                    "received_at": received, "responded_at": responded, "status": "fulfilled",
                    "due": due, "contact_file": "contacts_api.jsonl", "contact_line": 2}
        if archived:
            archived_at = at("2025-01-10T10:00")  # what the contact helper writes
            assert f.message.values == {"request_id": "DSR-1", "record": "2",
                                        "archived_at": archived_at}
            assert f.evidence == {**evidence, "archived_at": archived_at}
        else:
            assert f.message.values == {"request_id": "DSR-1", "record": "2",
                                        "received": received}
            assert f.evidence == evidence


@pytest.mark.parametrize("status", ["denied", "revoked"])
def test_a_denied_or_revoked_erasure_past_due_is_not_judged(status: str) -> None:
    rep = erasure_run(status, received="2025-01-01T10:00")
    assert by_rule(rep, "erasure.not-carried-out") == []  # type: ignore[arg-type]
    # the same request still open would have fired
    assert len(by_rule(erasure_run("open", received="2025-01-01T10:00"),  # type: ignore[arg-type]
                       "erasure.not-carried-out")) == 1


def test_unjudged_requests_note_in_full() -> None:
    ids = [f"DSR-{n}" for n in range(MAX_EVIDENCE_SENDS + 2)]
    rep = run(requests=[request(i, "access", "a@x.no", at("2025-06-01T10:00"),
                                status="in_progress") for i in ids])
    [note] = by_rule(rep, "audit.deadlines-not-evaluated")
    assert (note.subject, note.location) == ("file:dsr_requests.jsonl",
                                             Location(file="dsr_requests.jsonl"))
    assert note.message.values == {"count": len(ids)}
    assert note.evidence == {"request_ids": ids[:MAX_EVIDENCE_SENDS], "count": len(ids)}


def audit_ctx() -> Context:
    return Context(policy=bundled_policy().at(dt.date(2025, 6, 30)), as_of=dt.date(2025, 6, 30))


@pytest.mark.parametrize("examples", [("3.01E+10", "3,02E+10"), ()])
def test_mangled_ids_note_in_full(examples: tuple[str, ...]) -> None:
    lines = tuple(range(4, 4 + MAX_EVIDENCE_SENDS + 3))
    [note] = record_id_mangled.evaluate(MangledIds("export.csv", lines, examples), audit_ctx())
    assert (note.subject, note.location) == ("file:export.csv",
                                             Location(file="export.csv", line=4))
    assert note.message.values == {"count": len(lines),
                                   "example": examples[0] if examples else None}
    assert note.evidence == {"count": len(lines), "lines": list(lines[:MAX_EVIDENCE_SENDS]),
                             "examples": list(examples)}
    assert record_id_mangled.evaluate(MangledIds("export.csv", (), ()), audit_ctx()) == []


# ------------------------------------------------------------------ never silent (issue 10)
def test_a_rule_missing_an_input_is_reported_not_evaluated_in_full() -> None:
    # no subscription statuses: consent and per-list opt-outs cannot be judged, so the two
    # marketing rules say so instead of reporting nothing (or everything)
    rep = run(contacts=[contact("1", "a@x.no", hs_legal_basis="")],
              sends=[send("S1", "1", None, at("2024-01-05T07:00"))],
              requests=[request("D1", "objection", "a@x.no", at("2024-01-01T00:00"))],
              request_hook=deadline_hook)
    assert by_rule(rep, "marketing.no-basis") == by_rule(rep, "marketing.after-opt-out") == []
    # (the per-file findings on the columns the helper's dump lacks are test_exports.py's)
    found = {f.subject: f for f in by_rule(rep, "audit.rule-not-evaluated")
             if f.message.code == "audit.rule-not-evaluated"}
    assert sorted(found) == ["rule:marketing.after-opt-out", "rule:marketing.no-basis"]
    f = found["rule:marketing.no-basis"]
    assert (f.severity, f.location) == (Severity.WARNING, None)
    assert f.message.values == {"rule": "marketing.no-basis", "needs": ["subscription-statuses"]}
    assert f.evidence == f.message.values
    # the evidence keeps the input's id; the message words it in the reader's language
    assert render(f.message, "en").endswith("it needs the subscription statuses")
    assert render(f.message, "nb").endswith("regelen trenger abonnementsstatusene")
    assert render(f.message, "sv").endswith("regeln behöver prenumerationsstatusarna")


def test_a_csv_export_without_the_recycle_bin_names_the_file_and_what_it_needs() -> None:
    header = '"Record ID","Email","Create Date"\n'
    rep = run(contacts=[header, '"1","a@x.no","2020-01-01 00:00"\n'], contacts_name="export.csv",
              subscriptions=[subscription("1", "a@x.no")], sends=[],
              requests=[request("D1", "erasure", "a@x.no", at("2025-01-01T00:00"))],
              request_hook=deadline_hook)
    [f] = [f for f in by_rule(rep, "audit.rule-not-evaluated")
           if f.message.code == "audit.rule-not-evaluated"]
    assert f.message.values == {
        "rule": "erasure.soft-deleted", "source": "export.csv",
        "needs": ["recycle-bin"]}
    assert "papirkurven (et API-uttrekk av kontaktene" in render(f.message, "nb")
    assert f.location == Location(file="export.csv")
    # with the API dump nothing is missing
    full = run(contacts=[contact("1", "a@x.no")], subscriptions=[subscription("1", "a@x.no")],
               sends=[], requests=[request("D1", "erasure", "a@x.no", at("2025-01-01T00:00"))],
               request_hook=deadline_hook)
    assert [f for f in by_rule(full, "audit.rule-not-evaluated")
            if f.message.code == "audit.rule-not-evaluated"] == []


def test_files_not_read_are_named_in_warnings() -> None:
    from gdpr_policy.audit import classify_files

    sel = classify_files(["contacts_api.jsonl", "innsynsforesporsler.jsonl", "ground_truth.csv"])
    assert dict(sel.ignored) == {"innsynsforesporsler.jsonl": "not-an-input",
                                 "ground_truth.csv": "not-an-input"}
    rep = run(contacts=[contact("1", "a@x.no")], ignored_files=sel.ignored)
    found = by_rule(rep, "audit.file-not-read")
    assert [f.evidence for f in found] == [
        {"file": "ground_truth.csv", "reason": "not-an-input"},
        {"file": "innsynsforesporsler.jsonl", "reason": "not-an-input"}]
    assert [(f.subject, f.severity, f.location) for f in found] == [
        ("file:ground_truth.csv", Severity.WARNING, Location(file="ground_truth.csv")),
        ("file:innsynsforesporsler.jsonl", Severity.WARNING,
         Location(file="innsynsforesporsler.jsonl"))]
    assert found[1].message.values == {"file": "innsynsforesporsler.jsonl",
                                       "reason": "not-an-input"}
    assert render(found[1].message, "en") == (
        "innsynsforesporsler.jsonl was not read: its name matches no audit input")
    assert render(found[1].message, "nb") == ("innsynsforesporsler.jsonl ble ikke lest: navnet "
                                              "passer ikke til noen inndata for revisjonen")
    assert render(found[1].message, "sv") == ("innsynsforesporsler.jsonl lästes inte: namnet "
                                              "passar inte till någon indata för granskningen")


# ------------------------------------------------------------------ the person's activity
def _policy_counting_staff_notes() -> Any:
    v = bundled_policy().at(dt.date(2025, 6, 30))
    rr = tuple(r.model_copy(update={"not_activity": tuple(
        x for x in r.not_activity if x != "staff-logged")}) if r.trigger == "inactivity" else r
        for r in v.retention)
    return v.model_copy(update={"retention": rr})


def test_a_staff_note_is_not_the_persons_activity_unless_the_policy_says_so() -> None:
    # S12: notes_last_updated moves when staff log a note or a sales e-mail
    from gdpr_policy.audit import SnapshotInput

    lines = [contact("1", "a@x.no", createdate=at("2019-01-01T00:00"),
                     notes_last_updated=at("2025-06-01T00:00"))]
    [f] = by_rule(run(contacts=lines), "retention.inactive-not-deactivated")
    assert f.evidence["last_activity_property"] == "createdate"
    rep = audit_snapshot(as_of=dt.date(2025, 6, 30), policy=_policy_counting_staff_notes(),
                         contacts=SnapshotInput("contacts_api.jsonl", lines))
    assert by_rule(rep, "retention.inactive-not-deactivated") == []


@pytest.mark.parametrize(("reason", "fires"), [
    ("UNKNOWN_USER", True), ("POLICY", False), ("SPAM", False), ("CONTENT", False),
    ("MAILBOX_FULL", False), ("OTHER", False)])
def test_only_an_unknown_user_bounce_shows_a_dead_address(reason: str, fires: bool) -> None:
    # S11: "når mottakerens e-post ikke lenger er i bruk"
    rep = run(contacts=[contact("1", "a@x.no", hs_email_hard_bounce_reason_enum=reason)])
    assert len(by_rule(rep, "retention.bounced-not-deleted")) == int(fires)


def test_a_send_matched_on_the_address_before_the_record_existed_is_judged() -> None:
    # the pre-filter assumes a send logged with the record's id follows its creation; one
    # matched on the address only is judged against the whole history
    created = at("2024-06-01T00:00")
    lines = [contact("1", "a@x.no", createdate=created)]
    subs = [subscription("1", "a@x.no", consent=True, since=created)]
    rep = run(contacts=lines, subscriptions=subs,
              sends=[send("S1", None, "a@x.no", created - dt.timedelta(days=30)),
                     send("S2", "1", None, created + dt.timedelta(days=1))])
    [f] = by_rule(rep, "marketing.no-basis")
    assert f.evidence["send_ids"] == ["S1"]


# ------------------------------------------------------------------ requests against deadlines
def test_the_report_counts_requests_by_how_they_stand_against_their_deadlines() -> None:
    # received 2 June 2025 (Oslo): due 2 July; as_of 30 June 2025 unless said otherwise
    got = at("2025-06-02T08:00")
    rows = [request("E", "access", "a@x.no", got, responded=at("2025-06-10T08:00")),  # early
            request("T", "access", "a@x.no", got, responded=at("2025-06-27T08:00")),  # on time
            request("O", "access", "a@x.no", got, status="open"),  # not yet due
            request("W", "access", "a@x.no", got, status="revoked"),
            request("L", "access", "a@x.no", at("2025-04-01T08:00"),
                    responded=at("2025-05-20T08:00")),  # due 2 May: late
            request("X", "access", "a@x.no", at("2025-04-01T08:00"), status="open")]  # overdue
    rep = run(contacts=[contact("1", "a@x.no")], requests=rows, request_hook=deadline_hook)
    assert rep.request_timing == {"early": 1, "late": 1, "on-time": 1, "open": 1,
                                  "overdue": 1, "withdrawn": 1}
    assert [f.subject for f in by_rule(rep, "request.late")] == ["request:L"]
    assert [f.subject for f in by_rule(rep, "request.overdue")] == ["request:X"]
    # the JSON report carries the same numbers
    from gdpr_policy.report import render_json

    assert json.loads(render_json(rep))["request_timing"] == rep.request_timing
    # no request log, or no deadline engine: nothing to count, not zeros
    assert run(contacts=[contact("1", "a@x.no")]).request_timing is None
    assert run(contacts=[contact("1", "a@x.no")], requests=rows).request_timing is None


def test_a_request_marked_fulfilled_without_its_answer_day_never_passes_as_answered() -> None:
    # the log says fulfilled or denied but not when (responded_at missing, or misspelt):
    # the deadline engine has no answer to time, so the request stands open, and overdue
    # once its month has run out; it is never counted on time
    for status in ("fulfilled", "denied"):
        rows = [request("N", "access", "a@x.no", at("2025-06-02T08:00"), status=status),
                request("X", "access", "a@x.no", at("2025-04-01T08:00"), status=status)]
        rep = run(contacts=[contact("1", "a@x.no")], requests=rows, request_hook=deadline_hook)
        assert rep.request_timing == {"open": 1, "overdue": 1}, status
        assert [f.subject for f in by_rule(rep, "request.overdue")] == ["request:X"]


# ------------------------------------------------------------------ who a finding is about
def test_a_finding_names_the_contact_when_the_export_has_a_name() -> None:
    old = at("2020-01-01T00:00")
    rep = run(contacts=[
        contact("1", "a@x.no", firstname=" Kari ", lastname="Nordmann",
                hs_email_last_open_date=old),
        contact("2", "b@x.no", lastname="Nordmann", hs_email_last_open_date=old),
        contact("3", "c@x.no", firstname="", lastname=None, hs_email_last_open_date=old),
        contact("4", "d@x.no", firstname=42, hs_email_last_open_date=old)])
    found = {f.subject: f.evidence for f in by_rule(rep, "retention.inactive-not-deactivated")}
    assert found["1"]["name"] == "Kari Nordmann" and found["1"]["email"] == "a@x.no"
    assert found["2"]["name"] == "Nordmann"
    # no name: no name key, as before (the e-mail and record id say who it is)
    assert "name" not in found["3"]
    # a number some tool wrote as a name is shown as written; it never rejects the contact
    assert found["4"]["name"] == "42"
    assert {(s.read, s.evaluated, s.rejected) for s in rep.inputs} == {(4, 4, 0)}


def _no_inactivity_rule(retention: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in retention if r["trigger"] != "inactivity"]


def _no_inactivity_period(retention: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**r, "after": "not-stated"} if r["trigger"] == "inactivity" else r for r in retention]


@pytest.mark.parametrize(("edit", "reason"), [
    # the statement promises no deactivation after inactivity
    (_no_inactivity_rule, "policy-inactivity-rule"),
    # it promises one but gives no period
    (_no_inactivity_period, "policy-inactivity-period"),
])
def test_inactivity_is_not_judged_without_a_stated_rule_and_period(edit: Any, reason: str) -> None:
    import yaml

    from gdpr_policy import load_policy
    from gdpr_policy._policy import bundled_policy_text

    doc = yaml.safe_load(bundled_policy_text())
    v = doc["versions"][0]
    v["retention"] = edit(v["retention"])
    silent = load_policy(yaml.safe_dump(doc, allow_unicode=True), source="p.yaml")
    lines = [contact("1", "kari@firma.no", hs_email_last_open_date=at("2019-01-01T10:00"))]
    assert by_rule(run(contacts=lines), "retention.inactive-not-deactivated")
    rep = run(contacts=lines, policy=silent)
    assert by_rule(rep, "retention.inactive-not-deactivated") == []
    notes = [f for f in by_rule(rep, "audit.rule-not-evaluated")
             if f.evidence["needs"] == [reason]]
    assert sorted(f.evidence["rule"] for f in notes) == [
        "retention.inactive-deactivation-unknown", "retention.inactive-not-deactivated"]
    for lang in LANGUAGES:
        text = render(notes[0].message, lang)
        assert "{" not in text and "term." not in text
        assert reason != "policy-inactivity-period" or "after: not-stated" in text


def test_a_retention_promise_the_audit_has_no_check_for_is_a_note() -> None:
    import yaml

    from gdpr_policy import load_policy
    from gdpr_policy._policy import bundled_policy_text

    doc = yaml.safe_load(bundled_policy_text())
    doc["versions"][0]["retention"].append(
        {"id": "contract-end", "trigger": "end-of-relationship", "after": "P3Y", "action": "delete"})
    policy = load_policy(yaml.safe_dump(doc, allow_unicode=True), source="p.yaml")
    rep = run(contacts=[contact("1", "kari@firma.no")], policy=policy)
    [note] = [f for f in by_rule(rep, "audit.rule-not-evaluated")
              if f.evidence["rule"] == "retention[contract-end]"]
    assert note.evidence["needs"] == ["retention-trigger-check"]
    for lang in LANGUAGES:
        text = render(note.message, lang)
        assert "retention[contract-end]" in text and "term." not in text


def test_marketing_to_a_contact_opted_out_at_an_unknown_time_is_a_warning_with_its_evidence() -> None:
    # an API dump whose contact says "unsubscribed from all email" but no subscription
    # statuses with times: the sends may predate the opt-out, so a warning, not a verdict
    rep = run(contacts=[contact("7", "ut@x.no", hs_email_optout=True),
                        contact("8", "in@x.no"),
                        # opted out too, but sent only administrative mail: nothing to warn of
                        contact("9", "adm@x.no", hs_email_optout=True)],
              sends=[send("S1", "7", None, at("2024-02-15T00:00")),
                     send("S2", "7", None, at("2024-03-05T00:00")),
                     send("S3", "7", None, at("2024-03-06T00:00"), campaign="200",
                          purpose="administrative"),
                     send("S4", "8", None, at("2024-03-05T00:00")),
                     send("S5", "9", None, at("2024-03-06T00:00"), campaign="200",
                          purpose="administrative")])
    [w] = by_rule(rep, "marketing.after-untimed-opt-out")
    assert (w.subject, w.severity) == ("7", Severity.WARNING)
    assert w.evidence["opted_out_of"] == w.message.values["how"]
    assert w.evidence["email"] == "ut@x.no"
    assert w.evidence["send_ids"] == ["S1", "S2"] and w.evidence["send_count"] == 2
    assert w.message.values["count"] == 2
    assert w.message.values["last"] == at("2024-03-05T00:00")
    assert w.location is not None and w.location.file == "contacts_api.jsonl"
    for lang in LANGUAGES:
        text = render(w.message, lang)
        assert "{" not in text and "2" in text


def test_a_list_opt_out_with_no_marketing_after_it_is_no_finding() -> None:
    # contact 1 opted out of the Newsletter and got only mail sent before it or under
    # another list; contact 2 got a Newsletter send after its opt-out
    off = at("2024-02-01T00:00")
    rep = run(contacts=[contact("1", "a@x.no"), contact("2", "b@x.no")],
              subscriptions=[subscription("1", "a@x.no", off={NL: off}, consent=True),
                             subscription("2", "b@x.no", off={NL: off}, consent=True)],
              sends=[send("S1", "1", None, at("2024-01-15T00:00")),
                     send("S2", "1", None, at("2024-03-05T00:00"), campaign="400"),
                     send("S3", "2", None, at("2024-03-05T00:00"))])
    assert [f.subject for f in by_rule(rep, "marketing.after-opt-out")] == ["2"]


def _judge(rule_id: str, subject: Any) -> list[Any]:
    ctx = Context(policy=bundled_policy().latest, as_of=dt.date(2025, 6, 30))
    return REGISTRY[rule_id].evaluate(subject, ctx)


def test_export_read_names_the_columns_and_formats_or_a_dash_when_there_are_none() -> None:
    from gdpr_policy.audit.rules import ExportRead

    [f] = _judge("audit.export-read", ExportRead(
        source="c.csv", shape="warehouse-table", activity=(), formats=(),
        ignored=("Record ID - Company", "Company name")))
    assert (f.subject, f.severity, f.location) == ("file:c.csv", Severity.NOTE,
                                                   Location(file="c.csv"))
    assert f.message.values == {"source": "c.csv", "shape": "warehouse-table",
                                "activity": "-", "formats": "-", "ignored": 2}
    assert f.evidence == {"shape": "warehouse-table", "activity_columns": [],
                          "date_formats": [],
                          "columns_not_read": ["Record ID - Company", "Company name"]}
    [g] = _judge("audit.export-read", ExportRead(
        source="c.csv", shape="hubspot-export",
        activity=("hs_email_last_open_date", "recent_conversion_date"),
        formats=("Create Date: %d.%m.%Y", "Recent Conversion Date: %d.%m.%Y %H:%M")))
    assert g.message.values["activity"] == "hs_email_last_open_date, recent_conversion_date"
    assert g.message.values["formats"] == (
        "Create Date: %d.%m.%Y; Recent Conversion Date: %d.%m.%Y %H:%M")
    assert g.message.values["ignored"] == 0


def test_a_rule_not_evaluated_on_records_a_file_lacks_columns_for_counts_them() -> None:
    [f] = _judge("audit.rule-not-evaluated", NotEvaluated(
        "retention.bounced-not-deleted", "hs_email_hard_bounce_reason_enum", "c.csv", 7))
    assert f.message.code == "audit.rule-not-evaluated.columns"
    assert f.message.values == f.evidence == {
        "rule": "retention.bounced-not-deleted", "needs": "hs_email_hard_bounce_reason_enum",
        "source": "c.csv", "count": 7}
    assert f.location == Location(file="c.csv")
    [g] = _judge("audit.rule-not-evaluated", NotEvaluated("erasure.not-deleted", ("request-log",)))
    assert g.message.code == "audit.rule-not-evaluated"
    assert g.message.values == {"rule": "erasure.not-deleted", "needs": ["request-log"]}
    assert g.location is None
    for found in (f, g):
        for lang in LANGUAGES:
            assert "{" not in render(found.message, lang)


@pytest.mark.parametrize(("status", "fires"), [
    # a request refused or withdrawn asks for no erasure, however long ago it came
    ("denied", False), ("revoked", False),
    ("fulfilled", True), ("in_progress", True),
])
def test_a_restorable_delete_after_an_erasure_the_person_still_asks_for(status: str,
                                                                        fires: bool) -> None:
    rep = erasure_run(status, archived=True, received="2025-01-02T10:00")
    found = by_rule(rep, "erasure.soft-deleted")
    assert len(found) == int(fires)
    if fires:
        assert found[0].evidence["record_id"] == "1"


def _quiet_since(when: str) -> str:
    # an export with an activity column and no deactivation column
    return (f"Record ID,Email,Create Date,Last marketing email open date\n"
            f"1,a@x.no,2019-01-01 10:00,{when}\n")


def test_inactive_where_the_export_cannot_show_deactivation_is_a_warning_from_the_cutoff() -> None:
    # the cutoff is 2023-06-30 00:00 in Oslo (two years before 2025-06-30): activity at the
    # cutoff itself is not inactive, a minute before it is
    at_cutoff = run(contacts=_quiet_since("2023-06-30 00:00").splitlines(keepends=True),
                    contacts_name="c.csv")
    assert by_rule(at_cutoff, "retention.inactive-deactivation-unknown") == []
    before = run(contacts=_quiet_since("2023-06-29 23:59").splitlines(keepends=True),
                 contacts_name="c.csv")
    [w] = by_rule(before, "retention.inactive-deactivation-unknown")
    oslo = ZoneInfo("Europe/Oslo")
    last = dt.datetime(2023, 6, 29, 23, 59, tzinfo=oslo)
    cutoff = dt.datetime(2023, 6, 30, 0, 0, tzinfo=oslo)
    assert w.evidence == {"record_id": "1", "email": "a@x.no",
                          "last_activity": last,
                          "last_activity_property": "hs_email_last_open_date",
                          "cutoff": cutoff, "activity_columns": ["hs_email_last_open_date"]}
    assert w.message.values["last_activity"] == last and w.message.values["cutoff"] == cutoff
    assert w.location is not None and (w.location.file, w.location.line) == ("c.csv", 2)
