"""One action per label: its colour, name and key. Used by the tool bar and menus.

A span label's action marks the selection; a document label's action is checkable and sets
or unsets the label on the whole article (checked: the annotator has set it)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QColor, QGuiApplication, QIcon, QKeySequence, QPainter, QPixmap

from annotator.core.model import Label
from annotator.gui import theme


class LabelActions(QObject):
    triggered = Signal(str)  # span label name
    document_triggered = Signal(str)  # document label name

    def __init__(self, *, parent: QObject) -> None:
        super().__init__(parent)
        self.actions: list[QAction] = []
        self.document_actions: list[QAction] = []

    def rebuild(self, labels: list[Label]) -> list[QAction]:
        """The span labels' actions (the document labels' are in ``document_actions``)."""
        for action in self.actions + self.document_actions:
            action.deleteLater()
        self.actions = [self._action(label) for label in labels if label.kind == "span"]
        self.document_actions = [
            self._document_action(label) for label in labels if label.kind == "document"
        ]
        return self.actions

    def check(self, names: set[str]) -> None:
        """Tick the document labels the annotator has set on the open article."""
        for action in self.document_actions:
            action.setChecked(action.data() in names)

    def _document_action(self, label: Label) -> QAction:
        text = f"{label.name}" if not label.key else f"{label.key}  {label.name}"
        action = QAction(_swatch(label.color), text, self.parent())
        action.setCheckable(True)
        if label.key:
            action.setShortcut(QKeySequence(label.key))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        key = f" (key {label.key})" if label.key else ""
        about = f": {label.description}" if label.description else ""
        action.setToolTip(f"Set or unset {label.name} on the whole article{key}{about}")
        action.setData(label.name)
        action.triggered.connect(lambda checked, name=label.name: self._toggled(name, checked))
        return action

    def _toggled(self, name: str, checked: bool) -> None:
        # Qt ticks the box at once; what is shown must be what is saved, so the tick goes
        # back until the window sets it from the database (document_labels_changed).
        for action in self.document_actions:
            if action.data() == name:
                action.setChecked(not checked)
        self.document_triggered.emit(name)

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
    # The edge in the label's colour, set off from the window: lighter on a dark one.
    painter.setPen(QColor(color).lighter(130) if theme.is_dark() else QColor(color).darker(160))
    painter.drawRoundedRect(1, 1, 14, 14, 3, 3)
    painter.end()
    return QIcon(pixmap)
