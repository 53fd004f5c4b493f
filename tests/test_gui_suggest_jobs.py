"""Issue 17, point 2: the suggesters run from the window off its GUI thread. An article
opened is suggested for in the background (the window answers meanwhile; an edit made
while they run is kept and the result made again on the article as it is), the choice is
remembered; Suggest for all articles… runs annotator suggest's pipeline with progress
and a Cancel that keeps what is done; the database is checked after each."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from PySide6.QtWidgets import QApplication, QProgressDialog, QPushButton

from annotator import settings, suggest_runs
from annotator.cli import main
from annotator.formats.reading import read_paths
from annotator.gui.annotate.auto_suggest import SETTING
from annotator.gui.annotate.window import MainWindow
from annotator.store import Store
from conftest import SEED
from gui_helpers import key_select, press

from PySide6.QtCore import Qt  # isort: skip


def rows(path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def open_window(qtbot, path: Path) -> MainWindow:
    w = MainWindow(store=Store.open(path), annotator="alice")
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.article.text.setFocus()
    return w


class Gated:
    """The suggesters, made to wait at their ``hold``-th call until ``go`` is set (a slow
    suggester the test controls instead of a sleep)."""

    def __init__(self, hold: int = 1) -> None:
        self.real = suggest_runs.suggest_document
        self.calls, self.hold, self.go = 0, hold, threading.Event()

    def __call__(self, *args, **kwargs):
        self.calls += 1
        if self.calls == self.hold:
            assert self.go.wait(20), "the test never let the suggesters go on"
        return self.real(*args, **kwargs)


def test_an_article_opens_at_once_and_its_suggestions_arrive_later(qtbot, seed_db, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_SUGGEST_ON_OPEN", "1")
    slow = Gated()
    monkeypatch.setattr(suggest_runs, "suggest_document", slow)
    began = time.monotonic()
    w = open_window(qtbot, seed_db)
    qtbot.waitUntil(lambda: slow.calls == 1)  # running, and held
    assert time.monotonic() - began < 10
    assert w.suggesting.pending == [] and w.suggesting.count_label.text() == "Suggesting…"
    # the window answers while the suggesters run: an actor marked by keys is saved
    text = w.state.document.text
    at = text.index("Sergei Lavrov")
    key_select(w, at, len("Sergei Lavrov"))
    press(w, Qt.Key.Key_3)  # the actor key
    qtbot.waitUntil(lambda: rows(seed_db, "SELECT count(*) FROM spans")[0][0] == 1)
    assert rows(seed_db, "SELECT count(*) FROM suggestions") == [(0,)]  # nothing yet
    slow.go.set()
    qtbot.waitUntil(lambda: bool(w.suggesting.pending), timeout=20000)
    # the first result was made before the edit: dropped, and made again after it
    assert slow.calls == 2
    assert rows(seed_db, "SELECT start, end, label, annotator FROM spans") == [
        (at, at + 13, "actor", "alice")]  # fmt: skip
    pending = w.suggesting.pending
    assert not any(p.is_span and (p.start, p.end, p.label) == (at, at + 13, "actor")
                   for p in pending)  # fmt: skip  (already a span: never suggested)
    # the second run saw the actor marked meanwhile: its further mentions are suggested
    assert any(p.is_span and p.label == "actor" and p.text == "Lavrov" for p in pending)
    assert rows(seed_db, "SELECT count(*) FROM suggestions")[0][0] >= len(pending)
    assert "Suggestions left:" in w.suggesting.count_label.text()
    assert all(p.text == text[p.start:p.end] for p in pending if p.is_span)
    w.close()


def test_an_article_decided_before_is_not_suggested_again_by_itself(qtbot, seed_db, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_SUGGEST_ON_OPEN", "1")
    w = open_window(qtbot, seed_db)
    qtbot.waitUntil(lambda: bool(w.suggesting.pending), timeout=20000)
    w.suggesting.step(+1)
    press(w, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: rows(seed_db, "SELECT count(*) FROM suggestion_rejections")[0][0])
    w.close()
    with Store.open(seed_db) as store:  # every pending one gone: only the rejection left
        (doc,) = store.document_ids()
        store.replace_suggestion_runs(doc, [])
    with sqlite3.connect(seed_db) as conn:
        conn.execute("DELETE FROM suggestions")
    calls = []
    monkeypatch.setattr(suggest_runs, "propose", lambda *a, **k: calls.append(a) or [])
    w = open_window(qtbot, seed_db)
    qtbot.wait(150)
    assert calls == []  # opened again: decided before, so left as it is
    w.auto_suggest.article_action.trigger()  # Ctrl+Shift+G asks for it
    qtbot.waitUntil(lambda: len(calls) == 1)
    w.close()


def test_suggest_when_an_article_opens_can_be_turned_off_and_stays_off(qtbot, seed_db, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_SUGGEST_ON_OPEN", "1")
    calls = []
    monkeypatch.setattr(suggest_runs, "propose", lambda *a, **k: calls.append(a) or [])
    w = open_window(qtbot, seed_db)
    qtbot.waitUntil(lambda: len(calls) == 1)
    action = w.auto_suggest.on_open_action
    assert action.isChecked() and action in w.suggesting.menu.actions()
    action.trigger()
    assert settings.load()[SETTING] is False
    assert "no longer made when an article opens" in w.statusBar().currentMessage()
    w.close()
    w = open_window(qtbot, seed_db)
    qtbot.wait(150)
    assert len(calls) == 1  # not run again
    assert not w.auto_suggest.on_open_action.isChecked()
    w.close()


def corpus(tmp_path: Path, n: int) -> Path:
    """A database of ``n`` articles (the sample article, each with its own last line)."""
    texts = []
    for i in range(n):
        f = tmp_path / f"article{i}.txt"
        f.write_text(SEED.read_text(encoding="utf-8") + f"\n\nNote {i}: “Fine,” she said.\n",
                     encoding="utf-8")  # fmt: skip
        texts.append(f)
    path = tmp_path / "corpus.db"
    with Store.open(path) as s:
        s.import_documents(read_paths(texts), annotator="import")
    return path


def suggested(path: Path) -> set[tuple]:
    return set(rows(path, "SELECT document, kind, suggester, label, start, end, score, reason "
                          "FROM suggestions WHERE kind = 'span'"))  # fmt: skip


def test_suggest_for_all_articles_makes_what_the_command_line_makes(qtbot, tmp_path):
    db = corpus(tmp_path, 3)
    twin = tmp_path / "twin.db"
    shutil.copy(db, twin)
    w = open_window(qtbot, db)
    task = w.auto_suggest.suggest_all()
    qtbot.waitUntil(lambda: w.auto_suggest.corpus is None, timeout=30000)
    assert task is not None
    assert "Suggested: 3 article(s); suggestions kept:" in w.statusBar().currentMessage()
    assert len({row[0] for row in suggested(db)}) == 3
    assert w.suggesting.pending  # the open article's drawn
    qtbot.wait(500)
    assert not any(d.isVisible() for d in w.findChildren(QProgressDialog))
    w.close()
    assert CliRunner().invoke(main, ["suggest", str(twin)]).exit_code == 0
    # one pipeline: the same suggestions, whichever started it
    made = {row[:6] for row in suggested(db)}
    assert made and made == {row[:6] for row in suggested(twin)}


def test_cancel_keeps_the_articles_done_and_leaves_the_rest_as_they_were(qtbot, tmp_path,
                                                                         monkeypatch):  # fmt: skip
    db = corpus(tmp_path, 5)
    slow = Gated(hold=3)
    monkeypatch.setattr(suggest_runs, "suggest_document", slow)
    w = open_window(qtbot, db)
    w.auto_suggest.corpus_action.trigger()
    qtbot.waitUntil(lambda: slow.calls == 3)
    dialog = w.findChild(QProgressDialog, "suggestProgress")
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    qtbot.waitUntil(lambda: dialog.labelText() == "Suggesting: 2 of 5 article(s) done")
    cancel = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Cancel")
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    slow.go.set()
    qtbot.waitUntil(lambda: w.auto_suggest.corpus is None, timeout=20000)
    assert slow.calls == 3  # stopped: the fourth article was never read
    # the third, under way when Cancel came, was finished in its one transaction
    assert len({row[0] for row in suggested(db)}) == 3
    assert ("Suggesting cancelled after 3 of 5 article(s)"
            in w.statusBar().currentMessage())  # fmt: skip
    qtbot.wait(500)  # (its timer of 200 ms once showed it again, at 100%)
    assert w.findChild(QProgressDialog, "suggestProgress") is None  # closed and gone
    w.close()


def test_suggest_for_all_articles_says_why_not_for_a_database_in_memory(qtbot) -> None:
    store = Store.memory()
    store.import_documents(read_paths([SEED]), annotator="import")
    w = MainWindow(store=store, annotator="alice")
    qtbot.addWidget(w)
    assert w.auto_suggest.suggest_all() is None
    assert "works on a database file" in w.statusBar().currentMessage()
    w.close()


@pytest.fixture(autouse=True)
def _no_stray_threads():
    yield
    # a background run left behind would write into the next test's files
    for t in threading.enumerate():
        if t.name == "annotator-task":
            t.join(20)


def test_a_database_in_memory_gets_them_through_the_window_writer(qtbot, monkeypatch) -> None:
    monkeypatch.setenv("ANNOTATOR_SUGGEST_ON_OPEN", "1")
    store = Store.memory()
    store.import_documents(read_paths([SEED]), annotator="import")
    w = MainWindow(store=store, annotator="alice")
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: bool(w.suggesting.pending), timeout=20000)
    (doc,) = store.document_ids()
    assert len(store.suggestions(doc, "alice")) == len(w.suggesting.pending)
    assert "suggestion(s) in this article" in w.statusBar().currentMessage()
    w.close()


def test_a_window_closed_while_its_suggesters_run_is_left_alone(qtbot, seed_db, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_SUGGEST_ON_OPEN", "1")
    slow = Gated()
    monkeypatch.setattr(suggest_runs, "suggest_document", slow)
    w = MainWindow(store=Store.open(seed_db), annotator="alice")  # (deleted by the test)
    w.show()
    qtbot.waitUntil(lambda: slow.calls == 1)
    task = next(iter(w.auto_suggest.running.values()))
    w.close()
    w.deleteLater()
    qtbot.wait(20)  # deleted, with its suggesting
    slow.go.set()
    task.thread.join(20)
    qtbot.wait(50)  # what the thread said arrives at nothing, and nothing fails
    assert not task.thread.is_alive()
    # its suggestions were kept on the worker's own connection all the same
    assert rows(seed_db, "SELECT count(*) FROM suggestions")[0][0] > 0


def test_an_article_with_nothing_found_is_not_suggested_for_at_each_opening(qtbot, seed_db,
                                                                            monkeypatch):  # fmt: skip
    monkeypatch.setenv("ANNOTATOR_SUGGEST_ON_OPEN", "1")
    calls = []
    monkeypatch.setattr(suggest_runs, "propose", lambda *a, **k: calls.append(a) or [])
    w = open_window(qtbot, seed_db)
    qtbot.waitUntil(lambda: "No suggestions found in this article." in
                    w.statusBar().currentMessage())  # fmt: skip
    w.show_layer("mine")  # the article opened again
    w.show_layer("all")
    qtbot.wait(100)
    assert len(calls) == 1
    w.close()
