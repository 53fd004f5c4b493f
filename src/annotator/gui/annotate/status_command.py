"""The status of an article (to do, in progress, done) as an undo command: Ctrl+Return marks
the article done and opens the next, and Ctrl+Z there opens it again as it was."""

from __future__ import annotations

from collections.abc import Callable

from annotator.gui.annotate.commands import StoreCommand


class SetStatus(StoreCommand):
    """Mark the open article; undo puts back the status it had just before (read when the
    mark is saved, so an edit still waiting to be saved that set it is counted)."""

    def __init__(self, store, state, report, who: str, status: str,
                 shown: Callable[[str], None]):
        super().__init__(f"Mark as {status.replace('_', ' ')}", store, state, report)
        self.who, self.status, self.shown = who, status, shown
        self.before = {"status": None}  # shared with the saves, which may not hold self

    def _redo(self):
        store, doc_id, who, status, before = (
            self.store, self.doc_id, self.who, self.status, self.before
        )

        def save() -> None:
            if before["status"] is None:
                before["status"] = store.status(doc_id, who)
            store.set_status(doc_id, who, status)

        return save, self._show

    def _undo(self):
        store, doc_id, who, before = self.store, self.doc_id, self.who, self.before
        return lambda: store.set_status(doc_id, who, before["status"]), self._show

    @property
    def _show(self) -> Callable[[object], None]:
        shown, doc_id = self.shown, self.doc_id
        return lambda _: shown(doc_id)

    @property
    def saved(self) -> bool:
        """The last step reached the database."""
        return self._write is None or self._write.done
