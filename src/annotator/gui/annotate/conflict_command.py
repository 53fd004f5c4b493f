"""Keep mine / Keep theirs / Keep both as one step of the window's undo history.

The conflict is settled at once by the store (so a refusal is said in the Conflicts dialog and
nothing is pushed on the stack); the command keeps the :class:`ConflictChange` the store
returned, and undo (Ctrl+Z) or redo (Ctrl+Shift+Z) writes the rows before or after back through
the window's writer. After each, the open article, the Conflicts dialog and the status bar
follow, and the sync is asked to run: what it sends is what the file holds then."""

from __future__ import annotations

from collections.abc import Callable

from annotator.gui.annotate.commands import StoreCommand
from annotator.gui.writer import Write
from annotator.store.conflict_undo import ConflictChange

KEPT = {"local": "yours", "hub": "the hub's", "both": "both versions"}


class SettleConflict(StoreCommand):
    """``change`` is already in the file; ``shown(change, forward)`` puts it on screen."""

    def __init__(self, store, state, report, change: ConflictChange,
                 shown: Callable[[ConflictChange, bool], None]) -> None:
        super().__init__(f"Keep {KEPT[change.keep]} (sync conflict)", store, state, report)
        self.change, self.shown = change, shown
        self.doc_id = change.document  # undo from another article opens this one
        self._first = True

    def _redo(self):
        store, change, shown, first = self.store, self.change, self.shown, self._first
        self._first = False

        def save():
            if not first:  # the first run's rows were written when the button was pressed
                store.redo_conflict_change(change)
            return change

        return save, lambda done: shown(done, True)

    def _undo(self):
        store, change, shown = self.store, self.change, self.shown

        def save():
            store.undo_conflict_change(change)
            return change

        return save, lambda done: shown(done, False)

    def _run(self, step) -> None:
        # Never drop a waiting write here: the first one stands for rows already written,
        # so dropping it would leave the file settled while the history says otherwise.
        # Writes run in order, so an undo queued behind its redo still undoes it.
        if self._made:
            self._bring_back()
        self._made = True
        save, show = step()
        self._write = Write(self.text(), save, show)
        self.writer.submit(self._write)
