"""Start-up of the window: the application, fonts, the database, the annotator's name."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from annotator import settings, workspace
from annotator.core.annotators import reserved_name_problem
from annotator.core.errors import AnnotatorError
from annotator.gui import resources_qt, theme
from annotator.gui.annotate.window import MainWindow

# Smoke tests and start-up timing (packaging/, tests/test_packaging.py) set this to N: once the
# event loop runs with the window shown, "window shown: TITLE" goes to stdout, and the app
# quits N milliseconds later. Unset, nothing changes.
QUIT_AFTER_ENV = "ANNOTATOR_QUIT_AFTER_MS"


def application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Annotator")
    app.setDesktopFileName("annotator")
    app.setWindowIcon(resources_qt.app_icon())
    theme.load_fonts()
    theme.apply(app)
    app.setStyleSheet(theme.STYLE_SHEET)
    return app


def ask_annotator_name(parent=None) -> str:
    """Asked once; the login name is offered and kept if the dialog is dismissed. A name
    Annotator keeps for itself ("gold", "import") is refused, saying why, and asked again."""
    default = settings.default_annotator_name()
    if reserved_name_problem(default):
        default = "annotator"
    prompt = (
        "Your name is recorded on every span you make\n"
        "(you can change it later in Edit ▸ Annotator name):"
    )
    problem = None
    while True:
        name, ok = QInputDialog.getText(
            parent,
            "Who is annotating?",
            f"{problem[0].upper()}{problem[1:]}.\n\n{prompt}" if problem else prompt,
            text=default,
        )
        name = name.strip() if ok and name.strip() else default
        problem = reserved_name_problem(name)
        if problem is None:
            break
    settings.set_annotator_name(name)
    return name


def open_window(db_path: Path | None, *, annotator: str | None = None) -> MainWindow | None:
    """Open the database and show the window; on a refused file, say why and return None."""
    application()
    try:
        store = workspace.open_database(db_path)
    except AnnotatorError as exc:
        QMessageBox.critical(None, "Annotator cannot open the database", str(exc))
        return None
    name = annotator or settings.annotator_name()
    if name and reserved_name_problem(name):  # kept by an older version: asked again
        name = None
    if not name:
        # A scripted start (smoke tests, timing) has nobody to answer the dialog.
        scripted = bool(os.environ.get(QUIT_AFTER_ENV))
        name = settings.default_annotator_name() if scripted else ask_annotator_name()
    window = MainWindow(store=store, annotator=name)
    window.show()
    return window


def run(db_path: Path | None, *, annotator: str | None = None) -> int:
    app = application()
    window = open_window(db_path, annotator=annotator)
    if window is None:
        return 1
    _quit_after_shown_if_asked(app, window)
    return app.exec()


def _quit_after_shown_if_asked(app: QApplication, window: MainWindow) -> None:
    delay = os.environ.get(QUIT_AFTER_ENV)
    if not delay:
        return

    def shown() -> None:
        print(f"window shown: {window.windowTitle()}", flush=True)
        QTimer.singleShot(int(delay), app.quit)

    QTimer.singleShot(0, shown)  # runs once the event loop is up: the window is interactive

