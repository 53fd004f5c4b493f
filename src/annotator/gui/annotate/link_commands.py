"""The undoable change of a link's type: in place, so the link keeps its id and its row in
the list of links (a delete and add moved it to the end, and the row picked in the list then
held another link)."""

from __future__ import annotations

from annotator.core.model import Relation
from annotator.gui.annotate.commands import StoreCommand


class RetypeRelation(StoreCommand):
    def __init__(self, store, state, report, relation: Relation, label: str):
        super().__init__(f"Change link {relation.label} to {label}", store, state, report)
        self.old, self.label = relation, label

    def focus(self) -> str | None:
        return self.old.source

    def _redo(self):
        return self._retype(self.label)

    def _undo(self):
        return self._retype(self.old.label)

    def _retype(self, label: str):
        store, state, rel_id = self.store, self.state, self.old.id
        return lambda: store.retype_relation(rel_id, label), state.replace_relation
