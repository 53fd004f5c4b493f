"""Issue 17, point 2: a suggested said_by/claimed_by link is drawn as a dashed arc between
its ends (a span suggestion's or a span's place), apart from real links' solid arcs, on
both reading views; accepted on its own (its ends with it) or left pending, its arc then
starting at the span its quote became."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage

from annotator.core.suggestions import SuggestedLink, SuggestedSpan, Suggestions
from annotator.gui.annotate.suggestion_marks import outline_color
from annotator.store import Store
from test_gui_suggestions import key, open_window, rows, run, spans  # noqa: F401


def picture(widget) -> QImage:
    return widget.grab().toImage()


def inked(image: QImage, color: QColor, area) -> int:
    """How many pixels of ``area`` are near ``color`` (antialiasing blurs the edges)."""
    n = 0
    for y in range(max(area.top(), 0), min(area.bottom(), image.height())):
        for x in range(max(area.left(), 0), min(area.right(), image.width()), 1):
            c = image.pixelColor(x, y)
            if (abs(c.red() - color.red()) + abs(c.green() - color.green())
                    + abs(c.blue() - color.blue())) < 60:  # fmt: skip
                n += 1
    return n


def one_line_run(text: str) -> Suggestions:
    """A quote and its speaker on one line, and the said_by link between them."""
    quote = "It's a blatant attempt"
    q = text.index(quote)
    who = text.index("Lavrov", q - 400)  # the speaker named before it, in the text
    return Suggestions("rules", spans=[
        SuggestedSpan("q", q, q + len(quote), "quote", 0.8, "quotation marks"),
        SuggestedSpan("a", who, who + 6, "actor", 0.7, "a name"),
    ], links=[SuggestedLink("said_by", "q", "a", 0.6, "speaker before the quote")])


def test_a_suggested_link_is_a_dashed_arc_and_accepted_on_its_own(qtbot, seed_db: Path):
    with Store.open(seed_db) as store:
        (doc,) = store.document_ids()
        store.replace_suggestions(doc, one_line_run(store.document(doc).text))
    w = open_window(qtbot, seed_db)
    s = w.suggesting
    view = w.article.text
    (marks,) = [m for m in s.marks if m.view is view]
    link = next(p for p in s.pending if not p.is_span)
    quote = next(p for p in s.pending if p.label == "quote")
    s.go_to(next(p for p in s.pending if p.label == "actor"))  # the speaker shown
    (arc,) = marks.arcs
    assert arc.label == "said_by" and arc.current  # the current span's link: thicker
    assert arc.source == w.state.positions.range_to_qt(quote.start, quote.end)
    s.go_to(quote)  # the quote shown: its arc's ends on screen
    assert marks.arcs[0].current
    s.go_to(link)
    assert marks.arcs[0].current
    s.current = None
    s.redraw()
    assert not marks.arcs[0].current
    s.go_to(quote)
    qtbot.wait(50)
    # the arc is drawn: pixels of its colour appear above the quote's line, and go with it
    color = outline_color(arc.color)
    with_arc = inked(picture(view.viewport()), color, view.viewport().rect())
    provider = marks.provider
    marks.show(lambda top, bottom: (provider(top, bottom)[0], []))  # the same, no arcs
    without = inked(picture(view.viewport()), color, view.viewport().rect())
    assert with_arc > without + 20
    s.redraw()
    # accepted on its own: the link, and its two ends with it, in one undo step
    s.go_to(link)
    key(Qt.Key.Key_A)
    qtbot.waitUntil(lambda: len(rows(seed_db, "SELECT * FROM relations")) == 1)
    assert rows(seed_db, "SELECT label FROM relations") == [("said_by",)]
    assert sorted(r[2] for r in spans(seed_db)) == ["actor", "quote"]
    assert rows(seed_db, "SELECT count(*) FROM provenance") == [(3,)]
    assert marks.arcs == [] and not s.pending
    w.undo_stack.undo()
    qtbot.waitUntil(lambda: spans(seed_db) == [])
    assert len(marks.arcs) == 1
    # or with its quote first: the link stays, its arc now from the span the quote became
    s.go_to(next(p for p in s.pending if p.label == "quote"))
    key(Qt.Key.Key_A)
    qtbot.waitUntil(lambda: len(spans(seed_db)) == 1)
    (left,) = [p for p in s.pending if not p.is_span]
    assert left.source.startswith("span:") and len(marks.arcs) == 1
    assert marks.arcs[0].source == arc.source
    # hidden with the suggestions
    key(Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert marks.arcs == []
    w.close()


def long_suggested(qtbot, tmp_path: Path):
    """A window on a long article (the long view) whose last quote and the speaker after it
    are suggested, linked said_by: the window, its database, the quote's and the actor's
    offsets, and the long view's suggestion marks."""
    from test_gui_long import LONG_ARTICLE, normalize_newlines, window_on

    para = "The minister 😀 said “we will not yield” — Лавров told reporters.\r\n\r\n"
    text, _ = normalize_newlines(para * (LONG_ARTICLE // len(para) + 400))
    q = text.rindex("we will not yield")
    a = text.index("Лавров", q)
    path = tmp_path / "long.db"
    window = window_on(qtbot, path, text, [])
    with Store.open(path) as store:
        (doc,) = store.document_ids()
        store.replace_suggestions(doc, Suggestions("rules", spans=[
            SuggestedSpan("q", q, q + 17, "quote", 0.8, "quotation marks"),
            SuggestedSpan("a", a, a + 6, "actor", 0.7, "a name"),
        ], links=[SuggestedLink("said_by", "q", "a", 0.6, "speaker after the quote")]))
    window.close()
    window = open_window(qtbot, path)
    window.resize(1300, 850)
    window.splitters["main"].setSizes([200, 900, 200])
    view = window.article.text
    assert view is window.article.long_text
    (marks,) = [m for m in window.suggesting.marks if m.view is view]
    return window, path, q, a, marks


def test_the_long_article_view_draws_suggested_arcs_too(qtbot, tmp_path: Path) -> None:
    window, _path, q, a, marks = long_suggested(qtbot, tmp_path)
    view = window.article.text
    # a long article's suggestions are read in the background when it opens
    qtbot.waitUntil(lambda: len(marks.arcs) == 1, timeout=20_000)
    # at the article's top, the arc (at its end) is not even routed: it costs nothing
    routed = []
    real = marks._route
    marks._route = lambda *args: routed.append(args) or real(*args)
    marks.view.viewport().repaint()
    assert len(marks.arcs) == 1 and marks.shown()[1] == [] and routed == []
    window.suggesting.go_to(next(p for p in window.suggesting.pending if p.label == "quote"))
    (arc,) = marks.arcs
    assert arc.source == window.state.positions.range_to_qt(q, q + 17)
    assert arc.target == window.state.positions.range_to_qt(a, a + 6)
    qtbot.wait(50)
    assert routed  # shown: now drawn
    color = outline_color(arc.color)
    with_arc = inked(picture(view.viewport()), color, view.viewport().rect())
    provider = marks.provider
    marks.show(lambda top, bottom: (provider(top, bottom)[0], []))  # the same, no arcs
    assert with_arc > inked(picture(view.viewport()), color, view.viewport().rect()) + 20
    window.close()
