from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import yaml
from hypothesis import given, settings

from gdpr_policy import Policy, PolicyError, UsageError, bundled_policy, load_policy
from gdpr_policy._policy import LawfulBasis, bundled_policy_text
from strategies.policy import policy_documents

TEXT = bundled_policy_text()


def _load(text: str) -> Policy:
    return load_policy(text, source="inmeta.yaml")


def _error(text: str) -> str:
    with pytest.raises(PolicyError) as info:
        _load(text)
    return str(info.value)


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_bundled_policy_encodes_the_statement() -> None:
    policy = bundled_policy()
    v = policy.at(dt.date(2026, 11, 30))
    assert (policy.id, v.id, v.version, v.effective_from) == (
        "inmeta",
        "inmeta",
        "2024-03-06",
        dt.date(2024, 3, 6),
    )
    assert v.controller.legal_name == "Inmeta Consulting AS"
    assert {s.domain for s in v.sites} == {"inmeta.no", "inmeta.se"}
    assert v.jurisdiction().timezone == "Europe/Oslo"
    assert v.jurisdiction("SE").timezone == "Europe/Stockholm"
    assert v.jurisdiction("SE-1930-173").calendar == "SE-1930-173"
    assert str(v.rights.response_period) == "P1M"
    assert str(v.rights.extension) == "P2M"
    assert v.rights.identity.clock == "none"
    inactivity = v.retention_rule("inactivity")
    assert inactivity is not None
    assert str(inactivity.after) == "P2Y"
    assert "email-open" in inactivity.activity_signals
    assert "email-send" not in inactivity.activity_signals
    marketing = v.purpose("email-marketing")
    assert marketing.basis is LawfulBasis.CONSENT
    # S32 promises consent: the existing-customer exception of § 15(3) is not enabled
    assert marketing.national_basis == ("consent",)
    assert "staff-logged" in inactivity.not_activity
    assert str(marketing.national_law) == "NO Markedsføringsloven § 15"
    assert v.disclosure.third_parties is False
    # S36: administrative e-mail after an opt-out is a purpose on a basis other than consent.
    admin = v.purpose("customer-administration")
    assert admin.kind == "customer-relationship" and admin.basis is LawfulBasis.LEGITIMATE_INTEREST
    assert v.answering_country("inmeta.se") == "NO"  # no Swedish establishment answers
    assert v.tracker("campaign-tracking").provider == "Google"  # _gcl_au: Google Ads
    assert {"silence", "pre-ticked", "precondition"} <= set(v.consent.forbidden_forms)
    assert {t.id for t in v.trackers} >= {
        "google-analytics",
        "hubspot",
        "linkedin-insight",
        "meta-pixel",
    }


def test_top_level_file_mirrors_the_bundled_one() -> None:
    from pathlib import Path

    top = Path(__file__).parent.parent / "policies" / "inmeta.yaml"
    assert top.read_text("utf-8") == TEXT


def test_lawful_basis_points() -> None:
    assert str(LawfulBasis.CONSENT.reference) == "GDPR Art. 6(1)(a)"
    assert str(LawfulBasis.LEGITIMATE_INTEREST.reference) == "GDPR Art. 6(1)(f)"


def test_bad_duration_message_names_line_column_path_expected_found() -> None:
    bad = TEXT.replace("after: P2Y ", "after: two years")
    line = _line_of(bad, "after: two years")
    assert _error(bad) == (
        f"inmeta.yaml:{line}:16: versions[0].retention[0].after: "
        "expected an ISO 8601 duration such as P2Y, or not-stated where the statement gives "
        "none, got 'two years'"
    )


@pytest.mark.parametrize("key", ["response_period", "extension", "extension_notice_within"])
def test_a_period_that_may_be_not_stated_gets_one_error_without_pydantics_branch_tags(
        key: str) -> None:
    bad = re.sub(rf"{key}: P\dM", f"{key}: one month", TEXT, count=1)
    assert _error(bad).endswith(
        f"versions[0].rights.{key}: expected an ISO 8601 duration such as P2Y, or not-stated "
        "where the statement gives none, got 'one month'")


def test_a_value_is_either_assumed_or_not_stated() -> None:
    doc = yaml.safe_load(TEXT)
    v = doc["versions"][0]
    v["rights"]["response_period"] = "not-stated"
    v["assumed"] = [{"field": "rights.response_period", "reason": "the law's month"}]
    with pytest.raises(PolicyError, match=r"assumed\[0\]\.field: expected a value its author "
                       r"assumed, got 'rights.response_period', which the policy records as not stated"):
        load_policy(yaml.safe_dump(doc, allow_unicode=True), source="p.yaml")


@pytest.mark.parametrize(
    ("old", "new", "pattern"),
    [
        (
            '"977 302 390"',
            '"977 302 391"',
            r"controller.organisation_number: expected a valid NO organisation number \(nine digits with a MOD11 check digit\), got '977 302 391'",
        ),
        (
            "Europe/Oslo",
            "Europe/Olso",
            r"jurisdictions\[0\].timezone: expected an IANA time zone such as Europe/Oslo, got 'Europe/Olso'",
        ),
        (
            "effective_from: 2024-03-06",
            "effective_from: 2024-02-30",
            r"versions\[0\].effective_from: expected a valid date \(YYYY-MM-DD\), got '2024-02-30'",
        ),
        (
            "    disclosure:\n",
            "    disclosure:\n      shared: yes\n",
            r"disclosure.shared: expected only known keys .* got unknown key 'shared'",
        ),
        (
            "purposes: [social-arrival]",
            "purposes: [social-arival]",
            r"trackers\[5\].purposes: expected a known purpose \(.*\), got 'social-arival'",
        ),
        (
            "basis: legal-obligation",
            "basis: legal",
            r"purposes\[9\].basis: expected 'consent', .* got 'legal'",
        ),
        ("[S14]", "[S40]", r"statement\[0\]: expected a clause of the documents, got 'S40' \(did you mean 'S34'\?\)"),
        (
            "    disclosure:\n",
            "    disclosure:\n      third_parties: true\n",
            r"disclosure.third_parties: expected each key once",
        ),
        (
            "      response_period: P1M ",
            "      #",
            r"rights.response_period: expected a value for required key 'response_period'",
        ),
        (
            "banner_revision: 1",
            "banner_revision: one",
            r"consent.banner_revision: expected a whole number.*got 'one'",
        ),
        (
            "value: hei@inmeta.no\n          uses: [general",
            "value: hei-at-inmeta\n          uses: [general",
            r"channels\[1\]: expected an e-mail address, got 'hei-at-inmeta'",
        ),
        (
            "{name: _gid, lifetime: P1D}",
            '{name: _gid, pattern: "^_gid$"}',
            r"cookies\[2\]: expected exactly one of name or pattern",
        ),
        (
            '{pattern: "^_ga_[A-Z0-9]+$", lifetime: P2Y}',
            '{pattern: "^_ga_[A-Z0-9+$", lifetime: P2Y}',
            r"expected a regular expression",
        ),
        (
            # Python warns that '[A--Z]' will mean a set difference one day: refuse it.
            '{pattern: "^_ga_[A-Z0-9]+$", lifetime: P2Y}',
            '{pattern: "^_ga_[A--Z0-9]+$", lifetime: P2Y}',
            r"expected a regular expression with one meaning.*escape the character",
        ),
    ],
)
def test_every_error_is_located(old: str, new: str, pattern: str) -> None:
    assert old in TEXT
    message = _error(TEXT.replace(old, new, 1))
    assert re.search(r"^inmeta\.yaml:\d+:\d+: versions", message, re.M), message
    assert re.search(pattern, message), message


def test_several_errors_are_all_reported() -> None:
    bad = TEXT.replace("after: P2Y ", "after: soon").replace("Europe/Oslo", "Mars/Olympus")
    lines = _error(bad).splitlines()
    assert len(lines) == 2
    assert all(line.startswith("inmeta.yaml:") for line in lines)


def test_not_a_mapping() -> None:
    with pytest.raises(
        PolicyError, match=r"^p.yaml:1:1: expected a mapping with id, title and versions, got list"
    ):
        load_policy("- 1\n", source="p.yaml")


def _two_versions(second_from: str, first_until: str | None) -> str:
    doc: dict[str, Any] = yaml.safe_load(TEXT)
    first = doc["versions"][0]
    second = dict(first, version="2025", effective_from=dt.date.fromisoformat(second_from))
    if first_until:
        first["effective_until"] = dt.date.fromisoformat(first_until)
    doc["versions"].append(second)
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def test_versions_and_at() -> None:
    policy = _load(_two_versions("2025-01-01", "2024-12-31"))
    assert policy.at(dt.date(2024, 12, 31)).version == "2024-03-06"
    assert policy.at(dt.date(2025, 1, 1)).version == "2025"
    assert policy.at(dt.datetime(2030, 1, 1, 12, 0)).version == "2025"
    with pytest.raises(UsageError, match="no version in force on 2024-03-05"):
        policy.at(dt.date(2024, 3, 5))


def test_overlapping_versions_are_a_load_error() -> None:
    assert "the versions overlap" in _error(_two_versions("2025-01-01", "2025-01-01"))


def test_gap_between_versions_is_a_load_error() -> None:
    assert "no version would be in force in between" in _error(
        _two_versions("2025-01-01", "2024-12-30")
    )


def test_versions_must_be_ordered_and_unique() -> None:
    doc: dict[str, Any] = yaml.safe_load(TEXT)
    doc["versions"].insert(
        0, dict(doc["versions"][0], version="later", effective_from=dt.date(2025, 1, 1))
    )
    assert "expected versions in order of effective_from" in _error(
        yaml.safe_dump(doc, allow_unicode=True)
    )
    doc = yaml.safe_load(TEXT)
    doc["versions"].append(dict(doc["versions"][0], effective_from=dt.date(2025, 1, 1)))
    assert "expected each version name once" in _error(yaml.safe_dump(doc, allow_unicode=True))


def test_last_version_may_end() -> None:
    doc: dict[str, Any] = yaml.safe_load(TEXT)
    doc["versions"][0]["effective_until"] = dt.date(2025, 12, 31)
    policy = _load(yaml.safe_dump(doc, allow_unicode=True))
    with pytest.raises(UsageError, match="no version in force on 2026-01-01"):
        policy.at(dt.date(2026, 1, 1))


def test_models_are_frozen() -> None:
    v = bundled_policy().latest
    with pytest.raises(Exception, match="frozen"):
        v.version = "x"  # type: ignore[misc]


def test_load_from_mapping_and_bytes() -> None:
    data = yaml.safe_load(TEXT)
    assert load_policy(data).latest.version == "2024-03-06"
    assert load_policy(TEXT.encode("utf-8"), source="b.yaml").source == "b.yaml"


def test_unknown_jurisdiction_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="no jurisdiction 'DK'"):
        bundled_policy().latest.jurisdiction("DK")


@settings(max_examples=25)
@given(policy_documents())
def test_model_round_trips_through_yaml(doc: dict[str, Any]) -> None:
    policy = load_policy(doc, source="generated")
    dumped = yaml.safe_dump(policy.model_dump(mode="json"), allow_unicode=True, sort_keys=False)
    again = load_policy(dumped, source="dumped.yaml")
    assert again.model_dump() == policy.model_dump()
    assert [v.version for v in again.versions] == [v.version for v in policy.versions]
    first = again.versions[0].effective_from
    assert again.at(first).model_dump() == policy.at(first).model_dump()


def test_answers_requests_names_sites_and_one_country_per_site() -> None:
    unknown = TEXT.replace(
        "answers_requests: [inmeta.no, inmeta.se]", "answers_requests: [inmeta.no, inmeta.dk]"
    )
    with pytest.raises(PolicyError) as info:
        _load(unknown)
    (issue,) = info.value.issues
    assert issue.path.endswith("controller.addresses[0].answers_requests")
    assert "expected a known site (inmeta.no, inmeta.se), got 'inmeta.dk'" in issue.expected
    doc = yaml.safe_load(TEXT)
    doc["versions"][0]["controller"]["addresses"].append(
        {"kind": "visiting", "postcode": "111 43", "city": "Stockholm", "country": "SE",
         "answers_requests": ["inmeta.se"]}
    )
    with pytest.raises(PolicyError, match="expected each site to be answered from one country"):
        load_policy(yaml.safe_dump(doc, allow_unicode=True), source="p.yaml")


def test_every_statement_reference_names_a_clause_of_the_documents() -> None:
    doc = yaml.safe_load(TEXT)
    del doc["versions"][0]["documents"]
    message = _error(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
    # without a clause table, the first reference says what to add (one line per clause id)
    assert re.search(r"statement\[0\]: expected a clause declared under documents, got 'S02' "
                     r"\(list the statement's documents and their clauses under documents\)",
                     message), message


def test_clause_ids_are_unique_across_the_documents() -> None:
    doc = yaml.safe_load(TEXT)
    docs = doc["versions"][0]["documents"]
    docs.append({"id": "cookies", "title": "Cookies", "language": "nb",
                 "clauses": [{"id": "S04", "summary": "again"}]})
    message = _error(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
    assert "documents[1].clauses[0].id: expected a clause id unique across the documents, " \
           "got 'S04' twice" in message, message


def test_promises_resolve_to_the_clauses_that_make_them_in_order() -> None:
    from gdpr_policy._refs import Promise

    v = bundled_policy().latest
    got = v.clauses_for((Promise.EMAIL_MARKETING_CONSENT, Promise.CONSENT_PER_PURPOSE,
                         Promise.EMAIL_MARKETING_CONSENT))
    assert [c.clause for c in got] == ["S32", "S24"]
    assert v.clauses_for(()) == ()
    assert v.clause("S05") is not None and v.clause("S99") is None


def test_a_copy_with_other_documents_cites_its_own_clauses() -> None:
    from gdpr_policy._refs import Promise

    v = bundled_policy().latest
    assert [c.clause for c in v.clauses_for((Promise.ERASURE,))] == ["S17"]
    doc = v.documents[0]
    renumbered = doc.model_copy(update={"clauses": tuple(
        c.model_copy(update={"id": "E1"}) if c.id == "S17" else c for c in doc.clauses)})
    other = v.model_copy(update={"documents": (renumbered,)})
    assert [c.clause for c in other.clauses_for((Promise.ERASURE,))] == ["E1"]
    assert [c.clause for c in v.clauses_for((Promise.ERASURE,))] == ["S17"]


@pytest.mark.parametrize("zone", ["Europe", "Europe/" + "A" * 300, "A" * 256])
def test_a_zone_name_that_is_a_folder_or_too_long_is_a_located_error(zone: str) -> None:
    # zoneinfo raises IsADirectoryError and OSError (file name too long) for these, not
    # ZoneInfoNotFoundError; they must read like any other unknown zone
    message = _error(TEXT.replace("timezone: Europe/Oslo", f"timezone: {zone}", 1))
    assert re.search(r"^inmeta\.yaml:\d+:\d+: versions\[0\]\.jurisdictions\[0\]\.timezone: "
                     r"expected an IANA time zone such as Europe/Oslo", message, re.M), message


# -- every EEA country and its regions (issue 16) ----------------------------------------------


def with_bavarian_entity(doc: dict[str, Any], *, subdivision: str | None = "DE-BY",
                         entity_subdivision: str | None = None) -> dict[str, Any]:
    """The bundled policy with a German entity whose Munich office answers inmeta.de."""
    version = doc["versions"][0]
    version["jurisdictions"].append({"code": "DE", "timezone": "Europe/Berlin", "calendar": "DE"})
    version["sites"].append({"domain": "inmeta.de", "jurisdiction": "DE"})
    address: dict[str, Any] = {"kind": "visiting", "postcode": "80331", "city": "München",
                               "country": "DE", "answers_requests": ["inmeta.de"]}
    if subdivision is not None:
        address["subdivision"] = subdivision
    entity: dict[str, Any] = {"legal_name": "Inmeta GmbH", "organisation_number": "München HRB 123456",
                              "country": "DE", "addresses": [address]}
    if entity_subdivision is not None:
        entity["subdivision"] = entity_subdivision
    version["controller"].setdefault("entities", []).append(entity)
    return doc


def test_an_establishment_in_a_region_answers_by_that_regions_calendar() -> None:
    policy = load_policy(with_bavarian_entity(yaml.safe_load(TEXT)), source="p.yaml").latest
    assert policy.answering_country("inmeta.de") == "DE"
    assert policy.answering_place("inmeta.de") == "DE-BY"
    assert policy.answering_place("inmeta.no") == "NO"
    assert policy.answering_place(None) == "NO"
    assert policy.jurisdiction("DE-BY").calendar == "DE-BY"
    assert policy.jurisdiction("DE").calendar == "DE"
    # the entity's region applies to its addresses that name none
    inherited = with_bavarian_entity(yaml.safe_load(TEXT), subdivision=None,
                                     entity_subdivision="DE-BE")
    assert load_policy(inherited, source="p.yaml").latest.answering_place("inmeta.de") == "DE-BE"
    plain = with_bavarian_entity(yaml.safe_load(TEXT), subdivision=None)
    assert load_policy(plain, source="p.yaml").latest.answering_place("inmeta.de") == "DE"


@pytest.mark.parametrize(
    ("subdivision", "pattern"),
    [
        ("DE-XX", r"subdivision: expected one of DE-BB, DE-BE, .*, DE-TH \(ISO 3166-2 regions"),
        ("FR-57", r"subdivision: expected one of DE-BB"),
    ],
)
def test_an_unknown_or_foreign_subdivision_is_a_located_error(subdivision: str, pattern: str) -> None:
    doc = with_bavarian_entity(yaml.safe_load(TEXT), subdivision=subdivision)
    with pytest.raises(PolicyError) as info:
        load_policy(doc, source="p.yaml")
    assert re.search(pattern, str(info.value)), str(info.value)
    assert "controller.entities[0].addresses[0]" in str(info.value)


def test_a_country_without_regional_calendars_takes_no_subdivision() -> None:
    doc = yaml.safe_load(TEXT)
    doc["versions"][0]["controller"]["addresses"][0]["subdivision"] = "NO-03"
    message = _error(yaml.safe_dump(doc, allow_unicode=True))
    assert ("addresses[0].subdivision: expected none (NO has no regional holiday calendars), "
            "got 'NO-03'") in message


def test_a_jurisdictions_calendar_must_be_of_its_country() -> None:
    doc = yaml.safe_load(TEXT)
    doc["versions"][0]["jurisdictions"].append(
        {"code": "DK", "timezone": "Europe/Copenhagen", "calendar": "DE-BY"})
    message = _error(yaml.safe_dump(doc, allow_unicode=True))
    assert "calendar: expected a calendar of DK" in message and "'DE-BY'" in message
    doc["versions"][0]["jurisdictions"][-1]["calendar"] = "DK"
    assert load_policy(doc, source="p.yaml").latest.jurisdiction("DK").calendar == "DK"


@pytest.mark.parametrize("zone", ["America/Los_Angeles", "UTC", "Etc/GMT+12", "Europe/Lisbon"])
def test_a_jurisdictions_time_zone_must_be_of_its_country(zone: str) -> None:
    # the zone says on which day a request arrived: another country's moves the deadlines
    # (received 00:30 in Oslo on 10 March: due 10 April, 9 April read in Los Angeles)
    doc = yaml.safe_load(TEXT)
    doc["versions"][0]["jurisdictions"][0]["timezone"] = zone
    message = _error(yaml.safe_dump(doc, allow_unicode=True))
    assert ("jurisdictions[0].timezone: expected a time zone of NO (Europe/Oslo, "
            f"Arctic/Longyearbyen, Atlantic/Jan_Mayen), got '{zone}'") in message


def test_every_eea_zone_of_the_table_exists_and_each_country_has_one() -> None:
    from zoneinfo import ZoneInfo

    from gdpr_policy._places import COUNTRY_ZONES, EEA_COUNTRY_CODES

    assert set(COUNTRY_ZONES) == set(EEA_COUNTRY_CODES)
    for zones in COUNTRY_ZONES.values():
        for zone in zones:
            ZoneInfo(zone)
    doc = yaml.safe_load(TEXT)
    doc["versions"][0]["jurisdictions"].append(
        {"code": "PT", "timezone": "Atlantic/Azores", "calendar": "PT"})
    assert load_policy(doc, source="p.yaml").latest.jurisdiction("PT").timezone == "Atlantic/Azores"


def test_a_country_outside_the_eea_is_not_a_jurisdiction() -> None:
    doc = yaml.safe_load(TEXT)
    doc["versions"][0]["jurisdictions"].append(
        {"code": "CH", "timezone": "Europe/Zurich", "calendar": "CH"})
    assert "jurisdictions[2].code" in _error(yaml.safe_dump(doc, allow_unicode=True))


# -- site domains (review r07) --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("domain", "write"),
    [
        ("https://www.inmeta.no/", "www.inmeta.no"),
        ("inmeta.no/personvern", "inmeta.no"),
        ("inmeta.no:443", "inmeta.no"),
        ("inmeta .no", None),
        ("hei@inmeta.no", None),
        ("", None),
    ],
)
def test_a_site_domain_is_a_bare_host_name(domain: str, write: str | None) -> None:
    doc = yaml.safe_load(TEXT)
    doc["versions"][0]["sites"][0]["domain"] = domain
    message = _error(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
    assert re.search(r"^inmeta\.yaml:\d+:\d+: versions\[0\]\.sites\[0\]\.domain: expected a host "
                     r"name such as inmeta\.no", message, re.M), message
    assert f"got {domain!r}" in message, message
    if write is not None:
        assert f"write {write}" in message, message


def test_an_answers_requests_entry_is_a_bare_host_name() -> None:
    bad = TEXT.replace("answers_requests: [inmeta.no, inmeta.se]",
                       "answers_requests: [inmeta.no, \"https://inmeta.se\"]")
    message = _error(bad)
    line = _line_of(bad, "answers_requests: [inmeta.no")
    assert re.search(rf"^inmeta\.yaml:{line}:\d+: versions\[0\]\.controller\.addresses\[0\]\."
                     r"answers_requests\[1\]: expected a host name such as inmeta\.no .*, got "
                     r"'https://inmeta\.se' \(write inmeta\.se\)$", message, re.M), message


def test_answers_requests_names_a_site_whatever_its_case_www_or_final_dot() -> None:
    doc = yaml.safe_load(TEXT)
    version = doc["versions"][0]
    version["sites"][1]["domain"] = "www.inmeta.se"
    version["controller"]["addresses"][0]["answers_requests"] = ["INMETA.no.", "inmeta.se"]
    loaded = load_policy(doc, source="p.yaml").latest
    assert loaded.answering_place("www.INMETA.no") == "NO"
    assert loaded.answering_country("inmeta.se") == "NO"


# -- a cookie pattern Python cannot compile (review r11) ------------------------------------------


@pytest.mark.parametrize("pattern", ["a{4294967296}", "(?:a{1000}){1000}{1000}", "x{2,1}"])
def test_a_pattern_re_cannot_compile_is_a_located_error(pattern: str) -> None:
    bad = TEXT.replace('{pattern: "^_ga_[A-Z0-9]+$", lifetime: P2Y}',
                       f'{{pattern: "{pattern}", lifetime: P2Y}}')
    message = _error(bad)
    line = _line_of(bad, f'{{pattern: "{pattern}"')
    assert re.search(rf"^inmeta\.yaml:{line}:\d+: versions\[0\]\.trackers\[1\]\.cookies\[1\]: "
                     r"expected a regular expression, got ", message, re.M), message


# -- values pydantic would coerce (review r10) ----------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "pattern"),
    [
        ("third_parties: false", "third_parties: 'yes'",
         r"disclosure\.third_parties: expected true or false, got 'yes'"),
        ("consent_required: true", "consent_required: 'off'",
         r"trackers\[1\]\.consent_required: expected true or false, got 'off'"),
        ("per_purpose: true", "per_purpose: 0",
         r"consent\.per_purpose: expected true or false, got 0"),
        ("banner_revision: 1", "banner_revision: '7'",
         r"consent\.banner_revision: expected a whole number such as 1 \(without quotes\), "
         r"got '7'"),
        ("banner_revision: 1", "banner_revision: -3",
         r"consent\.banner_revision: expected 0 or more, got -3"),
        ("banner_revision: 1", "banner_revision: true",
         r"consent\.banner_revision: expected a whole number such as 1, got True"),
        ("banner_revision: 1", "banner_revision: 2.0",
         r"consent\.banner_revision: expected a whole number such as 1, got 2\.0"),
        ("effective_from: 2024-03-06", "effective_from: 1709683200",
         r"versions\[0\]\.effective_from: expected a date such as 2024-03-06 \(YYYY-MM-DD\), "
         r"got 1709683200"),
        ("effective_from: 2024-03-06", "effective_from: 0",
         r"versions\[0\]\.effective_from: expected a date such as 2024-03-06 \(YYYY-MM-DD\), got 0"),
        ("effective_from: 2024-03-06", "effective_from: '1709683200'",
         r"versions\[0\]\.effective_from: expected a date such as 2024-03-06 \(YYYY-MM-DD\), "
         r"got '1709683200'"),
        ("max_lifetime: P13M", "max_lifetime: {months: '13', days: true}",
         r"consent\.max_lifetime: expected an ISO 8601 duration such as P2Y, got "
         r"\{'months': '13', 'days': True\}"),
        ("after: P2Y ", "after: {years: 2} ",
         r"retention\[0\]\.after: expected an ISO 8601 duration such as P2Y, or not-stated where "
         r"the statement gives none, got \{'years': 2\}"),
        ("{name: _ga, lifetime: P2Y}", "{name: _ga, lifetime: P2Y, session: 'no'}",
         r"cookies\[0\]\.session: expected true or false, got 'no'"),
    ],
)
def test_a_value_of_the_wrong_type_is_refused_not_coerced(old: str, new: str, pattern: str) -> None:
    assert old in TEXT
    bad = TEXT.replace(old, new, 1)
    message = _error(bad)
    line = _line_of(bad, new.strip())
    assert len(message.splitlines()) == 1, message
    assert re.search(rf"^inmeta\.yaml:{line}:\d+: versions\[0\]\.", message), message
    assert re.search(pattern, message), message


@pytest.mark.parametrize("day", ["'2024-03-06'", "2024-03-06"])
def test_a_date_is_a_yaml_date_or_an_iso_8601_text(day: str) -> None:
    policy = _load(TEXT.replace("effective_from: 2024-03-06", f"effective_from: {day}", 1))
    assert policy.latest.effective_from == dt.date(2024, 3, 6)
    assert _load(TEXT.replace("banner_revision: 1", "banner_revision: 0")).latest.consent.banner_revision == 0


# -- texts and lists that may not be empty (review r10) ------------------------------------------


@pytest.mark.parametrize(
    ("edit", "pattern"),
    [
        (lambda t: re.sub(r"^title:.*?(?=^versions:)", "title: {}\n", t, count=1, flags=re.S | re.M),
         r"^inmeta\.yaml:\d+:\d+: title: expected at least one entry, got \{\}$"),
        (lambda t: re.sub(r"(- id: analytics\n\s+kind: analytics\n\s+description: )\{[^}]*\}",
                          r"\1{}", t, count=1),
         r"^inmeta\.yaml:\d+:\d+: versions\[0\]\.purposes\[\d+\]\.description: expected at least "
         r"one entry, got \{\}$"),
        (lambda t: t.replace("purposes: [campaign-tracking]\n        consent_required: true",
                             "purposes: []\n        consent_required: true"),
         r"^inmeta\.yaml:\d+:\d+: versions\[0\]\.trackers\[\d+\]\.purposes: expected at least "
         r"one entry, got \[\]$"),
    ],
)
def test_a_required_text_or_list_may_not_be_empty(edit: Any, pattern: str) -> None:
    bad = edit(TEXT)
    assert bad != TEXT
    message = _error(bad)
    assert re.search(pattern, message, re.M), message


# -- duplicates (review r16) ------------------------------------------------------------------------


def test_a_site_is_declared_once_whatever_its_case_or_www() -> None:
    doc = yaml.safe_load(TEXT)
    doc["versions"][0]["sites"].append({"domain": "WWW.Inmeta.SE", "jurisdiction": "SE"})
    message = _error(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
    assert re.search(r"^inmeta\.yaml:\d+:\d+: versions\[0\]\.sites\[2\]\.domain: expected each "
                     r"site once, got 'WWW\.Inmeta\.SE', which sites\[1\] already declares as "
                     r"'inmeta\.se'$", message, re.M), message


def test_a_subject_category_id_is_unique() -> None:
    doc = yaml.safe_load(TEXT)
    categories = doc["versions"][0]["subject_categories"]
    categories.append(dict(categories[0]))
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    message = _error(text)
    assert re.search(r"^inmeta\.yaml:\d+:\d+: versions\[0\]\.subject_categories\[1\]\.id: "
                     r"expected a unique id, got 'business-contact' twice$", message, re.M), message
    # reported with another problem, it is still located at its own line (it was at the
    # version's, as "versions[0]: expected subject_categories[1].id: expected ...")
    doc["versions"][0]["sites"].append({"domain": "inmeta.no", "jurisdiction": "NO"})
    lines = _error(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)).splitlines()
    assert [re.sub(r"^inmeta\.yaml:\d+:\d+: ", "", x) for x in lines] == [
        "versions[0].subject_categories[1].id: expected a unique id, got 'business-contact' twice",
        "versions[0].sites[2].domain: expected each site once, got 'inmeta.no', which sites[0] "
        "already declares",
    ], lines
    assert len({x.split(": ", 1)[0] for x in lines}) == 2, lines


def test_a_cookie_two_trackers_declare_has_one_lifetime() -> None:
    doc = yaml.safe_load(TEXT)
    trackers = {t["id"]: t for t in doc["versions"][0]["trackers"]}
    trackers["hubspot"]["cookies"].append({"name": "_ga", "lifetime": "P1D"})
    message = _error(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
    hubspot, analytics = list(trackers).index("hubspot"), list(trackers).index("google-analytics")
    assert re.search(rf"^inmeta\.yaml:\d+:\d+: versions\[0\]\.trackers\[{hubspot}\]\.cookies\[4\]: "
                     rf"expected one lifetime for cookie '_ga' \(P2Y, as trackers\[{analytics}\]"
                     r"\.cookies\[0\] declares it\), got P1D$", message, re.M), message
    # the same cookie with the same lifetime, or on another domain, is not a contradiction
    trackers["hubspot"]["cookies"][-1] = {"name": "_ga", "lifetime": "P2Y"}
    load_policy(doc, source="p.yaml")
    trackers["hubspot"]["cookies"][-1] = {"name": "_ga", "domain": ".hubspot.com",
                                          "party": "third", "lifetime": "P1D"}
    load_policy(doc, source="p.yaml")


# -- error wording (review r11, r14) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "pattern"),
    [
        ("max_lifetime: P13M", "max_lifetime: P" + "9" * 5000 + "D",
         r"consent\.max_lifetime: expected an ISO 8601 duration such as P2Y with parts of at most "
         r"4300 digits, got 'P9{20,}\.\.\.$"),
        ("max_lifetime: P13M", "max_lifetime: 13",
         r"consent\.max_lifetime: expected an ISO 8601 duration such as P2Y, got 13$"),
        ("max_lifetime: P13M", "max_lifetime: {months: -1}",
         r"consent\.max_lifetime: expected an ISO 8601 duration such as P2Y, got \{'months': -1\}$"),
        ("effective_from: 2024-03-06", "effective_from: 20240306",
         r"versions\[0\]\.effective_from: expected a date such as 2024-03-06 \(YYYY-MM-DD\), "
         r"got 20240306$"),
        ("effective_from: 2024-03-06", "effective_from: 2024-03-06 10:00:00",
         r"versions\[0\]\.effective_from: expected a date such as 2024-03-06 \(YYYY-MM-DD\), "
         r"without a time of day, got datetime\.datetime\(2024, 3, 6, 10, 0\)$"),
        ('version: "2024-03-06"', "version: 2024-03-06",
         r"versions\[0\]\.version: expected a text \(YAML reads an unquoted date as a date: quote "
         r"it\), got datetime\.date\(2024, 3, 6\)$"),
        ("statement: [S01]", "statement: [on]",
         r"controller\.statement\[0\]: expected a clause id such as S01 \(YAML reads yes, no, on "
         r"and off as true or false: quote it\), got True$"),
        ('jurisdiction: "NO"', "jurisdiction: NO",
         r"sites\[0\]\.jurisdiction: expected 'NO', .* or 'SK' \(YAML reads yes, no, on and off "
         r"as true or false: quote it\), got False$"),
    ],
)
def test_a_wrong_value_reads_expected_what_to_write_got_what_was_found(
        old: str, new: str, pattern: str) -> None:
    assert old in TEXT
    message = _error(TEXT.replace(old, new, 1))
    assert len(message.splitlines()) == 1, message
    assert re.search(r"^inmeta\.yaml:\d+:\d+: versions\[0\]\.", message), message
    assert re.search(pattern, message), message
