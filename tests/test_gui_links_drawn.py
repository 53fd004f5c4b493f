"""Links drawn in the text and label tags (issue 15, points 1 and 2), on the sample article
marked and linked as an annotator would (links_sample.py): every link has its arc and every
span its tag, drawn where the geometry says; an arc clicked picks its link, which Delete
deletes and Ctrl+T retypes in the database; the View settings change what is drawn and are
remembered; Ctrl+J follows a link whose other end is off the screen."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator import settings
from annotator.core.editing import make_relation, make_span
from annotator.core.link_rules import LinkRule
from annotator.core.model import DocumentMeta, IncomingDocument
from annotator.gui.annotate.article_view import LONG_ARTICLE
from annotator.gui.annotate.window import MainWindow
from annotator.store import Store
from gui_helpers import shown_window
from links_sample import LINKS, annotate_sample


def db_links(path: Path) -> list[tuple[str, str, str, str]]:
    conn = sqlite3.connect(path)
    try:
        return sorted(conn.execute("SELECT id, label, source, target FROM relations").fetchall())
    finally:
        conn.close()


def make_window(qtbot, path: Path, *, height: int = 860) -> MainWindow:
    return shown_window(qtbot, path, annotator="tester", size=(1320, height))


@pytest.fixture
def linked(seed_db: Path):
    with Store.open(seed_db) as store:
        spans, links = annotate_sample(store)
    return seed_db, {s.id: s for s in spans}, links


@pytest.fixture
def window(qtbot, linked) -> MainWindow:
    w = make_window(qtbot, linked[0])
    yield w
    w.close()


def overlay(window: MainWindow):
    return window.article.text.overlay


def show(window: MainWindow, span) -> None:
    window.article.show_span(span)
    QApplication.processEvents()


def arc_of(window: MainWindow, rel_id: str):
    return next((a for a in overlay(window).scene().arcs if a.relation.id == rel_id), None)


def spot_on(window: MainWindow, arc) -> QPointF:
    """A point on the arc's line (off every chip) where a click finds this arc."""
    for a, b in zip(arc.points, arc.points[1:], strict=False):
        for step in range(1, 10):
            t = step / 10
            point = QPointF(a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)
            chips = [x.chip for x in overlay(window).scene().arcs if x.chip is not None]
            tags = [tag.rect for tag in overlay(window).scene().tags]
            if any(r.adjusted(-2, -2, 2, 2).contains(point) for r in chips + tags):
                continue
            if overlay(window).arc_at(point) == arc.relation.id:
                return point
    raise AssertionError(f"no free spot on the arc of {arc.text}")


def click_overlay(window: MainWindow, point: QPointF) -> None:
    """Click where ``point`` (overlay coordinates) is: on the text's viewport, or on the
    view's margin around it."""
    view = window.article.text
    port = view.viewport()
    inside = point - QPointF(port.geometry().topLeft())
    if port.rect().contains(inside.toPoint()):
        QTest.mouseClick(port, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         inside.toPoint())
    else:
        QTest.mouseClick(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         point.toPoint())


def ink_near(image, point: QPointF, page: QColor) -> bool:
    """Some pixel within 2 px of ``point`` is clearly not the page."""
    for dx in range(-2, 3):
        for dy in range(-2, 3):
            pixel = image.pixelColor(round(point.x()) + dx, round(point.y()) + dy)
            if sum(abs(a - b) for a, b in zip(pixel.getRgb()[:3], page.getRgb()[:3],
                                               strict=True)) > 90:
                return True
    return False


def test_every_link_has_its_arc_from_source_tag_to_target_tag(window, linked) -> None:
    _path, spans, links = linked
    assert len(links) == len(LINKS) == 9
    for link in links:
        show(window, spans[link.source])
        arc = arc_of(window, link.id)
        assert arc is not None, f"no arc for {link.label} from {spans[link.source].text!r}"
        tags = {t.span.id: t for t in overlay(window).scene().tags}
        if arc.partner is None:  # both ends shown: it runs from one tag to the other
            assert arc.text == link.label
            for end, point in ((link.source, arc.points[0]), (link.target, arc.points[-1])):
                rect = tags[end].rect
                assert rect.left() <= point[0] <= rect.right()
                assert abs(point[1] - rect.top()) <= 3
            assert arc.arrow  # the arrow at the actor
        else:
            assert arc.text.startswith(link.label) and arc.partner in ("up", "down")


def test_arcs_and_tags_are_painted_where_the_geometry_says(window, linked) -> None:
    _path, spans, links = linked
    link = next(r for r in links if spans[r.source].text.startswith('"It\'s a blatant'))
    show(window, spans[link.target])
    view = window.article.text
    window.drawn_links.set_mode("none")
    window.drawn_links.set_tags(False)
    QApplication.processEvents()
    plain = view.grab().toImage()
    window.drawn_links.set_mode("all")
    window.drawn_links.set_tags(True)
    show(window, spans[link.target])
    arc = arc_of(window, link.id)
    drawn = view.grab().toImage()
    page = QColor(drawn.pixelColor(2, drawn.height() - 2))
    point = spot_on(window, arc)
    assert ink_near(drawn, point, page) and not ink_near(plain, point, page)
    tag = next(t for t in overlay(window).scene().tags if t.span.id == link.target)
    assert tag.text == "actor"
    assert ink_near(drawn, tag.rect.center(), page)


def test_nested_spans_each_keep_a_tag_and_a_note_is_marked(window, linked, monkeypatch) -> None:
    from annotator.gui.annotate import note_dialog

    monkeypatch.setattr(note_dialog, "ask_note", lambda *_a, **_k: ("is he the speaker?", True))
    _path, spans, _links = linked
    outer = next(s for s in spans.values() if s.text == "President (Barack) Obama")
    inner = next(s for s in spans.values() if s.text == "Obama")
    quote = next(s for s in spans.values() if s.text.startswith('"This concept'))
    show(window, inner)
    tags = {t.span.id: t for t in overlay(window).scene().tags}
    assert {outer.id, inner.id, quote.id} <= set(tags)
    rects = [tags[outer.id].rect, tags[inner.id].rect, tags[quote.id].rect]
    for i, a in enumerate(rects):  # each readable: no tag over another
        assert all(not a.intersects(b) for b in rects[i + 1:])
    assert not tags[inner.id].note
    window.state.select(inner.id)
    QTest.keyClick(window.article.text, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.state.spans.get(inner.id).note == "is he the speaker?"
    assert next(t for t in overlay(window).scene().tags if t.span.id == inner.id).note


def test_click_on_an_arc_picks_the_link_and_delete_removes_exactly_it(window, linked) -> None:
    path, spans, links = linked
    link = next(r for r in links if spans[r.source].text.startswith('"This concept'))
    show(window, spans[link.source])
    before = db_links(path)
    click_overlay(window, spot_on(window, arc_of(window, link.id)))
    assert overlay(window).selected_link == link.id
    assert window.drawn_links.selected == link.id
    assert "Delete deletes it" in window.statusBar().currentMessage()
    QTest.keyClick(window.article.text, Qt.Key.Key_Delete)
    after = db_links(path)
    assert after == [row for row in before if row[0] != link.id]
    assert len(after) == len(before) - 1
    assert [s for s in spans if s in window.state.spans] == list(spans)  # no span deleted
    assert arc_of(window, link.id) is None and overlay(window).selected_link is None
    QTest.keyClick(window.article.text, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert db_links(path) == before  # one undo brings it back
    assert arc_of(window, link.id) is not None


def test_ctrl_t_on_a_picked_arc_retypes_it_and_twice_brings_it_back(window, linked) -> None:
    path, spans, links = linked
    with Store.open(path) as store:  # a quote may be claimed_by too: two types fit its link
        store.save_scheme(store.labels(None), renames={}, deletes=[],
                          rules=[LinkRule("claimed_by", ("claim", "quote"), ("actor",))])
    window.state.labels_changed.emit()
    link = next(r for r in links if spans[r.source].text.startswith('"practical'))
    show(window, spans[link.source])
    others = [row for row in db_links(path) if row[0] != link.id]
    click_overlay(window, spot_on(window, arc_of(window, link.id)))
    QTest.keyClick(window.article.text, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    # retyped in place: the same link (its id), the other type, no other link touched
    assert [row for row in db_links(path) if row[0] == link.id][0][1:] == (
        "claimed_by", link.source, link.target)
    assert [row for row in db_links(path) if row[0] != link.id] == others
    assert window.drawn_links.selected == link.id  # the retyped link stays picked
    assert arc_of(window, link.id).text == "claimed_by"
    QTest.keyClick(window.article.text, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert [row for row in db_links(path) if row[0] == link.id][0][1:] == (
        "said_by", link.source, link.target)
    assert [row for row in db_links(path) if row[0] != link.id] == others


def test_escape_and_a_click_on_the_text_let_the_link_go(window, linked) -> None:
    _path, spans, links = linked
    link = links[0]
    show(window, spans[link.source])
    click_overlay(window, spot_on(window, arc_of(window, link.id)))
    assert window.drawn_links.selected == link.id
    QTest.keyClick(window.article.text, Qt.Key.Key_Escape)
    assert window.drawn_links.selected is None and overlay(window).selected_link is None
    click_overlay(window, spot_on(window, arc_of(window, link.id)))
    tag = next(t for t in overlay(window).scene().tags if t.span.id == link.source)
    port = window.article.text.viewport()
    below = tag.rect.bottomLeft() + QPointF(3, 8) - QPointF(port.geometry().topLeft())
    QTest.mouseClick(port, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     below.toPoint())
    assert window.drawn_links.selected is None
    assert window.state.selected == link.source  # the click went to the text below the tag


def test_view_settings_change_what_is_drawn_and_are_remembered(qtbot, window, linked) -> None:
    path, spans, links = linked
    quote = next(s for s in spans.values() if s.text.startswith('"It\'s a blatant'))
    show(window, quote)
    view = window.article.text
    text_before = view.document().toPlainText()
    assert overlay(window).scene().arcs and overlay(window).scene().tags
    window.state.select(quote.id)
    QTest.keyClick(view, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)  # selected span's
    assert window.menus.links_actions["selected"].isChecked()
    drawn = {a.relation.id for a in overlay(window).scene().arcs}
    assert drawn == {r.id for r in links if quote.id in (r.source, r.target)}
    QTest.keyClick(view, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)  # none
    assert overlay(window).scene().arcs == [] and overlay(window).scene().tags
    QTest.keyClick(view, Qt.Key.Key_K, Qt.KeyboardModifier.ShiftModifier
                   | Qt.KeyboardModifier.ControlModifier)  # tags off: a clean page
    assert overlay(window).scene().tags == [] and not window.menus.tags_action.isChecked()
    assert overlay(window).room() == 0
    assert settings.load()["links_shown"] == "none" and settings.load()["label_tags"] is False
    # the room for tags came and went as line height: not one character more or less
    assert view.document().toPlainText() == text_before == window.state.positions.display_text()
    window.close()
    again = make_window(qtbot, path)
    assert again.menus.links_actions["none"].isChecked()
    assert not again.menus.tags_action.isChecked()
    assert overlay(again).scene().arcs == [] and overlay(again).scene().tags == []
    again.menus.links_actions["all"].trigger()
    again.menus.tags_action.trigger()
    show(again, quote)
    assert overlay(again).scene().arcs and overlay(again).scene().tags
    assert settings.load()["links_shown"] == "all" and settings.load()["label_tags"] is True
    again.close()


def test_an_arc_to_a_span_off_screen_says_where_and_ctrl_j_follows_it(qtbot, linked) -> None:
    path, spans, links = linked
    window = make_window(qtbot, path, height=420)
    link = next(r for r in links if spans[r.source].text.startswith('"It\'s a blatant'))
    quote, actor = spans[link.source], spans[link.target]
    view = window.article.text
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
    show(window, quote)
    window.state.select(quote.id)
    QApplication.processEvents()
    high = overlay(window).height()  # the text and the room above its first line
    for drawn in overlay(window).scene().arcs:  # each shows something of itself
        ys = [y for _x, y in drawn.points]
        assert any(0 <= y <= high for y in ys) or (min(ys) < 0 and max(ys) > high), drawn.text
    # the top of the page on the quote's last line: its start and Lavrov are above
    cursor = view.textCursor()
    cursor.setPosition(window.state.positions.to_qt(quote.end - 1))
    bar = view.verticalScrollBar()
    bar.setValue(bar.value() + view.cursorRect(cursor).top() - 2)
    QApplication.processEvents()
    assert view.cursorForPosition(view.viewport().rect().topLeft()).position() > (
        window.state.positions.to_qt(quote.start))
    assert arc_of(window, link.id) is None  # nothing of it would show
    show(window, quote)
    arc = arc_of(window, link.id)
    assert arc.partner == "up" and arc.text == f"said_by ↑ {actor.text}"
    assert arc.points[-1][1] <= view.viewport().geometry().top()  # runs to the page's edge
    assert actor.id not in {t.span.id for t in overlay(window).scene().tags}
    QTest.keyClick(view, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    assert window.state.selected == actor.id
    assert window.drawn_links.selected == link.id
    assert actor.id in {t.span.id for t in overlay(window).scene().tags}  # now on screen
    QTest.keyClick(view, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)  # and back
    assert window.state.selected == quote.id
    assert quote.id in {t.span.id for t in overlay(window).scene().tags}
    window.close()


LONG_PARA = ('Lavrov said: "We will not." The minister — who spoke 😀 — left. ' * 3) + "\n\n"
LONG_TEXT = LONG_PARA * (LONG_ARTICLE // len(LONG_PARA) + 50)  # (a long article)


def long_linked(path: Path, starts) -> tuple:
    """A database holding LONG_TEXT with, at each of ``starts``, an actor ("Lavrov") and
    the quote after it, linked said_by: the document and the links."""
    with Store.open(path) as store:
        store.import_documents([IncomingDocument(LONG_TEXT, "long", DocumentMeta(title="Long"),
                                                 "t")], annotator="gen")
        doc = store.document(store.documents()[0].id)
        labels = {label.name for label in store.labels("span")}
        kinds = [label.name for label in store.labels("relation")]
        links = []
        for i in starts:
            actor = make_span(doc, i, i + 6, "actor", "t", known_labels=labels, existing=[])
            quote = make_span(doc, i + 13, i + 27, "quote", "t", known_labels=labels,
                              existing=[])
            store.add_span(actor)
            store.add_span(quote)
            link = make_relation(quote, actor, "t", relation_labels=kinds, existing=[])
            store.add_relation(link)
            links.append(link)
    return doc, links


def test_the_long_view_draws_tags_and_arcs_on_screen_only(qtbot, tmp_path) -> None:
    path = tmp_path / "long.db"
    _doc, links = long_linked(path, range(0, len(LONG_TEXT) - len(LONG_PARA),
                                          len(LONG_PARA) * 40))
    window = make_window(qtbot, path)
    assert window.article.text is window.article.long_text
    shown = overlay(window).scene()
    assert [a.relation.id for a in shown.arcs] == [links[0].id]  # only what is on screen
    assert {t.text for t in shown.tags} == {"actor", "quote"}
    far = links[len(links) // 2]
    window.article.show_span(window.state.spans.get(far.source))
    QApplication.processEvents()
    assert [a.relation.id for a in overlay(window).scene().arcs] == [far.id]
    click_overlay(window, spot_on(window, arc_of(window, far.id)))
    assert window.drawn_links.selected == far.id
    QTest.keyClick(window.article.text, Qt.Key.Key_Delete)
    assert far.id not in {row[0] for row in db_links(path)}
    assert len(db_links(path)) == len(links) - 1
    window.close()


def test_a_span_marked_by_keyboard_gets_its_tag_on_screen(window, linked) -> None:
    from gui_helpers import drag_select

    _path, spans, _links = linked
    text = window.state.document.text
    start = text.index("Tunisian")
    drag_select(window, start, start + len("Tunisian"))
    QTest.keyClick(window.article.text, Qt.Key.Key_3)  # actor
    QApplication.processEvents()
    new = next(s for s in window.state.spans if s.text == "Tunisian")
    tag = next(t for t in overlay(window).scene().tags if t.span.id == new.id)
    drawn = window.article.text.grab().toImage()
    page = QColor(drawn.pixelColor(2, drawn.height() - 2))
    assert tag.text == "actor" and ink_near(drawn, tag.rect.center(), page)
