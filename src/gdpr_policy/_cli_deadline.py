"""The ``deadline`` subcommand: when must a data-subject request be answered, and why.

``cli.py`` adds ``--policy``, ``--format``, ``--lang`` and ``--fail-on`` and
calls :func:`run` with the loaded policy; this module parses its own flags and
renders. WHEN is an ISO 8601 date (``2026-03-02``) or date-time
(``2026-03-02T00:30``, ``2026-03-01T23:30Z``, ``2026-03-02T00:30+01:00``); a
date-time without an offset is read in the jurisdiction's zone. An identity
question given on the command line counts as justified; the policy's
promptness limit still applies.

Text output is one explanation step per line; JSON output is one object::

    {"received_on": "2026-03-02", "jurisdiction": "NO", "due": "2026-04-07",
     "extension_notice_by": "2026-04-07", "extended_due": "2026-06-02",
     "steps": ["received 2026-03-02 (Oslo)", ...], "step_codes": [{"code": ..., "values": ...}]}

``due`` is the deadline in force (the extended one with ``--extended``) and
``steps`` explain it. With ``--type`` the document also has
``stop_processing_on`` and ``legal``: for ``marketing-opt-out`` and
``consent-withdrawal`` ``stop_processing_on`` is the day of receipt (the request takes effect then)
and ``due`` is only for informing the person; ``legal`` cites the law the
dates follow (for Norway domstolloven §§ 148-149 beside Reg. 1182/71). ``jurisdiction`` is the calendar used: ``NO``, ``SE`` or
``SE-1930-173`` (``--jurisdiction SE`` follows the policy's reading for SE).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from typing import TYPE_CHECKING, Any, TextIO

from ._args import in_every_zone, past_the_calendar
from ._errors import UsageError

if TYPE_CHECKING:
    from ._messages import Message
    from ._policy import Policy

from ._places import CALENDARS

# A literal copy, so that building the command line does not import the deadline
# engine (and the holiday tables) for every other command; a test pins it to
# _time.CLOCK_MODELS.
CLOCK_MODELS = ("none", "restart", "pause")
REQUEST_TYPES = (
    "access",
    "rectification",
    "erasure",
    "restriction",
    "portability",
    "objection",
    "consent-withdrawal",
    "marketing-opt-out",
)

__all__ = ["configure", "parse_when", "run"]

_WHEN_HELP = "ISO 8601 date or date-time; without an offset it is read in the jurisdiction's zone"


def configure(p: argparse.ArgumentParser) -> None:
    """Add the ``deadline`` command's description and its own flags to its parser.

    ``cli.py`` names the command and its one-line help, so that other commands
    do not import this module.
    """
    p.description = (
        "Compute when a data-subject request must be answered (GDPR Art. 12(3), "
        "Reg. 1182/71): one calendar month from the day of receipt, moved off Saturdays, "
        "Sundays and public holidays, with each step explained."
    )
    p.add_argument("--received", required=True, metavar="WHEN", help=f"receipt: {_WHEN_HELP}")
    p.add_argument(
        "--jurisdiction",
        choices=CALENDARS,
        default=None,
        metavar="CODE",
        help="calendar and time zone: NO, SE, SE-1930-173, another EEA country (DK) or "
        "a region (DE-BY); the policy must have that country as a jurisdiction "
        "(default: the controller's own jurisdiction)",
    )
    p.add_argument(
        "--type",
        choices=REQUEST_TYPES,
        default=None,
        help="the request; marketing-opt-out and consent-withdrawal take effect on receipt",
    )
    p.add_argument(
        "--extended",
        action="store_true",
        help="the period was validly extended: show the extended deadline",
    )
    p.add_argument("--identity-asked", metavar="WHEN", help=f"identity question sent: {_WHEN_HELP}")
    p.add_argument(
        "--identity-answered", metavar="WHEN", help=f"identity information received: {_WHEN_HELP}"
    )
    p.add_argument(
        "--identity-clock",
        choices=CLOCK_MODELS,
        default=None,
        help="what an identity question does to the clock (default: the policy's model)",
    )


def parse_when(text: str, timezone: str | None, *, option: str) -> dt.date | dt.datetime:
    """Parse a WHEN argument: a date stays a date; a date-time is made aware in ``timezone``.

    With ``timezone`` None a date-time without offset is returned naive.
    """
    from ._time import attach_zone

    value = text.strip()
    try:
        parsed: dt.date | dt.datetime = (
            dt.date.fromisoformat(value) if len(value) == 10 else dt.datetime.fromisoformat(value)
        )
    except ValueError:
        raise UsageError(
            f"{option}: expected an ISO 8601 date or date-time such as 2026-03-02 or "
            f"2026-03-02T09:15+01:00, got {text!r}"
        ) from None
    if isinstance(parsed, dt.datetime) and parsed.tzinfo is None and timezone is not None:
        try:
            parsed = attach_zone(parsed, timezone, what=option)
        except OverflowError:  # a wall time whose instant is past the calendar's ends
            raise past_the_calendar(option, text) from None
    if isinstance(parsed, dt.datetime) and parsed.utcoffset() is not None:
        in_every_zone(parsed, what=option, text=text)
    return parsed


def run(args: argparse.Namespace, policy: Policy, lang: str, fmt: str, out: TextIO) -> int:
    """Compute and print the deadline; bad WHEN values are UsageErrors (exit 2)."""
    from ._time import local_day
    from .i18n import render
    from .requests import compute_deadline

    if fmt not in ("text", "json"):
        raise UsageError(f"deadline: --format must be text or json, got {fmt!r}")
    if args.identity_answered is not None and args.identity_asked is None:
        raise UsageError("--identity-answered needs --identity-asked")
    raw = parse_when(args.received, None, option="--received")
    # The policy version in force on the day of receipt applies, and that day depends on
    # the version's zone: pick by the day as written, then re-pick by the local day.
    version = policy.at(raw if not isinstance(raw, dt.datetime) else raw.date())
    for _ in range(2):
        zone = version.jurisdiction(args.jurisdiction).timezone
        received = parse_when(args.received, zone, option="--received")
        day = local_day(received, zone)
        if policy.at(day) is version:
            break
        version = policy.at(day)
    zone = version.jurisdiction(args.jurisdiction).timezone
    asked = (
        None
        if args.identity_asked is None
        else parse_when(args.identity_asked, zone, option="--identity-asked")
    )
    answered = (
        None
        if args.identity_answered is None
        else parse_when(args.identity_answered, zone, option="--identity-answered")
    )
    deadline = compute_deadline(
        received,
        version,
        jurisdiction=args.jurisdiction,
        clock=args.identity_clock,
        identity_asked=asked,
        identity_answered=answered,
        identity_justified=True,
        request_type=args.type,
    )
    if deadline.suspended:
        raise UsageError(
            "the clock stands still until the identity information arrives (identity clock "
            f"{deadline.clock}): give --identity-answered WHEN"
        )
    extended = bool(args.extended)
    steps = deadline.steps_for(extended)
    if fmt == "json":
        document: dict[str, Any] = {
            "received_on": deadline.received_on.isoformat(),
            "jurisdiction": deadline.calendar,
            "due": _iso(deadline.in_force(extended)),
            "extension_notice_by": _iso(deadline.extension_notice_by),
            "extended_due": _iso(deadline.extended_due),
            "steps": [render(s, lang) for s in steps],
            "step_codes": [_step_json(s) for s in steps],
        }
        if args.type is not None:
            # Only with --type, so that the document without it keeps its documented keys.
            document["stop_processing_on"] = _iso(deadline.stop_processing_on)
            document["legal"] = list(deadline.legal)
        out.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    else:
        for step in steps:
            out.write(render(step, lang) + "\n")
    return 0


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _step_json(step: Message) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in step.values.items():
        values[key] = value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value
    return {"code": step.code, "values": values}
