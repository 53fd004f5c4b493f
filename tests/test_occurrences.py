"""Label all occurrences, judged in core: which occurrences are proposed, which are left
out and why; paragraph numbers and context lines (no Qt)."""

from __future__ import annotations

from annotator.core.model import Document, DocumentMeta, Span
from annotator.core.occurrences import context, plan
from annotator.core.spanset import SpanSet
from annotator.core.textnav import paragraph_number, paragraph_starts

TEXT = (
    "\n\nLavrov Warns NATO\n\n"
    "Foreign Minister Sergei Lavrov spoke.\n\n"
    "“We will not,” Lavrov said — 😀 Lavrov’s aide agreed, and Lavrovich did not.\r\n"
    "See https://example.com/Lavrov and <www.Lavrov.ru> or Lavrov.\n"
)


def doc(title: str = "Lavrov Warns NATO") -> Document:
    return Document("d", TEXT, "", "src", DocumentMeta(title=title), "now")


def span(start: int, end: int, label: str = "actor", sid: str | None = None) -> Span:
    return Span(sid or f"s{start}-{end}-{label}", "d", start, end, label, TEXT[start:end],
                "alice", "now", "now")


def at(needle: str, nth: int = 0) -> int:
    i = -1
    for _ in range(nth + 1):
        i = TEXT.index(needle, i + 1)
    return i


def test_occurrences_inside_a_span_of_the_same_label_are_never_proposed() -> None:
    sergei = span(at("Sergei Lavrov"), at("Sergei Lavrov") + len("Sergei Lavrov"))
    chosen = span(at("Lavrov said"), at("Lavrov said") + 6, sid="chosen")
    quote = span(at("“We"), at("agreed") + 6, "quote")  # another label: no obstacle
    spans = SpanSet([sergei, chosen, quote])
    found = {(o.start, o.end): o for o in plan(doc(), chosen, spans.overlapping)}
    # Every whole-word "Lavrov" (not Lavrovich; Lavrov’s aide: yes); the URL's and the
    # title's too, but those unticked.
    starts = [i for i in range(len(TEXT)) if TEXT.startswith("Lavrov", i)
              and not TEXT[i + 6].isalpha()]
    assert sorted(a for a, _ in found) == starts and at("Lavrov’s") in starts
    inside = found[(at("Lavrov spoke"), at("Lavrov spoke") + 6)]  # Sergei Lavrov's
    assert (inside.ticked, inside.allowed) == (False, False)
    assert inside.reason == "inside “Sergei Lavrov”, already actor"
    own = found[(chosen.start, chosen.end)]
    assert not own.allowed and own.reason == "the selected span"
    title = found[(2, 8)]
    assert (title.ticked, title.allowed, title.reason) == (False, True, "in the headline")
    for needle in ("Lavrov and", "Lavrov.ru"):
        web = found[(at(needle), at(needle) + 6)]
        assert (web.ticked, web.allowed, web.reason) == (False, True, "inside a web address")
    ticked = sorted(a for (a, _), o in found.items() if o.ticked)
    assert ticked == [at("Lavrov’s"), at("Lavrov.\n")]  # inside a quote too: another label
    for o in found.values():
        assert TEXT[o.start:o.end] == "Lavrov"


def test_a_longer_text_holding_or_crossing_a_span_of_the_label_is_not_proposed() -> None:
    lavrov = span(at("Lavrov spoke"), at("Lavrov spoke") + 6)
    minister = span(at("Minister"), at("Sergei") - 1)  # "Minister": crosses "Minister Sergei"
    chosen = span(at("Foreign Minister Sergei"), at("Foreign Minister Sergei") + 23, sid="c")
    spans = SpanSet([lavrov, minister, chosen])
    probe = span(at("Sergei Lavrov"), at("Sergei Lavrov") + 13, sid="probe")
    (only,) = plan(doc(), probe, spans.overlapping)
    assert not only.allowed and only.reason == "would hold “Lavrov”, already actor"
    probe = span(at("Sergei"), at("Sergei") + 6, sid="probe2")
    (only,) = plan(doc(), probe, SpanSet([minister, lavrov, span(at("Minister"), at("Sergei") + 6)]).overlapping)
    assert only.reason.startswith("inside “Minister Sergei”")
    probe = span(at("Minister Sergei"), at("Minister Sergei") + 15, sid="probe3")
    (only,) = plan(doc(), probe, SpanSet([lavrov, span(at("Sergei"), at("spoke"))]).overlapping)
    assert only.reason == "overlaps “Sergei Lavrov”, already actor" and not only.allowed


def test_no_headline_rule_without_a_title_line() -> None:
    chosen = span(at("Lavrov spoke"), at("Lavrov spoke") + 6, sid="c")
    found = plan(doc(title="Another title"), chosen, SpanSet([chosen]).overlapping)
    assert next(o for o in found if o.start == 2).ticked


def test_paragraph_numbers_and_context_lines() -> None:
    assert paragraph_number(TEXT, at("Lavrov")) == 1
    assert paragraph_number(TEXT, at("Sergei")) == 2
    assert paragraph_number(TEXT, at("agreed")) == 3
    assert paragraph_number(TEXT, at("See")) == 3  # one line break only: the same paragraph
    assert paragraph_starts(TEXT) == [at("Lavrov"), at("Foreign"), at("“We")]
    start = at("Lavrov said")
    line, a, b = context(TEXT, start, start + 6, width=10)
    assert line[a:b] == "Lavrov" and line.startswith("…") and line.endswith("…")
    assert "\r" not in line and "\n" not in line
    line, a, b = context("a  b\tLavrov", 5, 11)
    assert (line, line[a:b]) == ("a b Lavrov", "Lavrov")


def test_a_long_occurrence_is_shown_by_its_two_ends() -> None:
    long = "word " * 100 + "end"
    line, a, b = context("Before " + long + " after.", 7, 7 + len(long), width=20)
    assert line[a:b].startswith("word word") and line[a:b].endswith("word end")
    assert " … " in line[a:b] and len(line) < 80 and line.endswith("after.")


def test_a_possessive_counts_but_a_longer_word_does_not() -> None:
    from annotator.core.textnav import occurrences

    text = "Putin's plan, Putin’s aides, Putin'sky, Putinism, (Putin) and Putin’S."
    assert [text[a:b + 3] for a, b in occurrences(text, "Putin")] == [
        "Putin's ", "Putin’s ", "Putin) a", "Putin’S."]
