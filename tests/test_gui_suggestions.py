"""Issue 17, point 2, through the real window: suggestions outlined apart from spans, the
keys that walk through them and decide (. , A, R/X, Shift+A, a label key, Ctrl+Shift+H), every
decision one undo step, the database checked after each; a rejected suggestion stays gone
after reopening the window and after a new run of its suggester."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator.core.suggestions import SuggestedLink, SuggestedSpan, Suggestions
from annotator.gui.annotate.window import MainWindow
from annotator.store import Store
from gui_helpers import click
from test_attribution import load_gold

SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def run() -> Suggestions:
    """The gold's first said_by link and the spans at its ends, and every other actor of
    the gold, as one suggester's run."""
    _text, spans, links = load_gold()
    source, label, target = next(link for link in links if link[1] == "said_by")
    made = Suggestions("rules")
    for span in spans.values():
        if span.id in (source, target) or span.label == "actor":
            made.spans.append(SuggestedSpan(span.id, span.start, span.end, span.label, 0.8,
                                            f"test reason for {span.id}"))  # fmt: skip
    made.links.append(SuggestedLink(label, source, target, 0.7, "speaker after the quote"))
    return made


def rows(path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def open_window(qtbot, path: Path) -> MainWindow:
    w = MainWindow(store=Store.open(path), annotator="alice")
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.article.text.setFocus()
    return w


def key(k, mods=Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(QApplication.focusWidget(), k, mods)


@pytest.fixture
def suggested(seed_db: Path) -> Path:
    with Store.open(seed_db) as store:
        (doc,) = store.document_ids()
        store.replace_suggestions(doc, run())
    return seed_db


def spans(path: Path) -> list[tuple]:
    return rows(path, "SELECT start, end, label, annotator FROM spans ORDER BY start")


def pending(path: Path) -> int:
    return rows(path, "SELECT count(*) FROM suggestions")[0][0]


def test_keys_accept_reject_and_undo_with_the_database_in_step(qtbot, suggested: Path) -> None:
    w = open_window(qtbot, suggested)
    s = w.suggesting
    total = len(s.pending)
    assert total == pending(suggested) > 3
    assert "Suggestions left:" in s.count_label.text()
    assert all(m.places == [] or m.places for m in s.marks) and s.marks[0].places
    key(Qt.Key.Key_Period)
    first = s.current_suggestion()
    assert first is not None and first.is_span
    assert first.reason in w.statusBar().currentMessage()
    key(Qt.Key.Key_A)  # accept
    qtbot.waitUntil(lambda: len(spans(suggested)) == 1)
    (made,) = spans(suggested)
    assert made[:3] == (first.start, first.end, first.label) and made[3] == "alice"
    assert rows(suggested, "SELECT suggester FROM provenance") == [("rules",)]
    # the span's tooltip says where it came from
    from annotator.gui.annotate.reading import _tooltip

    tip = _tooltip(w.state.spans.at(first.start), w.state)
    assert f"suggested by rules (score 0.80): {first.reason}" in tip
    assert len(s.pending) == total - 1 and first.id not in {p.id for p in s.pending}
    assert w.state.spans.get(next(iter(w.state.spans)).id).start == first.start
    w.undo_stack.undo()
    qtbot.waitUntil(lambda: spans(suggested) == [])
    assert pending(suggested) == total and len(s.pending) == total
    assert rows(suggested, "SELECT count(*) FROM provenance") == [(0,)]
    w.undo_stack.redo()
    qtbot.waitUntil(lambda: len(spans(suggested)) == 1)
    # reject the (now) current one: gone from the database's pending, remembered
    rejected = s.current_suggestion()
    assert rejected is not None
    key(Qt.Key.Key_X)
    qtbot.waitUntil(lambda: rows(suggested, "SELECT count(*) FROM suggestion_rejections")[0][0] == 1)
    assert rejected.id not in {p.id for p in s.pending}
    w.undo_stack.undo()
    qtbot.waitUntil(lambda: rows(suggested, "SELECT count(*) FROM suggestion_rejections")[0][0] == 0)
    assert s.current == rejected.id
    key(Qt.Key.Key_R)  # R rejects too (as in the review window)
    qtbot.waitUntil(lambda: rows(suggested, "SELECT count(*) FROM suggestion_rejections")[0][0] == 1)
    w.close()
    # reopened, and after a new run: the rejected suggestion stays gone
    with Store.open(suggested) as store:
        (doc,) = store.document_ids()
        again = store.replace_suggestions(doc, run())
        assert again.rejected_before == 1
    w = open_window(qtbot, suggested)
    assert (rejected.start, rejected.end, rejected.label) not in {
        (p.start, p.end, p.label) for p in w.suggesting.pending}  # fmt: skip
    w.close()


def test_accept_as_another_label_accept_all_and_hide(qtbot, suggested: Path) -> None:
    w = open_window(qtbot, suggested)
    s = w.suggesting
    actors = [p for p in s.pending if p.label == "actor"]
    click(w, actors[0].start + 1)  # a click on its text makes it current, as the keys do
    assert s.current == actors[0].id
    key(Qt.Key.Key_1)  # the claim key: accept this actor suggestion as a claim
    qtbot.waitUntil(lambda: len(spans(suggested)) == 1)
    assert spans(suggested)[0][2] == "claim"
    # accept all the actors left, in one undo step
    s.go_to(next(p for p in s.pending if p.label == "actor"))
    before = w.undo_stack.count()
    key(Qt.Key.Key_A, SHIFT)
    left = len(actors) - 1
    qtbot.waitUntil(lambda: len(spans(suggested)) == 1 + left)
    assert w.undo_stack.count() == before + 1
    assert not [p for p in s.pending if p.label == "actor"]
    w.undo_stack.undo()
    qtbot.waitUntil(lambda: len(spans(suggested)) == 1)
    assert len([p for p in s.pending if p.label == "actor"]) == left
    # hide: nothing outlined, keys say why they do nothing; show again
    key(Qt.Key.Key_H, CTRL_SHIFT)
    assert s.hidden and all(not m.places for m in s.marks)
    key(Qt.Key.Key_A)
    assert "hidden" in w.statusBar().currentMessage()
    assert len(spans(suggested)) == 1
    key(Qt.Key.Key_H, CTRL_SHIFT)
    assert not s.hidden and s.marks[0].places
    w.close()


def test_accepting_the_link_accepts_the_quote_and_speaker_together(qtbot, suggested: Path) -> None:
    w = open_window(qtbot, suggested)
    s = w.suggesting
    link = next(p for p in s.pending if not p.is_span)
    s.go_to(link)
    assert "said_by" in w.statusBar().currentMessage()
    key(Qt.Key.Key_A)
    qtbot.waitUntil(lambda: len(rows(suggested, "SELECT * FROM relations")) == 1)
    assert sorted(label for _a, _b, label, _w in spans(suggested)) == ["actor", "quote"]
    assert len(w.state.relations) == 1 and len(w.state.spans) == 2
    w.undo_stack.undo()
    qtbot.waitUntil(lambda: spans(suggested) == [])
    assert rows(suggested, "SELECT count(*) FROM relations") == [(0,)]
    assert len(w.state.spans) == 0
    w.close()


def test_on_a_long_article_the_outline_sits_on_the_suggested_text(qtbot, tmp_path: Path) -> None:
    """The plain (long-article) view: past emoji and combining marks (UTF-16 positions), the
    outline of the suggestion the keys went to is drawn around its glyphs, and accepting
    it makes an exact span."""
    from annotator.gui.annotate.span_frame import line_rects
    from test_gui_long import LONG_ARTICLE, glyph_box, normalize_newlines, window_on

    para = "The minister 😀 said “we will not” — 👩‍👩‍👧 Лавров e\u0301te\u0301 talks.\r\n\r\n"
    text, _ = normalize_newlines(para * (LONG_ARTICLE // len(para) + 400))
    at = text.rindex("Лавров")
    path = tmp_path / "long.db"
    window = window_on(qtbot, path, text, [])
    with Store.open(path) as store:
        (doc,) = store.document_ids()
        store.replace_suggestions(doc, Suggestions("rules", spans=[
            SuggestedSpan("l", at, at + 6, "actor", 0.9, "a name")]))  # fmt: skip
    window.close()
    window = open_window(qtbot, path)
    assert window.article.text is window.article.long_text
    # a long article's suggestions are read in the background when it opens
    qtbot.waitUntil(lambda: len(window.suggesting.pending) == 1, timeout=20_000)
    key(Qt.Key.Key_Period)
    view = window.article.text
    a, b = window.state.positions.range_to_qt(at, at + 6)
    box = glyph_box(window, at)  # (shows the place, as the key did)
    rects = line_rects(view, a, b, 0)
    # (the test's narrow view may wrap the word: its first piece holds the first glyph)
    assert rects and abs(rects[0].left() - box.left()) < 2
    assert rects[0].top() <= box.center().y() <= rects[0].bottom()
    (marks,) = [m for m in window.suggesting.marks if m.view is view]
    assert marks.places == [(a, b, marks.places[0][2], True)] and marks.provider is not None
    key(Qt.Key.Key_A)
    qtbot.waitUntil(lambda: spans(path) == [(at, at + 6, "actor", "alice")])
    assert rows(path, "SELECT text FROM spans") == [("Лавров",)]
    window.close()
