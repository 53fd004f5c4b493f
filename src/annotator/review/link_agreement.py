"""Inter-annotator agreement on links (issue 16, point 7; no Qt, no SQL).

Definitions (the README's "## Review" repeats them):

- **Documents compared**: those where at least one annotator has a link. **Annotators**:
  everyone with a span there (gold left out), as for spans: an annotator with spans and no
  link said "no link" everywhere.
- **Span matching**: the span agreement's, once per mode: *exact* (same document, start,
  end and label; one-to-one, identical spans paired in the order of their ids) and
  *overlap* (same document and label, sharing a character; the one-to-one greedy matching
  of :func:`annotator.review.agreement.overlap_pairs`). It matches all of the two
  annotators' spans of a document, whatever links they are in.
- **Link match**: a link of A matches one of B when they have the same type and A's source
  and target spans are matched to B's source and target spans (so the direction counts).
  Matching is one-to-one (two identical links of A match two of B at most).
- For a pair (A, B), A first in alphabetical order: **precision** = matches / |A's links|
  (the share of A's links that B has too), **recall** = matches / |B's links|,
  **F1** = 2 * matches / (|A| + |B|) (symmetric). None where undefined (no links).
- **Cohen's kappa** follows the span agreement's convention (every unit coded by both,
  "O" where nothing is marked): the units are the ordered pairs of two different spans of
  A, in one document, that both have a match in B's spans; each annotator's code for a unit
  is the type of their link from its first span to its second (for B: between the matched
  spans), "O" when there is none (several types: all of them, joined). Links with an end
  that has no match are no unit (they count in precision and recall only). Per link type
  the codes are that type or "O". None when undefined (one code throughout).
- **Per link type** T: only the links of type T count (the spans matched are the same).
- **All annotators**: precision, recall and F1 are the mean over the pairs where they are
  defined; kappa is for pairs only (given for all when there are two annotators).
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from annotator.core.annotators import GOLD
from annotator.review.agreement import OUTSIDE, kappa_of_counts, overlap_pairs

MATCHINGS = ("exact", "overlap")


class IdSpanLike(Protocol):
    id: str
    document: str
    start: int
    end: int
    label: str
    annotator: str


class LinkLike(Protocol):
    document: str
    label: str
    source: str
    target: str
    annotator: str


def span_matching(a: Sequence[IdSpanLike], b: Sequence[IdSpanLike], how: str) -> dict[str, str]:
    """The one-to-one matching of ``a``'s spans to ``b``'s: A's span id -> B's span id."""
    if how == "overlap":
        return {a[i].id: b[j].id for i, j in overlap_pairs(a, b)}
    if how != "exact":
        raise ValueError(f"unknown span matching {how!r}")
    theirs: dict[tuple, list[str]] = {}
    for y in sorted(b, key=lambda s: s.id):
        theirs.setdefault((y.document, y.start, y.end, y.label), []).append(y.id)
    out = {}
    for x in sorted(a, key=lambda s: s.id):
        free = theirs.get((x.document, x.start, x.end, x.label))
        if free:
            out[x.id] = free.pop(0)
    return out


def link_matches(
    a: Iterable[LinkLike], b: Iterable[LinkLike], matching: Mapping[str, str]
) -> int:
    """How many of ``a``'s links match one of ``b``'s (one-to-one), through ``matching``."""
    mine = Counter(
        (x.label, matching[x.source], matching[x.target])
        for x in a
        if x.source in matching and x.target in matching
    )
    return sum((mine & Counter((y.label, y.source, y.target) for y in b)).values())


def link_kappa(
    a: Iterable[LinkLike],
    b: Iterable[LinkLike],
    matching: Mapping[str, str],
    spans_a: Iterable[IdSpanLike],
) -> float | None:
    """Cohen's kappa on the units of the module's docstring: ordered pairs of ``spans_a``
    (different, same document) that both have a match."""
    matched_per_doc = Counter(s.document for s in spans_a if s.id in matching)
    units = sum(k * (k - 1) for k in matched_per_doc.values())
    back = {theirs: mine for mine, theirs in matching.items()}
    said_a: dict[tuple[str, str], set[str]] = {}
    for x in a:
        if x.source in matching and x.target in matching and x.source != x.target:
            said_a.setdefault((x.source, x.target), set()).add(x.label)
    said_b: dict[tuple[str, str], set[str]] = {}
    for y in b:
        if y.source in back and y.target in back and y.source != y.target:
            said_b.setdefault((back[y.source], back[y.target]), set()).add(y.label)
    counts: Counter[tuple[str, str]] = Counter()
    for unit in said_a.keys() | said_b.keys():
        counts[_code(said_a.get(unit)), _code(said_b.get(unit))] += 1
    counts[OUTSIDE, OUTSIDE] += units - sum(counts.values())
    return kappa_of_counts(counts)


def _code(types: set[str] | None) -> str:
    return "+".join(sorted(types)) if types else OUTSIDE


@dataclass(frozen=True)
class LinkFigures:
    """Link agreement of a pair (or of all annotators) in one scope, under one matching."""

    annotators: tuple[str, ...]
    links: tuple[int, ...]
    matched: int | None  # pairs only
    precision: float | None
    recall: float | None
    f1: float | None
    kappa: float | None

    def as_dict(self) -> dict:
        return {
            "annotators": list(self.annotators),
            "links": dict(zip(self.annotators, self.links, strict=True)),
            "matched": self.matched,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "kappa": self.kappa,
        }


@dataclass(frozen=True)
class LinkScope:
    """All link types (``key`` None) or one, under one span matching."""

    matching: str
    key: str | None
    pairs: list[LinkFigures]
    overall: LinkFigures

    def as_dict(self) -> dict:
        return {
            "matching": self.matching,
            "link_type": self.key,
            "pairs": [p.as_dict() for p in self.pairs],
            "all": self.overall.as_dict(),
        }


@dataclass
class LinkReport:
    annotators: list[str]
    documents: list[str]
    scopes: list[LinkScope] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "annotators": self.annotators,
            "documents": len(self.documents),
            "scopes": [s.as_dict() for s in self.scopes],
        }


def link_agreement(
    spans: Iterable[IdSpanLike], links: Iterable[LinkLike]
) -> LinkReport | None:
    """Link agreement among everyone with a span in the documents where someone has a
    link (gold left out); None when fewer than two annotators have a link."""
    links = [x for x in links if x.annotator != GOLD]
    documents = list(dict.fromkeys(x.document for x in links))
    compared = set(documents)
    spans = [s for s in spans if s.annotator != GOLD and s.document in compared]
    if len({x.annotator for x in links}) < 2:
        return None
    names = sorted({s.annotator for s in spans} | {x.annotator for x in links})
    own_spans: dict[str, list[IdSpanLike]] = {n: [] for n in names}
    own_links: dict[str, list[LinkLike]] = {n: [] for n in names}
    for s in spans:
        own_spans[s.annotator].append(s)
    for x in links:
        own_links[x.annotator].append(x)
    types = sorted({x.label for x in links})
    report = LinkReport(names, documents)
    for how in MATCHINGS:
        matchings = {
            (a, b): span_matching(own_spans[a], own_spans[b], how)
            for a, b in itertools.combinations(names, 2)
        }
        for key in (None, *types):
            report.scopes.append(_scope(how, key, names, own_spans, own_links, matchings))
    return report


def _scope(
    how: str,
    key: str | None,
    names: list[str],
    own_spans: Mapping[str, list[IdSpanLike]],
    own_links: Mapping[str, list[LinkLike]],
    matchings: Mapping[tuple[str, str], dict[str, str]],
) -> LinkScope:
    def kept(name: str) -> list[LinkLike]:
        return [x for x in own_links[name] if key is None or x.label == key]

    pairs = []
    for (a, b), matching in matchings.items():
        la, lb = kept(a), kept(b)
        m = link_matches(la, lb, matching)
        pairs.append(LinkFigures(
            (a, b), (len(la), len(lb)), m,
            m / len(la) if la else None, m / len(lb) if lb else None,
            2 * m / (len(la) + len(lb)) if la or lb else None,
            link_kappa(la, lb, matching, own_spans[a]),
        ))  # fmt: skip
    overall = LinkFigures(
        tuple(names), tuple(len(kept(n)) for n in names), None,
        _mean(p.precision for p in pairs), _mean(p.recall for p in pairs),
        _mean(p.f1 for p in pairs), pairs[0].kappa if len(pairs) == 1 else None,
    )  # fmt: skip
    return LinkScope(how, key, pairs, overall)


def _mean(values: Iterable[float | None]) -> float | None:
    defined = [v for v in values if v is not None]
    return sum(defined) / len(defined) if defined else None


def from_store(store) -> LinkReport | None:
    """:func:`link_agreement` over an open Store (only places, types and ids are read)."""
    from annotator.store.export_queries import link_places

    links, spans = link_places(store)
    return link_agreement(spans, links)


def link_lines(report: LinkReport | None) -> list[str]:
    """The figures as the command line prints them after the span figures: one table per
    span matching and link type (all types first)."""
    if report is None:
        return []
    lines: list[str] = []
    for scope in report.scopes:
        rows = [(" + ".join(p.annotators), p) for p in scope.pairs]
        rows.append(("all annotators", scope.overall))
        width = max(len(name) for name, _ in rows)
        what = "links" if scope.key is None else f"link type {scope.key}"
        lines += ["", f"{what} ({scope.matching} span match)",
                  f"  {'annotators':<{width}}  {'links':>11}  {'precision':>9}  {'recall':>6}  "
                  f"{'F1':>6}  {'kappa':>6}"]  # fmt: skip
        for name, f in rows:
            counts = "/".join(map(str, f.links))
            lines.append(f"  {name:<{width}}  {counts:>11}  {_figure(f.precision):>9}  "
                         f"{_figure(f.recall):>6}  {_figure(f.f1):>6}  {_figure(f.kappa):>6}")  # fmt: skip
    return lines


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"
