"""Does a change to the sync leave every byte of what it writes as it was? Runs one fixed
scenario against a private PostgreSQL cluster with the code of a given tree and prints the
result: every row and column of the hub's synced tables (versions and tombstones included)
and of two members' files (sync_items, sync_state's cursor, conflicts parked, every table).

    python bench/hub_same.py OLD_TREE NEW_TREE   # runs both, each in its own process; diff
    python bench/hub_same.py --dump              # (inside) the scenario with the code imported

The corpus is messy on purpose: emoji (astral characters), CRLF, curly quotes, em dashes, and
notes holding tabs, newlines, carriage returns, backslashes and other control characters (what
COPY's text format escapes). Ids and times are fixed, so two runs are comparable row by row.
The scenario: a first push of 30,000 spans and 5,000 links (many batches), edits, deletes and
new rows pushed again, a push whose reply was lost (records forgotten: replayed), a second
annotator, and a reviewer's first and second pulls.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

SPANS, LINKS = 30_000, 5_000
_NOW = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")  # core/ids.py utc_now
_T0 = "2026-01-02T03:04:05.000000+00:00"


def _text() -> str:
    piece = ("“Quote,” she said — 👩‍🔬 the lab’s “big” claim\r\nline two 😀 𝔘nicode\r\n"
             "tab\there back\\slash café naïve 🇫🇷 end.\n")
    return piece * 400


def _note(i: int) -> str | None:
    return [None, "", "plain", "tab\tnew\nline\r\ncr back\\slash \\N \\. \b\f\v 😀",
            "“curly” — dash"][i % 5]


def dump() -> None:
    repo = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(repo / "tests"))
    import psycopg

    from annotator.core.model import (
        DocumentMeta,
        IncomingDocument,
        IncomingRelation,
        IncomingSpan,
    )
    from annotator.store import Store
    from annotator.sync.admin import add_member, init_hub
    from annotator.sync.client import sync
    from annotator.sync.lead import add_articles, assign
    from pg_cluster import Cluster

    def login(url: str, name: str) -> str:
        return url.rsplit("user=", 1)[0] + f"user={name}"

    folder = Path(tempfile.mkdtemp(prefix="hub-same-"))
    article = folder / "messy.txt"
    article.write_bytes(_text().encode())
    cluster = Cluster()
    try:
        with psycopg.connect(cluster.url(), autocommit=True) as conn:
            conn.execute("CREATE DATABASE same")
        url = cluster.url("same")
        init_hub(url)
        for name, role in [("alice", "annotator"), ("bob", "annotator"),
                           ("rita", "reviewer"), ("lena", "lead")]:
            add_member(url, name, role)
        add_articles(login(url, "lena"), [article, repo / "seeds"])
        assign(login(url, "lena"), ["alice", "bob"], 2)
        files = {who: folder / f"{who}.db" for who in ("alice", "bob", "rita")}
        reports = []

        def sync_as(who: str) -> None:  # each sync's report is compared too
            reports.append(sync(files[who], login(url, who)).as_dict())
        for who in ("alice", "bob"):
            sync_as(who)

        def add(who: str, n: int, first: int, links: int) -> None:
            with Store.open(files[who]) as store:
                docs = [store.document(d) for d in store.document_ids()]
                doc = next(d for d in docs if "👩‍🔬" in d.text)
                other = next(d for d in docs if d.id != doc.id)
                length = len(doc.text)
                spans = [IncomingSpan(i % (length - 10), i % (length - 10) + 1 + i % 9,
                                      "quote" if (first + i) % 2 == 0 else "actor",
                                      id=f"{who}-s{first + i:06d}", annotator=who,
                                      note=_note(i), created_at=_T0, updated_at=_T0)
                         for i in range(n)]
                relations = [IncomingRelation("said_by", f"{who}-s{first + 2 * i:06d}",
                                              f"{who}-s{first + 2 * i + 1:06d}",
                                              id=f"{who}-r{first + i:06d}", annotator=who,
                                              note=_note(i + 1), created_at=_T0,
                                              updated_at=_T0)
                             for i in range(links)]
                store.import_documents(
                    [IncomingDocument(doc.text, doc.source_id, doc.meta, "same", id=doc.id,
                                      spans=spans, relations=relations),
                     IncomingDocument(other.text, other.source_id, other.meta, "same",
                                      id=other.id,
                                      spans=[IncomingSpan(0, 3, "claim", id=f"{who}-o{first}",
                                                          annotator=who, created_at=_T0,
                                                          updated_at=_T0)])],
                    annotator=who)

        add("alice", SPANS, 0, LINKS)
        with Store.open(files["alice"]) as store:  # an article of her own: stays local
            store.import_documents([IncomingDocument(
                "Her own 😀 article\r\nwith “notes”.", "own", DocumentMeta(), "same",
                spans=[IncomingSpan(0, 3 + i % 5, "actor", id=f"alice-own{i}",
                                    annotator="alice", created_at=_T0, updated_at=_T0)
                       for i in range(50)])], annotator="alice")
        sync_as("alice")
        # edits, deletes and new rows; then a push whose reply was lost (records forgotten)
        with sqlite3.connect(files["alice"]) as conn:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("UPDATE spans SET note = 'edited\t\\ 😀', updated_at = ? "
                         "WHERE id LIKE 'alice-s%7'", [_T0])
            conn.execute("DELETE FROM spans WHERE id LIKE 'alice-s%3' AND id > 'alice-s020000'")
        add("alice", 3_000, SPANS, 500)
        sync_as("alice")
        add("alice", 2_500, SPANS + 5_000, 0)
        with sqlite3.connect(files["alice"]) as conn:
            conn.execute("DELETE FROM sync_items WHERE item >= 'alice-s030000'")
        sync_as("alice")
        add("bob", 4_000, 0, 1_000)
        sync_as("bob")
        sync_as("rita")  # a reviewer's first pull: everyone's
        with Store.open(files["rita"]) as store:  # gold, pushed by the reviewer
            doc = next(store.document(d) for d in store.document_ids()
                       if "👩‍🔬" in store.document(d).text)
            store.import_documents([IncomingDocument(
                doc.text, doc.source_id, doc.meta, "same", id=doc.id,
                spans=[IncomingSpan(i, i + 4, "claim", id=f"gold-{i:05d}", annotator="gold",
                                    note=_note(i), created_at=_T0, updated_at=_T0)
                       for i in range(0, 3000, 3)])], annotator="rita")
        with sqlite3.connect(files["bob"]) as conn:
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("UPDATE spans SET label = 'claim' WHERE id LIKE 'bob-s%1'")
            conn.execute("DELETE FROM spans WHERE id LIKE 'bob-s%5'")
        sync_as("bob")
        sync_as("rita")  # and a second one: changes, tombstones
        sync_as("alice")

        out: dict = {"hub": {}, "files": {}, "reports": {"all": reports}}
        with psycopg.connect(url) as conn:
            for table in ("spans", "relations", "document_status", "document_labels",
                          "decisions", "document_notes", "documents", "labels"):
                cur = conn.execute(f"SELECT * FROM {table}")
                names = [d.name for d in cur.description]
                # (when the server wrote a row: its clock, never the same twice)
                out["hub"][table] = sorted(
                    json.dumps({n: str(v) for n, v in zip(names, r, strict=True)
                                if n not in ("written_at", "added_at")}, ensure_ascii=False)
                    for r in cur)
        for who, db in files.items():
            conn = sqlite3.connect(db)
            tables = [r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
            out["files"][who] = {"schema": conn.execute(
                "SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()}
            for table in tables:
                # (a time the code stamps with the clock, as when an article was imported,
                # is put as "<now>"; the fixed times of the corpus are compared)
                rows = [tuple("<now>" if isinstance(v, str) and _NOW.fullmatch(v) else v
                              for v in r)
                        for r in conn.execute(f'SELECT * FROM "{table}"')]
                if table == "sync_state":  # the hub's id is new in each cluster
                    rows = [r for r in rows if r[0] != "hub_id"]
                out["files"][who][table] = sorted(map(repr, rows))
            conn.close()
        json.dump(out, sys.stdout, ensure_ascii=False, indent=0, sort_keys=True)
    finally:
        cluster.close()


def main() -> int:
    if sys.argv[1:] == ["--dump"]:
        dump()
        return 0
    old, new = map(Path, sys.argv[1:3])
    results = []
    for tree in (old, new):
        env = {**os.environ, "PYTHONPATH": str(tree / "src")}
        done = subprocess.run([sys.executable, __file__, "--dump"], env=env,
                              capture_output=True, text=True, check=True)
        results.append(json.loads(done.stdout))
    same = results[0] == results[1]
    for side in ("hub", "files", "reports"):
        for name in results[0][side]:
            a, b = results[0][side][name], results[1][side][name]
            print(f"{side} {name}: {'same' if a == b else 'DIFFERENT'}"
                  f" ({sum(map(len, a.values())) if isinstance(a, dict) else len(a)} rows)")
    for report in results[1]["reports"]["all"]:
        print("  sync:", json.dumps(report, sort_keys=True))
    print("IDENTICAL" if same else "DIFFERENT")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
