"""Whose work an export takes: the layer asked for (everyone's, the annotators' without
gold, or the gold layer) and the annotators named, checked against the database."""

from __future__ import annotations

from annotator.core.annotators import GOLD
from annotator.core.errors import AnnotatorError
from annotator.core.vocabulary import ALL, GOLD_LAYER, SUGGESTIONS_LAYER
from annotator.store import Store
from annotator.store.export_queries import annotator_names


def layer_annotators(
    store: Store, layer: str, annotators: frozenset[str], statuses: tuple[str, ...]
) -> frozenset[str]:
    """The annotators an export keeps, given ``--layer`` (core/vocabulary.py EXPORT_LAYERS)
    and ``--annotator``; a choice that would select nothing is refused, saying why."""
    if layer == ALL:
        return annotators
    if layer == SUGGESTIONS_LAYER:  # not annotators' work: formats/suggestion_export.py
        raise AnnotatorError("--layer suggestions is written by its own exporter")
    present = set(annotator_names(store))
    if layer == GOLD_LAYER:
        others = sorted(annotators - {GOLD})
        if others:
            raise AnnotatorError(
                f"--layer gold exports only the gold layer; --annotator {others[0]} "
                "would select nothing from it (leave out --layer to export both)"
            )
        if statuses:
            raise AnnotatorError(
                "--status selects documents by an annotator's progress, which the gold "
                "layer does not have; use --layer gold without --status"
            )
        if GOLD not in present:
            raise AnnotatorError(
                "the database has no gold layer yet: adjudicate first, in the window "
                "(annotator DB, then Review ▸ Compare annotators, Ctrl+Shift+R); "
                "`annotator adjudicate DB --progress` shows how far it has come"
            )
        return frozenset({GOLD})
    if GOLD in annotators:
        raise AnnotatorError(
            "--layer annotators leaves out the gold layer, so --annotator gold would "
            "select nothing (use --layer gold)"
        )
    people = frozenset(present - {GOLD})
    if not people:
        raise AnnotatorError("the database has no annotators' spans or relations to export")
    return annotators or people
