"""A label tag is drawn over the text, or partly in the margin round the text when its
line is the first one shown (the room above it). An edit repaints the margin only where
a tag reaches into it: there, Qt repaints the window behind the margin too, which cost a
label key in a long article ~0.2 ms. The whole view, margins included, must still be
what a repaint of the whole window draws."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from gui_helpers import drag_select, on_screen, reveal
from test_gui_links_drawn import make_window
from test_gui_over_text import Paints, spans_in
from test_gui_overlay_edits import article


def as_a_whole_repaint_draws(view) -> bool:
    for _ in range(3):
        QApplication.processEvents()
    kept = on_screen(view)
    view.window().repaint()
    return kept == on_screen(view)


@pytest.mark.parametrize("long", [False, True], ids=["rich view", "long view"])
def test_a_tag_at_the_texts_left_edge_repaints_no_margin(qtbot, tmp_path, long) -> None:
    path = article(tmp_path, long)
    window = make_window(qtbot, path)
    view = window.article.text
    assert (view is window.article.long_text) == long
    text = window.state.document.text
    start = text.index("Foreign", text.index("Foreign", text.index("Foreign") + 1) + 1)
    reveal(window, text.index("Foreign", text.index("Foreign") + 1))  # its line not the first
    drag_select(window, start, start + len("Foreign"))
    tag_margin = Paints(view.overlay)
    QTest.keyClick(view, Qt.Key.Key_3)  # actor
    QApplication.processEvents()
    assert (start, start + len("Foreign"), "actor") in spans_in(path)
    (tag,) = [t for t in view.overlay.scene().tags if t.span.start == start]
    assert tag.rect.left() <= view.viewport().geometry().left() + 1  # at the left edge
    assert view.viewport().geometry().contains(tag.rect.toAlignedRect())  # not past it
    assert tag_margin.count == 0  # the margins were left as they were
    assert as_a_whole_repaint_draws(view)
    tag_margin.count = 0
    QTest.keyClick(view, Qt.Key.Key_Delete)  # and taken away
    QApplication.processEvents()
    assert tag_margin.count == 0
    assert as_a_whole_repaint_draws(view)
    window.close()


def test_a_tag_reaching_into_the_margin_above_the_text_is_repainted_there(qtbot,
                                                                         tmp_path) -> None:
    path = article(tmp_path, long=True)
    window = make_window(qtbot, path)
    view = window.article.text
    text = window.state.document.text
    start = text.index("Minister")  # on the first line
    drag_select(window, start, start + len("Minister"))
    view.verticalScrollBar().setValue(0)
    QApplication.processEvents()
    tag_margin = Paints(view.overlay)
    QTest.keyClick(view, Qt.Key.Key_3)  # actor
    QApplication.processEvents()
    (tag,) = [t for t in view.overlay.scene().tags if t.span.start == start]
    assert tag.rect.top() < view.viewport().geometry().top()  # partly above the text
    assert tag_margin.count > 0
    assert as_a_whole_repaint_draws(view)
    window.close()
