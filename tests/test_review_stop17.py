"""Review of the long view's own marks and the links index (c0b2ca3..a0c7202).

Found while reviewing, both older than those commits (the short view's extra selections did
the same): a span linked to the selected one that a sync moves kept its dashed underline
where it was, and none where it is now, until the selection changed; the find bar's matches
kept the old theme's colour after the system's theme changed; with the find bar open, the
next article of the same length showed no match in the short view."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator.core.model import DocumentMeta, IncomingDocument, IncomingSpan, Relation
from annotator.core.offsets import normalize_newlines
from annotator.gui import theme
from annotator.gui.annotate.article_view import LONG_ARTICLE
from annotator.gui.annotate.search_results import hit_color
from annotator.gui.annotate.team_refresh import refresh_open_article
from annotator.gui.annotate.window import MainWindow
from annotator.store import Store
from gui_helpers import box, click, dominant, reveal
from test_gui_long_marks import PARA, painted, underline_share


def _linked_db(path: Path, long: bool) -> tuple[str, tuple[int, int], int]:
    """An article (long: over LONG_ARTICLE characters) with a quote linked (said_by) to the
    actor "Sergei Lavrov" before it; the text, the actor's place and a place in the quote."""
    copies = LONG_ARTICLE // len(PARA) + 50 if long else 6
    text, _ = normalize_newlines(PARA * copies)
    q = text.index("\"This concept", len(text) // 2)
    end = text.index("no good,\"", q) + len("no good,\"")
    lavrov = text.index("Sergei Lavrov", q - len(PARA))
    assert lavrov < q
    with Store.open(path) as store:
        store.import_documents([IncomingDocument(
            text, "linked", DocumentMeta(title="linked"), "t",
            spans=[IncomingSpan(q, end, "quote", id="q"),
                   IncomingSpan(lavrov, lavrov + 13, "actor", id="a")])], annotator="alice")
        when = "2026-01-01T00:00:00Z"
        store.add_relation(Relation("r", store.document_ids()[0], "said_by", "q", "a", "alice",
                                    when, when))
    return text, (lavrov, lavrov + 13), text.index("concept", q)


def _window(qtbot, path: Path) -> MainWindow:
    window = MainWindow(store=Store.open(path), annotator="alice")
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    window.activateWindow()  # (its keys reach it)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    assert window.state.document is not None
    return window


@pytest.mark.parametrize("long", [True, False], ids=["long view", "short view"])
def test_a_synced_move_of_a_linked_span_moves_its_dashed_underline(
    qtbot, tmp_path: Path, long: bool
) -> None:
    """The quote is selected: its actor "Sergei Lavrov" has the link's dashed underline. A
    sync (another member's edit, or the annotator's own from another machine) moves the
    actor to "Lavrov": the underline must follow it, not stay under "Sergei Lavrov"."""
    path = tmp_path / "linked.db"
    text, (start, end), in_quote = _linked_db(path, long)
    window = _window(qtbot, path)
    assert (window.article.text is window.article.long_text) == long
    click(window, in_quote + 2)
    assert window.state.selected == "q"
    ink = theme.underline(window.state.labels["said_by"].color)
    reveal(window, start)
    assert underline_share(painted(window), box(window, start, end), ink) > 0.4  # dashed

    # the sync: the actor now covers "Lavrov" only, in the database and in the window
    with Store.open(path) as other:
        other.move_span("a", start + 7, end)
    refresh_open_article(window)
    QApplication.processEvents()
    moved = window.state.spans.get("a")
    assert (moved.start, moved.end, moved.text) == (start + 7, end, "Lavrov")
    assert window.state.selected == "q"
    assert [r.id for r in window.state.relations_of("q")] == ["r"]
    reveal(window, start)
    image = painted(window)
    assert underline_share(image, box(window, start + 7, end), ink) > 0.4  # under "Lavrov"
    assert underline_share(image, box(window, start, start + 6), ink) == 0  # not "Sergei"
    window.close()


@pytest.mark.parametrize("long", [True, False], ids=["long view", "short view"])
def test_the_find_bars_matches_take_the_new_themes_colour(
    qtbot, qapp, tmp_path: Path, monkeypatch, long: bool
) -> None:
    """With the find bar open, the system turns dark (or light): the matches must be
    painted in the new theme's match colour, as the spans' tints are, not in the old one's
    (older than the long view's own marks: the find bar kept its matches' looks for as long
    as the text searched for stayed the same)."""
    monkeypatch.setenv("ANNOTATOR_THEME", "light")
    theme.apply(qapp)
    path = tmp_path / "linked.db"
    text, _actor, _in_quote = _linked_db(path, long)
    window = _window(qtbot, path)
    try:
        QTest.keyClick(window.article.text, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
        QTest.keyClicks(window.article.find_bar, "NATO")
        QApplication.processEvents()
        nato = text.index("NATO")
        reveal(window, nato)
        light = hit_color().name()
        assert dominant(painted(window), box(window, nato, nato + 4)) == light
        monkeypatch.setenv("ANNOTATOR_THEME", "dark")
        window._on_color_scheme_changed()  # as Qt's colorSchemeChanged calls it
        QApplication.processEvents()
        assert theme.is_dark() and hit_color().name() != light
        reveal(window, nato)
        assert dominant(painted(window), box(window, nato, nato + 4)) == hit_color().name()
        assert window.article.find_open() and window.article.find_bar.text() == "NATO"
    finally:
        window.close()
        qapp.setPalette(qapp.style().standardPalette())


@pytest.mark.parametrize("long", [True, False], ids=["long view", "short view"])
def test_the_find_bars_matches_stay_on_another_article_of_the_same_length(
    qtbot, tmp_path: Path, long: bool
) -> None:
    """Two articles of the same length (the same story from two sources): with the find bar
    open, the next one opened must show its matches too. They were looked for while the view
    still held the article before (its length was the new one's, so the bar took it for the
    new one), and went with that text when the new one came in: none was shown, in the
    short view (older than the long view's own marks, which keep their places)."""
    copies = LONG_ARTICLE // len(PARA) + 50 if long else 6
    text, _ = normalize_newlines(PARA * copies)
    path = tmp_path / "twins.db"
    with Store.open(path) as store:
        store.import_documents([IncomingDocument(text, f"source {n}", DocumentMeta(title=f"t{n}"),
                                                 "t") for n in (1, 2)], annotator="alice")
    window = _window(qtbot, path)
    assert (window.article.text is window.article.long_text) == long
    try:
        QTest.keyClick(window.article.text, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
        QTest.keyClicks(window.article.find_bar, "NATO")
        QApplication.processEvents()
        nato = text.index("NATO", len(PARA) * 2)
        reveal(window, nato)
        assert dominant(painted(window), box(window, nato, nato + 4)) == hit_color().name()
        first = window.state.document.id
        for doc_id in [d for d in window.store.document_ids() if d != first] + [first]:
            window.open_document(doc_id)
            qtbot.wait(20)
            assert window.state.document.id == doc_id and window.article.find_open()
            reveal(window, nato)
            assert dominant(painted(window), box(window, nato, nato + 4)) == hit_color().name()
    finally:
        window.close()
