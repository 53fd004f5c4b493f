"""Issue 17, point 2, on a long article: its suggesters run on opening, in a process of
their own (pure Python in the window's process would slow every edit while they run). An
edit during the run is kept, the run's stale result is never written, and the run starts
again once edits pause; closing the window or opening another article mid-run leaves no
process behind."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication

import apart_stand_in
from annotator.gui.annotate.auto_suggest import AutoSuggest
from gui_helpers import key_select, press
from test_gui_long import LONG_ARTICLE, window_on

PARA = "“We will not yield,” the minister said on Tuesday — 😀 Лавров too.\n\n"


def rows(path: Path, sql: str, *args) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql, args).fetchall()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a child ended but not yet waited for is a zombie: gone as far as work goes; one
    # reaped meanwhile is gone from /proc (open or read then fails)
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1][0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


@pytest.fixture
def held(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "apart"
    folder.mkdir()
    monkeypatch.setenv("ANNOTATOR_TEST_APART", str(folder))
    monkeypatch.setenv("ANNOTATOR_SUGGEST_ON_OPEN", "1")
    monkeypatch.setattr(AutoSuggest, "apart_target", staticmethod(apart_stand_in.held))
    monkeypatch.setattr(AutoSuggest, "AGAIN_MS", 300)
    return folder


def started(folder: Path) -> list[int]:
    return sorted(int(f.name.split("-")[1]) for f in folder.glob("started-*"))


def long_window(qtbot, tmp_path: Path):
    w = window_on(qtbot, tmp_path / "long.db", PARA * (LONG_ARTICLE // len(PARA) + 10), [])
    assert w.article.text is w.article.long_text
    return w


def test_a_long_article_is_suggested_for_on_opening_in_a_process_and_edits_win(
    qtbot, tmp_path: Path, held: Path
) -> None:
    db = tmp_path / "long.db"
    w = long_window(qtbot, tmp_path)
    qtbot.waitUntil(lambda: len(started(held)) == 1, timeout=30000)
    (pid,) = started(held)
    assert pid != os.getpid() and alive(pid)  # its own process, not the window's thread
    assert w.suggesting.count_label.text() == "Suggesting…"
    # the window answers meanwhile: an actor marked by keys is saved at once
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.article.text.setFocus()
    text = w.state.document.text
    at = text.index("Лавров")
    key_select(w, at, len("Лавров"))
    press(w, Qt.Key.Key_3)  # the actor key
    qtbot.waitUntil(lambda: rows(db, "SELECT count(*) FROM spans")[0][0] == 1)
    # the edit made the run stale: its process is stopped, nothing of it written
    qtbot.waitUntil(lambda: not alive(pid), timeout=10000)
    assert rows(db, "SELECT count(*) FROM suggestions") == [(0,)]
    # and, once the edits pause, it runs again on the article as it is now
    qtbot.waitUntil(lambda: len(started(held)) == 2, timeout=30000)
    (held / "go").write_text("")
    qtbot.waitUntil(lambda: bool(w.suggesting.pending), timeout=120000)
    assert rows(db, "SELECT start, end, label FROM spans") == [(at, at + 6, "actor")]
    pending = w.suggesting.pending
    assert len(pending) == rows(db, "SELECT count(*) FROM suggestions")[0][0]
    assert not any(p.is_span and (p.start, p.end, p.label) == (at, at + 6, "actor")
                   for p in pending)  # fmt: skip  (marked: never suggested)
    # the actor marked during the run: its further mentions are suggested
    assert any(p.is_span and p.label == "actor" and p.text == "Лавров" for p in pending)
    assert all(p.text == text[p.start:p.end] for p in pending if p.is_span)
    assert "Suggestions left:" in w.suggesting.count_label.text()
    assert not any(alive(p) for p in started(held))
    w.close()


def test_closing_the_window_mid_run_leaves_no_process(qtbot, tmp_path: Path, held: Path) -> None:
    db = tmp_path / "long.db"
    w = long_window(qtbot, tmp_path)
    qtbot.waitUntil(lambda: len(started(held)) == 1, timeout=30000)
    (pid,) = started(held)
    began = time.monotonic()
    w.close()
    assert time.monotonic() - began < 10
    assert not alive(pid)  # ended by the time the window is closed
    qtbot.waitUntil(lambda: not [t for t in threading.enumerate() if t.name == "annotator-task"])
    assert rows(db, "SELECT count(*) FROM suggestions") == [(0,)]


def test_opening_another_article_stops_the_long_ones_run(qtbot, tmp_path: Path,
                                                         held: Path) -> None:  # fmt: skip
    from annotator.core.model import DocumentMeta, IncomingDocument

    w = long_window(qtbot, tmp_path)
    qtbot.waitUntil(lambda: len(started(held)) == 1, timeout=30000)
    (pid,) = started(held)
    w.store.import_documents([IncomingDocument("A short one. “Fine,” she said.", "short",
                                               DocumentMeta(title="short"), "t")],
                             annotator="gen")  # fmt: skip
    long = w.state.document.id
    short = next(d for d in w.store.document_ids() if d != long)
    w.open_document(short)
    qtbot.waitUntil(lambda: not alive(pid), timeout=10000)
    qtbot.waitUntil(lambda: long not in w.auto_suggest.running)
    assert rows(tmp_path / "long.db", "SELECT count(*) FROM suggestions WHERE document = ?",
                long) == [(0,)]  # fmt: skip
    w.close()


def test_asked_for_with_suggest_on_opening_off_it_runs_apart_too(qtbot, tmp_path: Path,
                                                                 held: Path, monkeypatch):  # fmt: skip
    monkeypatch.setenv("ANNOTATOR_SUGGEST_ON_OPEN", "0")
    w = long_window(qtbot, tmp_path)
    qtbot.wait(200)
    assert started(held) == []  # not on opening: the user turned it off
    (held / "go").write_text("")
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.article.text.setFocus()
    qtbot.keyClick(w.article.text, Qt.Key.Key_G,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: len(started(held)) == 1, timeout=30000)
    qtbot.waitUntil(lambda: "suggestion(s) in this article" in w.statusBar().currentMessage(),
                    timeout=120000)  # fmt: skip
    assert w.suggesting.pending and not alive(started(held)[0])
    w.close()


def test_a_long_articles_suggestions_are_read_off_the_gui_thread_on_opening(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    from annotator import suggest_runs
    from annotator.store import Store

    monkeypatch.setenv("ANNOTATOR_SUGGEST_ON_OPEN", "1")
    text = PARA * (LONG_ARTICLE // len(PARA) + 10)
    db = tmp_path / "long.db"
    w = window_on(qtbot, db, text, [])
    w.auto_suggest.stop()
    w.close()
    with Store.open(db) as store:
        (doc,) = store.document_ids()
        store.replace_suggestion_runs(doc, suggest_runs.propose(text[:20_000], [], []))
    made = rows(db, "SELECT count(*) FROM suggestions")[0][0]
    assert made > 50
    readers, real = [], Store.suggestions
    monkeypatch.setattr(Store, "suggestions", lambda *a, **k: readers.append(
        (threading.current_thread(), time.perf_counter())) or real(*a, **k))  # fmt: skip
    whole, real_spans = [], Store.spans  # the reader asks places only, not whole records
    monkeypatch.setattr(Store, "spans", lambda *a, **k: whole.append(
        threading.current_thread()) or real_spans(*a, **k))  # fmt: skip
    runs = []
    monkeypatch.setattr(suggest_runs, "propose", lambda *a, **k: runs.append(a) or [])
    from annotator.gui.annotate.window import MainWindow

    w = MainWindow(store=Store.open(db), annotator="alice")
    qtbot.addWidget(w)
    painted = []
    w.article.text.viewport().installEventFilter(_FirstPaint(painted, w))
    w.show()
    assert w.suggesting.reading and w.suggesting.count_label.text() == "Reading suggestions…"
    assert readers == []  # begun once the article has been drawn, not before
    qtbot.waitUntil(lambda: len(w.suggesting.pending) == made, timeout=30000)
    assert readers and threading.main_thread() not in [t for t, _ in readers]
    assert painted and painted[0] < readers[0][1]  # the first paint came first
    assert [t for t in whole if t is not threading.main_thread()] == []
    assert "Suggestions left:" in w.suggesting.count_label.text()
    qtbot.wait(200)
    assert runs == [] and not started_any()  # suggested for before: not again by itself
    w.close()


class _FirstPaint(QObject):
    """Notes when the viewport it watches is first painted."""

    def __init__(self, painted: list, parent) -> None:
        super().__init__(parent)
        self.painted = painted

    def eventFilter(self, _watched, event) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Paint and not self.painted:
            self.painted.append(time.perf_counter())
        return False


def started_any() -> bool:
    import multiprocessing

    return bool(multiprocessing.active_children())


def test_a_run_stopped_by_an_edit_starts_again_after_the_article_is_shown_again(
    qtbot, tmp_path: Path, held: Path
) -> None:
    w = long_window(qtbot, tmp_path)
    qtbot.waitUntil(lambda: len(started(held)) == 1, timeout=30000)
    (pid,) = started(held)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.article.text.setFocus()
    at = w.state.document.text.index("minister")
    key_select(w, at, len("minister"))
    press(w, Qt.Key.Key_3)
    qtbot.waitUntil(lambda: not alive(pid), timeout=10000)
    w.show_layer("mine")  # the same article opened again before the run starts again
    w.show_layer("all")
    qtbot.waitUntil(lambda: len(started(held)) == 2, timeout=30000)
    (held / "go").write_text("")
    qtbot.waitUntil(lambda: bool(w.suggesting.pending), timeout=120000)
    assert len(started(held)) == 2
    # an edit once its suggestions are there runs nothing again by itself
    key_select(w, at + 200, 6)
    press(w, Qt.Key.Key_3)
    qtbot.wait(600)
    assert len(started(held)) == 2
    w.close()


def test_the_suggesters_process_runs_below_the_window(monkeypatch, tmp_path) -> None:
    """On two cores, the process takes one: its nice value lets the window's edits and
    scrolling come first (a page down took 43 ms at worst with it at the window's own)."""
    import multiprocessing

    from annotator import suggest_apart

    asked = []
    monkeypatch.setattr(suggest_apart.os, "nice", lambda n: asked.append(n) or n)
    ours, theirs = multiprocessing.Pipe()
    suggest_apart.child(str(tmp_path / "missing.db"), "doc", theirs)
    assert asked == [suggest_apart.CHILD_NICE] and suggest_apart.CHILD_NICE > 0
    kind, message = ours.recv()
    assert kind == "failed" and "missing.db" in message
