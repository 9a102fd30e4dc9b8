"""The audit agrees exactly with the snapshot generator's ground truth.

Fixtures in tests/data/audit/ were made with the shared ``gen_snapshot.py``
(several seeds, as-of dates and every CSV formatting option it has: zones
Europe/Oslo, Europe/Stockholm and UTC; ISO, US 12-hour, day-first and dotted
date formats; yes/no and true/false booleans; with and without a BOM), and are
committed with the generator's ``ground_truth.csv``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from gdpr_policy._policy import bundled_policy
from gdpr_policy.audit import SnapshotInput, audit_snapshot, deadline_hook
from gdpr_policy.report._model import Report

from ._helpers import DATA, fixture_lines

#: generator rule name -> our rule id. The request rules come from the deadline
#: engine through the audit's request hook (``deadline_hook``).
RULE_MAP: dict[str, str | None] = {
    "inactive_not_deactivated": "retention.inactive-not-deactivated",
    "hard_bounced_not_deleted": "retention.bounced-not-deleted",
    "marketing_email_after_opt_out": "marketing.after-opt-out",
    "restricted_but_processed": "restriction.processed",
    "deactivated_but_marketed": "retention.deactivated-marketed",
    "erasure_not_carried_out": "erasure.not-carried-out",
    "erasure_only_soft_deleted": "erasure.soft-deleted",
    "dsr_response_late": "request.late",
    "dsr_overdue_open": "request.overdue",
}
OURS = {v: k for k, v in RULE_MAP.items() if v}
FIXTURES = sorted(p for p in DATA.iterdir() if p.is_dir())


def truth(d: Path) -> set[tuple[str, str, str]]:
    with (d / "ground_truth.csv").open(encoding="utf-8", newline="") as fh:
        rows = {tuple(r) for r in csv.reader(fh) if r[0] != "kind"}
    assert {r[2] for r in rows} <= set(RULE_MAP), "a generator rule without a mapping"
    return {r for r in rows if RULE_MAP[r[2]] is not None}  # type: ignore[misc]


def run_audit(d: Path, mode: str) -> Report:
    """The audit of one fixture, from the API dump or the CSV export (with or without the bin)."""
    gt = json.loads((d / "ground_truth.json").read_text(encoding="utf-8"))
    as_of = dt.date.fromisoformat(gt["as_of"])

    def inp(name: str) -> SnapshotInput:
        return SnapshotInput(name, fixture_lines(d, name))

    contacts = inp("contacts_api.jsonl") if mode == "api" else inp("contacts_export.csv")
    report = audit_snapshot(
        as_of=as_of, policy=bundled_policy().at(as_of), contacts=contacts,
        subscriptions=inp("subscriptions.jsonl"), campaigns=inp("email_campaigns.json"),
        sends=inp("email_sends.jsonl"), requests=inp("dsr_requests.jsonl"),
        properties=inp("properties.json") if mode != "api" else None,
        recycle_bin=inp("contacts_api.jsonl") if mode == "csv+bin" else None,
        timezone=gt["generator"]["csv_tz"], datetime_format=gt["generator"]["csv_datetime_format"],
        request_hook=deadline_hook)
    assert report.summary.rejected == 0
    return report


def audit(d: Path, mode: str) -> set[tuple[str, str, str]]:
    report = run_audit(d, mode)
    found = set()
    for f in report.findings:
        name = OURS.get(f.rule)
        if name is None:
            continue
        if f.subject.startswith("request:"):
            found.add(("dsr", f.subject.removeprefix("request:"), name))
            if not f.rule.startswith("request."):
                # the generator flags the contact too for erasure rules only
                found.add(("contact", str(f.evidence["record_id"]), name))
        else:
            found.add(("contact", f.subject, name))
    return found


@pytest.mark.parametrize("d", FIXTURES, ids=lambda p: p.name)
@pytest.mark.parametrize("mode", ["api", "csv+bin"])
def test_agrees_exactly_with_ground_truth(d: Path, mode: str) -> None:
    expected = truth(d)
    found = audit(d, mode)
    assert sorted(found - expected) == [], "invented"
    assert sorted(expected - found) == [], "missed"


#: the generator's per-send rules: its evidence names exactly the offending sends
PER_SEND = ("marketing_email_after_opt_out", "restricted_but_processed", "deactivated_but_marketed")


@pytest.mark.parametrize("d", FIXTURES, ids=lambda p: p.name)
@pytest.mark.parametrize("mode", ["api", "csv+bin"])
def test_the_offending_sends_are_the_ground_truths(d: Path, mode: str) -> None:
    gt = json.loads((d / "ground_truth.json").read_text(encoding="utf-8"))
    expected = {(e["record_id"], RULE_MAP[r]): e["evidence"][r]["send_ids"]
                for e in gt["contact_violations"] for r in e["rules"] if r in PER_SEND}
    got = {(f.subject, f.rule): f.evidence for f in run_audit(d, mode).findings
           if f.rule in {RULE_MAP[r] for r in PER_SEND}}
    assert sorted(got) == sorted(expected)
    for k, ids in expected.items():
        assert got[k]["send_count"] == len(ids), k
        assert set(got[k]["send_ids"]) <= set(ids), k  # the first few, in log order


@pytest.mark.parametrize("d", FIXTURES, ids=lambda p: p.name)
def test_csv_alone_misses_only_the_recycle_bin(d: Path) -> None:
    # a UI export has no archived records: exactly the soft-delete rows cannot be seen
    expected = {r for r in truth(d) if r[2] != "erasure_only_soft_deleted"}
    assert audit(d, "csv") == expected


def test_fixtures_cover_every_rule_and_format() -> None:
    rules = set().union(*({r[2] for r in truth(d)} for d in FIXTURES))
    assert rules == {k for k, v in RULE_MAP.items() if v}
    gens = [json.loads((d / "ground_truth.json").read_text())["generator"] for d in FIXTURES]
    assert {g["csv_tz"] for g in gens} >= {"Europe/Oslo", "Europe/Stockholm", "UTC"}
    assert len({g["csv_datetime_format"] for g in gens}) >= 4
    boms = {(fixture_lines(d, "contacts_export.csv").__next__()[:1] == "\ufeff") for d in FIXTURES}
    assert boms == {True, False}
    bools = set()
    for d in FIXTURES:
        text = "".join(fixture_lines(d, "contacts_export.csv"))
        bools.add("true" if '"true"' in text or '"false"' in text else "yes")
    assert bools == {"yes", "true"}
