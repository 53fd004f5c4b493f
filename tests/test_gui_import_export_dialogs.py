"""File ▸ Import folder, a drop on the window, File ▸ Export with its options, File ▸ Open
database and Recent databases (issue 16, points 11 and 12). The dialogs are driven with keys
and clicks; what they write is compared with what the command line writes."""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QMessageBox

from annotator import settings
from annotator.cli import main
from annotator.gui.annotate.export_dialog import ExportDialog
from annotator.gui.annotate.import_dialog import ImportDialog
from safety_helpers import label, open_window

GOOD = b'{"text": "The minister said the plan would go ahead.", "label": [[4, 12, "actor"]]}\n'
BAD = b'{"text": "two", "label": [[0, 30, "actor"]]}\n{]\n'


def documents(db: Path) -> list[str]:
    with closing(sqlite3.connect(str(db))) as conn:
        return sorted(r[0] for r in conn.execute("SELECT text FROM documents"))


def spans(db: Path) -> list[tuple]:
    with closing(sqlite3.connect(str(db))) as conn:
        return sorted(conn.execute("SELECT start, end, label, text, annotator FROM spans"))


@pytest.fixture
def boxes(monkeypatch) -> list[QMessageBox]:
    shown: list[QMessageBox] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box, *_a: shown.append(box) or 0)
    return shown


def corpus(tmp_path: Path) -> Path:
    """A folder of doccano files, one good and one with two bad records among good ones."""
    folder = tmp_path / "corpus"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.jsonl").write_bytes(GOOD)
    (folder / "sub" / "b.jsonl").write_bytes(
        b'{"text": "Alice met Bob \xe2\x80\x94 \xf0\x9f\x98\x80 twice.", '
        b'"label": [[0, 5, "actor"]]}\n' + BAD
    )
    return folder


def press_ok(qtbot, dialog) -> None:
    button = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_import_folder_skipping_bad_records_writes_the_rejects_file_as_the_cli_does(
    qtbot, tmp_path: Path, seed_db: Path, monkeypatch, boxes
) -> None:
    folder = corpus(tmp_path)
    cli_db = tmp_path / "cli.db"
    shutil.copy(seed_db, cli_db)
    cli_rejects = tmp_path / "cli-rejects.jsonl"
    result = CliRunner().invoke(main, [
        "import", str(cli_db), str(folder), "--annotator", "bob", "--format", "doccano",
        "--offsets", "codepoint", "--skip-invalid", "--rejects", str(cli_rejects),
    ])
    assert result.exit_code == 0, result.output
    window = open_window(qtbot, seed_db)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    window.menus.import_folder_action.trigger()
    dialog = window.jobs.dialog
    assert isinstance(dialog, ImportDialog) and dialog.isVisible()
    assert dialog.chosen_paths() == [folder]
    # the options, chosen with keys: format, unit, annotator, skip invalid, rejects file
    dialog.format.setFocus()
    dialog.format.setCurrentIndex(dialog.format.findData("doccano"))
    dialog.unit.setCurrentIndex(dialog.unit.findData("codepoint"))
    dialog.annotator.selectAll()
    qtbot.keyClicks(dialog.annotator, "bob")
    dialog.skip_invalid.setFocus()
    qtbot.keyClick(dialog.skip_invalid, Qt.Key.Key_Space)
    assert dialog.rejects.isEnabled()
    rejects = tmp_path / "window-rejects.jsonl"
    qtbot.keyClicks(dialog.rejects, str(rejects))
    command = dialog.command.text()
    assert command.startswith(f"annotator import {seed_db} {folder} --annotator bob")
    assert "--format doccano --offsets codepoint --skip-invalid --rejects" in command
    press_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: "Imported:" in window.statusBar().currentMessage(), timeout=20000)
    assert f"rejected records written to {rejects}" in window.statusBar().currentMessage()
    assert documents(seed_db) == documents(cli_db)
    assert spans(seed_db) == spans(cli_db) != []
    assert "bob" in {s[4] for s in spans(seed_db)}
    ours = rejects.read_text(encoding="utf-8").replace(str(seed_db), "DB")
    theirs = cli_rejects.read_text(encoding="utf-8").replace(str(cli_db), "DB")
    assert ours == theirs and ours.count("\n") == 2
    assert window.documents.rowCount() == len(documents(seed_db))
    for box in QApplication.topLevelWidgets():
        if isinstance(box, QMessageBox):
            box.close()
    window.close()


def test_a_strict_import_from_the_dialog_fails_whole_and_offers_to_skip(
    qtbot, tmp_path: Path, seed_db: Path, monkeypatch, boxes
) -> None:
    folder = corpus(tmp_path)
    before = documents(seed_db)
    window = open_window(qtbot, seed_db)
    dialog = window.jobs.open_import_dialog([folder])
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # Import, with the defaults: strict
    qtbot.waitUntil(lambda: bool(boxes), timeout=20000)
    assert boxes[0].windowTitle() == "Import failed; nothing was imported"
    assert "b.jsonl, line 2" in boxes[0].text()
    assert documents(seed_db) == before
    window.close()


def drop(target, paths: list[Path]) -> bool:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    actions = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(QPoint(300, 300), actions, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)  # fmt: skip
    QApplication.sendEvent(target, enter)
    event = QDropEvent(QPointF(300, 300), actions, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)  # fmt: skip
    QApplication.sendEvent(target, event)
    return enter.isAccepted() and event.isAccepted()


def test_a_file_dropped_on_the_window_is_imported(qtbot, tmp_path: Path, seed_db: Path) -> None:
    article = tmp_path / "dropped.txt"
    article.write_text("Dropped “here” — with an emoji 😀.\r\nSecond line.\r\n", encoding="utf-8")
    window = open_window(qtbot, seed_db)
    assert drop(window.article.text.viewport(), [article])  # on the article: to the window
    dialog = window.jobs.dialog
    assert isinstance(dialog, ImportDialog) and dialog.chosen_paths() == [article]
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Imported:" in window.statusBar().currentMessage(), timeout=20000)
    assert any(text.startswith("Dropped “here”") for text in documents(seed_db))
    assert window.documents.rowCount() == 2
    window.close()


def test_a_drag_of_text_is_not_taken_for_an_import(qtbot, seed_db: Path) -> None:
    window = open_window(qtbot, seed_db)
    mime = QMimeData()
    mime.setText("just words")
    enter = QDragEnterEvent(QPoint(300, 300), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)  # fmt: skip
    QApplication.sendEvent(window, enter)
    assert not enter.isAccepted() and window.jobs.dialog is None
    window.close()


@pytest.mark.parametrize("fmt", ["brat", "doccano"])
def test_export_with_a_label_filter_writes_what_the_cli_writes(
    qtbot, tmp_path: Path, seed_db: Path, fmt: str
) -> None:
    window = open_window(qtbot, seed_db)
    text = window.state.document.text
    label(window, text.index("Lavrov"), text.index("Lavrov") + len("Lavrov"), "actor")
    start = text.index("NATO")
    label(window, start, start + 4, "claim")
    qtbot.waitUntil(lambda: len(spans(seed_db)) == 2, timeout=5000)
    suffix = "" if fmt == "brat" else ".jsonl"
    ours, theirs = tmp_path / f"window{suffix}", tmp_path / f"cli{suffix}"
    window.menus.export_action.trigger()
    dialog = window.jobs.dialog
    assert isinstance(dialog, ExportDialog) and dialog.isVisible()
    dialog.format.setCurrentIndex(dialog.format.findData(fmt))
    dialog.output.selectAll()
    qtbot.keyClicks(dialog.output, str(ours))
    actor = dialog.labels.findItems("actor", Qt.MatchFlag.MatchExactly)[0]
    actor.setCheckState(Qt.CheckState.Checked)
    command = dialog.command.text()
    assert command == (f"annotator export {seed_db} -o {ours} --format {fmt} --label actor")
    press_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: f"document(s) to {ours}" in window.statusBar().currentMessage(), timeout=20000)
    assert "Exported 1 document(s)" in window.statusBar().currentMessage()
    assert "(1 span(s), 0 relation(s))" in window.statusBar().currentMessage()
    window.close()
    result = CliRunner().invoke(
        main, ["export", str(seed_db), "-o", str(theirs), "--format", fmt, "--label", "actor"]
    )
    assert result.exit_code == 0, result.output
    if fmt == "brat":
        names = sorted(p.name for p in ours.iterdir())
        assert names == sorted(p.name for p in theirs.iterdir()) and names
        for name in names:
            assert (ours / name).read_bytes() == (theirs / name).read_bytes()
        assert "Lavrov" in "".join(p.read_text() for p in ours.glob("*.ann"))
    else:
        assert ours.read_bytes() == theirs.read_bytes()
        assert b'"actor"' in ours.read_bytes()
        assert b"claim" not in ours.read_bytes()


def test_export_dialog_offers_every_format_and_its_units(qtbot, seed_db: Path) -> None:
    from annotator.formats import EXPORTS

    window = open_window(qtbot, seed_db)
    window.menus.export_action.trigger()
    dialog = window.jobs.dialog
    offered = [dialog.format.itemData(i) for i in range(dialog.format.count())]
    assert sorted(offered) == sorted(EXPORTS)
    dialog.format.setCurrentIndex(dialog.format.findData("csv"))
    units = [dialog.unit.itemData(i) or "" for i in range(dialog.unit.count())]
    assert units == ["", "utf16", "utf8"] and str(dialog.output.text()).endswith(".csv")
    dialog.unit.setCurrentIndex(2)
    dialog.layer.setCurrentIndex(dialog.layer.findData("annotators"))
    dialog.statuses["done"].click()
    assert dialog.command.text().endswith("--format csv --offsets utf8 --status done "
                                          "--layer annotators")  # fmt: skip
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    window.close()


def test_open_another_database_switches_the_window_and_its_title(
    qtbot, tmp_path: Path, seed_db: Path, monkeypatch
) -> None:
    other = tmp_path / "gold.db"
    shutil.copy(seed_db, other)
    CliRunner().invoke(main, ["import", str(other), str(corpus(tmp_path) / "a.jsonl"),
                              "--annotator", "bob"])  # fmt: skip
    window = open_window(qtbot, seed_db)
    assert window.windowTitle() == "seed.db — alice — Annotator"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(other), ""))
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    new = next(w for w in QApplication.topLevelWidgets()
               if w is not window and w.windowTitle() == "gold.db — alice — Annotator")
    qtbot.addWidget(new)
    assert not window.isVisible() and new.isVisible()
    assert new.store.path == other and new.documents.rowCount() == 2
    recent = settings.recent_databases()
    assert recent[:2] == [str(other.resolve()), str(seed_db.resolve())]
    new.menus.recent_menu.aboutToShow.emit()
    texts = [a.text() for a in new.menus.recent_menu.actions() if a.text()]
    assert texts[0].startswith("&1 gold.db") and texts[1].startswith("&2 seed.db")
    # back to the first from the recent list
    back = new.menus.recent_menu.actions()[1]
    back.trigger()
    again = next(w for w in QApplication.topLevelWidgets()
                 if w.isVisible() and w.windowTitle() == "seed.db — alice — Annotator")
    qtbot.addWidget(again)
    assert not new.isVisible()
    again.close()


def test_a_recent_database_no_longer_there_is_greyed_and_can_be_removed(
    qtbot, tmp_path: Path, seed_db: Path
) -> None:
    gone = tmp_path / "gone.db"
    settings.remember_database(str(gone))
    window = open_window(qtbot, seed_db)
    menu = window.menus.recent_menu
    menu.aboutToShow.emit()
    entry = next(a for a in menu.actions() if "gone.db" in a.text())
    assert not entry.isEnabled() and "(not found)" in entry.text()
    remove = next(a for a in menu.actions() if a.text().startswith("&Remove 1 not found"))
    remove.trigger()
    assert str(gone) not in settings.recent_databases()
    assert "gone.db" in window.statusBar().currentMessage()
    window.databases.open(gone)  # (as from a list shown before the file went)
    assert "was not found" in window.statusBar().currentMessage() and window.isVisible()
    window.close()


def test_the_recent_list_keeps_the_last_eight(tmp_path: Path) -> None:
    for n in range(10):
        settings.remember_database(str(tmp_path / f"{n}.db"))
    settings.remember_database(str(tmp_path / "5.db"))
    recent = settings.recent_databases()
    assert len(recent) == 8 and recent[0].endswith("5.db") and recent.count(recent[0]) == 1
    assert recent[1].endswith("9.db") and not any(p.endswith(("0.db", "1.db")) for p in recent)


def test_a_file_that_is_no_database_is_refused_and_the_window_stays(
    qtbot, tmp_path: Path, seed_db: Path, monkeypatch
) -> None:
    bad = tmp_path / "notes.db"
    bad.write_text("not a database\n" * 100, encoding="utf-8")
    window = open_window(qtbot, seed_db)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    window.menus.open_db_action.trigger()
    told = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)
            and w.isVisible() and w.windowTitle() == "This database cannot be opened"]
    assert len(told) == 1 and "notes.db" in told[0].text()
    told[0].close()
    assert window.isVisible() and window.windowTitle() == "seed.db — alice — Annotator"
    assert window.store.document_count() == 1  # still open on its own database
    assert bad.read_text(encoding="utf-8").startswith("not a database")
    window.close()


def test_an_in_memory_database_says_it_cannot_import_or_export(qtbot, store) -> None:
    from annotator.gui.annotate.window import MainWindow

    window = MainWindow(store=store, annotator="alice")
    qtbot.addWidget(window)
    assert window.windowTitle() == "memory — alice — Annotator"
    assert window.jobs.open_import_dialog([Path("x.txt")]) is None
    assert "in memory only" in window.statusBar().currentMessage()
    window.menus.export_action.trigger()
    assert window.jobs.dialog is None


def test_a_dropped_folder_and_a_label_studio_text_field(
    qtbot, tmp_path: Path, seed_db: Path
) -> None:
    folder = tmp_path / "ls"
    folder.mkdir()
    tasks = [{"data": {"title": "Short", "body": "Alice said “yes” — twice 😀."},
              "annotations": [{"result": [{"type": "labels", "from_name": "label",
                                           "to_name": "text", "value": {
                                               "start": 0, "end": 5, "labels": ["actor"]}}]}]}]
    (folder / "tasks.json").write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    cli_db = tmp_path / "cli.db"
    shutil.copy(seed_db, cli_db)
    result = CliRunner().invoke(main, ["import", str(cli_db), str(folder), "--annotator", "alice",
                                       "--format", "labelstudio", "--text-field", "body"])
    assert result.exit_code == 0, result.output
    window = open_window(qtbot, seed_db)
    assert drop(window, [folder])
    dialog = window.jobs.dialog
    dialog.format.setCurrentIndex(dialog.format.findData("labelstudio"))
    assert not dialog.unit.isEnabled() and dialog.text_field.isEnabled()
    qtbot.keyClicks(dialog.text_field, "body")
    assert dialog.command.text().endswith("--format labelstudio --text-field body")
    qtbot.keyClick(dialog.text_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Imported:" in window.statusBar().currentMessage(), timeout=20000)
    assert documents(seed_db) == documents(cli_db)
    assert spans(seed_db) == spans(cli_db) and ("Alice" in [s[3] for s in spans(seed_db)])
    for box in QApplication.topLevelWidgets():
        if isinstance(box, QMessageBox):
            box.close()
    window.close()


def test_a_damaged_recent_list_is_an_empty_one_and_clear_empties_it(tmp_path: Path) -> None:
    from annotator import paths

    settings.remember_database(str(tmp_path / "a.db"))
    assert settings.recent_databases() == [str(tmp_path / "a.db")]
    settings.clear_recent_databases()
    assert settings.recent_databases() == []
    (paths.config_dir() / "recent_databases.json").write_text("{not json", encoding="utf-8")
    assert settings.recent_databases() == []
    settings.remember_database(str(tmp_path / "b.db"))  # rewritten whole
    assert settings.recent_databases() == [str(tmp_path / "b.db")]


def test_export_dialog_offers_the_suggestions_layer_as_the_command_line_does(
    qtbot, tmp_path: Path, seed_db: Path
) -> None:
    from annotator.core.suggestions import SuggestedSpan, Suggestions
    from annotator.store import Store

    with Store.open(seed_db) as store:
        (doc,) = store.document_ids()
        text = store.document(doc).text
        at = text.index("Lavrov")
        store.replace_suggestions(doc, Suggestions("rules", spans=[
            SuggestedSpan("a", at, at + 6, "actor", 0.9, "a marked actor's surname")]))
    window = open_window(qtbot, seed_db)
    window.menus.export_action.trigger()
    dialog = window.jobs.dialog
    dialog.format.setCurrentIndex(dialog.format.findData("csv"))
    dialog.statuses["done"].click()
    dialog.layer.setCurrentIndex(dialog.layer.findData("suggestions"))
    # native only, and no annotator or status to choose: the fields say so
    assert dialog.format.currentData() == "jsonl" and not dialog.format.isEnabled()
    assert not dialog.statuses["done"].isChecked() and not dialog.statuses["done"].isEnabled()
    assert not dialog.annotators.isEnabled() and dialog.layer_hint.isVisible()
    ours = tmp_path / "window.jsonl"
    dialog.output.selectAll()
    qtbot.keyClicks(dialog.output, str(ours))
    assert dialog.command.text() == f"annotator export {seed_db} -o {ours} --layer suggestions"
    press_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: f"document(s) to {ours}" in window.statusBar().currentMessage(),
                    timeout=20000)  # fmt: skip
    assert "Exported 1 document(s)" in window.statusBar().currentMessage()
    window.close()
    theirs = tmp_path / "cli.jsonl"
    result = CliRunner().invoke(main, ["export", str(seed_db), "-o", str(theirs),
                                       "--layer", "suggestions"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert ours.read_bytes() == theirs.read_bytes()
    (span,) = json.loads(ours.read_text(encoding="utf-8"))["spans"]
    assert (span["suggester"], span["score"], span["reason"]) == (
        "rules", 0.9, "a marked actor's surname")
    assert text[span["start"]:span["end"]] == "Lavrov"
