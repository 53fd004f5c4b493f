"""The labelling scheme: the labels of spans, relations and documents, their colours, keys
and order."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace

from annotator.core.errors import InputError
from annotator.core.link_rules import LinkRule, Rules, check, problem
from annotator.core.model import Label
from annotator.store.errors import StoreError, reads
from annotator.store.rows import ID, RelationRow, SpanRow

_SPAN_LABEL = SpanRow._fields.index("label")
_REL_LABEL = RelationRow._fields.index("label")
_REL_ENDS = (RelationRow._fields.index("source"), RelationRow._fields.index("target"))

_NEW_LABEL_COLORS = ("#e5739a", "#a77ee0", "#e8844a", "#4fb7c9", "#9aa546", "#c9a227")


class Labels:
    """The scheme's part of ``Store``."""

    @reads
    def labels(self, kind: str | None = "span") -> list[Label]:
        where, args = ("WHERE kind = ?", [kind]) if kind else ("", [])
        rows = self.conn.execute(
            "SELECT name, kind, color, key, position, description FROM labels "
            f"{where} ORDER BY kind, position, name",
            args,
        )
        return [Label(*row) for row in rows]

    @reads
    def label_usage(self, name: str) -> int:
        """How many spans (or relations, or articles: a document label) use a label."""
        row = self.conn.execute(
            "SELECT (SELECT count(*) FROM spans WHERE label = ?) "
            "+ (SELECT count(*) FROM relations WHERE label = ?) "
            "+ (SELECT count(*) FROM document_labels WHERE label = ?)",
            [name, name, name],
        ).fetchone()
        return row[0]

    @reads
    def link_rules(self) -> dict[str, LinkRule]:
        """Which span labels each link type joins (core/link_rules.py); a type without an
        entry joins any."""
        ends: dict[str, dict[str, list[str]]] = {}
        if not self.conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'link_rules'"
        ).fetchone():
            return {}  # a file of an older schema, opened only to be read: no rules yet
        for relation, side, label in self.conn.execute(
            "SELECT r.relation, r.side, r.label FROM link_rules r "
            "JOIN labels l ON l.name = r.label ORDER BY r.relation, r.side, l.position, l.name"
        ):
            ends.setdefault(relation, {"source": [], "target": []})[side].append(label)
        return {
            name: LinkRule(name, tuple(sides["source"]), tuple(sides["target"]))
            for name, sides in ends.items()
        }

    def link_problem(self, relation: str, source: str, target: str) -> str | None:
        """Why a ``relation`` link between the spans ``source`` and ``target`` (ids) breaks
        the scheme's rule, or None."""
        row = self.conn.execute(
            "SELECT (SELECT label FROM spans WHERE id = ?), (SELECT label FROM spans WHERE id = ?)",
            [source, target],
        ).fetchone()
        if row[0] is None or row[1] is None:
            return None  # the foreign keys refuse a link to a missing span
        return problem(self.link_rules(), relation, row[0], row[1])

    def _set_link_rules(self, rules: list[LinkRule]) -> None:
        """Inside a write: give each of ``rules``' link types its rule, then refuse (rolling
        the write back) if a stored link breaks one."""
        kinds = dict(self.conn.execute("SELECT name, kind FROM labels").fetchall())
        problems = check(rules, kinds)
        if problems:
            raise StoreError("The link rules cannot be saved: " + "; ".join(problems))
        for rule in rules:
            self._write_rule(rule)
        self._check_stored_links(self.link_rules())

    def _write_rule(self, rule: LinkRule) -> None:
        self.conn.execute("DELETE FROM link_rules WHERE relation = ?", [rule.relation])
        self.conn.executemany(
            "INSERT INTO link_rules (relation, side, label) VALUES (?, ?, ?)",
            [(rule.relation, "source", n) for n in rule.sources]
            + [(rule.relation, "target", n) for n in rule.targets],
        )

    def _stored_link_ends(self) -> list[tuple[str, str, str, int]]:
        """How many stored links join each pair of span labels, per link type."""
        return self.conn.execute(
            "SELECT r.label, s.label, t.label, count(*) FROM relations r "
            "JOIN spans s ON s.id = r.source JOIN spans t ON t.id = r.target "
            "GROUP BY r.label, s.label, t.label"
        ).fetchall()

    def _sync_link_rules(self, rules: list[LinkRule], kept: list[str]) -> int:
        """Inside a sync's write, after the hub's labels: make each of the hub's ``rules``
        this file's (the hub is the scheme's server of record, as for labels). A rule that
        links in this file break (made under the old rule, not yet pushed) is not taken: the
        file keeps its own for that type and ``kept`` says why. Returns how many changed."""
        mine = self.link_rules()
        ends = self._stored_link_ends()
        changed = 0
        for rule in rules:
            old = mine.get(rule.relation, LinkRule(rule.relation))
            if (set(old.sources), set(old.targets)) == (set(rule.sources), set(rule.targets)):
                continue
            broken = sum(n for relation, source, target, n in ends
                         if relation == rule.relation and not rule.allows(source, target))
            if broken:
                kept.append(f"the hub's rule for {rule.relation} ({rule.describe()}) was not "
                            f"taken: {broken} link(s) in this file break it; this file keeps "
                            f"its own ({old.describe()})")
                continue
            self._write_rule(rule)
            changed += 1
        return changed

    def _check_stored_links(self, rules: Rules) -> None:
        broken = [(why, n) for rel, s, t, n in self._stored_link_ends() if (why := problem(rules, rel, s, t))]
        if broken:
            raise StoreError(
                "The link rules cannot be saved: "
                + "; ".join(f"{n} stored link(s) break it ({why})" for why, n in broken)
            )

    def _ends_checker(
        self, known: set[str], spans: list[tuple], moved: dict[str, str], origin: str,
        rules: Rules,
    ) -> Callable[[tuple], None]:
        """For an import: the check of a new relation row of a document whose spans are
        ``known`` (ids) — ``spans`` the batch's rows of them, ``moved`` the ids of those
        found stored under another — refusing, with its reason, a relation to a span the
        document lacks or one that breaks its type's rule (as a bad span would be)."""
        labels = {moved.get(row[ID], row[ID]): row[_SPAN_LABEL] for row in spans}

        def label_of(span_id: str) -> str | None:
            if span_id not in labels:
                row = self.conn.execute("SELECT label FROM spans WHERE id = ?", [span_id])
                labels[span_id] = (row.fetchone() or [None])[0]
            return labels[span_id]

        def check(row: tuple) -> None:
            ends = [row[i] for i in _REL_ENDS]
            for end in ends:
                if end not in known:
                    raise InputError(origin, f"relation {row[ID]!r} refers to unknown span {end!r}")
            labels_of_ends = [label_of(end) for end in ends]
            if rules.get(row[_REL_LABEL]) is not None and None not in labels_of_ends:
                why = problem(rules, row[_REL_LABEL], *labels_of_ends)
                if why:
                    raise InputError(origin, f"relation {row[ID]!r} breaks the scheme: {why}")

        return check

    def save_scheme(
        self, labels: list[Label], *, renames: dict[str, str], deletes: list[str],
        rules: list[LinkRule] | None = None,
    ) -> None:
        """Replace the scheme in one transaction: renamed labels keep their spans (the
        rename cascades), deleted labels take their spans and links with them. ``rules``
        (when given) replace the link rules of their link types; one that a stored link
        breaks is refused and nothing is saved."""
        with self._write():
            for name in deletes:
                self.conn.execute("DELETE FROM spans WHERE label = ?", [name])
                self.conn.execute("DELETE FROM relations WHERE label = ?", [name])
                self.conn.execute("DELETE FROM document_labels WHERE label = ?", [name])
                self.conn.execute("DELETE FROM labels WHERE name = ?", [name])
            self.conn.execute("UPDATE labels SET key = NULL")  # keys may swap places
            for old, new in renames.items():
                self.conn.execute("UPDATE labels SET name = ? WHERE name = ?", [new, old])
            positions: Counter[str] = Counter()
            for label in labels:
                position = positions[label.kind]
                positions[label.kind] += 1
                self.conn.execute(
                    "INSERT INTO labels (name, kind, color, key, position, description) "
                    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET "
                    "color = excluded.color, key = excluded.key, position = excluded.position, "
                    "description = excluded.description",
                    [label.name, label.kind, label.color, label.key, position, label.description],
                )
            if rules is not None:
                self._set_link_rules(rules)

    def merge_scheme(self, labels: list[Label], rules: list[LinkRule] = ()) -> list[str]:
        """Add the labels a scheme file brings and take its colours and keys (and the link
        rules it gives) for the ones that exist (nothing is deleted). Returns the names
        added."""
        current = {label.name: label for label in self.labels(None)}
        merged = list(current.values())
        added = []
        for label in labels:
            if label.name in current:
                if current[label.name].kind != label.kind:
                    raise StoreError(f"{label.name!r} is a {current[label.name].kind} label here")
                merged[merged.index(current[label.name])] = replace(
                    current[label.name], color=label.color, key=label.key
                )
            else:
                merged.append(label)
                added.append(label.name)
        taken = {}
        for label in merged:  # a key the file gives a label wins over the old holder
            if label.key:
                # Every key is one label's: span and document labels share the article's
                # keys, and a link type's key may not be a label's (core/scheme.py check).
                previous = taken.get(label.key)
                if previous is not None and previous.name not in {x.name for x in labels}:
                    merged[merged.index(previous)] = replace(previous, key=None)
                taken[label.key] = label
        self.save_scheme(merged, renames={}, deletes=[], rules=list(rules))
        return added

    def _add_labels(self, names: Iterable[str], kind: str, origin: str = "") -> list[str]:
        """Inside a write: add the labels of ``kind`` that the scheme lacks (an import
        brings them); refuse a name the scheme has for the other kind."""
        known = dict(self.conn.execute("SELECT name, kind FROM labels").fetchall())
        added = []
        for name in names:
            if name in known:
                if known[name] != kind:
                    raise InputError(
                        origin or "import",
                        f"{name!r} is a {known[name]} label in this database; "
                        f"it cannot be used as a {kind} label",
                    )
                continue
            row = self.conn.execute(
                "SELECT count(*), coalesce(max(position) + 1, 0) FROM labels WHERE kind = ?",
                [kind],
            ).fetchone()
            color = _NEW_LABEL_COLORS[row[0] % len(_NEW_LABEL_COLORS)]
            self.conn.execute(
                "INSERT INTO labels (name, kind, color, key, position) VALUES (?, ?, ?, NULL, ?)",
                [name, kind, color, row[1]],
            )
            known[name] = kind
            added.append(name)
        return added
