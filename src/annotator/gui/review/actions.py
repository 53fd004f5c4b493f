"""The review window's actions: every key it answers to, and the hints that name them.

The window has no menus (it is driven from the keyboard), so its actions are added to the
window itself, where their shortcuts work whichever of its widgets has the focus.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow

from annotator.gui.review.keys import ReviewKeys

KEY_HINT = (
    "N / Shift+N  next, previous disagreement    1–9  pick a lane    A  accept    "
    "R  reject    E  edit    U  undo the decision    Shift+A  accept all agreed    L  links"
)
LINK_KEY_HINT = (
    "Links:  N / Shift+N  next, previous undecided link    A  accept    R  reject    "
    "E  relabel    U  undo the decision    L  back to the groups"
)


class ReviewActions:
    """The actions of ``window``, each calling one of ``keys``."""

    def __init__(self, window: QMainWindow, keys: ReviewKeys) -> None:
        def action(text: str, shortcuts: list[str], slot: Callable) -> QAction:
            a = QAction(text, window)
            a.setShortcuts([QKeySequence(k) for k in shortcuts])
            a.triggered.connect(slot)
            window.addAction(a)
            return a

        self.next = action("Next disagreement", ["N", "J"], lambda: keys.step(+1))
        self.previous = action("Previous disagreement", ["Shift+N", "K"], lambda: keys.step(-1))
        self.accept = action("Accept the lane's spans into gold", ["A"], keys.accept)
        self.reject = action("Reject the lane's spans", ["R"], keys.reject)
        self.edit = action("Edit the lane's span into gold", ["E"], keys.edit)
        self.undo = action("Undo the group's decisions", ["U"], keys.undo)
        self.accept_agreed = action(
            "Accept every group where all agree", ["Shift+A"], keys.accept_agreed
        )
        self.links = action("Links / groups", ["L"], keys.toggle_links)
        self.lanes = [
            action(f"Pick annotator lane {n}", [str(n)], lambda _c=False, i=n - 1: keys.pick(i))
            for n in range(1, 10)
        ]
        self.next_document = action(
            "Next article", ["Ctrl+PgDown"], lambda: keys.step_document(+1)
        )
        self.previous_document = action(
            "Previous article", ["Ctrl+PgUp"], lambda: keys.step_document(-1)
        )
        self.close = action("Close the review window", ["Ctrl+W"], window.close)
