"""Where the pending suggestions are in the text, so that the window draws only those on
screen (a long article has tens of thousands): span suggestions by their place, suggested
links by the stretch from their first end to their last. No Qt."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable
from typing import Generic, TypeVar

T = TypeVar("T")


class Placed(Generic[T]):
    """Items, each over ``[start, end)`` of the text, found by the stretch they overlap."""

    def __init__(self, items: Iterable[tuple[int, int, T]]) -> None:
        self._items = sorted(items, key=lambda item: item[0])
        self._starts = [start for start, _end, _item in self._items]
        # how far back an item that reaches into a stretch may start
        self._reach = max((end - start for start, end, _item in self._items), default=0)

    def __len__(self) -> int:
        return len(self._items)

    def between(self, lo: int, hi: int) -> list[T]:
        """The items that overlap ``[lo, hi)``, in the order of their starts."""
        first = bisect_left(self._starts, lo - self._reach)
        last = bisect_left(self._starts, hi)
        return [item for _start, end, item in self._items[first:last] if end > lo]
