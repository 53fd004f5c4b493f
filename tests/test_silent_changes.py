"""Three silent changes a reviewer found after issue 14: an edited note (or annotator, or
time of last edit) re-imported and dropped as "already present", a link moved to another
annotator by the Label Studio export, and exports that cannot hold annotators merging them
without a word. Each is now said (or refused), and each test here fails on the code before."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import orjson
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.model import (
    DocumentMeta,
    IncomingDocument,
    IncomingDocumentLabel,
    IncomingRelation,
    IncomingSpan,
)
from annotator.formats import EXPORTS
from annotator.formats.export_types import Selection
from annotator.formats.exporting import export
from annotator.store import Store
from annotator.store.sharing import import_shared, snapshot

TEXT = "Alice met Bob in Paris."
STAMP = "2026-11-29T10:00:00.000Z"


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def summary_of(result) -> str:
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def native(path: Path, spans: list[dict], relations: list[dict] = ()) -> Path:
    record = {"id": "d1", "text": TEXT, "spans": spans, "relations": list(relations)}
    path.write_bytes(orjson.dumps(record) + b"\n")
    return path


def span(sid: str, start: int, end: int, label: str = "actor", **more) -> dict:
    return {"id": sid, "start": start, "end": end, "label": label, "annotator": "alice",
            "created_at": STAMP, "updated_at": STAMP, **more}  # fmt: skip


# -- 1. a re-imported item that differs but for its content ---------------------------------


def test_a_reimported_edited_note_is_counted_and_the_stored_note_kept(tmp_path: Path) -> None:
    """The reviewer's reproduction: export to native JSONL, edit one span's note, import
    again. The stored version stands (the import never overwrites), and the summary says so
    instead of calling the file's version "already present" and nothing more."""
    db = tmp_path / "r.db"
    first = native(tmp_path / "a.jsonl",
                   [span("s1", 0, 5, note="first"), span("s2", 10, 13, label="quote")],
                   [{"id": "r1", "label": "said_by", "from": "s2", "to": "s1",
                     "annotator": "alice", "note": "x", "created_at": STAMP,
                     "updated_at": STAMP}])  # fmt: skip
    summary_of(run("import", db, first))
    out = tmp_path / "out.jsonl"
    summary_of(run("export", db, "-o", out, "--format", "jsonl"))
    record = json.loads(out.read_text(encoding="utf-8"))
    record["spans"][0]["note"] = "second thoughts"
    record["relations"][0]["note"] = None
    edited = tmp_path / "edited.jsonl"
    edited.write_text(json.dumps(record) + "\n", encoding="utf-8")

    said = summary_of(run("import", db, edited))
    assert "1 span note(s) left out: differs from the stored span's; the stored version " \
           f"was kept (first: {edited}, line 1)" in said  # fmt: skip
    assert "1 relation note(s) left out: differs from the stored relation's" in said
    assert "span annotator" not in said and "updated_at" not in said
    with Store.open(db) as store:
        assert {s.id: s.note for s in store.spans("d1")} == {"s1": "first", "s2": None}
        assert [r.note for r in store.relations("d1")] == ["x"]
    # the file as exported: nothing differs, nothing is said beyond "already present"
    again = summary_of(run("import", db, out))
    assert "left out" not in again and "2 span(s) and 1 relation(s) already present" in again


def test_a_reimported_annotator_or_edit_time_that_differs_is_counted(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    summary_of(run("import", db, native(tmp_path / "a.jsonl", [span("s1", 0, 5)])))
    later = span("s1", 0, 5, annotator="bob", updated_at="2026-12-01T09:00:00.000Z")
    said = summary_of(run("import", db, native(tmp_path / "b.jsonl", [later])))
    assert "1 span annotator(s) left out: differs from the stored span's" in said
    assert "1 span updated_at(s) left out: differs from the stored span's" in said
    with Store.open(db) as store:
        (s1,) = store.spans("d1")
        assert (s1.annotator, s1.updated_at) == ("alice", STAMP)


def test_files_without_times_or_notes_reimport_without_a_word(tmp_path: Path) -> None:
    """The import's own times (a doccano file has none) are no difference, nor is an
    empty note against none: re-importing such a file stays quiet."""
    db = tmp_path / "r.db"
    doccano = tmp_path / "d.jsonl"
    doccano.write_text(json.dumps({"id": 1, "text": TEXT, "label": [[0, 5, "actor"]]}) + "\n")
    summary_of(run("import", db, doccano, "--annotator", "alice"))
    said = summary_of(run("import", db, doccano, "--annotator", "alice"))
    assert "1 span(s) and 0 relation(s) already present" in said and "left out" not in said
    db2 = tmp_path / "r2.db"
    summary_of(run("import", db2, native(tmp_path / "n.jsonl", [span("s1", 0, 5, note="")])))
    said = summary_of(run("import", db2, native(tmp_path / "m.jsonl", [span("s1", 0, 5)])))
    assert "left out" not in said


def test_a_changed_brat_note_is_counted(tmp_path: Path) -> None:
    """brat numbers its spans per file (T1): an AnnotatorNotes edited since the import is
    the same span with another note."""
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "doc.txt").write_text(TEXT, encoding="utf-8")
    ann = folder / "doc.ann"
    ann.write_text("T1\tactor 0 5\tAlice\n#1\tAnnotatorNotes T1\tthe host\n", encoding="utf-8")
    db = tmp_path / "r.db"
    summary_of(run("import", db, folder, "--format", "brat", "--annotator", "alice"))
    ann.write_text("T1\tactor 0 5\tAlice\n#1\tAnnotatorNotes T1\tthe guest\n", encoding="utf-8")
    said = summary_of(run("import", db, folder, "--format", "brat", "--annotator", "alice"))
    assert "1 span note(s) left out: differs from the stored span's" in said
    with Store.open(db) as store:
        (doc_id,) = store.document_ids()
        assert [s.note for s in store.spans(doc_id)] == ["the host"]


def _alice_db(path: Path) -> Path:
    spans = [IncomingSpan(0, 5, "actor", annotator="alice", note="the host", created_at=STAMP,
                          updated_at=STAMP, id="s-alice"),
             IncomingSpan(10, 13, "quote", annotator="alice", id="s-bob", created_at=STAMP,
                          updated_at=STAMP)]  # fmt: skip
    link = IncomingRelation("said_by", "s-bob", "s-alice", id="r1", annotator="alice",
                            note="sure", created_at=STAMP, updated_at=STAMP)
    with Store.open(path) as s:
        s.import_documents(
            [IncomingDocument(TEXT, "d1", DocumentMeta(title="A"), "t", id="d1", spans=spans,
                              relations=[link])],
            annotator="alice",
        )  # fmt: skip
    return path


def test_review_import_takes_an_annotators_changed_note_and_flags_its_verdict(
    tmp_path: Path,
) -> None:
    """An annotator who edits a note after sending her file and sends it again: the note is
    her reason, judged with the span, so the verdict on the span needs another look (it was
    refused before issue 16; now the new version comes in), and the flag says how the note
    changed; the link's note, undecided, is simply the new version."""
    a = _alice_db(tmp_path / "alice.db")
    review = tmp_path / "review.db"
    import_shared(review, [snapshot(a, tmp_path / "alice-1.db")])
    with Store.open(review) as r:
        r.decide_span("s-alice", "accepted", reviewer="rita")
    with Store.open(a) as s:
        s.conn.execute("UPDATE spans SET note = 'a guest, in fact' WHERE id = 's-alice'")
        s.conn.execute("UPDATE relations SET note = NULL WHERE id = 'r1'")
    second = snapshot(a, tmp_path / "alice-2.db")
    with Store.open(review) as r:
        summary = import_shared(r, [second])
    assert "alice: second version (1 span changed, 1 link changed); 1 verdict needs another " \
        "look" in summary.describe()
    with Store.open(review) as r:
        assert [s.note for s in r.spans("d1") if s.id == "s-alice"] == ["a guest, in fact"]
        assert [x.note for x in r.relations("d1")] == [None]
        assert [d.verdict for d in r.decisions("d1").values()] == ["accepted"]
        assert [(f.was, f.now) for f in r.review_flags()] == [(
            "“Alice” (actor) at 0-5, noted “the host”",
            "“Alice” (actor) at 0-5, noted “a guest, in fact”",
        )]


# -- 2. the Label Studio export and a link by another annotator than its spans' -------------


def _store_with(spans: list[IncomingSpan], relations: list[IncomingRelation] = (),
                labels: dict[str, str] | None = None) -> Store:  # fmt: skip
    store = Store.memory()
    doc = IncomingDocument(TEXT, "d1", DocumentMeta(title="A"), "t", id="d1", spans=spans,
                           relations=list(relations))  # fmt: skip
    store.import_documents([doc], annotator="t")
    for who, label in (labels or {}).items():
        store.import_documents(
            [IncomingDocument(TEXT, "d1", DocumentMeta(title="A"), "t", id="d1",
                              document_labels=[IncomingDocumentLabel(label, annotator=who)])],
            annotator=who,
        )  # fmt: skip
    return store


def test_label_studio_export_leaves_out_a_link_by_another_annotator(tmp_path: Path) -> None:
    """Bob's link between two of Alice's spans went into Alice's annotation, with no note,
    and came back as Alice's. It is left out and counted; Alice's own link stays hers."""
    store = _store_with(
        [IncomingSpan(0, 5, "quote", id="a1", annotator="alice"),
         IncomingSpan(10, 13, "claim", id="a2", annotator="alice"),
         IncomingSpan(17, 22, "actor", id="a3", annotator="alice")],
        [IncomingRelation("said_by", "a1", "a3", id="bob-link", annotator="bob"),
         IncomingRelation("claimed_by", "a2", "a3", id="alice-link", annotator="alice")],
    )  # fmt: skip
    out = tmp_path / "ls.json"
    report = export(store, out, EXPORTS["labelstudio"])
    assert report.relations == 1
    assert report.notes == [
        "1 relation(s) left out: made by another annotator than the spans they join, and a "
        "Label Studio relation belongs to its regions' annotation"
    ]
    (task,) = json.loads(out.read_text(encoding="utf-8"))
    (annotation,) = task["annotations"]
    assert annotation["created_username"] == "alice"
    links = [r for r in annotation["result"] if r["type"] == "relation"]
    assert [(r["from_id"], r["labels"]) for r in links] == [("a2", ["claimed_by"])]
    back = tmp_path / "back.db"
    summary_of(run("import", back, out, "--format", "labelstudio"))
    with Store.open(back) as again:
        (doc_id,) = again.document_ids()
        assert [(r.label, r.annotator) for r in again.relations(doc_id)] == [
            ("claimed_by", "alice")
        ]


# -- 3. exports that cannot hold annotators ---------------------------------------------------


def _two_annotators() -> Store:
    """Alice's and Bob's identical claims, Bob's actor and link, everyone's document labels
    (the reviewer's case: doccano wrote ``[[0, 5, "claim"], [0, 5, "claim"]]``)."""
    return _store_with(
        [IncomingSpan(0, 5, "claim", id="a1", annotator="alice", note="hm"),
         IncomingSpan(0, 5, "claim", id="b1", annotator="bob"),
         IncomingSpan(10, 13, "actor", id="b2", annotator="bob")],
        [IncomingRelation("claimed_by", "b1", "b2", id="r1", annotator="bob", note="sure")],
        labels={"alice": "pro", "bob": "con"},
    )  # fmt: skip


UNNAMED = (
    "by 2 annotators written without their names, which {fmt} cannot hold; 1 span(s) "
    "identical (place and label) to another annotator's in the same document, which an "
    "import keeps once (export one annotator at a time with --annotator to keep them apart)"
)
CATS = (
    "2 document label(s) of several annotators merged into cats in 1 document(s): doccano "
    "has one list of categories per example, without names (a label set by two annotators "
    "is written once)"
)


def test_doccano_export_says_what_it_writes_without_annotators(tmp_path: Path) -> None:
    store = _two_annotators()
    report = export(store, tmp_path / "plain.jsonl", EXPORTS["doccano"])
    line = json.loads((tmp_path / "plain.jsonl").read_text(encoding="utf-8"))
    assert line["label"] == [[0, 5, "claim"], [0, 5, "claim"], [10, 13, "actor"]]
    assert sorted(line["cats"]) == ["con", "pro"]
    assert report.notes == [
        "1 relation(s) left out: the plain doccano form has none (use --format doccano-rel)",
        "3 span(s) " + UNNAMED.format(fmt="doccano"),
        "1 span note(s) left out: doccano has no notes (the jsonl and brat exports keep them)",
        CATS,
    ]
    report = export(store, tmp_path / "rel.jsonl", EXPORTS["doccano-rel"])
    assert report.notes == [
        "3 span(s) and 1 relation(s) " + UNNAMED.format(fmt="doccano"),
        "1 span note(s) and 1 relation note(s) left out: doccano has no notes (the jsonl and "
        "brat exports keep them)",
        CATS,
    ]


def test_brat_export_says_it_writes_without_annotators(tmp_path: Path) -> None:
    report = export(_two_annotators(), tmp_path / "brat", EXPORTS["brat"])
    assert "3 span(s) and 1 relation(s) " + UNNAMED.format(fmt="brat") in report.notes
    assert not any("note(s) left out" in n for n in report.notes)  # brat keeps notes


def test_one_annotators_export_names_no_loss_of_names(tmp_path: Path) -> None:
    """Exported one annotator at a time (the remedy the notes give), nothing is merged:
    importing the file --annotator NAME gives the work back whole."""
    store = _two_annotators()
    for fmt in ("doccano", "doccano-rel", "brat"):
        report = export(store, tmp_path / fmt, EXPORTS[fmt],
                        selection=Selection(annotators=frozenset({"bob"})))  # fmt: skip
        assert not any("without their names" in n or "merged into cats" in n
                       for n in report.notes), (fmt, report.notes)  # fmt: skip


def test_csv_keeps_each_spans_annotator_and_note(tmp_path: Path) -> None:
    out = tmp_path / "spans.csv"
    report = export(_two_annotators(), out, EXPORTS["csv"])
    assert not any("without their names" in n for n in report.notes)
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert sorted((r["span_id"], r["annotator"], r["note"]) for r in rows) == [
        ("a1", "alice", "hm"), ("b1", "bob", ""), ("b2", "bob", "")
    ]


def test_the_command_line_prints_the_notes(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    summary_of(run("import", db, native(tmp_path / "n.jsonl", [
        span("a1", 0, 5, note="hm"), span("b1", 0, 5, annotator="bob")])))  # fmt: skip
    said = summary_of(run("export", db, "-o", tmp_path / "out.jsonl", "--format", "doccano"))
    assert "note: 2 span(s) " + UNNAMED.format(fmt="doccano") in said
    assert "note: 1 span note(s) left out" in said


def test_label_studio_export_counts_the_relation_notes_it_cannot_write(tmp_path: Path) -> None:
    store = _store_with(
        [IncomingSpan(0, 5, "actor", id="a1", annotator="alice", note="the host"),
         IncomingSpan(10, 13, "quote", id="a2", annotator="alice")],
        [IncomingRelation("said_by", "a2", "a1", id="r1", annotator="alice", note="sure")],
    )  # fmt: skip
    report = export(store, tmp_path / "ls.json", EXPORTS["labelstudio"])
    assert report.relations == 1
    assert report.notes == [
        "1 relation note(s) left out: a Label Studio relation has none (span notes are kept, "
        "as the region's meta)"
    ]
