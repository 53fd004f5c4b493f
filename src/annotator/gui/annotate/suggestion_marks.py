"""Suggestions drawn over the text of either reading view: a dashed outline in the label's
colour and no fill, so that a suggestion is never taken for a span (spans are filled); the
current one (the one the keys act on) with a thicker, solid-dashed frame and a small tag
"label?" above it. A suggested link (said_by, claimed_by) is a dashed arc from its source to
its target with an open arrow head and its type and a "?" beside it ("said_by?"): real links
are solid arcs with a filled chip (overlay.py), so the two are never confused. An arc with
one end off screen runs to the page's edge. Painted over the text, the tags and the grips
in the viewport's own paint (a layer, over_text.py): as a transparent widget over the
viewport, it had to be set up, clipped and composited at every repaint of a line, an edit's
included. It looks only at the suggestions whose place overlaps the lines on screen, so a
long article costs what a short one does."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QPoint, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import QPlainTextEdit

from annotator.gui import theme
from annotator.gui.annotate.over_text import SUGGESTIONS, layers_of
from annotator.gui.annotate.span_frame import line_rects

OUTLINE = 1.5
_PAD = 3  # pixels around an outline's picture: its stroke reaches past the rect
CURRENT = 2.5
RISE = 9.0  # how far a suggested link's arc rises above its ends' line
LANE = 5.0  # from the viewport's right edge: where an arc between two lines runs


@dataclass(frozen=True, slots=True)
class SuggestedArc:
    """A suggested link as drawn: its ends' Qt ranges, colour, type, and whether it (or
    the span suggestion it belongs to) is the current one."""

    source: tuple[int, int]
    target: tuple[int, int]
    color: str
    label: str
    current: bool


@dataclass(slots=True)
class _LaidArc:
    """A suggested arc as routed on the page: its path, its tip (and whether it is on
    screen: an arrow head there), where its "type?" tag goes, and what it may cover: a
    box per leg of an arc between lines (whose bounding box is most of the page's right
    side: an edit's repaint of a line met it, and stroked its dashes anew, two times in
    three), the path's bounds for an arc over one line, and its tag's box."""

    arc: SuggestedArc
    tip_at: QPointF
    path: QPainterPath
    tip: bool
    label_at: QPointF
    boxes: list[tuple[float, float, float, float]]  # left, top, right, bottom
    corners: list[tuple[float, float]] | None  # an arc between lines: its legs' ends


Provider = Callable[[int, int], tuple[list[tuple[int, int, str, bool]], list[SuggestedArc]]]


class SuggestionMarks(QObject):
    """Outlines and arcs over ``view``'s text: those its ``provider`` (the window's
    Suggesting) gives for the lines on screen."""

    def __init__(self, view) -> None:
        super().__init__(view)
        self.view = view
        self.setObjectName("suggestionMarks")
        self._port = view.viewport()
        self._layers = layers_of(view)
        self._layers.add(SUGGESTIONS, self._paint)
        # what to draw between two Qt positions (the window's Suggesting): asked for the
        # lines on screen only, once a page (see _laid: what changes what it gives calls
        # show again); None draws nothing
        self.provider: Provider | None = None
        # Where each outline's lines are, for as long as the page is laid out and placed
        # as it was: a decision repaints the page, and finding each line again made that
        # repaint cost more than the decision (a long article's page holds hundreds).
        self._rects: dict[tuple[int, int], list[QRectF]] = {}
        self._stamp: tuple | None = None
        self._kept: tuple | None = None  # see _laid
        self._bounds: list[tuple[float, float, float, float]] = []  # see _laid
        self._arc_boxes: list[tuple[float, float, float, float, int, int]] = []  # see _laid
        self._outlines: dict[tuple, QPixmap] = {}  # see _outline
        # one more at each show (what is shown changed); a change of the text or its layout
        # changes the layers' stamp (_laid), highlights alone do not (over_text.restyled)
        self._version = 0
        view.verticalScrollBar().valueChanged.connect(self._scrolled)
        view.horizontalScrollBar().valueChanged.connect(self._scrolled)

    def show(self, provider: Provider | None) -> None:
        self.provider = provider
        self._version += 1
        self._port.update()

    def width(self) -> int:
        return self._port.width()

    def height(self) -> int:
        return self._port.height()

    def shown(self) -> tuple[list[tuple[int, int, str, bool]], list[SuggestedArc]]:
        """The outlines ((qt start, qt end, colour, is current)) and arcs on screen now."""
        if self.provider is None:
            return [], []
        return self.provider(*self.on_screen())

    def everywhere(self) -> tuple[list[tuple[int, int, str, bool]], list[SuggestedArc]]:
        """What would be drawn over the whole article (for a look from outside: a paint
        asks only for the lines on screen)."""
        if self.provider is None:
            return [], []
        return self.provider(0, self.view.document().characterCount())

    @property
    def places(self) -> list[tuple[int, int, str, bool]]:
        return self.everywhere()[0]

    @property
    def arcs(self) -> list[SuggestedArc]:
        return self.everywhere()[1]

    def _scrolled(self, *_args) -> None:
        # Qt moves what the viewport shows by the scroll and paints only the strip that
        # comes in: an arc to a span off the page ends at its edge, and one between lines
        # runs down the page's side, so the whole page is painted again
        if self.provider is not None:
            self._port.update()

    def on_screen(self) -> tuple[int, int]:
        """The Qt positions of the first and last characters on screen."""
        view, port = self.view, self.view.viewport()
        if isinstance(view, QPlainTextEdit):
            top = view.firstVisibleBlock().position()
        else:
            top = view.cursorForPosition(QPoint(0, 0)).block().position()
        bottom = view.cursorForPosition(QPoint(port.width() - 1, port.height() - 1))
        return top, bottom.block().position() + bottom.block().length()

    def _line_rects(self, a: int, b: int) -> list[QRectF]:
        found = self._rects.get((a, b))
        if found is None:
            found = self._rects[(a, b)] = line_rects(self.view, a, b, OUTLINE)
        return found

    def _laid(self) -> tuple[list[tuple[QRectF, str, bool]], list[_LaidArc]]:
        """The outlines' rectangles (with their colour, and whether current) and the arcs
        on screen, as laid out: kept while the page, its layout and the suggestions shown
        stay as they are (an edit elsewhere repaints a line, and the marks over it: asking
        for a page of suggestions and routing its arcs again cost an edit more than the
        edit itself)."""
        stamp = (self._layers.stamp(), self.view.document(), self._version)
        if stamp != self._stamp:
            self._stamp = stamp
            self._rects.clear()
            self._kept = None
        if self._kept is None:
            top, bottom = self.on_screen()
            places, arcs = self.provider(top, bottom)
            outlines = [(rect, color, current) for a, b, color, current in places
                        if b > top and a < bottom for rect in self._line_rects(a, b)]
            # their bounds as plain numbers: a paint looks for those it meets
            self._bounds = [rect.getCoords() for rect, _color, _current in outlines]
            laid = []
            metrics = QFontMetricsF(self._label_font())
            for arc in arcs:
                (sa, sb), (ta, tb) = arc.source, arc.target
                if max(sb, tb) <= top or min(sa, ta) >= bottom:
                    continue  # both ends above, or both below, the lines on screen
                p1, p2 = self._end_point(sa, sb, top), self._end_point(ta, tb, top)
                path, tip, at, corners = self._route(p1, p2)
                reach = CURRENT + 6  # a dashed pen's width, the arrow head's
                if corners is None:  # over one line: its curve's bounds
                    x1, y1, x2, y2 = path.boundingRect().getCoords()
                    boxes = [(x1 - reach, y1 - reach, x2 + reach, y2 + reach)]
                else:  # upright and level legs: each one's box (plain numbers: a page
                    # may hold dozens of arcs, laid at each scroll)
                    boxes = [(min(ax, bx) - reach, min(ay, by) - reach,
                              max(ax, bx) + reach, max(ay, by) + reach)
                             for (ax, ay), (bx, by) in zip(corners, corners[1:],
                                                            strict=False)]
                # its "type?" tag may be wider than a short arc
                x1, y1, x2, y2 = self._label_box(metrics, arc.label, at).getCoords()
                boxes.append((x1 - 1, y1 - 1, x2 + 1, y2 + 1))
                laid.append(_LaidArc(arc, p2, path, tip, at, boxes, corners))
            # every arc's boxes in one list, each with its arc's place and its leg's (-1:
            # a curve's bounds, or the tag's): a paint looks through it in one pass (a
            # page may hold dozens of arcs, each several boxes)
            self._arc_boxes = [
                (*box, i, k if one.corners is not None and k < len(one.boxes) - 1 else -1)
                for i, one in enumerate(laid) for k, box in enumerate(one.boxes)]
            self._kept = (outlines, laid)
        return self._kept

    def _paint(self, make: Callable[[], QPainter], area: QRect) -> None:
        """The outlines and arcs that meet ``area`` (a layer of the viewport's paint,
        over_text.py; ``make`` gives its painter)."""
        if self.provider is None:
            return
        outlines, arcs = self._laid()
        left, top, right, bottom = QRectF(area).getCoords()  # (as QRectF.intersects)
        met: dict[int, set[int]] = {}  # arc -> the legs met
        for x1, y1, x2, y2, i, leg in self._arc_boxes:
            if x1 < right and left < x2 and y1 < bottom and top < y2:
                met.setdefault(i, set()).add(leg)
        arcs = [(arcs[i], met[i]) for i in sorted(met)]
        # (an outline's stroke is on its rect's edge, half of it outside: as its picture)
        left, top, right, bottom = left - _PAD, top - _PAD, right + _PAD, bottom + _PAD
        outlines = [o for o, (x1, y1, x2, y2) in zip(outlines, self._bounds, strict=True)
                    if x1 < right and left < x2 and y1 < bottom and top < y2]
        if not outlines and not arcs:
            return
        painter = make()
        inks: dict[str, int] = {}  # (a page has hundreds of outlines)
        ratio = self._port.devicePixelRatioF()
        for rect, color, current in outlines:
            ink = inks.get(color)
            if ink is None:
                ink = inks[color] = outline_color(color).rgba()
            x, y = math.floor(rect.x()) - _PAD, math.floor(rect.y()) - _PAD
            painter.drawPixmap(x, y, self._outline(rect.translated(-x, -y), ink, current,
                                                   ratio))
        if arcs:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            self._paint_arcs(painter, arcs)

    def _outline(self, rect: QRectF, ink: int, current: bool, ratio: float) -> QPixmap:
        """The picture of a dashed outline round ``rect`` (placed in the picture as it is
        on the page within its pixel, so the picture holds the very pixels a stroke there
        would make): drawn once, then kept (a dashed, antialiased stroke costs 20 times
        what placing its picture does, and an edit repaints the outlines of its line)."""
        key = (rect.x(), rect.y(), rect.width(), rect.height(), ink, current, ratio)
        found = self._outlines.get(key)
        if found is None:
            if len(self._outlines) > 4096:
                self._outlines.clear()  # (pages scrolled through: their outlines go)
            width, height = rect.right() + _PAD, rect.bottom() + _PAD
            found = QPixmap(math.ceil(width * ratio), math.ceil(height * ratio))
            found.setDevicePixelRatio(ratio)
            found.fill(Qt.GlobalColor.transparent)
            pen = QPen(QColor.fromRgba(ink), CURRENT if current else OUTLINE)
            pen.setStyle(Qt.PenStyle.DashLine)
            pen.setDashPattern([4, 2] if current else [3, 3])
            drawing = QPainter(found)
            drawing.setRenderHint(QPainter.RenderHint.Antialiasing)
            drawing.setPen(pen)
            drawing.setBrush(Qt.BrushStyle.NoBrush)
            drawing.drawRoundedRect(rect, 3, 3)
            drawing.end()
            self._outlines[key] = found
        return found

    def _label_font(self) -> QFont:
        font = QFont(self.view.font())
        font.setPointSizeF(max(6.5, font.pointSizeF() * 0.62))
        return font

    def _label_box(self, metrics: QFontMetricsF, label: str, at: QPointF) -> QRectF:
        """Where a suggested link's "type?" tag goes, about ``at``."""
        box = QRectF(0, 0, metrics.horizontalAdvance(f"{label}?") + 6, metrics.height())
        box.moveCenter(at)
        box.moveLeft(min(max(box.left(), 1.0), self.width() - box.width() - 1))
        return box

    def _paint_arcs(self, painter: QPainter, arcs: list[tuple[_LaidArc, set[int]]]) -> None:
        """Paint ``arcs``, each with the legs of it the paint meets (-1: its curve, or
        only its tag)."""
        font = self._label_font()
        painter.setFont(font)
        metrics = QFontMetricsF(font)
        # The long-article view's lines have no room above them (the arcs of links are
        # not drawn there either): only the current arc's tag is written.
        tight = isinstance(self.view, QPlainTextEdit)
        for laid, legs in arcs:
            arc, p2 = laid.arc, laid.tip_at
            color = outline_color(arc.color)
            pen = QPen(color, CURRENT if arc.current else OUTLINE)
            pen.setStyle(Qt.PenStyle.DashLine)
            pen.setDashPattern([5, 3] if arc.current else [3, 3])
            if laid.corners is None or len(legs - {-1}) == len(laid.corners) - 1:
                painter.setPen(pen)
                painter.drawPath(laid.path)
            else:
                for path, offset in _stretches(laid.corners, legs):
                    pen.setDashOffset(offset / pen.widthF())  # (in the pen's widths)
                    painter.setPen(pen)
                    painter.drawPath(path)
            solid = QPen(color, OUTLINE)
            painter.setPen(solid)
            if laid.tip:  # an open arrow head, pointing down at the target
                painter.drawLine(p2, p2 + QPointF(-3.5, -5))
                painter.drawLine(p2, p2 + QPointF(3.5, -5))
            if tight and not arc.current:
                continue  # no room between lines: a tag would hide the words above
            text = f"{arc.label}?"
            box = self._label_box(metrics, arc.label, laid.label_at)
            page = self._port.palette().base().color()
            painter.fillRect(box, page)
            pen = QPen(color, 1)
            pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawRoundedRect(box, 3, 3)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    def _end_point(self, a: int, b: int, top: int) -> QPointF | None:
        """The top middle of an end's first line on screen, or None when it is off screen
        (above the page when it starts before its first line shown)."""
        rects = self._line_rects(a, b)
        if not rects:
            return QPointF(self.width() - LANE, -4.0 if a < top else self.height() + 4.0)
        first = rects[0]
        return QPointF(first.center().x(), first.top())

    def _route(self, p1: QPointF, p2: QPointF) -> tuple[
            QPainterPath, bool, QPointF, list[tuple[float, float]] | None]:
        """The arc from p1 to p2, whether p2 is on screen (an arrow head there), where
        its label goes and its corners (None for a curve). On one line it rises over the
        text between; between lines it runs just above each end's line to a lane by the
        right edge, crossing no text."""
        path = QPainterPath(p1)
        on_screen = 0 <= p2.y() <= self.height()
        if abs(p1.y() - p2.y()) < 3:
            rise = min(RISE + abs(p2.x() - p1.x()) / 40, 2 * RISE)
            y = min(p1.y(), p2.y()) - rise
            path.cubicTo(QPointF(p1.x(), y), QPointF(p2.x(), y), p2)
            return path, on_screen, QPointF((p1.x() + p2.x()) / 2, y + rise / 4), None
        lane = self.width() - LANE
        y1, y2 = p1.y() - RISE / 2, p2.y() - RISE / 2
        corners = [(p1.x(), p1.y()), (p1.x(), y1), (lane, y1), (lane, y2), (p2.x(), y2),
                   (p2.x(), p2.y())]
        for x, y in corners[1:]:
            path.lineTo(x, y)
        # the tag over the source's line, clear of the lane that other arcs share
        return path, on_screen, QPointF((p1.x() + lane) / 2, y1), corners


def _stretches(corners: list[tuple[float, float]], legs: set[int]):
    """The parts of an arc between lines to stroke when a paint meets only ``legs`` of
    it (a repaint of a line meets one or two of its five legs): each run of legs met with
    one more leg at either end, so that every corner in the painted area is stroked as a
    corner of the whole path (where a part starts, in a leg the paint does not meet, its
    end is cut away), and where along the arc the run starts (so that its dashes fall
    where the whole path's do). Stroking a whole arc's dashes cost a repaint of a line
    ~35 microseconds an arc."""
    last = len(corners) - 2  # the last leg's
    runs: list[list[int]] = []
    for leg in sorted(leg for leg in legs if leg >= 0):
        a, b = max(0, leg - 1), min(last, leg + 1)
        if runs and a <= runs[-1][1] + 1:
            runs[-1][1] = max(runs[-1][1], b)
        else:
            runs.append([a, b])
    lengths = [abs(bx - ax) + abs(by - ay)  # (each leg is upright or level)
               for (ax, ay), (bx, by) in zip(corners, corners[1:], strict=False)]
    for a, b in runs:
        path = QPainterPath(QPointF(*corners[a]))
        for x, y in corners[a + 1:b + 2]:
            path.lineTo(x, y)
        yield path, sum(lengths[:a])


def outline_color(color: str) -> QColor:
    """The label's colour, made to stand out against the page of either theme."""
    return QColor(color).lighter(140) if theme.is_dark() else QColor(color).darker(140)
