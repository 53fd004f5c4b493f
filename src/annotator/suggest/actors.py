"""Actors: further mentions of the actors already marked, then titled names and
organisations as weaker candidates.

A marked actor's text is looked for as whole words everywhere in the article, and so is
the surname of a marked full name ("Sergei Lavrov" → "Lavrov") and the name without its
title ("President Vladimir Putin" → "Vladimir Putin", "Putin"). What core/occurrences.py
refuses for "label all occurrences" (a mention inside, around or across a span of the same
label) is refused here too; one in the headline or a web address is scored lower."""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from collections.abc import Sequence
from dataclasses import dataclass

from annotator.core.model import Document, DocumentMeta, Span
from annotator.core.occurrences import plan
from annotator.suggest.mentions import TITLES, trie

_TITLE_START = re.compile(rf"^(?:(?:{TITLES})[ \t]+)+")
_TITLED = re.compile(
    rf"\b(?:{TITLES})(?:[ \t]+[A-Z][\w'’.-]*){{1,3}}\b"
)
_ORGANISATION = re.compile(
    r"\b(?:[A-Z][\w&'’.-]*[ \t]+){0,4}(?:Ministry|Party|Organization|Organisation|Council|"
    r"Commission|Committee|Union|Agency|Department|Bank|Court|Parliament|Congress|Senate|"
    r"Government|Army|Police|Institute|Foundation|Association|Federation|Alliance|Times|Post|"
    r"News|Press|Service)(?:[ \t]+(?:of|for|on|in)[ \t]+(?:the[ \t]+)?[A-Z][\w'’-]*"
    r"(?:[ \t]+(?:(?:and|in|for)[ \t]+)?[A-Z][\w'’-]*){0,5})?"
)
_HEADS = ("Ministry Party Organization Organisation Council Commission Committee Union Agency "
          "Department Bank Court Parliament Congress Senate Government Army Police Institute "
          "Foundation Association Federation Alliance Times Post News Press Service")
# Titles and organisations' head words in one trie with no assertion before it, so the
# regular expression engine skips to the letters that may start one (a 5 MB article in
# a tenth of a second); a word's start is checked for each hit.
_START = re.compile(
    trie(sorted({t.replace("\\.", ".") for t in TITLES.split("|")} | set(_HEADS.split())))
    + r"\b")
_TITLE_WORDS = {t.replace("\\.", ".") for t in TITLES.split("|")}
_NAME_WORD = re.compile(r"^[A-Z][\w'’-]+$")


@dataclass(frozen=True, slots=True)
class Found:
    start: int
    end: int
    score: float
    reason: str


class _Taken:
    """Ranges already spoken for (marked actors and what this run proposes), sorted."""

    def __init__(self, ranges: Sequence[tuple[int, int]]):
        self.ranges = sorted(ranges)
        self.longest = max((e - s for s, e in self.ranges), default=0)

    def overlapping(self, a: int, b: int) -> bool:
        lo = bisect_left(self.ranges, (a - self.longest, -1))
        hi = bisect_left(self.ranges, (b, -1))
        return any(s < b and a < e for s, e in self.ranges[lo:hi])

    def add(self, a: int, b: int) -> None:
        insort(self.ranges, (a, b))
        self.longest = max(self.longest, b - a)


def forms(name: str) -> list[tuple[str, str]]:
    """The ways a marked actor recurs, longest first, each with how it was derived."""
    name = " ".join(name.split())
    out = [(name, "the same words")]
    bare = _TITLE_START.sub("", name)
    if bare != name and bare:
        out.append((bare, f"“{name}” without its title"))
    words = bare.split()
    if len(words) >= 2 and all(_NAME_WORD.match(w) for w in words) and len(words[-1]) >= 3:
        out.append((words[-1], f"surname of “{name}”"))
    return out


def further_mentions(text: str, actors: Sequence[Span], label: str = "actor") -> list[Found]:
    """Every further whole-word mention of the actors in ``actors`` (spans of ``label``)."""
    marked = sorted((s for s in actors if s.label == label), key=lambda s: s.start)
    taken = _Taken([(s.start, s.end) for s in marked])
    by_range = _Overlaps(marked)
    doc = Document("suggest", text, "", "", DocumentMeta(), "")
    out: list[Found] = []
    seen: set[str] = set()
    wanted = []
    for span in marked:
        for form, how in forms(span.text):
            if form not in seen:
                seen.add(form)
                wanted.append((form, how, span))
    wanted.sort(key=lambda w: -len(w[0]))  # "Sergei Lavrov" before "Lavrov"
    for form, how, span in wanted:
        probe = Span("probe", "suggest", span.start, span.end, label, form, "", "", "")
        for occ in plan(doc, probe, by_range.overlapping):
            if not occ.allowed or taken.overlapping(occ.start, occ.end):
                continue
            score, why = (0.9, "") if occ.ticked else (0.5, f", {occ.reason}")
            if how.startswith("surname"):
                score -= 0.05
            taken.add(occ.start, occ.end)
            out.append(Found(occ.start, occ.end, score,
                             f"another mention of an actor already marked: {how}{why}"))
    out.sort(key=lambda f: f.start)
    return out


def candidates(text: str, actors: Sequence[Span], already: Sequence[tuple[int, int]]) -> list[Found]:
    """Titled names and organisation names not yet marked nor proposed: weaker."""
    taken = _Taken([(s.start, s.end) for s in actors] + list(already))
    found: dict[tuple[int, int], tuple[float, str]] = {}
    for hit in _START.finditer(text):
        at = hit.start()
        if at and (text[at - 1].isalnum() or text[at - 1] in "_'’-"):
            continue  # inside a word
        if hit.group(0) in _TITLE_WORDS:
            m = _TITLED.match(text, at)
            if m is not None:
                found.setdefault(m.span(), (0.4, "a name with a title"))
            continue
        # An organisation: the match of the full pattern that holds this head word.
        for m in _ORGANISATION.finditer(text, max(0, at - 120), min(len(text), hit.end() + 160)):
            if m.start() <= at < m.end():
                found.setdefault(m.span(), (0.3, "an organisation's name"))
                break
    out: list[Found] = []
    for (a, b), (score, why) in sorted(found.items(), key=lambda kv: (-kv[1][0], kv[0])):
        while b > a and text[b - 1] in ".’'":
            b -= 1
        if b - a < 3 or taken.overlapping(a, b):
            continue
        taken.add(a, b)
        out.append(Found(a, b, score, f"{why}: “{text[a:b]}”"))
    out.sort(key=lambda f: f.start)
    return out


class _Overlaps:
    """``overlapping(a, b)`` for core/occurrences.plan over a sorted list of spans."""

    def __init__(self, spans: Sequence[Span]):
        self.spans = list(spans)
        self.starts = [s.start for s in self.spans]
        self.longest = max((s.end - s.start for s in self.spans), default=0)

    def overlapping(self, a: int, b: int) -> list[Span]:
        lo = bisect_left(self.starts, a - self.longest)
        hi = bisect_left(self.starts, b)
        return [s for s in self.spans[lo:hi] if s.start < b and a < s.end]
