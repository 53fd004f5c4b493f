"""Find in an article: the matches of what the find bar holds, in code-point offsets.

Python's ``re`` runs over the whole text in C, so counting the matches of a 5 MB
article takes milliseconds; the count stops at :data:`COUNT_LIMIT` so that a one-letter
search cannot keep the window busy, and finding the next match never needs the count."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

COUNT_LIMIT = 10_000


@dataclass
class Finder:
    """The matches of ``needle`` in ``text`` (case-sensitive or not, whole words or not);
    made once per search, asked for the next match and a match's number.

    Without match case the search runs on the text in lower case (one copy, kept while
    the article is open), which is as fast as an exact search, where ``re.IGNORECASE``
    over megabytes is not; a text whose lower case is longer (a dotted capital I) is
    searched with ``re.IGNORECASE``, so offsets always stay the text's own."""

    text: str
    needle: str
    match_case: bool = False
    whole_word: bool = False
    _pattern: re.Pattern | None = field(init=False, default=None)
    _haystack: str = field(init=False, default="")
    _starts: list[int] | None = field(init=False, default=None)
    _capped: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        if not self.needle:
            return
        needle, flags, self._haystack = self.needle, 0, self.text
        if not self.match_case:
            lowered = _lowered(self.text)
            if lowered is not None and len(needle.lower()) == len(needle):
                needle, self._haystack = needle.lower(), lowered
            else:
                flags = re.IGNORECASE
        body = literal = re.escape(needle)
        if self.whole_word and _wordy(needle[0]):
            # After the needle, not before it: a pattern that starts with its literal
            # text is searched for fast, one that starts with a lookbehind is not.
            body += rf"(?<!\w{literal})"
        if self.whole_word and _wordy(needle[-1]):
            body += r"(?!\w)"
        self._pattern = re.compile(body, flags)

    def _matches(self, position: int = 0):
        for match in self._pattern.finditer(self._haystack, position):
            yield match.span()

    def _all(self) -> list[int]:
        if self._starts is None:
            self._starts = []
            if self._pattern is not None:
                for start, _end in self._matches():
                    self._starts.append(start)
                    if len(self._starts) >= COUNT_LIMIT:
                        self._capped = True
                        break
        return self._starts

    def count(self) -> tuple[int, bool]:
        """How many matches, and whether there are more than that (the count stopped)."""
        starts = self._all()
        return len(starts), self._capped

    def number(self, start: int) -> int | None:
        """1 for the first match, ...; None if no counted match starts at ``start``."""
        starts = self._all()
        i = bisect_left(starts, start)
        return i + 1 if i < len(starts) and starts[i] == start else None

    def is_match(self, start: int, end: int) -> bool:
        """``[start, end)`` is a match (checked there alone: cheap on any text)."""
        if self._pattern is None or start >= end:
            return False
        found = self._pattern.match(self._haystack, start)
        return found is not None and found.end() == end

    def next(self, position: int, *, backward: bool = False) -> tuple[int, int] | None:
        """The first match starting at or after ``position`` (backward: the last one
        starting before it), wrapping around the end (or start) of the text."""
        if self._pattern is None:
            return None
        if not backward:
            return next(self._matches(position), None) or next(self._matches(0), None)
        return self._before(position) or self._before(len(self.text) + 1)

    def _before(self, position: int) -> tuple[int, int] | None:
        window = 4096
        while True:
            low = max(0, position - window)
            last = None
            for span in self._matches(low):
                if span[0] >= position:
                    break
                last = span
            if last is not None or low == 0:
                return last
            window *= 8


def _wordy(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


_LOWERED: list[tuple[str, str | None]] = []  # the last text and its lower case


def _lowered(text: str) -> str | None:
    """``text`` in lower case, if that keeps every offset (else None); the last one is
    kept, so typing in the find bar lowers a long article once."""
    if _LOWERED and _LOWERED[0][0] is text:
        return _LOWERED[0][1]
    lowered = text.lower()
    found = lowered if len(lowered) == len(text) else None
    _LOWERED[:] = [(text, found)]
    return found


def forget() -> None:
    """Drop the kept lower-case copy (another article was opened)."""
    _LOWERED.clear()
