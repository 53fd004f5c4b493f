"""What the drawn links and the suggestions' outlines paint, made quicker without a pixel
changed: the legs of the link arcs are filled boxes, not lines drawn with Qt's aliased pen
(several times quicker on a page of links), and each dashed outline of a suggestion is a
picture drawn once (a stroke costs 20 times what placing its picture does). Both must give
the very pixels the slow way gave, at any fractional place; and an edit elsewhere must not
make the suggestion marks ask for, and route, the page's suggestions again."""

from __future__ import annotations

import math
import random
from pathlib import Path

import pytest
from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QApplication

from annotator.core.suggestions import SuggestedLink, SuggestedSpan, Suggestions
from annotator.gui.annotate.overlay_paint import Boxes, _legs
from annotator.store import Store
from test_gui_suggestion_arcs import one_line_run
from test_gui_suggestions import open_window


def _pixels(draw, page: str = "white") -> set[tuple[int, int, int]]:
    """The pixels ``draw`` inks on an image of the ``page`` colour (large enough: nothing
    is cut off)."""
    image = QImage(100, 60, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor(page))
    painter = QPainter(image)
    draw(painter)
    painter.end()
    return {(x, y, image.pixel(x, y)) for y in range(60) for x in range(100)
            if image.pixel(x, y) != QColor(page).rgba()}


@pytest.mark.parametrize("thick", [1, 3])
def test_the_legs_of_an_arc_fill_the_pixels_the_pen_did(qapp, thick: int) -> None:
    ink = QColor("#2f6bc3")
    rng = random.Random(thick)
    wrong = []
    for i in range(150):
        x, y = rng.uniform(8, 12), rng.uniform(8, 12)
        if i % 3 == 0 and thick == 1:  # on a pixel's edge, its middle, or just short of
            # the next one (a 3 px pen's stroke, on a pixel's edge, takes the pixel beyond
            # or not as its other end falls: the picked link's box may differ there by one)
            x, y = 10 + (0.0, 0.5, 0.99, 0.999)[i % 4], 11 + (0.5, 0.99, 0.0)[i // 3 % 3]
        wide, tall = rng.uniform(2, 30), rng.uniform(2, 30)
        # up, right, down again, left: every way a leg of an arc goes
        points = [(x, y + tall), (x, y), (x + wide, y), (x + wide, y + tall / 2),
                  (x + wide / 3, y + tall / 2)]

        def pen(painter, points=points):
            painter.setPen(QPen(ink, thick))
            for a, b in zip(points, points[1:], strict=False):
                painter.drawLine(QLineF(*a, *b))

        def boxes(painter, points=points):
            fills: dict = {}
            _legs(points, thick, ink, fills, Boxes())
            painter.setPen(Qt.PenStyle.NoPen)
            for color, rects in fills.values():
                painter.setBrush(color)
                painter.drawRects(rects)

        if _pixels(pen) != _pixels(boxes):
            wrong.append((x, y))
    assert wrong == []


def test_a_new_paint_plan_sets_the_boxes_kept_again(qapp) -> None:
    kept, ink = Boxes(), QColor("red")
    first: dict = {}
    _legs([(1.0, 1.0), (1.0, 9.0), (30.0, 9.0)], 1, ink, first, kept)
    made = list(kept.boxes)
    kept.used = 0
    again: dict = {}
    _legs([(2.0, 3.0), (2.0, 7.0), (40.0, 7.0)], 1, ink, again, kept)
    assert kept.boxes == made and all(a is b for a, b in zip(kept.boxes, made, strict=True))
    assert [r.getRect() for r in next(iter(again.values()))[1]] == [
        (2, 3, 1, 5), (2, 7, 39, 1)]


def test_an_outline_picture_gives_the_pixels_of_its_stroke(qtbot, seed_db: Path) -> None:
    with Store.open(seed_db) as store:
        (doc,) = store.document_ids()
        store.replace_suggestions(doc, one_line_run(store.document(doc).text))
    window = open_window(qtbot, seed_db)
    (marks,) = [m for m in window.suggesting.marks if m.view is window.article.text]
    ink = QColor("#884422")
    for i in range(30):
        rect = QRectF(5 + i * 0.37, 6 + i * 0.23, 20 + i * 1.3, 14 + (i % 3) * 0.5)
        for current in (False, True):
            def stroke(painter, rect=rect, current=current):
                pen = QPen(ink, 2.5 if current else 1.5)
                pen.setStyle(Qt.PenStyle.DashLine)
                pen.setDashPattern([4, 2] if current else [3, 3])
                painter.setRenderHint(QPainter.RenderHint.Antialiasing)
                painter.setPen(pen)
                painter.drawRoundedRect(rect, 3, 3)

            def placed(painter, rect=rect, current=current):
                x, y = math.floor(rect.x()) - 3, math.floor(rect.y()) - 3
                painter.drawPixmap(x, y, marks._outline(rect.translated(-x, -y), ink.rgba(),
                                                        current, 1.0))

            assert _pixels(stroke) == _pixels(placed), (rect, current)
    window.close()


def test_a_grips_pictures_give_the_pixels_of_its_shapes(qtbot, seed_db: Path) -> None:
    """The grips on the selected span's edges are placed as pictures (edge_handles.py):
    they must give the very pixels the bar, the knob and its ring drawn on the page do,
    on a light page and a dark one, for each edge, line height and colour."""
    from PySide6.QtCore import QPointF, QRect

    window = open_window(qtbot, seed_db)
    handles = window.article.text.edge_handles
    for page in ("white", "#1e1f22"):
        for edge in ("start", "end"):
            for height, fill, ring in ((17, "#1a1a1a", "#c0392b"), (22, "#e8e8e8", "#2f6bc3"),
                                       (25, "#202020", "#8e44ad")):
                rect = QRect(31, 17, 8, height + 7)

                def drawn(painter, rect=rect, edge=edge, fill=fill, ring=ring):
                    x, knob = rect.center().x(), 7
                    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
                    painter.setBrush(QColor(fill))
                    painter.setPen(Qt.PenStyle.NoPen)
                    painter.drawRect(QRectF(x - 1, rect.top() + (knob if edge == "start" else 0),
                                            2, rect.height() - knob))
                    y = rect.top() + 3.5 if edge == "start" else rect.bottom() - 3.5 + 1
                    painter.setPen(QPen(QColor(ring), 1.5))
                    painter.drawEllipse(QPointF(x, y), 3.5, 3.5)

                def placed(painter, rect=rect, edge=edge, fill=fill, ring=ring):
                    colors = QColor(fill).rgba(), QColor(ring).rgba()
                    for part in ("bar", "knob", "ring"):
                        painter.drawPixmap(rect.left() - 2, rect.top() - 2, handles._picture(
                            part, edge, rect.width(), rect.height(), colors, 1.0))

                assert _pixels(drawn, page) == _pixels(placed, page), (page, edge, height)
    window.close()


def test_an_edit_does_not_ask_the_suggestion_marks_for_the_page_again(qtbot,
                                                                     tmp_path: Path) -> None:
    """In a long article (the long view: its text's layout stays as it is through an
    edit), the page's suggestions are asked for and their arcs routed once per page."""
    from test_gui_long import LONG_ARTICLE, normalize_newlines, window_on

    para = "The minister 😀 said “we will not yield” — Лавров told reporters.\r\n\r\n"
    text, _ = normalize_newlines(para * (LONG_ARTICLE // len(para) + 400))
    path = tmp_path / "long.db"
    window_on(qtbot, path, text, []).close()
    with Store.open(path) as store:
        (doc,) = store.document_ids()
        quotes = [i for i in range(len(text)) if text.startswith("we will not yield", i)][:3]
        names = [text.index("Лавров", q) for q in quotes]
        store.replace_suggestions(doc, Suggestions(
            "rules",
            spans=[SuggestedSpan(f"q{i}", q, q + 17, "quote", 0.8, "quotation marks")
                   for i, q in enumerate(quotes)]
            + [SuggestedSpan(f"a{i}", a, a + 6, "actor", 0.7, "a name")
               for i, a in enumerate(names)],
            links=[SuggestedLink("said_by", f"q{i}", f"a{i}", 0.6, "speaker after the quote")
                   for i in range(len(quotes))]))
    window = open_window(qtbot, path)
    window.resize(1300, 850)
    window.splitters["main"].setSizes([200, 900, 200])
    view, suggesting = window.article.text, window.suggesting
    assert view is window.article.long_text
    (marks,) = [m for m in suggesting.marks if m.view is view]
    qtbot.waitUntil(lambda: len(marks.arcs) == 3, timeout=20_000)  # read in the background
    asked = []
    real = suggesting._on_screen
    suggesting._on_screen = lambda top, bottom: asked.append((top, bottom)) or real(top, bottom)
    suggesting.redraw()
    marks.view.viewport().repaint()
    assert len(asked) == 1  # the page's suggestions, asked for once for the page
    shown = marks.shown()  # (asks again, as a look from outside)
    assert len(shown[0]) >= 4 and shown[1]  # outlined, and linked by a dashed arc
    before = len(asked)

    def mark(start: int, end: int) -> None:
        cursor = view.textCursor()
        cursor.setPosition(window.state.positions.to_qt(start))
        cursor.setPosition(window.state.positions.to_qt(end), cursor.MoveMode.KeepAnchor)
        view.setTextCursor(cursor)
        window.annotating.apply_label("actor")
        QApplication.processEvents()
        marks.view.viewport().repaint()

    # edits in the text on screen repaint their lines, and the marks over them
    bar = view.verticalScrollBar().value()
    mark(4, 12)  # "minister"
    mark(len(para) + 4, len(para) + 12)
    assert len(window.state.spans.overlapping(0, 2 * len(para))) == 2
    assert view.verticalScrollBar().value() == bar  # (the same page)
    assert len(asked) == before
    # what is shown changed (a current suggestion): the page is asked for again
    suggesting.go_to(next(p for p in suggesting.pending if p.label == "actor"))
    marks.view.viewport().repaint()
    assert len(asked) > before and any(arc.current for arc in marks.shown()[1])
    window.close()
