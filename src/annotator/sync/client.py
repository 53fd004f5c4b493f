"""``annotator sync DB URL``: push this member's work to the hub, then pull what is theirs to
see. The local file stays the working copy: every edit committed there first; a sync that fails
half-way (network, kill -9) leaves both sides whole, and the next one completes, because a push
is one hub transaction whose replay applies nothing, and a pull is one local transaction."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.annotators import GOLD
from annotator.core.bulk import collector_paused
from annotator.store import Store
from annotator.sync import pull as pulling
from annotator.sync.connection import HubError, connect, hub_version, shown_url
from annotator.sync.push import push


@dataclass
class SyncReport:
    member: str
    role: str
    pushed: Counter = field(default_factory=Counter)
    tombstones: Counter = field(default_factory=Counter)
    replayed: int = 0
    pulled: Counter = field(default_factory=Counter)
    documents: int = 0
    conflicts: int = 0
    unassigned: Counter = field(default_factory=Counter)
    elsewhere: int = 0
    held: Counter = field(default_factory=Counter)  # gold items of verdicts parked
    rules_kept: list[str] = field(default_factory=list)  # hub link rules this file refused

    def lines(self) -> list[str]:
        def counts(counter: Counter) -> str:
            return ", ".join(f"{n} {kind}(s)" for kind, n in sorted(counter.items()) if n)

        out = [f"synced as {self.member} ({self.role})"]
        out.append(f"pushed: {counts(self.pushed) or 'nothing new'}")
        if sum(self.tombstones.values()):
            out.append(f"deleted on the hub: {counts(self.tombstones)}")
        if self.replayed:
            out.append(f"{self.replayed} item(s) were on the hub already (an earlier push)")
        out.append(f"pulled: {self.documents} article(s); {counts(self.pulled) or 'no changes'}")
        if self.conflicts:
            out.append(f"{self.conflicts} conflict(s): the hub's version was kept and yours "
                       "parked; see 'annotator sync DB URL --conflicts'")
        if sum(self.held.values()):
            out.append(f"kept back until its conflict is settled: {counts(self.held)} of "
                       "gold made by a verdict another reviewer gave first")
        out += self.rules_kept
        if self.elsewhere:
            out.append(f"{self.elsewhere} item(s) on articles no longer assigned to you were "
                       "left on the hub")
        if sum(self.unassigned.values()):
            out.append(f"kept local, not on articles assigned to you: "
                       f"{counts(self.unassigned)}")
        return out

    def as_dict(self) -> dict:
        return {
            "member": self.member, "role": self.role, "pushed": dict(self.pushed),
            "tombstones": dict(self.tombstones), "replayed": self.replayed,
            "pulled": dict(self.pulled), "documents": self.documents,
            "conflicts": self.conflicts, "unassigned": dict(self.unassigned),
            "elsewhere": self.elsewhere, "held": dict(self.held),
            "link_rules_kept": self.rules_kept,
        }


def sync(db: Path, url: str) -> SyncReport:
    # The cycle collector stays paused from the push to the end of the pull, not only
    # inside each (core/bulk.py): switched on in between, its first pass went through the
    # 100,000 rows a pull holds, 3% of it. They are let go before it is switched on again.
    with collector_paused():
        return _sync(db, url)


def _sync(db: Path, url: str) -> SyncReport:
    with connect(url) as conn:
        hub_version(conn, url)
        member, role, hub_id = _who(conn, url)
        with Store.open(db) as store:
            state = store.sync_state()
            if state.get("hub_id", hub_id) != hub_id:
                raise HubError(f"{db}: this file syncs with another hub (id "
                               f"{state['hub_id']}); a file syncs with one hub only")
            if state.get("member", member) != member:
                raise HubError(f"{db}: this file is {state['member']}'s; {shown_url(url)} logs "
                               f"in as {member}. Sync it with {state['member']}'s login.")
            if not state:
                store.set_sync_state(hub_id=hub_id, member=member, cursor="0")
            report = SyncReport(member, role)
            annotators = [member, GOLD] if role in ("reviewer", "lead") else [member]
            # Everyone's own rows go only to articles assigned to them (the hub refuses the
            # rest); a reviewer's gold goes anywhere.
            assigned = {
                row[0] for row in conn.execute(
                    "SELECT document FROM assignments WHERE annotator = current_user AND active"
                )
            }
            pushed = push(conn, store, member, annotators, assigned,
                          reviews=role in ("reviewer", "lead"))
            store.record_pushed(pushed.done, pushed.conflicts)
            report.pushed, report.tombstones = pushed.pushed, pushed.tombstones
            report.replayed, report.conflicts = pushed.adopted, len(pushed.conflicts)
            report.unassigned, report.held = pushed.unassigned, pushed.held

            cursor = int(store.sync_state().get("cursor", "0"))
            # What this push just wrote is in the file already: the pull leaves it out.
            got = pulling.read(conn, store, cursor, skip=pushed.written)
            if got.documents:
                store.import_documents(got.documents, annotator=member)
            report.documents, report.elsewhere = len(got.documents), got.elsewhere
            counts = store.apply_pulled(got.labels, got.rows, got.cursor, member,
                                        rules=got.link_rules, kept=report.rules_kept)
            report.pulled.update(counts)
            del got  # (before the collector is switched on again)
            # Read after the push and pull, so the counts are as fresh as the work pulled.
            store.set_hub_assignments(pulling.my_assignments(conn))
    return report


def _who(conn, url: str) -> tuple[str, str, str]:
    member = conn.execute("SELECT current_user").fetchone()[0]
    row = conn.execute("SELECT role FROM members WHERE name = %s AND active", [member]).fetchone()
    if row is None:
        raise HubError(f"{shown_url(url)}: {member} is not a member of this hub (the lead adds "
                       "members with 'annotator hub add-member URL NAME')")
    hub_id = conn.execute("SELECT value FROM hub_meta WHERE key = 'hub_id'").fetchone()[0]
    return member, row[0], hub_id
