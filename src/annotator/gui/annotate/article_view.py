"""The article: a compact header over the text, set for long reading. The header is one
line (source · date · status · link) under the title, and leaves out whatever the text's
own first lines already say (core/header.py): most news text begins with its title.

Highlights are cut into stretches between span boundaries, so overlapping and nested
spans all stay visible: the innermost span gives the background, an outer one adds an
underline in its colour (:func:`stretch_look`). An article of usual length gets them as
character formats merged into its document (:class:`ReadingView`), and an edit redraws the
stretch it touches. A very long one gets them painted under the text of the lines being
drawn (long_view.py). The selected span, its linked spans, the link candidate and the
find bar's matches are drawn on top: as extra selections in the short view, painted by the
long view itself there (long_marks.py).
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import (
    QAction,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextFormat,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from annotator.core.header import Header, article_header, nice_date
from annotator.core.model import Document, Span
from annotator.core.spanset import segments
from annotator.gui import theme
from annotator.gui.annotate.find_bar import FindBar
from annotator.gui.annotate.long_marks import DASHED, DOTTED, NO_LINE, SOLID, Mark, mark
from annotator.gui.annotate.long_view import _RTL, LongReadingView
from annotator.gui.annotate.over_text import glyph_places, layers_of
from annotator.gui.annotate.reading import (
    SIGNAL_NAMES,
    ReadingView,
    label_color,
    own_stretches,
    stretch_look,
)
from annotator.gui.annotate.span_frame import SpanFrame
from annotator.gui.annotate.state import DocumentState

_PROPORTIONAL = 1  # QTextBlockFormat.LineHeightTypes.ProportionalHeight


_TOP = 10  # the header's space above the title: the text starts high on the page

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
        self._extra_formats: dict[tuple, QTextCharFormat] = {}  # the selection's looks (_extra)
        self._hits_marked: tuple[list | None, list[Mark]] = (None, [])  # (_hit_marks)
        self._partners: set[str] = set()  # the spans linked to the selected one (_draw_selection)
        self._plain.setBackground(Qt.GlobalColor.transparent)
        self._plain.setUnderlineStyle(QTextCharFormat.UnderlineStyle.NoUnderline)
        self.title = QLabel(objectName="articleTitle", wordWrap=True)
        self.byline = QLabel(objectName="articleByline", wordWrap=True, openExternalLinks=True)
        self.byline.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.note = QLabel(objectName="articleNote", wordWrap=True)
        # the article's document labels, as small tags under the title
        self.tags = QWidget(objectName="documentLabelTags")
        self.tag_row = QHBoxLayout(self.tags)
        self.tag_row.setContentsMargins(0, 2, 0, 2)
        self.tag_row.setSpacing(6)
        self.tag_row.addStretch(1)
        self.tags.hide()
        self.views = QStackedWidget()
        self.text: ReadingView | LongReadingView = ReadingView(state)
        self.long_text = LongReadingView(state)
        for view in (self.text, self.long_text):
            self.views.addWidget(view)
            view.span_frame = SpanFrame(view)  # the selected span's frame, over the text
            for name in SIGNAL_NAMES:
                getattr(view, name).connect(getattr(self, name))
            view.selectionChanged.connect(lambda: self.find_panel.selection_moved())
        self._short_text = self.text
        title_font = theme.reading_font()
        title_font.setPointSizeF(theme.READING_POINT_SIZE * 1.3)
        title_font.setBold(True)
        self.title.setFont(title_font)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, _TOP, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.byline)
        layout.addWidget(self.tags)
        layout.addWidget(self.note)
        layout.addSpacing(6)
        layout.addWidget(self.views, 1)
        self.find_panel = FindBar(state, lambda: self.text)  # find_bar.py
        self.find_bar = self.find_panel.field
        layout.addWidget(self.find_panel)
        self.find_panel.hits_changed.connect(self._draw_selection)  # its matches highlighted
        self.link_candidate: Span | None = None
        self.annotator: Callable[[], str] = lambda: ""  # the window's annotator
        self.status_text: Callable[[], str] = lambda: ""  # the article's status, as shown
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.state.document_opened.connect(self._on_state_document_opened)
        self.state.span_added.connect(lambda span, _row: self._render(span.start, span.end))
        self.state.span_removed.connect(lambda span, _row: self._render(span.start, span.end))
        self.state.span_changed.connect(lambda _old, new, _row: self._render(new.start, new.end))
        # a span linked to the selected one that a sync moves (removed, then added where it
        # is now): its dashed underline follows it
        for signal in (self.state.span_added, self.state.span_removed):
            signal.connect(lambda span, _row: self._partner_edited(span.id))
        self.state.span_changed.connect(lambda _old, new, _row: self._partner_edited(new.id))
        self.state.selection_changed.connect(self._on_state_selection_changed)
        self.state.labels_changed.connect(self._render_all)
        self.state.document_changed.connect(self._show_note)
        self.state.document_labels_changed.connect(self.show_document_labels)
        self.state.labels_changed.connect(self.show_document_labels)
        self.state.relation_added.connect(lambda *_: self._draw_selection())
        self.state.relation_removed.connect(lambda *_: self._draw_selection())
        self.state.relation_changed.connect(lambda *_: self._draw_selection())

    # -- what the window asks --------------------------------------------------------------

    def selection_range(self) -> tuple[int, int] | None:
        return self.text.selection_range()

    def clear_selection(self) -> None:
        if self.text is self.long_text:
            self.long_text.clear_selection()  # (repaints the selection's stretch only)
            return
        cursor = self.text.textCursor()
        cursor.clearSelection()
        self.text.setTextCursor(cursor)

    def open_find(self) -> None:
        self.find_panel.open()

    def find_open(self) -> bool:
        return self.find_panel.isVisible()

    def close_find(self) -> None:
        self.find_panel.close_bar()

    def find_next(self, *, backward: bool) -> bool:
        """Select the next match of the find bar's text (wrapping around); a label key
        then marks it."""
        return self.find_panel.find_next(backward=backward)

    def select_range(self, start: int, end: int) -> None:
        """Select ``[start, end)`` of the text (code points) in the article."""
        a, b = self.state.positions.range_to_qt(start, end)
        cursor = self.text.textCursor()
        cursor.setPosition(a)
        cursor.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
        self.text.setTextCursor(cursor)

    def set_snap(self, on: bool) -> None:
        """Whether dragged span edges snap to words (the Edit menu's snapping)."""
        for view in (self._short_text, self.long_text):
            view.snap_words = on

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
        self.layout().setContentsMargins(0, _TOP, 0, 0)
        for label in (self.title, self.tags, self.byline, self.note):
            label.setContentsMargins(side, 0, side, 0)
        for view in (self._short_text, self.long_text):
            view.setViewportMargins(side, math.ceil(view.overlay.room()), side, 0)

    # -- drawing ---------------------------------------------------------------------------

    def _on_state_document_opened(self) -> None:
        self.show_header()
        doc = self.state.document
        self._show_note()
        self.show_document_labels()
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
            shown.overlay.apply_room()  # room above the lines for label tags and link arcs
        shown.setExtraSelections([])
        shown.moveCursor(QTextCursor.MoveOperation.Start)
        self._render_all()

    def show_header(self) -> None:
        """The title (unless the text begins with it) and the one-line byline; again when
        the article's status changes."""
        doc = self.state.document
        if doc is None:
            return
        header = article_header(doc.meta, doc.text)
        self.title.setText(header.title)
        self.title.setVisible(bool(header.title))
        self.byline.setText(_byline(doc, header, self.status_text()))
        self.byline.setToolTip(_full_header(doc))

    def show_document_labels(self) -> None:
        """One tag per document label set on the article (in the scheme's order), in the
        label's colour; a tag names who set it, unless all are the annotator's own."""
        while self.tag_row.count() > 1:  # the stretch at the end stays
            old = self.tag_row.takeAt(0).widget()
            old.hide()
            old.deleteLater()
        who: dict[str, list[str]] = {}
        for d in self.state.document_labels:
            who.setdefault(d.label, []).append(d.annotator)
        order = list(self.state.labels)
        names = sorted(who, key=lambda n: order.index(n) if n in order else len(order))
        people = {a for names in who.values() for a in names}
        named = people != {self.annotator()}  # the annotator's own need no name
        font = self.font()
        font.setPointSizeF(max(font.pointSizeF() * 0.9, 7))
        for position, name in enumerate(names):
            label = self.state.labels.get(name)
            text = f"{name} · {', '.join(sorted(who[name]))}" if named else name
            tag = QLabel(text, objectName="documentLabelTag")
            tag.setFont(font)
            tag.setToolTip(f"Document label {name}, set by {', '.join(sorted(who[name]))}")
            tag.setStyleSheet(theme.document_tag_style(label.color if label else "#888888"))
            self.tag_row.insertWidget(position, tag)
            tag.show()  # a child added to a shown widget is shown only when asked
        self.tags.setVisible(bool(names))

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
        selected = self.state.selected_span()
        if selected is not None and selected.start < end and start < selected.end:
            self._draw_selection()  # its own stretches and frame follow the change
        if self.text is self.long_text:
            self.long_text.repaint_range(start, end)
            return
        to_qt = self.state.positions.to_qt
        cursor = self._cursor(start, end)
        document = self.text.document()
        stretches = list(segments(self.state.spans.overlapping(start, end), start, end))
        first, last = cursor.selectionStart(), cursor.selectionEnd()
        # (a whole article's highlights, at its opening: nothing is kept then, and laying
        # out all of it here would cost the opening a seventh of a second)
        few = len(stretches) < 64 and _left_to_right(document, first, last, 9)
        edges: list[int] = []  # the formats' edges, old and new: where a glyph could move
        if few:
            edges = sorted({to_qt(x) for a, b, _ in stretches for x in (a, b)} | {first, last})
        shape = glyph_places(document, first, last, edges) if few else None
        before = document.revision()
        cursor.beginEditBlock()
        cursor.mergeCharFormat(self._plain)
        formats: dict[tuple[str, str | None], QTextCharFormat] = {}
        for a, b, covering in stretches:
            look = stretch_look(covering)
            fmt = formats.get(look)
            if fmt is None:
                fmt = formats[look] = self._format(*look)
            cursor.setPosition(to_qt(a))
            cursor.setPosition(to_qt(b), QTextCursor.MoveMode.KeepAnchor)
            cursor.mergeCharFormat(fmt)
        cursor.endEditBlock()
        if few and glyph_places(document, first, last, edges) == shape:
            layers_of(self.text).restyled(before)  # colours alone: what is found holds
        elif few:  # an edge split a ligature or a kerned pair: the tags' places moved too
            self.text.overlay.forget_places(first, last)
        else:
            self.text.overlay.forget_layout()

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
        """The selected span framed in its label's colour (a text selection is a flat
        fill: the two are never confused) and filled darker where it is the innermost
        span, while the spans nested in it keep their own look; the spans linked to it
        with a dashed underline in the link's colour, and a link candidate (while
        linking) with a dotted one."""
        span = self.state.selected_span()
        marked: list[tuple[Span, dict]] = []  # each mark's span and how it looks
        self._partners = set()
        if span is not None:
            covering = self.state.spans.overlapping(span.start, span.end)
            marked += [(span, {"selected": True, "part": part})
                       for part in own_stretches(span, covering)]
            for relation in self.state.relations_of(span.id):
                other = relation.target if relation.source == span.id else relation.source
                self._partners.add(other)  # (shown or not: it may come back elsewhere)
                if other in self.state.spans:
                    marked.append((self.state.spans.get(other), {"link": relation.label}))
        if self.link_candidate is not None:
            marked.append((self.link_candidate, {"candidate": True}))
        place = None if span is None else self.state.positions.range_to_qt(span.start, span.end)
        framed = []  # the places whose frame was repainted, old and new
        for view in (self._short_text, self.long_text):
            before = view.span_frame.place
            if view.span_frame.show(place if view is self.text else None,
                                    self._color(span.label) if span else "#888888"):
                framed += [p for p in (before, view.span_frame.place) if p is not None]
        if self.text is self.long_text:  # painted by the view itself (long_marks.py)
            self.long_text.set_marks(self._hit_marks() + [
                self._long_mark(s, **how) for s, how in marked], repainted=framed)
        else:
            selections = list(self.find_panel.hit_selections())  # (its list is kept: a copy)
            selections += [self._extra(s, **how) for s, how in marked]
            self.text.setExtraSelections(selections)

    def _partner_edited(self, span_id: str) -> None:
        if span_id in self._partners:
            self._draw_selection()

    def _extra(
        self, span: Span, *, selected: bool = False, link: str = "", candidate: bool = False,
        part: tuple[int, int] | None = None,
    ) -> QTextEdit.ExtraSelection:
        """One extra selection over ``span`` (or the ``part`` of it given)."""
        selection = QTextEdit.ExtraSelection()
        selection.cursor = self._cursor(*(part or (span.start, span.end)))
        color = self._color(span.label)
        ink = self._color(link) if link else color
        # the same few looks over and over (each selection, each edit): made once each
        key = (color, ink, selected, bool(link), candidate, theme.page_key())
        fmt = self._extra_formats.get(key)
        if fmt is None:
            fmt = QTextCharFormat()
            if selected or candidate:
                fmt.setBackground(theme.selected_highlight(color))
            style = QTextCharFormat.UnderlineStyle
            fmt.setUnderlineStyle(
                style.DotLine if candidate else style.DashUnderline if link
                else style.SingleUnderline
            )
            fmt.setUnderlineColor(theme.underline(ink))
            fmt.setProperty(QTextFormat.Property.FullWidthSelection, False)
            if len(self._extra_formats) > 256:
                self._extra_formats.clear()
            self._extra_formats[key] = fmt
        selection.format = fmt
        return selection

    def _long_mark(
        self, span: Span, *, selected: bool = False, link: str = "", candidate: bool = False,
        part: tuple[int, int] | None = None,
    ) -> Mark:
        """The long view's mark over ``span`` (or the ``part`` of it given): the looks
        :meth:`_extra` gives the short view's extra selection."""
        a, b = self.state.positions.range_to_qt(*(part or (span.start, span.end)))
        color = self._color(span.label)
        fill = theme.selected_highlight(color) if selected or candidate else None
        line = DOTTED if candidate else DASHED if link else SOLID
        return mark(a, b, fill, theme.underline(self._color(link) if link else color), line)

    def _hit_marks(self) -> list[Mark]:
        """The find bar's matches as the long view's marks (flat fills, under the span
        marks), worked out again only when the matches are others."""
        hits = self.find_panel.hit_selections()
        if not hits:
            return []
        if self._hits_marked[0] is not hits:
            self._hits_marked = (hits, [
                mark(h.cursor.selectionStart(), h.cursor.selectionEnd(),
                     h.format.background().color(), None, NO_LINE) for h in hits])
        return self._hits_marked[1]

    def _color(self, label: str) -> str:
        return label_color(self.state, label)

    def _cursor(self, start: int, end: int) -> QTextCursor:
        a, b = self.state.positions.range_to_qt(start, end)
        cursor = QTextCursor(self.text.document())
        cursor.setPosition(a)
        cursor.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
        return cursor


def _byline(doc: Document, header: Header, status: str) -> str:
    """One line: source · date · status · link (the parts the text does not say already;
    with no title at all, the article's file or record name first)."""
    unnamed = "" if doc.meta.title else doc.source_id
    parts = [html.escape(p) for p in (unnamed, header.source, header.date, status) if p]
    if header.url:
        shown = header.url.split("://", 1)[-1].split("/", 1)[0] or header.url
        link = f'<a href="{html.escape(header.url, quote=True)}">{html.escape(shown)} ↗</a>'
        parts.append(link)
    return " · ".join(parts)


def _full_header(doc: Document) -> str:
    """Everything the article's record says about it (the byline's tooltip)."""
    m = doc.meta
    rows = (("Title", m.title), ("Source", m.source), ("Author", m.author),
            ("Published", nice_date(m.published)), ("Address", m.url), ("Record", doc.source_id))
    return "\n".join(f"{name}: {value}" for name, value in rows if value)


def _left_to_right(document, first: int, last: int, most: int) -> bool:
    """Qt positions ``[first, last]`` lie in at most ``most`` paragraphs, none with
    right-to-left text (where the layers place spans by each character's edges and the
    runs a line is cut into, which any format's edge changes: glyph_places cannot vouch
    for them)."""
    block, end = document.findBlock(first), document.findBlock(last).blockNumber()
    if end - block.blockNumber() >= most:
        return False
    while block.isValid() and block.blockNumber() <= end:
        if _RTL.search(block.text()):
            return False
        block = block.next()
    return True
