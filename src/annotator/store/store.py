"""The store: one class that owns every SQL statement.

Every edit is its own ``BEGIN IMMEDIATE`` transaction, committed before the method
returns, so what the window shows as saved is on disk (WAL, synchronous=FULL).
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import json
import sqlite3
import weakref
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.bulk import collector_paused
from annotator.core.errors import InputError
from annotator.core.ids import content_span_id, document_id, text_sha256, utc_now
from annotator.core.model import (
    Document,
    DocumentMeta,
    DocumentSummary,
    IncomingDocument,
    Label,
    Relation,
    Span,
)
from annotator.core.spanset import SpanSet
from annotator.store import guard, opening
from annotator.store.adjudication import AdjudicationMixin
from annotator.store.errors import StoreError, environment_error
from annotator.store.schema import APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, STATUSES

if TYPE_CHECKING:
    import sqlite_utils

_NEW_LABEL_COLORS = ("#e5739a", "#a77ee0", "#e8844a", "#4fb7c9", "#9aa546", "#c9a227")
_SPAN_COLUMNS = "id, document, start, end, label, text, annotator, created_at, updated_at, note"
_REL_COLUMNS = "id, document, label, source, target, annotator, created_at, updated_at, note"
_ORDER_COLUMNS = {
    "position": "d.position",
    "title": "d.title COLLATE NOCASE",
    "source": "d.source COLLATE NOCASE",
    "published": "d.published",
    "spans": "coalesce(c.spans, 0)",
}
_STATUS_SQL = (
    "coalesce((SELECT st.status FROM document_status st "
    "WHERE st.document = d.id AND st.annotator = ?), 'todo')"
)


@dataclass
class ImportSummary:
    documents_added: int = 0
    documents_present: int = 0
    spans_added: int = 0
    spans_present: int = 0
    relations_added: int = 0
    relations_present: int = 0
    labels_added: list[str] = field(default_factory=list)

    def describe(self) -> str:
        parts = [
            f"{self.documents_added} document(s) added",
            f"{self.spans_added} span(s)",
            f"{self.relations_added} relation(s)",
        ]
        if self.documents_present:
            parts.append(f"{self.documents_present} document(s) already present")
        if self.spans_present or self.relations_present:
            parts.append(
                f"{self.spans_present} span(s) and {self.relations_present} relation(s) "
                "already present"
            )
        if self.labels_added:
            parts.append("new label(s) added to the scheme: " + ", ".join(self.labels_added))
        return "; ".join(parts)


_OPEN_FILES: weakref.WeakSet[Store] = weakref.WeakSet()


@atexit.register
def _close_open_files() -> None:
    """A program that ends without closing its store (an uncaught error, a script) still
    leaves the file at rest: otherwise SQLite's own close would remove the -wal but leave
    the header in WAL mode, and the next open would warn of an incomplete copy."""
    for store in list(_OPEN_FILES):
        with contextlib.suppress(Exception):
            store.close()


def _reads(method):
    """A read from a damaged file says so (StoreError), instead of an SQLite traceback."""

    @functools.wraps(method)
    def read(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            if isinstance(exc, sqlite3.DatabaseError) and not environment_error("", exc):
                raise
            raise _translated(self.path or ":memory:", exc) from exc

    return read


class Store(AdjudicationMixin):
    """An Annotator database. Open with :meth:`open`, :meth:`open_readonly` or :meth:`memory`."""

    # Write transactions take the write lock at once: a deferred BEGIN would let two
    # connections read, then fail with "database is locked" when both try to write.
    # (A test swaps this to show that its checks catch deferred transactions.)
    _BEGIN = "BEGIN IMMEDIATE"

    def __init__(self, conn: sqlite3.Connection, path: Path | None) -> None:
        self.path = path
        self.conn = conn
        # Things the user should know about this file (network share, incomplete copy);
        # the window shows them once, the command line prints them.
        self.warnings: list[str] = []
        self._file = False  # a read-write connection to a file: left at rest on close
        self._busy_ms: int | None = None  # the busy timeout, once patience() has set it
        self._annotators: set[str] = set()  # names known to be in the annotators table
        self._annotators_pending: set[str] = set()  # added by the transaction under way

    @functools.cached_property
    def db(self) -> sqlite_utils.Database:
        """The sqlite-utils view of the connection (migrations use it), made when first
        needed: importing sqlite-utils is a noticeable part of a start."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn, execute_plugins=False)

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def open_readonly(cls, path: Path | str) -> Store:
        """Open a database to read it only (exports, reviews): nothing is written to the
        file, not even the journal mode, and nothing is made beside it. A file that needs
        writing before it can be read (a hot journal to roll back, a WAL that no session
        has open) is read from a private copy, and an older schema is migrated in a private
        in-memory copy; the file itself stays as it is."""
        path = Path(path)
        if not path.exists():
            raise StoreError(f"{path}: no such database")
        opening.check_header(path)
        warnings = guard.warnings_for(path)
        conn = None
        try:
            if opening.idle_wal(path):  # reading in place would make a -wal and -shm beside it
                conn = opening.recovered_copy(path)
            else:
                conn = opening.connect_readonly(path)
            try:
                version = _checked_version(conn, path)
            except sqlite3.Error as exc:
                if not opening.needs_private_copy(exc):
                    raise
                conn.close()
                conn = opening.recovered_copy(path)
                version = _checked_version(conn, path)
            if version < SCHEMA_VERSION:
                memory = opening.connect(":memory:")
                conn.backup(memory)
                conn.close()
                conn = memory
            store = cls(conn, path)
            if version < SCHEMA_VERSION:
                store._migrate(version)
        except BaseException as exc:
            if conn is not None:
                conn.close()
            if isinstance(exc, sqlite3.Error | UnicodeDecodeError):
                raise _translated(path, exc) from exc
            raise
        store.warnings = warnings
        return store

    def file(self) -> Path | None:
        """The file this connection reads (a private copy, for some read-only opens);
        None in memory."""
        name = self.conn.execute("PRAGMA database_list").fetchone()[2]
        return Path(name) if name else None

    def interrupt(self) -> None:
        """Stop the statement this connection is running; callable from any thread."""
        with contextlib.suppress(sqlite3.ProgrammingError):  # already closed
            self.conn.interrupt()

    @classmethod
    def reader(cls, file: Path) -> Store:
        """Another read-only connection to a ``file()`` this process already opened and
        checked, for reads in another thread (a connection belongs to its thread)."""
        return cls(opening.connect_readonly(file), file)

    @classmethod
    def open(cls, path: Path | str, *, create: bool = True) -> Store:
        """Open (or, if allowed, create) an Annotator database.

        Refuses, without changing a byte, a folder, an empty file, a file that is not
        SQLite, another application's database, a database from a newer version, one whose
        schema holds anything ours does not (a trigger, a view) and a damaged one.
        An older database is backed up beside itself, then migrated in one transaction.
        """
        path = Path(path)
        if not path.exists():
            if not create:
                raise StoreError(f"{path}: no such database")
            if not path.parent.is_dir():
                raise StoreError(f"{path}: the folder {path.parent} does not exist")
            cls._create(path)
        opening.check_header(path)
        warnings = guard.warnings_for(path)  # before SQLite makes a -wal of its own
        try:
            conn = opening.connect(path)
        except sqlite3.Error as exc:
            raise _translated(path, exc) from exc
        try:
            store = cls(conn, path)
            store._prepare()
        except BaseException:
            conn.close()
            raise
        store.warnings = warnings
        store._file = True
        _OPEN_FILES.add(store)
        return store

    @classmethod
    def _create(cls, path: Path) -> None:
        """Make a complete new database beside ``path``, then link it into place: another
        instance starting at the same moment, or a crash half-way, never leaves an empty
        or half-made file at ``path``."""
        draft = opening.draft_path(path)
        try:
            conn = opening.connect(draft)
            try:
                conn.execute("PRAGMA synchronous = FULL")
                cls(conn, path)._migrate(0)
            finally:
                conn.close()
            opening.link_into_place(draft, path)
        except sqlite3.Error as exc:
            raise _translated(path, exc) from exc
        except OSError as exc:
            raise StoreError(f"{path}: cannot be created ({exc.strerror})") from exc
        finally:
            cls.remove_files(draft)

    @classmethod
    def create_with(
        cls, path: Path, documents: Iterable[IncomingDocument], *, annotator: str
    ) -> None:
        """Make a new database that already holds ``documents`` and give it its name in
        one step: an instance starting at the same moment finds no file or the complete
        one, never an empty database (the first run's seeds)."""
        draft = opening.draft_path(Path(path))
        try:
            with cls.open(draft) as store:
                store.import_documents(documents, annotator=annotator)
            opening.link_into_place(draft, Path(path))
        finally:
            cls.remove_files(draft)

    @staticmethod
    def remove_files(path: Path) -> None:
        """Delete a database and its side files (only for one this process just created)."""
        for suffix in ("", "-wal", "-shm", "-journal"):
            # e.g. a read-only folder: the error that brought us here matters more
            with contextlib.suppress(OSError):
                Path(f"{path}{suffix}").unlink(missing_ok=True)

    @classmethod
    def memory(cls) -> Store:
        store = cls(opening.connect(":memory:"), None)
        store._migrate(0)
        return store

    def _prepare(self) -> None:
        """Check an existing file, migrate it if it is older, then switch it to WAL.

        The migration runs in the file's own journal mode (at rest, rollback): if it
        fails, SQLite puts every page back and the file is byte for byte what it was.
        """
        try:
            version = _checked_version(self.conn, self.path)
            self.conn.execute("PRAGMA synchronous = FULL")
            if version < SCHEMA_VERSION:
                if version > 0:
                    opening.backup(self.conn, self.path, version)
                self._migrate(version)
            opening.configure_file(self.conn)
        except (sqlite3.Error, UnicodeDecodeError) as exc:
            raise _translated(self.path, exc) from exc

    def _migrate(self, version: int) -> None:
        with self._write():
            for fn in MIGRATIONS[version:]:
                fn(self.db)
            self.conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        if self.path is not None and self._pragma("journal_mode") == "wal":
            # Put the header (application_id, user_version) into the main file now.
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _pragma(self, name: str) -> int:
        return self.conn.execute(f"PRAGMA {name}").fetchone()[0]

    @property
    def schema_version(self) -> int:
        return self._pragma("user_version")

    def close(self) -> None:
        """Close; the last connection to a file also leaves it at rest in rollback-journal
        mode, one self-contained file (see guard.incomplete_copy_warning)."""
        if self._file and not self.conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("PRAGMA busy_timeout = 0")  # others open: stay in WAL
                self.conn.execute("PRAGMA journal_mode = DELETE")
        self._file = False
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def patience(self, milliseconds: int) -> Iterator[None]:
        """Wait at most this long for another writer's lock (the window keeps its event
        loop moving: it waits briefly and tries again later, see gui/commands.py)."""
        before = self._busy_ms if self._busy_ms is not None else self._pragma("busy_timeout")
        self.conn.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")
        self._busy_ms = int(milliseconds)
        try:
            yield
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {before}")
            self._busy_ms = before

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One write transaction: BEGIN IMMEDIATE waits (busy timeout) for other writers
        instead of failing half-way; any error, in SQLite or not, rolls everything back."""
        if self.conn.in_transaction:
            raise RuntimeError("write transactions do not nest")
        try:
            self.conn.execute(self._BEGIN)
            try:
                yield
                self.conn.execute("COMMIT")
            except BaseException:
                self._annotators_pending.clear()
                self._rollback()
                raise
            self._annotators |= self._annotators_pending
            self._annotators_pending.clear()
        except sqlite3.Error as exc:
            if environment_error("", exc) is None:
                raise
            raise _translated(self.path or ":memory:", exc) from exc

    def _rollback(self) -> None:
        # SQLite may already have rolled back (a full disk, an I/O error); a failing
        # ROLLBACK must not hide the error that brought us here.
        if self.conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")

    # -- labels and annotators -----------------------------------------------------------

    @_reads
    def labels(self, kind: str | None = "span") -> list[Label]:
        where, args = ("WHERE kind = ?", [kind]) if kind else ("", [])
        rows = self.conn.execute(
            "SELECT name, kind, color, key, position, description FROM labels "
            f"{where} ORDER BY kind, position, name",
            args,
        )
        return [Label(*row) for row in rows]

    @_reads
    def label_usage(self, name: str) -> int:
        """How many spans (or relations) use a label."""
        row = self.conn.execute(
            "SELECT (SELECT count(*) FROM spans WHERE label = ?) "
            "+ (SELECT count(*) FROM relations WHERE label = ?)",
            [name, name],
        ).fetchone()
        return row[0]

    def save_scheme(
        self, labels: list[Label], *, renames: dict[str, str], deletes: list[str]
    ) -> None:
        """Replace the scheme in one transaction: renamed labels keep their spans (the
        rename cascades), deleted labels take their spans and links with them."""
        with self._write():
            for name in deletes:
                self.conn.execute("DELETE FROM spans WHERE label = ?", [name])
                self.conn.execute("DELETE FROM relations WHERE label = ?", [name])
                self.conn.execute("DELETE FROM labels WHERE name = ?", [name])
            self.conn.execute("UPDATE labels SET key = NULL")  # keys may swap places
            for old, new in renames.items():
                self.conn.execute("UPDATE labels SET name = ? WHERE name = ?", [new, old])
            positions: Counter[str] = Counter()
            for label in labels:
                position = positions[label.kind]
                positions[label.kind] += 1
                self.conn.execute(
                    "INSERT INTO labels (name, kind, color, key, position, description) "
                    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET "
                    "color = excluded.color, key = excluded.key, position = excluded.position, "
                    "description = excluded.description",
                    [label.name, label.kind, label.color, label.key, position, label.description],
                )

    def merge_scheme(self, labels: list[Label]) -> list[str]:
        """Add the labels a scheme file brings and take its colours and keys for the
        ones that exist (nothing is deleted). Returns the names added."""
        current = {label.name: label for label in self.labels(None)}
        merged = list(current.values())
        added = []
        for label in labels:
            if label.name in current:
                if current[label.name].kind != label.kind:
                    raise StoreError(f"{label.name!r} is a {current[label.name].kind} label here")
                merged[merged.index(current[label.name])] = replace(
                    current[label.name], color=label.color, key=label.key
                )
            else:
                merged.append(label)
                added.append(label.name)
        taken = {}
        for label in merged:  # a key the file gives a label wins over the old holder
            if label.key:
                previous = taken.get((label.kind, label.key))
                if previous is not None and previous.name not in {x.name for x in labels}:
                    merged[merged.index(previous)] = replace(previous, key=None)
                taken[(label.kind, label.key)] = label
        self.save_scheme(merged, renames={}, deletes=[])
        return added

    def _ensure_annotator(self, name: str) -> None:
        if name in self._annotators:  # rows of annotators are never deleted
            return
        self.conn.execute(
            "INSERT OR IGNORE INTO annotators (name, created_at) VALUES (?, ?)", [name, utc_now()]
        )
        self._annotators_pending.add(name)

    def _add_labels(self, names: Iterable[str], kind: str, origin: str = "") -> list[str]:
        known = dict(self.conn.execute("SELECT name, kind FROM labels").fetchall())
        added = []
        for name in names:
            if name in known:
                if known[name] != kind:
                    raise InputError(
                        origin or "import",
                        f"{name!r} is a {known[name]} label in this database; "
                        f"it cannot be used as a {kind} label",
                    )
                continue
            row = self.conn.execute(
                "SELECT count(*), coalesce(max(position) + 1, 0) FROM labels WHERE kind = ?",
                [kind],
            ).fetchone()
            color = _NEW_LABEL_COLORS[row[0] % len(_NEW_LABEL_COLORS)]
            self.conn.execute(
                "INSERT INTO labels (name, kind, color, key, position) VALUES (?, ?, ?, NULL, ?)",
                [name, kind, color, row[1]],
            )
            known[name] = kind
            added.append(name)
        return added

    # -- documents -----------------------------------------------------------------------

    @_reads
    def document_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM documents").fetchone()[0]

    @_reads
    def documents(self, annotator: str = "") -> list[DocumentSummary]:
        """Every document in import order (small databases and tests; the window pages)."""
        return list(self.document_rows(self.document_ids(), annotator).values())

    @_reads
    def document_ids(
        self,
        *,
        order: str = "position",
        descending: bool = False,
        search: str = "",
        status: str | None = None,
        annotator: str = "",
    ) -> list[str]:
        """Ids of the documents that match, in the order asked for.

        ``search`` is full-text (every word must occur; the last may be a prefix);
        ``status`` keeps the documents whose status for ``annotator`` is that one.
        """
        where, args = [], []
        if search.strip():
            where.append("d.rowid IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?)")
            args.append(_fts_query(search))
        if status is not None:
            where.append(f"{_STATUS_SQL} = ?")
            args += [annotator, status]
        sql = "SELECT d.id FROM documents d"
        if order == "spans":  # the join only when it is needed: it defeats the covering indexes
            sql += " LEFT JOIN span_counts c ON c.document = d.id"
        if where:
            sql += " WHERE " + " AND ".join(where)
        direction = "DESC" if descending else "ASC"
        if order == "status":
            column = f"CASE {_STATUS_SQL} WHEN 'todo' THEN 0 WHEN 'in_progress' THEN 1 ELSE 2 END"
            args.append(annotator)
        else:
            column = _ORDER_COLUMNS[order]
        sql += f" ORDER BY {column} {direction}"
        if order != "position":  # ties in import order (not "position, position": a temp sort)
            sql += f", d.position {direction}"
        return [r[0] for r in self.conn.execute(sql, args)]

    @_reads
    def document_rows(self, ids: list[str], annotator: str) -> dict[str, DocumentSummary]:
        """Summaries of ``ids`` (kept in that order) with ``annotator``'s status."""
        found: dict[str, DocumentSummary] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(
                f"SELECT d.id, d.title, d.source, d.published, coalesce(c.spans, 0), "
                f"{_STATUS_SQL}, d.note FROM documents d "
                f"LEFT JOIN span_counts c ON c.document = d.id WHERE d.id IN ({marks})",
                [annotator, *chunk],
            )
            found.update((row[0], DocumentSummary(*row)) for row in rows)
        return {doc_id: found[doc_id] for doc_id in ids if doc_id in found}

    def set_document_note(self, doc_id: str, note: str | None) -> None:
        with self._write():
            self.conn.execute("UPDATE documents SET note = ? WHERE id = ?", [note or None, doc_id])

    @_reads
    def status(self, doc_id: str, annotator: str) -> str:
        row = self.conn.execute(
            "SELECT status FROM document_status WHERE document = ? AND annotator = ?",
            [doc_id, annotator],
        ).fetchone()
        return row[0] if row else "todo"

    def set_status(self, doc_id: str, annotator: str, status: str) -> None:
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        with self._write():
            self._ensure_annotator(annotator)
            self._set_status(doc_id, annotator, status)

    @_reads
    def documents_with_status(self, statuses: Iterable[str], annotators: Iterable[str]) -> set[str]:
        """Documents whose status is one of ``statuses`` for one of ``annotators`` (for
        anyone who worked on them when ``annotators`` is empty; untouched means to do)."""
        statuses, annotators = set(statuses), set(annotators)
        by_doc: dict[str, dict[str, str]] = {doc_id: {} for doc_id in self.document_ids()}
        for doc_id, who, status in self.conn.execute(
            "SELECT document, annotator, status FROM document_status"
        ):
            by_doc[doc_id][who] = status
        found = set()
        for doc_id, marks in by_doc.items():
            if annotators:
                have = {marks.get(who, "todo") for who in annotators}
            else:
                have = set(marks.values()) or {"todo"}
            if have & statuses:
                found.add(doc_id)
        return found

    @_reads
    def done_ids(self, annotator: str) -> set[str]:
        rows = self.conn.execute(
            "SELECT document FROM document_status WHERE annotator = ? AND status = 'done'",
            [annotator],
        )
        return {r[0] for r in rows}

    def _set_status(self, doc_id: str, annotator: str, status: str) -> None:
        self.conn.execute(
            "INSERT INTO document_status (document, annotator, status, updated_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (document, annotator) "
            "DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at",
            [doc_id, annotator, status, utc_now()],
        )

    @_reads
    def document(self, doc_id: str) -> Document:
        row = self.conn.execute(
            "SELECT id, text, text_sha256, source_id, title, source, author, published, url, "
            "meta, created_at, note FROM documents WHERE id = ?",
            [doc_id],
        ).fetchone()
        if row is None:
            raise KeyError(doc_id)
        meta = DocumentMeta(row[4], row[5], row[6], row[7], row[8], json.loads(row[9]))
        return Document(row[0], row[1], row[2], row[3], meta, row[10], row[11])

    # -- spans ---------------------------------------------------------------------------

    @_reads
    def spans(self, doc_id: str, annotators: Iterable[str] | None = None) -> list[Span]:
        """The spans of a document (only those of ``annotators``, when given)."""
        among, names = _among(annotators)
        rows = self.conn.execute(
            f"SELECT {_SPAN_COLUMNS} FROM spans WHERE document = ?{among} "
            "ORDER BY start, end, id",
            [doc_id, *names],
        )
        return [Span(*row) for row in rows]

    @_reads
    def view_spans(
        self, doc: Document, annotators: Iterable[str] | None = None
    ) -> SpanSet | None:
        """The spans of ``doc`` as the window shows them, fast: offsets, ids, labels and
        annotators read in order from one covering index, each made into a :class:`Span`
        when first asked for, its text cut from ``doc.text`` (equal to the stored one,
        which :meth:`verify` checks apart) and its timestamps left empty (:meth:`span`
        reads a whole record). Only those of ``annotators``, when given. None when an offset
        is not a whole number inside the text (a damaged file): then read :meth:`spans` and
        let the checks say what is wrong."""
        damaged = self.conn.execute(
            "SELECT 1 FROM spans INDEXED BY spans_view WHERE document = ? AND NOT ("
            "typeof(start) = 'integer' AND typeof(end) = 'integer' "
            "AND start >= 0 AND end > start AND end <= ?) LIMIT 1",
            [doc.id, len(doc.text)],
        ).fetchone()
        if damaged:
            return None
        among, people = _among(annotators)
        names: dict[str, str] = {}  # one string per label and annotator, not one per span
        rows = [
            (start, end, span_id, names.setdefault(label, label),
             names.setdefault(annotator, annotator))
            for start, end, span_id, label, annotator in self.conn.execute(
                "SELECT start, end, id, label, annotator FROM spans INDEXED BY spans_view "
                f"WHERE document = ?{among} ORDER BY start, end, id",
                [doc.id, *people],
            )
        ]
        notes = dict(
            self.conn.execute(
                "SELECT id, note FROM spans INDEXED BY spans_noted "
                "WHERE document = ? AND note IS NOT NULL",
                [doc.id],
            )
        )
        text, doc_id = doc.text, doc.id

        def make(row: tuple) -> Span:
            start, end, span_id, label, annotator = row
            return Span(span_id, doc_id, start, end, label, text[start:end], annotator, "", "",
                        notes.get(span_id))

        return SpanSet.from_rows(rows, make, (row[3] for row in rows))

    @_reads
    def span(self, span_id: str) -> Span:
        row = self.conn.execute(
            f"SELECT {_SPAN_COLUMNS} FROM spans WHERE id = ?", [span_id]
        ).fetchone()
        if row is None:
            raise KeyError(span_id)
        return Span(*row)

    def add_span(self, span: Span) -> None:
        """Insert a span (a new one, or one being restored by undo with its old id).
        A document that its annotator had not started becomes "in progress"."""
        with self._write():
            self._ensure_annotator(span.annotator)
            self._insert_spans([span])
            if self.status(span.document, span.annotator) == "todo":
                self._set_status(span.document, span.annotator, "in_progress")

    def delete_span(self, span_id: str) -> tuple[Span, list[Relation]]:
        """Delete a span and the relations that use it; return them for undo."""
        with self._write():
            span = self.span(span_id)
            relations = self.relations_of(span_id)
            self.conn.execute("DELETE FROM spans WHERE id = ?", [span_id])
            self.conn.execute(
                "UPDATE span_counts SET spans = spans - 1 WHERE document = ?", [span.document]
            )
        return span, relations

    def restore_span(self, span: Span, relations: Iterable[Relation] = ()) -> None:
        with self._write():
            self._ensure_annotator(span.annotator)
            self._insert_spans([span])
            self._insert_relations(relations)

    def relabel_span(self, span_id: str, label: str) -> Span:
        with self._write():
            updated = replace(self.span(span_id), label=label, updated_at=utc_now())
            self.conn.execute(
                "UPDATE spans SET label = ?, updated_at = ? WHERE id = ?",
                [label, updated.updated_at, span_id],
            )
        return updated

    def move_span(self, span_id: str, start: int, end: int) -> Span:
        """New offsets for a span; its text is read again from the document."""
        with self._write():
            span = self.span(span_id)
            text = self.conn.execute(
                "SELECT substr(text, ?, ?) FROM documents WHERE id = ?",
                [start + 1, end - start, span.document],
            ).fetchone()[0]
            moved = replace(span, start=start, end=end, text=text, updated_at=utc_now())
            self.conn.execute(
                "UPDATE spans SET start = ?, end = ?, text = ?, updated_at = ? WHERE id = ?",
                [start, end, text, moved.updated_at, span_id],
            )
        return moved

    def set_span_note(self, span_id: str, note: str | None) -> Span:
        with self._write():
            updated = replace(self.span(span_id), note=note or None, updated_at=utc_now())
            self.conn.execute(
                "UPDATE spans SET note = ?, updated_at = ? WHERE id = ?",
                [updated.note, updated.updated_at, span_id],
            )
        return updated

    @_reads
    def span_counts(self, doc_id: str) -> Counter[str]:
        rows = self.conn.execute(
            "SELECT label, count(*) FROM spans WHERE document = ? GROUP BY label", [doc_id]
        )
        return Counter(dict(rows.fetchall()))

    def _insert_spans(self, spans: Iterable[Span]) -> None:
        spans = list(spans)
        self.conn.executemany(
            "INSERT INTO span_counts (document, spans) VALUES (?, ?) ON CONFLICT (document) "
            "DO UPDATE SET spans = spans + excluded.spans",
            list(Counter(s.document for s in spans).items()),
        )
        self.conn.executemany(
            f"INSERT INTO spans ({_SPAN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    s.id,
                    s.document,
                    s.start,
                    s.end,
                    s.label,
                    s.text,
                    s.annotator,
                    s.created_at,
                    s.updated_at,
                    s.note,
                )
                for s in spans
            ),
        )

    # -- relations -----------------------------------------------------------------------

    @_reads
    def relations(self, doc_id: str, annotators: Iterable[str] | None = None) -> list[Relation]:
        """The links of a document (only those of ``annotators``, when given)."""
        among, names = _among(annotators)
        rows = self.conn.execute(
            f"SELECT {_REL_COLUMNS} FROM relations WHERE document = ?{among} "
            "ORDER BY created_at, id",
            [doc_id, *names],
        )
        return [Relation(*row) for row in rows]

    @_reads
    def relation(self, rel_id: str) -> Relation:
        row = self.conn.execute(
            f"SELECT {_REL_COLUMNS} FROM relations WHERE id = ?", [rel_id]
        ).fetchone()
        if row is None:
            raise KeyError(rel_id)
        return Relation(*row)

    def add_relation(self, relation: Relation) -> None:
        with self._write():
            self._ensure_annotator(relation.annotator)
            self._insert_relations([relation])

    def delete_relation(self, rel_id: str) -> Relation:
        with self._write():
            relation = self.relation(rel_id)
            self.conn.execute("DELETE FROM relations WHERE id = ?", [rel_id])
        return relation

    @_reads
    def relations_of(self, span_id: str) -> list[Relation]:
        """The relations that start or end at a span."""
        rows = self.conn.execute(
            f"SELECT {_REL_COLUMNS} FROM relations WHERE source = ? OR target = ?",
            [span_id, span_id],
        )
        return [Relation(*row) for row in rows]

    def _insert_relations(self, relations: Iterable[Relation]) -> None:
        self.conn.executemany(
            f"INSERT INTO relations ({_REL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    r.id,
                    r.document,
                    r.label,
                    r.source,
                    r.target,
                    r.annotator,
                    r.created_at,
                    r.updated_at,
                    r.note,
                )
                for r in relations
            ),
        )

    # -- import and integrity ------------------------------------------------------------

    def import_documents(
        self,
        documents: Iterable[IncomingDocument],
        *,
        annotator: str,
        progress: Callable[[int], None] | None = None,
    ) -> ImportSummary:
        """Add documents and the annotations they bring, all or nothing.

        ``progress`` is called with the number of documents read before each one; an
        exception it raises cancels the import. Offsets must already be validated
        against the text by the reader. A document
        already present (same id and text) is not added again; spans and relations are
        matched by id, so importing the same file twice adds nothing.

        Documents go to SQLite in batches: one query per batch asks which documents, span
        ids and relation ids are stored already, one ``executemany`` per table writes the
        rows. The checks still run document by document, in the order given.
        """
        run = _ImportRun(annotator)
        with collector_paused(), self._write():
            run.position = self.conn.execute(
                "SELECT coalesce(max(position) + 1, 0) FROM documents"
            ).fetchone()[0]
            run.labels = dict(self.conn.execute("SELECT name, kind FROM labels").fetchall())
            run.fresh = not self.conn.execute("SELECT EXISTS (SELECT 1 FROM spans)").fetchone()[0]
            batch: list[IncomingDocument] = []
            for done, incoming in enumerate(documents):
                if progress is not None:
                    progress(done)  # may raise to cancel: the whole import rolls back
                batch.append(incoming)
                if len(batch) == _IMPORT_BATCH:
                    self._import_batch(batch, run)
                    batch = []
            if batch:
                self._import_batch(batch, run)
        return run.summary

    def _import_batch(self, docs: list[IncomingDocument], run: _ImportRun) -> None:
        try:
            self._import_checked(docs, run)
        except UnicodeEncodeError as exc:  # SQLite takes only valid UTF-8
            origin, bad = next(
                ((d.origin, b) for d in docs if (b := _not_unicode(d)) is not None),
                (docs[0].origin, exc.object[exc.start : exc.end]),
            )
            raise InputError(
                origin,
                "holds text that is not valid Unicode (an unpaired surrogate such as "
                f"{bad!r}); nothing was imported",
            ) from exc

    def _import_checked(self, docs: list[IncomingDocument], run: _ImportRun) -> None:
        """Check a batch against what is stored (and what this import added before), then
        write what is new. The checks go document by document, in order; in a plain batch
        (no relations, no label the scheme lacks, every span id new and used once) no span
        can fail them, so its spans skip the checks one by one."""
        now = utc_now()
        who = run.annotator
        doc_ids = [d.id or document_id(d.text, d.source_id) for d in docs]
        pairs = list(zip(docs, doc_ids, strict=True))
        spans = [_span_rows(d, doc_id, who, now) for d, doc_id in pairs]
        relations = [_relation_rows(d, doc_id, who, now) for d, doc_id in pairs]
        span_ids = [s[0] for rows in spans for s in rows]
        stored_docs = dict(self._stored("SELECT id, text_sha256 FROM documents", doc_ids))
        asked = list(run.span_ids.intersection(span_ids)) if run.fresh else span_ids
        stored_spans = {
            r[0]: r[1:]
            for r in self._stored("SELECT id, document, start, end, label FROM spans", asked)
        }
        plain = (
            not stored_spans
            and not any(relations)
            and len(set(span_ids)) == len(span_ids)
            and all(run.labels.get(n) == "span" for n in {s[4] for rows in spans for s in rows})
        )
        stored_relations: dict[str, tuple] = {}
        # The spans of a document as it stands, for its relations: those stored before
        # this batch, then those this batch adds (a document may come twice).
        span_ids_of: dict[str, list[str]] = {}
        repeated: set[str] = set()
        if not plain:
            stored_relations = {
                r[0]: r[1:]
                for r in self._stored(
                    "SELECT id, document, label, source, target FROM relations",
                    [r[0] for rows in relations for r in rows],
                )
            }
            repeated = {i for i, n in Counter(doc_ids).items() if n > 1}
            for doc_id, span_id in self._stored(
                "SELECT document, id FROM spans",
                [i for d, i in pairs if d.relations and i in stored_docs],
                column="document",
            ):
                span_ids_of.setdefault(doc_id, []).append(span_id)

        summary, labels = run.summary, run.labels
        added_docs: dict[str, str] = {}
        new_docs: list[tuple] = []
        new_spans: list[tuple] = []
        new_relations: list[tuple] = []
        people: set[str] = set()
        counts: Counter[str] = Counter()
        for doc, doc_id, doc_spans, doc_relations in zip(
            docs, doc_ids, spans, relations, strict=True
        ):
            origin = doc.origin
            digest = text_sha256(doc.text)
            before = stored_docs.get(doc_id) or added_docs.get(doc_id)
            if before is None:
                m = doc.meta
                extra = json.dumps(m.extra, ensure_ascii=False) if m.extra else "{}"
                new_docs.append(
                    (doc_id, doc.source_id, doc.text, digest, m.title, m.source, m.author,
                     m.published, m.url, extra, run.position, now, doc.note)
                )  # fmt: skip
                added_docs[doc_id] = digest
                run.position += 1
                summary.documents_added += 1
            elif before != digest:
                raise InputError(
                    origin, f"document {doc_id!r} is already in the database with another text"
                )
            else:
                summary.documents_present += 1
            if plain:
                counts[doc_id] += len(doc_spans)
                continue
            for kind, names in (
                ("span", dict.fromkeys(s[4] for s in doc_spans)),
                ("relation", dict.fromkeys(r[2] for r in doc_relations)),
            ):
                if any(labels.get(name) != kind for name in names):
                    summary.labels_added += self._add_labels(names, kind, origin)
                    labels.update(dict.fromkeys(names, kind))

            doc_spans = _unique(doc_spans, "span", origin)
            present = _sort_new(doc_spans, stored_spans, new_spans, people, "span", origin)
            counts[doc_id] += len(doc_spans) - present
            summary.spans_added += len(doc_spans) - present
            summary.spans_present += present
            if doc_relations or doc_id in repeated:
                span_ids_of.setdefault(doc_id, []).extend(s[0] for s in doc_spans)
            if not doc_relations:
                continue

            known = set(span_ids_of[doc_id])

            def check_ends(row: tuple, known: set[str] = known, origin: str = origin) -> None:
                for end in (row[3], row[4]):
                    if end not in known:
                        raise InputError(
                            origin, f"relation {row[0]!r} refers to unknown span {end!r}"
                        )

            doc_relations = _unique(doc_relations, "relation", origin)
            present = _sort_new(
                doc_relations, stored_relations, new_relations, people, "relation", origin,
                check=check_ends,
            )
            summary.relations_added += len(doc_relations) - present
            summary.relations_present += present
        if plain:
            new_spans = [s for rows in spans for s in rows]
            people = {s[6] for s in new_spans}
            summary.spans_added += len(new_spans)

        execute = self.conn.executemany
        execute(
            "INSERT OR IGNORE INTO annotators (name, created_at) VALUES (?, ?)",
            [(name, now) for name in sorted(people)],
        )
        execute(
            "INSERT INTO documents (id, source_id, text, text_sha256, title, source, author, "
            "published, url, meta, position, created_at, note) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            new_docs,
        )
        for i in range(0, len(new_docs), _CHUNK):
            chunk = [row[0] for row in new_docs[i : i + _CHUNK]]
            self.conn.execute(
                "INSERT INTO documents_fts (rowid, title, text) SELECT rowid, title, text "
                f"FROM documents WHERE id IN ({','.join('?' * len(chunk))})",
                chunk,
            )
        execute(
            "INSERT INTO span_counts (document, spans) VALUES (?, ?) ON CONFLICT (document) "
            "DO UPDATE SET spans = spans + excluded.spans",
            [item for item in counts.items() if item[1]],
        )
        execute(f"INSERT INTO spans ({_SPAN_COLUMNS}) VALUES ({_marks(10)})", new_spans)
        if run.fresh:
            run.span_ids.update(span_ids)
        execute(f"INSERT INTO relations ({_REL_COLUMNS}) VALUES ({_marks(9)})", new_relations)

    def _stored(self, select: str, ids: list[str], *, column: str = "id") -> list[tuple]:
        """Rows of ``select`` whose ``column`` is one of ``ids`` (asked in chunks)."""
        rows: list[tuple] = []
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i : i + _CHUNK]
            rows += self.conn.execute(
                f"{select} WHERE {column} IN ({','.join('?' * len(chunk))})", chunk
            ).fetchall()
        return rows

    def verify(self, doc_ids: Iterable[str] | None = None) -> list[str]:
        """Check each document's text against its hash and each span's text against its
        offsets; for the whole database (no ``doc_ids``) also that every reference holds
        (labels, annotators, spans of relations) and each document's span count. Returns the
        problems found (empty when all is well); never repairs."""
        problems = []
        if doc_ids is None:
            try:
                doc_ids = self.document_ids()
            except StoreError as exc:
                return [str(exc)]
            problems += self._consistency_problems()
        for doc_id in doc_ids:
            try:
                doc = self.document(doc_id)
                # one span at a time: a long article's spans are not all held at once
                rows = self.conn.execute(
                    f"SELECT {_SPAN_COLUMNS} FROM spans WHERE document = ?", [doc_id]
                )
                problems += self.verify_document(doc, (Span(*row) for row in rows))
            except (StoreError, KeyError) as exc:
                problems.append(f"document {doc_id!r} cannot be read: {exc}")
            except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
                problems.append(f"document {doc_id!r} cannot be read: {_translated(self.path, exc)}")
        return problems

    @_reads
    def _consistency_problems(self) -> list[str]:
        problems = [
            f"a row of {table} refers to a missing row of {parent}"
            for table, _rowid, parent, _fk in self.conn.execute("PRAGMA foreign_key_check")
        ]
        rows = self.conn.execute(
            "SELECT d.id FROM documents d LEFT JOIN span_counts c ON c.document = d.id "
            "WHERE coalesce(c.spans, 0) != (SELECT count(*) FROM spans s WHERE s.document = d.id)"
        )
        problems += [f"document {r[0]!r}: its span count does not match its spans" for r in rows]
        return problems

    @staticmethod
    def verify_document(doc: Document, spans: Iterable[Span]) -> list[str]:
        """What is wrong with ``doc``'s text (its hash) and its spans' offsets and texts.
        ``spans`` is gone through once, so it may be a stream."""
        name = doc.meta.title or doc.id
        damaged = [f"document {name!r}: its stored values have the wrong types (damaged file)"]
        if not isinstance(doc.text, str):
            return damaged
        if text_sha256(doc.text) != doc.text_sha256:
            return [f"document {name!r}: its text no longer matches its SHA-256"]
        text, problems = doc.text, []
        for s in spans:
            if any(not isinstance(v, int) or isinstance(v, bool) for v in (s.start, s.end)):
                return damaged
            if text[s.start : s.end] != s.text or s.end > len(text):
                problems.append(
                    f"document {name!r}: span {s.id} ({s.label}, {s.start}-{s.end}) says "
                    f"{s.text!r} but the text there is {text[s.start : s.end]!r}"
                )
        return problems


def _checked_version(conn: sqlite3.Connection, path: Path | None) -> int:
    """What the file says it is, asked through SQLite (a header may still be in the WAL):
    refuse another application's file, a newer one, a foreign schema or a damaged file."""
    if conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        raise StoreError(f"{path}: is not an Annotator database")
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    opening.refuse_newer(Path(str(path)), version)
    guard.check(conn, path, tuple(MIGRATIONS[:version]))
    return version


def _translated(path: object, exc: sqlite3.Error | UnicodeDecodeError) -> StoreError:
    # The traceback keeps alive the cursor that failed; until it is freed, its statement
    # keeps even a closed connection holding a read lock on the file.
    exc.__traceback__ = None
    if isinstance(exc, UnicodeDecodeError):  # SQLite's message quotes the damaged bytes
        return StoreError(f"{path}: the database file is damaged")
    return environment_error(path, exc) or StoreError(f"{path}: {exc}")


def _fts_query(text: str) -> str:
    """Turn what a user typed into an FTS5 query: every word must occur, the last one
    may be the start of a word. Quoting each word keeps FTS syntax out of user input."""
    words = [w.replace('"', '""') for w in text.split()]
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


_IMPORT_BATCH = 2000  # documents checked and written together
_CHUNK = 500  # ids in one IN (...) query


@dataclass
class _ImportRun:
    """What one import carries from batch to batch."""

    annotator: str
    summary: ImportSummary = field(default_factory=ImportSummary)
    position: int = 0
    labels: dict[str, str] = field(default_factory=dict)  # name -> kind
    # Into a database without spans, only this import's own spans can be there already:
    # their ids are kept here, and only those met again are looked up.
    fresh: bool = False
    span_ids: set[str] = field(default_factory=set)


def _span_rows(doc: IncomingDocument, doc_id: str, annotator: str, now: str) -> list[tuple]:
    """The rows of ``spans`` (in ``_SPAN_COLUMNS`` order) for a document's spans. The
    fallback name stays out of a content id: re-importing the same file under another name
    must find the same span."""
    text = doc.text
    return [
        (s.id or content_span_id(doc_id, s.start, s.end, s.label, s.annotator or ""), doc_id,
         s.start, s.end, s.label, text[s.start : s.end], s.annotator or annotator,
         created := s.created_at or now, s.updated_at or created, s.note)
        for s in doc.spans
    ]  # fmt: skip


def _relation_rows(doc: IncomingDocument, doc_id: str, annotator: str, now: str) -> list[tuple]:
    """The rows of ``relations`` (in ``_REL_COLUMNS`` order) for a document's relations."""
    rows = []
    for r in doc.relations:
        key = f"{r.label}:{r.source}:{r.target}"
        rel_id = r.id or content_span_id(doc_id, 0, 0, key, r.annotator or "")
        created = r.created_at or now
        rows.append(
            (rel_id, doc_id, r.label, r.source, r.target, r.annotator or annotator, created,
             r.updated_at or created, r.note)
        )  # fmt: skip
    return rows


def _unique(rows: list[tuple], kind: str, origin: str) -> list[tuple]:
    """Drop exact repeats within one record; refuse one id used for two contents (a row's
    content: start, end and label of a span; label, source and target of a relation)."""
    if len({row[0] for row in rows}) == len(rows):
        return rows
    seen: dict[str, tuple] = {}
    out = []
    for row in rows:
        before = seen.get(row[0])
        if before is None:
            seen[row[0]] = row[2:5]
            out.append(row)
        elif before != row[2:5]:
            raise InputError(origin, f"{kind} id {row[0]!r} is used twice for different {kind}s")
    return out


def _among(annotators: Iterable[str] | None) -> tuple[str, list[str]]:
    """The SQL condition (and its values) that keeps the rows of ``annotators`` (all: None)."""
    if annotators is None:
        return "", []
    names = sorted(set(annotators))
    return f" AND annotator IN ({', '.join('?' * len(names))})", names


def _sort_new(
    rows: list[tuple],
    stored: dict[str, tuple],
    new: list[tuple],
    people: set[str],
    kind: str,
    origin: str,
    *,
    check: Callable[[tuple], None] | None = None,
) -> int:
    """Put the rows not stored yet into ``new`` (and ``stored``), refuse an id stored with
    other content, note each row's annotator; return how many rows were already stored.
    A row holds its id first, its content in items 1-4, its annotator where _ANNOTATOR says."""
    present = 0
    annotator = _ANNOTATOR[kind]
    for row in rows:
        if check is not None:
            check(row)
        people.add(row[annotator])
        before = stored.get(row[0])
        if before is None:
            new.append(row)
            stored[row[0]] = row[1:5]
        elif before != row[1:5]:
            raise _id_taken(kind, row[0], origin)
        else:
            present += 1
    return present


_ANNOTATOR = {"span": 6, "relation": 5}  # where a span's and a relation's row holds it


def _id_taken(kind: str, item_id: str, origin: str) -> InputError:
    """Two files that number their spans "T1", "T2"... must not overwrite each other."""
    return InputError(
        origin,
        f"{kind} id {item_id!r} is already used by another {kind} in the database; "
        "give each its own id",
    )


def _not_unicode(doc: IncomingDocument) -> str | None:
    """The first unpaired surrogate among what a document would store, if any."""
    m = doc.meta
    values = [doc.id, doc.source_id, doc.text, doc.note, m.title, m.source, m.author,
              m.published, m.url, json.dumps(m.extra, ensure_ascii=False)]  # fmt: skip
    for item in (*doc.spans, *doc.relations):
        values += [getattr(item, name) for name in item.__slots__]
    for value in values:
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as exc:
                return exc.object[exc.start : exc.end]
    return None


def _marks(n: int) -> str:
    return ", ".join("?" * n)


def _describe(values: tuple) -> str:
    return ", ".join(str(v) for v in values[1:])  # the document id is the same; leave it out
