"""The open document as the window sees it: a thin Qt adapter over core objects.

It announces every change as a signal; views (article, span list, status bar) listen.
It makes no decisions: rules live in core, persistence in the store.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from annotator.core.model import Document, DocumentLabel, Label, Relation, Span
from annotator.core.offsets import QtPositionMap
from annotator.core.spanset import SpanSet


class DocumentState(QObject):
    # "about to" signals let Qt models call begin*() before the change (model/view contract)
    document_about_to_open = Signal()
    document_opened = Signal()
    span_about_to_be_added = Signal(object, int)  # span, row
    span_added = Signal(object, int)  # span, row
    span_about_to_be_removed = Signal(object, int)  # span, row
    span_removed = Signal(object, int)  # span, row
    span_changed = Signal(object, object, int)  # old span, new span, row
    selection_changed = Signal(object)  # span id or None
    labels_changed = Signal()
    document_changed = Signal()  # the open document's note
    relation_about_to_be_added = Signal(object, int)  # relation, row
    relation_added = Signal(object, int)
    relation_about_to_be_removed = Signal(object, int)
    relation_removed = Signal(object, int)
    relation_changed = Signal(object, object, int)  # old relation, new relation, row
    document_labels_changed = Signal()  # the open document's document labels

    def __init__(self, *, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document: Document | None = None
        self.spans = SpanSet()
        self.positions = QtPositionMap("")
        self.labels: dict[str, Label] = {}
        self.selected: str | None = None
        self.relations: list[Relation] = []
        # span id -> its links, in the order of ``relations``; made at the first ask, kept
        # in step as links are added (linking, then selecting, is the common step) and made
        # again after a link is removed or changed (None: to be made). A long article may
        # hold 50,000 links, and selecting a span (an edit selects the span it makes) asks
        # for its own.
        self._links_of: dict[str, list[Relation]] | None = None
        self.document_labels: list[DocumentLabel] = []
        self.provenance: dict[str, str] = {}  # item id -> "suggested by ..." (suggesting.py)
        self.suggestion_hint: Callable[[int], str] = lambda _offset: ""  # tooltip words

    def set_labels(self, labels: list[Label]) -> None:
        self.labels = {label.name: label for label in labels}
        self.labels_changed.emit()

    def open(
        self,
        document: Document,
        spans: list[Span] | SpanSet,
        relations: list[Relation] = (),
        document_labels: list[DocumentLabel] = (),
    ) -> None:
        self.document_about_to_open.emit()
        self.document = document
        self.document_labels = list(document_labels)
        self.relations = list(relations)
        self._links_of = None
        self.spans = spans if isinstance(spans, SpanSet) else SpanSet(spans)
        self.positions = QtPositionMap(document.text)
        self.selected = None
        self.document_opened.emit()

    def add(self, span: Span) -> None:
        if self.document is None or span.document != self.document.id:
            return
        row = self.spans.insertion_index(span)
        self.span_about_to_be_added.emit(span, row)
        self.spans.add(span)
        self.span_added.emit(span, row)

    def remove(self, span_id: str) -> None:
        if span_id not in self.spans:
            return
        span = self.spans.get(span_id)
        if self.selected == span_id:
            self.select(None)
        row = self.spans.index(span_id)
        self.span_about_to_be_removed.emit(span, row)
        self.spans.remove(span_id)
        self.span_removed.emit(span, row)

    def change(self, span: Span) -> None:
        if span.id not in self.spans:
            return
        old = self.spans.get(span.id)
        row = self.spans.replace(span)
        self.span_changed.emit(old, span, row)

    def select(self, span_id: str | None) -> None:
        if span_id == self.selected:
            return
        self.selected = span_id
        self.selection_changed.emit(span_id)

    def selected_span(self) -> Span | None:
        return self.spans.get(self.selected) if self.selected in self.spans else None

    def span_labels(self) -> list[str]:
        return [name for name, label in self.labels.items() if label.kind == "span"]

    def relation_labels(self) -> list[str]:
        return [name for name, label in self.labels.items() if label.kind == "relation"]

    def set_document(self, document: Document) -> None:
        """The open document changed (its note): same text, same spans."""
        self.document = document
        self.document_changed.emit()

    # -- relations ---------------------------------------------------------------------------

    def add_relation(self, relation: Relation) -> None:
        if self.document is None or relation.document != self.document.id:
            return
        row = len(self.relations)
        self.relation_about_to_be_added.emit(relation, row)
        self.relations.append(relation)
        if self._links_of is not None:
            for end in _ends(relation):
                self._links_of.setdefault(end, []).append(relation)
        self.relation_added.emit(relation, row)

    def remove_relation(self, rel_id: str) -> None:
        for row, relation in enumerate(self.relations):
            if relation.id == rel_id:
                self.relation_about_to_be_removed.emit(relation, row)
                del self.relations[row]
                self._links_of = None
                self.relation_removed.emit(relation, row)
                return

    def replace_relation(self, relation: Relation) -> None:
        """A link changed in place (its type): same id, same row."""
        for row, old in enumerate(self.relations):
            if old.id == relation.id:
                self.relations[row] = relation
                self._links_of = None
                self.relation_changed.emit(old, relation, row)
                return

    def relations_of(self, span_id: str) -> list[Relation]:
        """The links with ``span_id`` as an end, in the order of :attr:`relations`."""
        if self._links_of is None:
            self._links_of = {}
            for relation in self.relations:
                for end in _ends(relation):
                    self._links_of.setdefault(end, []).append(relation)
        return list(self._links_of.get(span_id, ()))

    # -- document labels ---------------------------------------------------------------------

    def document_label_names(self) -> list[str]:
        return [name for name, label in self.labels.items() if label.kind == "document"]

    def has_document_label(self, label: str, annotator: str) -> bool:
        return any(d.label == label and d.annotator == annotator for d in self.document_labels)

    def add_document_label(self, item: DocumentLabel) -> None:
        if self.document is None or item.document != self.document.id:
            return
        if not self.has_document_label(item.label, item.annotator):
            self.document_labels.append(item)
            self.document_labels_changed.emit()

    def remove_document_label(self, doc_id: str, label: str, annotator: str) -> None:
        if self.document is None or doc_id != self.document.id:
            return
        kept = [d for d in self.document_labels if (d.label, d.annotator) != (label, annotator)]
        if len(kept) != len(self.document_labels):
            self.document_labels = kept
            self.document_labels_changed.emit()


def _ends(relation: Relation) -> tuple[str, ...]:
    """The spans a link joins, each once (a link may join a span to itself)."""
    if relation.source == relation.target:
        return (relation.source,)
    return (relation.source, relation.target)
