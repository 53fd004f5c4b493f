"""Team work on the hub seen from the window's side (issue 19): a member's assignments with
how many others are done, the team's progress, review shared between reviewers. Against a
real PostgreSQL hub (tests/pg_cluster.py); both databases checked after each step."""

from __future__ import annotations

import psycopg
import pytest

from annotator.store import Store
from annotator.sync.client import sync
from hubkit import login, run

ARTICLES = {
    "a_minister.txt": "The minister said “we will not yield” — and left. 🙂\r\nNobody followed.",
    "b_mayor.txt": "The mayor’s office said the bridge would reopen on Monday.",
    "c_union.txt": "Union leaders claimed the deal was “dead on arrival”.",
    "d_court.txt": "The court ruled on Friday; the ministry said it would appeal.",
}


@pytest.fixture
def crew(hub_db, tmp_path):
    """Three annotators (alice, bob, carol), two reviewers (rita, remy), a lead (lena) and
    four articles, each given to two annotators; (the owner's URL, a folder)."""
    from annotator.sync.admin import add_member, init_hub

    init_hub(hub_db)
    for name, role in [("alice", "annotator"), ("bob", "annotator"), ("carol", "annotator"),
                       ("rita", "reviewer"), ("remy", "reviewer"), ("lena", "lead")]:
        add_member(hub_db, name, role)
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_bytes(text.encode("utf-8"))
    lead = login(hub_db, "lena")
    assert "4 article(s) added" in run("hub", "add", lead, folder)
    run("hub", "assign", lead, "--to", "alice,bob,carol", "--per-document", "2")
    return hub_db, tmp_path


def hub_assigned(url: str, who: str) -> dict[str, set[str]]:
    """document -> its active annotators, as the hub's owner sees them."""
    out: dict[str, set[str]] = {}
    with psycopg.connect(url) as conn:
        for doc, name in conn.execute(
                "SELECT document, annotator FROM assignments WHERE active"):
            out.setdefault(doc, set()).add(name)
    return {doc: names - {who} for doc, names in out.items() if who in names}


def test_assignments_arrive_with_how_many_others_are_done(crew):
    url, tmp = crew
    files = {who: tmp / f"{who}.db" for who in ("alice", "bob", "carol")}
    for who, db in files.items():
        sync(db, login(url, who))
    mine = hub_assigned(url, "alice")
    with Store.open(files["alice"]) as store:
        assert store.hub_assignments() == {doc: (len(o), 0) for doc, o in mine.items()}
    # the other annotator of alice's first article finishes it
    shared = sorted(mine)[0]
    other = next(iter(mine[shared]))
    with Store.open(files[other]) as store:
        store.set_status(shared, other, "done")
    sync(files[other], login(url, other))
    sync(files["alice"], login(url, "alice"))
    with Store.open(files["alice"]) as store:
        got = store.hub_assignments()
        assert got[shared] == (1, 1)
        assert all(got[d] == (1, 0) for d in mine if d != shared)
        # the file holds none of the other's work
        assert store.status(shared, other) == "todo"
    # through plain SQL alice sees counts, never the others' statuses
    with psycopg.connect(login(url, "alice")) as conn:
        assert {r[0] for r in conn.execute("SELECT annotator FROM document_status")} <= {"alice"}
        assert {r[0] for r in conn.execute("SELECT annotator FROM assignments")} == {"alice"}
        counted = {d: (o, n) for d, o, n in conn.execute("SELECT * FROM hub_my_assignments()")}
        assert counted == got
    # an assignment taken back leaves the article in the file, no longer assigned
    with psycopg.connect(login(url, "lena")) as conn:
        conn.execute("UPDATE assignments SET active = false WHERE annotator = 'alice' "
                     "AND document = %s", [shared])
    sync(files["alice"], login(url, "alice"))
    with Store.open(files["alice"]) as store:
        assert shared in store.document_ids()
        assert shared not in store.hub_assignments()
        assert set(store.hub_assignments()) == set(mine) - {shared}


def test_the_document_list_shows_my_assignments_first_and_next_unfinished_follows_them(
        crew, qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from annotator.gui.annotate.window import MainWindow

    url, tmp = crew
    alice, bob = tmp / "alice.db", tmp / "bob.db"
    sync(alice, login(url, "alice"))
    sync(bob, login(url, "bob"))
    mine = hub_assigned(url, "alice")
    with Store.open(alice) as store:
        order = store.document_ids()
    # bob finishes an article he shares with alice; the lead takes one of alice's back
    shared = [d for d in order if "bob" in mine[d]][0]
    taken = [d for d in order if d != shared][0]
    with Store.open(bob) as store:
        store.set_status(shared, "bob", "done")
    sync(bob, login(url, "bob"))
    with psycopg.connect(login(url, "lena")) as conn:
        conn.execute("UPDATE assignments SET active = false WHERE annotator = 'alice' "
                     "AND document = %s", [taken])
    sync(alice, login(url, "alice"))
    with Store.open(alice) as store:
        assigned = store.hub_assignments()
    assert taken not in assigned and shared in assigned and len(assigned) >= 2

    window = MainWindow(store=Store.open(alice), annotator="alice")
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    model = window.documents
    rows = [model.id_at(r) for r in range(model.rowCount())]
    assert rows[:len(assigned)] == [d for d in order if d in assigned]
    assert rows[-1] == taken
    status = model.index(rows.index(shared), 4).data()
    assert status == "To do · the other is done"
    assert model.index(rows.index(taken), 4).data() == "To do"
    # sorting by title keeps the assigned articles first
    model.sort(0, Qt.SortOrder.DescendingOrder)
    rows = [model.id_at(r) for r in range(model.rowCount())]
    assert set(rows[:len(assigned)]) == set(assigned) and rows[-1] == taken
    model.sort(0, Qt.SortOrder.AscendingOrder)
    rows = [model.id_at(r) for r in range(model.rowCount())]
    # Ctrl+Return marks done and goes on through the assigned articles only
    window.open_document(rows[0])
    for _ in range(len(assigned)):
        qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: window.store.status(window.state.document.id, "alice")
                        == "done" or window.state.document.id != rows[0], timeout=3000)
    with Store.open(alice) as store:
        assert {d for d in assigned if store.status(d, "alice") == "done"} == set(assigned)
        assert store.status(taken, "alice") == "todo"
    assert window.state.document.id != taken
    assert "No next unfinished article" in window.statusBar().currentMessage()
    window.close()
    report = sync(alice, login(url, "alice"))
    assert report.pushed["status"] == len(assigned)
    with psycopg.connect(url) as conn:
        done = {r[0] for r in conn.execute(
            "SELECT document FROM document_status WHERE annotator = 'alice' "
            "AND status = 'done'")}
    assert done == set(assigned)
