"""Targets that are not ordinary new files: an export or a snapshot written over the side
files SQLite keeps beside an open database (its WAL of latest changes, its shared-memory
index, its rollback journal). An idle WAL is an empty file with no magic number, so only
its name tells what it is; writing it would damage the database (issue 21, item 2)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from annotator.store import Store
from safety_helpers import articles, cli, count, env, integrity, sha, write_jsonl


@pytest.fixture
def open_db(tmp_path: Path, annotator_home: Path):
    """A database with three articles, held open (in WAL mode) as a window holds it."""
    db = tmp_path / "work.db"
    source = write_jsonl(tmp_path / "in.jsonl", articles(3))
    subprocess.run(cli("import", db, source), env=env(annotator_home), check=True,
                   capture_output=True)
    store = Store.open(db)
    yield db
    store.close()


@pytest.mark.parametrize("suffix", ["-wal", "-shm", "-journal"])
@pytest.mark.parametrize("command", ["export", "snapshot"])
def test_an_open_databases_side_files_are_never_written(
    open_db: Path, annotator_home: Path, tmp_path: Path, suffix: str, command: str
) -> None:
    target = Path(f"{open_db}{suffix}")
    before = sha(target) if target.exists() else None
    args = ["export", open_db, "-o", target] if command == "export" else [
        "snapshot", open_db, target]
    done = subprocess.run(cli(*args), env=env(annotator_home), capture_output=True, text=True)
    assert done.returncode != 0
    assert f"{target}: is where SQLite keeps the" in done.stderr
    assert "Traceback" not in done.stderr
    assert (sha(target) if target.exists() else None) == before
    assert integrity(open_db) == ["ok"] and count(open_db) == 3


def test_a_name_that_only_ends_like_a_side_file_is_written(
    open_db: Path, annotator_home: Path, tmp_path: Path
) -> None:
    target = tmp_path / "notes-wal"  # no database called "notes" beside it
    done = subprocess.run(cli("export", open_db, "-o", target), env=env(annotator_home),
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert len(target.read_bytes().splitlines()) == 3
