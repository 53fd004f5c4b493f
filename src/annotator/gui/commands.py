"""Every edit is a small undo command that calls one store method, then updates the view.

The store commits before the view changes, so what is shown is what is saved; undo
runs the inverse store method, so nothing undone lingers in the file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtGui import QUndoCommand

from annotator.core.model import Relation, Span
from annotator.gui.state import DocumentState
from annotator.store import Store, StoreError

ErrorReporter = Callable[[StoreError], None]


class StoreCommand(QUndoCommand):
    """Runs a store call; if the database refuses (full disk, locked, read-only) the
    command is dropped from the stack and the error reported, so the view never
    shows an edit that is not saved."""

    def __init__(self, text: str, store: Store, state: DocumentState, report: ErrorReporter):
        super().__init__(text)
        self.store, self.state, self.report = store, state, report

    def redo(self) -> None:
        self._guarded(self._redo)

    def undo(self) -> None:
        self._guarded(self._undo)

    def _guarded(self, action: Callable[[], None]) -> None:
        try:
            action()
        except StoreError as exc:
            self.setObsolete(True)
            self.report(exc)

    def _redo(self) -> None:
        raise NotImplementedError

    def _undo(self) -> None:
        raise NotImplementedError


class AddSpan(StoreCommand):
    def __init__(self, store: Store, state: DocumentState, report: ErrorReporter, span: Span):
        super().__init__(f"Add {span.label} “{_short(span.text)}”", store, state, report)
        self.span = span

    def _redo(self) -> None:
        self.store.add_span(self.span)
        self.state.add(self.span)
        self.state.select(self.span.id)

    def _undo(self) -> None:
        self.store.delete_span(self.span.id)
        self.state.remove(self.span.id)


class DeleteSpan(StoreCommand):
    def __init__(self, store: Store, state: DocumentState, report: ErrorReporter, span: Span):
        super().__init__(f"Delete {span.label} “{_short(span.text)}”", store, state, report)
        self.span = span
        self.relations: list = []

    def _redo(self) -> None:
        self.span, self.relations = self.store.delete_span(self.span.id)
        for relation in self.relations:  # the store dropped them with the span
            self.state.remove_relation(relation.id)
        self.state.remove(self.span.id)

    def _undo(self) -> None:
        self.store.restore_span(self.span, self.relations)
        self.state.add(self.span)
        for relation in self.relations:
            self.state.add_relation(relation)
        self.state.select(self.span.id)


class RelabelSpan(StoreCommand):
    def __init__(
        self, store: Store, state: DocumentState, report: ErrorReporter, span: Span, label: str
    ):
        super().__init__(f"Change {span.label} to {label}", store, state, report)
        self.old, self.label = span, label

    def _redo(self) -> None:
        self.state.change(self.store.relabel_span(self.old.id, self.label))

    def _undo(self) -> None:
        self.state.change(self.store.relabel_span(self.old.id, self.old.label))


class MoveSpan(StoreCommand):
    """Move one or both edges of a span (its text follows)."""

    def __init__(self, store, state, report, span: Span, start: int, end: int):
        super().__init__(f"Adjust {span.label} “{_short(span.text)}”", store, state, report)
        self.old, self.start, self.end = span, start, end

    def _redo(self) -> None:
        self._move(self.start, self.end)

    def _undo(self) -> None:
        self._move(self.old.start, self.old.end)

    def _move(self, start: int, end: int) -> None:
        moved = self.store.move_span(self.old.id, start, end)
        self.state.remove(moved.id)
        self.state.add(moved)
        self.state.select(moved.id)


class SetSpanNote(StoreCommand):
    def __init__(self, store, state, report, span: Span, note: str | None):
        super().__init__(f"Note on “{_short(span.text)}”", store, state, report)
        self.span, self.note = span, note or None

    def _redo(self) -> None:
        self.state.change(self.store.set_span_note(self.span.id, self.note))

    def _undo(self) -> None:
        self.state.change(self.store.set_span_note(self.span.id, self.span.note))


class SetDocumentNote(StoreCommand):
    def __init__(self, store, state, report, note: str | None):
        super().__init__("Note on the article", store, state, report)
        self.doc, self.note = state.document, note or None

    def _redo(self) -> None:
        self._set(self.note)

    def _undo(self) -> None:
        self._set(self.doc.note)

    def _set(self, note: str | None) -> None:
        self.store.set_document_note(self.doc.id, note)
        self.state.set_document(replace(self.doc, note=note))


class AddRelation(StoreCommand):
    def __init__(self, store, state, report, relation: Relation):
        super().__init__(f"Link ({relation.label})", store, state, report)
        self.relation = relation

    def _redo(self) -> None:
        self.store.add_relation(self.relation)
        self.state.add_relation(self.relation)

    def _undo(self) -> None:
        self.store.delete_relation(self.relation.id)
        self.state.remove_relation(self.relation.id)


class DeleteRelation(StoreCommand):
    def __init__(self, store, state, report, relation: Relation):
        super().__init__(f"Delete link ({relation.label})", store, state, report)
        self.relation = relation

    def _redo(self) -> None:
        self.store.delete_relation(self.relation.id)
        self.state.remove_relation(self.relation.id)

    def _undo(self) -> None:
        self.store.add_relation(self.relation)
        self.state.add_relation(self.relation)


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
