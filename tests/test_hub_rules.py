"""The scheme's link rules travel through the team hub (a real PostgreSQL server,
tests/pg_cluster.py): the lead sets them with ``hub scheme``, each member's file takes them at
its next sync, links already made are never silently broken, and a hub made before the rules
came (schema version 1) keeps working and is brought up to date by its owner."""

from __future__ import annotations

import json
import re

import psycopg
import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.ids import new_id, utc_now
from annotator.core.link_rules import LinkRule
from annotator.core.model import Relation
from annotator.store import Store
from annotator.sync.client import sync
from annotator.sync.schema import _SPAN_DOCUMENTS, HUB_SCHEMA_VERSION
from hubkit import login, mark, run


def _scheme(tmp, db, **rules: tuple[list[str], list[str]]):
    """A scheme file exported from ``db`` with the link types' rules replaced."""
    path = tmp / "scheme.json"
    run("labels", db, "--export", path)
    data = json.loads(path.read_text())
    for item in data["labels"]:
        if item["name"] in rules:
            item["from"], item["to"] = rules[item["name"]]
    path.write_text(json.dumps(data))
    return path


def _hub_rules(url: str) -> dict[str, tuple[list[str], list[str]]]:
    with psycopg.connect(url) as conn:
        return {r: (s, t) for r, s, t in conn.execute(
            "SELECT relation, sources, targets FROM link_rules")}


def _link(db, who, source, target, label="said_by"):
    now = utc_now()
    with Store.open(db) as store:
        store.add_relation(Relation(new_id(), source.document, label, source.id, target.id,
                                    who, now, now))


def test_the_leads_link_rules_reach_every_member(team):
    url, tmp = team
    alice = tmp / "alice.db"
    sync(alice, login(url, "alice"))
    assert _hub_rules(url)["said_by"] == (["quote"], ["actor"])  # a new hub's rules
    scheme = _scheme(tmp, alice, said_by=(["quote", "claim"], ["actor"]))
    out = run("hub", "scheme", login(url, "lena"), scheme)
    assert "left out" not in out
    assert _hub_rules(url)["said_by"] == (["quote", "claim"], ["actor"])
    report = sync(alice, login(url, "alice"))
    assert report.pulled["link rule"] == 1 and not report.rules_kept
    with Store.open(alice) as store:
        rule = store.link_rules()["said_by"]
        assert set(rule.sources) == {"quote", "claim"} and rule.targets == ("actor",)
        # the rule now lets alice link a claim to an actor with said_by, as the lead meant
        claim, actor = mark(alice, "alice", "Lavrov", "claim"), mark(alice, "alice", "Russia")
        assert store.link_problem("said_by", claim.id, actor.id) is None
    # a second sync takes nothing again
    assert "link rule" not in sync(alice, login(url, "alice")).pulled


def test_nobody_but_the_lead_writes_the_rules_even_in_plain_sql(team):
    url, tmp = team
    alice = tmp / "alice.db"
    sync(alice, login(url, "alice"))
    scheme = _scheme(tmp, alice, said_by=(["claim"], ["actor"]))
    done = CliRunner().invoke(main, ["hub", "scheme", login(url, "alice"), str(scheme)])
    assert done.exit_code == 1 and "only the hub's lead" in done.output
    for sql in ("UPDATE link_rules SET sources = '{claim}'",
                "INSERT INTO link_rules (relation) VALUES ('said_by_too')",
                "DELETE FROM link_rules"):
        with psycopg.connect(login(url, "alice")) as conn, pytest.raises(psycopg.Error):
            conn.execute(sql)
    assert _hub_rules(url)["said_by"] == (["quote"], ["actor"])


def test_a_rule_that_links_on_the_hub_break_is_refused_whole(team):
    url, tmp = team
    alice = tmp / "alice.db"
    sync(alice, login(url, "alice"))
    quote, actor = mark(alice, "alice", "Lavrov", "quote"), mark(alice, "alice", "Russia")
    _link(alice, "alice", quote, actor)
    sync(alice, login(url, "alice"))
    scheme = _scheme(tmp, alice, said_by=(["claim"], ["actor"]))
    data = json.loads(scheme.read_text())
    data["labels"].append({"name": "location", "kind": "span", "color": "#ff69b4"})
    scheme.write_text(json.dumps(data))
    done = CliRunner().invoke(main, ["hub", "scheme", login(url, "lena"), str(scheme)])
    assert done.exit_code == 1 and "Traceback" not in done.output
    assert "1 said_by link(s) on the hub join quote → actor" in done.output
    assert "nothing changed" in done.output
    # nothing half-done: neither the rule nor the new label
    assert _hub_rules(url)["said_by"] == (["quote"], ["actor"])
    with psycopg.connect(url) as conn:
        assert not conn.execute("SELECT 1 FROM labels WHERE name = 'location'").fetchone()


def _narrowed_under_bob(url, tmp):
    """alice and bob synced; bob links a quote to an actor offline while the lead narrows
    said_by to claims. (alice's file, bob's file, bob's quote and actor.)"""
    alice, bob = tmp / "alice.db", tmp / "bob.db"
    sync(alice, login(url, "alice"))
    sync(bob, login(url, "bob"))
    quote, actor = mark(bob, "bob", "Lavrov", "quote"), mark(bob, "bob", "Russia")
    _link(bob, "bob", quote, actor)
    run("hub", "scheme", login(url, "lena"), _scheme(tmp, alice, said_by=(["claim"], ["actor"])))
    return alice, bob, quote, actor


def test_a_file_whose_links_break_the_hubs_new_rule_keeps_its_own_and_says_so(team):
    url, tmp = team
    alice, bob, _quote, _actor = _narrowed_under_bob(url, tmp)
    report = sync(bob, login(url, "bob"))
    assert report.pushed["relation"] == 1  # his work reaches the hub whatever the rule
    assert "link rule" not in report.pulled
    [line] = report.rules_kept
    assert "said_by" in line and "1 link(s) in this file break it" in line
    assert line in "\n".join(report.lines())
    with Store.open(bob) as store:
        assert store.link_rules()["said_by"] == LinkRule("said_by", ("quote",), ("actor",))
        assert store.verify() == []
    # alice's file, with no such link, takes the rule
    assert sync(alice, login(url, "alice")).pulled["link rule"] == 1
    with Store.open(alice) as store:
        assert store.link_rules()["said_by"] == LinkRule("said_by", ("claim",), ("actor",))


def _as_version_1(url: str) -> None:
    """Make the hub at ``url`` what ``hub init`` made before link rules came."""
    with psycopg.connect(url) as conn:
        conn.execute("DROP TABLE link_rules")
        conn.execute("UPDATE hub_meta SET value = '1' WHERE key = 'schema_version'")


def test_a_hub_of_schema_1_syncs_and_its_owner_brings_it_up_to_date(team):
    url, tmp = team
    assert HUB_SCHEMA_VERSION == 3
    _as_version_1(url)
    alice = tmp / "alice.db"
    report = sync(alice, login(url, "alice"))  # the older hub still works
    assert report.documents and not report.rules_kept
    scheme = _scheme(tmp, alice, said_by=(["quote", "claim"], ["actor"]))
    out = run("hub", "scheme", login(url, "lena"), scheme)
    assert "link rule(s) in the file left out" in out and "'annotator hub init URL'" in out
    # only the owner upgrades; a member's try changes nothing
    done = CliRunner().invoke(main, ["hub", "init", login(url, "lena")])
    assert done.exit_code == 1 and "only its owner" in done.output
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT to_regclass('public.link_rules')").fetchone()[0] is None
    out = run("hub", "init", url)
    assert f"brought from schema version 1 to {HUB_SCHEMA_VERSION}" in out
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT value FROM hub_meta WHERE key = 'schema_version'"
                            ).fetchone()[0] == str(HUB_SCHEMA_VERSION)
    assert _hub_rules(url)["said_by"] == (["quote"], ["actor"])
    done = CliRunner().invoke(main, ["hub", "init", url])
    assert done.exit_code == 1 and "already an Annotator hub" in done.output
    # now the rules go through, and the members' rights are those of a new hub
    run("hub", "scheme", login(url, "lena"), scheme)
    assert sync(alice, login(url, "alice")).pulled["link rule"] == 1
    with psycopg.connect(login(url, "alice")) as conn, pytest.raises(psycopg.Error):
        conn.execute("UPDATE link_rules SET targets = '{quote}'")


def test_a_hubs_rule_naming_a_label_it_lacks_is_refused_on_pull(team):
    url, tmp = team
    alice = tmp / "alice.db"
    sync(alice, login(url, "alice"))
    with psycopg.connect(url) as conn:  # the owner, by hand: a broken hub
        conn.execute("UPDATE link_rules SET targets = '{person}' WHERE relation = 'said_by'")
    mark(alice, "alice", "Lavrov")
    from annotator.sync.connection import HubError

    with pytest.raises(HubError, match="'person' is not a span label.*nothing pulled"):
        sync(alice, login(url, "alice"))
    with Store.open(alice) as store:
        assert store.link_rules()["said_by"].targets == ("actor",)


def test_the_window_says_once_which_rule_its_file_kept(team, qtbot):
    from test_gui_team import close, synced_window

    url, tmp = team
    _alice, bob, quote, actor = _narrowed_under_bob(url, tmp)
    window = synced_window(qtbot, url, bob, "bob")
    bar = window.statusBar()
    qtbot.waitUntil(lambda: "Scheme: the hub's rule for said_by" in bar.currentMessage(),
                    timeout=15000)
    assert "1 link(s) in this file break it" in bar.currentMessage()
    # the next sync keeps the rule out again but does not say it again
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    bar.clearMessage()
    with qtbot.waitSignal(window.team.link.synced, timeout=15000) as got:
        QTest.keyClick(window.article.text, Qt.Key.Key_F5)
    assert got.args[0].rules_kept
    assert "Scheme:" not in bar.currentMessage()
    # the window's linking obeys the file's rule: bob's own, which joins a quote to an actor
    assert window.store.link_problem("said_by", quote.id, actor.id) is None
    close(window)


def _policies(url: str) -> set[tuple]:
    with psycopg.connect(url) as conn:
        return set(conn.execute(
            "SELECT tablename, policyname, cmd, permissive, roles::text, qual, with_check "
            "FROM pg_policies WHERE schemaname = 'public'").fetchall())


# How PostgreSQL writes a group asked once: "( SELECT hub_is_lead() AS hub_is_lead)"
_WRAPPED = re.compile(r"\( SELECT (hub_is_\w+)\(\) AS \w+\)")


def _per_row(policy: tuple) -> bool:
    """Whether ``policy`` asks for a member's group outside a subquery (for each row)."""
    return "hub_is_" in _WRAPPED.sub("", f"{policy[5]} {policy[6]}")


def _unwrapped(text: str) -> str:
    return _WRAPPED.sub(lambda m: m.group(1) + "()", text)


def _as_version_2(url: str) -> None:
    """Make the hub at ``url`` what ``hub init`` made before schema 3: each policy asked a
    member's group for every row it looked at."""
    with psycopg.connect(url) as conn:
        for table, name, _cmd, _p, _r, qual, check in _policies(url):
            old = [f"{clause} ({_unwrapped(text)})"
                   for clause, text in (("USING", qual), ("WITH CHECK", check)) if text]
            conn.execute(f"ALTER POLICY {name} ON {table} {' '.join(old)}")
        conn.execute(_SPAN_DOCUMENTS_2)
        conn.execute("UPDATE hub_meta SET value = '2' WHERE key = 'schema_version'")


# What schema 2 checked the spans' articles with: every row written looked up.
_SPAN_DOCUMENTS_2 = _SPAN_DOCUMENTS.replace("FROM (SELECT DISTINCT document FROM written) w",
                                            "FROM written w")
assert _SPAN_DOCUMENTS_2 != _SPAN_DOCUMENTS


def _check_source(url: str) -> str:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT prosrc FROM pg_proc WHERE proname = 'hub_span_documents'"
                            ).fetchone()[0]


def test_a_hub_of_schema_2_is_brought_to_3_and_asks_a_members_group_once(team, pg_cluster):
    """Schema 3 asks whether a member is a reviewer or the lead once per statement, not per
    row (a reviewer's pull of 100,000 spans asked 200,000 times), and checks each article
    that written spans name once, not each span. An older hub keeps
    working; ``hub init`` by its owner makes its policies, one by one, those of a new hub:
    the same rights, each read of a reviewer asking once."""
    url, tmp = team
    fresh, check = _policies(url), _check_source(url)
    assert "SELECT DISTINCT document FROM written" in check  # each article looked up once
    wrapped = [p for p in fresh if _WRAPPED.search(f"{p[5]} {p[6]}")]
    assert len(wrapped) >= 20, fresh
    assert not [p for p in fresh if _per_row(p)]
    _as_version_2(url)
    old = _policies(url)
    assert len([p for p in old if _per_row(p)]) == len(wrapped)

    def per_row() -> bool:  # whether a reviewer's read of the spans asks for each row
        with psycopg.connect(login(url, "rita")) as conn:
            plan = "\n".join(r[0] for r in conn.execute(
                "EXPLAIN (COSTS OFF) SELECT id FROM spans WHERE version > 0").fetchall())
        filters = [line for line in plan.splitlines() if "Filter" in line]
        return any("pg_has_role" in line for line in filters)

    assert per_row()
    alice = tmp / "alice.db"
    assert sync(alice, login(url, "alice")).documents  # the older hub still works
    mark(alice, "alice", "Lavrov")
    assert sync(alice, login(url, "alice")).pushed["span"] == 1
    rita = tmp / "rita.db"
    assert sync(rita, login(url, "rita")).pulled["span"] == 1
    out = run("hub", "init", url)
    assert "brought from schema version 2 to 3" in out
    assert _policies(url) == fresh and _check_source(url) == check
    assert not per_row()
    # the rights are a new hub's: bob takes nothing of alice's, an annotator writes no gold
    with psycopg.connect(login(url, "bob")) as conn:
        assert conn.execute("UPDATE spans SET label = 'quote' WHERE annotator = 'alice'"
                            ).rowcount == 0
        with pytest.raises(psycopg.Error):
            conn.execute("INSERT INTO spans (id, document, start, \"end\", label, text, "
                         "annotator, created_at, updated_at) SELECT 'x', document, 0, 1, "
                         "'actor', 'x', 'gold', 't', 't' FROM assignments LIMIT 1")
    bob = tmp / "bob.db"
    sync(bob, login(url, "bob"))
    mark(bob, "bob", "Lavrov")
    assert sync(bob, login(url, "bob")).pushed["span"] == 1
    assert sync(rita, login(url, "rita")).pulled["span"] == 1  # bob's, seen by the reviewer
