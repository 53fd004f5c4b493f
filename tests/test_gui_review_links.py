"""Issue 5, hardening of the review window: links decided and relabelled in the Links tab,
every agreed group accepted with Shift+A, a key's verdicts in one transaction, a verdict on
an article of a few thousand spans without laying the table out again, exact offsets in the
gold export of an article with emoji and CRLF, and the reserved annotator names refused
where the window asks for a name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from annotator.cli import main
from annotator.core.model import DocumentMeta, IncomingDocument, IncomingSpan
from annotator.gui import app as gui_app
from annotator.gui.annotate.window import MainWindow
from annotator.gui.review.models import GroupTableModel, LinkTableModel
from annotator.gui.review.window import ReviewWindow
from annotator.store import Store
from annotator.store.adjudication import AdjudicationError
from test_gui_review import (
    CLAIM,
    LINKS,
    MARKS,
    current_text,
    drag_in_lane,
    gold,
    gold_links,
    key,
    link_verdicts,
    mark,
    open_main,
    open_review,
    verdicts,
)

SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def three_db(seed_db: Path) -> Path:
    return mark(seed_db, MARKS, LINKS)


@pytest.fixture
def window(qtbot, three_db: Path):
    w = open_main(qtbot, three_db)
    yield w
    w.close()


def answer_item(label: str, seen: dict) -> None:
    """Answer the link-type question (QInputDialog.getItem) with ``label``."""
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, QInputDialog)
    seen["items"] = dialog.comboBoxItems()
    dialog.setTextValue(label)
    dialog.accept()


def pick_link(review: ReviewWindow, annotator: str) -> None:
    [row] = [i for i, r in enumerate(review.links_model.links) if r.annotator == annotator]
    review.select_link(row)


def test_links_are_decided_and_relabelled_in_the_links_tab(
    qtbot, window: MainWindow, three_db: Path, qtmodeltester
) -> None:
    review = open_review(qtbot, window)
    qtmodeltester.check(review.links_model)
    assert review.tabs.tabText(1) == "Links (2 undecided)"
    # L shows the links; the keys now act on the picked link, as the hint says.
    key(review, Qt.Key.Key_L)
    assert review.on_links() and review.hint.text().startswith("Links:")
    assert review.current_link() is not None  # the first undecided one is picked
    pick_link(review, "alice")
    assert review.lane == "alice" and CLAIM in current_text(review)  # its source's group
    row = review.links_model.row_of(review.current_link().id)
    assert review.links_model.index(row, 1).data().startswith("claim: Moscow has long")
    assert review.links_model.index(row, 2).data() == "claimed_by"
    assert review.links_model.index(row, 5).data() == "from undecided · to undecided"
    # A link cannot go into gold before its spans: said, nothing decided, nothing held up.
    key(review, Qt.Key.Key_A)
    message = review.statusBar().currentMessage()
    assert "alice's claimed_by link cannot go into gold yet" in message
    assert message.startswith("Not decided:") and "accept the source and target spans first" in (
        message
    )
    assert link_verdicts(three_db) == {} and not window.writer.pending

    # Back to the groups (L): the claim and Vladimir Putin by carol's reading.
    key(review, Qt.Key.Key_L)
    assert not review.on_links()
    while current_text(review) != CLAIM:
        key(review, Qt.Key.Key_N)
    key(review, Qt.Key.Key_3)
    key(review, Qt.Key.Key_A)  # carol's and alice's identical claims; bob's rejected
    while current_text(review) != "Vladimir Putin":
        key(review, Qt.Key.Key_N)
    key(review, Qt.Key.Key_3)
    key(review, Qt.Key.Key_A)  # alice's "Putin" rejected: her link follows it
    assert link_verdicts(three_db) == {"alice": "rejected", "carol": "accepted"}
    assert gold_links(three_db) == [("claimed_by", CLAIM, "Vladimir Putin")]

    # E on carol's link: its type in gold; the list of types is the scheme's.
    key(review, Qt.Key.Key_L)
    pick_link(review, "carol")
    seen: dict = {}
    QTimer.singleShot(0, lambda: answer_item("said_by", seen))
    key(review, Qt.Key.Key_E)
    assert set(seen["items"]) == {"said_by", "claimed_by"}
    review.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is review)
    assert link_verdicts(three_db) == {"alice": "rejected", "carol": "edited"}
    assert gold_links(three_db) == [("said_by", CLAIM, "Vladimir Putin")]  # not doubled
    row = review.links_model.row_of(review.current_link().id)
    assert review.links_model.index(row, 4).data() == "✎ edited as said_by"
    # U withdraws it (its gold link goes); R rejects it; Shift+N and N find undecided ones.
    key(review, Qt.Key.Key_U)
    assert link_verdicts(three_db) == {"alice": "rejected"} and gold_links(three_db) == []
    assert review.tabs.tabText(1) == "Links (1 undecided)"
    pick_link(review, "alice")
    key(review, Qt.Key.Key_N, SHIFT)
    assert review.current_link().annotator == "carol"
    key(review, Qt.Key.Key_R)
    assert link_verdicts(three_db) == {"alice": "rejected", "carol": "rejected"}
    key(review, Qt.Key.Key_N)
    assert review.statusBar().currentMessage() == "Every link in this article has a verdict."
    # The annotators' own links are never changed.
    with Store.open(three_db) as s:
        labels = {r.annotator: r.label for r in s.relations(s.document_ids()[0])}
    assert labels == {"alice": "claimed_by", "carol": "claimed_by"}
    qtmodeltester.check(review.links_model)


def test_shift_a_accepts_every_group_where_all_agree(
    qtbot, window: MainWindow, three_db: Path
) -> None:
    review = open_review(qtbot, window)
    text = review.document.text
    key(review, Qt.Key.Key_A, SHIFT)
    i = text.index("Sergei Lavrov")
    assert gold(three_db) == [(i, i + 13, "actor", "Sergei Lavrov")]  # the one agreed group
    assert verdicts(three_db) == {(w, "Sergei Lavrov"): "accepted" for w in MARKS}
    assert review.statusBar().currentMessage() == "Accepted 1 group(s) where all agree"
    key(review, Qt.Key.Key_A, SHIFT)  # nothing left to accept
    assert review.statusBar().currentMessage() == "No undecided group where all agree."
    assert review.bar.doc_progress.text() == "This article: <b>3 of 14</b> decided"


def test_a_keys_verdicts_are_one_transaction(three_db: Path) -> None:
    with Store.open(three_db) as s:
        doc_id = s.document_ids()[0]
        by = {(x.annotator, x.text): x.id for x in s.spans(doc_id)}
        good = (by["alice", "Sergei Lavrov"], "accepted")
        bad = (by["bob", "Sergei Lavrov"], "edited", {"start": 5, "end": 2})
        with pytest.raises(AdjudicationError, match="0 <= start < end"):
            s.decide_spans([good, bad], reviewer="rita")
        assert s.decisions(doc_id) == {} and s.gold_spans(doc_id) == []  # none made
        with pytest.raises(AdjudicationError, match="reviewer"):
            s.decide_spans([good], reviewer="Gold")
        with pytest.raises(AdjudicationError, match="go with the verdict 'edited'"):
            s.decide_spans([(good[0], "accepted", {"label": "quote"})], reviewer="rita")
        s.decide_spans([good, (by["bob", "Sergei Lavrov"], "accepted")], reviewer="rita")
        assert len(s.gold_spans(doc_id)) == 1 and len(s.decisions(doc_id)) == 2


def many_spans_db(path: Path, n_groups: int = 1200) -> Path:
    """One article of n_groups sentences, each marked by three annotators (every fourth
    group a disagreement): 3 x n_groups spans."""
    sentence = "The minister said that talks would resume on Tuesday. "
    text = sentence * n_groups
    spans = []
    for g in range(n_groups):
        a = g * len(sentence) + 4
        for who in ("alice", "bob", "carol"):
            end = a + 8 + (4 if who == "carol" and g % 4 == 0 else 0)
            spans.append(IncomingSpan(a, end, "actor", annotator=who))
    with Store.open(path) as s:
        s.import_documents(
            [IncomingDocument(text, "long", DocumentMeta(title="Long"), "test", spans=spans)],
            annotator="import",
        )
    return path


def test_a_verdict_on_a_long_article_does_not_lay_out_every_group_again(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    window = open_main(qtbot, many_spans_db(tmp_path / "long.db"))
    try:
        review = open_review(qtbot, window)
        assert review.model.rowCount() == 1200
        resets: list[int] = []
        review.model.modelReset.connect(lambda: resets.append(1))
        calls = {"n": 0}
        data = GroupTableModel.data

        def counted(self, index, role=Qt.ItemDataRole.DisplayRole):
            calls["n"] += 1
            return data(self, index, role)

        monkeypatch.setattr(GroupTableModel, "data", counted)
        key(review, Qt.Key.Key_1)
        key(review, Qt.Key.Key_A)
        qtbot.wait(50)  # the table repaints what changed
        assert review.bar.doc_progress.text() == "This article: <b>3 of 3600</b> decided"
        assert resets == []  # the groups stand: only their decisions are shown again
        # Only the rows on screen are read, not 1,200 rows x 7 columns x every role.
        assert calls["n"] < 3000
        key(review, Qt.Key.Key_N)
        assert review.model.row_of(review.current) == 4
        assert review.table.currentIndex().row() == 4
    finally:
        window.close()


EMOJI_TEXT = (
    "Hi 👩\u200d👩\u200d👧 family!\r\nThe minister 🇺🇦 said: \"We will win 💪.\"\r\n"
    "By Olena Ковальчук, in Kyiv.\r\n"
)


def test_gold_export_offsets_are_exact_with_emoji_and_crlf(qtbot, tmp_path: Path) -> None:
    """Verdicts and an edit made with the mouse in a lane, over text with emoji (ZWJ
    sequences, flags) and CRLF line ends kept as stored: the gold export's offsets give
    back exactly the text of each span, and its links join the gold spans."""
    path = tmp_path / "emoji.db"
    text = EMOJI_TEXT

    def at(fragment: str, label: str, who: str) -> IncomingSpan:
        i = text.index(fragment)
        return IncomingSpan(i, i + len(fragment), label, id=f"{who}-{fragment}", annotator=who)

    from annotator.core.model import IncomingRelation

    spans = [
        at("The minister 🇺🇦", "actor", "alice"),
        at("minister 🇺🇦", "actor", "bob"),
        at("We will win 💪.", "quote", "alice"),
        at('"We will win 💪."', "quote", "bob"),
        at("👩\u200d👩\u200d👧 family", "actor", "alice"),
        at("Olena Ковальчук, in", "actor", "bob"),
    ]
    relations = [
        IncomingRelation("said_by", "alice-We will win 💪.", "alice-The minister 🇺🇦",
                         id="alice-link", annotator="alice"),
    ]
    with Store.open(path) as s:
        s.import_documents(
            [IncomingDocument(text, "emoji", DocumentMeta(title="Emoji"), "test", id="emo",
                              spans=spans, relations=relations)],
            annotator="import",
        )
        assert s.document("emo").text == text  # CRLF kept as stored
    window = open_main(qtbot, path)
    try:
        review = open_review(qtbot, window)
        assert current_text(review) == "👩\u200d👩\u200d👧 family"  # alice's only
        key(review, Qt.Key.Key_A)  # A moves on to the next undecided group (issue 16)
        assert current_text(review) == "The minister 🇺🇦"
        key(review, Qt.Key.Key_A)  # alice's; bob's rejected
        assert current_text(review) == '"We will win 💪."'
        key(review, Qt.Key.Key_1)
        key(review, Qt.Key.Key_A)  # alice's quote: her link follows both spans into gold
        assert current_text(review) == "Olena Ковальчук, in"
        o = text.index("Olena")
        drag_in_lane(review, "bob", o + 1, o + len("Olena Ковальчук") - 1)  # snapped to words
        key(review, Qt.Key.Key_2)
        key(review, Qt.Key.Key_E)
        assert review.edit_bar.result_range() == (o, o + len("Olena Ковальчук"), "actor")
        key(review, Qt.Key.Key_Return)
        assert review.bar.doc_progress.text() == "This article: <b>7 of 7</b> decided"
    finally:
        window.close()

    out = tmp_path / "gold.jsonl"
    result = CliRunner().invoke(main, ["export", str(path), "-o", str(out), "--layer", "gold"])
    assert result.exit_code == 0, result.output
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert record["text"] == text
    got = {(x["text"], x["label"]) for x in record["spans"]}
    assert got == {
        ("The minister 🇺🇦", "actor"),
        ("We will win 💪.", "quote"),
        ("Olena Ковальчук", "actor"),
        ("👩\u200d👩\u200d👧 family", "actor"),
    }
    for x in record["spans"]:
        assert record["text"][x["start"] : x["end"]] == x["text"]
        assert x["annotator"] == "gold"
    ids = {x["id"]: x["text"] for x in record["spans"]}
    assert [(ids[r["from"]], r["label"], ids[r["to"]]) for r in record["relations"]] == [
        ("We will win 💪.", "said_by", "The minister 🇺🇦")
    ]


def test_the_link_model_passes_the_model_tester(qtmodeltester) -> None:
    qtmodeltester.check(LinkTableModel())


# -- the reserved names where the window asks for a name -------------------------------------


def test_first_run_name_question_refuses_reserved_names(monkeypatch, qapp) -> None:
    answers = iter([("gold", True), (" Import ", True), ("rita", True)])
    prompts: list[str] = []
    saved: list[str] = []

    def get_text(_parent, _title, label, text=""):
        prompts.append(label)
        return next(answers)

    monkeypatch.setattr(gui_app.QInputDialog, "getText", get_text)
    monkeypatch.setattr(gui_app.settings, "set_annotator_name", saved.append)
    monkeypatch.setattr(gui_app.settings, "default_annotator_name", lambda: "gold")
    assert gui_app.ask_annotator_name() == "rita"
    assert saved == ["rita"]
    assert len(prompts) == 3
    assert "'gold' is reserved" in prompts[1] and "'Import' is reserved" in prompts[2]


def test_a_dismissed_question_never_keeps_a_reserved_login_name(monkeypatch, qapp) -> None:
    monkeypatch.setattr(gui_app.QInputDialog, "getText", lambda *a, **k: ("", False))
    monkeypatch.setattr(gui_app.settings, "set_annotator_name", lambda name: None)
    monkeypatch.setattr(gui_app.settings, "default_annotator_name", lambda: "GOLD")
    assert gui_app.ask_annotator_name() == "annotator"


def test_a_reserved_name_kept_in_the_settings_is_asked_again(
    monkeypatch, qtbot, seed_db: Path
) -> None:
    asked: list[int] = []
    monkeypatch.setattr(gui_app.settings, "annotator_name", lambda: "gold")
    monkeypatch.setattr(gui_app, "ask_annotator_name", lambda: asked.append(1) or "rita")
    monkeypatch.delenv(gui_app.QUIT_AFTER_ENV, raising=False)
    monkeypatch.setattr(gui_app.workspace, "open_database", lambda _p: Store.open(seed_db))
    window = gui_app.open_window(seed_db)
    try:
        assert asked == [1] and window.annotator == "rita"
    finally:
        window.close()


def test_edit_annotator_name_refuses_reserved_names(monkeypatch, window: MainWindow) -> None:
    from annotator.gui.annotate import window as mw

    warned: list[str] = []
    saved: list[str] = []
    monkeypatch.setattr(mw.QInputDialog, "getText", lambda *a, **k: ("Gold", True))
    monkeypatch.setattr(mw.QMessageBox, "warning", lambda _p, _t, text: warned.append(text))
    monkeypatch.setattr(mw.settings, "set_annotator_name", saved.append)
    window.menus.name_action.trigger()
    assert window.annotator == "rita" and saved == []
    assert warned and "'Gold' is reserved" in warned[0]
    monkeypatch.setattr(mw.QInputDialog, "getText", lambda *a, **k: ("  rosa ", True))
    window.menus.name_action.trigger()
    assert window.annotator == "rosa" and saved == ["rosa"]
    assert QMessageBox  # the dialog class is the real one outside this test


def test_back_from_the_main_window_the_review_reads_the_article_again(
    qtbot, window: MainWindow, three_db: Path
) -> None:
    review = open_review(qtbot, window)
    assert current_text(review) == "NATO"  # carol's only, the first disagreement
    [nato] = [s for s in review.spans if s.text == "NATO"]
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.store.delete_span(nato.id)  # carol's NATO deleted in the main window
    review.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is review)
    assert "NATO" not in [review.document.text[g.start : g.end] for g in review.groups]
    assert review.model.rowCount() == 4
    key(review, Qt.Key.Key_A)  # on what is there now, not on the deleted span
    assert ("carol", "NATO") not in verdicts(three_db)
    assert not review.statusBar().currentMessage().startswith("Not decided")


def test_the_gold_lane_names_its_links(qtbot, window: MainWindow, three_db: Path) -> None:
    review = open_review(qtbot, window)
    while current_text(review) != CLAIM:
        key(review, Qt.Key.Key_N)
    key(review, Qt.Key.Key_3)
    key(review, Qt.Key.Key_A)
    while current_text(review) != "Vladimir Putin":
        key(review, Qt.Key.Key_N)
    key(review, Qt.Key.Key_3)
    key(review, Qt.Key.Key_A)
    while current_text(review) != "Vladimir Putin":  # A moved on (issue 16): back to it
        key(review, Qt.Key.Key_N)
    state = review.compare.lanes["gold"].state.text()
    assert state == "1 gold span(s) here · 1 gold link(s): claimed_by"
