"""The span list and the link list beside the article. The span list follows the article
a moment after a burst of edits, not inside each one.

Above the span list a filter shows one label's spans (Ctrl+] and Ctrl+[ step through the
labels). A selected span the filter hides is never hidden silently: a line under the
filter says so."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QFontMetrics, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.model import Span
from annotator.gui.annotate.state import DocumentState
from annotator.gui.models import SpanTableModel, select_row

_ICON = 16  # the colour square a row's label shows (the view's small icon size)
_REACHING_FOR_THE_LIST = (
    QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress, QEvent.Type.FocusIn, QEvent.Type.Wheel
)


class SpanList(QObject):
    """The span table, kept in step with the selection. Painting its rows costs more than
    redrawing the article (tests/bench: 100,000 spans), and the eye is on the article: the
    list repaints once a burst of edits settles."""

    def __init__(self, model: SpanTableModel, state: DocumentState, *, parent: QWidget) -> None:
        super().__init__(parent)
        self.state, self.model = state, model
        self.table = table(model, "spanTable", stretch=model.TEXT)
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(20)
        header.resizeSection(model.NOTE, self.table.fontMetrics().horizontalAdvance("✎") + 14)
        self.table.setColumnHidden(model.ANNOTATOR, True)  # shown when several annotate
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # both ends of a quote
        self.filter = QComboBox(objectName="spanFilter")
        self.filter.setToolTip("Show the spans of one label (Ctrl+] next label, Ctrl+[ previous)")
        self.notice = QLabel(objectName="spanFilterNotice", wordWrap=True)
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.hide()
        self.widget = QWidget(objectName="spanListPane")
        layout = QVBoxLayout(self.widget)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.filter)
        layout.addWidget(self.notice)
        layout.addWidget(self.table, 1)
        self.next_filter_action = self._action("Span list: next label", "Ctrl+]", parent, +1)
        self.prev_filter_action = self._action("Span list: previous label", "Ctrl+[", parent, -1)
        self._user_widths = False  # once the user sizes a column, it is only widened
        self._people: set[str] = set()  # the annotators the By column was fitted to
        self._place = "¶8 · 8–8"  # the widest place of the open article, in eights
        header.sectionResized.connect(self._on_header_section_resized)
        self.filter.currentIndexChanged.connect(self._on_filter_index_changed)
        state.labels_changed.connect(self._fill_filter)
        state.document_opened.connect(self._on_state_document_opened)
        self._release = QTimer(self, singleShot=True, interval=60)
        self._release.timeout.connect(self.release)
        self._behind = False  # its selection waits for the hold to end
        # The user reaching for the list ends the hold first: a click or key then acts
        # from the row of the span that is selected now.
        for watched in (self.table, self.table.viewport()):
            watched.installEventFilter(self)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_row_changed)
        state.span_changed.connect(self.hold)
        state.span_added.connect(self.hold)
        state.span_added.connect(self._fit_arrival)
        state.span_removed.connect(self.hold)
        state.selection_changed.connect(self._on_state_selection_changed)

    def _action(self, text: str, key: str, window: QWidget, step: int) -> QAction:
        action = QAction(text, window)
        action.setShortcut(QKeySequence(key))
        action.triggered.connect(lambda: self.step_filter(step))
        window.addAction(action)
        return action

    # -- the label filter --------------------------------------------------------------------

    def step_filter(self, step: int) -> None:
        """Show the next (or previous) label's spans; after the last label, all spans."""
        count = self.filter.count()
        if count:
            self.filter.setCurrentIndex((self.filter.currentIndex() + step) % count)

    def show_label(self, label: str | None) -> None:
        index = self.filter.findData(label)
        self.filter.setCurrentIndex(max(0, index))

    def _fit(self, column: int, samples: list[str], extra: int, font=None,
             most: int | None = None) -> None:
        """Size a column for its widest value (measured on a few strings, not the rows),
        at ``most`` pixels if given. A width the user chose is only ever widened, so that
        a longer article's numbers still fit."""
        metrics = QFontMetrics(font) if font is not None else self.table.fontMetrics()
        width = max((metrics.horizontalAdvance(s) for s in samples), default=0) + extra
        if most is not None:
            width = min(width, most)
        header = self.table.horizontalHeader()
        if self._user_widths:
            width = max(width, header.sectionSize(column))
        header.resizeSection(column, width)

    def _fill_filter(self) -> None:
        """One entry per span label of the scheme, with its count in the open article."""
        names = self.state.span_labels()
        # as wide as the longest label and its colour square
        self._fit(self.model.LABEL, [*names, "Label"], _ICON + 28)
        keep = self.model.label_filter
        counts = self.state.spans.counts()
        self.filter.blockSignals(True)
        self.filter.clear()
        self.filter.addItem(f"All labels ({len(self.state.spans)})", None)
        for name in self.state.span_labels():
            self.filter.addItem(f"{name} ({counts.get(name, 0)})", name)
        index = self.filter.findData(keep)
        self.filter.setCurrentIndex(max(0, index))
        self.filter.blockSignals(False)
        if index < 0 and keep is not None:  # its label left the scheme
            self.model.set_label_filter(None)

    def _recount(self) -> None:
        counts = self.state.spans.counts()
        self.filter.setItemText(0, f"All labels ({len(self.state.spans)})")
        for i in range(1, self.filter.count()):
            name = self.filter.itemData(i)
            self.filter.setItemText(i, f"{name} ({counts.get(name, 0)})")

    def _on_filter_index_changed(self, index: int) -> None:
        self.release(scroll=False)
        self.model.set_label_filter(self.filter.itemData(index) if index >= 0 else None)
        self._select()
        self._say_hidden()

    def _say_hidden(self) -> None:
        """Say so when the selected span is one the filter hides."""
        span = self.state.selected_span()
        hidden = span is not None and not self.model.shows(span.id)
        if hidden:
            text = " ".join(span.text.split())
            text = text if len(text) <= 40 else text[:39] + "…"
            self.notice.setText(
                f"The selected {span.label} “{text}” is not in this list: it shows "
                f"{self.model.label_filter} only (Ctrl+] / Ctrl+[ to change)."
            )
        self.notice.setVisible(hidden)

    def _on_state_document_opened(self) -> None:
        self._recount()
        self.table.setColumnHidden(self.model.ANNOTATOR, not self.model.several_annotators())
        # The place column fits the article's largest numbers, the annotator column its
        # longest name: measured on a few strings once, not on the rows.
        doc, model = self.state.document, self.model
        self._people = set()
        if doc is not None:
            self._place = model.widest_place().translate(str.maketrans("0123456789", "8" * 10))
            self._fit_place()
            self._people = set(self.state.spans.annotators())
            self._fit(model.ANNOTATOR, [*self._people, "By"], 14)
        self._say_hidden()

    def _fit_place(self) -> None:
        """The place column as wide as the article's widest place, unless that leaves the
        text less room than the place (a narrow list): then Qt elides the place."""
        room = self.table.width()  # its viewport follows later, on a resize
        self._fit(self.model.WHERE, [self._place], 12, self.model.place_font,
                  most=int(room * 0.3) if room > 150 else None)

    def _fit_arrival(self, span: Span, _row: int) -> None:
        """Spans that come after the opening (a sync brings the team's work into a
        reviewer's file) may bring another annotator: the By column appears and widens
        to show the names whole."""
        model = self.model
        if span.annotator not in self._people:
            self._people.add(span.annotator)
            self.table.setColumnHidden(model.ANNOTATOR, not model.several_annotators())
            self._fit(model.ANNOTATOR, [*self._people, "By"], 14)

    def _on_header_section_resized(self, *_args) -> None:
        # a resize the user makes (a drag in the header) against one made here
        if QApplication.mouseButtons() & Qt.MouseButton.LeftButton:
            self._user_widths = True

    def keep_widths(self) -> None:
        """The window put back the user's widths of a session before: they stay."""
        self._user_widths = True

    # -- following the edits -----------------------------------------------------------------

    def hold(self, *_args) -> None:
        self.table.setUpdatesEnabled(False)
        self._release.start()

    def release(self, *, scroll: bool = True) -> None:
        self._release.stop()
        if self._behind:
            self._behind = False
            self._select(scroll=scroll)
        self.table.setUpdatesEnabled(True)
        self._recount()
        if self.table.isColumnHidden(self.model.ANNOTATOR) and self.model.several_annotators():
            self.table.setColumnHidden(self.model.ANNOTATOR, False)
        self._say_hidden()

    def stop(self) -> None:
        """The window closes: nothing may read the store once it is closed."""
        self._release.stop()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Resize and watched is self.table:
            self._fit_place()
        if (
            event.type() in _REACHING_FOR_THE_LIST
            and self._release.isActive()
            and watched in (self.table, self.table.viewport())
        ):
            self.release(scroll=False)  # the rows stay under the pointer
        return super().eventFilter(watched, event)

    def _select(self, *, scroll: bool = True) -> None:
        span_id = self.state.selected
        row = self.model.row_of(span_id) if span_id else -1
        select_row(self.table, row, scroll=scroll)

    def _on_table_row_changed(self, current, _previous) -> None:
        if current.isValid():
            self.state.select(self.model.data(current, SpanTableModel.IdRole))

    def _on_state_selection_changed(self, _span_id: str | None) -> None:
        if self._release.isActive() and not self.table.hasFocus():
            self._behind = True  # held during a burst of edits: follows after
        else:
            self._select()
            self._say_hidden()


def table(model, name: str, *, stretch: int) -> QTableView:
    table = QTableView(objectName=name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.setWordWrap(False)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    header = table.horizontalHeader()
    # Fixed widths, not ResizeToContents: that measures up to 1,000 rows on every change,
    # which an article with 100,000 spans feels on each edit.
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    width = table.fontMetrics().horizontalAdvance("M") * 7
    for column in range(model.columnCount()):
        if column != stretch:
            header.resizeSection(column, width)
    return table
