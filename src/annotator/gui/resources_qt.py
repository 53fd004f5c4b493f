"""Qt objects made from bundled resources (found by :mod:`annotator.resources`)."""

from __future__ import annotations

from PySide6.QtGui import QIcon

from annotator import resources


def app_icon() -> QIcon:
    icon = QIcon()
    for size in (16, 32, 48, 64, 128, 256):
        icon.addFile(str(resources.resource(f"icons/annotator-{size}.png")))
    return icon
