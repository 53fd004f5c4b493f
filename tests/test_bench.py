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
                   "articles of", "the floor", "import / floor",
                   "add one span in an article of usual length"):
        assert figure in names, figure
    assert "target" in results["autosave of one edit, p99"]
    # The news-sized import is printed beside its floor, run by run, every sample kept.
    ratio = results["import / floor (news-sized articles)"]
    assert ratio["target"] == "import within 3x of the floor (full-text index included)"
    assert len(ratio["samples"]) == 1 and ratio["median"] > 0
    assert "import / floor" in done.stdout



class _Draws:
    """Where the bench's random places fall, given."""

    def __init__(self, values: list[int]) -> None:
        self.values = list(values)

    def randrange(self, *_args) -> int:
        return self.values.pop(0)


def test_a_label_key_that_marks_nothing_is_not_timed_as_an_add(tmp_path: Path, qapp,
                                                                  monkeypatch) -> None:
    """The bench times adds: a label key on words already marked with that label is
    refused (a message, nothing stored), so that try is dropped, counted, and another
    place is drawn; the floor is then given the places that were marked."""
    import importlib.util

    from annotator.core.model import IncomingSpan

    monkeypatch.setenv("ANNOTATOR_SUGGEST_ON_OPEN", "0")
    monkeypatch.syspath_prepend(str(BENCH.parent))
    spec = importlib.util.spec_from_file_location("bench_under_test", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    text = "Sergei Lavrov said the talks were over. " * 80
    db = bench._article_db(tmp_path, "a.db", text,
                           [IncomingSpan(0, 13, "claim", id="s0", annotator="bench")])
    app, window = bench._open_window(db)
    try:
        tries = []

        def timed(edit) -> float:
            edit()
            app.processEvents()
            tries.append(len(window.state.spans))
            return 1.5

        # "Sergei La" (snapped to words: "Sergei Lavrov", marked as claim), then free words
        took, at = bench.mark_new_span(app, window, 0, _Draws([0, 200]), "claim", timed)
        assert (took, at) == (1.5, 200)
        assert tries == [1, 2]  # the refused try stored nothing; the next one a span
        assert bench.REFUSED["adds"] == 1
        added = window.state.spans.get(window.state.selected)
        assert (added.start, added.label) == (200, "claim")
        adds, removes = [], []
        places = bench._edit_pairs(app, window, 0, _Draws([0, 400, 600]), 2, adds, removes)
        assert places == [400, 600]  # where the floor edits: the places marked
        assert len(adds) == len(removes) == 2 and bench.REFUSED["adds"] == 2
        assert len(window.state.spans) == 2  # each add taken away again
    finally:
        window.close()
