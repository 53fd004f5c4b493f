"""Who said each quotation: the article's mentions (actors already marked, names, "the
minister", pronouns) ranked by core/attribution.py's evidence around the quotation, so the
window's link list and the suggester agree on who speaks."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from annotator.core.attribution import rank
from annotator.core.model import Span
from annotator.suggest.mentions import REPORTING, Mention

_ADV = r"(?:(?:has|have|had|also|then|later|again|once|further|\w+ly)[ \t]+){0,2}"
# A mention that is the subject of a verb of saying: "Clinton added", "Cruz continued:".
_SPEAKS = re.compile(rf"^(?:,[^,\n]{{1,60}},)?[ \t]+{_ADV}(?:{REPORTING})\b")
# Between a quotation and a mention after it: punctuation, or a verb of saying first.
_AFTER = re.compile(rf"^[ \t,.;!?—–”\"»’-]*(?:(?:{REPORTING})[ \t]+)?$")

_REACH = 600  # characters either side of a quotation searched for its speaker
_SCORES = {3: 0.85, 2: 0.65, 1: 0.5}


class Speakers:
    """The candidates of one article, sorted, so each quotation looks only at its window."""

    def __init__(self, text: str, actors: Sequence[Span], mentions: Sequence[Mention]):
        self.text = text
        marked = sorted(actors, key=lambda s: s.start)
        cands: list[Span] = list(marked)
        taken = [(s.start, s.end) for s in marked]
        taken.sort()
        starts = [a for a, _ in taken]
        for n, m in enumerate(mentions):
            if m.kind == "pronoun":
                continue
            i = bisect_right(starts, m.start)
            if (i and taken[i - 1][1] > m.start) or (i < len(taken) and taken[i][0] < m.end):
                continue  # already an actor (or inside one): that span speaks
            cands.append(Span(f"mention:{n}", "", m.start, m.end, "actor",
                              text[m.start:m.end], "", "", ""))
        cands.sort(key=lambda s: s.start)
        self.cands = cands
        self.starts = [c.start for c in cands]

    def speaker(self, start: int, end: int) -> tuple[Span, str, float] | None:
        """The best-ranked speaker of the quotation at ``[start, end)``, why, and a
        score; None when nothing names one."""
        lo = bisect_left(self.starts, start - 2 * _REACH)
        hi = bisect_right(self.starts, end + _REACH)
        near = self.cands[lo:hi]
        if not near:
            return None
        source = Span("quotation", "", start, end, "quote", self.text[start:end], "", "", "")
        ranked = rank(self.text, source, near)
        best = ranked[0]
        if best.rank == 0:
            return self._fallback(near, start, end)
        return best.span, best.reason, _SCORES.get(best.rank, 0.5)

    def _fallback(self, near: Sequence[Span], start: int, end: int):
        """What core/attribution.py's stricter patterns leave: a speaker named right after
        the quotation with a verb of saying of the longer list here ("…,” the judge
        exclaimed), or the subject of a verb of saying in the sentence or paragraph
        introducing it ("Clinton added. “…”", "Cruz continued:\n\n“…”")."""
        text = self.text
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        for c in near:
            if end <= c.start <= min(line_end, end + 60) and _AFTER.match(text[end:c.start]) \
                    and (_SPEAKS.match(text[c.end:c.end + 60])
                         or re.search(rf"(?:{REPORTING})[ \t]+$", text[end:c.start])):
                return c, "named after it with a verb of saying", 0.6
        # The paragraph before the quotation's, when it ends with a colon.
        para = text.rfind("\n", 0, start)
        lo = para + 1
        if not text[lo:start].strip(" \t“\"«„") and para > 0:
            prev = text[:para].rstrip()
            if prev.endswith(":"):
                lo = text.rfind("\n", 0, len(prev)) + 1
        for c in reversed(near):
            if lo <= c.start and c.end <= start and _SPEAKS.match(text[c.end:c.end + 60]):
                between = text[c.end:start].rstrip().rstrip("“\"«„").rstrip()
                if not any(m in between for m in "“”\"«»"):
                    return c, "speaks just before it", 0.55
        # The subject of the sentence that holds the quotation (Rubio called the
        # statement “offensive”) or introduces it with a colon: its first mention.
        cut = max(text.rfind(p, lo, start) for p in (". ", "? ", "! ", ".” ", '." '))
        first = max(lo, cut + 2) if cut >= 0 else lo
        for c in near:
            if first <= c.start and c.end <= start and not self._quoted_before(c.end, start):
                if not text[first:c.start].strip(" \t\n“\"—-"):
                    return c, "subject of the sentence that holds it", 0.4
        return None

    def _quoted_before(self, a: int, b: int) -> bool:
        return sum(self.text.count(m, a, b) for m in "“\"«") > 1
