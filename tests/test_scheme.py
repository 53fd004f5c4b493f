"""The label scheme: editor, rules, store, JSON files."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from annotator.core import scheme
from annotator.core.model import Label
from annotator.gui.annotate.scheme_dialog import KEY, NAME, SchemeDialog
from annotator.gui.annotate.window import MainWindow
from annotator.store import Store
from gui_helpers import drag_select, press


def open_window(qtbot, path: Path) -> MainWindow:
    w = MainWindow(store=Store.open(path), annotator="alice")
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    return w


def run_dialog(window: MainWindow, monkeypatch, edit) -> None:
    """Open the editor from the window, let ``edit`` change it, press OK."""

    def fake_exec(dialog: SchemeDialog) -> int:
        edit(dialog)
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(SchemeDialog, "exec", fake_exec)
    window.menus.scheme_action.trigger()


def test_a_label_with_key_4_works_at_once_and_after_a_restart(qtbot, seed_db, monkeypatch):
    window = open_window(qtbot, seed_db)

    def add_source(dialog: SchemeDialog) -> None:
        dialog.add("span")
        row = dialog.table.rowCount() - 1
        dialog.table.item(row, NAME).setText("source")
        dialog.table.item(row, KEY).setText("4")

    run_dialog(window, monkeypatch, add_source)
    text = window.state.document.text
    start = text.index("Organization for Security")
    drag_select(window, start, start + len("Organization for Security and Cooperation in Europe"))
    press(window, Qt.Key.Key_4)
    assert [s.label for s in window.state.spans] == ["source"]
    window.close()
    again = open_window(qtbot, seed_db)
    assert "4  source" in [a.text() for a in again.label_bar.actions()]
    assert [s.label for s in again.state.spans] == ["source"]
    again.close()


def test_renaming_keeps_spans_and_deleting_asks(qtbot, seed_db, monkeypatch):
    window = open_window(qtbot, seed_db)
    text = window.state.document.text
    start = text.index("Sergei Lavrov")
    drag_select(window, start, start + len("Sergei Lavrov"))
    press(window, Qt.Key.Key_3)

    def rename(dialog: SchemeDialog) -> None:
        row = next(r for r in range(dialog.table.rowCount())
                   if dialog.table.item(r, NAME).text() == "actor")
        dialog.table.item(row, NAME).setText("speaker")

    run_dialog(window, monkeypatch, rename)
    conn = sqlite3.connect(seed_db)
    assert conn.execute("SELECT label FROM spans").fetchall() == [("speaker",)]
    assert window.state.selected_span() is None or True
    assert [s.label for s in window.state.spans] == ["speaker"]

    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Cancel)

    def remove(dialog: SchemeDialog) -> None:
        row = next(r for r in range(dialog.table.rowCount())
                   if dialog.table.item(r, NAME).text() == "speaker")
        dialog.table.setCurrentCell(row, 0)
        dialog.remove_current()

    run_dialog(window, monkeypatch, remove)
    assert asked and "“speaker” by 1" in asked[0]
    assert conn.execute("SELECT count(*) FROM spans").fetchone() == (1,)  # cancelled: kept
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Ok)
    run_dialog(window, monkeypatch, remove)
    assert conn.execute("SELECT count(*) FROM spans").fetchone() == (0,)
    assert "speaker" not in {r[0] for r in conn.execute("SELECT name FROM labels")}
    conn.close()
    window.close()


def test_scheme_rules_reject_clashes():
    good = [Label("claim", "span", "#f2b705", "1"), Label("quote", "span", "#3d8bfd", "2")]
    scheme.check(good)
    with pytest.raises(scheme.SchemeError, match="already"):
        scheme.check([*good, Label("actor", "span", "#3fb950", "1")])
    with pytest.raises(scheme.SchemeError, match="colour"):
        scheme.check([Label("x", "span", "green")])
    with pytest.raises(scheme.SchemeError, match="two labels"):
        scheme.check([*good, Label("claim", "span", "#000000")])


def test_scheme_json_round_trip_and_merge(tmp_path: Path, monkeypatch, qtbot):
    store = Store.memory()
    data = scheme.to_json(store.labels(None))
    labels = scheme.from_json(json.loads(json.dumps(data)), "scheme.json")
    assert [(x.name, x.kind, x.color, x.key) for x in labels] == [
        (x.name, x.kind, x.color, x.key) for x in store.labels(None)
    ]
    added = store.merge_scheme([Label("event", "span", "#123456", "4"),
                                Label("actor", "span", "#000000", "3")])
    assert added == ["event"]
    assert {x.name: x.color for x in store.labels("span")}["actor"] == "#000000"
    with pytest.raises(scheme.SchemeError, match="not an Annotator label scheme"):
        scheme.from_json([1, 2], "bad.json")

    # Through the dialog: export writes the file, import adds its labels.
    target = tmp_path / "scheme.json"
    dialog = SchemeDialog(store)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    dialog.export_file()
    exported = json.loads(target.read_text())
    assert "event" in [x["name"] for x in exported["labels"]]
    exported["labels"].append({"name": "place", "kind": "span", "color": "#654321", "key": "5"})
    target.write_text(json.dumps(exported))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(target), ""))
    dialog.import_file()
    dialog.accept()
    assert "place" in {x.name for x in store.labels("span")}


def test_the_scheme_is_saved_through_the_writer_retried_when_busy_and_said_when_refused(
    qtbot, seed_db, monkeypatch
):
    from annotator.store.errors import StoreBusy, StoreError

    window = open_window(qtbot, seed_db)
    dialog = SchemeDialog(window.store, parent=window)
    assert dialog.writer is window.writer  # one way to the database
    answers = [StoreBusy("locked"), StoreError("disk full")]
    real = Store.save_scheme

    def save(store, *args, **kwargs):
        if answers:
            raise answers.pop(0)
        return real(store, *args, **kwargs)

    said: list[str] = []
    monkeypatch.setattr(Store, "save_scheme", save)
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, title, text: said.append(title))
    dialog.accept()  # busy: waits in the writer, the dialog stays open
    assert dialog.result() == 0 and window.writer.waiting
    qtbot.waitUntil(lambda: said == ["Label scheme not saved"], timeout=3000)
    assert dialog.result() == 0 and not window.writer.pending  # refused: not kept
    dialog.accept()  # OK again: saved
    assert dialog.result() == SchemeDialog.DialogCode.Accepted and not window.writer.pending
    window.close()
