"""The suggestions in the window on the 5 MB article (bench.py part "suggest-window"):

- adding one span and paging down while the suggesters run in the background, beside the
  same with nothing running (ratio printed), and beside the same with them run the old way,
  in a thread of the window's process: a long article's run is a process of its own;
- accepting and rejecting one suggestion (change, memory and repaint), once they arrived,
  beside a repaint of the same page with no change (the floor, timed in the same run).

Times are thread CPU time of the GUI thread (time.thread_time: the machine is shared) and
wall time. An edit stops the run it made stale and starts it again once edits pause (here
after 0.2 s): each edit timed "while running" is made with the process running."""

from __future__ import annotations

import multiprocessing
import random
import statistics
import threading
import time
from pathlib import Path

KINDS = ["claim", "quote", "actor"]


def _timed(app, f) -> tuple[float, float]:
    cpu, wall = time.thread_time(), time.perf_counter()
    f()
    app.processEvents()
    return time.thread_time() - cpu, time.perf_counter() - wall


def _add(app, window, shown: int, rng: random.Random, i: int, helpers) -> tuple[float, float]:
    """A span marked where the reader is (then removed again, untimed); a place already
    marked with the label is drawn again (bench.py's mark_new_span)."""
    took, _at = helpers.mark_new_span(app, window, shown, rng, KINDS[i % 3],
                                      lambda edit: _timed(app, edit))
    window.annotating.delete()
    app.processEvents()
    return took


def _page(app, window) -> tuple[float, float]:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    view = window.article.text
    bar = view.verticalScrollBar()
    if bar.value() > bar.maximum() * 0.9:
        bar.setValue(0)
        app.processEvents()
    return _timed(app, lambda: QTest.keyClick(view, Qt.Key.Key_PageDown))


def _running() -> bool:
    return any(p.name == "annotator-suggest" and p.is_alive()
               for p in multiprocessing.active_children())  # fmt: skip


def _wait(app, until, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while not until():
        if time.monotonic() > end:
            return False
        app.processEvents()
        time.sleep(0.01)
    return True


def bench_suggest_window(folder: Path, small: bool, record, results: dict, helpers) -> None:
    import os

    os.environ["ANNOTATOR_SUGGEST_ON_OPEN"] = "0"  # started by the benchmark, when it says
    from annotator import suggest_runs
    from annotator.gui.annotate.auto_suggest import AutoSuggest

    AutoSuggest.AGAIN_MS = 200
    rng = random.Random(17)
    size, count = (300_000, 2_000) if small else (5_000_000, 100_000)
    runs = 5 if small else 20
    text = helpers.article(size, rng)
    db = helpers._article_db(folder, "suggest-window.db", text, helpers.spans_for(text, count, rng))
    app, window = helpers._open_window(db)
    view = window.article.text
    first = view.cursorForPosition(view.viewport().rect().topLeft()).position()
    shown = window.state.positions.from_qt(first)
    figures: dict[str, list[tuple[float, float]]] = {}
    _wait(app, lambda: not window.checking(), 300)  # the open-time check of the stored text

    def measure(name: str, before=None) -> None:
        adds, pages = figures.setdefault(f"add {name}", []), figures.setdefault(f"page {name}", [])
        for i in range(runs):
            if before is not None:
                before()
            pages.append(_page(app, window))
            if before is not None:
                before()
            adds.append(_add(app, window, shown, rng, i, helpers))

    measure("idle")
    # the window's own run: a process (started again after each edit, once running)
    window.auto_suggest.suggest_open_article()
    if not _wait(app, _running, 60):
        print("suggest-window: the suggesters' process did not start")
        window.close()
        return
    def keep_running() -> None:
        # An edit stops the run and starts it again a moment later; a page turn starts
        # nothing, and a short article's run may be over by then: started again here, not
        # waited for (a wait for a run nothing starts would last its whole timeout).
        if not _running():
            window.auto_suggest.suggest_open_article()
            _wait(app, _running, 60)
        _wait(app, lambda: False, 0.3)

    measure("process", keep_running)
    # the old way, for comparison: the suggesters in a thread of this process
    stop = threading.Event()

    def old_way() -> None:  # (in pieces of 100 KB: it stops soon when told)
        while not stop.is_set():
            for at in range(0, len(text), 100_000):
                if stop.is_set():
                    return
                suggest_runs.propose(text[at:at + 100_000], [], [])

    window.auto_suggest.stop()
    window.auto_suggest.on_open_action.setChecked(False)
    thread = threading.Thread(target=old_way, daemon=True)
    thread.start()
    time.sleep(0.5)
    measure("thread")
    stop.set()
    thread.join(600)
    measure("idle")  # after, as before: the machine's load changes over a run

    def line(name: str, what: str, target: str) -> None:
        for mode, label in (("idle", "nothing running"), ("process", "suggesters running, "
                            "in a process"), ("thread", "suggesters running in a thread (old)")):
            cpu = [c for c, _w in figures[f"{name} {mode}"]]
            wall = [w for _c, w in figures[f"{name} {mode}"]]
            record(f"{what}, {label} (GUI thread CPU)", cpu,
                   target if mode == "process" else "(no target)")
            record(f"  the same, wall time ({name}, {mode}; waits for the interpreter lock too)", wall,
                   "(no target)")
        for i, clock in ((0, "CPU"), (1, "wall")):
            idle = statistics.median(t[i] for t in figures[f"{name} idle"])
            for mode in ("process", "thread"):
                ratio = statistics.median(t[i] for t in figures[f"{name} {mode}"]) / max(idle, 1e-9)
                results[f"{what}: {mode} / idle ({clock})"] = {"value": round(ratio, 2)}
                print(f"{f'{what}: {mode} / nothing running ({clock})':<58} {ratio:9.2f} x")

    label = f"{len(text.encode()) / 1e6:.1f} MB article"
    line("add", f"add one span ({label})", "<= 16 ms")
    line("page", f"page down ({label})", "<= 16 ms")
    _decisions(app, window, record, runs)
    window.close()


def _decisions(app, window, record, runs: int) -> None:
    """Once the window's run has kept its suggestions: accept and reject, timed."""
    auto = window.auto_suggest
    auto.on_open_action.setChecked(True)
    doc = window.state.document.id
    auto.suggest_open_article()
    if not _wait(app, lambda: doc not in auto.running and window.suggesting.pending, 1800):
        print("suggest-window: no suggestions arrived: accept and reject not timed")
        return
    s, view = window.suggesting, window.article.text
    print(f"suggest-window: {len(s.pending):,} suggestions in the article")
    floor, rejects, accepts = [], [], []
    for _ in range(runs):
        if s.current_suggestion() is None:
            s.step(+1)
            app.processEvents()
        floor.append(_timed(app, view.viewport().update))
        rejects.append(_timed(app, s.reject))
        floor.append(_timed(app, view.viewport().update))
        accepts.append(_timed(app, s.accept))
    n = f"{len(s.pending):,} suggestions"
    record(f"reject one suggestion ({n}; change + repaint, CPU)", [c for c, _ in rejects],
           "<= 16 ms")
    record(f"accept one suggestion ({n}; change + repaint, CPU)", [c for c, _ in accepts],
           "<= 16 ms")
    record("  repaint of the same page, no change (floor, CPU)", [c for c, _ in floor],
           "(no target)")
