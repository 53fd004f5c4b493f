"""A decision reads only the suggestions it changes (store/suggestion_pending.py), told by
the window which links end where (core/suggestion_index.PendingSuggestions) and checking
each by its id; without that word, or when it is not enough, the database is asked. Either
way the change is exactly the one a whole read gives."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from annotator import suggest_runs
from annotator.core.suggestion_index import PendingSuggestions
from annotator.store import Store


class Around:
    def __init__(self, store: Store, doc: str, known: bool = True) -> None:
        self.view = PendingSuggestions(store.suggestions(doc), lambda _span: None)
        self.doc_text, self.known, self.asked = store.document(doc).text, known, []

    def links_at(self, ids):
        self.asked.append(set(ids))
        return self.view.links_at(ids) if self.known else None

    def text(self, start: int, end: int) -> str:
        return self.doc_text[start:end]


@pytest.fixture
def twins(seed_db: Path, tmp_path: Path) -> tuple[Store, Store, str]:
    with Store.open(seed_db) as store:
        (doc,) = store.document_ids()
        suggest_runs.suggest_article(store, doc)
    twin = tmp_path / "twin.db"
    twin.write_bytes(seed_db.read_bytes())
    return Store.open(seed_db), Store.open(twin), doc


def same(a, b) -> bool:
    """Two changes alike but for the new ids and times."""
    strip = lambda c: ([(s.start, s.end, s.label, s.text) for s in c.spans],  # noqa: E731
                       [r.label for r in c.relations], [s.id for s in c.removed],
                       [r[0] for r in c.retargeted], c.rejections)  # fmt: skip
    return strip(a) == strip(b)


@pytest.mark.parametrize("known", [True, False])
def test_a_decision_told_or_not_changes_what_a_whole_read_changes(twins, known: bool) -> None:
    told, whole, doc = twins
    rng = random.Random(3)
    for step in range(12):
        pending = whole.suggestions(doc)
        if not pending:
            break
        s = rng.choice(pending)
        around = Around(told, doc, known)
        if step % 3 == 2:
            a, b = told.reject_suggestion(s.id, around), whole.reject_suggestion(s.id)
        else:
            a = told.accept_suggestion(s.id, "alice", None, around)
            b = whole.accept_suggestion(s.id, "alice")
        assert same(a, b)
        assert [x.id for x in told.suggestions(doc)] == [x.id for x in whole.suggestions(doc)]
        assert around.asked or not s.is_span  # told: asked, not read whole
    assert told.spans(doc) and len(told.spans(doc)) == len(whole.spans(doc))


def test_the_window_view_changed_in_place_orders_as_a_fresh_one() -> None:
    from annotator.core.suggestion_rows import Suggestion

    def span(i: int, at: int) -> Suggestion:
        return Suggestion(f"s{i}", "d", "span", "x", "actor", at, at + 3, None, None,
                          0.5, "", "")  # fmt: skip

    def link(i: int, source: str, target: str) -> Suggestion:
        return Suggestion(f"l{i}", "d", "relation", "x", "said_by", None, None, source, target,
                          0.7, "", "")  # fmt: skip

    rng = random.Random(5)
    spans = [span(i, rng.randrange(0, 500)) for i in range(60)]
    links = [link(i, f"s{rng.randrange(60)}", f"s{rng.randrange(60)}") for i in range(30)]
    view = PendingSuggestions(spans + links, lambda _span: None)
    gone = rng.sample(spans + links, 40)
    for s in gone:
        view.remove(s.id)
    for s in sorted(gone, key=lambda s: not s.is_span):
        view.add(s)
    fresh = PendingSuggestions(spans + links, lambda _span: None)
    assert [s.id for s in view.order] == [s.id for s in fresh.order]
    assert view.counts == fresh.counts and view.links_by_end == fresh.links_by_end
    for lo in range(0, 520, 40):  # the same found by place (in any order at one start)
        assert sorted(s.id for s in view.spans_at.between(lo, lo + 40)) == sorted(
            s.id for s in fresh.spans_at.between(lo, lo + 40))  # fmt: skip
    assert view.links_at({"nope"}) is None
