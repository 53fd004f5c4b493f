"""Files and folders dropped on the annotating window are imported: the import dialog
opens with them (jobs.py), where the format and options are chosen as on the command line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMainWindow


def dropped_paths(event: QDropEvent) -> list[Path]:
    """The local files and folders a drag carries (web links and text are not imported)."""
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


class DropImport(QObject):
    """Accepts drags of local files on the window; a drop opens the import dialog."""

    def __init__(self, window: QMainWindow, import_paths: Callable[[list[Path]], object]):
        super().__init__(window)
        self._import = import_paths
        window.setAcceptDrops(True)
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            if dropped_paths(event):
                event.acceptProposedAction()
                return True
        elif kind == QEvent.Type.Drop:
            paths = dropped_paths(event)
            if paths:
                event.acceptProposedAction()
                self._import(paths)
                return True
        return super().eventFilter(watched, event)
