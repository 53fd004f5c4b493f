"""The suggestion layer: spans and links a suggester proposes, per article, kept apart from
the annotators' spans and relations (exports, agreement and gold read only those), until an
annotator accepts one. Rejections are remembered per article by content, so a new run of a
suggester never brings one back; an accepted item keeps its suggester as provenance."""

from __future__ import annotations

from collections.abc import Iterable

from annotator.core.ids import new_id, utc_now
from annotator.core.link_rules import problem
from annotator.core.model import Relation, Span
from annotator.core.suggestion_rows import (
    EXISTING,
    RELATION,
    SPAN,
    SUGGESTION_COLUMNS,
    Around,
    Provenance,
    ReplaceResult,
    Suggestion,
    SuggestionChange,
    link_content,
    span_content,
)
from annotator.core.suggestions import Suggestions
from annotator.store.errors import StoreError, reads
from annotator.store.rows import marks
from annotator.store.suggestion_pending import Pending, suggestion_of


class SuggestionLayer:
    """The suggestions' part of ``Store``."""

    # -- making and reading ----------------------------------------------------------------

    def replace_suggestions(self, doc_id: str, made: Suggestions) -> ReplaceResult:
        """Put one run of ``made.suggester`` in place of its pending suggestions for the
        article, leaving out what was rejected there before (and links whose end is left
        out or missing). Refused, with nothing changed, when an offset is outside the text
        or a label is not in the scheme."""
        result = ReplaceResult()
        with self._write():
            text = self._article_text(doc_id)
            kinds = dict(self.conn.execute("SELECT name, kind FROM labels").fetchall())
            rejected = self._rejections(doc_id)
            old = self.conn.execute(
                "SELECT id FROM suggestions WHERE document = ? AND suggester = ?",
                [doc_id, made.suggester],
            ).fetchall()
            result.replaced = len(old)
            # Links of other suggesters' runs may point at this one's spans: they go too.
            self.conn.executemany(
                "DELETE FROM suggestions WHERE kind = 'relation' AND (source = ? OR target = ?)",
                [(i, i) for (i,) in old],
            )
            self.conn.execute(
                "DELETE FROM suggestions WHERE document = ? AND suggester = ?",
                [doc_id, made.suggester],
            )
            now = utc_now()
            ids: dict[str, str] = {}  # the run's key -> the stored suggestion's id
            contents: dict[str, str] = {}  # the stored id -> its span's content
            rows = []
            for span in made.spans:
                if not (0 <= span.start < span.end <= len(text)):
                    raise StoreError(
                        f"{made.suggester}: suggestion {span.key!r} ({span.start}-{span.end}) "
                        f"is outside the article's text ({len(text)} characters)"
                    )
                _check_label(kinds, span.label, SPAN, made.suggester)
                content = span_content(span.start, span.end, span.label)
                if (SPAN, content) in rejected:
                    result.rejected_before += 1
                    continue
                if span.key in ids:
                    raise StoreError(f"{made.suggester}: the key {span.key!r} is used twice")
                ids[span.key] = sid = new_id()
                contents[sid] = content
                rows.append((sid, doc_id, SPAN, made.suggester, span.label, span.start,
                             span.end, None, None, float(span.score), span.reason, now))  # fmt: skip
                result.added_spans += 1
            for link in made.links:
                _check_label(kinds, link.label, RELATION, made.suggester)
                ends = [self._run_end(doc_id, end, ids, contents) for end in (link.source, link.target)]
                if None in ends:
                    result.dropped_links += 1
                    continue
                (source, source_content), (target, target_content) = ends
                if (RELATION, link_content(link.label, source_content, target_content)) in rejected:
                    result.rejected_before += 1
                    continue
                rows.append((new_id(), doc_id, RELATION, made.suggester, link.label, None, None,
                             source, target, float(link.score), link.reason, now))  # fmt: skip
                result.added_links += 1
            self.conn.executemany(
                f"INSERT INTO suggestions ({SUGGESTION_COLUMNS}) VALUES ({marks(12)})", rows
            )
        return result

    def replace_suggestion_runs(
        self, doc_id: str, runs: Iterable[Suggestions]
    ) -> dict[str, ReplaceResult]:
        """Several suggesters' runs for one article in ONE transaction (annotator suggest
        and the window's background runs), what each did by suggester: a job stopped
        half-way leaves the article as it was, never some suggesters' new suggestions
        beside others' old ones."""
        with self._one_write():
            return {run.suggester: self.replace_suggestions(doc_id, run) for run in runs}

    @reads
    def suggestions(self, doc_id: str, annotator: str | None = None) -> list[Suggestion]:
        """The pending suggestions of an article, spans in text order, then links. With
        ``annotator``, a span suggestion that this annotator has marked already (same place
        and label) is not shown; a link that ends at it points at that span instead."""
        stored = self.conn.execute(
            f"SELECT {SUGGESTION_COLUMNS} FROM suggestions WHERE document = ? "
            "ORDER BY kind DESC, start, end, score DESC, id",
            [doc_id],
        ).fetchall()
        if not stored:  # the usual case: the article's (maybe long) text is not read
            return []
        text = self._article_text(doc_id)
        rows = [_suggestion(row, text) for row in stored]
        if annotator is None:
            return rows
        marked = self._marked(doc_id, annotator)
        same = {
            s.id: marked[(s.start, s.end, s.label)]
            for s in rows if s.is_span and (s.start, s.end, s.label) in marked
        }
        if not same:
            return rows
        return [
            s if s.is_span else _ends_moved(s, same)
            for s in rows if s.id not in same
        ]

    @reads
    def suggestion_documents(self) -> list[str]:
        """The articles that have pending suggestions, in the document list's order."""
        return [
            doc for (doc,) in self.conn.execute(
                "SELECT d.id FROM documents d WHERE EXISTS "
                "(SELECT 1 FROM suggestions s WHERE s.document = d.id) ORDER BY d.position"
            )
        ]

    @reads
    def provenance(self, item: str) -> Provenance | None:
        """The suggester a span or relation was accepted from, or None (made by hand)."""
        row = self.conn.execute(
            "SELECT item, kind, suggester, score, reason, accepted_at FROM provenance "
            "WHERE item = ?",
            [item],
        ).fetchone()
        return Provenance(*row) if row else None

    @reads
    def provenance_of_document(self, doc_id: str) -> dict[str, str]:
        """Span and relation id -> where it came from ("suggested by ..."), for the
        article's items accepted from a suggestion."""
        rows = self.conn.execute(  # (an item deleted since: its id is simply not shown)
            "SELECT item, kind, suggester, score, reason, accepted_at FROM provenance "
            "WHERE document = ?",
            [doc_id],
        )
        return {row[0]: Provenance(*row).describe() for row in rows}

    @reads
    def provenance_by_document(self) -> dict[str, dict[str, Provenance]]:
        """Every accepted item's provenance, by article then item id (the native export
        writes it beside each span and link; most databases have none: one query)."""
        out: dict[str, dict[str, Provenance]] = {}
        for row in self.conn.execute(
            "SELECT document, item, kind, suggester, score, reason, accepted_at FROM provenance"
        ):
            out.setdefault(row[0], {})[row[1]] = Provenance(*row[1:])
        return out

    @reads
    def has_suggestions(self, doc_id: str) -> bool:
        """The article has a pending suggestion (one indexed look-up)."""
        return self.conn.execute(
            "SELECT 1 FROM suggestions WHERE document = ? LIMIT 1", [doc_id]
        ).fetchone() is not None

    @reads
    def rejected_suggestions(self, doc_id: str) -> int:
        return self.conn.execute(
            "SELECT count(*) FROM suggestion_rejections WHERE document = ?", [doc_id]
        ).fetchone()[0]

    # -- deciding ------------------------------------------------------------------------

    def accept_suggestion(
        self, suggestion_id: str, annotator: str, label: str | None = None,
        around: Around | None = None,
    ) -> SuggestionChange:
        """Make a suggestion an ordinary span or relation of ``annotator`` (with
        ``label`` instead of the suggested one, if given: the suggested one is then
        remembered as rejected). A link whose ends are still suggestions accepts them too.
        ``around``: the window's word on the links near it (suggestion_pending.py)."""
        with self._write():
            pending = Pending.of(self.conn, suggestion_id, around)
            change = SuggestionChange(pending[suggestion_id].document)
            acceptance = _Acceptance(self, change, pending, annotator)
            acceptance.accept(suggestion_id, label)
            acceptance.retarget()
            change.what = _what("Accept", change)
            self._apply(change, forward=True)
        return change

    def accept_suggestions_of(
        self, doc_id: str, label: str, annotator: str
    ) -> SuggestionChange:
        """Accept every pending suggestion with ``label`` in the article (spans of that
        label, or links of that type with their ends), in one transaction."""
        with self._write():
            pending = Pending(self.conn, doc_id, label=label)
            change = SuggestionChange(doc_id)
            acceptance = _Acceptance(self, change, pending, annotator)
            for s in pending.with_label(label):
                acceptance.accept(s.id, None)
            acceptance.retarget()
            change.what = _what("Accept", change)
            self._apply(change, forward=True)
        return change

    def reject_suggestion(self, suggestion_id: str, around: Around | None = None
                          ) -> SuggestionChange:  # fmt: skip
        """Remove a suggestion and remember it as rejected in its article; a span
        suggestion's pending links go with it."""
        with self._write():
            pending = Pending.of(self.conn, suggestion_id, around)
            s = pending[suggestion_id]
            change = SuggestionChange(s.document, what="Reject suggestion")
            change.removed.append(s)
            content = self._content(s, pending)
            if content is not None:
                change.rejections.append((s.kind, content))
            if s.is_span:
                change.removed += pending.links_at([s.id])
            change.rejections = [
                r for r in change.rejections if not self._rejected(s.document, *r)
            ]
            self._apply(change, forward=True)
        return change

    def undo_suggestion_change(self, change: SuggestionChange) -> None:
        with self._write():
            self._apply(change, forward=False)

    def redo_suggestion_change(self, change: SuggestionChange) -> None:
        with self._write():
            self._apply(change, forward=True)

    # -- inside a write ------------------------------------------------------------------

    def _apply(self, change: SuggestionChange, *, forward: bool) -> None:
        doc = change.document
        if forward:
            spans = [s for s in change.spans]
            if spans:
                for span in spans:
                    self._ensure_annotator(span.annotator)
                self._insert_spans(spans)
                who = spans[0].annotator
                if self.status(doc, who) == "todo":
                    self._set_status(doc, who, "in_progress")
            for relation in change.relations:
                self._ensure_annotator(relation.annotator)
            self._insert_relations(change.relations)
            self.conn.executemany(
                "INSERT OR REPLACE INTO provenance (item, document, kind, suggester, score, "
                "reason, accepted_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(p.item, doc, p.kind, p.suggester, p.score, p.reason, p.accepted_at)
                 for p in change.provenance],  # fmt: skip
            )
            self.conn.executemany(
                "DELETE FROM suggestions WHERE id = ?", [(s.id,) for s in change.removed]
            )
            self.conn.executemany(
                "UPDATE suggestions SET source = ?, target = ? WHERE id = ?",
                [(new_s, new_t, i) for i, _s, _t, new_s, new_t in change.retargeted],
            )
            now = utc_now()
            self.conn.executemany(
                "INSERT OR IGNORE INTO suggestion_rejections (document, kind, content, "
                "rejected_at) VALUES (?, ?, ?, ?)",
                [(doc, kind, content, now) for kind, content in change.rejections],
            )
            return
        self.conn.executemany(
            "DELETE FROM suggestion_rejections WHERE document = ? AND kind = ? AND content = ?",
            [(doc, kind, content) for kind, content in change.rejections],
        )
        self.conn.executemany(
            "DELETE FROM relations WHERE id = ?", [(r.id,) for r in change.relations]
        )
        self.conn.executemany(
            "DELETE FROM provenance WHERE item = ?", [(p.item,) for p in change.provenance]
        )
        self.conn.executemany("DELETE FROM spans WHERE id = ?", [(s.id,) for s in change.spans])
        if change.spans:
            self.conn.execute(
                "UPDATE span_counts SET spans = spans - ? WHERE document = ?",
                [len(change.spans), doc],
            )
        self.conn.executemany(
            f"INSERT INTO suggestions ({SUGGESTION_COLUMNS}) VALUES ({marks(12)})",
            [s.row() for s in change.removed],
        )
        self.conn.executemany(
            "UPDATE suggestions SET source = ?, target = ? WHERE id = ?",
            [(old_s, old_t, i) for i, old_s, old_t, _s, _t in change.retargeted],
        )

    def _article_text(self, doc_id: str) -> str:
        row = self.conn.execute("SELECT text FROM documents WHERE id = ?", [doc_id]).fetchone()
        if row is None:
            raise StoreError(f"there is no article {doc_id!r} in this database")
        return row[0]

    def _rejections(self, doc_id: str) -> set[tuple[str, str]]:
        return set(
            self.conn.execute(
                "SELECT kind, content FROM suggestion_rejections WHERE document = ?", [doc_id]
            ).fetchall()
        )

    def _rejected(self, doc_id: str, kind: str, content: str) -> bool:
        return self.conn.execute(
            "SELECT 1 FROM suggestion_rejections WHERE document = ? AND kind = ? "
            "AND content = ?", [doc_id, kind, content]).fetchone() is not None  # fmt: skip

    def _marked_at(self, doc_id: str, annotator: str, start: int, end: int,
                   label: str) -> str | None:  # fmt: skip
        """A span of ``annotator`` there with that label (one indexed look-up)."""
        row = self.conn.execute(
            "SELECT id FROM spans WHERE document = ? AND start = ? AND end = ? AND label = ? "
            "AND annotator = ? ORDER BY id LIMIT 1", [doc_id, start, end, label, annotator],
        ).fetchone()  # fmt: skip
        return row[0] if row else None

    def _marked(self, doc_id: str, annotator: str) -> dict[tuple, str]:
        return {
            (start, end, label): span_id
            for span_id, start, end, label in self.conn.execute(
                "SELECT id, start, end, label FROM spans WHERE document = ? AND annotator = ?",
                [doc_id, annotator],
            )
        }

    def _span_content(self, span_id: str) -> str | None:
        row = self.conn.execute(
            "SELECT start, end, label FROM spans WHERE id = ?", [span_id]
        ).fetchone()
        return span_content(*row) if row else None

    def _end_content(self, end: str, pending: Pending) -> str | None:
        if end.startswith(EXISTING):
            return self._span_content(end[len(EXISTING):])
        s = pending.get(end)
        return span_content(s.start, s.end, s.label) if s is not None else None

    def _content(self, s: Suggestion, pending: Pending) -> str | None:
        if s.is_span:
            return span_content(s.start, s.end, s.label)
        source = self._end_content(s.source, pending)
        target = self._end_content(s.target, pending)
        if source is None or target is None:
            return None
        return link_content(s.label, source, target)

    def _run_end(
        self, doc_id: str, end: str, ids: dict[str, str], contents: dict[str, str]
    ) -> tuple[str, str] | None:
        """A link end of a run, stored: a span suggestion of the run, or a span there."""
        if end in ids:
            return ids[end], contents[ids[end]]
        if end.startswith(EXISTING):
            row = self.conn.execute(
                "SELECT start, end, label FROM spans WHERE id = ? AND document = ?",
                [end[len(EXISTING):], doc_id],
            ).fetchone()
            if row is not None:
                return end, span_content(*row)
        return None


class _Acceptance:
    """Works out one accept (or accept-all) as a SuggestionChange, reading the database
    but writing nothing: ``Store._apply`` then writes it."""

    def __init__(self, store, change: SuggestionChange, pending: Pending,
                 annotator: str) -> None:  # fmt: skip
        self.store, self.change, self.pending, self.annotator = store, change, pending, annotator
        self.made: dict[str, Span] = {}  # suggestion -> the span it became (or was there)
        self.kinds = dict(store.conn.execute("SELECT name, kind FROM labels").fetchall())
        self.marked: dict[tuple, str] = {}  # spans made by this acceptance, by place
        self.now = utc_now()
        self.done: set[str] = set()

    def accept(self, suggestion_id: str, label: str | None) -> None:
        if suggestion_id in self.done:
            return
        s = self.pending[suggestion_id]
        if label is not None and label != s.label:
            _check_label(self.kinds, label, s.kind, "accept")
            content = self.store._content(s, self.pending)
            if content is not None:
                self.change.rejections.append((s.kind, content))
        label = label or s.label
        if s.is_span:
            self._span(s, label)
        else:
            self._link(s, label)
        self.done.add(suggestion_id)
        self.change.removed.append(s)

    def _span(self, s: Suggestion, label: str) -> None:
        there = self.marked.get((s.start, s.end, label)) or self.store._marked_at(
            s.document, self.annotator, s.start, s.end, label)
        if there is not None:  # marked already: the suggestion is that span
            self.change.reused[s.id] = there
            self.made[s.id] = Span(there, s.document, s.start, s.end, label, s.text,
                                   self.annotator, "", "")  # fmt: skip
            return
        span = Span(new_id(), s.document, s.start, s.end, label, s.text, self.annotator,
                    self.now, self.now)  # fmt: skip
        self.marked[(s.start, s.end, label)] = span.id
        self.made[s.id] = span
        self.change.spans.append(span)
        self.change.provenance.append(
            Provenance(span.id, SPAN, s.suggester, s.score, s.reason, self.now)
        )

    def _end(self, end: str) -> tuple[str, str]:
        """The span id and label at a link's end, accepting a span suggestion there."""
        if end.startswith(EXISTING):
            row = self.store.conn.execute(
                "SELECT id, label FROM spans WHERE id = ?", [end[len(EXISTING):]]
            ).fetchone()
            if row is None:
                raise StoreError("This link's span has been deleted; reject the suggestion.")
            return row
        if end not in self.made:
            if self.pending.get(end) is None:
                raise StoreError("This link's span suggestion is gone; reject the link.")
            self.accept(end, None)
        span = self.made[end]
        return span.id, span.label

    def _link(self, s: Suggestion, label: str) -> None:
        (source, source_label), (target, target_label) = self._end(s.source), self._end(s.target)
        why = problem(self.store.link_rules(), label, source_label, target_label)
        if why:
            raise StoreError(f"This link cannot be made: {why}.")
        taken = self.store.conn.execute(
            "SELECT 1 FROM relations WHERE label = ? AND source = ? AND target = ? "
            "AND annotator = ?",
            [label, source, target, self.annotator],
        ).fetchone()
        if taken or any(
            (r.label, r.source, r.target) == (label, source, target) for r in self.change.relations
        ):
            return  # the link is there already: accepting it adds nothing twice
        relation = Relation(new_id(), s.document, label, source, target, self.annotator,
                            self.now, self.now)  # fmt: skip
        self.change.relations.append(relation)
        self.change.provenance.append(
            Provenance(relation.id, RELATION, s.suggester, s.score, s.reason, self.now)
        )

    def retarget(self) -> None:
        """Pending links that end at a suggestion accepted now point at its span."""
        removed = {s.id for s in self.change.removed}
        self.change.retargeted = []
        for link in self.pending.links_at(self.made):
            if link.id in removed:
                continue
            source = _moved(link.source, self.made)
            target = _moved(link.target, self.made)
            if (source, target) != (link.source, link.target):
                self.change.retargeted.append((link.id, link.source, link.target, source, target))


def _moved(end: str, made: dict[str, Span]) -> str:
    return EXISTING + made[end].id if end in made else end


def _ends_moved(link: Suggestion, same: dict[str, str]) -> Suggestion:
    from dataclasses import replace

    source = EXISTING + same[link.source] if link.source in same else link.source
    target = EXISTING + same[link.target] if link.target in same else link.target
    return replace(link, source=source, target=target)


_suggestion = suggestion_of


def _check_label(kinds: dict[str, str], label: str, kind: str, who: str) -> None:
    if kinds.get(label) != kind:
        known = "a relation" if kinds.get(label) == RELATION else "a span"
        what = "not in the scheme" if label not in kinds else f"{known} label"
        raise StoreError(f"{who}: the {kind} label {label!r} is {what}")


def _what(verb: str, change: SuggestionChange) -> str:
    n = len(change.removed)
    return f"{verb} {n} suggestion(s)" if n != 1 else f"{verb} suggestion"


def pending_counts(suggestions: Iterable[Suggestion]) -> dict[str, int]:
    """How many suggestions of each label are pending (the status bar's count)."""
    counts: dict[str, int] = {}
    for s in suggestions:
        counts[s.label] = counts.get(s.label, 0) + 1
    return counts
