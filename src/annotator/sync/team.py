"""What the team's progress view shows (gui/team/progress.py), read from the hub in one
transaction: each annotator's assigned / to do / in progress / done (the figures of ``hub
status``, sync/lead.py) with their pace, and each article's state on its way to gold.

The pace is the articles an annotator finished over the last week, per day, by the hub's
clock (``written_at`` of their status rows), never a client's."""

from __future__ import annotations

from dataclasses import dataclass, field

from annotator.sync.connection import HubError, connect, hub_version, shown_url
from annotator.sync.lead import progress_on

PACE_DAYS = 7

WAITING, READY, ADJUDICATED, UNASSIGNED = (
    "waiting", "ready for review", "adjudicated", "not assigned")


@dataclass(frozen=True)
class AnnotatorProgress:
    name: str
    assigned: int
    todo: int
    in_progress: int
    done: int
    pace: float  # articles done per day over the last PACE_DAYS days


@dataclass(frozen=True)
class ArticleProgress:
    id: str
    title: str
    annotators: dict[str, str]  # name -> todo / in_progress / done
    verdicts: int  # reviewers' verdicts on its items

    @property
    def done(self) -> int:
        return sum(1 for s in self.annotators.values() if s == "done")

    @property
    def state(self) -> str:
        """waiting, annotated by N of M, ready for review, adjudicated (or not assigned)."""
        if self.verdicts:
            return ADJUDICATED
        if not self.annotators:
            return UNASSIGNED
        if self.done == len(self.annotators):
            return READY
        if self.done:
            return f"annotated by {self.done} of {len(self.annotators)}"
        return WAITING


@dataclass
class TeamProgress:
    member: str
    role: str
    annotators: list[AnnotatorProgress] = field(default_factory=list)
    articles: list[ArticleProgress] = field(default_factory=list)
    members: list[str] = field(default_factory=list)  # active annotators, for Assign…

    def states(self) -> dict[str, int]:
        """How many articles are in each state."""
        out: dict[str, int] = {}
        for article in self.articles:
            out[article.state] = out.get(article.state, 0) + 1
        return out


def read_progress(url: str) -> TeamProgress:
    """The team's progress as the member logged in by ``url`` may see it: reviewers and the
    lead read everyone's statuses; an annotator is told so (the hub would show them only
    their own)."""
    with connect(url) as conn:
        hub_version(conn, url)
        member = conn.execute("SELECT current_user").fetchone()[0]
        row = conn.execute("SELECT role FROM members WHERE name = %s AND active",
                           [member]).fetchone()
        if row is None:
            raise HubError(f"{shown_url(url)}: {member} is not a member of this hub")
        if row[0] not in ("reviewer", "lead"):
            raise HubError(f"{member} is an annotator: the team's progress is for reviewers "
                           "and the lead (your own articles are in the document list)")
        with conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            counts = progress_on(conn)
            pace = dict(conn.execute(
                "SELECT annotator, count(*) FROM document_status WHERE status = 'done' "
                "AND NOT deleted AND written_at > now() - make_interval(days => %s) "
                "GROUP BY annotator", [PACE_DAYS]))
            verdicts = dict(conn.execute(
                "SELECT document, count(*) FROM decisions WHERE NOT deleted GROUP BY document"))
            members = [r[0] for r in conn.execute(
                "SELECT name FROM members WHERE active AND role = 'annotator' ORDER BY name")]
    team = TeamProgress(member, row[0], members=members)
    for name, c in counts["annotators"].items():
        team.annotators.append(AnnotatorProgress(
            name, c["assigned"], c["todo"], c["in_progress"], c["done"],
            pace.get(name, 0) / PACE_DAYS))
    for entry in counts["articles"]:
        team.articles.append(ArticleProgress(entry["id"], entry["title"],
                                             dict(entry["annotators"]),
                                             verdicts.get(entry["id"], 0)))
    return team
