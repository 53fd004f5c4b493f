"""Annotator's native JSONL: one document a line (schema in DESIGN.md).

Offsets are code points into ``text``, end exclusive. On import, CRLF and lone CR in a
text become LF and every offset is shifted by the same map, after checking each span's
``text`` against the text as it arrived.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.core.ids import text_sha256
from annotator.core.model import (
    Document,
    DocumentLabel,
    DocumentMeta,
    IncomingDocument,
    IncomingDocumentLabel,
    IncomingRelation,
    IncomingSpan,
    Relation,
    Span,
)
from annotator.core.offsets import normalize_newlines
from annotator.formats.atomic import atomic_write
from annotator.formats.export_types import ExportReport, Selection, Streamed, write_record
from annotator.formats.records import META_FIELDS, Outcome, RecordError, list_of, records_of
from annotator.store import Store
from annotator.store.export_queries import native_rows

_OPTIONAL_STRINGS = ("id", "annotator", "note", "created_at", "updated_at")


# -- reading ------------------------------------------------------------------------------


def read(path: Path) -> Iterator[Outcome]:
    """Each line of a native JSONL file as a document, or as a Rejected record that names
    the line and says what is wrong with it."""
    return records_of(path, lambda record, line: [_document(record, path, line)])


def _document(record: Any, path: Path, line: int) -> IncomingDocument:
    if not isinstance(record, dict):
        raise RecordError(f"expected a JSON object, found {type(record).__name__}")
    raw_text = record.get("text")
    if not isinstance(raw_text, str) or not raw_text.strip():
        raise RecordError('"text" must be a non-empty string')
    doc_id = record.get("id")
    if doc_id is not None and (isinstance(doc_id, bool) or not isinstance(doc_id, str | int)):
        raise RecordError('"id" must be a string')
    if doc_id == "":
        raise RecordError('"id" must not be empty')
    meta = record.get("meta") or {}
    if not isinstance(meta, dict):
        raise RecordError('"meta" must be an object')
    for name in META_FIELDS:
        if meta.get(name) is not None and not isinstance(meta[name], str):
            raise RecordError(f'"meta.{name}" must be a string')
    note = record.get("note")
    if note is not None and not isinstance(note, str):
        raise RecordError('"note" must be a string')
    text, remap = normalize_newlines(raw_text)
    items = list_of(record, "spans")
    spans = _plain_spans(items, raw_text, line) if text is raw_text else None
    if spans is None:
        spans = [_span(item, i, raw_text, remap, line) for i, item in enumerate(items)]
    relations = [_relation(item, i) for i, item in enumerate(list_of(record, "relations"))]
    document_labels = [
        _document_label(item, i) for i, item in enumerate(list_of(record, "document_labels"))
    ]
    doc_id = None if doc_id is None else str(doc_id)
    return IncomingDocument(
        text=text,
        source_id=str(meta.get("source_id") or doc_id or ""),
        meta=DocumentMeta(
            **{name: meta.get(name) or "" for name in META_FIELDS},
            extra={k: v for k, v in meta.items() if k not in META_FIELDS and k != "source_id"},
        ),
        origin=f"{path}, line {line}",
        id=doc_id,
        spans=spans,
        relations=relations,
        note=note or None,
        document_labels=document_labels,
    )


def _plain_spans(items: list, text: str, line: int) -> list[IncomingSpan] | None:
    """The spans of a text without CR, when every one is well-formed (a large corpus
    holds a million: this is the same check as :func:`_span`, in one tight loop); None at
    the first that is not, so that :func:`_span` says what is wrong with it."""
    out = []
    length = len(text)
    for item in items:
        if type(item) is not dict:
            return None
        get = item.get
        start, end, label, claimed = get("start"), get("end"), get("label"), get("text")
        span_id, who, note = get("id"), get("annotator"), get("note")
        created, updated = get("created_at"), get("updated_at")
        if not (
            type(start) is int
            and type(end) is int
            and 0 <= start < end <= length
            and type(label) is str
            and (claimed is None or claimed == text[start:end])
            and (span_id is None or type(span_id) is str)
            and (who is None or type(who) is str)
            and (note is None or type(note) is str)
            and (created is None or type(created) is str)
            and (updated is None or type(updated) is str)
        ):
            return None
        label = label.strip()
        if not label:
            return None
        out.append(IncomingSpan(start, end, label, span_id, who, note, created, updated, line))
    return out


def _span(item: Any, i: int, raw_text: str, remap, line: int) -> IncomingSpan:
    if not isinstance(item, dict):
        raise RecordError(f"spans[{i}] must be an object")
    start, end = item.get("start"), item.get("end")
    for name, value in (("start", start), ("end", end)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise RecordError(f'spans[{i}]: "{name}" must be an integer, not {value!r}')
    if not 0 <= start < end <= len(raw_text):
        raise RecordError(
            f"spans[{i}]: offsets {start}-{end} lie outside the text "
            f"(0-{len(raw_text)} code points) or are empty"
        )
    label = item.get("label")
    if not isinstance(label, str) or not label.strip():
        raise RecordError(f'spans[{i}]: "label" must be a non-empty string')
    claimed = item.get("text")
    if claimed is not None and claimed != raw_text[start:end]:
        raise RecordError(
            f"spans[{i}]: its text {claimed!r} differs from the text at {start}-{end}, "
            f"{raw_text[start:end]!r}"
        )
    for name in _OPTIONAL_STRINGS:
        if item.get(name) is not None and not isinstance(item[name], str):
            raise RecordError(f'spans[{i}]: "{name}" must be a string')
    new_start, new_end = remap(start), remap(end)
    if raw_text[end - 1 : end + 1] == "\r\n":
        new_end += 1  # an end between CR and LF keeps the line end it began
    if new_start >= new_end:
        raise RecordError(f"spans[{i}]: offsets {start}-{end} cover only part of a line end")
    return IncomingSpan(
        start=new_start,
        end=new_end,
        label=label.strip(),
        id=item.get("id"),
        annotator=item.get("annotator"),
        note=item.get("note"),
        created_at=item.get("created_at"),
        updated_at=item.get("updated_at"),
        line=line,
    )


def _relation(item: Any, i: int) -> IncomingRelation:
    if not isinstance(item, dict):
        raise RecordError(f"relations[{i}] must be an object")
    for name in ("label", "from", "to"):
        if not isinstance(item.get(name), str) or not item[name]:
            raise RecordError(f'relations[{i}]: "{name}" must be a non-empty string')
    for name in _OPTIONAL_STRINGS:
        if item.get(name) is not None and not isinstance(item[name], str):
            raise RecordError(f'relations[{i}]: "{name}" must be a string')
    return IncomingRelation(
        label=item["label"],
        source=item["from"],
        target=item["to"],
        id=item.get("id"),
        annotator=item.get("annotator"),
        note=item.get("note"),
        created_at=item.get("created_at"),
        updated_at=item.get("updated_at"),
    )


def _document_label(item: Any, i: int) -> IncomingDocumentLabel:
    """``{"label": "pro", "annotator": "alice", "created_at": ...}``; a bare string is the
    label alone (the import's --annotator)."""
    if isinstance(item, str):
        item = {"label": item}
    if not isinstance(item, dict):
        raise RecordError(f"document_labels[{i}] must be an object or a label name")
    label = item.get("label")
    if not isinstance(label, str) or not label.strip():
        raise RecordError(f'document_labels[{i}]: "label" must be a non-empty string')
    for name in ("annotator", "created_at"):
        if item.get(name) is not None and not isinstance(item[name], str):
            raise RecordError(f'document_labels[{i}]: "{name}" must be a string')
    return IncomingDocumentLabel(
        label.strip(), annotator=item.get("annotator") or None, created_at=item.get("created_at")
    )


# -- writing ------------------------------------------------------------------------------


def checked_records(
    store: Store, selection: Selection, *, on_document: Callable[[], None] | None = None
) -> Iterator[tuple[dict[str, Any], int, int]]:
    """Each record chosen, with its numbers of spans and relations, checked as the export
    checks (Selection.checked_document): a document whose text does not match its hash, or
    with a span whose text is not the text at its offsets, stops the export.

    SQLite writes the spans and relations as JSON (store/export_queries.py), put into the
    record as they are; a document SQLite could not check (a long text, a damaged value,
    many spans) is checked the way every other export format does it, and its spans and
    relations are read one at a time as the record is written (Selection.streamed_record)."""
    span_labels, relation_labels = selection.label_filters(store)
    wanted = selection.wanted_documents(store)
    rows = native_rows(
        store,
        span_labels=span_labels,
        relation_labels=relation_labels,
        annotators=selection.annotators,
    )
    accepted = store.provenance_by_document()  # the suggester of what was accepted
    for row in rows:
        if wanted is not None and row.id not in wanted:
            continue
        if row.bad_spans == 0 and text_sha256(row.text) == row.text_sha256:
            meta = DocumentMeta(
                row.title, row.source, row.author, row.published, row.url,
                json.loads(row.meta) if row.meta != "{}" else {},
            )  # fmt: skip
            record = {
                "id": row.id,
                "text": row.text,
                "meta": meta.as_dict() | {"source_id": row.source_id},
                "note": row.note,
                "spans": orjson.Fragment(row.spans),
                "relations": orjson.Fragment(row.relations),
            }
            counts = row.span_count, row.relation_count
            if row.document_labels != "[]":
                record["document_labels"] = orjson.Fragment(row.document_labels)
        else:  # its spans and relations are read as it is written (write_record)
            record = selection.streamed_record(store, row, span_labels, relation_labels)
            counts = row.span_count, row.relation_count
        if row.id in accepted:
            _add_provenance(record, accepted[row.id], row)
        if on_document is not None:
            on_document()
        yield record, *counts


def _add_provenance(record: dict[str, Any], accepted: dict[str, Any], row) -> None:
    """Each span and link accepted from a suggestion gets ``"suggested_by": {"suggester",
    "score", "reason", "accepted_at"}`` (a record with none is written as it always was;
    an import reads past the field)."""

    def marked(items):
        for item in items:
            made = accepted.get(item.get("id"))
            if made is not None:
                item = item | {"suggested_by": {
                    "suggester": made.suggester, "score": made.score, "reason": made.reason,
                    "accepted_at": made.accepted_at}}  # fmt: skip
            yield item

    for name in ("spans", "relations"):
        value = record[name]
        if isinstance(value, Streamed):
            record[name] = Streamed(lambda items=value.items: marked(items()))
        else:  # SQLite's JSON of the row (orjson.Fragment): read, marked, written again
            record[name] = list(marked(json.loads(getattr(row, name))))


def record_of(
    doc: Document,
    spans: Iterable[Span],
    relations: Iterable[Relation],
    document_labels: Iterable[DocumentLabel] = (),
) -> dict[str, Any]:
    """The native record of one document (the schema in DESIGN.md); ``document_labels``
    only when it has some, so that a record without them is what it always was."""
    record = {
        "id": doc.id,
        "text": doc.text,
        "meta": doc.meta.as_dict() | {"source_id": doc.source_id},
        "note": doc.note,
        "spans": [
            {
                "id": s.id,
                "start": s.start,
                "end": s.end,
                "label": s.label,
                "text": s.text,
                "annotator": s.annotator,
                "note": s.note,
                "created_at": s.created_at,
                "updated_at": s.updated_at,
            }
            for s in spans
        ],
        "relations": [
            {
                "id": r.id,
                "label": r.label,
                "from": r.source,
                "to": r.target,
                "annotator": r.annotator,
                "note": r.note,
                "created_at": r.created_at,
                "updated_at": r.updated_at,
            }
            for r in relations
        ],
    }
    labels = [
        {"label": d.label, "annotator": d.annotator, "created_at": d.created_at}
        for d in document_labels
    ]
    if labels:
        record["document_labels"] = labels
    return record


def write_store(
    store: Store,
    target: Path,
    selection: Selection,
    report: ExportReport,
    on_document: Callable[[], None] | None = None,
) -> None:
    """Write the documents of ``store`` that ``selection`` chooses to ``target``
    atomically, counting them in ``report``."""
    with atomic_write(target) as f:
        for record, spans, relations in checked_records(store, selection, on_document=on_document):
            write_record(f, record)
            report.documents += 1
            report.spans += spans
            report.relations += relations
