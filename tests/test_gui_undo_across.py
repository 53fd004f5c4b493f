"""Undo lasts the session (issue 16, point 13): an edit, then Ctrl+Return (done, and the
next article opens), is undone from the next article; Ctrl+Z opens the article the edit was
made in, shows it and takes it back; the database is in step at every point."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator.core.model import DocumentMeta, IncomingDocument
from annotator.gui.annotate.window import MainWindow
from annotator.store import Store
from gui_helpers import drag_select, press

CTRL = Qt.KeyboardModifier.ControlModifier
TEXTS = [
    "“Prices will fall,” said Ana Ruiz — the minister 🙂 of finance.\r\nShe left.",
    "The mayor, Tom Berg, said the bridge 🌉 “will open in May”.",
    "Nobody — not even Lena Voss — expected the vote.",
]


@pytest.fixture
def three_db(tmp_path: Path) -> Path:
    path = tmp_path / "three.db"
    with Store.open(path) as store:
        store.import_documents(
            [IncomingDocument(text, f"a{i}", DocumentMeta(title=f"Article {i}"), "test")
             for i, text in enumerate(TEXTS)],
            annotator="import",
        )
    return path


@pytest.fixture
def window(qtbot, three_db: Path) -> MainWindow:
    w = MainWindow(store=Store.open(three_db), annotator="alice")
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.open_document(w.documents.id_at(0))
    yield w
    w.close()


def rows(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def spans(path: Path) -> list[tuple]:
    """(article title's number, label, text) of every stored span, with its offsets checked
    against the article's text."""
    found = rows(path, "SELECT d.id, s.label, s.text, substr(d.text, s.start + 1, s.end - s.start)"
                       " FROM spans s JOIN documents d ON d.id = s.document ORDER BY d.id, s.start")
    assert all(text == cut for _d, _l, text, cut in found)  # sqlite counts code points too
    return [(doc, label, text) for doc, label, text, _ in found]


def status(path: Path, doc_id: str) -> str:
    got = rows(path, f"SELECT status FROM document_status WHERE document = '{doc_id}' "
                     "AND annotator = 'alice'")
    return got[0][0] if got else "todo"


def mark(window: MainWindow, needle: str, key: Qt.Key) -> None:
    start = window.state.document.text.index(needle)
    drag_select(window, start, start + len(needle))
    press(window, key)
    assert window.state.selected_span().text == needle


def ctrl(window: MainWindow, key: Qt.Key, shift: bool = False) -> None:
    mods = CTRL | Qt.KeyboardModifier.ShiftModifier if shift else CTRL
    QTest.keyClick(window.article.text, key, mods)


def test_a_slip_then_ctrl_return_is_undone_from_the_next_article(
    window: MainWindow, three_db: Path
) -> None:
    first, second = window.documents.id_at(0), window.documents.id_at(1)
    mark(window, "Ana Ruiz", Qt.Key.Key_3)  # the slip: the actor key on a name
    ctrl(window, Qt.Key.Key_Return)  # done, and the next article opens
    assert window.state.document.id == second
    assert status(three_db, first) == "done"
    assert spans(three_db) == [(first, "actor", "Ana Ruiz")]

    ctrl(window, Qt.Key.Key_Z)  # the last edit was the mark "done": the article opens again
    assert window.state.document.id == first
    assert status(three_db, first) == "in_progress"  # as the span had made it
    assert "Article 0" in window.statusBar().currentMessage()  # why another article opened
    assert window.doc_panel.table.currentIndex().row() == window.documents.row_of(first)
    ctrl(window, Qt.Key.Key_Z)  # then the span, shown in the first article
    assert spans(three_db) == []
    assert window.state.document.id == first
    assert window.span_model.rowCount() == 0

    ctrl(window, Qt.Key.Key_Z, shift=True)  # redo: the span again, selected
    assert spans(three_db) == [(first, "actor", "Ana Ruiz")]
    assert window.state.selected_span().text == "Ana Ruiz"
    window.open_document(second)  # redo of "done" from elsewhere opens the first again
    ctrl(window, Qt.Key.Key_Z, shift=True)
    assert window.state.document.id == first
    assert status(three_db, first) == "done"


def test_edits_across_three_articles_are_undone_in_order(
    window: MainWindow, three_db: Path
) -> None:
    ids = [window.documents.id_at(row) for row in range(3)]
    mark(window, "Ana Ruiz", Qt.Key.Key_3)
    ctrl(window, Qt.Key.Key_Return)
    mark(window, "Tom Berg", Qt.Key.Key_3)
    mark(window, "“will open in May”", Qt.Key.Key_2)
    ctrl(window, Qt.Key.Key_Return)
    assert window.state.document.id == ids[2]
    mark(window, "Lena Voss", Qt.Key.Key_1)
    press(window, Qt.Key.Key_3)  # relabelled claim -> actor
    press(window, Qt.Key.Key_Delete)  # then deleted
    assert sorted(s[0] for s in spans(three_db)) == sorted([ids[0], ids[1], ids[1]])

    seen = []
    while window.undo_stack.canUndo():
        ctrl(window, Qt.Key.Key_Z)
        seen.append((window.state.document.id, len(spans(three_db)),
                     status(three_db, window.state.document.id)))
    assert seen == [
        (ids[2], 4, "in_progress"),  # the deleted span is back (as actor), selected
        (ids[2], 4, "in_progress"),  # actor -> claim
        (ids[2], 3, "in_progress"),  # the claim is gone
        (ids[1], 3, "in_progress"),  # article 1 is no longer done
        (ids[1], 2, "in_progress"),  # the quote is gone
        (ids[1], 1, "in_progress"),  # the actor is gone
        (ids[0], 1, "in_progress"),  # article 0 is no longer done
        (ids[0], 0, "in_progress"),
    ]
    assert spans(three_db) == []
    while window.undo_stack.canRedo():
        ctrl(window, Qt.Key.Key_Z, shift=True)
    assert window.state.document.id == ids[2]
    assert sorted(spans(three_db)) == sorted([
        (ids[0], "actor", "Ana Ruiz"), (ids[1], "actor", "Tom Berg"),
        (ids[1], "quote", "“will open in May”")])
    assert [status(three_db, i) for i in ids] == ["done", "done", "in_progress"]
    # What the window shows is what is stored.
    assert window.span_model.rowCount() == 0


def test_a_link_undone_and_redone_from_another_article(
    window: MainWindow, three_db: Path
) -> None:
    first, second = window.documents.id_at(0), window.documents.id_at(1)
    mark(window, "Ana Ruiz", Qt.Key.Key_3)
    mark(window, "“Prices will fall,”", Qt.Key.Key_2)
    quote = window.state.selected_span()
    ctrl(window, Qt.Key.Key_L)  # link the quote ...
    QTest.keyClick(window.article.text, Qt.Key.Key_Return)  # ... to its only actor
    assert rows(three_db, "SELECT label FROM relations") == [("said_by",)]
    window.open_document(second)
    ctrl(window, Qt.Key.Key_Z)
    assert window.state.document.id == first
    assert window.state.selected == quote.id  # the link's quote is shown
    assert rows(three_db, "SELECT label FROM relations") == []
    assert window.state.relations == []
    window.open_document(second)
    ctrl(window, Qt.Key.Key_Z, shift=True)
    assert window.state.document.id == first
    assert [r.label for r in window.state.relations] == ["said_by"]
    assert rows(three_db, "SELECT label FROM relations") == [("said_by",)]


def test_a_note_on_the_article_undone_from_another_article(
    window: MainWindow, three_db: Path, monkeypatch
) -> None:
    from annotator.gui.annotate import note_dialog

    first, second = window.documents.id_at(0), window.documents.id_at(1)
    monkeypatch.setattr(note_dialog, "ask_note", lambda *a, **k: ("check the quote — later", True))
    window.annotating.doc_note_action.trigger()
    assert rows(three_db, f"SELECT note FROM documents WHERE id = '{first}'") == [
        ("check the quote — later",)]
    window.open_document(second)
    ctrl(window, Qt.Key.Key_Z)
    assert window.state.document.id == first
    assert window.state.document.note is None
    assert rows(three_db, f"SELECT note FROM documents WHERE id = '{first}'") == [(None,)]


def test_undo_while_the_gold_layer_is_shown_goes_back_to_the_annotators_spans(
    window: MainWindow, three_db: Path
) -> None:
    from annotator.core.vocabulary import ALL, GOLD_LAYER

    first, second = window.documents.id_at(0), window.documents.id_at(1)
    mark(window, "Ana Ruiz", Qt.Key.Key_3)
    ctrl(window, Qt.Key.Key_Return)
    assert window.state.document.id == second
    window.show_layer(GOLD_LAYER)  # gold is read only here: nothing of alice's is shown
    ctrl(window, Qt.Key.Key_Z)  # "done" taken back ...
    assert window.layer == ALL  # ... where alice's span can be seen, not among gold ones
    assert window.state.document.id == first
    assert [s.text for s in window.state.spans] == ["Ana Ruiz"]
    ctrl(window, Qt.Key.Key_Z)
    assert spans(three_db) == [] and len(window.state.spans) == 0
