"""Reading brat standoff: a ``NAME.txt`` with its ``NAME.ann`` (see brat.py for the format).

Every line of the ``.ann`` file is either stored as it is (a T line as a span, an R line as a
link, an ``AnnotatorNotes`` comment on a span or link as its note) or stored in another form
and counted in the import summary with what became of it (``Counted`` as converted): events,
attributes, normalisations, equivalences, other comments, and notes on events or attributes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.errors import InputError
from annotator.core.model import IncomingRelation, IncomingSpan
from annotator.core.offsets import normalize_newlines
from annotator.formats.plaintext import extract_meta
from annotator.formats.records import (
    CONVERTED,
    Counted,
    Outcome,
    RecordError,
    Rejected,
    TextMap,
    document,
    local_id,
)
from annotator.formats.textfile import BOM, read_utf8

_FRAGMENT = re.compile(r"^(-?\d+) (-?\d+)$")
_ROLE_NUMBER = re.compile(r"^(.*?)\d*$")  # brat numbers a repeated role: Theme, Theme2, ...
# What str.splitlines splits on: brat reads a .ann with it, so none of these can be inside a
# line; a selection across any of them is written as fragments (see brat_write.py).
LINE_BREAKS = "\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
_ORDER = {"T": 0, "E": 1, "R": 2, "*": 3, "A": 4, "M": 4, "N": 4, "#": 5}  # referents first


# What became of each kind of line that is kept in another form than brat's: (what it is,
# what it became). Each such line is counted in the import summary as "converted".
_CONVERTED = {
    "E": ("brat event (E) line", "kept as its trigger span and one link per argument, "
          "labelled by the argument's role"),
    "A": ("brat attribute (A) line", "kept in the note of the span or link it names"),
    "M": ("brat attribute (M) line", "kept in the note of the span or link it names"),
    "N": ("brat normalisation (N) line", "kept in the note of the span or link it names"),
    "*": ("brat equivalence (*) line", "kept as links between its members, one after another"),
    "comment": ("brat comment other than AnnotatorNotes",
                "kept in the note of what it names, after its type"),
    "note": ("brat AnnotatorNotes on an event or attribute",
             "kept in the note of the span or link that carries it"),
}


@dataclass
class _Line:
    number: int
    ident: str
    fields: list[str]
    raw: str

    @property
    def words(self) -> list[str]:
        return self.fields[1].split() if len(self.fields) > 1 else []

    @property
    def tail(self) -> str:
        return self.fields[2] if len(self.fields) > 2 else ""


@dataclass
class _Target:
    """What an annotation id stands for once read: its spans (a T line's, or an event's
    trigger's) or its links (an R line's), and how a note about it is introduced."""

    items: list = field(default_factory=list)
    prefix: str = ""  # "" for T and R lines, whose notes are the item's own


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
    return same(" ".join(text[s:e] for s, e in fragments), entry.fields[2])


def same(actual: str, written: str) -> bool:
    """brat writes a line break inside a span's text as a space."""
    return flat(actual) == flat(written)


def flat(text: str) -> str:
    """``text`` on one line: each line break (CRLF counts as one) becomes a space."""
    return re.sub(f"\r\n|[{LINE_BREAKS}]", " ", text)


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


def _pieces(text: str, fragments: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The fragments with those brat split at a line break joined again: brat writes one
    selection across lines as fragments parted by line breaks and the white space around
    them (server/src/annotator.py), so a gap of nothing else is no gap."""
    pieces = [fragments[0]]
    for start, end in fragments[1:]:
        gap = text[pieces[-1][1] : start]
        if pieces[-1][1] <= start and gap.isspace() and any(c in LINE_BREAKS for c in gap):
            pieces[-1] = (pieces[-1][0], end)
        else:
            pieces.append((start, end))
    return pieces


def _append(item, note: str) -> None:
    item.note = f"{item.note}\n{note}" if item.note else note


class _Reader:
    def __init__(self, ann: Path, basis: str, source_id: str) -> None:
        self.ann = ann
        self.textmap = TextMap(basis)
        # brat numbers T1, R1... per file, and each annotator has a file of their own for
        # the same text: ids are made from the document and the brat id, and the store adds
        # the annotator (records.local_id), so a second annotator's T1 is never taken for
        # the first one's, the same file imported again (from any folder) finds the same
        # ids, and an edited copy imported under the same name is refused, not added.
        self.key = (self.textmap.doc_key(source_id), "brat")
        self.spans: list[IncomingSpan] = []
        self.relations: list[IncomingRelation] = []
        self.targets: dict[str, _Target] = {}
        self._bad: set[str] = set()
        self._triggers: dict[str, str] = {}  # event id -> its trigger's T id

    def id(self, *parts: object) -> str:
        return local_id(*self.key, *parts)

    def run(self, entries: list[_Line]) -> Iterator[Outcome]:
        entries = sorted(entries, key=lambda e: _ORDER.get(e.ident[:1], 9))
        for entry in entries:  # an event may name events defined after it
            if entry.ident[:1] == "E" and len(entry.fields) > 1 and entry.fields[1].split():
                self._triggers[entry.ident] = entry.fields[1].split()[0].split(":")[-1]
        for entry in entries:
            kind = entry.ident[:1]
            try:
                reason = self._line(kind, entry)
            except RecordError as exc:
                self._bad.add(entry.ident)
                yield Rejected(str(self.ann), entry.number, str(exc), entry.raw)
                continue
            if reason:
                yield Counted(str(self.ann), entry.number, CONVERTED, *reason)

    def _line(self, kind: str, entry: _Line) -> tuple[str, str] | None:
        if len(entry.fields) < 2:
            raise RecordError(f"{entry.ident}: expected a tab after the id")
        if kind != "*" and entry.ident in self.targets:
            raise RecordError(f"{entry.ident} is defined twice")
        if kind == "T":
            self._text_bound(entry)
        elif kind == "E":
            self._event(entry)
        elif kind == "R":
            self._relation(entry)
        elif kind == "*":
            self._equivalence(entry)
        elif kind in "AMN":
            self._attribute(entry, kind)
        elif kind == "#":
            return self._note(entry)
        else:
            raise RecordError(f"{entry.ident!r} is not a brat annotation id (T, R, E, A, N, #, *)")
        return None if kind in "TR" else _CONVERTED[kind]

    def _resolve(self, entry: _Line, ref: str) -> _Target:
        if ref in self._bad:
            raise RecordError(f"{entry.ident}: refers to {ref}, which was rejected")
        target = self.targets.get(ref)
        if target is None and ref in self._triggers:  # an event defined further down
            target = self.targets.get(self._triggers[ref])
        if target is None:
            raise RecordError(f"{entry.ident}: refers to {ref}, which is not in this file")
        return target

    def _spans_of(self, entry: _Line, ref: str) -> list[IncomingSpan]:
        """The spans an argument names: a T line's, or an event's trigger's."""
        target = self._resolve(entry, ref)
        if not target.items or not isinstance(target.items[0], IncomingSpan):
            raise RecordError(f"{entry.ident}: {ref} is not a text-bound annotation or event")
        return target.items

    def _text_bound(self, entry: _Line) -> None:
        label = entry.fields[1].split(" ", 1)[0]
        if not label:
            raise RecordError(f"{entry.ident}: no label")
        text = self.textmap.raw
        fragments = _fragments(entry, len(text))
        if len(entry.fields) > 2:
            actual = " ".join(text[s:e] for s, e in fragments)
            if not same(actual, entry.fields[2]):
                raise RecordError(
                    f"{entry.ident}: its text {entry.fields[2]!r} differs from the text at its "
                    f"offsets, {actual!r}"
                )
        pieces = _pieces(text, fragments)
        parts = []
        for k, (start, end) in enumerate(pieces, start=1):
            new_start, new_end = self.textmap.stored(start, end, what=entry.ident)
            note = None
            if len(pieces) > 1:
                note = f"part {k} of {len(pieces)} of discontinuous brat annotation {entry.ident}"
            parts.append(
                IncomingSpan(
                    new_start, new_end, label, id=self.id(entry.ident, k), note=note,
                    line=entry.number,
                )
            )  # fmt: skip
        self.targets[entry.ident] = _Target(parts)
        self.spans += parts

    def _event(self, entry: _Line) -> None:
        if not entry.fields[1].split():
            raise RecordError(f"{entry.ident}: expected 'Type:TRIGGER Role:ID ...'")
        head, *arguments = entry.fields[1].split()
        kind, _, trigger = head.partition(":")
        if not kind or not trigger:
            raise RecordError(f"{entry.ident}: expected 'Type:TRIGGER Role:ID ...'")
        if not trigger.startswith("T"):
            raise RecordError(f"{entry.ident}: its trigger {trigger} is not a T line")
        spans = self._spans_of(entry, trigger)
        if spans[0].label != kind:  # brat refuses this too (EventWithNonTriggerError)
            raise RecordError(
                f"{entry.ident}: its type {kind} differs from its trigger {trigger}'s "
                f"label {spans[0].label}"
            )
        made = []
        for n, argument in enumerate(arguments):
            role, _, ref = argument.partition(":")
            if not role or not ref:
                raise RecordError(f"{entry.ident}: argument {argument!r} is not 'Role:ID'")
            label = _ROLE_NUMBER.match(role).group(1) or role
            note = f"argument {role} of brat event {entry.ident} ({kind})"
            made += [
                IncomingRelation(
                    label, source.id, target.id, id=self.id(entry.ident, n, i, j), note=note
                )
                for i, source in enumerate(spans)
                for j, target in enumerate(self._spans_of(entry, ref))
            ]
        for span in spans:
            _append(span, f"trigger of brat event {entry.ident} ({kind})")
        self.targets[entry.ident] = _Target(spans, prefix=f"on brat event {entry.ident}")
        self.relations += made

    def _relation(self, entry: _Line) -> None:
        words = entry.words
        if len(words) != 3 or any(":" not in w for w in words[1:]):
            raise RecordError(f"{entry.ident}: expected 'Label Arg1:T1 Arg2:T2'")
        ends = [self._spans_of(entry, arg.split(":", 1)[1]) for arg in words[1:]]
        made = [
            IncomingRelation(words[0], source.id, target.id, id=self.id(entry.ident, i, j))
            for i, source in enumerate(ends[0])
            for j, target in enumerate(ends[1])
        ]
        self.targets[entry.ident] = _Target(made)
        self.relations += made

    def _equivalence(self, entry: _Line) -> None:
        label, *members = entry.words or [""]
        if not label or len(members) < 2:
            raise RecordError("*: expected 'Equiv ID ID ...' (two members or more)")
        spans = [self._spans_of(entry, m) for m in members]
        note = f"brat equivalence {' '.join(entry.words)}"
        for n, (sources, targets) in enumerate(zip(spans, spans[1:], strict=False)):
            self.relations += [
                IncomingRelation(
                    label, s.id, t.id, id=self.id("*", *entry.words, n, i, j), note=note
                )
                for i, s in enumerate(sources)
                for j, t in enumerate(targets)
            ]

    def _attribute(self, entry: _Line, kind: str) -> None:
        words = entry.words
        if len(words) < 2 or (kind != "N" and len(words) > 3):
            raise RecordError(f"{entry.ident}: expected 'Name ID' or 'Name ID VALUE'")
        target = self._resolve(entry, words[1])
        if kind == "N":
            if len(words) != 3 or ":" not in words[2]:
                raise RecordError(f"{entry.ident}: expected 'Type ID DATABASE:ID'")
            text = f" ({entry.tail})" if entry.tail else ""
            what = f"brat normalisation {entry.ident}: {words[0]} {words[2]}{text}"
        else:
            value = f" = {words[2]}" if len(words) > 2 else ""
            what = f"brat attribute {entry.ident}: {words[0]}{value}"
        if target.prefix:
            what += f" ({target.prefix})"
        for item in target.items:
            _append(item, what)
        self.targets[entry.ident] = _Target(target.items, prefix=f"on brat {entry.ident}")

    def _note(self, entry: _Line) -> tuple[str, str] | None:
        words = entry.words
        if len(words) != 2:
            raise RecordError(f"{entry.ident}: expected 'AnnotatorNotes ID' before the note")
        kind, ref = words
        target = self._resolve(entry, ref)
        note = entry.tail if kind == "AnnotatorNotes" else f"{kind}: {entry.tail}"
        if target.prefix:
            note = f"{note} ({target.prefix})"
        for item in target.items:
            _append(item, note)
        if kind != "AnnotatorNotes":
            return _CONVERTED["comment"]
        return _CONVERTED["note"] if target.prefix else None
