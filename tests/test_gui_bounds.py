"""Issue 15 point 5 through the real window: span edges dragged with the mouse snap to
words (Alt: exact) on both reading views, edge keys step over quotation marks, Ctrl+M
takes the matching mark, sentence extension crosses paragraphs and keeps quote pairs,
label keys label a find match, find counts, Ctrl+Enter saves a note. Each checked in the
database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator.core.finding import Finder
from annotator.core.model import IncomingSpan
from annotator.gui.annotate.article_view import LONG_ARTICLE
from annotator.gui.annotate.edge_handles import grip_color
from annotator.gui.annotate.note_dialog import NoteDialog
from annotator.gui.annotate.window import MainWindow
from annotator.store import Store
from gui_helpers import drag_select, point_at, press, reveal
from test_gui_long import window_on

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier
NONE = Qt.KeyboardModifier.NoModifier
LEFT = Qt.MouseButton.LeftButton


def spans(path: Path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT label, text, note FROM spans ORDER BY start, end").fetchall()
    finally:
        conn.close()


@pytest.fixture
def window(qtbot, seed_db: Path) -> MainWindow:
    w = MainWindow(store=Store.open(seed_db), annotator="alice")
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.article.text.setFocus()
    yield w
    w.close()


def key(window: MainWindow, k, mods=NONE) -> None:
    QTest.keyClick(QApplication.focusWidget() or window.article.text, k, mods)


def find(window: MainWindow, text: str) -> None:
    """Ctrl+F, type, Enter: the match is selected and the article has the keyboard."""
    key(window, Qt.Key.Key_F, CTRL)
    assert window.article.find_bar.hasFocus()
    window.article.find_bar.clear()
    QTest.keyClicks(window.article.find_bar, text)
    QTest.keyClick(window.article.find_bar, Qt.Key.Key_Return)
    assert window.article.text.hasFocus() and window.article.find_open()
    assert window.article.text.textCursor().selectedText() == text


def drag_edge(window: MainWindow, edge: str, to: int, mods=NONE, *, after: bool = True) -> None:
    """Press on the selected span's ``edge`` (its grip), move to the character before
    offset ``to`` (``after``) or after it, release: as a user drags."""
    span = window.state.selected_span()
    here = span.end if edge == "end" else span.start
    viewport = window.article.text.viewport()
    reveal(window, here)
    assert viewport.rect().contains(point_at(window, to, after=after))  # no scrolling on
    (rect,) = [r for e, r in window.article.text.edge_handles.grips() if e == edge]
    a = QPoint(rect.center().x(), rect.center().y())
    b = point_at(window, to, after=after)
    QTest.mousePress(viewport, LEFT, mods, a)
    QTest.mouseMove(viewport, b)
    QTest.mouseRelease(viewport, LEFT, mods, b)


def mark(window: MainWindow, needle: str, k: Qt.Key) -> None:
    text = window.state.document.text
    start = text.index(needle)
    drag_select(window, start, start + len(needle))
    press(window, k)


def check_edge_drags(window: MainWindow, path: Path, phrase: str) -> None:
    """"Moscow has" as a claim; its end dragged into the middle of "long" takes the
    word; with Alt into "said" it ends exactly there; its start dragged into "Moscow"
    takes the word too."""
    window.resize(1400, 900)  # the phrase on one line, on screen
    QApplication.processEvents()
    text = window.state.document.text
    base = text.index(phrase)
    mark(window, "Moscow has", Qt.Key.Key_1)
    assert ("claim", "Moscow has", None) in spans(path)
    view = window.article.text
    grips = dict(view.edge_handles.grips())
    assert set(grips) == {"start", "end"}
    # the resize cursor over the end's grip
    QTest.mouseMove(view.viewport(), grips["end"].center())
    assert view.viewport().cursor().shape() == Qt.CursorShape.SizeHorCursor
    inside = base + len("Moscow has l")
    drag_edge(window, "end", inside)
    assert ("claim", "Moscow has long", None) in spans(path)  # not "Moscow has l"
    drag_edge(window, "end", base + len("Moscow has long sa"), ALT)
    assert ("claim", "Moscow has long sa", None) in spans(path)
    drag_edge(window, "start", base + len("Mos"), after=False)
    assert ("claim", "Moscow has long sa", None) in spans(path)  # "cow…" snapped back
    drag_edge(window, "start", base + len("Moscow h"), after=False)
    assert ("claim", "has long sa", None) in spans(path)
    key(window, Qt.Key.Key_Z, CTRL)
    assert ("claim", "Moscow has long sa", None) in spans(path)


def test_dragging_a_span_edge_snaps_to_words_and_alt_is_exact(window, seed_db) -> None:
    check_edge_drags(window, seed_db, "Moscow has long said")


def test_edge_drags_snap_in_the_long_article_view_too(qtbot, tmp_path: Path) -> None:
    para = "Moscow has long said “we will not” — 😀 talks.\n\n"
    text = para * (LONG_ARTICLE // len(para) + 10)
    path = tmp_path / "long.db"
    window = window_on(qtbot, path, text, [IncomingSpan(0, 6, "actor", id="a")])
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    try:
        assert window.article.text is window.article.long_text
        check_edge_drags(window, path, "Moscow has long said")
    finally:
        window.close()


def test_the_grips_are_drawn_in_the_ink_colour(window: MainWindow) -> None:
    mark(window, "Sergei Lavrov", Qt.Key.Key_3)
    view = window.article.text
    span = window.state.selected_span()
    image = view.viewport().grab().toImage()
    want = grip_color(window.state.labels[span.label].color)
    for _edge, rect in view.edge_handles.grips():
        got = image.pixelColor(rect.center().x(), rect.center().y())
        assert abs(got.red() - want.red()) + abs(got.green() - want.green()) < 40, _edge
    (start_grip,) = [r for e, r in view.edge_handles.grips() if e == "start"]
    knob = (start_grip.center().x(), start_grip.top() + 3)  # above the line: page there
    assert image.pixelColor(*knob) == want
    window.state.select(None)
    assert view.edge_handles.grips() == []
    QApplication.processEvents()
    assert view.viewport().grab().toImage().pixelColor(*knob) != want  # gone with the selection


def test_alt_left_trims_the_closing_quotation_mark_in_one_key(window, seed_db) -> None:
    find(window, '"It\'s a blatant')
    key(window, Qt.Key.Key_Down, CTRL | SHIFT)
    press(window, Qt.Key.Key_2)
    quote = spans(seed_db)[0][1]
    assert quote.endswith('reconciliation."')
    key(window, Qt.Key.Key_Left, ALT)
    assert spans(seed_db)[0][1] == quote[:-1]  # reconciliation.
    key(window, Qt.Key.Key_Left, ALT)
    assert spans(seed_db)[0][1] == quote[:-2]  # reconciliation
    key(window, Qt.Key.Key_Right, ALT | SHIFT)  # the start loses its opening mark
    assert spans(seed_db)[0][1] == quote[1:-2]


def test_ctrl_m_extends_a_span_or_a_selection_to_the_matching_mark(window, seed_db) -> None:
    text = window.state.document.text
    find(window, '"It\'s a blatant')
    press(window, Qt.Key.Key_2)
    key(window, Qt.Key.Key_M, CTRL)
    whole = text[text.index('"It\'s'):text.index('reconciliation."') + len('reconciliation."')]
    assert spans(seed_db) == [("quote", whole, None)]
    key(window, Qt.Key.Key_M, CTRL)  # once more: nothing to add
    assert spans(seed_db) == [("quote", whole, None)]
    assert "already holds the whole quotation" in window.statusBar().currentMessage()
    key(window, Qt.Key.Key_Z, CTRL)
    assert spans(seed_db) == [("quote", '"It\'s a blatant', None)]
    # A selection inside a quotation takes the marks around it.
    find(window, "including unfortunately")
    key(window, Qt.Key.Key_M, CTRL)
    press(window, Qt.Key.Key_2)
    other = spans(seed_db)[-1][1]
    assert other.startswith('"Some of our Western') and other.endswith('to everyone."')


def test_ctrl_shift_down_goes_on_across_a_paragraph_break(window, seed_db) -> None:
    text = window.state.document.text
    find(window, '"It is precisely')
    key(window, Qt.Key.Key_Down, CTRL | SHIFT)
    assert window.article.text.textCursor().selectedText().endswith("solving specific")
    key(window, Qt.Key.Key_Down, CTRL | SHIFT)  # at the paragraph's end: on into the next
    press(window, Qt.Key.Key_2)
    start = text.index('"It is precisely')
    end = text.index("a rights and security group.") + len("a rights and security group.")
    assert spans(seed_db) == [("quote", text[start:end], None)]
    assert "\n\nproblems between Kiev" in text[start:end]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_ctrl_shift_down_crosses_several_blank_lines(qtbot, tmp_path: Path, newline: str) -> None:
    """Scraped news often has runs of blank lines (CRLF ones too): two presses reach
    the end of a quotation broken by them, not one newline per press."""
    gap = newline * 4
    text = f'He said: "It is precisely at such a moment{gap}that some make demands," Lavrov said. Next.'
    path = tmp_path / "gaps.db"
    window = window_on(qtbot, path, text, [])
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    try:
        start = text.index('"It')
        drag_select(window, start, start + len('"It is'))
        for _ in range(2):
            QTest.keyClick(window.article.text, Qt.Key.Key_Down, CTRL | SHIFT)
        press(window, Qt.Key.Key_2)
        expected = text[start:text.index(" Next")]
        assert spans(path) == [("quote", expected, None)]
    finally:
        window.close()


def test_a_sentence_extension_takes_the_opening_mark_with_the_closing_one(window, seed_db) -> None:
    mark_start = window.state.document.text.index("It's a blatant")  # after the mark
    drag_select(window, mark_start, mark_start + len("It's a"))
    key(window, Qt.Key.Key_Down, CTRL | SHIFT)
    press(window, Qt.Key.Key_2)
    [(_label, quote, _note)] = spans(seed_db)
    assert quote.startswith('"It\'s a blatant') and quote.endswith('reconciliation."')


def test_label_keys_label_the_find_match_and_find_counts(window, seed_db) -> None:
    text = window.state.document.text
    total = Finder(text, "lavrov").count()[0]
    assert total > 3
    find(window, "Lavrov")
    counter = window.article.find_panel.count
    assert counter.text() == f"1 of {total}"
    press(window, Qt.Key.Key_3)  # the bar stays open: the key labels the match
    assert window.article.find_open()
    assert counter.text() == f"{total} matches"  # the selection is no match now
    key(window, Qt.Key.Key_Return)  # Enter in the article: the next match
    assert counter.text() == f"2 of {total}"
    press(window, Qt.Key.Key_3)
    first, second = (text.index("Lavrov"), text.index("Lavrov", text.index("Lavrov") + 1))
    assert spans(seed_db) == [("actor", "Lavrov", None)] * 2
    with Store.open_readonly(seed_db) as s:
        starts = sorted(sp.start for sp in s.spans(window.state.document.id))
    assert starts == [first, second]
    # Match case and whole word, toggled from the field with Alt+C and Alt+W.
    key(window, Qt.Key.Key_F, CTRL)
    bar = window.article.find_bar
    QTest.keyClicks(bar, "lavrov")
    QTest.keyClick(bar, Qt.Key.Key_C, ALT)
    assert window.article.find_panel.case.isChecked()
    QTest.qWait(200)
    exact = Finder(text, "lavrov", match_case=True).count()[0]  # in the URL only
    assert exact < total and counter.text() == f"{exact} match" + ("es" if exact != 1 else "")
    QTest.keyClick(bar, Qt.Key.Key_C, ALT)
    bar.setText("Russia")
    QTest.keyClick(bar, Qt.Key.Key_W, ALT)
    QTest.qWait(200)
    whole = Finder(text, "Russia", whole_word=True).count()[0]
    assert whole < Finder(text, "Russia").count()[0]  # not inside "pro-Russian"
    assert counter.text() == f"{whole} matches"
    QTest.keyClick(bar, Qt.Key.Key_Escape)
    assert not window.article.find_open() and window.article.text.hasFocus()
    assert len(spans(seed_db)) == 2
    # Esc in the article closes an open find bar before it clears the span selection.
    find(window, "Mongi")
    press(window, Qt.Key.Key_3)
    key(window, Qt.Key.Key_Escape)
    assert not window.article.find_open() and window.state.selected_span().text == "Mongi"
    key(window, Qt.Key.Key_Escape)
    assert window.state.selected_span() is None


def test_ctrl_m_with_no_quotation_says_so_and_changes_nothing(window, seed_db) -> None:
    mark(window, "Moscow has long", Qt.Key.Key_1)
    key(window, Qt.Key.Key_M, CTRL)
    assert spans(seed_db) == [("claim", "Moscow has long", None)]
    assert "No quotation mark" in window.statusBar().currentMessage()


def note_dialog_then(keys) -> None:
    """When the note dialog opens, type into it with ``keys(editor)`` (any other modal
    dialog is closed, so that the test fails instead of waiting)."""
    tries = [0]

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, NoteDialog):
            keys(dialog.editor)
        elif dialog is not None and tries[0] > 10:
            dialog.reject()
        else:
            tries[0] += 1
            QTimer.singleShot(20, act)

    QTimer.singleShot(0, act)


def ctrl_n(window: MainWindow, qtbot) -> None:
    """Ctrl+N in the article, once the window is active again after a dialog."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.article.text.setFocus()
    QTest.keyClick(window.article.text, Qt.Key.Key_N, CTRL)


def test_ctrl_enter_saves_a_note_and_esc_cancels(window, seed_db, qtbot) -> None:
    mark(window, "Sergei Lavrov", Qt.Key.Key_3)

    def type_and_save(editor) -> None:
        QTest.keyClicks(editor, "named twice")
        QTest.keyClick(editor, Qt.Key.Key_Return)  # a new line, not saved yet
        QTest.keyClicks(editor, "in the text")
        QTest.keyClick(editor, Qt.Key.Key_Return, CTRL)

    note_dialog_then(type_and_save)
    ctrl_n(window, qtbot)
    assert spans(seed_db) == [("actor", "Sergei Lavrov", "named twice\nin the text")]

    def type_and_cancel(editor) -> None:
        QTest.keyClicks(editor, " more")
        QTest.keyClick(editor, Qt.Key.Key_Escape)

    note_dialog_then(type_and_cancel)
    ctrl_n(window, qtbot)
    assert spans(seed_db) == [("actor", "Sergei Lavrov", "named twice\nin the text")]

    def enter_on_the_keypad(editor) -> None:
        editor.clear()
        QTest.keyClicks(editor, "checked")
        QTest.keyClick(editor, Qt.Key.Key_Enter, CTRL | Qt.KeyboardModifier.KeypadModifier)

    note_dialog_then(enter_on_the_keypad)
    ctrl_n(window, qtbot)
    assert spans(seed_db) == [("actor", "Sergei Lavrov", "checked")]


def test_dragging_an_edge_past_the_bottom_scrolls_on(window, seed_db) -> None:
    mark(window, "Sergei Lavrov", Qt.Key.Key_3)
    view = window.article.text
    viewport, bar = view.viewport(), view.verticalScrollBar()
    reveal(window, window.state.selected_span().end)
    (grip,) = [r for e, r in view.edge_handles.grips() if e == "end"]
    before = bar.value()
    QTest.mousePress(viewport, LEFT, NONE, grip.center())
    below = QPoint(grip.center().x(), viewport.height() + 40)
    QTest.mouseMove(viewport, below)
    QTest.qWait(300)  # held there: the page scrolls on
    assert bar.value() > before
    QTest.mouseRelease(viewport, LEFT, NONE, below)
    [(label, text, _note)] = spans(seed_db)
    assert label == "actor" and text.startswith("Sergei Lavrov") and len(text) > 13
    doc = window.state.document.text
    assert doc[doc.index("Sergei Lavrov"):].startswith(text)  # exact offsets
    key(window, Qt.Key.Key_Z, CTRL)
    assert spans(seed_db) == [("actor", "Sergei Lavrov", None)]
