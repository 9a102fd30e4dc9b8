"""gdpr-policy: a privacy statement as policy-as-code.

The public API is the names in ``__all__``; everything in a ``_module`` is
private. Names are imported on first use, so that ``import gdpr_policy`` stays
cheap for a CI step that needs one command.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from ._catalog import load_all_rules
    from ._duration import Duration
    from ._errors import (
        EvaluationError,
        GdprPolicyError,
        HostileInputError,
        InputError,
        Issue,
        PolicyError,
        RecordError,
        UsageError,
    )
    from ._lint import lint_policy
    from ._messages import Location, Message
    from ._policy import Policy, PolicyVersion, bundled_policy, load_policy
    from ._refs import LegalRef, Promise, StatementRef
    from ._rules import REGISTRY, Context, Finding, Registry, Rule, Severity
    from ._time import Calendar, Deadline, get_calendar, response_deadline
    from .audit import (
        FileSelection,
        PortalMapping,
        RequestVerdict,
        SnapshotInput,
        WarehouseTables,
        audit_snapshot,
        audit_tables,
        classify_files,
        deadline_hook,
    )
    from .banner import Banner, detect_format, read_banner
    from .banner.rules import evaluate_banner
    from .consent import (
        ConsentDecision,
        ConsentRecord,
        decide_consent,
        evaluate_consent,
        is_consent_valid,
        parse_consent_record,
    )
    from .i18n import render_message
    from .marketing import (
        ListStatus,
        MarketingDecision,
        Objection,
        Recipient,
        may_send_marketing,
    )
    from .requests import (
        IdentityDecision,
        Request,
        compute_deadline,
        decide_identity,
        evaluate_request,
        parse_request,
        request_deadline,
    )

__all__ = [
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

# Where each public name lives; read by __getattr__ on first access.
_LOCATIONS: dict[str, str] = {
    "REGISTRY": "._rules",
    "Banner": ".banner",
    "Calendar": "._time",
    "ConsentDecision": ".consent",
    "ConsentRecord": ".consent",
    "Context": "._rules",
    "Deadline": "._time",
    "Duration": "._duration",
    "EvaluationError": "._errors",
    "FileSelection": ".audit",
    "Finding": "._rules",
    "GdprPolicyError": "._errors",
    "HostileInputError": "._errors",
    "IdentityDecision": ".requests",
    "InputError": "._errors",
    "Issue": "._errors",
    "LegalRef": "._refs",
    "ListStatus": ".marketing",
    "Location": "._messages",
    "MarketingDecision": ".marketing",
    "Message": "._messages",
    "Objection": ".marketing",
    "Policy": "._policy",
    "PolicyError": "._errors",
    "PolicyVersion": "._policy",
    "Promise": "._refs",
    "PortalMapping": ".audit",
    "Recipient": ".marketing",
    "RecordError": "._errors",
    "Registry": "._rules",
    "Request": ".requests",
    "RequestVerdict": ".audit",
    "Rule": "._rules",
    "Severity": "._rules",
    "SnapshotInput": ".audit",
    "StatementRef": "._refs",
    "UsageError": "._errors",
    "WarehouseTables": ".audit",
    "audit_snapshot": ".audit",
    "audit_tables": ".audit",
    "bundled_policy": "._policy",
    "classify_files": ".audit",
    "compute_deadline": ".requests",
    "deadline_hook": ".audit",
    "decide_consent": ".consent",
    "decide_identity": ".requests",
    "detect_format": ".banner",
    "evaluate_banner": ".banner.rules",
    "evaluate_consent": ".consent",
    "evaluate_request": ".requests",
    "get_calendar": "._time",
    "is_consent_valid": ".consent",
    "lint_policy": "._lint",
    "load_all_rules": "._catalog",
    "load_policy": "._policy",
    "may_send_marketing": ".marketing",
    "parse_consent_record": ".consent",
    "parse_request": ".requests",
    "read_banner": ".banner",
    "render_message": ".i18n",
    "request_deadline": ".requests",
    "response_deadline": "._time",
}


def __getattr__(name: str) -> Any:
    try:
        module = _LOCATIONS[name]
    except KeyError:
        raise AttributeError(f"module 'gdpr_policy' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
