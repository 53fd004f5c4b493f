"""The command line's review commands that live apart from cli.py (its length)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from annotator.cli_text import echo, echo_json, fail, warn
from annotator.core.errors import AnnotatorError


@click.command("review-history")
@click.argument("review", type=click.Path(dir_okay=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the history as JSON.")
@click.option("--settle", "settle", multiple=True, metavar="ITEM",
              help="The verdict on ITEM (an id the list shows) was looked at again and "
              "stands: it no longer needs another look. Repeatable; 'all' settles every one.")
def review_history_command(review: Path, as_json: bool, settle: tuple[str, ...]) -> None:
    """What each annotator sent for review into REVIEW, version by version (which file,
    when, its SHA-256, counts), and the verdicts that need another look because a later
    version changed or deleted their item. REVIEW is only read, but with --settle."""
    from annotator.store import Store

    try:
        if settle:
            with Store.open(review) as store:
                warn(store)
                pending = {f.item for f in store.review_flags()}
                chosen = pending if "all" in settle else set(settle)
                unknown = sorted(chosen - pending)
                if unknown:
                    raise click.ClickException(
                        f"{review}: no verdict on {unknown[0]!r} needs another look"
                    )
                store.settle_flags(sorted(chosen))
            echo(f"{review}: {len(chosen)} verdict(s) settled")
        with Store.open_readonly(review) as store:
            warn(store)
            versions = store.received_versions()
            flags = store.review_flags()
    except AnnotatorError as exc:
        raise fail(exc) from exc
    if as_json:
        data = {
            "versions": [
                {k: v for k, v in vars(x).items() if k not in ("new", "details", "relinked")}
                for x in versions
            ],
            "needs_another_look": [vars(f) for f in flags],
        }
        echo_json(json.dumps(data, indent=2, ensure_ascii=False))
        return
    if not versions:
        echo(f"{review}: nothing received for review yet")
    for v in versions:
        echo(f"{v.annotator}  version {v.version}  {v.received_at}  {v.file}  "
             f"sha256 {v.file_sha256[:12]}  {v.documents} document(s), {v.spans} span(s), "
             f"{v.links} link(s), {v.document_labels} document label(s); {v.changed} changed, "
             f"{v.deleted} deleted, {v.added} added, {v.flagged} verdict(s) flagged")  # fmt: skip
    if flags:
        echo(f"{len(flags)} verdict(s) need another look:")
    for f in flags:
        echo(f"  {f.item}  {f.line()} (document {f.document})")
