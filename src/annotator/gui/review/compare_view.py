"""Stacked lanes: the paragraph around one group of spans, shown once per annotator (only
that annotator's spans, in label tints) and once for the gold layer.

Each lane is a read-only text view over the same stretch of the article, its spans in the
label tints of the reading view; the group under review is set in semibold in every lane,
and the lane picked with 1..9 is framed in the palette's highlight colour. Text can be
selected in any lane with the mouse (``E`` offers the selection, snapped to words).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QFont, QPainter, QPalette, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import Span
from annotator.core.offsets import QtPositionMap
from annotator.gui import theme
from annotator.review.snapping import nearer_edge, snap_edge

CONTEXT_CHARS = 600  # a paragraph longer than this is cut to about this much around the group
_BLANK_LINE = re.compile(r"\r?\n[ \t]*\r?\n")


@dataclass(frozen=True)
class Stretch:
    """The part of the article the lanes show: ``[start, end)`` with ``group`` inside."""

    start: int
    end: int
    group: tuple[int, int]


def stretch_around(text: str, start: int, end: int) -> Stretch:
    """The paragraph(s) holding ``[start, end)`` (blank lines part paragraphs, with LF or
    CRLF line ends), cut to about CONTEXT_CHARS around it at spaces when they are long."""
    near = max(0, start - 4 * CONTEXT_CHARS)  # a break further back is cut below anyway
    before = [m.end() for m in _BLANK_LINE.finditer(text, near, start)]
    a = before[-1] if before else near
    after = _BLANK_LINE.search(text, end)
    b = after.start() if after else len(text)
    room = max(0, CONTEXT_CHARS - (end - start)) // 2
    if start - a > room:
        cut = text.find(" ", start - room, start)
        a = cut + 1 if cut >= 0 else start - room
    if b - end > room:
        cut = text.rfind(" ", end, end + room)
        b = cut if cut >= 0 else end + room
    # Blank lines inside a span that crosses paragraphs stay; around it, none.
    while a < start and text[a] in "\r\n":
        a += 1
    while b > end and text[b - 1] in "\r\n":
        b -= 1
    return Stretch(a, b, (start, end))


class LaneText(QTextEdit):
    """The stretch of the article, read-only, as tall as its text.

    While the reviewer edits a span for gold (``E``), the gold lane shows the span being
    edited with a bar at each edge (:meth:`set_edges`): pressing the mouse in the lane takes
    hold of the nearer edge, dragging moves it, snapped to words as it goes
    (``review/snapping.py``), and ``edges_moved`` says where the edges now are."""

    edges_moved = Signal(int, int)  # article offsets

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the window's keys stay the window's
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        font = theme.reading_font()
        font.setPointSizeF(theme.READING_POINT_SIZE - 1)
        self.setFont(font)
        self.document().setDocumentMargin(2)
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        self.offset = 0
        self.positions = QtPositionMap("")
        self.edges: tuple[int, int] | None = None  # the span being edited, article offsets
        self.edge_color = "#888888"
        self._held: str | None = None  # the edge being dragged

    def set_edges(self, edges: tuple[int, int] | None, color: str = "#888888") -> None:
        """Show (None: stop showing) the span being edited, its edges draggable (an edge
        held stays held: the lane is painted again as it is dragged)."""
        self.edges, self.edge_color = edges, color
        if edges is None:
            self._held = None
        self.viewport().setCursor(
            Qt.CursorShape.SizeHorCursor if edges else Qt.CursorShape.IBeamCursor
        )
        self.viewport().update()

    def _paint_edges(self) -> None:
        if self.edges is None:
            return
        length = len(self.positions.text)
        a = max(0, self.edges[0] - self.offset)
        b = min(length, self.edges[1] - self.offset)
        if a >= b:
            return
        fmt = QTextCharFormat()
        fmt.setBackground(theme.highlight(self.edge_color))
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
        fmt.setUnderlineColor(self.palette().color(QPalette.ColorRole.Highlight))
        cursor = QTextCursor(self.document())
        qa, qb = self.positions.range_to_qt(a, b)
        cursor.setPosition(qa)
        cursor.setPosition(qb, QTextCursor.MoveMode.KeepAnchor)
        cursor.mergeCharFormat(fmt)

    def offset_at(self, point: QPoint) -> int:
        """The article offset nearest to ``point`` of the viewport."""
        qt = self.cursorForPosition(point).position()
        return self.offset + self.positions.from_qt(qt)

    def edge_point(self, offset: int) -> QPoint:
        """Where the edge at article ``offset`` is drawn (the middle of its line)."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.positions.to_qt(max(0, offset - self.offset)))
        rect = self.cursorRect(cursor)
        return QPoint(rect.x(), rect.center().y())

    def paintEvent(self, event) -> None:  # noqa: N802
        super().paintEvent(event)
        if self.edges is None:
            return
        painter = QPainter(self.viewport())
        color = self.palette().color(QPalette.ColorRole.Highlight)
        for offset in self.edges:
            if not self.offset <= offset <= self.offset + len(self.positions.text):
                continue
            cursor = QTextCursor(self.document())
            cursor.setPosition(self.positions.to_qt(offset - self.offset))
            rect = self.cursorRect(cursor)
            painter.fillRect(rect.x() - 1, rect.y() - 1, 3, rect.height() + 2, color)
        painter.end()

    def show_text(self, text: str, offset: int) -> None:
        self.offset = offset
        self.positions = QtPositionMap(text)
        self.setPlainText(self.positions.display_text())

    def paint(self, spans: list[Span], colors: dict[str, str], group: tuple[int, int]) -> None:
        """Spans in their label's tint (longest first, so a nested span keeps its own
        colour on top); the group under review in semibold in every lane, so a lane with
        no span there still shows where it is."""
        length = len(self.positions.text)
        inside = [s for s in spans if s.end > self.offset and s.start < self.offset + length]
        for span in sorted(inside, key=lambda s: s.start - s.end):
            a = max(0, span.start - self.offset)
            b = min(length, span.end - self.offset)
            color = colors.get(span.label, "#888888")
            fmt = QTextCharFormat()
            fmt.setBackground(theme.highlight(color))
            tip = f"{span.label} · {span.annotator}"
            if span.note:  # the annotator's note: a dotted underline, read in the tooltip
                tip += f"\nNote: {span.note}"
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
                fmt.setUnderlineColor(self.palette().color(QPalette.ColorRole.Text))
            fmt.setToolTip(tip)
            cursor = QTextCursor(self.document())
            qa, qb = self.positions.range_to_qt(a, b)
            cursor.setPosition(qa)
            cursor.setPosition(qb, QTextCursor.MoveMode.KeepAnchor)
            cursor.mergeCharFormat(fmt)
        a, b = max(0, group[0] - self.offset), min(length, group[1] - self.offset)
        if a < b:
            bold = QTextCharFormat()
            bold.setFontWeight(QFont.Weight.DemiBold)
            cursor = QTextCursor(self.document())
            qa, qb = self.positions.range_to_qt(a, b)
            cursor.setPosition(qa)
            cursor.setPosition(qb, QTextCursor.MoveMode.KeepAnchor)
            cursor.mergeCharFormat(bold)
        self._paint_edges()

    def selected_range(self) -> tuple[int, int] | None:
        """The mouse selection in article offsets, or None."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        a, b = self.positions.range_from_qt(cursor.selectionStart(), cursor.selectionEnd())
        return a + self.offset, b + self.offset

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if self.edges is not None and event.button() == Qt.MouseButton.LeftButton:
            # Editing: the press takes hold of the nearer edge (no selection is made).
            self._held = nearer_edge(*self.edges, self.offset_at(event.position().toPoint()))
            self._drag_to(event.position().toPoint())
            return
        lane = self.parent()
        if isinstance(lane, Lane):  # a click in the text picks the lane too
            lane.clicked.emit(lane.annotator)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        if self._held is not None:
            self._drag_to(event.position().toPoint())
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if self._held is not None:
            self._drag_to(event.position().toPoint())
            self._held = None
            return
        super().mouseReleaseEvent(event)

    def _drag_to(self, point: QPoint) -> None:
        """The held edge to the word boundary nearest ``point`` (within the stretch)."""
        if self.edges is None or self._held is None:
            return
        text = self.positions.text
        start, end = (e - self.offset for e in self.edges)
        at = self.offset_at(point) - self.offset
        if self._held == "start":
            start = snap_edge(text, at, "start", end)
        else:
            end = snap_edge(text, at, "end", start)
        edges = (start + self.offset, end + self.offset)
        if edges != self.edges:
            self.edges = edges
            self.edges_moved.emit(*edges)

    def _fit(self, *_args) -> None:
        self.setFixedHeight(int(self.document().size().height()) + 4)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit()


class Lane(QFrame):
    """One annotator's (or the gold layer's) reading of the stretch."""

    clicked = Signal(str)  # the annotator

    def __init__(self, annotator: str, number: int | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.annotator = annotator
        self.setObjectName("goldLane" if number is None else "lane")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.name = QLabel(objectName="laneName")
        self.name.setTextFormat(Qt.TextFormat.RichText)
        self.state = QLabel(objectName="laneState")
        self.state.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        # The notes on this lane's spans in the group (gold's: the reviewer's verdict
        # notes), a mark whose tooltip reads them.
        self.notes = QLabel(objectName="laneNotes")
        self.notes.setTextFormat(Qt.TextFormat.RichText)
        self.notes.hide()
        self.text = LaneText(self)
        key = f"{number}" if number is not None else "★"
        self.name.setText(f"<span style='opacity:.6'>{key}</span>&nbsp;&nbsp;<b>{annotator}</b>")
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(self.name)
        head.addWidget(self.notes)
        head.addStretch(1)
        head.addWidget(self.state)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(4)
        layout.addLayout(head)
        layout.addWidget(self.text)
        self.set_current(False)

    def set_notes(self, notes: list[str]) -> None:
        self.notes.setVisible(bool(notes))
        n = len(notes)
        self.notes.setText(f"&nbsp;&nbsp;<u>✉ {n} note{'s' if n > 1 else ''}</u>")
        self.notes.setToolTip("\n".join(notes))

    def set_current(self, current: bool) -> None:
        self.setProperty("current", current)
        self.style().unpolish(self)
        self.style().polish(self)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        self.clicked.emit(self.annotator)
        super().mousePressEvent(event)


LANE_STYLE = """
#lane, #goldLane { border: 1px solid palette(mid); border-radius: 6px; background: palette(base); }
#goldLane { border-style: dashed; }
#lane[current="true"] { border: 2px solid palette(highlight); }
"""


class CompareView(QScrollArea):
    """The lanes, one per annotator and the gold lane last."""

    lane_clicked = Signal(str)
    edges_moved = Signal(int, int)  # the edges of the span being edited, dragged in a lane

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("compareView")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.body = QWidget(objectName="compareBody")
        self.column = QVBoxLayout(self.body)
        self.column.setContentsMargins(12, 10, 12, 10)
        self.column.setSpacing(8)
        self.place = QLabel(objectName="groupPlace", wordWrap=True)
        self.column.addWidget(self.place)
        self.column.addStretch(1)
        self.setWidget(self.body)
        self.setStyleSheet(LANE_STYLE)
        self.lanes: dict[str, Lane] = {}

    def set_annotators(self, annotators: list[str], gold: str) -> None:
        if list(self.lanes) == [*annotators, gold]:
            return
        for lane in self.lanes.values():
            self.column.removeWidget(lane)
            lane.deleteLater()
        self.lanes = {}
        for i, name in enumerate([*annotators, gold]):
            lane = Lane(name, i + 1 if name != gold and i < 9 else None, self.body)
            lane.clicked.connect(self.lane_clicked)
            lane.text.edges_moved.connect(self.edges_moved)
            self.column.insertWidget(self.column.count() - 1, lane)
            self.lanes[name] = lane

    def show_stretch(
        self,
        text: str,
        stretch: Stretch | None,
        spans: dict[str, list[Span]],
        colors: dict[str, str],
        states: dict[str, str],
        notes: dict[str, list[str]] | None = None,
    ) -> None:
        """Every lane shows ``text[stretch]`` with its annotator's ``spans`` (and the
        notes on them in the group)."""
        for name, lane in self.lanes.items():
            lane.set_notes((notes or {}).get(name, []) if stretch else [])
            if stretch is None:
                lane.text.show_text("", 0)
                lane.state.setText("")
                continue
            lane.text.show_text(text[stretch.start : stretch.end], stretch.start)
            lane.text.paint(spans.get(name, []), colors, stretch.group)
            lane.state.setText(states.get(name, ""))

    def set_current(self, annotator: str | None) -> None:
        for name, lane in self.lanes.items():
            lane.set_current(name == annotator)

    def selected_range(self) -> tuple[int, int] | None:
        for lane in self.lanes.values():
            found = lane.text.selected_range()
            if found is not None:
                return found
        return None
