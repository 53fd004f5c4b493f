"""Linking a quote or claim to its actor, and changing a link's type, in the window.

The candidates come ranked by attribution evidence (core/attribution.py); the first nine are
numbered on screen and a digit picks one; Tab / Shift+Tab walk them, Enter or a click links.
A link type's key chooses the type while linking and retypes the link picked in the list.
Every link, retype and relabel obeys the scheme's link rules (core/link_rules.py): a refused
one says why and changes nothing. The window wires this up; the rules are decided in core.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QTableView

from annotator.core import link_rules
from annotator.core.attribution import Ranked, rank
from annotator.core.editing import EditRefused, make_relation
from annotator.core.model import Span
from annotator.gui.annotate import commands
from annotator.gui.annotate.article_view import ArticleView
from annotator.gui.annotate.link_badges import MAX_BADGES, CandidateBadges
from annotator.gui.annotate.link_commands import RetypeRelation
from annotator.gui.annotate.link_list import PickedLink
from annotator.gui.annotate.state import DocumentState
from annotator.store import Store, StoreError

LINK_CHOICES = 50  # link candidates offered, best first
# Which type a new link from a span of this label most likely is.
_PREFERRED = {"quote": "said_by", "claim": "claimed_by"}
_DIGITS = {getattr(Qt.Key, f"Key_{n}"): n for n in range(1, 10)}


class Linking(QObject):
    def __init__(
        self,
        *,
        store: Store,
        state: DocumentState,
        article: ArticleView,
        relation_table: QTableView,
        picked: PickedLink,
        annotator: Callable[[], str],
        say: Callable[[str], None],
        push: Callable[[commands.StoreCommand], None],
        report: Callable[[StoreError], None],
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self.store, self.state, self.article = store, state, article
        self.relation_table, self.picked = relation_table, picked
        self.annotator, self.say, self.push, self.report = annotator, say, push, report
        self.source: Span | None = None
        self.ranked: list[Ranked] = []
        self.candidate = 0
        self.link_type: str | None = None  # chosen with its key while linking; None: by rule
        self.badges = CandidateBadges(state, parent=self)
        self._keys = _LinkKeys(self)
        relation_table.installEventFilter(self._keys)  # a link type's key retypes there

    @property
    def candidates(self) -> list[Span]:
        return [r.span for r in self.ranked]

    def rules(self) -> link_rules.Rules:
        try:
            return self.store.link_rules()
        except StoreError as exc:
            self.report(exc)
            return {}

    # -- linking -----------------------------------------------------------------------------

    def start(self) -> None:
        source = self.state.selected_span()
        if source is None:
            self.say("Select the quote or claim first, then press Ctrl+L to link it.")
            return
        rules, types = self.rules(), self.state.relation_labels()
        if not types:
            self.say("This scheme has no link types; add one in the label scheme.")
            return
        if not any(not (r := rules.get(t)) or not r.sources or source.label in r.sources
                   for t in types):  # fmt: skip
            joins = "; ".join(f"{t} joins {rules[t].describe()}" for t in types)
            self.say(f"A {source.label} cannot start a link: {joins}.")
            return
        targets = link_rules.target_labels(rules, types, source.label)

        def allowed(s: Span) -> bool:
            return s.id != source.id and (targets is None or s.label in targets)

        # Only the spans near enough to be offered are looked at, not every span of a long
        # article.
        nearby = self.state.spans.around(source.start, LINK_CHOICES, allowed)
        quotes = [s for s in nearby if s.label == "quote"]
        ranked = rank(self.state.document.text, source, [s for s in nearby if allowed(s)],
                      quotes=quotes)  # fmt: skip
        if targets is None:  # any label may end the link: actors still come first
            ranked.sort(key=lambda r: r.span.label != "actor")
        self.ranked = ranked[:LINK_CHOICES]
        if not self.ranked:
            wanted = " or ".join(sorted(targets or {"actor"}))
            self.say(f"There is no {wanted} near to link to yet: mark it first.")
            return
        self.source, self.candidate, self.link_type = source, 0, None
        self.article.set_link_candidate(self.ranked[0].span)
        self.badges.show(self.article.text, self.candidates)
        QApplication.instance().installEventFilter(self._keys)
        first = self.ranked[0]
        self.say(f"Linking: 1–{min(MAX_BADGES, len(self.ranked))} picks, Tab / Shift+Tab "
                 f"choose, Enter links, Esc cancels. 1: “{first.span.text[:40]}” "
                 f"({first.reason}).")  # fmt: skip

    def stop(self) -> None:
        if self.source is not None:
            self.source, self.ranked, self.link_type = None, [], None
            QApplication.instance().removeEventFilter(self._keys)
            self.badges.hide()
            self.article.set_link_candidate(None)

    def step(self, step: int) -> None:
        self.candidate = (self.candidate + step) % len(self.ranked)
        chosen = self.ranked[self.candidate]
        self.article.set_link_candidate(chosen.span)
        self.badges._place()
        self.say(f"{self.candidate + 1}: “{chosen.span.text[:40]}” ({chosen.reason}).")

    def confirm(self) -> None:
        self.link_to(self.ranked[self.candidate].span)

    def pick(self, number: int) -> None:
        if number > min(MAX_BADGES, len(self.ranked)):
            self.say(f"There is no candidate {number}; the numbered ones are "
                     f"1–{min(MAX_BADGES, len(self.ranked))}.")  # fmt: skip
            return
        self.link_to(self.ranked[number - 1].span)

    def choose_type(self, label: str) -> None:
        rules = self.rules()
        rule = rules.get(label)
        if rule is not None and rule.sources and self.source.label not in rule.sources:
            self.say(f"A {self.source.label} cannot start a {label} link: "
                     f"it joins {rule.describe()}.")  # fmt: skip
            return
        self.link_type = label
        self.say(f"Linking as {label}: pick the actor (1–9, Tab, Enter or a click).")

    def link_to(self, target: Span) -> None:
        source = self.source
        rules, types = self.rules(), self.state.relation_labels()
        fits = link_rules.allowed_types(rules, types, source.label, target.label)
        if self.link_type is not None:
            label = self.link_type
            why = link_rules.problem(rules, label, source.label, target.label)
        else:
            preferred = _PREFERRED.get(source.label)
            label = preferred if preferred in fits else (fits[0] if fits else None)
            why = None if fits else "; ".join(
                link_rules.problem(rules, t, source.label, target.label) for t in types
            )
        if why:  # still linking: another candidate can be chosen
            self.say(f"Not linked: {why}.")
            return
        self.stop()
        try:
            relation = make_relation(
                source, target, self.annotator(), relation_labels=types,
                existing=self.state.relations, label=label,
            )
        except EditRefused as exc:
            self.say(str(exc))
            return
        self.push(commands.AddRelation(self.store, self.state, self.report, relation))
        self.state.select(source.id)
        self.say(f"Linked: “{source.text[:40]}” {relation.label} “{target.text[:40]}”.")

    # -- retyping ----------------------------------------------------------------------------

    def retype(self, label: str | None = None) -> None:
        """The picked link's next type that fits its ends (Ctrl+T), or ``label`` (its key)."""
        rel_id = self.picked.relation_id()
        if rel_id is None:
            self.say("Pick a link in the list of links first.")
            return
        old = next(r for r in self.state.relations if r.id == rel_id)
        if old.source not in self.state.spans or old.target not in self.state.spans:
            self.say("This link's spans are not shown in this layer; show all annotations "
                     "to change it.")  # fmt: skip
            return
        source, target = self.state.spans.get(old.source), self.state.spans.get(old.target)
        rules, types = self.rules(), self.state.relation_labels()
        if label is None:
            fits = link_rules.allowed_types(rules, types, source.label, target.label)
            others = [t for t in fits if t != old.label]
            if not others:
                self.say(f"{old.label} is the only link type that may join a {source.label} "
                         f"to a {target.label}.")  # fmt: skip
                return
            after = types.index(old.label) if old.label in types else -1
            label = next((t for t in types[after + 1:] if t in others), others[0])
        elif label == old.label:
            self.say(f"This link is {label} already.")
            return
        else:
            why = link_rules.problem(rules, label, source.label, target.label)
            if why:
                self.say(f"Not changed: {why}.")
                return
        if any((r.source, r.target, r.label) == (old.source, old.target, label)
               for r in self.state.relations):  # fmt: skip
            self.say(f"These spans are already linked ({label}).")
            return
        self.push(RetypeRelation(self.store, self.state, self.report, old, label))
        self.say(f"Link changed to {label}.")

    def relabel_problem(self, span: Span, label: str) -> str | None:
        """Why ``span`` cannot take ``label`` given its links, or None."""
        links = []
        for r in self.state.relations_of(span.id):
            other = r.target if r.source == span.id else r.source
            if other in self.state.spans:
                links.append((r.label, r.source == span.id, self.state.spans.get(other).label))
        return link_rules.relabel_problem(self.rules(), label, links)

    # -- keys --------------------------------------------------------------------------------

    def relation_key(self, text: str) -> str | None:
        """The link type whose key is ``text``."""
        if not text:
            return None
        for name, label in self.state.labels.items():
            if label.kind == "relation" and label.key and label.key.lower() == text.lower():
                return name
        return None


class _LinkKeys(QObject):
    """While linking (an application-wide filter, for its few seconds): digits 1–9 pick a
    numbered candidate and a link type's key chooses the type, before any label key's
    shortcut sees them. On the list of links: a link type's key retypes the picked link."""

    def __init__(self, linking: Linking) -> None:
        super().__init__(linking)
        self.linking = linking

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        act = self._action(watched, event)
        if act is None:
            return False
        if kind == QEvent.Type.ShortcutOverride:
            event.accept()  # the key comes as a key press, not as a label's shortcut
        else:
            act()
        return True

    def _action(self, watched, event) -> Callable[[], None] | None:
        linking = self.linking
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if modifiers not in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
            return None
        if linking.source is not None:
            if event.key() in _DIGITS and modifiers == Qt.KeyboardModifier.NoModifier:
                number = _DIGITS[event.key()]
                return lambda: linking.pick(number)
            name = linking.relation_key(event.text())
            return (lambda: linking.choose_type(name)) if name else None
        if watched is linking.relation_table:
            name = linking.relation_key(event.text())
            return (lambda: linking.retype(name)) if name else None
        return None
