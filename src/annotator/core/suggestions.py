"""Suggestions: spans and links proposed by a suggester (rules shipped with the app, or any
model's output imported with ``--as-suggestions``), kept apart from the annotators' data until
an annotator accepts one (DESIGN.md, "Layers the next round adds").

What a suggester returns for one article; the store keeps them per article with their
suggester, and remembers which were accepted or rejected."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class SuggestedSpan:
    """A span proposed at ``start``..``end`` (Python str offsets into the article's text,
    end exclusive) with ``label``; ``key`` names it within one run of a suggester, so that
    links of the same run can point at it."""

    key: str
    start: int
    end: int
    label: str
    score: float  # 0..1, higher is surer
    reason: str  # words for the annotator: "opening quote mark at 912, verb 'said', ..."


@dataclass(frozen=True, slots=True)
class SuggestedLink:
    """A link proposed from ``source`` to ``target``, each either the ``key`` of a
    SuggestedSpan of the same run or ``"span:" + id`` of a span already in the article."""

    label: str
    source: str
    target: str
    score: float
    reason: str


@dataclass(slots=True)
class Suggestions:
    """One suggester's proposals for one article."""

    suggester: str
    spans: list[SuggestedSpan] = field(default_factory=list)
    links: list[SuggestedLink] = field(default_factory=list)
