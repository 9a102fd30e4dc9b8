from __future__ import annotations

import datetime as dt
import re
import string
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from hypothesis import given, settings
from hypothesis import strategies as st

from gdpr_policy import REGISTRY, Message, UsageError, load_all_rules
from gdpr_policy.i18n import (
    LANGUAGES,
    PLURAL_COUNTS,
    format_value,
    has_message,
    language_name,
    render,
    translate,
)
from gdpr_policy.i18n.compile import LOCALES, compiled


def _entries() -> dict[tuple[str, str], dict[str, tuple[str, ...]]]:
    """Every catalog's messages as code -> forms (one form, or one per plural form)."""
    out: dict[tuple[str, str], dict[str, tuple[str, ...]]] = {}
    for po in sorted(LOCALES.glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as fh:
            cat = read_po(fh)
        out[(po.parts[-3], po.stem)] = {
            (m.id[0] if isinstance(m.id, tuple) else str(m.id)):
            (tuple(m.string) if isinstance(m.string, tuple) else (str(m.string),))
            for m in cat if m.id
        }
    return out


def _catalogs() -> dict[tuple[str, str], dict[str, str]]:
    # plural forms joined, so that a check of the text covers every form
    return {key: {c: "\n".join(forms) for c, forms in msgs.items()}
            for key, msgs in _entries().items()}


def _fields(template: str) -> set[str]:
    return {
        name.split(".")[0].split("[")[0]
        for _, name, _, _ in string.Formatter().parse(template)
        if name
    }


def test_every_domain_exists_in_every_language() -> None:
    cats = _catalogs()
    domains = {d for _, d in cats}
    for lang in LANGUAGES:
        for domain in domains:
            assert (lang, domain) in cats, f"{lang}/{domain}.po is missing"


def test_every_message_is_translated_with_the_same_placeholders() -> None:
    cats = _catalogs()
    for (lang, domain), messages in cats.items():
        english = cats[("en", domain)]
        assert set(messages) == set(english), f"{lang}/{domain}.po: msgids differ from English"
        for code, text in messages.items():
            assert text.strip(), f"{lang}/{domain}.po: {code} is untranslated"
            assert _fields(text) == _fields(english[code]), (
                f"{lang}/{domain}.po: {code} placeholders differ"
            )
            assert code.split(".", 1)[0] == domain, (
                f"{code} belongs in domain {code.split('.', 1)[0]}"
            )


def test_no_norwegian_or_swedish_catalog_is_a_copy_of_english() -> None:
    cats = _catalogs()
    for (lang, domain), messages in cats.items():
        if lang == "en":
            continue
        english = cats[("en", domain)]
        # Symbols and placeholders may coincide; sentences (three words or more) may not.
        same = [
            c
            for c, t in messages.items()
            if t == english[c]
            and len(re.findall(r"[^\W\d_]{3,}", re.sub(r"\{[^}]*\}", "", t))) >= 3
        ]
        assert not same, f"{lang}/{domain}.po copies English for {same}"


def test_compiled_catalogs_are_fresh() -> None:
    for po in sorted(LOCALES.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        assert mo.exists(), f"{mo} missing: run python -m gdpr_policy.i18n.compile"
        assert mo.read_bytes() == compiled(po), (
            f"{mo} is stale: run python -m gdpr_policy.i18n.compile"
        )


def test_every_rule_has_message_title_and_help_in_every_language() -> None:
    load_all_rules()
    assert len(REGISTRY) > 0
    for rule in REGISTRY:
        for lang in LANGUAGES:
            for code in (rule.message_code, rule.title_code, rule.help_code):
                assert has_message(code, lang), f"{code} has no {lang} text"


def test_render_in_three_languages() -> None:
    msg = Message.of("policy.channel-mismatch", channel="c", shown="a@x.no", linked="b@x.no")
    assert render(msg, "en") == "Contact channel c shows a@x.no but its link points to b@x.no"
    assert render(msg, "nb").startswith("Kontaktkanalen c viser a@x.no")
    assert render(msg, "sv").startswith("Kontaktkanalen c visar a@x.no")


def test_missing_value_and_unknown_code_do_not_crash() -> None:
    assert render(Message.of("policy.channel-mismatch"), "en").startswith(
        "Contact channel {channel}"
    )
    assert translate("nope.nothing", "nb") == "nope.nothing"


def test_dates_are_localized_with_babel() -> None:
    day = dt.date(2026, 4, 7)
    assert format_value(day, "en") == "2026-04-07"
    assert format_value(day, "en", "weekday") == "Tuesday"
    assert format_value(day, "nb", "weekday") == "tirsdag"
    assert format_value(day, "sv", "weekday") == "tisdag"
    assert format_value(day, "nb", "long") == "7. april 2026"
    assert format_value(day, "sv", "long") == "7 april 2026"
    assert (
        format_value(dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC), "en")
        == "2026-03-29T01:30+00:00"
    )


def test_lists_and_booleans() -> None:
    assert format_value(["a", "b", "c"], "en") == "a, b and c"
    assert format_value(["a", "b"], "nb") == "a og b"
    assert format_value(["a", "b"], "sv") == "a och b"
    assert format_value(True, "nb") == "ja"
    assert format_value([], "en") == "-"


def test_unknown_language_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="en, nb, sv"):
        render(Message.of("core.yes"), "de")


def test_catalog_dir_is_inside_the_package() -> None:
    assert Path(LOCALES).parent.name == "i18n"


def test_missing_value_with_a_format_spec_renders_its_name() -> None:
    msg = Message.of("time.extended-due")
    assert "{date}" in render(msg, "en")


_VALUES = st.one_of(
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31)),
    st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2090, 12, 31),
                 timezones=st.just(dt.UTC)),
    st.integers(-5, 10**6), st.text(max_size=8), st.booleans(), st.none(),
    st.lists(st.sampled_from(["a", "b", "S12"]), max_size=3),
)
_TEMPLATES = sorted({(lang, code) for (lang, _), msgs in _catalogs().items() for code in msgs})


@settings(max_examples=300)
@given(st.sampled_from(_TEMPLATES), st.data())
def test_render_equals_the_string_formatter_for_every_template(
        entry: tuple[str, str], data: st.DataObject) -> None:
    # render() parses each template once; string.Formatter is the reference. Values of
    # any kind (some a format spec refuses), and some missing.
    from gdpr_policy import i18n

    lang, code = entry
    values = {name: data.draw(_VALUES) for name in _fields(translate(code, lang))
              if data.draw(st.integers(0, 4))}
    template = translate(code, lang, i18n.plural_count(values))  # the form of the count
    try:
        want = i18n._Formatter(lang).vformat(template, (), i18n._Defaulting(values))
    except (ValueError, TypeError, UsageError) as exc:
        with pytest.raises(type(exc)):
            render(Message(code=code, values=values), lang)
        return
    assert render(Message(code=code, values=values), lang) == want


def test_a_template_with_more_than_plain_fields_goes_to_the_string_formatter() -> None:
    from gdpr_policy import i18n

    assert i18n._pieces("due {date:short}, {{literal}}") == (
        ("due ", "date", "short"), (", {", None, ""), ("literal}", None, ""))
    for odd in ("{a.b}", "{a[0]}", "{a!r}", "{a:{b}}", "{0}"):
        assert i18n._pieces(odd) is None, odd


def test_plural_entries_have_every_form_with_the_same_placeholders_and_a_count() -> None:
    entries = _entries()
    plural = {(d, c) for (lang, d), msgs in entries.items() for c, f in msgs.items() if len(f) > 1}
    assert ("request", "request.late") in plural
    for domain, code in plural:
        english = entries[("en", domain)][code]
        fields = _fields(english[0])
        assert fields & set(PLURAL_COUNTS), f"{code}: no count among {sorted(fields)}"
        for lang in LANGUAGES:
            forms = entries[(lang, domain)][code]
            assert len(forms) == 2, f"{lang}/{code}: en, nb and sv have two plural forms"
            assert all(_fields(f) == fields for f in forms), f"{lang}/{code} placeholders"
            po = LOCALES / lang / "LC_MESSAGES" / f"{domain}.po"
            assert "Plural-Forms: nplurals=2; plural=(n != 1);" in po.read_text("utf-8")


@pytest.mark.parametrize(
    ("lang", "one", "many"),
    [
        ("en", "1 marketing e-mail sent", "9 marketing e-mails sent"),
        ("nb", "1 markedsførings-e-post sendt", "9 markedsførings-e-poster sendt"),
        ("sv", "1 marknadsföringsmejl skickat", "9 marknadsföringsmejl skickade"),
    ],
)
def test_plural_form_follows_the_count(lang: str, one: str, many: str) -> None:
    assert render(Message.of("marketing.no-basis", count=1), lang).startswith(one)
    assert render(Message.of("marketing.no-basis", count=9), lang).startswith(many)
    assert render(Message.of("marketing.no-basis", count=0), lang).startswith(many.replace("9", "0"))


@pytest.mark.parametrize(
    ("lang", "one", "many"),
    [("en", "1 day after", "9 days after"), ("nb", "1 dag etter", "9 dager etter"),
     ("sv", "1 dag efter", "9 dagar efter")],
)
def test_days_are_counted_without_brackets(lang: str, one: str, many: str) -> None:
    def late(days: int) -> str:
        return render(Message.of("request.late", days=days, responded=dt.date(2026, 4, 8),
                                 due=dt.date(2026, 4, 7)), lang)

    assert one in late(1)
    assert many in late(9)
    assert "(s)" not in late(9) and "(er)" not in late(9) and "(ar)" not in late(9)


@pytest.mark.parametrize(
    ("lang", "fraction", "whole"),
    [("en", "400.5 days after", "1 day after"), ("nb", "400,5 dager etter", "1 dag etter"),
     ("sv", "400,5 dagar efter", "1 dag efter")],
)
def test_a_fraction_takes_the_plural_form_and_the_locales_decimal_sign(
    lang: str, fraction: str, whole: str
) -> None:
    # CLDR: a fraction is 'other' in en, nb and sv, even 1.5; a whole float reads as its integer
    def late(days: float) -> str:
        return render(Message.of("request.late", days=days, responded=dt.date(2026, 4, 8),
                                 due=dt.date(2026, 4, 7)), lang)

    assert fraction in late(400.5)
    assert fraction.replace("400", "1") in late(1.5)
    assert whole in late(1.0)
    assert format_value(float("inf"), lang) == "inf"  # as the JSON evidence writes it
    assert format_value(1.5e300, lang) == "1" + fraction[3] + "5e+300"
    assert format_value(0.1 + 0.2, lang) == "0" + fraction[3] + "30000000000000004"  # every digit
    assert format_value(12345, lang) == "12345"  # integers as they are: ids, years, counts


def test_a_plural_entry_without_a_count_takes_its_first_form() -> None:
    assert translate("request.late", "nb").startswith("Besvart {responded}, {days} dag etter")
    assert has_message("request.late", "sv")


def test_language_codes_are_written_as_names() -> None:
    assert language_name("en", "en") == "English"
    assert language_name("en", "nb") == "engelsk"
    assert language_name("sv", "sv") == "svenska"
    assert language_name("nb", "en") == "Norwegian Bokmål"
    assert language_name("pt-BR", "en") == "Portuguese (Brazil)"
    assert language_name("not a language", "nb") == "not a language"
    msg = Message.of("banner.no-reject-first-layer", lang="en")
    assert render(msg, "nb").startswith("Første lag på engelsk har")
    assert render(msg, "sv").startswith("Första lagret på engelska har")


def test_times_are_rendered_in_the_controllers_zone_by_babel() -> None:
    # 2024-11-29T23:00Z is 30 November in Oslo: the issue's example
    cutoff = dt.datetime(2024, 11, 29, 23, 0, tzinfo=dt.UTC)
    assert format_value(cutoff, "en", tz="Europe/Oslo") == "30 Nov 2024 00:00"
    assert format_value(cutoff, "nb", tz="Europe/Oslo") == "30. nov. 2024 00:00"
    assert format_value(cutoff, "sv", tz="Europe/Stockholm") == "30 nov. 2024 00:00"
    # across the spring DST change: 01:30Z is 03:30 summer time in Oslo
    assert format_value(dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC), "en",
                        tz="Europe/Oslo") == "29 Mar 2026 03:30"
    assert format_value(dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.UTC), "en",
                        tz="Europe/Oslo") == "29 Mar 2026 01:30"
    # dates have no zone: the locale's way only
    assert format_value(dt.date(2024, 2, 29), "nb", tz="Europe/Oslo") == "29. feb. 2024"
    # an explicit spec and the ISO form still apply, the latter in the zone
    assert format_value(cutoff, "en", "iso", tz="Europe/Oslo") == "2024-11-30T00:00+01:00"
    # without a zone, ISO 8601 in the value's own offset, as before
    assert format_value(cutoff, "en") == "2024-11-29T23:00+00:00"
    msg = Message.of("retention.inactive-not-deactivated", last_activity=cutoff, cutoff=cutoff)
    assert "30 Nov 2024 00:00" in render(msg, "en", tz="Europe/Oslo")


def test_a_list_of_language_codes_is_a_list_of_names() -> None:
    msg = Message.of("banner.cookie-wall", languages=["en", "nb"])
    assert render(msg, "en").endswith("refuse in English and Norwegian Bokmål.")
    assert render(msg, "nb").endswith("avvise på engelsk og norsk bokmål.")
    assert render(msg, "sv").endswith("avvisa på engelska och norskt bokmål.")


def test_babel_writes_the_time_of_day_as_hh_mm_in_every_locale() -> None:
    # _local appends HH:mm itself instead of asking Babel per value: the locales agree
    from babel.dates import format_time

    from gdpr_policy.i18n import _BABEL_LOCALE

    for locale in _BABEL_LOCALE.values():
        assert format_time(dt.time(7, 5), "short", locale=locale) == "07:05"


@pytest.mark.parametrize(
    ("lang", "cited"),
    [("en", "which GDPR Art. 26(2) requires"),
     ("nb", "som personvernforordningen art. 26 nr. 2 krever"),
     ("sv", "som dataskyddsförordningen artikel 26.2 kräver")],
)
def test_a_legal_reference_in_a_message_value_is_cited_the_readers_way(
        lang: str, cited: str) -> None:
    # the lint's notice omission carries the article it cites as a value (issue 11);
    # the reader sees it as the report's own references are written (issue 13)
    msg = Message.of("policy.notice-omission", item="transfers", article="GDPR Art. 26(2)")
    assert cited in render(msg, lang)
    assert format_value("not a reference", lang, "legal") == "not a reference"


@pytest.mark.parametrize(
    ("code", "values", "one", "many"),
    [
        ("marketing.after-untimed-opt-out", {"last": "x", "how": "y"},
         {"en": "1 marketing e-mail sent", "nb": "1 markedsførings-e-post sendt",
          "sv": "1 marknadsföringsmejl skickat"},
         {"en": "2 marketing e-mails sent", "nb": "2 markedsførings-e-poster sendt",
          "sv": "2 marknadsföringsmejl skickade"}),
        ("retention.deactivated-marketed", {"deactivated_at": "x"},
         {"en": "1 marketing e-mail sent", "nb": "1 markedsførings-e-post sendt",
          "sv": "1 marknadsföringsmejl skickat"},
         {"en": "2 marketing e-mails sent", "nb": "2 markedsførings-e-poster sendt",
          "sv": "2 marknadsföringsmejl skickade"}),
        ("audit.rule-not-evaluated.columns", {"rule": "r", "source": "s", "needs": "n"},
         {"en": "for 1 record of", "nb": "for 1 post i", "sv": "för 1 post i"},
         {"en": "for 2 records of", "nb": "for 2 poster i", "sv": "för 2 poster i"}),
        ("restriction.processed", {"restricted_at": "x"},
         {"en": "1 e-mail that is not transactional was sent",
          "nb": "1 e-post som ikke er transaksjonell, sendt",
          "sv": "1 mejl som inte är transaktionellt"},
         {"en": "2 e-mails that are not transactional were sent",
          "nb": "2 e-poster som ikke er transaksjonelle, sendt",
          "sv": "2 mejl som inte är transaktionella"}),
    ],
)
def test_counts_in_the_audit_messages_of_issues_10_and_15_take_their_plural_form(
        code: str, values: dict[str, str], one: dict[str, str], many: dict[str, str]) -> None:
    for lang in LANGUAGES:
        assert one[lang] in render(Message.of(code, count=1, **values), lang), lang
        assert many[lang] in render(Message.of(code, count=2, **values), lang), lang


# ------------------------------------------------------------------ ids and durations in words
@pytest.mark.parametrize(
    ("iso", "lang", "words"),
    [
        ("P2Y", "en", "2 years"), ("P2Y", "nb", "2 år"), ("P2Y", "sv", "2 år"),
        ("P13M", "en", "13 months"), ("P13M", "nb", "13 måneder"), ("P13M", "sv", "13 månader"),
        ("P1M", "en", "1 month"), ("P1M", "nb", "1 måned"), ("P1M", "sv", "1 månad"),
        # calendar parts keep their units: P1Y6M is not 18 months, P30D not a month
        ("P1Y6M", "en", "1 year and 6 months"), ("P1Y6M", "nb", "1 år og 6 måneder"),
        ("P1Y6M", "sv", "1 år och 6 månader"),
        ("P30D", "nb", "30 dager"), ("P1D", "sv", "1 dag"), ("P2W", "sv", "2 veckor"),
        ("PT12H", "nb", "12 timer"),
        # not a duration: shown as given, never a crash
        ("forever", "nb", "forever"), ("", "sv", ""),
    ],
)
def test_an_iso_duration_reads_as_words(iso: str, lang: str, words: str) -> None:
    assert format_value(iso, lang, "duration") == words


def test_a_duration_object_or_a_number_id_never_crashes_a_message() -> None:
    from gdpr_policy import Duration

    assert format_value(Duration.parse("P1Y6M"), "nb", "duration") == "1 år og 6 måneder"
    assert format_value(7, "sv", "term.role") == "7"


def test_a_cookie_lifetime_in_the_lint_message_reads_as_words() -> None:
    msg = Message.of("policy.cookie-outlives-consent", cookie="_ga", lifetime="P2Y",
                     consent_lifetime="P13M")
    assert render(msg, "en") == (
        "Cookie _ga lives 2 years, longer than the consent it depends on (13 months).")
    assert "lever 2 år, lenger enn samtykket den bygger på (13 måneder)" in render(msg, "nb")
    assert "lever 2 år, längre än samtycket den bygger på (13 månader)" in render(msg, "sv")


def _term_ids() -> dict[str, tuple[str, ...]]:
    """Every id the core keeps that a message words through ``term.<group>.<id>``."""
    from typing import get_args

    from gdpr_policy._policy import ExtensionReason, NoticeItem, ProviderRole
    from gdpr_policy.audit import _engine

    return {
        "notice": get_args(NoticeItem),
        "role": get_args(ProviderRole),
        "input": tuple(_engine._NEEDS_ID.values()),
        "unread": ("not-an-input", "api-dump-used"),
        "shape": ("api-dump", "hubspot-export", "warehouse-table"),
        "party": ("first", "third"),
        "extension-reason": get_args(ExtensionReason),
    }


def test_every_id_a_message_words_has_a_term_in_every_language() -> None:
    for group, ids in _term_ids().items():
        assert ids, group
        for value in ids:
            for lang in LANGUAGES:
                assert has_message(f"term.{group}.{value}", lang), (group, value, lang)


def test_an_id_reads_as_the_readers_word_and_an_unknown_one_as_itself() -> None:
    msg = Message.of("policy.notice-omission", item="recipients", article="GDPR Art. 13(1)(e)")
    assert render(msg, "en").startswith("The statement omits the recipients (recipients), ")
    assert render(msg, "nb").startswith("Erklæringen utelater mottakerne (recipients), ")
    assert render(msg, "sv").startswith("Policytexten utelämnar mottagarna (recipients), ")
    role = Message.of("policy.disclosure-contradiction", tracker="t", provider="Meta",
                      role="joint-controller")
    assert "(rolle: felles behandlingsansvarlig;" in render(role, "nb")
    assert "(roll: gemensamt personuppgiftsansvarig;" in render(role, "sv")
    assert format_value("no-such-id", "nb", "term.role") == "no-such-id"
    # a list of ids is worded item by item and joined the reader's way
    needs = Message.of("audit.rule-not-evaluated", rule="r",
                       needs=["subscription-statuses", "send-log"])
    assert render(needs, "nb") == (
        "r ble ikke vurdert: regelen trenger abonnementsstatusene og utsendelsesloggen for e-post")


def test_extension_grounds_read_as_words_and_unknown_grounds_as_recorded() -> None:
    msg = Message.of("request.extension-reason", grounds=["holiday"],
                     accepted=["complexity", "number-of-requests"])
    assert render(msg, "nb").startswith(
        "Forlengelsen begrunnes med holiday, som verken art. 12 nr. 3 eller policyen godtar "
        "(kompleksitet og antall forespørsler)")
    assert "(komplexitet och antalet begäranden)" in render(msg, "sv")


@pytest.mark.parametrize(("lang", "shown"), [
    ("en", "United States (US)"), ("nb", "USA (US)"), ("sv", "USA (US)"),
])
def test_a_country_code_is_written_as_the_countrys_name_with_its_code(lang: str, shown: str) -> None:
    from gdpr_policy.i18n import format_value

    assert format_value("US", lang, "territory") == shown
    assert format_value("in", lang, "territory").endswith("(in)")  # looked up upper-cased
    assert format_value("Q1", lang, "territory") == "Q1"  # not a country: as given


def test_transfer_findings_name_the_country_in_the_readers_language() -> None:
    from gdpr_policy import Message

    message = Message(code="policy.transfer-without-safeguard", values={
        "recipient": "crm", "country": "US"})
    assert "in United States (US)," in render(message, "en")
    assert "i USA (US)," in render(message, "nb")
