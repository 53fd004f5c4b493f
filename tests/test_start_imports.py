"""Start-up pays only for what it uses: the suggesters' rules (large patterns, compiled when
their modules are imported, 0.2 s of a start that must stay under 0.5 s) are loaded when
the first article is suggested for, not by the window or any command's start."""

from __future__ import annotations

import ast
import os
import subprocess
import sys

RULES = ("annotator.suggest.run", "annotator.suggest.speakers", "annotator.suggest.claims",
         "annotator.suggest.actors", "annotator.suggest.quotes")


def _loaded_after(code: str, watched: tuple[str, ...] = RULES) -> list[str]:
    """Which of ``watched`` a fresh interpreter has imported after running ``code``."""
    script = (
        "import sys\n"
        f"{code}\n"
        f"print(sorted(m for m in sys.modules if m in {watched!r}))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    return ast.literal_eval(done.stdout.strip().splitlines()[-1])


def test_the_window_and_the_command_line_start_without_the_suggesters_rules() -> None:
    assert _loaded_after(
        "from annotator.cli import main\n"
        "import annotator.gui.app, annotator.gui.annotate.window, annotator.suggest_runs\n"
        "try:\n"
        "    main(['--version'])\n"
        "except SystemExit:\n"
        "    pass"
    ) == []


def test_the_window_starts_without_the_hub_leads_commands_and_the_importers() -> None:
    """Team ▸ Progress (its dialogs, the lead's commands, the importers behind hub add)
    is loaded when it is opened, not at every start of the window."""
    assert _loaded_after(
        "import annotator.gui.app, annotator.gui.annotate.window",
        ("annotator.sync.lead", "annotator.formats.importing", "annotator.gui.team.progress"),
    ) == []


def test_the_rules_load_when_an_article_is_first_suggested_for() -> None:
    loaded = _loaded_after(
        "from annotator.suggest import suggest_document\n"
        "text = '“We will not go back,” said Sergei Lavrov, the foreign minister.'\n"
        "found = suggest_document(text, [], [])\n"
        "quotes = [s for run in found for s in run.spans if s.label == 'quote']\n"
        "assert [text[s.start:s.end] for s in quotes] == ['We will not go back'], quotes"
    )
    assert set(loaded) == set(RULES)
