"""What the review window's keys do: the rules of ``review/rules.py`` asked about the window's
group, lane or link, a dialog where a key needs one, and the verdicts of
``review/verdicts.py`` handed to the window's writer. On the Links tab the keys A, R, E, U,
N and Shift+N act on the picked link instead of the group.
"""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QMainWindow

from annotator.core import textnav
from annotator.core.model import Relation
from annotator.gui.review.edit import EditSpanDialog
from annotator.review import rules, verdicts
from annotator.review.compare import next_disagreement
from annotator.review.rules import NothingToDo


class ReviewKeys:
    """The keys of one review window; they read its group, lane and link, and write
    through its ``submit``."""

    def __init__(self, window: QMainWindow) -> None:
        # The ReviewWindow, not imported by name: it imports this module.
        self.window = window

    # -- moving ------------------------------------------------------------------------------

    def step(self, direction: int) -> None:
        """N / Shift+N: the next, previous disagreement (undecided link on the Links tab)."""
        w = self.window
        if w.on_links():
            found = rules.next_open_link(
                w.links_model.links, w.decisions, w.links_table.currentIndex().row(), direction
            )
            if found is None:
                self._say("Every link in this article has a verdict.")
            else:
                w.select_link(found)
            return
        after = w.current.start if w.current else (-1 if direction > 0 else 1 << 62)
        found_group = next_disagreement(w.groups, after, backwards=direction < 0)
        if found_group is None:
            self._say("Every group in this article agrees.")
            return
        w.show_group(found_group)

    def step_document(self, direction: int) -> None:
        documents = self.window.bar.documents
        i = documents.currentIndex() + direction
        if 0 <= i < documents.count():
            self.window.open_document(documents.itemData(i))

    def pick(self, index: int) -> None:
        """1..9: the lane of the shown annotator at ``index``."""
        shown = self.window.shown_annotators()
        if 0 <= index < len(shown):
            self.window.set_lane(shown[index])
            self._say(f"Lane {index + 1}: {shown[index]}", 3000)

    def toggle_links(self) -> None:
        self.window.tabs.setCurrentIndex(0 if self.window.on_links() else 1)

    # -- deciding ----------------------------------------------------------------------------

    def accept(self) -> None:
        w = self.window
        if w.on_links():
            link = self._picked_link()
            if link is not None:
                self._decide_link(link, f"Accept {link.annotator}'s {link.label} link", "accepted")
            return
        self._decide(lambda: rules.accept(w.current, w.lane, w.decisions))

    def reject(self) -> None:
        w = self.window
        if w.on_links():
            link = self._picked_link()
            if link is not None:
                self._decide_link(link, f"Reject {link.annotator}'s {link.label} link", "rejected")
            return
        self._decide(lambda: rules.reject(w.current, w.lane))

    def edit(self) -> None:
        """E: the lane's span into gold with a new start and end (from a selection in any
        lane, snapped to words) or a new label; on a link, its type in gold."""
        w = self.window
        if w.on_links():
            self._edit_link()
            return
        try:
            selected = w.compare.selected_range()
            span = rules.span_to_edit(w.current, w.lane, selected)
        except NothingToDo as nothing:
            self._say(str(nothing))
            return
        text = w.document.text
        start, end = textnav.snap_to_words(text, *selected) if selected else (span.start, span.end)
        dialog = EditSpanDialog(text, start, end, span.label, list(w.colors), parent=w)
        if dialog.exec():
            change = dialog.result_range()
            self._decide(lambda: rules.edit(w.current, w.lane, span, change, w.decisions))

    def undo(self) -> None:
        """U: forget the verdicts on the group's spans and their links (or on the link)."""
        w = self.window
        if w.on_links():
            link = self._picked_link()
            if link is None:
                return
            if link.id not in w.decisions:
                self._say("This link has no verdict yet.")
                return
            ids, text = [link.id], f"Undo the verdict on {link.annotator}'s link"
        else:
            try:
                ids = rules.undo(w.current, w.relations, w.decisions)
            except NothingToDo as nothing:
                self._say(str(nothing))
                return
            if not ids:
                return
            text = f"Undo {len(ids)} decision(s)"
        store = w.store
        w.submit(text, lambda: verdicts.undecide(store, ids))

    def accept_agreed(self) -> None:
        """Shift+A: every group of this article where all the shown annotators agree goes
        into gold. The links whose spans are then all in gold follow them."""
        w = self.window
        self._decide(lambda: rules.accept_agreed(w.groups, w.decisions))

    # -- helpers -----------------------------------------------------------------------------

    def _decide(self, ask) -> None:
        try:
            asked = ask()
        except NothingToDo as nothing:
            self._say(str(nothing))
            return
        store, reviewer, doc_id = self.window.store, self.window.reviewer(), self.window.document.id
        self.window.submit(
            asked.text,
            lambda: verdicts.decide_spans(store, doc_id, asked.verdicts, reviewer=reviewer),
        )

    def _picked_link(self) -> Relation | None:
        link = self.window.current_link()
        if link is None:
            self._say("No link picked: pick one in the Links tab.")
        return link

    def _edit_link(self) -> None:
        """E on a link: its type in gold (the link itself goes in as an edited copy)."""
        link = self._picked_link()
        if link is None:
            return
        w = self.window
        labels = w.link_labels or [link.label]
        decided = w.decisions.get(link.id)
        now = w.links_model.gold_labels.get(decided.gold or "") if decided else None
        current = labels.index(now or link.label) if (now or link.label) in labels else 0
        label, ok = QInputDialog.getItem(
            w, "Link type in gold", f"{link.annotator}'s {link.label} link goes into gold as:",
            labels, current, False,
        )
        if ok:
            verdict = "accepted" if label == link.label else "edited"
            self._decide_link(link, f"{link.annotator}'s link into gold as {label}", verdict, label)

    def _decide_link(
        self, link: Relation, text: str, verdict: str, label: str | None = None
    ) -> None:
        store, reviewer, item = self.window.store, self.window.reviewer(), link.id
        self.window.submit(
            text,
            lambda: verdicts.decide_link(store, item, verdict, reviewer=reviewer, label=label),
        )

    def _say(self, message: str, timeout: int = 5000) -> None:
        self.window.statusBar().showMessage(message, timeout)
