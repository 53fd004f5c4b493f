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


def test_the_scheme_editor_sets_which_labels_a_link_type_joins(
    qtbot, seed_db: Path, tmp_path: Path, monkeypatch
) -> None:
    import json

    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from annotator.gui.annotate.scheme_dialog import JOINS, KEY, NAME, SchemeDialog

    gold_db(seed_db, with_links=True)
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: warnings.append(text))
    store = Store.open(seed_db)

    def dialog() -> SchemeDialog:
        d = SchemeDialog(store)
        qtbot.addWidget(d)
        return d

    def row_of(d: SchemeDialog, name: str) -> int:
        return next(r for r in range(d.table.rowCount()) if d.table.item(r, NAME).text() == name)

    d = dialog()
    assert d.table.item(row_of(d, "said_by"), JOINS).text() == "quote → actor"
    assert not d.table.item(row_of(d, "quote"), JOINS).flags() & Qt.ItemFlag.ItemIsEditable
    # Written by hand: "->" and several labels; a span label renamed here follows.
    d.table.item(row_of(d, "claimed_by"), JOINS).setText("claim, quote -> actor")
    d.table.item(row_of(d, "quote"), NAME).setText("Quote")
    assert d.table.item(row_of(d, "said_by"), JOINS).text() == "Quote → actor"
    d.accept()
    assert store.link_rules()["claimed_by"] == LinkRule("claimed_by", ("claim", "Quote"),
                                                        ("actor",))  # fmt: skip
    assert store.link_rules()["said_by"] == LinkRule("said_by", ("Quote",), ("actor",))
    # Refused with a message, nothing saved: no arrow, an unknown label, a rule stored
    # links break, a link type's key that is a label's key.
    before = rows(seed_db, "SELECT * FROM labels"), rows(seed_db, "SELECT * FROM link_rules")
    for column, name, text, said in (
        (JOINS, "said_by", "Quote actor", "write the labels it joins"),
        (JOINS, "said_by", "speech → actor", "'speech', which is not a label"),
        (KEY, "said_by", "3", "already the label 'actor''s"),
    ):
        d = dialog()
        d.table.item(row_of(d, name), column).setText(text)
        d.accept()
        assert said in warnings[-1]
    errors: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text, *a: errors.append(text))
    d = dialog()
    d.table.item(row_of(d, "said_by"), JOINS).setText("claim → actor")
    d.accept()
    assert "6 stored link(s) break it" in errors[-1]
    assert (rows(seed_db, "SELECT * FROM labels"), rows(seed_db, "SELECT * FROM link_rules")) == before
    # Export and import carry the rules.
    target = tmp_path / "scheme.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    d = dialog()
    d.export_file()
    data = json.loads(target.read_text(encoding="utf-8"))
    said = next(x for x in data["labels"] if x["name"] == "said_by")
    assert (said["from"], said["to"]) == (["Quote"], ["actor"])
    said["to"] = ["actor", "claim"]
    target.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(target), ""))
    d.import_file()
    assert d.table.item(row_of(d, "said_by"), JOINS).text() == "Quote → actor, claim"
    d.accept()
    assert set(store.link_rules()["said_by"].targets) == {"actor", "claim"}
    store.close()
