"""The review window's actions: every key it answers to, in its menus, and the hints that
name them.

The window is driven from the keyboard; its menus (Edit, Go, Verdict) list every key, so
each can be found, and the actions are added to the window itself too, where their
shortcuts work whichever of its widgets has the focus.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from annotator.gui.review.keys import ReviewKeys

KEY_HINT = (
    "N / Shift+N  next, previous disagreement    Space  next undecided    1–9  pick a lane    "
    "A  accept    R  reject    E  edit    U  forget    Ctrl+N  note    Shift+A  accept all "
    "agreed    L  links    Ctrl+Z  undo"
)
LINK_KEY_HINT = (
    "Links:  N / Shift+N  next, previous undecided link    A  accept    R  reject    "
    "E  relabel    U  forget the verdict    Ctrl+N  note    L  back to the groups    Ctrl+Z  undo"
)


class ReviewActions:
    """The actions of ``window``, each calling one of ``keys``."""

    def __init__(self, window: QMainWindow, keys: ReviewKeys) -> None:
        bar = window.menuBar()
        edit_menu = bar.addMenu("&Edit")
        go_menu = bar.addMenu("&Go")
        verdict_menu = bar.addMenu("&Verdict")

        def action(text: str, shortcuts: list[str], slot: Callable, menu: QMenu) -> QAction:
            a = QAction(text, window)
            a.setShortcuts([QKeySequence(k) for k in shortcuts])
            a.triggered.connect(slot)
            window.addAction(a)
            menu.addAction(a)
            return a

        stack = window.undo_stack
        self.undo_step = stack.createUndoAction(window, "&Undo")
        self.undo_step.setShortcuts([QKeySequence("Ctrl+Z")])
        self.redo_step = stack.createRedoAction(window, "&Redo")
        self.redo_step.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        for a in (self.undo_step, self.redo_step):
            window.addAction(a)
            edit_menu.addAction(a)
        edit_menu.addSeparator()
        self.close = action("Close the review window", ["Esc", "Ctrl+W"], window.escape, edit_menu)

        self.next = action("Next disagreement", ["N", "J"], lambda: keys.step(+1), go_menu)
        self.previous = action(
            "Previous disagreement", ["Shift+N", "K"], lambda: keys.step(-1), go_menu
        )
        self.next_undecided = action(
            "Next undecided group (on to the next article)", ["Space"], keys.next_undecided,
            go_menu,
        )
        self.next_document = action(
            "Next article", ["Ctrl+PgDown"], lambda: keys.step_document(+1), go_menu
        )
        self.previous_document = action(
            "Previous article", ["Ctrl+PgUp"], lambda: keys.step_document(-1), go_menu
        )
        go_menu.addSeparator()
        self.links = action("Links / groups", ["L"], keys.toggle_links, go_menu)
        lanes = go_menu.addMenu("Pick annotator lane")
        self.lanes = [
            action(
                f"Pick annotator lane {n}", [str(n)], lambda _c=False, i=n - 1: keys.pick(i),
                lanes,
            )
            for n in range(1, 10)
        ]

        self.accept = action("Accept the lane's spans into gold", ["A"], keys.accept, verdict_menu)
        self.reject = action("Reject the lane's spans", ["R"], keys.reject, verdict_menu)
        self.edit = action("Edit the lane's span into gold", ["E"], keys.edit, verdict_menu)
        self.apply_edit = action(
            "Apply the edit", ["Return", "Enter"], keys.apply_edit, verdict_menu
        )
        self.apply_edit.setEnabled(False)
        self.note = action("Note on the verdict…", ["Ctrl+N"], keys.note, verdict_menu)
        self.undo = action("Forget the group's decisions", ["U"], keys.undo, verdict_menu)
        self.accept_agreed = action(
            "Accept every group where all agree", ["Shift+A"], keys.accept_agreed, verdict_menu
        )
        # While an edit is open, the keys that decide or move wait: Return applies it,
        # Escape cancels it (the fields take digits and letters as typed).
        self._busy_while_editing = [
            self.next, self.previous, self.next_undecided, self.next_document,
            self.previous_document, self.links, *self.lanes, self.accept, self.reject,
            self.edit, self.note, self.undo, self.accept_agreed, self.undo_step, self.redo_step,
        ]

    def set_editing(self, editing: bool) -> None:
        for a in self._busy_while_editing:
            a.setEnabled(not editing)
        self.apply_edit.setEnabled(editing)
        if not editing:  # the stack's own actions say whether there is anything to undo
            self.undo_step.setEnabled(self.undo_step.parent().undo_stack.canUndo())
            self.redo_step.setEnabled(self.redo_step.parent().undo_stack.canRedo())
