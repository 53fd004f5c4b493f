"""The list of documents: a search field, a status filter and a sortable table."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
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
from annotator.gui.models import DocumentTableModel

_STATUS_CHOICES = (("All articles", None), *((text, s) for s, text in STATUS_TEXT.items()))


class DocumentPanel(QWidget):
    document_chosen = Signal(str)

    def __init__(self, model: DocumentTableModel, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.search = QLineEdit(objectName="documentSearch", clearButtonEnabled=True)
        self.search.setPlaceholderText("Search all articles…")
        self.status = QComboBox(objectName="statusFilter")
        for text, value in _STATUS_CHOICES:
            self.status.addItem(text, value)
        self.table = QTableView(objectName="documentTable")
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.table.setWordWrap(False)
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
        self._debounce = QTimer(self, singleShot=True, interval=200)
        self._connect_signals()

    def _connect_signals(self) -> None:
        self.search.textChanged.connect(self._debounce.start)
        self._debounce.timeout.connect(self._apply_filter)
        self.status.currentIndexChanged.connect(self._apply_filter)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_row_changed)

    def _apply_filter(self) -> None:
        self.model.set_filter(search=self.search.text(), status=self.status.currentData())

    def _on_table_row_changed(self, current, _previous) -> None:
        if current.isValid():
            self.document_chosen.emit(self.model.id_at(current.row()))

    def select(self, doc_id: str | None) -> None:
        """Highlight the row of ``doc_id`` (if the filter shows it) without reopening it."""
        row = self.model.row_of(doc_id)
        self.table.selectionModel().blockSignals(True)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        else:
            self.table.clearSelection()
        self.table.selectionModel().blockSignals(False)
        self.table.viewport().update()

    def columns_restored(self) -> None:
        """The window put back which columns show: the header's menu says the same."""
        for column, action in self.column_actions.items():
            action.blockSignals(True)
            action.setChecked(not self.table.isColumnHidden(column))
            action.blockSignals(False)

    def current_row(self) -> int:
        return self.table.currentIndex().row()
