"""The reading text: read-only, selectable with mouse and keyboard, reporting clicks, keys
and edge drags in code-point offsets; and how a stretch of highlighted text looks.

Highlights are cut into stretches between span boundaries, so overlapping and nested
spans all stay visible: the innermost span gives the background, an outer one adds an
underline in its colour (:func:`stretch_look`)."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QTextCursor
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QTextEdit, QToolTip, QWidget

from annotator.core import quotes, textnav
from annotator.core.model import Span
from annotator.core.spanset import segments
from annotator.gui import theme
from annotator.gui.annotate.edge_handles import EDGE_REACH, EdgeHandles
from annotator.gui.annotate.overlay import Overlay
from annotator.gui.annotate.state import DocumentState


class Reading:
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
        self.snap_words = True  # the window's "Snap selections to words" (Edit menu)
        self._drag_edge: str | None = None
        self._drag_at = (QPoint(), False)  # where the pointer is in an edge drag, Alt held
        self._drag_scroll = QTimer(self, interval=50)
        self._drag_scroll.timeout.connect(self._scroll_while_dragging)
        self.viewport().setMouseTracking(True)  # the resize cursor over an edge
        self.edge_handles = EdgeHandles(self, lambda span: label_color(self.state, span.label))
        self.overlay = Overlay(self, state)  # label tags and link arcs, over the text

    def _edge_under(self, point: QPoint) -> str | None:
        """"start" or "end" when ``point`` is on an edge (or its handle) of the selected
        span."""
        span = self.state.selected_span()
        if span is None:
            return None
        hits = []
        for edge, offset in (("start", span.start), ("end", span.end)):
            rect = self.edge_handles.rect_of(offset, edge)
            if rect.adjusted(-EDGE_REACH, 0, EDGE_REACH, 0).contains(point):
                hits.append((abs(point.x() - rect.center().x()), edge == "start", edge))
        return min(hits)[2] if hits else None  # a short span: the nearer edge

    def _dragged_to(self, point: QPoint, exact: bool) -> int:
        """The offset a dragged edge lands on: the boundary nearest ``point``, taken to
        the word's start or end when it falls inside a word (unless snapping is off, or
        Alt is held for character precision)."""
        edge = self._drag_edge or "end"
        offset = self.state.positions.from_qt(self.cursorForPosition(point).position(), side=edge)
        if self.snap_words and not exact:
            offset = textnav.snap_edge(self.state.positions.text, offset, edge)
        return offset

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
        extend the selection there, as Ctrl+Shift+Right does for words. At a paragraph's
        end (start) it goes on into the next (previous) paragraph. An extended selection
        keeps its quotation marks in pairs (quotes.balanced): a closing mark whose
        opening mark sits just before the selection brings that mark in."""
        cursor = self.textCursor()
        positions, text = self.state.positions, self.state.positions.text
        here = positions.from_qt(cursor.position())
        there = textnav.sentence_end(text, here) if forward else textnav.sentence_start(text, here)
        if not extend:
            cursor.setPosition(positions.to_qt(there))
            self.setTextCursor(cursor)
            return
        anchor = positions.from_qt(cursor.anchor())
        start, end = sorted((anchor, there))
        moving = "end" if there >= anchor else "start"
        start, end = quotes.balanced(text, start, end, moving)
        anchor, there = (start, end) if moving == "end" else (end, start)
        cursor.setPosition(positions.to_qt(anchor))
        cursor.setPosition(positions.to_qt(there), QTextCursor.MoveMode.KeepAnchor)
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
            exact = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
            self._drag_at = (point, exact)
            self._preview_drag()
            outside = not 0 <= point.y() < self.viewport().height()
            if outside and not self._drag_scroll.isActive():
                self._drag_scroll.start()  # past the top or bottom: the page scrolls on
            elif not outside:
                self._drag_scroll.stop()
            return
        shape = Qt.CursorShape.SizeHorCursor if self._edge_under(point) else Qt.CursorShape.IBeamCursor
        self.viewport().setCursor(shape)
        super().mouseMoveEvent(event)

    def _preview_drag(self) -> None:
        """Select the span as it would become if the edge were let go now."""
        span = self.state.selected_span()
        if span is None or self._drag_edge is None:
            return
        point, exact = self._drag_at
        fixed = span.end if self._drag_edge == "start" else span.start
        to_qt = self.state.positions.to_qt
        there = self._dragged_to(point, exact)
        cursor = self.textCursor()
        cursor.setPosition(to_qt(fixed))
        cursor.setPosition(to_qt(there), QTextCursor.MoveMode.KeepAnchor)
        self.edge_handles.set_preview(self._drag_edge, there)
        bar = self.verticalScrollBar()
        scrolled = bar.value()
        self.setTextCursor(cursor)  # would scroll to the anchor: keep the page still
        bar.setValue(scrolled)

    def _scroll_while_dragging(self) -> None:
        """A tick of the edge drag's scrolling: by the pointer's overshoot past the view
        (a plain view's bar counts lines, not pixels: by a line), then the preview."""
        point = self._drag_at[0]
        overshoot = min(0, point.y()) or max(0, point.y() - self.viewport().height())
        if self._drag_edge is None or not overshoot:
            self._drag_scroll.stop()
            return
        if isinstance(self, QPlainTextEdit):
            overshoot = 1 if overshoot > 0 else -1
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + max(-60, min(60, overshoot)))
        self._preview_drag()

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 (Qt override)
        self._drag_scroll.stop()
        if self._drag_edge is not None:
            exact = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
            offset = self._dragged_to(event.position().toPoint(), exact)
            edge, self._drag_edge = self._drag_edge, None
            self.edge_handles.set_preview(None)
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
            hint = self.state.suggestion_hint(offset) if offset is not None else ""
            if spans or hint:
                tip = "<hr>".join(t for t in (_tooltip(spans, self.state), hint) if t)
                QToolTip.showText(event.globalPos(), tip, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)


# PySide registers signals only on classes that derive from QObject, so the two views (and
# ArticleView, which forwards them) each declare the same six; the behaviour is shared in
# Reading. Keep the three lists in step with these names.
SIGNAL_NAMES = ("clicked", "span_step", "confirmed", "escaped", "edge_moved", "edge_dragged")


class ReadingView(Reading, QTextEdit):
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


def stretch_look(covering: list[Span]) -> tuple[str, str | None]:
    """The labels that colour a stretch: the innermost span's (the background) and,
    under nesting, the outermost's (an underline)."""
    if len(covering) == 1:
        return covering[0].label, None
    return min(covering, key=_innermost).label, max(covering, key=_innermost).label


def own_stretches(selected: Span, covering: list[Span]) -> list[tuple[int, int]]:
    """The stretches of ``selected`` where no span inside it (shorter, by the order of
    :func:`stretch_look`) covers the text, joined where they touch: there the selected
    span's own fill goes; elsewhere the nested spans keep their look. ``covering``: the
    spans overlapping ``selected``, itself included."""
    mine = _innermost(selected)
    if selected.start < selected.end and not any(
        s.id != selected.id and _innermost(s) < mine for s in covering
    ) and any(s.id == selected.id for s in covering):
        return [(selected.start, selected.end)]  # nothing inside it (a new span, mostly)
    return swept_stretches(selected, covering)


def swept_stretches(selected: Span, covering: list[Span]) -> list[tuple[int, int]]:
    """:func:`own_stretches` the long way, cut at every boundary of ``covering``."""
    mine, found = _innermost(selected), []
    for a, b, spans in segments(covering, selected.start, selected.end):
        if any(s.id != selected.id and _innermost(s) < mine for s in spans):
            continue
        if found and found[-1][1] == a:
            found[-1] = (found[-1][0], b)
        else:
            found.append((a, b))
    return found


def label_color(state: DocumentState, label: str) -> str:
    found = state.labels.get(label)
    return found.color if found else "#888888"


def _innermost(span: Span) -> tuple[int, int]:
    return (span.length, span.start)


_LINKS_SHOWN = 8  # links listed per span in a tooltip; the rest are counted


def _tooltip(spans: list[Span], state: DocumentState) -> str:
    """Each span under the pointer (innermost first): its label, annotator and text, then
    its links: outgoing ("said_by → “Sergei Lavrov” (actor, para 3)") and incoming
    ("← said_by from quote “…”"), each naming where the other end is."""
    rows = []
    for s in spans[:6]:
        row = (f"<b>{html.escape(s.label)}</b> · {html.escape(s.annotator)}"
               f"<br><i>{html.escape(_short(s.text, 160))}</i>")
        links = state.relations_of(s.id)
        for relation in links[:_LINKS_SHOWN]:
            outgoing = relation.source == s.id
            other_id = relation.target if outgoing else relation.source
            if other_id not in state.spans:
                continue
            other = state.spans.get(other_id)
            where = textnav.paragraph_number(state.document.text, other.start)
            if outgoing:
                line = (f"{html.escape(relation.label)} → “{html.escape(_short(other.text, 60))}” "
                        f"({html.escape(other.label)}, para {where})")
            else:
                line = (f"← {html.escape(relation.label)} from {html.escape(other.label)} "
                        f"“{html.escape(_short(other.text, 60))}” (para {where})")
            row += f"<br><nobr>{line}</nobr>"  # one line each: tooltips wrap narrowly
        if len(links) > _LINKS_SHOWN:
            row += f"<br>… and {len(links) - _LINKS_SHOWN} more link(s)"
        if s.note:
            row += f"<br>Note: {html.escape(s.note)}"
        if s.id in state.provenance:  # accepted from a suggestion
            row += f"<br><i>{html.escape(state.provenance[s.id])}</i>"
        rows.append(row)
    return "<hr>".join(rows)


def _short(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
