"""A task whose window was closed while its work ran ends quietly: the work's thread finds
nobody to tell (Qt: "Signal source has been deleted") and must not die with a traceback on
the terminal as the app quits, nor keep working on for nobody."""

from __future__ import annotations

import threading
import time

import shiboken6

from annotator.gui import tasks


def test_a_task_gone_before_its_work_ends_says_nothing_and_stops(qtbot, monkeypatch):
    died = []
    monkeypatch.setattr(threading, "excepthook", lambda args: died.append(args.exc_value))
    release, reports = threading.Event(), []

    def work(progress):
        release.wait(5)
        for i in range(1000):  # a long work: stopped at its next report once nobody listens
            reports.append(i)
            progress(i, 1000)
            time.sleep(0.06)
        return "done"

    task = tasks.Task(work)
    thread = task.thread
    task.start()
    shiboken6.delete(task)  # its window closed (the parent takes its tasks along)
    release.set()
    thread.join(10)
    assert not thread.is_alive()
    assert died == []
    assert len(reports) <= 3  # it stopped instead of working on for nobody


def test_a_task_gone_before_its_result_says_nothing(qtbot, monkeypatch):
    died = []
    monkeypatch.setattr(threading, "excepthook", lambda args: died.append(args.exc_value))
    release = threading.Event()
    task = tasks.Task(lambda _progress: release.wait(5) and "done")
    thread = task.thread
    task.start()
    shiboken6.delete(task)
    release.set()
    thread.join(10)
    assert not thread.is_alive()
    assert died == []


def test_a_live_task_still_reports(qtbot):
    task = tasks.Task(lambda _progress: 42)
    with qtbot.waitSignal(task.succeeded, timeout=5000) as got:
        task.start()
    assert got.args == [42]
