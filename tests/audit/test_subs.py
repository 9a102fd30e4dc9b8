"""The audit's subscription reader says what the plain reader's records say, error for error."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from gdpr_policy import RecordError
from gdpr_policy.audit import PortalMapping, SubscriptionRecord, read_subscriptions
from gdpr_policy.audit._subs import SubscriptionFacts, facts_of, scan_subscriptions
from gdpr_policy.marketing import ListStatus
from strategies.audit import instants, iso

from ._helpers import CS, MI, NL, at, subscription

MAPPING = PortalMapping()

stamps = instants.map(iso) | st.sampled_from(
    ["", "x", "1704103200000", "2024-01-01T10:00:00+02:00", "2024-02-30T10:00:00.000Z"]) | st.none()
ids = st.sampled_from([MI, NL, CS, 201843120, "201843117", " Newsletter ", None, True, 1.5])
names = st.sampled_from(["Marketing Information", "Newsletter", " Newsletter", "One to One", "",
                         None, 5])


#: e-mail, another channel (left out), or a channel that is no text (a bad line)
_channels = st.sampled_from(["EMAIL", "EMAIL", " email ", "WHATSAPP", None, 5, True, ""])


@st.composite
def statuses(draw: st.DrawFn) -> dict[str, Any]:
    out = {"channel": draw(_channels), "subscriptionId": draw(ids), "subscriptionName": draw(names),
           "status": draw(st.sampled_from(["SUBSCRIBED", "NOT_SUBSCRIBED", "NOT_SPECIFIED",
                                           "MAYBE", None])),
           "timestamp": draw(stamps),
           "legalBasis": draw(st.sampled_from(["CONSENT_WITH_NOTICE", " CONSENT_WITH_NOTICE ",
                                               "LEGITIMATE_INTEREST_PQL", None]))}
    if draw(st.booleans()):
        del out[draw(st.sampled_from(sorted(out)))]
    return out


@st.composite
def lines(draw: st.DrawFn) -> str:
    wide = draw(st.lists(st.fixed_dictionaries({
        "status": st.sampled_from(["NOT_SUBSCRIBED", "SUBSCRIBED", " NOT_SUBSCRIBED", None, 3]),
        "timestamp": stamps, "wideStatusType": st.sampled_from(["PORTAL_WIDE", None]),
        "channel": _channels}),
        max_size=2))
    obj: dict[str, Any] = {
        "subscriberIdString": draw(st.sampled_from(["A@x.no ", "", None, 7])),
        "recordId": draw(st.sampled_from(["1", " 2 ", "", None, 3, False])),
        "status": "COMPLETE",
        "results": draw(st.lists(statuses(), max_size=4) | st.sampled_from([None, False, {}])),
        "wideStatuses": wide if draw(st.booleans()) else draw(st.sampled_from([None, [], 0])),
    }
    text = json.dumps(obj)
    kind = draw(st.sampled_from(["plain", "plain", "truncated", "list", "blank"]))
    if kind == "truncated":
        text = text[:-2]
    elif kind == "list":
        text = "[" + text + "]"
    elif kind == "blank":
        text = " "
    return text + "\n"


def reference(text: list[str]) -> list[SubscriptionFacts | str]:
    out: list[SubscriptionFacts | str] = []
    for s in read_subscriptions(text, source="subs.jsonl"):
        if isinstance(s, RecordError):
            out.append(str(s))
            continue
        assert isinstance(s, SubscriptionRecord)
        out.append(facts_of(s, MAPPING))
    return out


@settings(max_examples=300)
@given(st.lists(lines(), max_size=20))
def test_facts_and_errors_are_the_plain_readers(text: list[str]) -> None:
    got = [str(x) if isinstance(x, RecordError) else x
           for x in scan_subscriptions(text, source="subs.jsonl", mapping=MAPPING)]
    assert got == reference(text)


def test_each_list_keeps_its_status_time_basis_and_kind() -> None:
    t = at("2024-03-01T10:00")
    line = subscription("1", "a@x.no", unsub_all=t, off={NL: at("2024-02-01T10:00")}, consent=True)
    [f] = scan_subscriptions([line], source="subs.jsonl", mapping=MAPPING)
    assert isinstance(f, SubscriptionFacts)
    assert f.unsubscribed_all_at == t
    assert f.lists == (
        ListStatus(str(MI), "SUBSCRIBED", at("2020-01-01T00:00"), "CONSENT_WITH_NOTICE",
                   "Marketing Information", True),
        ListStatus(str(NL), "NOT_SUBSCRIBED", at("2024-02-01T10:00"), "CONSENT_WITH_NOTICE",
                   "Newsletter", True),
        ListStatus(str(CS), "SUBSCRIBED", at("2020-01-01T00:00"), "CONSENT_WITH_NOTICE",
                   "Customer Service Communication", False))
    assert [f] == reference([line])


def test_the_earliest_unsubscribe_all_counts() -> None:
    early, late = at("2024-01-01T00:00"), at("2024-05-01T00:00")
    obj = json.loads(subscription("1", "a@x.no", unsub_all=late))
    obj["wideStatuses"].append({**obj["wideStatuses"][0], "timestamp": "2024-01-01T00:00:00.000Z"})
    [f] = scan_subscriptions([json.dumps(obj) + "\n"], source="s", mapping=MAPPING)
    assert isinstance(f, SubscriptionFacts) and f.unsubscribed_all_at == early


def test_a_lists_several_statuses_are_kept_and_their_times_say_which_is_in_force() -> None:
    # the reader keeps a list's history as given; the shape it hands the planner leaves the
    # times out, so the planner's cached template must not decide between the statuses
    from gdpr_policy.audit._verdicts import forget, quiet_template
    from gdpr_policy.marketing import CONSENT_BASES

    def facts(consent_at: str) -> SubscriptionFacts:
        obj = json.loads(subscription("1", "a@x.no", consent=[NL]))
        obj["results"][1]["timestamp"] = consent_at
        obj["results"].append({**obj["results"][1], "timestamp": "2022-01-01T00:00:00.000Z",
                               "legalBasis": "LEGITIMATE_INTEREST_PQL"})
        [f] = scan_subscriptions([json.dumps(obj) + "\n"], source="s", mapping=MAPPING)
        assert isinstance(f, SubscriptionFacts) and [f] == reference([json.dumps(obj) + "\n"])
        return f

    older, newer = facts("2020-01-01T00:00:00.000Z"), facts("2024-01-01T00:00:00.000Z")
    assert [s.subscription for s in older.lists] == [str(MI), str(NL), str(CS), str(NL)]
    assert older.shape == newer.shape
    marketing = frozenset(MAPPING.marketing_subscriptions)
    forget()
    # the consent is older than the other basis: no consent in force; else consent from 2024
    for f, want in ((older, (-2,)), (newer, (1,)), (older, (-2,))):
        assert quiet_template(f.lists, [str(NL)], marketing, (), CONSENT_BASES, f.shape) == want
    forget()
