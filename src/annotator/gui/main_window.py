"""The main window composes the views and wires user actions to commands. It decides
nothing: rules are in core, persistence in the store, drawing in the views."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHeaderView,
    QInputDialog,
    QLabel,
    QListView,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTableView,
    QToolBar,
)

from annotator import settings
from annotator.core.editing import EditRefused, make_span
from annotator.core.errors import AnnotatorError
from annotator.formats import native
from annotator.formats.reading import read_paths
from annotator.gui import commands, resources_qt
from annotator.gui.article_view import ArticleView
from annotator.gui.label_bar import LabelActions
from annotator.gui.models import DocumentListModel, SpanTableModel
from annotator.gui.state import DocumentState
from annotator.store import Store, StoreError


class MainWindow(QMainWindow):
    def __init__(self, *, store: Store, annotator: str) -> None:
        super().__init__()
        self.store = store
        self.annotator = annotator
        self.state = DocumentState(parent=self)
        self.undo_stack = QUndoStack(self)
        self.documents = DocumentListModel(parent=self)
        self.span_model = SpanTableModel(self.state, parent=self)
        self.label_actions = LabelActions(parent=self)

        self.article = ArticleView(self.state, parent=self)
        self.doc_list = QListView(objectName="documentList")
        self.doc_list.setModel(self.documents)
        self.doc_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.doc_list.setWordWrap(True)
        self.doc_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.span_table = _span_table(self.span_model)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.doc_list)
        splitter.addWidget(self.article)
        splitter.addWidget(self.span_table)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([220, 760, 320])
        self.setCentralWidget(splitter)

        self.label_bar = QToolBar("Labels", objectName="labelBar", movable=False)
        self.label_bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.label_bar)
        self.position_label = QLabel(objectName="documentPosition")
        self.counts_label = QLabel(objectName="spanCounts")
        self.saved_label = QLabel(objectName="savedState")
        for widget in (self.position_label, self.counts_label, self.saved_label):
            self.statusBar().addPermanentWidget(widget)

        self._make_actions()
        self._connect_signals()
        self.setWindowTitle(f"Annotator — {store.path.name if store.path else 'memory'}")
        self.setWindowIcon(resources_qt.app_icon())
        self.resize(1320, 860)
        self.reload_labels()
        self.reload_documents()

    # -- construction ------------------------------------------------------------------------

    def _make_actions(self) -> None:
        menu = self.menuBar().addMenu("&File")
        self.import_action = menu.addAction("&Import articles…", QKeySequence("Ctrl+I"))
        self.export_action = menu.addAction("&Export JSONL…", QKeySequence("Ctrl+E"))
        menu.addSeparator()
        self.quit_action = menu.addAction("&Quit", QKeySequence.StandardKey.Quit)

        self.edit_menu = self.menuBar().addMenu("&Edit")
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.delete_action = QAction("&Delete span", self)
        self.delete_action.setShortcuts(
            [QKeySequence.StandardKey.Delete, QKeySequence("Backspace")]
        )
        self.name_action = QAction("Annotator &name…", self)
        self.label_menu = self.menuBar().addMenu("&Label")

        go = self.menuBar().addMenu("&Go")
        self.next_doc_action = go.addAction("&Next article", QKeySequence("Ctrl+PgDown"))
        self.prev_doc_action = go.addAction("&Previous article", QKeySequence("Ctrl+PgUp"))
        self.addActions([self.next_doc_action, self.prev_doc_action])
        self.edit_menu.addActions([self.undo_action, self.redo_action])
        self.edit_menu.addSeparator()
        self.edit_menu.addAction(self.delete_action)
        self.edit_menu.addSeparator()
        self.edit_menu.addAction(self.name_action)
        self.addActions([self.undo_action, self.redo_action, self.delete_action])

    def _connect_signals(self) -> None:
        self.label_actions.triggered.connect(self._on_label_actions_triggered)
        self.delete_action.triggered.connect(self._on_delete_action_triggered)
        self.import_action.triggered.connect(self._on_import_action_triggered)
        self.export_action.triggered.connect(self._on_export_action_triggered)
        self.quit_action.triggered.connect(self.close)
        self.name_action.triggered.connect(self._on_name_action_triggered)
        self.next_doc_action.triggered.connect(lambda: self._step_document(+1))
        self.prev_doc_action.triggered.connect(lambda: self._step_document(-1))
        self.doc_list.selectionModel().currentRowChanged.connect(self._on_doc_list_row_changed)
        self.span_table.selectionModel().currentRowChanged.connect(self._on_span_table_row_changed)
        self.article.text.clicked.connect(self._on_article_clicked)
        self.state.selection_changed.connect(self._on_state_selection_changed)
        self.state.span_added.connect(self._update_status)
        self.state.span_removed.connect(self._update_status)
        self.state.span_changed.connect(self._update_status)
        self.state.document_opened.connect(self._update_status)

    # -- loading -----------------------------------------------------------------------------

    def reload_labels(self) -> None:
        labels = self.store.labels(None)
        self.state.set_labels(labels)
        actions = self.label_actions.rebuild(labels)
        self.label_bar.clear()
        self.label_bar.addActions(actions)
        self.label_menu.clear()
        self.label_menu.addActions(actions)
        self.addActions(actions)
        self.article.text.context_actions = [*actions, self.delete_action]

    def reload_documents(self, select: str | None = None) -> None:
        self.documents.set_documents(self.store.documents())
        row = self.documents.row_of(select) if select else 0
        if self.documents.rowCount():
            self.doc_list.setCurrentIndex(self.documents.index(max(row, 0)))
        self._update_status()

    def open_document(self, doc_id: str) -> None:
        doc = self.store.document(doc_id)
        spans = self.store.spans(doc_id)
        self.undo_stack.clear()  # undo history belongs to one document
        self.state.open(doc, spans)
        problems = self.store.verify_document(doc, spans)
        if problems:
            QMessageBox.warning(self, "Damaged annotations", "\n".join(problems[:20]))

    # -- slots -------------------------------------------------------------------------------

    def _on_label_actions_triggered(self, label: str) -> None:
        selection = self.article.selection_range()
        selected = self.state.selected_span()
        if selection is None and selected is not None:  # a label key on a span relabels it
            if selected.label != label:
                self._push(
                    commands.RelabelSpan(self.store, self.state, self._report, selected, label)
                )
            return
        if self.state.document is None:
            return
        start, end = selection or (0, 0)
        try:
            span = make_span(
                self.state.document,
                start,
                end,
                label,
                self.annotator,
                known_labels=set(self.state.labels),
                existing=self.state.spans.overlapping(start, end),
            )
        except EditRefused as exc:
            self.statusBar().showMessage(str(exc), 5000)
            return
        self._push(commands.AddSpan(self.store, self.state, self._report, span))
        self.article.clear_selection()

    def _on_delete_action_triggered(self) -> None:
        span = self.state.selected_span()
        if span is None:
            self.statusBar().showMessage(
                "Click a highlight (or pick a row) to select a span first.", 5000
            )
            return
        self._push(commands.DeleteSpan(self.store, self.state, self._report, span))

    def _on_doc_list_row_changed(self, current, _previous) -> None:
        if current.isValid():
            self.open_document(self.documents.id_at(current.row()))

    def _on_span_table_row_changed(self, current, _previous) -> None:
        if current.isValid():
            self.state.select(self.span_model.data(current, SpanTableModel.IdRole))

    def _on_article_clicked(self, offset: int) -> None:
        covering = self.state.spans.at(offset)
        ids = [s.id for s in covering]
        if not ids:
            self.state.select(None)
        elif self.state.selected in ids:  # click again: the next span under the pointer
            self.state.select(ids[(ids.index(self.state.selected) + 1) % len(ids)])
        else:
            self.state.select(ids[0])

    def _on_state_selection_changed(self, span_id: str | None) -> None:
        row = self.span_model.row_of(span_id) if span_id else -1
        selection = self.span_table.selectionModel()
        if row < 0:
            selection.clearSelection()
            return
        index = self.span_model.index(row, 0)
        selection.setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.span_table.scrollTo(index)
        if not self.article.text.hasFocus() or self.article.selection_range() is None:
            self.article.show_span(self.state.spans.get(span_id))

    def _on_import_action_triggered(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Import articles", "", "Articles (*.txt *.md *.jsonl *.ndjson);;All files (*)"
        )
        if not paths:
            return
        try:
            summary = self.store.import_documents(
                read_paths([Path(p) for p in paths]), annotator=self.annotator
            )
        except AnnotatorError as exc:
            QMessageBox.critical(self, "Import failed; nothing was imported", str(exc))
            return
        self.reload_labels()
        self.reload_documents(select=self.state.document.id if self.state.document else None)
        self.statusBar().showMessage("Imported: " + summary.describe(), 10000)

    def _on_export_action_triggered(self) -> None:
        target, _ = QFileDialog.getSaveFileName(
            self, "Export annotations", "annotations.jsonl", "JSON Lines (*.jsonl)"
        )
        if not target:
            return
        try:
            count = native.export(self.store, Path(target))
        except AnnotatorError as exc:
            QMessageBox.critical(self, "Export failed", str(exc))
            return
        self.statusBar().showMessage(f"Exported {count} document(s) to {target}", 10000)

    def _on_name_action_triggered(self) -> None:
        name, ok = QInputDialog.getText(
            self,
            "Annotator name",
            "Your name, recorded on every span you make:",
            text=self.annotator,
        )
        if ok and name.strip():
            self.annotator = name.strip()
            settings.set_annotator_name(self.annotator)
            self._update_status()

    # -- helpers -----------------------------------------------------------------------------

    def _push(self, command: commands.StoreCommand) -> None:
        self.undo_stack.push(command)

    def _report(self, error: StoreError) -> None:
        self.saved_label.setText("⚠ Not saved")
        QMessageBox.critical(self, "Not saved", f"{error}\n\nThe change was not made.")

    def _step_document(self, step: int) -> None:
        row = self.doc_list.currentIndex().row() + step
        if 0 <= row < self.documents.rowCount():
            self.doc_list.setCurrentIndex(self.documents.index(row))

    def _update_status(self, *_args) -> None:
        n = self.documents.rowCount()
        i = self.doc_list.currentIndex().row() + 1
        self.position_label.setText(f"Document {i} of {n}" if n else "No documents")
        counts = self.state.spans.counts()
        names = [name for name, label in self.state.labels.items() if label.kind == "span"]
        self.counts_label.setText("  ".join(f"{name} {counts.get(name, 0)}" for name in names))
        self.saved_label.setText(f"✓ All changes saved · {self.annotator}")

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        self.store.close()
        super().closeEvent(event)


def _span_table(model: SpanTableModel) -> QTableView:
    table = QTableView(objectName="spanTable")
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
    header.resizeSection(0, table.fontMetrics().horizontalAdvance("claimed_by") + 36)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
    return table
