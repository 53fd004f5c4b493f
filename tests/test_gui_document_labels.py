"""Issue 14, document labels in the window: a key each (and the label bar), set and unset on
the open article through the undo stack and the writer, shown as tags under the title, added
in the scheme dialog. Real key presses; the database is checked after each step."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from annotator.core import scheme
from annotator.core.model import Label
from annotator.core.scheme import SchemeError
from annotator.gui.annotate.scheme_dialog import KEY, KIND, NAME, SchemeDialog
from annotator.gui.annotate.window import MainWindow
from annotator.store import Store

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def stored(path: Path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT label, annotator FROM document_labels ORDER BY label, annotator"
        ).fetchall()
    finally:
        conn.close()


@pytest.fixture
def labelled_db(seed_db: Path) -> Path:
    with Store.open(seed_db) as store:
        store.merge_scheme([
            Label("pro", "document", "#2e7d32", "p", 0, "The article favours the policy"),
            Label("no_claims", "document", "#8e24aa", "0", 1, "Nothing checkable here"),
        ])  # fmt: skip
    return seed_db


@pytest.fixture
def window(qtbot, labelled_db: Path) -> MainWindow:
    w = MainWindow(store=Store.open(labelled_db), annotator="alice")
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.article.text.setFocus()
    yield w
    w.close()


def key(k, mods=Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(QApplication.focusWidget(), k, mods)


def tags(window: MainWindow) -> list[str]:
    return [
        t.text()
        for t in window.article.tags.findChildren(QLabel, "documentLabelTag")
        if not t.isHidden()
    ]


def test_a_document_label_key_sets_and_unsets_it_with_undo(
    window: MainWindow, labelled_db: Path
) -> None:
    bar = [a.text() for a in window.label_bar.actions() if not a.isSeparator()]
    assert bar == ["1  claim", "2  quote", "3  actor", "p  pro", "0  no_claims"]
    menu = [a.text() for a in window.menus.label_menu.actions()]
    assert "Whole article" in menu and "0  no_claims" in menu
    assert window.article.tags.isHidden()

    key(Qt.Key.Key_P)  # no selection needed: the label is about the whole article
    assert stored(labelled_db) == [("pro", "alice")]
    assert tags(window) == ["pro"] and window.article.tags.isVisible()
    pro = next(a for a in window.label_actions.document_actions if a.data() == "pro")
    assert pro.isChecked()

    key(Qt.Key.Key_0)
    assert stored(labelled_db) == [("no_claims", "alice"), ("pro", "alice")]
    assert tags(window) == ["pro", "no_claims"]  # in the scheme's order

    key(Qt.Key.Key_P)  # again: unset
    assert stored(labelled_db) == [("no_claims", "alice")]
    assert tags(window) == ["no_claims"] and not pro.isChecked()

    key(Qt.Key.Key_Z, CTRL)  # undo the unset: back, with its first time
    assert stored(labelled_db) == [("no_claims", "alice"), ("pro", "alice")]
    assert pro.isChecked()
    key(Qt.Key.Key_Z, CTRL)
    key(Qt.Key.Key_Z, CTRL)
    assert stored(labelled_db) == []
    assert tags(window) == [] and window.article.tags.isHidden()
    key(Qt.Key.Key_Z, CTRL | SHIFT)  # redo
    assert stored(labelled_db) == [("pro", "alice")]


def test_clicking_the_label_bar_toggles_and_other_annotators_are_named(
    window: MainWindow, labelled_db: Path
) -> None:
    doc_id = window.state.document.id
    with Store.open(labelled_db) as other:
        other.set_document_label(doc_id, "pro", "bob")
    window.reopen_document()
    pro = next(a for a in window.label_actions.document_actions if a.data() == "pro")
    assert not pro.isChecked()  # bob's, not alice's
    assert tags(window) == ["pro · bob"]
    button = window.label_bar.widgetForAction(pro)
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    assert stored(labelled_db) == [("pro", "alice"), ("pro", "bob")]
    assert pro.isChecked()
    assert tags(window) == ["pro · alice, bob"]


def test_the_gold_layer_is_read_only_for_document_labels(
    window: MainWindow, labelled_db: Path
) -> None:
    window.show_layer("gold")
    key(Qt.Key.Key_P)
    assert stored(labelled_db) == []
    pro = next(a for a in window.label_actions.document_actions if a.data() == "pro")
    assert not pro.isChecked()  # the tick follows the database, not the click


def test_the_scheme_dialog_adds_a_document_label_with_its_own_key(
    qtbot, seed_db: Path
) -> None:
    with Store.open(seed_db) as store:
        dialog = SchemeDialog(store)
        qtbot.addWidget(dialog)
        (button,) = [b for b in dialog.findChildren(QPushButton)
                     if b.text() == "Add document label"]  # fmt: skip
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
        row = dialog.table.rowCount() - 1
        assert dialog.table.item(row, KIND).text() == "document label"
        dialog.table.item(row, NAME).setText("opinion")
        dialog.table.item(row, KEY).setText("1")  # the span label claim's key: refused
        with pytest.raises(SchemeError, match="key '1' is already 'claim''s"):
            scheme.check(dialog.labels())
        dialog.table.item(row, KEY).setText("o")
        dialog.accept()
        qtbot.waitUntil(lambda: dialog.result() == 1)
        assert [(x.name, x.kind, x.key) for x in store.labels("document")] == [
            ("opinion", "document", "o")
        ]
