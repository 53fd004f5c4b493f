"""The result list of a full-text search: one entry per article, its title over a snippet
of its text around the hits, the matched words highlighted, as a reader's search engine
shows them.

It shows the document list's own model and selection (the same rows, the same current
article), so opening a result, the status bar's "Document i of n" and the next/previous
article keys behave as in the table. Snippets are asked of the store only for the rows
painted, a screenful at a time (models.py): a search over 100,000 articles costs what the
table's costs."""

from __future__ import annotations

import html

from PySide6.QtCore import QModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
)

from annotator.core.search_words import HIT_END, HIT_START
from annotator.gui import theme
from annotator.gui.models import DocumentTableModel

_HIT_COLOR = "#f2c200"  # the marker-pen yellow of search hits, as browsers show them
_SNIPPET_LINES = 2
_PAD = 6


def hit_color():
    """The background of a search hit, in the list and in the article, for this theme."""
    return theme.tint(_HIT_COLOR, 0.55)


def snippet_html(snippet: str) -> str:
    """The store's snippet as rich text: the text escaped, the hits marked."""
    text = html.escape(" ".join(snippet.split()))
    mark = f'<span style="background-color:{hit_color().name()}; font-weight:600">'
    return text.replace(HIT_START, mark).replace(HIT_END, "</span>")


def plain_hits(snippet: str) -> list[str]:
    """The matched words of a snippet (what the tests and the find bar read)."""
    hits, rest = [], snippet
    while HIT_START in rest:
        rest = rest.split(HIT_START, 1)[1]
        word, _, rest = rest.partition(HIT_END)
        hits.append(word)
    return hits


class ResultDelegate(QStyledItemDelegate):
    """Paints a result: the title on one line (the whole of it in the tooltip), the
    snippet on up to two lines below."""

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 (Qt override)
        line = option.fontMetrics.lineSpacing()
        return QSize(200, line * (1 + _SNIPPET_LINES) + 2 * _PAD + 2)

    def paint(self, painter, option, index: QModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        group = QPalette.ColorGroup.Active
        ink = opt.palette.color(
            group, QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        rect = opt.rect.adjusted(_PAD, _PAD, -_PAD, -_PAD)
        metrics = opt.fontMetrics
        title_font = QFont(opt.font)
        title_font.setBold(True)
        painter.save()
        painter.setPen(ink)
        painter.setFont(title_font)
        title = index.data(Qt.ItemDataRole.DisplayRole) or ""
        elided = QFontMetrics(title_font).elidedText(
            title, Qt.TextElideMode.ElideRight, rect.width()
        )
        painter.drawText(rect.x(), rect.y() + metrics.ascent(), elided)
        painter.restore()
        snippet = index.data(DocumentTableModel.SnippetRole) or ""
        if not snippet:
            return
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setDocumentMargin(0)
        doc.setTextWidth(rect.width())
        doc.setHtml(f'<span style="color:{ink.name()}">{snippet_html(snippet)}</span>')
        top = rect.y() + metrics.lineSpacing() + 2
        height = metrics.lineSpacing() * _SNIPPET_LINES
        painter.save()
        painter.translate(rect.x(), top)
        clip = QRectF(0, 0, rect.width(), height)
        painter.setClipRect(clip)
        context = QAbstractTextDocumentLayout.PaintContext()
        context.clip = clip
        context.palette.setColor(QPalette.ColorRole.Text, ink)
        doc.documentLayout().draw(painter, context)
        painter.restore()


class SearchResults(QListView):
    """The result list; Return opens the current result (in the text), Up above the first
    result goes back to the search field."""

    def __init__(self, model: DocumentTableModel, selection, *, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("searchResults")
        self.setModel(model)
        self.setSelectionModel(selection)  # the table's: one current article, one selection
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setUniformItemSizes(True)  # no row is measured but the first
        self.setItemDelegate(ResultDelegate(self))
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setToolTip("")
        self.on_return = lambda: None  # the panel: hand the keyboard to the article
        self.on_up_from_top = lambda: None  # the panel: back to the search field

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().paintEvent(event)
        if self.model().rowCount() == 0:  # an empty list says why it is empty
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(
                self.viewport().rect().adjusted(_PAD, _PAD, -_PAD, -_PAD),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
                self.empty_text(),
            )
            painter.end()

    def empty_text(self) -> str:
        status = self.model().status
        if status is None:
            return "No article holds all of these words."
        shown = self.model().STATUS_TEXT.get(status, status)
        return f"No article marked “{shown}” holds all of these words."

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt override)
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.on_return()
            return
        if key == Qt.Key.Key_Up and self.currentIndex().row() <= 0:
            self.on_up_from_top()
            return
        super().keyPressEvent(event)
