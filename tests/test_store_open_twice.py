"""A file open in the window stays whole while the sync engine opens and closes its own store
on it at each sync and another program reads it meanwhile (a backup, the sqlite3 shell).
Opening it again must not read it with a plain open(): the close of any descriptor drops every
POSIX lock SQLite holds for this process on the file, so the other program takes itself for
the last user and removes the -wal and -shm under the window ("disk I/O error", "the
database file is damaged"), seen by hand with three windows and a stopped hub."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from annotator.store import Store

READ = ("import sqlite3, sys\n"
        "while True:\n"
        "    c = sqlite3.connect(sys.argv[1])\n"
        "    c.execute('SELECT count(*) FROM sync_state').fetchone()\n"
        "    c.close()\n")


def test_the_engine_opening_the_windows_file_again_keeps_it_whole(tmp_path):
    db = tmp_path / "alice.db"
    window = Store.open(db)
    window.set_sync_state(member="alice")
    reader = subprocess.Popen([sys.executable, "-c", READ, str(db)])
    problems: list[str] = []
    try:
        deadline = time.monotonic() + 4
        n = 0
        while time.monotonic() < deadline and not problems:
            n += 1
            try:
                with Store.open(db, create=False) as engine:  # what each sync does
                    engine.set_sync_state(cursor=str(n))
                window.set_sync_state(member=f"alice{n}")
                if window.conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                    problems.append(f"damaged after {n} syncs")
                if not Path(f"{db}-shm").exists():
                    problems.append(f"the -shm was removed after {n} syncs")
            except Exception as exc:  # noqa: BLE001 - the failure this test is about
                problems.append(f"after {n} syncs: {exc}")
    finally:
        reader.kill()
        reader.wait()
    assert not problems and n > 20, (problems, n)
    window.close()
    with Store.open(db) as again:
        assert again.sync_state() == {"member": f"alice{n}", "cursor": str(n)}
