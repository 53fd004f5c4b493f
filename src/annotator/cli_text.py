"""How the command line prints: shared by cli.py and the modules of its commands."""

from __future__ import annotations

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
