"""The document list (search, order, pages of summaries), documents, their notes and each
annotator's status of them."""

from __future__ import annotations

from collections.abc import Iterable

from annotator.core.ids import utc_now
from annotator.core.model import Document, DocumentSummary
from annotator.core.search_words import snippet
from annotator.core.vocabulary import STATUSES
from annotator.store.errors import reads
from annotator.store.rows import CHUNK, DOCUMENT_COLUMNS, document_of

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


class Documents:
    """The documents' part of ``Store``."""

    @reads
    def document_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM documents").fetchone()[0]

    @reads
    def documents(self, annotator: str = "") -> list[DocumentSummary]:
        """Every document in import order (small databases and tests; the window pages)."""
        return list(self.document_rows(self.document_ids(), annotator).values())

    @reads
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

    @reads
    def search_snippets(self, ids: list[str], search: str) -> dict[str, str]:
        """For the result list: a few words around the hits of ``search`` in each of
        ``ids`` (the rows on screen, never the whole result), the matched words between
        ``HIT_START`` and ``HIT_END`` (core/search_words.py)."""
        if not search.strip():
            return {}
        found: dict[str, str] = {}
        for i in range(0, len(ids), CHUNK):
            chunk = ids[i : i + CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(
                f"SELECT id, title, text FROM documents WHERE id IN ({marks})", chunk
            )
            found.update((d, snippet(text, search, title=title or "")) for d, title, text in rows)
        return found

    @reads
    def document_rows(self, ids: list[str], annotator: str) -> dict[str, DocumentSummary]:
        """Summaries of ``ids`` (kept in that order) with ``annotator``'s status."""
        found: dict[str, DocumentSummary] = {}
        for i in range(0, len(ids), CHUNK):
            chunk = ids[i : i + CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(
                f"SELECT d.id, d.title, d.source, d.published, coalesce(c.spans, 0), "
                f"{_STATUS_SQL}, d.note FROM documents d "
                f"LEFT JOIN span_counts c ON c.document = d.id WHERE d.id IN ({marks})",
                [annotator, *chunk],
            )
            found.update((row[0], DocumentSummary(*row)) for row in rows)
        return {doc_id: found[doc_id] for doc_id in ids if doc_id in found}

    @reads
    def document(self, doc_id: str) -> Document:
        row = self.conn.execute(
            f"SELECT {DOCUMENT_COLUMNS} FROM documents WHERE id = ?", [doc_id]
        ).fetchone()
        if row is None:
            raise KeyError(doc_id)
        return document_of(row)

    def set_document_note(self, doc_id: str, note: str | None) -> None:
        with self._write():
            self.conn.execute("UPDATE documents SET note = ? WHERE id = ?", [note or None, doc_id])

    # -- statuses ------------------------------------------------------------------------

    @reads
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

    @reads
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

    @reads
    def done_ids(self, annotator: str) -> set[str]:
        rows = self.conn.execute(
            "SELECT document FROM document_status WHERE annotator = ? AND status = 'done'",
            [annotator],
        )
        return {r[0] for r in rows}

    def _set_status(self, doc_id: str, annotator: str, status: str) -> None:
        """Inside a write."""
        self.conn.execute(
            "INSERT INTO document_status (document, annotator, status, updated_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (document, annotator) "
            "DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at",
            [doc_id, annotator, status, utc_now()],
        )


def _fts_query(text: str) -> str:
    """Turn what a user typed into an FTS5 query: every word must occur, the last one
    may be the start of a word. Quoting each word keeps FTS syntax out of user input."""
    words = [w.replace('"', '""') for w in text.split()]
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)
