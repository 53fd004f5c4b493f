"""Inter-annotator agreement on spans (no Qt, no SQL).

Definitions (the README's "## Review" repeats them):

- **Documents compared**: those where at least one of the annotators compared has a span
  (a document nobody marked would add only agreeing "O" characters).
- **Exact-match F1** for two annotators A and B: a match is a span of A and a span of B with
  the same document, start, end and label (each span matched at most once);
  F1 = 2 * matches / (|A| + |B|). It is symmetric, so it is both ways' F1.
- **Overlap F1**: a match is a pair with the same document and label whose ranges share at
  least one character. Matching is one-to-one and greedy: all candidate pairs are taken in
  order of larger shared length first, then smaller boundary distance
  (|start difference| + |end difference|), then position; a pair is kept when neither of its
  spans is matched yet. F1 = 2 * matches / (|A| + |B|).
- **Per-character labels**: each character (a Unicode code point, as offsets count them) gets
  the label of the annotator's span covering it, or "O" outside every span. Where an
  annotator's own spans overlap, the shortest span covering the character wins (the
  innermost); equal lengths: the one starting later, then the label name in alphabetical
  order. Every annotator compared is a coder of every character of the documents compared
  (an annotator with no span there said "O" everywhere).
- **Cohen's kappa** (pairs) and **Krippendorff's alpha** (nominal; pairs and all annotators)
  are computed on those per-character labels, over the corpus (all compared documents'
  characters together) or one document. **Per label** L, the labels become binary: a
  character is L when one of the annotator's L spans covers it, else "O" (overlaps with
  other labels do not matter there); span F1s keep only L spans.
- **All annotators**: exact and overlap F1 are the mean of the pairwise F1s (pairs where it
  is defined); alpha is computed with every annotator as a coder; kappa is for pairs only.
- A figure is ``None`` where it is undefined: F1 when neither annotator has a span in scope,
  kappa and alpha when only one category occurs at all (no variation to agree on).
"""

from __future__ import annotations

import heapq
import itertools
from bisect import bisect_left
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from annotator.core.annotators import GOLD

OUTSIDE = "O"


class SpanLike(Protocol):
    document: str
    start: int
    end: int
    label: str
    annotator: str


# -- span F1 ------------------------------------------------------------------------------


def _key(s: SpanLike) -> tuple[str, int, int, str]:
    return (s.document, s.start, s.end, s.label)


def exact_matches(a: Iterable[SpanLike], b: Iterable[SpanLike]) -> int:
    """Spans of ``a`` and ``b`` with the same document, start, end and label (one-to-one)."""
    return sum((Counter(map(_key, a)) & Counter(map(_key, b))).values())


def overlap_matches(a: Iterable[SpanLike], b: Iterable[SpanLike]) -> int:
    """One-to-one greedy matching of same-document, same-label, overlapping spans (see the
    module's docstring for the order)."""
    return len(overlap_pairs(list(a), list(b)))


def overlap_pairs(a: Sequence[SpanLike], b: Sequence[SpanLike]) -> list[tuple[int, int]]:
    """:func:`overlap_matches`' matching itself: the (index in ``a``, index in ``b``) of
    each matched pair (link agreement matches links through it)."""
    # b's spans of each document and label by start, so that only the ones that can share
    # a character with x are looked at (all pairs take seconds on a few thousand spans).
    by_group: dict[tuple[str, str], list[int]] = {}
    for j, y in enumerate(b):
        by_group.setdefault((y.document, y.label), []).append(j)
    index: dict[tuple[str, str], tuple[list[int], list[int], int]] = {}
    for group, js in by_group.items():
        js.sort(key=lambda j: b[j].start)
        longest = max(b[j].end - b[j].start for j in js)
        index[group] = ([b[j].start for j in js], js, longest)
    candidates = []
    for i, x in enumerate(a):
        found = index.get((x.document, x.label))
        if found is None:
            continue
        starts, js, longest = found
        lo = bisect_left(starts, x.start - longest + 1)
        hi = bisect_left(starts, x.end)
        for j in js[lo:hi]:
            y = b[j]
            shared = min(x.end, y.end) - max(x.start, y.start)
            if shared > 0:
                distance = abs(x.start - y.start) + abs(x.end - y.end)
                place = tuple(sorted([(x.start, x.end), (y.start, y.end)]))
                candidates.append((-shared, distance, x.document, place, i, j))
    candidates.sort()  # ties in the order of a, then of b
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for *_, i, j in candidates:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((i, j))
    return pairs


def f1(matches: int, size_a: int, size_b: int) -> float | None:
    total = size_a + size_b
    return None if total == 0 else 2 * matches / total


def exact_f1(a: Sequence[SpanLike], b: Sequence[SpanLike]) -> float | None:
    return f1(exact_matches(a, b), len(a), len(b))


def overlap_f1(a: Sequence[SpanLike], b: Sequence[SpanLike]) -> float | None:
    return f1(overlap_matches(a, b), len(a), len(b))


# -- per-character labels -----------------------------------------------------------------

# An annotator's per-character labels are constant between two span boundaries, so they are
# kept as runs: (end, label) pieces covering the text in order, the first from 0. Agreement
# is then summed over the pieces (weight: their lengths), in memory that grows with the
# spans, not the characters (a list per character took 5.3 GB for a 200 MB article).
Runs = list[tuple[int, str]]


def label_runs(length: int, spans: Iterable[SpanLike]) -> Runs:
    """:func:`char_labels` as runs: the shortest span covering a piece (then the later
    start, then the label first in alphabetical order), "O" outside every span."""
    inside = sorted(
        (max(0, s.start), min(length, s.end), s.label) for s in spans if s.start < s.end
    )
    inside = [(a, b, label) for a, b, label in inside if a < b]
    bounds = sorted({0, length, *(a for a, _, _ in inside), *(b for _, b, _ in inside)})
    runs: Runs = []
    active: list[tuple[int, int, str, int]] = []  # (length, -start, label, end): min wins
    k = 0
    for pos, nxt in itertools.pairwise(bounds):
        while k < len(inside) and inside[k][0] <= pos:
            a, b, label = inside[k]
            heapq.heappush(active, (b - a, -a, label, b))
            k += 1
        while active and active[0][3] <= pos:  # ended: dropped once they would win
            heapq.heappop(active)
        label = active[0][2] if active else OUTSIDE
        if runs and runs[-1][1] == label:
            runs[-1] = (nxt, label)
        else:
            runs.append((nxt, label))
    return runs


def binary_runs(length: int, spans: Iterable[SpanLike], label: str) -> Runs:
    """:func:`binary_char_labels` as runs."""
    return label_runs(length, [s for s in spans if s.label == label])


def char_labels(length: int, spans: Iterable[SpanLike]) -> list[str]:
    """One label per character of a text of ``length`` code points: the shortest span
    covering it (then the later start, then the label name), "O" outside every span."""
    return _expand(label_runs(length, spans))


def binary_char_labels(length: int, spans: Iterable[SpanLike], label: str) -> list[str]:
    """``label`` where one of ``spans`` with that label covers the character, else "O"."""
    return _expand(binary_runs(length, spans, label))


def _expand(runs: Runs) -> list[str]:
    out: list[str] = []
    start = 0
    for end, label in runs:
        out += [label] * (end - start)
        start = end
    return out


def pieces(runs: Sequence[Runs]) -> Iterator[tuple[int, tuple[str, ...]]]:
    """The pieces where none of ``runs`` (of one text) changes label, in text order: each
    piece's length and the label each gave it."""
    at = [0] * len(runs)
    start = 0
    while runs and all(i < len(r) for i, r in zip(at, runs, strict=True)):
        end = min(r[i][0] for i, r in zip(at, runs, strict=True))
        yield end - start, tuple(r[i][1] for i, r in zip(at, runs, strict=True))
        at = [i + (r[i][0] == end) for i, r in zip(at, runs, strict=True)]
        start = end


# -- chance-corrected agreement -----------------------------------------------------------


def cohen_kappa(x: Sequence[Hashable], y: Sequence[Hashable]) -> float | None:
    """Cohen's kappa of two equally long label sequences (None when undefined)."""
    if len(x) != len(y):
        raise ValueError("the two sequences differ in length")
    return kappa_of_counts(Counter(zip(x, y, strict=True)))


def kappa_of_counts(pairs: Mapping[tuple[Hashable, Hashable], int]) -> float | None:
    """Cohen's kappa from how many units got each pair of labels (x's label, y's label)."""
    n = sum(pairs.values())
    if n == 0:
        return None
    observed = sum(times for (p, q), times in pairs.items() if p == q) / n
    cx: Counter[Hashable] = Counter()
    cy: Counter[Hashable] = Counter()
    for (p, q), times in pairs.items():
        cx[p] += times
        cy[q] += times
    expected = sum(cx[k] * cy[k] for k in cx) / (n * n)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


def krippendorff_alpha(units: Iterable[Sequence[Hashable | None]]) -> float | None:
    """Krippendorff's alpha, nominal metric. ``units`` holds, for each unit (a character),
    the value each coder gave it (None: missing). Units with fewer than two values are not
    pairable and are left out; None when there is no variation at all."""
    return alpha_of_counts(Counter(map(tuple, units)))


def alpha_of_counts(units: Mapping[tuple[Hashable | None, ...], int]) -> float | None:
    """:func:`krippendorff_alpha` from how many units got each tuple of values."""
    # Units with the same counts of values contribute the same coincidences: group them
    # by profile.
    profiles: Counter[tuple[tuple[Hashable, int], ...]] = Counter()
    for unit, times in units.items():
        counts = Counter(v for v in unit if v is not None)
        if sum(counts.values()) >= 2:
            profiles[tuple(sorted(counts.items(), key=lambda kv: repr(kv[0])))] += times
    coincidence: Counter[tuple[Hashable, Hashable]] = Counter()
    for profile, times in profiles.items():
        m = sum(c for _, c in profile)
        for (v, cv), (w, cw) in itertools.product(profile, repeat=2):
            pairs = cv * (cv - 1) if v == w else cv * cw
            coincidence[(v, w)] += times * pairs / (m - 1)
    totals: Counter[Hashable] = Counter()
    for (v, _w), o in coincidence.items():
        totals[v] += o
    n = sum(totals.values())
    if n <= 1:
        return None
    disagree_observed = sum(o for (v, w), o in coincidence.items() if v != w)
    disagree_expected = (n * n - sum(t * t for t in totals.values())) / (n - 1)
    if disagree_expected == 0:
        return None
    return 1 - disagree_observed / disagree_expected


# -- reports ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """Agreement of one group of annotators (a pair, or all) in one scope."""

    annotators: tuple[str, ...]
    spans: tuple[int, ...]  # each annotator's span count in the scope
    exact_f1: float | None
    overlap_f1: float | None
    kappa: float | None  # pairs only
    alpha: float | None

    def as_dict(self) -> dict:
        return {
            "annotators": list(self.annotators),
            "spans": dict(zip(self.annotators, self.spans, strict=True)),
            "exact_f1": self.exact_f1,
            "overlap_f1": self.overlap_f1,
            "kappa": self.kappa,
            "alpha": self.alpha,
        }


@dataclass(frozen=True)
class Scope:
    """The figures over the corpus (kind "corpus"), one label or one document."""

    kind: str
    key: str | None
    title: str | None
    pairs: list[Figures]
    overall: Figures

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "key": self.key,
            "title": self.title,
            "pairs": [f.as_dict() for f in self.pairs],
            "all": self.overall.as_dict(),
        }


@dataclass
class Report:
    annotators: list[str]
    documents: list[str]
    by: str | None
    scopes: list[Scope] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "annotators": self.annotators,
            "documents": len(self.documents),
            "by": self.by or "corpus",
            "scopes": [s.as_dict() for s in self.scopes],
        }


class AgreementError(ValueError):
    """Agreement cannot be measured (fewer than two annotators with spans)."""


def agreement(
    texts: Mapping[str, str | int],
    spans: Iterable[SpanLike],
    *,
    by: str | None = None,
    annotators: Sequence[str] | None = None,
    titles: Mapping[str, str] | None = None,
) -> Report:
    """Agreement among ``annotators`` (default: everyone with a span) on the documents
    ``texts`` (id -> text, or id -> its length in code points: only lengths are used).
    ``by``: None (the corpus), "label" or "document"."""
    if by not in (None, "label", "document"):
        raise ValueError(f"unknown grouping {by!r}")
    lengths = {d: t if isinstance(t, int) else len(t) for d, t in texts.items()}
    spans = [s for s in spans if s.document in lengths]
    names = sorted(annotators if annotators is not None else {s.annotator for s in spans})
    chosen_names = set(names)
    spans = [s for s in spans if s.annotator in chosen_names]
    with_spans = {s.annotator for s in spans}
    if len(with_spans) < 2:
        have = ", ".join(sorted(with_spans)) or "none"
        raise AgreementError(
            f"agreement needs at least two annotators with spans (annotators with spans: {have})"
        )
    marked = {s.document for s in spans}
    documents = [d for d in lengths if d in marked]
    report = Report(names, documents, by)
    if by is None:
        report.scopes.append(_scope("corpus", None, None, lengths, documents, names, spans, None))
    elif by == "label":
        by_label: dict[str, list[SpanLike]] = {}
        for s in spans:
            by_label.setdefault(s.label, []).append(s)
        for label in sorted(by_label):
            report.scopes.append(
                _scope("label", label, None, lengths, documents, names, by_label[label], label)
            )
    else:
        by_doc: dict[str, list[SpanLike]] = {}
        for s in spans:
            by_doc.setdefault(s.document, []).append(s)
        for doc_id in documents:
            title = (titles or {}).get(doc_id)
            report.scopes.append(
                _scope("document", doc_id, title, lengths, [doc_id], names, by_doc[doc_id], None)
            )
    return report


def _scope(
    kind: str,
    key: str | None,
    title: str | None,
    lengths: Mapping[str, int],
    documents: Sequence[str],
    names: Sequence[str],
    spans: Sequence[SpanLike],
    label: str | None,
) -> Scope:
    own: dict[str, list[SpanLike]] = {name: [] for name in names}
    by_doc: dict[str, dict[str, list[SpanLike]]] = {}
    for s in spans:
        own[s.annotator].append(s)
        by_doc.setdefault(s.document, {}).setdefault(s.annotator, []).append(s)
    # What each pair (and all annotators together) said of the same characters, counted
    # over the pieces where nobody's label changes, one document at a time and in text
    # order (so the counts come out as a per-character count would make them).
    pairs_of = list(itertools.combinations(range(len(names)), 2))
    pair_counts: list[Counter[tuple[str, ...]]] = [Counter() for _ in pairs_of]
    all_counts: Counter[tuple[str, ...]] = Counter()
    for doc_id in documents:
        length, mine = lengths[doc_id], by_doc.get(doc_id, {})
        runs = [
            label_runs(length, mine.get(n, ()))
            if label is None
            else binary_runs(length, mine.get(n, ()), label)
            for n in names
        ]
        for width, said in pieces(runs):
            all_counts[said] += width
        for (i, j), counts in zip(pairs_of, pair_counts, strict=True):
            for width, said in pieces([runs[i], runs[j]]):
                counts[said] += width
    pairs = []
    for (i, j), counts in zip(pairs_of, pair_counts, strict=True):
        a, b = names[i], names[j]
        pairs.append(
            Figures(
                (a, b),
                (len(own[a]), len(own[b])),
                exact_f1(own[a], own[b]),
                overlap_f1(own[a], own[b]),
                kappa_of_counts(counts),
                alpha_of_counts(counts),
            )
        )
    overall = Figures(
        tuple(names),
        tuple(len(own[n]) for n in names),
        _mean(p.exact_f1 for p in pairs),
        _mean(p.overlap_f1 for p in pairs),
        pairs[0].kappa if len(pairs) == 1 else None,
        alpha_of_counts(all_counts),
    )
    return Scope(kind, key, title, pairs, overall)


def _mean(values: Iterable[float | None]) -> float | None:
    defined = [v for v in values if v is not None]
    return sum(defined) / len(defined) if defined else None


def from_store(store, *, by: str | None = None) -> Report:
    """Agreement over every document of an open Store. The gold layer (annotator "gold",
    the adjudicated result) is not an annotator: it is left out. Only the documents'
    lengths and titles and the spans' places, labels and annotators are read (no texts)."""
    from annotator.store.export_queries import document_lengths, span_places

    lengths: dict[str, int] = {}
    titles: dict[str, str] = {}
    for doc_id, title, length in document_lengths(store):
        lengths[doc_id] = length
        titles[doc_id] = title
    spans = [s for s in span_places(store, lengths) if s.annotator != GOLD]
    return agreement(lengths, spans, by=by, titles=titles)


# -- document labels ------------------------------------------------------------------------
#
# A document label (stance, genre, "no claims") is set or not on a whole article. For each
# label and pair of annotators, the items are the documents both annotators labelled (each
# set at least one document label there: an article one of them never labelled says
# nothing about their agreement), each coded present or absent by each of them. Percent
# agreement is the share of those documents where both say the same; Cohen's kappa is
# computed on the same present/absent codes (None when undefined: no documents, or one code
# throughout). For all annotators, both are the mean over the pairs where they are defined.


class DocumentLabelLike(Protocol):
    document: str
    label: str
    annotator: str


@dataclass(frozen=True)
class LabelPair:
    """Two annotators' agreement on one document label."""

    annotators: tuple[str, str]
    documents: int  # documents both labelled
    present: tuple[int, int]  # of those, where each set this label
    percent: float | None
    kappa: float | None

    def as_dict(self) -> dict:
        return {
            "annotators": list(self.annotators),
            "documents": self.documents,
            "present": dict(zip(self.annotators, self.present, strict=True)),
            "percent": self.percent,
            "kappa": self.kappa,
        }


@dataclass(frozen=True)
class LabelAgreement:
    """The agreement on one document label: each pair, and their mean."""

    label: str
    pairs: list[LabelPair]
    percent: float | None
    kappa: float | None

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "pairs": [p.as_dict() for p in self.pairs],
            "all": {"percent": self.percent, "kappa": self.kappa},
        }


def document_label_agreement(
    labels: Iterable[DocumentLabelLike], scheme: Sequence[str] = ()
) -> list[LabelAgreement]:
    """Agreement on each document label (those of ``scheme``, in its order, then any other
    one used), between every pair of the annotators who set document labels (the gold
    layer left out). Fewer than two such annotators: no pairs."""
    sets: dict[str, dict[str, set[str]]] = {}  # annotator -> document -> labels
    used: dict[str, None] = {}
    for d in labels:
        if d.annotator == GOLD:
            continue
        sets.setdefault(d.annotator, {}).setdefault(d.document, set()).add(d.label)
        used[d.label] = None
    people = sorted(sets)
    out = []
    for label in dict.fromkeys([*scheme, *used]):
        pairs = []
        for a, b in itertools.combinations(people, 2):
            both = sorted(set(sets[a]) & set(sets[b]))
            x = [label in sets[a][doc] for doc in both]
            y = [label in sets[b][doc] for doc in both]
            same = sum(1 for p, q in zip(x, y, strict=True) if p == q)
            pairs.append(LabelPair(
                (a, b), len(both), (sum(x), sum(y)),
                same / len(both) if both else None, cohen_kappa(x, y),
            ))  # fmt: skip
        out.append(LabelAgreement(
            label, pairs, _mean(p.percent for p in pairs), _mean(p.kappa for p in pairs)
        ))  # fmt: skip
    return out


def document_labels_from_store(store) -> list[LabelAgreement]:
    """:func:`document_label_agreement` over an open Store, in the scheme's order."""
    scheme = [label.name for label in store.labels("document")]
    return document_label_agreement(store.all_document_labels(), scheme)


def document_label_lines(figures: list[LabelAgreement]) -> list[str]:
    """The figures as the command line prints them after the span figures: one table per
    label, each pair (documents both labelled, where each set it) and all annotators."""
    lines: list[str] = []
    for item in figures:
        if not item.pairs:
            continue
        rows = [(" + ".join(p.annotators), f"{p.documents}", "/".join(map(str, p.present)),
                 p.percent, p.kappa) for p in item.pairs]  # fmt: skip
        rows.append(("all annotators", "", "", item.percent, item.kappa))
        width = max(len(r[0]) for r in rows)
        lines += ["", f"document label {item.label}",
                  f"  {'annotators':<{width}}  {'documents':>9}  {'set':>7}  "
                  f"{'agreement':>9}  {'kappa':>6}"]  # fmt: skip
        for name, docs, present, percent, kappa in rows:
            shown = "-" if percent is None else f"{100 * percent:.1f}%"
            lines.append(f"  {name:<{width}}  {docs:>9}  {present:>7}  {shown:>9}  "
                         f"{'-' if kappa is None else f'{kappa:.3f}':>6}")  # fmt: skip
    return lines
