"""Issue 16, points 5 and 6: a corrected file from an annotator is welcome, and the scheme
travels with a review import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.model import Label
from annotator.store import Store, StoreError
from annotator.store.sharing import import_shared
from test_review_share import alice, bob, content, run


def _snapshot(db: Path, out: Path) -> Path:
    assert run("snapshot", db, out).exit_code == 0
    return out


def _review_with_verdicts(tmp_path: Path) -> tuple[Path, Path, Path]:
    """alice's and bob's first files in a review database; rita decided three of bob's
    spans and his link."""
    a, b = alice(tmp_path), bob(tmp_path)
    review = tmp_path / "review.db"
    first = _snapshot(b, tmp_path / "bob-1.db")
    assert run("review-import", review, _snapshot(a, tmp_path / "alice-1.db"), first).exit_code == 0
    with Store.open(review) as r:
        spans = {x.text: x for x in r.spans("doc-a", ["bob"])}
        r.decide_spans([(spans["Putin"].id, "accepted"), (spans["no to NATO"].id, "rejected"),
                        (spans["Kiev"].id, "accepted")], reviewer="rita")
    return review, a, b


def test_a_second_file_with_a_span_moved_keeps_the_other_verdicts_and_flags_that_one(
    tmp_path: Path,
) -> None:
    review, _a, b = _review_with_verdicts(tmp_path)
    with Store.open(b) as s:  # bob moves "no to NATO" one word on: "to NATO"
        moved = next(x for x in s.spans("doc-a") if x.text == "no to NATO")
        s.move_span(moved.id, moved.start + 3, moved.end)
    with Store.open_readonly(review) as r:
        before = r.decisions("doc-a")
        alice_before = r.spans("doc-a", ["alice"])
    result = run("review-import", review, _snapshot(b, tmp_path / "bob-2.db"))
    assert result.exit_code == 0, result.output
    assert f"{review}: bob: second version (1 span changed); 1 verdict needs another look" \
        in result.output
    with Store.open_readonly(review) as r:
        now = r.spans("doc-a", ["bob"])
        span = next(x for x in now if x.id == moved.id)
        text = r.document("doc-a").text
        assert (span.start, span.end, span.text) == (moved.start + 3, moved.end, "to NATO")
        assert text[span.start:span.end] == span.text
        assert r.spans("doc-a", ["alice"]) == alice_before
        assert r.decisions("doc-a") == before  # every verdict kept, the moved one too
        flags = r.review_flags("doc-a")
        assert [(f.item, f.change, f.verdict, f.version) for f in flags] == [
            (moved.id, "changed", "rejected", 2)
        ]
        assert flags[0].was == "“no to NATO” (quote) at 13-23, noted “bob on no to NATO”"
        assert flags[0].now == "“to NATO” (quote) at 16-23, noted “bob on no to NATO”"
    with Store.open(review) as r:  # rita decides it again: the flag is settled
        r.decide_span(moved.id, "accepted", reviewer="rita")
        assert r.review_flags() == []


def test_a_deleted_span_flags_its_verdict_and_the_history_lists_both_versions(
    tmp_path: Path,
) -> None:
    review, _a, b = _review_with_verdicts(tmp_path)
    with Store.open(b) as s:  # bob deletes Kiev
        kiev = next(x for x in s.spans("doc-a") if x.text == "Kiev")
        s.delete_span(kiev.id)
    second = _snapshot(b, tmp_path / "bob-2.db")
    result = run("review-import", review, second)
    assert result.exit_code == 0, result.output
    assert "bob: second version (1 span deleted); 1 verdict needs another look" in result.output
    with Store.open_readonly(review) as r:
        assert kiev.id not in {x.id for x in r.spans("doc-a")}
        assert r.decision(kiev.id).verdict == "accepted"  # kept, and flagged
        assert [(f.item, f.change, f.now) for f in r.review_flags()] == [(kiev.id, "deleted", "")]
        assert r.verify() == []
        history = [(v.annotator, v.version, Path(v.file).name, v.spans, v.deleted)
                   for v in r.received_versions()]
        assert history == [("alice", 1, "alice-1.db", 2, 0), ("bob", 1, "bob-1.db", 3, 0),
                           ("bob", 2, "bob-2.db", 2, 1)]
        assert len({v.content_sha256 for v in r.received_versions("bob")}) == 2
    shown = run("review-history", review)
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert lines[2].startswith("bob  version 2  ") and "bob-2.db" in lines[2]
    assert "2 span(s), 1 link(s)" in lines[2] and "1 deleted" in lines[2]
    assert "1 verdict(s) need another look:" in shown.output
    assert f"{kiev.id}  bob's “Kiev” (actor) at 25-29, noted “bob on Kiev”, accepted: " \
        "deleted in version 2" in shown.output
    data = json.loads(run("review-history", review, "--json").output)
    assert [v["version"] for v in data["versions"]] == [1, 1, 2]
    assert data["needs_another_look"][0]["item"] == kiev.id
    # the same file again adds no version and changes nothing
    again = run("review-import", review, second)
    assert again.exit_code == 0
    assert "bob: the same as their second version" in again.output
    with Store.open_readonly(review) as r:
        assert len(r.received_versions()) == 3
    # rita looked: the gold Kiev stays; the flag is settled from the command line
    assert "no verdict on 'nope' needs" in run("review-history", review, "--settle", "nope").output
    settled = run("review-history", review, "--settle", kiev.id)
    assert settled.exit_code == 0 and "1 verdict(s) settled" in settled.output
    with Store.open_readonly(review) as r:
        assert r.review_flags() == [] and r.decision(kiev.id).verdict == "accepted"


def test_a_deleted_items_flag_goes_with_its_gold_and_a_deleted_rejection_is_no_question(
    tmp_path: Path,
) -> None:
    review, _a, b = _review_with_verdicts(tmp_path)
    with Store.open(b) as s:  # bob deletes Kiev (accepted) and "no to NATO" (rejected)
        gone = {x.text: x for x in s.spans("doc-a") if x.text in ("Kiev", "no to NATO")}
        for span in gone.values():
            s.delete_span(span.id)
    result = run("review-import", review, _snapshot(b, tmp_path / "bob-2.db"))
    assert "bob: second version (2 spans deleted, 1 link deleted); 1 verdict needs another " \
        "look" in result.output
    with Store.open(review) as r:
        assert [f.item for f in r.review_flags()] == [gone["Kiev"].id]
        gold = r.decision(gone["Kiev"].id).gold
        r.delete_span(gold)  # rita removes the gold Kiev in the main window
        assert r.review_flags() == []


def test_a_failing_import_leaves_the_review_database_unchanged(tmp_path: Path) -> None:
    review, a, b = _review_with_verdicts(tmp_path)
    with Store.open(b) as s:
        moved = next(x for x in s.spans("doc-a") if x.text == "no to NATO")
        s.move_span(moved.id, moved.start + 3, moved.end)
    second = _snapshot(b, tmp_path / "bob-2.db")
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"not a database at all" * 100)
    with Store.open_readonly(review) as r:
        before = (content(r), r.decisions("doc-a"), r.received_versions(), r.labels(None))
    result = run("review-import", review, second, broken)
    assert result.exit_code == 1 and "broken.db" in result.output
    # a refusal in the copy itself (two versions of bob's work at once) rolls back too
    third = _snapshot(b, tmp_path / "bob-3.db")
    with Store.open(review) as r, pytest.raises(StoreError, match="import one version at a"):
        import_shared(r, [second, third])
    with Store.open_readonly(review) as r:
        after = (content(r), r.decisions("doc-a"), r.received_versions(), r.labels(None))
        assert after == before and r.review_flags() == []


# -- point 6: the scheme travels ---------------------------------------------------------


def _with_location(db: Path, color: str, key: str | None, description: str = "") -> Path:
    with Store.open(db) as s:
        labels = s.labels(None)
        s.save_scheme([*labels, Label("location", "span", color, key, 9, description)],
                      renames={}, deletes=[])
    return db


def test_label_colours_and_keys_arrive_and_differences_are_said(tmp_path: Path) -> None:
    a = _with_location(alice(tmp_path), "#ff69b4", "4", "a place")
    b = _with_location(bob(tmp_path), "#00bcd4", None, "a place")
    review = tmp_path / "review.db"
    result = run("review-import", review, a, b)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "alice and bob disagree on label location: colour #ff69b4 vs #00bcd4; key 4 vs none" \
        in out
    assert "label location added as alice has it (colour #ff69b4, key 4)" in out
    with Store.open_readonly(review) as r:
        location = next(x for x in r.labels(None) if x.name == "location")
        assert (location.color, location.key, location.description) == ("#ff69b4", "4", "a place")


def test_the_reviewers_own_label_settings_are_kept_and_said(tmp_path: Path) -> None:
    a = _with_location(alice(tmp_path), "#ff69b4", "4")
    review = tmp_path / "review.db"
    with Store.open(review) as r:  # the reviewer's own scheme: location in green, key 7
        r.save_scheme([*r.labels(None), Label("location", "span", "#00ff00", "7", 9, "")],
                      renames={}, deletes=[])
    result = run("review-import", review, a)
    assert result.exit_code == 0, result.output
    assert "label location: kept this database's colour #00ff00 (alice: #ff69b4), key 7 " \
        "(alice: 4)" in result.output
    with Store.open_readonly(review) as r:
        location = next(x for x in r.labels(None) if x.name == "location")
        assert (location.color, location.key) == ("#00ff00", "7")


def test_a_key_taken_here_is_not_given_and_every_label_column_travels(tmp_path: Path) -> None:
    """A column a later migration adds to the labels table (the link rules of m009, say)
    travels with no change to the merge: every column of the reviewer's table is copied."""
    from annotator.store.scheme_merge import merge_schemes

    review = tmp_path / "review.db"
    with Store.open(review) as r:
        r.conn.execute("ALTER TABLE labels ADD COLUMN rules TEXT NOT NULL DEFAULT ''")
        claim = next(x for x in r.labels(None) if x.key == "1").name
        with r._one_write():
            rows = [{"name": "location", "kind": "span", "color": "#ff69b4", "key": "1",
                     "position": 3, "description": "", "rules": "quote → actor"}]
            lines = merge_schemes(r.conn, [("alice", rows)], fresh=False)
        got = r.conn.execute("SELECT key, rules FROM labels WHERE name = 'location'").fetchone()
    assert got == (None, "quote → actor")
    assert lines == [f"label location added as alice has it (colour #ff69b4, key none); "
                     f"key 1 not given to it: {claim} has it here"]


def test_a_changed_link_is_a_new_version_too(tmp_path: Path) -> None:
    import sqlite3

    review, _a, b = _review_with_verdicts(tmp_path)
    from annotator.core.link_rules import LinkRule

    with Store.open(review) as r:
        link = r.relations("doc-a", ["bob"])[0]
        r.decide_relation(link.id, "rejected", reviewer="rita")
        # this scheme lets a quote be claimed_by an actor too, so the retype is allowed
        r.save_scheme(r.labels(None), renames={}, deletes=[],
                      rules=[LinkRule("claimed_by", ("claim", "quote"), ("actor",))])
    conn = sqlite3.connect(b)  # bob retypes his link (an edit the window makes in place)
    conn.execute("UPDATE relations SET label = 'claimed_by', updated_at = '2026-12-01T00:00:00Z'")
    conn.commit()
    conn.close()
    summary = import_shared(review, [_snapshot(b, tmp_path / "bob-2.db")])
    assert summary.relations_added == 0  # taken out and brought back: not added
    assert [v.line() for v in summary.versions] == [
        "bob: second version (1 link changed); 1 verdict needs another look"
    ]
    with Store.open_readonly(review) as r:
        assert [(x.id, x.label) for x in r.relations("doc-a", ["bob"])] == [
            (link.id, "claimed_by")
        ]
        assert r.decision(link.id).verdict == "rejected"
        assert [(f.item, f.kind, f.was, f.now) for f in r.review_flags()] == [
            (link.id, "relation", "said_by link “no to NATO” → “Putin”, noted “sure”",
             "claimed_by link “no to NATO” → “Putin”, noted “sure”")
        ]


def test_a_new_review_database_takes_the_senders_keys_even_swapped(tmp_path: Path) -> None:
    a = alice(tmp_path)
    with Store.open(a) as s:  # alice swapped the keys of claim and quote
        labels = s.labels(None)
        keys = {x.name: x.key for x in labels}
        swapped = [
            Label(x.name, x.kind, x.color, keys["quote"] if x.name == "claim" else
                  keys["claim"] if x.name == "quote" else x.key, x.position, x.description)
            for x in labels
        ]
        s.save_scheme(swapped, renames={}, deletes=[])
    review = tmp_path / "new-review.db"
    result = run("review-import", review, a)
    assert result.exit_code == 0, result.output
    assert "label claim set as alice has it (colour" in result.output
    with Store.open_readonly(review) as r:
        now = {x.name: x.key for x in r.labels(None)}
    assert (now["claim"], now["quote"]) == (keys["quote"], keys["claim"])


def test_a_document_label_taken_back_goes_and_is_counted(tmp_path: Path) -> None:
    b = bob(tmp_path)
    doc_label = "no claims"
    with Store.open(b) as s:
        s.save_scheme([*s.labels(None), Label(doc_label, "document", "#777777", None, 0, "")],
                      renames={}, deletes=[])
        s.set_document_label("doc-a", doc_label, "bob")
    review = tmp_path / "review.db"
    assert run("review-import", review, _snapshot(b, tmp_path / "bob-1.db")).exit_code == 0
    with Store.open(b) as s:
        s.unset_document_label("doc-a", doc_label, "bob")
    result = run("review-import", review, _snapshot(b, tmp_path / "bob-2.db"))
    assert "bob: second version (1 document label deleted)" in result.output
    with Store.open_readonly(review) as r:
        assert r.document_labels("doc-a") == []
        assert [v.deleted for v in r.received_versions("bob")] == [0, 1]


def test_a_received_colour_the_scheme_editor_would_refuse_is_refused(tmp_path: Path) -> None:
    import sqlite3

    a = alice(tmp_path)
    conn = sqlite3.connect(a)
    conn.execute("UPDATE labels SET color = 'red; drop' WHERE name = 'actor'")
    conn.commit()
    conn.close()
    review = tmp_path / "review.db"
    with Store.open(review) as r:
        before = r.labels(None)
    result = run("review-import", review, a)
    assert result.exit_code == 1
    assert "alice's scheme cannot be taken ('actor': colour 'red; drop' is not #rrggbb)" \
        in " ".join(result.output.split())
    with Store.open_readonly(review) as r:
        assert r.labels(None) == before and r.document_ids() == []
