"""Qt item models: thin adapters over the store's summaries and the open document's spans."""

from __future__ import annotations

from bisect import bisect_left

from PySide6.QtCore import QAbstractTableModel, QItemSelectionModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QAbstractItemView, QApplication

from annotator.core.assignments import assigned_first, others_done, others_short
from annotator.core.model import DocumentSummary, Span
from annotator.core.paragraphs import paragraph_starts, where
from annotator.core.vocabulary import STATUS_TEXT
from annotator.gui import theme
from annotator.gui.annotate.state import DocumentState
from annotator.store import Store

_ROOT = QModelIndex()


class TitledTable(QAbstractTableModel):
    """What the tables of the window share: a fixed row of column titles."""

    HEADERS: tuple[str, ...] = ()
    IdRole = Qt.ItemDataRole.UserRole + 1

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


def select_row(table: QAbstractItemView, row: int, *, scroll: bool = True) -> None:
    """Make ``row`` the table's current, selected row and (``scroll``) scroll to it (-1: no
    row)."""
    selection = table.selectionModel()
    if row < 0:
        selection.clearSelection()
        return
    index = table.model().index(row, 0)
    follows = table.hasAutoScroll()  # a new current row is scrolled to unless this is off
    table.setAutoScroll(scroll and follows)
    try:
        selection.setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
    finally:
        table.setAutoScroll(follows)
    if scroll:
        table.scrollTo(index)


class DocumentTableModel(TitledTable):
    """The documents of the database, loaded lazily: the ordered ids of the rows that
    match are fetched at once (cheap even at 100,000), their details a page at a time
    when the view first shows them."""

    HEADERS = ("Title", "Source", "Date", "Spans", "Status")
    ORDERS = ("title", "source", "published", "spans", "status")
    STATUS_TEXT = STATUS_TEXT
    PAGE = 200
    SNIPPET_PAGE = 30  # snippets are dearer than summaries: a screenful at a time
    SnippetRole = Qt.ItemDataRole.UserRole + 2  # the hits of the search in context

    def __init__(self, store: Store, *, annotator: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.annotator = annotator
        self.search = ""
        self.status: str | None = None
        self.order = "position"
        self.descending = False
        self._ids: list[str] = []
        self._rows: dict[str, int] = {}
        self._pages: dict[int, dict[str, DocumentSummary]] = {}
        # document -> (other annotators, of them done): the hub's assignments of this member
        self.assigned: dict[str, tuple[int, int]] = {}
        self._snippets: dict[int, dict[str, str]] = {}

    # -- what the window asks ------------------------------------------------------------

    def release(self) -> None:
        """Before the store closes: the list empties, so no view can ask it for a row
        (a hidden table may still lay itself out later)."""
        self.beginResetModel()
        self._ids, self._rows, self._pages, self._snippets = [], {}, {}, {}
        self.endResetModel()

    def refresh(self) -> None:
        """Query the matching ids again (after an import, a new filter or order)."""
        self.beginResetModel()
        self._load()
        self.endResetModel()

    def _load(self) -> None:
        self._ids = self.store.document_ids(
            order=self.order,
            descending=self.descending,
            search=self.search,
            status=self.status,
            annotator=self.annotator,
        )
        self.assigned = self.store.hub_assignments()
        self._ids = assigned_first(self._ids, self.assigned)
        self._rows = {doc_id: row for row, doc_id in enumerate(self._ids)}
        self._pages.clear()
        self._snippets.clear()

    def set_filter(self, *, search: str, status: str | None) -> None:
        self.search, self.status = search, status
        self.refresh()

    def refresh_document(self, doc_id: str) -> None:
        """One document's count or status changed: reload its page, repaint its row."""
        row = self._rows.get(doc_id)
        if row is not None:
            self._pages.pop(row // self.PAGE, None)
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))

    def row_of(self, doc_id: str | None) -> int:
        return self._rows.get(doc_id, -1) if doc_id else -1

    def id_at(self, row: int) -> str:
        return self._ids[row]

    def summary(self, row: int) -> DocumentSummary:
        page = row // self.PAGE
        if page not in self._pages:
            chunk = self._ids[page * self.PAGE : (page + 1) * self.PAGE]
            self._pages[page] = self.store.document_rows(chunk, self.annotator)
        return self._pages[page][self._ids[row]]

    def snippet(self, row: int) -> str:
        """The search's hits in this row's article, in context (the store's hit marks
        around the matched words); "" without a search. Asked only for the rows a result
        list paints, a screenful at a time."""
        if not self.search.strip():
            return ""
        page = row // self.SNIPPET_PAGE
        if page not in self._snippets:
            chunk = self._ids[page * self.SNIPPET_PAGE : (page + 1) * self.SNIPPET_PAGE]
            self._snippets[page] = self.store.search_snippets(chunk, self.search)
        return self._snippets[page].get(self._ids[row], "")

    # -- the model contract --------------------------------------------------------------

    def rowCount(self, parent: QModelIndex = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._ids)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        if role == self.IdRole:
            return self._ids[index.row()]
        if role == self.SnippetRole:
            return self.snippet(index.row())
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 3:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        doc = self.summary(index.row())
        if role == Qt.ItemDataRole.ToolTipRole:
            details = " · ".join(p for p in (doc.source, doc.published) if p)
            note = f"\nNote: {doc.note}" if doc.note else ""
            if doc.id in self.assigned:
                others = others_done(*self.assigned[doc.id])
                note += "\nAssigned to you" + (f"; {others}" if others else "")
            return f"{doc.title}\n{details}{note}".strip()
        status = self.STATUS_TEXT.get(doc.status, doc.status)
        if doc.id in self.assigned:  # "In progress · 1/2": of the other annotators, done
            status = " · ".join(p for p in (status, others_short(*self.assigned[doc.id])) if p)
        values = (
            f"✎ {doc.title or doc.id}" if doc.note else doc.title or doc.id,
            doc.source,
            doc.published,
            doc.span_count,
            status,
        )
        return values[index.column()]

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.ORDERS):
            return
        self.order = self.ORDERS[column]
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.layoutAboutToBeChanged.emit()
        old = self._ids
        self._load()
        before = self.persistentIndexList()
        after = [
            self.index(self._rows[old[i.row()]], i.column())
            if old[i.row()] in self._rows
            else QModelIndex()
            for i in before
        ]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()


class SpanTableModel(TitledTable):
    """The spans of the open document, in text order; follows :class:`DocumentState`.

    Rows are asked for only as the view shows them (100,000 spans cost nothing until
    seen). With a label filter the rows are the ids of that label's spans, kept in text
    order through every edit."""

    HEADERS = ("Label", "Text", "Where", "By", "✎")
    LABEL, TEXT, WHERE, ANNOTATOR, NOTE = range(5)

    def __init__(self, state: DocumentState, *, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.label_filter: str | None = None
        self._shown: list[tuple[int, int, str]] | None = None  # (start, end, id); None: all
        self._paragraphs: list[int] = [0]
        self._pending = 0  # rows begun on "about to", ended on the change itself
        self._pending_kind = "insert"
        self.place_font = QFont(QApplication.font())
        self.place_font.setPointSizeF(max(7.0, self.place_font.pointSizeF() * 0.85))
        state.document_about_to_open.connect(self.beginResetModel)
        state.document_opened.connect(self._on_state_document_opened)
        state.span_about_to_be_added.connect(self._on_state_span_about_to_be_added)
        state.span_added.connect(self._end_rows)
        state.span_about_to_be_removed.connect(self._on_state_span_about_to_be_removed)
        state.span_removed.connect(self._end_rows)
        state.span_changed.connect(self._on_state_span_changed)
        state.labels_changed.connect(self._on_state_labels_changed)

    # -- the filter ----------------------------------------------------------------------

    def set_label_filter(self, label: str | None) -> None:
        """Show only the spans labelled ``label`` (None: every span)."""
        self.beginResetModel()
        self.label_filter = label
        self._shown = None if label is None else self._matching(label)
        self.endResetModel()

    def _matching(self, label: str) -> list[tuple[int, int, str]]:
        return self.state.spans.keys_labelled(label)

    def shows(self, span_id: str | None) -> bool:
        """True if ``span_id`` has a row (the filter may hide it)."""
        return span_id is not None and self.row_of(span_id) >= 0

    def several_annotators(self) -> bool:
        return len(self.state.spans.annotators()) > 1

    def widest_place(self) -> str:
        """The longest place the open article can show: its last paragraph and its end
        (the column is sized for it at the opening, so spans that arrive later fit)."""
        end = len(self.state.document.text) if self.state.document is not None else 9
        return f"¶{len(self._paragraphs)} · {end}–{end}"

    # -- the model contract --------------------------------------------------------------

    def rowCount(self, parent: QModelIndex = _ROOT) -> int:  # noqa: N802
        if parent.isValid():
            return 0
        return len(self.state.spans) if self._shown is None else len(self._shown)

    def span_at(self, row: int) -> Span:
        if self._shown is None:
            return self.state.spans[row]
        return self.state.spans.get(self._shown[row][2])

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        if role == self.IdRole:
            return self.span_at(index.row()).id
        span: Span = self.span_at(index.row())
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.WHERE:
                return where(self._paragraphs, span.start, span.end)
            # the note is read in the tooltip: its column only marks that there is one,
            # so the span's text has the room
            note = "✎" if span.note else ""
            return (span.label, " ".join(span.text.split()), "", span.annotator, note)[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            note = f"\nNote: {span.note}" if span.note else ""
            place = where(self._paragraphs, span.start, span.end)
            return f"{span.label} ({place}) by {span.annotator}\n{span.text}{note}"
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            label = self.state.labels.get(span.label)
            return QColor(label.color) if label else None
        if role == Qt.ItemDataRole.BackgroundRole and column == 0:
            label = self.state.labels.get(span.label)
            return theme.highlight(label.color) if label else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.NOTE:
            return int(Qt.AlignmentFlag.AlignCenter)
        if column == self.WHERE and role == Qt.ItemDataRole.FontRole:
            return self.place_font  # smaller: the text is what is read, the place glanced at
        if column == self.WHERE and role == Qt.ItemDataRole.ForegroundRole:
            return QApplication.palette().color(QPalette.ColorRole.PlaceholderText)
        return None

    def row_of(self, span_id: str) -> int:
        spans = self.state.spans
        if span_id not in spans:
            return -1
        if self._shown is None:
            return spans.index(span_id)
        span = spans.get(span_id)
        key = (span.start, span.end, span.id)
        row = bisect_left(self._shown, key)
        return row if row < len(self._shown) and self._shown[row] == key else -1

    # -- following the document ----------------------------------------------------------

    def _on_state_document_opened(self) -> None:
        doc = self.state.document
        self._paragraphs = paragraph_starts(doc.text) if doc is not None else [0]
        if self.label_filter is not None:
            self._shown = self._matching(self.label_filter)
        self.endResetModel()

    def _end_rows(self, *_args) -> None:
        """End the insertion or removal begun on "about to" (none if the filter hid it)."""
        if not self._pending:
            return
        self._pending = 0
        if self._pending_kind == "insert":
            self.endInsertRows()
        else:
            self.endRemoveRows()

    def _on_state_span_about_to_be_added(self, span: Span, row: int) -> None:
        if self._shown is not None:
            if span.label != self.label_filter:
                return
            key = (span.start, span.end, span.id)
            row = bisect_left(self._shown, key)
            self.beginInsertRows(_ROOT, row, row)
            self._shown.insert(row, key)
        else:
            self.beginInsertRows(_ROOT, row, row)
        self._pending, self._pending_kind = 1, "insert"

    def _on_state_span_about_to_be_removed(self, span: Span, row: int) -> None:
        if self._shown is not None:
            row = self.row_of(span.id)
            if row < 0:
                return
            self.beginRemoveRows(_ROOT, row, row)
            del self._shown[row]
        else:
            self.beginRemoveRows(_ROOT, row, row)
        self._pending, self._pending_kind = 1, "remove"

    def _on_state_labels_changed(self) -> None:
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, 0))

    def _on_state_span_changed(self, old: Span, new: Span, row: int) -> None:
        if self._shown is not None:
            self._follow_filtered_change(old, new)
            return
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))

    def _follow_filtered_change(self, old: Span, new: Span) -> None:
        """A span changed under a filter: its row may leave, come in, or stay."""
        was = (old.start, old.end, old.id)
        row = bisect_left(self._shown, was)
        had = row < len(self._shown) and self._shown[row] == was
        wanted = new.label == self.label_filter
        key = (new.start, new.end, new.id)
        if had and wanted and key == was:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))
            return
        if had:
            self.beginRemoveRows(_ROOT, row, row)
            del self._shown[row]
            self.endRemoveRows()
        if wanted:
            row = bisect_left(self._shown, key)
            self.beginInsertRows(_ROOT, row, row)
            self._shown.insert(row, key)
            self.endInsertRows()


class RelationTableModel(TitledTable):
    """The links of the open document: from (a quote or claim), type, to (an actor)."""

    HEADERS = ("From", "Link", "To")

    def __init__(self, state: DocumentState, *, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = state
        # True while the list changes: Qt then moves the current row itself, which is not a
        # user's pick (gui/annotate/link_list.py keeps the picked link by id).
        self.changing = False
        state.document_about_to_open.connect(lambda: self._begin(self.beginResetModel))
        state.document_opened.connect(lambda: self._end(self.endResetModel))
        state.relation_about_to_be_added.connect(
            lambda _r, row: self._begin(lambda: self.beginInsertRows(_ROOT, row, row))
        )
        state.relation_added.connect(lambda *_: self._end(self.endInsertRows))
        state.relation_about_to_be_removed.connect(
            lambda _r, row: self._begin(lambda: self.beginRemoveRows(_ROOT, row, row))
        )
        state.relation_removed.connect(lambda *_: self._end(self.endRemoveRows))
        state.relation_changed.connect(
            lambda _old, _new, row: self.dataChanged.emit(self.index(row, 0), self.index(row, 2))
        )
        state.span_changed.connect(self._on_state_span_changed)

    def rowCount(self, parent: QModelIndex = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.state.relations)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.state.relations):
            return None
        relation = self.state.relations[index.row()]
        if role == self.IdRole:
            return relation.id
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        ends = [self._describe(relation.source), relation.label, self._describe(relation.target)]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{ends[0]}\n  {relation.label} →\n{ends[2]}\nby {relation.annotator}"
        return ends[index.column()]

    def _begin(self, begin) -> None:
        self.changing = True
        begin()

    def _end(self, end) -> None:
        try:
            end()
        finally:
            self.changing = False

    def row_of(self, rel_id: str) -> int:
        for row, relation in enumerate(self.state.relations):
            if relation.id == rel_id:
                return row
        return -1

    def _describe(self, span_id: str) -> str:
        if span_id not in self.state.spans:
            return "?"
        text = " ".join(self.state.spans.get(span_id).text.split())
        return text if len(text) <= 48 else text[:47] + "…"

    def _on_state_span_changed(self, *_args) -> None:
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, 2))
