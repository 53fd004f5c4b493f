"""Assign… from the team's progress: which annotators, how many per article, and whether
to leave started articles alone; sync.lead.assign does the rest (the rules of ``hub
assign``: re-running assigns only what is new, the least loaded first), on a worker thread."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QWidget,
)

from annotator.gui import tasks
from annotator.sync.lead import assign


class AssignDialog(QDialog):
    assigned = Signal(list)  # the report's lines

    def __init__(self, url: str, members: list[str], *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Assign articles")
        self.setObjectName("assignArticles")
        self.url = url
        self.task: tasks.Task | None = None
        self.members = QListWidget()
        self.members.setObjectName("assignMembers")
        for name in members:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.members.addItem(item)
        self.per_document = QSpinBox()
        self.per_document.setRange(1, max(1, len(members)))
        self.per_document.setValue(min(2, max(1, len(members))))
        self.only_new = QCheckBox("Leave articles someone has started as they are")
        self.message = QLabel("Each article gets that many annotators, the least loaded "
                              "first; assignments made before stay.")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Assign")
        self.buttons.accepted.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("&Annotators:", self.members)
        form.addRow("&Per article:", self.per_document)
        form.addRow(self.only_new)
        form.addRow(self.message)
        form.addRow(self.buttons)

    def chosen(self) -> list[str]:
        return [self.members.item(i).text() for i in range(self.members.count())
                if self.members.item(i).checkState() == Qt.CheckState.Checked]

    def busy(self) -> bool:
        return self.task is not None

    def start(self) -> None:
        members, n = self.chosen(), self.per_document.value()
        if not members:
            self.message.setText("Choose at least one annotator.")
            return
        if n > len(members):
            self.message.setText(f"{n} annotators per article need at least {n} chosen.")
            return
        status = "todo" if self.only_new.isChecked() else None
        url = self.url
        self.buttons.setEnabled(False)
        self.message.setText("Assigning…")
        self.task = tasks.Task(lambda _p: assign(url, members, n, status=status), parent=self)
        self.task.succeeded.connect(self._on_task_succeeded)
        self.task.failed.connect(self._on_task_failed)
        self.task.start()

    def _on_task_succeeded(self, report) -> None:
        self.task = None
        self.buttons.setEnabled(True)
        self.assigned.emit(report.lines())
        self.accept()

    def _on_task_failed(self, message: str) -> None:
        self.task = None
        self.buttons.setEnabled(True)
        self.message.setText(f"Not assigned: {message}")
