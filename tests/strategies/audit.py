"""Hypothesis strategies for snapshot records: instants, send-log lines, contact lines."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from hypothesis import strategies as st

UTC = dt.UTC

#: instants of the audit's range, with millisecond precision like HubSpot's API
instants = st.datetimes(
    min_value=dt.datetime(2019, 1, 1), max_value=dt.datetime(2027, 12, 31),
).map(lambda t: t.replace(microsecond=t.microsecond // 1000 * 1000, tzinfo=UTC))

ids = st.integers(min_value=1, max_value=10**11).map(str)
# names may hold quotes, backslashes and non-ASCII: those lines take the slow path
names = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
emails = st.from_regex(r"[a-z]{1,6}@[a-z]{1,5}\.(no|se)", fullmatch=True)


def iso(t: dt.datetime) -> str:
    """The generator's format: UTC, milliseconds, Z."""
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


@st.composite
def send_objects(draw: st.DrawFn) -> dict[str, Any]:
    """A valid send-log object in the generator's key order."""
    return {
        "send_id": "S" + draw(ids),
        "campaign_id": draw(st.none() | st.sampled_from(["100", "200", "999"])),
        "campaign_name": draw(names),
        "subscription_id": draw(st.none() | st.integers(1, 10**9)),
        "purpose": draw(st.sampled_from(["marketing", "administrative", "transactional"])),
        "channel": "marketing_email",
        "record_id": draw(st.none() | ids),
        "email": draw(emails),
        "sent_at": iso(draw(instants)),
        "status": draw(st.sampled_from(["delivered", "hard_bounce", "soft_bounce"])),
    }


def _break(obj: dict[str, Any], how: str) -> str:
    if how == "truncated":
        return json.dumps(obj)[:-3]
    if how == "bad-date":
        return json.dumps({**obj, "sent_at": "2025-02-30T10:00:00.000Z"})
    if how == "no-purpose":
        return json.dumps({**obj, "purpose": None, "campaign_id": "404"})
    if how == "nobody":
        return json.dumps({**obj, "record_id": None, "email": None})
    if how == "naive":
        return json.dumps({**obj, "sent_at": "2025-01-01T10:00:00"})
    return json.dumps([obj])


@st.composite
def send_lines(draw: st.DrawFn) -> tuple[str, bool]:
    """One line of a send log and whether it is valid (some are broken on purpose)."""
    obj = draw(send_objects())
    kind = draw(st.sampled_from(["ok", "ok", "ok", "reordered", "escaped", "bad"]))
    if kind == "ok":
        return json.dumps(obj, ensure_ascii=False) + "\n", True
    if kind == "reordered":
        return json.dumps(dict(reversed(list(obj.items())))) + "\n", True
    if kind == "escaped":
        return json.dumps({**obj, "campaign_name": 'a "quoted" \\ name'}) + "\n", True
    how = draw(st.sampled_from(["truncated", "bad-date", "no-purpose", "nobody", "naive", "list"]))
    return _break(obj, how) + "\n", False
