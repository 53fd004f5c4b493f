"""Issue 17, "Done when", as a new user tries it: the sample article opens and its quotes,
speakers and recurring actors arrive as suggestions; the annotator accepts most with one
key each, rejects one, corrects a speaker (rejects the suggested link and links the quote
to another actor with Ctrl+L and a digit), exports with File ▸ Export; the export holds
exactly what was accepted, each item with its suggester; after a restart and a new
``annotator suggest`` the rejected ones stay gone."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from PySide6.QtCore import Qt

from annotator.cli import main
from annotator.suggest import SUGGESTERS
from test_gui_import_export_dialogs import press_ok
from test_gui_suggestions import key, open_window, rows

CTRL = Qt.KeyboardModifier.ControlModifier
DIGITS = [getattr(Qt.Key, f"Key_{n}") for n in range(1, 10)]


def decided(path: Path) -> int:
    return sum(n for (n,) in rows(path, "SELECT count(*) FROM provenance UNION ALL "
                                        "SELECT count(*) FROM suggestion_rejections"))  # fmt: skip


def test_open_accept_reject_correct_export_and_rejected_stay_gone(
    qtbot, seed_db: Path, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("ANNOTATOR_SUGGEST_ON_OPEN", "1")
    w = open_window(qtbot, seed_db)
    s = w.suggesting
    qtbot.waitUntil(lambda: len(s.pending) > 5, timeout=30000)
    text = w.state.document.text
    assert {"quote", "said_by", "actor"} <= {p.label for p in s.pending}
    actors = [p for p in s.pending if p.is_span and p.label == "actor"]
    assert len({p.text for p in actors}) < len(actors)  # a recurring actor, more than once
    linked = {end for p in s.pending if not p.is_span for end in (p.source, p.target)}

    rejected_span = wrong_link = None
    accepted = keys = 0
    while s.pending and keys < 300:
        if s.current_suggestion() is None:
            key(Qt.Key.Key_Period)  # . goes to the next
            keys += 1
        now = s.current_suggestion()
        before = decided(seed_db)
        if rejected_span is None and now.is_span and now.label == "actor" and now.id not in linked:
            rejected_span = (now.start, now.end, now.label)
            key(Qt.Key.Key_R)
        elif wrong_link is None and not now.is_span and now.label == "said_by":
            wrong_link = (s._end(now.source), s._end(now.target))  # the quote, its speaker
            key(Qt.Key.Key_R)
        else:
            key(Qt.Key.Key_A)
            accepted += 1
        keys += 1
        qtbot.waitUntil(lambda n=before: decided(seed_db) > n)  # saved before the next key
        nxt = s.current_suggestion()
        if nxt is not None and nxt.is_span:  # the next one is on screen, drawn as current
            (marks,) = [m for m in s.marks if m.view is w.article.text]
            assert any(current for *_place, current in marks.shown()[0])
    assert not s.pending and rejected_span and wrong_link
    assert accepted > 2 * 2 and keys < 2 * (accepted + 2) + 5  # about one key each
    spans = rows(seed_db, "SELECT id, start, end, label, text, annotator FROM spans")
    assert all(text[a:b] == t and who == "alice" for _i, a, b, _l, t, who in spans)
    assert rejected_span not in {(a, b, label) for _i, a, b, label, _t, _w in spans}

    # correct the speaker: the quote, Ctrl+L, and the digit of another actor
    (quote_at, wrong_at) = wrong_link
    quote = next(sp for sp in w.state.spans if (sp.start, sp.end, sp.label) == quote_at)
    w.state.select(quote.id)
    w.article.text.setFocus()
    key(Qt.Key.Key_L, CTRL)
    candidates = w.annotating.candidates
    pick = next(i for i, c in enumerate(candidates[:9])
                if (c.start, c.end) != tuple(wrong_at[:2]))  # fmt: skip
    right = candidates[pick]
    key(DIGITS[pick])
    linked_by_hand = f"SELECT count(*) FROM relations WHERE source = '{quote.id}'"
    qtbot.waitUntil(lambda: rows(seed_db, linked_by_hand)[0][0] >= 1)
    by_hand = rows(seed_db, "SELECT id FROM relations r WHERE NOT EXISTS "
                            "(SELECT 1 FROM provenance p WHERE p.item = r.id)")  # fmt: skip
    assert rows(seed_db, f"SELECT label, target FROM relations WHERE id = '{by_hand[0][0]}'"
                ) == [("said_by", right.id)] and len(by_hand) == 1  # fmt: skip

    # File ▸ Export, native, everything
    out = tmp_path / "export.jsonl"
    w.menus.export_action.trigger()
    dialog = w.jobs.dialog
    dialog.output.selectAll()
    qtbot.keyClicks(dialog.output, str(out))
    press_ok(qtbot, dialog)
    qtbot.waitUntil(lambda: f"document(s) to {out}" in w.statusBar().currentMessage(),
                    timeout=20000)  # fmt: skip
    (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    stored = rows(seed_db, "SELECT id, start, end, label FROM spans ORDER BY id")
    assert sorted((x["id"], x["start"], x["end"], x["label"]) for x in record["spans"]) == [
        tuple(r) for r in stored]  # fmt: skip  (exactly what was accepted, nothing pending)
    provenance = dict(rows(seed_db, "SELECT item, suggester FROM provenance"))
    for item in record["spans"] + record["relations"]:
        if item["id"] in provenance:
            assert item["suggested_by"]["suggester"] == provenance[item["id"]] in SUGGESTERS
            assert item["suggested_by"]["reason"] and 0 < item["suggested_by"]["score"] <= 1
        else:
            assert "suggested_by" not in item and item["id"] == by_hand[0][0]
    assert all(text[x["start"]:x["end"]] == x["text"] for x in record["spans"])
    w.close()

    # a restart and a new run: the rejected stay gone, what was accepted is not proposed
    done = CliRunner().invoke(main, ["suggest", str(seed_db)])
    assert done.exit_code == 0 and "1 article(s); suggestions kept:" in done.output, done.output
    assert rows(seed_db, "SELECT kind FROM suggestion_rejections ORDER BY kind") == [
        ("relation",), ("span",)]  # both remembered  # fmt: skip
    w = open_window(qtbot, seed_db)
    again = w.suggesting.pending
    assert again  # the new run proposed more (mentions of the actors now marked) ...
    places = {(p.start, p.end, p.label) for p in again if p.is_span}
    assert rejected_span not in places  # ... but not what was rejected
    assert not places & {(a, b, label) for _i, a, b, label, _t, _w in spans}
    wrong_target = next(sp.id for sp in w.state.spans if (sp.start, sp.end) == tuple(wrong_at[:2]))
    assert not any(not p.is_span and p.source == f"span:{quote.id}"
                   and p.target == f"span:{wrong_target}" for p in again)  # fmt: skip
    w.close()
