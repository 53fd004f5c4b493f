"""doccano sequence-labelling JSONL, both forms.

Plain form (one example a line; ``labels`` and ``data`` are accepted from older releases)::

    {"id": 12, "text": "...", "label": [[0, 2, "ORG"], [11, 17, "MISC"]], "Comments": []}

Relation form::

    {"id": 12, "text": "...", "entities": [{"id": 5, "label": "ORG", "start_offset": 0,
     "end_offset": 6}], "relations": [{"id": 1, "from_id": 5, "to_id": 7, "type": "x"}]}

Offsets are **UTF-16 code units** (doccano counts JavaScript string indices, doccano#2290),
end exclusive; ``--offsets codepoint`` reads or writes code points instead. An export in code
points says so in each line (``"offset_unit": "codepoint"``, a meta key to doccano), and the
reader follows that key. Other keys of a
line are doccano's example meta (title, url, ...). doccano keeps no annotator per label and
no note per span: an import records the ``--annotator`` name, an export leaves notes out.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.core.model import IncomingRelation, IncomingSpan
from annotator.formats.atomic import atomic_write
from annotator.formats.export_types import ExportDocument, ExportReport
from annotator.formats.records import (
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
from annotator.formats.units import UNITS, Unit, UnitMap

UNIT: Unit = "utf16"
UNIT_KEY = "offset_unit"  # written by our export when it does not count UTF-16
_RESERVED = ("id", "text", "data", "label", "labels", "entities", "relations", "Comments", UNIT_KEY)


def looks_like(record: Any) -> bool:
    """A first record with doccano's keys (and no Prodigy ones)."""
    return isinstance(record, dict) and any(
        k in record for k in ("label", "labels", "entities", "data", "Comments")
    )


# -- reading ------------------------------------------------------------------------------


def read(path: Path, unit: Unit | None = None) -> Iterator[Outcome]:
    """``unit``: what ``--offsets`` says; by default a line's ``offset_unit`` or UTF-16."""
    return records_of(path, lambda record, line: [_document(record, path, line, unit)])


def _document(record: Any, path: Path, line: int, unit: Unit | None):
    record = object_of(record)
    unit = _unit(record.get(UNIT_KEY), unit)
    key = "text" if "text" in record else "data"
    textmap = TextMap(text_of(record.get(key), key), unit)
    source_id = source_id_of(record.get("source_id"), record.get("id"))
    doc_key = textmap.doc_key(source_id)
    spans = [
        IncomingSpan(*textmap.span(s, e, what=f"{name}[{i}]"), label=label, line=line)
        for name, i, s, e, label in _tuples(record)
    ]
    entity_ids: dict[Any, list[str]] = {}
    for i, item in enumerate(list_of(record, "entities")):
        item = object_of(item, f"entities[{i}]")
        what = f"entities[{i}]"
        start, end = textmap.span(item.get("start_offset"), item.get("end_offset"), what=what)
        ident = item.get("id", f"#{i}")
        span_id = local_id(doc_key, "doccano", ident)
        spans.append(
            IncomingSpan(start, end, _label(item.get("label"), what), id=span_id, line=line)
        )
        entity_ids.setdefault(_key(ident), []).append(span_id)
    relations = [
        _relation(item, i, doc_key, entity_ids)
        for i, item in enumerate(list_of(record, "relations"))
    ]
    fields = {k: v for k, v in record.items() if k not in _RESERVED}
    comments = _comments(record.get("Comments"))
    if comments:
        fields["comments"] = comments
    meta = split_meta(fields)
    return document(
        textmap,
        source_id=source_id,
        meta=meta,
        origin=f"{path}, line {line}",
        spans=spans,
        relations=relations,
    )


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
    with atomic_write(target) as f:
        for item in docs:
            units = UnitMap(item.document.text, unit)
            labels = sorted(
                [units.to_unit(s.start), units.to_unit(s.end), s.label] for s in item.spans
            )
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


def write_relations(
    docs: Iterable[ExportDocument], target: Path, unit: Unit, report: ExportReport
) -> None:
    next_id = 1
    with atomic_write(target) as f:
        for item in docs:
            units = UnitMap(item.document.text, unit)
            numbers = {}
            entities = []
            for s in item.spans:
                numbers[s.id] = next_id
                entities.append(
                    {
                        "id": next_id,
                        "label": s.label,
                        "start_offset": units.to_unit(s.start),
                        "end_offset": units.to_unit(s.end),
                    }
                )
                next_id += 1
            relations = []
            for r in item.relations:
                relations.append(
                    {
                        "id": next_id,
                        "from_id": numbers[r.source],
                        "to_id": numbers[r.target],
                        "type": r.label,
                    }
                )
                next_id += 1
            record = {
                "id": item.document.id,
                "text": item.document.text,
                "entities": entities,
                "relations": relations,
            }
            f.write(orjson.dumps(_with_meta(record, item, unit)))
            f.write(b"\n")


def _with_meta(record: dict[str, Any], item: ExportDocument, unit: Unit) -> dict[str, Any]:
    """doccano merges an example's meta into the top level; reserved keys are not overwritten.
    Offsets in another unit than doccano's are declared, so that reading them back needs no
    option and cannot silently shift every span after an emoji."""
    if unit != UNIT:
        record[UNIT_KEY] = unit
    meta = item.document.meta.as_dict() | {"source_id": item.document.source_id}
    record["Comments"] = meta.pop("comments", []) if isinstance(meta.get("comments"), list) else []
    for key, value in meta.items():
        if key not in record and key not in _RESERVED:
            record[key] = value
    return record
