"""The fast paths of issue 7 give what the plain ones gave.

Import checks and writes documents in batches (store.import_documents): whatever the batch
size, the result, the summary and the first error are those of one document at a time.
The native export has SQLite build each document's span and relation lists
(store/export_queries.py): its file is byte for byte the one the per-document path writes,
for every selection, and it refuses the same damage.
"""

from __future__ import annotations

import importlib
import random
from dataclasses import replace
from pathlib import Path

import orjson
import pytest

from annotator.core.errors import AnnotatorError, InputError
from annotator.core.model import DocumentMeta, IncomingDocument, IncomingRelation, IncomingSpan
from annotator.formats import EXPORTS, exporting, native
from annotator.formats.atomic import atomic_write
from annotator.formats.export_types import Selection
from annotator.store import Store

importer = importlib.import_module("annotator.store.importer")
queries = importlib.import_module("annotator.store.export_queries")

WORDS = ["Lavrov", "said", "NATO", "“we", "will", "not”", "😀", "👩‍👩‍👧", "e\u0301te\u0301", "北约",
         "Kiev", "\t", "\u2028", "\xa0"]  # fmt: skip


def corpus(
    n: int, *, seed: int = 1, long_every: int = 0, prefix: str = "d"
) -> list[IncomingDocument]:
    """Documents with spans (some without ids), relations, notes and extra meta."""
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        words = 8000 if long_every and i % long_every == 0 else 40
        text = " ".join(rng.choice(WORDS) for _ in range(words)) + f" report {i}."
        spans = []
        for j in range(rng.randrange(0, 8)):
            a = rng.randrange(0, len(text) - 10)
            spans.append(
                IncomingSpan(
                    a, a + rng.randint(1, 9), rng.choice(["claim", "quote", "actor"]),
                    id=f"{prefix}{i}s{j}" if j % 3 else None,
                    annotator=rng.choice(["alice", "bob", None]),
                    note=rng.choice([None, "why", 'a "quoted"\nnote']),
                    created_at=f"2026-01-0{j % 9 + 1}T00:00:00.000Z",
                )
            )  # fmt: skip
        relations = []
        with_ids = [s for s in spans if s.id]
        if len(with_ids) >= 2:
            kind = rng.choice(["said_by", "claimed_by"])
            # The scheme's link rules: said_by joins quote -> actor, claimed_by claim -> actor.
            first, second = spans.index(with_ids[0]), spans.index(with_ids[1])
            spans[first] = replace(spans[first], label="quote" if kind == "said_by" else "claim")
            spans[second] = replace(spans[second], label="actor")
            relations.append(
                IncomingRelation(
                    kind, with_ids[0].id, with_ids[1].id,
                    id=f"{prefix}{i}r0", annotator=rng.choice(["alice", "bob"]),
                    created_at="2026-01-01T00:00:00.000Z",
                )
            )  # fmt: skip
        meta = DocumentMeta(title=f"Report {i}", url=f"https://x.test/{i}",
                            extra={"lang": "en", "n": i} if i % 2 else {})  # fmt: skip
        docs.append(
            IncomingDocument(text, f"src{i}", meta, f"in.jsonl, line {i + 1}", id=f"{prefix}oc{i}",
                             spans=spans, relations=relations, note="look" if i % 5 == 0 else None)
        )  # fmt: skip
    return docs


def contents(store: Store) -> dict[str, list]:
    """Every row of the tables an import writes, timestamps of the import left out."""
    conn = store.conn
    return {
        "documents": conn.execute(
            "SELECT id, source_id, text, text_sha256, title, meta, position, note FROM documents "
            "ORDER BY position"
        ).fetchall(),
        "spans": conn.execute(
            "SELECT id, document, start, end, label, text, annotator, note FROM spans ORDER BY id"
        ).fetchall(),
        "relations": conn.execute(
            "SELECT id, document, label, source, target, annotator FROM relations ORDER BY id"
        ).fetchall(),
        "span_counts": conn.execute("SELECT * FROM span_counts ORDER BY document").fetchall(),
        "fts": conn.execute("SELECT rowid, title FROM documents_fts ORDER BY rowid").fetchall(),
        "labels": conn.execute("SELECT name, kind, position FROM labels ORDER BY name").fetchall(),
        "annotators": conn.execute("SELECT name FROM annotators ORDER BY name").fetchall(),
    }


@pytest.fixture(params=[1, 3, 2000], ids=["batch-1", "batch-3", "batch-2000"])
def batch(request, monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(importer, "_IMPORT_BATCH", request.param)
    return request.param


# -- import -------------------------------------------------------------------------------


def import_with_batch(docs: list[IncomingDocument], size: int, monkeypatch) -> tuple:
    monkeypatch.setattr(importer, "_IMPORT_BATCH", size)
    store = Store.memory()
    summary = store.import_documents(docs, annotator="importer")
    return summary, contents(store)


def test_any_batch_size_stores_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    docs = corpus(40)
    docs += corpus(5)  # the same documents again: present, not added twice
    docs.append(
        IncomingDocument("A new label here.", "n", DocumentMeta(), "in.jsonl, line 99",
                         spans=[IncomingSpan(2, 5, "event")],
                         relations=[])
    )  # fmt: skip
    one, rows_one = import_with_batch(docs, 1, monkeypatch)
    for size in (2, 7, 2000):
        summary, rows = import_with_batch(docs, size, monkeypatch)
        assert summary == one, size
        assert rows == rows_one, size
    assert one.documents_present == 5 and one.spans_present > 0 and one.labels_added == ["event"]


def test_a_document_twice_in_one_batch_brings_its_relations(batch: int) -> None:
    first = IncomingDocument("Lavrov said no.", "a", DocumentMeta(), "a.jsonl, line 1", id="d",
                             spans=[IncomingSpan(0, 6, "actor", id="s1")])  # fmt: skip
    second = IncomingDocument("Lavrov said no.", "a", DocumentMeta(), "a.jsonl, line 2", id="d",
                              spans=[IncomingSpan(12, 14, "quote", id="s2")],
                              relations=[IncomingRelation("said_by", "s2", "s1", id="r")])  # fmt: skip
    store = Store.memory()
    summary = store.import_documents([first, second], annotator="x")
    assert (summary.documents_added, summary.documents_present) == (1, 1)
    assert (summary.spans_added, summary.relations_added) == (2, 1)
    assert store.verify() == []


def test_a_span_id_taken_in_an_earlier_batch_is_refused(batch: int) -> None:
    docs = corpus(6, seed=3)
    docs[0].spans.append(IncomingSpan(0, 3, "claim", id="taken"))
    docs[5].spans.append(IncomingSpan(1, 4, "claim", id="taken"))
    store = Store.memory()
    with pytest.raises(InputError, match=r"line 6: span id 'taken' is already used by another"):
        store.import_documents(docs, annotator="x")
    assert store.document_count() == 0


def test_a_span_id_stored_before_the_import_is_refused(batch: int) -> None:
    store = Store.memory()
    store.import_documents(corpus(3, seed=2), annotator="x")  # the database has spans now
    docs = corpus(6, seed=3, prefix="more")
    docs[4].spans.append(IncomingSpan(0, 3, "claim", id=store.spans("doc1")[0].id))
    with pytest.raises(InputError, match=r"line 5: span id '.*' is already used by another"):
        store.import_documents(docs, annotator="x")
    assert store.document_count() == 3


def test_the_first_bad_document_is_the_one_named(batch: int) -> None:
    docs = corpus(9, seed=4)
    docs[3].relations.append(IncomingRelation("said_by", "nowhere", "elsewhere", id="bad"))
    docs[6] = IncomingDocument("Another text.", "x", DocumentMeta(), "in.jsonl, line 7",
                               id="doc1")  # fmt: skip
    store = Store.memory()
    with pytest.raises(InputError, match=r"line 4: relation 'bad' refers to unknown span"):
        store.import_documents(docs, annotator="x")
    del docs[3]
    with pytest.raises(InputError, match=r"line 7: document 'doc1' is already in the database"):
        store.import_documents(docs, annotator="x")
    assert store.document_count() == 0


def test_a_lone_surrogate_names_its_document(batch: int) -> None:
    docs = corpus(5, seed=5)
    docs[3].spans.append(IncomingSpan(0, 2, "claim", id="s", note="bad \ud800 note"))
    store = Store.memory()
    with pytest.raises(InputError, match=r"line 4: holds text that is not valid Unicode"):
        store.import_documents(docs, annotator="x")
    assert store.document_count() == 0


def fts_index_is_sound(store: Store) -> None:
    """FTS5's own check of an external-content index against the table it indexes (rank 1:
    every row's tokens, by rowid), then a search by each document's own unique words."""
    store.conn.execute("INSERT INTO documents_fts (documents_fts, rank) VALUES ('integrity-check', 1)")
    rows = store.conn.execute("SELECT rowid, id, text FROM documents").fetchall()
    for rowid, doc_id, text in rows:
        words = text.rsplit(" ", 2)[-2:]  # "report N." ends every text of corpus()
        found = store.conn.execute(
            "SELECT d.id FROM documents d WHERE d.rowid IN "
            "(SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?)",
            [" ".join(f'"{w.strip(".")}"' for w in words)],
        ).fetchall()
        assert (doc_id,) in found, (rowid, doc_id)


def test_the_full_text_index_is_fed_by_rowid_across_imports(batch: int) -> None:
    """The index is fed from the rows in hand, each with the rowid its document is given:
    over batches, over a second import into a database that has documents, and with a
    document met again (present, so neither stored nor indexed twice)."""
    store = Store.memory()
    store.import_documents(corpus(7, seed=11), annotator="x")
    again = corpus(3, seed=11)  # the same first three documents: already present
    summary = store.import_documents([*again, *corpus(9, seed=12, prefix="n")], annotator="x")
    assert (summary.documents_added, summary.documents_present) == (9, 3)
    fts_index_is_sound(store)
    indexed = store.conn.execute("SELECT count(*) FROM documents_fts").fetchone()[0]
    assert indexed == store.document_count() == 16
    assert store.document_ids(search="report 4")  # the store's own search finds them


def test_a_failed_import_leaves_no_trace_in_the_full_text_index(batch: int) -> None:
    store = Store.memory()
    store.import_documents(corpus(4, seed=13), annotator="x")
    docs = corpus(6, seed=14, prefix="late")
    docs[5].relations.append(IncomingRelation("said_by", "nowhere", "elsewhere", id="bad"))
    with pytest.raises(InputError):
        store.import_documents(docs, annotator="x")
    fts_index_is_sound(store)
    assert store.conn.execute("SELECT count(*) FROM documents_fts").fetchone()[0] == 4


def test_the_full_text_index_writes_out_in_large_runs() -> None:
    """Migration 7: the index holds 16 MB before it writes a segment (store/schema.py)."""
    from annotator.store import schema

    store = Store.memory()
    setting = store.conn.execute(
        "SELECT v FROM documents_fts_config WHERE k = 'hashsize'"
    ).fetchone()
    assert setting == (schema.FULL_TEXT_HASH_BYTES,) == (16 * 1024 * 1024,)


# -- export -------------------------------------------------------------------------------


def per_document(store: Store, target: Path, selection: Selection) -> None:
    """The export as every other format does it: one document, its spans and relations at
    a time, as objects."""
    docs = exporting.documents(store, selection)
    with atomic_write(target) as f:
        for item in docs:
            f.write(orjson.dumps(native.record_of(item.document, item.spans, item.relations)))
            f.write(b"\n")


@pytest.fixture(scope="module")
def filled() -> Store:
    store = Store.memory()
    store.import_documents(corpus(60, seed=7, long_every=25), annotator="importer")
    doc_ids = store.document_ids()
    store.set_status(doc_ids[1], "alice", "done")
    store.set_status(doc_ids[2], "bob", "in_progress")
    return store


@pytest.mark.parametrize(
    "selection",
    [
        Selection(),
        Selection(labels=frozenset({"quote", "actor"})),
        Selection(labels=frozenset({"said_by"})),
        Selection(labels=frozenset({"quote", "actor", "claimed_by"})),
        Selection(annotators=frozenset({"alice"})),
        Selection(statuses=frozenset({"done", "in_progress"})),
        Selection(statuses=frozenset({"todo"}), annotators=frozenset({"bob"})),
    ],
    ids=["all", "span-labels", "relation-label", "both", "annotator", "status", "todo-bob"],
)
def test_the_native_export_is_the_per_document_one(
    tmp_path: Path, filled: Store, selection: Selection
) -> None:
    fast, slow = tmp_path / "fast.jsonl", tmp_path / "slow.jsonl"
    report = exporting.export(filled, fast, EXPORTS["jsonl"], selection=selection)
    per_document(filled, slow, selection)
    assert fast.read_bytes() == slow.read_bytes()
    records = [orjson.loads(line) for line in fast.read_bytes().splitlines()]
    assert report.documents == len(records)
    assert report.spans == sum(len(r["spans"]) for r in records)
    assert report.relations == sum(len(r["relations"]) for r in records)


def test_sqlite_checks_short_texts_and_python_long_ones(filled: Store) -> None:
    rows = list(queries.native_rows(filled))
    long = [r for r in rows if len(r.text) > queries._CHECKED_IN_SQL]
    assert long and all(r.bad_spans is None for r in long)
    assert all(r.bad_spans == 0 for r in rows if r not in long)


@pytest.mark.parametrize("long", [False, True], ids=["short-text", "long-text"])
def test_a_forged_span_text_stops_the_native_export(tmp_path: Path, long: bool) -> None:
    store = Store.memory()
    store.import_documents(corpus(30, seed=8, long_every=10), annotator="importer")
    length = "> 30000" if long else "< 1000"
    doc_id, span_id = store.conn.execute(
        f"SELECT d.id, s.id FROM documents d JOIN spans s ON s.document = d.id "
        f"WHERE length(d.text) {length} ORDER BY d.position DESC LIMIT 1"
    ).fetchone()
    store.conn.execute("UPDATE spans SET text = 'forged' WHERE id = ?", [span_id])
    target = tmp_path / "out.jsonl"
    with pytest.raises(AnnotatorError, match="integrity") as info:
        exporting.export(store, target, EXPORTS["jsonl"])
    assert span_id in str(info.value) and "forged" in str(info.value)
    assert not target.exists()


def test_offsets_of_the_wrong_type_stop_the_native_export(tmp_path: Path) -> None:
    store = Store.memory()
    store.import_documents(corpus(5, seed=9), annotator="importer")
    span_id = store.conn.execute("SELECT id FROM spans LIMIT 1").fetchone()[0]
    store.conn.execute("PRAGMA ignore_check_constraints = ON")
    store.conn.execute("UPDATE spans SET start = 'three' WHERE id = ?", [span_id])
    with pytest.raises(AnnotatorError, match="wrong types"):
        exporting.export(store, tmp_path / "out.jsonl", EXPORTS["jsonl"])


def test_a_text_that_no_longer_matches_its_hash_stops_the_native_export(tmp_path: Path) -> None:
    store = Store.memory()
    store.import_documents(corpus(5, seed=10), annotator="importer")
    store.conn.execute("UPDATE documents SET text = text || '!' WHERE position = 2")
    with pytest.raises(AnnotatorError, match="SHA-256"):
        exporting.export(store, tmp_path / "out.jsonl", EXPORTS["jsonl"])
