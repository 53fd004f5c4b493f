"""The one place a review verdict is applied: spans first, then the links that follow them.

The review window's keys, the command line and the tests all decide through these
functions, so every caller gets the rule of :func:`annotator.review.rules.follow_spans`
(a link is rejected with either of its spans, accepted once both are in gold), not only the
window. The checks are the store's (``decide_spans``, ``decide_relation``, ``undecide``):
a verdict it refuses raises :class:`AdjudicationError`, whose message says why, and
:func:`refusal` words it for the reviewer. No Qt; the store does the SQL.
"""

from __future__ import annotations

from collections.abc import Iterable

from annotator.review.rules import Verdicts, follow_spans
from annotator.store import Store
from annotator.store.adjudication import AdjudicationError

__all__ = [
    "AdjudicationError",
    "decide_link",
    "decide_spans",
    "follow_links",
    "refusal",
    "undecide",
]


def decide_spans(
    store: Store,
    doc_id: str,
    verdicts: Iterable[tuple[str, str] | tuple[str, str, dict]],
    *,
    reviewer: str,
) -> Verdicts:
    """``reviewer``'s verdicts on spans of ``doc_id`` (as ``Store.decide_spans`` takes
    them), then the verdicts on the links that follow them; return the latter.

    The spans' verdicts are one transaction, their links' another: applying the same again
    after a failure half-way is safe, as deciding the same again changes nothing."""
    store.decide_spans(verdicts, reviewer=reviewer)
    return follow_links(store, doc_id, reviewer=reviewer)


def follow_links(store: Store, doc_id: str, *, reviewer: str) -> Verdicts:
    """The undecided links of ``doc_id`` whose spans settle them get their verdict (one
    transaction); return those verdicts."""
    follow = follow_spans(store.relations(doc_id), store.decisions(doc_id))
    if follow:
        store.decide_relations(follow, reviewer=reviewer)
    return follow


def decide_link(
    store: Store, link_id: str, verdict: str, *, reviewer: str, label: str | None = None
) -> None:
    """``reviewer``'s verdict on one link; ``label`` is its type in gold, kept only with
    the verdict *edited* (an accepted link keeps its own)."""
    extra = {"label": label} if verdict == "edited" else {}
    store.decide_relation(link_id, verdict, reviewer=reviewer, **extra)


def undecide(store: Store, items: Iterable[str]) -> None:
    """Forget the verdicts on ``items`` (spans or links); their gold items go with them
    when no other verdict made them."""
    for item in items:
        store.undecide(item)


def refusal(exc: AdjudicationError) -> str:
    """What the reviewer reads when the store refuses a verdict."""
    return f"Not decided: {exc}"
