"""The long view keeps the shaped text of the paragraphs it paints (Qt drops it after each
paint otherwise, and every repaint of a line shaped its paragraph again), and a paragraph
scrolled far past gives it back, so scrolling a whole article keeps no more than a few
screens' worth."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QTextCursor

from annotator.core.model import IncomingSpan
from annotator.gui.annotate import long_view
from annotator.gui.annotate.article_view import LONG_ARTICLE
from test_gui_long import window_on


def _kept(view) -> list[int]:
    """The numbers of the blocks whose layout keeps its shaping."""
    found, block = [], view.document().firstBlock()
    while block.isValid():
        if block.layout().cacheEnabled():
            found.append(block.blockNumber())
        block = block.next()
    return found


def test_painted_paragraphs_keep_their_shaping_and_give_it_back(qtbot, tmp_path: Path):
    para = "The minister 😀 said “we will not” — Лавров 北约 talks.\n\n"
    text = para * (LONG_ARTICLE // len(para) + 200)
    spans = [IncomingSpan(i, i + 8, "actor", id=f"s{i}") for i in range(0, len(text) - 60, 997)
             if not text[i].isspace() and not text[i + 7].isspace()]
    window = window_on(qtbot, tmp_path / "long.db", text, spans)
    window.resize(1320, 860)
    qtbot.waitUntil(lambda: window.state.document is not None)
    view = window.article.text
    assert isinstance(view, long_view.LongReadingView)
    qtbot.waitExposed(view)
    qtbot.wait(20)  # the window laid out at its size
    view.viewport().repaint()
    first = view.firstVisibleBlock().blockNumber()
    shown = _kept(view)
    assert first in shown, "the paragraphs on screen keep their shaping"
    assert len(shown) <= long_view._SHAPED_KEPT

    bar = view.verticalScrollBar()
    while bar.value() < bar.maximum():  # the whole article, a page at a time
        bar.setValue(bar.value() + bar.pageStep())
        view.viewport().repaint()
    kept = _kept(view)
    assert first not in kept, "a paragraph scrolled far past gives its shaping back"
    assert 0 < len(kept) <= long_view._SHAPED_KEPT
    assert view.firstVisibleBlock().blockNumber() in kept

    # an edit there still lands on the exact text (the kept shaping is the text's own)
    start = window.state.positions.from_qt(view.firstVisibleBlock().position()) + 4
    cursor = view.textCursor()
    cursor.setPosition(window.state.positions.to_qt(start))
    cursor.setPosition(window.state.positions.to_qt(start + 8), QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    window.annotating.apply_label("claim")
    span = window.state.selected_span()
    assert span is not None and span.text == text[span.start:span.end]
    window.close()
