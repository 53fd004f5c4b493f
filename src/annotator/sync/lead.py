"""The lead's work on a hub: add articles, spread them over the members, see progress.

Articles are read by the one import pipeline (formats/importing.py: every format ``import``
reads, the same checks and the same summary) into a private scratch file, then copied to the
hub keyed by content, so adding the same article twice adds nothing. Annotations the files
carry are not added (work reaches the hub through each member's sync); the summary counts them.
"""

from __future__ import annotations

import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from annotator.formats.importing import import_files
from annotator.store import Store
from annotator.sync.connection import HubError, connect, hub_version, shown_url


@dataclass
class AddReport:
    added: int
    present: int
    read: list[str]  # the import summary's phrases
    left_out: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        out = [f"{self.added} article(s) added to the hub, {self.present} there already"]
        out += [f"read: {line}" for line in self.read]
        if sum(self.left_out.values()):
            kinds = ", ".join(f"{n} {k}(s)" for k, n in sorted(self.left_out.items()))
            out.append(f"not added: {kinds} the files carry (hub add adds articles; each "
                       "member's work reaches the hub by 'annotator sync')")
        return out


def add_articles(url: str, paths: list[Path], *, fmt: str = "auto", **options) -> AddReport:
    with connect(url) as conn:
        hub_version(conn, url)
        if not conn.execute("SELECT hub_is_lead()").fetchone()[0]:
            raise HubError(f"{shown_url(url)}: only the hub's lead adds articles")
        with tempfile.TemporaryDirectory(prefix="annotator-hub-add-") as scratch:
            db = Path(scratch) / "articles.db"
            report = import_files(db, paths, annotator="import", fmt=fmt, **options)
            with Store.open(db, create=False) as store:
                rows = store.document_export_rows()
                left_out = store.annotation_totals()
        with conn.transaction():
            position = conn.execute(
                "SELECT coalesce(max(position) + 1, 0) FROM documents").fetchone()[0]
            ids = [row["id"] for row in rows]
            there = {r[0] for r in conn.execute(
                "SELECT id FROM documents WHERE id = ANY(%s)", [ids])}
            new = [row for row in rows if row["id"] not in there]
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO documents (id, source_id, text, text_sha256, title, source, "
                    "author, published, url, meta, position) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                    [(r["id"], r["source_id"], r["text"], r["text_sha256"], r["title"],
                      r["source"], r["author"], r["published"], r["url"], r["meta"],
                      position + i) for i, r in enumerate(new)],
                )
    return AddReport(len(new), len(rows) - len(new), report.lines(), Counter(left_out))


@dataclass
class AssignReport:
    assigned: Counter  # member -> new assignments
    short: int  # articles that still lack annotators (not enough members)
    released: int = 0

    def lines(self) -> list[str]:
        total = sum(self.assigned.values())
        out = [f"{total} assignment(s) made"
               + (": " + ", ".join(f"{m} {n}" for m, n in sorted(self.assigned.items()))
                  if total else "")]
        if self.released:
            out.insert(0, f"{self.released} unfinished assignment(s) released")
        if self.short:
            out.append(f"{self.short} article(s) still lack annotators: fewer members than "
                       "--per-document asks")
        return out


def assign(url: str, members: list[str], per_document: int, *, status: str | None = None,
           release: str | None = None) -> AssignReport:
    """Give each article ``per_document`` annotators among ``members``, evening the load;
    assignments made before stay (re-running assigns only what is new). ``release``: take
    the member's unfinished articles back first, so this run gives them to others."""
    if per_document < 1:
        raise HubError("--per-document must be at least 1")
    with connect(url) as conn:
        hub_version(conn, url)
        if not conn.execute("SELECT hub_is_lead()").fetchone()[0]:
            raise HubError(f"{shown_url(url)}: only the hub's lead assigns articles")
        known = {r[0] for r in conn.execute("SELECT name FROM members WHERE active")}
        unknown = [m for m in members if m not in known]
        if unknown:
            raise HubError(f"not members of this hub: {', '.join(unknown)} (add them with "
                           "'annotator hub add-member URL NAME')")
        with conn.transaction():
            released = 0
            if release:
                released = conn.execute(
                    "UPDATE assignments a SET active = false WHERE a.annotator = %s AND a.active "
                    "AND NOT EXISTS (SELECT 1 FROM document_status s WHERE s.document = "
                    "a.document AND s.annotator = a.annotator AND s.status = 'done')",
                    [release],
                ).rowcount
                members = [m for m in members if m != release]
            holders: dict[str, set[str]] = defaultdict(set)
            load: Counter = Counter({m: 0 for m in members})
            for doc, who in conn.execute(
                "SELECT document, annotator FROM assignments WHERE active"
            ):
                holders[doc].add(who)
                if who in load:
                    load[who] += 1
            started = {r[0] for r in conn.execute(
                "SELECT DISTINCT document FROM document_status WHERE status != 'todo'")}
            made: Counter = Counter()
            short = 0
            rows = []
            for (doc,) in conn.execute("SELECT id FROM documents ORDER BY position"):
                if status == "todo" and doc in started:
                    continue
                need = per_document - len(holders[doc])
                for _ in range(need):
                    free = [m for m in members if m not in holders[doc]]
                    if not free:
                        short += 1
                        break
                    who = min(free, key=lambda m: (load[m], members.index(m)))
                    holders[doc].add(who)
                    load[who] += 1
                    made[who] += 1
                    rows.append((doc, who))
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO assignments (document, annotator) VALUES (%s, %s) "
                    "ON CONFLICT (document, annotator) DO UPDATE SET active = true", rows)
    return AssignReport(made, short, released)


def progress(url: str) -> dict:
    """Per member and per article: assigned, not started, in progress, done; an article is
    ready for review when every one of its annotators is done."""
    with connect(url) as conn:
        hub_version(conn, url)
        return progress_on(conn)


def progress_on(conn) -> dict:
    """``progress`` on an open connection (sync/team.py adds the pace to the same reading)."""
    status = {(d, a): s for d, a, s in conn.execute(
        "SELECT document, annotator, status FROM document_status WHERE NOT deleted")}
    people: dict[str, Counter] = defaultdict(Counter)
    articles: dict[str, dict] = {}
    for doc, title, who in conn.execute(
        "SELECT d.id, d.title, a.annotator FROM documents d LEFT JOIN assignments a "
        "ON a.document = d.id AND a.active ORDER BY d.position, a.annotator"
    ):
        entry = articles.setdefault(doc, {"id": doc, "title": title, "annotators": {}})
        if who is None:
            continue
        state = status.get((doc, who), "todo")
        entry["annotators"][who] = state
        people[who]["assigned"] += 1
        people[who][state] += 1
    for entry in articles.values():
        states = list(entry["annotators"].values())
        entry["state"] = ("unassigned" if not states else
                          "ready for review" if all(s == "done" for s in states) else
                          "in progress" if any(s != "todo" for s in states) else "assigned")
    return {
        "annotators": {m: {k: c[k] for k in ("assigned", "todo", "in_progress", "done")}
                       for m, c in sorted(people.items())},
        "articles": list(articles.values()),
    }


def set_scheme(url: str, path: Path) -> tuple[list[str], int]:
    """Merge the scheme JSON file ``path`` (as ``annotator labels --import`` reads it) into
    the hub's scheme, its link rules with it (sync/hub_rules.py); members receive it at their
    next sync. Returns the new labels' names and how many of the file's link rules were left
    out: all of them on a hub of schema version 1, which carries none (the caller says how to
    bring it up to date), else none."""
    from annotator.core import scheme
    from annotator.formats.scheme_file import read_scheme
    from annotator.sync.hub_rules import carried, write_rules

    incoming, rules = read_scheme(path)
    with connect(url) as conn:
        hub_version(conn, url)
        if not conn.execute("SELECT hub_is_lead()").fetchone()[0]:
            raise HubError(f"{shown_url(url)}: only the hub's lead changes the scheme")
        with conn.transaction():
            names = [r[0] for r in conn.execute("SELECT name FROM labels")]
            scheme.check_merge(names, incoming, str(path))
            keyed = [lb.key for lb in incoming if lb.key]
            conn.execute("UPDATE labels SET key = NULL WHERE key = ANY(%s)", [keyed])
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO labels (name, kind, color, key, position, description) "
                    "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (name) DO UPDATE SET "
                    "kind = excluded.kind, color = excluded.color, key = excluded.key, "
                    "position = excluded.position, description = excluded.description",
                    [(lb.name, lb.kind, lb.color, lb.key, lb.position, lb.description)
                     for lb in incoming],
                )
            left_out = len(rules)
            if carried(conn):
                write_rules(conn, url, rules, str(path))
                left_out = 0
    return [lb.name for lb in incoming if lb.name not in names], left_out
