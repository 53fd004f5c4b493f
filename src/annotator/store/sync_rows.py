"""The SQL that reads a kind's rows for the team hub's push (store/syncing.py, sync_fresh.py):
whose rows, an item's name and its digest (SQLite's ``json_array`` of its content)."""

from __future__ import annotations

from annotator.core.syncitems import DECISION, NOTE, Kind


def rows_sql(kind: Kind, annotators: list[str]) -> str:
    """A SELECT of the kind's columns, in order, for the rows of ``annotators``."""
    if kind is DECISION:  # the local table names its owner "reviewer"
        return ("SELECT item, kind, document, verdict, gold, owns_gold, reviewer AS annotator, "
                "decided_at, note FROM decisions "
                f"WHERE reviewer IN ({', '.join('?' * len(annotators))})")
    if kind is NOTE:  # the file's article notes are its own annotator's (the first named)
        return ("SELECT id AS document, ? AS annotator, note FROM documents "
                "WHERE note IS NOT NULL AND note != ''")
    columns = ", ".join(f'"{c}"' for c in kind.columns)
    return (f"SELECT {columns} FROM {kind.table} "
            f"WHERE annotator IN ({', '.join('?' * len(annotators))})")


def rows_args(kind: Kind, annotators: list[str]) -> list[str]:
    return [annotators[0]] if kind is NOTE else list(annotators)


def item_sql(kind: Kind, alias: str) -> str:
    """The item's name (Kind.item) as SQL over the row ``alias``."""
    return " || char(9) || ".join(f'{alias}."{c}"' for c in kind.key)


def content_sql(kind: Kind, alias: str) -> str:
    return f"json_array({', '.join(f'{alias}.{chr(34)}{c}{chr(34)}' for c in kind.content)})"
