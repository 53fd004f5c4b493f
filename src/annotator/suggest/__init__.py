"""The suggesters that ship with Annotator: pure functions of an article's text and the
spans and links already in it (no store, no model, no download).

:func:`suggest_document` runs them and returns one :class:`Suggestions` per suggester:

- ``quotes``: direct quotations (quotes.py), each with its speaker (speakers.py) as a
  ``said_by`` link to an actor already marked (``span:<id>``) or to an actor span proposed
  in the same run;
- ``speakers``: a ``said_by`` link for each quote already marked that has none;
- ``actors``: further mentions of the actors already marked, then titled names and
  organisations as weaker candidates (actors.py);
- ``claims``: reported speech without quotation marks (claims.py), with a ``claimed_by``
  link to its subject.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from annotator.core.bulk import collector_paused
from annotator.core.model import Relation, Span
from annotator.core.suggestions import Suggestions

SUGGESTERS = ("quotes", "speakers", "actors", "claims")
# The scheme's names for what the suggesters find; a scheme may rename them (scheme_rules).
DEFAULT_RULES = {
    "quote": "quote", "claim": "claim", "actor": "actor", "reported": "claim",
    "said_by": "said_by", "claimed_by": "claimed_by",
}


def suggest_document(
    text: str,
    spans: Sequence[Span],
    relations: Sequence[Relation],
    *,
    kinds: set[str] | None = None,
    scheme_rules: Mapping[str, str] | None = None,
) -> list[Suggestions]:
    """One Suggestions per suggester in ``kinds`` (all of SUGGESTERS when None), in the
    order of SUGGESTERS. ``scheme_rules`` maps "quote", "claim", "actor", "reported" (the
    label reported speech gets: "claim" or "quote"), "said_by" and "claimed_by" to the
    scheme's label names; what it leaves out keeps its default."""
    wanted = set(SUGGESTERS) if kinds is None else set(kinds)
    unknown = wanted - set(SUGGESTERS)
    if unknown:
        raise ValueError(f"unknown suggester {sorted(unknown)[0]!r}; "
                         f"choose from {', '.join(SUGGESTERS)}")
    rules = {**DEFAULT_RULES, **(scheme_rules or {})}
    actor = rules["actor"]
    actors = [s for s in spans if s.label == actor]
    # The rules are compiled when first used (run.py), not when the package is imported:
    # the window and every command import it, and compiling them took 0.2 s of start-up.
    from annotator.suggest.run import Run

    run = Run(text, spans, relations, rules)
    out: list[Suggestions] = []
    # (The suggesters make many small objects, none in a reference cycle: the cycle
    # collector scanning them again and again took a tenth of a 5 MB article's time.)
    with collector_paused():
        for name in SUGGESTERS:
            if name in wanted:
                out.append(getattr(run, name)(actors, with_speakers="speakers" in wanted))
    return out
