"""The suggesters run from the window, never on its GUI thread (issue 17, point 2).

- **When an article opens** that was never suggested for (no pending suggestion, none
  accepted or rejected), its text, spans and links are copied and the suggesters run in a
  worker thread; opening and editing go on meanwhile. What they propose is written through
  the window's writer (after any edit still on its way) and drawn when it arrives. An edit
  of the article while they ran makes the result stale: it is dropped and the suggesters
  run again on the article as it is now (the store leaves out what was rejected, and the
  window what is already a span). Suggestions ▸ Suggest when an article opens turns this
  off, remembered in the settings.
- **A long article** (the long-article view) is suggested for in a process of its own
  (annotator.suggest_apart): the pure-Python suggesters would hold the window's interpreter
  for seconds, slowing every edit. A worker thread waits for the process and reads its
  suggestions back, placed and ordered (core/suggestion_index.py), so the GUI thread only
  draws them. An edit stops the process at once and starts it again 1.5 s after the last
  edit; opening another article or closing the window stops it (no process is left).
- **Suggest for this article** runs them again on demand (same path).
- **Suggest for all articles…** runs the pipeline of ``annotator suggest``
  (annotator.suggest_runs) over every article in a thread with its own connection, behind
  a progress dialog (articles done of all) with Cancel; each article is its own
  transaction, so Cancel keeps what is done and leaves the rest as it was."""

from __future__ import annotations

import os
import threading

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QProgressDialog

from annotator import settings, suggest_apart, suggest_runs
from annotator.core.vocabulary import GOLD_LAYER
from annotator.gui import tasks
from annotator.gui.annotate.suggesting import read_back
from annotator.gui.writer import Write
from annotator.store.errors import StoreError

SETTING = "suggest_on_open"
KEYS = {"article": "Ctrl+Shift+G"}


def on_open_default() -> bool:
    """Suggest when an article opens: the user's choice (the settings), else on, unless
    ANNOTATOR_SUGGEST_ON_OPEN=0 (the tests set it: a window test that wants the background
    run says so, the others see no suggestion arrive under them)."""
    chosen = settings.load().get(SETTING)
    if isinstance(chosen, bool):
        return chosen
    return os.environ.get("ANNOTATOR_SUGGEST_ON_OPEN", "1") != "0"


class AutoSuggest(QObject):
    """The suggesters' jobs of one annotating window."""

    AGAIN_MS = 1500  # a long article edited while suggested for: run again this long after
    apart_target = staticmethod(suggest_apart.child)  # what its process runs (tests: a stand-in)

    def __init__(self, window, menu: QMenu) -> None:
        super().__init__(window)
        self.window, self.state = window, window.state
        self.generation = 0  # one more at every edit of the open article's spans or links
        self.running: dict[str, tasks.Task] = {}  # article id -> its background run
        self.corpus: tasks.Task | None = None
        self.tried: set[str] = set()  # suggested for by opening, this session (found or not)
        self.apart: set[str] = set()  # articles whose run is a process (long articles)
        self._apart_over: dict[str, threading.Event] = {}  # set once its process has ended
        self._again = QTimer(self, singleShot=True, interval=self.AGAIN_MS)
        self._again.timeout.connect(self._run_again)
        self._again_for: str | None = None  # the article the timer runs again
        for signal in (self.state.span_added, self.state.span_removed, self.state.span_changed,
                       self.state.relation_added, self.state.relation_removed,
                       self.state.relation_changed):  # fmt: skip
            signal.connect(self._edited)
        self.state.document_opened.connect(self._opened)
        menu.addSeparator()
        self.on_open_action = QAction("Suggest when an article &opens", window, checkable=True)
        self.on_open_action.setChecked(on_open_default())
        self.on_open_action.toggled.connect(self._remember)
        self.article_action = QAction("Suggest for this a&rticle", window)
        self.article_action.setShortcut(QKeySequence(KEYS["article"]))
        self.article_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.article_action.triggered.connect(self.suggest_open_article)
        self.corpus_action = QAction("Suggest for a&ll articles…", window)
        self.corpus_action.triggered.connect(self.suggest_all)
        menu.addActions([self.on_open_action, self.article_action, self.corpus_action])
        window.addActions([self.article_action])

    @property
    def enabled(self) -> bool:
        return self.on_open_action.isChecked()

    def busy(self) -> bool:
        """A run is under way, or due again once edits pause, or what it found is being
        read back (the benchmark waits for the open-time work to end)."""
        return bool(self.running) or self._again.isActive() or self.window.suggesting.reading

    def _remember(self, on: bool) -> None:
        settings.save({SETTING: on})
        self._say("Suggestions are made when an article opens." if on else
                  "Suggestions are no longer made when an article opens "
                  f"({KEYS['article']} makes them for the open one).")  # fmt: skip

    def _say(self, text: str, ms: int = 8000) -> None:
        self.window.statusBar().showMessage(text, ms)

    def _edited(self, *_args) -> None:
        self.generation += 1
        doc = self.state.document
        if doc is None:
            return
        over = self._apart_over.get(doc.id)
        if doc.id in self.running and over is not None and not over.is_set():
            # stale now: its process is stopped at once (what it proposes would only be
            # dropped), and started again once the edits pause. (Once it has ended, its
            # suggestions are being read back: they were made before this edit and are
            # kept, as a thread's are.)
            self.running[doc.id].cancel()
            self._again_for = doc.id
            self._again.start()
        elif self._again.isActive() and self._again_for == doc.id:
            self._again.start()

    def _run_again(self) -> None:
        doc = self.state.document
        if (doc is not None and doc.id == self._again_for and doc.id not in self.running
                and not self.window._closing):  # fmt: skip
            self.start(doc.id)

    def stop(self) -> None:
        """The window closes: the background runs are stopped; a process is ended and
        waited for (a thread's run ends by itself, written on its own connection)."""
        self._again.stop()
        for doc_id, task in list(self.running.items()):
            if doc_id in self.apart:
                task.cancel()
                over = self._apart_over.get(doc_id)
                if over is not None:  # (reading back, after it, needs no waiting for)
                    over.wait(10)

    # -- one article, in the background ------------------------------------------------

    def _opened(self) -> None:
        doc = self.state.document
        if doc is None or doc.id != self._again_for:
            self._again.stop()  # (the same article opened again: it still runs again)
        for doc_id in self.apart & set(self.running):
            if doc is None or doc_id != doc.id:  # the article it ran for was closed
                self.running[doc_id].cancel()
        if doc is not None and self.enabled:
            # after the opening has been drawn: reading what is there costs nothing then
            QTimer.singleShot(0, self, lambda: self._open_settled(doc.id))

    def _open_settled(self, doc_id: str) -> None:
        doc = self.state.document
        if doc is None or doc.id != doc_id or self.window._closing:
            return
        if (self.window.layer == GOLD_LAYER or doc_id in self.tried or doc_id in self.running
                or self._suggested_before(doc_id)):  # fmt: skip
            return
        self.start(doc_id)

    def _suggested_before(self, doc_id: str) -> bool:
        """The article has suggestions, or had some decided: it is not suggested for
        again by itself (Suggest for this article does)."""
        suggesting = self.window.suggesting
        if suggesting.pending or suggesting.reading or self.state.provenance:
            return True
        try:
            store = self.window.store
            return store.has_suggestions(doc_id) or store.rejected_suggestions(doc_id) > 0
        except StoreError:
            return True  # a damaged file: better no suggestions than a second error

    def suggest_open_article(self) -> None:
        doc = self.state.document
        if doc is None:
            self._say("Open an article first.")
            return
        reason = self.window.annotating.locked()
        if reason:
            self._say(reason)
            return
        if doc.id in self.running:
            self._say("Suggestions for this article are being made already.")
            return
        self._say("Looking for suggestions in this article…", 4000)
        self.start(doc.id)

    def start(self, doc_id: str) -> tasks.Task:
        """Run the suggesters on the open article as it is now, in a worker thread (a
        long article's in a process of its own, waited for by the thread)."""
        began, path, who = self.generation, self.window.store.path, self.window.annotator
        article = self.window.article
        if article.text is article.long_text and path is not None:
            self.apart.add(doc_id)
            return self._start(doc_id, began, self._apart_work(doc_id, began, path, who))
        self.apart.discard(doc_id)
        text = self.state.document.text
        spans, relations = list(self.state.spans), list(self.state.relations)

        def work(_progress: tasks.Progress):
            runs = suggest_runs.propose(text, spans, relations)
            if path is None or self.generation != began:  # (an int read: safe off-thread)
                return "proposed", runs  # the window decides, and writes on its thread
            # A long article's suggestions are many: written and read back here, on a
            # connection of this thread, so the window's thread only draws them.
            from annotator.store import Store

            with Store.open(path, create=False) as store:
                done = suggest_runs.keep(store, doc_id, runs)
                return "kept", done, read_back(store, doc_id, who), who

        return self._start(doc_id, began, work)

    def _apart_work(self, doc_id: str, began: int, path, who: str):
        target = self.apart_target
        over = self._apart_over[doc_id] = threading.Event()

        def work(progress: tasks.Progress):
            try:
                apart = suggest_apart.Apart(path, doc_id, target)
                done = apart.run(lambda: progress(0, 0), lambda: self.generation == began)
            finally:
                over.set()
            if done is None:
                return "proposed", None  # edited meanwhile: nothing written
            from annotator.store import Store

            with Store.open(path, create=False) as store:
                return "kept", done, read_back(store, doc_id, who), who

        return work

    def _start(self, doc_id: str, began: int, work) -> tasks.Task:
        # (no parent: a window closed while its suggesters run is deleted, and the
        # thread's last signal must not reach a deleted object; self.running holds it)
        task = tasks.Task(work)
        self.running[doc_id] = task
        self.tried.add(doc_id)
        task.succeeded.connect(lambda runs: self._ended(doc_id, task)
                               and self._arrived(doc_id, began, runs))  # fmt: skip
        task.failed.connect(lambda message: self._ended(doc_id, task)
                            and self._failed(doc_id, message))  # fmt: skip
        task.cancelled.connect(lambda: self._ended(doc_id, task) and self._failed(doc_id, None))
        self.window.suggesting.count_label.setText("Suggesting…")
        task.start()
        return task

    def _ended(self, doc_id: str, task: tasks.Task) -> bool:
        """A run's end arrived; True if it is still the article's run (a run stopped by
        an edit may end after the next one has begun: that one's is the article's)."""
        if self.running.get(doc_id) is not task:
            return False
        del self.running[doc_id]
        return True

    def _failed(self, doc_id: str, message: str | None) -> None:
        """A run failed (``message``) or was stopped (None: an edit or a close did it)."""
        if not self.window._closing:
            self.window.suggesting.redraw()
            if message is not None:
                self._say(f"No suggestions made: {message}", 10000)

    def _arrived(self, doc_id: str, began: int, result: tuple) -> None:
        if self.window._closing:
            return
        if result[0] == "kept":  # written by the worker; read again here if edited since
            # (a long article's as read there: reading them here would stop the window
            # for seconds; an edit since changes only the few near it)
            fresh = ((self.generation == began or doc_id in self.apart)
                     and self.window.annotator == result[3])  # fmt: skip
            self._kept(doc_id, result[1], result[2] if fresh else None)
            return
        runs = result[1]
        doc = self.state.document
        here = doc is not None and doc.id == doc_id
        if runs is None and doc_id in self.apart:
            if here:  # edited while it proposed: nothing written; again once edits pause
                self._again_for = doc_id
                self._again.start()
            return
        if self.generation != began:
            # Edited while the suggesters ran: what they found may be out of date (a span
            # marked since, a link made). Nothing was written; run again on the article as
            # it is, or, if another article is open now, when this one opens again.
            if here:
                self.start(doc_id)
            return
        self.window.writer.submit(Write(
            "Suggestions", lambda: suggest_runs.keep(self.window.store, doc_id, runs),
            lambda done: self._kept(doc_id, done),
            refused=lambda error: self._say(f"Suggestions not kept: {error}", 10000),
        ))  # fmt: skip

    def _kept(self, doc_id: str, done, pending=None) -> None:
        doc = self.state.document
        if doc is None or doc.id != doc_id:
            return
        suggesting = self.window.suggesting
        suggesting.reload(pending=pending)
        made = sum(r.added_spans + r.added_links for r in done.values())
        if not made:
            self._say("No suggestions found in this article.", 6000)
        elif not suggesting.hidden:
            self._say(f"{len(suggesting.pending)} suggestion(s) in this article: "
                      f"{suggesting.actions['next'].shortcut().toString()} goes to the next, "
                      "A accepts, R rejects.", 10000)  # fmt: skip

    # -- every article, behind a progress dialog ------------------------------------------

    def suggest_all(self) -> tasks.Task | None:
        window = self.window
        path = window.store.path
        if path is None:
            self._say("Suggest for all articles works on a database file; this one is in "
                      "memory (annotator suggest does the same on the command line).")  # fmt: skip
            return None
        if self.corpus is not None:
            self._say("Suggestions for all articles are being made already.")
            return None
        done = {"n": 0, "total": window.store.document_count()}

        def work(progress: tasks.Progress):
            from annotator.store import Store

            def counted(n: int, total: int) -> None:
                done.update(n=n, total=total)  # before Cancel is noticed: what is kept
                progress(n, total)

            with Store.open(path, create=False) as store:
                return suggest_runs.suggest_articles(store, store.document_ids(),
                                                     progress=counted)  # fmt: skip

        dialog = QProgressDialog("Suggesting…", "Cancel", 0, max(done["total"], 1), window)
        dialog.setObjectName("suggestProgress")
        dialog.setWindowTitle("Suggest for all articles")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.setAutoReset(False)
        dialog.setAutoClose(False)
        task = self.corpus = tasks.Task(work)  # (no parent: as start()'s)

        def progressed(*_args) -> None:
            if self.corpus is not task:  # over: setValue would show the dialog again
                return
            n, total = done["n"], done["total"]
            dialog.setMaximum(max(total, 1))
            dialog.setValue(n)
            dialog.setLabelText(f"Suggesting: {n} of {total} article(s) done")

        # The task passes on progress at most every 50 ms; a long article after a quick
        # one would leave the count behind, so the dialog also reads it every 200 ms.
        poll = QTimer(dialog, interval=200)
        poll.timeout.connect(progressed)
        poll.start()
        task.progressed.connect(progressed)
        dialog.canceled.connect(task.cancel)
        def finished(*_args) -> None:
            poll.stop()
            dialog.close()
            dialog.deleteLater()

        for signal in (task.succeeded, task.failed, task.cancelled):
            signal.connect(finished)
        task.succeeded.connect(lambda tally: self._all_done(f"Suggested: {tally.describe()}."))
        task.cancelled.connect(lambda: self._all_done(
            f"Suggesting cancelled after {done['n']} of {done['total']} article(s); "
            "what was suggested in those stays, the others are as they were."))  # fmt: skip
        task.failed.connect(lambda message: self._all_done(f"Suggesting stopped: {message}"))
        task.start()
        return task

    def _all_done(self, text: str) -> None:
        self.corpus = None
        if self.window._closing:
            return
        self.window.suggesting.read()  # the open article's, as the job left them
        self._say(text, 20000)

