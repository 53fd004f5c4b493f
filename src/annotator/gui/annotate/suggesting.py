"""The suggestion layer in the annotating window: the open article's pending suggestions,
read with its spans (they are few: one indexed query), outlined over the text
(suggestion_marks.py), and the keys that walk through them and decide (A accepts and R
rejects, as in the review window; X rejects too, as in Prodigy), each decision an undo
step (suggestion_commands.py).

The window wires this in with a few lines; the decisions themselves are the store's
(store/suggestions.py)."""

from __future__ import annotations

import html
from dataclasses import replace

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence, QTextCursor
from PySide6.QtWidgets import QLabel, QPlainTextEdit

from annotator.core.suggestion_index import PendingSuggestions
from annotator.core.suggestion_rows import EXISTING, Suggestion, SuggestionChange
from annotator.gui import tasks
from annotator.gui.about import menu_before_help
from annotator.gui.annotate.reading import label_color
from annotator.gui.annotate.suggestion_commands import SuggestionCommand
from annotator.gui.annotate.suggestion_marks import SuggestedArc, SuggestionMarks
from annotator.store.errors import StoreError

KEYS = {
    "next": ".", "previous": ",", "accept": "A", "reject": "R", "accept_all": "Shift+A",
    "hide": "Ctrl+Shift+H",
}


class Suggesting(QObject):
    """The open article's suggestions and the Suggestions menu."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window, self.store, self.state = window, window.store, window.state
        self.article = window.article
        self.view = PendingSuggestions([], self._span_at)
        # a decision's change -> the suggestions it hid and the links it moved (for undo)
        self._hid: dict[int, tuple] = {}
        self.current: str | None = None
        self.hidden = False
        views = [self.article.views.widget(i) for i in range(self.article.views.count())]
        self.marks = [SuggestionMarks(view) for view in views]
        self.count_label = QLabel(objectName="suggestionCount")
        window.statusBar().insertPermanentWidget(0, self.count_label)
        window.statusBar().messageChanged.connect(self._message_changed)
        self._menu()
        self._reading: tasks.Task | None = None  # a long article's, read off the GUI thread
        self.state.document_opened.connect(self.read)
        self.state.selection_changed.connect(self._on_selection)
        # the marks keep what they drew while the page stays as it is: a span a suggested
        # link ends at, added, moved or deleted, or a label's colour, changes what they show
        self.state.span_added.connect(lambda span, _row: self._span_edited(span))
        self.state.span_removed.connect(lambda span, _row: self._span_edited(span))
        self.state.span_changed.connect(lambda _old, span, _row: self._span_edited(span))
        self.state.labels_changed.connect(self.redraw)
        self.article.clicked.connect(self._on_click)
        self.state.suggestion_hint = self.hint

    def _menu(self) -> None:
        menu = self.menu = menu_before_help(self.window, "S&uggestions")
        self.actions: dict[str, QAction] = {}
        for name, text, slot in (
            ("next", "&Next suggestion", lambda: self.step(+1)),
            ("previous", "&Previous suggestion", lambda: self.step(-1)),
            ("accept", "&Accept", lambda: self.accept()),
            ("reject", "&Reject", self.reject),
            ("accept_all", "Accept all of this &kind in the article", self.accept_all),
            ("hide", "&Hide suggestions", self.toggle_hidden),
        ):
            action = menu.addAction(text, QKeySequence(KEYS[name]))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(slot)
            self.actions[name] = action
        # A and R as in the review window; X too, as Prodigy's reject
        self.actions["reject"].setShortcuts([QKeySequence("R"), QKeySequence("X")])
        self.actions["hide"].setCheckable(True)
        menu.addSeparator()
        menu.addAction("A label key while a suggestion is current accepts it with that label"
                       ).setEnabled(False)  # fmt: skip

    # -- what is pending -----------------------------------------------------------------

    def reload(self, *_args, near: int | None = None, select: str | None = None,
               pending: PendingSuggestions | None = None) -> None:  # fmt: skip
        """Read the article's pending suggestions again (``pending``: read and ordered
        already, by a worker thread) and which of its spans came from one; the current
        one stays, or moves to the first at or after ``near``."""
        doc = self.state.document
        found: list[Suggestion] = []
        self._reading = None  # (read now: a read still on its way is older)
        if doc is not None:
            try:
                if pending is None:
                    found = self.store.suggestions(doc.id, self.window.annotator)
                self.state.provenance = self.store.provenance_of_document(doc.id)
            except StoreError as exc:  # a damaged file: the article still opens
                self.window.statusBar().showMessage(f"Suggestions not shown: {exc}", 8000)
                pending = None
        # (a new one, never changed in place: a decision still on its way to the
        # database keeps the article it was made in)
        if pending is not None and doc is not None:
            self.view = pending
            pending.span_at = self._span_at  # the window's spans from now on
        else:
            self.view = PendingSuggestions(found, self._span_at)
        ids = self.view.by_id
        if select in ids:
            self.current = select
        elif near is not None:
            first = self.view.first_from(near)
            self.current = first.id if first else None
        elif self.current not in ids:
            self.current = None
        self.redraw()

    def read(self, *_args) -> None:
        """An article opened (or changed by a job): its suggestions read; a long article's (tens of thousands)
        in a worker thread with its own connection, so that they never delay opening."""
        doc, path = self.state.document, self.store.path
        if doc is None or path is None or self.article.text is not self.article.long_text:
            self.reload()
            return
        if not self.store.has_suggestions(doc.id):
            self.reload()  # (nothing to read: no thread)
            return
        self.view, self.current = PendingSuggestions([], self._span_at), None
        self.redraw()
        self.count_label.setText("Reading suggestions…")
        doc_id, who = doc.id, self.window.annotator

        def work(_progress):
            from annotator.store import Store

            with Store.open(path, create=False) as store:
                return read_back(store, doc_id, who)

        task = self._reading = tasks.Task(work)  # (no parent: as auto_suggest's runs)
        task.succeeded.connect(lambda view: self._read(doc_id, task, view))
        task.failed.connect(lambda message: self._read(doc_id, task, None, message))
        # begun once the article has been drawn: the thread shares the interpreter with
        # the window, and turning tens of thousands of rows into suggestions would slow
        # its first paint (a read no longer wanted by then, another article's or a closed
        # window's, is not begun)
        tasks.AfterFirstPaint(self.article.text.viewport(), lambda: self._reading is task
                              and not self.window._closing and task.start())

    @property
    def reading(self) -> bool:
        return self._reading is not None

    def _read(self, doc_id: str, task, view: PendingSuggestions | None,
              message: str = "") -> None:  # fmt: skip
        doc = self.state.document
        if self.window._closing or self._reading is not task or doc is None or doc.id != doc_id:
            return
        if view is None:
            self._reading = None
            self.redraw()
            self.window.statusBar().showMessage(f"Suggestions not shown: {message}", 8000)
            return
        self.reload(pending=view)

    @property
    def pending(self) -> list[Suggestion]:
        """The pending suggestions in the order the keys walk them (not to be changed)."""
        return self.view.order

    def _span_at(self, span_id: str) -> tuple[int, int, str] | None:
        if span_id in self.state.spans:
            span = self.state.spans.get(span_id)
            return span.start, span.end, span.label
        return None

    def _place(self, s: Suggestion) -> int:
        return self.view.place(s)

    def _end(self, end: str) -> tuple[int, int, str] | None:
        return self.view.end_of(end)

    def current_suggestion(self) -> Suggestion | None:
        return self.view.by_id.get(self.current) if self.current is not None else None

    def redraw(self) -> None:
        provider = self._on_screen if self.pending and not self.hidden else None
        for marks in self.marks:
            marks.show(provider)
        self._count()

    def _on_screen(self, top: int, bottom: int) -> tuple[list, list[SuggestedArc]]:
        """What the marks draw between the Qt positions ``top`` and ``bottom``: the span
        suggestions there outlined (the current one, and the current link's ends, drawn
        thicker) and the links there as dashed arcs between their ends."""
        positions, color = self.state.positions, lambda label: label_color(self.state, label)
        lo, hi = positions.from_qt(top), positions.from_qt(bottom, side="end")
        now = self.current_suggestion()
        ends = {now.source, now.target} if now is not None and not now.is_span else set()
        places = [
            (*positions.range_to_qt(s.start, s.end), color(s.label),
             s.id == self.current or s.id in ends)
            for s in self.view.spans_at.between(lo, hi)
        ]  # fmt: skip
        for end in ends:
            there = self._end(end)
            if end.startswith(EXISTING) and there:
                places.append((*positions.range_to_qt(there[0], there[1]), color(now.label), True))
        arcs = []
        for s in self.view.links_at_place.between(lo, hi):
            source, target = self._end(s.source), self._end(s.target)
            if source is None or target is None:
                continue
            current = now is not None and now.id in (s.id, s.source, s.target)
            arcs.append(SuggestedArc(positions.range_to_qt(source[0], source[1]),
                                     positions.range_to_qt(target[0], target[1]),
                                     color(s.label), s.label, current))  # fmt: skip
        return places, arcs

    def _count(self) -> None:
        if not self.pending:
            self.count_label.setText("")
            self.count_label.setToolTip("")
            return
        shown = ", ".join(f"{n} {label}" for label, n in sorted(self.view.counts.items()))
        hidden = " (hidden)" if self.hidden else ""
        full = f"Suggestions left: {shown}{hidden}"
        self.count_label.setToolTip(full)
        if self.window.statusBar().currentMessage():
            # the message has the room: the count by label waits in the tooltip
            self.count_label.setText(f"Suggestions left: {len(self.pending)}{hidden}")
        else:
            self.count_label.setText(full)

    def _message_changed(self, text: str) -> None:
        """A message the permanent labels would cut short: the counter gives up its
        detail while it shows, and the whole message is the status bar's tooltip."""
        if self.window._closing:
            return
        self.window.statusBar().setToolTip(text)
        if self.pending:  # (else the label may say "Suggesting…")
            self._count()

    def describe(self, s: Suggestion) -> str:
        if s.is_span:
            what = f"{s.label} “{_short(s.text)}”"
        else:
            source, target = self._end(s.source), self._end(s.target)
            text = self.state.document.text
            cut = lambda end: _short(text[end[0]:end[1]]) if end else "?"  # noqa: E731
            what = f"{s.label}: “{cut(source)}” → “{cut(target)}”"
        return f"Suggestion {what} · {s.suggester}, score {s.score:.2f}: {s.reason}"

    def hint(self, offset: int) -> str:
        """The tooltip's words for the suggestions at ``offset`` (reading.py shows them)."""
        if self.hidden:
            return ""
        under = self.view.at(offset)
        return "<hr>".join(
            f"<b>suggested {html.escape(s.label)}</b> · {html.escape(s.suggester)} "
            f"({s.score:.2f})<br>{html.escape(s.reason)}<br>"
            f"<i>{KEYS['accept']} accept · {KEYS['reject']} reject · a label key: accept as</i>"
            for s in under[:4]
        )

    # -- keys ----------------------------------------------------------------------------

    def step(self, direction: int) -> None:
        if self.hidden:
            self.window.statusBar().showMessage(
                f"Suggestions are hidden ({KEYS['hide']} shows them).", 6000)
            return
        if not self.pending:
            self.window.statusBar().showMessage("No suggestions left in this article.", 5000)
            return
        i = self.view.index_of(self.current) if self.current is not None else None
        if i is not None:
            i = (i + direction) % len(self.pending)
        else:
            i = 0 if direction > 0 else len(self.pending) - 1
        self.go_to(self.pending[i])

    def go_to(self, s: Suggestion) -> None:
        self.current = s.id
        self.state.select(None)  # the keys act on the suggestion, not on a span
        self.redraw()
        self._reveal(s)
        self.window.statusBar().showMessage(self.describe(s), 15000)

    def _reveal(self, s: Suggestion) -> None:
        """The caret at the suggestion, scrolled into view."""
        view = self.article.text
        cursor = QTextCursor(view.document())
        cursor.setPosition(self.state.positions.to_qt(self._place(s)))
        view.setTextCursor(cursor)
        view.ensureCursorVisible()
        # at the page's bottom edge its text (a quote runs on) and its arc would be cut:
        # brought up to a third of the page, as a reader's eye expects the next item
        top, height = view.cursorRect().top(), view.viewport().height()
        if not height * 0.1 <= top <= height * 0.6:
            if isinstance(view, QPlainTextEdit):
                view.centerCursor()
            else:
                bar = view.verticalScrollBar()
                bar.setValue(bar.value() + top - height // 3)

    def accept(self, label: str | None = None) -> None:
        s = self._refused()
        if s is None:
            return
        if label is not None and label not in self.state.labels:
            return
        who = self.window.annotator
        verb = f"Accept {s.label} as {label}" if label and label != s.label else f"Accept {s.label}"
        around = self._around()
        self._push(f"{verb} suggestion",
                   lambda: self.store.accept_suggestion(s.id, who, label, around), s)

    def take_label(self, label: str) -> bool:
        """A label key: with a current suggestion (and no text selected), accept it with
        that label and say True; otherwise False (the key marks or relabels as always)."""
        if self.hidden or self.current_suggestion() is None:
            return False
        if self.article.selection_range() is not None:
            return False
        kind = self.state.labels[label].kind if label in self.state.labels else None
        s = self.current_suggestion()
        if kind != ("span" if s.is_span else "relation"):
            return False
        self.accept(label)
        return True

    def reject(self) -> None:
        s = self._refused()
        if s is not None:
            around = self._around()
            self._push(f"Reject {s.label} suggestion",
                       lambda: self.store.reject_suggestion(s.id, around), s)  # fmt: skip

    def accept_all(self) -> None:
        s = self._refused()
        if s is None:
            return
        doc_id, label, who = s.document, s.label, self.window.annotator
        n = self.view.counts[label]
        self._push(f"Accept all {n} {label} suggestion(s)",
                   lambda: self.store.accept_suggestions_of(doc_id, label, who), s)  # fmt: skip

    def toggle_hidden(self) -> None:
        self.hidden = not self.hidden
        self.actions["hide"].setChecked(self.hidden)
        self.redraw()
        self.window.statusBar().showMessage(
            "Suggestions hidden." if self.hidden else "Suggestions shown.", 4000
        )

    def _refused(self) -> Suggestion | None:
        """The current suggestion, or None after saying why the key does nothing."""
        say = lambda text: self.window.statusBar().showMessage(text, 6000)  # noqa: E731
        if self.hidden:
            say(f"Suggestions are hidden ({KEYS['hide']} shows them).")
            return None
        reason = self.window.annotating.locked()
        if reason:
            say(reason)
            return None
        s = self.current_suggestion()
        if s is None:
            say(f"No suggestion is current: {KEYS['next']} goes to the next one."
                if self.pending else "No suggestions left in this article.")  # fmt: skip
        return s

    def _push(self, text: str, decide, s: Suggestion) -> None:
        near = self._place(s)
        self.window.undo_stack.push(SuggestionCommand(
            text, self.store, self.state, self.window._report, decide,
            lambda change, forward: self._shown(change, forward, near),
        ))  # fmt: skip

    def _shown(self, change: SuggestionChange, forward: bool, near: int) -> None:
        """Put a decision on screen: its spans and links in the article (or out again, on
        undo), the suggestions read again, the next one current."""
        state = self.state
        if forward:
            for span in change.spans:
                state.add(span)
            for relation in change.relations:
                state.add_relation(relation)
        else:
            for relation in change.relations:
                state.remove_relation(relation.id)
            for span in change.spans:
                state.remove(span.id)
        doc = state.document
        if doc is not None and doc.id == change.document:
            self._applied(change, forward)
        if forward:
            first = self.view.first_from(near)
            self.current = first.id if first else None
        elif change.removed and change.removed[0].id in self.view.by_id:
            self.current = change.removed[0].id
        self.redraw()
        s = self.current_suggestion()
        if s is not None:  # the one the next key acts on is on screen
            self._reveal(s)
        done = change.what if forward else f"Undone: {change.what.lower()}"
        self.window.statusBar().showMessage(
            f"{done}. " + (f"Next: {self.describe(s)}" if s else "No suggestions left."), 15000
        )

    def _applied(self, change: SuggestionChange, forward: bool) -> None:
        """A decision's change made to the suggestions in memory, forward or back, as
        reading them again would leave them (no reading: it costs what changed)."""
        view, provenance = self.view, self.state.provenance
        if not forward:
            _change, hidden, moved = self._hid.pop(id(change), (change, [], []))
            now = {i for i, *_ends in change.retargeted} | {old.id for old in moved}
            back = {old.id: old for old in moved}  # as they were before the spans were made
            for i, source, target, _s, _t in change.retargeted:
                base = back.get(i) or view.by_id.get(i)
                if base is not None:
                    back[i] = replace(base, source=source, target=target)
            view.change(now, [*change.removed, *hidden, *back.values()])
            for p in change.provenance:
                provenance.pop(p.item, None)
            return
        removed = {s.id for s in change.removed}
        moved_to = {i: replace(view.by_id[i], source=source, target=target)
                    for i, _s, _t, source, target in change.retargeted
                    if i in view.by_id and i not in removed}  # fmt: skip
        # a span of the annotator's own now: other suggesters' same suggestion is no
        # longer shown, and links to it end at the span (as store.suggestions has it)
        same: dict[str, str] = {}  # suggestion -> the span it is now
        for span in change.spans:
            for s in view.at(span.start):
                if (s.id not in removed
                        and (s.start, s.end, s.label) == (span.start, span.end, span.label)):
                    same[s.id] = span.id  # fmt: skip
        hidden = [view.by_id[i] for i in same]
        moved = []
        for i in {i for end in same for i in view.links_by_end.get(end, ())}:
            if i in removed or i in same:
                continue
            old = moved_to.get(i, view.by_id[i])
            moved.append(old)
            moved_to[i] = replace(old, source=_end(old.source, same),
                                  target=_end(old.target, same))  # fmt: skip
        view.change([*removed, *same, *moved_to], moved_to.values())
        self._hid[id(change)] = (change, hidden, moved)
        for p in change.provenance:
            provenance[p.item] = p.describe()

    def _around(self) -> _Around:
        return _Around(self.view, self.state.document.text)

    def _on_click(self, offset: int | None) -> None:
        """A click on a suggestion's text (where no span is) makes it the current one."""
        if offset is None or self.hidden or self.state.spans.at(offset):
            return
        under = self.view.at(offset)
        if under:
            s = min(under, key=lambda s: (s.end - s.start, -s.score))  # the innermost
            self.current = s.id
            self.redraw()
            self.window.statusBar().showMessage(self.describe(s), 15000)

    def _span_edited(self, span) -> None:
        if EXISTING + span.id in self.view.links_by_end:
            self.redraw()

    def _on_selection(self, span_id: str | None) -> None:
        if span_id is not None and self.current is not None:
            self.current = None  # the user picked a span: the keys are the span's again
            self.redraw()


def _end(end: str, hidden: dict[str, str]) -> str:
    return EXISTING + hidden[end] if end in hidden else end


def read_back(store, doc_id: str, who: str) -> PendingSuggestions:
    """The article's suggestions as the window holds them, read and ordered off the GUI
    thread (a long article has tens of thousands); a link end at a span is placed from
    the spans read here, the window's own places once it holds them."""
    return PendingSuggestions(store.suggestions(doc_id, who), store.span_places(doc_id).get)


class _Around:
    """What a decision is told of the article's suggestions in the window, so that the
    store reads only those it changes (core/suggestion_rows.Around)."""

    def __init__(self, view: PendingSuggestions, text: str) -> None:
        self.view, self._text = view, text

    def links_at(self, ids: set[str]) -> set[str] | None:
        return self.view.links_at(ids)

    def text(self, start: int, end: int) -> str:
        return self._text[start:end]


def _short(text: str, n: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
