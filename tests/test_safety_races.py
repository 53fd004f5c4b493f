"""Races on a new file: while `import` or `review-import` makes a database that did not
exist, another program (a second command, a window) creates it and saves work into it.
A failed import must leave that work alone; a successful one goes into that database.
The other program here is the real command line, in a process of its own."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from annotator.core.errors import AnnotatorError
from annotator.formats.importing import import_files
from annotator.store import Store
from annotator.store.sharing import import_shared
from safety_helpers import articles, cli, count, env, integrity, write_jsonl
from test_review_share import alice


class Stop(Exception):
    """What a Cancel (or any failure) raises in the middle of the work."""


def another_program_makes(db: Path, home: Path, folder: Path) -> None:
    """``annotator import DB`` in its own process, run to the end: DB exists and holds
    one article that this other program was told was saved."""
    other = write_jsonl(folder / "theirs.jsonl", articles(1, seed=11, prefix="theirs"))
    done = subprocess.run(cli("import", db, other, "--annotator", "carol"), env=env(home),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert count(db) == 1


@pytest.mark.parametrize("fails", [True, False], ids=["our-import-fails", "our-import-ends"])
def test_an_import_into_a_new_file_keeps_what_another_program_saved_there(
    tmp_path: Path, annotator_home: Path, fails: bool
) -> None:
    db = tmp_path / "team.db"
    ours = write_jsonl(tmp_path / "ours.jsonl", articles(3, prefix="ours"))

    def meanwhile(stage: str, done: int, _total: int) -> None:
        if stage == "store" and done == 0 and not db.exists():
            another_program_makes(db, annotator_home, tmp_path)
            if fails:
                raise Stop

    if fails:
        with pytest.raises(Stop):
            import_files(db, [ours], annotator="alice", progress=meanwhile)
        assert count(db) == 1  # theirs, whole: not removed with our failed import
    else:
        report = import_files(db, [ours], annotator="alice", progress=meanwhile)
        assert report.summary.documents_added == 3
        assert count(db) == 4  # theirs and ours, in their database
    assert integrity(db) == ["ok"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_failed_import_into_a_new_file_leaves_nothing_behind(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "Short.", "spans": [{"start": 0, "end": 99, "label": "claim"}]}\n')
    with pytest.raises(AnnotatorError, match="bad.jsonl, line 1"):
        import_files(db, [bad], annotator="alice")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.jsonl"]


@pytest.mark.parametrize("fails", [True, False], ids=["ours-fails", "ours-ends"])
def test_a_review_import_into_a_new_file_keeps_what_another_program_saved_there(
    tmp_path: Path, annotator_home: Path, fails: bool
) -> None:
    shared = alice(tmp_path)
    review = tmp_path / "review.db"

    def meanwhile(done: int, total: int) -> None:
        if done == total - 1 and not review.exists():  # every file read, the copy next
            another_program_makes(review, annotator_home, tmp_path)
            if fails:
                raise Stop

    if fails:
        with pytest.raises(Stop):
            import_shared(review, [shared], progress=meanwhile)
        assert count(review) == 1
    else:
        import_shared(review, [shared], progress=meanwhile)
        assert count(review) == 3  # theirs and alice's two articles
        with Store.open_readonly(review) as store:
            assert {s.annotator for d in store.document_ids() for s in store.spans(d)} >= {
                "alice", "carol"}
    assert integrity(review) == ["ok"]
