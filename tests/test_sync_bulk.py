"""A large pull written into a file (store/syncing.py), without a hub: the secondary indexes
of spans are made again after the rows are in, and the file is the same schema after, whether
the pull lands or is refused half-way."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from annotator.core.model import DocumentMeta, IncomingDocument
from annotator.store import Store
from annotator.store.guard import schema_problems
from annotator.store.schema import MIGRATIONS

TEXT = "Lavrov said the talks had failed. " * 400


def _file(tmp_path: Path) -> tuple[Path, str]:
    db = tmp_path / "bulk.db"
    with Store.open(db) as store:
        store.import_documents([IncomingDocument(TEXT, "bulk-1", DocumentMeta(title="Bulk"),
                                                 "test")], annotator="rita")
        return db, store.document_ids()[0]


def _rows(doc: str, n: int, who: str = "alice") -> list[dict]:
    rows = []
    for i in range(n):
        start = i % (len(TEXT) - 10)
        end = start + 1 + i % 7
        rows.append({"id": f"s{i:06d}", "document": doc, "start": start, "end": end,
                     "label": "actor", "text": TEXT[start:end], "annotator": who,
                     "note": "checked" if i % 1000 == 0 else None,
                     "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
                     "deleted": False, "version": i + 1})
    return rows


def _indexes(db: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(db)
    try:
        return sorted(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                                   "AND tbl_name = 'spans' AND sql IS NOT NULL"))
    finally:
        conn.close()


def test_a_large_pull_lands_whole_with_the_same_indexes(tmp_path: Path) -> None:
    db, doc = _file(tmp_path)
    before = _indexes(db)
    assert before  # spans_view and spans_noted
    statements: list[str] = []
    with Store.open(db) as store:
        store.conn.set_trace_callback(statements.append)
        labels = store.labels(None)
        counts = store.apply_pulled(labels, {"span": _rows(doc, 12_000)}, 12_000, "rita")
    assert counts == {"span": 12_000}
    # made again after the rows went in, each from its own statement
    assert sorted(s for s in statements if s.startswith("CREATE INDEX")) == \
        sorted(sql for _name, sql in before)
    assert _indexes(db) == before
    conn = sqlite3.connect(db)
    try:
        assert schema_problems(conn, tuple(MIGRATIONS)) == []
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        # the rebuilt index answers as the kept one did
        plan = " ".join(r[-1] for r in conn.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM spans WHERE document = ? ORDER BY start", [doc]))
        assert "spans_view" in plan
    finally:
        conn.close()
    with Store.open(db) as store:  # opens: the schema check passes
        spans = store.spans(doc)
        assert len(spans) == 12_000
        assert all(TEXT[s.start:s.end] == s.text for s in spans)
        assert store.conn.execute("SELECT spans FROM span_counts WHERE document = ?",
                                  [doc]).fetchone() == (12_000,)


def test_a_large_pull_that_fails_leaves_the_file_and_its_indexes_as_they_were(
        tmp_path: Path) -> None:
    db, doc = _file(tmp_path)
    before = _indexes(db)
    rows = _rows(doc, 12_000)
    rows[-1]["label"] = "no-such-label"  # the foreign key refuses it, after the rest went in
    with Store.open(db) as store, pytest.raises(Exception):  # noqa: B017 - any refusal
        store.apply_pulled(store.labels(None), {"span": rows}, 12_000, "rita")
    assert _indexes(db) == before
    with Store.open(db) as store:
        assert store.spans(doc) == []
        assert store.sync_state().get("cursor") is None


def test_a_small_pull_into_a_large_file_keeps_its_indexes_up_row_by_row(
        tmp_path: Path) -> None:
    db, doc = _file(tmp_path)
    with Store.open(db) as store:
        store.apply_pulled(store.labels(None), {"span": _rows(doc, 12_000)}, 12_000, "rita")
    statements: list[str] = []
    with Store.open(db) as store:
        store.conn.set_trace_callback(statements.append)
        more = [{**r, "id": "t" + r["id"][1:]} for r in _rows(doc, 11_000, "bob")]
        store.apply_pulled(store.labels(None), {"span": more}, 24_000, "rita")
    assert not [s for s in statements if s.startswith(("DROP INDEX", "CREATE INDEX"))]
    with Store.open(db) as store:
        assert len(store.spans(doc)) == 23_000
