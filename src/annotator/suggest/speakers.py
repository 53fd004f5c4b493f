"""Who said each quotation, from the set ways news prose names a speaker, read in a few
short windows around the quotation (so a 5 MB article costs what its quotations do):

1. at the quotation's edge, best: after it "…,” X said", "…,” said X, the …", "…,”
   according to X"; before it "X said:", "X told reporters that “…", "X: “…",
   "According to X, “…";
2. the subject of the verb of saying in the sentence that holds it ("X said the plan was
   “dead”", "X called the statement “offensive”");
3. a quotation standing alone in its paragraph: the speaker of the quotation just before
   it (a speaker goes on over consecutive quotation paragraphs), or the subject of the
   paragraph before it when that one ends with a colon ("Cruz continued:"); the pieces of
   a quotation running over several paragraphs share one speaker.

A pronoun found there ("he said") stands for the nearest fitting actor before it: a
marked actor or a person's name ("he"/"she": not "the report", not "Mexico"), a group or
an organisation for "they"/"we"/"it"; one that finds nothing is proposed as it is.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from functools import partial

from annotator.core.model import Span
from annotator.suggest import naming
from annotator.suggest import speaker_text as around
from annotator.suggest.mentions import PRONOUNS, REPORTING, name_spans, trie
from annotator.suggest.naming import NameUse, sentence_cut
from annotator.suggest.quotes import Quotation

_ADV = r"(?:(?:has|have|had|also|then|later|again|once|further|long|previously|recently|" \
       r"would|will|could|often|always|never|still|just|even|\w+ly)[ \t\xa0]+){0,2}"
# The verbs of saying, and a few more that only speak at a quotation's edge ("…,” the
# editorial read; “…,” Trump barked).
_SPEAKING = ("read reads barked cried shot quipped chanted snapped fired lamented conceded "
             "recalled remembered wrote tweeted posted exclaimed mused scoffed retorted "
             "countered shouted yelled whispered responded answered replied demanded wondered "
             "joked laughed sighed pleaded boasted bragged marveled marvelled teased gushed "
             "fumed raged asking saying adding noting telling sings sang elaborated pressed answers "
             "recommended recommends assured assures interjected interjects yells shouts screams "
             "screamed cries whispers mutters muttered murmured quips snaps barks laments concedes "
             "demands wonders teases gushes fumes pleads")
_VERB = rf"(?:{trie(sorted(set(REPORTING.split('|')) | set(_SPEAKING.split())))})\b"
# Words of a title that may stand in lower case in a speaker's name ("Republican pollster
# Daron Shaw", "said former Utah governor Michael Leavitt").
_TITLE_WORDS = (r"(?:former|then|longtime|veteran|state|senior|top|chief|deputy|executive|"
                r"campaign|party|presidential|senator|governor|spokesman|spokeswoman|"
                r"spokesperson|adviser|advisor|strategist|manager|director|chairman|president|"
                r"secretary|minister|official|leader|candidate|nominee|analyst|pollster|"
                r"professor|economist|lawyer|attorney|founder|co-founder|head|member|mayor|"
                r"judge|host|anchor|columnist|editor|writer|author|activist|congressman|"
                r"congresswoman|lawmaker|general|ambassador|police|panel|committee|county|city|"
                r"council|board|district|court|union|press|communications|national|security|policy|"
                r"foreign|legal|vice|assistant|associate|rep\.|sen\.|gov\.|[A-Z][\w'’.&-]*)")
# A noun phrase that may speak: a run of capitalised words (a name, with its title), a
# determiner and a few words ("the former vice president’s spokeswoman"), or a pronoun.
_CAP = r"[A-Z][\w'’.&-]*"
# A party and state in parentheses after a lawmaker's name: "Rep. John Mica (R-Fla.)".
_PARTY = r"(?:[ \t\xa0]+\((?:[DRI]|[DRI]-[A-Z][\w. ]{1,12}|[A-Z][a-z]{1,5}\.?)\))?"
_NP = (rf"(?<![\w'’.&-])(?:{_CAP}(?:[ \t\xa0]+{_CAP}){{0,3}}[ \t\xa0]+(?:{_TITLE_WORDS}[ \t\xa0]+){{1,2}}{_CAP}"
       rf"(?:[ \t\xa0]+{_CAP}){{0,3}}"
       rf"|{_CAP}(?:[ \t\xa0]+{_CAP}){{0,3}}['’]s[ \t\xa0]+(?:[a-z][\w-]*[ \t\xa0]+){{0,2}}[a-z][\w-]*"
       rf"|{_CAP}(?:[ \t\xa0]+(?:(?:of|for|de|von|van|al|bin|la)[ \t\xa0]+(?:the[ \t\xa0]+)?)?{_CAP}){{0,5}}{_PARTY}"
       r"|(?:[Tt]he|[Aa]n?|[Oo]ne|[Aa]nother|[Tt]wo|[Ss]everal|[Mm]any|[Ss]ome|[Hh]is|[Hh]er|"
       r"[Tt]heir|[Ii]ts|[Mm]y|[Oo]ur|[Tt]his|[Tt]hat|[Tt]hese|[Tt]hose)[ \t\xa0]+(?:[\w'’.-]+[ \t\xa0]+){0,6}?"
       r"(?!and\b|or\b|but\b)[\w'’-]+(?![\w'’-]|\.\w)"
       r"|[Hh]e|[Ss]he|[Tt]hey|[Ww]e|I|[Ii]t)")
# After a quotation a speaker may open with its title in lower case ("…,” said former
# Utah governor Michael Leavitt) or be a plural ("…,” federal prosecutors wrote).
_NP_AFTER = (rf"(?:(?:{_TITLE_WORDS}[ \t\xa0]+){{1,5}}{_CAP}(?:[ \t\xa0]+{_CAP}){{0,3}}{_PARTY}|{_NP}"
             r"|(?:[a-z][\w-]*[ \t\xa0]+)?[a-z][\w-]*s)")
_APPOSITION = r"(?:[ \t\xa0]*,[^,\n“”\"]{1,70},)?"
_GAP_AFTER = r"[ \t\xa0,.;:!?—–'’-]*"  # (a nested quotation's mark too: ,''' said)
# After "said" a full name may follow a few words in lower case or figures ("…,” said
# 9/11 widow Terry Strada).
_NP_NAMED = rf"(?:[a-z0-9][\w/'’-]*[ \t\xa0]+){{1,3}}?{_CAP}(?:[ \t\xa0]+{_CAP}){{1,3}}{_PARTY}(?=[ \t\xa0]*[,.;\n]|$)"
# (No "saying" or "adding" there: "“New York values,” saying the city …" names no one.)
_VERB_FINITE = rf"(?:{trie(sorted(w for w in set(REPORTING.split('|')) | set(_SPEAKING.split()) if not w.endswith('ing')))})\b"
_AFTER_VERB_FIRST = re.compile(
    rf"{_GAP_AFTER}(?:{_ADV}{_VERB_FINITE}|according[ \t\xa0]+to)[ \t\xa0]+(?P<who>{_NP_NAMED}|{_NP_AFTER})")
# (Possessive: a piece between commas is read once, never tried shorter, as no shorter
# piece ends at a comma.)
_LONG_APPOSITION = r"(?:[ \t\xa0]*,[^,\n“”\"]{1,120}+(?:,[^,\n“”\"]{1,120}+){0,2},)?"
_AFTER_SUBJECT_FIRST = re.compile(
    rf"{_GAP_AFTER}(?P<who>{_NP_AFTER}){_LONG_APPOSITION}[ \t\xa0]+{_ADV}{_VERB}")
# The sentence goes on after the quotation, then names its speaker at its end ("“…” for
# criminal behavior, she said.").
_AFTER_TAIL = re.compile(
    rf"[ \t\xa0]+[a-z][^“”\"\n.!?;:,]{{0,60}},[ \t\xa0]+(?P<who>{_NP_AFTER}){_APPOSITION}"
    rf"[ \t\xa0]+{_ADV}{_VERB}[ \t\xa0]*[.!?]"
    # ("“…” that Sanders can catch Clinton, said Steve Elmendorf, deputy …")
    rf"|[ \t\xa0]+[a-z][^“”\"\n.!?;:,]{{0,80}},[ \t\xa0]+{_VERB_FINITE}[ \t\xa0]+(?P<named>{_NP_NAMED}|{_NP_AFTER})")
_TRANSCRIPT = re.compile(r"(?P<who>[A-Z][A-Z'’.-]+(?:[ \t\xa0][A-Z][A-Z'’.-]+)?):[ \t\xa0]")
# A quotation signed after a dash, as readers' letters are ("…” ― Martha Aguilar).
_SIGNED = re.compile(rf"[ \t\xa0.,]*[―—–][ \t\xa0]*(?P<who>{_CAP}(?:[ \t\xa0]+{_CAP}){{1,4}})[ \t\xa0.]*(?=\n|$|[“\"”])")
# (Tried only at a word's start: a search tries every place of its window, and the noun
# phrase's alternatives are costly to try in the middle of a word, where none begins.)
_WORD_START = r"(?<![\w'’.&-])(?=[A-Za-z])"
_TO_QUOTE = re.compile(r"(?:[ \t\xa0]+[\w'’.-]+){0,5}?[ \t\xa0]*[,:]?[ \t\xa0]*(?:that[ \t\xa0]*)?[“\"«„]?[ \t\xa0]*$")
_BEFORE = re.compile(rf"{_WORD_START}(?P<who>{_NP}){_APPOSITION}[ \t\xa0]+{_ADV}{_VERB}{_TO_QUOTE.pattern}")
_COLON = re.compile(rf"(?:(?:^|[.!?][ \t\xa0]+|\n)(?P<who>{_NP})|(?<![\w'’-])(?P<name>{_CAP}"
                    rf"(?:[ \t\xa0]+{_CAP}){{1,3}}))[ \t\xa0]*:[ \t\xa0]*[“\"«„]?[ \t\xa0]*$")
_ACCORDING = re.compile(rf"[Aa]ccording[ \t\xa0]+to[ \t\xa0]+(?P<who>{_NP})[ \t\xa0]*,[ \t\xa0]*[“\"«„]?[ \t\xa0]*$")
# The subject of a verb of saying earlier in the sentence: what stands right before it.
_SUBJECT_BEFORE_VERB = re.compile(rf"{_WORD_START}(?P<who>{_NP}){_LONG_APPOSITION}[ \t\xa0]+{_ADV}$")
# A noun phrase speaking in a paragraph, and a verb of saying right after a name.
_SPEAKS_IN = re.compile(rf"{_WORD_START}(?P<who>{_NP}){_APPOSITION}[ \t\xa0]+{_ADV}{_VERB}")
_SPEAKS_NEXT = re.compile(rf"{_LONG_APPOSITION}[ \t\xa0]+{_ADV}{_VERB}")
_OPENING = re.compile(rf"[ \t“\"]*(?:[A-Z][^,\n“”\"]{{2,60}},[ \t\xa0]+)?(?P<who>{_NP})")
# The subject a sentence opens with, with its apposition ("Donald Trump, her opponent,").
_OPENING_SUBJECT = re.compile(rf"[ \t“\"]*(?P<who>{_NP}){_LONG_APPOSITION}")
_CALLED = re.compile(r"(?:called|calls|call|described|describes|dubbed|labeled|labelled|"
                     r"branded|termed|chanted|chant|chanting|shouted|wrote|posted)\b")

_REACH_BACK = 1500  # how far back a pronoun looks for the actor it stands for
_STRETCH = 4096
_SHORT_BETWEEN = 8  # words: a quotation this short between a subject and its verb's quotation
_SCORES = {"edge": 0.85, "sentence": 0.65, "before": 0.6, "subject": 0.4}


class Speakers:
    """The speakers of one article's quotations, each found once."""

    def __init__(self, text: str, actors: Sequence[Span],
                 quotations: Sequence[Quotation] = ()):
        self.text = text
        self.actors = sorted(actors, key=lambda s: (s.start, s.end))
        self.actor_starts = [s.start for s in self.actors]
        self.actor_longest = max((s.end - s.start for s in self.actors), default=0)
        # The names of the article, found a stretch at a time as pronouns ask for them.
        self._names: dict[int, list[tuple[int, int]]] = {}
        self.quotations = sorted(quotations, key=lambda q: q.start)
        self.q_starts = [q.start for q in self.quotations]
        self._asked: dict[tuple[int, int], tuple[Span, str, float] | None] = {}
        self._made: dict[tuple[int, int], Span] = {}
        self._groups = self._runs_on()
        self._uses = NameUse(text)

    # -- the whole quotation -------------------------------------------------------------

    def _runs_on(self) -> dict[int, int]:
        """Index of a quotation piece -> index of the last piece of its quotation (the
        pieces of a quotation running over several paragraphs)."""
        last: dict[int, int] = {}
        group: list[int] = []
        for i, q in enumerate(self.quotations):
            group.append(i)
            if q.closed:
                for j in group:
                    last[j] = i
                group = []
        for j in group:
            last[j] = group[-1]
        return last

    def _index(self, start: int, end: int) -> int | None:
        i = bisect_right(self.q_starts, start) - 1
        for j in (i, i + 1):
            if 0 <= j < len(self.quotations):
                q = self.quotations[j]
                if q.start < end and start < q.end or (q.start, q.end) == (start, end):
                    return j
        return None

    def _edges(self, start: int, end: int) -> tuple[int, int]:
        """``[start, end)`` widened over its quotation marks (and a comma before the
        closing one)."""
        text = self.text
        left = start
        while left > 0 and text[left - 1] in " \t\xa0“\"«„‘":
            left -= 1
        right = end
        while right < len(text) and text[right] in ",.!?;… \t\xa0" and right - end < 3:
            right += 1
        if right < len(text) and text[right] in "”\"»’“":
            right += 1
        else:
            right = end
        return left, right

    # -- asking ----------------------------------------------------------------------------

    def speaker(self, start: int, end: int) -> tuple[Span, str, float] | None:
        """The speaker of the quotation at ``[start, end)``, why, and a score; None when
        nothing names one."""
        key = (start, end)
        if key not in self._asked:
            self._asked[key] = self._speaker(start, end)
        return self._asked[key]

    def _speaker(self, start: int, end: int) -> tuple[Span, str, float] | None:
        m = _TRANSCRIPT.match(self.text, start, end)
        if m is not None:  # a transcript quoted: '"WALLACE: But, Governor Pence, …"'
            return self._who(m.start("who"), m.end("who"), "named before a colon inside it")
        i = self._index(start, end)
        if i is None:
            return self._one(start, end, None)
        first = i
        while first > 0 and self._groups.get(first - 1) == self._groups[i]:
            first -= 1
        last = self._groups[i]
        if first == last:
            return self._one(start, end, i)
        # A quotation over several paragraphs: its speaker is named before its first
        # piece or after its last one.
        head, tail = self.quotations[first], self.quotations[last]
        found = self._at_edges(*self._edges(head.start, head.end), before_only=True) \
            or self._at_edges(*self._edges(tail.start, tail.end))
        if found is not None:
            span, why, score = found
            return span, f"{why} (a quotation over several paragraphs)", score
        return self._one(head.start, head.end, first)

    def _one(self, start: int, end: int, i: int | None):
        left, right = self._edges(start, end)
        found = self._at_edges(left, right)
        if found is None and i is not None and self._opens_sentence(left):
            found = self._previous(left, i, paragraphs=0)
        if found is None:
            found = self._in_sentence(left, right)
        if found is None and i is not None:
            if self._alone(left, right):
                found = self._before_paragraph(left, i)
            elif self._opens_paragraph(left):
                # Text after it on its line ('"…," he said, "…"' read as pieces, or a
                # quotation inside it): the paragraph before, when ending with a colon,
                # still names its speaker ("Caddell continued:").
                found = self._colon_before(left)
            elif self._previous_in_sentence(left, i):
                # ("Cruz said there is “only one …,” adding that Trump “attacks us”.)
                found = self._previous(left, i, paragraphs=0)
        return found

    def _previous_in_sentence(self, left: int, i: int) -> bool:
        return i > 0 and self.quotations[i].words > 3 and (
            self.quotations[i - 1].start >= around.sentence_start(self.text, left))

    def _opens_paragraph(self, left: int) -> bool:
        line = self.text.rfind("\n", max(0, left - 3000), left) + 1
        return (line > 0 or left < 3000) and not self.text[line:left].strip()

    def _opens_sentence(self, left: int) -> bool:
        """Whether the quotation starts a sentence of a paragraph that already holds text
        (“…,” he said. “More …”)."""
        text = self.text
        line = text.rfind("\n", max(0, left - 2000), left) + 1
        before = text[line:left].rstrip(" \t“\"«„")
        return bool(before) and before[-1] in ".!?”\":"

    def _previous(self, left: int, i: int, *, paragraphs: int):
        """The speaker of the quotation before the i-th, when it is in the same paragraph
        (or up to ``paragraphs`` paragraphs before) and not too far."""
        text = self.text
        j = i - 1
        while j >= 0 and self._groups.get(j) == self._groups.get(i):
            j -= 1
        if j < 0:
            return None
        q = self.quotations[j]
        if left - q.end > 1500 or text.count("\n\n", q.end, left) > paragraphs or (
                paragraphs == 0 and "\n" in text[q.end:left]):
            return None
        got = self.speaker(q.start, q.end)
        if got is None:
            return None
        span, _why, score = got
        return span, "speaker of the quotation before it", min(score, 0.6)

    # -- the rules -------------------------------------------------------------------------

    def _at_edges(self, left: int, right: int, *, before_only: bool = False):
        text = self.text
        if not before_only:
            stop = text.find("\n", right, right + 160)
            tail_end = stop if stop >= 0 else min(len(text), right + 160)
            if text[tail_end - 1:tail_end] == "\r":
                tail_end -= 1  # a CRLF line ends where a LF one does
            for pattern, why in ((_AFTER_VERB_FIRST, "named after it"),
                                 (_AFTER_SUBJECT_FIRST, "speaks right after it"),
                                 (_SIGNED, "signed after a dash")):
                m = pattern.match(text, right, tail_end)
                if m is not None and pattern is _AFTER_SUBJECT_FIRST and around.new_sentence(
                        text, right, m.end()) and len(text[left:right].split()) > 3:
                    m = None  # "… an “outlaw nation.” Russia insisted that …": a new sentence
                if m is not None:
                    got = self._who(m.start("who"), m.end("who"), f"{why}: “{around.said(m)}”")
                    if got is not None:
                        return got
            m = _AFTER_TAIL.match(text, right, tail_end)
            if m is not None and (m.group("who") or len(text[left:right].split()) > 3):
                # (Not "said X" for a short one: a scare quote as often as a quote.)
                g = "who" if m.group("who") else "named"
                got = self._who(m.start(g), m.end(g),
                                f"speaks at the end of its sentence: “{around.said(m)}”",
                                score=_SCORES["before"])
                if got is not None:
                    return got
        line = text.rfind("\n", max(0, left - 300), left) + 1
        lo = max(line, left - 300)
        # Each pattern is tried only where its word is there: a verb of saying in the last
        # few words, a colon at the end, "according to" (a search over the whole window
        # tries every place in it).
        head = text[lo:left]
        tries = []
        verb = REPORTING_VERB.search(text, max(lo, left - 80), left)
        if verb is not None and (_TO_QUOTE.match(text, verb.end(), left) or any(_TO_QUOTE.match(text, v.end(), left) for v in REPORTING_VERB.finditer(text, max(lo, verb.start() - 160), left))):  # (else _BEFORE cannot match: not searched)
            tries.append((_BEFORE, max(lo, verb.start() - 160), "speaks right before it"))
        if head.rstrip(" \t“\"«„").endswith(":"):
            tries.append((_COLON, max(lo, left - 160), "named before a colon"))
        if "ccording" in head:
            tries.append((_ACCORDING, lo, "according to"))
        for pattern, where, why in tries:
            m = pattern.search(text, where, left)
            if m is not None and pattern is _BEFORE and text[m.start("who")].islower():
                m = around.over_object(text, around.sentence_start(self.text, left), m, _opening)
            g = "who" if m is None or m.group("who") else "name"
            if m is not None and not around.quoted(text, m.end(g), left):
                got = self._who(m.start(g), m.end(g), f"{why}: “{around.said(m)}”")
                if got is not None:
                    return got
        return None

    def _in_sentence(self, left: int, right: int):
        """The subject of a verb of saying (or of "called") before the quotation in its
        sentence."""
        text = self.text
        first = around.sentence_start(self.text, left)
        piece = text[first:left]
        for verb in list(REPORTING_VERB.finditer(piece)) + list(_CALLED.finditer(piece)):
            # (A subject with its apposition first: "Brian Fallon, the campaign’s press
            # secretary, noted"; else "X obtained a video and said …": X speaks.)
            m = _SUBJECT_BEFORE_VERB.search(piece, 0, verb.start())
            if m is None and piece[:verb.start()].rstrip().endswith((" and", ",")):
                m = _opening(piece)
            elif m is not None:
                m = around.over_object(piece, 0, m, _opening)
            if m is None:
                continue
            a, b = first + m.start("who"), first + m.end("who")
            if around.quoted(text, b, left) and self._long_quotation(b, left):
                # A long quotation between: the subject is that quotation's speaker. A
                # short one (a title, a word quoted) leaves it this one's too: "Sanders
                # said on “This Week” that he would “take a look”".
                continue
            got = self._who(a, b, f"subject of “{verb.group(0)}” in its sentence",
                            score=_SCORES["sentence"])
            if got is not None:
                return got
        # No verb of saying: the sentence's subject, when the sentence opens with a name
        # (after an opening phrase: "At one point, Cruz coached Trump to “breathe”").
        m = _OPENING.match(piece)
        if m is not None and not around.quoted(text, first + m.end("who"), left):
            a, b = first + m.start("who"), first + m.end("who")
            if around.subject_name(text[a:b], text[b:left]):
                return self._who(a, b, "subject of the sentence that holds it",
                                 score=_SCORES["subject"])
        return None

    def _long_quotation(self, a: int, b: int) -> bool:
        """Whether a quotation of more than a few words lies in ``[a, b)``."""
        i = bisect_left(self.q_starts, a)
        while i < len(self.quotations) and self.quotations[i].start < b:
            if self.quotations[i].words > _SHORT_BETWEEN:
                return True
            i += 1
        return False

    def _alone(self, left: int, right: int) -> bool:
        text = self.text
        # (Looked for a few thousand characters either side: a text with no line end
        # costs what a short paragraph does.)
        line = text.rfind("\n", max(0, left - 3000), left) + 1
        if line == 0 and left > 3000:
            return False
        stop = text.find("\n", right, right + 3000)
        stop = min(len(text), right + 3000) if stop < 0 else stop
        return not text[line:left].strip() and not text[right:stop].strip(" .\t\r")

    def _before_paragraph(self, left: int, i: int):
        """A quotation alone in its paragraph: the speaker of the quotation before it
        (within two paragraphs), or the subject of a paragraph ending with a colon."""
        return self._colon_before(left) or self._previous(left, i, paragraphs=1)

    def _colon_before(self, left: int):
        """The subject of the paragraph before ``left`` when it ends with a colon."""
        text = self.text
        para = text.rfind("\n", max(0, left - 3000), left)
        stop = para
        while stop > 0 and text[stop - 1].isspace():
            stop -= 1
        if para > 0 and text[stop - 1:stop] == ":":
            line = text.rfind("\n", max(0, stop - 3000), stop) + 1
            piece = text[max(line, stop - 3000):stop]
            line = stop - len(piece)
            m = _SPEAKS_IN.search(piece)
            if m is not None:
                got = self._who(line + m.start("who"), line + m.end("who"),
                                "speaks in the paragraph before it, ending with a colon",
                                score=_SCORES["before"])
                if got is not None:
                    return got
        return None

    # -- who is it -------------------------------------------------------------------------

    def _who(self, a: int, b: int, why: str, *, score: float | None = None):
        """The actor at ``[a, b)``: a marked actor there, a pronoun resolved, or the words
        themselves as a new actor."""
        text = self.text
        score = _SCORES["edge"] if score is None else score
        while b > a and text[b - 1] in ".,’'":
            b -= 1
        if text[b - 2:b] in ("’s", "'s"):
            return None  # "Trump’s campaign said" names the campaign, no speaker here
        words = text[a:b].split()
        if not words:
            return None
        if words[0] in ("Asked", "Speaking", "But", "And", "In", "On", "At", "After", "When",
                        "While", "Meanwhile", "However", "Still", "Yet", "So", "Then", "Today",
                        "Instead", "Also"):
            if len(words) == 1:
                return None
            a = text.index(words[1], a + len(words[0]))
            words = words[1:]
        marked = self._marked(a, b)
        if marked is not None:
            return marked, why, score
        if len(words) == 1 and words[0].lower() in PRONOUNS:
            # ("I" outside a quotation is the writer, whom no name before it stands for.)
            who = self.resolve(a, words[0].lower()) if words[0] != "I" else None
            if who is not None:
                return who, f"“{text[a:b]}” taken as “{who.text}”: {why}", score - 0.05
            return self._mention(a, b), why, score - 0.2
        return self._mention(a, b), why, score

    def _marked(self, a: int, b: int) -> Span | None:
        lo = bisect_left(self.actor_starts, a - self.actor_longest)
        for s in self.actors[lo:bisect_left(self.actor_starts, b)]:
            if s.start < b and a < s.end:
                return s
        return None

    def _mention(self, a: int, b: int) -> Span:
        key = (a, b)
        if key not in self._made:
            self._made[key] = Span(f"mention:{a}-{b}", "", a, b, "actor", self.text[a:b],
                                   "", "", "")
        return self._made[key]

    def resolve(self, at: int, pronoun: str) -> Span | None:
        """The nearest fitting actor before ``at`` outside quotations: an actor already
        marked, else for "he"/"she" the nearest person who speaks or opens a sentence,
        else the nearest person named in full; for "they"/"we"/"it" a group."""
        person = pronoun in ("he", "she", "i")
        best_actor = None
        lo = bisect_left(self.actor_starts, at - _REACH_BACK)
        for s in reversed(self.actors[lo:bisect_left(self.actor_starts, at)]):
            if s.end <= at and not self._inside_quote(s.start):
                best_actor = s
                break
        fallback = None
        # "he said" after a quotation whose speaker is known: that speaker, unless a
        # person speaks or opens a sentence between the two.
        previous = self._previous_speaker(at) if person and best_actor is None else None
        if previous is not None and self._other_sex(pronoun, previous[1].text.split(),
                                                    previous[1].start):
            previous = None  # "she said" after Vitter's quotation is not Vitter's
        for start, end in self._names_before(at):
            if best_actor is not None and end <= best_actor.end:
                break
            if previous is not None and end <= previous[0]:
                return previous[1]
            if fallback is not None and end <= around.paragraph_before(self.text, fallback.start):
                return fallback
            if self._inside_quote(start) or around.OBJECT_BEFORE.search(self.text, max(0, start - 12),
                                                                  start):
                continue
            words = self.text[start:end].split()
            if sentence_cut(words):
                continue  # "Americans. He": a run over a sentence's end names no one
            if person:
                if not around.person(words):
                    continue
                if self._speaks(start, end) and (
                        len(words) > 1 or self._uses.named(words[0], start)
                        or _SPEAKS_NEXT.match(self.text, end, end + 200)):
                    # (A word alone opening a sentence, "Hours", "Bombs", "Harsh", is a
                    # name only when the article uses it as one elsewhere.)
                    if not self._other_sex(pronoun, words, start):
                        return self._mention(start, end)
                elif fallback is not None and around.subject_after_comma(self.text, start, end) and (
                        not self._other_sex(pronoun, words, start)):
                    # A name nearer but in the object ("Clinton criticized police officer
                    # Betty Shelby"): the subject the sentence holds after its opening.
                    return self._mention(start, end)
                elif fallback is None and (len(words) >= 2 or around.TITLED.match(words[0])) and (
                        not self._other_sex(pronoun, words, start)):
                    fallback = self._mention(start, end)
            elif words[-1] in naming.PERSON_BAD or (words[-1].endswith("s") and pronoun in ("they", "we")):
                return self._mention(start, end)
        if previous is not None:
            return previous[1]
        if best_actor is None and fallback is None and not person:
            group = None
            for group in around.GROUP.finditer(self.text, max(0, at - 300), at):  # noqa: B007
                pass  # the last one is the nearest
            if group is not None:
                return self._mention(*group.span("who"))
        return best_actor or fallback

    def _stretch(self, hi: int) -> tuple[int, int]:
        """The paragraph holding ``hi - 1``, or, in a paragraph longer than a few thousand
        characters, the stretch of 4096 characters holding it (a text with no line end
        stays linear)."""
        text = self.text
        floor = max(0, hi - _STRETCH)
        cut = text.rfind("\n", floor, hi)
        line = cut + 1 if cut >= 0 or floor == 0 else (hi - 1) // _STRETCH * _STRETCH
        stop = text.find("\n", line, line + 2 * _STRETCH)
        return line, (min(len(text), line + 2 * _STRETCH) if stop < 0 else stop)

    def _names_before(self, at: int):
        """The names ending before ``at`` within reach, nearest first (at most 40), read a
        paragraph at a time as they are asked for (most pronouns find theirs in their
        own paragraph or the one before)."""
        text = self.text
        given = 0
        hi = at
        while hi > 0 and at - hi <= _REACH_BACK and given < 40:
            line, stop = self._stretch(hi)
            names = self._names.get(line)
            if names is None:
                names = self._names[line] = name_spans(text, line, stop)
            i = bisect_left(names, (at, at))
            while i > 0 and given < 40:
                i -= 1
                start, end = names[i]
                if at - end > _REACH_BACK:
                    break
                if end <= at:
                    yield start, end
                    given += 1
            hi = line - 1

    def _previous_speaker(self, at: int) -> tuple[int, Span] | None:
        """Where the quotation before ``at`` ends and its speaker (a person, not a
        pronoun's), when that was already found and is within reach."""
        i = bisect_right(self.q_starts, at) - 1
        while i >= 0 and self.quotations[i].end > at:
            i -= 1
        if i < 0 or at - self.quotations[i].end > _REACH_BACK:
            return None
        q = self.quotations[i]
        got = self._asked.get((q.start, q.end))
        if not got or "taken as" in got[1]:
            return None
        span = got[0]
        words = span.text.split()
        if not words or not around.person(words) or words[-1].lower() in PRONOUNS:
            return None
        return q.end, span

    def _other_sex(self, pronoun: str, words: list[str], at: int) -> bool:
        """Whether a "he" cannot stand for the name (a woman's, as its first name, its
        title or the article's full name of that surname tell), or a "she" a man's."""
        if pronoun not in ("he", "she"):
            return False
        sex = self._uses.sex(words, at)
        return bool(sex) and sex != ("m" if pronoun == "he" else "f")

    def _speaks(self, start: int, end: int) -> bool:
        """Whether the mention is the subject of a verb of saying or opens a sentence."""
        text = self.text
        if _SPEAKS_NEXT.match(text, end, end + 200):
            return True
        before = text[max(0, start - 6):start]
        if around.ABBREVIATION_BEFORE.search(before):
            return False  # "call Mr. Chagoury": a title's full stop ends no sentence
        return start == 0 or before.endswith("\n") or before.rstrip(" \t")[-1:] in ".!?”\""

    def _inside_quote(self, at: int) -> bool:
        i = bisect_right(self.q_starts, at) - 1
        return i >= 0 and self.quotations[i].end > at


REPORTING_VERB = re.compile(rf"(?<![\w-]){_VERB}")


_opening = partial(around.opening, subject_pattern=_OPENING_SUBJECT, opening_pattern=_OPENING)



