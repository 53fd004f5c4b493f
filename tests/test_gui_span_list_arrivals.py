"""The span list's By and Where columns follow spans that arrive after the opening: a
synced reviewer's file gets the team's work in the background (issue 19), and the
columns, fitted once at the opening, showed "…" for the names and "¶4 …125" for places."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication

from annotator.core.editing import make_span
from annotator.core.model import DocumentMeta, IncomingDocument
from annotator.gui.annotate.team_refresh import refresh_open_article
from annotator.store import Store
from test_gui_links_drawn import make_window

TEXT = "".join(f"Paragraph {i}: Sergei Lavrov said “no” — again 😀.\n\n" for i in range(1, 400))


def test_by_and_where_columns_widen_for_spans_that_arrive(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    with Store.open(path) as store:
        store.import_documents([IncomingDocument(TEXT, "a", DocumentMeta(title="A"), "t")],
                               annotator="gen")
        doc = store.document(store.documents()[0].id)
        labels = {label.name for label in store.labels("span")}
        start = TEXT.index("Sergei")
        store.add_span(make_span(doc, start, start + 13, "actor", "rita", known_labels=labels,
                                 existing=[]))
    window = make_window(qtbot, path)
    spans = window.span_list
    model, table = spans.model, spans.table
    assert table.isColumnHidden(model.ANNOTATOR)  # one annotator: no By column
    # the team's work arrives (as a sync writes it), far down the article
    far = TEXT.rindex("Sergei")
    for who in ("alexandra.konstantinopoulou", "bob"):
        window.store.add_span(make_span(doc, far, far + 13, "actor", who, known_labels=labels,
                                        existing=[]))
    refresh_open_article(window)
    QApplication.processEvents()
    assert not table.isColumnHidden(model.ANNOTATOR)
    header = table.horizontalHeader()
    names = QFontMetrics(table.font()).horizontalAdvance("alexandra.konstantinopoulou")
    assert header.sectionSize(model.ANNOTATOR) >= names
    row = model.row_of(next(s.id for s in window.state.spans if s.annotator == "bob"))
    place = model.data(model.index(row, model.WHERE))
    assert "399" in place
    wide = QFontMetrics(model.place_font).horizontalAdvance(place)
    assert header.sectionSize(model.WHERE) >= wide
    window.close()
