"""Entry script of the frozen app: the same start-up as the ``annotator`` console script.

PyInstaller needs a script, not an entry point; this one only hands over to
``annotator.cli:main``, so the window and every subcommand run exactly as from source.
"""

import os
import sys

# A windowed executable (Windows, macOS) has no console streams: sys.stdout is None there,
# and a print would raise. Writes go nowhere instead; the window says what matters.
for _name in ("stdout", "stderr"):
    if getattr(sys, _name) is None:
        setattr(sys, _name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115

from annotator.cli import main  # noqa: E402

if __name__ == "__main__":
    # The window runs a long article's suggesters in a process of its own (spawned): the
    # frozen executable started as that process must run it, not the app.
    import multiprocessing

    multiprocessing.freeze_support()
    main(prog_name="annotator")
