"""Agreement figures (annotator.review.agreement) against reference implementations:
scikit-learn's cohen_kappa_score and the krippendorff package (nominal)."""

from __future__ import annotations

import itertools
import random

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from annotator.core.model import Span
from annotator.review import AgreementError, agreement
from annotator.review.agreement import (
    char_labels,
    cohen_kappa,
    exact_f1,
    krippendorff_alpha,
    overlap_f1,
    overlap_matches,
)

# Emoji (one code point each, two UTF-16 units), a ZWJ family and CJK: offsets count code points.
EMOJI = "Putin 😀 said 👨‍👩‍👧 no to NATO. 北京 answered: «fine» 🎉 said Kiev."
PLAIN = "The minister said the budget was balanced, but critics disagreed strongly."
TEXTS = {"d1": EMOJI, "d2": PLAIN}


def sp(doc: str, start: int, end: int, label: str, who: str) -> Span:
    text = TEXTS[doc][start:end]
    return Span(f"{who}-{doc}-{start}-{end}-{label}", doc, start, end, label, text, who,
                "2026-11-29T10:00:00Z", "2026-11-29T10:00:00Z")


def find(doc: str, fragment: str) -> tuple[int, int]:
    start = TEXTS[doc].index(fragment)
    return start, start + len(fragment)


SPANS = [
    # alice
    sp("d1", *find("d1", "Putin"), "actor", "alice"),
    sp("d1", *find("d1", "Putin 😀 said 👨‍👩‍👧 no to NATO."), "quote", "alice"),
    sp("d1", *find("d1", "北京"), "actor", "alice"),
    sp("d2", *find("d2", "The minister"), "actor", "alice"),
    sp("d2", *find("d2", "the budget was balanced"), "claim", "alice"),
    # bob: agrees on some, shifted on others, disagrees on a label
    sp("d1", *find("d1", "Putin"), "actor", "bob"),
    sp("d1", *find("d1", "said 👨‍👩‍👧 no to NATO."), "quote", "bob"),
    sp("d1", *find("d1", "北京"), "claim", "bob"),
    sp("d2", *find("d2", "minister"), "actor", "bob"),
    sp("d2", *find("d2", "the budget was balanced"), "claim", "bob"),
    sp("d2", *find("d2", "critics"), "actor", "bob"),
    # carol: a few, overlapping her own spans
    sp("d1", *find("d1", "Putin 😀"), "actor", "carol"),
    sp("d1", *find("d1", "«fine» 🎉"), "quote", "carol"),
    sp("d2", *find("d2", "the budget was balanced, but"), "claim", "carol"),
    sp("d2", *find("d2", "budget"), "actor", "carol"),
]


def of(who: str, spans=SPANS) -> list[Span]:
    return [s for s in spans if s.annotator == who]


def reference_chars(doc: str, spans: list[Span], label: str | None = None) -> list[str]:
    """Independent per-character labels: shortest span wins (no ties in this data)."""
    out = ["O"] * len(TEXTS[doc])
    for s in sorted(spans, key=lambda s: s.end - s.start, reverse=True):
        if s.document == doc and (label is None or s.label == label):
            for i in range(s.start, s.end):
                out[i] = s.label
    return out


def corpus_chars(who: str, label: str | None = None, docs=("d1", "d2")) -> list[str]:
    return [c for d in docs for c in reference_chars(d, of(who), label)]


def ref_alpha(*sequences: list) -> float:
    values = sorted({v for seq in sequences for v in seq})
    data = np.array([[values.index(v) for v in seq] for seq in sequences], dtype=float)
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def test_offsets_are_code_points() -> None:
    s = sp("d1", *find("d1", "北京"), "actor", "alice")
    assert EMOJI[s.start : s.end] == "北京"
    labels = char_labels(len(EMOJI), [s])
    assert len(labels) == len(EMOJI) and labels[s.start : s.end] == ["actor", "actor"]


def test_exact_and_overlap_f1_by_hand() -> None:
    a, b = of("alice"), of("bob")
    # exact: Putin/actor and the budget claim; 5 + 6 spans
    assert exact_f1(a, b) == pytest.approx(2 * 2 / 11)
    # overlap: + the quote (shifted) and "minister" in "The minister"; 北京 differs in label
    assert overlap_f1(a, b) == pytest.approx(2 * 4 / 11)
    assert exact_f1([], []) is None and overlap_f1(a, []) == 0


def test_overlap_matching_is_one_to_one_greedy_and_symmetric() -> None:
    long = sp("d2", 0, 40, "claim", "x")
    near = sp("d2", 0, 38, "claim", "y")
    small = sp("d2", 30, 45, "claim", "y")
    # long overlaps both, but may match only one: the larger shared length
    assert overlap_matches([long], [near, small]) == 1
    assert overlap_matches([near, small], [long]) == 1
    rng = random.Random(5)
    for _ in range(200):
        xs = [sp("d2", s, s + rng.randint(1, 8), rng.choice("ab"), "x")
              for s in rng.sample(range(60), 6)]
        ys = [sp("d2", s, s + rng.randint(1, 8), rng.choice("ab"), "y")
              for s in rng.sample(range(60), 5)]
        assert overlap_matches(xs, ys) == overlap_matches(ys, xs)


def _all_pairs_overlap_matches(a, b) -> int:
    """The matching as first written: every pair looked at (the reference)."""
    candidates = []
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            if (x.document, x.label) != (y.document, y.label):
                continue
            shared = min(x.end, y.end) - max(x.start, y.start)
            if shared > 0:
                distance = abs(x.start - y.start) + abs(x.end - y.end)
                place = tuple(sorted([(x.start, x.end), (y.start, y.end)]))
                candidates.append((-shared, distance, x.document, place, i, j))
    candidates.sort(key=lambda c: c[:4])
    used_a, used_b = set(), set()
    for *_, i, j in candidates:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
    return len(used_a)


def test_overlap_matching_looks_only_at_neighbours_and_finds_the_same() -> None:
    """Spans sorted by start and looked up by bisection (a few thousand spans a pair took
    seconds pair by pair) match exactly as looking at every pair does: long spans over
    many short ones, several documents and labels, ties."""
    rng = random.Random(11)
    for _ in range(300):
        def spans(who: str, n: int) -> list[Span]:
            out = []
            for _k in range(n):
                doc = rng.choice(["d1", "d2"])
                start = rng.randrange(0, len(TEXTS[doc]) - 1)
                end = min(len(TEXTS[doc]), start + rng.choice([1, 2, 3, 5, 8, 30]))
                out.append(sp(doc, start, end, rng.choice("ab"), who))
            return out

        xs, ys = spans("x", rng.randint(0, 12)), spans("y", rng.randint(0, 12))
        assert overlap_matches(xs, ys) == _all_pairs_overlap_matches(xs, ys)
        assert overlap_matches(ys, xs) == _all_pairs_overlap_matches(ys, xs)


def test_innermost_span_wins_where_an_annotator_overlaps_herself() -> None:
    text_len = 10
    spans = [sp("d2", 0, 8, "claim", "c"), sp("d2", 2, 4, "actor", "c")]
    assert char_labels(text_len, spans) == (
        ["claim"] * 2 + ["actor"] * 2 + ["claim"] * 4 + ["O"] * 2
    )
    # equal lengths: the later start wins; same place: the first label alphabetically
    assert char_labels(4, [sp("d2", 0, 2, "a", "c"), sp("d2", 1, 3, "b", "c")])[1] == "b"
    assert char_labels(4, [sp("d2", 0, 2, "b", "c"), sp("d2", 0, 2, "a", "c")])[:2] == ["a", "a"]


@pytest.mark.parametrize("pair", list(itertools.combinations(["alice", "bob", "carol"], 2)))
def test_pair_kappa_and_alpha_equal_the_references(pair) -> None:
    a, b = pair
    report = agreement(TEXTS, SPANS)
    figures = {f.annotators: f for f in report.scopes[0].pairs}[pair]
    x, y = corpus_chars(a), corpus_chars(b)
    assert figures.kappa == pytest.approx(cohen_kappa_score(x, y))
    assert figures.alpha == pytest.approx(ref_alpha(x, y))
    assert figures.exact_f1 == pytest.approx(exact_f1(of(a), of(b)))
    assert figures.overlap_f1 == pytest.approx(overlap_f1(of(a), of(b)))


def test_three_annotators_alpha_and_mean_f1() -> None:
    report = agreement(TEXTS, SPANS)
    overall = report.scopes[0].overall
    assert report.annotators == ["alice", "bob", "carol"]
    assert overall.alpha == pytest.approx(
        ref_alpha(corpus_chars("alice"), corpus_chars("bob"), corpus_chars("carol"))
    )
    pairs = list(itertools.combinations(["alice", "bob", "carol"], 2))
    assert overall.exact_f1 == pytest.approx(
        sum(exact_f1(of(a), of(b)) for a, b in pairs) / 3
    )
    assert overall.kappa is None  # kappa is for pairs
    assert overall.spans == (5, 6, 4)


def test_per_label_figures_equal_the_references() -> None:
    report = agreement(TEXTS, SPANS, by="label")
    assert [s.key for s in report.scopes] == ["actor", "claim", "quote"]
    for scope in report.scopes:
        label = scope.key
        for f in scope.pairs:
            a, b = f.annotators
            x, y = corpus_chars(a, label), corpus_chars(b, label)
            assert f.kappa == pytest.approx(cohen_kappa_score(x, y)), (label, a, b)
            assert f.alpha == pytest.approx(ref_alpha(x, y))
            la = [s for s in of(a) if s.label == label]
            lb = [s for s in of(b) if s.label == label]
            assert f.exact_f1 == pytest.approx(exact_f1(la, lb))
        seqs = [corpus_chars(n, label) for n in report.annotators]
        assert scope.overall.alpha == pytest.approx(ref_alpha(*seqs))


def test_per_document_figures_equal_the_references() -> None:
    report = agreement(TEXTS, SPANS, by="document", titles={"d1": "Emoji"})
    assert [(s.key, s.title) for s in report.scopes] == [("d1", "Emoji"), ("d2", None)]
    for scope in report.scopes:
        doc = scope.key
        for f in scope.pairs:
            a, b = f.annotators
            x, y = reference_chars(doc, of(a)), reference_chars(doc, of(b))
            assert f.kappa == pytest.approx(cohen_kappa_score(x, y))
            assert f.alpha == pytest.approx(ref_alpha(x, y))
        seqs = [reference_chars(doc, of(n)) for n in report.annotators]
        assert scope.overall.alpha == pytest.approx(ref_alpha(*seqs))


def test_an_annotator_without_spans_counts_as_outside_everywhere() -> None:
    report = agreement(TEXTS, SPANS, annotators=["alice", "bob", "dave"])
    dave = {f.annotators: f for f in report.scopes[0].pairs}[("alice", "dave")]
    x, empty = corpus_chars("alice"), ["O"] * (len(EMOJI) + len(PLAIN))
    assert dave.spans == (5, 0)
    assert dave.exact_f1 == 0 and dave.overlap_f1 == 0
    assert dave.kappa == pytest.approx(cohen_kappa_score(x, empty))
    assert dave.alpha == pytest.approx(ref_alpha(x, empty))
    assert report.scopes[0].overall.alpha == pytest.approx(
        ref_alpha(x, corpus_chars("bob"), empty)
    )


def test_random_data_matches_the_references() -> None:
    rng = random.Random(11)
    for _ in range(30):
        n_coders = rng.randint(2, 4)
        seqs = [[rng.choice("OOOabc") for _ in range(80)] for _ in range(n_coders)]
        if n_coders == 2 and len(set(seqs[0]) | set(seqs[1])) > 1:
            assert cohen_kappa(*seqs) == pytest.approx(cohen_kappa_score(*seqs))
        assert krippendorff_alpha(zip(*seqs, strict=True)) == pytest.approx(ref_alpha(*seqs))


def test_missing_values_in_alpha_match_the_reference() -> None:
    rows = [[1, 2, None, 1, 3, 3, None], [1, 2, 2, None, 3, 1, 2], [None, 2, 2, 1, 3, 1, None]]
    ours = krippendorff_alpha(zip(*rows, strict=True))
    data = np.array([[np.nan if v is None else v for v in r] for r in rows], dtype=float)
    assert ours == pytest.approx(krippendorff.alpha(reliability_data=data,
                                                    level_of_measurement="nominal"))


def test_undefined_figures_are_none() -> None:
    assert cohen_kappa(["O"] * 5, ["O"] * 5) is None
    assert krippendorff_alpha([("O", "O")] * 5) is None
    assert cohen_kappa([], []) is None


def test_fewer_than_two_annotators_is_an_error() -> None:
    with pytest.raises(AgreementError, match="alice"):
        agreement(TEXTS, of("alice"))
    with pytest.raises(AgreementError, match="none"):
        agreement(TEXTS, [])


def test_documents_nobody_marked_are_left_out() -> None:
    texts = {**TEXTS, "d3": "An article nobody annotated. " * 20}
    with_d3 = agreement(texts, SPANS)
    assert with_d3.documents == ["d1", "d2"]
    assert with_d3.scopes[0].overall.alpha == agreement(TEXTS, SPANS).scopes[0].overall.alpha
