"""Very long articles: a QPlainTextEdit lays out only the blocks it shows, and the
highlights are painted under the text of the lines being drawn, so opening costs nothing
per span and an edit repaints only the lines of its span."""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections import OrderedDict

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFontMetricsF, QImage, QPainter, QTextLine
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from annotator.core.offsets import QtPositionMap
from annotator.core.spanset import SpanSet, segments
from annotator.gui import theme
from annotator.gui.annotate.long_marks import LongMarks, Mark
from annotator.gui.annotate.reading import Reading, label_color, stretch_look
from annotator.gui.annotate.state import DocumentState


class LongReadingView(Reading, QPlainTextEdit):
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
        self._shaped = _KeptShaping(self.document)  # the blocks painted lately keep their shaping
        self._marks = LongMarks()  # the selection's looks (long_marks.py)
        # the ranges (Qt positions) repainted by a span change since the last paint: a
        # mark over one of them (the span just made or removed) is repainted already
        self._fresh: list[tuple[int, int]] = []
        self._setup(state)
        # Lines wrap at the width of the view, so there is nothing to scroll sideways; yet
        # QPlainTextEdit keeps the widest line it ever laid out (before the page margins
        # were set, a few pixels wider) as the width of the text, and would offer a bar.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        state.document_opened.connect(self._marks.clear)  # (before the new ones are set)
        state.document_opened.connect(self._forget)
        state.document_opened.connect(self._shaped.clear)  # (another text: other blocks)
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
        self._update_lines(a, b, first, last)
        if len(self._fresh) > 32:  # no paint for a while (a hidden window): forgotten,
            self._fresh.clear()  # which costs a mark a repaint of its own, nothing more
        self._fresh.append((a, b))

    def clear_selection(self) -> None:
        """Take the text selection away. Qt repaints a selection's lines from edge to edge
        (and the tags, marks and suggestions over them), where a selection on one line,
        short of its end, was drawn over its own stretch only (Qt's fill runs on to the
        edge for a line the selection goes on past): then only that stretch is repainted
        (a label key clears the selection it marked, at each add)."""
        cursor = self.textCursor()
        stretch = self._one_line_stretch(cursor.selectionStart(), cursor.selectionEnd())
        cursor.clearSelection()
        port = self.viewport()
        if stretch is None or not port.updatesEnabled():
            self.setTextCursor(cursor)
            return
        bars = self.verticalScrollBar(), self.horizontalScrollBar()
        before = [bar.value() for bar in bars]
        port.setAttribute(Qt.WidgetAttribute.WA_UpdatesDisabled, True)
        try:
            self.setTextCursor(cursor)  # (its signals go out as ever)
        finally:
            port.setAttribute(Qt.WidgetAttribute.WA_UpdatesDisabled, False)
        if [bar.value() for bar in bars] != before:
            port.update()  # it scrolled to the caret: the page
        else:
            port.update(stretch)

    def _one_line_stretch(self, start: int, end: int) -> QRect | None:
        """Where a selection of Qt positions ``[start, end)`` is drawn (and the caret at
        either end), in viewport coordinates, when it lies on one line of a left-to-right
        block and ends before that line's end; else None."""
        if start >= end:
            return None
        block = self.document().findBlock(start)
        base = block.position()
        layout = block.layout() if block.isValid() else None
        if layout is None or end - base >= block.length() - 1:
            return None
        kept = self._places.get(block.blockNumber())  # (a block on screen: kept, with
        if kept._rtl if kept is not None else _RTL.search(block.text()):  # its direction)
            return None
        line = layout.lineForTextPosition(start - base)
        if (not line.isValid() or layout.lineForTextPosition(end - base).lineNumber()
                != line.lineNumber() or end - base >= line.textStart() + line.textLength()):
            return None
        x1, x2 = line.cursorToX(start - base)[0], line.cursorToX(end - base)[0]
        box = self.blockBoundingGeometry(block).translated(self.contentOffset())
        left = math.floor(box.left() + min(x1, x2)) - _EDGE
        top = math.floor(box.top() + line.y()) - 1
        return QRect(left, top, math.ceil(box.left() + max(x1, x2)) + _EDGE - left,
                     math.ceil(line.height()) + 3)

    def set_marks(self, marks: list[Mark], repainted: list[tuple[int, int]] = ()) -> None:
        """Show the selection's looks (long_marks.py) instead of the ones shown: repaint
        only where the marks that changed lie, on the lines shown, but inside the ranges
        (Qt positions) ``repainted`` already (the selected span's old and new frame, whose
        lines the frame repaints) or changed by an edit since the last paint."""
        changed = self._marks.replace(tuple(marks))
        if not changed:
            return
        document = self.document()
        # the find bar's matches may be hundreds: only those on screen are looked for
        top, bottom = self._shown_positions() if len(changed) > 8 else (0, math.inf)
        fresh = [*self._fresh, *repainted]
        for m in changed:
            if any(a <= m.a and m.b <= b for a, b in fresh):
                continue
            if m.b >= top and m.a <= bottom:
                self._update_lines(m.a, m.b, document.findBlock(m.a).blockNumber(),
                                   document.findBlock(m.b).blockNumber())

    def _shown_positions(self) -> tuple[int, int]:
        """The Qt positions from the first block shown to the end of the last."""
        height = self.viewport().height()
        top = bottom = self.firstVisibleBlock().position()
        for block, _left, y, _height in self._blocks_shown():
            if y > height:
                break
            bottom = block.position() + block.length()
        return top, bottom

    def _blocks_shown(self):
        """The blocks from the first one shown on, each with the left, top and height of
        its box in viewport coordinates: what ``blockBoundingGeometry(block)`` translated
        by ``contentOffset()`` gives, to the bit. Qt finds a block's top by adding the
        heights of the blocks from the first one shown down to it, at each ask: walking a
        page block by block that way cost the square of its blocks."""
        offset = self.contentOffset()
        left, dy = offset.x(), offset.y()
        layout = self.document().documentLayout()
        block = self.firstVisibleBlock()
        above = 0.0
        while block.isValid():
            height = layout.blockBoundingRect(block).height()
            yield block, left, above + dy, height
            above += height
            block = block.next()

    def _update_lines(self, a: int, b: int, first: int, last: int) -> None:
        """Repaint where Qt positions ``[a, b)`` (in blocks ``first`` to ``last``) lie on
        the lines shown, their highlights found now so that the paint that follows only
        draws."""
        height = self.viewport().height()
        port = self.viewport()
        for block, box_left, box_top, box_height in self._blocks_shown():
            number = block.blockNumber()
            if number > last or box_top > height:
                break
            if number < first or not block.isVisible() or box_top + box_height < 0:
                continue
            places, base = self._places_of(block), block.position()
            for i in places.lines_between(a - base, b - base):
                places.line(i, self.state.spans, self._look)
                y, line_height = places.lines[i]
                # only the stretch that changed: its x range on the line, or the line's
                # width where right-to-left text may put it anywhere
                x1, x2 = places.x_range(i, a - base, b - base, port.width())
                left = max(0, math.floor(box_left + x1) - _EDGE)
                port.update(QRect(left, math.floor(box_top + y),
                                  math.ceil(box_left + x2) + _EDGE - left,
                                  math.ceil(line_height) + 1))

    # -- painting ----------------------------------------------------------------------------

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt override)
        self._fresh.clear()
        if self.state.document is not None and (len(self.state.spans) or self._marks.marks):
            page = theme.page_key()
            if page != self._page:  # another theme: other tints
                self._page = page
                self._forget()
            painter = QPainter(self.viewport())
            try:
                self._paint_highlights(painter, _bands(event.region()))
            finally:
                painter.end()
        super().paintEvent(event)  # the text (and selection) over the highlights

    def _paint_highlights(self, painter: QPainter, bands: list[QRect]) -> None:
        """The highlights of the lines in ``bands`` (the painter keeps to the region
        being painted), the blocks on screen walked once for all of them."""
        bottom = bands[-1].bottom()
        for block, left, top, height in self._blocks_shown():
            if top > bottom:
                break
            if block.isVisible():
                for area in bands:
                    if top + height >= area.top() and top <= area.bottom():
                        self._paint_block(painter, block, left, top, area)

    def _paint_block(self, painter, block, left, top, area) -> None:
        low, high = area.top() - top, area.bottom() - top  # the area, in block coordinates
        places, spans = self._places_of(block), self.state.spans
        painter.translate(left, top)
        shown = places.lines_in(low, high)
        for index in shown:
            for rect, color in places.line(index, spans, self._look):
                painter.fillRect(rect, color)
        if self._marks.marks:  # the selection's looks over the highlights, under the text
            self._marks.paint(painter, places, block.blockNumber(), shown)
        painter.translate(-left, -top)

    def _places_of(self, block) -> _BlockPlaces:
        self._shaped.keep(block)  # painted now, or about to be
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
        self._marks.forget()
        self._fresh.clear()

    def _look(self, inner: str, outer: str | None) -> tuple[QColor, QColor | None]:
        """The background and underline colours of a stretch with these labels."""
        found = self._looks.get((inner, outer))
        if found is None:
            found = self._looks[(inner, outer)] = (
                theme.highlight(label_color(self.state, inner)),
                theme.underline(label_color(self.state, outer)) if outer else None,
            )
        return found


def _bands(region) -> list[QRect]:
    """The rows of the viewport that ``region`` touches, each as one rectangle: apart
    when far apart (an edit and the caret it moved), joined where they meet (a line,
    the tag above it and the grips at its ends), so no line is painted twice."""
    bands: list[QRect] = []
    for rect in sorted(region, key=QRect.top):
        if bands and rect.top() <= bands[-1].bottom() + 1:
            bands[-1] = bands[-1].united(rect)
        else:
            bands.append(QRect(rect))
    return bands


_BLOCKS_KEPT = 400  # blocks whose highlight places are kept (a few screens' worth)
_EDGE = 3  # pixels repainted beside a changed stretch (its rounded ends)
_SHAPED_KEPT = 64  # blocks whose shaped text is kept (what is on screen, and some)
_NOWHERE = QRectF(0.0, -1e6, 1.0, 1.0)  # a clip above every line of a block


class _KeptShaping:
    """The blocks painted lately keep their shaped text. Qt lets a paragraph's shaping
    (its runs, glyphs and character attributes) go after each paint of it unless the
    layout's cache is on, so each repaint of a line shaped its whole paragraph again, and
    so did the first position asked of it after a paint (an edit's highlights, frame,
    grips and tag all ask). A block not painted lately gives its shaping back."""

    def __init__(self, document) -> None:
        self._document = document  # the view's (a callable)
        self._kept: OrderedDict[int, None] = OrderedDict()  # block numbers, oldest first
        self._scratch = QImage(1, 1, QImage.Format.Format_ARGB32_Premultiplied)

    def keep(self, block) -> None:
        number = block.blockNumber()
        if number in self._kept:
            self._kept.move_to_end(number)
            return
        block.layout().setCacheEnabled(True)
        self._kept[number] = None
        if len(self._kept) > _SHAPED_KEPT:
            self._release(self._kept.popitem(last=False)[0])

    def clear(self) -> None:
        """Another text: its blocks are new (the old ones, and their shaping, are gone)."""
        self._kept.clear()

    def _release(self, number: int) -> None:
        block = self._document().findBlockByNumber(number)
        if not block.isValid():
            return
        layout = block.layout()
        layout.setCacheEnabled(False)
        # Qt lets the shaping go at the end of the layout's next paint: a paint clipped
        # to where none of its lines is (so nothing is drawn), so that a block scrolled
        # past does not keep it for good
        painter = QPainter(self._scratch)
        try:
            layout.draw(painter, QPointF(0.0, 0.0), [], _NOWHERE)
        finally:
            painter.end()


class _BlockPlaces:
    """Where the highlights of one laid-out block go, in block coordinates: its lines
    (y, height) and, per line once painted, a rectangle and its colour for each stretch
    between span bounds on it (and for the underline of a nested one). A span change in
    the block forgets the stretches of its lines (:meth:`forget`); a new layout or
    palette forgets the block."""

    __slots__ = ("lines", "base", "length", "_block", "_tops", "_starts", "_ascents", "_underline",
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
        self.length = block.length() - 1
        text = block.text()
        self._positions = positions.block(self.base, text)
        self._rtl = _RTL.search(text) is not None
        self._rects: dict[int, list[tuple[QRectF, QColor]]] = {}

    def line_at(self, y: float) -> int:
        """The first line that reaches down to ``y`` (a paragraph may have thousands)."""
        return max(0, bisect_right(self._tops, y) - 1)

    def lines_in(self, low: float, high: float) -> range:
        """The lines that reach into ``[low, high]`` (block coordinates)."""
        first = self.line_at(low)
        if first < len(self.lines) and sum(self.lines[first]) < low:
            first += 1  # (it ends above ``low``)
        return range(first, bisect_right(self._tops, high, lo=first))

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

    def x_range(self, index: int, a: int, b: int, width: int) -> tuple[float, float]:
        """Where positions ``[a, b)`` of the block lie on line ``index``, from the
        leftmost edge to the rightmost (the whole ``width`` in a block with right-to-left
        text, where a run of positions need not be one run on screen)."""
        if self._rtl:
            return 0.0, float(width)
        start, end = self._starts[index], self._starts[index + 1]
        lo, hi = max(a, start), min(b, end)
        line = self._block.layout().lineAt(index)
        x1, x2 = line.cursorToX(lo)[0], line.cursorToX(max(lo, hi))[0]
        return min(x1, x2), max(x1, x2)

    def line_range(self, index: int) -> tuple[int, int]:
        """The positions (in the block) of line ``index``: ``[start, end)``."""
        return self._starts[index], self._starts[index + 1]

    def underline_y(self, index: int) -> float:
        """Where an underline goes on line ``index``: below its baseline."""
        return self.lines[index][0] + self._ascents[index] + self._underline

    def stretches(self, index: int, a: int, b: int,
                  xs: dict[int, float]) -> list[tuple[float, float]]:
        """The x ranges that positions ``[a, b)`` of the block cover on line ``index``
        (each bound's x kept in ``xs``)."""
        layout = self._block.layout()
        return _line_stretches(layout, layout.lineAt(index), a, b, self._rtl, xs)

    def line(self, index: int, spans: SpanSet, look) -> list[tuple[QRectF, QColor]]:
        found = self._rects.get(index)
        if found is not None:
            return found
        found = self._rects[index] = []
        line_start, line_end = self.line_range(index)
        to_qt, from_qt = self._positions.to_qt, self._positions.from_qt
        start, end = from_qt(line_start), from_qt(line_end)
        pieces = []
        for a, b, covering in segments(spans.overlapping(start, end), start, end):
            qa, qb = max(to_qt(a), line_start), min(to_qt(b), line_end)
            if qa < qb:
                pieces.append((qa, qb, *look(*stretch_look(covering))))
        if not pieces:
            return found
        y, height = self.lines[index]
        under_y = self.underline_y(index)
        xs: dict[int, float] = {}  # each bound's x, asked once (stretches share them)
        for qa, qb, background, under in pieces:
            for x1, x2 in self.stretches(index, qa, qb, xs):
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
