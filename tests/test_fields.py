"""No policy field decides nothing: change each field of the bundled policy, a verdict changes.

For every field that ``gdpr_policy._fields.READ_BY`` says drives verdicts, a
mutation below changes that field (and nothing else) in the bundled policy,
and the verdicts of the rules it names must differ. A few fields can only
show their effect on a prepared policy (``CONTEXT``: the same edit is made to
the baseline and the mutant, so only the field itself differs). Verdicts are
the findings (rule, subject, severity, message) of lint, consent decisions,
request evaluations, a banner and an audit on fixed probes.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from audit._helpers import CAMPAIGNS, at, contact, send, subscription
from gdpr_policy import (
    audit_snapshot,
    decide_consent,
    evaluate_banner,
    evaluate_request,
    lint_policy,
    load_policy,
    parse_consent_record,
    parse_request,
    read_banner,
)
from gdpr_policy._catalog import coverage_markdown, load_all_rules
from gdpr_policy._fields import DESCRIPTIVE, READ_BY, field_paths
from gdpr_policy._policy import PolicyVersion, bundled_policy, bundled_policy_text
from gdpr_policy._rules import REGISTRY, Finding
from gdpr_policy.audit import PortalMapping, SnapshotInput

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 1, 15)
REQUESTS_AS_OF = dt.date(2026, 12, 1)

Doc = dict[str, Any]


def _by_id(items: list[Doc], wanted: str) -> Doc:
    return next(x for x in items if x.get("id", x.get("domain")) == wanted)


def _t(v: Doc, tid: str) -> Doc:
    return _by_id(v["trackers"], tid)


def _p(v: Doc, pid: str) -> Doc:
    return _by_id(v["purposes"], pid)


def _set(path: str, value: Any) -> Callable[[Doc], None]:
    keys = path.split(".")

    def change(v: Doc) -> None:
        target = v
        for k in keys[:-1]:
            target = target[k]
        target[keys[-1]] = value

    return change


def _each(section: str, key: str, value: Any) -> Callable[[Doc], None]:
    def change(v: Doc) -> None:
        for item in v[section]:
            item[key] = value

    return change


def _tracker(tid: str, key: str, value: Any) -> Callable[[Doc], None]:
    return lambda v: _t(v, tid).__setitem__(key, value)


def _cookie(tid: str, index: int, key: str, value: Any) -> Callable[[Doc], None]:
    return lambda v: _t(v, tid)["cookies"][index].__setitem__(key, value)


def _channel(cid: str, key: str, value: Any) -> Callable[[Doc], None]:
    return lambda v: _by_id(v["controller"]["channels"], cid).__setitem__(key, value)


def _swedish_office(v: Doc) -> None:
    oslo = v["controller"]["addresses"][0]
    oslo["answers_requests"] = ["inmeta.no"]
    v["controller"]["addresses"].append(
        {"kind": "visiting", "street": "Kungsgatan 1", "postcode": "111 43", "city": "Stockholm",
         "country": "SE"}
    )


def _swedish_entity(answers: list[str], country: str = "SE") -> Callable[[Doc], None]:
    def add(v: Doc) -> None:
        v["controller"]["addresses"][0]["answers_requests"] = ["inmeta.no"]
        v["controller"]["entities"] = [{
            "legal_name": "Inmeta Sverige AB", "organisation_number": "556781-2341",
            "country": "SE",
            "addresses": [{"kind": "visiting", "street": "Kungsgatan 1", "postcode": "111 43",
                           "city": "Stockholm", "country": country,
                           "answers_requests": answers}]}]

    return add


def _german_office(v: Doc) -> None:
    v["jurisdictions"].append({"code": "DE", "timezone": "Europe/Berlin", "calendar": "DE"})
    v["controller"]["addresses"][0]["answers_requests"] = ["inmeta.no"]
    v["controller"]["addresses"].append(
        {"kind": "visiting", "postcode": "80331", "city": "München", "country": "DE",
         "answers_requests": ["inmeta.se"]})


def _german_entity(v: Doc) -> None:
    v["jurisdictions"].append({"code": "DE", "timezone": "Europe/Berlin", "calendar": "DE"})
    v["controller"]["addresses"][0]["answers_requests"] = ["inmeta.no"]
    v["controller"]["entities"] = [{
        "legal_name": "Inmeta GmbH", "organisation_number": "München HRB 123456", "country": "DE",
        "addresses": [{"kind": "visiting", "postcode": "80331", "city": "München",
                       "country": "DE", "answers_requests": ["inmeta.se"]}]}]


def _portuguese_office(v: Doc) -> None:
    v["jurisdictions"].append({"code": "PT", "timezone": "Europe/Lisbon", "calendar": "PT"})
    v["controller"]["addresses"][0]["answers_requests"] = ["inmeta.no"]
    v["controller"]["addresses"].append(
        {"kind": "visiting", "postcode": "1100-148", "city": "Lisboa", "country": "PT",
         "answers_requests": ["inmeta.se"]})


def _german_controller(v: Doc) -> None:
    v["jurisdictions"].append({"code": "DE", "timezone": "Europe/Berlin", "calendar": "DE"})
    v["controller"].update(country="DE", organisation_number="München HRB 123456")
    for a in v["controller"]["addresses"]:
        a["country"] = "DE"


def _purge_rule(v: Doc) -> None:
    v["retention"].append(
        {"id": "purge", "trigger": "inactivity", "after": "P3Y", "action": "delete",
         "activity_signals": ["email-open"]}
    )


#: Edits made to both sides, where the bundled policy alone cannot show a field's effect.
def _complaint_to(authority: str) -> Callable[[Doc], None]:
    def change(v: Doc) -> None:
        v["discloses"] = sorted({*v["discloses"], "right-to-complain"})
        v["rights"]["complaint"] = {"authority": authority}
    return change


def _newsletter(v: Doc) -> None:
    v["purposes"].append({"id": "newsletter", "kind": "marketing", "basis": "consent",
                          "description": {"en": "Newsletter"}, "systems": ["hubspot"],
                          "withdrawal_channels": ["unsubscribe-link"]})


def _luxembourg_entity(v: Doc) -> None:
    _complaint_to("CNPD")(v)
    v["controller"]["entities"] = [{"legal_name": "Inmeta Luxembourg S.à r.l.",
                                    "organisation_number": "B123456", "country": "LU"}]


CONTEXT: dict[str, Callable[[Doc], None]] = {
    # A consent purpose that only a system serves (no tracker): the system is its use.
    "purposes[].systems": _newsletter,
    # An entity in Luxembourg: its authority, the CNPD, is one a complaint may go to (Art. 77).
    "controller.entities[].country": _luxembourg_entity,
    # The bundled statement names no authority: one that does, correctly.
    "rights.complaint.authority": _complaint_to("Datatilsynet"),
    # With a Swedish office that answers nothing yet, answering for inmeta.se moves the calendar.
    "controller.addresses[].answers_requests": _swedish_office,
    # Browser settings are in the bundled forbidden forms; without them the floor shows.
    "sites[].jurisdiction": lambda v: v["consent"]["forbidden_forms"].remove("browser-settings"),
    # A purpose on legitimate interest with the national act named, but no national basis yet.
    "purposes[].national_basis": lambda v: _p(v, "inquiry-follow-up").__setitem__(
        "national_law", "NO Markedsføringsloven § 15"
    ),
    # A deletion rule, so that the trigger of a rule decides whether data is ever deleted.
    "retention[].trigger": _purge_rule,
    # A Swedish entity of the group, with an office that answers nothing yet, or that
    # answers inmeta.se from an address in Norway.
    "controller.entities[].addresses[].answers_requests": _swedish_entity([]),
    "controller.entities[].addresses[].country": _swedish_entity(["inmeta.se"], country="NO"),
    # A German office, entity or controller answers inmeta.se: its region decides whether
    # Corpus Christi (4 June 2026, the probe r-corpus) is a holiday.
    "controller.addresses[].subdivision": _german_office,
    "controller.entities[].addresses[].subdivision": _german_entity,
    "controller.entities[].subdivision": _german_entity,
    "controller.subdivision": _german_controller,
    # (a calendar must be of its country: the German jurisdiction's, Germany or Bavaria)
    "jurisdictions[].calendar": _german_office,
    # A Portuguese office answers inmeta.se: 00:30 UTC on 2 March is 2 March in Lisbon but
    # 1 March in the Azores (the probe r-midnight-pt)
    "jurisdictions[].timezone": _portuguese_office,
    # The bundled policy says nothing of automated decisions: it makes none.
    "automated_decisions.used": lambda v: v.__setitem__("automated_decisions", {"used": False}),
    # The bundled policy names no recipients: one in the EEA, one in the US on clauses.
    # ... and, for the role, no joint controller among the trackers either.
    "recipients[].role": lambda v: (v.__setitem__("recipients", [
        {"id": "host", "name": "Host", "role": "processor", "country": "SE"}]), [
        t.update(provider_role="independent-controller") for t in v["trackers"]
        if t.get("provider_role") == "joint-controller"]),
    # Google's processor agreement among the recipients: its systems' transfers have a ground.
    "recipients[].name": lambda v: v.__setitem__("recipients", [
        {"id": "google", "name": "Google LLC", "role": "processor", "country": "US",
         "transfer": {"safeguard": "eu-us-dpf"}}]),
    "recipients[].country": lambda v: v.__setitem__("recipients", [
        {"id": "host", "name": "Host", "role": "processor", "country": "SE"}]),
    "recipients[].transfer.safeguard": lambda v: v.__setitem__("recipients", [
        {"id": "desk", "name": "Desk", "role": "processor", "country": "IN",
         "transfer": {"safeguard": "standard-contractual-clauses"}}]),
}

#: Field -> the change made to it (only to it).
MUTATIONS: dict[str, Callable[[Doc], None]] = {
    "effective_from": _set("effective_from", "2025-06-01"),
    "controller.country": lambda v: v["controller"].update(
        country="SE", organisation_number="556036-0793"  # a Swedish number goes with it
    ),
    "controller.addresses[].country": lambda v: v["controller"]["addresses"][0].__setitem__(
        "country", "SE"
    ),
    "controller.addresses[].answers_requests": lambda v: v["controller"]["addresses"][2].__setitem__(
        "answers_requests", ["inmeta.se"]
    ),
    "controller.entities[].addresses[].answers_requests": lambda v: v["controller"]["entities"][0][
        "addresses"][0].__setitem__("answers_requests", ["inmeta.se"]),
    "controller.entities[].addresses[].country": lambda v: v["controller"]["entities"][0][
        "addresses"][0].__setitem__("country", "SE"),
    "controller.subdivision": lambda v: v["controller"].__setitem__("subdivision", "DE-BY"),
    "controller.addresses[].subdivision": lambda v: v["controller"]["addresses"][2].__setitem__(
        "subdivision", "DE-BY"),
    "controller.entities[].subdivision": lambda v: v["controller"]["entities"][0].__setitem__(
        "subdivision", "DE-BY"),
    "controller.entities[].addresses[].subdivision": lambda v: v["controller"]["entities"][0][
        "addresses"][0].__setitem__("subdivision", "DE-BY"),
    "controller.channels[].kind": _channel("opt-out-email", "kind", "web"),
    "controller.channels[].value": _channel("opt-out-email", "value", "post@inmeta.no"),
    "controller.channels[].href": _channel("opt-out-email", "href", "mailto:hei@inmeta.no"),
    "controller.channels[].uses": _channel("cookie-banner", "uses", ["general"]),
    "sites[].jurisdiction": lambda v: _by_id(v["sites"], "inmeta.no").__setitem__(
        "jurisdiction", "SE"
    ),
    "sites[].domain": lambda v: [
        _by_id(v["sites"], "inmeta.no").__setitem__("domain", "linkedin.com"),
        v["controller"]["addresses"][0].__setitem__("answers_requests", ["inmeta.se"]),
    ][0],
    # (a zone must be of its country: the Portuguese office's, Lisbon or the Azores)
    "jurisdictions[].timezone": lambda v: v["jurisdictions"][2].__setitem__(
        "timezone", "Atlantic/Azores"
    ),
    "jurisdictions[].calendar": lambda v: v["jurisdictions"][2].__setitem__("calendar", "DE-BY"),
    "systems[].vendor": lambda v: _by_id(v["systems"], "hubspot").__setitem__("vendor", "Salesforce"),
    "systems[].outside_eea": _each("systems", "outside_eea", False),
    "automated_decisions.used": lambda v: v["automated_decisions"].update(used=True),
    "recipients[].role": _each("recipients", "role", "joint-controller"),
    "recipients[].country": _each("recipients", "country", "US"),
    "recipients[].transfer.safeguard": lambda v: v["recipients"][0]["transfer"].update(
        safeguard="adequacy"),
    "purposes[].kind": lambda v: _p(v, "analytics").__setitem__("kind", "service"),
    "purposes[].basis": lambda v: _p(v, "analytics").__setitem__("basis", "legitimate-interest"),
    "purposes[].national_basis": lambda v: _p(v, "inquiry-follow-up").__setitem__(
        "national_basis", ["consent"]
    ),
    "purposes[].systems": lambda v: _p(v, "newsletter").__setitem__("systems", []),
    # another vendor's name: the Google systems' transfers are no longer the recipient's
    "recipients[].name": lambda v: v["recipients"][0].__setitem__("name", "Alphabet Inc."),
    # the act reaches the recipients of its own country: Norwegian ones are owed only the
    # statement's promise under a Swedish act (marketing.no-basis.promise)
    "purposes[].national_law": lambda v: _p(v, "email-marketing").__setitem__(
        "national_law", "SE Marknadsföringslagen 19 §"),
    "controller.entities[].country": lambda v: v["controller"]["entities"][0].__setitem__(
        "country", "IE"),
    "purposes[].withdrawal_channels": lambda v: _p(v, "email-marketing").__setitem__(
        "withdrawal_channels", []
    ),
    "trackers[].provider": _tracker("meta-pixel", "provider", "Inmeta"),
    "trackers[].provider_role": _tracker("meta-pixel", "provider_role", "processor"),
    "trackers[].system": _tracker("campaign-tracking", "system", "hubspot"),
    "trackers[].category": _tracker("linkedin-insight", "category", "necessary"),
    "trackers[].purposes": _tracker("hubspot", "purposes", ["analytics", "inquiry-follow-up"]),
    "trackers[].consent_required": _tracker("google-analytics", "consent_required", False),
    "trackers[].cookies[].name": _cookie("google-analytics", 0, "name", "_ga_legacy"),
    "trackers[].cookies[].pattern": _cookie("google-analytics", 1, "pattern", "^_ga_.+$"),
    "trackers[].cookies[].domain": _cookie("meta-pixel", 0, "domain", ".facebook.com"),
    "trackers[].cookies[].party": _cookie("linkedin-insight", 0, "party", "first"),
    "trackers[].cookies[].lifetime": _cookie("google-analytics", 0, "lifetime", "P13M"),
    "trackers[].cookies[].session": _cookie("hubspot", 0, "session", True),
    "retention[].trigger": lambda v: _by_id(v["retention"], "purge").__setitem__(
        "trigger", "on-request"
    ),
    "retention[].after": lambda v: _by_id(v["retention"], "inactive-contacts").__setitem__(
        "after", "P10Y"
    ),
    "retention[].action": lambda v: _by_id(v["retention"], "inactive-contacts").__setitem__(
        "action", "delete"
    ),
    "retention[].activity_signals": lambda v: _by_id(
        v["retention"], "inactive-contacts"
    ).__setitem__("activity_signals", ["meeting"]),
    # what staff log (notes_last_updated) is then the person's activity (the audit probe's 701)
    "retention[].not_activity": lambda v: _by_id(v["retention"], "inactive-contacts")[
        "not_activity"].remove("staff-logged"),
    "disclosure.third_parties": _set("disclosure.third_parties", True),
    "disclosure.exceptions": _set("disclosure.exceptions", []),
    "rights.rights": lambda v: v["rights"]["rights"].remove("portability"),
    "rights.response_period": _set("rights.response_period", "P2M"),
    "rights.extension": _set("rights.extension", "P1M"),
    "rights.extension_notice_within": _set("rights.extension_notice_within", "P2M"),
    "rights.extension_reasons": _set("rights.extension_reasons", ["complexity"]),
    "rights.identity.clock": _set("rights.identity.clock", "restart"),
    "rights.identity.prompt_within": _set("rights.identity.prompt_within", "P7D"),
    "rights.identity.triggers": _set("rights.identity.triggers", ["representative"]),
    "rights.identity.means": _set("rights.identity.means", ["id-document"]),
    "rights.portability_formats": _set("rights.portability_formats", ["application/json"]),
    "rights.complaint.authority": _set("rights.complaint.authority", "Datainspektionen"),
    "rights.channels": _set("rights.channels", ["phone"]),
    "consent.criteria": lambda v: v["consent"]["criteria"].remove("informed"),
    "consent.forbidden_forms": lambda v: v["consent"]["forbidden_forms"].remove("browser-settings"),
    "consent.per_purpose": _set("consent.per_purpose", False),
    "consent.notice_must_include": _set("consent.notice_must_include", ["purposes"]),
    "consent.withdrawal_as_easy_as_giving": _set("consent.withdrawal_as_easy_as_giving", False),
    "consent.withdrawal_channels": lambda v: v["consent"]["withdrawal_channels"].append("phone"),
    "consent.max_lifetime": _set("consent.max_lifetime", "P6M"),
    "consent.lifetime_by_kind": _set("consent.lifetime_by_kind", {"marketing": "P6M"}),
    "consent.new_version_needs_renewal": _set("consent.new_version_needs_renewal", False),
    "consent.banner_revision": _set("consent.banner_revision", 2),
    "marketing.opt_out_channels": lambda v: v["marketing"]["opt_out_channels"].append("phone"),
    "marketing.opt_out_covers": _set("marketing.opt_out_covers", ["email-marketing"]),
    "discloses": lambda v: v["discloses"].append("transfers"),
}


#: Field -> a change that the audit alone must notice (its rules in READ_BY), where the
#: mutation above shows the field's effect on another reader (the linter).
AUDIT_MUTATIONS: dict[str, Callable[[Doc], None]] = {
    # the existing-customer exception enabled: the customer who never consented (the audit
    # probe's 702) may be marketed (markedsføringsloven § 15(3))
    "purposes[].national_basis": lambda v: _p(v, "email-marketing").__setitem__(
        "national_basis", ["consent", "existing-customer-relationship"]
    ),
    "retention[].not_activity": MUTATIONS["retention[].not_activity"],
}


#: Fields the load checks couple to the mutated one (the mutation must change them too).
COUPLED: dict[str, set[str]] = {
    # A Swedish controller has a Swedish organisation number (Luhn), or the policy does not load.
    "controller.country": {"controller.organisation_number"},
    # Renaming a site renames it where it is referred to.
    "sites[].domain": {"controller.addresses[].answers_requests"},
}


# -- probes ---------------------------------------------------------------------------------------

_OSLO = dt.timezone(dt.timedelta(hours=1))
_NOTICE = {"id": "form", "version": "2024-03-06", "controller_identity": True,
           "data_types": ["email"], "right_to_withdraw": True}


def _record(rid: str, purposes: list[str], given: str, **more: Any) -> Any:
    data = {"subject": rid, "id": rid, "given_at": given, "purposes": purposes,
            "method": "button", "separate_choices": True,
            "notice": {**_NOTICE, "purposes": purposes}, **more}
    return parse_consent_record(data, source="probe.json")


@cache
def _consent_probes() -> tuple[Any, ...]:
    return (
        _record("c-ok", ["analytics", "email-marketing"], "2025-03-01T10:00+01:00"),
        _record("c-old", ["analytics"], "2024-11-01T10:00+01:00"),
        _record("c-mail", ["email-marketing"], "2025-03-01T10:00+01:00"),
        _record("c-browser", ["email-marketing"], "2025-03-01T10:00+01:00",
                method="browser-settings"),
        _record("c-stale", ["analytics"], "2025-03-01T10:00+01:00",
                notice={**_NOTICE, "version": "2023-01-01", "purposes": ["analytics"]}),
    )


def _request(rid: str, **fields: Any) -> Any:
    data = {"id": rid, "type": "access", "channel": "email",
            "received_at": "2026-03-02T10:00+01:00",
            "subject": {"name": "Kari Nordmann", "email": "kari@example.no"},
            "record": {"matches": 1, "name": "Kari Nordmann", "emails": ["kari@example.no"]},
            **fields}
    return parse_request(data, source="probe.json")


def _answered(day: str, **more: Any) -> dict[str, Any]:
    return {"responded_at": f"{day}T12:00+02:00", "outcome": "fulfilled", **more}


@cache
def _request_probes() -> tuple[Any, ...]:
    stranger = {"name": "Kari Nordmann", "email": "kari@gmail.example"}
    return (
        # Due 7 April in Norway (Easter), 2 April in Sweden: answered on the 6th.
        _request("r-easter", response=_answered("2026-04-06")),
        _request("r-easter-se", site="inmeta.se", response=_answered("2026-04-06")),
        # Received 00:30 in Oslo, still 1 March in UTC: due 1 April there, answered 2 April.
        _request("r-midnight", received_at="2026-03-01T23:30Z", response=_answered("2026-04-02")),
        # Received 00:30 UTC on 2 March at inmeta.se: due 2 April where that is 2 March,
        # 1 April where it is still 1 March; answered 2 April.
        _request("r-midnight-pt", site="inmeta.se", received_at="2026-03-02T00:30Z",
                 response=_answered("2026-04-02")),
        # Answered after five weeks: late under P1M.
        _request("r-slow", response=_answered("2026-04-20")),
        # Validly extended on the number of requests, answered after two months and a half.
        _request("r-extended", response=_answered("2026-05-20"),
                 extension={"notified_at": "2026-03-20T10:00+01:00", "reason": "many",
                            "grounds": ["number-of-requests"]}),
        # Identity asked on day 5 from an address not on record (a trigger; late under P3D).
        _request("r-identity", channel="web-form", subject=stranger, response=_answered("2026-03-20"),
                 identity={"asked_at": "2026-03-07T09:00+01:00",
                           "means": ["confirm-via-address-on-record"]}),
        # An identity document asked where a link to the address on record would do.
        _request("r-id-doc", channel="web-form", subject=stranger, response=_answered("2026-03-20"),
                 identity={"asked_at": "2026-03-03T09:00+01:00", "means": ["id-document"]}),
        # Due 4 June 2026 from Germany, 5 June from Bavaria (Corpus Christi): answered the 5th.
        _request("r-corpus", site="inmeta.se", received_at="2026-05-04T10:00+02:00",
                 response=_answered("2026-06-05")),
        # Portability delivered as CSV.
        _request("r-csv", type="portability", channel="account",
                 response=_answered("2026-03-20", format="text/csv")),
    )


@cache
def _banner() -> Any:
    path = ROOT / "examples" / "banners" / "cookieconsent" / "compliant.js"
    return read_banner(path.read_text("utf-8"), source="compliant.js")


def _audit(version: PolicyVersion) -> list[Finding]:
    base = ROOT / "tests" / "data" / "audit_fuzz"
    names = {"contacts": "contacts_api.jsonl", "subscriptions": "subscriptions.jsonl",
             "campaigns": "email_campaigns.json", "sends": "email_sends.jsonl",
             "requests": "dsr_requests.jsonl", "properties": "properties.json"}
    inputs = {kind: SnapshotInput(name, (base / name).read_text("utf-8").splitlines(keepends=True))
              for kind, name in names.items()}
    report = audit_snapshot(as_of=dt.date(2025, 6, 30), policy=version, **inputs)
    return [*report.findings, *_audit_handmade(version)]


def _audit_handmade(version: PolicyVersion) -> list[Finding]:
    """Two contacts whose verdicts hang on one policy field each (the generated one has none).

    701 did nothing since 2020 but has a note logged by staff in May 2025 (inactive only
    while ``not_activity`` says what staff log is not the person's); 702 is a customer (the
    portal's ``sale`` records the exception's conditions) who never consented to the
    Newsletter and got it in 2024 (no basis unless ``national_basis`` enables the exception).
    """
    contacts = [contact("701", "kari@firma.no", notes_last_updated=at("2025-05-01T10:00")),
                contact("702", "ola@firma.no", hs_email_last_open_date=at("2025-05-01T10:00"),
                        sale="true")]
    subs = [subscription("701", "kari@firma.no", consent=True),
            subscription("702", "ola@firma.no", consent=False)]
    sends = [send("S1", "702", "ola@firma.no", at("2024-06-03T08:00"))]
    report = audit_snapshot(
        as_of=dt.date(2025, 6, 30), policy=version,
        mapping=PortalMapping(customer_exception_properties=("sale",)),
        contacts=SnapshotInput("contacts_api.jsonl", contacts),
        subscriptions=SnapshotInput("subscriptions.jsonl", subs),
        campaigns=SnapshotInput("email_campaigns.json", [json.dumps(CAMPAIGNS)]),
        sends=SnapshotInput("email_sends.jsonl", sends))
    return list(report.findings)


def _key(f: Finding) -> str:
    return json.dumps(
        [f.rule, f.subject, f.severity.value, f.message.code,
         {k: str(v) for k, v in sorted(f.message.values.items())}],
        sort_keys=True,
    )


def verdicts(doc: Doc, rules: tuple[str, ...]) -> frozenset[str]:
    """The findings of ``rules`` on the probes, for a policy document."""
    policy = load_policy(doc, source="probe.yaml")
    version = policy.latest
    areas = {r.split(".", 1)[0] for r in rules}
    found: list[Finding] = []
    if "policy" in areas:
        found += lint_policy(policy)
    if "consent" in areas:
        for record in _consent_probes():
            decision = decide_consent(record, version, AS_OF)
            found += [*decision.findings, *decision.notes]
    if "request" in areas:
        for request in _request_probes():
            found += evaluate_request(request, version, REQUESTS_AS_OF)
    if "banner" in areas:
        found += evaluate_banner(_banner(), version, as_of=AS_OF)
    if areas & {"retention", "marketing", "erasure", "restriction", "audit"}:
        found += _audit(version)
    return frozenset(_key(f) for f in found if f.rule in rules)


@cache
def _bundled_doc() -> Doc:
    doc: Doc = yaml.safe_load(bundled_policy_text())
    return doc


def _docs(field: str) -> tuple[Doc, Doc]:
    base = copy.deepcopy(_bundled_doc())
    if field in CONTEXT:
        CONTEXT[field](base["versions"][-1])
    mutant = copy.deepcopy(base)
    MUTATIONS[field](mutant["versions"][-1])
    return base, mutant


# -- the tests ------------------------------------------------------------------------------------


def test_every_field_is_either_read_or_descriptive() -> None:
    fields = set(field_paths())
    assert set(READ_BY) | set(DESCRIPTIVE) == fields
    assert not set(READ_BY) & set(DESCRIPTIVE)
    assert set(MUTATIONS) == set(READ_BY)


def test_read_by_names_registered_rules() -> None:
    load_all_rules()
    for field, rules in READ_BY.items():
        for rule_id in rules:
            assert rule_id in REGISTRY, (field, rule_id)


@pytest.mark.parametrize("field", sorted(READ_BY))
def test_changing_the_field_changes_a_verdict(field: str) -> None:
    base, mutant = _docs(field)
    rules = READ_BY[field]
    before, after = verdicts(base, rules), verdicts(mutant, rules)
    assert before != after, f"{field}: no verdict of {', '.join(rules)} changed"


_AUDIT_AREAS = ("retention.", "marketing.", "erasure.", "restriction.", "audit.")


@pytest.mark.parametrize("field", sorted(AUDIT_MUTATIONS))
def test_the_audit_reads_the_fields_it_claims(field: str) -> None:
    # the audit's own findings change, whatever the linter says
    rules = tuple(r for r in READ_BY[field] if r.startswith(_AUDIT_AREAS))
    assert rules, field
    base = copy.deepcopy(_bundled_doc())
    mutant = copy.deepcopy(base)
    AUDIT_MUTATIONS[field](mutant["versions"][-1])
    assert _changed_fields(base["versions"][-1], mutant["versions"][-1]) == {field}
    before, after = verdicts(base, rules), verdicts(mutant, rules)
    assert before != after, f"{field}: no verdict of {', '.join(rules)} changed"
    # and only for the hand-made contact that hangs on it
    want = {"purposes[].national_basis": "702", "retention[].not_activity": "701"}[field]
    assert {json.loads(k)[1] for k in before ^ after} == {want}


def test_the_mutation_changes_only_its_field() -> None:
    # A mutation that touched another field would prove nothing about its own.
    for field in sorted(READ_BY):
        base, mutant = _docs(field)
        changed = _changed_fields(base["versions"][-1], mutant["versions"][-1])
        extra = changed - {field} - COUPLED.get(field, set())
        assert not extra, (field, extra)


def _changed_fields(a: Any, b: Any, prefix: str = "") -> set[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        out: set[str] = set()
        for k in set(a) | set(b):
            sub = f"{prefix}.{k}" if prefix else str(k)
            if k not in a or k not in b:
                out.add(sub)
            else:
                out |= _changed_fields(a[k], b[k], sub)
        return out
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b) and all(
        isinstance(x, dict) for x in a + b
    ):
        out = set()
        for x, y in zip(a, b, strict=True):
            out |= _changed_fields(x, y, f"{prefix}[]")
        return out
    return set() if a == b else {prefix}


def test_coverage_names_only_fields_that_decide_verdicts() -> None:
    text = coverage_markdown(bundled_policy())
    for field in DESCRIPTIVE:
        leaf = field.rsplit(".", 1)[-1]
        if leaf in {"statement", "id", "description"}:
            assert f".{leaf}`" not in text and f"`{leaf}`" not in text, field
    assert "`disclosure`: `third_parties`, `exceptions`" in text
    assert "`max_lifetime`" in text
    # A clause encoded only by descriptive fields names none (S08: the data categories).
    s08 = next(line for line in text.splitlines() if line.startswith("| S08 "))
    assert s08.endswith("| - | - |")
