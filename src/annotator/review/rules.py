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
    the status line says once they are made.

    ``changes`` names the verdicts already given that this key would change (the window
    asks before it does: a decided verdict is never changed without a word), and
    ``changed`` holds their items; ``kept`` says what the key leaves as it is (an edit
    that ``A`` never overwrites)."""

    text: str
    verdicts: list[tuple]
    changes: tuple[str, ...] = ()
    changed: frozenset[str] = frozenset()
    kept: str = ""

    def keeping_decided(self) -> Ask:
        """The same key with every decided verdict left as it is: only the undecided."""
        return Ask(
            self.text, [v for v in self.verdicts if v[0] not in self.changed], kept=self.kept
        )


def lane_spans(group: Group | None, lane: str | None) -> tuple[Span, ...]:
    """The picked lane's spans in the group (none: the lane has no span there)."""
    if group is None or lane is None:
        raise NothingToDo("No group or lane to decide on.")
    return group.spans.get(lane, ())


def accept(group: Group | None, lane: str | None, decisions: Mapping[str, Decision]) -> Ask:
    """``A``: :func:`accept_lane`, said as the lane's reading or "nothing here". An edit
    is never overwritten (it is kept, and said); a verdict already given that ``A`` would
    change (a rejected span now accepted) is named in ``changes``."""
    mine = lane_spans(group, lane)
    what = f"{lane}'s reading" if mine else f"nothing here ({lane})"
    writes = accept_lane(group, lane, decisions)
    edits = [s for s in mine if _verdict(decisions, s.id) == "edited"]
    kept = f"kept the edit of {_names(edits)}" if edits else ""
    if not writes:
        if kept:
            raise NothingToDo(f"Nothing to accept: {kept} (A never overwrites an edit).")
        raise NothingToDo(f"Every span here already has this verdict ({lane}'s reading).")
    return _asking(f"Accept {what}", writes, group, decisions, kept)


def reject(
    group: Group | None, lane: str | None, decisions: Mapping[str, Decision] | None = None
) -> Ask:
    """``R``: the lane's spans in the group are rejected (those rejected already are left
    as they are; an accepted or edited one is named in ``changes``)."""
    mine = lane_spans(group, lane)
    if not mine:
        raise NothingToDo(f"{lane} has no span here to reject.")
    decisions = decisions or {}
    writes = [(s.id, "rejected") for s in mine if _verdict(decisions, s.id) != "rejected"]
    if not writes:
        raise NothingToDo(f"{lane}'s span(s) here are rejected already.")
    return _asking(f"Reject {lane}'s span(s)", writes, group, decisions)


def _asking(
    text: str, writes: list[tuple], group: Group, decisions: Mapping[str, Decision], kept: str = ""
) -> Ask:
    """An Ask whose writes that change a verdict already given are named."""
    by_id = {s.id: s for spans in group.spans.values() for s in spans}
    changes, changed = [], set()
    for item, verdict, *_ in writes:
        before = _verdict(decisions, item)
        if before is not None and before != verdict:
            span = by_id[item]
            changes.append(
                f"{span.annotator}'s {span.label} “{_short(span.text)}”: {before} → {verdict}"
            )
            changed.add(item)
    return Ask(text, writes, tuple(changes), frozenset(changed), kept)


def _verdict(decisions: Mapping[str, Decision], item: str) -> str | None:
    d = decisions.get(item)
    return d.verdict if d is not None else None


def _names(spans: Iterable[Span]) -> str:
    return ", ".join(f"{s.annotator}'s {s.label} “{_short(s.text)}”" for s in spans)


def _short(text: str, n: int = 40) -> str:
    one = " ".join(text.split())
    return one if len(one) <= n else one[: n - 1] + "…"


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
    # The reviewer asked for this edit in its dialog: changing the span's own verdict
    # needs no second question; the other lanes' decided spans are left as they are.
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


def undecided(group: Group, decisions: Mapping[str, Decision]) -> bool:
    """A group with a span that has no verdict yet."""
    return any(item not in decisions for item in group.span_ids())


def next_undecided(
    groups: Sequence[Group], decisions: Mapping[str, Decision], after: int, *, wrap: bool = True
) -> Group | None:
    """The first undecided group (agreed or not) starting after ``after``, in text order;
    with ``wrap``, the first one from the article's start when none follows. After ``A``
    or ``R`` the window moves there: decided groups are not visited again."""
    ordered = sorted(groups, key=lambda g: (g.start, g.end))
    later = [g for g in ordered if g.start > after and undecided(g, decisions)]
    if later:
        return later[0]
    if wrap:
        return next((g for g in ordered if undecided(g, decisions)), None)
    return None


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
    says "nothing here": only the rejections remain.

    An edited span is never accepted over its edit (the edit is what gold holds), and a
    span that has the verdict already is left out (nothing would change)."""
    # An edited span of the lane stands for its edit, not for its first shape: spans
    # identical to that shape are not its twins.
    shapes = {
        (s.start, s.end, s.label)
        for s in group.spans.get(lane, ())
        if _verdict(decisions, s.id) != "edited"
    }
    out: Verdicts = []
    for name, spans in group.spans.items():
        for span in spans:
            before = _verdict(decisions, span.id)
            if name == lane or (span.start, span.end, span.label) in shapes:
                if before not in ("edited", "accepted"):
                    out.append((span.id, "accepted"))
            elif before is None:
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
