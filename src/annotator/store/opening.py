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
    if not header:
        raise StoreError(f"{path}: is an empty file, not an Annotator database")
    if len(header) < 100 or not header.startswith(_MAGIC):
        raise StoreError(f"{path}: is not an Annotator database (not an SQLite file)")
    application_id = int.from_bytes(header[68:72], "big")
    if application_id != APPLICATION_ID:
        raise StoreError(
            f"{path}: is an SQLite database of another application "
            f"(application_id 0x{application_id:08x}), not an Annotator database"
        )
    version = int.from_bytes(header[60:64], "big")
    refuse_newer(path, version)
    return version


def refuse_newer(path: Path, version: int) -> None:
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: was written by a newer Annotator (schema version {version}; "
            f"this version reads up to {SCHEMA_VERSION}). Update Annotator to open it."
        )


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
