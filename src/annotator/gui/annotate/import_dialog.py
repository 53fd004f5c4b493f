"""File ▸ Import articles / Import folder / a drop on the window: what to import and how.

Every field is an option of ``annotator import`` (formats/options.py ImportOptions), and the
dialog shows the command line that does the same; the import itself is the command line's
(jobs.py runs it in a worker thread)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
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
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.annotators import reserved_name_problem
from annotator.formats import EXPORT_ONLY, IMPORT_NAMES
from annotator.formats.options import ImportOptions

# The formats the list offers, as --format names them (csv cannot be imported).
FORMATS = {
    "auto": "Automatic (by suffix and first record)",
    "text": "Plain text articles (.txt, .md)",
    "html": "News pages (.html)",
    "jsonl": "Annotator JSON Lines (native)",
    "doccano": "doccano (JSONL or JSON)",
    "prodigy": "Prodigy / spaCy (JSONL)",
    "labelstudio": "Label Studio (JSON)",
    "brat": "brat (.txt with .ann)",
}
assert set(FORMATS) <= set(IMPORT_NAMES) - set(EXPORT_ONLY)
# --offsets: only doccano files count in another unit than code points.
UNITS = {"": "The file's own (utf16, or what a line declares)", "utf16": "utf16",
         "codepoint": "codepoint", "grapheme": "grapheme", "utf8": "utf8"}  # fmt: skip
_WITH_UNITS = {"auto", "doccano"}
_WITH_TEXT_FIELD = {"auto", "labelstudio"}


def command_label() -> QLabel:
    """The equivalent command line, in a fixed-width font, selectable to copy."""
    label = QLabel(objectName="commandLine")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    return label


def buddy_label(text: str, buddy: QWidget) -> QLabel:
    """A form row's label for a row that is a layout (QFormLayout makes a buddy only for a
    widget): its Alt key goes to ``buddy``."""
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


class ImportDialog(QDialog):
    def __init__(
        self, *, db: Path, annotator: str, paths: list[Path], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.setWindowTitle("Import")
        self.paths = QListWidget(objectName="importPaths")
        self.paths.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.paths.setMinimumHeight(90)
        add_files = QPushButton("Add &files…")
        add_folder = QPushButton("Add f&older…")
        self.remove = QPushButton("&Remove")
        add_files.clicked.connect(self._add_files)
        add_folder.clicked.connect(self._add_folder)
        self.remove.clicked.connect(self._remove_selected)
        buttons_row = QHBoxLayout()
        for button in (add_files, add_folder, self.remove):
            buttons_row.addWidget(button)
        buttons_row.addStretch(1)

        self.format = QComboBox(objectName="importFormat")
        for name, text in FORMATS.items():
            self.format.addItem(text, name)
        self.unit = QComboBox(objectName="importUnit")
        for name, text in UNITS.items():
            self.unit.addItem(text, name)
        self.text_field = QLineEdit(objectName="importTextField")
        self.text_field.setPlaceholderText("text, or else the one long text field")
        self.annotator = QLineEdit(annotator, objectName="importAnnotator")
        self.skip_invalid = QCheckBox(
            "Skip bad records and import the rest; write them to the rejects file",
            objectName="importSkipInvalid",
        )
        self.rejects = QLineEdit(objectName="importRejects")
        self.rejects.setPlaceholderText(f"{db}.rejects.jsonl")
        self.rejects_browse = QPushButton("&Browse…")
        self.rejects_browse.clicked.connect(self._choose_rejects)
        rejects_row = QHBoxLayout()
        rejects_row.addWidget(self.rejects, 1)
        rejects_row.addWidget(self.rejects_browse)

        form = QFormLayout()
        form.addRow("&Format:", self.format)
        form.addRow("&Offsets unit:", self.unit)
        form.addRow("&Text field (Label Studio):", self.text_field)
        form.addRow("&Annotator of unnamed spans:", self.annotator)
        form.addRow("", self.skip_invalid)
        form.addRow(buddy_label("Rejects &file:", self.rejects), rejects_row)

        self.problem = QLabel(objectName="importProblem")
        self.problem.setWordWrap(True)
        self.command = command_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("&Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Files and folders (folders are searched for articles):"))
        layout.addWidget(self.paths)
        layout.addLayout(buttons_row)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(QLabel("The same as the command:"))
        layout.addWidget(self.command)
        layout.addWidget(self.buttons)

        for signal in (self.format.currentIndexChanged, self.unit.currentIndexChanged,
                       self.text_field.textChanged, self.annotator.textChanged,
                       self.skip_invalid.toggled, self.rejects.textChanged):  # fmt: skip
            signal.connect(self._update)
        self.add_paths(paths)
        self.resize(640, self.sizeHint().height())
        self.format.setFocus()

    # -- the paths ------------------------------------------------------------------------

    def add_paths(self, paths: list[Path]) -> None:
        present = set(self.chosen_paths())
        for path in paths:
            if path not in present:
                present.add(path)
                self.paths.addItem(str(path))
        self._update()

    def chosen_paths(self) -> list[Path]:
        return [Path(self.paths.item(i).text()) for i in range(self.paths.count())]

    def _add_files(self) -> None:
        from annotator.formats import SUPPORTED

        patterns = " ".join(f"*{suffix}" for suffix in SUPPORTED)
        found, _ = QFileDialog.getOpenFileNames(
            self, "Add files to import", "", f"Articles and datasets ({patterns});;All files (*)"
        )
        self.add_paths([Path(p) for p in found])

    def _add_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a folder to import")
        if folder:
            self.add_paths([Path(folder)])

    def _remove_selected(self) -> None:
        for item in self.paths.selectedItems():
            self.paths.takeItem(self.paths.row(item))
        self._update()

    def _choose_rejects(self) -> None:
        target, _ = QFileDialog.getSaveFileName(
            self, "Write the rejected records to", self.rejects.placeholderText(),
            "JSON Lines (*.jsonl)",
        )
        if target:
            self.rejects.setText(target)

    # -- the options ----------------------------------------------------------------------

    def options(self) -> ImportOptions:
        fmt = self.format.currentData()
        text_field = self.text_field.text().strip()
        rejects = self.rejects.text().strip()
        return ImportOptions(
            paths=tuple(self.chosen_paths()),
            annotator=self.annotator.text().strip(),
            fmt=fmt,
            unit=(self.unit.currentData() or None) if fmt in _WITH_UNITS else None,
            text_field=(text_field or None) if fmt in _WITH_TEXT_FIELD else None,
            skip_invalid=self.skip_invalid.isChecked(),
            rejects=Path(rejects) if rejects and self.skip_invalid.isChecked() else None,
        )

    def _problem(self, options: ImportOptions) -> str | None:
        if not options.paths:
            return "Add the files or folders to import."
        problem = reserved_name_problem(options.annotator)
        if problem:
            return f"Annotator: {problem}."
        return None

    def _update(self, *_args) -> None:
        fmt = self.format.currentData()
        self.unit.setEnabled(fmt in _WITH_UNITS)
        self.text_field.setEnabled(fmt in _WITH_TEXT_FIELD)
        skipping = self.skip_invalid.isChecked()
        self.rejects.setEnabled(skipping)
        self.rejects_browse.setEnabled(skipping)
        self.remove.setEnabled(self.paths.count() > 0)
        options = self.options()
        problem = self._problem(options)
        self.problem.setText(problem or "")
        self.problem.setVisible(problem is not None)
        self.ok.setEnabled(problem is None)
        self.command.setText(options.command(self.db))
