"""Find in the article: the bar under the text (Ctrl+F), with Match case and Whole word
toggles and the number of the match shown ("3 of 17").

Enter (or Shift+Enter) in the field selects the next (previous) match and hands the
keyboard to the article, the bar staying open: a label key then labels the match, and
Enter, F3 or Shift+F3 go on to the next or previous one; Ctrl+F returns to the field, Esc
closes the bar. Matches are found by core/finding.py on the stored text (code points),
not by the text widget: counting in a 5 MB article takes milliseconds, and stops at
``COUNT_LIMIT`` (shown as "10000+")."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QTextEdit, QToolButton, QWidget

from annotator.core import finding
from annotator.core.finding import Finder
from annotator.core.search_words import needle_for
from annotator.gui import theme
from annotator.gui.annotate.search_results import hit_color
from annotator.gui.annotate.state import DocumentState

HIGHLIGHT_LIMIT = 500
_TOGGLE_KEYS = {Qt.Key.Key_C: "case", Qt.Key.Key_W: "word"}  # with Alt, in the field


class FindBar(QWidget):
    hits_changed = Signal()  # the matches to highlight in the article changed

    def __init__(self, state: DocumentState, view: Callable[[], object], *,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("findPanel")
        self.state, self.view = state, view
        self.field = QLineEdit(objectName="findBar", clearButtonEnabled=True)
        self.field.setPlaceholderText(
            "Find in this article (Enter: next and back to the text, Shift+Enter: previous, "
            "Esc: close)"
        )
        self.case = self._toggle("Aa", "findCase", "Match case (Alt+C)")
        self.word = self._toggle("W", "findWord", "Whole words only (Alt+W)")
        self.count = QLabel(objectName="findCount")
        self.count.setMinimumWidth(self.count.fontMetrics().horizontalAdvance("10000+ of 10000+"))
        self.count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        close = QToolButton(objectName="findClose", text="×", autoRaise=True)
        close.setToolTip("Close the find bar (Esc)")
        close.clicked.connect(self.close_bar)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 2, 0, 2)
        row.setSpacing(4)
        for widget in (self.field, self.case, self.word, self.count, close):
            row.addWidget(widget)
        row.setStretch(0, 1)
        self._finder: Finder | None = None
        # the highlighted matches of a finder, in the colour of a page (another theme: others)
        self._hits: tuple[Finder, tuple, list] | None = None
        self._recount = QTimer(self, singleShot=True, interval=120)  # after typing pauses
        self._recount.timeout.connect(self._show_count)
        self.field.textChanged.connect(self._changed)
        self.field.returnPressed.connect(lambda: self._enter(backward=False))
        self.field.installEventFilter(self)
        self.case.toggled.connect(self._changed)
        self.word.toggled.connect(self._changed)
        state.document_opened.connect(finding.forget)
        state.document_opened.connect(self._on_document_opened)
        self.hide()

    def _toggle(self, text: str, name: str, tip: str) -> QToolButton:
        button = QToolButton(objectName=name, text=text, checkable=True, autoRaise=True)
        button.setToolTip(tip)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keyboard stays in the field
        return button

    # -- what the article view asks ----------------------------------------------------

    def open(self) -> None:
        self.show()
        self.field.setFocus()
        self.field.selectAll()
        self._show_count()

    def close_bar(self) -> None:
        self.hide()
        self.hits_changed.emit()
        self.view().setFocus()

    def show_search(self, search: str, enter: bool = False) -> None:
        """An article opened from the result list of a full-text search: the bar shows
        its hits (highlighted, F3 / Shift+F3 walk them); ``enter`` selects the first one
        and hands the keyboard to the article."""
        needle = needle_for(search, self.state.document.text if self.state.document else "")
        if not needle:
            return
        self.word.setChecked(False)
        self.case.setChecked(False)
        self.field.setText(needle)
        self.show()
        self._show_count()
        self.hits_changed.emit()
        if enter:
            view = self.view()
            view.moveCursor(QTextCursor.MoveOperation.Start)
            self._enter(backward=False)

    def hit_selections(self) -> list[QTextEdit.ExtraSelection]:
        """The matches to highlight in the article while the bar is open (the first
        :data:`HIGHLIGHT_LIMIT`: enough to see where they are, cheap to paint)."""
        finder = self._current() if self.isVisible() else None
        if finder is None:
            return []
        view = self.view()
        if view.document().characterCount() - 1 != self.state.positions.qt_length:
            return []  # the new article's text is not in the view yet
        page = theme.page_key()
        if self._hits is not None and self._hits[0] is finder and self._hits[1] == page:
            return self._hits[2]  # (the span marks redraw often)
        color, to_qt = hit_color(), self.state.positions.range_to_qt
        out, position = [], 0
        while len(out) < HIGHLIGHT_LIMIT:
            found = finder.next(position)
            if found is None or found[0] < position:  # none, or wrapped round
                break
            a, b = to_qt(*found)
            selection = QTextEdit.ExtraSelection()
            cursor = QTextCursor(view.document())
            cursor.setPosition(a)
            cursor.setPosition(b, QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            selection.format.setBackground(color)
            out.append(selection)
            position = max(found[1], found[0] + 1)
        self._hits = (finder, page, out)
        return out

    def find_next(self, *, backward: bool) -> bool:
        """Select the next (previous) match after (before) the selection or caret,
        wrapping around; say which it is."""
        finder = self._current()
        view = self.view()
        if finder is None or self.state.document is None:
            return False
        positions = self.state.positions
        cursor = view.textCursor()
        a = positions.from_qt(cursor.selectionStart())
        start = a if backward else (a + 1 if cursor.hasSelection() else a)
        found = finder.next(start, backward=backward)
        if found is None:
            self._show_count()
            return False
        cursor.setPosition(positions.to_qt(found[0]))
        cursor.setPosition(positions.to_qt(found[1]), QTextCursor.MoveMode.KeepAnchor)
        view.setTextCursor(cursor)
        view.ensureCursorVisible()
        self._show_count(found[0])
        return True

    def selection_moved(self) -> None:
        """The article's selection changed: say "n of m" only while it is a match."""
        if not self.isVisible() or self._finder is None or self.state.document is None:
            return
        cursor = self.view().textCursor()
        start = self.state.positions.from_qt(cursor.selectionStart())
        end = self.state.positions.from_qt(cursor.selectionEnd())
        self._show_count(start if self._finder.is_match(start, end) else None)

    # -- inside ------------------------------------------------------------------------

    def _enter(self, *, backward: bool) -> None:
        if self.find_next(backward=backward):
            self.view().setFocus()  # the match is the selection: label keys label it

    def _on_document_opened(self) -> None:
        # Not drawn now: the view still holds the article before, and one of the same
        # length would pass for the new one (its matches' places went with its text). The
        # article view fills in the new text after this and draws the matches then.
        self._finder = None
        if self.isVisible():
            self._recount.start()
        QTimer.singleShot(0, self, self.hits_changed.emit)

    def _changed(self, *_args) -> None:
        self._finder = None
        if self.isVisible():
            self._recount.start()
            self.hits_changed.emit()

    def _current(self) -> Finder | None:
        needle = self.field.text()
        if not needle or self.state.document is None:
            return None
        if self._finder is None:
            self._finder = Finder(self.state.document.text, needle,
                                  match_case=self.case.isChecked(),
                                  whole_word=self.word.isChecked())
        return self._finder

    def _show_count(self, current: int | None = None) -> None:
        finder = self._current()
        if finder is None:
            self.count.setText("")
            self.field.setStyleSheet("")
            return
        total, more = finder.count()
        shown = f"{total}+" if more else str(total)
        number = finder.number(current) if current is not None else None
        if total == 0:
            self.count.setText("No matches")
        elif number is not None:
            self.count.setText(f"{number} of {shown}")
        elif current is not None:  # past the counted ones
            self.count.setText(f"{shown} matches")
        else:
            self.count.setText(f"{shown} match" + ("" if total == 1 and not more else "es"))
        miss = theme.tint("#d9534f", 0.3).name()
        self.field.setStyleSheet(f"QLineEdit#findBar {{ background: {miss}; }}"
                                 if total == 0 else "")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.field and event.type() in (QEvent.Type.KeyPress,
                                                       QEvent.Type.ShortcutOverride):
            key, mods = event.key(), event.modifiers()
            alt = Qt.KeyboardModifier.AltModifier
            if key in _TOGGLE_KEYS and mods & alt:  # before a label's Alt+key shortcut
                if event.type() == QEvent.Type.ShortcutOverride:
                    event.accept()
                    return True
                button = self.case if _TOGGLE_KEYS[key] == "case" else self.word
                button.toggle()
                return True
            if event.type() == QEvent.Type.ShortcutOverride:
                return False
            if key == Qt.Key.Key_Escape:
                self.close_bar()
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and mods & Qt.KeyboardModifier.ShiftModifier:
                self._enter(backward=True)
                return True
        return super().eventFilter(watched, event)

