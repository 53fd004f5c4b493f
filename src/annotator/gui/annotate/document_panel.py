"""The list of documents: a search field, a status filter and a sortable table; while a
full-text search is typed, its result list (search_results.py) in place of the table.

From the search field, Down goes to the results (the first one opens), Return opens the
current (or first) result with its first hit selected in the text; the article's find bar
then holds the search, its hits highlighted, F3 / Shift+F3 walk them. Clearing the search
or the status filter keeps the open article selected and scrolled into view."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.vocabulary import STATUS_TEXT
from annotator.gui.annotate.search_results import SearchResults
from annotator.gui.models import DocumentTableModel

_STATUS_CHOICES = (("All articles", None), *((text, s) for s, text in STATUS_TEXT.items()))


class DocumentPanel(QWidget):
    document_chosen = Signal(str)
    # An article opened from the search results: the search, and whether the user asked
    # for its first hit (Return) or is only stepping through the results (Down).
    search_opened = Signal(str, bool)

    def __init__(self, model: DocumentTableModel, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.search = QLineEdit(objectName="documentSearch", clearButtonEnabled=True)
        self.search.setPlaceholderText("Search all articles…")
        self.search.setToolTip(
            "Full-text search (Ctrl+Shift+F): every word must occur, the last may be the start "
            "of a word.\nDown: into the results. Return: open the result with its first hit "
            "selected; F3 / Shift+F3 walk the hits."
        )
        self.status = QComboBox(objectName="statusFilter")
        for text, value in _STATUS_CHOICES:
            self.status.addItem(text, value)
        self.table = QTableView(objectName="documentTable")
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        # A headline on two lines: cut at the first line's width it often stops mid-thought
        # ("Kremlin denies Lavrov was…"); two lines read as the headline, and the rest is
        # in the row's tooltip. Rows of one fixed height: nothing is measured per row.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().lineSpacing() * 2 + 8)
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        # The title takes what is left; the other columns start wide enough for their
        # usual values and the user can widen them (the window remembers the widths).
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(36)
        metrics = self.fontMetrics()
        # a file synced with a hub says how many others are done beside its status
        status = "In progress · 1/2" if model.store.hub_assignments() else "In progress"
        for column, sample in ((2, "2014-09-04"), (3, "Spans ▾"), (4, status)):
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 16)
        # The source and the date are in each row's tooltip: the title has the room. A
        # right click on the header shows them as columns (the window remembers which).
        self.table.setColumnHidden(1, True)
        self.table.setColumnHidden(2, True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.column_actions = {}
        for column in (1, 2):
            action = QAction(f"Show {model.HEADERS[column].lower()}", header, checkable=True)
            action.toggled.connect(
                lambda shown, c=column: self.table.setColumnHidden(c, not shown)
            )
            header.addAction(action)
            self.column_actions[column] = action
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # import order until asked
        self.table.setSortingEnabled(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        self.results = SearchResults(model, self.table.selectionModel(), parent=self)
        self.results.on_return = lambda: self._open_result(enter=True)
        self.results.on_up_from_top = self.search.setFocus
        self.results.hide()
        layout.addWidget(self.results, 1)
        self.search.installEventFilter(self)
        self._debounce = QTimer(self, singleShot=True, interval=200)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.search.textChanged.connect(self._debounce.start)
        self._debounce.timeout.connect(self._apply_filter)
        self.status.currentIndexChanged.connect(self._apply_filter)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_row_changed)

    def _apply_filter(self) -> None:
        self._debounce.stop()
        searching = bool(self.search.text().strip())
        self.results.setVisible(searching)
        self.table.setVisible(not searching)
        # The reset (and the window's select() of the open article in it) comes after the
        # list shown is laid out: it scrolls in the list the user sees.
        self.model.set_filter(search=self.search.text(), status=self.status.currentData())
        self._scroll_to_current()

    def _scroll_to_current(self) -> None:
        view = self.shown_list()
        row = view.currentIndex().row()
        if row >= 0 and view.selectionModel().isRowSelected(row):
            view.scrollTo(self.model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtCenter)

    def focus_search(self) -> None:
        """Ctrl+Shift+F: into the search field, what it holds selected to type over."""
        self.search.setFocus()
        self.search.selectAll()

    def shown_list(self) -> QAbstractItemView:
        """The table, or the result list while a search is typed."""
        return self.results if not self.results.isHidden() else self.table

    def _on_table_row_changed(self, current, _previous) -> None:
        if current.isValid():
            self.document_chosen.emit(self.model.id_at(current.row()))
            if self.results.hasFocus():  # stepping through the results: their hits
                self.search_opened.emit(self.model.search, False)

    def _open_result(self, *, enter: bool) -> None:
        """Open the current result (the first if none is) and show its hits."""
        if self._debounce.isActive():  # Return typed before the search ran
            self._apply_filter()
        if not self.model.search.strip() or not self.model.rowCount():
            return
        row = max(0, self.results.currentIndex().row())
        if not self.table.selectionModel().isRowSelected(row):
            self.results.setCurrentIndex(self.model.index(row, 0))
        self.document_chosen.emit(self.model.id_at(row))
        self.search_opened.emit(self.model.search, enter)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.search.text().strip():
                self._open_result(enter=True)
                return True
            if key == Qt.Key.Key_Down and self.search.text().strip():
                if self._debounce.isActive():
                    self._apply_filter()
                if self.model.rowCount():
                    self.results.setFocus()
                    if self.results.currentIndex().row() >= 0:
                        self._open_result(enter=False)
                    else:  # the first result opens as the row becomes current
                        self.results.setCurrentIndex(self.model.index(0, 0))
                return True
        return super().eventFilter(watched, event)

    def select(self, doc_id: str | None) -> None:
        """Highlight the row of ``doc_id`` (if the filter shows it) without reopening it."""
        row = self.model.row_of(doc_id)
        self.table.selectionModel().blockSignals(True)
        if row >= 0:
            self.table.selectRow(row)
            self.shown_list().scrollTo(self.model.index(row, 0))
        else:
            self.table.clearSelection()
        self.table.selectionModel().blockSignals(False)
        self.table.viewport().update()
        self.results.viewport().update()

    def columns_restored(self) -> None:
        """The window put back which columns show: the header's menu says the same."""
        for column, action in self.column_actions.items():
            action.blockSignals(True)
            action.setChecked(not self.table.isColumnHidden(column))
            action.blockSignals(False)

    def current_row(self) -> int:
        return self.table.currentIndex().row()
