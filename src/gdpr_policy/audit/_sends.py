"""The fast reader of the e-mail send log: bytes in big chunks, one C parse, checks in bulk.

The send log is the one big input (millions of lines), and most of its lines
concern nobody the audit watches; yet each must be proven well-formed, or be
rejected with its line number. :func:`scan_sends` reads the log as UTF-8 bytes
in chunks of a few megabytes and parses a whole chunk with one call of
msgspec's JSON decoder, which checks the JSON (strictly: no control
characters in strings, no ``NaN``, valid UTF-8) and the type of every field
the audit reads, in C. What msgspec cannot say is checked over the whole
chunk at once with C-level ``map``, ``set`` and ``str`` methods, never a
Python statement per line:

- one JSON object per line: every line starts with ``{`` and ends with ``}``
  (no JSON value can hold ``}`` and ``{`` with only a line end between them),
  and there are as many objects as lines;
- send id and record id: stripped (``str.strip`` over the column) and, for the
  send id, non-empty; a missing record id needs an e-mail address;
- sent_at: each *distinct* text once: one pattern over all new texts joined
  checks the usual ``YYYY-MM-DDTHH:MM:SS.mmmZ`` shape, a set of new days is
  checked against the calendar; any other text goes through
  :func:`~gdpr_policy.audit._values.parse_instant`;
- a send without a purpose of its own needs a listed campaign.

A chunk whose lines all pass is one :class:`SendBatch`. A chunk with a line
that does not is cut in halves until the bad lines stand alone, and those go
through ``json.loads`` and the plain reader's checks (``_logs._send_obj``):
so a line is accepted exactly when :func:`~gdpr_policy.audit.read_sends`
accepts it, with the same values, and a bad line rejects only itself.
msgspec is stricter than ``json`` in places (``NaN``, lone surrogates, a
byte-order mark): such a line is simply read the slow way.

``sent_at`` is kept as text, whose order is time order at one width:
``...SS.mmmZ`` (24 characters), or ``...SS.ffffffZ`` (27 characters) for the
whole batch when one of its times has sub-millisecond digits (``fine``).

Any other key is ignored, unread, line by line. The log's keys are looked at
once, on its first line (:func:`send_key_hints`): a key that misspells one the
reader reads (``subscriptionId``) is said, never a line rejected for it.
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import chain, compress, islice, pairwise
from operator import attrgetter, itemgetter
from typing import IO, Any, Literal, cast

import msgspec

from .._errors import RecordError
from ._logs import SEND_KEYS, KeyHint, _loads, _send_obj, key_hints
from ._values import norm_email, parse_instant

__all__ = ["SendBatch", "SendScanner", "file_size", "scan_range", "scan_sends", "send_key_hints",
           "split_sends"]

UTC = dt.UTC

# small enough that a chunk's rows stay in the CPU cache between the passes over them
_CHUNK = 128 << 10
_SMALL = 64  # a failing piece of at most this many lines is read line by line
_CACHE_MAX = 1 << 16


class _Send(msgspec.Struct, gc=False):
    """The fields of a send-log line that the audit reads; any other key is ignored.

    A missing key reads as ``null``, as in :func:`~gdpr_policy.audit.read_sends`.
    """

    send_id: str | int | None = None
    campaign_id: str | int | None = None
    subscription_id: str | int | None = None
    purpose: Literal["marketing", "administrative", "transactional"] | None = None
    record_id: str | int | None = None
    email: str | int | None = None
    sent_at: str | None = None
    status: str | int | None = None


_DECODER = msgspec.json.Decoder(_Send)
_SID = attrgetter("send_id")
_CID = attrgetter("campaign_id")
_LIST = itemgetter(2)  # the list of a (purpose, index, list) pair
_PURPOSE = attrgetter("purpose")
_RID = attrgetter("record_id")
_AT = attrgetter("sent_at")
_STATUS = attrgetter("status")
_DAY = itemgetter(slice(0, 10))
_MARKETING = "marketing".__eq__
#: the usual sent_at texts, one a line: checked for many at once
_USUAL_TIMES = re.compile(
    r"(?:\d\d\d\d-\d\d-\d\dT(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d\d\dZ\n)*")


def _texts(col: list[Any]) -> list[str | None]:
    """``_logs._opt_str`` over a column whose types msgspec has checked: stripped or ``None``."""
    try:
        out: list[str | None] = list(map(str.strip, col))
    except TypeError:  # a null or a number among the texts
        out = [None if v is None else str(v).strip() for v in col]
    if "" in out:
        out = [v or None for v in out]
    return out


class SendBatch:
    """Consecutive lines of the send log: the sends read from them, and the rejects.

    ``sids``, ``rids`` and ``ats`` are parallel lists in log order: the send
    id, the record id (``None`` for none) and sent_at as comparable text (see
    the module doc). ``read`` counts the non-blank lines, so
    ``read == len(sids) + len(errors)``. The rest of a send is read on demand,
    for the sends an audit picks (:meth:`marketing`, :meth:`hard_bounce`,
    :meth:`email`).
    """

    __slots__ = ("_purposes", "_rows", "_scanner", "ats", "errors", "fine", "first_line", "read",
                 "rids", "sids")

    def __init__(self, scanner: SendScanner, first_line: int, read: int, rows: list[_Send],
                 sids: list[str], rids: list[str | None], ats: list[str],
                 purposes: list[str | None], fine: bool,
                 errors: list[RecordError] | None = None) -> None:
        self._scanner = scanner
        self.first_line = first_line
        self.read = read
        self._rows = rows
        self.sids = sids
        self.rids = rids
        self.ats = ats
        self._purposes = purposes
        self.fine = fine
        self.errors = errors or []

    def __len__(self) -> int:
        return len(self.sids)

    def email(self, i: int) -> str | None:
        """The e-mail address of send ``i``, normalised for matching."""
        return norm_email(_texts([self._rows[i].email])[0])

    def marketing(self, picked: list[Any]) -> bool | list[bool]:
        """Whether each picked send (truthy ``picked[i]``) is marketing: the campaign's purpose
        when the campaign is listed, else the send's own; one ``bool`` when all agree."""
        campaigns = self._scanner.campaigns
        cids = _texts(list(map(_CID, compress(self._rows, picked))))
        effective = list(map(campaigns.get, cids,  # type: ignore[arg-type]
                             compress(self._purposes, picked)))
        kinds = set(effective)
        if len(kinds) == 1:
            return next(iter(kinds)) == "marketing"
        return list(map(_MARKETING, effective))

    def one_pair(self, pair_of: Mapping[str, tuple[str | None, int, str | None]],
                 ) -> tuple[str | None, int, str | None] | None:
        """The purpose and list of every send, when the batch is one listed campaign (a log
        written campaign by campaign), else ``None``."""
        rows = self._rows
        if not rows:
            return None
        first = rows[0].campaign_id
        if first is None or list(map(_CID, rows)).count(first) != len(rows):
            return None
        pair = pair_of.get(_texts([first])[0])  # type: ignore[arg-type]
        # a campaign that names no list leaves each send's own list (purpose_lists)
        return None if pair is None or pair[2] is None else pair

    def purpose_lists(self, picked: list[Any],
                      pair_of: Mapping[str, tuple[str | None, int, str | None]],
                      index: Mapping[str | None, int],
                      other: Mapping[str | None, int]) -> list[tuple[str | None, int, str | None]]:
        """For each picked send: its purpose, the index of its list, and the list's id.

        ``pair_of`` gives them for listed campaigns; a send whose campaign is not
        listed has its own purpose and list (``index``, else ``other``, else 0), and
        one whose listed campaign names no list has the campaign's purpose and its own
        list.
        """
        rows = list(compress(self._rows, picked))
        cids = _texts(list(map(_CID, rows)))
        pairs = list(map(pair_of.get, cids))  # type: ignore[arg-type]
        if None not in pairs and None not in map(_LIST, pairs):  # type: ignore[arg-type]
            return pairs  # type: ignore[return-value]  # (checked at C level: the usual case)
        purposes: list[Any] | None = None
        for i, pair in enumerate(pairs):
            if pair is not None and pair[2] is not None:
                continue
            if pair is None:
                if purposes is None:
                    purposes = list(compress(self._purposes, picked))
                purpose = purposes[i]
            else:
                purpose = pair[0]
            sub = _texts([rows[i].subscription_id])[0]
            pairs[i] = (purpose, index.get(sub, other.get(sub, 0)), sub)
        return pairs  # type: ignore[return-value]

    def hard_bounce(self, picked: list[Any]) -> list[bool]:
        """Whether each picked send's status is ``hard_bounce``."""
        return [v == "hard_bounce" for v in _texts(list(map(_STATUS, compress(self._rows, picked))))]


class SendScanner:
    """Reads one send log; holds the caches of checked times and days."""

    def __init__(self, source: str, campaigns: Mapping[str, str]) -> None:
        self.source = source
        self.campaigns = campaigns
        #: sent_at text -> comparable text (24 or 27 characters), or "" when invalid
        self._times: dict[str, str] = {}
        self._days: set[str] = set()

    # ----------------------------------------------------------- chunks
    def chunk(self, buf: bytes, first_no: int, open_end: bool = False,
              n: int | None = None) -> Iterator[SendBatch]:
        """Batches of the lines of ``buf``: ``b"\\n"``, then complete lines each ending in one.

        ``open_end``: the last line had no line end in the log (the file's last
        line); a line read the slow way is parsed as written, so that its error
        message is the plain reader's. ``n``: the number of lines, when the
        caller has counted them (a count is a pass over the bytes).
        """
        if n is None:
            n = buf.count(b"\n") - 1
        if n <= 0:
            return
        if buf.startswith(b"\n{") and buf.endswith(b"}\n") and buf.count(b"}\n{") == n - 1:
            try:
                rows = _DECODER.decode_lines(buf)
            except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
                rows = None
            if rows is not None and len(rows) == n:
                batch = self._bulk(rows, first_no, n)
                if batch is not None:
                    yield batch
                    return
        if n <= _SMALL:
            lines = [line.decode("utf-8") + "\n" for line in buf[1:-1].split(b"\n")]
            if open_end:
                lines[-1] = lines[-1][:-1]
            yield self._lines(lines, first_no)
            return
        cut = buf.find(b"\n", len(buf) // 2)
        if cut >= len(buf) - 1:
            cut = buf.rfind(b"\n", 0, len(buf) - 1)
        left = buf[:cut + 1]
        yield from self.chunk(left, first_no)
        yield from self.chunk(buf[cut:], first_no + left.count(b"\n") - 1, open_end)

    def _bulk(self, rows: list[_Send], first_no: int, read: int,
              errors: list[RecordError] | None = None) -> SendBatch | None:
        """The batch of rows msgspec has read, if every row passes the checks left."""
        sids = _texts(list(map(_SID, rows)))
        if None in sids:
            return None
        rids = _texts(list(map(_RID, rows)))
        if None in rids:
            for i, rid in enumerate(rids):
                if rid is None and norm_email(_texts([rows[i].email])[0]) is None:
                    return None
        purposes = list(map(_PURPOSE, rows))
        if None in purposes:
            for i, p in enumerate(purposes):
                if p is None and _texts([rows[i].campaign_id])[0] not in self.campaigns:
                    return None
        ats = self._comparable(list(map(_AT, rows)))
        if ats is None:
            return None
        fine = len(ats[0]) == 27
        return SendBatch(self, first_no, read, rows, sids, rids, ats,  # type: ignore[arg-type]
                         purposes, fine, errors)

    def _comparable(self, raw: list[str | None]) -> list[str] | None:
        """The sent_at texts as comparable text of one width; ``None`` if one is not an instant."""
        times = self._times
        if len(times) > _CACHE_MAX:
            times.clear()
        if None in raw:
            return None
        ats = cast("list[str]", raw)
        distinct = set(ats)
        new = distinct.difference(times)
        if new:
            joined = "\n".join(new) + "\n"
            if joined.count("\n") == len(new) and _USUAL_TIMES.fullmatch(joined):
                days = set(map(_DAY, new)).difference(self._days)
                for day in days:
                    try:
                        dt.date.fromisoformat(day)
                    except ValueError:
                        return None
                if len(self._days) > _CACHE_MAX:
                    self._days.clear()
                self._days.update(days)
                times.update(zip(new, new, strict=True))
            else:
                for text in new:
                    times[text] = _instant_text(text)
        mapped = list(map(times.__getitem__, distinct))
        if "" in mapped:
            return None
        widths = set(map(len, mapped))
        if any(map(str.__ne__, mapped, distinct)):
            ats = list(map(times.__getitem__, ats))
        if len(widths) > 1:  # some with microseconds: all get them
            ats = [t if len(t) == 27 else t[:-1] + "000Z" for t in ats]
        return ats

    def _lines(self, lines: Iterable[str], first_no: int) -> SendBatch:
        """The slow way, one line at a time: the plain reader's parse and checks."""
        rows: list[_Send] = []
        errors: list[RecordError] = []
        read = 0
        for no, line in enumerate(lines, first_no):
            if not line.strip():
                continue
            read += 1
            try:
                row = _DECODER.decode(line)
            except (msgspec.DecodeError, msgspec.ValidationError, RecursionError):
                row = None
            if row is not None and self._bulk([row], no, 1) is not None:
                rows.append(row)  # a line of the usual kind beside a bad one
                continue
            try:
                s = _send_obj(_loads(line, self.source, no), self.source, no, self.campaigns)
            except RecordError as err:
                errors.append(err)
                continue
            rows.append(_Send(s.send_id, s.campaign_id, s.subscription_id,
                              s.purpose,  # type: ignore[arg-type]
                              s.record_id, s.email, _text_of(s.sent_at), s.status))
        batch = self._bulk(rows, first_no, read, errors) if rows else None
        if batch is None:
            if rows:
                raise AssertionError("a send the plain reader accepts fails the bulk checks")
            return SendBatch(self, first_no, read, [], [], [], [], [], False, errors)
        return batch


def _text_of(t: dt.datetime) -> str:
    """An instant as comparable text: milliseconds when exact, else microseconds."""
    t = t.astimezone(UTC)
    text = t.isoformat(timespec="microseconds" if t.microsecond % 1000 else "milliseconds")
    return text.replace("+00:00", "Z")


def _instant_text(text: str) -> str:
    try:
        return _text_of(parse_instant(text))
    except (ValueError, OverflowError, IndexError):
        return ""


# ------------------------------------------------------------------ input
def _binary(lines: Iterable[str]) -> IO[bytes] | None:
    """The byte stream under a text file nobody has read yet, if it is strict UTF-8."""
    if not isinstance(lines, io.TextIOWrapper):
        return None
    try:
        if codecs.lookup(lines.encoding).name != "utf-8" or lines.errors != "strict":
            return None
        if lines.tell() != 0:
            return None
    except (OSError, ValueError, LookupError):
        return None
    stream: IO[bytes] = lines.buffer
    return stream


def _byte_chunks(stream: IO[bytes], size: int) -> Iterator[tuple[bytes, bool]]:
    # Each chunk is b"\n" + complete lines, each ending in b"\n", and whether
    # the log's last line had no line end. Lines end at \n, \r\n or \r, as when
    # the file is read as text in the default newline mode. The text is checked
    # to be UTF-8, as reading it as text would.
    tail = b""
    while True:
        data = stream.read(size)
        if not data:
            break
        # the last line end; a lone \r counts, but not one that may be the \r of a \r\n
        cut = max(data.rfind(b"\n"), data.rfind(b"\r", 0, len(data) - 1))
        if cut < 0:
            tail += data
            continue
        chunk = b"".join((b"\n", tail, memoryview(data)[:cut + 1]))
        tail = data[cut + 1:]
        yield _checked(chunk), False
    if tail:
        # a final \r is a line end too; only text after the last end is open
        yield _checked(b"\n" + tail + b"\n"), tail[-1:] != b"\r"


def _checked(chunk: bytes) -> bytes:
    if b"\r" in chunk:
        chunk = chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if not chunk.isascii():
        chunk.decode("utf-8")  # raises UnicodeDecodeError like a text read
    return chunk


def scan_sends(
    lines: Iterable[str], *, source: str, campaigns: Mapping[str, str],
    chunk_size: int = _CHUNK,
) -> Iterator[SendBatch]:
    """Read a send log: its batches, in log order.

    ``lines`` is an open text file (then its bytes are read in chunks of
    ``chunk_size``) or any iterable of ``str`` lines. ``campaigns`` maps
    campaign ids to their purpose: a line without a purpose of its own needs a
    listed campaign, and the campaign's purpose decides whether a send is
    marketing.
    """
    sc = SendScanner(source, campaigns)
    stream = _binary(lines)
    no = 1
    if stream is not None:
        for chunk, open_end in _byte_chunks(stream, chunk_size):
            n = chunk.count(b"\n") - 1
            yield from sc.chunk(chunk, no, open_end, n)
            no += n
        return
    it = iter(lines)
    while True:
        # about ``chunk_size`` bytes of lines; each item of ``lines`` is one line
        part = list(islice(it, max(1, chunk_size // 256)))
        if not part:
            return
        blob = "".join(part)
        if (blob.count("\n") == len(part) and "\r" not in blob
                and sum(map(str.endswith, part, ["\n"] * len(part))) == len(part)):
            try:
                data = blob.encode("utf-8")
            except UnicodeEncodeError:
                data = None
            if data is not None:
                yield from sc.chunk(b"\n" + data, no)
                no += len(part)
                continue
        yield sc._lines(part, no)
        no += len(part)


# ------------------------------------------------------------------ the log's keys
_PEEK = 1 << 16
_BLANK_LINES = 1000  # blank lines before the first send that are looked past


def _peek(stream: IO[bytes]) -> bytes | None:
    """The first bytes of a stream nobody has read yet, left unread."""
    peek = getattr(stream, "peek", None)
    try:
        if peek is not None:
            data: bytes = peek(_PEEK)[:_PEEK]
            return data
        if stream.seekable():
            pos = stream.tell()
            data = stream.read(_PEEK)
            stream.seek(pos)
            return data
    except (OSError, ValueError):
        pass
    return None


def _first_line(lines: Iterable[str]) -> tuple[int, str | None, Iterable[str]]:
    """The first non-blank line (its number and text), and lines to read the log from.

    An open file is peeked at, and stays unread (the fast reader wants it so);
    a list is indexed; any other iterable is read as far as that line, and the
    lines returned give it back.
    """
    stream = _binary(lines)
    if stream is not None:
        data = _peek(stream)
        if data is None:
            return 0, None, lines
        for no, raw in enumerate(data.splitlines(), 1):
            if raw.strip():
                return no, raw.decode("utf-8", "replace"), lines
        return 0, None, lines
    if isinstance(lines, Sequence):
        for no, line in enumerate(islice(lines, _BLANK_LINES), 1):
            if line.strip():
                return no, line, lines
        return 0, None, lines
    it = iter(lines)
    head = list(islice(it, 1))
    while head and not head[-1].strip() and len(head) < _BLANK_LINES:
        head.extend(islice(it, 1))
    first = head[-1] if head and head[-1].strip() else None
    return len(head), first, chain(head, it)


def send_key_hints(lines: Iterable[str], *, source: str) -> tuple[list[KeyHint], Iterable[str]]:
    """The keys of the send log's first line that misspell a key the reader reads.

    Looked at once per file, never per send: a log is written by one tool, so its
    first line has the keys of all. Returns the hints, and the lines to read the log
    from (``lines`` itself, unless it was an iterator that had to be read into).
    """
    no, first, rest = _first_line(lines)
    if first is None:
        return [], rest
    try:
        obj = json.loads(first)
    except (ValueError, RecursionError):  # a broken line: the reader rejects it, with why
        return [], rest
    return key_hints(obj, SEND_KEYS, source, no), rest


# ------------------------------------------------------------------ parallel parts
class _Range:
    """The bytes ``[start, end)`` of an open file, read with ``pread`` (the offset is shared)."""

    def __init__(self, fd: int, start: int, end: int) -> None:
        self.fd, self.pos, self.end = fd, start, end

    def read(self, n: int) -> bytes:
        n = min(n, self.end - self.pos)
        if n <= 0:
            return b""
        data = os.pread(self.fd, n, self.pos)
        self.pos += len(data)
        return data


def _plain_file(lines: Iterable[str]) -> io.FileIO | None:
    """The plain file under ``lines``, if it is one nobody has read yet."""
    raw = getattr(_binary(lines), "raw", None)
    return raw if isinstance(raw, io.FileIO) else None


def file_size(lines: Iterable[str]) -> int | None:
    """The size in bytes of the plain file under ``lines``, if it is one nobody has read yet."""
    raw = _plain_file(lines)
    return None if raw is None else os.fstat(raw.fileno()).st_size


def split_sends(lines: Iterable[str], parts: int,
                min_part: int = 0) -> tuple[int, list[tuple[int, int]]] | None:
    """Cut a send-log file into about equal byte ranges that start at a line start.

    At most as many ranges as leave each at least ``min_part`` bytes. Returns
    the file descriptor and the ranges, or ``None`` when ``lines`` is not a plain
    file that can be read at any offset, or too small to cut (then read it in
    one piece).
    """
    raw = _plain_file(lines)
    if raw is None:
        return None
    fd = raw.fileno()
    size = os.fstat(fd).st_size
    if min_part > 0:
        parts = min(parts, size // min_part)
    if parts < 2:
        return None
    cuts = [0]
    for i in range(1, parts):
        pos = max(size * i // parts, cuts[-1])
        while pos < size:
            window = os.pread(fd, 1 << 16, pos)
            nl = window.find(b"\n")
            if nl >= 0:
                pos += nl + 1
                break
            pos += len(window)
        if cuts[-1] < pos < size:
            cuts.append(pos)
    cuts.append(size)
    return fd, list(pairwise(cuts))


def scan_range(fd: int, start: int, end: int, *, source: str, campaigns: Mapping[str, str],
               lines_read: list[int], chunk_size: int = _CHUNK) -> Iterator[SendBatch]:
    """:func:`scan_sends` of the bytes ``[start, end)`` of a file; line numbers count from 1.

    The number of lines of the range is appended to ``lines_read`` at the end, so
    that the caller can number the lines of the next range.
    """
    sc = SendScanner(source, campaigns)
    no = 1
    for chunk, open_end in _byte_chunks(_Range(fd, start, end), chunk_size):  # type: ignore[arg-type]
        n = chunk.count(b"\n") - 1
        yield from sc.chunk(chunk, no, open_end, n)
        no += n
    lines_read.append(no - 1)
