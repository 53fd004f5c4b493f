"""DocumentState.relations_of keeps an index of each span's links: the same links, in the
same order, as a look through every link of the article, after any run of changes; and a
span's links are found without that look (50,000 links: selecting a span, which every
edit does, must not cost a pass over all of them)."""

from __future__ import annotations

import random
from dataclasses import replace

from annotator.core.model import Document, DocumentMeta, Relation
from annotator.gui.annotate.state import DocumentState


def _doc() -> Document:
    return Document("d1", "x" * 100, "", "d1", DocumentMeta(), "2026-01-01T00:00:00Z")


def _link(n: int, source: str, target: str, label: str = "said_by") -> Relation:
    when = "2026-01-01T00:00:00Z"
    return Relation(f"r{n}", "d1", label, source, target, "ann", when, when)


def _scan(state: DocumentState, span_id: str) -> list[Relation]:
    return [r for r in state.relations if span_id in (r.source, r.target)]


def test_links_of_follow_every_change(qapp) -> None:
    rng = random.Random(3)
    ends = [f"s{i}" for i in range(12)]
    state = DocumentState()
    start = [_link(i, rng.choice(ends), rng.choice(ends)) for i in range(20)]
    state.open(_doc(), [], start)
    made = len(start)
    for step in range(600):
        roll = rng.random()
        if roll < 0.4:
            made += 1
            state.add_relation(_link(made, rng.choice(ends), rng.choice(ends)))
        elif roll < 0.7 and state.relations:
            state.remove_relation(rng.choice(state.relations).id)
        elif roll < 0.9 and state.relations:
            old = rng.choice(state.relations)
            state.replace_relation(replace(old, label="claimed_by" if old.label == "said_by"
                                           else "said_by"))
        elif roll < 0.95 and state.relations:  # ends changed in place: found again
            old = rng.choice(state.relations)
            state.replace_relation(replace(old, target=rng.choice(ends)))
        else:
            state.open(_doc(), [], [_link(1000 + step, "s1", "s2"), _link(2000 + step, "s2", "s2")])
        for span_id in rng.sample(ends, 4):
            assert state.relations_of(span_id) == _scan(state, span_id)
    for span_id in ends:
        assert state.relations_of(span_id) == _scan(state, span_id)


def test_a_link_to_itself_is_one_link(qapp) -> None:
    state = DocumentState()
    state.open(_doc(), [], [_link(1, "s1", "s1")])
    assert [r.id for r in state.relations_of("s1")] == ["r1"]
    state.add_relation(_link(2, "s1", "s1"))
    assert [r.id for r in state.relations_of("s1")] == ["r1", "r2"]
    state.remove_relation("r1")
    assert [r.id for r in state.relations_of("s1")] == ["r2"]


class _Counted(list):
    """A list of links that counts the passes made over it."""

    passes = 0

    def __iter__(self):
        _Counted.passes += 1
        return super().__iter__()


def test_a_spans_links_are_found_without_a_pass_over_all(qapp) -> None:
    state = DocumentState()
    links = [_link(i, f"s{i}", f"s{i + 1}") for i in range(5000)]
    state.open(_doc(), [], links)
    state.relations_of("s0")  # the index is made once
    state.relations = _Counted(state.relations)
    _Counted.passes = 0
    state.add_relation(_link(9999, "s7", "s3000"))
    for i in range(200):
        assert [r.id for r in state.relations_of(f"s{i}")] == [
            r.id for r in links + [_link(9999, "s7", "s3000")] if f"s{i}" in (r.source, r.target)]
    assert _Counted.passes == 0
