"""The fast send-log reader accepts exactly what the plain reader accepts, with the same values."""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gdpr_policy import RecordError
from gdpr_policy.audit import Send, read_sends
from gdpr_policy.audit._sends import SendBatch, scan_range, scan_sends, split_sends
from gdpr_policy.audit._values import parse_instant
from strategies.audit import odd_send_lines, send_lines

from ._helpers import at, send

CAMPAIGNS = {"100": "marketing", "200": "administrative"}


def plain(lines: list[str]) -> list[Send | RecordError]:
    return list(read_sends(lines, source="s.jsonl", campaigns=CAMPAIGNS))


def fast_rows(batches: Iterable[SendBatch]) -> tuple[list[tuple[Any, ...]], list[str], int]:
    """Every send of the batches as (id, record id, address, instant, marketing, hard bounce)."""
    rows: list[tuple[Any, ...]] = []
    errors: list[str] = []
    read = 0
    for b in batches:
        read += b.read
        assert b.read == len(b) + len(b.errors)
        errors += [str(e) for e in b.errors]
        if not len(b):
            continue
        everything = [1] * len(b)
        mk = b.marketing(everything)
        mks = [mk] * len(b) if isinstance(mk, bool) else mk
        assert len({len(a) for a in b.ats}) == 1, "one width of time text per batch"
        assert b.fine == (len(b.ats[0]) == 27)
        for i, (sid, rid, when, m, hard) in enumerate(
                zip(b.sids, b.rids, b.ats, mks, b.hard_bounce(everything), strict=True)):
            rows.append((sid, rid, b.email(i), parse_instant(when), m, hard))
    return rows, errors, read


def expected(lines: list[str]) -> tuple[list[tuple[Any, ...]], list[str], int]:
    out = plain(lines)
    rows = []
    for s in out:
        if isinstance(s, Send):
            purpose = CAMPAIGNS.get(s.campaign_id or "", s.purpose)
            rows.append((s.send_id, s.record_id, s.email, s.sent_at, purpose == "marketing",
                         s.status == "hard_bounce"))
    return rows, [str(e) for e in out if isinstance(e, RecordError)], len(out)


def as_file(lines: list[str]) -> Iterator[io.TextIOWrapper]:
    """The lines written to a real file and opened as text, as the CLI opens them."""
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "email_sends.jsonl"
        path.write_text("".join(lines), encoding="utf-8", newline="")
        with path.open(encoding="utf-8") as fh:
            yield fh


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(odd_send_lines() | send_lines().map(lambda x: x[0]), max_size=60),
       st.sampled_from([1, 40, 300, 1 << 17]), st.booleans())
def test_fast_reader_accepts_exactly_what_the_plain_reader_accepts(
        lines: list[str], chunk: int, open_end: bool) -> None:
    if open_end and lines:
        lines[-1] = lines[-1].rstrip("\n")
    want = expected(lines)
    # an iterable of lines, as the tests and the API pass them
    assert fast_rows(scan_sends(lines, source="s.jsonl", campaigns=CAMPAIGNS,
                                chunk_size=chunk)) == want
    # a real file read as bytes in chunks, as the CLI reads it
    for fh in as_file(lines):
        assert fast_rows(scan_sends(fh, source="s.jsonl", campaigns=CAMPAIGNS,
                                    chunk_size=chunk)) == want


@given(st.lists(odd_send_lines(), min_size=1, max_size=40), st.integers(2, 4))
def test_parts_of_a_file_read_apart_give_the_whole(lines: list[str], parts: int) -> None:
    whole = expected(lines)
    for fh in as_file(lines):
        split = split_sends(fh, parts)
        assert split is not None
        fd, ranges = split
        assert ranges[0][0] == 0 and ranges[-1][1] == os.fstat(fd).st_size
        rows: list[tuple[Any, ...]] = []
        errors: list[str] = []
        read = offset = 0
        for start, end in ranges:
            counted: list[int] = []
            r, e, n = fast_rows(scan_range(fd, start, end, source="s.jsonl",
                                           campaigns=CAMPAIGNS, lines_read=counted))
            rows += r
            # a part numbers its lines from 1: shift to the file's numbers
            errors += [_shift(x, offset) for x in e]
            read += n
            offset += counted[0]
        assert (rows, errors, read) == whole


def _shift(message: str, offset: int) -> str:
    # "s.jsonl:12: ..." / "s.jsonl:12:3: ..."
    file, line, rest = message.split(":", 2)
    return f"{file}:{int(line) + offset}:{rest}"


def test_the_usual_lines_take_the_bulk_path_in_few_batches() -> None:
    lines = [send(f"S{i}", str(100 + i % 7), "a@x.no", at("2024-01-01T00:00")) for i in range(500)]
    for fh in as_file(lines):
        batches = list(scan_sends(fh, source="s.jsonl", campaigns=CAMPAIGNS))
        assert len(batches) == 1 and len(batches[0]) == 500


def test_a_bad_line_rejects_only_itself_with_its_number() -> None:
    ok = send("S1", "1", "a@x.no", at("2024-01-01T00:00"))
    lines = [ok] * 100 + [ok.replace("2024-01-01", "2024-02-30"), "\n", ok[:-5] + "\n"] + [ok] * 50
    for fh in as_file(lines):
        rows, errors, read = fast_rows(scan_sends(fh, source="s.jsonl", campaigns=CAMPAIGNS,
                                                  chunk_size=1024))
        assert read == 152 and len(rows) == 150
        assert [e.split(":")[1] for e in errors] == ["101", "103"]
        assert errors == expected(lines)[1]


def test_control_characters_in_a_skipped_field_reject_the_line() -> None:
    # json.loads refuses a raw tab inside a string; the old pattern let it through
    line = send("S1", "1", "a@x.no", at("2024-01-01T00:00")).replace('"x"', '"a\tb"')
    assert isinstance(plain([line])[0], RecordError)
    assert fast_rows(scan_sends([line], source="s.jsonl", campaigns=CAMPAIGNS))[1] != []


def test_line_ends_and_a_last_line_without_one_match_text_reading() -> None:
    ok = send("S1", "1", "a@x.no", at("2024-01-01T00:00")).rstrip("\n")
    raw = (ok + "\r\n" + ok + "\r" + ok + "\n\n" + ok[:-4]).encode()
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "s.jsonl"
        path.write_bytes(raw)
        with path.open(encoding="utf-8") as fh:
            as_text = list(fh)
        with path.open(encoding="utf-8") as fh:
            got = fast_rows(scan_sends(fh, source="s.jsonl", campaigns=CAMPAIGNS))
    assert got == expected(as_text)
    assert got[1][0].startswith("s.jsonl:5:")


def test_text_that_is_not_utf8_is_an_error_as_when_read_as_text() -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "s.jsonl"
        path.write_bytes(send("S1", "1", "a@x.no", at("2024-01-01T00:00")).encode() + b"\xff\n")
        with path.open(encoding="utf-8") as fh, pytest.raises(UnicodeDecodeError):
            list(scan_sends(fh, source="s.jsonl", campaigns=CAMPAIGNS))


def test_a_file_in_another_encoding_is_read_as_text() -> None:
    line = send("S1", "1", "å@x.no", at("2024-01-01T00:00"))
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "s.jsonl"
        path.write_bytes(line.encode("latin-1"))
        with path.open(encoding="latin-1") as fh:
            rows, errors, read = fast_rows(scan_sends(fh, source="s.jsonl", campaigns=CAMPAIGNS))
    assert (read, errors, rows[0][2]) == (1, [], "å@x.no")


def test_sub_millisecond_times_give_the_batch_one_wide_width() -> None:
    a = send("S1", "1", "a@x.no", at("2024-01-01T00:00"))
    b = json.dumps({**json.loads(a), "send_id": "S2", "sent_at": "2024-01-01T00:00:00.000500Z"})
    [batch] = list(scan_sends([a, b + "\n"], source="s.jsonl", campaigns=CAMPAIGNS))
    assert batch.fine and batch.ats == ["2024-01-01T00:00:00.000000Z", "2024-01-01T00:00:00.000500Z"]
    assert batch.ats[0] < batch.ats[1]


def test_a_send_without_purpose_needs_a_listed_campaign() -> None:
    lines = [send("S1", "1", None, at("2024-01-01T00:00"), campaign="200", purpose=None),
             send("S2", "1", None, at("2024-01-01T00:00"), campaign="404", purpose=None)]
    rows, errors, _ = fast_rows(scan_sends(lines, source="s.jsonl", campaigns=CAMPAIGNS))
    assert [r[0] for r in rows] == ["S1"] and rows[0][4] is False and len(errors) == 1


def test_split_needs_a_plain_file() -> None:
    assert split_sends(["a\n"], 2) is None
    for fh in as_file(["x\n"] * 10):
        assert split_sends(fh, 1) is None
        _, ranges = split_sends(fh, 3)  # type: ignore[misc]
        assert all(a < b for a, b in ranges)


def test_old_dates_and_epochs_out_of_range_are_rejected_not_raised() -> None:
    line = send("S1", "1", "a@x.no", at("2024-01-01T00:00")).replace(
        '"2024-01-01T00:00:00.000Z"', '"-99999999999999"')
    [err] = plain([line])
    assert isinstance(err, RecordError)
    assert fast_rows(scan_sends([line], source="s.jsonl", campaigns=CAMPAIGNS))[1] == [str(err)]


def test_objects_are_counted_per_line_not_per_chunk() -> None:
    # two objects on one line and one object over two lines: as many objects as
    # lines, yet every one of those lines is bad on its own
    ok = send("S1", "1", "a@x.no", at("2024-01-01T00:00")).rstrip("\n")
    cut = ok.index('"email"')
    lines = [ok + "\n", ok + ok + "\n", ok[:cut] + "\n", ok[cut:] + "\n", ok + "\n"]
    want = expected(lines)
    assert want[2] == 5 and len(want[1]) == 3
    for fh in as_file(lines):
        assert fast_rows(scan_sends(fh, source="s.jsonl", campaigns=CAMPAIGNS)) == want
