"""Opening an article: the spans are shown from the fast path at once, and the full check
(stored span texts, the text's hash) follows in a thread; what it finds is still said."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from annotator.core.model import DocumentMeta, IncomingDocument, IncomingSpan
from annotator.gui.annotate.window import MainWindow
from annotator.store import Store

TEXT = "“We will not back down”, the minister 😀 said — Lavrov.\r\nKiev answered."


@pytest.fixture
def warnings(monkeypatch) -> list[str]:
    said: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda _p, title, text, *a, **k: said.append(f"{title}: {text}")
    )
    return said


def make_db(path: Path) -> Path:
    def at(word: str) -> tuple[int, int]:
        return TEXT.index(word), TEXT.index(word) + len(word)

    spans = [
        IncomingSpan(
            *at("“We will not back down”"), "quote", id="q", annotator="alice", note="said twice"
        ),
        IncomingSpan(*at("minister"), "actor", id="m", annotator="alice"),
        IncomingSpan(*at("Lavrov"), "actor", id="l", annotator="bob"),
    ]
    with Store.open(path) as s:
        s.import_documents(
            [
                IncomingDocument(
                    TEXT, "a.txt", DocumentMeta(title="Talks"), "test", id="d", spans=spans
                )
            ],
            annotator="import",
        )
    return path


def open_window(qtbot, path: Path) -> MainWindow:
    window = MainWindow(store=Store.open(path), annotator="alice")
    qtbot.addWidget(window)
    window.show()
    return window


def hold_the_first_check(monkeypatch):
    """The first background check waits (still reading) until ``release`` is set;
    ``started`` says it has begun; ``calls`` lists every check's documents."""
    import threading

    started, release, calls = threading.Event(), threading.Event(), []
    verify = Store.verify

    def held(self, doc_ids=None):
        calls.append(doc_ids)
        if len(calls) == 1:
            started.set()
            release.wait(5)
        return verify(self, doc_ids)

    monkeypatch.setattr(Store, "verify", held)
    return started, release, calls


def test_the_window_shows_every_span_with_its_text_and_note(qtbot, tmp_path, warnings) -> None:
    window = open_window(qtbot, make_db(tmp_path / "a.db"))
    shown = {s.id: (s.text, s.note, s.annotator) for s in window.state.spans}
    assert shown == {
        "q": ("“We will not back down”", "said twice", "alice"),
        "m": ("minister", None, "alice"),
        "l": ("Lavrov", None, "bob"),
    }
    qtbot.wait(300)  # the check in the thread finds nothing to say
    assert warnings == []
    window.close()


def test_an_altered_span_text_is_reported_after_the_article_is_shown(
    qtbot, tmp_path, warnings
) -> None:
    path = make_db(tmp_path / "a.db")
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("UPDATE spans SET text = 'Putin' WHERE id = 'l'")
        conn.commit()
    window = open_window(qtbot, path)
    assert window.state.document.id == "d"  # shown first
    qtbot.waitUntil(lambda: bool(warnings), timeout=5000)
    assert "Damaged annotations" in warnings[0] and "'Putin'" in warnings[0]
    window.close()


def test_damaged_offsets_are_reported_at_once(qtbot, tmp_path, warnings) -> None:
    path = make_db(tmp_path / "a.db")
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("UPDATE spans SET end = 'x' WHERE id = 'm'")
        conn.commit()
    window = open_window(qtbot, path)
    assert warnings and "wrong types" in warnings[0]
    assert sorted(s.id for s in window.state.spans) == ["l", "q"]  # the sound ones are shown
    window.close()


def test_closing_the_window_during_the_check_leaves_the_file_at_rest(
    qtbot, tmp_path, warnings, monkeypatch
) -> None:
    import threading

    path = make_db(tmp_path / "a.db")
    started, release, _calls = hold_the_first_check(monkeypatch)  # reading when it closes
    window = open_window(qtbot, path)
    assert started.wait(5)
    threading.Timer(0.2, release.set).start()
    window.close()  # waits for the check, then closes the store last
    assert not Path(f"{path}-wal").exists()
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    qtbot.wait(100)
    assert warnings == []  # nothing said about a window that is gone


def test_opening_again_stops_the_check_under_way_without_a_false_alarm(
    qtbot, tmp_path, warnings, monkeypatch
) -> None:
    path = make_db(tmp_path / "a.db")
    first, release, calls = hold_the_first_check(monkeypatch)  # reading when it reopens
    window = open_window(qtbot, path)
    assert first.wait(5)
    stopped = window.checks._checks[0][0]
    window.open_document("d", again=True)
    assert stopped._cancel.is_set()  # told to stop
    release.set()
    qtbot.waitUntil(lambda: not stopped.thread.is_alive(), timeout=5000)
    qtbot.waitUntil(lambda: not window.checking(), timeout=5000)
    qtbot.wait(50)
    assert warnings == []  # the stopped check's result is not shown
    assert len(calls) == 2
    window.close()


def test_a_check_that_cannot_run_is_not_called_damage(qtbot, tmp_path, warnings, monkeypatch):
    from annotator.store import StoreError

    path = make_db(tmp_path / "a.db")

    def cannot(_file):
        raise StoreError(f"{path}: no such database")

    monkeypatch.setattr(Store, "reader", cannot)
    window = open_window(qtbot, path)
    qtbot.waitUntil(lambda: "could not be checked" in window.statusBar().currentMessage(),
                    timeout=5000)
    assert warnings == []
    window.close()


def test_nothing_reads_the_store_after_the_window_closed(qtbot, tmp_path, warnings) -> None:
    from PySide6.QtWidgets import QApplication

    window = MainWindow(store=Store.open(make_db(tmp_path / "a.db")), annotator="alice")
    qtbot.addWidget(window)  # never shown: its tables lay themselves out later
    window.state.select("m")
    window.annotating.delete()
    window.close()
    assert window.documents.rowCount() == 0  # the list let go of its rows
    table = window.doc_panel.findChild(type(window.span_table))
    table.doItemsLayout()
    table.model().data(table.model().index(0, 0))
    QApplication.processEvents()  # an exception here fails the test (pytest-qt)


def test_view_shows_everyone_only_mine_or_only_the_gold_layer(qtbot, tmp_path, warnings):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from gui_helpers import drag_select, press

    path = make_db(tmp_path / "a.db")  # alice: q, m; bob: l
    with Store.open(path) as s:
        gold = s.decide_span("l", "accepted", reviewer="rita")
    window = open_window(qtbot, path)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)

    def shown() -> set[str]:
        return {s.annotator for s in window.state.spans}

    assert shown() == {"alice", "bob", "gold"}
    window.menus.layer_actions["mine"].trigger()
    assert shown() == {"alice"} and sorted(s.id for s in window.state.spans) == ["m", "q"]
    assert "only mine" in window.statusBar().position_label.text()
    start = TEXT.index("Kiev")
    drag_select(window, start, start + 4)
    press(window, Qt.Key.Key_3)  # annotating goes on as usual: the new span is hers
    assert [s.text for s in window.state.spans if s.start == start] == ["Kiev"]

    window.menus.layer_actions["gold"].trigger()
    assert [s.id for s in window.state.spans] == [gold.id]
    drag_select(window, TEXT.index("answered"), TEXT.index("answered") + 8)
    press(window, Qt.Key.Key_1)  # read-only: said, not saved
    assert "gold layer is shown" in window.statusBar().currentMessage()
    assert [s.id for s in window.state.spans] == [gold.id]
    with Store.open_readonly(path) as s:
        assert not [x for x in s.spans("d") if x.text == "answered"]

    window.menus.layer_actions["all"].trigger()
    assert shown() == {"alice", "bob", "gold"} and len(window.state.spans) == 5
    window.close()
