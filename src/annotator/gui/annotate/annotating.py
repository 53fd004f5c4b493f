"""The annotation actions of the window: label, delete, link, notes, adjust, walk.

Each slot asks core for the rule and pushes an undo command; nothing here touches SQL.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QApplication, QMessageBox, QTableView, QWidget

from annotator import settings
from annotator.core import occurrences, quotes, textnav
from annotator.core.editing import EditRefused, make_span, move_edge, span_to_select
from annotator.core.model import Span
from annotator.gui.annotate import commands, note_dialog
from annotator.gui.annotate.article_view import ArticleView
from annotator.gui.annotate.link_list import PickedLink
from annotator.gui.annotate.linking import Linking
from annotator.gui.annotate.occurrences_dialog import OccurrencesDialog
from annotator.gui.annotate.state import DocumentState
from annotator.gui.models import RelationTableModel
from annotator.store import Store, StoreError


class Annotating(QObject):
    def __init__(
        self,
        *,
        window: QWidget,
        store: Store,
        state: DocumentState,
        article: ArticleView,
        undo_stack: QUndoStack,
        relation_table: QTableView,
        annotator: Callable[[], str],
        report: Callable[[StoreError], None],
        say: Callable[[str], None],
        locked: Callable[[], str | None] = lambda: None,
    ) -> None:
        super().__init__(window)
        self.locked = locked  # why the article cannot be edited now (None: it can)
        self.window, self.store, self.state, self.article = window, store, state, article
        self.undo_stack, self.relation_table = undo_stack, relation_table
        self.reveal: Callable[[str], None] | None = None  # opens an article (undo across them)
        self.annotator, self.report, self.say = annotator, report, say
        self.picked_link = PickedLink(relation_table, relation_table.model())
        self.linking = Linking(
            store=store, state=state, article=article, relation_table=relation_table,
            picked=self.picked_link, annotator=annotator, say=say, push=self._push,
            report=report, parent=self,
        )
        self.snap = bool(settings.load().get("snap_to_words", True))
        self._make_actions()
        self._connect_signals()

    def _action(self, text: str, *keys: str, slot=None, checkable: bool = False) -> QAction:
        action = QAction(text, self.window)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setCheckable(checkable)
        if slot is not None:
            action.triggered.connect(slot)
        self.window.addAction(action)
        return action

    def _make_actions(self) -> None:
        self.delete_action = self._action("&Delete span or link", "Delete", "Backspace",
                                          slot=self.delete)
        self.link_action = self._action("&Link to its actor…", "Ctrl+L", slot=self.start_linking)
        self.span_note_action = self._action("&Note on span…", "Ctrl+N", slot=self.edit_span_note)
        self.doc_note_action = self._action("Note on &article…", "Ctrl+Shift+N",
                                            slot=self.edit_document_note)
        self.all_action = self._action("Label all &occurrences", "Ctrl+Shift+A",
                                       slot=self.label_all_occurrences)
        self.find_action = self._action("&Find in article…", "Ctrl+F", slot=self.article.open_find)
        self.find_next_action = self._action("Find &next", "F3",
                                             slot=lambda: self.article.find_next(backward=False))
        self.find_prev_action = self._action("Find pre&vious", "Shift+F3",
                                             slot=lambda: self.article.find_next(backward=True))
        self.quote_action = self._action("Extend to the matching &quotation mark", "Ctrl+M",
                                         slot=self.extend_to_quote)
        self.next_span_action = self._action("Next span\tTab", slot=lambda: self.step_span(1))
        self.prev_span_action = self._action("Previous span\tShift+Tab",
                                             slot=lambda: self.step_span(-1))
        self.snap_action = self._action("&Snap selections to words (hold Alt: exact)",
                                        checkable=True, slot=self._on_snap_toggled)
        self.snap_action.setChecked(self.snap)
        self.article.set_snap(self.snap)
        self.zoom_in_action = self._action("Zoom &in", "Ctrl++", "Ctrl+=",
                                           slot=lambda: self.zoom(1))
        self.zoom_out_action = self._action("Zoom &out", "Ctrl+-", slot=lambda: self.zoom(-1))
        self.zoom_reset_action = self._action("&Actual size", "Ctrl+0", slot=lambda: self.zoom(0))
        self.relation_type_action = self._action("Change link &type", "Ctrl+T",
                                                 slot=self.cycle_relation_type)

    def _connect_signals(self) -> None:
        text = self.article  # forwards the signals of whichever view shows the article
        text.span_step.connect(self._on_text_span_step)
        text.confirmed.connect(self._on_text_confirmed)
        text.escaped.connect(self._on_text_escaped)
        text.edge_moved.connect(self._on_text_edge_moved)
        text.edge_dragged.connect(self._on_text_edge_dragged)
        text.clicked.connect(self._on_text_clicked)
        self.relation_table.selectionModel().currentRowChanged.connect(
            self._on_relation_table_row_changed
        )
        self.state.document_about_to_open.connect(self.stop_linking)
        self.state.selection_changed.connect(self._on_state_selection_changed)

    # -- labels --------------------------------------------------------------------------

    def apply_label(self, label: str) -> None:
        """A label key: mark the selection, or relabel the selected span."""
        selection = self.article.selection_range()
        selected = self.state.selected_span()
        if selection is None and selected is not None:
            if selected.label != label:
                why = self.linking.relabel_problem(selected, label)
                if why:
                    self.say(f"“{selected.text[:40]}” stays {selected.label}: {why}.")
                    return
                self._push(commands.RelabelSpan(self.store, self.state, self.report,
                                                selected, label))
            return
        if self.state.document is None:
            return
        if not self.article.positions_exact:
            self.say("This article cannot be shown with exact positions here; annotating it is off.")
            return
        start, end = selection or (0, 0)
        exact = bool(QApplication.keyboardModifiers() & Qt.KeyboardModifier.AltModifier)
        if self.snap and not exact and not self.article.text.selected_with_alt:
            start, end = textnav.snap_to_words(self.state.document.text, start, end)
        try:
            span = make_span(
                self.state.document, start, end, label, self.annotator(),
                known_labels=set(self.state.span_labels()),
                existing=self.state.spans.overlapping(start, end),
            )
        except EditRefused as exc:
            self.say(str(exc))
            return
        self._push(commands.AddSpan(self.store, self.state, self.report, span))
        self.article.clear_selection()

    def toggle_document_label(self, label: str) -> None:
        """A document label's key or button: set it on the open article for the annotator,
        or take it off if it is set (one undoable edit)."""
        if self.state.document is None:
            return
        who = self.annotator()
        on = not self.state.has_document_label(label, who)
        self._push(commands.ToggleDocumentLabel(self.store, self.state, self.report, label,
                                                who, on=on))  # fmt: skip

    def label_all_occurrences(self) -> None:
        """Ctrl+Shift+A: list every occurrence of the selected span's text (core judges
        which to propose); the ticked ones are marked in one undoable edit."""
        if self.locked():
            self.say(self.locked())
            return
        span = self.state.selected_span()
        if span is None:
            self.say("Select a span first: its text is then marked wherever it occurs.")
            return
        doc = self.state.document
        found = occurrences.plan(doc, span, self.state.spans.overlapping)
        if not any(o.allowed for o in found):
            self.say(f"Every occurrence of “{span.text[:60]}” is already marked as {span.label}.")
            return
        dialog = OccurrencesDialog(doc.text, span, found, parent=self.window)
        accepted = bool(dialog.exec())  # 1: accepted
        chosen = dialog.chosen()
        dialog.deleteLater()
        self.article.text.setFocus()  # the keys go back to the article
        if not accepted or not chosen:
            self.say("Nothing marked.")
            return
        try:
            new = [make_span(doc, o.start, o.end, span.label, self.annotator(),
                             known_labels={span.label}, existing=[]) for o in chosen]
        except EditRefused as exc:
            self.say(str(exc))
            return
        self.undo_stack.beginMacro(f"Mark {len(new)} more “{span.text[:40]}” as {span.label}")
        for item in new:
            self._push(commands.AddSpan(self.store, self.state, self.report, item))
        self.undo_stack.endMacro()
        self.state.select(span.id)
        self.say(f"Marked {len(new)} more occurrence(s) of “{span.text[:60]}” as {span.label} "
                 "(Ctrl+Z takes them all back).")

    # -- deleting ------------------------------------------------------------------------

    def delete(self) -> None:
        """Delete: the selected link when the link list has focus, else the selected span."""
        if self.relation_table.hasFocus():
            rel_id = self.picked_link.relation_id()  # by id: never the row's next link
            if rel_id is not None:
                relation = next(r for r in self.state.relations if r.id == rel_id)
                self._push(commands.DeleteRelation(self.store, self.state, self.report, relation))
            return
        span = self.state.selected_span()
        if span is None:
            self.say("Click a highlight (or pick a row) to select a span first.")
            return
        links = self.state.relations_of(span.id)
        if links:
            answer = QMessageBox.question(
                self.window, "Delete span and its links?",
                f"“{span.text[:80]}” has {len(links)} link(s). "
                "Deleting the span deletes its links too.",
                QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Ok:
                return
        self._push(commands.DeleteSpan(self.store, self.state, self.report, span))

    # -- links ---------------------------------------------------------------------------

    @property
    def link_source(self) -> Span | None:
        """The quote or claim being linked (None: not linking)."""
        return self.linking.source

    @property
    def candidates(self) -> list[Span]:
        return self.linking.candidates

    def start_linking(self) -> None:
        self.linking.start()

    def stop_linking(self) -> None:
        self.linking.stop()

    def link_to(self, target: Span) -> None:
        self.linking.link_to(target)

    def cycle_relation_type(self) -> None:
        self.linking.retype()

    # -- notes ---------------------------------------------------------------------------

    def edit_span_note(self) -> None:
        span = self.state.selected_span()
        if span is None:
            self.say("Select a span first, then add a note to it.")
            return
        note, ok = note_dialog.ask_note(
            self.window, "Note on span", f"Note on “{span.text[:60]}”:", span.note or ""
        )
        if ok and (note.strip() or None) != span.note:
            self._push(commands.SetSpanNote(self.store, self.state, self.report, span,
                                            note.strip() or None))

    def edit_document_note(self) -> None:
        doc = self.state.document
        if doc is None:
            return
        note, ok = note_dialog.ask_note(
            self.window, "Note on article", f"Note on “{doc.meta.title[:60]}”:", doc.note or ""
        )
        if ok and (note.strip() or None) != doc.note:
            self._push(commands.SetDocumentNote(self.store, self.state, self.report,
                                                note.strip() or None))

    # -- walking and adjusting -----------------------------------------------------------

    def step_span(self, step: int) -> None:
        spans = self.state.spans
        if not len(spans):
            return
        selected = self.state.selected_span()
        if selected is not None:
            row = spans.index(selected.id) + step
        else:
            caret = self.state.positions.from_qt(self.article.text.textCursor().position())
            row = spans.first_from(caret)
            row = row if step > 0 else row - 1
        self.state.select(spans[row % len(spans)].id)

    def adjust(self, edge: str, to: int) -> None:
        span = self.state.selected_span()
        if span is None:
            self.say("Select a span first, then Alt+Left/Right moves its end, "
                     "Alt+Shift+Left/Right its start.")
            return
        try:
            start, end = move_edge(self.state.document, span, edge=edge, to=to)
        except EditRefused as exc:
            self.say(str(exc))
            return
        if (start, end) != (span.start, span.end):
            self._push(commands.MoveSpan(self.store, self.state, self.report, span, start, end))

    def extend_to_quote(self) -> None:
        """Ctrl+M: the selected span (or the selection) grown to a whole quotation: from
        its opening mark to the closing one, or the marks around it (core/quotes.py)."""
        doc = self.state.document
        if doc is None:
            return
        selection = self.article.selection_range()
        span = self.state.selected_span() if selection is None else None
        if selection is None and span is None:
            self.say("Select a span or some text first: Ctrl+M extends it to the matching "
                     "quotation mark.")
            return
        start, end = (span.start, span.end) if span is not None else selection
        found = quotes.to_matching_mark(doc.text, start, end)
        if found is None and end > start and quotes.partner(doc.text, start) == end - 1:
            self.say("This already holds the whole quotation, both marks included.")
            return
        if found is None:
            self.say("No quotation mark to match here: the selection neither starts nor ends "
                     "at one, nor lies inside a quotation.")
            return
        if span is None:
            self.article.select_range(*found)
            return
        if self.locked():
            self.say(self.locked())
            return
        try:
            wider = dataclasses.replace(span, end=found[1])  # both edges in one move
            start, end = move_edge(doc, wider, edge="start", to=found[0])
        except EditRefused as exc:
            self.say(str(exc))
            return
        self._push(commands.MoveSpan(self.store, self.state, self.report, span, start, end))

    def zoom(self, step: int) -> None:
        size = self.article.zoom(step)
        settings.save({"reading_point_size": size})

    # -- slots ---------------------------------------------------------------------------

    def _on_text_span_step(self, step: int) -> None:
        if self.link_source is None:
            self.step_span(step)
            return
        self.linking.step(step)

    def _on_text_confirmed(self) -> None:
        if self.link_source is not None:
            self.linking.confirm()
        elif self.article.find_open():  # Enter goes on finding, as in the find bar
            shift = QApplication.keyboardModifiers() & Qt.KeyboardModifier.ShiftModifier
            self.article.find_next(backward=bool(shift))

    def _on_text_escaped(self) -> None:
        if self.link_source is not None:
            self.stop_linking()
            self.say("Linking cancelled.")
        elif self.article.find_open():
            self.article.close_find()
        else:
            self.state.select(None)

    def _on_text_edge_moved(self, edge: str, step: int) -> None:
        span = self.state.selected_span()
        if span is not None:
            here = span.start if edge == "start" else span.end
            self.adjust(edge, textnav.next_step(self.state.document.text, here, step))

    def _on_text_edge_dragged(self, edge: str, offset: int) -> None:
        self.adjust(edge, offset)

    def _on_text_clicked(self, offset: int | None) -> None:
        covering = self.state.spans.at(offset) if offset is not None else []
        if self.link_source is not None:
            targets = [s for s in covering if s.id != self.link_source.id]
            if targets:
                candidates = {s.id for s in self.candidates}  # those the rules allow
                actors = [s for s in targets if s.id in candidates or s.label == "actor"]
                self.link_to((actors or targets)[0])
            return
        self.state.select(span_to_select(covering, self.state.selected))

    def _on_relation_table_row_changed(self, current, _previous) -> None:
        if current.isValid() and not current.model().changing:  # not Qt's own move
            rel_id = current.data(RelationTableModel.IdRole)
            relation = next((r for r in self.state.relations if r.id == rel_id), None)
            if relation is not None:
                self.state.select(relation.source)

    def _on_state_selection_changed(self, span_id: str | None) -> None:
        """A span chosen elsewhere (the list, Tab) is brought into view, unless the user is
        selecting text in the article."""
        if span_id is None or span_id not in self.state.spans:
            return
        text = self.article.text  # (a selection's offsets are not needed: whether there is one)
        if not text.hasFocus() or not text.textCursor().hasSelection():
            self.article.show_span(self.state.spans.get(span_id))

    def _on_snap_toggled(self, on: bool) -> None:
        self.snap = on
        self.article.set_snap(on)
        settings.save({"snap_to_words": on})

    def _push(self, command: commands.StoreCommand) -> None:
        reason = self.locked()
        if reason:
            self.say(reason)
            return
        self.push(command)

    def push(self, command: commands.StoreCommand) -> None:
        """Onto the undo stack, able to open its article again (undo from another one)."""
        command.reveal = self._reveal
        self.undo_stack.push(command)

    def _reveal(self, doc_id: str) -> None:
        """Undo or redo of an edit made in another article: open it, and say why it opened."""
        before = self.state.document.id if self.state.document else None
        if self.reveal is None:
            return
        self.reveal(doc_id)
        doc = self.state.document
        if doc is not None and doc.id == doc_id != before:
            self.say(f"Opened “{doc.meta.title[:60]}”: the edit undone or redone was made there.")
