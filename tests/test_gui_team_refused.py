"""A sync the hub refuses for a reason that is not the network (issue 19, point 2): the status
bar says "Sync refused: <why>", never "Offline since", a click says what to do, and every edit
is kept and sent once the hub accepts again. Each refusal provoked on a real PostgreSQL hub."""

from __future__ import annotations

import psycopg
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator.sync.schema import group_role
from gui_helpers import drag_select, press
from hubkit import hub_spans
from test_gui_team import close, hub_state, local_spans, synced_window


def superuser(url: str, sql: str, args=()) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql, args)


def mark_actor(window, word: str, nth: int = 0) -> tuple[int, int]:
    text = window.state.document.text
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    before = {s.id for s in window.state.spans}
    drag_select(window, start, start + len(word))
    press(window, Qt.Key.Key_3)
    (span,) = [s for s in window.state.spans if s.id not in before]  # words snap whole
    return span.start, span.end


def refused_says(qtbot, window, why: str) -> str:
    """The status after F5 (Sync now): refused, with ``why``; the explanation's text."""
    QTest.keyClick(window.article.text, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: f"Sync refused: {why}" in hub_state(window), timeout=15000)
    assert "Offline" not in hub_state(window) and "your work is kept" in hub_state(window)
    qtbot.mouseClick(window.team.button, Qt.MouseButton.LeftButton)
    box = window.team.explain_box
    text = box.informativeText()
    assert box.isVisible() and "Traceback" not in text and "Offline" not in text
    assert "can be reached again" not in text  # that is the network's advice
    qtbot.mouseClick(box.button(box.StandardButton.Close), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not box.isVisible())
    window.activateWindow()  # the keys of the labels are the active window's
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return text


def test_each_refusal_is_said_and_the_work_is_kept(team, qtbot):
    url, tmp = team
    db = tmp / "alice.db"
    window = synced_window(qtbot, url, db, "alice")
    dbname = url.split("dbname=")[1].split()[0]
    group = group_role(dbname, "annotator")
    made = []

    # 1. the lead takes the member's role away (PostgreSQL refuses: permission denied)
    superuser(url, f'REVOKE "{group}" FROM alice')
    made.append(mark_actor(window, "Lavrov"))
    text = refused_says(qtbot, window, "the hub denied permission")
    assert "Ask the lead" in text and "permission denied" in text
    superuser(url, f'GRANT "{group}" TO alice')

    # 2. the member is no longer active on the hub
    superuser(url, "UPDATE members SET active = false WHERE name = 'alice'")
    made.append(mark_actor(window, "Russia"))
    text = refused_says(qtbot, window, "you are no longer a member of this hub")
    assert "add you again" in text
    superuser(url, "UPDATE members SET active = true WHERE name = 'alice'")

    # 3. the hub was upgraded by a newer Annotator
    superuser(url, "UPDATE hub_meta SET value = '999' WHERE key = 'schema_version'")
    made.append(mark_actor(window, "Ukraine"))
    text = refused_says(qtbot, window, "the hub needs a newer Annotator")
    assert "Install a newer version" in text
    superuser(url, "UPDATE hub_meta SET value = '3' WHERE key = 'schema_version'")

    # all three reach the hub once it accepts again (Retry in the explanation)
    QTest.keyClick(window.article.text, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: hub_state(window).endswith("Synced"), timeout=15000)
    on_hub = {(s, e) for a, lb, s, e, d in hub_spans(url) if a == "alice" and not d}
    assert set(made) <= on_hub

    # 4. what the hub sends fails a check (a span's text changed on the hub by hand)
    superuser(url, "UPDATE spans SET text = 'XX' WHERE annotator = 'alice' AND start = %s",
              [made[0][0]])
    text = refused_says(qtbot, window, "what the hub sent failed a check")
    assert "Nothing was taken from the hub" in text and "nothing pulled" in text
    assert ("alice", "actor", *made[0]) in local_spans(db)  # the file is untouched
    superuser(url, "UPDATE spans SET text = 'Lavrov' WHERE annotator = 'alice' "
              "AND start = %s", [made[0][0]])
    QTest.keyClick(window.article.text, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: hub_state(window).endswith("Synced"), timeout=15000)

    # 5. the article is no longer assigned to the member: the edit stays here, said so
    doc = window.state.document.id
    superuser(url, "DELETE FROM assignments WHERE annotator = 'alice' AND document = %s",
              [doc])
    late = mark_actor(window, "Lavrov", nth=1)
    text = refused_says(qtbot, window, "1 change on articles no longer assigned to you")
    assert "assign the articles to you again" in text
    assert ("alice", "actor", *late) in local_spans(db)
    superuser(url, "INSERT INTO assignments (document, annotator) VALUES (%s, 'alice')", [doc])
    QTest.keyClick(window.article.text, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: ("alice", "actor", *late, False) in hub_spans(url), timeout=15000)
    qtbot.waitUntil(lambda: hub_state(window).endswith("Synced"), timeout=15000)
    assert {("alice", "actor", *m) for m in [*made, late]} <= local_spans(db)
    close(window)


def test_a_problem_of_the_file_is_not_called_the_hubs(team, tmp_path):
    """The file cannot be opened for a sync (here: it is gone): "Sync paused", neither
    "Offline" (the network) nor "Sync refused" (the hub)."""
    from annotator.sync.engine import SyncEngine
    from hubkit import login

    url, _tmp = team
    engine = SyncEngine(tmp_path / "missing" / "alice.db", login(url, "alice"))
    assert engine.sync_once() is None
    state = engine.state()
    assert state.text().startswith("Sync paused: this file could not be read")
    assert not state.refused and "Offline" not in state.text()
