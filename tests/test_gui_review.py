"""Issue 5 through the real window: Review ▸ Compare annotators walked and decided with the
keys, Export for review and Open for review through the File menu (a refused file named
with its reason, the database unchanged), and the agreement view's figures."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from annotator.core.ids import new_id, utc_now
from annotator.core.model import Relation, Span
from annotator.gui.annotate.window import MainWindow
from annotator.gui.review.agreement_view import AgreementModel, figure_text
from annotator.gui.review.models import GroupTableModel
from annotator.gui.review.window import ReviewWindow
from annotator.review.agreement import from_store
from annotator.store import Store

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
CLAIM = (
    "Moscow has long said it will regard NATO membership for Ukraine as a national security threat."
)

MARKS = {
    "alice": [
        ("Sergei Lavrov", "actor"),
        (CLAIM, "claim"),
        ("Mongi Hamdi", "actor"),
        ("Putin", "actor"),
    ],
    "bob": [
        ("Sergei Lavrov", "actor"),
        (CLAIM[21:-1], "claim"),
        ("Mongi Hamdi", "quote"),
        ("Vladimir Putin", "actor"),
    ],
    "carol": [
        ("Sergei Lavrov", "actor"),
        (CLAIM, "claim"),
        ("Vladimir Putin", "actor"),
        ("NATO", "actor"),
    ],
}


def mark(path: Path, marks: dict[str, list[tuple[str, str]]], links=()) -> Path:
    """Spans by each annotator on the sample article (first occurrence of each text), and
    ``links``: (annotator, source text, target text) as claimed_by relations."""
    with Store.open(path) as s:
        doc_id = s.document_ids()[0]
        text = s.document(doc_id).text
        made = {}
        for who, spans in marks.items():
            for fragment, label in spans:
                i = text.index(fragment)
                now = utc_now()
                span = Span(new_id(), doc_id, i, i + len(fragment), label, fragment, who, now, now)
                s.add_span(span)
                made[who, fragment] = span.id
        for who, source, target in links:
            now = utc_now()
            s.add_relation(
                Relation(
                    new_id(),
                    doc_id,
                    "claimed_by",
                    made[who, source],
                    made[who, target],
                    who,
                    now,
                    now,
                )
            )
    return path


LINKS = [("alice", CLAIM, "Putin"), ("carol", CLAIM, "Vladimir Putin")]


def rows(path: Path, sql: str, args: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def gold(path: Path) -> list[tuple]:
    return rows(
        path,
        "SELECT start, end, label, text FROM spans WHERE annotator = 'gold' ORDER BY start, end",
    )


def verdicts(path: Path) -> dict[tuple[str, str], str]:
    """(annotator, span text) -> verdict."""
    return {
        (who, text): verdict
        for who, text, verdict in rows(
            path,
            "SELECT s.annotator, s.text, d.verdict FROM decisions d JOIN spans s ON s.id = d.item",
        )
    }


def link_verdicts(path: Path) -> dict[str, str]:
    """annotator of the relation -> verdict."""
    return dict(
        rows(
            path, "SELECT r.annotator, d.verdict FROM decisions d JOIN relations r ON r.id = d.item"
        )
    )


def gold_links(path: Path) -> list[tuple]:
    return rows(
        path,
        "SELECT r.label, a.text, b.text FROM relations r JOIN spans a ON a.id = r.source "
        "JOIN spans b ON b.id = r.target WHERE r.annotator = 'gold'",
    )


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def three_db(seed_db: Path) -> Path:
    return mark(seed_db, MARKS, LINKS)


def open_main(qtbot, path: Path) -> MainWindow:
    w = MainWindow(store=Store.open(path), annotator="rita")
    qtbot.addWidget(w)
    w.show()
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w)
    w.article.text.setFocus()
    return w


@pytest.fixture
def window(qtbot, three_db: Path):
    w = open_main(qtbot, three_db)
    yield w
    w.close()


def open_review(qtbot, window: MainWindow) -> ReviewWindow:
    QTest.keyClick(window.article.text, Qt.Key.Key_R, CTRL | SHIFT)
    review = window.review_window
    assert review is not None and review.isVisible()
    review.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is review)
    return review


def key(review: ReviewWindow, k: Qt.Key, mods=Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(QApplication.focusWidget() or review, k, mods)


def current_text(review: ReviewWindow) -> str:
    g = review.current
    return review.document.text[g.start : g.end]


def drag_in_lane(review: ReviewWindow, annotator: str, start: int, end: int) -> None:
    """Select [start, end) of the article with the mouse in ``annotator``'s lane."""
    view = review.compare.lanes[annotator].text
    review.compare.ensureWidgetVisible(view)

    def point(offset: int) -> QPoint:
        cursor = QTextCursor(view.document())
        cursor.setPosition(view.positions.to_qt(offset - view.offset))
        rect = view.cursorRect(cursor)
        return QPoint(rect.x() + 1, rect.center().y())

    a, b = point(start), point(end)
    QTest.mousePress(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    QTest.mouseMove(view.viewport(), b)
    QTest.mouseRelease(
        view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b
    )


def test_disagreements_walked_and_decided_with_the_keys(
    qtbot, window: MainWindow, three_db: Path, qtmodeltester, monkeypatch
) -> None:
    review = open_review(qtbot, window)
    qtmodeltester.check(review.model)
    text = review.document.text
    assert review.annotators == ["alice", "bob", "carol"]
    assert list(review.compare.lanes) == ["alice", "bob", "carol", "gold"]
    # The table: every group, one column per annotator, the agreement mark.
    assert review.model.rowCount() == 5
    headers = review.model.headers()
    assert headers[2:5] == ["alice", "bob", "carol"]
    lavrov = review.model.row_of(next(g for g in review.groups if g.agreed))
    assert review.model.index(lavrov, 5).data() == "✓"
    assert review.bar.doc_progress.text() == "This article: <b>0 of 14</b> decided"

    # It opens on the first disagreement: carol's NATO in the title.
    assert current_text(review) == "NATO"
    key(review, Qt.Key.Key_N)
    assert current_text(review) == "Mongi Hamdi"  # the agreed Lavrov is skipped
    mongi = review.model.row_of(review.current)
    assert review.model.index(mongi, 2).data() == "actor"
    assert review.model.index(mongi, 3).data() == "quote"
    assert review.model.index(mongi, 4).data() == "—"
    assert review.table.currentIndex().row() == mongi
    # Each lane shows its annotator's spans only.
    assert review.compare.lanes["carol"].state.text() == "no span here"
    assert "Mongi Hamdi" in review.compare.lanes["bob"].text.toPlainText()

    # 1 picks alice, A takes her reading: her actor into gold, bob's quote rejected; the
    # window moves on to the next undecided group (issue 16), Shift+N comes back.
    key(review, Qt.Key.Key_1)
    key(review, Qt.Key.Key_A)
    assert current_text(review) == "Vladimir Putin"
    key(review, Qt.Key.Key_N, SHIFT)
    assert current_text(review) == "Mongi Hamdi"
    i = text.index("Mongi Hamdi")
    assert gold(three_db) == [(i, i + 11, "actor", "Mongi Hamdi")]
    assert verdicts(three_db) == {
        ("alice", "Mongi Hamdi"): "accepted",
        ("bob", "Mongi Hamdi"): "rejected",
    }
    assert review.compare.lanes["alice"].state.text() == "✓ accepted"
    assert review.compare.lanes["gold"].state.text() == "1 gold span(s) here"
    assert review.model.index(mongi, 6).data() == "alice ✓ · bob ✗"
    assert review.bar.doc_progress.text() == "This article: <b>2 of 14</b> decided"
    assert "2 of 14" in review.bar.corpus_progress.text()

    # J is N: on to Putin; 2 picks bob's "Vladimir Putin", carol's identical span goes too.
    key(review, Qt.Key.Key_J)
    assert current_text(review) == "Vladimir Putin"
    key(review, Qt.Key.Key_2)
    key(review, Qt.Key.Key_A)
    p = text.index("Vladimir Putin")
    assert (p, p + 14, "actor", "Vladimir Putin") in gold(three_db)
    assert verdicts(three_db)[("carol", "Vladimir Putin")] == "accepted"
    assert verdicts(three_db)[("alice", "Putin")] == "rejected"
    # alice's link from her claim to her rejected "Putin" cannot be in gold: rejected with it.
    assert link_verdicts(three_db) == {"alice": "rejected"}

    # The claim (A moved on to it): a selection in alice's lane, snapped to words, edited
    # into gold with E; the edit bar shows the range, Return applies it.
    assert current_text(review) == CLAIM
    c = text.index(CLAIM)
    drag_in_lane(review, "alice", c + 9, c + len(CLAIM) - 4)  # "s long said ... thr"
    key(review, Qt.Key.Key_3)  # carol's lane
    key(review, Qt.Key.Key_E)
    edited = (c + 7, c + len(CLAIM) - 1, "claim")  # "has long said ... threat"
    assert review.edit_bar.isVisible() and review.edit_bar.result_range() == edited
    key(review, Qt.Key.Key_Return)
    assert not review.edit_bar.isVisible()
    assert (c + 7, c + len(CLAIM) - 1, "claim", text[c + 7 : c + len(CLAIM) - 1]) in gold(three_db)
    claims = {k: v for k, v in verdicts(three_db).items() if "NATO membership" in k[1]}
    assert claims == {
        ("carol", CLAIM): "edited",
        ("alice", CLAIM): "rejected",
        ("bob", CLAIM[21:-1]): "rejected",
    }

    # carol's link has both its spans in gold now: it follows them.
    assert link_verdicts(three_db) == {"alice": "rejected", "carol": "accepted"}
    assert gold_links(three_db) == [
        ("claimed_by", text[c + 7 : c + len(CLAIM) - 1], "Vladimir Putin")
    ]
    assert "link ✓" in review.compare.lanes["carol"].state.text()
    assert review.bar.doc_progress.text() == "This article: <b>10 of 14</b> decided"

    # Shift+N goes back; U forgets Putin's decisions and its gold span.
    key(review, Qt.Key.Key_N, SHIFT)
    assert current_text(review) == "Vladimir Putin"
    key(review, Qt.Key.Key_U)
    assert all(v[1] not in ("Putin", "Vladimir Putin") for v in verdicts(three_db))
    assert all(g[3] != "Vladimir Putin" for g in gold(three_db))
    assert link_verdicts(three_db) == {} and gold_links(three_db) == []  # the links too
    # K is Shift+N; R rejects the picked lane's span only: alice's was accepted, so the
    # window says so and asks first (issue 16).
    key(review, Qt.Key.Key_K)
    assert current_text(review) == "Mongi Hamdi"
    key(review, Qt.Key.Key_1)
    asked: list[str] = []

    def answer(box: QMessageBox, *_a) -> int:
        asked.append(box.text())
        return int(QMessageBox.StandardButton.Yes)

    monkeypatch.setattr(QMessageBox, "exec", answer)
    key(review, Qt.Key.Key_R)
    assert len(asked) == 1 and "alice's actor “Mongi Hamdi”: accepted → rejected" in asked[0]
    assert verdicts(three_db)[("alice", "Mongi Hamdi")] == "rejected"
    assert gold(three_db) == [
        (c + 7, c + len(CLAIM) - 1, "claim", text[c + 7 : c + len(CLAIM) - 1])
    ]

    # The main window shows the gold layer with everyone's spans.
    assert any(s.annotator == "gold" for s in window.state.spans)
    qtmodeltester.check(review.model)


def test_filters_by_label_and_annotator(qtbot, window: MainWindow) -> None:
    review = open_review(qtbot, window)
    labels = {a.text(): a for a in review.bar.label_filter.menu().actions()}
    assert set(labels) == {"claim", "quote", "actor"}
    labels["actor"].trigger()  # unchecked: actors are hidden
    assert review.bar.label_filter.text() == "Labels: 2 of 3"
    assert all(g.labels <= {"claim", "quote"} for g in review.groups)
    assert [current_text(review)] == ["Mongi Hamdi"]  # bob's quote, the first disagreement
    labels["actor"].trigger()
    names = {a.text(): a for a in review.bar.annotator_filter.menu().actions()}
    names["carol"].trigger()
    assert review.bar.annotator_filter.text() == "Annotators: 2 of 3"
    assert list(review.compare.lanes) == ["alice", "bob", "gold"]
    assert review.model.headers()[2:4] == ["alice", "bob"]
    # Without carol, Lavrov and the claim... the claim still differs (bob's is shorter).
    assert "NATO" not in [review.document.text[g.start : g.end] for g in review.groups]
    review.bar.open_only.setChecked(True)
    assert all(not g.agreed for g in review.model.groups)
    key(review, Qt.Key.Key_3)  # no third lane now: nothing happens
    assert review.lane == "alice"


def test_export_for_review_writes_a_snapshot(
    qtbot, window: MainWindow, three_db: Path, tmp_path: Path, monkeypatch
) -> None:
    target = tmp_path / "out" / "for-review.db"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
    window.menus.export_review_action.trigger()
    qtbot.waitUntil(lambda: "Exported for review" in window.statusBar().currentMessage())
    assert str(target) in window.statusBar().currentMessage()
    with Store.open_readonly(target) as copy:
        assert len(copy.spans(copy.document_ids()[0])) == 12
    assert not Path(f"{target}-wal").exists()

    # A second export to the same name is refused, saying why; the file stays.
    before = sha(target)
    shown = []
    monkeypatch.setattr(
        QMessageBox, "critical", lambda _p, title, text: shown.append((title, text))
    )
    window.menus.export_review_action.trigger()
    qtbot.waitUntil(lambda: bool(shown))
    assert shown[0][0] == "Export for review failed"
    assert "already exists" in shown[0][1] and str(target) in shown[0][1]
    assert sha(target) == before


def annotator_copy(seed_db: Path, tmp_path: Path, who: str) -> Path:
    path = tmp_path / f"{who}.db"
    with Store.open(seed_db) as s:
        assert not s.spans(s.document_ids()[0])
    shutil.copy(seed_db, path)
    return mark(path, {who: MARKS[who]})


def test_open_for_review_imports_and_refuses_hostile_files(
    qtbot, seed_db: Path, tmp_path: Path, monkeypatch
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    alice = annotator_copy(seed_db, shared, "alice")
    bob = annotator_copy(seed_db, shared, "bob")
    evil = shared / "evil.db"
    shutil.copy(annotator_copy(seed_db, tmp_path, "carol"), evil)
    conn = sqlite3.connect(evil)
    conn.execute("CREATE TRIGGER evil AFTER INSERT ON spans BEGIN DELETE FROM spans; END")
    conn.commit()
    conn.close()
    received = {p: sha(p) for p in (alice, bob, evil)}

    window = open_main(qtbot, seed_db)
    try:
        chosen = [[str(alice), str(bob)]]
        monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *_a, **_k: (chosen[0], ""))
        window.menus.open_review_action.trigger()
        qtbot.waitUntil(lambda: "Opened for review" in window.statusBar().currentMessage())
        who = rows(seed_db, "SELECT annotator, count(*) FROM spans GROUP BY annotator")
        assert sorted(who) == [("alice", 4), ("bob", 4)]
        assert window.documents.rowCount() == 1
        assert len(window.state.spans) == 8  # the list and the open article were refreshed

        before = rows(seed_db, "SELECT id, annotator, start, end, label FROM spans ORDER BY id")
        shown = []
        monkeypatch.setattr(
            QMessageBox, "critical", lambda _p, title, text: shown.append((title, text))
        )
        chosen[0] = [str(bob), str(evil)]
        window.menus.open_review_action.trigger()
        qtbot.waitUntil(lambda: bool(shown))
        title, message = shown[0]
        assert title == "Not opened for review; nothing was imported"
        assert "evil.db" in message and "trigger" in message
        assert (
            rows(seed_db, "SELECT id, annotator, start, end, label FROM spans ORDER BY id")
            == before
        )
        assert {p: sha(p) for p in received} == received
    finally:
        window.close()


def test_agreement_view_shows_the_figures_of_from_store(
    qtbot, window: MainWindow, three_db: Path, qtmodeltester
) -> None:
    window.menus.agreement_action.trigger()
    dialog = window.agreement_dialog
    qtbot.waitUntil(lambda: "corpus" in dialog.reports and "label" in dialog.reports)
    qtmodeltester.check(dialog.model)
    with Store.open_readonly(three_db) as s:
        expected = {by: from_store(s, by=by) for by in (None, "label", "document")}

    def table() -> list[list[str]]:
        m = dialog.model
        return [[m.index(r, c).data() for c in range(m.columnCount())] for r in range(m.rowCount())]

    def figures(report) -> list[list[str]]:
        out = []
        for scope in report.scopes:
            for f in [scope.overall, *scope.pairs]:
                out.append([figure_text(v) for v in (f.exact_f1, f.overlap_f1, f.kappa, f.alpha)])
        return out

    assert [row[3:] for row in table()] == figures(expected[None])
    assert table()[0][:3] == ["Corpus", "all 3", "4 / 4 / 4"]
    assert table()[1][1] == "alice – bob"
    qtbot.mouseClick(
        dialog.findChild(type(dialog.buttons.buttons()[0]), "by_label"), Qt.MouseButton.LeftButton
    )
    assert [row[3:] for row in table()] == figures(expected["label"])
    assert [row[0] for row in table() if row[0]] == ["actor", "claim", "quote"]
    assert [(r[0], r[2]) for r in dialog.chart.rows] == [
        (s.key, s.overall) for s in expected["label"].scopes
    ]
    qtbot.mouseClick(
        dialog.findChild(type(dialog.buttons.buttons()[0]), "by_document"),
        Qt.MouseButton.LeftButton,
    )
    qtbot.waitUntil(lambda: "document" in dialog.reports)
    assert [row[3:] for row in table()] == figures(expected["document"])
    assert table()[0][0].startswith("Lavrov Warns")
    dialog.grab()  # the chart paints without a warning


def test_models_pass_the_model_tester(qtmodeltester) -> None:
    qtmodeltester.check(GroupTableModel())
    qtmodeltester.check(AgreementModel())


def test_the_shortcut_sheet_lists_the_review_keys(qtbot, window: MainWindow) -> None:
    from annotator.gui.shortcuts import ShortcutSheet

    open_review(qtbot, window)
    text = ShortcutSheet(window).text
    assert "Compare annotators" in text and "review: the next / previous disagreement" in text
    assert "Accept the lane's spans into gold" not in text  # listed once, in the review rows


def test_a_verdict_the_store_refuses_is_said_and_holds_nothing_up(
    qtbot, window: MainWindow, three_db: Path
) -> None:
    review = open_review(qtbot, window)
    review.reviewer = lambda: "gold"  # a reserved name: the store refuses the verdict
    key(review, Qt.Key.Key_A)
    assert review.statusBar().currentMessage().startswith("Not decided: reviewer:")
    assert not window.writer.pending and verdicts(three_db) == {}
    review.reviewer = lambda: "rita"
    key(review, Qt.Key.Key_A)
    assert verdicts(three_db) == {("carol", "NATO"): "rejected"}  # alice's lane: nothing here


def test_the_review_window_on_an_empty_database(qtbot, tmp_path: Path) -> None:
    window = open_main(qtbot, tmp_path / "empty.db")
    try:
        review = open_review(qtbot, window)
        assert review.document is None and review.bar.documents.count() == 0
        for k in (Qt.Key.Key_N, Qt.Key.Key_A, Qt.Key.Key_R, Qt.Key.Key_E, Qt.Key.Key_U):
            key(review, k)  # nothing to act on: nothing happens, nothing breaks
        assert review.compare.lanes == {}
    finally:
        window.close()
