"""The grips on the selected span's edges: a thin bar the height of the line at each
edge, with a knob above the start and below the end, in the text's colour outlined in
the span's. The pointer
over one turns into a resize cursor, and dragging it moves that edge (reading.py). It
is a child widget over the reading view's viewport that takes no mouse events and
repaints only the grips' own small rectangles, so it costs nothing in a long article."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen, QTextCursor
from PySide6.QtWidgets import QApplication, QWidget

from annotator.core.model import Span

EDGE_REACH = 1  # pixels beside a grip where the pointer still takes it
_KNOB = 3.5  # the knob's radius
_HALF = 4  # half the width of a grip's box (the knob)


class EdgeHandles(QWidget):
    def __init__(self, view, color_of: Callable[[Span], str]) -> None:
        super().__init__(view.viewport())
        self.setObjectName("edgeHandles")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground, True)
        self.view, self.state, self.color_of = view, view.state, color_of
        self._preview: tuple[str, int] | None = None  # an edge being dragged, and where
        self._shown: list[QRect] = []
        self.setGeometry(view.viewport().rect())
        view.viewport().installEventFilter(self)
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
        return [(edge, self.rect_of(offset, edge)) for edge, offset in places.items()]

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
        if self.pos().x() or self.pos().y():  # a scroll moves the viewport's children
            self.move(0, 0)
        new = [rect for _edge, rect in self.grips()]
        for rect in (*self._shown, *new):
            self.update(rect.adjusted(-1, -1, 1, 1))
        self._shown = new

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt override)
        span = self.state.selected_span()
        grips = self.grips()
        if span is None or not grips:
            return
        color = grip_color(self.color_of(span))
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setBrush(color)
            outline = QPen(QColor(self.color_of(span)), 1.5)
            for edge, rect in grips:
                x = rect.center().x()
                knob = round(_KNOB * 2)
                bar = QRectF(x - 1, rect.top() + (knob if edge == "start" else 0), 2,
                             rect.height() - knob)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.drawRect(bar)
                y = rect.top() + _KNOB if edge == "start" else rect.bottom() - _KNOB + 1
                painter.setPen(outline)
                painter.drawEllipse(QPointF(x, y), _KNOB, _KNOB)
        finally:
            painter.end()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        kind = event.type()
        if watched is self.view.viewport() and kind == QEvent.Type.Resize:
            self.setGeometry(self.view.viewport().rect())
            self.refresh()
        elif watched is self.view and kind in (QEvent.Type.FontChange, QEvent.Type.Show):
            self.refresh()
        return False


def grip_color(label_color: str) -> QColor:
    """The ink of the page, framed by the label's colour: the tints are chosen so that text
    on them keeps a contrast of 4.5:1 (theme.tint), so a grip in the text colour stands out
    from the span's highlight, selected or not, in the light and the dark theme alike."""
    del label_color  # the grip's outline carries it
    return QApplication.palette().color(QPalette.ColorRole.Text)
