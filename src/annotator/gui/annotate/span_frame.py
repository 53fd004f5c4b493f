"""The frame around the selected span, drawn over the text of either reading view.

A selected span is told from a plain text selection by a frame in its label's colour
around each line's piece of it (a text selection is a flat fill); inside the frame the
spans nested in it keep their own tint, so an actor inside a selected quote stays in
view while the quote is linked. Only the lines of the span that are on screen are
looked at, so a span over a whole long article costs what a short one does.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QPoint, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit

from annotator.gui import theme
from annotator.gui.annotate.long_view import _RTL, _line_stretches
from annotator.gui.annotate.over_text import FRAME, layers_of

FRAME_WIDTH = 2.0


def frame_color(color: str) -> QColor:
    """The frame's colour: the label's, strong enough to stand out on either page."""
    return QColor(color).lighter(125) if theme.is_dark() else QColor(color).darker(125)


class SpanFrame(QObject):
    """Paints a frame around ``[start, end)`` (Qt positions) after the view has painted
    its text, under the label tags: set with :meth:`show`, taken away with ``show(None)``."""

    def __init__(self, view: QTextEdit | QPlainTextEdit) -> None:
        super().__init__(view)
        self.view = view
        self.place: tuple[int, int] | None = None
        self.color = QColor()
        self._layers = layers_of(view)
        self._layers.add(FRAME, self._paint)
        self._kept: tuple | None = None  # the last rects found, and for what

    def show(self, place: tuple[int, int] | None, color: str = "#888888") -> bool:
        """Frame ``place`` (None: no frame); only the lines of the old and the new frame
        are repainted, not the page (an edit selects the span it makes). True when they
        were: all that lies inside the old and the new frame on screen is repainted (the
        long view's selected marks need nothing more, long_marks.py)."""
        if place is None and self.place is None:
            return False
        framed = frame_color(color)
        if place == self.place and framed == self.color:
            return False
        port = self.view.viewport()
        old = self.rects() if port.isVisible() else []
        self.place, self.color = place, framed
        if not port.isVisible():
            return False
        for rect in old + self.rects():
            port.update(rect.toAlignedRect().adjusted(-2, -2, 2, 2))
        return True

    def _paint(self, painter, area) -> None:
        """The frame, over the text (a layer of the viewport's paint, over_text.py)."""
        if self.place is None:
            return
        # (a rect is the stroke's middle: its pen, antialiased, reaches past it)
        reach = QRectF(area).adjusted(-FRAME_WIDTH, -FRAME_WIDTH, FRAME_WIDTH, FRAME_WIDTH)
        rects = [rect for rect in self.rects() if rect.intersects(reach)]
        if not rects:
            return
        painter = painter()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(self.color, FRAME_WIDTH))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for rect in rects:
            painter.drawRoundedRect(rect, 3, 3)

    def rects(self) -> list[QRectF]:
        """The frame's rectangles on screen (viewport coordinates), one per line."""
        if self.place is None:
            return []
        key = (self.place, self._layers.stamp())
        if self._kept is None or self._kept[0] != key:  # (show and paint both ask)
            self._kept = (key, line_rects(self.view, *self.place, FRAME_WIDTH / 2))
        return list(self._kept[1])


def line_rects(view: QTextEdit | QPlainTextEdit, a: int, b: int, inset: float) -> list[QRectF]:
    """The rectangles of ``[a, b)`` (Qt positions) on the lines on screen, in viewport
    coordinates, shrunk by ``inset``: only the lines shown are looked at (suggestions are
    outlined with these too, suggestion_marks.py)."""
    document = view.document()
    height = view.viewport().height()
    first = document.findBlock(a)
    top_block = (view.firstVisibleBlock() if isinstance(view, QPlainTextEdit)
                 else view.cursorForPosition(QPoint(0, 0)).block())
    block = top_block if top_block.blockNumber() > first.blockNumber() else first
    found: list[QRectF] = []
    while block.isValid() and block.position() < b:
        origin = _origin(view, block)
        layout = block.layout()
        if origin.y() > height:
            break
        base, rtl = block.position(), None
        # from the line that holds ``a`` (a paragraph's earlier lines hold none of it)
        start = layout.lineForTextPosition(a - base).lineNumber() if a > base else 0
        for i in range(max(0, start), layout.lineCount()):
            line = layout.lineAt(i)
            line_start = line.textStart()
            if line_start >= b - base:
                break  # this line and those after it begin past the range
            lo = max(a - base, line_start)
            hi = min(b - base, line_start + line.textLength())
            if lo >= hi or not block.isVisible():
                continue
            y = origin.y() + line.y()
            if y > height or y + line.height() < 0:
                continue
            if rtl is None:
                rtl = bool(_RTL.search(block.text()))
            for x1, x2 in _line_stretches(layout, line, lo, hi, rtl, {}):
                # inside the text's box: a span at the start of a line begins at
                # the viewport's edge, where a frame around it would be cut off
                found.append(QRectF(origin.x() + x1 + inset, y + inset,
                                    x2 - x1 - 2 * inset, line.height() - 2 * inset))
        block = block.next()
    return found


def _origin(view, block):
    if isinstance(view, QPlainTextEdit):
        return view.blockBoundingGeometry(block).translated(view.contentOffset()).topLeft()
    rect = view.document().documentLayout().blockBoundingRect(block)
    return rect.topLeft() - QPoint(view.horizontalScrollBar().value(),
                                   view.verticalScrollBar().value()).toPointF()
