"""The Links page of Review ▸ Agreement (issue 16, point 7): the figures of
``review.link_agreement.from_store``, one row per span matching and link type (all types
first) and group of annotators, as the span figures are shown."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, Qt
from PySide6.QtGui import QFont

from annotator.gui.models import TitledTable
from annotator.review.link_agreement import LinkFigures, LinkReport

_ROOT = QModelIndex()
METRICS = (("precision", "Precision"), ("recall", "Recall"), ("f1", "F1"), ("kappa", "Cohen's κ"))
EXPLAIN = (
    "A link matches another when their types are the same and both of its spans match "
    "(exactly, or by overlap, as for spans). Precision: the share of the first "
    "annotator's links the second has too; recall the other way round. κ: over the pairs "
    "of matched spans, each coded with its link type or none. – : undefined."
)


def _text(value: float | None) -> str:
    if value is None:
        return "–"
    text = f"{value:.3f}"
    return "0.000" if text == "-0.000" else text


class LinkAgreementModel(TitledTable):
    HEADERS = ("Spans matched", "Link type", "Annotators", "Links", *(n for _, n in METRICS))

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, str, LinkFigures, bool]] = []

    def set_report(self, report: LinkReport | None) -> None:
        self.beginResetModel()
        self._rows = []
        for scope in report.scopes if report else []:
            kind = scope.key or "all types"
            self._rows.append((scope.matching, kind, scope.overall, True))
            if len(scope.pairs) > 1:  # with two annotators, "all" is that one pair
                self._rows += [(scope.matching, kind, pair, False) for pair in scope.pairs]
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        matching, kind, figures, first = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return matching if first else ""
            if column == 1:
                return kind if first else ""
            if column == 2:
                both = len(figures.annotators) == 2
                return " – ".join(figures.annotators) if both or not first else (
                    f"all {len(figures.annotators)}")  # fmt: skip
            if column == 3:
                return " / ".join(str(n) for n in figures.links)
            return _text(getattr(figures, METRICS[column - 4][0]))
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column == 2:
            return ", ".join(figures.annotators)
        if role == Qt.ItemDataRole.FontRole and first:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def figures(self, row: int) -> LinkFigures:
        return self._rows[row][2]
