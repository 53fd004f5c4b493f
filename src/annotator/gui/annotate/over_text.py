"""What is drawn over the text of a reading view, painted in the viewport's own paint.

The selected span's frame (span_frame.py), the label tags and link arcs (overlay.py), the
grips on the selected span's edges (edge_handles.py) and the suggestions' outlines and arcs
(suggestion_marks.py) are painted, in that order, right after the view has painted its
text, with one painter, as layers of the viewport's paint.
They were widgets laid over the viewport: every repaint of a line then also set up,
clipped and composited each of those widgets (their own paint, Qt's backing store work),
which cost an edit in a long article more than painting the line itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QEvent, QObject, QRect
from PySide6.QtGui import QPainter

# A layer paints over the text: given a function that returns the viewport's painter
# (made at the first call of any layer, so a paint with nothing over the text makes
# none) and the area being painted (viewport coordinates; the painter is clipped to it).
Layer = Callable[[Callable[[], QPainter], QRect], None]

FRAME, TAGS, GRIPS, SUGGESTIONS = 10, 20, 30, 40  # the order of the layers, bottom to top

_PAINT, _FONT_CHANGE = QEvent.Type.Paint, QEvent.Type.FontChange  # (an enum's lookup is slow)


class OverText(QObject):
    """The layers painted over one view's text (one per view: :func:`layers_of`)."""

    def __init__(self, view) -> None:
        super().__init__(view)
        self.view = view
        self._layers: list[tuple[int, Layer]] = []
        self._inside = False
        self._font_key: str | None = None  # the view's font's, until it changes (stamp)
        self._restyles = 0  # revisions of the document that only changed its highlights
        self._port = view.viewport()  # kept: events come while the view is being deleted
        self._port.installEventFilter(self)
        view.installEventFilter(self)  # its font changes

    def stamp(self) -> tuple:
        """What places on screen depend on: the scroll, the viewport's size, the text and
        its layout (its length, its formats: the document's revision; its font). Places kept with the
        same stamp still hold, so a layer can keep what it found between paints."""
        view, port = self.view, self._port
        document = view.document()
        if self._font_key is None:  # (a font's key is a long string: made once per font)
            self._font_key = view.font().key()
        return (view.verticalScrollBar().value(), view.horizontalScrollBar().value(),
                port.width(), port.height(), document.revision() - self._restyles,
                document.characterCount(), self._font_key)

    def restyled(self, before: int) -> None:
        """The document's revision has moved from ``before`` by highlights alone, colours
        and underlines merged into its character formats, and :func:`glyph_places` found
        that no glyph moved: what the layers found where still holds (an edit in an
        article of usual length re-laid every suggestion's outline and arc on the page
        otherwise)."""
        self._restyles += self.view.document().revision() - before

    def add(self, order: int, layer: Layer) -> None:
        self._layers.append((order, layer))
        self._layers.sort(key=lambda pair: pair[0])

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        kind = event.type()
        if kind != _PAINT or self._inside or watched is not self._port:
            if kind == _FONT_CHANGE:
                self._font_key = None
            return False
        self._inside = True
        try:  # the view paints first: its highlights and its text
            self.view.viewportEvent(event)
        finally:
            self._inside = False
        area = event.rect()
        made: list[QPainter] = []

        def painter() -> QPainter:
            if not made:
                made.append(QPainter(watched))
                made[0].save()
            return made[0]

        try:
            for _order, layer in self._layers:
                layer(painter, area)
                if made:  # each layer starts from a clean painter
                    made[0].restore()
                    made[0].save()
        finally:
            if made:
                made[0].restore()
                made[0].end()
        return True  # painted: the view's own filter would paint the text again


def glyph_places(document, first: int, last: int, places: Iterable[int]) -> tuple:
    """How the paragraphs holding Qt positions ``[first, last]`` are laid out: each line's
    start, length, width and height, and the x of each of ``places`` on its line. Taken
    before and after a change of colours, it tells whether glyphs moved: a format's edge
    splits the text into runs shaped apart, so one inside a ligature ("of|fice") or
    between a kerned pair moves what follows on the line by a pixel, or past a break."""
    layout_of = document.documentLayout()
    block = document.findBlock(first)
    found: list = []
    while block.isValid() and block.position() <= last:
        layout_of.blockBoundingRect(block)  # (laid out again now if the change undid it)
        layout = block.layout()
        found += [(line.textStart(), line.textLength(), line.naturalTextWidth(),
                   line.height()) for line in map(layout.lineAt, range(layout.lineCount()))]
        block = block.next()
    for place in places:
        block = document.findBlock(place)
        line = block.layout().lineForTextPosition(place - block.position())
        if not line.isValid():  # not laid out: nothing can be said to hold
            return (object(),)
        found.append(line.cursorToX(place - block.position())[0])
    return tuple(found)


def layers_of(view) -> OverText:
    """The layers over ``view``'s text, made at the first ask."""
    found = getattr(view, "over_text", None)
    if found is None:
        found = view.over_text = OverText(view)
    return found
