"""The streaming audit: read every input once, stream the send log, reconcile every file.

Order of work. The small and medium inputs (campaigns, requests, contacts,
subscriptions) are read first and indexed; from them the engine knows, per
live contact, the instants that make a send matter (effective opt-out,
restriction) and whether the contact has any basis for marketing. Then the
send log is streamed in batches of a few hundred lines (``_sends.scan_sends``):
no send is kept beyond its batch, and a send to nobody watched costs its share
of one C-level parse and one dict look-up per batch-wide ``map``; the sends to
watched contacts are folded into per-contact tallies (count, first send ids,
earliest and latest time) with C-level operations too (``_Hits``). Memory is
flat in the number of sends. Instants in the send log are compared as ISO 8601
UTC text, whose order is time order; only the evidence becomes ``datetime``.
With ``workers`` > 1 the send log is cut into byte ranges read by forked
processes, whose tallies are merged in file order (the same report), and a
forked process reads the subscription statuses while this one reads the
contacts. Small files are read in one process (``_MIN_PART``, ``_MIN_AHEAD``).

Reconciliation: for every file, records read = evaluated + rejected, and every
rejected record has a located reason; a malformed row rejects only itself.

What an export cannot show is never a finding (``_coverage``): inactivity is
judged only on a contacts file with at least one of the person's activity
columns, a missing deactivation column turns an inactive contact into a
warning, and a rule whose columns the file lacks is reported as not
evaluated (``audit.rule-not-evaluated``), per file, with the columns it needs.

Request deadlines are not computed here. The deadline engine plugs in as a
:data:`RequestHook`, called once per request record; it returns the request's
due date (which ``erasure.not-carried-out`` needs for requests still open) and
its own findings (``request.late``, ``request.overdue`` ...). Without a hook the
audit says so in an ``audit.deadlines-not-evaluated`` finding.
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
from functools import partial
from itertools import compress, islice, repeat
from operator import ge, le, lt, mul
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

from .._duration import Duration
from .._errors import Issue, RecordError, UsageError
from .._rules import Context, Finding
from ..report._model import InputStats, PolicyRef, Rejection, Report
from . import rules as R
from ._coverage import FileCoverage
from ._csv import CsvInfo, read_contacts_csv, zone_of
from ._json import read_contacts_json
from ._logs import read_campaigns, read_requests
from ._mapping import PortalMapping, PropertyCatalog
from ._model import Activity, Contact, DsrRequest
from ._sends import SendBatch, file_size, scan_range, scan_sends, split_sends
from ._subs import SubscriptionFacts, scan_subscriptions
from ._values import parse_instant

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
    "restriction.processed",
    "retention.bounced-not-deleted",
    "retention.inactive-deactivation-unknown",
    "retention.inactive-not-deactivated",
)

_CONTACT_BATCH = 4096
# Below these sizes a forked process costs more than it saves (tests lower them).
_MIN_AHEAD = 1 << 20  # subscription statuses read by a process of their own
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


#: Called once per request record with the audit's context.
RequestHook = Callable[[DsrRequest, Context], RequestVerdict]


# ------------------------------------------------------------------ file discovery
@dataclass(frozen=True, slots=True)
class FileSelection:
    """Which file of a directory is which input, and the files left out (with why)."""

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
        return ("contacts", "csv") if "contact" in low and "ground" not in low else (None, None)
    if not (low.endswith((".json", ".jsonl", ".ndjson"))):
        return None, None
    if "ground_truth" in low or "ground-truth" in low:
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
            ignored.append((name, "not an audit input"))
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
        ignored.extend((c, "a contacts API dump is used instead") for c in csv_contacts)
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
    #: the policy's zone: a date ``as_of`` and due dates are days there
    zone: ZoneInfo
    #: the zone of the export's naive times (``timezone``, else the policy's)
    export_zone: ZoneInfo


def _settings(policy: PolicyVersion | None, zone: str | None) -> _Settings:
    window, signals, zname = Duration.parse("P2Y"), None, None
    if policy is not None:
        rr = policy.retention_rule("inactivity")
        if rr is not None and rr.after is not None:
            window, signals = rr.after, tuple(rr.activity_signals)
        zname = policy.jurisdiction().timezone
    own = zone_of(zname or zone or "Europe/Oslo")
    return _Settings(window, signals, own, zone_of(zone) if zone else own)


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
    many processes at once, and the subscription statuses beside the contacts
    (forked processes, on platforms where forking is safe: not on Windows or
    macOS; and only for plain files of a few megabytes or more); the report is
    the same as with one. Unreadable input raises
    :class:`~gdpr_policy.InputError`; a bad record only rejects itself.
    """
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
    # With several workers, one reads the subscriptions while this process reads
    # the rest: nothing needs them until the watch list is built.
    ahead = _Ahead(subscriptions, mapping) if (
        subscriptions is not None and workers > 1 and _can_fork()
        and (file_size(subscriptions.lines) or 0) >= _MIN_AHEAD) else None
    try:
        return _audit(
            as_of=as_of, policy=policy, contacts=contacts, contacts_format=contacts_format,
            subscriptions=subscriptions, campaigns=campaigns, sends=sends, requests=requests,
            properties=properties, recycle_bin=recycle_bin, mapping=mapping, timezone=timezone,
            datetime_format=datetime_format, request_hook=request_hook, progress=progress,
            workers=workers, ahead=ahead)
    finally:
        if ahead is not None:
            ahead.close()
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
    ahead: _Ahead | None,
) -> Report:
    mapping = mapping or PortalMapping()
    st = _settings(policy, timezone)
    ctx = _context(policy, as_of)
    cutoff = inactivity_cutoff(as_of, st.window, st.zone)
    tallies: list[_Tally] = []
    findings: list[Finding] = []

    catalog = PropertyCatalog.default()
    if properties is not None:
        t = _Tally(properties.name)
        catalog = PropertyCatalog.from_properties_json("".join(properties.lines),
                                                       source=properties.name)
        t.read = catalog.defined
        tallies.append(t)

    # campaigns --------------------------------------------------------------
    purpose_of: dict[str, str] = {}
    if campaigns is not None:
        t = _Tally(campaigns.name)
        tallies.append(t)
        for rec in read_campaigns(campaigns.lines, source=campaigns.name):
            t.read += 1
            if isinstance(rec, RecordError):
                t.reject(rec)
            else:
                purpose_of[rec.campaign_id] = rec.purpose

    # requests ---------------------------------------------------------------
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
    objections: dict[str, R.OptOut] = {}
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
                objections[key] = R.OptOut(req.received_at, "objection-request", req.request_id)

    # contacts ---------------------------------------------------------------
    facts: list[R.ContactFacts] = []
    by_id: dict[str, int] = {}
    by_email: dict[str, int] = {}
    archived_by_id: dict[str, list[int]] = {}
    archived_by_email: dict[str, list[int]] = {}
    mangled: list[tuple[int, str]] = []
    counted = set(mapping.activity_properties(st.signals))
    processing = set(mapping.processing_properties)
    cov: FileCoverage | None = None
    csv_info: CsvInfo | None = None
    if contacts is not None:
        t = _Tally(contacts.name)
        tallies.append(t)
        cov = FileCoverage(contacts.name, mapping, mapping.activity_properties(st.signals))
        fmt = contacts_format or ("csv" if contacts.name.lower().endswith(".csv") else "json")
        reader: Iterator[Contact | RecordError]
        if fmt == "csv":
            csv_info = CsvInfo()
            reader = read_contacts_csv(contacts.lines, source=contacts.name, zone=st.export_zone,
                                       datetime_format=datetime_format, catalog=catalog,
                                       mapping=mapping, info=csv_info,
                                       table_zone=st.export_zone if timezone else "UTC")
        else:
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
            judged = cov.note(c)
            for a in c.activities:
                if a.prop in counted and (last is None or a.at > last.at):
                    last = a
            if c.created_at is not None and (last is None or c.created_at > last.at):
                last = Activity(mapping.created_property, c.created_at)
            if last is None and judged:
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
            facts.append(R.ContactFacts(c, cutoff, last, processing_after_restriction=proc))
            if c.id_note is not None and c.line is not None:
                mangled.append((c.line, c.id_note))
            if c.archived:
                if c.record_id:
                    archived_by_id.setdefault(c.record_id, []).append(idx)
                if c.email:
                    archived_by_email.setdefault(c.email, []).append(idx)
                continue
            if c.record_id:
                by_id.setdefault(c.record_id, idx)
            if c.email:
                by_email.setdefault(c.email, idx)

    if cov is not None:
        cov.settle(facts)
    if recycle_bin is not None:
        t = _Tally(recycle_bin.name)
        tallies.append(t)
        for c in read_contacts_json(recycle_bin.lines, source=recycle_bin.name, mapping=mapping):
            t.read += 1
            if isinstance(c, RecordError):
                t.reject(c)
            elif c.archived:
                idx = len(facts)
                facts.append(R.ContactFacts(c, cutoff, None))
                if c.record_id:
                    archived_by_id.setdefault(c.record_id, []).append(idx)
                if c.email:
                    archived_by_email.setdefault(c.email, []).append(idx)

    def find(rid: str | None, email: str | None) -> int | None:
        if rid and rid in by_id:
            return by_id[rid]
        if email:
            return by_email.get(email)
        return None

    # subscriptions ----------------------------------------------------------
    opt: dict[int, R.OptOut] = {}
    consent_sub: set[int] = set()
    if subscriptions is not None:
        if ahead is not None:
            t, subs_facts = ahead.result()
        else:
            t, subs_facts = _read_subscriptions(subscriptions, mapping)
        tallies.append(t)
        for s in subs_facts:
            found_idx = find(s.record_id, s.subscriber)
            if found_idx is None:
                continue  # a subscriber who is not a live contact: nothing to judge
            if s.opt_out is not None:
                opt[found_idx] = s.opt_out
            if s.consent:
                consent_sub.add(found_idx)

    # watch list -------------------------------------------------------------
    # a watched contact's key is its index + 1 (0 stands for "nobody watched")
    watch_id: dict[str, int] = {}
    watch_email: dict[str, int] = {}
    channels = _Channels(len(facts))
    kobj = channels.key
    # whether bases and stage show consent or a customer: a few distinct pairs in a CRM
    basis_of: dict[tuple[tuple[str, ...], str | None], bool] = {}
    by_objection = objections.get
    untimed: list[int] = []
    for idx, f in enumerate(facts):
        c = f.contact
        if c.archived:
            continue
        # the earliest way this person said no; on a tie the first of these
        out = opt.get(idx)
        if objections:
            for x in (by_objection(c.email or ""),
                      by_objection(f"id:{c.record_id}") if c.record_id else None):
                if x is not None and (out is None or x.at < out.at):
                    out = x
        f.opt_out = out
        if out is None and subscriptions is None and cov is not None:
            # an opt-out the export shows with no time: every marketing send is reported
            # (as a warning), since the export cannot say which came after it
            f.untimed_opt_out = cov.untimed_opt_out(c)
            if f.untimed_opt_out is not None:
                untimed.append(idx)
        pair = (c.legal_bases, c.lifecycle_stage)
        based = basis_of.get(pair)
        if based is None:
            based = basis_of[pair] = (mapping.has_consent(c.legal_bases)
                                      or mapping.is_customer(c.legal_bases, c.lifecycle_stage))
        no_basis = not (based or idx in consent_sub) and (
            cov is None or cov.has(mapping.legal_basis_property))
        bounced = bool(c.hard_bounce_reason)
        out_at = f.opt_out.at if f.opt_out else (_EVER if f.untimed_opt_out else None)
        if out_at is None and c.restricted_at is None and not no_basis and not bounced:
            continue
        channels.watch(kobj[idx + 1], out_at, c.restricted_at, no_basis, bounced)
        if c.record_id:
            watch_id[c.record_id] = idx
        if c.email:
            watch_email.setdefault(c.email, idx)

    # the send log -----------------------------------------------------------
    if sends is not None:
        t = _Tally(sends.name)
        tallies.append(t)
        route = dict.fromkeys(by_id, 0)
        route.update((rid, kobj[idx + 1]) for rid, idx in watch_id.items())
        _stream_sends(sends, t, purpose_of, route, watch_email, channels, progress, workers)
        channels.settle(facts)
        for idx in untimed:  # hits of an untimed opt-out are not the timed rule's
            f = facts[idx]
            f.after_untimed_opt_out, f.after_opt_out = f.after_opt_out, None
        del route
    # the routing tables and the hit tallies are in the facts now: free them before
    # the findings are built, which is when memory peaks
    del channels, kobj, watch_id, watch_email

    # contact rules, in batches ------------------------------------------------
    contact_rules = (R.inactive_not_deactivated, R.bounced_not_deleted, R.marketing_after_opt_out,
                     R.marketing_no_basis, R.restriction_processed)
    for start in range(0, len(facts), _CONTACT_BATCH):
        chunk = facts[start:start + _CONTACT_BATCH]
        for r in contact_rules:
            findings.extend(r.evaluate(chunk, ctx))
    for start in range(0, len(facts), _CONTACT_BATCH):
        chunk = facts[start:start + _CONTACT_BATCH]
        for r in (R.inactive_deactivation_unknown, R.marketing_after_untimed_opt_out):
            findings.extend(r.evaluate(chunk, ctx))
    if cov is not None:
        findings.extend(_coverage_findings(cov, csv_info, ctx))
    if contacts is not None and mangled:
        findings.extend(R.record_id_mangled.evaluate(
            R.MangledIds(contacts.name, tuple(n for n, _ in mangled),
                         tuple(dict.fromkeys(x for _, x in mangled))[:5]), ctx))

    # requests ---------------------------------------------------------------
    unjudged: list[str] = []
    for n, req in enumerate(reqs):
        due: dt.date | dt.datetime | None = None
        if request_hook is not None:
            verdict = verdicts[n]
            due = verdict.due
            findings.extend(verdict.findings)
        else:
            unjudged.append(req.request_id)
        if req.type != "erasure":
            continue
        live_idx = {i for i in (by_email.get(req.subject_email or ""),
                                by_id.get(req.hubspot_record_id or "")) if i is not None}
        arch_idx = set(archived_by_email.get(req.subject_email or "", ())) | set(
            archived_by_id.get(req.hubspot_record_id or "", ()))
        case = R.ErasureCase(req, tuple(facts[i].contact for i in sorted(live_idx)),
                             tuple(facts[i].contact for i in sorted(arch_idx)),
                             _past_due(due, as_of, st.zone), due)
        findings.extend(R.erasure_not_carried_out.evaluate(case, ctx))
        findings.extend(R.erasure_soft_deleted.evaluate(case, ctx))
    if requests is not None and unjudged:
        findings.extend(R.deadlines_not_evaluated.evaluate(
            R.UnjudgedRequests(requests.name, tuple(unjudged)), ctx))
    return Report(policy=PolicyRef.of(policy), command="audit", findings=tuple(findings),
                  rules=AUDIT_RULES, inputs=tuple(t.stats() for t in tallies))


#: the threshold of an opt-out with no time: before every send
_EVER = dt.datetime(1, 1, 2, tzinfo=UTC)


def _coverage_findings(cov: FileCoverage, info: CsvInfo | None, ctx: Context) -> list[Finding]:
    """The notes on one contacts file: how it was read, and the rules it left unjudged."""
    out: list[Finding] = []
    formats: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()
    shape = "CRM API dump"
    if info is not None:
        shape = info.shape
        if info.inferred:
            formats = tuple(f"{label}: {' or '.join(fs)}" for label, fs in info.formats.items())
        ignored = tuple(info.ignored)
    out.extend(R.export_read.evaluate(R.ExportRead(
        cov.source, shape, cov.activity, formats, ignored), ctx))
    for rule_id, n in sorted(cov.not_judged.items()):
        out.extend(R.rule_not_evaluated.evaluate(
            R.NotEvaluated(rule_id, cov.needs(rule_id), cov.source, n), ctx))
    return out


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
    # ``route`` maps the record id of every live contact to its key when the
    # contact is watched, else to 0, so that a send to nobody watched costs no
    # Python bytecode at all: batches are routed by C-level ``map``; a send
    # whose record id is not a live contact's falls back to its e-mail address.
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


def _read_subscriptions(subs: SnapshotInput, mapping: PortalMapping,
                        ) -> tuple[_Tally, list[SubscriptionFacts]]:
    """Read the subscription statuses: their tally, and the subscribers who opted out or consented.

    The others change nothing in the audit (``_audit`` looks only at those two facts).
    """
    t = _Tally(subs.name)
    kept: list[SubscriptionFacts] = []
    for s in scan_subscriptions(subs.lines, source=subs.name, mapping=mapping):
        t.read += 1
        if isinstance(s, RecordError):
            t.reject(s)
        elif s.opt_out is not None or s.consent:
            kept.append(s)
    return t, kept


def _ahead_job() -> tuple[_Tally, list[SubscriptionFacts]]:
    assert _JOB is not None
    subs, mapping = _JOB
    return _read_subscriptions(subs, mapping)


class _Ahead:
    """The subscription statuses, read by a forked process while the caller reads the rest.

    The child inherits the open input (it alone reads it) and sends back only
    the tally and the facts that matter, so little crosses the pipe.
    """

    def __init__(self, subs: SnapshotInput, mapping: PortalMapping) -> None:
        global _JOB
        self._pool = ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("fork"))
        _JOB = (subs, mapping)
        try:
            self._future = self._pool.submit(_ahead_job)  # forks here, with _JOB set
        finally:
            _JOB = None

    def result(self) -> tuple[_Tally, list[SubscriptionFacts]]:
        """Wait for the child; its exception, if any, is raised here."""
        try:
            return self._future.result()
        finally:
            # no pool thread may live on when the send log's workers are forked
            self._pool.shutdown(wait=True)

    def close(self) -> None:
        """Stop the child (if the audit failed before it was needed) and reap it."""
        self._future.cancel()
        self._pool.shutdown(wait=True, cancel_futures=True)


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
        # from here on only the sends to watched contacts
        wk: list[int] = list(filter(None, keys))
        ws = list(compress(b.sids, keys))
        wa = list(compress(b.ats, keys))
        channels.feed(wk, ws, wa, partial(b.marketing, keys), b.fine)
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


def _text_at(t: dt.datetime, fine: bool) -> str:
    """An instant as send-log text: ``...SS.mmmZ`` rounded up to the millisecond, or ``...ffffffZ``.

    A send time with millisecond precision is at or after ``t`` exactly when
    its text is at or after the rounded-up text of ``t``.
    """
    t = t.astimezone(UTC)
    if not fine and t.microsecond % 1000:
        try:
            t += dt.timedelta(microseconds=1000 - t.microsecond % 1000)
        except OverflowError:
            return "\uffff"  # after every send
    text = t.isoformat(timespec="microseconds" if fine else "milliseconds")
    return text.replace("+00:00", "Z")


def _wide(at: str) -> str:
    return at if len(at) == 27 else at[:-1] + "000Z"


class _Hits:
    """The sends that hit one rule, per watched contact, while the log streams.

    Only counts, the first :data:`~.rules.MAX_EVIDENCE_SENDS` send ids and the
    earliest and latest times are kept, so memory is flat in the number of
    sends. A log in time order (the normal case, checked per batch) is folded
    in with C-level dict operations; any other order takes a comparison per hit.
    """

    __slots__ = ("count", "first", "hi", "last", "marketing", "member", "sids", "thr", "thr_fine",
                 "watching")

    def __init__(self, marketing: bool, timed: bool, n: int = 0) -> None:
        self.marketing = marketing
        #: by key: the key when the contact is watched, else 0 (a list look-up needs no hash)
        self.member: list[int] = [0] * (n + 1)
        self.watching = False
        self.thr: dict[int, str] | None = {} if timed else None
        self.thr_fine: dict[int, str] = {}
        self.count: Counter[int] = Counter()
        self.sids: defaultdict[int, list[str]] = defaultdict(list)
        self.first: dict[int, str] = {}
        self.last: dict[int, str] = {}
        self.hi = ""  # the latest time recorded, at the wide width

    def watch(self, key: int, at: dt.datetime | None) -> None:
        self.member[key] = key
        self.watching = True
        if self.thr is not None and at is not None:
            self.thr[key] = _text_at(at, False)
            self.thr_fine[key] = _text_at(at, True)

    def feed(self, wk: list[int], ws: list[str], wa: list[str], mk: bool | list[bool],
             fine: bool) -> None:
        """Take the hits among sends to watched contacts (keys, send ids, times, marketing)."""
        if self.marketing and mk is False:
            return
        sel = list(map(self.member.__getitem__, wk))
        if not any(sel):
            return
        if self.marketing and mk is not True:
            sel = list(map(mul, sel, mk))  # type: ignore[arg-type]
        hk = list(filter(None, sel))
        if not hk:
            return
        hs = list(compress(ws, sel))
        ha = list(compress(wa, sel))
        if self.thr is not None:
            thr = self.thr_fine if fine else self.thr
            ok = list(map(ge, ha, map(thr.__getitem__, hk)))
            if not all(ok):
                hk, hs, ha = list(compress(hk, ok)), list(compress(hs, ok)), list(compress(ha, ok))
                if not hk:
                    return
        self._record(hk, hs, ha)

    def _record(self, hk: list[int], hs: list[str], ha: list[str]) -> None:
        count = self.count
        need = list(map(lt, map(count.get, hk, repeat(0)), repeat(R.MAX_EVIDENCE_SENDS)))
        if any(need):
            # a key may get more ids than it needs within one batch; evidence
            # takes the first few, and memory stays bounded by the batch size
            deque(map(list.append, map(self.sids.__getitem__, compress(hk, need)),
                      compress(hs, need)), maxlen=0)
        count.update(hk)
        first, last = self.first, self.last
        if _wide(ha[0]) >= self.hi and all(map(le, ha, islice(ha, 1, None))):
            deque(map(first.setdefault, hk, ha), maxlen=0)
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

    def emptied(self) -> _Hits:
        """The same watch list (members, thresholds) with nothing counted yet."""
        other = _Hits(self.marketing, self.thr is not None)
        other.member, other.watching = self.member, self.watching
        other.thr, other.thr_fine = self.thr, self.thr_fine
        return other

    def tally(self) -> tuple[dict[int, int], dict[int, list[str]], dict[int, str], dict[int, str]]:
        """What this process found: counts, first send ids, earliest and latest times."""
        return (dict(self.count), {k: v[:R.MAX_EVIDENCE_SENDS] for k, v in self.sids.items()},
                self.first, self.last)

    def merge(self, tally: tuple[dict[int, int], dict[int, list[str]], dict[int, str],
                                 dict[int, str]]) -> None:
        """Add the tally of a later part of the log (keys are the same in every process)."""
        count, sids, first, last = tally
        for k, n in count.items():
            k = self.member[k]  # the shared key object
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
        return R.SendHits(n, self.sids[key][:R.MAX_EVIDENCE_SENDS], self.first[key],
                          self.last[key])


_Tally4 = tuple[dict[int, int], dict[int, list[str]], dict[int, str], dict[int, str]]
_Tallies = tuple[_Tally4, _Tally4, _Tally4, dict[int, tuple[str, str]]]


class _Channels:
    """The send rules' hits: marketing after opt-out, without basis, sends after restriction, bounces."""

    def __init__(self, n: int = 0) -> None:
        """Channels for ``n`` contacts (keys 1..n)."""
        self.opt_out = _Hits(marketing=True, timed=True, n=n)
        self.no_basis = _Hits(marketing=True, timed=False, n=n)
        self.restricted = _Hits(marketing=False, timed=True, n=n)
        #: by key: the key when the contact's address hard-bounced, else 0
        self.bounced: list[int] = [0] * (n + 1)
        self.any_bounced = False
        self.bounce: dict[int, tuple[str, str]] = {}
        #: the one int object of each key, so that dict look-ups hit on identity
        self.key: list[int] = list(range(n + 1))

    def watch(self, key: int, opt_out: dt.datetime | None, restricted: dt.datetime | None,
              no_basis: bool, bounced: bool) -> None:
        if opt_out is not None:
            self.opt_out.watch(key, opt_out)
        if no_basis:
            self.no_basis.watch(key, None)
        if restricted is not None:
            self.restricted.watch(key, restricted)
        if bounced:
            self.bounced[key] = key
            self.any_bounced = True

    def feed(self, wk: list[int], ws: list[str], wa: list[str],
             marketing: Callable[[], bool | list[bool]], fine: bool) -> None:
        """Take the hits among sends to watched contacts; ``marketing()`` says which are marketing."""
        mk: bool | list[bool] | None = None
        for hits in (self.opt_out, self.no_basis, self.restricted):
            if hits.watching:
                if hits.marketing and mk is None:
                    mk = marketing()
                hits.feed(wk, ws, wa, True if mk is None else mk, fine)

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
        """The same watch lists with nothing counted yet."""
        other = _Channels()
        other.opt_out = self.opt_out.emptied()
        other.no_basis = self.no_basis.emptied()
        other.restricted = self.restricted.emptied()
        other.bounced, other.any_bounced = self.bounced, self.any_bounced
        other.key = self.key
        return other

    def tallies(self) -> _Tallies:
        """What this process found, to send to the one that merges."""
        return (self.opt_out.tally(), self.no_basis.tally(), self.restricted.tally(), self.bounce)

    def merge(self, tallies: _Tallies) -> None:
        """Add the tallies of a later part of the log."""
        opt_out, no_basis, restricted, bounce = tallies
        self.opt_out.merge(opt_out)
        self.no_basis.merge(no_basis)
        self.restricted.merge(restricted)
        for k, v in bounce.items():
            self.bounce.setdefault(self.key[k], v)

    def settle(self, facts: Sequence[R.ContactFacts]) -> None:
        """Put the hits into the contacts' facts, as the rules read them."""
        for hits, name in ((self.opt_out, "after_opt_out"), (self.no_basis, "no_basis"),
                           (self.restricted, "after_restriction")):
            for key in hits.count:
                setattr(facts[key - 1], name, hits.evidence(key))
        for key, (sid, at) in self.bounce.items():
            facts[key - 1].bounce_send = (sid, parse_instant(at))
