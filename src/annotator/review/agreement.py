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

import itertools
from bisect import bisect_left
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
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
    a, b = list(a), list(b)
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
    for *_, i, j in candidates:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
    return len(used_a)


def f1(matches: int, size_a: int, size_b: int) -> float | None:
    total = size_a + size_b
    return None if total == 0 else 2 * matches / total


def exact_f1(a: Sequence[SpanLike], b: Sequence[SpanLike]) -> float | None:
    return f1(exact_matches(a, b), len(a), len(b))


def overlap_f1(a: Sequence[SpanLike], b: Sequence[SpanLike]) -> float | None:
    return f1(overlap_matches(a, b), len(a), len(b))


# -- per-character labels -----------------------------------------------------------------


def char_labels(length: int, spans: Iterable[SpanLike]) -> list[str]:
    """One label per character of a text of ``length`` code points: the shortest span
    covering it (then the later start, then the label name), "O" outside every span."""
    out = [OUTSIDE] * length
    # Paint the spans that should lose first, so the winners are painted last.
    order = sorted(spans, key=lambda s: (-(s.end - s.start), s.start, _desc(s.label)))
    for s in order:
        out[s.start : s.end] = [s.label] * (s.end - s.start)
    return out


def _desc(label: str) -> tuple[int, ...]:
    """Sorts labels in reverse alphabetical order (painted first = loses)."""
    return tuple(-ord(c) for c in label) + (1,)


def binary_char_labels(length: int, spans: Iterable[SpanLike], label: str) -> list[str]:
    """``label`` where one of ``spans`` with that label covers the character, else "O"."""
    out = [OUTSIDE] * length
    for s in spans:
        if s.label == label:
            out[s.start : s.end] = [label] * (s.end - s.start)
    return out


# -- chance-corrected agreement -----------------------------------------------------------


def cohen_kappa(x: Sequence[Hashable], y: Sequence[Hashable]) -> float | None:
    """Cohen's kappa of two equally long label sequences (None when undefined)."""
    if len(x) != len(y):
        raise ValueError("the two sequences differ in length")
    n = len(x)
    if n == 0:
        return None
    observed = sum(1 for p, q in zip(x, y, strict=True) if p == q) / n
    cx, cy = Counter(x), Counter(y)
    expected = sum(cx[k] * cy[k] for k in cx) / (n * n)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


def krippendorff_alpha(units: Iterable[Sequence[Hashable | None]]) -> float | None:
    """Krippendorff's alpha, nominal metric. ``units`` holds, for each unit (a character),
    the value each coder gave it (None: missing). Units with fewer than two values are not
    pairable and are left out; None when there is no variation at all."""
    # Units with the same counts of values contribute the same coincidences: group them.
    # Counted as they come first (a text has few distinct ones), then by profile.
    profiles: Counter[tuple[tuple[Hashable, int], ...]] = Counter()
    for unit, times in Counter(map(tuple, units)).items():
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
    texts: Mapping[str, str],
    spans: Iterable[SpanLike],
    *,
    by: str | None = None,
    annotators: Sequence[str] | None = None,
    titles: Mapping[str, str] | None = None,
) -> Report:
    """Agreement among ``annotators`` (default: everyone with a span) on the documents
    ``texts`` (id -> text). ``by``: None (the corpus), "label" or "document"."""
    if by not in (None, "label", "document"):
        raise ValueError(f"unknown grouping {by!r}")
    spans = [s for s in spans if s.document in texts]
    names = sorted(annotators if annotators is not None else {s.annotator for s in spans})
    spans = [s for s in spans if s.annotator in names]
    with_spans = {s.annotator for s in spans}
    if len(with_spans) < 2:
        have = ", ".join(sorted(with_spans)) or "none"
        raise AgreementError(
            f"agreement needs at least two annotators with spans (annotators with spans: {have})"
        )
    documents = [d for d in texts if any(s.document == d for s in spans)]
    report = Report(names, documents, by)
    if by is None:
        report.scopes.append(_scope("corpus", None, None, texts, documents, names, spans, None))
    elif by == "label":
        for label in sorted({s.label for s in spans}):
            chosen = [s for s in spans if s.label == label]
            report.scopes.append(
                _scope("label", label, None, texts, documents, names, chosen, label)
            )
    else:
        for doc_id in documents:
            chosen = [s for s in spans if s.document == doc_id]
            title = (titles or {}).get(doc_id)
            report.scopes.append(
                _scope("document", doc_id, title, texts, [doc_id], names, chosen, None)
            )
    return report


def _scope(
    kind: str,
    key: str | None,
    title: str | None,
    texts: Mapping[str, str],
    documents: Sequence[str],
    names: Sequence[str],
    spans: Sequence[SpanLike],
    label: str | None,
) -> Scope:
    own: dict[str, list[SpanLike]] = {name: [] for name in names}
    for s in spans:
        own[s.annotator].append(s)
    chars: dict[str, list[str]] = {}
    for name in names:
        by_doc: dict[str, list[SpanLike]] = {}
        for s in own[name]:
            by_doc.setdefault(s.document, []).append(s)
        seq: list[str] = []
        for doc_id in documents:
            length = len(texts[doc_id])
            mine = by_doc.get(doc_id, [])
            seq += (
                binary_char_labels(length, mine, label)
                if label is not None
                else char_labels(length, mine)
            )
        chars[name] = seq
    pairs = []
    for a, b in itertools.combinations(names, 2):
        pairs.append(
            Figures(
                (a, b),
                (len(own[a]), len(own[b])),
                exact_f1(own[a], own[b]),
                overlap_f1(own[a], own[b]),
                cohen_kappa(chars[a], chars[b]),
                krippendorff_alpha(zip(chars[a], chars[b], strict=True)),
            )
        )
    overall = Figures(
        tuple(names),
        tuple(len(own[n]) for n in names),
        _mean(p.exact_f1 for p in pairs),
        _mean(p.overlap_f1 for p in pairs),
        pairs[0].kappa if len(pairs) == 1 else None,
        krippendorff_alpha(zip(*(chars[n] for n in names), strict=True)),
    )
    return Scope(kind, key, title, pairs, overall)


def _mean(values: Iterable[float | None]) -> float | None:
    defined = [v for v in values if v is not None]
    return sum(defined) / len(defined) if defined else None


def from_store(store, *, by: str | None = None) -> Report:
    """Agreement over every document of an open Store (through its accessors). The gold
    layer (annotator "gold", the adjudicated result) is not an annotator: it is left out."""
    texts: dict[str, str] = {}
    titles: dict[str, str] = {}
    spans = []
    for doc_id in store.document_ids():
        doc = store.document(doc_id)
        texts[doc_id] = doc.text
        titles[doc_id] = doc.meta.title
        spans += [s for s in store.spans(doc_id) if s.annotator != GOLD]
    return agreement(texts, spans, by=by, titles=titles)


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
