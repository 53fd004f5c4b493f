"""The local side of the team hub (sync/): which hub this file syncs with and as whom, the
version and digest of every item the hub knows (so a push finds what changed, and a row gone
from the file is a tombstone to send), the pull cursor, and conflicts parked for the annotator.

A file that never syncs has these tables empty and behaves exactly as before: nothing here runs
on an edit. Changes are found by comparing the annotator's rows with what was last synced, so
no edit path has to remember to log itself, and a crash at any point loses nothing: the next
sync compares again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import NamedTuple

from annotator.core.ids import utc_now
from annotator.core.labels import Label
from annotator.core.syncitems import BY_NAME, KINDS, NOTE, SPAN, Kind
from annotator.store.errors import StoreError, reads


class Synced(NamedTuple):
    """An item in step with the hub: its hub version and content digest (None: the hub
    holds it as a tombstone, so this file forgets it)."""

    kind: str
    item: str
    annotator: str
    document: str
    version: int
    digest: str | None


class Parked(NamedTuple):
    """A conflict: the local version (None's place: a dict with ``deleted``) set aside,
    the hub's row (a dict of its kind's columns, ``deleted`` and ``version``) taken."""

    kind: str
    item: str
    local: dict
    hub: dict


class Syncing:
    """The sync part of ``Store``."""

    @reads
    def sync_state(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT key, value FROM sync_state"))

    def set_sync_state(self, **values: str) -> None:
        with self._write():
            self.conn.executemany(
                "INSERT INTO sync_state (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                list(values.items()),
            )

    @reads
    def synced(self, annotators: Iterable[str]) -> dict[tuple[str, str], tuple[int, str, str]]:
        """(kind, item) -> (hub version, digest, document) of every item of ``annotators``
        the hub is known to hold."""
        names = list(annotators)
        marks = ", ".join("?" * len(names))
        return {
            (kind, item): (version, digest, document)
            for kind, item, version, digest, document in self.conn.execute(
                "SELECT kind, item, version, digest, document FROM sync_items "
                f"WHERE annotator IN ({marks})", names
            )
        }

    @reads
    def sync_rows(self, kind: Kind, annotators: Iterable[str]) -> list[dict]:
        """The rows of ``kind`` written by ``annotators``, as dicts of the kind's columns."""
        names = list(annotators)
        if not names:
            return []
        marks = ", ".join("?" * len(names))
        if kind is NOTE:  # a file's article notes are its own annotator's: one per article
            rows = self.conn.execute(
                "SELECT id, ?, note FROM documents WHERE note IS NOT NULL AND note != ''",
                [names[0]],
            )
        else:
            columns = ", ".join(f'"{c}"' for c in kind.columns)
            rows = self.conn.execute(
                f"SELECT {columns} FROM {kind.table} WHERE annotator IN ({marks})", names
            )
        return [dict(zip(kind.columns, row, strict=True)) for row in rows]

    @reads
    def document_export_rows(self) -> list[dict]:
        """Every article's row (no annotations), in import order, for the hub."""
        names = ("id", "source_id", "text", "text_sha256", "title", "source", "author",
                 "published", "url", "meta")
        return [dict(zip(names, row, strict=True)) for row in self.conn.execute(
            f"SELECT {', '.join(names)} FROM documents ORDER BY position")]

    @reads
    def annotation_totals(self) -> dict[str, int]:
        """How many spans, links and document labels the file holds."""
        spans, links, labels = self.conn.execute(
            "SELECT (SELECT count(*) FROM spans), (SELECT count(*) FROM relations), "
            "(SELECT count(*) FROM document_labels)").fetchone()
        return {"span": spans, "link": links, "document label": labels}

    @reads
    def span_document(self, span_id: str) -> str | None:
        """The article of the span ``span_id``, or None when the file has no such span."""
        row = self.conn.execute("SELECT document FROM spans WHERE id = ?", [span_id]).fetchone()
        return row[0] if row else None

    def record_pushed(self, done: list[Synced], conflicts: list[Parked]) -> None:
        """After a push committed on the hub: ``done`` are in step with it (digest None:
        a tombstone the hub now holds); each of ``conflicts`` parks the local version for
        the annotator and puts the hub's in its place."""
        now = utc_now()
        with self._write():
            self._record_synced(done)
            for parked in conflicts:
                kind = BY_NAME[parked.kind]
                self.conn.execute(
                    "INSERT INTO sync_conflicts (kind, item, local, hub_version, parked_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [parked.kind, parked.item, json.dumps(parked.local, ensure_ascii=False),
                     parked.hub["version"], now],
                )
                self._ensure_annotator(parked.hub["annotator"])
                if parked.hub.get("deleted"):
                    self._sync_remove(kind, parked.hub)
                else:
                    self._sync_upsert(kind, parked.hub)
            self._record_synced([
                Synced(p.kind, p.item, p.hub["annotator"], p.hub["document"], p.hub["version"],
                       None if p.hub.get("deleted") else BY_NAME[p.kind].digest(p.hub))
                for p in conflicts
            ])

    def _record_synced(self, done: Iterable[Synced]) -> None:
        done = list(done)
        self.conn.executemany(
            "INSERT INTO sync_items (kind, item, annotator, document, version, digest) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (kind, item) DO UPDATE SET "
            "annotator = excluded.annotator, document = excluded.document, "
            "version = excluded.version, digest = excluded.digest",
            [tuple(s) for s in done if s.digest is not None],
        )
        self.conn.executemany(
            "DELETE FROM sync_items WHERE kind = ? AND item = ?",
            [(s.kind, s.item) for s in done if s.digest is None],
        )

    def apply_pulled(
        self,
        labels: list[Label],
        rows: dict[str, list[dict]],
        cursor: int,
        member: str,
    ) -> dict[str, int]:
        """Write what a pull brought, checked already (sync/pull.py), in one transaction:
        the scheme, then each kind's rows (a row with ``deleted`` true is a tombstone and
        removes the item here), the items' versions and the new cursor. Returns counts."""
        counts: dict[str, int] = {}
        with self._write():
            self._sync_scheme(labels)
            for kind in KINDS:
                for row in rows.get(kind.name, []):
                    if kind is NOTE and row["annotator"] != member:
                        continue  # a file holds its own annotator's article notes only
                    self._ensure_annotator(row["annotator"])
                    if row.get("deleted"):
                        self._sync_remove(kind, row)
                    else:
                        self._sync_upsert(kind, row)
                    counts[kind.name] = counts.get(kind.name, 0) + 1
                self._record_synced(
                    Synced(kind.name, kind.item(row), row["annotator"], row["document"],
                           row["version"],
                           None if row.get("deleted") else kind.digest(row))
                    for row in rows.get(kind.name, [])
                )
            self.conn.execute(
                "INSERT INTO sync_state (key, value) VALUES ('cursor', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value", [str(cursor)]
            )
        return counts

    def _sync_scheme(self, labels: list[Label]) -> None:
        if not labels:
            return
        # Keys move between labels: clear the incoming ones first so the unique index of
        # keys never sees two labels with one key half-way through.
        self.conn.executemany("UPDATE labels SET key = NULL WHERE key = ?",
                              [(lb.key,) for lb in labels if lb.key])
        self.conn.executemany(
            "INSERT INTO labels (name, kind, color, key, position, description) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, "
            "color = excluded.color, key = excluded.key, position = excluded.position, "
            "description = excluded.description",
            [(lb.name, lb.kind, lb.color, lb.key, lb.position, lb.description)
             for lb in labels],
        )

    def _sync_upsert(self, kind: Kind, row: dict) -> None:
        if kind is NOTE:
            self.conn.execute("UPDATE documents SET note = ? WHERE id = ?",
                              [row["note"], row["document"]])
            return
        if kind is SPAN and self.conn.execute(
            "SELECT 1 FROM spans WHERE id = ?", [row["id"]]
        ).fetchone() is None:
            self.conn.execute(
                "INSERT INTO span_counts (document, spans) VALUES (?, 1) "
                "ON CONFLICT (document) DO UPDATE SET spans = spans + 1", [row["document"]]
            )
        columns = list(kind.columns)
        quoted = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" * len(columns))
        changes = ", ".join(f'"{c}" = excluded."{c}"' for c in columns if c not in kind.key)
        key = ", ".join(f'"{c}"' for c in kind.key)
        update = f"DO UPDATE SET {changes}" if changes else "DO NOTHING"
        self.conn.execute(
            f"INSERT INTO {kind.table} ({quoted}) VALUES ({marks}) "
            f"ON CONFLICT ({key}) {update}",
            [row[c] for c in columns],
        )

    def _sync_remove(self, kind: Kind, row: dict) -> None:
        if kind is NOTE:
            self.conn.execute("UPDATE documents SET note = NULL WHERE id = ?", [row["document"]])
            return
        where = " AND ".join(f'"{c}" = ?' for c in kind.key)
        gone = self.conn.execute(
            f"DELETE FROM {kind.table} WHERE {where}", [row[c] for c in kind.key]
        ).rowcount
        if kind is SPAN and gone:
            self.conn.execute("UPDATE span_counts SET spans = spans - 1 WHERE document = ?",
                              [row["document"]])

    # -- conflicts ------------------------------------------------------------------------

    @reads
    def sync_conflicts(self, *, resolved: bool = False) -> list[dict]:
        where = "" if resolved else "WHERE resolved IS NULL"
        return [
            {"id": i, "kind": k, "item": item, "local": json.loads(local),
             "hub_version": v, "parked_at": at, "resolved": res}
            for i, k, item, local, v, at, res in self.conn.execute(
                "SELECT id, kind, item, local, hub_version, parked_at, resolved "
                f"FROM sync_conflicts {where} ORDER BY id"
            )
        ]

    def resolve_conflict(self, conflict_id: int, keep: str) -> dict:
        """Settle a parked conflict: ``keep="hub"`` leaves the hub's version (already here);
        ``keep="local"`` puts the parked local version back, so the next sync sends it."""
        if keep not in ("hub", "local"):
            raise StoreError(f"keep must be 'hub' or 'local', not {keep!r}")
        with self._write():
            row = self.conn.execute(
                "SELECT kind, local FROM sync_conflicts WHERE id = ? AND resolved IS NULL",
                [conflict_id],
            ).fetchone()
            if row is None:
                raise StoreError(f"no open conflict numbered {conflict_id} "
                                 "(annotator sync DB --conflicts lists them)")
            kind, local = BY_NAME[row[0]], json.loads(row[1])
            if keep == "local":
                if local.get("deleted"):
                    self._sync_remove(kind, local)
                else:
                    self._ensure_annotator(local["annotator"])
                    self._sync_upsert(kind, local)
            self.conn.execute("UPDATE sync_conflicts SET resolved = ? WHERE id = ?",
                              [f"kept {keep} {utc_now()}", conflict_id])
        return local

