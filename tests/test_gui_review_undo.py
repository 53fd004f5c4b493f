"""Issue 16, points 1-4 and 8, through the real review window driven by keys and mouse,
checked against the database: an edit survives A on its lane and a key that would change a
decided verdict asks; every verdict, edit and note undone and redone with the database in
step; A and R move to the next undecided group, Space crosses to the next article, Escape
closes; the gold span's edge dragged in the gold lane lands on a word boundary; notes shown
and a verdict's note exported with gold."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QInputDialog, QMessageBox

from annotator.cli import main
from annotator.core.ids import new_id, utc_now
from annotator.core.model import DocumentMeta, IncomingDocument, IncomingSpan, Span
from annotator.gui.annotate.window import MainWindow
from annotator.gui.review.window import ReviewWindow
from annotator.review.snapping import snap_edge
from annotator.store import Store
from test_gui_review import (
    LINKS,
    MARKS,
    current_text,
    gold,
    key,
    mark,
    open_main,
    open_review,
    rows,
    verdicts,
)

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
Button = QMessageBox.StandardButton

# "told the United States not to try to impose its will": alice has two spans in bob's one.
STATES = "the United States"
WILL = "impose its will"
BOBS = "the United States not to try to impose its will"


def add_spans(path: Path, marks: list[tuple[str, str, str, str | None]]) -> None:
    """(annotator, text, label, note) on the sample article's first occurrence of text."""
    with Store.open(path) as s:
        doc_id = s.document_ids()[0]
        text = s.document(doc_id).text
        for who, fragment, label, note in marks:
            i = text.index(fragment)
            now = utc_now()
            s.add_span(Span(new_id(), doc_id, i, i + len(fragment), label, fragment, who, now,
                            now, note))


@pytest.fixture
def states_db(seed_db: Path) -> Path:
    add_spans(seed_db, [
        ("alice", STATES, "actor", "the country, not its government"),
        ("alice", WILL, "claim", None),
        ("bob", BOBS, "claim", None),
        ("carol", "United States", "actor", None),
    ])
    return seed_db


@pytest.fixture
def window(qtbot, states_db: Path):
    w = open_main(qtbot, states_db)
    yield w
    w.close()


def everything(path: Path) -> tuple[list, list, list]:
    """Every decision row (all columns), gold span and gold link: what undo must restore."""
    return (
        rows(path, "SELECT * FROM decisions ORDER BY item"),
        rows(path, "SELECT * FROM spans WHERE annotator = 'gold' ORDER BY id"),
        rows(path, "SELECT * FROM relations WHERE annotator = 'gold' ORDER BY id"),
    )


def lane_point(review: ReviewWindow, name: str, offset: int) -> QPoint:
    view = review.compare.lanes[name].text
    review.compare.ensureWidgetVisible(view)
    return view.edge_point(offset) + QPoint(1, 0)


def drag_gold_edge(review: ReviewWindow, frm: int, to: int) -> None:
    """Press in the gold lane at article offset ``frm``, drag to ``to``, let go."""
    view = review.compare.lanes["gold"].text
    a, b = lane_point(review, "gold", frm), lane_point(review, "gold", to)
    QTest.mousePress(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    QTest.mouseMove(view.viewport(), b)
    QTest.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier, b)


def answers(monkeypatch, *buttons: Button) -> list[str]:
    """The change questions answered in turn with ``buttons``; their texts are kept."""
    asked: list[str] = []
    queue = list(buttons)

    def answer(box: QMessageBox, *_a) -> int:
        asked.append(box.text())
        return int(queue.pop(0))

    monkeypatch.setattr(QMessageBox, "exec", answer)
    return asked


def test_an_edit_dragged_in_the_gold_lane_survives_a_on_its_lane_and_undo_redo_keep_step(
    qtbot, window: MainWindow, states_db: Path, monkeypatch
) -> None:
    review = open_review(qtbot, window)
    text = review.document.text
    t = text.index(STATES)
    w = text.index(WILL)
    assert current_text(review) == BOBS
    empty = everything(states_db)

    # 1 picks alice; E opens the edit bar on her first span, the gold lane shows its edges.
    key(review, Qt.Key.Key_1)
    key(review, Qt.Key.Key_E)
    assert review.edit_bar.isVisible()
    assert review.edit_bar.result_range() == (t, t + len(STATES), "actor")
    assert review.compare.lanes["gold"].text.edges == (t, t + len(STATES))
    # The start edge dragged into the middle of "United" lands on the word's start.
    drag_gold_edge(review, t, t + 4 + 3)  # "the Uni|ted"
    assert review.compare.lanes["gold"].text.edges == (t + 4, t + len(STATES))
    assert review.edit_bar.result_range() == (t + 4, t + len(STATES), "actor")
    assert review.edit_bar.preview.text() == "“United States”"
    # The end edge dragged back into "States" goes on to its end (no word cut in two).
    drag_gold_edge(review, t + len(STATES), t + len(STATES) - 2)
    assert review.edit_bar.result_range()[:2] == (t + 4, t + len(STATES))
    key(review, Qt.Key.Key_Return)
    assert not review.edit_bar.isVisible() and review.compare.lanes["gold"].text.edges is None
    assert gold(states_db) == [(t + 4, t + len(STATES), "actor", "United States")]
    assert verdicts(states_db) == {
        ("alice", STATES): "edited",
        ("bob", BOBS): "rejected",
        ("carol", "United States"): "rejected",
    }
    assert current_text(review) == BOBS  # E does not move on: the rest of the lane waits
    after_edit = everything(states_db)

    # A on alice's lane accepts the rest: the edit stays (the bug of issue 16: it was
    # silently replaced by the original span).
    key(review, Qt.Key.Key_A)
    assert gold(states_db) == [
        (t + 4, t + len(STATES), "actor", "United States"),
        (w, w + len(WILL), "claim", WILL),
    ]
    assert verdicts(states_db)[("alice", STATES)] == "edited"
    assert verdicts(states_db)[("alice", WILL)] == "accepted"
    assert "kept the edit" in review.statusBar().currentMessage()
    after_accept = everything(states_db)

    # R would change two decided verdicts: the window says so and asks. Cancel: nothing;
    # No: only the undecided (none here): nothing either.
    while current_text(review) != BOBS:
        key(review, Qt.Key.Key_N)
    asked = answers(monkeypatch, Button.Cancel, Button.No)
    key(review, Qt.Key.Key_R)
    assert "alice's actor “the United States”: edited → rejected" in asked[0]
    assert "alice's claim “impose its will”: accepted → rejected" in asked[0]
    assert everything(states_db) == after_accept
    key(review, Qt.Key.Key_R)
    assert len(asked) == 2 and everything(states_db) == after_accept
    assert review.statusBar().currentMessage().startswith("Nothing changed")

    # Undo and redo (keys and the Edit menu), the database exactly in step each time.
    key(review, Qt.Key.Key_Z, CTRL)
    assert everything(states_db) == after_edit
    key(review, Qt.Key.Key_Z, CTRL)
    assert everything(states_db) == empty
    assert review.statusBar().currentMessage().startswith("Undone: Edit alice's actor")
    assert not review.key_actions.undo_step.isEnabled()
    key(review, Qt.Key.Key_Z, CTRL | SHIFT)
    assert everything(states_db) == after_edit  # the same gold span, the same id
    review.key_actions.redo_step.trigger()
    assert everything(states_db) == after_accept
    menus = [a.text() for a in review.menuBar().actions()]
    assert menus == ["&Edit", "&Go", "&Verdict"]
    edit_menu = review.menuBar().actions()[0].menu()
    assert [a.shortcut().toString() for a in edit_menu.actions()[:2]] == [
        "Ctrl+Z", "Ctrl+Shift+Z"
    ]
    # A new verdict after an undo drops the redo.
    key(review, Qt.Key.Key_Z, CTRL)
    key(review, Qt.Key.Key_3)  # carol's "United States" was rejected by the edit: A asks
    asked = answers(monkeypatch, Button.Yes)
    key(review, Qt.Key.Key_A)
    assert "carol's actor “United States”: rejected → accepted" in asked[0]
    assert verdicts(states_db)[("carol", "United States")] == "accepted"
    assert len(gold(states_db)) == 1  # the same gold span as the edit: reused, not doubled
    assert not review.undo_stack.canRedo()
    key(review, Qt.Key.Key_Z, CTRL)
    assert everything(states_db) == after_edit


def test_escape_cancels_an_edit_then_closes_the_window(
    qtbot, window: MainWindow, states_db: Path
) -> None:
    review = open_review(qtbot, window)
    key(review, Qt.Key.Key_1)
    key(review, Qt.Key.Key_E)
    assert review.edit_bar.isVisible()
    key(review, Qt.Key.Key_A)  # the deciding keys wait while the edit is open
    assert verdicts(states_db) == {}
    key(review, Qt.Key.Key_Escape)
    assert not review.edit_bar.isVisible() and review.isVisible()
    key(review, Qt.Key.Key_Escape)
    assert not review.isVisible()


@pytest.fixture
def three_db(seed_db: Path) -> Path:
    return mark(seed_db, MARKS, LINKS)


@pytest.fixture
def three_window(qtbot, three_db: Path):
    w = open_main(qtbot, three_db)
    yield w
    w.close()


def test_a_and_r_move_to_the_next_undecided_group_and_undo_restores_links(
    qtbot, three_window: MainWindow, three_db: Path
) -> None:
    path = three_db
    review = open_review(qtbot, three_window)
    while current_text(review) != "Vladimir Putin":
        key(review, Qt.Key.Key_N)
    key(review, Qt.Key.Key_3)
    key(review, Qt.Key.Key_A)  # carol's: alice's Putin rejected, her link with it
    assert current_text(review).startswith("Moscow has long said")  # the next undecided
    before_claim = everything(path)
    key(review, Qt.Key.Key_A)  # carol's lane: her claim with alice's twin; her link follows
    links = rows(path, "SELECT label FROM relations WHERE annotator = 'gold'")
    assert links == [("claimed_by",)]
    # The decided Putin group is skipped: on from the claim, around to the title's NATO.
    assert current_text(review) == "NATO"
    key(review, Qt.Key.Key_Z, CTRL)  # the claim, its gold span and the gold link gone
    assert everything(path) == before_claim
    assert current_text(review).startswith("Moscow has long said")  # shown where undone
    key(review, Qt.Key.Key_Z, CTRL | SHIFT)
    assert rows(path, "SELECT label FROM relations WHERE annotator = 'gold'") == links
    # R moves on too: from Mongi (carol has none there: pick alice), past decided groups.
    while current_text(review) != "Mongi Hamdi":
        key(review, Qt.Key.Key_N)
    key(review, Qt.Key.Key_1)
    key(review, Qt.Key.Key_R)
    assert verdicts(path)[("alice", "Mongi Hamdi")] == "rejected"
    assert current_text(review) == "Mongi Hamdi"  # bob's quote there is still undecided
    key(review, Qt.Key.Key_2)
    key(review, Qt.Key.Key_R)
    assert current_text(review) == "NATO"  # Putin and the claim are decided


def test_space_goes_to_the_next_undecided_group_across_articles(qtbot, seed_db: Path) -> None:
    mark(seed_db, MARKS, LINKS)
    second = "Second article. Kyiv said Paris agreed."
    with Store.open(seed_db) as s:
        s.import_documents(
            [IncomingDocument(second, "two", DocumentMeta(title="Second"), "test", spans=[
                IncomingSpan(16, 20, "actor", annotator="alice"),
                IncomingSpan(16, 20, "actor", annotator="bob"),
            ])],
            annotator="import",
        )
    window = open_main(qtbot, seed_db)
    try:
        review = open_review(qtbot, window)
        first = review.document.id
        seen = []
        for _ in range(5):  # NATO, Lavrov (agreed, but undecided), Mongi, Putin, the claim
            seen.append(current_text(review))
            key(review, Qt.Key.Key_Space)
        assert seen[0] == "NATO" and "Sergei Lavrov" in seen and len(set(seen)) == 5
        assert review.document.id != first and current_text(review) == "Kyiv"
        assert "next article with undecided spans" in review.statusBar().currentMessage()
        key(review, Qt.Key.Key_A)  # decided: the second article is done
        key(review, Qt.Key.Key_Space)  # back around to the first article's undecided
        assert review.document.id == first and current_text(review) == "NATO"
    finally:
        window.close()


def test_notes_are_shown_and_a_verdict_note_is_exported_with_gold(
    qtbot, window: MainWindow, states_db: Path, monkeypatch, tmp_path: Path
) -> None:
    review = open_review(qtbot, window)
    alice = review.compare.lanes["alice"]
    assert alice.notes.isVisible() and alice.notes.text().endswith("1 note</u>")
    assert "the country, not its government" in alice.notes.toolTip()
    row = review.model.row_of(review.current)
    notes_column = review.model.columnCount() - 1
    assert review.model.headers()[-1] == "Notes"
    assert review.model.index(row, notes_column).data() == "alice: the country, not its government"
    # Ctrl+N before a verdict: said, nothing asked.
    key(review, Qt.Key.Key_1)
    key(review, Qt.Key.Key_N, CTRL)
    assert review.statusBar().currentMessage().startswith("A note goes with a verdict")
    key(review, Qt.Key.Key_3)
    key(review, Qt.Key.Key_A)  # carol's "United States" into gold; alice's and bob's rejected
    while current_text(review) != BOBS:
        key(review, Qt.Key.Key_N)
    key(review, Qt.Key.Key_3)
    asked = []

    def note(_parent, title, label, text, *_a, **_k):
        asked.append((title, text))
        return "Trimmed: the article is not part of the actor.", True

    monkeypatch.setattr(QInputDialog, "getMultiLineText", note)
    key(review, Qt.Key.Key_N, CTRL)
    assert asked == [("Note on the verdict", "")]
    assert rows(states_db, "SELECT note FROM decisions WHERE note IS NOT NULL") == [
        ("Trimmed: the article is not part of the actor.",)
    ]
    assert "Trimmed" in review.compare.lanes["gold"].notes.toolTip()
    assert "review (carol): Trimmed" in review.model.index(
        review.model.row_of(review.current), notes_column
    ).data(Qt.ItemDataRole.ToolTipRole)
    key(review, Qt.Key.Key_Z, CTRL)  # the note is undone like a verdict
    assert rows(states_db, "SELECT note FROM decisions WHERE note IS NOT NULL") == []
    key(review, Qt.Key.Key_Z, CTRL | SHIFT)
    window.close()

    out = tmp_path / "gold.jsonl"
    result = CliRunner().invoke(
        main, ["export", str(states_db), "-o", str(out), "--layer", "gold"]
    )
    assert result.exit_code == 0, result.output
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    [span] = record["spans"]
    assert span["text"] == "United States" and span["annotator"] == "gold"
    assert span["note"] == "Trimmed: the article is not part of the actor."


def test_a_refused_verdict_leaves_nothing_to_undo(qtbot, window: MainWindow) -> None:
    review = open_review(qtbot, window)
    review.reviewer = lambda: "gold"  # reserved: the store refuses
    key(review, Qt.Key.Key_A)
    assert review.statusBar().currentMessage().startswith("Not decided:")
    assert review.undo_stack.count() == 0 and not review.undo_stack.canUndo()


def test_an_edge_snaps_to_a_word_boundary() -> None:
    text = "told the United States not to try"
    t = text.index("the")
    assert snap_edge(text, t + 6, "start", 22) == t + 4  # inside "United": its start
    assert snap_edge(text, t + 3, "start", 22) == t + 4  # on the space: what follows
    assert snap_edge(text, 20, "end", t) == 22  # inside "States": its end
    assert snap_edge(text, 23, "end", t) == 22  # after the space: back before it
    assert snap_edge(text, 40, "end", t) == len(text)
    assert snap_edge(text, 30, "start", t + 1) == t  # never past the other edge


def test_undo_of_a_verdict_still_waiting_for_the_lock_drops_it_and_redo_makes_it(
    qtbot, window: MainWindow, states_db: Path
) -> None:
    review = open_review(qtbot, window)
    locker = sqlite3.connect(states_db, timeout=0)
    locker.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    try:
        key(review, Qt.Key.Key_1)
        key(review, Qt.Key.Key_A)
        assert review.writer.pending  # waiting, not lost
        key(review, Qt.Key.Key_Z, CTRL)  # dropped before it reached the file
        assert not review.writer.pending
    finally:
        locker.rollback()
        locker.close()
    assert verdicts(states_db) == {}
    key(review, Qt.Key.Key_Z, CTRL | SHIFT)  # made now, as the first time
    qtbot.waitUntil(lambda: not review.writer.pending)
    assert verdicts(states_db)[("alice", WILL)] == "accepted"
    key(review, Qt.Key.Key_Z, CTRL)
    assert verdicts(states_db) == {} and gold(states_db) == []


def test_a_key_on_a_decided_link_asks_and_undo_in_another_article_goes_there(
    qtbot, three_window: MainWindow, three_db: Path, monkeypatch
) -> None:
    review = open_review(qtbot, three_window)
    with Store.open(three_db) as s:
        s.set_document_note(s.document_ids()[0], "Second half is an interview.")
    review.reload()
    assert "article note:</i> Second half is an interview." in review.compare.place.text()
    while current_text(review) != "Vladimir Putin":
        key(review, Qt.Key.Key_N)
    key(review, Qt.Key.Key_3)
    key(review, Qt.Key.Key_A)
    key(review, Qt.Key.Key_A)  # moved on to the claim: carol's, her link follows into gold
    assert rows(three_db, "SELECT r.annotator, d.verdict FROM decisions d "
                "JOIN relations r ON r.id = d.item WHERE r.annotator = 'carol'") == [
        ("carol", "accepted")
    ]
    key(review, Qt.Key.Key_L)
    [row] = [i for i, r in enumerate(review.links_model.links) if r.annotator == "carol"]
    review.select_link(row)
    asked = answers(monkeypatch, Button.Cancel)
    before = everything(three_db)
    key(review, Qt.Key.Key_R)
    assert "carol's claimed_by link: accepted → rejected" in asked[0]
    assert everything(three_db) == before
    key(review, Qt.Key.Key_L)
    # An undo made after moving to another article opens the article it happened in.
    first = review.document.id
    with Store.open(three_db) as s:
        s.import_documents(
            [IncomingDocument("Kyiv said no.", "two", DocumentMeta(title="Two"), "test",
                              spans=[IncomingSpan(0, 4, "actor", annotator="alice")])],
            annotator="import",
        )
    review.reload()
    key(review, Qt.Key.Key_PageDown, CTRL)
    assert review.document.id != first
    key(review, Qt.Key.Key_Z, CTRL)
    assert review.document.id == first
    assert current_text(review).startswith("Moscow has long said")
    assert review.statusBar().currentMessage().startswith("Undone: Accept carol's reading")


def test_an_edge_dragged_over_emoji_lands_on_exact_offsets(qtbot, tmp_path: Path) -> None:
    """Python offsets and Qt's UTF-16 positions differ after the emoji: the drag still
    lands on the word's first character, and gold holds exactly that text."""
    text = "Hi 👩\u200d👩\u200d👧 and 🇺🇦: Олена Ковальчук 💪 said no.\r\nNext line.\r\n"
    who = text.index("Ковальчук")
    path = tmp_path / "emoji.db"
    spans = [
        IncomingSpan(who, text.index(" no."), "actor", annotator="alice"),
        IncomingSpan(who, who + len("Ковальчук"), "actor", annotator="bob"),
    ]
    with Store.open(path) as s:
        s.import_documents(
            [IncomingDocument(text, "e", DocumentMeta(title="E"), "test", id="e", spans=spans)],
            annotator="import",
        )
    window = open_main(qtbot, path)
    try:
        review = open_review(qtbot, window)
        key(review, Qt.Key.Key_1)
        key(review, Qt.Key.Key_E)
        olena = text.index("Олена")
        drag_gold_edge(review, who, olena + 2)  # the start edge into "Ол|ена"
        assert review.edit_bar.result_range()[:2] == (olena, text.index(" no."))
        key(review, Qt.Key.Key_Return)
        [(start, end, label, stored)] = gold(path)
        assert (start, end) == (olena, text.index(" no."))
        assert stored == text[start:end] == "Олена Ковальчук 💪 said"
    finally:
        window.close()


def test_the_lanes_take_the_height_they_need_and_the_table_the_rest(
    qtbot, three_window: MainWindow
) -> None:
    review = open_review(qtbot, three_window)
    review.resize(1400, 900)
    qtbot.wait(50)

    def band() -> int:  # the empty height under the last lane
        return review.split.sizes()[0] - review.compare.widget().sizeHint().height()

    qtbot.waitUntil(lambda: abs(band()) <= 12)
    rows_shown = review.table.viewport().height() // review.table.rowHeight(0)
    assert rows_shown >= 10
    while current_text(review) != "Mongi Hamdi":  # a taller paragraph: the lanes grow
        key(review, Qt.Key.Key_N)
    qtbot.waitUntil(lambda: abs(band()) <= 12)
    assert review.split.sizes()[0] <= sum(review.split.sizes()) * 2 // 3
    # Dragged by hand, the splitter stays where the reviewer put it.
    handle = review.split.handle(1)
    middle = handle.rect().center()
    QTest.mousePress(handle, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, middle)
    QTest.mouseMove(handle, middle + QPoint(0, -120))
    QTest.mouseRelease(handle, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       middle + QPoint(0, -120))
    dragged = review.split.sizes()[0]
    assert abs(band()) > 60  # the reviewer made the lanes smaller than they need
    key(review, Qt.Key.Key_N)
    qtbot.wait(20)
    assert review.split.sizes()[0] == dragged


def test_a_note_written_in_the_main_window_reaches_the_lanes(
    qtbot, window: MainWindow, states_db: Path
) -> None:
    review = open_review(qtbot, window)
    bob = review.compare.lanes["bob"]
    assert not bob.notes.isVisible()
    [span] = [s for s in review.spans if s.annotator == "bob"]
    window.store.set_span_note(span.id, "too long: the claim is the second half")
    review.reload()
    assert bob.notes.isVisible() and "too long" in bob.notes.toolTip()
    row = review.model.row_of(review.current)
    assert "bob: too long" in review.model.index(row, review.model.columnCount() - 1).data()
