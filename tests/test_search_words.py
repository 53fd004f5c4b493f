"""The snippets of the search result list and the find bar's needle (core/search_words.py)."""

from __future__ import annotations

from annotator.core.search_words import HIT_END, HIT_START, WIDTH, needle_for, snippet


def _plain(marked: str) -> str:
    return marked.replace(HIT_START, "").replace(HIT_END, "")


def test_the_snippet_marks_whole_words_and_a_prefix_of_the_last() -> None:
    text = "Lavrov’s aide — 🇺🇦 — met Lavrov; the Lavrovs and lavrova said “peace”."
    got = snippet(text, "peace LAVROV")
    assert got.count(HIT_START) == got.count(HIT_END) == 5
    assert f"{HIT_START}Lavrov{HIT_END}’s" in got  # ’ is not a letter: Lavrov is a word
    assert f"{HIT_START}Lavrovs{HIT_END}" in got and f"{HIT_START}lavrova{HIT_END}" in got
    assert f"{HIT_START}peace{HIT_END}" in got
    assert _plain(got) == text  # nothing else changed
    assert f"{HIT_START}aide{HIT_END}" in snippet(text, "aid")  # the last word: a prefix
    assert f"{HIT_START}aide" not in snippet(text, "aid peace")  # not the last: whole words


def test_a_long_text_is_cut_at_words_around_the_densest_hits() -> None:
    filler = "word " * 400
    text = filler + "Lavrov spoke. " + filler + "Lavrov met Blinken. " + filler
    got = snippet(text, "Lavrov Blinken")
    assert got.startswith("…") and got.endswith("…")
    assert f"{HIT_START}Lavrov{HIT_END} met {HIT_START}Blinken{HIT_END}" in got
    assert len(_plain(got)) <= WIDTH + 2
    assert _plain(got)[1:-1] in text


def test_a_hit_only_in_the_title_or_without_accents() -> None:
    assert snippet("Body text.", "Kremlin", title="Kremlin denies") == (
        f"{HIT_START}Kremlin{HIT_END} denies")
    # the index folds accents ("Muller" finds "Müller"): the text's beginning, unmarked
    assert snippet("Herr Müller sagte.", "Muller") == "Herr Müller sagte."
    assert snippet("", "x") == ""


def test_the_needle_is_the_phrase_or_the_first_word_found() -> None:
    text = "Sergei Lavrov said the talks were “frank”."
    assert needle_for("sergei lavrov", text) == "sergei lavrov"
    assert needle_for("Kerry Lavrov", text) == "Lavrov"
    assert needle_for("Kerry", text) == "Kerry"
    assert needle_for("   ", text) == ""
