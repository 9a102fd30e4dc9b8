"""Fast synthetic snapshot generator for benchmarks (same file shapes as gen_snapshot.py).

    python benchmarks/gen_large.py --contacts 100000 --out /tmp/big [--seed 1] [--as-of 2025-06-30]

Writes contacts_api.jsonl, subscriptions.jsonl (with each status's legal
basis, from the contact's: most contacts consented), email_campaigns.json,
email_sends.jsonl (about 20 sends per contact) and dsr_requests.jsonl in the
line shapes of the shared generator, with a similar mix of active, inactive,
bounced, opted-out and restricted contacts. It has no ground truth: it exists
to measure speed and memory, so lines are written from templates instead of
``json.dumps`` (the values need no escaping).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from pathlib import Path

UTC = dt.UTC
SUBS = [(201843117, "Marketing Information"), (201843118, "Newsletter"),
        (201843119, "Customer Service Communication"), (201843120, "One to One")]
BASES = ["Legitimate interest – prospect/lead", "Freely given consent from contact",
         "Legitimate interest – existing customer", "Performance of a contract", ""]
#: about as often as in the shared generator: most contacts consented
BASIS_WEIGHTS = [15, 60, 10, 10, 5]
#: the subscription legal basis each contact basis is recorded with (as the shared generator)
SUB_BASIS = {"Freely given consent from contact": "CONSENT_WITH_NOTICE",
             "Legitimate interest – prospect/lead": "LEGITIMATE_INTEREST_PQL",
             "Legitimate interest – existing customer": "LEGITIMATE_INTEREST_CLIENT",
             "Performance of a contract": "PERFORMANCE_OF_CONTRACT",
             "": "LEGITIMATE_INTEREST_OTHER"}


def iso(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def q(v: str | None) -> str:
    return "null" if v is None else f'"{v}"'


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--contacts", type=int, default=100_000)
    ap.add_argument("--sends-per-contact", type=float, default=17.5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--as-of", default="2025-06-30")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    r = random.Random(a.seed)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    as_of = dt.datetime.fromisoformat(a.as_of).replace(tzinfo=UTC)
    start = as_of - dt.timedelta(days=730)
    span = 730 * 86400

    # campaigns: enough of them that the expected send count is reached
    camps = []
    n_camps = 60
    for i in range(n_camps):
        t = start + dt.timedelta(seconds=int(span * (i + 0.5) / n_camps), milliseconds=r.randrange(1000))
        if i % 12 == 10:
            sub, purpose = SUBS[2], "marketing"
        elif i % 4 == 3:
            sub, purpose = SUBS[2], "administrative"
        else:
            sub, purpose = SUBS[i % 2], "marketing"
        camps.append({"campaign_id": str(310000000 + 37 * i), "name": f"Kampanje {i}",
                      "sent_at": t, "subscription_id": sub[0], "subscription_name": sub[1],
                      "purpose": purpose})
    (out / "email_campaigns.json").write_text(json.dumps(
        [dict(c, sent_at=iso(c["sent_at"])) for c in camps], ensure_ascii=False, indent=1),
        encoding="utf-8")
    share = min(1.0, a.sends_per_contact / n_camps * 1.15)

    contacts = []
    rid = 30100000000
    for i in range(a.contacts):
        rid += r.randrange(1, 60)
        created = start - dt.timedelta(days=r.randrange(0, 1500))
        kind = r.random()
        c = {"id": str(rid), "email": f"person{i}@firma{i % 977}.no", "created": created,
             "basis": r.choices(BASES, BASIS_WEIGHTS)[0], "archived": r.random() < 0.002, "kind": kind,
             "optout": None, "restricted": None, "bounce": None, "deactivated": False}
        if kind < 0.12:
            c["optout"] = start + dt.timedelta(seconds=r.randrange(span))
        elif kind < 0.13:
            c["restricted"] = start + dt.timedelta(seconds=r.randrange(span))
        elif kind < 0.17:
            c["bounce"] = "UNKNOWN_USER"
        elif kind < 0.28:
            c["deactivated"] = start + dt.timedelta(seconds=r.randrange(span))
        last = None if 0.17 <= kind < 0.35 else as_of - dt.timedelta(seconds=r.randrange(span))
        c["last"] = last
        contacts.append(c)

    with (out / "contacts_api.jsonl").open("w", encoding="utf-8") as f:
        for c in contacts:
            p = {"hs_object_id": c["id"], "email": c["email"], "firstname": "Kari", "lastname": "Nordmann",
                 "createdate": iso(c["created"]), "lastmodifieddate": iso(as_of - dt.timedelta(days=3)),
                 "notes_last_updated": None, "hs_analytics_last_visit_timestamp": iso(c["last"]) if c["last"] else None,
                 "hs_email_last_open_date": None, "hs_email_hard_bounce_reason_enum": c["bounce"],
                 "hs_email_optout": "true" if c["optout"] else None,
                 "lifecyclestage": "customer" if "customer" in c["basis"] or "contract" in c["basis"] else "lead",
                 "hs_legal_basis": c["basis"] or None,
                 "contact_status": "deactivated" if c["deactivated"] else "active",
                 "deactivated_date": iso(c["deactivated"]) if c["deactivated"] else None,
                 "processing_restricted": "true" if c["restricted"] else None,
                 "processing_restricted_date": iso(c["restricted"]) if c["restricted"] else None}
            o = {"id": c["id"], "properties": p, "createdAt": p["createdate"],
                 "updatedAt": p["lastmodifieddate"], "archived": c["archived"]}
            if c["archived"]:
                o["archivedAt"] = iso(as_of - dt.timedelta(days=10))
            f.write(json.dumps(o, ensure_ascii=False) + "\n")

    with (out / "subscriptions.jsonl").open("w", encoding="utf-8") as f:
        for c in contacts:
            res = []
            for sid, name in SUBS:
                st, ts = ("SUBSCRIBED", iso(c["created"])) if sid != 201843120 else ("NOT_SPECIFIED", None)
                basis = f'"legalBasis": "{SUB_BASIS[c["basis"]]}", ' if st != "NOT_SPECIFIED" else ""
                res.append(f'{{"channel": "EMAIL", "subscriptionId": {sid}, "subscriptionName": "{name}", '
                           f'"status": "{st}", "source": null, "timestamp": {q(ts)}, {basis}'
                           f'"subscriberIdString": "{c["email"]}"}}')
            wide = ""
            if c["optout"]:
                wide = (f'{{"channel": "EMAIL", "wideStatusType": "PORTAL_WIDE", "status": "NOT_SUBSCRIBED", '
                        f'"subscriberIdString": "{c["email"]}", "timestamp": "{iso(c["optout"])}"}}')
            f.write(f'{{"subscriberIdString": "{c["email"]}", "recordId": "{c["id"]}", "status": "COMPLETE", '
                    f'"results": [{", ".join(res)}], "wideStatuses": [{wide}]}}\n')

    n = 0
    rnd = r.random
    with (out / "email_sends.jsonl").open("w", encoding="utf-8", buffering=1 << 20) as f:
        for cp in camps:
            pre = (f'", "campaign_id": "{cp["campaign_id"]}", "campaign_name": "{cp["name"]}", '
                   f'"subscription_id": {cp["subscription_id"]}, "purpose": "{cp["purpose"]}", '
                   f'"channel": "marketing_email", "record_id": "')
            at = iso(cp["sent_at"])
            lines = []
            for c in contacts:
                if rnd() > share or c["created"] > cp["sent_at"]:
                    continue
                n += 1
                status = "hard_bounce" if c["bounce"] and rnd() < 0.05 else "delivered"
                lines.append(f'{{"send_id": "S{n:08d}{pre}{c["id"]}", "email": "{c["email"]}", '
                             f'"sent_at": "{at}", "status": "{status}"}}\n')
            f.writelines(lines)

    with (out / "dsr_requests.jsonl").open("w", encoding="utf-8") as f:
        for i, c in enumerate(r.sample(contacts, max(10, a.contacts // 200))):
            rec = as_of - dt.timedelta(days=r.randrange(10, 400))
            typ = r.choice(["access", "erasure", "objection", "rectification", "portability"])
            resp = rec + dt.timedelta(days=r.randrange(1, 45))
            f.write(json.dumps({
                "request_id": f"DSR-{rec.year}-{i:05d}", "type": typ, "regime": "gdpr",
                "channel": "email", "subject_email": c["email"], "subject_name": "Kari Nordmann",
                "hubspot_record_id": c["id"], "received_at": iso(rec), "identity_verified_at": None,
                "extended_at": None, "extension_reason": None,
                "responded_at": iso(resp) if resp < as_of else None,
                "status": "fulfilled" if resp < as_of else "in_progress",
                "outcome": None, "denial_reason": None, "handled_by": "personvern@selskapet.no"},
                ensure_ascii=False) + "\n")
    print(json.dumps({"contacts": len(contacts), "sends": n, "out": str(out)}))


if __name__ == "__main__":
    main()
