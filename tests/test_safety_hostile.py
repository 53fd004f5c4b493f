"""Issue 6, hostile or damaged files: what is not a database, a database whose schema runs
or hides code, versions newer and older, flipped bytes, hot journals and copies without
their WAL, databases on network shares or in sync folders.

Every entry point that opens a file is tried (the store read-write and read-only, the
command line, the window), and the folder around the file is compared byte for byte.
"""

from __future__ import annotations

import gc
import random
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.errors import AnnotatorError
from annotator.core.model import Relation
from annotator.formats import native
from annotator.formats.export_types import Selection
from annotator.formats.reading import read_paths
from annotator.gui import app as gui_app
from annotator.store import Store, StoreError, guard, schema
from safety_helpers import (
    articles,
    count,
    incoming,
    integrity,
    open_window,
    raw,
    sha,
    snapshot,
    stub_dialogs,
    write_jsonl,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def good_db(tmp_path: Path) -> Path:
    """A small database at rest: articles, spans, a relation."""
    path = tmp_path / "good" / "work.db"
    path.parent.mkdir()
    source = write_jsonl(tmp_path / "a.jsonl", articles(8, words=60))
    with Store.open(path) as s:
        s.import_documents(read_paths([source]), annotator="a")
        doc = s.document(s.document_ids()[0])
        [claim] = s.spans(doc.id)
        actor = replace(
            claim,
            id="actor-1",
            start=0,
            end=claim.start - 1,
            label="actor",
            text=doc.text[: claim.start - 1],
        )
        s.add_span(actor)
        s.add_relation(
            Relation(
                "rel-1",
                doc.id,
                "claimed_by",
                claim.id,
                actor.id,
                "a",
                claim.created_at,
                claim.created_at,
            )
        )
    return path


# -- 11. files that are not Annotator databases -------------------------------------------


def _empty(folder: Path, _good: Path) -> Path:
    (path := folder / "empty.db").write_bytes(b"")
    return path


def _truncated(folder: Path, good: Path) -> Path:
    data = good.read_bytes()
    (path := folder / "truncated.db").write_bytes(data[: len(data) // 2 + 100])
    return path


def _random(folder: Path, _good: Path) -> Path:
    (path := folder / "noise.db").write_bytes(random.Random(11).randbytes(64 * 1024))
    return path


def _text(folder: Path, _good: Path) -> Path:
    (path := folder / "notes.db").write_text("shopping list\n" * 50, encoding="utf-8")
    return path


def _other_application(folder: Path, _good: Path) -> Path:
    path = folder / "photos.sqlite"
    with raw(path) as conn:
        conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, taken TEXT)")
        conn.execute("INSERT INTO photos (taken) VALUES ('2026-01-01')")
    return path


def _other_application_wal(folder: Path, _good: Path) -> Path:
    path = folder / "browser.sqlite"
    with raw(path) as conn:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("CREATE TABLE history (url TEXT)")
    return path


def _directory(folder: Path, _good: Path) -> Path:
    path = folder / "folder.db"
    path.mkdir()
    (path / "inside.txt").write_text("x", encoding="utf-8")
    return path


NOT_OURS = {
    "empty": (_empty, "empty"),
    "truncated": (_truncated, "damaged"),
    "random-bytes": (_random, "not an Annotator database"),
    "text": (_text, "not an Annotator database"),
    "other-application": (_other_application, "another application"),
    "other-application-wal": (_other_application_wal, "another application"),
    "directory": (_directory, "folder"),
}


def _open_rw(path: Path, _said: list[str]) -> str:
    with pytest.raises(StoreError) as info:
        Store.open(path)
    return str(info.value)


def _open_ro(path: Path, _said: list[str]) -> str:
    with pytest.raises(StoreError) as info:
        Store.open_readonly(path)
    return str(info.value)


def _cli(command: str) -> Callable[[Path, list[str]], str]:
    def run(path: Path, _said: list[str]) -> str:
        elsewhere = path.parent.parent
        args = {
            "import": [str(path), str(elsewhere / "article.txt")],
            "export": [str(path), "-o", str(elsewhere / "out.jsonl")],
            "stats": [str(path)],
        }[command]
        result = CliRunner().invoke(main, [command, *args])
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output and not (elsewhere / "out.jsonl").exists()
        return result.output

    return run


def _window(path: Path, said: list[str]) -> str:
    assert gui_app.open_window(path, annotator="alice") is None
    return said[-1]


ENTRY_POINTS = {
    "store": _open_rw,
    "store-readonly": _open_ro,
    "cli-import": _cli("import"),
    "cli-export": _cli("export"),
    "cli-stats": _cli("stats"),
    "window": _window,
}


@pytest.mark.parametrize("entry", list(ENTRY_POINTS))
@pytest.mark.parametrize("kind", list(NOT_OURS))
def test_what_is_not_our_database_is_refused_untouched_everywhere(
    qapp, tmp_path: Path, good_db: Path, monkeypatch, kind: str, entry: str
) -> None:
    said = stub_dialogs(monkeypatch)
    (tmp_path / "article.txt").write_text("An article.\n", encoding="utf-8")
    folder = tmp_path / "received"
    folder.mkdir()
    make, reason = NOT_OURS[kind]
    path = make(folder, good_db)
    before = snapshot(folder)
    message = ENTRY_POINTS[entry](path, said)
    assert path.name in message and reason in message, message
    assert snapshot(folder) == before


# -- 12. a schema that runs or hides code --------------------------------------------------


def _rewritten(table: str, old: str, new: str) -> str:
    """SQL that changes a table's stored CREATE statement in place (writable_schema), as
    a hostile author can: the rows stay as they are, only the definition changes."""
    return (
        "PRAGMA writable_schema = ON; "
        f"UPDATE sqlite_master SET sql = replace(sql, '{old}', '{new}') WHERE name = '{table}'; "
        "PRAGMA writable_schema = OFF"
    )


HOSTILE_SCHEMAS = {
    "trigger": (
        "CREATE TRIGGER wipe AFTER INSERT ON spans BEGIN DELETE FROM documents; END",
        "a trigger 'wipe'",
    ),
    "trigger-on-read-path": (
        "CREATE TRIGGER steal AFTER UPDATE ON document_status BEGIN "
        "UPDATE spans SET text = 'pwned'; END",
        "a trigger 'steal'",
    ),
    "view-in-place-of-a-table": (
        "DROP TABLE relations; CREATE VIEW relations AS SELECT id, document, label, id AS source,"
        " id AS target, annotator, note, created_at, updated_at FROM spans",
        "a view 'relations' in place of the table",
    ),
    "view-calling-a-function": (
        "CREATE VIEW titles AS SELECT title, rank_bm25(matchinfo(documents_fts, 'pcnalx')) AS r"
        " FROM documents_fts",
        "a view 'titles'",
    ),
    "changed-table": (
        "DROP INDEX labels_kind_key; ALTER TABLE labels RENAME TO old_labels; "
        "CREATE TABLE labels (name TEXT PRIMARY KEY, kind TEXT, color TEXT, key TEXT, "
        "position INTEGER, description TEXT, extra TEXT DEFAULT (hex(randomblob(8)))); "
        "INSERT INTO labels SELECT *, NULL FROM old_labels; DROP TABLE old_labels; "
        "CREATE UNIQUE INDEX labels_kind_key ON labels (kind, key) WHERE key IS NOT NULL",
        "the table 'labels' is not defined as Annotator defines it",
    ),
    "expression-index": (
        "CREATE INDEX sneaky ON documents (lower(title) || 'x')",
        "an index 'sneaky'",
    ),
    "extra-table": ("CREATE TABLE exfiltrate (data BLOB)", "a table 'exfiltrate'"),
    # Issue 21, item 5: changes that comparing the SQL with its white space and quotes
    # stripped let through. "TEXTNOT NULL" is a column of type TEXTNOT that may be NULL.
    "not-null-glued-away": (
        _rewritten("spans", "label TEXT NOT NULL", "label TEXTNOT NULL"),
        "the table 'spans' is not defined as Annotator defines it",
    ),
    # key IS NOT 'NULL' holds for NULL keys too: the unique index now covers them
    "partial-index-condition": (
        "DROP INDEX labels_kind_key; "
        "CREATE UNIQUE INDEX labels_kind_key ON labels (kind, key) WHERE key IS NOT 'NULL'",
        "the index 'labels_kind_key' is not defined as Annotator defines it",
    ),
    # a quoted name that is no column is taken as a string: always true
    "partial-index-quoted": (
        "DROP INDEX spans_noted; CREATE INDEX spans_noted ON spans (document, id, note) "
        'WHERE "note IS NOT NULL"',
        "the index 'spans_noted' is not defined as Annotator defines it",
    ),
    # the full-text index's own tables were not compared at all
    "fts-shadow-table": (
        "DROP TABLE documents_fts_docsize; CREATE TABLE documents_fts_docsize "
        "(id INTEGER PRIMARY KEY, sz BLOB, extra TEXT DEFAULT (hex(randomblob(8))))",
        "the table 'documents_fts_docsize' is not defined as Annotator defines it",
    ),
    "fts-data-retyped": (
        _rewritten("documents_fts_data", "block BLOB", "block TEXT"),
        "the table 'documents_fts_data' is not defined as Annotator defines it",
    ),
}


@pytest.mark.parametrize("kind", list(HOSTILE_SCHEMAS))
def test_a_database_whose_schema_carries_code_is_refused_without_side_effects(
    good_db: Path, kind: str
) -> None:
    sql, reason = HOSTILE_SCHEMAS[kind]
    with raw(good_db) as conn:
        conn.execute("PRAGMA writable_schema = OFF")
        conn.executescript(sql)
        conn.execute("VACUUM")
    folder = good_db.parent
    before = snapshot(folder)
    documents = count(good_db)
    for opener in (Store.open, Store.open_readonly):
        with pytest.raises(StoreError, match="schema is not one Annotator makes") as info:
            opener(good_db)
        assert reason in str(info.value)
        assert str(good_db) in str(info.value)
    result = CliRunner().invoke(main, ["export", str(good_db), "-o", str(folder / "x.jsonl")])
    assert result.exit_code == 1 and "schema" in result.output
    assert snapshot(folder) == before and count(good_db) == documents


def test_statements_are_compared_as_tokens_never_glued_together() -> None:
    same = guard.tokenised
    assert same("CREATE TABLE t (label TEXT NOT NULL)") == same(
        'create  table "t"(\n  [label] text /* a comment */ NOT\tNULL -- why\n)'
    )
    assert same("label TEXT NOT NULL") != same("label TEXTNOT NULL")
    assert same("WHERE key IS NOT NULL") != same("WHERE key IS NOT 'NULL'")
    assert same("WHERE note IS NOT NULL") != same('WHERE "note IS NOT NULL"')
    assert same("DEFAULT 'Ab'") != same("DEFAULT 'ab'")  # strings keep their case
    assert same("CHECK (end > start)") != same("CHECK (end >= start)")
    assert same("x'00'") != same("x '00'")


def test_the_expected_schema_is_exactly_what_the_migrations_make(tmp_path: Path) -> None:
    with Store.open(tmp_path / "new.db") as s:
        assert guard.schema_problems(s.conn, tuple(schema.MIGRATIONS)) == []
    expected = guard.expected_schema(tuple(schema.MIGRATIONS))
    assert {kind for kind, _ in expected} == {"table", "index"}  # no triggers, no views


# -- 13. versions newer and older ----------------------------------------------------------


def test_a_newer_database_is_refused_untouched_naming_the_version(good_db: Path) -> None:
    with raw(good_db) as conn:
        conn.execute("PRAGMA user_version = 42")
    before = snapshot(good_db.parent)
    for opener in (Store.open, Store.open_readonly):
        with pytest.raises(StoreError, match="schema version 42") as info:
            opener(good_db)
        assert f"reads up to {schema.SCHEMA_VERSION}" in str(info.value)
    result = CliRunner().invoke(main, ["stats", str(good_db)])
    assert result.exit_code == 1 and "newer Annotator" in result.output
    assert snapshot(good_db.parent) == before


def test_a_version_1_database_exports_the_golden_file_before_and_after_migration(
    tmp_path: Path,
) -> None:
    """tests/fixtures/annotator-v1.db was written with the first schema (make_v1_fixture.py);
    annotator-v1.export.jsonl is its export, read through by hand."""
    golden = (FIXTURES / "annotator-v1.export.jsonl").read_bytes()
    db = tmp_path / "old.db"
    shutil.copy(FIXTURES / "annotator-v1.db", db)
    original = sha(db)
    out = tmp_path / "read-only.jsonl"
    result = CliRunner().invoke(main, ["export", str(db), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == golden and sha(db) == original  # migrated in memory only

    with Store.open(db) as s:  # the window's way: backed up, then migrated in the file
        assert s.schema_version == schema.SCHEMA_VERSION and s.verify() == []
    assert sha(tmp_path / "old.db.v1.bak") == original
    out = tmp_path / "migrated.jsonl"
    result = CliRunner().invoke(main, ["export", str(db), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == golden


# -- 14. flipped bytes ---------------------------------------------------------------------


def _checked_content(store: Store) -> list[tuple]:
    """What the checks protect: texts, span offsets, labels and texts, relations."""
    content = []
    for doc_id in store.document_ids():
        doc = store.document(doc_id)
        content.append((doc.id, doc.text))
        content += [(s.id, s.start, s.end, s.label, s.text) for s in store.spans(doc_id)]
        content += [(r.id, r.label, r.source, r.target) for r in store.relations(doc_id)]
    return content


def test_300_copies_with_flipped_bytes_never_pass_damage_off_as_good_data(
    tmp_path: Path, good_db: Path
) -> None:
    data = good_db.read_bytes()
    with Store.open_readonly(good_db) as s:
        truth = _checked_content(s)
    rnd = random.Random(14)
    outcomes: Counter[str] = Counter()
    copy = tmp_path / "copy.db"
    gc.disable()  # what a failed read leaves behind must go without the cycle collector
    try:
        _open_damaged_copies(data, truth, copy, rnd, outcomes)
    finally:
        gc.enable()
    print(f"\n300 damaged copies: {dict(outcomes)}")
    assert outcomes["refused on opening"] + outcomes["reported by verify"] >= 30


def _open_damaged_copies(data, truth, copy: Path, rnd: random.Random, outcomes) -> None:
    for i in range(300):
        damaged = bytearray(data)
        flips = [rnd.randrange(len(damaged)) for _ in range(rnd.randint(1, 3))]
        for at in flips:
            damaged[at] ^= rnd.randrange(1, 256)
        for suffix in ("-wal", "-shm", "-journal"):  # nothing left from the copy before
            Path(f"{copy}{suffix}").unlink(missing_ok=True)
        copy.write_bytes(bytes(damaged))
        where = f"copy {i}, bytes {flips}"
        opener = Store.open if i % 3 == 0 else Store.open_readonly
        try:
            store = opener(copy)
        except StoreError as exc:
            # a read that failed on the copy before must not have left the file locked
            assert "locked" not in str(exc), f"{where}: {exc}"
            outcomes["refused on opening"] += 1
            continue
        with store:
            try:  # damage the checks reach through SQLite's own error is reported too
                problems = store.verify()
            except StoreError as exc:
                problems = [str(exc)]
            if problems:
                outcomes["reported by verify"] += 1
                continue
            try:
                content = _checked_content(store)
                exported = list(native.checked_records(store, Selection()))
            except AnnotatorError:
                outcomes["reported when read"] += 1
                continue
        assert content == truth, f"{where}: damage passed off as good data"
        assert len(exported) == 8, where
        outcomes["no damage to checked content"] += 1


# -- 15. a hot journal, a WAL without its -wal ---------------------------------------------


def _copy_with_hot_journal(good_db: Path, folder: Path) -> Path:
    """Copy a database and its journal while a transaction is half-way through writing."""
    folder.mkdir()
    with raw(good_db) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("PRAGMA cache_size = 1")  # spill changed pages into the file early
        conn.execute("BEGIN")
        conn.execute("UPDATE documents SET title = 'HALF-DONE', text = text || ' tail'")
        conn.execute("DELETE FROM spans")
        assert Path(f"{good_db}-journal").exists()
        shutil.copy(good_db, folder / "work.db")
        shutil.copy(f"{good_db}-journal", folder / "work.db-journal")
        conn.execute("ROLLBACK")
    return folder / "work.db"


def test_a_file_with_a_hot_journal_is_recovered_from_a_private_copy(
    tmp_path: Path, good_db: Path
) -> None:
    with Store.open_readonly(good_db) as s:
        truth = _checked_content(s)
    received = _copy_with_hot_journal(good_db, tmp_path / "received")
    before = snapshot(received.parent)
    with Store.open_readonly(received) as s:  # a received file: never written
        assert _checked_content(s) == truth and s.verify() == []
    result = CliRunner().invoke(main, ["export", str(received), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 0, result.output
    assert snapshot(received.parent) == before
    with Store.open(received) as s:  # our own file after a crash: SQLite rolls it back
        assert _checked_content(s) == truth and s.verify() == []
    assert not Path(f"{received}-journal").exists()


def test_a_wal_database_copied_without_its_wal_is_reported_as_incomplete(
    qtbot, tmp_path: Path, good_db: Path, monkeypatch
) -> None:
    session = Store.open(good_db)  # Annotator has it open...
    session.conn.execute("PRAGMA wal_autocheckpoint = 0")
    session.import_documents([incoming("Written during the session.", "late.txt")], annotator="a")
    copy = tmp_path / "copied" / "work.db"
    copy.parent.mkdir()
    incomplete = good_db.read_bytes()  # ...and someone copies the .db alone
    session.close()
    for opener in (Store.open_readonly, Store.open):
        copy.write_bytes(incomplete)
        with opener(copy) as s:
            [warning] = s.warnings
            assert "incomplete copy" in warning and "work.db-wal" in warning
            assert s.document_count() == 8  # the session's article is not in this copy
    said = stub_dialogs(monkeypatch)
    copy.write_bytes(incomplete)
    window = open_window(qtbot, copy)
    qtbot.waitUntil(lambda: bool(said))
    assert len(said) == 1 and "incomplete copy" in said[0]
    window.close()
    # A copy made while Annotator is closed is whole, and nothing warns.
    again = tmp_path / "closed" / "work.db"
    again.parent.mkdir()
    shutil.copy(good_db, again)
    with Store.open_readonly(again) as s:
        assert s.warnings == [] and s.document_count() == 9


def test_a_wal_database_with_its_wal_is_read_whole_and_left_alone(
    tmp_path: Path, good_db: Path
) -> None:
    session = Store.open(good_db)
    session.conn.execute("PRAGMA wal_autocheckpoint = 0")
    session.import_documents([incoming("Written during the session.", "late.txt")], annotator="a")
    received = tmp_path / "received"
    received.mkdir()
    shutil.copy(good_db, received / "work.db")
    shutil.copy(f"{good_db}-wal", received / "work.db-wal")
    session.close()
    before = snapshot(received)
    with Store.open_readonly(received / "work.db") as s:
        assert s.warnings == [] and s.document_count() == 9 and s.verify() == []
    assert snapshot(received) == before  # no -shm made beside a received file


# -- 16. network shares and sync folders ---------------------------------------------------


MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
tmpfs /tmp tmpfs rw 0 0
server:/export/home /home/alice/nfs nfs4 rw,relatime 0 0
//nas/share /mnt/team\\040share cifs rw 0 0
alice@host:/data /home/alice/remote fuse.sshfs rw 0 0
"""


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/home/alice/Dropbox/work/a.db", "Dropbox"),
        ("/home/alice/Dropbox (Personal)/a.db", "Dropbox"),
        ("/Users/alice/Library/CloudStorage/OneDrive-Contoso/a.db", "cloud storage"),
        ("C:/Users/alice/OneDrive - Contoso/a.db", "OneDrive"),
        ("/Users/alice/Library/Mobile Documents/com~apple~CloudDocs/a.db", "iCloud"),
        ("/home/alice/Google Drive/a.db", "Google Drive"),
        ("/home/alice/Nextcloud/a.db", "Nextcloud"),
        ("/home/alice/ownCloud/a.db", "ownCloud"),
        ("/home/alice/nfs/a.db", "nfs4 at /home/alice/nfs"),
        ("/mnt/team share/project/a.db", "cifs at /mnt/team share"),
        ("/home/alice/remote/a.db", "fuse.sshfs"),
        ("/home/alice/work/a.db", None),
        ("/home/alice/dropbox-notes.db", None),
        ("/tmp/a.db", None),
    ],
)
def test_a_network_share_or_sync_folder_is_detected(path: str, expected: str | None) -> None:
    warning = guard.location_warning(Path(path), mounts=MOUNTS)
    if expected is None:
        assert warning is None
    else:
        assert warning is not None and expected in warning
        assert path in warning and "copy on this computer" in warning


def test_the_window_warns_once_about_a_database_in_a_sync_folder(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    path = tmp_path / "Dropbox" / "team.db"
    path.parent.mkdir()
    with Store.open(path) as s:
        assert len(s.warnings) == 1 and "Dropbox" in s.warnings[0]
        s.import_documents([incoming("An article.", "a.txt")], annotator="a")
    said = stub_dialogs(monkeypatch)
    window = open_window(qtbot, path)
    qtbot.waitUntil(lambda: bool(said))
    qtbot.wait(50)
    assert len(said) == 1 and "Dropbox" in said[0] and "copy on this computer" in said[0]
    window.close()
    assert integrity(path) == ["ok"]


def test_quick_check_finds_damage_the_header_check_cannot(tmp_path: Path, good_db: Path) -> None:
    data = bytearray(good_db.read_bytes())
    page = 4096
    data[3 * page + 8 : 3 * page + 40] = bytes(32)  # clobber the cell pointers of a b-tree page
    broken = tmp_path / "broken.db"
    broken.write_bytes(bytes(data))
    with pytest.raises(StoreError, match="damaged"):
        Store.open_readonly(broken)
    with raw(broken) as conn:  # a plain connection would have read on
        assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
