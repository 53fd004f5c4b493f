"""The window, driven through real widgets (mouse drags, clicks, key presses), checked
against the database, not only the widgets."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent, QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMenu, QMessageBox, QToolTip

from annotator.core.model import DocumentMeta, IncomingDocument, IncomingSpan
from annotator.gui import app as gui_app
from annotator.gui.annotate.window import MainWindow
from annotator.gui.models import DocumentTableModel, SpanTableModel
from annotator.store import Store, StoreError
from gui_helpers import click, drag_select, key_select, press, selected_range, shown_window

CLAIM = (
    "Moscow has long said it will regard NATO membership for Ukraine as a national security threat."
)
ACTOR = "Sergei Lavrov"
QUOTE = (
    "\"It's a blatant attempt to derail all efforts aimed at initiating a dialogue on ensuring "
    'national reconciliation."'
)


def db_spans(path: Path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT s.label, s.start, s.end, s.text, s.annotator, substr(d.text, s.start + 1, s.end - s.start) "
            "FROM spans s JOIN documents d ON d.id = s.document ORDER BY s.start"
        ).fetchall()
    finally:
        conn.close()


def make_window(qtbot, path: Path, annotator: str = "alice") -> MainWindow:
    return shown_window(qtbot, path, annotator=annotator)


@pytest.fixture
def window(qtbot, seed_db: Path) -> MainWindow:
    w = make_window(qtbot, seed_db)
    yield w
    w.close()


@pytest.fixture
def errors(monkeypatch) -> list[str]:
    """Stub the modal error dialog; collect what it would have said."""
    said: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "critical", lambda _p, title, text, *a, **k: said.append(f"{title}: {text}")
    )
    monkeypatch.setattr(
        QMessageBox, "warning", lambda _p, title, text, *a, **k: said.append(f"{title}: {text}")
    )
    monkeypatch.setattr(  # a box built with buttons of its own (skip bad records on import)
        QMessageBox, "exec", lambda box, *a: said.append(f"{box.windowTitle()}: {box.text()}")
    )
    return said


def offset_of(window: MainWindow, needle: str, nth: int = 0) -> int:
    text = window.state.document.text
    i = -1
    for _ in range(nth + 1):
        i = text.index(needle, i + 1)
    return i


def test_window_opens_the_sample_article(window: MainWindow) -> None:
    # The sample's text begins with its title, source and date: the header does not say
    # them again (core/header.py), only the status and the link, in one line.
    assert window.article.title.isHidden()
    assert "The Moscow Times" not in window.article.byline.text()
    assert "To do" in window.article.byline.text()
    assert "themoscowtimes.com" in window.article.byline.text()
    assert "The Moscow Times" in window.article.byline.toolTip()
    assert window.statusBar().position_label.text() == "Document 1 of 1 · To do"
    assert "saved" in window.statusBar().saved_label.text()
    labels = [a.text() for a in window.label_bar.actions()]
    assert labels == ["1  claim", "2  quote", "3  actor"]


def test_mouse_selection_and_key_1_makes_a_claim(window: MainWindow, seed_db: Path, qtbot) -> None:
    start = offset_of(window, CLAIM)
    drag_select(window, start, start + len(CLAIM))
    assert selected_range(window) == (start, start + len(CLAIM))
    press(window, Qt.Key.Key_1)
    assert db_spans(seed_db) == [("claim", start, start + len(CLAIM), CLAIM, "alice", CLAIM)]
    assert window.span_model.rowCount() == 1
    assert window.span_model.data(window.span_model.index(0, 1)) == CLAIM
    fmt = _char_format(window, start + 3)
    assert fmt.background().style() != Qt.BrushStyle.NoBrush
    qtbot.waitUntil(lambda: "claim 1" in window.statusBar().counts_label.text())  # once the edits settle


def test_keyboard_selection_and_key_3_makes_an_actor(window: MainWindow, seed_db: Path) -> None:
    start = offset_of(window, ACTOR)
    key_select(window, start, len(ACTOR))
    press(window, Qt.Key.Key_3)
    assert db_spans(seed_db) == [("actor", start, start + len(ACTOR), ACTOR, "alice", ACTOR)]


def test_selection_is_trimmed_of_surrounding_space(window: MainWindow, seed_db: Path) -> None:
    start = offset_of(window, ACTOR)
    drag_select(window, start - 1, start + len(ACTOR) + 1)  # " Sergei Lavrov "
    press(window, Qt.Key.Key_3)
    assert [row[3] for row in db_spans(seed_db)] == [ACTOR]


def test_a_quote_across_a_paragraph_break(window: MainWindow, seed_db: Path) -> None:
    start = offset_of(window, '"It is precisely')
    end = offset_of(window, 'joining NATO,"') + len('joining NATO,"')
    drag_select(window, start, end)
    press(window, Qt.Key.Key_2)
    [(label, s, e, text, _who, actual)] = db_spans(seed_db)
    assert (label, s, e) == ("quote", start, end)
    assert "\n\n" in text and text == actual


def test_three_spans_survive_a_restart_and_export(qtbot, seed_db: Path, tmp_path: Path) -> None:
    window = make_window(qtbot, seed_db)
    for needle, key in ((CLAIM, Qt.Key.Key_1), (ACTOR, Qt.Key.Key_3), (QUOTE, Qt.Key.Key_2)):
        start = offset_of(window, needle)
        drag_select(window, start, start + len(needle))
        press(window, key)
    window.close()

    again = make_window(qtbot, seed_db, annotator="bob")
    assert again.span_model.rowCount() == 3
    assert sorted(s.label for s in again.state.spans) == ["actor", "claim", "quote"]
    assert (
        _char_format(again, offset_of(again, ACTOR) + 1).background().style()
        != Qt.BrushStyle.NoBrush
    )
    again.close()

    from click.testing import CliRunner

    from annotator.cli import main

    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["export", str(seed_db), "-o", str(out)])
    assert result.exit_code == 0, result.output
    import json

    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(record["spans"]) == 3
    for span in record["spans"]:
        assert record["text"][span["start"] : span["end"]] == span["text"]


def test_clicking_a_highlight_selects_its_row_and_back(window: MainWindow, qtbot) -> None:
    for needle, key in ((ACTOR, Qt.Key.Key_3), (CLAIM, Qt.Key.Key_1)):
        start = offset_of(window, needle)
        drag_select(window, start, start + len(needle))
        press(window, key)
    window.state.select(None)
    click(window, offset_of(window, ACTOR) + 2)
    actor = window.state.selected_span()
    assert actor is not None and actor.label == "actor"
    # (right after edits the list is held; it follows within a moment)
    qtbot.waitUntil(
        lambda: window.span_table.currentIndex().row() == window.span_model.row_of(actor.id)
    )

    claim_row = window.span_model.row_of(
        next(s.id for s in window.state.spans if s.label == "claim")
    )
    window.span_table.setCurrentIndex(window.span_model.index(claim_row, 1))
    assert window.state.selected_span().label == "claim"
    [extra] = window.article.text.extraSelections()
    start = offset_of(window, CLAIM)
    assert (extra.cursor.selectionStart(), extra.cursor.selectionEnd()) == (
        window.state.positions.to_qt(start),
        window.state.positions.to_qt(start + len(CLAIM)),
    )


def test_a_click_selects_the_character_under_the_pointer(window: MainWindow) -> None:
    from gui_helpers import click_at_x_fraction

    start = offset_of(window, ACTOR)
    end = start + len(ACTOR)
    drag_select(window, start, end)
    press(window, Qt.Key.Key_3)
    window.state.select(None)
    click_at_x_fraction(window, end - 1, 0.85)  # right half of the last letter: inside
    assert window.state.selected_span() is not None
    window.state.select(None)
    click_at_x_fraction(window, start - 1, 0.85)  # right half of the space before: outside
    assert window.state.selected_span() is None


def test_nested_spans_stay_visible_and_each_can_be_selected(window: MainWindow) -> None:
    inner = offset_of(window, "NATO membership for Ukraine")
    outer = offset_of(window, CLAIM)
    drag_select(window, outer, outer + len(CLAIM))
    press(window, Qt.Key.Key_1)
    drag_select(window, inner, inner + len("NATO"))
    press(window, Qt.Key.Key_3)
    fmt = _char_format(window, inner + 1)
    assert fmt.underlineStyle() != fmt.UnderlineStyle.NoUnderline  # the outer claim shows
    assert fmt.background().style() != Qt.BrushStyle.NoBrush  # the inner actor shows
    window.state.select(None)
    click(window, inner + 1)
    assert window.state.selected_span().label == "actor"  # innermost first
    click(window, inner + 1)
    assert window.state.selected_span().label == "claim"  # click again: the one around it


def test_delete_and_relabel_with_keys_then_undo_redo(window: MainWindow, seed_db: Path) -> None:
    start = offset_of(window, ACTOR)
    drag_select(window, start, start + len(ACTOR))
    press(window, Qt.Key.Key_3)
    assert window.state.selected_span() is not None  # the new span is selected
    press(window, Qt.Key.Key_2)  # a label key on a selected span changes its label
    assert [r[0] for r in db_spans(seed_db)] == ["quote"]
    press(window, Qt.Key.Key_Delete)
    assert db_spans(seed_db) == []
    assert window.span_model.rowCount() == 0
    window.menus.undo_action.trigger()
    assert [r[0] for r in db_spans(seed_db)] == ["quote"]
    window.menus.undo_action.trigger()
    assert [r[0] for r in db_spans(seed_db)] == ["actor"]
    window.menus.undo_action.trigger()
    assert db_spans(seed_db) == []
    window.menus.redo_action.trigger()
    assert [r[0] for r in db_spans(seed_db)] == ["actor"]
    assert window.span_model.rowCount() == 1


def test_context_menu_offers_the_labels(window: MainWindow, seed_db: Path, monkeypatch) -> None:
    start = offset_of(window, ACTOR)
    drag_select(window, start, start + len(ACTOR))
    view = window.article.text
    QApplication.sendEvent(view.viewport(), _context_event(view))
    menu = view.findChild(QMenu, "spanMenu")
    assert menu is not None and menu.isVisible()
    texts = [a.text() for a in menu.actions()]
    assert "3  actor" in texts and "&Delete span or link" in texts and "&Link to its actor…" in texts
    next(a for a in menu.actions() if a.data() == "actor").trigger()
    menu.close()
    assert [r[0] for r in db_spans(seed_db)] == ["actor"]


def test_tooltip_shows_label_annotator_and_text(window: MainWindow, monkeypatch) -> None:
    start = offset_of(window, ACTOR)
    drag_select(window, start, start + len(ACTOR))
    press(window, Qt.Key.Key_3)
    shown: list[str] = []
    monkeypatch.setattr(QToolTip, "showText", lambda _pos, text, *_a: shown.append(text))
    from gui_helpers import point_at

    point = point_at(window, start + 2)
    view = window.article.text
    event = QHelpEvent(QEvent.Type.ToolTip, point, view.viewport().mapToGlobal(point))
    QApplication.sendEvent(view.viewport(), event)
    assert shown and "actor" in shown[0] and "alice" in shown[0] and ACTOR in shown[0]


def test_label_key_without_selection_explains(window: MainWindow, seed_db: Path) -> None:
    window.state.select(None)
    press(window, Qt.Key.Key_1)
    assert "Select some text" in window.statusBar().currentMessage()
    assert db_spans(seed_db) == []


def test_a_refused_write_is_reported_kept_and_retried(
    window: MainWindow, seed_db: Path, errors, monkeypatch
) -> None:
    """Not shown as saved, not lost either: Retry saving (Ctrl+S) saves it later
    (more in tests/test_safety_faults.py)."""

    def full(_span):
        raise StoreError("annotations.db: the disk is full")

    real = window.store.add_span
    monkeypatch.setattr(window.store, "add_span", full)
    start = offset_of(window, ACTOR)
    drag_select(window, start, start + len(ACTOR))
    press(window, Qt.Key.Key_3)
    assert errors and "disk is full" in errors[0] and "kept" in errors[0]
    assert len(window.state.spans) == 0 and window.span_model.rowCount() == 0
    assert "not saved" in window.statusBar().saved_label.text() and db_spans(seed_db) == []
    monkeypatch.setattr(window.store, "add_span", real)  # the disk has room again
    QTest.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert [row[3] for row in db_spans(seed_db)] == [ACTOR]
    assert window.span_model.rowCount() == 1 and "All changes saved" in window.statusBar().saved_label.text()
    assert window.undo_stack.count() == 1


def test_emoji_and_crlf_article_keeps_exact_offsets(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "emoji.db"
    text = "Intro 😀👩‍👩‍👧 line\r\nThe minister — said “we will not” 🇺🇦 today.\r\nEnd é"
    from annotator.formats import plaintext

    source = tmp_path / "emoji.txt"
    source.write_bytes(text.encode("utf-8"))
    with Store.open(path) as s:
        s.import_documents([plaintext.read(source)], annotator="import")
    window = make_window(qtbot, path)
    stored = window.state.document.text
    assert "\r" not in stored
    needle = "“we will not” 🇺🇦"
    start = stored.index(needle)
    drag_select(window, start, start + len(needle))
    press(window, Qt.Key.Key_2)
    [(_label, s, e, span_text, _who, actual)] = db_spans(path)
    assert span_text == needle == actual and stored[s:e] == needle
    window.close()


def test_item_models_pass_the_model_tester(qtmodeltester, window: MainWindow) -> None:
    for needle, key in ((ACTOR, Qt.Key.Key_3), (CLAIM, Qt.Key.Key_1)):
        start = offset_of(window, needle)
        drag_select(window, start, start + len(needle))
        press(window, key)
    qtmodeltester.check(window.span_model)
    qtmodeltester.check(window.documents)
    spare = SpanTableModel(window.state)
    qtmodeltester.check(spare)
    docs = DocumentTableModel(window.store, annotator="alice")
    docs.refresh()
    qtmodeltester.check(docs)
    docs.sort(3, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(docs)


def test_first_run_creates_the_database_and_asks_the_name_once(
    qtbot, annotator_home, monkeypatch
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(
        QInputDialog, "getText", lambda *_a, **_k: (asked.append("asked"), ("Carol", True))[1]
    )
    window = gui_app.open_window(None)
    qtbot.addWidget(window)
    db = annotator_home / "data" / "annotations.db"
    assert db.is_file()
    assert window.state.document.meta.title.startswith("Lavrov Warns")
    assert window.annotator == "Carol" and asked == ["asked"]
    window.close()
    second = gui_app.open_window(None)
    qtbot.addWidget(second)
    assert asked == ["asked"] and second.annotator == "Carol"
    assert second.documents.rowCount() == 1  # seeds are imported once
    second.close()


def test_opening_a_file_that_is_not_a_database_says_why(qtbot, tmp_path: Path, errors) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("shopping list\n", encoding="utf-8")
    before = bogus.read_bytes()
    assert gui_app.open_window(bogus, annotator="alice") is None
    assert errors and "not an Annotator database" in errors[0] and "notes.db" in errors[0]
    assert bogus.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home", "notes.db"] or sorted(
        p.name for p in tmp_path.iterdir()
    ) == ["notes.db"]


def test_import_of_a_bad_file_from_the_window_changes_nothing(
    window: MainWindow, qtbot, tmp_path: Path, errors, monkeypatch
) -> None:
    good = tmp_path / "good.txt"
    good.write_text("A fine article.\n", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"caf\xe9 au lait\n")
    monkeypatch.setattr(
        QFileDialog, "getOpenFileNames", lambda *_a, **_k: ([str(good), str(bad)], "")
    )
    window.menus.import_action.trigger()
    qtbot.keyClick(window.jobs.dialog, Qt.Key.Key_Return)  # the import dialog: Import
    qtbot.waitUntil(lambda: bool(errors), timeout=10000)
    assert "bad.txt" in errors[0] and "line 1" in errors[0]
    assert window.store.document_count() == 1
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *_a, **_k: ([str(good)], ""))
    window.menus.import_action.trigger()
    qtbot.keyClick(window.jobs.dialog, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.documents.rowCount() == 2, timeout=10000)
    assert window.store.document_count() == 2
    assert "1 document(s) added" in window.statusBar().currentMessage()


def test_a_cancelled_import_leaves_the_database_unchanged(
    window: MainWindow, qtbot, tmp_path: Path
) -> None:
    files = []
    for i in range(30):
        f = tmp_path / f"a{i}.txt"
        f.write_text(f"Article number {i}.\n", encoding="utf-8")
        files.append(f)
    from annotator.gui import tasks

    started = []
    real = tasks.Task._report

    def slow_report(self, done, total):  # cancel as soon as the work reports progress
        if not started:
            started.append(done)
            self.cancel()
        real(self, done, total)

    tasks.Task._report = slow_report
    try:
        window.import_files(files)
        qtbot.waitUntil(lambda: "cancelled" in window.statusBar().currentMessage(), timeout=10000)
    finally:
        tasks.Task._report = real
    assert window.store.document_count() == 1
    assert "cancelled" in window.statusBar().currentMessage()


def test_search_status_and_next_unfinished(window: MainWindow, qtbot) -> None:
    docs = [
        IncomingDocument(
            f"Report {i}: the {word} minister spoke.",
            f"r{i}",
            DocumentMeta(title=f"Report {i}"),
            "test",
        )
        for i, word in enumerate(["finance", "defence", "finance"])
    ]
    window.store.import_documents(docs, annotator="import")
    window.reload_documents()
    assert window.documents.rowCount() == 4
    window.doc_panel.search.setText("finan")
    qtbot.waitUntil(lambda: window.documents.rowCount() == 2)
    assert {window.documents.summary(r).title for r in range(2)} == {"Report 0", "Report 2"}
    window.doc_panel.search.clear()
    qtbot.waitUntil(lambda: window.documents.rowCount() == 4)

    # The sample is open: mark it done; the next unfinished article opens.
    QTest.keyClick(window.article.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.store.status(window.store.document_ids()[0], "alice") == "done"
    assert window.state.document.meta.title == "Report 0"
    window.doc_panel.status.setCurrentIndex(window.doc_panel.status.findData("done"))
    assert window.documents.rowCount() == 1
    window.doc_panel.status.setCurrentIndex(0)
    # A span makes the article "in progress" for its annotator.
    start = offset_of(window, "minister")
    drag_select(window, start, start + len("minister"))
    press(window, Qt.Key.Key_3)
    row = window.documents.row_of(window.state.document.id)
    # the list's row follows once the burst of edits is over (a fraction of a second)
    qtbot.waitUntil(lambda: window.documents.data(window.documents.index(row, 4)) == "In progress")
    assert window.documents.data(window.documents.index(row, 3)) == 1


def test_next_article_key_moves_through_documents(window: MainWindow) -> None:
    doc = IncomingDocument("Second article text.", "second", DocumentMeta(title="Second"), "test")
    window.store.import_documents([doc], annotator="import")
    window.reload_documents()
    QApplication.processEvents()
    window.menus.next_doc_action.trigger()
    assert window.state.document.meta.title == "Second"
    assert window.statusBar().position_label.text() == "Document 2 of 2 · To do"


def _char_format(window: MainWindow, offset: int):
    cursor = QTextCursor(window.article.text.document())
    cursor.setPosition(window.state.positions.to_qt(offset) + 1)
    return cursor.charFormat()


def _context_event(view):
    from PySide6.QtGui import QContextMenuEvent

    pos = QPoint(10, 10)
    return QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, view.viewport().mapToGlobal(pos))


def test_export_from_the_window_and_a_cancelled_one(window: MainWindow, qtbot, tmp_path) -> None:
    import json

    from annotator.gui import tasks

    target = tmp_path / "out.jsonl"
    window.export_file(target)
    qtbot.waitUntil(lambda: "Exported 1 document" in window.statusBar().currentMessage(),
                    timeout=10000)
    [record] = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert record["meta"]["title"].startswith("Lavrov")
    before = target.read_bytes()
    real = tasks.Task._report

    def cancel_first(self, done, total):
        self.cancel()
        real(self, done, total)

    tasks.Task._report = cancel_first
    try:
        window.export_file(target)  # the thread may finish before a waitSignal could connect
        qtbot.waitUntil(lambda: "Export cancelled" in window.statusBar().currentMessage(),
                        timeout=10000)
    finally:
        tasks.Task._report = real
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_opening_the_article_again_keeps_the_reading_size(window: MainWindow) -> None:
    """The text begins with blank lines, set small; the cursor resting on one must not hand
    its size to the whole text when the article is opened again (after a verdict, a scheme
    change...)."""
    offset = offset_of(window, CLAIM)
    size = _char_format(window, offset).font().pointSizeF()
    assert size >= 10
    window.article.text.moveCursor(QTextCursor.MoveOperation.Start)  # on a blank line
    window.open_document(window.state.document.id, again=True)
    assert _char_format(window, offset).font().pointSizeF() == size
    window.open_document(window.state.document.id, again=True)
    assert _char_format(window, offset).font().pointSizeF() == size


def test_long_work_reports_progress_a_few_times_a_second_and_always_its_end(qtbot) -> None:
    """Work on a large corpus reports every document; the window is told at most every
    50 ms (a signal per document would flood its event loop), and always of the last one.
    Cancel is still seen at the very next report."""
    import time

    from annotator.gui import tasks

    def work(progress):
        for done in range(1, 20_001):
            progress(done, 20_000)
        time.sleep(0.06)
        progress(20_000, 20_000)
        return "ok"

    task = tasks.Task(work)
    seen: list[tuple[int, int]] = []
    task.progressed.connect(lambda done, total: seen.append((done, total)))
    with qtbot.waitSignal(task.succeeded, timeout=10_000):
        task.start()
    qtbot.waitUntil(lambda: seen and seen[-1] == (20_000, 20_000))
    assert seen[0] == (1, 20_000)  # the first report goes through at once
    assert len(seen) < 100  # not 20,000

    cancelled = tasks.Task(work)
    cancelled.cancel()
    with qtbot.waitSignal(cancelled.cancelled, timeout=10_000):
        cancelled.start()


def _many_spans_window(qtbot, tmp_path: Path, words: int) -> MainWindow:
    import re

    text = " ".join(f"word{i}" for i in range(words))
    spans = [
        IncomingSpan(m.start(), m.end(), "actor", id=f"s{n:03}")
        for n, m in enumerate(re.finditer(r"\S+", text))
        if n % 2 == 0
    ]
    path = tmp_path / "many.db"
    with Store.open(path) as store:
        store.import_documents(
            [IncomingDocument(text, "d", DocumentMeta(title="d"), "t", spans=spans)],
            annotator="gen",
        )
    window = MainWindow(store=Store.open(path), annotator="alice")
    qtbot.addWidget(window)
    window.resize(1300, 800)
    window.show()
    QApplication.processEvents()
    return window


def test_clicking_the_span_list_right_after_an_edit_acts_from_the_span_selected_now(
    qtbot, tmp_path: Path
) -> None:
    """During a burst of edits the list's selection waits; a click on the list ends the
    wait first, so clicking the row of the span selected before the edit selects it."""
    window = _many_spans_window(qtbot, tmp_path, 60)
    window.state.select("s002")
    QApplication.processEvents()
    text = window.state.document.text
    start = text.index("word41")
    drag_select(window, start, start + len("word41"))
    window.annotating.apply_label("quote")  # selects the new span; the list is held
    added = window.state.selected
    assert added != "s002"
    row = window.span_model.row_of("s002")
    rect = window.span_table.visualRect(window.span_model.index(row, 0))
    QTest.mouseClick(
        window.span_table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
        rect.center(),
    )
    assert window.state.selected == "s002"
    assert window.span_table.currentIndex().row() == row
    QTest.qWait(120)  # and the end of the hold does not bring the added span back
    assert window.state.selected == "s002"


def test_an_edit_that_keeps_the_selection_leaves_the_span_list_where_it_was_scrolled(
    qtbot, tmp_path: Path
) -> None:
    window = _many_spans_window(qtbot, tmp_path, 400)
    window.state.select("s000")
    QApplication.processEvents()
    bar = window.span_table.verticalScrollBar()
    bar.setValue(bar.maximum())  # looking further down the list
    QApplication.processEvents()
    before = bar.value()
    window.article.text.setFocus()
    window.annotating.apply_label("quote")  # relabels the selected span
    QTest.qWait(150)
    assert window.state.spans.get("s000").label == "quote"
    assert bar.value() == before
