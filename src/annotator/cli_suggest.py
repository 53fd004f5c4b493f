"""``annotator suggest DB``: the suggesters that ship (annotator.suggest) run over the
articles of DB and their suggestions kept in its suggestion layer; with ``--evaluate
GOLD.jsonl``, run over a gold file's articles instead and measured against it (the store
is not opened). Errors are one line, never a traceback."""

from __future__ import annotations

import contextlib
import json
import sys
import time
from pathlib import Path

import click

from annotator.core.display import shown
from annotator.core.errors import AnnotatorError
from annotator.core.model import Relation, Span
from annotator.suggest import SUGGESTERS, suggest_document
from annotator.suggest.evaluate import MATCHES, GoldArticle, Report, evaluate
from annotator.suggest_runs import KINDS, suggest_articles

# The rows of the evaluation, in the order a reader wants them.
ROWS = ("quote", "said_by", "claim", "claimed_by", "actor", "actor mentions")


def read_gold(path: Path) -> list[GoldArticle]:
    """A native JSONL gold file's articles (read as ``annotator import`` reads it: CRLF
    made LF, offsets checked); the first bad record stops it with its file and line."""
    from annotator.formats import native
    from annotator.formats.records import Problem

    if not path.is_file():
        raise AnnotatorError(f"{path}: no such file")
    out: list[GoldArticle] = []
    try:
        for n, item in enumerate(native.read(path), 1):
            if isinstance(item, Problem):
                raise AnnotatorError(f"{item.where}: {item.reason}")
            if not hasattr(item, "text"):
                continue
            doc_id = item.id or item.source_id or f"line {n}"
            spans, ids = [], {}
            for i, s in enumerate(item.spans):
                sid = s.id or f"{doc_id}:{i}"
                ids[sid] = sid
                spans.append(Span(sid, doc_id, s.start, s.end, s.label, item.text[s.start:s.end],
                                  s.annotator or "gold", "", ""))
            relations = []
            for i, r in enumerate(item.relations):
                for end in (r.source, r.target):
                    if end not in ids:
                        raise AnnotatorError(f"{item.origin}: relations[{i}] names span "
                                             f"{end!r}, which the record does not hold")
                relations.append(Relation(r.id or f"{doc_id}:r{i}", doc_id, r.label, r.source,
                                          r.target, r.annotator or "gold", "", ""))
            out.append(GoldArticle(doc_id, item.text, spans, relations))
    except OSError as exc:
        raise AnnotatorError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    if not out:
        raise AnnotatorError(f"{path}: holds no article")
    return out


def report_lines(report: Report, seconds: float | None = None) -> list[str]:
    """The evaluation as a table: one row per kind, exact and overlap P/R/F1."""
    head = f"{'kind':<16} {'gold':>6} {'found':>6}   " + "   ".join(
        f"{m + ' P':>9} {'R':>5} {'F1':>5}" for m in MATCHES)
    lines = [f"{report.articles} article(s)" + (f" in {seconds:.2f} s" if seconds else ""),
             head]
    kinds = [k for k in ROWS if k in report.kinds] + sorted(set(report.kinds) - set(ROWS))
    for kind in kinds:
        exact, overlap = (report.kinds[kind][m] for m in MATCHES)
        lines.append(
            f"{kind:<16} {overlap.gold:>6} {overlap.predicted:>6}   "
            + "   ".join(f"{c.precision:>9.3f} {c.recall:>5.3f} {c.f1:>5.3f}"
                         for c in (exact, overlap)))
    lines.append(f"speaker of a found quote right: {report.speaker_right}/{report.speaker_asked}"
                 f" = {report.speaker:.3f}; through pronouns: {report.speaker_resolved}/"
                 f"{report.speaker_asked} = {report.speaker_through_pronouns:.3f}")
    return lines


@click.command("suggest")
@click.argument("db", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--kind", "kinds", multiple=True, type=click.Choice(sorted(KINDS)),
              help="what to suggest (repeat for several; default all)")
@click.option("--document", "documents", multiple=True, metavar="ID",
              help="only this article (repeat for several; default all)")
@click.option("--evaluate", "gold", type=click.Path(path_type=Path, dir_okay=False),
              help="measure against this gold native JSONL file (the store is not used)")
@click.option("--min-score", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              help="with --evaluate: count only suggestions scored at least this")
@click.option("--json", "as_json", is_flag=True, help="with --evaluate: print JSON")
def suggest_command(db: Path, kinds: tuple[str, ...], documents: tuple[str, ...],
                    gold: Path | None, min_score: float, as_json: bool) -> None:
    """Propose quotes, speakers, actors and claims for the articles of DB; they stay
    suggestions until an annotator accepts them in the window."""
    wanted = {KINDS[k] for k in kinds} or set(SUGGESTERS)
    try:
        if gold is not None:
            _evaluate(gold, wanted, min_score, as_json)
        else:
            _suggest(db, wanted, documents)
    except AnnotatorError as exc:
        raise click.ClickException(shown(str(exc), keep="\n")) from exc


def _evaluate(gold: Path, wanted: set[str], min_score: float, as_json: bool) -> None:
    articles = read_gold(gold)

    def run(text, spans, relations, kinds=None):
        return suggest_document(text, spans, relations,
                                kinds=wanted if kinds is None else kinds & wanted or kinds)

    began = time.perf_counter()
    report = evaluate(articles, run, min_score=min_score)
    took = time.perf_counter() - began
    if as_json:
        click.echo(json.dumps(report.as_dict() | {"seconds": round(took, 3),
                                                  "min_score": min_score}, indent=2))
        return
    for line in report_lines(report, took):
        click.echo(shown(line))


def _suggest(db: Path, wanted: set[str], documents: tuple[str, ...]) -> None:
    from annotator.store import Store

    if not db.is_file():
        raise AnnotatorError(f"{db}: no such database")
    with Store.open(db, create=False) as store:
        ids = list(documents) or store.document_ids()
        # A progress bar on a terminal only (as cli.py's imports and exports do).
        bar = (click.progressbar(length=len(ids), label="suggesting", file=sys.stderr,
                                 show_pos=True)
               if len(ids) > 1 and sys.stderr.isatty() else None)  # fmt: skip
        with bar if bar is not None else contextlib.nullcontext():
            def progress(done: int, _total: int) -> None:
                if bar is not None and done:
                    bar.update(1)

            try:
                tally = suggest_articles(store, ids, wanted, progress)
            except AnnotatorError as exc:
                raise AnnotatorError(f"{db}: {exc}") from exc
    click.echo(shown(f"{db}: {tally.describe(wanted)}"))


SUGGEST_COMMANDS = (suggest_command,)
