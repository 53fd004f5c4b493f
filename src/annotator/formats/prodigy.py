"""Prodigy / spaCy-style JSONL (``ner_manual``, ``rel.manual``, choice and ``textcat`` tasks,
``prodigy db-out``).

::

    {"text": "...", "tokens": [{"text": "Lavrov", "start": 0, "end": 6, "id": 0, "ws": true}],
     "spans": [{"start": 0, "end": 6, "token_start": 0, "token_end": 0, "label": "actor"}],
     "relations": [{"head": 9, "child": 0, "head_span": {...}, "child_span": {...},
                    "label": "said_by"}],
     "answer": "accept", "_annotator_id": "news-alice", "meta": {...}}

Offsets are **code points** (Python ``str`` indices, what spaCy's ``Doc.char_span`` takes),
end exclusive.

Reading: ``tokens`` and the spans' token indices are not stored (Annotator keeps character
offsets). A task answered ``reject`` or ``ignore`` is skipped, and so is one whose text is
empty or white space only; each is counted. A relation is found by its ``head_span`` and
``child_span``; one given by token indices only (``head``/``child``, the index of each
span's last token, as spaCy's relation tooling reads them) is found through the spans'
``token_end``, and skipped with a reason when no single span ends there. Task-level answers
are kept where Annotator has room for them, and counted: the accepted option of a task
about one span (entity linking: ``"accept": ["Q42"]``, candidates shown as ``html``) goes
into that span's note; the options accepted for a whole text (``choice``: options with
``text``, or a task without spans) and a text-classification ``label`` (``textcat.teach``,
answered accept) are document labels of the task's annotator.

Writing: one task per document and annotator, as Prodigy stores several annotators' work
(``_annotator_id`` names the annotator; a document nobody annotated is one task with no
spans). Each task carries ``tokens`` (formats/tokens.py: spaCy's English rules, cut at every
span boundary), spans with ``token_start``/``token_end`` (inclusive) and relations in
Prodigy's relation format: ``head``/``child`` are the last tokens of the two spans, with
``head_span``/``child_span`` beside them. A relation whose span belongs to another annotator
takes that span into its task too (with the span's own ``annotator``). An annotator's
document labels are the task's ``accept``; its ``options`` (``id``, ``text``, as
``textcat.manual`` writes a choice) are the labels anyone set on the document.
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
    LEFT_OUT,
    Counted,
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
from annotator.formats.tokens import tokenize
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
    text = record.get("text")
    if isinstance(text, str) and not text.strip():
        yield Skipped(str(path), line, "a task whose text is empty or white space only")
        return
    textmap = TextMap(text_of(text, "text"))
    meta = record.get("meta") or {}
    if not isinstance(meta, dict):
        raise RecordError('"meta" must be an object')
    source_id = source_id_of(meta.get("source_id"), record.get("_input_hash"))
    doc_key = textmap.doc_key(source_id)
    who = name_of(record.get("_annotator_id")) or name_of(record.get("_session_id"))
    notes: list[Counted] = []

    def note(action: str, what: str, reason: str) -> None:
        notes.append(Counted(str(path), line, action, what, reason))

    spans, by_offsets, by_token_end = [], {}, {}
    for i, item in enumerate(list_of(record, "spans")):
        what = f"spans[{i}]"
        item = object_of(item, what)
        start, end = textmap.span(
            item.get("start"), item.get("end"), what=what, claimed=item.get("text")
        )
        label = _label(item.get("label"), what)
        annotator = name_of(item.get("annotator")) or who
        span_id = local_id(doc_key, "prodigy", annotator or "", start, end, label)
        span_note = item.get("note") if isinstance(item.get("note"), str) else None
        spans.append(
            IncomingSpan(
                start, end, label, id=span_id, annotator=annotator, note=span_note, line=line
            )
        )
        key = (item.get("start"), item.get("end"), label)
        by_offsets.setdefault(key, span_id)
        by_offsets.setdefault((*key, annotator), span_id)
        token_end = item.get("token_end")
        if isinstance(token_end, int) and not isinstance(token_end, bool):
            by_token_end.setdefault(token_end, set()).add(span_id)

    relations = []
    for i, item in enumerate(list_of(record, "relations")):
        what = f"relations[{i}]"
        item = object_of(item, what)
        ends = _relation_ends(item, what, by_offsets, by_token_end)
        if ends is None:
            note(LEFT_OUT, *TOKENS_ONLY)
            continue
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
    doc = document(
        textmap,
        source_id=source_id,
        meta=split_meta(meta),
        origin=f"{path}, line {line}",
        spans=spans,
        relations=relations,
    )
    doc.document_labels = _task_answers(record, who, spans, note)
    yield doc
    yield from notes


def _relation_ends(item: dict, what: str, by_offsets: dict, by_token_end: dict):
    """The span ids a relation joins, by ``head_span``/``child_span`` or else by the token
    indices ``head``/``child`` (each the last token of its span); None when those name no
    single span."""
    head, child = item.get("head_span"), item.get("child_span")
    if isinstance(head, dict) and isinstance(child, dict):
        return [
            _find(by_offsets, end, f"{what}: {name}")
            for name, end in (("head_span", head), ("child_span", child))
        ]
    ends = []
    for name in ("head", "child"):
        index = item.get(name)
        if index is None:
            raise RecordError(f"{what}: needs head_span and child_span, or head and child")
        found = by_token_end.get(integer(index, f"{what}: {name}"), set())
        if len(found) != 1:
            return None
        ends.append(next(iter(found)))
    return ends


def _task_answers(record: dict, who: str | None, spans: list, note) -> list:
    """The answers given to the task as a whole (see the module's docstring): the document
    labels of the task's annotator, or the note of its one span (entity linking)."""
    accepted = record.get("accept")
    chosen = (
        [str(a) for a in accepted if isinstance(a, str | int) and str(a)]
        if isinstance(accepted, list)
        else []
    )
    if chosen and len(spans) == 1 and not _choice_options(record):
        span = spans[0]
        span.note = "\n".join(filter(None, [span.note, f"accept: {', '.join(chosen)}"]))
        note(CONVERTED, "task-level answer", "an accept about the task's one span, kept in the "
             "span's note")  # fmt: skip
        chosen = []
    label = record.get("label")
    if isinstance(label, str) and label.strip() and not record.get("spans"):
        chosen.append(label.strip())
    return [IncomingDocumentLabel(name.strip(), annotator=who) for name in chosen if name.strip()]


def _choice_options(record: dict) -> bool:
    """Whether a task's options are a choice about its whole text (``textcat.manual``:
    ``{"id", "text"}``), not candidates for its one span (entity linking shows each
    candidate as ``html``)."""
    options = record.get("options")
    return (
        isinstance(options, list)
        and bool(options)
        and all(isinstance(o, dict) and "html" not in o for o in options)
    )


# (what, why) as the import summary counts them
TOKENS_ONLY = ("relation", "given by token indices only (no head_span/child_span), and no "
               "single span of the task ends on the token its head or child names")


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
            for record in tasks(item):
                f.write(orjson.dumps(record))
                f.write(b"\n")


def tasks(item: ExportDocument) -> list[dict[str, Any]]:
    """One task per annotator of the document (one with no spans if nobody annotated it)."""
    people = list(dict.fromkeys([s.annotator for s in item.spans] +
                                [r.annotator for r in item.relations] +
                                [d.annotator for d in item.document_labels]))  # fmt: skip
    if not people:
        return [_task(item, None, [], [])]
    out = []
    for who in people:
        relations = [r for r in item.relations if r.annotator == who]
        wanted = {s.id for s in item.spans if s.annotator == who}
        wanted |= {end for r in relations for end in (r.source, r.target)}
        spans = [s for s in item.spans if s.id in wanted]  # in the document's order
        out.append(_task(item, who, spans, relations))
    return out


def _task(item: ExportDocument, who: str | None, spans: list, relations: list) -> dict:
    doc = item.document
    tokens = tokenize(doc.text, [s.start for s in spans], [s.end for s in spans])
    first = {t.start: i for i, t in enumerate(tokens)}
    last = {t.end: i for i, t in enumerate(tokens)}
    written = {s.id: _span(s, first[s.start], last[s.end]) for s in spans}
    record: dict[str, Any] = {
        "text": doc.text,
        "meta": doc.meta.as_dict() | {"source_id": doc.source_id},
        "tokens": [
            {"text": doc.text[t.start : t.end], "start": t.start, "end": t.end, "id": i, "ws": t.ws}
            for i, t in enumerate(tokens)
        ],  # fmt: skip
        "spans": list(written.values()),
        "relations": [_relation(r, written) for r in relations],
        "answer": "accept",
    }
    if item.document_labels:  # the same choice on every task, each with its own answer
        options = dict.fromkeys(d.label for d in item.document_labels)
        record["options"] = [{"id": name, "text": name} for name in options]
        record["accept"] = [d.label for d in item.document_labels if d.annotator == who]
    if who is not None:
        record["_annotator_id"] = who
    return record


def _span(s, token_start: int, token_end: int) -> dict[str, Any]:
    out: dict[str, Any] = {
        "start": s.start,
        "end": s.end,
        "text": s.text,
        "token_start": token_start,
        "token_end": token_end,
        "label": s.label,
        "annotator": s.annotator,
    }
    if s.note:
        out["note"] = s.note
    return out


def _relation(r, written: dict[str, dict]) -> dict[str, Any]:
    head, child = written[r.source], written[r.target]
    keys = ("start", "end", "token_start", "token_end", "label", "annotator")
    return {
        "head": head["token_end"],
        "child": child["token_end"],
        "head_span": {k: head[k] for k in keys},
        "child_span": {k: child[k] for k in keys},
        "label": r.label,
        "annotator": r.annotator,
    }
