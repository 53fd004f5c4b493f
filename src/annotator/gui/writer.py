"""The one way edits reach the database from a window: one :class:`Writer` per store.

Every edit (an undo command of the annotating window, a document's status, a verdict, the
label scheme) is a :class:`Write`: one store call and how to show its result. Writes reach
the database in the order they were made, and the view changes only once the store has
committed: what is shown is saved.

- Another program holds the write lock: the writer waits a few milliseconds at most, then
  tries again from a timer, so the window never freezes; the status bar says "saving…".
- The database refuses (full disk, read-only file): the edit is kept, the user is told, and
  Retry saving (Ctrl+S) or the next edit tries again.
- Undo of an edit that is still waiting drops it: it never reaches the file.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from annotator.store import Store, StoreError
from annotator.store.errors import StoreBusy

ErrorReporter = Callable[[StoreError], None]


@dataclass(eq=False)
class Write:
    """One edit on its way to the database: ``save`` is one store call (one transaction,
    all or nothing, so trying it again is safe); ``show`` puts its result on screen."""

    text: str
    save: Callable[[], object]
    show: Callable[[object], None]
    done: bool = False
    # Who is told when the database refuses it. None: the writer's reporter, and the write
    # is kept to be tried again (Retry saving). A dialog that waits for its write (the label
    # scheme) says so itself and stays open to try again: the write is dropped, not kept.
    refused: ErrorReporter | None = None


_WRITERS: weakref.WeakKeyDictionary[Store, Writer] = weakref.WeakKeyDictionary()


class Writer(QObject):
    """Saves edits in order without blocking the event loop for longer than ``WAIT_MS``."""

    changed = Signal()  # pending edits, or why they wait, changed

    WAIT_MS = 40  # the longest the GUI thread waits for another program's lock at one go
    RETRY_MS = 120  # then it tries again this much later

    def __init__(self, store: Store, *, report: ErrorReporter, parent: QObject | None = None):
        super().__init__(parent)
        self.store, self.report = store, report
        self.pending: list[Write] = []
        self.trouble: StoreError | None = None  # why pending[0] is not saved yet
        self._timer = QTimer(self, singleShot=True, interval=self.RETRY_MS)
        self._timer.timeout.connect(self.flush)
        self._flushing = False
        _WRITERS[store] = self

    @classmethod
    def of(cls, store: Store, report: ErrorReporter) -> Writer:
        """The writer of ``store`` (the window makes it; commands made elsewhere get one)."""
        return _WRITERS.get(store) or cls(store, report=report)

    @property
    def waiting(self) -> bool:
        """Edits wait for another program's lock (they will be saved by themselves)."""
        return bool(self.pending) and isinstance(self.trouble, StoreBusy)

    @property
    def failed(self) -> bool:
        """Edits are kept because the database refused them (Retry saving tries again)."""
        return bool(self.pending) and self.trouble is not None and not self.waiting

    def submit(self, write: Write) -> None:
        self.pending.append(write)
        if self._timer.isActive():
            self.changed.emit()  # queued behind an edit that waits for the lock
        else:
            self.flush()

    def cancel(self, write: Write) -> bool:
        """Drop ``write`` if it has not reached the database yet."""
        if write.done or write not in self.pending:
            return False
        self.pending.remove(write)
        if not self.pending:
            self.trouble = None
            self._timer.stop()
        self.changed.emit()
        return True

    def retry(self) -> None:
        self._timer.stop()
        self.flush()

    def stop(self) -> None:
        """The window closes: whatever still waits is given up (the user was asked)."""
        self._timer.stop()
        self.pending.clear()
        self.trouble = None

    def flush(self) -> None:
        """Save pending edits in order until one cannot be saved now."""
        if self._flushing:
            return
        self._flushing = True
        refused = None
        try:
            refused = self._save_pending()
        finally:
            self._flushing = False
            self.changed.emit()
        if refused is not None:
            tell, error = refused
            tell(error)

    def _save_pending(self) -> tuple[ErrorReporter, StoreError] | None:
        """Returns a refusal the user has not been told about yet, and who tells it."""
        while self.pending:
            write = self.pending[0]
            try:
                with self.store.patience(self.WAIT_MS):
                    result = write.save()
            except StoreBusy as exc:
                self.trouble = exc
                self._timer.start()
                return None
            except StoreError as exc:
                if write.refused is not None:  # its dialog is modal: nothing waits behind it
                    self.pending.pop(0)
                    self.trouble = None
                    return write.refused, exc
                new = self.trouble is None or self.waiting or str(self.trouble) != str(exc)
                self.trouble = exc
                return (self.report, exc) if new else None
            except Exception:
                self.pending.pop(0)  # a bug: fail loudly, but do not block later edits
                raise
            self.pending.pop(0)
            write.done = True
            self.trouble = None
            write.show(result)
        return None
