"""Qt objects made from bundled resources (found by :mod:`annotator.resources`)."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from annotator import resources


def app_icon() -> QIcon:
    icon = QIcon()
    for size in (16, 32, 48, 64, 128, 256):
        icon.addFile(str(resources.resource(f"icons/annotator-{size}.png")))
    return icon


INK = "#444444"  # the one colour the bundled line icons are drawn in (resources/icons)


def themed_icon(name: str) -> QIcon:
    """A bundled line icon (``resources/icons/NAME.svg``) drawn in the palette's text
    colour, so it is as visible in the dark theme as in the light one (drawn in its own
    dark grey it all but vanishes into a dark window). Made when asked for: ask again
    after the theme changes."""
    source = resources.resource(f"icons/{name}.svg").read_text(encoding="utf-8")
    ink = QGuiApplication.palette().color(QPalette.ColorRole.WindowText).name()
    data = QByteArray(source.replace(INK, ink).encode("utf-8"))
    icon = QIcon()
    for size in (16, 24, 32, 48):
        renderer = QSvgRenderer(data)
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        renderer.render(painter)
        painter.end()
        icon.addPixmap(pixmap)
    return icon
