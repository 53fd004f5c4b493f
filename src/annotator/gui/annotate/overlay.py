"""Label tags and link arcs drawn over the article, as brat and INCEpTION draw them.

Each span shows a small tag with its label's name above the line where it starts (a mark
on it when the span has a note); each link is an arc from its source's tag to its
target's, with the link type written on it. On one line the arc rises into the room
above the line, crosses and comes down with an arrow; between lines it runs in the room
above each end's line to a lane in the right margin, so no arc crosses a line of text.
An arc whose other end is off the screen runs to the edge of the page and says where it
goes ("said_by ↓ Sergei Lavrov").

:class:`Overlay` is a transparent widget laid over one reading view (its viewport and
margins). It costs only what is on screen: the spans and links of the shown stretch
(:class:`~annotator.core.arcs.LinkIndex`), where their starts are on screen kept per
layout (forgotten when the layout changes: edit of the view's font, width, line room)
and the drawn scene kept until the page scrolls or something shown changes."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QFont, QFontMetricsF, QTextBlockFormat, QTextCursor
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QWidget

from annotator.core.arcs import LinkIndex, shown_links, tag_text
from annotator.core.model import Relation, Span
from annotator.gui import theme
from annotator.gui.annotate.over_text import TAGS, layers_of
from annotator.gui.annotate.overlay_arcs import LEVEL, LEVELS, ArcLaying, DrawnArc
from annotator.gui.annotate.overlay_paint import Boxes, OverlayPainting
from annotator.gui.annotate.overlay_parts import (
    Sprites,
    Widths,
    chip_pick,
    clear_chips,
    distance,
)
from annotator.gui.annotate.overlay_tags import DrawnTag, TagLaying, tag_width

HIT = 4.5  # how near an arc a click selects it


@dataclass
class Scene:
    tags: list[DrawnTag] = field(default_factory=list)
    arcs: list[DrawnArc] = field(default_factory=list)
    # what an edit of one span needs to lay its line again (see Overlay._patch): where
    # each tag would go before tags on a line move apart, and the stretch shown
    raw: dict[str, tuple[float, float, float]] = field(default_factory=dict)
    shown: tuple[int, int] = (0, 0)
    above: set[str] = field(default_factory=set)
    # each arc's chip and its text before clear_chips moved it off the tags (or counted
    # it in another's), and the right edge it was cleared within (overlay_arcs.py)
    chips_laid: list[tuple[QRectF, str] | None] = field(default_factory=list)
    right: float = 0.0


class Overlay(OverlayPainting, ArcLaying, TagLaying, QWidget):
    """Tags and arcs over one reading view. ``links_mode`` is "all", "selected" or
    "none"; ``tags_on`` shows the label tags; ``selected_link`` is drawn distinctly."""

    link_clicked = Signal(object)  # a relation id, or None for a click off every arc
    link_key = Signal(str)  # "delete" or "escape", pressed while a link is selected

    def __init__(self, view, state) -> None:
        super().__init__(view)
        self.view, self.state = view, state
        self._plain = isinstance(view, QPlainTextEdit)  # the long view
        self.setObjectName("linkOverlay")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground, True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.links_mode = "all"
        self.tags_on = True
        self.selected_link: str | None = None
        self._anchors: dict[int, tuple[int, float, float, float]] = {}  # per layout
        self._index: LinkIndex | None = None
        self._scene: Scene | None = None
        self._scene_key: tuple | None = None
        self._version = 0
        self._edges = (0, 0)
        self._plan: tuple | None = None  # what the last scene's paint draws
        self._masked: tuple | None = None  # the viewport and size the mask was made for
        self._cursor: QTextCursor | None = None
        self._sprites = Sprites()  # tags, chips and arrowheads, drawn once
        self._boxes = Boxes()  # the legs of the arcs, as the paint plan fills them
        self._widths: dict[str, float] = {}  # of texts in the tag font
        self._fonts: tuple | None = None  # see _tag_fonts
        self._range: tuple | None = None  # see _shown_range
        self._tops: dict[int, float] | None = None  # see _build
        view.viewport().installEventFilter(self)
        view.installEventFilter(self)
        layers_of(view).add(TAGS, self._paint_over)  # what is over the text (overlay_paint)
        view.verticalScrollBar().valueChanged.connect(self._scrolled)
        view.horizontalScrollBar().valueChanged.connect(self._scrolled)
        state.document_opened.connect(self._opened)
        state.relation_added.connect(self._link_added)
        state.relation_removed.connect(self._link_removed)
        state.relation_changed.connect(self._link_retyped)
        state.span_changed.connect(self._span_moved)
        state.span_added.connect(lambda span, _row: self._span_edited(span))
        state.span_removed.connect(lambda span, _row: self._span_edited(span))
        state.selection_changed.connect(self._selection_changed)
        self._was_selected: str | None = None
        for signal in (state.labels_changed, state.document_changed):
            signal.connect(self.changed)

    # -- what the window asks ----------------------------------------------------------------

    def _scrolled(self, *_args) -> None:
        self.update()  # the whole viewport: an arc to a span off the page ends at its edge

    def changed(self, *_args) -> None:
        """Something shown changed (spans, selection, labels): draw the scene again."""
        self._version += 1
        self.update()

    def forget_layout(self, *_args) -> None:
        """Another width, font or line room: find every place again."""
        self._anchors.clear()
        self._range = None
        self.changed()

    def forget_places(self, first: int, last: int) -> None:
        """The glyphs of the paragraphs holding Qt positions ``[first, last]`` moved (a
        highlight's edge split a ligature or a kerned pair): the places there are found
        again, those of other paragraphs kept, and the tags laid again."""
        document = self.view.document()
        lo, hi = document.findBlock(first).blockNumber(), document.findBlock(last).blockNumber()
        self._anchors = {qt: at for qt, at in self._anchors.items() if not lo <= at[0] <= hi}
        self._range = None
        self.changed()

    def room(self) -> float:
        """Pixels wanted above each line for the tags and the rows of arcs."""
        if not self.tags_on and self.links_mode == "none":
            return 0.0
        tags = self._tag_height() + 3 if self.tags_on else 4.0
        arcs = LEVEL * LEVELS + 2 if self.links_mode != "none" else 0.0
        return tags + arcs

    def line_percent(self) -> float:
        """The line height (percent of the font's) of an article of usual length: the
        reading rhythm plus the room for tags and arcs. Only the look changes: no
        character is added, so every offset stays as it is."""
        room = self.room()
        if not room:
            return float(theme.LINE_HEIGHT_PERCENT)
        line = QFontMetricsF(self.view.font()).height()  # the room takes in the usual gap
        return max(float(theme.LINE_HEIGHT_PERCENT), 100 + 100 * (room + 3) / max(line, 1.0))

    def apply_room(self) -> None:
        """Give the lines of the shown article the room :meth:`room` asks for (the long
        view lays its lines out tight: its tags and arcs sit over the line gaps)."""
        view = self.view
        if not self._plain and self.state.document is not None:
            # Qt puts a line's extra height below it, which is the room above the next;
            # blank lines between paragraphs give room enough, and keep the rhythm.
            roomy, tight = QTextBlockFormat(), QTextBlockFormat()
            roomy.setLineHeight(self.line_percent(), 1)  # 1: ProportionalHeight
            tight.setLineHeight(theme.LINE_HEIGHT_PERCENT, 1)
            cursor = QTextCursor(view.document())
            cursor.beginEditBlock()
            block = view.document().firstBlock()
            while block.isValid():
                cursor.setPosition(block.position())
                cursor.mergeBlockFormat(roomy if block.length() > 1 else tight)
                block = block.next()
            cursor.endEditBlock()
        self.forget_layout()

    def scene(self) -> Scene:
        """What is drawn now: the tags and arcs on screen, in this widget's coordinates."""
        key = self._key()
        if key != self._scene_key or self._scene is None:
            self._scene, self._scene_key = self._build(), key
        return self._scene

    def _key(self) -> tuple:
        """What the scene is made from (besides the spans, which bump ``_version``)."""
        port = self.view.viewport()
        return (self._version, self.view.verticalScrollBar().value(),
                self.view.horizontalScrollBar().value(), port.width(), port.height(),
                self.width(), theme.page_key(), self.links_mode, self.tags_on,
                self.selected_link)

    def arc_at(self, point: QPointF) -> str | None:
        """The link whose arc (or the chip with its type) is under ``point``."""
        best, best_distance = None, HIT
        for arc in self.scene().arcs:
            if arc.chip is not None and arc.chip.adjusted(-1, -1, 1, 1).contains(point):
                return chip_pick(arc, self.selected_link)
            for a, b in zip(arc.points, arc.points[1:], strict=False):
                near = distance(point, a, b)
                if near <= best_distance:
                    best, best_distance = arc.relation.id, near
        return best

    # -- geometry ----------------------------------------------------------------------------

    # The index of links follows each edit (a long article may hold 50,000 links).

    def _opened(self) -> None:
        self._index = None
        self._cursor = None
        self.forget_layout()

    def _shown_span(self, span_id: str) -> Span | None:
        return self.state.spans.get(span_id) if span_id in self.state.spans else None

    def _link_added(self, relation: Relation, _row: int) -> None:
        if self._index is not None:
            self._index.add(relation)
        self.changed()

    def _link_removed(self, relation: Relation, _row: int) -> None:
        if self._index is not None:
            self._index.remove(relation)
        self.changed()

    def _link_retyped(self, old: Relation, new: Relation, _row: int) -> None:
        """A link retyped in place (same id, same ends): its arc says the new type."""
        if self._index is not None:
            self._index.remove(old)
            self._index.add(new)
        self.changed()

    def _span_moved(self, old: Span, new: Span, _row: int) -> None:
        if self._index is not None and self._index.linked(new.id):
            for relation in self.state.relations_of(new.id):  # its arcs move with it
                self._index.remove(relation)
                self._index.add(relation)
        self._span_edited(old, new)

    def _selection_changed(self, span_id: str | None) -> None:
        before, self._was_selected = self._was_selected, span_id
        if self.view.isHidden():
            return  # the other view, kept empty: drawn afresh when it shows an article
        if self.links_mode == "selected":
            self.changed()  # other arcs
            return
        # the scene does not depend on the selection (only how its tags are painted):
        # repaint the tags of the two spans (or, with no scene kept, their lines)
        ids = {i for i in (before, span_id) if i is not None}
        if not ids:
            return
        if self._scene is not None and self._scene_key == self._key():
            self._repaint_rects([tag.rect for tag in self._scene.tags if tag.span.id in ids])
            return
        self._repaint_lines([self.state.spans.get(i) for i in ids if i in self.state.spans])

    def _span_edited(self, *spans: Span) -> None:
        """Spans were added, removed or moved: the lines they are on are laid again
        (or, when one has links, the whole scene is made again at the next paint), and
        only those lines are repainted (with nothing over it, an edit repaints one line
        of text, not the page)."""
        if self.view.isHidden():  # the other view, kept empty
            self._version += 1
            return
        linked = self._index is None or any(self._index.linked(s.id) for s in spans)
        changed = None if linked else self._patch(spans)
        if changed is None:
            self._version += 1
        if linked:
            self.update()
        elif changed is None:
            self._repaint_lines(spans)
        else:
            self._repaint_rects(changed)  # the tags that came, went or moved: no more

    def _repaint_lines(self, spans) -> None:
        first, last = self._shown_range()
        to_qt = self.state.positions.to_qt
        oy = self.view.viewport().geometry().top()
        room = math.ceil(max(self.room(), self._tag_height() * 1.2)) + 4
        for span in spans:
            a, b = max(to_qt(span.start), first), min(to_qt(span.end), last)
            if a > b:
                continue  # not on screen
            _x, top, _h = self._anchor(a)
            _x, bottom, height = self._anchor(b)
            self._repaint_rects([QRectF(0, math.floor(top + oy) - room, self.width(),
                                        math.ceil(bottom - top + height) + room + 4)])

    def _patch(self, spans) -> list[QRectF] | None:
        """Lay again only the tags of the lines ``spans`` were and are on, in the scene
        kept for this page (an edit costs a line, not a page), and say where tags were
        or are now that changed (what to repaint). None when that cannot be done
        exactly: no scene for this page yet, or an arc or its type on those lines
        (they start from the tags, and their chips keep clear of them)."""
        scene, key, fresh = self._scene, self._scene_key, self._key()
        if scene is None or key is None or key[1:] != fresh[1:]:
            return None
        if not self.tags_on:
            return []  # unlinked spans: nothing of them is drawn
        tops = {scene.raw[s.id][1] for s in spans if s.id in scene.raw}
        for span in spans:
            scene.raw.pop(span.id, None)
            scene.above.discard(span.id)
        state = self.state
        origin = self.view.viewport().geometry().topLeft()
        metrics = self._tag_metrics()
        start, end = scene.shown
        for span in spans:
            now = state.spans.get(span.id) if span.id in state.spans else None
            if now is None or not start <= now.start < end:
                continue
            x, y, h = self._anchor(state.positions.to_qt(now.start))
            if y + origin.y() + h < 0 or y + origin.y() > self.height():
                if y + origin.y() < 0:
                    scene.above.add(now.id)
                continue
            top = y + origin.y()
            scene.raw[now.id] = (x + origin.x(), top,
                                 tag_width(metrics, tag_text(now.label), now))
            tops.add(top)
        # an arc starts from its ends' tags and its chip keeps clear of every tag: near
        # arcs, the long view lays the edit here only if no other tag moves and no chip
        # (a long article's page may hold hundreds of links: laying them all again cost
        # an edit ~2 ms); the short view makes its scene again (an article of usual size)
        near = bool(tops and scene.arcs and self._arcs_near(scene, tops))
        if near and not self._plain:
            return None
        kept, gone = [], {}
        for tag in scene.tags:
            if tag.line in tops:
                gone[tag.span.id] = tag
            else:
                kept.append(tag)
        lined = Scene()
        self._lay_tags(lined, {i: p for i, p in scene.raw.items() if p[1] in tops},
                       self._tag_height())
        if near and any(gone[tag.span.id].rect != tag.rect
                        for tag in lined.tags if tag.span.id in gone):
            return None  # a tag moved: an arc from it would too
        scene.tags = kept + lined.tags
        self._scene_key = fresh  # its arcs, and their paint plan, are as they were
        changed = [tag.rect for tag in gone.values()]
        if near:
            if self._chips_again(scene):
                return None  # a chip moved: the scene is made again
            # the lines are repainted whole (tags and arcs over them), as when the scene
            # is made again: the same pixels as ever, for a fraction of the work
            self._repaint_lines(spans)
            return []
        for tag in lined.tags:  # a tag as it was (span, look and place) needs no paint
            was = gone.get(tag.span.id)
            if was is None or (was.rect, was.text, was.note) != (tag.rect, tag.text, tag.note):
                changed.append(tag.rect)
            elif was.rect in changed:
                changed.remove(was.rect)
        return changed

    def _chips_again(self, scene: Scene) -> list[QRectF]:
        """Clear the chips off the scene's tags again, from where each sits on its arc
        (as a new scene would); the places of those that moved, before and after."""
        before = [(QRectF(arc.chip) if arc.chip is not None else None, arc.text)
                  for arc in scene.arcs]
        for arc, laid in zip(scene.arcs, scene.chips_laid, strict=True):
            if laid is not None:
                arc.chip, arc.text, arc.counted = QRectF(laid[0]), laid[1], ()
        clear_chips(scene, scene.right, self._chip_width)
        moved = []
        for arc, (was, text) in zip(scene.arcs, before, strict=True):
            if arc.chip != was or arc.text != text:
                moved += [QRectF(r) for r in (was, arc.chip) if r is not None]
        if moved:
            self._plan = None  # the paint plan holds where the chips are
        return moved

    def _arcs_near(self, scene: Scene, tops: set[float]) -> bool:
        """Does an arc or its chip come within a line's room of one of ``tops``?"""
        room = self.room() + self._tag_height()
        for arc in scene.arcs:
            ys = [y for _x, y in arc.points]
            if arc.chip is not None:
                ys += [arc.chip.top(), arc.chip.bottom()]
            low, high = min(ys), max(ys)
            if any(low <= top + 2 and high >= top - room for top in tops):
                return True
        return False

    def _tag_font(self) -> QFont:
        return self._tag_fonts()[0]

    def _tag_metrics(self) -> Widths:
        return self._tag_fonts()[1]

    def _tag_fonts(self) -> tuple[QFont, Widths, float]:
        """The tag font, its widths and its height, made once per font of the view and
        of the app (an edit asks for them several times)."""
        key = (self.view.font(), QApplication.font())  # (compared as fonts: their keys are
        if self._fonts is None or self._fonts[0] != key:  # long strings, made at each ask)
            font = QFont(QApplication.font())
            scale = 0.5 if self._plain else 0.6
            font.setPointSizeF(max(6.0, self.view.font().pointSizeF() * scale))
            font.setWeight(QFont.Weight.DemiBold)
            metrics = QFontMetricsF(font)
            self._widths.clear()
            self._fonts = (key, (font, Widths(metrics, self._widths),
                                 math.ceil(metrics.height()) + 1))
        return self._fonts[1]

    def _tag_rise(self, tag_h: float) -> float:
        """How far a tag's top is above its line's: in the room above the line, or, in the
        long view (whose lines have no room: QPlainTextEdit ignores line heights), astride
        the gap between lines, over the top of the tallest letters and the descenders
        above, as small as it reads."""
        return tag_h * 0.55 if self._plain else tag_h + 1

    def _tag_height(self) -> float:
        return self._tag_fonts()[2]

    def _shown_range(self) -> tuple[int, int]:
        """The Qt positions from the first line on screen to the last (kept while the
        page, its size and its layout stay as they are)."""
        port = self.view.viewport()
        key = (self.view.verticalScrollBar().value(), self.view.horizontalScrollBar().value(),
               port.width(), port.height())
        if self._range is not None and self._range[0] == key:
            return self._range[1]
        first = self.view.cursorForPosition(QPoint(0, 0)).block().position()
        last_block = self.view.cursorForPosition(QPoint(port.width(), port.height())).block()
        shown = first, last_block.position() + last_block.length() - 1
        self._range = (key, shown)
        return shown

    def _anchor(self, qt: int) -> tuple[float, float, float]:
        """Where position ``qt`` is drawn: x, top and height of its line, in viewport
        coordinates; kept per layout relative to its block, so scrolling asks nothing."""
        found = self._anchors.get(qt)
        view = self.view
        if found is None:
            cursor = self._cursor
            if cursor is None or cursor.document() is not view.document():
                cursor = self._cursor = QTextCursor(view.document())  # one, reused
            cursor.setPosition(qt)
            rect = view.cursorRect(cursor)
            block = cursor.block()
            top = self._block_top(block)
            found = self._anchors[qt] = (block.blockNumber(), rect.x(), rect.y() - top,
                                         rect.height())
            return rect.x(), rect.y(), rect.height()
        number, x, dy, height = found
        tops = self._tops  # while a scene is made: each block's top asked of Qt once
        if tops is None:
            return x, self._block_top(view.document().findBlockByNumber(number)) + dy, height
        top = tops.get(number)
        if top is None:
            top = tops[number] = self._block_top(view.document().findBlockByNumber(number))
        return x, top + dy, height

    def _block_top(self, block) -> float:
        view = self.view
        if self._plain:  # QPlainTextEdit: blocks placed from the first one shown
            return view.blockBoundingGeometry(block).translated(view.contentOffset()).top()
        box = view.document().documentLayout().blockBoundingRect(block)
        return box.top() - view.verticalScrollBar().value()

    def _build(self) -> Scene:
        if self.state.document is None or (not self.tags_on and self.links_mode == "none"):
            return Scene()
        self._tops = {}  # block tops, for this scene only (they move with every scroll)
        try:
            return self._build_scene()
        finally:
            self._tops = None

    def _build_scene(self) -> Scene:
        state, scene = self.state, Scene()
        first, last = self._shown_range()
        from_qt = state.positions.from_qt
        start, end = from_qt(first), from_qt(last, side="end") + 1
        origin = self.view.viewport().geometry().topLeft()
        ox, oy = origin.x(), origin.y()
        tag_h = self._tag_height()
        metrics = self._tag_metrics()
        places: dict[str, tuple[float, float, float]] = {}  # span id: tag's x, top, width

        high = self.height()
        scene.shown = (start, end)
        above = scene.above  # spans starting in a shown paragraph, but above the page

        def place(span: Span) -> tuple[float, float, float] | None:
            if not start <= span.start < end or span.id in above:
                return None
            if span.id not in places:
                x, y, h = self._anchor(state.positions.to_qt(span.start))
                if y + oy + h < 0 or y + oy > high:
                    if y + oy < 0:
                        above.add(span.id)
                    return None
                places[span.id] = (x + ox, y + oy,
                                   tag_width(metrics, tag_text(span.label), span))
            return places[span.id]

        if self.tags_on:
            for span in state.spans.overlapping(start, end):
                place(span)
            scene.raw = dict(places)
            self._lay_tags(scene, places, tag_h)
        if self.links_mode != "none":
            if self._index is None:
                self._index = LinkIndex(state.relations, self._shown_span)
            links = shown_links(self.links_mode, self._index.between(start, end), state.selected)
            self._lay_arcs(scene, links, place, tag_h, metrics,
                           lambda span: span.start < start or span.id in above)
        return scene

    # -- events --------------------------------------------------------------------------------

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        kind = event.type()
        if kind == _E.Resize:
            if watched is self.view:
                self.setGeometry(self.view.rect())
                self.raise_()
            self._fit_mask()
            self.forget_layout()
        elif kind == _E.Move and watched is not self.view:
            self._fit_mask()  # the viewport moved within the view (its margins changed)
        elif kind == _E.FontChange and watched is self.view:
            self._sprites.clear()  # zoomed: tags and chips in another size
            self._widths.clear()
            self._fonts = None
            self.forget_layout()
        elif kind == _E.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
            point = event.position()
            if watched is not self.view:  # the viewport: to this widget's coordinates
                point = point + QPointF(self.view.viewport().geometry().topLeft())
            hit = self.arc_at(point)
            if hit is not None or self.selected_link is not None:
                self.link_clicked.emit(hit)
            return hit is not None  # a click on an arc selects no text
        elif self.selected_link is not None and watched is self.view and kind in (
            _E.ShortcutOverride, _E.KeyPress
        ):
            plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            what = _LINK_KEYS.get(event.key()) if plain else None
            if what is not None:
                event.accept()
                if kind == _E.KeyPress:
                    self.link_key.emit(what)
                return True
        return False


class _E:
    """The event types the overlay watches, looked up once (every event of the view and
    its viewport passes its filter, and an enum's lookup is slow)."""

    Resize, Move, FontChange = QEvent.Type.Resize, QEvent.Type.Move, QEvent.Type.FontChange
    MouseButtonPress, KeyPress = QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress
    ShortcutOverride = QEvent.Type.ShortcutOverride


_LINK_KEYS = {Qt.Key.Key_Delete: "delete", Qt.Key.Key_Backspace: "delete",
              Qt.Key.Key_Escape: "escape"}


