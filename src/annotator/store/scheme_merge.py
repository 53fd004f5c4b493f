"""The scheme travels with a review import (issue 16): labels' colours, keys, descriptions
and whatever other column the labels table has (link rules, ...) reach the reviewer.

Every column of the reviewer's labels table but ``name`` and ``position`` travels, so a
column a later migration adds travels too without a change here. ``merge_schemes`` runs in
the review import's transaction (store/sharing.py) and returns what the reviewer is told:

- where two senders' schemes differ on a label, how ("alice and bob disagree on label
  location: colour #ff69b4 vs #00bcd4; key 4 vs none");
- a label the review database lacks is added with the first sender's settings (in the
  order the files were given); a key already taken here is not given to it, and that is
  said;
- a label the review database has keeps the reviewer's settings, and what was kept where a
  sender's differ is said, except in a review database this import creates: there the
  labels are only the seeds, and the first sender's settings replace them, saying so.
"""

from __future__ import annotations

import sqlite3

from annotator.core.model import Label
from annotator.core.scheme import SchemeError, check, key_group
from annotator.store.errors import StoreError

_SHOWN = {"color": "colour"}  # a column's name as the reviewer reads it


def label_rows(conn: sqlite3.Connection) -> list[dict]:
    """Every row of a database's labels table, every column, as dicts."""
    cursor = conn.execute("SELECT * FROM labels ORDER BY kind, position, name")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def merge_schemes(
    conn: sqlite3.Connection, schemes: list[tuple[str, list[dict]]], *, fresh: bool
) -> list[str]:
    """Merge the senders' schemes (``(sender, label rows)`` in the order given) into the
    labels of ``conn``; return the lines that say what differed, was added or was kept."""
    columns = [r[1] for r in conn.execute("PRAGMA table_info(labels)")]
    travelling = [c for c in columns if c not in ("name", "position")]
    held = {row["name"]: row for row in label_rows(conn)}
    offers: dict[str, list[tuple[str, dict]]] = {}
    for who, rows in schemes:
        for row in rows:
            offers.setdefault(row["name"], []).append((who, row))
    lines = [
        line for name, offered in offers.items() if (line := _disagreement(name, offered, travelling))
    ]
    for name, offered in offers.items():
        for who, row in offered:
            _check(who, row)
        who, row = offered[0]
        mine = held.get(name)
        if mine is not None and mine["kind"] != row.get("kind", mine["kind"]):
            raise StoreError(
                f"{who}'s label {name!r} is a {row['kind']} label; in this database it is a "
                f"{mine['kind']} label, so nothing was imported"
            )
    if fresh:  # the seeds' keys step aside, so that the senders' keys can swap places
        conn.executemany("UPDATE labels SET key = NULL WHERE name = ?",
                         [[n] for n in offers if n in held])  # fmt: skip
    for name, offered in offers.items():
        who, row = offered[0]
        values = {c: row[c] for c in travelling if c in row}
        mine = held.get(name)
        if mine is not None and not fresh:
            kept = [
                f"{_shown(c)} {_value(c, mine[c])} ({who}: {_value(c, values[c])})"
                for c in travelling
                if c in values and c != "kind" and values[c] != mine[c]
            ]
            if kept:
                lines.append(f"label {name}: kept this database's {', '.join(kept)}")
            continue
        key = values.get("key")
        holder = _key_holder(conn, key, values.get("kind", mine["kind"] if mine else "span"), name)
        if holder is not None:
            values["key"] = None
        if mine is None:
            kind = values.get("kind", "span")
            position = conn.execute(
                "SELECT coalesce(max(position) + 1, 0) FROM labels WHERE kind = ?", [kind]
            ).fetchone()[0]
            names = ["name", "position", *values]
            conn.execute(
                f"INSERT INTO labels ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                [name, position, *values.values()],
            )
            told = "added"
        else:
            sets = [c for c in values if c != "kind"]
            if sets:
                conn.execute(
                    f"UPDATE labels SET {', '.join(f'{c} = ?' for c in sets)} WHERE name = ?",
                    [*(values[c] for c in sets), name],
                )
            if all(values[c] == mine[c] for c in sets) and holder is None:
                continue
            told = "set"
        settings = ", ".join(
            f"{_shown(c)} {_value(c, values[c])}" for c in ("color", "key") if c in values
        )
        line = f"label {name} {told} as {who} has it ({settings})"
        if holder is not None:
            line += f"; key {key} not given to it: {holder} has it here"
        lines.append(line)
    return lines


def _check(who: str, row: dict) -> None:
    """A colour, key or name the scheme editor would refuse does not come in by a file."""
    label = Label(row["name"], row.get("kind", "span"), row.get("color", ""), row.get("key"),
                  0, row.get("description") or "")  # fmt: skip
    try:
        check([label])
    except SchemeError as exc:
        why = "; ".join(line.strip() for line in str(exc).splitlines()[1:])
        raise StoreError(f"{who}'s scheme cannot be taken ({why}); nothing was imported") from exc


def _key_holder(conn: sqlite3.Connection, key: object, kind: str, name: str) -> str | None:
    """The other label that has ``key`` in ``kind``'s key group, if any."""
    if key is None:
        return None
    for other, other_kind in conn.execute(
        "SELECT name, kind FROM labels WHERE lower(key) = lower(?) AND name != ?", [key, name]
    ):
        if key_group(other_kind) == key_group(kind):
            return other
    return None


def _disagreement(name: str, offered: list[tuple[str, dict]], columns: list[str]) -> str | None:
    if len({who for who, _ in offered}) < 2:
        return None
    parts = []
    for c in columns:
        if not all(c in row for _, row in offered):
            continue
        values: dict[str, list[str]] = {}
        for who, row in offered:
            values.setdefault(_value(c, row[c]), []).append(who)
        if len(values) < 2:
            continue
        if len(offered) == 2:
            parts.append(f"{_shown(c)} {' vs '.join(values)}")
        else:
            parts.append(f"{_shown(c)} " + " vs ".join(
                f"{v} ({', '.join(whos)})" for v, whos in values.items()
            ))  # fmt: skip
    if not parts:
        return None
    whos = [who for who, _ in offered]
    people = ", ".join(whos[:-1]) + f" and {whos[-1]}"
    return f"{people} disagree on label {name}: {'; '.join(parts)}"


def _shown(column: str) -> str:
    return _SHOWN.get(column, column.replace("_", " "))


def _value(column: str, value: object) -> str:
    if value is None or value == "":
        return "none"
    if column == "description":
        return f"“{value}”"
    return str(value)
