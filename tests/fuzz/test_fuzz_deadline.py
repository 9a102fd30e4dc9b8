"""Fuzz the deadline command's WHEN parsing and the command itself.

Oracle: ``parse_when`` returns a date or a date-time (aware when a zone is
given) or raises :class:`~gdpr_policy.UsageError`; ``gdpr-policy deadline``
exits 0 with output, or 2 with exactly one non-empty line on stderr and no
traceback, whatever the WHEN values and flags.
"""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import example, given
from hypothesis import strategies as st

from fuzz._helpers import check_documented, run_cli
from gdpr_policy import GdprPolicyError, UsageError
from gdpr_policy._cli_deadline import parse_when
from strategies.fuzz import mutated_bytes

VALID_WHENS = (
    "2026-03-02",
    "2026-03-02T00:30",
    "2026-03-01T23:30Z",
    "2026-03-02T00:30+01:00",
    "2026-03-29T02:30",
    "2026-10-25T02:30",
    "2024-02-29T23:59:59.999999-12:00",
)
ZONES = (None, "Europe/Oslo", "Europe/Stockholm", "UTC", "Pacific/Kiritimati", "Etc/GMT+12")

offsets = st.builds(
    dt.timezone,
    st.timedeltas(min_value=dt.timedelta(hours=-23, minutes=-59), max_value=dt.timedelta(hours=23, minutes=59)),
)


@st.composite
def whens(draw: st.DrawFn) -> str:
    """WHEN values: valid ones over the whole date range, their mutations, and any text."""
    choice = draw(st.integers(0, 4))
    if choice == 0:
        return draw(st.dates()).isoformat()
    if choice == 1:
        moment = draw(st.datetimes(timezones=st.one_of(st.none(), offsets)))
        spec = draw(st.sampled_from(("auto", "minutes", "seconds", "milliseconds")))
        sep = draw(st.sampled_from(("T", " ")))
        return moment.isoformat(sep=sep, timespec=spec)
    if choice == 2:
        seed = draw(st.sampled_from(VALID_WHENS)).encode()
        return draw(mutated_bytes(seed)).decode("utf-8", errors="replace")
    if choice == 3:
        return draw(st.sampled_from(VALID_WHENS))
    return draw(st.text(max_size=40))


@given(whens(), st.sampled_from(ZONES))
@example("9999-12-31T23:59-12:00", "Europe/Oslo")
@example("0001-01-01T00:00", "Europe/Oslo")
@example("0001-01-01T00:00+14:00", None)
def test_parse_when_only_raises_usage_errors(text: str, zone: str | None) -> None:
    try:
        value = parse_when(text, zone, option="--received")
    except GdprPolicyError as exc:
        check_documented(exc, UsageError)
        _starts_with_option(exc, "--received")
        return
    assert isinstance(value, dt.date)
    if isinstance(value, dt.datetime) and zone is not None:
        assert value.utcoffset() is not None


def _starts_with_option(exc: BaseException, option: str) -> None:
    assert str(exc).startswith(option), str(exc)


@given(
    received=whens(),
    asked=st.one_of(st.none(), whens()),
    answered=st.one_of(st.none(), whens()),
    jurisdiction=st.sampled_from((None, "NO", "SE", "SE-1930-173")),
    clock=st.sampled_from((None, "none", "restart", "pause")),
    extended=st.booleans(),
    fmt=st.sampled_from(("text", "json")),
    lang=st.sampled_from(("en", "nb", "sv")),
)
@example(
    received="9999-12-31T23:59-12:00", asked=None, answered=None, jurisdiction=None, clock=None,
    extended=False, fmt="text", lang="en",
)
@example(
    received="2026-03-02", asked="9999-12-31T23:59-12:00", answered=None, jurisdiction=None,
    clock=None, extended=False, fmt="text", lang="en",
)
def test_cli_deadline_exits_cleanly(
    received: str,
    asked: str | None,
    answered: str | None,
    jurisdiction: str | None,
    clock: str | None,
    extended: bool,
    fmt: str,
    lang: str,
) -> None:
    argv = ["deadline", f"--received={received}", "--format", fmt, "--lang", lang]
    if asked is not None:
        argv.append(f"--identity-asked={asked}")
    if answered is not None:
        argv.append(f"--identity-answered={answered}")
    if jurisdiction is not None:
        argv += ["--jurisdiction", jurisdiction]
    if clock is not None:
        argv += ["--identity-clock", clock]
    if extended:
        argv.append("--extended")
    try:
        code, out, err = run_cli(argv)
    except OverflowError:
        raise
    assert "Traceback" not in err
    if code == 0:
        assert err == "" and out.strip()
        if fmt == "json":
            assert json.loads(out)["due"]
        return
    assert code == 2, (code, err)
    assert err.endswith("\n") and err.count("\n") == 1 and err.strip(), err

