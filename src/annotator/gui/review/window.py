"""Review ▸ Compare annotators (Ctrl+Shift+R): one article's groups of overlapping spans,
each annotator's reading in a lane, the gold layer under them, decided with the keyboard.

- ``N`` / ``J`` and ``Shift+N`` / ``K``: the next, previous disagreement.
- ``1``..``9``: pick an annotator's lane.
- ``A``: that lane's reading of the group goes into gold: its spans are accepted (the same
  spans of other annotators too, as they are the same gold span), the group's other spans
  that are still undecided are rejected. Picking a lane with no span and pressing ``A``
  says "nothing here": the undecided spans are rejected.
- ``R``: reject the lane's spans in the group. ``E``: edit the lane's span into gold (new
  start and end from a selection in any lane, snapped to words, or a new label).
- ``U``: forget the decisions on the group's spans and their links (their gold spans go
  with them).

Links follow their spans (``review/rules.follow_spans``): rejected with either span,
accepted once both are in gold.

Verdicts are applied by ``review/verdicts.py`` (the store's checks, then the links that
follow) through the window's writer, in order, like every edit; the window only re-reads
what the store now holds.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QEvent, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QLabel,
    QMainWindow,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core.annotators import GOLD
from annotator.core.model import Decision, Document, Relation, Span
from annotator.gui import writer
from annotator.gui.models import select_row
from annotator.gui.review import look_again
from annotator.gui.review.actions import KEY_HINT, LINK_KEY_HINT, ReviewActions
from annotator.gui.review.bar import ReviewBar
from annotator.gui.review.compare_view import CompareView, stretch_around
from annotator.gui.review.keys import ReviewKeys
from annotator.gui.review.models import GroupTableModel, LinkTableModel
from annotator.review import rules, verdicts
from annotator.review.compare import Group, groups, next_disagreement
from annotator.review.lanes import lane_states
from annotator.store import Store, StoreError

# Rows of the group table sized from at most this many rows (all of them would read every
# cell of a few thousand groups at each change).
SIZE_FROM_ROWS = 200


class ReviewWindow(QMainWindow):
    gold_changed = Signal(str)  # a decision changed the gold layer of this document

    def __init__(
        self,
        *,
        store: Store,
        reviewer: Callable[[], str],
        report: Callable[[StoreError], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Review — compare annotators")
        self.setObjectName("reviewWindow")
        self.store, self.reviewer, self.report = store, reviewer, report
        self.writer = writer.Writer.of(store, report)
        self.document: Document | None = None
        self.spans: list[Span] = []
        self.relations: list[Relation] = []
        self.annotators: list[str] = []  # everyone with a span in this article (not gold)
        self.groups: list[Group] = []  # as filtered
        self.decisions: dict[str, Decision] = {}
        self.colors: dict[str, str] = {}
        self.current: Group | None = None
        self.lane: str | None = None  # the annotator whose lane is picked
        self.link_labels: list[str] = []
        self._shape: tuple | None = None  # what the groups were made from

        self.bar = ReviewBar()
        self.compare = CompareView()
        self.model = GroupTableModel(self)
        self.table = _table(self.model, "groupTable")
        self.links_model = LinkTableModel(self)
        self.links_table = _table(self.links_model, "linkTable")
        links_header = self.links_table.horizontalHeader()
        links_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for column in (1, 3):
            links_header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.tabs = QTabWidget(objectName="reviewTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.tabs.tabBar().setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.tabs.addTab(self.table, "Groups")
        self.tabs.addTab(self.links_table, "Links")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.compare)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([540, 220])
        self.hint = hint = QLabel(KEY_HINT, objectName="reviewKeys")
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 6)
        column.setSpacing(4)
        column.addWidget(self.bar)
        column.addWidget(split, 1)
        column.addWidget(hint, 0, Qt.AlignmentFlag.AlignHCenter)
        self.setCentralWidget(body)

        self.keys = ReviewKeys(self)
        self.key_actions = ReviewActions(self, self.keys)
        self._connect_signals()
        screen = self.screen().availableGeometry()
        self.resize(min(1220, int(screen.width() * 0.95)), min(900, int(screen.height() * 0.92)))

    def _connect_signals(self) -> None:
        self.table.selectionModel().currentRowChanged.connect(self._on_table_row_changed)
        self.links_table.selectionModel().currentRowChanged.connect(
            self._on_links_table_row_changed
        )
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.compare.lane_clicked.connect(self.set_lane)
        self.bar.document_picked.connect(self._on_document_picked)
        self.bar.filters_changed.connect(self._regroup)
        # The main window applies the new palette first (it connected first); then the
        # tints, mixed into the page colour, are drawn again here.
        QApplication.styleHints().colorSchemeChanged.connect(self._on_color_scheme_changed)

    # -- loading ---------------------------------------------------------------------------

    def open_document(self, doc_id: str) -> None:
        self.document = self.store.document(doc_id)
        self.current = None
        self.lane = None
        documents = self.bar.documents
        if documents.findData(doc_id) < 0:
            self.bar.fill_documents(self.store, doc_id)
        documents.setCurrentIndex(max(0, documents.findData(doc_id)))
        self._reload_document()

    def reload(self) -> None:
        """After an import: the list of articles and the open one read again (with none
        open yet, the first of the list)."""
        self.bar.fill_documents(self.store, self.document.id if self.document else None)
        if self.document is None and self.bar.documents.count():
            self.open_document(self.bar.documents.itemData(0))
        self._reload_document()

    def _reload_document(self) -> None:
        """Read the article's spans and decisions again, keep the group and lane."""
        if self.document is None:
            return
        doc_id = self.document.id
        colors = {label.name: label.color for label in self.store.labels("span")}
        self.link_labels = [label.name for label in self.store.labels("relation")]
        self.spans = self.store.spans(doc_id)
        self.relations = self.store.relations(doc_id)
        self.decisions = self.store.decisions(doc_id)
        self.annotators = sorted({s.annotator for s in self.spans} - {GOLD})
        flags = self.store.review_flags(doc_id)  # issue 16: verdicts to look at again
        look_again.show_flags((self.model, self.links_model), self.tabs, flags)
        # A verdict changes gold and the decisions, never the annotators' spans: then the
        # groups stand and only the decisions are shown again (a few thousand groups are
        # not grouped and laid out again at each key press).
        shape = (
            doc_id,
            tuple((s.id, s.start, s.end, s.label) for s in self.spans if s.annotator != GOLD),
            tuple(colors.items()),
        )
        self.colors = colors
        if shape == self._shape:
            self.model.set_decisions(self.decisions)
            self.show_group(self.current)
        else:
            self._shape = shape
            self.bar.fill_filters(list(self.colors), self.annotators)
            self._regroup()
        self._show_links()
        self.bar.show_progress(self.store, doc_id)

    def _regroup(self) -> None:
        shown = self.shown_annotators()
        labels = [name for name in self.colors if name not in self.bar.hidden_labels]
        self.groups = groups(self.spans, shown, labels=labels)
        listed = (
            [g for g in self.groups if not g.agreed]
            if self.bar.open_only.isChecked()
            else self.groups
        )
        self.compare.set_annotators(shown, GOLD)
        self.model.set_groups(self.document.text, listed, shown, self.decisions, self.colors)
        self._show_links()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(self.model.columnCount() - 1, QHeaderView.ResizeMode.Stretch)
        if self.lane not in shown:
            self.lane = shown[0] if shown else None
        same = [g for g in self.groups if self.current and g.start <= self.current.start < g.end]
        if same:
            self.show_group(same[0])
        else:
            first = next_disagreement(self.groups, -1) or (self.groups[0] if self.groups else None)
            self.show_group(first)

    def shown_annotators(self) -> list[str]:
        return [a for a in self.annotators if a not in self.bar.hidden_annotators]

    def _show_links(self) -> None:
        """The Links tab: the shown annotators' links, in the order of their source span."""
        by_id = {s.id: s for s in self.spans}
        shown = set(self.shown_annotators())
        links = sorted(
            (r for r in self.relations if r.annotator in shown),
            key=lambda r: (
                by_id[r.source].start if r.source in by_id else -1,
                r.annotator,
                r.id,
            ),
        )
        gold_labels = {r.id: r.label for r in self.relations if r.annotator == GOLD}
        self.links_model.set_links(links, by_id, self.decisions, gold_labels)
        undecided = sum(1 for r in links if r.id not in self.decisions)
        self.tabs.setTabText(
            1, f"Links ({undecided} undecided)" if undecided else f"Links ({len(links)})"
        )

    # -- showing ---------------------------------------------------------------------------

    def show_group(self, group: Group | None) -> None:
        self.current = group
        text = self.document.text if self.document else ""
        stretch = stretch_around(text, group.start, group.end) if group else None
        by_lane: dict[str, list[Span]] = {}
        for span in self.spans:
            if span.label not in self.bar.hidden_labels:
                by_lane.setdefault(span.annotator, []).append(span)
        states = lane_states(group, self.annotators, self.spans, self.relations, self.decisions)
        self.compare.show_stretch(text, stretch, by_lane, self.colors, states)
        self.compare.set_current(self.lane)
        if group is None:
            self.compare.place.setText(
                "No spans to compare in this article."
                if not self.groups
                else "Pick a group in the table."
            )
        else:
            n = self.groups.index(group) + 1 if group in self.groups else 0
            mark = "all agree" if group.agreed else "disagreement"
            self.compare.place.setText(
                f"<b>Group {n} of {len(self.groups)}</b> · characters {group.start}–{group.end}"
                f" · {mark} · {', '.join(sorted(group.labels))}"
            )
        row = self.model.row_of(group)
        if row < 0 or self.table.currentIndex().row() != row:
            select_row(self.table, row)

    def set_lane(self, annotator: str) -> None:
        """The lane of ``annotator`` is picked (if shown)."""
        if annotator in self.shown_annotators():
            self.lane = annotator
            self.compare.set_current(annotator)

    # -- the Links tab ---------------------------------------------------------------------

    def on_links(self) -> bool:
        """The keys A, R, E, U, N and Shift+N act on the Links tab's link when it is shown."""
        return self.tabs.currentIndex() == 1

    def current_link(self) -> Relation | None:
        row = self.links_table.currentIndex().row()
        links = self.links_model.links
        return links[row] if 0 <= row < len(links) else None

    def select_link(self, row: int) -> None:
        if 0 <= row < self.links_model.rowCount():
            select_row(self.links_table, row)

    # -- writing ---------------------------------------------------------------------------

    def submit(self, text: str, apply: Callable[[], object]) -> None:
        """``apply`` (verdicts given or forgotten) through the writer, in order, like every
        edit; then ``text`` (or the store's refusal) is said and the article read again."""
        doc_id = self.document.id

        def save() -> str | None:
            # A verdict the store refuses (AdjudicationError) is said, not kept for
            # retrying: trying it again would give the same answer, and it would hold up
            # every later edit.
            try:
                apply()
            except verdicts.AdjudicationError as exc:
                return verdicts.refusal(exc)
            return None

        def show(refused: str | None) -> None:
            self.statusBar().showMessage(refused or text, 10000 if refused else 4000)
            if self.document is not None and self.document.id == doc_id:
                self._reload_document()
            self.gold_changed.emit(doc_id)

        self.writer.submit(writer.Write(text, save, show))

    # -- slots -----------------------------------------------------------------------------

    def changeEvent(self, event) -> None:  # noqa: N802
        """Back in this window after working in the main one (a span drawn, moved or
        deleted there): the article is read again, so no verdict is given on what is gone.
        Nothing changed, nothing is regrouped."""
        super().changeEvent(event)
        if (
            event.type() == QEvent.Type.ActivationChange
            and self.isActiveWindow()
            and self.document is not None
        ):
            self._reload_document()

    def _on_table_row_changed(self, current, _previous) -> None:
        if current.isValid() and 0 <= current.row() < len(self.model.groups):
            group = self.model.groups[current.row()]
            if self.current is None or (group.start, group.end) != (
                self.current.start,
                self.current.end,
            ):
                self.show_group(group)

    def _on_links_table_row_changed(self, _current, _previous) -> None:
        """A link picked in the Links tab: the lanes show its source span's group, with
        the link's annotator's lane picked."""
        link = self.current_link()
        if link is None:
            return
        source = next((s for s in self.spans if s.id == link.source), None)
        if source is not None:
            group = next((g for g in self.groups if g.start <= source.start < g.end), None)
            if group is not None and group is not self.current:
                self.show_group(group)
        self.set_lane(link.annotator)

    def _on_tabs_current_changed(self, index: int) -> None:
        on_links = index == 1
        self.hint.setText(LINK_KEY_HINT if on_links else KEY_HINT)
        if on_links and not self.links_table.currentIndex().isValid() and self.links_model.links:
            first_open = rules.next_open_link(self.links_model.links, self.decisions, -1, +1)
            self.select_link(first_open or 0)

    def _on_document_picked(self, doc_id: str) -> None:
        if doc_id and (self.document is None or doc_id != self.document.id):
            self.open_document(doc_id)

    def _on_color_scheme_changed(self, *_args) -> None:
        if self.document is not None:
            self._regroup()


def _table(model: QAbstractItemModel, name: str) -> QTableView:
    """A read-only table of whole rows, one picked at a time, keys left to the window."""
    table = QTableView(objectName=name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)
    table.verticalHeader().hide()
    table.setWordWrap(False)
    table.setShowGrid(False)
    table.setAlternatingRowColors(True)
    table.horizontalHeader().setResizeContentsPrecision(SIZE_FROM_ROWS)
    return table
