"""own_stretches (the selected span's own fill) gives the same stretches with its quick
answer for a span that holds no smaller one as the sweep over every boundary gives."""

from __future__ import annotations

import random

from annotator.core.model import Span
from annotator.gui.annotate.reading import own_stretches
from annotator.gui.annotate.reading import swept_stretches as swept


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
