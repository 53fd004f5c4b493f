"""Label Studio JSON export: an array of tasks, ``Labels`` on a ``Text`` object.

Each task's ``data.text`` is the document; each annotation's ``labels`` results are spans and
its ``relation`` results are relations. Offsets are **code points** (Label Studio counts them
so since LSF#308), end exclusive. Label Studio may collapse white space in its copy of a
region's text (LS#3078), so that copy is compared with white space squeezed.

Import decisions:
- The document is ``data.text``, or the field ``--text-field`` names (the labelling config
  names it: ``$text`` is only the default). Without either, a task whose ``data`` has exactly
  one long text field (or one string field at all) is read from it, and the summary says
  which field was used.
- The annotator is the annotation's ``created_username`` (newer exports) or ``completed_by``
  (an e-mail in old exports; a user number, recorded as ``ls-user-N``, in new ones).
- A cancelled (skipped) annotation is skipped and counted. Predictions are imported only for a
  task with no annotation, under the annotator ``prediction:MODEL_VERSION``; a model's guesses
  never mix with people's work, and the predictions of an annotated task are counted as left.
- A region with several labels becomes one span per label. A region's note is its ``meta.text``
  or a per-region ``textarea`` result; a per-region ``choices`` result is added to its note
  too (``control: choice``), and counted. The region's copy of its text (``value.text``) may
  differ from the text at its offsets in white space (LS#3078) or in how a line break is
  written (``\\n`` for a line break, ``\\r\\n``, as in Label Studio's own e2e fixture): the
  text at the offsets is kept, and the second case is counted. Any other difference refuses
  the task.
- A relation with no label is labelled ``related``; one drawn ``left`` runs from ``to_id`` to
  ``from_id``. A ``bi`` (two-way) relation becomes one relation from ``from_id`` to
  ``to_id``, as drawn, and is counted: a link runs from a quote or claim to its actor, and
  its mirror image would be a second, wrong link.
- ``choices`` for the whole text are document labels of the annotation's annotator; where
  the control is not called ``choices`` (our export's name), that its name is not kept is
  counted. Other result
  types (ratings, free text, ...) are skipped, each counted with its type.
- The ``JSON_MIN`` export (``{"text", "label": [{"start", "end", "labels"}]}``) is read too.

The export writes one annotation per annotator (``completed_by`` numbers them from 1,
``created_username`` names them), ``from_name: "label"`` and ``to_name: "text"``: a labelling
config with ``<Labels name="label" toName="text">`` and ``<Relations>`` shows it. An
annotator's document labels are one ``choices`` result (``from_name: "choices"``; shown by
``<Choices name="choices" toName="text" choice="multiple">``). A relation
between two annotators' spans cannot be expressed (a Label Studio relation joins regions of
one annotation) and is left out with a note.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from annotator.core.errors import InputError
from annotator.core.model import IncomingDocumentLabel, IncomingRelation, IncomingSpan
from annotator.formats.atomic import atomic_write
from annotator.formats.export_types import ExportDocument, ExportReport
from annotator.formats.records import (
    CONVERTED,
    LEFT_OUT,
    Counted,
    Outcome,
    RecordError,
    Rejected,
    TextMap,
    document,
    integer,
    list_of,
    local_id,
    name_of,
    object_of,
    source_id_of,
    split_meta,
    squeeze,
    text_of,
)
from annotator.formats.textfile import BOM, read_utf8
from annotator.formats.units import Unit

UNIT: Unit = "codepoint"
_WS = re.compile(r"\s*")
_USERNAME = re.compile(r"^\s*(.*?)(?:,\s*\d+)?\s*$")  # "alice@example.com, 1"


# -- reading ------------------------------------------------------------------------------


def read(path: Path, unit: Unit = UNIT, text_field: str | None = None) -> Iterator[Outcome]:
    """``text_field``: the ``data`` field that holds the text (``--text-field``)."""
    field = text_field
    for item in tasks(path):
        if isinstance(item, Rejected):
            yield item
            continue
        line, value, raw = item
        try:
            yield from _outcomes(value, path, line, field)
        except RecordError as exc:
            yield Rejected(str(path), line, str(exc), raw)


def tasks(path: Path) -> Iterator[tuple[int, Any, str] | Rejected]:
    """Each element of the top-level array with the line it starts on."""
    try:
        text = read_utf8(path)
    except InputError as exc:
        yield Rejected(exc.path, exc.line, exc.reason)
        return
    if text.startswith(BOM):
        yield Rejected(str(path), 1, "starts with a byte-order mark; save it as UTF-8 without BOM")
        return
    decoder = json.JSONDecoder()
    i = _WS.match(text, 0).end()
    if text[i : i + 1] != "[":
        yield Rejected(str(path), None, "is not a Label Studio JSON export (an array of tasks)")
        return
    line, counted, found = 1, 0, False
    i = _WS.match(text, i + 1).end()
    while i < len(text) and text[i] != "]":
        line += text.count("\n", counted, i)
        counted = i
        try:
            value, end = decoder.raw_decode(text, i)
        except json.JSONDecodeError as exc:
            yield Rejected(str(path), exc.lineno, f"not valid JSON ({exc.msg})")
            return
        except RecursionError:  # the parser recurses once per level of nesting
            yield Rejected(str(path), line, "nested too deeply to be a Label Studio task "
                           "(lists and objects inside one another, thousands of levels)")  # fmt: skip
            return
        found = True
        yield line, value, text[i:end]
        i = _WS.match(text, end).end()
        if text[i : i + 1] == ",":
            i = _WS.match(text, i + 1).end()
        elif text[i : i + 1] != "]":
            line += text.count("\n", counted, i)
            yield Rejected(str(path), line, "expected , or ] between tasks")
            return
    if not found:
        yield Rejected(str(path), None, "is empty: no tasks in it")


def _outcomes(task: Any, path: Path, line: int, field: str | None = None) -> Iterator[Outcome]:
    task = object_of(task, "a task")
    if "data" not in task and "text" in task and field is None:
        yield from _min_task(task, path, line)
        return
    data = object_of(task.get("data"), '"data"')
    key, guessed = _text_key(data, field)
    textmap = TextMap(text_of(data[key], f"data.{key}"))
    source_id = source_id_of(data.get("source_id"), task.get("id"))
    doc_key = textmap.doc_key(source_id)
    notes: list[Counted] = []

    def skip(action: str, what: str, reason: str) -> None:
        notes.append(Counted(str(path), line, action, what, reason))

    if guessed:
        skip(CONVERTED, "task text", f"read from data.{key}, the one long text field "
             "(--text-field chooses)")  # fmt: skip
    annotations = list_of(task, "annotations")
    usable = []
    for j, ann in enumerate(annotations):
        ann = object_of(ann, f"annotations[{j}]")
        if ann.get("was_cancelled"):
            skip(LEFT_OUT, "annotation", "cancelled (skipped) in Label Studio")
        else:
            usable.append((f"annotations[{j}]", ann, _annotator(ann)))
    annotated = bool(usable)
    for j, pred in enumerate(list_of(task, "predictions")):
        pred = object_of(pred, f"predictions[{j}]")
        if annotated:
            skip(LEFT_OUT, "prediction", "the task has annotations, and a model's guesses "
                 "are imported only for a task nobody annotated")  # fmt: skip
            continue
        version = pred.get("model_version")
        who = f"prediction:{version}" if version else "prediction"
        usable.append((f"predictions[{j}]", pred, who))
    spans, relations, categories = [], [], []
    for where, ann, who in usable:
        # Label Studio's annotation ids are unique in its database; the place in the list
        # is the fallback, so that a re-export in another order finds the same spans.
        ident = ann.get("id")
        ann_key = f"{where.split('[')[0]}:{ident}" if ident not in (None, "") else where
        found = _Found(spans, relations, categories, skip)
        _results(ann, where, textmap, doc_key, ann_key, who, found)
    fields = {k: v for k, v in data.items() if k != key}
    doc = document(
        textmap,
        source_id=source_id,
        meta=split_meta(fields),
        origin=f"{path}, line {line}",
        spans=spans,
        relations=relations,
    )
    doc.document_labels = categories
    yield doc
    yield from notes


# The control our export names (from_name) for document labels; another name is not kept.
CHOICES_CONTROL = "choices"
CONTROL_NOT_KEPT = ("document choice", "a choice about the whole text, stored as a document "
                    "label; the name of its control (from_name) is not kept")


@dataclass
class _Found:
    """What the results of one task come to, and the note-taker for what they leave."""

    spans: list[IncomingSpan]
    relations: list[IncomingRelation]
    categories: list[IncomingDocumentLabel]
    skip: Callable[[str, str, str], None]  # (action, what, reason) counted


def _results(ann, where, textmap, doc_key, ann_key, who, found: _Found) -> None:
    results = [object_of(r, f"{where}.result[{k}]") for k, r in enumerate(list_of(ann, "result"))]
    created = ann.get("created_at") if isinstance(ann.get("created_at"), str) else None
    updated = ann.get("updated_at") if isinstance(ann.get("updated_at"), str) else None
    regions: dict[str, list[IncomingSpan]] = {}
    for k, result in enumerate(results):
        if result.get("type") != "labels":
            continue
        what = f"{where}.result[{k}]"
        value = object_of(result.get("value"), f"{what}.value")
        start, end = _region_offsets(textmap, value, what, found.skip)
        labels = value.get("labels")
        if not isinstance(labels, list) or not labels:
            raise RecordError(f"{what}: value.labels must be a non-empty list")
        region = str(result.get("id", f"#{k}"))
        note = _note(result.get("meta"))
        for label in labels:
            if not isinstance(label, str) or not label.strip():
                raise RecordError(f"{what}: a label must be a non-empty string, not {label!r}")
            span = IncomingSpan(
                start,
                end,
                label.strip(),
                id=local_id(doc_key, "ls", ann_key, region, label),
                annotator=who,
                note=note,
                created_at=created,
                updated_at=updated,
            )
            found.spans.append(span)
            regions.setdefault(region, []).append(span)
    for k, result in enumerate(results):
        kind = result.get("type")
        what = f"{where}.result[{k}]"
        value = result.get("value") if isinstance(result.get("value"), dict) else {}
        region = regions.get(str(result.get("id")))
        if kind == "labels":
            continue
        if kind == "relation":
            found.relations += _relations(
                result, what, regions, doc_key, ann_key, who, created, updated, found.skip
            )
        elif kind == "textarea" and region:
            _add_note(region, _note(value))
        elif kind == "choices" and isinstance(value.get("choices"), list):
            choices = [c for c in value["choices"] if isinstance(c, str) and c.strip()]
            control = result.get("from_name") if isinstance(result.get("from_name"), str) else None
            if region:
                prefix = f"{control}: " if control else ""
                _add_note(region, prefix + ", ".join(choices))
                found.skip(CONVERTED, "region choice", "kept in the span's note")
            elif "start" in value:
                found.skip(LEFT_OUT, "region choice",
                           "about a region that has no label (nothing to keep it on)")
            else:
                for choice in choices:
                    found.categories.append(IncomingDocumentLabel(
                        choice.strip(), annotator=who, created_at=created
                    ))  # fmt: skip
                    if control not in (None, CHOICES_CONTROL):
                        found.skip(CONVERTED, *CONTROL_NOT_KEPT)
        else:
            found.skip(LEFT_OUT, "result",
                       f"of type {kind!r} (only labels and relations are imported)")


def _region_offsets(textmap: TextMap, value: dict, what: str, skip) -> tuple[int, int]:
    """A region's offsets, checked against its own copy of its text. Label Studio may write a
    line break in that copy differently (``\\n`` as two characters, ``\\r\\n``): the text at
    the offsets is what is kept, and the difference is counted."""
    claimed = value.get("text")
    start, end = textmap.span(value.get("start"), value.get("end"), what=what)
    if claimed is None:
        return start, end
    raw_start, raw_end = integer(value.get("start"), what), integer(value.get("end"), what)
    actual = textmap.raw[raw_start:raw_end]
    if (
        isinstance(claimed, str)
        and squeeze(claimed) != squeeze(actual)
        and _line_breaks(claimed) == _line_breaks(actual)
    ):
        skip(CONVERTED, "region", "its value.text writes a line break differently (the text "
             "at its offsets is kept)")  # fmt: skip
        return start, end
    textmap.check_text(raw_start, raw_end, claimed, what=what, loose=True)
    return start, end


def _line_breaks(text: str) -> str:
    """``text`` with every way of writing a line break written as one ``\\n``."""
    return squeeze(text.replace("\\r\\n", "\n").replace("\\n", "\n").replace("\\r", "\n"))


def _add_note(spans: list[IncomingSpan], note: str | None) -> None:
    for span in spans:
        span.note = "\n".join(filter(None, [span.note, note])) or None


def _relations(result, what, regions, doc_key, ann_key, who, created, updated, skip) -> list:
    ends = []
    for name in ("from_id", "to_id"):
        region = regions.get(str(result.get(name)))
        if not region:
            raise RecordError(
                f"{what}: {name} {result.get(name)!r} is not a labelled region of this annotation"
            )
        ends.append(region[0].id)
    direction = result.get("direction")
    if direction == "left":
        ends.reverse()
    labels = result.get("labels") or ["related"]
    if not isinstance(labels, list):
        raise RecordError(f"{what}: labels must be a list")
    out = [
        IncomingRelation(
            label,
            ends[0],
            ends[1],
            id=local_id(doc_key, "ls-relation", ann_key, *ends, label),
            annotator=who,
            created_at=created,
            updated_at=updated,
        )
        for label in labels
        if isinstance(label, str) and label.strip()
    ]
    if direction == "bi":
        for _ in out:
            skip(CONVERTED, "two-way (bi) relation", "kept one way, from_id to to_id as drawn")
    return out


def _min_task(task: dict, path: Path, line: int) -> Iterator[Outcome]:
    """JSON_MIN: one flat object per task; region lists under the control's name."""
    textmap = TextMap(text_of(task.get("text"), "text"))
    source_id = source_id_of(task.get("source_id"), task.get("id"))
    doc_key = textmap.doc_key(source_id)
    who = name_of(task.get("annotator"))
    spans, fields = [], {}
    for key, value in task.items():
        if key == "text":
            continue
        if (
            isinstance(value, list)
            and value
            and all(isinstance(v, dict) and "labels" in v for v in value)
        ):
            for k, region in enumerate(value):
                what = f"{key}[{k}]"
                start, end = textmap.span(
                    region.get("start"),
                    region.get("end"),
                    what=what,
                    claimed=region.get("text"),
                    loose=True,
                )
                for label in region["labels"]:
                    if not isinstance(label, str) or not label.strip():
                        raise RecordError(
                            f"{what}: a label must be a non-empty string, not {label!r}"
                        )
                    spans.append(
                        IncomingSpan(
                            start,
                            end,
                            label.strip(),
                            id=local_id(doc_key, "ls-min", who or "", start, end, label),
                            annotator=who,
                        )
                    )
        elif key not in (
            "id",
            "annotator",
            "annotation_id",
            "created_at",
            "updated_at",
            "lead_time",
        ):
            fields[key] = value
    yield document(
        textmap,
        source_id=source_id,
        meta=split_meta(fields),
        origin=f"{path}, line {line}",
        spans=spans,
    )


def _text_key(data: dict, field: str | None) -> tuple[str, bool]:
    """The ``data`` field the text is in, and whether it was guessed (no ``text`` field and
    no ``--text-field``): the one long text, or else the one string field."""
    if field is not None:
        if not isinstance(data.get(field), str):
            found = ", ".join(k for k, v in data.items() if isinstance(v, str)) or "none"
            raise RecordError(f'"data" has no text field {field!r} (its text fields: {found})')
        return field, False
    if "text" in data:
        return "text", False
    strings = [k for k, v in data.items() if isinstance(v, str) and k != "source_id"]
    long = [k for k in strings if _long(data[k])]
    if len(long) == 1:
        return long[0], True
    if len(strings) == 1:
        return strings[0], True
    named = f" ({', '.join(strings)})" if strings else ""
    raise RecordError(
        f'"data" has no "text" field and no single text field to use{named}; '
        "name it with --text-field"
    )


def _long(value: str) -> bool:
    """A text rather than a name, a number or a link: several words."""
    return len(value.split()) >= _LONG_WORDS


_LONG_WORDS = 8


def _annotator(ann: dict) -> str | None:
    name = ann.get("created_username")
    if isinstance(name, str) and _USERNAME.match(name).group(1):
        return _USERNAME.match(name).group(1)
    person = ann.get("completed_by")
    if isinstance(person, dict):
        for key in ("email", "username", "first_name", "id"):
            if person.get(key) not in (None, ""):
                return str(person[key])
    if isinstance(person, int | str) and not isinstance(person, bool) and str(person):
        return f"ls-user-{person}"
    return None


def _note(value: Any) -> str | None:
    if not isinstance(value, dict):
        return None
    text = value.get("text")
    if isinstance(text, str):
        return text or None
    if isinstance(text, list):
        return "\n".join(t for t in text if isinstance(t, str)) or None
    return None


# -- writing ------------------------------------------------------------------------------


def write(docs: Iterable[ExportDocument], target: Path, unit: Unit, report: ExportReport) -> None:
    users: dict[str, int] = {}
    # relations joining two annotators' spans; relations by a third person; notes of the
    # relations written (a Label Studio relation result has no meta)
    dropped = [0, 0, 0]
    with atomic_write(target) as f:
        f.write(b"[")
        for number, item in enumerate(docs, start=1):
            record, left = _task(item, number, users)
            dropped = [a + b for a, b in zip(dropped, left, strict=True)]
            f.write(b"\n" if number == 1 else b",\n")
            f.write(orjson.dumps(record))
        f.write(b"\n]\n")
    report.relations -= dropped[0] + dropped[1]
    if dropped[0]:
        report.notes.append(
            f"{dropped[0]} relation(s) left out: they join two annotators' spans, which a "
            "Label Studio relation cannot"
        )
    if dropped[1]:
        # Written into the spans' annotation it would come back as their annotator's link;
        # copies of the regions in its own annotation would come back as spans of its own.
        report.notes.append(
            f"{dropped[1]} relation(s) left out: made by another annotator than the spans "
            "they join, and a Label Studio relation belongs to its regions' annotation"
        )
    if dropped[2]:
        report.notes.append(
            f"{dropped[2]} relation note(s) left out: a Label Studio relation has none (span "
            "notes are kept, as the region's meta)"
        )


def _task(
    item: ExportDocument, number: int, users: dict[str, int]
) -> tuple[dict, tuple[int, int, int]]:
    doc = item.document
    owner = {s.id: s.annotator for s in item.spans}
    results: dict[str, list[dict]] = {}
    times: dict[str, list[str]] = {}
    for s in item.spans:
        results.setdefault(s.annotator, []).append(_region(s))
        times.setdefault(s.annotator, []).extend((s.created_at, s.updated_at))
    apart = other = notes = 0
    for r in item.relations:
        if owner[r.source] != owner[r.target]:
            apart += 1
            continue
        if owner[r.source] != r.annotator:
            other += 1
            continue
        notes += bool(r.note)
        results[r.annotator].append(
            {
                "from_id": r.source,
                "to_id": r.target,
                "type": "relation",
                "direction": "right",
                "labels": [r.label],
            }
        )
    for who, labels in _document_choices(item).items():
        results.setdefault(who, []).append(
            {"id": f"choices-{number}-{who}", "from_name": CHOICES_CONTROL, "to_name": "text",
             "type": "choices", "origin": "manual", "value": {"choices": labels}}
        )  # fmt: skip
        times.setdefault(who, []).extend(d.created_at for d in item.document_labels
                                         if d.annotator == who)  # fmt: skip
    annotations = []
    for who, result in results.items():
        users.setdefault(who, len(users) + 1)
        annotations.append(
            {
                "id": number * 1000 + users[who],
                "completed_by": users[who],
                "created_username": who,
                "result": result,
                "was_cancelled": False,
                "ground_truth": False,
                "created_at": min(times[who]),
                "updated_at": max(times[who]),
            }
        )
    data = {"text": doc.text}
    for key, value in (doc.meta.as_dict() | {"source_id": doc.source_id}).items():
        data.setdefault(key, value)
    task = {"id": number, "data": data, "annotations": annotations, "predictions": []}
    return task, (apart, other, notes)


def _document_choices(item: ExportDocument) -> dict[str, list[str]]:
    """Each annotator's document labels, for one ``choices`` result each."""
    out: dict[str, list[str]] = {}
    for d in item.document_labels:
        out.setdefault(d.annotator, []).append(d.label)
    return out


def _region(s) -> dict[str, Any]:
    region: dict[str, Any] = {
        "id": s.id,
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "origin": "manual",
        "value": {"start": s.start, "end": s.end, "text": s.text, "labels": [s.label]},
    }
    if s.note:
        region["meta"] = {"text": [s.note]}
    return region
