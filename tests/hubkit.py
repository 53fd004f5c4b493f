"""What the team hub's tests share: logins, marking spans in a member's file, the CLI."""

from __future__ import annotations

from pathlib import Path

import psycopg
from click.testing import CliRunner

from annotator.cli import main
from annotator.core.ids import new_id, utc_now
from annotator.core.model import Span
from annotator.store import Store

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"


def login(url: str, name: str) -> str:
    return url.rsplit("user=", 1)[0] + f"user={name}"


def run(*args: str) -> str:
    done = CliRunner().invoke(main, [str(a) for a in args])
    assert done.exit_code == 0, done.output
    assert "Traceback" not in done.output
    return done.output


def first_article(db: Path) -> tuple[str, str]:
    with Store.open(db) as store:
        doc = store.document(store.document_ids()[0])
    return doc.id, doc.text


def mark(db: Path, who: str, word: str, label: str = "actor", nth: int = 0) -> Span:
    doc_id, text = first_article(db)
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    now = utc_now()
    span = Span(new_id(), doc_id, start, start + len(word), label, word, who, now, now)
    with Store.open(db) as store:
        store.add_span(span)
    return span


def hub_spans(url: str) -> set[tuple]:
    with psycopg.connect(url) as conn:
        return set(conn.execute(
            'SELECT annotator, label, start, "end", deleted FROM spans').fetchall())
