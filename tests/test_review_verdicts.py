"""review/verdicts.py, the one place a verdict is applied: spans first, then the links that
follow them, for any caller (no window needed)."""

from __future__ import annotations

import pytest

from annotator.core.model import DocumentMeta, IncomingDocument, IncomingRelation, IncomingSpan
from annotator.review import verdicts
from annotator.store import Store

TEXT = "Putin said no to NATO."


def at(fragment: str, label: str, who: str, sid: str) -> IncomingSpan:
    start = TEXT.index(fragment)
    return IncomingSpan(start, start + len(fragment), label, id=sid, annotator=who)


def store() -> Store:
    s = Store.memory()
    spans = [
        at("Putin", "actor", "alice", "a-putin"),
        at("said no to NATO", "quote", "alice", "a-quote"),
        at("Putin", "actor", "bob", "b-putin"),
        at("no to NATO", "quote", "bob", "b-quote"),
    ]
    relations = [
        IncomingRelation("said_by", "a-quote", "a-putin", id="a-rel", annotator="alice"),
        IncomingRelation("said_by", "b-quote", "b-putin", id="b-rel", annotator="bob"),
    ]
    document = IncomingDocument(
        TEXT, "a", DocumentMeta(title="A"), "t", id="d", spans=spans, relations=relations
    )
    s.import_documents([document], annotator="import")
    return s


def test_links_follow_their_spans_whoever_decides() -> None:
    s = store()
    followed = verdicts.decide_spans(
        s, "d",
        [("a-putin", "accepted"), ("a-quote", "accepted"), ("b-putin", "accepted"),
         ("b-quote", "rejected")],
        reviewer="rita",
    )
    assert followed == [("a-rel", "accepted"), ("b-rel", "rejected")]
    decided = s.decisions("d")
    assert decided["a-rel"].verdict == "accepted" and decided["a-rel"].gold
    assert decided["b-rel"].verdict == "rejected"
    verdicts.undecide(s, ["a-quote", "a-rel"])
    assert "a-quote" not in s.decisions("d") and "a-rel" not in s.decisions("d")


def test_a_refused_verdict_says_why_and_leaves_nothing_made() -> None:
    s = store()
    with pytest.raises(verdicts.AdjudicationError) as refused:
        verdicts.decide_link(s, "a-rel", "accepted", reviewer="rita")
    assert verdicts.refusal(refused.value).startswith("Not decided: alice's said_by link")
    with pytest.raises(verdicts.AdjudicationError):
        verdicts.decide_spans(s, "d", [("a-putin", "accepted"), ("nope", "accepted")],
                              reviewer="rita")
    assert s.decisions("d") == {}


def test_an_edited_link_takes_its_label_and_an_accepted_one_keeps_its_own() -> None:
    s = store()
    verdicts.decide_spans(s, "d", [("a-putin", "accepted")], reviewer="rita")
    assert verdicts.decide_spans(s, "d", [("a-quote", "accepted")], reviewer="rita") == [
        ("a-rel", "accepted")
    ]

    def gold_labels() -> list[str]:
        return [r.label for r in s.relations("d") if r.annotator == "gold"]

    verdicts.decide_link(s, "a-rel", "edited", reviewer="rita", label="claimed_by")
    assert s.decisions("d")["a-rel"].verdict == "edited" and gold_labels() == ["claimed_by"]
    verdicts.decide_link(s, "a-rel", "accepted", reviewer="rita", label="claimed_by")
    assert gold_labels() == ["said_by"]
