"""Nothing in the window waits for the hub (issue 19, point 2 and the bench's promise): with a
hub that answers slowly (another connection holds a lock the sync needs) and with a stopped
hub, edits are saved and shown at once, the event loop never stalls, and closing the window
does not wait for the blocked sync; what was blocked completes later and loses nothing."""

from __future__ import annotations

import threading
import time

import psycopg
from PySide6.QtCore import Qt, QTimer

from gui_helpers import drag_select, press
from hubkit import hub_spans
from test_gui_team import hub_state, local_spans, offset_of, open_window, synced_window

STALL_MS = 150  # the longest the event loop may stop (a frame is 16 ms; edits take a few)


class Stalls:
    """The longest gap between two ticks of a 5 ms timer: how long the GUI thread stopped."""

    def __init__(self) -> None:
        self.last, self.worst = time.perf_counter(), 0.0
        self.timer = QTimer(interval=5)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self.last)
        self.last = now


def hold_lock(url: str, seconds: float) -> threading.Thread:
    """Another connection locks the spans table for ``seconds``: every push and pull waits."""
    started = threading.Event()

    def run() -> None:
        with psycopg.connect(url) as conn:
            conn.execute("LOCK TABLE spans IN ACCESS EXCLUSIVE MODE")
            started.set()
            conn.execute("SELECT pg_sleep(%s)", [seconds])

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    started.wait(10)
    return thread


def edit_words(qtbot, window, words) -> list[float]:
    took = []
    for word in words:
        start = offset_of(window, word)
        drag_select(window, start, start + len(word))
        t = time.perf_counter()
        press(window, Qt.Key.Key_3)
        took.append(time.perf_counter() - t)
        qtbot.wait(300)  # the debounce and the sync thread run meanwhile
    return took


def test_a_slow_hub_never_stops_the_window(team, qtbot):
    url, tmp = team
    window = synced_window(qtbot, url, tmp / "alice.db", "alice")
    lock = hold_lock(url, 8)
    stalls = Stalls()
    window.team.sync_now()  # blocked on the hub's lock from now on
    took = edit_words(qtbot, window, ["Lavrov", "Russia", "Ukraine"])
    qtbot.wait(2500)  # the push after the edits is blocked too
    assert window.team.link.engine._lock.locked()  # the sync thread is waiting on the hub
    bar = window.article.text.verticalScrollBar()
    for _ in range(10):
        bar.setValue(bar.value() + bar.pageStep())
        qtbot.wait(20)
    assert max(took) < STALL_MS / 1000 and stalls.worst < STALL_MS / 1000, (took, stalls.worst)
    assert len(local_spans(tmp / "alice.db")) == 3  # saved at once
    assert not any(a == "alice" for a, *_ in hub_spans(url))  # still blocked
    lock.join()
    qtbot.waitUntil(lambda: sum(a == "alice" for a, *_ in hub_spans(url)) == 3, timeout=15000)
    qtbot.waitUntil(lambda: hub_state(window).endswith("Synced"), timeout=15000)
    stalls.timer.stop()
    window.close()


def test_closing_while_the_hub_is_slow_does_not_wait(team, qtbot):
    url, tmp = team
    db = tmp / "alice.db"
    window = synced_window(qtbot, url, db, "alice")
    lock = hold_lock(url, 6)
    start = offset_of(window, "Lavrov")
    drag_select(window, start, start + 6)
    press(window, Qt.Key.Key_3)
    window.team.sync_now()
    qtbot.waitUntil(lambda: window.team.link.engine._lock.locked(), timeout=5000)
    t = time.perf_counter()
    window.close()
    assert time.perf_counter() - t < 1.5  # not the lock's 6 s
    lock.join()
    # the blocked sync ends by itself; the file is whole, and the next start sends the edit
    for thread in threading.enumerate():
        if thread.name in ("annotator-sync", "annotator-listen"):
            thread.join(15)
    again = open_window(qtbot, db, "alice")
    qtbot.waitUntil(lambda: ("alice", "actor", start, start + 6, False) in hub_spans(url),
                    timeout=15000)
    qtbot.waitUntil(lambda: hub_state(again).endswith("Synced"), timeout=15000)
    again.close()


def test_a_stopped_hub_never_stops_the_window(team, pg_cluster, qtbot):
    url, tmp = team
    window = synced_window(qtbot, url, tmp / "alice.db", "alice")
    pg_cluster.stop()
    try:
        stalls = Stalls()
        window.team.sync_now()
        took = edit_words(qtbot, window, ["Lavrov", "Russia"])
        qtbot.waitUntil(lambda: "Offline since" in hub_state(window), timeout=10000)
        qtbot.wait(3000)  # retries back off meanwhile
        assert max(took) < STALL_MS / 1000 and stalls.worst < STALL_MS / 1000, (
            took, stalls.worst)
        stalls.timer.stop()
        t = time.perf_counter()
        window.close()
        assert time.perf_counter() - t < 1.5
    finally:
        pg_cluster.start()
