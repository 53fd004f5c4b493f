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
    assert status == "To do · 1/1"
    tip = model.index(rows.index(shared), 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "Assigned to you; the other is done" in tip
    assert model.index(rows.index(taken), 4).data() == "To do"
    assert "Assigned" not in model.index(rows.index(taken), 0).data(Qt.ItemDataRole.ToolTipRole)
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


def hub_decisions(url: str) -> dict[str, tuple[str, str]]:
    with psycopg.connect(url) as conn:
        return {item: (who, verdict) for item, who, verdict in conn.execute(
            "SELECT item, annotator, verdict FROM decisions WHERE NOT deleted")}


def hub_gold(url: str) -> set[tuple]:
    with psycopg.connect(url) as conn:
        return set(conn.execute('SELECT id, document, start, "end", text FROM spans '
                                "WHERE annotator = 'gold' AND NOT deleted"))


def annotated(crew) -> tuple[dict[str, list[str]], dict]:
    """Both annotators of every article mark its first word as an actor and sync; the
    reviewers' files; document -> the span ids on it."""
    from annotator.core.ids import new_id, utc_now
    from annotator.core.model import Span
    from hubkit import mark  # noqa: F401 (the same marking as the hub's other tests)

    url, tmp = crew
    spans: dict[str, list[str]] = {}
    for who in ("alice", "bob", "carol"):
        db = tmp / f"{who}.db"
        sync(db, login(url, who))
        with Store.open(db) as store:
            for doc_id in store.hub_assignments():
                text = store.document(doc_id).text
                word = text.split()[1]
                start = text.index(word)
                now = utc_now()
                span = Span(new_id(), doc_id, start, start + len(word), "actor", word, who,
                            now, now)
                store.add_span(span)
                spans.setdefault(doc_id, []).append(span.id)
        sync(db, login(url, who))
    reviewers = {who: tmp / f"{who}.db" for who in ("rita", "remy")}
    for who, db in reviewers.items():
        sync(db, login(url, who))
    return spans, reviewers


def test_review_runs_on_everyones_synced_work(crew, qtbot):
    from annotator.gui.review.window import ReviewWindow

    url, tmp = crew
    spans, reviewers = annotated(crew)
    with Store.open(reviewers["rita"]) as store:
        for doc_id, ids in spans.items():
            held = {s.id for s in store.spans(doc_id)}
            assert set(ids) <= held and len(ids) == 2
    out = __import__("json").loads(run("agreement", reviewers["rita"], "--json"))
    assert out["annotators"] == ["alice", "bob", "carol"]
    # Compare annotators on the synced file: each article's two annotators side by side
    holders: dict[str, set[str]] = {}
    with psycopg.connect(url) as conn:
        for doc, who in conn.execute("SELECT document, annotator FROM assignments"):
            holders.setdefault(doc, set()).add(who)
    store = Store.open(reviewers["rita"])
    review = ReviewWindow(store=store, reviewer=lambda: "rita", report=lambda e: None)
    qtbot.addWidget(review)
    for doc_id in sorted(spans):
        review.open_document(doc_id)
        assert review.annotators == sorted(holders[doc_id])
        assert review.model.rowCount() == 1  # both marked the same word: one group
    review.close()
    store.close()


def test_two_reviewers_split_the_corpus_and_a_second_verdict_is_a_conflict(crew):
    url, tmp = crew
    spans, reviewers = annotated(crew)
    docs = sorted(spans)
    rita, remy = reviewers["rita"], reviewers["remy"]
    # rita takes the first two articles, remy the others
    with Store.open(rita) as store:
        for doc_id in docs[:2]:
            store.decide_span(spans[doc_id][0], "accepted", reviewer="rita")
            store.decide_span(spans[doc_id][1], "rejected", reviewer="rita")
    with Store.open(remy) as store:
        for doc_id in docs[2:]:
            store.decide_span(spans[doc_id][0], "accepted", reviewer="remy")
    first = sync(rita, login(url, "rita"))
    assert first.pushed["decision"] == 4 and first.pushed["span"] == 2  # two gold spans
    second = sync(remy, login(url, "remy"))
    assert second.pushed["decision"] == 2 and second.conflicts == 0
    assert second.pulled["decision"] == 4
    sync(rita, login(url, "rita"))
    on_hub = hub_decisions(url)
    assert len(on_hub) == 6
    assert {who for who, _v in on_hub.values()} == {"rita", "remy"}
    gold = hub_gold(url)
    assert len(gold) == 4
    for db in (rita, remy):  # each holds everyone's verdicts and gold
        with Store.open(db) as store:
            got = {item: (d.reviewer, d.verdict) for doc in docs
                   for item, d in store.decisions(doc).items()}
            assert got == on_hub
            assert {(g.id, g.document, g.start, g.end, g.text) for doc in docs
                    for g in store.gold_spans(doc)} == gold
    # remy decides an item rita decided already: a conflict, nothing overwritten
    item = spans[docs[0]][1]  # rita rejected it
    with Store.open(remy) as store:
        store.decide_span(item, "edited", reviewer="remy", label="quote")  # a gold span
    clash = sync(remy, login(url, "remy"))
    assert clash.conflicts == 1 and clash.held["span"] == 1
    assert clash.pushed["decision"] == 0 and clash.pushed.get("span", 0) == 0
    assert hub_decisions(url)[item] == ("rita", "rejected")
    assert hub_gold(url) == gold
    with Store.open(remy) as store:
        assert store.decision(item).reviewer == "rita"  # the hub's verdict in place
        parked = store.sync_conflicts()
        assert [(c["kind"], c["item"], c["local"]["annotator"], c["local"]["verdict"])
                for c in parked] == [("decision", item, "remy", "edited")]
        mine = parked[0]["local"]["gold"]
        assert any(g.id == mine for g in store.gold_spans(docs[0]))  # kept, not sent
    again = sync(remy, login(url, "remy"))  # stays parked: nothing sent twice
    assert again.conflicts == 0 and sum(again.pushed.values()) == 0
    assert hub_gold(url) == gold
    # he may not take rita's verdict over; keeping hers drops his gold span
    from annotator.store import StoreError

    with Store.open(remy) as store:
        with pytest.raises(StoreError, match="another reviewer"):
            store.resolve_conflict(parked[0]["id"], "local")
        store.resolve_conflict(parked[0]["id"], "hub")
        assert not any(g.id == mine for g in store.gold_spans(docs[0]))
    settled = sync(remy, login(url, "remy"))
    assert sum(settled.pushed.values()) == 0 and sum(settled.tombstones.values()) == 0
    assert hub_gold(url) == gold and hub_decisions(url)[item] == ("rita", "rejected")
    # the team's progress: every article has verdicts, so every one is adjudicated
    from annotator.sync.team import ADJUDICATED, read_progress

    team = read_progress(login(url, "remy"))
    assert {a.id: a.state for a in team.articles} == {d: ADJUDICATED for d in docs}


def test_an_annotator_cannot_read_or_write_verdicts(crew):
    url, _tmp = crew
    spans, reviewers = annotated(crew)
    doc = sorted(spans)[0]
    with Store.open(reviewers["rita"]) as store:
        store.decide_span(spans[doc][0], "accepted", reviewer="rita")
    sync(reviewers["rita"], login(url, "rita"))
    with psycopg.connect(login(url, "alice")) as conn:
        assert conn.execute("SELECT count(*) FROM decisions").fetchone()[0] == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO decisions (item, kind, document, verdict, annotator, "
                         "decided_at) VALUES ('x', 'span', %s, 'accepted', 'alice', 'now')",
                         [doc])
    with psycopg.connect(login(url, "remy")) as conn:  # nor a reviewer others' verdicts
        assert conn.execute("UPDATE decisions SET verdict = 'rejected'").rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO decisions (item, kind, document, verdict, annotator, "
                         "decided_at) VALUES ('y', 'span', %s, 'accepted', 'rita', 'now')",
                         [doc])
    assert hub_decisions(url) == {spans[doc][0]: ("rita", "accepted")}


def test_the_progress_view_shows_the_hubs_figures_assigns_and_opens_compare(crew, qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from annotator.gui.annotate.window import MainWindow
    from annotator.sync.lead import progress

    url, tmp = crew
    spans, reviewers = annotated(crew)  # every annotator marked a span on each article
    docs = sorted(spans)
    ready = docs[0]
    holders = {d: set() for d in docs}
    with psycopg.connect(url) as conn:
        for doc, who in conn.execute("SELECT document, annotator FROM assignments"):
            holders[doc].add(who)
    for who in holders[ready]:  # both annotators of the first article finish it
        db = tmp / f"{who}.db"
        with Store.open(db) as store:
            store.set_status(ready, who, "done")
        sync(db, login(url, who))
    lena = tmp / "lena.db"
    sync(lena, login(url, "lena"))
    window = MainWindow(store=Store.open(lena), annotator="lena")
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.hub_url = login(url, "lena")
    qtbot.keyClick(window, Qt.Key.Key_T,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    dialog = window.team_progress
    qtbot.waitUntil(lambda: dialog.team is not None, timeout=10000)
    hub = progress(url)
    shown = {dialog.annotators.item(r, 0).text(): tuple(
        dialog.annotators.item(r, c).text() for c in range(1, 5))
        for r in range(dialog.annotators.rowCount())}
    assert shown == {name: (str(c["assigned"]), str(c["todo"]), str(c["in_progress"]),
                            str(c["done"])) for name, c in hub["annotators"].items()}
    # two done today: 2 / 7 per day; the chart has a bar per annotator
    paces = {dialog.annotators.item(r, 0).text(): dialog.annotators.item(r, 5).text()
             for r in range(dialog.annotators.rowCount())}
    assert all(paces[who] == "0.1/day" for who in holders[ready])
    assert [r.name for r in dialog.chart.rows] == sorted(hub["annotators"])
    states = {dialog.articles.item(r, 0).data(Qt.ItemDataRole.UserRole):
              dialog.articles.item(r, 2).text() for r in range(dialog.articles.rowCount())}
    assert states[ready] == "ready for review"
    assert {states[d] for d in docs if d != ready} == {"waiting"}
    for entry in hub["articles"]:
        assert (entry["state"] == "ready for review") == (states[entry["id"]]
                                                          == "ready for review")
    # Assign…: a fifth article added since is given to two annotators, as hub assign would
    folder = tmp / "more"
    folder.mkdir()
    (folder / "e_late.txt").write_text("A late article — about “the harbour”.", "utf-8")
    run("hub", "add", login(url, "lena"), folder)
    qtbot.mouseClick(dialog.assign_button, Qt.MouseButton.LeftButton)
    assigning = dialog.assign_dialog
    assert assigning.chosen() == ["alice", "bob", "carol"]
    assert assigning.per_document.value() == 2
    qtbot.mouseClick(assigning.buttons.button(assigning.buttons.StandardButton.Ok),
                     Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "2 assignment(s) made" in dialog.message.text(), timeout=10000)
    qtbot.waitUntil(lambda: dialog.task is None and len(dialog.team.articles) == 5,
                    timeout=10000)
    after = progress(url)
    late = [a for a in after["articles"] if a["title"] not in
            {x["title"] for x in hub["articles"]}][0]
    assert len(late["annotators"]) == 2
    assert sum(c["assigned"] for c in after["annotators"].values()) == 10
    shown = {dialog.annotators.item(r, 0).text(): dialog.annotators.item(r, 1).text()
             for r in range(dialog.annotators.rowCount())}
    assert shown == {n: str(c["assigned"]) for n, c in after["annotators"].items()}
    # the ready article straight into Compare annotators, by keys
    row = next(r for r in range(dialog.articles.rowCount())
               if dialog.articles.item(r, 0).data(Qt.ItemDataRole.UserRole) == ready)
    dialog.articles.setFocus()
    dialog.articles.selectRow(row)
    qtbot.keyClick(dialog.articles, Qt.Key.Key_Return)
    review = window.review_window
    assert review is not None and review.isVisible()
    assert window.state.document.id == ready
    assert "Opened" in dialog.message.text()
    # the late article is not in lena's file yet: said so
    dialog.articles.selectRow(next(r for r in range(dialog.articles.rowCount())
                                   if dialog.articles.item(r, 0).data(
                                       Qt.ItemDataRole.UserRole) == late["id"]))
    qtbot.mouseClick(dialog.review_button, Qt.MouseButton.LeftButton)
    assert "not in your file yet" in dialog.message.text()
    review.close()
    dialog.close()
    qtbot.wait(100)  # the windows' activation changes are over before the file closes
    window.close()


def test_an_annotator_is_told_the_progress_view_is_not_theirs(crew, qtbot):
    from annotator.gui.team.progress import ProgressDialog

    url, _tmp = crew
    dialog = ProgressDialog(login(url, "alice"), open_review=lambda _d: None)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.task is None, timeout=10000)
    assert "for reviewers and the lead" in dialog.message.text()
    assert dialog.team is None and not dialog.assign_button.isEnabled()
