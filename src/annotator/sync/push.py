"""Push: send this annotator's new, changed and deleted items to the hub in one transaction.

What changed is found by comparing each of the annotator's rows with what was recorded when it
was last in step with the hub (store/syncing.py); an item recorded but gone from the file is a
tombstone. Each item carries the hub version it was based on. On the hub, inside the one
transaction, each item's hub row is locked and compared:

- no hub row: inserted;
- the hub row already holds this content: nothing is written, its version is adopted (so a
  push replayed after a crash, or one whose reply was lost, applies nothing);
- the hub row is still at the base version (or is a tombstone being brought back): updated;
- otherwise someone (this annotator on another device) changed it since: a conflict. The hub
  keeps its version; the local one is parked in the file, listed by ``sync --conflicts``.

Rows on articles not assigned to the member stay local (the hub would refuse them) and are
counted in the report. Rows travel by COPY into a temporary table, then one statement per
kind and kind of write; items never synced (a first push: maybe 100,000 of them) go in
batches, each inserted on the hub (a plain INSERT; ON CONFLICT only when a key is there
already) while the next is read from the file. Spans and links never synced never become
Python objects: SQLite reads them, makes the text each batch is sent as, and joins the
versions the hub answers with into their records (store/sync_fresh.py). Records reach
sync_items only after the hub has committed (store/syncing.py, record_pushed).
"""

from __future__ import annotations

import itertools
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from operator import itemgetter

from annotator.core.bulk import collector_paused
from annotator.core.syncitems import DECISION, KINDS, RELATION, SPAN, Kind
from annotator.store.sync_fresh import COPY_OPTIONS, FRESH_KINDS
from annotator.store.syncing import Parked, Synced, pushers

# Columns that are not text, for the arrays rows travel in.
_TYPES = {"start": "integer", "end": "integer", "deleted": "boolean", "version": "bigint",
          "owns_gold": "integer"}

# Verdicts go first: a verdict parked as a conflict holds back the gold item it made, so
# another reviewer's decision is never doubled in the hub's gold layer.
_ORDER = (DECISION, *(kind for kind in KINDS if kind is not DECISION))


@dataclass
class PushResult:
    pushed: Counter = field(default_factory=Counter)  # kind -> items written
    tombstones: Counter = field(default_factory=Counter)
    adopted: int = 0  # already on the hub as they are (a replayed push)
    conflicts: list[Parked] = field(default_factory=list)
    unassigned: Counter = field(default_factory=Counter)  # kind -> items left local
    held: Counter = field(default_factory=Counter)  # kind -> gold items of parked verdicts
    done: list[Synced] = field(default_factory=list)
    written: tuple[int, int] | None = None  # the versions this push wrote, first and last

    def wrote(self, versions) -> None:
        versions = list(versions)
        if versions:
            lo, hi = min(versions), max(versions)
            if self.written:
                lo, hi = min(lo, self.written[0]), max(hi, self.written[1])
            self.written = (lo, hi)


def push(conn, store, member: str, annotators: list[str], assigned: set[str], *,
         reviews: bool = False) -> PushResult:
    """Push the changes of ``annotators`` (the member, and "gold" for reviewers) in one hub
    transaction. ``assigned``: the articles the member may write their own rows on (gold
    goes anywhere); ``reviews``: the member is a reviewer or the lead, whose verdicts go
    too (an annotator's own verdicts stay in the file)."""
    store.stage_pushed(None)  # what an earlier push left staged never reached the hub
    store.fresh_done()
    try:
        # 100,000 rows in a first push, none in a cycle: the collector would scan them
        # again and again as they pile up (core/bulk.py)
        with collector_paused():
            return _push(conn, store, annotators, assigned, reviews)
    except BaseException:
        store.stage_pushed(None)  # the hub rolled back: nothing it was sent is recorded
        store.fresh_done()
        raise


def _push(conn, store, annotators: list[str], assigned: set[str],
          reviews: bool) -> PushResult:
    result = PushResult()
    with conn.transaction(), ThreadPoolExecutor(1, "hub-push") as hub:
        held: set[str] = set()
        for kind in _ORDER:
            if kind is SPAN:  # the verdicts are through: what they hold back is known
                held = store.parked_gold() | {
                    p.local.get("gold") for p in result.conflicts if p.kind == DECISION.name}
            writable, sent, fresh_sent = [], [], []
            decisions, holds = kind is DECISION, kind is SPAN or kind is RELATION
            try:
                if kind in FRESH_KINDS:
                    # Spans and links never synced (a first push: maybe 100,000) stay in
                    # SQLite and go as COPY text made there (store/sync_fresh.py), batch by
                    # batch on the hub's thread while the rest is read here.
                    fresh_sent = _send_fresh(hub, conn, store, kind, pushers(kind, annotators),
                                             assigned, held, result)
                # Items never synced go to the hub batch by batch on a thread of their own
                # while the file is read further: the hub inserts one batch as the next is
                # read, instead of the two waiting for each other.
                batches = store.sync_change_batches(
                    kind, pushers(kind, annotators), _BATCH, first=_FIRST_BATCH,
                    new_as_tuples=True, gone_only=kind in FRESH_KINDS)
                if kind in FRESH_KINDS:  # those synced before and changed, then the gone
                    batches = itertools.chain([store.fresh_changed(kind)], batches)
                for batch in batches:
                    fresh, items, digests = [], [], []
                    for item, document, owner, row, base, digest in batch:
                        # (a deleted item's owner is the one recorded: a reviewer's
                        # deleted gold goes anywhere, like the rest of gold)
                        if owner != "gold" and (  # gold and (a reviewer's) verdicts go anywhere
                                not reviews if decisions else document not in assigned):
                            result.unassigned[kind.name] += 1
                            continue
                        if holds and item in held:
                            result.held[kind.name] += 1
                            continue
                        if row is not None and base is None:  # never synced: inserted now
                            fresh.append(row)
                            items.append(item)
                            digests.append(digest)
                        else:
                            writable.append((item, row, base, digest))
                    if fresh:
                        sent.append((hub.submit(_insert_new, conn, kind, fresh), fresh,
                                     items, digests))
                # Each batch's records are staged in the file's temporary table as the hub
                # answers, while it inserts the next: after the commit they move in one
                # statement.
                inserted = {}
                for batch, rows, items, digests in sent:
                    versions = batch.result()
                    inserted.update(versions)
                    store.stage_pushed(_records(kind, rows, digests, versions))
                    if len(versions) < len(rows):  # some on the hub already: compared below
                        writable += [(item, row, None, digest) for item, row, digest
                                     in zip(items, rows, digests, strict=True)
                                     if item not in versions]
                fresh_count = 0
                for batch, first, last, count in fresh_sent:
                    n, lo, hi, versions = batch.result()
                    store.stage_fresh(kind, versions)
                    if n:
                        result.wrote((lo, hi))
                        fresh_count += n
                    if n < count:  # some on the hub already (a replay): compared below
                        writable += [(item, row, None, digest) for item, row, digest
                                     in store.fresh_left(kind, first, last, versions)]
                if fresh_count:
                    result.pushed[kind.name] += fresh_count
            finally:
                wait([batch for batch, *_rest in [*sent, *fresh_sent]])  # none on its way
            if writable or inserted:
                _push_kind(conn, kind, writable, inserted, result)
    return result


def _send_fresh(hub, conn, store, kind: Kind, annotators: list[str], assigned: set[str],
                held: set[str], result: PushResult) -> list:
    """Send the items of ``kind`` never synced to the hub (as text SQLite makes, each batch
    one block) in the batches a read of every changed item made (the first small, so the
    hub starts at once, then twice as many each time up to _BATCH), each sorted by key,
    each as soon as the file has been read that far; returns (future, first, last, how
    many) of each batch sent."""
    sent, first, size = [], 1, _FIRST_BATCH

    def send(last: int) -> None:
        rows, text = store.fresh_copy_text(kind, first, last)
        if rows:
            sent.append((hub.submit(_insert_text, conn, kind, text), first, last, rows))

    end, parts = 0, store.fresh_for_push(kind, annotators, assigned, held)
    try:
        for end in parts:
            while first + size - 1 <= end:  # a whole batch is numbered: off it goes
                send(first + size - 1)
                first, size = first + size, min(_BATCH, size * 2)
    finally:
        parts.close()  # its read transaction ends now, even when this failed
    while first <= end:  # the last one, less than whole
        send(first + size - 1)
        first, size = first + size, min(_BATCH, size * 2)
    _count, unassigned, held_back = store.fresh_counts(kind)
    if unassigned:
        result.unassigned[kind.name] += unassigned
    if held_back:
        result.held[kind.name] += held_back
    return sent


# Rows of one kind read from the file and sent to the hub at a time: the first batch
# small, so the hub starts at once, then twice as many each time (the file is read about
# twice as fast as the hub inserts, so the next batch is ready when the hub is) up to _BATCH.
_BATCH = 20_000
_FIRST_BATCH = 2_000


def _push_kind(conn, kind: Kind, pending, inserted: dict[str, int],
               result: PushResult) -> None:
    # Items never synced were inserted straight away (``inserted``: item -> version),
    # skipping any whose key the hub holds already (a replayed push); those, and every item
    # synced before, are compared with the hub's row, locked.
    result.wrote(inserted.values())
    digests, rest = {}, []
    for item, row, base, digest in pending:  # one pass: 100,000 items in a first push
        if row is not None:
            if base is None:
                if item in inserted:
                    continue  # inserted, its record staged
                if not isinstance(row, dict):  # read as a tuple, and on the hub already
                    row = dict(zip(kind.columns, row, strict=True))
            digests[item] = digest  # compared below
        rest.append((item, row, base))
    pending = rest
    hub = _hub_rows(conn, kind, [item for item, _row, _base in pending], lock=True)
    if kind is DECISION:
        # Locking reads only the rows one may change (PostgreSQL applies the UPDATE policy
        # to FOR UPDATE): another reviewer's verdict is found by a plain read.
        hub.update(_hub_rows(conn, kind, [item for item, _r, _b in pending if item not in hub],
                             lock=False))
    again, updates, tombstones = [], [], []
    for item, row, base in pending:
        there = hub.get(item)
        if row is None:  # deleted here
            if there is None or there["deleted"]:
                result.done.append(Synced(kind.name, item, "", "", 0, None))
            elif there["version"] == base:
                tombstones.append(there)
            else:
                gone = {**{c: there[c] for c in kind.key}, "annotator": there["annotator"],
                        "document": there["document"], "deleted": True}
                result.conflicts.append(Parked(kind.name, item, gone, there))
        elif there is None:  # gone from the hub (only its owner removes rows): sent again
            again.append(row)
        elif there["annotator"] != row["annotator"]:
            # another's row under this key (a verdict another reviewer gave on the same
            # item): never taken over, parked
            result.conflicts.append(Parked(kind.name, item, row, there))
        elif not there["deleted"] and kind.content_of(there) == kind.content_of(row):
            result.adopted += 1
            result.done.append(Synced(kind.name, item, row["annotator"], row["document"],
                                      there["version"], row, digests.get(item)))
        elif there["deleted"] or there["version"] == base:
            updates.append(row)
        else:
            result.conflicts.append(Parked(kind.name, item, row, there))
    sent_again = _insert(conn, kind, again)
    changed = _update(conn, kind, updates)
    result.wrote(sent_again.values())
    result.wrote(changed.values())
    for row in [*again, *updates]:
        item = kind.item(row)
        version = changed.get(item, sent_again.get(item))
        if version is not None:
            result.done.append(Synced(kind.name, item, row["annotator"], row["document"],
                                      version, row, digests.get(item)))
    buried = _tombstone(conn, kind, tombstones)
    result.wrote(buried.values())
    for item, version in buried.items():
        result.done.append(Synced(kind.name, item, "", "", version, None))
    written = len(inserted) + len(sent_again) + len(changed)
    if written:
        result.pushed[kind.name] += written
    if tombstones:
        result.tombstones[kind.name] += len(tombstones)


def _records(kind: Kind, rows: list, digests: list[str], versions: dict[str, int]):
    """The records (kind, item, annotator, document, version, digest) of ``rows`` (dicts,
    or tuples of the kind's columns) that the hub inserted, at ``versions``."""
    if rows and not isinstance(rows[0], dict):
        at, doc_at, owner_at = (kind.columns.index(c) for c in (kind.key[0], "document",
                                                                "annotator"))
        return [(kind.name, row[at], row[owner_at], row[doc_at], versions[row[at]], digest)
                for row, digest in zip(rows, digests, strict=True) if row[at] in versions]
    found = ((kind.item(row), row, digest) for row, digest in zip(rows, digests, strict=True))
    return [(kind.name, item, row["annotator"], row["document"], versions[item], digest)
            for item, row, digest in found if item in versions]


def _returned(cursor) -> dict[str, int]:
    """item -> version, from rows RETURNING the kind's key columns and then the version."""
    rows = cursor.fetchall()
    if rows and len(rows[0]) == 2:  # keyed by an id: most items, so the short way
        return dict(rows)
    return {"\t".join(str(v) for v in r[:-1]): r[-1] for r in rows}


def _insert_new(conn, kind: Kind, rows: list[dict | tuple]) -> dict[str, int]:
    """:func:`_insert` for items never synced, which come as dicts or (keyed by an id) as
    tuples of the kind's columns."""
    if rows and not isinstance(rows[0], dict):
        at = kind.columns.index(kind.key[0])
        return _insert(conn, kind, sorted(rows, key=itemgetter(at)), as_read=True)
    return _insert(conn, kind, rows)


def _insert(conn, kind: Kind, rows: list, *, as_read: bool = False) -> dict[str, int]:
    """Insert ``rows`` (dicts; ``as_read``: tuples of the kind's columns, in key order),
    but none whose key the hub holds already; item -> version of those inserted."""
    if not rows:
        return {}
    cols = kind.columns
    # In key order: inserting 100,000 random ids into the primary key's B-tree in order
    # costs the hub a third less than in the file's order.
    stage = _staged(conn, cols, rows if as_read else sorted(rows, key=itemgetter(*kind.key)),
                    as_read=as_read)
    insert = f"INSERT INTO {kind.table} ({_names(cols)}) SELECT {_names(cols)} FROM {stage}"
    returning = f" RETURNING {_names(kind.key)}, version"
    return _plain_first(conn, kind, insert,
                        lambda statement: _returned(conn.execute(statement + returning)))


def _plain_first(conn, kind: Kind, insert: str, answered):
    """``answered(insert)``, but none whose key the hub holds already. A plain INSERT
    first, in a savepoint: ON CONFLICT's speculative insertion (a probe of the key, then an
    insert to confirm) doubles the hub's work per row, and a key the hub holds already (a
    replayed push) is rare. When one is there, the savepoint is rolled back and the rows
    go again, any already there left as they are."""
    from psycopg.errors import UniqueViolation  # psycopg is loaded by a sync only

    try:
        with conn.transaction():
            return answered(insert)
    except UniqueViolation:
        return answered(f"{insert} ON CONFLICT ({_names(kind.key)}) DO NOTHING")


def _insert_text(conn, kind: Kind, text: str) -> tuple[int, int | None, int | None,
                                                       str | None]:
    """Insert the rows of ``text`` (CSV of the kind's columns, a row a line, in key order:
    store/sync_fresh.py), but none whose key the hub holds already: (how many
    inserted, the least and the greatest version given, a JSON object item -> version).
    The answer is one JSON text made by the hub, not a row per item: 100,000 in a first
    push."""
    cols = kind.columns
    name = _stage_table(conn, cols)
    with conn.cursor().copy(f"COPY {name} ({_names(cols)}) FROM STDIN WITH ({COPY_OPTIONS})"
                            ) as copy:
        copy.write(text)
    insert = f"INSERT INTO {kind.table} ({_names(cols)}) SELECT {_names(cols)} FROM {name}"
    key = _names(kind.key)

    def answered(statement: str):
        return conn.execute(
            f"WITH ins AS ({statement} RETURNING {key}, version) SELECT count(*), "
            f"min(version), max(version), json_object_agg({key}, version)::text FROM ins"
        ).fetchone()

    return _plain_first(conn, kind, insert, answered)


def _update(conn, kind: Kind, rows: list[dict]) -> dict[str, int]:
    if not rows:
        return {}
    cols = kind.columns
    sets = ", ".join(f'"{c}" = u."{c}"' for c in cols if c not in kind.key)
    stage = _staged(conn, cols, rows)
    return _returned(conn.execute(
        f"UPDATE {kind.table} t SET {sets}, deleted = false FROM {stage} u "
        f"WHERE {_join(kind)} RETURNING {_keys(kind)}, t.version"
    ))


def _tombstone(conn, kind: Kind, rows: list[dict]) -> dict[str, int]:
    if not rows:
        return {}
    stage = _staged(conn, kind.key, rows)
    return _returned(conn.execute(
        f"UPDATE {kind.table} t SET deleted = true FROM {stage} u WHERE {_join(kind)} "
        f"RETURNING {_keys(kind)}, t.version"
    ))


def _staged(conn, columns, rows: list, *, as_read: bool = False) -> str:
    """A temporary table (gone at the end of the push's transaction) holding ``rows``'
    ``columns`` (``as_read``: the rows are tuples of those columns already), filled with
    COPY: many times cheaper than sending the rows as parameters."""
    name = _stage_table(conn, columns)
    with conn.cursor().copy(f"COPY {name} ({_names(columns)}) FROM STDIN") as copy:
        if as_read:
            for row in rows:
                copy.write_row(row)
        else:
            values = itemgetter(*columns) if len(columns) > 1 \
                else (lambda row: (row[columns[0]],))
            for row in rows:
                copy.write_row(values(row))
    return name


def _stage_table(conn, columns) -> str:
    """A new temporary table of ``columns``, gone at the end of the push's transaction."""
    name = f"push_stage_{next(_STAGE_NUMBERS)}"
    types = ", ".join(f'"{c}" {_TYPES.get(c, "text")}' for c in columns)
    conn.execute(f"CREATE TEMPORARY TABLE {name} ({types}) ON COMMIT DROP")
    return name


_STAGE_NUMBERS = itertools.count(1)  # the staging tables of one transaction never share a name


def _keys(kind: Kind) -> str:
    return ", ".join(f't."{c}"' for c in kind.key)


def _hub_rows(conn, kind: Kind, items: list[str], *, lock: bool) -> dict[str, dict]:
    """The hub's rows of ``items`` (keyed as :meth:`Kind.item` keys them)."""
    if not items:
        return {}
    keys = [dict(zip(kind.key, item.split("\t"), strict=True)) for item in items]
    names = (*kind.columns, "deleted", "version")
    stage = _staged(conn, kind.key, keys)
    rows = conn.execute(
        f"SELECT {', '.join(f't.{chr(34)}{c}{chr(34)}' for c in names)} FROM {kind.table} t "
        f"JOIN {stage} u ON {_join(kind)}{' FOR UPDATE OF t' if lock else ''}"
    )
    found = {}
    for values in rows:
        row = dict(zip(names, values, strict=True))
        found[kind.item(row)] = row
    return found


def _names(columns) -> str:
    return ", ".join(f'"{c}"' for c in columns)


def _join(kind: Kind) -> str:
    return " AND ".join(f't."{c}" = u."{c}"' for c in kind.key)
