"""The one place where positions in Qt and stored offsets meet.

Stored offsets count Unicode code points (Python ``str`` indices), end exclusive.
A Qt text document counts UTF-16 code units, and ``setPlainText`` turns ``\\r\\n`` into one
block separator and a lone ``\\r`` into another; U+2028, U+2029 and NBSP keep one
position each (``toPlainText`` shows them as other characters, so it is never used to
read text back: the stored text is the truth).

So a Qt position differs from a code-point offset by +1 for every astral character
(two UTF-16 units) and -1 for every CR that precedes an LF. Both lists are kept
sorted and looked up by bisection: memory is proportional to the number of such
characters, not to the length of the text.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from collections.abc import Callable

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_CR_BEFORE_LF = re.compile("\r(?=\n)")
_CR = re.compile("\r\n?")
_BYTE_ORDER_MARKS = ("\ufeff", "\ufffe")


class QtPositionMap:
    """Converts between code-point offsets in ``text`` and positions in a Qt document
    that was given :meth:`display_text`."""

    __slots__ = ("text", "_astral", "_astral_qt", "_collapsed", "qt_length")

    def __init__(self, text: str) -> None:
        self.text = text
        self._astral = [m.start() for m in _ASTRAL.finditer(text)]
        # where each starts in Qt (machine integers: an article may hold 100,000s of emoji)
        self._astral_qt = array("q", (at + i for i, at in enumerate(self._astral)))
        self._collapsed = [m.start() for m in _CR_BEFORE_LF.finditer(text)] if "\r" in text else []
        self.qt_length = self.to_qt(len(text))

    def display_text(self) -> str:
        """The string to hand to ``setPlainText``: line ends as Qt would make them anyway,
        and a leading U+FEFF or U+FFFE (which ``setPlainText`` drops as a byte-order
        mark) shown as U+2060, the same invisible width, so every position stays put."""
        text = _CR.sub("\n", self.text) if "\r" in self.text else self.text
        if text[:1] in _BYTE_ORDER_MARKS:
            text = "\u2060" + text[1:]
        return text

    def to_qt(self, offset: int) -> int:
        """Qt position of the boundary before code point ``offset`` (0 <= offset <= len)."""
        if not 0 <= offset <= len(self.text):
            raise ValueError(f"offset {offset} outside 0..{len(self.text)}")
        return offset + bisect_left(self._astral, offset) - bisect_left(self._collapsed, offset)

    def from_qt(self, position: int, *, side: str = "start") -> int:
        """Code-point offset for a Qt position.

        A position inside a surrogate pair is widened: ``side="start"`` rounds down,
        ``side="end"`` rounds up, so a selection never splits a character. A position
        on a collapsed CRLF maps before the CR, so the line end stays whole.
        """
        position = max(0, min(position, self.qt_length))
        astral, collapsed = self._astral, self._collapsed  # (to_qt, inlined: called often)
        if not collapsed and side in ("start", "end"):
            # Only astral characters differ (text with LF line ends, as imports store it):
            # the k that start before ``position`` each took one position more, so it is
            # offset ``position - k``, or inside the pair of the k-th, one past it at the end.
            k = bisect_left(self._astral_qt, position)
            if k and self._astral_qt[k - 1] + 1 == position:
                return position - k + (side == "end")
            return position - k
        if side == "end":
            lo, hi = 0, len(self.text)  # smallest offset whose Qt position >= position
            while lo < hi:
                mid = (lo + hi) // 2
                if mid + bisect_left(astral, mid) - bisect_left(collapsed, mid) >= position:
                    hi = mid
                else:
                    lo = mid + 1
            return lo
        if side != "start":
            raise ValueError(f"side must be 'start' or 'end', not {side!r}")
        lo, hi = 0, len(self.text)  # largest offset whose Qt position <= position
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if mid + bisect_left(astral, mid) - bisect_left(collapsed, mid) <= position:
                lo = mid
            else:
                hi = mid - 1
        if lo > 0 and self._is_collapsed(lo - 1):
            lo -= 1
        return lo

    def range_to_qt(self, start: int, end: int) -> tuple[int, int]:
        return self.to_qt(start), self.to_qt(end)

    def range_from_qt(self, a: int, b: int) -> tuple[int, int]:
        """Code-point range covered by a Qt selection (in either direction)."""
        a, b = min(a, b), max(a, b)
        return self.from_qt(a, side="start"), self.from_qt(b, side="end")

    def block(self, position: int, text: str) -> BlockPositions:
        """The positions of one block of the Qt document (a paragraph between line ends)
        that begins at Qt position ``position`` and holds ``text`` (``QTextBlock.text()``)."""
        return BlockPositions(text, self.from_qt(position))

    def _is_collapsed(self, offset: int) -> bool:
        i = bisect_left(self._collapsed, offset)
        return i < len(self._collapsed) and self._collapsed[i] == offset


class BlockPositions:
    """Qt positions within one block and the code-point offsets they stand for, without
    the article-wide lists (a painter asks for many positions of a few lines): a block
    holds the article's code points from ``first`` on, no line end among them, and only
    its astral characters take two positions."""

    __slots__ = ("first", "_astral", "_astral_qt")

    def __init__(self, text: str, first: int) -> None:
        self.first = first
        self._astral = [m.start() for m in _ASTRAL.finditer(text)]  # in code points
        self._astral_qt = [at + i for i, at in enumerate(self._astral)]  # in Qt positions

    def to_qt(self, offset: int) -> int:
        """Position within the block of the boundary before code point ``offset``."""
        k = offset - self.first
        return k + bisect_left(self._astral, k)

    def from_qt(self, position: int) -> int:
        """Code-point offset of the boundary at ``position`` within the block (a
        boundary between characters, as a line of the block begins and ends on)."""
        return self.first + position - bisect_left(self._astral_qt, position)


def trim_whitespace(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``[start, end)`` so that it neither begins nor ends with white space."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def normalize_newlines(text: str) -> tuple[str, Callable[[int], int]]:
    """Turn CRLF and lone CR into LF; return the new text and the map of old offsets to new.

    An offset between a CR and its LF maps to the position before the new LF.
    """
    if "\r" not in text:
        return text, _identity
    removed = [m.start() for m in _CR_BEFORE_LF.finditer(text)]
    new_text = _CR.sub("\n", text)

    def remap(offset: int) -> int:
        return offset - bisect_left(removed, offset)

    return new_text, remap


def _identity(offset: int) -> int:
    return offset
