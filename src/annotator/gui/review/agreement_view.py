"""Review ▸ Agreement: the figures of ``review.agreement.from_store`` in a table, over the
corpus, per label or per document, and the per-label figures as a bar chart.

The figures are computed in a worker thread on its own read-only connection (they read
every document's text and spans), once per grouping, and kept while the dialog is open.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QModelIndex, QObject, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.gui import tasks
from annotator.gui.models import TitledTable
from annotator.gui.review.link_agreement_view import EXPLAIN, LinkAgreementModel
from annotator.review import link_agreement
from annotator.review.agreement import AgreementError, Figures, Report, from_store
from annotator.review.link_agreement import LinkReport
from annotator.store import Store

_ROOT = QModelIndex()
GROUPINGS = (
    ("corpus", None, "Corpus"),
    ("label", "label", "Per label"),
    ("document", "document", "Per document"),
    ("links", "links", "Links"),  # link agreement (issue 16): its own table
)
METRICS = (
    ("exact_f1", "Exact F1"),
    ("overlap_f1", "Overlap F1"),
    ("kappa", "Cohen's κ"),
    ("alpha", "Krippendorff's α"),
)


SPANS_EXPLAIN = (
    "Exact F1: same start, end and label. Overlap F1: same label, sharing a character. "
    "κ and α: per character (pairs; α also for all annotators). – : undefined."
)


def figure_text(value: float | None) -> str:
    if value is None:
        return "–"
    text = f"{value:.3f}"
    return "0.000" if text == "-0.000" else text


class AgreementModel(TitledTable):
    """One row per scope and group of annotators: all of them first, then each pair."""

    HEADERS = ("Scope", "Annotators", "Spans", *(name for _, name in METRICS))
    ScopeStartRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, Figures, bool]] = []  # scope title, figures, first of scope

    def set_report(self, report: Report | None) -> None:
        self.beginResetModel()
        self._rows = []
        for scope in report.scopes if report else []:
            title = {"corpus": "Corpus", "label": scope.key}.get(scope.kind) or (
                scope.title or scope.key or ""
            )
            self._rows.append((title, scope.overall, True))
            if len(scope.pairs) > 1:  # with two annotators, "all" is that one pair
                self._rows += [(title, pair, False) for pair in scope.pairs]
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        title, figures, first = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return title if first else ""
            if column == 1:
                both = len(figures.annotators) == 2
                return (
                    " – ".join(figures.annotators)
                    if both or not first
                    else (f"all {len(figures.annotators)}")
                )
            if column == 2:
                return " / ".join(str(n) for n in figures.spans)
            return figure_text(getattr(figures, METRICS[column - 3][0]))
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return title if column == 0 else ", ".join(figures.annotators)
        if role == Qt.ItemDataRole.FontRole and first:
            font = QFont()
            font.setBold(True)  # each scope's line for all annotators heads its pairs
            return font
        if role == self.ScopeStartRole:
            return first
        return None

    def figures(self, row: int) -> Figures:
        return self._rows[row][1]


class BarChart(QWidget):
    """Per-label bars of exact F1, overlap F1 and alpha (all annotators), 0 to 1, painted
    with QPainter in the palette's colours so that both themes stay readable."""

    SHOWN = (("exact_f1", "Exact F1"), ("overlap_f1", "Overlap F1"), ("alpha", "α"))

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agreementChart")
        self.setMinimumHeight(220)
        self.rows: list[tuple[str, str, Figures]] = []  # label, its colour, figures
        self.message = ""

    def set_rows(self, rows: list[tuple[str, str, Figures]], message: str = "") -> None:
        self.rows, self.message = rows, message
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(640, 260)

    def metric_colors(self) -> list[QColor]:
        palette = self.palette()
        accent = palette.color(QPalette.ColorRole.Highlight)
        page = palette.color(QPalette.ColorRole.Base)
        ink = palette.color(QPalette.ColorRole.Text)
        # The second bar lighter than the first on a light page, brighter on a dark one:
        # mixed into the page colour it would sink into a dark background.
        second = _mix(accent, ink, 0.45) if page.lightnessF() < 0.5 else _mix(accent, page, 0.55)
        return [accent, second, _mix(ink, page, 0.45)]

    def paintEvent(self, _event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        ink = palette.color(QPalette.ColorRole.Text)
        faint = palette.color(QPalette.ColorRole.PlaceholderText)
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        metrics = self.fontMetrics()
        line = metrics.height()
        if not self.rows:
            painter.setPen(faint)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.message)
            return
        colors = self.metric_colors()
        # The legend, top right.
        x = self.width() - 16
        for (_key, name), color in reversed(list(zip(self.SHOWN, colors, strict=True))):
            x -= metrics.horizontalAdvance(name)
            painter.setPen(ink)
            painter.drawText(int(x), 10 + metrics.ascent(), name)
            x -= 18
            painter.fillRect(QRectF(x, 10 + (line - 12) / 2, 12, 12), color)
            x -= 18
        ticks = ("0", "0.25", "0.5", "0.75", "1")
        left = 16 + metrics.horizontalAdvance("0.75") + 10
        top, bottom = 20 + line, self.height() - 2 * line - 16
        width = self.width() - left - 16
        height = max(1, bottom - top)
        # Grid lines at 0, 0.25 ... 1.
        for i in range(5):
            y = bottom - height * i / 4
            painter.setPen(QPen(_mix(faint, palette.color(QPalette.ColorRole.Base), 0.6), 1))
            painter.drawLine(left, int(y), left + width, int(y))
            painter.setPen(faint)
            painter.drawText(
                8,
                int(y - line / 2),
                left - 18,
                line,
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                ticks[i],
            )
        slot = width / len(self.rows)
        bar = min(34.0, slot * 0.8 / len(self.SHOWN))
        for i, (label, color, figures) in enumerate(self.rows):
            x0 = left + slot * i + (slot - bar * len(self.SHOWN)) / 2
            for j, ((key, _name), fill) in enumerate(zip(self.SHOWN, colors, strict=True)):
                value = getattr(figures, key)
                bx = x0 + j * bar
                if value is None:
                    painter.setPen(faint)
                    painter.drawText(
                        QRectF(bx, bottom - line, bar, line), Qt.AlignmentFlag.AlignCenter, "–"
                    )
                    continue
                h = height * max(0.0, min(1.0, value))
                painter.fillRect(QRectF(bx + 2, bottom - h, bar - 4, h), fill)
                painter.setPen(ink)
                painter.drawText(
                    QRectF(bx - 6, bottom - h - line, bar + 12, line),
                    Qt.AlignmentFlag.AlignCenter,
                    _short(value),
                )
            # The label under its bars, with a swatch of its colour.
            name_width = metrics.horizontalAdvance(label)
            cx = left + slot * (i + 0.5)
            painter.fillRect(
                QRectF(cx - name_width / 2 - 16, bottom + 10 + (line - 10) / 2, 10, 10),
                QColor(color),
            )
            painter.setPen(ink)
            painter.drawText(
                QRectF(cx - name_width / 2, bottom + 10, name_width + 4, line),
                Qt.AlignmentFlag.AlignLeft,
                label,
            )
        painter.end()


def _short(value: float) -> str:
    text = f"{value:.2f}"
    return "0.00" if text == "-0.00" else text


def _mix(a: QColor, b: QColor, amount: float) -> QColor:
    """``a`` moved ``amount`` of the way towards ``b``."""
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * amount,
        a.greenF() + (b.greenF() - a.greenF()) * amount,
        a.blueF() + (b.blueF() - a.blueF()) * amount,
    )


class AgreementDialog(QDialog):
    """Non-modal: the reviewer can keep it beside the compare window."""

    computed = Signal(str)  # the grouping whose figures are now shown

    def __init__(self, store: Store, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Agreement between annotators")
        self.setObjectName("agreementDialog")
        self.store = store
        self.reports: dict[str, Report | LinkReport | str] = {}  # or why there is none
        self.tasks: list[tasks.Task] = []
        self.grouping = "corpus"
        self.model = AgreementModel(self)
        self.links_model = LinkAgreementModel(self)
        self.table = QTableView(objectName="agreementTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setWordWrap(False)
        self.chart = BarChart()
        self.note = QLabel(objectName="agreementNote")
        self.buttons = QButtonGroup(self)
        bar = QHBoxLayout()
        bar.setSpacing(0)
        for key, _by, text in GROUPINGS:
            button = QToolButton(text=text, checkable=True, objectName=f"by_{key}")
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setMinimumWidth(110)
            self.buttons.addButton(button)
            bar.addWidget(button)
            button.toggled.connect(lambda on, k=key: on and self.show_grouping(k))
        bar.addStretch(1)
        bar.addWidget(self.note)
        chart_box = QWidget()
        chart_layout = QVBoxLayout(chart_box)
        chart_layout.setContentsMargins(0, 8, 0, 0)
        chart_title = QLabel("<b>Per label</b> (all annotators)")
        chart_layout.addWidget(chart_title)
        chart_layout.addWidget(self.chart, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(chart_box)
        split.setSizes([300, 280])
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.setSpacing(10)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        self.explain = explain = QLabel(SPANS_EXPLAIN, wordWrap=True)
        explain.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout.addWidget(explain)
        layout.addWidget(close)
        self.setStyleSheet(
            "QToolButton:checked { background: palette(highlight);"
            " color: palette(highlighted-text); }"
        )
        self.resize(860, 660)
        self.buttons.buttons()[0].setChecked(True)
        self._compute("label")  # the chart

    # -- what the dialog shows -----------------------------------------------------------

    def show_grouping(self, grouping: str) -> None:
        self.grouping = grouping
        self.buttons.buttons()[[k for k, _b, _t in GROUPINGS].index(grouping)].setChecked(True)
        self._show()
        if grouping not in self.reports:
            self._compute(grouping)

    def _show(self) -> None:
        report = self.reports.get(self.grouping)
        links = self.grouping == "links"
        model = self.links_model if links else self.model
        if self.table.model() is not model:
            self.table.setModel(model)
        self.explain.setText(EXPLAIN if links else SPANS_EXPLAIN)
        if links:
            self.links_model.set_report(report if isinstance(report, LinkReport) else None)
            if report is None and "links" in self.reports:
                report = "No figures: fewer than two annotators have links."
        else:
            self.model.set_report(report if isinstance(report, Report) else None)
        # A long article title must not push the figures out of sight: its column is
        # capped (the whole title is in the tooltip).
        self.table.resizeColumnToContents(0)
        cap = self.table.fontMetrics().horizontalAdvance("M") * 22
        self.table.setColumnWidth(0, min(self.table.columnWidth(0), cap))
        if report is None:
            self.note.setText("Computing…")
        elif isinstance(report, str):
            self.note.setText(report)
        elif isinstance(report, LinkReport):
            n = len(report.documents)
            self.note.setText(
                f"{', '.join(report.annotators)} · {n} document{'s' if n != 1 else ''} "
                "with links compared"
            )
        else:
            n = len(report.documents)
            self.note.setText(
                f"{', '.join(report.annotators)} · {n} document{'s' if n != 1 else ''} compared"
            )
        labels = self.reports.get("label")
        if isinstance(labels, Report):
            colors = {label.name: label.color for label in self.store.labels("span")}
            self.chart.set_rows(
                [(s.key, colors.get(s.key, "#888888"), s.overall) for s in labels.scopes]
            )
        else:
            self.chart.set_rows([], labels if isinstance(labels, str) else "Computing…")

    def _compute(self, grouping: str) -> None:
        by = {key: by for key, by, _t in GROUPINGS}[grouping]
        work = _work(self.store, by)
        if self.store.path is None:  # an in-memory database: no second connection to it
            self._on_task_succeeded(grouping, work(lambda *_: None))
            return
        task = tasks.Task(work, parent=self)
        task.succeeded.connect(lambda result, g=grouping: self._on_task_succeeded(g, result))
        task.failed.connect(lambda message, g=grouping: self._on_task_succeeded(g, message))
        self.tasks.append(task)
        task.start()

    def _on_task_succeeded(self, grouping: str, result: Report | str) -> None:
        self.reports[grouping] = result
        self._show()
        self.computed.emit(grouping)

    def refresh(self) -> None:
        """The database changed (an import, a decision): compute what is shown again."""
        self.reports.clear()
        self._show()
        self._compute("label")
        if self.grouping != "label":
            self._compute(self.grouping)


def _work(
    store: Store, by: str | None
) -> Callable[[tasks.Progress], Report | LinkReport | str | None]:
    path: Path | None = store.path

    def figures(db: Store) -> Report | LinkReport | None:
        return link_agreement.from_store(db) if by == "links" else from_store(db, by=by)

    def work(_progress: tasks.Progress) -> Report | LinkReport | str | None:
        try:
            if path is None:
                return figures(store)
            with Store.open_readonly(path) as mine:
                return figures(mine)
        except AgreementError as exc:
            return f"No figures: {exc}."

    return work
