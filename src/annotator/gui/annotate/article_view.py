"""The article: a header (title, source, date, URL) over the text, set for long reading.

Highlights are cut into stretches between span boundaries, so overlapping and nested
spans all stay visible: the innermost span gives the background, an outer one adds an
underline in its colour (:func:`stretch_look`). An article of usual length gets them as
character formats merged into its document, and an edit redraws the stretch it touches.
A very long one gets them painted under the text of the lines being drawn, so opening
costs nothing per span and an edit repaints only the lines of its span. The selected
span is drawn on top as the one extra selection.
"""

from __future__ import annotations

import html
import math
import re
from bisect import bisect_left, bisect_right
from collections import OrderedDict

from PySide6.QtCore import QEvent, QPoint, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QFontMetricsF,
    QPainter,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextLine,
)
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QStackedWidget,
    QTextEdit,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from annotator.core import textnav
from annotator.core.model import Document, Span
from annotator.core.offsets import QtPositionMap
from annotator.core.spanset import SpanSet, segments
from annotator.gui import theme
from annotator.gui.annotate.state import DocumentState

_PROPORTIONAL = 1  # QTextBlockFormat.LineHeightTypes.ProportionalHeight


class _Reading:
    """What both reading views do: read-only text with mouse and keyboard selection that
    reports clicks, keys and edge drags in code-point offsets. Mixed into a QTextEdit
    (articles of usual length: generous line spacing) and a QPlainTextEdit (very long
    ones: it lays out only what is shown, so opening and scrolling stay instant)."""

    def _setup(self, state: DocumentState) -> None:
        self.state = state
        self.context_actions: list[QAction] = []
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setUndoRedoEnabled(False)
        self.setFont(theme.reading_font())
        self.setFrameShape(QTextEdit.Shape.NoFrame)
        self.document().setDocumentMargin(0)
        self.setObjectName("reading")
        self.selected_with_alt = False  # Alt held while selecting: no snapping to words
        self._drag_edge: str | None = None

    def _edge_under(self, point: QPoint) -> str | None:
        """"start" or "end" when ``point`` is on an edge of the selected span."""
        span = self.state.selected_span()
        if span is None:
            return None
        for edge, offset in (("start", span.start), ("end", span.end)):
            cursor = QTextCursor(self.document())
            cursor.setPosition(self.state.positions.to_qt(offset))
            rect = self.cursorRect(cursor)
            if abs(point.x() - rect.x()) <= 3 and rect.top() <= point.y() <= rect.bottom():
                return edge
        return None

    def char_at(self, point: QPoint) -> int | None:
        """Offset of the character under ``point`` (viewport coordinates), or None.

        ``cursorForPosition`` gives the nearest boundary between characters, which lies
        half a character off for "what did the user click on": take the character on the
        side of the boundary where the point is, and check that its box holds the point."""
        qt = self.cursorForPosition(point).position()
        here = self._rect_at(qt)
        if point.x() < here.x() and qt > 0:
            qt -= 1
        if qt >= self.state.positions.qt_length:
            return None
        left, right = self._rect_at(qt), self._rect_at(qt + 1)
        same_line = right.top() == left.top()
        inside = left.x() <= point.x() < (right.x() if same_line else left.x() + 8)
        if not inside or not left.top() <= point.y() <= left.bottom():
            return None
        return self.state.positions.from_qt(qt, side="start")

    def _rect_at(self, qt: int):
        cursor = QTextCursor(self.document())
        cursor.setPosition(max(0, min(qt, self.state.positions.qt_length)))
        return self.cursorRect(cursor)

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802, A002 (Qt override)
        return False  # Tab walks through spans here, not through widgets

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt override)
        key, mods = event.key(), event.modifiers()
        alt, shift = Qt.KeyboardModifier.AltModifier, Qt.KeyboardModifier.ShiftModifier
        ctrl = Qt.KeyboardModifier.ControlModifier
        if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            backwards = key == Qt.Key.Key_Backtab or bool(mods & shift)
            self.span_step.emit(-1 if backwards else 1)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not mods & ctrl:
            self.confirmed.emit()
        elif key == Qt.Key.Key_Escape:
            self.escaped.emit()
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right) and mods & alt:
            step = -1 if key == Qt.Key.Key_Left else 1
            self.edge_moved.emit("start" if mods & shift else "end", step)
        elif key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and mods & ctrl:
            self._extend_by_sentence(forward=key == Qt.Key.Key_Down, extend=bool(mods & shift))
        else:
            super().keyPressEvent(event)

    def _extend_by_sentence(self, *, forward: bool, extend: bool) -> None:
        """Ctrl+Down/Up: move the caret to the end (start) of the sentence; with Shift,
        extend the selection there, as Ctrl+Shift+Right does for words."""
        cursor = self.textCursor()
        positions, text = self.state.positions, self.state.positions.text
        here = positions.from_qt(cursor.position())
        there = textnav.sentence_end(text, here) if forward else textnav.sentence_start(text, here)
        if there == here and not forward:
            there = textnav.sentence_start(text, max(here - 1, 0))
        mode = QTextCursor.MoveMode.KeepAnchor if extend else QTextCursor.MoveMode.MoveAnchor
        cursor.setPosition(positions.to_qt(there), mode)
        self.setTextCursor(cursor)

    def selection_range(self) -> tuple[int, int] | None:
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        return self.state.positions.range_from_qt(cursor.selectionStart(), cursor.selectionEnd())

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt override)
        self.selected_with_alt = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
        edge = self._edge_under(event.position().toPoint())
        if edge is not None and event.button() == Qt.MouseButton.LeftButton:
            self._drag_edge = edge  # drag an end of the selected span
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 (Qt override)
        point = event.position().toPoint()
        if self._drag_edge is not None:
            span = self.state.selected_span()
            if span is not None:  # preview: the span as it would become
                fixed = span.end if self._drag_edge == "start" else span.start
                cursor = self.textCursor()
                cursor.setPosition(self.state.positions.to_qt(fixed))
                cursor.setPosition(self.cursorForPosition(point).position(),
                                   QTextCursor.MoveMode.KeepAnchor)
                scrolled = self.verticalScrollBar().value()
                self.setTextCursor(cursor)  # would scroll to the anchor: keep the page still
                self.verticalScrollBar().setValue(scrolled)
            return
        shape = Qt.CursorShape.SizeHorCursor if self._edge_under(point) else Qt.CursorShape.IBeamCursor
        self.viewport().setCursor(shape)
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if self._drag_edge is not None:
            edge, self._drag_edge = self._drag_edge, None
            position = self.cursorForPosition(event.position().toPoint()).position()
            offset = self.state.positions.from_qt(position, side=edge)
            cursor = self.textCursor()
            cursor.clearSelection()
            self.setTextCursor(cursor)
            self.edge_dragged.emit(edge, offset)
            return
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and not self.textCursor().hasSelection():
            self.clicked.emit(self.char_at(event.position().toPoint()))

    def contextMenuEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if not self.textCursor().hasSelection():
            self.clicked.emit(self.char_at(event.pos()))
        menu = QMenu(self, objectName="spanMenu")
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.addActions(self.context_actions)
        menu.popup(event.globalPos())

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.ToolTip:
            offset = self.char_at(event.pos())
            spans = self.state.spans.at(offset) if offset is not None else []
            if spans:
                QToolTip.showText(event.globalPos(), _tooltip(spans, self.state), self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)


# PySide registers signals only on classes that derive from QObject, so the two views (and
# ArticleView, which forwards them) each declare the same six; the behaviour is shared in
# _Reading. Keep the three lists in step with these names.
SIGNAL_NAMES = ("clicked", "span_step", "confirmed", "escaped", "edge_moved", "edge_dragged")


class ReadingView(_Reading, QTextEdit):
    """Articles of usual length: line height and paragraph rhythm set for reading."""

    clicked = Signal(object)
    span_step = Signal(int)
    confirmed = Signal()
    escaped = Signal()
    edge_moved = Signal(str, int)
    edge_dragged = Signal(str, int)

    def __init__(self, state: DocumentState, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._setup(state)


class LongReadingView(_Reading, QPlainTextEdit):
    """Very long articles: QPlainTextEdit lays out only the blocks it shows, and the
    highlights are painted under the text of the lines being drawn."""

    clicked = Signal(object)
    span_step = Signal(int)
    confirmed = Signal()
    escaped = Signal()
    edge_moved = Signal(str, int)
    edge_dragged = Signal(str, int)

    def __init__(self, state: DocumentState, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Where the highlights of the blocks painted lately go, by block number (a span
        # change forgets the lines it touches), and the colours of each label pairing;
        # both are forgotten when the layout, the labels or the palette change.
        self._places: OrderedDict[int, _BlockPlaces] = OrderedDict()
        self._looks: dict[tuple, tuple[QColor, QColor | None]] = {}
        self._page: tuple | None = None  # the palette the kept places were coloured for
        self._setup(state)
        # Lines wrap at the width of the view, so there is nothing to scroll sideways; yet
        # QPlainTextEdit keeps the widest line it ever laid out (before the page margins
        # were set, a few pixels wider) as the width of the text, and would offer a bar.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        state.document_opened.connect(self._forget)
        state.labels_changed.connect(self._forget)

    # -- what the article view asks ----------------------------------------------------------

    def highlight_at(self, offset: int) -> tuple[QColor, QColor | None] | None:
        """The background and underline painted under the character at ``offset``."""
        covering = self.state.spans.overlapping(offset, offset + 1)
        return self._look(*stretch_look(covering)) if covering else None

    def repaint_range(self, start: int, end: int) -> None:
        """The spans of ``[start, end)`` changed: find again where the highlights of its
        lines go (now, so that the paint that follows only draws), and repaint those
        lines where they are shown."""
        if self.state.document is None:
            return
        a, b = self.state.positions.range_to_qt(start, end)
        document = self.document()
        first, last = document.findBlock(a).blockNumber(), document.findBlock(b).blockNumber()
        known = (self._places.get(n) for n in range(first, last + 1)) if last - first < 64 else (
            places for n, places in self._places.items() if first <= n <= last
        )
        for places in known:
            if places is not None:
                places.forget(a - places.base, b - places.base)
        block = document.findBlockByNumber(max(first, self.firstVisibleBlock().blockNumber()))
        offset, height = self.contentOffset(), self.viewport().height()
        port = self.viewport()
        while block.isValid() and block.blockNumber() <= last:
            box = self.blockBoundingGeometry(block).translated(offset)
            if box.top() > height:
                break
            if block.isVisible() and box.bottom() >= 0:
                places, base = self._places_of(block), block.position()
                for i in places.lines_between(a - base, b - base):
                    places.line(i, self.state.spans, self._look)
                    y, line_height = places.lines[i]
                    port.update(QRect(0, math.floor(box.top() + y), port.width(),
                                      math.ceil(line_height) + 1))
            block = block.next()

    # -- painting ----------------------------------------------------------------------------

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if self.state.document is not None and len(self.state.spans):
            page = theme.page_key()
            if page != self._page:  # another theme: other tints
                self._page = page
                self._forget()
            painter = QPainter(self.viewport())
            try:
                for area in event.region():  # apart: an edit and the caret it moved
                    self._paint_highlights(painter, area)
            finally:
                painter.end()
        super().paintEvent(event)  # the text (and selection) over the highlights

    def _paint_highlights(self, painter: QPainter, area: QRect) -> None:
        offset = self.contentOffset()
        block = self.firstVisibleBlock()
        while block.isValid():
            box = self.blockBoundingGeometry(block).translated(offset)
            if box.top() > area.bottom():
                break
            if block.isVisible() and box.bottom() >= area.top():
                self._paint_block(painter, block, box.left(), box.top(), area)
            block = block.next()

    def _paint_block(self, painter, block, left, top, area) -> None:
        low, high = area.top() - top, area.bottom() - top  # the area, in block coordinates
        places, spans = self._places_of(block), self.state.spans
        painter.translate(left, top)
        for index in range(places.line_at(low), len(places.lines)):
            y, height = places.lines[index]
            if y > high:
                break
            if y + height >= low:
                for rect, color in places.line(index, spans, self._look):
                    painter.fillRect(rect, color)
        painter.translate(-left, -top)

    def _places_of(self, block) -> _BlockPlaces:
        number = block.blockNumber()
        found = self._places.get(number)
        if found is None:
            underline = QFontMetricsF(self.font()).underlinePos()
            found = self._places[number] = _BlockPlaces(block, self.state.positions, underline)
            if len(self._places) > _BLOCKS_KEPT:
                self._places.popitem(last=False)
        else:
            self._places.move_to_end(number)
        return found

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Resize:
            self._forget()  # another width: the lines break elsewhere
        return super().viewportEvent(event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.FontChange:
            self._forget()  # zoomed: every line moves
        super().changeEvent(event)

    def _forget(self) -> None:
        """Another article, layout, label scheme or palette: find every place again."""
        self._places.clear()
        self._looks.clear()

    def _look(self, inner: str, outer: str | None) -> tuple[QColor, QColor | None]:
        """The background and underline colours of a stretch with these labels."""
        found = self._looks.get((inner, outer))
        if found is None:
            found = self._looks[(inner, outer)] = (
                theme.highlight(label_color(self.state, inner)),
                theme.underline(label_color(self.state, outer)) if outer else None,
            )
        return found


_BLOCKS_KEPT = 400  # blocks whose highlight places are kept (a few screens' worth)


class _BlockPlaces:
    """Where the highlights of one laid-out block go, in block coordinates: its lines
    (y, height) and, per line once painted, a rectangle and its colour for each stretch
    between span bounds on it (and for the underline of a nested one). A span change in
    the block forgets the stretches of its lines (:meth:`forget`); a new layout or
    palette forgets the block."""

    __slots__ = ("lines", "base", "_block", "_tops", "_starts", "_ascents", "_underline",
                 "_positions", "_rtl", "_rects")

    def __init__(self, block, positions: QtPositionMap, underline: float) -> None:
        layout = block.layout()
        self._block = block
        self.lines, self._starts, self._ascents = [], [], []
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            self.lines.append((line.y(), line.height()))
            self._ascents.append(line.ascent())
            self._starts.append(line.textStart())
        self._starts.append(block.length() - 1)
        self._tops = [y for y, _height in self.lines]
        self._underline = underline  # below the baseline
        self.base = block.position()  # the text never changes: nor does where it begins
        text = block.text()
        self._positions = positions.block(self.base, text)
        self._rtl = _RTL.search(text) is not None
        self._rects: dict[int, list[tuple[QRectF, QColor]]] = {}

    def line_at(self, y: float) -> int:
        """The first line that reaches down to ``y`` (a paragraph may have thousands)."""
        return max(0, bisect_right(self._tops, y) - 1)

    def lines_between(self, a: int, b: int) -> range:
        """The lines that hold positions ``[a, b)`` of the block (the line of ``a``
        when the range is empty)."""
        starts = self._starts
        first = max(0, bisect_right(starts, a) - 1)
        last = max(first, bisect_left(starts, b) - 1)
        return range(first, min(last, len(self.lines) - 1) + 1)

    def forget(self, a: int, b: int) -> None:
        """Spans changed over positions ``[a, b)``: where their lines' highlights go
        is found again when next asked."""
        for i in self.lines_between(a, b):
            self._rects.pop(i, None)

    def line(self, index: int, spans: SpanSet, look) -> list[tuple[QRectF, QColor]]:
        found = self._rects.get(index)
        if found is not None:
            return found
        found = self._rects[index] = []
        line_start, line_end = self._starts[index], self._starts[index + 1]
        to_qt, from_qt = self._positions.to_qt, self._positions.from_qt
        start, end = from_qt(line_start), from_qt(line_end)
        pieces = []
        for a, b, covering in segments(spans.overlapping(start, end), start, end):
            qa, qb = max(to_qt(a), line_start), min(to_qt(b), line_end)
            if qa < qb:
                pieces.append((qa, qb, *look(*stretch_look(covering))))
        if not pieces:
            return found
        layout = self._block.layout()
        line = layout.lineAt(index)
        y, height = self.lines[index]
        under_y = y + self._ascents[index] + self._underline
        xs: dict[int, float] = {}  # each bound's x, asked once (stretches share them)
        for qa, qb, background, under in pieces:
            for x1, x2 in _line_stretches(layout, line, qa, qb, self._rtl, xs):
                found.append((QRectF(x1, y, x2 - x1, height), background))
                if under is not None:
                    found.append((QRectF(x1, under_y, x2 - x1, 1.0), under))
        return found


_RTL = re.compile(  # right-to-left letters, and the marks that make a run right to left
    "[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff\U00010800-\U00010fff\U0001e800-\U0001efff"
    "\u200f\u202b\u202e\u2067]"
)


def _line_stretches(layout, line, a: int, b: int, rtl: bool,
                    xs: dict[int, float]) -> list[tuple[float, float]]:
    """The x ranges that characters ``[a, b)`` (positions in the block, on ``line``)
    cover: one range between their edges (each edge's x kept in ``xs``), or in a block
    with right-to-left text, the ranges of its characters as drawn, joined where they
    touch: there a run of positions need not be one run on screen."""
    if rtl:
        return _drawn_ranges(layout, line, a, b)
    x1 = xs.get(a)
    if x1 is None:
        x1 = xs[a] = line.cursorToX(a)[0]
    x2 = xs.get(b)
    if x2 is None:
        x2 = xs[b] = line.cursorToX(b)[0]
    return [(min(x1, x2), max(x1, x2))]


def _drawn_ranges(layout, line, a: int, b: int) -> list[tuple[float, float]]:
    """Where the characters ``[a, b)`` of a line with mixed directions are drawn. Each
    character (cluster) lies between its leading and its trailing edge; where the
    direction changes, Qt gives both edges the one place of the position it shares with
    its neighbour, and then the character's glyphs say where it is."""
    ranges = []
    while a < b:
        after = min(max(layout.nextCursorPosition(a), a + 1), b)
        x1, x2 = line.cursorToX(a, _LEADING)[0], line.cursorToX(a, _TRAILING)[0]
        if x1 == x2:
            boxes = [run.boundingRect() for run in layout.glyphRuns(a, after - a)]
            if boxes:
                x1, x2 = min(b.left() for b in boxes), max(b.right() for b in boxes)
        if x1 != x2:
            ranges.append((min(x1, x2), max(x1, x2)))
        a = after
    ranges.sort()
    joined: list[tuple[float, float]] = []
    for x1, x2 in ranges:
        if joined and x1 <= joined[-1][1] + 0.5:
            joined[-1] = (joined[-1][0], max(joined[-1][1], x2))
        else:
            joined.append((x1, x2))
    return joined


_LEADING, _TRAILING = QTextLine.Edge.Leading, QTextLine.Edge.Trailing


def stretch_look(covering: list[Span]) -> tuple[str, str | None]:
    """The labels that colour a stretch: the innermost span's (the background) and,
    under nesting, the outermost's (an underline)."""
    if len(covering) == 1:
        return covering[0].label, None
    return min(covering, key=_innermost).label, max(covering, key=_innermost).label


def label_color(state: DocumentState, label: str) -> str:
    found = state.labels.get(label)
    return found.color if found else "#888888"


LONG_ARTICLE = 200_000  # characters; above it the plain view (and painted highlights) is used


class ArticleView(QWidget):
    """Header and text of the open document, kept in step with :class:`DocumentState`."""

    # The view's signals, whichever view shows the article.
    clicked = Signal(object)
    span_step = Signal(int)
    confirmed = Signal()
    escaped = Signal()
    edge_moved = Signal(str, int)
    edge_dragged = Signal(str, int)

    def __init__(self, state: DocumentState, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("articlePane")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.state = state
        self.positions_exact = True
        self._plain = QTextCharFormat()  # merged over a stretch to clear its highlights
        self._plain.setBackground(Qt.GlobalColor.transparent)
        self._plain.setUnderlineStyle(QTextCharFormat.UnderlineStyle.NoUnderline)
        self.title = QLabel(objectName="articleTitle", wordWrap=True)
        self.byline = QLabel(objectName="articleByline", wordWrap=True, openExternalLinks=True)
        self.byline.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.note = QLabel(objectName="articleNote", wordWrap=True)
        self.views = QStackedWidget()
        self.text: ReadingView | LongReadingView = ReadingView(state)
        self.long_text = LongReadingView(state)
        for view in (self.text, self.long_text):
            self.views.addWidget(view)
            for name in SIGNAL_NAMES:
                getattr(view, name).connect(getattr(self, name))
        self._short_text = self.text
        title_font = theme.reading_font()
        title_font.setPointSizeF(theme.READING_POINT_SIZE * 1.55)
        title_font.setBold(True)
        self.title.setFont(title_font)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 24, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addWidget(self.byline)
        layout.addWidget(self.note)
        layout.addSpacing(14)
        layout.addWidget(self.views, 1)
        self.find_bar = QLineEdit(objectName="findBar", clearButtonEnabled=True)
        self.find_bar.setPlaceholderText("Find in this article (Enter: next, Shift+Enter: previous, Esc: close)")
        self.find_bar.hide()
        layout.addWidget(self.find_bar)
        self.link_candidate: Span | None = None
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.state.document_opened.connect(self._on_state_document_opened)
        self.state.span_added.connect(lambda span, _row: self._render(span.start, span.end))
        self.state.span_removed.connect(lambda span, _row: self._render(span.start, span.end))
        self.state.span_changed.connect(lambda _old, new, _row: self._render(new.start, new.end))
        self.state.selection_changed.connect(self._on_state_selection_changed)
        self.state.labels_changed.connect(self._render_all)
        self.state.document_changed.connect(self._show_note)
        self.state.relation_added.connect(lambda *_: self._draw_selection())
        self.state.relation_removed.connect(lambda *_: self._draw_selection())
        self.find_bar.returnPressed.connect(lambda: self.find_next(backward=False))
        self.find_bar.installEventFilter(self)

    # -- what the window asks --------------------------------------------------------------

    def selection_range(self) -> tuple[int, int] | None:
        return self.text.selection_range()

    def clear_selection(self) -> None:
        cursor = self.text.textCursor()
        cursor.clearSelection()
        self.text.setTextCursor(cursor)

    def open_find(self) -> None:
        self.find_bar.show()
        self.find_bar.setFocus()
        self.find_bar.selectAll()

    def find_next(self, *, backward: bool) -> bool:
        """Select the next match of the find bar's text (wrapping around); a label key
        then marks it."""
        needle = self.find_bar.text()
        if not needle:
            return False
        flags = QTextDocument.FindFlag.FindBackward if backward else QTextDocument.FindFlag(0)
        if not self.text.find(needle, flags):
            cursor = self.text.textCursor()
            cursor.movePosition(
                QTextCursor.MoveOperation.End if backward else QTextCursor.MoveOperation.Start
            )
            self.text.setTextCursor(cursor)
            if not self.text.find(needle, flags):
                self.find_bar.setStyleSheet("background: #f8d7da;")
                return False
        self.find_bar.setStyleSheet("")
        return True

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        if watched is self.find_bar and event.type() == QEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_Escape:
                self.find_bar.hide()
                self.text.setFocus()
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
                event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            ):
                self.find_next(backward=True)
                return True
        return super().eventFilter(watched, event)

    def zoom(self, step: int) -> float:
        """Make the reading text larger or smaller (step 0: back to normal)."""
        font = self.text.font()
        size = theme.READING_POINT_SIZE if step == 0 else font.pointSizeF() + step
        font.setPointSizeF(max(8.0, min(40.0, size)))
        for view in (self._short_text, self.long_text):
            view.setFont(font)
        self.resizeEvent(None)
        return font.pointSizeF()

    def set_context_actions(self, actions: list[QAction]) -> None:
        for view in (self._short_text, self.long_text):
            view.context_actions = actions

    def set_link_candidate(self, span: Span | None) -> None:
        self.link_candidate = span
        self._draw_selection()
        if span is not None:
            self.show_span(span)

    def show_span(self, span: Span) -> None:
        cursor = self.text.textCursor()
        cursor.setPosition(self.state.positions.to_qt(span.start))
        self.text.setTextCursor(cursor)
        self.text.ensureCursorVisible()

    # -- layout ----------------------------------------------------------------------------

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if event is not None:
            super().resizeEvent(event)
        measure = self.text.fontMetrics().averageCharWidth() * theme.MEASURE_CHARS
        side = max(24, (self.width() - measure) // 2)
        self.layout().setContentsMargins(0, 24, 0, 0)
        for label in (self.title, self.byline, self.note):
            label.setContentsMargins(side, 0, side, 0)
        for view in (self._short_text, self.long_text):
            view.setViewportMargins(side, 0, side, 0)

    # -- drawing ---------------------------------------------------------------------------

    def _on_state_document_opened(self) -> None:
        doc = self.state.document
        self.title.setText(doc.meta.title or doc.source_id)
        self.byline.setText(_byline(doc))
        self._show_note()
        long = len(doc.text) > LONG_ARTICLE
        shown = self.long_text if long else self._short_text
        hidden = self._short_text if long else self.long_text
        hidden.setPlainText("")  # one copy of the text in memory, not two
        self.text = shown
        self.views.setCurrentWidget(shown)
        # setPlainText gives the new text the cursor's format: when the cursor rests on a
        # (small-set) blank line, the whole article would come back in that size.
        shown.setCurrentCharFormat(QTextCharFormat())
        shown.setPlainText(self.state.positions.display_text())
        # Every offset depends on Qt holding exactly the positions the map expects.
        self.positions_exact = (
            shown.document().characterCount() - 1 == self.state.positions.qt_length
        )
        if not long:
            cursor = QTextCursor(shown.document())
            cursor.select(QTextCursor.SelectionType.Document)
            block = QTextBlockFormat()
            block.setLineHeight(theme.LINE_HEIGHT_PERCENT, _PROPORTIONAL)
            cursor.mergeBlockFormat(block)
            self._shrink_blank_lines()
        shown.setExtraSelections([])
        shown.moveCursor(QTextCursor.MoveOperation.Start)
        self._render_all()

    def _show_note(self) -> None:
        note = self.state.document.note if self.state.document else None
        self.note.setText(f"Note: {note}" if note else "")
        self.note.setVisible(bool(note))

    def _shrink_blank_lines(self) -> None:
        """News text separates paragraphs with blank lines; at full height a run of them
        opens a hole in the page. Set in a small size they read as paragraph breaks.
        (A small font, not a small line height: the line stays exactly as tall as its
        box, so a click just below it still lands in the next paragraph.)
        Only the look changes: the text and its offsets stay as they are."""
        blank = QTextCharFormat()
        blank.setFontPointSize(theme.READING_POINT_SIZE * theme.BLANK_LINE_SCALE)
        block = self.text.document().firstBlock()
        while block.isValid():
            if block.length() == 1:
                QTextCursor(block).setBlockCharFormat(blank)
            block = block.next()

    def _render_all(self) -> None:
        if self.state.document is None:
            return
        if self.text is self.long_text:
            self.long_text.viewport().update()  # painted as it comes into view
        else:
            self._render(0, len(self.state.document.text))
        self._on_state_selection_changed(self.state.selected)

    def _render(self, start: int, end: int) -> None:
        """Redraw the highlights of ``[start, end)`` from the spans that cover it: in a
        long article, repaint its lines; otherwise in one edit block (one relayout) with
        one cursor and one format per label pairing."""
        if self.text is self.long_text:
            self.long_text.repaint_range(start, end)
            return
        to_qt = self.state.positions.to_qt
        cursor = self._cursor(start, end)
        cursor.beginEditBlock()
        cursor.mergeCharFormat(self._plain)
        formats: dict[tuple[str, str | None], QTextCharFormat] = {}
        for a, b, covering in segments(self.state.spans.overlapping(start, end), start, end):
            look = stretch_look(covering)
            fmt = formats.get(look)
            if fmt is None:
                fmt = formats[look] = self._format(*look)
            cursor.setPosition(to_qt(a))
            cursor.setPosition(to_qt(b), QTextCursor.MoveMode.KeepAnchor)
            cursor.mergeCharFormat(fmt)
        cursor.endEditBlock()

    def _format(self, inner: str, outer: str | None) -> QTextCharFormat:
        fmt = QTextCharFormat()
        fmt.setBackground(theme.highlight(self._color(inner)))
        if outer is not None:
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
            fmt.setUnderlineColor(theme.underline(self._color(outer)))
        return fmt

    def _on_state_selection_changed(self, _span_id: str | None) -> None:
        self._draw_selection()

    def _draw_selection(self) -> None:
        """The selected span on top, the spans linked to it with a dashed underline in
        the link's colour, and a link candidate (while linking) with a dotted one."""
        selections = []
        span = self.state.selected_span()
        if span is not None:
            selections.append(self._extra(span, selected=True))
            for relation in self.state.relations_of(span.id):
                other = relation.target if relation.source == span.id else relation.source
                if other in self.state.spans:
                    selections.append(
                        self._extra(self.state.spans.get(other), link=relation.label)
                    )
        if self.link_candidate is not None:
            selections.append(self._extra(self.link_candidate, candidate=True))
        self.text.setExtraSelections(selections)

    def _extra(
        self, span: Span, *, selected: bool = False, link: str = "", candidate: bool = False
    ) -> QTextEdit.ExtraSelection:
        selection = QTextEdit.ExtraSelection()
        selection.cursor = self._cursor(span.start, span.end)
        fmt = QTextCharFormat()
        color = self._color(span.label)
        if selected or candidate:
            fmt.setBackground(theme.selected_highlight(color))
        style = QTextCharFormat.UnderlineStyle
        fmt.setUnderlineStyle(
            style.DotLine if candidate else style.DashUnderline if link else style.SingleUnderline
        )
        fmt.setUnderlineColor(theme.underline(self._color(link) if link else color))
        fmt.setProperty(QTextFormat.Property.FullWidthSelection, False)
        selection.format = fmt
        return selection

    def _color(self, label: str) -> str:
        return label_color(self.state, label)

    def _cursor(self, start: int, end: int) -> QTextCursor:
        a, b = self.state.positions.range_to_qt(start, end)
        cursor = QTextCursor(self.text.document())
        cursor.setPosition(a)
        cursor.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
        return cursor


def _innermost(span: Span) -> tuple[int, int]:
    return (span.length, span.start)


def _byline(doc: Document) -> str:
    m = doc.meta
    parts = [html.escape(p) for p in (m.source or m.author, _nice_date(m.published)) if p]
    if m.url:
        shown = m.url.split("://", 1)[-1]
        shown = shown if len(shown) <= 60 else shown[:59] + "…"
        parts.append(f'<a href="{html.escape(m.url, quote=True)}">{html.escape(shown)}</a>')
    return " · ".join(parts)


def _nice_date(value: str) -> str:
    from datetime import date

    try:
        return date.fromisoformat(value).strftime("%-d %B %Y")
    except ValueError:
        return value


def _tooltip(spans: list[Span], state: DocumentState) -> str:
    rows = []
    for s in spans[:6]:
        text = " ".join(s.text.split())
        text = text if len(text) <= 160 else text[:159] + "…"
        row = f"<b>{html.escape(s.label)}</b> · {html.escape(s.annotator)}<br><i>{html.escape(text)}</i>"
        for relation in state.relations_of(s.id):
            if relation.source == s.id and relation.target in state.spans:
                other = " ".join(state.spans.get(relation.target).text.split())[:60]
                row += f"<br>{html.escape(relation.label)} → {html.escape(other)}"
        if s.note:
            row += f"<br>Note: {html.escape(s.note)}"
        rows.append(row)
    return "<hr>".join(rows)
