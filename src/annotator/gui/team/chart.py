"""A small bar chart of the team: one bar per annotator, split into done, in progress and
to do, drawn with QPainter (no chart library). Only a handful of bars: it paints them all."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from annotator.gui import theme
from annotator.sync.team import AnnotatorProgress

# (name, light colour, dark colour): strong for done, softer for started, faint for to do.
PARTS = (
    ("done", "#2e7d32", "#66bb6a"),
    ("in progress", "#ef8f00", "#ffb74d"),
    ("to do", "#b0bec5", "#546e7a"),
)


class ProgressChart(QWidget):
    BAR = 18
    GAP = 8

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("teamProgressChart")
        self.rows: list[AnnotatorProgress] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Team progress chart")

    def set_rows(self, rows: list[AnnotatorProgress]) -> None:
        self.rows = list(rows)
        self.setToolTip("\n".join(
            f"{r.name}: {r.done} done, {r.in_progress} in progress, {r.todo} to do "
            f"of {r.assigned}" for r in self.rows))
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        lines = max(1, len(self.rows)) + 1  # the legend's line
        return QSize(420, lines * (self.BAR + self.GAP) + self.GAP)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt override)
        return self.sizeHint()

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt override)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.WindowText)
        dark = theme.is_dark()
        colours = [QColor(d if dark else lt) for _n, lt, d in PARTS]
        metrics = painter.fontMetrics()
        names = max((metrics.horizontalAdvance(r.name) for r in self.rows), default=0) + 12
        counts = metrics.horizontalAdvance("000 of 000") + 12
        width = max(40, self.width() - names - counts - 8)
        most = max((r.assigned for r in self.rows), default=0) or 1
        y = self.GAP
        if not self.rows:
            painter.setPen(text)
            painter.drawText(QRectF(0, y, self.width(), self.BAR), Qt.AlignmentFlag.AlignLeft,
                             "No articles are assigned yet.")
        for row in self.rows:
            painter.setPen(text)
            painter.drawText(QRectF(0, y, names - 8, self.BAR),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             row.name)
            x = float(names)
            for value, colour in zip((row.done, row.in_progress, row.todo), colours,
                                     strict=True):
                part = width * value / most
                if part > 0:
                    painter.fillRect(QRectF(x, y + 2, part, self.BAR - 4), colour)
                x += part
            painter.setPen(text)
            painter.drawText(QRectF(names + width + 6, y, counts, self.BAR),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             f"{row.done} of {row.assigned}")
            y += self.BAR + self.GAP
        # the legend
        x = float(names)
        for (name, _lt, _dk), colour in zip(PARTS, colours, strict=True):
            painter.fillRect(QRectF(x, y + 5, 10, 10), colour)
            painter.setPen(text)
            painter.drawText(QRectF(x + 14, y, 200, self.BAR),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)
            x += 14 + metrics.horizontalAdvance(name) + 18
        painter.end()
