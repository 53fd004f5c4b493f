"""The window's Team menu (Team ▸ Progress…), installed by one call from the main window,
and what it needs from it: the hub's address, and opening an article in Compare annotators."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMainWindow

from annotator.gui.about import menu_before_help

if TYPE_CHECKING:
    from annotator.gui.team.progress import ProgressDialog


def install(window: QMainWindow) -> None:
    menu = menu_before_help(window, "&Team")
    action = menu.addAction("&Progress…", QKeySequence("Ctrl+Shift+T"))
    action.setToolTip("The team's progress on the hub (reviewers and the lead)")
    window.addAction(action)
    window.team_progress_action = action
    window.team_progress = None
    action.triggered.connect(lambda: show_progress(window))


def hub_url(window: QMainWindow) -> str | None:
    """The hub this window works with: the connection's (``window.hub_url``, set when the
    file is connected), the one the file last synced with, $ANNOTATOR_HUB_URL, or asked."""
    url = getattr(window, "hub_url", None)
    if callable(url):
        url = url()
    url = url or window.store.sync_state().get("url") or os.environ.get("ANNOTATOR_HUB_URL")
    if url:
        return url
    text, ok = QInputDialog.getText(
        window, "Team progress", "The hub's address (as for annotator sync), e.g.\n"
        "postgresql://rita@hub.example.org/newsroom", QLineEdit.EchoMode.Normal, "")
    if not ok or not text.strip():
        return None
    window.hub_url = text.strip()
    return window.hub_url


def show_progress(window: QMainWindow) -> ProgressDialog | None:
    url = hub_url(window)
    if not url:
        window.statusBar().showMessage("Team progress needs the hub's address.", 5000)
        return None
    # (loaded here: its dialogs, the hub's lead commands and the importers behind them are
    # not what every start of the window needs)
    from annotator.gui.team.progress import ProgressDialog

    dialog = window.team_progress
    if dialog is None or dialog.url != url:
        dialog = ProgressDialog(url, open_review=lambda doc: open_in_compare(window, doc),
                                parent=window)
        window.team_progress = dialog
    else:
        dialog.refresh()
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog


def open_in_compare(window: QMainWindow, doc_id: str) -> str | None:
    """Open ``doc_id`` in Compare annotators; a message when it cannot be."""
    try:
        window.store.document(doc_id)
    except KeyError:
        return ("That article is not in your file yet: sync it with the hub first "
                "(annotator sync DB URL), then open it again.")
    window.open_document(doc_id)
    window.menus.compare_action.trigger()
    return None
