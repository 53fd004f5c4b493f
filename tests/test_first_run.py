"""The real start-up path in a fresh process: a scripted first run never waits on a dialog."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_a_scripted_first_run_opens_the_seeded_window(tmp_path: Path) -> None:
    home = tmp_path / "fresh"
    env = dict(os.environ, ANNOTATOR_HOME=str(home), QT_QPA_PLATFORM="offscreen",
               ANNOTATOR_QUIT_AFTER_MS="100")
    done = subprocess.run([sys.executable, "-m", "annotator"], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "window shown: annotations.db — " in done.stdout  # the database, the annotator
    assert (home / "data" / "annotations.db").is_file()
    assert not (home / "config" / "settings.json").exists()  # nobody confirmed a name
