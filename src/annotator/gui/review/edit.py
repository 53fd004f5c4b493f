"""The E key of the review window: a span's start, end and label before it goes into gold.

Start and end come in from the selection in a lane (snapped to words) or the span itself;
the text they cover is shown as they change, so the reviewer sees what gold will hold.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

PREVIEW_CHARS = 400


class EditSpanDialog(QDialog):
    def __init__(
        self,
        text: str,
        start: int,
        end: int,
        label: str,
        labels: list[str],
        *,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit the span for gold")
        self.text = text
        self.start = QSpinBox(objectName="editStart", maximum=len(text), value=start)
        self.end = QSpinBox(objectName="editEnd", maximum=len(text), value=end)
        self.label = QComboBox(objectName="editLabel")
        self.label.addItems(labels)
        self.label.setCurrentText(label)
        self.preview = QLabel(objectName="editPreview", wordWrap=True)
        self.preview.setMinimumWidth(420)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Start", self.start)
        form.addRow("End", self.end)
        form.addRow("Label", self.label)
        form.addRow("Text", self.preview)
        form.addRow(self.buttons)
        self.start.valueChanged.connect(self._show_preview)
        self.end.valueChanged.connect(self._show_preview)
        self._show_preview()

    def result_range(self) -> tuple[int, int, str]:
        return self.start.value(), self.end.value(), self.label.currentText()

    def _show_preview(self, *_args) -> None:
        a, b = self.start.value(), self.end.value()
        ok = a < b
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
        if not ok:
            self.preview.setText("The end must come after the start.")
            return
        shown = self.text[a:b]
        if len(shown) > PREVIEW_CHARS:
            shown = shown[: PREVIEW_CHARS - 1] + "…"
        self.preview.setText(f"“{shown}”")
