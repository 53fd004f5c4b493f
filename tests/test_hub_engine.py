"""The background sync the window runs (sync/engine.py), against a real PostgreSQL hub:
its state in words, offline and back, news from the hub without polling, conflicts kept both."""

from __future__ import annotations

import threading
import time

import pytest

from annotator.store import Store
from annotator.sync.client import sync
from annotator.sync.engine import SyncEngine
from hubkit import login, mark, run


def test_state_says_synced_waiting_offline_and_back(team, pg_cluster):
    url, tmp = team
    engine = SyncEngine(tmp / "alice.db", login(url, "alice"))
    assert engine.sync_once() is not None
    assert engine.state().text() == "Synced"
    span = mark(tmp / "alice.db", "alice", "Lavrov")
    assert engine.state().text() == "2 changes waiting"  # the span, and the article started
    pg_cluster.stop()
    try:
        assert engine.sync_once() is None
        state = engine.state()
        assert state.text().startswith("Offline since ") and "your work is kept" in state.text()
        assert "cannot connect" in state.problem
        mark(tmp / "alice.db", "alice", "Russia")  # editing goes on
    finally:
        pg_cluster.start()
    report = engine.sync_once()
    assert report.pushed["span"] == 2
    assert engine.state().text() == "Synced"
    with Store.open(tmp / "alice.db") as store:
        assert store.span(span.id) == span


def test_news_from_the_hub_arrives_without_polling(team):
    url, tmp = team
    alice = SyncEngine(tmp / "alice.db", login(url, "alice"))
    rita = SyncEngine(tmp / "rita.db", login(url, "rita"))
    alice.sync_once()
    rita.sync_once()
    heard = []
    listening = threading.Event()

    def listen() -> None:
        rita.wait_for_news(0.01)  # connects and LISTENs
        listening.set()
        heard.append(rita.wait_for_news(20))

    thread = threading.Thread(target=listen)
    thread.start()
    listening.wait(10)
    span = mark(tmp / "alice.db", "alice", "Lavrov")
    started = time.perf_counter()
    alice.sync_once()
    thread.join(25)
    assert heard == [True] and time.perf_counter() - started < 10
    rita.sync_once()
    with Store.open(tmp / "rita.db") as store:
        assert store.span(span.id).text == "Lavrov"
    rita.close()


def test_a_conflict_can_keep_both_versions(team):
    import shutil

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
    assert sync(desktop, login(url, "alice")).conflicts == 1
    out = run("sync", desktop, login(url, "alice"), "--resolve", "1", "--keep", "both")
    assert "kept both versions" in out
    sync(desktop, login(url, "alice"))
    with Store.open(desktop) as store:
        labels = sorted(s.label for s in store.spans(span.document))
    assert labels == ["claim", "quote"]
    with pytest.raises(Exception, match="no open conflict"), Store.open(desktop) as store:
        store.resolve_conflict(1, "hub")
