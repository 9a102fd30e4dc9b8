"""What the renderers share: legal references in the reader's language, contacts, evidence."""

from __future__ import annotations

import datetime as dt

import pytest

from gdpr_policy import Promise
from gdpr_policy.report._common import evidence_columns, evidence_text, legal_text
from strategies.report import POLICY, SAMPLE_REGISTRY


@pytest.mark.parametrize(("ref", "en", "nb", "sv"), [
    ("GDPR Art. 12(3)", "GDPR Art. 12(3)", "personvernforordningen art. 12 nr. 3",
     "dataskyddsförordningen artikel 12.3"),
    ("GDPR Art. 6(1)(a)", "GDPR Art. 6(1)(a)", "personvernforordningen art. 6 nr. 1 bokstav a",
     "dataskyddsförordningen artikel 6.1 a"),
    ("GDPR Art. 17", "GDPR Art. 17", "personvernforordningen art. 17",
     "dataskyddsförordningen artikel 17"),
    ("GDPR Recital 32", "GDPR Recital 32", "personvernforordningen fortalepunkt 32",
     "dataskyddsförordningen skäl 32"),
    ("Regulation 1182/71 Art. 3(2)(c)", "Regulation 1182/71 Art. 3(2)(c)",
     "forordning 1182/71 art. 3 nr. 2 bokstav c", "förordning 1182/71 artikel 3.2 c"),
    ("ePrivacy Directive Art. 5(3)", "ePrivacy Directive Art. 5(3)", "ekomdirektivet art. 5 nr. 3",
     "ePrivacydirektivet artikel 5.3"),
    ("NO Markedsføringsloven § 15", "NO Markedsføringsloven § 15", "markedsføringsloven § 15",
     "NO Markedsføringsloven § 15"),
    ("SE Lag 1930:173", "SE Lag 1930:173", "SE Lag 1930:173", "lag 1930:173"),
    ("SE LEK", "SE LEK", "SE LEK", "LEK"),
    ("CJEU C-673/17 Planet49", "CJEU C-673/17 Planet49", "CJEU C-673/17 Planet49",
     "CJEU C-673/17 Planet49"),
])
def test_legal_references_as_a_reader_of_each_language_cites_them(
        ref: str, en: str, nb: str, sv: str) -> None:
    assert (legal_text(ref, "en"), legal_text(ref, "nb"), legal_text(ref, "sv")) == (en, nb, sv)


def test_evidence_columns_put_who_first() -> None:
    rule = SAMPLE_REGISTRY["sample.late-answer"]
    findings = [rule.finding(POLICY, "a", evidence={"zeta": 1, "email": "a@x.no", "alpha": 2}),
                rule.finding(POLICY, "b", evidence={"record_id": "1", "name": "Kari"})]
    assert evidence_columns(findings) == ["name", "email", "record_id", "alpha", "zeta"]


def test_evidence_values_as_a_person_reads_them() -> None:
    # summer time starts in Oslo at 01:00 UTC on 31 March 2024: 00:30 UTC is 01:30 winter
    # time, 01:30 UTC is 03:30 summer time (02:30 never happened there)
    before = dt.datetime(2024, 3, 31, 0, 30, tzinfo=dt.UTC)
    after = dt.datetime(2024, 3, 31, 1, 30, tzinfo=dt.UTC)
    assert evidence_text(before, "nb", "Europe/Oslo") == "31. mars 2024 01:30"
    assert evidence_text(after, "nb", "Europe/Oslo") == "31. mars 2024 03:30"
    assert evidence_text([after, "x"], "en", "Europe/Oslo") == "31 Mar 2024 03:30; x"
    assert evidence_text(True, "sv", None) == "ja"
    assert evidence_text(None, "en", None) == ""


@pytest.mark.parametrize(("countries", "acts"), [
    (("SE",), ["SE LEK 9 kap. 28 §"]),
    (("NO",), ["NO Ekomloven § 3-15"]),
    (("NO", "SE"), ["NO Ekomloven § 3-15", "SE LEK 9 kap. 28 §"]),
    # a report read back from JSON does not know its policy's countries: every act
    ((), ["NO Ekomloven § 3-15", "SE LEK 9 kap. 28 §"]),
])
def test_rule_metadata_cites_the_national_law_of_the_reports_policy(
        countries: tuple[str, ...], acts: list[str]) -> None:
    import gdpr_policy.banner.rules  # noqa: F401  (registers the banner rules)
    from gdpr_policy.report import PolicyRef, Report
    from gdpr_policy.report._common import rule_meta

    ref = PolicyRef.of(POLICY).model_copy(update={"countries": countries})
    meta = rule_meta("banner.tracker-in-necessary", Report(policy=ref, command="banner"), "en")
    assert [r for r in meta.legal if r.startswith(("NO ", "SE "))] == acts
    assert "ePrivacy Directive Art. 5(3)" in meta.legal


def test_a_policy_reference_carries_its_jurisdictions_countries() -> None:
    from gdpr_policy.report import PolicyRef

    assert PolicyRef.of(POLICY).countries == ("NO", "SE")
    assert PolicyRef.of(POLICY).clauses(("opt-out-channels", "consent-withdrawal")) == tuple(
        str(c) for c in POLICY.clauses_for(
            (Promise("opt-out-channels"), Promise("consent-withdrawal"))))
