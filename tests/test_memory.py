"""Memory bounded by the work, not the input (issue 21, item 14).

Agreement on a long article, the export of a document with many spans and the import of a
large HTML page once took memory in proportion to the characters or spans they went
through (5.3 GB for agreement on a 200 MB article, 2.2 GB to export 1,000,000 spans). Each
is measured here with tracemalloc (Python's own allocations) at a moderate size, against a
bound that the former way exceeds many times over.
"""

from __future__ import annotations

import importlib
import random
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest

from annotator.core.errors import AnnotatorError, InputError
from annotator.core.model import (
    DocumentMeta,
    IncomingDocument,
    IncomingRelation,
    IncomingSpan,
    Span,
)
from annotator.formats import EXPORTS, export_types, exporting, html, native
from annotator.formats.export_types import Selection
from annotator.formats.reading import plan, read_paths, read_sources
from annotator.review.agreement import agreement, from_store, label_runs, pieces
from annotator.store import Store

queries = importlib.import_module("annotator.store.export_queries")

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


# -- export of a document with many spans ------------------------------------------------------


def many_spans_store(n_spans: int, n_chars: int) -> Store:
    rng = random.Random(6)
    text = ("Lavrov said 😀 “NATO” talks\n" * (n_chars // 27 + 1))[:n_chars]
    spans, relations = [], []
    for k in range(n_spans):
        a = rng.randrange(0, n_chars - 40)
        label = rng.choice(["claim", "actor"])
        label = {1: "actor", 2: "quote"}.get(k % 3, label)  # each said_by: quote -> actor
        spans.append(IncomingSpan(a, a + rng.randint(1, 30), label,
                                  id=f"s{k}", note="why" if k % 7 == 0 else None))  # fmt: skip
        if k % 3 == 2:
            relations.append(IncomingRelation("said_by", f"s{k}", f"s{k - 1}", id=f"r{k}"))
    store = Store.memory()
    store.import_documents(
        [IncomingDocument(text, "big", DocumentMeta(title="Big", extra={"n": 1}), "t", id="big",
                          spans=spans, relations=relations, note="a note"),
         IncomingDocument("A short one.", "small", DocumentMeta(), "t", id="small",
                          spans=[IncomingSpan(2, 7, "claim", id="x1")])],
        annotator="alice",
    )  # fmt: skip
    return store


def per_document_bytes(store: Store, selection: Selection) -> bytes:
    """The export as every other format makes it: each document's spans and relations as
    lists of objects (the reference the streamed export must equal byte for byte)."""
    return b"".join(
        orjson.dumps(native.record_of(item.document, item.spans, item.relations)) + b"\n"
        for item in exporting.documents(store, selection)
    )


def test_exporting_a_document_with_many_spans_streams_them(tmp_path: Path) -> None:
    """40,000 spans in one document: the spans as objects, their records and the JSON
    built whole took over 40 MB; streamed, a batch of them at a time is held."""
    store = many_spans_store(40_000, 200_000)
    target = tmp_path / "out.jsonl"
    report, peak = peak_of(lambda: exporting.export(store, target, EXPORTS["jsonl"]))
    assert (report.documents, report.spans, report.relations) == (2, 40_001, 13_333)
    assert target.read_bytes() == per_document_bytes(store, Selection())
    assert peak < 8 * MB, peak


SELECTIONS = [
    Selection(),
    Selection(labels=frozenset({"claim"})),
    Selection(labels=frozenset({"said_by", "quote", "actor"})),
    Selection(annotators=frozenset({"alice"})),
]


@pytest.mark.parametrize("selection", SELECTIONS, ids=["all", "label", "relation", "annotator"])
@pytest.mark.parametrize("batch", [1, 3, 2000])
def test_the_streamed_export_is_byte_for_byte_the_listed_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, selection: Selection, batch: int
) -> None:
    """Every document streamed (short texts included), in batches of any size: the file is
    the one made from lists of objects, and the counts are its own."""
    store = many_spans_store(300, 3_000)
    monkeypatch.setattr(queries, "_LISTED_IN_SQL", 0)
    monkeypatch.setattr(export_types, "_BATCH", batch)
    target = tmp_path / "out.jsonl"
    report = exporting.export(store, target, EXPORTS["jsonl"], selection=selection)
    assert target.read_bytes() == per_document_bytes(store, selection)
    records = [orjson.loads(line) for line in target.read_bytes().splitlines()]
    assert report.spans == sum(len(r["spans"]) for r in records)
    assert report.relations == sum(len(r["relations"]) for r in records)
    assert any(r["relations"] for r in records) or selection.labels == frozenset({"claim"})


def test_a_forged_span_in_a_streamed_document_stops_the_export(tmp_path: Path) -> None:
    store = many_spans_store(300, 3_000)
    store.conn.execute("UPDATE spans SET text = 'forged' WHERE id = 's150'")
    target = tmp_path / "out.jsonl"
    target.write_bytes(b"old\n")
    with pytest.raises(AnnotatorError, match="integrity") as info:
        exporting.export(store, target, EXPORTS["jsonl"])
    assert "s150" in str(info.value) and "forged" in str(info.value)
    assert target.read_bytes() == b"old\n"


# -- a large HTML page ---------------------------------------------------------------------------

PARAGRAPH = (
    "The minister said on Tuesday that the plan would go ahead despite objections from the "
    "opposition and several regional leaders, who called it rushed."
)
ARTICLE = (
    "<article><h1>Plan goes ahead</h1>"
    + "".join(f"<p>{PARAGRAPH} ({i})</p>" for i in range(6))
    + "</article>"
)
JSON_LD = ('<script type="application/ld+json">{"@context": "https://schema.org", '
           '"@type": "NewsArticle", "headline": "Plan goes ahead", '
           '"author": {"@type": "Person", "name": "Jane Roe"}, '
           '"datePublished": "2024-03-05T10:00:00Z"}</script>')  # fmt: skip


def page(body: str, head: str = "") -> str:
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Plan goes ahead</title>"
            f"{head}</head><body>{body}</body></html>")  # fmt: skip


def test_scripts_styles_and_embedded_images_are_cut_before_parsing(tmp_path: Path) -> None:
    """A page saved whole (SingleFile and the like) is mostly code and images: they are cut
    from the bytes, cheaply, before the page is parsed; the article and the metadata in
    its JSON-LD stay."""
    image = "data:image/png;base64," + "iVBORw0KGgo" * 300_000  # 3.3 MB
    code = "<script>var tracking = '" + "x" * 2_000_000 + "'; // </scr' + 'ipt>'</script>"
    style = "<STYLE media=all>" + "a{color:red}" * 100_000 + "</STYLE >"
    body = (f"<nav><a href='/'>Home</a></nav>{code}<img src=\"{image}\">{ARTICLE}"
            f"<div style=\"background:url({image})\"></div><script>unclosed" + "y" * 1000)
    path = tmp_path / "saved.html"
    path.write_text(page(body, JSON_LD + style), encoding="utf-8")
    stripped = html._without_code(path.read_bytes())
    assert len(stripped) < 5_000 and b"ld+json" in stripped and b"Jane Roe" in stripped
    assert b"tracking" not in stripped and b"color:red" not in stripped
    assert b"unclosed" not in stripped and b"iVBOR" not in stripped
    (doc,) = read_paths([path])
    assert f"{PARAGRAPH} (5)" in doc.text and "tracking" not in doc.text
    assert (doc.meta.author, doc.meta.published) == ("Jane Roe", "2024-03-05")


def test_a_page_of_too_many_elements_is_refused_quickly(tmp_path: Path) -> None:
    """trafilatura's time and memory grow with the elements (a 5 MB page of tables took
    24 s and 450 MB, a 50 MB page 164 s and 1.2 GB): past MAX_ELEMENTS the page is
    refused with its size, after a parse that takes a fraction of that."""
    rows = "".join(f"<tr><td>cell {i}</td><td>{i}</td></tr>" for i in range(40_000))
    path = tmp_path / "tables.html"
    path.write_text(page(ARTICLE + f"<table>{rows}</table>"), encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_paths([path])
    assert info.value.path == str(path)
    assert "is a 1.7 MB page of 120,0" in info.value.reason
    assert "the limit is 100,000" in info.value.reason


def test_keeping_a_tiny_part_of_a_large_page_is_refused_saying_what_was_kept(
    tmp_path: Path,
) -> None:
    """A page with a megabyte of text of which the extractor keeps a few paragraphs: what
    it kept is most likely not the article. Refused with what was kept, and counted with
    that reason among the rejected with --skip-invalid."""
    words = " ".join(["minister said NATO talks"] * 12)
    listing = "\n".join(f"{words} {i}" for i in range(12_000))
    path = tmp_path / "listing.html"
    path.write_text(page(ARTICLE + f"<pre>{listing}</pre>"), encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_paths([path])
    reason = info.value.reason
    assert reason.startswith("kept 933 characters") and "characters of a 3.7 MB page" in reason
    assert "check that this is the article" in reason
    good = tmp_path / "good.html"
    good.write_text(page(ARTICLE), encoding="utf-8")
    result = read_sources(plan([path, good]), skip_invalid=True)
    assert len(result.documents) == 1
    assert [r.reason for r in result.rejected] == [reason]


def test_a_long_article_is_not_a_tiny_part(tmp_path: Path) -> None:
    """A long article on a page with little else is kept whole, however long."""
    body = "<article><h1>Long</h1>" + "".join(
        f"<p>{PARAGRAPH} ({i})</p>" for i in range(3_000)
    ) + "</article>"
    path = tmp_path / "long.html"
    path.write_text(page(body), encoding="utf-8")
    (doc,) = read_paths([path])
    assert f"{PARAGRAPH} (2999)" in doc.text
