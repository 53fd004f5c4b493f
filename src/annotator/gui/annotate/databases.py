"""File ▸ Open database… (Ctrl+O) and File ▸ Recent databases, and the window's title.

Opening another database opens a new window on it, in the same process, and closes this
one: nothing needs saving first, as every edit is committed when it is made (a change the
store refused to save is asked about by the window's own close, which may keep it open).
The last eight databases are kept in the config folder (settings.py)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QMessageBox

from annotator import settings, workspace
from annotator.core.errors import AnnotatorError

# The windows opened from another one: Python keeps no other reference to them.
_opened: list[QMainWindow] = []


def title(path: Path | None, annotator: str) -> str:
    """"gold.db — alice — Annotator": two windows side by side are told apart."""
    return f"{path.name if path else 'memory'} — {annotator} — Annotator"


def _key(path: Path) -> str:
    return str(path.expanduser().resolve())


class Databases(QObject):
    def __init__(self, window: QMainWindow, *, open_action: QAction, recent_menu: QMenu):
        super().__init__(window)
        self.window = window
        self.menu = recent_menu
        open_action.triggered.connect(self.choose)
        recent_menu.aboutToShow.connect(self.fill_menu)
        path = window.store.path
        if path is not None and settings.recent_databases()[:1] != [_key(path)]:
            settings.remember_database(_key(path))
        self.fill_menu()

    def _say(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 10000)

    def fill_menu(self) -> None:
        """The recent databases, newest first; one no longer found is greyed, and can be
        taken off the list."""
        self.menu.clear()
        current = self.window.store.path
        missing = []
        for number, name in enumerate(settings.recent_databases(), start=1):
            path = Path(name)
            text = f"&{number} {path.name}   {path.parent}"
            action = self.menu.addAction(text)
            action.setData(name)
            if current is not None and _key(current) == name:
                action.setCheckable(True)
                action.setChecked(True)  # the open one
            if not path.is_file():
                missing.append(name)
                action.setText(f"{text}   (not found)")
                action.setEnabled(False)
            action.triggered.connect(lambda _c=False, p=path: self.open(p))
        if missing:
            self.menu.addSeparator()
            forget = self.menu.addAction(f"&Remove {len(missing)} not found from the list")
            forget.triggered.connect(lambda: self.forget(missing))
        if self.menu.isEmpty():
            self.menu.addAction("(none yet)").setEnabled(False)
        else:
            self.menu.addSeparator()
            self.menu.addAction("&Clear the list").triggered.connect(self.clear)

    def forget(self, names: list[str]) -> None:
        for name in names:
            settings.forget_database(name)
        self._say(f"Removed from the recent databases (not found): {', '.join(names)}")
        self.fill_menu()

    def clear(self) -> None:
        settings.clear_recent_databases()
        self.fill_menu()

    def choose(self) -> None:
        current = self.window.store.path
        name, _ = QFileDialog.getOpenFileName(
            self.window, "Open database", str(current.parent) if current else "",
            "Annotator databases (*.db);;All files (*)",
        )
        if name:
            self.open(Path(name))

    def open(self, path: Path) -> QMainWindow | None:
        """Open ``path`` in a new window that takes this one's place; None if it stays."""
        window = self.window
        current = window.store.path
        if current is not None and _key(current) == _key(path):
            self._say(f"{path.name} is the database open in this window.")
            return None
        if not path.is_file():
            settings.forget_database(_key(path))
            self._say(f"{path} was not found (moved or deleted); removed from the recent "
                      "databases.")  # fmt: skip
            self.fill_menu()
            return None
        try:
            store = workspace.open_database(path)
        except AnnotatorError as exc:
            box = QMessageBox(QMessageBox.Icon.Critical, "This database cannot be opened",
                              str(exc), QMessageBox.StandardButton.Close, window)  # fmt: skip
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()
            return None
        # The new window is shown before this one closes, so that the application, which
        # quits when its last window closes, keeps running.
        other = type(window)(store=store, annotator=window.annotator)
        other.setGeometry(window.geometry())
        other.show()
        if not window.close():  # unsaved changes the user chose to keep: this one stays
            other.close()
            return None
        _opened.append(other)
        other.destroyed.connect(lambda *_: _opened.remove(other) if other in _opened else None)
        other.statusBar().showMessage(f"Opened {path}", 8000)
        return other
