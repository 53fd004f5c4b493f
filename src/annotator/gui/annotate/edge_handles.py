"""The grips on the selected span's edges: a thin bar the height of the line at each
edge, with a knob above the start and below the end, in the text's colour outlined in
the span's. The pointer
over one turns into a resize cursor, and dragging it moves that edge (reading.py). They
are painted over the text and the label tags, in the viewport's own paint (over_text.py),
and a change repaints only the grips' own small rectangles, so they cost nothing in a
long article."""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen, QPixmap, QTextCursor
from PySide6.QtWidgets import QApplication

from annotator.core.model import Span
from annotator.gui.annotate.over_text import GRIPS, layers_of

EDGE_REACH = 1  # pixels beside a grip where the pointer still takes it
# events that move the grips (as constants: every event of the view passes here)
_RESIZE, _VIEW_CHANGES = QEvent.Type.Resize, (QEvent.Type.FontChange, QEvent.Type.Show)
_KNOB = 3.5  # the knob's radius
_HALF = 4  # half the width of a grip's box (the knob)
# repainted around a grip's box: the knob's outline and its smoothing reach 1.5 pixels
# past it (with 1, a grip taken away could leave a dot of its outline behind)
_MARGIN = 2
_PARTS = ("bar", "knob", "ring")  # a grip's pictures, in the order they are placed


class EdgeHandles(QObject):
    def __init__(self, view, color_of: Callable[[Span], str]) -> None:
        super().__init__(view)
        self.setObjectName("edgeHandles")
        self.view, self.state, self.color_of = view, view.state, color_of
        self._preview: tuple[str, int] | None = None  # an edge being dragged, and where
        self._shown: tuple[list[QRect], str | None] = ([], None)  # the grips, their colour
        self._layers = layers_of(view)
        self._layers.add(GRIPS, self._paint)
        self._kept: tuple | None = None  # the last grips found, and for what
        self._pictures: dict[tuple, QPixmap] = {}  # see _picture
        self._port = view.viewport()  # kept: asked of the view while it is being deleted
        self._port.installEventFilter(self)
        view.installEventFilter(self)
        for bar in (view.verticalScrollBar(), view.horizontalScrollBar()):
            bar.valueChanged.connect(self.refresh)
        self.state.selection_changed.connect(self.refresh)
        self.state.span_changed.connect(self.refresh)
        self.state.span_removed.connect(self.refresh)
        self.state.document_opened.connect(self.refresh)
        self.state.labels_changed.connect(self.refresh)

    def set_preview(self, edge: str | None, offset: int = 0) -> None:
        """Draw the grip of ``edge`` at ``offset`` while it is dragged (None: at rest)."""
        self._preview = (edge, offset) if edge else None
        self.refresh()

    def grips(self) -> list[tuple[str, QRect]]:
        """The grips shown now: ("start" or "end", their box in viewport coordinates)."""
        span = self.state.selected_span()
        if span is None or self.state.document is None or not self._showing():
            return []
        places = {"start": span.start, "end": span.end}
        if self._preview is not None:
            places[self._preview[0]] = self._preview[1]
        if places["start"] > places["end"]:
            return []
        key = (places["start"], places["end"], self._layers.stamp())
        if self._kept is None or self._kept[0] != key:  # (refresh and paint both ask)
            self._kept = (key, [(edge, self.rect_of(offset, edge))
                                for edge, offset in places.items()])
        return list(self._kept[1])

    def _showing(self) -> bool:
        """The view holds the open article (the other view is kept empty)."""
        return self.view.document().characterCount() - 1 == self.state.positions.qt_length

    def rect_of(self, offset: int, edge: str) -> QRect:
        """The box of the grip of ``edge`` at code point ``offset``: on the line of the
        character inside the span (so an end at a line break stays on its line)."""
        view, positions = self.view, self.state.positions
        if not self._showing():
            return QRect()
        qt = positions.to_qt(max(0, min(offset, len(positions.text))))
        cursor = QTextCursor(view.document())
        cursor.setPosition(qt)
        here = view.cursorRect(cursor)
        x, top, height = here.x(), here.top(), here.height()
        if edge == "end" and qt > 0:
            cursor.setPosition(qt - 1)
            before = view.cursorRect(cursor)
            if before.top() != here.top():  # the end sits at a line wrap: the line above
                char = view.document().characterAt(qt - 1)
                x = before.x() + view.fontMetrics().horizontalAdvance(char)
                top, height = before.top(), before.height()
        knob = round(_KNOB * 2)
        if edge == "start":
            return QRect(x - _HALF, top - knob, 2 * _HALF, height + knob)
        return QRect(x - _HALF, top, 2 * _HALF, height + knob)

    def refresh(self, *_args) -> None:
        new = [rect for _edge, rect in self.grips()]
        span = self.state.selected_span()
        look = (new, self.color_of(span) if span is not None and new else None)
        if look == self._shown:
            return  # as they were (an edit elsewhere, a signal twice): nothing to draw
        port = self.view.viewport()
        for rect in (*self._shown[0], *new):
            port.update(rect.adjusted(-_MARGIN, -_MARGIN, _MARGIN, _MARGIN))
        self._shown = look

    def _paint(self, painter, area: QRect) -> None:
        """The grips, over the text and the tags (a layer of the viewport's paint)."""
        span = self.state.selected_span()
        if span is None:
            return
        grips = [(edge, rect) for edge, rect in self.grips()
                 if rect.adjusted(-_MARGIN, -_MARGIN, _MARGIN, _MARGIN).intersects(area)]
        if not grips:
            return
        label = self.color_of(span)
        colors = grip_color(label).rgba(), QColor(label).rgba()
        ratio = self._port.devicePixelRatioF()
        painter = painter()
        for edge, rect in grips:  # (a grip's box is at whole pixels: so are its pictures)
            x, y = rect.left() - _MARGIN, rect.top() - _MARGIN
            for part in _PARTS:
                painter.drawPixmap(x, y, self._picture(part, edge, rect.width(),
                                                       rect.height(), colors, ratio))

    def _picture(self, part: str, edge: str, width: int, height: int,
                 colors: tuple[int, int], ratio: float) -> QPixmap:
        """One part of a grip whose box is ``width`` x ``height`` (at _MARGIN in its
        picture), drawn once with antialiasing and kept: the bar the height of the line,
        the knob's fill or its ring, in ``colors`` (the fill's, the ring's). Placed one
        after the other at whole pixels they give the very pixels the three shapes drawn
        on the page do (one picture of the whole grip would blend the ring over the fill
        inside it first, and round otherwise); drawing them cost an edit ~0.08 ms, in a
        repaint clipped to its few small rectangles."""
        key = (part, edge, width, height, colors, ratio)
        found = self._pictures.get(key)
        if found is not None:
            return found
        if len(self._pictures) > 64:
            self._pictures.clear()  # (lines of other heights, other labels' colours)
        found = QPixmap(math.ceil((width + 2 * _MARGIN) * ratio),
                        math.ceil((height + 2 * _MARGIN) * ratio))
        found.setDevicePixelRatio(ratio)
        found.fill(Qt.GlobalColor.transparent)
        painter = QPainter(found)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            rect = QRect(_MARGIN, _MARGIN, width, height)
            x = rect.center().x()
            if part == "bar":
                knob = round(_KNOB * 2)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor.fromRgba(colors[0]))
                painter.drawRect(QRectF(x - 1, rect.top() + (knob if edge == "start" else 0),
                                        2, rect.height() - knob))
            else:
                y = rect.top() + _KNOB if edge == "start" else rect.bottom() - _KNOB + 1
                if part == "knob":
                    painter.setPen(Qt.PenStyle.NoPen)
                    painter.setBrush(QColor.fromRgba(colors[0]))
                else:
                    painter.setPen(QPen(QColor.fromRgba(colors[1]), 1.5))
                    painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawEllipse(QPointF(x, y), _KNOB, _KNOB)
        finally:
            painter.end()
        self._pictures[key] = found
        return found

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        kind = event.type()
        resized = watched is self._port and kind == _RESIZE
        if resized or (watched is self.view and kind in _VIEW_CHANGES):
            self.refresh()
        return False


def grip_color(label_color: str) -> QColor:
    """The ink of the page, framed by the label's colour: the tints are chosen so that text
    on them keeps a contrast of 4.5:1 (theme.tint), so a grip in the text colour stands out
    from the span's highlight, selected or not, in the light and the dark theme alike."""
    del label_color  # the grip's outline carries it
    return QApplication.palette().color(_TEXT)


_TEXT = QPalette.ColorRole.Text
