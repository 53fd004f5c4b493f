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
from annotator.suggest.mentions import NOT_NAMES, PRONOUNS, TITLES, trie

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


_JOINING = {"of", "for", "and", "in", "on", "de", "del", "da", "du", "von", "van", "der",
            "al", "bin", "la", "le", "y"}
_DETERMINERS = ("the ", "The ")
# Words that end an organisation's or a place's name: the last word of "the White House"
# or "United States" is no surname to look for alone.
_NOT_SURNAMES = set(_HEADS.split()) | {
    "House", "States", "Nations", "Kingdom", "Republic", "Office", "University", "Street",
    "Journal", "Tower", "Center", "Centre", "Hall", "Group", "Company", "Corporation",
    "Inc", "Fund", "Board", "Guard", "Forces", "Club", "Network", "Media", "Review"}
# A one-word name after these is a place ("a meeting in Moscow"), not the actor that
# bears its name ("Moscow has long said").
_PLACE_BEFORE = {"in", "at", "near", "outside", "inside", "across", "around", "from", "into",
                 "throughout", "to", "visit", "visited", "visiting", "via", "toward", "towards"}
# Words that open sentences without being names, beyond mentions.NOT_NAMES.
_OPENER_WORDS = ("Later Earlier Today Yesterday Tonight Tomorrow Indeed Again Separately "
                 "Elsewhere Finally Here Recently Previously Afterwards Together Nonetheless "
                 "Nevertheless Moreover Furthermore Otherwise Thus Hence Perhaps Maybe")
_OPENERS = set(_OPENER_WORDS.split())
_TITLE_CASE = 0.7  # share of a line's longer words capitalised that makes it a headline


def _is_name(words: list[str]) -> bool:
    """Capitalised words (joining words between them): a proper name, which recurs as
    the same entity; "he", "officials" or "the company" repeated need not be it."""
    if not words or not words[0].strip("()")[:1].isupper() or not words[-1][:1].isupper():
        return False
    if words[0].rstrip(".") in NOT_NAMES or words[0].lower() in PRONOUNS:
        return False
    return all(w.strip("()")[:1].isupper() or w in _JOINING for w in words)


def forms(name: str) -> list[tuple[str, str]]:
    """The ways a marked actor recurs, longest first, each with how it was derived; none
    for an actor that is no proper name (a pronoun, "officials", "the company",
    "Russia's foreign minister")."""
    name = " ".join(name.split()).rstrip(",.;:")
    if name.endswith(("'s", "’s")):
        name = name[:-2]  # "Mrs. Clinton's" recurs as "Mrs. Clinton"
    if name.startswith(_DETERMINERS):
        name = name[4:]  # "the United States" recurs as "United States"
    bare = _TITLE_START.sub("", name)
    words = bare.split()
    if not _is_name(words) or len(bare) < 2:
        return []
    out = [(name, "the same words")]
    if bare != name:
        out.append((bare, f"“{name}” without its title"))
    words = [w.strip("()") for w in words]  # "(Barack) Obama"
    if (len(words) >= 2 and all(_NAME_WORD.match(w) for w in words) and len(words[-1]) >= 3
            and words[-1] not in _NOT_SURNAMES and not words[-1].isupper()):
        out.append((words[-1], f"surname of “{name}”"))
    return out


def _alone(text: str, a: int, b: int, one_word: bool) -> str:
    """Why the occurrence ``[a, b)`` is no mention of the actor it repeats, or "": a
    piece of a longer name ("Moscow" in "The Moscow Times", "Clinton" in "Hillary
    Clinton"), or a one-word name used as a place ("in Moscow")."""
    line_start = text.rfind("\n", 0, a) + 1
    before = text[max(line_start, a - 40):a]
    after = text[b:b + 40].split("\n", 1)[0]
    prev = before.rstrip(" \t").rsplit(None, 1)[-1:] if before[-1:] in (" ", "\t") else []
    nxt = after.lstrip(" \t").split(None, 1)[:1] if after[:1] in (" ", "\t") else []
    if prev:
        word = prev[0].lstrip("[(\"“‘'")
        # At a sentence's start too ("Hillary Clinton" is no mention of "Bill Clinton"),
        # unless that word is an ordinary one capitalised there ("Later", "Underlining").
        if (word[:1].isupper() and word[-1:].isalpha() and word.rstrip(".") not in NOT_NAMES
                and word not in _TITLE_WORDS
                and not (_opens_sentence(before) and _plain_word(text, word, a))):
            return f"part of the longer name “{word} {text[a:b]}”"
        if one_word and word in _PLACE_BEFORE:
            return f"a place after “{word}”"
    if nxt and nxt[0][:1].isupper() and nxt[0][1:2].isalpha() and (
            nxt[0].rstrip(".,;:)]") in _NOT_SURNAMES or not _title_case(text, a)):
        return f"part of the longer name “{text[a:b]} {nxt[0]}”"
    return ""


def _opens_sentence(before: str) -> bool:
    """Whether the last word of ``before`` is the first of its sentence."""
    head = before.rstrip(" \t")
    cut = max(head.rfind(" "), head.rfind("\t"))
    lead = head[:cut].rstrip(" \t") if cut >= 0 else ""
    return not lead or lead[-1] in ".!?:;\"“”'’—(-"


def _plain_word(text: str, word: str, at: int) -> bool:
    """Whether ``word`` is an ordinary word capitalised as a sentence's first: an adverb
    or a participle by its ending, or found in lower case in the text around."""
    low = word.lower()
    if word in _OPENERS or low.endswith(("ly", "ing", "ed")):
        return True
    return re.search(rf"\b{re.escape(low)}\b", text[max(0, at - 20_000):at + 20_000]) is not None


def _title_case(text: str, at: int) -> bool:
    """Whether the line holding ``at`` is a headline in title case ("Lavrov Warns U.S.")."""
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    line = text[start:end if end >= 0 else min(len(text), at + 400)]
    longer = [w for w in line.split() if len(w) >= 4]
    return bool(longer) and sum(w[:1].isupper() for w in longer) >= _TITLE_CASE * len(longer)


def further_mentions(text: str, actors: Sequence[Span], label: str = "actor") -> list[Found]:
    """Every further whole-word mention of the actors in ``actors`` (spans of ``label``)
    that are proper names."""
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
        one_word = " " not in form
        for occ in plan(doc, probe, by_range.overlapping):
            if not occ.allowed or taken.overlapping(occ.start, occ.end):
                continue
            if _alone(text, occ.start, occ.end, one_word):
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
