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
    """Offset just after the sentence that contains (or follows) ``offset``: after its
    final punctuation and closing marks, or at the end of its paragraph. At the end of a
    paragraph (only white space up to the next one) it is the end of the next paragraph's
    first sentence, so pressing the key again crosses paragraph breaks, as quotes do."""
    n = len(text)
    i = offset
    while i < n and text[i].isspace():
        i += 1
    if i >= n:
        return _trim_end(text, n)
    for match in _SENTENCE_END.finditer(text, i):
        if match.group().startswith("\n"):
            end = _trim_end(text, match.start())
            if end > i:
                return end
            continue
        if match.end() > offset and not _continues(text, match.end()):
            return match.end()
    return _trim_end(text, n)


def sentence_start(text: str, offset: int) -> int:
    """Offset of the first character of the sentence that contains ``offset``; at the
    start of a sentence (or of a paragraph), the start of the one before."""
    i = offset
    while i > 0 and text[i - 1].isspace():
        i -= 1
    if i <= 0:
        return _skip_space(text, 0, offset)
    window = 4096
    while True:
        low = max(0, i - window)
        start = low if low == 0 else None
        for match in _SENTENCE_END.finditer(text, low, i):
            ends = match.group().startswith("\n") or not _continues(text, match.end())
            if ends and match.end() < i:
                start = match.end()
        if start is not None or low == 0:
            return _skip_space(text, start or 0, offset)
        window *= 4  # a sentence longer than the window: look further back


def _continues(text: str, end: int) -> bool:
    """Punctuation followed by a lower-case word ends no sentence ("U.S. influence",
    "\u201cStop!\u201d he said")."""
    i = end
    while i < len(text) and text[i] in " \t":
        i += 1
    return i < len(text) and text[i].islower()


def _trim_end(text: str, end: int) -> int:
    while end > 0 and text[end - 1].isspace():
        end -= 1
    return end


def _skip_space(text: str, start: int, limit: int) -> int:
    while start < limit and text[start].isspace():
        start += 1
    return start


# -- steps of the span edge keys --------------------------------------------------------

QUOTE_MARKS = "\"'\u201c\u201d\u201e\u201f\u2018\u2019\u201a\u201b\u00ab\u00bb\u2039\u203a\u300c\u300d\u300e\u300f\u301d\u301e\uff02"
_SPACE, _WORD, _QUOTE, _PUNCT, _SYMBOL = range(5)


def _attached(text: str, i: int) -> bool:
    """The character at ``i`` belongs to the one before it on screen: a combining mark,
    a variation selector, a skin tone, an emoji tag, a zero-width joiner or what follows
    one (so an emoji sequence such as a family or a flag with a tone is one unit)."""
    ch = text[i]
    code = ord(ch)
    return (
        unicodedata.category(ch).startswith("M")
        or code == 0x200D
        or 0x1F3FB <= code <= 0x1F3FF
        or 0xE0020 <= code <= 0xE007F
        or (i > 0 and text[i - 1] == "\u200d")
    )


def _kind(text: str, i: int) -> int:
    while i > 0 and _attached(text, i):
        i -= 1
    ch = text[i]
    if ch.isspace():
        return _SPACE
    if is_word_char(text, i):
        return _WORD
    if ch in QUOTE_MARKS:
        return _QUOTE
    return _PUNCT if unicodedata.category(ch).startswith("P") else _SYMBOL


def next_step(text: str, offset: int, step: int) -> int:
    """Where Alt+Right (step=+1) or Alt+Left (step=-1) moves a span edge from ``offset``:
    over any white space, then over one run of characters of one kind. The kinds are
    words (letters, digits, marks, an apostrophe or hyphen inside a word), quotation
    marks, other punctuation (full stops, commas, dashes, brackets) and symbols (emoji
    among them; an emoji with its modifiers and joiners counts as one). So
    ``reconciliation."`` loses its quotation mark in one step, its full stop in the next
    and the word in the third; ``…said —`` loses the dash in one step."""
    n = len(text)
    i = max(0, min(offset, n))
    if step > 0:
        while i < n and _kind(text, i) == _SPACE:
            i += 1
        if i >= n:
            return n
        kind = _kind(text, i)
        while i < n and _kind(text, i) == kind:
            i += 1
        return i
    while i > 0 and _kind(text, i - 1) == _SPACE:
        i -= 1
    if i <= 0:
        return 0
    kind = _kind(text, i - 1)
    while i > 0 and _kind(text, i - 1) == kind:
        i -= 1
    return i


def snap_edge(text: str, offset: int, edge: str) -> int:
    """A dragged span edge that lands inside a word takes the whole word, as a selection
    does: a start goes back to the word's start, an end on to the word's end."""
    if edge == "start":
        while offset > 0 and is_word_char(text, offset - 1) and is_word_char(text, offset):
            offset -= 1
    else:
        while offset < len(text) and is_word_char(text, offset - 1) and is_word_char(text, offset):
            offset += 1
    return offset


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
