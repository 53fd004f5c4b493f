"""Checks made on every database file before it is used: structure, schema, place.

A file that passed the header check (opening.py) may still be damaged, or carry schema
objects Annotator never makes: a trigger runs SQL of its author's choosing on our writes,
and a view in place of a table answers our queries with anything. So the schema stored in
the file is compared with the one this build's migrations make for its version, and
``quick_check`` looks at the file's structure. Reading ``sqlite_master`` and running
``quick_check`` execute nothing from the file.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from annotator.store.errors import StoreError
from annotator.store.schema import MIGRATIONS, SCHEMA_FINGERPRINT, Migration

# Tables SQLite itself may add (ANALYZE, AUTOINCREMENT); they hold statistics, not code.
_SQLITE_OWN = ("sqlite_stat1", "sqlite_stat4", "sqlite_sequence")
_SHOWN = 5
# A table changed in place changes the tables that refer to it too (SQLite rewrites their
# references), so a schema's problems are shown a few more at a time: the changed table
# itself, listed after those that refer to it, stays in the message.
_SCHEMA_SHOWN = 8


def check(conn: sqlite3.Connection, path: object, migrations: tuple[Migration, ...]) -> None:
    """Refuse a file whose schema is not the one ``migrations`` make, or whose structure
    is damaged."""
    problems = schema_problems(conn, migrations)
    if problems:
        raise StoreError(
            f"{path}: its schema is not one Annotator makes, so it is not opened "
            f"({'; '.join(problems[:_SCHEMA_SHOWN])})"
        )
    damage = [row[0] for row in conn.execute(f"PRAGMA quick_check({_SHOWN})")]
    if damage != ["ok"]:
        damage = [_located(conn, line) for line in damage]
        raise StoreError(f"{path}: the database file is damaged ({'; '.join(damage)})")


# quick_check's words for a value its column's type cannot hold ("NUMERIC value in t.c")
_WRONG_TYPE = re.compile(r"(NUMERIC|NULL|TEXT|BLOB|INTEGER|REAL) value in (\w+)\.(\w+)")
_TYPEOF = {"NUMERIC": ("integer", "real")}


def _located(conn: sqlite3.Connection, line: str) -> str:
    """quick_check names the table and column of a value of the wrong type: add the row
    (its rowid) and the value, so that the message says where to look."""
    match = _WRONG_TYPE.fullmatch(line)
    if match is None:
        return line
    kind, table, column = match.groups()
    try:
        columns = {r[1] for r in conn.execute("SELECT * FROM pragma_table_xinfo(?)", [table])}
        if column not in columns:
            return line
        types = _TYPEOF.get(kind, (kind.lower(),))
        row = conn.execute(
            f'SELECT rowid, typeof("{column}"), substr("{column}", 1, 40) FROM "{table}" '
            f'WHERE typeof("{column}") IN ({", ".join("?" * len(types))}) LIMIT 1',
            types,
        ).fetchone()
    except sqlite3.Error:
        return line
    if row is None:
        return line
    return f"{line}: row {row[0]} holds the {row[1]} {row[2]!r}"


def schema_problems(conn: sqlite3.Connection, migrations: tuple[Migration, ...]) -> list[str]:
    """What the file's schema holds that ``migrations`` do not make, or lacks."""
    found = _objects(conn)
    if len(migrations) == len(MIGRATIONS) and fingerprint(found) == SCHEMA_FINGERPRINT:
        # The schema this build makes, known by its fingerprint (tests/test_store.py checks
        # it): no need to run the migrations, or to import sqlite-utils, at every start.
        return []
    expected = expected_schema(migrations)
    expected_kinds = {name: kind for kind, name in expected}
    problems = []
    for (kind, name), described in found.items():
        if (kind, name) in expected:
            if described != expected[(kind, name)]:
                problems.append(f"the {kind} {name!r} is not defined as Annotator defines it")
        elif not (kind == "table" and name in _SQLITE_OWN):
            instead = f" in place of the {expected_kinds[name]}" if name in expected_kinds else ""
            article = "an" if kind[0] in "aeiou" else "a"
            problems.append(f"{article} {kind} {name!r}{instead}")
    found_names = {name for _kind, name in found}
    problems += [
        f"the {kind} {name!r} is missing" for kind, name in expected if name not in found_names
    ]
    return problems


def fingerprint(objects: dict[tuple[str, str], tuple]) -> str:
    """A digest of schema objects as :func:`schema_problems` compares them: equal digests,
    no problems (SQLite's own statistics tables left out)."""
    rows = sorted(
        (kind, name, described)
        for (kind, name), described in objects.items()
        if not (kind == "table" and name in _SQLITE_OWN)
    )
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def expected_schema(migrations: Sequence[Migration]) -> dict[tuple[str, str], tuple]:
    """The schema objects that running ``migrations`` on an empty database makes."""
    return _expected_schema(tuple(migrations))  # a list too (it is not hashable)


@functools.cache
def _expected_schema(migrations: tuple[Migration, ...]) -> dict[tuple[str, str], tuple]:
    import sqlite_utils  # only here and on writes that use it: not at every start

    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        db = sqlite_utils.Database(conn, execute_plugins=False)
        for migrate in migrations:
            migrate(db)
        return _objects(conn)
    finally:
        conn.close()


def _objects(conn: sqlite3.Connection) -> dict[tuple[str, str], tuple]:
    """Every schema object, described as SQLite understands it: the table (or index) it
    belongs to, its CREATE statement as tokens, and for a table what ``table_xinfo`` and
    ``foreign_key_list`` report (for an index, ``index_xinfo`` and its ``index_list`` line).

    Both are compared, for every table, the full-text index's own tables included: the
    tokens catch a changed CHECK, default or partial-index condition; the pragmas what
    the statement means to SQLite (a NOT NULL lost, a column's type or collation). The
    pragmas are asked as table-valued functions with the name bound, never spliced in."""
    master = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    try:
        pragmas = _all_pragmas(conn)
    except sqlite3.Error:  # an object SQLite cannot make sense of: one at a time, to say so
        pragmas = None
    objects: dict[tuple[str, str], tuple] = {}
    for kind, name, table, sql in master:
        tokens = None if sql is None else tokenised(str(sql))
        described: tuple = (str(table).lower(), tokens)
        if kind == "table" and not _virtual(tokens):
            # A virtual table's columns are its module's answer, so its statement (module
            # and arguments) is all that is compared; its shadow tables are plain tables.
            described += tuple(
                _pragma(conn, pragmas, pragma, name)
                for pragma in ("table_xinfo", "foreign_key_list")
            )
        elif kind == "index":
            # its line in its table's index_list (unique, made for which constraint,
            # partial), without "seq": the order SQLite lists indexes in is no part of it
            listed = [row[2:] for row in _pragma(conn, pragmas, "index_list", table)
                      if row[1] == name]  # fmt: skip
            described += (_pragma(conn, pragmas, "index_xinfo", name), tuple(listed))
        objects[(str(kind), str(name))] = described
    return objects


_PRAGMAS = {"table_xinfo": "table", "foreign_key_list": "table", "index_list": "table",
            "index_xinfo": "index"}  # fmt: skip


def _all_pragmas(conn: sqlite3.Connection) -> dict[tuple[str, object], tuple]:
    """Each pragma for all objects in one query (a query per object costs milliseconds)."""
    found: dict[tuple[str, object], list[tuple]] = {}
    for pragma, kind in _PRAGMAS.items():
        rows = conn.execute(
            f"SELECT m.name, p.* FROM sqlite_master m, pragma_{pragma}(m.name) p "
            "WHERE m.type = ? AND coalesce(m.sql, '') NOT LIKE 'create virtual%'",
            [kind],
        )
        for name, *row in rows:
            found.setdefault((pragma, name), []).append(tuple(row))
    return {key: tuple(rows) for key, rows in found.items()}


def _pragma(
    conn: sqlite3.Connection, pragmas: dict[tuple[str, object], tuple] | None, pragma: str,
    name: object,
) -> tuple:  # fmt: skip
    if pragmas is not None:
        return pragmas.get((pragma, name), ())
    try:
        return tuple(conn.execute(f"SELECT * FROM pragma_{pragma}(?)", [name]).fetchall())
    except sqlite3.Error as exc:
        return (("unreadable", str(exc)),)


# The tokens of SQLite's SQL (https://sqlite.org/lang_keywords.html, tokenize.c): blobs,
# strings, quoted identifiers, numbers, words, operators of two or three characters. White
# space and comments (skipped before each token, or at the end) only separate tokens:
# they are never glued back together.
_TOKEN = re.compile(
    r"""(?:\s+|--[^\n]*|/\*.*?(?:\*/|\Z))*
    (?:([xX]'[^']*')
    |('(?:[^']|'')*')
    |("(?:[^"]|"")*"|`(?:[^`]|``)*`|\[[^\]]*\])
    |(0[xX][0-9a-fA-F]+|(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)
    |([^\W\d]\w*|[$@:#?]\w*)
    |(->>|->|\|\||<<|>>|<=|>=|==|!=|<>|.)
    |\Z)""",
    re.VERBOSE | re.DOTALL,
)


@functools.lru_cache(maxsize=256)  # a process opens files of one schema again and again
def tokenised(sql: str) -> tuple[tuple[str, str], ...]:
    """``sql`` as (kind, token) pairs: words and identifiers in lower case (SQLite ignores
    their case; quoting an identifier does not change it), strings exactly as written."""
    tokens = []
    for blob, string, quoted, number, word, operator in _TOKEN.findall(sql):
        if word:
            tokens.append(("name", word.lower()))
        elif operator:
            tokens.append(("operator", operator))
        elif quoted:
            quote, inner = quoted[0], quoted[1:-1]
            name = inner if quote == "[" else inner.replace(quote * 2, quote)
            tokens.append(("name", name.lower()))
        elif string:
            tokens.append(("string", string))
        elif number:
            tokens.append(("number", number.lower()))
        elif blob:
            tokens.append(("blob", blob.lower()))
    return tuple(tokens)


def _virtual(tokens: tuple[tuple[str, str], ...] | None) -> bool:
    return bool(tokens) and [t for _k, t in tokens[:3]] == ["create", "virtual", "table"]


# -- where the file lives -------------------------------------------------------------------

# Folders that sync services keep in step with other machines (by name, case-insensitive).
SYNC_FOLDERS = {
    "dropbox": "Dropbox",
    "onedrive": "OneDrive",
    "google drive": "Google Drive",
    "googledrive": "Google Drive",
    "my drive": "Google Drive",
    "icloud drive": "iCloud Drive",
    "iclouddrive": "iCloud Drive",
    "mobile documents": "iCloud Drive",
    "cloudstorage": "a cloud storage provider",
    "nextcloud": "Nextcloud",
    "owncloud": "ownCloud",
    "pcloud drive": "pCloud",
    "box sync": "Box",
    "box drive": "Box",
    "megasync": "MEGA",
    "mega": "MEGA",
    "seafile": "Seafile",
    "synologydrive": "Synology Drive",
    "yandex.disk": "Yandex Disk",
    "sync.com": "Sync.com",
}
# File systems that reach the file over a network (Linux /proc/mounts types).
NETWORK_FILE_SYSTEMS = {
    "nfs",
    "nfs4",
    "cifs",
    "smb",
    "smb2",
    "smb3",
    "smbfs",
    "9p",
    "afs",
    "ceph",
    "glusterfs",
    "lustre",
    "gpfs",
    "ocfs2",
    "gfs2",
    "davfs",
    "webdav",
    "ncpfs",
    "coda",
    "fuse.sshfs",
    "sshfs",
    "fuse.rclone",
    "fuse.davfs2",
    "fuse.s3fs",
    "fuse.glusterfs",
    "fuse.cephfs",
    "fuse.gcsfuse",
    "fuse.goofys",
    "fuse.mountpoint-s3",
    "fuse.onedriver",
    "fuse.dropbox",
    "fuse.google-drive-ocamlfuse",
    "fuse.gvfsd-fuse",
}

_UNSAFE = (
    "SQLite databases can be damaged, or lose edits, when a sync service copies them or "
    "another machine opens them at the same time. Work on a copy on this computer's own "
    "disk and share exports (or snapshots) from there."
)


def location_warning(path: Path, *, mounts: str | None = None) -> str | None:
    """A warning if ``path`` lies in a cloud-sync folder or on a network file system
    (``mounts``: the text of /proc/mounts, read when not given)."""
    path = Path(os.path.abspath(path))
    service = _sync_service(path)
    if service:
        return f"{path}: lies in a folder that {service} syncs. {_UNSAFE}"
    remote = _network_mount(path, mounts)
    if remote:
        return f"{path}: lies on a network share ({remote}). {_UNSAFE}"
    return None


def _sync_service(path: Path) -> str | None:
    # "OneDrive - Contoso", "Dropbox (Personal)", "GoogleDrive-me@example.org"...
    for part in path.parts[:-1]:
        name = part.lower()
        for folder, service in SYNC_FOLDERS.items():
            if name == folder or name.startswith((f"{folder} ", f"{folder}-", f"{folder}(")):
                return service
    return None


def _network_mount(path: Path, mounts: str | None) -> str | None:
    if sys.platform == "win32":
        return _windows_remote(path)
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None  # not Linux: macOS and the BSDs are not checked
    best: tuple[int, str, str] | None = None
    text = str(path)
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point = _unescape(fields[1])
        inside = text == point or text.startswith(point.rstrip("/") + "/")
        if inside and (best is None or len(point) >= best[0]):
            best = (len(point), point, fields[2])
    if best is not None and best[2].lower() in NETWORK_FILE_SYSTEMS:
        return f"{best[2]} at {best[1]}"
    return None


def _unescape(field: str) -> str:
    """/proc/mounts writes space, tab, newline and backslash as octal escapes."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def _windows_remote(path: Path) -> str | None:  # pragma: no cover - Windows only
    text = str(path)
    if text.startswith("\\\\"):
        return f"the network path {text}"
    import ctypes

    drive_remote = 4
    root = path.anchor
    if root and ctypes.windll.kernel32.GetDriveTypeW(root) == drive_remote:
        return f"the network drive {root}"
    return None


# -- a copy made while the database was open ------------------------------------------------


def warnings_for(path: Path) -> list[str]:
    """What the user should be told before working on ``path`` (empty: nothing)."""
    return [w for w in (location_warning(path), incomplete_copy_warning(path)) if w]


def incomplete_copy_warning(path: Path) -> str | None:
    """A file in WAL mode with no ``-wal`` beside it may be a copy made mid-session.

    Annotator leaves its databases in rollback-journal mode when the last connection
    closes (Store.close), so at rest a database is one self-contained file. WAL mode in the
    header means a session was under way; its latest edits may live only in the -wal file.
    """
    try:
        with Path(path).open("rb") as f:
            header = f.read(20)
    except OSError:
        return None
    if len(header) < 20 or header[18:20] != b"\x02\x02":
        return None
    if Path(f"{path}-wal").exists():
        return None
    return (
        f"{path}: may be an incomplete copy. It was in use when it was copied and its "
        f"'{Path(path).name}-wal' file, which can hold the latest changes, is not beside it. "
        "Copy the database only while Annotator is closed (or copy the -wal file with it)."
    )
