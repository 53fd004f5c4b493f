"""Where a dragged edge of a span lands: on a word boundary (plain Python, no Qt).

The review window's E lets the reviewer drag the edges of the span going into gold in the
gold lane; wherever the mouse lets go, the edge moves so that no word is cut in two and
the span neither starts nor ends with a space. Offsets are Python ``str`` indices (code
points), as everywhere in the store; the window converts from Qt's positions first.
"""

from __future__ import annotations

from typing import Literal

from annotator.core.textnav import is_word_char

Edge = Literal["start", "end"]


def snap_edge(text: str, offset: int, edge: Edge, other: int) -> int:
    """``offset`` moved to the word boundary a span's ``edge`` snaps to, the span's other
    edge being at ``other``; the span keeps at least one character.

    A start inside a word goes back to the word's start, a start on spaces forward to
    what follows them; an end inside a word goes on to the word's end, an end after
    spaces back to what precedes them. Punctuation the edge was dragged over stays in
    (a closing quote mark or full stop can belong to a quote)."""
    n = len(text)
    offset = max(0, min(n, offset))
    if edge == "start":
        limit = max(0, other - 1)
        offset = min(offset, limit)
        while offset > 0 and is_word_char(text, offset - 1) and is_word_char(text, offset):
            offset -= 1
        while offset < limit and text[offset].isspace():
            offset += 1
        return offset
    limit = min(n, other + 1)
    offset = max(offset, limit)
    while offset < n and is_word_char(text, offset - 1) and is_word_char(text, offset):
        offset += 1
    while offset > limit and text[offset - 1].isspace():
        offset -= 1
    return offset


def nearer_edge(start: int, end: int, offset: int) -> Edge:
    """Which edge of ``[start, end)`` a press at ``offset`` takes hold of."""
    return "start" if abs(offset - start) <= abs(offset - end) else "end"
