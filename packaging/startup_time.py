"""Time from launch to an interactive window, frozen app against source install.

    .venv/bin/python packaging/startup_time.py [--runs 5]

Each run starts the app on the seeded user database (offscreen, in a temporary
ANNOTATOR_HOME) with ANNOTATOR_QUIT_AFTER_MS=0 and stops the clock when it prints
"window shown: ..." (the event loop is running with the window shown). One untimed run
each first creates the database and warms the file cache; then the two alternate, so a
busy moment on the machine falls on both. Prints the median of each.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FROZEN = REPO / "dist" / "annotator" / {"win32": "annotator-cli.exe", "darwin": "annotator-cli"}.get(
    sys.platform, "annotator"
)
SOURCE = Path(sys.executable).with_name("annotator")


def launch_to_window(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env
    ) as proc:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        elapsed = time.perf_counter() - start
        proc.wait(timeout=60)
    if not line.startswith("window shown:") or proc.returncode != 0:
        raise SystemExit(f"{command[0]}: no window (exit {proc.returncode}, said {line!r})")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    commands = {"frozen": [str(FROZEN)], "source": [str(SOURCE)]}
    times: dict[str, list[float]] = {name: [] for name in commands}
    with tempfile.TemporaryDirectory() as home:
        (Path(home) / "config").mkdir()
        (Path(home) / "config" / "settings.json").write_text('{"annotator": "timing"}')
        env = os.environ | {
            "ANNOTATOR_HOME": home,
            "QT_QPA_PLATFORM": "offscreen",
            "ANNOTATOR_QUIT_AFTER_MS": "0",
        }
        env.pop("PYTHONDONTWRITEBYTECODE", None)  # time the source as installed: bytecode cached
        for command in commands.values():  # the first seeds the database; both warm the cache
            launch_to_window(command, env)
        for _ in range(args.runs):
            for name, command in commands.items():
                times[name].append(launch_to_window(command, env))
    for name, runs in times.items():
        each = ", ".join(f"{t:.3f}" for t in runs)
        print(f"{name}: median {statistics.median(runs):.3f} s over {len(runs)} runs ({each})")
    print(f"machine: {os.cpu_count()} cores; {FROZEN.parent}")


if __name__ == "__main__":
    main()
