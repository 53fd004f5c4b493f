"""Sharing databases for review (DESIGN.md, invariants 7 and 8).

``snapshot`` writes one self-contained copy of a database with ``VACUUM INTO``, safe to
send (no ``-wal`` beside it). ``import_shared`` reads databases received from annotators,
each opened with :meth:`Store.open_received` (``mode=ro``, ``trusted_schema=OFF``, or a
private copy when side files are beside it; its application id, version and schema checked,
``quick_check`` run), its values checked (store/received.py) and then verified (text
hashes, span texts, references); only when every file passed is their content copied into
the reviewer's store, in one transaction, keyed by the ids it carries. The received files
are only read. ``annotator review-import`` and File ▸ Open for review both call
``import_shared``, once.

A gold layer (spans and relations of the annotator "gold", see store/adjudication.py) travels
like anyone's annotations, keyed by id, from the file where it was adjudicated: a gold item
is copied only when a verdict in the same file made it (store/received.py). Decisions (the ``decisions`` table) are the reviewer's
own working notes and are not copied. A received file of an older schema version is read
through a migrated in-memory copy; the file itself is never migrated.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path

from annotator.core.annotators import GOLD
from annotator.core.model import (
    IncomingDocument,
    IncomingDocumentLabel,
    IncomingRelation,
    IncomingSpan,
)
from annotator.store import opening
from annotator.store.errors import StoreError, reading
from annotator.store.importer import ImportSummary
from annotator.store.received import problems as value_problems
from annotator.store.scheme_merge import label_rows, merge_schemes
from annotator.store.store import Store
from annotator.store.versions import ReceivedFile, ReviewImportSummary, apply_versions

# Recorded on nothing: every span and relation copied from a shared file names its author.
_FALLBACK_ANNOTATOR = "review"


def snapshot(source: Path | str, target: Path | str) -> Path:
    """Copy the database ``source`` into the new file ``target`` with ``VACUUM INTO``.

    ``source`` is opened read-only (it is not changed, even if another session has it open
    in WAL mode: the snapshot holds what is committed). ``target`` must not exist; the copy
    is made beside it under a hidden name and linked into place only when complete, so an
    existing file is never replaced and a failure leaves nothing behind. The snapshot is in
    rollback-journal mode, one file with no ``-wal``, and is checked by opening it read-only.
    """
    source, target = Path(source), Path(target)
    opening.refuse_side_file(target)
    _refuse_existing(target)
    if not target.parent.is_dir():
        raise StoreError(f"{target}: the folder {target.parent} does not exist")
    draft = opening.draft_path(target)
    try:
        with Store.open_readonly(source) as store:
            conn = store.conn
            # The connection is read-only (mode=ro) whatever query_only says; VACUUM INTO
            # writes only the new file, which query_only would forbid too.
            conn.execute("PRAGMA query_only = OFF")
            try:
                conn.execute("VACUUM INTO ?", [str(draft)])
            finally:
                conn.execute("PRAGMA query_only = ON")
        with Store.open_readonly(draft) as copy:
            problems = copy.verify()
        if problems:
            raise StoreError(f"{source}: the snapshot does not verify ({'; '.join(problems[:5])})")
        _link_new(draft, target)
    except sqlite3.Error as exc:
        raise StoreError(f"{target}: the snapshot could not be written ({exc})") from exc
    except OSError as exc:
        raise StoreError(f"{target}: the snapshot could not be written ({exc.strerror})") from exc
    finally:
        Store.remove_files(draft)
    return target


def _refuse_existing(target: Path) -> None:
    """A snapshot is a new regular file: never written into a FIFO, a device or through a
    symbolic link (even a dangling one), and never over a file."""
    if target.is_symlink():
        raise StoreError(
            f"{target}: is a symbolic link (to {os.readlink(target)}); a snapshot is written "
            "only as a new file, never through a link"
        )
    kind = opening.not_a_file(target)
    if kind is not None:
        raise StoreError(f"{target}: is {kind}; a snapshot is written only as a new file")
    if target.exists():
        raise StoreError(f"{target}: already exists; a snapshot never replaces a file")


def _link_new(draft: Path, target: Path) -> None:
    try:
        os.link(draft, target)
    except FileExistsError as exc:
        raise StoreError(f"{target}: already exists; a snapshot never replaces a file") from exc
    except OSError:  # no hard links on this file system (FAT, some shares)
        if target.exists():
            raise StoreError(
                f"{target}: already exists; a snapshot never replaces a file"
            ) from None
        os.rename(draft, target)


def read_shared(path: Path | str) -> list[IncomingDocument]:
    """Open a received database read-only, check it, and return its content (documents
    with their spans, relations, document labels and notes, keeping ids, annotators and times).

    Raises StoreError, saying why, for a file that is not a usable Annotator database or
    whose texts, span texts or references do not verify.
    """
    return read_received(path).documents


def read_received(path: Path | str) -> ReceivedFile:
    """:func:`read_shared`, with what else a review import takes from the file: its scheme
    (every column of its labels), its annotators and the file's SHA-256."""
    path = Path(path)
    with Store.open_received(path) as shared, reading(path):
        # the values first: the checks that follow read them as the types they should be
        _refuse(path, value_problems(shared.conn), "cannot be imported for review")
        _refuse(path, shared.verify(), "does not verify, so it is not imported")
        documents = [_incoming(shared, doc_id, path) for doc_id in shared.document_ids()]
        names = [r[0] for r in shared.conn.execute("SELECT name FROM annotators ORDER BY name")]
        labels = label_rows(shared.conn)
    return ReceivedFile(path, documents, names, labels, _file_sha256(path))


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
    except OSError as exc:
        raise StoreError(f"{path}: cannot be read ({exc.strerror})") from exc
    return digest.hexdigest()


def _refuse(path: Path, problems: list[str], what: str) -> None:
    if problems:
        shown = "; ".join(problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise StoreError(f"{path}: {what}: {shown}{more}")


def _incoming(shared: Store, doc_id: str, path: Path) -> IncomingDocument:
    doc = shared.document(doc_id)
    spans = [
        IncomingSpan(
            s.start,
            s.end,
            s.label,
            id=s.id,
            annotator=s.annotator,
            note=s.note,
            created_at=s.created_at,
            updated_at=s.updated_at,
        )
        for s in shared.spans(doc_id)
    ]
    relations = [
        IncomingRelation(
            r.label,
            r.source,
            r.target,
            id=r.id,
            annotator=r.annotator,
            note=r.note,
            created_at=r.created_at,
            updated_at=r.updated_at,
        )
        for r in shared.relations(doc_id)
    ]
    return IncomingDocument(
        doc.text,
        doc.source_id,
        doc.meta,
        f"{path}, document {doc.meta.title or doc.id!r}",
        id=doc.id,
        spans=spans,
        relations=relations,
        note=doc.note,
        document_labels=_document_labels(shared, doc_id),
    )


def _document_labels(shared: Store, doc_id: str) -> list[IncomingDocumentLabel]:
    """The document's labels, each with its annotator and time: a document label is its
    (document, label, annotator), so copying a file twice adds nothing."""
    return [
        IncomingDocumentLabel(d.label, annotator=d.annotator, created_at=d.created_at)
        for d in shared.document_labels(doc_id)
    ]


def import_shared(
    review: Store | Path | str,
    paths: Iterable[Path | str],
    *,
    progress: Callable[[int, int], None] | None = None,
    opened: Callable[[Store], None] | None = None,
) -> ImportSummary:
    """Copy the content of the databases ``paths`` into ``review``, all or nothing:
    an open store, or the path of one (created if missing, and removed again if the
    import fails).

    Every file is read and checked before ``review`` is opened or written, one at a time:
    ``progress(done, len(paths) + 1)`` is called before each and before the copy (an
    exception it raises cancels). One refused file leaves ``review`` unchanged. Ids are
    kept, so importing the same file twice adds nothing and two annotators' spans (their
    own ids) never collide; an id that ``review`` already uses for other content is
    refused (InputError). A new version of an annotator's work replaces the one held, and
    the verdicts on what it changed or deleted are flagged (store/versions.py); the
    senders' schemes are merged (store/scheme_merge.py). The summary is a
    ReviewImportSummary: its ``lines()`` say each annotator's version and what the schemes
    brought. ``opened`` is called with the store this function opens (the command line prints its
    warnings).
    """
    paths = [Path(p) for p in paths]
    steps = len(paths) + 1
    received: list[ReceivedFile] = []
    for done, path in enumerate(paths):
        if progress is not None:
            progress(done, steps)
        received.append(read_received(path))  # raises, naming the file and why
    _refuse_itself(review.path if isinstance(review, Store) else Path(review), paths)
    if progress is not None:
        progress(len(paths), steps)
    if isinstance(review, Store):
        return _copy(review, received, fresh=False)
    fresh = not Path(review).exists()

    def copy_into(target: Path) -> ImportSummary:
        with Store.open(target) as store:
            if opened is not None:
                opened(store)
            return _copy(store, received, fresh=fresh)

    # a new review database is made beside its name and linked there when complete
    return opening.made_or_opened(Path(review), copy_into)


def _refuse_itself(review: Path | None, paths: list[Path]) -> None:
    if review is None:
        return
    mine = review.resolve()
    for p in paths:
        with contextlib.suppress(OSError):
            if p.resolve() == mine:
                raise StoreError(f"{p}: is the review database itself")


def _copy(review: Store, received: list[ReceivedFile], *, fresh: bool) -> ImportSummary:
    for file in received:
        _refuse_changed(review, file.path, file.documents)
    documents = [doc for file in received for doc in file.documents]
    with review._one_write():  # the scheme, the new versions and the import: all or nothing
        scheme = merge_schemes(
            review.conn, [(_sender(file), file.labels) for file in received], fresh=fresh
        )
        versions = apply_versions(review.conn, received)
        summary = review.import_documents(documents, annotator=_FALLBACK_ANNOTATOR)
    # a changed link was taken out for the import to bring back: it was not added
    summary.relations_added -= sum(v.relinked for v in versions)
    base = {f.name: getattr(summary, f.name) for f in dataclasses.fields(ImportSummary)}
    return ReviewImportSummary(**base, versions=versions, scheme=scheme)


def _sender(file: ReceivedFile) -> str:
    return ", ".join(file.authors()) or file.path.name


def _refuse_changed(review: Store, path: Path, documents: list[IncomingDocument]) -> None:
    """An item already held whose new version is not its annotator's own new version
    (store/versions.py takes those): a gold item (the reviewer's, adjudicated here), or one
    whose annotator changed. The copy under review is not overwritten; the refusal says
    whose item changed and how (only the time of an edit undone differs: the import counts
    it and goes on)."""
    spans = {
        s.id: (doc.id, s.start, s.end, s.label, s.annotator, s.note or None)
        for doc in documents
        for s in doc.spans
        if s.id
    }
    links = {
        r.id: (doc.id, r.label, r.source, r.target, r.annotator, r.note or None)
        for doc in documents
        for r in doc.relations
        if r.id
    }
    changed: list[str] = []
    for table, columns, incoming in (
        ("spans", "id, document, start, end, label, annotator, nullif(note, ''), text", spans),
        ("relations", "id, document, label, source, target, annotator, nullif(note, ''), ''",
         links),
    ):
        ids = list(incoming)
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            rows = review.conn.execute(
                f"SELECT {columns} FROM {table} WHERE id IN ({','.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
            for row in rows:
                new = incoming[row[0]]
                theirs = row[5] == new[4] and GOLD not in (row[5], new[4])
                if tuple(row[1:7]) != new and not theirs:
                    changed.append(_describe_change(table, row, incoming[row[0]]))
    if changed:
        shown = "; ".join(changed[:3])
        more = f" (and {len(changed) - 3} more)" if len(changed) > 3 else ""
        raise StoreError(
            f"{path}: holds changed versions of gold annotations, or of annotations now "
            f"under another name, already imported for review ({shown}{more}). The "
            "versions under review, and the verdicts on them, are kept: nothing was "
            "imported."
        )


def _describe_change(table: str, row: tuple, new: tuple) -> str:
    if table == "spans":
        _id, _doc, start, end, label, who, note, text = row
        now = []
        if (start, end) != new[1:3]:
            now.append(f"now at {new[1]}-{new[2]}")
        if label != new[3]:
            now.append(f"now {new[3]}")
        if who != new[4]:
            now.append(f"now by {new[4]}")
        if note != new[5]:
            now.append(_noted(new[5]))
        return f"{who}'s {label} “{_short(text)}” at {start}-{end}, {', '.join(now) or 'moved'}"
    _id, _doc, label, source, target, who, note, _ = row
    now = [f"now {new[1]}"] if label != new[1] else []
    if (source, target) != new[2:4]:
        now.append("between other spans now")
    if who != new[4]:
        now.append(f"now by {new[4]}")
    if note != new[5]:
        now.append(_noted(new[5]))
    return f"{who}'s {label} link, {', '.join(now) or 'changed'}"


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 30 else text[:29] + "…"


def _noted(note: str | None) -> str:
    return f"now noted “{_short(note)}”" if note else "its note now removed"
