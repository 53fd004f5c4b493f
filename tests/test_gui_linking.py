"""Issue 15, point 4, through the real window: linking that guesses right (measured on the
hand-made gold of the sample article), numbered candidates picked with one digit, the
scheme's link rules on linking, retyping and relabelling, and the link picked in the list
staying picked (by id) through retype, undo and redo. The database is checked each time."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel

from annotator.core.link_rules import LinkRule
from annotator.core.model import Relation, Span
from annotator.gui.annotate.window import MainWindow
from annotator.store import Store
from gui_helpers import click
from test_attribution import load_gold

CTRL = Qt.KeyboardModifier.ControlModifier


def rows(path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def links(path: Path) -> list[tuple]:
    return rows(path, "SELECT id, label, source, target, updated_at FROM relations ORDER BY id")


def gold_db(path: Path, *, with_links: bool) -> Path:
    """The sample article with the hand-made gold spans (ids as in the gold file), and
    its ten links when asked."""
    _text, spans, gold_links = load_gold()
    with Store.open(path) as store:
        (doc_id,) = store.document_ids()
        for span in spans.values():
            store.add_span(Span(span.id, doc_id, span.start, span.end, span.label, span.text,
                                "alice", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"))
        if with_links:
            for n, (source, label, target) in enumerate(gold_links):
                store.add_relation(Relation(f"r{n:02}", doc_id, label, source, target, "alice",
                                            f"2026-01-01T00:00:{n:02}Z", "2026-01-01T00:00:00Z"))
    return path


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


def message(window: MainWindow) -> str:
    return window.statusBar().currentMessage()


def badges(window: MainWindow) -> list[str]:
    return [b.text() for b in window.article.text.viewport().findChildren(QLabel,
            "linkCandidateBadge") if b.isVisible()]  # fmt: skip


@pytest.fixture
def linked(qtbot, seed_db: Path):
    w = open_window(qtbot, gold_db(seed_db, with_links=True))
    yield w
    w.close()


@pytest.fixture
def unlinked(qtbot, seed_db: Path):
    w = open_window(qtbot, gold_db(seed_db, with_links=False))
    yield w
    w.close()


def test_the_first_proposal_is_right_for_the_gold_links(unlinked: MainWindow, seed_db: Path):
    """Ctrl+L on each quote and claim of the sample article: the first candidate offered
    is the gold speaker for at least 9 of the 10; Enter links it."""
    _text, _spans, gold_links = load_gold()
    right = 0
    for source, _label, target in gold_links:
        unlinked.state.select(source)
        unlinked.article.text.setFocus()
        key(Qt.Key.Key_L, CTRL)
        assert unlinked.annotating.link_source is not None, message(unlinked)
        right += unlinked.annotating.candidates[0].id == target
        key(Qt.Key.Key_Return)
        assert unlinked.annotating.link_source is None
    assert right >= 9
    made = {(s, lab, t) for _id, lab, s, t, _u in links(seed_db)}
    assert len(made) == 10 and len(made & set(gold_links)) == right
    assert {lab for _s, lab, _t in made} == {"said_by", "claimed_by"}


def test_numbered_candidates_and_one_digit_links(unlinked: MainWindow, seed_db: Path):
    unlinked.state.select("q05")  # "This concept ... no good," he said.
    unlinked.article.text.setFocus()
    key(Qt.Key.Key_L, CTRL)
    shown = badges(unlinked)
    assert shown and shown[0] == "1" and set(shown) <= {str(n) for n in range(1, 10)}
    second = unlinked.annotating.candidates[1]
    key(Qt.Key.Key_2)  # not the quote label's key while linking: the second candidate
    assert badges(unlinked) == [] and unlinked.annotating.link_source is None
    assert [(lab, s, t) for _i, lab, s, t, _u in links(seed_db)] == [("said_by", "q05", second.id)]
    assert rows(seed_db, "SELECT count(*) FROM spans")[0][0] == 27  # no span was added
    # Outside linking, digits are label keys again: 2 relabels the selected (unlinked) claim.
    unlinked.state.select("c01")
    key(Qt.Key.Key_2)
    assert rows(seed_db, "SELECT label FROM spans WHERE id = 'c01'") == [("quote",)]


def test_a_said_by_from_an_actor_is_refused(unlinked: MainWindow, seed_db: Path):
    before = links(seed_db)
    unlinked.state.select("a14")  # an actor
    unlinked.article.text.setFocus()
    key(Qt.Key.Key_L, CTRL)
    assert unlinked.annotating.link_source is None
    assert "A actor cannot start a link" in message(unlinked)
    assert "said_by joins quote → actor" in message(unlinked)
    # While linking a quote, a click on another quote links nothing and says why.
    unlinked.state.select("q05")
    key(Qt.Key.Key_L, CTRL)
    text = unlinked.state.document.text
    click(unlinked, text.index("Some of our Western"))
    assert "Not linked" in message(unlinked) and "quote → quote" in message(unlinked)
    assert unlinked.annotating.link_source is not None  # still linking: choose another
    key(Qt.Key.Key_Escape)
    assert links(seed_db) == before


def test_relabelling_a_linked_quote_to_actor_is_refused(linked: MainWindow, seed_db: Path):
    before = rows(seed_db, "SELECT id, label, updated_at FROM spans ORDER BY id")
    linked.state.select("q05")
    linked.article.text.setFocus()
    key(Qt.Key.Key_3)  # actor's key
    assert "stays quote" in message(linked) and "said_by link joins quote → actor" in message(linked)
    linked.state.select("a14")  # the actor it is said by cannot become a claim either
    key(Qt.Key.Key_1)
    assert "stays actor" in message(linked)
    assert rows(seed_db, "SELECT id, label, updated_at FROM spans ORDER BY id") == before
    assert not linked.undo_stack.canUndo()


def test_ctrl_t_twice_on_the_picked_link_returns_it_and_touches_no_other(
    qtbot, seed_db: Path
) -> None:
    """The issue's bug: the first Ctrl+T re-sorted the list and left the highlight on the
    same row, so the second retyped another link."""
    gold_db(seed_db, with_links=True)
    with Store.open(seed_db) as store:  # a quote may be claimed_by too, so two types fit
        store.save_scheme(store.labels(None), renames={}, deletes=[],
                          rules=[LinkRule("claimed_by", ("claim", "quote"), ("actor",))])
    window = open_window(qtbot, seed_db)
    before = {r[0]: r for r in links(seed_db)}
    window.relation_table.setFocus()
    window.relation_table.setCurrentIndex(window.relation_model.index(0, 1))
    picked = window.relation_table.currentIndex().data(window.relation_model.IdRole)
    assert before[picked][1] == "said_by"

    def others_unchanged() -> None:
        now = {r[0]: r for r in links(seed_db)}
        assert {k: v for k, v in now.items() if k != picked} == {
            k: v for k, v in before.items() if k != picked}

    key(Qt.Key.Key_T, CTRL)
    assert {r[0]: r[1] for r in links(seed_db)}[picked] == "claimed_by"
    others_unchanged()
    assert window.relation_table.currentIndex().data(window.relation_model.IdRole) == picked
    key(Qt.Key.Key_T, CTRL)
    assert {r[0]: r[1] for r in links(seed_db)}[picked] == "said_by"
    others_unchanged()
    # Undo and redo keep it picked too, and the next Ctrl+T is still about it.
    key(Qt.Key.Key_Z, CTRL)
    assert {r[0]: r[1] for r in links(seed_db)}[picked] == "claimed_by"
    key(Qt.Key.Key_Y, CTRL)
    assert window.relation_table.currentIndex().data(window.relation_model.IdRole) == picked
    # A deleted link leaves no row picked (Ctrl+T does nothing); its undo picks it again.
    QTest.keyClick(window.relation_table, Qt.Key.Key_Delete)
    assert picked not in {r[0] for r in links(seed_db)}
    assert not window.relation_table.currentIndex().isValid()
    window.relation_table.setFocus()
    key(Qt.Key.Key_T, CTRL)
    assert "Pick a link" in message(window)
    key(Qt.Key.Key_Z, CTRL)
    assert window.relation_table.currentIndex().data(window.relation_model.IdRole) == picked
    others_unchanged()
    window.close()


def test_link_type_keys_retype_the_picked_link_and_choose_the_type_while_linking(
    qtbot, seed_db: Path
) -> None:
    gold_db(seed_db, with_links=True)
    with Store.open(seed_db) as store:
        labels = {label.name: label for label in store.labels(None)}
        from dataclasses import replace

        store.save_scheme(
            [replace(lab, key="c") if lab.name == "claimed_by" else
             replace(lab, key="s") if lab.name == "said_by" else lab for lab in labels.values()],
            renames={}, deletes=[],
            rules=[LinkRule("claimed_by", ("claim", "quote"), ("actor",))],
        )  # fmt: skip
    window = open_window(qtbot, seed_db)
    window.relation_table.setFocus()
    window.relation_table.setCurrentIndex(window.relation_model.index(2, 0))
    picked = window.relation_table.currentIndex().data(window.relation_model.IdRole)
    key(Qt.Key.Key_C)
    assert dict((r[0], r[1]) for r in links(seed_db))[picked] == "claimed_by"
    key(Qt.Key.Key_S)
    assert dict((r[0], r[1]) for r in links(seed_db))[picked] == "said_by"
    # While linking, the type's key chooses the type; a type that does not fit is refused.
    window.state.select("c04")
    window.article.text.setFocus()
    key(Qt.Key.Key_L, CTRL)
    key(Qt.Key.Key_S)
    assert "cannot start a said_by link" in message(window)
    window.state.select("q06")
    key(Qt.Key.Key_L, CTRL)
    key(Qt.Key.Key_C)
    key(Qt.Key.Key_Return)
    made = [r for r in links(seed_db) if r[2] == "q06" and r[1] == "claimed_by"]
    assert len(made) == 1
    window.close()
