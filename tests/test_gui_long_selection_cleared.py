"""A label key marks the selection and takes it away. Qt repaints a cleared selection's
lines from edge to edge, with every tag, mark and suggestion over them; in the long view
(issue 15's edit figures) a selection on one line, short of its end, is repainted over
its own stretch only. The page must then be exactly what a whole repaint draws, for
selections made either way, reaching a line's end, and running over several lines."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QRegion, QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator.core.model import DocumentMeta, IncomingDocument
from annotator.gui.annotate.article_view import LONG_ARTICLE
from annotator.store import Store
from gui_helpers import drag_select, on_screen, reveal
from test_gui_links_drawn import make_window
from test_gui_over_text import spans_in
from test_gui_overlay_edits import article


class Regions(QObject):
    """The region of each paint a widget gets."""

    def __init__(self, widget) -> None:
        super().__init__(widget)
        self.region = QRegion()
        widget.installEventFilter(self)

    def eventFilter(self, _watched, event) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Paint:
            self.region = self.region.united(event.region())
        return False


def shown(view):
    """The viewport's pixels as they were painted (what the screen holds), not painted
    again as a grab would."""
    return on_screen(view.viewport())


def painted_as_afresh(view) -> bool:
    for _ in range(3):
        QApplication.processEvents()
    kept = shown(view)
    view.viewport().repaint()
    return kept == shown(view)


def select(window, a: int, b: int) -> None:
    """Qt positions ``a`` (the anchor) to ``b``, as the keyboard selects."""
    view = window.article.text
    cursor = view.textCursor()
    cursor.setPosition(a)
    cursor.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    QApplication.processEvents()


def test_a_marked_selection_on_one_line_repaints_its_stretch_not_the_line(qtbot,
                                                                         tmp_path) -> None:
    path = article(tmp_path, long=True)
    window = make_window(qtbot, path)
    view = window.article.text
    assert view is window.article.long_text
    text = window.state.document.text
    start = text.index("Mongi Hamdi", text.index("Mongi Hamdi") + 1)
    reveal(window, start)
    drag_select(window, start, start + len("Mongi"))
    QApplication.processEvents()
    cursor = view.textCursor()
    line = view.cursorRect(cursor)
    regions = Regions(view.viewport())
    QTest.keyClick(view, Qt.Key.Key_3)  # actor
    QApplication.processEvents()
    assert (start, start + len("Mongi"), "actor") in spans_in(path)
    assert not view.textCursor().hasSelection()
    # the selection's line was repainted where the word is, not from edge to edge
    on_line = regions.region.intersected(QRegion(0, line.top() + 2, view.viewport().width(),
                                                 max(1, line.height() - 4)))
    assert not on_line.isEmpty()
    assert on_line.boundingRect().width() < view.viewport().width() / 3
    assert painted_as_afresh(view)


@pytest.mark.parametrize("how", ["backwards", "to the line's end", "over lines"])
def test_a_marked_selection_leaves_the_page_as_a_whole_repaint_draws_it(qtbot, tmp_path,
                                                                       how) -> None:
    path = article(tmp_path, long=True)
    window = make_window(qtbot, path)
    view = window.article.text
    text = window.state.document.text
    start = text.index("Moscow", text.index("Moscow") + 1)
    reveal(window, start)
    to_qt = window.state.positions.to_qt
    a, b = to_qt(start), to_qt(start + len("Moscow’s envoy"))
    if how == "backwards":
        select(window, b, a)
    elif how == "to the line's end":
        cursor = view.textCursor()
        cursor.setPosition(a)
        cursor.movePosition(QTextCursor.MoveOperation.EndOfLine,
                            QTextCursor.MoveMode.KeepAnchor)
        select(window, a, cursor.position())
    else:  # from the sentence before, over the line break Qt made, to this word
        select(window, to_qt(text.rindex("Lavrov", 0, start)), b)
    chosen = view.textCursor()
    assert chosen.hasSelection()
    tops = {view.cursorRect(_at(view, p)).top()
            for p in (chosen.selectionStart(), chosen.selectionEnd())}
    assert (len(tops) == 2) == (how == "over lines")
    QTest.keyClick(view, Qt.Key.Key_1)  # claim
    QApplication.processEvents()
    assert len(spans_in(path)) == 1
    assert not view.textCursor().hasSelection()
    assert painted_as_afresh(view)


def _at(view, position: int) -> QTextCursor:
    cursor = QTextCursor(view.document())
    cursor.setPosition(position)
    return cursor


def long_article_of(qtbot, path, para: str):
    """A window on a long article (the long view) of ``para`` again and again: the
    window, its view and the article's text."""
    text = para * (LONG_ARTICLE // len(para) + 20)
    with Store.open(path) as store:
        store.import_documents([IncomingDocument(text, path.stem, DocumentMeta(title="A"),
                                                 "t")], annotator="gen")
    window = make_window(qtbot, path)
    view = window.article.text
    assert view is window.article.long_text
    return window, view, text


def test_the_blanks_a_span_leaves_out_of_the_selection_are_repainted(qtbot,
                                                                     tmp_path) -> None:
    """A span leaves out the blanks at the ends of the selection it is made of: where they
    were selected is repainted too, though no span is drawn there."""
    para = "The envoy said:        Moscow’s envoy, Mongi Hamdi, added that talks were over.\n\n"
    path = tmp_path / "blanks.db"
    window, view, text = long_article_of(qtbot, path, para)
    start = text.index("Moscow", len(para) * 3)
    reveal(window, start)
    to_qt = window.state.positions.to_qt
    select(window, to_qt(start - 8), to_qt(start + len("Moscow’s")))  # 8 blanks first
    QTest.keyClick(view, Qt.Key.Key_3)  # actor
    QApplication.processEvents()
    assert spans_in(path) == [(start, start + len("Moscow’s"), "actor")]
    assert painted_as_afresh(view)


def test_a_selection_in_right_to_left_text_is_repainted_as_qt_repaints_it(qtbot,
                                                                          tmp_path) -> None:
    """Where a paragraph holds right-to-left letters, a run of positions need not be one
    stretch on screen: Qt's own repaint of the selection's line is kept there."""
    para = "The envoy שלום עליכם said: Moscow’s envoy, Mongi Hamdi, added that talks ended.\n\n"
    path = tmp_path / "rtl.db"
    window, view, text = long_article_of(qtbot, path, para)
    start = text.index("Mongi", len(para) * 3)
    reveal(window, start)
    to_qt = window.state.positions.to_qt
    a, b = to_qt(start), to_qt(start + len("Mongi"))
    assert view._one_line_stretch(a, b) is None  # (the paragraph's places are kept too)
    select(window, a, b)
    QTest.keyClick(view, Qt.Key.Key_3)  # actor
    QApplication.processEvents()
    assert spans_in(path) == [(start, start + len("Mongi"), "actor")]
    assert painted_as_afresh(view)
