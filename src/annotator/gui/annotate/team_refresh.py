"""What a sync wrote into the open article, shown in place: spans, links and article labels
added, changed or removed one by one through the DocumentState, so the selection, the scroll
position and the annotator's undo history stay as they were (reopening would clear them)."""

from __future__ import annotations

from annotator.core.annotators import GOLD
from annotator.core.vocabulary import ALL, GOLD_LAYER, MINE
from annotator.store import StoreError


def refresh_open_article(window) -> None:
    state, store = window.state, window.store
    doc = state.document
    if doc is None:
        return
    shown = {ALL: None, MINE: {window.annotator}, GOLD_LAYER: {GOLD}}[window.layer]
    try:
        spans = store.view_spans(doc, shown)
        relations = store.relations(doc.id, shown)
        labels = store.document_labels(doc.id, shown)
    except StoreError:
        return  # the next open of the article says what is wrong with it
    if spans is None:  # offsets to check: the careful path of a full open
        window.open_document(doc.id, again=True)
        return
    spans = list(spans)
    now = {s.id: s for s in spans}
    for span_id in [s.id for s in state.spans if s.id not in now]:
        state.remove(span_id)
    for span in spans:
        if span.id not in state.spans:
            state.add(span)
            continue
        old = state.spans.get(span.id)
        if (old.start, old.end) != (span.start, span.end):  # moved: a new place in the set
            state.remove(span.id)
            state.add(span)
        elif (old.label, old.annotator) != (span.label, span.annotator):
            state.change(span)
    wanted = {r.id: r for r in relations}
    for rel in [r for r in state.relations if r.id not in wanted]:
        state.remove_relation(rel.id)
    had = {r.id: r for r in state.relations}
    for rel in relations:
        if rel.id not in had:
            state.add_relation(rel)
        elif had[rel.id] != rel:
            state.replace_relation(rel)
    if set(labels) != set(state.document_labels):
        state.document_labels = list(labels)
        state.document_labels_changed.emit()
