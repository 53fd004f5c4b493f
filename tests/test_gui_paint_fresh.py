"""What the text views paint after each thing a user does is what a page drawn afresh
paints: the overlay keeps its scene, its paint plan (with a pool of boxes), each tag's
picture, and the suggestion marks their page; none may outlive what it was made from."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator.core.suggestions import SuggestedLink, SuggestedSpan, Suggestions
from annotator.gui import theme
from annotator.store import Store
from test_gui_links_drawn import (
    LONG_PARA,
    arc_of,
    click_overlay,
    linked,
    long_linked,
    make_window,
    overlay,
    spot_on,
)

_ = linked  # (a fixture)


def _fresh(window) -> None:
    ov = overlay(window)
    ov.forget_layout()
    ov._plan = None
    ov._sprites.clear()
    for marks in window.suggesting.marks:
        marks._version += 1
        marks._outlines.clear()
    for view in (window.article.text, window.article.long_text):
        view.edge_handles._kept = None  # the grips, and the selected span's frame
        frame = getattr(view, "span_frame", None)
        if frame is not None:
            frame._kept = None


def _same_as_fresh(window, what: str) -> None:
    QApplication.processEvents()
    view = window.article.text
    shown = view.grab().toImage()
    _fresh(window)
    assert shown == view.grab().toImage(), what


def _recolor(window, names, color: str) -> None:
    """Give labels ``names`` another colour in the scheme, as the scheme editor does."""
    labels = window.store.labels(None)
    with Store.open(window.store.path) as store:
        store.save_scheme([replace(label, color=color) if label.name in names else label
                           for label in labels], renames={}, deletes=[])
    window.reload_labels()


def _walk(qtbot, window, monkeypatch, link_id: str, span_id: str) -> None:
    view = window.article.text
    _same_as_fresh(window, "opened")
    click_overlay(window, spot_on(window, arc_of(window, link_id)))
    assert window.drawn_links.selected == link_id
    _same_as_fresh(window, "a link picked")
    window.state.select(span_id)
    _same_as_fresh(window, "a span selected")
    QTest.keyClick(view, Qt.Key.Key_Escape)
    _same_as_fresh(window, "escape")
    _recolor(window, ("actor", "said_by"), "#11aa33")
    _same_as_fresh(window, "label colours changed")
    # colours changed again and, before any paint, a span added on screen (a team pull
    # brings both in one go): the page is drawn in the new colours, not the kept ones
    _recolor(window, ("actor", "quote"), "#aa3311")
    first = view.cursorForPosition(view.viewport().rect().center()).position()
    start = window.state.positions.from_qt(first)
    cursor = view.textCursor()
    cursor.setPosition(window.state.positions.to_qt(start))
    cursor.setPosition(window.state.positions.to_qt(start + 3), cursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    window.annotating.apply_label("claim")
    _same_as_fresh(window, "label colours changed, then a span added before a paint")
    window.undo_stack.undo()
    _same_as_fresh(window, "that span taken back")
    monkeypatch.setenv("ANNOTATOR_THEME", "dark")
    window._on_color_scheme_changed()
    assert theme.is_dark()
    _same_as_fresh(window, "dark theme")
    window.resize(1100, 700)
    _same_as_fresh(window, "resized")
    size = view.font().pointSizeF()
    QTest.keyClick(view, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert view.font().pointSizeF() > size
    _same_as_fresh(window, "zoomed in")
    QTest.keyClick(view, Qt.Key.Key_K, Qt.KeyboardModifier.ShiftModifier
                   | Qt.KeyboardModifier.ControlModifier)
    _same_as_fresh(window, "tags off")
    QTest.keyClick(view, Qt.Key.Key_K, Qt.KeyboardModifier.ShiftModifier
                   | Qt.KeyboardModifier.ControlModifier)
    _same_as_fresh(window, "tags on")
    monkeypatch.setenv("ANNOTATOR_THEME", "light")
    window._on_color_scheme_changed()
    _same_as_fresh(window, "light theme")
    window.article.show_span(window.state.spans.get(span_id))
    _same_as_fresh(window, "shown")
    click_overlay(window, spot_on(window, arc_of(window, link_id)))
    QTest.keyClick(view, Qt.Key.Key_Delete)
    _same_as_fresh(window, "link deleted")
    window.undo_stack.undo()
    _same_as_fresh(window, "link back")
    view.verticalScrollBar().setValue(view.verticalScrollBar().value() + 37)
    _same_as_fresh(window, "scrolled")


def test_the_short_view_paints_as_afresh(qtbot, linked, monkeypatch) -> None:
    path, spans, links = linked
    with Store.open(path) as store:  # the suggestion marks too
        (doc,) = store.document_ids()
        text = store.document(doc).text
        far = text.index("Lavrov", text.index("It's a blatant") - 300)
        store.replace_suggestions(doc, Suggestions("rules", spans=[
            SuggestedSpan("a", far, far + 6, "actor", 0.7, "a name"),
            SuggestedSpan("c", far - 40, far - 10, "claim", 0.7, "a claim")],
            links=[SuggestedLink("claimed_by", "c", "a", 0.6, "near")]))
    window = make_window(qtbot, path)
    assert window.suggesting.pending
    link = next(r for r in links if spans[r.source].text.startswith('"It\'s a blatant'))
    window.article.show_span(spans[link.source])
    QApplication.processEvents()
    (marks,) = [m for m in window.suggesting.marks if m.view is window.article.text]
    assert marks.shown()[0] and marks.shown()[1]  # on the page
    _walk(qtbot, window, monkeypatch, link.id, link.target)
    window.close()


def test_the_long_view_paints_as_afresh(qtbot, tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "long.db"
    doc, links = long_linked(path, range(0, len(LONG_PARA) * 6, len(LONG_PARA)))
    with Store.open(path) as store:
        at = len(LONG_PARA) + 40  # a suggested actor and its claim, by the second link
        store.replace_suggestions(doc.id, Suggestions("rules", spans=[
            SuggestedSpan("a", at, at + 8, "actor", 0.7, "a name"),
            SuggestedSpan("c", at + 20, at + 40, "claim", 0.7, "a claim")],
            links=[SuggestedLink("claimed_by", "c", "a", 0.6, "near")]))
    window = make_window(qtbot, path)
    assert window.article.text is window.article.long_text
    (marks,) = [m for m in window.suggesting.marks if m.view is window.article.text]
    qtbot.waitUntil(lambda: bool(marks.shown()[1]), timeout=20_000)  # read after a paint
    _walk(qtbot, window, monkeypatch, links[1].id, links[1].target)
    window.close()


@pytest.fixture(autouse=True)
def _light(monkeypatch):
    monkeypatch.setenv("ANNOTATOR_THEME", "light")
    yield
    monkeypatch.setenv("ANNOTATOR_THEME", "light")
    theme.apply(QApplication.instance())


def test_a_paint_plan_is_never_taken_for_another_scene(qtbot, linked) -> None:
    """The plan is kept for the scene it was made from: two scenes made between two paints
    (a click asks for the arc under it before the page is painted again) may leave the
    next scene where the first was in memory, with its id, which keyed the plan."""
    path, spans, links = linked
    window = make_window(qtbot, path)
    link = next(r for r in links if spans[r.source].text.startswith('"It\'s a blatant'))
    window.article.show_span(spans[link.source])
    _same_as_fresh(window, "shown")
    ov, view = overlay(window), window.article.text
    for _ in range(12):
        view.grab()  # painted: a plan for this scene
        window.state.remove_relation(link.id)
        ov.arc_at(QPointF(1, 1))  # a click before the paint: a scene without the link
        ov.changed()  # and another change: another scene at the paint
        assert arc_of(window, link.id) is None
        shown = view.grab().toImage()
        _fresh(window)
        assert shown == view.grab().toImage()  # not the link's arc of a plan made before
        window.state.add_relation(link)
    window.close()
