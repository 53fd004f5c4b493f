"""Adjudication: a reviewer's verdicts on annotators' spans and relations, and the gold layer.

The gold layer is ordinary spans and relations whose annotator is ``GOLD`` ("gold"), so
every exporter, the merge and the integrity checks treat it like anyone's work. A decision
(table ``decisions``, migration m005) records the verdict on one original and which gold item
it produced. The annotators' originals are never changed.

- *accepted*: a copy of the original goes into gold (new id, same offsets, label, text, note);
- *edited*: an edited copy (new offsets and/or label; the text is read from the document);
- *rejected*: nothing goes into gold.

A gold item identical to the one wanted (same document, start, end and label; for a relation
same label and gold endpoints) is reused, never doubled. Re-deciding replaces the previous
decision; a gold item that decisions made is removed once no decision points to it (a gold
item imported or drawn by hand is never removed here). Removing a gold span takes the gold
relations that use it with it, and those relations' decisions fall back to undecided.

Every method is one transaction (``Store._write``). :class:`Adjudication` is one of
``Store``'s parts and uses the others' helpers (``_insert_spans``, ``_ensure_annotator``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import NamedTuple

from annotator.core.annotators import GOLD, reserved_name_problem
from annotator.core.ids import new_id, utc_now
from annotator.core.model import Decision, Relation, Span
from annotator.core.vocabulary import VERDICTS
from annotator.store.errors import StoreError, reads
from annotator.store.rows import DECISION_COLUMNS, RELATION_COLUMNS, SPAN_COLUMNS


class AdjudicationError(StoreError):
    """A verdict that cannot be recorded as asked; the message says why."""


class _Previous(NamedTuple):
    """The decision already recorded on an item, as far as a new one needs it."""

    kind: str
    gold: str | None
    owns_gold: int
    note: str | None  # the reviewer's note on the verdict (m011)


class Adjudication:
    """Decisions and the gold layer; mixed into :class:`annotator.store.Store`."""

    conn: sqlite3.Connection

    # -- deciding --------------------------------------------------------------------------

    def decide_span(
        self,
        original_id: str,
        verdict: str,
        *,
        reviewer: str,
        start: int | None = None,
        end: int | None = None,
        label: str | None = None,
    ) -> Span | None:
        """Record ``reviewer``'s verdict on an annotator's span; return its gold span
        (None when rejected). ``start``, ``end`` and ``label`` are for *edited* only; one
        not given keeps the original's value."""
        _check_verdict(verdict)
        _check_reviewer(reviewer)
        if verdict != "edited" and (start, end, label) != (None, None, None):
            raise AdjudicationError(
                f"start, end and label go with the verdict 'edited', not {verdict!r}"
            )
        with self._write():
            return self._decide_span(original_id, verdict, reviewer, start, end, label)

    def decide_spans(
        self, verdicts: Iterable[tuple[str, str] | tuple[str, str, dict]], *, reviewer: str
    ) -> None:
        """Several verdicts on annotators' spans in one transaction, all or nothing:
        ``(original_id, verdict)``, or ``(original_id, "edited", {"start": .., "end": ..,
        "label": ..})``. A key press of the review window (a group's verdicts, or every
        group where all agree) is one write, and one refused verdict leaves none made."""
        _check_reviewer(reviewer)
        items = [(item, verdict, *(extra or ({},))) for item, verdict, *extra in verdicts]
        for _item, verdict, extra in items:
            _check_verdict(verdict)
            if verdict != "edited" and extra:
                raise AdjudicationError(
                    f"start, end and label go with the verdict 'edited', not {verdict!r}"
                )
        with self._write():
            for item, verdict, extra in items:
                self._decide_span(
                    item, verdict, reviewer, extra.get("start"), extra.get("end"),
                    extra.get("label"),
                )

    def _decide_span(
        self,
        original_id: str,
        verdict: str,
        reviewer: str,
        start: int | None,
        end: int | None,
        label: str | None,
    ) -> Span | None:
        original = self._original_span(original_id)
        previous = self._decision_row(original_id)
        gold: Span | None = None
        owns = False
        if verdict != "rejected":
            s = original.start if start is None else start
            e = original.end if end is None else end
            wanted = original.label if label is None else label
            text = self._checked_range(original, s, e)
            self._check_label(wanted, "span")
            gold = self._gold_span_at(original.document, s, e, wanted)
            if gold is None:
                now = utc_now()
                # The reviewer's note on an earlier verdict stays with the new gold span.
                gold = Span(
                    new_id(), original.document, s, e, wanted, text, GOLD, now, now,
                    previous.note if previous and previous.note else original.note,
                )
                self._ensure_annotator(GOLD)
                self._insert_spans([gold])
                owns = True
            else:
                owns = self._keeps_ownership(previous, gold.id)
        self._record(original.id, "span", original.document, verdict, gold, owns, reviewer)
        self._release(previous, gold.id if gold else None)
        return gold

    def decide_relation(
        self, original_id: str, verdict: str, *, reviewer: str, label: str | None = None
    ) -> Relation | None:
        """Record ``reviewer``'s verdict on an annotator's relation; return its gold
        relation (None when rejected). Accepting or editing needs gold counterparts of both
        its spans (a decision that put them into gold, or identical gold spans). ``label``
        is for *edited* only."""
        _check_verdict(verdict)
        _check_reviewer(reviewer)
        if verdict != "edited" and label is not None:
            raise AdjudicationError(f"a label goes with the verdict 'edited', not {verdict!r}")
        with self._write():
            return self._decide_relation(original_id, verdict, reviewer, label)

    def decide_relations(self, verdicts: Iterable[tuple[str, str]], *, reviewer: str) -> None:
        """Several ``(original_id, verdict)`` on annotators' relations (accepted or
        rejected) in one transaction, all or nothing."""
        _check_reviewer(reviewer)
        items = list(verdicts)
        for _item, verdict in items:
            _check_verdict(verdict)
        with self._write():
            for item, verdict in items:
                self._decide_relation(item, verdict, reviewer, None)

    def _decide_relation(
        self, original_id: str, verdict: str, reviewer: str, label: str | None
    ) -> Relation | None:
        original = self._original_relation(original_id)
        previous = self._decision_row(original_id)
        gold: Relation | None = None
        owns = False
        if verdict != "rejected":
            wanted = original.label if label is None else label
            self._check_label(wanted, "relation")
            source = self._gold_counterpart(original.source)
            target = self._gold_counterpart(original.target)
            if source is None or target is None:
                missing = [
                    f"its {role} {self._describe_span(span_id)}"
                    for role, span_id, found in (
                        ("source", original.source, source),
                        ("target", original.target, target),
                    )
                    if found is None
                ]
                raise AdjudicationError(
                    f"{original.annotator}'s {original.label} link cannot go into gold yet: "
                    f"{' and '.join(missing)} {'has' if len(missing) == 1 else 'have'} "
                    "no gold span; accept the source and target spans first"
                )
            gold = self._gold_relation(original.document, wanted, source, target)
            if gold is None:
                now = utc_now()
                gold = Relation(
                    new_id(), original.document, wanted, source, target, GOLD, now, now,
                    original.note,
                )
                self._ensure_annotator(GOLD)
                self._insert_relations([gold])
                owns = True
            else:
                owns = self._keeps_ownership(previous, gold.id)
        self._record(
            original.id, "relation", original.document, verdict, gold, owns, reviewer
        )
        self._release(previous, gold.id if gold else None)
        return gold

    def undecide(self, original_id: str) -> None:
        """Forget the decision on a span or relation (nothing happens if there is none);
        the gold item it made goes too when no other decision points to it."""
        with self._write():
            previous = self._decision_row(original_id)
            if previous is None:
                return
            self.conn.execute("DELETE FROM decisions WHERE item = ?", [original_id])
            self._release(previous, None)

    # -- reading ---------------------------------------------------------------------------

    @reads
    def decisions(self, doc_id: str) -> dict[str, Decision]:
        """The decisions on one document's spans and relations, by original id."""
        rows = self.conn.execute(
            f"SELECT {DECISION_COLUMNS} FROM decisions WHERE document = ? ORDER BY item",
            [doc_id],
        )
        return {decision.item: decision for decision in (Decision(*row) for row in rows)}

    @reads
    def decision(self, original_id: str) -> Decision | None:
        """The decision on one span or relation, or None."""
        row = self.conn.execute(
            f"SELECT {DECISION_COLUMNS} FROM decisions WHERE item = ?", [original_id]
        ).fetchone()
        return Decision(*row) if row else None

    @reads
    def gold_spans(self, doc_id: str) -> list[Span]:
        """The gold layer's spans of one document, in text order."""
        rows = self.conn.execute(
            f"SELECT {SPAN_COLUMNS} FROM spans WHERE document = ? AND annotator = ? "
            "ORDER BY start, end, id",
            [doc_id, GOLD],
        )
        return [Span(*row) for row in rows]

    @reads
    def adjudication_progress(self, doc_id: str | None = None) -> tuple[int, int]:
        """(decided, total): the annotators' spans and relations (not gold's) of one
        document, or of the whole corpus, and how many of them have a decision."""
        where, args = ("AND document = ?", [doc_id]) if doc_id is not None else ("", [])
        total = self.conn.execute(
            f"SELECT (SELECT count(*) FROM spans WHERE annotator != ? {where}) "
            f"+ (SELECT count(*) FROM relations WHERE annotator != ? {where})",
            [GOLD, *args, GOLD, *args],
        ).fetchone()[0]
        decided = self.conn.execute(
            f"SELECT count(*) FROM decisions d WHERE 1 {where.replace('document', 'd.document')} "
            "AND (EXISTS (SELECT 1 FROM spans s WHERE s.id = d.item AND s.annotator != ?) "
            "OR EXISTS (SELECT 1 FROM relations r WHERE r.id = d.item AND r.annotator != ?))",
            [*args, GOLD, GOLD],
        ).fetchone()[0]
        return decided, total

    @reads
    def adjudication_progress_by_document(self) -> dict[str, tuple[int, int]]:
        """(decided, total) for every document, in import order (documents without
        annotations count (0, 0))."""
        progress = {
            r[0]: [0, 0] for r in self.conn.execute("SELECT id FROM documents ORDER BY position")
        }
        for table in ("spans", "relations"):
            for doc_id, n in self.conn.execute(
                f"SELECT document, count(*) FROM {table} WHERE annotator != ? GROUP BY document",
                [GOLD],
            ):
                progress[doc_id][1] += n
        for doc_id, n in self.conn.execute(
            "SELECT d.document, count(*) FROM decisions d "
            "WHERE EXISTS (SELECT 1 FROM spans s WHERE s.id = d.item AND s.annotator != ?) "
            "OR EXISTS (SELECT 1 FROM relations r WHERE r.id = d.item AND r.annotator != ?) "
            "GROUP BY d.document",
            [GOLD, GOLD],
        ):
            progress[doc_id][0] += n
        return {doc_id: (d, t) for doc_id, (d, t) in progress.items()}

    # -- helpers (inside a write transaction) ----------------------------------------------

    def _original_span(self, span_id: str) -> Span:
        row = self.conn.execute(
            f"SELECT {SPAN_COLUMNS} FROM spans WHERE id = ?", [span_id]
        ).fetchone()
        if row is None:
            if self.conn.execute("SELECT 1 FROM relations WHERE id = ?", [span_id]).fetchone():
                raise AdjudicationError(f"{span_id!r} is a relation; decide it as a relation")
            raise AdjudicationError(f"there is no span {span_id!r} in this database")
        span = Span(*row)
        if span.annotator == GOLD:
            raise AdjudicationError(
                f"span {span_id!r} is in the gold layer; decisions are made on annotators' spans"
            )
        return span

    def _original_relation(self, rel_id: str) -> Relation:
        row = self.conn.execute(
            f"SELECT {RELATION_COLUMNS} FROM relations WHERE id = ?", [rel_id]
        ).fetchone()
        if row is None:
            if self.conn.execute("SELECT 1 FROM spans WHERE id = ?", [rel_id]).fetchone():
                raise AdjudicationError(f"{rel_id!r} is a span; decide it as a span")
            raise AdjudicationError(f"there is no relation {rel_id!r} in this database")
        relation = Relation(*row)
        if relation.annotator == GOLD:
            raise AdjudicationError(
                f"relation {rel_id!r} is in the gold layer; decisions are made on "
                "annotators' relations"
            )
        return relation

    def _checked_range(self, original: Span, start: object, end: object) -> str:
        """The document's text in ``[start, end)``, after checking the range."""
        for name, value in (("start", start), ("end", end)):
            if not isinstance(value, int) or isinstance(value, bool):
                raise AdjudicationError(f"{name} must be a whole number, not {value!r}")
        length = self.conn.execute(
            "SELECT length(text) FROM documents WHERE id = ?", [original.document]
        ).fetchone()[0]
        if not 0 <= start < end <= length:  # type: ignore[operator]
            raise AdjudicationError(
                f"an edited span needs 0 <= start < end <= {length} (the document's length), "
                f"not start {start}, end {end}"
            )
        return self.conn.execute(
            "SELECT substr(text, ?, ?) FROM documents WHERE id = ?",
            [start + 1, end - start, original.document],  # type: ignore[operator]
        ).fetchone()[0]

    def _check_label(self, label: object, kind: str) -> None:
        row = self.conn.execute("SELECT kind FROM labels WHERE name = ?", [label]).fetchone()
        if row is None:
            known = [r[0] for r in self.conn.execute(
                "SELECT name FROM labels WHERE kind = ? ORDER BY position, name", [kind]
            )]
            raise AdjudicationError(
                f"unknown {kind} label {label!r}; this database has {', '.join(known)}"
            )
        if row[0] != kind:
            raise AdjudicationError(f"{label!r} is a {row[0]} label, not a {kind} label")

    def _gold_span_at(self, doc_id: str, start: int, end: int, label: str) -> Span | None:
        row = self.conn.execute(
            f"SELECT {SPAN_COLUMNS} FROM spans WHERE document = ? AND start = ? AND end = ? "
            "AND label = ? AND annotator = ? ORDER BY created_at, id LIMIT 1",
            [doc_id, start, end, label, GOLD],
        ).fetchone()
        return Span(*row) if row else None

    def _gold_relation(
        self, doc_id: str, label: str, source: str, target: str
    ) -> Relation | None:
        row = self.conn.execute(
            f"SELECT {RELATION_COLUMNS} FROM relations WHERE document = ? AND label = ? "
            "AND source = ? AND target = ? AND annotator = ? ORDER BY created_at, id LIMIT 1",
            [doc_id, label, source, target, GOLD],
        ).fetchone()
        return Relation(*row) if row else None

    def _gold_counterpart(self, span_id: str) -> str | None:
        """The gold span standing for an annotator's span: the one its decision put into
        gold, else an identical gold span (same document, offsets and label)."""
        row = self.conn.execute(
            "SELECT d.gold FROM decisions d JOIN spans g ON g.id = d.gold "
            "WHERE d.item = ? AND d.verdict != 'rejected' AND g.annotator = ?",
            [span_id, GOLD],
        ).fetchone()
        if row is not None:
            return row[0]
        span = self.conn.execute(
            f"SELECT {SPAN_COLUMNS} FROM spans WHERE id = ?", [span_id]
        ).fetchone()
        if span is None:
            return None
        span = Span(*span)
        if span.annotator == GOLD:
            return span.id
        same = self._gold_span_at(span.document, span.start, span.end, span.label)
        return same.id if same else None

    def _describe_span(self, span_id: str) -> str:
        row = self.conn.execute("SELECT label, text FROM spans WHERE id = ?", [span_id]).fetchone()
        if row is None:
            return f"span {span_id!r}"
        label, text = row
        text = " ".join(text.split())
        text = text if len(text) <= 40 else text[:39] + "…"
        return f"“{text}” ({label})"

    def _decision_row(self, item: str) -> _Previous | None:
        """The decision on ``item``, or None."""
        row = self.conn.execute(
            "SELECT kind, gold, owns_gold, note FROM decisions WHERE item = ?", [item]
        ).fetchone()
        return _Previous._make(row) if row else None

    def _keeps_ownership(self, previous: _Previous | None, gold_id: str) -> bool:
        """Reusing a gold item: this decision owns it only if it owned it already."""
        return previous is not None and previous.gold == gold_id and bool(previous.owns_gold)

    def _record(
        self,
        item: str,
        kind: str,
        document: str,
        verdict: str,
        gold: Span | Relation | None,
        owns: bool,
        reviewer: str,
    ) -> None:
        self._ensure_annotator(reviewer)
        self.conn.execute(
            "INSERT INTO decisions (item, kind, document, verdict, gold, owns_gold, reviewer, "
            "decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (item) DO UPDATE SET "
            "kind = excluded.kind, document = excluded.document, verdict = excluded.verdict, "
            "gold = excluded.gold, owns_gold = excluded.owns_gold, "
            "reviewer = excluded.reviewer, decided_at = excluded.decided_at",
            [item, kind, document, verdict, gold.id if gold else None, int(owns), reviewer,
             utc_now()],
        )

    def _release(self, previous: _Previous | None, kept: str | None) -> None:
        """After a decision changed: the gold item the previous decision pointed to, if it
        is not ``kept``, goes when it was made by decisions and none points to it now;
        if another decision still points to it, that one takes over its ownership."""
        if previous is None:
            return
        kind, gold_id, owned, _note = previous
        if gold_id is None or gold_id == kept or not owned:
            return
        heir = self.conn.execute(
            "SELECT item FROM decisions WHERE gold = ? ORDER BY decided_at, item LIMIT 1",
            [gold_id],
        ).fetchone()
        if heir is not None:
            self.conn.execute("UPDATE decisions SET owns_gold = 1 WHERE item = ?", [heir[0]])
            return
        if kind == "span":
            self._remove_gold_span(gold_id)
        else:
            self.conn.execute(
                "DELETE FROM relations WHERE id = ? AND annotator = ?", [gold_id, GOLD]
            )

    def _remove_gold_span(self, span_id: str) -> None:
        row = self.conn.execute(
            "SELECT document FROM spans WHERE id = ? AND annotator = ?", [span_id, GOLD]
        ).fetchone()
        if row is None:
            return
        document = row[0]
        used_by = [r[0] for r in self.conn.execute(
            "SELECT id FROM relations WHERE source = ? OR target = ?", [span_id, span_id]
        )]
        self.conn.execute(
            "DELETE FROM relations WHERE source = ? OR target = ?", [span_id, span_id]
        )
        self.conn.execute("DELETE FROM spans WHERE id = ?", [span_id])
        self.conn.execute(
            "UPDATE span_counts SET spans = spans - 1 WHERE document = ?", [document]
        )
        for rel_id in used_by:  # decisions that put these relations into gold are undone
            self.conn.execute("DELETE FROM decisions WHERE gold = ?", [rel_id])


def _check_verdict(verdict: object) -> None:
    if verdict not in VERDICTS:
        raise AdjudicationError(
            f"unknown verdict {verdict!r}; a verdict is one of {', '.join(VERDICTS)}"
        )


def _check_reviewer(reviewer: object) -> None:
    problem = reserved_name_problem(reviewer)  # type: ignore[arg-type]
    if problem:
        raise AdjudicationError(f"reviewer: {problem}")


__all__ = ["AdjudicationError", "Adjudication"]
