"""What one key of the review window asks the store to decide (plain Python, no Qt).

The verdicts are applied by :mod:`annotator.review.verdicts` (the store's checks); these
functions only say which items a key press covers and what the reviewer reads about it, so
the window stays wiring and the rules can be read (and tested) in one place. A key with
nothing to act on raises :class:`NothingToDo`, whose message the window shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from annotator.core.annotators import GOLD
from annotator.core.model import Decision, Relation, Span
from annotator.review.compare import Group

Verdicts = list[tuple[str, str]]  # (item id, verdict)


class NothingToDo(Exception):
    """A key with nothing to act on: the message says why; nothing is written."""


@dataclass(frozen=True)
class Ask:
    """One key's verdicts on spans (as ``verdicts.decide_spans`` takes them) and the words
    the status line says once they are made."""

    text: str
    verdicts: list[tuple]


def lane_spans(group: Group | None, lane: str | None) -> tuple[Span, ...]:
    """The picked lane's spans in the group (none: the lane has no span there)."""
    if group is None or lane is None:
        raise NothingToDo("No group or lane to decide on.")
    return group.spans.get(lane, ())


def accept(group: Group | None, lane: str | None, decisions: Mapping[str, Decision]) -> Ask:
    """``A``: :func:`accept_lane`, said as the lane's reading or "nothing here"."""
    mine = lane_spans(group, lane)
    what = f"{lane}'s reading" if mine else f"nothing here ({lane})"
    return Ask(f"Accept {what}", accept_lane(group, lane, decisions))


def reject(group: Group | None, lane: str | None) -> Ask:
    """``R``: the lane's spans in the group are rejected."""
    mine = lane_spans(group, lane)
    if not mine:
        raise NothingToDo(f"{lane} has no span here to reject.")
    return Ask(f"Reject {lane}'s span(s)", [(s.id, "rejected") for s in mine])


def span_to_edit(
    group: Group | None, lane: str | None, selected: tuple[int, int] | None
) -> Span:
    """``E``: the lane's span that goes into gold edited; of several, the one the selection
    covers most (the first without a selection)."""
    mine = lane_spans(group, lane)
    if not mine:
        raise NothingToDo(f"{lane} has no span here to edit: pick a lane with a span.")
    if not selected:
        return mine[0]
    return max(mine, key=lambda s: min(s.end, selected[1]) - max(s.start, selected[0]))


def edit(
    group: Group,
    lane: str,
    span: Span,
    change: tuple[int, int, str],
    decisions: Mapping[str, Decision],
) -> Ask:
    """``E`` once the new start, end and label are known: the span goes into gold edited,
    the other lanes' undecided spans are rejected."""
    start, end, label = change
    writes: list[tuple] = [(span.id, "edited", {"start": start, "end": end, "label": label})]
    writes += reject_others(group, lane, decisions)
    return Ask(f"Edit {lane}'s {span.label}", writes)


def accept_agreed(groups: Sequence[Group], decisions: Mapping[str, Decision]) -> Ask:
    """``Shift+A``: every group where all the shown annotators agree goes into gold; groups
    with a verdict already are left as they are."""
    agreed = [
        g for g in groups if g.agreed and not any(i in decisions for i in g.span_ids())
    ]
    if not agreed:
        raise NothingToDo("No undecided group where all agree.")
    writes: list[tuple] = [(span_id, "accepted") for g in agreed for span_id in g.span_ids()]
    return Ask(f"Accepted {len(agreed)} group(s) where all agree", writes)


def undo(
    group: Group | None, relations: Iterable[Relation], decisions: Mapping[str, Decision]
) -> list[str]:
    """``U``: the group's spans and their links that have a verdict to forget."""
    if group is None:
        return []
    spans = group.span_ids()
    links = [r.id for r in touching(relations, spans)]
    ids = [i for i in [*spans, *links] if i in decisions]
    if not ids:
        raise NothingToDo("Nothing decided in this group yet.")
    return ids


def next_open_link(
    links: Sequence[Relation], decisions: Mapping[str, Decision], row: int, direction: int
) -> int | None:
    """The row of the next link without a verdict after ``row`` (before it, going back),
    wrapping around; None when every link has one."""
    n = len(links)
    for k in range(1, n + 1):
        i = (row + direction * k) % n
        if links[i].id not in decisions:
            return i
    return None


def accept_lane(group: Group, lane: str, decisions: Mapping[str, Decision]) -> Verdicts:
    """``A``: the lane's reading of the group goes into gold. Its spans are accepted, and so
    are the others' identical spans (same start, end and label: the same gold span); the
    group's other spans still undecided are rejected. A lane with no span in the group
    says "nothing here": only the rejections remain."""
    shapes = {(s.start, s.end, s.label) for s in group.spans.get(lane, ())}
    out: Verdicts = []
    for name, spans in group.spans.items():
        for span in spans:
            if name == lane or (span.start, span.end, span.label) in shapes:
                out.append((span.id, "accepted"))
            elif span.id not in decisions:
                out.append((span.id, "rejected"))
    return out


def reject_others(group: Group, lane: str, decisions: Mapping[str, Decision]) -> Verdicts:
    """With ``E``: the other lanes' spans still undecided are rejected."""
    return [
        (span.id, "rejected")
        for name, spans in group.spans.items()
        if name != lane
        for span in spans
        if span.id not in decisions
    ]


def follow_spans(relations: Iterable[Relation], decisions: Mapping[str, Decision]) -> Verdicts:
    """Links follow their spans: an undecided relation is rejected once either of its
    spans is rejected (it cannot be in gold), and accepted once both are in gold
    (accepted or edited). Gold's own relations are not decided."""
    out: Verdicts = []
    for relation in relations:
        if relation.id in decisions or relation.annotator == GOLD:
            continue
        ends = [decisions.get(relation.source), decisions.get(relation.target)]
        if any(d is not None and d.verdict == "rejected" for d in ends):
            out.append((relation.id, "rejected"))
        elif all(d is not None for d in ends):
            out.append((relation.id, "accepted"))
    return out


def touching(relations: Iterable[Relation], span_ids: Iterable[str]) -> list[Relation]:
    """The relations with a source or target among ``span_ids``."""
    ids = set(span_ids)
    return [r for r in relations if r.source in ids or r.target in ids]
