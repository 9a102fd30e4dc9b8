"""The marketing decision: may we send this marketing e-mail to this person, on this list, now?

Worked examples for each rule, and hypothesis properties proving that the
audit's vectorised twin (``audit._verdicts.slot_plan`` and the send-log fold
of ``audit._engine``) says what :func:`may_send_marketing` says, send by send.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdpr_policy import (
    ListStatus,
    MarketingDecision,
    Objection,
    Recipient,
    UsageError,
    bundled_policy,
    may_send_marketing,
)
from gdpr_policy.audit import PortalMapping, SnapshotInput, audit_snapshot
from gdpr_policy.audit._verdicts import slot_plan
from gdpr_policy.i18n import LANGUAGES, render
from gdpr_policy.marketing import CONSENT_BASES, effective_opt_out, latest_statuses
from strategies.audit import instants

UTC = dt.UTC
POLICY = bundled_policy().at(dt.date(2025, 6, 30))
MI, NL, CS = "201843117", "201843118", "201843119"
MARKETING = frozenset({MI, NL, "Marketing Information", "Newsletter"})


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def lists(**kw: tuple[str, str | None, str | None]) -> tuple[ListStatus, ...]:
    """``mi=("SUBSCRIBED", "2024-01-01T00:00", "CONSENT_WITH_NOTICE")`` ..."""
    ids = {"mi": (MI, "Marketing Information", True), "nl": (NL, "Newsletter", True),
           "cs": (CS, "Customer Service Communication", False)}
    out = []
    for k, (status, when, basis) in kw.items():
        sid, name, mk = ids[k]
        out.append(ListStatus(sid, status, at(when) if when else None, basis, name, mk))  # type: ignore[arg-type]
    return tuple(out)


def decide(rec: Recipient, sub: str, when: str, **kw: Any) -> MarketingDecision:
    return may_send_marketing(rec, subscription=sub, at=at(when), policy=POLICY,
                              marketing_lists=MARKETING, **kw)


CONSENTED = lists(mi=("SUBSCRIBED", "2024-01-01T00:00", "CONSENT_WITH_NOTICE"),
                  nl=("SUBSCRIBED", "2024-01-01T00:00", "CONSENT_WITH_NOTICE"),
                  cs=("SUBSCRIBED", "2024-01-01T00:00", "LEGITIMATE_INTEREST_CLIENT"))


def test_consent_on_the_list_in_force_allows_and_the_decision_is_truthy() -> None:
    d = decide(Recipient(email="kari@firma.no", lists=CONSENTED), NL, "2024-02-01T00:00")
    assert d and d.allowed and d.basis == "consent" and d.reasons == () and d.findings == ()


def test_one_list_gets_one_answer_whether_named_by_id_or_by_name() -> None:
    # The caller says the Newsletter (by id) is a marketing list; the status has no flag
    nl = ListStatus(NL, "SUBSCRIBED", at("2020-01-01T00:00"), "CONSENT_WITH_NOTICE", "Newsletter")
    rec = Recipient(email="kari@firma.no", lists=(nl,))
    for sub in (NL, "Newsletter"):
        d = may_send_marketing(rec, subscription=sub, at=at("2024-06-01T00:00"), policy=POLICY,
                               marketing_lists=frozenset({NL}))
        assert d.allowed and d.basis == "consent", sub
    # ... and the other way round: marketing lists by name, never subscribed to the
    # Newsletter, consent on Marketing Information only: no basis however the list is named
    rec = Recipient(email="kari@firma.no", lists=(
        ListStatus(NL, "NOT_SPECIFIED", None, None, "Newsletter"),
        ListStatus(MI, "SUBSCRIBED", at("2020-01-01T00:00"), "CONSENT_WITH_NOTICE",
                   "Marketing Information", True)))
    by_name = frozenset({"Newsletter", "Marketing Information"})
    for sub in ("Newsletter", NL):
        d = may_send_marketing(rec, subscription=sub, at=at("2024-06-01T00:00"), policy=POLICY,
                               marketing_lists=by_name)
        assert [r.rule for r in d.reasons] == ["marketing.no-basis"], sub
        # the audit's planner agrees
        [(_, window)] = slot_plan(rec, [sub], marketing_lists=by_name,
                                  consent_bases=CONSENT_BASES, exception=False)
        assert window == (None, None), sub


def test_before_the_consent_there_is_no_basis_and_the_law_is_cited() -> None:
    d = decide(Recipient(email="kari@firma.no", lists=CONSENTED), NL, "2023-12-31T23:59")
    assert not d
    [r] = d.reasons
    assert r.rule == "marketing.no-basis" and "NO Markedsføringsloven § 15" in r.legal
    [f] = d.findings
    assert f.subject == "kari@firma.no" and [s.clause for s in f.statement] == ["S32", "S24"]
    for lang in LANGUAGES:
        assert "{" not in render(f.message, lang)


@pytest.mark.parametrize("basis", ["LEGITIMATE_INTEREST_CLIENT", "PERFORMANCE_OF_CONTRACT",
                                   "LEGITIMATE_INTEREST_PQL", None])
def test_only_consent_on_the_list_is_consent(basis: str | None) -> None:
    rec = Recipient(email="kari@firma.no",
                    lists=lists(nl=("SUBSCRIBED", "2024-01-01T00:00", basis)))
    assert [r.rule for r in decide(rec, NL, "2024-02-01T00:00").reasons] == ["marketing.no-basis"]


def test_consent_on_another_list_does_not_cover_this_one() -> None:
    rec = Recipient(lists=lists(mi=("SUBSCRIBED", "2024-01-01T00:00", "CONSENT_WITH_NOTICE"),
                                nl=("NOT_SPECIFIED", None, None)))
    assert not decide(rec, NL, "2024-02-01T00:00")
    assert decide(rec, MI, "2024-02-01T00:00")
    # marketing under the service list: consent on a marketing list in force covers it
    assert decide(rec, CS, "2024-02-01T00:00")


def test_a_withdrawn_consent_covered_the_sends_before_it() -> None:
    rec = Recipient(lists=lists(nl=("NOT_SUBSCRIBED", "2024-03-01T00:00", "CONSENT_WITH_NOTICE")))
    assert decide(rec, NL, "2024-02-01T00:00")
    [r] = decide(rec, NL, "2024-03-01T00:00").reasons
    assert (r.rule, r.since, r.how) == ("marketing.after-opt-out", at("2024-03-01T00:00"),
                                        "list-unsubscribe")


def test_a_list_unsubscribe_forbids_that_list_only() -> None:
    rec = Recipient(lists=lists(mi=("SUBSCRIBED", "2024-01-01T00:00", "CONSENT_WITH_NOTICE"),
                                nl=("NOT_SUBSCRIBED", "2024-03-01T00:00", "CONSENT_WITH_NOTICE")))
    assert not decide(rec, NL, "2024-04-01T00:00")
    assert decide(rec, MI, "2024-04-01T00:00")
    assert decide(rec, CS, "2024-04-01T00:00")  # Marketing Information still on, with consent


def test_service_list_marketing_after_every_marketing_list_is_off() -> None:
    rec = Recipient(lists=lists(mi=("NOT_SUBSCRIBED", "2024-02-01T00:00", "CONSENT_WITH_NOTICE"),
                                nl=("NOT_SUBSCRIBED", "2024-03-01T00:00", "CONSENT_WITH_NOTICE"),
                                cs=("SUBSCRIBED", "2020-01-01T00:00", None)))
    [r] = decide(rec, CS, "2024-03-01T00:00").reasons
    assert (r.rule, r.since, r.how) == ("marketing.after-opt-out", at("2024-03-01T00:00"),
                                        "all-marketing-subscriptions")
    assert decide(rec, CS, "2024-02-15T00:00")  # the Newsletter's consent still held


def test_unsubscribe_all_and_objection_take_the_earliest_one_send_one_rule() -> None:
    rec = Recipient(lists=(), unsubscribed_all_at=at("2024-05-01T00:00"),
                    objection=Objection(at("2024-04-01T00:00"), "DSR-7"))
    d = decide(rec, NL, "2024-04-01T00:00")
    assert [(r.rule, r.how, r.request_id) for r in d.reasons] == [
        ("marketing.after-opt-out", "objection-request", "DSR-7")]  # not also no-basis
    assert [r.rule for r in decide(rec, NL, "2024-03-31T23:59").reasons] == ["marketing.no-basis"]


def test_deactivated_and_restricted_forbid_marketing_from_their_instant() -> None:
    rec = Recipient(lists=CONSENTED, deactivated_at=at("2024-06-01T00:00"),
                    restricted_at=at("2024-07-01T00:00"))
    assert decide(rec, NL, "2024-05-31T23:59")
    assert [r.rule for r in decide(rec, NL, "2024-06-01T00:00").reasons] == [
        "retention.deactivated-marketed"]
    assert [r.rule for r in decide(rec, NL, "2024-07-01T00:00").reasons] == [
        "retention.deactivated-marketed", "restriction.processed"]


@pytest.mark.parametrize(("email", "country", "promise"), [
    ("kari.nordmann@firma.no", "NO", False), ("post@firma.no", "NO", True),
    ("firmapost@firma.no", None, True), ("anna@foretag.se", "SE", True),
])
def test_no_basis_cites_the_act_only_where_it_reaches(
        email: str, country: str | None, promise: bool) -> None:
    [r] = decide(Recipient(email=email, country=country), NL, "2024-02-01T00:00").reasons
    assert ("NO Markedsføringsloven § 15" in r.legal) is not promise
    assert r.how == ("statement-promise" if promise else "national-law")


def _exception_policy(enabled: bool) -> Any:
    bases = ("consent", "existing-customer-relationship") if enabled else ("consent",)
    return POLICY.model_copy(update={"purposes": tuple(
        p.model_copy(update={"national_basis": bases}) if p.id == "email-marketing" else p
        for p in POLICY.purposes)})


@pytest.mark.parametrize(("enabled", "recorded", "allowed"), [
    (True, True, True), (True, False, False), (False, True, False)])
def test_the_existing_customer_exception_is_the_policys_call(
        enabled: bool, recorded: bool, allowed: bool) -> None:
    d = may_send_marketing(Recipient(customer_exception=recorded), subscription=NL,
                           at=at("2024-02-01T00:00"), policy=_exception_policy(enabled),
                           marketing_lists=MARKETING)
    assert bool(d) is allowed
    assert d.basis == ("existing-customer" if allowed else None)


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(UsageError, match="aware"):
        may_send_marketing(Recipient(), subscription=NL, at=dt.datetime(2024, 1, 1),
                           policy=POLICY)


# ------------------------------------------------------------------ the repeated hour
OSLO = ZoneInfo("Europe/Oslo")
# 2024-10-27 in Oslo: at 03:00 summer time the clocks go back to 02:00, so 02:00-03:00
# happens twice: first as CEST (fold=0, 00:00Z-01:00Z), then as CET (fold=1, 01:00Z-02:00Z)
FIRST_0245 = dt.datetime(2024, 10, 27, 2, 45, tzinfo=OSLO)  # 00:45Z
SECOND_0230 = dt.datetime(2024, 10, 27, 2, 30, tzinfo=OSLO, fold=1)  # 01:30Z, 45 min later
SECOND_0215 = dt.datetime(2024, 10, 27, 2, 15, tzinfo=OSLO, fold=1)  # 01:15Z


@pytest.mark.parametrize(("field", "rule"), [
    ("list", "marketing.after-opt-out"), ("unsubscribed_all_at", "marketing.after-opt-out"),
    ("objection", "marketing.after-opt-out"), ("deactivated_at", "retention.deactivated-marketed"),
    ("restricted_at", "restriction.processed")])
def test_in_the_repeated_hour_the_fold_says_which_came_first(field: str, rule: str) -> None:
    def rec(when: dt.datetime) -> Recipient:
        lists = (ListStatus(NL, "NOT_SUBSCRIBED", when, "CONSENT_WITH_NOTICE", "Newsletter", True)
                 if field == "list" else
                 ListStatus(NL, "SUBSCRIBED", at("2020-01-01T00:00"), "CONSENT_WITH_NOTICE",
                            "Newsletter", True),)
        kw: dict[str, Any] = ({} if field == "list" else
                              {field: Objection(when) if field == "objection" else when})
        return Recipient(email="kari@firma.no", lists=lists, **kw)

    def rules(r: Recipient, send: dt.datetime) -> list[str]:
        return [x.rule for x in may_send_marketing(r, subscription=NL, at=send, policy=POLICY,
                                                   marketing_lists=MARKETING).reasons]

    # 02:30 the second time is after 02:45 the first time; the reason keeps 02:45 as given
    d = may_send_marketing(rec(FIRST_0245), subscription=NL, at=SECOND_0230, policy=POLICY,
                           marketing_lists=MARKETING)
    assert [r.rule for r in d.reasons] == [rule]
    since = d.reasons[0].since
    assert since == FIRST_0245 and since is not None and since.tzinfo is OSLO and since.fold == 0
    assert rules(rec(FIRST_0245), SECOND_0230.replace(fold=0)) == []  # 00:30Z: before it
    # and 02:45 the first time is before 02:15 the second time
    assert rules(rec(SECOND_0215), FIRST_0245) == []
    assert rules(rec(SECOND_0215), SECOND_0230) == [rule]


def test_in_the_repeated_hour_consent_holds_from_its_instant() -> None:
    rec = Recipient(lists=(ListStatus(NL, "SUBSCRIBED", SECOND_0215, "CONSENT_WITH_NOTICE",
                                      "Newsletter", True),))
    assert [r.rule for r in decide_at(rec, NL, FIRST_0245).reasons] == ["marketing.no-basis"]
    assert decide_at(rec, NL, SECOND_0230)
    # withdrawn at 02:15 the second time: a send at 02:45 the first time had the consent
    off = Recipient(lists=(ListStatus(NL, "NOT_SUBSCRIBED", SECOND_0215, "CONSENT_WITH_NOTICE",
                                      "Newsletter", True),))
    assert decide_at(off, NL, FIRST_0245).basis == "consent"


def test_the_earliest_opt_out_is_the_earliest_instant() -> None:
    rec = Recipient(unsubscribed_all_at=FIRST_0245, objection=Objection(SECOND_0215, "DSR-2"))
    r = effective_opt_out(rec, NL, marketing_lists=MARKETING)
    assert r is not None and (r.how, r.since) == ("unsubscribe-all", FIRST_0245)


def test_in_the_repeated_hour_the_audits_planner_agrees() -> None:
    # the marketing lists' window of a service list: consent on the Newsletter from 00:45Z,
    # on Marketing Information from 01:15Z; a send at 00:50Z has the Newsletter's
    rec = Recipient(lists=(
        ListStatus(MI, "SUBSCRIBED", SECOND_0215, "CONSENT_WITH_NOTICE", "Marketing Information",
                   True),
        ListStatus(NL, "SUBSCRIBED", FIRST_0245, "CONSENT_WITH_NOTICE", "Newsletter", True)))
    send = FIRST_0245 + dt.timedelta(minutes=5)
    assert decide_at(rec, CS, send).basis == "consent"
    assert twin(rec, CS, send, False) == []
    off = Recipient(lists=tuple(ListStatus(s.subscription, "NOT_SUBSCRIBED", s.at, s.legal_basis,
                                           s.name, True) for s in rec.lists))
    assert [r.rule for r in decide_at(off, CS, SECOND_0230).reasons] == [
        "marketing.after-opt-out"]
    assert twin(off, CS, SECOND_0230, False) == ["marketing.after-opt-out"]
    assert decide_at(off, CS, send) and twin(off, CS, send, False) == []


def decide_at(rec: Recipient, sub: str, when: dt.datetime) -> MarketingDecision:
    return may_send_marketing(rec, subscription=sub, at=when, policy=POLICY,
                              marketing_lists=MARKETING)


# ------------------------------------------------------------------ several statuses on a list
def _nl(status: str, when: str | None, basis: str | None = "CONSENT_WITH_NOTICE") -> ListStatus:
    return ListStatus(NL, status, at(when) if when else None, basis, "Newsletter", True)  # type: ignore[arg-type]


SUB_2020 = _nl("SUBSCRIBED", "2020-01-01T00:00")
OFF_2023 = _nl("NOT_SUBSCRIBED", "2023-01-01T00:00")
RESUB_2024 = _nl("SUBSCRIBED", "2024-01-01T00:00")


@pytest.mark.parametrize(("statuses", "rules", "since"), [
    # subscribed, then unsubscribed: the opt-out is in force
    ((SUB_2020, OFF_2023), ["marketing.after-opt-out"], at("2023-01-01T00:00")),
    # unsubscribed, then subscribed again with consent: the consent is in force
    ((OFF_2023, RESUB_2024), [], None),
    # an untimed status is older than a timed one
    ((_nl("NOT_SPECIFIED", None, None), SUB_2020), [], None),
    # set at the same instant: the opt-out wins
    ((SUB_2020, _nl("NOT_SUBSCRIBED", "2020-01-01T00:00")), ["marketing.after-opt-out"],
     at("2020-01-01T00:00")),
])
def test_the_latest_status_on_a_list_decides_in_any_order(
        statuses: tuple[ListStatus, ...], rules: list[str], since: dt.datetime | None) -> None:
    for order in (statuses, statuses[::-1]):
        rec = Recipient(email="kari@firma.no", lists=order)
        d = decide(rec, NL, "2024-06-01T00:00")
        assert [r.rule for r in d.reasons] == rules, order
        assert [r.since for r in d.reasons] == ([since] if since else []), order
        assert twin(rec, NL, at("2024-06-01T00:00"), False) == rules
        assert {r for r, _ in audit_rules(rec, [("100", at("2024-06-01T00:00"))])} == set(rules)


def test_the_latest_status_of_each_marketing_list_decides_for_a_service_list() -> None:
    mi = (ListStatus(MI, "SUBSCRIBED", at("2020-01-01T00:00"), "CONSENT_WITH_NOTICE",
                     "Marketing Information", True),
          ListStatus(MI, "NOT_SUBSCRIBED", at("2023-03-01T00:00"), "CONSENT_WITH_NOTICE",
                     "Marketing Information", True))
    rec = Recipient(lists=(*mi, OFF_2023))
    [r] = decide(rec, CS, "2024-06-01T00:00").reasons
    assert (r.rule, r.since, r.how) == ("marketing.after-opt-out", at("2023-03-01T00:00"),
                                        "all-marketing-subscriptions")
    assert decide(rec, CS, "2023-02-01T00:00").basis == "consent"  # MI's consent still held
    assert latest_statuses(rec.lists) == (mi[1], OFF_2023)
    assert latest_statuses(CONSENTED) is CONSENTED  # one status a list: as given


def test_the_templates_cache_does_not_hide_which_status_is_in_force() -> None:
    # the same shape (list, status, basis, timed), the other status the latest
    from gdpr_policy.audit._verdicts import forget, quiet_plan, quiet_template

    li = "LEGITIMATE_INTEREST_PQL"
    older_consent = (SUB_2020, _nl("SUBSCRIBED", "2023-01-01T00:00", li))
    newer_consent = (RESUB_2024, _nl("SUBSCRIBED", "2023-01-01T00:00", li))
    forget()
    subs = [NL]
    for lists_, window in ((older_consent, (None, None)), (newer_consent, (None, RESUB_2024.at)),
                           (older_consent, (None, None))):
        assert quiet_plan(lists_, subs, MARKETING, (), CONSENT_BASES, False) == [(None, window)]
        assert quiet_template(lists_, subs, MARKETING, (), CONSENT_BASES) == (
            (-2,) if window == (None, None) else (0,))
    forget()


# ------------------------------------------------------------------ the twin
SUBS = [MI, NL, CS, "999", "Newsletter"]
statuses = st.sampled_from(["SUBSCRIBED", "NOT_SUBSCRIBED", "NOT_SPECIFIED"])
bases = st.sampled_from(["CONSENT_WITH_NOTICE", "LEGITIMATE_INTEREST_PQL", None])
#: instants in Oslo too, and often in the hour the clocks repeat (by quarter hours)
zoned = instants | instants.map(lambda t: t.astimezone(OSLO)) | st.integers(-4, 12).map(
    lambda q: (dt.datetime(2024, 10, 27, tzinfo=UTC) + dt.timedelta(minutes=15 * q)).astimezone(OSLO))


@st.composite
def recipients(draw: st.DrawFn, times: st.SearchStrategy[dt.datetime] = instants) -> Recipient:
    # up to three statuses a list (its history, in any order), times sometimes shared
    out = []
    for sid, name, mk in ((MI, "Marketing Information", True), (NL, "Newsletter", True),
                          (CS, "Customer Service Communication", False)):
        seen: list[dt.datetime] = []
        for _ in range(draw(st.sampled_from([0, 0, 1, 1, 2, 3]))):
            some = times | st.sampled_from(seen) if seen else times
            status = draw(statuses)
            when = draw(some) if status == "NOT_SUBSCRIBED" else draw(st.none() | some)
            if when is not None:
                seen.append(when)
            out.append(ListStatus(sid, status, when, draw(bases), name, mk))
    return Recipient(
        email=draw(st.sampled_from(["kari@firma.no", "post@firma.no"])),
        lists=tuple(out), unsubscribed_all_at=draw(st.none() | times),
        objection=draw(st.none() | times.map(lambda t: Objection(t, "DSR-1"))),
        deactivated_at=draw(st.none() | times), restricted_at=draw(st.none() | times),
        customer_exception=draw(st.booleans()), country=draw(st.sampled_from(["NO", "SE", None])))


def twin(rec: Recipient, sub: str, when: dt.datetime, enabled: bool) -> list[str]:
    [(o, win)] = slot_plan(rec, [sub], marketing_lists=MARKETING, consent_bases=CONSENT_BASES,
                           exception=rec.customer_exception and enabled)

    def reached(t: dt.datetime | None) -> bool:
        # as the audit compares them: as instants, in UTC
        return t is None or when.astimezone(UTC) >= t.astimezone(UTC)

    rules = []
    if o is not None and reached(o):
        rules.append("marketing.after-opt-out")
    elif win is not None and reached(win[0]) and (win[1] is None or not reached(win[1])):
        rules.append("marketing.no-basis")
    if rec.deactivated_at is not None and reached(rec.deactivated_at):
        rules.append("retention.deactivated-marketed")
    if rec.restricted_at is not None and reached(rec.restricted_at):
        rules.append("restriction.processed")
    return rules


@settings(max_examples=400)
@given(recipients(zoned), st.sampled_from(SUBS), zoned, st.booleans())
def test_the_twin_says_what_the_decision_says(
        rec: Recipient, sub: str, when: dt.datetime, enabled: bool) -> None:
    d = may_send_marketing(rec, subscription=sub, at=when, policy=_exception_policy(enabled),
                           marketing_lists=MARKETING)
    assert [r.rule for r in d.reasons] == twin(rec, sub, when, enabled)
    assert bool(d) is (d.reasons == ())


# ------------------------------------------------------------------ through the audit
CAMPAIGNS = [{"campaign_id": c, "name": "x", "sent_at": None, "subscription_id": int(s),
              "subscription_name": n, "purpose": "marketing"}
             for c, s, n in (("100", NL, "Newsletter"), ("300", CS, "Customer Service Communication"),
                             ("400", MI, "Marketing Information"))]
LIST_OF = {"100": NL, "300": CS, "400": MI}


def iso(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def audit_rules(rec: Recipient, sends: list[tuple[str, dt.datetime]]) -> set[tuple[str, str]]:
    """The audit's findings on ``rec``'s sends (campaign, instant in UTC): (rule, send id)."""
    props: dict[str, Any] = {"hs_object_id": "1", "email": rec.email,
                             "createdate": "2019-01-01T00:00:00.000Z",
                             "country": {"NO": "Norway", "SE": "Sweden", None: None}[rec.country]}
    if rec.deactivated_at is not None:
        props |= {"contact_status": "deactivated", "deactivated_date": iso(rec.deactivated_at)}
    if rec.restricted_at is not None:
        props |= {"processing_restricted": "true",
                  "processing_restricted_date": iso(rec.restricted_at)}
    props["sale"] = "true" if rec.customer_exception else "false"
    contact = json.dumps({"id": "1", "properties": props, "archived": False})
    sub_line = json.dumps({
        "recordId": "1", "subscriberIdString": rec.email,
        "results": [{"subscriptionId": int(s.subscription), "subscriptionName": s.name,
                     "status": s.status, "timestamp": iso(s.at) if s.at else None,
                     "legalBasis": s.legal_basis} for s in rec.lists],
        "wideStatuses": [{"status": "NOT_SUBSCRIBED", "timestamp": iso(rec.unsubscribed_all_at),
                          "wideStatusType": "PORTAL_WIDE"}] if rec.unsubscribed_all_at else []})
    send_lines = [json.dumps({"send_id": f"S{i}", "campaign_id": c, "subscription_id": int(LIST_OF[c]),
                              "purpose": "marketing", "record_id": "1", "email": rec.email,
                              "sent_at": iso(t), "status": "delivered"}) + "\n"
                  for i, (c, t) in enumerate(sends)]
    requests = [json.dumps({"request_id": "DSR-1", "type": "objection", "subject_email": rec.email,
                            "received_at": iso(rec.objection.at), "status": "fulfilled"}) + "\n"
                ] if rec.objection else []
    report = audit_snapshot(
        as_of=dt.date(2028, 1, 1), policy=POLICY,
        mapping=PortalMapping(customer_exception_properties=("sale",)),
        contacts=SnapshotInput("c.jsonl", [contact + "\n"]),
        subscriptions=SnapshotInput("s.jsonl", [sub_line + "\n"]),
        campaigns=SnapshotInput("camp.json", [json.dumps(CAMPAIGNS)]),
        sends=SnapshotInput("sends.jsonl", send_lines),
        requests=SnapshotInput("r.jsonl", requests))
    assert report.summary.rejected == 0
    return {(f.rule, sid) for f in report.findings
            for sid in f.evidence.get("send_ids", ())}  # type: ignore[union-attr]


@settings(max_examples=150, deadline=None)
@given(recipients(), st.lists(st.tuples(st.sampled_from(sorted(LIST_OF)), instants), max_size=8),
       st.booleans())
def test_the_audit_judges_every_send_as_the_decision_does(
        rec: Recipient, sends: list[tuple[str, dt.datetime]], in_order: bool) -> None:
    if in_order:  # a log in time order is judged by the verdict codes (Tables.advance)
        sends = sorted(sends, key=lambda x: x[1])
    got = audit_rules(rec, sends)
    expected = {(rule, f"S{i}") for i, (c, t) in enumerate(sends)
                for rule in twin(rec, LIST_OF[c], t, False)}
    assert got == expected
    for i, (c, t) in enumerate(sends):
        d = may_send_marketing(rec, subscription=LIST_OF[c], at=t, policy=POLICY,
                               marketing_lists=MARKETING)
        assert {r.rule for r in d.reasons} == {r for r, s in got if s == f"S{i}"}


@settings(max_examples=300)
@given(recipients(zoned))
def test_the_quiet_writer_writes_what_the_plan_says(rec: Recipient) -> None:
    # a person who never said no: the engine writes the tables straight from the template
    from gdpr_policy.audit._verdicts import Tables, quiet_plan, quiet_template

    lists = tuple(s for s in rec.lists if s.status != "NOT_SUBSCRIBED")
    subs = ["\x00other", "\x00other-marketing", MI, NL, CS]
    extra = frozenset({"\x00other-marketing"})
    by_plan, by_template = Tables(1, len(subs)), Tables(1, len(subs))
    for t in (by_plan, by_template):
        t.set_contact(1, rec.deactivated_at, rec.restricted_at)
    a = by_plan.set_plan(1, quiet_plan(lists, subs, MARKETING, extra, CONSENT_BASES, False))
    b = by_template.set_quiet(1, quiet_template(lists, subs, MARKETING, extra, CONSENT_BASES),
                              lists, CONSENT_BASES)
    assert a == b
    for name in ("o", "lo", "hi", "code", "events"):
        assert getattr(by_plan, name) == getattr(by_template, name), name


@settings(max_examples=300, deadline=None)
@given(recipients(zoned), st.lists(zoned, min_size=1, max_size=12), st.integers(0, 4))
def test_the_verdict_codes_say_what_the_thresholds_say(
        rec: Recipient, times: list[dt.datetime], j: int) -> None:
    # the codes move with time through the thresholds' events; at each instant of a log in
    # time order they equal the thresholds compared one by one (what an unordered log gets)
    from gdpr_policy.audit._verdicts import (
        DEACTIVATED,
        NEVER,
        NO_BASIS,
        OPTED_OUT,
        RESTRICTED,
        Tables,
    )

    subs = ["\x00other", "\x00other-marketing", MI, NL, CS]
    tables = Tables(2, len(subs))
    tables.set_contact(1, rec.deactivated_at, rec.restricted_at)
    tables.set_plan(1, slot_plan(rec, subs, marketing_lists=MARKETING,
                                 consent_bases=CONSENT_BASES, exception=False,
                                 marketing_subs=frozenset(subs[1:2])))
    texts = sorted(iso(t.astimezone(dt.UTC)) for t in times)
    for i, t in enumerate(texts):
        assert tables.advance(t, t, [1])
        want = (OPTED_OUT * (t >= tables.o[j][1]) | NO_BASIS * (tables.lo[j][1] <= t < tables.hi[j][1])
                | DEACTIVATED * (t >= tables.d[1]) | RESTRICTED * (t >= tables.r[1]))
        assert tables.code[j][1] == want, (t, i)
        assert tables.code[j][2] == 0  # a contact with no thresholds
    # the codes never move back: an earlier instant is left to the thresholds
    if texts[0] < texts[-1]:
        assert not tables.advance(texts[0], texts[0], [1])
    # a threshold of this contact within a run of sends: the thresholds judge that run
    inner = sorted({x for x in (tables.o[j][1], tables.lo[j][1], tables.hi[j][1], tables.d[1],
                                tables.r[1]) if x not in ("", NEVER)})
    if inner:
        fresh = Tables(2, len(subs))
        fresh.set_contact(1, rec.deactivated_at, rec.restricted_at)
        fresh.set_plan(1, slot_plan(rec, subs, marketing_lists=MARKETING,
                                    consent_bases=CONSENT_BASES, exception=False,
                                    marketing_subs=frozenset(subs[1:2])))
        before = "0000-01-01T00:00:00.000Z"
        assert not fresh.advance(before, inner[0][:23] + "Z", [1])
        assert fresh.advance(before, inner[0][:23] + "Z", [2])  # another contact: the codes hold


def test_a_list_named_as_a_number_or_padded_is_that_list_in_another_case_refused() -> None:
    # HubSpot's v4 API gives ids as numbers; a caller may write a name in another case.
    # Each misnamed list was judged a service list, which the other list's consent covered.
    out = ListStatus(NL, "NOT_SUBSCRIBED", at("2025-03-01T00:00"), "CONSENT_WITH_NOTICE",
                     "Newsletter")
    still = ListStatus(MI, "SUBSCRIBED", at("2024-01-01T00:00"), "CONSENT_WITH_NOTICE",
                       "Marketing Information", True)
    rec = Recipient(email="kari@firma.no", lists=(out, still))
    for sub in (NL, int(NL), f" {NL}\n", "Newsletter", "Newsletter "):
        d = may_send_marketing(rec, subscription=sub, at=at("2025-04-01T00:00"), policy=POLICY,  # type: ignore[arg-type]
                               marketing_lists=(int(NL),))
        assert [r.rule for r in d.reasons] == ["marketing.after-opt-out"], sub
    # the status's own id given as a number is the same list
    by_number = ListStatus(int(NL), "not_subscribed", at("2025-03-01T00:00"),  # type: ignore[arg-type]
                           "CONSENT_WITH_NOTICE", "Newsletter")
    assert (by_number.subscription, by_number.status) == (NL, "NOT_SUBSCRIBED")
    # a single list given as a text is that list, not its letters
    d = may_send_marketing(rec, subscription="Newsletter", at=at("2025-04-01T00:00"),
                           policy=POLICY, marketing_lists="Newsletter")  # type: ignore[arg-type]
    assert not d
    # a name in another case is refused, not guessed: the audit matches names as written,
    # and a service list (what an unknown name is) is covered by any marketing consent
    for sub in ("newsletter", "NEWSLETTER"):
        with pytest.raises(UsageError, match=r"did you mean 'Newsletter'\?"):
            may_send_marketing(rec, subscription=sub, at=at("2025-04-01T00:00"), policy=POLICY)
    with pytest.raises(UsageError, match=r"^marketing_lists: 'newsletter' names none"):
        may_send_marketing(rec, subscription=NL, at=at("2025-04-01T00:00"), policy=POLICY,
                           marketing_lists=("newsletter",))


@pytest.mark.parametrize(("build", "message"), [
    (lambda: Recipient(customer_exception="false"),  # type: ignore[arg-type]
     "Recipient.customer_exception: expected true or false, got 'false'"),
    (lambda: Recipient(objection=Objection(dt.datetime(2025, 5, 2))),
     "Objection.at: expected an aware date-time"),
    (lambda: Recipient(deactivated_at=dt.date(2025, 5, 2)),  # type: ignore[arg-type]
     "Recipient.deactivated_at: expected an aware date-time"),
    (lambda: Recipient(lists=({"subscription": NL},)),  # type: ignore[arg-type]
     "Recipient.lists: expected a tuple of ListStatus, got one holding dict"),
    (lambda: Recipient(lists=ListStatus(NL, "SUBSCRIBED")),  # type: ignore[arg-type]
     "Recipient.lists: expected a tuple of ListStatus, got ListStatus"),
    (lambda: Recipient(country="Norway"),
     "Recipient.country: expected an ISO 3166-1 alpha-2 code"),
    (lambda: ListStatus(NL, "UNSUBSCRIBED"),  # type: ignore[arg-type]
     "ListStatus.status: expected one of SUBSCRIBED, NOT_SUBSCRIBED, NOT_SPECIFIED"),
    (lambda: ListStatus(NL, "SUBSCRIBED", marketing="yes"),  # type: ignore[arg-type]
     "ListStatus.marketing: expected true or false"),
    (lambda: ListStatus("  ", "SUBSCRIBED"), "ListStatus.subscription: expected a list's id"),
])
def test_facts_a_service_builds_wrongly_are_refused_not_misread(build: Any, message: str) -> None:
    # "false" is truthy: it applied the existing-customer exception; a naive or a date
    # time crashed deep in a comparison
    with pytest.raises(UsageError, match="^" + re.escape(message)):
        build()


def test_facts_given_as_text_are_read_as_what_they_say() -> None:
    rec = Recipient(unsubscribed_all_at="2025-03-01T00:00+01:00", country="no",  # type: ignore[arg-type]
                    lists=[ListStatus(NL, "SUBSCRIBED", "2024-01-01T00:00Z",  # type: ignore[arg-type]
                                      "CONSENT_WITH_NOTICE", "Newsletter", True)])
    assert rec.country == "NO" and isinstance(rec.lists, tuple)
    assert rec.unsubscribed_all_at == dt.datetime(2025, 3, 1, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    d = may_send_marketing(rec, subscription=NL, at="2025-04-01T00:00Z", policy=POLICY)  # type: ignore[arg-type]
    assert [r.how for r in d.reasons] == ["unsubscribe-all"]


def test_the_decision_refuses_a_policy_or_a_naive_time_with_a_usage_error() -> None:
    rec = Recipient(lists=CONSENTED)
    with pytest.raises(UsageError, match=r"pass policy\.at"):
        may_send_marketing(rec, subscription=NL, at=at("2024-02-01T00:00"),
                           policy=bundled_policy())  # type: ignore[arg-type]
    with pytest.raises(UsageError, match=r"^at: expected an aware date-time"):
        may_send_marketing(rec, subscription=NL, at=dt.datetime(2024, 2, 1), policy=POLICY)
    with pytest.raises(UsageError, match=r"^recipient: expected a Recipient"):
        may_send_marketing({"email": "x"}, subscription=NL, at=at("2024-02-01T00:00"),  # type: ignore[arg-type]
                           policy=POLICY)
