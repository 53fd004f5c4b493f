"""Fonts and colours: a calm reading page, label tints that keep the text readable."""

from __future__ import annotations

import os
from functools import cache, lru_cache

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

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
    """The page is dark (asked several times per edit: worked out once per palette)."""
    page_key()
    return _PAGE[2]


MIN_CONTRAST = 4.5  # WCAG AA for body text


def tint(color: str, strength: float) -> QColor:
    """The label colour mixed into the page, weakened until the text on it keeps a
    contrast of at least 4.5:1 (WCAG AA) in the light and the dark theme alike."""
    base, ink = page_color(), QColor(color)
    text = QApplication.palette().color(QPalette.ColorRole.Text)
    while True:
        mixed = QColor.fromRgbF(
            base.redF() + (ink.redF() - base.redF()) * strength,
            base.greenF() + (ink.greenF() - base.greenF()) * strength,
            base.blueF() + (ink.blueF() - base.blueF()) * strength,
        )
        if contrast(mixed, text) >= MIN_CONTRAST or strength <= 0.05:
            return mixed
        strength -= 0.05


def contrast(a: QColor, b: QColor) -> float:
    la, lb = _luminance(a), _luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def _luminance(color: QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(color.redF())
        + 0.7152 * channel(color.greenF())
        + 0.0722 * channel(color.blueF())
    )


def ink_on(color: str) -> QColor:
    """Black or white, whichever reads better on ``color`` (a swatch's own text)."""
    black, white = QColor("#000000"), QColor("#ffffff")
    return black if contrast(QColor(color), black) >= contrast(QColor(color), white) else white


def wants_dark(app: QApplication) -> bool:
    """ANNOTATOR_THEME=dark|light decides; otherwise the system's colour scheme."""
    chosen = os.environ.get("ANNOTATOR_THEME", "").lower()
    if chosen in ("dark", "light"):
        return chosen == "dark"
    return app.styleHints().colorScheme() == Qt.ColorScheme.Dark


# The style installed, kept alive here, and the platform's own style's name (app.style()
# is a style-sheet wrapper once a style sheet is set: it cannot be asked).
_INSTALLED: dict[str, object] = {}


def _use_style(app: QApplication, name: str | None) -> None:
    """Install the style ``name`` (None: the platform's style, as first found)."""
    platform = _INSTALLED.setdefault("platform", app.style().name() or "Fusion")
    name = (name or platform).lower()
    if _INSTALLED.get("name") == name and _INSTALLED.get("app") is app:
        return
    style = QStyleFactory.create(name)
    app.setStyle(style)
    _INSTALLED.update(name=name, app=app, style=style)


def apply(app: QApplication) -> None:
    """Light or dark, following the system (and its changes while the app runs)."""
    if wants_dark(app):
        _use_style(app, "fusion")
        app.setPalette(_dark_palette())
    else:
        _use_style(app, _INSTALLED.get("name"))  # dark then light keeps Fusion, as before
        app.setPalette(app.style().standardPalette())


def _dark_palette() -> QPalette:
    palette = QPalette()
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    for r, value in (
        (role.Window, "#23262b"), (role.WindowText, "#e6e6e6"), (role.Base, "#1c1e22"),
        (role.AlternateBase, "#262a30"), (role.Text, "#e8e6e3"), (role.Button, "#2c3036"),
        (role.ButtonText, "#e6e6e6"), (role.Highlight, "#3d6fb6"),
        (role.HighlightedText, "#ffffff"), (role.ToolTipBase, "#2c3036"),
        (role.ToolTipText, "#e6e6e6"), (role.PlaceholderText, "#9a9da3"),
        (role.Link, "#7fb2ff"), (role.BrightText, "#ffffff"),
    ):
        palette.setColor(r, QColor(value))
    palette.setColor(group.Disabled, role.Text, QColor("#6b6e73"))
    palette.setColor(group.Disabled, role.ButtonText, QColor("#6b6e73"))
    return palette


def highlight(color: str) -> QColor:
    return _tint_for_page(color, 0.45 if is_dark() else 0.32, page_key())


def selected_highlight(color: str) -> QColor:
    return _tint_for_page(color, 0.8 if is_dark() else 0.62, page_key())


def page_key() -> tuple[int, int]:
    """What tints depend on: the page and text colours of the palette in use (read again
    only when the palette is another: an edit in the article asks several times)."""
    palette = QApplication.palette()
    cache = palette.cacheKey()
    if _PAGE[0] != cache:
        base = palette.color(_BASE)
        _PAGE[:] = [cache, (base.rgb(), palette.color(_TEXT).rgb()), base.lightnessF() < 0.5]
    return _PAGE[1]


_PAGE: list = [None, None, False]  # the palette's cache key, its page key, a dark page
_BASE, _TEXT = QPalette.ColorRole.Base, QPalette.ColorRole.Text


@lru_cache(maxsize=256)
def _tint_for_page(color: str, strength: float, _page: tuple[int, int]) -> QColor:
    """Tints are asked for once per highlighted stretch; the answer only changes with
    the label colour and the palette (the cache key), so it is computed once."""
    return tint(color, strength)


def underline(color: str) -> QColor:
    return QColor(color).darker(135)


def document_tag_style(color: str) -> str:
    """A document label's tag under the article's title: the label's tint (readable text,
    as for highlights, in the light and the dark theme) inside a rounded border of its
    colour."""
    text = QApplication.palette().color(QPalette.ColorRole.Text).name()
    border = QColor(color).lighter(115) if is_dark() else underline(color)
    return (
        f"background: {highlight(color).name()}; color: {text}; "
        f"border: 1px solid {border.name()}; border-radius: 9px; padding: 1px 9px;"
    )


# Dialog buttons are words only: some desktops (Qt's generic Unix theme under X11) put a
# green tick on OK and a red cross on Cancel, icons that say less than the words and vanish
# into a dark window. Said in the style sheet rather than by a Python style, which Qt would
# ask tens of times a paint.
STYLE_SHEET = """
QDialogButtonBox { dialogbuttonbox-buttons-have-icons: 0; }
#articlePane { background: palette(base); }
#articleByline { color: palette(placeholder-text); }
#documentList::item { padding: 6px 4px; }
"""
