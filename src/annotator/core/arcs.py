"""Where drawn links go, without Qt: which links touch a stretch of the text, and the
levels (rows above a line, lanes in the margin) that keep their arcs apart.

The article view draws each link as an arc; to cost only what is on screen it asks
:class:`LinkIndex` for the links with an end in, or passing over, the shown stretch, and
stacks the arcs that share a row with :func:`assign_levels`."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence

from annotator.core.model import Relation, Span

LINKS_SHOWN = ("all", "selected", "none")  # View ▸ Links, in the order its key steps through

_BUCKET = 4096  # characters per bucket of the index: a screenful is one or two of them


class LinkIndex:
    """The links of an article by the stretch of text they join (from the first character
    of either end to the last of the other), bucketed so that asking for a screenful
    looks at that screenful's links only, whatever the size of the article."""

    def __init__(self, relations: Iterable[Relation], span_of) -> None:
        self._buckets: dict[int, list[tuple[int, int, Relation]]] = {}
        self._span_of = span_of
        self._ends: dict[str, int] = {}  # span id: how many indexed links it is an end of
        self._where: dict[str, tuple[int, int]] = {}  # link id: its first and last bucket
        for relation in relations:
            self.add(relation)

    def add(self, relation: Relation) -> None:
        source, target = self._span_of(relation.source), self._span_of(relation.target)
        if source is None or target is None:
            return  # an end not shown (another layer): nothing to draw
        low, high = min(source.start, target.start), max(source.end, target.end)
        item, first, last = (low, high, relation), low // _BUCKET, high // _BUCKET
        self._where[relation.id] = (first, last)
        for bucket in range(first, last + 1):
            self._buckets.setdefault(bucket, []).append(item)
        for end in (relation.source, relation.target):
            self._ends[end] = self._ends.get(end, 0) + 1

    def remove(self, relation: Relation) -> None:
        """Forget ``relation`` (a link deleted), looking only at the buckets it is in."""
        where = self._where.pop(relation.id, None)
        if where is None:
            return
        for bucket in range(where[0], where[1] + 1):
            self._buckets[bucket] = [x for x in self._buckets[bucket] if x[2].id != relation.id]
        for end in (relation.source, relation.target):
            self._ends[end] -= 1
            if not self._ends[end]:
                del self._ends[end]

    def linked(self, span_id: str) -> bool:
        """Whether some indexed link has this span as an end (its move moves an arc)."""
        return span_id in self._ends

    def between(self, start: int, end: int) -> list[Relation]:
        """The links with an end in ``[start, end)`` or joining text on both sides of it,
        each once."""
        found: dict[str, Relation] = {}
        for bucket in range(start // _BUCKET, end // _BUCKET + 1):
            for low, high, relation in self._buckets.get(bucket, ()):
                if low < end and high > start:
                    found.setdefault(relation.id, relation)
        return list(found.values())


def assign_levels(intervals: Sequence[tuple[float, float]], gap: float = 0.0,
                  limit: int | None = None) -> list[int]:
    """A level for each interval (0 the nearest to the text) such that intervals of one
    level do not overlap (nor come closer than ``gap``). As brat stacks its arcs, shorter
    intervals take the lower levels, so a short arc is never drawn over a long one's ends;
    ties keep the given order. With a ``limit``, what finds no room below it shares the
    top level (there is only so much room above a line)."""
    lengths = [abs(b - a) for a, b in intervals]
    order = sorted(range(len(intervals)), key=lengths.__getitem__)  # (a stable sort)
    taken: list[list[tuple[float, float]]] = []  # per level, its intervals sorted
    levels = [0] * len(intervals)
    for i in order:
        a, b = intervals[i]
        if a > b:
            a, b = b, a
        level, top = 0, (limit - 1 if limit else len(intervals))
        while level < len(taken) and level < top and _clashes(taken[level], a - gap, b + gap):
            level += 1
        if level == len(taken):
            taken.append([])
        row = taken[level]
        row.insert(bisect_left(row, (a, b)), (a, b))
        levels[i] = level
    return levels


def _clashes(row: list[tuple[float, float]], a: float, b: float) -> bool:
    at = bisect_left(row, (a, b))
    return (at < len(row) and row[at][0] <= b) or (at > 0 and row[at - 1][1] >= a)


def shown_links(mode: str, relations: Iterable[Relation], selected: str | None) -> list[Relation]:
    """The links View ▸ Links asks for: all, those of the selected span, or none."""
    if mode == "none":
        return []
    if mode == "selected":
        return [r for r in relations if selected is not None and selected in (r.source, r.target)]
    return list(relations)


def short_text(span: Span, limit: int = 28) -> str:
    """A span's text on one line, cut to ``limit`` characters (what an arc to a span off
    the screen says it goes to)."""
    text = " ".join(span.text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def tag_text(label: str, limit: int = 10) -> str:
    """The name written on a span's tag: the label's name, cut when long."""
    return label if len(label) <= limit else label[: limit - 1] + "…"


def short_tags(labels: Iterable[str]) -> dict[str, str]:
    """The short form of each label's tag, for a line too crowded for the names: the
    shortest start of the name that no other label's name starts with ("c", "q", "a"
    for claim, quote and actor), the whole name when another begins with it."""
    names = list(dict.fromkeys(labels))
    found = {}
    for name in names:
        others = [other for other in names if other != name]
        size = 1
        while size < len(name) and any(other.startswith(name[:size]) for other in others):
            size += 1
        found[name] = tag_text(name[:size])
    return found
