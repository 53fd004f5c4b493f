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
_SPEAKS = re.compile(rf"^(?:,[^,\n]{{1,60}},)?[ \t]+{_ADV}(?:{REPORTING})\b", re.IGNORECASE)
# Right after a quotation: "…,” the gambling tycoon told Reuters: a noun phrase speaking.
_PHRASE_AFTER = re.compile(
    rf"^[ \t,.;!?—–”\"»’-]*((?:the|a|an|one|another)[ \t]+(?:[\w’'-]+[ \t]+){{0,3}}?[\w’'-]+)"
    rf"[ \t]+{_ADV}(?:{REPORTING})\b")
# Between a quotation and a mention after it: punctuation, or a verb of saying first.
_AFTER = re.compile(rf"^[ \t,.;!?—–”\"»’-]*(?:(?:{REPORTING})[ \t]+)?$")

_REACH = 600  # characters either side of a quotation searched for its speaker
_NEAR_BEFORE, _NEAR_AFTER = 6, 3  # candidates looked at before and after it
_SCORES = {3: 0.85, 2: 0.65, 1: 0.5}
# core/attribution.py's reason for a pronoun speaking at a quotation's edge: “he said” after it
_PRONOUN_REASON = re.compile(r"^“(he|she|they|it|we)\b", re.IGNORECASE)


class Speakers:
    """The candidates of one article, sorted, so each quotation looks only at its window."""

    def __init__(self, text: str, actors: Sequence[Span], mentions: Sequence[Mention],
                 quoted: Sequence[tuple[int, int]] = ()):
        self.text = text
        marked = sorted(actors, key=lambda s: s.start)
        cands: list[Span] = list(marked)
        taken = [(s.start, s.end) for s in marked]
        quoted = sorted(quoted)
        quoted_starts = [a for a, _ in quoted]
        taken.sort()
        starts = [a for a, _ in taken]
        for n, m in enumerate(mentions):
            if m.kind == "pronoun":
                continue
            i = bisect_right(starts, m.start)
            if (i and taken[i - 1][1] > m.start) or (i < len(taken) and taken[i][0] < m.end):
                continue  # already an actor (or inside one): that span speaks
            q = bisect_right(quoted_starts, m.start)
            if q and quoted[q - 1][1] >= m.end:
                continue  # a name inside a quotation is spoken of, not speaking
            cands.append(Span(f"mention:{n}", "", m.start, m.end, "actor",
                              text[m.start:m.end], "", "", ""))
        cands.sort(key=lambda s: s.start)
        self.cands = cands
        self.starts = [c.start for c in cands]
        self._asked: dict[tuple[int, int], tuple[Span, str, float] | None] = {}

    def speaker(self, start: int, end: int) -> tuple[Span, str, float] | None:
        key = (start, end)
        if key not in self._asked:
            self._asked[key] = self._speaker(start, end)
        return self._asked[key]

    def _speaker(self, start: int, end: int) -> tuple[Span, str, float] | None:
        """The best-ranked speaker of the quotation at ``[start, end)``, why, and a
        score; None when nothing names one."""
        lo = bisect_left(self.starts, start - 2 * _REACH)
        at = bisect_left(self.starts, start)
        hi = bisect_right(self.starts, end + _REACH)
        # The nearest few either side: core/attribution.py reads the text around each.
        near = self.cands[max(lo, at - _NEAR_BEFORE):
                          min(hi, bisect_left(self.starts, end) + _NEAR_AFTER)]
        if not near:
            return None
        source = Span("quotation", "", start, end, "quote", self.text[start:end], "", "", "")
        ranked = rank(self.text, source, near)
        best = ranked[0]
        if best.rank == 0:
            return self._fallback(near, start, end)
        pronoun = _PRONOUN_REASON.match(best.reason)
        if pronoun and pronoun.group(1).lower() in ("he", "she") and not self._person(
                best.span, near):
            person = self._person_before(near, start)
            if person is not None and person.id != best.span.id:
                return person, best.reason, _SCORES.get(best.rank, 0.5) - 0.1
        return best.span, best.reason, _SCORES.get(best.rank, 0.5)

    def _person(self, c: Span, near: Sequence[Span]) -> bool:
        """Whether ``c`` can be "he" or "she": an actor already marked, a name of two
        words or more, the surname of one nearby, or the subject of a verb of saying."""
        if not c.id.startswith("mention:"):
            return True
        words = c.text.split()
        if words[0].lower() in ("the", "a", "an"):
            return False
        if len(words) >= 2 and all(w[:1].isupper() for w in words):
            return True
        if any(len(o.text.split()) >= 2 and o.text.split()[-1] == words[-1] for o in near):
            return True
        return bool(_SPEAKS.match(self.text[c.end:c.end + 60]))

    def _person_before(self, near: Sequence[Span], start: int) -> Span | None:
        """The nearest mention before ``start`` that can be "he" or "she"."""
        best = None
        for c in near:
            if c.end <= start and self._person(c, near):
                best = c
        return best

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
        phrase = _PHRASE_AFTER.match(text, end, min(len(text), end + 80))
        if phrase is not None:
            a, b = phrase.span(1)
            c = Span(f"mention:after-{a}", "", a, b, "actor", text[a:b], "", "", "")
            return c, "speaks right after it", 0.6
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
            if (first <= c.start and c.end <= start and not self._quoted_before(c.end, start)
                    and not text[first:c.start].strip(" \t\n“\"—-")):
                return c, "subject of the sentence that holds it", 0.4
        return None

    def _quoted_before(self, a: int, b: int) -> bool:
        return sum(self.text.count(m, a, b) for m in "“\"«") > 1
