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
    _select(window, start, start + 5)
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


LIGATURES = ("The office staff said the official figures were final and Lavrov agreed. "
             "Sergei Lavrov of the foreign office said the talks were over.\n\n") * 6


def test_an_edge_inside_a_ligature_moves_glyphs_and_the_layers_start_again(
        qtbot, tmp_path: Path) -> None:
    """A highlight's edge between the ff and the i of "office" (a selection made with Alt
    is not snapped to words) splits the ligature: the glyphs after it move by a pixel.
    That is no change of colours alone: the suggestions' page is laid out again."""
    text = LIGATURES
    window, marks = _suggested(qtbot, tmp_path / "ligatures.db", text, [
        (i, i + 6) for i in range(len(text)) if text.startswith("Lavrov", i)])
    view = window.article.text
    kept = marks._kept
    lavrov = window.state.positions.to_qt(text.index("Lavrov"))  # after "office", line 1
    x_before = view.cursorRect(_at(view, lavrov)).x()

    office = text.index("office")
    _select(window, office, office + 2)  # "of|fice"
    view.selected_with_alt = True  # as a selection made with Alt held
    window.annotating.apply_label("claim")
    assert any(s.text == "of" for s in window.state.spans)
    view.viewport().repaint()

    assert view.cursorRect(_at(view, lavrov)).x() != x_before  # the glyphs moved
    assert marks._kept is not kept  # so the outlines were found again
    _same_as_fresh(window, "a highlight's edge inside a ligature")
    window.close()


def test_a_span_arriving_that_splits_a_ligature_moves_the_selected_frame_too(
        qtbot, tmp_path: Path) -> None:
    """Another annotator's span arrives (a team pull adds it; the selection stays) with
    an edge inside "office", before the selected span on the same line: the frame, the
    grips and the label tag of the selected span follow the glyphs that moved (the tag
    did not, before: its place was kept from before the highlight)."""
    from dataclasses import replace

    from annotator.core.model import IncomingSpan
    from test_gui_long import window_on

    text = LIGATURES
    lavrov = text.index("Lavrov")
    later = text.index("Lavrov", text.index("\n\n"))  # in the next paragraph
    window = window_on(qtbot, tmp_path / "frame.db", text,
                       [IncomingSpan(lavrov, lavrov + 6, "actor", id="lavrov"),
                        IncomingSpan(later, later + 6, "actor", id="later")])
    qtbot.waitUntil(lambda: window.state.document is not None)
    window.resize(1300, 850)
    view = window.article.text
    window.state.select("lavrov")
    QApplication.processEvents()
    view.viewport().repaint()
    overlay = view.overlay
    assert any(at[0] > 0 for at in overlay._anchors.values())
    elsewhere = {qt: at for qt, at in overlay._anchors.items() if at[0] > 0}
    office = text.index("office")
    window.state.add(replace(window.state.spans.get("lavrov"), id="pulled", start=office,
                             end=office + 2, text="of", label="actor"))
    assert window.state.selected == "lavrov"
    QApplication.processEvents()
    # only the first paragraph's places were found again: the others' were kept
    assert all(overlay._anchors.get(qt) is at for qt, at in elsewhere.items())
    _same_as_fresh(window, "a pulled span splitting a ligature before the selected one")
    window.close()


def _suggested(qtbot, path: Path, text: str, suggested: list[tuple[int, int]]):
    """A window on a new article ``text`` with actors suggested at ``suggested``
    (code points), shown on its page and painted: the window and the view's marks."""
    from annotator.core.suggestions import SuggestedSpan, Suggestions
    from test_gui_long import window_on

    window_on(qtbot, path, text, []).close()
    with Store.open(path) as store:
        (doc,) = store.document_ids()
        store.replace_suggestions(doc, Suggestions("rules", spans=[
            SuggestedSpan(f"s{a}", a, b, "actor", 0.8, "a name") for a, b in suggested]))
    window = open_window(qtbot, path)
    window.resize(1300, 850)
    view = window.article.text
    QApplication.processEvents()
    (marks,) = [m for m in window.suggesting.marks if m.view is view]
    assert marks.shown()[0]
    view.viewport().repaint()
    return window, marks


def _select(window, start: int, end: int) -> None:
    """Select code points ``[start, end)`` in the article, as a drag would."""
    view, to_qt = window.article.text, window.state.positions.to_qt
    cursor = view.textCursor()
    cursor.setPosition(to_qt(start))
    cursor.setPosition(to_qt(end), QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)


def _at(view, qt: int) -> QTextCursor:
    cursor = QTextCursor(view.document())
    cursor.setPosition(qt)
    return cursor


def test_in_a_paragraph_with_arabic_the_layers_always_start_again(
        qtbot, tmp_path: Path) -> None:
    """Right-to-left text: the layers place spans by each character's edges and the runs
    a line is cut into, which any format's edge changes, though no glyph moves. A span
    added on one Arabic word, with a suggestion outlined on another of the same
    paragraph: the outline is found again, as a page drawn afresh has it."""
    peace, sword, noted = "السلام عليكم", "والله", "بأس"
    text = f"He said {peace} {sword} لا {noted} before he left.\n\n" * 3
    at = text.index(noted)
    window, marks = _suggested(qtbot, tmp_path / "arabic.db", text, [(at, at + len(noted))])
    view = window.article.text
    kept = marks._kept
    start = text.index(sword)
    _select(window, start, start + len(sword))
    window.annotating.apply_label("claim")
    assert any(s.text == sword for s in window.state.spans)
    view.viewport().repaint()
    assert marks._kept is not kept
    _same_as_fresh(window, "a span added on an Arabic word, a suggestion on another")
    window.close()
