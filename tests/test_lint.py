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


# -- properties (issue 6: rules are tested for real) -------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_DOC = yaml.safe_load(TEXT)
_TRACKER_IDS = [t["id"] for t in _DOC["versions"][0]["trackers"]]
_PURPOSE_IDS = [p["id"] for p in _DOC["versions"][0]["purposes"]]


def _meaning(findings: list[Any]) -> list[str]:
    # Everything but the location, which follows the tracker's index in the file.
    return sorted(f.model_dump_json(exclude={"location"}) for f in findings)


@st.composite
def _tracker_edits(draw: st.DrawFn) -> dict[str, dict[str, Any]]:
    """Per tracker: maybe a new category, consent flag or purposes (some contradict the law)."""
    edits: dict[str, dict[str, Any]] = {}
    for tid in _TRACKER_IDS:
        edit: dict[str, Any] = {}
        if draw(st.booleans()):
            edit["category"] = draw(
                st.sampled_from(["necessary", "functional", "analytics", "marketing"])
            )
        if draw(st.booleans()):
            edit["consent_required"] = draw(st.booleans())
        if draw(st.booleans()):
            edit["purposes"] = draw(
                st.lists(st.sampled_from(_PURPOSE_IDS), min_size=1, max_size=3, unique=True)
            )
        edits[tid] = edit
    return edits


def _policy_text(edits: dict[str, dict[str, Any]], order: list[int]) -> str:
    doc = yaml.safe_load(TEXT)
    version = doc["versions"][0]
    trackers = [dict(t, **edits[t["id"]]) for t in version["trackers"]]
    version["trackers"] = [trackers[i] for i in order]
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


# Loading a policy costs ~0.2 s, so a few examples (each edits every tracker).
@settings(max_examples=12)
@given(_tracker_edits(), st.permutations(range(len(_TRACKER_IDS))))
def test_lint_is_independent_of_tracker_order(
    edits: dict[str, dict[str, Any]], order: list[int]
) -> None:
    identity = list(range(len(_TRACKER_IDS)))
    before = lint_policy(load_policy(_policy_text(edits, identity), source="p.yaml"))
    text = _policy_text(edits, order)
    after = lint_policy(load_policy(text, source="p.yaml"))
    assert _meaning(before) == _meaning(after)
    # Each finding still points into its own tracker's entry in the reordered file.
    lines = text.splitlines()
    for f in after:
        if f.rule.startswith("policy.tracker-"):
            assert f.location is not None and f.location.line is not None
            entry = next(
                line
                for line in reversed(lines[: f.location.line])
                if line.lstrip().startswith("- id: ")
            )
            assert entry.split("- id: ", 1)[1] == f.evidence["tracker"]


@settings(max_examples=8)
@given(_tracker_edits())
def test_lint_is_idempotent(edits: dict[str, dict[str, Any]]) -> None:
    policy = load_policy(_policy_text(edits, list(range(len(_TRACKER_IDS)))), source="p.yaml")
    first = lint_policy(policy)
    assert [f.model_dump_json() for f in first] == [
        f.model_dump_json() for f in lint_policy(policy)
    ]


# -- mutation testing (issue 6): each finding's subject, location, values and evidence ---------


def _findings_with_lines(change: Any) -> list[tuple[Any, str]]:
    text = _mutated(change)
    lines = text.splitlines()
    out = []
    for f in lint_policy(load_policy(text, source="p.yaml")):
        assert f.location is not None and f.location.file == "p.yaml"
        assert f.location.line is not None
        out.append((f, lines[f.location.line - 1].strip()))
    return out


def test_each_lint_finding_names_its_subject_line_values_and_evidence() -> None:
    def change(v: dict[str, Any]) -> None:
        for p in v["purposes"]:
            if p["id"] == "email-marketing":
                p["withdrawal_channels"] = []
        for t in v["trackers"]:
            if t["id"] == "hubspot":
                t["purposes"] = ["analytics", "inquiry-follow-up"]
            if t["id"] == "linkedin-insight":
                t["category"] = "necessary"
            if t["id"] == "google-analytics":
                t["consent_required"] = False

    general = list(bundled_policy().latest.consent.withdrawal_channels)
    got = {
        (f.rule, f.subject.split(":", 1)[1]): (f, line) for f, line in _findings_with_lines(change)
    }
    assert all(f.subject.startswith("inmeta@2024-03-06:") for f, _ in got.values())
    expected: dict[tuple[str, str], tuple[str, dict[str, Any], dict[str, Any]]] = {
        ("policy.consent-without-withdrawal", "purposes/email-marketing"): (
            "- id: email-marketing",
            {"purpose": "email-marketing"},
            {
                "purpose": "email-marketing",
                "basis": "consent",
                "consent_withdrawal_channels": general,
            },
        ),
        ("policy.tracker-basis-mismatch", "trackers/hubspot"): (
            "- inquiry-follow-up",
            {"tracker": "hubspot", "purpose": "inquiry-follow-up", "basis": "legitimate-interest"},
            {"tracker": "hubspot", "purpose": "inquiry-follow-up", "basis": "legitimate-interest"},
        ),
        ("policy.tracker-category-mismatch", "trackers/hubspot"): (
            "category: analytics",
            {"tracker": "hubspot", "category": "analytics", "purposes": ["inquiry-follow-up"]},
            {"tracker": "hubspot", "category": "analytics", "purposes": ["inquiry-follow-up"]},
        ),
        ("policy.tracker-category-mismatch", "trackers/linkedin-insight"): (
            "category: necessary",
            {
                "tracker": "linkedin-insight",
                "category": "necessary",
                "purposes": ["social-arrival", "ad-audience"],
            },
            {
                "tracker": "linkedin-insight",
                "category": "necessary",
                "purposes": ["social-arrival", "ad-audience"],
            },
        ),
        ("policy.tracker-category-mismatch", "trackers/google-analytics"): (
            "consent_required: false",
            {"tracker": "google-analytics", "category": "analytics", "purposes": ["analytics"]},
            {"tracker": "google-analytics", "category": "analytics", "consent_required": False},
        ),
        ("policy.channel-mismatch", "controller/channels/opt-out-email"): (
            "href: mailto:post@inmeta.no",
            {"channel": "opt-out-email", "shown": "hei@inmeta.no", "linked": "post@inmeta.no"},
            {"channel": "opt-out-email", "shown": "hei@inmeta.no", "linked": "post@inmeta.no"},
        ),
    }
    assert got.keys() == expected.keys()
    for key, (line, values, evidence) in expected.items():
        f, at = got[key]
        assert at == line, key
        assert f.message.values == values, key
        assert f.evidence == evidence, key


def test_basis_mismatch_is_found_after_a_tracker_that_needs_no_consent() -> None:
    # sanity-session (first, no consent needed) must not end the search.
    def change(v: dict[str, Any]) -> None:
        for t in v["trackers"]:
            if t["id"] == "campaign-tracking":  # the last tracker
                t["purposes"] = ["campaign-tracking", "legal-disclosure"]

    hits = [f for f, _ in _findings_with_lines(change) if f.rule == "policy.tracker-basis-mismatch"]
    assert [f.evidence["purpose"] for f in hits] == ["legal-disclosure"]


def test_a_link_whose_query_holds_a_question_mark_is_still_matched() -> None:
    text = TEXT.replace(
        "href: mailto:post@inmeta.no", "href: mailto:hei@inmeta.no?subject=Opt-out?body=Why%3F"
    )
    assert lint_policy(load_policy(text, source="p.yaml")) == []
