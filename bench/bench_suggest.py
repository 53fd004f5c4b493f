"""The suggesters' figures (bench.py part "suggest"): the issue's table, measured on PolNeAR
(its dev split, the one tuned on with train; its test split, held out, once), and the time
for a 5 KB and a 5 MB article.

PolNeAR is read from a clone of github:networkdynamics/PolNeAR: $ANNOTATOR_POLNEAR, else
the mirror at /work/.mirror/networkdynamics+PolNeAR/repo; without one the figures are
skipped with a line saying so (the times are still measured)."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

from polnear_gold import convert  # noqa: E402

from annotator.cli_suggest import read_gold  # noqa: E402
from annotator.core.model import Span  # noqa: E402
from annotator.suggest import suggest_document  # noqa: E402
from annotator.suggest.evaluate import evaluate, first_marked, mention_counts  # noqa: E402

MIRRORS = [os.environ.get("ANNOTATOR_POLNEAR", ""),
           "/work/.mirror/networkdynamics+PolNeAR/repo"]
SEED = REPO / "seeds" / "000_47da632286d522d7.txt"
SAMPLE_GOLD = REPO / "tests" / "fixtures" / "sample_gold.jsonl"
SAMPLE_MENTIONS = REPO / "tests" / "fixtures" / "sample_mentions.jsonl"
SURE = 0.5  # short quotations with no speaker at their edge (scare quotes) score below this


def _mirror() -> Path | None:
    for name in MIRRORS:
        if name and Path(name).exists():
            return Path(name)
    return None


def _table(split: str, path: Path, record_value) -> None:
    articles = read_gold(path)
    report = evaluate(articles, suggest_document)
    sure = evaluate(articles, suggest_document, min_score=SURE).kinds["quote"]["overlap"]
    quote = report.kinds["quote"]["overlap"]
    claim = report.kinds["claim"]["overlap"]
    mentions = report.kinds["actor mentions"]["overlap"]
    rows = [
        ("direct quotes, precision (overlap)", quote.precision, ">= 0.90"),
        ("direct quotes, recall (overlap)", quote.recall, ">= 0.85"),
        (f"direct quotes scored >= {SURE}, precision (overlap)", sure.precision, ">= 0.90"),
        (f"direct quotes scored >= {SURE}, recall (overlap)", sure.recall, ">= 0.85"),
        ("speaker of a matched quote right", report.speaker, ">= 0.80"),
        ("  the same, the gold speaker counted as the person it names", report.speaker_through_pronouns,
         "(>= 0.80)"),
        ("actor mentions from marked actors, precision (strict)", mentions.precision,
         "(PolNeAR marks only speakers)"),
        ("  the same, right when a gold source's name repeated", report.mention_repeats,
         ">= 0.95"),
        ("claims without quote marks, recall (overlap)", claim.recall, ">= 0.50"),
        ("claims without quote marks, precision (overlap)", claim.precision, ">= 0.70"),
    ]
    print(f"PolNeAR {split}: {report.articles} articles, {quote.gold} quoted contents, "
          f"{claim.gold} contents without quotation marks")
    for name, value, target in rows:
        record_value(f"suggest {split}: {name}", value, target)
    print(f"  (actor mentions: {report.mentions_proposed} proposed, {report.mentions_on_source} "
          f"on a gold source, {report.mentions_repeating} repeating a gold source's name; "
          "PolNeAR marks only the actors that speak)")


def sample_mentions(record_value) -> None:
    """The actors suggester on the sample article against its exhaustive gold of every
    mention (tests/fixtures/sample_mentions.jsonl), from the first mention of each actor
    the sample gold marks."""
    text = SEED.read_text(encoding="utf-8")
    rows = [json.loads(line) for line in SAMPLE_MENTIONS.read_text(encoding="utf-8").splitlines()]
    gold = [json.loads(line) for line in SAMPLE_GOLD.read_text(encoding="utf-8").splitlines()]
    mentions = [(Span(r["id"], "sample", r["start"], r["end"], r["label"], r["text"], "gold",
                      "", ""), r["entity"]) for r in rows]
    seeds = first_marked(mentions, [(g["start"], g["end"]) for g in gold
                                    if g["kind"] == "span" and g["label"] == "actor"])
    counts = mention_counts(text, mentions, seeds, suggest_document)
    for how in ("overlap", "exact"):
        c = counts[how]
        record_value(f"suggest sample: actor mentions from marked actors, precision ({how})",
                     c.precision, ">= 0.95" if how == "overlap" else "")
        record_value(f"suggest sample: actor mentions from marked actors, recall ({how})",
                     c.recall, "")


def bench_suggest(folder: Path, small: bool, record, results: dict) -> None:
    def record_value(name: str, value: float, target: str) -> None:
        results[name] = {"value": round(value, 4), "target": target}
        print(f"{name:<58} {value:9.3f}      target {target}")

    sample_mentions(record_value)

    mirror = _mirror()
    if mirror is None:
        print("suggest: PolNeAR not found (set ANNOTATOR_POLNEAR to a clone of "
              "github:networkdynamics/PolNeAR): its figures are skipped")
    else:
        gold = convert(mirror, folder / "polnear")
        _table("dev", gold["dev"], record_value)
        _table("test (held out)", gold["test"], record_value)
    base = SEED.read_text(encoding="utf-8")
    for size, target, runs in ((5_000, "50 ms", 5), (5_000_000 if not small else 200_000,
                                                      "2000 ms", 1 if small else 3)):
        text = (base * (size // len(base) + 1))[:size]
        suggest_document(text, [], [])
        times = []
        for _ in range(runs):
            began = time.perf_counter()
            suggest_document(text, [], [])
            times.append(time.perf_counter() - began)
        record(f"suggest: all suggesters, {size // 1000} KB article", times, target)
