"""Memory bounded by the work, not the input (issue 21, item 14).

Agreement on a long article, the export of a document with many spans and the import of a
large HTML page once took memory in proportion to the characters or spans they went
through (5.3 GB for agreement on a 200 MB article, 2.2 GB to export 1,000,000 spans). Each
is measured here with tracemalloc (Python's own allocations) at a moderate size, against a
bound that the former way exceeds many times over.
"""

from __future__ import annotations

import random
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from annotator.core.model import DocumentMeta, IncomingDocument, IncomingSpan, Span
from annotator.review.agreement import agreement, from_store, label_runs, pieces
from annotator.store import Store

MB = 1_000_000


def peak_of(work: Callable[[], Any]) -> tuple[Any, int]:
    """What ``work`` returns and the peak of Python's allocations while it ran."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        result = work()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


def long_article(n_chars: int, spans_each: int, annotators: tuple[str, ...]) -> tuple[str, list]:
    rng = random.Random(4)
    text = ("Minister Lavrov said 😀 NATO talks. " * (n_chars // 35 + 1))[:n_chars]
    spans = []
    for who in annotators:
        for k in range(spans_each):
            a = rng.randrange(0, n_chars - 5000)
            b = a + rng.randint(10, 4000)
            spans.append(Span(f"{who}{k}", "big", a, b, rng.choice(["claim", "quote"]),
                              text[a:b], who, "", ""))  # fmt: skip
    return text, spans


# -- agreement ------------------------------------------------------------------------------


def test_agreement_on_a_2_mb_article_takes_memory_by_spans_not_characters() -> None:
    """Per-character label lists took 8 bytes a character per annotator (and more for the
    units of alpha): 2,000,000 characters and three annotators, over 48 MB. Runs between
    span boundaries take a few kilobytes."""
    text, spans = long_article(2_000_000, 10, ("alice", "bob", "carol"))
    texts = {"big": text}
    for by in (None, "label", "document"):
        report, peak = peak_of(lambda by=by: agreement(texts, spans, by=by))
        assert report.documents == ["big"]
        assert all(f.kappa is not None for s in report.scopes for f in s.pairs)
        assert peak < 1 * MB, (by, peak)


def test_agreement_from_a_database_reads_no_text(tmp_path: Path) -> None:
    """from_store reads the documents' lengths and the spans' places (a span's text can be
    the whole article): not the texts, which took their size again in memory."""
    text, spans = long_article(3_000_000, 10, ("alice", "bob"))
    with Store.open(tmp_path / "a.db") as store:
        for who in ("alice", "bob"):
            mine = [IncomingSpan(s.start, s.end, s.label, id=s.id) for s in spans
                    if s.annotator == who]  # fmt: skip
            store.import_documents(
                [IncomingDocument(text, "big", DocumentMeta(title="Big"), "t", id="big",
                                  spans=mine)],
                annotator=who,
            )  # fmt: skip
        expected = agreement({"big": text}, spans).as_dict()
        report, peak = peak_of(lambda: from_store(store))
    assert report.as_dict() == expected
    assert peak < 1 * MB, peak


def test_pieces_are_the_merged_boundaries() -> None:
    """The pieces of several annotators' runs are cut at every boundary of any of them."""
    a = [Span("1", "d", 2, 5, "x", "", "a", "", ""), Span("2", "d", 3, 4, "y", "", "a", "", "")]
    b = [Span("3", "d", 4, 8, "x", "", "b", "", "")]
    runs_a, runs_b = label_runs(10, a), label_runs(10, b)
    assert runs_a == [(2, "O"), (3, "x"), (4, "y"), (5, "x"), (10, "O")]
    assert runs_b == [(4, "O"), (8, "x"), (10, "O")]
    assert list(pieces([runs_a, runs_b])) == [
        (2, ("O", "O")), (1, ("x", "O")), (1, ("y", "O")), (1, ("x", "x")), (3, ("O", "x")),
        (2, ("O", "O")),
    ]  # fmt: skip
    assert list(pieces([label_runs(0, a), label_runs(0, b)])) == []


@pytest.mark.parametrize("seed", range(3))
def test_runs_are_the_per_character_labels(seed: int) -> None:
    """The runs, expanded, are the labels a character at a time gives (shortest span wins,
    then the later start, then the first label alphabetically)."""
    rng = random.Random(seed)
    for _ in range(200):
        length = rng.randint(0, 40)
        spans = []
        for k in range(rng.randint(0, 8)):
            a = rng.randint(0, max(0, length - 1))
            b = min(length, a + rng.randint(1, 12))
            if a < b:
                spans.append(Span(str(k), "d", a, b, rng.choice(["a", "ab", "b"]), "", "x",
                                  "", ""))  # fmt: skip
        expected = []
        for i in range(length):
            covering = [s for s in spans if s.start <= i < s.end]
            best = min(covering, key=lambda s: (s.end - s.start, -s.start, s.label),
                       default=None)  # fmt: skip
            expected.append(best.label if best else "O")
        runs = label_runs(length, spans)
        flat, start = [], 0
        for end, label in runs:
            assert end > start
            flat += [label] * (end - start)
            start = end
        assert flat == expected
