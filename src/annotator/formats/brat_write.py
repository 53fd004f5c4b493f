"""Writing brat standoff: a folder with a ``.txt`` and ``.ann`` per document and an
``annotation.conf`` (see brat.py for what is written and why).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from annotator.core.errors import AnnotatorError
from annotator.core.ids import text_sha256
from annotator.core.model import Document, DocumentLabel, DocumentMeta, Relation, Span
from annotator.formats.atomic import destination, fsync_folder, remove_stale, temp_folder
from annotator.formats.brat_read import LINE_BREAKS
from annotator.formats.export_types import (
    ExportDocument,
    ExportReport,
    Selection,
    without_document_labels,
)
from annotator.formats.units import Unit
from annotator.formats.unnamed import Unnamed
from annotator.store import Store
from annotator.store.export_queries import native_rows
from annotator.store.opening import not_a_file

MARKER = ".annotator-export"
_BINARY = getattr(os, "O_BINARY", 0)  # Windows would otherwise turn \n into \r\n
_PART = re.compile(r"^part (\d+) of (\d+) of discontinuous brat annotation (\S+)$")
_BREAK = re.compile(f"[{LINE_BREAKS}]+")
_NOTE_LINES = re.compile(f"\r\n|[{LINE_BREAKS}]")
_SPACE = re.compile(r"\s")
# Suffixes of the files documents are imported from: "24359228.txt" is written as
# 24359228.txt and 24359228.ann, "page.html" as page.txt and page.ann.
_SOURCE_SUFFIXES = (".txt", ".md", ".html", ".htm", ".ann")
_SAFE_NAME = re.compile(r"^[^/\\\x00-\x1f:*?\"<>|]{1,150}$")


@dataclass
class _Counts:
    """What the writer changed in form, for the export report."""

    fragmented: int = 0  # spans across line breaks, written as fragments
    rejoined: int = 0  # discontinuous annotations written back as one T line
    parts: int = 0  # the spans they were imported as
    merged_relations: int = 0  # relations to parts that became one R line
    unwritable: list[str] = field(default_factory=list)  # spans of nothing but line breaks
    trimmed: int = 0  # spans beginning or ending with a line break

    def notes(self) -> list[str]:
        out = []
        if self.fragmented:
            out.append(
                f"brat: {self.fragmented} span(s) across line breaks written as fragments split "
                "at each line break, as brat writes them (importing the folder joins them again)"
            )
        if self.rejoined:
            out.append(
                f"brat: {self.parts} span(s) imported as parts of {self.rejoined} discontinuous "
                "brat annotation(s) written back as one T line each"
            )
        if self.merged_relations:
            out.append(
                f"brat: {self.merged_relations} relation(s) to those parts written as the "
                "R line of the annotation they belong to"
            )
        if self.trimmed:
            out.append(
                f"brat: {self.trimmed} span(s) begin or end with a line break, which a brat "
                "fragment cannot hold: written without it"
            )
        if self.unwritable:
            out.append(
                f"brat: {len(self.unwritable)} span(s) hold nothing but line breaks and were "
                f"not written, nor their relations ({', '.join(self.unwritable[:5])})"
            )
        return out


def write(docs: Iterable[ExportDocument], target: Path, unit: Unit, report: ExportReport) -> None:
    """Write the folder beside ``target`` under a hidden name, then move it into place
    (through a symbolic link, the folder it leads to). The files in it are plain writes,
    flushed to disk with one sync at the end: the folder is new and ours, so each file needs
    no temporary name of its own, and the move makes the whole folder appear at once."""
    target = Path(target)
    where = _check_target(target)
    remove_stale(where)  # what killed exports left, once: never per file (that was quadratic)
    tmp = temp_folder(where, ".tmp")
    try:
        entities: dict[str, None] = {}
        relations: dict[str, None] = {}
        taken: set[str] = set()
        counts = _Counts()
        unnamed = Unnamed("brat")  # a T line names no annotator
        for item in without_document_labels(docs, report, "brat"):
            stem = _stem(item, taken)
            _put(tmp / f"{stem}.txt", item.document.text.encode("utf-8"))
            _put(tmp / f"{stem}.ann", ann_text(item, counts).encode("utf-8"))
            entities.update(dict.fromkeys(s.label for s in item.spans))
            relations.update(dict.fromkeys(r.label for r in item.relations))
            unnamed.add(item.spans, item.relations)
        _put(tmp / "annotation.conf", _config(entities, relations).encode("utf-8"))
        _put(tmp / MARKER, b"Written by Annotator's brat export; the next one replaces it.\n")
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
    write(_documents(store, selection, report, on_document), target, "codepoint", report)


def _documents(
    store: Store,
    selection: Selection,
    report: ExportReport,
    on_document: Callable[[], None] | None,
) -> Iterator[ExportDocument]:
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
            meta = DocumentMeta(row.title, row.source, row.author, row.published, row.url,
                                json.loads(row.meta) if row.meta != "{}" else {})  # fmt: skip
            doc = Document(row.id, row.text, row.text_sha256, row.source_id, meta,
                           row.created_at, row.note)  # fmt: skip
            spans = [Span(s["id"], row.id, s["start"], s["end"], s["label"], s["text"],
                          s["annotator"], s["created_at"], s["updated_at"], s["note"])
                     for s in orjson.loads(row.spans)]  # fmt: skip
            relations = [Relation(r["id"], row.id, r["label"], r["from"], r["to"],
                                  r["annotator"], r["created_at"], r["updated_at"], r["note"])
                         for r in orjson.loads(row.relations)]  # fmt: skip
            labels = [DocumentLabel(row.id, d["label"], d["annotator"], d["created_at"])
                      for d in orjson.loads(row.document_labels)]  # fmt: skip
            item = ExportDocument(doc, spans, relations, labels)
        else:
            item = selection.checked_document(store, row.id, span_labels, relation_labels)
        report.documents += 1
        report.spans += len(item.spans)
        report.relations += len(item.relations)
        if on_document is not None:
            on_document()
        yield item


def _put(path: Path, data: bytes) -> None:
    """A new file in our own folder, written without Python's buffered file (half the time
    of ``open`` for a small file, which is most of a brat export)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        if not hasattr(os, "sync"):  # Windows: no one flush for all, so each file its own
            os.fsync(fd)
    finally:
        os.close(fd)


# -- the .ann file ------------------------------------------------------------------------


def ann_text(item: ExportDocument, counts: _Counts | None = None) -> str:
    """The ``.ann`` lines of one document, in the form brat's own parser accepts."""
    counts = counts if counts is not None else _Counts()
    text = item.document.text
    for label in {*(s.label for s in item.spans), *(r.label for r in item.relations)}:
        if _SPACE.search(label):
            raise AnnotatorError(
                f"label {label!r}: brat labels cannot hold spaces; rename it first"
            )
    lines: list[str] = []
    notes: list[tuple[str, str]] = []
    numbers: dict[str, str] = {}  # span id -> the T id it is written in
    t_count = 0
    for group in _groups(item.spans, counts):
        fragments = [f for s in group for f in _line_fragments(text, s, counts)]
        if not fragments:
            counts.unwritable += [repr(s.text) for s in group]
            continue
        t_count += 1
        ident = f"T{t_count}"
        spec = ";".join(f"{s} {e}" for s, e in fragments)
        covered = " ".join(text[s:e] for s, e in fragments)
        lines.append(f"{ident}\t{group[0].label} {spec}\t{covered}")
        for span in group:
            numbers[span.id] = ident
        notes += [(ident, n) for n in _merged_notes(group)]
    parts = {s.id for s in item.spans if _part_of(s) is not None}
    written: dict[tuple[str, str, str], str] = {}
    r_count = 0
    for rel in item.relations:
        if rel.source not in numbers or rel.target not in numbers:
            continue  # a span of nothing but line breaks, counted above
        key = (rel.label, numbers[rel.source], numbers[rel.target])
        if key in written and (rel.source in parts or rel.target in parts):
            counts.merged_relations += 1  # one relation, imported once per part
            ident = written[key]
        else:
            r_count += 1
            ident = f"R{r_count}"
            written.setdefault(key, ident)
            lines.append(f"{ident}\t{rel.label} Arg1:{key[1]} Arg2:{key[2]}")
        notes += [(ident, n) for n in _note_lines(rel.note) if (ident, n) not in notes]
    lines += [f"#{n}\tAnnotatorNotes {ref}\t{note}" for n, (ref, note) in enumerate(notes, 1)]
    return "".join(line + "\n" for line in lines)


def _groups(spans: list[Span], counts: _Counts) -> list[list[Span]]:
    """The spans, each alone, except the complete sets of parts of one discontinuous brat
    annotation (same label and annotator, parts 1 to N, none overlapping): one list each,
    in the order of their first part."""
    parts: dict[tuple, list[tuple[int, Span]]] = {}
    for span in spans:
        part = _part_of(span)
        if part is not None:
            k, n, ident = part
            parts.setdefault((span.label, span.annotator, ident, n), []).append((k, span))
    whole: dict[str, list[Span]] = {}
    for (*_, n), members in parts.items():
        ks = sorted(k for k, _ in members)
        by_start = sorted((s for _, s in members), key=lambda s: s.start)
        apart = all(a.end <= b.start for a, b in zip(by_start, by_start[1:], strict=False))
        if ks == list(range(1, n + 1)) and n > 1 and apart:
            counts.rejoined += 1
            counts.parts += n
            for span in by_start:
                whole[span.id] = by_start
    out, done = [], set()
    for span in spans:
        group = whole.get(span.id, [span])
        if group[0].id not in done:
            done.add(group[0].id)
            out.append(group)
    return out


def _part_of(span: Span) -> tuple[int, int, str] | None:
    if not span.note or "discontinuous" not in span.note:  # most spans: no regex needed
        return None
    for line in span.note.split("\n"):
        match = _PART.match(line)
        if match:
            return int(match.group(1)), int(match.group(2)), match.group(3)
    return None


def _line_fragments(text: str, span: Span, counts: _Counts) -> list[tuple[int, int]]:
    """The span cut at each run of line breaks: brat's parser reads a ``.ann`` line by line
    and refuses a T line whose text differs from the document's at its offsets, so a span
    across lines is written as brat writes such a selection, one fragment per line."""
    fragments, start = [], span.start
    for brk in _BREAK.finditer(text, span.start, span.end):
        if brk.start() > start:
            fragments.append((start, brk.start()))
        start = brk.end()
    if start < span.end:
        fragments.append((start, span.end))
    if fragments and len(fragments) > 1:
        counts.fragmented += 1
    if fragments and (fragments[0][0] != span.start or fragments[-1][1] != span.end):
        counts.trimmed += 1
    return fragments


def _merged_notes(group: list[Span]) -> list[str]:
    """The notes of a span (or of the parts of one annotation, each line once), one
    ``#`` line per line of note, without the part numbers the T line now says."""
    if len(group) == 1 and not group[0].note:
        return []
    lines: dict[str, None] = {}
    for span in group:
        for line in _note_lines(span.note):
            if len(group) == 1 or not _PART.match(line):
                lines[line] = None
    return list(lines)


def _note_lines(note: str | None) -> list[str]:
    """A note's lines: brat reads one note a line, and joins several notes of one annotation
    with line breaks as the import does, so a note of several lines comes back whole."""
    return _NOTE_LINES.split(note) if note else []


# -- the folder ---------------------------------------------------------------------------


def _stem(item: ExportDocument, taken: set[str]) -> str:
    """The file name (without ``.txt``/``.ann``): the name of the file the document came
    from, when it has one that can be a file name; otherwise a slug of its title. A name
    holds no path separator, NUL or control character and fits a file system's 255 bytes,
    whatever the document's name, title or id hold."""
    doc = item.document
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
        title = doc.meta.title or doc.source_id
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
    shutil.rmtree(old, ignore_errors=True)
