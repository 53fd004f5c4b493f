"""Shared by the safety tests (tests/test_safety_*.py): other processes, data, raw checks."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import sqlite3
import string
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import closing
from pathlib import Path

import orjson

from annotator.core.model import DocumentMeta, IncomingDocument, IncomingSpan

CHILD = Path(__file__).resolve().parent / "safety_child.py"


def env(home: Path) -> dict[str, str]:
    return {**os.environ, "ANNOTATOR_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}


def cli(*args: object) -> list[str]:
    """The command line as a user runs it: ``annotator ARGS`` in a process of its own."""
    return [sys.executable, "-m", "annotator", *map(str, args)]


def child(home: Path, *args: object) -> subprocess.Popen:
    """A safety_child.py process whose stdout lines are collected as they come
    (``proc.lines``); its stderr goes to a temporary file (``proc.err``)."""
    err = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 (closed in _close)
    proc = subprocess.Popen(
        [sys.executable, str(CHILD), *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=err,
        env=env(home),
        text=True,
    )
    proc.err = err  # type: ignore[attr-defined]
    proc.lines = []  # type: ignore[attr-defined]

    def read() -> None:
        for line in proc.stdout:
            proc.lines.append(line.rstrip("\n"))  # type: ignore[attr-defined]

    proc.reader = threading.Thread(target=read, daemon=True)  # type: ignore[attr-defined]
    proc.reader.start()  # type: ignore[attr-defined]
    return proc


def errors_of(proc: subprocess.Popen) -> str:
    proc.err.seek(0)  # type: ignore[attr-defined]
    return proc.err.read()  # type: ignore[attr-defined]


def wait_for_line(proc: subprocess.Popen, text: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while text not in proc.lines:  # type: ignore[attr-defined]
        if proc.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"no {text!r} from the child: {errors_of(proc)}")
        time.sleep(0.01)


def finish(proc: subprocess.Popen, timeout: float = 60) -> int:
    """Wait for the child to end by itself; returns its exit code."""
    code = proc.wait(timeout=timeout)
    _close(proc)
    return code


def kill9(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    _close(proc)


def _close(proc: subprocess.Popen) -> None:
    proc.reader.join(timeout=5)  # type: ignore[attr-defined]
    proc.stdout.close()
    proc.err.close()  # type: ignore[attr-defined]


def articles(n: int, *, seed: int = 5, words: int = 200, prefix: str = "doc") -> list[dict]:
    """Native JSONL records: ``n`` articles of random words, each with one span."""
    rnd = random.Random(seed)
    vocabulary = [
        "".join(rnd.choices(string.ascii_lowercase, k=rnd.randint(2, 9))) for _ in range(3000)
    ]
    records = []
    for i in range(n):
        text = " ".join(rnd.choices(vocabulary, k=words)) + " 😀 end."
        a = text.index(" ") + 1
        b = text.index(" ", a)
        records.append(
            {
                "id": f"{prefix}-{i}",
                "text": text,
                "meta": {"title": f"Article {i}"},
                "spans": [{"id": f"{prefix}-{i}-s", "start": a, "end": b, "label": "claim"}],
            }
        )
    return records


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return path


def incoming(text: str, source: str, *spans: IncomingSpan) -> IncomingDocument:
    return IncomingDocument(
        text, source, DocumentMeta(title=source), f"{source}, line 1", spans=list(spans)
    )


def raw(path: Path) -> closing[sqlite3.Connection]:
    return closing(sqlite3.connect(str(path), isolation_level=None))


def count(path: Path, table: str = "documents") -> int:
    with raw(path) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def ids(path: Path, table: str = "spans") -> set[str]:
    with raw(path) as conn:
        return {r[0] for r in conn.execute(f"SELECT id FROM {table}")}


def integrity(path: Path) -> list[str]:
    with raw(path) as conn:
        return [r[0] for r in conn.execute("PRAGMA integrity_check")]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (relative name -> SHA-256), folders included as names."""
    return {
        str(p.relative_to(folder)): sha(p) if p.is_file() else "<folder>"
        for p in sorted(folder.rglob("*"))
    }


# -- the window ---------------------------------------------------------------------------


def open_window(qtbot, path: Path, annotator: str = "alice"):
    from PySide6.QtWidgets import QApplication

    from annotator.gui.annotate.window import MainWindow
    from annotator.store import Store

    window = MainWindow(store=Store.open(path), annotator=annotator)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def label(window, start: int, end: int, name: str = "claim") -> None:
    """Select [start, end) in the article view and press the label's action."""
    from safety_child import select

    select(window, start, end)
    window.annotating.apply_label(name)


def stub_dialogs(monkeypatch) -> list[str]:
    """Modal messages collected instead of shown (title: text)."""
    from PySide6.QtWidgets import QMessageBox

    said: list[str] = []

    def collect(_parent, title, text, *_a, **_k):
        said.append(f"{title}: {text}")
        return QMessageBox.StandardButton.Cancel

    def collect_box(box, *_a, **_k):  # a box built with buttons of its own
        said.append(f"{box.windowTitle()}: {box.text()}")
        return int(QMessageBox.StandardButton.Cancel)

    for name in ("critical", "warning", "information", "question"):
        monkeypatch.setattr(QMessageBox, name, collect)
    monkeypatch.setattr(QMessageBox, "exec", collect_box)
    return said
