"""Issue 6, faults: kill -9 at random points, failing migrations, a full disk, errors in the
middle of an import, a database that stops being writable. Each outcome is checked in the
file, through a connection of its own, not only in the objects that made it.

The kill tests run real processes (the command line, the window offscreen) and are marked
slow; ANNOTATOR_KILL_POINTS sets how many points the import test kills at (default 24).
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from annotator.core.errors import InputError
from annotator.core.ids import new_id, utc_now
from annotator.core.model import Span
from annotator.formats.reading import ReadResult
from annotator.store import Store, StoreError, schema
from safety_helpers import (
    articles,
    child,
    cli,
    count,
    env,
    ids,
    incoming,
    integrity,
    kill9,
    label,
    open_window,
    raw,
    sha,
    stub_dialogs,
    wait_for_line,
    write_jsonl,
)
from test_store import with_second_migration

KILL_POINTS = int(os.environ.get("ANNOTATOR_KILL_POINTS", "24"))


def one_span(store: Store, doc_id: str, start: int = 0, end: int = 5) -> Span:
    now = utc_now()
    text = store.document(doc_id).text[start:end]
    return Span(new_id(), doc_id, start, end, "claim", text, "alice", now, now)


@pytest.fixture(scope="module")
def big_jsonl(tmp_path_factory) -> Path:
    """3,000 articles with a span each (4 MB): an import of about a second."""
    return write_jsonl(tmp_path_factory.mktemp("big") / "big.jsonl", articles(3000))


@pytest.fixture
def base_db(tmp_path: Path) -> Path:
    path = tmp_path / "base.db"
    with Store.open(path) as s:
        s.import_documents([incoming("An article already there.", "old.txt")], annotator="a")
    return path


# -- 1. kill -9 during an import ----------------------------------------------------------


@pytest.mark.slow
def test_kill_9_at_random_points_of_an_import_leaves_all_or_nothing(
    tmp_path: Path, big_jsonl: Path, base_db: Path, annotator_home: Path
) -> None:
    full = tmp_path / "full.db"
    shutil.copy(base_db, full)
    began = time.monotonic()
    subprocess.run(
        cli("import", full, big_jsonl), env=env(annotator_home), check=True, capture_output=True
    )
    duration = time.monotonic() - began
    everything = count(full)
    assert everything == 3001

    rnd = random.Random(6)
    outcomes: Counter[str] = Counter()
    # The points are random; when fewer than three of them land in the write transaction
    # (the timing of a busy machine), more are tried, each near the end, where it is.
    i = -1
    while (i := i + 1) < KILL_POINTS or (
        outcomes["killed while writing"] < 3 and i < 3 * KILL_POINTS
    ):
        fresh = i % 3 == 2  # every third import goes into a database it creates
        db = tmp_path / f"run{i}.db"
        if not fresh:
            shutil.copy(base_db, db)
        proc = subprocess.Popen(
            cli("import", db, big_jsonl),
            env=env(annotator_home),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # a third of the points around the commit at the end, the rest anywhere
        near_end = i % 3 == 1 or i >= KILL_POINTS
        delay = rnd.uniform(0.8, 1.2) * duration if near_end else rnd.uniform(0.05, duration)
        try:
            proc.wait(timeout=delay)
            outcomes["finished"] += 1
        except subprocess.TimeoutExpired:
            wal = Path(f"{db}-wal")
            if wal.exists() and wal.stat().st_size > 100_000:
                outcomes["killed while writing"] += 1
            proc.kill()  # SIGKILL
            proc.wait()
        if fresh and not db.exists():
            outcomes["no database yet"] += 1
            continue
        assert integrity(db) == ["ok"], f"run {i}"
        with Store.open(db) as s:
            n = s.document_count()
            assert s.verify() == []
        assert n in ({0, 3000} if fresh else {1, 3001}), f"run {i}: {n} documents"
        assert count(db, "spans") == (n - (0 if fresh else 1))
        outcomes["all" if n in (3000, 3001) else "none"] += 1
    print(f"\n{i} kills of a {duration:.2f} s import: {dict(outcomes)}")
    assert outcomes["killed while writing"] >= 3, outcomes  # the points hit the transaction


# -- 2. kill -9 during a burst of annotations in the window -------------------------------


@pytest.mark.slow
def test_kill_9_during_a_burst_of_edits_keeps_every_edit_shown_as_saved(
    tmp_path: Path, seed_db: Path, annotator_home: Path
) -> None:
    rnd = random.Random(2)
    for run in range(4):
        db = tmp_path / f"burst{run}.db"
        shutil.copy(seed_db, db)
        proc = child(annotator_home, "burst", db, "alice", run)
        wait_for_line(proc, "ready")
        time.sleep(rnd.uniform(0.3, 1.2))
        kill9(proc)
        shown = [line for line in proc.lines if line not in ("ready", "done")]
        assert len(shown) >= 5, proc.lines
        assert integrity(db) == ["ok"]
        stored = ids(db)
        assert set(shown) <= stored, f"shown as saved but lost: {set(shown) - stored}"
        with Store.open(db) as s:
            assert s.verify() == []


# -- 3. kill -9 during an export ----------------------------------------------------------


@pytest.mark.slow
def test_kill_9_during_an_export_leaves_the_old_file_or_the_new_one(
    tmp_path: Path, big_jsonl: Path, annotator_home: Path
) -> None:
    db = tmp_path / "export.db"
    subprocess.run(
        cli("import", db, big_jsonl), env=env(annotator_home), check=True, capture_output=True
    )
    reference = tmp_path / "reference.jsonl"
    began = time.monotonic()
    subprocess.run(
        cli("export", db, "-o", reference), env=env(annotator_home), check=True, capture_output=True
    )
    duration = time.monotonic() - began
    new = reference.read_bytes()
    old = b'{"id": "an older export"}\n' * 1000
    target = tmp_path / "dataset.jsonl"
    rnd = random.Random(3)
    seen: Counter[str] = Counter()
    for i in range(12):
        target.write_bytes(old)
        proc = subprocess.Popen(
            cli("export", db, "-o", target),
            env=env(annotator_home),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        late = rnd.uniform(0.5, 1.1) if i % 3 else rnd.uniform(0.05, 0.5)
        try:  # two points in three in the second half, where the file is written
            proc.wait(timeout=late * duration)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            if any(tmp_path.glob(f".dataset.jsonl.{proc.pid}-*.tmp")):
                seen["killed while writing"] += 1
        data = target.read_bytes()
        assert data in (old, new), f"a torn export of {len(data)} bytes"
        seen["new" if data == new else "old"] += 1
    print(f"\n12 kills of a {duration:.2f} s export: {dict(seen)}")
    assert seen["old"] and seen["killed while writing"], seen
    # A killed export leaves its hidden temporary file; the next export clears it away.
    subprocess.run(
        cli("export", db, "-o", target), env=env(annotator_home), check=True, capture_output=True
    )
    assert target.read_bytes() == new
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".dataset")] == []


@pytest.mark.slow
def test_kill_9_during_a_brat_export_then_the_next_export_clears_what_it_left(
    tmp_path: Path, big_jsonl: Path, annotator_home: Path
) -> None:
    """Issue 21, item 12: a killed brat export left its hidden folder for good. The next
    export removes the folders of dead exports (once, not per file) and writes a whole one."""
    db = tmp_path / "export.db"
    subprocess.run(
        cli("import", db, big_jsonl), env=env(annotator_home), check=True, capture_output=True
    )
    target = tmp_path / "brat"
    began = time.monotonic()
    subprocess.run(cli("export", db, "-o", target, "--format", "brat"), env=env(annotator_home),
                   check=True, capture_output=True)  # fmt: skip
    duration = time.monotonic() - began
    complete = sorted(p.name for p in target.iterdir())
    assert len(complete) == 2 * 3000 + 2  # .txt and .ann each, annotation.conf, the marker
    left: Counter[str] = Counter()
    rnd = random.Random(21)
    for _ in range(4):
        proc = subprocess.Popen(cli("export", db, "-o", target, "--format", "brat"),
                                env=env(annotator_home), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)  # fmt: skip
        # Kill it while it writes: once its hidden folder holds some files (a fixed delay
        # missed on a machine faster or slower than the first export made it look).
        wanted = rnd.randint(20, 2 * 3000 - 20)
        deadline = time.monotonic() + 20 * duration + 30
        while proc.poll() is None and time.monotonic() < deadline:
            writing = [p for p in tmp_path.iterdir() if p.name.startswith(".brat.")
                       and p.suffix == ".tmp"]  # fmt: skip
            try:
                if writing and sum(1 for _ in os.scandir(writing[0])) >= wanted:
                    break
            except OSError:  # moved into place or removed meanwhile
                pass
            time.sleep(0.002)
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        left.update(p.suffix for p in tmp_path.iterdir() if p.name.startswith(".brat."))
        # the folder itself is never torn: the earlier export, whole, or the new one
        assert sorted(p.name for p in target.iterdir()) == complete
    assert left[".tmp"], f"no kill landed while the folder was being written: {left}"
    done = subprocess.run(cli("export", db, "-o", target, "--format", "brat"),
                          env=env(annotator_home), capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".brat")] == []
    assert sorted(p.name for p in target.iterdir()) == complete
    assert (target / "doc-2999.txt").read_text(encoding="utf-8").endswith(" end.")


# -- 4. a migration that fails ------------------------------------------------------------


class MigrationFailed(Exception):
    pass


def _raises_half_way(db) -> None:
    db.execute("ALTER TABLE spans ADD COLUMN confidence REAL")
    db.execute("DELETE FROM relations")
    raise MigrationFailed("boom")


def _sql_error_half_way(db) -> None:
    db.execute("CREATE TABLE reviews (id TEXT PRIMARY KEY)")
    db.execute("INSERT INTO no_such_table VALUES (1)")


def _disk_full_half_way(db) -> None:
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages + 2}")
    db.execute("CREATE TABLE padding (x)")
    db.execute("INSERT INTO padding SELECT randomblob(4000) FROM generate_series(1, 50)")


@pytest.mark.parametrize(
    "migration",
    [_raises_half_way, _sql_error_half_way, _disk_full_half_way],
    ids=["python-exception", "sql-error", "disk-full"],
)
def test_a_failing_migration_leaves_the_file_byte_identical_and_a_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, migration
) -> None:
    path = tmp_path / "work.db"
    with Store.open(path) as s:
        s.import_documents([incoming("Lavrov said no.", "a.txt")], annotator="a")
        s.add_span(one_span(s, s.document_ids()[0]))
    before, current = sha(path), schema.SCHEMA_VERSION
    with_second_migration(monkeypatch, migration)
    with pytest.raises((MigrationFailed, StoreError)):
        Store.open(path)
    assert sha(path) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == [
        "work.db",
        f"work.db.v{current}.bak",
    ]
    backup = tmp_path / f"work.db.v{current}.bak"
    assert integrity(backup) == ["ok"] and count(backup, "spans") == 1
    monkeypatch.undo()  # this build again: the file opens as it was
    with Store.open(path) as s:
        assert len(s.spans(s.document_ids()[0])) == 1


# -- 5. the disk fills up -----------------------------------------------------------------


def test_a_full_disk_mid_import_is_reported_and_rolled_back(tmp_path: Path, base_db: Path) -> None:
    docs = [
        incoming(f"Article {i}: " + "words and more words " * 300, f"{i}.txt") for i in range(200)
    ]
    with Store.open(base_db) as s:
        pages = s.conn.execute("PRAGMA page_count").fetchone()[0]
        s.conn.execute(f"PRAGMA max_page_count = {pages + 30}")
        with pytest.raises(StoreError, match="the disk is full") as info:
            s.import_documents(docs, annotator="a")
        assert str(base_db) in str(info.value)
        assert not s.conn.in_transaction
        assert s.document_count() == 1
        s.conn.execute("PRAGMA max_page_count = 1073741823")  # room again
        s.add_span(one_span(s, s.document_ids()[0]))
        assert s.import_documents(docs, annotator="a").documents_added == 200
    assert integrity(base_db) == ["ok"] and count(base_db) == 201


def test_a_full_disk_mid_edit_keeps_the_edit_until_there_is_room(
    qtbot, tmp_path: Path, monkeypatch
) -> None:
    said = stub_dialogs(monkeypatch)
    path = tmp_path / "long.db"
    with Store.open(path) as s:
        s.import_documents([incoming("A long article. " * 2000, "long.txt")], annotator="a")
    window = open_window(qtbot, path)
    conn = window.store.conn
    conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
    text = window.state.document.text
    label(window, 0, len(text))  # the whole article: the span's text needs new pages
    assert len(said) == 1 and "the disk is full" in said[0] and "kept" in said[0]
    assert window.writer.failed and ids(path) == set() and len(window.state.spans) == 0
    assert "not saved" in window.statusBar().saved_label.text() and window.statusBar().retry_button.isVisible()
    conn.execute("PRAGMA max_page_count = 1073741823")
    window.statusBar().retry_button.click()
    assert len(ids(path)) == 1 and len(window.state.spans) == 1
    assert "All changes saved" in window.statusBar().saved_label.text()
    assert not window.statusBar().retry_button.isVisible()
    window.close()


# -- 6. an error that is not the database's, in the middle of an import ---------------------


def test_an_error_in_the_progress_callback_rolls_the_import_back(base_db: Path) -> None:
    docs = [incoming(f"Article number {i}.", f"{i}.txt") for i in range(100)]

    def progress(done: int) -> None:
        if done == 60:
            raise RuntimeError("a bug in the caller")

    with Store.open(base_db) as s:
        with pytest.raises(RuntimeError):
            s.import_documents(docs, annotator="a", progress=progress)
        assert not s.conn.in_transaction
        assert s.document_count() == 1
        s.add_span(one_span(s, s.document_ids()[0]))  # the store goes on
    assert count(base_db) == 1 and count(base_db, "spans") == 1


def test_a_lone_surrogate_found_late_is_an_input_error_and_rolls_back(base_db: Path) -> None:
    docs = [incoming(f"Article number {i}.", f"{i}.txt") for i in range(100)]
    docs.append(incoming("Broken \ud83d text", "late.jsonl"))
    with Store.open(base_db) as s:
        with pytest.raises(InputError, match="late.jsonl, line 1.*not valid Unicode"):
            s.import_documents(docs, annotator="a")
        assert not s.conn.in_transaction and s.document_count() == 1


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        (b'{"text": "Lone \\ud800 surrogate"}', "JSON"),
        (b'["a", "list", "not", "an", "object"]', "object"),
        (b'{"text": 42}', "text"),
        (b'{"text": "Short.", "spans": [{"start": 0, "end": 99, "label": "claim"}]}', "outside"),
    ],
    ids=["lone-surrogate", "wrong-type", "text-not-a-string", "offsets-outside"],
)
def test_a_bad_record_late_in_a_file_names_its_line_and_imports_nothing(
    tmp_path: Path, base_db: Path, annotator_home: Path, bad: bytes, reason: str
) -> None:
    source = write_jsonl(tmp_path / "late.jsonl", articles(500))
    source.write_bytes(source.read_bytes() + bad + b"\n")
    result = subprocess.run(
        cli("import", base_db, source), env=env(annotator_home), capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "late.jsonl, line 501" in result.stderr and reason in result.stderr
    assert "Traceback" not in result.stderr
    assert integrity(base_db) == ["ok"] and count(base_db) == 1


def test_the_window_reports_a_failed_import_and_stays_usable(
    qtbot, seed_db: Path, tmp_path: Path, monkeypatch
) -> None:
    said = stub_dialogs(monkeypatch)
    window = open_window(qtbot, seed_db)
    docs = [incoming(f"Article number {i}.", f"{i}.txt") for i in range(50)]
    docs.append(incoming("Broken \udc00 text", "bad.jsonl"))
    monkeypatch.setattr("annotator.formats.importing.plan", lambda paths, _fmt: list(paths))
    monkeypatch.setattr(
        "annotator.formats.importing.read_sources", lambda *_a, **_k: ReadResult(docs)
    )
    window.import_files([tmp_path / "whatever.jsonl"])
    qtbot.waitUntil(lambda: bool(said), timeout=20000)
    assert "nothing was imported" in said[0] and "bad.jsonl" in said[0]
    assert count(seed_db) == 1 and not window.store.conn.in_transaction
    # A bug in the middle of the work: reported, not a dead thread or a stuck dialog.
    monkeypatch.setattr(
        "annotator.formats.importing.read_sources",
        lambda *_a, **_k: 1 / 0,  # noqa: ARG005
    )
    window.import_files([tmp_path / "whatever.jsonl"])
    qtbot.waitUntil(lambda: len(said) == 2, timeout=20000)
    assert "ZeroDivisionError" in said[1]
    label(window, 0, 20)  # the window goes on
    assert len(ids(seed_db)) == 1 and "All changes saved" in window.statusBar().saved_label.text()
    window.close()


# -- 7. the database stops being writable during a session ------------------------------


def test_edits_to_an_unwritable_database_are_kept_told_and_retried(
    qtbot, seed_db: Path, monkeypatch
) -> None:
    said = stub_dialogs(monkeypatch)
    window = open_window(qtbot, seed_db)
    window.store.conn.execute("PRAGMA query_only = ON")  # as a file turned read-only would
    label(window, 0, 10, "claim")
    assert len(said) == 1 and "cannot be written" in said[0] and "Retry saving" in said[0]
    label(window, 20, 30, "actor")  # a second edit waits behind the first; told once
    assert len(said) == 1 and len(window.writer.pending) == 2
    assert window.statusBar().saved_label.text().startswith("⚠ 2 change(s) not saved")
    assert "cannot be written" in window.statusBar().saved_label.toolTip()
    assert ids(seed_db) == set() and len(window.state.spans) == 0  # never shown as done
    window.menus.retry_action.trigger()  # still read-only: still kept, not told again
    assert len(window.writer.pending) == 2 and len(said) == 1

    window.store.conn.execute("PRAGMA query_only = OFF")
    window.statusBar().retry_button.click()
    assert not window.writer.pending and len(ids(seed_db)) == 2
    assert sorted(s.label for s in window.state.spans) == ["actor", "claim"]
    assert "All changes saved" in window.statusBar().saved_label.text()
    window.menus.undo_action.trigger()  # both are ordinary edits now
    assert len(ids(seed_db)) == 1
    window.close()


def test_the_next_edit_retries_and_undo_drops_a_kept_edit(
    qtbot, seed_db: Path, monkeypatch
) -> None:
    said = stub_dialogs(monkeypatch)
    window = open_window(qtbot, seed_db)
    window.store.conn.execute("PRAGMA query_only = ON")
    label(window, 0, 10, "claim")
    window.menus.undo_action.trigger()  # never saved: undo simply drops it
    assert not window.writer.pending and "All changes saved" in window.statusBar().saved_label.text()
    label(window, 20, 30, "actor")
    window.store.conn.execute("PRAGMA query_only = OFF")
    label(window, 40, 50, "quote")  # the next edit saves the kept one first, in order
    assert not window.writer.pending
    with raw(seed_db) as conn:
        rows = conn.execute("SELECT label FROM spans ORDER BY rowid").fetchall()
    assert rows == [("actor",), ("quote",)]
    assert len(said) == 2  # one message for each time an edit could not be saved
    window.close()


def test_quitting_with_kept_edits_asks_first(qtbot, seed_db: Path, monkeypatch) -> None:
    stub_dialogs(monkeypatch)
    window = open_window(qtbot, seed_db)
    window.store.conn.execute("PRAGMA query_only = ON")
    label(window, 0, 10)
    answers = []

    def ask(_parent, title, text, *_a, **_k):
        answers.append(text)
        return answer

    monkeypatch.setattr(QMessageBox, "warning", ask)
    answer = QMessageBox.StandardButton.Cancel
    window.close()
    assert window.isVisible() and "1 change(s) could not be saved" in answers[0]
    answer = QMessageBox.StandardButton.Discard
    window.close()
    assert not window.isVisible() and not window.writer.pending
    qtbot.wait(2 * window.writer.RETRY_MS)  # no retry runs on the closed database
    assert ids(seed_db) == set()
