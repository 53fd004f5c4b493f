"""The annotating window composes the views and connects user actions to what does them.
It decides nothing: rules are in core, persistence in the store, drawing in the views;
menus are made in actions.py, the status bar is statusbar.py, long work is in jobs.py."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QHeaderView,
    QInputDialog,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QToolBar,
)

from annotator import settings
from annotator.core.annotators import GOLD
from annotator.core.spanset import sound
from annotator.core.vocabulary import ALL, GOLD_LAYER, MINE
from annotator.gui import resources_qt, tasks, theme, writer
from annotator.gui.annotate import databases, remembered
from annotator.gui.annotate.actions import MainActions
from annotator.gui.annotate.annotating import Annotating
from annotator.gui.annotate.article_view import ArticleView
from annotator.gui.annotate.auto_suggest import AutoSuggest
from annotator.gui.annotate.browsing import Browsing
from annotator.gui.annotate.document_panel import DocumentPanel
from annotator.gui.annotate.dropping import DropImport
from annotator.gui.annotate.jobs import Checks, Jobs
from annotator.gui.annotate.label_bar import LabelActions
from annotator.gui.annotate.links_drawn import DrawnLinks
from annotator.gui.annotate.lists import SpanList, table
from annotator.gui.annotate.state import DocumentState
from annotator.gui.annotate.statusbar import StatusBar
from annotator.gui.annotate.suggesting import Suggesting
from annotator.gui.annotate.team import TeamSync
from annotator.gui.models import DocumentTableModel, RelationTableModel, SpanTableModel
from annotator.gui.team import menu as team_menu
from annotator.store import Store, StoreError


class MainWindow(QMainWindow):
    def __init__(self, *, store: Store, annotator: str) -> None:
        super().__init__()
        self.store = store
        self.annotator = annotator
        self.layer = ALL  # whose spans the article shows: all, mine or gold (core/vocabulary.py)
        self.state = DocumentState(parent=self)
        self.undo_stack = QUndoStack(self)
        self.writer = writer.Writer(store, report=self._report, parent=self)
        self.documents = DocumentTableModel(store, annotator=annotator, parent=self)
        self.span_model = SpanTableModel(self.state, parent=self)
        self.label_actions = LabelActions(parent=self)
        self.review_window = None  # Review ▸ Compare annotators, made when first asked for
        self.agreement_dialog = None
        self._closing = False

        self.article = ArticleView(self.state, parent=self)
        self.article.annotator = lambda: self.annotator
        self.article.status_text = self._status_text
        self.doc_panel = DocumentPanel(self.documents, parent=self)
        self.span_list = SpanList(self.span_model, self.state, parent=self)
        self.span_table = self.span_list.table
        self.relation_model = RelationTableModel(self.state, parent=self)
        self.relation_table = table(self.relation_model, "relationTable", stretch=0)
        self.relation_table.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.Stretch
        )
        lists = QSplitter(Qt.Orientation.Vertical, objectName="listsSplitter")
        lists.addWidget(self.span_list.widget)
        lists.addWidget(self.relation_table)
        lists.setSizes([520, 220])
        splitter = QSplitter(Qt.Orientation.Horizontal, objectName="mainSplitter")
        splitter.addWidget(self.doc_panel)
        splitter.addWidget(self.article)
        splitter.addWidget(lists)
        splitter.setStretchFactor(1, 1)
        # the span list wide enough to read a span's text beside its label and place
        splitter.setSizes([340, 600, 380])  # the article list: headlines on two lines
        self.setCentralWidget(splitter)
        self.splitters = {"main": splitter, "lists": lists}
        self.remembered_tables = {
            "documents": self.doc_panel.table, "spans": self.span_table,
            "links": self.relation_table,
        }
        self.label_bar = QToolBar("Labels", objectName="labelBar", movable=False)
        self.label_bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.label_bar)

        self.annotating = Annotating(
            window=self, store=store, state=self.state, article=self.article,
            undo_stack=self.undo_stack, relation_table=self.relation_table,
            annotator=lambda: self.annotator, report=self._report,
            say=lambda text: self.statusBar().showMessage(text, 8000),
            locked=self._locked_reason,
        )
        self.annotating.reveal = self._reveal_for_undo  # undo lasts the session, across articles
        size = settings.load().get("reading_point_size")
        if isinstance(size, int | float):
            self.article.zoom(size - self.article.text.font().pointSizeF())
        self.menus = MainActions(self, self.annotating, self.undo_stack, layer=self.layer,
                                   shareable=store.path is not None)
        self._add_span_list_menu()
        self.drawn_links = DrawnLinks(
            window=self, article=self.article, state=self.state, annotating=self.annotating,
            relation_table=self.relation_table, menus=self.menus,
            say=lambda text: self.statusBar().showMessage(text, 8000),
        )
        self.setStatusBar(StatusBar(
            store=store, state=self.state, documents=self.documents, writer=self.writer,
            annotator=lambda: self.annotator, layer=lambda: self.layer,
            retry_action=self.menus.retry_action, parent=self,
        ))
        self.suggesting = Suggesting(self)  # the suggestion layer: suggesting.py
        self.auto_suggest = AutoSuggest(self, self.suggesting.menu)  # off the GUI thread
        self.jobs = Jobs(self)
        self.checks = Checks(store=store, state=self.state, window=self)
        self.browsing = Browsing(
            store=store, state=self.state, documents=self.documents, panel=self.doc_panel,
            writer=self.writer, annotator=lambda: self.annotator,
            open_document=self.open_document, refresh_status=self.refresh_status,
            say=self.statusBar().showMessage, push=self.annotating.push, parent=self,
        )
        self._connect_signals()
        self.team = TeamSync(self)  # File ▸ Team hub; syncs in the background once connected
        self.hub_url = lambda: self.team.url  # Team ▸ Progress… reads the same hub
        self.setWindowTitle(databases.title(store.path, annotator))
        self.databases = databases.Databases(self, open_action=self.menus.open_db_action,
                                             recent_menu=self.menus.recent_menu)
        self.drops = DropImport(self, self.jobs.open_import_dialog)
        team_menu.install(self)  # Team ▸ Progress… (gui/team/)
        self.setWindowIcon(resources_qt.app_icon())
        screen = QApplication.primaryScreen().availableGeometry()
        self.resize(min(1320, int(screen.width() * 0.95)), min(860, int(screen.height() * 0.92)))
        self.reload_labels()
        self._restore_layout()
        self.reload_documents(remembered.last_article(store.path))
        self.article.text.setFocus()  # the work starts in the article, not in a search box
        if store.warnings:  # once, when the event loop runs and the window is up
            QTimer.singleShot(0, self._show_store_warnings)

    def _add_span_list_menu(self) -> None:
        """View ▸ the span list's label filter, above the keyboard shortcuts (found by the
        menu's title, so actions.py stays as it is)."""
        view = next(a.menu() for a in self.menuBar().actions() if a.text() == "&View")
        before = self.menus.shortcuts_action
        view.insertActions(
            before, [self.span_list.next_filter_action, self.span_list.prev_filter_action]
        )
        view.insertSeparator(before)

    def _connect_signals(self) -> None:
        a, jobs, browsing = self.menus, self.jobs, self.browsing
        self.label_actions.triggered.connect(  # with a suggestion current: accept it as
            lambda label: self.suggesting.take_label(label) or self.annotating.apply_label(label))
        self.label_actions.document_triggered.connect(self.annotating.toggle_document_label)
        self.state.document_labels_changed.connect(self._check_document_labels)
        self.state.document_opened.connect(self._check_document_labels)
        a.shortcuts_action.triggered.connect(self._on_shortcuts_action_triggered)
        a.scheme_action.triggered.connect(self._on_scheme_action_triggered)
        QApplication.styleHints().colorSchemeChanged.connect(self._on_color_scheme_changed)
        a.import_action.triggered.connect(jobs.choose_import)
        a.import_folder_action.triggered.connect(jobs.choose_import_folder)
        a.export_action.triggered.connect(jobs.choose_export)
        a.export_review_action.triggered.connect(jobs.choose_export_for_review)
        a.open_review_action.triggered.connect(jobs.choose_open_for_review)
        a.compare_action.triggered.connect(self._on_compare_action_triggered)
        a.agreement_action.triggered.connect(self._on_agreement_action_triggered)
        a.quit_action.triggered.connect(self.close)
        a.name_action.triggered.connect(self._on_name_action_triggered)
        a.next_doc_action.triggered.connect(lambda: browsing.step(+1))
        a.prev_doc_action.triggered.connect(lambda: browsing.step(-1))
        a.next_open_action.triggered.connect(lambda: browsing.step(+1, unfinished=True))
        a.prev_open_action.triggered.connect(lambda: browsing.step(-1, unfinished=True))
        a.search_action.triggered.connect(self.doc_panel.focus_search)
        self.doc_panel.search_opened.connect(self.article.find_panel.show_search)  # its hits
        a.done_action.triggered.connect(browsing.done_and_next)
        for value, action in a.status_actions.items():
            action.triggered.connect(lambda _c=False, v=value: browsing.set_status(v))
        for layer, action in a.layer_actions.items():
            action.triggered.connect(lambda _c=False, layer=layer: self.show_layer(layer))
        self.doc_panel.document_chosen.connect(self.open_document)
        self.state.span_changed.connect(self.statusBar().refresh)
        self.state.document_opened.connect(self.statusBar().refresh)

    @property
    def task(self) -> tasks.Task | None:
        """The import or export under way, if any."""
        return self.jobs.task

    # -- loading -----------------------------------------------------------------------------

    def reload_labels(self) -> None:
        labels = self.store.labels(None)
        self.state.set_labels(labels)
        actions = self.label_actions.rebuild(labels)
        whole = self.label_actions.document_actions  # labels of the whole article
        self.label_bar.clear()
        self.label_bar.addActions(actions)
        self.menus.label_menu.clear()
        self.menus.label_menu.addActions(actions)
        if whole:
            self.label_bar.addSeparator()
            self.label_bar.addActions(whole)
            self.menus.label_menu.addSection("Whole article")
            self.menus.label_menu.addActions(whole)
        self.addActions(actions + whole)
        self._check_document_labels()
        a = self.annotating
        self.article.set_context_actions(
            [*actions, a.link_action, a.span_note_action, a.all_action, a.delete_action]
        )

    def _restore_layout(self) -> None:
        """The layout and the document list's sort of the last session (remembered.py)."""
        if remembered.restore(self, splitters=self.splitters, tables=self.remembered_tables,
                              shown_by_user=("documents",)):
            self.span_list.keep_widths()
            self.doc_panel.columns_restored()
        column, order = remembered.sort_of(self.doc_panel.table)
        if 0 <= column < len(self.documents.ORDERS):  # read by the refresh that follows
            self.documents.order = self.documents.ORDERS[column]
            self.documents.descending = order == Qt.SortOrder.DescendingOrder

    def reload_documents(self, select: str | None = None) -> None:
        """Query the list again; open ``select`` (or keep the open one, or the first)."""
        self.documents.refresh()
        if select is not None and self.documents.row_of(select) < 0:
            select = None  # gone since (the remembered article of a database)
        target = select or (self.state.document.id if self.state.document else None)
        if target is None and self.documents.rowCount():
            target = self.documents.id_at(0)
        if target is not None:
            self.open_document(target)
        self.statusBar().refresh()

    def open_document(self, doc_id: str, *, again: bool = False) -> None:
        if not again and self.state.document is not None and self.state.document.id == doc_id:
            self.doc_panel.select(doc_id)
            return
        try:
            doc = self.store.document(doc_id)
            shown = {ALL: None, MINE: {self.annotator}, GOLD_LAYER: {GOLD}}[self.layer]
            spans = self.store.view_spans(doc, shown)  # fast; None if offsets are damaged
            stored = self.store.spans(doc_id) if spans is None else None  # all, to check
            if stored is not None:
                spans = sound(self.store.spans(doc_id, shown), len(doc.text))
            relations = self.store.relations(doc_id, shown)
            document_labels = self.store.document_labels(doc_id, shown)
        except StoreError as exc:  # a damaged file: say so, keep what is open
            QMessageBox.critical(self, "This article cannot be read", str(exc))
            return
        self.state.open(doc, spans, relations, document_labels)
        self.doc_panel.select(doc_id)
        if stored is not None:
            self.checks.warn(doc_id, self.store.verify_document(doc, stored))
        else:
            self.checks.start(doc_id)

    def _reveal_for_undo(self, doc_id: str) -> None:
        """Where an undone edit shows: its article, with the annotators' spans (not gold)."""
        if self.layer == GOLD_LAYER:
            self.show_layer(ALL)
        self.open_document(doc_id)

    def _status_text(self) -> str:
        doc = self.state.document
        if doc is None or self._closing:
            return ""
        return DocumentTableModel.STATUS_TEXT[self.store.status(doc.id, self.annotator)]

    def refresh_status(self) -> None:
        """The status bar and the article's header say the article's status again."""
        self.statusBar().refresh()
        self.article.show_header()

    def _check_document_labels(self) -> None:
        mine = {d.label for d in self.state.document_labels if d.annotator == self.annotator}
        self.label_actions.check(mine)

    def reopen_document(self) -> None:
        """Read the open document again (after a scheme change renamed or removed labels)."""
        if self.state.document is not None:
            self.open_document(self.state.document.id, again=True)

    def checking(self) -> bool:
        """A check of stored text and spans still runs (see jobs.Checks)."""
        return self.checks.running()

    def import_files(self, paths: list[Path], *, skip_invalid: bool = False) -> tasks.Task:
        return self.jobs.import_files(paths, skip_invalid=skip_invalid)

    def export_file(self, target: Path) -> tasks.Task:
        return self.jobs.export_file(target)

    # -- whose annotations are shown ------------------------------------------------------

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
        self.menus.layer_actions[layer].setChecked(True)
        if self.state.document is not None:
            self.open_document(self.state.document.id, again=True)
        self.statusBar().refresh()

    # -- other windows and dialogs --------------------------------------------------------

    def _on_compare_action_triggered(self) -> None:
        from annotator.gui.review.window import ReviewWindow

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
        from annotator.gui.review.agreement_view import AgreementDialog

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
            self.undo_stack.clear()  # its edits may name labels renamed or removed since
            self.reload_labels()
            self.reopen_document()

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
            if self.layer == MINE and self.state.document is not None:
                self.open_document(self.state.document.id, again=True)  # the new name's own
            self._check_document_labels()
            self.article.show_document_labels()
            self.refresh_status()
            self.setWindowTitle(databases.title(self.store.path, self.annotator))

    # -- saving and closing ------------------------------------------------------------------

    def _report(self, error: StoreError) -> None:
        QMessageBox.critical(
            self,
            "Not saved",
            f"{error}\n\nYour change is kept in the window, not lost: it is saved when you "
            "choose File ▸ Retry saving (Ctrl+S) or make your next edit.",
        )

    def _show_store_warnings(self) -> None:
        QMessageBox.warning(self, "Is this database safe here?", "\n\n".join(self.store.warnings))

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
        remembered.save(
            self, database=self.store.path,
            article=self.state.document.id if self.state.document else None,
            splitters=self.splitters, tables=self.remembered_tables,
        )
        self.team.stop()  # the sync threads end before the file is closed
        self.auto_suggest.stop()  # a long article's suggesters' process ends with the window
        self.browsing.stop()  # nothing may read the store once it is closed
        self.span_list.stop()
        self._closing = True
        self.checks.stop(wait=True)
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
