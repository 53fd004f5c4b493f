"""Environment errors get a clear message; anything else is a bug and propagates."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from annotator.core.errors import AnnotatorError


class StoreError(AnnotatorError):
    """The database file cannot be used as asked: not ours, too new, full, locked, read-only."""


class StoreBusy(StoreError):
    """Another connection held the write lock for longer than we waited. Nothing was
    written (the transaction never began), so trying the same call again is safe."""


_KNOWN = (
    ("database or disk is full", "the disk is full"),
    ("database is locked", "another program keeps the database locked"),
    ("readonly database", "the database cannot be written (read-only file or folder)"),
    ("disk i/o error", "the disk reported an input/output error"),
    ("unable to open database file", "the file cannot be opened"),
    ("file is not a database", "the file is not an Annotator database"),
    ("database disk image is malformed", "the database file is damaged"),
    ("malformed database schema", "the database file is damaged"),
    ("could not decode to utf-8", "the database file is damaged (text that is not UTF-8)"),
)


def environment_error(path: object, exc: sqlite3.Error) -> StoreError | None:
    """Translate an SQLite error caused by the environment; ``None`` for a bug."""
    text = str(exc).lower()
    for needle, message in _KNOWN:
        if needle in text:
            kind = StoreBusy if needle == "database is locked" else StoreError
            return kind(f"{path}: {message} ({exc})")
    return None


def translated(path: object, exc: sqlite3.Error | UnicodeDecodeError) -> StoreError:
    """The StoreError to show for an error met reading or writing ``path``: an
    environment's error in its words, text that is not UTF-8 as damage, anything else as
    SQLite says it."""
    # The traceback keeps alive the cursor that failed; until it is freed, its statement
    # keeps even a closed connection holding a read lock on the file.
    exc.__traceback__ = None
    if isinstance(exc, UnicodeDecodeError):  # SQLite's message quotes the damaged bytes
        return StoreError(f"{path}: the database file is damaged")
    return environment_error(path, exc) or StoreError(f"{path}: {exc}")


@contextmanager
def reading(path: object) -> Iterator[None]:
    """Around a read of ``path``: a damaged file says so (StoreError), instead of an SQLite
    traceback; an SQLite error that the file does not explain is a bug and propagates."""
    try:
        yield
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        if isinstance(exc, sqlite3.DatabaseError) and not environment_error("", exc):
            raise
        raise translated(path, exc) from exc


def reads(method):
    """:func:`reading` around a method of an object with a ``path`` (None in memory)."""

    @functools.wraps(method)
    def read(self, *args, **kwargs):
        with reading(self.path or ":memory:"):
            return method(self, *args, **kwargs)

    return read
