"""Spans and relations (links): reading them, and the edits the window makes one at a time
(add, delete, restore, relabel, move, note), each its own transaction."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from annotator.core.ids import utc_now
from annotator.core.model import Document, Relation, Span
from annotator.core.spanset import SpanSet
from annotator.store.errors import StoreError, reads
from annotator.store.rows import (
    RELATION_COLUMNS,
    SPAN_COLUMNS,
    RelationRow,
    SpanRow,
    among,
    marks,
    relation_rows,
    span_rows,
)


class Annotations:
    """The spans' and relations' part of ``Store``."""

    # -- spans ---------------------------------------------------------------------------

    @reads
    def spans(self, doc_id: str, annotators: Iterable[str] | None = None) -> list[Span]:
        """The spans of a document (only those of ``annotators``, when given)."""
        only, names = among(annotators)
        rows = self.conn.execute(
            f"SELECT {SPAN_COLUMNS} FROM spans WHERE document = ?{only} "
            "ORDER BY start, end, id",
            [doc_id, *names],
        )
        return [Span(*row) for row in rows]

    @reads
    def span_places(self, doc_id: str) -> dict[str, tuple[int, int, str]]:
        """Each span's place and label, by id: read from the covering index, no record
        made (what suggested links need of the spans their ends are, for tens of
        thousands of spans, off the window's thread)."""
        return {span_id: (start, end, label) for start, end, span_id, label in self.conn.execute(
            "SELECT start, end, id, label FROM spans INDEXED BY spans_view WHERE document = ?",
            [doc_id],
        )}

    @reads
    def view_spans(
        self, doc: Document, annotators: Iterable[str] | None = None
    ) -> SpanSet | None:
        """The spans of ``doc`` as the window shows them, fast: offsets, ids, labels and
        annotators read in order from one covering index, each made into a :class:`Span`
        when first asked for, its text cut from ``doc.text`` (equal to the stored one,
        which :meth:`verify` checks apart) and its timestamps left empty (:meth:`span`
        reads a whole record). Only those of ``annotators``, when given. None when an offset
        is not a whole number inside the text (a damaged file): then read :meth:`spans` and
        let the checks say what is wrong."""
        damaged = self.conn.execute(
            "SELECT 1 FROM spans INDEXED BY spans_view WHERE document = ? AND NOT ("
            "typeof(start) = 'integer' AND typeof(end) = 'integer' "
            "AND start >= 0 AND end > start AND end <= ?) LIMIT 1",
            [doc.id, len(doc.text)],
        ).fetchone()
        if damaged:
            return None
        only, people = among(annotators)
        names: dict[str, str] = {}  # one string per label and annotator, not one per span
        rows = [
            (start, end, span_id, names.setdefault(label, label),
             names.setdefault(annotator, annotator))
            for start, end, span_id, label, annotator in self.conn.execute(
                "SELECT start, end, id, label, annotator FROM spans INDEXED BY spans_view "
                f"WHERE document = ?{only} ORDER BY start, end, id",
                [doc.id, *people],
            )
        ]
        notes = dict(
            self.conn.execute(
                "SELECT id, note FROM spans INDEXED BY spans_noted "
                "WHERE document = ? AND note IS NOT NULL",
                [doc.id],
            )
        )
        text, doc_id = doc.text, doc.id

        def make(row: tuple) -> Span:
            start, end, span_id, label, annotator = row
            return Span(span_id, doc_id, start, end, label, text[start:end], annotator, "", "",
                        notes.get(span_id))

        return SpanSet.from_rows(
            rows, make, (row[3] for row in rows),
            label_of=lambda row: row[3], annotators=(row[4] for row in rows),
        )

    @reads
    def span(self, span_id: str) -> Span:
        row = self.conn.execute(
            f"SELECT {SPAN_COLUMNS} FROM spans WHERE id = ?", [span_id]
        ).fetchone()
        if row is None:
            raise KeyError(span_id)
        return Span(*row)

    def add_span(self, span: Span) -> None:
        """Insert a span (a new one, or one being restored by undo with its old id).
        A document that its annotator had not started becomes "in progress"."""
        with self._write():
            self._ensure_annotator(span.annotator)
            self._insert_spans([span])
            if self.status(span.document, span.annotator) == "todo":
                self._set_status(span.document, span.annotator, "in_progress")

    def delete_span(self, span_id: str) -> tuple[Span, list[Relation]]:
        """Delete a span and the relations that use it; return them for undo."""
        with self._write():
            span = self.span(span_id)
            relations = self.relations_of(span_id)
            self.conn.execute("DELETE FROM spans WHERE id = ?", [span_id])
            self.conn.execute(
                "UPDATE span_counts SET spans = spans - 1 WHERE document = ?", [span.document]
            )
        return span, relations

    def restore_span(self, span: Span, relations: Iterable[Relation] = ()) -> None:
        with self._write():
            self._ensure_annotator(span.annotator)
            self._insert_spans([span])
            self._insert_relations(relations)

    def relabel_span(self, span_id: str, label: str) -> Span:
        with self._write():
            updated = replace(self.span(span_id), label=label, updated_at=utc_now())
            self.conn.execute(
                "UPDATE spans SET label = ?, updated_at = ? WHERE id = ?",
                [label, updated.updated_at, span_id],
            )
        return updated

    def move_span(self, span_id: str, start: int, end: int) -> Span:
        """New offsets for a span; its text is read again from the document."""
        with self._write():
            span = self.span(span_id)
            text = self.conn.execute(
                "SELECT substr(text, ?, ?) FROM documents WHERE id = ?",
                [start + 1, end - start, span.document],
            ).fetchone()[0]
            moved = replace(span, start=start, end=end, text=text, updated_at=utc_now())
            self.conn.execute(
                "UPDATE spans SET start = ?, end = ?, text = ?, updated_at = ? WHERE id = ?",
                [start, end, text, moved.updated_at, span_id],
            )
        return moved

    def set_span_note(self, span_id: str, note: str | None) -> Span:
        with self._write():
            updated = replace(self.span(span_id), note=note or None, updated_at=utc_now())
            self.conn.execute(
                "UPDATE spans SET note = ?, updated_at = ? WHERE id = ?",
                [updated.note, updated.updated_at, span_id],
            )
        return updated

    def _insert_spans(self, spans: Iterable[Span]) -> None:
        """Inside a write: insert ``spans`` and count them in their documents' totals."""
        rows = span_rows(spans)
        self.conn.executemany(
            "INSERT INTO span_counts (document, spans) VALUES (?, ?) ON CONFLICT (document) "
            "DO UPDATE SET spans = spans + excluded.spans",
            list(Counter(row.document for row in rows).items()),
        )
        self.conn.executemany(
            f"INSERT INTO spans ({SPAN_COLUMNS}) VALUES ({marks(len(SpanRow._fields))})", rows
        )

    # -- relations -----------------------------------------------------------------------

    @reads
    def relations(self, doc_id: str, annotators: Iterable[str] | None = None) -> list[Relation]:
        """The links of a document (only those of ``annotators``, when given)."""
        only, names = among(annotators)
        rows = self.conn.execute(
            f"SELECT {RELATION_COLUMNS} FROM relations WHERE document = ?{only} "
            "ORDER BY created_at, id",
            [doc_id, *names],
        )
        return [Relation(*row) for row in rows]

    @reads
    def relation(self, rel_id: str) -> Relation:
        row = self.conn.execute(
            f"SELECT {RELATION_COLUMNS} FROM relations WHERE id = ?", [rel_id]
        ).fetchone()
        if row is None:
            raise KeyError(rel_id)
        return Relation(*row)

    def add_relation(self, relation: Relation) -> None:
        """Store a link; refused when it breaks the scheme's rule for its type."""
        with self._write():
            why = self.link_problem(relation.label, relation.source, relation.target)
            if why:
                raise StoreError(f"This link cannot be made: {why}.")
            self._ensure_annotator(relation.annotator)
            self._insert_relations([relation])

    def retype_relation(self, rel_id: str, label: str) -> Relation:
        """A link's new type, in place (its id, ends and place in the list kept); refused
        when the new type may not join its ends."""
        with self._write():
            relation = self.relation(rel_id)
            why = self.link_problem(label, relation.source, relation.target)
            if why:
                raise StoreError(f"This link cannot become {label}: {why}.")
            updated = replace(relation, label=label, updated_at=utc_now())
            self.conn.execute(
                "UPDATE relations SET label = ?, updated_at = ? WHERE id = ?",
                [label, updated.updated_at, rel_id],
            )
        return updated

    def delete_relation(self, rel_id: str) -> Relation:
        with self._write():
            relation = self.relation(rel_id)
            self.conn.execute("DELETE FROM relations WHERE id = ?", [rel_id])
        return relation

    @reads
    def relations_of(self, span_id: str) -> list[Relation]:
        """The relations that start or end at a span."""
        rows = self.conn.execute(
            f"SELECT {RELATION_COLUMNS} FROM relations WHERE source = ? OR target = ?",
            [span_id, span_id],
        )
        return [Relation(*row) for row in rows]

    def _insert_relations(self, relations: Iterable[Relation]) -> None:
        """Inside a write."""
        self.conn.executemany(
            f"INSERT INTO relations ({RELATION_COLUMNS}) "
            f"VALUES ({marks(len(RelationRow._fields))})",
            relation_rows(relations),
        )
