"""What one key of the review window asks the store to decide (plain Python, no Qt).

The verdicts themselves are the store's (``decide_span``, ``decide_relation``); these
functions only say which items a key press covers, so the window stays wiring and the
rules can be read (and tested) in one place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from annotator.core.annotators import GOLD
from annotator.core.model import Decision, Relation
from annotator.review.compare import Group

Verdicts = list[tuple[str, str]]  # (item id, verdict)


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
