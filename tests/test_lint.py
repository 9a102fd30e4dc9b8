from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml

from gdpr_policy import (
    PolicyError,
    Severity,
    bundled_policy,
    lint_policy,
    load_policy,
    render_message,
)
from gdpr_policy._policy import bundled_policy_text

TEXT = bundled_policy_text()


def _rules(findings: list[Any]) -> list[str]:
    return sorted(f.rule for f in findings)


#: The rules that read the policy against itself (before issue 11 added the law's checks).
_SELF_RULES = {
    "policy.channel-mismatch",
    "policy.consent-without-withdrawal",
    "policy.tracker-basis-mismatch",
    "policy.tracker-category-mismatch",
}


def _own(findings: list[Any]) -> list[Any]:
    return [f for f in findings if f.rule in _SELF_RULES]


def _mutated(change: Any) -> str:
    doc = yaml.safe_load(TEXT)
    change(doc["versions"][0])
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def test_bundled_policy_findings_are_warnings_of_the_statement_against_the_law() -> None:
    findings = lint_policy(bundled_policy())
    assert {f.severity for f in findings} == {Severity.WARNING}
    got = sorted((f.rule, f.subject.split(":", 1)[1]) for f in findings)
    assert got == [
        ("policy.channel-mismatch", "controller/channels/opt-out-email"),
        ("policy.cookie-outlives-consent", "trackers/google-analytics/cookies/^_ga_[A-Z0-9]+$"),
        ("policy.cookie-outlives-consent", "trackers/google-analytics/cookies/_ga"),
        # S14 "no disclosure to third parties" against pixels of other controllers.
        ("policy.disclosure-contradiction", "trackers/campaign-tracking"),
        ("policy.disclosure-contradiction", "trackers/linkedin-insight"),
        ("policy.disclosure-contradiction", "trackers/meta-pixel"),
        # What Art. 13 requires and the statement does not say.
        ("policy.notice-omission", "discloses/joint-controller-arrangement"),
        ("policy.notice-omission", "discloses/recipients"),
        ("policy.notice-omission", "discloses/retention-periods"),
        ("policy.notice-omission", "discloses/right-to-complain"),
        ("policy.notice-omission", "discloses/transfers"),
        ("policy.retention-without-end", "retention/inactive-contacts"),
        # US vendors (S06, S07) with no ground for the transfer recorded anywhere
        *[("policy.transfer-without-safeguard", f"systems/{s}") for s in sorted(
            ("hubspot", "ga4", "gtm", "linkedin", "meta", "google-ads"))],
    ]
    f = next(f for f in findings if f.rule == "policy.channel-mismatch")
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
    assert _own(lint_policy(load_policy(text, source="p.yaml"))) == []


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
    # and each of its cookies the library knows is a marketing cookie
    assert [f.evidence.get("cookie") for f in hits if f.message.code.endswith(".known-cookie")]
    hits = [f for f in hits if not f.message.code.endswith(".known-cookie")]
    assert len(hits) == 1
    assert hits[0].evidence == {"tracker": "linkedin-insight", "category": "necessary",
                                "purposes": ["social-arrival", "ad-audience"]}


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
    assert sorted(f.subject.split(":")[0] for f in _own(findings)) == [
        "inmeta@2024-03-06",
        "inmeta@2025",
    ]
    assert len(findings) == 2 * len(lint_policy(bundled_policy()))


# -- properties (issue 6: rules are tested for real) -------------------------------------------

from hypothesis import example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from strategies.time import durations  # noqa: E402

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
        (f.rule, f.subject.split(":", 1)[1]): (f, line)
        for f, line in _findings_with_lines(change)
        if f.rule in _SELF_RULES and not f.message.code.endswith(".known-cookie")
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
    assert _own(lint_policy(load_policy(text, source="p.yaml"))) == []


# -- the statement read against the law (issue 11) --------------------------------------------


def _lint_changed(change: Any) -> list[Any]:
    return lint_policy(load_policy(_mutated(change), source="p.yaml"))


def _of(findings: list[Any], rule: str) -> list[Any]:
    return [f for f in findings if f.rule == rule]


def _tracker(v: dict[str, Any], tid: str) -> dict[str, Any]:
    return next(t for t in v["trackers"] if t["id"] == tid)


def test_s14_contradicts_a_recipient_that_is_a_controller() -> None:
    # "no disclosure to third parties" beside a recipient that decides on the data itself
    for role in ("independent-controller", "joint-controller"):
        def add(v: dict[str, Any], role: str = role) -> None:
            v["recipients"] = [*v.get("recipients", []),
                               {"id": "partner", "name": "Partner AB", "role": role,
                                "country": "SE"}]

        [hit] = [f for f in _of(_lint_changed(add), "policy.disclosure-contradiction")
                 if f.evidence.get("recipient") == "partner"]
        assert hit.message.code == "policy.disclosure-contradiction.recipient"
        assert hit.message.values == {"recipient": "partner", "name": "Partner AB", "role": role}
        assert render_message(hit.message, "en").startswith(
            "The policy says no data is disclosed to third parties, but recipient partner")

    def processor(v: dict[str, Any]) -> None:
        v["recipients"] = [*v.get("recipients", []), {
            "id": "partner", "name": "Partner AB", "role": "processor", "country": "SE"}]

    assert not [f for f in _of(_lint_changed(processor), "policy.disclosure-contradiction")
                if f.evidence.get("recipient") == "partner"]


def test_s14_contradicts_the_joint_controllers_pixels() -> None:
    hits = _of(lint_policy(bundled_policy()), "policy.disclosure-contradiction")
    meta = next(f for f in hits if f.evidence["tracker"] == "meta-pixel")
    assert meta.severity is Severity.WARNING
    assert meta.message.values == {
        "tracker": "meta-pixel",
        "provider": "Meta",
        "role": "joint-controller",
    }
    # it points at the role the policy gives, the fact that makes the provider a third party
    text = bundled_policy_text().splitlines()
    assert meta.location is not None and meta.location.line is not None
    assert meta.location.column is not None
    line = text[meta.location.line - 1]
    assert line[:meta.location.column - 1].rstrip().endswith("provider_role:")
    assert line[meta.location.column - 1:].startswith("joint-controller")
    assert "CJEU C-40/17 Fashion ID" in [str(x) for x in meta.legal]
    assert str(meta.statement[0]) == "S14"

    def processors(v: dict[str, Any]) -> None:
        for t in v["trackers"]:
            t["provider_role"] = "processor"

    assert _of(_lint_changed(processors), "policy.disclosure-contradiction") == []

    def disclosed(v: dict[str, Any]) -> None:
        v["disclosure"]["third_parties"] = True

    assert _of(_lint_changed(disclosed), "policy.disclosure-contradiction") == []

    def unknown(v: dict[str, Any]) -> None:
        del _tracker(v, "meta-pixel")["provider_role"]

    notes = [f for f in _of(_lint_changed(unknown), "policy.disclosure-contradiction")
             if f.severity is Severity.NOTE]
    assert [f.message.code for f in notes] == ["policy.disclosure-contradiction.role-unknown"]
    [note] = notes
    # the note keeps the finding's values and points at the tracker that gives no role
    assert note.message.values == {"tracker": "meta-pixel", "provider": "Meta"}
    assert note.evidence == {"tracker": "meta-pixel", "provider": "Meta", "role": None}
    assert note.subject.endswith("trackers/meta-pixel")

    def necessary_unknown(v: dict[str, Any]) -> None:
        _tracker(v, "sanity-session").pop("provider_role", None)

    # a strictly necessary tracker discloses nothing to judge: no note for its missing role
    assert [f for f in _of(_lint_changed(necessary_unknown), "policy.disclosure-contradiction")
            if f.severity is Severity.NOTE] == []
    assert [str(x) for x in note.legal] == [str(x) for x in meta.legal]
    assert note.location is not None and note.location.line is not None
    changed = _mutated(unknown).splitlines()
    assert "id: meta-pixel" in changed[note.location.line - 1]

    def no_exception(v: dict[str, Any]) -> None:
        v["disclosure"]["exceptions"] = []

    exceptions = [f for f in _of(_lint_changed(no_exception), "policy.disclosure-contradiction")
                  if f.message.code == "policy.disclosure-contradiction.exception"]
    # only the purpose of kind legal needs the exception, and the finding points at the list
    (exc,) = exceptions
    assert exc.subject.endswith("purposes/legal-disclosure")
    assert exc.message.values == {"purpose": "legal-disclosure"}
    assert exc.evidence == {"purpose": "legal-disclosure", "exceptions": []}
    assert exc.location is not None and exc.location.line is not None
    assert _mutated(no_exception).splitlines()[exc.location.line - 1].strip() == "exceptions: []"


def test_deactivation_with_no_deletion_is_retention_without_end() -> None:
    (f,) = _of(lint_policy(bundled_policy()), "policy.retention-without-end")
    assert f.evidence == {
        "retention": "inactive-contacts",
        "trigger": "inactivity",
        "after": "P2Y",
        "action": "deactivate",
    }
    assert f.message.values == {"retention": "inactive-contacts"}
    assert f.subject == "inmeta@2024-03-06:retention/inactive-contacts"
    assert f.location == bundled_policy().location(("versions", 0, "retention", 0, "action"))

    def bounce_deactivates(v: dict[str, Any]) -> None:
        next(r for r in v["retention"] if r["trigger"] == "hard-bounce")["action"] = "deactivate"

    bounced = _of(_lint_changed(bounce_deactivates), "policy.retention-without-end")
    assert [g.evidence for g in bounced][1] == {
        "retention": "bounced-addresses", "trigger": "hard-bounce", "after": None,
        "action": "deactivate"}

    def deletes(v: dict[str, Any]) -> None:
        v["retention"].append(
            {"id": "purge", "trigger": "inactivity", "after": "P3Y", "action": "delete",
             "activity_signals": ["email-open"]}
        )

    assert _of(_lint_changed(deletes), "policy.retention-without-end") == []


def test_no_rule_that_ends_everyones_data_is_retention_without_end() -> None:
    # deletion on request and on a bounce only (no inactivity rule at all): everyone else's
    # data is kept for ever, although no rule "deactivates"
    def on_request_only(v: dict[str, Any]) -> None:
        v["retention"] = [r for r in v["retention"] if r["trigger"] != "inactivity"]

    (f,) = _of(_lint_changed(on_request_only), "policy.retention-without-end")
    assert f.message.code == "policy.retention-without-end.none"
    assert f.evidence["deletes_on"] == ["hard-bounce", "on-request"]
    assert f.subject.endswith(":retention")
    assert render_message(f.message, "en").startswith("No retention rule ends every person's")

    def after_relationship(v: dict[str, Any]) -> None:
        on_request_only(v)
        v["retention"].append({"id": "ended", "trigger": "end-of-relationship", "after": "P1Y",
                               "action": "delete"})

    (g,) = _of(_lint_changed(after_relationship), "policy.retention-without-end")
    assert g.message.code == "policy.retention-without-end.none"


def test_periods_longer_than_art_12_3_allows() -> None:
    from gdpr_policy import Duration
    from gdpr_policy._lint import longer_than

    month, two = Duration.parse("P1M"), Duration.parse("P2M")
    assert not longer_than(month, month)
    assert not longer_than(Duration.parse("P28D"), month)
    assert longer_than(Duration.parse("P29D"), month)  # 31 January + 29 days > 28 February
    assert longer_than(Duration.parse("P30D"), month)
    assert longer_than(Duration.parse("P1M1D"), month)
    assert not longer_than(Duration.parse("P8W"), two)  # 56 days: never past two months
    assert longer_than(Duration.parse("P60D"), two)
    assert longer_than(Duration.parse("P1MT1H"), month)  # a time part is one day more
    # ... rounded up to whole days: 48 hours are two days, longer than one
    day = Duration.parse("P1D")
    assert longer_than(Duration.parse("PT48H"), day)
    assert longer_than(Duration.parse("PT25H"), day)
    assert not longer_than(Duration.parse("PT24H"), day)
    assert not longer_than(Duration.parse("PT48H"), Duration.parse("P2D"))
    # the day-by-day answer itself (the oracle of the properties below): a time part is a
    # day, and an end past the year 9999 is longer than any limit, never shorter
    from gdpr_policy._lint import _longer_on_some_day

    assert _longer_on_some_day(Duration.parse("P28DT1H"), month)
    assert not _longer_on_some_day(Duration.parse("P27DT1H"), month)
    assert _longer_on_some_day(Duration.parse("P9000Y"), month)
    assert not _longer_on_some_day(month, Duration.parse("P9000Y"))

    def long_periods(v: dict[str, Any]) -> None:
        v["rights"]["response_period"] = "P30D"
        v["rights"]["extension"] = "P3M"
        v["rights"]["extension_notice_within"] = "P5W"

    hits = _of(_lint_changed(long_periods), "policy.period-too-long")
    assert [(f.severity, f.message.values) for f in hits] == [
        (Severity.ERROR, {"field": "rights.response_period", "value": "P30D", "limit": "P1M"}),
        (Severity.ERROR, {"field": "rights.extension", "value": "P3M", "limit": "P2M"}),
        (Severity.ERROR, {"field": "rights.extension_notice_within", "value": "P5W", "limit": "P1M"}),
    ]
    assert [f.evidence for f in hits] == [f.message.values for f in hits]
    assert [f.subject.split(":", 1)[1] for f in hits] == [
        "rights/response_period", "rights/extension", "rights/extension_notice_within"]

    def unstated_first(v: dict[str, Any]) -> None:
        v["rights"]["response_period"] = "not-stated"  # the law's own period: nothing to judge
        v["rights"]["extension"] = "P3M"

    assert [f.message.values["field"] for f in _of(_lint_changed(unstated_first),
                                                   "policy.period-too-long")] == ["rights.extension"]


def _p(text: str) -> Any:
    from gdpr_policy import Duration

    return Duration.parse(text)


@settings(max_examples=400)  # the bounds on a span of months are the claim under test
@given(durations(), durations())
@example(_p("P28D"), _p("P1M")).via("the shortest month: never longer")
@example(_p("P29D"), _p("P1M")).via("between the bounds: tried day by day")
@example(_p("P32D"), _p("P1M")).via("past the longest month: longer from every day")
@example(_p("P58D"), _p("P2M")).via("30k - 2 for two months")
@example(_p("P62D"), _p("P2M")).via("31k for two months")
@example(_p("P63D"), _p("P2M")).via("past 31k")
@example(_p("P1M"), _p("P28D")).via("a month against its shortest span")
@example(_p("P1M"), _p("P31D")).via("a month against its longest span")
@example(_p("P2M"), _p("P57D")).via("under 30k - 2 the other way")
@example(_p("P2M"), _p("P62D")).via("31k the other way")
@example(_p("P1Y1M"), _p("P1Y1D")).via("equal months: the days decide")
@example(_p("P59D"), _p("P2M")).via("two months never span fewer than 59 days")
@example(_p("P60D"), _p("P2M")).via("one day more than that")
@example(_p("P89D"), _p("P3M")).via("three months: 89 days at the fewest")
@example(_p("P90D"), _p("P3M")).via("and 90")
@example(_p("P1M"), _p("P30D")).via("a month spans up to 31 days")
@example(_p("P2M"), _p("P61D")).via("two months up to 62")
@example(_p("P3M"), _p("P91D")).via("three months up to 92")
@example(_p("P3M"), _p("P92D")).via("and not past it")
@example(_p("P8M"), _p("P245D")).via("eight months up to 245, under 31k - 2")
def test_longer_than_is_the_same_answer_as_trying_every_day(d: Any, limit: Any) -> None:
    from gdpr_policy._lint import _longer_on_some_day, longer_than

    assert longer_than(d, limit) == _longer_on_some_day(d, limit)
    assert not longer_than(d, d)


@settings(max_examples=15)  # each undecided pair tries up to 1,464 days
@given(durations(huge=True), durations(huge=True))
@example(_p("P9000Y"), _p("P1M")).via("only the duration ends past the calendar")
@example(_p("P1M"), _p("P9000Y")).via("only the limit does")
@example(_p("P9000Y"), _p("P9500Y")).via("both do: the duration is longer than any limit")
def test_longer_than_past_the_calendar_is_decided_by_trying_the_days(d: Any, limit: Any) -> None:
    from gdpr_policy._lint import _longer_on_some_day, longer_than

    assert longer_than(d, limit) == _longer_on_some_day(d, limit)


def test_a_cookie_outliving_its_consent() -> None:
    hits = _of(lint_policy(bundled_policy()), "policy.cookie-outlives-consent")
    ga = next(f for f in hits if f.evidence["cookie"] == "_ga")
    assert ga.message.values == {"cookie": "_ga", "lifetime": "P2Y", "consent_lifetime": "P13M"}

    def thirteen(v: dict[str, Any]) -> None:
        for c in _tracker(v, "google-analytics")["cookies"]:
            c["lifetime"] = "P13M"

    assert _of(_lint_changed(thirteen), "policy.cookie-outlives-consent") == []

    def longer_consent(v: dict[str, Any]) -> None:
        v["consent"]["max_lifetime"] = "P2Y"

    assert _of(_lint_changed(longer_consent), "policy.cookie-outlives-consent") == []


def test_a_cookie_outliving_the_consent_of_its_kind_of_purpose() -> None:
    # "the shorter lifetime wins": a marketing consent of one month, LinkedIn's bcookie of a
    # year (and no max_lifetime at all: the kind's lifetime alone)
    def monthly(v: dict[str, Any]) -> None:
        v["consent"]["lifetime_by_kind"] = {"marketing": "P1M"}
        v["consent"].pop("max_lifetime", None)

    hits = _of(_lint_changed(monthly), "policy.cookie-outlives-consent")
    bcookie = next(f for f in hits if f.evidence["cookie"] == "bcookie")
    assert bcookie.message.values == {"cookie": "bcookie", "lifetime": "P1Y",
                                      "consent_lifetime": "P1M"}
    assert "lidc" not in {f.evidence["cookie"] for f in hits}  # a day: within the month
    # Google Analytics serves no marketing purpose: its cookies keep no limit here
    assert not [f for f in hits if f.evidence["tracker"] == "google-analytics"]


def test_a_tracker_credited_to_the_wrong_provider() -> None:
    assert _of(lint_policy(bundled_policy()), "policy.tracker-provider-mismatch") == []

    def inmeta(v: dict[str, Any]) -> None:  # the bundled policy before issue 11
        t = _tracker(v, "campaign-tracking")
        t["provider"] = "Inmeta"
        del t["system"]

    (f,) = _of(_lint_changed(inmeta), "policy.tracker-provider-mismatch")
    assert f.message.values == {
        "tracker": "campaign-tracking",
        "provider": "Inmeta",
        "source": "cookie _gcl_au",
        "vendor": "Google Ireland Ltd.",
    }

    def other_vendor(v: dict[str, Any]) -> None:
        for s in v["systems"]:
            if s["id"] == "hubspot":
                s["vendor"] = "Salesforce"

    sources = [f.evidence["source"] for f in _of(_lint_changed(other_vendor),
                                                  "policy.tracker-provider-mismatch")]
    assert sources == ["system hubspot"]


def test_promises_below_the_law_are_errors_with_their_article() -> None:
    assert _of(lint_policy(bundled_policy()), "policy.consent-below-law") == []

    def weaker(v: dict[str, Any]) -> None:
        v["consent"]["criteria"].remove("informed")
        v["consent"]["forbidden_forms"].remove("scrolling")
        v["consent"]["forbidden_forms"].remove("browser-settings")
        v["consent"]["per_purpose"] = False
        v["consent"]["notice_must_include"].remove("data-types")
        v["consent"]["withdrawal_as_easy_as_giving"] = False
        v["marketing"]["opt_out_covers"] = ["email-marketing"]
        v["rights"]["rights"].remove("portability")

    hits = _of(_lint_changed(weaker), "policy.consent-below-law")
    got = [(f.message.values["field"], f.message.values["missing"], [str(x) for x in f.legal])
           for f in hits]
    # each located at the field that promises too little
    policy = load_policy(_mutated(weaker), source="p.yaml")
    for f in hits:
        path = tuple(f.message.values["field"].split("."))
        assert f.location == policy.location(("versions", 0, *path)), f.message.values
    assert sorted(got) == sorted([
        ("consent.criteria", ["informed"], ["GDPR Art. 4(11)"]),
        ("consent.forbidden_forms", ["scrolling"], ["EDPB Guidelines 05/2020 Example 16"]),
        ("consent.forbidden_forms", ["browser-settings"], ["NO Ekomloven § 3-15"]),
        ("consent.per_purpose", ["true"], ["GDPR Recital 43"]),
        ("consent.notice_must_include", ["data-types"], ["EDPB Guidelines 05/2020 section 3.3.1"]),
        ("consent.withdrawal_as_easy_as_giving", ["true"], ["GDPR Art. 7(3)"]),
        ("marketing.opt_out_covers", ["profiling"], ["GDPR Art. 21(2)"]),
        ("rights.rights", ["portability"], ["GDPR Art. 12(2)"]),
    ])


def test_a_channel_named_for_a_use_it_does_not_declare() -> None:
    assert _of(lint_policy(bundled_policy()), "policy.channel-use-mismatch") == []

    def phone(v: dict[str, Any]) -> None:
        v["marketing"]["opt_out_channels"].append("phone")
        v["rights"]["channels"].append("phone")

    hits = _of(_lint_changed(phone), "policy.channel-use-mismatch")
    assert [(f.message.values["field"], f.message.values["use"]) for f in hits] == [
        ("marketing.opt_out_channels", "opt-out"),
        ("rights.channels", "rights-requests"),
    ]
    # located at the channel's uses, the list to add the use to
    policy = load_policy(_mutated(phone), source="p.yaml")
    index = [c["id"] for c in yaml.safe_load(_mutated(phone))["versions"][0]["controller"][
        "channels"]].index("phone")
    assert {f.location for f in hits} == {
        policy.location(("versions", 0, "controller", "channels", index, "uses"))}


def test_art_13_omissions_each_with_its_article() -> None:
    hits = _of(lint_policy(bundled_policy()), "policy.notice-omission")
    got = {f.message.values["item"]: [str(x) for x in f.legal] for f in hits}
    assert got == {
        "recipients": ["GDPR Art. 13(1)(e)"],
        "transfers": ["GDPR Art. 13(1)(f)"],
        "retention-periods": ["GDPR Art. 13(2)(a)"],
        "right-to-complain": ["GDPR Art. 13(2)(d)"],
        "joint-controller-arrangement": ["GDPR Art. 26(2)"],
    }
    assert {f.evidence["article"] for f in hits} == {
        "GDPR Art. 13(1)(e)", "GDPR Art. 13(1)(f)", "GDPR Art. 13(2)(a)", "GDPR Art. 13(2)(d)",
        "GDPR Art. 26(2)"}
    complain = next(f for f in hits if f.message.values["item"] == "right-to-complain")
    assert complain.message.values["authorities"] == ["Datatilsynet", "IMY"]
    from gdpr_policy.i18n import render

    assert "Datatilsynet" in render(complain.message, "nb")

    def everything(v: dict[str, Any]) -> None:
        v["discloses"] += ["recipients", "transfers", "retention-periods", "right-to-complain",
                           "joint-controller-arrangement"]

    assert _of(_lint_changed(everything), "policy.notice-omission") == []

    def no_joint(v: dict[str, Any]) -> None:
        for t in v["trackers"]:
            if t.get("provider_role") == "joint-controller":
                t["provider_role"] = "processor"

    items = {f.message.values["item"] for f in _of(_lint_changed(no_joint), "policy.notice-omission")}
    assert "joint-controller-arrangement" not in items

    def undeclared(v: dict[str, Any]) -> None:
        del v["discloses"]

    (note,) = _of(_lint_changed(undeclared), "policy.notice-omission")
    assert note.subject.endswith(":discloses")
    assert note.severity is Severity.NOTE
    assert note.message.code == "policy.notice-omission.undeclared"


def test_lint_of_the_bundled_policy_exits_0_with_the_warnings() -> None:
    import io

    from gdpr_policy.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = main(["lint"], stdout=out, stderr=err)
    assert code == 0, err.getvalue()
    text = out.getvalue()
    assert "policy.disclosure-contradiction" in text and "policy.notice-omission" in text
    assert "errors: 0, warnings: 18" in text


def test_cookie_party_domain_and_lifetime_must_agree() -> None:
    assert _of(lint_policy(bundled_policy()), "policy.cookie-spec-mismatch") == []

    def contradictions(v: dict[str, Any]) -> None:
        _tracker(v, "meta-pixel")["cookies"][0]["domain"] = ".facebook.com"  # first-party?
        _tracker(v, "linkedin-insight")["cookies"][0]["domain"] = "www.inmeta.no"  # third?
        _tracker(v, "hubspot")["cookies"][0]["session"] = True  # with a lifetime

    codes = sorted(f.message.code for f in _of(_lint_changed(contradictions),
                                               "policy.cookie-spec-mismatch"))
    assert codes == [
        "policy.cookie-spec-mismatch.first-party-foreign-domain",
        "policy.cookie-spec-mismatch.session-with-lifetime",
        "policy.cookie-spec-mismatch.third-party-own-domain",
    ]


def test_cookie_domains_are_the_sites_with_a_dot_either_side_and_any_case() -> None:
    from gdpr_policy._lint import _on_sites

    for domain in (".inmeta.no", "inmeta.no.", "WWW.Inmeta.no", "www.inmeta.no", "inmeta.no"):
        assert _on_sites(domain, ["inmeta.no"]), domain
    for domain in ("inmeta.no.evil.com", "notinmeta.no", ".facebook.com", "no"):
        assert not _on_sites(domain, ["inmeta.no"]), domain


def test_each_cookie_is_judged_and_located_on_its_own() -> None:
    def later_cookies(v: dict[str, Any]) -> None:
        # the first cookie is fine; the second and third contradict themselves
        cookies = _tracker(v, "google-analytics")["cookies"]
        cookies[1]["session"] = True
        cookies[2].update(party="third", domain="www.inmeta.no")
        del cookies[2]["lifetime"]

    text = _mutated(later_cookies)
    hits = _of(lint_policy(load_policy(text, source="p.yaml")), "policy.cookie-spec-mismatch")
    assert [f.message.code.rsplit(".", 1)[-1] for f in hits] == [
        "session-with-lifetime", "third-party-own-domain"]
    lines = text.splitlines()
    assert [lines[f.location.line - 1].strip() for f in hits if f.location and f.location.line] == [
        "- pattern: ^_ga_[A-Z0-9]+$", "- name: _gid"]
    third = hits[1]
    assert third.message.values == {"cookie": "_gid", "party": "third", "domain": "www.inmeta.no",
                                    "lifetime": ""}
    assert third.evidence == {"tracker": "google-analytics", "cookie": "_gid", "party": "third",
                              "domain": "www.inmeta.no", "session": False, "lifetime": None,
                              "sites": ["inmeta.no", "inmeta.se"]}


def test_a_cookie_without_a_domain_is_shown_with_an_empty_one() -> None:
    def session(v: dict[str, Any]) -> None:
        cookie = _tracker(v, "hubspot")["cookies"][0]
        cookie["session"] = True
        cookie.pop("domain", None)

    (f,) = _of(_lint_changed(session), "policy.cookie-spec-mismatch")
    assert f.message.code == "policy.cookie-spec-mismatch.session-with-lifetime"
    assert f.message.values == {"cookie": "hubspotutk", "party": "first", "domain": "",
                                "lifetime": "P6M"}


def test_a_portability_format_people_read_but_programs_do_not() -> None:
    assert _of(lint_policy(bundled_policy()), "policy.portability-format") == []

    def pdf(v: dict[str, Any]) -> None:
        v["rights"]["portability_formats"] = [
            "application/json", "application/pdf", "text/csv; charset=utf-8; header=present"]

    hits = _of(_lint_changed(pdf), "policy.portability-format")
    assert [(f.severity, f.message.values, f.subject.split(":", 1)[1]) for f in hits] == [
        (Severity.ERROR, {"format": "application/pdf"}, "rights/portability_formats/1"),
    ]
    assert hits[0].location == load_policy(_mutated(pdf), source="p.yaml").location(
        ("versions", 0, "rights", "portability_formats", 1))
    assert hits[0].evidence["format"] == "application/pdf"
    assert "application/json" in hits[0].evidence["accepted"]


def test_a_consent_purpose_no_tracker_or_system_serves() -> None:
    assert _of(lint_policy(bundled_policy()), "policy.unused-consent-purpose") == []

    def orphan(v: dict[str, Any]) -> None:
        campaign = next(p for p in v["purposes"] if p["id"] == "campaign-tracking")
        campaign.pop("systems")
        for t in v["trackers"]:
            t["purposes"] = [p for p in t["purposes"] if p != "campaign-tracking"] or ["analytics"]

    hits = _of(_lint_changed(orphan), "policy.unused-consent-purpose")
    assert [(f.severity, f.message.values) for f in hits] == [
        (Severity.WARNING, {"purpose": "campaign-tracking"}),
    ]
    assert hits[0].evidence == {"purpose": "campaign-tracking", "trackers": [], "systems": []}
    assert hits[0].subject.endswith(":purposes/campaign-tracking")
    assert hits[0].location == load_policy(_mutated(orphan), source="p.yaml").location(
        ("versions", 0, "purposes", 4))

    def served_by_system_only(v: dict[str, Any]) -> None:
        orphan(v)
        next(p for p in v["purposes"] if p["id"] == "campaign-tracking")["systems"] = ["google-ads"]

    assert _of(_lint_changed(served_by_system_only), "policy.unused-consent-purpose") == []


def test_an_assumed_value_is_a_note_kept_apart_from_what_the_statement_says() -> None:
    assert _of(lint_policy(bundled_policy()), "policy.assumed-value") == []

    def assume(v: dict[str, Any]) -> None:
        v["assumed"] = [
            {"field": "rights.identity.prompt_within", "reason": "S20 says no time"},
            {"field": "retention[inactive-contacts].activity_signals", "reason": "S12 names one"},
        ]

    hits = _of(_lint_changed(assume), "policy.assumed-value")
    assert [(f.severity, f.message.values, f.statement) for f in hits] == [
        (Severity.NOTE, {"field": "rights.identity.prompt_within", "value": "P3D",
                         "reason": "S20 says no time"}, ()),
        (Severity.NOTE, {"field": "retention[inactive-contacts].activity_signals",
                         "value": "email-open, email-click, email-reply, form-submission, "
                                  "page-view, meeting, call, inbound-email, chat",
                         "reason": "S12 names one"}, ()),
    ]
    assert all(f.location is not None and f.location.line for f in hits)


def test_an_assumption_about_a_field_the_version_lacks_is_a_load_error() -> None:
    for field, why in (("rights.identity.prompt_wihtin", "no field 'prompt_wihtin'"),
                       ("retention[dormant].after", "no item 'dormant'"),
                       ("consent.max_lifetime.months", "no field 'months'"),
                       ("rights", "expected a field that holds a value")):
        def assume(v: dict[str, Any], field: str = field) -> None:
            v["assumed"] = [{"field": field, "reason": "x"}]

        with pytest.raises(PolicyError, match=r"p\.yaml:\d+:\d+: versions\[0\]\.assumed\[0\]\.field: ") as info:
            load_policy(_mutated(assume), source="p.yaml")
        assert why in str(info.value), (field, str(info.value))


def test_a_transfer_outside_the_eea_needs_a_ground_that_holds() -> None:
    def recipients(v: dict[str, Any]) -> None:
        for system in v["systems"]:
            system["outside_eea"] = False  # the systems' own transfers: the next test
        v["recipients"] = [
            {"id": "host", "name": "Nordic hosting", "role": "processor", "country": "SE"},
            {"id": "none", "name": "US analytics", "role": "processor", "country": "US"},
            {"id": "dpf", "name": "Google LLC", "role": "independent-controller", "country": "US",
             "transfer": {"safeguard": "eu-us-dpf"}},
            {"id": "uk", "name": "UK support", "role": "processor", "country": "GB",
             "transfer": {"safeguard": "adequacy"}},
            {"id": "india", "name": "Support desk", "role": "processor", "country": "IN",
             "transfer": {"safeguard": "adequacy"}},
            {"id": "dpf-ca", "name": "Canadian CRM", "role": "processor", "country": "CA",
             "transfer": {"safeguard": "eu-us-dpf"}},
            {"id": "scc", "name": "Support desk", "role": "processor", "country": "IN",
             "transfer": {"safeguard": "standard-contractual-clauses"}},
        ]

    findings = _lint_changed(recipients)
    hits = _of(findings, "policy.transfer-without-safeguard")
    assert [(f.message.code, f.message.values, f.evidence) for f in hits] == [
        ("policy.transfer-without-safeguard", {"recipient": "none", "country": "US"},
         {"recipient": "none", "country": "US", "safeguard": None}),
        ("policy.transfer-without-safeguard.no-adequacy", {"recipient": "india", "country": "IN"},
         {"recipient": "india", "country": "IN", "safeguard": "adequacy"}),
        ("policy.transfer-without-safeguard.dpf-outside-us",
         {"recipient": "dpf-ca", "country": "CA"},
         {"recipient": "dpf-ca", "country": "CA", "safeguard": "eu-us-dpf"}),
    ]
    located = load_policy(_mutated(recipients), source="p.yaml")
    assert [f.location for f in hits] == [
        located.location(("versions", 0, "recipients", 1)),
        located.location(("versions", 0, "recipients", 4, "transfer")),
        located.location(("versions", 0, "recipients", 5, "transfer")),
    ]
    assert [f.subject.split(":", 1)[1] for f in hits] == [
        "recipients/none", "recipients/india", "recipients/dpf-ca"]
    assert all(f.severity is Severity.ERROR and f.location and f.location.line for f in hits)
    # recipients the policy names are recipients and transfers the statement must disclose
    omission = {f.evidence["item"]: f.evidence["because"] for f in _of(findings, "policy.notice-omission")}
    assert {"none", "dpf", "uk", "india", "dpf-ca", "scc"} <= set(omission["transfers"])
    assert "host" not in omission["transfers"] and "host" in omission["recipients"]


def test_a_system_outside_the_eea_is_a_transfer_its_vendor_answers_for_as_a_recipient() -> None:
    # the bundled statement names US vendors (S06, S07) but no ground for the transfers
    hits = _of(lint_policy(bundled_policy()), "policy.transfer-without-safeguard")
    assert [(f.severity, f.message.code, f.evidence["system"]) for f in hits] == [
        (Severity.WARNING, "policy.transfer-without-safeguard.system", s)
        for s in ("hubspot", "ga4", "gtm", "linkedin", "meta", "google-ads")]
    assert render_message(hits[0].message, "en") == (
        "System hubspot (HubSpot) takes the data outside the EEA, but its vendor is not among "
        "the recipients, with the country and the ground for the transfer.")

    def vendors_listed(v: dict[str, Any]) -> None:
        v["recipients"] = [
            {"id": "hubspot-inc", "name": "HubSpot, Inc.", "role": "processor", "country": "US",
             "transfer": {"safeguard": "eu-us-dpf"}},
            {"id": "google", "name": "Google LLC", "role": "processor", "country": "US"},
        ]

    hits = _of(_lint_changed(vendors_listed), "policy.transfer-without-safeguard")
    # listed, the vendor's ground is judged as a recipient's: Google's is missing
    assert [f.evidence.get("system", f.evidence.get("recipient")) for f in hits] == [
        "linkedin", "meta", "google"]
    assert hits[-1].severity is Severity.ERROR


def test_a_recipient_or_safeguard_of_kind_other_must_say_what_it_is() -> None:
    def other(v: dict[str, Any]) -> None:
        v["recipients"] = [{"id": "x", "name": "X", "role": "other", "country": "NO"}]

    with pytest.raises(PolicyError, match=r"recipients\[0\]\.note: expected who the recipient is"):
        load_policy(_mutated(other), source="p.yaml")


def test_automated_decisions_the_statement_does_not_mention_are_an_omission() -> None:
    def used(v: dict[str, Any]) -> None:
        v["automated_decisions"] = {"used": True, "description": {"en": "Lead scoring"}}

    items = {f.evidence["item"]: f for f in _of(_lint_changed(used), "policy.notice-omission")}
    f = items["automated-decision-making"]
    assert [str(x) for x in f.legal] == ["GDPR Art. 13(2)(f)"]
    assert "automated decision-making" in render_message(f.message, "en")

    def not_used(v: dict[str, Any]) -> None:
        v["automated_decisions"] = {"used": False}

    items = {f.evidence["item"] for f in _of(_lint_changed(not_used), "policy.notice-omission")}
    assert "automated-decision-making" not in items

    def disclosed(v: dict[str, Any]) -> None:
        used(v)
        v["discloses"].append("automated-decision-making")

    items = {f.evidence["item"] for f in _of(_lint_changed(disclosed), "policy.notice-omission")}
    assert "automated-decision-making" not in items


def test_retention_from_collection_ends_the_data_an_event_does_not() -> None:
    def from_collection(v: dict[str, Any]) -> None:
        v["retention"].append({"id": "purge", "trigger": "collection", "after": "P5Y",
                               "action": "delete"})

    assert _of(_lint_changed(from_collection), "policy.retention-without-end") == []

    def after_event(v: dict[str, Any]) -> None:
        v["retention"].append({"id": "purge", "trigger": "event", "event": "contract ends",
                               "after": "P2Y", "action": "delete"})

    assert len(_of(_lint_changed(after_event), "policy.retention-without-end")) == 1

    for bad, why in (({"trigger": "collection", "action": "delete"}, "after: expected the period"),
                     ({"trigger": "event", "after": "P1Y", "action": "delete"}, "event: expected"),
                     ({"trigger": "collection", "event": "x", "after": "P1Y", "action": "delete"},
                      "event: expected")):
        def add(v: dict[str, Any], bad: dict[str, Any] = bad) -> None:
            v["retention"].append({"id": "bad", **bad})

        with pytest.raises(PolicyError, match=why):
            load_policy(_mutated(add), source="p.yaml")


def test_a_period_the_statement_does_not_state_is_recorded_as_such_and_the_law_applies() -> None:
    def silent(v: dict[str, Any]) -> None:
        v["rights"]["response_period"] = "not-stated"
        v["rights"]["extension_notice_within"] = "not-stated"

    findings = _lint_changed(silent)
    notes = _of(findings, "policy.not-stated")
    assert [(f.severity, f.message.values) for f in notes] == [
        (Severity.NOTE, {"field": "rights.response_period", "law": "P1M"}),
        (Severity.NOTE, {"field": "rights.extension_notice_within", "law": "P1M"}),
    ]
    assert [s.clause for s in notes[0].statement] == ["S21"]
    located = load_policy(_mutated(silent), source="p.yaml")
    assert [f.location for f in notes] == [
        located.location(("versions", 0, "rights", "response_period")),
        located.location(("versions", 0, "rights", "extension_notice_within")),
    ]
    assert notes[0].evidence == {"field": "rights.response_period", "law": "P1M"}
    assert notes[0].subject.endswith(":rights/response_period")
    assert "the law's 1 month applies" in render_message(notes[0].message, "en")
    assert _of(findings, "policy.period-too-long") == []
    policy = load_policy(_mutated(silent), source="p.yaml")
    assert str(policy.latest.rights.in_force("response_period")) == "P1M"
    assert str(policy.latest.rights.in_force("extension")) == "P2M"


def test_a_purpose_of_kind_other_says_what_it_is_and_its_trackers_are_not_judged() -> None:
    def other(v: dict[str, Any]) -> None:
        p = next(p for p in v["purposes"] if p["id"] == "campaign-tracking")
        p["kind"] = "other"
        p["note"] = "Measuring print and radio campaigns"

    findings = _lint_changed(other)
    hits = _of(findings, "policy.tracker-category-mismatch")
    assert [(f.severity, f.message.code, f.evidence["purposes"]) for f in hits] == [
        (Severity.NOTE, "policy.tracker-category-mismatch.unjudged", ["campaign-tracking"])]
    assert hits[0].message.values == {"tracker": "campaign-tracking", "category": "marketing",
                                      "purposes": ["campaign-tracking"]}
    assert hits[0].evidence == hits[0].message.values
    assert hits[0].subject == "inmeta@2024-03-06:trackers/campaign-tracking"
    assert "{" not in render_message(hits[0].message, "nb")
    # located at the tracker's category, which the note is about
    assert hits[0].location is not None and hits[0].location.line is not None
    assert hits[0].location == load_policy(_mutated(other), source="p.yaml").location(
        ("versions", 0, "trackers", 6, "category"))

    def unexplained(v: dict[str, Any]) -> None:
        next(p for p in v["purposes"] if p["id"] == "campaign-tracking")["kind"] = "other"

    with pytest.raises(PolicyError, match=r"purposes\[\d+\]\.note: expected what the purpose is"):
        load_policy(_mutated(unexplained), source="p.yaml")


def test_the_national_law_table_is_what_the_lint_cites() -> None:
    from gdpr_policy._national import NATIONAL_LAW

    # the Norwegian cookie rule refuses browser settings as consent; a site under it brings
    # that floor, and the complaint authorities are the table's
    assert NATIONAL_LAW["NO"].refuses_browser_consent and not NATIONAL_LAW["SE"].refuses_browser_consent

    def no_browser_floor(v: dict[str, Any]) -> None:
        v["consent"]["forbidden_forms"].remove("browser-settings")

    below = _of(_lint_changed(no_browser_floor), "policy.consent-below-law")
    assert [f.evidence["article"] for f in below] == [NATIONAL_LAW["NO"].cookie_rule]

    def swedish_sites_only(v: dict[str, Any]) -> None:
        no_browser_floor(v)
        for site in v["sites"]:
            site["jurisdiction"] = "SE"

    assert _of(_lint_changed(swedish_sites_only), "policy.consent-below-law") == []
    complain = next(f for f in lint_policy(bundled_policy())
                    if f.evidence.get("item") == "right-to-complain")
    assert complain.evidence["because"] == sorted(
        NATIONAL_LAW[c].authority for c in ("NO", "SE"))


def _complaint(authority: str | None, **extra: Any) -> Any:
    def change(v: dict[str, Any]) -> None:
        v["discloses"] = [*v["discloses"], "right-to-complain"]
        v["rights"]["complaint"] = {"authority": authority, **extra}
    return change


@pytest.mark.parametrize("authority", [
    "Datatilsynet", "IMY", "Integritetsskyddsmyndigheten", "  integritetsskyddsmyndigheten ",
    "The Norwegian Data Protection Authority", None,
    # a name with its abbreviation or country beside it names the authority too
    "Integritetsskyddsmyndigheten (IMY)", "Integritetsskyddsmyndigheten, IMY",
    "Datatilsynet (Norway)", "the Norwegian Data Protection Authority (Datatilsynet)",
    "Datatilsynet / IMY",
])
def test_a_complaint_to_an_authority_of_the_policys_countries_is_clean(
        authority: str | None) -> None:
    findings = _lint_changed(_complaint(authority, href="https://www.datatilsynet.no"))
    assert _of(findings, "policy.complaint-authority") == []
    # the right is disclosed: no Art. 13(2)(d) omission either
    items = {f.message.values.get("item") for f in _of(findings, "policy.notice-omission")}
    assert "right-to-complain" not in items


@pytest.mark.parametrize("authority", [
    "Forbrukertilsynet (Datatilsynets søster)", "CNIL (France)", "Datatilsynets klagenemnd"])
def test_a_part_that_only_resembles_the_authority_is_no_match(authority: str) -> None:
    assert len(_of(_lint_changed(_complaint(authority)), "policy.complaint-authority")) == 1


def _two_versions(first_until: str, change: Any) -> list[Any]:
    """Lint a policy whose first version (changed by ``change``) ends on ``first_until``."""
    import copy

    data = yaml.safe_load(TEXT)
    current = data["versions"][0]
    old = copy.deepcopy(current)
    old["version"] = "2019-01-01"
    old["effective_from"] = dt.date(2019, 1, 1)
    old.pop("effective_until", None)
    change(old)
    current["effective_from"] = dt.date.fromisoformat(first_until) + dt.timedelta(days=1)
    data["versions"] = [old, current]
    policy = load_policy(data, source="p.yaml")
    return [f for f in lint_policy(policy) if f.subject.startswith(f"{policy.id}@2019-01-01:")]


def test_an_old_version_is_judged_by_the_law_and_names_of_its_own_days() -> None:
    def old_words(v: dict[str, Any]) -> None:
        v["rights"]["complaint"] = {"authority": "Datainspektionen"}
        v["discloses"] = ["right-to-complain", *v["discloses"]]
        v["consent"]["forbidden_forms"] = [
            f for f in v["consent"]["forbidden_forms"] if f != "browser-settings"]

    # in force 2019-2020: Datainspektionen was IMY's name (until 31 December 2020), and the
    # 2003 ekomloven took browser settings as consent (until 31 December 2024)
    found = _two_versions("2020-12-31", old_words)
    assert _of(found, "policy.complaint-authority") == []
    assert not [f for f in _of(found, "policy.consent-below-law")
                if f.evidence["field"] == "consent.forbidden_forms"]
    # in force into 2021: the name had changed while it was in force
    [renamed] = _of(_two_versions("2021-06-30", old_words), "policy.complaint-authority")
    assert renamed.message.code == "policy.complaint-authority.renamed"
    # in force into 2025: § 3-15 refuses browser settings
    [below] = [f for f in _of(_two_versions("2025-01-01", old_words), "policy.consent-below-law")
               if f.evidence["field"] == "consent.forbidden_forms"]
    assert below.evidence["missing"] == ["browser-settings"]


def test_a_complaint_to_another_body_is_a_warning_naming_the_competent_ones() -> None:
    text = _mutated(_complaint("Forbrukertilsynet"))
    (hit,) = _of(lint_policy(load_policy(text, source="p.yaml")), "policy.complaint-authority")
    assert hit.severity is Severity.WARNING
    assert hit.message.code == "policy.complaint-authority"
    assert hit.message.values == {"authority": "Forbrukertilsynet",
                                  "expected": ["Datatilsynet", "IMY"]}
    assert hit.evidence == hit.message.values
    assert hit.subject.endswith("rights/complaint/authority")
    assert hit.location is not None and hit.location.line is not None
    assert text.splitlines()[hit.location.line - 1].strip() == "authority: Forbrukertilsynet"
    assert [str(x) for x in hit.legal] == ["GDPR Art. 13(2)(d)", "GDPR Art. 77(1)"]


def _bavarian_entity(v: dict[str, Any]) -> None:
    v["controller"]["entities"] = [{
        "legal_name": "Inmeta GmbH", "organisation_number": "München HRB 123456",
        "country": "DE", "subdivision": "DE-BY"}]


def test_the_competent_authorities_named_are_the_ones_accepted() -> None:
    # An entity in a country that is no jurisdiction of the policy still addresses its
    # people (Art. 77(1)): its authority is accepted, and so it is named as expected.
    from gdpr_policy._national import NATIONAL_LAW

    bavarian = NATIONAL_LAW["DE"].regional_authorities["DE-BY"]

    def both(name: str) -> Any:
        def change(v: dict[str, Any]) -> None:
            _complaint(name)(v)
            _bavarian_entity(v)
        return change

    assert _of(_lint_changed(both(bavarian)), "policy.complaint-authority") == []
    (hit,) = _of(_lint_changed(both("Forbrukertilsynet")), "policy.complaint-authority")
    assert hit.message.values["expected"] == sorted(["Datatilsynet", "IMY", bavarian])
    omission = next(f for f in lint_policy(load_policy(_mutated(_bavarian_entity),
                                                       source="p.yaml"))
                    if f.evidence.get("item") == "right-to-complain")
    assert bavarian in omission.evidence["because"]


def test_a_complaint_to_the_authoritys_former_name_says_its_current_one() -> None:
    import datetime as dt

    from gdpr_policy.i18n import render

    text = _mutated(_complaint("Datainspektionen"))
    (hit,) = _of(lint_policy(load_policy(text, source="p.yaml")), "policy.complaint-authority")
    assert hit.message.code == "policy.complaint-authority.renamed"
    assert hit.message.values == {"authority": "Datainspektionen", "current": "IMY",
                                  "since": dt.date(2021, 1, 1)}
    assert hit.evidence == {"authority": "Datainspektionen", "expected": ["Datatilsynet", "IMY"],
                            "current": "IMY", "since": "2021-01-01"}
    assert hit.location is not None and hit.location.line is not None
    assert text.splitlines()[hit.location.line - 1].strip() == "authority: Datainspektionen"
    assert "IMY" in render(hit.message, "sv")


def test_a_stated_complaint_right_must_be_among_what_the_statement_discloses() -> None:
    def contradicting(v: dict[str, Any]) -> None:
        v["rights"]["complaint"] = {"authority": "Datatilsynet"}

    with pytest.raises(PolicyError, match=r"discloses: expected right-to-complain"):
        _lint_changed(contradicting)


def test_a_retention_period_not_stated_is_an_art_13_2_a_omission_whatever_discloses_says() -> None:
    def silent_period(v: dict[str, Any]) -> None:
        kept = next(r for r in v["retention"] if r["trigger"] == "inactivity")
        kept["after"] = "not-stated"
        v["discloses"] = sorted({*v["discloses"], "retention-periods"})

    text = _mutated(silent_period)
    hits = [f for f in _of(lint_policy(load_policy(text, source="p.yaml")), "policy.notice-omission")
            if f.message.code == "policy.notice-omission.not-stated"]
    (hit,) = hits
    assert hit.severity is Severity.WARNING
    assert hit.message.values == hit.evidence == {
        "item": "retention-periods", "article": "GDPR Art. 13(2)(a)",
        "retention": "inactive-contacts"}
    assert [str(x) for x in hit.legal] == ["GDPR Art. 13(2)(a)"]
    assert hit.location is not None and hit.location.line is not None
    assert text.splitlines()[hit.location.line - 1].strip() == "after: not-stated"
    assert hit.subject.endswith("retention/inactive-contacts/after")
    # without discloses, the omission is still reported beside the undeclared note
    def undeclared(v: dict[str, Any]) -> None:
        silent_period(v)
        del v["discloses"]

    codes = sorted(f.message.code for f in _of(_lint_changed(undeclared), "policy.notice-omission"))
    assert codes == ["policy.notice-omission.not-stated", "policy.notice-omission.undeclared"]


def test_findings_of_the_statement_against_itself_name_their_line_and_evidence() -> None:
    # what the mutation sample found unpinned: each finding's line in the policy and its
    # evidence, for the rules whose tests checked only the message
    def change(v: dict[str, Any]) -> None:
        t = _tracker(v, "campaign-tracking")
        t["provider"] = "Inmeta"
        del t["system"]
        _tracker(v, "meta-pixel")["cookies"][0]["domain"] = ".facebook.com"
        v["assumed"] = [{"field": "rights.identity.prompt_within", "reason": "S20 says no time"}]

    rules = {"policy.cookie-outlives-consent", "policy.disclosure-contradiction",
             "policy.tracker-provider-mismatch", "policy.cookie-spec-mismatch",
             "policy.assumed-value"}
    got = sorted((f.rule, f.subject.split(":", 1)[1], line, f.evidence)
                 for f, line in _findings_with_lines(change) if f.rule in rules)
    meta_cookie = bundled_policy().latest.tracker("meta-pixel").cookies[0].name
    assert got == sorted([
        ("policy.assumed-value", "assumed/rights.identity.prompt_within",
         "- field: rights.identity.prompt_within",
         {"field": "rights.identity.prompt_within", "value": "P3D",
          "reason": "S20 says no time"}),
        ("policy.cookie-outlives-consent", "trackers/google-analytics/cookies/_ga",
         "lifetime: P2Y", {"tracker": "google-analytics", "cookie": "_ga", "lifetime": "P2Y",
                           "consent_lifetime": "P13M"}),
        ("policy.cookie-outlives-consent", "trackers/google-analytics/cookies/^_ga_[A-Z0-9]+$",
         "lifetime: P2Y", {"tracker": "google-analytics", "cookie": "^_ga_[A-Z0-9]+$",
                           "lifetime": "P2Y", "consent_lifetime": "P13M"}),
        ("policy.cookie-spec-mismatch", f"trackers/meta-pixel/cookies/{meta_cookie}",
         f"- name: {meta_cookie}",
         {"tracker": "meta-pixel", "cookie": meta_cookie, "party": "first",
          "domain": ".facebook.com", "session": False, "lifetime": "P3M",
          "sites": ["inmeta.no", "inmeta.se"]}),
        ("policy.disclosure-contradiction", "trackers/campaign-tracking",
         "provider_role: independent-controller",
         {"tracker": "campaign-tracking", "provider": "Inmeta",
          "role": "independent-controller", "third_parties": False}),
        ("policy.disclosure-contradiction", "trackers/linkedin-insight",
         "provider_role: joint-controller",
         {"tracker": "linkedin-insight", "provider": "LinkedIn", "role": "joint-controller",
          "third_parties": False}),
        ("policy.disclosure-contradiction", "trackers/meta-pixel",
         "provider_role: joint-controller",
         {"tracker": "meta-pixel", "provider": "Meta", "role": "joint-controller",
          "third_parties": False}),
        ("policy.tracker-provider-mismatch", "trackers/campaign-tracking", "provider: Inmeta",
         {"tracker": "campaign-tracking", "provider": "Inmeta", "source": "cookie _gcl_au",
          "vendor": "Google Ireland Ltd."}),
    ])


def test_below_law_channel_and_vendor_findings_name_their_subject_line_and_evidence() -> None:
    # what the mutation run found unpinned for these rules: subjects, evidence, values; a
    # channel named twice for one use (here for withdrawal, in the consent section and by a
    # purpose) is reported once
    def change(v: dict[str, Any]) -> None:
        v["consent"]["criteria"].remove("informed")
        v["consent"]["per_purpose"] = False
        v["consent"]["withdrawal_channels"].append("phone")
        next(p for p in v["purposes"] if p["id"] == "analytics")["withdrawal_channels"] = ["phone"]
        next(s for s in v["systems"] if s["id"] == "hubspot")["vendor"] = "Salesforce"

    rules = {"policy.consent-below-law", "policy.channel-use-mismatch",
             "policy.tracker-provider-mismatch"}
    got = sorted(((f.rule, f.subject.split(":", 1)[1], line, dict(f.message.values), f.evidence)
                  for f, line in _findings_with_lines(change) if f.rule in rules), key=str)
    criteria = {"field": "consent.criteria", "missing": ["informed"], "article": "GDPR Art. 4(11)"}
    per_purpose = {"field": "consent.per_purpose", "missing": ["true"],
                   "article": "GDPR Recital 43"}
    vendor = {"tracker": "hubspot", "provider": "HubSpot", "source": "system hubspot",
              "vendor": "Salesforce"}
    assert got == sorted([
        ("policy.channel-use-mismatch", "controller/channels/phone", "- general",
         {"channel": "phone", "field": "consent.withdrawal_channels", "use": "consent-withdrawal"},
         {"channel": "phone", "named_in": "consent.withdrawal_channels",
          "use": "consent-withdrawal", "uses": ["general"]}),
        ("policy.consent-below-law", "consent.criteria", "- freely-given", criteria, criteria),
        ("policy.consent-below-law", "consent.per_purpose", "per_purpose: false", per_purpose,
         per_purpose),
        ("policy.tracker-provider-mismatch", "trackers/hubspot", "provider: HubSpot", vendor,
         vendor),
    ], key=str)


def test_every_art_13_omission_names_what_makes_it_required() -> None:
    # a statement that discloses nothing, with a decision made by machine, an own tracker
    # and another vendor's without a system, and a joint controller among the recipients
    def change(v: dict[str, Any]) -> None:
        v["discloses"] = []
        v["automated_decisions"] = {"used": True}
        site = dict(_tracker(v, "sanity-session"))
        v["trackers"] += [
            {**site, "id": "own-session", "provider": v["controller"]["legal_name"]},
            {**site, "id": "pinterest-tag", "provider": "Pinterest"},
        ]
        for t in v["trackers"][-2:]:
            t.pop("system", None)
            t.pop("cookies", None)
        v["recipients"] = [{"id": "partner", "name": "Partner AB", "role": "joint-controller",
                            "country": "SE"}]

    doc = yaml.safe_load(_mutated(change))["versions"][0]
    purposes = sorted(p["id"] for p in doc["purposes"])
    omissions = [(f, line) for f, line in _findings_with_lines(change)
                 if f.rule == "policy.notice-omission"]
    got = {f.subject.split(":", 1)[1].removeprefix("discloses/"): (line, f.message.code,
                                                                     f.evidence["because"])
           for f, line in omissions}
    assert {k: v[0] for k, v in got.items()} == dict.fromkeys(got, "discloses: []")
    assert {k: v[2] for k, v in got.items()} == {
        "controller-identity": [],
        "purposes": purposes,
        "legal-basis": purposes,
        "retention-periods": sorted(r["id"] for r in doc["retention"]),
        "rights": sorted(doc["rights"]["rights"]),
        "right-to-complain": ["Datatilsynet", "IMY"],
        # other vendors' systems, trackers without a system (not the controller's own),
        # and every recipient
        "recipients": ["ga4", "google-ads", "gtm", "hubspot", "linkedin", "meta", "partner",
                       "pinterest-tag", "sanity"],
        "transfers": ["ga4", "google-ads", "gtm", "hubspot", "linkedin", "meta"],
        "right-to-withdraw": sorted(p["id"] for p in doc["purposes"] if p["basis"] == "consent"),
        "joint-controller-arrangement": ["linkedin-insight", "meta-pixel", "partner"],
        "automated-decision-making": ["automated_decisions"],
    }
    assert got["right-to-complain"][1] == "policy.notice-omission.right-to-complain"
    values = {f.message.values["item"]: f.message.values for f, _ in omissions}
    assert values["transfers"] == {"item": "transfers", "article": "GDPR Art. 13(1)(f)"}
    assert values["right-to-complain"] == {"item": "right-to-complain",
                                           "article": "GDPR Art. 13(2)(d)",
                                           "authorities": ["Datatilsynet", "IMY"]}
    assert {v[1] for k, v in got.items() if k != "right-to-complain"} == {
        "policy.notice-omission"}

    def undeclared(v: dict[str, Any]) -> None:
        del v["discloses"]

    (note,) = [(f, line) for f, line in _findings_with_lines(undeclared)
               if f.rule == "policy.notice-omission"]
    assert note[0].severity is Severity.NOTE
    assert note[0].subject.endswith("discloses")
    assert note[1] == "- version: '2024-03-06'"  # the version as a whole
    assert note[0].evidence == {"required": sorted(
        {"controller-identity", "purposes", "legal-basis", "retention-periods", "rights",
         "right-to-complain", "recipients", "transfers", "right-to-withdraw",
         "joint-controller-arrangement"})}


def test_lint_of_something_that_is_no_policy_is_a_usage_error_naming_the_argument() -> None:
    from gdpr_policy import UsageError

    with pytest.raises(UsageError, match=r"^policy: expected .*gdpr_policy.bundled_policy\(\)"):
        lint_policy(bundled_policy().latest)  # type: ignore[arg-type]


def test_a_known_analytics_or_marketing_cookie_filed_as_necessary() -> None:
    # _ga and _fbp are no strictly necessary storage whatever the policy files them under
    def necessary(v: dict[str, Any]) -> None:
        v["trackers"].append({
            "id": "security-cookies", "provider": "Inmeta Consulting AS",
            "category": "necessary", "consent_required": False,
            "purposes": [_tracker(v, "sanity-session")["purposes"][0]],
            "cookies": [{"name": "_ga", "lifetime": "P2Y"}, {"name": "csrftoken", "session": True},
                        {"name": "_fbp", "lifetime": "P3M"}]})

    text = _mutated(necessary)
    hits = [f for f in _of(lint_policy(load_policy(text, source="p.yaml")),
                           "policy.tracker-category-mismatch")
            if f.message.code.endswith(".known-cookie")]
    assert [(f.severity, f.evidence["cookie"], f.evidence["known_as"]) for f in hits] == [
        (Severity.ERROR, "_ga", "analytics"), (Severity.ERROR, "_fbp", "marketing")]
    lines = text.splitlines()
    assert [lines[f.location.line - 1].strip() for f in hits if f.location and f.location.line] == [
        "- name: _ga", "- name: _fbp"]
    assert render_message(hits[0].message, "en") == (
        "Tracker security-cookies is filed as necessary, but its cookie _ga is set by Google Ireland "
        "Ltd. for "
        "analytics, which is not strictly necessary storage: only that is exempt from consent.")
    # the bundled policy files none of its known cookies as necessary
    assert not [f for f in _of(lint_policy(bundled_policy()), "policy.tracker-category-mismatch")
                if f.message.code.endswith(".known-cookie")]


def test_a_public_authority_as_recipient_needs_the_legal_authority_exception() -> None:
    def authority(v: dict[str, Any]) -> None:
        v["recipients"] = [*v.get("recipients", []), {
            "id": "skatt", "name": "Skatteetaten", "role": "public-authority", "country": "NO"}]

    def without_exception(v: dict[str, Any]) -> None:
        authority(v)
        v["disclosure"]["exceptions"] = []

    def recipient_hits(findings: list[Any]) -> list[Any]:
        return [f for f in _of(findings, "policy.disclosure-contradiction")
                if f.evidence.get("recipient") == "skatt"]

    # the bundled statement excepts disclosures to authorities the law requires (S14)
    assert recipient_hits(_lint_changed(authority)) == []
    (hit,) = recipient_hits(_lint_changed(without_exception))
    assert hit.message.values == {"recipient": "skatt", "name": "Skatteetaten",
                                  "role": "public-authority"}
    assert "(role: public authority;" in render_message(hit.message, "en")
    assert "(rolle: offentlig myndighet;" in render_message(hit.message, "nb")


def test_a_policy_that_allows_disclosure_has_no_promise_to_contradict() -> None:
    def allows(v: dict[str, Any]) -> None:
        v["disclosure"] = {"third_parties": True}
        v["recipients"] = [*v.get("recipients", []), {
            "id": "partner", "name": "Partner AB", "role": "independent-controller",
            "country": "SE"}]

    # before, the legal purpose without the legal-authority exception was still reported
    assert _of(_lint_changed(allows), "policy.disclosure-contradiction") == []


def test_no_retention_rule_at_all_keeps_everyones_data_for_ever() -> None:
    # a statement said to give its retention periods, encoded with none: less retention
    # got fewer findings than one on-request rule
    def none(v: dict[str, Any]) -> None:
        v["retention"] = []
        v["discloses"] = [*v["discloses"], "retention-periods"]

    findings = _lint_changed(none)
    (f,) = _of(findings, "policy.retention-without-end")
    assert f.message.code == "policy.retention-without-end.none"
    assert f.evidence == {"retention": [], "deletes_on": []}

    # not said to give them: the Art. 13(2)(a) omission, reported once, by notice-omission
    def omitted(v: dict[str, Any]) -> None:
        v["retention"] = []

    findings = _lint_changed(omitted)
    assert _of(findings, "policy.retention-without-end") == []
    assert "retention-periods" in {f.message.values.get("item")
                                   for f in _of(findings, "policy.notice-omission")}


def test_the_withdrawal_right_is_owed_only_where_consent_is_relied_on() -> None:
    def no_consent(v: dict[str, Any]) -> None:
        v["purposes"] = [p for p in v["purposes"]
                         if "consent" not in (p["basis"], *p.get("national_basis", []))]
        kept = {p["id"] for p in v["purposes"]}
        v["trackers"] = [t for t in v["trackers"] if set(t["purposes"]) <= kept
                         and not t.get("consent_required", True)]
        v["rights"]["rights"].remove("consent-withdrawal")

    def fields(findings: list[Any]) -> list[str]:
        return [f.message.values["field"] for f in _of(findings, "policy.consent-below-law")]

    assert "rights.rights" not in fields(_lint_changed(no_consent))

    def consent_without_the_right(v: dict[str, Any]) -> None:
        v["rights"]["rights"].remove("consent-withdrawal")

    (hit,) = [f for f in _of(_lint_changed(consent_without_the_right), "policy.consent-below-law")
              if f.message.values["field"] == "rights.rights"]
    assert hit.message.values["missing"] == ["consent-withdrawal"]
    assert [str(x) for x in hit.legal] == ["GDPR Art. 7(3)"]


def test_portability_formats_written_by_name_are_their_media_types() -> None:
    def named(v: dict[str, Any]) -> None:
        v["rights"]["portability_formats"] = ["JSON", "CSV", ".xlsx", "XML", "PDF", "Word"]

    hits = _of(_lint_changed(named), "policy.portability-format")
    assert [f.message.values["format"] for f in hits] == ["PDF", "Word"]


@pytest.mark.parametrize(("kind", "value", "href", "mismatch"), [
    ("email", "hei@inmeta.no", "MAILTO:hei@inmeta.no", False),  # schemes ignore case
    ("email", "hei@inmeta.no", "Mailto:post@inmeta.no?subject=Hei", True),
    ("phone", "+47 23 00 67 00", "tel:+4723006700", False),
    ("phone", "23 00 67 00", "tel:+47-23-00-67-00", False),  # the country code left out
    ("phone", "0047 23 00 67 00", "TEL:+4723006700", False),
    ("phone", "+47 23 00 67 00", "tel:+4799999999", True),
    ("phone", "+47 23 00 67 00", "https://www.inmeta.no/kontakt", True),
    ("web", "inmeta.no/kontakt", "https://www.inmeta.no/kontakt?x=1", False),
    ("web", "www.inmeta.no/kontakt", "https://forms.example.com/inmeta", True),
    ("web", "the contact form", "https://forms.example.com/inmeta", False),  # no address shown
])
def test_a_channel_shown_one_way_and_linked_another(kind: str, value: str, href: str,
                                                     mismatch: bool) -> None:
    def channel(v: dict[str, Any]) -> None:
        v["controller"]["channels"].append({"id": "extra", "kind": kind, "value": value,
                                            "href": href, "uses": ["general"]})

    hits = [f for f in _of(_lint_changed(channel), "policy.channel-mismatch")
            if f.evidence["channel"] == "extra"]
    assert bool(hits) is mismatch


def test_a_first_party_cookie_on_the_sites_parent_domain_is_the_sites_own() -> None:
    from gdpr_policy._lint import _on_sites

    # www.inmeta.no sets _ga on .inmeta.no: its own registrable domain
    assert _on_sites(".inmeta.no", ["www.inmeta.no"])
    assert not _on_sites(".no", ["www.inmeta.no"])
    assert not _on_sites(".evil.no", ["www.inmeta.no"])


def test_a_banner_consent_withdrawn_only_by_browser_settings_or_letter() -> None:
    # consent given with one click in the banner, withdrawn only through the browser's
    # settings: not as easy as giving (Art. 7(3), EDPB Guidelines 05/2020 para. 114)
    def browser_only(v: dict[str, Any]) -> None:
        for p in v["purposes"]:
            if p["id"] == "analytics":
                p["withdrawal_channels"] = ["browser-settings", "phone"]

    (hit,) = [f for f in _of(_lint_changed(browser_only), "policy.consent-without-withdrawal")
              if f.message.code.endswith(".not-as-easy")]
    assert hit.severity is Severity.WARNING
    assert hit.evidence == {"purpose": "analytics",
                            "withdrawal_channels": ["browser-settings", "phone"],
                            "kinds": ["browser-settings", "phone"]}
    assert render_message(hit.message, "en").startswith(
        "Purpose analytics rests on consent given in the cookie banner, but it can be "
        "withdrawn only through browser-settings and phone")
    # the bundled purposes name the banner or the declaration; the marketing e-mails'
    # consent is given in a form, not the banner: its unsubscribe link is its way back
    assert not [f for f in _of(lint_policy(bundled_policy()), "policy.consent-without-withdrawal")
                if f.message.code.endswith(".not-as-easy")]
