"""Every suggestion the suggesters make, on a fixed set of articles, written to one file:
run it on two versions of the code and compare the files (a pure speed change must leave
them byte for byte the same).

    PYTHONPATH=OLD/src python bench/suggest_same.py OUT_OLD.txt [POLNEAR_DIR]
    PYTHONPATH=NEW/src python bench/suggest_same.py OUT_NEW.txt [POLNEAR_DIR]
    cmp OUT_OLD.txt OUT_NEW.txt

The articles: the seed article (as it is, with CRLF line ends, and with '' for its
quotation marks), the bench's 5 KB and 5 MB texts (the seed repeated), a 5 MB text of
PolNeAR's dev articles one after another (no repetition), the sample gold and the
version-1 export fixture, and, when POLNEAR_DIR holds train.jsonl and dev.jsonl
(bench/polnear_gold.py makes them; the test split is never read), every PolNeAR train and
dev article. Each runs bare (no spans), with its gold actors only, with all its gold spans
and no links, and with its gold spans and links; every span and link of every suggester is
written with its offsets, label, score and reason (the 5 MB texts bare and with actors)."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from annotator.cli_suggest import read_gold  # noqa: E402
from annotator.core.model import Relation, Span  # noqa: E402
from annotator.suggest import suggest_document  # noqa: E402

SEED = REPO / "seeds" / "000_47da632286d522d7.txt"
FIXTURES = REPO / "tests" / "fixtures"


def _dump(out, name: str, text: str, spans, relations) -> None:
    for variant, (s, r) in _variants(spans, relations).items():
        result = suggest_document(text, s, r)
        lines = [f"== {name} [{variant}]"]
        for sug in result:
            lines.append(f"-- {sug.suggester}: {len(sug.spans)} spans, {len(sug.links)} links")
            for x in sug.spans:
                assert text[x.start:x.end] or x.start == x.end
                lines.append(f"S {x.key} {x.start} {x.end} {x.label} {x.score!r} {x.reason}")
            for x in sug.links:
                lines.append(f"L {x.label} {x.source} {x.target} {x.score!r} {x.reason}")
        out.write("\n".join(lines) + "\n")


def _variants(spans, relations):
    actors = [s for s in spans if s.label == "actor"]
    out = {"bare": ([], [])}
    if actors:
        out["actors"] = (actors, [])
    if spans and len(spans) != len(actors):
        out["spans"] = (spans, [])
    if relations:
        out["spans+links"] = (spans, relations)
    return out


def _sample():
    text = SEED.read_text(encoding="utf-8")
    spans, relations = [], []
    for n, line in enumerate((FIXTURES / "sample_gold.jsonl").read_text("utf-8").splitlines()):
        r = json.loads(line)
        if r["kind"] == "span":
            spans.append(Span(r["id"], "sample", r["start"], r["end"], r["label"], r["text"],
                              "gold", "", ""))
        else:
            relations.append(Relation(f"r{n}", "sample", r["label"], r["source"], r["target"],
                                      "gold", "", ""))
    mentions = []
    for line in (FIXTURES / "sample_mentions.jsonl").read_text("utf-8").splitlines():
        r = json.loads(line)
        mentions.append(Span(r["id"], "sample", r["start"], r["end"], r["label"], r["text"],
                             "gold", "", ""))
    return text, spans, relations, mentions


def _repeat(text: str, spans, size: int):
    """``text`` repeated to ``size`` characters, and ``spans`` in each whole copy."""
    big = (text * (size // len(text) + 1))[:size]
    out = []
    for k in range(size // len(text)):
        base = k * len(text)
        out.extend(Span(f"{s.id}-{k}", s.document, s.start + base, s.end + base, s.label,
                        s.text, s.annotator, "", "") for s in spans)
    return big, out


def main(path: str, polnear: str | None = None) -> None:
    text, spans, relations, mentions = _sample()
    with open(path, "w", encoding="utf-8") as out:
        _dump(out, "seed", text, spans, relations)
        _dump(out, "seed mentions", text, mentions, [])
        crlf = text.replace("\n", "\r\n")
        _dump(out, "seed CRLF", crlf, [], [])
        _dump(out, "seed ''", text.replace("“", "''").replace("”", "''"), [], [])
        _dump(out, "seed straight", text.replace("“", '"').replace("”", '"'), [], [])
        small, small_spans = _repeat(text, spans, 5_000)
        _dump(out, "5 KB", small, [s for s in small_spans if s.label == "actor"], [])
        big, big_spans = _repeat(text, spans, 5_000_000)
        _dump(out, "5 MB", big, [s for s in big_spans if s.label == "actor"], [])
        for article in read_gold(FIXTURES / "annotator-v1.export.jsonl"):
            _dump(out, f"v1 {article.id}", article.text, article.spans, article.relations)
        if polnear:
            folder = Path(polnear)
            dev = read_gold(folder / "dev.jsonl")
            joined, joined_spans, at = [], [], 0
            while at < 5_000_000:
                for article in dev:
                    joined.append(article.text + "\n\n")
                    joined_spans.extend(
                        Span(f"{s.id}@{at}", "joined", s.start + at, s.end + at, s.label,
                             s.text, "gold", "", "") for s in article.spans
                        if s.label == "actor")
                    at += len(article.text) + 2
            _dump(out, "PolNeAR dev joined", "".join(joined), joined_spans, [])
            for split in ("train", "dev"):
                for article in read_gold(folder / f"{split}.jsonl"):
                    _dump(out, f"{split} {article.id}", article.text, article.spans,
                          article.relations)
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    print(f"{path}: {Path(path).stat().st_size} bytes, sha256 {digest[:16]}")


if __name__ == "__main__":
    main(*sys.argv[1:])
