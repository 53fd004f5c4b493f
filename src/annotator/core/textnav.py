"""Word and sentence boundaries and occurrences in a text: what keyboard selection,
snapping and "label all occurrences" need. Pure functions over code-point offsets."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from functools import lru_cache

_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s|$)|\n\s*\n")
_APOSTROPHES = "'’"


def is_word_char(text: str, i: int) -> bool:
    """Letters, digits and combining marks; an apostrophe or hyphen between two of them
    (don't, pro-Russian) belongs to the word."""
    if not 0 <= i < len(text):
        return False
    ch = text[i]
    if ch.isalnum() or unicodedata.category(ch).startswith("M"):
        return True
    if ch in _APOSTROPHES or ch == "-":
        return 0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum()
    return False


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen ``[start, end)`` so that it does not cut a word in two."""
    if start >= end:
        return start, end
    while start > 0 and is_word_char(text, start - 1) and is_word_char(text, start):
        start -= 1
    while end < len(text) and is_word_char(text, end - 1) and is_word_char(text, end):
        end += 1
    return start, end


def next_word_boundary(text: str, offset: int, step: int) -> int:
    """The next word start (step=-1) or word end (step=+1) from ``offset``."""
    i = offset
    if step > 0:
        while i < len(text) and not is_word_char(text, i):
            i += 1
        while i < len(text) and is_word_char(text, i):
            i += 1
        return i
    while i > 0 and not is_word_char(text, i - 1):
        i -= 1
    while i > 0 and is_word_char(text, i - 1):
        i -= 1
    return i


def sentence_end(text: str, offset: int) -> int:
    """Offset just after the sentence that contains (or follows) ``offset``."""
    match = _SENTENCE_END.search(text, offset + 1 if offset < len(text) else offset)
    if match is None:
        return len(text.rstrip()) if text.strip() else len(text)
    if match.group().startswith("\n"):
        return match.start()
    return match.end()


def sentence_start(text: str, offset: int) -> int:
    """Offset of the first character of the sentence that contains ``offset``."""
    start = 0
    for match in _SENTENCE_END.finditer(text, 0, max(offset - 1, 0)):
        start = match.end()
    while start < offset and text[start].isspace():
        start += 1
    return start


def occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    """Every place ``needle`` occurs as whole words (not inside a longer word); a name
    before a possessive ’s (Putin's proposals) counts: the name is there."""
    if not needle.strip():
        return []
    found = []
    i = text.find(needle)
    while i >= 0:
        end = i + len(needle)
        if not (is_word_char(text, i - 1) and is_word_char(text, i)) and not (
            is_word_char(text, end - 1) and is_word_char(text, end) and not _possessive(text, end)
        ):
            found.append((i, end))
        i = text.find(needle, i + 1)
    return found


def _possessive(text: str, i: int) -> bool:
    """An apostrophe and an s that ends the word at ``i`` (Lavrov’s, Putin's)."""
    return (text[i : i + 1] in _APOSTROPHES and text[i + 1 : i + 2] in ("s", "S")
            and not is_word_char(text, i + 2))


_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n\s*")  # a blank line (or more) and what follows


def paragraph_number(text: str, offset: int) -> int:
    """The paragraph (counted from 1; paragraphs are parted by blank lines) that holds
    ``offset``. The paragraphs of the last text asked about are kept: hovering over
    the spans of a long article asks again and again."""
    return max(1, bisect_right(paragraph_starts(text), offset))


@lru_cache(maxsize=1)
def paragraph_starts(text: str) -> list[int]:
    """Where each paragraph begins (its first character that is not white space)."""
    first = len(text) - len(text.lstrip())
    starts = [first] if first < len(text) else []
    starts += [m.end() for m in _PARAGRAPH_BREAK.finditer(text, first) if m.end() < len(text)]
    return starts
