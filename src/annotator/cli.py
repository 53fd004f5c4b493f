"""The command line. With no command, ``annotator [DB]`` opens the window.

annotator [DB]                         open the window (default: the user's database)
annotator import DB FILE...            add articles (and their annotations) to DB
annotator export DB -o OUT.jsonl       write the dataset
annotator --version
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from annotator import __version__, paths, settings
from annotator.core.errors import AnnotatorError


class _WindowByDefault(click.Group):
    """``annotator`` and ``annotator PATH.db`` open the window; known words are commands."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        args = list(args)
        i = 0
        while i < len(args):
            arg = args[i]
            if arg == "--data-dir":
                i += 2
                continue
            if arg.startswith("-"):
                i += 1
                continue
            if arg not in self.commands:
                args.insert(i, "open")
            break
        return super().parse_args(ctx, args)


def _fail(exc: AnnotatorError) -> click.ClickException:
    return click.ClickException(str(exc))


@click.group(cls=_WindowByDefault, invoke_without_command=True)
@click.version_option(__version__, prog_name="annotator")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help=f"Keep every user file under this folder (same as {paths.HOME_ENV}).",
)
@click.pass_context
def main(ctx: click.Context, data_dir: Path | None) -> None:
    """Annotate claims, quotes and actors in news articles."""
    if data_dir is not None:
        os.environ[paths.HOME_ENV] = str(data_dir)
    if ctx.invoked_subcommand is None:
        ctx.invoke(open_window)


@main.command("open", hidden=True)
@click.argument("db", required=False, type=click.Path(dir_okay=True, path_type=Path))
@click.option("--annotator", help="Your name for this session (otherwise asked once).")
def open_window(db: Path | None = None, annotator: str | None = None) -> None:
    """Open the window on DB (default: your own database, seeded on first run)."""
    from annotator.gui.app import run  # Qt only when a window is wanted

    sys.exit(run(db, annotator=annotator))


@main.command("import")
@click.argument("db", type=click.Path(dir_okay=True, path_type=Path))
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--annotator", help="Name recorded on spans that come without one.")
def import_command(db: Path, files: tuple[Path, ...], annotator: str | None) -> None:
    """Add articles (.txt, .md) and annotated documents (.jsonl) to DB, all or nothing."""
    from annotator.formats.reading import read_paths
    from annotator.store import Store

    who = annotator or settings.annotator_name() or settings.default_annotator_name()
    existed = db.exists()
    try:
        documents = read_paths(files)
        with Store.open(db) as store:
            summary = store.import_documents(documents, annotator=who)
    except AnnotatorError as exc:
        if not existed:  # leave no empty database behind a failed first import
            Store.remove_files(db)
        raise _fail(exc) from exc
    click.echo(f"{db}: {summary.describe()}")


@main.command("export")
@click.argument("db", type=click.Path(dir_okay=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path),
    help="File to write (replaced atomically).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl"]),
    default="jsonl",
    show_default=True,
    help="Output format.",
)
def export_command(db: Path, output: Path, fmt: str) -> None:
    """Write every document of DB with its spans and relations."""
    from annotator.formats import native
    from annotator.store import Store

    try:
        with Store.open(db, create=False) as store:
            count = native.export(store, output)
    except AnnotatorError as exc:
        raise _fail(exc) from exc
    click.echo(f"{output}: {count} document(s) written")
