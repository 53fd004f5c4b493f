"""``annotator hub ...``: the lead's commands for the team hub (PostgreSQL). Each parses, calls
one function of annotator.sync, and prints; errors are one clear line, never a traceback."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from annotator.cli_text import fail as _fail
from annotator.core.display import shown
from annotator.core.errors import AnnotatorError


@click.group("hub")
def hub() -> None:
    """The team hub: a PostgreSQL database that hands out articles and collects the work.

    URL is a libpq connection string or URI (postgresql://user@host/db?sslmode=require).
    Passwords come from PGPASSWORD, ~/.pgpass or a service file; Annotator never stores one.
    """


@hub.command("init")
@click.argument("url")
def init_command(url: str) -> None:
    """Create the hub's tables, roles and row-level security in the empty database URL (or
    bring a hub made by an older Annotator up to date)."""
    from annotator.sync.admin import init_hub
    from annotator.sync.schema import HUB_SCHEMA_VERSION

    try:
        result = init_hub(url)
    except AnnotatorError as exc:
        raise _fail(exc) from exc
    if result.upgraded_from is not None:
        click.echo(shown(f"hub in database {result.database} brought from schema version "
                         f"{result.upgraded_from} to {HUB_SCHEMA_VERSION}; its members keep "
                         "their files and rights"))
        return
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



@hub.command("add")
@click.argument("url")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", default="auto", show_default=True,
              help="Read every file as this format (as 'annotator import --format').")
def add_command(url: str, files: tuple[Path, ...], fmt: str) -> None:
    """Add the articles in FILES (files or folders, any format 'import' reads) to the hub."""
    from annotator.sync.lead import add_articles

    try:
        report = add_articles(url, list(files), fmt=fmt)
    except AnnotatorError as exc:
        raise _fail(exc) from exc
    for line in report.lines():
        click.echo(shown(line))


@hub.command("assign")
@click.argument("url")
@click.option("--to", "to", required=True, metavar="NAMES",
              help="The members to spread the articles over, comma-separated.")
@click.option("--per-document", type=int, default=1, show_default=True,
              help="How many annotators each article gets.")
@click.option("--status", type=click.Choice(["todo"]),
              help="Only articles nobody has started yet.")
@click.option("--release", metavar="NAME",
              help="First take back NAME's unfinished articles (a member leaving), so this "
                   "run gives them to the others.")
def assign_command(url: str, to: str, per_document: int, status: str | None,
                   release: str | None) -> None:
    """Give each article N annotators, evening the load. Re-running assigns only what is new."""
    from annotator.sync.lead import assign

    members = [m.strip() for m in to.split(",") if m.strip()]
    try:
        report = assign(url, members, per_document, status=status, release=release)
    except AnnotatorError as exc:
        raise _fail(exc) from exc
    for line in report.lines():
        click.echo(shown(line))


@hub.command("status")
@click.argument("url")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def status_command(url: str, as_json: bool) -> None:
    """Progress per annotator and per article: assigned, in progress, done, ready for review."""
    import json

    from annotator.sync.lead import progress

    try:
        figures = progress(url)
    except AnnotatorError as exc:
        raise _fail(exc) from exc
    if as_json:
        click.echo(shown(json.dumps(figures, ensure_ascii=False), keep="\n", json=True))
        return
    click.echo(f"{'annotator':<20} {'assigned':>8} {'todo':>6} {'in progress':>11} {'done':>6}")
    for name, c in figures["annotators"].items():
        click.echo(shown(f"{name:<20} {c['assigned']:>8} {c['todo']:>6} "
                         f"{c['in_progress']:>11} {c['done']:>6}"))
    states = Counter(a["state"] for a in figures["articles"])
    click.echo("articles: " + ", ".join(f"{n} {s}" for s, n in sorted(states.items())))



@hub.command("scheme")
@click.argument("url")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def scheme_command(url: str, file: Path) -> None:
    """Merge the scheme JSON FILE (as 'annotator labels --export' writes it) into the hub's;
    members receive it at their next sync."""
    from annotator.sync.lead import set_scheme

    try:
        added, left_out = set_scheme(url, file)
    except AnnotatorError as exc:
        raise _fail(exc) from exc
    click.echo(shown(f"scheme merged into the hub; new: {', '.join(added) or 'none'}"))
    if left_out:
        click.echo(f"{left_out} link rule(s) in the file left out: this hub was made by an "
                   "older Annotator and carries no link rules (its owner brings it up to date "
                   "with 'annotator hub init URL'); until then each member's file keeps its own")


@click.command("sync")
@click.argument("db", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("url")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--conflicts", "list_conflicts", is_flag=True,
              help="List the conflicts parked in DB (nothing is synced).")
@click.option("--resolve", type=int, metavar="N",
              help="Settle parked conflict N (with --keep); nothing is synced.")
@click.option("--keep", type=click.Choice(["hub", "local", "both"]),
              help="With --resolve: keep the hub's version, put yours back to be pushed, or "
                   "(a span or link) keep both.")
def sync_command(db: Path, url: str, as_json: bool, list_conflicts: bool,
                 resolve: int | None, keep: str | None) -> None:
    """Push your new and changed work in DB to the hub at URL, then pull what is yours to see.

    DB stays your working copy: edits are saved there first, and a sync that is cut off
    leaves both sides whole (run it again). The login in URL must be the annotator name you
    annotate under.
    """
    import json

    from annotator.store import Store
    from annotator.sync.client import sync

    try:
        if list_conflicts or resolve is not None:
            if (resolve is None) != (keep is None):
                raise click.UsageError("--resolve N and --keep hub|local go together")
            with Store.open(db, create=False) as store:
                if resolve is not None:
                    store.resolve_conflict(resolve, keep)
                    kept = {"hub": "the hub's version", "local": "your version",
                            "both": "both versions"}[keep]
                    click.echo(f"conflict {resolve}: kept {kept}"
                               + (" (sent at the next sync)" if keep != "hub" else ""))
                    return
                parked = store.sync_conflicts()
            if as_json:
                click.echo(shown(json.dumps(parked, ensure_ascii=False), keep="\n", json=True))
                return
            if not parked:
                click.echo("no conflicts parked")
            for c in parked:
                what = "deleted" if c["local"].get("deleted") else _describe(c["local"])
                click.echo(shown(f"{c['id']}: {c['kind']} {c['item']}: yours {what}; the hub's "
                                 f"version {c['hub_version']} was kept ({c['parked_at']})"))
            return
        report = sync(db, url)
    except AnnotatorError as exc:
        raise _fail(exc) from exc
    if as_json:
        click.echo(json.dumps(report.as_dict()))
    else:
        for line in report.lines():
            click.echo(shown(line))


def _describe(row: dict) -> str:
    if "verdict" in row:  # a reviewer's verdict on an item another reviewer decided first
        return f"verdict {row['verdict']} (another reviewer decided this item first)"
    if "start" in row:
        return f"{row['label']} {row['start']}-{row['end']} {row['text'][:40]!r}"
    return ", ".join(f"{k}={v}" for k, v in row.items() if k not in ("created_at", "updated_at"))


TEAM_COMMANDS = (hub, sync_command)
