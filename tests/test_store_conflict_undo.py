"""Settling a parked conflict and taking it back, in the store alone (store/conflict_undo.py):
undo puts back every row settling wrote (the gold item a parked verdict made, the links of a
span, an article's status or note) and parks the conflict again; redo settles it the same way.
The conflicts are parked by hand here, as record_pushed parks them (the hub's row in place,
mine in sync_conflicts); the window's flow against a real hub is in test_gui_team_undo.py."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from annotator.core.ids import new_id, utc_now
from annotator.core.model import Relation, Span
from annotator.store import Store

TEXT = "Lavrov said “we will not” — NATO 😀 replied."


def rows(db: Path) -> dict:
    conn = sqlite3.connect(db)
    try:
        return {table: sorted(map(repr, conn.execute(f"SELECT * FROM {table}")))
                for table in ("spans", "relations", "decisions", "document_status",
                              "span_counts", "documents", "sync_conflicts")}
    finally:
        conn.close()


def park(store: Store, kind: str, item: str, local: dict) -> int:
    with store._write():
        cur = store.conn.execute(
            "INSERT INTO sync_conflicts (kind, item, local, hub_version, parked_at) "
            "VALUES (?, ?, ?, 7, ?)", [kind, item, json.dumps(local), utc_now()])
    return cur.lastrowid


def article(tmp_path: Path) -> tuple[Path, Store, str]:
    from annotator.core.model import DocumentMeta, IncomingDocument

    db = tmp_path / "rita.db"
    store = Store.open(db)
    store.import_documents([IncomingDocument(TEXT, "a", DocumentMeta(title="A"), "t")],
                           annotator="alice")
    return db, store, store.document_ids()[0]


def span(doc: str, word: str, who: str, label: str = "actor") -> Span:
    start = TEXT.index(word)
    now = utc_now()
    return Span(new_id(), doc, start, start + len(word), label, word, who, now, now)


def test_a_verdict_kept_theirs_drops_my_gold_and_undo_brings_it_back(tmp_path):
    db, store, doc = article(tmp_path)
    lavrov = span(doc, "Lavrov", "alice")
    store.add_span(lavrov)
    gold = store.decide_span(lavrov.id, "accepted", reviewer="rita")
    mine = {**dict(zip(("item", "kind", "document", "verdict", "gold", "owns_gold",
                        "annotator", "decided_at", "note"), store.conn.execute(
        "SELECT item, kind, document, verdict, gold, owns_gold, reviewer, decided_at, note "
        "FROM decisions WHERE item = ?", [lavrov.id]).fetchone(), strict=True))}
    # the hub's verdict, by another reviewer, took its place; mine is parked
    with store._write():
        store._ensure_annotator("remy")
        store.conn.execute("UPDATE decisions SET reviewer = 'remy', verdict = 'rejected', "
                           "gold = NULL, owns_gold = 0 WHERE item = ?", [lavrov.id])
    conflict = park(store, "decision", lavrov.id, mine)
    before = rows(db)
    change = store.settle_conflict(conflict, "hub")
    settled = rows(db)
    assert gold.id not in {s.id for s in store.spans(doc)}  # my gold went with my verdict
    store.undo_conflict_change(change)
    assert rows(db) == before
    assert [c["id"] for c in store.sync_conflicts()] == [conflict]
    store.redo_conflict_change(change)
    assert rows(db) == settled and store.sync_conflicts() == []
    store.close()


def test_a_span_kept_mine_and_both_keep_its_links_and_undo_is_exact(tmp_path):
    db, store, doc = article(tmp_path)
    quote = span(doc, "“we will not”", "alice", "quote")
    lavrov = span(doc, "Lavrov", "alice")
    store.add_span(quote)
    store.add_span(lavrov)
    now = utc_now()
    store.add_relation(Relation(new_id(), doc, "said_by", quote.id, lavrov.id, "alice",
                                now, now))
    mine = {"id": lavrov.id, "document": doc, "start": lavrov.start, "end": lavrov.end,
            "label": "claim", "text": "Lavrov", "annotator": "alice", "note": "mine",
            "created_at": now, "updated_at": now}
    for keep in ("local", "both"):
        conflict = park(store, "span", lavrov.id, mine)
        before = rows(db)
        change = store.settle_conflict(conflict, keep)
        settled = rows(db)
        assert settled != before
        assert len(store.relations(doc)) == 1  # the link still rides on its span
        store.undo_conflict_change(change)
        assert rows(db) == before
        store.redo_conflict_change(change)
        assert rows(db) == settled
        store.undo_conflict_change(change)
        with store._write():  # parked again: settle it for good before the next round
            store.conn.execute("DELETE FROM sync_conflicts")
    store.close()


def test_a_status_and_a_note_kept_mine_are_undone(tmp_path):
    db, store, doc = article(tmp_path)
    store.set_status(doc, "alice", "in_progress")
    store.set_document_note(doc, "the hub's note")
    before_any = rows(db)
    c1 = park(store, "status", f"{doc}\talice",
              {"document": doc, "annotator": "alice", "status": "done", "updated_at": utc_now()})
    c2 = park(store, "note", f"{doc}\talice", {"document": doc, "annotator": "alice",
                                                "note": "my note — “curly” 😀"})
    parked = rows(db)
    first = store.settle_conflict(c1, "local")
    second = store.settle_conflict(c2, "local")
    assert store.status(doc, "alice") == "done"
    assert store.document(doc).note == "my note — “curly” 😀"
    store.undo_conflict_change(second)
    store.undo_conflict_change(first)
    assert rows(db) == parked and rows(db) != before_any
    store.close()
