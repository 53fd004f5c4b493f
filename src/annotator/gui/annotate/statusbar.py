"""The status bar of the annotating window (as qutebrowser's ``mainwindow/statusbar``): where
the open article stands in the list, its status and the layer shown, its span counts, the
save state with Retry saving, and passing messages (``showMessage``)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QStatusBar, QToolButton, QWidget

from annotator.core.vocabulary import ALL, GOLD_LAYER, MINE
from annotator.gui.annotate.state import DocumentState
from annotator.gui.models import DocumentTableModel
from annotator.gui.writer import Writer
from annotator.store import Store

_LAYER_TEXT = {ALL: "", MINE: "only mine", GOLD_LAYER: "gold layer"}


class StatusBar(QStatusBar):
    def __init__(
        self, *, store: Store, state: DocumentState, documents: DocumentTableModel,
        writer: Writer, annotator: Callable[[], str], layer: Callable[[], str],
        retry_action: QAction, parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.store, self.state, self.documents, self.writer = store, state, documents, writer
        self.annotator, self.layer = annotator, layer
        self.position_label = QLabel(objectName="documentPosition")
        self.counts_label = QLabel(objectName="spanCounts")
        self.saved_label = QLabel(objectName="savedState")
        self.retry_button = QToolButton(objectName="retrySaving")
        for widget in (self.position_label, self.counts_label, self.saved_label,
                       self.retry_button):
            self.addPermanentWidget(widget)
        self.retry_button.setDefaultAction(retry_action)
        self.retry_button.hide()
        retry_action.triggered.connect(self.retry_saving)
        writer.changed.connect(self.show_save_state)

    def refresh(self, *_args) -> None:
        """Say again where the open article stands, its status and its span counts."""
        n = self.documents.rowCount()
        doc = self.state.document
        i = self.documents.row_of(doc.id if doc else None) + 1
        shown = f"Document {i} of {n}" if i else f"{n} document(s) shown"
        status = (
            DocumentTableModel.STATUS_TEXT[self.store.status(doc.id, self.annotator())]
            if doc
            else ""
        )
        parts = [shown, status, _LAYER_TEXT[self.layer()]]
        self.position_label.setText(" · ".join(p for p in parts if p))
        counts = self.state.spans.counts()
        names = [name for name, label in self.state.labels.items() if label.kind == "span"]
        self.counts_label.setText("  ".join(f"{name} {counts.get(name, 0)}" for name in names))
        self.show_save_state()

    def show_save_state(self) -> None:
        """The status bar says "saved" only when every edit is committed."""
        writer, n = self.writer, len(self.writer.pending)
        self.retry_button.setVisible(writer.failed)
        if not n:
            self.saved_label.setText(f"✓ All changes saved · {self.annotator()}")
            self.saved_label.setToolTip("")
        elif writer.failed:
            self.saved_label.setText(f"⚠ {n} change(s) not saved yet")
            self.saved_label.setToolTip(str(writer.trouble))
        else:
            self.saved_label.setText(f"Saving {n} change(s)…")
            self.saved_label.setToolTip(
                "Another program is writing to the database; your changes are saved as soon "
                "as it has finished." if writer.waiting else ""
            )

    def retry_saving(self) -> None:
        if not self.writer.pending:
            self.showMessage("All changes are saved.", 4000)
        self.writer.retry()
