"""Suggestions drawn over the text of either reading view: a dashed outline in the label's
colour and no fill, so that a suggestion is never taken for a span (spans are filled); the
current one (the one the keys act on) with a thicker, solid-dashed frame and a small tag
"label?" above it. A transparent widget over the viewport, like overlay.py's: it looks only
at the suggestions whose place overlaps the lines on screen, so a long article costs what a
short one does."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from annotator.gui import theme
from annotator.gui.annotate.span_frame import line_rects

OUTLINE = 1.5
CURRENT = 2.5


class SuggestionMarks(QWidget):
    """Outlines ``places`` ([(qt start, qt end, colour, is current)], set by the
    window's Suggesting) over ``view``'s viewport."""

    def __init__(self, view) -> None:
        super().__init__(view.viewport())
        self.view = view
        self.setObjectName("suggestionMarks")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground, True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.places: list[tuple[int, int, str, bool]] = []
        view.viewport().installEventFilter(self)
        view.verticalScrollBar().valueChanged.connect(self.update)
        view.horizontalScrollBar().valueChanged.connect(self.update)
        self.setGeometry(view.viewport().rect())

    def show_places(self, places: list[tuple[int, int, str, bool]]) -> None:
        self.places = places
        self.setVisible(bool(places))
        self.raise_()
        self.update()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Resize and watched is self.view.viewport():
            self.setGeometry(self.view.viewport().rect())
        return False

    def on_screen(self) -> tuple[int, int]:
        """The Qt positions of the first and last characters on screen."""
        view, port = self.view, self.view.viewport()
        if isinstance(view, QPlainTextEdit):
            top = view.firstVisibleBlock().position()
        else:
            top = view.cursorForPosition(QPoint(0, 0)).block().position()
        bottom = view.cursorForPosition(QPoint(port.width() - 1, port.height() - 1))
        return top, bottom.block().position() + bottom.block().length()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if not self.places:
            return
        top, bottom = self.on_screen()
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for a, b, color, current in self.places:
                if b <= top or a >= bottom:
                    continue
                pen = QPen(outline_color(color), CURRENT if current else OUTLINE)
                pen.setStyle(Qt.PenStyle.DashLine)
                pen.setDashPattern([4, 2] if current else [3, 3])
                painter.setPen(pen)
                for rect in line_rects(self.view, a, b, OUTLINE):
                    if rect.intersects(QRectF(event.rect())):
                        painter.drawRoundedRect(rect, 3, 3)
        finally:
            painter.end()


def outline_color(color: str) -> QColor:
    """The label's colour, made to stand out against the page of either theme."""
    return QColor(color).lighter(140) if theme.is_dark() else QColor(color).darker(140)
