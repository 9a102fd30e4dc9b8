"""The HubSpot UI export reader: labels, BOM, local times, booleans, Excel ids, bad rows."""

from __future__ import annotations

import datetime as dt

import pytest

from gdpr_policy import InputError, RecordError
from gdpr_policy.audit import Contact, PropertyCatalog, read_contacts_csv

from ._helpers import at, by_rule, run

HEADER = ('"Record ID","First Name","Email","Create Date","Last marketing email open date",'
          '"Contact status","Processing restricted","Processing restricted date",'
          '"Unsubscribed from all email","Email hard bounce reason",'
          '"Legal basis for processing contact\'s data","Lifecycle Stage"\n')


def row(rid: str = "30100012345", email: str = "Kari@Fjorddata.no", created: str = "2024-03-12 09:14",
        opened: str = "", status: str = "Active", restricted: str = "No", rdate: str = "",
        unsub: str = "No", bounce: str = "", basis: str = "Legitimate interest - Customer",
        stage: str = "Customer") -> str:
    cells = [rid, "Kari", email, created, opened, status, restricted, rdate, unsub, bounce, basis, stage]
    return ",".join(f'"{c}"' for c in cells) + "\n"


def read(*lines: str, zone: str = "Europe/Oslo", fmt: str = "%Y-%m-%d %H:%M") -> list[Contact | RecordError]:
    return list(read_contacts_csv(list(lines), source="export.csv", zone=zone, datetime_format=fmt))


def test_labels_bom_and_local_time() -> None:
    [c] = read("\ufeff" + HEADER, row(opened="2025-01-15 08:30"))
    assert isinstance(c, Contact)
    assert c.record_id == "30100012345" and c.email == "kari@fjorddata.no"
    assert c.created_at == at("2024-03-12T08:14")  # CET
    assert c.activities[0].at == at("2025-01-15T07:30")
    assert c.legal_bases == ("Legitimate interest – existing customer",)  # label -> value
    assert c.lifecycle_stage == "customer" and not c.deactivated and c.line == 2


@pytest.mark.parametrize(("yes", "no"), [("Yes", "No"), ("true", "false"), ("YES", "FALSE")])
def test_booleans_in_either_style(yes: str, no: str) -> None:
    [a, b] = read(HEADER, row(restricted=yes, rdate="2024-06-01 10:00", unsub=yes),
                  row(restricted=no, unsub=no))
    assert isinstance(a, Contact) and isinstance(b, Contact)
    assert a.restricted and a.unsubscribed_all and a.restricted_at == at("2024-06-01T08:00")
    assert not b.restricted and not b.unsubscribed_all


def test_bad_boolean_is_a_located_rejection() -> None:
    [e] = read(HEADER, row(unsub="maybe"))
    assert isinstance(e, RecordError)
    [issue] = e.issues
    assert (issue.line, issue.column, issue.path) == (2, 9, "hs_email_optout")


@pytest.mark.parametrize(("fmt", "text"), [
    ("%m/%d/%Y %I:%M %p", "03/12/2024 09:14 AM"),
    ("%d.%m.%Y %H:%M", "12.03.2024 09:14"),
    ("%d/%m/%Y %H:%M", "12/03/2024 09:14"),
])
def test_datetime_formats(fmt: str, text: str) -> None:
    [c] = read(HEADER, row(created=text), fmt=fmt)
    assert isinstance(c, Contact) and c.created_at == at("2024-03-12T08:14")


def test_wrong_format_rejects_the_row_only() -> None:
    out = read(HEADER, row(created="12.03.2024 09:14"), row(rid="30100012346"))
    assert isinstance(out[0], RecordError) and isinstance(out[1], Contact)
    assert "format %Y-%m-%d %H:%M" in str(out[0])


def test_dst_gap_is_rejected_and_repeated_hour_is_the_first() -> None:
    gap, repeated = read(HEADER, row(created="2025-03-30 02:30"), row(created="2025-10-26 02:30"))
    assert isinstance(gap, RecordError) and "daylight-saving gap" in str(gap)
    assert isinstance(repeated, Contact)
    assert repeated.created_at == at("2025-10-26T00:30")  # CEST, the first 02:30


def test_stockholm_and_utc_zones() -> None:
    [c] = read(HEADER, row(created="2024-07-01 12:00"), zone="Europe/Stockholm")
    [u] = read(HEADER, row(created="2024-07-01 12:00"), zone="UTC")
    assert isinstance(c, Contact) and isinstance(u, Contact)
    assert c.created_at == at("2024-07-01T10:00") and u.created_at == at("2024-07-01T12:00")


def test_excel_mangled_id_matches_on_email_and_is_noted() -> None:
    [c] = read(HEADER, row(rid="3.01E+10"))
    assert isinstance(c, Contact) and c.record_id is None and c.id_note == "3.01E+10"
    rep = run(contacts=[HEADER, row(rid="3.01E+10", created="2020-01-01 00:00"),
                        row(rid="3,01E+10", email="b@x.no", created="2020-01-01 00:00")],
              contacts_name="contacts_export.csv")
    [note] = by_rule(rep, "audit.record-id-mangled")
    assert note.evidence["count"] == 2 and note.evidence["lines"] == [2, 3]
    subjects = {f.subject for f in by_rule(rep, "retention.inactive-not-deactivated")}
    assert subjects == {"email:kari@fjorddata.no", "email:b@x.no"}


def test_garbage_id_and_missing_identity_are_rejected() -> None:
    a, b = read(HEADER, row(rid="abc"), row(rid="", email=""))
    assert isinstance(a, RecordError) and isinstance(b, RecordError)
    assert a.issues[0].path == "hs_object_id" and b.issues[0].line == 3


def test_ragged_rows_blank_lines_and_multiline_cells_keep_line_numbers() -> None:
    multiline = row().replace('"Kari"', '"Kari\nmed linjeskift"')
    out = read(HEADER, "\n", *multiline.splitlines(keepends=True), '"1","2"\n', row(rid="30100012399"))
    assert isinstance(out[0], Contact) and out[0].line == 3
    assert isinstance(out[1], RecordError) and out[1].issues[0].line == 5
    assert "12 columns" in str(out[1])
    assert isinstance(out[2], Contact) and out[2].line == 6


def test_header_without_id_or_email_is_an_input_error() -> None:
    with pytest.raises(InputError, match="Record ID"):
        read('"First Name","Last Name"\n', '"a","b"\n')
    with pytest.raises(InputError, match="empty"):
        read()


def test_portal_labels_from_properties_json() -> None:
    props = ('{"results": [{"name": "contact_status", "label": "Kontaktstatus", "type": "enumeration",'
             ' "options": [{"label": "Deaktivert", "value": "deactivated"}]}]}')
    catalog = PropertyCatalog.from_properties_json(props)
    lines = ['"Record ID","Email","Create Date","Kontaktstatus"\n',
             '"1","a@x.no","2020-01-01 00:00","Deaktivert"\n']
    [c] = list(read_contacts_csv(lines, source="x.csv", zone="Europe/Oslo", catalog=catalog))
    assert isinstance(c, Contact) and c.deactivated
    with pytest.raises(InputError):
        PropertyCatalog.from_properties_json("{", source="p.json")


def test_internal_names_as_headers_work_too() -> None:
    lines = ['"hs_object_id","email","createdate"\n', '"7","a@x.no","2020-01-01 00:00"\n']
    [c] = list(read_contacts_csv(lines, source="x.csv", zone="UTC"))
    assert isinstance(c, Contact) and c.record_id == "7"
    assert c.created_at == dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
