"""Issue 14, items 1 and 4 and "an import summary never hides anything": a span's identity
includes its annotator; files from before that rule are matched by content; repeats within a
record are kept once and counted; every count a reader or the store makes is in the summary."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import orjson
import pytest

from annotator.core.errors import InputError
from annotator.core.ids import LocalId, content_span_id, document_id, qualified
from annotator.core.model import (
    CONVERTED,
    KEPT_ONCE,
    LEFT_OUT,
    Counted,
    DocumentMeta,
    IncomingDocument,
    IncomingRelation,
    IncomingSpan,
    tally,
)
from annotator.formats.importing import ImportReport, import_files, import_read
from annotator.formats.reading import ReadResult, plan, read_sources
from annotator.formats.records import Skipped, local_id, tidy
from annotator.review.agreement import from_store
from annotator.store import ImportSummary, Store

TEXT = "Alice met Bob in Paris."
# The first example: doccano writes one file per annotator of a non-collaborative
# project (and Prodigy one per session), with the same example ids and texts.
ALICE = {"id": 1, "text": TEXT, "label": [[0, 5, "PER"], [10, 13, "PER"]]}
BOB = {"id": 1, "text": TEXT, "label": [[0, 5, "PER"], [17, 22, "LOC"]]}


def jsonl(path: Path, *records: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return path


def rows(db: Path, table: str = "spans") -> list[tuple]:
    columns = "annotator, start, end, label" if table == "spans" else "annotator, label"
    with closing(sqlite3.connect(str(db))) as conn:
        return sorted(conn.execute(f"SELECT {columns} FROM {table}").fetchall())


def spans_of(db: Path, who: str) -> list[tuple[int, int, str, str]]:
    with Store.open(db) as store:
        (doc_id,) = store.document_ids()
        text = store.document(doc_id).text
        return sorted(
            (s.start, s.end, s.label, text[s.start : s.end])
            for s in store.spans(doc_id)
            if s.annotator == who
        )


# -- item 1: the annotator is part of a span's identity ------------------------------------


def test_a_second_annotators_identical_span_is_their_own(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    alice = jsonl(tmp_path / "alice.jsonl", ALICE)
    bob = jsonl(tmp_path / "bob.jsonl", BOB)
    import_files(db, [alice], annotator="alice")
    report = import_files(db, [bob], annotator="bob")
    assert (report.summary.spans_added, report.summary.spans_present) == (2, 0)
    assert spans_of(db, "bob") == [(0, 5, "PER", "Alice"), (17, 22, "LOC", "Paris")]
    assert spans_of(db, "alice") == [(0, 5, "PER", "Alice"), (10, 13, "PER", "Bob")]
    # Re-importing either file as its own annotator adds nothing.
    for path, who in ((alice, "alice"), (bob, "bob")):
        again = import_files(db, [path], annotator=who).summary
        assert (again.spans_added, again.spans_present) == (0, 2)
    assert len(rows(db)) == 4
    # Agreement sees both annotators: one exact match of two spans each.
    with Store.open(db) as store:
        report = from_store(store)
    assert report.annotators == ["alice", "bob"]
    (pair,) = report.scopes[0].pairs
    assert (pair.annotators, pair.spans) == (("alice", "bob"), (2, 2))
    assert pair.exact_f1 == pytest.approx(0.5)


def test_the_same_file_as_another_annotator_is_that_annotators_work(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    alice = jsonl(tmp_path / "alice.jsonl", ALICE)
    import_files(db, [alice], annotator="alice")
    assert import_files(db, [alice], annotator="carol").summary.spans_added == 2
    assert spans_of(db, "carol") == spans_of(db, "alice")


def test_prodigy_sessions_without_a_name_keep_each_annotators_spans(tmp_path: Path) -> None:
    # The shape of `prodigy db-out` (explosion/prodigy-recipes' ner_manual output), one file
    # per annotator and no _annotator_id: the name comes from --annotator.
    def task(spans: list) -> dict:
        return {"text": TEXT, "_input_hash": 7, "_task_hash": 8, "answer": "accept",
                "spans": spans}  # fmt: skip

    per = {"start": 0, "end": 5, "label": "PER"}
    db = tmp_path / "p.db"
    import_files(db, [jsonl(tmp_path / "a.jsonl", task([per]))], annotator="alice")
    loc = {"start": 17, "end": 22, "label": "LOC"}
    report = import_files(db, [jsonl(tmp_path / "b.jsonl", task([per, loc]))], annotator="bob")
    assert report.summary.spans_added == 2
    assert spans_of(db, "bob") == [(0, 5, "PER", "Alice"), (17, 22, "LOC", "Paris")]


def brat(folder: Path, ann: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "doc.txt").write_text(TEXT + "\n", encoding="utf-8")
    (folder / "doc.ann").write_text(ann, encoding="utf-8")
    return folder / "doc.txt"


def test_two_annotators_brat_files_numbered_alike_are_both_kept(tmp_path: Path) -> None:
    """brat numbers T and R per file: two people's .ann for one text both have a T1 (brat's
    own example data, e.g. brat/example-data/corpora, numbers every file from T1)."""
    db = tmp_path / "b.db"
    alice = brat(tmp_path / "alice", "T1\tPER 0 5\tAlice\nT2\tLOC 17 22\tParis\n"
                 "R1\tlives_in Arg1:T1 Arg2:T2\n")  # fmt: skip
    bob = brat(tmp_path / "bob", "T1\tPER 10 13\tBob\nT2\tLOC 17 22\tParis\n"
               "R1\tlives_in Arg1:T1 Arg2:T2\n")  # fmt: skip
    import_files(db, [alice], annotator="alice")
    report = import_files(db, [bob], annotator="bob")
    assert (report.summary.spans_added, report.summary.relations_added) == (2, 1)
    assert spans_of(db, "bob") == [(10, 13, "PER", "Bob"), (17, 22, "LOC", "Paris")]
    with Store.open(db) as store:
        (doc_id,) = store.document_ids()
        spans = {s.id: s for s in store.spans(doc_id)}
        for r in store.relations(doc_id):  # each relation joins its own annotator's spans
            assert spans[r.source].annotator == spans[r.target].annotator == r.annotator
    again = import_files(db, [bob], annotator="carol").summary
    assert (again.spans_added, again.relations_added) == (2, 1)  # bob's file, now as carol
    again = import_files(db, [alice], annotator="alice").summary
    assert (again.spans_added, again.relations_added, again.relations_present) == (0, 0, 1)


def test_doccano_relation_form_entity_ids_per_annotator(tmp_path: Path) -> None:
    def record(label: str) -> dict:
        return {"id": 3, "text": TEXT,
                "entities": [{"id": 1, "label": "PER", "start_offset": 0, "end_offset": 5},
                             {"id": 2, "label": label, "start_offset": 17, "end_offset": 22}],
                "relations": [{"id": 1, "from_id": 1, "to_id": 2, "type": "in"}]}  # fmt: skip

    db = tmp_path / "d.db"
    import_files(db, [jsonl(tmp_path / "a.jsonl", record("LOC"))], annotator="alice")
    report = import_files(db, [jsonl(tmp_path / "b.jsonl", record("GPE"))], annotator="bob")
    assert (report.summary.spans_added, report.summary.relations_added) == (2, 1)
    assert rows(db, "relations") == [("alice", "in"), ("bob", "in")]


# -- databases made before the rule --------------------------------------------------------


def _as_before(docs: list[IncomingDocument]) -> list[IncomingDocument]:
    """The documents as an earlier Annotator stored them: a LocalId used as it is, an
    id-less span given content_span_id with an empty annotator, an id-less relation the
    same with its ends."""
    for doc in docs:
        doc_id = document_id(doc.text, doc.source_id)
        for s in doc.spans:
            s.id = (
                content_span_id(doc_id, s.start, s.end, s.label, "") if s.id is None else str(s.id)
            )
        for r in doc.relations:
            r.source, r.target = str(r.source), str(r.target)
            key = f"{r.label}:{r.source}:{r.target}"
            r.id = content_span_id(doc_id, 0, 0, key, "") if r.id is None else str(r.id)
    return docs


@pytest.mark.parametrize("fmt", ["doccano", "brat", "doccano-rel"])
def test_a_file_imported_by_an_earlier_version_is_not_doubled(tmp_path: Path, fmt: str) -> None:
    if fmt == "brat":
        path = brat(tmp_path / "alice", "T1\tPER 0 5\tAlice\nT2\tLOC 17 22\tParis\n"
                    "R1\tlives_in Arg1:T1 Arg2:T2\n")  # fmt: skip
        expected = (2, 1)
    elif fmt == "doccano":
        path = jsonl(tmp_path / "alice.jsonl", ALICE)
        expected = (2, 0)
    else:
        path = jsonl(tmp_path / "alice.jsonl", {"id": 3, "text": TEXT,
            "entities": [{"id": 1, "label": "PER", "start_offset": 0, "end_offset": 5},
                         {"id": 2, "label": "LOC", "start_offset": 17, "end_offset": 22}],
            "relations": [{"id": 1, "from_id": 1, "to_id": 2, "type": "in"}]})  # fmt: skip
        expected = (2, 1)
    db = tmp_path / "old.db"
    with Store.open(db) as store:
        old = _as_before(read_sources(plan([path])).documents)
        store.import_documents(old, annotator="alice")
    before = (rows(db), rows(db, "relations"))
    summary = import_files(db, [path], annotator="alice").summary
    assert (summary.spans_added, summary.relations_added) == (0, 0)
    assert (summary.spans_present, summary.relations_present) == expected
    assert (rows(db), rows(db, "relations")) == before
    # Bob's copy of the same file is his, beside Alice's old rows.
    summary = import_files(db, [path], annotator="bob").summary
    assert (summary.spans_added, summary.relations_added) == expected
    with Store.open(db) as store:
        assert store.verify() == []


def test_local_ids_are_qualified_by_the_annotator() -> None:
    local = local_id("doc", "brat", "T1", 1)
    assert isinstance(local, LocalId)
    assert qualified(local, "alice") != qualified(local, "bob") != local
    assert qualified(local, "alice") == qualified(local_id("doc", "brat", "T1", 1), "alice")


# -- item 4: repeats within a record are kept once and counted ---------------------------


def test_a_repeated_span_in_a_doccano_line_is_counted(tmp_path: Path) -> None:
    path = jsonl(
        tmp_path / "dup.jsonl",
        {"text": "Same same", "label": [[0, 4, "X"], [0, 4, "X"], [0, 4, "X"], [5, 9, "X"]]},
    )
    report = import_files(tmp_path / "d.db", [path], annotator="alice")
    assert report.summary.spans_added == 2
    assert (
        "2 duplicate span(s) kept once: the same start, end, label and annotator twice in one "
        f"record (first: {path}, line 1)"
    ) in report.describe()


def test_a_repeated_span_and_relation_in_one_prodigy_line_are_counted(tmp_path: Path) -> None:
    span = {"start": 0, "end": 5, "label": "PER", "text": "Alice"}
    loc = {"start": 17, "end": 22, "label": "LOC", "text": "Paris"}
    relation = {"head_span": span, "child_span": loc, "label": "in"}
    path = jsonl(tmp_path / "p.jsonl", {"text": "x", "answer": "accept"}, {
        "text": TEXT, "_input_hash": 1, "answer": "accept",
        "spans": [span, loc, dict(span)], "relations": [relation, dict(relation)]})  # fmt: skip
    report = import_files(tmp_path / "p.db", [path], annotator="alice")
    assert (report.summary.spans_added, report.summary.relations_added) == (2, 1)
    text = report.describe()
    assert (
        f"1 duplicate span(s) kept once: the same start, end, label and annotator twice in one record (first: {path}, line 2)"
        in text
    )  # noqa: E501
    assert (
        f"1 duplicate relation(s) kept once: the same label, ends and annotator twice in one record (first: {path}, line 2)"
        in text
    )  # noqa: E501


def test_two_label_studio_regions_alike_become_one_span_and_keep_their_links(
    tmp_path: Path,
) -> None:
    # Label Studio's export shape (label-studio's tests/test_export data): two regions of one
    # annotation with the same offsets and label; the relation starts at the second.
    def region(rid: str, start: int, end: int, label: str) -> dict:
        return {"id": rid, "from_name": "label", "to_name": "text", "type": "labels",
                "value": {"start": start, "end": end, "text": TEXT[start:end],
                          "labels": [label]}}  # fmt: skip

    task = {"id": 1, "data": {"text": TEXT}, "annotations": [{
        "id": 5, "completed_by": 1, "result": [
            region("a", 0, 5, "PER"), region("b", 0, 5, "PER"), region("c", 17, 22, "LOC"),
            {"type": "relation", "from_id": "b", "to_id": "c", "direction": "right",
             "labels": ["in"]}]}]}  # fmt: skip
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([task]), encoding="utf-8")
    db = tmp_path / "ls.db"
    report = import_files(db, [path], annotator="alice")
    assert (report.summary.spans_added, report.summary.relations_added) == (2, 1)
    assert "1 duplicate span(s) kept once" in report.describe()
    with Store.open(db) as store:
        (doc_id,) = store.document_ids()
        ids = {s.id for s in store.spans(doc_id)}
        (relation,) = store.relations(doc_id)
        assert {relation.source, relation.target} <= ids


def test_tidy_joins_the_note_of_a_repeat_and_refuses_one_id_for_two_spans() -> None:
    doc = IncomingDocument(TEXT, "s", meta=DocumentMeta(), origin="f.jsonl, line 4", spans=[
        IncomingSpan(0, 5, "PER", id=LocalId("t1"), note="first"),
        IncomingSpan(0, 5, "PER", id=LocalId("t2"), note="second"),
    ], relations=[IncomingRelation("in", LocalId("t2"), LocalId("t1"))])  # fmt: skip
    (count,) = tidy(doc)
    assert (count.action, count.what, count.count, count.where) == (
        KEPT_ONCE, "duplicate span", 1, "f.jsonl, line 4")  # fmt: skip
    assert [s.note for s in doc.spans] == ["first\nsecond"]
    assert (doc.relations[0].source, doc.relations[0].target) == ("t1", "t1")
    clash = IncomingDocument(TEXT, "s", meta=DocumentMeta(), origin="f.jsonl, line 5", spans=[
        IncomingSpan(0, 5, "PER", id="s1"), IncomingSpan(6, 9, "PER", id="s1")])  # fmt: skip
    rejected = tidy(clash)
    assert not isinstance(rejected, list)
    assert (rejected.where, rejected.reason) == (
        "f.jsonl, line 5",
        "span id 's1' is used for two spans",
    )


def test_the_store_counts_a_repeat_it_is_given_directly(tmp_path: Path) -> None:
    doc = IncomingDocument(TEXT, "s", meta=DocumentMeta(),
                           origin="shared.db, line 2", spans=[
        IncomingSpan(0, 5, "PER", id="x"), IncomingSpan(0, 5, "PER", id="x")])  # fmt: skip
    with Store.open(tmp_path / "s.db") as store:
        summary = store.import_documents([doc], annotator="alice")
    assert summary.spans_added == 1
    assert (
        "1 duplicate span(s) kept once: the same span twice in one record (first: shared.db, line 2)"
        in summary.describe()
    )  # noqa: E501


# -- the summary hides nothing ------------------------------------------------------------


def test_counts_are_grouped_added_up_and_all_shown() -> None:
    counted = [
        Counted("b.jsonl", 4, LEFT_OUT, "relation", "given by token indices only"),
        Counted("a.jsonl", 2, CONVERTED, "label", "a doccano label number named", 3),
        Counted("b.jsonl", 9, LEFT_OUT, "relation", "given by token indices only", 2),
        Counted("a.jsonl", 7, KEPT_ONCE, "duplicate span", "twice in one record"),
        Counted("a.ann", None, LEFT_OUT, "field", "an attribute with no place to go"),
        Counted("a.jsonl", 1, LEFT_OUT, "span", "nothing at all", 0),  # nothing to say
    ]
    assert tally(counted) == [
        "1 duplicate span(s) kept once: twice in one record (first: a.jsonl, line 7)",
        "3 label(s) converted: a doccano label number named (first: a.jsonl, line 2)",
        "3 relation(s) left out: given by token indices only (first: b.jsonl, line 4)",
        "1 field(s) left out: an attribute with no place to go (first: a.ann)",
    ]
    with pytest.raises(ValueError, match="action"):
        Counted("a", 1, "lost", "span", "why")


def test_the_report_shows_every_skip_reason_and_every_count() -> None:
    skipped = [Skipped("t.jsonl", n, f"reason {n}") for n in range(1, 9)]
    report = ImportReport(ImportSummary(documents_added=1, spans_added=2), skipped=skipped,
                          counted=[Counted("t.jsonl", 3, LEFT_OUT, "relation", "why")])  # fmt: skip
    report.summary.counted.append(Counted("t.jsonl", 5, KEPT_ONCE, "duplicate span", "twice"))
    text = report.describe()
    assert all(f"reason {n}" in text for n in range(1, 9))  # no "3 other reason(s)"
    assert "1 relation(s) left out: why (first: t.jsonl, line 3)" in text
    assert "1 duplicate span(s) kept once: twice (first: t.jsonl, line 5)" in text
    assert report.lines()[0] == "1 document(s) added"
    assert text == "; ".join(report.lines())


def test_a_readers_counts_reach_the_summary_and_leave_with_a_rejected_record(
    tmp_path: Path,
) -> None:
    good = IncomingDocument(TEXT, "a", meta=DocumentMeta(),
                            origin="in.jsonl, line 1", id="d1")  # fmt: skip
    clash = IncomingDocument(
        "Another text.", "b", meta=good.meta, origin="in.jsonl, line 2", id="d1"
    )
    result = ReadResult(documents=[good, clash], counted=[
        Counted("in.jsonl", 1, CONVERTED, "label", "a number named"),
        Counted("in.jsonl", 2, LEFT_OUT, "relation", "no place for it")])  # fmt: skip
    with Store.open(tmp_path / "c.db") as store:
        report = import_read(store, result, annotator="alice", skip_invalid=True)
    assert [r.where for r in report.rejected] == ["in.jsonl, line 2"]
    assert report.counted == result.counted[:1]  # the set-aside record's count went with it
    assert "1 label(s) converted: a number named (first: in.jsonl, line 1)" in report.describe()


def test_one_annotators_edited_brat_file_is_refused_with_what_to_do(tmp_path: Path) -> None:
    db = tmp_path / "e.db"
    import_files(db, [brat(tmp_path / "v1", "T1\tPER 0 5\tAlice\n")], annotator="alice")
    edited = brat(tmp_path / "v2", "T1\tPER 10 13\tBob\n")
    with pytest.raises(InputError, match="under another --annotator name") as info:
        import_files(db, [edited], annotator="alice")
    assert "v2/doc.ann" in str(info.value)
    assert import_files(db, [edited], annotator="bob").summary.spans_added == 1
