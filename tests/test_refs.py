from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from gdpr_policy import LegalRef, StatementRef
from gdpr_policy._refs import STATEMENT_CLAUSES, Instrument


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


def test_statement_refs_are_s01_to_s36() -> None:
    assert STATEMENT_CLAUSES[0] == "S01"
    assert STATEMENT_CLAUSES[-1] == "S36"
    assert str(StatementRef.model_validate("S25")) == "S25"
    for bad in ("S00", "S37", "s01", "S1"):
        with pytest.raises(ValidationError, match="S01 to S36"):
            StatementRef.model_validate(bad)
