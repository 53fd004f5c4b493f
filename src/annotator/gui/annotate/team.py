"""The window's team hub (File ▸ Team hub): connect once, then sync without thinking.

- Connect… checks the address and name in a thread and remembers the connection for this file
  (without a password: sync/joining.py); the next start reconnects by itself.
- Edits are committed in the file by the window's writer first; ~2 s after the last one the
  sync thread pushes them (gui/annotate/team_worker.py). The hub's news (LISTEN) wakes it too,
  and what it pulled is shown in the open article without resetting its undo history.
- The status bar says the engine's state ("Synced", "3 changes waiting", "Offline since 10:02
  (your work is kept)", "1 conflict"); a click explains it and offers Retry.

Other parts add their entries to the same menu with :func:`team_menu`.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox, QToolButton

from annotator import settings
from annotator.core.errors import AnnotatorError
from annotator.gui.annotate.team_dialogs import ConflictsDialog, ConnectDialog
from annotator.gui.annotate.team_worker import HubLink
from annotator.sync import joining
from annotator.sync.connection import shown_url

SETTING = "team_hubs"  # {database path: hub URL without password}
MENU_TITLE = "&Team hub"
DEBOUNCE_MS = 2000  # after the last edit: a burst of edits is one push


def team_menu(window: QMainWindow) -> QMenu:
    """File ▸ Team hub, made once (above Quit); every part of the window that adds a team
    entry gets it here."""
    found = window.findChild(QMenu, "teamHubMenu")
    if found is not None:
        return found
    file_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&File")
    menu = QMenu(MENU_TITLE, file_menu, objectName="teamHubMenu")
    quit_action = file_menu.actions()[-1]
    file_menu.insertMenu(quit_action, menu)
    file_menu.insertSeparator(quit_action)
    return menu


class TeamSync(QObject):
    """One per window. ``link`` is the running HubLink, or None when not connected."""

    pulled = Signal(object)  # SyncReport that brought something: review views may refresh

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.link: HubLink | None = None
        self.url: str | None = None
        self.state = None  # the last SyncState
        self.report = None  # the last SyncReport
        self._rules_said = ""  # the hub's link rules this file could not take, as last said
        self.connect_dialog: ConnectDialog | None = None
        self.conflicts_dialog: ConflictsDialog | None = None
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self.sync_now)
        self.button = QToolButton(objectName="hubState", autoRaise=True)
        self.button.clicked.connect(self.explain)
        self.button.hide()
        window.statusBar().addPermanentWidget(self.button)
        self._menu(team_menu(window))
        window.writer.changed.connect(self._on_writer_changed)
        # after the window's own slot has taken the new name
        window.menus.name_action.triggered.connect(self._check_name)
        self._enable()
        url = remembered(window.store.path)
        if url is not None:
            self.start(url)

    def _menu(self, menu: QMenu) -> None:
        w = self.window
        self.connect_action = menu.addAction("&Connect…")
        self.sync_action = QAction("&Sync now", w, shortcut=QKeySequence("F5"))
        self.conflicts_action = menu.addAction("C&onflicts…")
        menu.insertAction(self.conflicts_action, self.sync_action)
        menu.addSeparator()
        self.disconnect_action = menu.addAction("&Disconnect")
        w.addActions([self.sync_action])
        self.connect_action.triggered.connect(self.choose_connect)
        self.sync_action.triggered.connect(self.sync_now)
        self.conflicts_action.triggered.connect(self.show_conflicts)
        self.disconnect_action.triggered.connect(self.disconnect)
        if w.store.path is None:  # an in-memory database has nothing to keep in step
            self.connect_action.setEnabled(False)

    def _enable(self) -> None:
        on = self.link is not None
        for action in (self.sync_action, self.conflicts_action, self.disconnect_action):
            action.setEnabled(on)
        self.button.setVisible(on)

    # -- connecting ------------------------------------------------------------------------

    def choose_connect(self) -> None:
        w = self.window
        address = ""
        if self.url:  # connected: offer the same hub (without user and password)
            address = joining.address_of(self.url)
        self.connect_dialog = ConnectDialog(db=w.store.path, annotator=w.annotator,
                                            address=address, parent=w)
        self.connect_dialog.checked.connect(self._on_checked)
        self.connect_dialog.open()

    def _on_checked(self, url: str, member: joining.Member) -> None:
        remember(self.window.store.path, url)
        self.start(url)
        self.window.statusBar().showMessage(
            f"Connected to the team hub as {member.name} ({member.role}); syncing…", 8000)

    def start(self, url: str) -> None:
        """Sync with the hub at ``url`` from now on, in the background."""
        self.stop()
        self.url = url
        self.link = HubLink(self.window.store.path, url, parent=self)
        self.link.state_changed.connect(self._on_state)
        self.link.synced.connect(self._on_synced)
        self.button.setText("Connecting to the hub…")
        self._enable()
        self.link.start()

    def disconnect(self) -> None:
        if self.link is None:
            return
        shown = shown_url(self.url)
        self.stop()
        forget(self.window.store.path)
        self.window.statusBar().showMessage(
            f"Disconnected from {shown}. Your work stays in this file; connect again to sync.",
            8000)

    def stop(self) -> None:
        """Stop syncing (the window closes, or another hub is chosen): the threads end."""
        self._debounce.stop()
        link, self.link, self.url, self.state = self.link, None, None, None
        if link is not None:
            link.state_changed.disconnect(self._on_state)
            link.synced.disconnect(self._on_synced)
            if link.stop():  # a thread still in libpq's connect keeps its object alive
                link.deleteLater()
        self._enable()

    def _check_name(self) -> None:
        member = joining.member_of(self.url) if self.url else None
        if member and member != self.window.annotator:
            self.window.statusBar().showMessage(
                f"You sync with the hub as {member}: what you mark as "
                f"{self.window.annotator} stays in this file and is not sent. Change the "
                f"name back to {member}, or File ▸ Team hub ▸ Connect… as the new name.", 20000)

    # -- syncing ---------------------------------------------------------------------------

    def sync_now(self) -> None:
        self._debounce.stop()
        if self.link is not None:
            self.link.request()

    def _on_writer_changed(self) -> None:
        # Only what is committed can be pushed: the writer's queue is empty then.
        if self.link is not None and not self.window.writer.pending:
            self._debounce.start()

    def _on_state(self, state) -> None:
        self.state = state
        trouble = not state.online or state.conflicts or state.held
        self.button.setText(("⚠ " if trouble else "⇅ ") + state.text())
        self.button.setToolTip("Team hub: click for details")

    def _on_synced(self, report) -> None:
        self.report = report
        if report.documents or sum(report.pulled.values()) or report.conflicts:
            self._show_pulled()
            self.pulled.emit(report)
        kept = "; ".join(report.rules_kept)
        if kept and kept != self._rules_said:  # said once, not at every sync after
            self.window.statusBar().showMessage(f"Scheme: {kept}.", 15000)
        self._rules_said = kept
        if report.conflicts:
            n = report.conflicts
            self.window.statusBar().showMessage(
                f"{n} conflict{'s' if n != 1 else ''}: you changed the same item on another "
                "computer; File ▸ Team hub ▸ Conflicts… shows both versions.", 12000)

    def _show_pulled(self) -> None:
        """What the sync wrote into the file, on screen: the scheme, the document list (new
        assignments) and the open article's spans and links, changed in place."""
        w = self.window
        if [lb for lb in w.store.labels(None)] != list(w.state.labels.values()):
            w.reload_labels()
        w.reload_documents()
        from annotator.gui.annotate.team_refresh import refresh_open_article

        refresh_open_article(w)
        if w.review_window is not None and w.review_window.isVisible():
            w.review_window.reload()
        if self.conflicts_dialog is not None and self.conflicts_dialog.isVisible():
            self.conflicts_dialog.reload()

    # -- explaining, conflicts ---------------------------------------------------------------

    def explain(self) -> None:
        """What the status says, in full: the hub, the last sync, the last problem; Retry."""
        state, lines = self.state, [f"Hub: {shown_url(self.url)}" if self.url else "Not connected"]
        if state is not None:
            lines.append(f"State: {state.text()}")
            if state.last_synced:
                lines.append("Last synced: " + _when(state.last_synced))
            else:
                lines.append("Not synced yet since the window opened.")
            if state.waiting:
                lines.append(f"{state.waiting} change(s) in this file not yet on the hub.")
            refused = joining.refusal(state.problem) if state.problem else None
            if state.refused and refused:  # not the network: say what to do about it
                lines += ["", f"The hub refused the sync: {refused[0]}.", refused[1],
                          state.problem]
            elif state.problem and state.local:
                lines += ["", "This file could not be read or written for the sync (the hub "
                          "is not the problem); the next sync tries again:", state.problem]
            elif state.problem:
                title, advice = joining.advice(state.problem)
                lines += ["", f"{title}: {advice}", state.problem]
            if state.held:
                lines += ["", f"{state.held} change(s) are on articles no longer assigned to "
                          "you: the hub does not take them. They stay in this file; ask the "
                          "lead to assign the articles to you again (annotator hub assign) "
                          "and they are sent at the next sync."]
            if state.refused:
                lines += ["", "Keep working: every edit is saved in this file and sent once "
                          "the hub accepts it again (Retry after the lead has fixed it)."]
            elif not state.online:
                lines += ["", "Keep working: every edit is saved in this file and sent when "
                          "the hub can be reached again."]
        if self.report is not None:
            lines += ["", "Last sync:", *self.report.lines()]
        box = QMessageBox(QMessageBox.Icon.Information, "Team hub", lines[0],
                          QMessageBox.StandardButton.Close, self.window)
        box.setObjectName("hubExplain")
        box.setInformativeText("\n".join(lines[1:]))
        retry = box.addButton("&Retry now", QMessageBox.ButtonRole.ActionRole)
        retry.clicked.connect(self.sync_now)
        if state is not None and state.conflicts:
            show = box.addButton("Show &conflicts…", QMessageBox.ButtonRole.ActionRole)
            show.clicked.connect(self.show_conflicts)
        self.explain_box = box
        box.open()

    def show_conflicts(self) -> None:
        if self.conflicts_dialog is None:
            menus = self.window.menus
            self.conflicts_dialog = ConflictsDialog(
                store=self.window.store, resolve=self.resolve, parent=self.window,
                undo_actions=[menus.undo_action, menus.redo_action])
        else:
            self.conflicts_dialog.reload()
        self.conflicts_dialog.show()
        self.conflicts_dialog.raise_()

    def resolve(self, conflict_id: int, keep: str) -> str | None:
        """Settle one conflict in the file as one undo step, show it, sync; a refusal's
        message, or None."""
        from annotator.gui.annotate.conflict_command import SettleConflict

        w = self.window
        try:
            change = w.store.settle_conflict(conflict_id, keep)
        except AnnotatorError as exc:
            return str(exc)
        w.annotating.push(SettleConflict(w.store, w.state, w.annotating.report, change,
                                         self._settled))
        return None

    def _settled(self, change, forward: bool) -> None:
        """A conflict settled (``forward``) or parked again (undo): on screen, and synced."""
        from annotator.gui.annotate.team_refresh import refresh_open_article

        refresh_open_article(self.window)
        if self.conflicts_dialog is not None and self.conflicts_dialog.isVisible():
            self.conflicts_dialog.reload()
        said = {"local": "yours is put back and sent to the hub",
                "hub": "the hub's version is kept", "both": "both versions are kept"}
        text = (f"Conflict settled: {said[change.keep]}." if forward else
                "Conflict parked again as it was (File ▸ Team hub ▸ Conflicts…).")
        self.window.statusBar().showMessage(text, 8000)
        self.sync_now()


# -- the connection each file remembers (the settings; never a password) ---------------

def _key(db: Path) -> str:
    return str(Path(db).resolve())


def remembered(db: Path | None) -> str | None:
    """The hub URL remembered for the file ``db`` (without a password), if any."""
    if db is None:
        return None
    hubs = settings.load().get(SETTING)
    url = hubs.get(_key(db)) if isinstance(hubs, dict) else None
    return url if isinstance(url, str) and url else None


def remember(db: Path, url: str) -> None:
    hubs = settings.load().get(SETTING)
    hubs = dict(hubs) if isinstance(hubs, dict) else {}
    hubs[_key(db)] = shown_url(url)  # never the password
    settings.save({SETTING: hubs})


def forget(db: Path) -> None:
    hubs = settings.load().get(SETTING)
    if isinstance(hubs, dict) and _key(db) in hubs:
        hubs = {k: v for k, v in hubs.items() if k != _key(db)}
        settings.save({SETTING: hubs})


def _when(stamp: float) -> str:
    moment = datetime.fromtimestamp(stamp)
    if moment.date() == datetime.now().date():
        return moment.strftime("%H:%M:%S")
    return moment.strftime("%Y-%m-%d %H:%M")
