"""The article header's rule (core/header.py): say only what the text's first lines do not,
and the span list's place of a span (core/paragraphs.py)."""

from __future__ import annotations

from annotator.core.header import (
    article_header,
    date_said_in,
    head_lines,
    head_of,
    nice_date,
    said_in,
    title_said_in,
)
from annotator.core.model import DocumentMeta
from annotator.core.paragraphs import paragraph_of, paragraph_starts, where

SAMPLE = (
    "\n\nLavrov Warns U.S. and NATO to Stay Out of Ukraine Ahead of Summit\n\n"
    "By [The Moscow Times](#)\n\nSeptember 04, 2014\n\n\n\n"
    "Russia's Foreign Minister Sergei Lavrov addresses his Tunisian counterpart.\n"
)
META = DocumentMeta(
    title="Lavrov Warns U.S. and NATO to Stay Out of Ukraine Ahead of Summit",
    source="The Moscow Times", published="2014-09-04", url="https://example.org/a/b",
)


def test_the_title_source_and_date_the_text_begins_with_are_not_repeated() -> None:
    header = article_header(META, SAMPLE)
    assert (header.title, header.source, header.date) == ("", "", "")
    assert header.url == "https://example.org/a/b"  # the text never links itself


def test_what_the_text_does_not_say_stays_in_the_header() -> None:
    body = "Moscow — Russia’s foreign minister warned NATO on Thursday.\r\nMore text.\r\n"
    header = article_header(META, body)
    assert header.title == META.title
    assert header.source == "The Moscow Times"
    assert header.date == "4 September 2014"


def test_a_title_said_only_far_down_the_text_is_still_shown() -> None:
    body = "".join(f"Paragraph {i} of the story.\n\n" for i in range(10)) + META.title
    assert article_header(META, body).title == META.title


def test_a_title_counts_as_said_only_at_the_start_of_a_line() -> None:
    meta = DocumentMeta(title="Ukraine")
    assert article_header(meta, "Russia warned Ukraine on Thursday.").title == "Ukraine"
    assert article_header(meta, "UKRAINE\n\nRussia warned on Thursday.").title == ""
    pipe = DocumentMeta(title="Talks stall")
    assert article_header(pipe, "Talks stall | The Daily\n\nBody.").title == ""
    assert title_said_in("Talks stall", head_lines("\n\n  talks   STALL!\n"))


def test_case_punctuation_and_markup_do_not_count() -> None:
    head = head_of("LAVROV WARNS U.S. AND NATO TO STAY OUT OF UKRAINE — AHEAD OF SUMMIT!\n")
    assert said_in(META.title, head)
    assert not said_in("Lavrov Warns", head_of("Lavrov Warnsome things\n"))  # whole words
    assert said_in("The Moscow Times", head_of("By [The Moscow Times](#)\n"))


def test_dates_in_the_usual_spellings() -> None:
    for text in ("September 04, 2014", "4 September 2014", "Sep 4, 2014", "2014-09-04",
                 "Published 04 Sep 2014 10:00"):
        assert date_said_in("2014-09-04", head_of(text)), text
    assert not date_said_in("2014-09-04", head_of("September 05, 2014"))
    assert not date_said_in("2014-09-04", head_of("14 September 2014"))
    assert nice_date("2014-09-04") == "4 September 2014"
    assert nice_date("yesterday") == "yesterday"
    assert article_header(DocumentMeta(published="yesterday"), "Text.").date == "yesterday"


def test_an_author_stands_in_for_a_missing_source() -> None:
    meta = DocumentMeta(author="Jane Roe")
    assert article_header(meta, "Some text.").source == "Jane Roe"
    assert article_header(meta, "By Jane Roe\n\nSome text.").source == ""


def test_paragraphs_are_what_blank_lines_separate() -> None:
    starts = paragraph_starts(SAMPLE)
    text = SAMPLE
    assert text[starts[0]:].startswith("Lavrov Warns")
    assert paragraph_of(starts, text.index("By [")) == 2
    assert paragraph_of(starts, text.index("Sergei")) == 4
    assert paragraph_of(starts, 0) == 1  # leading blank lines belong to the first
    i = text.index("Sergei")
    assert where(starts, i, i + 13) == f"¶4 · {i}–{i + 13}"


def test_without_blank_lines_each_line_is_a_paragraph() -> None:
    text = "One “quote” 😀.\r\nTwo — here.\nThree."
    starts = paragraph_starts(text)
    assert [paragraph_of(starts, text.index(w)) for w in ("One", "Two", "Three")] == [1, 2, 3]
    assert paragraph_starts("") == [0]
