"""The bulk of a first push, kept inside SQLite (sync/push.py): spans and links never synced.

A first push sends maybe 100,000 spans. Read into Python, each became a tuple, was checked,
listed, formatted for COPY by psycopg row by row, and its record (version, digest) went back
into SQLite by ``executemany``: 15 us of the client's CPU per span, most of a push. Here the
rows never become Python objects: one statement sorts them out (assigned or not, held back or
not) into a temporary table of this connection, each batch goes to the hub as one text block
made by SQLite (a JSON array a row, which the hub takes apart), and the hub's answer (one JSON object, item -> version)
is joined back in SQL into the records staged for after the hub's commit (store/syncing.py,
``stage_pushed``/``record_pushed``). What the hub is sent, in what order and batches, and
what is recorded are the same as the rows read one by one gave.
"""

from __future__ import annotations

from annotator.core.annotators import GOLD
from annotator.core.syncitems import Kind
from annotator.store.errors import reads
from annotator.store.sync_rows import content_sql, rows_args, rows_sql


def _copy_line(kind: Kind) -> str:
    """SQL making the line sent for a row ``f`` of ``kind``: the JSON array of its columns
    (SQLite's json_array: one call per row, where escaping each column for COPY's text
    format cost three times as much), its backslashes doubled for COPY's text format (JSON
    holds no raw tab, newline or carriage return: it escapes them)."""
    columns = ", ".join(f'f."{c}"' for c in kind.columns)
    return f"replace(json_array({columns}), '\\', '\\\\') || char(10)"


class FreshPush:
    """The part of ``Store`` a push uses for items never synced (spans and links)."""

    @reads
    def fresh_for_push(self, kind: Kind, annotators: list[str], assigned: set[str],
                       held: set[str]) -> tuple[int, int, int]:
        """Put the items of ``kind`` by ``annotators`` that the hub never had (no record)
        into this connection's ``temp.push_fresh``, numbered as a read of every changed
        item of the kind (store/syncing.py, sync_change_batches) meets them, each with its
        digest; left out and counted: those on articles not ``assigned`` (but gold, which
        goes anywhere), and the ``held`` (gold of a parked verdict). Returns (how many
        items it holds, unassigned, held)."""
        digest = content_sql(kind, "r")
        columns = ", ".join(f'"{c}"' for c in kind.columns)
        self.conn.execute("DROP TABLE IF EXISTS temp.push_fresh")
        self.conn.execute(f"CREATE TEMPORARY TABLE push_fresh (n INTEGER PRIMARY KEY, "
                          f"{columns}, digest, fate INTEGER)")
        key = kind.key[0]
        # Every changed item is numbered as the read of them all meets them (the
        # temporary table's rowid), so the batches are the ones that read makes; fate: 0
        # goes to the hub, 1 stays (its article is not assigned), 2 is held back, 3 was
        # synced before (sync_change_batches reads it).
        self.conn.execute(
            f"INSERT INTO temp.push_fresh ({columns}, digest, fate) "
            f"SELECT {columns}, digest, CASE WHEN base IS NOT NULL THEN 3 "
            "WHEN annotator != ? AND document NOT IN (SELECT value FROM json_each(?)) "
            f'THEN 1 WHEN "{key}" IN (SELECT value FROM json_each(?)) THEN 2 ELSE 0 END '
            f"FROM (SELECT r.*, i.version AS base, {digest} AS digest "
            f"FROM ({rows_sql(kind, annotators)}) r LEFT JOIN sync_items i "
            f'ON i.kind = ? AND i.item = r."{key}" '
            f"WHERE i.digest IS NULL OR i.digest != {digest})",
            [GOLD, _json(assigned), _json(held), *rows_args(kind, annotators), kind.name])
        counts = dict(self.conn.execute(
            "SELECT fate, count(*) FROM temp.push_fresh GROUP BY fate"))
        self.conn.execute("DELETE FROM temp.push_fresh WHERE fate != 0")
        self.conn.execute(f'CREATE UNIQUE INDEX temp.push_fresh_item ON push_fresh ("{key}")')
        return counts.get(0, 0), counts.get(1, 0), counts.get(2, 0)

    @reads
    def fresh_numbers(self) -> int:
        """The last number of ``temp.push_fresh`` (0: empty)."""
        return self.conn.execute("SELECT coalesce(max(n), 0) FROM temp.push_fresh").fetchone()[0]

    @reads
    def fresh_copy_text(self, kind: Kind, first: int, last: int) -> tuple[int, str]:
        """The items numbered ``first``..``last`` of ``temp.push_fresh``, as COPY text of
        one JSON array a row (:func:`_copy_line`), in key order (the hub's primary key
        filled in order): (how many, the text)."""
        lines = self.conn.execute(
            f"SELECT {_copy_line(kind)} FROM temp.push_fresh f WHERE n BETWEEN ? AND ? "
            f'ORDER BY f."{kind.key[0]}"', [first, last]).fetchall()
        return len(lines), "".join([line for (line,) in lines])

    def stage_fresh(self, kind: Kind, versions: str | None) -> None:
        """Stage the records of the items the hub inserted: ``versions`` is its JSON object
        item -> version; each item's digest is the one made when it was read."""
        if not versions:
            return
        self.conn.execute("CREATE TEMPORARY TABLE IF NOT EXISTS sync_staged "
                          "(kind, item, annotator, document, version, digest)")
        self.conn.execute(
            "INSERT INTO temp.sync_staged SELECT ?, j.key, f.annotator, f.document, "
            f'j.value, f.digest FROM json_each(?) j CROSS JOIN temp.push_fresh f '
            f'ON f."{kind.key[0]}" = j.key', [kind.name, versions])

    @reads
    def fresh_left(self, kind: Kind, first: int, last: int, versions: str | None
                   ) -> list[tuple[str, dict, str]]:
        """The items numbered ``first``..``last`` the hub did not insert (it held their keys
        already: a replayed push), in the order read: (item, row as a dict, digest)."""
        names = kind.columns
        rows = self.conn.execute(
            f"SELECT {', '.join(f'f.{chr(34)}{c}{chr(34)}' for c in names)}, f.digest "
            "FROM temp.push_fresh f WHERE n BETWEEN ? AND ? AND "
            f'f."{kind.key[0]}" NOT IN (SELECT key FROM json_each(?)) ORDER BY n',
            [first, last, versions or "{}"]).fetchall()
        out = []
        for values in rows:
            row = dict(zip(names, values, strict=False))
            out.append((kind.item(row), row, values[-1]))
        return out

    def fresh_done(self) -> None:
        self.conn.execute("DROP TABLE IF EXISTS temp.push_fresh")


def _json(values: set[str]) -> str:
    import json

    return json.dumps(sorted(v for v in values if v is not None))
