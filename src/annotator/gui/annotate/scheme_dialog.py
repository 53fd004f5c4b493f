"""The label scheme editor: add, rename, recolour, reorder labels, document labels (about
the whole article) and link types and set their keys and which labels each link type joins
(its Joins column, "quote → actor"); import and export the scheme as JSON. Saved in one
transaction on OK, through the store's writer (gui/writer.py) like every other edit."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core import scheme
from annotator.core.errors import AnnotatorError
from annotator.core.link_rules import LinkRule
from annotator.core.model import Label
from annotator.formats.atomic import atomic_write
from annotator.formats.scheme_file import read_scheme
from annotator.gui import theme
from annotator.gui.writer import Write, Writer
from annotator.store import Store, StoreError

NAME, KIND, COLOR, KEY, DESCRIPTION, JOINS = range(6)
_SHOWN_NAME = Qt.ItemDataRole.UserRole + 1  # a name as last shown, to follow a rename
_ARROWS = ("→", "->", ">")
# What the Kind column calls each kind: a document label is about the whole article.
KIND_NAMES = {"span": "label", "document": "document label", "relation": "link type"}
_NEW_COLORS = ("#e5739a", "#a77ee0", "#e8844a", "#4fb7c9", "#9aa546")


class SchemeDialog(QDialog):
    def __init__(self, store: Store, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        # The window's writer; a dialog made on its own (tests) gets one that says refusals.
        self.writer = Writer.of(store, lambda error: QMessageBox.critical(
            None, "Not saved", str(error)))
        self._write: Write | None = None  # the scheme on its way to the database
        self.setWindowTitle("Label scheme")
        self.table = QTableWidget(0, 6, objectName="schemeTable")
        self.table.setHorizontalHeaderLabels(
            ["Name", "Kind", "Colour", "Key", "Description", "Joins (link types)"]
        )
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        rules = store.link_rules()
        for label in store.labels("span") + store.labels("document") + store.labels("relation"):
            self._append(label, rule=rules.get(label.name))
        self.table.itemChanged.connect(self._on_table_item_changed)
        buttons = QHBoxLayout()
        for text, slot in (
            ("Add label", lambda: self.add("span")),
            ("Add document label", lambda: self.add("document")),
            ("Add link type", lambda: self.add("relation")),
            ("Remove", self.remove_current),
            ("Move up", lambda: self.move_current(-1)),
            ("Move down", lambda: self.move_current(1)),
            ("Import…", self.import_file),
            ("Export…", self.export_file),
        ):
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(box)
        self.table.cellDoubleClicked.connect(self._on_table_cell_double_clicked)
        self.resize(760, 420)

    # -- rows ------------------------------------------------------------------------------

    def _append(
        self, label: Label, *, original: str | None = None, rule: LinkRule | None = None
    ) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        name = QTableWidgetItem(label.name)
        name.setData(Qt.ItemDataRole.UserRole, label.name if original is None else original)
        name.setData(_SHOWN_NAME, label.name)
        kind = QTableWidgetItem(KIND_NAMES.get(label.kind, label.kind))
        kind.setData(Qt.ItemDataRole.UserRole, label.kind)
        kind.setFlags(kind.flags() & ~Qt.ItemFlag.ItemIsEditable)
        color = QTableWidgetItem(label.color)
        color.setBackground(QColor(label.color))
        color.setForeground(theme.ink_on(label.color))  # not the theme's text: light in the dark
        color.setFlags(color.flags() & ~Qt.ItemFlag.ItemIsEditable)
        for column, item in enumerate(
            (name, kind, color, QTableWidgetItem(label.key or ""), QTableWidgetItem(label.description))
        ):
            self.table.setItem(row, column, item)
        joins = QTableWidgetItem(_joins_text(rule) if rule else "")
        if label.kind == "relation":
            joins.setToolTip("The labels this link type joins, as “quote → actor” (several: "
                             "“quote, claim → actor”; empty or “any”: any label)")
            self.table.item(row, KEY).setToolTip(
                "A link type's key retypes the link picked in the list of links, and chooses "
                "the type while linking; it may not be a label's key or a digit")
        else:
            joins.setFlags(joins.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.table.setItem(row, JOINS, joins)
        return row

    def add(self, kind: str) -> None:
        n = self.table.rowCount()
        row = self._append(
            Label(f"new_{kind}_{n + 1}", kind, _NEW_COLORS[n % len(_NEW_COLORS)]), original=""
        )
        self.table.setCurrentCell(row, NAME)
        self.table.editItem(self.table.item(row, NAME))

    def remove_current(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            name = self.table.item(row, NAME).data(_SHOWN_NAME)
            self.table.removeRow(row)
            self._rename_in_joins(name, None)  # as the database's rules lose it

    def move_current(self, step: int) -> None:
        row = self.table.currentRow()
        other = row + step
        if row < 0 or not 0 <= other < self.table.rowCount():
            return
        for column in range(self.table.columnCount()):
            a, b = self.table.takeItem(row, column), self.table.takeItem(other, column)
            self.table.setItem(row, column, b)
            self.table.setItem(other, column, a)
        self.table.setCurrentCell(other, self.table.currentColumn())

    def set_color(self, row: int, color: str) -> None:
        item = self.table.item(row, COLOR)
        item.setText(color)
        item.setBackground(QColor(color))
        item.setForeground(theme.ink_on(color))

    def _on_table_item_changed(self, item: QTableWidgetItem) -> None:
        """A span label renamed here is renamed in the link types' Joins too."""
        if item.column() != NAME:
            return
        old, new = item.data(_SHOWN_NAME), item.text().strip()
        if not old or old == new:
            return
        item.setData(_SHOWN_NAME, new)
        self._rename_in_joins(old, new)

    def _rename_in_joins(self, old: str | None, new: str | None) -> None:
        """Follow a span label's rename (``new``) or removal (None) in the Joins cells."""
        for row in range(self.table.rowCount()):
            cell = self.table.item(row, JOINS)
            if old and cell is not None and cell.text():
                try:
                    rule = _parse_joins(cell.text(), "")
                except ValueError:
                    continue

                def swap(names: tuple[str, ...]) -> tuple[str, ...]:
                    return tuple(new if n == old else n for n in names if n != old or new)

                if old in (*rule.sources, *rule.targets):
                    cell.setText(_joins_text(LinkRule("", swap(rule.sources),
                                                      swap(rule.targets))))  # fmt: skip

    def _on_table_cell_double_clicked(self, row: int, column: int) -> None:
        if column == COLOR:
            chosen = QColorDialog.getColor(QColor(self.table.item(row, COLOR).text()), self)
            if chosen.isValid():
                self.set_color(row, chosen.name())

    # -- reading the table -------------------------------------------------------------------

    def labels(self) -> list[Label]:
        out = []
        for row in range(self.table.rowCount()):
            item = self.table.item
            out.append(Label(
                name=item(row, NAME).text().strip(),
                kind=item(row, KIND).data(Qt.ItemDataRole.UserRole),
                color=item(row, COLOR).text().strip(),
                key=item(row, KEY).text().strip() or None,
                position=row,
                description=item(row, DESCRIPTION).text().strip(),
            ))
        return out

    def rules(self) -> list[LinkRule]:
        """Each link type's rule from its Joins cell; raises ValueError naming a bad one."""
        span_names = {label.name for label in self.labels() if label.kind == "span"}
        out = []
        for label, row in zip(self.labels(), range(self.table.rowCount()), strict=True):
            if label.kind != "relation":
                continue
            rule = _parse_joins(self.table.item(row, JOINS).text(), label.name)
            unknown = [n for n in (*rule.sources, *rule.targets) if n not in span_names]
            if unknown:
                raise ValueError(f"{label.name!r} joins {', '.join(map(repr, unknown))}, which "
                                 "is not a label of this scheme")  # fmt: skip
            out.append(rule)
        return out

    def renames(self) -> dict[str, str]:
        out = {}
        for row in range(self.table.rowCount()):
            original = self.table.item(row, NAME).data(Qt.ItemDataRole.UserRole)
            name = self.table.item(row, NAME).text().strip()
            if original and original != name:
                out[original] = name
        return out

    def accept(self) -> None:
        if self._write is not None:
            return  # OK again while the scheme waits to be saved
        labels, renames = self.labels(), self.renames()
        kept = {self.table.item(r, NAME).data(Qt.ItemDataRole.UserRole)
                for r in range(self.table.rowCount())}
        deletes = [label.name for label in self.store.labels(None) if label.name not in kept]
        try:
            scheme.check(labels)
            rules = self.rules()
        except AnnotatorError as exc:
            QMessageBox.warning(self, "Label scheme", str(exc))
            return
        except ValueError as exc:
            QMessageBox.warning(self, "Label scheme", f"The label scheme cannot be saved: {exc}")
            return
        used = {name: self.store.label_usage(name) for name in deletes}
        used = {name: n for name, n in used.items() if n}
        if used:
            listing = ", ".join(f"“{name}” by {n}" for name, n in used.items())
            answer = QMessageBox.question(
                self, "Delete labels in use?",
                f"Removed labels are in use: {listing}. Delete those annotations too?",
                QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel,
            )
            if answer != QMessageBox.StandardButton.Ok:
                return
        store = self.store
        self._write = Write(
            "Change the label scheme",
            lambda: store.save_scheme(labels, renames=renames, deletes=deletes, rules=rules),
            self._saved, refused=self._refused,
        )
        # Through the store's writer like every edit: after the edits made before it (a
        # rename must not overtake a span still waiting with the old name), and while
        # another program holds the lock, tried again until it is saved or Cancel is pressed.
        self.writer.submit(self._write)

    def reject(self) -> None:
        if self._write is not None:
            self.writer.cancel(self._write)  # still waiting: it never reaches the file
            self._write = None
        super().reject()

    def _saved(self, _result) -> None:
        self._write = None
        super().accept()

    def _refused(self, error: StoreError) -> None:
        self._write = None
        QMessageBox.critical(self, "Label scheme not saved", str(error))

    # -- files -------------------------------------------------------------------------------

    def export_file(self) -> None:
        target, _ = QFileDialog.getSaveFileName(self, "Export scheme", "scheme.json", "JSON (*.json)")
        if target:
            try:
                rules = {rule.relation: rule for rule in self.rules()
                         if rule.sources or rule.targets}  # fmt: skip
                with atomic_write(Path(target)) as f:
                    f.write(json.dumps(scheme.to_json(self.labels(), rules), indent=2).encode())
            except (AnnotatorError, ValueError) as exc:
                QMessageBox.critical(self, "Export failed", str(exc))

    def import_file(self) -> None:
        source, _ = QFileDialog.getOpenFileName(self, "Import scheme", "", "JSON (*.json)")
        if not source:
            return
        try:
            incoming, found = read_scheme(source)
        except AnnotatorError as exc:  # its message names the file
            QMessageBox.critical(self, "Import failed", str(exc))
            return
        rules = {rule.relation: rule for rule in found}
        present = {self.table.item(r, NAME).text(): r for r in range(self.table.rowCount())}
        for label in incoming:
            if label.name in present:
                row = present[label.name]
                self.set_color(row, label.color)
                self.table.item(row, KEY).setText(label.key or "")
                if label.name in rules and label.kind == "relation":
                    self.table.item(row, JOINS).setText(_joins_text(rules[label.name]))
            else:
                self._append(label, original="", rule=rules.get(label.name))


def _joins_text(rule: LinkRule) -> str:
    return f"{', '.join(rule.sources) or 'any'} → {', '.join(rule.targets) or 'any'}"


def _parse_joins(text: str, name: str) -> LinkRule:
    """A Joins cell ("quote → actor", "quote, claim -> actor", "" for any) as a rule."""
    text = text.strip()
    if not text:
        return LinkRule(name)
    for arrow in _ARROWS:
        if arrow in text:
            left, _, right = text.partition(arrow)
            break
    else:
        raise ValueError(f"{name!r}: write the labels it joins as “quote → actor”")

    def names(side: str) -> tuple[str, ...]:
        parts = [p.strip() for p in side.replace(" or ", ",").split(",")]
        parts = [p for p in parts if p and p.lower() not in {"any", "*"}]
        return tuple(dict.fromkeys(parts))

    return LinkRule(name, names(left), names(right))
