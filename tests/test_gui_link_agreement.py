"""Issue 16, point 7 in the window: Review ▸ Agreement ▸ Links shows the link figures of
review.link_agreement.from_store, and Corpus goes back to the span figures."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QToolButton

from annotator.gui.annotate.window import MainWindow
from annotator.gui.review.agreement_view import AgreementModel, figure_text
from annotator.gui.review.link_agreement_view import LinkAgreementModel
from annotator.review import link_agreement
from annotator.store import Store
from test_gui_review import three_db, window  # noqa: F401  (fixtures)


def test_the_links_page_shows_the_link_figures(
    qtbot, window: MainWindow, three_db: Path, qtmodeltester  # noqa: F811
) -> None:
    window.menus.agreement_action.trigger()
    dialog = window.agreement_dialog
    qtbot.waitUntil(lambda: "corpus" in dialog.reports)
    with Store.open_readonly(three_db) as s:
        expected = link_agreement.from_store(s)
    # alice's claimed_by goes to "Putin", carol's to "Vladimir Putin", bob has none
    assert expected.annotators == ["alice", "bob", "carol"]
    qtbot.mouseClick(dialog.findChild(QToolButton, "by_links"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "links" in dialog.reports)
    model = dialog.table.model()
    assert isinstance(model, LinkAgreementModel)
    qtmodeltester.check(model)
    table = [[model.index(r, c).data() for c in range(model.columnCount())]
             for r in range(model.rowCount())]
    want = []
    for scope in expected.scopes:
        for f in [scope.overall, *scope.pairs]:
            want.append([figure_text(v) for v in (f.precision, f.recall, f.f1, f.kappa)])
    assert [row[4:] for row in table] == want
    assert table[0][:4] == ["exact", "all types", "all 3", "1 / 0 / 1"]
    # overlap: alice's "Putin" and carol's "Vladimir Putin" share characters: they match
    overlap = next(r for r in table if r[0] == "overlap")
    carol = table[table.index(overlap) + 2]
    assert carol[2] == "alice – carol" and carol[6] == "1.000"
    assert "both of its spans match" in dialog.explain.text()
    assert "with links compared" in dialog.note.text()
    qtbot.mouseClick(dialog.findChild(QToolButton, "by_corpus"), Qt.MouseButton.LeftButton)
    assert isinstance(dialog.table.model(), AgreementModel)
    assert dialog.explain.text().startswith("Exact F1")
    dialog.close()
