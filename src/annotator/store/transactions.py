"""The connection under a :class:`~annotator.store.Store`: its write transactions, its
busy timeout, closing it (and leaving the file at rest), the annotators it has seen.

Every edit is its own ``BEGIN IMMEDIATE`` transaction, committed before the method
returns, so what the window shows as saved is on disk (WAL, synchronous=FULL).
"""

from __future__ import annotations

import contextlib
import functools
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.ids import utc_now
from annotator.store.errors import environment_error, translated

if TYPE_CHECKING:
    import sqlite_utils


class Transactions:
    """The connection and its transactions; the first of ``Store``'s parts."""

    # Write transactions take the write lock at once: a deferred BEGIN would let two
    # connections read, then fail with "database is locked" when both try to write.
    # (A test swaps this to show that its checks catch deferred transactions.)
    _BEGIN = "BEGIN IMMEDIATE"

    def __init__(self, conn: sqlite3.Connection, path: Path | None) -> None:
        self.path = path
        self.conn = conn
        # Things the user should know about this file (network share, incomplete copy);
        # the window shows them once, the command line prints them.
        self.warnings: list[str] = []
        self._file = False  # a read-write connection to a file: left at rest on close
        self._busy_ms: int | None = None  # the busy timeout, once patience() has set it
        self._annotators: set[str] = set()  # names known to be in the annotators table
        self._annotators_pending: set[str] = set()  # added by the transaction under way
        self._joined = False  # inside _one_write: the writes under it join its transaction

    @functools.cached_property
    def db(self) -> sqlite_utils.Database:
        """The sqlite-utils view of the connection (migrations use it), made when first
        needed: importing sqlite-utils is a noticeable part of a start."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn, execute_plugins=False)

    def file(self) -> Path | None:
        """The file this connection reads (a private copy, for some read-only opens);
        None in memory."""
        name = self.conn.execute("PRAGMA database_list").fetchone()[2]
        return Path(name) if name else None

    def interrupt(self) -> None:
        """Stop the statement this connection is running; callable from any thread."""
        with contextlib.suppress(sqlite3.ProgrammingError):  # already closed
            self.conn.interrupt()

    def _pragma(self, name: str) -> int:
        return self.conn.execute(f"PRAGMA {name}").fetchone()[0]

    @property
    def schema_version(self) -> int:
        return self._pragma("user_version")

    def close(self) -> None:
        """Close; the last connection to a file also leaves it at rest in rollback-journal
        mode, one self-contained file (see guard.incomplete_copy_warning)."""
        if self._file and not self.conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("PRAGMA busy_timeout = 0")  # others open: stay in WAL
                self.conn.execute("PRAGMA journal_mode = DELETE")
        self._file = False
        self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def patience(self, milliseconds: int) -> Iterator[None]:
        """Wait at most this long for another writer's lock (the window keeps its event
        loop moving: it waits briefly and tries again later, see gui/commands.py)."""
        before = self._busy_ms if self._busy_ms is not None else self._pragma("busy_timeout")
        self.conn.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")
        self._busy_ms = int(milliseconds)
        try:
            yield
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {before}")
            self._busy_ms = before

    @contextmanager
    def _one_write(self) -> Iterator[None]:
        """One transaction for several of the store's writes that stand or fall together
        (a review import: new versions, the scheme, the import itself): each ``_write``
        under it joins it instead of committing on its own."""
        with self._write():
            self._joined = True
            try:
                yield
            finally:
                self._joined = False

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One write transaction: BEGIN IMMEDIATE waits (busy timeout) for other writers
        instead of failing half-way; any error, in SQLite or not, rolls everything back."""
        if self._joined:  # part of _one_write's transaction, which commits or rolls back
            yield
            return
        if self.conn.in_transaction:
            raise RuntimeError("write transactions do not nest")
        try:
            self.conn.execute(self._BEGIN)
            try:
                yield
                self.conn.execute("COMMIT")
            except BaseException:
                self._annotators_pending.clear()
                self._rollback()
                raise
            self._annotators |= self._annotators_pending
            self._annotators_pending.clear()
        except sqlite3.Error as exc:
            if environment_error("", exc) is None:
                raise
            raise translated(self.path or ":memory:", exc) from exc

    def _rollback(self) -> None:
        # SQLite may already have rolled back (a full disk, an I/O error); a failing
        # ROLLBACK must not hide the error that brought us here.
        if self.conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")

    def _ensure_annotator(self, name: str) -> None:
        """Inside a write: make sure ``name`` is in the annotators table."""
        if name in self._annotators:  # rows of annotators are never deleted
            return
        self.conn.execute(
            "INSERT OR IGNORE INTO annotators (name, created_at) VALUES (?, ?)", [name, utc_now()]
        )
        self._annotators_pending.add(name)
