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
            nth: int = 0, said_nth: int = 0) -> Report:
    """One gold quote with the gold speaker ``speaker`` (its nth occurrence), predicted
    said by ``said`` (its said_nth occurrence)."""
    q = _span("q", text, quote, "quote")
    s = _span("s", text, speaker, "actor", nth)
    gold = GoldArticle("d", text, [*gold_spans, q, s],
                       [Relation("r", "d", "said_by", "q", "s", "g", "", "")])
    at = _span("x", text, said, "actor", said_nth).start
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


def test_he_stands_for_the_nearest_gold_actor_that_may_be_one_person() -> None:
    # PolNeAR marks "Some Republicans" (a source nearer the "he"), which no "he" stands
    # for: the prediction "Chris Shays" names the actor "he" does.
    text = ("Former Rep. Chris Shays spoke. Some Republicans said they back her.\n"
            "“Hillary is my next choice,” he said.")
    spans = [_span("n", text, "Former Rep. Chris Shays", "actor"),
             _span("m", text, "Some Republicans", "actor")]
    report = _scored(text, spans, "he", "Hillary is my next choice", "Chris Shays")
    assert (report.speaker_asked, report.speaker_resolved) == (1, 1)
    # Nor a thing named in lower case, nor two joined by "and"; a capitalised name
    # past the first word may be one person ("9/11 widow Terry Strada").
    for other in ("The report", "Smith and Jones", "the delegates"):
        text = (f"9/11 widow Terry Strada spoke. {other} said so.\n"
                "“We wait,” she said.")
        spans = [_span("n", text, "9/11 widow Terry Strada", "actor"),
                 _span("m", text, other, "actor")]
        report = _scored(text, spans, "she", "We wait", "Strada", nth=0)
        assert report.speaker_resolved == (other != "Smith and Jones"), other


def test_a_possessive_inside_a_gold_name_is_not_its_name() -> None:
    # "Mr. Trump’s campaign chairman, Paul Manafort," is Manafort: a prediction "Trump"
    # of the "he" standing for him is wrong.
    text = ("Mr. Trump’s campaign chairman, Paul Manafort, spoke. He attempted to "
            "distance Trump, arguing “it was a plan”.")
    name = _span("n", text, "Mr. Trump’s campaign chairman, Paul Manafort,", "actor")
    report = _scored(text, [name], "He", "it was a plan", "Trump", said_nth=1)
    assert report.speaker_resolved == 0
    # A possessive ending the gold name is that name ("Quintanilla’s question").
    text = "Quintanilla’s question “was fair” he said. Quintanilla left."
    report = _scored(text, [], "Quintanilla’s", "was fair", "Quintanilla", said_nth=1)
    assert (report.speaker_asked, report.speaker_resolved) == (1, 1)
