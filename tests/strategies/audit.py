"""Hypothesis strategies for snapshot records: instants, send-log lines, contact lines."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from hypothesis import strategies as st

UTC = dt.UTC

#: instants of the audit's range, with millisecond precision like HubSpot's API
instants = st.datetimes(
    min_value=dt.datetime(2019, 1, 1), max_value=dt.datetime(2027, 12, 31),
).map(lambda t: t.replace(microsecond=t.microsecond // 1000 * 1000, tzinfo=UTC))

ids = st.integers(min_value=1, max_value=10**11).map(str)
# names may hold quotes, backslashes, control characters and non-ASCII
_NO_SURROGATES: tuple[Literal["Cs"]] = ("Cs",)
names = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=_NO_SURROGATES),
                max_size=12)
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


# --------------------------------------------------------------- odd but valid, and broken
#: values the plain reader accepts for a text field, some of which it strips or converts
texts = st.sampled_from(["x", " x ", "", "  ", "\u00a0x", "S1\u2003", "hard_bounce", " hard_bounce",
                         "\u00e5", "a\\b", 'q"q', "\t", "x\ny"]) | st.integers(-5, 10**20) | st.none()
#: sent_at values: the usual, finer, other zones, epoch milliseconds and bad ones
times = st.sampled_from([
    "2024-01-01T10:00:00.000Z", "2024-01-01T10:00:00.123456Z", "2024-01-01T11:00:00+01:00",
    "1704103200000", "2024-02-29T23:59:59.999Z", "2023-02-29T10:00:00.000Z",
    "2024-01-01T24:00:00.000Z", "2024-01-01T10:00:00", "", "0000-01-01T00:00:00.000Z",
    "99999999999999", "2024-01-01T10:00:00.000z", " 2024-01-01T10:00:00.000Z",
]) | instants.map(iso)


@st.composite
def odd_send_lines(draw: st.DrawFn) -> str:
    """A send-log line that may be valid or not, in many shapes, with or without a line end.

    Mostly the generator's shape with one field changed, so that a bulk check has
    to catch the one bad value among good ones; sometimes reordered, with extra or
    missing keys, other whitespace, escapes, several objects or none.
    """
    obj: dict[str, Any] = draw(send_objects())
    for _ in range(draw(st.integers(0, 2))):
        key = draw(st.sampled_from(sorted(obj)))
        obj[key] = draw(times if key == "sent_at" else texts | st.sampled_from(
            ["marketing", "transactional", "100", "404", None, True, 1.5, [], {"a": 1}]))
    if draw(st.booleans()):
        del obj[draw(st.sampled_from(sorted(obj)))]
    shape = draw(st.sampled_from(["plain", "plain", "plain", "ascii", "reordered", "spaced",
                                  "extra", "nan", "two", "split", "blank", "bom", "ctrl"]))
    if shape == "ascii":
        text = json.dumps(obj)
    elif shape == "reordered":
        text = json.dumps(dict(reversed(list(obj.items()))), ensure_ascii=False)
    elif shape == "spaced":
        text = " " + json.dumps(obj, ensure_ascii=False, separators=(" ,", " : ")) + " \t"
    elif shape == "extra":
        text = json.dumps({**obj, "x": [1, {"y": None}], "send_id": obj.get("send_id")},
                          ensure_ascii=False)
    elif shape == "nan":
        text = json.dumps({**obj, "x": float("nan")})
    elif shape == "two":
        text = json.dumps(obj) + json.dumps(obj)
    elif shape == "split":
        text = json.dumps(obj)[:20]
    elif shape == "blank":
        text = draw(st.sampled_from(["", "   ", "\t"]))
    elif shape == "bom":
        text = "\ufeff" + json.dumps(obj)
    elif shape == "ctrl":
        text = json.dumps(obj).replace('"campaign_name": "', '"campaign_name": "\x01')
    else:
        text = json.dumps(obj, ensure_ascii=False)
    return text + "\n"


@st.composite
def snapshot_specs(draw: st.DrawFn) -> dict[str, Any]:
    """A small, well-formed snapshot as plain data (``tests/audit/_helpers`` turns it into lines).

    Record ids and addresses are unique, a contact has at most one subscription
    line and one request, and instants are distinct where the audit breaks a tie
    by input order (the earliest objection, the first hard bounce): so every
    finding is determined by the records, not by their order.
    """
    n = draw(st.integers(1, 6))
    contacts = []
    for i in range(n):
        restricted = draw(st.none() | instants)
        contacts.append({
            "rid": str(i + 1), "email": f"p{i}@x.no",
            "createdate": draw(instants),
            "notes_last_updated": draw(st.none() | instants),
            "hs_legal_basis": draw(st.sampled_from(
                ["Freely given consent from contact", "Legitimate interest – prospect/lead", None])),
            "lifecyclestage": draw(st.sampled_from(["lead", "customer"])),
            "hs_email_hard_bounce_reason_enum": draw(st.sampled_from([None, None, "BAD_MAILBOX"])),
            "processing_restricted": restricted is not None,
            "processing_restricted_date": restricted,
            "archived": draw(st.integers(0, 9)) == 0,
        })
    subs = [{"i": i, "unsub_all": draw(st.none() | instants),
             "off": draw(st.none() | instants), "consent": draw(st.booleans())}
            for i in draw(st.lists(st.integers(0, n - 1), unique=True, max_size=n))]
    sends = [{"sid": f"S{k}", "i": draw(st.integers(0, n)),  # n: a record id nobody has
              "when": draw(instants), "campaign": draw(st.sampled_from(["100", "200", "300"])),
              "status": draw(st.sampled_from(["delivered", "delivered", "hard_bounce"]))}
             for k in range(draw(st.integers(0, 24)))]
    requests = [{"id": f"D{k}", "i": i, "type": draw(st.sampled_from(["objection", "erasure"])),
                 "received": draw(instants),
                 "status": draw(st.sampled_from(["fulfilled", "open", "revoked"]))}
                for k, i in enumerate(draw(st.lists(st.integers(0, n - 1), unique=True,
                                                    max_size=3)))]
    return {"contacts": contacts, "subscriptions": subs, "sends": sends, "requests": requests}
