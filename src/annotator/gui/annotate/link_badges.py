"""Numbers on the first link candidates while linking: a small badge 1..9 at the start of
each, so one digit key picks it (as Prodigy and INCEpTION number their choices). At most
nine small labels over the view's viewport, moved when it scrolls or is resized: the cost
does not grow with the article."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint
from PySide6.QtWidgets import QAbstractScrollArea, QLabel

from annotator.core.model import Span
from annotator.gui.annotate.state import DocumentState

MAX_BADGES = 9


class CandidateBadges(QObject):
    def __init__(self, state: DocumentState, *, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.view: QAbstractScrollArea | None = None
        self.spans: list[Span] = []
        self.badges: list[QLabel] = []
        self._connections: list = []

    def show(self, view: QAbstractScrollArea, spans: list[Span]) -> None:
        """Number ``spans`` (the first nine) in ``view``, a reading view."""
        self.hide()
        self.view, self.spans = view, list(spans[:MAX_BADGES])
        view.viewport().installEventFilter(self)
        self._connections = [bar.valueChanged.connect(self._place)
                             for bar in (view.verticalScrollBar(), view.horizontalScrollBar())]
        for number, span in enumerate(self.spans, 1):
            badge = QLabel(str(number), view.viewport(), objectName="linkCandidateBadge")
            badge.setToolTip(f"Key {number}: link to “{span.text[:60]}”")
            # The palette's selection colours: readable in the light and the dark theme.
            badge.setStyleSheet(
                "QLabel#linkCandidateBadge { background: palette(highlight); "
                "color: palette(highlighted-text); border: 1px solid palette(text); "
                "border-radius: 4px; padding: 0 3px; font-weight: bold; font-size: 9pt; }"
            )
            badge.adjustSize()
            self.badges.append(badge)
        self._place()

    def hide(self) -> None:
        if self.view is not None:
            self.view.viewport().removeEventFilter(self)
            for connection in self._connections:
                QObject.disconnect(connection)
        for badge in self.badges:
            badge.hide()
            badge.deleteLater()
        self.view, self.spans, self.badges, self._connections = None, [], [], []

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        if event.type() in (QEvent.Type.Resize, QEvent.Type.LayoutRequest):
            self._place()
        return False

    def _place(self, *_args) -> None:
        """Each badge just above its span's first character."""
        if self.view is None:
            return
        area = self.view.viewport().rect()
        for badge, span in zip(self.badges, self.spans, strict=True):
            if span.id not in self.state.spans:
                badge.hide()
                continue
            rect = self.view._rect_at(self.state.positions.to_qt(span.start))
            # Above the first letter, in the space between the lines, not over the word.
            at = QPoint(rect.left() - badge.width() // 2, rect.top() - badge.height() + 3)
            at.setX(max(0, min(at.x(), area.width() - badge.width())))
            at.setY(max(0, at.y()))
            badge.move(at)
            badge.setVisible(area.intersects(rect))
            badge.raise_()
