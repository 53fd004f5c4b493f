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

Links follow their spans (``review_rules.follow_spans``): rejected with either span,
accepted once both are in gold.

Decisions are made by the store (``decide_span``, ``undecide``) through the window's
writer, in order, like every edit; the window only re-reads what the store now holds.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QProgressBar,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core import textnav
from annotator.core.annotators import GOLD
from annotator.core.model import Decision, Document, Relation, Span
from annotator.gui import review_rules, writer
from annotator.gui.compare_view import CompareView, stretch_around
from annotator.gui.models import select_row
from annotator.gui.review_edit import EditSpanDialog
from annotator.gui.review_models import VERDICT_MARKS, GroupTableModel, LinkTableModel
from annotator.review.compare import Group, groups, next_disagreement
from annotator.store import Store, StoreError
from annotator.store.adjudication import AdjudicationError

KEY_HINT = (
    "N / Shift+N  next, previous disagreement    1–9  pick a lane    A  accept    "
    "R  reject    E  edit    U  undo the decision    Shift+A  accept all agreed    L  links"
)
LINK_KEY_HINT = (
    "Links:  N / Shift+N  next, previous undecided link    A  accept    R  reject    "
    "E  relabel    U  undo the decision    L  back to the groups"
)
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
        self.hidden_labels: set[str] = set()
        self.hidden_annotators: set[str] = set()
        self.progress: dict[str, tuple[int, int]] = {}  # article -> (decided, total)
        self.corpus = (0, 0)
        self.titles: dict[str, str] = {}
        self.link_labels: list[str] = []
        self._shape: tuple | None = None  # what the groups were made from

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

        top = QHBoxLayout()
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

        self.compare = CompareView()
        self.model = GroupTableModel(self)
        self.table = QTableView(objectName="groupTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setResizeContentsPrecision(SIZE_FROM_ROWS)
        self.links_model = LinkTableModel(self)
        self.links_table = QTableView(objectName="linkTable")
        self.links_table.setModel(self.links_model)
        self.links_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.links_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.links_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.links_table.setTabKeyNavigation(False)
        self.links_table.verticalHeader().hide()
        self.links_table.setWordWrap(False)
        self.links_table.setShowGrid(False)
        self.links_table.setAlternatingRowColors(True)
        links_header = self.links_table.horizontalHeader()
        links_header.setResizeContentsPrecision(SIZE_FROM_ROWS)
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
        column.addLayout(top)
        column.addWidget(split, 1)
        column.addWidget(hint, 0, Qt.AlignmentFlag.AlignHCenter)
        self.setCentralWidget(body)

        self._make_actions()
        self._connect_signals()
        screen = self.screen().availableGeometry()
        self.resize(min(1220, int(screen.width() * 0.95)), min(900, int(screen.height() * 0.92)))

    # -- construction ------------------------------------------------------------------------

    def _make_actions(self) -> None:
        def action(text: str, keys: list[str], slot) -> QAction:
            a = QAction(text, self)
            a.setShortcuts([QKeySequence(k) for k in keys])
            a.triggered.connect(slot)
            self.addAction(a)
            return a

        self.next_action = action("Next disagreement", ["N", "J"], lambda: self.step(+1))
        self.prev_action = action("Previous disagreement", ["Shift+N", "K"], lambda: self.step(-1))
        self.accept_action = action("Accept the lane's spans into gold", ["A"], self.accept)
        self.reject_action = action("Reject the lane's spans", ["R"], self.reject)
        self.edit_action = action("Edit the lane's span into gold", ["E"], self.edit)
        self.undo_action = action("Undo the group's decisions", ["U"], self.undo)
        self.accept_agreed_action = action(
            "Accept every group where all agree", ["Shift+A"], self.accept_agreed
        )
        self.links_action = action("Links / groups", ["L"], self.toggle_links)
        self.lane_actions = [
            action(f"Pick annotator lane {n}", [str(n)], lambda _c=False, i=n - 1: self.pick(i))
            for n in range(1, 10)
        ]
        self.next_doc_action = action(
            "Next article", ["Ctrl+PgDown"], lambda: self.step_document(+1)
        )
        self.prev_doc_action = action(
            "Previous article", ["Ctrl+PgUp"], lambda: self.step_document(-1)
        )
        self.close_action = action("Close the review window", ["Ctrl+W"], self.close)

    def _connect_signals(self) -> None:
        self.table.selectionModel().currentRowChanged.connect(self._on_table_row_changed)
        self.links_table.selectionModel().currentRowChanged.connect(
            self._on_links_table_row_changed
        )
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.compare.lane_clicked.connect(self._on_compare_lane_clicked)
        self.documents.activated.connect(self._on_documents_activated)
        self.open_only.toggled.connect(lambda _on: self._regroup())
        self.label_filter.menu().triggered.connect(self._on_filter_triggered)
        self.annotator_filter.menu().triggered.connect(self._on_filter_triggered)
        # The main window applies the new palette first (it connected first); then the
        # tints, mixed into the page colour, are drawn again here.
        QApplication.styleHints().colorSchemeChanged.connect(self._on_color_scheme_changed)

    # -- loading ---------------------------------------------------------------------------

    def open_document(self, doc_id: str) -> None:
        self.document = self.store.document(doc_id)
        self.current = None
        self.lane = None
        if self.documents.findData(doc_id) < 0:
            self._fill_documents()
        self.documents.setCurrentIndex(max(0, self.documents.findData(doc_id)))
        self._reload_document()

    def reload(self) -> None:
        """After an import: the list of articles and the open one read again (with none
        open yet, the first of the list)."""
        self._fill_documents()
        if self.document is None and self.documents.count():
            self.open_document(self.documents.itemData(0))
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
            self._fill_filters()
            self._regroup()
        self._show_links()
        self._show_progress()

    def _regroup(self) -> None:
        shown = self.shown_annotators()
        labels = [name for name in self.colors if name not in self.hidden_labels]
        self.groups = groups(self.spans, shown, labels=labels)
        listed = (
            [g for g in self.groups if not g.agreed] if self.open_only.isChecked() else self.groups
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
        return [a for a in self.annotators if a not in self.hidden_annotators]

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
            if span.label not in self.hidden_labels:
                by_lane.setdefault(span.annotator, []).append(span)
        self.compare.show_stretch(text, stretch, by_lane, self.colors, self._lane_states(group))
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

    def _lane_states(self, group: Group | None) -> dict[str, str]:
        """What each lane's corner says: its verdicts here, and its links' ("links ✓✗")."""
        if group is None:
            return {}
        states = {}
        for name in self.annotators:
            spans = group.spans.get(name, ())
            if not spans:
                states[name] = "no span here"
                continue
            verdicts = [self.decisions[s.id].verdict for s in spans if s.id in self.decisions]
            open_ = len(spans) - len(verdicts)
            parts = [f"{VERDICT_MARKS[v]} {v}" for v in verdicts]
            if open_:
                parts.append(f"{open_} undecided" if verdicts or open_ > 1 else "undecided")
            links = review_rules.touching(self.relations, [s.id for s in spans])
            if links:
                marks = "".join(
                    VERDICT_MARKS[self.decisions[r.id].verdict]
                    for r in links
                    if r.id in self.decisions
                )
                waiting = sum(1 for r in links if r.id not in self.decisions)
                if waiting:
                    marks += f" +{waiting} open" if marks else "open"
                parts.append(f"link{'s' if len(links) > 1 else ''} {marks}")
            states[name] = " · ".join(parts)
        gold = [
            s
            for s in self.spans
            if s.annotator == GOLD and s.start < group.end and s.end > group.start
        ]
        if gold:
            ids = {s.id for s in gold}
            links = [
                r
                for r in self.relations
                if r.annotator == GOLD and (r.source in ids or r.target in ids)
            ]
            states[GOLD] = f"{len(gold)} gold span(s) here" + (
                f" · {len(links)} gold link(s): {', '.join(sorted({r.label for r in links}))}"
                if links
                else ""
            )
        else:
            states[GOLD] = "nothing in gold here yet"
        return states

    def _show_progress(self) -> None:
        """The article's figures are read again; the corpus's follow by the difference
        (counting the whole corpus after every verdict would be felt on a large one)."""
        doc_id = self.document.id
        decided, total = self.store.adjudication_progress(doc_id)
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

    def _fill_documents(self) -> None:
        """The articles with annotators' spans or relations, and the current one."""
        self.progress = self.store.adjudication_progress_by_document()
        self.corpus = (
            sum(d for d, _t in self.progress.values()),
            sum(t for _d, t in self.progress.values()),
        )
        wanted = self.document.id if self.document else None
        ids = [i for i, (_d, total) in self.progress.items() if total or i == wanted]
        self.titles = {i: row.title or i for i, row in self.store.document_rows(ids, "").items()}
        self.documents.blockSignals(True)
        self.documents.clear()
        for doc_id in ids:
            self.documents.addItem(self._document_item(doc_id), doc_id)
        self.documents.setCurrentIndex(max(0, self.documents.findData(wanted)))
        self.documents.blockSignals(False)

    def _document_item(self, doc_id: str) -> str:
        title = self.titles.get(doc_id, doc_id)
        short = title if len(title) <= 60 else title[:59] + "…"
        decided, total = self.progress.get(doc_id, (0, 0))
        return f"{short}   ({decided} of {total} decided)"

    def _fill_filters(self) -> None:
        for button, names, hidden in (
            (self.label_filter, list(self.colors), self.hidden_labels),
            (self.annotator_filter, self.annotators, self.hidden_annotators),
        ):
            menu = button.menu()
            if [a.text() for a in menu.actions()] == names:
                continue
            menu.clear()
            for name in names:
                a = menu.addAction(name)
                a.setCheckable(True)
                a.setChecked(name not in hidden)
        self._label_filter_text()

    def _label_filter_text(self) -> None:
        for button, title, total, hidden in (
            (self.label_filter, "Labels", len(self.colors), self.hidden_labels),
            (self.annotator_filter, "Annotators", len(self.annotators), self.hidden_annotators),
        ):
            shown = total - len(hidden & {a.text() for a in button.menu().actions()})
            button.setText(f"{title}: all" if shown == total else f"{title}: {shown} of {total}")

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

    def _on_links_table_row_changed(self, current, _previous) -> None:
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
        if link.annotator in self.shown_annotators():
            self.lane = link.annotator
            self.compare.set_current(self.lane)

    def _on_tabs_current_changed(self, index: int) -> None:
        on_links = index == 1
        self.hint.setText(LINK_KEY_HINT if on_links else KEY_HINT)
        if on_links and not self.links_table.currentIndex().isValid() and self.links_model.links:
            self._select_link(self._next_open_link(-1, +1) or 0)

    def _on_compare_lane_clicked(self, annotator: str) -> None:
        if annotator in self.shown_annotators():
            self.lane = annotator
            self.compare.set_current(annotator)

    def _on_documents_activated(self, index: int) -> None:
        doc_id = self.documents.itemData(index)
        if doc_id and (self.document is None or doc_id != self.document.id):
            self.open_document(doc_id)

    def _on_color_scheme_changed(self, *_args) -> None:
        if self.document is not None:
            self._regroup()

    def _on_filter_triggered(self, action: QAction) -> None:
        hidden = (
            self.hidden_labels
            if action.parent() is self.label_filter.menu()
            else self.hidden_annotators
        )
        (hidden.discard if action.isChecked() else hidden.add)(action.text())
        self._label_filter_text()
        self._regroup()

    # -- the reviewer's keys ---------------------------------------------------------------

    def on_links(self) -> bool:
        """The keys A, R, E, U, N and Shift+N act on the Links tab's link when it is shown."""
        return self.tabs.currentIndex() == 1

    def toggle_links(self) -> None:
        self.tabs.setCurrentIndex(0 if self.on_links() else 1)

    def step(self, direction: int) -> None:
        if self.on_links():
            self.step_link(direction)
            return
        after = self.current.start if self.current else (-1 if direction > 0 else 1 << 62)
        found = next_disagreement(self.groups, after, backwards=direction < 0)
        if found is None:
            self.statusBar().showMessage("Every group in this article agrees.", 5000)
            return
        self.show_group(found)

    def step_document(self, direction: int) -> None:
        i = self.documents.currentIndex() + direction
        if 0 <= i < self.documents.count():
            self.open_document(self.documents.itemData(i))

    def pick(self, index: int) -> None:
        shown = self.shown_annotators()
        if 0 <= index < len(shown):
            self.lane = shown[index]
            self.compare.set_current(self.lane)
            self.statusBar().showMessage(f"Lane {index + 1}: {self.lane}", 3000)

    def _lane_spans(self) -> tuple[Span, ...] | None:
        """The picked lane's spans in the current group (None: no group or lane)."""
        if self.current is None or self.lane is None:
            self.statusBar().showMessage("No group or lane to decide on.", 5000)
            return None
        return self.current.spans.get(self.lane, ())

    def accept(self) -> None:
        if self.on_links():
            self.accept_link()
            return
        mine = self._lane_spans()
        if mine is None:
            return
        what = f"{self.lane}'s reading" if mine else f"nothing here ({self.lane})"
        self._decide(
            f"Accept {what}", review_rules.accept_lane(self.current, self.lane, self.decisions)
        )

    def reject(self) -> None:
        if self.on_links():
            self.reject_link()
            return
        mine = self._lane_spans()
        if mine is None:
            return
        if not mine:
            self.statusBar().showMessage(f"{self.lane} has no span here to reject.", 5000)
            return
        self._decide(f"Reject {self.lane}'s span(s)", [(s.id, "rejected") for s in mine])

    def edit(self) -> None:
        if self.on_links():
            self.edit_link()
            return
        mine = self._lane_spans()
        if mine is None:
            return
        if not mine:
            self.statusBar().showMessage(
                f"{self.lane} has no span here to edit: pick a lane with a span.", 5000
            )
            return
        text = self.document.text
        selected = self.compare.selected_range()
        span = mine[0]
        if selected:  # of several spans in the lane, the one the selection covers most
            span = max(mine, key=lambda s: min(s.end, selected[1]) - max(s.start, selected[0]))
        start, end = textnav.snap_to_words(text, *selected) if selected else (span.start, span.end)
        dialog = EditSpanDialog(text, start, end, span.label, list(self.colors), parent=self)
        if not dialog.exec():
            return
        start, end, label = dialog.result_range()
        writes = [(span.id, "edited", {"start": start, "end": end, "label": label})]
        writes += review_rules.reject_others(self.current, self.lane, self.decisions)
        self._decide(f"Edit {self.lane}'s {span.label}", writes)

    def undo(self) -> None:
        if self.on_links():
            self.undo_link()
            return
        if self.current is None:
            return
        spans = self.current.span_ids()
        links = [r.id for r in review_rules.touching(self.relations, spans)]
        ids = [i for i in [*spans, *links] if i in self.decisions]
        if not ids:
            self.statusBar().showMessage("Nothing decided in this group yet.", 5000)
            return
        store = self.store

        def save() -> None:
            for item in ids:
                store.undecide(item)

        self._submit(f"Undo {len(ids)} decision(s)", save)

    def accept_agreed(self) -> None:
        """Shift+A: every group of this article where all the shown annotators agree (the
        same span, one each) goes into gold; groups with a verdict already are left as
        they are. The links whose spans are then all in gold follow them."""
        agreed = [
            g
            for g in self.groups
            if g.agreed and not any(i in self.decisions for i in g.span_ids())
        ]
        if not agreed:
            self.statusBar().showMessage("No undecided group where all agree.", 5000)
            return
        writes = [(span_id, "accepted") for g in agreed for span_id in g.span_ids()]
        self._decide(f"Accepted {len(agreed)} group(s) where all agree", writes)

    # -- links (the Links tab) ---------------------------------------------------------------

    def current_link(self) -> Relation | None:
        row = self.links_table.currentIndex().row()
        links = self.links_model.links
        return links[row] if 0 <= row < len(links) else None

    def _select_link(self, row: int) -> None:
        if 0 <= row < self.links_model.rowCount():
            select_row(self.links_table, row)

    def _next_open_link(self, row: int, direction: int) -> int | None:
        links = self.links_model.links
        n = len(links)
        for k in range(1, n + 1):
            i = (row + direction * k) % n
            if links[i].id not in self.decisions:
                return i
        return None

    def step_link(self, direction: int) -> None:
        found = self._next_open_link(self.links_table.currentIndex().row(), direction)
        if found is None:
            self.statusBar().showMessage("Every link in this article has a verdict.", 5000)
            return
        self._select_link(found)

    def _picked_link(self) -> Relation | None:
        link = self.current_link()
        if link is None:
            self.statusBar().showMessage("No link picked: pick one in the Links tab.", 5000)
        return link

    def accept_link(self) -> None:
        link = self._picked_link()
        if link is not None:
            self._decide_link(f"Accept {link.annotator}'s {link.label} link", link, "accepted")

    def reject_link(self) -> None:
        link = self._picked_link()
        if link is not None:
            self._decide_link(f"Reject {link.annotator}'s {link.label} link", link, "rejected")

    def edit_link(self) -> None:
        """E on a link: its type in gold (the link itself goes in as an edited copy)."""
        link = self._picked_link()
        if link is None:
            return
        labels = self.link_labels or [link.label]
        decided = self.decisions.get(link.id)
        now = self.links_model.gold_labels.get(decided.gold or "") if decided else None
        current = labels.index(now or link.label) if (now or link.label) in labels else 0
        label, ok = QInputDialog.getItem(
            self, "Link type in gold", f"{link.annotator}'s {link.label} link goes into gold as:",
            labels, current, False,
        )
        if not ok:
            return
        verdict = "accepted" if label == link.label else "edited"
        self._decide_link(f"{link.annotator}'s link into gold as {label}", link, verdict, label)

    def undo_link(self) -> None:
        link = self._picked_link()
        if link is None:
            return
        if link.id not in self.decisions:
            self.statusBar().showMessage("This link has no verdict yet.", 5000)
            return
        store, item = self.store, link.id
        self._submit(f"Undo the verdict on {link.annotator}'s link", lambda: store.undecide(item))

    def _decide_link(
        self, text: str, link: Relation, verdict: str, label: str | None = None
    ) -> None:
        store, reviewer, item = self.store, self.reviewer(), link.id
        extra = {"label": label} if verdict == "edited" else {}

        def save() -> str | None:
            try:
                store.decide_relation(item, verdict, reviewer=reviewer, **extra)
            except AdjudicationError as exc:
                return f"Not decided: {exc}"
            return None

        self._submit(text, save)

    def _decide(self, text: str, writes: list[tuple]) -> None:
        store, reviewer = self.store, self.reviewer()

        doc_id = self.document.id

        def save() -> str | None:
            # The key's verdicts are one transaction, its links' another; saving again
            # after a failure half-way is safe, as deciding the same again changes nothing. A verdict the
            # store refuses (AdjudicationError) is said, not kept for retrying: trying it
            # again would give the same answer, and it would hold up every later edit.
            try:
                store.decide_spans(writes, reviewer=reviewer)  # one transaction
                decided = store.decisions(doc_id)
                follow = review_rules.follow_spans(store.relations(doc_id), decided)
                if follow:
                    store.decide_relations(follow, reviewer=reviewer)
            except AdjudicationError as exc:
                return f"Not decided: {exc}"
            return None

        self._submit(text, save)

    def _submit(self, text: str, save: Callable[[], object]) -> None:
        doc_id = self.document.id

        def show(refused: str | None) -> None:
            self.statusBar().showMessage(refused or text, 10000 if refused else 4000)
            if self.document is not None and self.document.id == doc_id:
                self._reload_document()
            self.gold_changed.emit(doc_id)

        self.writer.submit(writer.Write(text, save, show))


def _filter_button(title: str, name: str) -> QToolButton:
    button = QToolButton(objectName=name, text=title)
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    menu = QMenu(button)
    button.setMenu(menu)
    return button
