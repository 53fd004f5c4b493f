"""File ▸ Team hub's dialogs: Connect… (the hub's address and the member's name, checked in a
thread before anything is remembered) and Conflicts… (each parked conflict side by side, the
hub's version and mine, with Keep mine / Keep theirs / Keep both)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.gui import tasks
from annotator.store import Store
from annotator.sync import joining


class ConnectDialog(QDialog):
    """Asks for the address and the name; OK checks them in a thread (the dialog stays
    answerable) and accepts only a connection that works. ``url`` and ``member`` then hold
    what was checked."""

    checked = Signal(str, object)  # url (may hold a typed password: memory only), Member

    def __init__(self, *, db: Path | None, annotator: str, address: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="hubConnectDialog")
        self.setWindowTitle("Connect to a team hub")
        self.db, self.annotator = db, annotator
        self.task: tasks.Task | None = None
        intro = QLabel(
            "Your work stays in this file and is synced with the team's hub in the "
            "background. Annotator never stores your password: type it below for this "
            "session, or let libpq find it (PGPASSWORD, ~/.pgpass).", wordWrap=True)
        self.address = QLineEdit(address, objectName="hubAddress")
        self.address.setPlaceholderText("postgresql://hub.example.org/newsroom")
        self.name = QLineEdit(annotator, objectName="hubName")
        self.password = QLineEdit(objectName="hubPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("optional: not stored")
        form = QFormLayout()
        form.addRow("Hub &address:", self.address)
        form.addRow("Your &name on the hub:", self.name)
        form.addRow("&Password:", self.password)
        self.problem = QLabel(objectName="hubProblem", wordWrap=True)
        self.problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Connect")
        self.buttons.accepted.connect(self.try_connect)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)  # kept when the message makes the dialog grow
        (self.address if not address else self.name).setFocus()

    def say(self, title: str, text: str) -> None:
        self.problem.setText(f"<b>{title}</b><br>{_html(text)}")
        self.problem.show()
        self.adjustSize()  # the whole message is read, not cut at the dialog's first size

    def try_connect(self) -> None:
        if self.task is not None:
            return  # a check is under way
        name = self.name.text().strip()
        if name != self.annotator:
            self.say("Not your annotator name",
                     f"Your annotator name in this window is “{self.annotator}”, and work is "
                     f"synced under the name it is made with. Connect as {self.annotator}, or "
                     f"first change Edit ▸ Annotator name to “{name}”.")
            return
        try:
            url = joining.hub_url(self.address.text(), name, self.password.text())
        except AnnotatorError as exc:
            self.say(*self._explained(str(exc)))
            return
        self.say("Checking…", f"Connecting to {joining.shown_url(url)}")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        db = self.db
        self.task = tasks.Task(lambda _progress: joining.check(url, db), parent=self)
        self.task.succeeded.connect(lambda member: self._checked(url, member))
        self.task.failed.connect(self._failed)
        self.task.start()

    def _explained(self, message: str) -> tuple[str, str]:
        title, advice = joining.advice(message)
        return title, f"{advice}\n\n{message}"

    def _failed(self, message: str) -> None:
        self.task = None
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)
        self.say(*self._explained(message))

    def _checked(self, url: str, member: joining.Member) -> None:
        self.task = None
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)
        self.url, self.member = url, member
        self.checked.emit(url, member)
        self.accept()


def _html(text: str) -> str:
    from html import escape

    return escape(text).replace("\n", "<br>")


KINDS_SHOWN = {"span": "span", "relation": "link", "status": "article status",
               "document_label": "article label", "note": "article note"}


class ConflictsDialog(QDialog):
    """The open conflicts of the file; the chosen one side by side; a button settles it
    (store.resolve_conflict, through ``resolve``) and the list follows."""

    def __init__(self, *, store: Store, resolve: Callable[[int, str], str | None],
                 undo_actions: list[QAction] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="hubConflictsDialog")
        # the window's Undo and Redo work here too: a choice is taken back where it was made
        self.addActions(list(undo_actions))
        self.setWindowTitle("Sync conflicts")
        self.store, self.resolve = store, resolve
        self.list = QListWidget(objectName="conflictList")
        self.hub_side = _side("hubVersion")
        self.mine_side = _side("myVersion")
        self.intro = QLabel(wordWrap=True)
        sides = QGridLayout()
        sides.addWidget(QLabel("<b>The hub's version</b> (in the file now)"), 0, 0)
        sides.addWidget(QLabel("<b>Mine</b> (parked)"), 0, 1)
        sides.addWidget(self.hub_side, 1, 0)
        sides.addWidget(self.mine_side, 1, 1)
        self.keep_mine = QPushButton("Keep &mine", objectName="keepMine")
        self.keep_theirs = QPushButton("Keep &theirs", objectName="keepTheirs")
        self.keep_both = QPushButton("Keep &both", objectName="keepBoth")
        self.keep_mine.clicked.connect(lambda: self._settle("local"))
        self.keep_theirs.clicked.connect(lambda: self._settle("hub"))
        self.keep_both.clicked.connect(lambda: self._settle("both"))
        close = QPushButton("&Close")
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        for button in (self.keep_mine, self.keep_theirs, self.keep_both):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        self.problem = QLabel(objectName="conflictProblem", wordWrap=True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.list, 1)
        layout.addLayout(sides, 1)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)
        self.list.currentRowChanged.connect(self._show)
        self.resize(760, 440)
        self.reload()

    def reload(self) -> None:
        self.conflicts = self.store.sync_conflicts()
        self.list.clear()
        for c in self.conflicts:
            label = c["local"].get("label") or c["local"].get("status") or ""
            text = c["local"].get("text") or ""
            item = QListWidgetItem(
                f"{KINDS_SHOWN.get(c['kind'], c['kind'])} {label} {('“' + text + '”') if text else ''}"
                f" · parked {c['parked_at'][:16].replace('T', ' ')}")
            self.list.addItem(item)
        n = len(self.conflicts)
        self.intro.setText(
            f"{n} item{'s' if n != 1 else ''} you changed on another computer too. The hub "
            "kept the version that reached it first; yours was set aside. Choose which to "
            "keep: Keep mine sends yours at the next sync, Keep both adds yours beside the "
            "hub's; Ctrl+Z takes a choice back." if n else "No conflicts: everything you changed reached the hub.")
        if n:
            self.list.setCurrentRow(0)
        self._show(self.list.currentRow())

    def _show(self, row: int) -> None:
        there = 0 <= row < len(self.conflicts)
        for button in (self.keep_mine, self.keep_theirs, self.keep_both):
            button.setEnabled(there)
        if not there:
            self.hub_side.setPlainText("")
            self.mine_side.setPlainText("")
            return
        conflict = self.conflicts[row]
        hub, mine = joining.sides(self.store, conflict)
        self.hub_side.setPlainText(hub)
        self.mine_side.setPlainText(mine)
        self.keep_both.setEnabled(conflict["kind"] in ("span", "relation")
                                  and not conflict["local"].get("deleted"))
        self.problem.setText("")

    def _settle(self, keep: str) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self.conflicts):
            return
        problem = self.resolve(self.conflicts[row]["id"], keep)
        self.problem.setText(problem or "")
        if problem is None:
            self.reload()
            if self.conflicts:
                self.list.setCurrentRow(min(row, len(self.conflicts) - 1))


def _side(name: str) -> QPlainTextEdit:
    side = QPlainTextEdit(objectName=name, readOnly=True)
    side.setMinimumHeight(90)
    return side
