"""The checks of a pull (sync/pull.py, _check) on rows as they come from the hub, tuples laid
out by pulled_row_names: each kind of bad row is refused with a message naming it, and a good
pull passes, without a hub (the hub-level case is in test_hub_sync.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.labels import Label
from annotator.core.model import DocumentMeta, IncomingDocument
from annotator.core.syncitems import DECISION, DOCUMENT_LABEL, RELATION, SPAN, STATUS, Kind
from annotator.store import Store
from annotator.store.syncing import pulled_row_names
from annotator.sync.connection import HubError
from annotator.sync.pull import Pulled, _check

TEXT = "“Talks failed,” Lavrov said — 🙂 again.\r\nMore text here."
LABELS = [Label("actor", "span", "#f00", None, 0, ""), Label("quote", "span", "#0f0", None, 1, ""),
          Label("said_by", "relation", "#00f", None, 0, ""),
          Label("urgent", "document", "#888", None, 0, "")]
T = "2026-01-01T00:00:00Z"


def _row(of: Kind, /, **values) -> tuple:
    values.setdefault("deleted", False)
    values.setdefault("version", 1)
    return tuple(values.get(c) for c in pulled_row_names(of))


def _span(doc: str, span_id: str, start: int, end: int, **over) -> tuple:
    values = {"id": span_id, "document": doc, "start": start, "end": end, "label": "actor",
              "text": TEXT[start:end], "annotator": "alice", "note": None,
              "created_at": T, "updated_at": T}
    return _row(SPAN, **{**values, **over})


@pytest.fixture
def setting(tmp_path: Path):
    """A file holding one article (and a span on it), and a second article being pulled."""
    db = tmp_path / "checks.db"
    with Store.open(db) as store:
        store.import_documents([IncomingDocument(TEXT, "held", DocumentMeta(), "test")],
                               annotator="rita")
        held = store.document_ids()[0]
        store.apply_pulled(LABELS, {"span": [_span(held, "h1", 17, 23)]}, 1, "rita")
    new = IncomingDocument(TEXT + " (2)", "new", DocumentMeta(), "hub", id="d2")
    with Store.open(db) as store:
        yield store, held, new


def _pulled(new: IncomingDocument, **rows) -> Pulled:
    return Pulled(labels=list(LABELS), documents=[new], rows=rows)


def test_a_good_pull_passes(setting) -> None:
    store, held, new = setting
    spans = [_span(held, "s1", 0, 15), _span("d2", "s2", 17, 23),
             _span(held, "s3", 30, 32, label="quote"),  # the emoji and what follows
             _span(held, "gone", 0, 1, deleted=True, label="no-such-label")]
    links = [_row(RELATION, id="l1", document=held, label="said_by", source="s1",
                  target="h1", annotator="alice", created_at=T, updated_at=T)]
    _check(_pulled(new, span=spans, relation=links,
                   status=[_row(STATUS, document=held, annotator="alice", status="done",
                                updated_at=T)],
                   document_label=[_row(DOCUMENT_LABEL, document=held, label="urgent",
                                        annotator="gold", created_at=T)],
                   decision=[_row(DECISION, item="s1", kind="span", document=held,
                                  verdict="accepted", gold=None, owns_gold=0,
                                  annotator="rita", decided_at=T)]), store)


@pytest.mark.parametrize(("kind", "bad", "message"), [
    ("span", {"label": "claim"}, r"hub spans row 's1' \(alice\): label 'claim' is not a span "
     r"label of the hub's scheme; nothing pulled"),
    ("span", {"end": 9_999}, r"hub spans row 's1' \(alice\): offsets 0-9999 are outside its "
     r"article \(\d+ characters\); nothing pulled"),
    ("span", {"text": "“Talks failed,“"}, r"hub spans row 's1' \(alice\): its text '“Talks "
     r"failed,“' is not the article's text at 0-15 \('“Talks failed,”'\); nothing pulled"),
    ("span", {"annotator": "import"}, r"hub spans row 's1' \(import\): 'import' is reserved"),
    ("relation", {"label": "actor"}, r"hub relations row 'l1' \(alice\): link type 'actor' is "
     r"not in the hub's scheme; nothing pulled"),
    ("relation", {"target": "elsewhere"}, r"hub relations row 'l1' \(alice\): its target span "
     r"elsewhere is not a span of its article; nothing pulled"),
    ("status", {"status": "finished"}, r"unknown status 'finished'; nothing pulled"),
    ("document_label", {"label": "actor"}, r"'actor' is not a document label of the hub's "
     r"scheme; nothing pulled"),
    ("decision", {"verdict": "maybe"}, r"not a verdict Annotator knows \(span, maybe\); "
     r"nothing pulled"),
])
def test_each_bad_row_is_refused_with_a_message_naming_it(setting, kind, bad, message) -> None:
    store, held, new = setting
    good = {
        "span": _span(held, "s1", 0, 15),
        "relation": _row(RELATION, id="l1", document=held, label="said_by", source="s1",
                         target="h1", annotator="alice", created_at=T, updated_at=T),
        "status": _row(STATUS, document=held, annotator="alice", status="done", updated_at=T),
        "document_label": _row(DOCUMENT_LABEL, document=held, label="urgent",
                               annotator="alice", created_at=T),
        "decision": _row(DECISION, item="s1", kind="span", document=held, verdict="accepted",
                         gold=None, owns_gold=0, annotator="rita", decided_at=T),
    }
    kinds = {"span": SPAN, "relation": RELATION, "status": STATUS,
             "document_label": DOCUMENT_LABEL, "decision": DECISION}
    names = pulled_row_names(kinds[kind])
    values = dict(zip(names, good[kind], strict=True))
    rows = {name: [row] for name, row in good.items()}
    rows[kind] = [tuple({**values, **bad}[c] for c in names)]
    with pytest.raises(HubError, match=message):
        _check(_pulled(new, **rows), store)


@pytest.mark.parametrize(("bad", "message"), [
    ({"label": "claim"}, r"label 'claim' is not a span label"),
    ({"start": -1}, r"offsets -1-5 are outside its article"),
    ({"start": 5, "end": 5}, r"offsets 5-5 are outside its article"),
    ({"start": 7, "end": 5}, r"offsets 7-5 are outside its article"),
    ({"text": "Talks"}, r"its text 'Talks' is not the article's text at 0-5"),
    ({"start": "0"}, r"offsets '0'-5 are not whole numbers"),
    ({"end": 5.0}, r"offsets 0-5.0 are not whole numbers"),
    ({"start": False}, r"offsets False-5 are not whole numbers"),
])
def test_among_many_spans_on_several_articles_the_bad_one_is_named(setting, bad,
                                                                   message) -> None:
    """One bad row among thousands of good ones, on either article, tombstones between
    them, is found and named; offsets that are not whole numbers (a hub whose columns were
    changed) are refused with a message, not a traceback."""
    store, held, new = setting
    for doc, text in ((held, TEXT), ("d2", new.text)):
        spans = [_span(doc, f"g{i}", i % 40, i % 40 + 1 + i % 7, text=text[i % 40:i % 40 + 1 + i % 7])
                 for i in range(3000)]
        spans.insert(10, _span(doc, "dead", 0, 1, deleted=True, text="nonsense"))
        values = dict(zip(pulled_row_names(SPAN), _span(doc, "bad1", 0, 5, text=text[0:5]),
                          strict=True))
        spans.insert(2000, tuple({**values, **bad}[c] for c in pulled_row_names(SPAN)))
        other = _span(held if doc == "d2" else "d2", "fine", 0, 5,
                      text=(new.text if doc == "d2" else TEXT)[0:5])
        with pytest.raises(HubError, match=r"hub spans row 'bad1' \(alice\): " + message):
            _check(_pulled(new, span=[other, *spans]), store)

