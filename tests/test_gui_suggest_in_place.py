"""Issue 17, point 2, on a long article: a decision (A, R, a label key, undo, redo) changes
the suggestions in memory in place instead of reading the article's tens of thousands
again; what the window holds stays exactly what reading them afresh gives, in the same
order, and the database is in step. Accept-all is one undo step."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotator import suggest_runs
from annotator.core.suggestion_index import PendingSuggestions
from annotator.store import Store
from annotator.store.suggestion_pending import Pending
from test_gui_suggestions import SHIFT, key, open_window, rows

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture(params=["one by one", "in bulk"], autouse=True)
def bulk(request, monkeypatch) -> None:
    """Each test both ways a change is made in memory: one list insert or delete each, or
    (past PendingSuggestions.BULK, an accept-all of a long article) all built again."""
    if request.param == "in bulk":
        monkeypatch.setattr(PendingSuggestions, "BULK", 1)


@pytest.fixture
def suggested(seed_db: Path) -> Path:
    with Store.open(seed_db) as store:
        (doc,) = store.document_ids()
        suggest_runs.suggest_article(store, doc)
    return seed_db


def fresh(w) -> list[tuple]:
    """The article's pending suggestions read again, ordered as the keys walk them."""
    doc = w.state.document.id
    read = PendingSuggestions(w.store.suggestions(doc, "alice"), w.suggesting._span_at)
    return [(s.id, s.source, s.target) for s in read.order]


def held(w) -> list[tuple]:
    return [(s.id, s.source, s.target) for s in w.suggesting.pending]


def test_decisions_change_what_is_held_in_place_and_stay_exact(qtbot, suggested: Path,
                                                               monkeypatch) -> None:  # fmt: skip
    w = open_window(qtbot, suggested)
    s = w.suggesting
    assert len(s.pending) > 20 and any(not p.is_span for p in s.pending)
    reads = []
    monkeypatch.setattr(Pending, "_read_all", lambda self: reads.append(self.document))
    real = Store.suggestions
    monkeypatch.setattr(Store, "suggestions", lambda *a, **k: reads.append(a) or real(*a, **k))
    start = held(w)
    steps = 0
    # a quote with its speaker link: accepting the link accepts its ends too
    link = next(p for p in s.pending if not p.is_span and p.label == "said_by")
    s.go_to(link)
    for k, mods in [(Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier),
                    (Qt.Key.Key_Period, Qt.KeyboardModifier.NoModifier),
                    (Qt.Key.Key_R, Qt.KeyboardModifier.NoModifier),
                    (Qt.Key.Key_Period, Qt.KeyboardModifier.NoModifier),
                    (Qt.Key.Key_X, Qt.KeyboardModifier.NoModifier),
                    (Qt.Key.Key_Comma, Qt.KeyboardModifier.NoModifier),
                    (Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier)]:  # fmt: skip
        key(k, mods)
        steps += k in (Qt.Key.Key_A, Qt.Key.Key_R, Qt.Key.Key_X)
        assert reads == []  # the decision did not read the article's suggestions whole
        assert held(w) == fresh(w)
        reads.clear()  # (fresh() reads them)  # no decision read the article's suggestions whole
    assert rows(suggested, "SELECT count(*) FROM suggestion_rejections")[0][0] == 2
    provenance = rows(suggested, "SELECT count(*) FROM provenance")[0][0]
    assert provenance >= 3  # the link, its quote and its speaker at least
    assert set(w.state.provenance) == {r[0] for r in rows(suggested, "SELECT item FROM provenance")}
    for _ in range(steps):  # undo brings each back, exactly where it was
        key(Qt.Key.Key_Z, CTRL)
        assert held(w) == fresh(w)
    assert held(w) == start
    assert rows(suggested, "SELECT count(*) FROM provenance UNION ALL SELECT count(*) FROM "
                           "suggestion_rejections UNION ALL SELECT count(*) FROM spans") == [
        (0,), (0,), (0,)]  # fmt: skip
    w.undo_stack.redo()
    assert held(w) == fresh(w) and len(held(w)) < len(start)
    w.close()


def test_accept_all_of_a_kind_is_one_step_and_exact(qtbot, suggested: Path) -> None:
    w = open_window(qtbot, suggested)
    s = w.suggesting
    start = held(w)
    actor = next(p for p in s.pending if p.is_span and p.label == "actor")
    s.go_to(actor)
    n = s.view.counts["actor"]
    key(Qt.Key.Key_A, SHIFT)
    assert "actor" not in s.view.counts and held(w) == fresh(w)
    assert rows(suggested, "SELECT count(*) FROM spans WHERE label = 'actor'")[0][0] <= n
    assert rows(suggested, "SELECT count(*) FROM spans WHERE label = 'actor'")[0][0] > 0
    key(Qt.Key.Key_Z, CTRL)
    assert held(w) == start == fresh(w)
    assert rows(suggested, "SELECT count(*) FROM spans") == [(0,)]
    w.close()


def test_a_long_message_gets_the_room_the_counter_had_and_a_tooltip(qtbot, suggested: Path):
    w = open_window(qtbot, suggested)
    w.resize(1320, 860)
    s, bar = w.suggesting, w.statusBar()
    bar.clearMessage()
    full = s.count_label.text()
    assert full.startswith("Suggestions left: ") and ", " in full  # by label
    link = next(p for p in s.pending if not p.is_span)
    s.go_to(link)  # a long message: the suggestion, its suggester, score and reason
    message = bar.currentMessage()
    assert message.startswith(f"Suggestion {link.label}: ") and len(message) > 80
    assert s.count_label.text() == f"Suggestions left: {len(s.pending)}"  # short now
    assert s.count_label.toolTip() == full  # the count by label still there
    assert bar.toolTip() == message  # the whole message, when the bar cuts it
    qtbot.wait(50)  # (laid out again)
    label_left = s.count_label.mapTo(bar, s.count_label.rect().topLeft()).x()
    assert bar.fontMetrics().horizontalAdvance(message[:60]) < label_left  # room for it
    bar.clearMessage()
    assert s.count_label.text() == full and bar.toolTip() == ""
    w.close()


def test_outlines_kept_between_paints_follow_the_page_when_it_changes(qtbot, suggested: Path):
    from annotator.gui.annotate.span_frame import line_rects
    from annotator.gui.annotate.suggestion_marks import OUTLINE

    w = open_window(qtbot, suggested)
    marks = next(m for m in w.suggesting.marks if m.view is w.article.text)

    def kept_are_right() -> bool:
        marks.view.viewport().repaint()
        assert marks._rects  # the outlines on screen were found (and kept)
        return all(rects == line_rects(marks.view, a, b, OUTLINE)
                   for (a, b), rects in marks._rects.items())  # fmt: skip

    for width in (1320, 700, 1100):  # lines wrap elsewhere: found again
        w.resize(width, 860)
        qtbot.wait(50)
        assert kept_are_right()
    w.article.text.verticalScrollBar().setValue(120)  # scrolled
    assert kept_are_right()
    key(Qt.Key.Key_Period)
    key(Qt.Key.Key_A)  # a span made: the page is drawn again where it is
    assert kept_are_right()
    w.close()
