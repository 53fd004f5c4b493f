"""Adjudication (issue 5): decisions, the gold layer, progress, export of the gold layer,
and the whole review without the window: three annotators' databases, snapshot, review-import,
agreement, verdicts, gold export."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import krippendorff
import numpy as np
import pytest
import sqlite_utils
from click.testing import CliRunner
from sklearn.metrics import cohen_kappa_score

from annotator.cli import main
from annotator.core.annotators import GOLD, reserved_name_problem
from annotator.core.ids import new_id, utc_now
from annotator.core.model import (
    Decision,
    DocumentMeta,
    IncomingDocument,
    IncomingRelation,
    IncomingSpan,
    Relation,
    Span,
)
from annotator.resources import seed_files
from annotator.store import Store, StoreError, guard, schema
from annotator.store.adjudication import AdjudicationError

TEXT = "Putin said no to NATO. Kiev said yes, a spokesman claimed."


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def at(fragment: str, label: str, who: str, sid: str) -> IncomingSpan:
    start = TEXT.index(fragment)
    return IncomingSpan(start, start + len(fragment), label, id=sid, annotator=who)


def review_store() -> Store:
    """alice and bob on one document: 'Putin' agreed, the quote differs, bob has 'Kiev';
    each links their quote to 'Putin'."""
    s = Store.memory()
    s.import_documents(
        [
            IncomingDocument(
                TEXT, "a", DocumentMeta(title="A"), "t", id="d",
                spans=[
                    at("Putin", "actor", "alice", "a-putin"),
                    at("said no to NATO", "quote", "alice", "a-quote"),
                    at("Putin", "actor", "bob", "b-putin"),
                    at("no to NATO", "quote", "bob", "b-quote"),
                    at("Kiev", "actor", "bob", "b-kiev"),
                ],
                relations=[
                    IncomingRelation("said_by", "a-quote", "a-putin", id="a-rel", annotator="alice"),
                    IncomingRelation("said_by", "b-quote", "b-putin", id="b-rel", annotator="bob"),
                ],
            ),
            IncomingDocument("Nothing here.", "b", DocumentMeta(title="B"), "t", id="e"),
        ],
        annotator="import",
    )
    return s


def originals(s: Store) -> tuple:
    return (
        [x for x in s.spans("d") if x.annotator != GOLD],
        [r for r in s.relations("d") if r.annotator != GOLD],
    )


def test_accept_copies_into_gold_and_leaves_the_original_alone() -> None:
    s = review_store()
    before = originals(s)
    gold = s.decide_span("a-putin", "accepted", reviewer="rita")
    assert gold is not None and gold.id != "a-putin"
    assert (gold.annotator, gold.start, gold.end, gold.label, gold.text) == (
        GOLD, 0, 5, "actor", "Putin")
    assert s.gold_spans("d") == [gold]
    assert originals(s) == before
    [d] = s.decisions("d").values()
    assert isinstance(d, Decision)
    assert (d.item, d.kind, d.document, d.verdict, d.gold, d.reviewer) == (
        "a-putin", "span", "d", "accepted", gold.id, "rita")
    assert s.verify() == []  # span counts, references and texts all hold


def test_identical_gold_spans_are_reused_not_doubled() -> None:
    s = review_store()
    one = s.decide_span("a-putin", "accepted", reviewer="rita")
    two = s.decide_span("b-putin", "accepted", reviewer="rita")
    assert one == two and len(s.gold_spans("d")) == 1
    # the gold span stays while one decision still points to it
    s.undecide("a-putin")
    assert s.gold_spans("d") == [one]
    s.decide_span("b-putin", "rejected", reviewer="rita")
    assert s.gold_spans("d") == []
    assert s.verify() == []


def test_edit_makes_an_edited_copy_with_the_text_read_again() -> None:
    s = review_store()
    start = TEXT.index("said no")
    gold = s.decide_span("b-quote", "edited", reviewer="rita", start=start,
                         end=start + len("said no to NATO"))
    assert gold.text == "said no to NATO" == TEXT[gold.start:gold.end]
    assert gold.label == "quote"
    relabeled = s.decide_span("b-kiev", "edited", reviewer="rita", label="claim")
    assert (relabeled.start, relabeled.end, relabeled.label) == (23, 27, "claim")
    # the edited quote is identical to alice's quote: accepting hers reuses it
    assert s.decide_span("a-quote", "accepted", reviewer="rita") == gold
    assert s.verify() == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"start": 5, "end": 5}, "0 <= start < end"),
        ({"start": -1, "end": 3}, "0 <= start < end"),
        ({"start": 0, "end": len(TEXT) + 1}, "document's length"),
        ({"start": "0", "end": 3}, "whole number"),
        ({"label": "nonsense"}, "unknown span label 'nonsense'"),
        ({"label": "said_by"}, "is a relation label"),
    ],
)
def test_bad_edits_are_refused_clearly_and_change_nothing(kwargs, message) -> None:
    s = review_store()
    with pytest.raises(AdjudicationError, match=message):
        s.decide_span("a-quote", "edited", reviewer="rita", **kwargs)
    assert s.decisions("d") == {} and s.gold_spans("d") == []


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s: s.decide_span("a-putin", "maybe", reviewer="rita"), "unknown verdict"),
        (lambda s: s.decide_span("nope", "accepted", reviewer="rita"), "no span 'nope'"),
        (lambda s: s.decide_span("a-rel", "accepted", reviewer="rita"), "is a relation"),
        (lambda s: s.decide_relation("a-putin", "accepted", reviewer="rita"), "is a span"),
        (lambda s: s.decide_span("a-putin", "accepted", reviewer="gold"), "reserved"),
        (lambda s: s.decide_span("a-putin", "accepted", reviewer=" "), "empty"),
        (lambda s: s.decide_span("a-putin", "accepted", reviewer="r", label="claim"),
         "'edited'"),
        (lambda s: s.decide_relation("a-rel", "accepted", reviewer="rita"),
         "accept the source and target spans first"),
        (lambda s: s.decide_relation("a-rel", "rejected", reviewer="r", label="said_by"),
         "'edited'"),
    ],
)
def test_bad_verdicts_say_why(call, message) -> None:
    s = review_store()
    with pytest.raises(AdjudicationError, match=message):
        call(s)
    assert s.decisions("d") == {}


def test_a_gold_span_cannot_be_decided() -> None:
    s = review_store()
    gold = s.decide_span("a-putin", "accepted", reviewer="rita")
    with pytest.raises(AdjudicationError, match="gold layer"):
        s.decide_span(gold.id, "accepted", reviewer="rita")


def test_relations_need_gold_endpoints_and_are_deduplicated() -> None:
    s = review_store()
    with pytest.raises(AdjudicationError, match="“said no to NATO” \\(quote\\) and its target"):
        s.decide_relation("a-rel", "accepted", reviewer="rita")
    putin = s.decide_span("a-putin", "accepted", reviewer="rita")
    with pytest.raises(AdjudicationError, match="its source “said no to NATO”.* has no gold"):
        s.decide_relation("a-rel", "accepted", reviewer="rita")
    quote = s.decide_span("a-quote", "accepted", reviewer="rita")
    rel = s.decide_relation("a-rel", "accepted", reviewer="rita")
    assert (rel.annotator, rel.source, rel.target, rel.label) == (GOLD, quote.id, putin.id,
                                                                  "said_by")
    # bob's relation: bob's Putin is identical to gold's; his quote is edited into alice's
    start = TEXT.index("said no")
    s.decide_span("b-quote", "edited", reviewer="rita", start=start, end=start + 15)
    assert s.decide_relation("b-rel", "accepted", reviewer="rita") == rel
    assert [r for r in s.relations("d") if r.annotator == GOLD] == [rel]
    edited = s.decide_relation("b-rel", "edited", reviewer="rita", label="claimed_by")
    assert edited.label == "claimed_by" and edited.id != rel.id
    assert s.decide_relation("b-rel", "rejected", reviewer="rita") is None
    assert [r for r in s.relations("d") if r.annotator == GOLD] == [rel]
    assert s.verify() == []


def test_removing_a_gold_span_undoes_the_gold_relations_on_it() -> None:
    s = review_store()
    s.decide_span("a-putin", "accepted", reviewer="rita")
    s.decide_span("a-quote", "accepted", reviewer="rita")
    s.decide_relation("a-rel", "accepted", reviewer="rita")
    s.decide_span("a-quote", "rejected", reviewer="rita")
    assert [r for r in s.relations("d") if r.annotator == GOLD] == []
    assert "a-rel" not in s.decisions("d")  # back to undecided
    assert s.verify() == []


def test_re_deciding_replaces_and_undecide_forgets() -> None:
    s = review_store()
    first = s.decide_span("a-quote", "accepted", reviewer="rita")
    again = s.decide_span("a-quote", "accepted", reviewer="rita")
    assert again == first  # the same gold span, not a new one
    edited = s.decide_span("a-quote", "edited", reviewer="rita", start=first.start,
                           end=first.end - 5)
    assert [g.id for g in s.gold_spans("d")] == [edited.id]
    assert s.decision("a-quote").verdict == "edited"
    s.undecide("a-quote")
    s.undecide("a-quote")  # nothing to forget: no error
    assert s.gold_spans("d") == [] and s.decisions("d") == {} and s.decision("a-quote") is None
    assert s.verify() == []


def test_gold_spans_not_made_by_decisions_are_never_removed() -> None:
    s = review_store()
    s.import_documents(
        [IncomingDocument(TEXT, "a", DocumentMeta(title="A"), "t", id="d",
                          spans=[at("Putin", "actor", GOLD, "hand-made-gold")])],
        annotator="import",
    )
    assert s.decide_span("a-putin", "accepted", reviewer="rita").id == "hand-made-gold"
    s.decide_span("a-putin", "rejected", reviewer="rita")
    assert [g.id for g in s.gold_spans("d")] == ["hand-made-gold"]


def test_progress_per_document_and_corpus() -> None:
    s = review_store()
    assert s.adjudication_progress() == (0, 7)
    assert s.adjudication_progress("d") == (0, 7)
    assert s.adjudication_progress("e") == (0, 0)
    s.decide_span("a-putin", "accepted", reviewer="rita")
    s.decide_span("b-putin", "accepted", reviewer="rita")
    s.decide_span("b-kiev", "rejected", reviewer="rita")
    assert s.adjudication_progress("d") == (3, 7)  # gold's own span is not an item
    assert s.adjudication_progress_by_document() == {"d": (3, 7), "e": (0, 0)}
    assert s.adjudication_progress() == (3, 7)


def test_reserved_names() -> None:
    assert reserved_name_problem("alice") is None
    for name in ("gold", "Gold ", "import", "", "  "):
        assert reserved_name_problem(name)


def test_the_decisions_table_is_migration_5() -> None:
    assert schema.SCHEMA_VERSION >= 5
    assert schema.MIGRATIONS[4].__name__ == "m005_decisions"
    # (the tables come from running the migrations: the list that said so was never read)
    assert ("table", "decisions") in guard.expected_schema(tuple(schema.MIGRATIONS))


# -- the "done when", without the window -------------------------------------------


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


QUOTE = ("It's a blatant attempt to derail all efforts aimed at initiating a dialogue on "
         "ensuring national reconciliation.")
CLAIM = "Moscow has long said it will regard NATO membership for Ukraine as a national security threat."
# who marks what: (fragment, label); Lavrov agreed by all, the quote by alice and carol
# (bob takes the quotation marks too), Putin by alice and bob (carol adds "President"),
# the claim by alice only. alice and carol link the quote to Lavrov.
MARKS = {
    "alice": [("Sergei Lavrov", "actor"), (QUOTE, "quote"), ("Vladimir Putin", "actor"),
              (CLAIM, "claim")],
    "bob": [("Sergei Lavrov", "actor"), (f'"{QUOTE}"', "quote"), ("Vladimir Putin", "actor")],
    "carol": [("Sergei Lavrov", "actor"), (QUOTE, "quote"), ("President Vladimir Putin", "actor")],
}
LINKS = {"alice": True, "bob": False, "carol": True}


def annotate(tmp_path: Path, who: str) -> Path:
    """``who`` imports the sample article with the command line and marks it through the
    store's API, as the window does; then snapshots it to send."""
    db = tmp_path / f"{who}.db"
    [seed] = [p for p in seed_files() if p.suffix == ".txt"][:1]
    result = run("import", db, seed, "--annotator", who)
    assert result.exit_code == 0, result.output
    with Store.open(db) as s:
        [doc_id] = s.document_ids()
        text = s.document(doc_id).text
        ids = {}
        for fragment, label in MARKS[who]:
            start = text.index(fragment)
            now = utc_now()
            span = Span(new_id(), doc_id, start, start + len(fragment), label, fragment, who,
                        now, now)
            s.add_span(span)
            ids[fragment] = span.id
        if LINKS[who]:
            now = utc_now()
            s.add_relation(Relation(new_id(), doc_id, "said_by", ids[QUOTE],
                                    ids["Sergei Lavrov"], who, now, now))
    out = tmp_path / f"{who}-shared.db"
    result = run("snapshot", db, out)
    assert result.exit_code == 0, result.output
    return out


def char_codes(text: str, spans: list[Span]) -> list[int]:
    codes = {"O": 0, "actor": 1, "quote": 2, "claim": 3}
    out = [0] * len(text)
    for s in sorted(spans, key=lambda s: -(s.end - s.start)):  # innermost painted last
        out[s.start : s.end] = [codes[s.label]] * (s.end - s.start)
    return out


def test_three_annotators_review_adjudicate_and_export_gold(tmp_path: Path) -> None:
    shared = {who: annotate(tmp_path, who) for who in ("alice", "bob", "carol")}
    received = {who: sha(p) for who, p in shared.items()}
    review = tmp_path / "review.db"
    result = run("review-import", review, *shared.values())
    assert result.exit_code == 0, result.output
    assert "10 span(s)" in result.output and "2 relation(s)" in result.output

    # agreement, checked against scikit-learn and krippendorff
    with Store.open(review) as s:
        [doc_id] = s.document_ids()
        text = s.document(doc_id).text
        by_who = {w: [x for x in s.spans(doc_id) if x.annotator == w] for w in MARKS}
    result = run("agreement", review, "--json")
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["annotators"] == ["alice", "bob", "carol"]
    [corpus] = figures["scopes"]
    pairs = {tuple(p["annotators"]): p for p in corpus["pairs"]}
    codes = {w: char_codes(text, by_who[w]) for w in MARKS}
    for a, b in pairs:
        assert pairs[(a, b)]["kappa"] == pytest.approx(cohen_kappa_score(codes[a], codes[b]))
    assert pairs[("alice", "carol")]["exact_f1"] == pytest.approx(2 * 2 / 7)
    assert corpus["all"]["alpha"] == pytest.approx(krippendorff.alpha(
        reliability_data=np.array([codes[w] for w in MARKS], dtype=float),
        level_of_measurement="nominal"))

    def mine(s: Store, who: str, fragment: str) -> Span:
        return next(x for x in s.spans(doc_id) if x.annotator == who and x.text == fragment)

    with Store.open(review) as s:
        before = (s.spans(doc_id), s.relations(doc_id))
        assert s.adjudication_progress() == (0, 12)
        lavrov = s.decide_span(mine(s, "alice", "Sergei Lavrov").id, "accepted", reviewer="rita")
        for who in ("bob", "carol"):  # identical: the same gold span
            assert s.decide_span(mine(s, who, "Sergei Lavrov").id, "accepted",
                                 reviewer="rita") == lavrov
        quote = s.decide_span(mine(s, "alice", QUOTE).id, "accepted", reviewer="rita")
        assert s.decide_span(mine(s, "bob", f'"{QUOTE}"').id, "rejected", reviewer="rita") is None
        carols = mine(s, "carol", "President Vladimir Putin")
        putin = s.decide_span(carols.id, "edited", reviewer="rita",
                              start=carols.start + len("President "), end=carols.end)
        assert putin.text == "Vladimir Putin"
        assert s.decide_span(mine(s, "alice", "Vladimir Putin").id, "accepted",
                             reviewer="rita") == putin
        s.decide_span(mine(s, "alice", CLAIM).id, "rejected", reviewer="rita")
        [alices_link] = [r for r in s.relations(doc_id) if r.annotator == "alice"]
        link = s.decide_relation(alices_link.id, "accepted", reviewer="rita")
        assert (link.source, link.target) == (quote.id, lavrov.id)
        assert s.adjudication_progress() == (9, 12)
        assert s.adjudication_progress_by_document() == {doc_id: (9, 12)}
        # the annotators' own work is untouched
        assert [x for x in s.spans(doc_id) if x.annotator != GOLD] == before[0]
        assert [r for r in s.relations(doc_id) if r.annotator != GOLD] == before[1]
        assert s.verify() == []

    result = run("adjudicate", review, "--progress")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].split() == ["all", "9", "12", "75%"]

    out = tmp_path / "gold.jsonl"
    result = run("export", review, "-o", out, "--layer", "gold")
    assert result.exit_code == 0, result.output
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    got = sorted((x["start"], x["end"], x["label"], x["text"], x["annotator"])
                 for x in record["spans"])
    want = sorted((x.start, x.end, x.label, x.text, GOLD) for x in (lavrov, quote, putin))
    assert got == want
    assert all(record["text"][x["start"]:x["end"]] == x["text"] for x in record["spans"])
    assert [(r["from"], r["to"], r["label"], r["annotator"]) for r in record["relations"]] == [
        (quote.id, lavrov.id, "said_by", GOLD)]

    # the annotators' layer leaves gold out; agreement does not count gold as an annotator
    out = tmp_path / "annotators.jsonl"
    result = run("export", review, "-o", out, "--layer", "annotators")
    assert result.exit_code == 0, result.output
    [record] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(record["spans"]) == 10 and GOLD not in {x["annotator"] for x in record["spans"]}
    result = run("agreement", review, "--json")
    assert json.loads(result.output) == figures

    assert {who: sha(p) for who, p in shared.items()} == received


# -- command line --------------------------------------------------------------------------


def gold_db(tmp_path: Path) -> Path:
    path = tmp_path / "review.db"
    with Store.open(path) as s:
        s.import_documents(review_store_documents(), annotator="import")
        s.decide_span("a-putin", "accepted", reviewer="rita")
    return path


def review_store_documents() -> list[IncomingDocument]:
    s = review_store()
    docs = [
        IncomingDocument(
            s.document(d).text, "x", s.document(d).meta, "t", id=d,
            spans=[IncomingSpan(x.start, x.end, x.label, id=x.id, annotator=x.annotator)
                   for x in s.spans(d)],
            relations=[IncomingRelation(r.label, r.source, r.target, id=r.id,
                                        annotator=r.annotator) for r in s.relations(d)],
        )
        for d in s.document_ids()
    ]
    s.close()
    return docs


@pytest.mark.parametrize(
    ("args", "annotators"),
    [
        ((), {"alice", "bob", GOLD}),
        (("--layer", "all"), {"alice", "bob", GOLD}),
        (("--layer", "gold"), {GOLD}),
        (("--layer", "gold", "--annotator", "gold"), {GOLD}),
        (("--layer", "annotators"), {"alice", "bob"}),
        (("--layer", "annotators", "--annotator", "bob"), {"bob"}),
        (("--annotator", "alice"), {"alice"}),
        (("--layer", "gold", "--format", "csv"), {GOLD}),
    ],
)
def test_export_layers(tmp_path: Path, args, annotators) -> None:
    db = gold_db(tmp_path)
    out = tmp_path / "out.jsonl"
    result = run("export", db, "-o", out, *args)
    assert result.exit_code == 0, result.output
    if "csv" in args:
        assert "gold" in out.read_text() and "alice" not in out.read_text()
        return
    found = {x["annotator"] for line in out.read_text().splitlines()
             for x in json.loads(line)["spans"]}
    assert found == annotators


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--layer", "gold", "--annotator", "alice"), "would select nothing"),
        (("--layer", "annotators", "--annotator", "gold"), "use --layer gold"),
        (("--layer", "gold", "--status", "done"), "--status"),
        (("--layer", "silver"), "Invalid value for '--layer'"),
    ],
)
def test_export_layer_mistakes_are_explained(tmp_path: Path, args, message) -> None:
    db = gold_db(tmp_path)
    result = run("export", db, "-o", tmp_path / "out.jsonl", *args)
    assert result.exit_code != 0 and message in result.output
    assert not (tmp_path / "out.jsonl").exists()


def test_export_of_a_missing_gold_layer_says_so(tmp_path: Path) -> None:
    db = tmp_path / "plain.db"
    with Store.open(db) as s:
        s.import_documents(review_store_documents(), annotator="import")
    result = run("export", db, "-o", tmp_path / "out.jsonl", "--layer", "gold")
    assert result.exit_code != 0 and "no gold layer yet" in result.output


def test_stats_and_agreement_keep_gold_apart(tmp_path: Path) -> None:
    db = gold_db(tmp_path)
    result = run("stats", db)
    assert result.exit_code == 0 and "(gold layer)" in result.output
    result = run("agreement", db, "--json")
    assert json.loads(result.output)["annotators"] == ["alice", "bob"]


def test_adjudicate_progress_table_and_json(tmp_path: Path) -> None:
    db = gold_db(tmp_path)
    result = run("adjudicate", db, "--progress")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1].split()[-3:] == ["1", "7", "14%"]  # document A
    assert lines[2].split()[:4] == ["all", "1", "7", "14%"]
    assert "1 document(s) without annotations" in result.output
    data = json.loads(run("adjudicate", db, "--json").output)
    assert (data["decided"], data["total"]) == (1, 7)
    assert [(d["title"], d["decided"], d["total"]) for d in data["documents"]] == [
        ("A", 1, 7), ("B", 0, 0)]
    result = run("adjudicate", tmp_path / "missing.db")
    assert result.exit_code != 0 and "no such database" in result.output


@pytest.mark.parametrize("name", ["gold", "import", "GOLD"])
def test_reserved_names_are_refused_for_people(tmp_path: Path, name: str) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Putin said no.", encoding="utf-8")
    result = run("import", tmp_path / "x.db", article, "--annotator", name)
    assert result.exit_code != 0 and "reserved" in result.output
    assert not (tmp_path / "x.db").exists()
    result = run("open", tmp_path / "x.db", "--annotator", name)
    assert result.exit_code != 0 and "reserved" in result.output


# -- sharing: gold travels like any spans, decisions stay with the reviewer ----------------


def test_review_import_copies_gold_spans_and_not_decisions(tmp_path: Path) -> None:
    first = gold_db(tmp_path)
    snap = tmp_path / "first-shared.db"
    assert run("snapshot", first, snap).exit_code == 0
    other = tmp_path / "other.db"
    result = run("review-import", other, snap)
    assert result.exit_code == 0, result.output
    with Store.open(first) as a, Store.open(other) as b:
        assert b.gold_spans("d") == a.gold_spans("d") and len(b.gold_spans("d")) == 1
        assert b.decisions("d") == {} and len(a.decisions("d")) == 1
        assert b.adjudication_progress() == (0, 7)
    assert run("review-import", other, snap).exit_code == 0  # again: adds nothing
    with Store.open(other) as b:
        assert len(b.gold_spans("d")) == 1


# -- older databases --------------------------------------------------------------------------


def make_v4(path: Path) -> Path:
    """A database as version 4 made it (before the decisions table), with alice's work."""
    conn = sqlite3.connect(path, isolation_level=None)
    db = sqlite_utils.Database(conn, execute_plugins=False)
    conn.execute("BEGIN")
    for migrate in schema.MIGRATIONS[:4]:
        migrate(db)
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 4")
    conn.execute("COMMIT")
    store = Store(conn, path)
    store.import_documents(
        [IncomingDocument(TEXT, "a", DocumentMeta(title="A"), "t", id="d",
                          spans=[at("Putin", "actor", "alice", "a-putin"),
                                 at("said no to NATO", "quote", "alice", "a-quote")],
                          relations=[IncomingRelation("said_by", "a-quote", "a-putin",
                                                      id="a-rel", annotator="alice")])],
        annotator="alice",
    )
    conn.close()
    return path


def test_a_version_4_shared_database_is_read_without_being_changed(tmp_path: Path) -> None:
    shared = make_v4(tmp_path / "alice-v4.db")
    with sqlite3.connect(shared) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 4
        assert not conn.execute(
            "SELECT 1 FROM sqlite_master WHERE name = 'decisions'").fetchone()
    conn.close()
    before = sha(shared)
    review = tmp_path / "review.db"
    result = run("review-import", review, shared)
    assert result.exit_code == 0, result.output
    assert sha(shared) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["alice-v4.db", "review.db"]
    with Store.open(review) as s:
        assert s.schema_version == schema.SCHEMA_VERSION
        assert s.decide_span("a-putin", "accepted", reviewer="rita").text == "Putin"
    # read-only commands on the old file work too, and leave it as it was
    assert run("adjudicate", shared).exit_code == 0
    assert sha(shared) == before


def test_a_version_4_database_opened_for_work_is_backed_up_and_migrated(tmp_path: Path) -> None:
    path = make_v4(tmp_path / "work.db")
    before = sha(path)
    with Store.open(path) as s:
        assert s.schema_version == schema.SCHEMA_VERSION >= 5
        assert s.verify() == []
        s.decide_span("a-putin", "accepted", reviewer="rita")
        s.decide_span("a-quote", "accepted", reviewer="rita")
        s.decide_relation("a-rel", "accepted", reviewer="rita")
        assert s.adjudication_progress() == (3, 3)
    assert sha(tmp_path / "work.db.v4.bak") == before
    with Store.open_readonly(path) as s:  # the migrated file passes the guard
        assert len(s.decisions("d")) == 3


def test_the_version_1_fixture_still_reviews(tmp_path: Path) -> None:
    fixture = Path(__file__).parent / "fixtures" / "annotator-v1.db"
    before = sha(fixture)
    result = run("review-import", tmp_path / "review.db", fixture)
    assert result.exit_code == 0, result.output
    assert sha(fixture) == before
    result = run("adjudicate", tmp_path / "review.db", "--json")
    data = json.loads(result.output)
    assert data["decided"] == 0 and data["total"] > 0


def test_a_decisions_table_that_is_not_ours_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "odd.db"
    with Store.open(path) as s:
        s.import_documents(review_store_documents(), annotator="import")
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE decisions")
    conn.execute("CREATE TABLE decisions (item TEXT, evil TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="decisions"):
        Store.open_readonly(path)
