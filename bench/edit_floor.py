"""The floor of an edit in the 5 MB article, timed in the same run as the window's edits.

What any Qt annotator must pay to add one span where the reader is, and show it: one row
committed to SQLite (WAL, synchronous=FULL, as our store commits) and one highlight
shown in a bare QPlainTextEdit holding the same text, scrolled to the same place, at the
window's size: Qt's own extra selection, then the paint that follows. Removing it is the
row deleted and the highlight taken away. Nothing of Annotator runs in it: the window's
figures divided by it hold still when the machine is busy, as a figure in milliseconds
does not (on this shared machine the same code's add varies by half from run to run).
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path


def edit_floor(app, text: str, folder: Path, first_shown: int, places: list[int],
               adds: list[float], removes: list[float]) -> None:
    """Time a floor add and remove (seconds, appended to ``adds`` and ``removes``) of
    nine characters at each of ``places`` (Qt positions, where the window's edits were) in
    ``text`` (as handed to Qt), shown from Qt position ``first_shown`` on."""
    from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
    from PySide6.QtWidgets import QPlainTextEdit, QTextEdit

    path = folder / "floor.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE spans (id TEXT PRIMARY KEY, document TEXT, start INTEGER, "
                 "end INTEGER, label TEXT, text TEXT, annotator TEXT, note TEXT, "
                 "created_at TEXT, updated_at TEXT)")
    view = QPlainTextEdit()
    view.setReadOnly(True)
    view.setPlainText(text)
    view.resize(900, 760)  # about the article's part of the window
    view.show()
    app.processEvents()
    # from the end back up: the line of ``first_shown`` becomes the first one shown
    view.moveCursor(QTextCursor.MoveOperation.End)
    cursor = view.textCursor()
    cursor.setPosition(first_shown)
    view.setTextCursor(cursor)
    view.viewport().repaint()
    look = QTextCharFormat()
    look.setBackground(QColor("#cfe3ff"))
    try:
        for i, a in enumerate(places):
            selection = QTextEdit.ExtraSelection()
            selection.cursor = QTextCursor(view.document())
            selection.cursor.setPosition(a)
            selection.cursor.setPosition(a + 9, QTextCursor.MoveMode.KeepAnchor)
            selection.format = look
            app.processEvents()
            t = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO spans VALUES (?, 'd', ?, ?, 'claim', ?, 'bench', NULL, "
                         "'2026-12-06T10:00:00Z', '2026-12-06T10:00:00Z')",
                         [f"s{i}", a, a + 9, text[a:a + 9]])
            conn.execute("COMMIT")
            view.setExtraSelections([selection])
            app.processEvents()
            adds.append(time.perf_counter() - t)
            t = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("DELETE FROM spans WHERE id = ?", [f"s{i}"])
            conn.execute("COMMIT")
            view.setExtraSelections([])
            app.processEvents()
            removes.append(time.perf_counter() - t)
    finally:
        view.close()
        view.deleteLater()
        conn.close()
