"""The store: what a new file looks like, that every edit is on disk when the call returns,
that imports are all or nothing, that foreign or newer files are refused untouched, that an
older file is backed up and migrated in one transaction, and that tampering is reported."""

from __future__ import annotations

import random
import sqlite3
import threading
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

import pytest

from annotator.core.errors import InputError
from annotator.core.ids import new_id, text_sha256, utc_now
from annotator.core.model import (
    DocumentMeta,
    IncomingDocument,
    IncomingRelation,
    IncomingSpan,
    Span,
)
from annotator.store import Store, StoreError, opening, schema

TABLES = ("documents", "spans", "relations", "labels", "annotators")
TEXT = 'Lavrov said: "NATO must stay out." Kiev disagreed.'  # 0:6 Lavrov, 14:33 NATO..., 35:39 Kiev


# -- helpers ------------------------------------------------------------------------------


def incoming(
    text: str = TEXT,
    *,
    doc_id: str | None = None,
    source_id: str = "article.txt",
    title: str = "An article",
    spans: list[IncomingSpan] | None = None,
    relations: list[IncomingRelation] | None = None,
) -> IncomingDocument:
    return IncomingDocument(
        text=text,
        source_id=source_id,
        meta=DocumentMeta(title=title),
        origin=f"{source_id}, line 1",
        id=doc_id,
        spans=spans or [],
        relations=relations or [],
    )


def annotated(doc_id: str | None = "doc-1", **kw) -> IncomingDocument:
    """TEXT with an actor (Lavrov), a quote and a said_by relation between them."""
    return incoming(
        doc_id=doc_id,
        spans=[
            IncomingSpan(0, 6, "actor", id=f"{doc_id}-actor"),
            IncomingSpan(14, 33, "quote", id=f"{doc_id}-quote"),
        ],
        relations=[
            IncomingRelation("said_by", f"{doc_id}-quote", f"{doc_id}-actor", id=f"{doc_id}-rel")
        ],
        **kw,
    )


def new_span(store: Store, doc_id: str, start: int, end: int, label: str = "claim") -> Span:
    now = utc_now()
    text = store.document(doc_id).text[start:end]
    return Span(new_id(), doc_id, start, end, label, text, "alice", now, now)


def raw(path: Path) -> closing[sqlite3.Connection]:
    """A second, independent connection to the same file (as another process would see it)."""
    return closing(sqlite3.connect(str(path), isolation_level=None))


def counts(path: Path) -> dict[str, int]:
    with raw(path) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def pragma(path: Path, name: str) -> object:
    with raw(path) as conn:
        return conn.execute(f"PRAGMA {name}").fetchone()[0]


def sidecars(path: Path) -> list[Path]:
    return [p for s in ("-wal", "-shm", "-journal") if (p := Path(f"{path}{s}")).exists()]


def make_db(path: Path, *documents: IncomingDocument) -> Path:
    with Store.open(path) as s:
        s.import_documents(list(documents) or [annotated()], annotator="import")
    return path


# -- a new file ---------------------------------------------------------------------------


def test_new_file_is_marked_configured_and_durable(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    with Store.open(path) as s:
        assert s.conn.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        assert s.schema_version == schema.SCHEMA_VERSION
        assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert s.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert s.conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert s.conn.execute("PRAGMA busy_timeout").fetchone()[0] > 0
        # The header on disk already says what the file is, even while it is open.
        header = path.read_bytes()[:100]
        assert int.from_bytes(header[68:72], "big") == schema.APPLICATION_ID
        assert int.from_bytes(header[60:64], "big") == schema.SCHEMA_VERSION
    # At rest (no connection open) the file is in rollback-journal mode: one
    # self-contained file, so a copy of it is complete (see test_safety_hostile.py).
    assert pragma(path, "journal_mode") == "delete"
    assert not sidecars(path)


def test_new_file_has_the_default_label_scheme(tmp_path: Path) -> None:
    with Store.open(tmp_path / "new.db") as s:
        assert [(lb.name, lb.key) for lb in s.labels("span")] == [
            ("claim", "1"),
            ("quote", "2"),
            ("actor", "3"),
        ]
        assert {lb.name for lb in s.labels("relation")} == {"said_by", "claimed_by"}
        assert all(lb.color.startswith("#") for lb in s.labels(None))


# -- every edit is committed at once ------------------------------------------------------


def test_every_edit_is_on_disk_when_the_call_returns(tmp_path: Path) -> None:
    path = make_db(tmp_path / "a.db")
    with Store.open(path) as s, raw(path) as other:

        def label_of(span_id: str) -> str | None:
            row = other.execute("SELECT label FROM spans WHERE id = ?", [span_id]).fetchone()
            return row and row[0]

        span = new_span(s, "doc-1", 35, 39)
        s.add_span(span)
        assert label_of(span.id) == "claim"

        updated = s.relabel_span(span.id, "quote")
        assert updated.label == "quote"
        assert label_of(span.id) == "quote"

        # Deleting a span takes its relations with it, and gives both back for undo.
        deleted, relations = s.delete_span("doc-1-actor")
        assert [r.id for r in relations] == ["doc-1-rel"]
        assert label_of("doc-1-actor") is None
        assert other.execute("SELECT count(*) FROM relations").fetchone()[0] == 0

        s.restore_span(deleted, relations)
        assert label_of("doc-1-actor") == "actor"
        assert other.execute("SELECT id FROM relations").fetchall() == [("doc-1-rel",)]
        assert not other.in_transaction


def test_edits_begin_immediate(tmp_path: Path) -> None:
    path = make_db(tmp_path / "a.db")
    with Store.open(path) as s:
        statements: list[str] = []
        s.conn.set_trace_callback(statements.append)
        s.add_span(new_span(s, "doc-1", 35, 39))
        s.conn.set_trace_callback(None)
    begins = [st for st in statements if st.upper().startswith("BEGIN")]
    assert begins == ["BEGIN IMMEDIATE"]
    insert = next(i for i, st in enumerate(statements) if st.startswith("INSERT INTO spans"))
    assert statements.index("BEGIN IMMEDIATE") < insert < statements.index("COMMIT")


def test_an_edit_waits_for_another_writer_instead_of_failing(tmp_path: Path) -> None:
    path = make_db(tmp_path / "a.db")
    with Store.open(path) as s:
        span = new_span(s, "doc-1", 35, 39)
        other = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("INSERT INTO annotators (name, created_at) VALUES ('bob', 'now')")

            def release() -> None:
                time.sleep(0.5)
                other.execute("COMMIT")

            thread = threading.Thread(target=release)
            began = time.monotonic()
            thread.start()
            s.add_span(span)  # must wait for the lock, not raise "database is locked"
            waited = time.monotonic() - began
            thread.join()
        finally:
            other.close()
        assert waited >= 0.3
        assert s.span(span.id) == span
    assert counts(path)["spans"] == 3
    assert counts(path)["annotators"] >= 2  # the other writer's row survived too


# -- imports ------------------------------------------------------------------------------


def _second_doc_with_unknown_relation() -> IncomingDocument:
    return incoming(
        "Another text.",
        doc_id="doc-3",
        relations=[IncomingRelation("said_by", "nope", "nada", id="r")],
    )


def _second_doc_with_same_id_other_text() -> IncomingDocument:
    return incoming("A different text under the same id.", doc_id="doc-1")


@pytest.mark.parametrize(
    "bad_second",
    [_second_doc_with_unknown_relation, _second_doc_with_same_id_other_text],
    ids=["relation-to-unknown-span", "same-id-other-text"],
)
def test_import_is_all_or_nothing(
    tmp_path: Path, bad_second: Callable[[], IncomingDocument]
) -> None:
    path = make_db(tmp_path / "a.db")
    before = counts(path)
    good_first = incoming(
        "A fresh article with a rumour in it.",
        doc_id="doc-2",
        spans=[IncomingSpan(21, 27, "rumour", annotator="carol")],  # new label, new annotator
    )
    with Store.open(path) as s:
        with pytest.raises(InputError) as info:
            s.import_documents([good_first, bad_second()], annotator="import")
        assert "line 1" in str(info.value)
        assert not s.conn.in_transaction
    assert counts(path) == before  # no document, span, new label or new annotator


def test_import_twice_adds_nothing(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    # No ids: documents are known by their text and source id, spans by their content.
    batch = [
        incoming(spans=[IncomingSpan(0, 6, "actor"), IncomingSpan(14, 33, "quote")]),
        incoming("Second article.", source_id="b.txt", spans=[IncomingSpan(0, 6, "claim")]),
    ]
    with Store.open(path) as s:
        first = s.import_documents(batch, annotator="alice")
        assert (first.documents_added, first.spans_added) == (2, 3)
        after_first = counts(path)
        again = s.import_documents(batch, annotator="alice")
    assert counts(path) == after_first
    assert (again.documents_added, again.spans_added, again.relations_added) == (0, 0, 0)
    assert (again.documents_present, again.spans_present) == (2, 3)
    assert "2 document(s) already present" in again.describe()


def test_import_with_ids_twice_adds_nothing(store: Store) -> None:
    store.import_documents([annotated()], annotator="import")
    again = store.import_documents([annotated()], annotator="import")
    assert (again.documents_present, again.spans_present, again.relations_present) == (1, 2, 1)
    assert (again.documents_added, again.spans_added, again.relations_added) == (0, 0, 0)
    assert store.document_count() == 1
    assert len(store.spans("doc-1")) == 2
    assert len(store.relations("doc-1")) == 1


def test_a_span_id_used_by_another_document_is_not_silently_dropped(store: Store) -> None:
    """Files numbered per document ("s1", "s2", ...) reuse span ids across documents: the
    import must refuse them with an error, or keep every span; never report them as
    already present and lose them."""
    first = incoming("First article.", doc_id="d1", spans=[IncomingSpan(0, 5, "claim", id="s1")])
    second = incoming("Second one.", doc_id="d2", spans=[IncomingSpan(0, 6, "actor", id="s1")])
    try:
        summary = store.import_documents([first, second], annotator="alice")
    except InputError as exc:
        assert "s1" in str(exc)
        assert store.document_count() == 0
        return
    assert summary.spans_present == 0
    assert [s.text for s in store.spans("d2")] == ["Second"]
    assert [s.text for s in store.spans("d1")] == ["First"]


def test_unknown_labels_join_the_scheme_and_are_reported(store: Store) -> None:
    doc = incoming(
        doc_id="d",
        spans=[IncomingSpan(0, 6, "person", id="s1"), IncomingSpan(14, 33, "quote", id="s2")],
        relations=[IncomingRelation("attributed_to", "s2", "s1")],
    )
    summary = store.import_documents([doc], annotator="alice")
    assert summary.labels_added == ["person", "attributed_to"]
    assert "person" in summary.describe() and "attributed_to" in summary.describe()
    span_labels = {lb.name: lb for lb in store.labels("span")}
    assert "person" in span_labels and span_labels["person"].key is None
    assert "attributed_to" in {lb.name for lb in store.labels("relation")}
    assert store.import_documents([doc], annotator="alice").labels_added == []


def test_imported_spans_carry_the_text_they_cover(store: Store) -> None:
    doc = annotated()
    doc.spans.append(IncomingSpan(35, 39, "actor"))  # no id: given a stable content id
    store.import_documents([doc], annotator="import")
    doc = store.document("doc-1")
    spans = store.spans("doc-1")
    assert [s.text for s in spans] == ["Lavrov", "NATO must stay out.", "Kiev"]
    assert all(doc.text[s.start : s.end] == s.text for s in spans)
    assert store.verify() == []


# -- refusing files that are not ours -----------------------------------------------------


def _empty(tmp: Path) -> Path:
    path = tmp / "empty.db"
    path.write_bytes(b"")
    return path


def _text(tmp: Path) -> Path:
    path = tmp / "notes.db"
    path.write_text("These are my notes, not a database.\n" * 10, encoding="utf-8")
    return path


def _random(tmp: Path) -> Path:
    path = tmp / "noise.db"
    path.write_bytes(random.Random(7).randbytes(4096))
    return path


def _folder(tmp: Path) -> Path:
    path = tmp / "folder.db"
    path.mkdir()
    (path / "inside.txt").write_text("x", encoding="utf-8")
    return path


def _other_application(tmp: Path) -> Path:
    path = tmp / "other.sqlite"
    with raw(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
        conn.execute("INSERT INTO invoices (total) VALUES (9.5)")
    return path


def _newer(tmp: Path) -> Path:
    path = make_db(tmp / "newer.db")
    with raw(path) as conn:
        conn.execute("PRAGMA user_version = 99")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert not sidecars(path)
    return path


def _snapshot(path: Path) -> object:
    if path.is_dir():
        return sorted((p.name, p.read_bytes()) for p in path.iterdir())
    return path.read_bytes()


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (_empty, "empty"),
        (_text, "not an Annotator database"),
        (_random, "not an Annotator database"),
        (_folder, "folder"),
        (_other_application, "another application"),
        (_newer, "newer"),
    ],
    ids=["empty", "text", "random-bytes", "folder", "other-application", "newer-version"],
)
def test_foreign_files_are_refused_untouched(
    tmp_path: Path, make: Callable[[Path], Path], reason: str
) -> None:
    path = make(tmp_path)
    before = _snapshot(path)
    listing = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(StoreError) as info:
        Store.open(path)
    message = str(info.value)
    assert str(path) in message
    assert reason in message
    assert _snapshot(path) == before
    assert not sidecars(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == listing


def test_newer_file_refusal_names_both_versions(tmp_path: Path) -> None:
    path = _newer(tmp_path)
    with pytest.raises(StoreError, match="99") as info:
        Store.open(path)
    assert f"up to {schema.SCHEMA_VERSION}" in str(info.value)


def test_missing_file_without_create_is_refused_and_not_created(tmp_path: Path) -> None:
    path = tmp_path / "missing.db"
    with pytest.raises(StoreError, match="no such database") as info:
        Store.open(path, create=False)
    assert str(path) in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_missing_folder_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "no" / "such" / "folder" / "a.db"
    with pytest.raises(StoreError, match="does not exist") as info:
        Store.open(path)
    assert str(path) in str(info.value)
    assert list(tmp_path.iterdir()) == []


# -- migrations ---------------------------------------------------------------------------


CURRENT = schema.SCHEMA_VERSION
NEXT = CURRENT + 1


def with_second_migration(monkeypatch: pytest.MonkeyPatch, fn: schema.Migration) -> None:
    """Pretend this build's schema has one more version, made by ``fn``."""
    migrations = [*schema.MIGRATIONS, fn]
    for module in (schema, opening):
        monkeypatch.setattr(module, "MIGRATIONS", migrations)
        monkeypatch.setattr(module, "SCHEMA_VERSION", len(migrations))


def test_an_older_file_is_backed_up_then_migrated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_db(tmp_path / "work.db")
    v1 = counts(path)

    def m002_add_confidence(db) -> None:
        db.execute("ALTER TABLE spans ADD COLUMN confidence REAL")
        db.execute("CREATE TABLE reviews (id TEXT PRIMARY KEY, verdict TEXT)")

    with_second_migration(monkeypatch, m002_add_confidence)
    with Store.open(path) as s:
        assert s.schema_version == NEXT
        assert len(s.spans("doc-1")) == 2
    backup = tmp_path / f"work.db.v{CURRENT}.bak"
    assert backup.is_file()
    with raw(backup) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == CURRENT
        assert conn.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID
        assert "confidence" not in {r[1] for r in conn.execute("PRAGMA table_info(spans)")}
    assert counts(backup) == v1
    assert pragma(path, "user_version") == NEXT
    assert counts(path) == v1
    with raw(path) as conn:
        assert "confidence" in {r[1] for r in conn.execute("PRAGMA table_info(spans)")}
        assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0
    # Opening the migrated file again neither migrates nor backs up again.
    with Store.open(path) as s:
        assert s.schema_version == NEXT
    assert sorted(p.name for p in tmp_path.glob("*.bak")) == [f"work.db.v{CURRENT}.bak"]


class MigrationFailed(Exception):
    pass


def test_a_failing_migration_leaves_the_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_db(tmp_path / "work.db")
    v1 = counts(path)

    def m002_breaks_half_way(db) -> None:
        db.execute("ALTER TABLE spans ADD COLUMN confidence REAL")
        db.execute("DELETE FROM relations")
        db["reviews"].insert_all([{"id": "x", "verdict": "ok"}])
        raise MigrationFailed("boom")

    with_second_migration(monkeypatch, m002_breaks_half_way)
    with pytest.raises((MigrationFailed, StoreError)):
        Store.open(path)
    assert (tmp_path / f"work.db.v{CURRENT}.bak").is_file()
    assert pragma(path, "user_version") == CURRENT
    assert counts(path) == v1
    with raw(path) as conn:
        assert "confidence" not in {r[1] for r in conn.execute("PRAGMA table_info(spans)")}
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "reviews" not in tables


def test_a_real_version_1_file_is_migrated_with_its_data(tmp_path: Path) -> None:
    """An old fixture made by the first migration alone, then opened by this build."""
    import sqlite_utils

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    db = sqlite_utils.Database(conn, execute_plugins=False)
    conn.execute("BEGIN")
    schema.MIGRATIONS[0](db)
    conn.execute(
        "INSERT INTO documents (id, source_id, text, text_sha256, position, created_at) "
        "VALUES ('d', 'a.txt', 'Putin said no.', ?, 0, 'then')",
        [text_sha256("Putin said no.")],
    )
    conn.execute(
        "INSERT INTO spans VALUES ('s', 'd', 0, 5, 'actor', 'Putin', 'import', NULL, 't', 't')"
    )
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 1")
    conn.execute("COMMIT")
    conn.close()
    with Store.open(path) as s:
        assert s.schema_version == schema.SCHEMA_VERSION
        [row] = s.documents("import")
        assert (row.span_count, row.status) == (1, "todo")
        assert s.document_ids(search="putin") == ["d"]
        assert s.verify() == []
    assert (tmp_path / "old.db.v1.bak").is_file()


# -- integrity checks ---------------------------------------------------------------------


def test_verify_is_clean_on_a_clean_database(tmp_path: Path) -> None:
    path = make_db(tmp_path / "a.db", annotated(), annotated("doc-2", source_id="b.txt"))
    with Store.open(path) as s:
        assert s.verify() == []
        doc = s.document("doc-1")
        assert s.verify_document(doc, s.spans("doc-1")) == []


def test_verify_reports_a_tampered_span(tmp_path: Path) -> None:
    path = make_db(tmp_path / "a.db", annotated(title="Lavrov warns NATO"))
    with raw(path) as conn:
        conn.execute("UPDATE spans SET text = 'Putin' WHERE id = 'doc-1-actor'")
    with Store.open(path) as s:
        problems = s.verify()
        assert len(problems) == 1
        assert "Lavrov warns NATO" in problems[0]
        assert "doc-1-actor" in problems[0] and "Putin" in problems[0]
        assert s.verify_document(s.document("doc-1"), s.spans("doc-1")) == problems
        # Reported, never repaired.
        assert s.span("doc-1-actor").text == "Putin"


def test_verify_reports_shifted_offsets(tmp_path: Path) -> None:
    path = make_db(tmp_path / "a.db", annotated(title="Lavrov warns NATO"))
    with raw(path) as conn:
        conn.execute("UPDATE spans SET start = start + 1, end = end + 1 WHERE id = 'doc-1-quote'")
    with Store.open(path) as s:
        problems = s.verify()
    assert len(problems) == 1 and "doc-1-quote" in problems[0]


def test_verify_reports_empty_and_negative_spans(tmp_path: Path) -> None:
    """A file written with CHECK constraints switched off can hold an empty span (its text
    '' matches the text between equal offsets) or a negative start: opening refuses it
    (quick_check reads the CHECK constraints), and the span check says so on its own too."""
    from dataclasses import replace

    path = make_db(tmp_path / "a.db", annotated(title="Lavrov warns NATO"))
    with raw(path) as conn:
        conn.execute("PRAGMA ignore_check_constraints = ON")
        conn.execute("UPDATE spans SET end = start, text = '' WHERE id = 'doc-1-quote'")
    with pytest.raises(StoreError, match="CHECK constraint failed"):
        Store.open(path)
    with Store.open(make_db(tmp_path / "b.db", annotated(title="Lavrov warns NATO"))) as s:
        doc, spans = s.document("doc-1"), s.spans("doc-1")
    empty = replace(spans[0], end=spans[0].start, text="")
    negative = replace(spans[1], start=-3, text=doc.text[-3 : spans[1].end])
    problems = Store.verify_document(doc, [empty, negative])
    assert [p.split(" span ")[1].split(" ")[0] for p in problems] == [empty.id, negative.id]


def test_verify_reports_a_tampered_document_text(tmp_path: Path) -> None:
    path = make_db(
        tmp_path / "a.db", annotated(title="Lavrov warns NATO"), incoming("Untouched.", doc_id="ok")
    )
    with raw(path) as conn:
        conn.execute("UPDATE documents SET text = replace(text, 'Kiev', 'Kyiv') WHERE id = 'doc-1'")
    with Store.open(path) as s:
        problems = s.verify()
        assert s.verify(["ok"]) == []
    assert len(problems) == 1
    assert "Lavrov warns NATO" in problems[0] and "SHA-256" in problems[0]


# -- the window's fast read of an article's spans -------------------------------------------


def test_view_spans_equal_the_stored_spans_but_for_timestamps(tmp_path: Path) -> None:
    text = "“We will not”, the minister 👩‍👩‍👧 said — Лавров.\r\nKiev 😀 answered."
    spans = [
        IncomingSpan(0, 13, "quote", id="q", annotator="alice", note="a “note”"),
        IncomingSpan(15, 27, "actor", id="a", annotator="bob"),
        IncomingSpan(0, 27, "claim", id="c", annotator="alice"),
        IncomingSpan(len(text) - 16, len(text) - 9, "actor", id="k", annotator="alice"),
    ]
    path = make_db(tmp_path / "a.db", incoming(text, doc_id="d", spans=spans))
    with Store.open(path) as s:
        doc = s.document("d")
        view = s.view_spans(doc)
        stored = s.spans("d")
        assert [x.id for x in view] == [x.id for x in stored] == ["q", "c", "a", "k"]
        for shown, kept in zip(view, stored, strict=True):
            assert (shown.start, shown.end, shown.label, shown.text, shown.annotator,
                    shown.note, shown.document) == (kept.start, kept.end, kept.label, kept.text,
                                                    kept.annotator, kept.note, kept.document)
            assert doc.text[shown.start : shown.end] == shown.text
        assert view.counts() == {"claim": 1, "quote": 1, "actor": 2}
        assert "SEARCH spans USING COVERING INDEX spans_view" in str(
            s.conn.execute(
                "EXPLAIN QUERY PLAN SELECT start, end, id, label, annotator FROM spans "
                "WHERE document = 'd' ORDER BY start, end, id"
            ).fetchall()
        )


@pytest.mark.parametrize(
    "damage",
    ["end = 999", "end = 2.5", "end = 'x'"],  # what passes the CHECK constraints
)
def test_view_spans_leave_damaged_offsets_to_the_full_check(tmp_path: Path, damage: str) -> None:
    path = make_db(tmp_path / "a.db", annotated())
    with raw(path) as conn:
        conn.execute("PRAGMA ignore_check_constraints = ON")
        conn.execute(f"UPDATE spans SET {damage} WHERE id = 'doc-1-actor'")
    with Store.open(path) as s:
        assert s.view_spans(s.document("doc-1")) is None
        assert s.verify(["doc-1"])  # the full check says what is wrong


def test_a_program_that_ends_without_closing_leaves_the_file_at_rest(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = make_db(tmp_path / "a.db", incoming(doc_id="d"))
    script = (
        "from annotator.store import Store\n"
        "from annotator.core.editing import make_span\n"
        f"s = Store.open({str(path)!r})\n"
        "doc = s.document('d')\n"
        "s.add_span(make_span(doc, 0, 6, 'actor', 'alice', known_labels={'actor'}, existing=[]))\n"
        # no close(): the program just ends
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    assert not Path(f"{path}-wal").exists()
    assert pragma(path, "journal_mode") == "delete"
    with Store.open(path) as s:
        assert s.warnings == []
        assert [x.text for x in s.spans("d")] == ["Lavrov"]


# -- start-up: the schema of this build is known by its fingerprint -------------------------


def test_the_schema_fingerprint_is_the_one_the_migrations_make() -> None:
    from annotator.store import guard

    made = guard.fingerprint(guard.expected_schema(tuple(schema.MIGRATIONS)))
    assert made == schema.SCHEMA_FINGERPRINT, (
        f"a migration changed the schema: set SCHEMA_FINGERPRINT = {made!r} in store/schema.py"
    )


def test_a_changed_schema_is_never_taken_for_the_known_one(tmp_path: Path) -> None:
    from annotator.store import guard

    path = make_db(tmp_path / "a.db")
    with raw(path) as conn:
        objects = guard._objects(conn)
        assert guard.fingerprint(objects) == schema.SCHEMA_FINGERPRINT
        conn.execute("CREATE INDEX sneaky ON spans (note)")
        assert guard.fingerprint(guard._objects(conn)) != schema.SCHEMA_FINGERPRINT
        assert guard.schema_problems(conn, tuple(schema.MIGRATIONS)) == ["an index 'sneaky'"]
        conn.execute("DROP INDEX sneaky")
        conn.execute("DROP INDEX spans_noted")
        conn.execute("CREATE INDEX spans_noted ON spans (document, id)")  # same name, other SQL
        assert guard.fingerprint(guard._objects(conn)) != schema.SCHEMA_FINGERPRINT
        assert guard.schema_problems(conn, tuple(schema.MIGRATIONS)) == [
            "the index 'spans_noted' is not defined as Annotator defines it"
        ]


def test_opening_a_current_database_and_an_article_does_not_import_sqlite_utils(
    tmp_path: Path,
) -> None:
    import subprocess
    import sys

    path = make_db(tmp_path / "a.db", annotated())
    script = (
        "import sys\n"
        "from annotator.store import Store\n"
        f"s = Store.open({str(path)!r})\n"
        "doc = s.document('doc-1')\n"
        "assert len(s.view_spans(doc)) == 2 and s.labels() and s.relations('doc-1')\n"
        "s.close()\n"
        "print('sqlite_utils' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, check=True)
    assert done.stdout.strip() == "False"


def test_a_documents_spans_and_links_can_be_read_for_some_annotators(tmp_path: Path) -> None:
    path = make_db(tmp_path / "a.db", annotated())  # by "import"
    with Store.open(path) as s:
        s.add_span(new_span(s, "doc-1", 35, 39, "actor"))  # by alice
        doc = s.document("doc-1")
        assert {x.annotator for x in s.spans("doc-1")} == {"import", "alice"}
        assert [x.text for x in s.spans("doc-1", ["alice"])] == ["Kiev"]
        assert [x.text for x in s.view_spans(doc, {"alice"})] == ["Kiev"]
        assert len(s.view_spans(doc, ["alice", "import"])) == 3
        assert s.view_spans(doc, []).counts() == {}
        assert [r.id for r in s.relations("doc-1", ["import"])] == ["doc-1-rel"]
        assert s.relations("doc-1", ["alice"]) == []
        assert "COVERING INDEX spans_view" in str(s.conn.execute(
            "EXPLAIN QUERY PLAN SELECT start, end, id, label, annotator FROM spans "
            "INDEXED BY spans_view WHERE document = ? AND annotator IN (?) "
            "ORDER BY start, end, id", ["doc-1", "alice"]).fetchall())
