"""The hub's rights are the database's: each member, connected with plain SQL as their own
PostgreSQL role, can do exactly what the app would let them and nothing more. Against a real
server (tests/pg_cluster.py)."""

from __future__ import annotations

import psycopg
import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.sync.admin import add_member, init_hub
from annotator.sync.connection import HubError, connect, hub_version

NOW = "2026-12-06T00:00:00Z"


def as_member(hub_db: str, name: str) -> str:
    return hub_db.replace("user=postgres", f"user={name}") if "user=postgres" in hub_db \
        else hub_db.rsplit("user=", 1)[0] + f"user={name}"


@pytest.fixture
def hub(hub_db):
    init_hub(hub_db)
    for name, role in [("alice", "annotator"), ("bob", "annotator"), ("rita", "reviewer"),
                       ("lena", "lead")]:
        add_member(hub_db, name, role)
    with psycopg.connect(as_member(hub_db, "lena"), autocommit=True) as lead:
        for doc in ("d1", "d2"):
            lead.execute(
                "INSERT INTO documents (id, source_id, text, text_sha256, position) "
                "VALUES (%s, %s, 'Putin said no.', 'x', 0)", [doc, doc])
        lead.execute("INSERT INTO assignments (document, annotator) VALUES "
                     "('d1', 'alice'), ('d1', 'bob'), ('d2', 'bob')")
    return hub_db


def span(conn, span_id, annotator, document="d1"):
    conn.execute(
        'INSERT INTO spans (id, document, start, "end", label, text, annotator, created_at, '
        "updated_at) VALUES (%s, %s, 0, 5, 'actor', 'Putin', %s, %s, %s)",
        [span_id, document, annotator, NOW, NOW])


def refused(url, statement, params=()):
    with psycopg.connect(url, autocommit=True) as conn, \
            pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(statement, params)


def test_members_write_only_their_own_rows(hub):
    alice, bob = as_member(hub, "alice"), as_member(hub, "bob")
    with psycopg.connect(alice, autocommit=True) as conn:
        span(conn, "a1", "alice")
    # bob cannot create a row in alice's name, nor change, take over or delete hers
    with psycopg.connect(bob, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            span(conn, "b-as-a", "alice")
        changed = conn.execute("UPDATE spans SET label = 'quote' WHERE id = 'a1'")
        assert changed.rowcount == 0  # her row is not even visible to him
        assert conn.execute("SELECT count(*) FROM spans").fetchone()[0] == 0
    refused(bob, "DELETE FROM spans WHERE id = 'a1'")
    # alice cannot hand her row over to bob (WITH CHECK), nor delete it (tombstones only)
    refused(alice, "UPDATE spans SET annotator = 'bob' WHERE id = 'a1'")
    refused(alice, "DELETE FROM spans WHERE id = 'a1'")
    # nor write on an article not assigned to her
    with psycopg.connect(alice, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            span(conn, "a2", "alice", document="d2")
        conn.execute("UPDATE spans SET deleted = true WHERE id = 'a1'")  # her own tombstone
    with psycopg.connect(hub) as owner:
        row = owner.execute("SELECT annotator, label, deleted FROM spans WHERE id = 'a1'")
        assert row.fetchone() == ("alice", "actor", True)


def test_annotators_write_neither_gold_nor_scheme_nor_documents(hub):
    alice = as_member(hub, "alice")
    with psycopg.connect(alice, autocommit=True) as conn, \
            pytest.raises(psycopg.errors.InsufficientPrivilege):
        span(conn, "g1", "gold")
    refused(alice, "INSERT INTO labels (name, kind, color) VALUES ('x', 'span', '#000000')")
    refused(alice, "UPDATE labels SET color = '#000000'")
    refused(alice, "INSERT INTO documents (id, source_id, text, text_sha256, position) "
                   "VALUES ('d9', 'd9', 't', 'x', 0)")
    refused(alice, "INSERT INTO assignments (document, annotator) VALUES ('d2', 'alice')")
    refused(alice, "INSERT INTO members (name, role) VALUES ('eve', 'lead')")
    refused(alice, "UPDATE hub_meta SET value = '0'")
    # a reviewer writes gold, and reads everyone's work; an annotator reads only her own
    with psycopg.connect(as_member(hub, "bob"), autocommit=True) as conn:
        span(conn, "b1", "bob")
    with psycopg.connect(as_member(hub, "rita"), autocommit=True) as conn:
        span(conn, "g1", "gold")
        seen = {r[0] for r in conn.execute("SELECT annotator FROM spans")}
        assert seen == {"bob", "gold"}
    with psycopg.connect(alice, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM spans").fetchone()[0] == 0
        # and only the articles assigned to her
        assert [r[0] for r in conn.execute("SELECT id FROM documents")] == ["d1"]


def test_versions_are_the_hubs_not_the_clients(hub):
    with psycopg.connect(as_member(hub, "alice"), autocommit=True) as conn:
        span(conn, "a1", "alice")
        span(conn, "a2", "alice")
        conn.execute("UPDATE spans SET label = 'quote' WHERE id = 'a1'")  # stamped again
    refused(as_member(hub, "alice"), "UPDATE spans SET version = 1, written_by = 'bob'")
    refused(as_member(hub, "alice"),
            'INSERT INTO spans (id, document, start, "end", label, text, annotator, created_at, '
            "updated_at, version) VALUES ('a3', 'd1', 0, 5, 'actor', 'Putin', 'alice', '', '', 1)")
    with psycopg.connect(hub) as owner:
        rows = owner.execute("SELECT id, version, written_by FROM spans ORDER BY version")
        rows = rows.fetchall()
    assert [r[0] for r in rows] == ["a2", "a1"]  # a1 changed after a2 was written
    assert all(r[2] == "alice" for r in rows)
    versions = [r[1] for r in rows]
    assert versions == sorted(set(versions)) and min(versions) > 1


def test_a_span_needs_an_article_of_the_hub_and_articles_stay(hub):
    # Checked once per statement (not by a foreign key, whose query per row was a third of a
    # big push): a reviewer's gold, which may go on any article, still needs a real one,
    # in a batch as much as alone, on insert and on update.
    rita = as_member(hub, "rita")
    with psycopg.connect(rita, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.ForeignKeyViolation, match="d404"):
            span(conn, "g1", "gold", document="d404")
        conn.execute("CREATE TEMPORARY TABLE batch (id text, document text)")
        conn.execute("INSERT INTO batch VALUES ('g2', 'd1'), ('g3', 'd404'), ('g4', 'd2')")
        with pytest.raises(psycopg.errors.ForeignKeyViolation, match="d404"):
            conn.execute(
                'INSERT INTO spans (id, document, start, "end", label, text, annotator, '
                "created_at, updated_at) SELECT id, document, 0, 5, 'actor', 'Putin', 'gold', "
                "'', '' FROM batch")
        span(conn, "g5", "gold", document="d2")
        with pytest.raises(psycopg.errors.ForeignKeyViolation, match="d404"):
            conn.execute("UPDATE spans SET document = 'd404' WHERE id = 'g5'")
    with psycopg.connect(hub) as owner:
        assert [r[0] for r in owner.execute("SELECT id FROM spans")] == ["g5"]
        # not even the hub's owner removes an article work may refer to
        with pytest.raises(psycopg.errors.RestrictViolation, match="never removed"):
            owner.execute("DELETE FROM documents WHERE id = 'd1'")
        owner.rollback()
        with pytest.raises(psycopg.errors.RestrictViolation, match="never removed"):
            owner.execute("TRUNCATE documents CASCADE")


def test_init_refuses_a_database_in_use_and_a_second_init(hub_db):
    with psycopg.connect(hub_db, autocommit=True) as conn:
        conn.execute("CREATE TABLE payroll (id int)")
    with pytest.raises(HubError, match="already holds 1 table.*payroll"):
        init_hub(hub_db)
    with psycopg.connect(hub_db, autocommit=True) as conn:
        conn.execute("DROP TABLE payroll")
    init_hub(hub_db)
    with pytest.raises(HubError, match="already an Annotator hub"):
        init_hub(hub_db)


def test_a_newer_hub_is_refused(hub):
    with psycopg.connect(hub, autocommit=True) as conn:
        conn.execute("UPDATE hub_meta SET value = '99' WHERE key = 'schema_version'")
    with connect(hub) as conn, pytest.raises(HubError, match="schema version 99.*up to 3"):
        hub_version(conn, hub)


def test_cli_init_and_add_member(hub_db):
    runner = CliRunner()
    done = runner.invoke(main, ["hub", "init", hub_db])
    assert done.exit_code == 0, done.output
    assert "hub created" in done.output
    done = runner.invoke(main, ["hub", "add-member", hub_db, "carol", "--role", "reviewer"])
    assert done.exit_code == 0, done.output
    assert "\\password carol" in done.output and "password=" not in done.output
    done = runner.invoke(main, ["hub", "add-member", hub_db, "gold"])
    assert done.exit_code == 1 and "reserved" in done.output
    assert "Traceback" not in done.output
    done = runner.invoke(main, ["hub", "init", "host=/nonexistent dbname=x"])
    assert done.exit_code == 1 and "cannot connect" in done.output
    with psycopg.connect(hub_db) as conn:
        assert conn.execute("SELECT role FROM members").fetchall() == [("reviewer",)]


def test_no_span_lands_on_an_article_the_hub_does_not_hold(hub):
    """Gold goes on any article, so row-level security does not keep a reviewer's span to
    the articles the hub holds: the statement's check does, inserted or moved, one row or
    many at once (the articles a statement names are looked up once each)."""
    rita = as_member(hub, "rita")
    with psycopg.connect(rita, autocommit=True) as conn:
        span(conn, "g1", "gold")
        with pytest.raises(psycopg.errors.ForeignKeyViolation, match="document nope, which"):
            span(conn, "g2", "gold", document="nope")
        with pytest.raises(psycopg.errors.ForeignKeyViolation, match="document gone, which"):
            conn.execute(
                'INSERT INTO spans (id, document, start, "end", label, text, annotator, '
                "created_at, updated_at) SELECT 'm' || n, CASE WHEN n = 700 THEN 'gone' "
                "ELSE 'd' || (1 + n %% 2) END, 0, 5, 'actor', 'Putin', 'gold', %s, %s "
                "FROM generate_series(1, 1000) n", [NOW, NOW])
        with pytest.raises(psycopg.errors.ForeignKeyViolation, match="document elsewhere,"):
            conn.execute("UPDATE spans SET document = 'elsewhere' WHERE id = 'g1'")
        assert conn.execute("SELECT id, document FROM spans").fetchall() == [("g1", "d1")]
