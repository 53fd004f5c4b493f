"""A very long article: the plain view, lazy highlighting, exact offsets with emoji and CRLF."""

from __future__ import annotations

import re
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
    window = window_on(qtbot, tmp_path / "long.db", text, spans)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    yield window
    window.close()


def window_on(qtbot, path: Path, text: str, spans: list[IncomingSpan]) -> MainWindow:
    """The window, shown, on a new database holding one article with these spans."""
    with Store.open(path) as store:
        store.import_documents(
            [IncomingDocument(text, path.stem, DocumentMeta(title=path.stem), "t", spans=spans)],
            annotator="gen",
        )
    window = MainWindow(store=Store.open(path), annotator="alice")
    qtbot.addWidget(window)
    window.show()
    return window


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


def test_keys_on_an_article_with_many_spans_make_only_the_spans_they_need(
    qtbot, tmp_path: Path
) -> None:
    """Tab, Ctrl+L and "label all occurrences" look near the selection, not at every span
    (each span of a long article becomes an object only when something needs it)."""
    words = ["minister", "said", "we", "will", "not", "talks", "Kiev", "Лавров", "😀"]
    text = " ".join(words[i % len(words)] + str(i) for i in range(40_000)) + " unique"
    words_at = list(re.finditer(r"\S+", text))[:-1]  # every other word, "unique" apart
    labels = ["actor", "quote", "claim"]
    spans = [IncomingSpan(m.start(), m.end(), labels[n % 3]) for n, m in enumerate(words_at[::2])]
    spans.append(IncomingSpan(len(text) - 6, len(text), "actor", id="u"))
    window = window_on(qtbot, tmp_path / "many.db", text, spans)
    total = len(window.state.spans)
    assert total > 10_000

    def made() -> int:
        return len(window.state.spans._made)

    middle = window.state.spans[total // 2]
    window.state.select(middle.id)
    before = made()
    window.annotating.step_span(+1)
    window.annotating.step_span(-1)
    assert window.state.selected == middle.id
    window.state.select(None)
    window.annotating.step_span(+1)  # from the caret
    assert made() - before < 50
    window.state.select(middle.id)
    window.annotating.start_linking()
    assert window.annotating.candidates and made() - before < 2_000
    nearest_actor = min(
        (s for s in window.state.spans.overlapping(middle.start - 200, middle.start + 200)
         if s.label == "actor" and s.id != middle.id),
        key=lambda s: abs(s.start - middle.start),
    )
    assert abs(window.annotating.candidates[0].start - middle.start) == abs(
        nearest_actor.start - middle.start
    )
    window.annotating.stop_linking()
    window.state.select("u")
    window.annotating.label_all_occurrences()  # "unique" occurs once: nothing to add
    assert made() - before < 2_000
    window.close()
