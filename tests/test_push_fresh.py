"""A first push's spans and links travel as text SQLite makes (store/sync_fresh.py): every
column reaches the hub exactly as the file holds it, whatever it contains (tabs, newlines,
carriage returns, backslashes, quotes, COPY's own markers, "NULL", control characters,
emoji, curly quotes), in many batches; the records kept are the hub's versions and the digests of what was sent; a
push replayed after its reply was lost applies nothing; rows on an article not assigned stay
in the file, counted. Against the real server (tests/pg_cluster.py)."""

from __future__ import annotations

import sqlite3

import psycopg

from annotator.core.model import DocumentMeta, IncomingDocument, IncomingRelation, IncomingSpan
from annotator.store import Store
from annotator.sync.client import sync
from hubkit import first_article, login

T = "2026-01-02T03:04:05.000000+00:00"
NOTES = [None, "", "tab\there", "line\nbreak\r\nand cr\r", "back\\slash \\N \\. \\\\",
         "\b\f\v\x01\x1f control", "😀 “curly” — dash 👩‍🔬", "a,b;\"quoted\" 'single' ''doubled''",
         "\n\\.\n", "NULL", "'", "\\.", "\r\n\\.\r\n"]
ODD_IDS = ["odd\\id", "tab\tid", "“id” 😀", "new\nline id", "it's", "NULL"]
SPANS, LINKS = 5_000, 800

SPAN_COLUMNS = ('id, document, start, "end", label, text, annotator, note, created_at, '
                "updated_at")
LINK_COLUMNS = "id, document, label, source, target, annotator, note, created_at, updated_at"


def _marked(db, who: str) -> str:
    doc_id, text = first_article(db)
    spans = [IncomingSpan(i % (len(text) - 9), i % (len(text) - 9) + 1 + i % 8,
                          "quote" if i % 2 == 0 else "actor",
                          id=ODD_IDS[i] if i < len(ODD_IDS) else f"{who}-s{i:05d}",
                          annotator=who, note=NOTES[i % len(NOTES)], created_at=T,
                          updated_at=T)
             for i in range(SPANS)]
    links = [IncomingRelation("said_by", spans[2 * i].id, spans[2 * i + 1].id,
                              id=f"{who}-r{i:05d}", annotator=who,
                              note=NOTES[(i + 3) % len(NOTES)], created_at=T, updated_at=T)
             for i in range(LINKS)]
    own = IncomingDocument("An article of her own — 😀\r\nnot on the hub.", "own",
                           DocumentMeta(), "test",
                           spans=[IncomingSpan(0, 2, "actor", id=f"own{i}", annotator=who,
                                               created_at=T, updated_at=T) for i in range(7)])
    with Store.open(db) as store:
        doc = store.document(doc_id)
        store.import_documents([IncomingDocument(doc.text, doc.source_id, doc.meta, "test",
                                                 id=doc.id, spans=spans, relations=links),
                                own], annotator=who)
    return doc_id


def _local(db, table: str, columns: str, doc_id: str) -> set[tuple]:
    with sqlite3.connect(db) as conn:
        return set(conn.execute(f"SELECT {columns} FROM {table} WHERE document = ?",
                                [doc_id]))


def _hub(url: str, table: str, columns: str) -> dict[str, tuple]:
    with psycopg.connect(url) as conn:
        return {r[0]: r for r in conn.execute(
            f"SELECT {columns}, version FROM {table} WHERE NOT deleted")}


def _records(db) -> dict[tuple[str, str], tuple]:
    with sqlite3.connect(db) as conn:
        return {(k, i): (v, d) for k, i, v, d in conn.execute(
            "SELECT kind, item, version, digest FROM sync_items")}


def _first_push(team) -> tuple[str, object]:
    """alice joins, marks her article and pushes it all once: (the hub's url, her file)."""
    url, folder = team
    db = folder / "alice.db"
    sync(db, login(url, "alice"))
    _marked(db, "alice")
    sync(db, login(url, "alice"))
    return url, db


def test_a_first_push_sends_every_column_as_the_file_holds_it(team) -> None:
    url, folder = team
    db = folder / "alice.db"
    sync(db, login(url, "alice"))
    doc_id = _marked(db, "alice")
    report = sync(db, login(url, "alice"))
    assert report.pushed == {"span": SPANS, "relation": LINKS}
    assert report.unassigned == {"span": 7}  # her own article's spans stay in the file
    hub_spans = _hub(url, "spans", SPAN_COLUMNS)
    hub_links = _hub(url, "relations", LINK_COLUMNS)
    assert {r[:-1] for r in hub_spans.values()} == _local(db, "spans", SPAN_COLUMNS, doc_id)
    assert {r[:-1] for r in hub_links.values()} == _local(db, "relations", LINK_COLUMNS, doc_id)
    assert not any(key.startswith("own") for key in hub_spans)
    # each record: the hub's version, and the digest SQLite makes of the row as it is
    records = _records(db)
    with sqlite3.connect(db) as conn:
        digests = dict(conn.execute(
            'SELECT id, json_array(document, start, "end", label, text, note) FROM spans'))
    for item, row in hub_spans.items():
        assert records["span", item] == (row[-1], digests[item])
    assert {i for k, i in records if k == "relation"} == set(hub_links)
    for item, row in hub_links.items():
        assert records["relation", item][0] == row[-1]
    # in key order within each batch: the versions of a batch rise with the ids
    versions = sorted((row[-1], item) for item, row in hub_spans.items())
    firsts = [item for _v, item in versions[:2_000]]
    assert firsts == sorted(firsts)
    assert sync(db, login(url, "alice")).pushed == {}  # nothing changed: nothing sent


def test_a_replayed_first_push_applies_nothing_and_records_the_same(team) -> None:
    url, db = _first_push(team)
    before, hub_before = _records(db), _hub(url, "spans", SPAN_COLUMNS)
    with sqlite3.connect(db) as conn:  # the reply was lost: the file never recorded it
        conn.execute("DELETE FROM sync_items WHERE item LIKE 'alice-s02%' OR "
                     "item LIKE 'alice-r%'")
    report = sync(db, login(url, "alice"))
    assert report.pushed == {}
    assert report.replayed == 1_000 + LINKS
    assert _records(db) == before
    assert _hub(url, "spans", SPAN_COLUMNS) == hub_before


def test_edits_after_a_first_push_go_as_changes(team) -> None:
    url, db = _first_push(team)
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("UPDATE spans SET note = 'changed\t\\ 😀' WHERE id LIKE 'alice-s%7'")
        conn.execute("DELETE FROM spans WHERE id LIKE 'alice-s%3'")  # (their links go too)
    report = sync(db, login(url, "alice"))
    assert report.pushed == {"span": 500}
    assert report.tombstones["span"] == 499  # (alice-s00003 never was: an odd id's place)
    assert report.tombstones["relation"] > 0  # links of the spans deleted
    hub = _hub(url, "spans", SPAN_COLUMNS)
    assert hub["alice-s00017"][7] == "changed\t\\ 😀"
    assert "alice-s00013" not in hub
