"""The one pipeline that runs the shipped suggesters (annotator.suggest) and keeps what they
propose in a database's suggestion layer: ``annotator suggest`` and the window (an article
opened, Suggestions ▸ Suggest for all articles…) both go through it, so the same articles
get the same suggestions whichever started the job.

Two steps, so that the window can run the slow one off its GUI thread and write on it:
:func:`propose` is pure (an article's text, spans and links in, suggestions out) and
:func:`keep` writes one article's runs in one transaction. :func:`suggest_articles` does
both for many articles, each article its own transaction, so a job stopped between two
articles (Cancel, Ctrl+C) leaves every article either done or as it was. No Qt here."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from annotator.core.errors import AnnotatorError
from annotator.core.model import Relation, Span
from annotator.core.suggestion_rows import ReplaceResult
from annotator.core.suggestions import Suggestions
from annotator.suggest import SUGGESTERS, suggest_document

# What ``--kind`` (and the window) names, and the suggester that does it.
KINDS = {"quote": "quotes", "speaker": "speakers", "actor": "actors", "claim": "claims"}


@dataclass
class Tally:
    """What a job kept: suggestions by suggester, those left out (rejected before in their
    article, or a link whose end is), and the articles done."""

    made: Counter[str] = field(default_factory=Counter)
    left_out: int = 0
    articles: int = 0

    def add(self, done: dict[str, ReplaceResult]) -> None:
        for name, result in done.items():
            self.made[name] += result.added_spans + result.added_links
            self.left_out += result.rejected_before + result.dropped_links
        self.articles += 1

    def describe(self, wanted: Iterable[str] = SUGGESTERS) -> str:
        wanted = set(wanted)
        summary = ", ".join(f"{self.made[name]} from {name}" for name in SUGGESTERS
                            if name in wanted)  # fmt: skip
        left = (f"; {self.left_out} left out (rejected before in their article)"
                if self.left_out else "")  # fmt: skip
        return f"{self.articles} article(s); suggestions kept: {summary}{left}"


def propose(text: str, spans: Sequence[Span], relations: Sequence[Relation],
            wanted: Iterable[str] = SUGGESTERS) -> list[Suggestions]:  # fmt: skip
    """The suggesters' runs for one article; pure, so any thread may call it."""
    return suggest_document(text, spans, relations, kinds=set(wanted))


def keep(store, doc_id: str, runs: list[Suggestions]) -> dict[str, ReplaceResult]:
    """Put the runs in place of those suggesters' pending suggestions, in one transaction
    (what was rejected in the article before is left out by the store)."""
    return store.replace_suggestion_runs(doc_id, runs)


def suggest_article(
    store, doc_id: str, wanted: Iterable[str] = SUGGESTERS
) -> dict[str, ReplaceResult]:
    """One article read, proposed for and kept."""
    doc = store.document(doc_id)
    runs = propose(doc.text, store.spans(doc_id), store.relations(doc_id), wanted)
    return keep(store, doc_id, runs)


def suggest_articles(
    store, ids: Sequence[str], wanted: Iterable[str] = SUGGESTERS,
    progress: Callable[[int, int], None] | None = None,
) -> Tally:
    """Every article of ``ids`` in turn, each in its own transaction; ``progress(done,
    total)`` is called before the first and after each (an exception it raises, such as
    the window's Cancel, stops the job between two articles)."""
    wanted = set(wanted)
    known = set(store.document_ids())
    missing = [d for d in ids if d not in known]
    if missing:
        raise AnnotatorError(f"no article with id {missing[0]!r}")
    tally = Tally()
    if progress is not None:
        progress(0, len(ids))
    for n, doc_id in enumerate(ids, 1):
        tally.add(suggest_article(store, doc_id, wanted))
        if progress is not None:
            progress(n, len(ids))
    return tally
