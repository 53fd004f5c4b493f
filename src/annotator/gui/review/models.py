"""The tables of the review window: one row per group of overlapping spans (a column per
annotator with the labels they gave it, the agreement mark and the decision), and one row
per annotator's link (its spans, its type, its verdict)."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt

from annotator.core.model import Decision, Relation, Span
from annotator.gui import theme
from annotator.gui.models import TitledTable
from annotator.review.compare import Group
from annotator.review.lanes import VERDICT_MARKS, group_notes

_ROOT = QModelIndex()
SNIPPET_CHARS = 48
LOOK_AGAIN = "⚑ look again ·"  # a verdict whose item a later version changed (issue 16)


def snippet(text: str, n: int = SNIPPET_CHARS) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= n else one_line[: n - 1] + "…"


def group_decision(group: Group, decisions: dict[str, Decision]) -> str:
    """ "" (nothing decided), or each annotator's verdict: "alice ✓ · bob ✗"."""
    parts = []
    for name, spans in group.spans.items():
        marks = [VERDICT_MARKS[decisions[s.id].verdict] for s in spans if s.id in decisions]
        if marks:
            parts.append(f"{name} {''.join(marks)}")
    if not parts:
        return ""
    undecided = sum(1 for s in group.span_ids() if s not in decisions)
    return " · ".join(parts) + (f" · {undecided} open" if undecided else "")


class GroupTableModel(QAbstractTableModel):
    FIXED = ("Where", "Text")
    TAIL = ("Agree", "Decision", "Notes")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.text = ""
        self.groups: list[Group] = []
        self.annotators: list[str] = []
        self.decisions: dict[str, Decision] = {}
        self.colors: dict[str, str] = {}
        self.verdict_notes: dict[str, str] = {}  # the reviewer's notes, by item
        self.flagged: dict[str, str] = {}  # item -> why its verdict needs another look

    def agree_column(self) -> int:
        return len(self.FIXED) + len(self.annotators)

    def set_groups(
        self,
        text: str,
        groups: list[Group],
        annotators: list[str],
        decisions: dict[str, Decision],
        colors: dict[str, str],
    ) -> None:
        self.beginResetModel()
        self.text, self.groups, self.annotators = text, groups, annotators
        self.decisions, self.colors = decisions, colors
        self.endResetModel()

    def set_decisions(
        self, decisions: dict[str, Decision], notes: dict[str, str] | None = None
    ) -> None:
        """After a verdict: only the decision and notes columns change (the groups are
        the annotators' spans, which verdicts never touch)."""
        self.decisions = decisions
        if notes is not None:
            self.verdict_notes = notes
        if self.groups:
            first, last = self.agree_column() + 1, self.columnCount() - 1
            self.dataChanged.emit(self.index(0, first), self.index(len(self.groups) - 1, last))

    def row_of(self, group: Group | None) -> int:
        if group is None:
            return -1
        for row, g in enumerate(self.groups):
            if (g.start, g.end) == (group.start, group.end):
                return row
        return -1

    def headers(self) -> list[str]:
        return [*self.FIXED, *self.annotators, *self.TAIL]

    def rowCount(self, parent: QModelIndex = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.groups)

    def columnCount(self, parent: QModelIndex = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.FIXED) + len(self.annotators) + len(self.TAIL)

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            headers = self.headers()
            if 0 <= section < len(headers):
                name = headers[section]
                i = section - len(self.FIXED)
                return f"{i + 1} {name}" if 0 <= i < min(9, len(self.annotators)) else name
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.groups):
            return None
        group = self.groups[index.row()]
        column = index.column()
        who = column - len(self.FIXED)
        annotator = self.annotators[who] if 0 <= who < len(self.annotators) else None
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return str(group.start)
            if column == 1:
                return snippet(self.text[group.start : group.end])
            if annotator is not None:
                return ", ".join(s.label for s in group.spans.get(annotator, ())) or "—"
            if column == self.agree_column():
                return "✓" if group.agreed else "✗"
            if column == self.columnCount() - 1:
                # The last column stretches: the notes may run longer than a snippet.
                return snippet(" · ".join(group_notes(group, self.verdict_notes)), 200)
            decision = group_decision(group, self.decisions)
            flagged = self.flagged.keys() & set(group.span_ids())
            return f"{LOOK_AGAIN} {decision}" if flagged else decision
        if role == Qt.ItemDataRole.BackgroundRole and annotator is not None:
            spans = group.spans.get(annotator, ())
            if spans:
                return theme.highlight(self.colors.get(spans[0].label, "#888888"))
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (0, self.agree_column()):
            return (
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if column == 0
                else int(Qt.AlignmentFlag.AlignCenter)
            )
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 1:
                return self.text[group.start : group.end]
            if column == self.columnCount() - 1:
                return "\n".join(group_notes(group, self.verdict_notes)) or None
            if column == self.columnCount() - 2 and self.flagged.keys() & set(group.span_ids()):
                return "\n".join(self.flagged[i] for i in group.span_ids() if i in self.flagged)
            if annotator is not None:
                return (
                    "\n".join(
                        f"{s.label} [{s.start}, {s.end}) “{snippet(s.text)}”"
                        for s in group.spans.get(annotator, ())
                    )
                    or f"{annotator} has no span here"
                )
        return None


def link_state(relation: Relation, decisions: Mapping[str, Decision]) -> str:
    """What stands between an undecided link and gold: its spans' verdicts."""
    ends = []
    for role, span_id in (("from", relation.source), ("to", relation.target)):
        d = decisions.get(span_id)
        ends.append(f"{role} {VERDICT_MARKS[d.verdict] if d else 'undecided'}")
    return " · ".join(ends)


class LinkTableModel(TitledTable):
    """The annotators' links of one article: who, from, link type, to, the verdict, and
    (undecided) what its spans' verdicts are, as a link goes into gold only with both."""

    HEADERS = ("Annotator", "From", "Link", "To", "Verdict", "Its spans")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.links: list[Relation] = []
        self.spans: dict[str, Span] = {}
        self.decisions: Mapping[str, Decision] = {}
        self.gold_labels: dict[str, str] = {}  # gold relation id -> its label
        self.flagged: dict[str, str] = {}  # as GroupTableModel.flagged

    def set_links(
        self,
        links: list[Relation],
        spans: dict[str, Span],
        decisions: Mapping[str, Decision],
        gold_labels: dict[str, str],
    ) -> None:
        if [r.id for r in links] == [r.id for r in self.links]:
            self.links, self.spans = links, spans
            self.decisions, self.gold_labels = decisions, gold_labels
            if self.links:
                self.dataChanged.emit(
                    self.index(0, 0), self.index(len(self.links) - 1, len(self.HEADERS) - 1)
                )
            return
        self.beginResetModel()
        self.links, self.spans = links, spans
        self.decisions, self.gold_labels = decisions, gold_labels
        self.endResetModel()

    def row_of(self, rel_id: str | None) -> int:
        for row, r in enumerate(self.links):
            if r.id == rel_id:
                return row
        return -1

    def verdict_text(self, relation: Relation) -> str:
        d = self.decisions.get(relation.id)
        if d is None:
            return ""
        text = f"{VERDICT_MARKS[d.verdict]} {d.verdict}"
        if relation.id in self.flagged:
            text = f"{LOOK_AGAIN} {text}"
        gold_label = self.gold_labels.get(d.gold or "")
        if gold_label and gold_label != relation.label:
            text += f" as {gold_label}"
        return text

    def rowCount(self, parent: QModelIndex = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.links)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.links):
            return None
        relation = self.links[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == 0:
                return relation.annotator
            if column in (1, 3):
                span = self.spans.get(relation.source if column == 1 else relation.target)
                if span is None:
                    return "?"
                if role == Qt.ItemDataRole.ToolTipRole:
                    return f"{span.label} [{span.start}, {span.end}) “{span.text}”"
                return f"{span.label}: {snippet(span.text)}"
            if column == 2:
                return relation.label
            if column == 4:
                return self.verdict_text(relation)
            if column == 5:
                return "" if relation.id in self.decisions else link_state(
                    relation, self.decisions
                )
        return None
