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
and latest time, ``_Hits``). Memory is flat in the number of sends. Instants
in the send log are compared as ISO 8601 UTC text, whose order is time order;
only the evidence becomes ``datetime``.
With ``workers`` > 1 the send log is cut into byte ranges read by forked
processes, whose tallies are merged in file order (the same report). A small
send log is read in one process (``_MIN_PART``).

Reconciliation: for every file, records read = evaluated + rejected, and every
rejected record has a located reason; a malformed row rejects only itself.

Request deadlines are not computed here. The deadline engine plugs in as a
:data:`RequestHook`, called once per request record; it returns the request's
due date (which ``erasure.not-carried-out`` needs for requests still open) and
its own findings (``request.late``, ``request.overdue`` ...). Without a hook the
audit says so in an ``audit.deadlines-not-evaluated`` finding.

Never silent: a rule an input is missing for is reported as
``audit.rule-not-evaluated`` (with the rule and what it needs), and files the
caller did not read (``ignored_files``) as ``audit.file-not-read``.

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

import calendar
import datetime as dt
import gc
import multiprocessing as mp
import sys
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import compress, groupby, islice, repeat
from operator import and_, ge, le, lt, not_
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

from .._duration import Duration
from .._errors import Issue, RecordError, UsageError
from .._rules import Context, Finding
from .._zones import zone_of
from ..marketing import (
    CONSENT_BASES,
    ListStatus,
    Objection,
    Recipient,
    basis_clause,
    customer_exception_enabled,
    effective_opt_out,
    is_role_address,
)
from ..report._model import InputStats, PolicyRef, Rejection, Report, ToolInfo
from . import rules as R
from ._coverage import FileCoverage
from ._csv import CsvInfo, read_contacts_csv
from ._json import read_contacts_json
from ._logs import read_campaigns, read_requests
from ._mapping import PortalMapping, PropertyCatalog
from ._model import Activity, Contact, DsrRequest
from ._sends import SendBatch, scan_range, scan_sends, split_sends
from ._subs import SubscriptionFacts, scan_subscriptions
from ._values import parse_instant
from ._verdicts import (
    DEACTIVATED,
    NO_BASIS,
    OPTED_OUT,
    RESTRICTED,
    UNTIMED,
    Tables,
    forget,
    quiet_template,
    slot_plan,
)

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
#: the lists of slots 0 and 1: a list no campaign names, and such a marketing list
_OTHER_LISTS = ("\x00other", "\x00other-marketing")
# Below these sizes a forked process costs more than it saves (tests lower them).
_MIN_PART = 4 << 20  # bytes of send log per process


@dataclass(frozen=True, slots=True)
class SnapshotInput:
    """One opened input: its name (for messages) and its text, line by line.

    ``lines`` is any iterable of ``str`` lines (an open text file works); it is
    consumed once. The core never opens files: the CLI does and passes them in.
    """

    name: str
    lines: Iterable[str]


@dataclass(frozen=True, slots=True)
class RequestVerdict:
    """What the deadline engine says about one request: its due date and findings.

    ``due`` is the last day (a ``date``, in the jurisdiction's calendar) or the
    last instant (an aware ``datetime``) of the response period.
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


# ------------------------------------------------------------------ reconciliation
@dataclass(slots=True)
class _Tally:
    file: str
    read: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    rejected_records: int = 0

    def reject(self, err: RecordError) -> None:
        self.rejected_records += 1
        self.rejected.extend(_rejections(err, self.file))

    def stats(self) -> InputStats:
        return InputStats(file=self.file, read=self.read,
                          evaluated=self.read - self.rejected_records,
                          rejected=self.rejected_records, problems=tuple(self.rejected))


def _reason(issue: Issue) -> str:
    text = f"{issue.path}: {issue.expected}" if issue.path else issue.expected
    if issue.found is not None:
        text += f", got {issue.found}"
    return text


def _rejections(err: RecordError, file: str) -> list[Rejection]:
    return [Rejection(file=file, line=i.line, column=i.column,
                      pointer=i.pointer if i.line is None else None, reason=_reason(i))
            for i in err.issues]


# ------------------------------------------------------------------ time helpers
def _minus(t: dt.datetime, d: Duration) -> dt.datetime:
    # Calendar subtraction with the day clamped to the month end (29 Feb - 1Y = 28 Feb).
    # TODO(lead): route through gdpr_policy._time once it exposes duration arithmetic.
    months = d.total_months
    y, m = divmod(t.month - 1 - months, 12)
    y += t.year
    m += 1
    t = t.replace(year=y, month=m, day=min(t.day, calendar.monthrange(y, m)[1]))
    return t - dt.timedelta(days=d.total_days, hours=d.hours, minutes=d.minutes, seconds=d.seconds)


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
    gives the same wall time ``window`` before it, in ``zone``.
    """
    if isinstance(as_of, dt.datetime):
        local = _as_of_instant(as_of, zone).astimezone(zone).replace(tzinfo=None)
        return _minus(local, window).replace(tzinfo=zone).astimezone(UTC)
    start = dt.datetime.combine(as_of, dt.time())
    return _minus(start, window).replace(tzinfo=zone).astimezone(UTC)


def _past_due(due: dt.date | dt.datetime | None, as_of: dt.date | dt.datetime,
              zone: ZoneInfo) -> bool | None:
    if due is None:
        return None
    if isinstance(due, dt.datetime):
        return _as_of_instant(as_of, zone) > due
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
    tallies: list[_Tally] = []

    # read
    catalog = _read_properties(properties, tallies)
    camp = _read_campaigns(campaigns, mapping, tallies)
    reqs = _read_requests(requests, request_hook, ctx, tallies)
    people = _read_contacts(
        contacts, contacts_format, recycle_bin, catalog, mapping, st,
        inactivity_cutoff(as_of, st.window, st.zone), timezone, datetime_format, progress,
        tallies)
    # plan: the subscription statuses and the thresholds of every live contact
    sub_tally, channels, keep_recipient = _plan_all(
        people.facts, subscriptions, mapping, reqs.objections, camp.plan_subs,
        camp.subs_index, camp.marketing_lists, st, policy, people.find, people.coverage)
    if sub_tally is not None:
        tallies.append(sub_tally)
    channels.campaigns(camp.purpose_of, camp.list_of)
    # fold the send log into the contacts' facts
    if sends is not None:
        _fold_sends(sends, people, channels, keep_recipient, camp, fold, progress, workers,
                    tallies)
    del channels, keep_recipient  # the hit tallies are in the facts now
    # judge
    findings, erasures = _judge_contacts(people, contacts, sends is not None,
                                         subscriptions is not None, reqs.records, ctx)
    findings += _judge_requests(reqs, requests, request_hook is not None, people, erasures,
                                contacts is not None, as_of, st.zone, ctx)
    findings = _not_judged(findings, policy, ctx, contacts, subscriptions, sends, requests,
                           people.saw_archived, ignored_files)
    # report
    timing = Counter(v.timing for v in reqs.verdicts if v.timing is not None) \
        if request_hook is not None and requests is not None else None
    return Report(policy=PolicyRef.of(policy), command="audit", findings=tuple(findings),
                  rules=AUDIT_RULES, inputs=tuple(t.stats() for t in tallies),
                  request_timing=None if timing is None else dict(sorted(timing.items())),
                  tool=ToolInfo(engine="python" if fold is None else fold.name))


# ------------------------------------------------------------------ read
def _read_properties(properties: SnapshotInput | None, tallies: list[_Tally]) -> PropertyCatalog:
    """The portal's property definitions (labels of a UI export), else the default catalog."""
    if properties is None:
        return PropertyCatalog.default()
    t = _Tally(properties.name)
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


def _read_campaigns(campaigns: SnapshotInput | None, mapping: PortalMapping,
                    tallies: list[_Tally]) -> _Campaigns:
    """Each campaign's purpose and list, and the lists the planner gives a slot."""
    purpose_of: dict[str, str] = {}
    list_of: dict[str, str | None] = {}
    list_names: dict[str, str | None] = {}
    if campaigns is not None:
        t = _Tally(campaigns.name)
        tallies.append(t)
        for rec in read_campaigns(campaigns.lines, source=campaigns.name):
            t.read += 1
            if isinstance(rec, RecordError):
                t.reject(rec)
            else:
                purpose_of[rec.campaign_id] = rec.purpose
                list_of[rec.campaign_id] = rec.subscription_id
                if rec.subscription_id is not None:
                    list_names.setdefault(rec.subscription_id, rec.subscription_name)
    marketing_lists = frozenset(mapping.marketing_subscriptions) | {
        sid for sid, name in list_names.items() if mapping.is_marketing_subscription(sid, name)}
    subs_index: dict[str | None, int] = {}
    plan_subs: list[str] = list(_OTHER_LISTS)
    for sid in sorted(list_names):
        subs_index[sid] = len(plan_subs)
        plan_subs.append(sid)
    return _Campaigns(purpose_of, list_of, marketing_lists, plan_subs, subs_index)


@dataclass(slots=True)
class _Requests:
    """The request log's records, their deadline verdicts, and the objections by person."""

    records: list[DsrRequest]
    verdicts: list[RequestVerdict]
    #: the earliest objection to direct marketing, by e-mail address and by ``id:<record>``
    objections: dict[str, Objection]


def _read_requests(requests: SnapshotInput | None, request_hook: RequestHook | None,
                   ctx: Context, tallies: list[_Tally]) -> _Requests:
    """The request log, each request judged by the deadline hook as it is read."""
    reqs: list[DsrRequest] = []
    verdicts: list[RequestVerdict] = []
    if requests is not None:
        t = _Tally(requests.name)
        tallies.append(t)
        for req in read_requests(requests.lines, source=requests.name):
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
    return _Requests(reqs, verdicts, objections)


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
    tallies: list[_Tally],
) -> _People:
    """Every contact's facts for the rules: last activity, restriction, a dead address."""
    people = _People()
    facts = people.facts
    counted = set(mapping.activity_properties(st.signals, st.not_activity))
    processing = set(mapping.processing_properties)
    dead = frozenset(mapping.dead_address_reasons)
    if contacts is not None:
        t = _Tally(contacts.name)
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
            reader = read_contacts_json(contacts.lines, source=contacts.name, mapping=mapping)
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
        t = _Tally(recycle_bin.name)
        tallies.append(t)
        for c in read_contacts_json(recycle_bin.lines, source=recycle_bin.name, mapping=mapping):
            t.read += 1
            if isinstance(c, RecordError):
                t.reject(c)
            elif c.archived:
                idx = len(facts)
                facts.append(R.ContactFacts(c, cutoff, None))
                people.index(idx, c)
    return people


# ------------------------------------------------------------------ fold
def _fold_sends(sends: SnapshotInput, people: _People, channels: _Channels,
                keep_recipient: dict[int, Recipient], camp: _Campaigns, fold: Any,
                progress: Callable[[str, int], None] | None, workers: int,
                tallies: list[_Tally]) -> None:
    """Stream the send log through the channels; the hits end up in the contacts' facts."""
    t = _Tally(sends.name)
    tallies.append(t)
    # the record id of every live contact to its key (the last contact with the id);
    # one that no send logged with its id can judge routes to 0 (sends matched on the
    # address, ``by_email``, are still judged)
    routed = channels.routed
    kobj = channels.key
    route: dict[str, int] = {}
    for idx, f in enumerate(people.facts):
        c = f.contact
        if c.record_id and not c.archived:
            route[c.record_id] = kobj[idx + 1] if routed[idx + 1] else 0
    if fold is not None:
        fold(sends, t, camp.purpose_of, route, people.by_email, channels, progress)
    else:
        _stream_sends(sends, t, camp.purpose_of, route, people.by_email, channels, progress,
                      workers)
    # the routing and the thresholds are done with: free them before the hits become
    # evidence (memory is highest from here on)
    del route
    channels.tables.release()
    channels.settle(people.facts, keep_recipient, camp.plan_subs, camp.marketing_lists)


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
    ignored_files: Sequence[tuple[str, str]],
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


def _plan_all(
    facts: list[R.ContactFacts],
    subscriptions: SnapshotInput | None,
    mapping: PortalMapping,
    objections: dict[str, Objection],
    plan_subs: list[str],
    subs_index: dict[str | None, int],
    marketing_lists: frozenset[str],
    st: _Settings,
    policy: PolicyVersion,
    find: Callable[[str | None, str | None], int | None],
    cov: FileCoverage | None = None,
) -> tuple[_Tally | None, _Channels, dict[int, Recipient]]:
    """Read the subscription statuses and put every live contact's thresholds in the tables.

    Returns the statuses' tally (``None`` when not given), the channels that
    judge the send log, and the facts of the contacts who said no somewhere
    (for the evidence of the opt-out rule). A contact's key is its index + 1.
    Without statuses, a contact whose export (``cov``) shows an opt-out with no
    time gets a threshold before every send (``marketing.after-untimed-opt-out``).
    """
    sub_tally: _Tally | None = None
    # a contact's key is its index + 1 (0 stands for "nobody watched")
    tables = Tables(len(facts), len(plan_subs))
    channels = _Channels(tables, subs_index, marketing_lists)
    keys = channels.key
    judged = subscriptions is not None
    untimed_of = cov.untimed_opt_out if cov is not None and not judged else None
    seen: list[bool] = [False] * len(facts)
    role_parts = frozenset(mapping.role_address_local_parts)
    keep_recipient: dict[int, Recipient] = {}
    #: by key: whether a send logged with the record's id can break a rule
    routed: list[bool] = [False] * (len(facts) + 1)
    # the law a send without basis breaks: the same two answers for every contact
    law_cited: tuple[str, ...] = ()
    promise: tuple[str, ...] = ()
    law_country: str | None = None
    try:
        law_cited = basis_clause(policy, Recipient(country=None))
        promise = basis_clause(policy, Recipient(email="post@x"))
        if law_cited != promise:
            law_country = next(x.split(" ", 1)[0] for x in law_cited if x not in promise)
    except UsageError:  # no marketing purpose in the policy: the rule's own citations
        pass

    def plan(idx: int, lists: tuple[ListStatus, ...], unsub: dt.datetime | None,
             list_no: bool, shape: tuple[tuple[object, ...], ...] | None = None) -> None:
        f = facts[idx]
        c = f.contact
        objection = None
        if objections:
            for x in (objections.get(c.email or ""),
                      objections.get(f"id:{c.record_id}") if c.record_id else None):
                if x is not None and (objection is None or x.at < objection.at):
                    objection = x
        key = keys[idx + 1]  # the one int object of the key, which the events hold
        exception = c.customer_exception and exception_enabled
        if c.deactivated_at is not None or c.restricted_at is not None:
            tables.set_contact(key, c.deactivated_at, c.restricted_at)
            routed[key] = True
        if f.dead_address:
            routed[key] = True
            channels.watch(key, True)
        if not judged:
            if untimed_of is not None:
                how = untimed_of(c)
                if how is not None:
                    # the export shows the opt-out but not since when: every marketing
                    # send is reported (a warning), as it cannot say which came after it
                    f.untimed_opt_out = how
                    tables.set_untimed(key)
                    routed[key] = True
            return
        said_no = list_no or unsub is not None or objection is not None
        rec: Recipient | None = None
        if said_no:
            rec = Recipient(email=c.email, lists=lists, unsubscribed_all_at=unsub,
                            objection=objection, deactivated_at=c.deactivated_at,
                            restricted_at=c.restricted_at,
                            customer_exception=c.customer_exception, country=c.country)
            slots = slot_plan(rec, plan_subs, marketing_lists=marketing_lists,
                              consent_bases=consent_bases, exception=exception,
                              marketing_subs=other_marketing)
            keep_recipient[key] = rec
            if tables.set_plan(key, slots):
                routed[key] = True
        elif not exception:
            template = quiet_template(lists, plan_subs, marketing_lists, other_marketing,
                                      consent_bases, shape)
            if tables.set_quiet(key, template, lists, consent_bases):
                routed[key] = True
        for s in lists:
            # a list no campaign names: sends under it (their campaign unlisted) look it
            # up; only a status that says no, or one on a marketing list, changes them
            if s.subscription not in subs_index and (
                    s.marketing or s.status == "NOT_SUBSCRIBED"):
                rec = rec or Recipient(email=c.email, lists=lists, unsubscribed_all_at=unsub,
                                       objection=objection)
                [(o, win)] = slot_plan(rec, [s.subscription], marketing_lists=marketing_lists,
                                       consent_bases=consent_bases, exception=exception)
                tables.exc[(key, s.subscription)] = tables.texts(o, win)
        if law_country is not None and (
                (c.country is not None and c.country != law_country)
                or is_role_address(c.email, role_parts)):
            f.no_basis_legal = promise
        else:
            f.no_basis_legal = law_cited

    consent_bases = frozenset(mapping.consent_subscription_bases) or CONSENT_BASES
    exception_enabled = st.exception_enabled
    other_marketing = frozenset(_OTHER_LISTS[1:])
    if subscriptions is not None:
        # read and planned one subscriber at a time: no list of them is kept (a process
        # reading them ahead would have to send every subscriber's statuses back)
        t = _Tally(subscriptions.name)
        subs_facts = _counted(scan_subscriptions(subscriptions.lines, source=subscriptions.name,
                                                 mapping=mapping), t)
        sub_tally = t
        for s in subs_facts:
            found_idx = find(s.record_id, s.subscriber)
            if found_idx is None or seen[found_idx]:
                continue  # not a live contact, or a second line for one: the first counts
            seen[found_idx] = True
            plan(found_idx, s.lists, s.unsubscribed_all_at, s.said_no, s.shape)
        del subs_facts
    for idx, f in enumerate(facts):
        if not seen[idx] and not f.contact.archived:
            plan(idx, (), None, False)  # no statuses: no list records consent
    del seen

    channels.routed = routed
    forget()
    return sub_tally, channels, keep_recipient


def _stream_sends(
    sends: SnapshotInput,
    t: _Tally,
    purpose_of: dict[str, str],
    route: dict[str, int],
    watch_email: dict[str, int],
    channels: _Channels,
    progress: Callable[[str, int], None] | None,
    workers: int = 1,
) -> None:
    # ``route`` maps the record id of every live contact to its key, so that
    # batches are routed by C-level ``map``; a send whose record id is not a
    # live contact's falls back to its e-mail address.
    split = split_sends(sends.lines, workers, _MIN_PART) if workers > 1 else None
    if split is None or len(split[1]) < 2 or not _can_fork():
        batches = scan_sends(sends.lines, source=sends.name, campaigns=purpose_of)
        _fold(batches, t, route, watch_email, channels, sends.name, progress)
        return
    # Several processes, each reading one part of the file. They are forked, so
    # they share the routing tables without copying them; each sends back its
    # tallies, which are merged in file order: the result is the same as one
    # process reading the whole log.
    global _JOB
    fd, ranges = split
    _JOB = (fd, ranges, sends.name, purpose_of, route, watch_email, channels)
    try:
        with ProcessPoolExecutor(max_workers=len(ranges) - 1,
                                 mp_context=mp.get_context("fork")) as pool:
            futures = [pool.submit(_part, i) for i in range(1, len(ranges))]
            lines_read: list[int] = []
            start, end = ranges[0]
            _fold(scan_range(fd, start, end, source=sends.name, campaigns=purpose_of,
                             lines_read=lines_read),
                  t, route, watch_email, channels, sends.name, progress)
            offset = lines_read[0]
            for fut in futures:
                read, rejected, problems, n_lines, tallies = fut.result()
                t.read += read
                t.rejected_records += rejected
                t.rejected.extend(p if p.line is None else p.model_copy(update={"line": p.line + offset})
                                  for p in problems)
                channels.merge(tallies)
                offset += n_lines
                if progress is not None:
                    progress(sends.name, t.read)
    finally:
        _JOB = None


#: what a forked worker of :func:`_stream_sends` reads (set just before the fork)
_JOB: tuple[Any, ...] | None = None


def _part(i: int) -> tuple[int, int, list[Rejection], int, _Tallies]:
    """Fold part ``i`` of the send log in a forked worker; its tally and its hits."""
    assert _JOB is not None
    fd, ranges, name, purpose_of, route, watch_email, shared = _JOB
    # a worker may run several parts: each starts from empty tallies
    channels = shared.emptied()
    t = _Tally(name)
    lines_read: list[int] = []
    start, end = ranges[i]
    _fold(scan_range(fd, start, end, source=name, campaigns=purpose_of, lines_read=lines_read),
          t, route, watch_email, channels, name, None)
    return t.read, t.rejected_records, t.rejected, lines_read[0], channels.tallies()


def _can_fork() -> bool:
    # macOS offers fork, but system libraries may crash in a forked child (why
    # Python made spawn its default there); spawning would re-import and re-read
    # everything a worker needs, which costs more than it saves.
    return "fork" in mp.get_all_start_methods() and sys.platform != "darwin"


def _counted(items: Iterable[SubscriptionFacts | RecordError], t: _Tally,
             ) -> Iterator[SubscriptionFacts]:
    """The facts of a subscription reader, counted in ``t`` (and the bad lines rejected)."""
    for s in items:
        t.read += 1
        if isinstance(s, RecordError):
            t.reject(s)
        else:
            yield s


def _fold(batches: Iterable[SendBatch], t: _Tally, route: dict[str, int],
          watch_email: dict[str, int], channels: _Channels, name: str,
          progress: Callable[[str, int], None] | None) -> None:
    route_get = route.get
    for b in batches:
        t.read += b.read
        for err in b.errors:
            t.reject(err)
        if progress is not None:
            progress(name, t.read)
        if not len(b):
            continue
        keys: list[int | None] = list(map(route_get, b.rids))  # type: ignore[arg-type]
        if None in keys:
            _by_email(keys, b, watch_email, channels.key)
        if not any(keys):
            continue
        # from here on only the sends to live contacts (often all of them: no copies)
        if 0 in keys:
            wk: list[int] = list(filter(None, keys))
            ws = list(compress(b.sids, keys))
            wa = list(compress(b.ats, keys))
        else:
            wk, ws, wa = keys, b.sids, b.ats  # type: ignore[assignment]
        channels.feed(wk, ws, wa, b, keys)
        if channels.any_bounced:
            channels.bounces(keys, b)


def _by_email(keys: list[int | None], b: SendBatch, watch_email: dict[str, int],
              key: list[int]) -> None:
    # a record id that is no live contact's: match a watched contact on the address
    i = -1
    while True:
        try:
            i = keys.index(None, i + 1)
        except ValueError:
            return
        email = b.email(i)
        idx = watch_email.get(email) if email else None
        keys[i] = 0 if idx is None else key[idx + 1]


def _wide(at: str) -> str:
    return at if len(at) == 27 else at[:-1] + "000Z"


class _Hits:
    """The sends that hit one rule, per contact, while the log streams.

    Only counts, the first :data:`~.rules.MAX_EVIDENCE_SENDS` send ids and the
    earliest and latest times are kept, so memory is flat in the number of
    sends. A log in time order (the normal case, checked per batch) is folded
    in with C-level dict operations; any other order takes a comparison per hit.
    """

    __slots__ = ("count", "first", "hi", "last", "sids")

    def __init__(self) -> None:
        self.count: Counter[int] = Counter()
        self.sids: defaultdict[int, list[str]] = defaultdict(list)
        self.first: dict[int, str] = {}
        self.last: dict[int, str] = {}
        self.hi = ""  # the latest time recorded, at the wide width

    def take(self, hit: list[bool], wk: list[int], ws: list[str], wa: list[str]) -> None:
        """Record the sends whose ``hit`` is true (keys, send ids, times in log order)."""
        if not any(hit):
            return
        if all(hit):
            self._record(wk, ws, wa)
            return
        self._record(list(compress(wk, hit)), list(compress(ws, hit)), list(compress(wa, hit)))

    def _record(self, hk: list[int], hs: list[str], ha: list[str]) -> None:
        count = self.count
        # the counts before this batch: 0 for a contact not hit yet, below the evidence
        # limit for one that still takes send ids; most are past both
        seen = list(map(count.get, hk, repeat(0)))
        count.update(hk)
        if min(seen) < R.MAX_EVIDENCE_SENDS:
            need = list(map(lt, seen, repeat(R.MAX_EVIDENCE_SENDS)))
            # a key may get more ids than it needs within one batch; evidence
            # takes the first few, and memory stays bounded by the batch size
            deque(map(list.append, map(self.sids.__getitem__, compress(hk, need)),
                      compress(hs, need)), maxlen=0)
        first, last = self.first, self.last
        if _wide(ha[0]) >= self.hi and all(map(le, ha, islice(ha, 1, None))):
            if 0 in seen:  # only a contact hit for the first time has no earliest time yet
                new = list(map(not_, seen))
                deque(map(first.setdefault, compress(hk, new), compress(ha, new)), maxlen=0)
            last.update(zip(hk, ha, strict=True))
            self.hi = _wide(ha[-1])
            return
        hi = self.hi
        for k, a in zip(hk, ha, strict=True):
            w = _wide(a)
            f = first.get(k)
            if f is None or w < _wide(f):
                first[k] = a
            la = last.get(k)
            if la is None or w > _wide(la):
                last[k] = a
            if w > hi:
                hi = w
        self.hi = hi

    def tally(self) -> _Tally4:
        """What this process found: counts, first send ids, earliest and latest times."""
        return (dict(self.count), {k: v[:R.MAX_EVIDENCE_SENDS] for k, v in self.sids.items()},
                self.first, self.last)

    def merge(self, tally: _Tally4, key: list[int]) -> None:
        """Add the tally of a later part of the log (keys are the same in every process)."""
        count, sids, first, last = tally
        for k, n in count.items():
            k = key[k]  # the shared key object
            self.count[k] += n
            own = self.sids[k]
            if len(own) < R.MAX_EVIDENCE_SENDS:
                own.extend(sids.get(k, ())[:R.MAX_EVIDENCE_SENDS - len(own)])
            f, la = first[k], last[k]
            if k not in self.first or _wide(f) < _wide(self.first[k]):
                self.first[k] = f
            if k not in self.last or _wide(la) > _wide(self.last[k]):
                self.last[k] = la

    def evidence(self, key: int) -> R.SendHits | None:
        n = self.count.get(key, 0)
        if not n:
            return None
        ids = self.sids[key]  # handed over (this tally is cleared next), cut if a batch overfilled it
        if len(ids) > R.MAX_EVIDENCE_SENDS:
            ids = ids[:R.MAX_EVIDENCE_SENDS]
        return R.SendHits(n, ids, self.first[key], self.last[key])

    def clear(self) -> None:
        """Forget the tallies (their evidence has been taken)."""
        self.count = Counter()
        self.sids = defaultdict(list)
        self.first = {}
        self.last = {}


_Tally4 = tuple[dict[int, int], dict[int, list[str]], dict[int, str], dict[int, str]]
#: five :data:`_Tally4` (opt-out, no basis, deactivated, restricted, untimed), the first
#: bounces (``dict[int, tuple[str, str]]``) and the opted-out keys per list
_Tallies = list[Any]
_MARKETING = "marketing".__eq__


class _Channels:
    """The send rules' hits (opt-out, no basis, deactivation, restriction, untimed opt-out), bounces.

    Each send to a live contact is judged against the thresholds of its slot
    (contact key and list, :class:`~._verdicts.Tables`) with C-level ``map``
    over the batch: the vectorised twin of
    :func:`~gdpr_policy.marketing.may_send_marketing`.
    """

    def __init__(self, tables: Tables, subs_index: dict[str | None, int],
                 marketing_lists: frozenset[str], n: int | None = None) -> None:
        n = len(tables.d) - 1 if n is None else n
        self.tables = tables
        #: list id -> slot index (2 on) for the lists campaigns name; others are 0 or 1
        self.subs_index = subs_index
        self.marketing_lists = marketing_lists
        self.other: dict[str | None, int] = dict.fromkeys(marketing_lists, 1)
        #: by key: whether a send logged with the record's id can break a rule
        self.routed: list[bool] = []
        #: campaign id -> (purpose, list index, list id), filled by :meth:`campaigns`
        self.pair_of: dict[str, tuple[str | None, int, str | None]] = {}
        self.opt_out = _Hits()
        self.no_basis = _Hits()
        self.deactivated = _Hits()
        self.restricted = _Hits()
        self.untimed = _Hits()
        #: per list, the keys whose sends under it came after their opt-out (few lists)
        self.opt_keys: dict[str | None, set[int]] = {}
        #: by key: the key when the contact's address is dead, else 0
        self.bounced: list[int] = [0] * (n + 1)
        self.any_bounced = False
        self.bounce: dict[int, tuple[str, str]] = {}
        #: the one int object of each key, so that dict look-ups hit on identity
        self.key: list[int] = list(range(n + 1))

    def campaigns(self, purpose_of: dict[str, str], list_of: dict[str, str | None]) -> None:
        """Learn each listed campaign's purpose and list."""
        for cid, purpose in purpose_of.items():
            sub = list_of.get(cid)
            j = self.subs_index.get(sub, self.other.get(sub, 0))
            self.pair_of[cid] = (purpose, j, sub)

    def watch(self, key: int, bounced: bool) -> None:
        if bounced:
            self.bounced[key] = key
            self.any_bounced = True

    def feed(self, wk: list[int], ws: list[str], wa: list[str], b: SendBatch,
             keys: list[int | None]) -> None:
        """Judge the sends to live contacts (keys, send ids, times) of batch ``b``.

        The sends are cut into runs of one purpose and one list (a log written
        campaign by campaign has one run per batch), each judged with C-level
        ``map`` against that list's tables; runs are taken in log order.
        """
        pair = b.one_pair(self.pair_of)
        if pair is not None:
            self._run(pair, wk, ws, wa, b.fine)
            return
        pairs = b.purpose_lists(keys, self.pair_of, self.subs_index, self.other)
        start = 0
        for pair, group in groupby(pairs):
            end = start + sum(1 for _ in group)
            self._run(pair, wk[start:end], ws[start:end], wa[start:end], b.fine)
            start = end

    def _bits(self, wk: list[int]) -> int:
        # which of restriction, deactivation, untimed and list opt-outs any of these has
        bits = 0
        for x in set(map(self.tables.flags.__getitem__, wk)):
            bits |= x
        return bits

    def _run(self, pair: tuple[str | None, int, str | None], wk: list[int], ws: list[str],
             wa: list[str], fine: bool) -> None:
        kind, j, sub = pair
        if kind == "transactional":
            return
        tb = self.tables
        if kind != "marketing":
            if tb.any_r and self._bits(wk) & RESTRICTED:
                r = tb.table("r", 0, fine)
                self.restricted.take(list(map(ge, wa, map(r.__getitem__, wk))), wk, ws, wa)
            return
        if j < 2 and sub is not None and tb.exc:
            self._run_listed(sub, j, wk, ws, wa, fine)
            return
        if not fine and (wa.count(wa[0]) == len(wa) or all(
                map(le, wa, islice(wa, 1, None)))) and tb.advance(wa[0], wa[-1], wk):
            # in time order: the verdict codes at this instant decide, one look-up a send
            codes = list(map(tb.code[j].__getitem__, wk))
            bits = 0
            for x in set(codes):
                bits |= x
            if not bits:
                return
            for bit, hits in ((RESTRICTED, self.restricted), (DEACTIVATED, self.deactivated),
                              (UNTIMED, self.untimed), (NO_BASIS, self.no_basis)):
                if bits & bit:
                    hits.take(list(map(and_, codes, repeat(bit))), wk, ws, wa)
            if bits & OPTED_OUT:
                self._opted_out(list(map(and_, codes, repeat(OPTED_OUT))), wk, ws, wa, sub)
            return
        # not in time order (or with microseconds): the thresholds decide, rule by rule
        bits = self._bits(wk)
        if bits & RESTRICTED:
            r = tb.table("r", 0, fine)
            self.restricted.take(list(map(ge, wa, map(r.__getitem__, wk))), wk, ws, wa)
        if bits & DEACTIVATED:
            d = tb.table("d", 0, fine)
            self.deactivated.take(list(map(ge, wa, map(d.__getitem__, wk))), wk, ws, wa)
        if bits & UNTIMED:
            self._untimed(wk, ws, wa)
        if bits & OPTED_OUT:
            after = list(map(ge, wa, map(tb.table("o", j, fine).__getitem__, wk)))
            if any(after):
                self._opted_out(after, wk, ws, wa, sub)
        lo, hi = tb.table("lo", j, fine), tb.table("hi", j, fine)
        self.no_basis.take(list(map(and_, map(ge, wa, map(lo.__getitem__, wk)),
                                    map(lt, wa, map(hi.__getitem__, wk)))), wk, ws, wa)

    def _run_listed(self, sub: str, j: int, wk: list[int], ws: list[str], wa: list[str],
                    fine: bool) -> None:
        # sends under a list no campaign names: a contact with a status on it has its own
        # thresholds (rare: only sends whose campaign is not listed)
        tb = self.tables
        if tb.any_r:
            r = tb.table("r", 0, fine)
            self.restricted.take(list(map(ge, wa, map(r.__getitem__, wk))), wk, ws, wa)
        if tb.any_d:
            d = tb.table("d", 0, fine)
            self.deactivated.take(list(map(ge, wa, map(d.__getitem__, wk))), wk, ws, wa)
        if tb.any_u:
            self._untimed(wk, ws, wa)
        to, tlo, thi = tb.table("o", j, fine), tb.table("lo", j, fine), tb.table("hi", j, fine)
        o, lo, hi = [], [], []
        for k in wk:
            got = tb.exc.get((k, sub))
            if got is None:
                got = (to[k], tlo[k], thi[k])
            o.append(got[0])
            lo.append(got[1])
            hi.append(got[2])
        after = list(map(ge, wa, o))
        if any(after):
            self._opted_out(after, wk, ws, wa, sub)
        self.no_basis.take(list(map(and_, map(ge, wa, lo), map(lt, wa, hi))), wk, ws, wa)

    def _opted_out(self, after: list[bool], wk: list[int], ws: list[str], wa: list[str],
                   sub: str | None) -> None:
        self.opt_out.take(after, wk, ws, wa)
        self.opt_keys.setdefault(sub, set()).update(compress(wk, after))

    def _untimed(self, wk: list[int], ws: list[str], wa: list[str]) -> None:
        # an opt-out with no time is before every send (ALWAYS), or never
        u = self.tables.u
        self.untimed.take(list(map(ge, wa, map(u.__getitem__, wk))), wk, ws, wa)

    def bounces(self, keys: list[int | None], b: SendBatch) -> None:
        """Note each bounced contact's first hard-bounced send, in log order."""
        sel = list(map(self.bounced.__getitem__, keys))  # type: ignore[arg-type]
        if not any(sel):
            return
        hard = b.hard_bounce(sel)
        if not any(hard):
            return
        first = self.bounce
        for k, s, a in zip(compress(filter(None, sel), hard), compress(compress(b.sids, sel), hard),
                           compress(compress(b.ats, sel), hard), strict=True):
            if k not in first:
                first[k] = (s, a)

    def emptied(self) -> _Channels:
        """The same tables and watch lists with nothing counted yet."""
        other = _Channels(self.tables, self.subs_index, self.marketing_lists, 0)
        other.pair_of = self.pair_of
        other.bounced, other.any_bounced = self.bounced, self.any_bounced
        other.key = self.key
        return other

    def tallies(self) -> _Tallies:
        """What this process found, to send to the one that merges (a list, which
        :meth:`merge` empties as it goes)."""
        return [self.opt_out.tally(), self.no_basis.tally(), self.deactivated.tally(),
                self.restricted.tally(), self.untimed.tally(), self.bounce, self.opt_keys]

    def merge(self, tallies: _Tallies) -> None:
        """Add the tallies of a later part of the log; each part is dropped once merged, so
        that the next reuses its memory (a part's tallies hold its send ids)."""
        for i, hits in enumerate((self.opt_out, self.no_basis, self.deactivated,
                                  self.restricted, self.untimed)):
            hits.merge(tallies[i], self.key)
            tallies[i] = None
        bounce, opt_keys = tallies[5], tallies[6]
        for k, v in bounce.items():
            self.bounce.setdefault(self.key[k], v)
        for sub, keys in opt_keys.items():
            self.opt_keys.setdefault(sub, set()).update(map(self.key.__getitem__, keys))
        tallies.clear()

    def settle(self, facts: Sequence[R.ContactFacts], recipients: dict[int, Recipient],
               plan_subs: Sequence[str], marketing_lists: frozenset[str]) -> None:
        """Put the hits into the contacts' facts, as the rules read them."""
        for hits, name in ((self.opt_out, "after_opt_out"), (self.no_basis, "no_basis"),
                           (self.deactivated, "after_deactivation"),
                           (self.restricted, "after_restriction"),
                           (self.untimed, "after_untimed_opt_out")):
            for key in hits.count:
                setattr(facts[key - 1], name, hits.evidence(key))
            hits.clear()  # the next rule's evidence reuses this one's tallies' memory
        opt_lists: dict[int, set[str | None]] = {}
        for sub, keys in self.opt_keys.items():
            for key in keys:
                opt_lists.setdefault(key, set()).add(sub)
        for key, subs in opt_lists.items():
            rec = recipients[key]
            outs = []
            for sub in subs:
                # the list the sends went out under, as the thresholds named it
                if sub is not None and (sub in self.subs_index or (key, sub) in self.tables.exc):
                    name, marketing = sub, None
                else:
                    j = self.other.get(sub, 0)
                    name, marketing = plan_subs[j], j == 1
                reason = effective_opt_out(rec, name, marketing_lists=marketing_lists,
                                           marketing=marketing)
                assert reason is not None and reason.since is not None
                outs.append(R.OptOut(reason.since, reason.how, reason.request_id, sub))
            facts[key - 1].opt_outs = tuple(sorted(outs, key=lambda o: (o.at, o.subscription or "")))
        for key, (sid, at) in self.bounce.items():
            facts[key - 1].bounce_send = (sid, parse_instant(at))
