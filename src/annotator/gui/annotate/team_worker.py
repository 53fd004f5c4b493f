"""The window's link to its hub, off the GUI thread: one thread syncs (when asked, when the hub
has news, and on a timer that backs off while the hub is out of reach), one waits for the hub's
news (PostgreSQL LISTEN). Neither ever touches a widget: they report through Qt signals, which
Qt delivers on the GUI thread. Every edit is committed in the file before a sync sees it, so a
sync that fails (network, stopped hub, sleeping laptop) loses nothing: the next one sends it."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from annotator.sync.engine import SyncEngine

SYNC_NICE = 15  # the sync threads' nice value, above the window's 0
_LINGERING: set[HubLink] = set()  # stopped links whose threads still wait on the hub


class HubLink(QObject):
    state_changed = Signal(object)  # SyncState
    synced = Signal(object)  # SyncReport of a sync that completed

    ONLINE_POLL = 60.0  # seconds between syncs with nothing asked (LISTEN brings the news)
    OFFLINE_FIRST, OFFLINE_MOST = 2.0, 15.0  # retries while out of reach back off to this
    FIRST_DELAY = 1.0  # the first sync after the window's open, not during it
    LISTEN_WAIT = 0.25  # how long one LISTEN wait lasts, so a stop is seen this soon

    def __init__(self, db: Path, url: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = SyncEngine(db, url)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._sync_loop, name="annotator-sync", daemon=True),
            threading.Thread(target=self._listen_loop, name="annotator-listen", daemon=True),
        ]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def request(self) -> None:
        """Sync as soon as the sync thread is free (edits made, Retry, news)."""
        self._wake.set()

    def stop(self, timeout: float = 0.5) -> bool:
        """Stop both threads; True if they ended within ``timeout``. A sync waiting on a
        hub that answers slowly (or a connect to one that does not answer) is not waited
        for: the window closes now, and the thread ends by itself once the hub answers
        (a push is one hub transaction, a pull one local one: cut or finished, both whole).
        Until then the link is kept alive here, away from the window that owned it."""
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            if thread.ident is not None:
                thread.join(timeout / len(self._threads))
        if any(t.is_alive() for t in self._threads):
            self.setParent(None)
            _LINGERING.add(self)
            return False
        return True

    def _emit(self, signal, value) -> None:
        if self._stop.is_set():
            return  # stopped: the window may be gone
        with contextlib.suppress(RuntimeError):  # the window was deleted meanwhile
            signal.emit(value)

    def _sync_loop(self) -> None:
        _yield_to_the_window()
        try:
            self._sync_steps()
        finally:
            self._ended()

    def _sync_steps(self) -> None:
        delay = self.FIRST_DELAY  # once the window has shown its article
        while not self._stop.is_set():
            self._wake.wait(delay)
            if self._stop.is_set():
                break
            self._wake.clear()
            try:
                report = self.engine.sync_once()
                state = self.engine.state()
            except Exception as exc:  # a bug: say it in the status bar, keep the thread
                from annotator.sync.engine import SyncState

                report = None
                state = SyncState(False, 0, 0, None, None,
                                  f"Unexpected error ({type(exc).__name__}): {exc}")
            if self._stop.is_set():
                break
            self._emit(self.state_changed, state)
            if report is not None:
                self._emit(self.synced, report)
                delay = self.ONLINE_POLL
            else:
                delay = (self.OFFLINE_FIRST if delay >= self.ONLINE_POLL or not delay
                         else min(delay * 2, self.OFFLINE_MOST))

    def _listen_loop(self) -> None:
        _yield_to_the_window()
        try:
            while not self._stop.is_set():
                if self.engine.wait_for_news(self.LISTEN_WAIT):
                    self._wake.set()
        finally:
            self.engine.close()
            self._ended()

    def _ended(self) -> None:
        if not any(t.is_alive() and t is not threading.current_thread()
                   for t in self._threads):
            _LINGERING.discard(self)


def _yield_to_the_window() -> None:
    """Lower this thread's priority (Linux: a thread has its own nice value): a sync works
    through the whole file (what changed since the hub last saw it) and must not take the
    CPU from the window's thread on a busy machine. Elsewhere the threads keep the default."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), SYNC_NICE)
