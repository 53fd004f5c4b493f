"""A private PostgreSQL cluster for the team hub's tests: the real server (Debian's
``postgresql``), started once per test session in a temporary folder, reached only through a
Unix socket there (no TCP). PostgreSQL refuses to run as root, so as root the cluster belongs to
the ``postgres`` user and is started with ``runuser``. No mocks of the database anywhere."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path


def _bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else None


class Cluster:
    """initdb + pg_ctl start in a fresh folder; ``url(db, user)`` names a database in it."""

    def __init__(self) -> None:
        initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
        if not initdb or not pg_ctl:
            raise RuntimeError(
                "the team hub's tests need PostgreSQL 15+ (initdb, pg_ctl): "
                "apt-get install postgresql (.ci/run does this on CI)"
            )
        self.pg_ctl = pg_ctl
        self.root = Path(tempfile.mkdtemp(prefix="annotator-pg-"))
        self.data = self.root / "data"
        self.socket = self.root / "socket"
        self.socket.mkdir()
        self.as_root = os.geteuid() == 0
        if self.as_root:  # the server refuses root: the folder and process are postgres's
            shutil.chown(self.root, "postgres")
            shutil.chown(self.socket, "postgres")
            self.root.chmod(0o755)
        self.superuser = "postgres" if self.as_root else os.environ.get("USER") or "postgres"
        self._run([initdb, "-D", str(self.data), "-U", self.superuser, "--auth=trust",
                   "-E", "UTF8", "--locale=C", "-N"])
        self.start()

    def _run(self, argv: list[str]) -> None:
        if self.as_root:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        done = subprocess.run(argv, capture_output=True, text=True, stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed:\n{done.stdout}\n{done.stderr}")

    def url(self, dbname: str = "postgres", user: str | None = None) -> str:
        return f"host={self.socket} dbname={dbname} user={user or self.superuser}"

    def stop(self, mode: str = "fast") -> None:
        self._run([self.pg_ctl, "-D", str(self.data), "-m", mode, "-w", "stop"])

    def start(self) -> None:
        options = (f"-k {self.socket} -c listen_addresses='' -c fsync=off "
                   "-c full_page_writes=off -c max_connections=100")
        self._run([self.pg_ctl, "-D", str(self.data), "-l", str(self.root / "log"),
                   "-o", options, "-w", "-t", "60", "start"])

    def close(self) -> None:
        try:
            self.stop("immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
