"""Builders of hand-made snapshot records and a one-call audit for the tests."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from gdpr_policy._policy import Policy, bundled_policy
from gdpr_policy.audit import SnapshotInput, audit_snapshot
from gdpr_policy.report._model import Report

DATA = Path(__file__).resolve().parents[1] / "data" / "audit"
UTC = dt.UTC
MI, NL, CS = 201843117, 201843118, 201843119


def iso(t: dt.datetime) -> str:
    """The generator's instant format: UTC with milliseconds."""
    t = t.astimezone(UTC)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def at(text: str) -> dt.datetime:
    """An aware UTC instant from ``2025-01-02T03:04`` (seconds optional)."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def contact(rid: str, email: str, *, archived: bool = False, **props: Any) -> str:
    """One line of ``contacts_api.jsonl``; datetimes become ISO text, bools 'true'/'false'.

    The record has an (empty) activity column, as a real dump of the audit's
    properties does: without one, inactivity is not judged at all.
    """
    p: dict[str, Any] = {"hs_object_id": rid, "email": email,
                         "createdate": iso(at("2020-01-01T00:00")),
                         "hs_email_last_open_date": None,
                         "hs_legal_basis": "Freely given consent from contact",
                         "contact_status": "active"}
    for k, v in props.items():
        if isinstance(v, dt.datetime):
            v = iso(v)
        elif isinstance(v, bool):
            v = "true" if v else "false"
        p[k] = v
    obj: dict[str, Any] = {"id": rid, "properties": p, "createdAt": p["createdate"],
                           "archived": archived}
    if archived:
        obj["archivedAt"] = iso(at("2025-01-10T10:00"))
    return json.dumps(obj, ensure_ascii=False) + "\n"


def subscription(rid: str, email: str, *, unsub_all: dt.datetime | None = None,
                 off: dict[int, dt.datetime] | None = None,
                 consent: bool | Iterable[int] = False,
                 since: dt.datetime | None = None,
                 unspecified: Iterable[int] = ()) -> str:
    """One line of ``subscriptions.jsonl``: every type subscribed (``since``, default
    2020-01-01) except those in ``off`` and ``unspecified``; ``consent`` is the basis of all
    lists (``True``) or of the lists named."""
    off = off or {}
    with_consent = {MI, NL, CS} if consent is True else set(consent or ())
    res = []
    for sid, name in ((MI, "Marketing Information"), (NL, "Newsletter"),
                      (CS, "Customer Service Communication")):
        t = off.get(sid)
        status = "NOT_SUBSCRIBED" if t else "SUBSCRIBED"
        if sid in set(unspecified):
            res.append({"channel": "EMAIL", "subscriptionId": sid, "subscriptionName": name,
                        "status": "NOT_SPECIFIED", "source": None, "timestamp": None,
                        "subscriberIdString": email})
            continue
        res.append({"channel": "EMAIL", "subscriptionId": sid, "subscriptionName": name,
                    "status": status, "source": None,
                    "timestamp": iso(t or since or at("2020-01-01T00:00")),
                    "legalBasis": "CONSENT_WITH_NOTICE" if sid in with_consent
                    else "LEGITIMATE_INTEREST_PQL",
                    "subscriberIdString": email})
    wide = ([{"channel": "EMAIL", "wideStatusType": "PORTAL_WIDE", "status": "NOT_SUBSCRIBED",
              "subscriberIdString": email, "timestamp": iso(unsub_all)}] if unsub_all else [])
    return json.dumps({"subscriberIdString": email, "recordId": rid, "status": "COMPLETE",
                       "results": res, "wideStatuses": wide}) + "\n"


CAMPAIGNS = [
    {"campaign_id": "100", "name": "Nyhetsbrev", "sent_at": "2024-01-05T07:00:00.000Z",
     "subscription_id": NL, "subscription_name": "Newsletter", "purpose": "marketing"},
    {"campaign_id": "200", "name": "Vilkår", "sent_at": "2024-01-11T09:00:00.000Z",
     "subscription_id": CS, "subscription_name": "Customer Service Communication",
     "purpose": "administrative"},
    {"campaign_id": "300", "name": "Kundetilbud", "sent_at": "2024-11-24T10:00:00.000Z",
     "subscription_id": CS, "subscription_name": "Customer Service Communication",
     "purpose": "marketing"},
    {"campaign_id": "400", "name": "Markedsinformasjon", "sent_at": "2024-02-05T07:00:00.000Z",
     "subscription_id": MI, "subscription_name": "Marketing Information", "purpose": "marketing"},
]


def send(sid: str, rid: str | None, email: str | None, when: dt.datetime, *,
         campaign: str | None = "100", purpose: str | None = "marketing",
         status: str = "delivered", subscription_id: int | None = NL) -> str:
    """One line of ``email_sends.jsonl`` in the generator's key order (campaign 100 goes out
    under the Newsletter, 200 and 300 under Customer Service, 400 under Marketing Information)."""
    return json.dumps({"send_id": sid, "campaign_id": campaign, "campaign_name": "x",
                       "subscription_id": subscription_id, "purpose": purpose,
                       "channel": "marketing_email",
                       "record_id": rid, "email": email, "sent_at": iso(when),
                       "status": status}, ensure_ascii=False) + "\n"


def request(rid: str, typ: str, email: str, received: dt.datetime, *, status: str = "fulfilled",
            responded: dt.datetime | None = None, record_id: str | None = None) -> str:
    """One line of ``dsr_requests.jsonl``."""
    return json.dumps({"request_id": rid, "type": typ, "regime": "gdpr", "channel": "email",
                       "subject_email": email, "subject_name": "Kari Nordmann",
                       "hubspot_record_id": record_id, "received_at": iso(received),
                       "identity_verified_at": None, "extended_at": None,
                       "extension_reason": None,
                       "responded_at": iso(responded) if responded else None, "status": status,
                       "outcome": None, "denial_reason": None, "handled_by": "dpo"}) + "\n"


def run(
    *,
    as_of: dt.date | dt.datetime = dt.date(2025, 6, 30),
    contacts: Iterable[str] | None = None,
    contacts_name: str = "contacts_api.jsonl",
    subscriptions: Iterable[str] | None = None,
    sends: Iterable[str] | None = None,
    requests: Iterable[str] | None = None,
    campaigns: list[dict[str, Any]] | None = None,
    policy: Policy | None = None,
    **kw: Any,
) -> Report:
    """Audit hand-made lines with the bundled policy (or ``policy``)."""
    day = as_of if not isinstance(as_of, dt.datetime) else as_of.date()
    version = (policy or bundled_policy()).at(day)

    def inp(name: str, lines: Iterable[str] | None) -> SnapshotInput | None:
        return None if lines is None else SnapshotInput(name, list(lines))

    camp = json.dumps(CAMPAIGNS if campaigns is None else campaigns)
    return audit_snapshot(
        as_of=as_of, policy=version, contacts=inp(contacts_name, contacts),
        subscriptions=inp("subscriptions.jsonl", subscriptions),
        campaigns=SnapshotInput("email_campaigns.json", [camp]),
        sends=inp("email_sends.jsonl", sends), requests=inp("dsr_requests.jsonl", requests),
        **kw)


def by_rule(report: Report, rule_id: str) -> list[Any]:
    """The findings of one rule."""
    return [f for f in report.findings if f.rule == rule_id]


def fixture_lines(directory: Path, name: str) -> Iterator[str]:
    """The lines of a committed fixture file (stored gzipped)."""
    path = directory / (name + ".gz")
    with gzip.open(path, "rt", encoding="utf-8",
                   newline="" if name.endswith(".csv") else None) as fh:
        yield from fh
