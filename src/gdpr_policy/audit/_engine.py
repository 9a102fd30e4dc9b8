"""The streaming audit: read every input once, stream the send log, reconcile every file.

Order of work. The small and medium inputs (campaigns, requests, contacts,
subscriptions) are read first and indexed; from them the engine works out, per
live contact and list, the instants from which a send breaks a rule: the
marketing decision of :func:`~gdpr_policy.marketing.may_send_marketing` in bulk
(``_verdicts``: the effective opt-out and the one window without consent per
list, the deactivation and the restriction per contact). Then the send log is
streamed in batches of a few hundred lines (``_sends.scan_sends``): no send is
kept beyond its batch; sends are routed to contacts with one dict look-up per
batch-wide ``map``, and judged per run of one purpose and one list against that
list's verdict codes (one look-up a send, for a log in time order; else each
rule's thresholds), with C-level operations;
the hits are folded into per-contact tallies (count, first send ids, earliest
and latest time, ``Hits``). Memory is flat in the number of sends. Instants
in the send log are compared as ISO 8601 UTC text, whose order is time order;
only the evidence becomes ``datetime``.
With ``workers`` > 1 the send log is cut into byte ranges read by forked
processes, whose tallies are merged in file order (the same report). A small
send log is read in one process (``_MIN_PART``).

The stages are functions of their own: ``_read_*`` (each input, with its
reconciliation, ``_inputs.Tally``), ``plan_all`` and ``stream_sends`` (the
fold, in ``_channels``, or on a columnar engine, ``_columnar``),
``_judge_*`` and ``_not_judged``; ``_audit`` runs them in order.

Reconciliation: for every file, records read = evaluated + rejected, and every
rejected record has a located reason; a malformed row rejects only itself.

Request deadlines are not computed here. The deadline engine plugs in as a
:data:`RequestHook`, called once per request record; it returns the request's
due date (which ``erasure.not-carried-out`` needs for requests still open) and
its own findings (``request.late``, ``request.overdue`` ...). Without a hook the
audit says so in an ``audit.deadlines-not-evaluated`` finding.

Never silent: a rule an input is missing for is reported as
``audit.rule-not-evaluated`` (with the rule and what it needs), files the
caller did not read (``ignored_files``) as ``audit.file-not-read``, and a key
of the send log (its first line) or the request log (every line) that the
readers do not read but that is spelled like one they do as
``audit.key-not-read``.

What an export cannot show is never a finding (``_coverage``): inactivity is
judged only on a contacts file with at least one of the person's activity
columns, a missing deactivation column turns an inactive contact into a
warning, and a rule whose columns the file lacks is reported as not
evaluated (``audit.rule-not-evaluated``), per file, with the columns it needs
and the number of records. Without subscription statuses, an opt-out the
export shows without a time (unsubscribed from all e-mail, or from every
marketing list) makes every marketing send to that contact a warning
(``marketing.after-untimed-opt-out``): the export cannot say which came after it.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

from .._duration import Duration
from .._errors import RecordError, UsageError
from .._rules import Context, Finding
from .._time import earliest_at, end_of_day, period_start
from .._zones import zone_of
from ..marketing import (
    Objection,
    Recipient,
    customer_exception_enabled,
)
from ..report._model import PolicyRef, Report, ToolInfo
from . import rules as R
from ._channels import _OTHER_LISTS, Channels, plan_all, stream_sends
from ._coverage import FileCoverage
from ._csv import CsvInfo, read_contacts_csv
from ._inputs import SnapshotInput, Tally
from ._json import read_contacts_json
from ._logs import KeyHint, read_campaigns, read_requests
from ._mapping import PortalMapping, PropertyCatalog
from ._model import Activity, Contact, DsrRequest
from ._sends import send_key_hints

if TYPE_CHECKING:
    from .._policy import PolicyVersion

__all__ = [
    "AUDIT_RULES",
    "FileSelection",
    "RequestHook",
    "RequestVerdict",
    "SnapshotInput",
    "audit_snapshot",
    "classify_files",
]

UTC = dt.UTC
InputKind = Literal["contacts", "properties", "subscriptions", "campaigns", "sends", "requests"]

#: The ids of the rules an audit evaluates (request rules come from the hook).
AUDIT_RULES: tuple[str, ...] = (
    "erasure.not-carried-out",
    "erasure.soft-deleted",
    "marketing.after-opt-out",
    "marketing.after-untimed-opt-out",
    "marketing.no-basis",
    "restriction.activity-logged",
    "restriction.processed",
    "retention.bounced-not-deleted",
    "retention.deactivated-marketed",
    "retention.inactive-deactivation-unknown",
    "retention.inactive-not-deactivated",
)

#: what each rule needs besides the contacts (a rule missing one is reported as not evaluated)
_NEEDS: dict[str, tuple[str, ...]] = {
    "retention.inactive-not-deactivated": ("contacts",),
    "retention.bounced-not-deleted": ("contacts",),
    "marketing.after-opt-out": ("contacts", "subscriptions", "sends"),
    "marketing.no-basis": ("contacts", "subscriptions", "sends"),
    "retention.deactivated-marketed": ("contacts", "sends"),
    "restriction.processed": ("contacts", "sends"),
    "erasure.not-carried-out": ("contacts", "requests"),
    "erasure.soft-deleted": ("archived contacts", "requests"),
}
#: the id of each input a rule may lack, as the evidence names it (the catalog's term.input.*)
#: the rules that judge the policy's inactivity retention rule (none without one)
_INACTIVITY_RULES = ("retention.inactive-not-deactivated", "retention.inactive-deactivation-unknown")
_NEEDS_ID = {"archived contacts": "recycle-bin", "sends": "send-log",
             "subscriptions": "subscription-statuses", "requests": "request-log"}

_CONTACT_BATCH = 4096


@dataclass(frozen=True, slots=True)
class RequestVerdict:
    """What the deadline engine says about one request: its due date and findings.

    ``due`` is the last day (a ``date``, in the jurisdiction's calendar) or the
    last instant (an aware ``datetime``) of the response period. A date ``as_of``
    is the whole day, as the request rules read it: a due instant during that day
    has passed by its end.
    """

    due: dt.date | dt.datetime | None
    findings: tuple[Finding, ...] = ()
    #: how the request stands against its deadline (:func:`gdpr_policy.requests.answer_timing`,
    #: or ``withdrawn``), counted in the report's ``request_timing``; ``None``: not judged
    timing: str | None = None


#: Called once per request record with the audit's context.
RequestHook = Callable[[DsrRequest, Context], RequestVerdict]


# ------------------------------------------------------------------ file discovery
@dataclass(frozen=True, slots=True)
class FileSelection:
    """Which file of a directory is which input, and the files left out (with why).

    Why is an id the report words in its language (``term.unread.*``):
    ``not-an-input`` (the name matches no input), ``api-dump-used`` (a CSV
    export beside an API dump of the same contacts).
    """

    contacts: str | None = None
    contacts_format: Literal["csv", "json"] | None = None
    properties: str | None = None
    subscriptions: str | None = None
    campaigns: str | None = None
    sends: str | None = None
    requests: str | None = None
    ignored: tuple[tuple[str, str], ...] = ()


def _kind_of(name: str) -> tuple[InputKind | None, Literal["csv", "json"] | None]:
    low = name.lower().rsplit("/", 1)[-1]
    if low.endswith(".csv"):
        return ("contacts", "csv") if "contact" in low else (None, None)
    if not (low.endswith((".json", ".jsonl", ".ndjson"))):
        return None, None
    for key, kind in (("propert", "properties"), ("subscription", "subscriptions"),
                      ("campaign", "campaigns"), ("send", "sends"), ("dsr", "requests"),
                      ("request", "requests"), ("contact", "contacts")):
        if key in low:
            return kind, "json" if kind == "contacts" else None  # type: ignore[return-value]
    return None, None


def classify_files(names: Iterable[str]) -> FileSelection:
    """Decide which file is which input from a directory listing (names only).

    Names are matched on words the generator and HubSpot exports use
    (``contacts_export.csv``, ``hubspot-crm-exports-all-contacts-2023-02-21.csv``,
    ``contacts_api.jsonl``, ``subscriptions``, ``campaigns``, ``sends``,
    ``dsr``/``requests``, ``properties``). When both a CSV export and an API
    dump of contacts are present the API dump is used (it has UTC times and
    the recycle bin) and the CSV is listed in ``ignored``. Two candidates of
    any other kind are a :class:`UsageError` naming both.
    """
    found: dict[str, list[str]] = {}
    ignored: list[tuple[str, str]] = []
    csv_contacts: list[str] = []
    for name in sorted(names):
        kind, fmt = _kind_of(name)
        if kind is None:
            ignored.append((name, "not-an-input"))
        elif kind == "contacts" and fmt == "csv":
            csv_contacts.append(name)
        else:
            found.setdefault(kind, []).append(name)
    groups: list[tuple[str, list[str]]] = [*found.items(), ("contacts (CSV)", csv_contacts)]
    for label, files in groups:
        if len(files) > 1:
            raise UsageError(f"several files look like {label}: {', '.join(files)}; "
                             f"name the one to use with --{label.split()[0]}")
    contacts, cfmt = None, None
    if found.get("contacts"):
        contacts, cfmt = found["contacts"][0], "json"
        ignored.extend((c, "api-dump-used") for c in csv_contacts)
    elif csv_contacts:
        contacts, cfmt = csv_contacts[0], "csv"

    def one(kind: str) -> str | None:
        return found[kind][0] if found.get(kind) else None

    return FileSelection(contacts=contacts, contacts_format=cfmt,  # type: ignore[arg-type]
                         properties=one("properties"), subscriptions=one("subscriptions"),
                         campaigns=one("campaigns"), sends=one("sends"), requests=one("requests"),
                         ignored=tuple(sorted(ignored)))


# ------------------------------------------------------------------ time helpers
def _as_of_instant(as_of: dt.date | dt.datetime, zone: ZoneInfo) -> dt.datetime:
    if isinstance(as_of, dt.datetime):
        if as_of.tzinfo is None:
            raise UsageError("as_of must be a date or a date-time with a zone")
        return as_of.astimezone(UTC)
    return dt.datetime.combine(as_of, dt.time(), zone).astimezone(UTC)


def inactivity_cutoff(as_of: dt.date | dt.datetime, window: Duration, zone: ZoneInfo) -> dt.datetime:
    """The earliest instant whose activity still counts, as of ``as_of``.

    A date ``as_of`` gives the start of the day ``window`` before it in
    ``zone``, so that activity at any time on the cutoff day counts; a date-time
    gives the same wall time ``window`` before it, in ``zone``. Where that day
    does not exist (two years before 29 February, six months before 31 August),
    the window is counted forward as the law counts periods
    (:func:`~gdpr_policy._time.period_start`): the cutoff is the first of the
    next month, as activity on the last day of the shorter month is a full
    ``window`` old by ``as_of``. A wall time the clocks skip on the cutoff day
    (02:30 on the day summer time starts) is the instant they jump.
    """
    if isinstance(as_of, dt.datetime):
        local = _as_of_instant(as_of, zone).astimezone(zone).replace(tzinfo=None)
    else:
        local = dt.datetime.combine(as_of, dt.time())
    # a wall time the clocks skipped that year starts when they jumped
    return earliest_at(period_start(local, window), zone.key).astimezone(UTC)


def _past_due(due: dt.date | dt.datetime | None, as_of: dt.date | dt.datetime,
              zone: ZoneInfo) -> bool | None:
    if due is None:
        return None
    if isinstance(due, dt.datetime):
        # a date as_of is the whole day, as the request rules read it: a due instant during
        # it has passed by its end (end_of_day), not by its start
        at = _as_of_instant(as_of, zone) if isinstance(as_of, dt.datetime) else end_of_day(
            as_of, zone.key)
        return at > due
    today = as_of if not isinstance(as_of, dt.datetime) else as_of.astimezone(zone).date()
    return today > due


def _context(policy: PolicyVersion, as_of: dt.date | dt.datetime) -> Context:
    """A rule context for one evaluation."""
    return Context(policy=policy, as_of=as_of)


# ------------------------------------------------------------------ settings
@dataclass(frozen=True, slots=True)
class _Settings:
    window: Duration
    signals: tuple[str, ...] | None
    not_activity: tuple[str, ...]
    #: the policy's zone: a date ``as_of`` and due dates are days there
    zone: ZoneInfo
    exception_enabled: bool
    #: the zone of the export's naive times (``timezone``, else the policy's)
    export_zone: ZoneInfo


def _settings(policy: PolicyVersion, zone: str | None) -> _Settings:
    window, signals = Duration.parse("P2Y"), None
    not_activity: tuple[str, ...] = ()
    rr = policy.retention_rule("inactivity")
    if rr is not None and rr.period is not None:
        window, signals = rr.period, tuple(rr.activity_signals)
        not_activity = tuple(rr.not_activity)
    own = zone_of(policy.jurisdiction().timezone)
    try:
        exception = customer_exception_enabled(policy)
    except UsageError:  # a policy without a marketing purpose has no exception to enable
        exception = False
    return _Settings(window, signals, not_activity, own, exception,
                     zone_of(zone) if zone else own)


# ------------------------------------------------------------------ the audit
def audit_snapshot(
    *,
    as_of: dt.date | dt.datetime,
    policy: PolicyVersion,
    contacts: SnapshotInput | None = None,
    contacts_format: Literal["csv", "json"] | None = None,
    subscriptions: SnapshotInput | None = None,
    campaigns: SnapshotInput | None = None,
    sends: SnapshotInput | None = None,
    requests: SnapshotInput | None = None,
    properties: SnapshotInput | None = None,
    recycle_bin: SnapshotInput | None = None,
    mapping: PortalMapping | None = None,
    timezone: str | None = None,
    datetime_format: str | None = None,
    request_hook: RequestHook | None = None,
    progress: Callable[[str, int], None] | None = None,
    workers: int = 1,
    ignored_files: Sequence[tuple[str, str]] = (),
    engine: Any = "python",
) -> Report:
    """Audit one snapshot as of ``as_of`` and return the findings and the reconciliation.

    ``contacts_format`` defaults from the name (``.csv`` is the UI export, the
    rest the API dump). ``timezone`` is the zone of the CSV's naive times
    (default: the policy's zone; a warehouse table's naive times are UTC
    unless it is given); a date ``as_of`` is always a day in the policy's own
    zone. ``datetime_format`` (strftime codes) is the CSV's date format;
    without it each date column's format is inferred from its values.
    ``recycle_bin`` is a contacts API dump read only for its archived records:
    a UI export has no recycle bin, so with a CSV export it is the only way to
    see restorable deletes (``erasure.soft-deleted``); its live records are
    counted as evaluated and otherwise ignored.
    ``progress`` is called with ``(input name, records read so far)`` now and
    then, for a progress bar. ``workers`` > 1 reads the send log in up to that
    many processes at once (forked processes, on platforms where forking is
    safe: not on Windows or macOS; and only for plain files of a few megabytes
    or more); the report is
    the same as with one. ``ignored_files`` names the files beside the inputs
    that were not read, with why (:attr:`FileSelection.ignored`): each is
    reported in an ``audit.file-not-read`` warning. A rule that an input it
    needs is missing for is reported in an ``audit.rule-not-evaluated``
    warning, never passed silently. Unreadable input raises
    :class:`~gdpr_policy.InputError`; a bad record only rejects itself.
    ``engine`` folds the send log: ``"python"`` (the reference, in this
    process), ``"duckdb"`` (embedded), an Ibis connection string or an Ibis
    backend (``gdpr-policy[engine]``); the report is the same, and names it.
    """
    # issue 14: the columnar fold plugs in here and at the send log below; nothing else changes
    fold = None if engine == "python" else _columnar_fold(engine)
    if isinstance(as_of, dt.datetime) and as_of.tzinfo is None:
        raise UsageError("as_of must be a date or a date-time with a zone")
    if workers < 1:
        raise UsageError(f"workers must be 1 or more, got {workers}")
    # The audit allocates millions of short-lived tuples and builds no reference
    # cycles; the cyclic collector would rescan the contact index over and over
    # (about a fifth of the run time on 2 million sends). Reference counting
    # still frees everything; the collector's state is restored on the way out.
    was_enabled = gc.isenabled()
    gc.disable()
    mapping = mapping or PortalMapping()
    try:
        return _audit(
            as_of=as_of, policy=policy, contacts=contacts, contacts_format=contacts_format,
            subscriptions=subscriptions, campaigns=campaigns, sends=sends, requests=requests,
            properties=properties, recycle_bin=recycle_bin, mapping=mapping, timezone=timezone,
            datetime_format=datetime_format, request_hook=request_hook, progress=progress,
            workers=workers, ignored_files=ignored_files, fold=fold)
    finally:
        if was_enabled:
            gc.enable()



def _audit(
    *,
    as_of: dt.date | dt.datetime,
    policy: PolicyVersion,
    contacts: SnapshotInput | None,
    contacts_format: Literal["csv", "json"] | None,
    subscriptions: SnapshotInput | None,
    campaigns: SnapshotInput | None,
    sends: SnapshotInput | None,
    requests: SnapshotInput | None,
    properties: SnapshotInput | None,
    recycle_bin: SnapshotInput | None,
    mapping: PortalMapping | None,
    timezone: str | None,
    datetime_format: str | None,
    request_hook: RequestHook | None,
    progress: Callable[[str, int], None] | None,
    workers: int,
    ignored_files: Sequence[tuple[str, str]],
    fold: Any = None,
) -> Report:
    """The audit's pipeline: read, plan, fold the send log, judge, report; a stage a step.

    Each stage reads its inputs once and adds a tally to ``tallies`` for
    every input it reads (the reconciliation). What a stage is done with is
    freed before the next one: memory peaks when the findings are built.
    """
    mapping = mapping or PortalMapping()
    st = _settings(policy, timezone)
    ctx = _context(policy, as_of)
    tallies: list[Tally] = []

    # read
    catalog = _read_properties(properties, tallies)
    camp = _read_campaigns(campaigns, mapping, tallies)
    reqs = _read_requests(requests, request_hook, ctx, tallies)
    people = _read_contacts(
        contacts, contacts_format, recycle_bin, catalog, mapping, st,
        inactivity_cutoff(as_of, st.window, st.zone), timezone, datetime_format, progress,
        tallies)
    # plan: the subscription statuses and the thresholds of every live contact
    # a list a campaign calls a marketing list is one on every status too (by id or name)
    known = frozenset(mapping.marketing_subscriptions)
    sub_mapping = mapping if camp.marketing_lists <= known else mapping.model_copy(
        update={"marketing_subscriptions": tuple(sorted(camp.marketing_lists))})
    if people.coverage is not None:
        people.coverage.marketing_groups = camp.marketing_groups
    sub_tally, channels, keep_recipient = plan_all(
        people.facts, subscriptions, sub_mapping, reqs.objections, camp.plan_subs,
        camp.subs_index, camp.marketing_lists, st.exception_enabled, policy, people.find,
        people.coverage)
    if sub_tally is not None:
        tallies.append(sub_tally)
    channels.campaigns(camp.purpose_of, camp.list_of)
    # fold the send log into the contacts' facts
    unread_keys = list(reqs.unread_keys)
    if sends is not None:
        unread_keys += _fold_sends(sends, people, channels, keep_recipient, camp, fold, progress,
                                   workers, tallies)
    del channels, keep_recipient  # the hit tallies are in the facts now
    # judge
    findings, erasures = _judge_contacts(people, contacts, sends is not None,
                                         subscriptions is not None, reqs.records, ctx)
    findings += _judge_requests(reqs, requests, request_hook is not None, people, erasures,
                                contacts is not None, as_of, st.zone, ctx)
    findings = _not_judged(findings, policy, ctx, contacts, subscriptions, sends, requests,
                           people.saw_archived, ignored_files, unread_keys)
    # report
    timing = Counter(v.timing for v in reqs.verdicts if v.timing is not None) \
        if request_hook is not None and requests is not None else None
    return Report(policy=PolicyRef.of(policy), command="audit", findings=tuple(findings),
                  rules=AUDIT_RULES, inputs=tuple(t.stats() for t in tallies),
                  request_timing=None if timing is None else dict(sorted(timing.items())),
                  tool=ToolInfo(engine="python" if fold is None else fold.name))


# ------------------------------------------------------------------ read
def _read_properties(properties: SnapshotInput | None, tallies: list[Tally]) -> PropertyCatalog:
    """The portal's property definitions (labels of a UI export), else the default catalog."""
    if properties is None:
        return PropertyCatalog.default()
    t = Tally(properties.name)
    catalog = PropertyCatalog.from_properties_json("".join(properties.lines),
                                                   source=properties.name)
    t.read = catalog.defined
    tallies.append(t)
    return catalog


@dataclass(slots=True)
class _Campaigns:
    """The campaigns' purposes and lists, and the lists the planner has a slot for."""

    purpose_of: dict[str, str]
    list_of: dict[str, str | None]
    #: the lists sends go out under that are marketing (the mapping's and by name)
    marketing_lists: frozenset[str]
    #: the planner's lists: slot 0 is any other list, 1 any other marketing list
    plan_subs: list[str]
    subs_index: dict[str | None, int]
    #: each marketing list as the names it goes by (its id and the campaigns' names)
    marketing_groups: tuple[frozenset[str], ...] = ()


def _read_campaigns(campaigns: SnapshotInput | None, mapping: PortalMapping,
                    tallies: list[Tally]) -> _Campaigns:
    """Each campaign's purpose and list, and the lists the planner gives a slot."""
    purpose_of: dict[str, str] = {}
    list_of: dict[str, str | None] = {}
    #: every list a campaign names, and the ones a campaign names with a marketing name:
    #: one campaign's name is enough, whatever the order of the file
    lists: set[str] = set()
    marketing: set[str] = set()
    aliases: dict[str, set[str]] = {}  # a list id -> the names campaigns give it
    if campaigns is not None:
        t = Tally(campaigns.name)
        tallies.append(t)
        for rec in read_campaigns(campaigns.lines, source=campaigns.name):
            t.read += 1
            if isinstance(rec, RecordError):
                t.reject(rec)
            else:
                purpose_of[rec.campaign_id] = rec.purpose
                # a campaign may name its list by name only: the name is then its key (the
                # planner finds a status by id or by name, as the marketing decision does)
                sid = rec.subscription_id or rec.subscription_name
                list_of[rec.campaign_id] = sid
                if rec.subscription_id is not None and rec.subscription_name is not None:
                    aliases.setdefault(rec.subscription_id, set()).add(rec.subscription_name)
                if sid is not None:
                    lists.add(sid)
                    if mapping.is_marketing_subscription(sid, rec.subscription_name):
                        marketing.add(sid)
    marketing_lists = frozenset(mapping.marketing_subscriptions) | marketing
    subs_index: dict[str | None, int] = {}
    plan_subs: list[str] = list(_OTHER_LISTS)
    for sid in sorted(lists):
        subs_index[sid] = len(plan_subs)
        plan_subs.append(sid)
    # a send may name a list by the name a campaign gives its id: the same slot (the
    # statuses are found by id or name; no per-contact copy under the name is kept)
    for sid in sorted(aliases):
        if sid in subs_index:
            for name in sorted(aliases[sid]):
                subs_index.setdefault(name, subs_index[sid])
    # one marketing list may be known by its id (an API dump's opt-out columns) and by its
    # name (the mapping's, a CSV export's): a group of names per list
    groups: list[set[str]] = []
    for name in sorted(marketing_lists):
        group = {name, *aliases.get(name, ())}
        group |= {i for i, names in aliases.items() if name in names}
        for g in groups:
            if g & group:
                g |= group
                break
        else:
            groups.append(group)
    return _Campaigns(purpose_of, list_of, marketing_lists, plan_subs, subs_index,
                      tuple(frozenset(g) for g in groups))


@dataclass(slots=True)
class _Requests:
    """The request log's records, their deadline verdicts, and the objections by person."""

    records: list[DsrRequest]
    verdicts: list[RequestVerdict]
    #: the earliest objection to direct marketing, by e-mail address and by ``id:<record>``
    objections: dict[str, Objection]
    #: the log's keys that misspell one the reader reads
    unread_keys: list[KeyHint]


def _read_requests(requests: SnapshotInput | None, request_hook: RequestHook | None,
                   ctx: Context, tallies: list[Tally]) -> _Requests:
    """The request log, each request judged by the deadline hook as it is read."""
    reqs: list[DsrRequest] = []
    verdicts: list[RequestVerdict] = []
    unread_keys: list[KeyHint] = []
    if requests is not None:
        t = Tally(requests.name)
        tallies.append(t)
        for req in read_requests(requests.lines, source=requests.name, hints=unread_keys):
            t.read += 1
            if isinstance(req, RecordError):
                t.reject(req)
                continue
            if request_hook is not None:
                # Judged as it is read: a row the deadline engine cannot model is rejected
                # here, with its reason, before anything else uses it.
                try:
                    verdicts.append(request_hook(req, ctx))
                except RecordError as err:
                    t.reject(err)
                    continue
            reqs.append(req)
    objections: dict[str, Objection] = {}
    for req in reqs:
        # an objection to direct marketing cannot be refused (Art. 21(3)); only a
        # request the person withdrew does not count
        if req.type != "objection" or req.status == "revoked":
            continue
        for key in (req.subject_email, f"id:{req.hubspot_record_id}" if req.hubspot_record_id else None):
            if key is None:
                continue
            prev = objections.get(key)
            if prev is None or req.received_at < prev.at:
                objections[key] = Objection(req.received_at, req.request_id)
    return _Requests(reqs, verdicts, objections, unread_keys)


@dataclass(slots=True)
class _People:
    """The contacts' facts, and the look-ups that find a contact by record id or address.

    A contact's index in ``facts`` is its number everywhere (its key is the
    index + 1). Archived contacts (the recycle bin) have facts but are looked
    up only by the erasure rules.
    """

    facts: list[R.ContactFacts] = field(default_factory=list)
    by_id: dict[str, int] = field(default_factory=dict)
    by_email: dict[str, int] = field(default_factory=dict)
    archived_by_id: dict[str, list[int]] = field(default_factory=dict)
    archived_by_email: dict[str, list[int]] = field(default_factory=dict)
    #: (line, what was wrong) of record ids a spreadsheet mangled
    mangled: list[tuple[int, str]] = field(default_factory=list)
    #: what the contacts file has columns for (``None`` without contacts)
    coverage: FileCoverage | None = None
    csv_info: CsvInfo | None = None
    #: whether the inputs could show archived records at all (an API dump, a recycle bin)
    saw_archived: bool = False

    def find(self, rid: str | None, email: str | None) -> int | None:
        """The live contact with this record id, else with this address."""
        if rid and rid in self.by_id:
            return self.by_id[rid]
        if email:
            return self.by_email.get(email)
        return None

    def index(self, idx: int, c: Contact) -> None:
        """Make the contact at ``idx`` findable (archived ones by the erasure rules only)."""
        if c.archived:
            if c.record_id:
                self.archived_by_id.setdefault(c.record_id, []).append(idx)
            if c.email:
                self.archived_by_email.setdefault(c.email, []).append(idx)
            return
        if c.record_id:
            self.by_id.setdefault(c.record_id, idx)
        if c.email:
            self.by_email.setdefault(c.email, idx)

    def erasure_targets(self, req: DsrRequest) -> tuple[set[int], set[int]]:
        """The live and the archived contacts an erasure request names."""
        live = {i for i in (self.by_email.get(req.subject_email or ""),
                            self.by_id.get(req.hubspot_record_id or "")) if i is not None}
        arch = set(self.archived_by_email.get(req.subject_email or "", ())) | set(
            self.archived_by_id.get(req.hubspot_record_id or "", ()))
        return live, arch

    def forget_lookups(self) -> None:
        """Drop the look-ups (their keys would outlive the contacts)."""
        for lookup in (self.by_id, self.by_email, self.archived_by_id, self.archived_by_email):
            lookup.clear()


def _contacts_format(contacts: SnapshotInput, given: Literal["csv", "json"] | None) -> str:
    return given or ("csv" if contacts.name.lower().endswith(".csv") else "json")


def _read_contacts(
    contacts: SnapshotInput | None,
    contacts_format: Literal["csv", "json"] | None,
    recycle_bin: SnapshotInput | None,
    catalog: PropertyCatalog,
    mapping: PortalMapping,
    st: _Settings,
    cutoff: dt.datetime,
    timezone: str | None,
    datetime_format: str | None,
    progress: Callable[[str, int], None] | None,
    tallies: list[Tally],
) -> _People:
    """Every contact's facts for the rules: last activity, restriction, a dead address."""
    people = _People()
    facts = people.facts
    counted = set(mapping.activity_properties(st.signals, st.not_activity))
    processing = set(mapping.processing_properties)
    dead = frozenset(mapping.dead_address_reasons)
    if contacts is not None:
        t = Tally(contacts.name)
        tallies.append(t)
        cov = people.coverage = FileCoverage(
            contacts.name, mapping, mapping.activity_properties(st.signals, st.not_activity))
        fmt = _contacts_format(contacts, contacts_format)
        reader: Iterator[Contact | RecordError]
        if fmt == "csv":
            people.csv_info = CsvInfo()
            reader = read_contacts_csv(contacts.lines, source=contacts.name, zone=st.export_zone,
                                       datetime_format=datetime_format, catalog=catalog,
                                       mapping=mapping, info=people.csv_info,
                                       table_zone=st.export_zone if timezone else "UTC")
        else:
            people.saw_archived = True  # an API dump says which records are archived
            reader = read_contacts_json(contacts.lines, source=contacts.name, mapping=mapping,
                                        day_zone=st.export_zone)
        for c in reader:
            t.read += 1
            if progress is not None and t.read % 20000 == 0:
                progress(contacts.name, t.read)
            if isinstance(c, RecordError):
                t.reject(c)
                continue
            last: Activity | None = None
            # an export without the person's activity columns cannot be judged on
            # inactivity (FileCoverage.settle), and is no reason to reject a record
            has_activity = cov.note(c)
            for a in c.activities:
                if a.prop in counted and (last is None or a.at > last.at):
                    last = a
            if c.created_at is not None and (last is None or c.created_at > last.at):
                last = Activity(mapping.created_property, c.created_at)
            if last is None and has_activity:
                t.reject(RecordError.at(c.source, c.line, None, mapping.created_property,
                                        "a create date or an activity date to judge inactivity",
                                        None, pointer=c.pointer))
                continue
            proc: Activity | None = None
            if c.restricted_at is not None:
                for a in c.activities:
                    if a.prop in processing and a.at >= c.restricted_at and (
                            proc is None or a.at > proc.at):
                        proc = a
            idx = len(facts)
            facts.append(R.ContactFacts(c, cutoff, last, processing_after_restriction=proc,
                                        dead_address=c.hard_bounce_reason in dead))
            if c.id_note is not None and c.line is not None:
                people.mangled.append((c.line, c.id_note))
            people.index(idx, c)
        cov.settle(facts)
    if people.archived_by_id or people.archived_by_email:
        people.saw_archived = True
    if recycle_bin is not None:
        people.saw_archived = True
        t = Tally(recycle_bin.name)
        tallies.append(t)
        for c in read_contacts_json(recycle_bin.lines, source=recycle_bin.name, mapping=mapping,
                                    day_zone=st.export_zone):
            t.read += 1
            if isinstance(c, RecordError):
                t.reject(c)
            elif c.archived:
                idx = len(facts)
                facts.append(R.ContactFacts(c, cutoff, None))
                people.index(idx, c)
    return people


# ------------------------------------------------------------------ fold
def _fold_sends(sends: SnapshotInput, people: _People, channels: Channels,
                keep_recipient: dict[int, Recipient], camp: _Campaigns, fold: Any,
                progress: Callable[[str, int], None] | None, workers: int,
                tallies: list[Tally]) -> list[KeyHint]:
    """Stream the send log through the channels; the hits end up in the contacts' facts.

    Returns the keys of the log's first line that misspell one the reader reads.
    """
    # once per file, before the stream: an open file is peeked at and stays unread
    unread_keys, lines = send_key_hints(sends.lines, source=sends.name)
    if hasattr(fold, "key_hints"):  # a warehouse table: its columns are its keys
        unread_keys += fold.key_hints()
    if lines is not sends.lines:
        sends = SnapshotInput(sends.name, lines)
    t = Tally(sends.name)
    tallies.append(t)
    # the record id of every live contact to its key; of two records with one id, the
    # first, as the statuses, the requests and the address look-up find it (the second
    # was planned without statuses); one that no send logged with its id can judge
    # routes to 0 (sends matched on the address, ``by_email``, are still judged)
    routed = channels.routed
    kobj = channels.key
    route: dict[str, int] = {}
    for idx, f in enumerate(people.facts):
        c = f.contact
        if c.record_id and not c.archived and c.record_id not in route:
            route[c.record_id] = kobj[idx + 1] if routed[idx + 1] else 0
    if fold is not None:
        fold(sends, t, camp.purpose_of, route, people.by_email, channels, progress)
    else:
        stream_sends(sends, t, camp.purpose_of, route, people.by_email, channels, progress,
                      workers)
    # the routing and the thresholds are done with: free them before the hits become
    # evidence (memory is highest from here on)
    del route
    channels.tables.release()
    channels.settle(people.facts, keep_recipient, camp.plan_subs, camp.marketing_lists)
    return unread_keys


#: the contacts the erasure requests name: each request's live and archived contacts (by
#: index), and those contacts, kept past the contact rules for the erasure rules
_Erasures = tuple[dict[int, Contact], list[tuple[set[int], set[int]]]]


# ------------------------------------------------------------------ judge
def _judge_contacts(people: _People, contacts: SnapshotInput | None, have_sends: bool,
                    judged: bool, reqs: list[DsrRequest],
                    ctx: Context) -> tuple[list[Finding], _Erasures]:
    """The contact rules, in batches; and the contacts the erasure requests name.

    After the contact rules only those contacts are read again: each batch's
    facts are dropped once judged, so that the findings, built now, take the
    memory the contacts held (this is when memory peaks).
    """
    contact_rules = [R.inactive_not_deactivated, R.inactive_deactivation_unknown,
                     R.bounced_not_deleted, R.restriction_activity_logged]
    if have_sends:
        contact_rules += [R.deactivated_marketed, R.restriction_processed]
        if judged:
            contact_rules += [R.marketing_after_opt_out, R.marketing_no_basis]
        else:  # only an opt-out the export shows without a time: a warning
            contact_rules += [R.marketing_after_untimed_opt_out]
    facts = people.facts
    contact_of: dict[int, Contact] = {}
    targets: list[tuple[set[int], set[int]]] = []
    for req in reqs:
        if req.type == "erasure":
            live_arch = people.erasure_targets(req)
            targets.append(live_arch)
            for i in set().union(*live_arch):
                contact_of[i] = facts[i].contact
    people.forget_lookups()
    findings: list[Finding] = []
    if contacts is not None:
        while facts:
            chunk = facts[:_CONTACT_BATCH]
            del facts[:_CONTACT_BATCH]
            for r in contact_rules:
                findings.extend(r.evaluate(chunk, ctx))
            del chunk
    facts.clear()
    R.forget_times()
    if people.coverage is not None:
        findings.extend(_coverage_findings(people.coverage, people.csv_info, ctx))
    if contacts is not None and people.mangled:
        findings.extend(R.record_id_mangled.evaluate(
            R.MangledIds(contacts.name, tuple(n for n, _ in people.mangled),
                         tuple(dict.fromkeys(x for _, x in people.mangled))[:5]), ctx))
    return findings, (contact_of, targets)


def _judge_requests(
    reqs: _Requests, requests: SnapshotInput | None, hooked: bool, people: _People,
    erasures: _Erasures, have_contacts: bool, as_of: dt.date | dt.datetime, zone: ZoneInfo, ctx: Context,
) -> list[Finding]:
    """The deadline hook's findings, and whether each erasure was carried out."""
    findings: list[Finding] = []
    contact_of, targets = erasures
    unjudged: list[str] = []
    cases = iter(targets)
    for n, req in enumerate(reqs.records):
        due: dt.date | dt.datetime | None = None
        if hooked:
            verdict = reqs.verdicts[n]
            due = verdict.due
            findings.extend(verdict.findings)
        else:
            unjudged.append(req.request_id)
        if req.type != "erasure":
            continue
        live_idx, arch_idx = next(cases)
        case = R.ErasureCase(req, tuple(contact_of[i] for i in sorted(live_idx)),
                             tuple(contact_of[i] for i in sorted(arch_idx)),
                             _past_due(due, as_of, zone), due)
        if have_contacts:
            findings.extend(R.erasure_not_carried_out.evaluate(case, ctx))
        if people.saw_archived:
            findings.extend(R.erasure_soft_deleted.evaluate(case, ctx))
    if requests is not None and unjudged:
        findings.extend(R.deadlines_not_evaluated.evaluate(
            R.UnjudgedRequests(requests.name, tuple(unjudged)), ctx))
    return findings


def _not_judged(
    findings: list[Finding], policy: PolicyVersion, ctx: Context,
    contacts: SnapshotInput | None, subscriptions: SnapshotInput | None,
    sends: SnapshotInput | None, requests: SnapshotInput | None, saw_archived: bool,
    ignored_files: Sequence[tuple[str, str]], unread_keys: Sequence[KeyHint] = (),
) -> list[Finding]:
    """``findings`` with what could not be judged, and what was not read, said in notes."""
    have = {"contacts": contacts is not None, "subscriptions": subscriptions is not None,
            "sends": sends is not None, "requests": requests is not None,
            "archived contacts": saw_archived}
    for rule_id, needs in _NEEDS.items():
        missing = [x for x in needs if not have[x]]
        if not missing:
            continue
        # a CSV export without the recycle bin: the one file that lacks what the rule needs
        source = contacts.name if missing == ["archived contacts"] and contacts is not None \
            else None
        findings.extend(R.rule_not_evaluated.evaluate(
            R.NotEvaluated(rule_id, tuple(_NEEDS_ID.get(x, x) for x in missing), source),
            ctx))
    inactivity = policy.retention_rule("inactivity")
    if inactivity is None or inactivity.period is None:
        # The statement promises no deactivation after inactivity, or gives no period for
        # it: nothing to judge by (the window the audit computes with is only a default),
        # so no verdict, and a note that says which.
        reason = "policy-inactivity-rule" if inactivity is None else "policy-inactivity-period"
        findings = [f for f in findings if f.rule not in _INACTIVITY_RULES]
        for rule_id in _INACTIVITY_RULES:
            findings.extend(R.rule_not_evaluated.evaluate(R.NotEvaluated(rule_id, (reason,)), ctx))
    for kept in policy.retention:
        if kept.trigger in ("collection", "end-of-relationship", "event"):
            # a promise the audit has no check for: say so rather than pass it
            findings.extend(R.rule_not_evaluated.evaluate(
                R.NotEvaluated(f"retention[{kept.id}]", ("retention-trigger-check",)), ctx))
    for name, reason in ignored_files:
        findings.extend(R.file_not_read.evaluate(R.UnreadFile(name, reason), ctx))
    for hint in unread_keys:
        findings.extend(R.key_not_read.evaluate(hint, ctx))
    return findings


def _columnar_fold(engine: Any) -> Any:
    """The columnar engine's send-log fold (``_columnar``), imported only when asked for."""
    from ._columnar import send_fold

    return send_fold(engine)


def _coverage_findings(cov: FileCoverage, info: CsvInfo | None, ctx: Context) -> list[Finding]:
    """The notes on one contacts file: how it was read, and the rules it left unjudged."""
    out: list[Finding] = []
    formats: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()
    shape = "api-dump"
    if info is not None:
        shape = info.shape
        if info.inferred:
            formats = tuple(f"{label}: {' | '.join(fs)}" for label, fs in info.formats.items())
        ignored = tuple(info.ignored)
    out.extend(R.export_read.evaluate(R.ExportRead(
        cov.source, shape, cov.activity, formats, ignored), ctx))
    for rule_id, n in sorted(cov.not_judged.items()):
        out.extend(R.rule_not_evaluated.evaluate(
            R.NotEvaluated(rule_id, cov.needs(rule_id), cov.source, n), ctx))
    return out
