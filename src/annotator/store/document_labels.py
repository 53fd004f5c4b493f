"""Document labels: labels of the kind ``document`` (stance, genre, "no claims"), set or
not on a whole article by each annotator (table ``document_labels``, schema version 7).

A document label has no offsets and no id of its own: it is the triple (document, label,
annotator), so setting it twice keeps one row, and merging two databases (review-import)
adds nothing that is there already. Each edit is one write transaction (``BEGIN
IMMEDIATE``), like every edit of a span.
"""

from __future__ import annotations

from collections.abc import Iterable

from annotator.core.ids import utc_now
from annotator.core.model import KEPT_ONCE, DocumentLabel, IncomingDocument, counted_at
from annotator.store.errors import StoreError, reads
from annotator.store.refusals import refuse_lookalikes

_COLUMNS = "document, label, annotator, created_at"


class DocumentLabels:
    """The document labels' part of ``Store``."""

    @reads
    def document_labels(
        self, doc_id: str, annotators: Iterable[str] | None = None
    ) -> list[DocumentLabel]:
        """The labels set on a document, in the scheme's order, then by annotator;
        ``annotators`` (when given) keeps only theirs."""
        rows = self.conn.execute(
            "SELECT d.document, d.label, d.annotator, d.created_at FROM document_labels d "
            "JOIN labels l ON l.name = d.label WHERE d.document = ? "
            "ORDER BY l.position, l.name, d.annotator",
            [doc_id],
        )
        wanted = None if annotators is None else set(annotators)
        return [
            DocumentLabel(*row) for row in rows if wanted is None or row[2] in wanted
        ]

    @reads
    def all_document_labels(self) -> list[DocumentLabel]:
        """Every document label in the database (agreement, statistics)."""
        rows = self.conn.execute(
            f"SELECT {_COLUMNS} FROM document_labels ORDER BY document, label, annotator"
        )
        return [DocumentLabel(*row) for row in rows]

    def set_document_label(
        self, doc_id: str, label: str, annotator: str, *, created_at: str | None = None
    ) -> DocumentLabel:
        """Set ``label`` on the document for ``annotator`` (one transaction); setting it
        again keeps the first. ``created_at`` restores a label that was unset (undo)."""
        with self._write():
            row = self.conn.execute("SELECT kind FROM labels WHERE name = ?", [label]).fetchone()
            if row is None or row[0] != "document":
                what = "not in the scheme" if row is None else f"a {row[0]} label"
                raise StoreError(f"{label!r} is {what}, not a document label")
            known = self.conn.execute("SELECT 1 FROM documents WHERE id = ?", [doc_id])
            if known.fetchone() is None:
                raise StoreError(f"no document {doc_id!r} in this database")
            now = utc_now()
            self.conn.execute(
                "INSERT OR IGNORE INTO annotators (name, created_at) VALUES (?, ?)",
                [annotator, now],
            )
            self.conn.execute(
                f"INSERT OR IGNORE INTO document_labels ({_COLUMNS}) VALUES (?, ?, ?, ?)",
                [doc_id, label, annotator, created_at or now],
            )
            stored = self.conn.execute(
                f"SELECT {_COLUMNS} FROM document_labels "
                "WHERE document = ? AND label = ? AND annotator = ?",
                [doc_id, label, annotator],
            ).fetchone()
        return DocumentLabel(*stored)

    def unset_document_label(self, doc_id: str, label: str, annotator: str) -> DocumentLabel | None:
        """Take ``label`` off the document for ``annotator`` (one transaction); returns
        the label as it was stored (None when it was not set)."""
        key = "WHERE document = ? AND label = ? AND annotator = ?"
        with self._write():
            row = self.conn.execute(
                f"SELECT {_COLUMNS} FROM document_labels {key}", [doc_id, label, annotator]
            ).fetchone()
            self.conn.execute(f"DELETE FROM document_labels {key}", [doc_id, label, annotator])
        return None if row is None else DocumentLabel(*row)

    def _import_document_labels(
        self, docs: list[IncomingDocument], doc_ids: list[str], now: str, run
    ) -> None:
        """Inside the importer's write, once a batch's documents are stored: the document
        labels they bring, one row per (document, label, annotator). A label the scheme
        lacks is added as a document label; a name the scheme has for spans or links is
        refused, naming the record. ``run`` is the importer's: its annotator (for labels
        without one), the scheme's kinds by name, the summary."""
        rows: list[tuple[str, str, str, str]] = []
        for doc, doc_id in zip(docs, doc_ids, strict=True):
            if not doc.document_labels:
                continue
            names = dict.fromkeys(d.label for d in doc.document_labels)
            refuse_lookalikes(names, run.labels, doc.origin)  # as span and link labels are
            if any(run.labels.get(name) != "document" for name in names):
                run.summary.labels_added += self._add_labels(names, "document", doc.origin)
                run.labels.update(dict.fromkeys(names, "document"))
            mine = {(d.label, d.annotator or run.annotator): d for d in doc.document_labels}
            if len(mine) < len(doc.document_labels):
                run.summary.counted.append(counted_at(
                    doc.origin, KEPT_ONCE, "duplicate document label",
                    "the same label and annotator twice in one record",
                    len(doc.document_labels) - len(mine),
                ))  # fmt: skip
            rows += [(doc_id, label, who, d.created_at or now) for (label, who), d in mine.items()]
        if not rows:
            return
        self.conn.executemany(
            "INSERT OR IGNORE INTO annotators (name, created_at) VALUES (?, ?)",
            [(who, now) for who in sorted({row[2] for row in rows})],
        )
        before = self.conn.total_changes
        self.conn.executemany(
            f"INSERT OR IGNORE INTO document_labels ({_COLUMNS}) VALUES (?, ?, ?, ?)", rows
        )
        added = self.conn.total_changes - before
        run.summary.document_labels_added += added
        run.summary.document_labels_present += len(rows) - added
