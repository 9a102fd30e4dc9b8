"""The report formats as the CLI writes them: what a person sees for odd runs."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from gdpr_policy.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_banner_of_a_missing_file_says_nothing_was_read(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.js")
    code, out, err = _run("banner", missing, "--as-of", "2026-11-30")
    assert code == 2
    assert "No findings." not in out
    assert "Nothing was read: " in out and "nope.js" in out
    assert "nope.js" in err


@pytest.mark.parametrize("lang", ["nb", "sv"])
def test_nothing_read_is_said_in_the_report_language(tmp_path: Path, lang: str) -> None:
    _, out, _ = _run("banner", str(tmp_path / "nope.js"), "--as-of", "2026-11-30", "--lang", lang)
    assert {"nb": "Ingenting ble lest: ", "sv": "Ingenting lästes: "}[lang] in out


def test_junit_of_a_missing_file_has_no_passing_case(tmp_path: Path) -> None:
    code, out, _ = _run("banner", str(tmp_path / "nope.js"), "--as-of", "2026-11-30",
                        "--format", "junit")
    assert code == 2
    root = ET.fromstring(out)
    cases = list(root.iter("testcase"))
    assert len(cases) > 1
    assert [c for c in cases if not list(c)] == []  # every case skipped or in error
    assert int(root.get("errors", "0")) == 1
    assert int(root.get("skipped", "0")) == len(cases) - 1


AUDIT = ["audit", "tests/data/audit_fuzz", "--as-of",
         (ROOT / "tests" / "data" / "audit_fuzz" / "AS_OF").read_text("utf-8").strip()]


def test_audit_html_is_written_with_its_charts(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    out = tmp_path / "r.html"
    code, stdout, err = _run(*AUDIT, "--format", "html", "--lang", "nb", "--output", str(out))
    assert code == 1 and stdout == "" and err == ""
    text = out.read_text("utf-8")
    assert text.startswith("<!DOCTYPE html>") and '<html lang="nb">' in text
    assert 'id="chart-per-rule"' in text and 'id="chart-requests"' in text
    _, json_text, _ = _run(*AUDIT, "--format", "json")
    import json

    from report.test_html import _parse

    findings = json.loads(json_text)["findings"]
    rows = _parse(text).rows  # the same findings as the JSON, in its order
    assert [(r["rule"], r["location"].split(":")[0]) for r in rows] == [
        (f["rule"], f["location"]["file"] if f.get("location") else "") for f in findings]


@pytest.mark.parametrize("command", [["lint"], ["banner", "examples/banners/klaro/preselected.js",
                                                "--as-of", "2026-11-30"]])
def test_lint_and_banner_write_html_too(command: list[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    _, out, err = _run(*command, "--format", "html", "--lang", "sv")
    assert err == ""
    assert '<html lang="sv">' in out and 'id="summary"' in out


def test_audit_xlsx_needs_an_output_file_and_holds_the_json_numbers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from report.xlsx_reader import read_workbook

    monkeypatch.chdir(ROOT)
    code, _, err = _run(*AUDIT, "--format", "xlsx")
    assert code == 2 and "--output FILE.xlsx" in err
    out = tmp_path / "r.xlsx"
    code, stdout, err = _run(*AUDIT, "--format", "xlsx", "--output", str(out))
    assert code == 1 and stdout == "" and err == ""
    book = read_workbook(out)
    by_rule = json.loads(_run(*AUDIT, "--format", "json")[1])["summary"]["by_rule"]
    for rule, n in by_rule.items():
        if n:
            assert len(book[rule[:31]]) == n + 1, rule  # header and one row per finding
        else:
            assert rule[:31] not in book


def test_csv_output_puts_rejected_rows_in_their_own_file(tmp_path: Path) -> None:
    contacts = tmp_path / "contacts.jsonl"
    # a record without properties and a line that is not JSON: both rejected (since
    # issue 15 a contact with only an e-mail is read, so it cannot stand for a bad row)
    contacts.write_text('{"id": "1"}\nnot json\n', encoding="utf-8")
    out = tmp_path / "r.csv"
    code, _, err = _run("audit", "--contacts", str(contacts), "--as-of", "2026-11-30",
                        "--format", "csv", "--delimiter", ";", "--lang", "nb",
                        "--output", str(out))
    assert code == 3, err
    text = out.read_text("utf-8-sig")
    assert text.startswith("Regel;Alvorlighet;Kontakt")
    rejected = (tmp_path / "r.rejected.csv").read_text("utf-8-sig")
    rows = rejected.splitlines()
    assert rows[0] == "Fil;Linje;Kolonne;JSON-peker;Årsak"
    assert len(rows) == 3 and all("contacts.jsonl;" in r for r in rows[1:])  # both records


@pytest.mark.parametrize(("name", "start"), [("r.xlsx", b"PK"), ("r.html", b"<!DOCTYPE html>"),
                                             ("r.json", b"{"), ("r.txt", b"gdpr-policy ")])
def test_the_output_file_extension_chooses_the_format(
        name: str, start: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    out = tmp_path / name
    code, stdout, err = _run(*AUDIT, "--output", str(out))
    assert code == 1 and stdout == "" and err == ""
    assert out.read_bytes().startswith(start)


def test_an_explicit_format_wins_over_the_extension(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    out = tmp_path / "r.html"
    _run(*AUDIT, "--format", "json", "--output", str(out))
    assert out.read_text("utf-8").startswith("{")


def test_missing_report_extra_is_named_by_the_cli(monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path) -> None:
    import sys

    monkeypatch.chdir(ROOT)
    monkeypatch.setitem(sys.modules, "pygal", None)
    out = tmp_path / "r.html"
    code, _, err = _run(*AUDIT, "--format", "html", "--output", str(out))
    assert code == 2 and "pip install 'gdpr-policy[report]'" in err
    assert not out.exists() or out.read_text("utf-8") == ""
