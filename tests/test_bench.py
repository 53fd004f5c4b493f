"""The benchmark (make bench) still runs: tiny sizes, no timing asserted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "bench.py"


@pytest.mark.slow
def test_the_benchmark_runs_and_reports_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ANNOTATOR_HOME=str(tmp_path / "home"))
    done = subprocess.run(
        [sys.executable, str(BENCH), "--small", "--output", str(out)],
        env=env, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads(out.read_text())["results"]
    names = " ".join(results)
    for figure in ("open to first paint", "add one span", "remove one span", "page down",
                   "jump to end", "memory", "autosave", "import", "export",
                   "document list: first page", "sort", "full-text search", "start to a usable",
                   "articles of", "the floor", "import / floor"):
        assert figure in names, figure
    assert "target" in results["autosave of one edit, p99"]
    # The news-sized import is printed beside its floor, run by run, every sample kept.
    ratio = results["import / floor (news-sized articles)"]
    assert ratio["target"] == "import within 3x of the floor (full-text index included)"
    assert len(ratio["samples"]) == 1 and ratio["median"] > 0
    assert "import / floor" in done.stdout
