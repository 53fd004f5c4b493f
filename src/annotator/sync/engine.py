"""Syncing in the background, for the window (gui/) and anything that keeps a file in step with
a hub over hours: one :class:`SyncEngine` per open file. Qt-free: the window runs
:meth:`SyncEngine.sync_once` on a worker thread and shows :meth:`SyncEngine.state`.

It never raises for the network: a hub out of reach makes the state "offline" (since when, and
why), and the next call tries again. Edits never wait for it: they are committed in the file
first, and the engine opens its own connection to the file for each sync.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from annotator.core.errors import AnnotatorError
from annotator.store import Store
from annotator.sync.client import SyncReport, sync
from annotator.sync.connection import HubError
from annotator.sync.joining import refusal
from annotator.sync.schema import NEWS_CHANNEL


@dataclass(frozen=True)
class SyncState:
    """What the status bar says: "Synced", "3 changes waiting", "Offline since 10:02 (your
    work is kept)", "1 conflict"."""

    online: bool
    waiting: int  # local changes not yet on the hub
    conflicts: int
    last_synced: float | None  # time.time() of the last sync that completed
    offline_since: float | None
    problem: str | None  # the last failure's message
    # Why the hub refused the last sync, in a few words (not the network: a role taken away,
    # a newer hub, pulled data failing a check); None when it did not refuse.
    refused: str | None = None
    held: int = 0  # changes kept here: on articles no longer assigned to this member
    local: bool = False  # the problem is this file (locked, full disk), not the hub

    def text(self) -> str:
        if self.local and not self.online:
            return "Sync paused: this file could not be read for syncing (your work is kept)"
        if self.refused:
            return f"Sync refused: {self.refused} (your work is kept)"
        if not self.online:
            since = (datetime.fromtimestamp(self.offline_since).strftime("%H:%M")
                     if self.offline_since else "now")
            return f"Offline since {since} (your work is kept)"
        if self.conflicts:
            return f"{self.conflicts} conflict{'s' if self.conflicts != 1 else ''}"
        if self.held:
            return (f"Sync refused: {self.held} change{'s' if self.held != 1 else ''} on "
                    "articles no longer assigned to you (your work is kept)")
        if self.waiting:
            return f"{self.waiting} change{'s' if self.waiting != 1 else ''} waiting"
        return "Synced"


class SyncEngine:
    """Keeps the file ``db`` in step with the hub at ``url``."""

    def __init__(self, db: Path | str, url: str) -> None:
        self.db, self.url = Path(db), url
        self._lock = threading.Lock()  # one sync at a time
        self._online = True
        self._offline_since: float | None = None
        self._last_synced: float | None = None
        self._problem: str | None = None
        self._refused: str | None = None
        self._held = 0
        self._listener = None
        self._listen_lost = False  # the LISTEN connection failed since it last worked
        self._local = False  # the last failure was this file's
        # (file stamp, (waiting, conflicts)): counting what waits works through the whole
        # file, so a retry while offline, with nothing edited, does not count again
        self._counted: tuple = (None, (0, 0))

    def sync_once(self) -> SyncReport | None:
        """Push and pull now. Returns the report, or None when the hub could not be reached
        or refused (the state says why). Only errors that are bugs escape."""
        with self._lock:
            try:
                report = sync(self.db, self.url)
            except HubError as exc:
                self._fail(str(exc))
                return None
            except AnnotatorError as exc:  # the file (locked, full disk): say it, try later
                self._fail(str(exc), hub=False)
                return None
            self._online, self._offline_since, self._problem = True, None, None
            self._refused, self._held = None, sum(report.unassigned.values())
            self._local = False
            self._last_synced = time.time()
            return report

    def _fail(self, message: str, hub: bool = True) -> None:
        refused = refusal(message) if hub else None
        self._refused = refused[0] if refused else None
        self._local = not hub
        if self._online:
            self._offline_since = time.time()
        self._online, self._problem = False, message

    def state(self) -> SyncState:
        """The state now (reads the file: changes waiting, conflicts parked)."""
        stamp = _stamp(self.db)
        try:
            if stamp is not None and stamp == self._counted[0]:
                waiting, conflicts = self._counted[1]  # nothing written since: same counts
            else:
                with Store.open(self.db, create=False) as store:
                    member = store.sync_state().get("member")
                    waiting = store.sync_waiting([member, "gold"]) if member else 0
                    conflicts = len(store.sync_conflicts())
                # the stamp from before the count: a write during it is counted next time
                self._counted = (stamp, (waiting, conflicts))
        except AnnotatorError as exc:
            return SyncState(False, 0, 0, self._last_synced, self._offline_since, str(exc),
                             local=True)
        return SyncState(self._online, waiting, conflicts, self._last_synced,
                         self._offline_since, self._problem, self._refused,
                         min(self._held, waiting), self._local)

    def wait_for_news(self, timeout: float) -> bool:
        """Block up to ``timeout`` seconds for the hub to say something was written (LISTEN);
        True if it did, or if the connection to the hub was just lost or came back (a sync
        then tells the status bar at once). With no connection, sleeps the timeout and returns False, so a loop
        around it polls."""
        import psycopg

        try:
            if self._listener is None or self._listener.closed:
                self._listener = psycopg.connect(self.url, autocommit=True, connect_timeout=5)
                self._listener.execute(f"LISTEN {NEWS_CHANNEL}")
                if self._listen_lost:  # the hub is back: sync now, not at the next retry
                    self._listen_lost = False
                    return True
            for _note in self._listener.notifies(timeout=timeout, stop_after=1):
                return True
            return False
        except (psycopg.Error, OSError):  # the network: the next sync says what happened
            dropped = self._listener is not None  # it was listening: the hub went away now
            self._listen_lost = True
            self.close()
            if dropped:  # a sync now tells the status bar, not at the next poll
                return True
            time.sleep(timeout)
            return False

    def close(self) -> None:
        if self._listener is not None:
            try:
                self._listener.close()
            finally:
                self._listener = None


def _stamp(db: Path) -> tuple | None:
    """Changes whenever anything is committed in ``db``: in WAL mode a commit grows or
    rewrites the -wal, a checkpoint rewrites the file (times in nanoseconds, and sizes)."""
    try:
        main = db.stat()
    except OSError:
        return None
    try:
        wal = Path(f"{db}-wal").stat()
        side = (wal.st_mtime_ns, wal.st_size)
    except OSError:
        side = None
    return main.st_mtime_ns, main.st_size, side
