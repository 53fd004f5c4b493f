"""The review window's top bar: the article picker (each with its progress), the label and
annotator filters, "Disagreements only", and the article's and the corpus's progress."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QProgressBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.store import Store


class ReviewBar(QWidget):
    document_picked = Signal(str)  # an article chosen in the picker
    filters_changed = Signal()  # a label or annotator shown or hidden, or "Disagreements only"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hidden_labels: set[str] = set()
        self.hidden_annotators: set[str] = set()
        self.progress: dict[str, tuple[int, int]] = {}  # article -> (decided, total)
        self.corpus = (0, 0)
        self.titles: dict[str, str] = {}
        self._names: tuple[list[str], list[str]] = ([], [])  # the labels, the annotators

        self.documents = QComboBox(objectName="reviewDocument")
        self.documents.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.documents.setMaximumWidth(520)
        self.documents.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.label_filter = _filter_button("Labels", "labelFilter")
        self.annotator_filter = _filter_button("Annotators", "annotatorFilter")
        self.open_only = QCheckBox("Disagreements only", objectName="disagreementsOnly")
        self.open_only.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.doc_progress = QLabel(objectName="documentProgress")
        self.doc_bar = QProgressBar(objectName="documentProgressBar", textVisible=False)
        self.doc_bar.setFixedSize(120, 8)
        self.corpus_progress = QLabel(objectName="corpusProgress")
        self.corpus_progress.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        top = QHBoxLayout(self)
        top.setContentsMargins(12, 10, 12, 6)
        top.setSpacing(10)
        top.addWidget(self.documents, 1)
        top.addWidget(self.label_filter)
        top.addWidget(self.annotator_filter)
        top.addWidget(self.open_only)
        top.addStretch(1)
        progress = QVBoxLayout()
        progress.setSpacing(3)
        progress.addWidget(self.doc_progress, 0, Qt.AlignmentFlag.AlignRight)
        progress.addWidget(self.doc_bar, 0, Qt.AlignmentFlag.AlignRight)
        progress.addWidget(self.corpus_progress, 0, Qt.AlignmentFlag.AlignRight)
        top.addLayout(progress)

        self.documents.activated.connect(
            lambda i: self.document_picked.emit(self.documents.itemData(i) or "")
        )
        self.open_only.toggled.connect(lambda _on: self.filters_changed.emit())
        self.label_filter.menu().triggered.connect(self._on_filter_triggered)
        self.annotator_filter.menu().triggered.connect(self._on_filter_triggered)

    def fill_documents(self, store: Store, wanted: str | None) -> None:
        """The articles with annotators' spans or relations, and ``wanted`` (the open one)."""
        self.progress = store.adjudication_progress_by_document()
        self.corpus = (
            sum(d for d, _t in self.progress.values()),
            sum(t for _d, t in self.progress.values()),
        )
        ids = [i for i, (_d, total) in self.progress.items() if total or i == wanted]
        self.titles = {i: row.title or i for i, row in store.document_rows(ids, "").items()}
        self.documents.blockSignals(True)
        self.documents.clear()
        for doc_id in ids:
            self.documents.addItem(self._document_item(doc_id), doc_id)
        self.documents.setCurrentIndex(max(0, self.documents.findData(wanted)))
        self.documents.blockSignals(False)

    def show_progress(self, store: Store, doc_id: str) -> None:
        """The article's figures are read again; the corpus's follow by the difference
        (counting the whole corpus after every verdict would be felt on a large one)."""
        decided, total = store.adjudication_progress(doc_id)
        old_decided, old_total = self.progress.get(doc_id, (0, 0))
        self.progress[doc_id] = (decided, total)
        self.corpus = (self.corpus[0] + decided - old_decided, self.corpus[1] + total - old_total)
        self.doc_progress.setText(f"This article: <b>{decided} of {total}</b> decided")
        self.doc_bar.setRange(0, max(total, 1))
        self.doc_bar.setValue(decided)
        self.corpus_progress.setText(f"Corpus: {self.corpus[0]} of {self.corpus[1]} decided")
        row = self.documents.findData(doc_id)
        if row >= 0:
            self.documents.setItemText(row, self._document_item(doc_id))

    def fill_filters(self, labels: list[str], annotators: list[str]) -> None:
        """One checkable entry per label and annotator (hidden ones unchecked); menus whose
        names did not change are left as they are."""
        self._names = (labels, annotators)
        for button, names, hidden in (
            (self.label_filter, labels, self.hidden_labels),
            (self.annotator_filter, annotators, self.hidden_annotators),
        ):
            menu = button.menu()
            if [a.text() for a in menu.actions()] == names:
                continue
            menu.clear()
            for name in names:
                a = menu.addAction(name)
                a.setCheckable(True)
                a.setChecked(name not in hidden)
        self._filter_text()

    def _document_item(self, doc_id: str) -> str:
        title = self.titles.get(doc_id, doc_id)
        short = title if len(title) <= 60 else title[:59] + "…"
        decided, total = self.progress.get(doc_id, (0, 0))
        return f"{short}   ({decided} of {total} decided)"

    def _filter_text(self) -> None:
        labels, annotators = self._names
        for button, title, total, hidden in (
            (self.label_filter, "Labels", len(labels), self.hidden_labels),
            (self.annotator_filter, "Annotators", len(annotators), self.hidden_annotators),
        ):
            shown = total - len(hidden & {a.text() for a in button.menu().actions()})
            button.setText(f"{title}: all" if shown == total else f"{title}: {shown} of {total}")

    def _on_filter_triggered(self, action: QAction) -> None:
        hidden = (
            self.hidden_labels
            if action.parent() is self.label_filter.menu()
            else self.hidden_annotators
        )
        (hidden.discard if action.isChecked() else hidden.add)(action.text())
        self._filter_text()
        self.filters_changed.emit()


def _filter_button(title: str, name: str) -> QToolButton:
    button = QToolButton(objectName=name, text=title)
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    menu = QMenu(button)
    button.setMenu(menu)
    return button
