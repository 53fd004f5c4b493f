"""Where the pending suggestions are in the text, and in which order the keys walk them, so
that the window draws only those on screen and a decision changes only what it decided (a
long article has tens of thousands): span suggestions by their place, suggested links by
the stretch from their first end to their last. No Qt."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Generic, TypeVar

from annotator.core.suggestion_rows import EXISTING, Suggestion

T = TypeVar("T")
Place = tuple[int, int, str]  # start, end, label


class Placed(Generic[T]):
    """Items, each over ``[start, end)`` of the text, found by the stretch they overlap;
    added and removed one by one (a list insert: no sort)."""

    def __init__(self, items: Iterable[tuple[int, int, T]]) -> None:
        self._items = sorted(items, key=lambda item: item[0])
        self._starts = [start for start, _end, _item in self._items]
        # how far back an item that reaches into a stretch may start (kept as the longest
        # ever held: a bound, never too short)
        self._reach = max((end - start for start, end, _item in self._items), default=0)

    def __len__(self) -> int:
        return len(self._items)

    def add(self, start: int, end: int, item: T) -> None:
        i = bisect_right(self._starts, start)
        self._starts.insert(i, start)
        self._items.insert(i, (start, end, item))
        self._reach = max(self._reach, end - start)

    def remove(self, start: int, item: T) -> None:
        i = bisect_left(self._starts, start)
        while i < len(self._starts) and self._starts[i] == start:
            if self._items[i][2] is item:
                del self._starts[i], self._items[i]
                return
            i += 1

    def changed(self, keep: Callable[[T], bool], new: Iterable[tuple[int, int, T]]) -> Placed[T]:
        """A copy with the items ``keep`` says no to left out and ``new`` ones in (a
        sort of what is nearly sorted: no insert each)."""
        new = list(new)
        made = Placed([])
        made._items = [item for item in self._items if keep(item[2])] + new
        made._items.sort(key=lambda item: item[0])
        made._starts = [start for start, _end, _item in made._items]
        made._reach = max([self._reach] + [end - start for start, end, _item in new])
        return made

    def between(self, lo: int, hi: int) -> list[T]:
        """The items that overlap ``[lo, hi)``, in the order of their starts."""
        first = bisect_left(self._starts, lo - self._reach)
        last = bisect_left(self._starts, hi)
        return [item for _start, end, item in self._items[first:last] if end > lo]


class PendingSuggestions:
    """An article's pending suggestions: in the order the keys walk them (by place, spans
    before links, higher scores first), by id, by place and by the suggestions their links
    end at, with a count per label. ``span_at`` tells where a span of the article is (a
    link end that is not a suggestion)."""

    def __init__(self, items: Iterable[Suggestion],
                 span_at: Callable[[str], Place | None]) -> None:  # fmt: skip
        self.span_at = span_at
        items = list(items)
        self.by_id: dict[str, Suggestion] = {s.id: s for s in items}
        self._key: dict[str, tuple] = {s.id: self._sort_key(s) for s in items}
        self._placed: dict[str, int] = {}  # a link's stretch's start, once placed
        items.sort(key=lambda s: self._key[s.id])
        self.order: list[Suggestion] = items
        self._keys = [self._key[s.id] for s in items]
        self.spans_at: Placed[Suggestion] = Placed(
            (s.start, s.end, s) for s in items if s.is_span)  # fmt: skip
        links = []
        self.links_by_end: dict[str, set[str]] = {}
        for s in items:
            if not s.is_span:
                self._link_ends(s, +1)
                stretch = self._stretch(s)
                if stretch is not None:
                    links.append((*stretch, s))
        self.links_at_place: Placed[Suggestion] = Placed(links)
        self.counts: Counter[str] = Counter(s.label for s in items)

    def __len__(self) -> int:
        return len(self.order)

    def end_of(self, end: str) -> Place | None:
        """A link end's place and label: a span suggestion's or a span's."""
        if end.startswith(EXISTING):
            return self.span_at(end[len(EXISTING):])
        found = self.by_id.get(end)
        return (found.start, found.end, found.label) if found else None

    def place(self, s: Suggestion) -> int:
        """Where a suggestion is in the text: a span's start, a link's source's."""
        if s.is_span:
            return s.start
        end = self.end_of(s.source)
        return end[0] if end else 0

    def _sort_key(self, s: Suggestion) -> tuple:
        return (self.place(s), 0 if s.is_span else 1, -s.score, s.id)

    def _stretch(self, s: Suggestion) -> tuple[int, int] | None:
        ends = [self.end_of(s.source), self.end_of(s.target)]
        if None in ends:
            return None
        stretch = (min(e[0] for e in ends), max(e[1] for e in ends))
        self._placed[s.id] = stretch[0]
        return stretch

    def _link_ends(self, s: Suggestion, sign: int) -> None:
        for end in {s.source, s.target}:
            if sign > 0:
                self.links_by_end.setdefault(end, set()).add(s.id)
            else:
                ids = self.links_by_end.get(end)
                if ids is not None:
                    ids.discard(s.id)
                    if not ids:
                        del self.links_by_end[end]

    def index_of(self, suggestion_id: str) -> int | None:
        key = self._key.get(suggestion_id)
        if key is None:
            return None
        return bisect_left(self._keys, key)

    def first_from(self, place: int) -> Suggestion | None:
        """The first suggestion at or after ``place`` in the text, else the first one."""
        i = bisect_left(self._keys, (place,))
        return self.order[i] if i < len(self.order) else (self.order[0] if self.order else None)

    def add(self, s: Suggestion) -> None:
        """Spans before the links that end at them (a link's place is its source's)."""
        if s.id in self.by_id:
            return
        self.by_id[s.id] = s
        key = self._key[s.id] = self._sort_key(s)
        i = bisect_left(self._keys, key)
        self._keys.insert(i, key)
        self.order.insert(i, s)
        self.counts[s.label] += 1
        if s.is_span:
            self.spans_at.add(s.start, s.end, s)
        else:
            self._link_ends(s, +1)
            stretch = self._stretch(s)
            if stretch is not None:
                self.links_at_place.add(*stretch, s)

    def remove(self, suggestion_id: str) -> Suggestion | None:
        s = self.by_id.pop(suggestion_id, None)
        if s is None:
            return None
        i = bisect_left(self._keys, self._key.pop(s.id))
        del self._keys[i], self.order[i]
        self.counts[s.label] -= 1
        if not self.counts[s.label]:
            del self.counts[s.label]
        if s.is_span:
            self.spans_at.remove(s.start, s)
        else:
            self._link_ends(s, -1)
            placed = self._placed.pop(s.id, None)
            if placed is not None:
                self.links_at_place.remove(placed, s)
        return s

    # Past this many, a change is made by building the whole again (one sort of what is
    # nearly sorted) rather than one list insert or delete each: accept-all of 200,000.
    BULK = 512

    def change(self, remove: Iterable[str], add: Iterable[Suggestion]) -> None:
        """Remove those of ``remove`` held, then add ``add`` (a link's new ends: removed
        and added again), in one go."""
        remove = [i for i in dict.fromkeys(remove) if i in self.by_id]
        add = list({s.id: s for s in add}.values())
        if len(remove) + len(add) < self.BULK:
            for i in remove:
                self.remove(i)
            for s in sorted(add, key=lambda s: not s.is_span):  # spans before their links
                self.add(s)
            return
        gone = set(remove)
        for i in remove:
            s = self.by_id.pop(i)
            del self._key[i]
            self.counts[s.label] -= 1
            if not self.counts[s.label]:
                del self.counts[s.label]
            if not s.is_span:
                self._link_ends(s, -1)
                self._placed.pop(i, None)
        add = [s for s in add if s.id not in self.by_id]
        for s in add:
            self.by_id[s.id] = s
        new_links = []
        for s in add:  # (every span in first: a link's place is its source's)
            self._key[s.id] = self._sort_key(s)
            self.counts[s.label] += 1
            if not s.is_span:
                self._link_ends(s, +1)
                stretch = self._stretch(s)
                if stretch is not None:
                    new_links.append((*stretch, s))
        self.order = [s for s in self.order if s.id not in gone] + add
        self.order.sort(key=lambda s: self._key[s.id])  # (two sorted runs: merged)
        self._keys = [self._key[s.id] for s in self.order]
        self.spans_at = self.spans_at.changed(
            lambda s: s.id not in gone, [(s.start, s.end, s) for s in add if s.is_span])
        self.links_at_place = self.links_at_place.changed(lambda s: s.id not in gone, new_links)

    def links_at(self, ids: set[str]) -> set[str] | None:
        """The links that end at one of ``ids``; None if one is not a suggestion here."""
        if any(i not in self.by_id for i in ids):
            return None
        return {link for i in ids for link in self.links_by_end.get(i, ())}

    def at(self, offset: int) -> list[Suggestion]:
        """The span suggestions over ``offset``."""
        return [s for s in self.spans_at.between(offset, offset + 1) if s.start <= offset]
