"""Full-text search as the reader sees it: the snippet of an article around the hits of a
search, and what the article's find bar then looks for.

The store finds the articles (SQLite's FTS5 index); the snippets are made here from the
stored text of the few articles on screen only. FTS5's own ``snippet()`` costs a few
milliseconds per row on a 100,000-article index (it reads the whole posting list of
each word again), this costs a regular expression over one article."""

from __future__ import annotations

import re

# Around the matched words of a snippet: Unicode noncharacters (never meant to be in
# interchanged text), so the window can mark them after escaping the text.
HIT_START, HIT_END = "\ufdd0", "\ufdd1"
_TOKEN = re.compile(r"\w+")  # the index's words: runs of letters and digits
_CONSIDERED = 50  # hits weighed for the best window (the first ones: cheap on any text)
BEFORE, WIDTH = 40, 170  # characters of context before the best hit, and in all


def hit_pattern(search: str) -> re.Pattern | None:
    """The words of ``search`` as the index matches them: whole words in any case, the
    last one possibly the start of a word; None without words."""
    tokens = _TOKEN.findall(search)
    if not tokens:
        return None
    parts = [rf"(?<!\w){re.escape(t)}(?!\w)" for t in tokens[:-1]]
    parts.append(rf"(?<!\w){re.escape(tokens[-1])}\w*")
    return re.compile("|".join(parts), re.IGNORECASE)


def snippet(text: str, search: str, *, title: str = "") -> str:
    """About :data:`WIDTH` characters of ``text`` around the place where the words of
    ``search`` are densest, each hit between :data:`HIT_START` and :data:`HIT_END`; "…"
    where the text goes on. When only the title matches (or a word matched the index
    without its accents) the title with its hits, or the text's beginning."""
    pattern = hit_pattern(search)
    if pattern is None:
        return _cut(text, 0)
    hits = []
    for match in pattern.finditer(text):
        hits.append((match.start(), match.group().lower()))
        if len(hits) >= _CONSIDERED:
            break
    if not hits:
        if title and pattern.search(title):
            return _mark(title, pattern)
        return _cut(text, 0)
    best, best_score = hits[0][0], 0
    for start, _word in hits:
        score = len({w for s, w in hits if start <= s < start + WIDTH - BEFORE})
        if score > best_score:
            best, best_score = start, score
    # the window ends at the text's end rather than show less than it could
    return _cut(text, max(0, min(best - BEFORE, len(text) - WIDTH)), pattern)


def _cut(text: str, start: int, pattern: re.Pattern | None = None) -> str:
    if start > 0:  # begin at a word
        space = text.find(" ", start, start + 20)
        start = space + 1 if space >= 0 else start
    end = min(len(text), start + WIDTH)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    piece = text[start:end]
    piece = _mark(piece, pattern) if pattern is not None else piece
    return ("…" if start > 0 else "") + piece + ("…" if end < len(text) else "")


def _mark(text: str, pattern: re.Pattern) -> str:
    return pattern.sub(lambda m: f"{HIT_START}{m.group()}{HIT_END}", text)


def needle_for(search: str, text: str) -> str:
    """What the find bar looks for in an article opened from a full-text search: the
    words as typed when the article holds them side by side, else the first of them the
    article holds (the search matched its words anywhere in the article, the last one
    possibly as the start of a word), else the first word."""
    words = search.split()
    if not words:
        return ""
    lowered = text.lower()
    phrase = " ".join(words)
    if phrase.lower() in lowered:
        return phrase
    return next((w for w in words if w.lower() in lowered), words[0])
