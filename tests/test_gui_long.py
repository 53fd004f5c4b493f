"""A very long article: the plain view, highlights painted under the lines being drawn,
exact offsets with emoji and CRLF."""

from __future__ import annotations

import random
import re
import unicodedata
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPalette, QTextCursor, QTextFormat
from PySide6.QtWidgets import QApplication

from annotator.core.model import DocumentMeta, IncomingDocument, IncomingSpan
from annotator.core.offsets import normalize_newlines
from annotator.gui import theme
from annotator.gui.annotate.article_view import LONG_ARTICLE
from annotator.gui.annotate.reading import stretch_look
from annotator.gui.annotate.window import MainWindow
from annotator.store import Store
from gui_helpers import drag_select, press, reveal


@pytest.fixture
def long_window(qtbot, tmp_path: Path) -> MainWindow:
    para = "The minister 😀 said “we will not” — 👩‍👩‍👧 Лавров e\u0301te\u0301 talks.\r\n\r\n"
    raw = para * (LONG_ARTICLE // len(para) + 400)
    text, _ = normalize_newlines(raw)
    last = text.rindex("Лавров")
    spans = [IncomingSpan(i, i + 8, "actor", id=f"s{i}") for i in range(0, len(text) - 60, 997)
             if not text[i].isspace() and not text[i + 7].isspace()]
    spans.append(IncomingSpan(last, last + len("Лавров"), "actor", id="last"))
    window = window_on(qtbot, tmp_path / "long.db", text, spans)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    yield window
    window.close()


def window_on(qtbot, path: Path, text: str, spans: list[IncomingSpan]) -> MainWindow:
    """The window, shown, on a new database holding one article with these spans."""
    with Store.open(path) as store:
        store.import_documents(
            [IncomingDocument(text, path.stem, DocumentMeta(title=path.stem), "t", spans=spans)],
            annotator="gen",
        )
    window = MainWindow(store=Store.open(path), annotator="alice")
    qtbot.addWidget(window)
    window.show()
    return window


def painted_at(window: MainWindow, offset: int) -> str:
    """The colour painted at the top of the character at ``offset`` (above its ink), in
    the middle of where its glyph is drawn, as the screen shows it (the view is painted
    afresh into an image)."""
    return sorted(column_at(window, offset, top_only=True))[0]


def glyph_box(window: MainWindow, offset: int):
    """Where the glyph of the character at ``offset`` is drawn, in viewport coordinates."""
    view = window.article.text
    reveal(window, offset)
    qt = window.state.positions.to_qt(offset)
    block = view.document().findBlock(qt)
    (run,) = block.layout().glyphRuns(qt - block.position(), 1)
    origin = view.blockBoundingGeometry(block).translated(view.contentOffset()).topLeft()
    return run.boundingRect().translated(origin)


def page(window: MainWindow) -> str:
    return window.article.text.viewport().palette().color(QPalette.ColorRole.Base).name()


def test_a_long_article_uses_the_plain_view_and_paints_highlights_in_the_label_colour(
    long_window: MainWindow,
) -> None:
    window = long_window
    view = window.article.text
    assert view is window.article.long_text and window.article.positions_exact
    # no character format carries a highlight: they are painted instead
    assert not any(f.hasProperty(QTextFormat.Property.BackgroundBrush)
                   for f in view.document().allFormats())
    last = window.state.spans.get("last")  # at the very end of the article
    tint, underline = view.highlight_at(last.start)
    assert underline is None and tint == theme.highlight(window.state.labels["actor"].color)
    assert painted_at(window, last.start + 2) == tint.name()
    assert painted_at(window, last.end + 2) == page(window)  # after it: the page
    assert view.highlight_at(last.end + 2) is None
    window.article.zoom(+4)  # every line moves: the highlights follow
    assert painted_at(window, last.start + 2) == tint.name()
    assert painted_at(window, last.end + 2) == page(window)
    window.resize(1000, window.height())  # narrower than the measure: lines break elsewhere
    assert all(painted_at(window, at) == tint.name() for at in range(last.start, last.end))
    assert painted_at(window, last.end + 2) == page(window)


def test_spans_made_in_a_long_article_are_exact(long_window: MainWindow) -> None:
    window = long_window
    text = window.state.document.text
    start = text.index("“we will not” — 👩‍👩‍👧", len(text) // 2)
    needle = "“we will not” — 👩‍👩‍👧"
    drag_select(window, start, start + len(needle))
    press(window, Qt.Key.Key_2)
    span = window.state.selected_span()
    assert (span.start, span.end, span.text) == (start, start + len(needle), needle)
    stored = window.store.span(span.id)
    assert window.store.document(stored.document).text[stored.start : stored.end] == needle
    window.state.select(None)  # the selected span is drawn darker, on top
    assert painted_at(window, start + 1) == window.article.long_text.highlight_at(start + 1)[0].name()
    assert painted_at(window, start + 1) != page(window)


def test_switching_between_a_long_and_a_short_article(long_window: MainWindow) -> None:
    window = long_window
    window.store.import_documents(
        [IncomingDocument("A short one.", "short", DocumentMeta(title="Short"), "t")],
        annotator="gen",
    )
    window.reload_documents()
    window.menus.next_doc_action.trigger()
    assert window.state.document.meta.title == "Short"
    assert window.article.text is not window.article.long_text
    assert window.article.long_text.document().characterCount() <= 1  # text not kept twice


def test_keys_on_an_article_with_many_spans_make_only_the_spans_they_need(
    qtbot, tmp_path: Path
) -> None:
    """Tab, Ctrl+L and "label all occurrences" look near the selection, not at every span
    (each span of a long article becomes an object only when something needs it)."""
    words = ["minister", "said", "we", "will", "not", "talks", "Kiev", "Лавров", "😀"]
    text = " ".join(words[i % len(words)] + str(i) for i in range(40_000)) + " unique"
    words_at = list(re.finditer(r"\S+", text))[:-1]  # every other word, "unique" apart
    labels = ["actor", "quote", "claim"]
    spans = [IncomingSpan(m.start(), m.end(), labels[n % 3]) for n, m in enumerate(words_at[::2])]
    spans.append(IncomingSpan(len(text) - 6, len(text), "actor", id="u"))
    window = window_on(qtbot, tmp_path / "many.db", text, spans)
    total = len(window.state.spans)
    assert total > 10_000

    def made() -> int:
        return len(window.state.spans._made)

    middle = window.state.spans[total // 2]
    window.state.select(middle.id)
    before = made()
    window.annotating.step_span(+1)
    window.annotating.step_span(-1)
    assert window.state.selected == middle.id
    window.state.select(None)
    window.annotating.step_span(+1)  # from the caret
    assert made() - before < 50
    window.state.select(middle.id)
    window.annotating.start_linking()
    assert window.annotating.candidates and made() - before < 2_000
    nearest_actor = min(
        (s for s in window.state.spans.overlapping(middle.start - 200, middle.start + 200)
         if s.label == "actor" and s.id != middle.id),
        key=lambda s: abs(s.start - middle.start),
    )
    assert abs(window.annotating.candidates[0].start - middle.start) == abs(
        nearest_actor.start - middle.start
    )
    window.annotating.stop_linking()
    window.state.select("u")
    window.annotating.label_all_occurrences()  # "unique" occurs once: nothing to add
    assert made() - before < 2_000
    window.close()


def select_text(window: MainWindow, start: int, end: int) -> None:
    view = window.article.text
    positions = window.state.positions
    reveal(window, start)
    cursor = view.textCursor()
    cursor.setPosition(positions.to_qt(start))
    cursor.setPosition(positions.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)


def column_at(window: MainWindow, offset: int, *, top_only: bool = False) -> set[str]:
    """The colours painted down the middle of the character at ``offset``."""
    box = glyph_box(window, offset)
    view = window.article.text
    # The article has the keyboard focus from the start: its caret (with, in mixed-direction
    # text, the direction mark on its top), drawn where reveal() put it, is no highlight.
    focused = view.hasFocus()
    view.clearFocus()
    try:
        image = under_tags(view)
    finally:
        if focused:
            view.setFocus()
    x, top = int(box.center().x()), int(box.top()) + 1
    rows = [top] if top_only else range(top, int(box.bottom()))
    return {image.pixelColor(x, y).name() for y in rows}


def under_tags(view) -> QImage:
    """The viewport as painted with no label tags or link arcs over its text: they are
    painted in the viewport's own paint, over the text (over_text.py), and a tag
    astride the gap between two lines covers the top of the line below; these tests
    look at the highlights under the text."""
    overlay = view.overlay
    tags, links = overlay.tags_on, overlay.links_mode
    overlay.tags_on, overlay.links_mode = False, "none"
    overlay.changed()
    try:
        return view.viewport().grab().toImage()
    finally:
        overlay.tags_on, overlay.links_mode = tags, links
        overlay.changed()


def free_stretch(window: MainWindow, word: str, length: int) -> int:
    """Where ``word`` occurs with no span over the ``length`` characters from it."""
    text = window.state.document.text
    at = text.index(word, len(text) // 3)
    while window.state.spans.overlapping(at, at + length):
        at = text.index(word, at + 1)
    return at


def test_an_edit_repaints_its_highlight_and_nested_spans_keep_both_colours(
    long_window: MainWindow,
) -> None:
    """Add a quote, nest an actor in it, delete both: what is painted follows each edit
    (the places kept for painting are found again where spans changed)."""
    window = long_window
    labels = window.state.labels
    at = free_stretch(window, "minister", 40)
    text = window.state.document.text
    outer_end = text.index("said", at) + len("said")
    select_text(window, at, outer_end)
    window.annotating.apply_label("quote")
    quote = window.state.selected_span()
    assert (quote.start, quote.end) == (at, outer_end)
    window.state.select(None)
    tint = theme.highlight(labels["quote"].color).name()
    assert painted_at(window, at + 1) == tint

    select_text(window, at, at + len("minister"))
    window.annotating.apply_label("actor")
    actor = window.state.selected_span()
    window.state.select(None)
    assert painted_at(window, at + 1) == theme.highlight(labels["actor"].color).name()
    assert theme.underline(labels["quote"].color).name() in column_at(window, at + 1)
    assert painted_at(window, outer_end - 2) == tint  # the rest of the quote: its own colour

    for span in (actor, quote):
        window.state.select(span.id)
        window.annotating.delete()
    assert window.state.spans.overlapping(at, outer_end) == []
    assert painted_at(window, at + 1) == page(window)
    assert painted_at(window, outer_end - 2) == page(window)


def test_highlights_cover_right_to_left_words_where_they_are_drawn(qtbot, tmp_path: Path) -> None:
    """Hebrew and Arabic inside an English line are drawn right to left: a highlight
    covers exactly the glyphs of its characters, wherever the line puts them."""
    para = "The minister said שלום עולם, then مرحبا بالعالم.\n\n"  # one line
    text = para * (LONG_ARTICLE // len(para) + 10)
    middle = len(para) * (LONG_ARTICLE // len(para) // 2)
    hebrew = text.index("עולם", middle)
    arabic = text.index("بالعالم", middle)
    across = text.index("עולם", middle + 3 * len(para))  # "עולם, then مرحبا": 3 runs
    spans = [IncomingSpan(hebrew, hebrew + 4, "actor", id="he"),
             IncomingSpan(arabic, arabic + 7, "quote", id="ar"),
             IncomingSpan(across, text.index("مرحبا", across) + 5, "claim", id="across")]
    window = window_on(qtbot, tmp_path / "rtl.db", text, spans)
    window.resize(1320, 860)
    labels = window.state.labels
    for span_id, label in (("he", "actor"), ("ar", "quote"), ("across", "claim")):
        span = window.state.spans.get(span_id)
        tint = theme.highlight(labels[label].color).name()
        for offset in range(span.start, span.end):
            if not text[offset].isspace():
                assert painted_at(window, offset) == tint, (span_id, offset)
        for offset in (span.start - 2, span.end):  # the word before, the stop after
            assert painted_at(window, offset) == page(window), (span_id, offset)
    # Between the runs the span crosses lie words it does not hold: they stay bare.
    outside = text.index("שלום", across - 6), text.index("بالعالم", across)
    for start, length in ((outside[0], 4), (outside[1], 7)):
        for offset in range(start, start + length):
            assert painted_at(window, offset) == page(window), offset
    window.close()


def test_switching_to_the_dark_theme_repaints_highlights_in_its_tints(
    long_window: MainWindow, monkeypatch
) -> None:
    """The system turns dark while the article is open: the highlights painted from then
    on use the dark tints (the places kept for painting carry colours: they are redone)."""
    window = long_window
    last = window.state.spans.get("last")
    light = painted_at(window, last.start + 2)
    app = QApplication.instance()
    monkeypatch.setenv("ANNOTATOR_THEME", "dark")
    try:
        window._on_color_scheme_changed()
        assert theme.is_dark()
        dark = theme.highlight(window.state.labels["actor"].color).name()
        assert dark != light and painted_at(window, last.start + 2) == dark
        assert painted_at(window, last.end + 2) == page(window)
    finally:
        app.setPalette(app.style().standardPalette())


def _painted_wrong(window: MainWindow, lo: int, hi: int) -> list[tuple[int, str, str]]:
    """The characters of ``[lo, hi)`` on screen whose painted line does not show the tint
    their innermost span asks for (or shows another label's, or the page where a span is)."""
    view, text = window.article.text, window.state.document.text
    QApplication.processEvents()
    image = under_tags(view)
    labels, bare = window.state.labels, page(window)
    tints = {theme.highlight(label.color).name() for label in labels.values()} | {bare}
    height, width = view.viewport().height(), view.viewport().width()
    wrong = []
    for offset in range(lo, hi):
        if text[offset].isspace() or "\u200d" in text[max(0, offset - 3) : offset + 3]:
            continue
        if unicodedata.category(text[offset])[0] == "M" or text[offset + 1 : offset + 2] in (
            "\u0301", "\ufe0f"
        ):
            continue  # a cluster: its parts share one place
        qt = window.state.positions.to_qt(offset)
        block = view.document().findBlock(qt)
        runs = block.layout().glyphRuns(qt - block.position(), 2 if ord(text[offset]) > 0xFFFF else 1)
        if not runs:
            continue
        origin = view.blockBoundingGeometry(block).translated(view.contentOffset()).topLeft()
        box = runs[0].boundingRect().translated(origin)
        if box.width() < 3 or box.top() < 0 or box.bottom() > height or box.right() > width - 1:
            continue
        line = block.layout().lineForTextPosition(qt - block.position())
        top = origin.y() + line.y()
        column = {image.pixelColor(int(box.center().x()), y).name()
                  for y in range(int(top) + 1, int(top + line.height()) - 1) if 0 <= y < height}
        covering = window.state.spans.overlapping(offset, offset + 1)
        want = theme.highlight(labels[stretch_look(covering)[0]].color).name() if covering else bare
        if want not in column or column & (tints - {want}):
            wrong.append((offset, text[offset], want))
    return wrong


@pytest.mark.parametrize("seed", range(4))
def test_what_is_painted_follows_every_kind_of_change(qtbot, tmp_path: Path, seed) -> None:
    """Random edits (add, delete, relabel, move an edge, undo, redo), zoom, resize and
    scrolling away and back, on text with CRLF (or LF), emoji, astral letters, a line
    separator and Hebrew: after each, every character on screen is painted in the tint
    of its innermost span, or not at all. (The places kept for painting never go stale.)"""
    paras = [
        "The minister 😀 said “we will not” — 👩‍👩‍👧 Лавров e\u0301te\u0301 talks. " * 4,
        "Short line.",
        "",
        "He said שלום עולם, then nothing, and left. " * 3,
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 astral letters 𝔞𝔟𝔠 everywhere 😀😀😀 here.",
        "Line with a\u2028line separator inside and more words after it.",
    ]
    end = "\r\n" if seed % 2 == 0 else "\n"
    unit = end.join(paras) + end
    text = unit * (LONG_ARTICLE // len(unit) + 20)
    window = window_on(qtbot, tmp_path / "changes.db", text, [])
    window.resize(1100, 800)
    rng = random.Random(seed)
    lo = len(text) // 2
    hi = lo + 1500
    view = window.article.text
    for step in range(25):
        here = window.state.spans.overlapping(lo, hi)
        action = rng.choice(["add", "add", "add", "delete", "relabel", "move", "undo", "redo",
                             "zoom", "resize", "scroll"])
        if action == "add":
            a = rng.randrange(lo, hi - 10)
            while text[a].isspace():
                a += 1
            b = a + rng.randrange(1, 300)
            while b > a + 1 and text[b - 1].isspace():
                b -= 1
            reveal(window, a)
            select_text(window, a, b)
            window.annotating.apply_label(rng.choice(["actor", "quote", "claim"]))
        elif action in ("delete", "relabel", "move") and here:
            span = rng.choice(here)
            window.state.select(span.id)
            window.article.clear_selection()
            if action == "delete":
                window.annotating.delete()
            elif action == "relabel":
                window.annotating.apply_label(rng.choice(["actor", "quote", "claim"]))
            else:
                edge = rng.choice(["start", "end"])
                to = getattr(span, edge) + rng.randrange(-20, 20)
                window.annotating.adjust(edge, max(lo, min(hi, to)))
        elif action == "undo":
            window.undo_stack.undo()
        elif action == "redo":
            window.undo_stack.redo()
        elif action == "zoom":
            window.article.zoom(rng.choice([-2, -1, 1, 2, 0]))
        elif action == "resize":
            window.resize(rng.choice([900, 1100, 1400]), rng.choice([600, 800]))
        elif action == "scroll":
            reveal(window, rng.choice([0, len(text) - 1, lo - 20_000, hi + 20_000]))
        window.state.select(None)  # the selected span is drawn darker, on top
        window.article.clear_selection()
        at = rng.randrange(lo, hi)
        reveal(window, at)
        wrong = _painted_wrong(window, max(0, at - 1500), min(len(text), at + 1500))
        assert not wrong, (seed, step, action, wrong[:5])
    assert view is window.article.long_text
    window.close()
