"""Help ▸ About and Help ▸ Report a problem (issue 20), driven through the menu bar."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator import __version__, paths
from annotator.gui.about import REPORTED, AboutDialog
from annotator.gui.annotate.window import MainWindow
from annotator.store import Store


def _window(qtbot, seed_db) -> MainWindow:
    window = MainWindow(store=Store.open(seed_db), annotator="alice")
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _help_menu(window: MainWindow):
    (menu,) = [a.menu() for a in window.menuBar().actions() if a.text() == "&Help"]
    return menu


def test_about_shows_version_licences_and_where_the_data_lives(qtbot, seed_db) -> None:
    window = _window(qtbot, seed_db)
    menu = _help_menu(window)
    (about,) = [a for a in menu.actions() if a.text() == "&About Annotator"]
    about.trigger()
    (dialog,) = window.findChildren(AboutDialog)
    qtbot.waitUntil(dialog.isVisible)
    text = dialog.text.text()
    assert f"Annotator {__version__}" in text
    assert str(paths.data_dir()) in text and str(paths.config_dir()) in text
    for licence in ("LGPL-3.0", "SIL Open Font License 1.1", "PSF License 2.0"):
        assert licence in text
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_report_a_problem_copies_debug_info_and_says_so(qtbot, seed_db) -> None:
    window = _window(qtbot, seed_db)
    QApplication.clipboard().clear()
    # The Help menu opened from the menu bar (as a click on it does), R picks "Report a
    # problem" by its mnemonic.
    menu = _help_menu(window)
    window.menuBar().setActiveAction(menu.menuAction())
    qtbot.waitUntil(menu.isVisible)
    qtbot.keyClick(menu, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: bool(QApplication.clipboard().text()))
    info = json.loads(QApplication.clipboard().text())
    assert info["version"] == __version__
    assert info["data_dir"] == str(paths.data_dir())
    assert info["frozen"] is False
    assert window.statusBar().currentMessage() == REPORTED


def test_help_is_the_last_menu(qtbot, seed_db) -> None:
    """Menus added after the Help menu (Team, Suggestions) go before it."""
    window = _window(qtbot, seed_db)
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles[-1] == "Help" and {"Team", "Suggestions"} <= set(titles)
    window.close()
