"""The small parts of the drawn links (overlay.py): the pictures of tags, chips and
arrowheads, each drawn once and kept; text widths asked of Qt once; where chips go so
that none hides a tag; how near a click is to an arc."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPalette, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import QApplication

CHIPS_CLEARED = 80  # chips on screen up to which each is moved off the tags it would hide


class Sprites:
    """Pictures of tags, chips and arrowheads, by what they show; forgotten when the font
    changes (:meth:`clear`)."""

    def __init__(self) -> None:
        self._kept: dict[tuple, QPixmap | tuple] = {}
        self.font = QFont()
        self.ratio = 1.0

    def clear(self) -> None:
        self._kept.clear()

    def arrow(self, color: QColor, down: bool, big: bool) -> tuple[QPixmap, float, float]:
        """An arrowhead, with its width and height (as laid out, whatever the screen)."""
        key = ("arrow", color.rgba(), down, big)
        found = self._kept.get(key)
        if found is None:
            size = 8.0 if big else 6.5
            picture = self._picture(QRectF(0, 0, 2 * size, size))
            painter = QPainter(picture)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)
            tip = QPointF(size, size if down else 0)
            back = size * 0.0 if down else size
            painter.drawPolygon(QPolygonF([tip, QPointF(size * 0.35, back),
                                           QPointF(size * 1.65, back)]))
            painter.end()
            laid = picture.deviceIndependentSize()
            found = self._kept[key] = (picture, laid.width(), laid.height())
        return found

    def _picture(self, rect: QRectF) -> QPixmap:
        ratio = self.ratio
        pixmap = QPixmap(math.ceil(rect.width() * ratio), math.ceil(rect.height() * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        return pixmap

    def sprite(self, kind: str, text: str, rect: QRectF, color: str, page: QColor,
                selected: bool, note: bool) -> QPixmap:
        """A tag (filled with its label's colour, black or white text) or a chip on an arc
        (the page's colour, a border of the link's): drawn once, then kept."""
        key = (kind, text, round(rect.width()), round(rect.height()), color, page.rgba(),
               selected, note)
        found = self._kept.get(key)
        if found is not None:
            return found
        found = self._kept[key] = self._picture(rect)
        painter = QPainter(found)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setFont(self.font)
        box = QRectF(0.5, 0.5, rect.width() - 1, rect.height() - 1)
        fill = QColor(color)
        if kind == "tag":
            ink = QColor(text_on(fill))
            painter.setPen(QPen(ink if selected else page, 1.2 if selected else 1.0))
            painter.setBrush(fill)
        else:
            ink = QColor(text_on(fill)) if selected else QApplication.palette().color(
                QPalette.ColorRole.Text)
            painter.setPen(QPen(fill, 1.0))
            painter.setBrush(fill if selected else page)
        painter.drawRoundedRect(box, 3, 3)
        painter.setPen(ink)
        painter.drawText(box.adjusted(0, 0, -6 if note else 0, 0), Qt.AlignmentFlag.AlignCenter,
                         text)
        if note:  # the span has a note: a dot at the tag's end
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(ink)
            painter.drawEllipse(QPointF(box.right() - 4.5, box.center().y()), 2.2, 2.2)
        painter.end()
        return found


def clear_chips(scene, right: float, width_of=None) -> None:
    """Move each chip right, along its arc's row, off the tags and the chips before it
    (so that no type hides a label), as far as the text's right edge allows. Two chips
    of arcs that run off the page the same way and still cover each other (their rows
    lie a few pixels apart, their chips end at the same lane) become one, which counts
    them ("said_by ↓ 2 links"): each is read, or neither was. ``width_of``: a chip's
    width for its text (without it, chips are only moved). The arcs come as laid: each
    chip where its arc put it, none counted (``counted`` empty)."""
    band = 8.0  # rows of the page, to look only at boxes near a chip
    taken: dict[int, list[tuple[float, float, float, float]]] = {}

    def keep(box: tuple[float, float, float, float]) -> None:
        for row in range(int(box[1] // band), int(box[3] // band) + 1):
            taken.setdefault(row, []).append(box)

    def free(box: tuple[float, float, float, float]) -> bool:
        return not any(b[0] < box[2] and b[2] > box[0] and b[1] < box[3] and b[3] > box[1]
                       for row in range(int(box[1] // band), int(box[3] // band) + 1)
                       for b in taken.get(row, ()))

    chips = sum(arc.chip is not None for arc in scene.arcs)
    if chips > CHIPS_CLEARED:
        return  # a page that full has no room to clear: leave the chips on their arcs
    for tag in scene.tags:
        keep((tag.left, tag.low, tag.right, tag.high))
    off_page: list[list] = []  # per chip of an arc to a span off the page: arc, box, arcs
    for arc in scene.arcs:
        if arc.chip is None:
            continue
        left, top, end, bottom = arc.chip.getCoords()
        width = end - left
        rows = [taken.get(row, ()) for row in range(int(top // band), int(bottom // band) + 1)]
        for _ in range(6):  # a few hops at most: then it stays where it is
            hit = max((b[2] for boxes in rows for b in boxes
                       if b[0] < left + width and b[2] > left and b[1] < bottom and b[3] > top),
                      default=None)
            if hit is None or hit + 2 + width > right:
                break
            left = hit + 2
        arc.chip.moveLeft(left)
        box = (left, top, left + width, bottom)
        if arc.partner is not None and width_of is not None:
            host = next((h for h in off_page if h[0].partner == arc.partner
                         and h[1][0] < box[2] and h[1][2] > box[0]
                         and h[1][1] < box[3] and h[1][3] > box[1]), None)
            if host is not None:
                host[2].append(arc)
                arc.chip = None
                _count(host, width_of, free, keep)
                continue
            off_page.append([arc, box, [arc]])
        keep(box)


def _count(host: list, width_of, free, keep) -> None:
    """The chip of ``host`` (an off-page chip's arc, box and the arcs it stands for) says
    how many links it stands for, its right edge kept (it ends at their lane). It grows
    to the left only over room that is ``free`` (it was moved off the tag or chip there):
    else it says less ("2 links ↓", at the least "↓ 2", narrower than any chip it was)."""
    arc, box, arcs = host
    arrow, count = "↑" if arc.partner == "up" else "↓", len(arcs)
    texts = [f"{count} links {arrow}", f"{arrow} {count}"]
    if len({a.relation.label for a in arcs}) == 1:
        texts.insert(0, f"{arc.relation.label} {arrow} {count} links")
    for text in texts:
        left = arc.chip.right() - width_of(text)
        if left >= box[0] or free((left, box[1], box[0], box[3])):
            break
    arc.text = text
    arc.chip.setLeft(left)
    if left < box[0]:  # the room it took is taken: later chips keep off it
        host[1] = (left, box[1], box[2], box[3])
        keep(host[1])
    arc.counted = tuple(a.relation.id for a in arcs)


def chip_pick(arc, picked: str | None) -> str:
    """The link a click on ``arc``'s chip picks: its own; on a counted chip, the one after
    the link picked among those it counts (each in turn, as the status bar names them)."""
    if picked in arc.counted:
        return arc.counted[(arc.counted.index(picked) + 1) % len(arc.counted)]
    return arc.relation.id


class Widths:
    """The tag font's metrics, each text's width asked of Qt once."""

    def __init__(self, metrics: QFontMetricsF, known: dict[str, float]) -> None:
        self._metrics, self._known = metrics, known

    def horizontalAdvance(self, text: str) -> float:  # noqa: N802 (as Qt's)
        found = self._known.get(text)
        if found is None:
            found = self._known[text] = self._metrics.horizontalAdvance(text)
        return found

    def height(self) -> float:
        return self._metrics.height()


def text_on(color: QColor) -> str:
    """Black or white, whichever reads on ``color`` (WCAG relative luminance)."""
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    lum = (0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF())
           + 0.0722 * channel(color.blueF()))
    return "#000000" if lum > 0.179 else "#ffffff"


def distance(p: QPointF, a: tuple[float, float], b: tuple[float, float]) -> float:
    """How far ``p`` is from the leg of an arc from ``a`` to ``b``."""
    px, py = p.x(), p.y()
    dx, dy = b[0] - a[0], b[1] - a[1]
    if dx == 0 and dy == 0:
        return math.hypot(px - a[0], py - a[1])
    t = max(0.0, min(1.0, ((px - a[0]) * dx + (py - a[1]) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - a[0] - t * dx, py - a[1] - t * dy)
