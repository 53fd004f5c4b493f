"""Team ▸ Progress…: the team's progress on the hub for reviewers and the lead. Each
annotator's assigned / to do / in progress / done and pace, a bar chart of them, each
article's state (waiting, annotated by N of M, ready for review, adjudicated); from here,
Assign… (sync.lead.assign, the rules of ``hub assign``) and an article ready for review opened
straight into Compare annotators. The hub is read on a worker thread: the window never waits
for the network, and a hub out of reach is a line in the dialog, never a traceback."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.vocabulary import STATUS_TEXT
from annotator.gui import tasks
from annotator.gui.team.assign_dialog import AssignDialog
from annotator.gui.team.chart import ProgressChart
from annotator.sync.team import READY, TeamProgress, read_progress

_MARK = {"done": "✓", "in_progress": "…", "todo": "·"}


class ProgressDialog(QDialog):
    ANNOTATOR_HEADERS = ("Annotator", "Assigned", "To do", "In progress", "Done", "Pace")
    ARTICLE_HEADERS = ("Article", "Annotators", "State")

    def __init__(self, url: str, *, open_review: Callable[[str], str | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Team progress")
        self.setObjectName("teamProgress")
        self.url, self.open_review = url, open_review
        self.team: TeamProgress | None = None
        self.task: tasks.Task | None = None
        self.assign_dialog: AssignDialog | None = None
        self.summary = QLabel("Reading the hub…")
        self.summary.setWordWrap(True)
        self.message = QLabel("")
        self.message.setObjectName("teamProgressMessage")
        self.message.setWordWrap(True)
        self.chart = ProgressChart(self)
        self.annotators = _table(self.ANNOTATOR_HEADERS, "teamAnnotators")
        self.articles = _table(self.ARTICLE_HEADERS, "teamArticles")
        self.articles.doubleClicked.connect(lambda _i: self.open_selected())
        self.articles.itemSelectionChanged.connect(self._enable)
        self.refresh_button = QPushButton("&Refresh")
        self.refresh_button.setShortcut(QKeySequence("F5"))
        self.refresh_button.setToolTip("Read the hub again (F5)")
        self.assign_button = QPushButton("&Assign…")
        self.review_button = QPushButton("Open in &Compare")
        self.review_button.setToolTip("Open the selected article in Compare annotators "
                                      "(Enter)")
        self.refresh_button.clicked.connect(self.refresh)
        self.assign_button.clicked.connect(self.choose_assign)
        self.review_button.clicked.connect(self.open_selected)
        self.articles.installEventFilter(self)  # Enter on an article opens it
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        buttons = QHBoxLayout()
        for button in (self.refresh_button, self.assign_button, self.review_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.chart)
        layout.addWidget(self.annotators, 2)
        layout.addWidget(self.articles, 3)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.resize(760, 640)
        self._enable()
        self.refresh()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        if (watched is self.articles and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            self.open_selected()
            return True
        return super().eventFilter(watched, event)

    # -- reading the hub -----------------------------------------------------------------

    def refresh(self) -> None:
        if self.task is not None:  # one reading at a time; its answer is fresh enough
            return
        self.refresh_button.setEnabled(False)
        url = self.url
        self.task = tasks.Task(lambda _progress: read_progress(url), parent=self)
        self.task.succeeded.connect(self._on_task_succeeded)
        self.task.failed.connect(self._on_task_failed)
        self.task.start()

    def busy(self) -> bool:
        return self.task is not None or (self.assign_dialog is not None
                                         and self.assign_dialog.busy())

    def _on_task_succeeded(self, team: TeamProgress) -> None:
        self.task = None
        self.team = team
        self.refresh_button.setEnabled(True)
        self._fill(team)
        self._enable()

    def _on_task_failed(self, message: str) -> None:
        self.task = None
        self.refresh_button.setEnabled(True)
        self.say(f"Could not read the hub: {message}")
        if self.team is None:
            self.summary.setText("The team's progress is not available.")
        self._enable()

    def say(self, text: str) -> None:
        self.message.setText(text)

    def _fill(self, team: TeamProgress) -> None:
        states: dict[str, int] = {}
        for state, n in team.states().items():  # "annotated by 1 of 2" and the like: one sum
            key = "being annotated" if state.startswith("annotated by") else state
            states[key] = states.get(key, 0) + n
        parts = [f"{n} {state}" for state, n in sorted(states.items(), key=lambda s: -s[1])]
        self.summary.setText(f"{len(team.articles)} article(s)"
                             + (": " + ", ".join(parts) if parts else "")
                             + f" · you are {team.member} ({team.role})")
        self.chart.set_rows(team.annotators)
        rows = [(a.name, a.assigned, a.todo, a.in_progress, a.done, f"{a.pace:.1f}/day")
                for a in team.annotators]
        _fill_table(self.annotators, rows)
        _fill_table(self.articles, [
            (a.title or a.id,
             ", ".join(f"{name} {_MARK.get(state, state)}"
                       for name, state in sorted(a.annotators.items())) or "—",
             a.state)
            for a in team.articles
        ])
        for row, article in enumerate(team.articles):
            item = self.articles.item(row, 0)
            item.setData(Qt.ItemDataRole.UserRole, article.id)
            item.setToolTip("\n".join(f"{name}: {STATUS_TEXT.get(state, state)}"
                                      for name, state in sorted(article.annotators.items())))
        for column in range(len(self.ANNOTATOR_HEADERS)):
            self.annotators.horizontalHeaderItem(column).setToolTip(
                "articles done per day over the last week (by the hub's clock)"
                if column == 5 else "")

    # -- acting on it --------------------------------------------------------------------

    def selected_article(self) -> str | None:
        rows = self.articles.selectionModel().selectedRows()
        if not rows:
            return None
        return self.articles.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)

    def _enable(self) -> None:
        lead = self.team is not None and self.team.role == "lead"
        self.assign_button.setEnabled(lead)
        self.assign_button.setToolTip("Spread the articles over the annotators" if lead else
                                      "Only the hub's lead assigns articles")
        self.review_button.setEnabled(self.selected_article() is not None)

    def open_selected(self) -> None:
        doc_id = self.selected_article()
        if doc_id is None or self.team is None:
            self.say("Choose an article first.")
            return
        article = next(a for a in self.team.articles if a.id == doc_id)
        problem = self.open_review(doc_id)
        if problem:
            self.say(problem)
        elif article.state != READY:
            self.say(f"Opened “{article.title or doc_id}” in Compare annotators "
                     f"({article.state}).")
        else:
            self.say(f"Opened “{article.title or doc_id}” in Compare annotators.")

    def choose_assign(self) -> None:
        if self.team is None or self.team.role != "lead":
            self.say("Only the hub's lead assigns articles.")
            return
        self.assign_dialog = AssignDialog(self.url, self.team.members, parent=self)
        self.assign_dialog.assigned.connect(self._on_assign_dialog_assigned)
        self.assign_dialog.open()

    def _on_assign_dialog_assigned(self, lines: list[str]) -> None:
        self.say("; ".join(lines))
        self.refresh()


def _table(headers: tuple[str, ...], name: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    table.setAlternatingRowColors(True)
    return table


def _fill_table(table: QTableWidget, rows: list[tuple]) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            item = QTableWidgetItem(str(value))
            if isinstance(value, int):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                      | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)
    for c in range(1, table.columnCount()):
        table.resizeColumnToContents(c)
