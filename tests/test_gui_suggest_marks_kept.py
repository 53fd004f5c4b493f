"""The suggestion marks keep the page's outlines and arcs while the page stays as it is
(suggestion_marks.py, ``_laid``): what they keep must go when what they show changes,
or a repaint draws what is no longer there."""

from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import Qt

from annotator.core.suggestions import SuggestedLink, SuggestedSpan, Suggestions
from annotator.gui.annotate.suggestion_marks import SuggestionMarks
from annotator.store import Store
from test_gui_suggestion_arcs import long_suggested
from test_gui_suggestions import key, open_window, spans


def marks_alone(marks: SuggestionMarks, area=None):
    """The marks painted alone on a clear picture of the viewport's size, as the
    viewport's paint of ``area`` (a QRect; None: the whole page) paints them: clipped to
    it, and told it."""
    from PySide6.QtGui import QImage, QPainter

    port = marks.view.viewport()
    picture = QImage(port.size(), QImage.Format.Format_ARGB32_Premultiplied)
    picture.fill(0)
    area = area if area is not None else port.rect()
    painter = QPainter(picture)
    try:
        painter.setClipRect(area)
        marks._paint(lambda: painter, area)
    finally:
        painter.end()
    return picture


def test_a_suggested_arc_goes_when_the_span_it_starts_at_is_deleted(qtbot, tmp_path: Path):
    window, path, q, _a, marks = long_suggested(qtbot, tmp_path)
    view = window.article.text
    qtbot.waitUntil(lambda: len(marks.arcs) == 1, timeout=20_000)
    s = window.suggesting
    s.go_to(next(p for p in s.pending if p.label == "quote"))
    key(Qt.Key.Key_A)  # the quote accepted: the link stays, from the span it became
    qtbot.waitUntil(lambda: len(spans(path)) == 1)
    (span_id,) = [sp.id for sp in window.state.spans]
    assert marks.arcs[0].source == window.state.positions.range_to_qt(q, q + 17)
    s.current = None  # no suggestion current (as after a click on a span): the pick
    s.redraw()        # of a span changes nothing the marks show
    qtbot.wait(50)
    window.state.select(span_id)
    view.setFocus()
    key(Qt.Key.Key_Delete)  # that span deleted: its suggested link has no start any more
    qtbot.waitUntil(lambda: spans(path) == [])
    assert marks.arcs == []
    qtbot.wait(50)
    shown = view.viewport().grab().toImage()
    marks._version += 1  # what a page drawn afresh shows
    assert shown == view.viewport().grab().toImage()
    window.undo_stack.undo()  # the span back: the arc from it too
    qtbot.waitUntil(lambda: len(spans(path)) == 1)
    assert len(marks.arcs) == 1
    qtbot.wait(50)
    shown = view.viewport().grab().toImage()
    marks._version += 1
    assert shown == view.viewport().grab().toImage()
    window.close()


def test_a_window_closed_before_its_first_paint_reads_no_suggestions(
        qtbot, tmp_path: Path, monkeypatch) -> None:  # fmt: skip
    from annotator.gui.annotate import suggesting
    from annotator.gui.annotate.window import MainWindow
    from test_gui_long import LONG_ARTICLE, normalize_newlines, window_on

    para = "The minister said “we will not yield” — Lavrov told reporters.\n\n"
    text, _ = normalize_newlines(para * (LONG_ARTICLE // len(para) + 400))
    q = text.rindex("we will not yield")
    path = tmp_path / "long.db"
    window_on(qtbot, path, text, []).close()
    with Store.open(path) as store:
        (doc,) = store.document_ids()
        store.replace_suggestions(doc, Suggestions("rules", spans=[
            SuggestedSpan("q", q, q + 17, "quote", 0.8, "quotation marks")]))
    begun = []
    monkeypatch.setattr(suggesting, "read_back", lambda *args: begun.append(args))
    window = MainWindow(store=Store.open(path), annotator="alice")
    qtbot.addWidget(window)
    window.show()
    assert window.suggesting.reading  # its read waits for the first paint
    window.close()  # closed first: the read is no longer wanted
    qtbot.wait(300)
    assert begun == []


def test_a_repaint_of_a_suggested_links_tag_alone_paints_it(qtbot, seed_db: Path) -> None:
    """A suggested link between two near words: its "type?" tag is wider than its arc; a
    repaint of a stretch only the tag reaches (a tag of a span beside it) paints the tag."""
    from PySide6.QtCore import QRect, QRectF
    from PySide6.QtGui import QFont, QFontMetricsF, QImage

    with Store.open(seed_db) as store:
        (doc,) = store.document_ids()
        text = store.document(doc).text
        who = text.index("blatant")  # (in the middle of a line)
        store.replace_suggestions(doc, Suggestions("rules", spans=[  # two letters each
            SuggestedSpan("a", who, who + 2, "actor", 0.7, "a name"),
            SuggestedSpan("c", who + 2, who + 4, "claim", 0.7, "a claim")],
            links=[SuggestedLink("claimed_by", "c", "a", 0.6, "near")]))
    window = open_window(qtbot, seed_db)
    window.resize(1320, 860)
    window.splitters["main"].setSizes([200, 900, 200])
    view = window.article.text
    (marks,) = [m for m in window.suggesting.marks if m.view is view]
    window.suggesting.go_to(next(p for p in window.suggesting.pending if p.label == "actor"))
    qtbot.wait(50)
    ((_outlines, (laid,))) = marks._laid()
    whole = marks_alone(marks)
    font = QFont(view.font())  # the tag's font and box, as suggestion_marks lays them
    font.setPointSizeF(max(6.5, font.pointSizeF() * 0.62))
    width = QFontMetricsF(font).horizontalAdvance("claimed_by?") + 6
    left = min(max(laid.label_at.x() - width / 2, 1.0), marks.width() - width - 1)
    y = round(laid.label_at.y()) - 3
    arc = laid.path.boundingRect().adjusted(-9, -9, 9, 9)
    for sliver in (QRect(math.ceil(left) + 1, y, 3, 6), QRect(int(left + width) - 4, y, 3, 6)):
        assert not arc.intersects(QRectF(sliver))  # the tag alone reaches there
        part = marks_alone(marks, sliver)
        blank = QImage(sliver.size(), QImage.Format.Format_ARGB32_Premultiplied)
        blank.fill(0)
        assert whole.copy(sliver) != blank  # the tag is there
        assert part.copy(sliver) == whole.copy(sliver)
    window.close()


def test_a_repaint_of_an_outlines_outer_edge_alone_paints_it(qtbot, seed_db: Path) -> None:
    """An outline's stroke lies on its rectangle's edge, half of it outside: a repaint
    of a stretch only that half reaches (the line below it) paints it."""
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QImage

    with Store.open(seed_db) as store:
        (doc,) = store.document_ids()
        who = store.document(doc).text.index("blatant")
        store.replace_suggestions(doc, Suggestions("rules", spans=[
            SuggestedSpan("c", who, who + 7, "claim", 0.7, "a claim")]))
    window = open_window(qtbot, seed_db)
    window.resize(1320, 860)
    view = window.article.text
    (marks,) = [m for m in window.suggesting.marks if m.view is view]
    window.suggesting.go_to(window.suggesting.pending[0])  # shown
    qtbot.wait(50)
    ((rect, _color, _current),), _arcs = marks._laid()
    whole = marks_alone(marks)
    below = QRect(round(rect.left()) + 4, math.ceil(rect.bottom()), 20, 2)
    blank = QImage(below.size(), QImage.Format.Format_ARGB32_Premultiplied)
    blank.fill(0)
    assert whole.copy(below) != blank  # the stroke's outer half is there
    part = marks_alone(marks, below)
    assert part.copy(below) == whole.copy(below)
    window.close()


def test_a_repaint_of_part_of_a_suggested_arc_strokes_its_dashes_where_a_whole_paint_does(
        qtbot, tmp_path: Path, monkeypatch) -> None:
    """A repaint of a line strokes only the legs of an arc between lines that it meets
    (with their neighbours), each part starting where the arc's dashes are at that point:
    the screen then holds what a paint of the whole page leaves. (Qt's own stroke of the
    whole arc in a repaint clipped to a few rectangles shifted some dashes by a pixel or
    two: a stale look, 3 repaints in 40 here.)"""
    import random

    from PySide6.QtCore import QRect
    from PySide6.QtWidgets import QApplication

    from annotator.gui.annotate import suggestion_marks
    from gui_helpers import on_screen
    from test_gui_long import LONG_ARTICLE, normalize_newlines, window_on

    para = "The minister 😀 said “we will not yield” — Лавров told reporters.\r\n\r\n"
    text, _ = normalize_newlines(para * (LONG_ARTICLE // len(para) + 400))
    path = tmp_path / "long.db"
    window_on(qtbot, path, text, []).close()
    step = len(para) - 2  # (one paragraph, its line ends normalised)
    quotes = [text.index("we will not yield", 40 * step + i * 5 * step) for i in range(3)]
    with Store.open(path) as store:
        (doc,) = store.document_ids()
        # each quote's speaker two paragraphs below it, and one's above it: arcs between
        # lines, down and up the page
        names = [text.index("Лавров", q + 2 * step) for q in quotes[:2]]
        names.append(text.rindex("Лавров", 0, quotes[2] - step))
        store.replace_suggestions(doc, Suggestions("rules", spans=[
            *[SuggestedSpan(f"q{i}", q, q + 17, "quote", 0.8, "quotation marks")
              for i, q in enumerate(quotes)],
            *[SuggestedSpan(f"a{i}", a, a + 6, "actor", 0.7, "a name")
              for i, a in enumerate(names)]],
            links=[SuggestedLink("said_by", f"q{i}", f"a{i}", 0.6, "speaker")
                   for i in range(3)]))
    window = open_window(qtbot, path)
    window.resize(1300, 850)
    window.splitters["main"].setSizes([200, 900, 200])
    view = window.article.text
    (marks,) = [m for m in window.suggesting.marks if m.view is view]
    qtbot.waitUntil(lambda: len(marks.arcs) == 3, timeout=20_000)
    # the first quote's link current (its thicker dashes), the page from above the first
    window.suggesting.go_to(next(p for p in window.suggesting.pending if p.label == "quote"))
    cursor = view.textCursor()
    cursor.setPosition(window.state.positions.to_qt(quotes[0] - 3 * step))
    view.setTextCursor(cursor)
    qtbot.wait(50)
    _outlines, laid = marks._laid()
    between = [one for one in laid if one.corners is not None]
    assert len(between) >= 2 and any(one.arc.current for one in between)
    parts = []
    real = suggestion_marks._stretches

    def in_parts(corners, legs):
        parts.append(legs)
        return real(corners, legs)

    port = view.viewport()
    monkeypatch.setattr(suggestion_marks, "_stretches", in_parts)
    port.repaint()
    page = on_screen(port)
    rng = random.Random(4)
    for _ in range(40):
        one = rng.choice(between)
        (ax, ay), (bx, by) = rng.choice(list(zip(one.corners, one.corners[1:], strict=False)))
        t = rng.random()
        x, y = ax + (bx - ax) * t, ay + (by - ay) * t
        port.update(QRect(round(x) - rng.randint(1, 20), round(y) - rng.randint(1, 12),
                          rng.randint(2, 40), rng.randint(2, 24)))
        QApplication.processEvents()
        # (where the arrow head's strokes cross the arc's, a clipped paint may round a
        # channel one level apart; a dash out of place is a whole colour apart)
        assert _most_apart(on_screen(port), page) <= 2, (x, y)
    assert any(len(legs - {-1}) < 3 for legs in parts)  # parts of arcs were stroked
    window.close()


def _most_apart(one, other) -> int:
    """The largest difference of any colour channel between two pictures of one size."""
    import numpy

    def channels(image):  # (blue, green, red: the fourth byte of RGB32 is not a colour)
        image = image.convertToFormat(image.Format.Format_RGB32)
        return numpy.frombuffer(image.constBits(), numpy.uint8).reshape(-1, 4)[:, :3].astype(int)

    return int(numpy.abs(channels(one) - channels(other)).max())
