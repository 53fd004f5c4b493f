"""Dialogs with the platform's standard buttons as words, without the green tick and red
cross some desktops add (issue 16, point 14), and every icon of the app visible in the dark
theme as in the light one."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QMessageBox,
    QProxyStyle,
    QPushButton,
    QStyle,
)

from annotator import resources
from annotator.core.labels import DEFAULT_LABELS
from annotator.gui import resources_qt, theme
from annotator.gui.annotate import label_bar
from annotator.gui.annotate.note_dialog import NoteDialog
from annotator.gui.annotate.scheme_dialog import SchemeDialog
from annotator.store import Store

HINT = QStyle.StyleHint.SH_DialogButtonBox_ButtonsHaveIcons
NON_TEXT_CONTRAST = 3.0  # WCAG 2.1, 1.4.11: graphical objects against what is next to them


class TicksAndCrosses(QProxyStyle):
    """A desktop that asks for icons on dialog buttons (Qt's generic Unix theme on X11)."""

    def styleHint(self, hint, option=None, widget=None, returned=None):  # noqa: N802
        return 1 if hint == HINT else super().styleHint(hint, option, widget, returned)


@pytest.fixture
def in_theme(qapp, monkeypatch):
    """Apply the app's theme (light, or dark with ``in_theme("dark")``); put the palette back."""
    palette = qapp.palette()

    def use(name: str = "light") -> QApplication:
        monkeypatch.setenv("ANNOTATOR_THEME", name)
        theme.apply(qapp)
        return qapp

    yield use
    monkeypatch.setenv("ANNOTATOR_THEME", "light")
    theme.apply(qapp)
    qapp.setPalette(palette)


def buttons_have_icons(box: QDialogButtonBox) -> list[bool]:
    return [not button.icon().isNull() for button in box.buttons()]


def test_plain_buttons_take_the_icons_off_a_style_that_adds_them(qapp) -> None:
    ok_cancel = QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    sheet = qapp.styleSheet()
    qapp.setStyleSheet("")  # the desktop's look alone
    try:
        with_icons = TicksAndCrosses("fusion")
        box = QDialogButtonBox(ok_cancel)
        box.setStyle(with_icons)
        box.setStandardButtons(ok_cancel)  # made again under the style
        assert buttons_have_icons(box) == [True, True]  # the old look the issue complains of
    finally:
        qapp.setStyleSheet(sheet)
    box = QDialogButtonBox()
    box.setStyle(TicksAndCrosses("fusion"))
    box.setStyleSheet(theme.STYLE_SHEET)  # the app's sheet over that desktop's style
    box.setStandardButtons(ok_cancel)
    assert buttons_have_icons(box) == [False, False]
    assert [b.text().replace("&", "") for b in box.buttons()] == ["OK", "Cancel"]


def test_the_style_is_not_asked_through_python(qapp) -> None:
    """A Python style's hooks run tens of times a paint: an edit of the long article paid
    for them (issue 15's figures); the app's style is Qt's own."""
    theme.apply(qapp)
    installed = theme._INSTALLED["style"]  # app.style() is the style sheet's wrapper
    assert not isinstance(installed, QProxyStyle)
    assert type(installed).__module__.startswith("PySide6")


@pytest.mark.parametrize("name", ["light", "dark"])
def test_the_apps_dialogs_show_words_without_icons(in_theme, qtbot, tmp_path: Path, name) -> None:
    app = in_theme(name)
    assert app.style().styleHint(HINT) == 0
    with Store.open(tmp_path / "s.db") as store:
        scheme = SchemeDialog(store)
        qtbot.addWidget(scheme)
        note = NoteDialog(None, "Note on span", "Note on “Lavrov”:", "")
        qtbot.addWidget(note)
        box = QMessageBox(QMessageBox.Icon.Question, "Quit?", "Quit anyway?",
                          QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel)
        for dialog in (scheme, note, box):
            pushed = dialog.findChildren(QPushButton)
            assert pushed, dialog
            assert all(b.icon().isNull() for b in pushed), (dialog, [b.text() for b in pushed])
        scheme.close()


def _ink_contrast(icon, background: QColor, size: int = 32) -> float:
    """The highest contrast of any clearly drawn pixel of ``icon`` against ``background``
    when the icon is drawn on it."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(background)
    painter = QPainter(image)
    icon.paint(painter, 0, 0, size, size)
    painter.end()
    plain = QImage(size, size, QImage.Format.Format_ARGB32)
    plain.fill(Qt.GlobalColor.transparent)
    painter = QPainter(plain)
    icon.paint(painter, 0, 0, size, size)
    painter.end()
    best = 0.0
    for y in range(size):
        for x in range(size):
            if plain.pixelColor(x, y).alphaF() > 0.9:  # the icon's own ink, not its edge
                best = max(best, theme.contrast(image.pixelColor(x, y), background))
    return best


LINE_ICONS = sorted(p.stem for p in resources.resource("icons/annotator.svg").parent.glob("*.svg")
                    if p.stem != "annotator")


def test_there_are_line_icons_to_check() -> None:
    assert LINE_ICONS == ["delete", "export", "import", "open"]


@pytest.mark.parametrize("name", ["light", "dark"])
@pytest.mark.parametrize("icon_name", LINE_ICONS)
def test_each_line_icon_stands_out_on_the_window(in_theme, name, icon_name) -> None:
    app = in_theme(name)
    window = app.palette().color(app.palette().ColorRole.Window)
    assert _ink_contrast(resources_qt.themed_icon(icon_name), window) >= NON_TEXT_CONTRAST


def test_the_icons_as_drawn_vanished_in_the_dark(in_theme) -> None:
    """What the test above guards against: the files' own dark grey on the dark window."""
    from PySide6.QtGui import QIcon

    app = in_theme("dark")
    window = app.palette().color(app.palette().ColorRole.Window)
    raw = QIcon(str(resources.resource("icons/delete.svg")))
    assert _ink_contrast(raw, window) < NON_TEXT_CONTRAST


@pytest.mark.parametrize("name", ["light", "dark"])
def test_the_app_icon_and_label_swatches_stand_out(in_theme, name) -> None:
    app = in_theme(name)
    window = app.palette().color(app.palette().ColorRole.Window)
    assert _ink_contrast(resources_qt.app_icon(), window) >= NON_TEXT_CONTRAST
    for label in DEFAULT_LABELS:
        if label.kind == "span":
            swatch = label_bar._swatch(label.color)
            assert _ink_contrast(swatch, window, 16) >= NON_TEXT_CONTRAST, label.name


@pytest.mark.parametrize("name", ["light", "dark"])
def test_the_scheme_editors_colour_cells_are_readable(in_theme, qtbot, tmp_path: Path, name) -> None:
    from annotator.gui.annotate.scheme_dialog import COLOR

    in_theme(name)
    with Store.open(tmp_path / "s.db") as store:
        dialog = SchemeDialog(store)
        qtbot.addWidget(dialog)
        for row in range(dialog.table.rowCount()):
            item = dialog.table.item(row, COLOR)
            ink, paper = item.foreground().color(), item.background().color()
            assert theme.contrast(ink, paper) >= 4.5, item.text()
        dialog.set_color(0, "#1a237e")  # a dark blue chosen: its words turn white
        assert dialog.table.item(0, COLOR).foreground().color() == QColor("#ffffff")
        dialog.close()
