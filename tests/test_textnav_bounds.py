"""Issue 15 point 5, the rules without Qt: where a span edge key steps, where a dragged
edge snaps, sentences across paragraphs, quotation marks in pairs, find with counts."""

from __future__ import annotations

import time

import pytest

from annotator.core import quotes
from annotator.core.finding import COUNT_LIMIT, Finder
from annotator.core.textnav import next_step, sentence_end, sentence_start, snap_edge


def steps(text: str, offset: int, step: int, n: int) -> list[str]:
    """The text up to (step -1) or from (step +1) each of ``n`` successive stops."""
    seen = []
    for _ in range(n):
        offset = next_step(text, offset, step)
        seen.append(text[:offset] if step < 0 else text[offset:])
    return seen


@pytest.mark.parametrize("mark", ['"', "”", "»", "’"])
def test_the_end_loses_a_closing_mark_then_the_full_stop_then_the_word(mark: str) -> None:
    text = f"ensuring national reconciliation.{mark} Moscow"
    end = text.index(" Moscow")
    assert steps(text, end, -1, 3) == [
        "ensuring national reconciliation.",
        "ensuring national reconciliation",
        "ensuring national ",
    ]


def test_steps_forward_take_a_word_then_punctuation_then_marks() -> None:
    text = "he said: “We — the 😀 people…” then"
    start = text.index("said") + 4
    assert [text[start:next_step(text, start, 1)]] == [":"]
    stops, here = [], start
    for _ in range(8):
        there = next_step(text, here, 1)
        stops.append(text[here:there].strip())
        here = there
    assert stops == [":", "“", "We", "—", "the", "😀", "people", "…"]
    assert text[here:next_step(text, here, 1)] == "”"


def test_an_emoji_sequence_is_one_step_and_never_split() -> None:
    family = "👩\u200d👩\u200d👧"
    heart = "❤\ufe0f"
    thumb = "👍🏽"
    for emoji in (family, heart, thumb):
        text = f"love {emoji} you"
        end = text.index(" you")
        assert text[:next_step(text, end, -1)] == "love "
        start = text.index(emoji)
        assert text[next_step(text, start, 1):] == " you"


def test_words_keep_inner_apostrophes_hyphens_and_accents() -> None:
    text = "Russia’s pro-Russian e\u0301te\u0301 rebels"
    assert steps(text, 0, 1, 3) == [" pro-Russian e\u0301te\u0301 rebels", " e\u0301te\u0301 rebels", " rebels"]
    assert next_step(text, len(text), -1) == text.index("rebels")
    assert next_step(text, 0, -1) == 0 and next_step(text, len(text), 1) == len(text)


def test_a_dragged_edge_inside_a_word_takes_the_whole_word() -> None:
    text = "Moscow has long said"
    inside = text.index("long") + 1
    assert text[:snap_edge(text, inside, "end")] == "Moscow has long"
    assert text[snap_edge(text, inside, "start"):] == "long said"
    between = text.index(" long")
    assert snap_edge(text, between, "end") == between == snap_edge(text, between, "start")
    assert text[snap_edge(text, 2, "end"):][:4] == " has"


def test_a_sentence_end_crosses_a_paragraph_break_when_pressed_at_it() -> None:
    text = '"It is at such a moment\n\nthat they demand it," he said. Next one.'
    first = sentence_end(text, 0)
    assert text[:first] == '"It is at such a moment'
    second = sentence_end(text, first)
    assert text[:second] == '"It is at such a moment\n\nthat they demand it," he said.'
    assert text[:sentence_end(text, second)].endswith("Next one.")
    crlf = "One.\r\n\r\nTwo words\r\n\r\nThree."
    assert crlf[:sentence_end(crlf, 4)] == "One.\r\n\r\nTwo words"
    assert crlf[:sentence_end(crlf, sentence_end(crlf, 4))] == crlf


def test_sentences_end_at_punctuation_before_a_capital_not_before_a_lower_case_word() -> None:
    text = "Concerns about U.S. influence grew. “Stop!” he said. Then"
    assert text[:sentence_end(text, 0)] == "Concerns about U.S. influence grew."
    here = text.index("“")
    assert text[here:sentence_end(text, here)] == "“Stop!” he said."


def test_a_sentence_start_goes_back_over_paragraph_breaks() -> None:
    text = "First one. Second one.\n\nThird one."
    third = text.index("Third")
    assert text[sentence_start(text, third):] == "Second one.\n\nThird one."
    assert text[sentence_start(text, third + 3):] == "Third one."
    assert sentence_start(text, text.index("Second")) == 0


CURLY = "He said: “We will win. They will lose.” Then „Gut“ and «oui» and ‘no’ end."


def test_roles_and_partners_of_curly_guillemet_and_german_marks() -> None:
    open_, close = CURLY.index("“"), CURLY.index("”")
    assert quotes.role(CURLY, open_) == "open" and quotes.role(CURLY, close) == "close"
    assert quotes.partner(CURLY, open_) == close and quotes.partner(CURLY, close) == open_
    assert CURLY[quotes.partner(CURLY, CURLY.index("„"))] == "“"
    assert CURLY[quotes.partner(CURLY, CURLY.index("«"))] == "»"
    assert CURLY[quotes.partner(CURLY, CURLY.index("‘"))] == "’"
    assert quotes.role("don’t", 3) is None  # an apostrophe, not a mark


def test_to_matching_mark_from_either_end_or_from_inside() -> None:
    whole = "“We will win. They will lose.”"
    at = CURLY.index("“")
    assert CURLY[slice(*quotes.to_matching_mark(CURLY, at, at + 3))] == whole  # “We
    end = CURLY.index("”") + 1
    assert CURLY[slice(*quotes.to_matching_mark(CURLY, end - 6, end))] == whole  # lose.”
    inside = CURLY.index("They")
    assert CURLY[slice(*quotes.to_matching_mark(CURLY, inside, inside + 4))] == whole
    assert quotes.to_matching_mark(CURLY, 0, 2) is None  # "He": in no quotation
    straight = 'A "plain one" here'
    assert straight[slice(*quotes.to_matching_mark(straight, 2, 8))] == '"plain one"'


def test_a_quotation_over_paragraphs_reopened_at_each_one_is_one_quotation() -> None:
    text = "“First paragraph.\n\n“Second paragraph,” he said."
    assert text[slice(*quotes.to_matching_mark(text, 0, 6))] == "“First paragraph.\n\n“Second paragraph,”"


def test_a_sentence_extension_keeps_quote_pairs() -> None:
    start, end = CURLY.index("We"), CURLY.index("”") + 1
    assert CURLY[slice(*quotes.balanced(CURLY, start, end, "end"))] == "“We will win. They will lose.”"
    later = CURLY.index("They")  # the opening mark is a sentence back: leave the closing out
    assert CURLY[slice(*quotes.balanced(CURLY, later, end, "end"))] == "They will lose."
    start = CURLY.index("“")
    stop = CURLY.index("They") - 1
    assert CURLY[slice(*quotes.balanced(CURLY, start, stop, "start"))] == "We will win."
    plain = "No marks here."
    assert quotes.balanced(plain, 0, len(plain), "end") == (0, len(plain))


def test_find_counts_with_case_and_whole_words() -> None:
    text = "Lavrov said. LAVROV, Lavrova and Lavrov’s lavrov 😀 Lavrov"
    assert Finder(text, "lavrov").count() == (6, False)
    assert Finder(text, "Lavrov", match_case=True).count() == (4, False)
    assert Finder(text, "lavrov", whole_word=True).count() == (5, False)  # not Lavrova
    assert Finder(text, "Lavrov", match_case=True, whole_word=True).count() == (3, False)
    finder = Finder(text, "lavrov", whole_word=True)
    last = text.rindex("Lavrov")
    assert finder.next(last) == (last, last + 6) and finder.number(last) == 5
    assert finder.next(last + 1) == (0, 6)  # wraps to the top
    assert finder.next(0, backward=True) == (last, last + 6)  # and back to the bottom
    assert finder.is_match(last, last + 6) and not finder.is_match(last, last + 5)
    assert not finder.is_match(text.index("Lavrova"), text.index("Lavrova") + 6)
    assert Finder(text, "").next(0) is None and Finder(text, "zzz").count() == (0, False)
    dotted = "İstanbul and istanbul"  # its lower case is longer: offsets must stay exact
    found = Finder(dotted, "istanbul").next(1)
    assert dotted[slice(*found)] == "istanbul"


def test_counting_in_a_five_megabyte_article_is_instant_and_capped() -> None:
    text = "Moscow has long said it will regard NATO membership as a threat. " * 80_000
    assert len(text) > 5_000_000
    for needle, word in (("zzzq", False), ("e", True), ("the", False), ("a", False)):
        began = time.perf_counter()
        finder = Finder(text, needle, whole_word=word)
        finder.count()
        finder.next(len(text) // 2)
        finder.next(len(text) // 2, backward=True)
        assert time.perf_counter() - began < 0.5, needle
    assert Finder(text, "a").count() == (COUNT_LIMIT, True)
