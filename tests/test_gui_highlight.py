"""Issue 15 through the real window: nested spans stay visible while the outer span is
selected (checked on the pixels of both views, in both themes), hovering a span names
its links both ways, and "label all occurrences" lists the occurrences first and never
nests a span in one of its own label."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from PySide6.QtCore import QEvent, QRect, Qt, QTimer
from PySide6.QtGui import QColor, QHelpEvent, QImage, QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QToolTip

from annotator.core.model import DocumentMeta, IncomingDocument, IncomingSpan
from annotator.core.offsets import normalize_newlines
from annotator.gui import theme
from annotator.gui.annotate.article_view import LONG_ARTICLE
from annotator.gui.annotate.occurrences_dialog import OccurrencesDialog
from annotator.gui.annotate.span_frame import frame_color
from annotator.gui.annotate.window import MainWindow
from annotator.store import Store
from gui_helpers import (
    box,
    click,
    dominant,
    drag_select,
    point_at,
    press,
    reveal,
    shown_window,
)

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
    return shown_window(qtbot, path, size=(1200, 800))


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
               and not text[i + 6].isalnum()]
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


# -- nested spans stay visible while the outer span is selected (pixels) -------------------

QUOTE_START = "\"This concept of exclusivity"
QUOTE_END = "has so far led to no good,\""


def near(a: QColor, b: QColor, within: int = 40) -> bool:
    return max(abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue())) <= within


def frame_pixels(image: QImage, rect: QRect, color: QColor) -> int:
    """Pixels of the frame's colour on the left edge of ``rect``."""
    return sum(near(image.pixelColor(x, y), color, 12)
               for x in range(max(0, rect.left() - 3), rect.left() + 3)
               for y in range(rect.top() + 2, rect.bottom() - 2))


def grab(window: MainWindow) -> QImage:
    QApplication.processEvents()
    return window.article.text.viewport().grab().toImage()


def check_selected_quote_shows_nested_actor(window: MainWindow, quote: tuple[int, int],
                                            obama: int) -> None:
    text, labels = window.state.document.text, window.state.labels
    actor_tint = theme.highlight(labels["actor"].color).name()
    quote_selected = theme.selected_highlight(labels["quote"].color).name()
    concept = text.index("concept", quote[0])
    reveal(window, min(quote[1] + 150, len(text)))  # the whole quote on screen
    reveal(window, quote[0])
    click(window, concept + 2)  # a click in the quote, outside the actor: the quote
    assert window.state.selected_span().label == "quote"
    image = grab(window)
    assert dominant(image, box(window, obama, obama + 5)) == actor_tint  # still in view
    assert dominant(image, box(window, concept, concept + 7)) == quote_selected
    frame = frame_color(labels["quote"].color)
    assert frame_pixels(image, box(window, quote[0], quote[0] + 5), frame) >= 6  # framed
    # The same text selected as text (no span selected): no frame, another fill.
    press(window, Qt.Key.Key_Escape)
    assert window.state.selected_span() is None
    view, to_qt = window.article.text, window.state.positions.to_qt
    cursor = view.textCursor()
    cursor.setPosition(to_qt(quote[0]))
    cursor.setPosition(to_qt(quote[1]), QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    image = grab(window)
    selection = dominant(image, box(window, concept, concept + 7))
    assert selection != quote_selected and not near(QColor(selection), QColor(quote_selected), 8)
    assert frame_pixels(image, box(window, quote[0], quote[0] + 5), frame) == 0


def test_a_selected_quote_keeps_its_nested_actor_visible_and_is_framed(
    qtbot, seed_db: Path, themed
) -> None:
    window = make_window(qtbot, seed_db)
    text = window.state.document.text
    quote = text.index(QUOTE_START), text.index(QUOTE_END) + len(QUOTE_END)
    obama = text.index("Obama")
    mark(window, *quote, Qt.Key.Key_2)
    mark(window, obama, obama + 5, Qt.Key.Key_3)
    window.state.select(None)
    check_selected_quote_shows_nested_actor(window, quote, obama)
    # Linking the quote: the actor inside it, proposed, is drawn darker, still in view.
    click(window, text.index("concept", quote[0]) + 2)
    QTest.keyClick(window.article.text, Qt.Key.Key_L, CTRL)
    linking = window.annotating.linking
    assert linking.candidates[linking.candidate].start == obama
    image = grab(window)
    labels = window.state.labels
    assert dominant(image, box(window, obama, obama + 5)) == theme.selected_highlight(
        labels["actor"].color).name()
    assert frame_pixels(image, box(window, quote[0], quote[0] + 5),
                        frame_color(labels["quote"].color)) >= 6  # the quote still framed
    QTest.keyClick(window.article.text, Qt.Key.Key_Return)
    conn = sqlite3.connect(seed_db)
    try:
        assert conn.execute(
            "SELECT r.label, a.text, b.text FROM relations r JOIN spans a ON a.id = r.source "
            "JOIN spans b ON b.id = r.target").fetchall() == [("said_by", text[slice(*quote)], "Obama")]
    finally:
        conn.close()
    window.close()


def test_the_long_view_keeps_nested_spans_visible_in_a_selected_span_too(
    qtbot, tmp_path: Path, themed
) -> None:
    para = ("Underlining the concerns, he said: \"This concept of exclusivity, which "
            "President Obama has declared, can lead to no good,\" he said. 😀 Лавров\r\n\r\n")
    raw = para * (LONG_ARTICLE // len(para) + 50)
    text, _ = normalize_newlines(raw)
    at = text.index(QUOTE_START, len(text) // 2)
    quote = at, text.index("no good,\"", at) + len("no good,\"")
    obama = text.index("Obama", at)
    path = tmp_path / "long.db"
    with Store.open(path) as store:
        store.import_documents([IncomingDocument(text, "long", DocumentMeta(title="long"), "t",
                                                 spans=[IncomingSpan(*quote, "quote", id="q"),
                                                        IncomingSpan(obama, obama + 5, "actor")])],
                               annotator="gen")
    window = make_window(qtbot, path)
    assert window.article.text is window.article.long_text
    check_selected_quote_shows_nested_actor(window, quote, obama)
    window.close()


# -- hovering a span names its links, both ways ---------------------------------------------


def hover(window: MainWindow, offset: int, monkeypatch) -> str:
    shown: list[str] = []
    monkeypatch.setattr(QToolTip, "showText", lambda _pos, text, *_a: shown.append(text))
    reveal(window, offset)
    point = point_at(window, offset)
    view = window.article.text
    event = QHelpEvent(QEvent.Type.ToolTip, point, view.viewport().mapToGlobal(point))
    QApplication.sendEvent(view.viewport(), event)
    assert len(shown) == 1
    return shown[0]


def test_hovering_a_span_shows_its_outgoing_and_incoming_links(
    qtbot, seed_db: Path, monkeypatch
) -> None:
    window = make_window(qtbot, seed_db)
    text = window.state.document.text
    actor = text.index("Sergei Lavrov")  # paragraph 4: after the title, byline and date
    quote = text.index("\"It's a blatant")  # paragraph 10
    quote_end = text.index("reconciliation.\"") + len("reconciliation.\"")
    mark(window, actor, actor + len("Sergei Lavrov"), Qt.Key.Key_3)
    mark(window, quote, quote_end, Qt.Key.Key_2)
    QTest.keyClick(window.article.text, Qt.Key.Key_L, CTRL)  # link the quote ...
    QTest.keyClick(window.article.text, Qt.Key.Key_Return)  # ... to its only actor
    conn = sqlite3.connect(seed_db)
    try:
        assert conn.execute("SELECT label FROM relations").fetchall() == [("said_by",)]
    finally:
        conn.close()
    tip = hover(window, quote + 5, monkeypatch)
    assert "<b>quote</b> · alice" in tip
    assert "said_by → “Sergei Lavrov” (actor, para 4)" in tip
    tip = hover(window, actor + 2, monkeypatch)
    assert "<b>actor</b> · alice" in tip
    assert "← said_by from quote “&quot;It&#x27;s a blatant attempt" in tip
    assert "(para 10)" in tip
    window.close()
