"""Where the executable ``<script>`` bodies of an HTML text start and end.

A module of its own so that :mod:`html.parser` (whose import builds the
table of 2,000 HTML entities) is loaded only when a banner file is HTML.
"""

from __future__ import annotations

from html.parser import HTMLParser

__all__ = ["ScriptFinder"]


class ScriptFinder(HTMLParser):
    """Collects the (line, column) start and end of each executable ``<script>`` body."""

    #: every type a browser runs (the HTML standard's JavaScript MIME type essence
    #: match, and modules): a config in a legacy type runs as any other
    _JS_TYPES = frozenset(
        {"", "module", "text/javascript", "application/javascript", "text/ecmascript",
         "application/ecmascript", "application/x-ecmascript", "application/x-javascript",
         "text/jscript", "text/livescript", "text/x-ecmascript", "text/x-javascript",
         *(f"text/javascript1.{n}" for n in range(6))}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[tuple[tuple[int, int], tuple[int, int]]] = []
        self.sources: list[tuple[str, int, int]] = []
        self._open: tuple[int, int] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "script":
            return
        kind = next((v or "" for k, v in attrs if k == "type"), "").strip().lower()
        language = next((v or "" for k, v in attrs if k == "language"), "").strip().lower()
        if not kind and language:
            kind = f"text/{language}"  # the standard's reading of a type-less language=
        has_src = any(k == "src" for k, _ in attrs)
        text = self.get_starttag_text() or ""
        line, col = self.getpos()
        # The body starts right after the start tag.
        lines = text.split("\n")
        if len(lines) == 1:
            start = (line, col + len(text))
        else:
            start = (line + len(lines) - 1, len(lines[-1]))
        self._open = start if (kind in self._JS_TYPES and not has_src) else None
        if kind in self._JS_TYPES and has_src:
            src = next((v or "" for k, v in attrs if k == "src"), "")
            self.sources.append((src, line, col + 1))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._open is not None:
            self.scripts.append((self._open, self.getpos()))
        if tag == "script":
            self._open = None
