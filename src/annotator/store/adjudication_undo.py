"""What a review verdict changed, so that it can be undone and done again exactly, and the
reviewer's notes on verdicts.

A verdict (a key of the review window) writes decisions and the gold items they make; the
links that follow their spans come after, in a second write. Undo must bring back exactly
the rows there were before, including the gold spans and links an accept made or removed,
with their ids (a link in gold points to its spans by id). So the window takes an
:class:`AdjudicationState` of the article before and after the verdict, and undo or redo is
:meth:`AdjudicationHistory.restore_adjudication` from one to the other: only what differs
between the two is touched, so a gold span drawn by hand meanwhile in the main window is
left alone.
"""

from __future__ import annotations

import sqlite3
from typing import NamedTuple

from annotator.core.annotators import GOLD
from annotator.core.ids import utc_now
from annotator.core.model import Relation, Span
from annotator.store.adjudication import AdjudicationError
from annotator.store.errors import reads
from annotator.store.rows import RELATION_COLUMNS, SPAN_COLUMNS

# Every column of a decision, the ownership of its gold item and its note included.
_ALL_DECISION_COLUMNS = (
    "item, kind, document, verdict, gold, owns_gold, reviewer, decided_at, note"
)


class AdjudicationState(NamedTuple):
    """One article's decisions (whole rows, by item) and its gold spans and links."""

    decisions: dict[str, tuple]
    spans: dict[str, Span]
    relations: dict[str, Relation]


class AdjudicationHistory:
    """Mixed into :class:`annotator.store.Store`."""

    conn: sqlite3.Connection

    @reads
    def adjudication_state(self, doc_id: str) -> AdjudicationState:
        """The decisions of ``doc_id`` and its gold layer, as they are now."""
        decisions = {
            row[0]: tuple(row)
            for row in self.conn.execute(
                f"SELECT {_ALL_DECISION_COLUMNS} FROM decisions WHERE document = ?", [doc_id]
            )
        }
        spans = {
            row[0]: Span(*row)
            for row in self.conn.execute(
                f"SELECT {SPAN_COLUMNS} FROM spans WHERE document = ? AND annotator = ?",
                [doc_id, GOLD],
            )
        }
        relations = {
            row[0]: Relation(*row)
            for row in self.conn.execute(
                f"SELECT {RELATION_COLUMNS} FROM relations WHERE document = ? AND annotator = ?",
                [doc_id, GOLD],
            )
        }
        return AdjudicationState(decisions, spans, relations)

    def restore_adjudication(self, now: AdjudicationState, wanted: AdjudicationState) -> None:
        """From ``now`` back (or on) to ``wanted``, in one transaction: the decisions and
        gold items that differ between the two are made as ``wanted`` has them."""
        with self._write():  # type: ignore[attr-defined]
            for rel_id, relation in now.relations.items():
                if wanted.relations.get(rel_id) != relation:
                    self.conn.execute(
                        "DELETE FROM relations WHERE id = ? AND annotator = ?", [rel_id, GOLD]
                    )
            gone = [sid for sid in now.spans if sid not in wanted.spans]
            for span_id in gone:
                # Its gold links are gone above (both states hold all of them).
                deleted = self.conn.execute(
                    "DELETE FROM spans WHERE id = ? AND annotator = ?", [span_id, GOLD]
                ).rowcount
                if deleted:
                    self.conn.execute(
                        "UPDATE span_counts SET spans = spans - 1 WHERE document = ?",
                        [now.spans[span_id].document],
                    )
            back = []
            for span_id, span in wanted.spans.items():
                if span_id not in now.spans:
                    if not self._exists("spans", span_id):
                        back.append(span)
                elif now.spans[span_id] != span:
                    self.conn.execute(
                        "UPDATE spans SET start = ?, end = ?, label = ?, text = ?, note = ?, "
                        "updated_at = ? WHERE id = ? AND annotator = ?",
                        [span.start, span.end, span.label, span.text, span.note,
                         span.updated_at, span_id, GOLD],
                    )
            if back:
                self._ensure_annotator(GOLD)  # type: ignore[attr-defined]
                self._insert_spans(back)  # type: ignore[attr-defined]
            links = [
                r for rel_id, r in wanted.relations.items()
                if now.relations.get(rel_id) != r
                and not self._exists("relations", rel_id)
                and self._exists("spans", r.source)
                and self._exists("spans", r.target)
            ]
            if links:
                self._insert_relations(links)  # type: ignore[attr-defined]
            for item in now.decisions.keys() | wanted.decisions.keys():
                row = wanted.decisions.get(item)
                if row == now.decisions.get(item):
                    continue
                self.conn.execute("DELETE FROM decisions WHERE item = ?", [item])
                if row is not None:
                    self._ensure_annotator(row[6])  # type: ignore[attr-defined]
                    self.conn.execute(
                        f"INSERT INTO decisions ({_ALL_DECISION_COLUMNS}) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        row,
                    )

    # -- notes -----------------------------------------------------------------------------

    @reads
    def decision_notes(self, doc_id: str) -> dict[str, str]:
        """The reviewer's notes on the verdicts of ``doc_id``, by item."""
        return dict(
            self.conn.execute(
                "SELECT item, note FROM decisions WHERE document = ? AND note IS NOT NULL "
                "AND note != ''",
                [doc_id],
            ).fetchall()
        )

    @reads
    def article_note(self, doc_id: str) -> str | None:
        """The article's note alone (the review window reads it again at each change
        without reading the article's text)."""
        row = self.conn.execute("SELECT note FROM documents WHERE id = ?", [doc_id]).fetchone()
        return row[0] if row and row[0] else None

    def set_decision_note(self, item: str, note: str) -> None:
        """The reviewer's note on the verdict on ``item`` ("" removes it). The gold item
        the verdict made carries it too (its note is what the gold export writes)."""
        text = note.strip() or None
        with self._write():  # type: ignore[attr-defined]
            row = self.conn.execute(
                "SELECT kind, gold FROM decisions WHERE item = ?", [item]
            ).fetchone()
            if row is None:
                raise AdjudicationError("a note goes with a verdict: decide the span first")
            self.conn.execute("UPDATE decisions SET note = ? WHERE item = ?", [text, item])
            kind, gold = row
            if gold is not None:
                table = "spans" if kind == "span" else "relations"
                self.conn.execute(
                    f"UPDATE {table} SET note = ?, updated_at = ? WHERE id = ? AND annotator = ?",
                    [text, utc_now(), gold, GOLD],
                )

    def _exists(self, table: str, item_id: str) -> bool:
        return (
            self.conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", [item_id]).fetchone()
            is not None
        )
