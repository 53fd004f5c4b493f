"""The domain objects: documents, labels, spans and relations.

Offsets are Unicode code points into ``Document.text``, end exclusive, so that
``doc.text[span.start:span.end] == span.text`` always holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

LabelKind = Literal["span", "relation", "document"]
# A document label (stance, genre, "no claims") is about the whole article: it is set or not,
# per annotator and article, and has no offsets.
LABEL_KINDS: tuple[str, ...] = ("span", "relation", "document")


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
class DocumentLabel:
    """One annotator's document label on one article (a row of ``document_labels``)."""

    document: str
    label: str
    annotator: str
    created_at: str


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
class IncomingDocumentLabel:
    """A document label read from a file (doccano ``cats``, a Prodigy ``accept``, a Label
    Studio choice about the whole text); no annotator: the import's ``--annotator``."""

    label: str
    annotator: str | None = None
    created_at: str | None = None


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
    document_labels: list[IncomingDocumentLabel] = field(default_factory=list)


# What an import did to an item that it did not store as it came (Counted.action).
KEPT_ONCE = "kept once"  # a repeat of an item met before: the one stored stands for both
LEFT_OUT = "left out"  # not stored, for the reason given
CONVERTED = "converted"  # stored, but changed into what the model has (a number named, ...)
ACTIONS = (KEPT_ONCE, CONVERTED, LEFT_OUT)


@dataclass(frozen=True, slots=True)
class Counted:
    """``count`` items of one kind (``what``: "span", "relation", "record", "label",
    "field", ...) that an import did not store as they came, for one ``reason``; ``path``
    and ``line`` point at the first of them. Readers yield these beside the documents (and
    the store makes some): the import summary adds up each (action, what, reason) and shows
    every one, so that nothing is changed without a word."""

    path: str
    line: int | None
    action: str  # KEPT_ONCE, CONVERTED or LEFT_OUT
    what: str  # singular: "span", "duplicate span", "relation", "label", ...
    reason: str
    count: int = 1

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise ValueError(f"Counted.action must be one of {ACTIONS}, not {self.action!r}")

    @property
    def where(self) -> str:
        return self.path if self.line is None else f"{self.path}, line {self.line}"


_ORIGIN = re.compile(r"^(.*), line (\d+)$")


def locate(origin: str) -> tuple[str, int | None]:
    """Split a document's origin ("FILE, line N" or "FILE") into file and line."""
    match = _ORIGIN.match(origin)
    return (match.group(1), int(match.group(2))) if match else (origin, None)


def counted_at(origin: str, action: str, what: str, reason: str, count: int = 1) -> Counted:
    """A :class:`Counted` for the record that ``origin`` names."""
    return Counted(*locate(origin), action, what, reason, count)


def tally(counted: Iterable[Counted]) -> list[str]:
    """One phrase per (action, what, reason), with the total and where the first one is:
    "2 duplicate span(s) kept once: ... (first: a.jsonl, line 3)". Kept-once items come
    first, then converted, then left out; within each, in the order first met."""
    totals: dict[tuple[str, str, str], list] = {}
    for c in counted:
        if c.count <= 0:
            continue
        entry = totals.setdefault((c.action, c.what, c.reason), [0, c])
        entry[0] += c.count
    order = sorted(totals.items(), key=lambda item: ACTIONS.index(item[0][0]))  # stable
    return [
        f"{n} {what}(s) {action}: {reason} (first: {first.where})"
        for (action, what, reason), (n, first) in order
    ]


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
