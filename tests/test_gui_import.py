"""File ▸ Import in the window runs the command line's pipeline: the same malformed file gives
the same message, nothing is imported, and the window offers what ``--skip-invalid`` does,
with the same result as the command line (documents, rejects file, summary)."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.cli import main
from annotator.gui.annotate.jobs import IMPORTED_WITH_NOTES, SKIP_INVALID
from safety_helpers import open_window

# Line 1 is good; line 2 has a span past the end of its text; line 3 is not JSON.
MIXED = (
    b'{"text": "The minister said the plan would go ahead.", "label": [[4, 12, "actor"]]}\n'
    b'{"text": "two", "label": [[0, 30, "actor"]]}\n'
    b"{]\n"
)


def rows(db: Path, table: str) -> list[tuple]:
    with closing(sqlite3.connect(str(db))) as conn:
        if table == "documents":
            return sorted(conn.execute("SELECT text FROM documents"))
        return sorted(conn.execute("SELECT start, end, label, text FROM spans"))


class Boxes(list):
    """Message boxes the window built, collected instead of shown. With ``skip`` set, a box
    that offers to skip bad records has that button clicked, as a user would."""

    skip = False

    def exec(self, box: QMessageBox) -> int:
        self.append(box)
        for button in box.buttons():
            if self.skip and button.text() == SKIP_INVALID:
                button.click()
        return 0


@pytest.fixture
def boxes(monkeypatch) -> Boxes:
    shown = Boxes()
    monkeypatch.setattr(QMessageBox, "exec", lambda box, *_a: shown.exec(box))
    return shown


def setup(tmp_path: Path, seed_db: Path) -> tuple[Path, Path, Path]:
    mixed = tmp_path / "in" / "mixed.jsonl"
    mixed.parent.mkdir()
    mixed.write_bytes(MIXED)
    window_db, cli_db = tmp_path / "window.db", tmp_path / "cli.db"
    shutil.copy(seed_db, window_db)
    shutil.copy(seed_db, cli_db)
    return mixed, window_db, cli_db


def test_the_window_and_the_command_line_refuse_a_bad_file_alike(
    qtbot, tmp_path: Path, seed_db: Path, boxes
) -> None:
    mixed, window_db, cli_db = setup(tmp_path, seed_db)
    result = CliRunner().invoke(main, ["import", str(cli_db), str(mixed), "--annotator", "alice"])
    assert result.exit_code != 0
    before = rows(window_db, "documents")
    window = open_window(qtbot, window_db)
    window.import_files([mixed])
    qtbot.waitUntil(lambda: bool(boxes), timeout=20000)
    box = boxes[0]
    assert box.windowTitle() == "Import failed; nothing was imported"
    assert result.output.strip() == f"Error: {box.text()}"
    assert "mixed.jsonl, line 2" in box.text()
    assert SKIP_INVALID in [b.text() for b in box.buttons()]
    assert rows(window_db, "documents") == before == rows(cli_db, "documents")
    assert not Path(f"{window_db}.rejects.jsonl").exists()
    window.close()


def test_skip_invalid_from_the_window_imports_what_the_command_line_imports(
    qtbot, tmp_path: Path, seed_db: Path, boxes
) -> None:
    mixed, window_db, cli_db = setup(tmp_path, seed_db)
    result = CliRunner().invoke(
        main, ["import", str(cli_db), str(mixed), "--annotator", "alice", "--skip-invalid"]
    )
    assert result.exit_code == 0, result.output
    summary = result.output.splitlines()[0].removeprefix(f"{cli_db}: ")
    boxes.skip = True
    window = open_window(qtbot, window_db)
    window.import_files([mixed])
    qtbot.waitUntil(lambda: "Imported:" in window.statusBar().currentMessage(), timeout=20000)
    message = window.statusBar().currentMessage()
    assert f"Imported: {summary}" in message
    assert f"rejected records written to {window_db}.rejects.jsonl" in message
    assert rows(window_db, "documents") == rows(cli_db, "documents")
    assert rows(window_db, "spans") == rows(cli_db, "spans") != []
    ours = [orjson.loads(x) for x in Path(f"{window_db}.rejects.jsonl").read_bytes().splitlines()]
    theirs = [orjson.loads(x) for x in Path(f"{cli_db}.rejects.jsonl").read_bytes().splitlines()]
    assert ours == theirs and [r["line"] for r in ours] == [2, 3]
    assert window.documents.rowCount() == len(rows(window_db, "documents"))
    told = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)
            and w.isVisible() and w.windowTitle() == IMPORTED_WITH_NOTES]
    assert len(told) == 1 and f"{window_db}.rejects.jsonl" in told[0].informativeText()
    assert "; ".join([told[0].text(), *told[0].informativeText().split("\n\n")[:-1]]) == summary
    told[0].close()
    window.close()


def test_what_an_import_did_not_store_as_it_came_is_shown_a_line_each(
    qtbot, tmp_path: Path, seed_db: Path, boxes
) -> None:
    twice = tmp_path / "twice.jsonl"  # one Prodigy line with the same span twice
    twice.write_text(
        '{"text": "Alice met Bob.", "spans": [{"start": 0, "end": 5, "label": "actor"}, '
        '{"start": 0, "end": 5, "label": "actor"}], "answer": "accept"}\n',
        encoding="utf-8",
    )
    window = open_window(qtbot, seed_db)
    window.import_files([twice])
    qtbot.waitUntil(lambda: "Imported:" in window.statusBar().currentMessage(), timeout=20000)
    told = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)
            and w.isVisible() and w.windowTitle() == IMPORTED_WITH_NOTES]
    assert len(told) == 1
    assert told[0].text().startswith("1 document(s) added")
    assert "1 duplicate span(s) kept once" in told[0].informativeText()
    assert "twice.jsonl, line 1" in told[0].informativeText()
    told[0].close()
    window.close()
