"""Settling a parked sync conflict as an undo step (the window's Keep mine / theirs / both).

Settling one writes a few rows: the item itself (mine put back, or mine added beside the
hub's as a new item), the links that follow a span, a gold item a parked verdict made, and the
conflict's ``resolved`` mark. :meth:`ConflictUndo.settle_conflict` takes those rows as they
are before and after and returns them as a :class:`ConflictChange`; undo and redo write one or
the other back, whole, in one transaction. Nothing of the sync's bookkeeping (``sync_items``)
is touched: what the next sync sends is found by comparing the rows with what the hub last
held, so after an undo it sends exactly what the file (and the window) holds again.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import NamedTuple

from annotator.core.syncitems import BY_NAME, DECISION, NOTE, RELATION, SPAN
from annotator.store.errors import StoreError

# table -> the columns naming one row there
_KEYS = {
    "spans": ("id",),
    "relations": ("id",),
    "document_status": ("document", "annotator"),
    "document_labels": ("document", "label", "annotator"),
    "decisions": ("item",),
    "document_note": ("id",),  # the note column of documents
}
# restored in this order (a link needs its spans); removed in the reverse one
_ORDER = ("spans", "relations", "document_status", "document_labels", "document_note",
          "decisions")


class Rows(NamedTuple):
    """Some rows of the file: table -> {key: row as a dict, or None when absent}."""

    tables: dict[str, dict[tuple, dict | None]]


class ConflictChange(NamedTuple):
    """What settling conflict ``conflict_id`` changed: the rows before and after, and the
    conflict's ``resolved`` mark after (it is NULL before)."""

    conflict_id: int
    keep: str
    document: str
    before: Rows
    after: Rows
    resolved: str


class ConflictUndo:
    """Mixed into the sync part of ``Store``."""

    def settle_conflict(self, conflict_id: int, keep: str) -> ConflictChange:
        """:meth:`resolve_conflict`, returning what it changed so it can be undone."""
        with self._write():  # one transaction: the rows read are the rows changed
            row = self.conn.execute(
                "SELECT kind, item, local FROM sync_conflicts WHERE id = ? AND resolved IS NULL",
                [conflict_id]).fetchone()
            if row is None:
                raise StoreError(f"no open conflict numbered {conflict_id} "
                                 "(annotator sync DB URL --conflicts lists them)")
            kind, local = BY_NAME[row[0]], json.loads(row[2])
            keys = self._touched(kind, local)
            before = self._rows_of(keys)
            made = self._resolve_conflict(conflict_id, keep)
            if keep == "both":  # the new item beside the hub's: no row, and no link, before
                keys.setdefault(kind.table, set()).add((made["id"],))
                before.tables.setdefault(kind.table, {})[(made["id"],)] = None
            after = self._rows_of(keys)
            resolved = self.conn.execute("SELECT resolved FROM sync_conflicts WHERE id = ?",
                                         [conflict_id]).fetchone()[0]
        return ConflictChange(conflict_id, keep, local["document"], before, after, resolved)

    def undo_conflict_change(self, change: ConflictChange) -> None:
        """The conflict parked again and the rows as they were before it was settled."""
        self._put_back(change.before, change, None)

    def redo_conflict_change(self, change: ConflictChange) -> None:
        self._put_back(change.after, change, change.resolved)

    # -- inside a write -----------------------------------------------------------------

    def _touched(self, kind, local: dict) -> dict[str, set[tuple]]:
        """The rows settling a conflict on ``local`` (the parked row) may write."""
        keys: dict[str, set[tuple]] = {}
        if kind is NOTE:
            keys["document_note"] = {(local["document"],)}
        elif kind is DECISION:
            keys["decisions"] = {(local["item"],)}
            if local.get("gold"):  # a verdict's gold item may go with it
                keys["spans"] = {(local["gold"],)}
                keys["relations"] = {(local["gold"],)}
        else:
            keys[kind.table] = {tuple(local[c] for c in kind.key)}
        if kind in (SPAN, RELATION, DECISION):
            keys = self._touched_links(keys)
        return keys

    def _touched_links(self, keys: dict[str, set[tuple]]) -> dict[str, set[tuple]]:
        """Add the links of the spans in ``keys``: a span removed takes them with it."""
        spans = [k[0] for k in keys.get("spans", ())]
        links = set(keys.get("relations", set()))
        for span_id in spans:
            links.update((r,) for (r,) in self.conn.execute(
                "SELECT id FROM relations WHERE source = ? OR target = ?", [span_id, span_id]))
        if spans or links:
            keys = {**keys, "relations": links}
        return keys

    def _rows_of(self, keys: dict[str, set[tuple]]) -> Rows:
        tables: dict[str, dict[tuple, dict | None]] = {}
        for table, wanted in keys.items():
            found: dict[tuple, dict | None] = {}
            for key in wanted:
                found[key] = self._row(table, key)
            tables[table] = found
        return Rows(tables)

    def _row(self, table: str, key: tuple) -> dict | None:
        if table == "document_note":
            row = self.conn.execute("SELECT note FROM documents WHERE id = ?", key).fetchone()
            return {"note": row[0]} if row else None
        where = " AND ".join(f'"{c}" = ?' for c in _KEYS[table])
        cursor = self.conn.execute(f"SELECT * FROM {table} WHERE {where}", key)
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cursor.description], row, strict=True))

    def _put_back(self, rows: Rows, change: ConflictChange, resolved: str | None) -> None:
        with self._write():
            state = self.conn.execute("SELECT resolved FROM sync_conflicts WHERE id = ?",
                                      [change.conflict_id]).fetchone()
            if state is None:
                raise StoreError(f"conflict {change.conflict_id} is no longer in this file")
            counts: Counter = Counter()
            for table in reversed(_ORDER):  # links before their spans
                for key in rows.tables.get(table, {}):
                    if table == "document_note":
                        continue
                    where = " AND ".join(f'"{c}" = ?' for c in _KEYS[table])
                    gone = self.conn.execute(f"DELETE FROM {table} WHERE {where}", key)
                    if table == "spans" and gone.rowcount:
                        counts[change.document] -= gone.rowcount
            for table in _ORDER:
                for key, row in rows.tables.get(table, {}).items():
                    if table == "document_note":
                        if row is not None:
                            self.conn.execute("UPDATE documents SET note = ? WHERE id = ?",
                                              [row["note"], key[0]])
                        continue
                    if row is None:
                        continue
                    names = list(row)
                    if "annotator" in row:
                        self._ensure_annotator(row["annotator"])
                    self.conn.execute(
                        f"INSERT INTO {table} ({', '.join(f'{chr(34)}{c}{chr(34)}' for c in names)})"
                        f" VALUES ({', '.join('?' * len(names))})", [row[c] for c in names])
                    if table == "spans":
                        counts[row["document"]] += 1
            self.conn.executemany(
                "INSERT INTO span_counts (document, spans) VALUES (?, ?) ON CONFLICT "
                "(document) DO UPDATE SET spans = spans + excluded.spans",
                [(doc, n) for doc, n in counts.items() if n])
            self.conn.execute("UPDATE sync_conflicts SET resolved = ? WHERE id = ?",
                              [resolved, change.conflict_id])
