"""Label all occurrences, shown first: every occurrence of the selected span's text with
its line, ticked when it is proposed, left out (with the reason) when not; the annotator
unticks what should not be marked and OK marks the rest (core/occurrences.py judges)."""

from __future__ import annotations

import html
from bisect import bisect_right

from PySide6.QtCore import QAbstractListModel, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListView,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core import occurrences as judge
from annotator.core.model import Span
from annotator.core.occurrences import Occurrence
from annotator.core.textnav import paragraph_starts

_Check = Qt.CheckState


class OccurrenceModel(QAbstractListModel):
    """One row per occurrence; its line is cut out of the text only when it is shown, so
    a word that occurs 100,000 times in a long article opens the list at once."""

    def __init__(self, text: str, found: list[Occurrence], parent=None) -> None:
        super().__init__(parent)
        self.text, self.found = text, found
        self.ticked = [o.ticked for o in found]
        self._paragraphs = paragraph_starts(text)
        self._shown: dict[int, str] = {}

    def rowCount(self, parent=None) -> int:  # noqa: N802 (Qt override)
        return 0 if parent is not None and parent.isValid() else len(self.found)

    def flags(self, index):
        item = self.found[index.row()]
        if not item.allowed:  # listed, so the count adds up, but it cannot be ticked
            return Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemNeverHasChildren)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, item = index.row(), self.found[index.row()]
        if role == Qt.ItemDataRole.CheckStateRole:
            return _Check.Checked if self.ticked[row] else _Check.Unchecked
        if role == Qt.ItemDataRole.DisplayRole:
            return self.html(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return item.reason or "Ticked: marked when you press OK"
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.CheckStateRole or not self.found[index.row()].allowed:
            return False
        self.ticked[index.row()] = _Check(value) == _Check.Checked
        self.dataChanged.emit(index, index, [role])
        return True

    def html(self, row: int) -> str:
        shown = self._shown.get(row)
        if shown is None:
            item = self.found[row]
            line, a, b = judge.context(self.text, item.start, item.end, width=45)
            para = bisect_right(self._paragraphs, item.start)
            shown = f"<span{_GREY}>¶{max(para, 1)}</span>&nbsp; "
            if item.reason:  # first, so that a long line cannot hide it
                shown += f"<i{_GREY}>[{html.escape(item.reason)}]</i> "
            shown += (f"{html.escape(line[:a])}<b><u>{html.escape(line[a:b])}</u></b>"
                      f"{html.escape(line[b:])}")
            self._shown[row] = shown
        return shown

    def set_all(self, on: bool) -> None:
        self.ticked = [on and o.allowed for o in self.found]
        if self.found:
            self.dataChanged.emit(self.index(0), self.index(len(self.found) - 1))

    def chosen(self) -> list[Occurrence]:
        return [o for o, on in zip(self.found, self.ticked, strict=True) if on]


_GREY = ' style="color:gray"'


class _RichDelegate(QStyledItemDelegate):
    """The tick box and row background as the style draws them, the line as rich text
    (the occurrence in bold, the reason it was left out in grey)."""

    def paint(self, painter, option, index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        doc = self._document(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, opt.widget)
        context = QAbstractTextDocumentLayout.PaintContext()
        group = (QPalette.ColorGroup.Normal if opt.state & QStyle.StateFlag.State_Enabled
                 else QPalette.ColorGroup.Disabled)
        role = (QPalette.ColorRole.HighlightedText if opt.state & QStyle.StateFlag.State_Selected
                else QPalette.ColorRole.Text)
        context.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(group, role))
        painter.save()
        painter.translate(rect.topLeft())
        painter.setClipRect(rect.translated(-rect.topLeft()))
        doc.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option, index) -> QSize:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        doc = self._document(opt, index)
        base = super().sizeHint(option, index)  # measured on the markup: too wide
        box = opt.widget.style().pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth) if opt.widget else 16
        return QSize(int(doc.idealWidth()) + box + 12,
                     max(base.height(), int(doc.size().height())))

    @staticmethod
    def _document(opt, index) -> QTextDocument:
        doc = QTextDocument()
        doc.setDocumentMargin(2)
        doc.setDefaultFont(opt.font)
        shown = index.data(Qt.ItemDataRole.DisplayRole)
        if opt.state & QStyle.StateFlag.State_Selected:  # grey is unreadable on the highlight
            shown = shown.replace(_GREY, "")
        doc.setHtml(shown)
        return doc


class OccurrencesDialog(QDialog):
    """Space ticks or unticks the current row, Return marks the ticked ones, Esc cancels."""

    def __init__(self, text: str, span: Span, found: list[Occurrence],
                 *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("occurrencesDialog")
        self.span = span
        self.setWindowTitle(f"Label all occurrences as {span.label}")
        self.model = OccurrenceModel(text, found, self)
        self.summary = QLabel(objectName="occurrencesSummary", wordWrap=True)
        self.list = QListView(objectName="occurrencesList")
        self.list.setModel(self.model)
        self.list.setItemDelegate(_RichDelegate(self.list))
        self.list.setUniformItemSizes(True)  # 100,000 rows lay out at once
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.list.setAlternatingRowColors(True)
        hint = QLabel("Space: tick or untick · Return: mark the ticked ones · Esc: cancel",
                      objectName="occurrencesHint")
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setDefault(True)
        for caption, on in (("Tick &all", True), ("&Untick all", False)):
            button = QPushButton(caption, autoDefault=False)
            button.clicked.connect(lambda _=False, on=on: self.model.set_all(on))
            buttons.addButton(button, QDialogButtonBox.ButtonRole.ResetRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.model.dataChanged.connect(self._count)
        self._count()
        first = next((i for i, o in enumerate(found) if o.ticked),
                     next((i for i, o in enumerate(found) if o.allowed), 0))
        self.list.setCurrentIndex(self.model.index(first))
        self.list.setFocus()
        width = self.list.fontMetrics().averageCharWidth() * 150
        room = parent.window().width() - 40 if parent is not None else width
        self.resize(max(480, min(width, room)), 440)

    def _count(self, *_args) -> None:
        found, ticked = self.model.found, sum(self.model.ticked)
        left = sum(1 for o in found if not o.allowed)
        text = (f"“{html.escape(self.span.text[:60])}” occurs {len(found)} time"
                f"{'s' if len(found) != 1 else ''} as a whole word: "
                f"<b>{ticked} ticked</b> to mark as {html.escape(self.span.label)}")
        if left:
            text += f"; {left} cannot be marked (the reason is given)"
        self.summary.setText(text + ".")
        self.ok.setText(f"Mark {ticked}")
        self.ok.setEnabled(ticked > 0)

    def chosen(self) -> list[Occurrence]:
        return self.model.chosen()
