"""Working through the list of articles: the next or previous one (or the next not yet
done), marking an article's status, and list rows that follow the edits made."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from annotator.gui.annotate.commands import StoreCommand
from annotator.gui.annotate.document_panel import DocumentPanel
from annotator.gui.annotate.state import DocumentState
from annotator.gui.annotate.status_command import SetStatus
from annotator.gui.models import DocumentTableModel
from annotator.gui.writer import Writer
from annotator.store import Store


class Browsing(QObject):
    def __init__(
        self, *, store: Store, state: DocumentState, documents: DocumentTableModel,
        panel: DocumentPanel, writer: Writer, annotator: Callable[[], str],
        open_document: Callable[[str], None], refresh_status: Callable[[], None],
        say: Callable[[str, int], None], push: Callable[[StoreCommand], None], parent: QObject,
    ) -> None:
        super().__init__(parent)
        self.store, self.state, self.documents, self.panel = store, state, documents, panel
        self.writer, self.annotator, self.open_document = writer, annotator, open_document
        self.refresh_status, self.say, self.push = refresh_status, say, push
        self._list_refresh = QTimer(self, singleShot=True, interval=300)
        self._list_refresh.timeout.connect(self._refresh_listed_documents)
        self._stale_rows: set[str] = set()
        documents.modelReset.connect(self._on_documents_reset)
        # A new sort moves the open article's row: the status bar's "Document i of n" too.
        documents.layoutChanged.connect(self._on_documents_reset)
        state.span_added.connect(self._on_state_spans_changed)
        state.span_removed.connect(self._on_state_spans_changed)
        state.document_changed.connect(lambda: documents.refresh_document(state.document.id))

    def step(self, step: int, *, unfinished: bool = False) -> None:
        """Open the next (or previous) article of the list, or the next not yet done."""
        if not self.documents.rowCount():
            return
        row = self.documents.row_of(self.state.document.id if self.state.document else None)
        done = self.store.done_ids(self.annotator()) if unfinished else set()
        # With a hub's assignments, the unfinished work is the assigned articles not done.
        assigned = self.documents.assigned if unfinished else {}
        row += step
        while 0 <= row < self.documents.rowCount():
            doc_id = self.documents.id_at(row)
            if doc_id not in done and (not assigned or doc_id in assigned):
                self.open_document(doc_id)
                return
            row += step
        where = "unfinished article" if unfinished else "article"
        self.say(f"No {'next' if step > 0 else 'previous'} {where}.", 5000)

    def set_status(self, status: str) -> bool:
        """An undoable edit like any other; True if it is saved already."""
        if self.state.document is None:
            return False
        who = self.annotator()
        if not self.writer.pending and self.store.status(self.state.document.id, who) == status:
            return True  # nothing to change, nothing to undo
        command = SetStatus(self.store, self.state, self.writer.report, who, status,
                            shown=self._status_shown)
        self.push(command)
        return command.saved

    def _status_shown(self, doc_id: str) -> None:
        self.documents.refresh_document(doc_id)
        self.refresh_status()

    def done_and_next(self) -> None:
        if self.set_status("done"):
            self.step(+1, unfinished=True)

    def stop(self) -> None:
        """The window closes: nothing may read the store once it is closed."""
        self._list_refresh.stop()

    def _on_documents_reset(self) -> None:
        self.panel.select(self.state.document.id if self.state.document else None)
        self.refresh_status()

    def _on_state_spans_changed(self, *_args) -> None:
        # The list's span count reloads a page of rows, and new counts relayout the status
        # bar: both are done once a burst of edits is over, not inside each one (an edit is
        # felt as fast as the article repaints).
        self._stale_rows.add(self.state.document.id)
        self._list_refresh.start()  # then the list's row and the status bar's counts

    def _refresh_listed_documents(self) -> None:
        for doc_id in self._stale_rows:
            self.documents.refresh_document(doc_id)
        self._stale_rows.clear()
        self.refresh_status()
