"""Which items one key of the review window covers (review/rules.py, no Qt needed)."""

from __future__ import annotations

from annotator.core.model import Decision, Relation, Span
from annotator.gui.review.compare_view import stretch_around
from annotator.review.compare import groups
from annotator.review.rules import accept_lane, follow_spans, reject_others, touching

TEXT = "Putin said no. Kiev said yes."


def span(who: str, start: int, end: int, label: str = "actor", sid: str | None = None) -> Span:
    return Span(sid or f"{who}-{start}-{end}", "d", start, end, label, TEXT[start:end], who, "", "")


def decided(item: str, verdict: str) -> Decision:
    return Decision(item, "span", "d", verdict, None if verdict == "rejected" else "g", "rita", "")


def link(who: str, source: str, target: str) -> Relation:
    return Relation(f"{who}-link", "d", "said_by", source, target, who, "", "")


def test_accept_takes_the_lane_and_its_twins_and_rejects_the_rest_still_open() -> None:
    spans = [span("alice", 0, 5), span("bob", 0, 5), span("carol", 0, 10, "quote")]
    (group,) = groups(spans, ["alice", "bob", "carol"])
    assert accept_lane(group, "alice", {}) == [
        ("alice-0-5", "accepted"),
        ("bob-0-5", "accepted"),
        ("carol-0-10", "rejected"),
    ]
    # A verdict already given to another lane stands; a lane with no span: "nothing here".
    assert accept_lane(group, "bob", {"carol-0-10": decided("carol-0-10", "accepted")}) == [
        ("alice-0-5", "accepted"),
        ("bob-0-5", "accepted"),
    ]
    (two,) = groups(spans[:2] + [span("carol", 0, 10, "quote")], ["alice", "bob", "carol", "dan"])
    assert accept_lane(two, "dan", {}) == [
        ("alice-0-5", "rejected"),
        ("bob-0-5", "rejected"),
        ("carol-0-10", "rejected"),
    ]
    assert reject_others(group, "carol", {"bob-0-5": decided("bob-0-5", "accepted")}) == [
        ("alice-0-5", "rejected")
    ]


def test_links_follow_their_spans() -> None:
    relations = [link("alice", "q", "a"), link("bob", "q2", "a2"), link("carol", "q3", "a3")]
    decisions = {
        "q": decided("q", "accepted"),
        "a": decided("a", "edited"),
        "q2": decided("q2", "rejected"),
        "q3": decided("q3", "accepted"),  # a3 still open: carol's link waits
    }
    assert follow_spans(relations, decisions) == [
        ("alice-link", "accepted"),
        ("bob-link", "rejected"),
    ]
    decisions["alice-link"] = decided("alice-link", "accepted")
    assert follow_spans(relations, decisions) == [("bob-link", "rejected")]
    assert [r.id for r in touching(relations, ["a3"])] == ["carol-link"]


def test_the_lanes_show_the_paragraph_around_the_group() -> None:
    text = "Title\n\nFirst para here.\n\nThe second paragraph, with Kiev in it.\n\nLast."
    k = text.index("Kiev")
    stretch = stretch_around(text, k, k + 4)
    assert text[stretch.start : stretch.end] == "The second paragraph, with Kiev in it."
    long = "word " * 400 + "Kiev" + " word" * 400
    k = long.index("Kiev")
    stretch = stretch_around(long, k, k + 4)
    shown = long[stretch.start : stretch.end]
    assert "Kiev" in shown and len(shown) <= 610
    assert shown.startswith("word") and shown.endswith("word")  # cut at spaces


def test_the_paragraph_around_the_group_with_crlf_line_ends() -> None:
    text = "Title\r\n\r\nFirst para here.\r\n \r\nThe second, with Kiev in it.\r\n\r\nLast."
    k = text.index("Kiev")
    stretch = stretch_around(text, k, k + 4)
    assert text[stretch.start : stretch.end] == "The second, with Kiev in it."
    f = text.index("First")
    stretch = stretch_around(text, f, k + 4)  # a group across paragraphs keeps its breaks
    assert text[stretch.start : stretch.end] == "First para here.\r\n \r\nThe second, with Kiev in it."


def test_each_key_says_what_it_asks_or_why_it_has_nothing_to_do() -> None:
    from annotator.review import rules

    spans = [span("alice", 0, 5), span("bob", 0, 5), span("carol", 0, 10, "quote")]
    (group,) = groups(spans, ["alice", "bob", "carol", "dan"])
    asked = rules.accept(group, "alice", {})
    assert asked.text == "Accept alice's reading" and asked.verdicts == accept_lane(group, "alice", {})
    assert rules.accept(group, "dan", {}).text == "Accept nothing here (dan)"
    assert rules.reject(group, "carol").verdicts == [("carol-0-10", "rejected")]
    for key, why in (
        (lambda: rules.accept(None, "alice", {}), "No group or lane to decide on."),
        (lambda: rules.reject(group, "dan"), "dan has no span here to reject."),
        (lambda: rules.span_to_edit(group, "dan", None),
         "dan has no span here to edit: pick a lane with a span."),
        (lambda: rules.accept_agreed([group], {}), "No undecided group where all agree."),
        (lambda: rules.undo(group, [], {}), "Nothing decided in this group yet."),
    ):
        try:
            key()
        except rules.NothingToDo as nothing:
            assert str(nothing) == why
        else:
            raise AssertionError(f"no refusal: {why}")
    assert rules.span_to_edit(group, "carol", (2, 4)).id == "carol-0-10"
    edited = rules.edit(group, "carol", spans[2], (0, 5, "actor"), {})
    assert edited.text == "Edit carol's quote" and edited.verdicts == [
        ("carol-0-10", "edited", {"start": 0, "end": 5, "label": "actor"}),
        ("alice-0-5", "rejected"),
        ("bob-0-5", "rejected"),
    ]
    decisions = {"alice-0-5": decided("alice-0-5", "accepted")}
    relations = [link("alice", "alice-0-5", "x"), link("bob", "y", "z")]
    decisions["alice-link"] = decided("alice-link", "accepted")
    assert rules.undo(group, relations, decisions) == ["alice-0-5", "alice-link"]
    assert rules.undo(None, relations, decisions) == []
    assert rules.next_open_link(relations, decisions, 0, +1) == 1
    assert rules.next_open_link(relations, decisions, 1, -1) == 1  # wraps to itself
    assert rules.next_open_link(relations[:1], decisions, -1, +1) is None
