"""Who said it: the ranking of a link's actor candidates (core/attribution.py), measured on
the sample article annotated by hand (tests/fixtures/sample_gold.jsonl) and on news
paragraphs with the hard cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.attribution import quotation, rank
from annotator.core.editing import link_candidates
from annotator.core.model import Span

HERE = Path(__file__).parent
SEED = HERE.parent / "seeds" / "000_47da632286d522d7.txt"
GOLD = HERE / "fixtures" / "sample_gold.jsonl"


def load_gold() -> tuple[str, dict[str, Span], list[tuple[str, str, str]]]:
    """The sample article's text, its hand-made spans by id, and its links."""
    text = SEED.read_text(encoding="utf-8")
    spans, links = {}, []
    for line in GOLD.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["kind"] == "span":
            spans[row["id"]] = Span(row["id"], "doc", row["start"], row["end"], row["label"],
                                    row["text"], "gold", "t", "t")
        else:
            links.append((row["source"], row["label"], row["target"]))
    return text, spans, links


def test_gold_offsets_hold_against_the_text() -> None:
    text, spans, links = load_gold()
    for span in spans.values():
        assert text[span.start:span.end] == span.text, span.id
        assert span.text == span.text.strip()
    labels = [s.label for s in spans.values()]
    assert (labels.count("actor"), labels.count("quote"), labels.count("claim")) == (17, 6, 4)
    assert len(links) == 10
    for source, label, target in links:
        assert spans[target].label == "actor"
        assert (spans[source].label, label) in {("quote", "said_by"), ("claim", "claimed_by")}


def test_first_proposal_is_right_on_the_sample_article() -> None:
    text, spans, links = load_gold()
    actors = [s for s in spans.values() if s.label == "actor"]
    quotes = [s for s in spans.values() if s.label == "quote"]
    right = [
        rank(text, spans[source], actors, quotes=quotes)[0].span.id == target
        for source, _label, target in links
    ]
    assert sum(right) >= 9, right
    # The nearest-first order it replaces got most of them wrong (the 6 of 10).
    old = [link_candidates(spans[s], actors)[0].id == t for s, _l, t in links]
    assert sum(old) < sum(right)


def test_an_actor_inside_the_quote_or_another_quote_is_never_first() -> None:
    text, spans, _links = load_gold()
    actors = [s for s in spans.values() if s.label == "actor"]
    quotes = [s for s in spans.values() if s.label == "quote"]
    order = [r.span.id for r in rank(text, spans["q05"], actors, quotes=quotes)]
    # Obama is inside q05, the United States inside q04: both after every actor outside.
    assert order[0] == "a14"
    assert order.index("a16") == len(order) - 1
    outside = [a.id for a in actors if a.id not in {"a15", "a16"}]
    assert order.index("a15") > max(order.index(a) for a in outside)


def _spans(text: str, marks: list[tuple[str, str]]) -> list[Span]:
    spans = []
    for i, (label, words) in enumerate(marks):
        start = text.index(words)
        spans.append(Span(f"s{i}", "doc", start, start + len(words), label, words, "t", "t", "t"))
    return spans


@pytest.mark.parametrize(
    ("text", "marks", "want"),
    [
        pytest.param(  # speaker after the quote, with a title; a nearer actor before it
            "The union's leader, Mia Lind, listened as “We will not back down,” said Foreign "
            "Minister Anna Berg on Tuesday.",
            [("actor", "Mia Lind"), ("quote", "We will not back down"), ("actor", "Anna Berg")],
            "Anna Berg", id="said-title-X-after",
        ),
        pytest.param(  # "X, the minister, said" before; a nearer actor after
            "Anna Berg, the finance minister, said the budget “would hold until spring”, while "
            "Jonas Holm smiled.",
            [("actor", "Anna Berg"), ("quote", "would hold until spring"), ("actor", "Jonas Holm")],
            "Anna Berg", id="apposition",
        ),
        pytest.param(  # a quotation across paragraphs, named after its last paragraph (CRLF)
            "Earlier, Ewa Sowa spoke.\r\n\r\n“The first paragraph goes on 🙂 and on.\r\n\r\n"
            "“The second one ends here,” Spokesman Piotr Nowak told reporters.",
            [("actor", "Ewa Sowa"), ("quote", "The first paragraph goes on 🙂 and on."),
             ("actor", "Piotr Nowak")],
            "Piotr Nowak", id="across-paragraphs",
        ),
        pytest.param(  # a pronoun: the speaker outside quotes, not the actor in the quote
            "Mayor Lena Ek said: “Ask Governor Olof Dahl.” Then: “It was fine,” she said.",
            [("actor", "Lena Ek"), ("quote", "Ask Governor Olof Dahl."), ("actor", "Olof Dahl"),
             ("quote", "It was fine")],
            "Lena Ek", id="pronoun",
        ),
        pytest.param(  # according to, with a title; a claim without quotation marks
            "Jonas Holm met reporters. The plan will fail, according to Deputy Minister Karl Berg.",
            [("actor", "Jonas Holm"), ("claim", "The plan will fail"), ("actor", "Karl Berg")],
            "Karl Berg", id="according-to",
        ),
        pytest.param(  # "X:" before the quote, an actor as near after it
            "The aide Per Ek: “Nothing will change,” Olof Dahl heard.",
            [("actor", "Per Ek"), ("quote", "Nothing will change"), ("actor", "Olof Dahl")],
            "Per Ek", id="colon",
        ),
        pytest.param(  # "X told Y": the speaker, not whom it was told
            "Premier Sara Vik told Olof Dahl that taxes would fall.",
            [("actor", "Sara Vik"), ("actor", "Olof Dahl"), ("claim", "taxes would fall")],
            "Sara Vik", id="told",
        ),
    ],
)
def test_hard_cases(text: str, marks: list[tuple[str, str]], want: str) -> None:
    spans = _spans(text, marks)
    source = next(s for s in spans if s.id == _source(spans))
    actors = [s for s in spans if s.label == "actor"]
    quotes = [s for s in spans if s.label == "quote"]
    assert rank(text, source, actors, quotes=quotes)[0].span.text == want


def _source(spans: list[Span]) -> str:
    """The last quote or claim of a case is the one being linked."""
    return [s.id for s in spans if s.label in {"quote", "claim"}][-1]


def test_quotation_widens_to_the_marks_and_runs_on() -> None:
    text = "He said “one\n\n“two” and left."
    start = text.index("one")
    assert quotation(text, start, start + 3) == (text.index("“"), text.index("”") + 1)
    plain = "No marks here at all."
    assert quotation(plain, 3, 8) == (3, 8)


def test_quotes_marked_with_their_quotation_marks_rank_the_same() -> None:
    """Annotators who take the marks (and a closing comma) into the quote get the same
    first proposals."""
    from dataclasses import replace

    text, spans, links = load_gold()
    for sid, span in list(spans.items()):
        if span.label == "quote":
            start, end = span.start, span.end
            start -= text[start - 1] in "\"“"
            while end < len(text) and text[end] in ",\"”":
                end += 1
            spans[sid] = replace(span, start=start, end=end, text=text[start:end])
    actors = [s for s in spans.values() if s.label == "actor"]
    quotes = [s for s in spans.values() if s.label == "quote"]
    right = [rank(text, spans[s], actors, quotes=quotes)[0].span.id == t for s, _l, t in links]
    assert sum(right) >= 9, right
