"""core/spanset.py: the sorted span index of an open document, checked against brute force."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from annotator.core.model import Span
from annotator.core.spanset import SpanSet, segments

LABELS = ["claim", "quote", "actor"]
TEXT_LEN = 60


def span(sid: str, start: int, end: int, label: str = "claim") -> Span:
    return Span(
        id=sid,
        document="doc",
        start=start,
        end=end,
        label=label,
        text="x" * (end - start),
        annotator="alice",
        created_at="2026-01-01T00:00:00Z",
        updated_at="2026-01-01T00:00:00Z",
    )


def key(s: Span) -> tuple[int, int, str]:
    return (s.start, s.end, s.id)


@st.composite
def span_lists(draw, max_size: int = 25) -> list[Span]:
    raw = draw(
        st.lists(
            st.tuples(
                st.integers(0, TEXT_LEN - 1),
                st.integers(1, TEXT_LEN),
                st.sampled_from(LABELS),
            ),
            max_size=max_size,
        )
    )
    # Ids in an order unrelated to offsets, so ties on (start, end) are broken by id.
    ids = draw(st.permutations([f"s{n:03d}" for n in range(len(raw))]))
    return [
        span(sid, start, min(start + length, TEXT_LEN), label)
        for sid, (start, length, label) in zip(ids, raw, strict=True)
    ]


def brute_overlapping(spans, start: int, end: int) -> list[Span]:
    if start == end:
        hits = [s for s in spans if s.start <= start < s.end]
    else:
        hits = [s for s in spans if max(s.start, start) < min(s.end, end)]
    return sorted(hits, key=key)


def build(spans: list[Span], lazy: bool) -> SpanSet:
    """A set made from Span objects, or from rows as the store reads them (made lazily)."""
    if not lazy:
        return SpanSet(spans)
    by_id = {s.id: s for s in spans}
    rows = sorted((s.start, s.end, s.id, s.label) for s in spans)
    return SpanSet.from_rows(rows, lambda row: by_id[row[2]], (row[3] for row in rows))


def assert_consistent(ss: SpanSet, expected: dict[str, Span]) -> None:
    ordered = sorted(expected.values(), key=key)
    assert list(ss) == ordered
    assert len(ss) == len(expected)
    for i, s in enumerate(ordered):
        assert ss[i] == s
        assert s.id in ss
        assert ss.get(s.id) == s
        assert ss.index(s.id) == i


# --------------------------------------------------------------------------- examples


def test_constructor_sorts_by_start_end_id():
    spans = [span("b", 5, 9), span("a", 5, 9), span("c", 0, 3), span("d", 5, 6)]
    ss = SpanSet(spans)
    assert [s.id for s in ss] == ["c", "d", "a", "b"]
    assert len(ss) == 4
    assert "a" in ss and "z" not in ss


def test_add_remove_replace_return_rows():
    ss = SpanSet([span("a", 0, 5), span("b", 10, 12)])
    assert ss.insertion_index(span("c", 6, 8)) == 1
    assert ss.add(span("c", 6, 8)) == 1
    assert [s.id for s in ss] == ["a", "c", "b"]
    assert ss.replace(span("c", 6, 8, "quote")) == 1
    assert ss.get("c").label == "quote"
    assert [s.id for s in ss] == ["a", "c", "b"]
    assert ss.remove("a") == 0
    assert [s.id for s in ss] == ["c", "b"]
    assert "a" not in ss
    with pytest.raises(KeyError):
        ss.get("a")
    with pytest.raises(KeyError):
        ss.remove("a")


def test_overlapping_examples():
    ss = SpanSet([span("a", 0, 5), span("b", 5, 10), span("long", 0, 50), span("c", 20, 22)])
    assert {s.id for s in ss.overlapping(4, 6)} == {"a", "b", "long"}
    assert {s.id for s in ss.overlapping(5, 5)} == {"b", "long"}  # empty range: touches start
    assert {s.id for s in ss.overlapping(10, 20)} == {"long"}  # end exclusive on both sides
    assert ss.overlapping(50, 60) == []
    assert [s.id for s in ss.at(21)] == ["c", "long"]
    assert [s.id for s in ss.at(3)] == ["a", "long"]
    assert ss.at(55) == []


def test_overlapping_sees_a_long_span_after_removes_and_adds():
    ss = SpanSet([span("short", 40, 41)])
    ss.add(span("long", 0, 45))
    assert [s.id for s in ss.overlapping(44, 45)] == ["long"]
    ss.remove("long")
    assert ss.overlapping(44, 45) == []
    assert [s.id for s in ss.overlapping(40, 40)] == ["short"]


def test_segments_example():
    a, b, c = span("a", 0, 10), span("b", 5, 15), span("c", 20, 25)
    pieces = segments([a, b, c], 2, 22)
    assert [(x, y, sorted(s.id for s in cov)) for x, y, cov in pieces] == [
        (2, 5, ["a"]),
        (5, 10, ["a", "b"]),
        (10, 15, ["b"]),
        (20, 22, ["c"]),
    ]
    assert segments([a], 10, 20) == []
    assert segments([], 0, 100) == []


def test_counts():
    ss = SpanSet([span("a", 0, 1, "claim"), span("b", 1, 2, "quote"), span("c", 2, 3, "claim")])
    assert ss.counts() == Counter({"claim": 2, "quote": 1})
    ss.replace(span("a", 0, 1, "actor"))
    ss.remove("b")
    assert ss.counts() == Counter({"claim": 1, "actor": 1})
    assert SpanSet().counts() == Counter()


def test_rows_become_spans_only_when_asked_for():
    spans = [span(f"s{i}", i, i + 3, LABELS[i % 3]) for i in range(10)]
    made = []

    def make(row):
        made.append(row[2])
        return spans[int(row[2][1:])]

    rows = [(s.start, s.end, s.id, s.label) for s in spans]
    ss = SpanSet.from_rows(rows, make, (r[3] for r in rows))
    assert len(ss) == 10 and "s4" in ss and ss.counts() == Counter(s.label for s in spans)
    assert made == []  # nothing made yet
    assert [s.id for s in ss.overlapping(4, 5)] == ["s2", "s3", "s4"]
    assert made == ["s2", "s3", "s4"]
    assert ss.get("s3") is spans[3] and made.count("s3") == 1  # made once
    assert ss.index("s7") == 7 and "s7" not in made


# --------------------------------------------------------------------------- properties


@given(span_lists(), st.booleans(), st.data())
def test_edits_keep_order_and_ids(initial, lazy, data):
    ss = build(initial, lazy)
    model = {s.id: s for s in initial}
    assert_consistent(ss, model)
    fresh = 1000
    for _ in range(data.draw(st.integers(0, 15))):
        op = data.draw(st.sampled_from(["add", "remove", "replace"]))
        if op == "add":
            start = data.draw(st.integers(0, TEXT_LEN - 1))
            end = data.draw(st.integers(start + 1, TEXT_LEN))
            new = span(f"n{fresh}", start, end, data.draw(st.sampled_from(LABELS)))
            fresh += 1
            row = ss.add(new)
            model[new.id] = new
            assert ss[row] == new
        elif model and op == "remove":
            sid = data.draw(st.sampled_from(sorted(model)))
            expected_row = sorted(model.values(), key=key).index(model[sid])
            assert ss.remove(sid) == expected_row
            del model[sid]
            assert sid not in ss
        elif model:
            sid = data.draw(st.sampled_from(sorted(model)))
            changed = replace(model[sid], label=data.draw(st.sampled_from(LABELS)), note="n")
            row = ss.replace(changed)
            model[sid] = changed
            assert ss[row] is changed
        assert_consistent(ss, model)
        assert ss.counts() == Counter(s.label for s in model.values())


@given(span_lists(), st.booleans(), st.data())
def test_overlapping_equals_brute_force(spans, lazy, data):
    ss = build(spans, lazy)
    # Edits change the longest span; the index must still find every cover.
    for s in data.draw(st.lists(st.sampled_from(spans), unique=True)) if spans else []:
        ss.remove(s.id)
    live = list(ss)
    for _ in range(10):
        start = data.draw(st.integers(-3, TEXT_LEN + 3))
        end = data.draw(st.integers(start, TEXT_LEN + 3))
        assert ss.overlapping(start, end) == brute_overlapping(live, start, end)


@given(span_lists())
def test_overlapping_every_range(spans):
    ss = SpanSet(spans)
    for start in range(0, TEXT_LEN + 1, 3):
        for end in range(start, TEXT_LEN + 1, 4):
            assert ss.overlapping(start, end) == brute_overlapping(spans, start, end)


@given(span_lists())
def test_at_returns_innermost_first(spans):
    ss = SpanSet(spans)
    for offset in range(-1, TEXT_LEN + 1):
        found = ss.at(offset)
        covering = [s for s in spans if s.start <= offset < s.end]
        assert sorted(found, key=key) == sorted(covering, key=key)
        lengths = [s.length for s in found]
        assert lengths == sorted(lengths)
        if found:
            assert found[0].length == min(s.length for s in covering)


@given(span_lists(), st.data())
def test_segments_equal_brute_force(spans, data):
    start = data.draw(st.integers(0, TEXT_LEN))
    end = data.draw(st.integers(start, TEXT_LEN))
    pieces = segments(spans, start, end)
    previous_end = start
    for a, b, covering in pieces:
        assert start <= a < b <= end
        assert a >= previous_end  # disjoint and ordered
        previous_end = b
        expected = {s.id for s in spans if s.start <= a and b <= s.end}
        assert [s.id for s in covering] == list(dict.fromkeys(s.id for s in covering))
        assert {s.id for s in covering} == expected
        assert expected  # pieces that nothing covers are left out
        # Cut at every boundary: no span starts or ends strictly inside a piece.
        assert not any(a < s.start < b or a < s.end < b for s in spans)
    # Every covered character lies in exactly one piece.
    covered = {i for s in spans for i in range(max(s.start, start), min(s.end, end))}
    in_pieces = [i for a, b, _ in pieces for i in range(a, b)]
    assert sorted(in_pieces) == sorted(covered)
    assert len(in_pieces) == len(set(in_pieces))


@given(span_lists())
def test_segments_of_the_overlapping_spans_match_the_whole(spans):
    """The view cuts only the spans it asked for; that gives the same pieces."""
    ss = SpanSet(spans)
    for start, end in [(0, TEXT_LEN), (7, 23), (30, 31), (15, 15)]:
        few = segments(ss.overlapping(start, end), start, end)
        every = segments(spans, start, end)
        assert [(a, b, {s.id for s in c}) for a, b, c in few] == [
            (a, b, {s.id for s in c}) for a, b, c in every
        ]


@given(span_lists(max_size=60), st.integers(0, TEXT_LEN), st.integers(1, 8), st.integers(1, 9))
def test_around_holds_the_nearest_wanted_spans(spans, offset, enough, width):
    ss = build(spans, lazy=True)
    found = {s.id for s in ss.around(offset, enough, lambda s: s.label == "actor", width=width)}
    actors = sorted((s for s in spans if s.label == "actor"), key=lambda s: abs(s.start - offset))
    nearest = actors[:enough]
    if nearest:  # every actor at least as near as the enough-th is there
        limit = abs(nearest[-1].start - offset)
        assert {s.id for s in actors if abs(s.start - offset) <= limit} <= found
    assert found <= {s.id for s in spans}


@given(span_lists(), st.integers(-2, TEXT_LEN + 2))
def test_first_from_is_the_first_span_starting_there_or_later(spans, offset):
    ss = SpanSet(spans)
    row = ss.first_from(offset)
    ordered = list(ss)
    assert all(s.start < offset for s in ordered[:row])
    assert all(s.start >= offset for s in ordered[row:])


class Tight(SpanSet):
    """Spans over 5 characters count as long here, so the property tests mix both kinds."""

    LONG = 5


@given(span_lists(max_size=40), st.booleans(), st.data())
def test_long_spans_kept_aside_are_still_found(spans, lazy, data):
    if lazy:
        by_id = {s.id: s for s in spans}
        rows = sorted((s.start, s.end, s.id, s.label) for s in spans)
        ss = Tight.from_rows(rows, lambda row: by_id[row[2]], (row[3] for row in rows))
    else:
        ss = Tight(spans)
    live = {s.id: s for s in spans}
    for _ in range(data.draw(st.integers(0, 6))):
        if live and data.draw(st.booleans()):
            sid = data.draw(st.sampled_from(sorted(live)))
            ss.remove(sid)
            del live[sid]
        else:
            start = data.draw(st.integers(0, TEXT_LEN - 1))
            new = span(f"n{len(live)}-{start}", start, data.draw(st.integers(start + 1, TEXT_LEN)))
            if new.id not in live:
                ss.add(new)
                live[new.id] = new
    assert_consistent(ss, live)
    for _ in range(10):
        start = data.draw(st.integers(-3, TEXT_LEN + 3))
        end = data.draw(st.integers(start, TEXT_LEN + 3))
        assert ss.overlapping(start, end) == brute_overlapping(live.values(), start, end)


def test_one_span_over_the_whole_text_does_not_widen_every_lookup():
    spans = [span(f"s{i:05d}", i * 10, i * 10 + 5) for i in range(5000)]
    ss = SpanSet([*spans, span("all", 0, 50_000)])
    looked_at = []
    keys = ss._keys

    class Counting(list):
        def __getitem__(self, item):
            got = list.__getitem__(self, item)
            if isinstance(item, slice):
                looked_at.append(len(got))
            return got

    ss._keys = Counting(keys)
    assert [s.id for s in ss.overlapping(25_000, 25_003)] == ["all", "s02500"]
    assert max(looked_at) < 10  # a few neighbours, not 5,000 spans
