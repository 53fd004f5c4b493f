"""own_stretches (the selected span's own fill) gives the same stretches with its quick
answer for a span that holds no smaller one as the sweep over every boundary gives."""

from __future__ import annotations

import random

from annotator.core.model import Span
from annotator.core.spanset import segments
from annotator.gui.annotate.reading import _innermost, own_stretches


def swept(selected: Span, covering: list[Span]) -> list[tuple[int, int]]:
    """The stretches found by cutting at every boundary (the one way, before the quick
    answer was added)."""
    mine, found = _innermost(selected), []
    for a, b, spans in segments(covering, selected.start, selected.end):
        if any(s.id != selected.id and _innermost(s) < mine for s in spans):
            continue
        if found and found[-1][1] == a:
            found[-1] = (found[-1][0], b)
        else:
            found.append((a, b))
    return found


def span(n: int, a: int, b: int) -> Span:
    return Span(f"s{n}", "d", a, b, "actor", "x" * (b - a), "t", "", "")


def test_the_quick_answer_is_the_sweeps_answer_on_random_spans() -> None:
    rng = random.Random(15)
    quick = 0
    for trial in range(3000):
        spans = []
        for n in range(rng.randrange(1, 8)):
            a = rng.randrange(0, 60)
            spans.append(span(n, a, a + rng.randrange(0, 25)))
        selected = rng.choice(spans)
        covering = [s for s in spans if s.start < selected.end and selected.start < s.end
                    or s.id == selected.id]
        if trial % 7 == 0:
            covering = [s for s in covering if s.id != selected.id]  # not given: swept
        expected = swept(selected, covering)
        assert own_stretches(selected, covering) == expected, (selected, covering)
        quick += expected == [(selected.start, selected.end)]
    assert quick > 300  # (the case of the quick answer came up often)
