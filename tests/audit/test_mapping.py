"""The portal mapping as a mapping file gives it, and the flags read through it."""

from __future__ import annotations

from typing import Any, get_args

import pytest

from gdpr_policy import InputError, RecordError
from gdpr_policy._policy import ActivitySignal, RetentionRule
from gdpr_policy.audit import Contact, PortalMapping, PropertyCatalog, read_contacts_json
from gdpr_policy.audit._mapping import DEFAULT_NOT_ACTIVITY_PROPERTIES, DEFAULT_SIGNAL_PROPERTIES

from ._helpers import at, contact, run, send

CUSTOM = {"restricted_property": "gdpr_restricted",
          "restricted_date_property": "gdpr_restricted_date"}


def read_one(mapping: PortalMapping, **props: Any) -> Contact | RecordError:
    [c] = list(read_contacts_json([contact("1", "a@x.no", **props)], source="c.jsonl",
                                  mapping=mapping))
    return c


# ------------------------------------------------------------------ flags
@pytest.mark.parametrize("value", ["true", "TRUE", "Yes", "yes", "Ja", "1", " sant "])
def test_a_custom_restriction_property_reads_every_yes_as_restricted(value: str) -> None:
    # a CSV export of a custom yes/no property writes "Yes" (or the portal language's
    # word): read as text it would be "not restricted", and the restriction date dropped
    c = read_one(PortalMapping.from_dict(CUSTOM), gdpr_restricted=value,
                 gdpr_restricted_date=at("2025-04-01T00:00"))
    assert isinstance(c, Contact)
    assert c.restricted and c.restricted_at == at("2025-04-01T00:00")


@pytest.mark.parametrize("value", ["false", "No", "nei", "0", "--", ""])
def test_a_recognised_no_is_not_restricted(value: str) -> None:
    c = read_one(PortalMapping.from_dict(CUSTOM), gdpr_restricted=value,
                 gdpr_restricted_date=at("2025-04-01T00:00"))
    assert isinstance(c, Contact) and not c.restricted and c.restricted_at is None


@pytest.mark.parametrize("value", ["maybe", "restricted?", "2"])
def test_a_restriction_value_that_is_neither_yes_nor_no_rejects_the_record(value: str) -> None:
    err = read_one(PortalMapping.from_dict(CUSTOM), gdpr_restricted=value)
    assert isinstance(err, RecordError)
    [issue] = err.issues
    assert (issue.path, issue.line) == ("gdpr_restricted", 1)
    assert "yes/no" in issue.expected and value in str(issue.found)


def test_a_flag_whose_values_say_no_is_read_the_other_way_round() -> None:
    # processing_allowed: false means restricted; the yes/no words read alike
    mapping = PortalMapping.from_dict({"restricted_property": "processing_allowed",
                                       "restricted_values": ["false"]})
    for value, restricted in (("No", True), ("nei", True), ("Yes", False), ("true", False)):
        c = read_one(mapping, processing_allowed=value,
                     processing_restricted_date=at("2025-04-01T00:00"))
        assert isinstance(c, Contact) and c.restricted is restricted, value


def test_an_enumeration_flag_keeps_its_other_options() -> None:
    # values that are no yes/no words make an enumeration: its other options are other
    # states, never an error (contact_status: active / deactivated)
    c = read_one(PortalMapping(), contact_status="Active")
    assert isinstance(c, Contact) and not c.deactivated
    mapping = PortalMapping.from_dict({"restricted_property": "gdpr_state",
                                       "restricted_values": ["Restricted"]})
    for value in ("lifted", "restricted", "Yes"):
        c = read_one(mapping, gdpr_state=value, processing_restricted_date=at("2025-04-01T00:00"))
        assert isinstance(c, Contact) and c.restricted is (value == "restricted"), value


def test_a_yes_no_deactivation_property_is_read_as_the_restriction_is() -> None:
    mapping = PortalMapping.from_dict({"deactivated_property": "is_deactivated",
                                       "deactivated_values": ["true"]})
    for value, deactivated in (("Ja", True), ("YES", True), ("no", False), ("false", False)):
        c = read_one(mapping, is_deactivated=value)
        assert isinstance(c, Contact) and c.deactivated is deactivated, value
    err = read_one(mapping, is_deactivated="inactive")
    assert isinstance(err, RecordError) and err.issues[0].path == "is_deactivated"


def test_a_yes_on_a_custom_restriction_property_is_judged_in_the_audit() -> None:
    mapping = PortalMapping.from_dict(CUSTOM)
    rep = run(contacts=[contact("1", "a@x.no", gdpr_restricted="Ja",
                                gdpr_restricted_date=at("2025-04-01T00:00"))],
              sends=[send("S1", "1", "a@x.no", at("2025-05-01T10:00"))], mapping=mapping)
    assert [f.subject for f in rep.findings if f.rule == "restriction.processed"] == ["1"]


# ------------------------------------------------------------------ the mapping file
def test_the_mappings_keys_are_the_policys_own_words() -> None:
    signals = set(get_args(ActivitySignal))
    kinds = set(get_args(get_args(RetentionRule.model_fields["not_activity"].annotation)[0]))
    assert set(DEFAULT_SIGNAL_PROPERTIES) == signals
    assert set(DEFAULT_NOT_ACTIVITY_PROPERTIES) == kinds


@pytest.mark.parametrize(("data", "path"), [
    ({"signal_properties": {"emial-open": ["custom_open"]}}, "signal_properties.emial-open"),
    ({"not_activity_properties": {"staff-loged": ["notes_last_updated"]}},
     "not_activity_properties.staff-loged"),
])
def test_a_misspelt_signal_or_not_activity_kind_is_refused(data: dict[str, Any],
                                                          path: str) -> None:
    with pytest.raises(InputError) as info:
        PortalMapping.from_dict(data, source="m.yaml")
    [issue] = info.value.issues
    assert issue.source == "m.yaml" and issue.path.startswith(path), issue


def test_a_signal_given_replaces_that_signal_only() -> None:
    m = PortalMapping.from_dict({"signal_properties": {"email-open": ["custom_open"]}})
    assert m.signal_properties["email-open"] == ("custom_open",)
    assert m.signal_properties["page-view"] == DEFAULT_SIGNAL_PROPERTIES["page-view"]
    assert m.activity_properties(["email-open", "page-view"]) == (
        "custom_open", "hs_analytics_last_visit_timestamp", "hs_analytics_last_timestamp")
    # an empty list is how a signal is taken away
    m = PortalMapping.from_dict({"signal_properties": {"page-view": []}})
    assert m.activity_properties(["page-view", "email-click"]) == ("hs_email_last_click_date",)


def test_a_not_activity_kind_given_replaces_that_kind_only() -> None:
    m = PortalMapping.from_dict({"not_activity_properties": {"import": ["hs_import_date"]}})
    assert m.not_activity_properties["import"] == ("hs_import_date",)
    # staff-logged keeps its default: Last Activity Date is still not the person's activity
    assert m.activity_properties(["meeting"], ["staff-logged"]) == (
        "hs_last_sales_activity_timestamp",)


def test_renaming_one_signal_keeps_the_visits_of_the_others_in_the_audit() -> None:
    # the contact visited the site in June 2025: with the page-view signal kept, not inactive
    mapping = PortalMapping.from_dict({"signal_properties": {"email-open": ["custom_open"]}})
    rep = run(contacts=[contact("1", "a@x.no", custom_open=at("2021-02-01T10:00"),
                                hs_analytics_last_visit_timestamp=at("2025-06-01T10:00"),
                                createdate=at("2019-01-01T00:00"))], mapping=mapping)
    assert "retention.inactive-not-deactivated" not in {f.rule for f in rep.findings}
    rep = run(contacts=[contact("1", "a@x.no", custom_open=at("2021-02-01T10:00"),
                                createdate=at("2019-01-01T00:00"))], mapping=mapping)
    assert "retention.inactive-not-deactivated" in {f.rule for f in rep.findings}


def test_country_codes_keys_fold_and_values_are_iso_codes() -> None:
    m = PortalMapping.from_dict({"country_codes": {"Norge": "NO", " Sverige  Rike ": "se"}})
    assert m.country_code("norge") == m.country_code("NORGE") == "NO"
    assert m.country_code("sverige rike") == "SE"
    for bad in ("Norway", "XX", "N0", "EU", ""):
        with pytest.raises(InputError, match=r"country_codes\.norge"):
            PortalMapping.from_dict({"country_codes": {"norge": bad}}, source="m.yaml")


def test_two_country_keys_that_fold_alike_must_agree() -> None:
    PortalMapping.from_dict({"country_codes": {"Norge": "NO", "NORGE": "no"}})
    with pytest.raises(InputError, match="country_codes"):
        PortalMapping.from_dict({"country_codes": {"Norge": "NO", "NORGE": "SE"}})


def test_role_parts_fold_and_flag_values_are_stripped() -> None:
    m = PortalMapping.from_dict({"role_address_local_parts": [" Post ", "INFO"],
                                 "deactivated_values": [" Deactivated "],
                                 "restricted_values": ["TRUE "]})
    assert m.role_address_local_parts == ("post", "info")
    assert m.deactivated_values == ("deactivated",)
    assert m.restricted_values == ("true",)
    c = read_one(m, contact_status="deactivated", deactivated_date=at("2025-01-01T00:00"))
    assert isinstance(c, Contact) and c.deactivated
    with pytest.raises(InputError, match="deactivated_values"):
        PortalMapping.from_dict({"deactivated_values": ["  "]})


@pytest.mark.parametrize("text", ["[" * 100_000, '{"results": [' + "9" * 5000 + "]}"])
def test_a_properties_file_too_deep_or_with_a_too_long_number_is_an_input_error(text: str) -> None:
    # found by tests/fuzz/test_fuzz_audit.py: it escaped as a RecursionError
    with pytest.raises(InputError, match=r"properties\.json"):
        PropertyCatalog.from_properties_json(text, source="properties.json")
