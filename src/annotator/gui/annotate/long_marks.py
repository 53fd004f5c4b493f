"""The selection's looks on the long view (long_view.py): the selected span's fill and
underline, the dashed underline of the spans linked to it, the link candidate's fill and
dotted underline, and the find bar's matches, painted with the highlights.

The short view hands these to Qt as extra selections. On the long view that cost a
quarter of an edit: each change of that list made Qt repaint the full width of every line
of every old and new selection, and lay each out again with format ranges. Here a change
repaints only where the marks that changed lie, and each line's rectangles are found once
(the x of each bound asked once) and kept until the marks or the layout change."""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

NO_LINE, SOLID, DASHED, DOTTED = 0, 1, 2, 3
_DASHES = {DASHED: [4.0, 2.0], DOTTED: [1.0, 2.0]}  # on, off (pixels), as Qt draws them


class Mark(NamedTuple):
    """One stretch of the article to mark: Qt positions ``[a, b)``, the fill and the
    underline colours (as ARGB numbers, 0 for none: a mark is compared with the one drawn
    before it) and the underline's style."""

    a: int
    b: int
    fill: int
    ink: int
    line: int = NO_LINE


def mark(a: int, b: int, fill: QColor | None, ink: QColor | None, line: int) -> Mark:
    return Mark(a, b, fill.rgba() if fill is not None else 0,
                ink.rgba() if ink is not None and line else 0, line if ink is not None else 0)


class LongMarks:
    """The marks shown on the long view, and where they go on the lines painted lately.
    The view calls :meth:`replace` (which names the marks whose places must be repainted),
    :meth:`paint` for each block it paints, :meth:`forget` when its layout changes and
    :meth:`clear` when another article opens."""

    def __init__(self) -> None:
        self.marks: tuple[Mark, ...] = ()
        # block number -> the marks that touch it; (block number, line) -> what is drawn
        self._in_block: dict[int, list[Mark]] = {}
        self._lines: dict[tuple[int, int], tuple[list, list]] = {}
        self._colors: dict[int, QColor] = {}

    def replace(self, marks: tuple[Mark, ...]) -> list[Mark]:
        """Show ``marks`` (in the order they are painted); the marks that were shown or
        are now and are not both, whose lines must be repainted."""
        if marks == self.marks:
            return []
        changed = list(set(self.marks).symmetric_difference(marks))
        self.marks = marks
        self.forget()
        return changed

    def forget(self) -> None:
        """Another layout (width, zoom, labels, palette) or other marks: the places of
        the marks are found again when next painted."""
        self._in_block.clear()
        self._lines.clear()

    def clear(self) -> None:
        """Another article: nothing of the old one's marks is shown."""
        self.marks = ()
        self.forget()

    def paint(self, painter: QPainter, places, number: int, shown: range) -> None:
        """The marks on the lines ``shown`` of block ``number`` (the painter is translated
        to the block): all fills first, then the underlines, as Qt draws the backgrounds of
        a line before its text's decorations."""
        marks = self._in_block.get(number)
        if marks is None:
            base, end = places.base, places.base + places.length
            marks = self._in_block[number] = [m for m in self.marks if m.a <= end and m.b > base]
        if not marks:
            return
        drawn = [self._line(places, number, index, marks) for index in shown]
        for fills, _lines in drawn:
            for rect, color in fills:
                painter.fillRect(rect, color)
        for _fills, lines in drawn:
            for x1, x2, y, color, style in lines:
                if style == SOLID:
                    painter.fillRect(QRectF(x1, y, x2 - x1, 1.0), color)
                else:
                    pen = QPen(color, 1.0)
                    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
                    pen.setDashPattern(_DASHES[style])
                    painter.setPen(pen)
                    painter.drawLine(QPointF(x1, y + 0.5), QPointF(x2, y + 0.5))

    def _line(self, places, number: int, index: int, marks: list[Mark]) -> tuple[list, list]:
        key = (number, index)
        found = self._lines.get(key)
        if found is not None:
            return found
        fills: list[tuple[QRectF, QColor]] = []
        lines: list[tuple[float, float, float, QColor, int]] = []
        start, end = places.line_range(index)
        base = places.base
        y, height = places.lines[index]
        under_y = places.underline_y(index)
        xs: dict[int, float] = {}  # each bound's x, asked once (marks share them)
        for m in marks:
            a, b = max(m.a - base, start), min(m.b - base, end)
            if a >= b:
                continue
            for x1, x2 in places.stretches(index, a, b, xs):
                if m.fill:
                    fills.append((QRectF(x1, y, x2 - x1, height), self._color(m.fill)))
                if m.line:
                    lines = _over(lines, x1, x2)
                    lines.append((x1, x2, under_y, self._color(m.ink), m.line))
        found = self._lines[key] = (fills, lines)
        return found

    def _color(self, argb: int) -> QColor:
        color = self._colors.get(argb)
        if color is None:
            if len(self._colors) > 256:
                self._colors.clear()
            color = self._colors[argb] = QColor.fromRgba(argb)
        return color


def _over(lines: list, x1: float, x2: float) -> list:
    """``lines`` without what ``[x1, x2]`` covers: a later mark's underline replaces an
    earlier one's where they meet (a linked span proposed as the link candidate shows the
    candidate's dots), as the later of Qt's extra selections did."""
    kept = []
    for line in lines:
        a, b = line[0], line[1]
        if b <= x1 or a >= x2:
            kept.append(line)
            continue
        if a < x1:
            kept.append((a, x1, *line[2:]))
        if b > x2:
            kept.append((x2, b, *line[2:]))
    return kept
