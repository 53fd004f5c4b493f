"""The scheme's link rules on the hub (which span labels each link type joins: a said_by from
a quote to an actor): the lead sets them with ``annotator hub scheme FILE``, every member's
file takes them at its next sync, as it takes the labels.

A hub made by Annotator before the rules came (schema version 1) has none: its members' files
keep their own rules, and ``hub scheme`` says how to bring the hub up to date."""

from __future__ import annotations

from annotator.core.labels import Label
from annotator.core.link_rules import LinkRule, check
from annotator.sync.connection import HubError, shown_url


def carried(conn) -> bool:
    """Whether this hub carries link rules (its schema is version 2 or later)."""
    return conn.execute("SELECT to_regclass('public.link_rules') IS NOT NULL").fetchone()[0]


def read_rules(conn, labels: list[Label]) -> list[LinkRule] | None:
    """The hub's link rules, checked against its ``labels`` as everything pulled is; None on a
    hub that carries none."""
    if not carried(conn):
        return None
    rules = [
        LinkRule(relation, tuple(sources), tuple(targets))
        for relation, sources, targets in conn.execute(
            "SELECT relation, sources, targets FROM link_rules ORDER BY relation"
        )
    ]
    problems = check(rules, {lb.name: lb.kind for lb in labels})
    if problems:
        raise HubError(f"the hub's link rules do not fit its scheme ({'; '.join(problems)}); "
                       "nothing pulled")
    return rules


def write_rules(conn, url: str, rules: list[LinkRule], origin: str) -> None:
    """Inside the lead's transaction, after the labels are merged: give each of ``rules``'
    link types its rule on the hub. Refuses (HubError; the caller's transaction rolls back) a
    rule that names a label the hub's scheme lacks, and one that links already on the hub
    break, naming how many and which."""
    kinds = dict(conn.execute("SELECT name, kind FROM labels").fetchall())
    problems = check(rules, kinds)
    if problems:
        raise HubError(f"{origin}: {'; '.join(problems)}; nothing changed")
    broken = []
    for rule in rules:
        for source, target, n in conn.execute(
            "SELECT s.label, t.label, count(*) FROM relations r "
            "JOIN spans s ON s.id = r.source JOIN spans t ON t.id = r.target "
            "WHERE r.label = %s AND NOT r.deleted AND NOT s.deleted AND NOT t.deleted "
            "GROUP BY s.label, t.label ORDER BY s.label, t.label", [rule.relation]
        ):
            if not rule.allows(source, target):
                broken.append(f"{n} {rule.relation} link(s) on the hub join {source} → "
                              f"{target}, which the rule {rule.describe()} refuses")
    if broken:
        raise HubError(f"{shown_url(url)}: {'; '.join(broken)}; relabel or remove them first; "
                       "nothing changed")
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO link_rules (relation, sources, targets) VALUES (%s, %s, %s) "
            "ON CONFLICT (relation) DO UPDATE SET sources = excluded.sources, "
            "targets = excluded.targets "
            "WHERE (link_rules.sources, link_rules.targets) "
            "IS DISTINCT FROM (excluded.sources, excluded.targets)",
            [(r.relation, list(r.sources), list(r.targets)) for r in rules],
        )
