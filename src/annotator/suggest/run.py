"""The engine of :func:`annotator.suggest.suggest_document`: what the suggesters of one
article share (its mentions, quotations and speakers, each found once) and each
suggester's pass. Kept apart from the package's ``__init__`` so that importing the package
(the window, every command) does not compile the rules' large patterns: they are compiled
when the first article is suggested for."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence

from annotator.core.model import Relation, Span
from annotator.core.suggestions import SuggestedLink, SuggestedSpan, Suggestions
from annotator.suggest.actors import candidates, further_mentions
from annotator.suggest.claims import reported
from annotator.suggest.mentions import PRONOUNS
from annotator.suggest.quotes import quotations, with_marks
from annotator.suggest.speakers import Speakers

_SHORT_QUOTE = 3  # words: a quotation this short is as often a scare quote as a quote
_SAID_AT_EDGE = 0.85  # speakers.py's score for a speaker named at a quotation's edge


class Run:
    """What the suggesters of one article share: its mentions, quotations and speakers,
    each found once."""

    def __init__(self, text: str, spans: Sequence[Span], relations: Sequence[Relation],
                 rules: Mapping[str, str]):
        self.text, self.spans, self.relations, self.rules = text, spans, relations, rules
        # What the quotation, speaker and claim rules read: ''…'' made “…”, same offsets.
        self.view = with_marks(text)
        self._quotations = None
        self._speakers = None

    def quotations(self):
        if self._quotations is None:
            self._quotations = quotations(self.view)
        return self._quotations

    def speakers(self, actors: Sequence[Span], *, with_speakers: bool = True) -> Suggestions:
        """``said_by`` links for the quotes already marked that have none."""
        out = Suggestions("speakers")
        linked = {r.source for r in self.relations if r.label == self.rules["said_by"]}
        finder = self._finder(actors)
        made: dict[tuple[int, int], str] = {}
        for quote in sorted(self.spans, key=lambda s: s.start):
            if quote.label != self.rules["quote"] or quote.id in linked:
                continue
            self._link(out, finder, made, quote.start, quote.end, f"span:{quote.id}",
                       self.rules["said_by"])
        return out

    def quotes(self, actors: Sequence[Span], *, with_speakers: bool = True) -> Suggestions:
        out = Suggestions("quotes")
        label = self.rules["quote"]
        marked = _Ranges(s for s in self.spans if s.label == label)
        finder = self._finder(actors) if with_speakers else None
        made: dict[tuple[int, int], str] = {}
        for n, q in enumerate(self.quotations()):
            if marked.overlaps(q.start, q.end):
                continue  # already marked: nothing to propose
            where = f"opening quote mark at {q.open_at}"
            score = 0.9 if q.closed else 0.75
            how = "closed" if q.closed else "runs on into the next paragraph"
            if q.words <= _SHORT_QUOTE:
                score, how = 0.35, f"{how}; only {q.words} word{'s' * (q.words != 1)}"
            key = f"quote:{n}"
            if finder is not None:
                said = self._link(out, finder, made, q.start, q.end, key,
                                  self.rules["said_by"], score_only=True)
                if said is not None:
                    strong = finder.speaker(q.start, q.end)[2] >= _SAID_AT_EDGE
                    if q.words <= _SHORT_QUOTE:
                        # A short quotation with "said" at its edge is a quote; one with a
                        # speaker found further off still is, more often than not (on
                        # PolNeAR train and dev, seven times in ten).
                        score = 0.6 if strong else 0.5
                    score = min(0.95, score + 0.05)
                    how += f", {said}"
            out.spans.append(SuggestedSpan(key, q.start, q.end, label, round(score, 2),
                                           f"{where}, {how}"))
            if finder is not None:
                self._link(out, finder, made, q.start, q.end, key, self.rules["said_by"])
        return out

    def actors(self, actors: Sequence[Span], *, with_speakers: bool = True) -> Suggestions:
        out = Suggestions("actors")
        label = self.rules["actor"]
        found = further_mentions(self.text, actors, label)
        found += candidates(self.text, actors, [(f.start, f.end) for f in found])
        found.sort(key=lambda f: f.start)
        for n, f in enumerate(found):
            out.spans.append(SuggestedSpan(f"actor:{n}", f.start, f.end, label, f.score, f.reason))
        return out

    def claims(self, actors: Sequence[Span], *, with_speakers: bool = True) -> Suggestions:
        out = Suggestions("claims")
        label = self.rules["reported"]
        link = self.rules["said_by"] if label == self.rules["quote"] else self.rules["claimed_by"]
        marked = _Ranges(s for s in self.spans if s.label in (label, self.rules["quote"],
                                                             self.rules["claim"]))
        by_range = {(s.start, s.end): s for s in actors}
        near = _Ranges(actors)
        made: dict[tuple[int, int], str] = {}
        for n, r in enumerate(reported(self.view, sorted((q.start, q.end)
                                                         for q in self.quotations()))):
            # (reported() leaves out what overlaps a quotation: only what is marked here.)
            if marked.overlaps(r.start, r.end):
                continue
            key = f"claim:{n}"
            out.spans.append(SuggestedSpan(key, r.start, r.end, label, r.score, r.reason))
            a, b = r.subject
            subject = self.text[a:b]
            target, why = None, ""
            if subject.lower() in PRONOUNS:
                # The same resolution as a quotation's "he said": a marked actor or the
                # nearest fitting name before it.
                who = self._finder(actors).resolve(a, subject.lower())
                if who is not None and who.id.startswith("mention:"):
                    a, b = who.start, who.end
                    why = f"“{subject}” taken as “{who.text}”"
                elif who is not None:
                    target, why = f"span:{who.id}", f"“{subject}” taken as “{who.text}”"
            if target is None:
                existing = by_range.get((a, b)) or near.inside(a, b)
                if existing is not None:
                    target, why = f"span:{existing.id}", f"subject “{existing.text}”"
                else:
                    target = made.get((a, b))
                    if target is None:
                        target = made[(a, b)] = f"claim-actor:{len(made)}"
                        out.spans.append(SuggestedSpan(
                            target, a, b, self.rules["actor"], 0.5,
                            f"subject of the verb of saying: “{self.text[a:b]}”"))
                    if not why:
                        why = f"subject “{subject}”"
            out.links.append(SuggestedLink(link, key, target, r.score, why))
        return out

    # -- speakers ------------------------------------------------------------------------

    def _finder(self, actors: Sequence[Span]) -> Speakers:
        if self._speakers is None:
            self._speakers = Speakers(self.view, actors, self.quotations())
        return self._speakers

    def _link(self, out: Suggestions, finder: Speakers, made: dict, start: int, end: int,
              source: str, label: str, *, score_only: bool = False) -> str | None:
        """Propose the speaker of ``[start, end)`` as a link from ``source``; with
        ``score_only`` only say who it would be."""
        best = finder.speaker(start, end)
        if best is None:
            return None
        span, why, score = best
        if score_only:
            return f"speaker “{span.text}” ({why})"
        if span.id.startswith("mention:"):
            target = made.get((span.start, span.end))
            if target is None:
                target = made[(span.start, span.end)] = f"speaker:{len(made)}"
                out.spans.append(SuggestedSpan(target, span.start, span.end, self.rules["actor"],
                                               score, f"speaker of the quotation at {start}: {why}"))
        else:
            target = f"span:{span.id}"
        out.links.append(SuggestedLink(label, source, target, score,
                                       f"“{span.text}” {why}"))
        return None


class _Ranges:
    """Sorted spans (or (start, end) pairs): which overlap a range, which is nearest before."""

    def __init__(self, items):
        rows = []
        for item in items:
            if isinstance(item, tuple):
                rows.append((item[0], item[1], None))
            else:
                rows.append((item.start, item.end, item))
        rows.sort(key=lambda r: (r[0], r[1]))
        self.rows = rows
        self.starts = [r[0] for r in rows]
        self.longest = max((r[1] - r[0] for r in rows), default=0)

    def _near(self, a: int, b: int):
        if not self.rows:
            return []  # (the most common case, an article with nothing marked yet)
        lo = bisect_left(self.starts, a - self.longest)
        hi = bisect_left(self.starts, b)
        return [r for r in self.rows[lo:hi] if r[0] < b and a < r[1]]

    def overlaps(self, a: int, b: int) -> bool:
        return bool(self._near(a, b))

    def inside(self, a: int, b: int):
        """A span inside ``[a, b)`` (the name in "Russia's foreign minister"), or None."""
        return next((r[2] for r in self._near(a, b) if a <= r[0] and r[1] <= b and r[2]), None)

    def before(self, a: int):
        i = bisect_left(self.starts, a)
        for r in reversed(self.rows[max(0, i - 20):i]):
            if r[1] <= a and r[2] is not None and a - r[1] <= 1500:
                return r[2]
        return None
