from __future__ import annotations

from typing import Any

import yaml

from gdpr_policy import Severity, bundled_policy, lint_policy, load_policy
from gdpr_policy._policy import bundled_policy_text

TEXT = bundled_policy_text()


def _rules(findings: list[Any]) -> list[str]:
    return sorted(f.rule for f in findings)


def _mutated(change: Any) -> str:
    doc = yaml.safe_load(TEXT)
    change(doc["versions"][0])
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def test_bundled_policy_has_only_the_channel_warning() -> None:
    findings = lint_policy(bundled_policy())
    assert _rules(findings) == ["policy.channel-mismatch"]
    f = findings[0]
    assert f.severity is Severity.WARNING
    assert f.evidence == {
        "channel": "opt-out-email",
        "shown": "hei@inmeta.no",
        "linked": "post@inmeta.no",
    }
    assert [str(s) for s in f.statement] == ["S01", "S34"]
    assert f.location is not None
    assert f.location.file == "inmeta.yaml"
    line = TEXT.splitlines()[f.location.line - 1]  # type: ignore[operator]
    assert "mailto:post@inmeta.no" in line


def test_matching_link_is_clean() -> None:
    text = TEXT.replace("href: mailto:post@inmeta.no", "href: mailto:hei@inmeta.no?subject=Opt-out")
    assert lint_policy(load_policy(text, source="p.yaml")) == []


def test_consent_purpose_without_withdrawal() -> None:
    def change(v: dict[str, Any]) -> None:
        for p in v["purposes"]:
            if p["id"] == "email-marketing":
                p["withdrawal_channels"] = []

    findings = lint_policy(load_policy(_mutated(change), source="p.yaml"))
    hits = [f for f in findings if f.rule == "policy.consent-without-withdrawal"]
    assert [f.evidence["purpose"] for f in hits] == ["email-marketing"]
    assert hits[0].severity is Severity.ERROR


def test_legitimate_interest_purpose_needs_no_withdrawal_channel() -> None:
    findings = lint_policy(bundled_policy())
    assert not [f for f in findings if f.rule == "policy.consent-without-withdrawal"]
    assert bundled_policy().latest.purpose("inquiry-follow-up").withdrawal_channels == ()


def test_consent_tracker_under_non_consent_purpose() -> None:
    def change(v: dict[str, Any]) -> None:
        for t in v["trackers"]:
            if t["id"] == "hubspot":
                t["purposes"] = ["analytics", "inquiry-follow-up"]

    findings = lint_policy(load_policy(_mutated(change), source="p.yaml"))
    hits = [f for f in findings if f.rule == "policy.tracker-basis-mismatch"]
    assert [(f.evidence["tracker"], f.evidence["purpose"], f.evidence["basis"]) for f in hits] == [
        ("hubspot", "inquiry-follow-up", "legitimate-interest")
    ]


def test_category_contradicting_purposes() -> None:
    def change(v: dict[str, Any]) -> None:
        for t in v["trackers"]:
            if t["id"] == "linkedin-insight":
                t["category"] = "necessary"

    findings = lint_policy(load_policy(_mutated(change), source="p.yaml"))
    hits = [f for f in findings if f.rule == "policy.tracker-category-mismatch"]
    assert len(hits) == 1
    assert hits[0].evidence["purposes"] == ["social-arrival", "ad-audience"]


def test_non_necessary_tracker_without_consent() -> None:
    def change(v: dict[str, Any]) -> None:
        for t in v["trackers"]:
            if t["id"] == "google-analytics":
                t["consent_required"] = False

    findings = lint_policy(load_policy(_mutated(change), source="p.yaml"))
    hits = [f for f in findings if f.rule == "policy.tracker-category-mismatch"]
    assert [f.evidence for f in hits] == [
        {"tracker": "google-analytics", "category": "analytics", "consent_required": False}
    ]


def test_findings_cover_every_version() -> None:
    doc = yaml.safe_load(TEXT)
    import datetime as dt

    doc["versions"].append(
        dict(doc["versions"][0], version="2025", effective_from=dt.date(2025, 1, 1))
    )
    findings = lint_policy(load_policy(yaml.safe_dump(doc, allow_unicode=True), source="p.yaml"))
    assert sorted(f.subject.split(":")[0] for f in findings) == ["inmeta@2024-03-06", "inmeta@2025"]
