"""The store's rows as Python sees them: a named tuple per table the store writes, the
column lists made from them (so a SELECT and an INSERT cannot disagree on the order), and
the mapping of a read row to its model object."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import NamedTuple

from annotator.core.model import Document, DocumentMeta, Relation, Span

CHUNK = 500  # ids in one IN (...) query: SQLite limits the number of parameters


class SpanRow(NamedTuple):
    """A row of ``spans``, in the order of :class:`Span`'s fields."""

    id: str
    document: str
    start: int
    end: int
    label: str
    text: str
    annotator: str
    created_at: str
    updated_at: str
    note: str | None


class RelationRow(NamedTuple):
    """A row of ``relations``, in the order of :class:`Relation`'s fields."""

    id: str
    document: str
    label: str
    source: str
    target: str
    annotator: str
    created_at: str
    updated_at: str
    note: str | None


class DocumentRow(NamedTuple):
    """A row of ``documents``."""

    id: str
    source_id: str
    text: str
    text_sha256: str
    title: str
    source: str
    author: str
    published: str
    url: str
    meta: str  # JSON of DocumentMeta.extra
    position: int
    created_at: str
    note: str | None


# A span's or relation's row from its document to its annotator, not included: the
# content its id stands for (a span's place and label; a relation's label and ends). Two
# rows with one id and other content collide.
CONTENT = slice(1, 5)
assert SpanRow._fields[CONTENT] == ("document", "start", "end", "label")
assert RelationRow._fields[CONTENT] == ("document", "label", "source", "target")

SPAN_COLUMNS = ", ".join(SpanRow._fields)
RELATION_COLUMNS = ", ".join(RelationRow._fields)
DOCUMENT_COLUMNS = ", ".join(DocumentRow._fields)
DECISION_COLUMNS = "item, kind, document, verdict, gold, reviewer, decided_at"


def marks(n: int) -> str:
    """The ``?`` placeholders of ``n`` values."""
    return ", ".join("?" * n)


def span_rows(spans: Iterable[Span]) -> list[SpanRow]:
    return [SpanRow(s.id, s.document, s.start, s.end, s.label, s.text, s.annotator,
                    s.created_at, s.updated_at, s.note) for s in spans]  # fmt: skip


def relation_rows(relations: Iterable[Relation]) -> list[RelationRow]:
    return [RelationRow(r.id, r.document, r.label, r.source, r.target, r.annotator,
                        r.created_at, r.updated_at, r.note) for r in relations]  # fmt: skip


def document_of(row: tuple) -> Document:
    """The :class:`Document` of a row read with ``SELECT {DOCUMENT_COLUMNS}``."""
    d = DocumentRow._make(row)
    meta = DocumentMeta(d.title, d.source, d.author, d.published, d.url, json.loads(d.meta))
    return Document(d.id, d.text, d.text_sha256, d.source_id, meta, d.created_at, d.note)


def among(annotators: Iterable[str] | None) -> tuple[str, list[str]]:
    """The SQL condition (and its values) that keeps the rows of ``annotators`` (all: None)."""
    if annotators is None:
        return "", []
    names = sorted(set(annotators))
    return f" AND annotator IN ({', '.join('?' * len(names))})", names


def stored(
    conn: sqlite3.Connection, select: str, ids: list[str], *, column: str = "id"
) -> list[tuple]:
    """Rows of ``select`` whose ``column`` is one of ``ids`` (asked in chunks)."""
    rows: list[tuple] = []
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        rows += conn.execute(
            f"{select} WHERE {column} IN ({','.join('?' * len(chunk))})", chunk
        ).fetchall()
    return rows


# Where a row (a plain tuple in its named tuple's field order) holds its id and annotator.
ID = 0
ANNOTATOR = {
    "span": SpanRow._fields.index("annotator"),
    "relation": RelationRow._fields.index("annotator"),
}
