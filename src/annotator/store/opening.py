"""Opening a database file: refuse what is not ours or too new, before writing a byte."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from annotator.store.errors import StoreError
from annotator.store.schema import APPLICATION_ID, SCHEMA_VERSION

_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000


def check_header(path: Path) -> int:
    """Read the SQLite header of an existing file and return its ``user_version``.

    Reading the header ourselves touches nothing: a file that is not an Annotator
    database is refused without SQLite ever opening it (which could create a -wal
    or -journal beside it).
    """
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not an Annotator database")
    try:
        with path.open("rb") as f:
            header = f.read(100)
    except OSError as exc:
        raise StoreError(f"{path}: cannot be read ({exc.strerror})") from exc
    if not header and _has_wal(path):
        return _confirm_through_sqlite(path)
    if not header:
        raise StoreError(f"{path}: is an empty file, not an Annotator database")
    if len(header) < 100 or not header.startswith(_MAGIC):
        raise StoreError(f"{path}: is not an Annotator database (not an SQLite file)")
    application_id = int.from_bytes(header[68:72], "big")
    if application_id != APPLICATION_ID and _has_wal(path):
        # A header that is still only in the WAL (a crash before the checkpoint).
        return _confirm_through_sqlite(path)
    if application_id != APPLICATION_ID:
        raise StoreError(
            f"{path}: is an SQLite database of another application "
            f"(application_id 0x{application_id:08x}), not an Annotator database"
        )
    version = int.from_bytes(header[60:64], "big")
    refuse_newer(path, version)
    return version


def _has_wal(path: Path) -> bool:
    wal = Path(f"{path}-wal")
    return wal.is_file() and wal.stat().st_size > 0


def _confirm_through_sqlite(path: Path) -> int:
    """Ask SQLite itself (read-only), which reads the WAL too."""
    try:
        conn = connect_readonly(path)
        try:
            application_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise StoreError(f"{path}: is not an Annotator database ({exc})") from exc
    if application_id != APPLICATION_ID:
        raise StoreError(f"{path}: is not an Annotator database")
    refuse_newer(path, version)
    return version


def connect_readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection (``mode=ro``; never ``immutable=1``, which would ignore
    other writers and the WAL)."""
    uri = path.resolve().as_uri() + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA trusted_schema = OFF")
    conn.execute("PRAGMA query_only = ON")
    return conn


def refuse_newer(path: Path, version: int) -> None:
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: was written by a newer Annotator (schema version {version}; "
            f"this version reads up to {SCHEMA_VERSION}). Update Annotator to open it."
        )


def sqlite_version() -> str:
    """The SQLite library this process uses (the frozen app bundles its own copy)."""
    return sqlite3.sqlite_version


def connect(path: Path | str) -> sqlite3.Connection:
    """A connection in autocommit mode: transactions are begun explicitly (IMMEDIATE)."""
    conn = sqlite3.connect(str(path), isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA trusted_schema = OFF")
    return conn


def configure_file(conn: sqlite3.Connection) -> None:
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if mode.lower() != "wal":  # e.g. a file system without shared memory
        conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA synchronous = FULL")


def backup(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    """Copy the database before a migration; the copy is what the user had."""
    target = path.with_name(f"{path.name}.v{version}.bak")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.v{version}.{n}.bak")
    dest = sqlite3.connect(str(target))
    try:
        conn.backup(dest)
    finally:
        dest.close()
    return target
