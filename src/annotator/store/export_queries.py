"""Read-only queries for export filters and ``annotator stats`` (SQL stays in store/)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from annotator.core.model import Span
from annotator.store.errors import reading
from annotator.store.rows import SPAN_COLUMNS
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
    # Document labels: how many (document, label, annotator) rows, and how many articles
    # carry each label (by anyone) and each annotator's (any label).
    document_labels: int = 0
    document_labels_by_label: list[tuple[str, int]] = field(default_factory=list)
    document_labels_by_annotator: list[tuple[str, int]] = field(default_factory=list)


def annotator_names(store: Store) -> list[str]:
    """Everyone who has a span, a relation or a document label in the database."""
    rows = store.conn.execute(
        "SELECT annotator FROM spans UNION SELECT annotator FROM relations "
        "UNION SELECT annotator FROM document_labels ORDER BY 1"
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
        **_document_label_stats(store),
    )


def _document_label_stats(store: Store) -> dict:
    """Per document label, the articles that carry it (set by one annotator or more), in
    the scheme's order (unused labels count 0); per annotator, the labels they set."""
    one = store.conn.execute
    by_label = one(
        "SELECT l.name, count(DISTINCT d.document) FROM labels l "
        "LEFT JOIN document_labels d ON d.label = l.name WHERE l.kind = 'document' "
        "GROUP BY l.name ORDER BY l.position, l.name"
    )
    by_annotator = one(
        "SELECT annotator, count(*) FROM document_labels GROUP BY annotator ORDER BY 2 DESC, 1"
    )
    return {
        "document_labels": one("SELECT count(*) FROM document_labels").fetchone()[0],
        "document_labels_by_label": [(r[0], r[1]) for r in by_label],
        "document_labels_by_annotator": [(r[0], r[1]) for r in by_annotator],
    }


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


# -- the native export, built by SQLite ------------------------------------------------------

# Longer texts have their spans checked in Python: SQLite's substr() counts characters from
# the start of the text, so checking k spans of a text of n characters costs k * n.
_CHECKED_IN_SQL = 30_000
# A document with more spans has them streamed (streamed_spans): SQLite's JSON array of
# 1,000,000 spans, then its copy as a Python string, then the record around it, took 2.2 GB.
_LISTED_IN_SQL = 20_000

SPAN_KEYS = ("id", "start", "end", "label", "text", "annotator", "note", "created_at",
             "updated_at")  # fmt: skip
RELATION_KEYS = ("id", "label", "from", "to", "annotator", "note", "created_at", "updated_at")


class NativeRow(NamedTuple):
    id: str
    text: str
    text_sha256: str
    source_id: str
    title: str
    source: str
    author: str
    published: str
    url: str
    meta: str
    created_at: str
    note: str | None
    bad_spans: int | None  # spans whose text is not the text at their offsets; None: unchecked
    spans: str | None  # JSON array of the spans chosen, in the native record's keys, text order
    span_count: int
    relations: str | None  # JSON array of the relations chosen (both their spans chosen)
    relation_count: int
    document_labels: str  # JSON array of the document labels chosen, in the scheme's order


class _Filters(NamedTuple):
    spans: str  # the condition on a span {t} (AND ...), a format string
    relations: str  # the condition on a relation r of document {doc} (AND ...)
    args: dict[str, object]


def _filters(
    span_labels: frozenset[str], relation_labels: frozenset[str], annotators: frozenset[str]
) -> _Filters:
    args: dict[str, object] = {}
    span_filter = ""
    if span_labels:
        span_filter += " AND {t}.label IN (SELECT value FROM json_each(:span_labels))"
        args["span_labels"] = json.dumps(sorted(span_labels))
    if annotators:
        span_filter += " AND {t}.annotator IN (SELECT value FROM json_each(:annotators))"
        args["annotators"] = json.dumps(sorted(annotators))
    relation_filter = "".join(
        f" AND EXISTS (SELECT 1 FROM spans k WHERE k.id = r.{end} AND k.document = {{doc}}"
        f"{span_filter.format(t='k')})"
        for end in ("source", "target")
    )
    if relation_labels:
        relation_filter += " AND r.label IN (SELECT value FROM json_each(:relation_labels))"
        args["relation_labels"] = json.dumps(sorted(relation_labels))
    if annotators:
        relation_filter += " AND r.annotator IN (SELECT value FROM json_each(:annotators))"
    return _Filters(span_filter, relation_filter, args)


def native_rows(
    store: Store,
    *,
    span_labels: frozenset[str] = frozenset(),
    relation_labels: frozenset[str] = frozenset(),
    annotators: frozenset[str] = frozenset(),
) -> Iterator[NativeRow]:
    """Every document in import order, its spans and relations made into JSON by SQLite,
    one query in all (no Python object per span). Empty filters choose everything.

    ``bad_spans`` counts, among all the document's spans (chosen or not), those whose
    offsets are not integers inside the text or whose text is not the text there; it is
    None for a text that is not text or is too long to check here, and for a document with
    more than _LISTED_IN_SQL spans: the caller checks those documents itself
    (Store.verify_document), as it checks every text against its hash, and streams their
    spans and relations (``spans`` and ``relations`` are None then)."""
    f = _filters(span_labels, relation_labels, annotators)
    args = {**f.args, "limit": _CHECKED_IN_SQL, "listed": _LISTED_IN_SQL}
    spans_where = "s.document = d.id" + f.spans.format(t="s")
    relations_where = "r.document = d.id" + f.relations.format(doc="d.id")
    sql = f"""
        SELECT d.id, d.text, d.text_sha256, d.source_id, d.title, d.source, d.author,
            d.published, d.url, d.meta, d.created_at, d.note,
            CASE WHEN d.small THEN (
                SELECT count(*) FROM spans s WHERE s.document = d.id AND NOT coalesce(
                    typeof(s.start) = 'integer' AND typeof(s.end) = 'integer'
                    AND typeof(s.text) = 'text' AND s.start >= 0 AND s.end > s.start
                    AND length(s.text) = s.end - s.start
                    AND substr(d.text, s.start + 1, s.end - s.start) = s.text, 0)
            ) END,
            CASE WHEN d.small THEN (
                SELECT json_group_array(json_object('id', s.id, 'start', s.start, 'end', s.end,
                    'label', s.label, 'text', s.text, 'annotator', s.annotator,
                    'note', s.note, 'created_at', s.created_at, 'updated_at', s.updated_at))
                FROM (SELECT * FROM spans s WHERE {spans_where}
                      ORDER BY s.start, s.end, s.id) s) END,
            (SELECT count(*) FROM spans s WHERE {spans_where}),
            CASE WHEN d.small THEN (
                SELECT json_group_array(json_object('id', r.id, 'label', r.label,
                    'from', r.source, 'to', r.target, 'annotator', r.annotator,
                    'note', r.note, 'created_at', r.created_at, 'updated_at', r.updated_at))
                FROM (SELECT * FROM relations r WHERE {relations_where}
                      ORDER BY r.created_at, r.id) r) END,
            (SELECT count(*) FROM relations r WHERE {relations_where}),
            {_document_labels_json(span_labels | relation_labels, annotators, args)}
        FROM (SELECT *, typeof(text) = 'text' AND length(text) <= :limit
                  AND (SELECT count(*) FROM spans s WHERE s.document = documents.id) <= :listed
                  AS small
              FROM documents) d
        ORDER BY d.position
    """
    with reading(store.path or ":memory:"):
        for row in store.conn.execute(sql, args):
            yield NativeRow._make(row)


def streamed_spans(
    store: Store,
    doc_id: str,
    *,
    span_labels: frozenset[str] = frozenset(),
    annotators: frozenset[str] = frozenset(),
) -> Iterator[dict[str, object]]:
    """The spans of ``doc_id`` that the filters choose, one at a time, in the native
    record's keys and order (start, end, id), as native_rows would list them."""
    f = _filters(span_labels, frozenset(), annotators)
    with reading(store.path or ":memory:"):
        rows = store.conn.execute(
            "SELECT s.id, s.start, s.end, s.label, s.text, s.annotator, s.note, s.created_at, "
            f"s.updated_at FROM spans s WHERE s.document = :doc{f.spans.format(t='s')} "
            "ORDER BY s.start, s.end, s.id",
            {**f.args, "doc": doc_id},
        )
        for row in rows:
            yield dict(zip(SPAN_KEYS, row, strict=True))


def streamed_relations(
    store: Store,
    doc_id: str,
    *,
    span_labels: frozenset[str] = frozenset(),
    relation_labels: frozenset[str] = frozenset(),
    annotators: frozenset[str] = frozenset(),
) -> Iterator[dict[str, object]]:
    """The relations of ``doc_id`` that the filters choose (both their spans chosen), one
    at a time, in the native record's keys and order (created_at, id)."""
    f = _filters(span_labels, relation_labels, annotators)
    with reading(store.path or ":memory:"):
        rows = store.conn.execute(
            "SELECT r.id, r.label, r.source, r.target, r.annotator, r.note, r.created_at, "
            f"r.updated_at FROM relations r WHERE r.document = :doc"
            f"{f.relations.format(doc=':doc')} ORDER BY r.created_at, r.id",
            {**f.args, "doc": doc_id},
        )
        for row in rows:
            yield dict(zip(RELATION_KEYS, row, strict=True))


def ordered_spans(store: Store, doc_id: str) -> Iterator[Span]:
    """Every span of ``doc_id`` in Store.spans's order, one at a time (for checking)."""
    with reading(store.path or ":memory:"):
        rows = store.conn.execute(
            f"SELECT {SPAN_COLUMNS} FROM spans WHERE document = ? ORDER BY start, end, id",
            [doc_id],
        )
        for row in rows:
            yield Span(*row)


# -- what agreement reads (review/agreement.py) ------------------------------------------------


class SpanPlace(NamedTuple):
    """What agreement needs of a span: no text (a span's text can be a whole article)."""

    document: str
    start: int
    end: int
    label: str
    annotator: str


def document_lengths(store: Store) -> list[tuple[str, str, int]]:
    """Each document's id, title and length in code points (SQLite's length() of a text
    counts characters), in import order: agreement needs no text."""
    with reading(store.path or ":memory:"):
        return store.conn.execute(
            "SELECT id, title, length(text) FROM documents ORDER BY position"
        ).fetchall()


def span_places(store: Store, doc_ids: Iterable[str]) -> Iterator[SpanPlace]:
    """The spans of ``doc_ids`` (their place, label and annotator), document by document,
    each's by start, end and id as Store.spans orders them (one query per document: read
    in the covering index's order, no sort of all the spans)."""
    with reading(store.path or ":memory:"):
        for doc_id in doc_ids:
            rows = store.conn.execute(
                "SELECT document, start, end, label, annotator FROM spans INDEXED BY spans_view "
                "WHERE document = ? ORDER BY start, end, id",
                [doc_id],
            )
            for row in rows:
                yield SpanPlace._make(row)


class LinkPlace(NamedTuple):
    """A relation as link agreement sees it: its type, its two spans and its annotator."""

    document: str
    label: str
    source: str
    target: str
    annotator: str


class SpanWithId(NamedTuple):
    id: str
    document: str
    start: int
    end: int
    label: str
    annotator: str


def link_places(store: Store) -> tuple[list[LinkPlace], list[SpanWithId]]:
    """Every relation, and the spans (with their ids) of the documents that have one, in
    the documents' order: link agreement matches links through their spans' matches."""
    with reading(store.path or ":memory:"):
        links = [LinkPlace._make(r) for r in store.conn.execute(
            "SELECT r.document, r.label, r.source, r.target, r.annotator FROM relations r "
            "JOIN documents d ON d.id = r.document ORDER BY d.position, r.id"
        )]  # fmt: skip
        spans = [SpanWithId._make(r) for doc_id in dict.fromkeys(x.document for x in links)
                 for r in store.conn.execute(
                     "SELECT id, document, start, end, label, annotator FROM spans "
                     "INDEXED BY spans_view WHERE document = ? ORDER BY start, end, id", [doc_id])]  # fmt: skip
    return links, spans


def _document_labels_json(
    labels: frozenset[str], annotators: frozenset[str], args: dict[str, object]
) -> str:
    """The SQL of a document's labels as a JSON array of {label, annotator, created_at}:
    those of the annotators asked for, and, when labels are asked for, those among them."""
    where = "g.document = d.id"
    if labels:
        where += " AND g.label IN (SELECT value FROM json_each(:document_labels))"
        args["document_labels"] = json.dumps(sorted(labels))
    if annotators:
        where += " AND g.annotator IN (SELECT value FROM json_each(:annotators))"
    return f"""(SELECT json_group_array(json_object('label', g.label,
                    'annotator', g.annotator, 'created_at', g.created_at))
                FROM (SELECT g.* FROM document_labels g JOIN labels l ON l.name = g.label
                      WHERE {where} ORDER BY l.position, l.name, g.annotator) g)"""
