"""Export: choose the documents, spans and relations, check them, hand them to a writer.

Every writer takes :class:`ExportDocument` objects (formats/export_types.py) and writes
atomically (formats/atomic.py): a failed export leaves the previous file or folder in place.
The stored text and every span's text are checked first; a mismatch stops the export. The
writers are found in the registry (formats/__init__.py) and loaded when first used.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from annotator.core.errors import AnnotatorError
from annotator.core.vocabulary import ALL
from annotator.formats import EXPORTS, ExportFormat
from annotator.formats.atomic import link_note
from annotator.formats.export_types import ExportDocument, ExportReport, Selection
from annotator.formats.layers import layer_annotators
from annotator.formats.units import Unit
from annotator.store import Store
from annotator.store.opening import refuse_side_file


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
    refuse_side_file(target)
    selection.check(store)
    report = ExportReport()
    write = fmt.writer()
    if fmt.reads_store:
        write(store, Path(target), selection, report, on_document)
    else:
        docs = counted(documents(store, selection, on_document=on_document), report)
        write(docs, Path(target), unit, report)
    if (note := link_note(Path(target))) is not None:  # the summary names where it went
        report.notes.append(note)
    return report


def export_selected(
    store: Store,
    target: Path,
    fmt: ExportFormat,
    *,
    unit: Unit | None = None,
    labels: Iterable[str] = (),
    annotators: Iterable[str] = (),
    statuses: Iterable[str] = (),
    layer: str = ALL,
    on_document: Callable[[], None] | None = None,
) -> ExportReport:
    """``annotator export``'s options as they are given (``--label``, ``--annotator``,
    ``--status``, ``--layer``) made into a selection and exported: the command line and the
    window's File ▸ Export both call this, so the same choices write the same bytes."""
    statuses = tuple(statuses)
    selection = Selection(
        labels=frozenset(labels),
        annotators=layer_annotators(store, layer, frozenset(annotators), statuses),
        statuses=frozenset(statuses),
    )
    return export(store, target, fmt, unit=unit, selection=selection, on_document=on_document)


def formats() -> dict[str, ExportFormat]:
    """The export formats by their ``--format`` name: the registry's (formats/__init__.py)."""
    return EXPORTS
