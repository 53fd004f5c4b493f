"""The main window composes the views and wires user actions to commands. It decides
nothing: rules are in core, persistence in the store, drawing in the views."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFileDialog,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTableView,
    QToolBar,
    QToolButton,
)

from annotator import settings
from annotator.core.annotators import GOLD
from annotator.core.spanset import sound
from annotator.gui import resources_qt, review_share, tasks, theme, writer
from annotator.gui.annotate.annotating import Annotating
from annotator.gui.annotate.article_view import ArticleView
from annotator.gui.annotate.document_panel import DocumentPanel
from annotator.gui.annotate.label_bar import LabelActions
from annotator.gui.annotate.state import DocumentState
from annotator.gui.models import (
    DocumentTableModel,
    RelationTableModel,
    SpanTableModel,
    select_row,
)
from annotator.store import ImportSummary, Store, StoreError

_REACHING_FOR_THE_LIST = (
    QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress, QEvent.Type.FocusIn, QEvent.Type.Wheel
)


class MainWindow(QMainWindow):
    def __init__(self, *, store: Store, annotator: str) -> None:
        super().__init__()
        self.store = store
        self.annotator = annotator
        self.layer = "everyone"  # whose spans the article shows: everyone, mine, gold
        self.state = DocumentState(parent=self)
        self.undo_stack = QUndoStack(self)
        self.writer = writer.Writer(store, report=self._report, parent=self)
        self.documents = DocumentTableModel(store, annotator=annotator, parent=self)
        self.span_model = SpanTableModel(self.state, parent=self)
        self.label_actions = LabelActions(parent=self)
        self.task: tasks.Task | None = None  # the import or export under way, if any
        self.review_window = None  # Review ▸ Compare annotators, made when first asked for
        self.agreement_dialog = None

        self.article = ArticleView(self.state, parent=self)
        self.doc_panel = DocumentPanel(self.documents, parent=self)
        self.span_table = _table(self.span_model, "spanTable", stretch=1)
        self.relation_model = RelationTableModel(self.state, parent=self)
        self.relation_table = _table(self.relation_model, "relationTable", stretch=0)
        self.relation_table.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.Stretch
        )
        self.span_table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Fixed
        )
        self.span_table.horizontalHeader().resizeSection(
            0, self.fontMetrics().horizontalAdvance("claimed_by") + 30
        )
        lists = QSplitter(Qt.Orientation.Vertical)
        lists.addWidget(self.span_table)
        lists.addWidget(self.relation_table)
        lists.setSizes([520, 220])
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.doc_panel)
        splitter.addWidget(self.article)
        splitter.addWidget(lists)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([340, 680, 320])
        self.setCentralWidget(splitter)

        self.label_bar = QToolBar("Labels", objectName="labelBar", movable=False)
        self.label_bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.label_bar)
        self.position_label = QLabel(objectName="documentPosition")
        self.counts_label = QLabel(objectName="spanCounts")
        self.saved_label = QLabel(objectName="savedState")
        self.retry_button = QToolButton(objectName="retrySaving")
        for widget in (self.position_label, self.counts_label, self.saved_label,
                       self.retry_button):
            self.statusBar().addPermanentWidget(widget)

        self.annotating = Annotating(
            window=self, store=store, state=self.state, article=self.article,
            undo_stack=self.undo_stack, relation_table=self.relation_table,
            annotator=lambda: self.annotator, report=self._report,
            say=lambda text: self.statusBar().showMessage(text, 8000),
            locked=self._locked_reason,
        )
        size = settings.load().get("reading_point_size")
        if isinstance(size, int | float):
            self.article.zoom(size - self.article.text.font().pointSizeF())
        self._make_actions()
        self._connect_signals()
        self.setWindowTitle(f"Annotator — {store.path.name if store.path else 'memory'}")
        self.setWindowIcon(resources_qt.app_icon())
        screen = QApplication.primaryScreen().availableGeometry()
        self.resize(min(1320, int(screen.width() * 0.95)), min(860, int(screen.height() * 0.92)))
        self.reload_labels()
        self.reload_documents()
        if store.warnings:  # once, when the event loop runs and the window is up
            QTimer.singleShot(0, self._show_store_warnings)

    # -- construction ------------------------------------------------------------------------

    def _make_actions(self) -> None:
        menu = self.menuBar().addMenu("&File")
        self.import_action = menu.addAction("&Import articles…", QKeySequence("Ctrl+I"))
        self.export_action = menu.addAction("&Export JSONL…", QKeySequence("Ctrl+E"))
        self.retry_action = menu.addAction("&Retry saving", QKeySequence("Ctrl+S"))
        self.retry_button.setDefaultAction(self.retry_action)
        self.retry_button.hide()
        menu.addSeparator()
        self.export_review_action = menu.addAction("Export for re&view…")
        self.open_review_action = menu.addAction("&Open for review…")
        for action in (self.export_review_action, self.open_review_action):
            action.setEnabled(self.store.path is not None)  # not for an in-memory database
        menu.addSeparator()
        self.quit_action = menu.addAction("&Quit", QKeySequence.StandardKey.Quit)

        self.edit_menu = self.menuBar().addMenu("&Edit")
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.delete_action = self.annotating.delete_action
        self.name_action = QAction("Annotator &name…", self)
        self.label_menu = self.menuBar().addMenu("&Label")

        go = self.menuBar().addMenu("&Go")
        self.next_doc_action = go.addAction("&Next article", QKeySequence("Ctrl+PgDown"))
        self.prev_doc_action = go.addAction("&Previous article", QKeySequence("Ctrl+PgUp"))
        self.next_open_action = go.addAction(
            "Next &unfinished article", QKeySequence("Ctrl+Shift+PgDown")
        )
        self.prev_open_action = go.addAction(
            "Previous u&nfinished article", QKeySequence("Ctrl+Shift+PgUp")
        )
        go.addSeparator()
        self.search_action = go.addAction("&Search all articles", QKeySequence("Ctrl+Shift+F"))
        status = self.menuBar().addMenu("&Status")
        self.done_action = status.addAction(
            "Mark &done and go to the next unfinished", QKeySequence("Ctrl+Return")
        )
        self.status_actions = {
            value: status.addAction(f"Mark as {text.lower()}")
            for value, text in DocumentTableModel.STATUS_TEXT.items()
        }
        self.addActions(
            [
                self.next_doc_action,
                self.prev_doc_action,
                self.next_open_action,
                self.prev_open_action,
                self.search_action,
                self.done_action,
            ]
        )
        a = self.annotating
        self.edit_menu.addActions([self.undo_action, self.redo_action])
        self.edit_menu.addSeparator()
        self.edit_menu.addActions([a.delete_action, a.link_action, a.relation_type_action,
                                   a.all_action, a.span_note_action, a.doc_note_action])
        self.edit_menu.addSeparator()
        self.edit_menu.addActions([a.find_action, a.find_next_action])
        self.edit_menu.addSeparator()
        self.scheme_action = QAction("Label &scheme…", self)
        self.scheme_action.setShortcut(QKeySequence("Ctrl+Shift+L"))
        self.edit_menu.addActions([a.snap_action, self.scheme_action, self.name_action])
        go.insertActions(go.actions()[0], [a.next_span_action, a.prev_span_action])
        view = self.menuBar().addMenu("&View")
        view.addActions([a.zoom_in_action, a.zoom_out_action, a.zoom_reset_action])
        view.addSeparator()
        layers = QActionGroup(self)
        self.layer_actions = {}
        for layer, text in self.LAYERS.items():
            action = layers.addAction(text)
            action.setCheckable(True)
            action.setChecked(layer == self.layer)
            action.triggered.connect(lambda _checked=False, layer=layer: self.show_layer(layer))
            self.layer_actions[layer] = action
        view.addActions(layers.actions())
        view.addSeparator()
        self.shortcuts_action = view.addAction("&Keyboard shortcuts")
        self.shortcuts_action.setShortcuts([QKeySequence("F1"), QKeySequence("?")])
        self.addActions([self.undo_action, self.redo_action, self.shortcuts_action,
                         self.scheme_action])
        review = self.menuBar().addMenu("&Review")
        self.compare_action = review.addAction(
            "&Compare annotators…", QKeySequence("Ctrl+Shift+R")
        )
        self.agreement_action = review.addAction("&Agreement…")
        self.addActions([self.compare_action])

    def _connect_signals(self) -> None:
        self.label_actions.triggered.connect(self.annotating.apply_label)
        self.shortcuts_action.triggered.connect(self._on_shortcuts_action_triggered)
        self.scheme_action.triggered.connect(self._on_scheme_action_triggered)
        QApplication.styleHints().colorSchemeChanged.connect(self._on_color_scheme_changed)
        self.import_action.triggered.connect(self._on_import_action_triggered)
        self.export_action.triggered.connect(self._on_export_action_triggered)
        self.export_review_action.triggered.connect(self._on_export_review_action_triggered)
        self.open_review_action.triggered.connect(self._on_open_review_action_triggered)
        self.compare_action.triggered.connect(self._on_compare_action_triggered)
        self.agreement_action.triggered.connect(self._on_agreement_action_triggered)
        self.quit_action.triggered.connect(self.close)
        self.retry_action.triggered.connect(self._on_retry_action_triggered)
        self.writer.changed.connect(self._show_save_state)
        self.name_action.triggered.connect(self._on_name_action_triggered)
        self.next_doc_action.triggered.connect(lambda: self._step_document(+1))
        self.prev_doc_action.triggered.connect(lambda: self._step_document(-1))
        self.next_open_action.triggered.connect(lambda: self._step_document(+1, unfinished=True))
        self.prev_open_action.triggered.connect(lambda: self._step_document(-1, unfinished=True))
        self.search_action.triggered.connect(self.doc_panel.search.setFocus)
        self.done_action.triggered.connect(self._on_done_action_triggered)
        for value, action in self.status_actions.items():
            action.triggered.connect(lambda _c=False, v=value: self._set_status(v))
        self.doc_panel.document_chosen.connect(self.open_document)
        self.documents.modelReset.connect(self._on_documents_reset)
        self.span_table.selectionModel().currentRowChanged.connect(self._on_span_table_row_changed)
        self.state.selection_changed.connect(self._on_state_selection_changed)
        self._list_refresh = QTimer(self, singleShot=True, interval=300)
        self._list_refresh.timeout.connect(self._refresh_listed_documents)
        self._stale_rows: set[str] = set()
        self._checks: list[tuple[tasks.Task, list[Store]]] = []  # background span checks
        self._closing = False
        self._span_table_release = QTimer(self, singleShot=True, interval=60)
        self._span_table_release.timeout.connect(self._release_span_table)
        self._span_table_behind = False  # its selection waits for the hold to end
        # The user reaching for the list ends the hold first: a click or key then acts
        # from the row of the span that is selected now.
        for watched in (self.span_table, self.span_table.viewport()):
            watched.installEventFilter(self)
        self.state.span_changed.connect(self._hold_span_table)
        self.state.span_added.connect(self._on_state_spans_changed)
        self.state.span_removed.connect(self._on_state_spans_changed)
        self.state.span_changed.connect(self._update_status)
        self.state.document_opened.connect(self._update_status)
        self.state.document_changed.connect(
            lambda: self.documents.refresh_document(self.state.document.id)
        )

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
        a = self.annotating
        self.article.set_context_actions(
            [*actions, a.link_action, a.span_note_action, a.all_action, a.delete_action]
        )

    def reload_documents(self, select: str | None = None) -> None:
        """Query the list again; open ``select`` (or keep the open one, or the first)."""
        self.documents.refresh()
        target = select or (self.state.document.id if self.state.document else None)
        if target is None and self.documents.rowCount():
            target = self.documents.id_at(0)
        if target is not None:
            self.open_document(target)
        self._update_status()

    def open_document(self, doc_id: str, *, again: bool = False) -> None:
        if not again and self.state.document is not None and self.state.document.id == doc_id:
            self.doc_panel.select(doc_id)
            return
        try:
            doc = self.store.document(doc_id)
            shown = self._shown_annotators()
            spans = self.store.view_spans(doc, shown)  # fast; None if offsets are damaged
            stored = self.store.spans(doc_id) if spans is None else None  # all, to check
            if stored is not None:
                spans = sound(self.store.spans(doc_id, shown), len(doc.text))
            relations = self.store.relations(doc_id, shown)
        except StoreError as exc:  # a damaged file: say so, keep what is open
            QMessageBox.critical(self, "This article cannot be read", str(exc))
            return
        self.undo_stack.clear()  # undo history belongs to one document
        self.state.open(doc, spans, relations)
        self.doc_panel.select(doc_id)
        if stored is not None:
            self._warn_damaged(doc_id, self.store.verify_document(doc, stored))
        else:
            self._verify_in_background(doc_id)

    # -- whose annotations are shown ------------------------------------------------------

    LAYERS = {
        "everyone": "&Everyone's annotations",
        "mine": "Only &mine",
        "gold": "Only the &gold layer (read-only)",
    }

    def _shown_annotators(self) -> set[str] | None:
        return {"everyone": None, "mine": {self.annotator}, "gold": {GOLD}}[self.layer]

    def _locked_reason(self) -> str | None:
        if self.layer == "gold":
            return ("The gold layer is shown: it is made in Review ▸ Compare annotators. "
                    "Choose View ▸ Everyone's annotations or Only mine to annotate.")
        return None

    def show_layer(self, layer: str) -> None:
        """Show everyone's spans, only the annotator's own, or only the gold layer."""
        if layer == self.layer:
            return
        self.layer = layer
        self.layer_actions[layer].setChecked(True)
        if self.state.document is not None:
            self.open_document(self.state.document.id, again=True)
        self._update_status()

    def _verify_in_background(self, doc_id: str) -> None:
        """The stored span texts and the text's hash are checked after the article is
        shown, in a thread with its own connection (on a long article the check takes
        longer than drawing it). A check for an article no longer shown is stopped."""
        self._stop_checks(wait=False)
        file = self.store.file()
        if file is None:
            self._warn_damaged(doc_id, self.store.verify([doc_id]))
            return
        readers: list[Store] = []

        def check(progress: tasks.Progress) -> list[str]:
            progress(0, 1)  # stopped before it began: Cancelled
            reader = Store.reader(file)
            readers.append(reader)  # so that a stop can interrupt it
            try:
                progress(0, 1)  # stopped while the connection opened
                problems = reader.verify([doc_id])
                progress(1, 1)  # stopped (interrupted) meanwhile: what it found is moot
                return problems
            finally:
                reader.close()

        task = tasks.Task(check, parent=self)
        task.succeeded.connect(lambda problems: self._warn_damaged(doc_id, problems))
        task.failed.connect(lambda message: self._check_failed(doc_id, message))
        for signal in (task.succeeded, task.failed, task.cancelled):
            signal.connect(task.deleteLater)
        self._checks.append((task, readers))
        task.start()

    def checking(self) -> bool:
        """A check of stored text and spans still runs (the open article's, or one of an
        article left that has not yet seen it was stopped)."""
        return any(task.thread.is_alive() for task, _readers in self._checks)

    def _stop_checks(self, *, wait: bool) -> None:
        """Stop the checks under way; ``wait`` (before the store closes) also waits for
        them, so that the last connection to close is ours, which leaves the file at rest."""
        for task, readers in self._checks:
            task.cancel()
            for reader in readers:
                reader.interrupt()
            if wait:
                task.thread.join(30)
        self._checks = [] if wait else [(t, r) for t, r in self._checks if t.thread.is_alive()]

    def _check_failed(self, doc_id: str, message: str) -> None:
        """The check could not run (the file moved, a lock held too long): not damage."""
        if not self._closing and self.state.document and self.state.document.id == doc_id:
            self.statusBar().showMessage(f"This article could not be checked: {message}", 10000)

    def _warn_damaged(self, doc_id: str, problems: list[str]) -> None:
        if self._closing or self.state.document is None or self.state.document.id != doc_id:
            return
        if problems:
            QMessageBox.warning(self, "Damaged annotations", "\n".join(problems[:20]))

    # -- slots -------------------------------------------------------------------------------

    def _on_documents_reset(self) -> None:
        self.doc_panel.select(self.state.document.id if self.state.document else None)
        self._update_status()

    def _on_state_spans_changed(self, *_args) -> None:
        # The list's span count reloads a page of rows, and new counts relayout the status
        # bar: both are done once a burst of edits is over, not inside each one (an edit is
        # felt as fast as the article repaints).
        self._stale_rows.add(self.state.document.id)
        self._list_refresh.start()  # then the list's row and the status bar's counts
        self._hold_span_table()

    def _hold_span_table(self, *_args) -> None:
        """The span list repaints once a burst of edits settles. Painting its rows costs
        more than redrawing the article (tests/bench: 100,000 spans), and the eye is on the
        article: the list follows a moment later, once, instead of inside every edit."""
        self.span_table.setUpdatesEnabled(False)
        self._span_table_release.start()

    def _release_span_table(self, *, scroll: bool = True) -> None:
        self._span_table_release.stop()
        if self._span_table_behind:
            self._span_table_behind = False
            self._select_in_span_table(scroll=scroll)
        self.span_table.setUpdatesEnabled(True)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        if (
            event.type() in _REACHING_FOR_THE_LIST
            and self._span_table_release.isActive()
            and watched in (self.span_table, self.span_table.viewport())
        ):
            self._release_span_table(scroll=False)  # the rows stay under the pointer
        return super().eventFilter(watched, event)

    def _select_in_span_table(self, *, scroll: bool = True) -> None:
        span_id = self.state.selected
        row = self.span_model.row_of(span_id) if span_id else -1
        select_row(self.span_table, row, scroll=scroll)

    def _refresh_listed_documents(self) -> None:
        for doc_id in self._stale_rows:
            self.documents.refresh_document(doc_id)
        self._stale_rows.clear()
        self._update_status()

    def _on_done_action_triggered(self) -> None:
        if self._set_status("done"):
            self._step_document(+1, unfinished=True)

    def _on_retry_action_triggered(self) -> None:
        if not self.writer.pending:
            self.statusBar().showMessage("All changes are saved.", 4000)
        self.writer.retry()

    def _on_span_table_row_changed(self, current, _previous) -> None:
        if current.isValid():
            self.state.select(self.span_model.data(current, SpanTableModel.IdRole))

    def _on_state_selection_changed(self, span_id: str | None) -> None:
        if self._span_table_release.isActive() and not self.span_table.hasFocus():
            self._span_table_behind = True  # held during a burst of edits: follows after
        else:
            self._select_in_span_table()
        if span_id is None or span_id not in self.state.spans:
            return
        if not self.article.text.hasFocus() or self.article.selection_range() is None:
            self.article.show_span(self.state.spans.get(span_id))

    def _on_import_action_triggered(self) -> None:
        from annotator.formats.reading import SUPPORTED  # formats load when first used

        patterns = " ".join(f"*{suffix}" for suffix in SUPPORTED)
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Import articles", "", f"Articles and datasets ({patterns});;All files (*)"
        )
        if paths:
            self.import_files([Path(p) for p in paths])

    def import_files(self, paths: list[Path]) -> tasks.Task:
        """Import in a worker thread (its own connection) behind a progress dialog."""
        db_path, annotator = self.store.path, self.annotator

        def work(progress: tasks.Progress) -> ImportSummary:
            from annotator.core.bulk import collector_paused, let_go
            from annotator.formats.reading import read_paths

            # As the command line does: no cycle collection over what is read until it is
            # stored and gone (a pass over a large corpus would hold the window for 0.2 s),
            # and what is read is let go of a slice at a time.
            with collector_paused():
                documents = read_paths(paths)
                total = len(documents)
                try:
                    with Store.open(db_path) as store:
                        return store.import_documents(
                            documents, annotator=annotator,
                            progress=lambda done: progress(done, total),
                        )
                finally:
                    let_go(documents)

        task = tasks.run_with_progress(self, "Importing articles…", work)
        task.succeeded.connect(self._on_import_succeeded)
        task.failed.connect(
            lambda message: QMessageBox.critical(
                self, "Import failed; nothing was imported", message
            )
        )
        task.cancelled.connect(
            lambda: self.statusBar().showMessage("Import cancelled; nothing was imported.", 8000)
        )
        self.task = task
        task.start()
        return task

    def _on_import_succeeded(self, summary: ImportSummary) -> None:
        self.reload_labels()
        self.reload_documents()
        self.statusBar().showMessage("Imported: " + summary.describe(), 10000)

    def _on_export_action_triggered(self) -> None:
        target, _ = QFileDialog.getSaveFileName(
            self, "Export annotations", "annotations.jsonl", "JSON Lines (*.jsonl)"
        )
        if target:
            self.export_file(Path(target))

    def export_file(self, target: Path) -> tasks.Task:
        """Export in a worker thread; Cancel leaves the previous file as it was."""
        db_path = self.store.path

        def work(progress: tasks.Progress) -> int:
            from annotator.formats import exporting  # formats load when first used

            with Store.open_readonly(db_path) as store:
                total, done = store.document_count(), [0]

                def one_more() -> None:
                    done[0] += 1
                    progress(done[0], total)

                progress(0, total)
                report = exporting.export(
                    store, target, exporting.formats()["jsonl"], on_document=one_more
                )
                return report.documents

        task = tasks.run_with_progress(self, "Exporting…", work)
        task.succeeded.connect(
            lambda count: self.statusBar().showMessage(
                f"Exported {count} document(s) to {target}", 10000
            )
        )
        task.failed.connect(lambda message: QMessageBox.critical(self, "Export failed", message))
        task.cancelled.connect(
            lambda: self.statusBar().showMessage("Export cancelled; the file was not changed.", 8000)
        )
        self.task = task
        task.start()
        return task

    # -- review ------------------------------------------------------------------------------

    def _on_export_review_action_triggered(self) -> None:
        if self.store.path is None:
            return
        target, _ = QFileDialog.getSaveFileName(
            self, "Export for review", f"{self.store.path.stem}-{self.annotator}.db",
            "Annotator databases (*.db)",
        )
        if target:
            self.export_for_review(Path(target))

    def export_for_review(self, target: Path) -> tasks.Task:
        """A snapshot of this database to send to a reviewer, made in a worker thread."""
        task = review_share.export_snapshot(self, self.store.path, target)
        task.succeeded.connect(
            lambda path: self.statusBar().showMessage(
                f"Exported for review: {path} (send this file; it is complete by itself)", 12000
            )
        )
        task.failed.connect(
            lambda message: QMessageBox.critical(self, "Export for review failed", message)
        )
        self.task = task
        task.start()
        return task

    def _on_open_review_action_triggered(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Open annotators' databases for review", "",
            "Annotator databases (*.db);;All files (*)",
        )
        if paths:
            self.open_for_review([Path(p) for p in paths])

    def open_for_review(self, paths: list[Path]) -> tasks.Task:
        """Copy annotators' databases into this one, in a worker thread, all or nothing."""
        task = review_share.open_for_review(self, self.store.path, paths)
        task.succeeded.connect(self._on_open_review_succeeded)
        task.failed.connect(
            lambda message: QMessageBox.critical(
                self,
                "Not opened for review; nothing was imported",
                f"{message}\n\nNothing was imported; the chosen files were only read.",
            )
        )
        task.cancelled.connect(
            lambda: self.statusBar().showMessage("Cancelled; nothing was imported.", 8000)
        )
        self.task = task
        task.start()
        return task

    def _on_open_review_succeeded(self, summary: ImportSummary) -> None:
        self.reload_labels()
        self.reload_documents()
        self.reopen_document()  # the open article has the received spans now
        if self.review_window is not None:
            self.review_window.reload()
        if self.agreement_dialog is not None:
            self.agreement_dialog.refresh()
        self.statusBar().showMessage("Opened for review: " + summary.describe(), 12000)

    def _on_compare_action_triggered(self) -> None:
        from annotator.gui.review_window import ReviewWindow

        if self.review_window is None:
            self.review_window = ReviewWindow(
                store=self.store, reviewer=lambda: self.annotator, report=self._report,
                parent=self,
            )
            self.review_window.gold_changed.connect(self._on_review_window_gold_changed)
        if self.state.document is not None:
            self.review_window.open_document(self.state.document.id)
        else:
            self.review_window.reload()
        self.review_window.show()
        self.review_window.raise_()
        self.review_window.activateWindow()

    def _on_review_window_gold_changed(self, doc_id: str) -> None:
        self.documents.refresh_document(doc_id)
        if self.state.document is not None and self.state.document.id == doc_id:
            self.reopen_document()  # the gold spans are shown with everyone's

    def _on_agreement_action_triggered(self) -> None:
        from annotator.gui.agreement_view import AgreementDialog

        if self.agreement_dialog is None:
            self.agreement_dialog = AgreementDialog(self.store, parent=self)
        else:
            self.agreement_dialog.refresh()
        self.agreement_dialog.show()
        self.agreement_dialog.raise_()

    def _on_color_scheme_changed(self, *_args) -> None:
        theme.apply(QApplication.instance())
        self.reload_labels()  # tints are mixed into the page colour: draw them again

    def _on_scheme_action_triggered(self) -> None:
        from annotator.gui.annotate.scheme_dialog import SchemeDialog

        if SchemeDialog(self.store, parent=self).exec():
            self.reload_labels()
            self.reopen_document()

    def reopen_document(self) -> None:
        """Read the open document again (after a scheme change renamed or removed labels)."""
        if self.state.document is not None:
            self.open_document(self.state.document.id, again=True)

    def _on_shortcuts_action_triggered(self) -> None:
        from annotator.gui.shortcuts import ShortcutSheet

        ShortcutSheet(self).exec()

    def _on_name_action_triggered(self) -> None:
        name, ok = QInputDialog.getText(
            self,
            "Annotator name",
            "Your name, recorded on every span you make:",
            text=self.annotator,
        )
        if ok and name.strip():
            from annotator.core.annotators import reserved_name_problem

            problem = reserved_name_problem(name)
            if problem:
                QMessageBox.warning(self, "Annotator name", f"Not changed: {problem}.")
                return
            self.annotator = name.strip()
            settings.set_annotator_name(self.annotator)
            self.documents.annotator = self.annotator
            self.documents.refresh()
            if self.layer == "mine" and self.state.document is not None:
                self.open_document(self.state.document.id, again=True)  # the new name's own
            self._update_status()

    # -- helpers -----------------------------------------------------------------------------

    def _report(self, error: StoreError) -> None:
        QMessageBox.critical(
            self,
            "Not saved",
            f"{error}\n\nYour change is kept in the window, not lost: it is saved when you "
            "choose File ▸ Retry saving (Ctrl+S) or make your next edit.",
        )

    def _show_store_warnings(self) -> None:
        QMessageBox.warning(self, "Is this database safe here?", "\n\n".join(self.store.warnings))

    def _show_save_state(self) -> None:
        """The status bar says "saved" only when every edit is committed."""
        writer, n = self.writer, len(self.writer.pending)
        self.retry_button.setVisible(writer.failed)
        if not n:
            self.saved_label.setText(f"✓ All changes saved · {self.annotator}")
            self.saved_label.setToolTip("")
        elif writer.failed:
            self.saved_label.setText(f"⚠ {n} change(s) not saved yet")
            self.saved_label.setToolTip(str(writer.trouble))
        else:
            self.saved_label.setText(f"Saving {n} change(s)…")
            self.saved_label.setToolTip(
                "Another program is writing to the database; your changes are saved as soon "
                "as it has finished." if writer.waiting else ""
            )

    def _step_document(self, step: int, *, unfinished: bool = False) -> None:
        """Open the next (or previous) article of the list, or the next not yet done."""
        if not self.documents.rowCount():
            return
        row = self.documents.row_of(self.state.document.id if self.state.document else None)
        done = self.store.done_ids(self.annotator) if unfinished else set()
        row += step
        while 0 <= row < self.documents.rowCount():
            doc_id = self.documents.id_at(row)
            if doc_id not in done:
                self.open_document(doc_id)
                return
            row += step
        where = "unfinished article" if unfinished else "article"
        self.statusBar().showMessage(f"No {'next' if step > 0 else 'previous'} {where}.", 5000)

    def _set_status(self, status: str) -> bool:
        """Through the writer like every edit; True if it is saved already."""
        if self.state.document is None:
            return False
        store, doc_id, who = self.store, self.state.document.id, self.annotator

        def show(_) -> None:
            self.documents.refresh_document(doc_id)
            self._update_status()

        write = writer.Write(
            f"Mark as {status}", lambda: store.set_status(doc_id, who, status), show
        )
        self.writer.submit(write)
        return write.done

    def _update_status(self, *_args) -> None:
        n = self.documents.rowCount()
        i = self.documents.row_of(self.state.document.id if self.state.document else None) + 1
        shown = f"Document {i} of {n}" if i else f"{n} document(s) shown"
        status = (
            DocumentTableModel.STATUS_TEXT[
                self.store.status(self.state.document.id, self.annotator)
            ]
            if self.state.document
            else ""
        )
        layer = {"everyone": "", "mine": "only mine", "gold": "gold layer"}[self.layer]
        parts = [shown, status, layer]
        self.position_label.setText(" · ".join(p for p in parts if p))
        counts = self.state.spans.counts()
        names = [name for name, label in self.state.labels.items() if label.kind == "span"]
        self.counts_label.setText("  ".join(f"{name} {counts.get(name, 0)}" for name in names))
        self._show_save_state()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        if self._closing:  # closed before: its store is closed already
            super().closeEvent(event)
            return
        if self.writer.pending:
            self.writer.retry()
        if self.writer.pending and not self._lose_unsaved_changes():
            event.ignore()
            return
        self.writer.stop()
        self._list_refresh.stop()  # nothing may read the store once it is closed
        self._span_table_release.stop()
        self._closing = True
        self._stop_checks(wait=True)
        self.documents.release()
        self.store.close()
        super().closeEvent(event)

    def _lose_unsaved_changes(self) -> bool:
        answer = QMessageBox.warning(
            self,
            "Changes not saved",
            f"{len(self.writer.pending)} change(s) could not be saved yet:\n"
            f"{self.writer.trouble}\n\nQuit anyway and lose them?",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Discard


def _table(model, name: str, *, stretch: int) -> QTableView:
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
