"""Rules for making a span out of a selection. Pure: the caller stores the result."""

from __future__ import annotations

from annotator.core.errors import AnnotatorError
from annotator.core.ids import new_id, utc_now
from annotator.core.model import Document, Span
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
