"""The CRM v3 contacts reader: pages, JSON Lines, archived records, bad lines."""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdpr_policy import InputError, RecordError
from gdpr_policy.audit import Contact, PortalMapping, _json, read_contacts_json

from ._helpers import at, contact


def read(lines: list[str]) -> list[Contact | RecordError]:
    return list(read_contacts_json(lines, source="contacts.json"))


def test_json_lines_with_an_archived_record() -> None:
    a, b = read([contact("1", "A@x.no"), "\n", contact("2", "b@x.no", archived=True)])
    assert isinstance(a, Contact) and isinstance(b, Contact)
    assert (a.record_id, a.email, a.archived, a.line) == ("1", "a@x.no", False, 1)
    assert b.archived and b.archived_at == at("2025-01-10T10:00") and b.line == 3


def test_pages_one_a_line_and_pretty_documents() -> None:
    objs = [json.loads(contact(str(i), f"p{i}@x.no")) for i in range(3)]
    page = json.dumps({"results": objs[:2], "paging": {"next": {"after": "2"}}})
    out = read([page + "\n", json.dumps({"results": objs[2:]}) + "\n"])
    assert [c.record_id for c in out] == ["0", "1", "2"]  # type: ignore[union-attr]
    pretty = json.dumps({"results": objs}, indent=2).splitlines(keepends=True)
    out = read(pretty)
    assert [c.pointer for c in out] == ["/results/0", "/results/1", "/results/2"]  # type: ignore[union-attr]
    listed = json.dumps([{"results": objs[:1]}, objs[1]], indent=1).splitlines(keepends=True)
    assert [c.record_id for c in read(listed)] == ["0", "1"]  # type: ignore[union-attr]


def test_epoch_milliseconds_and_non_string_values() -> None:
    line = contact("1", "a@x.no", hs_email_last_open_date="1719835200000")
    obj = json.loads(line)
    obj["properties"]["hs_email_optout"] = True
    [c] = read([json.dumps(obj)])
    assert isinstance(c, Contact) and c.unsubscribed_all
    assert c.activities[0].at == at("2024-07-01T12:00")


def test_a_date_property_is_the_start_of_its_day_in_the_portals_zone() -> None:
    # HubSpot date properties (a custom deactivated_date, say) are days, written without a
    # time: read in the zone given, and refused without one (the plain reader's rule)
    line = contact("1", "a@x.no", contact_status="deactivated", deactivated_date="2024-02-11",
                   processing_restricted="true", processing_restricted_date=" 2024-07-01 ")
    [c] = list(read_contacts_json([line], source="c.jsonl", day_zone=ZoneInfo("Europe/Oslo")))
    assert isinstance(c, Contact)
    assert c.deactivated_at == at("2024-02-10T23:00")  # 00:00 CET
    assert c.restricted_at == at("2024-06-30T22:00")  # 00:00 CEST
    [err] = read([line])
    assert isinstance(err, RecordError) and "deactivated_date" in str(err)
    bad = line.replace("2024-02-11", "2024-02-30")
    [err] = list(read_contacts_json([bad], source="c.jsonl", day_zone=ZoneInfo("Europe/Oslo")))
    assert isinstance(err, RecordError) and "a real calendar date" in str(err)


@pytest.mark.parametrize(("mutate", "field"), [
    (lambda o: o["properties"].update(createdate="2024-01-01 10:00"), "createdate"),
    (lambda o: o["properties"].update(email={"a": 1}), "properties/email"),
    (lambda o: o.update(id="abc"), "id"),
    (lambda o: o.update(archived="yes"), "archived"),
    (lambda o: o.update(properties=None), "properties"),
    (lambda o: o["properties"].update(email=None, hs_object_id=None) or o.pop("id"), "email"),
])
def test_bad_records_are_located_and_the_rest_read(mutate: object, field: str) -> None:
    obj = json.loads(contact("1", "a@x.no"))
    mutate(obj)  # type: ignore[operator]
    out = read([contact("9", "z@x.no"), json.dumps(obj) + "\n", "{oops\n", contact("8", "y@x.no")])
    assert [type(x).__name__ for x in out] == ["Contact", "RecordError", "RecordError", "Contact"]
    err = out[1]
    assert isinstance(err, RecordError)
    assert err.issues[0].line == 2 and err.issues[0].path == field
    assert out[2].issues[0].line == 3  # type: ignore[union-attr]


def test_a_bad_first_line_of_json_lines_rejects_only_itself() -> None:
    # the first line decides JSON Lines or one document: a broken one whose next line is an
    # object by itself is a bad line of JSON Lines, not a broken document
    good = [contact("1", "a@x.no"), contact("2", "b@x.no")]
    got = read([good[0][:-5] + "\n", *good])
    assert isinstance(got[0], RecordError) and got[0].issues[0].line == 1
    assert [c.record_id for c in got[1:]] == ["1", "2"]  # type: ignore[union-attr]
    got = read(["\n", good[0][:-5] + "\n", "\n", *good])  # blank lines keep their numbers
    assert got[0].issues[0].line == 2  # type: ignore[union-attr]
    assert [c.line for c in got[1:]] == [4, 5]  # type: ignore[union-attr]


def test_a_broken_document_is_unreadable() -> None:
    with pytest.raises(InputError, match=r"contacts\.json:2"):
        read(['{"results": [\n', "  {oops\n"])
    assert read([]) == [] and read(["\n"]) == []


_values = st.sampled_from(["2024-01-01T10:00:00.000Z", "x", "", " true ", "true", "1719835200000",
                           "2024-13-01T00:00:00Z", "2024-02-11", "2024-02-30", None, 5, 1.5,
                           True, [1]])
_props = ["email", "createdate", "notes_last_updated", "hs_email_last_open_date", "contact_status",
          "processing_restricted", "processing_restricted_date", "hs_email_optout",
          "hs_email_hard_bounce_reason_enum", "hs_legal_basis", "lifecyclestage", "hs_object_id"]


@st.composite
def _contact_lines(draw: st.DrawFn) -> str:
    obj: dict[str, Any] = json.loads(contact(draw(st.sampled_from(["1", "22"])), "A@x.no"))
    for name in draw(st.lists(st.sampled_from(_props), max_size=3)):
        obj["properties"][name] = draw(_values)
    for key in draw(st.lists(st.sampled_from(["id", "archived", "archivedAt", "createdAt"]),
                             max_size=2)):
        value = draw(st.sampled_from(["7", "x7", 7, None, True, "2024-02-30T00:00:00Z",
                                      "2024-01-01T00:00:00Z"]))
        if draw(st.booleans()):
            obj.pop(key, None)
        else:
            obj[key] = value
    if draw(st.booleans()):
        obj.pop("properties")
    return json.dumps(obj) + "\n"


@settings(max_examples=300)
@given(st.lists(_contact_lines(), min_size=1, max_size=12),
       st.sampled_from([None, ZoneInfo("Europe/Oslo")]))
def test_the_typed_fast_path_reads_lines_as_json_loads_would(
        lines: list[str], zone: ZoneInfo | None) -> None:
    mapping = PortalMapping()
    first = contact("0", "first@x.no")  # JSON Lines mode is decided by the first line
    got = list(read_contacts_json([first, *lines], source="contacts.json", day_zone=zone))
    want: list[Any] = []
    for no, line in enumerate([first, *lines], 1):
        want += _json._top(json.loads(line), mapping, "contacts.json", no, None,
                           (mapping.datetime_properties(), zone))
    assert [str(x) if isinstance(x, RecordError) else x for x in got] == [
        str(x) if isinstance(x, RecordError) else x for x in want]


def test_columns_and_untimed_opt_outs_of_an_api_object() -> None:
    from gdpr_policy.audit import Contact, read_contacts_json

    line = ('{"id": "5", "properties": {"email": "a@x.no", "hs_email_optout_201843118": "true",'
            ' "hs_email_optout_201843117": "false", "hs_email_optout_survey_reason": "OTHER",'
            ' "hs_email_optout": null}}\n')
    [c] = list(read_contacts_json([line], source="c.jsonl"))
    assert isinstance(c, Contact) and c.opted_out_lists == ("201843118",)
    assert c.columns == frozenset({"email", "hs_email_optout_201843118", "hs_email_optout_201843117",
                                   "hs_email_optout_survey_reason", "hs_email_optout"})
    assert c.has_column("email") and not c.has_column("contact_status")
