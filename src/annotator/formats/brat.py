"""brat standoff: a ``NAME.txt`` with its ``NAME.ann`` beside it.

Offsets are **code points**, end exclusive. Lines of the ``.ann`` file:

- ``T1<TAB>Label START END<TAB>text`` becomes a span; its text is checked against the
  ``.txt`` (a line break inside a span may be written as a space).
- A **discontinuous** ``T3<TAB>Label 0 12;20 35<TAB>...`` becomes **one span per fragment**,
  each with the label and the note "part K of N of discontinuous brat annotation T3". Annotator
  spans are contiguous, and a span covering the gap would claim words the annotator left out
  (the "she said" inside a quote); every fragment keeps its exact text. A relation to such an
  annotation is made for each fragment.
- ``R1<TAB>Label Arg1:T1 Arg2:T2`` becomes a relation from Arg1 to Arg2.
- ``#1<TAB>AnnotatorNotes T1<TAB>note`` becomes the note of that span (or relation).
- Attributes (``A``, ``M``), normalisations (``N``), events (``E``; their trigger T lines are
  still spans) and equivalences (``*``) are skipped, each with a reason in the summary.

brat counts ``\\r\\n`` as one character (brat#853) while other tools count two. When the
``.txt`` has CRLF line ends, the offsets are read in whichever of the two texts every span's
text matches; then, as everywhere, line ends become LF. brat keeps no annotator: an import
records the ``--annotator`` name.

The export writes a folder with one ``.txt`` and ``.ann`` per document and an
``annotation.conf`` that declares the labels, so brat opens it as it is. Line breaks in a
span's text or a note are written as spaces (a ``.ann`` line cannot hold one).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from annotator.core.errors import AnnotatorError, InputError
from annotator.core.model import IncomingRelation, IncomingSpan
from annotator.core.offsets import normalize_newlines
from annotator.formats.atomic import atomic_write
from annotator.formats.export_types import ExportDocument, ExportReport
from annotator.formats.plaintext import extract_meta
from annotator.formats.records import (
    Outcome,
    RecordError,
    Rejected,
    Skipped,
    TextMap,
    document,
    local_id,
)
from annotator.formats.textfile import BOM, read_utf8
from annotator.formats.units import Unit

UNIT: Unit = "codepoint"
MARKER = ".annotator-export"
CONFIG_FILES = ("annotation.conf", "visual.conf", "tools.conf", "kb_shortcuts.conf")
_SKIPPED = {
    "A": "an attribute line (A)",
    "M": "an attribute line (M)",
    "N": "a normalisation line (N)",
    "E": "an event line (E); its trigger is imported as a span",
    "*": "an equivalence line (*)",
}
_FRAGMENT = re.compile(r"^(-?\d+) (-?\d+)$")


@dataclass
class _Line:
    number: int
    ident: str
    fields: list[str]
    raw: str


# -- reading ------------------------------------------------------------------------------


def ann_for(txt: Path) -> Path:
    return txt.with_suffix(".ann")


def read(txt: Path, ann: Path | None = None) -> Iterator[Outcome]:
    ann = ann or ann_for(txt)
    try:
        raw = _read_text(txt)
        lines = _read_text(ann).split("\n")
    except InputError as exc:
        yield Rejected(exc.path, exc.line, exc.reason)
        return
    if not raw.strip():
        yield Rejected(str(txt), None, "is empty: there is no text to annotate")
        return
    entries = [
        _Line(n, parts[0], parts, line.rstrip("\r"))
        for n, line in enumerate(lines, start=1)
        if line.strip()
        for parts in [line.rstrip("\r").split("\t", 2)]
    ]
    source_id = txt.name
    reader = _Reader(ann, _basis(raw, entries), source_id)
    yield from reader.run(entries)
    yield document(
        reader.textmap,
        source_id=source_id,
        meta=extract_meta(reader.textmap.text, txt.stem),
        origin=str(ann),
        spans=reader.spans,
        relations=reader.relations,
    )


def _read_text(path: Path) -> str:
    text = read_utf8(path)
    if text.startswith(BOM):
        raise InputError(
            path, "starts with a byte-order mark; save it as UTF-8 without BOM", line=1
        )
    return text


def _basis(raw: str, entries: list[_Line]) -> str:
    """The text the offsets count in: as it is, or with CRLF as one character (brat#853)."""
    if "\r" not in raw:
        return raw
    normalized, _ = normalize_newlines(raw)
    for text in (raw, normalized):
        if all(_matches(text, e) for e in entries if e.ident.startswith("T")):
            return text
    return raw


def _matches(text: str, entry: _Line) -> bool:
    try:
        fragments = _fragments(entry, len(text))
    except RecordError:
        return False
    if len(entry.fields) < 3:
        return True
    return _same(" ".join(text[s:e] for s, e in fragments), entry.fields[2])


def _same(actual: str, written: str) -> bool:
    """brat writes a line break inside a span's text as a space."""
    return _flat(actual) == _flat(written)


def _fragments(entry: _Line, length: int) -> list[tuple[int, int]]:
    if len(entry.fields) < 2 or " " not in entry.fields[1]:
        raise RecordError(f"{entry.ident}: expected 'Label START END' after the id")
    spec = entry.fields[1].split(" ", 1)[1].strip()
    fragments = []
    for part in spec.split(";"):
        match = _FRAGMENT.match(part.strip())
        if not match:
            raise RecordError(f"{entry.ident}: offsets {part.strip()!r} are not 'START END'")
        start, end = int(match.group(1)), int(match.group(2))
        if not 0 <= start < end <= length:
            raise RecordError(
                f"{entry.ident}: offsets {start}-{end} lie outside the text (0-{length}) or are empty"
            )
        fragments.append((start, end))
    return fragments


class _Reader:
    def __init__(self, ann: Path, basis: str, source_id: str) -> None:
        self.ann = ann
        self.textmap = TextMap(basis)
        self.doc_key = self.textmap.doc_key(source_id)  # T and R numbers are per file
        self.spans: list[IncomingSpan] = []
        self.relations: list[IncomingRelation] = []
        self._parts: dict[str, list[IncomingSpan]] = {}  # T id -> its spans (one per fragment)
        self._rels: dict[str, list[IncomingRelation]] = {}
        self._bad: set[str] = set()

    def run(self, entries: list[_Line]) -> Iterator[Outcome]:
        order = {"T": 0, "R": 1, "#": 2}  # notes and relations point at spans
        for entry in sorted(entries, key=lambda e: order.get(e.ident[:1], 3)):
            kind = entry.ident[:1]
            try:
                if kind == "T":
                    self._text_bound(entry)
                elif kind == "R":
                    self._relation(entry)
                elif kind == "#":
                    skipped = self._note(entry)
                    if skipped:
                        yield Skipped(str(self.ann), entry.number, skipped, entry.raw)
                elif kind in _SKIPPED:
                    yield Skipped(str(self.ann), entry.number, _SKIPPED[kind], entry.raw)
                else:
                    raise RecordError(
                        f"{entry.ident!r} is not a brat annotation id (T, R, #, A, E, ...)"
                    )
            except RecordError as exc:
                self._bad.add(entry.ident)
                yield Rejected(str(self.ann), entry.number, str(exc), entry.raw)

    def _text_bound(self, entry: _Line) -> None:
        if entry.ident in self._parts:
            raise RecordError(f"{entry.ident} is defined twice")
        label = entry.fields[1].split(" ", 1)[0] if len(entry.fields) > 1 else ""
        if not label:
            raise RecordError(f"{entry.ident}: no label")
        text = self.textmap.raw
        fragments = _fragments(entry, len(text))
        if len(entry.fields) > 2:
            actual = " ".join(text[s:e] for s, e in fragments)
            if not _same(actual, entry.fields[2]):
                raise RecordError(
                    f"{entry.ident}: its text {entry.fields[2]!r} differs from the text at its "
                    f"offsets, {actual!r}"
                )
        parts = []
        for k, (start, end) in enumerate(fragments, start=1):
            new_start, new_end = self.textmap.stored(start, end, what=entry.ident)
            note = None
            if len(fragments) > 1:
                note = (
                    f"part {k} of {len(fragments)} of discontinuous brat annotation {entry.ident}"
                )
            span_id = local_id(self.doc_key, "brat", entry.ident, k)
            parts.append(
                IncomingSpan(new_start, new_end, label, id=span_id, note=note, line=entry.number)
            )
        self._parts[entry.ident] = parts
        self.spans += parts

    def _relation(self, entry: _Line) -> None:
        words = entry.fields[1].split() if len(entry.fields) > 1 else []
        if len(words) < 3:
            raise RecordError(f"{entry.ident}: expected 'Label Arg1:T1 Arg2:T2'")
        ends = []
        for arg in words[1:3]:
            ref = arg.split(":", 1)[-1]
            if ref in self._bad:
                raise RecordError(f"{entry.ident}: refers to {ref}, which was rejected")
            if ref not in self._parts:
                raise RecordError(
                    f"{entry.ident}: refers to {ref}, which is not a T line of this file"
                )
            ends.append(self._parts[ref])
        made = [
            IncomingRelation(
                words[0], source.id, target.id, id=local_id(self.doc_key, "brat", entry.ident, i, j)
            )
            for i, source in enumerate(ends[0])
            for j, target in enumerate(ends[1])
        ]
        self._rels[entry.ident] = made
        self.relations += made

    def _note(self, entry: _Line) -> str | None:
        words = entry.fields[1].split() if len(entry.fields) > 1 else []
        if not words or words[0] != "AnnotatorNotes":
            return f"a comment of type {words[0] if words else '(none)'!r} (only AnnotatorNotes are kept)"
        if len(words) < 2:
            raise RecordError(f"{entry.ident}: AnnotatorNotes names no annotation")
        note = entry.fields[2] if len(entry.fields) > 2 else ""
        targets = self._parts.get(words[1]) or self._rels.get(words[1])
        if targets is None:
            if words[1] in self._bad:
                raise RecordError(f"{entry.ident}: refers to {words[1]}, which was rejected")
            raise RecordError(f"{entry.ident}: refers to {words[1]}, which is not in this file")
        for item in targets:
            item.note = "\n".join(filter(None, [note, item.note])) or None
        return None


# -- writing ------------------------------------------------------------------------------


def write(docs: Iterable[ExportDocument], target: Path, unit: Unit, report: ExportReport) -> None:
    target = Path(target)
    _check_target(target)
    tmp = target.parent / f".{target.name}.{uuid.uuid4().hex[:12]}.tmp"
    try:
        tmp.mkdir()  # not mkdtemp: its mode 0700 would hide the export from colleagues
    except OSError as exc:
        raise AnnotatorError(f"{target}: cannot write here ({exc.strerror})") from exc
    try:
        entities: dict[str, None] = {}
        relations: dict[str, None] = {}
        taken: set[str] = set()
        for item in docs:
            stem = _stem(item, taken)
            with atomic_write(tmp / f"{stem}.txt") as f:
                f.write(item.document.text.encode("utf-8"))
            with atomic_write(tmp / f"{stem}.ann") as f:
                f.write(ann_text(item).encode("utf-8"))
            entities.update(dict.fromkeys(s.label for s in item.spans))
            relations.update(dict.fromkeys(r.label for r in item.relations))
        with atomic_write(tmp / "annotation.conf") as f:
            f.write(_config(entities, relations).encode("utf-8"))
        with atomic_write(tmp / MARKER) as f:
            f.write(b"Written by Annotator's brat export; the next export replaces this folder.\n")
        _swap(tmp, target)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise AnnotatorError(f"{target}: cannot be written ({exc.strerror})") from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def ann_text(item: ExportDocument) -> str:
    lines, numbers = [], {}
    for n, s in enumerate(item.spans, start=1):
        if re.search(r"\s", s.label):
            raise AnnotatorError(
                f"label {s.label!r}: brat labels cannot hold spaces; rename it first"
            )
        numbers[s.id] = f"T{n}"
        lines.append(f"T{n}\t{s.label} {s.start} {s.end}\t{_flat(s.text)}")
    notes = [(numbers[s.id], s.note) for s in item.spans if s.note]
    for n, r in enumerate(item.relations, start=1):
        if re.search(r"\s", r.label):
            raise AnnotatorError(
                f"label {r.label!r}: brat labels cannot hold spaces; rename it first"
            )
        lines.append(f"R{n}\t{r.label} Arg1:{numbers[r.source]} Arg2:{numbers[r.target]}")
        if r.note:
            notes.append((f"R{n}", r.note))
    lines += [
        f"#{n}\tAnnotatorNotes {ref}\t{_flat(note)}" for n, (ref, note) in enumerate(notes, 1)
    ]
    return "".join(line + "\n" for line in lines)


def _flat(text: str) -> str:
    return re.sub(r"\r\n|[\r\n]", " ", text)


def _stem(item: ExportDocument, taken: set[str]) -> str:
    title = item.document.meta.title or item.document.source_id
    slug = re.sub(r"[^\w]+", "-", title.lower()).strip("-")[:40].strip("-") or "document"
    stem = f"{slug}-{item.document.id[:8]}"
    while stem in taken:
        stem += "-"
    taken.add(stem)
    return stem


def _config(entities: Iterable[str], relations: Iterable[str]) -> str:
    lines = ["[entities]", *entities, "", "[relations]"]
    lines += [f"{r}\tArg1:<ENTITY>, Arg2:<ENTITY>" for r in relations]
    lines += ["", "[events]", "", "[attributes]", ""]
    return "\n".join(lines)


def _check_target(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise AnnotatorError(f"{target}: is a file; the brat export writes a folder")
    if not target.parent.is_dir():
        raise AnnotatorError(f"{target}: the folder {target.parent} does not exist")
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).exists():
        raise AnnotatorError(
            f"{target}: the folder holds other files; give a new or empty folder "
            "(a folder from an earlier brat export is replaced)"
        )


def _swap(new: Path, target: Path) -> None:
    """Put the finished folder in place; an earlier export there goes only once it has."""
    if not target.exists():
        os.replace(new, target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
    os.replace(target, old / target.name)
    try:
        os.replace(new, target)
    except BaseException:
        os.replace(old / target.name, target)
        raise
    shutil.rmtree(old, ignore_errors=True)
