"""doccano sequence-labelling JSONL, in the forms its releases write.

Plain form (one example a line; ``labels`` and ``data`` are accepted from older releases)::

    {"id": 12, "text": "...", "label": [[0, 2, "ORG"], [11, 17, "MISC"]], "Comments": []}

Relation form, and intent detection (entities as triples, with document categories)::

    {"id": 12, "text": "...", "entities": [{"id": 5, "label": "ORG", "start_offset": 0,
     "end_offset": 6}], "relations": [{"id": 1, "from_id": 5, "to_id": 7, "type": "x"}]}
    {"text": "...", "entities": [[0, 26, "City"]], "cats": ["flight"]}

doccano 1.x exports, whose labels and users are numbers (the project's database ids)::

    {"id": 1, "text": "...", "annotations": [{"label": 12, "start_offset": 9,
     "end_offset": 14, "user": 1}], "meta": {...}, "annotation_approver": null}

A numeric label becomes the label ``label 12`` and a numeric user the annotator ``user 1``
(the file does not hold their names); the import summary counts both. ``cats`` (document
categories) are document labels of the line's annotator (the ``--annotator`` name), and
an export writes each document's labels (anyone's) as ``cats``. Other keys of a line are doccano's
example meta (title, url, ...; 1.x nests them in ``meta``). A key doccano does not write that
holds what look like annotations (objects with offsets, ``[start, end, label]`` triples)
refuses the line: importing its text alone would drop them without a word.

Offsets are **UTF-16 code units** (doccano counts JavaScript string indices, doccano#2290),
end exclusive; ``--offsets codepoint`` reads or writes code points instead, and ``--offsets
grapheme`` grapheme clusters (a project with "count grapheme clusters as one character").
The file carries no span text to check the unit by: where it matters (a text with an emoji,
a combining accent), the summary says which unit was assumed. An export in another unit than
UTF-16 says so in each line (``"offset_unit": "codepoint"``, a meta key to doccano), and the
reader follows that key. doccano keeps no note per span and no annotator: an import records
the ``--annotator`` name where the line names no user; an export leaves notes out and writes
several annotators' spans (and document labels, in one ``cats``) side by side, and its notes
count both.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.core.model import IncomingDocumentLabel, IncomingRelation, IncomingSpan
from annotator.formats.atomic import atomic_write
from annotator.formats.export_types import ExportDocument, ExportReport
from annotator.formats.records import (
    CONVERTED,
    Counted,
    Outcome,
    RecordError,
    TextMap,
    document,
    list_of,
    local_id,
    object_of,
    records_of,
    source_id_of,
    split_meta,
    text_of,
)
from annotator.formats.units import UNIT_NAMES, UNITS, Unit, UnitMap
from annotator.formats.unnamed import Unnamed

UNIT: Unit = "utf16"
UNIT_KEY = "offset_unit"  # written by our export when it does not count UTF-16
_SPAN_KEYS = ("label", "labels", "entities", "annotations")
_RESERVED = ("id", "text", "data", *_SPAN_KEYS, "relations", "Comments", "cats", "meta", UNIT_KEY)
# Keys by which other tools give a span's (or a link's) ends: a list of objects with them,
# under a key doccano does not write, is annotations this reader would otherwise drop.
_START_KEYS = frozenset({"start", "start_offset", "startOffset", "begin", "start_char", "from"})
_END_KEYS = frozenset({"end", "end_offset", "endOffset", "end_char", "to"})

# What a line's import converted, as the summary counts it: (what, how).
NUMERIC_LABEL = ("span label", 'a doccano 1.x label id, named "label <id>"')
NUMERIC_USER = ("span annotator", 'a doccano 1.x user id, recorded as "user <id>"')
CATEGORY_SCORE = ("document category", "a score in cats (spaCy's form): the label is set "
                  "where it is 0.5 or more, not set below")


def looks_like(record: Any) -> bool:
    """A first record with doccano's keys (and no Prodigy ones)."""
    if not isinstance(record, dict):
        return False
    if any(k in record for k in ("label", "labels", "entities", "data", "Comments", "cats")):
        return True
    # doccano 1.x: "annotations" of objects with a label (Label Studio's, also called
    # "annotations", come in .json files under "data", and hold "result" lists)
    annotations = record.get("annotations")
    return (
        "text" in record
        and isinstance(annotations, list)
        and any(
            isinstance(a, dict) and "result" not in a and ("label" in a or _annotations_in([a]))
            for a in annotations[:20]
        )
    )


# -- reading ------------------------------------------------------------------------------


def read(path: Path, unit: Unit | None = None) -> Iterator[Outcome]:
    """``unit``: what ``--offsets`` says; by default a line's ``offset_unit`` or UTF-16."""
    return records_of(path, lambda record, line: _outcomes(record, path, line, unit))


def _outcomes(record: Any, path: Path, line: int, unit: Unit | None) -> list[Outcome]:
    notes: list[tuple[str, str]] = []
    doc = _Line(object_of(record), line, unit, notes).document(f"{path}, line {line}")
    return [doc, *(Counted(str(path), line, CONVERTED, what, how) for what, how in notes)]


class _Line:
    """One line read into a document; what was converted or kept aside goes to ``notes``."""

    def __init__(
        self, record: dict, line: int, unit: Unit | None, notes: list[tuple[str, str]]
    ) -> None:
        self.record, self.line, self.notes = record, line, notes
        declared = record.get(UNIT_KEY)
        self.unit = _unit(declared, unit)
        self.assumed = declared is None and unit is None
        key = "data" if "data" in record and "text" not in record else "text"
        self.textmap = TextMap(text_of(record.get(key), key), self.unit)
        self.source_id = source_id_of(record.get("source_id"), record.get("id"))
        self.doc_key = self.textmap.doc_key(self.source_id)

    def document(self, origin: str):
        record = self.record
        spans = [
            IncomingSpan(*self.textmap.span(s, e, what=f"{name}[{i}]"), label=lab, line=self.line)
            for name, i, s, e, lab in _tuples(record)
        ]
        entity_ids: dict[str, list[str]] = {}
        for i, item in enumerate(list_of(record, "entities")):
            what = f"entities[{i}]"
            if isinstance(item, list | tuple):  # intent detection writes triples
                spans.append(self._triple(item, what))
                continue
            item = object_of(item, what)
            ident = item.get("id", f"#{i}")
            span = self._object(item, what, id=local_id(self.doc_key, "doccano", ident))
            spans.append(span)
            entity_ids.setdefault(_key(ident), []).append(span.id)
        for i, item in enumerate(list_of(record, "annotations")):
            spans.append(self._object(object_of(item, f"annotations[{i}]"), f"annotations[{i}]"))
        relations = [
            _relation(item, i, self.doc_key, entity_ids)
            for i, item in enumerate(list_of(record, "relations"))
        ]
        fields = self._fields()
        if spans and self.assumed and self._unit_matters():
            self.notes.append((
                "line",
                f"offsets read as {UNIT_NAMES[self.unit]}, doccano's default (its lines carry "
                "no span text to check them by; a project that counts grapheme clusters as "
                "one character needs --offsets grapheme)",
            ))
        doc = document(
            self.textmap,
            source_id=self.source_id,
            meta=split_meta(fields),
            origin=origin,
            spans=spans,
            relations=relations,
        )
        doc.document_labels = self._categories()
        return doc

    def _categories(self) -> list[IncomingDocumentLabel]:
        """``cats``, the document's categories, as document labels of the line's annotator
        (the --annotator name: doccano writes no user beside them). spaCy's form, an object
        of scores, gives the labels scored 0.5 or more; that reading is counted."""
        cats = self.record.get("cats")
        if cats in (None, [], {}):
            return []
        if isinstance(cats, dict):
            names = []
            for name, score in cats.items():
                if isinstance(score, bool) or not isinstance(score, int | float):
                    raise RecordError(f'"cats": the score of {name!r} must be a number')
                if score >= 0.5:
                    names.append(name)
            self.notes.extend([CATEGORY_SCORE] * len(cats))
        elif isinstance(cats, list):
            names = cats
        else:
            raise RecordError(f'"cats" must be a list of categories, not {cats!r}')
        return [
            IncomingDocumentLabel(_label(name, f"cats[{i}]")) for i, name in enumerate(names)
        ]

    def _triple(self, item: list | tuple, what: str) -> IncomingSpan:
        if len(item) != 3:
            raise RecordError(f'{what} must be [start, end, "label"], not {item!r}')
        start, end = self.textmap.span(item[0], item[1], what=what)
        return IncomingSpan(start, end, label=_label(item[2], what), line=self.line)

    def _object(self, item: dict, what: str, id: str | None = None) -> IncomingSpan:
        start = item.get("start_offset", item.get("start"))
        end = item.get("end_offset", item.get("end"))
        if start is None and end is None:
            raise RecordError(
                f"{what} has no offsets (a label of the whole text): this is a "
                "text-classification export; Annotator reads sequence labelling (spans)"
            )
        start, end = self.textmap.span(start, end, what=what)
        label = item.get("label")
        if isinstance(label, int) and not isinstance(label, bool):
            self.notes.append(NUMERIC_LABEL)
            label = f"label {label}"
        who = item.get("user")
        if isinstance(who, int) and not isinstance(who, bool):
            self.notes.append(NUMERIC_USER)
            who = f"user {who}"
        elif not (isinstance(who, str) and who.strip()):
            who = None  # the --annotator name
        return IncomingSpan(
            start, end, label=_label(label, what), id=id, annotator=who, line=self.line
        )

    def _fields(self) -> dict[str, Any]:
        record = self.record
        fields = {k: v for k, v in record.items() if k not in _RESERVED}
        nested = record.get("meta")
        if isinstance(nested, dict):  # 1.x and doccano's import files nest the meta
            fields.update({k: v for k, v in nested.items() if k not in fields})
        elif nested is not None:
            fields["meta"] = nested
        for key, value in fields.items():
            if isinstance(value, list) and _annotations_in(value):
                raise RecordError(
                    f'"{key}" holds what look like annotations ({_preview(value)}), which a '
                    "doccano line does not have: importing its text alone would leave them "
                    "out. Choose the --format that writes them (prodigy and jsonl read "
                    '"spans"), or remove the key'
                )
        comments = _comments(record.get("Comments"))
        if comments:
            fields["comments"] = comments
        return fields

    def _unit_matters(self) -> bool:
        """Whether this text's offsets would read differently in another unit doccano
        counts in (an emoji: UTF-16 against code points; a combining accent, a ZWJ
        sequence or a CRLF: grapheme clusters)."""
        raw = self.textmap.raw
        if raw.isascii() and "\r\n" not in raw:
            return False
        return UnitMap(raw, "utf16").differs or UnitMap(raw, "grapheme").differs


def _annotations_in(items: list) -> bool:
    """Whether a list holds what look like annotations: objects with a start and an end
    key, or ``[start, end, "label"]`` triples."""
    for item in items[:20]:
        if isinstance(item, dict):
            if _START_KEYS.intersection(item) and _END_KEYS.intersection(item):
                return True
        elif (
            isinstance(item, list | tuple)
            and len(item) == 3
            and all(isinstance(x, int) and not isinstance(x, bool) for x in item[:2])
            and isinstance(item[2], str)
        ):
            return True
    return False


def _preview(items: list) -> str:
    text = orjson.dumps(items[0]).decode()
    more = f", and {len(items) - 1} more" if len(items) > 1 else ""
    return (text if len(text) <= 80 else text[:77] + "...") + more


def _unit(declared: Any, wanted: Unit | None) -> Unit:
    if declared is None:
        return wanted or UNIT
    if declared not in UNITS:
        raise RecordError(f'"{UNIT_KEY}" must be one of {", ".join(UNITS)}, not {declared!r}')
    if wanted is not None and wanted != declared:
        raise RecordError(f"the line says its offsets count {declared}, not {wanted} (--offsets)")
    return declared


def _tuples(record: dict) -> Iterator[tuple[str, int, Any, Any, str]]:
    for name in ("label", "labels"):
        for i, item in enumerate(list_of(record, name)):
            what = f"{name}[{i}]"
            if isinstance(item, list | tuple) and len(item) == 3:
                yield name, i, item[0], item[1], _label(item[2], what)
            elif isinstance(item, dict):  # a few converters write objects
                start = item.get("start_offset", item.get("start"))
                end = item.get("end_offset", item.get("end"))
                yield name, i, start, end, _label(item.get("label"), what)
            elif isinstance(item, str):
                raise RecordError(
                    f"{what} is the category {item!r}: this is a text-classification export; "
                    "Annotator reads sequence labelling (spans)"
                )
            else:
                raise RecordError(f'{what} must be [start, end, "label"], not {item!r}')


def _label(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RecordError(f"{what}: the label must be a non-empty string, not {value!r}")
    return value.strip()


def _key(ident: Any) -> str:
    return str(ident)


def _relation(
    item: Any, i: int, doc_key: str, entity_ids: dict[str, list[str]]
) -> IncomingRelation:
    what = f"relations[{i}]"
    item = object_of(item, what)
    ends = []
    for name in ("from_id", "to_id"):
        ids = entity_ids.get(_key(item.get(name)))
        if not ids:
            raise RecordError(f"{what}: {name} {item.get(name)!r} is not an entity of this line")
        ends.append(ids[0])
    return IncomingRelation(
        label=_label(item.get("type"), what),
        source=ends[0],
        target=ends[1],
        id=local_id(doc_key, "doccano-relation", item.get("id", f"#{i}")),
    )


def _comments(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    out = []
    for item in value:
        if isinstance(item, dict):
            item = item.get("comment") or item.get("text")
        if isinstance(item, str) and item:
            out.append(item)
    return out


# -- writing ------------------------------------------------------------------------------


def write_plain(
    docs: Iterable[ExportDocument], target: Path, unit: Unit, report: ExportReport
) -> None:
    dropped = 0
    unsplit = _Unsplit(report)
    unkept = _Unkept()
    with atomic_write(target) as f:
        for item in docs:
            units = UnitMap(item.document.text, unit)
            written = list(unsplit.offsets(item, units))
            unkept.add(item, [s for s, _ in written])
            labels = sorted([start, end, s.label] for s, (start, end) in written)
            dropped += len(item.relations)
            record = {"id": item.document.id, "text": item.document.text, "label": labels}
            f.write(orjson.dumps(_with_meta(record, item, unit)))
            f.write(b"\n")
    if dropped:
        report.relations -= dropped
        report.notes.append(
            f"{dropped} relation(s) left out: the plain doccano form has none "
            "(use --format doccano-rel)"
        )
    unsplit.tell()
    unkept.tell(report)


def write_relations(
    docs: Iterable[ExportDocument], target: Path, unit: Unit, report: ExportReport
) -> None:
    next_id = 1
    unsplit = _Unsplit(report)
    unkept = _Unkept()
    with atomic_write(target) as f:
        for item in docs:
            units = UnitMap(item.document.text, unit)
            numbers = {}
            entities = []
            written = list(unsplit.offsets(item, units))
            for s, (start, end) in written:
                numbers[s.id] = next_id
                entities.append(
                    {"id": next_id, "label": s.label, "start_offset": start, "end_offset": end}
                )
                next_id += 1
            relations, linked = [], []
            for r in item.relations:
                if r.source not in numbers or r.target not in numbers:
                    unsplit.relations += 1
                    continue
                linked.append(r)
                relations.append(
                    {
                        "id": next_id,
                        "from_id": numbers[r.source],
                        "to_id": numbers[r.target],
                        "type": r.label,
                    }
                )
                next_id += 1
            unkept.add(item, [s for s, _ in written], linked)
            record = {
                "id": item.document.id,
                "text": item.document.text,
                "entities": entities,
                "relations": relations,
            }
            f.write(orjson.dumps(_with_meta(record, item, unit)))
            f.write(b"\n")
    unsplit.tell()
    unkept.tell(report)


class _Unkept:
    """What doccano cannot hold of what is written: whose each span and relation is
    (formats/unnamed.py), notes, and whose each document label is (an example has one
    ``cats`` list, without names). Counted, and told in the export's notes."""

    def __init__(self) -> None:
        self.unnamed = Unnamed("doccano")
        self.notes = self.relation_notes = self.labels = self.labelled = 0

    def add(self, item: ExportDocument, spans: list, relations: list | tuple = ()) -> None:
        self.unnamed.add(spans, relations)
        self.notes += sum(1 for s in spans if s.note)
        self.relation_notes += sum(1 for r in relations if r.note)
        if len({d.annotator for d in item.document_labels}) > 1:
            self.labels += len(item.document_labels)
            self.labelled += 1

    def tell(self, report: ExportReport) -> None:
        self.unnamed.tell(report)
        if self.notes or self.relation_notes:
            links = f" and {self.relation_notes} relation note(s)" if self.relation_notes else ""
            report.notes.append(
                f"{self.notes} span note(s){links} left out: doccano has no notes (the jsonl "
                "and brat exports keep them)"
            )
        if self.labels:
            report.notes.append(
                f"{self.labels} document label(s) of several annotators merged into cats in "
                f"{self.labelled} document(s): doccano has one list of categories per example, "
                "without names (a label set by two annotators is written once)"
            )


class _Unsplit:
    """Counting grapheme clusters, a span that begins or ends inside a cluster (half of a
    flag, a letter without its combining accent) has no offsets: it is left out, with its
    relations, and the export's notes say how many."""

    def __init__(self, report: ExportReport) -> None:
        self.report = report
        self.spans = self.relations = 0

    def offsets(self, item: ExportDocument, units: UnitMap):
        for s in item.spans:
            try:
                yield s, (units.to_unit(s.start), units.to_unit(s.end))
            except ValueError:
                self.spans += 1

    def tell(self) -> None:
        if not self.spans:
            return
        self.report.spans -= self.spans
        self.report.relations -= self.relations
        links = f" and {self.relations} relation(s) to them" if self.relations else ""
        self.report.notes.append(
            f"{self.spans} span(s){links} left out: a span that begins or ends inside a "
            "grapheme cluster cannot be written counting grapheme clusters (export with "
            "--offsets utf16 to keep them)"
        )


def _with_meta(record: dict[str, Any], item: ExportDocument, unit: Unit) -> dict[str, Any]:
    """doccano merges an example's meta into the top level; reserved keys are not overwritten.
    Offsets in another unit than doccano's are declared, so that reading them back needs no
    option and cannot silently shift every span after an emoji."""
    if unit != UNIT:
        record[UNIT_KEY] = unit
    cats = list(dict.fromkeys(d.label for d in item.document_labels))
    if cats:  # doccano has one set of categories per example: everyone's, once each
        record["cats"] = cats
    meta = item.document.meta.as_dict() | {"source_id": item.document.source_id}
    record["Comments"] = meta.pop("comments", []) if isinstance(meta.get("comments"), list) else []
    for key, value in meta.items():
        # categories (and a meta that was no object) go back where doccano had them
        if key not in record and (key not in _RESERVED or key in ("cats", "meta")):
            record[key] = value
    return record
