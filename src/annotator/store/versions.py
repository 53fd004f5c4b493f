"""A corrected file from an annotator (issue 16): new versions of what they sent for review.

An annotator who fixes their work and sends their database again sends new versions of
items the review database holds already (same ids). ``apply_versions`` runs inside the
review import's one transaction (store/sharing.py), before the import proper, and for
each annotator of each received file:

- compares their spans, links and document labels, in the documents the file holds, with
  what the review database holds of theirs there: *changed* (same id, other offsets,
  label, ends or note: only a different time of edit is no change), *deleted* (held here,
  absent from the file) and *added*;
- writes the new versions: a changed span is updated in place (its id, and so the verdict
  on it, stays), a changed link is removed and comes back from the file through the
  import (its ends may be spans the import adds), deleted items are removed;
- flags every verdict given on a changed or deleted item (``review_flags``): it needs
  another look (a rejection of an item now deleted excepted: the annotator agrees with
  it). Every other verdict stands untouched. A flag names the verdict's ``decided_at``:
  once the reviewer decides the item again, the flag is settled; a deleted item's flag is
  settled too once the gold item its verdict made is removed, or with ``settle_flags``
  (``annotator review-history --settle``);
- records the version (``received_versions``): the file, when, its hash, a hash of that
  annotator's content, and counts. A file whose content for an annotator is the same as
  their last version adds no version.

Whatever goes wrong raises, and the caller's transaction leaves the database as it was.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.annotators import GOLD
from annotator.core.ids import utc_now
from annotator.core.model import IncomingDocument
from annotator.store.errors import StoreError, reads
from annotator.store.importer import ImportSummary

_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
             "ninth", "tenth")  # fmt: skip


@dataclass
class ReceivedFile:
    """One received database as read and checked (store/sharing.py)."""

    path: Path
    documents: list[IncomingDocument]
    names: list[str]  # its annotators table
    labels: list[dict]  # its labels table, every column
    file_sha256: str

    def authors(self) -> list[str]:
        """Who made the spans, links and document labels it holds (gold is no author)."""
        found = {
            item.annotator
            for doc in self.documents
            for item in (*doc.spans, *doc.relations, *doc.document_labels)
        }
        return sorted(n for n in found if n and n != GOLD)


@dataclass
class Version:
    """What one annotator sent in one file, beside what the review database held of it."""

    annotator: str
    version: int
    file: str
    received_at: str
    file_sha256: str
    content_sha256: str
    documents: int = 0
    spans: int = 0
    links: int = 0
    document_labels: int = 0
    changed: int = 0
    deleted: int = 0
    added: int = 0
    flagged: int = 0
    new: bool = True  # False: the same content as the version ``version``, nothing recorded
    details: list[str] = field(default_factory=list)  # "1 span changed", ... (this import)
    relinked: int = 0  # changed links taken out for the import to bring back

    def line(self) -> str:
        """"bob: second version (1 span changed, 1 span deleted); 1 verdict needs
        another look"."""
        if not self.new:
            return (f"{self.annotator}: the same as their {ordinal(self.version)} version "
                    f"(received {self.received_at[:16].replace('T', ' ')}), nothing new")  # fmt: skip
        text = f"{self.annotator}: {ordinal(self.version)} version"
        if self.version > 1 or self.details:
            text += f" ({', '.join(self.details) or 'no change'})"
        if self.flagged:
            text += (f"; {self.flagged} verdict{'s' if self.flagged != 1 else ''} "
                     f"need{'' if self.flagged != 1 else 's'} another look")  # fmt: skip
        return text


@dataclass(frozen=True)
class Flag:
    """A verdict that needs another look: its item changed or went in a later version."""

    item: str
    kind: str  # span or relation
    document: str
    annotator: str
    change: str  # changed or deleted
    was: str  # the item as it was when decided
    now: str  # the item as it is now ("" when deleted)
    version: int  # the annotator's version that changed it
    verdict: str

    def line(self) -> str:
        """"bob's “Kiev” (actor) at 25-29, accepted: deleted in version 2"."""
        now = f"now {self.now}" if self.change == "changed" else "deleted"
        return f"{self.annotator}'s {self.was}, {self.verdict}: {now} in version {self.version}"


@dataclass
class ReviewImportSummary(ImportSummary):
    """An import for review: what was added, then each annotator's version and what the
    scheme brought (:meth:`lines`)."""

    versions: list[Version] = field(default_factory=list)
    scheme: list[str] = field(default_factory=list)

    @property
    def flagged(self) -> int:
        return sum(v.flagged for v in self.versions)

    def lines(self) -> list[str]:
        return [v.line() for v in self.versions] + self.scheme

    def added(self) -> str:
        """What the import added (the ImportSummary's own description)."""
        return super().describe()

    def describe(self) -> str:
        return "; ".join([self.added(), *self.lines()])


def ordinal(n: int) -> str:
    return _ORDINALS[n - 1] if 1 <= n <= len(_ORDINALS) else f"number {n}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class Versions:
    """Received versions and review flags; mixed into :class:`annotator.store.Store`."""

    conn: sqlite3.Connection

    @reads
    def received_versions(self, annotator: str | None = None) -> list[Version]:
        """Every version received, oldest first (of one annotator, if given)."""
        where, args = ("WHERE annotator = ?", [annotator]) if annotator else ("", [])
        rows = self.conn.execute(
            "SELECT annotator, version, file, received_at, file_sha256, content_sha256, "
            "documents, spans, links, document_labels, changed, deleted, added, flagged "
            f"FROM received_versions {where} ORDER BY received_at, id",
            args,
        )
        return [Version(*row) for row in rows]

    @reads
    def review_flags(self, doc_id: str | None = None) -> list[Flag]:
        """The verdicts that need another look (of one document, if given): flagged by a
        later version of their item and not decided again since."""
        where, args = ("AND f.document = ?", [doc_id]) if doc_id else ("", [])
        rows = self.conn.execute(
            "SELECT f.item, f.kind, f.document, f.annotator, f.change, f.was, f.now, "
            "v.version, d.verdict FROM review_flags f "
            "JOIN decisions d ON d.item = f.item AND d.decided_at = f.decided_at "
            "JOIN received_versions v ON v.id = f.version "
            # a deleted item's verdict is looked at again through the gold item it made:
            # once that is gone (removed by hand), so is the question
            "WHERE (f.change = 'changed' OR EXISTS (SELECT 1 FROM spans WHERE id = d.gold) "
            f"OR EXISTS (SELECT 1 FROM relations WHERE id = d.gold)) {where} "
            "ORDER BY f.document, f.item",
            args,
        )
        return [Flag(*row) for row in rows]

    def settle_flags(self, items: Iterable[str]) -> None:
        """The reviewer has looked again and keeps these verdicts as they are."""
        items = list(items)
        with self._write():  # type: ignore[attr-defined]
            self.conn.executemany("DELETE FROM review_flags WHERE item = ?", [[i] for i in items])


# -- applying new versions (inside the review import's transaction) ----------------------


def senders(conn: sqlite3.Connection, received: ReceivedFile) -> list[str]:
    """The annotators whose work the file is: its authors; a file without any (everything
    deleted) is the one earlier sender its annotators table names, if exactly one."""
    found = received.authors()
    if found:
        return found
    known = {r[0] for r in conn.execute("SELECT DISTINCT annotator FROM received_versions")}
    named = sorted(known.intersection(received.names) - {GOLD})
    return named if len(named) == 1 else []


def apply_versions(conn: sqlite3.Connection, files: list[ReceivedFile]) -> list[Version]:
    """Bring the review database to the versions ``files`` hold (see the module's
    docstring); return one Version per annotator and file. Call inside a transaction."""
    whose: dict[str, Path] = {}
    out = []
    for received in files:
        for name in senders(conn, received):
            if name in whose:
                raise StoreError(
                    f"{received.path}: holds {name}'s work, and so does {whose[name]}; "
                    "import one version at a time, the older first (nothing was imported)"
                )
            whose[name] = received.path
            out.append(_apply(conn, received, name))
    return out


def _apply(conn: sqlite3.Connection, received: ReceivedFile, who: str) -> Version:
    docs = {d.id: d for d in received.documents if d.id}
    spans = {s.id: (doc_id, s.start, s.end, s.label, s.note or None, s)
             for doc_id, d in docs.items() for s in d.spans if s.id and s.annotator == who}  # fmt: skip
    links = {r.id: (doc_id, r.label, r.source, r.target, r.note or None)
             for doc_id, d in docs.items() for r in d.relations if r.id and r.annotator == who}  # fmt: skip
    labels = {(doc_id, x.label) for doc_id, d in docs.items()
              for x in d.document_labels if x.annotator == who}  # fmt: skip
    content = json.dumps(
        [sorted(docs), sorted((k, v[:5]) for k, v in spans.items()), sorted(links.items()),
         sorted(labels)], ensure_ascii=False,
    )  # fmt: skip
    content_sha = hashlib.sha256(content.encode()).hexdigest()
    held_spans = _held(conn, "spans", "id, document, start, end, label, nullif(note, ''), "
                       "annotator, text", who, list(docs), list(spans))  # fmt: skip
    held_links = _held(conn, "relations", "id, document, label, source, target, "
                       "nullif(note, ''), annotator, ''", who, list(docs), list(links))  # fmt: skip
    held_labels = set(_chunked(conn, "SELECT document, label FROM document_labels WHERE "
                               "annotator = ? AND document IN ({})", list(docs), [who]))  # fmt: skip
    changed_spans = [i for i in spans if i in held_spans and held_spans[i][:5] != spans[i][:5]]
    changed_links = [i for i in links if i in held_links and held_links[i][:5] != links[i]]
    gone_spans = [i for i in held_spans if i not in spans]
    gone_links = [i for i in held_links if i not in links]
    gone_labels = sorted(held_labels - labels)
    for item_id in (*changed_spans, *changed_links):
        held = held_spans.get(item_id) or held_links[item_id]
        new = spans.get(item_id) or links[item_id]
        if held[0] != new[0]:
            raise StoreError(
                f"{received.path}: {who}'s item {item_id!r} is in another article than the "
                "one it was received in; nothing was imported"
            )
    last = conn.execute(
        "SELECT version, content_sha256, received_at FROM received_versions "
        "WHERE annotator = ? ORDER BY version DESC LIMIT 1",
        [who],
    ).fetchone()
    touched = changed_spans or changed_links or gone_spans or gone_links or gone_labels
    now = utc_now()
    version = Version(
        who, (last[0] if last else 0) + 1, str(received.path), now, received.file_sha256,
        content_sha, len(docs), len(spans), len(links), len(labels),
        len(changed_spans) + len(changed_links),
        len(gone_spans) + len(gone_links) + len(gone_labels),
        sum(i not in held_spans for i in spans) + sum(i not in held_links for i in links)
        + len(labels - held_labels),
    )  # fmt: skip
    if last is not None and last[1] == content_sha:
        if touched:  # the same version as before: what differs was changed here, not sent
            raise StoreError(
                f"{received.path}: holds {who}'s {ordinal(last[0])} version again, but this "
                f"database's copy of it was changed since ({version.changed} item(s) changed, "
                f"{version.deleted} gone); the copy here is kept: nothing was imported"
            )
        version.version, version.received_at, version.new = last[0], last[2], False
        return version
    version.details = [
        f"{_plural(n, kind)} {what}"
        for what, counts in (
            ("changed", (len(changed_spans), len(changed_links), 0)),
            ("deleted", (len(gone_spans), len(gone_links), len(gone_labels))),
            ("added", (sum(i not in held_spans for i in spans),
                       sum(i not in held_links for i in links), len(labels - held_labels))),
        )  # fmt: skip
        for n, kind in zip(counts, ("span", "link", "document label"), strict=True)
        if n
    ]
    row_id = conn.execute(
        "INSERT INTO received_versions (annotator, version, file, file_sha256, "
        "content_sha256, received_at, documents, spans, links, document_labels, changed, "
        "deleted, added) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [who, version.version, version.file, version.file_sha256, content_sha, now,
         version.documents, version.spans, version.links, version.document_labels,
         version.changed, version.deleted, version.added],
    ).lastrowid  # fmt: skip
    # What each item was, read before anything is written; then what it is now.
    def held_text(span_id: str) -> str:
        row = conn.execute("SELECT text FROM spans WHERE id = ?", [span_id]).fetchone()
        return row[0] if row else "?"

    def new_text(span_id: str) -> str:
        if span_id in spans:
            doc_id, start, end = spans[span_id][:3]
            return docs[doc_id].text[start:end]
        return held_text(span_id)

    def link_words(row: tuple, text_of) -> str:
        label, source, target, note = row[1:5]
        return (f"{label} link “{_short(text_of(source))}” → “{_short(text_of(target))}”"
                + _noted(note))  # fmt: skip

    flags = []
    for i in changed_spans:
        h, (doc_id, start, end, label, note, _s) = held_spans[i], spans[i]
        flags.append((i, "span", h, _span_words(h[6], h[3], h[1], h[2], h[4]),
                      _span_words(docs[doc_id].text[start:end], label, start, end, note)))  # fmt: skip
    for i in changed_links:
        flags.append((i, "relation", held_links[i], link_words(held_links[i], held_text),
                      link_words(links[i], new_text)))  # fmt: skip
    for i in gone_links:
        flags.append((i, "relation", held_links[i], link_words(held_links[i], held_text), ""))
    for i in gone_spans:
        h = held_spans[i]
        flags.append((i, "span", h, _span_words(h[6], h[3], h[1], h[2], h[4]), ""))
    for i in changed_spans:
        doc_id, start, end, label, note, incoming = spans[i]
        conn.execute(
            "UPDATE spans SET start = ?, end = ?, label = ?, text = ?, note = ?, "
            "created_at = coalesce(?, created_at), updated_at = coalesce(?, updated_at) "
            "WHERE id = ?",
            [start, end, label, docs[doc_id].text[start:end], note, incoming.created_at,
             incoming.updated_at, i],
        )  # fmt: skip
    version.relinked = len(changed_links)
    _remove(conn, received.path, who, changed_links + gone_links, gone_spans, gone_labels)
    decided = {item: (at, verdict) for item, at, verdict in _chunked(
        conn, "SELECT item, decided_at, verdict FROM decisions WHERE item IN ({})",
        [f[0] for f in flags])}  # fmt: skip
    for item_id, kind, held, was, is_now in flags:
        # A rejected item now deleted: the annotator came round to the verdict, which
        # nothing could make another look change.
        if item_id not in decided or (not is_now and decided[item_id][1] == "rejected"):
            continue
        version.flagged += 1
        # A flag still open from an earlier version keeps what the verdict was given on.
        conn.execute(
            "INSERT INTO review_flags (item, kind, document, annotator, change, was, now, "
            "version, decided_at, flagged_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (item) DO UPDATE SET change = excluded.change, now = excluded.now, "
            "version = excluded.version, flagged_at = excluded.flagged_at, "
            "was = CASE WHEN review_flags.decided_at = excluded.decided_at "
            "THEN review_flags.was ELSE excluded.was END, decided_at = excluded.decided_at",
            [item_id, kind, held[0], who, "changed" if is_now else "deleted", was, is_now,
             row_id, decided[item_id][0], now],
        )  # fmt: skip
    conn.execute("UPDATE received_versions SET flagged = ? WHERE id = ?", [version.flagged, row_id])
    return version


def _remove(
    conn: sqlite3.Connection,
    path: Path,
    who: str,
    links: list[str],
    spans: list[str],
    labels: list[tuple[str, str]],
) -> None:
    """Remove ``who``'s links, then spans and document labels that the new version no
    longer holds (or, for links, holds changed: the import brings them back). A span that
    someone else's link still uses is not removed behind that link's back: refused."""
    gone = set(links)
    for i in range(0, len(spans), 400):
        chunk = spans[i : i + 400]
        marks = ",".join("?" * len(chunk))
        users = [
            r for r in conn.execute(
                f"SELECT id, annotator, label FROM relations WHERE source IN ({marks}) "
                f"OR target IN ({marks})", chunk + chunk,
            ) if r[0] not in gone
        ]  # fmt: skip
        users = [r for r in users if r[1] != who]  # their own links go with the file's
        if users:
            rel_id, owner, label = users[0]
            raise StoreError(
                f"{path}: {who} deleted a span that {owner}'s {label} link {rel_id!r} uses "
                "in this database; nothing was imported"
            )
    conn.executemany("DELETE FROM relations WHERE id = ?", [[i] for i in links])
    for span_id in spans:
        row = conn.execute("DELETE FROM spans WHERE id = ? RETURNING document", [span_id]).fetchone()
        if row is not None:
            conn.execute("UPDATE span_counts SET spans = spans - 1 WHERE document = ?", [row[0]])
    conn.executemany(
        "DELETE FROM document_labels WHERE document = ? AND label = ? AND annotator = ?",
        [[doc_id, label, who] for doc_id, label in labels],
    )


def _held(
    conn: sqlite3.Connection, table: str, columns: str, who: str, docs: list[str], ids: list[str]
) -> dict[str, tuple]:
    """``who``'s items of ``table`` in ``docs``, and those with ``ids`` that are theirs."""
    rows = _chunked(conn, f"SELECT {columns} FROM {table} WHERE annotator = ? "
                    "AND document IN ({})", docs, [who])  # fmt: skip
    rows += _chunked(conn, f"SELECT {columns} FROM {table} WHERE id IN ({{}})", ids)
    return {r[0]: tuple(r[1:]) for r in rows if r[6] == who}


def _chunked(conn: sqlite3.Connection, sql: str, values: list, before: list | None = None) -> list:
    rows: list = []
    for i in range(0, len(values), 500):
        chunk = values[i : i + 500]
        rows += conn.execute(sql.format(",".join("?" * len(chunk))), [*(before or []), *chunk])
    return rows


def _span_words(text: str, label: str, start: int, end: int, note: str | None) -> str:
    return f"“{_short(text)}” ({label}) at {start}-{end}" + _noted(note)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:39] + "…"


def _noted(note: str | None) -> str:
    return f", noted “{_short(note)}”" if note else ""
