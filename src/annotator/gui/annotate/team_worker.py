"""The window's link to its hub, off the GUI thread: one thread syncs (when asked, when the hub
has news, and on a timer that backs off while the hub is out of reach), one waits for the hub's
news (PostgreSQL LISTEN). Neither ever touches a widget: they report through Qt signals, which
Qt delivers on the GUI thread. Every edit is committed in the file before a sync sees it, so a
sync that fails (network, stopped hub, sleeping laptop) loses nothing: the next one sends it."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from annotator.sync.engine import SyncEngine


class HubLink(QObject):
    state_changed = Signal(object)  # SyncState
    synced = Signal(object)  # SyncReport of a sync that completed

    ONLINE_POLL = 60.0  # seconds between syncs with nothing asked (LISTEN brings the news)
    OFFLINE_FIRST, OFFLINE_MOST = 2.0, 15.0  # retries while out of reach back off to this
    LISTEN_WAIT = 1.0  # how long one LISTEN wait lasts, so a stop is seen this soon

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

    def stop(self, timeout: float = 12.0) -> bool:
        """Stop both threads; True if they ended within ``timeout`` (a connection attempt
        to a hub that does not answer can take libpq's connect timeout)."""
        self._stop.set()
        self._wake.set()
        for thread in self._threads:
            if thread.ident is not None:
                thread.join(timeout / len(self._threads))
        return not any(t.is_alive() for t in self._threads)

    def _sync_loop(self) -> None:
        delay = 0.0  # the first sync at once
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
            self.state_changed.emit(state)
            if report is not None:
                self.synced.emit(report)
                delay = self.ONLINE_POLL
            else:
                delay = (self.OFFLINE_FIRST if delay >= self.ONLINE_POLL or not delay
                         else min(delay * 2, self.OFFLINE_MOST))

    def _listen_loop(self) -> None:
        try:
            while not self._stop.is_set():
                if self.engine.wait_for_news(self.LISTEN_WAIT):
                    self._wake.set()
        finally:
            self.engine.close()
