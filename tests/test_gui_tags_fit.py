"""Label tags sit above their span's start; tags that would overlap on a line move right.
On a line marked word by word they ran past the text's right edge, where the edge cut
them ("cla", "q": no label named). Each tag now stays whole on screen, and none covers
another on its line, in both reading views, also after an edit lays its line again."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator.core.model import DocumentMeta, IncomingDocument, IncomingSpan
from annotator.gui.annotate.article_view import LONG_ARTICLE
from annotator.store import Store
from gui_helpers import drag_select
from test_gui_links_drawn import make_window
from test_gui_overlay_edits import PARA, drawn, fresh

SHORT = {"c", "q", "a"}  # claim, quote, actor


def dense(tmp_path: Path, long: bool) -> Path:
    """Every word of the article a span (its label by turns), and every other pair of
    words a claim over them: lines as crowded with tags as lines get."""
    text = PARA * ((LONG_ARTICLE // len(PARA) + 20) if long else 8)
    labels = ("claim", "quote", "actor")
    words = [m.span() for m in re.finditer(r"\S+", text)]
    spans = [IncomingSpan(a, b, labels[i % 3]) for i, (a, b) in enumerate(words)]
    spans += [IncomingSpan(words[i][0], words[i + 1][1], "claim")
              for i in range(0, len(words) - 1, 4)]
    if long:  # (the long view: the first paragraphs are enough to fill its pages)
        spans = [s for s in spans if s.end < 40 * len(PARA)]
    path = tmp_path / "dense.db"
    with Store.open(path) as store:
        store.import_documents([IncomingDocument(text, "d", DocumentMeta(title="D"), "t",
                                                 spans=spans)], annotator="gen")
    return path


def misplaced(view) -> list[str]:
    """What is wrong with the tags on screen: a tag not whole in the viewport, or two
    tags of one line that cover each other."""
    port = view.viewport().geometry()
    wrong, lines = [], {}
    for tag in view.overlay.scene().tags:
        box = tag.rect
        if box.left() < port.left() or box.right() > port.right() + 1:
            wrong.append(f"{tag.text} at {box.left():.1f}–{box.right():.1f} leaves "
                         f"{port.left()}–{port.right() + 1}")
        lines.setdefault(tag.line, []).append(box)
    for top, boxes in lines.items():
        boxes.sort(key=lambda b: b.left())
        wrong += [f"two tags cover each other on the line at {top}"
                  for a, b in zip(boxes, boxes[1:], strict=False) if b.left() < a.right()]
    return wrong


@pytest.mark.parametrize("long", [False, True], ids=["rich view", "long view"])
def test_each_tag_is_whole_on_screen_and_none_covers_another(qtbot, tmp_path, long) -> None:
    window = make_window(qtbot, dense(tmp_path, long), height=600)
    view = window.article.text
    assert (view is window.article.long_text) == long
    bar = view.verticalScrollBar()
    pulled_back = shortened = 0
    for value in range(0, min(bar.maximum(), 3000) + 1, 150):
        bar.setValue(value)
        QApplication.processEvents()
        assert not misplaced(view), (value, misplaced(view)[:3])
        scene = view.overlay.scene()
        pulled_back += sum(1 for t in scene.tags if t.left < scene.raw[t.span.id][0] - 0.5)
        lines: dict[float, set[bool]] = {}
        for tag in scene.tags:  # a line's tags are all named, or all in their short form
            lines.setdefault(tag.line, set()).add(tag.text in SHORT)
        assert all(len(kinds) == 1 for kinds in lines.values())
        shortened += sum(1 for kinds in lines.values() if True in kinds)
    # the lines do run out of room: both cases are met
    assert pulled_back > 0
    assert shortened > 0

    # an edit on a line's last word lays that line again (no rebuild: the line is patched),
    # and the same way a rebuild does
    text = window.state.document.text
    bar.setValue(0)
    QApplication.processEvents()
    overlay = view.overlay
    last = max(overlay.scene().tags, key=lambda t: t.right)
    start = last.span.start
    end = re.compile(r"\S+").match(text, start).end()  # its word
    on_it = {s.label for s in window.state.spans if s.start == start and s.end == end}
    label, key = next((name, key) for name, key in (("claim", Qt.Key.Key_1),
                                                     ("quote", Qt.Key.Key_2),
                                                     ("actor", Qt.Key.Key_3))
                      if name not in on_it)
    patched = []
    real_patch = overlay._patch
    overlay._patch = lambda spans: patched.append(real_patch(spans)) or patched[-1]
    count = len(window.state.spans)
    drag_select(window, start, end)
    QTest.keyClick(view, key)
    QApplication.processEvents()
    assert len(window.state.spans) == count + 1
    assert any(s.start == start and s.end == end and s.label == label
               for s in window.state.spans)
    assert patched and patched[-1] is not None  # the line laid again, not the page
    assert not misplaced(view)
    kept = drawn(overlay.scene())
    assert kept == fresh(overlay)
    window.close()


@pytest.mark.parametrize("long", [False, True], ids=["rich view", "long view"])
def test_a_line_too_crowded_for_short_tags_spreads_them_evenly(qtbot, tmp_path, long) -> None:
    """One-letter words, each a span: more tags start on a line than it holds even in
    their short forms. They are spread over the line, each over the next by the same few
    pixels, every letter still showing (they were piled at the line's start)."""
    words = "a b c d e f g h i j k l m n o p q r s t u v w x y z "
    size = LONG_ARTICLE + 1000 if long else 3000
    text = (words * (size // len(words) + 1)).rstrip()
    spans = [IncomingSpan(m.start(), m.end(), ("claim", "quote", "actor")[i % 3])
             for i, m in enumerate(re.finditer(r"\S", text[:6000]))]
    path = tmp_path / "crowded.db"
    with Store.open(path) as store:
        store.import_documents([IncomingDocument(text, "c", DocumentMeta(title="C"), "t",
                                                 spans=spans)], annotator="gen")
    window = make_window(qtbot, path, height=500)
    view = window.article.text
    assert (view is window.article.long_text) == long
    port = view.viewport().geometry()
    lines: dict[float, list] = {}
    for tag in view.overlay.scene().tags:
        assert port.left() <= tag.left and tag.right <= port.right() + 1, tag.text
        lines.setdefault(tag.line, []).append(tag)
    spread = 0
    for tags in lines.values():
        tags.sort(key=lambda t: t.left)
        if any(b.left < a.right for a, b in zip(tags, tags[1:], strict=False)):
            spread += 1
            assert all(t.text in SHORT for t in tags)
            steps = {round(b.left - a.left, 1) for a, b in zip(tags, tags[1:], strict=False)}
            assert len(steps) == 1 and min(steps) >= 8, steps  # even, each letter shown
    assert spread > 0  # such lines were met
    window.close()
