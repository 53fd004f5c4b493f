"""A stand-in for the suggesters' process of a long article (tests/test_gui_suggest_apart.py):
it says it started (a file named by its pid in $ANNOTATOR_TEST_APART), waits until the test
puts a file named "go" there, then runs the real one. Spawned: it is imported by name in
the new process, so it lives in a module, not in the test."""

from __future__ import annotations

import os
import time
from pathlib import Path

from annotator import suggest_apart


def held(path: str, doc_id: str, conn) -> None:
    folder = Path(os.environ["ANNOTATOR_TEST_APART"])
    (folder / f"started-{os.getpid()}").write_text(doc_id)
    deadline = time.monotonic() + 60
    while not (folder / "go").exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    suggest_apart.child(path, doc_id, conn)
