"""Prodigy / spaCy-style JSONL (``ner_manual`` tasks, ``prodigy db-out``).

::

    {"text": "...", "spans": [{"start": 0, "end": 15, "label": "PERSON"}],
     "answer": "accept", "_annotator_id": "news-alice", "meta": {...}}

Offsets are **code points** (Python ``str`` indices, what spaCy's ``Doc.char_span`` takes),
end exclusive. ``tokens`` and each span's ``token_start``/``token_end`` are accepted and
ignored. A task answered ``reject`` or ``ignore`` is skipped (and counted). Relations are read
from their ``head_span``/``child_span`` (character offsets); one given only by token indices
is skipped with a reason.

The export writes one task per document with ``answer: accept``; each span carries its
``annotator`` (and ``note`` when it has one), and ``_annotator_id`` is set when a single person
annotated the document. Relations are written with ``head_span``/``child_span`` and no token
indices, since no tokenisation is written.
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
    Skipped,
    TextMap,
    document,
    integer,
    list_of,
    local_id,
    name_of,
    object_of,
    records_of,
    source_id_of,
    split_meta,
    text_of,
)
from annotator.formats.units import Unit

UNIT: Unit = "codepoint"


def looks_like(record: Any) -> bool:
    """Prodigy's own keys: ``_input_hash`` and friends, ``tokens``, ``answer``."""
    return isinstance(record, dict) and (
        any(isinstance(k, str) and k.startswith("_") for k in record)
        or "tokens" in record
        or "answer" in record
    )


# -- reading ------------------------------------------------------------------------------


def read(path: Path, unit: Unit = UNIT) -> Iterator[Outcome]:
    return records_of(path, lambda record, line: _outcomes(record, path, line))


def _outcomes(record: Any, path: Path, line: int) -> Iterator[Outcome]:
    record = object_of(record)
    answer = record.get("answer")
    if answer in ("reject", "ignore"):
        yield Skipped(str(path), line, f'the answer is "{answer}"')
        return
    textmap = TextMap(text_of(record.get("text"), "text"))
    meta = record.get("meta") or {}
    if not isinstance(meta, dict):
        raise RecordError('"meta" must be an object')
    source_id = source_id_of(meta.get("source_id"), record.get("_input_hash"))
    doc_key = textmap.doc_key(source_id)
    who = name_of(record.get("_annotator_id")) or name_of(record.get("_session_id"))

    spans, by_offsets = [], {}
    for i, item in enumerate(list_of(record, "spans")):
        what = f"spans[{i}]"
        item = object_of(item, what)
        start, end = textmap.span(
            item.get("start"), item.get("end"), what=what, claimed=item.get("text")
        )
        label = _label(item.get("label"), what)
        annotator = name_of(item.get("annotator")) or who
        span_id = local_id(doc_key, "prodigy", annotator or "", start, end, label)
        note = item.get("note") if isinstance(item.get("note"), str) else None
        spans.append(
            IncomingSpan(start, end, label, id=span_id, annotator=annotator, note=note, line=line)
        )
        key = (item.get("start"), item.get("end"), label)
        by_offsets.setdefault(key, span_id)
        by_offsets.setdefault((*key, annotator), span_id)

    relations, skipped = [], []
    for i, item in enumerate(list_of(record, "relations")):
        what = f"relations[{i}]"
        item = object_of(item, what)
        head, child = item.get("head_span"), item.get("child_span")
        if not (isinstance(head, dict) and isinstance(child, dict)):
            skipped.append(
                Skipped(
                    str(path),
                    line,
                    "a relation given by token indices only (no head_span/child_span)",
                )
            )
            continue
        ends = [
            _find(by_offsets, end, f"{what}: {name}")
            for name, end in (("head_span", head), ("child_span", child))
        ]
        label = _label(item.get("label"), what)
        annotator = name_of(item.get("annotator")) or who
        relations.append(
            IncomingRelation(
                label,
                ends[0],
                ends[1],
                id=local_id(doc_key, "prodigy-relation", annotator or "", *ends, label),
                annotator=annotator,
            )
        )
    yield document(
        textmap,
        source_id=source_id,
        meta=split_meta(meta),
        origin=f"{path}, line {line}",
        spans=spans,
        relations=relations,
    )
    yield from skipped


def _label(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RecordError(f'{what}: "label" must be a non-empty string, not {value!r}')
    return value.strip()


def _find(by_offsets: dict, end: dict, what: str) -> str:
    start = integer(end.get("start"), f"{what}: start")
    stop = integer(end.get("end"), f"{what}: end")
    key = (start, stop, end.get("label") if isinstance(end.get("label"), str) else None)
    found = by_offsets.get((*key, name_of(end.get("annotator")))) or by_offsets.get(key)
    if found is None:
        raise RecordError(f"{what} {key[0]}-{key[1]} {key[2]!r} is not one of the task's spans")
    return found


# -- writing ------------------------------------------------------------------------------


def write(docs: Iterable[ExportDocument], target: Path, unit: Unit, report: ExportReport) -> None:
    with atomic_write(target) as f:
        for item in docs:
            f.write(orjson.dumps(task(item)))
            f.write(b"\n")


def task(item: ExportDocument) -> dict[str, Any]:
    doc = item.document
    by_id = {s.id: s for s in item.spans}
    record: dict[str, Any] = {
        "text": doc.text,
        "meta": doc.meta.as_dict() | {"source_id": doc.source_id},
        "spans": [_span(s) for s in item.spans],
        "relations": [
            {
                "head_span": _span(by_id[r.source], with_text=False),
                "child_span": _span(by_id[r.target], with_text=False),
                "label": r.label,
                "annotator": r.annotator,
            }
            for r in item.relations
        ],
        "answer": "accept",
    }
    people = {s.annotator for s in item.spans} | {r.annotator for r in item.relations}
    if len(people) == 1:
        record["_annotator_id"] = people.pop()
    return record


def _span(s, *, with_text: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {"start": s.start, "end": s.end, "label": s.label}
    if with_text:
        out["text"] = s.text
    out["annotator"] = s.annotator
    if with_text and s.note:
        out["note"] = s.note
    return out
