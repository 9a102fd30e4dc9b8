"""Native YAML/JSON form of the banner model: reading, locations, round trip, errors."""

from __future__ import annotations

import json

import pytest
import yaml
from hypothesis import given

from banner._helpers import fixture_text, line_col_of
from gdpr_policy._errors import InputError
from gdpr_policy.banner import Banner
from gdpr_policy.banner._cookieconsent import read_cookieconsent
from gdpr_policy.banner._klaro import read_klaro
from gdpr_policy.banner._native import native_dict, read_native
from strategies.banner import banners

YAML = fixture_text("variants/native.yaml")


def test_yaml_fixture() -> None:
    banner = read_native(YAML, source="n.yaml")
    assert banner.source.format == "native" and banner.source.format_version == "yaml"
    assert banner.mode == "opt-in"
    assert [t.trigger for t in banner.implied_consent] == ["scroll"]
    assert [(c.kind, c.purpose) for c in banner.legitimate_interest] == [("tcf-purpose", 3)]
    sv = banner.languages[1]
    assert sv.lang == "sv" and sv.has_accept and not sv.has_reject
    ga4 = banner.service("ga4")
    assert ga4 is not None
    assert [c.display for c in ga4.cookies] == ["_ga", "/^_ga_[A-Z0-9]+$/"]
    assert ga4.cookies[1].matches("_ga_ABC123")
    assert banner.consent_mode is not None
    assert banner.consent_mode.defaults[0].types == {
        "ad_storage": "denied", "analytics_storage": "denied"
    }


def test_yaml_locations() -> None:
    banner = read_native(YAML, source="n.yaml")
    assert banner.mode_location is not None
    assert (banner.mode_location.line, banner.mode_location.column) == line_col_of(
        YAML, "opt-in"
    )
    reject = banner.languages[0].button("reject_all")
    assert reject is not None and reject.location is not None
    assert reject.location.line == line_col_of(YAML, "role: reject_all")[0]
    record = banner.consent_record
    assert record is not None and record.location is not None
    assert record.location.line == line_col_of(YAML, "lifetime_days: 180")[0]
    default = banner.consent_mode.defaults[0] if banner.consent_mode else None
    assert default is not None
    assert default.type_locations["ad_storage"].line == line_col_of(YAML, "types:")[0]


def test_json_form_has_pointers() -> None:
    data = yaml.safe_load(YAML)
    text = json.dumps(data, indent=2)
    banner = read_native(text, source="n.json")
    service = banner.service("ga4")
    assert service is not None and service.location is not None
    assert service.location.pointer == "/services/1"
    assert (service.location.line, service.location.column) == line_col_of(
        text, '{\n      "id": "ga4"'
    )
    assert native_dict(banner) == native_dict(read_native(YAML, source="n.yaml"))


@pytest.mark.parametrize(
    ("reader", "fixture"),
    [
        (read_cookieconsent, "orestbida-v3/compliant.js"),
        (read_klaro, "klaro/compliant.js"),
    ],
)
def test_other_formats_round_trip_through_native(reader: object, fixture: str) -> None:
    original: Banner = reader(fixture_text(fixture), source="x")  # type: ignore[operator]
    dumped = native_dict(original)
    for text in (json.dumps(dumped), yaml.safe_dump(dumped, allow_unicode=True)):
        again = read_native(text, source="n")
        assert native_dict(again) == dumped


@given(banners())
def test_any_banner_round_trips(banner: Banner) -> None:
    dumped = native_dict(banner)
    assert native_dict(read_native(json.dumps(dumped), source="n.json")) == dumped
    assert native_dict(read_native(yaml.safe_dump(dumped), source="n.yaml")) == dumped


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        ("mode: opt-in\n", 1, "gdpr_policy_banner: 1"),
        ("gdpr_policy_banner: 2\n", 1, "gdpr_policy_banner: 1"),
        ("gdpr_policy_banner: 1\nmode: sometimes\n", 2, "'opt-in'"),
        ("gdpr_policy_banner: 1\ncategories:\n  - id: a\n    kind: cookies\n", 4, "'necessary'"),
        ("gdpr_policy_banner: 1\nservices:\n  - id: a\n    colour: red\n", 4,
         "services[0].colour: expected only known keys (see docs/banner-native.md), "
         "got unknown key 'colour'"),
        ("gdpr_policy_banner: 1\nlocation: {line: 3}\n", 2, "filled in by the reader"),
        ("gdpr_policy_banner: 1\ndynamic: []\n", 2, "filled in by the reader"),
        ("gdpr_policy_banner: 1\nmode: opt-in\nmode: opt-out\n", 3, "duplicate"),
        ("gdpr_policy_banner: 1\nmode: [unclosed\n", 3, "YAML"),
    ],
)
def test_errors_are_located(text: str, line: int, expected: str) -> None:
    with pytest.raises(InputError) as info:
        read_native(text, source="bad.yaml")
    assert info.value.issues[0].line == line
    assert expected in str(info.value)


def test_a_misspelt_key_names_the_nearest_one_and_every_error_is_reported_once() -> None:
    text = ("gdpr_policy_banner: 1\nblock_page: true\nlanguages:\n  - lang: sv\n"
            "    equal_weigth: true\n")
    with pytest.raises(InputError) as info:
        read_native(text, source="bad.yaml")
    lines = str(info.value).splitlines()
    assert lines == [
        "bad.yaml:2:13: block_page: expected only known keys (see docs/banner-native.md), "
        "got unknown key 'block_page' (did you mean 'blocks_page'?)",
        "bad.yaml:5:19: languages[0].equal_weigth: expected only known keys "
        "(see docs/banner-native.md), got unknown key 'equal_weigth' (did you mean 'equal_weight'?)",
    ]
    # pydantic's own wording never reaches the person
    assert "extra inputs" not in str(info.value) and "got True" not in str(info.value)


def test_json_error_has_pointer() -> None:
    text = '{"gdpr_policy_banner": 1, "services": [{"id": "a", "required": "very"}]}'
    with pytest.raises(InputError) as info:
        read_native(text, source="bad.json")
    issue = info.value.issues[0]
    assert issue.pointer == "/services/0/required"
    assert (issue.line, issue.column) == line_col_of(text, '"very"')
