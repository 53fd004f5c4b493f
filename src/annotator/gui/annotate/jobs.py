"""The annotating window's background jobs: import, export, export for review, open for
review, and the check of the open article's stored text and spans. Each runs in a worker
thread with its own database connection (gui/tasks.py); what it finds is shown here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QMainWindow, QMessageBox, QWidget

from annotator.core.errors import InputError
from annotator.formats.options import ExportOptions, ImportOptions
from annotator.gui import tasks
from annotator.gui.annotate.export_dialog import ExportDialog
from annotator.gui.annotate.import_dialog import ImportDialog
from annotator.gui.annotate.state import DocumentState
from annotator.gui.review import share as review_share
from annotator.store import ImportSummary, Store

if TYPE_CHECKING:
    from annotator.formats.export_types import ExportReport
    from annotator.formats.importing import ImportReport

SKIP_INVALID = "Skip bad records and import the rest"
IMPORTED_WITH_NOTES = "Imported: not everything as it came"


def import_work(
    db_path: Path, annotator: str, paths: list[Path], *, skip_invalid: bool = False
) -> Callable:
    """The import itself, as a task's work: the one pipeline the command line runs too
    (formats/importing.py), so a file gives the same result and the same message here."""
    options = ImportOptions(tuple(paths), annotator, skip_invalid=skip_invalid)
    return options_work(db_path, options)


def options_work(db_path: Path, options: ImportOptions) -> Callable:
    """``annotator import`` with the dialog's options, as a task's work."""

    def work(progress: tasks.Progress) -> ImportReport:
        return options.run(db_path, lambda _stage, done, total: progress(done, total))

    return work


class Jobs(QObject):
    """File ▸ Import, Export, Export for review and Open for review: the file dialog, the
    task behind a progress dialog, and what the window shows when it ends."""

    def __init__(self, window: QMainWindow) -> None:
        # The annotating window (not imported: it imports this module); what a job ends
        # with is shown through its reload_labels, reload_documents and reopen_document.
        super().__init__(window)
        self.window = window
        self.task: tasks.Task | None = None  # the import or export under way, if any
        self.dialog: QDialog | None = None  # the import or export dialog shown last

    def _say(self, text: str, ms: int) -> None:
        self.window.statusBar().showMessage(text, ms)

    def _start(self, task: tasks.Task) -> tasks.Task:
        self.task = task
        task.start()
        return task

    # -- import ------------------------------------------------------------------------------

    def _has_file(self) -> bool:
        """An in-memory database (tests, demos) has no file for the command line's
        import and export to open; say so rather than fail."""
        if self.window.store.path is None:
            self._say("This database is in memory only: open a database file to import "
                      "or export.", 10000)  # fmt: skip
        return self.window.store.path is not None

    def choose_import(self) -> None:
        """File ▸ Import articles (Ctrl+I): the files, then the options."""
        if not self._has_file():
            return
        from annotator.formats.reading import SUPPORTED  # formats load when first used

        patterns = " ".join(f"*{suffix}" for suffix in SUPPORTED)
        paths, _ = QFileDialog.getOpenFileNames(
            self.window, "Import articles", "",
            f"Articles and datasets ({patterns});;All files (*)",
        )
        if paths:
            self.open_import_dialog([Path(p) for p in paths])

    def choose_import_folder(self) -> None:
        """File ▸ Import folder: searched for articles as ``annotator import DB FOLDER``."""
        if not self._has_file():
            return
        folder = QFileDialog.getExistingDirectory(self.window, "Import a folder")
        if folder:
            self.open_import_dialog([Path(folder)])

    def open_import_dialog(self, paths: list[Path]) -> ImportDialog | None:
        """The import's options (the command line's), shown window-modal; Import runs it."""
        window = self.window
        if not self._has_file():
            return None
        dialog = ImportDialog(db=window.store.path, annotator=window.annotator, paths=paths,
                              parent=window)  # fmt: skip
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.import_with(dialog.options()))
        self.dialog = dialog
        dialog.open()
        return dialog

    def import_files(self, paths: list[Path], *, skip_invalid: bool = False) -> tasks.Task:
        """Import in a worker thread (its own connection) behind a progress dialog, all or
        nothing; with ``skip_invalid`` the bad records are set aside as ``--skip-invalid``
        does on the command line."""
        options = ImportOptions(tuple(paths), self.window.annotator, skip_invalid=skip_invalid)
        return self.import_with(options)

    def import_with(self, options: ImportOptions) -> tasks.Task:
        """``annotator import`` with these options, in a worker thread."""
        window = self.window
        work = options_work(window.store.path, options)
        task = tasks.run_with_progress(window, "Importing articles…", work)
        task.succeeded.connect(self._on_import_succeeded)
        task.failed.connect(lambda message: self._on_import_failed(task, options, message))
        task.cancelled.connect(
            lambda: self._say("Import cancelled; nothing was imported.", 8000)
        )
        return self._start(task)

    def _on_import_succeeded(self, report: ImportReport) -> None:
        self.window.reload_labels()
        self.window.reload_documents()
        text = "Imported: " + report.describe()
        if report.rejects is not None:
            text += f"; rejected records written to {report.rejects}"
        self._say(text, 15000)
        if report.rejected or report.skipped or report.counted or report.summary.counted:
            # Not everything was stored as it came: the status bar would cut that short,
            # so it is said where it can be read, a line each.
            lines = report.lines()
            if report.rejects is not None:
                lines.append(f"The rejected records, each with its file, line and reason, are "
                             f"in {report.rejects}")  # fmt: skip
            box = QMessageBox(
                QMessageBox.Icon.Information, IMPORTED_WITH_NOTES, lines[0],
                QMessageBox.StandardButton.Ok, self.window,
            )
            box.setInformativeText("\n\n".join(lines[1:]))
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()  # window-modal, without holding up what follows

    def _on_import_failed(
        self, task: tasks.Task, options: ImportOptions, message: str
    ) -> None:
        """The command line's message; when a record was bad, the choice it offers with
        ``--skip-invalid``: import the good records and write the bad ones aside."""
        box = QMessageBox(
            QMessageBox.Icon.Critical, "Import failed; nothing was imported", message,
            QMessageBox.StandardButton.Close, self.window,
        )
        skip = None
        if isinstance(task.error, InputError) and not options.skip_invalid:
            from annotator.formats.importing import default_rejects  # loaded by the import

            skip = box.addButton(SKIP_INVALID, QMessageBox.ButtonRole.AcceptRole)
            box.setInformativeText(
                "Nothing was imported. You can import the good records instead: the bad "
                "ones are written, with file, line and reason, to "
                f"{options.rejects or default_rejects(self.window.store.path)}."
            )
        box.setDefaultButton(QMessageBox.StandardButton.Close)  # Enter imports nothing
        box.exec()
        if skip is not None and box.clickedButton() is skip:
            self.import_with(replace(options, skip_invalid=True))

    # -- export ------------------------------------------------------------------------------

    def choose_export(self) -> None:
        """File ▸ Export (Ctrl+E): the command line's options, then the export."""
        from annotator.store.export_queries import annotator_names

        window = self.window
        if not self._has_file():
            return
        order = {"span": 0, "relation": 1, "document": 2}  # as the menus list them
        labels = sorted(window.store.labels(None), key=lambda label: order.get(label.kind, 3))
        dialog = ExportDialog(
            db=window.store.path, labels=[(label.name, label.kind) for label in labels],
            annotators=annotator_names(window.store), parent=window,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.export_with(dialog.options()))
        self.dialog = dialog
        dialog.open()

    def export_file(self, target: Path) -> tasks.Task:
        """The native JSON Lines export of everything (``annotator export DB -o target``)."""
        return self.export_with(ExportOptions(target))

    def export_with(self, options: ExportOptions) -> tasks.Task:
        """``annotator export`` with these options, in a worker thread; Cancel (or a
        failure) leaves the previous file or folder as it was."""
        db_path, target = self.window.store.path, options.output

        def work(progress: tasks.Progress):
            return options.run(db_path, progress)

        task = tasks.run_with_progress(self.window, "Exporting…", work)
        task.succeeded.connect(lambda report: self._on_export_succeeded(target, report))
        task.failed.connect(
            lambda message: QMessageBox.critical(self.window, "Export failed", message)
        )
        task.cancelled.connect(
            lambda: self._say("Export cancelled; the file was not changed.", 8000)
        )
        return self._start(task)

    def _on_export_succeeded(self, target: Path, report: ExportReport) -> None:
        notes = "".join(f"; {note}" for note in report.notes)
        self._say(f"Exported {report.documents} document(s) to {target} ({report.spans} "
                  f"span(s), {report.relations} relation(s)){notes}", 15000)  # fmt: skip

    # -- review ------------------------------------------------------------------------------

    def choose_export_for_review(self) -> None:
        window = self.window
        if window.store.path is None:
            return
        target, _ = QFileDialog.getSaveFileName(
            window, "Export for review", f"{window.store.path.stem}-{window.annotator}.db",
            "Annotator databases (*.db)",
        )
        if target:
            self.export_for_review(Path(target))

    def export_for_review(self, target: Path) -> tasks.Task:
        """A snapshot of this database to send to a reviewer, made in a worker thread."""
        task = review_share.export_snapshot(self.window, self.window.store.path, target)
        task.succeeded.connect(
            lambda path: self._say(
                f"Exported for review: {path} (send this file; it is complete by itself)", 12000
            )
        )
        task.failed.connect(
            lambda message: QMessageBox.critical(self.window, "Export for review failed", message)
        )
        return self._start(task)

    def choose_open_for_review(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self.window, "Open annotators' databases for review", "",
            "Annotator databases (*.db);;All files (*)",
        )
        if paths:
            self.open_for_review([Path(p) for p in paths])

    def open_for_review(self, paths: list[Path]) -> tasks.Task:
        """Copy annotators' databases into this one, in a worker thread, all or nothing."""
        task = review_share.open_for_review(self.window, self.window.store.path, paths)
        task.succeeded.connect(self._on_open_review_succeeded)
        task.failed.connect(
            lambda message: QMessageBox.critical(
                self.window,
                "Not opened for review; nothing was imported",
                f"{message}\n\nNothing was imported; the chosen files were only read.",
            )
        )
        task.cancelled.connect(lambda: self._say("Cancelled; nothing was imported.", 8000))
        return self._start(task)

    def _on_open_review_succeeded(self, summary: ImportSummary) -> None:
        window = self.window
        window.reload_labels()
        window.reload_documents()
        window.reopen_document()  # the open article has the received spans now
        if window.review_window is not None:
            window.review_window.reload()
        if window.agreement_dialog is not None:
            window.agreement_dialog.refresh()
        self._say("Opened for review: " + summary.describe(), 12000)


class Checks(QObject):
    """The stored span texts and the text's hash of the open article are checked after it
    is shown, in a thread with its own connection (on a long article the check takes
    longer than drawing it). A check for an article no longer shown is stopped."""

    def __init__(self, *, store: Store, state: DocumentState, window: QWidget) -> None:
        super().__init__(window)
        self.store, self.state, self.window = store, state, window
        self._checks: list[tuple[tasks.Task, list[Store]]] = []
        self._closing = False

    def start(self, doc_id: str) -> None:
        self.stop(wait=False)
        file = self.store.file()
        if file is None:
            self.warn(doc_id, self.store.verify([doc_id]))
            return
        readers: list[Store] = []

        def check(progress: tasks.Progress) -> list[str]:
            progress(0, 1)  # stopped before it began: Cancelled
            reader = Store.reader(file)
            readers.append(reader)  # so that a stop can interrupt it
            try:
                progress(0, 1)  # stopped while the connection opened
                problems = reader.verify([doc_id])
                progress(1, 1)  # stopped (interrupted) meanwhile: what it found is moot
                return problems
            finally:
                reader.close()

        task = tasks.Task(check, parent=self.window)
        task.succeeded.connect(lambda problems: self.warn(doc_id, problems))
        task.failed.connect(lambda message: self._failed(doc_id, message))
        for signal in (task.succeeded, task.failed, task.cancelled):
            signal.connect(task.deleteLater)
        self._checks.append((task, readers))
        task.start()

    def running(self) -> bool:
        """A check still runs (the open article's, or one of an article left that has not
        yet seen it was stopped)."""
        return any(task.thread.is_alive() for task, _readers in self._checks)

    def stop(self, *, wait: bool) -> None:
        """Stop the checks under way; ``wait`` (before the store closes) also waits for
        them, so that the last connection to close is ours, which leaves the file at rest;
        nothing they found is shown after that."""
        self._closing = self._closing or wait
        for task, readers in self._checks:
            task.cancel()
            for reader in readers:
                reader.interrupt()
            if wait:
                task.thread.join(30)
        self._checks = [] if wait else [(t, r) for t, r in self._checks if t.thread.is_alive()]

    def _shown(self, doc_id: str) -> bool:
        doc = self.state.document
        return not self._closing and doc is not None and doc.id == doc_id

    def _failed(self, doc_id: str, message: str) -> None:
        """The check could not run (the file moved, a lock held too long): not damage."""
        if self._shown(doc_id):
            self.window.statusBar().showMessage(
                f"This article could not be checked: {message}", 10000
            )

    def warn(self, doc_id: str, problems: list[str]) -> None:
        if self._shown(doc_id) and problems:
            QMessageBox.warning(self.window, "Damaged annotations", "\n".join(problems[:20]))
