"""The ``.ann`` file of one document (brat_write.py writes the folder around it).

The spans and relations come as the native record lists them (dicts with its keys,
``orjson.loads`` of what SQLite built: export_queries.native_rows): an export of 100,000
documents made a Span and a Relation object of each before writing a line of it, which took
longer than the lines themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from annotator.core.errors import AnnotatorError
from annotator.core.model import Relation, Span
from annotator.formats.brat_read import LINE_BREAKS
from annotator.formats.export_types import ExportDocument

_PART = re.compile(r"^part (\d+) of (\d+) of discontinuous brat annotation (\S+)$")
_BREAK = re.compile(f"[{LINE_BREAKS}]+")
_NOTE_LINES = re.compile(f"\r\n|[{LINE_BREAKS}]")
_SPACE = re.compile(r"\s")

Record = Mapping[str, Any]  # a span or relation in the native record's keys


@dataclass
class Counts:
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


def ann_text(item: ExportDocument, counts: Counts | None = None) -> str:
    """The ``.ann`` lines of one document, in the form brat's own parser accepts."""
    return ann_lines(
        item.document.text,
        span_records(item.spans),
        relation_records(item.relations),
        counts if counts is not None else Counts(),
        {},
        {},
    )


def span_records(spans: Iterable[Span]) -> list[dict[str, Any]]:
    return [{"id": s.id, "start": s.start, "end": s.end, "label": s.label, "text": s.text,
             "annotator": s.annotator, "note": s.note} for s in spans]  # fmt: skip


def relation_records(relations: Iterable[Relation]) -> list[dict[str, Any]]:
    return [{"id": r.id, "label": r.label, "from": r.source, "to": r.target,
             "annotator": r.annotator, "note": r.note} for r in relations]  # fmt: skip


def ann_lines(
    text: str,
    spans: list[Record],
    relations: list[Record],
    counts: Counts,
    entities: dict[str, None],
    relation_labels: dict[str, None],
) -> str:
    """The ``.ann`` text of ``text`` with ``spans`` (in text order) and ``relations``.
    ``entities`` and ``relation_labels`` gather the labels met, for ``annotation.conf``: a
    label is checked when first met, not in every document again."""
    grouped = False  # does a span say it is part of a discontinuous brat annotation?
    for span in spans:
        if span["label"] not in entities:
            _check_label(span["label"])
            entities[span["label"]] = None
        if not grouped and span["note"] and "discontinuous" in span["note"]:
            grouped = True
    for rel in relations:
        if rel["label"] not in relation_labels:
            _check_label(rel["label"])
            relation_labels[rel["label"]] = None
    lines: list[str] = []
    notes: list[tuple[str, str]] = []
    numbers: dict[str, str] = {}  # span id -> the T id it is written in
    breaks = _BREAK.search(text) is not None
    t_count = 0
    for item in _groups(spans, counts) if grouped else spans:
        if grouped:
            group = item
            fragments = [f for s in group for f in _line_fragments(text, s, counts)]
        else:
            start, end = item["start"], item["end"]
            if start < end and not (breaks and _BREAK.search(text, start, end)):
                # Most spans: one fragment, the span itself (as _line_fragments finds it).
                t_count += 1
                ident = f"T{t_count}"
                lines.append(f"{ident}\t{item['label']} {start} {end}\t{text[start:end]}")
                numbers[item["id"]] = ident
                if item["note"]:
                    notes += [(ident, n) for n in _merged_notes([item])]
                continue
            group = [item]
            fragments = _line_fragments(text, item, counts)
        if not fragments:
            counts.unwritable += [repr(s["text"]) for s in group]
            continue
        t_count += 1
        ident = f"T{t_count}"
        spec = ";".join(f"{s} {e}" for s, e in fragments)
        covered = " ".join(text[s:e] for s, e in fragments)
        lines.append(f"{ident}\t{group[0]['label']} {spec}\t{covered}")
        for span in group:
            numbers[span["id"]] = ident
        notes += [(ident, n) for n in _merged_notes(group)]
    parts = {s["id"] for s in spans if _part_of(s) is not None} if grouped else set()
    written: dict[tuple[str, str, str], str] = {}
    r_count = 0
    for rel in relations:
        source, target = numbers.get(rel["from"]), numbers.get(rel["to"])
        if source is None or target is None:
            continue  # a span of nothing but line breaks, counted above
        key = (rel["label"], source, target)
        if key in written and (rel["from"] in parts or rel["to"] in parts):
            counts.merged_relations += 1  # one relation, imported once per part
            ident = written[key]
        else:
            r_count += 1
            ident = f"R{r_count}"
            written.setdefault(key, ident)
            lines.append(f"{ident}\t{rel['label']} Arg1:{source} Arg2:{target}")
        if rel["note"]:
            notes += [(ident, n) for n in _note_lines(rel["note"]) if (ident, n) not in notes]
    lines += [f"#{n}\tAnnotatorNotes {ref}\t{note}" for n, (ref, note) in enumerate(notes, 1)]
    return "\n".join(lines) + "\n" if lines else ""


def _check_label(label: str) -> None:
    if _SPACE.search(label):
        raise AnnotatorError(f"label {label!r}: brat labels cannot hold spaces; rename it first")


def _groups(spans: list[Record], counts: Counts) -> list[list[Record]]:
    """The spans, each alone, except the complete sets of parts of one discontinuous brat
    annotation (same label and annotator, parts 1 to N, none overlapping): one list each,
    in the order of their first part."""
    parts: dict[tuple, list[tuple[int, Record]]] = {}
    for span in spans:
        part = _part_of(span)
        if part is not None:
            k, n, ident = part
            parts.setdefault((span["label"], span["annotator"], ident, n), []).append((k, span))
    whole: dict[str, list[Record]] = {}
    for (*_, n), members in parts.items():
        ks = sorted(k for k, _ in members)
        by_start = sorted((s for _, s in members), key=lambda s: s["start"])
        apart = all(a["end"] <= b["start"] for a, b in zip(by_start, by_start[1:], strict=False))
        if ks == list(range(1, n + 1)) and n > 1 and apart:
            counts.rejoined += 1
            counts.parts += n
            for span in by_start:
                whole[span["id"]] = by_start
    out, done = [], set()
    for span in spans:
        group = whole.get(span["id"], [span])
        if group[0]["id"] not in done:
            done.add(group[0]["id"])
            out.append(group)
    return out


def _part_of(span: Record) -> tuple[int, int, str] | None:
    note = span["note"]
    if not note or "discontinuous" not in note:  # most spans: no regex needed
        return None
    for line in note.split("\n"):
        match = _PART.match(line)
        if match:
            return int(match.group(1)), int(match.group(2)), match.group(3)
    return None


def _line_fragments(text: str, span: Record, counts: Counts) -> list[tuple[int, int]]:
    """The span cut at each run of line breaks: brat's parser reads a ``.ann`` line by line
    and refuses a T line whose text differs from the document's at its offsets, so a span
    across lines is written as brat writes such a selection, one fragment per line."""
    fragments, start, end = [], span["start"], span["end"]
    begin = start
    for brk in _BREAK.finditer(text, start, end):
        if brk.start() > begin:
            fragments.append((begin, brk.start()))
        begin = brk.end()
    if begin < end:
        fragments.append((begin, end))
    if fragments and len(fragments) > 1:
        counts.fragmented += 1
    if fragments and (fragments[0][0] != start or fragments[-1][1] != end):
        counts.trimmed += 1
    return fragments


def _merged_notes(group: list[Record]) -> list[str]:
    """The notes of a span (or of the parts of one annotation, each line once), one
    ``#`` line per line of note, without the part numbers the T line now says."""
    if len(group) == 1 and not group[0]["note"]:
        return []
    lines: dict[str, None] = {}
    for span in group:
        for line in _note_lines(span["note"]):
            if len(group) == 1 or not _PART.match(line):
                lines[line] = None
    return list(lines)


def _note_lines(note: str | None) -> list[str]:
    """A note's lines: brat reads one note a line, and joins several notes of one annotation
    with line breaks as the import does, so a note of several lines comes back whole."""
    return _NOTE_LINES.split(note) if note else []
