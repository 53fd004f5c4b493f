"""The values of a database received for review, checked before anything of it is copied.

The schema check (guard.py) makes sure the tables are ours; it says nothing of what is in
them. SQLite keeps a BLOB in a TEXT column and text in an INTEGER one, and a file written
with ``PRAGMA ignore_check_constraints`` holds empty or negative spans; ``meta`` may be no
JSON at all. Copied into the reviewer's database, such a value breaks export, stats, labels
and agreement later, and nothing in the app can repair it. So every value of every table
is checked here, in SQL where it can be (one scan per table), and the first problems are
named: table, row, column, what was found (the caller adds the file).

The gold layer travels from a review database with the verdicts that made it (see
:func:`_gold_problems`); an annotator name Annotator keeps for itself is refused otherwise.
"""

from __future__ import annotations

import json
import re
import sqlite3

from annotator.core.annotators import GOLD, reserved_name_problem

# Deeper than any document's metadata needs, and far from Python's recursion limit, which
# json.loads, json.dumps and the exporters would otherwise reach (a traceback).
MAX_META_DEPTH = 100
_SHOWN = 5

_EXPECTED = {"TEXT": ("text",), "INTEGER": ("integer",)}
_TEXT = {"text": "text", "integer": "an integer"}

# Values that identify or date a row: empty, the importer would put another in their place
# (a new id, the fallback annotator, the time of the import) without a word.
_NOT_EMPTY = {
    "documents": ("id",),
    "spans": ("id", "document", "label", "annotator", "created_at", "updated_at"),
    "relations": ("id", "document", "label", "source", "target", "annotator", "created_at",
                  "updated_at"),
}  # fmt: skip


def problems(conn: sqlite3.Connection) -> list[str]:
    """What in the database of ``conn`` (schema already checked: ours) cannot be copied into
    a reviewer's database; empty when all of it can."""
    found = _type_problems(conn)
    if found:
        return found  # the checks below compare values that must first be of their type
    return (
        _empty_problems(conn)
        + _span_problems(conn)
        + _meta_problems(conn)
        + _name_problems(conn)
        + _gold_problems(conn)
    )


# -- types ----------------------------------------------------------------------------------


def _tables(conn: sqlite3.Connection) -> list[str]:
    """Our tables: not SQLite's own, not the full-text index (the reviewer's own index is
    made from the documents copied) nor its shadow tables."""
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
    virtual = [name for name, sql in rows if str(sql).upper().startswith("CREATE VIRTUAL")]
    return [
        name
        for name, _sql in rows
        if not name.startswith("sqlite_")
        and name not in virtual
        and not name.startswith(tuple(f"{v}_" for v in virtual))
    ]


def _type_problems(conn: sqlite3.Connection) -> list[str]:
    found: list[str] = []
    for table in _tables(conn):
        columns = [
            (name, _EXPECTED[kind.upper()] + (() if notnull else ("null",)))
            for _cid, name, kind, notnull, _default, _pk, _hidden in conn.execute(
                "SELECT * FROM pragma_table_xinfo(?)", [table]
            )
            if kind.upper() in _EXPECTED
        ]
        if not columns:
            continue
        wrong = " OR ".join(
            f"typeof({_q(name)}) NOT IN ({', '.join(repr(t) for t in allowed)})"
            for name, allowed in columns
        )
        rows = conn.execute(
            f"SELECT rowid, {', '.join(f'typeof({_q(n)})' for n, _ in columns)} "
            f"FROM {_q(table)} WHERE {wrong} LIMIT {_SHOWN}"
        ).fetchall()
        for rowid, *types in rows:
            for (name, allowed), kind in zip(columns, types, strict=True):
                if kind not in allowed:
                    what = _TEXT[allowed[0]] + (" or NULL" if "null" in allowed else "")
                    found.append(
                        f"{_where(conn, table, rowid)}, column {name}: "
                        f"{_value(conn, table, name, rowid)} where {what} belongs"
                    )
        if len(found) >= _SHOWN:
            break
    return found


def _value(conn: sqlite3.Connection, table: str, column: str, rowid: int) -> str:
    kind, value = conn.execute(
        f"SELECT typeof({_q(column)}), CASE typeof({_q(column)}) "
        f"WHEN 'blob' THEN length({_q(column)}) WHEN 'text' THEN substr({_q(column)}, 1, 40) "
        f"ELSE {_q(column)} END FROM {_q(table)} WHERE rowid = ?",
        [rowid],
    ).fetchone()
    if kind == "blob":
        return f"a BLOB of {value} byte(s)"
    if kind == "null":
        return "NULL"
    if kind == "text":
        return f"the text {value!r}"
    return f"the {'integer' if kind == 'integer' else 'real number'} {value!r}"


def _where(conn: sqlite3.Connection, table: str, rowid: int) -> str:
    """Table and row, with the row's id when it has a readable one."""
    where = f"table {table}, row {rowid}"
    key = {"documents": "id", "spans": "id", "relations": "id", "decisions": "item"}.get(table)
    if key is not None:
        row = conn.execute(
            f"SELECT {key} FROM {table} WHERE rowid = ? AND typeof({key}) = 'text'", [rowid]
        ).fetchone()
        if row is not None:
            where += f" ({key} {row[0][:60]!r})"
    return where


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# -- ranges -------------------------------------------------------------------------------


def _empty_problems(conn: sqlite3.Connection) -> list[str]:
    found = []
    for table, columns in _NOT_EMPTY.items():
        for column in columns:
            for (rowid,) in conn.execute(
                f"SELECT rowid FROM {table} WHERE trim({column}) = '' LIMIT {_SHOWN}"
            ):
                found.append(f"{_where(conn, table, rowid)}, column {column}: is empty")
    return found[:_SHOWN]


def _span_problems(conn: sqlite3.Connection) -> list[str]:
    """0 <= start < end <= the length of the document's text (SQLite counts characters as
    Python does), whatever CHECK constraints the file was written with."""
    found = [
        f"{_where(conn, 'spans', rowid)}: runs from {start} to {end}, "
        + ("before the start of the text" if start < 0 else "which is empty or backwards")
        for rowid, start, end in conn.execute(
            f"SELECT rowid, start, end FROM spans WHERE start < 0 OR end <= start LIMIT {_SHOWN}"
        )
    ]
    # the length of each text once (not once per span), the spans' ends from their index
    lengths = dict(conn.execute("SELECT id, length(text) FROM documents"))
    for document, end in conn.execute("SELECT document, max(end) FROM spans GROUP BY document"):
        length = lengths.get(document)
        if length is not None and end > length:
            rowid, start = conn.execute(
                "SELECT rowid, start FROM spans WHERE document = ? AND end > ? LIMIT 1",
                [document, length],
            ).fetchone()
            found.append(
                f"{_where(conn, 'spans', rowid)}: runs from {start} to {end}, past the end "
                f"of its document's text ({length} characters)"
            )
        if len(found) >= _SHOWN:
            break
    return found


def _meta_problems(conn: sqlite3.Connection) -> list[str]:
    found = []
    for rowid, meta in conn.execute("SELECT rowid, meta FROM documents WHERE meta != '{}'"):
        problem = meta_problem(meta)
        if problem:
            found.append(f"{_where(conn, 'documents', rowid)}, column meta: {problem}")
            if len(found) >= _SHOWN:
                break
    return found


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")


def meta_problem(meta: str) -> str | None:
    """Why ``meta`` is not a JSON object of at most MAX_META_DEPTH levels, or None."""
    depth = deepest = 0
    for bracket in _BRACKETS.finditer(_JSON_STRING.sub("", meta)):
        depth += 1 if bracket.group() in "[{" else -1
        deepest = max(deepest, depth)
    if deepest > MAX_META_DEPTH:
        return f"is nested {deepest} levels deep (at most {MAX_META_DEPTH} are read)"
    try:
        value = json.loads(meta, parse_constant=_no_constant)
    except ValueError as exc:
        return f"is not JSON ({exc})"
    if not isinstance(value, dict):
        return f"is the JSON {type(value).__name__ if value is not None else 'null'}, not an object"
    return None


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


# -- names --------------------------------------------------------------------------------


def _name_problems(conn: sqlite3.Connection) -> list[str]:
    """A span or relation by an annotator name Annotator keeps for itself ("import", or
    "gold" spelled otherwise than the gold layer's own name)."""
    found = []
    for table, what in (("spans", "span"), ("relations", "relation")):
        for (name,) in conn.execute(f"SELECT DISTINCT annotator FROM {table}"):
            problem = None if name == GOLD else reserved_name_problem(name)
            if problem:
                rowid, count = conn.execute(
                    f"SELECT min(rowid), count(*) FROM {table} WHERE annotator = ?", [name]
                ).fetchone()
                found.append(
                    f"{_where(conn, table, rowid)}: this {what} and {count - 1} other(s) are "
                    f"by the annotator {name!r}, a name Annotator keeps for itself ({problem})"
                )
    return found[:_SHOWN]


def _gold_problems(conn: sqlite3.Connection) -> list[str]:
    """The gold layer comes from adjudication: a gold span or relation is copied only with
    a verdict of the same file that put it into gold (``decisions.gold`` names it; the
    item decided is someone's span or relation of the same document). Gold without one
    was written by hand into the file, or imported from a file claiming to be gold."""
    found = []
    for table, kind in (("spans", "span"), ("relations", "relation")):
        for rowid, count in conn.execute(
            f"SELECT min(g.rowid), count(*) FROM {table} g WHERE g.annotator = ? "
            "AND NOT EXISTS (SELECT 1 FROM decisions d "
            f"JOIN {table} o ON o.id = d.item AND o.document = g.document "
            "WHERE d.gold = g.id AND d.kind = ? AND d.verdict IN ('accepted', 'edited') "
            "AND o.annotator != ?) HAVING count(*) > 0",
            [GOLD, kind, GOLD],
        ):
            found.append(
                f"{_where(conn, table, rowid)}: this {kind} and {count - 1} other(s) are in "
                "the gold layer (annotator 'gold') with no verdict of this file behind them; "
                "gold travels only from the review database where it was adjudicated, with "
                "its verdicts"
            )
    return found
