"""The annotate window with and without a connected hub (bench.py part "teamwin"): opening,
one edit (a span added, then removed, each with its paint) and scrolling (page down, jump to
the end), measured on the same file alone, connected to a hub that answers (its background sync
running: the first sync at the open, a push after the edits, LISTEN waiting), to a hub that
answers slowly (another connection holds a lock every push and pull waits on) and to a stopped
hub. Printed side by side with the ratio to the file alone: the window never waits on the
network, so the figures should not move. Also the longest the event loop stopped in each.

The hub is a private PostgreSQL cluster started here (tests/pg_cluster.py, the tests' own).
"""

from __future__ import annotations

import contextlib
import os
import statistics
import threading
import time
from pathlib import Path

from annotator.core.model import IncomingDocument
from annotator.store import Store

MODES = ("alone", "connected", "slow hub", "stopped hub")


class _Stalls:
    """The longest gap between ticks of a 5 ms timer: how long the GUI thread stopped."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.last, self.worst = time.perf_counter(), 0.0
        self.timer = QTimer(interval=5)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self.last)
        self.last = now


def _login(url: str, name: str) -> str:
    return url.rsplit("user=", 1)[0] + f"user={name}"


def _hold_lock(url: str, seconds: float) -> threading.Thread:
    import psycopg

    started = threading.Event()

    def run() -> None:
        with psycopg.connect(url) as conn:
            conn.execute("LOCK TABLE spans IN ACCESS EXCLUSIVE MODE")
            started.set()
            with contextlib.suppress(psycopg.errors.QueryCanceled):  # _release ends it
                conn.execute("SELECT pg_sleep(%s)", [seconds])

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    started.wait(10)
    return thread


def _prepare(cluster, folder: Path, text: str, spans) -> tuple[Path, str]:
    """A hub holding the article, assigned to alice; her file synced, her spans on the hub."""
    import psycopg

    from annotator.sync.admin import add_member, init_hub
    from annotator.sync.client import sync
    from annotator.sync.lead import add_articles, assign

    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        conn.execute("CREATE DATABASE bench_teamwin")
    url = cluster.url("bench_teamwin")
    init_hub(url)
    for name, role in (("alice", "annotator"), ("lena", "lead")):
        add_member(url, name, role)
    source = folder / "teamwin-articles"
    source.mkdir()
    (source / "big.txt").write_text(text, "utf-8")
    add_articles(_login(url, "lena"), [source])
    assign(_login(url, "lena"), ["alice"], 1)
    db = folder / "teamwin-alice.db"
    sync(db, _login(url, "alice"))
    with Store.open(db) as store:
        doc = store.document(store.document_ids()[0])
        for span in spans:
            span.annotator = "alice"
        store.import_documents([IncomingDocument(doc.text, doc.source_id, doc.meta, "bench",
                                                 id=doc.id, spans=spans)], annotator="alice")
    sync(db, _login(url, "alice"))  # the steady state: everything on the hub
    return db, _login(url, "alice")


def _one_run(helpers, db: Path, rng, figures: dict, mode: str) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    t = time.perf_counter()
    app, window = helpers.open_window(db)
    figures["open"].append(time.perf_counter() - t)
    stalls = _Stalls()
    if mode != "alone":
        assert window.team.link is not None, "the hub was not remembered"
        window.team.sync_now()  # a sync under way while the reader scrolls
    view = window.article.text
    bar = view.verticalScrollBar()
    for _ in range(10):
        t = time.perf_counter()
        QTest.keyClick(view, Qt.Key.Key_PageDown)
        view.viewport().repaint()
        figures["page down"].append(time.perf_counter() - t)
    t = time.perf_counter()
    bar.setValue(bar.maximum())
    view.viewport().repaint()
    figures["jump to end"].append(time.perf_counter() - t)
    bar.setValue(0)
    app.processEvents()
    first = view.cursorForPosition(view.viewport().rect().topLeft()).position()
    shown = window.state.positions.from_qt(first)
    helpers.edit_pairs(app, window, shown, rng, 10, figures["add one span"],
                       figures["remove one span"])
    # the push the edits asked for (2 s after the last), with the event loop running
    end = time.perf_counter() + 2.5
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.002)
    figures["longest event-loop stop"].append(stalls.worst)
    stalls.timer.stop()
    t = time.perf_counter()
    window.close()
    figures["close"].append(time.perf_counter() - t)
    app.processEvents()


def bench_team_window(folder: Path, small: bool, record, helpers) -> None:
    """``helpers``: bench.py's ``article``, ``spans_for``, ``open_window``, ``edit_pairs``."""
    import random
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from annotator.gui.annotate import team as hub_team
    from pg_cluster import Cluster

    os.environ["ANNOTATOR_HOME"] = str(folder / "teamwin-home")  # remembered hubs go here
    size, count, runs = (20_000, 200, 1) if small else (5_000_000, 100_000, 3)
    rng = random.Random(19)
    text = helpers.article(size, rng)
    cluster = Cluster()
    try:
        db, url = _prepare(cluster, folder, text, helpers.spans_for(text, count, rng))
        figures = {mode: {name: [] for name in (
            "open", "page down", "jump to end", "add one span", "remove one span",
            "longest event-loop stop", "close")} for mode in MODES}
        for _ in range(runs):
            for mode in MODES:  # interleaved: a busy machine weighs on every mode alike
                hub_team.forget(db)
                lock = None
                if mode != "alone":
                    hub_team.remember(db, url)
                if mode == "slow hub":
                    lock = _hold_lock(cluster.url("bench_teamwin"), 30)
                if mode == "stopped hub":
                    cluster.stop()
                try:
                    _one_run(helpers, db, rng, figures[mode], mode)
                finally:
                    if mode == "stopped hub":
                        cluster.start()
                    if lock is not None:
                        _release(cluster)
                        lock.join()
        hub_team.forget(db)
    finally:
        cluster.close()
    _report(figures, record, f"{len(text.encode()) / 1e6:.1f} MB article, {count:,} spans")


def _release(cluster) -> None:
    """End the lock holder's pg_sleep early."""
    import psycopg

    with psycopg.connect(cluster.url("bench_teamwin"), autocommit=True) as conn:
        conn.execute("SELECT pg_cancel_backend(pid) FROM pg_stat_activity "
                     "WHERE query LIKE 'SELECT pg_sleep%' AND pid != pg_backend_pid()")


def _report(figures: dict, record, label: str) -> None:
    for name in figures["alone"]:
        for mode in MODES:
            record(f"team window, {mode}: {name}", figures[mode][name], "(no target)")
    print(f"\nteam window, {label}: medians in ms, and each one's ratio to the file alone")
    print(f"  {'':<26}" + "".join(f"{m:>16}" for m in MODES))
    for name in figures["alone"]:
        medians = [statistics.median(figures[m][name]) * 1000 for m in MODES]
        base = medians[0] or 1e-9
        cells = [f"{medians[0]:.2f}"] + [f"{v:.2f} ×{v / base:.2f}" for v in medians[1:]]
        print(f"  {name:<26}" + "".join(f"{c:>16}" for c in cells))
