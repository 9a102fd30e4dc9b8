"""Readers of the subscription, campaign, request and send logs."""

from __future__ import annotations

import json

import pytest

from gdpr_policy import InputError, RecordError
from gdpr_policy.audit import (
    Campaign,
    DsrRequest,
    Send,
    SubscriptionRecord,
    read_campaigns,
    read_requests,
    read_sends,
    read_subscriptions,
)

from ._helpers import CAMPAIGNS, MI, at, request, send, subscription


def test_statuses_of_another_channel_are_left_out_alike_by_both_readers() -> None:
    # HubSpot keeps statuses per channel; a WhatsApp opt-out says nothing about e-mail.
    # The plain reader and the fast one (msgspec) leave the same statuses out.
    from gdpr_policy.audit import PortalMapping
    from gdpr_policy.audit._subs import facts_of, scan_subscriptions

    def status(channel: object, sid: int, state: str) -> dict[str, object]:
        return {"channel": channel, "subscriptionId": sid, "subscriptionName": "n",
                "status": state, "timestamp": "2024-01-01T00:00:00.000Z",
                "legalBasis": "CONSENT_WITH_NOTICE"}

    line = json.dumps({"recordId": "1", "results": [
        status("WHATSAPP", MI, "NOT_SUBSCRIBED"), status("EMAIL", MI, "SUBSCRIBED"),
        status("email", 2, "SUBSCRIBED"), status(None, 3, "SUBSCRIBED"),
        status(" whatsapp ", 4, "MAYBE"),  # not judged, so not rejected either
        status(5, 6, "NOT_SUBSCRIBED")],
        "wideStatuses": [{"channel": "WHATSAPP", "status": "NOT_SUBSCRIBED",
                          "timestamp": "2024-02-01T00:00:00.000Z"}]}) + "\n"
    [rec] = list(read_subscriptions([line], source="s.jsonl"))
    assert not isinstance(rec, RecordError)
    assert [(x.subscription_id, x.status) for x in rec.statuses] == [
        (str(MI), "SUBSCRIBED"), ("2", "SUBSCRIBED"), ("3", "SUBSCRIBED")]
    assert rec.wide == ()
    [fast] = list(scan_subscriptions([line], source="s.jsonl", mapping=PortalMapping()))
    assert fast == facts_of(rec, PortalMapping())
    assert fast.unsubscribed_all_at is None and not fast.said_no  # type: ignore[union-attr]
    # a channel that is no text is a bad line, in both
    bad = line.replace('"channel": 5', '"channel": true')
    [err] = list(read_subscriptions([bad], source="s.jsonl"))
    assert isinstance(err, RecordError) and "results[5].channel" in str(err)
    assert str(next(scan_subscriptions([bad], source="s.jsonl",
                                       mapping=PortalMapping()))) == str(err)


def test_subscriptions_read_statuses_and_unsubscribe_all() -> None:
    [s] = list(read_subscriptions([subscription("1", "A@x.no", unsub_all=at("2024-01-01T00:00"),
                                                off={MI: at("2023-01-01T00:00")})],
                                  source="subs.jsonl"))
    assert isinstance(s, SubscriptionRecord)
    assert s.record_id == "1" and s.subscriber == "a@x.no"
    assert [x.status for x in s.statuses] == ["NOT_SUBSCRIBED", "SUBSCRIBED", "SUBSCRIBED"]
    assert s.wide[0].timestamp == at("2024-01-01T00:00")


@pytest.mark.parametrize(("line", "field"), [
    ('{"recordId": "1", "results": [{"subscriptionId": 1, "status": "MAYBE"}]}', "results[0].status"),
    ('{"recordId": "1", "results": [{"subscriptionId": 1, "status": "NOT_SUBSCRIBED"}]}',
     "results[0].timestamp"),
    ('{"results": []}', "recordId"),
    ('{"recordId": "1", "wideStatuses": [{"status": "NOT_SUBSCRIBED", "timestamp": "x"}]}',
     "wideStatuses[0].timestamp"),
    ('[1]', ""),
])
def test_bad_subscription_lines_are_located(line: str, field: str) -> None:
    out = list(read_subscriptions(["\n", line + "\n"], source="subs.jsonl"))
    [err] = out
    assert isinstance(err, RecordError)
    assert err.issues[0].line == 2 and err.issues[0].path == field


def test_campaigns_as_array_or_lines() -> None:
    arr = json.dumps([*CAMPAIGNS, {"campaign_id": "9", "purpose": "promo"}], indent=1)
    out = list(read_campaigns(arr.splitlines(keepends=True), source="c.json"))
    assert [type(x) for x in out] == [Campaign, Campaign, Campaign, Campaign, RecordError]
    assert isinstance(out[4], RecordError) and out[4].issues[0].pointer == "/4/purpose"
    lines = [json.dumps(c) + "\n" for c in CAMPAIGNS]
    assert [c.campaign_id for c in read_campaigns(lines, source="c.jsonl")] == ["100", "200", "300", "400"]  # type: ignore[union-attr]
    with pytest.raises(InputError):
        list(read_campaigns(["[{"], source="c.json"))


def test_requests() -> None:
    good = request("DSR-1", "erasure", "A@X.no", at("2025-01-01T10:00"))
    bad_type = good.replace('"erasure"', '"deletion"')
    naive = good.replace('"2025-01-01T10:00:00.000Z"', '"2025-01-01T10:00:00"')
    out = list(read_requests([good, bad_type, naive, "{"], source="dsr.jsonl"))
    assert isinstance(out[0], DsrRequest) and out[0].subject_email == "a@x.no"
    assert out[0].line == 1 and out[0].received_at == at("2025-01-01T10:00")
    assert [e.issues[0].path for e in out[1:]] == ["type", "received_at", ""]  # type: ignore[union-attr]


def test_send_reader_checks() -> None:
    lines = [send("S1", "1", "a@x.no", at("2024-01-01T00:00")),
             send("S2", None, None, at("2024-01-01T00:00")),
             send("S3", "1", None, at("2024-01-01T00:00"), campaign="100", purpose=None),
             send("S4", "1", None, at("2024-01-01T00:00"), campaign="404", purpose=None)]
    out = list(read_sends(lines, source="s.jsonl", campaigns={"100"}))
    assert [type(x).__name__ for x in out] == ["Send", "RecordError", "Send", "RecordError"]
    assert isinstance(out[0], Send) and out[0].sent_at == at("2024-01-01T00:00")
