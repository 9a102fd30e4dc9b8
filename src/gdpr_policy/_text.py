"""Text helpers shared by modules that must not import each other."""

from __future__ import annotations

import codecs
import unicodedata
from collections.abc import Iterable
from typing import NamedTuple

from ._errors import InputError

__all__ = ["BadByte", "first_bad_utf8", "name_key", "not_utf8"]


def name_key(name: str) -> str:
    """A name as compared: Unicode-normalised, case-folded, its white space collapsed.

    ``"  Integritetsskyddsmyndigheten "`` and ``"integritetsskyddsmyndigheten"``
    are one authority; ``"Kari  Nordmann"`` and ``"kari nordmann"`` one person;
    ``"Kåre"`` typed as one letter å and as a plus a ring (as macOS and some CRMs
    store it) one name. NFKC before and after case folding is Unicode's
    compatibility caseless match (so a ligature or a full-width letter is the
    letters it stands for).
    """
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    return " ".join(folded.split())


class BadByte(NamedTuple):
    """Where bytes first fail to decode as UTF-8."""

    line: int
    column: int
    offset: int
    byte: int
    reason: str

    def found(self) -> str:
        """The byte and why, as an error's "got" part."""
        return f"byte 0x{self.byte:02x} at offset {self.offset} of the file ({self.reason})"


def first_bad_utf8(blocks: Iterable[bytes]) -> BadByte | None:
    """Where UTF-8 bytes, given in blocks (a file read in pieces), first fail to decode.

    Lines are counted by ``\\n`` and columns in code points from 1, as the
    readers count them; a leading byte-order mark is not counted (the readers
    drop it), but offsets are bytes of the file. A sequence split between two
    blocks is joined. ``None`` when every byte decodes.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    line, column, offset = 1, 0, 0  # column: code points since the last line break
    bom = True  # whether a BOM at the very start may still be dropped

    def advance(text: str) -> None:
        nonlocal line, column, bom
        if bom and text:
            bom = False
            if text[0] == "\ufeff":
                text = text[1:]
        breaks = text.count("\n")
        if breaks:
            line += breaks
            column = len(text) - text.rfind("\n") - 1
        else:
            column += len(text)

    for block in _then_end(blocks):
        pending = decoder.getstate()[0]  # the start of a sequence the last block split
        try:
            advance(decoder.decode(block, final=not block))
        except UnicodeDecodeError as exc:
            buffer = pending + block
            advance(buffer[: exc.start].decode("utf-8"))
            return BadByte(line, column + 1, offset - len(pending) + exc.start,
                           buffer[exc.start], exc.reason)
        if not block:
            return None
        offset += len(block)
    return None


def not_utf8(source: str, raw: bytes) -> InputError:
    """The error for a document that is not UTF-8, at its first bad byte."""
    where = first_bad_utf8((raw,))
    assert where is not None, "called for bytes that do not decode"
    return InputError.at(source, where.line, where.column, "",
                         "expected UTF-8 text (save the file as UTF-8)", where.found())


def _then_end(blocks: Iterable[bytes]) -> Iterable[bytes]:
    # the empty block that tells the decoder the input is complete
    for block in blocks:
        if block:
            yield block
    yield b""
