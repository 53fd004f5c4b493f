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
    ("Ctrl+Shift+Up / Down", "extend the selection to the start / end of the sentence"),
    ("Tab / Shift+Tab", "select the next / previous span (while linking: the next candidate)"),
    ("Alt+Left / Right", "move the selected span's end by a word"),
    ("Alt+Shift+Left / Right", "move the selected span's start by a word"),
    ("drag an edge", "drag either end of the selected span"),
    ("Alt + label key", "label the selection exactly as selected (no snapping to words)"),
    ("Enter", "while linking: link to the chosen span"),
    ("1 … 9", "while linking: link to the numbered candidate (label keys again afterwards)"),
    ("a link type's key", "while linking: link with that type; in the list of links: "
                          "retype the picked link"),
    ("Esc", "cancel linking, or clear the span selection"),
    ("click again", "select the next span nested under the pointer"),
)

# Keys of the review window (Review ▸ Compare annotators, Ctrl+Shift+R); its own actions.
REVIEW_KEYS = (
    ("N or J / Shift+N or K", "review: the next / previous disagreement"),
    ("1 … 9", "review: pick an annotator's lane"),
    ("A", "review: accept the lane's spans into gold (the group's other undecided spans are rejected)"),
    ("R", "review: reject the lane's spans"),
    ("E", "review: edit the lane's span into gold (start and end from a selection in a lane)"),
    ("U", "review: undo the decisions on the group"),
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
