"""Issue 19's "Done when": two annotator windows (alice, bob: each its own file) and one
reviewer window (rita) against one real hub, each syncing in its own background threads.
Each connects through File ▸ Team hub ▸ Connect…; an actor marked by alice appears in rita's
Compare annotators within seconds with no click; the hub is stopped, both annotate, it is
started again: nothing is lost, and the status bar said what was happening throughout. All
three files and the hub are checked at the end."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from gui_helpers import drag_select, press
from hubkit import hub_spans
from test_gui_team import address_of, close, connect_through_dialog, hub_state, open_window

SOON = 10.0  # seconds: "within seconds" (2 s debounce, then LISTEN wakes the reviewer)


class StatusLog:
    """Every text the hub button of ``window`` showed, in order (polled: no signal)."""

    def __init__(self, window) -> None:
        self.window, self.texts = window, []
        self.timer = QTimer(interval=50)
        self.timer.timeout.connect(self._look)
        self.timer.start()

    def _look(self) -> None:
        text = hub_state(self.window)
        if not self.texts or self.texts[-1] != text:
            self.texts.append(text)

    def said(self, words: str) -> bool:
        return any(words in t for t in self.texts)


def rows(db: Path, who: str) -> set[tuple]:
    conn = sqlite3.connect(db)
    try:
        return set(conn.execute(
            "SELECT id, label, start, end, text FROM spans WHERE annotator = ?", [who]))
    finally:
        conn.close()


def hub_rows(url: str, who: str) -> set[tuple]:
    import psycopg

    with psycopg.connect(url) as conn:
        return set(conn.execute(
            'SELECT id, label, start, "end", text FROM spans WHERE annotator = %s '
            "AND NOT deleted", [who]).fetchall())


def connected(qtbot, url: str, db: Path, who: str):
    window = open_window(qtbot, db, who)
    connect_through_dialog(qtbot, window, address_of(url))
    qtbot.waitUntil(lambda: window.team.link is not None, timeout=10000)
    qtbot.waitUntil(lambda: window.documents.rowCount() > 0, timeout=15000)
    qtbot.waitUntil(lambda: hub_state(window).endswith("Synced"), timeout=15000)
    return window


def mark(qtbot, window, word: str, key=Qt.Key.Key_3):
    window.activateWindow()  # a label's key is the active window's
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    text = window.state.document.text
    start = text.index(word)
    before = {s.id for s in window.state.spans}
    drag_select(window, start, start + len(word))
    press(window, key)
    (span,) = [s for s in window.state.spans if s.id not in before]
    return span


def test_two_annotators_and_a_reviewer_through_a_stopped_hub(team, pg_cluster, qtbot):
    url, tmp = team
    dbs = {who: tmp / f"{who}.db" for who in ("alice", "bob", "rita")}
    alice = connected(qtbot, url, dbs["alice"], "alice")
    bob = connected(qtbot, url, dbs["bob"], "bob")
    rita = connected(qtbot, url, dbs["rita"], "rita")
    logs = {w.annotator: StatusLog(w) for w in (alice, bob, rita)}
    doc = alice.state.document.id
    bob.open_document(doc)
    rita.open_document(doc)
    rita.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is rita)
    qtbot.keyClick(rita, Qt.Key.Key_R,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    review = rita.review_window
    assert review is not None and review.isVisible() and review.document.id == doc

    # alice marks an actor: in rita's Compare annotators within seconds, with no click
    marked = time.monotonic()
    lavrov = mark(qtbot, alice, "Lavrov")
    qtbot.waitUntil(lambda: lavrov.id in {s.id for s in review.spans}, timeout=SOON * 1000)
    assert time.monotonic() - marked < SOON
    assert "alice" in review.annotators
    russia = mark(qtbot, bob, "Russia")
    qtbot.waitUntil(lambda: russia.id in {s.id for s in review.spans}, timeout=SOON * 1000)
    assert review.annotators == ["alice", "bob"]
    for window in (alice, bob, rita):
        qtbot.waitUntil(lambda w=window: hub_state(w).endswith("Synced"), timeout=10000)

    # the hub stops: both annotate on; every window says it is offline, work kept
    pg_cluster.stop()
    try:
        offline = [mark(qtbot, alice, "Ukraine"), mark(qtbot, bob, "Lavrov")]
        for window in (alice, bob, rita):
            qtbot.waitUntil(lambda w=window: "Offline since" in hub_state(w), timeout=20000)
            assert "your work is kept" in hub_state(window)
        assert offline[0].id in {r[0] for r in rows(dbs["alice"], "alice")}
        assert offline[1].id in {r[0] for r in rows(dbs["bob"], "bob")}
        assert alice.statusBar().saved_label.text().startswith("✓ All changes saved")
    finally:
        pg_cluster.start()

    # started again: no click, and within seconds everything is where it belongs
    back = time.monotonic()
    for window in (alice, bob):
        qtbot.waitUntil(lambda w=window: hub_state(w).endswith("Synced"), timeout=30000)
    qtbot.waitUntil(lambda: {s.id for s in offline} <= {s.id for s in review.spans},
                    timeout=30000)
    qtbot.waitUntil(lambda: hub_state(rita).endswith("Synced"), timeout=30000)
    assert time.monotonic() - back < 20  # the LISTEN connection coming back wakes the sync
    for who in ("alice", "bob", "rita"):
        log = logs[who]
        log._look()  # the last sample may be 50 ms old: the window was seen Synced since
        assert log.said("Synced") and log.said("Offline since"), log.texts
        assert not any("Traceback" in t or "Unexpected" in t or "refused" in t
                       for t in log.texts), log.texts
        assert log.texts[-1].endswith("Synced"), (who, log.texts)

    # nothing lost: each annotator's file == the hub == the reviewer's file
    for who, spans in (("alice", [lavrov, offline[0]]), ("bob", [russia, offline[1]])):
        mine = rows(dbs[who], who)
        assert {s.id for s in spans} == {r[0] for r in mine}
        assert mine == hub_rows(url, who) == rows(dbs["rita"], who)
        for _id, _label, start, end, text in mine:  # exact offsets
            assert alice.state.document.text[start:end] == text
    assert rows(dbs["alice"], "bob") == set()  # annotators do not see each other's work
    assert {("alice", "actor"), ("bob", "actor")} == {
        (a, lb) for a, lb, _s, _e, d in hub_spans(url) if not d}
    for log in logs.values():
        log.timer.stop()
    review.close()
    alice.close()
    bob.close()
    close(rita)  # the last: no sync thread of any window is left
