"""Rules for making a span out of a selection. Pure: the caller stores the result."""

from __future__ import annotations

from annotator.core.errors import AnnotatorError
from annotator.core.ids import new_id, utc_now
from annotator.core.model import Document, Relation, Span
from annotator.core.offsets import trim_whitespace


class EditRefused(AnnotatorError):
    """An edit that the rules do not allow; the message says why."""


def make_span(
    doc: Document,
    start: int,
    end: int,
    label: str,
    annotator: str,
    *,
    known_labels: set[str],
    existing: list[Span],
) -> Span:
    """A new span over ``[start, end)`` of ``doc``, with surrounding white space trimmed."""
    if label not in known_labels:
        raise EditRefused(f"There is no label {label!r} in this database's scheme.")
    if not 0 <= start <= end <= len(doc.text):
        raise EditRefused(f"The selection {start}-{end} lies outside the article.")
    start, end = trim_whitespace(doc.text, start, end)
    if start == end:
        raise EditRefused("Select some text first, then press a label key.")
    for span in existing:
        if span.start == start and span.end == end and span.label == label:
            raise EditRefused(f"That text is already marked as {label}.")
    now = utc_now()
    return Span(new_id(), doc.id, start, end, label, doc.text[start:end], annotator, now, now)


# Which relation a new link from a span of this label most likely is.
_DEFAULT_RELATION = {"quote": "said_by", "claim": "claimed_by"}


def make_relation(
    source: Span,
    target: Span,
    annotator: str,
    *,
    relation_labels: list[str],
    existing: list[Relation],
    label: str | None = None,
) -> Relation:
    """A link from ``source`` (a quote or claim) to ``target`` (its actor)."""
    if not relation_labels:
        raise EditRefused("This scheme has no relation types; add one in the label scheme.")
    if source.id == target.id:
        raise EditRefused("A span cannot be linked to itself.")
    if label is None:
        preferred = _DEFAULT_RELATION.get(source.label)
        label = preferred if preferred in relation_labels else relation_labels[0]
    if label not in relation_labels:
        raise EditRefused(f"There is no relation type {label!r} in this scheme.")
    for rel in existing:
        if (rel.source, rel.target, rel.label) == (source.id, target.id, label):
            raise EditRefused(f"These spans are already linked ({label}).")
    now = utc_now()
    return Relation(new_id(), source.document, label, source.id, target.id, annotator, now, now)


def link_candidates(source: Span, spans: list[Span]) -> list[Span]:
    """Spans a link from ``source`` may point to: actors first, nearest first."""
    others = [s for s in spans if s.id != source.id]
    return sorted(others, key=lambda s: (s.label != "actor", abs(s.start - source.start)))


def move_edge(doc: Document, span: Span, *, edge: str, to: int) -> tuple[int, int]:
    """New offsets of ``span`` with one edge moved; refuses an empty or outside span."""
    start, end = (to, span.end) if edge == "start" else (span.start, to)
    start, end = trim_whitespace(doc.text, max(0, start), min(len(doc.text), end))
    if start >= end:
        raise EditRefused("A span cannot become empty; delete it instead.")
    return start, end


def span_to_select(covering: list[Span], selected: str | None) -> str | None:
    """What a click selects: the innermost span under the pointer, or, when a span there
    is already selected, the next one around it (so nested spans can each be reached)."""
    ids = [s.id for s in covering]
    if not ids:
        return None
    if selected in ids:
        return ids[(ids.index(selected) + 1) % len(ids)]
    return ids[0]
