"""The team hub's figures (bench.py part "hub"): against a private PostgreSQL cluster started
here (tests/pg_cluster.py, the tests' own), push and pull of 100,000 spans, one edit made by an
annotator and seen in the reviewer's file, and 20 members syncing at once."""

from __future__ import annotations

import os
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from annotator.core.ids import new_id, utc_now  # noqa: E402
from annotator.core.model import IncomingDocument, IncomingSpan, Span  # noqa: E402
from annotator.store import Store  # noqa: E402
from annotator.sync.admin import add_member, init_hub  # noqa: E402
from annotator.sync.client import sync  # noqa: E402
from annotator.sync.lead import add_articles, assign  # noqa: E402
from pg_cluster import Cluster  # noqa: E402


def _login(url: str, name: str) -> str:
    return url.rsplit("user=", 1)[0] + f"user={name}"


def _spans(db: Path, who: str, n: int) -> None:
    with Store.open(db) as store:
        doc = store.document(store.document_ids()[0])
        length = len(doc.text)
        spans = [IncomingSpan(i % (length - 10), i % (length - 10) + 1 + i % 7, "actor",
                              id=new_id(), annotator=who) for i in range(n)]
        store.import_documents(
            [IncomingDocument(doc.text, doc.source_id, doc.meta, "bench", id=doc.id,
                              spans=spans)], annotator=who)


def bench_hub(folder: Path, spans: int, clients: int, record) -> None:
    cluster = Cluster()
    try:
        _run(cluster, folder, spans, clients, record)
    finally:
        cluster.close()


def _run(cluster: Cluster, folder: Path, spans: int, clients: int, record) -> None:
    members = [f"member{i:02d}" for i in range(clients)]
    # The push and the pull of ``spans`` are timed in ROUNDS rounds, each on a hub of its
    # own (a first push into an empty hub, a reviewer's first sync of it): one run on a
    # shared machine is a draw; the median of three says what a sync takes.
    pushes, pulls, push_cpus, pull_cpus, server, local = [], [], [], [], [], []
    for round_ in range(ROUNDS):
        url = _hub(cluster, f"bench_hub{round_ or ''}", members)
        alice, rita = folder / f"hub-alice{round_}.db", folder / f"hub-rita{round_}.db"
        sync(alice, _login(url, "alice"))
        _spans(alice, "alice", spans)
        # Floors measured in the same run, before and between the push and the pull (and
        # after the last), so a busy machine's figures can be read: the least any push or
        # pull of these rows costs, moving them in bulk with nothing checked.

        def floors(url=url, alice=alice) -> None:
            s, lo = _floors(url, alice, folder / "hub-floor.db")
            server.extend(s)
            local.extend(lo)

        floors()
        report = _timed(alice, _login(url, "alice"), pushes, push_cpus)
        assert report.pushed["span"] == spans, report
        floors()
        report = _timed(rita, _login(url, "rita"), pulls, pull_cpus)
        assert report.pulled["span"] == spans, report
    floors()
    record(f"hub: push of {spans:,} spans (sync)", pushes, "<= 2 s", "s")
    record(f"hub: pull of {spans:,} spans (reviewer's first sync)", pulls, "<= 1 s", "s")
    # The client's own CPU time (all its threads; SQLite runs in it, the hub does not): what
    # a busy machine changes least.
    record("  push: the client's CPU time", push_cpus, "(no target)", "s")
    record("  pull: the client's CPU time", pull_cpus, "(no target)", "s")
    record("  floor: COPY of the rows into a bare PostgreSQL table", server,
           "(no target)", "s")
    record("  floor: INSERT of the rows into a bare SQLite table", local,
           "(no target)", "s")
    floor = statistics.median(server) + statistics.median(local)
    record("  push in floors (push / the two floors)", [p / floor for p in pushes],
           "(no target)", "x")
    record("  pull in floors (pull / the two floors)", [p / floor for p in pulls],
           "(no target)", "x")

    # The rest on the first round's hub, whose files hold the pushed and pulled spans.
    url = cluster.url("bench_hub")
    alice, rita = folder / "hub-alice0.db", folder / "hub-rita0.db"
    seen = []
    for _ in range(3):
        with Store.open(alice) as store:
            doc = store.document(store.document_ids()[0])
        now = utc_now()
        span = Span(new_id(), doc.id, 5, 9, "quote", doc.text[5:9], "alice", now, now)
        started = time.perf_counter()
        with Store.open(alice) as store:
            store.add_span(span)
        sync(alice, _login(url, "alice"))
        sync(rita, _login(url, "rita"))
        with Store.open(rita) as store:
            assert store.span(span.id).label == "quote"
        seen.append(time.perf_counter() - started)
    record("hub: one edit pushed and seen in another member's file", seen, "<= 3 s", "s")

    per_client = 1000
    dbs = []
    for name in members:
        db = folder / f"hub-{name}.db"
        sync(db, _login(url, name))
        _spans(db, name, per_client)
        dbs.append(db)
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    started = time.perf_counter()
    procs = [
        (time.perf_counter(), subprocess.Popen(
            [sys.executable, "-m", "annotator", "sync", str(db), _login(url, name)],
            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL))
        for name, db in zip(members, dbs, strict=True)
    ]
    slowest = 0.0
    for begun, proc in procs:
        if proc.wait() != 0:
            raise RuntimeError(f"a client's sync failed ({proc.args})")
        slowest = max(slowest, time.perf_counter() - begun)
    total = time.perf_counter() - started
    record(f"hub: {clients} members syncing at once, slowest", [slowest],
           f"({clients * per_client:,} spans in {total:.1f} s: "
           f"{clients * per_client / total:,.0f} spans/s)", "s")


def _timed(db: Path, url: str, walls: list[float], cpus: list[float]):
    """Sync ``db`` with ``url``; its seconds and the client's CPU seconds go to ``walls``
    and ``cpus``; returns its report."""
    started, cpu = time.perf_counter(), time.process_time()
    report = sync(db, url)
    walls.append(time.perf_counter() - started)
    cpus.append(time.process_time() - cpu)
    return report


def _hub(cluster: Cluster, database: str, members: list[str]) -> str:
    """A new hub in ``database`` of ``cluster``: alice, rita (reviewer), lena (lead) and
    ``members``, the seed articles, each assigned to alice and every member."""
    import psycopg

    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {database}")
    url = cluster.url(database)
    init_hub(url)
    for name in ["alice", "rita", "lena", *members]:
        role = {"rita": "reviewer", "lena": "lead"}.get(name, "annotator")
        add_member(url, name, role)
    add_articles(_login(url, "lena"), [REPO / "seeds"])
    assign(_login(url, "lena"), ["alice", *members], len(members) + 1)
    return url


ROUNDS = 3


def _floors(url: str, db: Path, scratch: Path, runs: int = 1) -> tuple[list[float], list[float]]:
    """Seconds to COPY the spans of ``db`` into an unindexed PostgreSQL table (as the hub's
    owner, no row-level security, no trigger) and to insert them into an empty SQLite
    table of a new file in one transaction: ``runs`` of each."""
    import psycopg

    with Store.open(db) as store:
        rows = store.conn.execute(f"SELECT {_COLUMNS} FROM spans").fetchall()
    server, local = [], []
    for _ in range(runs):
        with psycopg.connect(url) as conn:
            conn.execute(f"CREATE TEMPORARY TABLE floor_rows ({_TYPES})")
            started = time.perf_counter()
            with conn.cursor().copy(f"COPY floor_rows ({_COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            server.append(time.perf_counter() - started)
        scratch.unlink(missing_ok=True)
        conn = sqlite3.connect(scratch, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute(f"CREATE TABLE floor_rows ({_COLUMNS})")
            started = time.perf_counter()
            conn.execute("BEGIN")
            conn.executemany(f"INSERT INTO floor_rows VALUES ({', '.join('?' * 10)})", rows)
            conn.execute("COMMIT")
            local.append(time.perf_counter() - started)
        finally:
            conn.close()
    return server, local


_COLUMNS = 'id, document, start, "end", label, text, annotator, note, created_at, updated_at'
_TYPES = ('id text, document text, start integer, "end" integer, label text, text text, '
          "annotator text, note text, created_at text, updated_at text")
