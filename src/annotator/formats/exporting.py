"""Export: choose the documents, spans and relations, check them, hand them to a writer.

Every writer takes :class:`ExportDocument` objects and writes atomically (formats/atomic.py):
a failed export leaves the previous file or folder in place. The stored text and every span's
text are checked first, as for the native export; a mismatch stops the export.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.errors import AnnotatorError
from annotator.core.model import Document, Relation, Span
from annotator.formats.units import UNITS, Unit
from annotator.store import Store
from annotator.store.export_queries import annotator_names


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
        problems = store.verify_document(doc, all_spans)
        if problems:
            raise AnnotatorError(
                "the database fails its integrity check, nothing was exported:\n  "
                + "\n  ".join(problems)
            )
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
        return ExportDocument(doc, spans, relations)


@dataclass
class ExportDocument:
    document: Document
    spans: list[Span]
    relations: list[Relation]


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


@dataclass(frozen=True)
class ExportFormat:
    name: str
    writer: Writer
    units: tuple[Unit, ...]  # the first is the default
    folder: bool = False
    store_writer: StoreWriter | None = None


def documents(
    store: Store, selection: Selection, *, on_document: Callable[[], None] | None = None
) -> Iterator[ExportDocument]:
    """Each document with the spans and relations selected; stops at the first that fails
    its integrity check (text hash, span texts)."""
    span_labels, relation_labels = selection.label_filters(store)
    wanted = selection.wanted_documents(store)
    for doc_id in store.document_ids():
        if wanted is not None and doc_id not in wanted:
            continue
        item = selection.checked_document(store, doc_id, span_labels, relation_labels)
        if on_document is not None:
            on_document()
        yield item


def counted(docs: Iterable[ExportDocument], report: ExportReport) -> Iterator[ExportDocument]:
    for doc in docs:
        report.documents += 1
        report.spans += len(doc.spans)
        report.relations += len(doc.relations)
        yield doc


def export(
    store: Store,
    target: Path,
    fmt: ExportFormat,
    *,
    unit: Unit | None = None,
    selection: Selection = Selection(),  # noqa: B008 (frozen, so sharing it is safe)
    on_document: Callable[[], None] | None = None,
) -> ExportReport:
    unit = unit or fmt.units[0]
    if unit not in fmt.units:
        raise AnnotatorError(
            f"--format {fmt.name} counts offsets in {' or '.join(fmt.units)}, not {unit}"
        )
    selection.check(store)
    report = ExportReport()
    if fmt.store_writer is not None:
        fmt.store_writer(store, Path(target), selection, report, on_document)
        return report
    docs = counted(documents(store, selection, on_document=on_document), report)
    fmt.writer(docs, Path(target), unit, report)
    return report


def formats() -> dict[str, ExportFormat]:
    """The export formats by their ``--format`` name (imported late: each is a module)."""
    from annotator.formats import brat, csvfile, doccano, labelstudio, native, prodigy

    def native_writer(docs, target, unit, report):
        native.write(docs, target)

    table = [
        ExportFormat("jsonl", native_writer, ("codepoint",), store_writer=native.write_store),
        ExportFormat("doccano", doccano.write_plain, ("utf16", "codepoint")),
        ExportFormat("doccano-rel", doccano.write_relations, ("utf16", "codepoint")),
        ExportFormat("prodigy", prodigy.write, ("codepoint",)),
        ExportFormat("labelstudio", labelstudio.write, ("codepoint",)),
        ExportFormat("brat", brat.write, ("codepoint",), folder=True),
        ExportFormat("csv", csvfile.write, UNITS),
    ]
    return {f.name: f for f in table}
