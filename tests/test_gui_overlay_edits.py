"""An edit lays again only the tags of the lines it touches (issue 15's long-article edit
figures): the scene kept after each edit must be exactly the one a full rebuild makes,
in both reading views, for nested spans, spans sharing a start, relabelling, removal and
undo; and the shortcut must really be taken for spans without links (or the figures go)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator.core.model import DocumentMeta, IncomingDocument
from annotator.gui.annotate.article_view import LONG_ARTICLE
from annotator.store import Store
from gui_helpers import drag_select, link_quote_to_actor, mark
from test_gui_links_drawn import make_window

PARA = ("Foreign Minister Sergei Lavrov said: “We will not — ever — offer it 😀.” "
        "Moscow’s envoy, Mongi Hamdi, added that “talks” were over.\r\n\r\n")


def drawn(scene) -> list[tuple]:
    return sorted((t.span.id, t.text, t.note, round(t.rect.x(), 2), round(t.rect.y(), 2),
                   round(t.rect.width(), 2), round(t.line, 2)) for t in scene.tags)


def fresh(overlay) -> list[tuple]:
    overlay.changed()  # forget the kept scene: the whole page is laid out again
    return drawn(overlay.scene())


def article(tmp_path: Path, long: bool) -> Path:
    text = PARA * ((LONG_ARTICLE // len(PARA) + 20) if long else 6)
    path = tmp_path / "a.db"
    with Store.open(path) as store:
        store.import_documents([IncomingDocument(text, "a", DocumentMeta(title="A"), "t")],
                               annotator="gen")
    return path


@pytest.mark.parametrize("long", [False, True], ids=["rich view", "long view"])
def test_each_edit_leaves_the_scene_a_rebuild_would_make(qtbot, tmp_path, long) -> None:
    window = make_window(qtbot, article(tmp_path, long))
    assert (window.article.text is window.article.long_text) == long
    overlay = window.article.text.overlay
    text = window.state.document.text
    builds = []
    real_build = overlay._build
    overlay._build = lambda: builds.append(1) or real_build()
    overlay.scene()

    def mark(needle: str, key, nth: int = 0) -> None:
        start = -1
        for _ in range(nth + 1):
            start = text.index(needle, start + 1)
        drag_select(window, start, start + len(needle))
        QTest.keyClick(window.article.text, key)
        QApplication.processEvents()

    steps = [
        ("Sergei Lavrov", Qt.Key.Key_3, 0),  # actor
        ("Foreign Minister Sergei Lavrov", Qt.Key.Key_3, 0),  # outer, before the nested one
        ("“We will not — ever — offer it 😀.”", Qt.Key.Key_2, 0),  # quote, emoji inside
        ("Foreign", Qt.Key.Key_1, 0),  # a claim sharing the outer span's start
        ("Mongi Hamdi", Qt.Key.Key_3, 0),
        ("Moscow", Qt.Key.Key_3, 1),  # the next paragraph
    ]
    for needle, key, nth in steps:
        mark(needle, key, nth)
        builds.clear()
        kept = drawn(overlay.scene())
        assert not builds, f"marking {needle!r} rebuilt the page's scene"
        assert kept == fresh(overlay), needle
    assert len(overlay.scene().tags) >= 6
    # relabel the selected span (Moscow) and remove another, then undo both
    QTest.keyClick(window.article.text, Qt.Key.Key_1)
    QApplication.processEvents()
    assert drawn(overlay.scene()) == fresh(overlay)
    mark("Foreign", Qt.Key.Key_1)  # selects the text; the claim is there already
    lavrov = next(s for s in window.state.spans if s.text == "Sergei Lavrov")
    window.state.select(lavrov.id)
    QTest.keyClick(window.article.text, Qt.Key.Key_Delete)
    QApplication.processEvents()
    assert lavrov.id not in {t.span.id for t in overlay.scene().tags}
    assert drawn(overlay.scene()) == fresh(overlay)
    for _ in range(2):
        QTest.keyClick(window.article.text, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        QApplication.processEvents()
        assert drawn(overlay.scene()) == fresh(overlay)
    assert lavrov.id in {t.span.id for t in overlay.scene().tags}
    window.close()


def test_an_edit_on_a_line_with_an_arc_lays_the_page_again(qtbot, tmp_path) -> None:
    """Arcs start from the tags and their chips keep clear of them: an edit on a line
    with one is laid out whole, and the arc follows its tag."""
    window = make_window(qtbot, article(tmp_path, False))
    overlay = window.article.text.overlay
    text = window.state.document.text
    for needle, key in (("Sergei Lavrov", Qt.Key.Key_3), ("“talks”", Qt.Key.Key_2)):
        mark(window, needle, key)
    link_quote_to_actor(window)
    assert overlay.scene().arcs
    start = text.index("Foreign")
    drag_select(window, start, start + len("Foreign"))
    QTest.keyClick(window.article.text, Qt.Key.Key_1)
    QApplication.processEvents()
    kept = drawn(overlay.scene())
    arcs = [[(round(x, 2), round(y, 2)) for x, y in a.points] for a in overlay.scene().arcs]
    assert kept == fresh(overlay)
    assert arcs == [[(round(x, 2), round(y, 2)) for x, y in a.points]
                    for a in overlay.scene().arcs]
    window.close()
