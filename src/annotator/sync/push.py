"""Push: send this annotator's new, changed and deleted items to the hub in one transaction.

What changed is found by comparing each of the annotator's rows with the digest recorded when
it was last in step with the hub (store/syncing.py); an item recorded but gone from the file is
a tombstone. Each item carries the hub version it was based on. On the hub, inside the one
transaction, each item's hub row is locked and compared:

- no hub row: inserted;
- the hub row already holds this content: nothing is written, its version is adopted (so a
  push replayed after a crash, or one whose reply was lost, applies nothing);
- the hub row is still at the base version (or is a tombstone being brought back): updated;
- otherwise someone (this annotator on another device) changed it since: a conflict. The hub
  keeps its version; the local one is parked in the file, listed by ``sync --conflicts``.

Rows on articles not assigned to the member stay local (the hub would refuse them) and are
counted in the report.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from annotator.core.syncitems import KINDS, NOTE, Kind
from annotator.store.syncing import Parked, Synced


@dataclass
class PushResult:
    pushed: Counter = field(default_factory=Counter)  # kind -> items written
    tombstones: Counter = field(default_factory=Counter)
    adopted: int = 0  # already on the hub as they are (a replayed push)
    conflicts: list[Parked] = field(default_factory=list)
    unassigned: Counter = field(default_factory=Counter)  # kind -> items left local
    done: list[Synced] = field(default_factory=list)


Change = tuple[str, str, dict | None, int | None]  # item, document, local row, base version


def changes(store, kind: Kind, annotators: list[str]) -> list[Change]:
    """Every item of ``kind`` that differs from what the hub was last known to hold: its
    document, its local row (None: deleted here) and the hub version it was based on."""
    synced = store.synced(annotators)
    local = {kind.item(row): row for row in store.sync_rows(kind, annotators)}
    out = []
    for item, row in local.items():
        known = synced.get((kind.name, item))
        if known is None or known[1] != kind.digest(row):
            out.append((item, row["document"], row, known[0] if known else None))
    for (name, item), (version, _digest, document) in synced.items():
        if name == kind.name and item not in local:
            out.append((item, document, None, version))
    return out


def push(conn, store, member: str, annotators: list[str], assigned: set[str] | None) -> PushResult:
    """Push the changes of ``annotators`` (the member, and "gold" for reviewers) in one hub
    transaction. ``assigned``: the articles the member may write on (None: any, for gold)."""
    result = PushResult()
    with conn.transaction():
        for kind in KINDS:
            pending = changes(store, kind, annotators if kind is not NOTE else [member])
            if not pending:
                continue
            writable = []
            for item, document, row, base in pending:
                owner = (row or {}).get("annotator", member)
                if assigned is not None and owner != "gold" and document not in assigned:
                    result.unassigned[kind.name] += 1
                    continue
                writable.append((item, row, base))
            _push_kind(conn, kind, writable, member, result)
    return result


def _push_kind(conn, kind: Kind, pending, member: str, result: PushResult) -> None:
    hub = _hub_rows(conn, kind, [item for item, _row, _base in pending], lock=True)
    inserts, updates, tombstones = [], [], []
    for item, row, base in pending:
        there = hub.get(item)
        if row is None:  # deleted here
            if there is None or there["deleted"]:
                result.done.append(Synced(kind.name, item, member, "", 0, None))
            elif there["version"] == base:
                tombstones.append(there)
            else:
                gone = {**{c: there[c] for c in kind.key}, "annotator": there["annotator"],
                        "document": there["document"], "deleted": True}
                result.conflicts.append(Parked(kind.name, item, gone, there))
            continue
        if kind is NOTE:
            row = {**row, "annotator": member}
        if there is None:
            inserts.append(row)
        elif not there["deleted"] and kind.digest(there) == kind.digest(row):
            result.adopted += 1
            result.done.append(Synced(kind.name, item, row["annotator"], row["document"],
                                      there["version"], kind.digest(row)))
        elif there["deleted"] or there["version"] == base:
            updates.append(row)
        else:
            result.conflicts.append(Parked(kind.name, item, row, there))
    cols = kind.columns
    quoted = ", ".join(f'"{c}"' for c in cols)
    with conn.cursor() as cur:
        if inserts:
            cur.executemany(
                f"INSERT INTO {kind.table} ({quoted}) VALUES ({', '.join(['%s'] * len(cols))})",
                [[row[c] for c in cols] for row in inserts],
            )
        if updates:
            sets = ", ".join(f'"{c}" = %s' for c in cols if c not in kind.key)
            where = " AND ".join(f'"{c}" = %s' for c in kind.key)
            cur.executemany(
                f"UPDATE {kind.table} SET {sets}, deleted = false WHERE {where}",
                [[row[c] for c in cols if c not in kind.key] + [row[c] for c in kind.key]
                 for row in updates],
            )
        if tombstones:
            where = " AND ".join(f'"{c}" = %s' for c in kind.key)
            cur.executemany(
                f"UPDATE {kind.table} SET deleted = true WHERE {where}",
                [[row[c] for c in kind.key] for row in tombstones],
            )
    written = [kind.item(r) for r in inserts + updates + tombstones]
    if written:
        for item, there in _hub_rows(conn, kind, written, lock=False).items():
            result.done.append(Synced(kind.name, item, there["annotator"], there["document"],
                                      there["version"],
                                      None if there["deleted"] else kind.digest(there)))
    if inserts or updates:
        result.pushed[kind.name] += len(inserts) + len(updates)
    if tombstones:
        result.tombstones[kind.name] += len(tombstones)


def _hub_rows(conn, kind: Kind, items: list[str], *, lock: bool) -> dict[str, dict]:
    """The hub's rows of ``items`` (keyed as :meth:`Kind.item` keys them)."""
    if not items:
        return {}
    keys = [item.split("\t") for item in items]
    arrays = [[k[i] for k in keys] for i in range(len(kind.key))]
    key = ", ".join(f'"{c}"' for c in kind.key)
    unnest = ", ".join(["%s::text[]"] * len(kind.key))
    columns = ", ".join(f'"{c}"' for c in (*kind.columns, "deleted", "version"))
    rows = conn.execute(
        f"SELECT {columns} FROM {kind.table} WHERE ({key}) IN "
        f"(SELECT * FROM unnest({unnest})){' FOR UPDATE' if lock else ''}",
        arrays,
    )
    names = (*kind.columns, "deleted", "version")
    found = {}
    for values in rows:
        row = dict(zip(names, values, strict=True))
        found[kind.item(row)] = row
    return found
