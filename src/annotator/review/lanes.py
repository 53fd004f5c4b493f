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
