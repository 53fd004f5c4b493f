"""Speaker rules of issue 17's fourth round, each on a small messy text: curly quotes, em
dashes, CRLF, emoji (offsets are Python str indices, checked by test_suggest_rules.run)."""

from __future__ import annotations

from test_suggest_rules import speakers


def test_a_lower_case_press_secretary_is_part_of_a_speakers_title() -> None:
    text = ("“We have seen a sustained commitment — 🙂 — to it,” White House press secretary "
            "Josh Earnest said at a briefing.\r\n")
    assert speakers(text) == {"We have seen a sustained commitment — 🙂 — to it":
                              "White House press secretary Josh Earnest"}


def test_a_long_apposition_between_a_speaker_and_said() -> None:
    text = ("“Their strategy is very clear — 🙂,” Michael McFaul, a senior fellow at the Hoover "
            "Institution and a former United States ambassador to Russia, said of RT.\r\n")
    assert speakers(text) == {"Their strategy is very clear — 🙂": "Michael McFaul"}


def test_a_pronoun_takes_a_full_name_of_the_paragraph_before_over_an_older_speaker() -> None:
    # "she" stands for Zoe Saldana, named (not speaking) the paragraph before, not for Ana
    # Lopez, who spoke three paragraphs up.
    text = ("Ana Lopez said the vote mattered — 🙂.\r\n\r\nThe list goes on.\r\n\r\n"
            "People were surprised after Zoe Saldana took her husband’s name.\r\n\r\n"
            "“Men will not cease to exist,” she wrote.")
    assert speakers(text) == {"Men will not cease to exist": "Zoe Saldana"}
    # A speaker in the paragraph just before the name still wins: a name seen in passing
    # is weaker than one who speaks close by.
    text = ("Ana Lopez said the vote mattered — 🙂.\r\n\r\n"
            "People were surprised after Zoe Saldana took her husband’s name.\r\n\r\n"
            "“Men will not cease to exist,” she wrote.")
    assert speakers(text) == {"Men will not cease to exist": "Ana Lopez"}


def test_a_noun_phrase_in_lower_case_before_said_is_an_object_not_the_speaker() -> None:
    text = ("Donald Trump, her Republican opponent, bemoaned the unrest in Charlotte and said "
            "drugs were a “very, very big factor — 🙂 — in the violence.”\r\n"
            "Barack Obama spoke. And he made a point of saying “we are not at war with Islam.”")
    got = speakers(text)
    assert got["very, very big factor — 🙂 — in the violence."] == "Donald Trump"
    assert got["we are not at war with Islam."] == "Barack Obama"
    # With no verb between, a subject in lower case after an opening phrase still speaks.
    text = "On Monday the campaign said it would “fight on — 🙂 — to the end.”"
    assert speakers(text) == {"fight on — 🙂 — to the end.": "the campaign"}


def test_saying_after_a_quotation_introduces_no_speaker() -> None:
    # "saying the city …" after the quotation is what Trump said, not who said it.
    text = ("Donald Trump has delivered an impassioned defense of “New York values — 🙂,” "
            "saying the city embodied the country.\r\n“We won,” said Ted Cruz.")
    got = speakers(text)
    assert got["New York values — 🙂"] == "Donald Trump"
    assert got["We won"] == "Ted Cruz"


def test_a_quotation_with_no_speaker_takes_the_one_of_a_quotation_before_in_its_sentence() -> None:
    text = ("Speaking to supporters in South Carolina after the state’s Republican primary, Cruz "
            "said there is “only one strong conservative in a position to win this race — 🙂,” "
            "adding that it’s why Donald Trump “relentlessly attacks us and ignores the others.”")
    got = speakers(text)
    assert got["only one strong conservative in a position to win this race — 🙂"] == "Cruz"
    assert got["relentlessly attacks us and ignores the others."] == "Cruz"
    # A short one (a scare quote) does not: it may be no one's words.
    text = ("Cruz said there is “only one strong conservative in a position to win this "
            "race,” adding that Trump was a “brute.”")
    assert "brute." not in speakers(text)


def test_a_state_a_people_or_an_acronym_is_no_one_a_he_or_she_stands_for() -> None:
    text = ("Sandy Phillips spoke first — 🙂.\r\nThe mother of a girl killed in Aurora, "
            "Colorado, in July 2012, said that he was rude.\r\n“He was late,” she said.")
    assert speakers(text) == {"He was late": "Sandy Phillips"}
    text = ("Carly Fiorina ran HP — 🙂.\r\nHP lost money.\r\n“The market will hate this,” she "
            "recounted.")
    assert speakers(text) == {"The market will hate this": "Carly Fiorina"}


def test_a_name_speaks_after_a_long_apposition() -> None:
    # Aparna Mathur speaks ("…, said"): the "she" after it is hers, not Ivanka Trump's,
    # named after "said".
    text = ("Conservative economist Aparna Mathur, who studies tax policy and labor issues at "
            "the American Enterprise Institute, said Ivanka Trump’s statement didn’t clarify "
            "the matter — 🙂.\r\n\r\n“It’s not clear,” she said.")
    assert speakers(text) == {"It’s not clear": "Aparna Mathur"}


def test_the_subject_after_an_opening_phrase_beats_a_name_in_the_object() -> None:
    text = ("On The Steve Harvey Morning Show on Tuesday, Clinton criticized Tulsa police officer "
            "Betty Shelby for the shooting — 🙂.\r\n\r\n“We have to do better,” she said.")
    assert speakers(text) == {"We have to do better": "Clinton"}


def test_a_clause_opening_with_that_is_no_speaker() -> None:
    text = ("Polls closed — 🙂.\r\nHillary Clinton told reporters on Tuesday that her campaign "
            "would continue to “fight for every vote in every state.”")
    assert speakers(text) == {"fight for every vote in every state.": "Hillary Clinton"}


def test_more_verbs_speak_at_a_quotations_edge() -> None:
    text = ("“The way I see it — 🙂,” she elaborated.\r\n“Would it be negotiable?” Hannity "
            "pressed.\r\n“Keep the tax,” the council recommended.\r\n“Your reputation is "
            "amazing,” Trump assured Jones.\r\n“Only two,” Bozell answers.\r\n“Did you shoot "
            "him?” Lavish Reynolds yells.")
    assert speakers(text) == {"Would it be negotiable?": "Hannity",
                              "Did you shoot him?": "Lavish Reynolds",
                              "Keep the tax": "the council",
                              "Your reputation is amazing": "Trump",
                              "Only two": "Bozell"} | {"The way I see it — 🙂": "she"}


def test_said_and_the_speaker_after_the_rest_of_the_sentence() -> None:
    text = ("Polls tightened — 🙂.\r\n\r\n''He can assert it, but it seems extremely unlikely'' "
            "that Sanders can catch Clinton, said Steve Elmendorf, deputy campaign manager.\r\n\r\n"
            "''I have this searing memory of sitting at my desk in 'the West Wing,''' said Tommy "
            "Vietor, a former spokesman.")
    assert speakers(text) == {
        "He can assert it, but it seems extremely unlikely": "Steve Elmendorf",
        "I have this searing memory of sitting at my desk in 'the West Wing": "Tommy Vietor"}


def test_a_day_or_a_month_in_capitals_is_no_one_a_pronoun_stands_for() -> None:
    text = ("Carly Fiorina ran the firm — 🙂.\r\n\r\nOne Sunday the board met.\r\n\r\n"
            "“It was a fight,” she said.")
    assert speakers(text) == {"It was a fight": "Carly Fiorina"}


def test_a_firm_is_no_one_a_he_stands_for() -> None:
    text = ("Mr. Obama dismissed the criticism as the voice of Mr. Tribe's client, Peabody "
            "Energy, the nation's largest coal company — 🙂.\r\n\r\n“You know, I love Larry,” "
            "he said.")
    # (Nor "Mr. Obama", whose title opens the sentence and is read as no sentence's start:
    # the "he" is proposed as it is.)
    assert speakers(text) == {"You know, I love Larry": "he"}


def test_a_subject_after_a_quotation_ending_its_sentence_opens_the_next_one() -> None:
    # The quotation ends with a full stop; "Russia insisted that …" is a new sentence, not
    # the quotation's speaker. "“…,” Trump said." keeps its speaker.
    text = ("Japan said North Korea had become “an outlaw nation in the whole neighborhood — 🙂.” "
            "Russia insisted that Pyongyang stop.\r\n“We will respond,” Trump said.")
    assert speakers(text) == {"an outlaw nation in the whole neighborhood — 🙂.": "Japan",
                              "We will respond": "Trump"}
