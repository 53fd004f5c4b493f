"""The link picked in the list of links, held by its id.

Qt keeps a table's current row by place: when the picked link's row went (a retype that
deleted and re-added it, an undo, a reload), the highlight stayed on the same row, now
another link, and the next Ctrl+T or Delete acted on that one. Here the picked link is
remembered by id and put back after every change of the list; while it is gone (deleted,
until an undo brings it back) no row is picked, so no key acts on a link not chosen.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QObject
from PySide6.QtWidgets import QTableView

from annotator.gui.models import RelationTableModel


class PickedLink(QObject):
    def __init__(self, table: QTableView, model: RelationTableModel) -> None:
        super().__init__(table)
        self.table, self.model = table, model
        self.picked: str | None = None
        self._restoring = False  # a change of the current row that is not the user's
        table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        for signal in (model.rowsAboutToBeInserted, model.rowsAboutToBeRemoved,
                       model.modelAboutToBeReset, model.layoutAboutToBeChanged):  # fmt: skip
            signal.connect(self._changing)
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset,
                       model.layoutChanged, model.dataChanged):  # fmt: skip
            signal.connect(self._restore)

    def relation_id(self) -> str | None:
        """The picked link's id, if it is in the list now."""
        if self.picked is not None and self.model.row_of(self.picked) >= 0:
            return self.picked
        return None

    def pick(self, rel_id: str | None) -> None:
        self.picked = rel_id
        self._restore()

    def settling(self) -> bool:
        """Whether the list's current row is moving by itself (the list changing, or the
        picked row being put back), not by the user."""
        return self._restoring or self.model.changing

    def _on_current_row_changed(self, current, _previous) -> None:
        if not self._restoring and not self.model.changing and current.isValid():
            self.picked = current.data(RelationTableModel.IdRole)

    def _changing(self, *_args) -> None:
        self._restoring = True  # Qt moves the current row while the list changes

    def _restore(self, *_args) -> None:
        row = self.model.row_of(self.picked) if self.picked is not None else -1
        selection = self.table.selectionModel()
        if row == selection.currentIndex().row():
            self._restoring = False
            return
        self._restoring = True
        try:
            if row < 0:
                selection.clear()
                selection.setCurrentIndex(self.model.index(-1, -1),
                                          QItemSelectionModel.SelectionFlag.NoUpdate)
            else:
                column = max(0, selection.currentIndex().column())
                selection.setCurrentIndex(
                    self.model.index(row, column),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
        finally:
            self._restoring = False
