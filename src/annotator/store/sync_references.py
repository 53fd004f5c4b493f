"""Foreign keys checked once over a large pull instead of row by row (store/syncing.py).

SQLite checks each reference of each row inserted with a lookup of its own: for a reviewer's
first pull of 100,000 spans (three references each) that is 0.2 s of the 0.5 s the insert
costs, while ``PRAGMA foreign_key_check`` over the same rows at the end takes 0.03 s. So a
large pull that only adds and changes rows (no tombstone, so no cascade has to run) is written
with foreign keys off, and every reference of the tables it wrote is checked before it commits:
one broken reference refuses it with the same error SQLite gives (``FOREIGN KEY constraint
failed``), and the whole transaction rolls back. Anything smaller, or with a delete, or in a
file whose tables break a reference already (then the check could not tell new from old), is
checked row by row as before.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager

# Rows pulled at once from which the references are checked at the end (as the indexes are
# made again: store/syncing.py, _REBUILD_FROM).
CHECK_ONCE_FROM = 10_000


@contextmanager
def references_checked_once(conn: sqlite3.Connection, tables: list[str], adding: int,
                            deletes: bool) -> Iterator[Callable[[], None]]:
    """Around a write transaction (outside it: the pragma does nothing inside one) that
    writes ``adding`` rows into ``tables``, ``deletes`` among them or not: yields the check
    to call at the end of the transaction, before it commits (it does nothing when the rows
    were checked one by one)."""
    if deletes or adding < CHECK_ONCE_FROM or conn.in_transaction \
            or not conn.execute("PRAGMA foreign_keys").fetchone()[0] \
            or _held(conn, tables) > adding or _broken(conn, tables):
        yield _nothing
        return
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        yield lambda: _check(conn, tables)
    finally:
        conn.execute("PRAGMA foreign_keys = ON")


def _nothing() -> None:
    return None


def _held(conn: sqlite3.Connection, tables: list[str]) -> int:
    """Rows the tables hold now: what the check at the end reads again."""
    return sum(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables)


def _broken(conn: sqlite3.Connection, tables: list[str]) -> bool:
    """Whether a row of ``tables`` refers to a missing row already (a file written with
    foreign keys off elsewhere): then the rows are checked one by one, as before."""
    return any(conn.execute(f'PRAGMA foreign_key_check("{t}")').fetchone() for t in tables)


def _check(conn: sqlite3.Connection, tables: list[str]) -> None:
    if _broken(conn, tables):
        raise sqlite3.IntegrityError("FOREIGN KEY constraint failed")
