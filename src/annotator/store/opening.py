"""Opening a database file: refuse what is not ours or too new, before writing a byte."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import sqlite3
import tempfile
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
    except (sqlite3.Error, UnicodeDecodeError) as exc:
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
    """WAL while a session runs (readers never wait for the writer), FULL sync."""
    try:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    except sqlite3.OperationalError as exc:
        if "readonly" not in str(exc).lower():
            raise
        mode = "delete"  # a read-only file: reading works; an edit will say why it cannot
    if mode.lower() != "wal":  # e.g. a file system without shared memory
        with contextlib.suppress(sqlite3.OperationalError):
            conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA synchronous = FULL")


def backup(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    """Copy the database before a migration; the copy is what the user had.

    A file at rest (no -wal beside it) is copied byte for byte while the write lock keeps
    other writers out; otherwise SQLite's backup copies the database as it stands.
    """
    target = path.with_name(f"{path.name}.v{version}.bak")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.v{version}.{n}.bak")
    if Path(f"{path}-wal").exists():
        dest = sqlite3.connect(str(target))
        try:
            conn.backup(dest)
        finally:
            dest.close()
        return target
    conn.execute("BEGIN IMMEDIATE")
    try:
        shutil.copy2(path, target)
        with target.open("rb+") as f:
            os.fsync(f.fileno())
    finally:
        conn.execute("ROLLBACK")
    _sync_folder(path.parent)
    return target


# -- creating a new file --------------------------------------------------------------------


def draft_path(path: Path) -> Path:
    """Where a new database is made before it is linked into place (hidden, unique)."""
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}.new")


def link_into_place(draft: Path, path: Path) -> None:
    """Give the finished ``draft`` its real name, unless another instance was quicker
    (then its database is used and ours dropped). Never replaces an existing file."""
    try:
        os.link(draft, path)
    except FileExistsError:
        return
    except OSError:  # a file system without hard links (FAT, some shares)
        if path.exists():
            return
        os.rename(draft, path)
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# -- files that need writing before they can be read ----------------------------------------

_SQLITE_READONLY = 8
_SQLITE_CANTOPEN = 14


def idle_wal(path: Path) -> bool:
    """A WAL-mode file that no session has open (no -shm): SQLite would make a -shm and a
    -wal beside it just to read it."""
    try:
        with path.open("rb") as f:
            header = f.read(20)
    except OSError:
        return False
    return header[18:20] == b"\x02\x02" and not Path(f"{path}-shm").exists()


def needs_private_copy(exc: sqlite3.Error) -> bool:
    """A read-only connection met a file that needs writing before it can be read: a hot
    journal to roll back, a WAL to recover, a -shm it may not create."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code is not None and (code & 0xFF) in (_SQLITE_READONLY, _SQLITE_CANTOPEN)


def recovered_copy(path: Path) -> sqlite3.Connection:
    """Recover the file (and its journal or WAL) in a private folder and return an
    in-memory copy of the result; the original and its side files are only read."""
    with tempfile.TemporaryDirectory(prefix="annotator-recovery-") as folder:
        copy = Path(folder) / path.name
        shutil.copyfile(path, copy)
        for suffix in ("-journal", "-wal"):
            side = Path(f"{path}{suffix}")
            if side.is_file():
                shutil.copyfile(side, f"{copy}{suffix}")
        disk = connect(copy)
        try:
            disk.execute("SELECT count(*) FROM sqlite_master").fetchone()  # recovers
            memory = connect(":memory:")
            disk.backup(memory)
        finally:
            disk.close()
    return memory
