"""Qt item models: thin adapters over the store's summaries and the open document's spans."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QAbstractTableModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QColor

from annotator.core.model import DocumentSummary, Span
from annotator.gui import theme
from annotator.gui.state import DocumentState

_ROOT = QModelIndex()


class DocumentListModel(QAbstractListModel):
    """The documents of the database, in import order."""

    IdRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, *, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._docs: list[DocumentSummary] = []

    def set_documents(self, docs: list[DocumentSummary]) -> None:
        self.beginResetModel()
        self._docs = list(docs)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._docs)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._docs):
            return None
        doc = self._docs[index.row()]
        details = " · ".join(p for p in (doc.source, doc.published) if p)
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{doc.title or doc.id}\n{details}" if details else doc.title or doc.id
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{doc.title}\n{details}\n{doc.span_count} span(s)".strip()
        if role == self.IdRole:
            return doc.id
        return None

    def row_of(self, doc_id: str) -> int:
        for row, doc in enumerate(self._docs):
            if doc.id == doc_id:
                return row
        return -1

    def id_at(self, row: int) -> str:
        return self._docs[row].id


class SpanTableModel(QAbstractTableModel):
    """The spans of the open document, in text order; follows :class:`DocumentState`."""

    HEADERS = ("Label", "Text", "Annotator")
    IdRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, state: DocumentState, *, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = state
        state.document_about_to_open.connect(self.beginResetModel)
        state.document_opened.connect(self.endResetModel)
        state.span_about_to_be_added.connect(self._on_state_span_about_to_be_added)
        state.span_added.connect(self.endInsertRows)
        state.span_about_to_be_removed.connect(self._on_state_span_about_to_be_removed)
        state.span_removed.connect(self.endRemoveRows)
        state.span_changed.connect(self._on_state_span_changed)
        state.labels_changed.connect(self._on_state_labels_changed)

    def rowCount(self, parent: QModelIndex = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.state.spans)

    def columnCount(self, parent: QModelIndex = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.HEADERS)
        ):
            return self.HEADERS[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.state.spans):
            return None
        span: Span = self.state.spans[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (span.label, " ".join(span.text.split()), span.annotator)[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{span.label} ({span.start}-{span.end}) by {span.annotator}\n{span.text}"
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            label = self.state.labels.get(span.label)
            return QColor(label.color) if label else None
        if role == Qt.ItemDataRole.BackgroundRole and column == 0:
            label = self.state.labels.get(span.label)
            return theme.highlight(label.color) if label else None
        if role == self.IdRole:
            return span.id
        return None

    def row_of(self, span_id: str) -> int:
        return self.state.spans.index(span_id) if span_id in self.state.spans else -1

    def _on_state_span_about_to_be_added(self, _span: Span, row: int) -> None:
        self.beginInsertRows(_ROOT, row, row)

    def _on_state_span_about_to_be_removed(self, _span: Span, row: int) -> None:
        self.beginRemoveRows(_ROOT, row, row)

    def _on_state_labels_changed(self) -> None:
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, 0))

    def _on_state_span_changed(self, _old: Span, _new: Span, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))
