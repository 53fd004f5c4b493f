"""What the article's header says above the text, and what it leaves to the text.

News text often begins with its own title, byline and date ("Lavrov Warns ...", "By The
Moscow Times", "September 04, 2014"). Shown again above it in large letters they push the
text down and say nothing new, so the header names only what the first lines do not: the
title, source and date each appear in the header unless the head of the text already says
them. The comparison ignores case, punctuation and markup such as ``[The Moscow Times](#)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from annotator.core.model import DocumentMeta

# How much of the text counts as its "first lines": a title, a byline and a date fit in
# this many non-blank lines (a dateline under a long standfirst does not count).
HEAD_LINES = 6
HEAD_CHARS = 600

_NOT_WORD = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class Header:
    """The parts the header shows; an empty string is a part left out."""

    title: str
    source: str
    date: str  # as shown ("4 September 2014"), or the stored value if it is no ISO date
    url: str


def words(text: str) -> str:
    """``text`` as lower-case words joined by single spaces: what two spellings of the
    same line have in common."""
    return " ".join(_NOT_WORD.sub(" ", text.casefold()).split())


def head_lines(text: str) -> list[str]:
    """The first :data:`HEAD_LINES` non-blank lines of ``text`` (within its first
    :data:`HEAD_CHARS` characters of words), each as :func:`words`."""
    lines = [words(line) for line in text[: HEAD_CHARS * 4].splitlines()]
    kept, size = [], 0
    for line in (line for line in lines if line):
        if len(kept) == HEAD_LINES or size >= HEAD_CHARS:
            break
        kept.append(line)
        size += len(line) + 1
    return kept


def head_of(text: str) -> str:
    """:func:`head_lines` as one string."""
    return " ".join(head_lines(text))


def title_said_in(title: str, lines: list[str]) -> bool:
    """True if a line of the head (:func:`head_lines`) begins with the whole ``title``: a
    word of a short title found somewhere in a sentence does not count."""
    wanted = words(title)
    return bool(wanted) and any(
        line == wanted or line.startswith(wanted + " ") for line in lines
    )


def said_in(value: str, head: str) -> bool:
    """True if ``value`` (a title, a source) appears, as whole words, in ``head`` (made by
    :func:`head_of`)."""
    wanted = words(value)
    return bool(wanted) and f" {wanted} " in f" {head} "


def nice_date(value: str) -> str:
    """An ISO date as people write it ("4 September 2014"); anything else as it is."""
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        return value
    return f"{day.day} {day:%B %Y}"


def date_said_in(value: str, head: str) -> bool:
    """True if the date ``value`` (ISO, or as stored) is written in ``head`` in one of the
    usual ways: "September 04, 2014", "4 September 2014", "Sep 4, 2014", "2014-09-04"."""
    try:
        day = date.fromisoformat(value.strip()[:10])
    except ValueError:
        return said_in(value, head)
    month, short = day.strftime("%B"), day.strftime("%b")
    spellings = {
        f"{m} {d} {day.year}" for m in (month, short) for d in (day.day, f"{day.day:02d}")
    } | {f"{d} {m} {day.year}" for m in (month, short) for d in (day.day, f"{day.day:02d}")}
    spellings.add(day.isoformat())
    spellings.add(f"{day.day:02d} {day.month:02d} {day.year}")
    spellings.add(f"{day.month:02d} {day.day:02d} {day.year}")
    return any(said_in(s, head) for s in spellings)


def article_header(meta: DocumentMeta, text: str, *, fallback_title: str = "") -> Header:
    """The header of an article: each of title, source (or author) and date unless the
    text's first lines say it already; the URL always (the text never links itself)."""
    lines = head_lines(text)
    head = " ".join(lines)
    title = meta.title or fallback_title
    source = meta.source or meta.author
    return Header(
        title="" if title_said_in(title, lines) else title,
        source="" if said_in(source, head) else source,
        date="" if not meta.published or date_said_in(meta.published, head)
        else nice_date(meta.published),
        url=meta.url,
    )
