"""Adjudication (issue 5): decisions, the gold layer, progress, export of the gold layer,
and the whole review without the window: three annotators' databases, snapshot, review-import,
agreement, verdicts, gold export."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.annotators import GOLD, reserved_name_problem
from annotator.core.model import (
    Decision,
    DocumentMeta,
    IncomingDocument,
    IncomingRelation,
    IncomingSpan,
)
from annotator.store import Store, schema
from annotator.store.adjudication import AdjudicationError

TEXT = "Putin said no to NATO. Kiev said yes, a spokesman claimed."


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def at(fragment: str, label: str, who: str, sid: str) -> IncomingSpan:
    start = TEXT.index(fragment)
    return IncomingSpan(start, start + len(fragment), label, id=sid, annotator=who)


def review_store() -> Store:
    """alice and bob on one document: 'Putin' agreed, the quote differs, bob has 'Kiev';
    each links their quote to 'Putin'."""
    s = Store.memory()
    s.import_documents(
        [
            IncomingDocument(
                TEXT, "a", DocumentMeta(title="A"), "t", id="d",
                spans=[
                    at("Putin", "actor", "alice", "a-putin"),
                    at("said no to NATO", "quote", "alice", "a-quote"),
                    at("Putin", "actor", "bob", "b-putin"),
                    at("no to NATO", "quote", "bob", "b-quote"),
                    at("Kiev", "actor", "bob", "b-kiev"),
                ],
                relations=[
                    IncomingRelation("said_by", "a-quote", "a-putin", id="a-rel", annotator="alice"),
                    IncomingRelation("said_by", "b-quote", "b-putin", id="b-rel", annotator="bob"),
                ],
            ),
            IncomingDocument("Nothing here.", "b", DocumentMeta(title="B"), "t", id="e"),
        ],
        annotator="import",
    )
    return s


def originals(s: Store) -> tuple:
    return (
        [x for x in s.spans("d") if x.annotator != GOLD],
        [r for r in s.relations("d") if r.annotator != GOLD],
    )


def test_accept_copies_into_gold_and_leaves_the_original_alone() -> None:
    s = review_store()
    before = originals(s)
    gold = s.decide_span("a-putin", "accepted", reviewer="rita")
    assert gold is not None and gold.id != "a-putin"
    assert (gold.annotator, gold.start, gold.end, gold.label, gold.text) == (
        GOLD, 0, 5, "actor", "Putin")
    assert s.gold_spans("d") == [gold]
    assert originals(s) == before
    [d] = s.decisions("d").values()
    assert isinstance(d, Decision)
    assert (d.item, d.kind, d.document, d.verdict, d.gold, d.reviewer) == (
        "a-putin", "span", "d", "accepted", gold.id, "rita")
    assert s.verify() == []  # span counts, references and texts all hold


def test_identical_gold_spans_are_reused_not_doubled() -> None:
    s = review_store()
    one = s.decide_span("a-putin", "accepted", reviewer="rita")
    two = s.decide_span("b-putin", "accepted", reviewer="rita")
    assert one == two and len(s.gold_spans("d")) == 1
    # the gold span stays while one decision still points to it
    s.undecide("a-putin")
    assert s.gold_spans("d") == [one]
    s.decide_span("b-putin", "rejected", reviewer="rita")
    assert s.gold_spans("d") == []
    assert s.verify() == []


def test_edit_makes_an_edited_copy_with_the_text_read_again() -> None:
    s = review_store()
    start = TEXT.index("said no")
    gold = s.decide_span("b-quote", "edited", reviewer="rita", start=start,
                         end=start + len("said no to NATO"))
    assert gold.text == "said no to NATO" == TEXT[gold.start:gold.end]
    assert gold.label == "quote"
    relabeled = s.decide_span("b-kiev", "edited", reviewer="rita", label="claim")
    assert (relabeled.start, relabeled.end, relabeled.label) == (23, 27, "claim")
    # the edited quote is identical to alice's quote: accepting hers reuses it
    assert s.decide_span("a-quote", "accepted", reviewer="rita") == gold
    assert s.verify() == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start": 5, "end": 5}, "0 <= start < end"),
        ({"start": -1, "end": 3}, "0 <= start < end"),
        ({"start": 0, "end": len(TEXT) + 1}, "document's length"),
        ({"start": "0", "end": 3}, "whole number"),
        ({"label": "nonsense"}, "unknown span label 'nonsense'"),
        ({"label": "said_by"}, "is a relation label"),
    ],
)
def test_bad_edits_are_refused_clearly_and_change_nothing(kwargs, message) -> None:
    s = review_store()
    with pytest.raises(AdjudicationError, match=message):
        s.decide_span("a-quote", "edited", reviewer="rita", **kwargs)
    assert s.decisions("d") == {} and s.gold_spans("d") == []


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s: s.decide_span("a-putin", "maybe", reviewer="rita"), "unknown verdict"),
        (lambda s: s.decide_span("nope", "accepted", reviewer="rita"), "no span 'nope'"),
        (lambda s: s.decide_span("a-rel", "accepted", reviewer="rita"), "is a relation"),
        (lambda s: s.decide_relation("a-putin", "accepted", reviewer="rita"), "is a span"),
        (lambda s: s.decide_span("a-putin", "accepted", reviewer="gold"), "reserved"),
        (lambda s: s.decide_span("a-putin", "accepted", reviewer=" "), "empty"),
        (lambda s: s.decide_span("a-putin", "accepted", reviewer="r", label="claim"),
         "'edited'"),
        (lambda s: s.decide_relation("a-rel", "accepted", reviewer="rita"),
         "accept the source and target spans first"),
        (lambda s: s.decide_relation("a-rel", "rejected", reviewer="r", label="said_by"),
         "'edited'"),
    ],
)
def test_bad_verdicts_say_why(call, message) -> None:
    s = review_store()
    with pytest.raises(AdjudicationError, match=message):
        call(s)
    assert s.decisions("d") == {}


def test_a_gold_span_cannot_be_decided() -> None:
    s = review_store()
    gold = s.decide_span("a-putin", "accepted", reviewer="rita")
    with pytest.raises(AdjudicationError, match="gold layer"):
        s.decide_span(gold.id, "accepted", reviewer="rita")


def test_relations_need_gold_endpoints_and_are_deduplicated() -> None:
    s = review_store()
    with pytest.raises(AdjudicationError, match="'said no to NATO' \\(quote\\) and its target"):
        s.decide_relation("a-rel", "accepted", reviewer="rita")
    putin = s.decide_span("a-putin", "accepted", reviewer="rita")
    with pytest.raises(AdjudicationError, match="its source 'said no to NATO'.* has no gold"):
        s.decide_relation("a-rel", "accepted", reviewer="rita")
    quote = s.decide_span("a-quote", "accepted", reviewer="rita")
    rel = s.decide_relation("a-rel", "accepted", reviewer="rita")
    assert (rel.annotator, rel.source, rel.target, rel.label) == (GOLD, quote.id, putin.id,
                                                                  "said_by")
    # bob's relation: bob's Putin is identical to gold's; his quote is edited into alice's
    start = TEXT.index("said no")
    s.decide_span("b-quote", "edited", reviewer="rita", start=start, end=start + 15)
    assert s.decide_relation("b-rel", "accepted", reviewer="rita") == rel
    assert [r for r in s.relations("d") if r.annotator == GOLD] == [rel]
    edited = s.decide_relation("b-rel", "edited", reviewer="rita", label="claimed_by")
    assert edited.label == "claimed_by" and edited.id != rel.id
    assert s.decide_relation("b-rel", "rejected", reviewer="rita") is None
    assert [r for r in s.relations("d") if r.annotator == GOLD] == [rel]
    assert s.verify() == []


def test_removing_a_gold_span_undoes_the_gold_relations_on_it() -> None:
    s = review_store()
    s.decide_span("a-putin", "accepted", reviewer="rita")
    s.decide_span("a-quote", "accepted", reviewer="rita")
    s.decide_relation("a-rel", "accepted", reviewer="rita")
    s.decide_span("a-quote", "rejected", reviewer="rita")
    assert [r for r in s.relations("d") if r.annotator == GOLD] == []
    assert "a-rel" not in s.decisions("d")  # back to undecided
    assert s.verify() == []


def test_re_deciding_replaces_and_undecide_forgets() -> None:
    s = review_store()
    first = s.decide_span("a-quote", "accepted", reviewer="rita")
    again = s.decide_span("a-quote", "accepted", reviewer="rita")
    assert again == first  # the same gold span, not a new one
    edited = s.decide_span("a-quote", "edited", reviewer="rita", start=first.start,
                           end=first.end - 5)
    assert [g.id for g in s.gold_spans("d")] == [edited.id]
    assert s.decision("a-quote").verdict == "edited"
    s.undecide("a-quote")
    s.undecide("a-quote")  # nothing to forget: no error
    assert s.gold_spans("d") == [] and s.decisions("d") == {} and s.decision("a-quote") is None
    assert s.verify() == []


def test_gold_spans_not_made_by_decisions_are_never_removed() -> None:
    s = review_store()
    s.import_documents(
        [IncomingDocument(TEXT, "a", DocumentMeta(title="A"), "t", id="d",
                          spans=[at("Putin", "actor", GOLD, "hand-made-gold")])],
        annotator="import",
    )
    assert s.decide_span("a-putin", "accepted", reviewer="rita").id == "hand-made-gold"
    s.decide_span("a-putin", "rejected", reviewer="rita")
    assert [g.id for g in s.gold_spans("d")] == ["hand-made-gold"]


def test_progress_per_document_and_corpus() -> None:
    s = review_store()
    assert s.adjudication_progress() == (0, 7)
    assert s.adjudication_progress("d") == (0, 7)
    assert s.adjudication_progress("e") == (0, 0)
    s.decide_span("a-putin", "accepted", reviewer="rita")
    s.decide_span("b-putin", "accepted", reviewer="rita")
    s.decide_span("b-kiev", "rejected", reviewer="rita")
    assert s.adjudication_progress("d") == (3, 7)  # gold's own span is not an item
    assert s.adjudication_progress_by_document() == {"d": (3, 7), "e": (0, 0)}
    assert s.adjudication_progress() == (3, 7)


def test_reserved_names() -> None:
    assert reserved_name_problem("alice") is None
    for name in ("gold", "Gold ", "import", "", "  "):
        assert reserved_name_problem(name)


def test_the_decisions_table_is_migration_5() -> None:
    assert schema.SCHEMA_VERSION >= 5
    assert schema.MIGRATIONS[4].__name__ == "m005_decisions"
    assert "decisions" in schema.EXPECTED_TABLES
