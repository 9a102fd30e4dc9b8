from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from gdpr_policy import LegalRef, StatementRef
from gdpr_policy._refs import Instrument


@pytest.mark.parametrize(
    "text",
    [
        "GDPR Art. 7(3)",
        "GDPR Art. 6(1)(a)",
        "GDPR Art. 12",
        "GDPR Recital 32",
        "CJEU C-673/17 Planet49",
        "CJEU C-61/19",
        "EDPB Guidelines 05/2020 Example 16",
        "EDPB Cookie Banner Taskforce report practice A",
        "Regulation 1182/71 Art. 3(2)(c)",
        "NO Markedsføringsloven § 15",
        "ePrivacy Directive Art. 5(3)",
        "SE Lag 1930:173 § 2",
    ],
)
def test_citations_round_trip_through_text(text: str) -> None:
    ref = LegalRef.parse(text)
    assert str(ref) == text
    assert LegalRef.parse(str(ref)) == ref


def test_fields_are_parsed() -> None:
    ref = LegalRef.parse("GDPR Art. 6(1)(f)")
    assert (ref.instrument, ref.article, ref.paragraph, ref.point) == (Instrument.GDPR, 6, 1, "f")
    case = LegalRef.parse("CJEU C-673/17 Planet49")
    assert (case.case, case.name) == ("C-673/17", "Planet49")


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("GDPR Art. 100", "article 1 to 99"),
        ("GDPR Art. 0(1)", "article 1 to 99"),
        ("GDPR Recital 174", "recital 1 to 173"),
        ("GDPR Article 7", "legal reference such as"),
        ("CJEU 673/17", "legal reference such as"),
        ("Made-up Act § 1", "legal reference such as"),
    ],
)
def test_bad_citations_are_rejected(text: str, match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        LegalRef.parse(text)


@given(st.integers(1, 99), st.none() | st.integers(1, 9), st.none() | st.sampled_from("abcdef"))
def test_every_valid_gdpr_article_round_trips(
    article: int, paragraph: int | None, point: str | None
) -> None:
    text = (
        f"GDPR Art. {article}"
        + (f"({paragraph})" if paragraph else "")
        + (f"({point})" if paragraph and point else "")
    )
    assert str(LegalRef.parse(text)) == text


def test_clause_ids_are_the_authors_own() -> None:
    # any numbering a statement uses: Inmeta's S01..S36, another's "3.2" or "cookies-1"
    for good in ("S25", "S37", "3.2", "cookies-1", "A", "§4"[1:], "2.1.a"):
        assert str(StatementRef.model_validate(good)) == good
    for bad in ("", "-1", "3.", "a b", "S01;", "x" * 33, "§4"):
        with pytest.raises(ValidationError, match="expected a clause id"):
            StatementRef.model_validate(bad)


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("DE TDDDG § 25", "DE"),
        ("FR CPCE art. L34-5", "FR"),
        ("IE S.I. 336/2011 Reg. 13", "IE"),
        ("NO Markedsføringsloven § 15", "NO"),
        ("ePrivacy Directive Art. 13", None),
    ],
)
def test_another_eea_countrys_act_is_cited_after_its_code(text: str, country: str | None) -> None:
    ref = LegalRef.parse(text)
    assert (str(ref), ref.country) == (text, country)
    assert LegalRef.model_validate(ref.model_dump()) == ref


@pytest.mark.parametrize(
    "text",
    ["CH DSG Art. 1", "US CAN-SPAM § 7704", "NO Angrerettloven § 1", "SE Lag 2022:482", "DE"],
)
def test_a_head_outside_the_eea_or_an_unnamed_nordic_act_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="expected a legal reference"):
        LegalRef.parse(text)
