"""Suggestions as the store keeps them (core/suggestions.py is what a suggester returns),
and the record of one accept or reject: what it made, removed and remembered, so that undo
and redo replay it exactly (store/suggestions.py applies it, gui/annotate/suggestion_commands.py
puts it on the undo stack)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from annotator.core.model import Relation, Span

SPAN, RELATION = "span", "relation"
EXISTING = "span:"  # a link end that is a span already in the article: "span:" + its id


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One pending suggestion. A span's ``start``/``end``/``text``; a link's ``source`` and
    ``target``: the id of a span suggestion, or ``"span:" + id`` of a span in the article."""

    id: str
    document: str
    kind: str  # SPAN or RELATION
    suggester: str
    label: str
    start: int | None
    end: int | None
    source: str | None
    target: str | None
    score: float
    reason: str
    created_at: str
    text: str = ""

    @property
    def is_span(self) -> bool:
        return self.kind == SPAN

    def row(self) -> tuple:
        """The stored columns, in the table's order (SUGGESTION_COLUMNS)."""
        return (self.id, self.document, self.kind, self.suggester, self.label, self.start,
                self.end, self.source, self.target, self.score, self.reason, self.created_at)  # fmt: skip


class Around(Protocol):
    """What a window holding an article's pending suggestions tells a decision, so that it
    reads only what it changes (store/suggestion_pending.py)."""

    def links_at(self, ids: set[str]) -> Iterable[str] | None:
        """The ids of the pending links it shows with an end at one of ``ids``; None when
        one of ``ids`` is not a suggestion it shows (the store then looks for itself)."""

    def text(self, start: int, end: int) -> str:
        """The article's text from ``start`` to ``end`` (what a span made there holds)."""


SUGGESTION_COLUMNS = (
    "id, document, kind, suggester, label, start, end, source, target, score, reason, created_at"
)


@dataclass(frozen=True, slots=True)
class Provenance:
    """The suggester an accepted span or relation came from."""

    item: str
    kind: str
    suggester: str
    score: float
    reason: str
    accepted_at: str

    def describe(self) -> str:
        why = f": {self.reason}" if self.reason else ""
        return f"suggested by {self.suggester} (score {self.score:.2f}){why}"


@dataclass
class SuggestionChange:
    """One accept or reject (or accept-all): applied forward it makes ``spans`` and
    ``relations`` (with their ``provenance``), removes the ``removed`` suggestions, points
    the pending links in ``retargeted`` (id, old source, old target, new source, new target)
    at the spans made, and remembers ``rejections`` ((kind, content) pairs new to the
    article); applied backward it undoes exactly that."""

    document: str
    what: str = ""
    spans: list[Span] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    provenance: list[Provenance] = field(default_factory=list)
    removed: list[Suggestion] = field(default_factory=list)
    retargeted: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    rejections: list[tuple[str, str]] = field(default_factory=list)
    reused: dict[str, str] = field(default_factory=dict)  # suggestion -> span there already

    @property
    def empty(self) -> bool:
        return not (self.removed or self.spans or self.relations)


@dataclass
class ReplaceResult:
    """What :meth:`Store.replace_suggestions` did for one article."""

    added_spans: int = 0
    added_links: int = 0
    replaced: int = 0  # pending suggestions of the suggester removed first
    rejected_before: int = 0  # left out: rejected in this article before
    dropped_links: int = 0  # left out: an end rejected before or not there

    def describe(self) -> str:
        parts = [f"{self.added_spans} span suggestion(s)", f"{self.added_links} link suggestion(s)"]
        if self.rejected_before:
            parts.append(f"{self.rejected_before} left out (rejected before in the article)")
        if self.dropped_links:
            parts.append(f"{self.dropped_links} link(s) left out (an end rejected or missing)")
        return ", ".join(parts)


def span_content(start: int, end: int, label: str) -> str:
    """A span suggestion as rejections remember it: its place and label."""
    return f"{start}:{end}:{label}"


def link_content(label: str, source: str, target: str) -> str:
    """A link suggestion as rejections remember it: its type and its two ends' contents."""
    return f"{label}|{source}|{target}"
