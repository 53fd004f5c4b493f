"""Offsets in other tools' units, converted at the edge of a format.

Annotator stores code points (Python ``str`` indices). doccano and INCEpTION count UTF-16
code units (JavaScript string indices: an emoji outside the BMP is two), byte-oriented tools
count UTF-8 bytes (one to four per code point), and a doccano project with "count grapheme
clusters as one character" counts **grapheme clusters** (Unicode's extended grapheme
clusters, UAX #29: "👨🏻‍🚒" is one, though it is four code points; so is a CRLF). A
:class:`UnitMap` converts between code points and one unit for one text; only the characters
(or clusters) that are wider than one unit are remembered, so an ASCII text costs nothing.

Python has no grapheme segmentation of its own: the ``regex`` module's ``\\X`` (which follows
the Unicode version it was built with) finds the clusters. It is loaded only for that unit.
"""

from __future__ import annotations

from bisect import bisect_left
from itertools import accumulate
from typing import Literal

Unit = Literal["codepoint", "utf16", "utf8", "grapheme"]
UNITS: tuple[Unit, ...] = ("codepoint", "utf16", "utf8", "grapheme")
UNIT_NAMES = {
    "codepoint": "code points",
    "utf16": "UTF-16 code units",
    "utf8": "UTF-8 bytes",
    "grapheme": "grapheme clusters",
}


class UnitMap:
    """Converts offsets into ``text`` between code points and ``unit``."""

    __slots__ = ("text", "unit", "_wide", "_extra", "_clusters", "length")

    def __init__(self, text: str, unit: Unit) -> None:
        if unit not in UNITS:
            raise ValueError(f"unknown offset unit {unit!r}; use one of {', '.join(UNITS)}")
        self.text, self.unit = text, unit
        wide: list[int] = []
        widths: list[int] = []
        self._clusters: list[int] | None = None
        if unit == "grapheme":
            self._clusters = _cluster_starts(text)
        elif unit != "codepoint" and not text.isascii():
            for i, char in enumerate(text):
                extra = _extra_width(char, unit)
                if extra:
                    wide.append(i)
                    widths.append(extra)
        self._wide = wide  # code-point offsets of the characters wider than one unit
        self._extra = [0, *accumulate(widths)]  # extra units before the k-th wide character
        self.length = self.to_unit(len(text))

    @property
    def differs(self) -> bool:
        """Whether some offset of this text counts differently in this unit than in code
        points (so that a file in the wrong unit would shift spans)."""
        return bool(self._wide) or self._clusters is not None

    def to_unit(self, offset: int) -> int:
        """The unit offset of the boundary before code point ``offset``.

        Raises ValueError for an offset outside the text, and (counting grapheme clusters)
        for one inside a cluster, which that unit cannot express."""
        if not 0 <= offset <= len(self.text):
            raise ValueError(f"offset {offset} outside 0..{len(self.text)}")
        clusters = self._clusters
        if clusters is not None:
            k = bisect_left(clusters, offset)
            if clusters[k] != offset:
                start = clusters[k - 1]
                raise ValueError(
                    f"offset {offset} falls inside the grapheme cluster "
                    f"{self.text[start : clusters[k]]!r}"
                )
            return k
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
        if self._clusters is not None:
            return self._clusters[value]
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


def _cluster_starts(text: str) -> list[int] | None:
    """The code-point offset where each grapheme cluster starts, then ``len(text)``; None
    when every cluster is one code point (an ASCII text without CRLF, most texts in
    precomposed Latin), where the two units agree."""
    if text.isascii() and "\r\n" not in text:
        return None
    import regex  # only this unit needs it (about 30 ms to load)

    starts = [m.start() for m in regex.finditer(r"\X", text)]
    if len(starts) == len(text):
        return None
    starts.append(len(text))
    return starts


def _extra_width(char: str, unit: Unit) -> int:
    if unit == "utf16":
        return 1 if ord(char) > 0xFFFF else 0
    code = ord(char)
    return 0 if code < 0x80 else 1 if code < 0x800 else 2 if code < 0x10000 else 3
