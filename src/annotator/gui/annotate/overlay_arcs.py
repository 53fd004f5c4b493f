"""How the link arcs over the article are laid out (the overlay's part, overlay.py): a
row above the line for an arc whose two ends share it, a lane in the right margin for one
between lines or to a span off the screen, each with a chip saying its type."""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QRectF

from annotator.core.arcs import assign_levels, short_text
from annotator.core.model import Relation
from annotator.gui.annotate.overlay_parts import clear_chips

LEVEL = 5.0  # pixels between two rows of arcs above a line
LEVELS = 3  # rows of arcs above a line (more share the top one)
LANE = 6.0  # pixels between two lanes in the margin


@dataclass(slots=True)
class DrawnArc:
    relation: Relation
    # the path, from the source's end to the target's: (x, y) corners, each leg upright or
    # level (plain numbers: a page may hold hundreds of arcs, laid at each scroll)
    points: list[tuple[float, float]]
    chip: QRectF | None  # where the link type is written
    text: str
    arrow: bool  # an arrowhead at the last point (the target's end, or the page edge)
    partner: str | None = None  # "up" / "down": the end shown here points off the screen
    # the links a counted chip stands for (its own first; overlay_parts.clear_chips), or ()
    counted: tuple[str, ...] = ()


class ArcLaying:
    """The arcs of a scene, for :class:`~annotator.gui.annotate.overlay.Overlay` (which
    gives ``view``, ``tags_on``, ``_plain``, ``_edges`` and ``_tag_rise``)."""

    def _lay_arcs(self, scene, links, place, tag_h, metrics, is_above) -> None:
        get = self.state.spans.get
        port = self.view.viewport().geometry()
        # an arc to a span off the screen ends at the edge of this widget (the room above
        # the first line is on screen too), with its arrowhead just inside
        top_edge, bottom_edge = 1.0, self.height() - 1.0
        right, self._edges = port.right() + 1, (top_edge, bottom_edge)
        tags_on = self.tags_on
        rows: dict[float, list[tuple[float, float]]] = {}  # per line top: spans of rows
        lanes: list[tuple[float, float]] = []
        plans = []  # per arc: its link, its ends, the rows it claims, its lane or None
        for relation in links:
            ends = []
            for span_id in (relation.source, relation.target):
                span = get(span_id)
                spot = place(span)
                if spot is None:  # off the screen: which way, and what it is
                    ends.append(("up" if is_above(span) else "down", span))
                else:
                    x, top, width = spot
                    ends.append(("at", x + min(width / 2, 10) if tags_on else x + 3, top))
            a, b = ends
            if a[0] == b[0] != "at":
                continue  # both ends on one side off the screen: nothing of it is shown
            if a[0] == b[0] == "at" and a[2] == b[2]:  # on one line
                plans.append((relation, a, b, (_claim(rows, a[2], a[1], b[1]),), None))
                continue
            claims, ys = [], []
            for end in ends:
                if end[0] == "at":  # a row from the end to the margin
                    claims.append(_claim(rows, end[2], end[1], right))
                    ys.append(end[2])
                else:
                    ys.append(top_edge if end[0] == "up" else bottom_edge)
            plans.append((relation, a, b, claims, len(lanes)))
            lanes.append((ys[0], ys[1]) if ys[0] < ys[1] else (ys[1], ys[0]))
        row_levels = {top: assign_levels(row, gap=3, limit=LEVELS) for top, row in rows.items()}
        fit = max(1, int((self.width() - right - 8) // 3))  # lanes 3 px apart at the closest
        lane_levels = assign_levels(lanes, gap=2, limit=fit)
        room = max(4.0, (self.width() - right - 6) / max(1, max(lane_levels, default=0) + 1))
        lane_step = min(LANE, room)
        arc = self._arc_maker(row_levels, lane_levels, right + 5, lane_step, tag_h, metrics)
        scene.arcs.extend(arc(*plan) for plan in plans)
        # where each chip sits on its arc before it is moved off the tags: an edit of an
        # unlinked span moves them again from there, without laying the arcs (overlay.py)
        scene.chips_laid = [(QRectF(arc.chip), arc.text) if arc.chip is not None else None
                            for arc in scene.arcs]
        scene.right = right
        clear_chips(scene, right, self._chip_width)

    def _chip_width(self, text: str) -> float:
        return self._tag_metrics().horizontalAdvance(text) + 8

    def _arc_maker(self, row_levels, lane_levels, lane_x, lane_step, tag_h, metrics):
        """What lays one arc of the page, from its plan (see _lay_arcs)."""
        rise = self._tag_rise(tag_h) + 1 if self.tags_on else 1  # an end: atop its tag
        plain, edges = self._plain, self._edges
        step = LEVEL if not plain else LEVEL / 2
        height = math.ceil(metrics.height()) + 1  # a chip's
        lift = height - 1 if not plain else height / 2  # on its arc, or astride it

        def level_y(claim) -> float:
            top, index = claim
            level = min(row_levels[top][index], LEVELS - 1)
            if plain:  # along the gap between lines, behind the tags
                return top - 1 - level * step
            return top - rise - 6 - level * step

        def chip(text: str, left: float, y: float) -> QRectF:
            return QRectF(left, y - lift, self._chip_width(text), height)

        def arc(relation, a, b, claims, lane) -> DrawnArc:
            label = relation.label
            if lane is None:  # both ends on one line
                y = level_y(claims[0])
                ax, bx = a[1], b[1]
                points = [(ax, a[2] - rise), (ax, y), (bx, y), (bx, b[2] - rise)]
                width = metrics.horizontalAdvance(label) + 8
                return DrawnArc(relation, points, chip(label, (ax + bx - width) / 2, y),
                                label, True)
            x = lane_x + lane_levels[lane] * lane_step
            claimed = iter(claims)
            points: list[tuple[float, float]] = []
            partner, chip_at = None, None
            for i, end in enumerate((a, b)):
                if end[0] == "at":
                    y = level_y(next(claimed))
                    leg = [(end[1], end[2] - rise), (end[1], y), (x, y)]
                    if chip_at is None:
                        chip_at = (end[1] + 6, y)
                else:
                    leg = [(x, edges[0] if end[0] == "up" else edges[1])]
                    partner = end[0]
                    arrow = "↑" if partner == "up" else "↓"
                    label = f"{relation.label} {arrow} {short_text(end[1])}"
                points.extend(leg if i == 0 else reversed(leg))
            box = None
            if chip_at is not None:
                box = chip(label, chip_at[0], chip_at[1])
                box.moveRight(min(box.right(), x - 3))
            return DrawnArc(relation, points, box, label, True, partner)

        return arc


def _claim(rows: dict, top: float, x1: float, x2: float) -> tuple[float, int]:
    """Claim the stretch from ``x1`` to ``x2`` in the row above the line at ``top``: the
    line and the claim's place among its row's claims."""
    row = rows.get(top)
    if row is None:
        row = rows[top] = []
    row.append((x1, x2) if x1 < x2 else (x2, x1))
    return top, len(row) - 1
