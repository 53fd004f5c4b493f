"""The suggesters' fast paths find exactly what the plain patterns they stand for find.

Each speed-up in suggest/ replaces a pattern search with one the regular expression engine
runs faster (a set of characters first instead of a look-behind or \\b, one search instead
of a search per word, a search skipped when it cannot match); these tests hold each to its
plain form over messy text: curly and straight quotation marks, em dashes, emoji,
hyphens, CRLF, a text opening with a verb. bench/suggest_same.py compares every suggestion
of whole articles (the seed, the 5 MB bench text, PolNeAR train and dev) with the code
before."""

from __future__ import annotations

import random
import re
from pathlib import Path

from annotator.suggest import claims, mentions, speakers
from annotator.suggest.quotes import quotations, with_marks

ROOT = Path(__file__).resolve().parent.parent
SEED = (ROOT / "seeds" / "000_47da632286d522d7.txt").read_text(encoding="utf-8")
MESSY = (
    "said the minister. Said X-said, well-said, “said” it; (told) [warned] —added\n"
    "O'Brien-Smith and McDonald’s iPhone, Éric Zola said: ‘fine’ 🙂said Putin 😀 told\r\n"
    "_Foo Bar said, a\u00a0Foo said that\tit would, and urged NATO, according to U.S. "
    "officials. According to him, “It is over,” Lavrov said.\n\n\"No,\" he added."
)
TEXTS = [SEED, MESSY, SEED.replace("\n", "\r\n"), SEED.replace("“", "''").replace("”", "''"),
         MESSY * 3, "said", "", "é said", "-said", "x"]


def _verb_hits_plain(text: str) -> list[int]:
    plain = re.compile(rf"(?<![\w-])(?:{claims._HIT_WORDS})\b")
    return [m.start() for m in plain.finditer(text)]


def test_verbs_of_saying_are_found_where_the_look_behind_finds_them():
    for text in TEXTS:
        assert claims._hits(text) == _verb_hits_plain(text), text[:40]
    rnd = random.Random(7)
    pieces = ["said", " ", "-", "“", "”", "\n", "told", "x", "é", "😀", ",", "according to",
              "points out", "_", "3"]
    for _ in range(3000):
        text = "".join(rnd.choice(pieces) for _ in range(rnd.randrange(12)))
        assert claims._hits(text) == _verb_hits_plain(text), repr(text)


def test_no_verb_of_saying_holds_another_after_its_first_word():
    # _hits() joins three searches without checking overlaps: this is why it may.
    for entry in claims.CLAIM_VERBS + ["according to", "According to"]:
        for at in (i + 1 for i, ch in enumerate(entry) if ch == " "):
            assert claims._HIT_HERE.match(entry, at) is None, entry


def _subject_plain(sentence: str, verb_at: int):
    starts = [w.start() for w in
              claims._WORD_STARTS.finditer(sentence, max(0, verb_at - 100), verb_at)]
    for at in starts[-10:]:
        m = claims._SUBJECT_THEN.fullmatch(sentence, at, verb_at)
        if m is not None:
            return m.span("subj")
    return None


def test_the_subject_before_a_verb_is_the_one_tried_word_by_word():
    found = 0
    for text in TEXTS[:5]:
        for at in claims._hits(text):
            s, e = claims._sentence_around(text, at, len(text))
            sentence = text[s:e]
            assert claims._subject_before(sentence, at - s) == _subject_plain(sentence, at - s)
            found += claims._subject_before(sentence, at - s) is not None
    # A subject further back than ten words, with its appositions: the slow path.
    long = ("Jillian Chase, 27, a Tinder user in New York who once lived in Boston and "
            "Chicago, said")
    assert claims._subject_before(long, len(long) - 4) == _subject_plain(long, len(long) - 4)
    rnd = random.Random(3)
    words = ["The", "minister", "he", "Lavrov", ",", "—", "also", "said", "a", "Sergei", "of"]
    for _ in range(2000):
        sentence = " ".join(rnd.choice(words) for _ in range(rnd.randrange(1, 16)))
        for verb_at in range(len(sentence) + 1):
            assert claims._subject_before(sentence, verb_at) == _subject_plain(sentence, verb_at)
    assert found


def test_names_are_found_where_word_boundary_finds_them():
    for text in TEXTS:
        for pos, stop in [(0, len(text)), (1, len(text)), (5, 60), (len(text) // 2, len(text))]:
            pos, stop = min(pos, len(text)), min(stop, len(text))
            plain = [m.span() for m in mentions._NAME.finditer(text, pos, stop)]
            assert [m.span() for m in mentions._names(text, pos, stop)] == plain, text[:40]


def test_the_speaker_before_a_quotation_is_searched_for_whenever_it_may_be_there():
    # _at_edges skips _BEFORE when no verb of saying before the quotation is followed
    # by what _BEFORE asks after it (_TO_QUOTE): never where _BEFORE would match.
    text = with_marks(SEED + "\n\n" + MESSY.replace("\r\n", "\n"))
    lefts = sorted({q.start for q in quotations(text)} | set(range(0, len(text), 7)))
    matched = 0
    for left in lefts:
        where = max(0, left - 240)
        m = speakers._BEFORE.search(text, where, left)
        if m is not None:
            matched += 1
            assert any(speakers._TO_QUOTE.match(text, v.end(), left)
                       for v in speakers.REPORTING_VERB.finditer(text, where, left))
    assert matched
