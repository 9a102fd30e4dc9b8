"""Readers of the logs beside the CRM dump, in the shapes the snapshot generator writes.

- ``subscriptions.jsonl``: one subscriber a line, communication-preferences v4
  statuses plus the unsubscribe-all ``wideStatuses`` (hubspot.md §2.6);
- ``email_campaigns.json``: campaigns with the company's purpose
  (a JSON array, or one campaign a line);
- ``email_sends.jsonl``: the normalised send log, one send a line;
- ``dsr_requests.jsonl``: the data-subject request log (hubspot.md §6).

The send log is the one big input: the audit reads it with the fast reader of
``_sends``, which accepts exactly what :func:`read_sends` accepts; the readers
here are the plain, reference ones.

A key a reader does not read is ignored: real exports carry keys of their own.
One that is close to a key it reads (``subscriptionId``, ``responded``) is
most likely that key misspelt, and its value would be lost without a word:
:func:`near_key` finds the key meant, and :class:`KeyHint` says it, per file
(the send log's first line, every line of the request log).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Collection, Container, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from .._errors import InputError, RecordError
from ._model import (
    PURPOSES,
    Campaign,
    DsrRequest,
    Send,
    SubscriptionRecord,
    SubscriptionStatus,
    WideStatus,
)
from ._values import norm_email, parse_instant

__all__ = [
    "REQUEST_KEYS",
    "SEND_KEYS",
    "KeyHint",
    "canonical_instant",
    "key_hints",
    "near_key",
    "read_campaigns",
    "read_requests",
    "read_sends",
    "read_subscriptions",
]

UTC = dt.UTC


def canonical_instant(t: dt.datetime) -> str:
    """An instant as ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` in UTC: its text order is time order.

    One without a zone is UTC (a warehouse's timestamp column). ``isoformat``, not
    ``strftime``: it writes the year with four digits, as the readers read it.
    """
    utc = t.astimezone(UTC) if t.tzinfo is not None else t
    return utc.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def _lines(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    for no, line in enumerate(lines, 1):
        if line.strip():
            yield no, line


def _loads(line: str, source: str, no: int) -> Any:
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise RecordError.at(source, no, exc.colno, "", "one JSON object a line", exc.msg) from None
    except (ValueError, RecursionError) as exc:  # an integer too long to convert, deep nesting
        raise RecordError.at(source, no, None, "", "one JSON object a line", str(exc)[:80]) from None


def _opt_str(obj: dict[str, Any], key: str, source: str, no: int | None,
             pointer: str | None = None) -> str | None:
    v = obj.get(key)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, str | int):
        raise RecordError.at(source, no, None, key, "a string or null", repr(v)[:60],
                             pointer=f"{pointer}/{key}" if pointer is not None else None)
    text = str(v).strip()
    return text or None


def _opt_time(obj: dict[str, Any], key: str, source: str, no: int | None,
              pointer: str | None = None) -> dt.datetime | None:
    v = obj.get(key)
    if v is None or v == "":
        return None
    if not isinstance(v, str):
        raise RecordError.at(source, no, None, key, "an ISO 8601 date-time or null", repr(v)[:60],
                             pointer=f"{pointer}/{key}" if pointer is not None else None)
    try:
        return parse_instant(v)
    except ValueError as exc:
        raise RecordError.at(source, no, None, key, str(exc), v,
                             pointer=f"{pointer}/{key}" if pointer is not None else None) from None


# ------------------------------------------------------------------ keys not read
@dataclass(frozen=True, slots=True)
class KeyHint:
    """A key of a log line that the reader does not read, and the read key it is close to."""

    source: str
    #: the line the key is first on; ``None`` for a table's column
    line: int | None
    key: str
    meant: str

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.key} is not read: did you mean {self.meant}?"


_SEPARATORS = re.compile(r"[\s_\-.]+")
_WORDS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


def _squashed(key: str) -> str:
    return _SEPARATORS.sub("", key).casefold()


def _words(key: str) -> list[str]:
    return [w.casefold() for w in _WORDS.findall(key)]


def _same_stems(a: list[str], b: list[str]) -> bool:
    """Word for word alike, or the same word with another ending (``extension``/``extended``)."""
    return len(a) == len(b) > 1 and all(
        x == y or (len(x) >= 5 and len(y) >= 5 and x[:5] == y[:5]) for x, y in zip(a, b, strict=True))


def near_key(key: str, read: Collection[str]) -> str | None:
    """The key of ``read`` that ``key`` most likely misspells, or ``None``.

    The same letters but for case, ``_``, ``-`` and spaces (``subscriptionId``,
    ``RespondedAt``); else a close spelling (``responded``, ``subject_emial``);
    else the same words with one ending changed (``extension_at``). A key far
    from every read key is an export's own and gets no hint: ``campaign_name``
    is no ``campaign_id``.
    """
    if key in read:
        return None
    squashed = {_squashed(k): k for k in read}
    hit = squashed.get(_squashed(key))
    if hit is not None:
        return hit
    import difflib  # only for a key that is not read

    close = difflib.get_close_matches(_squashed(key), list(squashed), n=1, cutoff=0.85)
    if close:
        return squashed[close[0]]
    words = _words(key)
    return next((k for k in sorted(read) if _same_stems(words, _words(k))), None)


def key_hints(obj: Any, read: Collection[str], source: str, line: int | None,
              seen: set[str] | None = None) -> list[KeyHint]:
    """The keys of one line's object that misspell a read key absent from the line.

    ``seen``: the keys of the file already looked at, and hinted at if need be: each
    key is looked at once per file, and said at the first line it is on.
    """
    if not isinstance(obj, dict):
        return []
    out: list[KeyHint] = []
    for key in obj:
        if key in read or (seen is not None and key in seen):
            continue
        meant = near_key(key, read)
        if meant is not None and meant in obj:
            continue  # the read key is on the line too: nothing is lost on this one
        if seen is not None:
            seen.add(key)
        if meant is not None:
            out.append(KeyHint(source, line, key, meant))
    return out


# ------------------------------------------------------------------ subscriptions
def read_subscriptions(lines: Iterable[str], *, source: str) -> Iterator[SubscriptionRecord | RecordError]:
    """Yield one :class:`SubscriptionRecord` or :class:`RecordError` per line."""
    for no, line in _lines(lines):
        try:
            yield _subscription(_loads(line, source, no), source, no)
        except RecordError as err:
            yield err


_SUB_STATUSES = frozenset({"SUBSCRIBED", "NOT_SUBSCRIBED", "NOT_SPECIFIED"})


def _sub_time(v: Any, source: str, no: int, field: str) -> dt.datetime | None:
    if v is None or v == "":
        return None
    if not isinstance(v, str):
        raise RecordError.at(source, no, None, field, "an ISO 8601 date-time or null", repr(v)[:60])
    try:
        return parse_instant(v)
    except ValueError as exc:
        raise RecordError.at(source, no, None, field, str(exc), v) from None


def _sub_text(v: Any, source: str, no: int, field: str) -> str | None:
    if v is None or isinstance(v, str):
        return (v.strip() or None) if v else None
    if isinstance(v, int) and not isinstance(v, bool):
        return str(v)
    raise RecordError.at(source, no, None, field, "a string or null", repr(v)[:60])


def _email_channel(value: Any, source: str, no: int, field: str) -> bool:
    """Whether a status is of the e-mail channel: ``EMAIL`` (any case), or no channel given.

    HubSpot keeps a status per channel (``EMAIL``, ``WHATSAPP``); the audit judges
    e-mail, so another channel's statuses are left out of the decision.
    """
    channel = _sub_text(value, source, no, field)
    return channel is None or channel.upper() == "EMAIL"


def _subscription(obj: Any, source: str, no: int) -> SubscriptionRecord:
    # written out field by field: this runs once per contact, 10^5 times
    if not isinstance(obj, dict):
        raise RecordError.at(source, no, None, "", "a subscriber object", type(obj).__name__)
    rid = _sub_text(obj.get("recordId"), source, no, "recordId")
    sub = norm_email(_sub_text(obj.get("subscriberIdString"), source, no, "subscriberIdString"))
    if rid is None and sub is None:
        raise RecordError.at(source, no, None, "recordId", "a record id or subscriberIdString", None)
    results = obj.get("results") or []
    if not isinstance(results, list):
        raise RecordError.at(source, no, None, "results", "a list of statuses", type(results).__name__)
    statuses = []
    for i, r in enumerate(results):
        if not isinstance(r, dict):
            raise RecordError.at(source, no, None, f"results[{i}]", "a status object", repr(r)[:40])
        if not _email_channel(r.get("channel"), source, no, f"results[{i}].channel"):
            continue  # a WhatsApp status says nothing about e-mail
        sid = _sub_text(r.get("subscriptionId"), source, no, f"results[{i}].subscriptionId")
        st = r.get("status")
        if sid is None or not isinstance(st, str) or st not in _SUB_STATUSES:
            raise RecordError.at(source, no, None, f"results[{i}].status",
                                 "a subscriptionId and SUBSCRIBED, NOT_SUBSCRIBED or NOT_SPECIFIED",
                                 repr(st))
        ts = _sub_time(r.get("timestamp"), source, no, f"results[{i}].timestamp")
        if st == "NOT_SUBSCRIBED" and ts is None:
            raise RecordError.at(source, no, None, f"results[{i}].timestamp",
                                 "the time of an opt-out", None)
        statuses.append(SubscriptionStatus(
            sid, _sub_text(r.get("subscriptionName"), source, no, f"results[{i}].subscriptionName"),
            st, ts, _sub_text(r.get("legalBasis"), source, no, f"results[{i}].legalBasis")))
    ws = obj.get("wideStatuses") or []
    if not isinstance(ws, list):
        raise RecordError.at(source, no, None, "wideStatuses", "a list", type(ws).__name__)
    wide = []
    for i, w in enumerate(ws):
        if not isinstance(w, dict):
            raise RecordError.at(source, no, None, f"wideStatuses[{i}]", "a status object", repr(w)[:40])
        if not _email_channel(w.get("channel"), source, no, f"wideStatuses[{i}].channel"):
            continue
        st = _sub_text(w.get("status"), source, no, f"wideStatuses[{i}].status")
        ts = _sub_time(w.get("timestamp"), source, no, f"wideStatuses[{i}].timestamp")
        if st is None or (st == "NOT_SUBSCRIBED" and ts is None):
            raise RecordError.at(source, no, None, f"wideStatuses[{i}]",
                                 "a status, and a timestamp for NOT_SUBSCRIBED", repr(st))
        wide.append(WideStatus(st, ts, _sub_text(w.get("wideStatusType"), source, no,
                                                 f"wideStatuses[{i}].wideStatusType")))
    return SubscriptionRecord(rid, sub, tuple(statuses), tuple(wide), source, no)


# ------------------------------------------------------------------ campaigns
def read_campaigns(lines: Iterable[str], *, source: str) -> Iterator[Campaign | RecordError]:
    """Yield one :class:`Campaign` or :class:`RecordError` per campaign.

    A JSON array document locates records by pointer (``/3``); one campaign a
    line locates them by line.
    """
    items = list(lines)
    text = "".join(items)
    if not text.strip():
        return
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError.at(source, exc.lineno, exc.colno, "", "a JSON array of campaigns",
                                exc.msg) from exc
        except (ValueError, RecursionError) as exc:  # a too long integer, too deep nesting
            raise InputError.at(source, 1, None, "", "a JSON array of campaigns",
                                str(exc)[:80]) from exc
        if not isinstance(doc, list):
            raise InputError.at(source, 1, 1, "", "a JSON array of campaigns", type(doc).__name__)
        for i, obj in enumerate(doc):
            try:
                yield _campaign(obj, source, None, f"/{i}")
            except RecordError as err:
                yield err
        return
    for no, line in _lines(items):
        try:
            yield _campaign(_loads(line, source, no), source, no, None)
        except RecordError as err:
            yield err


def _campaign(obj: Any, source: str, no: int | None, pointer: str | None) -> Campaign:
    if not isinstance(obj, dict):
        raise RecordError.at(source, no, None, "", "a campaign object", type(obj).__name__,
                             pointer=pointer)
    cid = _opt_str(obj, "campaign_id", source, no, pointer)
    purpose = obj.get("purpose")
    if cid is None:
        raise RecordError.at(source, no, None, "campaign_id", "a campaign id", None,
                             pointer=f"{pointer}/campaign_id" if pointer is not None else None)
    if not isinstance(purpose, str) or purpose not in PURPOSES:  # a list is no purpose
        raise RecordError.at(source, no, None, "purpose",
                             "marketing, administrative or transactional", repr(purpose),
                             pointer=f"{pointer}/purpose" if pointer is not None else None)
    return Campaign(
        campaign_id=cid,
        name=_opt_str(obj, "name", source, no, pointer),
        sent_at=_opt_time(obj, "sent_at", source, no, pointer),
        subscription_id=_opt_str(obj, "subscription_id", source, no, pointer),
        subscription_name=_opt_str(obj, "subscription_name", source, no, pointer),
        purpose=purpose,  # type: ignore[arg-type]  # checked above
    )


# ------------------------------------------------------------------ requests
_REQUEST_TIMES = ("received_at", "identity_verified_at", "extended_at", "responded_at")
_REQUEST_TEXT = ("request_id", "type", "regime", "channel", "subject_name", "hubspot_record_id",
                 "extension_reason", "status", "outcome", "denial_reason", "handled_by")
#: the keys of a request-log line that the reader reads
REQUEST_KEYS: frozenset[str] = frozenset((*_REQUEST_TIMES, *_REQUEST_TEXT, "subject_email"))


def read_requests(lines: Iterable[str], *, source: str,
                  hints: list[KeyHint] | None = None) -> Iterator[DsrRequest | RecordError]:
    """Yield one :class:`DsrRequest` or :class:`RecordError` per line.

    ``hints`` collects the keys that misspell a read key (:func:`key_hints`), each
    once, at the first line it is on: the log is small, so every line is looked at.
    """
    seen: set[str] = set()
    for no, line in _lines(lines):
        try:
            obj = _loads(line, source, no)
            if hints is not None:
                hints.extend(key_hints(obj, REQUEST_KEYS, source, no, seen))
            yield _request(obj, source, no)
        except RecordError as err:
            yield err


def _request(obj: Any, source: str, no: int) -> DsrRequest:
    if not isinstance(obj, dict):
        raise RecordError.at(source, no, None, "", "a request object", type(obj).__name__)
    data: dict[str, Any] = {k: _opt_str(obj, k, source, no) for k in _REQUEST_TEXT}
    data.update({k: _opt_time(obj, k, source, no) for k in _REQUEST_TIMES})
    data["subject_email"] = norm_email(_opt_str(obj, "subject_email", source, no))
    if data["subject_email"] is None and data["hubspot_record_id"] is None:
        raise RecordError.at(source, no, None, "subject_email",
                             "the subject's e-mail address or record id", None)
    try:
        return DsrRequest(source=source, line=no, **data)
    except ValidationError as exc:
        e = exc.errors(include_url=False)[0]
        field = ".".join(str(p) for p in e["loc"])
        raise RecordError.at(source, no, None, field, e["msg"], repr(e.get("input"))[:60]) from None


# ------------------------------------------------------------------ sends
#: the keys of a send-log line that the readers read (``_sends._Send`` has the same fields)
SEND_KEYS: frozenset[str] = frozenset((
    "send_id", "campaign_id", "subscription_id", "purpose", "record_id", "email", "sent_at",
    "status"))


def _send_obj(obj: Any, source: str, no: int, campaigns: Container[str] = ()) -> Send:
    if not isinstance(obj, dict):
        raise RecordError.at(source, no, None, "", "a send object", type(obj).__name__)
    sid = _opt_str(obj, "send_id", source, no)
    if sid is None:
        raise RecordError.at(source, no, None, "send_id", "a send id", None)
    purpose = obj.get("purpose")
    if purpose is not None and (not isinstance(purpose, str) or purpose not in PURPOSES):
        raise RecordError.at(source, no, None, "purpose",
                             "marketing, administrative, transactional or null", repr(purpose))
    at = _opt_time(obj, "sent_at", source, no)
    if at is None:
        raise RecordError.at(source, no, None, "sent_at", "the time of the send", None)
    rid = _opt_str(obj, "record_id", source, no)
    email = norm_email(_opt_str(obj, "email", source, no))
    if rid is None and email is None:
        raise RecordError.at(source, no, None, "record_id", "a record id or an e-mail address", None)
    cid = _opt_str(obj, "campaign_id", source, no)
    if purpose is None and (cid is None or cid not in campaigns):
        raise RecordError.at(source, no, None, "purpose",
                             "a purpose, or a campaign_id of a known campaign", repr(cid))
    return Send(sid, cid, _opt_str(obj, "subscription_id", source, no), purpose, rid, email, at,
                _opt_str(obj, "status", source, no), no)


def read_sends(
    lines: Iterable[str], *, source: str, campaigns: Container[str] = ()
) -> Iterator[Send | RecordError]:
    """Yield one :class:`Send` or :class:`RecordError` per line (the plain, slow reader).

    A send needs a purpose of its own or a campaign id listed in ``campaigns``.
    """
    for no, line in _lines(lines):
        try:
            yield _send_obj(_loads(line, source, no), source, no, campaigns)
        except RecordError as err:
            yield err
