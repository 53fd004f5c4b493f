"""Direct quotations: quotation marks paired over an article, with the news conventions.

A mark's role (opening, closing, an apostrophe inside a word) comes from core/quotes.py.
The article is read once, left to right: an opening mark starts a quotation that the next
closing mark of a fitting kind ends. A quotation that meets a paragraph break unclosed
runs on when the next paragraph opens with a quotation mark (the news convention: each
paragraph of a long quotation opens again, only the last closes); each paragraph becomes
a quotation of its own, as annotators mark them. One that meets a paragraph break
otherwise is a stray mark (an odd count) and is dropped, so one missing mark costs one
quotation, never the rest of the article. ``’`` at a word's end (the Smiths’ house) closes
only a quotation opened with ``‘``.

Some sources print a double quotation mark as two apostrophes (''We will win,'' she
said): :func:`with_marks` gives the text with each such pair as a real mark, the same
length, so every suggester reads one kind of mark and keeps the article's offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass

from annotator.core.quotes import role

_MARKS = re.compile("[\"“”‘’«»„‚‹›＂]")
# (A straight mark closes a curly one: sources that mix them, “…," said X.)
_CLOSERS = {"“": "”“\"", "„": "“”\"", "«": "»", "»": "«", "‘": "’", "‚": "‘’", "‹": "›",
            '"': '"”“', "＂": "＂"}
_SINGLE = set("‘‚’")
# Two apostrophes not after a third (the look-behind after them, so that the engine looks
# for the pair itself, which a look-behind before them would have it try at every place).
_TWO_APOSTROPHES = re.compile(r"''(?<!''')")


@dataclass(frozen=True, slots=True)
class Quotation:
    start: int  # first character inside the marks
    end: int  # the closing mark (or the paragraph's end for a quotation that runs on)
    open_at: int  # where its opening mark is
    closed: bool  # closed by a mark (False: a paragraph of a quotation that runs on)
    words: int


def with_marks(text: str) -> str:
    """``text`` with each ``''`` standing for a double quotation mark made “ (with a
    space before it) or ” (a space after it), by which side of it a word is on: the
    same length, so offsets into one are offsets into the other."""
    if "''" not in text:
        return text
    out = []
    last = 0
    for m in _TWO_APOSTROPHES.finditer(text):
        i = m.start()
        after = text[i + 2:i + 3]
        before = text[i - 1:i]
        opens = after[:1] not in ("", " ", "\t", "\n", "\r") and (
            not before or before.isspace() or before in "([{—–-/")
        out.append(text[last:i])
        out.append(" “" if opens else "” ")
        last = i + 2
    out.append(text[last:])
    return "".join(out)


def _word_count(text: str) -> int:
    return len(text.split())


def quotations(text: str) -> list[Quotation]:
    """The direct quotations of ``text`` in order, their marks left out."""
    found: list[Quotation] = []
    opened: int | None = None  # where the open quotation's mark is
    begin = 0  # where its current paragraph's piece begins (after the mark)
    marks = [m.start() for m in _MARKS.finditer(text)]
    for n, i in enumerate(marks):
        kind = role(text, i)
        if kind is None and text[i] == '"':
            kind = "open" if opened is None else "close"
        if opened is not None and text.find("\n", begin, i) >= 0:
            cut = text.index("\n", begin, i)
            rest = text[cut:i]
            if not rest.strip() and kind == "open" and _runs_on(text[opened], text[i]):
                # The news convention: the next paragraph opens the quotation again.
                found.append(_make(text, begin, cut, opened, closed=False))
                opened, begin = i, i + 1
                continue
            if kind == "close" and text[i] in _CLOSERS.get(text[opened], "") and (
                text.count("\n\n", cut, i) <= 1 and _fits_after(marks, n, text, i)
            ):
                # A paragraph broken inside a sentence (a copying slip): the quotation
                # closes in the next paragraph with no mark opening it again.
                found.append(_make(text, begin, cut, opened, closed=False))
                found.append(_make(text, cut, i, opened, closed=True))
                opened = None
                continue
            opened = None  # a stray mark: an odd count, given up at the paragraph's end
        if opened is None:
            if kind == "open" and text[i] != "’":
                opened, begin = i, i + 1
            continue
        if kind == "close" and text[i] in _CLOSERS.get(text[opened], ""):
            found.append(_make(text, begin, i, opened, closed=True))
            opened = None
        elif kind == "open" and text[i] == text[opened] and text[i] not in _SINGLE:
            # Two opening marks in a row: the first was stray; start again here.
            opened, begin = i, i + 1
    return [q for q in found if q.start < q.end]


def _runs_on(first: str, again: str) -> bool:
    return first not in _SINGLE and again in (first, "“", '"', "«", "„")


def _fits_after(marks: list[int], n: int, text: str, i: int) -> bool:
    """Whether the closing mark at ``i`` (the n-th mark) is followed by text that an
    attribution or a sentence's end would follow: not by another closing mark."""
    return n + 1 >= len(marks) or role(text, marks[n + 1]) != "close"


def _make(text: str, start: int, end: int, mark: int, *, closed: bool) -> Quotation:
    while start < end and text[start].isspace():
        start += 1
    stop = end
    while stop > start and (text[stop - 1].isspace() or text[stop - 1] == ","):
        stop -= 1  # a comma before the closing mark belongs to the attribution after it
    return Quotation(start, stop, mark, closed, _word_count(text[start:stop]))
