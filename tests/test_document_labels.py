"""Issue 14, document labels: the scheme's third kind (stance, genre, "no claims"), stored per
annotator and article, imported and exported by every format that has them, copied by
review-import, counted by stats and measured by agreement."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner, Result

from annotator.cli import main
from annotator.core import scheme
from annotator.core.errors import InputError
from annotator.core.model import DocumentLabel, Label
from annotator.review.agreement import document_label_agreement
from annotator.store import Store, StoreError
from annotator.store.sharing import import_shared, snapshot

FIXTURES = Path(__file__).parent / "fixtures"
TEXT = "Alice met Bob in Paris."


def run(*args: Any) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def ok(*args: Any) -> Result:
    result = run(*args)
    assert result.exit_code == 0, result.output
    return result


def jsonl(path: Path, *records: Any) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def stored(db: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT label, annotator FROM document_labels ORDER BY label, annotator"
        ).fetchall()
    finally:
        conn.close()


def lines(path: Path) -> list[dict]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


# -- the scheme ------------------------------------------------------------------------------


def test_document_labels_share_the_span_labels_keys_not_the_link_types() -> None:
    claim = Label("claim", "span", "#f2b705", "1")
    scheme.check([claim, Label("pro", "document", "#2e7d32", "p")])
    with pytest.raises(scheme.SchemeError, match="key '1' is already 'claim''s"):
        scheme.check([claim, Label("pro", "document", "#2e7d32", "1")])
    # Issue 15: a link type's key now acts too (in the list of links and while linking),
    # so it may not be a label's key either.
    with pytest.raises(scheme.SchemeError, match="key 'p' is already the label 'pro''s"):
        scheme.check([Label("said_by", "relation", "#3d8bfd", "p"),
                      Label("pro", "document", "#2e7d32", "p")])
    with pytest.raises(scheme.SchemeError, match="picks a numbered candidate while linking"):
        scheme.check([Label("said_by", "relation", "#3d8bfd", "4")])
    with pytest.raises(scheme.SchemeError, match="kind must be span, relation or document"):
        scheme.check([Label("x", "paragraph", "#2e7d32")])
    labels = scheme.from_json({"labels": [{"name": "pro", "kind": "document"}]}, "s.json")
    assert labels[0].kind == "document"


# -- the store -------------------------------------------------------------------------------


def test_set_and_unset_one_row_per_document_label_and_annotator(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    ok("import", db, jsonl(tmp_path / "a.jsonl", {"id": "d1", "text": TEXT}))
    with Store.open(db) as store:
        store.merge_scheme([Label("pro", "document", "#2e7d32", "p")])
        first = store.set_document_label("d1", "pro", "alice")
        again = store.set_document_label("d1", "pro", "alice")
        assert again == first  # set twice: one row, its first time
        store.set_document_label("d1", "pro", "bob")
        assert [(d.label, d.annotator) for d in store.document_labels("d1")] == [
            ("pro", "alice"), ("pro", "bob"),
        ]
        assert store.document_labels("d1", {"bob"}) == [
            DocumentLabel("d1", "pro", "bob", store.document_labels("d1")[1].created_at)
        ]
        assert store.unset_document_label("d1", "pro", "alice") == first
        assert store.unset_document_label("d1", "pro", "alice") is None
        with pytest.raises(StoreError, match="'claim' is a span label, not a document label"):
            store.set_document_label("d1", "claim", "alice")
        assert store.label_usage("pro") == 1
        # a renamed label keeps its rows; a deleted one takes them with it
        labels = [replace_name(x, "pro", "favours") for x in store.labels(None)]
        store.save_scheme(labels, renames={"pro": "favours"}, deletes=[])
        assert [(d.label, d.annotator) for d in store.document_labels("d1")] == [
            ("favours", "bob")
        ]
        store.save_scheme([x for x in store.labels(None) if x.name != "favours"],
                          renames={}, deletes=["favours"])  # fmt: skip
        assert store.document_labels("d1") == []
        # the database itself refuses a document label with a span label's key
        with pytest.raises(sqlite3.IntegrityError), store._write():
            store.conn.execute(
                "INSERT INTO labels (name, kind, color, key) VALUES ('x', 'document', '#000000', '1')"
            )


def replace_name(label: Label, old: str, new: str) -> Label:
    from dataclasses import replace

    return replace(label, name=new) if label.name == old else label


def test_a_version_1_database_is_migrated_keeping_its_labels_and_spans(tmp_path: Path) -> None:
    db = tmp_path / "v1.db"
    shutil.copy(FIXTURES / "annotator-v1.db", db)
    with Store.open(db) as store:
        before = len(store.labels(None))
        assert before >= 5 and store.labels("document") == []
        doc_id = store.document_ids()[0]
        store.merge_scheme([Label("no_claims", "document", "#8e24aa", "0")])
        store.set_document_label(doc_id, "no_claims", "alice")
        assert store.verify() == []
        assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    # and the export of what it had is unchanged but for the new label
    out = tmp_path / "out.jsonl"
    ok("export", db, "-o", out)
    golden = lines(FIXTURES / "annotator-v1.export.jsonl")
    got = lines(out)
    assert [r.get("document_labels") for r in got].count(None) == len(got) - 1
    assert [{k: v for k, v in r.items() if k != "document_labels"} for r in got] == golden


# -- import ----------------------------------------------------------------------------------


def test_native_import_adds_document_labels_counts_repeats_and_adds_nothing_again(
    tmp_path: Path,
) -> None:
    source = jsonl(tmp_path / "a.jsonl", {
        "id": "d1", "text": TEXT,
        "document_labels": [{"label": "pro", "annotator": "alice"}, "no_claims",
                            {"label": "pro", "annotator": "alice"}],
    })  # fmt: skip
    db = tmp_path / "a.db"
    out = " ".join(ok("import", db, source, "--annotator", "carol").output.split())
    assert "2 document label(s)" in out
    assert "new label(s) added to the scheme: pro, no_claims" in out
    assert "1 duplicate document label(s) kept once: the same label and annotator twice in " \
        "one record (first: " in out
    assert stored(db) == [("no_claims", "carol"), ("pro", "alice")]
    with Store.open(db) as store:
        assert {x.name for x in store.labels("document")} == {"pro", "no_claims"}
    out = " ".join(ok("import", db, source, "--annotator", "carol").output.split())
    assert "0 document label(s); 2 document label(s) already present" in out
    assert stored(db) == [("no_claims", "carol"), ("pro", "alice")]


def test_a_document_label_named_like_a_span_label_is_refused_naming_the_line(
    tmp_path: Path,
) -> None:
    source = jsonl(tmp_path / "a.jsonl", {"text": "One."},
                   {"text": TEXT, "document_labels": ["quote"]})  # fmt: skip
    result = run("import", tmp_path / "a.db", source)
    assert result.exit_code != 0
    assert "a.jsonl, line 2" in result.output and "'quote' is a span label" in result.output
    assert not (tmp_path / "a.db").exists()  # all or nothing
    with pytest.raises(InputError):
        from annotator.formats.reading import read_paths

        read_paths([jsonl(tmp_path / "b.jsonl", {"text": TEXT, "document_labels": [3]})])


def test_native_round_trip_keeps_annotators_and_times(tmp_path: Path) -> None:
    record = {"id": "d1", "text": TEXT, "document_labels": [
        {"label": "pro", "annotator": "alice", "created_at": "2026-01-02T03:04:05Z"}]}
    db = tmp_path / "a.db"
    ok("import", db, jsonl(tmp_path / "a.jsonl", record, {"id": "d2", "text": "Plain."}))
    out = tmp_path / "out.jsonl"
    ok("export", db, "-o", out)
    first, second = lines(out)
    assert first["document_labels"] == record["document_labels"]
    assert "document_labels" not in second  # a record without any is what it always was
    ok("export", db, "-o", out, "--annotator", "alice", "--label", "claim")
    assert "document_labels" not in lines(out)[0]  # only the labels asked for


# -- the peers' formats --------------------------------------------------------------------


def test_doccano_cats_in_and_out(tmp_path: Path) -> None:
    # doccano backend/data_export/pipeline/examples/intent_detection/example.jsonl shape;
    # spaCy writes cats as scores (0.5 or more: the label)
    source = jsonl(tmp_path / "d.jsonl",
                   {"id": 1, "text": TEXT, "label": [[0, 5, "PER"]], "cats": ["travel"]},
                   {"id": 2, "text": "Bob stayed.", "label": [],
                    "cats": {"travel": 0.1, "home": 0.9}})  # fmt: skip
    db = tmp_path / "a.db"
    out = " ".join(ok("import", db, source, "--annotator", "alice").output.split())
    assert stored(db) == [("home", "alice"), ("travel", "alice")]
    assert "2 document category(s) converted: a score in cats (spaCy's form)" in out
    target = tmp_path / "out.jsonl"
    ok("export", db, "-o", target, "--format", "doccano")
    assert [r.get("cats") for r in lines(target)] == [["travel"], ["home"]]
    ok("import", tmp_path / "b.db", target, "--annotator", "alice")
    assert stored(tmp_path / "b.db") == stored(db)


def test_prodigy_accept_in_and_out_one_task_per_annotator(tmp_path: Path) -> None:
    # textcat.manual (options with text, accept) and textcat.teach (label, answer accept)
    tasks = [
        {"text": TEXT, "options": [{"id": "POLITICS", "text": "POLITICS"},
                                   {"id": "SPORT", "text": "SPORT"}],
         "spans": [{"start": 0, "end": 5, "label": "PER"}],
         "accept": ["POLITICS"], "answer": "accept", "_annotator_id": "ann"},
        {"text": TEXT, "label": "NEWS", "answer": "accept", "_annotator_id": "ben"},
    ]  # fmt: skip
    source = tmp_path / "p.jsonl"
    source.write_bytes(b"".join(orjson.dumps(t) + b"\n" for t in tasks))
    db = tmp_path / "a.db"
    ok("import", db, source, "--format", "prodigy")
    assert stored(db) == [("NEWS", "ben"), ("POLITICS", "ann")]
    target = tmp_path / "out.jsonl"
    ok("export", db, "-o", target, "--format", "prodigy")
    written = {t["_annotator_id"]: t for t in lines(target)}
    assert written["ann"]["accept"] == ["POLITICS"] and written["ben"]["accept"] == ["NEWS"]
    assert [o["id"] for o in written["ben"]["options"]] == ["POLITICS", "NEWS"]
    assert written["ann"]["spans"][0]["label"] == "PER" and "note" not in written["ann"]["spans"][0]
    ok("import", tmp_path / "b.db", target)
    assert stored(tmp_path / "b.db") == stored(db)


def test_label_studio_choices_in_and_out(tmp_path: Path) -> None:
    task = {"id": 1, "data": {"text": TEXT}, "annotations": [
        {"id": 5, "created_username": "alice", "result": [
            {"id": "c", "from_name": "choices", "to_name": "text", "type": "choices",
             "value": {"choices": ["pro", "no_claims"]}}]}]}  # fmt: skip
    source = tmp_path / "ls.json"
    source.write_text(json.dumps([task]), encoding="utf-8")
    db = tmp_path / "a.db"
    out = ok("import", db, source).output
    assert "converted" not in out  # our own control's name: nothing lost
    assert stored(db) == [("no_claims", "alice"), ("pro", "alice")]
    target = tmp_path / "out.json"
    ok("export", db, "-o", target, "--format", "labelstudio")
    (written,) = json.loads(target.read_text(encoding="utf-8"))
    (ann,) = written["annotations"]
    assert ann["created_username"] == "alice"
    assert [r["value"]["choices"] for r in ann["result"] if r["type"] == "choices"] == [
        ["pro", "no_claims"]
    ]
    ok("import", tmp_path / "b.db", target)
    assert stored(tmp_path / "b.db") == stored(db)


@pytest.mark.parametrize(("fmt", "name"), [("brat", "brat"), ("csv", "a CSV export")])
def test_brat_and_csv_say_they_leave_document_labels_out(
    tmp_path: Path, fmt: str, name: str
) -> None:
    db = tmp_path / "a.db"
    ok("import", db, jsonl(tmp_path / "a.jsonl", {"text": TEXT, "document_labels": ["pro"]}))
    out = ok("export", db, "-o", tmp_path / f"out.{fmt}", "--format", fmt).output
    assert f"1 document label(s) left out: {name} has no document labels" in out


# -- review-import ---------------------------------------------------------------------------


def test_review_import_copies_document_labels_once(tmp_path: Path) -> None:
    db = tmp_path / "alice.db"
    ok("import", db, jsonl(tmp_path / "a.jsonl", {"id": "d1", "text": TEXT,
                                                  "document_labels": ["pro"]}), "--annotator",
       "alice")  # fmt: skip
    shared = snapshot(db, tmp_path / "alice-shared.db")
    review = tmp_path / "review.db"
    summary = import_shared(review, [shared])
    assert summary.document_labels_added == 1
    assert stored(review) == [("pro", "alice")]
    with Store.open(review) as store, Store.open(db) as mine:
        assert store.document_labels("d1") == mine.document_labels("d1")  # the same time
        assert [x.kind for x in store.labels(None) if x.name == "pro"] == ["document"]
    assert import_shared(review, [shared]).document_labels_present == 1
    assert stored(review) == [("pro", "alice")]


# -- stats and agreement ---------------------------------------------------------------------


def _three_articles(tmp_path: Path) -> Path:
    def doc(i: int, alice: list[str], bob: list[str]) -> dict:
        return {"id": f"d{i}", "text": f"Article {i}. {TEXT}",
                "spans": [{"start": 0, "end": 7, "label": "actor", "annotator": who}
                          for who in ("alice", "bob")],
                "document_labels": [{"label": x, "annotator": "alice"} for x in alice]
                + [{"label": x, "annotator": "bob"} for x in bob]}  # fmt: skip

    db = tmp_path / "r.db"
    ok("import", db, jsonl(tmp_path / "r.jsonl",
                           doc(1, ["pro"], ["pro"]), doc(2, ["pro"], ["contra"]),
                           doc(3, ["contra"], ["contra"]),
                           doc(4, ["pro"], []),  # bob did not label it: not compared
                           ))  # fmt: skip
    return db


def test_stats_counts_document_labels(tmp_path: Path) -> None:
    db = _three_articles(tmp_path)
    out = ok("stats", db).output
    assert "document labels  7" in out
    assert " ".join(out.split()).count("articles by label pro 3 contra 2") == 1
    data = json.loads(ok("stats", db, "--json").output)
    assert data["document_labels"] == 7
    assert data["document_labels_by_label"] == {"pro": 3, "contra": 2}
    assert data["document_labels_by_annotator"] == {"alice": 4, "bob": 3}


def test_agreement_per_document_label_matches_scikit_learn(tmp_path: Path) -> None:
    from sklearn.metrics import cohen_kappa_score

    db = _three_articles(tmp_path)
    data = json.loads(ok("agreement", db, "--json").output)
    figures = {x["label"]: x for x in data["document_labels"]}
    assert list(figures) == ["pro", "contra"]  # the scheme's order
    (pro,) = figures["pro"]["pairs"]
    assert pro["annotators"] == ["alice", "bob"] and pro["documents"] == 3
    assert pro["present"] == {"alice": 2, "bob": 1}
    assert pro["percent"] == pytest.approx(2 / 3)
    assert pro["kappa"] == pytest.approx(cohen_kappa_score([1, 1, 0], [1, 0, 0]))
    assert figures["pro"]["all"] == {"percent": pro["percent"], "kappa": pro["kappa"]}
    text = ok("agreement", db).output
    assert text.index("corpus") < text.index("document label pro")  # after the span figures
    assert "alice + bob             3      2/1      66.7%   0.400" in text


def test_agreement_of_a_label_nobody_varies_on_is_undefined() -> None:
    labels = [DocumentLabel("d1", "pro", who, "") for who in ("a", "b", "gold")]
    (item,) = document_label_agreement(labels, ["pro"])
    (pair,) = item.pairs  # the gold layer is no annotator
    assert (pair.percent, pair.kappa) == (1.0, None)
    assert document_label_agreement([DocumentLabel("d1", "pro", "a", "")])[0].pairs == []
