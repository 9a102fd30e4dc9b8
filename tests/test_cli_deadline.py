"""Tests of the ``deadline`` subcommand, run in-process through its own parser."""

from __future__ import annotations

import argparse
import io
import json
from typing import Any

import pytest

from gdpr_policy._cli_deadline import configure, parse_when, run
from gdpr_policy._errors import UsageError
from gdpr_policy._policy import Policy, bundled_policy

ISSUE_EXAMPLE = [
    "received 2026-03-02 (Oslo)",
    "+1 month = 2026-04-02 (Thursday)",
    "2026-04-02 (Thursday) Maundy Thursday, public holiday",
    "2026-04-03 (Friday) Good Friday, public holiday",
    "2026-04-04 Saturday",
    "2026-04-05 (Sunday) Easter Sunday, public holiday",
    "2026-04-06 (Monday) Easter Monday, public holiday",
    "due Tuesday 2026-04-07",
]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:
        raise UsageError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="gdpr-policy")
    configure(parser.add_subparsers(dest="command", parser_class=_Parser).add_parser("deadline"))
    return parser


def cli(*argv: str, lang: str = "en", fmt: str = "text", policy: Policy | None = None) -> str:
    args = _parser().parse_args(["deadline", *argv])
    out = io.StringIO()
    assert run(args, policy or bundled_policy(), lang, fmt, out) == 0
    return out.getvalue()


def cli_json(*argv: str, lang: str = "en") -> dict[str, Any]:
    document: dict[str, Any] = json.loads(cli(*argv, lang=lang, fmt="json"))
    return document


def test_issue_example_text() -> None:
    assert cli("--received", "2026-03-02").splitlines() == ISSUE_EXAMPLE


def test_issue_example_json_has_exactly_the_issue_keys() -> None:
    doc = cli_json("--received", "2026-03-02")
    assert list(doc) == [
        "received_on",
        "jurisdiction",
        "due",
        "extension_notice_by",
        "extended_due",
        "steps",
        "step_codes",
    ]
    assert doc["received_on"] == "2026-03-02"
    assert doc["jurisdiction"] == "NO"
    assert doc["due"] == doc["extension_notice_by"] == "2026-04-07"
    assert doc["extended_due"] == "2026-06-02"
    assert doc["steps"] == ISSUE_EXAMPLE
    assert doc["step_codes"][2] == {
        "code": "time.non-working.maundy-thursday",
        "values": {"date": "2026-04-02", "reason": "maundy-thursday"},
    }


def test_extended_due_is_in_force_with_extended() -> None:
    doc = cli_json("--received", "2026-01-31", "--extended")
    assert doc["due"] == doc["extended_due"] == "2026-04-30"
    assert doc["extension_notice_by"] == "2026-03-02"
    assert doc["steps"][-1] == "extended due Thursday 2026-04-30"
    assert any(s.startswith("end of the first period") for s in doc["steps"])


@pytest.mark.parametrize(
    ("lang", "last"),
    [
        ("en", "due Tuesday 2026-04-07"),
        ("nb", "frist tirsdag 2026-04-07"),
        ("sv", "sista dag tisdag 2026-04-07"),
    ],
)
def test_languages(lang: str, last: str) -> None:
    lines = cli("--received", "2026-03-02", lang=lang).splitlines()
    assert lines[-1] == last
    assert len(lines) == len(ISSUE_EXAMPLE)


def test_date_time_without_offset_is_read_in_the_jurisdiction_zone() -> None:
    # 00:30 on the 15th in Oslo is 23:30 UTC on the 14th.
    assert cli_json("--received", "2026-03-15T00:30")["received_on"] == "2026-03-15"
    assert cli_json("--received", "2026-03-14T23:30Z")["received_on"] == "2026-03-15"
    assert cli_json("--received", "2026-03-14T23:30+00:00")["received_on"] == "2026-03-15"
    assert cli_json("--received", "2026-03-14T22:30Z", "--jurisdiction", "SE")["received_on"] == (
        "2026-03-14"
    )


def test_jurisdictions_and_the_1930_173_calendar() -> None:
    se = cli_json("--received", "2026-05-19", "--jurisdiction", "SE")
    strict = cli_json("--received", "2026-05-19", "--jurisdiction", "SE-1930-173")
    assert (se["jurisdiction"], se["due"]) == ("SE", "2026-06-19")
    assert (strict["jurisdiction"], strict["due"]) == ("SE-1930-173", "2026-06-22")
    assert strict["steps"][0] == "received 2026-05-19 (Stockholm)"
    assert "Midsummer Eve" in strict["steps"][2]


def test_identity_flags_and_clock_models() -> None:
    base = [
        "--received",
        "2026-05-20",
        "--identity-asked",
        "2026-05-21",
        "--identity-answered",
        "2026-05-26",
    ]
    assert cli_json(*base)["due"] == "2026-06-22"  # the bundled policy's clock: none
    assert cli_json(*base, "--identity-clock", "none")["due"] == "2026-06-22"
    assert cli_json(*base, "--identity-clock", "restart")["due"] == "2026-06-26"
    pause = cli_json(*base, "--identity-clock", "pause")
    assert pause["due"] == "2026-06-25"
    assert pause["step_codes"][1]["code"] == "time.identity-paused"


def test_identity_question_after_the_promptness_limit_does_not_move_the_clock() -> None:
    doc = cli_json(
        "--received",
        "2026-05-20",
        "--identity-asked",
        "2026-05-24",
        "--identity-answered",
        "2026-06-01",
        "--identity-clock",
        "restart",
    )
    assert doc["due"] == "2026-06-22"
    assert doc["steps"][1] == (
        "identity information asked for on 2026-05-24, later than allowed (by 2026-05-23): "
        "the deadline does not move"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--received", "yesterday"], "--received: expected an ISO 8601 date or date-time"),
        (["--received", "2026-02-30"], "--received: expected an ISO 8601 date or date-time"),
        (["--received", "2026-03-29T02:30"], "does not exist in Europe/Oslo"),
        (["--received", "2026-03-02", "--identity-asked", "soon"], "--identity-asked: expected"),
        (
            ["--received", "2026-03-02", "--identity-answered", "2026-03-04"],
            "--identity-answered needs --identity-asked",
        ),
        (
            [
                "--received",
                "2026-03-02",
                "--identity-asked",
                "2026-03-03",
                "--identity-clock",
                "pause",
            ],
            "give --identity-answered WHEN",
        ),
        (["--received", "2026-03-02", "--identity-asked", "2026-03-01"], "cannot precede receipt"),
        (["--received", "2018-01-02"], "has no version in force"),
    ],
)
def test_usage_errors(argv: list[str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        cli(*argv)


def test_parser_rejects_unknown_choices() -> None:
    with pytest.raises(UsageError):
        _parser().parse_args(["deadline", "--received", "2026-03-02", "--jurisdiction", "CH"])  # not in the EEA
    with pytest.raises(UsageError):
        _parser().parse_args(["deadline", "--received", "2026-03-02", "--identity-clock", "stop"])
    with pytest.raises(UsageError):
        _parser().parse_args(["deadline"])


def test_format_other_than_text_or_json_is_a_usage_error() -> None:
    args = _parser().parse_args(["deadline", "--received", "2026-03-02"])
    with pytest.raises(UsageError, match="text or json"):
        run(args, bundled_policy(), "en", "sarif", io.StringIO())


def test_parse_when() -> None:
    import datetime as dt

    assert parse_when("2026-03-02", "Europe/Oslo", option="--x") == dt.date(2026, 3, 2)
    naive = parse_when("2026-03-02T09:00", None, option="--x")
    assert isinstance(naive, dt.datetime) and naive.tzinfo is None
    aware = parse_when("2026-03-02T09:00", "Europe/Stockholm", option="--x")
    assert isinstance(aware, dt.datetime) and aware.utcoffset() == dt.timedelta(hours=1)


def test_command_line_choices_match_the_engine() -> None:
    from gdpr_policy import _cli_deadline, _time

    assert _cli_deadline.CALENDARS == _time.CALENDARS
    assert _cli_deadline.CLOCK_MODELS == _time.CLOCK_MODELS
    from typing import get_args

    from gdpr_policy.requests import RequestType

    flat = [a for t in get_args(RequestType) for a in (get_args(t) or (t,))]
    assert list(_cli_deadline.REQUEST_TYPES) == flat


def test_an_opt_out_takes_effect_on_receipt() -> None:
    text = cli("--received", "2026-03-02", "--type", "marketing-opt-out").splitlines()
    assert text[0] == "received 2026-03-02 (Oslo)"
    # As docs/deadlines.md shows it.
    assert text[1] == (
        "objection to direct marketing received 2026-03-02: it takes effect on receipt, so "
        "marketing must stop now (GDPR Art. 21(3)); the period below is only for telling the "
        "person what was done"
    )
    assert text[2] == "+1 month = 2026-04-02 (Thursday)"
    assert text[-1] == "due Tuesday 2026-04-07"
    data = json.loads(cli("--received", "2026-03-02", "--type", "consent-withdrawal", fmt="json"))
    assert data["stop_processing_on"] == "2026-03-02"
    assert "NO Domstolloven § 148" in data["legal"]
    plain = json.loads(cli("--received", "2026-03-02", "--type", "access", fmt="json"))
    assert plain["stop_processing_on"] is None


def test_a_region_of_a_policy_country_is_a_jurisdiction_on_the_command_line() -> None:
    import yaml

    from gdpr_policy import load_policy
    from gdpr_policy._policy import bundled_policy_text
    from test_policy import with_bavarian_entity

    policy = load_policy(with_bavarian_entity(yaml.safe_load(bundled_policy_text())),
                         source="p.yaml")
    text = cli("--received", "2026-05-04", "--jurisdiction", "DE-BY", policy=policy)
    assert "2026-06-04 (Thursday) Corpus Christi, public holiday" in text
    assert text.splitlines()[0] == "received 2026-05-04 (Berlin)"
    assert text.splitlines()[-1] == "due Friday 2026-06-05"
    doc = json.loads(cli("--received", "2026-05-04", "--jurisdiction", "DE", fmt="json",
                         policy=policy))
    assert (doc["jurisdiction"], doc["due"]) == ("DE", "2026-06-04")
    # a country the policy does not have is a usage error that names the ones it has
    with pytest.raises(UsageError, match="no jurisdiction 'FR'; it has NO, SE, DE"):
        cli("--received", "2026-05-04", "--jurisdiction", "FR", policy=policy)
