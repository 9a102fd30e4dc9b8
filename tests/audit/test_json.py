"""The CRM v3 contacts reader: pages, JSON Lines, archived records, bad lines."""

from __future__ import annotations

import json

import pytest

from gdpr_policy import InputError, RecordError
from gdpr_policy.audit import Contact, read_contacts_json

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


def test_a_broken_document_is_unreadable() -> None:
    with pytest.raises(InputError, match=r"contacts\.json:2"):
        read(['{"results": [\n', "  {oops\n"])
    assert read([]) == [] and read(["\n"]) == []
