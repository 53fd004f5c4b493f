"""The suggesters in a process of their own, for a long article (the window's background
run, gui/annotate/auto_suggest.py). They are pure Python: in a thread of the window's
process they would hold its interpreter lock and slow every edit for as long as they run
(seconds on a 5 MB article). A process shares nothing with the window: it reads the
article from the database file, proposes, asks whether the article is unchanged since it
started, and only then keeps what it found, in one transaction on its own connection.
Stopping it (the article closed or edited, the window closed) ends the process: a
transaction under way is rolled back by SQLite, so the file is never half-written.

"spawn", not "fork": a fork of a process running Qt's threads can deadlock, and spawn is
what Windows and macOS do anyway (the frozen app calls multiprocessing.freeze_support() in
its entry script). No Qt here."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Callable
from pathlib import Path

from annotator.core.errors import AnnotatorError
from annotator.core.suggestion_rows import ReplaceResult

KEEP, DROP = "keep", "drop"


CHILD_NICE = 15  # above the window's 0: on a machine of two cores, its edits come first


def child(path: str, doc_id: str, conn) -> None:
    """What the process runs: propose, then keep if the window says the article is as it was."""
    with contextlib.suppress(AttributeError, OSError):  # os.nice: POSIX only
        os.nice(CHILD_NICE)
    try:
        from annotator import suggest_runs
        from annotator.store import Store

        with Store.open(Path(path), create=False) as store:
            doc = store.document(doc_id)
            runs = suggest_runs.propose(doc.text, store.spans(doc_id), store.relations(doc_id))
            conn.send(("proposed", None))
            if conn.recv() != KEEP:
                return
            conn.send(("kept", suggest_runs.keep(store, doc_id, runs)))
    except AnnotatorError as exc:
        conn.send(("failed", str(exc)))
    except Exception as exc:  # a bug: said, not a process dying without a word
        conn.send(("failed", f"Unexpected error ({type(exc).__name__}): {exc}"))


class Apart:
    """One run of the suggesters in a process of its own; :meth:`run` waits for it in the
    calling thread (a worker thread of the window: never the GUI thread)."""

    POLL = 0.05  # seconds between two looks at Cancel while the process works

    def __init__(self, path: Path, doc_id: str,
                 target: Callable[[str, str, object], None] = child) -> None:  # fmt: skip
        ctx = multiprocessing.get_context("spawn")
        self._mine, self._theirs = ctx.Pipe()
        self.process = ctx.Process(target=target, args=(str(path), doc_id, self._theirs),
                                   name="annotator-suggest", daemon=True)  # fmt: skip

    def run(self, go_on: Callable[[], None], fresh: Callable[[], bool]
            ) -> dict[str, ReplaceResult] | None:  # fmt: skip
        """What the process kept, by suggester; None when the article changed while it
        proposed (nothing is written then). ``go_on()`` raises to stop it (Cancel);
        ``fresh()`` says whether the article is unchanged since the run began."""
        try:
            self.process.start()
            self._theirs.close()  # (theirs now: an ended process is then seen as EOF)
            kind, value = self._next(go_on)
            if kind == "proposed":
                if not fresh():
                    self._mine.send(DROP)
                    return None
                self._mine.send(KEEP)
                kind, value = self._next(go_on)
            if kind != "kept":
                raise AnnotatorError(value)
            return value
        finally:
            self.stop()

    def _next(self, go_on: Callable[[], None]) -> tuple[str, object]:
        while not self._mine.poll(self.POLL):
            go_on()
        try:
            return self._mine.recv()
        except EOFError:
            self.process.join(1)
            raise AnnotatorError("the suggesters' process ended without an answer (exit code "
                                 f"{self.process.exitcode})") from None  # fmt: skip

    def stop(self) -> None:
        """The process ended (asked to, then made to), and waited for: none is left."""
        if self.process.pid is not None:
            if self.process.is_alive():
                self.process.terminate()
            self.process.join(5)
            if self.process.is_alive():
                self.process.kill()
                self.process.join(5)
        self._mine.close()
