"""The note editor: a note on a span or on the article, several lines long. Enter starts
a new line; Ctrl+Enter saves (as in the comment boxes of most tools) and Esc cancels."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


class NoteDialog(QDialog):
    def __init__(self, parent: QWidget | None, title: str, prompt: str, text: str) -> None:
        super().__init__(parent)
        self.setObjectName("noteDialog")
        self.setWindowTitle(title)
        self.editor = QPlainTextEdit(objectName="noteEditor")
        self.editor.setPlainText(text)
        self.editor.setTabChangesFocus(True)
        self.editor.installEventFilter(self)
        self.editor.moveCursor(self.editor.textCursor().MoveOperation.End)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        save = buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setToolTip("Save the note (Ctrl+Enter)")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        hint = QLabel("Ctrl+Enter saves · Esc cancels · an empty note removes it",
                      objectName="noteHint")
        hint.setEnabled(False)  # drawn in the palette's quiet colour, in either theme
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(prompt, wordWrap=True))
        layout.addWidget(self.editor)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.resize(460, 260)
        self.editor.setFocus()

    def text(self) -> str:
        return self.editor.toPlainText()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if (
            watched is self.editor
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.accept()
            return True
        return super().eventFilter(watched, event)


def ask_note(parent: QWidget | None, title: str, prompt: str, text: str) -> tuple[str, bool]:
    """The note as edited, and whether the user saved it (the shape of
    ``QInputDialog.getMultiLineText``)."""
    dialog = NoteDialog(parent, title, prompt, text)
    try:
        saved = dialog.exec() == QDialog.DialogCode.Accepted
        return dialog.text(), saved
    finally:
        dialog.deleteLater()
