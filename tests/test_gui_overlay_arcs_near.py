"""In the long view, an edit of an unlinked span on a line that an arc passes lays only
that line's tags again (its chips cleared off the tags again), not every arc of the page
(a long article's page may hold hundreds of links: that cost an add ~2 ms); when a tag
an arc starts from moves, the page is laid again. Either way the scene kept is exactly
the one a full rebuild makes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from gui_helpers import link_quote_to_actor, mark
from test_gui_links_drawn import make_window
from test_gui_overlay_edits import article, drawn, fresh


def _arcs(overlay) -> list[tuple]:
    return [(a.relation.id, [(round(x, 2), round(y, 2)) for x, y in a.points],
             None if a.chip is None else tuple(round(v, 2) for v in a.chip.getCoords()))
            for a in overlay.scene().arcs]


def test_an_edit_near_an_arc_keeps_the_arcs_and_the_scene_a_rebuild_makes(
    qtbot, tmp_path
) -> None:
    window = make_window(qtbot, article(tmp_path, True))
    assert window.article.text is window.article.long_text
    overlay = window.article.text.overlay
    mark(window, "Sergei Lavrov", Qt.Key.Key_3)
    mark(window, "“talks”", Qt.Key.Key_2)
    _quote, actor = link_quote_to_actor(window)
    assert overlay.scene().arcs
    builds, cleared = [], []
    real_build, real_chips = overlay._build, overlay._chips_again
    overlay._build = lambda: builds.append(1) or real_build()
    overlay._chips_again = lambda scene: cleared.append(1) or real_chips(scene)

    # spans on the arc's lines that move no tag an arc starts from: nothing laid again
    for needle, key in (("Mongi Hamdi", Qt.Key.Key_3), ("Moscow", Qt.Key.Key_3),
                        ("offer", Qt.Key.Key_1)):
        overlay.scene()
        builds.clear()
        arcs = _arcs(overlay)
        mark(window, needle, key)
        kept, kept_arcs = drawn(overlay.scene()), _arcs(overlay)
        assert not builds, f"marking {needle!r} laid the page's arcs again"
        assert kept_arcs == arcs
        assert kept == fresh(overlay) and kept_arcs == _arcs(overlay), needle
    assert cleared, "no edit was near the arc"
    assert window.state.spans.get(actor.id).text == "Sergei Lavrov"

    # a span just before the actor's tag pushes it (and the arc from it) to the right
    overlay.scene()
    before = _arcs(overlay)
    mark(window, "Minister", Qt.Key.Key_1)
    kept, kept_arcs = drawn(overlay.scene()), _arcs(overlay)
    assert kept == fresh(overlay) and kept_arcs == _arcs(overlay)
    if kept_arcs != before:  # the arc moved with its tag: the page was laid again
        assert builds

    # the edits are in the database, each a span of its own, and undo takes them back
    stored = window.store.spans(window.state.document.id)
    assert sorted(s.text for s in stored) == sorted(
        ["Sergei Lavrov", "“talks”", "Mongi Hamdi", "Moscow’s", "offer", "Minister"])
    for _ in range(4):
        QTest.keyClick(window.article.text, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        QApplication.processEvents()
        assert drawn(overlay.scene()) == fresh(overlay)
    assert sorted(s.text for s in window.store.spans(window.state.document.id)) == sorted(
        ["Sergei Lavrov", "“talks”"])
    window.close()
