"""File ▸ Export for review and File ▸ Open for review, off the GUI thread.

Export writes a snapshot of this database (``store.sharing.snapshot``: ``VACUUM INTO`` a new
file, never replacing one). Open copies received databases into this one, the reviewer's
own (``store.sharing.import_shared``, as ``annotator review-import`` does: read-only,
verified, all or nothing). It checks each file first, one at a time, so the progress bar
moves, Cancel is honoured between files and a refusal names its file before anything is
written; then it copies them, in one transaction.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from annotator.gui import tasks
from annotator.store import ImportSummary
from annotator.store.sharing import import_shared, snapshot


def export_snapshot(parent: QWidget, source: Path, target: Path) -> tasks.Task:
    """A task (not started) that writes the snapshot ``target`` of ``source``; it
    succeeds with ``target``."""

    def work(progress: tasks.Progress) -> Path:
        progress(0, 0)
        return snapshot(source, target)

    return tasks.run_with_progress(parent, "Exporting for review…", work)


def open_for_review(parent: QWidget, review: Path, shared: list[Path]) -> tasks.Task:
    """A task (not started) that copies ``shared`` into the database ``review``; it
    succeeds with the ImportSummary."""

    def work(progress: tasks.Progress) -> ImportSummary:
        return import_shared(review, shared, progress=progress)

    return tasks.run_with_progress(parent, "Opening for review…", work)
