"""Long work (imports, exports) off the GUI thread, with progress and Cancel.

The work runs in a plain thread with its own database connection (SQLite connections
belong to one thread); it reports through Qt signals, which Qt delivers to the GUI
thread. Cancel makes the next progress report raise, so an import's transaction
rolls back and an export's temporary file is removed: nothing is half-done.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from annotator.core.errors import AnnotatorError


class Cancelled(Exception):
    """Raised inside the work when the user pressed Cancel."""


Progress = Callable[[int, int], None]  # done, total (total 0 when unknown)


class Task(QObject):
    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, work: Callable[[Progress], Any], *, parent: QObject | None = None):
        super().__init__(parent)
        self._work = work
        self._cancel = threading.Event()
        self._reported = float("-inf")  # when progress was last passed on
        self.error: Exception | None = None  # what made it fail, for slots that offer a way out
        self.thread = threading.Thread(target=self._run, name="annotator-task", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def cancel(self) -> None:
        self._cancel.set()

    REPORT_EVERY = 0.05  # seconds: more often is more than the eye sees

    def _report(self, done: int, total: int) -> None:
        if self._cancel.is_set():
            raise Cancelled
        now = time.monotonic()
        if now - self._reported >= self.REPORT_EVERY or done == total:
            # one signal per document of a large corpus would queue 100,000 events for the
            # window to work through while it should be answering the user
            self._reported = now
            self._tell(self.progressed, done, total)

    def _run(self) -> None:
        try:
            result = self._work(self._report)
        except Cancelled:
            self._tell(self.cancelled)
        except AnnotatorError as exc:
            self.error = exc
            self._tell(self.failed, str(exc))
        except Exception as exc:  # a bug: say so rather than die silently in a thread
            self.error = exc
            self._tell(self.failed, f"Unexpected error ({type(exc).__name__}): {exc}")
        else:
            self._tell(self.succeeded, result)

    def _tell(self, signal, *args) -> None:
        """Emit from the work's thread, unless the task is gone: its window was closed
        while the work ran (the suggesters of a long article, a check), so nobody is left
        to tell, and Qt's "Signal source has been deleted" would end the thread with a
        traceback on the terminal as the app quits."""
        try:
            signal.emit(*args)
        except RuntimeError:
            if shiboken6.isValid(self):
                raise
            self._cancel.set()  # a progress report then ends the work


def run_with_progress(parent: QWidget, title: str, work: Callable[[Progress], Any]) -> Task:
    """Prepare ``work`` for a thread behind a window-modal progress dialog with Cancel.
    The caller connects its slots, then calls ``start()`` (so no signal is missed)."""
    dialog = QProgressDialog(title, "Cancel", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoReset(False)
    task = Task(work, parent=parent)
    task.progressed.connect(lambda done, total: (dialog.setMaximum(total), dialog.setValue(done)))
    dialog.canceled.connect(task.cancel)
    for signal in (task.succeeded, task.failed, task.cancelled):
        signal.connect(dialog.close)
    return task


class AfterFirstPaint(QObject):
    """Calls ``then`` once ``widget`` has been painted, right after that paint (or after
    ``limit`` ms if it is not painted by then: a window not shown). A zero timer set as a
    window opens is no such thing: it may fire before the first paint, whose expose the
    window system sends later (work started then would share the interpreter with it)."""

    def __init__(self, widget: QWidget, then: Callable[[], Any], limit: int = 1000) -> None:
        super().__init__(widget)
        self._widget, self._then, self._done = widget, then, False
        widget.installEventFilter(self)
        QTimer.singleShot(limit, self, self._fire)

    def eventFilter(self, _watched, event) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Paint and not self._done:
            QTimer.singleShot(0, self, self._fire)  # once this paint is over
        return False

    def _fire(self) -> None:
        if self._done:
            return
        self._done = True
        self._widget.removeEventFilter(self)
        self._then()
        self.deleteLater()
