"""One action per span label: its colour, name and key. Used by the tool bar and menus."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QColor, QGuiApplication, QIcon, QKeySequence, QPainter, QPixmap

from annotator.core.model import Label
from annotator.gui import theme


class LabelActions(QObject):
    triggered = Signal(str)  # label name

    def __init__(self, *, parent: QObject) -> None:
        super().__init__(parent)
        self.actions: list[QAction] = []

    def rebuild(self, labels: list[Label]) -> list[QAction]:
        for action in self.actions:
            action.deleteLater()
        self.actions = [self._action(label) for label in labels if label.kind == "span"]
        return self.actions

    def _action(self, label: Label) -> QAction:
        text = f"{label.name}" if not label.key else f"{label.key}  {label.name}"
        action = QAction(_swatch(label.color), text, self.parent())
        if label.key:  # with Alt held, the selection is taken exactly (no snapping)
            action.setShortcuts([QKeySequence(label.key), QKeySequence(f"Alt+{label.key}")])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        tip = label.description or label.name
        key = f" (key {label.key})" if label.key else ""
        action.setToolTip(f"Mark the selection as {label.name}{key}: {tip}")
        action.setData(label.name)
        action.triggered.connect(lambda _checked=False, name=label.name: self.triggered.emit(name))
        return action


def _swatch(color: str) -> QIcon:
    ratio = QGuiApplication.primaryScreen().devicePixelRatio() if QGuiApplication.primaryScreen() else 1.0
    pixmap = QPixmap(round(16 * ratio), round(16 * ratio))  # crisp on high-DPI screens
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(theme.highlight(color))
    painter.setPen(QColor(color).darker(120))
    painter.drawRoundedRect(1, 1, 14, 14, 3, 3)
    painter.end()
    return QIcon(pixmap)
