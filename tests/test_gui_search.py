"""Searching the corpus like a reader (issue 16, points 9 and 10): the result list shows
each hit in context, Down and Return open a result, its hits are highlighted in the article
and F3 walks them; clearing a filter keeps the open article selected and in view; the
headlines in the article list are read on two lines. Driven with keys, checked against
the store and the selection."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator.core.model import DocumentMeta, IncomingDocument
from annotator.core.search_words import HIT_END, HIT_START
from annotator.gui.annotate.search_results import plain_hits, snippet_html
from annotator.gui.annotate.window import MainWindow
from annotator.store import Store
from test_gui import make_window

NOISE = "The minister spoke to reporters after a meeting that lasted three hours. " * 3
CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def _corpus(path: Path) -> None:
    """40 articles after the sample; Lavrov in the last ten (deep in the list), twice each,
    after curly quotes, an em dash and an emoji (UTF-16 positions differ from ours)."""
    docs = []
    for i in range(40):
        body = f"Report {i}. {NOISE}"
        if i >= 30:
            body += "“Peace” — 🇺🇦 said Sergei Lavrov, and later Lavrov repeated it. " + NOISE
        title = (f"Kremlin denies Lavrov was taken to hospital in Bali after reports {i}"
                 if i >= 30 else f"EU foreign ministers agree new sanctions package {i}")
        docs.append(IncomingDocument(body, f"r{i:02d}", DocumentMeta(title=title), "test"))
    with Store.open(path) as store:
        store.import_documents(docs, annotator="import")


@pytest.fixture
def window(qtbot, seed_db: Path) -> MainWindow:
    _corpus(seed_db)
    w = make_window(qtbot, seed_db)
    w.resize(1200, 700)
    yield w
    w.close()


def _doc(window: MainWindow, n: int) -> str:
    """The id of the ``n``th imported article (ids are made by the import)."""
    return next(d.id for d in window.store.documents() if d.title.endswith(f" {n}"))


def _search(window: MainWindow, qtbot, text: str) -> None:
    """Ctrl+Shift+F, then type: the result list replaces the table."""
    QTest.keyClick(window, Qt.Key.Key_F, CTRL | SHIFT)
    panel = window.doc_panel
    assert QApplication.focusWidget() is panel.search
    QTest.keyClicks(panel.search, text)
    qtbot.waitUntil(lambda: panel.model.search == text)
    assert panel.results.isVisible() and not panel.table.isVisible()


def _selected(window: MainWindow) -> str:
    a, b = window.article.selection_range()
    return window.state.document.text[a:b]


def test_results_show_snippets_and_keys_open_them_with_the_hits(window: MainWindow, qtbot) -> None:
    _search(window, qtbot, "Lavrov")
    model, panel = window.documents, window.doc_panel
    ids = [model.id_at(r) for r in range(model.rowCount())]
    assert ids[1:] == [_doc(window, i) for i in range(30, 40)]  # the sample, then 30..39
    snippet = model.data(model.index(1, 0), model.SnippetRole)
    assert f"{HIT_START}Lavrov{HIT_END}" in snippet and "Sergei" in snippet
    assert plain_hits(snippet) == ["Lavrov"] * snippet.count(HIT_START)
    html = snippet_html(snippet)
    assert ">Lavrov</span>" in html and HIT_START not in html
    # the result list paints them (a grab runs the delegate on the visible rows)
    assert not panel.results.grab().isNull()

    # Down: into the results; the first one opens, its hits shown in the find bar
    QTest.keyClick(panel.search, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is panel.results
    assert panel.results.currentIndex().row() == 0
    # Down again: the next result opens; the keyboard stays in the list
    QTest.keyClick(panel.results, Qt.Key.Key_Down)
    assert window.state.document.id == _doc(window, 30)
    assert window.article.find_panel.isVisible()
    assert window.article.find_bar.text() == "Lavrov"
    qtbot.waitUntil(lambda: len(window.article.text.extraSelections()) >= 2)
    text = window.state.document.text
    positions = window.state.positions
    hits = [(s.cursor.selectionStart(), s.cursor.selectionEnd())
            for s in window.article.text.extraSelections()
            if s.cursor.selectedText() == "Lavrov"]
    expected = [positions.range_to_qt(i, i + 6) for i in _all(text, "Lavrov")]
    assert hits == expected and len(hits) == 2
    # Return: the article gets the keyboard with its first hit selected, exact offsets
    QTest.keyClick(panel.results, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is window.article.text
    first, second = _all(text, "Lavrov")
    assert window.article.selection_range() == (first, first + 6)
    assert _selected(window) == "Lavrov"
    QTest.keyClick(window.article.text, Qt.Key.Key_F3)
    assert window.article.selection_range() == (second, second + 6)
    QTest.keyClick(window.article.text, Qt.Key.Key_F3, SHIFT)
    assert window.article.selection_range() == (first, first + 6)
    assert window.article.find_panel.count.text() == "1 of 2"
    # a label key labels the hit: the database holds exactly that text
    QTest.keyClick(window.article.text, Qt.Key.Key_3)
    window.writer.flush()
    doc_id = _doc(window, 30)
    span = next(s for s in window.store.spans(doc_id) if s.text == "Lavrov")
    assert (span.start, span.end) == (first, first + 6)


def _all(text: str, word: str) -> list[int]:
    out, i = [], text.find(word)
    while i >= 0:
        out.append(i)
        i = text.find(word, i + 1)
    return out


def test_return_in_the_search_field_opens_the_first_result(window: MainWindow, qtbot) -> None:
    _search(window, qtbot, "repeated lavr")  # two words, the last one a prefix
    QTest.keyClick(window.doc_panel.search, Qt.Key.Key_Return)
    assert window.state.document.id == _doc(window, 30)
    assert QApplication.focusWidget() is window.article.text
    # the words are not side by side in the text: the find bar walks the first one found
    assert window.article.find_bar.text() == "repeated"
    assert _selected(window) == "repeated"


def test_clearing_a_filter_keeps_the_open_article_selected_and_in_view(
    window: MainWindow, qtbot
) -> None:
    _search(window, qtbot, "Lavrov")
    panel = window.doc_panel
    QTest.keyClick(panel.search, Qt.Key.Key_Down)
    for _ in range(9):
        QTest.keyClick(panel.results, Qt.Key.Key_Down)
    assert window.state.document.id == _doc(window, 38)
    # clear the search from the keyboard
    QTest.keyClick(window, Qt.Key.Key_F, CTRL | SHIFT)
    QTest.keyClick(panel.search, Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: window.documents.rowCount() == 41)
    assert panel.table.isVisible() and not panel.results.isVisible()
    row = window.documents.row_of(_doc(window, 38))
    assert row == 39
    assert panel.table.selectionModel().isRowSelected(row)
    assert panel.table.currentIndex().row() == row
    QApplication.processEvents()
    assert panel.table.viewport().rect().contains(panel.table.visualRect(window.documents.index(row, 0)))
    assert window.state.document.id == _doc(window, 38)
    assert window.statusBar().position_label.text().startswith("Document 40 of 41")

    # the same with the status filter: "To do" and back to all articles
    panel.table.scrollToTop()
    status = panel.status
    status.setFocus()
    status.setCurrentIndex(status.findData("todo"))
    status.setCurrentIndex(status.findData(None))
    QApplication.processEvents()
    assert panel.table.selectionModel().isRowSelected(row)
    assert panel.table.viewport().rect().contains(panel.table.visualRect(window.documents.index(row, 0)))


def test_snippets_are_asked_only_for_the_rows_shown(window: MainWindow, qtbot, monkeypatch) -> None:
    asked: list[int] = []
    real = window.store.search_snippets

    def counting(ids, search):
        asked.append(len(ids))
        return real(ids, search)

    monkeypatch.setattr(window.store, "search_snippets", counting)
    _search(window, qtbot, "minister")  # every article
    window.doc_panel.results.grab()
    assert window.documents.rowCount() == 41
    assert asked and sum(asked) <= 2 * window.documents.SNIPPET_PAGE


def test_search_syntax_in_the_field_is_only_words(store) -> None:
    store.import_documents(
        [IncomingDocument("Lavrov said: “no” — AND (not) NEAR.", "a", DocumentMeta(title="A"), "t")],
        annotator="import",
    )
    ids = store.document_ids(search='"Lavrov')
    assert len(ids) == 1
    assert store.search_snippets(ids, 'AND (not"') == {ids[0]: f"Lavrov said: “no” — {HIT_START}AND{HIT_END} ({HIT_START}not{HIT_END}) NEAR."}
    assert store.search_snippets([], "x") == {} and store.search_snippets(ids, "  ") == {}


def test_headlines_are_read_on_two_lines_at_the_default_width(window: MainWindow) -> None:
    table = window.doc_panel.table
    assert table.wordWrap()
    lines = table.verticalHeader().sectionSize(0) // table.fontMetrics().lineSpacing()
    assert lines >= 2
    # two lines of the title column hold the headline's first seven words at least
    title = "Kremlin denies Lavrov was taken to hospital"
    width = table.horizontalHeader().sectionSize(0) - 8
    metrics = QFontMetrics(table.font())
    assert metrics.horizontalAdvance(title) <= 2 * width
    # the whole headline is in the row's tooltip
    row = window.documents.row_of(_doc(window, 30))
    tip = window.documents.data(window.documents.index(row, 0), Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Kremlin denies Lavrov was taken to hospital in Bali after reports 30")


def test_a_search_without_results_says_so(window: MainWindow, qtbot) -> None:
    _search(window, qtbot, "Zelenskyy")
    results = window.doc_panel.results
    assert window.documents.rowCount() == 0
    assert results.empty_text() == "No article holds all of these words."
    results.grab()  # paints the sentence
    QTest.keyClick(window.doc_panel.search, Qt.Key.Key_Return)  # nothing to open: no change
    assert window.state.document is not None
