"""Side-by-side comparison of annotators' spans on one document (no Qt, no SQL).

:func:`groups` clusters the spans that overlap, directly or through others, into groups in
text order; a group is *agreed* when every annotator compared marked it with exactly one
span and all of those spans have the same start, end and label. The adjudication view walks
the groups that are not agreed with :func:`next_disagreement`.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from annotator.core.annotators import GOLD
from annotator.core.model import Span


@dataclass(frozen=True)
class Group:
    """Spans of several annotators that overlap (transitively), ``[start, end)`` covering
    them all. ``spans`` maps each annotator who has a span in the group (in the order of
    the ``annotators`` given to :func:`groups`) to those spans, in text order; annotators
    without a span here are absent."""

    start: int
    end: int
    spans: dict[str, tuple[Span, ...]]
    agreed: bool
    labels: frozenset[str]

    def span_ids(self) -> list[str]:
        return [s.id for spans in self.spans.values() for s in spans]


def groups(
    spans: Iterable[Span],
    annotators: Sequence[str],
    *,
    labels: Collection[str] | None = None,
) -> list[Group]:
    """Group the spans of ``annotators`` (gold's are never compared) on one document.

    Spans whose label is not in ``labels`` (when given) and spans of other annotators are
    left out before grouping. Two spans overlap when they share at least one character.
    Groups are ordered by start (then end)."""
    names = [name for name in dict.fromkeys(annotators) if name != GOLD]
    wanted = set(names)
    chosen = sorted(
        (
            s
            for s in spans
            if s.annotator in wanted and (labels is None or s.label in labels)
        ),
        key=lambda s: (s.start, s.end, s.annotator, s.label, s.id),
    )
    documents = {s.document for s in chosen}
    if len(documents) > 1:
        raise ValueError(
            f"groups() compares the spans of one document, not {len(documents)} documents"
        )
    out: list[Group] = []
    cluster: list[Span] = []
    reach = -1
    for span in chosen:
        if cluster and span.start >= reach:
            out.append(_group(cluster, names))
            cluster = []
        cluster.append(span)
        reach = max(reach, span.end) if len(cluster) > 1 else span.end
    if cluster:
        out.append(_group(cluster, names))
    return out


def _group(cluster: list[Span], names: Sequence[str]) -> Group:
    by_name: dict[str, list[Span]] = {}
    for span in cluster:
        by_name.setdefault(span.annotator, []).append(span)
    ordered = {name: tuple(by_name[name]) for name in names if name in by_name}
    shapes = {(s.start, s.end, s.label) for s in cluster}
    agreed = (
        bool(names)
        and all(len(by_name.get(name, ())) == 1 for name in names)
        and len(shapes) == 1
    )
    return Group(
        start=min(s.start for s in cluster),
        end=max(s.end for s in cluster),
        spans=ordered,
        agreed=agreed,
        labels=frozenset(s.label for s in cluster),
    )


def next_disagreement(
    groups: Sequence[Group], after: int, *, backwards: bool = False
) -> Group | None:
    """The first group not agreed whose start lies after ``after`` (before it, going
    ``backwards``), wrapping around at the end (the start) of the document; None when
    every group is agreed."""
    open_ = sorted((g for g in groups if not g.agreed), key=lambda g: (g.start, g.end))
    if not open_:
        return None
    starts = [g.start for g in open_]
    if backwards:
        i = bisect_left(starts, after)
        return open_[i - 1] if i > 0 else open_[-1]
    i = bisect_right(starts, after)
    return open_[i] if i < len(open_) else open_[0]
