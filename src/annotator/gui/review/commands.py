"""Every verdict of the review window is an undo command (Ctrl+Z / Ctrl+Shift+Z), like the
main window's edits (gui/annotate/commands.py), and reaches the database through the store's
writer, in order.

The first time, the command applies the verdict (``review/verdicts.py``: the store's
checks, then the links that follow) and keeps the article's decisions and gold layer as
they were just before and just after (``Store.adjudication_state``). Undo and redo then put
back exactly one or the other (``Store.restore_adjudication``): the same decision rows, the
same gold spans and links with the same ids, never a verdict applied again that could come
out otherwise.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from annotator.gui.writer import Write, Writer
from annotator.review import verdicts
from annotator.store import Store

# What the window does once a step reached the database: (the command's token, what to
# say, the store's refusal or None, which step: "do", "undo" or "redo").
Shown = Callable[[object, str, str | None, str], None]


class VerdictCommand(QUndoCommand):
    """One key's verdicts on one article. ``apply`` makes them (it may raise the store's
    AdjudicationError: then nothing is kept and ``shown`` hears the refusal).

    Neither the save nor the show refers to the command itself (the stack deletes
    commands while their writes may still wait): what they share is ``self.states``."""

    def __init__(
        self, text: str, store: Store, writer: Writer, doc_id: str, apply: Callable[[], object],
        shown: Shown, where: int | None = None,
    ) -> None:
        super().__init__(text)
        self.store, self.writer, self.doc_id, self.apply = store, writer, doc_id, apply
        self.shown, self.where = shown, where
        self.token = object()  # how the window finds this command again (a refused one)
        self.states: dict[str, object] = {}
        self._write: Write | None = None

    def redo(self) -> None:
        if self._cancelled():
            return  # the undo never reached the database: it holds the verdict still
        if "after" in self.states:
            self._restore("redo", "before", "after")
            return
        # The first time (or again after an undo that dropped it before it was saved).
        store, doc_id, apply, states = self.store, self.doc_id, self.apply, self.states

        def save() -> str | None:
            # Tried again after the database refused it half-way: "before" is the first.
            states.setdefault("before", store.adjudication_state(doc_id))
            try:
                apply()
            except verdicts.AdjudicationError as exc:
                # Said, not kept for retrying: it would give the same answer, and it
                # would hold up every later edit.
                states.clear()
                return verdicts.refusal(exc)
            states["after"] = store.adjudication_state(doc_id)
            return None

        self._submit(save, "do")

    def undo(self) -> None:
        if self._cancelled():
            states = self.states
            if "after" not in states:
                states.clear()  # never applied: nothing to put back
            return
        self._restore("undo", "after", "before")

    def _cancelled(self) -> bool:
        """The last step still waits for the database: it is dropped there instead."""
        if self._write is not None and self.writer.cancel(self._write):
            self._write = None
            return True
        return False

    def _restore(self, step: str, now: str, wanted: str) -> None:
        store, states = self.store, self.states

        def save() -> None:
            if now in states and wanted in states:
                store.restore_adjudication(states[now], states[wanted])

        self._submit(save, step)

    def _submit(self, save: Callable[[], object], step: str) -> None:
        shown, token, text = self.shown, self.token, self.text()

        def show(refused: object) -> None:
            shown(token, text, refused if isinstance(refused, str) else None, step)

        self._write = Write(text, save, show)
        self.writer.submit(self._write)
