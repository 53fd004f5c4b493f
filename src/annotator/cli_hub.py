"""``annotator hub ...``: the lead's commands for the team hub (PostgreSQL). Each parses, calls
one function of annotator.sync, and prints; errors are one clear line, never a traceback."""

from __future__ import annotations

import click

from annotator.core.display import shown
from annotator.core.errors import AnnotatorError


def _fail(exc: AnnotatorError) -> click.ClickException:
    return click.ClickException(shown(str(exc), keep="\n"))


@click.group("hub")
def hub() -> None:
    """The team hub: a PostgreSQL database that hands out articles and collects the work.

    URL is a libpq connection string or URI (postgresql://user@host/db?sslmode=require).
    Passwords come from PGPASSWORD, ~/.pgpass or a service file; Annotator never stores one.
    """


@hub.command("init")
@click.argument("url")
def init_command(url: str) -> None:
    """Create the hub's tables, roles and row-level security in the empty database URL."""
    from annotator.sync.admin import init_hub

    try:
        result = init_hub(url)
    except AnnotatorError as exc:
        raise _fail(exc) from exc
    click.echo(shown(f"hub created in database {result.database}; member groups: "
                     f"{', '.join(result.groups)}"))
    click.echo("next: annotator hub add-member URL NAME --role annotator|reviewer|lead")


@hub.command("add-member")
@click.argument("url")
@click.argument("name")
@click.option("--role", type=click.Choice(["annotator", "reviewer", "lead"]),
              default="annotator", show_default=True,
              help="annotators write their own work; reviewers also gold; the lead also the "
                   "scheme, the articles and the assignments")
def add_member_command(url: str, name: str, role: str) -> None:
    """Make NAME (a PostgreSQL login role and annotator name) a member of the hub at URL."""
    from annotator.sync.admin import add_member

    try:
        message = add_member(url, name, role)
    except AnnotatorError as exc:
        raise _fail(exc) from exc
    click.echo(shown(message, keep="\n"))
