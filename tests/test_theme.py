"""Light and dark themes: label colours keep the text readable in both."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from annotator.core.labels import DEFAULT_LABELS
from annotator.gui import theme


@pytest.fixture
def restore_palette(qapp):
    yield
    qapp.setPalette(qapp.style().standardPalette())


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_every_label_tint_keeps_text_readable(qapp, monkeypatch, restore_palette, mode):
    monkeypatch.setenv("ANNOTATOR_THEME", mode)
    theme.apply(qapp)
    assert theme.is_dark() == (mode == "dark")
    text = QApplication.palette().color(QPalette.ColorRole.Text)
    for label in DEFAULT_LABELS:
        for shade in (theme.highlight(label.color), theme.selected_highlight(label.color)):
            assert theme.contrast(shade, text) >= theme.MIN_CONTRAST, (mode, label.name)
        # and the tint is still visibly the label's colour, not the bare page
        assert theme.contrast(theme.highlight(label.color), theme.page_color()) > 1.05


def test_a_dark_page_is_told_again_whenever_the_palette_changes(qapp, monkeypatch,
                                                               restore_palette):
    """is_dark() is worked out once per palette: each switch, and a palette set by hand,
    is seen at the next ask."""
    for mode in ("dark", "light", "dark"):
        monkeypatch.setenv("ANNOTATOR_THEME", mode)
        theme.apply(qapp)
        assert theme.is_dark() == (mode == "dark")
        assert theme.is_dark() == (theme.page_color().lightnessF() < 0.5)
    palette = QPalette(qapp.palette())
    palette.setColor(QPalette.ColorRole.Base, QColor("#fafafa"))
    qapp.setPalette(palette)
    assert not theme.is_dark()


def test_the_bundled_reading_font_is_loaded(qapp):
    assert "Charis SIL" in theme.load_fonts()
    assert theme.reading_font().families()[0] == "Charis SIL"
