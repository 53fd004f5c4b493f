"""A very long article: the plain view, lazy highlighting, exact offsets with emoji and CRLF."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication

from annotator.core.model import DocumentMeta, IncomingDocument, IncomingSpan
from annotator.core.offsets import normalize_newlines
from annotator.gui.article_view import LONG_ARTICLE
from annotator.gui.main_window import MainWindow
from annotator.store import Store
from gui_helpers import drag_select, press


@pytest.fixture
def long_window(qtbot, tmp_path: Path) -> MainWindow:
    para = "The minister 😀 said “we will not” — 👩‍👩‍👧 Лавров e\u0301te\u0301 talks.\r\n\r\n"
    raw = para * (LONG_ARTICLE // len(para) + 400)
    text, _ = normalize_newlines(raw)
    last = text.rindex("Лавров")
    spans = [IncomingSpan(i, i + 8, "actor", id=f"s{i}") for i in range(0, len(text) - 60, 997)
             if not text[i].isspace() and not text[i + 7].isspace()]
    spans.append(IncomingSpan(last, last + len("Лавров"), "actor", id="last"))
    path = tmp_path / "long.db"
    with Store.open(path) as store:
        store.import_documents(
            [IncomingDocument(text, "long", DocumentMeta(title="Long"), "t", spans=spans)],
            annotator="gen",
        )
    window = MainWindow(store=Store.open(path), annotator="alice")
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    yield window
    window.close()


def background_at(window: MainWindow, offset: int):
    cursor = QTextCursor(window.article.text.document())
    cursor.setPosition(window.state.positions.to_qt(offset) + 1)
    return cursor.charFormat().background().style()


def test_a_long_article_uses_the_plain_view_and_highlights_what_comes_into_view(
    long_window: MainWindow, qtbot
) -> None:
    window = long_window
    assert window.article.text is window.article.long_text and window.article.positions_exact
    last = window.state.spans.get("last")
    # Far from the top: not highlighted until it is scrolled into view.
    assert background_at(window, last.start) == Qt.BrushStyle.NoBrush
    bar = window.article.text.verticalScrollBar()
    bar.setValue(bar.maximum())
    qtbot.waitUntil(lambda: background_at(window, last.start) != Qt.BrushStyle.NoBrush)


def test_spans_made_in_a_long_article_are_exact(long_window: MainWindow) -> None:
    window = long_window
    text = window.state.document.text
    start = text.index("“we will not” — 👩‍👩‍👧", len(text) // 2)
    needle = "“we will not” — 👩‍👩‍👧"
    drag_select(window, start, start + len(needle))
    press(window, Qt.Key.Key_2)
    span = window.state.selected_span()
    assert (span.start, span.end, span.text) == (start, start + len(needle), needle)
    stored = window.store.span(span.id)
    assert window.store.document(stored.document).text[stored.start : stored.end] == needle
    assert background_at(window, start + 2) != Qt.BrushStyle.NoBrush


def test_switching_between_a_long_and_a_short_article(long_window: MainWindow) -> None:
    window = long_window
    window.store.import_documents(
        [IncomingDocument("A short one.", "short", DocumentMeta(title="Short"), "t")],
        annotator="gen",
    )
    window.reload_documents()
    window.next_doc_action.trigger()
    assert window.state.document.meta.title == "Short"
    assert window.article.text is not window.article.long_text
    assert window.article.long_text.document().characterCount() <= 1  # text not kept twice
