"""Prodigy of issue 14: tokens and relations spaCy's tooling reads, task-level answers kept and
counted, white-space tasks skipped.

spaCy is a test dependency only: the export's tokens come from formats/tokens.py, checked here
against ``spacy.blank("en")``. The reading test does what explosion/projects'
``tutorials/rel_component/scripts/parse_data.py`` does with an export (a ``Doc`` from the
words and their ``ws``, ``char_span`` for each span, ``head``/``child`` looked up among the
spans' last tokens), written here in our own words.
"""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest

from annotator.core.model import IncomingDocument, IncomingRelation, IncomingSpan
from annotator.formats import EXPORTS, prodigy
from annotator.formats.exporting import export
from annotator.formats.importing import import_files
from annotator.formats.reading import plan, read_paths, read_sources
from annotator.formats.records import CONVERTED, LEFT_OUT
from annotator.formats.tokens import tokenize
from annotator.store import Store
from conftest import SEED

NEWS = [
    'Lavrov said: "Some of our Western partners are not interested in peace."',
    "Mr. Putin's seven-point plan, unveiled on Wednesday, can't work, U.S. officials said.",
    "The U.K. and NATO won't send troops (Reuters) -- it's a non-aligned, large-scale "
    "crisis; talks start at 10:30 a.m. on Sept. 5, 2014.",
    "Costs rose 5% to $2.5bn (€2bn) in 2013-14, and/or 10km of road... “It’s over,” she said.",
    "See https://news.example/a-b?x=1 or www.example.org, they're “pro-Russian” rebels.",
    "  Leading spaces,\n\ntwo paragraphs  and  double  spaces.\r\nAnd a CRLF. ",
    'Kyiv 👩‍👩‍👧 disagreed, said 王外长. I. Smith, Dr. Jones & Co. Inc. "OK."',
]


def _words(doc) -> list[tuple[int, int, bool]]:
    return [(t.idx, t.idx + len(t.text), bool(t.whitespace_)) for t in doc]


def test_tokens_are_spacys_blank_english_tokens() -> None:
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("en")
    for text in [*NEWS, SEED.read_text(encoding="utf-8")]:
        mine = [(t.start, t.end, t.ws) for t in tokenize(text)]
        assert mine == _words(nlp(text)), text[:60]


@pytest.mark.parametrize("text", NEWS)
def test_tokens_cut_at_span_edges_and_still_cover_the_text(text: str) -> None:
    edges = range(len(text) + 1)
    for starts, ends in ((edges[::3], edges[::5]), ((), edges), (edges, ())):
        tokens = tokenize(text, starts, ends)
        rebuilt = "".join(text[t.start : t.end] + (" " if t.ws else "") for t in tokens)
        assert rebuilt == text
        assert all(t.start < t.end for t in tokens)
        begun = {t.start for t in tokens}
        ended = {t.end for t in tokens}
        assert set(starts) - {len(text)} <= begun and set(ends) - {0} <= ended


# -- the export, read the way spaCy's relation tooling reads it -----------------------------


def _at(text: str, piece: str) -> tuple[int, int]:
    start = text.index(piece)
    return start, start + len(piece)


@pytest.fixture
def sample_db(tmp_path: Path) -> Path:
    """The sample article: a quote across a paragraph break linked to its actor, by two
    annotators who marked the same actor, and a claim linked across annotators."""
    text = read_paths([SEED])[0].text
    quote = _at(text, "It is precisely at such a moment")[0], _at(text, "joining NATO,")[1]
    assert "\n\n" in text[quote[0] : quote[1]]
    lavrov = text.index("Lavrov said at talks")
    claim = _at(text, "Putin unveiled the seven-point plan on Wednesday")
    doc = IncomingDocument(text=text, source_id="seed", meta=read_paths([SEED])[0].meta,
                           origin="t")  # fmt: skip
    doc.spans += [
        IncomingSpan(*quote, "quote", id="q", annotator="alice"),
        IncomingSpan(lavrov, lavrov + 6, "actor", id="a", annotator="alice"),
        IncomingSpan(lavrov, lavrov + 6, "actor", id="b", annotator="bob", note="same"),
        IncomingSpan(*claim, "claim", id="c", annotator="bob"),
        IncomingSpan(*_at(text, "Putin"), "actor", id="p", annotator="alice"),
    ]
    doc.relations += [
        IncomingRelation("said_by", "q", "a", id="r1", annotator="alice"),
        IncomingRelation("said_by", "q", "b", id="r2", annotator="bob"),
        IncomingRelation("claimed_by", "c", "p", id="r3", annotator="bob"),
    ]
    db = tmp_path / "sample.db"
    with Store.open(db) as store:
        store.import_documents([doc, IncomingDocument(text="Nobody read this yet.",
                                source_id="e", meta=doc.meta, origin="u")],
                               annotator="t")  # fmt: skip
    return db


def test_relation_tooling_reads_every_task_of_the_export(sample_db: Path, tmp_path) -> None:
    pytest.importorskip("spacy")
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    out = tmp_path / "p.jsonl"
    with Store.open(sample_db, create=False) as store:
        export(store, out, EXPORTS["prodigy"])
    tasks = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert [t.get("_annotator_id") for t in tasks] == ["alice", "bob", None]
    vocab = Vocab()
    read = {}
    for task in tasks:
        assert task["answer"] == "accept"
        doc = Doc(vocab, words=[t["text"] for t in task["tokens"]],
                  spaces=[t["ws"] for t in task["tokens"]])  # fmt: skip
        assert doc.text == task["text"]
        assert [t["id"] for t in task["tokens"]] == list(range(len(task["tokens"])))
        entities, start_of = [], {}
        for span in task["spans"]:
            entity = doc.char_span(span["start"], span["end"], label=span["label"])
            assert entity is not None and entity.text == span["text"]
            assert (entity.start, entity.end - 1) == (span["token_start"], span["token_end"])
            start_of[span["token_end"]] = span["token_start"]
            entities.append(entity)
        doc.ents = entities  # one annotator's spans do not overlap here
        pairs = set()
        for relation in task["relations"]:
            # head and child are the last tokens of the two spans
            pairs.add((start_of[relation["head"]], start_of[relation["child"]], relation["label"]))
            assert relation["head"] == relation["head_span"]["token_end"]
            assert relation["child"] == relation["child_span"]["token_end"]
        read[task.get("_annotator_id")] = ({(e.text, e.label_) for e in doc.ents}, pairs)
    quote_start = next(s["token_start"] for s in tasks[0]["spans"] if s["label"] == "quote")
    assert len(read["alice"][1]) == 1 and len(read["bob"][1]) == 2
    assert {p[0] for p in read["alice"][1]} == {quote_start}
    assert ("Lavrov", "actor") in read["alice"][0] and ("Lavrov", "actor") in read["bob"][0]
    # bob's link to alice's "Putin" takes that span into bob's task
    assert ("Putin", "actor") in read["bob"][0]
    assert read[None] == (set(), set())


def test_the_export_reads_back_the_same(sample_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "p.jsonl"
    with Store.open(sample_db, create=False) as store:
        export(store, out, EXPORTS["prodigy"])
        before = _annotations(store)
    result = read_sources(plan([out]))
    assert result.skipped == []
    back = Store.memory()
    back.import_documents(result.documents, annotator="x")
    assert _annotations(back) == before


def _annotations(store: Store) -> tuple[set, set]:
    spans, relations = set(), set()
    for doc_id in store.document_ids():
        by_id = {s.id: (s.start, s.end, s.label, s.annotator) for s in store.spans(doc_id)}
        spans |= {(*v, s.note) for s in store.spans(doc_id) for v in [by_id[s.id]]}
        relations |= {(by_id[r.source], by_id[r.target], r.label, r.annotator)
                      for r in store.relations(doc_id)}  # fmt: skip
    return spans, relations


# -- reading: shapes of explosion/projects' assets -----------------------------------------


def _write(tmp_path: Path, tasks: list) -> Path:
    path = tmp_path / "db-out.jsonl"
    path.write_text("\n".join(json.dumps(t, ensure_ascii=False) for t in tasks) + "\n")
    return path


def test_relations_by_token_index_only_are_found_through_the_spans(tmp_path: Path) -> None:
    # tutorials/rel_component/assets/annotations.jsonl, without head_span/child_span
    text = "Smad binds Id1 but not Id2."
    spans = [
        {"start": 0, "end": 4, "token_start": 0, "token_end": 0, "label": "GGP"},
        {"start": 11, "end": 14, "token_start": 2, "token_end": 2, "label": "GGP"},
    ]
    task = {"text": text, "spans": spans, "answer": "accept",
            "relations": [{"head": 0, "child": 2, "label": "Binds"},
                          {"head": 0, "child": 5, "label": "Binds"}]}  # fmt: skip
    result = read_sources(plan([_write(tmp_path, [task])]))
    (doc,) = result.documents
    names = {s.id: text[s.start : s.end] for s in doc.spans}
    assert [(names[r.source], names[r.target]) for r in doc.relations] == [("Smad", "Id1")]
    assert [(c.action, c.what, c.reason) for c in result.counted] == [
        (LEFT_OUT, *prodigy.TOKENS_ONLY)
    ]


def test_white_space_tasks_are_skipped_and_counted_in_a_strict_import(tmp_path: Path) -> None:
    tasks = [
        {"text": "   ", "answer": "accept", "spans": []},
        {"text": "\n\t", "_input_hash": 2, "answer": "accept"},
        {"text": "A real one.", "answer": "accept", "spans": []},
    ]
    report = import_files(tmp_path / "r.db", [_write(tmp_path, tasks)], annotator="me")
    assert report.summary.documents_added == 1
    assert "2 × a task whose text is empty or white space only" in report.describe()


def test_task_level_answers_are_kept_and_counted(tmp_path: Path) -> None:
    # tutorials/nel_emerson/assets/emerson_annotated_text.jsonl (entity linking, "choice")
    linking = {
        "text": "Emerson won five slam titles.",
        "spans": [{"start": 0, "end": 7, "text": "Emerson", "label": "PERSON"}],
        "options": [{"id": "Q48226", "html": "philosopher"}, {"id": "Q312545", "html": "tennis"}],
        "accept": ["Q312545"],
        "answer": "accept",
        "_annotator_id": "ann",
    }
    # textcat.manual with several options, and a binary textcat.teach answer
    choice = {"text": "Ukraine talks stall.", "options": [{"id": "POLITICS"}, {"id": "SPORT"}],
              "accept": ["POLITICS"], "answer": "accept", "_annotator_id": "ann"}  # fmt: skip
    binary = {"text": "Ukraine talks stall.", "label": "NEWS", "answer": "accept",
              "_annotator_id": "ben"}  # fmt: skip
    rejected = {**binary, "label": "SPORT", "answer": "reject"}
    result = read_sources(plan([_write(tmp_path, [linking, choice, binary, rejected])]))
    first, second, third = result.documents
    assert [(s.label, s.note) for s in first.spans] == [("PERSON", "accept: Q312545")]
    # issue 14: the choice and the textcat label are document labels of the task's
    # annotator (kept in meta, and counted, before); stored as they came, so not counted
    assert [(d.label, d.annotator) for d in second.document_labels] == [("POLITICS", "ann")]
    assert [(d.label, d.annotator) for d in third.document_labels] == [("NEWS", "ben")]
    assert "categories" not in second.meta.extra and "categories" not in third.meta.extra
    assert first.document_labels == []
    assert [s.reason for s in result.skipped] == ['the answer is "reject"']  # a whole task
    assert sorted((c.action, c.what, c.reason) for c in result.counted) == [
        (CONVERTED, "task-level answer",
         "an accept about the task's one span, kept in the span's note"),
    ]
