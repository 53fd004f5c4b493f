"""What the review window's keys do: the rules of ``review/rules.py`` asked about the window's
group, lane or link, a question where a key needs one, and the verdicts of
``review/verdicts.py`` handed to the window (``decide``: an undo command through the
writer). On the Links tab the keys A, R, E, U, N and Shift+N act on the picked link instead
of the group.

A key that would change a verdict already given says so and asks first (Yes: change it;
No: decide only what is still undecided; Cancel: nothing); ``A`` never overwrites an edit.
"""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QMainWindow, QMessageBox

from annotator.core import textnav
from annotator.core.model import Relation
from annotator.review import rules, verdicts
from annotator.review.compare import next_disagreement
from annotator.review.rules import NothingToDo

Button = QMessageBox.StandardButton


class ReviewKeys:
    """The keys of one review window; they read its group, lane and link, and write
    through its ``decide``."""

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

    def next_undecided(self) -> None:
        """Space: the next group with a span still undecided, on to the next article that
        has one when this article has none further on."""
        w = self.window
        if w.document is None:
            return
        after = w.current.start if w.current else -1
        found = rules.next_undecided(w.groups, w.decisions, after, wrap=False)
        if found is not None:
            w.show_group(found)
            return
        progress = w.store.adjudication_progress_by_document()
        order = list(progress)
        here = order.index(w.document.id) if w.document.id in order else -1
        for doc_id in order[here + 1 :] + order[: max(0, here)]:
            decided, total = progress[doc_id]
            if decided < total:
                w.open_document(doc_id)
                first = rules.next_undecided(w.groups, w.decisions, -1)
                if first is not None:
                    w.show_group(first)
                self._say(
                    f"On to the next article with undecided spans: "
                    f"{w.bar.documents.currentText()}"
                )
                return
        first = rules.next_undecided(w.groups, w.decisions, -1)
        if first is not None:
            w.show_group(first)  # undecided ones earlier in this article only
            return
        self._say("Every span of every article has a verdict.")

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
        self._decide(lambda: rules.accept(w.current, w.lane, self._open()), advance=True)

    def reject(self) -> None:
        w = self.window
        if w.on_links():
            link = self._picked_link()
            if link is not None:
                self._decide_link(link, f"Reject {link.annotator}'s {link.label} link", "rejected")
            return
        self._decide(lambda: rules.reject(w.current, w.lane, self._open()), advance=True)

    def edit(self) -> None:
        """E: the lane's span into gold with a new start and end (from a selection in any
        lane, snapped to words, then by dragging its edges in the gold lane or in the
        edit bar's fields) or a new label; on a link, its type in gold."""
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
        w.begin_edit(span, start, end)

    def apply_edit(self) -> None:
        """Return in the edit bar: the span goes into gold as the bar has it."""
        w = self.window
        editing = w.editing
        if editing is None or not w.edit_bar.valid():
            return
        span, group, lane = editing
        change = w.edit_bar.result_range()
        w.end_edit()
        self._decide(lambda: rules.edit(group, lane, span, change, w.decisions))

    def note(self) -> None:
        """Ctrl+N: the reviewer's note on the verdict(s) of the lane's spans in the group
        (on the Links tab, the picked link's); exported with gold."""
        w = self.window
        if w.on_links():
            link = self._picked_link()
            items = [link.id] if link is not None else []
            what = f"{link.annotator}'s {link.label} link" if link else ""
        else:
            try:
                items = [s.id for s in rules.lane_spans(w.current, w.lane)]
            except NothingToDo as nothing:
                self._say(str(nothing))
                return
            what = f"{w.lane}'s span(s) here"
        if not items:
            self._say(f"{w.lane} has no span here to note.")
            return
        decided = [i for i in items if i in w.decisions]
        if not decided:
            self._say("A note goes with a verdict: decide first (A, R or E), then add it.")
            return
        now = w.verdict_notes.get(decided[0], "")
        note, ok = QInputDialog.getMultiLineText(
            w, "Note on the verdict", f"Your note on the verdict on {what} (goes with gold):", now
        )
        if not ok or note.strip() == now.strip():
            return
        store = w.store
        w.decide(
            "Note on the verdict" if note.strip() else "Remove the note on the verdict",
            lambda: [store.set_decision_note(i, note) for i in decided],
        )

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
            ids, text = [link.id], f"Forget the verdict on {link.annotator}'s link"
        else:
            try:
                ids = rules.undo(w.current, w.relations, w.decisions)
            except NothingToDo as nothing:
                self._say(str(nothing))
                return
            if not ids:
                return
            text = f"Forget {len(ids)} decision(s)"
        store = w.store
        w.decide(text, lambda: verdicts.undecide(store, ids))

    def accept_agreed(self) -> None:
        """Shift+A: every group of this article where all the shown annotators agree goes
        into gold. The links whose spans are then all in gold follow them."""
        w = self.window
        self._decide(lambda: rules.accept_agreed(w.groups, w.decisions))

    # -- helpers -----------------------------------------------------------------------------

    def _open(self) -> dict:
        """The verdicts as the keys see them: one flagged "look again" (a later version of
        its item came in) counts as not given yet, so deciding it again, even the same way,
        records a new verdict and settles the flag."""
        flagged = self.window.model.flagged
        return {k: d for k, d in self.window.decisions.items() if k not in flagged}

    def _decide(self, ask, *, advance: bool = False) -> None:
        try:
            asked = ask()
        except NothingToDo as nothing:
            self._say(str(nothing))
            return
        if asked.changes:
            answer = self._ask_change(asked.text, list(asked.changes), keep=True)
            if answer == Button.Cancel:
                self._say("Nothing changed.")
                return
            if answer == Button.No:
                asked = asked.keeping_decided()
                if not asked.verdicts:
                    self._say("Nothing changed: every span here was decided already.")
                    return
        store, reviewer, doc_id = self.window.store, self.window.reviewer(), self.window.document.id
        text = f"{asked.text} ({asked.kept})" if asked.kept else asked.text
        self.window.decide(
            text,
            lambda: verdicts.decide_spans(store, doc_id, asked.verdicts, reviewer=reviewer),
            advance=advance,
        )

    def _ask_change(self, what: str, changes: list[str], *, keep: bool) -> int:
        """The question before a key changes verdicts already given."""
        box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Change a decided verdict?")
        n = len(changes)
        box.setText(
            f"“{what}” would change {'a verdict' if n == 1 else f'{n} verdicts'} "
            "given already:\n\n" + "\n".join(changes)
        )
        if keep:
            box.setInformativeText(
                "Yes changes them. No leaves them as they are and decides only what is "
                "still undecided. Cancel does nothing."
            )
            box.setStandardButtons(Button.Yes | Button.No | Button.Cancel)
        else:
            box.setStandardButtons(Button.Yes | Button.Cancel)
        box.setDefaultButton(Button.Cancel)
        box.setEscapeButton(Button.Cancel)
        return Button(box.exec())

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
        before = self.window.decisions.get(item)
        if before is not None and before.verdict != verdict and verdict != "edited":
            change = f"{link.annotator}'s {link.label} link: {before.verdict} → {verdict}"
            if self._ask_change(text, [change], keep=False) != Button.Yes:
                self._say("Nothing changed.")
                return
        self.window.decide(
            text,
            lambda: verdicts.decide_link(store, item, verdict, reviewer=reviewer, label=label),
        )

    def _say(self, message: str, timeout: int = 5000) -> None:
        self.window.statusBar().showMessage(message, timeout)
