"""The canonical snapshot records every adapter produces and every audit rule reads.

Why two kinds of model. The records of the big inputs (contacts, subscription
statuses, e-mail sends: 10^5 to 10^7 of them) are frozen, slotted dataclasses:
a pydantic model costs several microseconds per instance to validate, which on
two million sends is most of the time budget, and the send log is scanned
without building a record per line at all (see ``_logs.scan_sends``). Their
validation happens once per field in the readers, which check every value and
turn a bad one into a located :class:`~gdpr_policy.RecordError`, so a record
that exists is valid. The small inputs (campaigns, data-subject requests: a few
hundred rows) are frozen pydantic models with ``extra="forbid"``, as everywhere
else in the library, because they cross the API boundary to the request
deadline engine.

Times are timezone-aware ``datetime`` in UTC. E-mail addresses are stripped and
lower-cased (HubSpot treats them case-insensitively). Record ids are strings:
HubSpot ids exceed 2^31 and lose precision as floats.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict

__all__ = [
    "Activity",
    "Campaign",
    "Contact",
    "DsrRequest",
    "Purpose",
    "RequestStatus",
    "RequestType",
    "Send",
    "SubscriptionRecord",
    "SubscriptionStatus",
    "WideStatus",
]

Purpose = Literal["marketing", "administrative", "transactional"]
PURPOSES: frozenset[str] = frozenset({"marketing", "administrative", "transactional"})
RequestType = Literal[
    "access", "rectification", "erasure", "restriction", "objection", "portability"
]
RequestStatus = Literal["open", "in_progress", "fulfilled", "denied", "revoked"]


@dataclass(frozen=True, slots=True)
class Activity:
    """One activity time of a contact: the portal property it came from and when."""

    prop: str
    at: dt.datetime


@dataclass(frozen=True, slots=True)
class Contact:
    """A CRM contact as the rules see it, whatever export it came from.

    ``record_id`` is ``None`` when the export's id was unusable (Excel turned it
    into ``3.01E+10``); ``id_note`` then says so and the contact is matched on
    ``email``. ``activities`` holds every non-empty date-time property the
    mapping names as an activity signal or as logged processing; which of them
    count is the audit's business, not the reader's. ``created_at`` is always
    an activity floor: a record cannot have been inactive before it existed.

    ``columns`` names the internal properties the export had for this contact
    (a CSV's contact columns, an API object's property keys), so that a rule
    can tell "empty" from "not exported"; ``None`` means unknown (a record
    built by hand), read as "every column present". ``opted_out_lists`` holds
    the subscription types (ids or names) the record shows as opted out of,
    with no time ("Opted out of email: Newsletter" = Yes).
    """

    record_id: str | None
    email: str | None
    archived: bool
    archived_at: dt.datetime | None
    created_at: dt.datetime | None
    deactivated: bool
    restricted: bool
    restricted_at: dt.datetime | None
    hard_bounce_reason: str | None
    unsubscribed_all: bool
    legal_bases: tuple[str, ...]
    lifecycle_stage: str | None
    activities: tuple[Activity, ...]
    source: str
    line: int | None = None
    pointer: str | None = None
    id_note: str | None = None
    columns: frozenset[str] | None = None
    opted_out_lists: tuple[str, ...] = ()

    def has_column(self, prop: str) -> bool:
        """Whether the export had ``prop`` for this contact (``True`` when unknown)."""
        return self.columns is None or prop in self.columns
    #: when the contact was deactivated (``None``: not deactivated, or no date recorded)
    deactivated_at: dt.datetime | None = None
    #: ISO country code, ``None`` when unknown
    country: str | None = None
    #: every condition of the existing-customer exception is recorded as met
    customer_exception: bool = False
    #: the person's name as the CRM holds it (HubSpot's ``firstname`` and ``lastname``,
    #: joined), for the report's reader; ``None`` when the export has neither
    name: str | None = None

    @property
    def key(self) -> str:
        """The subject id of findings: the record id, else the e-mail address."""
        return self.record_id or f"email:{self.email}"


@dataclass(frozen=True, slots=True)
class SubscriptionStatus:
    """One subscription type's status for a contact (communication preferences v4)."""

    subscription_id: str
    name: str | None
    status: str  # SUBSCRIBED | NOT_SUBSCRIBED | NOT_SPECIFIED
    timestamp: dt.datetime | None
    legal_basis: str | None


@dataclass(frozen=True, slots=True)
class WideStatus:
    """An unsubscribe-all (portal- or business-unit-wide) status."""

    status: str
    timestamp: dt.datetime | None
    wide_type: str | None


@dataclass(frozen=True, slots=True)
class SubscriptionRecord:
    """All subscription statuses of one subscriber (one line of ``subscriptions.jsonl``)."""

    record_id: str | None
    subscriber: str | None
    statuses: tuple[SubscriptionStatus, ...]
    wide: tuple[WideStatus, ...]
    source: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Send:
    """One entry of the e-mail send log.

    ``purpose`` is the log's own classification; the audit prefers the
    campaign's purpose when the campaign is known (see ``_engine``).
    """

    send_id: str
    campaign_id: str | None
    subscription_id: str | None
    purpose: str | None
    record_id: str | None
    email: str | None
    sent_at: dt.datetime
    status: str | None
    line: int | None = None


class Campaign(BaseModel):
    """An e-mail campaign with the company's own purpose classification."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    campaign_id: str
    name: str | None = None
    sent_at: dt.datetime | None = None
    subscription_id: str | None = None
    subscription_name: str | None = None
    purpose: Purpose


class DsrRequest(BaseModel):
    """One row of the data-subject request log (the record shape of hubspot.md §6).

    ``source`` and ``line`` say where the row is; the request deadline engine
    receives these records through the audit's request hook.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    request_id: str
    type: RequestType
    regime: str | None = None
    channel: str | None = None
    subject_email: str | None = None
    subject_name: str | None = None
    hubspot_record_id: str | None = None
    received_at: dt.datetime
    identity_verified_at: dt.datetime | None = None
    extended_at: dt.datetime | None = None
    extension_reason: str | None = None
    responded_at: dt.datetime | None = None
    status: RequestStatus
    outcome: str | None = None
    denial_reason: str | None = None
    handled_by: str | None = None
    source: str = "<requests>"
    line: int | None = None
