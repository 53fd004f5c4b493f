"""Review ▸ Compare annotators (Ctrl+Shift+R): one article's groups of overlapping spans,
each annotator's reading in a lane, the gold layer under them, decided with the keyboard.

- ``N`` / ``J`` and ``Shift+N`` / ``K``: the next, previous disagreement. ``Space``: the
  next group with a span still undecided, on to the next article that has one.
- ``1``..``9``: pick an annotator's lane.
- ``A``: that lane's reading of the group goes into gold: its spans are accepted (the same
  spans of other annotators too, as they are the same gold span), the group's other spans
  that are still undecided are rejected. Picking a lane with no span and pressing ``A``
  says "nothing here": the undecided spans are rejected. An edit is never overwritten.
- ``R``: reject the lane's spans in the group. ``E``: edit the lane's span into gold (its
  edges dragged in the gold lane, snapped to words, or typed; or a new label).
  After ``A`` and ``R`` the window moves on to the next undecided group.
- ``U``: forget the decisions on the group's spans and their links (their gold spans go
  with them). ``Ctrl+N``: the reviewer's note on the lane's verdict, exported with gold.
- ``Ctrl+Z`` / ``Ctrl+Shift+Z``: undo, redo any of these. ``Escape``: close.

A key that would change a verdict already given says so and asks first.

Links follow their spans (``review/rules.follow_spans``): rejected with either span,
accepted once both are in gold.

Verdicts are applied by ``review/verdicts.py`` (the store's checks, then the links that
follow) as undo commands (gui/review/commands.py) through the window's writer, in order,
like every edit; the window only re-reads what the store now holds.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QPalette, QUndoStack
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
from annotator.gui.review.commands import VerdictCommand
from annotator.gui.review.compare_view import CompareView, stretch_around
from annotator.gui.review.edit import EditBar
from annotator.gui.review.keys import ReviewKeys
from annotator.gui.review.models import GroupTableModel, LinkTableModel
from annotator.review import rules
from annotator.review.compare import Group, groups, next_disagreement
from annotator.review.lanes import lane_notes, lane_states
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
        self.verdict_notes: dict[str, str] = {}  # the reviewer's notes, by item
        self.article_note: str | None = None
        self._shape: tuple | None = None  # what the groups were made from
        self.undo_stack = QUndoStack(self)
        self._refused: set[object] = set()  # commands refused before they reached the stack
        # E: (the span, its group, its lane) while its edges are being moved, else None.
        self.editing: tuple[Span, Group, str] | None = None
        self._sized_by_hand = False  # the splitter was dragged: it keeps its place

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
        self.split = split = QSplitter(Qt.Orientation.Vertical, objectName="reviewSplit")
        split.addWidget(self.compare)
        split.addWidget(self.tabs)
        split.setChildrenCollapsible(False)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.splitterMoved.connect(self._on_splitter_moved)
        self.edit_bar = EditBar()
        self.hint = hint = QLabel(KEY_HINT, objectName="reviewKeys")
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 6)
        column.setSpacing(4)
        column.addWidget(self.bar)
        column.addWidget(self.edit_bar)
        column.addWidget(split, 1)
        column.addWidget(hint, 0, Qt.AlignmentFlag.AlignHCenter)
        self.setCentralWidget(body)

        self.keys = ReviewKeys(self)
        self.key_actions = ReviewActions(self, self.keys)
        self._connect_signals()
        screen = self.screen().availableGeometry()
        self.resize(min(1220, int(screen.width() * 0.95)), min(900, int(screen.height() * 0.92)))

    def _connect_signals(self) -> None:
        self.compare.edges_moved.connect(self._on_edges_moved)
        self.table.selectionModel().currentRowChanged.connect(self._on_table_row_changed)
        self.links_table.selectionModel().currentRowChanged.connect(
            self._on_links_table_row_changed
        )
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.compare.lane_clicked.connect(self.set_lane)
        self.edit_bar.range_changed.connect(self._on_edit_range)
        self.edit_bar.applied.connect(self.keys.apply_edit)
        self.edit_bar.cancelled.connect(self.end_edit)
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
        self.verdict_notes = self.store.decision_notes(doc_id)
        self.article_note = self.store.article_note(doc_id)
        self.annotators = sorted({s.annotator for s in self.spans} - {GOLD})
        flags = self.store.review_flags(doc_id)  # issue 16: verdicts to look at again
        look_again.show_flags((self.model, self.links_model), self.tabs, flags)
        # A verdict changes gold and the decisions, never the annotators' spans: then the
        # groups stand and only the decisions are shown again (a few thousand groups are
        # not grouped and laid out again at each key press).
        shape = (
            doc_id,
            # (a note changed in the main window is shown too: the groups hold the spans)
            tuple(
                (s.id, s.start, s.end, s.label, s.note) for s in self.spans if s.annotator != GOLD
            ),
            tuple(colors.items()),
        )
        self.colors = colors
        self.model.verdict_notes = self.verdict_notes
        if shape == self._shape:
            self.model.set_decisions(self.decisions, self.verdict_notes)
            self.show_group(self.current)
        else:
            self._shape = shape
            self.bar.fill_filters(list(self.colors), self.annotators)
            self._regroup()
        self._show_links()
        self.bar.show_progress(self.store, doc_id)

    def _regroup(self) -> None:
        self.end_edit()  # the lanes may be made again
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
        if self.editing is not None and (
            group is None or (group.start, group.end) != (self.editing[1].start,
                                                          self.editing[1].end)
        ):
            self.end_edit("The edit was cancelled: another group is shown.")
        self.current = group
        text = self.document.text if self.document else ""
        stretch = stretch_around(text, group.start, group.end) if group else None
        if stretch is not None and self.editing is not None:
            # The edges may be dragged beyond the group: the lanes show them too.
            a, b = self.compare.lanes[GOLD].text.edges or (group.start, group.end)
            if a < stretch.start or b > stretch.end:
                wider = stretch_around(text, min(a, group.start), max(b, group.end))
                stretch = type(stretch)(wider.start, wider.end, stretch.group)
        by_lane: dict[str, list[Span]] = {}
        for span in self.spans:
            if span.label not in self.bar.hidden_labels:
                by_lane.setdefault(span.annotator, []).append(span)
        states = lane_states(group, self.annotators, self.spans, self.relations, self.decisions)
        notes = lane_notes(group, self.annotators, self.verdict_notes)
        self.compare.show_stretch(text, stretch, by_lane, self.colors, states, notes)
        self.compare.set_current(self.lane)
        self._fit_split()
        if group is None:
            self.compare.place.setText(
                "No spans to compare in this article."
                if not self.groups
                else "Pick a group in the table."
            )
        else:
            n = self.groups.index(group) + 1 if group in self.groups else 0
            mark = "all agree" if group.agreed else "disagreement"
            note = self.article_note
            self.compare.place.setText(
                f"<b>Group {n} of {len(self.groups)}</b> · characters {group.start}–{group.end}"
                f" · {mark} · {', '.join(sorted(group.labels))}"
                + (f" · ✉ <i>article note:</i> {html.escape(_clip(note))}" if note else "")
            )
            self.compare.place.setToolTip(f"Article note: {note}" if note else "")
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

    def decide(self, text: str, apply: Callable[[], object], *, advance: bool = False) -> None:
        """``apply`` (verdicts given or forgotten, a note) as an undo command through the
        writer, in order, like every edit; then ``text`` (or the store's refusal) is said
        and the article read again. With ``advance`` (A, R) the window then moves on to the
        next undecided group."""
        doc_id = self.document.id
        where = self.current.start if self.current else None
        after = self._after_step(doc_id, where, advance)
        command = VerdictCommand(text, self.store, self.writer, doc_id, apply, after, where)
        self.undo_stack.push(command)
        if command.token in self._refused:  # refused at once, inside push
            self._refused.discard(command.token)
            self._drop(command.token)

    def _after_step(self, doc_id: str, where: int | None, advance: bool):
        def shown(token: object, text: str, refused: str | None, step: str) -> None:
            if refused:
                self._drop(token)
                self.statusBar().showMessage(refused, 10000)
            else:
                said = {"undo": "Undone: ", "redo": "Redone: "}.get(step, "")
                self.statusBar().showMessage(said + text, 4000)
            if self.document is not None and self.document.id == doc_id:
                self._reload_document()
                if step != "do" and where is not None:
                    self._show_at(where)  # undo, redo: the group where it happened
                elif advance and not refused:
                    self._advance()
            elif step != "do" and self.isVisible():
                self.open_document(doc_id)  # undone in another article: shown there
                if where is not None:
                    self._show_at(where)
            self.gold_changed.emit(doc_id)

        return shown

    def _drop(self, token: object) -> None:
        """A refused verdict leaves nothing to undo: its command goes from the stack (one
        refused while it was being pushed is dropped once it is there)."""
        stack = self.undo_stack
        top = stack.command(stack.index() - 1) if stack.index() > 0 else None
        if top is not None and getattr(top, "token", None) is token:
            top.setObsolete(True)
            stack.undo()  # an obsolete command is deleted, not undone
        else:
            self._refused.add(token)

    def _show_at(self, where: int) -> None:
        group = next((g for g in self.groups if g.start <= where < g.end), None)
        if group is not None:
            self.show_group(group)

    def _advance(self) -> None:
        """After A or R: the next group with a span still undecided in this article (R
        on one lane leaves the others' spans open: the group stays until they are
        decided too)."""
        if self.current is None or rules.undecided(self.current, self.decisions):
            return
        found = rules.next_undecided(self.groups, self.decisions, self.current.start)
        if found is None:
            said = self.statusBar().currentMessage()
            self.statusBar().showMessage(
                f"{said} · every group in this article is decided (Space: the next article "
                "with undecided spans)",
                8000,
            )
        else:
            self.show_group(found)

    # -- editing a span's edges (E) --------------------------------------------------------

    def begin_edit(self, span: Span, start: int, end: int) -> None:
        """The edit bar opens on ``span`` going into gold as ``[start, end)``; its edges
        can be dragged in the gold lane."""
        if GOLD not in self.compare.lanes or self.current is None:
            return
        self.editing = (span, self.current, self.lane)
        self.edit_bar.begin(
            self.document.text, f"Edit {span.annotator}'s {span.label}", start, end, span.label,
            list(self.colors),
        )
        self.compare.lanes[GOLD].text.set_edges((start, end), self.colors.get(span.label, ""))
        self.key_actions.set_editing(True)
        self.show_group(self.current)
        self.compare.ensureWidgetVisible(self.compare.lanes[GOLD])
        self.edit_bar.start.setFocus()
        self.statusBar().showMessage(
            "Drag the edges in the gold lane (they snap to words) or type the offsets; "
            "Return applies, Escape cancels",
            8000,
        )

    def end_edit(self, said: str | None = None) -> None:
        if self.editing is None:
            return
        self.editing = None
        self.edit_bar.hide()
        if GOLD in self.compare.lanes:
            self.compare.lanes[GOLD].text.set_edges(None)
        self.key_actions.set_editing(False)
        self.table.setFocus()
        if said:
            self.statusBar().showMessage(said, 5000)
        if self.current is not None:
            self.show_group(self.current)

    def _on_edges_moved(self, start: int, end: int) -> None:
        if self.editing is not None:
            self.edit_bar.set_range(start, end)
            self.show_group(self.current)

    def _on_edit_range(self, start: int, end: int) -> None:
        if self.editing is not None and GOLD in self.compare.lanes:
            gold = self.compare.lanes[GOLD].text
            gold.set_edges((start, end), gold.edge_color)
            self.show_group(self.current)

    def escape(self) -> None:
        """Escape: cancels an edit, else closes the window (every decision is saved as it
        is made, so there is nothing to ask)."""
        if self.editing is not None:
            self.end_edit("The edit was cancelled.")
        else:
            self.close()

    # -- layout ----------------------------------------------------------------------------

    def _fit_split(self) -> None:
        """The lanes get the height they need (at most two thirds), the table the rest:
        no empty band under the lanes while the table shows a few rows. Once the
        splitter is dragged, it stays where the reviewer put it."""
        if self._sized_by_hand:
            return
        QTimer.singleShot(0, self._fit_split_now)

    def _fit_split_now(self) -> None:
        total = sum(self.split.sizes())
        if total <= 0 or self._sized_by_hand:
            return
        needed = self.compare.widget().sizeHint().height() + 4
        lanes = max(160, min(needed, total * 2 // 3))
        if abs(self.split.sizes()[0] - lanes) > 8:
            self.split.setSizes([lanes, total - lanes])

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._fit_split()

    def _on_splitter_moved(self, *_args) -> None:
        self._sized_by_hand = True

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


def _clip(note: str, n: int = 90) -> str:
    one = " ".join(note.split())
    return one if len(one) <= n else one[: n - 1] + "…"


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
