"""Light and dark themes: label colours keep the text readable in both."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QPalette
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


def test_the_bundled_reading_font_is_loaded(qapp):
    assert "Charis SIL" in theme.load_fonts()
    assert theme.reading_font().families()[0] == "Charis SIL"
