"""review/compare.py: groups of overlapping spans and the walk over disagreements."""

from __future__ import annotations

import random

import pytest

from annotator.core.annotators import GOLD
from annotator.core.model import Span
from annotator.review.compare import Group, groups, next_disagreement


def sp(who: str, start: int, end: int, label: str = "quote", doc: str = "d") -> Span:
    return Span(f"{who}-{start}-{end}-{label}", doc, start, end, label, "x" * (end - start),
                who, "t", "t")


def test_identical_spans_of_every_annotator_agree() -> None:
    [g] = groups([sp("a", 0, 5), sp("b", 0, 5)], ["a", "b"])
    assert (g.start, g.end, g.agreed, g.labels) == (0, 5, True, frozenset({"quote"}))
    assert list(g.spans) == ["a", "b"] and g.spans["a"] == (sp("a", 0, 5),)


@pytest.mark.parametrize(
    "spans",
    [
        [sp("a", 0, 5), sp("b", 0, 6)],  # other end
        [sp("a", 0, 5), sp("b", 0, 5, "claim")],  # other label
        [sp("a", 0, 5)],  # b has nothing here
        [sp("a", 0, 5), sp("a", 0, 5, "claim"), sp("b", 0, 5)],  # a twice
        [sp("a", 0, 3), sp("a", 2, 5), sp("b", 0, 5)],
    ],
)
def test_anything_short_of_one_identical_span_each_is_a_disagreement(spans) -> None:
    [g] = groups(spans, ["a", "b"])
    assert not g.agreed


def test_overlap_is_transitive_and_touching_spans_do_not_overlap() -> None:
    found = groups(
        [sp("a", 0, 4), sp("b", 3, 8), sp("c", 7, 10), sp("a", 10, 12), sp("b", 20, 22)],
        ["a", "b", "c"],
    )
    assert [(g.start, g.end) for g in found] == [(0, 10), (10, 12), (20, 22)]
    assert found[0].spans == {"a": (sp("a", 0, 4),), "b": (sp("b", 3, 8),),
                              "c": (sp("c", 7, 10),)}
    assert not any(g.agreed for g in found)


def test_a_long_span_holds_later_ones_in_its_group() -> None:
    found = groups([sp("a", 0, 100), sp("b", 1, 2), sp("b", 50, 60), sp("a", 99, 101)],
                   ["a", "b"])
    assert [(g.start, g.end) for g in found] == [(0, 101)]
    assert found[0].spans["b"] == (sp("b", 1, 2), sp("b", 50, 60))


def test_filters_apply_before_grouping() -> None:
    spans = [sp("a", 0, 5), sp("b", 0, 5), sp("c", 3, 9, "claim"), sp(GOLD, 0, 9)]
    # c's claim would join the group; without c (or without claims) a and b agree
    assert [g.agreed for g in groups(spans, ["a", "b"])] == [True]
    assert [g.agreed for g in groups(spans, ["a", "b", "c"], labels={"quote"})] == [False]
    [g] = groups(spans, ["a", "b", "c"])
    assert g.labels == {"quote", "claim"} and GOLD not in g.spans and not g.agreed
    assert groups(spans, [GOLD]) == []  # gold is never compared
    assert groups(spans, ["a", "b"], labels=set()) == []


def test_spans_of_several_documents_are_refused() -> None:
    with pytest.raises(ValueError, match="one document"):
        groups([sp("a", 0, 5), sp("b", 0, 5, doc="e")], ["a", "b"])


def test_groups_match_a_character_by_character_reference() -> None:
    rng = random.Random(5)
    for _ in range(200):
        spans = []
        for who in "abc":
            for _ in range(rng.randrange(6)):
                start = rng.randrange(40)
                spans.append(sp(who, start, start + rng.randrange(1, 8),
                                rng.choice(["quote", "claim"])))
        found = groups(spans, ["a", "b", "c"])
        # every span in exactly one group; groups disjoint and ordered
        ids = [i for g in found for i in g.span_ids()]
        assert sorted(ids) == sorted(s.id for s in spans)
        assert all(x.end <= y.start for x, y in zip(found, found[1:], strict=False))
        for g in found:
            members = [s for v in g.spans.values() for s in v]
            assert g.start == min(s.start for s in members)
            assert g.end == max(s.end for s in members)
            # connected: the covered characters have no hole
            covered = set()
            for s in members:
                covered |= set(range(s.start, s.end))
            assert covered == set(range(g.start, g.end))


def _g(start: int, agreed: bool) -> Group:
    return Group(start, start + 1, {}, agreed, frozenset())


def test_next_disagreement_walks_both_ways_and_wraps() -> None:
    gs = [_g(0, False), _g(10, True), _g(20, False), _g(30, False)]
    assert next_disagreement(gs, -1).start == 0
    assert next_disagreement(gs, 0).start == 20
    assert next_disagreement(gs, 20).start == 30
    assert next_disagreement(gs, 30).start == 0  # wraps
    assert next_disagreement(gs, 20, backwards=True).start == 0
    assert next_disagreement(gs, 0, backwards=True).start == 30  # wraps
    assert next_disagreement(gs, 25, backwards=True).start == 20
    assert next_disagreement([_g(0, True)], 0) is None
    assert next_disagreement([], 0) is None
