"""The span list and the link list beside the article. The span list follows the article
a moment after a burst of edits, not inside each one."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from annotator.gui.annotate.state import DocumentState
from annotator.gui.models import SpanTableModel, select_row

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
        self.table = table(model, "spanTable", stretch=1)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(0, parent.fontMetrics().horizontalAdvance("claimed_by") + 30)
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
        state.span_removed.connect(self.hold)
        state.selection_changed.connect(self._on_state_selection_changed)

    def hold(self, *_args) -> None:
        self.table.setUpdatesEnabled(False)
        self._release.start()

    def release(self, *, scroll: bool = True) -> None:
        self._release.stop()
        if self._behind:
            self._behind = False
            self._select(scroll=scroll)
        self.table.setUpdatesEnabled(True)

    def stop(self) -> None:
        """The window closes: nothing may read the store once it is closed."""
        self._release.stop()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
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
