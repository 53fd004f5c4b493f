"""Who said each quotation: the article's mentions (actors already marked, names, "the
minister", pronouns) ranked by core/attribution.py's evidence around the quotation, so the
window's link list and the suggester agree on who speaks."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from annotator.core.attribution import rank
from annotator.core.model import Span
from annotator.suggest.mentions import Mention

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
            return None
        return best.span, best.reason, _SCORES.get(best.rank, 0.5)
