"""How the command line prints: shared by cli.py and the modules of its commands."""

from __future__ import annotations

import contextlib
import sys

import click

from annotator.core.display import shown
from annotator.core.errors import AnnotatorError


def echo(message: object = "", *, err: bool = False) -> None:
    """Print a line; what came from files (labels, names, titles, paths) may hold escape
    sequences, bidi overrides or NULs: each is shown as its escape (core/display.py)."""
    click.echo(shown(str(message), keep="\n\t"), err=err)


def echo_json(text: str) -> None:
    """Print JSON text, its strings' hidden characters written as JSON escapes."""
    click.echo(shown(text, keep="\n", json=True))


def warn(store) -> None:
    """What the store noticed about the file (a network share, a sync folder, an
    incomplete copy) goes to stderr, so scripts reading stdout are not disturbed."""
    for warning in store.warnings:
        echo(f"warning: {warning}", err=True)


def fail(exc: AnnotatorError) -> click.ClickException:
    return click.ClickException(shown(str(exc), keep="\n"))


def progress(length: int, label: str):
    """A progress bar on stderr when it is a terminal; otherwise nothing (scripts, pipes)."""
    if length < 2 or not sys.stderr.isatty():
        return contextlib.nullcontext(None)
    return click.progressbar(length=length, label=label, file=sys.stderr, show_pos=True)


class ReadingBar:
    """``import_files``' progress as the command line shows it: a bar over the files read
    (on a terminal only, see :func:`_progress`), closed once the last one is read."""

    def __init__(self) -> None:
        self._context = None
        self._bar = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != "read":
            return
        if self._context is None:
            self._context = progress(total, "Reading")
            self._bar = self._context.__enter__()
        if self._bar is not None and done > self._bar.pos:
            self._bar.update(done - self._bar.pos)
        if done == total:
            self.close()

    def close(self) -> None:
        if self._context is not None:
            self._context.__exit__(None, None, None)
        self._context = self._bar = None

    def __enter__(self) -> ReadingBar:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()
