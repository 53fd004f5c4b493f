"""The local side of the team hub (sync/): which hub this file syncs with and as whom, the
version and digest of every item the hub knows (so a push finds what changed, and a row gone
from the file is a tombstone to send), the pull cursor, and conflicts parked for the annotator.

A file that never syncs has these tables empty and behaves exactly as before: nothing here runs
on an edit. Changes are found by comparing the annotator's rows with what was last synced, so
no edit path has to remember to log itself, and a crash at any point loses nothing: the next
sync compares again. The comparison runs inside SQLite: an item's digest is SQLite's
``json_array`` of its content columns, made the same way from a row and from values sent.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from operator import itemgetter
from typing import NamedTuple

from annotator.core.annotators import GOLD
from annotator.core.bulk import collector_paused
from annotator.core.ids import new_id, utc_now
from annotator.core.labels import Label
from annotator.core.link_rules import LinkRule
from annotator.core.syncitems import (
    BY_NAME,
    DECISION,
    KINDS,
    NOTE,
    RELATION,
    SPAN,
    STATUS,
    Kind,
)
from annotator.store.conflict_undo import ConflictUndo
from annotator.store.errors import StoreError, reading, reads
from annotator.store.sync_fresh import FreshPush
from annotator.store.sync_references import references_checked_once
from annotator.store.sync_rows import content_sql as _content_sql
from annotator.store.sync_rows import item_sql as _item_sql
from annotator.store.sync_rows import rows_args as _rows_args
from annotator.store.sync_rows import rows_sql as _rows_sql

# The page cache of a sync's transaction, in KiB (negative: SQLite's unit for a size).
_SYNC_CACHE_KIB = -128 * 1024


_ITEM = itemgetter(1)  # Synced.item

# An item's record, its digest made by ``{}`` (a parameter, or json_array of its content).
_RECORD = ("INSERT INTO sync_items (kind, item, annotator, document, version, digest) "
           "VALUES (?, ?, ?, ?, ?, {}) ON CONFLICT (kind, item) DO UPDATE SET "
           "annotator = excluded.annotator, document = excluded.document, "
           "version = excluded.version, digest = excluded.digest")

# Rows inserted at once from which a table's secondary indexes are made again after rather
# than kept up row by row (Syncing._indexes_rebuilt).
_REBUILD_FROM = 10_000


class Synced(NamedTuple):
    """An item in step with the hub at ``version``, holding ``row`` (a dict with at least
    the kind's content columns; None: the hub holds it as a tombstone, so this file forgets
    it). ``digest``: the row's digest as SQLite made it when the row was read for a push
    (None: made from ``row`` when recorded)."""

    kind: str
    item: str
    annotator: str
    document: str
    version: int
    row: dict | None
    digest: str | None = None


class Parked(NamedTuple):
    """A conflict: the local version (None's place: a dict with ``deleted``) set aside,
    the hub's row (a dict of its kind's columns, ``deleted`` and ``version``) taken."""

    kind: str
    item: str
    local: dict
    hub: dict


class Syncing(ConflictUndo, FreshPush):
    """The sync part of ``Store`` (settling a conflict as an undo step: ConflictUndo)."""

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
    def sync_changes(
        self, kind: Kind, annotators: list[str]
    ) -> list[tuple[str, str, str, dict | None, int | None, str | None]]:
        """Every item of ``kind`` by ``annotators`` that differs from what the hub was last
        known to hold: (item, document, its annotator, local row or None when deleted here,
        base version, digest of the row as read, which is what gets recorded once the hub
        has it)."""
        return [change for batch in self.sync_change_batches(kind, annotators, 50_000)
                for change in batch]

    def sync_change_batches(
        self, kind: Kind, annotators: list[str], size: int, *, first: int | None = None,
        new_as_tuples: bool = False, gone_only: bool = False
    ) -> Iterator[list[tuple[str, str, str, dict | tuple | None, int | None, str | None]]]:
        """:meth:`sync_changes`, ``size`` at a time (a push sends one batch while the next
        is read); ``first``: the first batch's size, each next one twice as large up to
        ``size``. ``new_as_tuples``: an item keyed by an id and never synced (no base
        version; a first push: 100,000 of them) comes as the tuple of the kind's columns,
        as it goes to the hub, not as a dict. ``gone_only``: only the items recorded but
        gone from the file (a push reads the others with :meth:`fresh_for_push`)."""
        marks = ", ".join("?" * len(annotators))
        rows = _rows_sql(kind, annotators)
        digest = _content_sql(kind, "r")
        columns, width = kind.columns, len(kind.columns)
        # an item keyed by an id (most) is named by its id: taken from the row as read
        at = columns.index(kind.key[0]) if len(kind.key) == 1 else None
        doc_at, owner_at = columns.index("document"), columns.index("annotator")
        tuples = new_as_tuples and at is not None
        with reading(self.path or ":memory:"):
            changed = None if gone_only else self.conn.execute(
                f"SELECT r.*, i.version, {digest} FROM ({rows}) r LEFT JOIN sync_items i "
                f"ON i.kind = ? AND i.item = {_item_sql(kind, 'r')} "
                f"WHERE i.digest IS NULL OR i.digest != {digest}",
                [*_rows_args(kind, annotators), kind.name],
            )
            want = first or size
            while batch := changed.fetchmany(want) if changed else []:
                want = min(size, want * 2)
                out = []
                for values in batch:
                    if tuples and values[width] is None:
                        row = values[:width]
                    else:  # (the row's own columns come first: zip stops after them)
                        row = dict(zip(columns, values, strict=False))
                    out.append((kind.item(row) if at is None else values[at], values[doc_at],
                                values[owner_at], row, values[width], values[-1]))
                yield out
            gone = self.conn.execute(
                f"SELECT i.item, i.document, i.annotator, i.version FROM sync_items i "
                f"WHERE i.kind = ? AND i.annotator IN ({marks}) AND NOT EXISTS "
                f"(SELECT 1 FROM ({rows}) r WHERE r.document = i.document "
                f"AND r.annotator = i.annotator AND {_item_sql(kind, 'r')} = i.item)",
                [kind.name, *annotators, *_rows_args(kind, annotators)],
            ).fetchall()
            if gone:
                yield [(item, document, owner, None, version, None)
                       for item, document, owner, version in gone]

    @reads
    def sync_waiting(self, annotators: list[str]) -> int:
        """How many items of ``annotators`` differ from what the hub was last known to hold."""
        names = [a for a in annotators if a]
        return sum(len(self.sync_changes(kind, pushers(kind, names))) for kind in KINDS)

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

    def stage_pushed(self, records: list[tuple] | None) -> None:
        """While a push waits for the hub: keep ``records`` (kind, item, annotator,
        document, version, digest of what was sent) in a temporary table of this connection,
        for :meth:`record_pushed` to move into sync_items once the hub has committed (a
        first push's 100,000 records are written while the hub inserts its last batches).
        Nothing in the file changes, and nothing is locked. None: forget any staged."""
        if records is None:
            self.conn.execute("DROP TABLE IF EXISTS temp.sync_staged")
            return
        self.conn.execute("CREATE TEMPORARY TABLE IF NOT EXISTS sync_staged "
                          "(kind, item, annotator, document, version, digest)")
        self.conn.execute("BEGIN")  # one transaction (of the temporary database only)
        try:
            self.conn.executemany("INSERT INTO temp.sync_staged VALUES (?, ?, ?, ?, ?, ?)",
                                  records)
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def record_pushed(self, done: list[Synced], conflicts: list[Parked]) -> None:
        """After a push committed on the hub: ``done`` are in step with it, and so are the
        records staged (:meth:`stage_pushed`); each of ``conflicts`` parks the local
        version for the annotator and puts the hub's in its place. An item edited here
        while the push ran keeps its new content and is sent next time: what is recorded
        is what was sent, not what the row holds now."""
        now = utc_now()
        staged = self.conn.execute(
            "SELECT 1 FROM temp.sqlite_master WHERE name = 'sync_staged'").fetchone()
        with self._roomy_cache(), self._write():
            self.record_fresh()  # the spans and links never synced before (sync_fresh.py)
            if staged:  # in key order: the primary key's B-tree filled in order
                self.conn.execute(
                    "INSERT INTO sync_items (kind, item, annotator, document, version, digest) "
                    "SELECT * FROM temp.sync_staged WHERE true ORDER BY kind, item "
                    "ON CONFLICT (kind, item) DO UPDATE SET annotator = excluded.annotator, "
                    "document = excluded.document, version = excluded.version, "
                    "digest = excluded.digest")
            self._record_synced(done)
            self.conn.executemany(
                "INSERT INTO sync_conflicts (kind, item, local, hub_version, parked_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [(p.kind, p.item, json.dumps(p.local, ensure_ascii=False), p.hub["version"], now)
                 for p in conflicts],
            )
            for kind in KINDS:
                hub_rows = [p.hub for p in conflicts if p.kind == kind.name]
                if hub_rows:
                    self._sync_apply(kind, hub_rows)
            self._record_synced(
                Synced(p.kind, p.item, p.hub["annotator"], p.hub["document"], p.hub["version"],
                       None if p.hub.get("deleted") else p.hub)
                for p in conflicts
            )
        if staged:
            self.stage_pushed(None)

    def _record_synced(self, done: Iterable[Synced]) -> None:
        by_kind: dict[str, list[Synced]] = {}
        for synced in done:
            by_kind.setdefault(synced.kind, []).append(synced)
        for kind in KINDS:
            mine = by_kind.get(kind.name)
            if not mine:
                continue
            mine.sort(key=_ITEM)  # the primary key's B-tree filled in order
            upsert = _RECORD
            # What a push sent comes with its digest, made by SQLite when the row was read;
            # a row from the hub has it made here the same way, from its values.
            self.conn.executemany(upsert.format("?"), [
                (s.kind, s.item, s.annotator, s.document, s.version, s.digest)
                for s in mine if s.row is not None and s.digest is not None])
            marks = ", ".join("?" * len(kind.content))
            self.conn.executemany(upsert.format(f"json_array({marks})"), [
                (s.kind, s.item, s.annotator, s.document, s.version,
                 *(s.row[c] for c in kind.content))
                for s in mine if s.row is not None and s.digest is None])
            self.conn.executemany(
                "DELETE FROM sync_items WHERE kind = ? AND item = ?",
                [(s.kind, s.item) for s in mine if s.row is None],
            )

    def apply_pulled(
        self,
        labels: list[Label],
        rows: dict[str, list[tuple]] | dict[str, list[dict]],
        cursor: int,
        member: str,
        rules: list[LinkRule] | None = None,
        kept: list[str] | None = None,
    ) -> dict[str, int]:
        """Write what a pull brought, checked already (sync/pull.py), in one transaction:
        the scheme and its link ``rules`` (None: the hub has none; ``kept`` says what rule
        the file refused), then each kind's rows (tuples as :func:`pulled_row` lays them, or
        dicts; one with ``deleted`` true is a tombstone), the versions and the new cursor.

        Versions and digests are recorded only for the items this file pushes (its member's
        and gold): another annotator's rows in a reviewer's file are never sent back, and
        recording them doubled the cost of a reviewer's pull."""
        counts: dict[str, int] = {}
        pushes = {member, GOLD}
        mine = {kind.name: as_pulled_rows(kind, rows.get(kind.name, [])) for kind in KINDS}
        # a file holds its own annotator's article notes only
        owner = NOTE.columns.index("annotator")
        mine[NOTE.name] = [r for r in mine[NOTE.name] if r[owner] == member]
        written = [kind.table for kind in KINDS if mine[kind.name] and kind is not NOTE]
        if mine[SPAN.name]:  # (notes go into documents, which refers to nothing)
            written.append("span_counts")
        adding = sum(map(len, mine.values()))
        deletes = any(any(map(itemgetter(len(kind.columns)), mine[kind.name])) for kind in KINDS)
        with collector_paused(), self._roomy_cache(), \
                references_checked_once(self.conn, written, adding, deletes) as check, \
                self._write():
            self._sync_scheme(labels)
            changed = 0 if rules is None else self._sync_link_rules(rules, [] if kept is None else kept)
            if changed:
                counts["link rule"] = changed
            for kind in KINDS:
                if not mine[kind.name]:
                    continue
                self._sync_apply(kind, mine[kind.name])
                counts[kind.name] = len(mine[kind.name])
                self._record_synced(_pulled_synced(kind, mine[kind.name], pushes))
            self.conn.execute(
                "INSERT INTO sync_state (key, value) VALUES ('cursor', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value", [str(cursor)]
            )
            check()  # the references, when they were not checked row by row
        return counts

    @contextmanager
    def _roomy_cache(self) -> Iterator[None]:
        """A page cache large enough for a sync's 100,000 rows and their indexes, for this
        connection and around one transaction only: with SQLite's default 2 MB, inserting
        100,000 rows evicts and re-reads index pages all the way. Durability is untouched
        (the cache only holds pages until the commit writes them)."""
        before = self.conn.execute("PRAGMA cache_size").fetchone()[0]
        self.conn.execute(f"PRAGMA cache_size = {_SYNC_CACHE_KIB}")
        try:
            yield
        finally:
            self.conn.execute(f"PRAGMA cache_size = {before}")

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

    def _sync_apply(self, kind: Kind, rows: list[tuple] | list[dict]) -> None:
        """Inside a write: make ``rows`` (the hub's: tuples laid out as :func:`pulled_row`
        lays them, or dicts of those columns) what this file holds."""
        rows = as_pulled_rows(kind, rows)
        width = len(kind.columns)  # then "deleted" (a tombstone) and "version"
        at = {c: i for i, c in enumerate(kind.columns)}
        doc_at = at["document"]
        # (100,000 rows in a first pull: each pass over them made by map and itemgetter)
        for name in set(map(itemgetter(at["annotator"]), rows)):
            self._ensure_annotator(name)
        tombstone = itemgetter(width)
        if any(map(tombstone, rows)):
            alive, dead = [], []
            for r in rows:
                (dead if r[width] else alive).append(r)
        else:  # (most pulls: nothing deleted)
            alive, dead = rows, []
        if kind is NOTE:
            note_at = at["note"]
            self.conn.executemany("UPDATE documents SET note = ? WHERE id = ?",
                                  [(r[note_at], r[doc_at]) for r in alive])
            self.conn.executemany("UPDATE documents SET note = NULL WHERE id = ?",
                                  [(r[doc_at],) for r in dead])
            return
        keyed = kind.key == ("id",)
        id_at = at["id"] if keyed else None
        # How many rows the table holds, asked only before thousands of rows come in:
        # none (a first pull) spares looking each up, few lets its indexes be made again.
        held = self.conn.execute(f"SELECT count(*) FROM {kind.table}").fetchone()[0] \
            if keyed and len(rows) >= _REBUILD_FROM else None
        there = self._existing(kind.table, [r[id_at] for r in rows]) \
            if keyed and held != 0 else set()
        if kind is SPAN:  # the per-article span counts follow what is added and removed
            change = Counter(r[doc_at] for r in alive if r[id_at] not in there) \
                if there else Counter(map(itemgetter(doc_at), alive))
            change.subtract(Counter(r[doc_at] for r in dead if r[id_at] in there))
            self.conn.executemany(
                "INSERT INTO span_counts (document, spans) VALUES (?, ?) ON CONFLICT "
                "(document) DO UPDATE SET spans = spans + excluded.spans",
                [(doc, n) for doc, n in change.items() if n],
            )
        columns = kind.columns
        if kind is DECISION:  # the local table names its owner "reviewer" (same place)
            columns = tuple("reviewer" if c == "annotator" else c for c in columns)
        quoted = ", ".join(f'"{c}"' for c in columns)
        changes = ", ".join(f'"{c}" = excluded."{c}"' for c in columns if c not in kind.key)
        key = ", ".join(f'"{c}"' for c in kind.key)
        update = f"DO UPDATE SET {changes}" if changes else "DO NOTHING"
        values = itemgetter(slice(0, width))  # the kind's columns, without deleted, version
        insert = f"INSERT INTO {kind.table} ({quoted}) VALUES ({', '.join('?' * len(columns))})"
        if keyed:
            # Items new to the file (most of a first pull) by a plain INSERT (an upsert
            # costs SQLite nearly twice as much per row), in id order, so the primary key's
            # B-tree fills in order. A hub returns a push's rows about in that order (a push
            # sorts them), so the sort costs little; spans_view's order would save SQLite
            # about what its sort costs.
            by_id = itemgetter(id_at)
            new = sorted((r for r in alive if r[id_at] not in there), key=by_id) if there \
                else sorted(alive, key=by_id)
            with self._indexes_rebuilt(kind.table, len(new), held):
                self.conn.executemany(insert, map(values, new))
            alive = [r for r in alive if r[id_at] in there] if there else []
        self.conn.executemany(f"{insert} ON CONFLICT ({key}) {update}", map(values, alive))
        where = " AND ".join(f'"{c}" = ?' for c in kind.key)
        self.conn.executemany(f"DELETE FROM {kind.table} WHERE {where}",
                              [tuple(r[at[c]] for c in kind.key) for r in dead])

    @contextmanager
    def _indexes_rebuilt(self, table: str, adding: int, held: int | None) -> Iterator[None]:
        """Inside a write, around inserting ``adding`` rows into ``table`` (which holds
        ``held``; None: not counted): when they are
        many (a first pull: 100,000 spans) and at least as many as the table holds, its
        secondary indexes are dropped and made again after, from their own statements: one
        sort of all the rows costs SQLite about half what placing each row in each index
        does. All in the one transaction, so a crash or a refusal leaves the indexes as
        they were, and the schema is the same statement for statement after."""
        if adding < _REBUILD_FROM or held is None or adding < held:
            yield
            return
        indexes = self.conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL ORDER BY name", [table]).fetchall()  # not the keys' own
        for name, _sql in indexes:
            self.conn.execute(f'DROP INDEX "{name}"')
        yield
        for _name, sql in indexes:
            self.conn.execute(sql)

    def _existing(self, table: str, ids: list[str]) -> set[str]:
        """The ids of ``ids`` that ``table`` holds, in one query."""
        if not ids:
            return set()
        return {r[0] for r in self.conn.execute(
            f"SELECT id FROM {table} WHERE id IN (SELECT value FROM json_each(?))",
            [json.dumps(ids)])}

    @reads
    def parked_gold(self) -> set[str]:
        """The gold items made by this file's verdicts that are parked as conflicts (another
        reviewer decided the item first): kept here, not sent, until the conflict is settled."""
        return {json.loads(local).get("gold") for (local,) in self.conn.execute(
            "SELECT local FROM sync_conflicts WHERE kind = ? AND resolved IS NULL",
            [DECISION.name])} - {None}

    def _drop_parked_gold(self, gold: str) -> None:
        """Inside a write: the other reviewer's verdict was kept, so the gold item this
        file's parked verdict made goes (unless a verdict still names it); the parked
        conflict keeps the verdict itself."""
        if self.conn.execute("SELECT 1 FROM decisions WHERE gold = ?", [gold]).fetchone():
            return
        for kind in (SPAN, RELATION):
            row = self.conn.execute(
                f"SELECT document, annotator FROM {kind.table} WHERE id = ?", [gold]).fetchone()
            if row:
                self._sync_apply(kind, [{"id": gold, "document": row[0], "annotator": row[1],
                                         "deleted": True}])

    # -- assignments -------------------------------------------------------------------

    def set_hub_assignments(self, rows: list[tuple[str, int, int]]) -> None:
        """The hub's answer for this member, replacing the last one whole: (document, other
        annotators, how many of them are done), for the articles this file holds."""
        with self._write():
            self.conn.execute("DELETE FROM hub_assignments")
            self.conn.executemany(
                "INSERT INTO hub_assignments (document, others, others_done) "
                "SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM documents WHERE id = ?)",
                [(doc, others, done, doc) for doc, others, done in rows],
            )

    @reads
    def hub_assignments(self) -> dict[str, tuple[int, int]]:
        """The articles assigned to this file's member on its hub: document -> (other
        annotators, of them done). Empty in a file that never synced."""
        return {doc: (others, done) for doc, others, done in self.conn.execute(
            "SELECT document, others, others_done FROM hub_assignments")}

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
        ``keep="local"`` puts the parked local version back, so the next sync sends it;
        ``keep="both"`` (spans and links) adds the local version beside the hub's, as a new
        item of its own."""
        with self._write():
            return self._resolve_conflict(conflict_id, keep)

    def _resolve_conflict(self, conflict_id: int, keep: str) -> dict:
        """Inside a write: :meth:`resolve_conflict`."""
        if keep not in ("hub", "local", "both"):
            raise StoreError(f"keep must be 'hub', 'local' or 'both', not {keep!r}")
        row = self.conn.execute(
            "SELECT kind, local FROM sync_conflicts WHERE id = ? AND resolved IS NULL",
            [conflict_id],
        ).fetchone()
        if row is None:
            raise StoreError(f"no open conflict numbered {conflict_id} "
                             "(annotator sync DB URL --conflicts lists them)")
        kind, local = BY_NAME[row[0]], json.loads(row[1])
        if keep == "both":
            if kind.key != ("id",) or local.get("deleted"):
                raise StoreError(f"conflict {conflict_id}: both versions can be kept of a "
                                 "changed span or link only; keep the hub's or yours")
            if kind is not SPAN and not all(
                self.span_document(local[end]) for end in ("source", "target")
            ):
                raise StoreError(f"conflict {conflict_id}: the link's spans are gone; "
                                 "keep the hub's version or yours")
            local = {**local, "id": new_id(), "updated_at": utc_now()}
            self._sync_apply(kind, [local])
        elif keep == "local":
            if kind is DECISION:
                raise StoreError(f"conflict {conflict_id}: {local['item']} was decided on "
                                 "the hub by another reviewer, whose verdict only they "
                                 "change; keep theirs, or settle it with them")
            self._sync_apply(kind, [local])
        elif kind is DECISION and local.get("owns_gold") and local.get("gold"):
            self._drop_parked_gold(local["gold"])
        self.conn.execute("UPDATE sync_conflicts SET resolved = ? WHERE id = ?",
                          [f"kept {keep} {utc_now()}", conflict_id])
        return local


def pushers(kind: Kind, annotators: list[str]) -> list[str]:
    """Whose items of ``kind`` a file pushes, of ``annotators`` (its member first, then
    "gold" for reviewers): article notes and statuses are the member's only. The gold layer
    has no status on the hub (a pull refuses one), though marking a gold span in a file
    starts one there."""
    return annotators[:1] if kind in (NOTE, STATUS) else annotators


def pulled_row_names(kind: Kind) -> tuple[str, ...]:
    """The layout of a row pulled from the hub: the kind's columns, then whether it is a
    tombstone ("deleted") and its hub version. Rows travel as tuples so laid out (a first
    pull brings 100,000: a dict for each cost a tenth of the pull)."""
    return (*kind.columns, "deleted", "version")


def as_pulled_rows(kind: Kind, rows: list[tuple] | list[dict]) -> list[tuple]:
    """``rows`` as tuples laid out by :func:`pulled_row_names`; dicts (a parked conflict's
    version, a tombstone made here) are laid out so, a column they lack being None."""
    if not rows or not isinstance(rows[0], dict):
        return rows
    names = pulled_row_names(kind)
    return [tuple(r.get(c) for c in names) for r in rows]


def _pulled_synced(kind: Kind, rows: list[tuple], pushes: set[str]) -> Iterator[Synced]:
    """The records of pulled ``rows`` this file keeps: its pushers' items (what it may send
    back) and every tombstone (the item is forgotten)."""
    names = pulled_row_names(kind)
    width = len(kind.columns)
    owner = kind.columns.index("annotator")
    if pushes.isdisjoint(map(itemgetter(owner), rows)) and not any(map(itemgetter(width), rows)):
        return  # (a reviewer's first pull: 100,000 rows of others, none to record)
    for r in rows:
        if r[width] or r[owner] in pushes:
            row = dict(zip(names, r, strict=True))
            yield Synced(kind.name, kind.item(row), row["annotator"], row["document"],
                         row["version"], None if row["deleted"] else row)
