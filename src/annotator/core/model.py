"""The domain objects: documents, labels, spans and relations.

Offsets are Unicode code points into ``Document.text``, end exclusive, so that
``doc.text[span.start:span.end] == span.text`` always holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

LabelKind = Literal["span", "relation"]


@dataclass(frozen=True, slots=True)
class Label:
    name: str
    kind: LabelKind
    color: str
    key: str | None = None
    position: int = 0
    description: str = ""


@dataclass(frozen=True, slots=True)
class Span:
    id: str
    document: str
    start: int
    end: int
    label: str
    text: str
    annotator: str
    created_at: str
    updated_at: str
    note: str | None = None

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class Relation:
    id: str
    document: str
    label: str
    source: str
    target: str
    annotator: str
    created_at: str
    updated_at: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class DocumentMeta:
    title: str = ""
    source: str = ""
    author: str = ""
    published: str = ""
    url: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            k: v
            for k, v in (
                ("title", self.title),
                ("source", self.source),
                ("author", self.author),
                ("published", self.published),
                ("url", self.url),
            )
            if v
        }
        out.update(self.extra)
        return out


@dataclass(frozen=True, slots=True)
class Document:
    id: str
    text: str
    text_sha256: str
    source_id: str
    meta: DocumentMeta
    created_at: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    id: str
    title: str
    source: str
    published: str
    span_count: int
    status: str = "todo"
    note: str | None = None


@dataclass(slots=True)
class IncomingSpan:
    """A span read from a file, before it has an owner document in the store."""

    start: int
    end: int
    label: str
    id: str | None = None
    annotator: str | None = None
    note: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    line: int | None = None


@dataclass(slots=True)
class IncomingRelation:
    label: str
    source: str
    target: str
    id: str | None = None
    annotator: str | None = None
    note: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


@dataclass(slots=True)
class IncomingDocument:
    """An article read from a file, with the annotations it brings."""

    text: str
    source_id: str
    meta: DocumentMeta
    origin: str  # "file" or "file, line N": where to point the user when it is wrong
    id: str | None = None
    spans: list[IncomingSpan] = field(default_factory=list)
    relations: list[IncomingRelation] = field(default_factory=list)
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """A reviewer's verdict on one annotator's span or relation (the original, never changed).

    ``gold`` is the id of the gold span or relation it produced (None when rejected).
    """

    item: str
    kind: LabelKind  # "span" or "relation"
    document: str
    verdict: Literal["accepted", "rejected", "edited"]  # core.vocabulary.VERDICTS
    gold: str | None
    reviewer: str
    decided_at: str
