"""Where a span is, said the way a reader finds it: in which paragraph.

Paragraphs are what the text separates with blank lines; a text with no blank line at all
(one paragraph a line, as many exports write it) has one paragraph per non-blank line.
The starts are found once per article, then each lookup is a bisection, so a list of
100,000 spans asks only for the rows it shows."""

from __future__ import annotations

import re
from bisect import bisect_right

_BLANK_LINES = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_LINE_BREAK = re.compile(r"\n\s*")


def paragraph_starts(text: str) -> list[int]:
    """Offsets (code points) where each paragraph of ``text`` begins, ascending."""
    breaks = _BLANK_LINES if _BLANK_LINES.search(text) else _LINE_BREAK
    starts = [m.end() for m in breaks.finditer(text) if m.end() < len(text)]
    first = len(text) - len(text.lstrip())
    return [first, *(s for s in starts if s > first)]


def paragraph_of(starts: list[int], offset: int) -> int:
    """The paragraph (counted from 1) that holds ``offset``."""
    return max(1, bisect_right(starts, offset))


def where(starts: list[int], start: int, end: int) -> str:
    """A span's place as the span list shows it: "¶3 · 412–431"."""
    return f"¶{paragraph_of(starts, start)} · {start}–{end}"
