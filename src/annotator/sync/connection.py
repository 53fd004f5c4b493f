"""Reaching the hub: one place that turns a URL into a connection, and libpq's failures into
messages a user can act on. Passwords never pass through Annotator's files: libpq reads them
from ``PGPASSWORD``, ``~/.pgpass`` or a service file, and TLS is the URL's ``sslmode``."""

from __future__ import annotations

from contextlib import contextmanager

from annotator.core.errors import AnnotatorError
from annotator.sync.schema import HUB_SCHEMA_VERSION


class HubError(AnnotatorError):
    """The hub cannot be reached, is not a hub, or refused what was asked."""


def shown_url(url: str) -> str:
    """The URL as a libpq connection string without its password: fit for a message, and
    still something ``psql`` accepts."""
    try:
        from psycopg.conninfo import conninfo_to_dict, make_conninfo

        params = conninfo_to_dict(url)
    except Exception:  # an unparsable URL: say nothing of what it holds
        return "the hub URL"
    params.pop("password", None)
    return make_conninfo(**params)


@contextmanager
def connect(url: str):
    """A connection to the hub at ``url`` in autocommit mode: what must be atomic is written
    inside ``conn.transaction()``. Closed on leaving; libpq's errors become HubError."""
    try:
        import psycopg
    except ImportError as exc:  # pragma: no cover - psycopg is a dependency
        raise HubError("the team hub needs psycopg 3: pip install 'psycopg[binary]'") from exc
    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.Error as exc:
        raise HubError(f"{shown_url(url)}: cannot connect: {_first_line(exc)}") from exc
    try:
        yield conn
    except psycopg.Error as exc:
        raise HubError(f"{shown_url(url)}: {_first_line(exc)}") from exc
    finally:
        conn.close()


def _first_line(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def hub_version(conn, url: str) -> int:
    """The hub's schema version; refuses a database that is not a hub or a newer hub."""
    row = conn.execute("SELECT to_regclass('public.hub_meta') IS NOT NULL").fetchone()
    if not row[0]:
        raise HubError(f"{shown_url(url)}: not an Annotator hub (a lead creates one with "
                       "'annotator hub init URL')")
    value = conn.execute("SELECT value FROM hub_meta WHERE key = 'schema_version'").fetchone()
    try:
        version = int(value[0])
    except (TypeError, ValueError) as exc:
        raise HubError(f"{shown_url(url)}: the hub's schema version is unreadable "
                       f"({value[0] if value else 'missing'!r})") from exc
    if version > HUB_SCHEMA_VERSION:
        raise HubError(
            f"{shown_url(url)}: this hub has schema version {version}; this Annotator knows "
            f"versions up to {HUB_SCHEMA_VERSION}. Install a newer Annotator to use it."
        )
    return version
