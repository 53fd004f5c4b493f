"""Driving the real window the way a user does: mouse drags, clicks and key presses."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QImage, QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator.gui.annotate.window import MainWindow
from annotator.store import Store


def shown_window(qtbot, path: Path, *, annotator: str = "alice",
                 size: tuple[int, int] | None = None) -> MainWindow:
    """The window on the database at ``path``, shown (at ``size``, if given) and active,
    as a user finds it: keys go to it."""
    window = MainWindow(store=Store.open(path), annotator=annotator)
    qtbot.addWidget(window)
    if size is not None:
        window.resize(*size)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def point_at(window: MainWindow, offset: int, *, after: bool = False) -> QPoint:
    """Viewport point just inside the boundary before code point ``offset``: on the
    character after it, or (``after=True``) on the character before it, on that
    character's own line, so that a line wrap at the boundary does not move the point."""
    view = window.article.text
    positions = window.state.positions
    cursor = QTextCursor(view.document())
    if not after or offset == 0:
        cursor.setPosition(positions.to_qt(offset))
        rect = view.cursorRect(cursor)
        return QPoint(rect.x() + 1, rect.center().y())
    cursor.setPosition(positions.to_qt(offset - 1))
    rect = view.cursorRect(cursor)
    char = window.state.document.text[offset - 1]
    width = view.fontMetrics().horizontalAdvance(char) if char != "\n" else 2
    return QPoint(rect.x() + max(1, width - 1), rect.center().y())


def reveal(window: MainWindow, offset: int) -> None:
    view = window.article.text
    cursor = view.textCursor()
    cursor.setPosition(window.state.positions.to_qt(offset))
    view.setTextCursor(cursor)
    view.ensureCursorVisible()
    QApplication.processEvents()


def drag_select(window: MainWindow, start: int, end: int) -> None:
    """Select [start, end) of the stored text with a mouse drag."""
    viewport = window.article.text.viewport()
    reveal(window, start)
    a = point_at(window, start)
    b = point_at(window, end, after=True)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    QTest.mouseMove(viewport, b)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)


def click(window: MainWindow, offset: int) -> None:
    viewport = window.article.text.viewport()
    reveal(window, offset)
    QTest.mouseClick(
        viewport,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        point_at(window, offset),
    )


def key_select(window: MainWindow, start: int, length: int) -> None:
    """Put the caret at ``start`` with a click, then extend with Shift+Right."""
    view = window.article.text
    reveal(window, start)
    QTest.mouseClick(
        view.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        point_at(window, start),
    )
    for _ in range(length):
        QTest.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)


def click_at_x_fraction(window: MainWindow, offset: int, fraction: float) -> None:
    """Click inside the character at ``offset``, ``fraction`` of the way across it."""
    viewport = window.article.text.viewport()
    reveal(window, offset)
    a, b = point_at(window, offset), point_at(window, offset + 1, after=True)
    x = a.x() + round((b.x() - a.x()) * fraction)
    QTest.mouseClick(
        viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, QPoint(x, a.y())
    )


def press(window: MainWindow, key: Qt.Key) -> None:
    QTest.keyClick(window.article.text, key)


def selected_range(window: MainWindow) -> tuple[int, int] | None:
    return window.article.selection_range()


def box(window: MainWindow, start: int, end: int) -> QRect:
    """Where ``[start, end)`` (on one line) is drawn, in viewport coordinates."""
    view, to_qt = window.article.text, window.state.positions.to_qt
    a, b = QTextCursor(view.document()), QTextCursor(view.document())
    a.setPosition(to_qt(start))
    b.setPosition(to_qt(end))
    left, right = view.cursorRect(a), view.cursorRect(b)
    assert left.top() == right.top(), "on one line"
    return QRect(left.x() + 1, left.top(), right.x() - left.x() - 2, left.height())


def dominant(image: QImage, rect: QRect) -> str:
    """The colour most of ``rect`` is painted in: the background, not the ink."""
    found = Counter(image.pixelColor(x, y).name()
                    for x in range(rect.left(), rect.right())
                    for y in range(rect.top() + 3, rect.bottom() - 3))
    return found.most_common(1)[0][0]


def mark(window: MainWindow, needle: str, key: Qt.Key) -> None:
    """Drag over the first ``needle`` of the article and press a label's ``key``."""
    start = window.state.document.text.index(needle)
    drag_select(window, start, start + len(needle))
    QTest.keyClick(window.article.text, key)
    QApplication.processEvents()


def link_quote_to_actor(window: MainWindow):
    """Link the article's one quote to its one actor (select the quote, start linking,
    pick the actor) and return them, the link checked in the window's state."""
    quote = next(s for s in window.state.spans if s.label == "quote")
    actor = next(s for s in window.state.spans if s.label == "actor")
    window.state.select(quote.id)
    window.annotating.start_linking()
    window.annotating.link_to(actor)
    QApplication.processEvents()
    assert [(r.source, r.target) for r in window.state.relations] == [(quote.id, actor.id)]
    return quote, actor


def on_screen(widget) -> QImage:
    """The pixels the screen holds for ``widget`` (as they were painted, bit by bit: a
    ``grab()`` would paint the widget afresh and hide a stale stretch)."""
    window = widget.window()
    top = widget.mapTo(window, widget.rect().topLeft())
    return window.screen().grabWindow(window.winId()).toImage().copy(
        top.x(), top.y(), widget.width(), widget.height())
