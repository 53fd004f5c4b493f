"""How the label tags and link arcs (overlay.py) are painted, and what a change repaints.

What falls on the text is painted in the viewport's own paint, after the text and the
selected span's frame (a layer, over_text.py): an edit repaints a line of the viewport
and nothing else. What falls outside it (the room above the first line, the lanes of
arcs in the right margin) is painted by the overlay widget, whose mask leaves it only
those margins, so that it is never composited over the text."""

from __future__ import annotations

import math

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QRegion
from PySide6.QtWidgets import QApplication, QWidget

from annotator.gui import theme
from annotator.gui.annotate.overlay_arcs import DrawnArc

_BASE, _HIGHLIGHT = QPalette.ColorRole.Base, QPalette.ColorRole.Highlight  # (slow to look up)


class OverlayPainting:
    """The painting part of :class:`~annotator.gui.annotate.overlay.Overlay` (a QWidget
    over the view, with ``view``, ``state``, ``scene()``, ``selected_link``,
    ``_sprites``, ``_plan`` and ``_tag_font()``)."""

    # -- what a change repaints --------------------------------------------------------------

    def update(self, *args) -> None:
        """Repaint what is drawn: over the text (the viewport) and in the margins (this
        widget). Qt's own calls (a show, a resize) repaint this widget only, as ever."""
        if args:
            rect = args[0] if len(args) == 1 else QRect(*args)
            self._repaint_rects([QRectF(rect)])
            return
        QWidget.update(self)
        self.view.viewport().update()

    def _repaint_rects(self, rects) -> None:
        """Repaint ``rects`` (this widget's coordinates): their part on the text in the
        viewport, and this widget only where they reach into the margins."""
        port = self.view.viewport()
        inside = port.geometry()
        origin = inside.topLeft()
        for rect in rects:
            aligned = rect.toAlignedRect()
            box = aligned.adjusted(-1, -1, 1, 1)
            part = box & inside
            if not part.isEmpty():
                port.update(part.translated(-origin))
            # What is drawn here is placed at whole pixels rounded half up (_whole), so it
            # may reach a pixel past its rect's right and bottom, never its left or top:
            # a tag at the text's left edge does not reach into the margin (repainting it
            # there repainted the window behind it, ~0.2 ms, for a column of nothing).
            if not inside.contains(aligned.adjusted(0, 0, 1, 1)):
                QWidget.update(self, box)

    def _fit_mask(self) -> None:
        """Leave this widget only the margins around the viewport: over the text it
        would be composited again at each repaint of a line (the text's part of the
        scene is painted by the viewport itself)."""
        port = self.view.viewport().geometry()
        self._masked = (port, self.rect())
        margins = QRegion(self.rect()) - QRegion(port)
        if margins.isEmpty():
            self.hide()
            return
        if margins != self.mask():
            self.setMask(margins)
        if self.isHidden():
            self.show()

    # -- painting ----------------------------------------------------------------------------

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt override)
        """The margins' part of the scene."""
        painter: list[QPainter] = []

        def make() -> QPainter:
            if not painter:
                painter.append(QPainter(self))
            return painter[0]

        try:
            self._paint(make, event.rect(), _MARGINS)
        finally:
            if painter:
                painter[0].end()

    def _paint_over(self, painter, area: QRect) -> None:
        """The text's part of the scene: a layer of the viewport's paint (``area`` in
        viewport coordinates)."""
        port = self.view.viewport().geometry()
        if self._masked != (port, self.rect()):
            # the viewport moved or changed size without a word to this widget (a scroll
            # bar that came as the text was laid out): the margins are elsewhere now
            self._fit_mask()
        origin = port.topLeft()

        def moved() -> QPainter:
            made = painter()
            made.translate(-origin.x(), -origin.y())
            return made

        shifted = []

        def once() -> QPainter:
            if not shifted:
                shifted.append(moved())
            return shifted[0]

        self._paint(once, area.translated(origin), _TEXT)

    def _paint(self, painter, area: QRect, part: int) -> None:
        """Paint the scene's arcs, and the tags that reach into ``area`` (this widget's
        coordinates; the painter is clipped to what is being painted): those over the
        text (``part`` _TEXT, the viewport's paint) or in the margins (_MARGINS)."""
        scene = self.scene()
        if not scene.tags and not scene.arcs:
            return
        palette = QApplication.palette()
        page = palette.color(_BASE)
        port = self.view.viewport().geometry()
        # (the plan holds its scene: were the scene freed, a later one could be made where
        # it was in memory, with its id, and be painted with its plan)
        key = (id(scene), page.rgba(), palette.color(_HIGHLIGHT).rgba(), port.getRect(),
               self.devicePixelRatioF())
        if self._plan is None or self._plan[0] != key:
            self._plan = (key, self._paint_plan(scene, palette, port), scene)
        fills, pictures = self._plan[1][part]
        low, high = area.top() - 1, area.bottom() + 1
        tags = [tag for tag in scene.tags if tag.high >= low and tag.low <= high]
        if part == _MARGINS and tags:  # only those reaching out of the text
            left, top, right, bottom = _edges(port)
            tags = [tag for tag in tags if tag.low < top or tag.high > bottom
                    or tag.left < left or tag.right > right]
        if not (tags or fills or pictures[0] or pictures[1]):
            return
        painter = painter()
        if fills:  # each leg of an arc is upright or level: a thin box, filled
            painter.setPen(Qt.PenStyle.NoPen)
            for color, boxes in fills:  # one call per colour
                painter.setBrush(color)
                painter.drawRects(boxes)
        draw = painter.drawPixmap  # at whole pixels, as Qt draws a picture at any point
        for x, y, picture in pictures[0]:  # the arrowheads
            draw(x, y, picture)
        # tags are drawn as asked, only those in the painted area (an edit repaints a
        # line): each tag's picture is kept with it, the selected span's drawn apart
        selected = self.state.selected
        for tag in tags:
            picture = tag.picture
            if picture is None or tag.span.id == selected:
                picture = self._sprites.sprite(
                    "tag", tag.text, tag.rect, self._color(tag.span.label), page,
                    tag.span.id == selected, tag.note)
                if tag.span.id != selected:
                    tag.picture = picture
            draw(tag.x, tag.y, picture)
        for x, y, picture in pictures[1]:  # the chips
            draw(x, y, picture)

    def _paint_plan(self, scene, palette: QPalette, port: QRect) -> tuple:
        """What a paint of ``scene``'s arcs draws, worked out once, for the text's part
        and the margins': their legs as thin boxes by colour (as crisp as lines drawn
        without antialiasing, and several times quicker to fill), the picked link's
        last and thickest; their chips and arrowheads, as small pictures drawn once and
        kept, each in the parts it reaches into."""
        page = palette.color(QPalette.ColorRole.Base)
        chosen = palette.color(QPalette.ColorRole.Highlight)
        self._sprites.font, self._sprites.ratio = self._tag_font(), self.devicePixelRatioF()
        edges = _edges(port)
        inks: dict[str, QColor] = {}
        fills: dict[tuple[int, int], tuple[QColor, list[QRectF]]] = {}
        boxes = self._boxes
        boxes.used = 0  # the last plan's boxes are taken again (it is no longer drawn)
        arrows: tuple[list, list] = ([], [])
        picked = None
        for arc in scene.arcs:
            if arc.relation.id == self.selected_link:
                picked = arc
                continue
            ink = inks.get(arc.relation.label)
            if ink is None:
                ink = inks[arc.relation.label] = self._ink(arc.relation.label)
            _legs(arc.points, 1, ink, fills, boxes)
            self._arrow_at(arc, ink, False, edges, arrows)
        if picked is not None:  # on top of the others, thicker, in the selection colour
            _legs(picked.points, 3, QColor(chosen), fills, boxes)  # its own thickness: last
            self._arrow_at(picked, chosen, True, edges, arrows)
        chips: tuple[list, list] = ([], [])
        drawn: dict[tuple, object] = {}  # a chip's picture, by its text and colour
        for arc in scene.arcs:
            chip = arc.chip
            if chip is None:
                continue
            selected = arc is picked or self.selected_link in arc.counted  # (or one it counts)
            color = chosen if selected else inks[arc.relation.label]
            key = (arc.text, color.rgba(), selected)
            sprite = drawn.get(key)
            if sprite is None:
                sprite = drawn[key] = self._sprites.sprite(
                    "chip", arc.text, chip, color.name(), page, selected, False)
            _sort_in(chip.getCoords(), (_whole(chip.x()), _whole(chip.y()), sprite), edges,
                     chips)
        legs = list(fills.values())
        return tuple((legs, (arrows[i], chips[i])) for i in (_TEXT, _MARGINS))

    def _arrow_at(self, arc: DrawnArc, color: QColor, big: bool, edges, arrows) -> None:
        if not arc.arrow or len(arc.points) < 2:
            return
        (x, y), (_x, before) = arc.points[-1], arc.points[-2]
        down = y >= before
        arrow, width, height = self._sprites.arrow(color, down, big)
        left, top = x - width / 2, y - (height if down else 0)
        _sort_in((left, top, left + width, top + height), (_whole(left), _whole(top), arrow),
                 edges, arrows)

    def _color(self, label: str) -> str:
        found = self.state.labels.get(label)
        return found.color if found else "#888888"

    def _ink(self, label: str) -> QColor:
        """A link type's colour, darkened on a light page and lightened on a dark one."""
        color = QColor(self._color(label))
        return color.lighter(150) if theme.is_dark() else color.darker(130)


_TEXT, _MARGINS = 0, 1  # the parts of the scene's paint: over the text, in the margins


def _edges(port: QRect) -> tuple[float, float, float, float]:
    """The text's (the viewport's) left, top, right and bottom edges, as numbers."""
    return port.left(), port.top(), port.right() + 1.0, port.bottom() + 1.0


def _sort_in(box, item, edges, parts) -> None:
    """Put ``item`` (whose ``box`` is left, top, right, bottom) into the parts it reaches:
    over the text, in the margins, or both."""
    x0, y0, x1, y1 = box
    left, top, right, bottom = edges
    if x0 < right and x1 > left and y0 < bottom and y1 > top:
        parts[_TEXT].append(item)
    if x0 < left or x1 > right or y0 < top or y1 > bottom:
        parts[_MARGINS].append(item)


def _legs(points, thick: int, ink: QColor, fills: dict, kept: Boxes) -> None:
    """Add the legs of an arc through ``points`` (each upright or level) to ``fills``
    (boxes by colour and thickness), each as a box ``thick`` (odd) pixels across, on
    whole pixels: those Qt's aliased pen of that width fills, the pixel each end falls
    in and ``thick // 2`` more on every side. Both parts of the paint draw them all: each
    part is clipped to itself, and a box clipped away costs next to nothing."""
    found = fills.get((ink.rgba(), thick))
    if found is None:
        found = fills[ink.rgba(), thick] = (ink, [])
    boxes, pool, used = found[1], kept.boxes, kept.used
    # a 1 px pen fills the pixel each point falls in; a wider one, the pixels whose middle
    # its stroke (square ends) covers: the box of the stroke, as drawn
    floor = math.floor if thick == 1 else float
    back = 0 if thick == 1 else thick / 2
    ax, ay = points[0]
    for bx, by in points[1:]:
        if ax == bx:
            low, high = (floor(ay), floor(by)) if ay < by else (floor(by), floor(ay))
            box = (floor(ax) - back, low - back, thick, high - low + (1 if thick == 1 else thick))
        else:
            low, high = (floor(ax), floor(bx)) if ax < bx else (floor(bx), floor(ax))
            box = (low - back, floor(ay) - back, high - low + (1 if thick == 1 else thick), thick)
        if used < len(pool):
            pool[used].setRect(*box)
        else:
            pool.append(QRectF(*box))
        boxes.append(pool[used])
        used += 1
        ax, ay = bx, by
    kept.used = used


class Boxes:
    """The boxes of the legs of the arcs on the page, kept and set again for each new
    plan: a page may hold a thousand legs, and making and freeing as many Qt objects at
    each scroll cost more than placing them."""

    def __init__(self) -> None:
        self.boxes: list[QRectF] = []
        self.used = 0


def _whole(coordinate: float) -> int:
    """The pixel Qt draws a picture from, given at ``coordinate`` (it rounds half up)."""
    return math.floor(coordinate + 0.5)
