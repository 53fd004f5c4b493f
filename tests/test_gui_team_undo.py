"""Settling a sync conflict in the window is one undo step (issue 19, point 5): Ctrl+Z parks
it again with the file's rows exactly as before, Ctrl+Shift+Z settles it again, and what the
next sync sends (and another computer pulls) is what the window shows; real PostgreSQL."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from annotator.gui.annotate import team as hub_team
from annotator.store import Store
from annotator.sync.client import sync
from hubkit import hub_spans, login, mark
from test_gui_team import close, hub_state, open_window


def file_rows(db: Path) -> dict:
    """What settling may touch, whole: spans, links, span counts, conflicts."""
    conn = sqlite3.connect(db)
    try:
        return {
            "spans": sorted(conn.execute("SELECT * FROM spans")),
            "relations": sorted(conn.execute("SELECT * FROM relations")),
            "counts": sorted(conn.execute("SELECT * FROM span_counts")),
            "open": sorted(conn.execute(
                "SELECT id, kind, item, local FROM sync_conflicts WHERE resolved IS NULL")),
        }
    finally:
        conn.close()


def shown(window) -> set[tuple]:
    return {(s.id, s.label, s.start, s.end) for s in window.state.spans}


def in_file(db: Path) -> set[tuple]:
    conn = sqlite3.connect(db)
    try:
        return set(conn.execute("SELECT id, label, start, end FROM spans"))
    finally:
        conn.close()


def undo_key(widget, redo: bool = False) -> None:
    mods = Qt.KeyboardModifier.ControlModifier
    if redo:
        mods |= Qt.KeyboardModifier.ShiftModifier
    QTest.keyClick(widget, Qt.Key.Key_Z, mods)


def test_settling_a_conflict_is_undone_and_redone_and_the_hub_follows(team, qtbot):
    url, tmp = team
    laptop, desktop = tmp / "laptop.db", tmp / "desktop.db"
    alice = login(url, "alice")
    sync(laptop, alice)
    spans = [mark(laptop, "alice", word) for word in ("Lavrov", "Russia", "Ukraine")]
    link_source = mark(laptop, "alice", "said", label="quote")
    with Store.open(laptop) as store:  # a link that rides on Ukraine: settling must keep it
        from annotator.core.ids import new_id, utc_now
        from annotator.core.model import Relation

        now = utc_now()
        store.add_relation(Relation(new_id(), spans[2].document, "said_by", link_source.id,
                                    spans[2].id, "alice", now, now))
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
    parked = file_rows(desktop)
    seen = shown(window)
    assert seen == in_file(desktop)

    window.team.show_conflicts()
    dialog = window.team.conflicts_dialog
    qtbot.mouseClick(dialog.keep_mine, Qt.MouseButton.LeftButton)  # Lavrov: mine (claim)
    qtbot.mouseClick(dialog.keep_theirs, Qt.MouseButton.LeftButton)  # Russia: theirs
    qtbot.mouseClick(dialog.keep_both, Qt.MouseButton.LeftButton)  # Ukraine: both
    assert dialog.list.count() == 0 and window.undo_stack.count() == 3
    settled = file_rows(desktop)
    assert shown(window) == in_file(desktop) and len(in_file(desktop)) == len(seen) + 1
    qtbot.waitUntil(lambda: hub_state(window).endswith("Synced"), timeout=15000)

    # Ctrl+Z three times, in the dialog where the choices were made: all parked again,
    # the rows exactly as before (ids, timestamps, the link, the span counts)
    for _ in range(3):
        undo_key(dialog)
    qtbot.waitUntil(lambda: dialog.list.count() == 3, timeout=5000)
    assert file_rows(desktop) == parked
    assert shown(window) == seen == in_file(desktop)
    assert "parked again" in window.statusBar().currentMessage()
    # the sync sends what the window shows: the hub and another computer hold the hub's
    # versions again (quote, quote, quote), and the extra Ukraine is a tombstone
    qtbot.waitUntil(lambda: hub_state(window).endswith("3 conflicts"), timeout=15000)
    qtbot.waitUntil(lambda: {lb for _a, lb, _s, _e, d in hub_spans(url) if not d} == {"quote"},
                    timeout=15000)
    sync(laptop, alice)
    assert {(i, lb, s, e) for i, lb, s, e in in_file(laptop)} == in_file(desktop)

    # Ctrl+Shift+Z in the window: settled again, the same rows as the first time
    for _ in range(3):
        undo_key(window.article.text, redo=True)
    qtbot.waitUntil(lambda: dialog.list.count() == 0, timeout=5000)
    assert file_rows(desktop) == settled
    assert shown(window) == in_file(desktop)
    qtbot.waitUntil(lambda: hub_state(window).endswith("Synced"), timeout=15000)
    sync(laptop, alice)
    assert in_file(laptop) == in_file(desktop)
    with Store.open(laptop) as store:
        labels = sorted((s.text, s.label) for s in store.spans(spans[0].document)
                        if s.text != "said")
    assert labels == [("Lavrov", "claim"), ("Russia", "quote"), ("Ukraine", "claim"),
                      ("Ukraine", "quote")]
    close(window)


def test_undo_of_keep_mine_after_it_was_pushed_sends_what_is_shown(team, qtbot):
    """Keep mine is pushed, then undone: the hub's older version is what the file holds,
    so that is what the next sync sends; the conflict waits again."""
    url, tmp = team
    laptop, desktop = tmp / "laptop.db", tmp / "desktop.db"
    alice = login(url, "alice")
    sync(laptop, alice)
    span = mark(laptop, "alice", "Lavrov")
    sync(laptop, alice)
    shutil.copy(laptop, desktop)
    with Store.open(laptop) as store:
        store.relabel_span(span.id, "quote")
    with Store.open(desktop) as store:
        store.relabel_span(span.id, "claim")
    sync(laptop, alice)
    assert sync(desktop, alice).conflicts == 1
    hub_team.remember(desktop, alice)
    window = open_window(qtbot, desktop, "alice")
    qtbot.waitUntil(lambda: hub_state(window).endswith("1 conflict"), timeout=15000)
    window.team.show_conflicts()
    qtbot.mouseClick(window.team.conflicts_dialog.keep_mine, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ("alice", "claim", span.start, span.end, False) in hub_spans(url),
                    timeout=15000)
    undo_key(window.article.text)
    assert window.state.spans.get(span.id).label == "quote"
    qtbot.waitUntil(lambda: ("alice", "quote", span.start, span.end, False) in hub_spans(url),
                    timeout=15000)
    qtbot.waitUntil(lambda: hub_state(window).endswith("1 conflict"), timeout=15000)
    sync(laptop, alice)
    with Store.open(laptop) as store:
        assert store.span(span.id).label == "quote"
    close(window)
