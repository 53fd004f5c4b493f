"""The bulk importer: documents and the annotations they bring, all or nothing.

Documents go to SQLite in batches of ``_IMPORT_BATCH``. Each batch is made into rows and
planned (one query per table asks which documents, span ids and relation ids are stored
already), checked document by document in the order given (each new row is set aside, a
conflict refused), then written (one ``executemany`` per table).

Identity. A span or relation with an id of its own (ours, from an export or a shared
database) is that id. One without (a doccano label) is known by its content, annotator
included (core/ids.py ``content_span_id``); one a file numbers per document (a
:class:`LocalId`: brat's ``T1``) by that number qualified by its annotator. So Alice's and
Bob's files, alike but for the annotator, give two sets of spans, and a file imported again
under the same name adds nothing. Databases made before that rule (the ``--annotator`` name
was not part of those ids) are met by content: an id-less or numbered item whose document,
place, label and annotator (a relation: label, ends, annotator) are stored already is
"already present", whatever its stored id.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from annotator.core.bulk import collector_paused
from annotator.core.errors import InputError
from annotator.core.ids import (
    LocalId,
    content_span_id,
    document_id,
    qualified,
    text_sha256,
    utc_now,
)
from annotator.core.model import (
    KEPT_ONCE,
    LEFT_OUT,
    Counted,
    IncomingDocument,
    IncomingSpan,
    counted_at,
    tally,
)
from annotator.store.refusals import Refused, id_taken, mark, refuse_lookalikes, set_aside
from annotator.store.rows import (
    ANNOTATOR,
    CONTENT,
    DOCUMENT_COLUMNS,
    ID,
    RELATION_COLUMNS,
    SPAN_COLUMNS,
    DocumentRow,
    RelationRow,
    SpanRow,
    marks,
    stored,
)

_IMPORT_BATCH = 2000  # documents checked and written together

# The rows made here are plain tuples in the order of the fields of DocumentRow, SpanRow
# and RelationRow, not those named tuples: sqlite3 binds an exact tuple faster (a million
# spans: more than a second less). Their places, by name:
_TITLE = DocumentRow._fields.index("title")
_TEXT = DocumentRow._fields.index("text")
_SPAN_LABEL = SpanRow._fields.index("label")
_REL_LABEL = RelationRow._fields.index("label")
_REL_ENDS = (RelationRow._fields.index("source"), RelationRow._fields.index("target"))
# Beside its CONTENT, what an item stored already is compared on when met again (their
# places, the same in SpanRow and RelationRow): an edit is never dropped without a word.
_HELD = {"annotator": -4, "updated_at": -2, "note": -1}
assert all(SpanRow._fields[i] == RelationRow._fields[i] == n for n, i in _HELD.items())


@dataclass
class ImportSummary:
    documents_added: int = 0
    documents_present: int = 0
    spans_added: int = 0
    spans_present: int = 0
    relations_added: int = 0
    relations_present: int = 0
    document_labels_added: int = 0
    document_labels_present: int = 0
    labels_added: list[str] = field(default_factory=list)
    counted: list[Counted] = field(default_factory=list)  # repeats kept once, ...

    def describe(self) -> str:
        return "; ".join(self.parts() + tally(self.counted))

    def parts(self) -> list[str]:
        """What was added and what was there already (:meth:`describe` adds the counts)."""
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
        if self.document_labels_added or self.document_labels_present:
            parts.append(f"{self.document_labels_added} document label(s)")
        if self.document_labels_present:
            parts.append(f"{self.document_labels_present} document label(s) already present")
        if self.labels_added:
            parts.append("new label(s) added to the scheme: " + ", ".join(self.labels_added))
        return parts


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
    # The rowid of the last document: new documents are given the next ones, so that the
    # full-text index is fed from the rows in hand instead of reading them back.
    rowid: int = 0
    refused: list[InputError] | None = None  # collected, not raised: see Refused


@dataclass
class _Plan:
    """One batch made into rows, beside what the database holds of it."""

    now: str
    docs: list[IncomingDocument]
    doc_ids: list[str]
    spans: list[list[tuple]]  # per document
    relations: list[list[tuple]]  # per document
    span_ids: list[str]
    stored_docs: dict[str, str]  # id -> text_sha256
    stored_spans: dict[str, tuple]  # id -> the row's CONTENT and _HELD
    # A plain batch (no relations, no label the scheme lacks, every span id new and used
    # once) cannot fail the checks of a span: its spans skip them one by one.
    plain: bool
    stored_relations: dict[str, tuple] = field(default_factory=dict)  # id -> as stored_spans
    # The spans of a document as it stands, for its relations: those stored before this
    # batch, then those this batch adds (a document may come twice).
    span_ids_of: dict[str, list[str]] = field(default_factory=dict)
    repeated: set[str] = field(default_factory=set)  # documents that come twice
    # Ids this batch derived (no id of its own, or a LocalId): matched by content too.
    derived: set[str] = field(default_factory=set)
    # The content (document, ..., annotator) of the spans and relations of the batch's
    # documents stored before (and as the batch adds them) -> their id.
    span_content: dict[tuple, str] = field(default_factory=dict)
    relation_content: dict[tuple, str] = field(default_factory=dict)


@dataclass
class _NewRows:
    """What a checked batch writes."""

    documents: list[tuple] = field(default_factory=list)
    spans: list[tuple] = field(default_factory=list)
    relations: list[tuple] = field(default_factory=list)
    people: set[str] = field(default_factory=set)  # annotators of the rows
    counts: Counter[str] = field(default_factory=Counter)  # new spans per document
    added_docs: dict[str, str] = field(default_factory=dict)  # id -> text_sha256
    # Collecting refusals (store/refusals.py): where the checks resume, the documents set
    # aside, and what the rows and plan held before the document being checked.
    resume: int = 0
    refused: set[int] = field(default_factory=set)
    mark: tuple = ()


class Importer:
    """The importer's part of ``Store``."""

    def import_documents(
        self,
        documents: Iterable[IncomingDocument],
        *,
        annotator: str,
        progress: Callable[[int], None] | None = None,
        collect: bool = False,
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

        With ``collect``, a document refused against the database (its id stored with
        another text, a relation to a span it lacks, an id taken by other content) is set
        aside and the checks go on with the next, as if it had not come; at the end every
        one refused is raised together as :class:`Refused` and nothing is stored, so that
        the caller can import again without them, once, instead of once per document.
        """
        run = _ImportRun(annotator, refused=[] if collect else None)
        with collector_paused(), self._write():
            run.position, run.rowid = self.conn.execute(
                "SELECT coalesce(max(position) + 1, 0), coalesce(max(rowid), 0) FROM documents"
            ).fetchone()
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
            if run.refused:
                raise Refused(run.refused)  # rolls back: nothing of this pass is kept
        return run.summary

    def _import_batch(self, docs: list[IncomingDocument], run: _ImportRun) -> None:
        try:
            plan = self._plan(docs, run)
            new = _NewRows()
            while True:
                try:
                    self._check(plan, run, new)
                    break
                except InputError as exc:
                    if run.refused is None:
                        raise
                    set_aside(self.conn, exc, plan, new, run)
            self._write_rows(new, plan, run)
            kept = [i for i in range(len(plan.docs)) if i not in new.refused]  # set aside: no row
            self._import_document_labels(
                [plan.docs[i] for i in kept], [plan.doc_ids[i] for i in kept], plan.now, run
            )
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

    def _plan(self, docs: list[IncomingDocument], run: _ImportRun) -> _Plan:
        """Make a batch into rows and ask what the database holds of them."""
        now = utc_now()
        who = run.annotator
        doc_ids = [d.id or document_id(d.text, d.source_id) for d in docs]
        pairs = list(zip(docs, doc_ids, strict=True))
        derived: set[str] = set()
        spans = [_span_rows(d, doc_id, who, now, derived) for d, doc_id in pairs]
        relations = [_relation_rows(d, doc_id, who, now, derived) for d, doc_id in pairs]
        span_ids = [s[ID] for rows in spans for s in rows]
        stored_docs = dict(stored(self.conn, "SELECT id, text_sha256 FROM documents", doc_ids))
        # Documents stored already whose derived items may be there under older ids.
        again = [i for d, i in pairs if i in stored_docs and any(map(_derived, d.spans))]
        span_content = {
            r[:-1]: r[-1]
            for r in stored(
                self.conn,
                "SELECT document, start, end, label, annotator, id FROM spans",
                again,
                column="document",
            )
        }
        asked = list(run.span_ids.intersection(span_ids)) if run.fresh else span_ids
        stored_spans = {
            r[0]: r[1:]
            for r in stored(self.conn, f"SELECT id, document, start, end, label, {', '.join(_HELD)} "
                            "FROM spans", asked)  # fmt: skip
        }
        plain = (
            not stored_spans
            and not span_content
            and not any(relations)
            and len(set(span_ids)) == len(span_ids)
            and all(
                run.labels.get(n) == "span" for n in {s[_SPAN_LABEL] for rows in spans for s in rows}
            )
        )
        plan = _Plan(now, docs, doc_ids, spans, relations, span_ids, stored_docs, stored_spans,
                     plain, derived=derived, span_content=span_content)  # fmt: skip
        if not plain:
            again = [i for d, i in pairs if i in stored_docs and any(map(_derived, d.relations))]
            plan.relation_content = {
                r[:-1]: r[-1]
                for r in stored(
                    self.conn,
                    "SELECT document, label, source, target, annotator, id FROM relations",
                    again,
                    column="document",
                )
            }
            plan.stored_relations = {
                r[0]: r[1:]
                for r in stored(
                    self.conn,
                    f"SELECT id, document, label, source, target, {', '.join(_HELD)} FROM relations",
                    [r[ID] for rows in relations for r in rows],
                )
            }
            plan.repeated = {i for i, n in Counter(doc_ids).items() if n > 1}
            for doc_id, span_id in stored(
                self.conn,
                "SELECT document, id FROM spans",
                [i for d, i in pairs if d.relations and i in stored_docs],
                column="document",
            ):
                plan.span_ids_of.setdefault(doc_id, []).append(span_id)
        return plan

    def _check(self, plan: _Plan, run: _ImportRun, new: _NewRows) -> None:
        """Go through the batch document by document, in order (from ``new.resume``):
        refuse a document, span or relation whose id is taken by other content, add the
        labels the scheme lacks, and set aside in ``new`` the rows not stored yet."""
        summary, labels = run.summary, run.labels
        rules = self.link_rules()  # which labels each link type joins
        added_docs = new.added_docs
        for i in range(new.resume, len(plan.docs)):
            doc, doc_id, doc_spans, doc_relations = (
                plan.docs[i], plan.doc_ids[i], plan.spans[i], plan.relations[i]
            )
            if run.refused is not None:
                new.mark = mark(i, plan, new, run)
            origin = doc.origin
            digest = text_sha256(doc.text)
            before = plan.stored_docs.get(doc_id) or added_docs.get(doc_id)
            if before is None:
                m = doc.meta
                extra = json.dumps(m.extra, ensure_ascii=False) if m.extra else "{}"
                new.documents.append(
                    (doc_id, doc.source_id, doc.text, digest, m.title, m.source, m.author,
                     m.published, m.url, extra, run.position, plan.now, doc.note)
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
            if plan.plain:
                new.counts[doc_id] += len(doc_spans)
                continue
            for kind, names in (
                ("span", dict.fromkeys(s[_SPAN_LABEL] for s in doc_spans)),
                ("relation", dict.fromkeys(r[_REL_LABEL] for r in doc_relations)),
            ):
                if any(labels.get(name) != kind for name in names):
                    refuse_lookalikes(names, labels, origin)
                    summary.labels_added += self._add_labels(names, kind, origin)
                    labels.update(dict.fromkeys(names, kind))

            doc_spans = _unique(doc_spans, "span", doc, summary)
            moved: dict[str, str] = {}  # a derived id -> the id its content is stored under
            present = _sort_new(doc_spans, plan.stored_spans, new.spans, new.people, "span",
                                origin, derived=plan.derived, by_content=plan.span_content,
                                moved=moved, now=plan.now, counted=summary.counted)  # fmt: skip
            new.counts[doc_id] += len(doc_spans) - present
            summary.spans_added += len(doc_spans) - present
            summary.spans_present += present
            if doc_relations or doc_id in plan.repeated:
                plan.span_ids_of.setdefault(doc_id, []).extend(
                    moved.get(s[ID], s[ID]) for s in doc_spans
                )
            if not doc_relations:
                continue
            if moved:  # a relation's end found stored under an older id points at that row
                doc_relations = [_moved_ends(row, moved) for row in doc_relations]

            ended = doc_spans if doc_id not in plan.repeated else [  # its earlier records' too
                row for k, rows in enumerate(plan.spans) if plan.doc_ids[k] == doc_id for row in rows]
            check_ends = self._ends_checker(set(plan.span_ids_of[doc_id]), ended, moved, origin,
                                            rules)  # fmt: skip

            doc_relations = _unique(doc_relations, "relation", doc, summary)
            present = _sort_new(
                doc_relations, plan.stored_relations, new.relations, new.people, "relation",
                origin, check=check_ends, derived=plan.derived, by_content=plan.relation_content,
                now=plan.now, counted=summary.counted,
            )  # fmt: skip
            summary.relations_added += len(doc_relations) - present
            summary.relations_present += present
        if plan.plain:
            new.spans = [
                s for i, rows in enumerate(plan.spans) if i not in new.refused for s in rows
            ]
            new.people = {s[ANNOTATOR["span"]] for s in new.spans}
            summary.spans_added += len(new.spans)

    def _write_rows(self, new: _NewRows, plan: _Plan, run: _ImportRun) -> None:
        """Write a checked batch's new rows, one ``executemany`` per table."""
        execute = self.conn.executemany
        execute(
            "INSERT OR IGNORE INTO annotators (name, created_at) VALUES (?, ?)",
            [(name, plan.now) for name in sorted(new.people)],
        )
        first = run.rowid + 1
        run.rowid += len(new.documents)
        execute(
            f"INSERT INTO documents (rowid, {DOCUMENT_COLUMNS}) "
            f"VALUES (?, {marks(len(DocumentRow._fields))})",
            [(rowid, *row) for rowid, row in enumerate(new.documents, first)],
        )
        # Fed from the rows in hand: reading each batch's texts back from the table, as this
        # did before, was about a fifth of the CPU of importing 100,000 news articles.
        execute(
            "INSERT INTO documents_fts (rowid, title, text) VALUES (?, ?, ?)",
            [(rowid, row[_TITLE], row[_TEXT]) for rowid, row in enumerate(new.documents, first)],
        )
        execute(
            "INSERT INTO span_counts (document, spans) VALUES (?, ?) ON CONFLICT (document) "
            "DO UPDATE SET spans = spans + excluded.spans",
            [item for item in new.counts.items() if item[1]],
        )
        execute(
            f"INSERT INTO spans ({SPAN_COLUMNS}) VALUES ({marks(len(SpanRow._fields))})",
            new.spans,
        )
        if run.fresh:
            run.span_ids.update(plan.span_ids)
        execute(
            f"INSERT INTO relations ({RELATION_COLUMNS}) "
            f"VALUES ({marks(len(RelationRow._fields))})",
            new.relations,
        )


def _derived(item) -> bool:
    """True for an item whose id the import makes: none of its own, or a file's number."""
    return item.id is None or type(item.id) is LocalId


def _span_rows(
    doc: IncomingDocument, doc_id: str, annotator: str, now: str, derived: set[str]
) -> list[tuple]:
    """The rows of ``spans`` (in SpanRow's order) for a document's spans. A derived id
    includes the span's annotator as stored (the fallback ``annotator`` when the file names
    none): two people's identical spans are two spans (see the module's docstring)."""
    text = doc.text
    rows = [
        (s.id if type(s.id) is str else _span_id(s, doc_id, s.annotator or annotator),
         doc_id, s.start, s.end, s.label, text[s.start : s.end], s.annotator or annotator,
         created := s.created_at or now, s.updated_at or created, s.note)
        for s in doc.spans
    ]  # fmt: skip
    if len(rows) and not all(type(s.id) is str for s in doc.spans):
        derived.update(row[ID] for row, s in zip(rows, doc.spans, strict=True) if _derived(s))
    return rows


def _span_id(s: IncomingSpan, doc_id: str, who: str) -> str:
    if s.id is None:
        return content_span_id(doc_id, s.start, s.end, s.label, who)
    return qualified(s.id, who)  # a LocalId


def _relation_rows(
    doc: IncomingDocument, doc_id: str, annotator: str, now: str, derived: set[str]
) -> list[tuple]:
    """The rows of ``relations`` (in RelationRow's order) for a document's relations; an
    end that is a span's LocalId becomes that span's stored id."""
    if not doc.relations:
        return []
    ends = {s.id: qualified(s.id, s.annotator or annotator) for s in doc.spans if type(s.id) is LocalId}
    rows = []
    for r in doc.relations:
        who = r.annotator or annotator
        source, target = ends.get(r.source, r.source), ends.get(r.target, r.target)
        if r.id is None:
            rel_id = content_span_id(doc_id, 0, 0, f"{r.label}:{source}:{target}", who)
        elif type(r.id) is LocalId:
            rel_id = qualified(r.id, who)
        else:
            rel_id = r.id
        if _derived(r):
            derived.add(rel_id)
        created = r.created_at or now
        rows.append(
            (rel_id, doc_id, r.label, source, target, who, created, r.updated_at or created,
             r.note)
        )  # fmt: skip
    return rows


def _moved_ends(row: tuple, moved: dict[str, str]) -> tuple:
    source, target = (moved.get(row[i], row[i]) for i in _REL_ENDS)
    return (*row[: _REL_ENDS[0]], source, target, *row[_REL_ENDS[1] + 1 :])


def _unique(
    rows: list[tuple], kind: str, doc: IncomingDocument, summary: ImportSummary
) -> list[tuple]:
    """Keep once a row given twice within one record (counted; the pipeline's reading has
    done so already, formats/records.py ``tidy``: this is for the store's other callers);
    refuse one id used for two contents."""
    if len({row[ID] for row in rows}) == len(rows):
        return rows
    seen: dict[str, tuple] = {}
    out = []
    for row in rows:
        before = seen.get(row[ID])
        if before is None:
            seen[row[ID]] = row[CONTENT]
            out.append(row)
        elif before != row[CONTENT]:
            raise InputError(
                doc.origin, f"{kind} id {row[ID]!r} is used twice for different {kind}s"
            )
    summary.counted.append(counted_at(doc.origin, KEPT_ONCE, f"duplicate {kind}",
                                    f"the same {kind} twice in one record", len(rows) - len(out)))
    return out




def _sort_new(
    rows: list[tuple],
    stored: dict[str, tuple],
    new: list[tuple],
    people: set[str],
    kind: str,
    origin: str,
    *,
    check: Callable[[tuple], None] | None = None,
    derived: set[str],
    by_content: dict[tuple, str],
    moved: dict[str, str] | None = None,
    now: str,
    counted: list[Counted],
) -> int:
    """Put the rows not stored yet into ``new`` (and ``stored``), refuse an id stored with
    other content, note each row's annotator; return how many rows were already stored.
    A stored row whose annotator, note or updated_at (unless the import made it: ``now``)
    differs is kept as stored, and each such field of the file's is counted as left out.

    A row whose id was derived (``derived``) is also found by its content and annotator in
    ``by_content`` (stored under an older id); ``moved`` learns that id."""
    present = 0
    annotator = ANNOTATOR[kind]
    for row in rows:
        if check is not None:
            check(row)
        people.add(row[annotator])
        before = stored.get(row[ID])
        content = (*row[CONTENT], row[annotator])
        if before is None and row[ID] in derived and content in by_content:
            if moved is not None:
                moved[row[ID]] = by_content[content]
            present += 1
        elif before is None:
            new.append(row)
            stored[row[ID]] = (*row[CONTENT], *(row[i] for i in _HELD.values()))
            by_content.setdefault(content, row[ID])
        elif before[:4] != row[CONTENT]:
            raise id_taken(kind, row[ID], origin, numbered=row[ID] in derived)
        else:
            present += 1
            for (name, at), was in zip(_HELD.items(), before[4:], strict=True):
                if (was or None) != (row[at] or None) and (name != "updated_at" or row[at] != now):
                    why = f"differs from the stored {kind}'s; the stored version was kept"
                    counted.append(counted_at(origin, LEFT_OUT, f"{kind} {name}", why))
    return present


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
