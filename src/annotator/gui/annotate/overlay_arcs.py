"""How the link arcs over the article are laid out (the overlay's part, overlay.py): a
row above the line for an arc whose two ends share it, a lane in the right margin for one
between lines or to a span off the screen, each with a chip saying its type."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF

from annotator.core.arcs import assign_levels, short_text
from annotator.core.model import Relation
from annotator.gui.annotate.overlay_parts import chip_box, clear_chips

LEVEL = 5.0  # pixels between two rows of arcs above a line
LEVELS = 3  # rows of arcs above a line (more share the top one)
LANE = 6.0  # pixels between two lanes in the margin


@dataclass
class DrawnArc:
    relation: Relation
    points: list[QPointF]  # the path, from the source's end to the target's
    chip: QRectF | None  # where the link type is written
    text: str
    arrow: bool  # an arrowhead at the last point (the target's end, or the page edge)
    partner: str | None = None  # "up" / "down": the end shown here points off the screen


class ArcLaying:
    """The arcs of a scene, for :class:`~annotator.gui.annotate.overlay.Overlay` (which
    gives ``view``, ``tags_on``, ``_plain``, ``_edges`` and ``_tag_rise``)."""

    def _lay_arcs(self, scene, links, place, tag_h, metrics, is_above) -> None:
        state = self.state
        port = self.view.viewport().geometry()
        # an arc to a span off the screen ends at the edge of this widget (the room above
        # the first line is on screen too), with its arrowhead just inside
        top_edge, bottom_edge = 1.0, self.height() - 1.0
        right, self._edges = port.right() + 1, (top_edge, bottom_edge)
        rows: dict[float, list[tuple[float, float]]] = {}  # per line top: spans of rows
        pending = []
        for relation in links:
            ends = []
            for span_id in (relation.source, relation.target):
                span = state.spans.get(span_id)
                spot = place(span)
                if spot is None:  # off the screen: which way, and what it is
                    ends.append(("up" if is_above(span) else "down", span))
                else:
                    x, top, width = spot
                    x = x + min(width / 2, 10) if self.tags_on else x + 3
                    ends.append(("at", float(x), float(top)))
            if ends[0][0] == ends[1][0] != "at":
                continue  # both ends on one side off the screen: nothing of it is shown
            pending.append((relation, ends))
        lanes: list[tuple[float, float]] = []
        plans = []
        for relation, (a, b) in pending:
            same_line = a[0] == b[0] == "at" and a[2] == b[2]
            plan = {"relation": relation, "a": a, "b": b, "same": same_line, "rows": []}
            if same_line:
                plan["rows"].append(self._claim(rows, a[2], a[1], b[1]))
            else:
                ys = []
                for end in (a, b):
                    if end[0] == "at":
                        plan["rows"].append(self._claim(rows, end[2], end[1], right))
                        ys.append(end[2])
                    else:
                        ys.append(top_edge if end[0] == "up" else bottom_edge)
                plan["lane"] = len(lanes)
                lanes.append((min(ys), max(ys)))
            plans.append(plan)
        row_levels = {top: assign_levels(row, gap=3, limit=LEVELS) for top, row in rows.items()}
        fit = max(1, int((self.width() - right - 8) // 3))  # lanes 3 px apart at the closest
        lane_levels = assign_levels(lanes, gap=2, limit=fit)
        room = max(4.0, (self.width() - right - 6) / max(1, max(lane_levels, default=0) + 1))
        lane_step = min(LANE, room)
        for plan in plans:
            scene.arcs.append(self._arc(plan, row_levels, lane_levels, right + 5, lane_step,
                                        tag_h, metrics))
        # where each chip sits on its arc before it is moved off the tags: an edit of an
        # unlinked span moves them again from there, without laying the arcs (overlay.py)
        scene.chips_laid = [arc.chip.left() if arc.chip is not None else None
                            for arc in scene.arcs]
        scene.right = right
        clear_chips(scene, right)


    @staticmethod
    def _claim(rows, top: float, x1: float, x2: float) -> tuple[float, int]:
        row = rows.setdefault(top, [])
        row.append((min(x1, x2), max(x1, x2)))
        return top, len(row) - 1

    def _arc(self, plan, row_levels, lane_levels, lane_x, lane_step, tag_h, metrics) -> DrawnArc:
        relation, a, b = plan["relation"], plan["a"], plan["b"]
        rise = self._tag_rise(tag_h) + 1 if self.tags_on else 1  # an end: atop its tag
        step = LEVEL if not self._plain else LEVEL / 2

        def level_y(claim) -> float:
            top, index = claim
            level = min(row_levels[top][index], LEVELS - 1)
            if self._plain:  # along the gap between lines, behind the tags
                return top - 1 - level * step
            return top - rise - 6 - level * step

        def end_y(end) -> float:
            return end[2] - rise

        label = relation.label
        if plan["same"]:
            y = level_y(plan["rows"][0])
            points = [QPointF(a[1], end_y(a)), QPointF(a[1], y), QPointF(b[1], y),
                      QPointF(b[1], end_y(b))]
            chip_at = QPointF((a[1] + b[1]) / 2, y)
            chip = chip_box(metrics, label, chip_at, above=not self._plain)
            return DrawnArc(relation, points, chip, label, True)
        x = lane_x + lane_levels[plan["lane"]] * lane_step
        claims = iter(plan["rows"])
        points: list[QPointF] = []
        partner, chip_at = None, None
        for i, end in enumerate((a, b)):
            if end[0] == "at":
                y = level_y(next(claims))
                leg = [QPointF(end[1], end_y(end)), QPointF(end[1], y), QPointF(x, y)]
                if chip_at is None:
                    chip_at = QPointF(end[1] + 6, y)
            else:
                y = self._edges[0] if end[0] == "up" else self._edges[1]
                leg = [QPointF(x, y)]
                partner = end[0]
                other = end[1]
                arrow = "↑" if end[0] == "up" else "↓"
                label = f"{relation.label} {arrow} {short_text(other)}"
            points.extend(leg if i == 0 else list(reversed(leg)))
        chip = None
        if chip_at is not None:
            width = metrics.horizontalAdvance(label) + 8
            chip = chip_box(metrics, label, QPointF(chip_at.x() + width / 2, chip_at.y()),
                            above=not self._plain)
            chip.moveRight(min(chip.right(), x - 3))
        return DrawnArc(relation, points, chip, label, True, partner)
