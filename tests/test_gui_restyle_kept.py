"""In an article of usual length the highlights are character formats: an edit merges
colours and underlines into the document, which moves its revision but no glyph. What the
layers over the text found where (the suggestions' outlines and arcs, the frame's lines)
still holds then, and is kept (over_text.py, ``restyled``); a change of the text itself is
never taken for one of colours."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QApplication, QTextEdit

from annotator.gui.annotate.over_text import layers_of
from annotator.store import Store
from test_gui_paint_fresh import _same_as_fresh
from test_gui_suggestions import open_window, run


def test_colours_merged_keep_the_stamp_and_a_text_change_does_not(qapp) -> None:
    view = QTextEdit()
    view.setPlainText("Sergei Lavrov said the talks were over.\n" * 20)
    view.resize(400, 300)
    layers = layers_of(view)
    stamp = layers.stamp()

    def colour(a: int, b: int) -> None:
        cursor = QTextCursor(view.document())
        cursor.setPosition(a)
        cursor.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
        look = QTextCharFormat()
        look.setBackground(QColor("#ffd54f"))
        look.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
        cursor.mergeCharFormat(look)

    before = view.document().revision()
    colour(7, 13)
    assert view.document().revision() != before
    layers.restyled(before)  # as the article view tells it after its highlights
    assert layers.stamp() == stamp

    colour(20, 30)  # formats merged without a word: the places may not hold
    assert layers.stamp() != stamp
    stamp = layers.stamp()

    before = view.document().revision()
    cursor = QTextCursor(view.document())
    cursor.setPosition(0)
    cursor.insertText("X")
    layers.restyled(before)  # even if told so, a text change has changed the length
    assert layers.stamp() != stamp


def test_an_add_in_an_article_of_usual_length_keeps_the_suggestions_page(
        qtbot, seed_db: Path) -> None:
    """A span added away from any suggestion: the suggestions' outlines and arcs are not
    laid out again (that took about 1 ms of each edit), and what is painted is what a page
    drawn afresh paints."""
    with Store.open(seed_db) as store:
        (doc,) = store.document_ids()
        store.replace_suggestions(doc, run())
        text = store.document(doc).text
    window = open_window(qtbot, seed_db)
    window.resize(1300, 850)
    view = window.article.text
    assert view is not window.article.long_text  # the rich-text view of usual articles
    QApplication.processEvents()
    (marks,) = [m for m in window.suggesting.marks if m.view is view]
    outlines, _arcs = marks.shown()
    assert outlines  # suggestions on the page
    view.viewport().repaint()
    kept = marks._kept
    assert kept is not None

    suggested = [(s.start, s.end) for s in run().spans]
    on_page = window.state.positions.from_qt(
        view.cursorForPosition(view.viewport().rect().center()).position())
    start = next(i for i in range(on_page, len(text) - 12)
                 if text[i - 1] == " " and text[i:i + 5].isalpha()
                 and all(b <= i or a >= i + 12 for a, b in suggested))
    revision = view.document().revision()
    cursor = view.textCursor()
    cursor.setPosition(window.state.positions.to_qt(start))
    cursor.setPosition(window.state.positions.to_qt(start + 5),
                       QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    count = len(window.state.spans)
    window.annotating.apply_label("claim")
    assert len(window.state.spans) == count + 1
    view.viewport().repaint()

    assert view.document().revision() != revision  # the highlight went into the formats
    assert marks._kept is kept  # and the page of suggestions was kept
    _same_as_fresh(window, "a span added in an article of usual length")
    window.undo_stack.undo()
    assert len(window.state.spans) == count
    _same_as_fresh(window, "that span taken back")
    window.close()
