"""README's "Working as a team" section, run as written against a real PostgreSQL server
(tests/pg_cluster.py): the lead's commands take an empty database to three members with
assigned articles, and each member's sync brings their articles. Only the host part of the
URLs (hub.example.org) becomes the test cluster's socket, and articles/ the seed articles."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import psycopg

from hubkit import REPO, SEEDS, login, run


def _block_after(heading: str) -> list[str]:
    """The command lines of the first fenced block after ``heading`` in README.md."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    rest = text[text.index(heading):]
    block = rest.split("```", 2)[1]
    return [line.strip() for line in block.splitlines() if line.strip()]


def _here(argv: list[str], url: str, home: Path) -> list[str]:
    """README's arguments with its example hub made the test cluster's database ``url``."""
    out = []
    for arg in argv:
        m = re.fullmatch(r"postgresql://(\w+)@hub\.example\.org/newsroom(\?.*)?", arg)
        if m:
            arg = url if m.group(1) == "lead" else login(url, m.group(1))
        elif arg == "articles/":
            arg = str(SEEDS)
        elif arg.startswith("~/"):
            arg = str(home / arg[2:])
        out.append(arg)
    return out


def test_the_leads_commands_and_a_members_sync_work_as_written(hub_db, tmp_path):
    # README's database is made by createdb; the fixture's empty database stands for it
    url = hub_db
    lead = _block_after("**The lead, once**")
    assert lead[0] == "createdb newsroom"
    ran = 0
    for line in lead[1:]:
        argv = shlex.split(line.split("    (")[0])
        if argv[0] == "psql":  # setting a password: this cluster trusts its socket
            assert "\\password" in line
            continue
        assert argv[0] == "annotator", line
        run(*_here(argv[1:], url, tmp_path))
        ran += 1
    assert ran == len(lead) - 2
    status = json.loads(run("hub", "status", login(url, "lena"), "--json"))
    assert set(status["annotators"]) == {"alice", "bob"}
    assert all(len(a["annotators"]) == 2 for a in status["articles"])
    with psycopg.connect(url) as conn:
        roles = dict(conn.execute("SELECT name, role FROM members").fetchall())
    assert roles == {"lena": "lead", "alice": "annotator", "bob": "annotator",
                     "rita": "reviewer"}
    # each member, as README says
    [member] = _block_after("**Each member**")
    argv = _here(shlex.split(member)[1:], url, tmp_path)
    out = run(*argv)
    assert "synced as alice (annotator)" in out
    articles = len(list(SEEDS.iterdir()))
    assert f"pulled: {articles} article(s)" in out
    assert (tmp_path / "annotations.db").exists()
