"""Other processes for the safety tests: ``python safety_child.py WHAT ARGS...``.

Each prints one line per thing it has done (flushed at once), so a test that kills it
knows exactly what it had reported as done.

burst DB NAME SEED [COUNT]   the window (offscreen) makes spans through its label action;
                             prints each span's id once the window shows it as saved
edits DB NAME SEED SECONDS   the store, as the command line or a script uses it: spans added,
                             relabelled and moved; prints "saved ID" or "error MESSAGE"
lock DB SECONDS              holds the write lock (BEGIN IMMEDIATE) for SECONDS
first-run                    the window's start-up path: open (create, seed) the user's database
"""

from __future__ import annotations

import os
import random
import sqlite3
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def select(window, start: int, end: int) -> None:
    """Select [start, end) (stored offsets) in the article view, as a mouse drag would."""
    from PySide6.QtGui import QTextCursor

    view = window.article.text
    cursor = view.textCursor()
    cursor.setPosition(window.state.positions.to_qt(start))
    cursor.setPosition(window.state.positions.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)


def word_range(text: str, rnd: random.Random) -> tuple[int, int]:
    start = rnd.randrange(0, max(1, len(text) - 40))
    return start, min(len(text), start + rnd.randint(3, 40))


def burst(db: str, name: str, seed: str, count: str = "0") -> None:
    from PySide6.QtWidgets import QApplication

    from annotator.gui.annotate.window import MainWindow
    from annotator.store import Store

    app = QApplication([])
    window = MainWindow(store=Store.open(db), annotator=name)
    window.show()
    rnd = random.Random(int(seed))
    made, wanted = 0, int(count)
    print("ready", flush=True)
    while not wanted or made < wanted:
        before = {s.id for s in window.state.spans}
        select(window, *word_range(window.state.document.text, rnd))
        window.annotating.apply_label(rnd.choice(["claim", "quote", "actor"]))
        while window.writer.pending:  # another process holds the lock: the event loop runs
            app.processEvents()
            time.sleep(0.002)
        app.processEvents()
        for span in window.state.spans:
            if span.id not in before:
                print(span.id, flush=True)  # the window shows it: it is saved
                made += 1
    window.close()
    print("done", flush=True)


def edits(db: str, name: str, seed: str, seconds: str) -> None:
    from annotator.core.ids import new_id, utc_now
    from annotator.core.model import Span
    from annotator.store import Store, StoreError

    rnd = random.Random(int(seed))
    stop = time.monotonic() + float(seconds)
    with Store.open(db) as store:
        docs = {doc_id: store.document(doc_id).text for doc_id in store.document_ids()}
        print("ready", flush=True)
        while time.monotonic() < stop:
            doc_id = rnd.choice(list(docs))
            start, end = word_range(docs[doc_id], rnd)
            now = utc_now()
            span = Span(
                new_id(), doc_id, start, end, "claim", docs[doc_id][start:end], name, now, now
            )
            try:
                store.add_span(span)
                # read-then-write edits: the ones a deferred transaction would lose
                store.relabel_span(span.id, rnd.choice(["quote", "actor"]))
                store.move_span(span.id, start, end)
            except StoreError as exc:
                print(f"error {exc}", flush=True)
                continue
            print(f"saved {span.id}", flush=True)
    print("done", flush=True)


def lock(db: str, seconds: str) -> None:
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT OR IGNORE INTO annotators (name, created_at) VALUES ('locker', 'now')")
    print("locked", flush=True)
    time.sleep(float(seconds))
    conn.execute("COMMIT")
    conn.close()
    print("released", flush=True)


def first_run() -> None:
    from annotator import workspace

    store = workspace.open_database(None)
    try:
        print(store.document_count(), flush=True)
    finally:
        store.close()


if __name__ == "__main__":
    what, *args = sys.argv[1:]
    {"burst": burst, "edits": edits, "lock": lock, "first-run": first_run}[what](*args)
