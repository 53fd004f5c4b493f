"""Regressions from the review of the first release: each a way to lose or corrupt work."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from annotator.core.errors import AnnotatorError, InputError
from annotator.core.model import DocumentMeta, IncomingDocument, IncomingRelation, IncomingSpan
from annotator.formats import EXPORTS, exporting
from annotator.formats.atomic import atomic_write
from annotator.store import Store, StoreError, schema


def _doc(*spans: IncomingSpan, relations=(), text="Putin said no to NATO.") -> IncomingDocument:
    return IncomingDocument(
        text,
        "a",
        DocumentMeta(title="A"),
        "a.jsonl, line 1",
        spans=list(spans),
        relations=list(relations),
    )


def _md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def test_export_refuses_to_overwrite_a_database(tmp_path: Path) -> None:
    db = tmp_path / "v.db"
    with Store.open(db) as s:
        s.import_documents([_doc()], annotator="a")
    before = _md5(db)
    with Store.open_readonly(db) as s, pytest.raises(AnnotatorError, match="database file"):
        exporting.export(s, db, EXPORTS["jsonl"])
    assert _md5(db) == before
    with Store.open(db):
        pass  # still opens


def test_exports_are_readable_by_others(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    with atomic_write(out) as f:
        f.write(b"{}\n")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~umask
    out.chmod(0o640)
    with atomic_write(out) as f:
        f.write(b"{}\n")
    assert stat.S_IMODE(out.stat().st_mode) == 0o640  # a replaced file keeps its mode


def test_export_reads_without_writing_to_the_database(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    with Store.open(db) as s:
        s.import_documents([_doc()], annotator="a")
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    before = _md5(db)
    with Store.open_readonly(db) as s:
        exporting.export(s, tmp_path / "o.jsonl", EXPORTS["jsonl"])
    assert _md5(db) == before
    assert not Path(f"{db}-wal").exists()


def test_duplicate_ids_in_one_record_are_clear_errors_or_merged() -> None:
    s = Store.memory()
    twice = IncomingSpan(0, 5, "actor", id="s1")
    summary = s.import_documents([_doc(twice, IncomingSpan(0, 5, "actor", id="s1"))], annotator="a")
    assert summary.spans_added == 1
    with pytest.raises(InputError, match="used twice"):
        s.import_documents(
            [
                _doc(
                    IncomingSpan(0, 5, "actor", id="x"),
                    IncomingSpan(6, 10, "claim", id="x"),
                    text="Other text here.",
                )
            ],
            annotator="a",
        )


def test_reimport_under_another_name_is_that_persons_work() -> None:
    """Issue 14, item 1 changed this: a span's identity includes its annotator, so the same
    file under another name is that person's spans (doccano and Prodigy write one file per
    annotator, alike but for the name); under the same name it adds nothing."""
    s = Store.memory()
    doc = _doc(IncomingSpan(0, 5, "actor"))
    s.import_documents([doc], annotator="alice")
    summary = s.import_documents([doc], annotator="bob")
    assert summary.spans_added == 1 and summary.spans_present == 0
    summary = s.import_documents([doc], annotator="alice")
    assert summary.spans_added == 0 and summary.spans_present == 1


def test_span_and_relation_labels_keep_their_kind() -> None:
    s = Store.memory()
    with pytest.raises(InputError, match="relation label"):
        s.import_documents([_doc(IncomingSpan(0, 5, "said_by"))], annotator="a")
    with pytest.raises(InputError, match="span label"):
        s.import_documents(
            [
                _doc(
                    IncomingSpan(0, 5, "actor", id="p"),
                    IncomingSpan(17, 21, "actor", id="n"),
                    relations=[IncomingRelation("claim", "p", "n")],
                )
            ],
            annotator="a",
        )
    assert s.document_count() == 0


def test_a_header_still_in_the_wal_is_not_taken_for_a_foreign_file(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    with Store.open(db) as s:
        s.import_documents([_doc()], annotator="a")
    # Simulate a crash before the first checkpoint: the main file's header is blank
    # but the WAL holds the real one.
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("PRAGMA journal_mode = WAL")  # a session (at rest the file is not in WAL)
    writer.execute("PRAGMA wal_autocheckpoint = 0")
    writer.execute("BEGIN")
    writer.execute("UPDATE documents SET title = 'B'")
    writer.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")  # page 1 into the WAL
    writer.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION}")
    writer.execute("COMMIT")
    data = bytearray(db.read_bytes())
    data[60:72] = bytes(12)  # user_version .. application_id as before the checkpoint
    db.write_bytes(bytes(data))
    assert Path(f"{db}-wal").stat().st_size > 0
    with Store.open(db) as s:
        assert s.document_count() == 1
    writer.close()


def test_cleanup_of_a_failed_new_database_never_hides_the_real_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a read-only file system even deleting what we made fails (EROFS); the user
    must still see why the database could not be made, not an OSError traceback."""

    def read_only(self, missing_ok=False):
        raise OSError(30, "Read-only file system")

    def broken_migration(db):
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(Path, "unlink", read_only)
    monkeypatch.setattr("annotator.store.opening.MIGRATIONS", [broken_migration])
    with pytest.raises(StoreError, match="cannot be written"):
        Store.open(tmp_path / "new.db")
