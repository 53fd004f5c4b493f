"""The sample article annotated as an annotator would: its actors, quotes and claims,
and each quote and claim linked to its actor (said_by / claimed_by). Used by the tests of
the drawn links and by the screenshots of them."""

from __future__ import annotations

import re

from annotator.core.editing import make_relation, make_span

# (label, text, which occurrence of the text), in reading order
SPANS = [
    ("actor", "Sergei Lavrov", 0),
    ("actor", "Mongi Hamdi", 0),
    ("actor", "Russia's foreign minister", 0),
    ("claim", "not to offer Ukraine membership of the alliance", 0),
    ("actor", "Sergei Lavrov", 1),
    ("actor", "President Vladimir Putin", 0),
    ("actor", "he", 0),
    ("claim", "could be a large-scale crisis in the heart of Europe", 0),
    ("quote", '"It is precisely at such a moment', 0),
    ("actor", "Lavrov", 3),
    ("quote", '"It\'s a blatant attempt to derail all efforts aimed at initiating a dialogue '
              'on ensuring national reconciliation."', 0),
    ("actor", "Moscow", 2),
    ("claim", "it will regard NATO membership for Ukraine as a national security threat", 0),
    ("actor", "Lavrov", 4),
    ("quote", '"Some of our Western partners', 0),
    ("quote", '"This concept of exclusivity', 0),
    ("actor", "President (Barack) Obama", 0),
    ("actor", "Obama", 0),
    ("actor", "he", 1),
    ("actor", "Lavrov", 5),
    ("quote", '"practical steps"', 0),
    ("claim", "Russia would take", 0),
]
# (source index, target index) into SPANS
LINKS = [(3, 2), (7, 6), (8, 9), (10, 9), (12, 11), (14, 13), (15, 18), (20, 19), (21, 19)]


def _find(text: str, needle: str, nth: int) -> int:
    """Where the ``nth`` occurrence of ``needle`` as a whole word starts."""
    found = [m.start() for m in re.finditer(rf"(?<!\w){re.escape(needle)}(?!\w)", text)]
    return found[nth]


def annotate_sample(store, annotator: str = "tester") -> tuple[list, list]:
    """Mark and link the sample article in ``store``; returns its spans and links."""
    summary = store.documents()[0]
    doc = store.document(summary.id)
    text, labels = doc.text, {label.name for label in store.labels("span")}
    spans = []
    for label, needle, nth in SPANS:
        start = _find(text, needle, nth)
        end = start + len(needle)
        if needle.startswith('"') and len(needle) < 40:  # a quote: up to its closing mark
            end = text.index('"', start + 1) + 1
        span = make_span(doc, start, end, label, annotator, known_labels=labels, existing=spans)
        store.add_span(span)
        spans.append(span)
    kinds = [label.name for label in store.labels("relation")]
    links = []
    for a, b in LINKS:
        link = make_relation(spans[a], spans[b], annotator, relation_labels=kinds,
                             existing=links)
        store.add_relation(link)
        links.append(link)
    return spans, links
