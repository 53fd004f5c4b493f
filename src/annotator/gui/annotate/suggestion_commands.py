"""Accepting and rejecting suggestions as undo steps: the first run asks the store to
accept (or reject) and keeps the :class:`SuggestionChange` it returns; undo and redo replay
that change exactly (store/suggestions.py), so the database and the window stay in step."""

from __future__ import annotations

from collections.abc import Callable

from annotator.core.suggestion_rows import SuggestionChange
from annotator.gui.annotate.commands import StoreCommand
from annotator.gui.writer import Write

Shown = Callable[[SuggestionChange, bool], None]  # the window shows a change (forward or not)


class SuggestionCommand(StoreCommand):
    """One decision on suggestions. ``decide`` is the store call of its first run (it
    returns the change); ``shown`` puts a change on screen, forward (redo) or backward."""

    def __init__(self, text, store, state, report, decide: Callable[[], SuggestionChange],
                 shown: Shown) -> None:  # fmt: skip
        super().__init__(text, store, state, report)
        self.decide, self.shown = decide, shown
        self.made: dict[str, SuggestionChange] = {}  # "change", once the store has made it

    def _redo(self):
        store, made, shown, decide = self.store, self.made, self.shown, self.decide

        def save():
            if "change" not in made:
                made["change"] = decide()
            else:
                store.redo_suggestion_change(made["change"])
            return made["change"]

        return save, lambda change: shown(change, True)

    def _undo(self):
        store, made, shown = self.store, self.made, self.shown

        def save():
            change = made.get("change")
            if change is not None:
                store.undo_suggestion_change(change)
            return change

        return save, lambda change: change is not None and shown(change, False)

    def _run(self, step) -> None:
        # A refused decision (the suggestion is gone, a link rule) is told and dropped,
        # never kept to be tried again: trying it again would be refused again.
        if self._write is not None and self.writer.cancel(self._write):
            self._write = None
            return
        save, show = step()
        self._write = Write(self.text(), save, show, refused=self.report)
        self.writer.submit(self._write)
