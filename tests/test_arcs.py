"""Where drawn links go (core/arcs.py): the links of a stretch of text, the rows of arcs."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from annotator.core.arcs import (
    LinkIndex,
    assign_levels,
    short_tags,
    short_text,
    shown_links,
    tag_text,
)
from annotator.core.model import Relation, Span


def span(sid: str, start: int, end: int, label: str = "actor") -> Span:
    return Span(sid, "d", start, end, label, "x" * (end - start), "a", "t", "t")


def link(rid: str, source: str, target: str, label: str = "said_by") -> Relation:
    return Relation(rid, "d", label, source, target, "a", "t", "t")


SPANS = {s.id: s for s in [span("q1", 100, 150, "quote"), span("a1", 160, 166),
                           span("q2", 10_000, 10_050, "quote"), span("a2", 20, 26),
                           span("far", 90_000, 90_010)]}
LINKS = [link("near", "q1", "a1"), link("back", "q2", "a2"), link("long", "a2", "far"),
         link("gone", "q1", "missing")]


def test_index_finds_links_with_an_end_in_the_stretch_or_passing_over_it() -> None:
    index = LinkIndex(LINKS, SPANS.get)
    # "back" (up the page) and "long" pass over it
    assert [r.id for r in index.between(140, 170)] == ["near", "back", "long"]
    assert [r.id for r in index.between(10_060, 10_070)] == ["long"]
    assert [r.id for r in index.between(10_010, 10_020)] == ["back", "long"]
    assert [r.id for r in index.between(50_000, 50_100)] == ["long"]
    assert [r.id for r in index.between(95_000, 99_000)] == []
    assert [r.id for r in index.between(0, 200)] == ["near", "back", "long"]  # each once
    # a link to a span not shown (another annotator's layer) has nothing to draw
    assert "gone" not in [r.id for r in index.between(0, 100_000)]


def test_shown_links_follow_the_view_menu() -> None:
    assert [r.id for r in shown_links("all", LINKS, None)] == ["near", "back", "long", "gone"]
    assert [r.id for r in shown_links("selected", LINKS, "a2")] == ["back", "long"]
    assert shown_links("selected", LINKS, None) == []
    assert shown_links("none", LINKS, "a2") == []


def test_levels_keep_overlapping_arcs_apart_and_short_ones_low() -> None:
    # a long arc over two short ones: the short ones share level 0, the long one is above
    assert assign_levels([(0, 100), (10, 20), (30, 40)]) == [1, 0, 0]
    assert assign_levels([(0, 10), (10, 20)]) == [0, 1]  # touching ends clash; ties: in order
    assert assign_levels([(0, 10), (13, 20)], gap=3) == [1, 0]
    assert assign_levels([(0, 10), (14, 20)], gap=3) == [0, 0]
    assert assign_levels([(40, 10)]) == [0]  # either direction
    assert assign_levels([]) == []


@given(st.lists(st.tuples(st.integers(0, 500), st.integers(0, 500)), max_size=40))
def test_no_two_arcs_of_a_level_overlap(intervals) -> None:
    levels = assign_levels(intervals)
    for i, (a, b) in enumerate(intervals):
        for j, (c, d) in enumerate(intervals):
            if i < j and levels[i] == levels[j]:
                assert max(min(a, b), min(c, d)) > min(max(a, b), max(c, d))
    assert all(0 <= level < max(1, len(intervals)) for level in levels)


def test_texts_on_tags_and_arcs_are_short_and_on_one_line() -> None:
    two_lines = Span("s", "d", 0, 15, "actor", "Sergei\n  Lavrov", "a", "t", "t")
    assert short_text(two_lines) == "Sergei Lavrov"
    long = Span("s", "d", 0, 60, "quote", "word " * 12, "a", "t", "t")
    assert short_text(long, 20) == "word word word word…" and len(short_text(long, 20)) == 20
    assert tag_text("quote") == "quote"
    assert tag_text("organisation_name") == "organisat…"


def test_a_labels_short_tag_is_the_shortest_start_no_other_label_shares() -> None:
    assert short_tags(["claim", "quote", "actor"]) == {"claim": "c", "quote": "q", "actor": "a"}
    assert short_tags(["claim", "comment", "quote"]) == {"claim": "cl", "comment": "co",
                                                         "quote": "q"}
    # a name another begins with stays whole; long ones are cut as their tags are
    assert short_tags(["quote", "quotes", "organisation_name", "organisation_type"]) == {
        "quote": "quote", "quotes": "quotes", "organisation_name": "organisat…",
        "organisation_type": "organisat…"}


def test_levels_past_the_limit_share_the_top_one() -> None:
    nested = [(0, 100), (10, 90), (20, 80), (30, 70), (40, 60)]
    assert assign_levels(nested) == [4, 3, 2, 1, 0]
    assert assign_levels(nested, limit=3) == [2, 2, 2, 1, 0]


def test_the_index_follows_added_and_removed_links() -> None:
    index = LinkIndex([], SPANS.get)
    assert index.between(0, 100_000) == [] and not index.linked("q1")
    for relation in LINKS[:3]:
        index.add(relation)
    assert index.linked("q1") and index.linked("a2")
    index.remove(LINKS[2])  # "long": a2 -> far, in many buckets
    assert [r.id for r in index.between(50_000, 50_100)] == []
    assert [r.id for r in index.between(0, 200)] == ["near", "back"]
    assert index.linked("a2") and not index.linked("far")
    index.remove(LINKS[1])
    assert not index.linked("a2")
    index.remove(LINKS[1])  # twice: nothing more happens
    assert [r.id for r in index.between(0, 100_000)] == ["near"]
