"""The dispatcher: every format, and refusal of unknown formats and languages."""

from __future__ import annotations

import pytest

from gdpr_policy import i18n
from gdpr_policy._errors import UsageError
from gdpr_policy.report import (
    FORMATS,
    render,
    render_csv,
    render_github,
    render_html,
    render_json,
    render_junit,
    render_sarif,
    render_text,
)
from strategies.report import sample_report

_DIRECT = {
    "text": render_text,
    "json": render_json,
    "sarif": render_sarif,
    "junit": render_junit,
    "github": render_github,
    "csv": render_csv,
    "html": render_html,
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_render_dispatches(fmt: str, lang: str) -> None:
    report = sample_report()
    assert render(report, fmt, lang) == _DIRECT[fmt](report, lang)
    assert render(report, fmt, lang) == render(sample_report(), fmt, lang)


def test_formats_are_the_documented_ones() -> None:
    assert set(FORMATS) == set(_DIRECT)


def test_unknown_format_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="format"):
        render(sample_report(), "xml")


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_language_is_a_usage_error(fmt: str) -> None:
    with pytest.raises(UsageError, match="language"):
        render(sample_report(), fmt, "de")
