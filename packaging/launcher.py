"""Entry script of the frozen app: the same start-up as the ``annotator`` console script.

PyInstaller needs a script, not an entry point; this one only hands over to
``annotator.cli:main``, so the window and every subcommand run exactly as from source.
"""

from annotator.cli import main

if __name__ == "__main__":
    main(prog_name="annotator")
