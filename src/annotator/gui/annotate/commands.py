"""Every edit of the article is a small undo command that calls one store method, then
updates the view. Commands reach the database through the store's :class:`Writer`
(gui/writer.py), in order; undo of an edit still waiting drops it there.

The undo history lasts the session, across articles: a command remembers the article it
was made in, and its undo or redo first opens that article again (``reveal``, given by the
window) and selects what it changes, so the user sees what is taken back. The store call
names its own ids and never depends on which article is open; the show only touches the
open article (``DocumentState`` ignores spans and links of another one)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtGui import QUndoCommand

from annotator.core.model import Relation, Span
from annotator.gui.annotate.state import DocumentState
from annotator.gui.writer import ErrorReporter, Write, Writer
from annotator.store import Store


class StoreCommand(QUndoCommand):
    """An undoable edit: ``_redo``/``_undo`` return what to save and how to show it.

    Neither the save nor the show may refer to the command itself: the undo stack
    deletes commands (a change of the label scheme clears it) while their edits may still be waiting.
    """

    def __init__(self, text: str, store: Store, state: DocumentState, report: ErrorReporter):
        super().__init__(text)
        self.store, self.state, self.report = store, state, report
        self.writer = Writer.of(store, report)
        self._write: Write | None = None
        self._made = False
        self.doc_id = state.document.id if state.document is not None else None
        # Opens an article by id (the window's); None: the command stays where it is.
        self.reveal: Callable[[str], None] | None = None

    def redo(self) -> None:
        self._run(self._redo)

    def undo(self) -> None:
        self._run(self._undo)

    def focus(self) -> str | None:
        """The span to select before the step runs, so the article scrolls to it."""
        return None

    def _run(self, step: Callable[[], tuple[Callable[[], object], Callable[[object], None]]]):
        if self._made:  # not the first redo, made where the user is and as he sees it
            self._bring_back()
        self._made = True
        if self._write is not None and self.writer.cancel(self._write):
            self._write = None  # the opposite edit never reached the database
            return
        save, show = step()
        self._write = Write(self.text(), save, show)
        self.writer.submit(self._write)

    def _bring_back(self) -> None:
        """Open the command's article where its edit can be seen (``reveal`` opens another
        one, or the annotators' layer over the gold one), and select its span."""
        state, doc_id = self.state, self.doc_id
        if self.reveal is None or doc_id is None:
            return
        self.reveal(doc_id)
        span_id = self.focus()
        if span_id is not None and span_id in state.spans:
            state.select(span_id)

    def _redo(self):
        raise NotImplementedError

    def _undo(self):
        raise NotImplementedError


class AddSpan(StoreCommand):
    def __init__(self, store: Store, state: DocumentState, report: ErrorReporter, span: Span):
        super().__init__(f"Add {span.label} “{_short(span.text)}”", store, state, report)
        self.span = span

    def focus(self) -> str | None:
        return self.span.id

    def _redo(self):
        store, state, span = self.store, self.state, self.span
        return lambda: store.add_span(span), lambda _: _add_and_select(state, span)

    def _undo(self):
        store, state, span_id = self.store, self.state, self.span.id
        return lambda: store.delete_span(span_id), lambda _: state.remove(span_id)


class DeleteSpan(StoreCommand):
    def __init__(self, store: Store, state: DocumentState, report: ErrorReporter, span: Span):
        super().__init__(f"Delete {span.label} “{_short(span.text)}”", store, state, report)
        self.span = span
        self.deleted = {"span": span, "relations": []}  # as the store returned them

    def focus(self) -> str | None:
        return self.span.id

    def _redo(self):
        store, state, deleted, span_id = self.store, self.state, self.deleted, self.span.id

        def show(result) -> None:
            deleted["span"], deleted["relations"] = result
            for relation in deleted["relations"]:  # the store dropped them with the span
                state.remove_relation(relation.id)
            state.remove(span_id)

        return lambda: store.delete_span(span_id), show

    def _undo(self):
        store, state, deleted = self.store, self.state, self.deleted

        def show(_) -> None:
            _add_and_select(state, deleted["span"], relations=deleted["relations"])

        return lambda: store.restore_span(deleted["span"], deleted["relations"]), show


class RelabelSpan(StoreCommand):
    def __init__(
        self, store: Store, state: DocumentState, report: ErrorReporter, span: Span, label: str
    ):
        super().__init__(f"Change {span.label} to {label}", store, state, report)
        self.old, self.label = span, label

    def focus(self) -> str | None:
        return self.old.id

    def _redo(self):
        return self._relabel(self.label)

    def _undo(self):
        return self._relabel(self.old.label)

    def _relabel(self, label: str):
        store, state, span_id = self.store, self.state, self.old.id
        return lambda: store.relabel_span(span_id, label), state.change


class MoveSpan(StoreCommand):
    """Move one or both edges of a span (its text follows)."""

    def __init__(self, store, state, report, span: Span, start: int, end: int):
        super().__init__(f"Adjust {span.label} “{_short(span.text)}”", store, state, report)
        self.old, self.start, self.end = span, start, end

    def focus(self) -> str | None:
        return self.old.id

    def _redo(self):
        return self._move(self.start, self.end)

    def _undo(self):
        return self._move(self.old.start, self.old.end)

    def _move(self, start: int, end: int):
        store, state, span_id = self.store, self.state, self.old.id

        def show(moved: Span) -> None:
            state.remove(moved.id)
            _add_and_select(state, moved)

        return lambda: store.move_span(span_id, start, end), show


class SetSpanNote(StoreCommand):
    def __init__(self, store, state, report, span: Span, note: str | None):
        super().__init__(f"Note on “{_short(span.text)}”", store, state, report)
        self.span, self.note = span, note or None

    def focus(self) -> str | None:
        return self.span.id

    def _redo(self):
        return self._set(self.note)

    def _undo(self):
        return self._set(self.span.note)

    def _set(self, note: str | None):
        store, state, span_id = self.store, self.state, self.span.id
        return lambda: store.set_span_note(span_id, note), state.change


class SetDocumentNote(StoreCommand):
    def __init__(self, store, state, report, note: str | None):
        super().__init__("Note on the article", store, state, report)
        self.doc, self.note = state.document, note or None

    def _redo(self):
        return self._set(self.note)

    def _undo(self):
        return self._set(self.doc.note)

    def _set(self, note: str | None):
        store, state, doc_id = self.store, self.state, self.doc.id

        def show(_) -> None:
            if state.document is not None and state.document.id == doc_id:
                state.set_document(replace(state.document, note=note))

        return lambda: store.set_document_note(doc_id, note), show


class AddRelation(StoreCommand):
    def __init__(self, store, state, report, relation: Relation):
        super().__init__(f"Link ({relation.label})", store, state, report)
        self.relation = relation

    def focus(self) -> str | None:
        return self.relation.source

    def _redo(self):
        return _add_relation(self.store, self.state, self.relation)

    def _undo(self):
        return _delete_relation(self.store, self.state, self.relation)


class DeleteRelation(StoreCommand):
    def __init__(self, store, state, report, relation: Relation):
        super().__init__(f"Delete link ({relation.label})", store, state, report)
        self.relation = relation

    def focus(self) -> str | None:
        return self.relation.source

    def _redo(self):
        return _delete_relation(self.store, self.state, self.relation)

    def _undo(self):
        return _add_relation(self.store, self.state, self.relation)


class ToggleDocumentLabel(StoreCommand):
    """Set a document label on the open article for the annotator, or take it off."""

    def __init__(self, store, state, report, label: str, annotator: str, *, on: bool):
        super().__init__(f"{'Set' if on else 'Unset'} {label} on the article", store, state, report)
        self.doc_id, self.label, self.annotator, self.on = state.document.id, label, annotator, on
        self.kept = {"created_at": None}  # the time of a label unset, which undo restores

    def _redo(self):
        return self._set(self.on)

    def _undo(self):
        return self._set(not self.on)

    def _set(self, on: bool):
        store, state, doc_id, label, who = (
            self.store, self.state, self.doc_id, self.label, self.annotator
        )
        times = self.kept  # the show may not hold the command itself
        if on:
            created = times.get("created_at")
            return (lambda: store.set_document_label(doc_id, label, who, created_at=created),
                    state.add_document_label)  # fmt: skip

        def show(removed) -> None:
            if removed is not None:
                times["created_at"] = removed.created_at
            state.remove_document_label(doc_id, label, who)

        return lambda: store.unset_document_label(doc_id, label, who), show


def _add_relation(store: Store, state: DocumentState, relation: Relation):
    return lambda: store.add_relation(relation), lambda _: state.add_relation(relation)


def _delete_relation(store: Store, state: DocumentState, relation: Relation):
    return lambda: store.delete_relation(relation.id), lambda _: state.remove_relation(relation.id)


def _add_and_select(state: DocumentState, span: Span, relations: list[Relation] = ()) -> None:
    """Show a saved span (and its links) if its document is the one open."""
    state.add(span)
    for relation in relations:
        state.add_relation(relation)
    if span.id in state.spans:
        state.select(span.id)


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
