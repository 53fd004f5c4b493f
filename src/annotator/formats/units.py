"""Offsets in other tools' units, converted at the edge of a format.

Annotator stores code points (Python ``str`` indices). doccano and INCEpTION count UTF-16
code units (JavaScript string indices: an emoji outside the BMP is two), and byte-oriented
tools count UTF-8 bytes (one to four per code point). A :class:`UnitMap` converts between
code points and one unit for one text; only the characters that are wider than one unit
are remembered, so an ASCII text costs nothing.
"""

from __future__ import annotations

from bisect import bisect_left
from itertools import accumulate
from typing import Literal

Unit = Literal["codepoint", "utf16", "utf8"]
UNITS: tuple[Unit, ...] = ("codepoint", "utf16", "utf8")
UNIT_NAMES = {"codepoint": "code points", "utf16": "UTF-16 code units", "utf8": "UTF-8 bytes"}


class UnitMap:
    """Converts offsets into ``text`` between code points and ``unit``."""

    __slots__ = ("text", "unit", "_wide", "_extra", "length")

    def __init__(self, text: str, unit: Unit) -> None:
        if unit not in UNITS:
            raise ValueError(f"unknown offset unit {unit!r}; use one of {', '.join(UNITS)}")
        self.text, self.unit = text, unit
        wide: list[int] = []
        widths: list[int] = []
        if unit != "codepoint" and not text.isascii():
            for i, char in enumerate(text):
                extra = _extra_width(char, unit)
                if extra:
                    wide.append(i)
                    widths.append(extra)
        self._wide = wide  # code-point offsets of the characters wider than one unit
        self._extra = [0, *accumulate(widths)]  # extra units before the k-th wide character
        self.length = self.to_unit(len(text))

    def to_unit(self, offset: int) -> int:
        """The unit offset of the boundary before code point ``offset``."""
        if not 0 <= offset <= len(self.text):
            raise ValueError(f"offset {offset} outside 0..{len(self.text)}")
        return offset + self._extra[bisect_left(self._wide, offset)]

    def from_unit(self, value: int) -> int:
        """The code-point offset at unit offset ``value``.

        Raises ValueError for a value outside the text or one that falls inside a
        character (the middle of a surrogate pair or of a UTF-8 sequence).
        """
        if not 0 <= value <= self.length:
            raise ValueError(
                f"offset {value} lies outside the text (0-{self.length} {UNIT_NAMES[self.unit]})"
            )
        if not self._wide:
            return value
        lo, hi = 0, len(self.text)  # the largest code-point offset whose unit offset <= value
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.to_unit(mid) <= value:
                lo = mid
            else:
                hi = mid - 1
        if self.to_unit(lo) != value:
            raise ValueError(
                f"offset {value} falls inside the character {self.text[lo]!r} "
                f"(counting {UNIT_NAMES[self.unit]})"
            )
        return lo


def _extra_width(char: str, unit: Unit) -> int:
    if unit == "utf16":
        return 1 if ord(char) > 0xFFFF else 0
    code = ord(char)
    return 0 if code < 0x80 else 1 if code < 0x800 else 2 if code < 0x10000 else 3
