"""The spans of one open document, sorted, with fast overlap queries.

The view asks "which spans cover this stretch?" on every edit and every click; with
100,000 spans a scan would be felt, so spans are kept sorted by start and the longest
span bounds how far back a covering span can begin.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from itertools import pairwise

from annotator.core.model import Span


class SpanSet:
    """Spans sorted by ``(start, end, id)``.

    A long article's spans can come as plain rows (:meth:`from_rows`) that become
    :class:`Span` objects only when first asked for: opening 100,000 spans then costs
    one sorted list of tuples, and the view makes objects for what it shows.
    """

    def __init__(self, spans: Iterable[Span] = ()) -> None:
        spans = list(spans)
        keys = [(s.start, s.end, s.id) for s in spans]
        if any(a > b for a, b in pairwise(keys)):
            order = sorted(range(len(spans)), key=keys.__getitem__)
            spans, keys = [spans[i] for i in order], [keys[i] for i in order]
        self._setup(keys, lambda key: _unmade(key))
        self._made = {s.id: s for s in spans}
        self._counts = Counter(s.label for s in spans)  # kept up to date: asked often
        self._people = Counter(s.annotator for s in spans)
        self._label_of = _unmade_label

    @classmethod
    def from_rows(
        cls, rows: list[tuple], make: Callable[[tuple], Span], labels: Iterable[str],
        *, label_of: Callable[[tuple], str] | None = None, annotators: Iterable[str] = (),
    ) -> SpanSet:
        """``rows`` sorted, each beginning ``(start, end, id, ...)`` with unique ids;
        ``make(row)`` builds the span; ``labels`` are the rows' labels, to count, and
        ``annotators`` their annotators; ``label_of(row)`` reads a row's label without
        making its span (a filtered list asks it of every row)."""
        self = cls.__new__(cls)
        self._setup(rows, make)
        self._made = {}
        self._counts = Counter(labels)
        self._people = Counter(annotators)
        self._label_of = label_of or (lambda row: make(row).label)
        return self

    # Spans longer than this are kept aside too: one span over a whole article must not
    # make every overlap query look back over the whole article.
    LONG = 2000

    def _setup(self, keys: list[tuple], make: Callable[[tuple], Span]) -> None:
        self._keys = keys  # sorted; only the first three items ever decide an order
        self._key_of = {k[2]: k for k in keys}
        self._make = make
        lengths = [k[1] - k[0] for k in keys]
        self._long = {k[2]: k for k, n in zip(keys, lengths, strict=True) if n > self.LONG}
        self._max_len = max((n for n in lengths if n <= self.LONG), default=0)

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[Span]:
        return (self.get(k[2]) for k in self._keys)

    def __contains__(self, span_id: object) -> bool:
        return span_id in self._key_of

    def __getitem__(self, index: int) -> Span:
        return self.get(self._keys[index][2])

    def get(self, span_id: str) -> Span:
        span = self._made.get(span_id)
        if span is None:
            span = self._made[span_id] = self._make(self._key_of[span_id])
        return span

    def index(self, span_id: str) -> int:
        return bisect_left(self._keys, self._key_of[span_id])

    def insertion_index(self, span: Span) -> int:
        return bisect_left(self._keys, _key(span))

    def add(self, span: Span) -> int:
        if span.id in self._key_of:
            raise ValueError(f"span {span.id} is already in the set")
        key = _key(span)
        i = bisect_left(self._keys, key)
        self._keys.insert(i, key)
        self._key_of[span.id] = key
        self._made[span.id] = span
        if span.length > self.LONG:
            self._long[span.id] = key
        else:
            self._max_len = max(self._max_len, span.length)
        self._counts[span.label] += 1
        self._people[span.annotator] += 1
        return i

    def remove(self, span_id: str) -> int:
        i = self.index(span_id)
        gone = self.get(span_id)
        self._counts[gone.label] -= 1
        self._people[gone.annotator] -= 1
        del self._keys[i]
        del self._key_of[span_id]
        del self._made[span_id]
        self._long.pop(span_id, None)
        return i

    def replace(self, span: Span) -> int:
        """Swap in a changed span with the same id and offsets (e.g. a new label)."""
        i = self.index(span.id)
        old = self.get(span.id)
        if (span.start, span.end) != (old.start, old.end):
            raise ValueError("replace() keeps offsets; remove and add a moved span")
        self._counts[old.label] -= 1
        self._counts[span.label] += 1
        self._people[old.annotator] -= 1
        self._people[span.annotator] += 1
        self._made[span.id] = span
        return i

    def overlapping(self, start: int, end: int) -> list[Span]:
        """Spans that share at least one character with ``[start, end)``, or that
        touch ``start`` when the range is empty."""
        lo = bisect_left(self._keys, (start - self._max_len,))
        hi = bisect_right(self._keys, (end, float("inf")))
        if start == end:
            def hit(k: tuple) -> bool:
                return k[0] <= start < k[1]
        else:
            def hit(k: tuple) -> bool:
                return k[0] < end and k[1] > start
        found = [k for k in self._keys[lo:hi] if hit(k)]
        # long spans that begin before the window were not seen; those inside it were
        far = [k for k in self._long.values() if k[0] < start - self._max_len and hit(k)]
        if far:
            found = sorted(found + far)
        return [self.get(k[2]) for k in found]

    def first_from(self, offset: int) -> int:
        """The row of the first span that starts at or after ``offset`` (len when none)."""
        return bisect_left(self._keys, (offset,))

    def around(
        self, offset: int, enough: int, wanted: Callable[[Span], bool], *, width: int = 256
    ) -> list[Span]:
        """Spans that start near ``offset``: the window around it widens until it holds
        ``enough`` spans that are ``wanted`` (or the whole text), so that the ``enough``
        wanted spans nearest by start are surely among them; only those are made."""
        if not self._keys:
            return []
        last = max([self._keys[-1][0] + self._max_len, *(k[1] for k in self._long.values())])
        while True:
            found = self.overlapping(max(0, offset - width), offset + width)
            near = sum(1 for s in found if wanted(s) and abs(s.start - offset) < width)
            if near >= enough or width > max(last, offset):
                return found
            width *= 2

    def at(self, offset: int) -> list[Span]:
        """Spans covering the character at ``offset``, innermost (shortest) first."""
        return sorted(self.overlapping(offset, offset), key=lambda s: (s.length, s.start))

    def counts(self) -> Counter[str]:
        return +self._counts  # a copy without the labels that fell to zero

    def annotators(self) -> Counter[str]:
        """How many spans each annotator has here (the ones with none left out)."""
        return +self._people

    def keys_labelled(self, label: str) -> list[tuple[int, int, str]]:
        """``(start, end, id)`` of the spans labelled ``label``, in order; spans not yet
        made are read from their rows, not made."""
        made, label_of = self._made, self._label_of
        return [
            k[:3] for k in self._keys
            if (made[k[2]].label if k[2] in made else label_of(k)) == label
        ]


def sound(spans: Iterable[Span], length: int) -> list[Span]:
    """The spans whose offsets are whole numbers inside a text of ``length`` (a damaged
    file can hold others; those are reported, never shown)."""
    return [
        s
        for s in spans
        if type(s.start) is int and type(s.end) is int and 0 <= s.start < s.end <= length
    ]


def _unmade_label(key: tuple) -> str:
    raise KeyError(f"span {key[2]} was never given to this set")


def _unmade(key: tuple) -> Span:
    raise KeyError(f"span {key[2]} was never given to this set")


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
