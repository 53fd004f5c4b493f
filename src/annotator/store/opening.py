"""Opening a database file: refuse what is not ours or too new, before writing a byte;
create a new one whole; migrate an older one (backed up first). :class:`Opening` holds the
policy (``Store.open``, ``open_readonly``, ``memory``...); the functions below it, the steps."""

from __future__ import annotations

import atexit
import contextlib
import os
import secrets
import shutil
import sqlite3
import stat
import tempfile
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Self, TypeVar

from annotator.store import guard
from annotator.store.errors import StoreError, translated
from annotator.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION

T = TypeVar("T")

_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000


class Opening:
    """How a ``Store`` comes to be: the classmethods that open, create and migrate."""

    @classmethod
    def open_readonly(cls, path: Path | str, *, private: bool = False) -> Self:
        """Open a database to read it only (exports, reviews): nothing is written to the
        file, not even the journal mode, and nothing is made beside it. A file that needs
        writing before it can be read (a hot journal to roll back, a WAL that no session
        has open) is read from a private copy, and an older schema is migrated in a private
        in-memory copy; the file itself stays as it is. ``private``: read it from a private
        copy whatever it holds (see :meth:`open_received`)."""
        path = Path(path)
        if not path.exists():
            raise StoreError(f"{path}: no such database")
        check_header(path, private=private)
        warnings = guard.warnings_for(path)
        conn = None
        try:
            # An idle WAL: reading in place would make a -wal and -shm beside it.
            private = private or idle_wal(path)
            conn = recovered_copy(path) if private else connect_readonly(path)
            try:
                version = checked_version(conn, path)
            except sqlite3.Error as exc:
                if not needs_private_copy(exc):
                    raise
                conn.close()
                conn = recovered_copy(path)
                version = checked_version(conn, path)
            if version < SCHEMA_VERSION:
                memory = connect(":memory:")
                conn.backup(memory)
                conn.close()
                conn = memory
            store = cls(conn, path)
            if version < SCHEMA_VERSION:
                store._migrate(version)
        except BaseException as exc:
            if conn is not None:
                conn.close()
            if isinstance(exc, sqlite3.Error | UnicodeDecodeError):
                raise translated(path, exc) from exc
            raise
        store.warnings = warnings
        return store

    @classmethod
    def open_received(cls, path: Path | str) -> Self:
        """Open a database received from someone else (review-import, Open for review).

        Read in place, a file in WAL mode with its -shm beside it has that -shm written
        (SQLite rebuilds its index there, even through a read-only connection), and a hot
        journal is rolled back if the folder allows it. A received file is no session's
        file: when any side file is beside it, the file and its -wal or journal are read
        from a private copy, and every one of them stays byte for byte as it came."""
        path = Path(path)
        for side in SIDE_SUFFIXES:  # copied to be read: a FIFO here would never end
            refuse_not_a_file(Path(f"{path}{side}"), f"a database's {side[1:]} file")
        return cls.open_readonly(path, private=has_side_files(path))

    @classmethod
    def reader(cls, file: Path) -> Self:
        """Another read-only connection to a ``file()`` this process already opened and
        checked, for reads in another thread (a connection belongs to its thread)."""
        return cls(connect_readonly(file), file)

    @classmethod
    def open(cls, path: Path | str, *, create: bool = True) -> Self:
        """Open (or, if allowed, create) an Annotator database.

        Refuses, without changing a byte, a folder, an empty file, a file that is not
        SQLite, another application's database, a database from a newer version, one whose
        schema holds anything ours does not (a trigger, a view) and a damaged one.
        An older database is backed up beside itself, then migrated in one transaction.
        """
        path = Path(path)
        if not path.exists():
            if not create:
                raise StoreError(f"{path}: no such database")
            if not path.parent.is_dir():
                raise StoreError(f"{path}: the folder {path.parent} does not exist")
            cls._create(path)
        warnings: list[str] = []
        if not open_here(path):
            check_header(path)
            warnings = guard.warnings_for(path)  # before SQLite makes a -wal of its own
        # else: checked when this process opened it first, and reading it with a plain
        # open() now would drop SQLite's locks on it (POSIX drops all of a process's locks
        # on a file at the close of any descriptor of it): another program would then take
        # itself for the last user and remove the -wal and -shm under our connections.
        try:
            conn = connect(path)
        except sqlite3.Error as exc:
            raise translated(path, exc) from exc
        try:
            store = cls(conn, path)
            store._prepare()
        except BaseException:
            conn.close()
            raise
        store.warnings = warnings
        store._file = True
        _OPEN_FILES.add(store)
        return store

    @classmethod
    def _create(cls, path: Path) -> None:
        """Make a complete new database beside ``path``, then link it into place: another
        instance starting at the same moment, or a crash half-way, never leaves an empty
        or half-made file at ``path``."""
        draft = draft_path(path)
        try:
            conn = connect(draft)
            try:
                conn.execute("PRAGMA synchronous = FULL")
                cls(conn, path)._migrate(0)
            finally:
                conn.close()
            link_into_place(draft, path)
        except sqlite3.Error as exc:
            raise translated(path, exc) from exc
        except OSError as exc:
            raise StoreError(f"{path}: cannot be created ({exc.strerror})") from exc
        finally:
            cls.remove_files(draft)

    @staticmethod
    def remove_files(path: Path) -> None:
        """Delete a database and its side files (only for one this process just created)."""
        for suffix in ("", *SIDE_SUFFIXES):
            # e.g. a read-only folder: the error that brought us here matters more
            with contextlib.suppress(OSError):
                Path(f"{path}{suffix}").unlink(missing_ok=True)

    @classmethod
    def memory(cls) -> Self:
        store = cls(connect(":memory:"), None)
        store._migrate(0)
        return store

    def _prepare(self) -> None:
        """Check an existing file, migrate it if it is older, then switch it to WAL.

        The migration runs in the file's own journal mode (at rest, rollback): if it
        fails, SQLite puts every page back and the file is byte for byte what it was.
        """
        try:
            version = checked_version(self.conn, self.path)
            self.conn.execute("PRAGMA synchronous = FULL")
            if version < SCHEMA_VERSION:
                if version > 0:
                    backup(self.conn, self.path, version)
                self._migrate(version)
            configure_file(self.conn)
        except (sqlite3.Error, UnicodeDecodeError) as exc:
            raise translated(self.path, exc) from exc

    def _migrate(self, version: int) -> None:
        # A migration may rebuild a table (SQLite's only way to change a constraint), which
        # needs foreign keys off: the pragma is a no-op inside a transaction, so it is set
        # around it, and every reference is checked before the migration commits.
        self.conn.execute("PRAGMA foreign_keys = OFF")
        try:
            with self._write():
                for fn in MIGRATIONS[version:]:
                    fn(self.db)
                broken = self.conn.execute("PRAGMA foreign_key_check").fetchone()
                if broken is not None:
                    raise StoreError(
                        f"{self.path}: cannot be migrated: a row of {broken[0]} refers to a "
                        f"missing row of {broken[2]}; the file is left as it was"
                    )
                self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        finally:
            self.conn.execute("PRAGMA foreign_keys = ON")
        if self.path is not None and self._pragma("journal_mode") == "wal":
            # Put the header (application_id, user_version) into the main file now.
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


_OPEN_FILES: weakref.WeakSet[Opening] = weakref.WeakSet()


def open_here(path: Path) -> bool:
    """Is ``path`` open in this process (a store not closed yet: the window's, while the
    sync engine opens its own)?"""
    for store in list(_OPEN_FILES):
        if store._file and store.path is not None:
            with contextlib.suppress(OSError):
                if os.path.samefile(store.path, path):
                    return True
    return False


@atexit.register
def _close_open_files() -> None:
    """A program that ends without closing its store (an uncaught error, a script) still
    leaves the file at rest: otherwise SQLite's own close would remove the -wal but leave
    the header in WAL mode, and the next open would warn of an incomplete copy."""
    for store in list(_OPEN_FILES):
        with contextlib.suppress(Exception):
            store.close()


def checked_version(conn: sqlite3.Connection, path: Path | None) -> int:
    """What the file says it is, asked through SQLite (a header may still be in the WAL):
    refuse another application's file, a newer one, a foreign schema or a damaged file."""
    if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        raise StoreError(f"{path}: is not an Annotator database")
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    refuse_newer(Path(str(path)), version)
    guard.check(conn, path, tuple(MIGRATIONS[:version]))
    return version


def check_header(path: Path, *, private: bool = False) -> int:
    """Read the SQLite header of an existing file and return its ``user_version``.

    Reading the header ourselves touches nothing: a file that is not an Annotator
    database is refused without SQLite ever opening it (which could create a -wal
    or -journal beside it). A header that is still only in the WAL is asked of SQLite,
    from a private copy if ``private``.
    """
    if path.is_dir():
        raise StoreError(f"{path}: is a folder, not an Annotator database")
    refuse_not_a_file(path, "an Annotator database")
    try:
        with path.open("rb") as f:
            header = f.read(100)
    except OSError as exc:
        raise StoreError(f"{path}: cannot be read ({exc.strerror})") from exc
    if not header and _has_wal(path):
        return _confirm_through_sqlite(path, private)
    if not header:
        raise StoreError(f"{path}: is an empty file, not an Annotator database")
    if len(header) < 100 or not header.startswith(_MAGIC):
        raise StoreError(f"{path}: is not an Annotator database (not an SQLite file)")
    application_id = int.from_bytes(header[68:72], "big")
    if application_id != APPLICATION_ID and _has_wal(path):
        # A header that is still only in the WAL (a crash before the checkpoint).
        return _confirm_through_sqlite(path, private)
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


def _confirm_through_sqlite(path: Path, private: bool) -> int:
    """Ask SQLite itself (read-only, or in a private copy), which reads the WAL too."""
    try:
        conn = recovered_copy(path) if private else connect_readonly(path)
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


# The files SQLite keeps beside a database while it is open: its unsaved changes (the WAL),
# its shared memory index, its rollback journal. Replacing one breaks the database.
SIDE_SUFFIXES = ("-wal", "-shm", "-journal")


def refuse_side_file(target: Path | str) -> None:
    """Refuse to write ``target`` when it is the side file of a database beside it (an idle
    WAL is an empty file, with no magic number to recognise it by, so this goes by name),
    or a symbolic link to one (a write goes through the link)."""
    target = Path(target)
    names = [target]
    if target.is_symlink():
        with contextlib.suppress(OSError, RuntimeError):  # a loop: refused when written
            names.append(target.resolve())
    for name in names:
        for suffix in SIDE_SUFFIXES:
            if name.name.endswith(suffix) and len(name.name) > len(suffix):
                owner = name.with_name(name.name[: -len(suffix)])
                if owner.exists():
                    via = "" if name == target else f"is a link to {name}, which "
                    raise StoreError(
                        f"{target}: {via}is where SQLite keeps the {_SIDE_WHAT[suffix]} of "
                        f"the database {owner}; writing it would damage that database (choose "
                        "another name)"
                    )


def not_a_file(path: Path | str) -> str | None:
    """What ``path`` is when it is neither a regular file nor a folder (nor missing): such
    a thing is never opened to be read as data, nor replaced. Reading a FIFO nobody writes
    waits forever, a device is a piece of the machine, a socket cannot be opened at all."""
    try:
        mode = os.stat(path).st_mode  # through symbolic links: what a read or write meets
    except (OSError, ValueError):
        return None
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISBLK(mode):
        return "a block device (a disk)"
    if stat.S_ISCHR(mode):
        return "a character device"
    return None


def refuse_not_a_file(path: Path, what: str) -> None:
    """Refuse, before anything opens it, a ``path`` to read as ``what`` that is a FIFO, a
    socket or a device."""
    kind = not_a_file(path)
    if kind is not None:
        raise StoreError(f"{path}: is {kind}, not {what}; refused without reading it")


_SIDE_WHAT = {"-wal": "latest changes", "-shm": "shared index", "-journal": "rollback journal"}


def draft_path(path: Path) -> Path:
    """Where a new database is made before it is linked into place (hidden, unique)."""
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}.new")


def link_into_place(draft: Path, path: Path) -> bool:
    """Give the finished ``draft`` its real name, unless another instance was quicker
    (then its database is used and ours dropped: False). Never replaces an existing file."""
    try:
        os.link(draft, path)
    except FileExistsError:
        return False
    except OSError:  # a file system without hard links (FAT, some shares)
        if path.exists():
            return False
        os.rename(draft, path)
    _sync_folder(path.parent)
    return True


def made_or_opened(path: Path, work: Callable[[Path], T], *, only_new: bool = False) -> T:
    """Run ``work`` (which opens, fills and closes a database) on ``path``.

    A database that does not exist yet is made under a draft name and given its name only
    when ``work`` succeeded, so that a failure removes nothing but the draft: never a
    database that another program created at ``path`` meanwhile and may have filled. If
    one did, its database is kept and ``work`` runs again on it (all or nothing, like the
    first time), unless ``only_new`` (the first run's seeds: then the other one is used)."""
    path = Path(path)
    if not only_new and path.exists():
        return work(path)
    draft = draft_path(path)
    try:
        result = work(draft)
        placed = link_into_place(draft, path)
    finally:
        Opening.remove_files(draft)  # once linked, the database has its own name
    if placed or only_new:
        return result
    return work(path)


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


def has_side_files(path: Path) -> bool:
    """Is any of SQLite's side files (-wal, -shm, -journal) beside ``path``?"""
    return any(Path(f"{path}{suffix}").exists() for suffix in SIDE_SUFFIXES)


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
