"""Which labels a link type joins (said_by: quote -> actor, claimed_by: claim -> actor):
kept in the database (migration m009), enforced wherever the store adds or retypes a link
and by every import, set by the scheme file on the command line."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.link_rules import LinkRule, allowed_types, relabel_problem, target_labels
from annotator.core.model import Relation
from annotator.store import Store, StoreError

TEXT = 'Lavrov said: "NATO must stay out." Kiev disagreed.'
ARTICLE = {
    "id": "doc-1",
    "text": TEXT,
    "spans": [
        {"id": "a1", "start": 0, "end": 6, "label": "actor"},
        {"id": "q1", "start": 14, "end": 33, "label": "quote"},
        {"id": "k1", "start": 35, "end": 39, "label": "actor"},
        {"id": "c1", "start": 40, "end": 49, "label": "claim"},
    ],
    "relations": [{"id": "r1", "label": "said_by", "from": "q1", "to": "a1"}],
}


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def write(path: Path, *records: dict) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def rows(db: Path, sql: str) -> list[tuple]:
    with closing(sqlite3.connect(str(db))) as conn:
        return conn.execute(sql).fetchall()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "rules.db"
    assert run("import", path, write(tmp_path / "a.jsonl", ARTICLE)).exit_code == 0
    return path


def relation(rel_id: str, label: str, source: str, target: str) -> Relation:
    return Relation(rel_id, "doc-1", label, source, target, "ann", "t", "t")


def test_a_new_database_has_the_default_rules(db: Path) -> None:
    with Store.open(db) as store:
        assert store.link_rules() == {
            "said_by": LinkRule("said_by", ("quote",), ("actor",)),
            "claimed_by": LinkRule("claimed_by", ("claim",), ("actor",)),
        }


def test_the_store_refuses_a_link_that_breaks_its_rule(db: Path) -> None:
    before = rows(db, "SELECT * FROM relations")
    with Store.open(db) as store:
        with pytest.raises(StoreError, match="said_by link joins quote → actor; this one "
                                             "would join actor → actor"):
            store.add_relation(relation("r2", "said_by", "k1", "a1"))
        with pytest.raises(StoreError, match="cannot become claimed_by"):
            store.retype_relation("r1", "claimed_by")
        store.add_relation(relation("r3", "claimed_by", "c1", "k1"))
        assert store.retype_relation("r3", "claimed_by").label == "claimed_by"
    assert rows(db, "SELECT * FROM relations WHERE id != 'r3'") == before


def test_retype_keeps_the_link_its_id_and_place(db: Path) -> None:
    with Store.open(db) as store:
        store.save_scheme(store.labels(None), renames={}, deletes=[],
                          rules=[LinkRule("claimed_by", ("quote", "claim"), ("actor",))])
        moved = store.retype_relation("r1", "claimed_by")
        assert (moved.id, moved.source, moved.target) == ("r1", "q1", "a1")
        assert [r.id for r in store.relations("doc-1")] == ["r1"]
        assert store.relation("r1").label == "claimed_by"


def test_an_import_refuses_a_link_that_breaks_its_rule_naming_the_line(
    db: Path, tmp_path: Path
) -> None:
    bad = {"id": "doc-2", "text": TEXT,
           "spans": [{**s, "id": "b" + s["id"]} for s in ARTICLE["spans"]],
           "relations": [{"id": "x1", "label": "said_by", "from": "bk1", "to": "ba1"}]}
    before = rows(db, "SELECT count(*) FROM relations")
    result = run("import", db, write(tmp_path / "bad.jsonl", bad))
    assert result.exit_code != 0 and isinstance(result.exception, SystemExit)
    assert "bad.jsonl, line 1" in result.output
    assert "said_by link joins quote → actor; this one would join actor → actor" in result.output
    assert rows(db, "SELECT count(*) FROM relations") == before
    # With --skip-invalid the article is set aside like any other bad record, and said so.
    rejects = tmp_path / "rejects.jsonl"
    result = run("import", db, write(tmp_path / "bad.jsonl", bad), "--skip-invalid",
                 "--rejects", rejects)
    assert result.exit_code == 0, result.output
    assert "1 bad record(s) rejected" in result.output and "breaks the scheme" in result.output
    assert rows(db, "SELECT count(*) FROM relations") == before
    assert json.loads(rejects.read_text(encoding="utf-8").splitlines()[0])


def test_a_link_type_without_a_rule_joins_anything(tmp_path: Path) -> None:
    other = {**ARTICLE, "relations": [{"id": "x1", "label": "supports", "from": "k1", "to": "a1"}]}
    path = tmp_path / "other.db"
    assert run("import", path, write(tmp_path / "o.jsonl", other)).exit_code == 0
    assert rows(path, "SELECT label FROM relations") == [("supports",)]


def test_the_scheme_file_carries_the_rules_both_ways(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "scheme.json"
    assert run("labels", db, "--export", out).exit_code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    said = next(x for x in data["labels"] if x["name"] == "said_by")
    assert (said["from"], said["to"]) == (["quote"], ["actor"])
    claimed = next(x for x in data["labels"] if x["name"] == "claimed_by")
    claimed["from"] = ["claim", "quote"]
    out.write_text(json.dumps(data), encoding="utf-8")
    result = run("labels", db, "--import", out)
    assert result.exit_code == 0, result.output
    assert "claimed_by" in result.output and "joins claim or quote → actor" in result.output
    with Store.open(db) as store:
        assert store.link_rules()["claimed_by"].sources == ("claim", "quote")


def test_a_scheme_file_whose_rule_breaks_stored_links_changes_nothing(
    db: Path, tmp_path: Path
) -> None:
    before = rows(db, "SELECT * FROM labels"), rows(db, "SELECT * FROM link_rules")
    bad = {"labels": [{"name": "said_by", "kind": "relation", "from": ["claim"], "to": ["actor"]}]}
    path = tmp_path / "narrow.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    result = run("labels", db, "--import", path)
    assert result.exit_code != 0 and "narrow.json" in result.output
    assert "1 stored link(s) break it" in result.output
    unknown = {"labels": [{"name": "said_by", "kind": "relation", "from": ["speech"]}]}
    path.write_text(json.dumps(unknown), encoding="utf-8")
    result = run("labels", db, "--import", path)
    assert result.exit_code != 0 and "'speech' is not a span label" in result.output
    path.write_text(json.dumps({"labels": [{"name": "said_by", "kind": "relation",
                                            "from": 3}]}), encoding="utf-8")  # fmt: skip
    result = run("labels", db, "--import", path)
    assert result.exit_code != 0 and '"from" must be a list of label names' in result.output
    assert (rows(db, "SELECT * FROM labels"), rows(db, "SELECT * FROM link_rules")) == before


def version_8_copy(db: Path, path: Path) -> Path:
    """A database as schema version 8 made it (before link rules), holding ``db``'s
    article and spans."""
    import sqlite_utils

    from annotator.store import schema

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    new = sqlite_utils.Database(conn, execute_plugins=False)
    for migrate in schema.MIGRATIONS[:8]:
        migrate(new)
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 8")
    conn.execute("ATTACH DATABASE ? AS now", [str(db)])
    for table in ("documents", "spans", "span_counts", "document_status"):
        conn.execute(f"INSERT OR IGNORE INTO main.{table} SELECT * FROM now.{table}")
    conn.execute("INSERT OR IGNORE INTO main.annotators SELECT * FROM now.annotators")
    conn.execute("INSERT INTO main.documents_fts (rowid, title, text) "
                 "SELECT rowid, title, text FROM now.documents")
    conn.execute("COMMIT")
    conn.execute("DETACH DATABASE now")
    conn.close()
    return path


def test_an_upgraded_database_keeps_its_links_allowed(db: Path, tmp_path: Path) -> None:
    """A database of schema 8 gets the default rules, widened by the labels its stored links
    already join, so no stored link breaks its rule after the upgrade."""
    old = version_8_copy(db, tmp_path / "v8.db")
    with closing(sqlite3.connect(str(old))) as conn:
        conn.execute("INSERT INTO relations (id, document, label, source, target, annotator, "
                     "created_at, updated_at) VALUES ('old', 'doc-1', 'said_by', 'c1', 'a1', "
                     "'import', 't', 't')")  # fmt: skip
        conn.commit()
    with Store.open(old) as store:
        rules = store.link_rules()
        assert rules["said_by"] == LinkRule("said_by", ("claim", "quote"), ("actor",))
        assert rules["claimed_by"] == LinkRule("claimed_by", ("claim",), ("actor",))
        assert store.verify() == []


def test_rule_helpers() -> None:
    rules = {"said_by": LinkRule("said_by", ("quote",), ("actor",)),
             "claimed_by": LinkRule("claimed_by", ("claim",), ("actor",))}  # fmt: skip
    assert allowed_types(rules, ["said_by", "claimed_by", "about"], "claim", "actor") == [
        "claimed_by", "about"]
    assert target_labels(rules, ["said_by", "claimed_by"], "quote") == {"actor"}
    assert target_labels(rules, ["said_by", "about"], "quote") is None
    # A quote said_by an actor cannot become an actor; the actor it ends at cannot either.
    assert "would join actor → actor" in relabel_problem(rules, "actor", [("said_by", True, "actor")])
    assert relabel_problem(rules, "quote", [("said_by", True, "actor")]) is None


def test_a_link_to_a_span_of_an_earlier_record_of_the_same_article_is_checked() -> None:
    """An article given twice in one import: the second record's link ends at the first
    record's span, whose label is still judged."""
    from annotator.core.errors import InputError
    from annotator.core.model import DocumentMeta, IncomingDocument, IncomingRelation, IncomingSpan

    def docs(label: str) -> list[IncomingDocument]:
        return [
            IncomingDocument("Lavrov said no.", "a", DocumentMeta(), "a.jsonl, line 1", id="d",
                             spans=[IncomingSpan(0, 6, label, id="s1")]),
            IncomingDocument("Lavrov said no.", "a", DocumentMeta(), "a.jsonl, line 2", id="d",
                             spans=[IncomingSpan(12, 14, "quote", id="s2")],
                             relations=[IncomingRelation("said_by", "s2", "s1", id="r")]),
        ]  # fmt: skip

    with pytest.raises(InputError, match="line 2: relation 'r' breaks the scheme.*quote → claim"):
        Store.memory().import_documents(docs("claim"), annotator="x")
    assert Store.memory().import_documents(docs("actor"), annotator="x").relations_added == 1
