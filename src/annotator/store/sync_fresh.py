"""The bulk of a first push, kept inside SQLite (sync/push.py): spans and links never synced.

A first push sends maybe 100,000 spans. Read into Python, each became a tuple, was checked,
listed, formatted for COPY by psycopg row by row, and its record (version, digest) went back
into SQLite by ``executemany``: 15 us of the client's CPU per span, most of a push. Here the
rows never become Python objects: SQLite sorts them out (sent, not assigned, held back, or
synced before and changed) into a temporary table of this connection as it reads them, part
by part; each batch goes to the hub as one block of text SQLite made (CSV, a row a line,
which the hub's COPY reads as it reads any); and the hub's answer (one JSON object, item -> version) is
joined in SQL into sync_items once the hub has committed (store/syncing.py,
``record_pushed``). What the hub is sent, in what order and batches, and what is recorded
are what the rows read one by one gave (bench/hub_same.py compares them).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from annotator.core.annotators import GOLD
from annotator.core.syncitems import RELATION, SPAN, Kind
from annotator.store.errors import reading, reads
from annotator.store.sync_rows import content_sql


def _copy_line(kind: Kind, alias: str) -> str:
    """SQL making the line sent for a row ``alias`` of ``kind``: CSV, every value SQL-quoted
    by SQLite's printf ``%Q`` ('it''s'; a NULL is a bare NULL), which the hub's COPY reads
    with COPY_OPTIONS into typed columns as it reads any CSV. One call a row: escaping each
    value for COPY's text format cost five times as much; a JSON array, a little less here
    but a third more of the hub's time, taking it apart (and a push waits for the hub)."""
    columns = ", ".join(f'{alias}."{c}"' for c in kind.columns)
    return f"printf('{','.join(['%Q'] * len(kind.columns))}' || char(10), {columns})"


# How the hub's COPY reads those lines: a value in single quotes (doubled inside: SQL's
# way, and CSV's with this quote) is the text it holds, even "NULL" or empty; a bare NULL
# is SQL's NULL. Newlines and carriage returns inside quotes are data, as in any CSV.
COPY_OPTIONS = "FORMAT csv, QUOTE '''', NULL 'NULL'"

# One value of a line: NULL, or a quoted text.
_VALUE = re.compile(r"NULL|'((?:[^']|'')*)'", re.DOTALL)


class FreshPush:
    """The part of ``Store`` a push uses for items never synced (spans and links, keyed by
    an id): in temporary tables of this connection, from the read to the records."""

    def fresh_for_push(self, kind: Kind, annotators: list[str], assigned: set[str],
                       held: set[str]) -> Iterator[int]:
        """Put the items of ``kind`` by ``annotators`` that the hub never had (no record)
        into ``temp.push_fresh_<kind>``, numbered as a read of every changed item of the
        kind (store/syncing.py, sync_change_batches) meets them, each with its digest and
        the line it is sent as; those on articles not ``assigned`` (but gold, which goes
        anywhere) and the ``held`` (gold of a parked verdict) are numbered, not sent.
        Read part by part, all in one read transaction of the file (one snapshot): yields
        the last number given so far after each part, so a push sends the batches
        numbered while the next part is read. Then :meth:`fresh_counts`."""
        digest, table = content_sql(kind, "r"), _table(kind)
        self.conn.execute(f"DROP TABLE IF EXISTS temp.{table}")
        self.conn.execute(f"CREATE TEMPORARY TABLE {table} (n INTEGER PRIMARY KEY, id, "
                          "annotator, document, base, digest, line, fate INTEGER)")
        marks = ", ".join("?" * len(annotators))
        # Every changed item is numbered as the read of them all meets them (the
        # temporary table's rowid; that read goes through the table in rowid order, as
        # these parts do), so the batches are the ones it makes; fate: 0 goes to the hub,
        # 1 stays (its article is not assigned), 2 is held back, 3 was synced before and
        # changed since (:meth:`fresh_changed` gives those: this is the one pass through
        # the table that compares each row with its record).
        insert = (
            f"INSERT INTO temp.{table} (id, annotator, document, base, digest, line, fate) "
            f"SELECT id, annotator, document, base, digest, line, CASE WHEN base IS NOT NULL "
            "THEN 3 WHEN annotator != ? AND document NOT IN (SELECT value FROM json_each(?)) "
            "THEN 1 WHEN id IN (SELECT value FROM json_each(?)) THEN 2 ELSE 0 END "
            f"FROM (SELECT r.*, i.version AS base, {digest} AS digest, "
            f"{_copy_line(kind, 'r')} AS line "
            f"FROM (SELECT {', '.join(f'{chr(34)}{c}{chr(34)}' for c in kind.columns)} "
            f"FROM {kind.table} WHERE annotator IN ({marks}) AND rowid BETWEEN ? AND ?) r "
            "LEFT JOIN sync_items i ON i.kind = ? AND i.item = r.id "
            f"WHERE i.digest IS NULL OR i.digest != {digest})")
        fixed = [GOLD, _json(assigned), _json(held), *annotators]
        with reading(self.path or ":memory:"):
            self.conn.execute("BEGIN")
            try:
                low, high = self.conn.execute(
                    f"SELECT min(rowid), max(rowid) FROM {kind.table}").fetchone()
                for start in range(low or 0, (high or -1) + 1, _PART):
                    self.conn.execute(insert, [*fixed, start, start + _PART - 1, kind.name])
                    yield self.conn.execute(
                        f"SELECT coalesce(max(n), 0) FROM temp.{table}").fetchone()[0]
            finally:
                self.conn.execute("COMMIT")  # (the read's snapshot; only temp was written)

    def fresh_counts(self, kind: Kind) -> tuple[int, int, int]:
        """After :meth:`fresh_for_push`: how many items go to the hub, how many stay (not
        assigned), how many are held back."""
        table = _table(kind)
        # (fate, id): the hub's versions find their items by it after the commit, and the
        # fates are counted from it, not from the table's wide rows
        self.conn.execute(f"CREATE UNIQUE INDEX temp.{table}_id ON {table} (fate, id)")
        counts = dict(self.conn.execute(f"SELECT fate, count(*) FROM temp.{table} GROUP BY fate"))
        return counts.get(0, 0), counts.get(1, 0), counts.get(2, 0)

    @reads
    def fresh_copy_text(self, kind: Kind, first: int, last: int) -> tuple[int, str]:
        """The items numbered ``first``..``last``, as lines for COPY (CSV, one a row
        (:func:`_copy_line`), in key order (the hub's primary key filled in order): (how
        many, the text)."""
        lines = self.conn.execute(
            f"SELECT line FROM temp.{_table(kind)} WHERE n BETWEEN ? AND ? AND fate = 0 "
            "ORDER BY id",
            [first, last]).fetchall()
        return len(lines), "".join([line for (line,) in lines])

    def stage_fresh(self, kind: Kind, versions: str | None) -> None:
        """Keep the versions the hub gave (``versions``: its JSON object item -> version)
        until :meth:`record_fresh`, after the hub's commit (as the text it came in: read
        into a table now, then joined again, they cost twice what they do joined once)."""
        if versions:
            self._fresh_versions = [*getattr(self, "_fresh_versions", []), (kind, versions)]

    def record_fresh(self) -> None:
        """Inside a write, once the hub has committed: the records of what it inserted, each
        with the digest made when the item was read (what was sent, not what the row may
        hold now)."""
        staged, self._fresh_versions = getattr(self, "_fresh_versions", []), []
        for kind, versions in staged:
            self.conn.execute(
                "INSERT INTO sync_items (kind, item, annotator, document, version, digest) "
                "SELECT ?, j.key, f.annotator, f.document, j.value, f.digest "
                f"FROM json_each(?) j CROSS JOIN temp.{_table(kind)} f "
                "ON f.fate = 0 AND f.id = j.key WHERE true ON CONFLICT (kind, item) DO UPDATE SET "
                "annotator = excluded.annotator, document = excluded.document, "
                "version = excluded.version, digest = excluded.digest",
                [kind.name, versions])

    @reads
    def fresh_changed(self, kind: Kind) -> list[tuple[str, str, str, dict, int, str]]:
        """After :meth:`fresh_for_push`: the items synced before and changed since, in the
        order read, as :meth:`sync_change_batches` gives them (item, document, owner, the
        row as a dict, base version, digest)."""
        out = []
        for line, base, digest in self.conn.execute(
                f"SELECT line, base, digest FROM temp.{_table(kind)} WHERE fate = 3 "
                "ORDER BY n"):
            row = _row(kind, line)
            out.append((row["id"], row["document"], row["annotator"], row, base, digest))
        return out

    @reads
    def fresh_left(self, kind: Kind, first: int, last: int, versions: str | None
                   ) -> list[tuple[str, dict, str]]:
        """The items numbered ``first``..``last`` the hub did not insert (it held their keys
        already: a replayed push), in the order read: (item, row as a dict, digest)."""
        rows = self.conn.execute(
            f"SELECT line, digest FROM temp.{_table(kind)} WHERE n BETWEEN ? AND ? AND "
            "fate = 0 AND id NOT IN (SELECT key FROM json_each(?)) ORDER BY n",
            [first, last, versions or "{}"]).fetchall()
        out = []
        for line, digest in rows:
            row = _row(kind, line)
            out.append((kind.item(row), row, digest))
        return out

    def fresh_done(self) -> None:
        """Forget what :meth:`fresh_for_push` and :meth:`stage_fresh` kept (before a push,
        and when it failed; after one, the tables go with the connection: dropping them
        costs SQLite a walk through every page)."""
        self._fresh_versions = []
        for kind in FRESH_KINDS:
            self.conn.execute(f"DROP TABLE IF EXISTS temp.{_table(kind)}")


# Rows of the file's table (by rowid) read at a time: the first batch is ready at once.
_PART = 4_000

# The kinds read this way: keyed by an id, and the many (a first push: 100,000 spans).
FRESH_KINDS = (SPAN, RELATION)


def _row(kind: Kind, line: str) -> dict:
    """The row a line was made from (:func:`_copy_line`): its values unquoted, the numbers
    numbers again (only the few items a push compares with the hub's come this way)."""
    values = []
    for match in _VALUE.finditer(line):
        quoted = match.group(1)
        values.append(None if quoted is None else quoted.replace("''", "'"))
    row = dict(zip(kind.columns, values, strict=True))
    for column in _NUMBERS:
        if row.get(column) is not None:
            row[column] = int(row[column])
    return row


_NUMBERS = ("start", "end")  # the integer columns of spans and links


def _table(kind: Kind) -> str:
    return f"push_fresh_{kind.name}"


def _json(values: set[str]) -> str:
    return json.dumps(sorted(v for v in values if v is not None))
