"""The spans of one open document, sorted, with fast overlap queries.

The view asks "which spans cover this stretch?" on every edit and every click; with
100,000 spans a scan would be felt, so spans are kept sorted by start and the longest
span bounds how far back a covering span can begin.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator

from annotator.core.model import Span


class SpanSet:
    def __init__(self, spans: Iterable[Span] = ()) -> None:
        self._spans = sorted(spans, key=_key)
        self._keys = [_key(s) for s in self._spans]
        self._by_id = {s.id: s for s in self._spans}
        self._max_len = max((s.length for s in self._spans), default=0)
        self._counts = Counter(s.label for s in self._spans)  # kept up to date: asked often

    def __len__(self) -> int:
        return len(self._spans)

    def __iter__(self) -> Iterator[Span]:
        return iter(self._spans)

    def __contains__(self, span_id: object) -> bool:
        return span_id in self._by_id

    def __getitem__(self, index: int) -> Span:
        return self._spans[index]

    def get(self, span_id: str) -> Span:
        return self._by_id[span_id]

    def index(self, span_id: str) -> int:
        return bisect_left(self._keys, _key(self._by_id[span_id]))

    def insertion_index(self, span: Span) -> int:
        return bisect_left(self._keys, _key(span))

    def add(self, span: Span) -> int:
        if span.id in self._by_id:
            raise ValueError(f"span {span.id} is already in the set")
        i = self.insertion_index(span)
        self._spans.insert(i, span)
        self._keys.insert(i, _key(span))
        self._by_id[span.id] = span
        self._max_len = max(self._max_len, span.length)
        self._counts[span.label] += 1
        return i

    def remove(self, span_id: str) -> int:
        i = self.index(span_id)
        self._counts[self._spans[i].label] -= 1
        del self._spans[i]
        del self._keys[i]
        del self._by_id[span_id]
        return i

    def replace(self, span: Span) -> int:
        """Swap in a changed span with the same id and offsets (e.g. a new label)."""
        i = self.index(span.id)
        if (span.start, span.end) != (self._spans[i].start, self._spans[i].end):
            raise ValueError("replace() keeps offsets; remove and add a moved span")
        self._counts[self._spans[i].label] -= 1
        self._counts[span.label] += 1
        self._spans[i] = span
        self._keys[i] = _key(span)
        self._by_id[span.id] = span
        return i

    def overlapping(self, start: int, end: int) -> list[Span]:
        """Spans that share at least one character with ``[start, end)``, or that
        touch ``start`` when the range is empty."""
        lo = bisect_left(self._keys, (start - self._max_len,))
        hi = bisect_right(self._keys, (end, float("inf")))
        if start == end:
            return [s for s in self._spans[lo:hi] if s.start <= start < s.end]
        return [s for s in self._spans[lo:hi] if s.start < end and s.end > start]

    def at(self, offset: int) -> list[Span]:
        """Spans covering the character at ``offset``, innermost (shortest) first."""
        return sorted(self.overlapping(offset, offset), key=lambda s: (s.length, s.start))

    def counts(self) -> Counter[str]:
        return +self._counts  # a copy without the labels that fell to zero


def _key(span: Span) -> tuple[int, int, str]:
    return (span.start, span.end, span.id)


def segments(spans: list[Span], start: int, end: int) -> list[tuple[int, int, list[Span]]]:
    """Cut ``[start, end)`` at every span boundary; each piece lists the spans covering it.

    Pieces that no span covers are left out. A sweep over sorted boundaries, so the
    whole of a long article with many spans is cut in one pass.
    """
    events: dict[int, list[tuple[int, Span]]] = {}
    for span in spans:
        a, b = max(span.start, start), min(span.end, end)
        if a < b:
            events.setdefault(a, []).append((1, span))
            events.setdefault(b, []).append((-1, span))
    pieces: list[tuple[int, int, list[Span]]] = []
    active: dict[str, Span] = {}
    points = sorted(events)
    for here, there in zip(points, points[1:], strict=False):
        for change, span in events[here]:
            if change > 0:
                active[span.id] = span
            else:
                active.pop(span.id, None)
        if active:
            pieces.append((here, there, list(active.values())))
    return pieces
