"""Read-only queries for export filters and ``annotator stats`` (SQL stays in store/)."""

from __future__ import annotations

from dataclasses import dataclass, field

from annotator.store.store import Store


@dataclass
class Stats:
    documents: int = 0
    documents_with_spans: int = 0
    spans: int = 0
    relations: int = 0
    spans_by_label: list[tuple[str, int]] = field(default_factory=list)
    spans_by_annotator: list[tuple[str, int]] = field(default_factory=list)
    relations_by_label: list[tuple[str, int]] = field(default_factory=list)
    relations_by_annotator: list[tuple[str, int]] = field(default_factory=list)


def annotator_names(store: Store) -> list[str]:
    """Everyone who has a span or a relation in the database."""
    rows = store.conn.execute(
        "SELECT annotator FROM spans UNION SELECT annotator FROM relations ORDER BY 1"
    )
    return [r[0] for r in rows]


def stats(store: Store) -> Stats:
    one = store.conn.execute
    return Stats(
        documents=one("SELECT count(*) FROM documents").fetchone()[0],
        documents_with_spans=one("SELECT count(DISTINCT document) FROM spans").fetchone()[0],
        spans=one("SELECT count(*) FROM spans").fetchone()[0],
        relations=one("SELECT count(*) FROM relations").fetchone()[0],
        spans_by_label=_by_label(store, "spans", "span"),
        spans_by_annotator=_by_annotator(store, "spans"),
        relations_by_label=_by_label(store, "relations", "relation"),
        relations_by_annotator=_by_annotator(store, "relations"),
    )


def _by_label(store: Store, table: str, kind: str) -> list[tuple[str, int]]:
    """Counts in the scheme's order; labels of the scheme with no use count 0."""
    rows = store.conn.execute(
        f"SELECT l.name, count(t.id) FROM labels l LEFT JOIN {table} t ON t.label = l.name "
        "WHERE l.kind = ? GROUP BY l.name ORDER BY l.position, l.name",
        [kind],
    )
    return [(r[0], r[1]) for r in rows]


def _by_annotator(store: Store, table: str) -> list[tuple[str, int]]:
    rows = store.conn.execute(
        f"SELECT annotator, count(*) FROM {table} GROUP BY annotator ORDER BY 2 DESC, 1"
    )
    return [(r[0], r[1]) for r in rows]
