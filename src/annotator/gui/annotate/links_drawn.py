"""Links and tags drawn in the article: the View ▸ Links and View ▸ Label tags settings
(remembered), a link picked by clicking its arc (drawn distinctly; Delete deletes it,
Ctrl+T retypes it, Esc lets it go) and Go ▸ Follow link (Ctrl+J) to the other end.

The drawing is overlay.py's; this wires it to the menus and to the link edits of
annotating.py, whose undo commands it uses (nothing here touches the store)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, QObject

from annotator import settings
from annotator.core.arcs import LINKS_SHOWN, short_text
from annotator.core.model import Relation
from annotator.gui.annotate import commands


class DrawnLinks(QObject):
    def __init__(self, *, window, article, state, annotating, relation_table, menus,
                 say: Callable[[str], None]) -> None:
        super().__init__(window)
        self.article, self.state, self.annotating = article, state, annotating
        self.table, self.menus, self.say = relation_table, menus, say
        self.overlays = [article.views.widget(i).overlay for i in range(article.views.count())]
        self.selected: str | None = None  # the link picked in the text
        self._lost: tuple[str, str] | None = None  # ends of a picked link just replaced
        stored = settings.load()
        mode = stored.get("links_shown")
        self.mode = mode if mode in LINKS_SHOWN else "all"
        self.tags = bool(stored.get("label_tags", True))
        for overlay in self.overlays:
            overlay.links_mode, overlay.tags_on = self.mode, self.tags
            overlay.link_clicked.connect(self.pick)
            overlay.link_key.connect(self._on_link_key)
        menus.links_actions[self.mode].setChecked(True)
        menus.tags_action.setChecked(self.tags)
        for name, action in menus.links_actions.items():
            action.triggered.connect(lambda _c=False, name=name: self.set_mode(name))
        menus.links_cycle_action.triggered.connect(self.cycle_mode)
        menus.tags_action.toggled.connect(self.set_tags)
        menus.follow_action.triggered.connect(self.follow)
        relation_table.selectionModel().currentRowChanged.connect(self._on_table_row_changed)
        state.relation_removed.connect(self._on_relation_removed)
        state.relation_added.connect(self._on_relation_added)
        state.document_opened.connect(lambda: self.pick(None))
        self._apply_room()

    # -- settings ------------------------------------------------------------------------------

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self.menus.links_actions[mode].setChecked(True)
        settings.save({"links_shown": mode})
        for overlay in self.overlays:
            overlay.links_mode = mode
        if mode == "none":
            self.pick(None)  # no link is picked where none is drawn
        self._apply_room()

    def cycle_mode(self) -> None:
        mode = LINKS_SHOWN[(LINKS_SHOWN.index(self.mode) + 1) % len(LINKS_SHOWN)]
        self.set_mode(mode)
        text = self.menus.links_actions[mode].text().replace("&", "")
        self.say(f"Links drawn: {text.lower()} (Ctrl+K for the next setting).")

    def set_tags(self, on: bool) -> None:
        self.tags = on
        self.menus.tags_action.setChecked(on)
        settings.save({"label_tags": on})
        for overlay in self.overlays:
            overlay.tags_on = on
        self._apply_room()

    def _apply_room(self) -> None:
        """Lines make room for the tags and arcs shown, and give it back when they go."""
        for overlay in self.overlays:
            overlay.apply_room()
        self.article.resizeEvent(None)  # the room above the first line

    # -- the picked link -------------------------------------------------------------------------

    def relation(self, rel_id: str | None) -> Relation | None:
        return next((r for r in self.state.relations if r.id == rel_id), None)

    def pick(self, rel_id: str | None) -> None:
        """Pick a link (None: let it go): drawn distinctly, and the row of the link list
        that Ctrl+T retypes, without moving the article or the selected span."""
        self._lost = None
        self.selected = rel_id if self.relation(rel_id) is not None else None
        for overlay in self.overlays:
            overlay.selected_link = self.selected
            overlay.update()
        if self.selected is not None:
            row = next(i for i, r in enumerate(self.state.relations) if r.id == self.selected)
            model = self.table.selectionModel()
            blocked = model.blockSignals(True)  # the list's own pick would select its source
            model.setCurrentIndex(self.table.model().index(row, 0),
                                  QItemSelectionModel.SelectionFlag.ClearAndSelect
                                  | QItemSelectionModel.SelectionFlag.Rows)
            model.blockSignals(blocked)
            # the link list's keys (Ctrl+T, Delete) act on the link it holds picked, by id
            self.annotating.picked_link.picked = self.selected
            self.table.viewport().update()
            link = self.relation(self.selected)
            self.say(f"Link {link.label}: “{self._text(link.source)}” → “{self._text(link.target)}”"
                     " — Delete deletes it, Ctrl+T changes its type, Ctrl+J follows it, "
                     "Esc lets it go.")

    def _text(self, span_id: str) -> str:
        span = self.state.spans.get(span_id) if span_id in self.state.spans else None
        return short_text(span, 40) if span is not None else "?"

    def _on_link_key(self, what: str) -> None:
        link = self.relation(self.selected)
        if what == "escape" or link is None:
            self.pick(None)
            return
        a = self.annotating  # the same undoable edit as Delete on the link list
        a._push(commands.DeleteRelation(a.store, self.state, a.report, link))
        if self.relation(link.id) is None:
            self.say(f"Deleted the link {link.label}: “{self._text(link.source)}” → "
                     f"“{self._text(link.target)}” (Ctrl+Z brings it back).")

    def _on_table_row_changed(self, current, _previous) -> None:
        if self.annotating.picked_link.settling():  # Qt moving the row, not the user
            return
        if self.table.hasFocus() and current.isValid():  # picked in the list by the user
            self.pick(self.state.relations[current.row()].id)

    def _on_relation_removed(self, relation: Relation, _row: int) -> None:
        if relation.id == self.selected:
            self.pick(None)
            self._lost = (relation.source, relation.target)  # retyped: the new one is picked

    def _on_relation_added(self, relation: Relation, _row: int) -> None:
        if self._lost == (relation.source, relation.target):
            self.pick(relation.id)
        else:
            for overlay in self.overlays:
                overlay.update()

    # -- following -----------------------------------------------------------------------------

    def follow(self) -> None:
        """Go to the other end of the picked link, or of the selected span's first link,
        select it and keep the link picked (Ctrl+J again comes back)."""
        link = self.relation(self.selected)
        here = self.state.selected
        if link is None and here is not None:
            links = self.state.relations_of(here)
            link = links[0] if links else None
        if link is None:
            self.say("Click a link's arc, or select a linked span, then Ctrl+J goes to the "
                     "other end.")
            return
        other = link.source if here == link.target else link.target
        if other not in self.state.spans:
            self.say("The other end of this link is not shown in this view.")
            return
        self.state.select(other)
        self.article.show_span(self.state.spans.get(other))
        self.pick(link.id)
