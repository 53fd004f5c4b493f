"""File ▸ Export: the format, the file (or brat's folder), the offsets unit and the filters.

Every field is an option of ``annotator export`` (formats/options.py ExportOptions), and the
dialog shows the command line that does the same; the export itself is the command line's
(jobs.py runs it in a worker thread), so the same choices write the same bytes."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.vocabulary import (
    ALL,
    ANNOTATORS,
    EXPORT_LAYERS,
    GOLD_LAYER,
    STATUS_TEXT,
    SUGGESTIONS_LAYER,
    TODO,
)
from annotator.formats import EXPORTS
from annotator.formats.options import ExportOptions
from annotator.gui.annotate.import_dialog import buddy_label, command_label

FORMATS = {
    "jsonl": ("Annotator JSON Lines (native)", ".jsonl"),
    "doccano": ("doccano, plain (label triples)", ".jsonl"),
    "doccano-rel": ("doccano, entities and relations", ".jsonl"),
    "prodigy": ("Prodigy / spaCy tasks", ".jsonl"),
    "labelstudio": ("Label Studio JSON", ".json"),
    "brat": ("brat standoff (a folder of .txt and .ann)", ""),
    "csv": ("CSV, one row per span", ".csv"),
}
assert set(FORMATS) == set(EXPORTS)  # every format the command line writes
LAYERS = {ALL: "Everyone's, gold included", ANNOTATORS: "The annotators' (no gold)",
          GOLD_LAYER: "Only the gold layer",
          SUGGESTIONS_LAYER: "The pending suggestions (with suggester, score, reason)"}  # fmt: skip
assert set(LAYERS) == set(EXPORT_LAYERS)  # every layer the command line writes
# The suggestions are nobody's work yet and are written in the native format only
# (formats/suggestion_export.py): these fields would select nothing from them.
NOT_FOR_SUGGESTIONS = ("format", "unit", "annotators", "statuses")


# What a label names, said beside it in the list (--label takes span and link labels alike).
KINDS = {"span": "", "relation": "  (link)", "document": "  (whole article)"}


def _checklist(names: list[tuple[str, str]], object_name: str) -> QListWidget:
    """Names to tick, each with what is shown for it; none ticked means all (as leaving
    out the option does)."""
    widget = QListWidget(objectName=object_name)
    for name, shown in names:
        item = QListWidgetItem(shown)
        item.setData(Qt.ItemDataRole.UserRole, name)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        widget.addItem(item)
    widget.setMaximumHeight(110)
    return widget


def _ticked(widget: QListWidget) -> tuple[str, ...]:
    return tuple(
        widget.item(i).data(Qt.ItemDataRole.UserRole) for i in range(widget.count())
        if widget.item(i).checkState() == Qt.CheckState.Checked
    )


class ExportDialog(QDialog):
    def __init__(
        self, *, db: Path, labels: list[tuple[str, str]], annotators: list[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self._output_edited = False
        self.setWindowTitle("Export")
        self.format = QComboBox(objectName="exportFormat")
        for name, (text, _suffix) in FORMATS.items():
            self.format.addItem(text, name)
        self.output = QLineEdit(objectName="exportOutput")
        self.output.textEdited.connect(self._on_output_edited)
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._choose_output)
        output_row = QHBoxLayout()
        output_row.addWidget(self.output, 1)
        output_row.addWidget(browse)
        self.unit = QComboBox(objectName="exportUnit")
        self.layer = QComboBox(objectName="exportLayer")
        for name, text in LAYERS.items():
            self.layer.addItem(text, name)
        self.labels = _checklist(
            [(name, name + KINDS.get(kind, "")) for name, kind in labels], "exportLabels"
        )
        self.annotators = _checklist([(name, name) for name in annotators], "exportAnnotators")
        statuses = QHBoxLayout()
        self.statuses: dict[str, QCheckBox] = {}
        for value, text in STATUS_TEXT.items():
            box = QCheckBox(text, objectName=f"exportStatus_{value}")
            self.statuses[value] = box
            statuses.addWidget(box)
        statuses.addStretch(1)

        form = QFormLayout()
        form.addRow("&Format:", self.format)
        form.addRow(buddy_label("&Write to:", self.output), output_row)
        form.addRow("&Offsets unit:", self.unit)
        form.addRow("La&yer:", self.layer)
        form.addRow("Only these &labels:", self.labels)
        form.addRow("Only these a&nnotators:", self.annotators)
        form.addRow(buddy_label("Only articles with &status:", self.statuses[TODO]), statuses)
        hint = QLabel("Nothing ticked in a list takes everything.")
        hint.setEnabled(False)  # drawn in the theme's secondary text colour
        form.addRow("", hint)
        self.layer_hint = QLabel("Suggestions are written in the native format, each span and "
                                 "link with its suggester, score and reason; they belong to "
                                 "no annotator yet.", wordWrap=True)  # fmt: skip
        self.layer_hint.setEnabled(False)
        self.layer_hint.setVisible(False)
        form.addRow("", self.layer_hint)

        self.command = command_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("&Export")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("The same as the command:"))
        layout.addWidget(self.command)
        layout.addWidget(self.buttons)

        self.format.currentIndexChanged.connect(self._on_format_changed)
        for signal in (self.output.textChanged, self.unit.currentIndexChanged,
                       self.layer.currentIndexChanged, self.labels.itemChanged,
                       self.annotators.itemChanged):  # fmt: skip
            signal.connect(self._update)
        for box in self.statuses.values():
            box.toggled.connect(self._update)
        self.layer.currentIndexChanged.connect(self._on_layer_changed)
        self._on_format_changed()
        self.resize(620, self.sizeHint().height())
        self.format.setFocus()

    def _fmt(self) -> str:
        return self.format.currentData()

    def _default_output(self) -> Path:
        fmt = self._fmt()
        suffix = FORMATS[fmt][1]
        stem = self.db.stem
        name = f"{stem}-brat" if fmt == "brat" else f"{stem}-{fmt}{suffix}"
        if self.layer.currentData() == SUGGESTIONS_LAYER:
            name = f"{stem}-suggestions{suffix}"
        return self.db.parent / name

    def _on_output_edited(self, _text: str) -> None:
        self._output_edited = True

    def _on_format_changed(self, *_args) -> None:
        fmt = EXPORTS[self._fmt()]
        self.unit.blockSignals(True)
        self.unit.clear()
        for i, unit in enumerate(fmt.units):
            self.unit.addItem(f"{unit} (the default)" if i == 0 else unit, "" if i == 0 else unit)
        self.unit.setEnabled(len(fmt.units) > 1)
        self.unit.blockSignals(False)
        if not self._output_edited:  # the name follows the format until the user types one
            self.output.setText(str(self._default_output()))
        self._update()

    def _choose_output(self) -> None:
        current = self.output.text().strip() or str(self._default_output())
        if EXPORTS[self._fmt()].folder:
            target = QFileDialog.getExistingDirectory(self, "Write the brat folder to", current)
        else:
            suffix = FORMATS[self._fmt()][1]
            target, _ = QFileDialog.getSaveFileName(
                self, "Export to", current, f"{self.format.currentText()} (*{suffix})"
            )
        if target:
            self._output_edited = True
            self.output.setText(target)

    def options(self) -> ExportOptions:
        return ExportOptions(
            output=Path(self.output.text().strip()),
            fmt=self._fmt(),
            unit=self.unit.currentData() or None,
            labels=_ticked(self.labels),
            annotators=_ticked(self.annotators),
            statuses=tuple(v for v, box in self.statuses.items() if box.isChecked()),
            layer=self.layer.currentData(),
        )

    def _on_layer_changed(self, *_args) -> None:
        suggestions = self.layer.currentData() == SUGGESTIONS_LAYER
        if suggestions and self._fmt() != "jsonl":
            self.format.setCurrentIndex(self.format.findData("jsonl"))
        if suggestions:
            for box in self.statuses.values():
                box.setChecked(False)
            for i in range(self.annotators.count()):
                self.annotators.item(i).setCheckState(Qt.CheckState.Unchecked)
        for name in NOT_FOR_SUGGESTIONS:
            widget = getattr(self, name)
            for part in widget.values() if isinstance(widget, dict) else [widget]:
                part.setEnabled(not suggestions and (name != "unit" or self.unit.count() > 1))
        if not self._output_edited:
            self.output.setText(str(self._default_output()))
        self.layer_hint.setVisible(suggestions)

    def _update(self, *_args) -> None:
        self.ok.setEnabled(bool(self.output.text().strip()))
        self.command.setText(self.options().command(self.db))
