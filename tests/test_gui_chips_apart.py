"""The chip of each arc says its link's type (and, for an arc to a span off the page, what
is there). Chips are moved along their rows off the tags and off each other; two chips of
arcs running off the page the same way may still cover each other (their rows a few pixels
apart, both ending at the lane), which left neither readable at the foot of the sample
article's pages. Such chips become one that counts its links, and no chip covers another
anywhere in the article; the scene an edit patches still is the one a rebuild makes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator.core.editing import make_relation, make_span
from annotator.core.model import DocumentMeta, IncomingDocument, IncomingRelation, IncomingSpan
from annotator.gui.annotate.article_view import LONG_ARTICLE
from annotator.gui.annotate.overlay_parts import CHIPS_CLEARED
from annotator.store import Store
from conftest import SEED
from test_gui_links_drawn import click_overlay, db_links, make_window, overlay

GOLD = Path(__file__).parent / "fixtures" / "sample_gold.jsonl"


@pytest.fixture
def gold(tmp_path: Path) -> Path:
    """The sample article as marked and linked by hand (tests/fixtures/sample_gold.jsonl):
    17 actors, 6 quotes, 4 claims and their 10 links, as on the screenshots."""
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines()]
    spans = [IncomingSpan(r["start"], r["end"], r["label"], id=r["id"], annotator="tester")
             for r in rows if r["kind"] == "span"]
    links = [IncomingRelation(r["label"], r["source"], r["target"], annotator="tester")
             for r in rows if r["kind"] != "span"]
    path = tmp_path / "gold.db"
    with Store.open(path) as store:
        store.import_documents([IncomingDocument(
            SEED.read_text(encoding="utf-8"), SEED.stem, DocumentMeta(title="Lavrov"), "seed",
            spans=spans, relations=links)], annotator="tester")
    return path


def chips(scene) -> list:
    return [(arc.chip, arc.text) for arc in scene.arcs if arc.chip is not None]


def test_no_chip_covers_another_anywhere_in_the_sample_article(qtbot, gold) -> None:
    window = make_window(qtbot, gold, height=700)
    view = window.article.text
    bar = view.verticalScrollBar()
    ov = overlay(window)
    counted, tops = [], 0
    for value in range(0, bar.maximum() + 1, 9):  # the page moved a few pixels at a time
        bar.setValue(value)
        QApplication.processEvents()
        scene = ov.scene()
        shown = chips(scene)
        assert len(shown) <= CHIPS_CLEARED
        for i, (a, text_a) in enumerate(shown):
            for b, text_b in shown[i + 1:]:
                assert not a.intersects(b), (value, text_a, text_b)
        counted += [t for _chip, t in shown if t.endswith(" links")]
        # every link still has its arc, and every arc's link is named by a chip
        named = sum(int(t.split()[-2]) if t.endswith(" links") else 1 for _c, t in shown)
        assert named == len(scene.arcs)
        tops += 1
    assert tops > 20
    # (the sample's two quotes said by Lavrov below the foot of a page: one chip)
    assert "said_by ↓ 2 links" in counted


def scroll_to_a_counted_chip(window) -> tuple:
    """Scroll the article 9 px at a time to the first page where a chip counts links:
    the scroll bar's value there and that chip's arc (None, None if there is none)."""
    bar = window.article.text.verticalScrollBar()
    for value in range(0, bar.maximum() + 1, 9):
        bar.setValue(value)
        QApplication.processEvents()
        host = next((a for a in overlay(window).scene().arcs if a.chip is not None
                     and a.text.endswith(" links")), None)
        if host is not None:
            return value, host
    return None, None


def test_counted_chips_come_back_apart_when_there_is_room(qtbot, gold) -> None:
    window = make_window(qtbot, gold, height=700)
    bar = window.article.text.verticalScrollBar()
    ov = overlay(window)
    found, _host = scroll_to_a_counted_chip(window)
    assert found is not None
    # an edit in the long view clears the chips again from where they were laid (no
    # arc laid again): that gives the chips, counted ones included, a rebuild gives
    scene = ov.scene()
    before = [(None if a.chip is None else a.chip.getCoords(), a.text) for a in scene.arcs]
    assert ov._chips_again(scene) == []
    assert [(None if a.chip is None else a.chip.getCoords(), a.text)
            for a in scene.arcs] == before
    # a taller window: the quotes are on the page, and their arcs' chips are their own
    window.resize(window.width(), 1400)
    QApplication.processEvents()
    bar.setValue(found)
    QApplication.processEvents()
    assert not any(t.endswith(" links") for _c, t in chips(ov.scene()))


def test_a_counted_chip_picks_each_of_its_links_in_turn_and_shows_the_picked_one(
    qtbot, gold, themed
) -> None:
    window = make_window(qtbot, gold, height=700)
    view = window.article.text
    ov = overlay(window)
    _value, host = scroll_to_a_counted_chip(window)
    assert host is not None
    counted = [a.relation.id for a in ov.scene().arcs if a.chip is None] + [host.relation.id]
    assert len(counted) == 2
    before = db_links(gold)
    page = QApplication.palette().color(QPalette.ColorRole.Base)
    chosen = QApplication.palette().color(QPalette.ColorRole.Highlight)
    picked = []
    for _ in range(3):  # a click on the counted chip picks its links one after the other
        chip = next(a.chip for a in ov.scene().arcs if a.chip is not None
                    and a.text.endswith(" links"))
        click_overlay(window, chip.center())
        QApplication.processEvents()
        picked.append(window.drawn_links.selected)
        assert ov.selected_link == picked[-1]
        assert f"Link {window.drawn_links.relation(picked[-1]).label}" in (
            window.statusBar().currentMessage())
        # whichever of its links is picked, the counted chip is drawn picked (filled with
        # the selection colour), not as the page
        inside = view.grab().toImage().pixelColor(round(chip.left()) + 2, round(chip.center().y()))
        assert _near(inside, chosen) and not _near(inside, page), (picked, inside.name())
    assert set(picked[:2]) == set(counted) and picked[2] == picked[0]
    assert not view.textCursor().hasSelection()  # a click on a chip selects no text
    assert db_links(gold) == before
    QTest.keyClick(view, Qt.Key.Key_Escape)  # let go: the chip is drawn as before
    QApplication.processEvents()
    assert window.drawn_links.selected is None
    chip = next(a.chip for a in ov.scene().arcs if a.text.endswith(" links"))
    inside = view.grab().toImage().pixelColor(round(chip.left()) + 2, round(chip.center().y()))
    assert _near(inside, page)
    window.close()


def _near(color: QColor, other: QColor) -> bool:
    return sum(abs(a - b) for a, b in zip(color.getRgb()[:3], other.getRgb()[:3],
                                           strict=True)) < 40


FILLER = "Nothing of note happened here today, the report said in its long first part. " * 4


@pytest.mark.parametrize("width", [900, 1100])
def test_a_counted_chip_covers_no_tag_and_no_other_chip(qtbot, tmp_path, width) -> None:
    """An actor who said many quotes far below it: the chips of its arcs start at its tag
    and are counted into one, which may say more than the chip it was ("said_by ↓ 14
    links" for 'said_by ↓ "no"'): it must not grow over the tag or chip it was moved off."""
    said = 'Obama said "yes" and "no" and "maybe" and "never" and "soon" and "now" too. ' * 3
    text = ("Obama spoke.\n\n" + f"{FILLER}\n\n" * 12 + f"{said}\n\n"
            + f"{FILLER}\n\n" * (LONG_ARTICLE // len(FILLER)))
    path = tmp_path / "said.db"
    with Store.open(path) as store:
        store.import_documents([IncomingDocument(text, "said", DocumentMeta(title="Said"), "t")],
                               annotator="tester")
        doc = store.document(store.documents()[0].id)
        labels = {label.name for label in store.labels("span")}
        kinds = [label.name for label in store.labels("relation")]
        actor = make_span(doc, 0, 5, "actor", "tester", known_labels=labels, existing=[])
        store.add_span(actor)
        start = text.index(said)
        for at in range(start, start + len(said) - 1):
            if text[at] == '"' and text[at + 1].isalpha():
                quote = make_span(doc, at, text.index('"', at + 1) + 1, "quote", "tester",
                                  known_labels=labels, existing=[])
                store.add_span(quote)
                store.add_relation(make_relation(quote, actor, "tester",
                                                 relation_labels=kinds, existing=[]))
    window = make_window(qtbot, path, height=500)
    window.resize(width, window.height())
    QApplication.processEvents()
    assert window.article.text is window.article.long_text
    scene = overlay(window).scene()
    shown = chips(scene)
    counted = [arc for arc in scene.arcs if arc.counted]
    assert counted
    for i, (a, text_a) in enumerate(shown):
        for b, text_b in shown[i + 1:]:
            assert not a.intersects(b), (text_a, text_b)
    for arc in counted:
        assert not [t.text for t in scene.tags if t.rect.intersects(arc.chip)], arc.text
    assert sum(len(arc.counted) or 1 for arc in scene.arcs if arc.chip) == len(scene.arcs)
    assert len(scene.arcs) == 18
    window.close()
