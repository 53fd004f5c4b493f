"""Help ▸ About and Help ▸ Report a problem (issue 20): the version, the licences of what the
app bundles, where the user's data lives, and ``annotator debug-info`` on the clipboard."""

from __future__ import annotations

from html import escape

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, QUrl, qVersion
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMainWindow,
    QMenu,
    QMenuBar,
    QVBoxLayout,
)

from annotator import __version__, paths
from annotator.diagnostics import BUNDLED_LICENCES, debug_info_text


def qt_versions() -> dict[str, str]:
    """The Qt this process runs (About, Report a problem, ``annotator debug-info``)."""
    return {"qt": qVersion(), "pyside6": pyside_version}


REPORTED = "Details for a bug report copied to the clipboard: paste them into your report"


class AboutDialog(QDialog):
    def __init__(self, parent: QMainWindow | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Annotator")
        versions = qt_versions()
        licences = "".join(
            f"<tr><td>{escape(name)}</td><td>&nbsp;&nbsp;{escape(lic)}</td></tr>"
            for name, lic in BUNDLED_LICENCES
        )
        data, config = paths.data_dir(), paths.config_dir()
        self.text = QLabel(
            f"<h3>Annotator {escape(__version__)}</h3>"
            "<p>Annotate claims, quotes and actors in news articles.</p>"
            f"<p>Qt {escape(versions['qt'])}, PySide6 {escape(versions['pyside6'])}</p>"
            "<p><b>Your data</b><br>"
            f"Databases: <a href='{QUrl.fromLocalFile(str(data)).toString()}'>"
            f"{escape(str(data))}</a><br>"
            f"Settings: {escape(str(config))}</p>"
            f"<p><b>Bundled software and its licences</b></p><table>{licences}</table>",
            self,
        )
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.text.setOpenExternalLinks(False)  # the folder may not exist yet: made on click
        self.text.linkActivated.connect(self._open_data_folder)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)

    def _open_data_folder(self, _link: str) -> None:
        folder = paths.data_dir()
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


def report_a_problem(window: QMainWindow) -> None:
    QGuiApplication.clipboard().setText(debug_info_text(qt_versions()))
    window.statusBar().showMessage(REPORTED, 10000)


def menu_before_help(window: QMainWindow, title: str) -> QMenu:
    """A new menu of the window's menu bar, placed before Help (Help stays last)."""
    bar = window.menuBar()
    menu = QMenu(title, window)
    help_menu = next((a for a in bar.actions() if a.text().replace("&", "") == "Help"), None)
    if help_menu is not None:
        bar.insertMenu(help_menu, menu)
    else:
        bar.addMenu(menu)
    return menu


def add_help_menu(window: QMainWindow, menus: QMenuBar) -> tuple[QAction, QAction]:
    """The Help menu's About and Report a problem (the shortcut sheet stays under View)."""
    help_menu = menus.addMenu("&Help")
    about = help_menu.addAction("&About Annotator")
    about.setMenuRole(QAction.MenuRole.AboutRole)  # macOS puts it in the application menu
    report = help_menu.addAction("&Report a problem…")
    dialog: list[AboutDialog] = []

    def show_about() -> None:
        if not dialog:
            dialog.append(AboutDialog(window))
        dialog[0].open()

    about.triggered.connect(show_about)
    report.triggered.connect(lambda: report_a_problem(window))
    return about, report
