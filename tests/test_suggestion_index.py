"""core/suggestion_index.py: only the suggestions that overlap the stretch on screen."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from annotator.core.suggestion_index import Placed


def test_between_finds_what_overlaps_and_nothing_else() -> None:
    placed = Placed([(0, 5, "a"), (10, 12, "b"), (11, 40, "c"), (50, 51, "d")])
    assert placed.between(0, 3) == ["a"]
    assert placed.between(5, 10) == []  # ends are exclusive
    assert placed.between(30, 45) == ["c"]  # starts before the stretch, reaches into it
    assert placed.between(0, 100) == ["a", "b", "c", "d"]
    assert Placed([]).between(0, 10) == [] and len(placed) == 4


@given(st.lists(st.tuples(st.integers(0, 200), st.integers(1, 30)), max_size=60),
       st.integers(0, 220), st.integers(1, 60))
def test_between_is_a_filter_of_every_item(spans, lo, width) -> None:
    items = [(a, a + n, i) for i, (a, n) in enumerate(spans)]
    got = Placed(items).between(lo, lo + width)
    assert sorted(got) == sorted(i for a, b, i in items if a < lo + width and b > lo)
