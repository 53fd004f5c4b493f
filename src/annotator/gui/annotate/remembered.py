"""What the window remembers between sessions: the last article of each database, and the
layout (window size, splitter positions, the document list's sort and column widths, the
span list's column widths). Kept in ``window.json`` beside the settings file (settings.py
holds what the user chose, such as the annotator's name; this file only what the window
looked like); Qt's own saved states are stored as base64 text. A damaged or foreign value
is ignored: the window then starts with its defaults."""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import os
from pathlib import Path

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtWidgets import QHeaderView, QMainWindow, QSplitter, QTableView

from annotator import paths

LAYOUT_KEY = "window_layout"
LAST_ARTICLE_KEY = "last_article"  # database path -> document id


def _encode(state: QByteArray) -> str:
    return base64.b64encode(bytes(state)).decode("ascii")


def _decode(value: object) -> QByteArray | None:
    if not isinstance(value, str):
        return None
    try:
        return QByteArray(base64.b64decode(value.encode("ascii"), validate=True))
    except (ValueError, binascii.Error):
        return None


def _file() -> Path:
    return paths.settings_file().with_name("window.json")


def _load() -> dict:
    try:
        data = json.loads(_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # none yet, or damaged: the defaults, and it is rewritten on close
    return data if isinstance(data, dict) else {}


def _save(values: dict) -> None:
    path = _file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(_load() | values, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def _database_key(path: Path | None) -> str | None:
    return str(Path(path).resolve()) if path is not None else None


def last_article(path: Path | None) -> str | None:
    """The article open when the window last closed on the database at ``path``."""
    key = _database_key(path)
    known = _load().get(LAST_ARTICLE_KEY)
    if key is None or not isinstance(known, dict):
        return None
    doc_id = known.get(key)
    return doc_id if isinstance(doc_id, str) else None


def save(
    window: QMainWindow, *, database: Path | None, article: str | None,
    splitters: dict[str, QSplitter], tables: dict[str, QTableView],
) -> None:
    """Remember the layout, and ``article`` for ``database``."""
    layout = {"geometry": _encode(window.saveGeometry())}
    layout |= {f"splitter:{name}": _encode(s.saveState()) for name, s in splitters.items()}
    layout |= {
        f"header:{name}": _encode(t.horizontalHeader().saveState()) for name, t in tables.items()
    }
    values: dict[str, object] = {LAYOUT_KEY: layout}
    key = _database_key(database)
    if key is not None and article is not None:
        known = _load().get(LAST_ARTICLE_KEY)
        values[LAST_ARTICLE_KEY] = (known if isinstance(known, dict) else {}) | {key: article}
    # a read-only config folder: the next start uses the defaults, nothing is lost
    with contextlib.suppress(OSError):
        _save(values)


def restore(
    window: QMainWindow, *, splitters: dict[str, QSplitter], tables: dict[str, QTableView],
    shown_by_user: tuple[str, ...] = (),
) -> bool:
    """Put back the layout saved last (before the window is shown); False if there was
    none."""
    layout = _load().get(LAYOUT_KEY)
    if not isinstance(layout, dict):
        return False
    geometry = _decode(layout.get("geometry"))
    if geometry is not None:
        window.restoreGeometry(geometry)
    for name, splitter in splitters.items():
        state = _decode(layout.get(f"splitter:{name}"))
        if state is not None:
            splitter.restoreState(state)
    for name, table in tables.items():
        state = _decode(layout.get(f"header:{name}"))
        if state is None:
            continue
        header = table.horizontalHeader()
        modes = [header.sectionResizeMode(i) for i in range(header.count())]
        hidden = [table.isColumnHidden(i) for i in range(header.count())]
        if not header.restoreState(state) or header.count() != len(modes):
            continue
        # Which columns stretch belongs to this version of the window, not to the saved
        # state; so do the hidden columns, except in the tables (``shown_by_user``) where
        # the user chooses them.
        for i, mode in enumerate(modes):
            header.setSectionResizeMode(i, mode)
            if name not in shown_by_user:
                table.setColumnHidden(i, hidden[i])
    return True


def sort_of(table: QTableView) -> tuple[int, Qt.SortOrder]:
    """The column and order the table's header shows (-1: none)."""
    header: QHeaderView = table.horizontalHeader()
    return header.sortIndicatorSection(), header.sortIndicatorOrder()
