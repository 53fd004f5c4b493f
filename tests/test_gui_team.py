"""The window and the team hub (issue 19, points 1, 2, 5), against a real PostgreSQL server:
File ▸ Team hub ▸ Connect…, background sync (pushed after edits, news arriving without a
click, offline and back), and parked conflicts settled in the window; both databases checked."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import psycopg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QInputDialog

from annotator import paths
from annotator.gui.annotate import team as hub_team
from annotator.gui.annotate.window import MainWindow
from annotator.store import Store
from annotator.sync.client import sync
from gui_helpers import drag_select, press
from hubkit import hub_spans, login, mark, run


def address_of(url: str) -> str:
    """The hub's address without a user (what a member types)."""
    return url.rsplit(" user=", 1)[0]


def open_window(qtbot, db: Path, annotator: str) -> MainWindow:
    window = MainWindow(store=Store.open(db), annotator=annotator)
    qtbot.addWidget(window)
    window.show()
    return window


def close(window: MainWindow) -> None:
    window.close()
    assert not [t for t in threading.enumerate()
                if t.name in ("annotator-sync", "annotator-listen") and t.is_alive()]


def hub_state(window: MainWindow) -> str:
    return window.team.button.text()


def connect_through_dialog(qtbot, window: MainWindow, address: str, name: str | None = None):
    window.team.choose_connect()
    dialog = window.team.connect_dialog
    qtbot.keyClicks(dialog.address, address)
    if name is not None:
        dialog.name.clear()
        qtbot.keyClicks(dialog.name, name)
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)
    return dialog


def local_spans(db: Path) -> set[tuple]:
    conn = sqlite3.connect(db)
    try:
        return set(conn.execute("SELECT annotator, label, start, end FROM spans"))
    finally:
        conn.close()


def test_connect_checks_remembers_without_password_and_reconnects(team, qtbot):
    url, tmp = team
    db = tmp / "alice.db"
    window = open_window(qtbot, db, "alice")
    assert window.documents.rowCount() == 0 and not window.team.button.isVisible()
    dialog = connect_through_dialog(qtbot, window, address_of(url) + " password=s3cret")
    qtbot.waitUntil(lambda: window.team.link is not None, timeout=10000)
    assert dialog.result() == dialog.DialogCode.Accepted
    # the first sync brings the assigned articles into the list, and the status says so
    qtbot.waitUntil(lambda: window.documents.rowCount() > 0, timeout=15000)
    qtbot.waitUntil(lambda: hub_state(window).endswith("Synced"), timeout=15000)
    remembered = hub_team.remembered(db)
    assert "user=alice" in remembered and "s3cret" not in remembered
    assert "s3cret" not in paths.settings_file().read_text()
    close(window)
    # a later start reconnects by itself
    again = open_window(qtbot, db, "alice")
    assert again.team.link is not None
    qtbot.waitUntil(lambda: hub_state(again).endswith("Synced"), timeout=15000)
    again.team.disconnect()
    assert hub_team.remembered(db) is None and not again.team.button.isVisible()
    close(again)


def test_connect_says_why_it_refuses(team, pg_cluster, qtbot):
    url, tmp = team
    window = open_window(qtbot, tmp / "zed.db", "zed")
    # a wrong address: nothing listens there
    dialog = connect_through_dialog(qtbot, window, f"host={tmp}/nowhere dbname=x")
    qtbot.waitUntil(lambda: dialog.problem.isVisible()
                    and "cannot be reached" in dialog.problem.text(), timeout=15000)
    assert window.team.link is None and dialog.isVisible()
    dialog.reject()
    # a name the hub does not know
    dialog = connect_through_dialog(qtbot, window, address_of(url))
    qtbot.waitUntil(lambda: "Not a member of this hub" in dialog.problem.text(), timeout=15000)
    dialog.reject()
    # a name that is not the window's annotator name: said before anything is tried
    dialog = connect_through_dialog(qtbot, window, address_of(url), name="alice")
    assert "Not your annotator name" in dialog.problem.text() and dialog.task is None
    dialog.reject()
    # a hub made by a newer Annotator
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE hub_meta SET value = '999' WHERE key = 'schema_version'")
    window.annotator = "alice"
    dialog = connect_through_dialog(qtbot, window, address_of(url), name="alice")
    qtbot.waitUntil(lambda: "needs a newer Annotator" in dialog.problem.text(), timeout=15000)
    dialog.reject()
    assert window.team.link is None and hub_team.remembered(tmp / "zed.db") is None
    close(window)


def synced_window(qtbot, url: str, db: Path, who: str) -> MainWindow:
    sync(db, login(url, who))  # the file holds the assigned articles
    hub_team.remember(db, login(url, who))
    window = open_window(qtbot, db, who)
    qtbot.waitUntil(lambda: hub_state(window).endswith("Synced"), timeout=15000)
    return window


def offset_of(window: MainWindow, needle: str) -> int:
    return window.state.document.text.index(needle)


def test_edits_are_pushed_in_the_background(team, qtbot, monkeypatch):
    url, tmp = team
    window = synced_window(qtbot, url, tmp / "alice.db", "alice")
    start = offset_of(window, "Lavrov")
    drag_select(window, start, start + len("Lavrov"))
    press(window, Qt.Key.Key_3)
    assert ("alice", "actor", start, start + 6) in local_spans(tmp / "alice.db")  # at once
    qtbot.waitUntil(lambda: ("alice", "actor", start, start + 6, False) in hub_spans(url),
                    timeout=10000)
    qtbot.waitUntil(lambda: hub_state(window).endswith("Synced"), timeout=10000)
    # a new annotator name while connected: said, since that work would not be sent
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: ("alicia", True))
    window.menus.name_action.trigger()
    assert "You sync with the hub as alice" in window.statusBar().currentMessage()
    close(window)


def test_others_work_arrives_without_a_click_and_keeps_undo(team, qtbot):
    url, tmp = team
    sync(tmp / "alice.db", login(url, "alice"))
    # rita reviews and annotates too: the articles are hers as well (her spans may be pushed)
    run("hub", "assign", login(url, "lena"), "--to", "alice,bob,rita", "--per-document", "3")
    rita = synced_window(qtbot, url, tmp / "rita.db", "rita")
    with Store.open(tmp / "alice.db") as store:
        rita.open_document(store.document_ids()[0])  # the article alice marks
    start = offset_of(rita, "Russia")
    drag_select(rita, start, start + len("Russia"))
    press(rita, Qt.Key.Key_3)  # rita's own edit: its undo must survive what arrives
    span = mark(tmp / "alice.db", "alice", "Lavrov")
    sync(tmp / "alice.db", login(url, "alice"))
    qtbot.waitUntil(lambda: span.id in rita.state.spans, timeout=10000)
    assert rita.undo_stack.count() == 1
    with Store.open(tmp / "rita.db") as store:
        assert store.span(span.id).text == "Lavrov"
    close(rita)


def test_offline_edits_are_kept_and_sent_when_the_hub_is_back(team, pg_cluster, qtbot):
    url, tmp = team
    window = synced_window(qtbot, url, tmp / "alice.db", "alice")
    pg_cluster.stop()
    try:
        window.team.sync_now()
        qtbot.waitUntil(lambda: "Offline since" in hub_state(window), timeout=15000)
        assert "your work is kept" in hub_state(window)
        start = offset_of(window, "Lavrov")
        drag_select(window, start, start + len("Lavrov"))
        press(window, Qt.Key.Key_3)
        assert ("alice", "actor", start, start + 6) in local_spans(tmp / "alice.db")
        assert window.statusBar().saved_label.text().startswith("✓ All changes saved")
        qtbot.wait(2500)  # the push after the edit fails: still offline, nothing shown broken
        assert "Offline since" in hub_state(window)
        qtbot.mouseClick(window.team.button, Qt.MouseButton.LeftButton)  # what is going on?
        box = window.team.explain_box
        assert box.isVisible() and "Traceback" not in box.informativeText()
        assert "The hub cannot be reached" in box.informativeText()
        assert "2 change(s) in this file not yet on the hub" in box.informativeText()  # span, status
        retry = next(b for b in box.buttons() if b.text() == "&Retry now")
    finally:
        pg_cluster.start()
    qtbot.mouseClick(retry, Qt.MouseButton.LeftButton)  # no waiting for the back-off
    qtbot.waitUntil(lambda: hub_state(window).endswith("Synced"), timeout=5000)
    assert ("alice", "actor", start, start + 6, False) in hub_spans(url)
    close(window)


def test_conflicts_keep_mine_theirs_and_both(team, qtbot, monkeypatch):
    url, tmp = team
    laptop, desktop = tmp / "laptop.db", tmp / "desktop.db"
    alice = login(url, "alice")
    sync(laptop, alice)
    spans = [mark(laptop, "alice", word) for word in ("Lavrov", "Russia", "Ukraine")]
    sync(laptop, alice)
    shutil.copy(laptop, desktop)
    for db, label in ((laptop, "quote"), (desktop, "claim")):
        with Store.open(db) as store:
            for span in spans:
                store.relabel_span(span.id, label)
    sync(laptop, alice)
    assert sync(desktop, alice).conflicts == 3
    hub_team.remember(desktop, alice)
    window = open_window(qtbot, desktop, "alice")
    qtbot.waitUntil(lambda: hub_state(window).endswith("3 conflicts"), timeout=15000)
    window.team.show_conflicts()
    dialog = window.team.conflicts_dialog
    assert dialog.list.count() == 3
    assert "quote" in dialog.hub_side.toPlainText()
    assert "claim" in dialog.mine_side.toPlainText()
    # the rows are in parking order: the spans as marked
    qtbot.mouseClick(dialog.keep_mine, Qt.MouseButton.LeftButton)  # Lavrov: mine
    qtbot.mouseClick(dialog.keep_theirs, Qt.MouseButton.LeftButton)  # Russia: theirs
    qtbot.mouseClick(dialog.keep_both, Qt.MouseButton.LeftButton)  # Ukraine: both
    assert dialog.list.count() == 0
    qtbot.waitUntil(lambda: hub_state(window).endswith("Synced"), timeout=15000)
    with Store.open(desktop) as store:
        local = sorted((s.text, s.label) for s in store.spans(spans[0].document))
    assert local == [("Lavrov", "claim"), ("Russia", "quote"), ("Ukraine", "claim"),
                     ("Ukraine", "quote")]
    qtbot.waitUntil(lambda: {("alice", "claim", False), ("alice", "quote", False)} <= {
        (a, lb, d) for a, lb, _s, _e, d in hub_spans(url)}, timeout=10000)
    hub = sorted((lb, s) for a, lb, s, _e, d in hub_spans(url) if not d)
    assert hub == sorted([("claim", spans[0].start), ("quote", spans[1].start),
                          ("claim", spans[2].start), ("quote", spans[2].start)])
    assert any(s.id in window.state.spans for s in spans)
    close(window)
    QApplication.processEvents()
