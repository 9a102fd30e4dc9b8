"""The audit on each shape of real HubSpot export (tests/data/audit_exports, written for the tests).

For every shape: the rows read, evaluated and rejected; the rules evaluated and
the rules not evaluated with what they need; and the findings a person reading
the file would expect. As of 2025-06-30 with the bundled policy (Europe/Oslo,
two years), the inactivity cutoff is 2023-06-30 00:00 in Oslo, 2023-06-29 22:00 UTC.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shlex
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdpr_policy import InputError
from gdpr_policy.audit import Contact, read_contacts_csv, read_contacts_json
from gdpr_policy.cli import main
from gdpr_policy.i18n import render
from gdpr_policy.report._model import Report

from ._helpers import at, by_rule, run

DATA = Path(__file__).resolve().parents[1] / "data" / "audit_exports"
ROOT = Path(__file__).resolve().parents[2]
# marketing.no-basis needs no contact column: consent is per list, in the subscription statuses
# (without them the marketing rules are reported as not evaluated for the whole input)
CONTACT_RULES_BY_COLUMN = {"retention.inactive-not-deactivated", "retention.bounced-not-deleted",
                           "restriction.processed"}


def lines(name: str) -> list[str]:
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        return list(fh)


def audit(name: str, **kw: Any) -> Report:
    return run(contacts=lines(name), contacts_name=name, **kw)


def stats(rep: Report, name: str) -> tuple[int, int, int]:
    [s] = [s for s in rep.inputs if s.file == name]
    return s.read, s.evaluated, s.rejected


def not_evaluated(rep: Report) -> dict[str, tuple[int, str]]:
    """The rules the contacts file lacked columns for: rule -> (records, columns needed)."""
    return {f.evidence["rule"]: (f.evidence["count"], f.evidence["needs"])
            for f in by_rule(rep, "audit.rule-not-evaluated")
            if f.message.code == "audit.rule-not-evaluated.columns"}


def not_given(rep: Report) -> dict[str, list[str]]:
    """The rules a whole input was missing for: rule -> what it needs."""
    return {f.evidence["rule"]: f.evidence["needs"]
            for f in by_rule(rep, "audit.rule-not-evaluated")
            if f.message.code == "audit.rule-not-evaluated"}


def subjects(rep: Report, rule_id: str) -> list[str]:
    return [f.subject for f in by_rule(rep, rule_id)]


def export_note(rep: Report) -> dict[str, Any]:
    [note] = by_rule(rep, "audit.export-read")
    return dict(note.evidence)


def test_ui_export_of_all_properties() -> None:
    rep = audit("ui_all_properties.csv", sends=lines("email_sends.jsonl"))
    assert stats(rep, "ui_all_properties.csv") == (6, 5, 1)
    [bad] = next(s for s in rep.inputs if s.file == "ui_all_properties.csv").problems
    assert (bad.line, bad.column) == (7, 8) and "2024-02-30" in bad.reason
    # every rule's columns are there; one contact is deactivated with no date, so its
    # marketing is not judged against the deactivation, and a note says so
    assert not_evaluated(rep) == {"retention.deactivated-marketed": (1, "deactivated_date")}
    # but no subscription statuses: consent and per-list opt-outs are not judged, and say so
    assert not_given(rep)["marketing.no-basis"] == ["subscription-statuses"]
    assert not_given(rep)["marketing.after-opt-out"] == ["subscription-statuses"]
    assert subjects(rep, "marketing.no-basis") == []
    assert subjects(rep, "retention.inactive-not-deactivated") == ["30100000102"]
    assert subjects(rep, "retention.inactive-deactivation-unknown") == []
    assert subjects(rep, "retention.bounced-not-deleted") == ["30100000104"]
    # the report names the person: First Name and Last Name, beside the e-mail
    [bounced] = by_rule(rep, "retention.bounced-not-deleted")
    assert (bounced.evidence["name"], bounced.evidence["email"]) == ("Testa Retur",
                                                                     "retur@eksempel.test")
    # Unsubscribed from all email = Yes with no time: the two marketing sends are reported as a
    # warning that says the time is unknown; the administrative send is not counted; no error
    [w] = by_rule(rep, "marketing.after-untimed-opt-out")
    assert w.subject == "30100000105" and w.severity == "warning"
    assert w.evidence["send_ids"] == ["s-1", "s-4"] and w.evidence["send_count"] == 2
    assert subjects(rep, "marketing.after-opt-out") == []
    note = export_note(rep)
    assert note["shape"] == "hubspot-export" and note["columns_not_read"] == []
    # the evidence keeps the shape's id; the message names it in the reader's language
    [found] = by_rule(rep, "audit.export-read")
    assert "ui_all_properties.csv (HubSpot export):" in render(found.message, "en")
    assert "ui_all_properties.csv (HubSpot-eksport):" in render(found.message, "nb")
    assert "ui_all_properties.csv (HubSpot-export):" in render(found.message, "sv")
    # a note logged by staff is not the person's own activity (the policy's not_activity)
    assert "notes_last_updated" not in note["activity_columns"]
    assert "hs_email_last_open_date" in note["activity_columns"]
    assert "Create Date: %Y-%m-%d %H:%M" in note["date_formats"]


def test_untimed_opt_out_gives_way_to_subscription_statuses_with_times() -> None:
    from ._helpers import subscription

    subs = [subscription("30100000105", "avmeldt@eksempel.test", unsub_all=at("2025-02-20T00:00"))]
    rep = audit("ui_all_properties.csv", sends=lines("email_sends.jsonl"), subscriptions=subs)
    assert by_rule(rep, "marketing.after-untimed-opt-out") == []
    assert "marketing.after-opt-out" not in not_given(rep)
    [f] = by_rule(rep, "marketing.after-opt-out")
    assert f.evidence["send_ids"] == ["s-4"]  # only the send after the timed opt-out


def test_custom_view_without_activity_columns_judges_no_inactivity() -> None:
    rep = audit("ui_custom_view.csv")
    assert stats(rep, "ui_custom_view.csv") == (3, 3, 0)  # the contact without e-mail is kept
    # created in 2017 and 2018: the create date alone is not activity, so no finding
    assert subjects(rep, "retention.inactive-not-deactivated") == []
    assert subjects(rep, "retention.inactive-deactivation-unknown") == []
    ne = not_evaluated(rep)
    assert set(ne) == CONTACT_RULES_BY_COLUMN
    assert {n for n, _ in ne.values()} == {3}
    assert ne["retention.inactive-not-deactivated"][1].startswith(
        "hs_email_last_open_date | hs_email_last_click_date | ")
    assert "createdate" not in ne["retention.inactive-not-deactivated"][1]
    assert ne["retention.bounced-not-deleted"][1] == "hs_email_hard_bounce_reason_enum"
    assert ne["restriction.processed"][1] == "processing_restricted + processing_restricted_date"
    [f] = [f for f in by_rule(rep, "audit.rule-not-evaluated")
           if f.evidence["rule"] == "retention.inactive-not-deactivated"]
    assert f.severity == "warning" and f.evidence["source"] == "ui_custom_view.csv"
    assert f.location is not None and f.location.file == "ui_custom_view.csv"


def test_associated_company_columns_are_never_the_contacts() -> None:
    rep = audit("ui_with_company.csv")
    assert stats(rep, "ui_with_company.csv") == (3, 3, 0)
    # 301's own activity columns are empty; the company's are recent: still inactive, and the
    # export has no deactivation column, so a warning that says so (not an error)
    # 303's only activity is "Last Activity Date" (notes_last_updated), which staff move when they
    # log a note: not the person's own activity (the policy's not_activity), so 303 is inactive too
    w, w303 = by_rule(rep, "retention.inactive-deactivation-unknown")
    assert w.subject == "30100000301" and w.severity == "warning"
    assert w303.subject == "30100000303"
    assert w.evidence["last_activity_property"] == "createdate"
    assert w.evidence["activity_columns"] == ["hs_email_last_open_date"]
    assert w.message.values["columns"] == "hs_email_last_open_date"
    assert w.evidence["record_id"] == "30100000301"  # who the finding is about
    assert subjects(rep, "retention.inactive-not-deactivated") == []
    note = export_note(rep)
    assert note["columns_not_read"] == ["Record ID - Company", "Company name", "Create Date",
                                        "Last Activity Date", "Last marketing email open date"]
    assert "retention.inactive-not-deactivated" not in not_evaluated(rep)
    contacts = list(read_contacts_csv(lines("ui_with_company.csv"), source="x.csv", zone="Europe/Oslo"))
    assert all(isinstance(c, Contact) for c in contacts)
    a, b, _ = contacts
    assert isinstance(a, Contact) and a.activities == () and a.created_at == at("2019-02-01T09:00")
    assert isinstance(b, Contact) and b.record_id == "30100000302" and b.email is None


def test_excel_resave_dates_are_inferred_and_said() -> None:
    rep = audit("excel_resave.csv")
    assert stats(rep, "excel_resave.csv") == (3, 3, 0)
    note = export_note(rep)
    assert note["date_formats"] == ["Create Date: %m/%d/%y %H:%M",
                                    "Last marketing email open date: %m/%d/%y %H:%M",
                                    "Processing restricted date: %m/%d/%y"]
    # "Contact ID" (an older label) is the record id; 3.01E+10 is matched on e-mail
    assert sorted(subjects(rep, "retention.inactive-not-deactivated")) == [
        "30100000403", "email:excel.a@eksempel.test"]
    assert set(not_evaluated(rep)) == {"retention.bounced-not-deleted"}
    [a, b, c] = list(read_contacts_csv(lines("excel_resave.csv"), source="x.csv", zone="Europe/Oslo"))
    assert isinstance(a, Contact) and a.created_at == at("2019-02-05T00:51")  # 2/5/19 1:51 CET
    assert isinstance(b, Contact) and b.restricted_at == at("2024-04-14T22:00")  # a date: its start
    assert isinstance(c, Contact) and c.activities[0].at == at("2023-06-01T21:30")  # CEST


def test_ambiguous_dates_ask_for_the_format_and_the_flag_reads_them() -> None:
    with pytest.raises(InputError, match="--datetime-format") as exc:
        audit("excel_ambiguous.csv")
    [issue] = exc.value.issues
    assert (issue.line, issue.column, issue.path) == (2, 3, "Create Date")
    rep = audit("excel_ambiguous.csv", datetime_format="%d/%m/%y %H:%M")
    assert stats(rep, "excel_ambiguous.csv") == (2, 2, 0)
    assert export_note(rep)["date_formats"] == []  # given, not inferred
    us = list(read_contacts_csv(lines("excel_ambiguous.csv"), source="x.csv", zone="UTC",
                                datetime_format="%m/%d/%y %H:%M"))
    eu = list(read_contacts_csv(lines("excel_ambiguous.csv"), source="x.csv", zone="UTC",
                                datetime_format="%d/%m/%y %H:%M"))
    assert isinstance(us[0], Contact) and us[0].created_at == at("2019-05-06T10:00")
    assert isinstance(eu[0], Contact) and eu[0].created_at == at("2019-06-05T10:00")


def test_api_page_with_default_properties_only() -> None:
    rep = audit("api_default_properties.json")
    assert stats(rep, "api_default_properties.json") == (2, 2, 0)
    assert subjects(rep, "retention.inactive-not-deactivated") == []  # created 2018, nothing else
    assert subjects(rep, "retention.inactive-deactivation-unknown") == []
    assert set(not_evaluated(rep)) == CONTACT_RULES_BY_COLUMN
    assert {n for n, _ in not_evaluated(rep).values()} == {2}
    assert export_note(rep)["shape"] == "api-dump"
    [c, _] = list(read_contacts_json(lines("api_default_properties.json"), source="x.json"))
    assert isinstance(c, Contact) and c.columns is not None and "email" in c.columns
    assert not c.has_column("contact_status")


def test_warehouse_table_from_a_sync_tool() -> None:
    rep = audit("warehouse_contact.csv")
    assert stats(rep, "warehouse_contact.csv") == (4, 4, 0)
    # naive times are UTC in a warehouse: 602's open at 22:30 UTC is after the cutoff (22:00
    # UTC); 604's visit at 21:59Z is before it; 603 is deleted in HubSpot (_fivetran_deleted)
    assert sorted(subjects(rep, "retention.inactive-not-deactivated")) == ["30100000601",
                                                                          "30100000604"]
    assert not_evaluated(rep) == {}
    note = export_note(rep)
    assert note["shape"] == "warehouse-table"
    # a table with the first name only: that is the name shown
    assert {f.evidence.get("name") for f in by_rule(rep, "retention.inactive-not-deactivated")} \
        == {"Testa"}
    [found] = by_rule(rep, "audit.export-read")
    assert "(datavarehustabell)" in render(found.message, "nb")
    contacts = list(read_contacts_csv(lines("warehouse_contact.csv"), source="x.csv",
                                      zone="Europe/Oslo"))
    assert [c.archived for c in contacts if isinstance(c, Contact)] == [False, False, True, False]
    # given a zone, the table's naive times are read in it
    rep_oslo = audit("warehouse_contact.csv", timezone="Europe/Oslo")
    assert "30100000602" in subjects(rep_oslo, "retention.inactive-not-deactivated")


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_warehouse_table_with_other_column_names_needs_the_mapping(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    path = "tests/data/audit_exports/airbyte_contacts.csv"
    code, _, err = cli("audit", "--contacts", path, "--as-of", "2025-06-30")
    assert code == 2 and "--mapping" in err and "contact_id" in err
    # the command of docs/audit.md, as written there
    doc = (ROOT / "docs" / "audit.md").read_text(encoding="utf-8")
    [command] = [x for x in doc.splitlines() if x.startswith("gdpr-policy audit --contacts tests/")]
    code, out, err = cli(*shlex.split(command)[1:])
    assert code == 1, err
    data = json.loads(out)
    assert [(s["read"], s["evaluated"], s["rejected"]) for s in data["inputs"]] == [(2, 2, 0)]
    found = [(f["rule"], f["subject"]) for f in data["findings"]
             if not f["rule"].startswith("audit.")]
    assert found == [("retention.inactive-not-deactivated", "30100000611")]


@pytest.mark.parametrize(("name", "looks"), [
    ("companies_export.csv", "companies export"),
    ("feedback_export.csv", "feedback submissions export"),
])
def test_other_objects_are_refused_with_what_they_look_like(name: str, looks: str) -> None:
    with pytest.raises(InputError) as exc:
        audit(name)
    text = str(exc.value)
    assert looks in text and "CRM > Contacts" in text and "All properties" in text
    assert exc.value.issues[0].line == 1


@pytest.mark.parametrize(("name", "d"), [("ui_norwegian.csv", "7"), ("ui_swedish.csv", "8")])
def test_norwegian_and_swedish_labels(name: str, d: str) -> None:
    rep = audit(name)
    assert stats(rep, name) == (3, 3, 0)
    assert subjects(rep, "retention.inactive-not-deactivated") == [f"30100000{d}01"]
    assert subjects(rep, "retention.bounced-not-deleted") == [f"30100000{d}02"]
    assert set(not_evaluated(rep)) == {"restriction.processed", "retention.deactivated-marketed"}
    first, second, third = list(read_contacts_csv(lines(name), source=name, zone="Europe/Oslo"))
    assert isinstance(first, Contact) and isinstance(second, Contact) and isinstance(third, Contact)
    assert first.lifecycle_stage == "customer"
    assert first.legal_bases == ("Legitimate interest – existing customer",)
    assert second.hard_bounce_reason == "UNKNOWN_USER" and third.deactivated
    assert first.created_at == at("2019-03-12T08:14") and not first.unsubscribed_all


def test_as_of_date_is_a_day_in_the_policys_zone_whatever_the_timezone(tmp_path: Path) -> None:
    # --timezone is the export's zone: with UTC the naive 2023-06-29 23:30 is 23:30Z, after the
    # Oslo cutoff (22:00Z); had --timezone moved --as-of, the cutoff would be 2023-06-30 00:00Z
    # and the contact inactive
    path = tmp_path / "as_of.csv"
    path.write_text('"Record ID","Email","Create Date","Last marketing email open date",'
                    '"Contact status"\n"1","a@eksempel.test","2019-01-01 00:00",'
                    '"2023-06-29 23:30","Active"\n', encoding="utf-8")
    code, out, err = cli("audit", "--contacts", str(path), "--as-of", "2025-06-30",
                         "--timezone", "UTC", "--format", "json")
    assert code == 0, err
    rules = [f["rule"] for f in json.loads(out)["findings"]]
    assert "retention.inactive-not-deactivated" not in rules
    rep = run(contacts=['"Record ID","Email","Create Date","Last marketing email open date",'
                        '"Contact status"\n',
                        '"1","a@eksempel.test","2019-01-01 00:00","2023-06-29 21:30","Active"\n'],
              contacts_name="as_of.csv", timezone="UTC", as_of=dt.date(2025, 6, 30))
    [f] = by_rule(rep, "retention.inactive-not-deactivated")
    assert f.evidence["cutoff"] == at("2023-06-29T22:00")


def test_one_list_opt_out_is_not_an_opt_out_from_the_others() -> None:
    header = ('"Record ID","Email","Create Date","Last marketing email open date","Contact status",'
              '"Opted out of email: Newsletter","Opted out of email: Marketing Information"\n')
    rows = [header, '"1","a@eksempel.test","2024-01-01 00:00","2025-01-01 00:00","Active","Yes","No"\n',
            '"2","b@eksempel.test","2024-01-01 00:00","2025-01-01 00:00","Active","Yes","Yes"\n']
    from ._helpers import send

    sends = [send("n1", "1", "a@eksempel.test", at("2025-03-01T10:00")),
             send("n2", "2", "b@eksempel.test", at("2025-03-01T10:00"))]
    rep = run(contacts=rows, contacts_name="lists.csv", sends=sends)
    [w] = by_rule(rep, "marketing.after-untimed-opt-out")
    assert w.subject == "2" and w.evidence["opted_out_of"] == "Marketing Information, Newsletter"


def test_norwegian_excel_resave_with_semicolons() -> None:
    rep = audit("excel_resave_nb.csv")
    assert stats(rep, "excel_resave_nb.csv") == (2, 2, 0)
    # 3,01E+10 (Excel's id, with a decimal comma) is matched on e-mail and noted
    assert subjects(rep, "retention.inactive-not-deactivated") == ["email:semi.a@eksempel.test"]
    [note] = by_rule(rep, "audit.record-id-mangled")
    assert note.evidence["examples"] == ["3,01E+10"]
    assert export_note(rep)["date_formats"] == [
        "Opprettet dato: %d.%m.%Y %H:%M",
        "Dato for siste åpning av markedsførings-e-post: %d.%m.%Y %H:%M"]


GENERATED = sorted((ROOT / "tests" / "data" / "audit").iterdir())


@pytest.mark.parametrize("d", GENERATED, ids=lambda p: p.name)
def test_inferred_formats_read_every_generated_export_as_the_given_format_does(d: Path) -> None:
    from gdpr_policy.audit import PropertyCatalog
    from gdpr_policy.audit._csv import CsvInfo

    from ._helpers import fixture_lines

    gen = json.loads((d / "ground_truth.json").read_text(encoding="utf-8"))["generator"]
    catalog = PropertyCatalog.from_properties_json("".join(fixture_lines(d, "properties.json")))
    info = CsvInfo()
    inferred = list(read_contacts_csv(fixture_lines(d, "contacts_export.csv"), source="c.csv",
                                      zone=gen["csv_tz"], catalog=catalog, info=info))
    given = list(read_contacts_csv(fixture_lines(d, "contacts_export.csv"), source="c.csv",
                                   zone=gen["csv_tz"], catalog=catalog,
                                   datetime_format=gen["csv_datetime_format"]))
    assert inferred == given and len(given) > 50
    assert all(isinstance(c, Contact) for c in inferred)
    assert {f for fs in info.formats.values() for f in fs} == {gen["csv_datetime_format"]}


_ACTIVITY_LABELS = {"Last marketing email open date": "hs_email_last_open_date",
                    "Last marketing email click date": "hs_email_last_click_date",
                    "Recent Conversion Date": "recent_conversion_date",
                    "Time of Last Session": "hs_analytics_last_visit_timestamp"}


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(sorted(_ACTIVITY_LABELS)), unique=True, max_size=4),
       st.lists(st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2025, 6, 1)),
                min_size=4, max_size=4),
       st.booleans())
def test_inactivity_is_judged_exactly_on_the_activity_columns_present(
        present: list[str], times: list[dt.datetime], with_status: bool) -> None:
    header = ["Record ID", "Email", "Create Date", *present] + (["Contact status"] if with_status else [])
    created = dt.datetime(2019, 1, 1)
    values = [t.replace(second=0, microsecond=0) for t in times[:len(present)]]
    row = ["1", "a@eksempel.test", created.strftime("%Y-%m-%d %H:%M"),
           *(t.strftime("%Y-%m-%d %H:%M") for t in values)] + (["Active"] if with_status else [])
    text = [",".join(f'"{x}"' for x in header) + "\n", ",".join(f'"{x}"' for x in row) + "\n"]
    rep = run(contacts=text, contacts_name="p.csv", timezone="UTC")
    errors = by_rule(rep, "retention.inactive-not-deactivated")
    warnings = by_rule(rep, "retention.inactive-deactivation-unknown")
    inactive = bool(present) and max([created, *values]) < dt.datetime(2023, 6, 29, 22, 0)
    assert len(errors) == int(inactive and with_status)
    assert len(warnings) == int(inactive and not with_status)
    assert ("retention.inactive-not-deactivated" in not_evaluated(rep)) == (not present)
    assert export_note(rep)["activity_columns"] == [
        p for p in ("hs_email_last_open_date", "hs_email_last_click_date", "recent_conversion_date",
                    "hs_analytics_last_visit_timestamp") if p in {_ACTIVITY_LABELS[x] for x in present}]


def test_a_column_any_record_of_a_dump_has_is_the_files() -> None:
    # some tools drop empty properties: the record without contact_status is still judged
    # against the file's deactivation column (an error, not the unknown-status warning)
    from ._helpers import contact

    lines = [contact("1", "a@eksempel.test", hs_email_last_open_date=at("2021-01-01T00:00")),
             json.dumps({"id": "2", "properties": {"email": "b@eksempel.test",
                                                   "createdate": "2019-01-01T00:00:00.000Z",
                                                   "hs_email_last_open_date": "2021-01-01T00:00:00.000Z"}}) + "\n"]
    rep = run(contacts=lines)
    assert subjects(rep, "retention.inactive-not-deactivated") == ["1", "2"]
    assert by_rule(rep, "retention.inactive-deactivation-unknown") == []


@pytest.mark.parametrize("marker", ["_fivetran_deleted", "archived", "Archived"])
def test_a_deleted_marker_is_read_whatever_the_tables_other_column_names(marker: str) -> None:
    # a table with its own column names (renamed by the mapping) still says which records
    # HubSpot deleted: they are archived, never audited as live contacts
    from gdpr_policy.audit import PortalMapping

    rows = [f"contact_id,properties_email,properties_createdate,"
            f"properties_hs_email_last_open_date,properties_contact_status,{marker}\n",
            "30100000611,ab.a@eksempel.test,2019-03-12T08:14:00Z,2021-02-01T10:00:00Z,active,false\n",
            "30100000613,ab.c@eksempel.test,2019-03-12T08:14:00Z,2021-02-01T10:00:00Z,active,true\n"]
    mapping = PortalMapping(columns={
        "contact_id": "hs_object_id", "properties_email": "email",
        "properties_createdate": "createdate",
        "properties_hs_email_last_open_date": "hs_email_last_open_date",
        "properties_contact_status": "contact_status"})
    contacts = list(read_contacts_csv(rows, source="t.csv", zone="UTC", mapping=mapping))
    assert [(c.record_id, c.archived) for c in contacts if isinstance(c, Contact)] == [
        ("30100000611", False), ("30100000613", True)]
    rep = run(contacts=rows, contacts_name="t.csv", mapping=mapping)
    assert subjects(rep, "retention.inactive-not-deactivated") == ["30100000611"]
