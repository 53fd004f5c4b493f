"""What is drawn over the text (label tags, link arcs, the selected span's frame and grips)
is painted in the viewport's own paint (over_text.py); the overlay widget keeps only the
margins around the viewport (issue 15's long-article edit figures). An edit therefore makes
no paint of that widget, in either view, and yet every arc is painted whole: on the text and
in the margins, where an arc to a span off the page runs down its lane."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QColor, QRegion
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from gui_helpers import drag_select, reveal
from test_gui_links_drawn import ink_near, linked, make_window, overlay, show  # noqa: F401
from test_gui_overlay_edits import article

CTRL = Qt.KeyboardModifier.ControlModifier


class Paints(QObject):
    """Counts the paint events a widget gets."""

    def __init__(self, widget) -> None:
        super().__init__(widget)
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, _watched, event) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def spans_in(path: Path) -> list[tuple[int, int, str]]:
    conn = sqlite3.connect(path)
    try:
        return sorted(conn.execute('SELECT start, "end", label FROM spans').fetchall())
    finally:
        conn.close()


@pytest.mark.parametrize("long", [False, True], ids=["rich view", "long view"])
def test_an_edit_paints_its_tag_in_the_viewport_and_not_the_overlay_widget(
    qtbot, tmp_path, long
) -> None:
    path = article(tmp_path, long)
    window = make_window(qtbot, path)
    try:
        view = window.article.text
        assert (view is window.article.long_text) == long
        ov = overlay(window)
        port = view.viewport()
        QApplication.processEvents()
        # the widget over the view keeps the margins only: nothing of it is over the text
        assert ov.mask().intersected(QRegion(port.geometry())).isEmpty()
        assert not ov.mask().isEmpty()
        text = window.state.document.text
        start = text.index("Mongi Hamdi", text.index("Mongi Hamdi") + 1)  # mid-page
        reveal(window, start)
        drag_select(window, start, start + len("Mongi Hamdi"))
        QApplication.processEvents()
        paints, viewport_paints = Paints(ov), Paints(port)
        QTest.keyClick(view, Qt.Key.Key_3)  # actor
        QApplication.processEvents()
        assert (start, start + len("Mongi Hamdi"), "actor") in spans_in(path)
        assert viewport_paints.count >= 1 and paints.count == 0
        (tag,) = [t for t in ov.scene().tags if t.span.start == start]
        assert tag.text == "actor"
        # taken away again (undo): the viewport repaints, the widget still does not
        QTest.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        QApplication.processEvents()
        assert (start, start + len("Mongi Hamdi"), "actor") not in spans_in(path)
        assert paints.count == 0
        assert all(t.span.start != start for t in ov.scene().tags)
        QTest.keyClick(view, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)  # redo
        QApplication.processEvents()
        assert (start, start + len("Mongi Hamdi"), "actor") in spans_in(path)
        assert paints.count == 0
        (tag,) = [t for t in ov.scene().tags if t.span.start == start]
        image = view.grab().toImage()  # the view as on screen: its tag is painted
        page = QColor(image.pixelColor(2, image.height() - 2))
        assert ink_near(image, tag.rect.center(), page)
    finally:
        window.close()


def test_every_arc_is_painted_whole_on_the_text_and_in_the_margins(
    qtbot, linked  # noqa: F811 (the fixture, from test_gui_links_drawn)
) -> None:
    path, spans, links = linked
    window = make_window(qtbot, path)
    try:
        view = window.article.text
        port = view.viewport().geometry()
        in_margins = 0
        for link in links:
            quote = spans[link.source]
            show(window, quote)
            window.state.select(quote.id)
            QApplication.processEvents()
            image = view.grab().toImage()
            page = QColor(image.pixelColor(2, image.height() - 2))
            scene = overlay(window).scene()
            boxes = [arc.chip for arc in scene.arcs if arc.chip is not None]
            boxes += [tag.rect for tag in scene.tags]
            for arc in scene.arcs:
                for a, b in zip(arc.points, arc.points[1:], strict=False):
                    for t in (0.25, 0.5, 0.75):
                        point = QPointF(a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)
                        if any(box.adjusted(-3, -3, 3, 3).contains(point) for box in boxes):
                            continue
                        if not image.rect().adjusted(3, 3, -3, -3).contains(point.toPoint()):
                            continue  # (a leg to a span above the page starts above it)
                        assert ink_near(image, point, page), (arc.text, point)
                        in_margins += not port.contains(point.toPoint())
        assert in_margins  # lanes in the right margin were looked at too
    finally:
        window.close()
