"""Issue 16, point 5 through the real window: bob's corrected file opened for review from
the File menu keeps every verdict but the one on the span he moved, which the review
window marks; deciding it again with the keys settles it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from annotator.store import Store
from test_gui_review import annotator_copy, key, open_main, open_review, rows


def test_a_corrected_file_flags_the_moved_spans_verdict_in_the_window(
    qtbot, seed_db: Path, tmp_path: Path, monkeypatch
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    alice = annotator_copy(seed_db, shared, "alice")
    bob = annotator_copy(seed_db, shared, "bob")
    window = open_main(qtbot, seed_db)
    chosen = [[str(alice), str(bob)]]
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *_a, **_k: (chosen[0], ""))
    try:
        window.menus.open_review_action.trigger()
        qtbot.waitUntil(lambda: "Opened for review" in window.statusBar().currentMessage())
        assert "alice: first version" in window.statusBar().currentMessage()
        review = open_review(qtbot, window)
        while review.document.text[review.current.start:review.current.end] != "Mongi Hamdi":
            key(review, Qt.Key.Key_N)
        key(review, Qt.Key.Key_1)
        key(review, Qt.Key.Key_A)  # alice's actor into gold, bob's quote rejected
        decided = rows(seed_db, "SELECT verdict FROM decisions ORDER BY verdict")
        assert decided == [("accepted",), ("rejected",)]
        key(review, Qt.Key.Key_N)  # and another group: its verdicts must stay untouched
        key(review, Qt.Key.Key_A)
        before = dict((i, (v, at)) for i, v, at in rows(
            seed_db, "SELECT item, verdict, decided_at FROM decisions"))

        with Store.open(bob) as s:  # bob trims his "Mongi Hamdi" to "Hamdi" and sends again
            doc_id = s.document_ids()[0]
            mongi = next(x for x in s.spans(doc_id) if x.text == "Mongi Hamdi")
            s.move_span(mongi.id, mongi.start + 6, mongi.end)
        chosen[0] = [str(bob)]
        window.menus.open_review_action.trigger()
        qtbot.waitUntil(lambda: "bob: second version" in window.statusBar().currentMessage())
        message = window.statusBar().currentMessage()
        assert "bob: second version (1 span changed); 1 verdict needs another look" in message

        after = dict((i, (v, at)) for i, v, at in rows(
            seed_db, "SELECT item, verdict, decided_at FROM decisions"))
        assert after == before  # every verdict kept as it was
        assert rows(seed_db, "SELECT item FROM review_flags") == [(mongi.id,)]
        assert rows(seed_db, "SELECT text FROM spans WHERE id = ?", (mongi.id,)) == [("Hamdi",)]

        # The window marks it: the tab counts it, the group's decision says so.
        assert review.tabs.tabText(0) == "Groups (⚑ 1 to look at again)"
        assert "bob's “Mongi Hamdi” (quote)" in review.tabs.tabToolTip(0)
        marked = [
            r for r in range(review.model.rowCount())
            if review.model.index(r, review.model.columnCount() - 2).data().startswith("⚑")
        ]
        assert len(marked) == 1
        group = review.model.groups[marked[0]]
        assert mongi.id in group.span_ids()
        # Deciding it again with the keys settles it: bob's lane (2), R rejects it again.
        review.table.setCurrentIndex(review.model.index(marked[0], 0))
        assert review.current == group
        key(review, Qt.Key.Key_2)
        key(review, Qt.Key.Key_R)
        assert rows(seed_db, "SELECT verdict FROM decisions WHERE item = ?", (mongi.id,)) == [
            ("rejected",)
        ]
        with Store.open_readonly(seed_db) as s:
            assert s.review_flags() == []
        assert review.tabs.tabText(0) == "Groups"
        assert not any(
            review.model.index(r, review.model.columnCount() - 2).data().startswith("⚑")
            for r in range(review.model.rowCount())
        )
        review.close()
    finally:
        window.close()
