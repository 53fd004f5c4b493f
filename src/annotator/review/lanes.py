"""What the review window says of a group in each lane's corner: the lane's verdicts there
and its links', and what gold holds there (plain Python, no Qt)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from annotator.core.annotators import GOLD
from annotator.core.model import Decision, Relation, Span
from annotator.review.compare import Group
from annotator.review.rules import touching

# How a verdict is marked wherever the review shows one (lanes, tables, links).
VERDICT_MARKS = {"accepted": "✓", "rejected": "✗", "edited": "✎"}


def lane_states(
    group: Group | None,
    annotators: Sequence[str],
    spans: Sequence[Span],
    relations: Sequence[Relation],
    decisions: Mapping[str, Decision],
) -> dict[str, str]:
    """Each lane's corner: its verdicts here, and its links' ("links ✓✗"); gold's says
    how many gold spans and links lie in the group."""
    if group is None:
        return {}
    states = {}
    for name in annotators:
        mine = group.spans.get(name, ())
        if not mine:
            states[name] = "no span here"
            continue
        verdicts = [decisions[s.id].verdict for s in mine if s.id in decisions]
        open_ = len(mine) - len(verdicts)
        parts = [f"{VERDICT_MARKS[v]} {v}" for v in verdicts]
        if open_:
            parts.append(f"{open_} undecided" if verdicts or open_ > 1 else "undecided")
        links = touching(relations, [s.id for s in mine])
        if links:
            marks = "".join(
                VERDICT_MARKS[decisions[r.id].verdict] for r in links if r.id in decisions
            )
            waiting = sum(1 for r in links if r.id not in decisions)
            if waiting:
                marks += f" +{waiting} open" if marks else "open"
            parts.append(f"link{'s' if len(links) > 1 else ''} {marks}")
        states[name] = " · ".join(parts)
    states[GOLD] = _gold_state(group, spans, relations)
    return states


def _gold_state(group: Group, spans: Sequence[Span], relations: Sequence[Relation]) -> str:
    gold = [s for s in spans if s.annotator == GOLD and s.start < group.end and s.end > group.start]
    if not gold:
        return "nothing in gold here yet"
    ids = {s.id for s in gold}
    links = [
        r for r in relations if r.annotator == GOLD and (r.source in ids or r.target in ids)
    ]
    return f"{len(gold)} gold span(s) here" + (
        f" · {len(links)} gold link(s): {', '.join(sorted({r.label for r in links}))}"
        if links
        else ""
    )


def lane_notes(
    group: Group | None, annotators: Sequence[str], verdict_notes: Mapping[str, str]
) -> dict[str, list[str]]:
    """The notes a reviewer reads in each lane's corner: an annotator's notes on their
    spans in the group, and under gold the reviewer's own notes on the group's verdicts."""
    if group is None:
        return {}
    out: dict[str, list[str]] = {}
    for name in annotators:
        for span in group.spans.get(name, ()):
            if span.note:
                out.setdefault(name, []).append(f"“{_short(span.text)}”: {span.note}")
    for spans in group.spans.values():
        for span in spans:
            if verdict_notes.get(span.id):
                out.setdefault(GOLD, []).append(
                    f"{span.annotator}'s “{_short(span.text)}”: {verdict_notes[span.id]}"
                )
    return out


def group_notes(group: Group, verdict_notes: Mapping[str, str]) -> list[str]:
    """Every note on the group's spans, the annotators' and the reviewer's, for the
    group table's Notes column."""
    out = []
    for name, spans in group.spans.items():
        for span in spans:
            if span.note:
                out.append(f"{name}: {span.note}")
            if verdict_notes.get(span.id):
                out.append(f"review ({name}): {verdict_notes[span.id]}")
    return out


def _short(text: str, n: int = 32) -> str:
    one = " ".join(text.split())
    return one if len(one) <= n else one[: n - 1] + "…"
