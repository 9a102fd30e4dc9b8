"""Keys of the logs that the readers do not read, and the read key each most likely misspells."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from gdpr_policy._policy import bundled_policy
from gdpr_policy._rules import Severity
from gdpr_policy.audit import (
    DsrRequest,
    SnapshotInput,
    audit_snapshot,
    deadline_hook,
    read_requests,
)
from gdpr_policy.audit._logs import REQUEST_KEYS, SEND_KEYS, KeyHint, near_key
from gdpr_policy.audit._sends import _Send, scan_sends, send_key_hints
from gdpr_policy.i18n import render as render_message
from gdpr_policy.report._model import Report

from ._helpers import at, contact, request, run, send


@pytest.mark.parametrize(("key", "meant"), [
    ("subscriptionId", "subscription_id"),
    ("SubscriptionID", "subscription_id"),
    ("sent-at", "sent_at"),
    ("recordId", "record_id"),
    ("sendId", "send_id"),
])
def test_a_send_key_spelled_another_way_is_named(key: str, meant: str) -> None:
    assert near_key(key, SEND_KEYS) == meant


@pytest.mark.parametrize(("key", "meant"), [
    ("responded", "responded_at"),
    ("respondedAt", "responded_at"),
    ("extension_at", "extended_at"),
    ("identity_verified", "identity_verified_at"),
    ("subject_emial", "subject_email"),
    ("recieved_at", "received_at"),
    ("received_date", "received_at"),
])
def test_a_request_key_spelled_another_way_is_named(key: str, meant: str) -> None:
    assert near_key(key, REQUEST_KEYS) == meant


@pytest.mark.parametrize("key", ["campaign_name", "channel", "subscription_name", "id", "notes",
                                 "created_at", "updated_at", "responded_by",
                                 "hubspot_record_id", "email_address", "sendgrid_event"])
def test_an_exports_own_keys_get_no_hint(key: str) -> None:
    # real exports carry keys of their own: those stay tolerated, and unsaid
    assert near_key(key, SEND_KEYS) is None
    assert near_key(key, REQUEST_KEYS) is None


def test_the_plain_and_the_fast_reader_read_the_same_keys() -> None:
    assert set(_Send.__struct_fields__) == SEND_KEYS


def _send_line(**change: object) -> str:
    obj = json.loads(send("S1", "1", "a@x.no", at("2025-05-01T10:00")))
    sub = obj.pop("subscription_id")
    obj.update({"subscriptionId": sub, **change})
    return json.dumps(obj) + "\n"


def test_the_send_logs_first_line_is_looked_at_and_its_sends_still_read(tmp_path: Path) -> None:
    path = tmp_path / "email_sends.jsonl"
    path.write_text("\n" + _send_line() + send("S2", "1", "a@x.no", at("2025-05-02T10:00")),
                    encoding="utf-8")
    with path.open(encoding="utf-8") as fh:
        hints, lines = send_key_hints(fh, source="email_sends.jsonl")
        assert lines is fh and fh.tell() == 0  # peeked at, not read: the fast reader still reads it
        assert hints == [KeyHint("email_sends.jsonl", 2, "subscriptionId", "subscription_id")]
        assert str(hints[0]) == ("email_sends.jsonl:2: subscriptionId is not read: "
                                 "did you mean subscription_id?")
        batches = list(scan_sends(fh, source="email_sends.jsonl", campaigns={}))
    assert [sid for b in batches for sid in b.sids] == ["S1", "S2"]
    assert not [e for b in batches for e in b.errors]


@pytest.mark.parametrize("kind", ["list", "iterator", "bytes"])
def test_every_kind_of_lines_is_looked_at_and_given_back_whole(kind: str) -> None:
    text = ["\n", _send_line(), send("S2", "1", "a@x.no", at("2025-05-02T10:00"))]
    lines: Iterable[str]
    if kind == "list":
        lines = text
    elif kind == "iterator":
        lines = iter(text)
    else:
        lines = io.TextIOWrapper(io.BytesIO("".join(text).encode()), encoding="utf-8")
    hints, rest = send_key_hints(lines, source="s.jsonl")
    assert [(h.line, h.key, h.meant) for h in hints] == [(2, "subscriptionId", "subscription_id")]
    assert "".join(rest) == "".join(text)


def test_no_hint_when_the_read_key_is_on_the_line_or_the_line_is_broken() -> None:
    both = _send_line(subscription_id=1)
    assert send_key_hints([both], source="s.jsonl")[0] == []
    assert send_key_hints(["{not json\n"], source="s.jsonl")[0] == []
    assert send_key_hints([], source="s.jsonl")[0] == []
    # only the first line is looked at: the log is written by one tool
    later = [send("S0", "1", "a@x.no", at("2025-05-01T10:00")), _send_line()]
    assert send_key_hints(later, source="s.jsonl")[0] == []


def _rows(lines: Iterator[str]) -> Iterator[str]:
    yield from lines


def test_the_request_log_is_looked_at_on_every_line_and_each_key_said_once() -> None:
    good = json.loads(request("DSR-1", "access", "a@x.no", at("2025-03-03T09:00"),
                              responded=at("2025-03-20T09:00")))
    late = dict(good, request_id="DSR-2")
    late["extension_at"] = late.pop("extended_at")
    typo = dict(good, request_id="DSR-3")
    typo["respondedAt"] = typo.pop("responded_at")
    again = dict(typo, request_id="DSR-4")
    lines = [json.dumps(x) + "\n" for x in (good, late, typo, again)]
    hints: list[KeyHint] = []
    out = list(read_requests(_rows(iter(lines)), source="dsr_requests.jsonl", hints=hints))
    assert all(isinstance(r, DsrRequest) for r in out)  # no line is rejected for a key
    assert [str(h) for h in hints] == [
        "dsr_requests.jsonl:2: extension_at is not read: did you mean extended_at?",
        "dsr_requests.jsonl:3: respondedAt is not read: did you mean responded_at?",
    ]
    # without a list to collect them in, the reader reads as before
    assert len(list(read_requests(lines, source="dsr_requests.jsonl"))) == 4


# ------------------------------------------------------------------ in the report
def _key_warnings(rep: Report) -> list[tuple[str | None, int | None, object, object]]:
    return [(f.location.file, f.location.line, f.evidence["key"], f.evidence["meant"])
            for f in rep.findings if f.rule == "audit.key-not-read" and f.location is not None]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_misspelt_send_key_is_a_warning_in_the_report(tmp_path: Path, workers: int) -> None:
    path = tmp_path / "email_sends.jsonl"
    path.write_text(_send_line() + send("S2", "1", "a@x.no", at("2025-05-02T10:00")) * 3000,
                    encoding="utf-8")
    with path.open(encoding="utf-8") as fh:
        rep = audit_snapshot(
            as_of=dt.date(2025, 6, 30), policy=bundled_policy().at(dt.date(2025, 6, 30)),
            contacts=SnapshotInput("contacts_api.jsonl", [contact("1", "a@x.no")]),
            sends=SnapshotInput("email_sends.jsonl", fh), workers=workers)
    assert _key_warnings(rep) == [("email_sends.jsonl", 1, "subscriptionId", "subscription_id")]
    [f] = [f for f in rep.findings if f.rule == "audit.key-not-read"]
    assert f.severity == Severity.WARNING
    assert render_message(f.message, "en") == (
        "email_sends.jsonl: the key subscriptionId is not read; did you mean subscription_id?")
    [stats] = [i for i in rep.inputs if i.file == "email_sends.jsonl"]
    assert (stats.read, stats.rejected) == (3001, 0)  # read, none rejected for the key


def test_a_misspelt_request_key_is_a_warning_in_the_report() -> None:
    row = json.loads(request("DSR-1", "access", "a@x.no", at("2025-03-03T09:00"),
                             responded=at("2025-03-20T09:00")))
    row["responded"] = row.pop("responded_at")
    rep = run(contacts=[contact("1", "a@x.no")], requests=[json.dumps(row) + "\n"],
              request_hook=deadline_hook)
    assert _key_warnings(rep) == [("dsr_requests.jsonl", 1, "responded", "responded_at")]
    clean = run(contacts=[contact("1", "a@x.no")], requests=[request(
        "DSR-1", "access", "a@x.no", at("2025-03-03T09:00"), responded=at("2025-03-20T09:00"))],
        sends=[send("S1", "1", "a@x.no", at("2025-05-01T10:00"))], request_hook=deadline_hook)
    assert _key_warnings(clean) == []
