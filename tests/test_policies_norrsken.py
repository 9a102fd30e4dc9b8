"""A second organisation, end to end: Norrsken Moln AB (policies/norrsken.yaml).

A fictional Swedish cloud provider with its own statement (two documents,
clauses 1.1 .. 6.3 and C1 .. C4), its own national law and its own sites. Every
command works with it and every finding cites *its* clauses, never Inmeta's.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from audit._helpers import at, by_rule, contact, run, send, subscription
from gdpr_policy import PolicyError, lint_policy, load_policy
from gdpr_policy._policy import Policy, PolicyVersion
from gdpr_policy._rules import Finding
from gdpr_policy.banner import read_banner
from gdpr_policy.banner.rules import evaluate_banner
from gdpr_policy.consent import ConsentRecord, evaluate_consent
from gdpr_policy.requests import compute_deadline, evaluate_request, parse_request

ROOT = Path(__file__).resolve().parents[1]
PATH = ROOT / "policies" / "norrsken.yaml"
DATA = Path(__file__).resolve().parent / "data" / "norrsken"
STOCKHOLM = ZoneInfo("Europe/Stockholm")
AS_OF = dt.date(2026, 2, 2)
INMETA_STYLE = re.compile(r"^S\d\d$")


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(PATH.read_text("utf-8"), source="norrsken.yaml")


@pytest.fixture(scope="module")
def version(policy: Policy) -> PolicyVersion:
    return policy.at(AS_OF)


def _clauses(version: PolicyVersion) -> set[str]:
    return {c.id for d in version.documents for c in d.clauses}


def _cited(findings: list[Finding]) -> dict[str, tuple[str, ...]]:
    return {f.rule: tuple(s.clause for s in f.statement) for f in findings}


def _only_its_own(findings: list[Finding], version: PolicyVersion) -> None:
    own = _clauses(version)
    for f in findings:
        for ref in f.statement:
            assert ref.clause in own, (f.rule, ref.clause)
            assert not INMETA_STYLE.match(ref.clause), (f.rule, ref.clause)


def test_its_documents_and_clauses_are_its_own(version: PolicyVersion) -> None:
    assert [d.id for d in version.documents] == ["integritetspolicy", "cookiepolicy"]
    assert {"1.1", "3.2", "6.2", "C1", "C4"} <= _clauses(version)
    # the statement text it encodes ships beside it, clause by clause
    text = (ROOT / "policies" / "norrsken" / "integritetspolicy.md").read_text("utf-8")
    for clause in _clauses(version):
        assert f"**{clause}**" in text, clause


def test_a_reference_to_a_clause_it_does_not_have_is_a_located_error() -> None:
    text = PATH.read_text("utf-8").replace('statement: ["5.2"]', 'statement: ["5.3"]', 1)
    with pytest.raises(PolicyError, match=r"norrsken\.yaml:\d+:\d+: .*retention\[1\]\.statement\[0\]: "
                       r"expected a clause of the documents, got '5\.3' \(did you mean '\d\.\d'\?\)"):
        load_policy(text, source="norrsken.yaml")


def test_lint_cites_its_clauses_and_reports_what_its_statement_omits(policy: Policy) -> None:
    findings = lint_policy(policy)
    _only_its_own(findings, policy.latest)
    omitted = sorted(str(f.evidence["item"]) for f in findings if f.rule == "policy.notice-omission")
    assert omitted == ["recipients", "retention-periods", "right-to-complain", "transfers"]
    # it profiles no one, so the law does not ask its opt-out to stop profiling (Art. 21(2))
    below = [f for f in findings if f.rule == "policy.consent-below-law"]
    assert not any(f.evidence["field"] == "marketing.opt_out_covers" for f in below)
    # its Norwegian site brings the Norwegian cookie rule
    assert any(f.evidence.get("article") == "NO Ekomloven § 3-15" for f in below)
    assert {s.clause for f in below for s in f.statement} == {"4.1", "3.2"}
    # what the statement does not say and the file had to choose is reported apart, as notes
    assumed = [f for f in findings if f.rule == "policy.assumed-value"]
    assert [f.evidence["field"] for f in assumed] == [
        "rights.identity.clock", "rights.identity.prompt_within",
        "recipients[google].transfer.safeguard"]
    # Google in the US under the Data Privacy Framework: a ground that holds
    assert not [f for f in findings if f.rule == "policy.transfer-without-safeguard"]
    assert all(f.statement == () for f in assumed)


def test_banner_findings_cite_its_cookie_clauses(version: PolicyVersion) -> None:
    text = (DATA / "banner-preselected.yaml").read_text("utf-8")
    banner = read_banner(text, source="banner-preselected.yaml")
    findings = evaluate_banner(banner, version, AS_OF)
    _only_its_own(findings, version)
    cited = _cited(findings)
    assert cited["banner.cookie-wall"] == ("C4",)
    assert cited["banner.preselected"] == ("4.1",)


def test_a_pre_ticked_consent_cites_its_consent_clause(version: PolicyVersion) -> None:
    record = ConsentRecord.model_validate({
        "subject": "kund-1", "given_at": dt.datetime(2025, 10, 1, 9, 0, tzinfo=STOCKHOLM),
        "purposes": ["statistics"], "method": "pre-ticked", "separate_choices": True,
        "notice": {"id": "banner", "version": "2025-09-01", "controller_identity": True,
                   "purposes": ["statistics"], "data_types": ["ip"], "right_to_withdraw": True},
    })
    findings = evaluate_consent(record, version, AS_OF)
    _only_its_own(findings, version)
    assert _cited(findings)["consent.pre-ticked"] == ("4.1",)


def test_requests_from_its_norwegian_site_follow_the_swedish_calendar(
        version: PolicyVersion) -> None:
    # 6 December 2025 + one month = 6 January 2026, Epiphany in Sweden (not in Norway):
    # answered from Umeå, the request is due on 7 January.
    received = dt.datetime(2025, 12, 6, 10, 0, tzinfo=STOCKHOLM)
    deadline = compute_deadline(received, version, jurisdiction=version.answering_country("norrskenmoln.no"))
    assert deadline.calendar == "SE"
    assert deadline.due == dt.date(2026, 1, 7)
    request = parse_request({
        "id": "r1", "type": "access", "channel": "email", "site": "norrskenmoln.no",
        "received_at": received.isoformat(),
        "subject": {"name": "Kari Nordmann", "email": "kari@example.no"},
        "record": {"matches": 1, "name": "Kari Nordmann", "emails": ["kari@example.no"]},
    }, source="requests.json", pointer="/requests/0")
    findings = evaluate_request(request, version, AS_OF)
    _only_its_own(findings, version)
    overdue = [f for f in findings if f.rule == "request.overdue"]
    assert [s.clause for s in overdue[0].statement] == ["6.1", "6.2"]


def test_the_audit_cites_its_clauses_and_the_swedish_marketing_act(policy: Policy) -> None:
    rep = run(policy=policy, as_of=AS_OF,
              contacts=[contact("1", "anna.svensson@foretag.se", country="Sweden"),
                        contact("2", "kari.nordmann@firma.no", country="Norway"),
                        contact("3", "old@foretag.se", country="Sweden",
                                hs_email_last_open_date=at("2023-11-01T10:00"))],
              subscriptions=[subscription("1", "anna.svensson@foretag.se"),
                             subscription("2", "kari.nordmann@firma.no"),
                             subscription("3", "old@foretag.se", consent=True)],
              sends=[send("S1", "1", None, at("2025-10-06T07:00")),
                     send("S2", "2", None, at("2025-10-06T07:00"))])
    _only_its_own(list(rep.findings), policy.latest)
    by_subject = {f.subject: f for f in by_rule(rep, "marketing.no-basis")}
    anna, kari = by_subject["1"], by_subject["2"]
    # a natural person in Sweden: the Swedish Marketing Act, which the policy names
    assert "SE Marknadsföringslagen 19 §" in [str(x) for x in anna.legal]
    assert anna.message.code == "marketing.no-basis"
    # a recipient in Norway is owed consent by the statement's promise, not by the Swedish act
    assert "SE Marknadsföringslagen 19 §" not in [str(x) for x in kari.legal]
    assert kari.message.code == "marketing.no-basis.promise"
    assert [s.clause for s in anna.statement] == ["3.2", "4.1"]
    assert not any("Markedsføringsloven" in str(x) for f in rep.findings for x in f.legal)
    # 18 months without activity (5.1), not Inmeta's two years: the cutoff is 2 August 2024
    inactive = {f.subject: f for f in by_rule(rep, "retention.inactive-not-deactivated")}
    assert [s.clause for s in inactive["3"].statement] == ["5.1"]
    assert inactive["3"].evidence["cutoff"] == dt.datetime(2024, 8, 2, tzinfo=STOCKHOLM)


def test_a_policy_only_under_swedish_law_is_not_judged_under_the_norwegian_acts() -> None:
    import yaml

    doc = yaml.safe_load(PATH.read_text("utf-8"))
    v = doc["versions"][0]
    v["sites"] = [s for s in v["sites"] if s["jurisdiction"] == "SE"]
    v["jurisdictions"] = [j for j in v["jurisdictions"] if j["code"] == "SE"]
    v["controller"]["addresses"][0]["answers_requests"] = ["norrskenmoln.se"]
    swedish = load_policy(yaml.safe_dump(doc, allow_unicode=True), source="se.yaml").at(AS_OF)
    text = (DATA / "banner-preselected.yaml").read_text("utf-8")
    findings = evaluate_banner(read_banner(text, source="b.yaml"), swedish, AS_OF)
    laws = {str(x) for f in findings for x in f.legal}
    assert "SE LEK 9 kap. 28 §" in laws
    assert not any(law.startswith("NO ") for law in laws), laws
    # the same banner under the policy with its Norwegian site cites both countries' acts
    both = {str(x) for f in evaluate_banner(read_banner(text, source="b.yaml"),
                                            load_policy(PATH.read_text("utf-8"),
                                                        source="n.yaml").at(AS_OF), AS_OF)
            for x in f.legal}
    assert {"SE LEK 9 kap. 28 §", "NO Ekomloven § 3-15"} <= both


def test_a_norwegian_entity_that_answers_the_norwegian_site_brings_the_norwegian_calendar(
) -> None:
    import yaml

    doc = yaml.safe_load(PATH.read_text("utf-8"))
    v = doc["versions"][0]
    v["controller"]["addresses"][0]["answers_requests"] = ["norrskenmoln.se"]
    v["controller"]["entities"] = [{
        "legal_name": "Norrsken Moln AS", "organisation_number": "923456783", "country": "NO",
        "addresses": [{"kind": "visiting", "street": "Storgata 1", "postcode": "9008",
                       "city": "Tromsø", "country": "NO", "answers_requests": ["norrskenmoln.no"]}],
    }]
    version = load_policy(yaml.safe_dump(doc, allow_unicode=True), source="n.yaml").at(AS_OF)
    received = dt.datetime(2025, 12, 6, 10, 0, tzinfo=STOCKHOLM)
    assert version.answering_country("norrskenmoln.no") == "NO"
    # 6 January is a working day in Norway (Epiphany is a Swedish holiday only)
    no = compute_deadline(received, version, jurisdiction=version.answering_country("norrskenmoln.no"))
    assert (no.calendar, no.due) == ("NO", dt.date(2026, 1, 6))
    se = compute_deadline(received, version, jurisdiction=version.answering_country("norrskenmoln.se"))
    assert (se.calendar, se.due) == ("SE", dt.date(2026, 1, 7))
    # one site answered from two countries is a located load error
    v["controller"]["entities"][0]["addresses"][0]["answers_requests"] = ["norrskenmoln.se"]
    with pytest.raises(PolicyError, match=r"controller\.entities\[0\]\.addresses\[0\]\.answers_requests: "
                       r"expected each site to be answered from one country"):
        load_policy(yaml.safe_dump(doc, allow_unicode=True), source="n.yaml")
