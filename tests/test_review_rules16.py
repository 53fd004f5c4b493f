"""Issue 16 without Qt: what A and R ask when verdicts are given already (an edit is never
overwritten, a change is named), the next undecided group, the lanes' notes, and undo of a
verdict in the store (the exact rows back, gold spans and links with their ids)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from annotator.core.model import Decision, Span
from annotator.review import rules
from annotator.review.compare import groups
from annotator.review.lanes import group_notes, lane_notes
from annotator.review.verdicts import decide_spans, undecide
from annotator.store import Store

TEXT = "told the United States not to try to impose its will"


def span(who: str, fragment: str, label: str = "actor", note: str | None = None) -> Span:
    i = TEXT.index(fragment)
    return Span(f"{who}-{fragment}", "d", i, i + len(fragment), label, fragment, who, "", "",
                note)


def decided(item: str, verdict: str) -> Decision:
    return Decision(item, "span", "d", verdict, None if verdict == "rejected" else "g", "rita", "")


SPANS = [
    span("alice", "the United States", note="the country"),
    span("alice", "impose its will", "claim"),
    span("bob", "the United States not to try to impose its will", "claim"),
    span("carol", "the United States"),
]


def test_a_keeps_an_edit_and_names_the_verdicts_it_would_change() -> None:
    (group,) = groups(SPANS, ["alice", "bob", "carol"])
    decisions = {
        "alice-the United States": decided("alice-the United States", "edited"),
        "bob-the United States not to try to impose its will": decided(
            "bob-the United States not to try to impose its will", "rejected"
        ),
        "carol-the United States": decided("carol-the United States", "rejected"),
    }
    asked = rules.accept(group, "alice", decisions)
    # alice's edit stays; carol's span identical to alice's FIRST shape is no twin of it.
    assert asked.verdicts == [("alice-impose its will", "accepted")]
    assert asked.changes == () and asked.kept.startswith("kept the edit of alice's actor")
    # A on carol: her span was rejected, accepting it is a change, named; No keeps it.
    asked = rules.accept(group, "carol", decisions)
    assert asked.verdicts == [("alice-impose its will", "rejected"),
                              ("carol-the United States", "accepted")]
    assert asked.changes == ("carol's actor “the United States”: rejected → accepted",)
    assert asked.keeping_decided().verdicts == [("alice-impose its will", "rejected")]
    # R on alice: an edit would be undone by it: named too.
    asked = rules.reject(group, "alice", decisions)
    assert asked.changes == ("alice's actor “the United States”: edited → rejected",)
    # Nothing left to do: said.
    done = dict(decisions, **{"alice-impose its will": decided("alice-impose its will",
                                                                "accepted")})
    try:
        rules.accept(group, "alice", done)
    except rules.NothingToDo as nothing:
        assert "A never overwrites an edit" in str(nothing)
    else:
        raise AssertionError("A with nothing to do")


def test_the_next_undecided_group_skips_decided_ones_and_wraps() -> None:
    spans = [
        Span("a1", "d", 0, 4, "actor", "told", "alice", "", ""),
        Span("a2", "d", 5, 8, "actor", "the", "alice", "", ""),
        Span("a3", "d", 9, 15, "actor", "United", "alice", "", ""),
    ]
    g1, g2, g3 = groups(spans, ["alice"])
    decisions = {"a2": decided("a2", "accepted")}
    assert rules.next_undecided([g1, g2, g3], decisions, g1.start) is g3
    assert rules.next_undecided([g1, g2, g3], decisions, g3.start) is g1  # wraps
    assert rules.next_undecided([g1, g2, g3], decisions, g3.start, wrap=False) is None


def test_notes_per_lane_and_per_group() -> None:
    (group,) = groups(SPANS, ["alice", "bob", "carol"])
    notes = lane_notes(group, ["alice", "bob", "carol"], {"carol-the United States": "why"})
    assert notes == {
        "alice": ["“the United States”: the country"],
        "gold": ["carol's “the United States”: why"],
    }
    assert group_notes(group, {"carol-the United States": "why"}) == [
        "alice: the country", "review (carol): why"
    ]


def all_rows(path: Path) -> tuple:
    conn = sqlite3.connect(path)
    try:
        return tuple(
            conn.execute(sql).fetchall()
            for sql in (
                "SELECT * FROM decisions ORDER BY item",
                "SELECT * FROM spans ORDER BY id",
                "SELECT * FROM relations ORDER BY id",
                "SELECT * FROM span_counts ORDER BY document",
            )
        )
    finally:
        conn.close()


def test_restore_adjudication_puts_back_the_exact_rows(seed_db: Path) -> None:
    from test_gui_review import LINKS, MARKS, mark

    mark(seed_db, MARKS, LINKS)
    with Store.open(seed_db) as s:
        doc_id = s.document_ids()[0]
        by = {(x.annotator, x.text): x.id for x in s.spans(doc_id)}
        claim = "Moscow has long said it will regard NATO membership for Ukraine as a national "
        claim += "security threat."
        steps = [
            lambda: decide_spans(s, doc_id, [(by["carol", "Vladimir Putin"], "accepted"),
                                             (by["alice", "Putin"], "rejected")], reviewer="rita"),
            lambda: decide_spans(s, doc_id, [(by["carol", claim], "edited",
                                              {"start": 1312, "end": 1399, "label": "claim"})],
                                 reviewer="rita"),
            lambda: s.set_decision_note(by["carol", claim], "trimmed"),
            lambda: undecide(s, [by["carol", "Vladimir Putin"]]),
        ]
        seen = [all_rows(seed_db)]
        states = [s.adjudication_state(doc_id)]
        for step in steps:
            step()
            seen.append(all_rows(seed_db))
            states.append(s.adjudication_state(doc_id))
        assert seen[2][2] != seen[1][2]  # the edit put carol's link into gold
        assert [n for (*_, n) in seen[3][0] if n] == ["trimmed"]
        for i in range(len(steps), 0, -1):  # undo, one step at a time
            s.restore_adjudication(states[i], states[i - 1])
            assert all_rows(seed_db) == seen[i - 1]
        for i in range(1, len(steps) + 1):  # redo
            s.restore_adjudication(states[i - 1], states[i])
            assert all_rows(seed_db) == seen[i]
        assert s.verify() == []
