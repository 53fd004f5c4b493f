"""The labelling scheme: the labels of spans, relations and documents, their colours, keys
and order."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from annotator.core.errors import InputError
from annotator.core.model import Label
from annotator.core.scheme import key_group
from annotator.store.errors import StoreError, reads

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

    def save_scheme(
        self, labels: list[Label], *, renames: dict[str, str], deletes: list[str]
    ) -> None:
        """Replace the scheme in one transaction: renamed labels keep their spans (the
        rename cascades), deleted labels take their spans and links with them."""
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

    def merge_scheme(self, labels: list[Label]) -> list[str]:
        """Add the labels a scheme file brings and take its colours and keys for the
        ones that exist (nothing is deleted). Returns the names added."""
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
                group = key_group(label.kind)  # span and document labels share keys
                previous = taken.get((group, label.key))
                if previous is not None and previous.name not in {x.name for x in labels}:
                    merged[merged.index(previous)] = replace(previous, key=None)
                taken[(group, label.key)] = label
        self.save_scheme(merged, renames={}, deletes=[])
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
