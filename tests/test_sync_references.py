"""A large pull checks its foreign keys once, before it commits, instead of row by row
(store/sync_references.py): the same refusal for a broken reference, the file left as it was,
foreign keys on again after; and row by row still where that is the right way (tombstones,
whose cascades must run; a file broken already; a small pull)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from annotator.core.model import DocumentMeta, IncomingDocument
from annotator.core.syncitems import RELATION, SPAN
from annotator.store import Store
from annotator.store.syncing import pulled_row_names

TEXT = "Lavrov said the talks had failed. " * 400


def _file(tmp_path: Path) -> tuple[Path, str]:
    db = tmp_path / "refs.db"
    with Store.open(db) as store:
        store.import_documents([IncomingDocument(TEXT, "refs-1", DocumentMeta(title="Refs"),
                                                 "test")], annotator="rita")
        return db, store.document_ids()[0]


def _spans(doc: str, n: int, prefix: str = "s", who: str = "alice") -> list[tuple]:
    """Rows as a pull brings them: tuples laid out by pulled_row_names."""
    names = pulled_row_names(SPAN)
    rows = []
    for i in range(n):
        start = i % (len(TEXT) - 10)
        end = start + 1 + i % 7
        row = {"id": f"{prefix}{i:06d}", "document": doc, "start": start, "end": end,
               "label": "actor", "text": TEXT[start:end], "annotator": who, "note": None,
               "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
               "deleted": False, "version": i + 1}
        rows.append(tuple(row[c] for c in names))
    return rows


def _traced(store: Store) -> list[str]:
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    return statements


def _foreign_keys_on(store: Store) -> bool:
    return store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_a_large_first_pull_checks_its_references_once_and_lands(tmp_path: Path) -> None:
    db, doc = _file(tmp_path)
    with Store.open(db) as store:
        statements = _traced(store)
        counts = store.apply_pulled(store.labels(None), {"span": _spans(doc, 12_000)},
                                    12_000, "rita")
        assert counts == {"span": 12_000}
        assert "PRAGMA foreign_keys = OFF" in statements
        checks = [s for s in statements if s.startswith("PRAGMA foreign_key_check")]
        # before (the file is sound) and after the rows went in, before the commit
        assert statements.index(checks[-1]) < statements.index("COMMIT")
        assert _foreign_keys_on(store)
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("SELECT count(*) FROM spans").fetchone() == (12_000,)
    finally:
        conn.close()


@pytest.mark.parametrize("n", [20, 12_000])
def test_a_broken_reference_is_refused_the_same_way_whatever_the_size(
        tmp_path: Path, n: int) -> None:
    db, doc = _file(tmp_path)
    rows = _spans(doc, n)
    names = pulled_row_names(SPAN)
    bad = list(rows[-1])
    bad[names.index("document")] = "no-such-article"
    rows[-1] = tuple(bad)
    counted = "SELECT * FROM span_counts ORDER BY document"
    with Store.open(db) as store:
        counts = store.conn.execute(counted).fetchall()
        with pytest.raises(sqlite3.IntegrityError, match="^FOREIGN KEY constraint failed$"):
            store.apply_pulled(store.labels(None), {"span": rows}, n, "rita")
        assert _foreign_keys_on(store)  # on again for the next write
        assert not store.conn.in_transaction
    with Store.open(db) as store:  # nothing of the pull is in the file
        assert store.spans(doc) == []
        assert store.sync_state().get("cursor") is None
        assert store.conn.execute(counted).fetchall() == counts


def test_a_large_pull_with_tombstones_checks_row_by_row_and_its_cascades_run(
        tmp_path: Path) -> None:
    db, doc = _file(tmp_path)
    spans = _spans(doc, 12_000)
    names = pulled_row_names(RELATION)
    link = {"id": "l1", "document": doc, "label": "said_by", "source": spans[0][0],
            "target": spans[1][0], "annotator": "alice", "note": None,
            "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
            "deleted": False, "version": 12_001}
    with Store.open(db) as store:
        store.apply_pulled(store.labels(None), {
            "span": spans, "relation": [tuple(link[c] for c in names)]}, 12_001, "rita")
    gone = list(spans[0])
    gone[pulled_row_names(SPAN).index("deleted")] = True
    with Store.open(db) as store:
        statements = _traced(store)
        store.apply_pulled(store.labels(None),
                           {"span": [tuple(gone), *_spans(doc, 11_000, "t")]}, 24_000, "rita")
        assert "PRAGMA foreign_keys = OFF" not in statements
        assert store.relations(doc) == []  # the link went with its span
        assert len(store.spans(doc)) == 12_000 - 1 + 11_000


def _break(db: Path, doc: str, table: str) -> None:
    """A row written elsewhere with foreign keys off, referring to no label."""
    conn = sqlite3.connect(db)
    try:
        if table == "spans":
            conn.execute("INSERT INTO spans (id, document, start, \"end\", label, text, "
                         "annotator, created_at, updated_at) VALUES ('old', ?, 0, 6, "
                         "'no-such-label', 'Lavrov', 'rita', 'x', 'x')", [doc])
        else:
            conn.execute("INSERT INTO document_labels (document, label, annotator, "
                         "created_at) VALUES (?, 'no-such-label', 'rita', 'x')", [doc])
        conn.commit()
    finally:
        conn.close()


def test_a_file_broken_already_is_checked_row_by_row(tmp_path: Path) -> None:
    db, doc = _file(tmp_path)
    _break(db, doc, "spans")
    with Store.open(db, create=False) as store:
        statements = _traced(store)
        store.apply_pulled(store.labels(None), {"span": _spans(doc, 12_000)}, 12_000, "rita")
        assert "PRAGMA foreign_keys = OFF" not in statements
        assert len(store.spans(doc)) == 12_000 + 1


def test_a_broken_table_the_pull_does_not_write_does_not_refuse_it(tmp_path: Path) -> None:
    db, doc = _file(tmp_path)
    _break(db, doc, "document_labels")
    with Store.open(db, create=False) as store:
        statements = _traced(store)
        store.apply_pulled(store.labels(None), {"span": _spans(doc, 12_000)}, 12_000, "rita")
        assert "PRAGMA foreign_keys = OFF" in statements  # only spans and their counts
        assert len(store.spans(doc)) == 12_000


def test_a_small_pull_checks_row_by_row(tmp_path: Path) -> None:
    db, doc = _file(tmp_path)
    with Store.open(db) as store:
        statements = _traced(store)
        store.apply_pulled(store.labels(None), {"span": _spans(doc, 50)}, 50, "rita")
        assert "PRAGMA foreign_keys = OFF" not in statements
        assert not [s for s in statements if s.startswith("PRAGMA foreign_key_check")]
