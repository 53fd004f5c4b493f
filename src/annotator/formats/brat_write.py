"""Writing brat standoff: a folder with a ``.txt`` and ``.ann`` per document and an
``annotation.conf`` (see brat.py for what is written and why; brat_ann.py writes each
``.ann``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import queue
import re
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from annotator.core.errors import AnnotatorError
from annotator.core.ids import text_sha256
from annotator.formats.atomic import destination, fsync_folder, remove_stale, temp_folder
from annotator.formats.brat_ann import (
    Counts,
    ann_lines,
    ann_text,
    relation_records,
    span_records,
)
from annotator.formats.export_types import (
    ExportDocument,
    ExportReport,
    Selection,
    document_labels_note,
)
from annotator.formats.units import Unit
from annotator.formats.unnamed import Unnamed
from annotator.store import Store
from annotator.store.export_queries import native_rows
from annotator.store.opening import not_a_file

__all__ = ["MARKER", "ann_text", "write", "write_store"]

MARKER = ".annotator-export"
_BINARY = getattr(os, "O_BINARY", 0)  # Windows would otherwise turn \n into \r\n
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | _BINARY
# Suffixes of the files documents are imported from: "24359228.txt" is written as
# 24359228.txt and 24359228.ann, "page.html" as page.txt and page.ann.
_SOURCE_SUFFIXES = (".txt", ".md", ".html", ".htm", ".ann")
_SAFE_NAME = re.compile(r"^[^/\\\x00-\x1f:*?\"<>|]{1,150}$")


class _Doc(NamedTuple):
    """One document as the writer needs it: its spans and relations in the native
    record's keys (brat_ann.py), its document labels only counted (brat has none)."""

    id: str
    source_id: str
    title: str
    text: str
    spans: list[dict[str, Any]]
    relations: list[dict[str, Any]]
    document_labels: int


def write(docs: Iterable[ExportDocument], target: Path, unit: Unit, report: ExportReport) -> None:
    """The folder of ``docs`` (the registry's writer form; the export itself reads the
    store, :func:`write_store`)."""
    _write_folder(map(_doc_of, docs), Path(target), report)


def write_store(
    store: Store,
    target: Path,
    selection: Selection,
    report: ExportReport,
    on_document: Callable[[], None] | None = None,
) -> None:
    """The export's entry (the registry's writer): the documents read as the native export
    reads them, SQLite listing and checking each document's spans in the one query of
    export_queries.native_rows (three queries a document took longer than writing it)."""
    _write_folder(_documents(store, selection, report, on_document), Path(target), report)


def _write_folder(docs: Iterable[_Doc], target: Path, report: ExportReport) -> None:
    """Write the folder beside ``target`` under a hidden name, then move it into place
    (through a symbolic link, the folder it leads to). The files in it are plain writes,
    flushed to disk with one sync at the end: the folder is new and ours, so each file needs
    no temporary name of its own, and the move makes the whole folder appear at once."""
    where = _check_target(target)
    remove_stale(where)  # what killed exports left, once: never per file (that was quadratic)
    tmp = temp_folder(where, ".tmp")
    try:
        with _Files(tmp) as files:
            entities: dict[str, None] = {}
            relations: dict[str, None] = {}
            taken: set[str] = set()
            counts = Counts()
            unnamed = Unnamed("brat")  # a T line names no annotator
            left = 0  # document labels, which brat has not
            for doc in docs:
                stem = _stem(doc, taken)
                files.put(f"{stem}.txt", doc.text.encode("utf-8"))
                ann = ann_lines(doc.text, doc.spans, doc.relations, counts, entities, relations)
                files.put(f"{stem}.ann", ann.encode("utf-8"))
                unnamed.add_records(doc.spans, doc.relations)
                left += doc.document_labels
            if left:
                report.notes.append(document_labels_note(left, "brat"))
            files.put("annotation.conf", _config(entities, relations).encode("utf-8"))
            files.put(MARKER, b"Written by Annotator's brat export; the next one replaces it.\n")
        if hasattr(os, "sync"):
            os.sync()  # one flush of every file, before the folder gets its name
        fsync_folder(tmp)
        _swap(tmp, where)
        report.notes += counts.notes()
        unnamed.tell(report)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise AnnotatorError(f"{target}: cannot be written ({exc.strerror})") from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _documents(
    store: Store,
    selection: Selection,
    report: ExportReport,
    on_document: Callable[[], None] | None,
) -> Iterator[_Doc]:
    """What exporting.documents gives, checked as it checks (the text against its hash,
    each span's text against the text at its offsets); a document SQLite did not list or
    check (a long text, many spans, damaged values) is read and checked by the selection."""
    span_labels, relation_labels = selection.label_filters(store)
    wanted = selection.wanted_documents(store)
    rows = native_rows(store, span_labels=span_labels, relation_labels=relation_labels,
                       annotators=selection.annotators)  # fmt: skip
    for row in rows:
        if wanted is not None and row.id not in wanted:
            continue
        if row.bad_spans == 0 and text_sha256(row.text) == row.text_sha256:
            if row.meta != "{}":
                json.loads(row.meta)  # read as the native export reads it: damage fails both
            labels = row.document_labels
            doc = _Doc(row.id, row.source_id, row.title, row.text, orjson.loads(row.spans),
                       orjson.loads(row.relations),
                       len(orjson.loads(labels)) if labels != "[]" else 0)  # fmt: skip
        else:
            doc = _doc_of(selection.checked_document(store, row.id, span_labels, relation_labels))
        report.documents += 1
        report.spans += len(doc.spans)
        report.relations += len(doc.relations)
        if on_document is not None:
            on_document()
        yield doc


def _doc_of(item: ExportDocument) -> _Doc:
    d = item.document
    return _Doc(d.id, d.source_id, d.meta.title, d.text, span_records(item.spans),
                relation_records(item.relations), len(item.document_labels))  # fmt: skip


class _Files:
    """New files in our own hidden folder, made by a thread of their own while the next
    documents are read and written out (creating 200,000 small files is the most of a brat
    export, and the system does it while the export's thread goes on), opened by name
    within the folder (no path to resolve for each), written without Python's buffered
    file."""

    _BATCH = 64  # files handed to the thread at a time

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.fd: int | None = None
        self.pending: list[tuple[str, bytes]] = []
        self.jobs: queue.Queue[list[tuple[str, bytes]] | None] = queue.Queue(maxsize=32)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="brat files", daemon=True)

    def __enter__(self) -> _Files:
        if os.open in os.supports_dir_fd:
            self.fd = os.open(self.folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        self.thread.start()
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        try:
            if kind is None and self.pending:
                self.jobs.put(self.pending)
            self.jobs.put(None)
            self.thread.join()
        finally:
            if self.fd is not None:
                os.close(self.fd)
        if kind is None and self.error is not None:
            raise self.error

    def put(self, name: str, data: bytes) -> None:
        self.pending.append((name, data))
        if len(self.pending) >= self._BATCH:
            if self.error is not None:
                raise self.error
            self.jobs.put(self.pending)
            self.pending = []

    def _run(self) -> None:
        # Takes every batch until told to stop, even after an error, so that the export's
        # thread never waits on a full queue.
        while (batch := self.jobs.get()) is not None:
            if self.error is not None:
                continue
            try:
                for name, data in batch:
                    self._write(name, data)
            except BaseException as exc:  # handed to the export's thread
                self.error = exc

    def _write(self, name: str, data: bytes) -> None:
        if self.fd is not None:
            fd = os.open(name, _NEW_FILE, 0o666, dir_fd=self.fd)
        else:
            fd = os.open(os.path.join(self.folder, name), _NEW_FILE, 0o666)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if not hasattr(os, "sync"):  # Windows: no one flush for all, so each file its own
                os.fsync(fd)
        finally:
            os.close(fd)


# -- the folder ---------------------------------------------------------------------------


def _stem(doc: _Doc, taken: set[str]) -> str:
    """The file name (without ``.txt``/``.ann``): the name of the file the document came
    from, when it has one that can be a file name; otherwise a slug of its title. A name
    holds no path separator, NUL or control character and fits a file system's 255 bytes,
    whatever the document's name, title or id hold."""
    name = doc.source_id
    for suffix in _SOURCE_SUFFIXES:
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    if not (
        _SAFE_NAME.match(name)
        and name.strip() == name
        and not name.startswith(".")
        and len(name.encode("utf-8", "surrogatepass")) <= _MAX_NAME_BYTES
    ):
        title = doc.title or doc.source_id
        slug = re.sub(r"[^\w]+", "-", title.lower()).strip("-")[:40].strip("-") or "document"
        name = f"{slug}-{_id_tag(doc.id)}"
    stem = name
    while stem.casefold() in taken:  # a folder may be on a case-insensitive file system
        stem = f"{name}-{_id_tag(doc.id)}" if stem == name else stem + "-"
    taken.add(stem.casefold())
    return stem


# A stem's bytes at most: with "-" + an 8-character tag, ".ann" and a few "-" it stays
# under the 255 bytes most file systems allow a name.
_MAX_NAME_BYTES = 200
_TAG = re.compile(r"[0-9A-Za-z_-]{1,8}")


def _id_tag(doc_id: str) -> str:
    """Eight characters that tell documents apart in a file name: the id's first eight
    (ours are hex digests), or, when those could not be part of a name (a ``/``, a NUL, a
    dot...), the first eight hex digits of the id's SHA-256."""
    tag = doc_id[:8]
    if _TAG.fullmatch(tag):
        return tag
    return hashlib.sha256(doc_id.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def _config(entities: Iterable[str], relations: Iterable[str]) -> str:
    lines = ["[entities]", *entities, "", "[relations]"]
    lines += [f"{r}\tArg1:<ENTITY>, Arg2:<ENTITY>" for r in relations]
    lines += ["", "[events]", "", "[attributes]", ""]
    return "\n".join(lines)


def _check_target(target: Path) -> Path:
    """The folder to write: ``target``, or the folder its symbolic link leads to."""
    where = destination(target)
    if isinstance(where, int):
        raise AnnotatorError(f"{target}: is an open stream; the brat export writes a folder")
    kind = not_a_file(where)
    if kind is not None:
        raise AnnotatorError(f"{target}: is {kind}; the brat export writes a folder")
    if where.exists() and not where.is_dir():
        raise AnnotatorError(f"{target}: is a file; the brat export writes a folder")
    if not where.parent.is_dir():
        raise AnnotatorError(f"{target}: the folder {where.parent} does not exist")
    if where.is_dir() and any(where.iterdir()) and not (where / MARKER).exists():
        raise AnnotatorError(
            f"{target}: the folder holds other files; give a new or empty folder "
            "(a folder from an earlier brat export is replaced)"
        )
    return where


def _swap(new: Path, where: Path) -> None:
    """Put the finished folder in place; an earlier export there goes only once it has.
    The earlier one waits in a hidden ``.old`` folder named after this process, which a
    later export puts back if this one is killed between the two moves."""
    if not where.exists():
        os.replace(new, where)
        fsync_folder(where.parent)
        return
    old = temp_folder(where, ".old")
    os.replace(where, old / where.name)
    try:
        os.replace(new, where)
    except BaseException:
        os.replace(old / where.name, where)
        raise
    fsync_folder(where.parent)
    # Renamed first: killed while removing it, a half-removed export is never put back.
    gone = old / "removed"
    try:
        os.replace(old / where.name, gone)
    except OSError:
        gone = old
    remove_folder(gone)
    shutil.rmtree(old, ignore_errors=True)


_REMOVERS = 8  # threads unlinking the files of a previous export


def remove_folder(folder: Path) -> None:
    """Delete ``folder`` and what it holds as far as it can, as ``shutil.rmtree`` with
    ``ignore_errors``, its files unlinked by several threads: where a file system frees a
    file's blocks before its unlink returns (ext4 mounted with ``discard`` and no journal,
    network file systems), each unlink waits for the disk, and one thread took a minute to
    remove a previous export of 100,000 documents that eight remove in seconds."""
    names: list[str] = []
    fd = None
    if os.scandir in os.supports_fd and os.unlink in os.supports_dir_fd:
        try:
            fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
            with os.scandir(fd) as entries:
                names = [e.name for e in entries if not e.is_dir(follow_symlinks=False)]
        except OSError:
            names = []
    try:
        if len(names) > 100:
            with ThreadPoolExecutor(_REMOVERS) as pool:
                for _ in pool.map(
                    _unlink_all, [(fd, names[i::_REMOVERS]) for i in range(_REMOVERS)]
                ):
                    pass
    finally:
        if fd is not None:
            os.close(fd)
    shutil.rmtree(folder, ignore_errors=True)  # the rest: a few files, subfolders, itself


def _unlink_all(job: tuple[int, list[str]]) -> None:
    fd, names = job
    for name in names:
        with contextlib.suppress(OSError):
            os.unlink(name, dir_fd=fd)
