"""Quotation marks in pairs: which mark opens and which closes, where a mark's partner
is, and how a span or a selection grows to a whole quotation. Pure functions over
code-point offsets.

A mark opens when it is left-flanking (after the start, white space or an opening
bracket or dash, and before a non-space) and closes when it is right-flanking (the
reverse); when both or neither hold, the mark's usual role decides (“ „ « ‘ ‚ ‹ 「 『
open, ” » ’ › 」 』 close) and a straight ``"`` has none. An apostrophe inside a word
(don’t) is no quotation mark. Partners: “ closes with ”, „ with “ or ” (German,
Polish), « with », » with « (German), ‘ with ’, ‚ with ‘ or ’, ‹ with ›, 「 with 」,
『 with 』, ``"`` with ``"``; the reverse for closing marks. A quotation that runs over
several paragraphs opens each of them again and closes only at its end (the news
convention): an opening mark of the same kind at a paragraph's start inside an open
quotation continues it rather than nesting."""

from __future__ import annotations

import re
import unicodedata

from annotator.core.textnav import is_word_char

_PARTNERS = {  # an opening mark and the marks that may close it
    "“": "”", "„": "“”", "«": "»", "»": "«", "‘": "’", "‚": "‘’", "‹": "›",
    "「": "」", "『": "』", "〝": "〞", '"': '"', "＂": "＂",
}
_OPENING = set("“„«‘‚‹「『〝")
_CLOSING = set("”»’›」』〞")
_MARKS = set(_PARTNERS) | set("".join(_PARTNERS.values()))
_MARK_RE = re.compile("[" + re.escape("".join(sorted(_MARKS))) + "]")
REACH = 100_000  # characters searched for a partner: a long article stays instant


def role(text: str, i: int) -> str | None:
    """"open", "close" or None for the character at ``i``."""
    if not 0 <= i < len(text) or text[i] not in _MARKS or is_word_char(text, i):
        return None
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    left = _opens_after(before) and not after.isspace()
    right = not before.isspace() and (after.isspace() or _punct(after))
    if left and not right:
        return "open"
    if right and not left:
        return "close"
    if text[i] in _OPENING:
        return "open"
    if text[i] in _CLOSING:
        return "close"
    return None


def _opens_after(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) in ("Ps", "Pi", "Pd") or ch in _MARKS


def _punct(ch: str) -> bool:
    return unicodedata.category(ch).startswith("P")


def partner(text: str, i: int) -> int | None:
    """Offset of the mark that closes (or opens) the quotation marked at ``i``."""
    kind = role(text, i)
    if kind == "open":
        return _closer(text, i)
    if kind == "close":
        return _opener(text, i)
    return None


def _closer(text: str, i: int) -> int | None:
    mark = text[i]
    closers, depth = _PARTNERS[mark], 1
    for match in _MARK_RE.finditer(text, i + 1, min(len(text), i + 1 + REACH)):
        j = match.start()
        kind = role(text, j)
        if kind == "close" and text[j] in closers:
            depth -= 1
            if depth == 0:
                return j
        elif kind == "open" and text[j] == mark and not (depth == 1 and _starts_paragraph(text, j)):
            depth += 1
    return None


def _opener(text: str, i: int) -> int | None:
    mark = text[i]
    low = max(0, i - REACH)
    found = [m.start() for m in _MARK_RE.finditer(text, low, i)]
    depth = 1
    for j in reversed(found):
        kind = role(text, j)
        if kind == "open" and mark in _PARTNERS.get(text[j], ""):
            depth -= 1
            if depth == 0:
                return j
        elif kind == "close" and text[j] == mark:
            depth += 1
    return None


def _starts_paragraph(text: str, j: int) -> bool:
    k = j
    while k > 0 and text[k - 1] in " \t":
        k -= 1
    return k == 0 or text[k - 1] in "\r\n"


def to_matching_mark(text: str, start: int, end: int) -> tuple[int, int] | None:
    """``[start, end)`` grown to a whole quotation: a range that starts at an opening
    mark ends after its closing mark; one that ends at a closing mark starts at its
    opening mark; one inside a quotation takes the marks around it. None when there is
    no quotation to complete."""
    first, last = _skip(text, start, end, 1), _skip(text, end, start, -1)
    if first < last:
        if role(text, first) == "open":
            other = _closer(text, first)
            if other is not None and other >= last:
                return first, other + 1
        if role(text, last - 1) == "close":
            other = _opener(text, last - 1)
            if other is not None and other < first:
                return other, last
    # The nearest quotation that holds the whole range.
    tried = 0
    for j in reversed([m.start() for m in _MARK_RE.finditer(text, max(0, start - REACH), start)]):
        if role(text, j) != "open":
            continue
        other = _closer(text, j)
        if other is not None and other >= max(last, first):
            return j, other + 1
        tried += 1
        if tried >= 20:
            break
    return None


def balanced(text: str, start: int, end: int, moving: str) -> tuple[int, int]:
    """A selection whose ``moving`` edge ("start" or "end") was just extended, with its
    quotation marks kept in pairs: a closing mark at its end whose opening mark sits just
    before its start (only white space between) brings that mark in; one whose opening
    mark is further back is left out. The same, mirrored, for an opening mark at its
    start."""
    for _ in range(4):  # a few nested marks at most (’” or “‘)
        first, last = _skip(text, start, end, 1), _skip(text, end, start, -1)
        if first >= last:
            break
        if moving == "end" and role(text, last - 1) == "close":
            other = _opener(text, last - 1)
            if other is None or other >= first:
                break
            if not text[other + 1:first].strip():
                start = other
            else:
                end = _skip(text, last - 1, start, -1)
        elif moving == "start" and role(text, first) == "open":
            other = _closer(text, first)
            if other is None or other < last:
                break
            if not text[last:other].strip():
                end = other + 1
            else:
                start = _skip(text, first + 1, end, 1)
        else:
            break
    return start, end


def _skip(text: str, i: int, limit: int, step: int) -> int:
    """``i`` moved past white space towards ``limit`` (step 1: forwards from a start,
    step -1: backwards from an end)."""
    if step > 0:
        while i < limit and text[i].isspace():
            i += 1
    else:
        while i > limit and text[i - 1].isspace():
            i -= 1
    return i
