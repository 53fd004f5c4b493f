"""The lead's commands that shape a hub: ``hub init`` (which also brings an older hub up to
this Annotator's schema) and ``hub add-member``."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from annotator.core.annotators import reserved_name_problem
from annotator.core.labels import DEFAULT_LABELS
from annotator.sync.connection import HubError, connect, hub_version, shown_url
from annotator.sync.schema import (
    HUB_SCHEMA_VERSION,
    ROLE_KINDS,
    group_role,
    statements,
    upgrade_statements,
)

# Role names PostgreSQL keeps for itself or that would read as Annotator's own.
_MAX_NAME = 63


@dataclass(frozen=True)
class InitResult:
    database: str
    groups: tuple[str, ...]
    upgraded_from: int | None = None  # the schema version of the hub brought up to date


def init_hub(url: str) -> InitResult:
    """Create the hub's tables, group roles and policies in the empty database at ``url``;
    on a hub of an older schema, add what this Annotator's needs (as its owner, in one
    transaction: members keep working with it meanwhile)."""
    with connect(url) as conn:
        database = conn.info.dbname
        if conn.execute("SELECT to_regclass('public.hub_meta') IS NOT NULL").fetchone()[0]:
            version = hub_version(conn, url)
            if version == HUB_SCHEMA_VERSION:
                raise HubError(f"{shown_url(url)}: already an Annotator hub (schema version "
                               f"{version}); nothing changed")
            return _upgrade(conn, url, database, version)
        others = conn.execute(
            "SELECT n.nspname || '.' || c.relname FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
            "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
            "AND n.nspname NOT LIKE 'pg_toast%' ORDER BY 1"
        ).fetchall()
        if others:
            names = ", ".join(row[0] for row in others[:5])
            more = f" and {len(others) - 5} more" if len(others) > 5 else ""
            raise HubError(f"{shown_url(url)}: the database already holds {len(others)} "
                           f"table(s) or view(s) ({names}{more}); 'hub init' needs an empty "
                           "database of its own (createdb NAME)")
        groups = tuple(group_role(database, kind) for kind in ROLE_KINDS)
        taken = {
            row[0] for row in conn.execute(
                "SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", [list(groups)]
            )
        }
        with conn.transaction():
            for statement in statements(database):
                # A group left by an earlier hub of the same name is reused, not recreated.
                if statement.startswith("CREATE ROLE") and any(
                    f'"{name}"' in statement for name in taken
                ):
                    continue
                conn.execute(statement)
            conn.cursor().executemany(
                "INSERT INTO hub_meta (key, value) VALUES (%s, %s)",
                [("schema_version", str(HUB_SCHEMA_VERSION)), ("hub_id", str(uuid.uuid4())),
                 ("database", database)],
            )
            conn.cursor().executemany(
                "INSERT INTO labels (name, kind, color, key, position, description) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                [(lb.name, lb.kind, lb.color, lb.key, lb.position, lb.description)
                 for lb in DEFAULT_LABELS],
            )
    return InitResult(database, groups)


def _upgrade(conn, url: str, database: str, version: int) -> InitResult:
    import psycopg

    owner = conn.execute(
        "SELECT pg_get_userbyid(relowner) = current_user FROM pg_class "
        "WHERE oid = 'public.hub_meta'::regclass"
    ).fetchone()[0]
    if not owner:
        raise HubError(f"{shown_url(url)}: this hub has schema version {version} and this "
                       f"Annotator uses {HUB_SCHEMA_VERSION}; only its owner (who ran 'hub "
                       "init') can bring it up to date, with the same command; nothing changed")
    try:
        with conn.transaction():
            for statement in upgrade_statements(database, version):
                conn.execute(statement)
    except psycopg.Error as exc:
        raise HubError(f"{shown_url(url)}: the upgrade from schema version {version} failed "
                       f"and was undone: {exc}") from exc
    groups = tuple(group_role(database, kind) for kind in ROLE_KINDS)
    return InitResult(database, groups, upgraded_from=version)


def member_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a member's name (it is their PostgreSQL role and annotator name)."""
    problem = reserved_name_problem(name)
    if problem:
        return problem
    if name != name.strip() or any(ord(c) < 32 or c == "\x7f" for c in name):
        return f"{name!r}: a member's name may not hold spaces at its ends or control characters"
    if len(name.encode()) > _MAX_NAME:
        return f"{name!r}: a member's name is at most {_MAX_NAME} bytes (PostgreSQL's limit)"
    if name.startswith("pg_") or name.startswith("annotator_hub_"):
        return f"{name!r}: names starting with pg_ or annotator_hub_ are kept for the server"
    return None


def add_member(url: str, name: str, role: str) -> str:
    """Make ``name`` a member of the hub with ``role``; returns how they set their password."""
    if role not in ROLE_KINDS:
        raise HubError(f"unknown role {role!r}: choose one of {', '.join(ROLE_KINDS)}")
    problem = member_name_problem(name)
    if problem:
        raise HubError(problem)
    from psycopg import sql

    with connect(url) as conn:
        hub_version(conn, url)
        database = conn.info.dbname
        with conn.transaction():
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name]).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name)))
            current = conn.execute("SELECT role FROM members WHERE name = %s", [name]).fetchone()
            for kind in ROLE_KINDS:  # one role at a time: a change of role takes the old away
                if kind != role:
                    conn.execute(sql.SQL("REVOKE {} FROM {}").format(
                        sql.Identifier(group_role(database, kind)), sql.Identifier(name)))
            conn.execute(sql.SQL("GRANT {} TO {}").format(
                sql.Identifier(group_role(database, role)), sql.Identifier(name)))
            conn.execute(
                "INSERT INTO members (name, role) VALUES (%s, %s) "
                "ON CONFLICT (name) DO UPDATE SET role = excluded.role, active = true",
                [name, role],
            )
    was = f" (was {current[0]})" if current and current[0] != role else ""
    login = "an existing login role" if exists else "a new login role without a password"
    return (
        f"{name} is now a {role}{was} of the hub {database}: {login}.\n"
        f"Set the password as the hub's owner with psql's \\password (it is sent hashed and "
        f"never written to a file by Annotator):\n"
        f"    psql \"{shown_url(url)}\" -c '\\password {name}'\n"
        f"{name} then keeps it in ~/.pgpass (or PGPASSWORD, or a service file) and syncs with "
        f"a URL naming user={name}."
    )
