"""What an export hands its writers: the selection asked for, the documents chosen and
checked, and the report each writer adds its notes to. Every writer imports this module; it
imports no format module, so the writers and formats/exporting.py never import each other.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import orjson

from annotator.core.errors import AnnotatorError
from annotator.core.model import Document, DocumentLabel, DocumentMeta, Relation, Span
from annotator.formats.units import Unit
from annotator.store import Store
from annotator.store.export_queries import (
    NativeRow,
    annotator_names,
    ordered_spans,
    streamed_relations,
    streamed_spans,
)


@dataclass(frozen=True)
class Selection:
    """What to export. Empty sets mean everything."""

    labels: frozenset[str] = frozenset()
    annotators: frozenset[str] = frozenset()
    statuses: frozenset[str] = frozenset()

    def check(self, store: Store) -> None:
        known = {label.name for label in store.labels(kind=None)}
        unknown = sorted(self.labels - known)
        if unknown:
            raise AnnotatorError(
                f"unknown label(s) {', '.join(unknown)}; the database has {', '.join(sorted(known))}"
            )
        if not self.annotators:
            return
        people = set(annotator_names(store))
        unknown = sorted(self.annotators - people)
        if unknown:
            raise AnnotatorError(
                f"no spans or relations by {', '.join(unknown)}; annotators in the database: "
                f"{', '.join(sorted(people)) or '(none)'}"
            )

    def label_filters(self, store: Store) -> tuple[frozenset[str], frozenset[str]]:
        """The span labels and the relation labels asked for (empty: all of them)."""
        relation_labels = {label.name for label in store.labels("relation")}
        return self.labels - relation_labels, self.labels & relation_labels

    def wanted_documents(self, store: Store) -> set[str] | None:
        """The documents with a status asked for; None when no status is asked for."""
        if not self.statuses:
            return None
        return store.documents_with_status(self.statuses, self.annotators)

    def checked_document(
        self,
        store: Store,
        doc_id: str,
        span_labels: frozenset[str],
        relation_labels: frozenset[str],
    ) -> ExportDocument:
        """A document with the spans and relations chosen (relations whose both spans
        are); an integrity problem (text hash, span texts) stops the export."""
        doc = store.document(doc_id)
        all_spans = store.spans(doc_id)
        _refuse_damage(store.verify_document(doc, all_spans))
        spans = [
            s
            for s in all_spans
            if (not span_labels or s.label in span_labels)
            and (not self.annotators or s.annotator in self.annotators)
        ]
        kept = {s.id for s in spans}
        relations = [
            r
            for r in store.relations(doc_id)
            if r.source in kept
            and r.target in kept
            and (not relation_labels or r.label in relation_labels)
            and (not self.annotators or r.annotator in self.annotators)
        ]
        document_labels = [
            d
            for d in store.document_labels(doc_id, self.annotators or None)
            if not self.labels or d.label in self.labels
        ]
        return ExportDocument(doc, spans, relations, document_labels)


    def streamed_record(
        self,
        store: Store,
        row: NativeRow,
        span_labels: frozenset[str],
        relation_labels: frozenset[str],
    ) -> dict[str, Any]:
        """The native record of the document of ``row``, checked as :meth:`checked_document`
        checks, whose spans and relations are read from the store as the record is written
        (:func:`write_record`): a document's spans are never all held at once."""
        meta = DocumentMeta(row.title, row.source, row.author, row.published, row.url,
                            json.loads(row.meta))  # fmt: skip
        doc = Document(row.id, row.text, row.text_sha256, row.source_id, meta, row.created_at,
                       row.note)  # fmt: skip
        _refuse_damage(store.verify_document(doc, ordered_spans(store, doc.id)))
        chosen = {"span_labels": span_labels, "annotators": self.annotators}
        record = {
            "id": doc.id,
            "text": doc.text,
            "meta": meta.as_dict() | {"source_id": doc.source_id},
            "note": doc.note,
            "spans": Streamed(lambda: streamed_spans(store, doc.id, **chosen)),
            "relations": Streamed(
                lambda: streamed_relations(
                    store, doc.id, relation_labels=relation_labels, **chosen
                )
            ),
        }
        if row.document_labels != "[]":  # as native.checked_records writes them
            record["document_labels"] = orjson.Fragment(row.document_labels)
        return record


def _refuse_damage(problems: list[str]) -> None:
    if problems:
        raise AnnotatorError(
            "the database fails its integrity check, nothing was exported:\n  "
            + "\n  ".join(problems)
        )


class Streamed:
    """A list in a record that is read only while the record is written."""

    def __init__(self, items: Callable[[], Iterator[dict[str, Any]]]) -> None:
        self.items = items


_BATCH = 2_000  # items made into JSON at a time: one call to orjson each, little memory


def write_record(f: IO[bytes], record: dict[str, Any]) -> None:
    """Write ``record`` as one line of JSON, as ``orjson.dumps(record)`` would, its
    :class:`Streamed` lists a batch of items at a time."""
    if not any(isinstance(value, Streamed) for value in record.values()):
        f.write(orjson.dumps(record))
        f.write(b"\n")
        return
    f.write(b"{")
    for i, (key, value) in enumerate(record.items()):
        f.write((b"," if i else b"") + orjson.dumps(key) + b":")
        if not isinstance(value, Streamed):
            f.write(orjson.dumps(value))
            continue
        f.write(b"[")
        batch: list[dict[str, Any]] = []
        first = True
        for item in value.items():
            batch.append(item)
            if len(batch) == _BATCH:
                f.write((b"" if first else b",") + orjson.dumps(batch)[1:-1])
                batch, first = [], False
        if batch:
            f.write((b"" if first else b",") + orjson.dumps(batch)[1:-1])
        f.write(b"]")
    f.write(b"}\n")


@dataclass
class ExportDocument:
    document: Document
    spans: list[Span]
    relations: list[Relation]
    # The article's document labels chosen (formats that have them write them).
    document_labels: list[DocumentLabel] = field(default_factory=list)


@dataclass
class ExportReport:
    documents: int = 0
    spans: int = 0
    relations: int = 0
    notes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        return (
            f"{self.documents} document(s) written "
            f"({self.spans} span(s), {self.relations} relation(s))"
        )


Writer = Callable[[Iterable[ExportDocument], Path, Unit, ExportReport], None]
# Reads the store itself (the native format: SQLite builds its span lists).
StoreWriter = Callable[[Store, Path, Selection, ExportReport, Callable[[], None] | None], None]


def without_document_labels(
    docs: Iterable[ExportDocument], report: ExportReport, fmt: str
) -> Iterator[ExportDocument]:
    """The documents, for a format that has no document labels; once all are written, the
    report says how many were left out (nothing is left out without a word)."""
    left = 0
    for item in docs:
        left += len(item.document_labels)
        yield item
    if left:
        report.notes.append(document_labels_note(left, fmt))


def document_labels_note(left: int, fmt: str) -> str:
    """The report's note on the ``left`` document labels a format without them left out."""
    return (
        f"{left} document label(s) left out: {fmt} has no document labels (the jsonl, "
        "doccano, prodigy and labelstudio exports keep them)"
    )
