"""Joining a hub from the window (gui/annotate/team.py), Qt-free: the URL made of an address
and a member's name, the check that it leads to a hub that knows the member, what a failure
means in words a member can act on, and a parked conflict told side by side."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from annotator.store import Store
from annotator.sync.connection import HubError, connect, hub_version, shown_url


@dataclass(frozen=True)
class Member:
    name: str
    role: str
    hub_id: str


def hub_url(address: str, name: str, password: str = "") -> str:
    """The libpq connection string for ``name`` at ``address`` (a URI or key=value string).
    A password is only ever put into the URL held in memory, never into what is remembered."""
    from psycopg.conninfo import make_conninfo

    address = address.strip()
    if not address:
        raise HubError("give the hub's address, for example "
                       "postgresql://hub.example.org/newsroom")
    try:
        extra = {"user": name.strip()} if name.strip() else {}
        if password:
            extra["password"] = password
        return make_conninfo(address, **extra)
    except Exception as exc:  # psycopg.ProgrammingError: not a connection string
        raise HubError(f"{address!r} is not a hub address (for example "
                       "postgresql://hub.example.org/newsroom): "
                       f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from exc


def address_of(url: str) -> str:
    """The hub's address in ``url``, without user and password (to offer it again)."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    try:
        params = conninfo_to_dict(url)
    except Exception:  # not parsable: nothing to offer
        return ""
    params.pop("user", None)
    params.pop("password", None)
    return make_conninfo(**params)


def member_of(url: str) -> str | None:
    """The login name in ``url`` (None when it names none: libpq then uses the system's)."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        return conninfo_to_dict(url).get("user") or None
    except Exception:
        return None


def check(url: str, db: Path | None) -> Member:
    """Connect, check the hub's version and that the login is an active member, and that the
    file ``db`` (if it synced before) is this member's on this hub. Raises HubError."""
    with connect(url) as conn:
        hub_version(conn, url)
        name = conn.execute("SELECT current_user").fetchone()[0]
        row = conn.execute("SELECT role FROM members WHERE name = %s AND active",
                           [name]).fetchone()
        if row is None:
            raise HubError(f"{shown_url(url)}: {name} is not a member of this hub (the lead "
                           "adds members with 'annotator hub add-member URL NAME')")
        hub_id = conn.execute("SELECT value FROM hub_meta WHERE key = 'hub_id'").fetchone()[0]
    if db is not None and Path(db).exists():
        with Store.open(db, create=False) as store:
            state = store.sync_state()
        if state.get("hub_id", hub_id) != hub_id:
            raise HubError(f"{db.name} syncs with another hub already; a file syncs with one "
                           "hub only (open another database for this hub)")
        if state.get("member", name) != name:
            raise HubError(f"{db.name} holds {state['member']}'s work for this hub: connect "
                           f"as {state['member']}")
    return Member(name, row[0], hub_id)


# What libpq and the hub say, by what the member can do about it: (words found, title, advice).
_ADVICE = (
    (("schema version", "newer annotator"), "This hub needs a newer Annotator",
     "Install a newer version of Annotator to use this hub."),
    (("not an annotator hub",), "Not an Annotator hub",
     "The address leads to a database that is not a team hub: check the database name."),
    (("password authentication failed", "no password supplied", "password is required"),
     "Wrong password",
     "The hub refused the password. Type it in the Password field, or give it to libpq "
     "(PGPASSWORD or a line in ~/.pgpass); ask the lead to set it if you have none."),
    (("is not a member", "does not exist\" ", "role \"", "not permitted to log in",
      "no pg_hba.conf entry", "permission denied"),
     "Not a member of this hub",
     "The hub does not let this name in. Check the name; the lead adds members with "
     "'annotator hub add-member'."),
    (("syncs with another hub", "holds "), "This file belongs elsewhere",
     "Connect as the member this file belongs to, or open another database."),
    (("database \"",), "No such database",
     "The server has no database by that name: check the address's database name."),
    (("is not a hub address", "give the hub's address", "invalid", "missing \"=\""),
     "Not a hub address",
     "Write the address as postgresql://HOST/DATABASE (add ?sslmode=require for TLS)."),
    (("cannot connect", "could not translate", "connection refused", "timeout",
      "no such file", "could not connect", "network is unreachable", "server closed the",
      "terminating connection", "consuming input failed", "connection is closed",
      "connection is lost", "ssl syscall", "shutting down"),
     "The hub cannot be reached",
     "Check the address and your network; the hub's server may be stopped."),
)


# A sync refused for a reason that is not the network, while working: (words found, why in a
# few words for the status bar, what to do). The first match wins.
_REFUSALS = (
    (("schema version", "newer annotator"), "the hub needs a newer Annotator",
     "Install a newer version of Annotator. Until then every edit is kept in this file; "
     "nothing is lost."),
    (("is not a member",), "you are no longer a member of this hub",
     "Ask the lead to add you again (annotator hub add-member URL NAME). Your work stays in "
     "this file and is sent once you are a member again."),
    (("row-level security", "permission denied", "must be owner", "not permitted"),
     "the hub denied permission",
     "Your role on the hub no longer lets you write this (the lead may have changed your "
     "role or taken it away). Ask the lead to check it with annotator hub add-member; your "
     "work stays in this file and is sent once the hub accepts it."),
    (("password authentication failed", "no password supplied", "password is required"),
     "the hub refused the password",
     "Give the new password to libpq (PGPASSWORD or ~/.pgpass), or File ▸ Team hub ▸ "
     "Connect… and type it. Your work stays in this file."),
    (("nothing pulled",), "what the hub sent failed a check",
     "Nothing was taken from the hub and nothing here changed. Tell the lead the message "
     "below: a row on the hub was written by hand or by a broken client."),
    (("syncs with another hub", "this file is ", "holds "), "this file belongs to another "
     "hub or member", "Open the database that syncs with this hub, or connect this one as "
     "the member it belongs to."),
    (("not an annotator hub",), "the address no longer leads to a hub",
     "Check File ▸ Team hub ▸ Connect…'s address with the lead."),
)


def refusal(message: str) -> tuple[str, str] | None:
    """Why the hub refused a sync, in a few words, and what to do; None when ``message``
    is the network (a stopped hub, no route, a timeout): then the sync is only offline."""
    if advice(message)[0] == "The hub cannot be reached":
        return None
    lowered = message.lower()
    for words, why, todo in _REFUSALS:
        if any(word in lowered for word in words):
            return why, todo
    return ("the hub refused it", "Read the message below; the lead can tell what the hub "
            "expects. Your work stays in this file.")


def advice(message: str) -> tuple[str, str]:
    """A title and what to do, for a HubError's message."""
    lowered = message.lower()
    for words, title, text in _ADVICE:
        if any(word in lowered for word in words):
            return title, text
    return "The hub refused", "Read the message above; the lead can tell what the hub expects."


# -- a parked conflict, side by side ---------------------------------------------------------

def sides(store: Store, conflict: dict) -> tuple[str, str]:
    """(the hub's version, as the file holds it now; mine, parked), each in a few lines."""
    kind, item, local = conflict["kind"], conflict["item"], conflict["local"]
    mine = "(deleted on this computer)" if local.get("deleted") else _describe(kind, local)
    return _now_in_file(store, kind, item, local), mine


def _describe(kind: str, row: dict) -> str:
    if kind == "span":
        lines = [f"{row['label']}: “{row['text']}”", f"at {row['start']}–{row['end']}"]
    elif kind == "relation":
        lines = [f"link {row['label']}", f"from span {row['source'][:8]} to {row['target'][:8]}"]
    elif kind == "status":
        lines = [f"article status: {row['status']}"]
    elif kind == "document_label":
        lines = [f"article label {row['label']}"]
    else:
        lines = ["article note:", row.get("note") or "(none)"]
    if kind in ("span", "relation") and row.get("note"):
        lines.append(f"note: {row['note']}")
    if row.get("updated_at"):
        lines.append(f"changed {row['updated_at'][:16].replace('T', ' ')}")
    return "\n".join(lines)


def _now_in_file(store: Store, kind: str, item: str, local: dict) -> str:
    gone = "(deleted on the hub)"
    try:
        if kind == "span":
            return _describe(kind, asdict(store.span(item)))
        if kind == "relation":
            return _describe(kind, asdict(store.relation(item)))
    except KeyError:
        return gone
    doc, who = local["document"], local["annotator"]
    if kind == "status":
        return _describe(kind, {"status": store.status(doc, who)})
    if kind == "document_label":
        held = {d.label for d in store.document_labels(doc, {who})}
        return _describe(kind, local) if local["label"] in held else gone
    return _describe(kind, {"note": store.document(doc).note})
