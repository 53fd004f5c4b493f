"""Targets that are not ordinary new files: an export or a snapshot written over the side
files SQLite keeps beside an open database (its WAL of latest changes, its shared-memory
index, its rollback journal). An idle WAL is an empty file with no magic number, so only
its name tells what it is; writing it would damage the database (issue 21, item 2).

And the family "targets that are not regular files" (issue 21, item 8): symbolic links,
FIFOs, devices and sockets, as export targets, snapshot targets and inputs."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import threading
import time
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


# -- targets that are not regular files (issue 21, item 8) --------------------------------
#
# Every case runs the real command line in a process of its own with a timeout, so that a
# command that waits forever (on a FIFO nobody reads or writes) fails the test instead of
# hanging it. The only system device written is /dev/null.

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")


def run(home: Path, *args: object, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cli(*args), env=env(home), capture_output=True, text=True,
                          timeout=60, **kwargs)  # fmt: skip


@pytest.fixture
def db(tmp_path: Path, annotator_home: Path) -> Path:
    path = tmp_path / "work.db"
    source = write_jsonl(tmp_path / "in.jsonl", articles(3))
    assert run(annotator_home, "import", path, source).returncode == 0
    return path


def refused(done: subprocess.CompletedProcess, *words: str) -> None:
    assert done.returncode != 0, done.stdout
    assert "Traceback" not in done.stderr, done.stderr
    for word in words:
        assert word in done.stderr, done.stderr


def test_an_export_through_a_symbolic_link_replaces_the_file_it_leads_to(
    db: Path, tmp_path: Path, annotator_home: Path
) -> None:
    """The link is kept (never replaced by a file), the file it leads to is replaced
    atomically, beside itself, and the summary says where the data went."""
    (tmp_path / "runs").mkdir()
    real = tmp_path / "runs" / "42.jsonl"
    real.write_text("the previous export\n", encoding="utf-8")
    link = tmp_path / "latest.jsonl"
    link.symlink_to(Path("runs") / "42.jsonl")
    done = run(annotator_home, "export", db, "-o", link)
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and os.readlink(link) == str(Path("runs") / "42.jsonl")
    assert len(real.read_bytes().splitlines()) == 3
    assert f"{link} is a symbolic link: {real} was written, and the link kept" in done.stdout
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert [p.name for p in real.parent.iterdir()] == ["42.jsonl"]


def test_a_brat_export_through_a_link_to_a_folder_keeps_the_link(
    db: Path, tmp_path: Path, annotator_home: Path
) -> None:
    first = run(annotator_home, "export", db, "-o", tmp_path / "brat-1", "--format", "brat")
    assert first.returncode == 0, first.stderr
    link = tmp_path / "brat-latest"
    link.symlink_to("brat-1", target_is_directory=True)
    done = run(annotator_home, "export", db, "-o", link, "--format", "brat")
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and (tmp_path / "brat-1").is_dir()
    assert len(list((tmp_path / "brat-1").glob("*.ann"))) == 3
    assert "is a symbolic link" in done.stdout and str(tmp_path / "brat-1") in done.stdout


def test_a_link_to_nothing_or_round_in_a_loop_is_refused(
    db: Path, tmp_path: Path, annotator_home: Path
) -> None:
    dangling = tmp_path / "out.jsonl"
    dangling.symlink_to(tmp_path / "elsewhere" / "missing.jsonl")
    refused(run(annotator_home, "export", db, "-o", dangling), "is a symbolic link to",
            "which does not exist")  # fmt: skip
    assert dangling.is_symlink() and not (tmp_path / "elsewhere").exists()
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.symlink_to(b)
    b.symlink_to(a)
    for fmt in ("jsonl", "brat"):
        refused(run(annotator_home, "export", db, "-o", a, "--format", fmt), "in a loop")
    assert a.is_symlink() and b.is_symlink()


def test_a_link_to_a_databases_wal_is_refused(
    open_db: Path, tmp_path: Path, annotator_home: Path
) -> None:
    link = tmp_path / "innocent.jsonl"
    link.symlink_to(f"{open_db}-wal")
    refused(run(annotator_home, "export", open_db, "-o", link), "is a link to",
            "is where SQLite keeps the latest changes")  # fmt: skip
    assert integrity(open_db) == ["ok"] and count(open_db) == 3


@needs_fifo
def test_an_export_into_a_fifo_nobody_reads_is_refused_not_hung(
    db: Path, tmp_path: Path, annotator_home: Path
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    began = time.monotonic()
    refused(run(annotator_home, "export", db, "-o", fifo), "is a FIFO (named pipe) that no "
            "program is reading", "start its reader first")  # fmt: skip
    assert time.monotonic() - began < 30
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # still a FIFO, not replaced


@needs_fifo
def test_a_fifo_whose_reader_starts_a_moment_later_is_written(
    db: Path, tmp_path: Path, annotator_home: Path
) -> None:
    """``annotator export -o p & gzip < p``: the reader may start after the export."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []

    def read_later() -> None:
        time.sleep(1.0)
        got.append(fifo.read_bytes())

    reader = threading.Thread(target=read_later, daemon=True)
    reader.start()
    done = run(annotator_home, "export", db, "-o", fifo)
    reader.join(30)
    assert done.returncode == 0, done.stderr
    assert len(got[0].splitlines()) == 3
    assert "3 document(s) written" in done.stderr  # the data had standard output to itself


def test_an_open_descriptor_is_written_through_never_reopened(
    db: Path, tmp_path: Path, annotator_home: Path
) -> None:
    """``-o /proc/self/fd/1`` (what /dev/stdout leads to) with standard output a file opened
    for appending: the export is appended to it, as the shell asked, never a new file put in
    its place (nor one made in /proc)."""
    log = tmp_path / "log.jsonl"
    log.write_text("an earlier line\n", encoding="utf-8")
    inode = log.stat().st_ino
    with log.open("a") as out:
        done = subprocess.run(cli("export", db, "-o", "/proc/self/fd/1"), env=env(annotator_home),
                              stdout=out, stderr=subprocess.PIPE, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = log.read_bytes().splitlines()
    assert lines[0] == b"an earlier line" and len(lines) == 4
    assert log.stat().st_ino == inode


def test_dev_null_takes_a_file_export_and_refuses_a_folder_export(
    db: Path, annotator_home: Path
) -> None:
    assert run(annotator_home, "export", db, "-o", os.devnull).returncode == 0
    refused(run(annotator_home, "export", db, "-o", os.devnull, "--format", "brat"),
            "is a character device; the brat export writes a folder")  # fmt: skip
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_a_block_device_is_never_written(tmp_path: Path, monkeypatch) -> None:
    """No real disk is touched: the file looks like one to the check, and is refused
    before anything opens it."""
    from annotator.core.errors import AnnotatorError
    from annotator.formats import atomic

    disk = tmp_path / "sdz"
    disk.write_bytes(b"the disk")
    monkeypatch.setattr(atomic, "not_a_file",
                        lambda p: "a block device (a disk)" if Path(p) == disk else None)
    with pytest.raises(AnnotatorError, match="is a block device"), atomic.atomic_write(disk) as f:
        f.write(b"an export")
    assert disk.read_bytes() == b"the disk"


@pytest.fixture
def socket_file(tmp_path: Path, monkeypatch):
    """A listening unix socket named like a file to import (bound by a relative name: the
    full path may be longer than a socket's address can be)."""
    monkeypatch.chdir(tmp_path)
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind("sock.jsonl")
    server.listen(1)
    yield tmp_path / "sock.jsonl"
    server.close()


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="unix sockets")
def test_a_socket_is_neither_written_nor_read(
    db: Path, socket_file: Path, tmp_path: Path, annotator_home: Path
) -> None:
    refused(run(annotator_home, "export", db, "-o", socket_file), "is a socket")
    refused(run(annotator_home, "import", tmp_path / "new.db", socket_file), "sock.jsonl",
            "is a socket, not a file")  # fmt: skip
    assert stat.S_ISSOCK(os.lstat(socket_file).st_mode)
    assert not (tmp_path / "new.db").exists()


@needs_fifo
def test_inputs_that_are_fifos_are_refused_at_once(
    db: Path, tmp_path: Path, annotator_home: Path
) -> None:
    """Opened to be read, a FIFO nobody writes waits forever: every way a file arrives."""
    fifo = tmp_path / "incoming.jsonl"
    os.mkfifo(fifo)
    new = tmp_path / "new.db"
    refused(run(annotator_home, "import", new, fifo), "incoming.jsonl",
            "is a FIFO (named pipe), not a file")  # fmt: skip
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "good.jsonl").write_bytes((tmp_path / "in.jsonl").read_bytes())
    os.mkfifo(folder / "pipe.jsonl")
    refused(run(annotator_home, "import", new, folder), "pipe.jsonl", "is a FIFO")
    os.mkfifo(folder / "page.ann")  # a brat text's annotations
    (folder / "page.txt").write_text("A text.", encoding="utf-8")
    refused(run(annotator_home, "import", new, folder / "page.txt"), "page.ann", "is a FIFO")
    assert not new.exists()
    received = tmp_path / "alice.db"
    os.mkfifo(received)
    refused(run(annotator_home, "review-import", tmp_path / "review.db", received),
            "alice.db: is a FIFO (named pipe), not an Annotator database")  # fmt: skip
    assert not (tmp_path / "review.db").exists()
    refused(run(annotator_home, "export", received, "-o", tmp_path / "x.jsonl"), "is a FIFO")


@needs_fifo
def test_a_received_database_with_a_fifo_for_its_wal_is_refused(
    db: Path, tmp_path: Path, annotator_home: Path
) -> None:
    received = tmp_path / "alice.db"
    assert run(annotator_home, "snapshot", db, received).returncode == 0
    os.mkfifo(f"{received}-wal")
    before = sha(received)
    refused(run(annotator_home, "review-import", tmp_path / "review.db", received),
            "alice.db-wal: is a FIFO")  # fmt: skip
    assert sha(received) == before and not (tmp_path / "review.db").exists()


def test_a_folder_with_a_link_back_up_is_walked_once(
    tmp_path: Path, annotator_home: Path
) -> None:
    folder = tmp_path / "articles"
    (folder / "sub").mkdir(parents=True)
    (folder / "one.txt").write_text("The first article.", encoding="utf-8")
    (folder / "sub" / "two.txt").write_text("The second article.", encoding="utf-8")
    (folder / "sub" / "up").symlink_to("..", target_is_directory=True)  # a loop
    (folder / "sub" / "self").symlink_to(".", target_is_directory=True)
    done = run(annotator_home, "import", tmp_path / "new.db", folder)
    assert done.returncode == 0, done.stderr
    assert count(tmp_path / "new.db") == 2


@needs_fifo
def test_a_snapshot_is_never_written_into_a_link_a_fifo_or_a_device(
    db: Path, tmp_path: Path, annotator_home: Path
) -> None:
    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    link = tmp_path / "link.db"
    link.symlink_to(tmp_path / "nowhere.db")
    refused(run(annotator_home, "snapshot", db, fifo), "is a FIFO (named pipe); a snapshot is "
            "written only as a new file")  # fmt: skip
    refused(run(annotator_home, "snapshot", db, link), "is a symbolic link", "never through a link")
    refused(run(annotator_home, "snapshot", db, os.devnull), "is a character device")
    assert link.is_symlink() and not (tmp_path / "nowhere.db").exists()
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
