"""`annotator snapshot` and `annotator review-import` (DESIGN.md invariants 7 and 8)."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.model import DocumentMeta, IncomingDocument, IncomingRelation, IncomingSpan
from annotator.store import Store, StoreError
from annotator.store.sharing import import_shared, read_shared, snapshot

TEXT = "Putin 😀 said no to NATO. Kiev said yes, a spokesman claimed."
OTHER = "The minister said the budget was balanced."


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def make_annotator_db(path: Path, who: str, spans: list[tuple[str, str]]) -> Path:
    """A database made by ``who`` on the same two articles (same document ids)."""
    incoming = [
        IncomingSpan(TEXT.index(frag), TEXT.index(frag) + len(frag), label, annotator=who,
                     note=f"{who} on {frag}", created_at="2026-11-29T10:00:00Z",
                     updated_at="2026-11-29T11:00:00Z")
        for frag, label in spans
    ]
    with Store.open(path) as s:
        s.import_documents(
            [
                IncomingDocument(TEXT, "src-a", DocumentMeta(title="A"), "t", id="doc-a",
                                 spans=incoming, note="check the date"),
                IncomingDocument(OTHER, "src-b", DocumentMeta(title="B"), "t", id="doc-b"),
            ],
            annotator=who,
        )
        spans_a = s.spans("doc-a")
        if len(spans_a) >= 2:
            quote = next(x for x in spans_a if x.label == "quote")
            actor = next(x for x in spans_a if x.label == "actor")
            s.import_documents(
                [IncomingDocument(TEXT, "src-a", DocumentMeta(title="A"), "t", id="doc-a",
                                  relations=[IncomingRelation("said_by", quote.id, actor.id,
                                                              annotator=who, note="sure")])],
                annotator=who,
            )
    return path


def alice(tmp_path: Path) -> Path:
    return make_annotator_db(tmp_path / "alice.db", "alice",
                             [("Putin", "actor"), ("said no to NATO", "quote")])


def bob(tmp_path: Path) -> Path:
    return make_annotator_db(tmp_path / "bob.db", "bob",
                             [("Putin", "actor"), ("no to NATO", "quote"), ("Kiev", "actor")])


def content(store: Store) -> dict:
    return {
        doc_id: (store.document(doc_id), store.spans(doc_id), store.relations(doc_id))
        for doc_id in store.document_ids()
    }


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- snapshot -----------------------------------------------------------------------------


def test_snapshot_is_a_self_contained_copy(tmp_path: Path) -> None:
    db = alice(tmp_path)
    out = tmp_path / "out" / "alice-snapshot.db"
    out.parent.mkdir()
    before = sha(db)
    result = run("snapshot", db, out)
    assert result.exit_code == 0, result.output
    assert sha(db) == before
    assert not Path(f"{out}-wal").exists() and not Path(f"{out}-shm").exists()
    assert sorted(p.name for p in out.parent.iterdir()) == ["alice-snapshot.db"]
    with Store.open_readonly(db) as a, Store.open_readonly(out) as b:
        assert content(a) == content(b) and content(b)
        assert b.verify() == []
    assert out.read_bytes()[18:20] == b"\x01\x01"  # rollback journal: one file


def test_snapshot_of_a_database_in_use_holds_its_committed_edits(tmp_path: Path) -> None:
    db = alice(tmp_path)
    with Store.open(db) as live:  # a session in WAL mode, its last edit maybe only in -wal
        span = live.spans("doc-a")[0]
        live.set_span_note(span.id, "edited while open")
        out = snapshot(db, tmp_path / "snap.db")
        assert not Path(f"{out}-wal").exists()
        with Store.open_readonly(out) as copy:
            assert copy.span(span.id).note == "edited while open"


def test_snapshot_never_replaces_a_file(tmp_path: Path) -> None:
    db = alice(tmp_path)
    out = tmp_path / "taken.db"
    out.write_bytes(b"precious")
    result = run("snapshot", db, out)
    assert result.exit_code != 0 and "already exists" in result.output
    assert out.read_bytes() == b"precious"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    with pytest.raises(StoreError, match="already exists"):
        snapshot(db, out)


def test_snapshot_refuses_what_is_not_a_database(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database at all" * 10)
    result = run("snapshot", bad, tmp_path / "out.db")
    assert result.exit_code != 0 and "not an Annotator database" in result.output
    assert not (tmp_path / "out.db").exists()


# -- review-import ------------------------------------------------------------------------


def test_review_import_copies_everything_keyed_by_ids(tmp_path: Path) -> None:
    a, b = alice(tmp_path), bob(tmp_path)
    review = tmp_path / "review.db"
    result = run("review-import", review, a, b)
    assert result.exit_code == 0, result.output
    assert "2 document(s) added" in result.output and "5 span(s)" in result.output
    with Store.open_readonly(review) as r, Store.open_readonly(a) as sa, \
            Store.open_readonly(b) as sb:
        spans = r.spans("doc-a")
        assert len(spans) == 5
        originals = {s.id: s for s in sa.spans("doc-a") + sb.spans("doc-a")}
        assert {s.id: s for s in spans} == originals  # ids, annotators, times, notes kept
        assert {s.annotator for s in spans} == {"alice", "bob"}
        rels = {x.id: x for x in r.relations("doc-a")}
        assert rels == {x.id: x for x in sa.relations("doc-a") + sb.relations("doc-a")}
        assert len(rels) == 2 and {x.note for x in rels.values()} == {"sure"}
        assert r.document("doc-a").note == "check the date"
        assert r.document("doc-a").meta == sa.document("doc-a").meta
        assert r.verify() == []
    again = run("review-import", review, b, a)
    assert again.exit_code == 0 and "0 document(s) added; 0 span(s); 0 relation(s)" in again.output
    with Store.open_readonly(review) as r:
        assert len(r.spans("doc-a")) == 5 and r.document_count() == 2


def test_import_shared_function_is_idempotent(tmp_path: Path) -> None:
    a, b = alice(tmp_path), bob(tmp_path)
    with Store.open(tmp_path / "review.db") as r:
        first = import_shared(r, [a, b])
        assert (first.documents_added, first.spans_added, first.relations_added) == (2, 5, 2)
        second = import_shared(r, [a])
        assert (second.spans_added, second.spans_present) == (0, 2)
        with pytest.raises(StoreError, match="review database itself"):
            import_shared(r, [tmp_path / "review.db"])


def test_received_files_stay_byte_identical(tmp_path: Path) -> None:
    folder = tmp_path / "received"
    folder.mkdir()
    a, b = alice(folder), bob(folder)
    hashes = {p: sha(p) for p in (a, b)}
    listing = sorted(os.listdir(folder))
    for p in (a, b):
        p.chmod(0o444)
    folder.chmod(0o555)
    try:
        result = run("review-import", tmp_path / "review.db", a, b)
        assert result.exit_code == 0, result.output
        assert run("review-import", tmp_path / "review.db", a).exit_code == 0
        assert run("agreement", a).exit_code != 0  # one annotator: refused, file untouched
    finally:
        folder.chmod(0o755)
    assert {p: sha(p) for p in (a, b)} == hashes
    assert sorted(os.listdir(folder)) == listing
    assert stat.S_IMODE(a.stat().st_mode) == 0o444


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="root writes to read-only files and folders anyway")
def test_read_only_media_are_really_read_only(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    a = alice(folder)
    a.chmod(0o444)
    folder.chmod(0o555)
    try:
        before = sha(a)
        assert run("review-import", tmp_path / "review.db", a).exit_code == 0
        assert sha(a) == before
    finally:
        folder.chmod(0o755)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0,
                    reason="mounting a read-only file system needs root")
def test_files_on_a_read_only_mount_are_reviewed_untouched(tmp_path: Path) -> None:
    """Root ignores file modes, so real read-only media: a file system mounted read-only
    (where the machine allows it; otherwise the test is skipped, saying why)."""
    import subprocess

    media = tmp_path / "media"
    media.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(media)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount here: {mounted.stderr.strip()}")
    try:
        a, b = alice(media), bob(media)
        hashes, listing = {p: sha(p) for p in (a, b)}, sorted(os.listdir(media))
        subprocess.run(["mount", "-o", "remount,ro", str(media)], check=True)
        with pytest.raises(OSError):
            (media / "probe").write_text("x")  # really read-only
        result = run("review-import", tmp_path / "review.db", a, b)
        assert result.exit_code == 0, result.output
        assert "2 document(s) added" in result.output
        assert run("review-import", tmp_path / "review.db", a, b).exit_code == 0  # twice
        with Store.open_readonly(tmp_path / "review.db") as review:
            people = {s.annotator for d in review.document_ids() for s in review.spans(d)}
        assert people == {"alice", "bob"}
        assert {p: sha(p) for p in (a, b)} == hashes
        assert sorted(os.listdir(media)) == listing  # no -wal, -shm or journal beside them
    finally:
        subprocess.run(["umount", str(media)], check=False)


# Hostile or damaged files: each refused with its reason, REVIEW.db left as it was.


def _sql(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for statement in statements:
            conn.execute(statement)
    finally:
        conn.close()


def _not_a_database(path: Path) -> str:
    path.write_bytes(os.urandom(4096))
    return "not an Annotator database"


def _newer(path: Path) -> str:
    _sql(path, "PRAGMA user_version = 999")
    return "newer Annotator (schema version 999"


def _trigger(path: Path) -> str:
    _sql(path, "CREATE TRIGGER evil AFTER INSERT ON spans BEGIN DELETE FROM spans; END")
    return "a trigger 'evil'"


def _view(path: Path) -> str:
    _sql(path, "CREATE VIEW peek AS SELECT * FROM spans")
    return "a view 'peek'"


def _corrupted(path: Path) -> str:
    conn = sqlite3.connect(path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'spans'").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    start = (root - 1) * page_size
    data[start : start + page_size] = b"\xa5" * page_size
    path.write_bytes(bytes(data))
    return "damaged"


def _altered_text(path: Path) -> str:
    _sql(path, "UPDATE documents SET text = replace(text, 'NATO', 'OTAN') WHERE id = 'doc-a'")
    return "no longer matches its SHA-256"


def _altered_span(path: Path) -> str:
    _sql(path, "UPDATE spans SET start = start + 1 WHERE label = 'actor'")
    return "does not verify"


@pytest.mark.parametrize(
    "spoil",
    [_not_a_database, _newer, _trigger, _view, _corrupted, _altered_text, _altered_span],
)
def test_a_refused_file_says_why_and_changes_nothing(tmp_path: Path, spoil) -> None:
    review = tmp_path / "review.db"
    assert run("review-import", review, alice(tmp_path)).exit_code == 0
    bad = tmp_path / "bad" / "bob.db"
    bad.parent.mkdir()
    make_annotator_db(bad, "bob", [("Kiev", "actor")])
    reason = spoil(bad)
    spoiled = sha(bad)
    before = sha(review)
    good = bob(tmp_path)
    result = run("review-import", review, good, bad)
    assert result.exit_code != 0
    assert str(bad) in result.output and reason in result.output, result.output
    assert sha(review) == before
    assert sha(bad) == spoiled
    assert sorted(p.name for p in bad.parent.iterdir()) == ["bob.db"]
    with pytest.raises(StoreError):
        read_shared(bad)


def test_a_refused_file_creates_no_review_database(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    review = tmp_path / "review.db"
    result = run("review-import", review, bad)
    assert result.exit_code != 0 and str(bad) in result.output
    assert not review.exists()
    missing = run("review-import", review, tmp_path / "nowhere.db")
    assert missing.exit_code != 0 and "no such database" in missing.output


def test_an_id_already_used_for_other_content_is_refused(tmp_path: Path) -> None:
    a = alice(tmp_path)
    review = tmp_path / "review.db"
    assert run("review-import", review, a).exit_code == 0
    with Store.open(review) as r:  # the reviewer moved alice's span in her own copy
        span = r.spans("doc-a")[0]
        r.move_span(span.id, span.start, span.end + 1)
    with Store.open_readonly(review) as r:
        before = content(r)
    result = run("review-import", review, a)
    assert result.exit_code != 0  # issue 16: the same version again, changed here: refused
    assert "holds alice's first version again, but this database's copy of it was changed " \
        "since" in " ".join(result.output.split())
    with Store.open_readonly(review) as r:  # opened for the import, rolled back: same content
        assert content(r) == before


def test_an_annotator_who_changed_her_work_and_sends_it_again_is_told_why(
    tmp_path: Path,
) -> None:
    """alice relabels a span and moves another after sending her file, and sends a new
    snapshot: the same ids with other content. Since issue 16 the new versions are
    imported (they were refused before), the verdict on the relabelled span stays and is
    flagged for another look, and the summary says what changed."""
    a = alice(tmp_path)
    first = tmp_path / "alice-1.db"
    assert run("snapshot", a, first).exit_code == 0
    review = tmp_path / "review.db"
    assert run("review-import", review, first).exit_code == 0
    with Store.open(review) as r:
        putin = next(x for x in r.spans("doc-a") if x.text == "Putin")
        r.decide_span(putin.id, "accepted", reviewer="rita")
    with Store.open(a) as s:
        spans = {x.text: x for x in s.spans("doc-a")}
        for link in s.relations("doc-a"):  # a quote cannot say a quote (the link rules)
            s.delete_relation(link.id)
        s.relabel_span(spans["Putin"].id, "quote")
        quote = spans["said no to NATO"]
        s.move_span(quote.id, quote.start + 5, quote.end)
    second = tmp_path / "alice-2.db"
    assert run("snapshot", a, second).exit_code == 0
    with Store.open_readonly(review) as r:
        decisions = r.decisions("doc-a")
    result = run("review-import", review, second)
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "alice: second version (2 spans changed, 1 link deleted); 1 verdict needs another look" in out
    with Store.open_readonly(review) as r:
        assert r.decisions("doc-a") == decisions
        by_id = {x.id: x for x in r.spans("doc-a")}
        assert (by_id[putin.id].label, by_id[quote.id].text) == ("quote", "no to NATO")
        assert [(f.item, f.was, f.now) for f in r.review_flags()] == [
            (putin.id, "“Putin” (actor) at 0-5, noted “alice on Putin”",
             "“Putin” (quote) at 0-5, noted “alice on Putin”")
        ]


# -- issue 21, item 10: side files that came with a received database ----------------------


def _copied_while_open(folder: Path, spoil: str | None = None) -> Path:
    """alice's database copied with its -wal and -shm while her session had it open (as a
    backup tool or a sync service copies a folder); ``spoil``: SQL run in the session."""
    a = alice(folder)
    session = sqlite3.connect(a, isolation_level=None)
    session.execute("PRAGMA journal_mode = WAL")
    session.execute("PRAGMA wal_autocheckpoint = 0")
    session.execute("UPDATE spans SET note = 'written during the session'")
    if spoil:
        session.execute(spoil)
    received = folder / "received"
    received.mkdir()
    for suffix in ("", "-wal", "-shm"):
        (received / f"alice.db{suffix}").write_bytes(Path(f"{a}{suffix}").read_bytes())
    session.close()
    return received / "alice.db"


@pytest.mark.parametrize("refused", [False, True])
def test_received_side_files_stay_byte_identical(tmp_path: Path, refused: bool) -> None:
    spoil = "CREATE TRIGGER evil AFTER INSERT ON spans BEGIN DELETE FROM spans; END"
    received = _copied_while_open(tmp_path, spoil if refused else None)
    folder = received.parent
    before = {p.name: sha(p) for p in folder.iterdir()}
    assert sorted(before) == ["alice.db", "alice.db-shm", "alice.db-wal"]
    review = tmp_path / "review.db"
    result = run("review-import", review, received)
    assert {p.name: sha(p) for p in folder.iterdir()} == before
    if refused:
        assert result.exit_code != 0 and "a trigger 'evil'" in result.output, result.output
        assert not review.exists()
        with pytest.raises(StoreError, match="a trigger 'evil'"):
            import_shared(tmp_path / "other.db", [received])
    else:
        assert result.exit_code == 0, result.output
        with Store.open_readonly(review) as r:  # the session's edit, from the -wal
            assert {s.note for s in r.spans("doc-a")} == {"written during the session"}
        with Store.open(tmp_path / "other.db") as other:
            assert import_shared(other, [received]).spans_added == 2
    assert {p.name: sha(p) for p in folder.iterdir()} == before
