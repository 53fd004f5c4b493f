"""Shared fixtures. Tests never touch the real user folders: ANNOTATOR_HOME is a temp dir."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "seeds" / "000_47da632286d522d7.txt"


@pytest.fixture(autouse=True)
def no_modal_message_box(monkeypatch: pytest.MonkeyPatch) -> None:
    """A message box that a test did not stub fails it at once instead of waiting, modal and
    unseen offscreen, for a click that never comes (tests stub what they expect)."""
    if "PySide6.QtWidgets" not in sys.modules:  # not a test of the window
        return
    from PySide6.QtWidgets import QMessageBox

    def unexpected(box: QMessageBox, *_args: object) -> int:
        box.close()
        raise AssertionError(f"unexpected message box: {box.windowTitle()}: {box.text()}")

    monkeypatch.setattr(QMessageBox, "exec", unexpected)


@pytest.fixture(params=["light", "dark"])
def themed(request, qapp, monkeypatch):
    """Run the test in the app's light theme, then in its dark one; put the palette back."""
    from annotator.gui import theme

    monkeypatch.setenv("ANNOTATOR_THEME", request.param)
    theme.apply(qapp)
    yield request.param
    qapp.setPalette(qapp.style().standardPalette())


@pytest.fixture(autouse=True)
def annotator_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("ANNOTATOR_HOME", str(home))
    # The window's background suggesting (issue 17) only in the tests that ask for it.
    monkeypatch.setenv("ANNOTATOR_SUGGEST_ON_OPEN", "0")
    return home


@pytest.fixture
def store():
    from annotator.store import Store

    s = Store.memory()
    yield s
    s.close()


@pytest.fixture
def seed_db(tmp_path: Path) -> Path:
    """A database file holding the sample article, with no spans yet."""
    from annotator.formats.reading import read_paths
    from annotator.store import Store

    path = tmp_path / "seed.db"
    with Store.open(path) as s:
        s.import_documents(read_paths([SEED]), annotator="import")
    return path


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    """A copy of the sample article in a temp folder."""
    target = tmp_path / SEED.name
    shutil.copy(SEED, target)
    return target


# -- the team hub: a real PostgreSQL server (tests/pg_cluster.py), one per session ------------
@pytest.fixture(scope="session")
def pg_cluster():
    from pg_cluster import Cluster

    cluster = Cluster()
    yield cluster
    cluster.close()


@pytest.fixture
def hub_db(pg_cluster, request):
    """A fresh, empty database in the test cluster; the superuser's URL to it."""
    import re
    import uuid

    import psycopg

    name = "hub_" + re.sub(r"\W", "_", request.node.name.lower())[:30] + "_" + uuid.uuid4().hex[:6]
    with psycopg.connect(pg_cluster.url(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return pg_cluster.url(name)


@pytest.fixture
def team(hub_db, tmp_path):
    """A hub with two annotators (alice, bob), a reviewer (rita) and a lead (lena), the seed
    articles added and assigned to both annotators; (the owner's URL, a folder)."""
    from annotator.sync.admin import add_member, init_hub
    from hubkit import SEEDS, login, run

    init_hub(hub_db)
    for name, role in [("alice", "annotator"), ("bob", "annotator"), ("rita", "reviewer"),
                       ("lena", "lead")]:
        add_member(hub_db, name, role)
    lead = login(hub_db, "lena")
    assert "article(s) added to the hub" in run("hub", "add", lead, SEEDS)
    assert "assignment(s) made" in run("hub", "assign", lead, "--to", "alice,bob",
                                       "--per-document", "2")
    return hub_db, tmp_path
