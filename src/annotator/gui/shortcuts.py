"""The shortcut sheet (F1 or ?): every key the window knows, read from its actions."""

from __future__ import annotations

import html

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMenu,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

# Keys handled inside the article rather than by actions.
ARTICLE_KEYS = (
    ("Shift+Arrows", "extend the selection by a character or a line"),
    ("Ctrl+Shift+Left / Right", "extend the selection by a word"),
    ("Ctrl+Up / Down", "move the caret to the start / end of the sentence"),
    ("Ctrl+Shift+Up / Down", "extend the selection to the start / end of the sentence; "
     "again at a paragraph's end (start): on into the next (previous) one; quotation marks "
     "kept in pairs"),
    ("Tab / Shift+Tab", "select the next / previous span (while linking: the next candidate)"),
    ("Alt+Left / Right", "move the selected span's end by a word, a run of quotation marks "
     "or a run of other punctuation"),
    ("Alt+Shift+Left / Right", "move the selected span's start the same way"),
    ("drag an edge", "drag either end (grip) of the selected span: it snaps to words; "
     "hold Alt for single characters"),
    ("Alt + label key", "label the selection exactly as selected (no snapping to words)"),
    ("Enter", "while linking: link to the chosen span; with the find bar open: the next "
     "match (Shift+Enter: the previous)"),
    ("1 … 9", "while linking: link to the numbered candidate (label keys again afterwards)"),
    ("a link type's key", "while linking: link with that type; in the list of links: "
                          "retype the picked link"),
    ("label key, find bar open", "label the match (Enter in the find bar selects it and "
     "hands the keys to the article)"),
    ("Alt+C / Alt+W in the find bar", "match case / whole words only"),
    ("Ctrl+Enter in a note", "save the note (Enter: a new line, Esc: cancel)"),
    ("Esc", "cancel linking, close the find bar, or clear the span selection"),
    ("click again", "select the next span nested under the pointer"),
    ("label key, a suggestion current", "accept the suggestion with that label (Suggestions "
     "menu: . / , go to the next / previous one)"),
)

# Keys of the review window (Review ▸ Compare annotators, Ctrl+Shift+R); its own actions.
REVIEW_KEYS = (
    ("N or J / Shift+N or K", "review: the next / previous disagreement"),
    ("Space", "review: the next undecided group, on to the next article"),
    ("1 … 9", "review: pick an annotator's lane"),
    ("A", "review: accept the lane's spans into gold (the group's other undecided spans are rejected; an edit is kept), then on to the next undecided group"),
    ("R", "review: reject the lane's spans, then on to the next undecided group"),
    ("E", "review: edit the lane's span into gold (drag its edges in the gold lane, or type them; Return applies)"),
    ("U", "review: forget the decisions on the group"),
    ("Ctrl+N", "review: the reviewer's note on the lane's verdict (exported with gold)"),
    ("Ctrl+Z / Ctrl+Shift+Z", "review: undo / redo a verdict, an edit or a note"),
    ("Escape", "review: close the review window (cancels an edit first)"),
    ("Shift+A", "review: accept every group where all agree"),
    ("L", "review: the Links tab (A, R, E relabel, U, N / Shift+N act on the picked link)"),
    ("Ctrl+PgDown / Ctrl+PgUp", "review: the next / previous article"),
)


class ShortcutSheet(QDialog):
    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setWindowTitle("Keyboard shortcuts")
        rows = []
        seen = set()
        for action in window.findChildren(type(window.actions()[0])) if window.actions() else []:
            keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
            owner = action.parent()
            top = owner.window() if isinstance(owner, QWidget) else None
            if top is not None and top is not window and not isinstance(top, QMenu):
                continue  # another window's keys (the review window's are listed below)
            name = action.text().replace("&", "").split("\t")[0]
            if keys and name and (name, tuple(keys)) not in seen:
                seen.add((name, tuple(keys)))
                rows.append((" or ".join(keys), name))
        rows.sort(key=lambda r: r[1].lower())
        body = "".join(
            f"<tr><td><b>{html.escape(k)}</b></td><td>{html.escape(v)}</td></tr>"
            for k, v in [*rows, *ARTICLE_KEYS, *REVIEW_KEYS]
        )
        view = QTextBrowser(objectName="shortcutSheet")
        view.setHtml(f"<table cellpadding='4'>{body}</table>")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(view)
        layout.addWidget(buttons)
        self.resize(620, 640)
        self.text = view.toPlainText()
