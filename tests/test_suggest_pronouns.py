"""Speaker rules of issue 17's third round (pronouns and the speakers of quotations),
each on a small messy text: curly quotes, em dashes, CRLF, emoji (offsets are Python str
indices, checked by test_suggest_rules.run)."""

from __future__ import annotations

from test_suggest_rules import speakers


def test_a_run_of_capitals_over_a_sentences_end_is_no_one_a_pronoun_stands_for() -> None:
    text = ("Dana Perino toured Ohio — 🙂 — on Monday.\r\nThe crowd cheered Americans. He said "
            "nothing of it.\r\n“We will win,” she said.")
    assert speakers(text) == {"We will win": "Dana Perino"}
    # A title's full stop ends no sentence: the name after it stays whole.
    text = "The Rev. Peter Wherry spoke.\r\n“Pray,” he said — 🙏."
    assert speakers(text) == {"Pray": "Rev. Peter Wherry"}


def test_a_word_alone_opening_a_sentence_is_a_name_only_if_used_as_one_elsewhere() -> None:
    text = ("Tim Kaine met donors in Richmond 🙂.\r\nHours later — after dark — the rally began.\r\n"
            "“We are ready,” he told the crowd.")
    assert speakers(text) == {"We are ready": "Tim Kaine"}
    # "Kaine" opens a sentence, and the article also says "Sen. Kaine": a name.
    text = ("Sen. Kaine met donors.\r\nHours passed — after dark 🙂. Kaine arrived.\r\n"
            "“We are ready,” he told the crowd.")
    assert speakers(text) == {"We are ready": "Kaine"}


def test_a_no_break_space_is_a_space_between_a_speaker_and_the_verb_or_dash() -> None:
    text = ("“We check facts — all of them 🙂,” PolitiFact\xa0says.\r\n"
            "“Build a wall around him.” ―\xa0Steve Quinlan.\r\n"
            "“Vote,”\xa0said\xa0Sen.\xa0Tim\xa0Kaine.")
    assert speakers(text) == {"We check facts — all of them 🙂": "PolitiFact",
                              "Build a wall around him.": "Steve Quinlan",
                              "Vote": "Sen.\xa0Tim\xa0Kaine"}


def test_verbs_that_speak_at_a_quotations_edge_demanded_joked_pleaded() -> None:
    text = ("“Why isn’t this proof — 🙂 — of it?” Vitter demanded.\r\n"
            "“I’m a night owl,” joked Hillary Clinton.\r\nClinton smiled. \"Please stop,\" she pleaded.")
    assert speakers(text) == {"Why isn’t this proof — 🙂 — of it?": "Vitter",
                              "I’m a night owl": "Hillary Clinton",
                              "Please stop": "Clinton"}


def test_he_and_she_stand_only_for_a_name_of_their_sex() -> None:
    # "she" skips Vitter (a man: "Sen. David Vitter") for Hillary Clinton, who opens a
    # sentence before him; "he" skips "Mrs. Warren" for Tester.
    text = ("Hillary Clinton spoke first — 🙂 — in Ohio.\r\nSen. David Vitter agreed.\r\n"
            "“Enough,” she said.\r\n"
            "Jon Tester nodded.\r\nMrs. Warren stood up.\r\n“Fine,” he told her.")
    assert speakers(text) == {"Enough": "Hillary Clinton", "Fine": "Jon Tester"}
    # A "she" after a man's quotation is not his; a place or a firm is no one's name.
    text = ("Dana Bash asked Brian Fallon about it.\r\n“We won,” Fallon said.\r\n"
            "Crosscut Strategies agreed.\r\n“Not yet,” she said — 🎤.")
    assert speakers(text)["Not yet"] == "Dana Bash"


def test_a_noun_phrase_after_said_ends_at_a_word_not_inside_an_abbreviation() -> None:
    text = "“We’re ready — 🙂,” said the U.S. official.\r\nThe U.S. envoy said the plan was “dead”.\r\n"
    assert speakers(text) == {"We’re ready — 🙂": "the U.S. official", "dead": "The U.S. envoy"}


def test_a_paragraph_ending_with_a_colon_speaks_for_a_quotation_opening_the_next() -> None:
    # The quotation opens its paragraph but does not fill it (a quoted question inside
    # it ends its first piece early).
    text = ("Pat Caddell continued:\r\n\r\n\"The health issue — 🩺 — is partisan, I'll read "
            "you the question: “Is she fit?” Forty-three, yes.\" And then the poll.\r\n")
    got = speakers(text)
    assert got and set(got.values()) == {"Pat Caddell"}


def test_a_speaker_named_at_the_end_of_the_sentence_the_quotation_opens() -> None:
    text = ("Sen. Elizabeth Warren pressed on — 🙂.\r\n"
            "“The only way Wall Street will change is jail time” for executives, she said.\r\n"
            "\"Tax cuts\" pay for themselves, Mr. Holtz-Eakin argued.\r\n")
    assert speakers(text) == {
        "The only way Wall Street will change is jail time": "Sen. Elizabeth Warren",
        "Tax cuts": "Mr. Holtz-Eakin"}


def test_speakers_with_a_lower_case_office_of_the_and_my() -> None:
    text = ("\"It was the least bad outcome — 🙂,\" Mr. Morgan of the Sierra Club said.\r\n"
            "“Subpoenas are not optional,” panel Chairman Rep. Jason Chaffetz (R-Utah) said.\r\n"
            "“We will achieve justice,” Tulsa police Chief Chuck Jordan said Monday.\r\n"
            "\"We live in Satan's kingdom,\" my father often said.\r\n")
    assert speakers(text) == {
        "It was the least bad outcome — 🙂": "Mr. Morgan of the Sierra Club",
        "Subpoenas are not optional": "panel Chairman Rep. Jason Chaffetz (R-Utah)",
        "We will achieve justice": "Tulsa police Chief Chuck Jordan",
        "We live in Satan's kingdom": "my father"}


def test_a_quoted_transcript_names_each_pieces_speaker_before_its_colon() -> None:
    text = ("Fox News aired this exchange — 📺:\r\n\r\n"
            "\"WALLACE: But, Governor Pence, I’ve got to ask you.\r\n\r\n"
            "\"PENCE: Well, look, this is America, Chris.\"\r\n")
    got = speakers(text)
    assert sorted(got.values()) == ["PENCE", "WALLACE"]


def test_a_dateline_a_capital_city_or_a_partys_adjective_is_no_he() -> None:
    text = ("MIDWAY ATOLL — 🌊 President Obama toured the reef.\r\n"
            "Pyongyang tested a bomb. Republican leaders balked.\r\n"
            "“It is terrifying,” he said.\r\n")
    assert speakers(text) == {"It is terrifying": "President Obama"}


def test_it_stands_for_no_surname_ending_in_s() -> None:
    text = "The Times reviewed the plan. Bernie Sanders criticized it.\r\n“It fails — 🙂,” it added.\r\n"
    assert speakers(text) == {"It fails — 🙂": "Times"}


def test_i_outside_a_quotation_is_the_writer_and_stays_i() -> None:
    text = ("Donald Trump spoke in Ohio 🙂.\r\nOnce, driving — late — I laughed and said, "
            "“I don’t believe in the devil.”\r\n")
    assert speakers(text) == {"I don’t believe in the devil.": "I"}


def test_more_first_names_tell_a_mans_name_from_a_she() -> None:
    text = ("Oprah Winfrey hosted — 🎬.\r\nWill Smith waved.\r\n“What a night,” she said.\r\n")
    assert speakers(text) == {"What a night": "Oprah Winfrey"}


def test_a_subject_with_appositions_speaks_before_a_verb_of_saying() -> None:
    text = ("Brian Fallon, the campaign’s press secretary, noted that the campaign faced a "
            "crossroads in May “when voter impressions were taking shape — 🙂.”\r\n"
            "Michael Mulgrew, president of the union, which represents teachers, said he hopes "
            "the day sends a message that “communities are standing up.”\r\n")
    assert speakers(text) == {"when voter impressions were taking shape — 🙂.": "Brian Fallon",
                              "communities are standing up.": "Michael Mulgrew"}


def test_sings_and_participles_are_verbs_of_saying_at_a_quotations_edge() -> None:
    text = "“Promise mama,” Blige sings to Clinton — softly 🎤.\r\n"
    assert speakers(text) == {"Promise mama": "Blige"}


def test_a_place_is_no_group_they_stand_for() -> None:
    text = "The Cato Institute studied the plan. West Virginia agreed.\r\n“Too costly — 🙂,” they said.\r\n"
    assert speakers(text) == {"Too costly — 🙂": "Cato Institute"}
