"""How the label tags and link arcs (overlay.py) are painted, and what a change repaints.

What falls on the text is painted in the viewport's own paint, after the text and the
selected span's frame (a layer, over_text.py): an edit repaints a line of the viewport
and nothing else. What falls outside it (the room above the first line, the lanes of
arcs in the right margin) is painted by the overlay widget, whose mask leaves it only
those margins, so that it is never composited over the text."""

from __future__ import annotations

from PySide6.QtCore import QLineF, QPointF, QRect, QRectF
from PySide6.QtGui import QColor, QPainter, QPalette, QPen, QRegion
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
            box = rect.toAlignedRect().adjusted(-1, -1, 1, 1)
            part = box & inside
            if not part.isEmpty():
                port.update(part.translated(-origin))
            if part != box:
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
            self._paint(make, event.rect())
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

        self._paint(once, area.translated(origin))

    def _paint(self, painter, area: QRect) -> None:
        """Paint the scene's arcs and the tags that reach into ``area`` (this widget's
        coordinates; the painter is clipped to what is being painted)."""
        scene = self.scene()
        if not scene.tags and not scene.arcs:
            return
        palette = QApplication.palette()
        page = palette.color(_BASE)
        low, high = area.top() - 1, area.bottom() + 1
        key = (id(scene), page.rgba(), palette.color(_HIGHLIGHT).rgba())
        if self._plan is None or self._plan[0] != key:
            self._plan = (key, self._paint_plan(scene, palette))
        lines, arrows, chips = self._plan[1]
        # tags are drawn as asked, only those in the painted area (an edit repaints a
        # line): a tag's picture is kept, and which span is selected changes often
        selected, sprite, color = self.state.selected, self._sprites.sprite, self._color
        tags = [tag for tag in scene.tags if tag.high >= low and tag.low <= high]
        if not (tags or lines or arrows or chips):
            return
        painter = painter()
        for pen, segments in lines:  # one call per colour
            painter.setPen(pen)
            painter.drawLines(segments)
        for point, picture in arrows:
            painter.drawPixmap(point, picture)
        for tag in tags:
            rect = tag.rect
            picture = sprite("tag", tag.text, rect, color(tag.span.label), page,
                             tag.span.id == selected, tag.note)
            painter.drawPixmap(rect.topLeft(), picture)
        for point, picture in chips:
            painter.drawPixmap(point, picture)

    def _paint_plan(self, scene, palette: QPalette) -> tuple[list, list, list]:
        """What a paint of ``scene``'s arcs draws, worked out once: their lines by
        colour (straight and upright, so crisp without antialiasing, and far quicker),
        the picked link's last and thickest; their chips and arrowheads as small
        pictures drawn once and kept."""
        page = palette.color(QPalette.ColorRole.Base)
        chosen = palette.color(QPalette.ColorRole.Highlight)
        self._sprites.font, self._sprites.ratio = self._tag_font(), self.devicePixelRatioF()
        inks: dict[str, QColor] = {}
        by_color: dict[int, tuple[QPen, list[QLineF]]] = {}
        arrows, picked = [], None
        for arc in scene.arcs:
            if arc.relation.id == self.selected_link:
                picked = arc
                continue
            ink = inks.get(arc.relation.label)
            if ink is None:
                ink = inks[arc.relation.label] = self._ink(arc.relation.label)
            segments = by_color.setdefault(ink.rgba(), (QPen(ink, 1), []))[1]
            segments.extend(QLineF(a, b) for a, b in zip(arc.points, arc.points[1:],
                                                         strict=False))
            arrows.append(self._arrow_at(arc, ink, False))
        lines = list(by_color.values())
        if picked is not None:  # on top of the others, thicker, in the selection colour
            lines.append((QPen(chosen, 3), [QLineF(a, b) for a, b in zip(
                picked.points, picked.points[1:], strict=False)]))
            arrows.append(self._arrow_at(picked, chosen, True))
        chips = []
        for arc in scene.arcs:
            if arc.chip is not None:
                selected = arc is picked
                color = chosen if selected else inks[arc.relation.label]
                sprite = self._sprites.sprite("chip", arc.text, arc.chip, color.name(), page,
                                              selected, False)
                chips.append((arc.chip.topLeft(), sprite))
        return lines, [a for a in arrows if a is not None], chips

    def _arrow_at(self, arc: DrawnArc, color: QColor, big: bool):
        if not arc.arrow or len(arc.points) < 2:
            return None
        tip, before = arc.points[-1], arc.points[-2]
        down = tip.y() >= before.y()
        arrow = self._sprites.arrow(color, down, big)
        size = arrow.deviceIndependentSize()
        return QPointF(tip.x() - size.width() / 2, tip.y() - (size.height() if down else 0)), arrow

    def _color(self, label: str) -> str:
        found = self.state.labels.get(label)
        return found.color if found else "#888888"

    def _ink(self, label: str) -> QColor:
        """A link type's colour, darkened on a light page and lightened on a dark one."""
        color = QColor(self._color(label))
        return color.lighter(150) if theme.is_dark() else color.darker(130)

