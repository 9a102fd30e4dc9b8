from __future__ import annotations

import pytest

import gdpr_policy

PUBLIC = [
    "REGISTRY",
    "Banner",
    "Calendar",
    "ConsentDecision",
    "ConsentRecord",
    "Context",
    "Deadline",
    "Duration",
    "EvaluationError",
    "FileSelection",
    "Finding",
    "GdprPolicyError",
    "HostileInputError",
    "IdentityDecision",
    "InputError",
    "Issue",
    "LegalRef",
    "ListStatus",
    "Location",
    "MarketingDecision",
    "Message",
    "Objection",
    "Policy",
    "PolicyError",
    "PolicyVersion",
    "PortalMapping",
    "Promise",
    "Recipient",
    "RecordError",
    "Registry",
    "Request",
    "RequestVerdict",
    "Rule",
    "Severity",
    "SnapshotInput",
    "StatementRef",
    "UsageError",
    "WarehouseTables",
    "__version__",
    "audit_snapshot",
    "audit_tables",
    "bundled_policy",
    "classify_files",
    "compute_deadline",
    "deadline_hook",
    "decide_consent",
    "decide_identity",
    "detect_format",
    "evaluate_banner",
    "evaluate_consent",
    "evaluate_request",
    "get_calendar",
    "is_consent_valid",
    "lint_policy",
    "load_all_rules",
    "load_policy",
    "may_send_marketing",
    "parse_consent_record",
    "parse_request",
    "read_banner",
    "render_message",
    "request_deadline",
    "response_deadline",
]


def _isort_key(name: str) -> tuple[int, str]:
    # The order ruff's RUF022 keeps: CONSTANTS, then Classes, then functions.
    return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)


def test_all_is_pinned_and_sorted() -> None:
    assert gdpr_policy.__all__ == PUBLIC
    assert sorted(gdpr_policy.__all__, key=_isort_key) == gdpr_policy.__all__


def test_every_public_name_resolves() -> None:
    for name in gdpr_policy.__all__:
        assert getattr(gdpr_policy, name) is not None


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="nothing_here"):
        gdpr_policy.nothing_here  # noqa: B018


def test_private_modules_stay_private() -> None:
    assert all(not name.startswith("_") or name == "__version__" for name in gdpr_policy.__all__)


def test_results_have_a_json_form_and_wrong_types_say_what_was_expected() -> None:
    import datetime as dt
    import json

    policy = gdpr_policy.bundled_policy()
    version = policy.at("2026-03-02")
    assert version is policy.at(dt.date(2026, 3, 2))
    with pytest.raises(gdpr_policy.UsageError, match=r"^day: expected a date"):
        policy.at(20260302)  # type: ignore[arg-type]
    with pytest.raises(gdpr_policy.UsageError, match=r"^policy: expected a Policy \(the whole"):
        gdpr_policy.lint_policy(version)  # type: ignore[arg-type]
    request = gdpr_policy.parse_request(
        {"id": "r", "type": "access", "channel": "email", "received_at": "2026-03-02T10:00Z"}
    )
    for result in (
        gdpr_policy.request_deadline(request, version).to_json(),
        gdpr_policy.decide_identity(request, version).to_json(),
        gdpr_policy.lint_policy(policy)[0].model_dump(mode="json"),
    ):
        json.dumps(result)
