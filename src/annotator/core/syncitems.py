"""What the team hub syncs, described once for both sides (store/syncing.py writes it into the
local file, sync/ into PostgreSQL): each kind's columns in order, the key that names one item,
and its content, which tells whether the item changed since it was last synced.

A span's content is its place, label, text and note; timestamps travel but are not content
(touching a span and putting it back is no change). Document labels are present or not, so
their content is empty. Document notes are the annotator's note on a whole article."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    name: str  # "span", "relation", ...
    table: str  # the same in both databases
    columns: tuple[str, ...]  # the annotator column included
    key: tuple[str, ...]  # the columns that name one item
    content: tuple[str, ...]  # what a change changes

    def item(self, row: dict) -> str:
        if len(self.key) == 1:  # an id: most items, so the short way
            return row[self.key[0]]
        return "\t".join(str(row[c]) for c in self.key)

    def content_of(self, row: dict) -> tuple:
        return tuple(row[c] for c in self.content)


SPAN = Kind(
    "span", "spans",
    ("id", "document", "start", "end", "label", "text", "annotator", "note", "created_at",
     "updated_at"),
    ("id",), ("document", "start", "end", "label", "text", "note"),
)
RELATION = Kind(
    "relation", "relations",
    ("id", "document", "label", "source", "target", "annotator", "note", "created_at",
     "updated_at"),
    ("id",), ("document", "label", "source", "target", "note"),
)
STATUS = Kind(
    "status", "document_status", ("document", "annotator", "status", "updated_at"),
    ("document", "annotator"), ("status",),
)
DOCUMENT_LABEL = Kind(
    "document_label", "document_labels", ("document", "label", "annotator", "created_at"),
    ("document", "label", "annotator"), (),
)
NOTE = Kind(
    "note", "document_notes", ("document", "annotator", "note"),
    ("document", "annotator"), ("note",),
)

# A reviewer's verdict on an annotator's item, keyed by that item: one verdict per item on
# the hub, so two reviewers splitting a corpus never overwrite each other. Its owner column
# is "annotator" here and on the hub (the reviewer), "reviewer" in the local table. The
# reviewer is content: a verdict by another reviewer on the same item is a conflict.
DECISION = Kind(
    "decision", "decisions",
    ("item", "kind", "document", "verdict", "gold", "owns_gold", "annotator", "decided_at",
     "note"),
    ("item",), ("kind", "verdict", "gold", "owns_gold", "annotator", "note"),
)

# In the order a pull applies them (a relation needs its spans, a decision its gold item).
KINDS = (SPAN, RELATION, STATUS, DOCUMENT_LABEL, NOTE, DECISION)
BY_NAME = {kind.name: kind for kind in KINDS}
