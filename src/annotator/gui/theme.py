"""Fonts and colours: a calm reading page, label tints that keep the text readable."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication

from annotator import resources

READING_POINT_SIZE = 13
MEASURE_CHARS = 76  # characters per line: inside the 70-90 that long reading favours
LINE_HEIGHT_PERCENT = 132
BLANK_LINE_SCALE = 0.4
FALLBACK_FAMILIES = ["Charis SIL", "Source Serif 4", "Georgia", "Noto Serif", "DejaVu Serif"]


@cache
def load_fonts() -> tuple[str, ...]:
    """Register the bundled reading font; returns the families that loaded."""
    families: list[str] = []
    folder = resources.resource("fonts/README.md").parent
    for path in sorted(folder.glob("*.ttf")):
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            families += QFontDatabase.applicationFontFamilies(font_id)
    return tuple(dict.fromkeys(families))


def reading_font() -> QFont:
    font = QFont()
    font.setFamilies([*load_fonts(), *FALLBACK_FAMILIES])
    font.setPointSizeF(READING_POINT_SIZE)
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return font


def page_color() -> QColor:
    return QApplication.palette().color(QPalette.ColorRole.Base)


def is_dark() -> bool:
    return page_color().lightnessF() < 0.5


def tint(color: str, strength: float) -> QColor:
    """The label colour mixed into the page: light enough for text to stay readable."""
    base, ink = page_color(), QColor(color)
    return QColor.fromRgbF(
        base.redF() + (ink.redF() - base.redF()) * strength,
        base.greenF() + (ink.greenF() - base.greenF()) * strength,
        base.blueF() + (ink.blueF() - base.blueF()) * strength,
    )


def highlight(color: str) -> QColor:
    return tint(color, 0.45 if is_dark() else 0.32)


def selected_highlight(color: str) -> QColor:
    return tint(color, 0.8 if is_dark() else 0.62)


def underline(color: str) -> QColor:
    return QColor(color).darker(135)


STYLE_SHEET = """
#articlePane, #reading { background: palette(base); }
#articleByline { color: palette(placeholder-text); }
#documentList::item { padding: 6px 4px; }
"""
