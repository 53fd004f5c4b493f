"""The E key of the review window: a span's start, end and label before it goes into gold.

E opens this bar above the lanes (not a dialog: the lanes stay in reach). The span being
edited is shown in the gold lane with a bar at each edge, which the reviewer drags with the
mouse (snapped to words); the start and end fields here follow the drag and are the
keyboard's way (and the fallback) to the same offsets. The text they cover is shown as they
change, so the reviewer sees what gold will hold. Return applies, Escape cancels.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

PREVIEW_CHARS = 400


class EditBar(QFrame):
    range_changed = Signal(int, int)  # the start and end fields changed (by hand)
    applied = Signal()
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("editBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.text = ""
        self.title = QLabel(objectName="editTitle")
        self.start = QSpinBox(objectName="editStart")
        self.end = QSpinBox(objectName="editEnd")
        self.label = QComboBox(objectName="editLabel")
        self.preview = QLabel(objectName="editPreview", wordWrap=True)
        self.preview.setMinimumWidth(300)
        self.setToolTip(
            "Drag the edges in the gold lane (they snap to words), or type the offsets · "
            "Return applies · Escape cancels"
        )
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.apply)
        self.buttons.rejected.connect(self.cancelled)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 12, 6)
        row.addWidget(self.title)
        for name, field in (("Start", self.start), ("End", self.end), ("Label", self.label)):
            row.addWidget(QLabel(name))
            row.addWidget(field)
        row.addWidget(self.preview, 1)
        row.addWidget(self.buttons)
        self.start.valueChanged.connect(self._by_hand)
        self.end.valueChanged.connect(self._by_hand)
        self.hide()

    def begin(
        self, text: str, title: str, start: int, end: int, label: str, labels: list[str]
    ) -> None:
        """Show the bar for a span of ``text`` going into gold as ``[start, end)``."""
        self.text = text
        self.title.setText(f"<b>{title}</b>")
        for box in (self.start, self.end):
            box.blockSignals(True)
            box.setMaximum(len(text))
        self.label.clear()
        self.label.addItems(labels)
        self.label.setCurrentText(label)
        self.set_range(start, end)
        self.show()

    def set_range(self, start: int, end: int) -> None:
        """The fields follow a drag in the gold lane (no ``range_changed`` back)."""
        for box, value in ((self.start, start), (self.end, end)):
            box.blockSignals(True)
            box.setValue(value)
            box.blockSignals(False)
        self._show_preview()

    def result_range(self) -> tuple[int, int, str]:
        return self.start.value(), self.end.value(), self.label.currentText()

    def valid(self) -> bool:
        return self.start.value() < self.end.value()

    def apply(self) -> None:
        if self.valid():
            self.applied.emit()

    def _by_hand(self, *_args) -> None:
        self._show_preview()
        if self.valid():
            self.range_changed.emit(self.start.value(), self.end.value())

    def _show_preview(self) -> None:
        a, b = self.start.value(), self.end.value()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(a < b)
        if a >= b:
            self.preview.setText("The end must come after the start.")
            return
        shown = " ".join(self.text[a:b].split())
        if len(shown) > PREVIEW_CHARS:
            shown = shown[: PREVIEW_CHARS - 1] + "…"
        self.preview.setText(f"“{shown}”")
