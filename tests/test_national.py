"""Tests of the national-law table (gdpr_policy._national) and of what reads it."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from gdpr_policy import bundled_policy, lint_policy, load_policy
from gdpr_policy._national import (
    EPRIVACY_COOKIES,
    EPRIVACY_EMAIL,
    NATIONAL_LAW,
    complaint_authorities,
)
from gdpr_policy._places import COUNTRY_ZONES, EEA_COUNTRY_CODES
from gdpr_policy._policy import bundled_policy_text
from gdpr_policy._refs import LegalRef
from gdpr_policy._rules import REGISTRY
from gdpr_policy.banner import rules as banner_rules  # noqa: F401  (registers the rules)
from gdpr_policy.marketing import NO_BASIS_PROMISE, Recipient, basis_clause

TEXT = bundled_policy_text()

#: The countries whose national acts were confirmed against a source (the URL is in the
#: table's comments); every other country cites the directive article as transposed.
CONFIRMED = {
    "cookie_rule": {"NO", "SE", "AT", "CZ", "DE", "DK", "ES", "FI", "FR", "GR", "IE", "IT", "NL",
                    "PT", "RO"},
    "email_marketing": {"NO", "SE", "DE", "DK", "ES", "FR", "GR", "IE", "IT", "NL", "PT", "RO"},
}


def test_every_eea_country_has_a_row_and_nothing_else_does() -> None:
    assert set(NATIONAL_LAW) == set(EEA_COUNTRY_CODES)
    assert len(NATIONAL_LAW) == 30
    for code, law in NATIONAL_LAW.items():
        assert law.country == code and law.authority


def test_the_confirmed_citations_are_pinned_and_the_rest_cite_the_directive() -> None:
    for name, countries in CONFIRMED.items():
        assert {c for c, law in NATIONAL_LAW.items() if name in law.confirmed} == countries, name
    for code, law in NATIONAL_LAW.items():
        for name, directive in (("cookie_rule", EPRIVACY_COOKIES),
                                ("email_marketing", EPRIVACY_EMAIL)):
            ref = LegalRef.parse(getattr(law, name))
            if name in law.confirmed:
                assert ref.country == code, (code, name)  # a national act of that country
            else:
                assert str(ref) == directive and ref.country is None, (code, name)


def test_only_a_statute_refuses_browser_settings() -> None:
    assert [c for c, law in NATIONAL_LAW.items() if law.refuses_browser_consent] == ["NO"]


def test_the_inmeta_rows_are_unchanged() -> None:
    assert (NATIONAL_LAW["NO"].authority, NATIONAL_LAW["NO"].cookie_rule) == (
        "Datatilsynet", "NO Ekomloven § 3-15")
    assert (NATIONAL_LAW["SE"].authority, NATIONAL_LAW["SE"].cookie_rule) == (
        "IMY", "SE LEK 9 kap. 28 §")


def _with(change: Any) -> Any:
    doc = yaml.safe_load(TEXT)
    change(doc["versions"][0])
    return load_policy(doc, source="p.yaml").latest


def _add_jurisdiction(v: dict[str, Any], code: str, zone: str, calendar: str | None = None) -> None:
    v["jurisdictions"].append({"code": code, "timezone": zone, "calendar": calendar or code})


def test_a_german_private_controller_complains_to_its_lands_authority() -> None:
    def bavarian(v: dict[str, Any]) -> None:
        _add_jurisdiction(v, "DE", "Europe/Berlin")
        v["controller"]["entities"] = [{
            "legal_name": "Inmeta GmbH", "organisation_number": "München HRB 1", "country": "DE",
            "subdivision": "DE-BY"}]

    assert complaint_authorities(_with(bavarian)) == ["BayLDA", "Datatilsynet", "IMY"]

    def no_land(v: dict[str, Any]) -> None:
        _add_jurisdiction(v, "DE", "Europe/Berlin")

    fallback = complaint_authorities(_with(no_land))
    assert fallback[0].startswith("BfDI (BfDI: the federal authority, a fallback")
    assert "BDSG § 40" in fallback[0]

    def regional_calendar(v: dict[str, Any]) -> None:
        _add_jurisdiction(v, "DE", "Europe/Berlin", "DE-HH")

    assert complaint_authorities(_with(regional_calendar))[0] == "Datatilsynet"
    assert "HmbBfDI" in complaint_authorities(_with(regional_calendar))


def test_two_authorities_of_one_name_carry_their_country() -> None:
    def danish(v: dict[str, Any]) -> None:
        _add_jurisdiction(v, "DK", "Europe/Copenhagen")

    assert complaint_authorities(_with(danish)) == [
        "Datatilsynet (DK)", "Datatilsynet (NO)", "IMY"]
    # the bundled policy: as before
    assert complaint_authorities(bundled_policy().latest) == ["Datatilsynet", "IMY"]


def test_the_lint_reports_the_authorities_of_the_table() -> None:
    def danish(v: dict[str, Any]) -> None:
        _add_jurisdiction(v, "DK", "Europe/Copenhagen")

    doc = yaml.safe_load(TEXT)
    danish(doc["versions"][0])
    findings = lint_policy(load_policy(doc, source="p.yaml"))
    complain = next(f for f in findings if f.evidence.get("item") == "right-to-complain")
    assert complain.evidence["because"] == ["Datatilsynet (DK)", "Datatilsynet (NO)", "IMY"]


def _german_controller(v: dict[str, Any], *, keep_law: bool = False) -> None:
    v["jurisdictions"] = [{"code": "DE", "timezone": "Europe/Berlin", "calendar": "DE-BE"}]
    for site in v["sites"]:
        site["jurisdiction"] = "DE"
    v["controller"]["country"] = "DE"
    v["controller"]["organisation_number"] = "Berlin (Charlottenburg) HRB 12345 B"
    for a in v["controller"]["addresses"]:
        a["country"] = "DE"
    for p in v["purposes"]:
        if not keep_law:
            p.pop("national_law", None)
            p.pop("national_basis", None)


def test_a_marketing_purpose_without_an_act_is_judged_under_the_tables_act() -> None:
    german = _with(_german_controller)
    person = Recipient(email="anna@example.de", country="DE")
    assert basis_clause(german, person)[0] == "DE UWG § 7 Abs. 2 Nr. 2"
    # a recipient in another country, or a role address: the statement's promise only
    abroad = basis_clause(german, Recipient(email="anna@example.fr", country="FR"))
    assert abroad == NO_BASIS_PROMISE
    assert basis_clause(german, Recipient(email="info@x.de")) == NO_BASIS_PROMISE


def test_an_unconfirmed_act_is_not_cited_as_if_it_were_the_controllers_duty() -> None:
    def croatian(v: dict[str, Any]) -> None:
        _german_controller(v)
        v["jurisdictions"] = [{"code": "HR", "timezone": "Europe/Zagreb", "calendar": "HR"}]
        for site in v["sites"]:
            site["jurisdiction"] = "HR"
        v["controller"]["country"] = "HR"
        v["controller"]["organisation_number"] = "33392005961"  # an OIB
        for a in v["controller"]["addresses"]:
            a["country"] = "HR"

    croatia = _with(croatian)
    cited = basis_clause(croatia, Recipient(email="ana@example.hr", country="HR"))
    assert cited == NO_BASIS_PROMISE  # the GDPR's consent, without a guessed Croatian act


def test_the_named_act_of_the_purpose_wins_over_the_table() -> None:
    inmeta = bundled_policy().latest
    assert basis_clause(inmeta, Recipient(email="kari@example.no", country="NO"))[0] == (
        "NO Markedsføringsloven § 15")


@pytest.mark.parametrize("code", ["DE", "FR", "NL"])
def test_banner_findings_cite_the_cookie_act_of_the_policys_country(code: str) -> None:
    rule = REGISTRY["banner.tracker-in-necessary"]

    def foreign(v: dict[str, Any]) -> None:
        _add_jurisdiction(v, code, COUNTRY_ZONES[code][0])  # a zone of the country

    legal = [str(r) for r in rule.legal_for(_with(foreign))]
    act = NATIONAL_LAW[code].cookie_rule
    assert act in legal and legal.index(act) == legal.index(EPRIVACY_COOKIES) + 1
    # the catalog (and the Inmeta policy) stays with the Norwegian and Swedish acts
    assert act not in [str(r) for r in rule.legal]
    inmeta = [str(r) for r in rule.legal_for(bundled_policy().latest)]
    assert inmeta == [str(r) for r in rule.legal]
    # a rule citing only the directive gains nothing
    only = REGISTRY["policy.cookie-outlives-consent"]
    assert act not in [str(r) for r in only.legal_for(_with(foreign))]


@pytest.mark.parametrize(("code", "zone", "authority"), [
    ("FR", "Europe/Paris", "Commission nationale de l'informatique et des libertés"),
    ("LU", "Europe/Luxembourg", "CNPD"),
    ("PT", "Europe/Lisbon", "Comissão Nacional de Proteção de Dados (CNPD)"),
    ("ES", "Europe/Madrid", "AEPD"),
    ("IE", "Europe/Dublin", "the Irish Data Protection Commission (DPC)"),
    ("PL", "Europe/Warsaw", "Urząd Ochrony Danych Osobowych (UODO)"),
    ("RO", "Europe/Bucharest",
     "Autoritatea Națională de Supraveghere a Prelucrării Datelor cu Caracter Personal"),
    ("IT", "Europe/Rome", "Garante Privacy"),
    ("NL", "Europe/Amsterdam", "Dutch Data Protection Authority"),
])
def test_an_authority_by_its_full_or_usual_name_is_that_authority(code: str, zone: str,
                                                                   authority: str) -> None:
    # a statement names its authority as its readers know it: only NO and SE had names
    # beside the table's one, and a French statement naming the CNIL in full was warned
    def complaint(v: dict[str, Any]) -> None:
        _add_jurisdiction(v, code, zone)
        v["rights"]["complaint"] = {"authority": authority}
        if "right-to-complain" not in v["discloses"]:
            v["discloses"].append("right-to-complain")

    doc = yaml.safe_load(TEXT)
    complaint(doc["versions"][0])
    findings = lint_policy(load_policy(doc, source="p.yaml"))
    assert [f for f in findings if f.rule == "policy.complaint-authority"] == []
    # and it is no other country's
    assert not NATIONAL_LAW["NO"].names_authority(authority)
