"""Who said it: the actor candidates of a quote or claim, ranked by attribution evidence.

News prose names a speaker in a handful of set ways, right at a quotation's edge: "…,"
Lavrov said / said Foreign Minister Sergei Lavrov / he said; Lavrov said: "…"; Moscow has
long said …; according to X; X: "…". A span's edges are first widened to the quotation
marks around it (a quote marked without its marks, or one paragraph of a quotation that
runs on: its speaker is named after the last one). The ranking, best first:

3. an actor named at either edge with a verb of saying, or "according to", or a colon;
   a pronoun there ("he said") stands for the nearest speaker before it outside quotes;
2. the subject of a verb of saying in the same sentence ("X warned NATO not to …");
1. a quotation that is a paragraph of its own takes the speaker of the quotation before it;
0. no evidence.

Within a rank an actor outside every quotation comes before one inside another quote, an
actor inside the span itself comes last, and then the one nearer an edge wins. Only a
window of text around the span is read, so a long article costs what a short one does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from annotator.core.model import Span

_VERBS = (
    "say|says|said|tell|tells|told|add|adds|added|warn|warns|warned|urge|urges|urged|"
    "state|states|stated|declare|declares|declared|insist|insists|insisted|note|notes|noted|"
    "explain|explains|explained|argue|argues|argued|claim|claims|claimed|ask|asks|asked|"
    "reply|replies|replied|write|writes|wrote|announce|announces|announced|promise|promises|"
    "promised|stress|stresses|stressed|continue|continues|continued|predict|predicts|"
    "predicted|suggest|suggests|suggested|admit|admits|admitted|acknowledge|acknowledges|"
    "acknowledged|complain|complains|complained|remark|remarks|remarked|comment|comments|"
    "commented|respond|responds|responded|believe|believes|believed|think|thinks|thought|"
    "maintain|maintains|maintained|deny|denies|denied|accuse|accuses|accused|vow|vows|vowed"
)
# Words that may stand between a speaker and its verb: "has long said", "also urged".
_ADV = r"(?:(?:has|have|had|also|long|later|then|again|once|earlier|previously|recently|" \
       r"further|once again|never|\w+ly)\s+)"
_VERB = rf"(?:{_VERBS})\b"
# A title or name part between a verb and the name: "said Foreign Minister Sergei Lavrov".
_TITLES = r"(?:[A-Z][\w.'’-]*[ \t]+){0,4}"
# An apposition after a name: "Lavrov, the minister, said".
_APPOSITION = r"(?:\s*,[^,\"“”\n]{1,60},)?"
_PRONOUN = r"(?:he|she|they|it|we|He|She|They|It|We)"

# After an actor: it is the subject of a verb of saying.
_SPEAKS = re.compile(rf"^{_APPOSITION}\s+{_ADV}{{0,3}}{_VERB}")
# Between a quotation's end and an actor after it: "…," said (Foreign Minister) X.
_SAID_THEN = re.compile(rf"^[ \t,;—–-]*(?:{_VERB}|according to)\s+{_TITLES}$", re.IGNORECASE)
# Between a quotation's end and an actor just after it: only punctuation.
_JUST_AFTER = re.compile(rf"^[ \t,.;!?—–-]*{_TITLES}$")
# Between an actor and the quotation after it: "X said: ", "X has long said that ",
# "X warned NATO ", "X, the minister, told reporters: ", "X: ".
_SAYS_BEFORE = re.compile(
    rf"^{_APPOSITION}\s+{_ADV}{{0,3}}{_VERB}(?:\s+[\w'’-]+){{0,3}}?\s*[,:]?\s*(?:that\s*)?$"
    r"|^\s*:\s*$"
)
# Before an actor: "according to (Foreign Minister) ".
_ACCORDING = re.compile(rf"according to\s+{_TITLES}$", re.IGNORECASE)
# (A speaker is named in the quotation's own paragraph: no line break in these gaps.)
# A pronoun speaking right after a quotation's end, or right before its start.
_PRONOUN_AFTER = re.compile(rf"^[ \t,.;!?—–-]*({_PRONOUN})\s+{_ADV}{{0,3}}{_VERB}")
_PRONOUN_BEFORE = re.compile(
    rf"\b({_PRONOUN})\s+{_ADV}{{0,3}}{_VERB}(?:\s+[\w'’-]+){{0,3}}?\s*[,:]?\s*(?:that\s*)?$"
)

_OPENING = "“„«‹"
_CLOSING = "”»›"
_STRAIGHT = '"'
_MARKS = re.compile("[" + re.escape(_OPENING + _CLOSING + _STRAIGHT) + "]")
_OPENS_AFTER = " \t\r\n([{—–-/"  # a straight quote after these opens a quotation

_RUN_ON = 5  # paragraphs a quotation is followed through to its closing mark
WINDOW = 1500  # how far from a span a quotation mark or a speaker is looked for


@dataclass(frozen=True)
class Ranked:
    span: Span
    rank: int  # 3 named at an edge, 2 subject of the sentence, 1 the quotation before, 0 none
    reason: str


def _mark(text: str, i: int) -> str:
    """"open" or "close" for the quotation mark at ``i``."""
    c = text[i]
    if c in _OPENING:
        return "open"
    if c in _CLOSING:
        return "close"
    return "open" if i == 0 or text[i - 1] in _OPENS_AFTER else "close"


def _mark_before(text: str, pos: int) -> tuple[int, str] | None:
    lo = max(0, pos - WINDOW)
    last = None
    for last in _MARKS.finditer(text, lo, pos):  # noqa: B007 (the last one is wanted)
        pass
    return None if last is None else (last.start(), _mark(text, last.start()))


def _mark_after(text: str, pos: int) -> tuple[int, str] | None:
    found = _MARKS.search(text, pos, min(len(text), pos + WINDOW))
    return None if found is None else (found.start(), _mark(text, found.start()))


def quotation(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` widened to the quotation marks around it, where there are some."""
    # A span may hold its own marks: its first character may open the quotation, its
    # last close it.
    opens_itself = start < end and _MARKS.match(text, start) and _mark(text, start) == "open"
    before = (start, "open") if opens_itself else _mark_before(text, start)
    if not before or before[1] != "open":
        return start, end
    if end - 1 > start and _MARKS.match(text, end - 1) and _mark(text, end - 1) == "close":
        return before[0], end
    after = _mark_after(text, end)
    here = end
    for _ in range(_RUN_ON):
        if after is None:
            break
        if after[1] == "close":
            return before[0], after[0] + 1
        # A quotation running on: each paragraph opens again, only the last one closes.
        between = text[here:after[0]]
        if "\n" not in between or between.strip():
            break
        here = after[0] + 1
        after = _mark_after(text, here)
    return start, end


def inside_quotation(text: str, start: int, end: int) -> bool:
    return quotation(text, start, end) != (start, end)


def rank(
    text: str, source: Span, candidates: Iterable[Span], *, quotes: Sequence[Span] = ()
) -> list[Ranked]:
    """``candidates`` (the spans a link from ``source`` may point to) best first.

    ``quotes`` are the quote spans near ``source``: an actor inside one of them (other than
    ``source``) is "inside another quote" even where the text has no quotation marks.
    """
    cands = [c for c in candidates if c.id != source.id]
    left, right = quotation(text, source.start, source.end)
    others = [(q.start, q.end) for q in quotes if q.id != source.id]

    def in_other_quote(c: Span) -> bool:
        if source.start <= c.start and c.end <= source.end:
            return False  # inside the source itself: ranked apart
        return any(a <= c.start and c.end <= b for a, b in others) or (
            not (left <= c.start and c.end <= right) and inside_quotation(text, c.start, c.end)
        )

    outside = {c.id: not in_other_quote(c) for c in cands}

    def is_inside_source(c: Span) -> bool:
        return left <= c.start and c.end <= right

    def speaks(c: Span) -> bool:
        return bool(_SPEAKS.match(text[c.end:c.end + 80]))

    def named_at_edges(qleft: int, qright: int) -> dict[str, str]:
        found: dict[str, str] = {}
        for c in cands:
            if qleft <= c.start and c.end <= qright:
                continue
            if c.start >= qright and c.start - qright <= 80:
                gap = text[qright:c.start]
                if _SAID_THEN.match(gap):
                    found[c.id] = "named after it: " + " ".join(gap.split()).strip(",; ")
                elif _JUST_AFTER.match(gap) and speaks(c):
                    found[c.id] = "speaks right after it"
            elif c.end <= qleft and qleft - c.end <= 80:
                gap = text[c.end:qleft]
                if "\n" in gap:
                    continue
                if _SAYS_BEFORE.match(gap):
                    found[c.id] = "speaks right before it"
                elif re.match(r"^\s*,\s*$", gap) and _ACCORDING.search(text[max(0, c.start - 40):c.start]):
                    found[c.id] = "according to"
        for where, match in (
            (qright, _PRONOUN_AFTER.match(text[qright:qright + 60])),
            (qleft, _PRONOUN_BEFORE.search(text[max(0, qleft - 60):qleft])),
        ):
            if match:
                at = (where if where == qright else max(0, qleft - 60)) + match.start(1)
                who = _resolve(at)
                if who is not None and who.id not in found:
                    phrase = " ".join(match.group(0).strip(" \t,.;:!?—–-").split())
                    found[who.id] = f"“{phrase}” {('after', 'before')[where == qleft]} it"
        return found

    def _resolve(at: int) -> Span | None:
        """The nearest speaker before ``at`` outside quotes, else the nearest actor."""
        before = [c for c in cands if c.end <= at and at - c.end <= WINDOW
                  and outside[c.id] and not is_inside_source(c)]
        before.sort(key=lambda c: -c.end)
        return next((c for c in before if speaks(c)), before[0] if before else None)

    evidence: dict[str, tuple[int, str]] = {
        cid: (3, why) for cid, why in named_at_edges(left, right).items()
    }
    sentence = _sentence(text, left, right)
    for c in cands:
        if c.id in evidence or not outside[c.id] or is_inside_source(c):
            continue
        if sentence[0] <= c.start and c.end <= sentence[1] and speaks(c):
            evidence[c.id] = (2, "speaks in the same sentence")
    if not evidence and _own_paragraph(text, left, right):
        previous = _previous_quotation(text, left)
        if previous is not None:
            for cid in named_at_edges(*previous):
                evidence[cid] = (1, "speaker of the quotation before")

    def edge_distance(c: Span) -> int:
        if c.end <= left:
            return left - c.end
        if c.start >= right:
            return c.start - right
        return 0

    def key(c: Span):
        level = evidence.get(c.id, (0, ""))[0]
        inside = is_inside_source(c)
        return (-level, inside or not outside[c.id], inside, edge_distance(c), c.start)

    ordered = sorted(cands, key=key)
    return [Ranked(c, *evidence.get(c.id, (0, "nearest"))) for c in ordered]


def _sentence(text: str, left: int, right: int) -> tuple[int, int]:
    """The sentence (at most a paragraph) around ``[left, right)``."""
    lo = max(0, left - WINDOW)
    head = text[lo:left]
    cut = max(head.rfind("\n"), *(head.rfind(p) for p in (". ", "! ", "? ")))
    start = lo + cut + 1 if cut >= 0 else lo
    tail = text[right:right + WINDOW]
    ends = [i for i in (tail.find("\n"), *(tail.find(p) for p in (". ", "! ", "? "))) if i >= 0]
    return start, right + (min(ends) if ends else len(tail))


def _own_paragraph(text: str, left: int, right: int) -> bool:
    """Whether the quotation is all its paragraph holds (a bare sentence end aside)."""
    line_start = text.rfind("\n", max(0, left - WINDOW), left) + 1
    line_end = text.find("\n", right, right + WINDOW)
    line_end = len(text) if line_end < 0 else line_end
    return not text[line_start:left].strip() and not text[right:line_end].strip(" .\t\r")


def _previous_quotation(text: str, left: int) -> tuple[int, int] | None:
    closing = _mark_before(text, left)
    if closing is None or closing[1] != "close":
        return None
    opening = _mark_before(text, closing[0])
    if opening is None or opening[1] != "open":
        return None
    return opening[0], closing[0] + 1
