"""Issue 16, point 7: link agreement (review/link_agreement.py), checked against a hand-worked
example and against a straightforward reference implementation written here."""

from __future__ import annotations

import itertools
import json
import random
from collections import Counter
from pathlib import Path
from typing import NamedTuple

import pytest
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.model import DocumentMeta, IncomingDocument, IncomingRelation, IncomingSpan
from annotator.review.link_agreement import link_agreement, link_lines
from annotator.store import Store


class S(NamedTuple):
    id: str
    document: str
    start: int
    end: int
    label: str
    annotator: str


class L(NamedTuple):
    document: str
    label: str
    source: str
    target: str
    annotator: str


# alice and bob on one article: bob's second actor starts a character later (it matches
# alice's only by overlap), and his claimed_by goes to that actor, not to the first.
SPANS = [
    S("a1", "d", 0, 10, "quote", "alice"), S("a2", "d", 20, 25, "actor", "alice"),
    S("a3", "d", 30, 35, "actor", "alice"), S("a4", "d", 40, 50, "claim", "alice"),
    S("b1", "d", 0, 10, "quote", "bob"), S("b2", "d", 20, 25, "actor", "bob"),
    S("b3", "d", 31, 35, "actor", "bob"), S("b4", "d", 40, 50, "claim", "bob"),
]
LINKS = [
    L("d", "said_by", "a1", "a2", "alice"), L("d", "said_by", "a1", "a3", "alice"),
    L("d", "claimed_by", "a4", "a2", "alice"),
    L("d", "said_by", "b1", "b2", "bob"), L("d", "said_by", "b1", "b3", "bob"),
    L("d", "claimed_by", "b4", "b3", "bob"),
]


def scope(report, matching: str, key: str | None):
    return next(s for s in report.scopes if (s.matching, s.key) == (matching, key))


def test_the_hand_worked_example() -> None:
    report = link_agreement(SPANS, LINKS)
    assert report.annotators == ["alice", "bob"]
    # exact: a3 has no match, so only a1->a2 / b1->b2 matches: 1 of 3 each way.
    # kappa: units are the ordered pairs of a1, a2, a4 (6); (a1,a2) said_by/said_by,
    # (a4,a2) claimed_by/O, 4 O/O: po = 5/6, pe = (1*1 + 1*0 + 4*5)/36 = 21/36,
    # kappa = (30 - 21) / (36 - 21) = 0.6.
    exact = scope(report, "exact", None).pairs[0]
    assert (exact.links, exact.matched) == ((3, 3), 1)
    assert exact.precision == exact.recall == exact.f1 == pytest.approx(1 / 3)
    assert exact.kappa == pytest.approx(0.6)
    # overlap: a3 matches b3, so a1->a3 matches too: 2 of 3. Units: 12 ordered pairs of
    # a1..a4; S/S twice, C/O and O/C once each, 8 O/O: po = 10/12, marginals S2 C1 O9 on
    # both sides: pe = 86/144, kappa = (120 - 86) / (144 - 86) = 34/58.
    overlap = scope(report, "overlap", None).pairs[0]
    assert overlap.matched == 2 and overlap.f1 == pytest.approx(2 / 3)
    assert overlap.kappa == pytest.approx(34 / 58)
    # per link type: said_by exact 1 of 2 (kappa: 1 S/S among 6 units, the rest O/O: 1.0),
    # claimed_by none.
    said = scope(report, "exact", "said_by").pairs[0]
    assert (said.matched, said.precision, said.recall, said.kappa) == (1, 0.5, 0.5, 1.0)
    claimed = scope(report, "overlap", "claimed_by").pairs[0]
    assert (claimed.matched, claimed.f1) == (0, 0.0)
    # two annotators: "all" is that pair
    assert scope(report, "exact", None).overall.kappa == exact.kappa


def test_no_figures_with_fewer_than_two_annotators_with_links() -> None:
    assert link_agreement(SPANS, [x for x in LINKS if x.annotator == "alice"]) is None
    assert link_lines(None) == []


# -- the reference: every link against every link, every unit listed ---------------------


def reference(spans: list[S], links: list[L], a: str, b: str, how: str, key: str | None):
    """Precision, recall, F1 and kappa of a against b, computed the long way. The data
    made below has one span per annotator per slot of 10 characters, so a span of A
    matches at most one of B: same label and, exactly, the same offsets or, overlapping,
    a shared character."""
    by_id = {s.id: s for s in spans}

    def same(x: S, y: S) -> bool:
        if x.document != y.document or x.label != y.label:
            return False
        if how == "exact":
            return (x.start, x.end) == (y.start, y.end)
        return min(x.end, y.end) > max(x.start, y.start)

    la = [x for x in links if x.annotator == a and key in (None, x.label)]
    lb = [x for x in links if x.annotator == b and key in (None, x.label)]
    used: set[int] = set()
    matched = 0
    for x in la:
        for j, y in enumerate(lb):
            if j not in used and x.label == y.label and same(by_id[x.source], by_id[y.source]) \
                    and same(by_id[x.target], by_id[y.target]):
                used.add(j)
                matched += 1
                break
    p = matched / len(la) if la else None
    r = matched / len(lb) if lb else None
    f = 2 * matched / (len(la) + len(lb)) if la or lb else None
    # kappa: list every unit and each one's two codes
    mine = [s for s in spans if s.annotator == a]
    theirs = [s for s in spans if s.annotator == b]
    partner = {x.id: y.id for x in mine for y in theirs if same(x, y)}
    codes_a, codes_b = [], []
    for x, y in itertools.permutations([s for s in mine if s.id in partner], 2):
        if x.document != y.document:
            continue
        ca = sorted({k.label for k in la if (k.source, k.target) == (x.id, y.id)})
        cb = sorted({k.label for k in lb
                     if (k.source, k.target) == (partner[x.id], partner[y.id])})
        codes_a.append("+".join(ca) or "O")
        codes_b.append("+".join(cb) or "O")
    n = len(codes_a)
    kappa = None
    if n:
        po = sum(1 for u, v in zip(codes_a, codes_b, strict=True) if u == v) / n
        ma, mb = Counter(codes_a), Counter(codes_b)
        pe = sum(ma[c] * mb[c] for c in ma) / (n * n)
        kappa = None if pe == 1 else (po - pe) / (1 - pe)
    return p, r, f, kappa


def random_data(seed: int) -> tuple[list[S], list[L]]:
    rng = random.Random(seed)
    spans, links = [], []
    for doc in ("d1", "d2"):
        for who in ("ann", "ben", "cat"):
            mine = []
            for slot in range(8):
                if rng.random() < 0.7:
                    start = slot * 10 + rng.choice([0, 0, 1, 2])
                    end = slot * 10 + rng.choice([6, 6, 7, 9])
                    label = rng.choice(["actor", "actor", "quote"])
                    span = S(f"{doc}-{who}-{slot}", doc, start, end, label, who)
                    spans.append(span)
                    mine.append(span)
            for x, y in itertools.permutations(mine, 2):
                if rng.random() < 0.25:
                    links.append(L(doc, rng.choice(["said_by", "claimed_by"]), x.id, y.id, who))
    return spans, links


@pytest.mark.parametrize("seed", range(12))
def test_the_figures_match_the_reference(seed: int) -> None:
    spans, links = random_data(seed)
    report = link_agreement(spans, links)
    assert report.annotators == ["ann", "ben", "cat"]
    for s in report.scopes:
        for pair in s.pairs:
            want = reference(spans, links, *pair.annotators, s.matching, s.key)
            got = (pair.precision, pair.recall, pair.f1, pair.kappa)
            assert got == pytest.approx(want), (s.matching, s.key, pair.annotators)
        means = [p.f1 for p in s.pairs if p.f1 is not None]
        assert s.overall.f1 == pytest.approx(sum(means) / len(means))
        assert s.overall.kappa is None  # three annotators: kappa is for pairs


# -- the command line ----------------------------------------------------------------------


def linked_db(path: Path) -> Path:
    text = "x" * 60
    spans = {who: [IncomingSpan(s.start, s.end, s.label, id=s.id, annotator=who)
                   for s in SPANS if s.annotator == who] for who in ("alice", "bob")}
    with Store.open(path) as store:
        store.import_documents([IncomingDocument(
            text, "src", DocumentMeta(title="T"), "t", id="d",
            spans=spans["alice"] + spans["bob"],
            relations=[IncomingRelation(x.label, x.source, x.target, annotator=x.annotator)
                       for x in LINKS],
        )], annotator="import")  # fmt: skip
    return path


def test_the_agreement_command_prints_the_link_figures(tmp_path: Path) -> None:
    db = linked_db(tmp_path / "links.db")
    result = CliRunner().invoke(main, ["agreement", str(db)])
    assert result.exit_code == 0, result.output
    out = result.output.splitlines()
    at = out.index("links (exact span match)")
    assert out[at + 1].split() == ["annotators", "links", "precision", "recall", "F1", "kappa"]
    assert out[at + 2].split() == ["alice", "+", "bob", "3/3", "0.333", "0.333", "0.333", "0.600"]
    at = out.index("links (overlap span match)")
    assert out[at + 2].split() == ["alice", "+", "bob", "3/3", "0.667", "0.667", "0.667", "0.586"]
    assert "link type said_by (exact span match)" in out
    data = json.loads(CliRunner().invoke(main, ["agreement", str(db), "--json"]).output)
    first = data["links"]["scopes"][0]
    assert (first["matching"], first["link_type"]) == ("exact", None)
    assert first["pairs"][0]["kappa"] == pytest.approx(0.6)
