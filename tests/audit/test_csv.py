"""The HubSpot UI export reader: labels, BOM, local times, booleans, Excel ids, bad rows."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


# ------------------------------------------------------------------ issue 15: dates inferred
def infer(*values: str, zone: str = "UTC", header: str = '"Record ID","Create Date"\n',
          ) -> list[Contact | RecordError]:
    rows = [f'"{i}","{v}"\n' for i, v in enumerate(values, 1)]
    return list(read_contacts_csv([header, *rows], source="x.csv", zone=zone))


@pytest.mark.parametrize(("values", "first"), [
    (("2024-03-12 09:14", "2024-03-12"), at("2024-03-12T09:14")),
    (("2024-03-12T09:14:05.250", "2024-03-12 09:14:05"), at("2024-03-12T09:14:05.250")),
    (("12.03.2024 09:14", "1.2.24 7:05"), at("2024-03-12T09:14")),
    (("3/15/2024 2:30 PM", "3/1/2024 12:05 AM"), at("2024-03-15T14:30")),
    (("2/5/24 1:51", "12/28/22 14:05"), at("2024-02-05T01:51")),  # month first (28 > 12)
    (("2/5/24 1:51", "28/12/22 14:05"), at("2024-05-02T01:51")),  # day first
    (("05-06-2024 10:00", "13-06-2024 10:00"), at("2024-06-05T10:00")),
    (("2024-03-12T09:14:00Z", "2024-03-12 09:14:00+01:00"), at("2024-03-12T09:14")),
    (("1710234840000", "2024-03-12 09:14:00 UTC"), at("2024-03-12T09:14")),
    (("5/5/24 10:00",), at("2024-05-05T10:00")),  # the same day and month: no question
    (("1/1/68 00:00", "1/13/69 00:00"), at("2068-01-01T00:00")),  # strptime's %y pivot
])
def test_date_formats_are_inferred_from_the_values(values: tuple[str, ...], first: dt.datetime) -> None:
    out = infer(*values)
    assert all(isinstance(c, Contact) for c in out), out
    assert isinstance(out[0], Contact) and out[0].created_at == first


def test_inferred_order_is_one_per_file_and_a_contradiction_rejects_its_row() -> None:
    from gdpr_policy.audit._csv import CsvInfo

    info = CsvInfo()
    header = '"Record ID","Create Date","Last marketing email open date"\n'
    rows = [header, '"1","2/5/24 1:51",""\n', '"2","1/3/24 9:00","3/25/24 10:00"\n',
            '"3","25/3/24 9:00",""\n']
    out = list(read_contacts_csv(rows, source="x.csv", zone="UTC", info=info))
    a, b, c = out
    # the open date of row 2 decides month first for the whole file, also for Create Date
    assert isinstance(a, Contact) and a.created_at == at("2024-02-05T01:51")
    assert isinstance(b, Contact) and b.created_at == at("2024-01-03T09:00")
    assert isinstance(c, RecordError) and "month/day order" in str(c)
    assert c.issues[0].column == 2
    assert info.formats == {"Create Date": ["%m/%d/%y %H:%M"],
                            "Last marketing email open date": ["%m/%d/%y %H:%M"]}
    assert info.inferred and info.order_from == "Last marketing email open date (3/25/24 10:00)"


@pytest.mark.parametrize("bad", ["2/30/24 10:00", "13/13/24 10:00", "3/12/2024 13:00 PM", "soon"])
def test_impossible_inferred_dates_reject_the_row(bad: str) -> None:
    ok, err = infer("12/28/22 14:05", bad)
    assert isinstance(ok, Contact) and isinstance(err, RecordError)
    assert err.issues[0].line == 3 and err.issues[0].path == "createdate"


def test_inferred_local_times_keep_the_dst_rules() -> None:
    gap, repeated, day = infer("30.03.2025 02:30", "26.10.2025 02:30", "30.03.2025",
                               zone="Europe/Oslo")
    assert isinstance(gap, RecordError) and "daylight-saving gap" in str(gap)
    assert isinstance(repeated, Contact) and repeated.created_at == at("2025-10-26T00:30")
    assert isinstance(day, Contact) and day.created_at == at("2025-03-29T23:00")  # start of day


def test_ambiguous_file_is_refused_only_at_the_end_and_names_the_first_value() -> None:
    with pytest.raises(InputError, match="either way") as exc:
        infer("05/06/24 10:00", "01/02/24 10:00")
    assert exc.value.issues[0].line == 2
    assert exc.value.issues[0].path == "Create Date"
    assert "%d/%m/%y %H:%M (day first) or %m/%d/%y %H:%M (month first)" in str(exc.value)


def test_the_advice_for_an_ambiguous_file_is_its_own_shape_and_reads_it() -> None:
    # four-digit years: the example says %Y (a fixed %y example rejected every row)
    with pytest.raises(InputError, match="either way") as exc:
        infer("12/03/2024 9:14", "05/06/2024 10:00")
    assert "%d/%m/%Y %H:%M (day first) or %m/%d/%Y %H:%M (month first)" in str(exc.value)
    header = '"Record ID","Create Date"\n'
    [c] = list(read_contacts_csv([header, '"1","12/03/2024 9:14"\n'], source="x.csv",
                                 zone="UTC", datetime_format="%d/%m/%Y %H:%M"))
    assert isinstance(c, Contact) and c.created_at == at("2024-03-12T09:14")


def test_explicit_format_reads_a_date_only_column_with_its_date_part() -> None:
    header = '"Record ID","Create Date","Processing restricted","Processing restricted date"\n'
    rows = [header, '"1","05/06/2024 10:00","Yes","07/06/2024"\n']
    [c] = list(read_contacts_csv(rows, source="x.csv", zone="UTC", datetime_format="%d/%m/%Y %H:%M"))
    assert isinstance(c, Contact) and c.created_at == at("2024-06-05T10:00")
    assert c.restricted_at == at("2024-06-07T00:00")


_STYLES = [("dmy", "/", 2, False), ("mdy", "/", 2, False), ("mdy", "/", 4, True),
           ("dmy", ".", 4, False), ("ymd", "-", 4, False), ("dmy", "-", 4, True)]


def _render(t: dt.datetime, style: tuple[str, str, int, bool]) -> str:
    order, sep, ylen, twelve = style
    year = f"{t.year % 100:02d}" if ylen == 2 else f"{t.year}"
    parts = {"dmy": (t.day, t.month, year), "mdy": (t.month, t.day, year),
             "ymd": (year, f"{t.month:02d}", f"{t.day:02d}")}[order]
    date = sep.join(str(p) for p in parts)
    if twelve:
        h = t.hour % 12 or 12
        return f"{date} {h}:{t.minute:02d} {'PM' if t.hour >= 12 else 'AM'}"
    return f"{date} {t.hour}:{t.minute:02d}"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.datetimes(min_value=dt.datetime(1970, 1, 1), max_value=dt.datetime(2067, 12, 31)),
                min_size=1, max_size=6),
       st.sampled_from(_STYLES))
def test_inference_reads_back_what_any_style_wrote(times: list[dt.datetime],
                                                   style: tuple[str, str, int, bool]) -> None:
    times = [t.replace(second=0, microsecond=0) for t in times]
    decider = dt.datetime(2001, 1, 28, 15, 45)  # day 28 decides the order of slash dates
    values = [_render(t, style) for t in [*times, decider]]
    out = infer(*values)
    assert [c.created_at for c in out if isinstance(c, Contact)] == [
        t.replace(tzinfo=dt.UTC) for t in [*times, decider]]


# ------------------------------------------------------------------ issue 15: whose columns
def test_a_repeated_label_is_never_filled_in_from_the_repeat() -> None:
    from gdpr_policy.audit._csv import CsvInfo

    info = CsvInfo()
    lines = ['"Record ID","Email","Create Date","Last marketing email open date","Create Date",'
             '"Last marketing email open date"\n', '"1","a@x.no","","","2020-01-01 00:00",'
             '"2025-01-01 00:00"\n']
    [c] = list(read_contacts_csv(lines, source="x.csv", zone="UTC", info=info))
    assert isinstance(c, Contact) and c.created_at is None and c.activities == ()
    assert info.ignored == ["Create Date", "Last marketing email open date"]


def test_columns_after_another_objects_record_id_are_that_objects() -> None:
    lines = ['"Record ID - Contact","Email","Record ID - Deal","Deal Name","Create Date",'
             '"Record ID - Contact","Last marketing email open date"\n',
             '"7","a@x.no","99","Avtale","2020-01-01 00:00","7","2025-01-01 00:00"\n']
    [c] = list(read_contacts_csv(lines, source="x.csv", zone="UTC"))
    # the deal's create date is not the contact's; the second contact block is read again
    assert isinstance(c, Contact) and c.record_id == "7" and c.created_at is None
    assert [a.at for a in c.activities] == [at("2025-01-01T00:00")]


def test_labels_match_without_regard_to_case_and_older_names() -> None:
    lines = ['"contact id","EMAIL","create date","LAST MARKETING EMAIL OPEN DATE"\n',
             '"7","a@x.no","2020-01-01 00:00","2025-01-01 00:00"\n']
    [c] = list(read_contacts_csv(lines, source="x.csv", zone="UTC"))
    assert isinstance(c, Contact) and c.record_id == "7" and c.email == "a@x.no"
    assert c.columns == frozenset({"hs_object_id", "email", "createdate", "hs_email_last_open_date"})


def test_opt_out_columns_per_subscription() -> None:
    lines = ['"Record ID","Email","Opted out of email: Newsletter",'
             '"Opted out of email: Marketing Information","Unsubscribed from all email"\n',
             '"1","a@x.no","Yes","No","No"\n', '"2","b@x.no","Yes","Yes",""\n',
             '"3","c@x.no","kanskje","",""\n']
    a, b, bad = list(read_contacts_csv(lines, source="x.csv", zone="UTC"))
    assert isinstance(a, Contact) and a.opted_out_lists == ("Newsletter",)
    assert isinstance(b, Contact) and b.opted_out_lists == ("Marketing Information", "Newsletter")
    assert isinstance(bad, RecordError) and bad.issues[0].column == 3


def test_other_objects_are_refused_at_the_header() -> None:
    with pytest.raises(InputError, match="companies export"):
        read('"Record ID - Company","Company name","Create Date"\n', '"1","A AS","2020-01-01 00:00"\n')
    with pytest.raises(InputError, match="deals export"):
        read('"Record ID","Deal Name","Deal Stage","Amount","Close Date"\n', '"1","x","y","1","z"\n')
    with pytest.raises(InputError, match="--mapping"):
        read('"contact_id","properties_email"\n', '"1","a@x.no"\n')
    with pytest.raises(InputError, match="companies export"):  # a sync tool's company table
        read("id,property_name,property_domain,property_createdate,_fivetran_deleted\n",
             "1,A AS,a.no,2020-01-01 00:00:00,false\n")


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_the_header_decides_the_separator(sep: str) -> None:
    lines = [sep.join(['"Record ID"', '"Email"', '"Legal basis for processing contact\'s data"']) + "\n",
             sep.join(['"1"', '"a@x.no"', '"Legitimate interest - Customer"']) + "\n"]
    [c] = list(read_contacts_csv(lines, source="x.csv", zone="UTC"))
    assert isinstance(c, Contact) and c.email == "a@x.no"
    assert c.legal_bases == ("Legitimate interest – existing customer",)


def test_an_empty_header_line_is_an_input_error() -> None:
    with pytest.raises(InputError, match="no columns"):
        read("\n", '"1","a@x.no"\n')


def test_rows_held_back_until_the_order_is_known_keep_their_order_and_errors() -> None:
    lines = ['"Record ID","Create Date"\n', '"1","2/5/24 1:51"\n', '"2","x","y"\n',
             '"3","3/4/24 9:00"\n', '"4","12/28/22 14:05"\n', '"5","1/1/24 0:00"\n']
    out = list(read_contacts_csv(lines, source="x.csv", zone="UTC"))
    assert [type(c).__name__ for c in out] == ["Contact", "RecordError", "Contact", "Contact",
                                               "Contact"]
    assert [c.line for c in out if isinstance(c, Contact)] == [2, 4, 5, 6]
    first = out[0]
    assert isinstance(first, Contact) and first.created_at == at("2024-02-05T01:51")
