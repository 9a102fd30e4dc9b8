"""The audit's subscription reader says what the plain reader's records say, error for error."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from gdpr_policy import RecordError
from gdpr_policy.audit import PortalMapping, SubscriptionRecord, read_subscriptions
from gdpr_policy.audit._subs import SubscriptionFacts, opt_out_of, scan_subscriptions
from strategies.audit import instants, iso

from ._helpers import CS, MI, NL, at, subscription

MAPPING = PortalMapping()

stamps = instants.map(iso) | st.sampled_from(
    ["", "x", "1704103200000", "2024-01-01T10:00:00+02:00", "2024-02-30T10:00:00.000Z"]) | st.none()
ids = st.sampled_from([MI, NL, CS, 201843120, "201843117", " Newsletter ", None, True, 1.5])
names = st.sampled_from(["Marketing Information", "Newsletter", " Newsletter", "One to One", "",
                         None, 5])


@st.composite
def statuses(draw: st.DrawFn) -> dict[str, Any]:
    out = {"channel": "EMAIL", "subscriptionId": draw(ids), "subscriptionName": draw(names),
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
        "timestamp": stamps, "wideStatusType": st.sampled_from(["PORTAL_WIDE", None])}),
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
        consent = any(x.legal_basis in MAPPING.consent_subscription_bases
                      and x.status != "NOT_SPECIFIED" for x in s.statuses)
        out.append(SubscriptionFacts(s.record_id, s.subscriber, opt_out_of(s, MAPPING), consent))
    return out


@settings(max_examples=300)
@given(st.lists(lines(), max_size=20))
def test_facts_and_errors_are_the_plain_readers(text: list[str]) -> None:
    got = [str(x) if isinstance(x, RecordError) else x
           for x in scan_subscriptions(text, source="subs.jsonl", mapping=MAPPING)]
    assert got == reference(text)


def test_earliest_opt_out_wins_and_unsubscribe_all_is_first_among_equals() -> None:
    t = at("2024-03-01T10:00")
    line = subscription("1", "a@x.no", unsub_all=t, off={MI: t, NL: at("2024-02-01T10:00")})
    [f] = scan_subscriptions([line], source="subs.jsonl", mapping=MAPPING)
    assert isinstance(f, SubscriptionFacts)
    assert f.opt_out is not None and (f.opt_out.at, f.opt_out.how) == (t, "unsubscribe-all")
    assert [f] == reference([line])


def test_consent_needs_a_status_that_is_specified() -> None:
    [f] = scan_subscriptions([subscription("1", "a@x.no", consent=True)], source="s",
                             mapping=MAPPING)
    assert isinstance(f, SubscriptionFacts) and f.consent and f.opt_out is None
