"""Auditing CRM snapshots: HubSpot exports and e-mail and request logs against the policy.

The readers (``_csv``, ``_json``, ``_logs``) turn HubSpot-shaped text into the
canonical records of ``_model``; the portal mapping (``_mapping``) says which
properties mean what; ``_engine`` streams the send log and reconciles every
file; ``rules`` holds the pure rules. The public entry points are
:func:`audit_snapshot`, :func:`audit_tables` (warehouse tables, in place) and
:func:`classify_files`.
"""

from ._csv import DEFAULT_DATETIME_FORMAT, read_contacts_csv
from ._deadlines import deadline_hook, to_request
from ._engine import (
    AUDIT_RULES,
    FileSelection,
    RequestHook,
    RequestVerdict,
    SnapshotInput,
    audit_snapshot,
    classify_files,
    inactivity_cutoff,
)
from ._json import read_contacts_json
from ._logs import read_campaigns, read_requests, read_sends, read_subscriptions
from ._mapping import PortalMapping, PropertyCatalog
from ._model import (
    Activity,
    Campaign,
    Contact,
    DsrRequest,
    Send,
    SubscriptionRecord,
    SubscriptionStatus,
    WideStatus,
)
from ._tables import WarehouseTable, WarehouseTables, audit_tables

__all__ = [
    "AUDIT_RULES",
    "DEFAULT_DATETIME_FORMAT",
    "Activity",
    "Campaign",
    "Contact",
    "DsrRequest",
    "FileSelection",
    "PortalMapping",
    "PropertyCatalog",
    "RequestHook",
    "RequestVerdict",
    "Send",
    "SnapshotInput",
    "SubscriptionRecord",
    "SubscriptionStatus",
    "WarehouseTable",
    "WarehouseTables",
    "WideStatus",
    "audit_snapshot",
    "audit_tables",
    "classify_files",
    "deadline_hook",
    "inactivity_cutoff",
    "read_campaigns",
    "read_contacts_csv",
    "read_contacts_json",
    "read_requests",
    "read_sends",
    "read_subscriptions",
    "to_request",
]
