"""The menus of the annotating window and the actions in them, made in one place (as
Picard's ``ui/mainwindow/actions``): :class:`MainActions` builds them on the window and
holds them; the window connects them to what they do."""

from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QUndoStack
from PySide6.QtWidgets import QMainWindow

from annotator.core.vocabulary import VIEW_LAYERS
from annotator.gui.about import add_help_menu
from annotator.gui.annotate.annotating import Annotating
from annotator.gui.models import DocumentTableModel

# Whose spans the article shows, as the View menu offers it.
LAYERS = VIEW_LAYERS
# Which links the article draws (View ▸ Links), in the order Ctrl+K steps through them.
LINK_MODES = {"all": "&All links", "selected": "&Selected span's links", "none": "&No links"}


class MainActions:
    """File, Edit, Label, Go, Status, View and Review, with their keys. The label menu is
    filled by the window whenever the scheme changes."""

    def __init__(
        self, window: QMainWindow, annotating: Annotating, undo_stack: QUndoStack, *,
        layer: str, shareable: bool,
    ) -> None:
        menus = window.menuBar()
        self._file(menus.addMenu("&File"), shareable)
        self.edit_menu = menus.addMenu("&Edit")
        self.undo_action = undo_stack.createUndoAction(window, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = undo_stack.createRedoAction(window, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.delete_action = annotating.delete_action
        self.name_action = QAction("Annotator &name…", window)
        self.label_menu = menus.addMenu("&Label")
        go = menus.addMenu("&Go")
        self._go(go)
        self._status(menus.addMenu("&Status"))
        window.addActions([self.next_doc_action, self.prev_doc_action, self.next_open_action,
                           self.prev_open_action, self.search_action, self.done_action,
                           self.follow_action])
        self._edit(window, annotating)
        go.insertActions(go.actions()[0], [annotating.next_span_action,
                                           annotating.prev_span_action])
        self._view(window, menus.addMenu("&View"), annotating, layer)
        window.addActions([self.undo_action, self.redo_action, self.shortcuts_action,
                           self.scheme_action])
        review = menus.addMenu("&Review")
        self.compare_action = review.addAction(
            "&Compare annotators…", QKeySequence("Ctrl+Shift+R")
        )
        self.agreement_action = review.addAction("&Agreement…")
        window.addActions([self.compare_action])
        self.about_action, self.report_action = add_help_menu(window, menus)

    def _file(self, menu, shareable: bool) -> None:
        self.open_db_action = menu.addAction("&Open database…", QKeySequence.StandardKey.Open)
        self.recent_menu = menu.addMenu("Recent &databases")  # filled by databases.py
        menu.addSeparator()
        self.import_action = menu.addAction("&Import articles…", QKeySequence("Ctrl+I"))
        self.import_folder_action = menu.addAction("Import &folder…")
        self.export_action = menu.addAction("&Export…", QKeySequence("Ctrl+E"))
        self.retry_action = menu.addAction("&Retry saving", QKeySequence("Ctrl+S"))
        menu.addSeparator()
        self.export_review_action = menu.addAction("Export for revie&w…")
        self.open_review_action = menu.addAction("Open for re&view…")
        for action in (self.export_review_action, self.open_review_action):
            action.setEnabled(shareable)  # not for an in-memory database
        menu.addSeparator()
        self.quit_action = menu.addAction("&Quit", QKeySequence.StandardKey.Quit)

    def _go(self, go) -> None:
        self.next_doc_action = go.addAction("&Next article", QKeySequence("Ctrl+PgDown"))
        self.prev_doc_action = go.addAction("&Previous article", QKeySequence("Ctrl+PgUp"))
        self.next_open_action = go.addAction(
            "Next &unfinished article", QKeySequence("Ctrl+Shift+PgDown")
        )
        self.prev_open_action = go.addAction(
            "Previous u&nfinished article", QKeySequence("Ctrl+Shift+PgUp")
        )
        go.addSeparator()
        self.follow_action = go.addAction("&Follow link (to the other end)", QKeySequence("Ctrl+J"))
        self.search_action = go.addAction("&Search all articles", QKeySequence("Ctrl+Shift+F"))

    def _status(self, status) -> None:
        self.done_action = status.addAction(
            "Mark &done and go to the next unfinished", QKeySequence("Ctrl+Return")
        )
        self.status_actions = {
            value: status.addAction(f"Mark as {text.lower()}")
            for value, text in DocumentTableModel.STATUS_TEXT.items()
        }

    def _edit(self, window: QMainWindow, a: Annotating) -> None:
        menu = self.edit_menu
        menu.addActions([self.undo_action, self.redo_action])
        menu.addSeparator()
        menu.addActions([a.delete_action, a.link_action, a.relation_type_action,
                         a.all_action, a.quote_action, a.span_note_action, a.doc_note_action])
        menu.addSeparator()
        menu.addActions([a.find_action, a.find_next_action, a.find_prev_action])
        menu.addSeparator()
        self.scheme_action = QAction("Label &scheme…", window)
        self.scheme_action.setShortcut(QKeySequence("Ctrl+Shift+L"))
        menu.addActions([a.snap_action, self.scheme_action, self.name_action])

    def _view(self, window: QMainWindow, view, a: Annotating, layer: str) -> None:
        view.addActions([a.zoom_in_action, a.zoom_out_action, a.zoom_reset_action])
        view.addSeparator()
        layers = QActionGroup(window)
        self.layer_actions: dict[str, QAction] = {}
        for name, text in LAYERS.items():
            action = layers.addAction(text)
            action.setCheckable(True)
            action.setChecked(name == layer)
            self.layer_actions[name] = action
        view.addActions(layers.actions())
        view.addSeparator()
        self._links(window, view)
        view.addSeparator()
        self.shortcuts_action = view.addAction("&Keyboard shortcuts")
        self.shortcuts_action.setShortcuts([QKeySequence("F1"), QKeySequence("?")])

    def _links(self, window: QMainWindow, view) -> None:
        """Links drawn in the text (all, the selected span's, none) and the label tags;
        the window remembers the choice (gui/annotate/links_drawn.py)."""
        links = view.addMenu("&Links")
        group = QActionGroup(window)
        self.links_actions: dict[str, QAction] = {}
        for mode, text in LINK_MODES.items():
            action = group.addAction(text)
            action.setCheckable(True)
            self.links_actions[mode] = action
        links.addActions(group.actions())
        links.addSeparator()
        self.links_cycle_action = links.addAction("&Next links setting", QKeySequence("Ctrl+K"))
        self.tags_action = view.addAction("Label &tags", QKeySequence("Ctrl+Shift+K"))
        self.tags_action.setCheckable(True)
        window.addActions([self.links_cycle_action, self.tags_action])
