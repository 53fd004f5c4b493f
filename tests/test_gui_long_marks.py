"""The selection's looks on the long view are painted by the view itself (long_marks.py),
never handed to Qt as extra selections: the selected span's fill and underline, the
dashed underline of its linked spans, the link candidate's fill and dotted underline and
the find bar's matches, at the right pixels, in both themes, and gone where they went."""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator.core.model import DocumentMeta, IncomingDocument, IncomingSpan, Relation
from annotator.core.offsets import normalize_newlines
from annotator.gui import theme
from annotator.gui.annotate.article_view import LONG_ARTICLE
from annotator.gui.annotate.search_results import hit_color
from annotator.gui.annotate.window import MainWindow
from annotator.store import Store
from gui_helpers import box, click, dominant, drag_select, press, reveal, shown_window

CTRL = Qt.KeyboardModifier.ControlModifier
PARA = ("Sergei Lavrov said at length: \"This concept of exclusivity, which President Obama "
        "has declared, can lead to no good,\" he told — 😀 Лавров and “NATO” agreed.\r\n\r\n")


def long_db(path: Path, documents: int = 1) -> tuple[str, dict[str, tuple[int, int]]]:
    """A long article (or several, the same text) with a quote holding a nested actor,
    and linked (said_by) to the actor before it, in the middle of the text."""
    text, _ = normalize_newlines(PARA * (LONG_ARTICLE // len(PARA) + 50))
    q = text.index("\"This concept", len(text) // 2)
    places = {"quote": (q, text.index("no good,\"", q) + len("no good,\"")),
              "obama": (text.index("Obama", q), text.index("Obama", q) + 5),
              "lavrov": (text.rindex("Sergei Lavrov", 0, q), text.rindex("Sergei Lavrov", 0, q) + 13)}
    with Store.open(path) as store:
        for n in range(documents):
            spans = [IncomingSpan(*places["quote"], "quote", id=f"q{n}"),
                     IncomingSpan(*places["obama"], "actor", id=f"o{n}"),
                     IncomingSpan(*places["lavrov"], "actor", id=f"l{n}")]
            store.import_documents([IncomingDocument(text, f"long{n}", DocumentMeta(title=f"long {n}"),
                                                     "t", spans=spans)], annotator="gen")
        for n, doc_id in enumerate(store.document_ids()):
            when = "2026-01-01T00:00:00Z"
            store.add_relation(Relation(f"r{n}", doc_id, "said_by", f"q{n}", f"l{n}", "gen", when,
                                        when))
    return text, places


def make_window(qtbot, path: Path) -> MainWindow:
    window = shown_window(qtbot, path, size=(1200, 800))
    assert window.article.text is window.article.long_text
    return window


def spy_extra_selections(window: MainWindow, monkeypatch) -> list:
    """Every list the long view is handed as Qt extra selections from now on."""
    calls: list = []
    view = window.article.long_text
    monkeypatch.setattr(view, "setExtraSelections", lambda selections: calls.append(selections))
    return calls


def painted(window: MainWindow) -> QImage:
    """The viewport's pixels as they were painted bit by bit (the backing store: a stale
    stretch that was not repainted shows), not painted afresh."""
    for _ in range(3):
        QApplication.processEvents()
    port = window.article.text.viewport()
    image = window.screen().grabWindow(window.winId()).toImage()
    top = port.mapTo(window, port.rect().topLeft())
    return image.copy(top.x(), top.y(), port.width(), port.height())


def underline_share(image: QImage, rect: QRect, ink: QColor) -> float:
    """The largest share of a row under the baseline of ``rect`` painted in ``ink``:
    about 1 for a solid underline, 2/3 for a dashed one, 1/3 for a dotted one."""
    best = 0.0
    for y in range(rect.top() + rect.height() // 2, rect.bottom() + 1):
        row = [image.pixelColor(x, y).name() for x in range(rect.left() + 2, rect.right() - 2)]
        best = max(best, row.count(ink.name()) / len(row))
    return best


def count(image: QImage, color: QColor) -> int:
    name = color.name()
    return sum(image.pixelColor(x, y).name() == name
               for y in range(0, image.height(), 2) for x in range(image.width()))


def test_the_long_view_paints_the_selected_linked_and_candidate_looks_itself(
    qtbot, tmp_path: Path, themed, monkeypatch
) -> None:
    path = tmp_path / "long.db"
    text, places = long_db(path)
    window = make_window(qtbot, path)
    calls = spy_extra_selections(window, monkeypatch)
    view, labels = window.article.text, window.state.labels
    quote, obama, lavrov = places["quote"], places["obama"], places["lavrov"]
    quote_fill = theme.selected_highlight(labels["quote"].color)
    link_ink = theme.underline(labels["said_by"].color)

    # a new actor by mouse and key: selected, filled and underlined by the view's paint
    word = text.index("Лавров", quote[1])
    drag_select(window, word, word + 6)
    press(window, Qt.Key.Key_3)
    added = window.state.selected_span()
    assert (added.label, added.start, added.end, added.text) == ("actor", word, word + 6, "Лавров")
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT label, text FROM spans WHERE start = ?", (word,)).fetchall() == [
        ("actor", "Лавров")]
    image = painted(window)
    actor_fill = theme.selected_highlight(labels["actor"].color)
    assert dominant(image, box(window, word, word + 6)) == actor_fill.name()
    assert underline_share(image, box(window, word, word + 6),
                           theme.underline(labels["actor"].color)) > 0.8  # solid (glyphs cross it)

    # the quote clicked: its own text filled, the actor nested in it keeps its look, the
    # actor it is linked to gets a dashed underline in the link's colour; the actor
    # selected before is back to its plain highlight
    concept = text.index("concept", quote[0])
    click(window, concept + 2)
    assert window.state.selected_span().id == "q0"
    image = painted(window)
    assert dominant(image, box(window, concept, concept + 7)) == quote_fill.name()
    assert dominant(image, box(window, *obama)) == theme.highlight(labels["actor"].color).name()
    assert 0.45 < underline_share(image, box(window, *lavrov), link_ink) < 0.75  # dashed
    assert dominant(image, box(window, word, word + 6)) == theme.highlight(
        labels["actor"].color).name()
    assert view.extraSelections() == []

    # linking: the proposed actor filled darker with a dotted underline in its colour
    QTest.keyClick(view, Qt.Key.Key_L, CTRL)
    linking = window.annotating.linking
    candidate = linking.candidates[linking.candidate]
    reveal(window, candidate.start)
    image = painted(window)
    where = box(window, candidate.start, candidate.end)
    assert dominant(image, where) == actor_fill.name()
    assert 0.2 < underline_share(image, where, theme.underline(labels["actor"].color)) < 0.5
    QTest.keyClick(view, Qt.Key.Key_Escape)  # no link made
    assert window.article.link_candidate is None

    # zoomed, then scrolled far away and back: the marks follow the new lines
    QTest.keyClick(view, Qt.Key.Key_Equal, CTRL)
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum())
    QApplication.processEvents()
    reveal(window, concept)
    image = painted(window)
    assert dominant(image, box(window, concept, concept + 7)) == quote_fill.name()

    # Escape: nothing selected, no selected fill or link underline left anywhere
    press(window, Qt.Key.Key_Escape)
    assert window.state.selected_span() is None
    image = painted(window)
    assert count(image, quote_fill) == 0
    assert underline_share(image, box(window, *lavrov), link_ink) == 0
    # undo the new actor: gone from the database, its looks with it
    QTest.keyClick(view, Qt.Key.Key_Z, CTRL)
    QTest.keyClick(view, Qt.Key.Key_Z, CTRL)  # (the zoom is no edit: the add)
    assert conn.execute("SELECT count(*) FROM spans WHERE start = ?", (word,)).fetchone() == (0,)
    conn.close()
    assert calls == [] and view.extraSelections() == []
    window.close()


def test_the_find_bar_matches_are_painted_on_the_long_view_and_go_with_it(
    qtbot, tmp_path: Path, themed, monkeypatch
) -> None:
    path = tmp_path / "long.db"
    text, _places = long_db(path)
    window = make_window(qtbot, path)
    calls = spy_extra_selections(window, monkeypatch)
    view = window.article.text
    QTest.keyClick(view, Qt.Key.Key_F, CTRL)
    QTest.keyClicks(window.article.find_bar, "NATO")
    QTest.keyClick(window.article.find_bar, Qt.Key.Key_Return)
    assert window.article.selection_range() == (text.index("NATO"), text.index("NATO") + 4)
    # a match far from the one selected (the first 500 matches are painted)
    other = text.index("NATO", len(PARA) * 40)
    reveal(window, other)
    image = painted(window)
    assert dominant(image, box(window, other, other + 4)) == hit_color().name()
    # a label key on the match: the new span selected over the match, its fill on top
    QTest.keyClick(view, Qt.Key.Key_F3)
    QTest.keyClick(view, Qt.Key.Key_3)
    span = window.state.selected_span()
    assert (span.label, span.text) == ("actor", "NATO")
    reveal(window, span.start)
    image = painted(window)
    assert dominant(image, box(window, span.start, span.end)) == theme.selected_highlight(
        window.state.labels["actor"].color).name()
    # Esc closes the bar: no match painted anywhere any more
    QTest.keyClick(window.article.find_bar, Qt.Key.Key_Escape)
    assert not window.article.find_open()
    reveal(window, other)
    assert count(painted(window), hit_color()) == 0
    assert calls == [] and view.extraSelections() == []
    window.close()


def test_switching_articles_leaves_no_mark_of_the_old_one(
    qtbot, tmp_path: Path, themed
) -> None:
    path = tmp_path / "long.db"
    text, places = long_db(path, documents=2)
    window = make_window(qtbot, path)
    first = window.state.document.id
    concept = text.index("concept", places["quote"][0])
    click(window, concept + 2)
    quote_fill = theme.selected_highlight(window.state.labels["quote"].color)
    assert dominant(painted(window), box(window, concept, concept + 7)) == quote_fill.name()
    other = next(d for d in window.store.document_ids() if d != first)
    window.open_document(other)
    assert window.state.document.id == other and window.state.selected_span() is None
    reveal(window, concept)  # the same place of the same text in the other article
    image = painted(window)
    assert count(image, quote_fill) == 0
    assert dominant(image, box(window, concept, concept + 7)) == theme.highlight(
        window.state.labels["quote"].color).name()
    window.close()


def test_the_short_view_keeps_extra_selections_and_no_stale_one_with_find_open(
    qtbot, seed_db: Path
) -> None:
    """The short view still gets Qt extra selections; with the find bar open, selecting
    spans in turn shows each one's looks, never those of the span selected before."""
    window = MainWindow(store=Store.open(seed_db), annotator="alice")
    qtbot.addWidget(window)
    window.show()
    view, text = window.article.text, window.state.document.text
    assert view is not window.article.long_text
    lavrov, obama = text.index("Lavrov"), text.index("Obama")
    for start, end, key in ((lavrov, lavrov + 6, Qt.Key.Key_3), (obama, obama + 5, Qt.Key.Key_3)):
        window.state.select(None)
        drag_select(window, start, end)
        press(window, key)
    first, second = (s.id for s in sorted(window.state.spans, key=lambda s: s.start))
    QTest.keyClick(view, Qt.Key.Key_F, CTRL)
    QTest.keyClicks(window.article.find_bar, "the")
    QTest.keyClick(window.article.find_bar, Qt.Key.Key_Return)
    shown = []
    for _ in range(3):
        for span_id in (first, second):
            window.state.select(span_id)
            shown.append(len(view.extraSelections()))
    assert shown[2:] == shown[:-2] and shown[0] == shown[1]  # the same, not growing
    selected = [s for s in view.extraSelections() if s.format.underlineStyle()
                == s.format.UnderlineStyle.SingleUnderline]
    assert [(s.cursor.selectionStart(), s.cursor.selectionEnd()) for s in selected] == [
        window.state.positions.range_to_qt(obama, obama + 5)]
    window.close()


@pytest.mark.usefixtures("themed")
def test_a_repaint_of_the_frames_outer_rows_draws_the_frame(qtbot, tmp_path: Path) -> None:
    """The selected span's frame is a rounded stroke two pixels wide around each line's
    piece: its outer pixels lie outside the rectangle it is drawn on. A repaint of just those
    rows (Qt's repaint of a text selection on the line next to it) drew the highlight there
    and left the frame out, a stale row in the frame (bench/paint_check.py, PAINT_CHECK_FRESH
    found two such steps)."""
    db = tmp_path / "long.db"
    _text, places = long_db(db)
    window = make_window(qtbot, db)
    view = window.article.long_text
    reveal(window, places["quote"][0])
    window.state.select("q0")
    port = view.viewport()
    port.repaint()
    whole = painted(window)
    rects = view.span_frame.rects()
    assert rects
    for rect in rects:
        for row in (math.floor(rect.top()) - 1, math.ceil(rect.bottom())):  # outside the rect
            port.repaint(QRect(0, row, port.width(), 1))
            assert painted(window) == whole, f"row {row} of the frame around {rect}"
