"""The speaker figure of the evaluation (evaluate._speakers) counts fairly: a gold slip
naming the verb as the speaker is not asked, a possessive or relative gold speaker stands
for the name before it as "he" does, and words keep their own "s"."""

from __future__ import annotations

from annotator.core.model import Relation, Span
from annotator.core.suggestions import SuggestedLink, SuggestedSpan, Suggestions
from annotator.suggest.evaluate import GoldArticle, Report, score_article


def _span(sid: str, text: str, words: str, label: str, nth: int = 0) -> Span:
    at = -1
    for _ in range(nth + 1):
        at = text.index(words, at + 1)
    return Span(sid, "d", at, at + len(words), label, words, "g", "", "")


def _scored(text: str, gold_spans: list[Span], speaker: str, quote: str, said: str,
            nth: int = 0) -> Report:
    """One gold quote with the gold speaker ``speaker``, predicted said by ``said``."""
    q = _span("q", text, quote, "quote")
    s = _span("s", text, speaker, "actor", nth)
    gold = GoldArticle("d", text, [*gold_spans, q, s],
                       [Relation("r", "d", "said_by", "q", "s", "g", "", "")])
    at = text.index(said)
    predicted = Suggestions("quotes", [
        SuggestedSpan("p", q.start, q.end, "quote", 0.9, "x"),
        SuggestedSpan("a", at, at + len(said), "actor", 0.9, "x")],
        [SuggestedLink("said_by", "p", "a", 0.9, "x")])
    report = Report()
    score_article(report, gold, [predicted])
    return report


def test_a_gold_speaker_that_is_the_verb_is_not_asked() -> None:
    # PolNeAR marks "said" as the source of "“…,” said Hester" now and then: the
    # prediction "Hester" cannot be compared with it, right or wrong.
    text = "“We want schools,” said Hester."
    report = _scored(text, [], "said", "We want schools", "Hester")
    assert (report.speaker_asked, report.speaker_right, report.speaker_resolved) == (0, 0, 0)
    # A real speaker beside the slip keeps the quote asked.
    text = "“We want schools,” said Megan Hester."
    report = _scored(text, [], "Megan Hester", "We want schools", "Hester")
    assert (report.speaker_asked, report.speaker_right) == (1, 1)


def test_a_possessive_gold_speaker_stands_for_the_name_before_it() -> None:
    text = "Mr. Trump spoke. Contrary to his claim “I pay taxes” the returns show none."
    name = _span("n", text, "Mr. Trump", "actor")
    report = _scored(text, [name], "his", "I pay taxes", "Mr. Trump")
    assert (report.speaker_asked, report.speaker_right, report.speaker_resolved) == (1, 0, 1)
    # Another name is still wrong.
    text = "Mr. Trump spoke. Ms. Rice left. Contrary to his claim “I pay taxes” none."
    report = _scored(text, [_span("n", text, "Mr. Trump", "actor")], "his", "I pay taxes",
                     "Ms. Rice")
    assert (report.speaker_asked, report.speaker_resolved) == (1, 0)


def test_words_keep_their_own_s() -> None:
    # "Harris" is no "Harri": a prediction "Harri" (a piece of another name) is not the
    # gold "Kamala Harris" through a pronoun; "Harris’s" is.
    text = "Harri Kane left. Kamala Harris spoke. “We win,” she said. Harris’s aide came."
    name = _span("n", text, "Kamala Harris", "actor")
    report = _scored(text, [name], "she", "We win", "Harri")
    assert (report.speaker_asked, report.speaker_resolved) == (1, 0)
    report = _scored(text, [name], "she", "We win", "Harris’s")
    assert (report.speaker_asked, report.speaker_resolved) == (1, 1)


def test_another_mention_of_a_gold_name_counts_through_pronouns() -> None:
    # The gold "Espinoza" is named after this quotation's continuation; the prediction
    # names Espinoza by the mention before it. Strictly wrong (no overlap), but it names
    # the gold speaker, as a pronoun's antecedent named by another mention already does.
    text = ("“I won’t talk,” Espinoza said.\n\n“We vote.”\n\n“I will go,” Espinoza said.")
    report = _scored(text, [], "Espinoza", "We vote", "Espinoza", nth=1)
    assert (report.speaker_asked, report.speaker_right, report.speaker_resolved) == (1, 0, 1)
    # A pronoun or a word in lower case of the gold name is no name of it.
    text = "Sergei Lavrov, the spokesman, left. A spokesman said “no”."
    report = _scored(text, [], "Sergei Lavrov, the spokesman,", "no", "A spokesman")
    assert (report.speaker_asked, report.speaker_resolved) == (1, 0)
