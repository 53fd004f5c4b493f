"""Issue 21, items 3, 4 and 6: a received database whose values are not what its columns say
(the safety family "wrong value types"), whose spans are empty or backwards, whose meta is
no JSON object, or whose annotations claim a name Annotator keeps for itself.

Each such file is refused, through ``annotator review-import`` and through
``store.sharing.import_shared`` (what File ▸ Open for review calls), with a reason naming
the file, the table, the row and the column; the reviewer's database stays byte-identical,
and so does the received file.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.model import DocumentMeta, IncomingDocument, IncomingRelation, IncomingSpan
from annotator.store import Store, StoreError
from annotator.store.received import MAX_META_DEPTH, meta_problem
from annotator.store.sharing import import_shared

TEXT = "Putin said no to NATO. Kiev said yes, a spokesman claimed."


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _annotated(path: Path, who: str, *, adjudicated: bool = False) -> Path:
    """``who``'s database: two articles (one with a note and meta), spans with notes, a
    relation with a note; ``adjudicated``: a reviewer's verdict put one span into gold."""

    def at(fragment: str, label: str) -> IncomingSpan:
        start = TEXT.index(fragment)
        return IncomingSpan(
            start,
            start + len(fragment),
            label,
            id=f"{who}-{fragment[:4]}",
            annotator=who,
            note=f"on {fragment}",
            created_at="2026-11-29T10:00:00Z",
            updated_at="2026-11-29T11:00:00Z",
        )

    with Store.open(path) as s:
        s.import_documents(
            [
                IncomingDocument(
                    TEXT,
                    "src-a",
                    DocumentMeta(title="A", extra={"desk": "east"}),
                    "t",
                    id="doc-a",
                    note="check the date",
                    spans=[at("Putin", "actor"), at("said no to NATO", "quote")],
                    relations=[
                        IncomingRelation(
                            "said_by",
                            f"{who}-said",
                            f"{who}-Puti",
                            id=f"{who}-rel",
                            annotator=who,
                            note="sure",
                        )
                    ],
                ),
                IncomingDocument(
                    "The minister spoke.", "src-b", DocumentMeta(title="B"), "t", id="doc-b"
                ),
            ],
            annotator=who,
        )
        if adjudicated:
            s.decide_span(f"{who}-Puti", "accepted", reviewer="rita")
    return path


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    """Made once: alice's adjudicated database, and a review database holding bob's work."""
    folder = tmp_path_factory.mktemp("made")
    _annotated(folder / "alice.db", "alice", adjudicated=True)
    bob = _annotated(folder / "bob.db", "bob")
    assert run("review-import", folder / "review.db", bob).exit_code == 0
    return folder


@pytest.fixture
def files(made: Path, tmp_path: Path) -> tuple[Path, Path]:
    """Fresh copies: (the review database, alice's received database)."""
    (tmp_path / "received").mkdir()
    review = Path(shutil.copy(made / "review.db", tmp_path / "review.db"))
    alice = Path(shutil.copy(made / "alice.db", tmp_path / "received" / "alice.db"))
    return review, alice


def _first_rowid(path: Path, table: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT min(rowid) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def _store(path: Path, table: str, column: str, value: object, rowid: int) -> None:
    """Put ``value`` as it is into a column whose type would otherwise convert it: the
    column's declared type is switched off for the write (writable_schema), as a hostile
    author (or a hex editor) can; CHECK constraints are ignored too."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA ignore_check_constraints = ON")
        (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", [table]).fetchone()
        declared = re.search(rf"\b{column}\s+(TEXT|INTEGER)( NOT NULL)?", sql)
        assert declared, (table, column)
        loose = sql[: declared.start()] + f"{column} BLOB" + sql[declared.end() :]
        _set_schema(conn, table, loose)
        conn.execute(f"UPDATE {table} SET {column} = ? WHERE rowid = ?", [value, rowid])
        _set_schema(conn, table, sql)
    finally:
        conn.close()


def _set_schema(conn: sqlite3.Connection, table: str, sql: str) -> None:
    version = conn.execute("PRAGMA schema_version").fetchone()[0]
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET sql = ? WHERE name = ?", [sql, table])
    conn.execute(f"PRAGMA schema_version = {version + 1}")
    conn.execute("PRAGMA writable_schema = OFF")


def _sql(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA ignore_check_constraints = ON")
        for statement in statements:
            conn.execute(statement)
    finally:
        conn.close()


def _refused_everywhere(review: Path, received: Path, *reasons: str) -> str:
    """Refused by the command line and by import_shared, saying ``reasons``; nothing
    changed, nothing made beside either file. Returns the command line's message."""
    folders = {review.parent: None, received.parent: None}
    before = {f: sorted((p.name, sha(p)) for p in f.iterdir() if p.is_file()) for f in folders}
    result = run("review-import", review, received)
    message = " ".join(result.output.split())
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)  # no traceback
    assert "Traceback" not in result.output
    for reason in (str(received), *reasons):
        assert reason in message, (reason, message)
    with pytest.raises(StoreError) as info:
        import_shared(review, [received])
    assert str(received) in str(info.value) and all(r in str(info.value) for r in reasons)
    after = {f: sorted((p.name, sha(p)) for p in f.iterdir() if p.is_file()) for f in folders}
    assert after == before
    with Store.open(review) as store:  # the window's path: its store open (in WAL mode)
        content = list(store.conn.iterdump())
        with pytest.raises(StoreError):
            import_shared(store, [received])
        assert list(store.conn.iterdump()) == content
    return message


def test_the_received_database_as_made_is_imported(files) -> None:
    """The base of every case below: alice's file, gold with its verdict, is accepted."""
    review, alice = files
    result = run("review-import", review, alice)
    assert result.exit_code == 0, result.output
    assert "3 span(s)" in result.output  # her two, and the gold span of rita's verdict
    with Store.open_readonly(review) as r:
        assert {s.annotator for s in r.spans("doc-a")} == {"alice", "bob", "gold"}
        assert r.verify() == []


# -- 3. wrong value types: every column class of every table that is copied or read ----------

TEXT_COLUMNS = {
    "documents": ("id", "source_id", "text", "text_sha256", "title", "source", "author",
                  "published", "url", "meta", "created_at", "note"),
    "spans": ("id", "document", "label", "text", "annotator", "note", "created_at",
              "updated_at"),
    "relations": ("id", "document", "label", "source", "target", "annotator", "note",
                  "created_at", "updated_at"),
    "decisions": ("item", "kind", "document", "verdict", "gold", "reviewer", "decided_at"),
    "labels": ("name", "kind", "color", "key", "description"),
    "annotators": ("name", "created_at"),
    "document_status": ("document", "annotator", "status", "updated_at"),
    "span_counts": ("document",),
}  # fmt: skip
INTEGER_COLUMNS = {
    "documents": ("position", "span_count"),
    "spans": ("start", "end"),
    "decisions": ("owns_gold",),
    "labels": ("position",),
    "span_counts": ("spans",),
}
CASES = (
    [(t, c, "blob") for t, cs in TEXT_COLUMNS.items() for c in cs]
    + [(t, cs[1], kind) for t, cs in TEXT_COLUMNS.items() if len(cs) > 1
       for kind in ("integer", "real")]
    + [(t, cs[0], "integer") for t in ("span_counts",) for cs in [TEXT_COLUMNS[t]]]
    + [(t, c, "text") for t, cs in INTEGER_COLUMNS.items() for c in cs]
)  # fmt: skip
VALUES = {"blob": b"\x00\xffgold", "integer": 7, "real": 2.5, "text": "seven"}
FOUND = {"blob": "BLOB", "integer": "7", "real": "2.5", "text": "seven"}


@pytest.mark.parametrize(("table", "column", "kind"), CASES)
def test_a_value_of_the_wrong_type_is_refused_naming_where_it_is(
    files, table: str, column: str, kind: str
) -> None:
    review, alice = files
    if table == "document_status":
        with Store.open(alice) as s:
            s.set_status("doc-a", "alice", "done")
    rowid = _first_rowid(alice, table)
    _store(alice, table, column, VALUES[kind], rowid)
    message = _refused_everywhere(review, alice, table, column, f"row {rowid}")
    assert FOUND[kind] in message


def test_a_null_where_none_belongs_is_refused(files) -> None:
    review, alice = files
    rowid = _first_rowid(alice, "documents")
    _store(alice, "documents", "meta", None, rowid)
    _refused_everywhere(review, alice, "documents", "meta", f"row {rowid}", "NULL")


# -- 6. values of the right type that the checks of the file itself let through ---------------


@pytest.mark.parametrize(
    ("statement", "reason"),
    [
        ("UPDATE spans SET end = start, text = '' WHERE id = 'alice-Puti'", "empty or backwards"),
        ("UPDATE spans SET end = start - 2, text = '' WHERE id = 'alice-Puti'",
         "empty or backwards"),
        ("UPDATE spans SET start = -3, text = '' WHERE id = 'alice-Puti'",
         "before the start of the text"),
        (f"UPDATE spans SET end = {len(TEXT) + 4} WHERE id = 'alice-said'", "past the end"),
    ],
)  # fmt: skip
def test_an_empty_negative_or_overlong_span_is_refused(files, statement: str, reason: str) -> None:
    review, alice = files
    _sql(alice, statement)
    _refused_everywhere(review, alice, "spans", reason)


@pytest.mark.parametrize(
    ("meta", "reason"),
    [
        ("{'desk': 'east'}", "is not JSON"),
        ("not json at all", "is not JSON"),
        ("[" * 3000 + "]" * 3000, "nested 3000 levels"),
        ('{"a":' * 3000 + "1" + "}" * 3000, "nested 3000 levels"),
        ("null", "not an object"),
        ('["desk", "east"]', "not an object"),
        ('{"score": NaN}', "is not JSON"),
    ],
)
def test_meta_that_is_not_a_json_object_is_refused(files, meta: str, reason: str) -> None:
    review, alice = files
    conn = sqlite3.connect(alice, isolation_level=None)
    conn.execute("UPDATE documents SET meta = ? WHERE id = 'doc-a'", [meta])
    conn.close()
    _refused_everywhere(review, alice, "documents", "meta", "doc-a", reason)


def test_the_meta_depth_bound() -> None:
    assert meta_problem("{}") is None
    assert meta_problem('{"a": "[[[[{{{{ not brackets"}') is None
    deep = '{"a":' * MAX_META_DEPTH + "1" + "}" * MAX_META_DEPTH
    assert meta_problem(deep) is None
    deeper = '{"a":' * (MAX_META_DEPTH + 1) + "1" + "}" * (MAX_META_DEPTH + 1)
    assert "nested" in meta_problem(deeper)


@pytest.mark.parametrize("column", ["id", "annotator", "label", "created_at"])
def test_an_empty_id_name_or_time_is_refused_not_replaced(files, column: str) -> None:
    """The importer would give an empty one another value without a word."""
    review, alice = files
    _sql(alice, "PRAGMA foreign_keys = OFF",
         f"UPDATE spans SET {column} = '' WHERE id = 'alice-said'")  # fmt: skip
    _refused_everywhere(review, alice, "spans", column, "is empty")


# -- 4. names Annotator keeps for itself, and where the gold layer comes from ------------------


@pytest.mark.parametrize("name", ["import", "Import", "GOLD", " gold"])
@pytest.mark.parametrize("table", ["spans", "relations"])
def test_a_reserved_annotator_name_is_refused(files, table: str, name: str) -> None:
    review, alice = files
    _sql(alice, "INSERT OR IGNORE INTO annotators (name, created_at) VALUES "
         f"('{name}', '2026-11-29T10:00:00Z')",
         f"UPDATE {table} SET annotator = '{name}' WHERE annotator = 'alice'")  # fmt: skip
    _refused_everywhere(review, alice, table, repr(name), "keeps for itself")


@pytest.mark.parametrize("table", ["spans", "relations"])
def test_gold_with_no_verdict_behind_it_is_refused(files, table: str) -> None:
    """An annotator who writes 'gold' into her own file, by hand or from an edited JSONL."""
    review, alice = files
    item = "alice-said" if table == "spans" else "alice-rel"
    _sql(alice, f"UPDATE {table} SET annotator = 'gold' WHERE id = '{item}'")
    _refused_everywhere(review, alice, table, item, "no verdict of this file behind")


def test_gold_whose_verdict_was_removed_is_refused(files) -> None:
    review, alice = files
    _sql(alice, "DELETE FROM decisions")
    _refused_everywhere(review, alice, "spans", "gold layer", "no verdict of this file")


def test_a_damaged_value_is_located_by_quick_check_on_every_open(files) -> None:
    """quick_check itself finds a number in a TEXT column: its message names the row."""
    _review, alice = files
    rowid = _first_rowid(alice, "spans")
    _store(alice, "spans", "label", 5, rowid)
    for opener in (Store.open, Store.open_readonly):
        with pytest.raises(StoreError, match=rf"NUMERIC value in spans\.label: row {rowid}"):
            opener(alice)
