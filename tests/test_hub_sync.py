"""Syncing with the team hub, as a team would: a lead adds and assigns articles, two
annotators and a reviewer sync local files through a real PostgreSQL hub (tests/pg_cluster.py).
Every case checks both databases."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.ids import new_id, utc_now
from annotator.core.model import Relation
from annotator.store import Store
from annotator.sync.admin import add_member, init_hub
from annotator.sync.client import sync
from annotator.sync.connection import HubError
from hubkit import REPO, SEEDS, first_article, hub_spans, login, mark, run


def test_two_annotators_and_a_reviewer_agree_as_with_snapshots(team):
    url, tmp = team
    alice, bob, rita = tmp / "alice.db", tmp / "bob.db", tmp / "rita.db"
    for who, db in (("alice", alice), ("bob", bob)):
        report = sync(db, login(url, who))
        assert report.documents == len(list(SEEDS.iterdir()))
    quote = mark(alice, "alice", "Lavrov", "actor")
    mark(alice, "alice", "Russia", "actor")
    mark(bob, "bob", "Lavrov", "actor")
    mark(bob, "bob", "Russia", "quote")
    _doc, text = first_article(alice)
    with Store.open(alice) as store:
        now = utc_now()
        claim = mark(alice, "alice", text.split()[0], "claim")
        store.add_relation(Relation(new_id(), quote.document, "claimed_by", claim.id, quote.id,
                                    "alice", now, now))
        store.set_status(quote.document, "alice", "done")
    out = json.loads(run("sync", alice, login(url, "alice"), "--json"))
    assert out["pushed"] == {"span": 3, "relation": 1, "status": 1}
    sync(bob, login(url, "bob"))
    report = sync(rita, login(url, "rita"))
    assert report.pulled["span"] == 5 and report.pulled["relation"] == 1
    # the same agreement as from the annotators' snapshots imported for review
    review = tmp / "review.db"
    run("snapshot", alice, tmp / "a.snap.db")
    run("snapshot", bob, tmp / "b.snap.db")
    run("review-import", review, tmp / "a.snap.db", tmp / "b.snap.db")
    synced = json.loads(run("agreement", rita, "--json"))
    imported = json.loads(run("agreement", review, "--json"))
    assert synced["annotators"] == ["alice", "bob"]
    assert synced == imported
    # a second sync changes nothing
    again = sync(alice, login(url, "alice"))
    assert sum(again.pushed.values()) == 0 and sum(again.pulled.values()) == 0
    out = json.loads(run("hub", "status", login(url, "lena"), "--json"))
    assert out["annotators"]["alice"]["done"] == 1


def test_a_replayed_push_applies_nothing(team):
    url, tmp = team
    alice = tmp / "alice.db"
    sync(alice, login(url, "alice"))
    mark(alice, "alice", "Lavrov")
    # the push commits on the hub but the reply is lost before the file records it
    from annotator.sync.connection import connect
    from annotator.sync.push import push

    with connect(login(url, "alice")) as conn, Store.open(alice) as store:
        doc = store.document_ids()
        pushed = push(conn, store, "alice", ["alice"], set(doc))
    assert pushed.pushed == {"span": 1, "status": 1}  # marking started the article
    before = hub_spans(url)
    with psycopg.connect(url) as conn:
        version = conn.execute("SELECT max(version) FROM spans").fetchone()[0]
    report = sync(alice, login(url, "alice"))
    assert sum(report.pushed.values()) == 0 and report.replayed == 2
    assert hub_spans(url) == before
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT max(version) FROM spans").fetchone()[0] == version


def test_offline_edits_are_kept_and_pushed_on_reconnect(team, pg_cluster):
    url, tmp = team
    alice = tmp / "alice.db"
    sync(alice, login(url, "alice"))
    pg_cluster.stop()
    try:
        span = mark(alice, "alice", "Lavrov")  # the window never waits for the network
        with pytest.raises(HubError, match="cannot connect"):
            sync(alice, login(url, "alice"))
        with Store.open(alice) as store:
            assert store.span(span.id) == span
    finally:
        pg_cluster.start()
    report = sync(alice, login(url, "alice"))
    assert report.pushed["span"] == 1
    assert ("alice", "actor", span.start, span.end, False) in hub_spans(url)


def test_a_tombstone_reaches_everyone(team):
    url, tmp = team
    alice, rita = tmp / "alice.db", tmp / "rita.db"
    sync(alice, login(url, "alice"))
    span = mark(alice, "alice", "Lavrov")
    sync(alice, login(url, "alice"))
    sync(rita, login(url, "rita"))
    with Store.open(rita) as store:
        assert store.span(span.id).text == "Lavrov"
    with Store.open(alice) as store:
        store.delete_span(span.id)
    report = sync(alice, login(url, "alice"))
    assert report.tombstones["span"] == 1
    assert ("alice", "actor", span.start, span.end, True) in hub_spans(url)
    sync(rita, login(url, "rita"))
    with Store.open(rita) as store:
        assert span.id not in {s.id for s in store.spans(span.document)}


def test_a_reviewer_records_only_what_it_pushes_and_pulled_gold_stays_its_to_change(team):
    url, tmp = team
    alice, rita, lena = tmp / "alice.db", tmp / "rita.db", tmp / "lena.db"
    sync(alice, login(url, "alice"))
    theirs = mark(alice, "alice", "Lavrov")
    sync(alice, login(url, "alice"))
    sync(lena, login(url, "lena"))
    gold = mark(lena, "gold", "Russia")  # which starts a status of gold's in her file
    # the gold layer has no status on the hub (a pull refuses one): it stays in the file
    assert sync(lena, login(url, "lena")).pushed == {"span": 1}
    assert sync(lena, login(url, "lena")).pushed == {}
    report = sync(rita, login(url, "rita"))
    assert report.pulled["span"] == 2
    with Store.open(rita) as store:
        # another annotator's rows are never sent back from this file: no version kept
        recorded = {item for (item,) in store.conn.execute("SELECT item FROM sync_items")}
        assert theirs.id not in recorded and gold.id in recorded
        store.delete_span(gold.id)
    # gold pulled from the hub is still the reviewer's to change: the deletion reaches it
    report = sync(rita, login(url, "rita"))
    assert report.tombstones["span"] == 1 and report.conflicts == 0
    assert ("gold", "actor", gold.start, gold.end, True) in hub_spans(url)
    sync(lena, login(url, "lena"))
    with Store.open(lena) as store:
        assert gold.id not in {s.id for s in store.spans(gold.document)}


def test_two_devices_of_one_annotator_park_a_conflict_and_lose_nothing(team):
    url, tmp = team
    laptop, desktop = tmp / "laptop.db", tmp / "desktop.db"
    sync(laptop, login(url, "alice"))
    span = mark(laptop, "alice", "Lavrov")
    sync(laptop, login(url, "alice"))
    shutil.copy(laptop, desktop)
    with Store.open(laptop) as store:
        store.relabel_span(span.id, "quote")
    with Store.open(desktop) as store:
        store.relabel_span(span.id, "claim")
    sync(laptop, login(url, "alice"))
    report = sync(desktop, login(url, "alice"))
    assert report.conflicts == 1
    with Store.open(desktop) as store:
        assert store.span(span.id).label == "quote"  # the hub's version, in place
    listed = run("sync", desktop, login(url, "alice"), "--conflicts")
    assert "span" in listed and "claim" in listed
    run("sync", desktop, login(url, "alice"), "--resolve", "1", "--keep", "local")
    report = sync(desktop, login(url, "alice"))
    assert report.pushed["span"] == 1 and report.conflicts == 0
    assert ("alice", "claim", span.start, span.end, False) in hub_spans(url)
    sync(laptop, login(url, "alice"))
    with Store.open(laptop) as store:
        assert store.span(span.id).label == "claim"


def test_a_hub_row_with_a_wrong_span_text_is_refused_on_pull(team):
    url, tmp = team
    alice, rita = tmp / "alice.db", tmp / "rita.db"
    sync(alice, login(url, "alice"))
    mark(alice, "alice", "Lavrov")
    sync(alice, login(url, "alice"))
    with psycopg.connect(url) as conn:  # the hub's owner (or a broken hub) changes a text
        conn.execute("UPDATE spans SET text = 'Lavrof'")
    with pytest.raises(HubError, match="'Lavrof' is not the article's text"):
        sync(rita, login(url, "rita"))
    with Store.open(rita) as store:
        assert store.sync_state().get("cursor") == "0"
        assert all(not store.spans(d) for d in store.document_ids())


def test_a_file_syncs_with_one_member_only(team):
    url, tmp = team
    alice = tmp / "alice.db"
    sync(alice, login(url, "alice"))
    with pytest.raises(HubError, match="this file is alice's"):
        sync(alice, login(url, "bob"))


def many_spans(db: Path, who: str, n: int) -> int:
    """``n`` spans of ``who`` on the first article, stored in one import."""
    from annotator.core.model import IncomingDocument, IncomingSpan

    with Store.open(db) as store:
        doc = store.document(store.document_ids()[0])
        length = len(doc.text)
        spans = [IncomingSpan(i % (length - 10), i % (length - 10) + 1 + i % 7, "actor",
                              id=new_id(), annotator=who) for i in range(n)]
        store.import_documents(
            [IncomingDocument(doc.text, doc.source_id, doc.meta, "test", id=doc.id,
                              spans=spans)], annotator=who)
    return n


def test_kill_9_during_a_push_leaves_both_sides_whole(team):
    import os
    import signal
    import subprocess
    import sys
    import time

    url, tmp = team
    alice = tmp / "alice.db"
    sync(alice, login(url, "alice"))
    # enough for a push to last past the first kill: with 10,000 spans a push (and the
    # start of its process) ended within 0.4 s here, and no kill landed while it ran
    n = many_spans(alice, "alice", 60_000)
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    killed_while_running = 0
    for delay in (0.4, 0.7, 1.0, 1.4, 1.9):
        proc = subprocess.Popen(
            [sys.executable, "-m", "annotator", "sync", str(alice), login(url, "alice")],
            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        if proc.poll() is None:
            killed_while_running += 1
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        with psycopg.connect(url) as conn:
            count = conn.execute("SELECT count(*) FROM spans").fetchone()[0]
        assert count in (0, n), f"a push was half-applied: {count} of {n}"
        with Store.open(alice) as store:
            assert store.verify() == []
        if count == n:
            break
    assert killed_while_running, "no kill landed while the sync ran"
    sync(alice, login(url, "alice"))
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM spans").fetchone()[0] == n
    again = sync(alice, login(url, "alice"))
    assert sum(again.pushed.values()) == 0 and again.replayed == 0


def test_the_leads_scheme_reaches_the_members(team):
    url, tmp = team
    scheme = tmp / "scheme.json"
    alice = tmp / "alice.db"
    sync(alice, login(url, "alice"))
    run("labels", alice, "--export", scheme)
    data = json.loads(scheme.read_text())
    data["labels"].append({"name": "location", "kind": "span", "color": "#ff69b4", "key": "4"})
    scheme.write_text(json.dumps(data))
    done = CliRunner().invoke(main, ["hub", "scheme", login(url, "alice"), str(scheme)])
    assert done.exit_code == 1 and "only the hub's lead" in done.output
    out = run("hub", "scheme", login(url, "lena"), scheme)
    assert "location" in out
    assert "left out" not in out  # the hub carries the rules (tests/test_hub_rules.py)
    sync(alice, login(url, "alice"))
    with Store.open(alice) as store:
        location = {lb.name: lb for lb in store.labels("span")}["location"]
    assert (location.color, location.key) == ("#ff69b4", "4")


def test_assignments_are_even_rerun_safe_and_released(hub_db, tmp_path):
    init_hub(hub_db)
    for name in ("alice", "bob", "carol"):
        add_member(hub_db, name, "annotator")
    add_member(hub_db, "lena", "lead")
    lead = login(hub_db, "lena")
    folder = tmp_path / "articles"
    folder.mkdir()
    for i in range(6):
        (folder / f"a{i}.txt").write_text(f"Article {i}: the minister said “no” — again.\n")
    assert "6 article(s) added" in run("hub", "add", lead, folder)
    assert "0 article(s) added to the hub, 6 there already" in run("hub", "add", lead, folder)
    out = run("hub", "assign", lead, "--to", "alice,bob,carol", "--per-document", "2")
    assert "12 assignment(s) made: alice 4, bob 4, carol 4" in out
    assert "0 assignment(s) made" in run("hub", "assign", lead, "--to", "alice,bob,carol",
                                         "--per-document", "2")
    carol = tmp_path / "carol.db"
    sync(carol, login(hub_db, "carol"))
    with Store.open(carol) as store:
        done_doc = store.document_ids()[0]
        store.set_status(done_doc, "carol", "done")
    sync(carol, login(hub_db, "carol"))
    out = run("hub", "assign", lead, "--to", "alice,bob", "--per-document", "2",
              "--release", "carol")
    assert "3 unfinished assignment(s) released" in out
    figures = json.loads(run("hub", "status", lead, "--json"))
    assert figures["annotators"]["carol"]["assigned"] == 1  # the article she finished
    assert all(len(a["annotators"]) == 2 for a in figures["articles"])
    # carol's file keeps her articles; the next sync brings nothing of the released ones
    report = sync(carol, login(hub_db, "carol"))
    assert report.documents == 0


def test_a_reviewers_own_spans_off_their_articles_stay_local_and_gold_goes(team):
    url, tmp = team
    rita = tmp / "rita.db"
    sync(rita, login(url, "rita"))
    mark(rita, "rita", "Lavrov")  # her own span, on an article not assigned to her
    gold = mark(rita, "gold", "Russia")
    report = sync(rita, login(url, "rita"))
    assert report.unassigned == {"span": 1, "status": 1} and report.pushed["span"] == 1
    assert ("gold", "actor", gold.start, gold.end, False) in hub_spans(url)


def test_a_push_the_hub_rolls_back_records_nothing_and_the_next_one_sends_all(
        team, monkeypatch):
    # Records of a first push's batches are staged in the file's temporary table while the
    # hub inserts the next; a push that fails after that leaves none of them behind.
    from annotator.sync import push as pushing
    from annotator.sync.connection import connect

    url, tmp = team
    alice = tmp / "alice.db"
    sync(alice, login(url, "alice"))
    spans = [mark(alice, "alice", word) for word in ("Lavrov", "Russia", "talks")]
    monkeypatch.setattr(pushing, "_BATCH", 2)  # batches staged one by one

    def broken(*_args, **_kwargs):
        raise RuntimeError("the network went, after the batches were staged")

    with connect(login(url, "alice")) as conn, Store.open(alice) as store:
        real, pushing._push_kind = pushing._push_kind, broken
        try:
            with pytest.raises(RuntimeError):
                pushing.push(conn, store, "alice", ["alice"], set(store.document_ids()))
        finally:
            pushing._push_kind = real
        assert store.conn.execute(
            "SELECT count(*) FROM temp.sqlite_master WHERE name = 'sync_staged'"
        ).fetchone() == (0,)
        store.record_pushed([], [])  # even called by mistake, it records nothing
        assert store.conn.execute(
            "SELECT count(*) FROM sync_items WHERE kind = 'span'").fetchone() == (0,)
    assert not {s for s in hub_spans(url) if s[0] == "alice"}
    report = sync(alice, login(url, "alice"))
    assert report.pushed["span"] == 3 and report.replayed == 0
    with psycopg.connect(url) as conn:
        on_hub = dict(conn.execute("SELECT id, version FROM spans").fetchall())
    with Store.open(alice) as store:
        recorded = dict(store.conn.execute(
            "SELECT item, version FROM sync_items WHERE kind = 'span'").fetchall())
    assert recorded == on_hub == {s.id: on_hub[s.id] for s in spans}
    assert sum(sync(alice, login(url, "alice")).pushed.values()) == 0
