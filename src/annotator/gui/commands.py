"""Every edit is a small undo command that calls one store method, then updates the view.

The store commits before the view changes, so what is shown is what is saved; undo
runs the inverse store method, so nothing undone lingers in the file.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from annotator.core.model import Span
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
        self.state.remove(self.span.id)

    def _undo(self) -> None:
        self.store.restore_span(self.span, self.relations)
        self.state.add(self.span)
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


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
