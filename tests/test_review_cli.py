"""`annotator agreement DB [--by label|document] [--json]` on a review database."""

from __future__ import annotations

import json
from pathlib import Path

import krippendorff
import numpy as np
import pytest
from click.testing import CliRunner
from sklearn.metrics import cohen_kappa_score

from annotator.cli import main
from annotator.core.model import DocumentMeta, IncomingDocument, IncomingSpan
from annotator.store import Store

TEXT = "Putin 😀 said no to NATO. Kiev said yes."
FRAGS = {
    "alice": [("Putin", "actor"), ("said no to NATO", "quote")],
    "bob": [("Putin", "actor"), ("no to NATO", "quote"), ("Kiev", "actor")],
    "carol": [("Putin 😀", "actor")],
}


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def make_review(path: Path, who=("alice", "bob", "carol")) -> Path:
    spans = [
        IncomingSpan(TEXT.index(f), TEXT.index(f) + len(f), label, annotator=name)
        for name in who
        for f, label in FRAGS[name]
    ]
    with Store.open(path) as s:
        s.import_documents(
            [
                IncomingDocument(TEXT, "a", DocumentMeta(title="Sample"), "t", id="doc-a",
                                 spans=spans),
                IncomingDocument("Nobody marked this one.", "b", DocumentMeta(), "t", id="doc-b"),
            ],
            annotator="import",
        )
    return path


def chars(name: str) -> list[int]:
    """Per-character labels as numbers (O=0, actor=1, quote=2); shortest span wins."""
    codes = {"actor": 1, "quote": 2}
    out = [0] * len(TEXT)
    for f, label in sorted(FRAGS[name], key=lambda x: -len(x[0])):
        start = TEXT.index(f)
        out[start : start + len(f)] = [codes[label]] * len(f)
    return out


def test_json_figures_equal_the_references(tmp_path: Path) -> None:
    db = make_review(tmp_path / "review.db")
    result = run("agreement", db, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["annotators"] == ["alice", "bob", "carol"] and data["documents"] == 1
    (corpus,) = data["scopes"]
    pairs = {tuple(p["annotators"]): p for p in corpus["pairs"]}
    ab = pairs[("alice", "bob")]
    assert ab["exact_f1"] == pytest.approx(2 * 1 / 5)
    assert ab["overlap_f1"] == pytest.approx(2 * 2 / 5)
    assert ab["kappa"] == pytest.approx(cohen_kappa_score(chars("alice"), chars("bob")))
    assert ab["spans"] == {"alice": 2, "bob": 3}
    every = np.array([chars(n) for n in ("alice", "bob", "carol")], dtype=float)
    assert corpus["all"]["alpha"] == pytest.approx(
        krippendorff.alpha(reliability_data=every, level_of_measurement="nominal")
    )
    assert corpus["all"]["kappa"] is None


def test_tables_by_label_and_document(tmp_path: Path) -> None:
    db = make_review(tmp_path / "review.db")
    plain = run("agreement", db)
    assert plain.exit_code == 0, plain.output
    assert "3 annotators, 1 document(s)" in plain.output
    assert "alice + bob" in plain.output and "all annotators" in plain.output
    assert "exact F1" in plain.output and "kappa" in plain.output and "alpha" in plain.output
    by_label = run("agreement", db, "--by", "label")
    assert by_label.exit_code == 0
    assert "label actor" in by_label.output and "label quote" in by_label.output
    by_doc = run("agreement", db, "--by", "document", "--json")
    assert [s["key"] for s in json.loads(by_doc.output)["scopes"]] == ["doc-a"]
    assert "document Sample (doc-a)" in run("agreement", db, "--by", "document").output


def test_fewer_than_two_annotators_is_a_clear_error(tmp_path: Path) -> None:
    db = make_review(tmp_path / "one.db", who=("alice",))
    result = run("agreement", db)
    assert result.exit_code != 0
    assert "at least two annotators with spans" in result.output and "alice" in result.output
    missing = run("agreement", tmp_path / "nowhere.db")
    assert missing.exit_code != 0 and "no such database" in missing.output
