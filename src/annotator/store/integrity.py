"""Integrity checks: does each text still match its hash, each span its text, each
reference its row? They only report; nothing here repairs."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from annotator.core.ids import text_sha256
from annotator.core.model import Document, Span
from annotator.store.errors import StoreError, reads, translated
from annotator.store.rows import SPAN_COLUMNS


class Integrity:
    """The checks' part of ``Store``."""

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
                    f"SELECT {SPAN_COLUMNS} FROM spans WHERE document = ?", [doc_id]
                )
                problems += self.verify_document(doc, (Span(*row) for row in rows))
            except (StoreError, KeyError) as exc:
                problems.append(f"document {doc_id!r} cannot be read: {exc}")
            except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
                problems.append(f"document {doc_id!r} cannot be read: {translated(self.path, exc)}")
        return problems

    @reads
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
            if not 0 <= s.start < s.end <= len(text) or text[s.start : s.end] != s.text:
                problems.append(
                    f"document {name!r}: span {s.id} ({s.label}, {s.start}-{s.end}) says "
                    f"{s.text!r} but the text there is {text[s.start : s.end]!r}"
                )
        return problems
